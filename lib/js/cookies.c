/* EdgeOne's Cookies class, as documented at https://edgeone.ai/document/52685 (Edge
 * Functions > Runtime APIs > Cookies):
 *
 *   new Cookies(cookieStr?, isSetCookie?)  parses a Cookie header value, or with
 *       isSetCookie a Set-Cookie value (several joined by ", " as Headers.get gives them)
 *   get(name?)  null | Cookie | Cookie[]: all cookies without a name; with a name the
 *       one match, an array when several match, null when none
 *   set(name, value, options?)  adds or replaces the cookie keyed by name + domain + path
 *   remove(name, domain?, path?)
 *
 * A Cookie is a plain object with read-only name, value, domain, path, expires, max_age,
 * samesite, httponly, secure (attributes absent from the source are absent). The
 * documented API is complemented with getAll(name?) (always an array), has(name) and
 * delete as another name for remove. */
#include "js/js.h"

#include "duk_extras.h"

#include <ctype.h>
#include <string.h>
#include <strings.h>

#define KEY_LIST DUK_HIDDEN_SYMBOL("ckList")

static bool is_ws(char c) { return c == ' ' || c == '\t'; }

static void trim(const char **s, const char **e) {
  while (*s < *e && is_ws(**s))
    (*s)++;
  while (*e > *s && is_ws((*e)[-1]))
    (*e)--;
}

static bool is_token(const char *s, size_t n) { return edgefn__is_token(s, n); }

/* Defines a read-only enumerable property from the value on the stack top. */
static void put_ro(duk_context *ctx, duk_idx_t obj, const char *name) {
  obj = duk_normalize_index(ctx, obj);
  duk_push_string(ctx, name);
  duk_swap_top(ctx, -2);
  duk_def_prop(ctx, obj,
               DUK_DEFPROP_HAVE_VALUE | DUK_DEFPROP_SET_ENUMERABLE | DUK_DEFPROP_CLEAR_WRITABLE |
                   DUK_DEFPROP_SET_CONFIGURABLE);
}

/* Pushes the property `key` of the Cookie at idx, or undefined. Cookies are plain objects
 * the library made, read straight from their property table; one a script redefined
 * (its properties are configurable) is read the generic way. */
static void push_part(duk_context *ctx, duk_idx_t idx, const char *key) {
  (void)edgefn__duk_get_prop_lstring(ctx, idx, key, strlen(key));
}

/* The string at idx, or "" when it is not a string. */
static const char *part_string(duk_context *ctx, duk_idx_t idx, duk_size_t *len) {
  if (duk_is_string(ctx, idx))
    return duk_get_lstring(ctx, idx, len);
  *len = 0;
  return "";
}

/* Returns the index of the cookie keyed (name, domain, path) in the list, or -1. Missing
 * domain/path compare as the empty string. */
static int find_key(duk_context *ctx, duk_idx_t list, duk_idx_t cookie) {
  static const char *const parts[] = {"name", "domain", "path"};
  list = duk_normalize_index(ctx, list);
  cookie = duk_normalize_index(ctx, cookie);
  const char *want[3];
  duk_size_t want_len[3];
  for (int k = 0; k < 3; k++) { /* (left on the stack, which keeps them) */
    push_part(ctx, cookie, parts[k]);
    want[k] = part_string(ctx, -1, &want_len[k]);
  }
  duk_size_t n = duk_get_length(ctx, list);
  int found = -1;
  for (duk_size_t i = 0; i < n && found < 0; i++) {
    (void)edgefn__duk_get_prop_index(ctx, list, (duk_uarridx_t)i);
    bool same = true;
    for (int k = 0; k < 3 && same; k++) {
      push_part(ctx, -1, parts[k]);
      duk_size_t len;
      const char *a = part_string(ctx, -1, &len);
      same = len == want_len[k] && memcmp(a, want[k], len) == 0;
      duk_pop(ctx);
    }
    duk_pop(ctx);
    if (same)
      found = (int)i;
  }
  duk_pop_3(ctx);
  return found;
}

/* Adds the cookie object on the stack top to the list at list (replacing one with the
 * same key) and pops it. */
static void list_put(duk_context *ctx, duk_idx_t list) {
  list = duk_normalize_index(ctx, list);
  int at = find_key(ctx, list, duk_get_top_index(ctx));
  duk_put_prop_index(ctx, list,
                     at >= 0 ? (duk_uarridx_t)at : (duk_uarridx_t)duk_get_length(ctx, list));
}

/* Pushes a Cookie with name and value from [ns, ne) and [vs, ve). */
static void push_cookie(duk_context *ctx, const char *ns, const char *ne, const char *vs,
                        const char *ve) {
  duk_push_object(ctx);
  duk_push_lstring(ctx, ns, (duk_size_t)(ne - ns));
  put_ro(ctx, -2, "name");
  duk_push_lstring(ctx, vs, (duk_size_t)(ve - vs));
  put_ro(ctx, -2, "value");
}

/* Parses "a=1; b=2" (RFC 6265 section 5.4 / 6265bis: a pair without '=' has an empty
 * name). */
static void parse_cookie_header(duk_context *ctx, duk_idx_t list, const char *s, size_t len) {
  list = duk_normalize_index(ctx, list);
  const char *p = s, *end = s + len;
  while (p < end) {
    const char *semi = memchr(p, ';', (size_t)(end - p));
    const char *pe = semi ? semi : end;
    const char *ns = p, *ne = pe, *vs = pe, *ve = pe;
    const char *eq = memchr(p, '=', (size_t)(pe - p));
    if (eq) {
      ne = eq;
      vs = eq + 1;
    } else {
      vs = p;
      ns = ne = p;
    }
    trim(&ns, &ne);
    trim(&vs, &ve);
    if (ne > ns || ve > vs) {
      push_cookie(ctx, ns, ne, vs, ve);
      list_put(ctx, list);
    }
    p = semi ? semi + 1 : end;
  }
}

/* Parses one Set-Cookie value (RFC 6265 section 5.2). */
static void parse_set_cookie(duk_context *ctx, duk_idx_t list, const char *s, const char *end) {
  list = duk_normalize_index(ctx, list);
  const char *semi = memchr(s, ';', (size_t)(end - s));
  const char *pe = semi ? semi : end;
  const char *eq = memchr(s, '=', (size_t)(pe - s));
  const char *ns = s, *ne = eq ? eq : s, *vs = eq ? eq + 1 : s, *ve = pe;
  trim(&ns, &ne);
  trim(&vs, &ve);
  if (ne == ns && ve == vs)
    return;
  push_cookie(ctx, ns, ne, vs, ve);
  const char *p = semi ? semi + 1 : end;
  while (p < end) {
    const char *sc = memchr(p, ';', (size_t)(end - p));
    const char *ae = sc ? sc : end;
    const char *an = p, *ane = ae, *av = ae, *ave = ae;
    const char *aeq = memchr(p, '=', (size_t)(ae - p));
    if (aeq) {
      ane = aeq;
      av = aeq + 1;
    }
    trim(&an, &ane);
    trim(&av, &ave);
    size_t alen = (size_t)(ane - an);
    static const struct {
      const char *attr, *prop;
      bool flag;
    } attrs[] = {{"expires", "expires", false},   {"max-age", "max_age", false},
                 {"domain", "domain", false},     {"path", "path", false},
                 {"samesite", "samesite", false}, {"secure", "secure", true},
                 {"httponly", "httponly", true}};
    for (size_t i = 0; i < EDGEFN_ARRAY_LEN(attrs); i++) {
      if (strlen(attrs[i].attr) != alen || strncasecmp(an, attrs[i].attr, alen) != 0)
        continue;
      if (attrs[i].flag) {
        duk_push_true(ctx);
      } else {
        /* A leading dot of Domain is ignored, and the domain is compared lower-case. */
        if (strcmp(attrs[i].prop, "domain") == 0) {
          if (av < ave && *av == '.')
            av++;
          duk_push_lstring(ctx, av, (duk_size_t)(ave - av));
          duk_get_prop_string(ctx, -1, "toLowerCase");
          duk_dup(ctx, -2);
          duk_call_method(ctx, 0);
          duk_remove(ctx, -2);
        } else {
          duk_push_lstring(ctx, av, (duk_size_t)(ave - av));
        }
      }
      /* The last occurrence of an attribute wins. */
      duk_del_prop_string(ctx, -2, attrs[i].prop);
      put_ro(ctx, -2, attrs[i].prop);
    }
    p = sc ? sc + 1 : end;
  }
  list_put(ctx, list);
}

/* Splits Set-Cookie values joined with "," (as Headers.get returns them): a comma starts a
 * new cookie only when a "token=" follows, so the comma of an Expires date does not. */
static void parse_set_cookies(duk_context *ctx, duk_idx_t list, const char *s, size_t len) {
  list = duk_normalize_index(ctx, list);
  const char *start = s, *end = s + len;
  for (const char *p = s; p < end; p++) {
    if (*p != ',')
      continue;
    const char *q = p + 1;
    while (q < end && is_ws(*q))
      q++;
    const char *t = q;
    while (t < end && is_token(t, 1))
      t++;
    if (t > q && t < end && *t == '=') {
      parse_set_cookie(ctx, list, start, p);
      start = p + 1;
    }
  }
  parse_set_cookie(ctx, list, start, end);
}

static duk_idx_t push_this_list(duk_context *ctx) {
  duk_push_this(ctx);
  if (!duk_is_object(ctx, -1) || !duk_get_prop_string(ctx, -1, KEY_LIST))
    (void)duk_error(ctx, DUK_ERR_TYPE_ERROR, "Illegal invocation: not a Cookies object");
  duk_remove(ctx, -2);
  return duk_get_top_index(ctx);
}

static duk_ret_t cookies_ctor(duk_context *ctx) {
  if (!duk_is_constructor_call(ctx))
    return duk_error(ctx, DUK_ERR_TYPE_ERROR,
                     "Failed to construct 'Cookies': Please use the 'new' operator");
  duk_push_this(ctx);
  duk_push_array(ctx);
  if (!duk_is_undefined(ctx, 0) && !duk_is_null(ctx, 0)) {
    duk_size_t len;
    const char *s = duk_to_lstring(ctx, 0, &len);
    if (duk_to_boolean(ctx, 1))
      parse_set_cookies(ctx, -1, s, len);
    else
      parse_cookie_header(ctx, -1, s, len);
  }
  duk_put_prop_literal(ctx, -2, KEY_LIST);
  return 0;
}

/* Pushes an array of the cookies named like the string at name (all when undefined);
 * with first_only, stops at the first match (has). */
static void push_matches(duk_context *ctx, duk_idx_t list, duk_idx_t name, bool first_only) {
  list = duk_normalize_index(ctx, list);
  name = duk_normalize_index(ctx, name);
  bool all = duk_is_undefined(ctx, name);
  if (!all)
    duk_to_string(ctx, name);
  duk_push_array(ctx);
  duk_size_t n = duk_get_length(ctx, list);
  duk_uarridx_t k = 0;
  for (duk_size_t i = 0; i < n && !(first_only && k > 0); i++) {
    (void)edgefn__duk_get_prop_index(ctx, list, (duk_uarridx_t)i);
    bool match = all;
    if (!all) {
      push_part(ctx, -1, "name");
      match = duk_strict_equals(ctx, -1, name);
      duk_pop(ctx);
    }
    if (match)
      duk_put_prop_index(ctx, -2, k++);
    else
      duk_pop(ctx);
  }
}

static duk_ret_t cookies_get(duk_context *ctx) {
  duk_idx_t list = push_this_list(ctx);
  push_matches(ctx, list, 0, false);
  if (duk_is_undefined(ctx, 0))
    return 1;
  duk_size_t n = duk_get_length(ctx, -1);
  if (n == 0)
    duk_push_null(ctx);
  else if (n == 1)
    duk_get_prop_index(ctx, -1, 0);
  return 1;
}

static duk_ret_t cookies_get_all(duk_context *ctx) {
  duk_idx_t list = push_this_list(ctx);
  push_matches(ctx, list, 0, false);
  return 1;
}

static duk_ret_t cookies_has(duk_context *ctx) {
  duk_idx_t list = push_this_list(ctx);
  duk_to_string(ctx, 0);
  push_matches(ctx, list, 0, true);
  duk_push_boolean(ctx, duk_get_length(ctx, -1) > 0);
  return 1;
}

/* set(name, value, options): false (and nothing changed) when the name is not a token or
 * the value holds a control character or ';', which would break the header. */
static duk_ret_t cookies_set(duk_context *ctx) {
  duk_idx_t list = push_this_list(ctx);
  duk_size_t nlen, vlen;
  const char *name = duk_to_lstring(ctx, 0, &nlen);
  if (duk_is_undefined(ctx, 1)) {
    duk_push_string(ctx, "");
    duk_replace(ctx, 1);
  }
  const char *value = duk_to_lstring(ctx, 1, &vlen);
  bool ok = is_token(name, nlen);
  for (duk_size_t i = 0; ok && i < vlen; i++) {
    unsigned char c = (unsigned char)value[i];
    if (c < 0x20 || c == 0x7f || c == ';')
      ok = false;
  }
  if (!ok) {
    duk_push_false(ctx);
    return 1;
  }
  push_cookie(ctx, name, name + nlen, value, value + vlen);
  if (duk_is_object(ctx, 2)) {
    static const char *const strs[] = {"domain", "path", "expires", "max_age", "samesite"};
    static const char *const flags[] = {"httponly", "secure"};
    for (size_t i = 0; i < EDGEFN_ARRAY_LEN(strs); i++) {
      duk_get_prop_string(ctx, 2, strs[i]);
      if (duk_is_undefined(ctx, -1) || duk_is_null(ctx, -1)) {
        duk_pop(ctx);
        continue;
      }
      duk_to_string(ctx, -1);
      put_ro(ctx, -2, strs[i]);
    }
    for (size_t i = 0; i < EDGEFN_ARRAY_LEN(flags); i++) {
      duk_get_prop_string(ctx, 2, flags[i]);
      bool on = duk_to_boolean(ctx, -1);
      duk_pop(ctx);
      if (on) {
        duk_push_true(ctx);
        put_ro(ctx, -2, flags[i]);
      }
    }
  }
  list_put(ctx, list);
  duk_push_true(ctx);
  return 1;
}

/* Whether the Cookie at idx matches remove's arguments (0: the name, 1: the domain, 2: the
 * path; each a string, or undefined or null for any). */
static bool remove_matches(duk_context *ctx, duk_idx_t idx) {
  static const char *const parts[] = {"name", "domain", "path"};
  bool match = true;
  for (int j = 0; j < 3 && match; j++) {
    if (duk_is_undefined(ctx, j) || duk_is_null(ctx, j))
      continue;
    push_part(ctx, idx, parts[j]);
    duk_size_t have_len = 0, want_len;
    /* An absent part is ""; one a script redefined to a non-string matches nothing
     * (duk_get_lstring gives NULL for it). */
    const char *have = duk_is_undefined(ctx, -1) ? "" : duk_get_lstring(ctx, -1, &have_len);
    const char *want = duk_get_lstring(ctx, j, &want_len);
    match = have && have_len == want_len && memcmp(have, want, have_len) == 0;
    duk_pop(ctx);
  }
  return match;
}

/* remove(name, domain?, path?): removes the cookies with that name (and that domain and
 * path when given); true when one was removed. */
static duk_ret_t cookies_remove(duk_context *ctx) {
  duk_set_top(ctx, 3);
  duk_idx_t list = push_this_list(ctx);
  duk_to_string(ctx, 0);
  for (duk_idx_t j = 1; j < 3; j++) /* converted once, not once per cookie */
    if (!duk_is_undefined(ctx, j) && !duk_is_null(ctx, j))
      duk_to_string(ctx, j);
  duk_size_t n = duk_get_length(ctx, list), first = n;
  for (duk_size_t i = 0; i < n && first == n; i++) {
    (void)edgefn__duk_get_prop_index(ctx, list, (duk_uarridx_t)i);
    if (remove_matches(ctx, -1))
      first = i;
    duk_pop(ctx);
  }
  if (first == n) { /* nothing to remove: the list stays as it is */
    duk_push_false(ctx);
    return 1;
  }
  duk_push_array(ctx);
  duk_idx_t kept = duk_get_top_index(ctx);
  duk_uarridx_t k = 0;
  for (duk_size_t i = 0; i < n; i++) {
    (void)edgefn__duk_get_prop_index(ctx, list, (duk_uarridx_t)i);
    if (i >= first && remove_matches(ctx, -1))
      duk_pop(ctx);
    else
      duk_put_prop_index(ctx, kept, k++);
  }
  duk_push_this(ctx);
  duk_dup(ctx, kept);
  duk_put_prop_literal(ctx, -2, KEY_LIST);
  duk_push_true(ctx);
  return 1;
}

void edgefn__cookies_install(duk_context *ctx) {
  static const duk_function_list_entry methods[] = {
      {"get", cookies_get, 1}, {"getAll", cookies_get_all, 1}, {"has", cookies_has, 1},
      {"set", cookies_set, 3}, {"remove", cookies_remove, 3},  {"delete", cookies_remove, 3},
      {NULL, NULL, 0}};
  duk_push_global_object(ctx);
  duk_push_c_function(ctx, cookies_ctor, 2);
  duk_push_object(ctx);
  duk_put_function_list(ctx, -1, methods);
  duk_dup(ctx, -2);
  duk_put_prop_string(ctx, -2, "constructor");
  duk_put_prop_string(ctx, -2, "prototype");
  duk_put_prop_string(ctx, -2, "Cookies");
  duk_pop(ctx);
}
