/* Headers (Fetch standard): an ordered list of (lower-case name, value) pairs kept as one
 * flat hidden array [n0, v0, n1, v1, ...]; the guard makes incoming request headers
 * immutable as on Workers and EdgeOne. */
#include "js/js.h"

#include "duk_extras.h"

#include <stdlib.h>
#include <string.h>

#define STASH_HEADERS_PROTO "headersProto"
#define STASH_HEADERS_ITER_PROTO "headersIterProto"
#define KEY_ITER_LIST DUK_HIDDEN_SYMBOL("il")
#define KEY_ITER_POS DUK_HIDDEN_SYMBOL("ip")
#define KEY_ITER_KIND DUK_HIDDEN_SYMBOL("ik")


static bool is_http_ws(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

/* Per byte of a header name: 0 not a token character (edgefn__is_tchar), 1 a token
 * character that is not an upper-case letter, 2 an upper-case letter; bytes from 0x80 are
 * never token characters. */
static const uint8_t name_class[256] = {
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    0, 1, 0, 1, 1, 1, 1, 1, 0, 0, 1, 1, 0, 1, 1, 0, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0,
    0, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 0, 0, 0, 1, 1,
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 1, 0, 1, 0,
};

/* Replaces the value at idx with the validated lower-case header name. */
static void normalize_name(duk_context *ctx, duk_idx_t idx) {
  idx = duk_normalize_index(ctx, idx);
  duk_size_t len;
  const char *s = edgefn__duk_get_plain_lstring(ctx, idx, &len);
  if (!s)
    s = duk_to_lstring(ctx, idx, &len);
  if (len == 0)
    (void)duk_error(ctx, DUK_ERR_TYPE_ERROR, "Invalid header name: empty");
  /* One pass without branches per byte: the classes OR-ed, and whether any was 0. */
  unsigned any = 0, bad = 0;
  for (duk_size_t i = 0; i < len; i++) {
    unsigned k = name_class[(unsigned char)s[i]];
    any |= k;
    bad |= k == 0;
  }
  if (bad)
    (void)duk_error(ctx, DUK_ERR_TYPE_ERROR, "Invalid header name: '%s'", s);
  if (any & 2) {
    char *buf = duk_push_fixed_buffer(ctx, len);
    for (duk_size_t i = 0; i < len; i++)
      buf[i] = (char)edgefn__ascii_lower((unsigned char)s[i]);
    duk_push_lstring(ctx, buf, len);
    duk_replace(ctx, idx);
    duk_pop(ctx);
  }
}

/* Whether bytes s[0..n) of a header value are allowed: no NUL, CR or LF, and no character
 * beyond U+00FF (in Duktape's UTF-8, lead bytes from 0xC4). */
static bool value_allowed(const char *s, size_t n) {
  unsigned bad = 0;
  for (size_t i = 0; i < n; i++) {
    unsigned char c = (unsigned char)s[i];
    bad |= (c == 0) | (c == '\r') | (c == '\n') | (c >= 0xc4);
  }
  return !bad;
}

/* A quick yes for the usual value, eight bytes at a time: every byte below 0x80 and none of
 * NUL, CR, LF. False means "look byte by byte" (value_allowed), not "refused". */
static bool value_plain(const char *s, size_t n) {
  const uint64_t ones = 0x0101010101010101u, highs = 0x8080808080808080u;
  uint64_t flags = 0;
  size_t i = 0;
  for (; i + 8 <= n; i += 8) {
    uint64_t x;
    memcpy(&x, s + i, 8);
    uint64_t cr = x ^ (ones * '\r'), lf = x ^ (ones * '\n');
    /* (v - ones) & ~v & highs is non-zero exactly when some byte of v is zero. */
    flags |= x | ((x - ones) & ~x) | ((cr - ones) & ~cr) | ((lf - ones) & ~lf);
  }
  for (; i < n; i++) {
    unsigned char c = (unsigned char)s[i];
    flags |= (uint64_t)((c == 0) | (c == '\r') | (c == '\n')) << 7 | c;
  }
  return (flags & highs) == 0;
}

/* Replaces the value at idx with the normalized header value (HTTP whitespace trimmed);
 * throws on NUL, CR, LF or characters beyond U+00FF. */
static void normalize_value(duk_context *ctx, duk_idx_t idx) {
  idx = duk_normalize_index(ctx, idx);
  duk_size_t len;
  const char *s = edgefn__duk_get_plain_lstring(ctx, idx, &len);
  if (!s)
    s = duk_to_lstring(ctx, idx, &len);
  size_t a = 0, b = len;
  while (a < b && is_http_ws(s[a]))
    a++;
  while (b > a && is_http_ws(s[b - 1]))
    b--;
  if (!value_plain(s + a, b - a) && !value_allowed(s + a, b - a))
    (void)duk_error(ctx, DUK_ERR_TYPE_ERROR, "Invalid header value for this header");
  if (a != 0 || b != len) {
    duk_push_lstring(ctx, s + a, b - a);
    duk_replace(ctx, idx);
  }
}

static void push_list_of_this(duk_context *ctx, bool for_write) {
  duk_push_this(ctx);
  if (!duk_get_prop_literal(ctx, -1, EDGEFN_KEY_HEADERS_LIST) || !duk_is_array(ctx, -1))
    (void)duk_error(ctx, DUK_ERR_TYPE_ERROR, "Illegal invocation: not a Headers object");
  if (for_write) {
    duk_get_prop_literal(ctx, -2, EDGEFN_KEY_HEADERS_GUARD);
    if (duk_get_int(ctx, -1) == EDGEFN_GUARD_IMMUTABLE)
      (void)duk_error(ctx, DUK_ERR_TYPE_ERROR, "Can't modify immutable headers.");
    duk_pop(ctx);
  }
  duk_remove(ctx, -2);
}

static void list_append(duk_context *ctx, duk_idx_t list, duk_idx_t name, duk_idx_t value) {
  list = duk_normalize_index(ctx, list);
  name = duk_normalize_index(ctx, name);
  value = duk_normalize_index(ctx, value);
  duk_uarridx_t n = (duk_uarridx_t)duk_get_length(ctx, list);
  duk_dup(ctx, name);
  duk_put_prop_index(ctx, list, n);
  duk_dup(ctx, value);
  duk_put_prop_index(ctx, list, n + 1);
}

/* Removes every pair named like the string at name_idx from the list at list_idx. */
static void list_delete(duk_context *ctx, duk_idx_t list, duk_idx_t name) {
  list = duk_normalize_index(ctx, list);
  name = duk_normalize_index(ctx, name);
  duk_uarridx_t n = (duk_uarridx_t)duk_get_length(ctx, list), w = 0;
  for (duk_uarridx_t r = 0; r + 1 < n; r += 2) {
    duk_get_prop_index(ctx, list, r);
    bool match = duk_strict_equals(ctx, -1, name);
    duk_pop(ctx);
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
  if (w != n) {
    duk_push_uint(ctx, w);
    duk_put_prop_literal(ctx, list, "length");
  }
}

/* Makes the value on top (a list array) the list of a new Headers object, which replaces
 * it on the stack. */
static void headers_wrap_list(duk_context *ctx, int guard) {
  duk_push_object(ctx);
  edgefn__duk_reserve_props(ctx, -1, 2);
  duk_push_global_stash(ctx);
  duk_get_prop_literal(ctx, -1, STASH_HEADERS_PROTO);
  duk_set_prototype(ctx, -3);
  duk_pop(ctx);
  duk_swap_top(ctx, -2);
  EDGEFN_PUT_OWN_LITERAL(ctx, -2, EDGEFN_KEY_HEADERS_LIST);
  if (guard != EDGEFN_GUARD_NONE) { /* absent reads as none: one property less per object */
    duk_push_int(ctx, guard);
    EDGEFN_PUT_OWN_LITERAL(ctx, -2, EDGEFN_KEY_HEADERS_GUARD);
  }
}

void edgefn__headers_push(duk_context *ctx, int guard) {
  duk_push_array(ctx);
  headers_wrap_list(ctx, guard);
}

void edgefn__headers_list_append_raw(duk_context *ctx, duk_idx_t list, const char *name,
                                     size_t name_len, const char *value, size_t value_len) {
  list = duk_normalize_index(ctx, list);
  duk_uarridx_t n = (duk_uarridx_t)duk_get_length(ctx, list);
  char small[64];
  char *lower = name_len <= sizeof(small) ? small : duk_push_fixed_buffer(ctx, name_len);
  for (size_t i = 0; i < name_len; i++)
    lower[i] = (char)edgefn__ascii_lower((unsigned char)name[i]);
  edgefn__push_host_string(ctx, lower, name_len);
  if (lower != small)
    duk_remove(ctx, -2);
  duk_put_prop_index(ctx, list, n);
  edgefn__push_host_string(ctx, value, value_len);
  duk_put_prop_index(ctx, list, n + 1);
}

void edgefn__headers_append_raw(duk_context *ctx, duk_idx_t idx, const char *name,
                                size_t name_len, const char *value, size_t value_len) {
  duk_get_prop_literal(ctx, idx, EDGEFN_KEY_HEADERS_LIST);
  edgefn__headers_list_append_raw(ctx, -1, name, name_len, value, value_len);
  duk_pop(ctx);
}

void edgefn__headers_push_host(duk_context *ctx, int guard, const edgefn_header *headers,
                               size_t count) {
  if (count == 0) {
    edgefn__headers_push(ctx, guard);
    return;
  }
  /* The pairs go on the value stack and become the list in one duk_pack: an array made at
   * its final size, where appending by index would grow it step by step, each growth
   * taking Duktape's slow path (the index stringified into a property key). */
  duk_require_stack(ctx, (duk_idx_t)(2 * count + 1));
  char small[256];
  for (size_t i = 0; i < count; i++) {
    const edgefn_header *h = &headers[i];
    size_t nl = h->name_len;
    char *lower = nl <= sizeof(small) ? small : duk_push_fixed_buffer(ctx, nl);
    for (size_t k = 0; k < nl; k++)
      lower[k] = (char)edgefn__ascii_lower((unsigned char)h->name[k]);
    edgefn__push_host_string(ctx, lower, nl);
    if (lower != small)
      duk_remove(ctx, -2);
    edgefn__push_host_string(ctx, h->value ? h->value : "", h->value ? h->value_len : 0);
  }
  edgefn__duk_pack(ctx, (duk_idx_t)(2 * count));
  headers_wrap_list(ctx, guard);
}

void edgefn__headers_push_packed_block(duk_context *ctx, const edgefn_header *headers,
                                       size_t count) {
  size_t total = 0;
  for (size_t i = 0; i < count; i++)
    total += 8 + headers[i].name_len + (headers[i].value ? headers[i].value_len : 0);
  uint8_t *p = duk_push_fixed_buffer(ctx, total ? total : 1);
  for (size_t i = 0; i < count; i++) {
    const edgefn_header *h = &headers[i];
    uint8_t *name = p + 8;
    p = edgefn__block_put(p, h->name, h->name_len, h->value, h->value ? h->value_len : 0);
    for (size_t k = 0; k < h->name_len; k++)
      name[k] = edgefn__ascii_lower(name[k]);
  }
}

void edgefn__headers_push_from_block(duk_context *ctx, int guard, duk_idx_t block) {
  duk_size_t len = 0;
  const uint8_t *p = duk_require_buffer(ctx, block, &len);
  edgefn__block_iter it = {p, p + len};
  duk_idx_t base = duk_get_top(ctx);
  const char *name, *value;
  size_t nl, vl;
  while (edgefn__block_next(&it, &name, &nl, &value, &vl)) {
    duk_require_stack(ctx, 2);
    edgefn__push_host_string(ctx, name, nl);
    edgefn__push_host_string(ctx, value, vl);
  }
  duk_idx_t n = duk_get_top(ctx) - base;
  if (n == 0) {
    edgefn__headers_push(ctx, guard);
    return;
  }
  edgefn__duk_pack(ctx, n);
  headers_wrap_list(ctx, guard);
}

void edgefn__headers_push_list(duk_context *ctx, duk_idx_t idx) {
  duk_get_prop_literal(ctx, idx, EDGEFN_KEY_HEADERS_LIST);
}

/* Fills the list of a new Headers object (at obj, its list still empty) from a HeadersInit
 * at init. The pairs are gathered on the value stack and packed into the list at its final
 * size (see edgefn__headers_push_host). */
/* Pushes the normalized (name, value) pairs of the HeadersInit at init, validating them as
 * the constructor does; returns how many values it pushed (twice the pairs). */
static duk_idx_t push_init_pairs(duk_context *ctx, duk_idx_t init) {
  init = duk_normalize_index(ctx, init);
  if (duk_is_undefined(ctx, init) || duk_is_null(ctx, init))
    return 0;
  if (!duk_is_object(ctx, init))
    (void)duk_error(ctx, DUK_ERR_TYPE_ERROR,
                    "Failed to construct 'Headers': init must be an object or array");
  duk_idx_t base = duk_get_top(ctx);
  if (duk_get_prop_literal(ctx, init, EDGEFN_KEY_HEADERS_LIST) && duk_is_array(ctx, -1)) {
    duk_size_t n = duk_get_length(ctx, -1);
    duk_require_stack(ctx, (duk_idx_t)n + 1);
    for (duk_size_t i = 0; i < n; i++)
      duk_get_prop_index(ctx, base, (duk_uarridx_t)i);
    duk_remove(ctx, base);
  } else {
    duk_pop(ctx);
    if (duk_is_array(ctx, init)) {
      duk_size_t n = duk_get_length(ctx, init);
      for (duk_size_t i = 0; i < n; i++) {
        duk_require_stack(ctx, 4);
        duk_get_prop_index(ctx, init, (duk_uarridx_t)i);
        if (!duk_is_object(ctx, -1) || duk_get_length(ctx, -1) != 2)
          (void)duk_error(ctx, DUK_ERR_TYPE_ERROR,
                          "Failed to construct 'Headers': each pair must have two items");
        duk_get_prop_index(ctx, -1, 0);
        normalize_name(ctx, -1);
        duk_get_prop_index(ctx, -2, 1);
        normalize_value(ctx, -1);
        duk_remove(ctx, -3);
      }
    } else if (edgefn__duk_push_own_pairs(ctx, init) >= 0) {
      for (duk_idx_t k = base; k < duk_get_top(ctx); k += 2) {
        normalize_name(ctx, k);
        normalize_value(ctx, k + 1);
      }
    } else {
      duk_enum(ctx, init, DUK_ENUM_OWN_PROPERTIES_ONLY);
      duk_idx_t e = duk_get_top_index(ctx);
      for (;;) {
        duk_require_stack(ctx, 3);
        if (!duk_next(ctx, e, 1))
          break;
        normalize_name(ctx, -2);
        normalize_value(ctx, -1);
      }
      duk_remove(ctx, e);
    }
  }
  return duk_get_top(ctx) - base;
}

static void fill_from_init(duk_context *ctx, duk_idx_t obj, duk_idx_t init) {
  obj = duk_normalize_index(ctx, obj);
  duk_idx_t count = push_init_pairs(ctx, init);
  if (count == 0)
    return;
  edgefn__duk_pack(ctx, count);
  EDGEFN_PUT_OWN_LITERAL(ctx, obj, EDGEFN_KEY_HEADERS_LIST);
}

duk_idx_t edgefn__headers_push_init_pairs(duk_context *ctx, duk_idx_t init) {
  return push_init_pairs(ctx, init);
}

void edgefn__headers_push_block_from_pairs(duk_context *ctx, duk_idx_t base, duk_idx_t count,
                                           const char *content_type, size_t ct_len) {
  base = duk_normalize_index(ctx, base);
  size_t total = 0;
  bool has_ct = false;
  for (duk_idx_t i = 0; i + 1 < count; i += 2) {
    duk_size_t nl, vl;
    const char *name = edgefn__duk_get_plain_lstring(ctx, base + i, &nl);
    if (!name || !edgefn__duk_get_plain_lstring(ctx, base + i + 1, &vl))
      (void)duk_error(ctx, DUK_ERR_TYPE_ERROR, "header pairs must be strings");
    total += 8 + nl + vl;
    has_ct = has_ct || (nl == 12 && memcmp(name, "content-type", 12) == 0);
  }
  bool add_ct = content_type && !has_ct;
  if (add_ct)
    total += 8 + 12 + ct_len;
  /* The strings stay where they are: the pairs are on the value stack, and Duktape does
   * not move string data. */
  uint8_t *p = duk_push_fixed_buffer(ctx, total ? total : 1);
  for (duk_idx_t i = 0; i + 1 < count; i += 2) {
    duk_size_t nl, vl;
    const char *name = edgefn__duk_get_plain_lstring(ctx, base + i, &nl);
    const char *value = edgefn__duk_get_plain_lstring(ctx, base + i + 1, &vl);
    p = edgefn__block_put(p, name, nl, value, vl);
  }
  if (add_ct)
    (void)edgefn__block_put(p, "content-type", 12, content_type, ct_len);
}

void edgefn__headers_push_init_list(duk_context *ctx, duk_idx_t init) {
  /* The list is made from the pairs at its final size: no empty list made and grown. */
  duk_idx_t count = push_init_pairs(ctx, init);
  if (count == 0)
    duk_push_array(ctx);
  else
    edgefn__duk_pack(ctx, count);
}

void edgefn__headers_push_init(duk_context *ctx, duk_idx_t init) {
  edgefn__headers_push_init_list(ctx, init);
  headers_wrap_list(ctx, EDGEFN_GUARD_NONE);
}

void edgefn__headers_wrap_list(duk_context *ctx, int guard) { headers_wrap_list(ctx, guard); }

bool edgefn__headers_list_has(duk_context *ctx, duk_idx_t list, const char *lower_name) {
  list = duk_normalize_index(ctx, list);
  duk_uarridx_t n = (duk_uarridx_t)duk_get_length(ctx, list);
  bool found = false;
  for (duk_uarridx_t r = 0; r < n && !found; r += 2) {
    duk_get_prop_index(ctx, list, r);
    const char *name = duk_get_string(ctx, -1);
    found = name && strcmp(name, lower_name) == 0;
    duk_pop(ctx);
  }
  return found;
}

bool edgefn__headers_has_raw(duk_context *ctx, duk_idx_t idx, const char *lower_name) {
  duk_get_prop_literal(ctx, idx, EDGEFN_KEY_HEADERS_LIST);
  bool found = edgefn__headers_list_has(ctx, -1, lower_name);
  duk_pop(ctx);
  return found;
}

static duk_ret_t headers_ctor(duk_context *ctx) {
  if (!duk_is_constructor_call(ctx))
    return duk_error(ctx, DUK_ERR_TYPE_ERROR,
                     "Failed to construct 'Headers': Please use the 'new' operator");
  duk_push_this(ctx);
  duk_push_array(ctx);
  duk_put_prop_literal(ctx, -2, EDGEFN_KEY_HEADERS_LIST);
  duk_push_int(ctx, EDGEFN_GUARD_NONE);
  duk_put_prop_literal(ctx, -2, EDGEFN_KEY_HEADERS_GUARD);
  fill_from_init(ctx, -1, 0);
  return 0;
}

static duk_ret_t headers_append(duk_context *ctx) {
  normalize_name(ctx, 0);
  normalize_value(ctx, 1);
  push_list_of_this(ctx, true);
  list_append(ctx, -1, 0, 1);
  return 0;
}

static duk_ret_t headers_set(duk_context *ctx) {
  normalize_name(ctx, 0);
  normalize_value(ctx, 1);
  push_list_of_this(ctx, true);
  duk_idx_t list = duk_get_top_index(ctx);
  /* Replace the first occurrence in place, drop the others (keeps the position). */
  duk_uarridx_t n = (duk_uarridx_t)duk_get_length(ctx, list);
  bool found = false;
  duk_uarridx_t w = 0;
  for (duk_uarridx_t r = 0; r + 1 < n; r += 2) {
    duk_get_prop_index(ctx, list, r);
    bool match = duk_strict_equals(ctx, -1, 0);
    duk_pop(ctx);
    if (match && found)
      continue;
    if (match) {
      found = true;
      duk_dup(ctx, 0);
      duk_put_prop_index(ctx, list, w);
      duk_dup(ctx, 1);
      duk_put_prop_index(ctx, list, w + 1);
    } else if (w != r) {
      duk_get_prop_index(ctx, list, r);
      duk_put_prop_index(ctx, list, w);
      duk_get_prop_index(ctx, list, r + 1);
      duk_put_prop_index(ctx, list, w + 1);
    }
    w += 2;
  }
  if (w != n) {
    duk_push_uint(ctx, w);
    duk_put_prop_literal(ctx, list, "length");
  }
  if (!found)
    list_append(ctx, list, 0, 1);
  return 0;
}

static duk_ret_t headers_delete(duk_context *ctx) {
  normalize_name(ctx, 0);
  push_list_of_this(ctx, true);
  list_delete(ctx, -1, 0);
  return 0;
}

static duk_ret_t headers_get(duk_context *ctx) {
  normalize_name(ctx, 0);
  push_list_of_this(ctx, false);
  duk_idx_t list = duk_get_top_index(ctx);
  duk_uarridx_t n = (duk_uarridx_t)duk_get_length(ctx, list);
  int found = 0;
  for (duk_uarridx_t r = 0; r + 1 < n; r += 2) {
    duk_get_prop_index(ctx, list, r);
    bool match = duk_strict_equals(ctx, -1, 0);
    duk_pop(ctx);
    if (!match)
      continue;
    if (found)
      duk_push_string(ctx, ", ");
    duk_get_prop_index(ctx, list, r + 1);
    found += found ? 2 : 1;
  }
  if (!found) {
    duk_push_null(ctx);
    return 1;
  }
  duk_concat(ctx, found);
  return 1;
}

static duk_ret_t headers_get_set_cookie(duk_context *ctx) {
  push_list_of_this(ctx, false);
  duk_idx_t list = duk_get_top_index(ctx);
  duk_uarridx_t n = (duk_uarridx_t)duk_get_length(ctx, list), k = 0;
  duk_push_array(ctx);
  for (duk_uarridx_t r = 0; r + 1 < n; r += 2) {
    duk_get_prop_index(ctx, list, r);
    bool match = strcmp(duk_get_string(ctx, -1), "set-cookie") == 0;
    duk_pop(ctx);
    if (match) {
      duk_get_prop_index(ctx, list, r + 1);
      duk_put_prop_index(ctx, -2, k++);
    }
  }
  return 1;
}

static duk_ret_t headers_has(duk_context *ctx) {
  normalize_name(ctx, 0);
  push_list_of_this(ctx, false);
  duk_uarridx_t n = (duk_uarridx_t)duk_get_length(ctx, -1);
  for (duk_uarridx_t r = 0; r < n; r += 2) {
    duk_get_prop_index(ctx, -1, r);
    bool match = duk_strict_equals(ctx, -1, 0);
    duk_pop(ctx);
    if (match) {
      duk_push_true(ctx);
      return 1;
    }
  }
  duk_push_false(ctx);
  return 1;
}

typedef struct pair_ref {
  const char *name;
  duk_uarridx_t index;
} pair_ref;

static int pair_cmp(const void *a, const void *b) {
  const pair_ref *x = a, *y = b;
  int c = strcmp(x->name, y->name);
  if (c)
    return c;
  return x->index < y->index ? -1 : x->index > y->index;
}

/* Pushes the "sort and combine" view of this Headers: an array of [name, value] pairs
 * sorted by name, values of equal names joined by ", " except Set-Cookie. */
static void push_sorted_pairs(duk_context *ctx) {
  push_list_of_this(ctx, false);
  duk_idx_t list = duk_get_top_index(ctx);
  duk_uarridx_t n = (duk_uarridx_t)duk_get_length(ctx, list) / 2;
  pair_ref *refs = duk_push_fixed_buffer(ctx, (n ? n : 1) * sizeof(pair_ref));
  for (duk_uarridx_t i = 0; i < n; i++) {
    duk_get_prop_index(ctx, list, 2 * i);
    refs[i].name = duk_get_string(ctx, -1); /* stays reachable through the list */
    refs[i].index = i;
    duk_pop(ctx);
  }
  qsort(refs, n, sizeof(pair_ref), pair_cmp);
  duk_push_array(ctx);
  duk_uarridx_t out = 0;
  for (duk_uarridx_t i = 0; i < n;) {
    duk_uarridx_t j = i + 1;
    bool cookie = strcmp(refs[i].name, "set-cookie") == 0;
    duk_push_array(ctx);
    duk_get_prop_index(ctx, list, 2 * refs[i].index);
    duk_put_prop_index(ctx, -2, 0);
    duk_get_prop_index(ctx, list, 2 * refs[i].index + 1);
    if (!cookie) {
      int parts = 1;
      for (; j < n && strcmp(refs[j].name, refs[i].name) == 0; j++) {
        duk_push_string(ctx, ", ");
        duk_get_prop_index(ctx, list, 2 * refs[j].index + 1);
        parts += 2;
      }
      duk_concat(ctx, parts);
    }
    duk_put_prop_index(ctx, -2, 1);
    duk_put_prop_index(ctx, -2, out++);
    i = j;
  }
  duk_remove(ctx, -2); /* refs */
  duk_remove(ctx, -2); /* list */
}

static duk_ret_t headers_for_each(duk_context *ctx) {
  duk_require_function(ctx, 0);
  push_sorted_pairs(ctx);
  duk_uarridx_t n = (duk_uarridx_t)duk_get_length(ctx, -1);
  for (duk_uarridx_t i = 0; i < n; i++) {
    duk_dup(ctx, 0);
    duk_dup(ctx, 1);
    duk_get_prop_index(ctx, 2, i);
    duk_get_prop_index(ctx, -1, 1);
    duk_get_prop_index(ctx, -2, 0);
    duk_remove(ctx, -3);
    duk_push_this(ctx);
    duk_call_method(ctx, 3);
    duk_pop(ctx);
  }
  return 0;
}

static duk_ret_t iter_next(duk_context *ctx) {
  duk_push_this(ctx);
  if (!duk_is_object(ctx, -1) || !duk_get_prop_literal(ctx, -1, KEY_ITER_LIST) ||
      !duk_is_array(ctx, -1))
    return duk_error(ctx, DUK_ERR_TYPE_ERROR, "Illegal invocation: not a Headers iterator");
  duk_get_prop_literal(ctx, -2, KEY_ITER_POS);
  duk_uarridx_t pos = duk_get_uint(ctx, -1);
  duk_pop(ctx);
  duk_push_object(ctx);
  if (pos >= duk_get_length(ctx, -2)) {
    duk_push_undefined(ctx);
    duk_put_prop_literal(ctx, -2, "value");
    duk_push_true(ctx);
    duk_put_prop_literal(ctx, -2, "done");
    return 1;
  }
  duk_get_prop_literal(ctx, -3, KEY_ITER_KIND);
  int kind = duk_get_int(ctx, -1);
  duk_pop(ctx);
  duk_get_prop_index(ctx, -2, pos);
  if (kind != 2) {
    duk_get_prop_index(ctx, -1, (duk_uarridx_t)kind);
    duk_remove(ctx, -2);
  }
  duk_put_prop_literal(ctx, -2, "value");
  duk_push_false(ctx);
  duk_put_prop_literal(ctx, -2, "done");
  duk_push_uint(ctx, pos + 1);
  duk_put_prop_literal(ctx, -4, KEY_ITER_POS);
  return 1;
}

static duk_ret_t iter_self(duk_context *ctx) {
  duk_push_this(ctx);
  return 1;
}

/* kind: 0 keys, 1 values, 2 entries. The iterator walks the sorted and combined pairs as
 * they were when it was made; `next` and @@iterator live on the iterators' shared
 * prototype, so an iterator is itself iterable (`for (const [k, v] of h.entries())`). */
static duk_ret_t make_iterator(duk_context *ctx, int kind) {
  push_sorted_pairs(ctx);
  duk_push_object(ctx);
  edgefn__duk_push_global_stash(ctx);
  duk_get_prop_literal(ctx, -1, STASH_HEADERS_ITER_PROTO);
  duk_set_prototype(ctx, -3);
  duk_pop(ctx);
  duk_dup(ctx, -2);
  duk_put_prop_literal(ctx, -2, KEY_ITER_LIST);
  duk_push_uint(ctx, 0);
  duk_put_prop_literal(ctx, -2, KEY_ITER_POS);
  duk_push_int(ctx, kind);
  duk_put_prop_literal(ctx, -2, KEY_ITER_KIND);
  return 1;
}

static duk_ret_t headers_keys(duk_context *ctx) { return make_iterator(ctx, 0); }
static duk_ret_t headers_values(duk_context *ctx) { return make_iterator(ctx, 1); }
static duk_ret_t headers_entries(duk_context *ctx) { return make_iterator(ctx, 2); }

static const duk_function_list_entry headers_methods[] = {
    {"append", headers_append, 2},   {"set", headers_set, 2},
    {"delete", headers_delete, 1},   {"get", headers_get, 1},
    {"has", headers_has, 1},         {"getSetCookie", headers_get_set_cookie, 0},
    {"forEach", headers_for_each, 2}, {"keys", headers_keys, 0},
    {"values", headers_values, 0},   {"entries", headers_entries, 0},
    {NULL, NULL, 0}};

void edgefn__headers_install(duk_context *ctx) {
  duk_push_global_object(ctx);
  duk_push_c_function(ctx, headers_ctor, 1);
  duk_push_object(ctx);
  duk_put_function_list(ctx, -1, headers_methods);
  /* Headers is a pair iterable (WebIDL): @@iterator is the entries function itself. */
  duk_push_literal(ctx, DUK_WELLKNOWN_SYMBOL("Symbol.iterator"));
  duk_get_prop_literal(ctx, -2, "entries");
  duk_def_prop(ctx, -3,
               DUK_DEFPROP_HAVE_VALUE | DUK_DEFPROP_SET_WRITABLE | DUK_DEFPROP_CLEAR_ENUMERABLE |
                   DUK_DEFPROP_SET_CONFIGURABLE);
  duk_dup(ctx, -2);
  duk_put_prop_literal(ctx, -2, "constructor");
  duk_push_global_stash(ctx);
  duk_dup(ctx, -2);
  duk_put_prop_literal(ctx, -2, STASH_HEADERS_PROTO);
  duk_pop(ctx);
  duk_put_prop_literal(ctx, -2, "prototype");
  duk_put_prop_literal(ctx, -2, "Headers");
  duk_pop(ctx);

  /* The iterators' shared prototype: next, @@iterator returning the iterator, and the
   * tag WebIDL gives it. */
  duk_push_global_stash(ctx);
  duk_push_object(ctx);
  edgefn__iter_push_proto(ctx); /* WebIDL: an iterator prototype inherits %IteratorPrototype% */
  duk_set_prototype(ctx, -2);
  duk_push_c_function(ctx, iter_next, 0);
  duk_put_prop_literal(ctx, -2, "next");
  duk_push_literal(ctx, DUK_WELLKNOWN_SYMBOL("Symbol.iterator"));
  duk_push_c_function(ctx, iter_self, 0);
  duk_def_prop(ctx, -3,
               DUK_DEFPROP_HAVE_VALUE | DUK_DEFPROP_SET_WRITABLE | DUK_DEFPROP_CLEAR_ENUMERABLE |
                   DUK_DEFPROP_SET_CONFIGURABLE);
  duk_push_literal(ctx, DUK_WELLKNOWN_SYMBOL("Symbol.toStringTag"));
  duk_push_literal(ctx, "Headers Iterator");
  duk_def_prop(ctx, -3, DUK_DEFPROP_HAVE_VALUE | DUK_DEFPROP_CLEAR_WEC | DUK_DEFPROP_SET_CONFIGURABLE);
  duk_put_prop_literal(ctx, -2, STASH_HEADERS_ITER_PROTO);
  duk_pop(ctx);
}
