/* URL and URLSearchParams (WHATWG URL Standard) as JavaScript classes.
 *
 * A URL object keeps its serialization (href, always ASCII) and the offsets of every
 * component in it, so each getter is one substring; a setter rebuilds the record from them,
 * runs the parser with a state override and stores the new serialization. URLSearchParams
 * keeps a flat hidden array [name0, value0, ...]; the two objects of a URL point at each
 * other and update each other as the Standard's "update steps" say. The parser works on C
 * memory and never throws, and every Duktape call that can throw happens while no C
 * allocation is held, so an error or out-of-memory never leaks. */
#include "js/js.h"
#include "js/url.h"

#include <stdlib.h>
#include <string.h>

#define KEY_HREF DUK_HIDDEN_SYMBOL("uh")
#define KEY_OFF DUK_HIDDEN_SYMBOL("uo")
#define KEY_PARAMS DUK_HIDDEN_SYMBOL("up")
#define KEY_LIST DUK_HIDDEN_SYMBOL("ul")
#define KEY_URL DUK_HIDDEN_SYMBOL("uu")
#define KEY_IT_TARGET DUK_HIDDEN_SYMBOL("ut")
#define KEY_IT_POS DUK_HIDDEN_SYMBOL("ui")
#define KEY_IT_KIND DUK_HIDDEN_SYMBOL("uk")
#define STASH_URL_PROTO "urlProto"
#define STASH_PARAMS_PROTO "urlSearchParamsProto"
#define STASH_ITER_PROTO "urlSearchParamsIterProto"

enum {
  C_HREF,
  C_ORIGIN,
  C_PROTOCOL,
  C_USERNAME,
  C_PASSWORD,
  C_HOST,
  C_HOSTNAME,
  C_PORT,
  C_PATHNAME,
  C_SEARCH,
  C_HASH,
};

static duk_ret_t throw_nomem(duk_context *ctx) {
  return duk_error(ctx, DUK_ERR_RANGE_ERROR, "out of memory");
}

/* ---- URL objects: storing and loading records ---- */

typedef struct push_job {
  const edgefn__ustr *href;
  const edgefn__url_offsets *off;
} push_job;

static duk_ret_t push_href_unsafe(duk_context *ctx, void *udata) {
  const push_job *j = udata;
  duk_push_lstring(ctx, j->href->p, j->href->len);
  void *b = duk_push_fixed_buffer(ctx, sizeof(edgefn__url_offsets));
  memcpy(b, j->off, sizeof(edgefn__url_offsets));
  return 2;
}

/* Serializes rec onto the URL object at obj (href and offsets) and frees rec. */
static void store_record(duk_context *ctx, duk_idx_t obj, edgefn__url *rec) {
  obj = duk_normalize_index(ctx, obj);
  edgefn__ustr href = {0};
  edgefn__url_offsets off;
  int rc = edgefn__url_serialize(rec, &href, &off);
  edgefn__url_free(rec);
  if (rc) {
    edgefn__ustr_free(&href);
    (void)throw_nomem(ctx);
  }
  push_job j = {&href, &off};
  rc = duk_safe_call(ctx, push_href_unsafe, &j, 0, 2);
  edgefn__ustr_free(&href);
  if (rc != DUK_EXEC_SUCCESS) {
    duk_pop(ctx);
    (void)duk_throw(ctx);
  }
  duk_put_prop_literal(ctx, obj, KEY_OFF);
  duk_put_prop_literal(ctx, obj, KEY_HREF);
}

/* Pushes the href of the URL at obj and returns it with its offsets; throws when obj is
 * not a URL. The offsets buffer stays reachable through obj. */
static const char *load_href(duk_context *ctx, duk_idx_t obj, const edgefn__url_offsets **off) {
  obj = duk_normalize_index(ctx, obj);
  if (!duk_is_object(ctx, obj) || !duk_get_prop_string(ctx, obj, KEY_OFF) ||
      !duk_is_buffer_data(ctx, -1))
    (void)duk_error(ctx, DUK_ERR_TYPE_ERROR, "Illegal invocation: not a URL object");
  *off = duk_get_buffer_data(ctx, -1, NULL);
  duk_pop(ctx);
  duk_get_prop_string(ctx, obj, KEY_HREF);
  return duk_get_string(ctx, -1);
}

/* Converts the value at idx to a string and pushes its UTF-8 (a buffer). */
static const char *push_utf8(duk_context *ctx, duk_idx_t idx, size_t *len) {
  idx = duk_normalize_index(ctx, idx);
  duk_to_string(ctx, idx);
  return edgefn__push_utf8_buffer(ctx, idx, len);
}

/* Parses the string at input against the optional base (DUK_INVALID_INDEX: none) into *out,
 * which the caller frees whatever the result. Stack-neutral. */
static int parse_js(duk_context *ctx, duk_idx_t input, duk_idx_t base, edgefn__url *out) {
  size_t len, blen = 0;
  const char *in = push_utf8(ctx, input, &len);
  const char *b = base != DUK_INVALID_INDEX ? push_utf8(ctx, base, &blen) : NULL;
  int rc;
  edgefn__url_init(out);
  if (b) {
    edgefn__url base_rec;
    rc = edgefn__url_parse(b, blen, NULL, &base_rec, 0);
    if (rc == EDGEFN_URL_OK)
      rc = edgefn__url_parse(in, len, &base_rec, out, 0);
    edgefn__url_free(&base_rec);
    duk_pop(ctx);
  } else {
    rc = edgefn__url_parse(in, len, NULL, out, 0);
  }
  duk_pop(ctx);
  return rc;
}

/* ---- application/x-www-form-urlencoded ---- */

/* Pushes a new list array from the bytes s[0, n) (which must stay reachable). */
static void push_form_list(duk_context *ctx, const char *s, size_t n) {
  duk_push_array(ctx);
  duk_idx_t list = duk_get_top_index(ctx);
  uint8_t *scratch = duk_push_fixed_buffer(ctx, n ? n : 1);
  duk_uarridx_t k = 0;
  size_t start = 0;
  for (size_t i = 0; i <= n; i++) {
    if (i < n && s[i] != '&')
      continue;
    if (i > start) {
      const char *eq = memchr(s + start, '=', i - start);
      size_t name_end = eq ? (size_t)(eq - s) : i;
      size_t value_start = eq ? name_end + 1 : i;
      for (int part = 0; part < 2; part++) {
        size_t a = part ? value_start : start, b = part ? i : name_end, o = 0;
        for (size_t j = a; j < b; j++) {
          char c = s[j];
          int h, l;
          if (c == '+') {
            scratch[o++] = ' ';
          } else if (c == '%' && j + 2 < b && (h = edgefn__hex_value(s[j + 1])) >= 0 &&
                     (l = edgefn__hex_value(s[j + 2])) >= 0) {
            scratch[o++] = (uint8_t)(h * 16 + l);
            j += 2;
          } else {
            scratch[o++] = (uint8_t)c;
          }
        }
        edgefn__push_string_from_utf8(ctx, scratch, o);
        duk_put_prop_index(ctx, list, k++);
      }
    }
    start = i + 1;
  }
  duk_pop(ctx);
}

/* Appends the form-urlencoded bytes of the string at idx to the dynamic buffer at buf
 * (whose used length is *len). */
static void form_encode_append(duk_context *ctx, duk_idx_t buf, size_t *len, duk_idx_t idx) {
  static const char hex[] = "0123456789ABCDEF";
  size_t n;
  const uint8_t *s = edgefn__push_utf8_buffer(ctx, idx, &n);
  uint8_t *out = duk_resize_buffer(ctx, buf, *len + 3 * n);
  size_t o = *len;
  for (size_t i = 0; i < n; i++) {
    uint8_t c = s[i];
    if (c == ' ') {
      out[o++] = '+';
    } else if ((c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
               c == '*' || c == '-' || c == '.' || c == '_') {
      out[o++] = c;
    } else {
      out[o++] = '%';
      out[o++] = (uint8_t)hex[c >> 4];
      out[o++] = (uint8_t)hex[c & 15];
    }
  }
  *len = o;
  duk_pop(ctx);
}

/* Pushes the application/x-www-form-urlencoded serialization of the list at list. */
static void push_form_string(duk_context *ctx, duk_idx_t list) {
  list = duk_normalize_index(ctx, list);
  duk_uarridx_t n = (duk_uarridx_t)duk_get_length(ctx, list);
  duk_push_dynamic_buffer(ctx, 0);
  duk_idx_t buf = duk_get_top_index(ctx);
  size_t len = 0;
  for (duk_uarridx_t i = 0; i + 1 < n; i += 2) {
    for (int part = 0; part < 2; part++) {
      uint8_t *p = duk_resize_buffer(ctx, buf, len + 1);
      if (i > 0 || part > 0)
        p[len++] = part ? '=' : '&';
      duk_get_prop_index(ctx, list, i + (duk_uarridx_t)part);
      form_encode_append(ctx, buf, &len, -1);
      duk_pop(ctx);
    }
  }
  duk_size_t cap;
  const char *p = duk_get_buffer(ctx, buf, &cap);
  duk_push_lstring(ctx, p ? p : "", len);
  duk_remove(ctx, buf);
}

/* ---- the record behind a setter ---- */

static bool cannot_have_credentials(const edgefn__url *u) {
  return !u->has_host || u->host.len == 0 ||
         (u->scheme.len == 4 && !memcmp(u->scheme.p, "file", 4));
}

/* Runs the setter `which` with the UTF-8 value v on u. Pure C. */
/* The search and hash setters (URL Standard): empty clears the component; otherwise one
 * leading `lead` is dropped and the rest parsed with the component's state override. */
static int set_query_or_fragment(edgefn__url *u, edgefn__ustr *part, bool *has, char lead,
                                 int state, const char *v, size_t n) {
  if (n == 0) {
    *has = false;
    part->len = 0;
    return 0;
  }
  if (v[0] == lead) {
    v++;
    n--;
  }
  *has = true;
  int rc = edgefn__ustr_set(part, "", 0);
  return rc == 0 ? edgefn__url_parse(v, n, NULL, u, state) : rc;
}

static int apply_setter(edgefn__url *u, int which, const char *v, size_t n) {
  int rc = EDGEFN_URL_OK;
  edgefn__ustr tmp = {0};
  switch (which) {
  case C_PROTOCOL:
    if (edgefn__ustr_set(&tmp, v, n) || edgefn__ustr_putc(&tmp, ':'))
      rc = EDGEFN_URL_NOMEM;
    else
      rc = edgefn__url_parse(tmp.p, tmp.len, NULL, u, EDGEFN_URL_SCHEME_START);
    break;
  case C_USERNAME:
  case C_PASSWORD: {
    if (cannot_have_credentials(u))
      break;
    edgefn__ustr *dst = which == C_USERNAME ? &u->username : &u->password;
    dst->len = 0;
    rc = edgefn__ustr_set(dst, "", 0);
    if (rc == 0)
      rc = edgefn__url_pct_encode(dst, v, n, EDGEFN_PE_USERINFO, false);
    break;
  }
  case C_HOST:
  case C_HOSTNAME:
    if (!u->opaque_path)
      rc = edgefn__url_parse(v, n, NULL, u,
                             which == C_HOST ? EDGEFN_URL_HOST : EDGEFN_URL_HOSTNAME);
    break;
  case C_PORT:
    if (cannot_have_credentials(u))
      break;
    if (n == 0)
      u->port = -1;
    else
      rc = edgefn__url_parse(v, n, NULL, u, EDGEFN_URL_PORT);
    break;
  case C_PATHNAME:
    if (u->opaque_path)
      break;
    u->path.len = 0;
    rc = edgefn__url_parse(v, n, NULL, u, EDGEFN_URL_PATH_START);
    break;
  case C_SEARCH:
    rc = set_query_or_fragment(u, &u->query, &u->has_query, '?', EDGEFN_URL_QUERY, v, n);
    break;
  case C_HASH:
    rc = set_query_or_fragment(u, &u->fragment, &u->has_fragment, '#', EDGEFN_URL_FRAGMENT, v,
                               n);
    break;
  default:
    break;
  }
  edgefn__ustr_free(&tmp);
  /* A setter whose parse fails leaves the URL as it was (the Standard ignores the result). */
  return rc == EDGEFN_URL_NOMEM ? rc : EDGEFN_URL_OK;
}

/* Replaces the list of the URLSearchParams linked to the URL at obj (if any) with the
 * parse of bytes s[0, n) (reachable from the stack). */
static void refresh_params(duk_context *ctx, duk_idx_t obj, const char *s, size_t n) {
  obj = duk_normalize_index(ctx, obj);
  if (duk_get_prop_string(ctx, obj, KEY_PARAMS) && duk_is_object(ctx, -1)) {
    push_form_list(ctx, s, n);
    duk_put_prop_literal(ctx, -2, KEY_LIST);
  }
  duk_pop(ctx);
}

/* Re-parses the URL's current query into its URLSearchParams. */
static void refresh_params_from_query(duk_context *ctx, duk_idx_t obj) {
  obj = duk_normalize_index(ctx, obj);
  const edgefn__url_offsets *off;
  const char *href = load_href(ctx, obj, &off);
  const char *q = off->has_query ? href + off->query_start : "";
  size_t qn = off->has_query ? off->query_end - off->query_start : 0;
  refresh_params(ctx, obj, q, qn);
  duk_pop(ctx);
}

/* ---- URL ---- */

static duk_ret_t url_ctor(duk_context *ctx) {
  if (!duk_is_constructor_call(ctx))
    return duk_error(ctx, DUK_ERR_TYPE_ERROR,
                     "Failed to construct 'URL': Please use the 'new' operator");
  edgefn__url rec;
  int rc = parse_js(ctx, 0, duk_is_undefined(ctx, 1) ? DUK_INVALID_INDEX : 1, &rec);
  if (rc != EDGEFN_URL_OK) {
    edgefn__url_free(&rec);
    if (rc == EDGEFN_URL_NOMEM)
      return throw_nomem(ctx);
    return duk_error(ctx, DUK_ERR_TYPE_ERROR, "Invalid URL");
  }
  duk_push_this(ctx);
  store_record(ctx, -1, &rec);
  return 0;
}

/* Pushes a new URL object (prototype URL.prototype) for the record, which it frees. */
static void push_url_object(duk_context *ctx, edgefn__url *rec) {
  duk_push_object(ctx);
  duk_push_global_stash(ctx);
  duk_get_prop_string(ctx, -1, STASH_URL_PROTO);
  duk_set_prototype(ctx, -3);
  duk_pop(ctx);
  store_record(ctx, -1, rec);
}

static duk_ret_t url_static_parse(duk_context *ctx) {
  edgefn__url rec;
  int rc = parse_js(ctx, 0, duk_is_undefined(ctx, 1) ? DUK_INVALID_INDEX : 1, &rec);
  if (rc != EDGEFN_URL_OK) {
    edgefn__url_free(&rec);
    if (rc == EDGEFN_URL_NOMEM)
      return throw_nomem(ctx);
    duk_push_null(ctx);
    return 1;
  }
  push_url_object(ctx, &rec);
  return 1;
}

static duk_ret_t url_can_parse(duk_context *ctx) {
  edgefn__url rec;
  int rc = parse_js(ctx, 0, duk_is_undefined(ctx, 1) ? DUK_INVALID_INDEX : 1, &rec);
  edgefn__url_free(&rec);
  if (rc == EDGEFN_URL_NOMEM)
    return throw_nomem(ctx);
  duk_push_boolean(ctx, rc == EDGEFN_URL_OK);
  return 1;
}

static duk_ret_t url_get(duk_context *ctx) {
  int which = duk_get_current_magic(ctx);
  duk_push_this(ctx);
  const edgefn__url_offsets *o;
  const char *h = load_href(ctx, -1, &o);
  switch (which) {
  case C_HREF:
    return 1;
  case C_ORIGIN: {
    edgefn__url rec;
    edgefn__ustr out = {0};
    int rc = edgefn__url_from_href(&rec, h, o);
    if (rc == 0)
      rc = edgefn__url_origin(&rec, &out);
    edgefn__url_free(&rec);
    if (rc) {
      edgefn__ustr_free(&out);
      return throw_nomem(ctx);
    }
    push_job j = {&out, o};
    rc = duk_safe_call(ctx, push_href_unsafe, &j, 0, 2);
    edgefn__ustr_free(&out);
    if (rc != DUK_EXEC_SUCCESS) {
      duk_pop(ctx);
      return duk_throw(ctx);
    }
    duk_pop(ctx);
    return 1;
  }
  case C_PROTOCOL:
    duk_push_lstring(ctx, h, o->scheme_end + 1);
    return 1;
  case C_USERNAME:
    duk_push_lstring(ctx, h + o->username_start, o->username_end - o->username_start);
    return 1;
  case C_PASSWORD:
    duk_push_lstring(ctx, h + o->password_start, o->password_end - o->password_start);
    return 1;
  case C_HOST:
  case C_HOSTNAME: {
    if (!o->has_host) {
      duk_push_string(ctx, "");
      return 1;
    }
    uint32_t end = o->host_end;
    if (which == C_HOST && o->port >= 0)
      end = o->path_start;
    duk_push_lstring(ctx, h + o->host_start, end - o->host_start);
    return 1;
  }
  case C_PORT:
    if (o->port < 0)
      duk_push_string(ctx, "");
    else
      duk_push_sprintf(ctx, "%d", (int)o->port);
    return 1;
  case C_PATHNAME:
    duk_push_lstring(ctx, h + o->path_start, o->path_end - o->path_start);
    return 1;
  case C_SEARCH:
    if (!o->has_query || o->query_end == o->query_start)
      duk_push_string(ctx, "");
    else
      duk_push_lstring(ctx, h + o->query_start - 1, o->query_end - o->query_start + 1);
    return 1;
  case C_HASH:
    if (!o->has_fragment || o->href_len == o->fragment_start)
      duk_push_string(ctx, "");
    else
      duk_push_lstring(ctx, h + o->fragment_start - 1, o->href_len - o->fragment_start + 1);
    return 1;
  default:
    return 0;
  }
}

static duk_ret_t url_set(duk_context *ctx) {
  int which = duk_get_current_magic(ctx);
  duk_push_this(ctx);
  duk_idx_t obj = duk_get_top_index(ctx);
  const edgefn__url_offsets *o;
  const char *h = load_href(ctx, obj, &o);
  size_t n;
  const char *v = push_utf8(ctx, 0, &n);
  edgefn__url rec;
  int rc;
  if (which == C_HREF) {
    rc = edgefn__url_parse(v, n, NULL, &rec, 0);
    if (rc != EDGEFN_URL_OK) {
      edgefn__url_free(&rec);
      if (rc == EDGEFN_URL_NOMEM)
        return throw_nomem(ctx);
      return duk_error(ctx, DUK_ERR_TYPE_ERROR, "Invalid URL");
    }
  } else {
    rc = edgefn__url_from_href(&rec, h, o);
    if (rc == 0)
      rc = apply_setter(&rec, which, v, n);
    if (rc) {
      edgefn__url_free(&rec);
      return throw_nomem(ctx);
    }
  }
  store_record(ctx, obj, &rec);
  if (which == C_HREF) {
    refresh_params_from_query(ctx, obj);
  } else if (which == C_SEARCH) {
    /* The list comes from the given value, not from the re-encoded query. */
    if (n && v[0] == '?')
      refresh_params(ctx, obj, v + 1, n - 1);
    else
      refresh_params(ctx, obj, v, n);
  }
  return 0;
}

static duk_ret_t url_to_string(duk_context *ctx) {
  duk_push_this(ctx);
  const edgefn__url_offsets *o;
  load_href(ctx, -1, &o);
  return 1;
}

static void push_params_object(duk_context *ctx) {
  duk_push_object(ctx);
  duk_push_global_stash(ctx);
  duk_get_prop_string(ctx, -1, STASH_PARAMS_PROTO);
  duk_set_prototype(ctx, -3);
  duk_pop(ctx);
}

static duk_ret_t url_search_params(duk_context *ctx) {
  duk_push_this(ctx);
  duk_idx_t obj = duk_get_top_index(ctx);
  const edgefn__url_offsets *o;
  load_href(ctx, obj, &o);
  duk_pop(ctx);
  if (duk_get_prop_string(ctx, obj, KEY_PARAMS) && duk_is_object(ctx, -1))
    return 1;
  duk_pop(ctx);
  /* Created on first use: a URL whose searchParams is never read pays nothing for it. */
  push_params_object(ctx);
  duk_push_array(ctx);
  duk_put_prop_literal(ctx, -2, KEY_LIST);
  duk_dup(ctx, obj);
  duk_put_prop_literal(ctx, -2, KEY_URL);
  duk_dup(ctx, -1);
  duk_put_prop_literal(ctx, obj, KEY_PARAMS);
  refresh_params_from_query(ctx, obj);
  return 1;
}

/* ---- URLSearchParams ---- */

/* Replaces the string at idx by its USVString form (lone surrogates become U+FFFD). */
static void to_usv(duk_context *ctx, duk_idx_t idx) {
  idx = duk_normalize_index(ctx, idx);
  duk_size_t len;
  const char *s = duk_to_lstring(ctx, idx, &len);
  /* Surrogates (and only they, among what needs fixing) are stored with a 0xED lead. */
  if (!memchr(s, 0xed, len))
    return;
  size_t n;
  const uint8_t *u = edgefn__push_utf8_buffer(ctx, idx, &n);
  edgefn__push_string_from_utf8(ctx, u, n);
  duk_replace(ctx, idx);
  duk_pop(ctx);
}

bool edgefn__is_search_params(duk_context *ctx, duk_idx_t idx) {
  if (!duk_is_object(ctx, idx))
    return false;
  bool yes = duk_get_prop_literal(ctx, idx, KEY_LIST) && duk_is_array(ctx, -1);
  duk_pop(ctx);
  return yes;
}

/* Pushes the list of `this` (throws when this is not a URLSearchParams). */
static duk_idx_t push_this_list(duk_context *ctx) {
  duk_push_this(ctx);
  if (!duk_is_object(ctx, -1) || !duk_get_prop_string(ctx, -1, KEY_LIST) ||
      !duk_is_array(ctx, -1))
    (void)duk_error(ctx, DUK_ERR_TYPE_ERROR, "Illegal invocation: not a URLSearchParams object");
  duk_remove(ctx, -2);
  return duk_get_top_index(ctx);
}

/* The update steps: writes the serialized list into the linked URL's query. */
static void params_update(duk_context *ctx) {
  duk_push_this(ctx);
  if (!duk_get_prop_string(ctx, -1, KEY_URL) || !duk_is_object(ctx, -1)) {
    duk_pop_2(ctx);
    return;
  }
  duk_idx_t url = duk_get_top_index(ctx);
  duk_get_prop_string(ctx, -2, KEY_LIST);
  push_form_string(ctx, -1);
  duk_size_t qn;
  const char *q = duk_get_lstring(ctx, -1, &qn);
  const edgefn__url_offsets *o;
  const char *h = load_href(ctx, url, &o);
  edgefn__url rec;
  int rc = edgefn__url_from_href(&rec, h, o);
  if (rc == 0) {
    rec.has_query = qn > 0;
    rc = edgefn__ustr_set(&rec.query, q, qn);
  }
  if (rc) {
    edgefn__url_free(&rec);
    (void)throw_nomem(ctx);
  }
  store_record(ctx, url, &rec);
  duk_pop_n(ctx, 5);
}

static void require_args(duk_context *ctx, int n, const char *method) {
  if (duk_get_top(ctx) < n)
    (void)duk_error(ctx, DUK_ERR_TYPE_ERROR,
                    "Failed to execute '%s' on 'URLSearchParams': %d argument%s required, but "
                    "only %d present.",
                    method, n, n > 1 ? "s" : "", (int)duk_get_top(ctx));
}

static void list_push_pair(duk_context *ctx, duk_idx_t list, duk_idx_t name, duk_idx_t value) {
  list = duk_normalize_index(ctx, list);
  duk_uarridx_t n = (duk_uarridx_t)duk_get_length(ctx, list);
  duk_dup(ctx, name);
  duk_put_prop_index(ctx, list, n);
  duk_dup(ctx, value);
  duk_put_prop_index(ctx, list, n + 1);
}

/* Appends the [name, value] pair at idx (an array or an iterable of two) to list. */
static void init_pair(duk_context *ctx, duk_idx_t list, duk_idx_t idx, duk_idx_t iter_sym);

/* Pushes an array of the values an iterable at idx produces. */
static void push_iterated(duk_context *ctx, duk_idx_t idx, duk_idx_t iter_sym) {
  idx = duk_normalize_index(ctx, idx);
  duk_push_array(ctx);
  duk_idx_t arr = duk_get_top_index(ctx);
  duk_dup(ctx, iter_sym);
  duk_get_prop(ctx, idx);
  edgefn__iter_open_with(ctx, idx);
  duk_idx_t it = duk_get_top(ctx) - 2;
  for (duk_uarridx_t k = 0; edgefn__iter_step(ctx, it); k++)
    duk_put_prop_index(ctx, arr, k);
  duk_pop_2(ctx);
}

static bool has_iterator(duk_context *ctx, duk_idx_t idx, duk_idx_t iter_sym) {
  if (!duk_is_object(ctx, idx))
    return false;
  idx = duk_normalize_index(ctx, idx);
  duk_dup(ctx, iter_sym);
  duk_get_prop(ctx, idx);
  bool yes = !duk_is_undefined(ctx, -1) && !duk_is_null(ctx, -1);
  duk_pop(ctx);
  return yes;
}

static void init_pair(duk_context *ctx, duk_idx_t list, duk_idx_t idx, duk_idx_t iter_sym) {
  idx = duk_normalize_index(ctx, idx);
  if (duk_is_array(ctx, idx))
    duk_dup(ctx, idx);
  else if (has_iterator(ctx, idx, iter_sym))
    push_iterated(ctx, idx, iter_sym);
  else
    (void)duk_error(ctx, DUK_ERR_TYPE_ERROR,
                    "Failed to construct 'URLSearchParams': The provided value cannot be "
                    "converted to a sequence.");
  if (duk_get_length(ctx, -1) != 2)
    (void)duk_error(ctx, DUK_ERR_TYPE_ERROR,
                    "Failed to construct 'URLSearchParams': Sequence initializer must only "
                    "contain pair elements");
  duk_get_prop_index(ctx, -1, 0);
  to_usv(ctx, -1);
  duk_get_prop_index(ctx, -2, 1);
  to_usv(ctx, -1);
  list_push_pair(ctx, list, -2, -1);
  duk_pop_3(ctx);
}

/* Pushes Symbol.iterator. */
static void push_iterator_symbol(duk_context *ctx) {
  /* The well-known symbol itself: the global Symbol may have been replaced by the script
   * that first touched URL or URLSearchParams. */
  duk_push_literal(ctx, DUK_WELLKNOWN_SYMBOL("Symbol.iterator"));
}

static duk_ret_t params_ctor(duk_context *ctx) {
  if (!duk_is_constructor_call(ctx))
    return duk_error(ctx, DUK_ERR_TYPE_ERROR,
                     "Failed to construct 'URLSearchParams': Please use the 'new' operator");
  duk_set_top(ctx, 1);
  duk_push_this(ctx);
  duk_push_array(ctx);
  duk_dup(ctx, -1);
  duk_put_prop_literal(ctx, 1, KEY_LIST);
  duk_idx_t list = 2;
  if (duk_is_undefined(ctx, 0))
    return 0;
  if (duk_is_object(ctx, 0) && !duk_is_function(ctx, 0) &&
      duk_get_prop_string(ctx, 0, KEY_LIST) && duk_is_array(ctx, -1)) {
    duk_uarridx_t n = (duk_uarridx_t)duk_get_length(ctx, -1);
    for (duk_uarridx_t i = 0; i < n; i++) {
      duk_get_prop_index(ctx, -1, i);
      duk_put_prop_index(ctx, list, i);
    }
    return 0;
  }
  duk_set_top(ctx, 3);
  push_iterator_symbol(ctx);
  duk_idx_t sym = 3;
  if (duk_is_object(ctx, 0)) {
    if (duk_is_array(ctx, 0)) {
      duk_uarridx_t n = (duk_uarridx_t)duk_get_length(ctx, 0);
      for (duk_uarridx_t i = 0; i < n; i++) {
        duk_get_prop_index(ctx, 0, i);
        init_pair(ctx, list, -1, sym);
        duk_pop(ctx);
      }
    } else if (has_iterator(ctx, 0, sym)) {
      push_iterated(ctx, 0, sym);
      duk_uarridx_t n = (duk_uarridx_t)duk_get_length(ctx, -1);
      for (duk_uarridx_t i = 0; i < n; i++) {
        duk_get_prop_index(ctx, -1, i);
        init_pair(ctx, list, -1, sym);
        duk_pop(ctx);
      }
    } else {
      duk_enum(ctx, 0, DUK_ENUM_OWN_PROPERTIES_ONLY);
      while (duk_next(ctx, -1, 1)) {
        to_usv(ctx, -2);
        to_usv(ctx, -1);
        list_push_pair(ctx, list, -2, -1);
        duk_pop_2(ctx);
      }
    }
    return 0;
  }
  size_t n;
  const char *s = push_utf8(ctx, 0, &n);
  if (n && s[0] == '?') {
    s++;
    n--;
  }
  push_form_list(ctx, s, n);
  duk_put_prop_literal(ctx, 1, KEY_LIST);
  return 0;
}

static duk_ret_t params_append(duk_context *ctx) {
  require_args(ctx, 2, "append");
  to_usv(ctx, 0);
  to_usv(ctx, 1);
  list_push_pair(ctx, push_this_list(ctx), 0, 1);
  params_update(ctx);
  return 0;
}

/* Removes pairs named like index 0 (and valued like index 1 when with_value). */
static duk_ret_t params_delete(duk_context *ctx) {
  require_args(ctx, 1, "delete");
  bool with_value = duk_get_top(ctx) > 1 && !duk_is_undefined(ctx, 1);
  duk_set_top(ctx, 2);
  to_usv(ctx, 0);
  if (with_value)
    to_usv(ctx, 1);
  duk_idx_t list = push_this_list(ctx);
  duk_uarridx_t n = (duk_uarridx_t)duk_get_length(ctx, list), w = 0;
  for (duk_uarridx_t r = 0; r + 1 < n; r += 2) {
    duk_get_prop_index(ctx, list, r);
    bool match = duk_strict_equals(ctx, -1, 0);
    duk_pop(ctx);
    if (match && with_value) {
      duk_get_prop_index(ctx, list, r + 1);
      match = duk_strict_equals(ctx, -1, 1);
      duk_pop(ctx);
    }
    if (match)
      continue;
    if (w != r) {
      duk_get_prop_index(ctx, list, r);
      duk_put_prop_index(ctx, list, w);
      duk_get_prop_index(ctx, list, r + 1);
      duk_put_prop_index(ctx, list, w + 1);
    }
    w += 2;
  }
  duk_push_uint(ctx, w);
  duk_put_prop_string(ctx, list, "length");
  params_update(ctx);
  return 0;
}

static duk_ret_t params_get(duk_context *ctx) {
  require_args(ctx, 1, "get");
  duk_set_top(ctx, 1);
  to_usv(ctx, 0);
  duk_idx_t list = push_this_list(ctx);
  duk_uarridx_t n = (duk_uarridx_t)duk_get_length(ctx, list);
  for (duk_uarridx_t r = 0; r + 1 < n; r += 2) {
    duk_get_prop_index(ctx, list, r);
    bool match = duk_strict_equals(ctx, -1, 0);
    duk_pop(ctx);
    if (match) {
      duk_get_prop_index(ctx, list, r + 1);
      return 1;
    }
  }
  duk_push_null(ctx);
  return 1;
}

static duk_ret_t params_get_all(duk_context *ctx) {
  require_args(ctx, 1, "getAll");
  duk_set_top(ctx, 1);
  to_usv(ctx, 0);
  duk_idx_t list = push_this_list(ctx);
  duk_push_array(ctx);
  duk_uarridx_t n = (duk_uarridx_t)duk_get_length(ctx, list), k = 0;
  for (duk_uarridx_t r = 0; r + 1 < n; r += 2) {
    duk_get_prop_index(ctx, list, r);
    bool match = duk_strict_equals(ctx, -1, 0);
    duk_pop(ctx);
    if (match) {
      duk_get_prop_index(ctx, list, r + 1);
      duk_put_prop_index(ctx, -2, k++);
    }
  }
  return 1;
}

static duk_ret_t params_has(duk_context *ctx) {
  require_args(ctx, 1, "has");
  bool with_value = duk_get_top(ctx) > 1 && !duk_is_undefined(ctx, 1);
  duk_set_top(ctx, 2);
  to_usv(ctx, 0);
  if (with_value)
    to_usv(ctx, 1);
  duk_idx_t list = push_this_list(ctx);
  duk_uarridx_t n = (duk_uarridx_t)duk_get_length(ctx, list);
  for (duk_uarridx_t r = 0; r + 1 < n; r += 2) {
    duk_get_prop_index(ctx, list, r);
    bool match = duk_strict_equals(ctx, -1, 0);
    duk_pop(ctx);
    if (match && with_value) {
      duk_get_prop_index(ctx, list, r + 1);
      match = duk_strict_equals(ctx, -1, 1);
      duk_pop(ctx);
    }
    if (match) {
      duk_push_true(ctx);
      return 1;
    }
  }
  duk_push_false(ctx);
  return 1;
}

static duk_ret_t params_set(duk_context *ctx) {
  require_args(ctx, 2, "set");
  duk_set_top(ctx, 2);
  to_usv(ctx, 0);
  to_usv(ctx, 1);
  duk_idx_t list = push_this_list(ctx);
  duk_uarridx_t n = (duk_uarridx_t)duk_get_length(ctx, list), w = 0;
  bool found = false;
  for (duk_uarridx_t r = 0; r + 1 < n; r += 2) {
    duk_get_prop_index(ctx, list, r);
    bool match = duk_strict_equals(ctx, -1, 0);
    duk_pop(ctx);
    if (match && found)
      continue;
    if (match) {
      found = true;
      duk_dup(ctx, 1);
      duk_put_prop_index(ctx, list, r + 1);
    }
    if (w != r) {
      duk_get_prop_index(ctx, list, r);
      duk_put_prop_index(ctx, list, w);
      duk_get_prop_index(ctx, list, r + 1);
      duk_put_prop_index(ctx, list, w + 1);
    }
    w += 2;
  }
  duk_push_uint(ctx, w);
  duk_put_prop_string(ctx, list, "length");
  if (!found)
    list_push_pair(ctx, list, 0, 1);
  params_update(ctx);
  return 0;
}

/* Decodes one code point of Duktape's internal (extended UTF-8) form. */
static uint32_t next_cp(const uint8_t **pp, const uint8_t *end) {
  const uint8_t *p = *pp;
  uint32_t c = *p;
  int n = c < 0x80 ? 0 : c < 0xe0 ? 1 : c < 0xf0 ? 2 : 3;
  if (p + n >= end) {
    *pp = end;
    return c;
  }
  if (n) {
    c &= 0x3f >> n;
    for (int i = 1; i <= n; i++)
      c = (c << 6) | (p[i] & 0x3f);
  }
  *pp = p + n + 1;
  return c;
}

/* Compares two strings by UTF-16 code units, as JavaScript's < does. */
static int cmp_utf16(const uint8_t *a, size_t an, const uint8_t *b, size_t bn) {
  const uint8_t *ae = a + an, *be = b + bn;
  uint32_t pend_a = 0, pend_b = 0;
  while ((a < ae || pend_a) && (b < be || pend_b)) {
    uint32_t x, y;
    if (pend_a) {
      x = pend_a;
      pend_a = 0;
    } else {
      x = next_cp(&a, ae);
      if (x >= 0x10000) {
        pend_a = 0xdc00 + ((x - 0x10000) & 0x3ff);
        x = 0xd800 + ((x - 0x10000) >> 10);
      }
    }
    if (pend_b) {
      y = pend_b;
      pend_b = 0;
    } else {
      y = next_cp(&b, be);
      if (y >= 0x10000) {
        pend_b = 0xdc00 + ((y - 0x10000) & 0x3ff);
        y = 0xd800 + ((y - 0x10000) >> 10);
      }
    }
    if (x != y)
      return x < y ? -1 : 1;
  }
  bool a_more = a < ae || pend_a, b_more = b < be || pend_b;
  return a_more ? 1 : b_more ? -1 : 0;
}

typedef struct sort_ref {
  const uint8_t *name;
  size_t len;
  duk_uarridx_t index;
} sort_ref;

static int sort_cmp(const void *pa, const void *pb) {
  const sort_ref *a = pa, *b = pb;
  int c = cmp_utf16(a->name, a->len, b->name, b->len);
  if (c)
    return c;
  return a->index < b->index ? -1 : a->index > b->index; /* stable */
}

static duk_ret_t params_sort(duk_context *ctx) {
  duk_idx_t list = push_this_list(ctx);
  duk_uarridx_t n = (duk_uarridx_t)duk_get_length(ctx, list) / 2;
  sort_ref *refs = duk_push_fixed_buffer(ctx, (n ? n : 1) * sizeof(sort_ref));
  for (duk_uarridx_t i = 0; i < n; i++) {
    duk_get_prop_index(ctx, list, 2 * i);
    duk_size_t len;
    refs[i].name = (const uint8_t *)duk_get_lstring(ctx, -1, &len); /* kept by the list */
    refs[i].len = len;
    refs[i].index = i;
    duk_pop(ctx);
  }
  qsort(refs, n, sizeof(sort_ref), sort_cmp);
  duk_push_array(ctx);
  for (duk_uarridx_t i = 0; i < n; i++) {
    duk_get_prop_index(ctx, list, 2 * refs[i].index);
    duk_put_prop_index(ctx, -2, 2 * i);
    duk_get_prop_index(ctx, list, 2 * refs[i].index + 1);
    duk_put_prop_index(ctx, -2, 2 * i + 1);
  }
  duk_push_this(ctx);
  duk_swap_top(ctx, -2);
  duk_put_prop_literal(ctx, -2, KEY_LIST);
  params_update(ctx);
  return 0;
}

static duk_ret_t params_to_string(duk_context *ctx) {
  push_form_string(ctx, push_this_list(ctx));
  return 1;
}

static duk_ret_t params_size(duk_context *ctx) {
  duk_push_uint(ctx, (duk_uint_t)duk_get_length(ctx, push_this_list(ctx)) / 2);
  return 1;
}

static duk_ret_t params_for_each(duk_context *ctx) {
  duk_set_top(ctx, 2);
  duk_require_function(ctx, 0);
  duk_idx_t list = push_this_list(ctx);
  /* Live: pairs added or removed by the callback are seen, as the iteration spec says. */
  for (duk_uarridx_t i = 0; i + 1 < (duk_uarridx_t)duk_get_length(ctx, list); i += 2) {
    duk_dup(ctx, 0);
    duk_dup(ctx, 1);
    duk_get_prop_index(ctx, list, i + 1);
    duk_get_prop_index(ctx, list, i);
    duk_push_this(ctx);
    duk_call_method(ctx, 3);
    duk_pop(ctx);
  }
  return 0;
}

static duk_ret_t iter_next(duk_context *ctx) {
  duk_push_this(ctx);
  if (!duk_is_object(ctx, -1) || !duk_get_prop_string(ctx, -1, KEY_IT_TARGET))
    return duk_error(ctx, DUK_ERR_TYPE_ERROR,
                     "Illegal invocation: not a URLSearchParams iterator");
  duk_get_prop_string(ctx, -1, KEY_LIST);
  duk_get_prop_string(ctx, -3, KEY_IT_POS);
  duk_uarridx_t pos = duk_get_uint(ctx, -1);
  duk_pop(ctx);
  duk_push_object(ctx);
  if (2 * pos + 1 >= duk_get_length(ctx, -2)) {
    duk_push_undefined(ctx);
    duk_put_prop_string(ctx, -2, "value");
    duk_push_true(ctx);
    duk_put_prop_string(ctx, -2, "done");
    return 1;
  }
  duk_get_prop_string(ctx, -4, KEY_IT_KIND);
  int kind = duk_get_int(ctx, -1);
  duk_pop(ctx);
  if (kind == 2) {
    duk_push_array(ctx);
    duk_get_prop_index(ctx, -3, 2 * pos);
    duk_put_prop_index(ctx, -2, 0);
    duk_get_prop_index(ctx, -3, 2 * pos + 1);
    duk_put_prop_index(ctx, -2, 1);
  } else {
    duk_get_prop_index(ctx, -2, 2 * pos + (duk_uarridx_t)kind);
  }
  duk_put_prop_string(ctx, -2, "value");
  duk_push_false(ctx);
  duk_put_prop_string(ctx, -2, "done");
  duk_push_uint(ctx, pos + 1);
  duk_put_prop_literal(ctx, -5, KEY_IT_POS);
  return 1;
}

static duk_ret_t return_this(duk_context *ctx) {
  duk_push_this(ctx);
  return 1;
}

/* kind: 0 keys, 1 values, 2 entries */
static duk_ret_t make_iterator(duk_context *ctx) {
  push_this_list(ctx);
  duk_push_object(ctx);
  duk_push_global_stash(ctx);
  duk_get_prop_string(ctx, -1, STASH_ITER_PROTO);
  duk_set_prototype(ctx, -3);
  duk_pop(ctx);
  duk_push_this(ctx);
  duk_put_prop_literal(ctx, -2, KEY_IT_TARGET);
  duk_push_uint(ctx, 0);
  duk_put_prop_literal(ctx, -2, KEY_IT_POS);
  duk_push_int(ctx, duk_get_current_magic(ctx));
  duk_put_prop_literal(ctx, -2, KEY_IT_KIND);
  return 1;
}

/* ---- installation ---- */

static void def_accessor(duk_context *ctx, duk_idx_t obj, const char *name, duk_c_function get,
                         duk_c_function set, int magic) {
  obj = duk_normalize_index(ctx, obj);
  duk_push_string(ctx, name);
  duk_push_c_function(ctx, get, 0);
  duk_set_magic(ctx, -1, magic);
  duk_uint_t flags = DUK_DEFPROP_HAVE_GETTER | DUK_DEFPROP_SET_CONFIGURABLE |
                     DUK_DEFPROP_SET_ENUMERABLE;
  if (set) {
    duk_push_c_function(ctx, set, 1);
    duk_set_magic(ctx, -1, magic);
    flags |= DUK_DEFPROP_HAVE_SETTER;
  }
  duk_def_prop(ctx, obj, flags);
}

static void def_method(duk_context *ctx, duk_idx_t obj, const char *name, duk_c_function fn,
                       duk_idx_t nargs, int magic) {
  obj = duk_normalize_index(ctx, obj);
  duk_push_c_function(ctx, fn, nargs);
  duk_set_magic(ctx, -1, magic);
  duk_put_prop_string(ctx, obj, name);
}

static const struct {
  const char *name;
  int which;
  bool settable;
} url_accessors[] = {
    {"href", C_HREF, true},         {"origin", C_ORIGIN, false},
    {"protocol", C_PROTOCOL, true}, {"username", C_USERNAME, true},
    {"password", C_PASSWORD, true}, {"host", C_HOST, true},
    {"hostname", C_HOSTNAME, true}, {"port", C_PORT, true},
    {"pathname", C_PATHNAME, true}, {"search", C_SEARCH, true},
    {"hash", C_HASH, true},
};

void edgefn__url_install(duk_context *ctx) {
  duk_idx_t top = duk_get_top(ctx);
  duk_push_global_object(ctx);
  duk_idx_t global = top;
  duk_push_global_stash(ctx);
  duk_idx_t stash = top + 1;
  push_iterator_symbol(ctx);
  duk_idx_t sym = top + 2;

  /* URL */
  duk_push_c_function(ctx, url_ctor, 2);
  duk_idx_t url = duk_get_top_index(ctx);
  duk_push_object(ctx);
  duk_idx_t proto = duk_get_top_index(ctx);
  for (size_t i = 0; i < EDGEFN_ARRAY_LEN(url_accessors); i++)
    def_accessor(ctx, proto, url_accessors[i].name, url_get,
                 url_accessors[i].settable ? url_set : NULL, url_accessors[i].which);
  def_accessor(ctx, proto, "searchParams", url_search_params, NULL, 0);
  def_method(ctx, proto, "toString", url_to_string, 0, 0);
  def_method(ctx, proto, "toJSON", url_to_string, 0, 0);
  duk_dup(ctx, url);
  duk_put_prop_string(ctx, proto, "constructor");
  duk_dup(ctx, proto);
  duk_put_prop_string(ctx, stash, STASH_URL_PROTO);
  duk_put_prop_string(ctx, url, "prototype");
  def_method(ctx, url, "parse", url_static_parse, 2, 0);
  def_method(ctx, url, "canParse", url_can_parse, 2, 0);
  duk_put_prop_string(ctx, global, "URL");

  /* URLSearchParams */
  duk_push_c_function(ctx, params_ctor, 1);
  duk_idx_t params = duk_get_top_index(ctx);
  duk_push_object(ctx);
  proto = duk_get_top_index(ctx);
  def_method(ctx, proto, "append", params_append, DUK_VARARGS, 0);
  def_method(ctx, proto, "delete", params_delete, DUK_VARARGS, 0);
  def_method(ctx, proto, "get", params_get, DUK_VARARGS, 0);
  def_method(ctx, proto, "getAll", params_get_all, DUK_VARARGS, 0);
  def_method(ctx, proto, "has", params_has, DUK_VARARGS, 0);
  def_method(ctx, proto, "set", params_set, DUK_VARARGS, 0);
  def_method(ctx, proto, "sort", params_sort, 0, 0);
  def_method(ctx, proto, "toString", params_to_string, 0, 0);
  def_method(ctx, proto, "forEach", params_for_each, 2, 0);
  def_method(ctx, proto, "keys", make_iterator, 0, 0);
  def_method(ctx, proto, "values", make_iterator, 0, 1);
  def_method(ctx, proto, "entries", make_iterator, 0, 2);
  def_accessor(ctx, proto, "size", params_size, NULL, 0);
  duk_dup(ctx, sym);
  duk_get_prop_string(ctx, proto, "entries");
  duk_put_prop(ctx, proto);
  duk_dup(ctx, params);
  duk_put_prop_string(ctx, proto, "constructor");
  duk_dup(ctx, proto);
  duk_put_prop_string(ctx, stash, STASH_PARAMS_PROTO);
  duk_put_prop_string(ctx, params, "prototype");
  duk_put_prop_string(ctx, global, "URLSearchParams");

  /* The iterators' shared prototype. */
  duk_push_object(ctx);
  edgefn__iter_push_proto(ctx); /* WebIDL: an iterator prototype inherits %IteratorPrototype% */
  duk_set_prototype(ctx, -2);
  def_method(ctx, -1, "next", iter_next, 0, 0);
  duk_dup(ctx, sym);
  duk_push_c_function(ctx, return_this, 0);
  duk_put_prop(ctx, -3);
  duk_put_prop_string(ctx, stash, STASH_ITER_PROTO);
  duk_set_top(ctx, top);
}
