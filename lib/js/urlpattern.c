/* URLPattern (WHATWG URL Pattern Standard): the natives of lib/js/urlpattern.js and its
 * loader.
 *
 * urlpattern.js tokenizes and parses patterns, builds the regular expressions and the
 * normalized pattern strings and matches; the functions here give it what a script could
 * otherwise have replaced or what ES5 cannot do well: code points of a string and strings
 * from code points, the identifier code point classes, joining many pieces in linear time,
 * the intrinsic RegExp constructor and RegExpBuiltinExec, and the URL parser of url-parse.c
 * for the canonicalization callbacks and for matching (the global URL is a lazy global a
 * script may have replaced before the first URLPattern is made).
 *
 * The URL parser works on C memory and never throws; results are pushed only after every
 * C allocation is freed, so an error (out of memory included) never leaks. */
#include "js/js.h"
#include "js/url.h"

#include <stdlib.h>
#include <string.h>

#include <unicode/uchar.h>

#include "urlpattern-js.h" /* generated from urlpattern.js: edgefn__urlpattern_js[] */

#define S_MODULE DUK_HIDDEN_SYMBOL("edgefn.urlpattern.module")
#define K_SLOTS DUK_HIDDEN_SYMBOL("ps")

/* arr[k] = value on top (popped) as an own data property: a setter a script put on
 * Array.prototype or Object.prototype for an index is never called */
static void put_index(duk_context *ctx, duk_idx_t arr, duk_uarridx_t k) {
  arr = duk_normalize_index(ctx, arr);
  duk_push_uint(ctx, k);
  duk_swap_top(ctx, -2);
  duk_def_prop(ctx, arr, DUK_DEFPROP_HAVE_VALUE | DUK_DEFPROP_SET_WEC);
}

/* ---- strings and code points ---- */

/* cps(s): the code points of s (surrogate pairs joined; lone surrogates kept as values) as
 * a Uint32Array: indexed reads never reach a prototype, and no property per element */
static duk_ret_t n_cps(duk_context *ctx) {
  duk_to_string(ctx, 0);
  duk_size_t n = duk_get_length(ctx, 0);
  uint32_t *out = duk_push_fixed_buffer(ctx, (n ? n : 1) * sizeof(uint32_t));
  size_t k = 0;
  for (duk_size_t i = 0; i < n; i++) {
    duk_codepoint_t c = duk_char_code_at(ctx, 0, i);
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < n) {
      duk_codepoint_t d = duk_char_code_at(ctx, 0, i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) {
        c = 0x10000 + ((c - 0xd800) << 10) + (d - 0xdc00);
        i++;
      }
    }
    out[k++] = (uint32_t)c;
  }
  duk_push_buffer_object(ctx, -1, 0, k * sizeof(uint32_t), DUK_BUFOBJ_UINT32ARRAY);
  return 1;
}

/* str(cps, a, b): the string of code points cps[a, b) (an array or the Uint32Array of
 * cps), in Duktape's form (a code point above U+FFFF as its two surrogates, each its own
 * sequence, as the rest of the library keeps strings) */
static duk_ret_t n_str(duk_context *ctx) {
  duk_uarridx_t a = duk_to_uint32(ctx, 1), b = duk_to_uint32(ctx, 2);
  duk_size_t size = 0;
  const uint32_t *data = NULL;
  if (duk_is_buffer_data(ctx, 0)) {
    data = duk_get_buffer_data(ctx, 0, &size);
    size /= sizeof(uint32_t);
  } else {
    size = duk_get_length(ctx, 0);
  }
  if (b > size)
    b = (duk_uarridx_t)size;
  if (b < a)
    b = a;
  uint8_t *buf = duk_push_fixed_buffer(ctx, (duk_size_t)(b - a) * 6u + 1u);
  size_t len = 0;
  for (duk_uarridx_t i = a; i < b; i++) {
    uint32_t c;
    if (data) {
      c = data[i];
    } else {
      duk_get_prop_index(ctx, 0, i);
      c = (uint32_t)duk_get_uint(ctx, -1);
      duk_pop(ctx);
    }
    if (c > 0x10ffff)
      c = 0xfffd;
    if (c >= 0x10000) {
      len += edgefn__utf8_put(buf + len, 0xd800 + ((c - 0x10000) >> 10));
      len += edgefn__utf8_put(buf + len, 0xdc00 + ((c - 0x10000) & 0x3ff));
    } else {
      len += edgefn__utf8_put(buf + len, c);
    }
  }
  duk_push_lstring(ctx, (const char *)buf, len);
  return 1;
}

/* escape(s, pattern): "escape a regexp string" (pattern 0) or "escape a pattern string"
 * (1): a backslash before each of the syntax characters of the one or the other */
static duk_ret_t n_escape(duk_context *ctx) {
  static const char regexp_syntax[] = ".+*?^${}()[]|/\\";
  static const char pattern_syntax[] = "+*?:{}()\\";
  const char *set = duk_to_int(ctx, 1) ? pattern_syntax : regexp_syntax;
  duk_set_top(ctx, 1);
  duk_size_t n;
  const char *s = duk_to_lstring(ctx, 0, &n);
  size_t extra = 0;
  for (size_t i = 0; i < n; i++)
    extra += s[i] && strchr(set, s[i]) != NULL;
  if (extra == 0)
    return 1;
  char *out = duk_push_fixed_buffer(ctx, n + extra);
  size_t k = 0;
  for (size_t i = 0; i < n; i++) {
    if (s[i] && strchr(set, s[i]) != NULL)
      out[k++] = '\\';
    out[k++] = s[i];
  }
  duk_buffer_to_string(ctx, -1);
  return 1;
}

/* idStart(cp) / idPart(cp) (magic 1): ECMAScript's IdentifierStart and IdentifierPart */
static duk_ret_t n_id(duk_context *ctx) {
  UChar32 c = (UChar32)duk_to_int(ctx, 0);
  bool part = duk_get_current_magic(ctx) != 0;
  bool r = c == '$' || c == '_' || (part && (c == 0x200c || c == 0x200d)) ||
           u_hasBinaryProperty(c, part ? UCHAR_ID_CONTINUE : UCHAR_ID_START);
  duk_push_boolean(ctx, r);
  return 1;
}

/* ---- URLs ---- */

/* Pushes the bytes s[0, n) (ASCII: everything the URL serializer makes) as a string, inside
 * a protected call: on error the caller still owns its C memory and rethrows after freeing. */
typedef struct bytes_job {
  const char *p;
  size_t n;
} bytes_job;

static duk_ret_t push_bytes_unsafe(duk_context *ctx, void *udata) {
  const bytes_job *j = udata;
  edgefn__push_host_string(ctx, j->p, j->n);
  return 1;
}

/* Pushes out's text, frees out, and throws what pushing threw (out of memory). */
static void push_ustr_free(duk_context *ctx, edgefn__ustr *out) {
  bytes_job j = {out->p ? out->p : "", out->len};
  int rc = duk_safe_call(ctx, push_bytes_unsafe, &j, 0, 1);
  edgefn__ustr_free(out);
  if (rc != DUK_EXEC_SUCCESS)
    (void)duk_throw(ctx);
}

static duk_ret_t throw_nomem(duk_context *ctx) {
  return duk_error(ctx, DUK_ERR_RANGE_ERROR, "out of memory");
}

/* The components of a URL record joined with NUL (no component contains one: the
 * serializer percent-encodes it): scheme, username, password, host ("" for null), port
 * ("" for null), serialized path, query ("" for null), fragment ("" for null), then "1"
 * when the path is opaque, else "0". */
static int flatten(const edgefn__url *u, edgefn__ustr *out) {
  char port[16] = "";
  if (u->port >= 0)
    snprintf(port, sizeof(port), "%d", (int)u->port);
  const edgefn__ustr *parts[] = {&u->scheme, &u->username, &u->password, &u->host};
  int rc = 0;
  for (size_t i = 0; i < EDGEFN_ARRAY_LEN(parts) && rc == 0; i++) {
    if (!(i == 3 && !u->has_host))
      rc = edgefn__ustr_append(out, parts[i]->p ? parts[i]->p : "", parts[i]->len);
    if (rc == 0)
      rc = edgefn__ustr_putc(out, '\0');
  }
  if (rc == 0)
    rc = edgefn__ustr_append(out, port, strlen(port));
  if (rc == 0)
    rc = edgefn__ustr_putc(out, '\0');
  if (rc == 0)
    rc = edgefn__ustr_append(out, u->path.p ? u->path.p : "", u->path.len);
  if (rc == 0)
    rc = edgefn__ustr_putc(out, '\0');
  if (rc == 0 && u->has_query)
    rc = edgefn__ustr_append(out, u->query.p ? u->query.p : "", u->query.len);
  if (rc == 0)
    rc = edgefn__ustr_putc(out, '\0');
  if (rc == 0 && u->has_fragment)
    rc = edgefn__ustr_append(out, u->fragment.p ? u->fragment.p : "", u->fragment.len);
  if (rc == 0)
    rc = edgefn__ustr_putc(out, '\0');
  if (rc == 0)
    rc = edgefn__ustr_putc(out, u->opaque_path ? '1' : '0');
  return rc;
}

/* parseURL(input, base): the URL parser on input against base (when not undefined), as an
 * array [scheme, username, password, host, port, path, query, fragment, opaquePath], or
 * null when either does not parse. */
static duk_ret_t n_parse_url(duk_context *ctx) {
  bool has_base = !duk_is_undefined(ctx, 1);
  duk_to_string(ctx, 0);
  size_t len = 0, blen = 0;
  const char *in = edgefn__push_utf8_buffer(ctx, 0, &len); /* 2 */
  const char *b = NULL;
  if (has_base) {
    duk_to_string(ctx, 1);
    b = edgefn__push_utf8_buffer(ctx, 1, &blen); /* 3 */
  }
  edgefn__url rec, base_rec;
  edgefn__ustr flat = {0};
  int rc = EDGEFN_URL_OK;
  edgefn__url_init(&rec);
  edgefn__url_init(&base_rec);
  if (b)
    rc = edgefn__url_parse(b, blen, NULL, &base_rec, 0);
  if (rc == EDGEFN_URL_OK) {
    edgefn__url_free(&rec);
    rc = edgefn__url_parse(in, len, b ? &base_rec : NULL, &rec, 0);
  }
  if (rc == EDGEFN_URL_OK && flatten(&rec, &flat))
    rc = EDGEFN_URL_NOMEM;
  edgefn__url_free(&rec);
  edgefn__url_free(&base_rec);
  if (rc == EDGEFN_URL_NOMEM) {
    edgefn__ustr_free(&flat);
    return throw_nomem(ctx);
  }
  if (rc != EDGEFN_URL_OK) {
    edgefn__ustr_free(&flat);
    duk_push_null(ctx);
    return 1;
  }
  push_ustr_free(ctx, &flat);
  /* Split on NUL: no C memory is held any more. */
  duk_size_t n;
  const char *s = duk_get_lstring(ctx, -1, &n);
  duk_idx_t arr = duk_push_array(ctx);
  duk_uarridx_t k = 0;
  size_t start = 0;
  for (size_t i = 0; i <= n; i++) {
    if (i < n && s[i] != '\0')
      continue;
    if (k == 8)
      duk_push_boolean(ctx, i > start && s[start] == '1');
    else
      duk_push_lstring(ctx, s + start, i - start);
    put_index(ctx, arr, k++);
    start = i + 1;
  }
  return 1;
}

enum {
  CANON_PROTOCOL,
  CANON_USERNAME,
  CANON_PASSWORD,
  CANON_HOSTNAME,
  CANON_PORT,
  CANON_PATHNAME,
  CANON_OPAQUE_PATHNAME,
  CANON_SEARCH,
  CANON_HASH,
};

/* The canonicalization callbacks of the Standard ("canonicalize a protocol" and the
 * others) on the UTF-8 value v[0, n) into out; proto is the protocol for the port (may be
 * NULL). Returns EDGEFN_URL_OK, _FAILURE or _NOMEM. */
static int canonicalize(int kind, const char *v, size_t n, const char *proto, size_t plen,
                        edgefn__ustr *out) {
  edgefn__url u;
  edgefn__ustr tmp = {0};
  int rc = EDGEFN_URL_OK;
  edgefn__url_init(&u);
  switch (kind) {
  case CANON_PROTOCOL:
    /* the normal parse of "<value>://dummy.test": the scheme state override would refuse
     * what only the protocol setter must refuse */
    rc = edgefn__ustr_set(&tmp, v, n);
    if (rc == 0)
      rc = edgefn__ustr_append(&tmp, "://dummy.test", 13);
    if (rc == 0) {
      edgefn__url_free(&u);
      rc = edgefn__url_parse(tmp.p, tmp.len, NULL, &u, 0);
    }
    if (rc == EDGEFN_URL_OK)
      rc = edgefn__ustr_append(out, u.scheme.p ? u.scheme.p : "", u.scheme.len);
    break;
  case CANON_USERNAME:
  case CANON_PASSWORD:
    rc = edgefn__url_pct_encode(out, v, n, EDGEFN_PE_USERINFO, false);
    break;
  case CANON_HOSTNAME:
    /* As Node 24 and browsers do, the hostname is parsed as a special URL's host (IDNA,
     * lowercase, IPv4 normalization): the Standard's dummy URL has no scheme, which would
     * make it an opaque host, left as written. */
    rc = edgefn__url_parse("https://dummy.test/", 19, NULL, &u, 0);
    if (rc == EDGEFN_URL_OK)
      rc = edgefn__url_parse(v, n, NULL, &u, EDGEFN_URL_HOSTNAME);
    if (rc == EDGEFN_URL_OK)
      rc = edgefn__ustr_append(out, u.host.p ? u.host.p : "", u.host.len);
    break;
  case CANON_PORT:
    /* The port state stops at the first non-digit; with nothing before it, the current
     * URL Standard (and Node 24) fail where url-parse.c, written for the setter, which
     * ignores the result, returns */
    if (n == 0 || v[0] < '0' || v[0] > '9') {
      rc = EDGEFN_URL_FAILURE;
      break;
    }
    if (proto && plen)
      rc = edgefn__ustr_set(&u.scheme, proto, plen);
    if (rc == EDGEFN_URL_OK)
      rc = edgefn__url_parse(v, n, NULL, &u, EDGEFN_URL_PORT);
    if (rc == EDGEFN_URL_OK && u.port >= 0) {
      char port[16];
      snprintf(port, sizeof(port), "%d", (int)u.port);
      rc = edgefn__ustr_append(out, port, strlen(port));
    }
    break;
  case CANON_PATHNAME: {
    /* "/-" keeps a relative piece from getting a leading slash or losing a leading dot
     * segment; both are taken off the result */
    bool leading_slash = n > 0 && v[0] == '/';
    rc = edgefn__ustr_set(&tmp, leading_slash ? "" : "/-", leading_slash ? 0 : 2);
    if (rc == 0)
      rc = edgefn__ustr_append(&tmp, v, n);
    if (rc == 0)
      rc = edgefn__url_parse(tmp.p, tmp.len, NULL, &u, EDGEFN_URL_PATH_START);
    if (rc == EDGEFN_URL_OK) {
      size_t skip = leading_slash ? 0 : (u.path.len >= 2 ? 2 : u.path.len);
      rc = edgefn__ustr_append(out, u.path.p ? u.path.p + skip : "", u.path.len - skip);
    }
    break;
  }
  case CANON_OPAQUE_PATHNAME:
    /* The Standard runs the opaque path state on a dummy URL; Node 24 and browsers parse
     * "fake:<value>" and take its path, which a URL with that scheme would have: "/a b"
     * becomes "/a%20b" and dot segments go, as in the URLs the pattern is matched with. */
    rc = edgefn__ustr_set(&tmp, "fake:", 5);
    if (rc == 0)
      rc = edgefn__ustr_append(&tmp, v, n);
    if (rc == 0) {
      edgefn__url_free(&u);
      rc = edgefn__url_parse(tmp.p, tmp.len, NULL, &u, 0);
    }
    if (rc == EDGEFN_URL_OK)
      rc = edgefn__ustr_append(out, u.path.p ? u.path.p : "", u.path.len);
    break;
  case CANON_SEARCH:
  case CANON_HASH:
    if (kind == CANON_SEARCH) {
      u.has_query = true;
      rc = edgefn__ustr_set(&u.query, "", 0);
    } else {
      u.has_fragment = true;
      rc = edgefn__ustr_set(&u.fragment, "", 0);
    }
    if (rc == EDGEFN_URL_OK)
      rc = edgefn__url_parse(v, n, NULL, &u,
                             kind == CANON_SEARCH ? EDGEFN_URL_QUERY : EDGEFN_URL_FRAGMENT);
    if (rc == EDGEFN_URL_OK) {
      const edgefn__ustr *s = kind == CANON_SEARCH ? &u.query : &u.fragment;
      rc = edgefn__ustr_append(out, s->p ? s->p : "", s->len);
    }
    break;
  default:
    rc = EDGEFN_URL_FAILURE;
    break;
  }
  edgefn__ustr_free(&tmp);
  edgefn__url_free(&u);
  return rc;
}

/* canon(kind, value, protocol): the canonical form of value, or null when the URL parser
 * rejects it */
static duk_ret_t n_canon(duk_context *ctx) {
  int kind = duk_to_int(ctx, 0);
  duk_to_string(ctx, 1);
  size_t n = 0, plen = 0;
  const char *v = edgefn__push_utf8_buffer(ctx, 1, &n);
  const char *proto = NULL;
  if (duk_is_string(ctx, 2))
    proto = edgefn__push_utf8_buffer(ctx, 2, &plen);
  edgefn__ustr out = {0};
  int rc = edgefn__ustr_set(&out, "", 0);
  if (rc == 0)
    rc = canonicalize(kind, v, n, proto, plen, &out);
  if (rc != EDGEFN_URL_OK) {
    edgefn__ustr_free(&out);
    if (rc == EDGEFN_URL_NOMEM)
      return throw_nomem(ctx);
    duk_push_null(ctx);
    return 1;
  }
  push_ustr_free(ctx, &out);
  return 1;
}

/* ---- RegExp ---- */

static duk_ret_t regexp_unsafe(duk_context *ctx, void *udata) {
  (void)udata;
  edgefn__regexp_push_new(ctx, 0, 1);
  return 1;
}

/* regexp(source, flags): a RegExp from the intrinsic constructor, or null when the
 * pattern is not valid (any other error, such as the CPU or memory limit, propagates) */
static duk_ret_t n_regexp(duk_context *ctx) {
  duk_to_string(ctx, 0);
  duk_to_string(ctx, 1);
  if (duk_safe_call(ctx, regexp_unsafe, NULL, 2, 1) == DUK_EXEC_SUCCESS)
    return 1;
  if (duk_get_error_code(ctx, -1) == DUK_ERR_SYNTAX_ERROR) {
    duk_push_null(ctx);
    return 1;
  }
  return duk_throw(ctx);
}

/* exec(rx, s): RegExpBuiltinExec, whatever RegExp.prototype.exec has become */
static duk_ret_t n_exec(duk_context *ctx) {
  duk_to_string(ctx, 1);
  edgefn__regexp_push_exec(ctx, 0, 1);
  return 1;
}

/* ---- objects ---- */

/* getter(obj, name, fn): an enumerable, configurable accessor, as WebIDL attributes are */
static duk_ret_t n_getter(duk_context *ctx) {
  duk_push_literal(ctx, "name");
  duk_push_literal(ctx, "get ");
  duk_dup(ctx, 1);
  duk_concat(ctx, 2);
  duk_def_prop(ctx, 2, DUK_DEFPROP_HAVE_VALUE | DUK_DEFPROP_CLEAR_WRITABLE |
                           DUK_DEFPROP_CLEAR_ENUMERABLE | DUK_DEFPROP_SET_CONFIGURABLE |
                           DUK_DEFPROP_FORCE);
  duk_dup(ctx, 1);
  duk_dup(ctx, 2);
  duk_def_prop(ctx, 0, DUK_DEFPROP_HAVE_GETTER | DUK_DEFPROP_SET_ENUMERABLE |
                           DUK_DEFPROP_SET_CONFIGURABLE);
  return 0;
}

static const edgefn__embedded_native natives[] = {
    {"cps", n_cps, 1, 0},
    {"str", n_str, 3, 0},
    {"escape", n_escape, 2, 0},
    {"idStart", n_id, 1, 0},
    {"idPart", n_id, 1, 1},
    {"parseURL", n_parse_url, 2, 0},
    {"canon", n_canon, 3, 0},
    {"regexp", n_regexp, 2, 0},
    {"exec", n_exec, 2, 0},
    {"getter", n_getter, 3, 0},
};

static void push_natives(duk_context *ctx) {
  (void)edgefn__embedded_push_natives(ctx, natives, EDGEFN_ARRAY_LEN(natives), K_SLOTS);
}

static edgefn__embedded_js module = EDGEFN_EMBEDDED_JS("urlpattern.js", edgefn__urlpattern_js,
                                                     S_MODULE, push_natives);

/* new URLPattern(input, baseURL or options, options): the module's init on the new object,
 * with the argument count (WebIDL's overload resolution depends on it) */
static duk_ret_t urlpattern_ctor(duk_context *ctx) {
  if (!duk_is_constructor_call(ctx))
    return duk_type_error(ctx, "Failed to construct 'URLPattern': Please use the 'new' "
                               "operator");
  duk_idx_t nargs = duk_get_top(ctx);
  duk_set_top(ctx, 3);
  edgefn__embedded_push_module(ctx, &module);
  duk_get_prop_literal(ctx, -1, "init");
  duk_push_this(ctx);
  duk_push_int(ctx, nargs > 3 ? 3 : nargs);
  duk_dup(ctx, 0);
  duk_dup(ctx, 1);
  duk_dup(ctx, 2);
  duk_call(ctx, 5);
  return 0;
}

void edgefn__urlpattern_install(duk_context *ctx) {
  /* varargs: length 0, as WebIDL gives; the steps see the argument count */
  edgefn__embedded_install_class(ctx, &module, "URLPattern", urlpattern_ctor, DUK_VARARGS);
}
