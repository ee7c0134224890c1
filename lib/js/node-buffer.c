/* The parts of Node's Buffer that Duktape's binding (from Node 6) lacks and that code written
 * for Node and for Workers' nodejs_compat uses most: Buffer.from, Buffer.alloc,
 * Buffer.allocUnsafe, and the encodings of Buffer.prototype.toString, Buffer.byteLength and
 * Buffer.isEncoding (utf8, hex, base64, base64url, latin1/binary, ascii, utf16le/ucs2), with
 * Node's lenient decoding (base64 skips what is not in either alphabet and stops at '=';
 * hex stops at the first pair that is not hex). Duktape's own Buffer methods stay as they
 * are; frameworks such as h3 use its isBuffer and concat. */
#include "duktape/detach.h"
#include "js/js.h"

#include <string.h>
#include <strings.h>

enum { ENC_UTF8, ENC_HEX, ENC_BASE64, ENC_BASE64URL, ENC_LATIN1, ENC_ASCII, ENC_UTF16LE };

static const struct {
  const char *name;
  int enc;
} encodings[] = {{"utf8", ENC_UTF8},       {"utf-8", ENC_UTF8},      {"hex", ENC_HEX},
                 {"base64", ENC_BASE64},   {"base64url", ENC_BASE64URL},
                 {"latin1", ENC_LATIN1},   {"binary", ENC_LATIN1},   {"ascii", ENC_ASCII},
                 {"utf16le", ENC_UTF16LE}, {"utf-16le", ENC_UTF16LE}, {"ucs2", ENC_UTF16LE},
                 {"ucs-2", ENC_UTF16LE}};

/* The encoding named at idx (undefined: utf8), or -1 when it is not one. */
static int encoding_of(duk_context *ctx, duk_idx_t idx) {
  if (duk_is_undefined(ctx, idx) || duk_is_null(ctx, idx))
    return ENC_UTF8;
  if (!duk_is_string(ctx, idx) || duk_is_symbol(ctx, idx))
    return -1;
  duk_size_t n;
  const char *s = duk_get_lstring(ctx, idx, &n);
  for (size_t i = 0; i < EDGEFN_ARRAY_LEN(encodings); i++)
    if (strlen(encodings[i].name) == n && strncasecmp(encodings[i].name, s, n) == 0)
      return encodings[i].enc;
  return -1;
}

static int require_encoding(duk_context *ctx, duk_idx_t idx) {
  int enc = encoding_of(ctx, idx);
  if (enc < 0)
    (void)duk_error(ctx, DUK_ERR_TYPE_ERROR, "Unknown encoding: %s", duk_safe_to_string(ctx, idx));
  return enc;
}

static int b64_digit(uint32_t c) {
  if (c >= 'A' && c <= 'Z')
    return (int)(c - 'A');
  if (c >= 'a' && c <= 'z')
    return (int)(c - 'a' + 26);
  if (c >= '0' && c <= '9')
    return (int)(c - '0' + 52);
  if (c == '+' || c == '-')
    return 62;
  if (c == '/' || c == '_')
    return 63;
  return -1;
}

/* Reads the next UTF-16 code unit of Duktape's internal string form at *i. */
static uint32_t next_unit(const uint8_t *s, size_t n, size_t *i, uint32_t *pending) {
  if (*pending) {
    uint32_t u = *pending;
    *pending = 0;
    return u;
  }
  uint8_t b = s[*i];
  uint32_t c;
  size_t k = b < 0x80 ? 0 : b < 0xe0 ? 1 : b < 0xf0 ? 2 : 3;
  c = k == 0 ? b : k == 1 ? b & 0x1fu : k == 2 ? b & 0x0fu : b & 0x07u;
  for (size_t j = 1; j <= k && *i + j < n; j++)
    c = c << 6 | (s[*i + j] & 0x3fu);
  *i += k + 1;
  if (c >= 0x10000) { /* not produced by Duktape's CESU-8, but kept correct */
    c -= 0x10000;
    *pending = 0xdc00 + (c & 0x3ff);
    return 0xd800 + (c >> 10);
  }
  return c;
}

/* Pushes a plain buffer with the string at idx encoded as `enc`; sets *len. */
static uint8_t *push_encoded_string(duk_context *ctx, duk_idx_t idx, int enc, size_t *len) {
  if (enc == ENC_UTF8)
    return edgefn__push_utf8_buffer(ctx, idx, len);
  duk_size_t n;
  const uint8_t *s = (const uint8_t *)duk_get_lstring(ctx, idx, &n);
  uint8_t *out = duk_push_fixed_buffer(ctx, enc == ENC_UTF16LE ? 2 * n : n + 1);
  size_t o = 0;
  if (enc == ENC_HEX) {
    for (size_t i = 0; i + 1 < n; i += 2) {
      int hi = s[i] < 0x80 ? edgefn__hex_value(s[i]) : -1;
      int lo = s[i + 1] < 0x80 ? edgefn__hex_value(s[i + 1]) : -1;
      if (hi < 0 || lo < 0)
        break;
      out[o++] = (uint8_t)(hi << 4 | lo);
    }
  } else if (enc == ENC_BASE64 || enc == ENC_BASE64URL) {
    uint32_t acc = 0;
    int bits = 0;
    for (size_t i = 0; i < n && s[i] != '='; i++) {
      int v = b64_digit(s[i]);
      if (v < 0)
        continue; /* whitespace and anything else outside both alphabets */
      acc = acc << 6 | (uint32_t)v;
      bits += 6;
      if (bits >= 8) {
        bits -= 8;
        out[o++] = (uint8_t)(acc >> bits);
        acc &= (1u << bits) - 1;
      }
    }
  } else {
    uint32_t pending = 0;
    size_t i = 0;
    while (i < n || pending) {
      uint32_t u = next_unit(s, n, &i, &pending);
      if (enc == ENC_UTF16LE) {
        out[o++] = (uint8_t)u;
        out[o++] = (uint8_t)(u >> 8);
      } else {
        out[o++] = (uint8_t)u; /* latin1 and ascii alike: the unit's low byte */
      }
    }
  }
  *len = o;
  return out;
}

/* Pushes bytes[0..len) as a string in `enc`. */
static void push_decoded_bytes(duk_context *ctx, const uint8_t *b, size_t len, int enc) {
  if (enc == ENC_UTF8) {
    edgefn__push_string_from_utf8(ctx, b, len);
    return;
  }
  if (enc == ENC_BASE64 || enc == ENC_BASE64URL) {
    edgefn__push_base64(ctx, b, len, enc == ENC_BASE64URL, enc == ENC_BASE64);
    return;
  }
  if (enc == ENC_HEX) {
    edgefn__push_hex(ctx, b, len);
    return;
  }
  /* latin1, ascii, utf16le: code units written in Duktape's internal form (at most 3
   * bytes each) */
  size_t units = enc == ENC_UTF16LE ? len / 2 : len;
  uint8_t *out = duk_push_fixed_buffer(ctx, 3 * units + 1);
  size_t o = 0;
  for (size_t i = 0; i < units; i++) {
    uint32_t u = enc == ENC_UTF16LE ? (uint32_t)(b[2 * i] | b[2 * i + 1] << 8)
                 : enc == ENC_ASCII ? (uint32_t)(b[i] & 0x7f)
                                    : b[i];
    o += edgefn__utf8_put(out + o, u);
  }
  duk_push_lstring(ctx, (const char *)out, o);
  duk_remove(ctx, -2);
}

/* Pushes a new zeroed Node buffer (Duktape's) of n bytes. */
static void push_zeroed_node_buffer(duk_context *ctx, size_t n) {
  duk_push_fixed_buffer(ctx, n);
  duk_push_buffer_object(ctx, -1, 0, n, DUK_BUFOBJ_NODEJS_BUFFER);
  duk_remove(ctx, -2);
}

/* Pushes a new Node buffer (Duktape's) holding a copy of data[0..len). */
static void push_node_buffer(duk_context *ctx, const uint8_t *data, size_t len) {
  uint8_t *p = duk_push_fixed_buffer(ctx, len);
  if (len)
    memcpy(p, data, len);
  duk_push_buffer_object(ctx, -1, 0, len, DUK_BUFOBJ_NODEJS_BUFFER);
  duk_remove(ctx, -2);
}

static double require_size(duk_context *ctx, duk_idx_t idx, const char *what) {
  if (!duk_is_number(ctx, idx))
    (void)duk_error(ctx, DUK_ERR_TYPE_ERROR, "The \"size\" argument of %s must be a number", what);
  double d = duk_get_number(ctx, idx);
  if (!(d >= 0 && d <= 2147483647.0) || d != d)
    (void)duk_error(ctx, DUK_ERR_RANGE_ERROR, "The \"size\" argument of %s is out of range", what);
  return d;
}

/* Buffer.from(string[, encoding]) | (arrayBuffer[, byteOffset[, length]]) (shares its bytes)
 * | (array, typed array or buffer) (copies). */
static duk_ret_t buffer_from(duk_context *ctx) {
  duk_set_top(ctx, 3);
  if (duk_is_string(ctx, 0) && !duk_is_symbol(ctx, 0)) {
    int enc = require_encoding(ctx, 1);
    size_t len;
    const uint8_t *b = push_encoded_string(ctx, 0, enc, &len);
    push_node_buffer(ctx, b, len);
    return 1;
  }
  if (edgefn__duk_is_array_buffer(ctx, 0)) {
    duk_size_t total = 0;
    (void)duk_get_buffer_data(ctx, 0, &total);
    double off = duk_is_undefined(ctx, 1) ? 0 : duk_to_number(ctx, 1);
    off = off != off ? 0 : off;
    if (!(off >= 0 && off <= (double)total))
      return duk_error(ctx, DUK_ERR_RANGE_ERROR, "\"offset\" is outside of buffer bounds");
    double len = duk_is_undefined(ctx, 2) ? (double)total - off : duk_to_number(ctx, 2);
    len = len != len ? 0 : len;
    if (!(len >= 0 && off + len <= (double)total))
      return duk_error(ctx, DUK_ERR_RANGE_ERROR, "\"length\" is outside of buffer bounds");
    duk_push_buffer_object(ctx, 0, (duk_size_t)off, (duk_size_t)len, DUK_BUFOBJ_NODEJS_BUFFER);
    return 1;
  }
  if (duk_is_buffer_data(ctx, 0)) {
    duk_size_t n = 0;
    const uint8_t *p = duk_get_buffer_data(ctx, 0, &n);
    push_node_buffer(ctx, p, p ? n : 0);
    return 1;
  }
  if (duk_is_object(ctx, 0) && !duk_is_function(ctx, 0)) {
    /* an array or array-like: each element's low byte, as Node takes them */
    duk_get_prop_literal(ctx, 0, "length");
    double d = duk_to_number(ctx, -1);
    size_t n = d >= 0 && d <= 2147483647.0 ? (size_t)d : 0;
    duk_pop(ctx);
    uint8_t *p = duk_push_fixed_buffer(ctx, n);
    for (size_t i = 0; i < n; i++) {
      duk_get_prop_index(ctx, 0, (duk_uarridx_t)i);
      p[i] = (uint8_t)duk_to_uint32(ctx, -1);
      duk_pop(ctx);
    }
    duk_push_buffer_object(ctx, -1, 0, n, DUK_BUFOBJ_NODEJS_BUFFER);
    return 1;
  }
  return duk_error(ctx, DUK_ERR_TYPE_ERROR,
                   "The first argument must be of type string or an instance of Buffer, "
                   "ArrayBuffer, or Array or an Array-like Object");
}

/* Buffer.alloc(size[, fill[, encoding]]) */
static duk_ret_t buffer_alloc(duk_context *ctx) {
  duk_set_top(ctx, 3);
  size_t n = (size_t)require_size(ctx, 0, "Buffer.alloc");
  push_zeroed_node_buffer(ctx, n); /* 3 */
  if (!duk_is_undefined(ctx, 1) && n > 0) {
    if (duk_is_string(ctx, 1) && !duk_is_symbol(ctx, 1)) {
      int enc = require_encoding(ctx, 2);
      size_t len;
      const uint8_t *b = push_encoded_string(ctx, 1, enc, &len);
      uint8_t *p = duk_get_buffer_data(ctx, 3, NULL);
      for (size_t i = 0; len && i < n; i++)
        p[i] = b[i % len];
      duk_pop(ctx);
    } else if (duk_is_buffer_data(ctx, 1)) {
      duk_size_t len = 0;
      const uint8_t *b = duk_get_buffer_data(ctx, 1, &len);
      uint8_t *p = duk_get_buffer_data(ctx, 3, NULL);
      for (size_t i = 0; b && len && i < n; i++)
        p[i] = b[i % len];
    } else {
      uint8_t v = (uint8_t)duk_to_uint32(ctx, 1);
      memset(duk_get_buffer_data(ctx, 3, NULL), v, n);
    }
  }
  duk_dup(ctx, 3);
  return 1;
}

/* Buffer.allocUnsafe(size), allocUnsafeSlow(size): zeroed here all the same */
static duk_ret_t buffer_alloc_unsafe(duk_context *ctx) {
  push_zeroed_node_buffer(ctx, (size_t)require_size(ctx, 0, "Buffer.allocUnsafe"));
  return 1;
}

static duk_ret_t buffer_is_encoding(duk_context *ctx) {
  duk_push_boolean(ctx, duk_is_string(ctx, 0) && encoding_of(ctx, 0) >= 0);
  return 1;
}

/* Buffer.byteLength(string, encoding): Node's figures (base64's is an estimate from the
 * length, as Node gives it); a buffer's or view's byte length */
static duk_ret_t buffer_byte_length(duk_context *ctx) {
  duk_set_top(ctx, 2);
  if (duk_is_string(ctx, 0) && !duk_is_symbol(ctx, 0)) {
    int enc = encoding_of(ctx, 1);
    size_t units = duk_get_length(ctx, 0);
    if (enc == ENC_HEX || enc == ENC_LATIN1 || enc == ENC_ASCII || enc == ENC_UTF16LE) {
      duk_push_number(ctx, (double)(enc == ENC_HEX       ? units / 2
                                    : enc == ENC_UTF16LE ? units * 2
                                                         : units));
      return 1;
    }
    if (enc == ENC_BASE64 || enc == ENC_BASE64URL) {
      duk_size_t n;
      const char *s = duk_get_lstring(ctx, 0, &n);
      if (n > 0 && s[n - 1] == '=')
        n--;
      if (n > 0 && s[n - 1] == '=')
        n--;
      duk_push_number(ctx, (double)((n * 3) >> 2));
      return 1;
    }
    size_t len;
    (void)edgefn__push_utf8_buffer(ctx, 0, &len);
    duk_push_number(ctx, (double)len);
    return 1;
  }
  if (duk_is_buffer_data(ctx, 0)) {
    duk_size_t n = 0;
    (void)duk_get_buffer_data(ctx, 0, &n);
    duk_push_number(ctx, (double)n);
    return 1;
  }
  return duk_error(ctx, DUK_ERR_TYPE_ERROR,
                   "The \"string\" argument must be of type string or an instance of Buffer "
                   "or ArrayBuffer");
}

/* Buffer.prototype.toString([encoding[, start[, end]]]) */
static duk_ret_t buffer_to_string(duk_context *ctx) {
  duk_set_top(ctx, 3);
  int enc = require_encoding(ctx, 0);
  duk_push_this(ctx); /* 3 */
  if (!duk_is_buffer_data(ctx, 3))
    return duk_error(ctx, DUK_ERR_TYPE_ERROR, "argument must be a buffer");
  duk_size_t n = 0;
  const uint8_t *p = duk_get_buffer_data(ctx, 3, &n);
  if (!p)
    n = 0;
  double start = duk_is_undefined(ctx, 1) ? 0 : duk_to_number(ctx, 1);
  double end = duk_is_undefined(ctx, 2) ? (double)n : duk_to_number(ctx, 2);
  start = start != start || start < 0 ? 0 : start > (double)n ? (double)n : start;
  end = end != end || end < 0 ? 0 : end > (double)n ? (double)n : end;
  if (end <= start) {
    duk_push_literal(ctx, "");
    return 1;
  }
  /* the coercions above may have run script: read the bytes again */
  p = duk_get_buffer_data(ctx, 3, &n);
  if (!p || (size_t)end > n) {
    duk_push_literal(ctx, "");
    return 1;
  }
  push_decoded_bytes(ctx, p + (size_t)start, (size_t)(end - start), enc);
  return 1;
}

void edgefn__node_buffer_install(duk_context *ctx) {
  static const edgefn__es_method statics[] = {
      {"from", buffer_from, 3, 2, 0},
      {"alloc", buffer_alloc, 3, 1, 0},
      {"allocUnsafe", buffer_alloc_unsafe, 1, 1, 0},
      {"allocUnsafeSlow", buffer_alloc_unsafe, 1, 1, 0},
      {"isEncoding", buffer_is_encoding, 1, 1, 0},
      {"byteLength", buffer_byte_length, 2, 2, 0},
  };
  static const edgefn__es_method proto[] = {{"toString", buffer_to_string, 3, 0, 0}};
  duk_idx_t top = duk_get_top(ctx);
  if (!duk_get_global_literal(ctx, "Buffer") || !duk_is_function(ctx, -1)) {
    duk_set_top(ctx, top);
    return;
  }
  duk_idx_t buf = duk_get_top_index(ctx);
  edgefn__es_def_methods(ctx, buf, statics, EDGEFN_ARRAY_LEN(statics));
  duk_get_prop_literal(ctx, buf, "prototype");
  edgefn__es_def_methods(ctx, -1, proto, EDGEFN_ARRAY_LEN(proto));
  duk_set_top(ctx, top);
}
