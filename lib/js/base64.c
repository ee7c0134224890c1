/* atob / btoa (HTML Standard, "forgiving-base64") and EdgeOne's UTF-8 variants atobUTF8 /
 * btoaUTF8, which base64 the UTF-8 bytes of a string instead of its Latin-1 code units; and
 * ES2026's Uint8Array.fromBase64, fromHex and their prototype methods. */
#include "duktape/detach.h"
#include "js/js.h"

#include <stdbool.h>
#include <string.h>

static const char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

static int b64_value(uint32_t c) {
  if (c >= 'A' && c <= 'Z')
    return (int)(c - 'A');
  if (c >= 'a' && c <= 'z')
    return (int)(c - 'a' + 26);
  if (c >= '0' && c <= '9')
    return (int)(c - '0' + 52);
  if (c == '+')
    return 62;
  if (c == '/')
    return 63;
  return -1;
}

static const char url_alphabet[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

void edgefn__push_base64(duk_context *ctx, const uint8_t *data, size_t len, bool url,
                         bool pad) {
  const char *a = url ? url_alphabet : alphabet;
  bool omit_padding = !pad;
  char *out = duk_push_fixed_buffer(ctx, (len + 2) / 3 * 4 + 1);
  size_t o = 0, i = 0;
  for (; i + 2 < len; i += 3) {
    uint32_t v = (uint32_t)data[i] << 16 | (uint32_t)data[i + 1] << 8 | data[i + 2];
    out[o++] = a[v >> 18];
    out[o++] = a[(v >> 12) & 63];
    out[o++] = a[(v >> 6) & 63];
    out[o++] = a[v & 63];
  }
  if (i < len) {
    uint32_t v = (uint32_t)data[i] << 16 | (i + 1 < len ? (uint32_t)data[i + 1] << 8 : 0);
    out[o++] = a[v >> 18];
    out[o++] = a[(v >> 12) & 63];
    if (i + 1 < len)
      out[o++] = a[(v >> 6) & 63];
    else if (!omit_padding)
      out[o++] = '=';
    if (!omit_padding)
      out[o++] = '=';
  }
  duk_push_lstring(ctx, out, o);
  duk_remove(ctx, -2);
}

void edgefn__push_hex(duk_context *ctx, const uint8_t *data, size_t len) {
  static const char digits[] = "0123456789abcdef";
  char *out = duk_push_fixed_buffer(ctx, 2 * len + 1);
  for (size_t i = 0; i < len; i++) {
    out[2 * i] = digits[data[i] >> 4];
    out[2 * i + 1] = digits[data[i] & 15];
  }
  duk_push_lstring(ctx, out, 2 * len);
  duk_remove(ctx, -2);
}

static void push_encoded(duk_context *ctx, const uint8_t *data, size_t len) {
  edgefn__push_base64(ctx, data, len, false, true);
}

/* The forgiving-base64 decode of the string at idx into a pushed buffer; returns its data
 * and sets *len, or returns NULL (nothing pushed) when the input is not valid base64. The string is
 * read in Duktape's internal form: any byte >= 0x80 belongs to a non-ASCII character, which is
 * never in the alphabet. */
static const uint8_t *push_decoded(duk_context *ctx, duk_idx_t idx, size_t *len) {
  duk_size_t slen;
  const uint8_t *s = (const uint8_t *)duk_get_lstring(ctx, idx, &slen);
  uint8_t *out = duk_push_fixed_buffer(ctx, slen / 4 * 3 + 3);
  size_t n = 0, o = 0, pad = 0, pad_pos = 0;
  uint32_t acc = 0;
  for (size_t i = 0; i < slen; i++) {
    uint8_t c = s[i];
    if (c == ' ' || c == '\t' || c == '\n' || c == '\f' || c == '\r')
      continue;
    if (c == '=') {
      if (pad == 0)
        pad_pos = n;
      pad++;
      continue;
    }
    int v = b64_value(c);
    if (v < 0 || pad) /* non-alphabet, or data after '=' */
      goto fail;
    acc = acc << 6 | (uint32_t)v;
    n++;
    if (n % 4 == 0) {
      out[o++] = (uint8_t)(acc >> 16);
      out[o++] = (uint8_t)(acc >> 8);
      out[o++] = (uint8_t)acc;
      acc = 0;
    }
  }
  /* '=' is allowed only as one or two trailing characters making the length a multiple
   * of four. */
  if (pad && (pad > 2 || (pad_pos + pad) % 4 != 0))
    goto fail;
  switch (n % 4) {
  case 1:
    goto fail;
  case 2:
    out[o++] = (uint8_t)(acc >> 4);
    break;
  case 3:
    out[o++] = (uint8_t)(acc >> 10);
    out[o++] = (uint8_t)(acc >> 2);
    break;
  default:
    if (pad)
      goto fail;
  }
  *len = o;
  return out;
fail:
  duk_pop(ctx);
  return NULL;
}

/* The functions take DUK_VARARGS so that a missing argument is told from undefined. */
static void require_arg(duk_context *ctx, const char *fn) {
  if (duk_get_top(ctx) < 1)
    (void)duk_error(ctx, DUK_ERR_TYPE_ERROR, "%s: 1 argument required, but only 0 present.", fn);
  duk_set_top(ctx, 1);
}

static duk_ret_t js_atob(duk_context *ctx) {
  require_arg(ctx, "atob");
  duk_to_string(ctx, 0);
  size_t n;
  const uint8_t *b = push_decoded(ctx, 0, &n);
  if (!b)
    return edgefn__throw_dom_exception(ctx, "InvalidCharacterError",
                                       "The string to be decoded is not correctly encoded.");
  /* Each byte becomes the code unit of the same value. */
  uint8_t *s = duk_push_fixed_buffer(ctx, n * 2);
  size_t o = 0;
  for (size_t i = 0; i < n; i++) {
    if (b[i] < 0x80) {
      s[o++] = b[i];
    } else {
      s[o++] = (uint8_t)(0xc0 | (b[i] >> 6));
      s[o++] = (uint8_t)(0x80 | (b[i] & 0x3f));
    }
  }
  duk_push_lstring(ctx, (const char *)s, o);
  return 1;
}

static duk_ret_t js_btoa(duk_context *ctx) {
  require_arg(ctx, "btoa");
  duk_size_t slen;
  const uint8_t *s = (const uint8_t *)duk_to_lstring(ctx, 0, &slen);
  /* Code units up to U+00FF are the bytes; the internal form has them as 1 or 2 bytes. */
  uint8_t *bytes = duk_push_fixed_buffer(ctx, slen);
  size_t n = 0;
  for (size_t i = 0; i < slen; i++) {
    uint8_t c = s[i];
    if (c < 0x80) {
      bytes[n++] = c;
    } else if ((c == 0xc2 || c == 0xc3) && i + 1 < slen) {
      bytes[n++] = (uint8_t)((c & 0x1f) << 6 | (s[++i] & 0x3f));
    } else {
      return edgefn__throw_dom_exception(ctx, "InvalidCharacterError", "Invalid character");
    }
  }
  push_encoded(ctx, bytes, n);
  return 1;
}

static duk_ret_t js_atob_utf8(duk_context *ctx) {
  require_arg(ctx, "atobUTF8");
  duk_to_string(ctx, 0);
  size_t n;
  const uint8_t *b = push_decoded(ctx, 0, &n);
  if (!b)
    return edgefn__throw_dom_exception(ctx, "InvalidCharacterError",
                                       "The string to be decoded is not correctly encoded.");
  edgefn__push_string_from_utf8(ctx, b, n);
  return 1;
}

static duk_ret_t js_btoa_utf8(duk_context *ctx) {
  require_arg(ctx, "btoaUTF8");
  duk_to_string(ctx, 0);
  size_t len;
  const uint8_t *b = edgefn__push_utf8_buffer(ctx, 0, &len);
  push_encoded(ctx, b, len);
  return 1;
}

void edgefn__base64_install(duk_context *ctx) {
  static const duk_function_list_entry fns[] = {{"atob", js_atob, DUK_VARARGS},
                                                {"btoa", js_btoa, DUK_VARARGS},
                                                {"atobUTF8", js_atob_utf8, DUK_VARARGS},
                                                {"btoaUTF8", js_btoa_utf8, DUK_VARARGS},
                                                {NULL, NULL, 0}};
  duk_push_global_object(ctx);
  duk_put_function_list(ctx, -1, fns);
  duk_pop(ctx);
}

/* ---- Uint8Array base64 and hex (ES2026: fromBase64, fromHex, toBase64, toHex,
 * setFromBase64, setFromHex) ----
 * The decoders read a string in Duktape's internal form: a byte >= 0x80 belongs to a
 * character outside ASCII, which is never in either alphabet, never a hex digit and never
 * whitespace, so every character before such a byte is one code unit and a byte offset is
 * the code-unit offset the results report. Nothing here calls script between reading the
 * target's bytes and writing them. */

enum { ALPHABET_BASE64, ALPHABET_BASE64URL };
enum { LAST_LOOSE, LAST_STRICT, LAST_STOP_BEFORE_PARTIAL };

/* ValidateUint8Array: the value at idx must be a Uint8Array (its internal class). */
static void require_uint8_array(duk_context *ctx, duk_idx_t idx, const char *what) {
  if (!edgefn__duk_is_uint8_array(ctx, idx))
    (void)duk_error(ctx, DUK_ERR_TYPE_ERROR, "%s: receiver is not a Uint8Array", what);
}

/* The string argument: a String, never converted (a number or an object is a TypeError). */
static void require_string_arg(duk_context *ctx, duk_idx_t idx, const char *what) {
  if (!duk_is_string(ctx, idx) || duk_is_symbol(ctx, idx))
    (void)duk_error(ctx, DUK_ERR_TYPE_ERROR, "%s: input must be a string", what);
}

/* GetOptionsObject: undefined reads as an empty options object, anything but an object is
 * a TypeError. The options are left at idx (an object, or undefined). */
static void require_options(duk_context *ctx, duk_idx_t idx, const char *what) {
  if (!duk_is_undefined(ctx, idx) && !duk_is_object(ctx, idx))
    (void)duk_error(ctx, DUK_ERR_TYPE_ERROR, "%s: options must be an object", what);
}

/* One option: undefined (absent) gives dflt; otherwise it must be one of the strings in
 * names (no conversion: `new String("base64")` is a TypeError too). */
static int string_option(duk_context *ctx, duk_idx_t opts, const char *key,
                         const char *const *names, int count, int dflt, const char *what) {
  if (duk_is_undefined(ctx, opts))
    return dflt;
  duk_get_prop_string(ctx, opts, key);
  int found = -1;
  if (duk_is_undefined(ctx, -1)) {
    found = dflt;
  } else if (duk_is_string(ctx, -1) && !duk_is_symbol(ctx, -1)) {
    const char *v = duk_get_string(ctx, -1);
    for (int i = 0; i < count && found < 0; i++)
      if (strcmp(v, names[i]) == 0 && strlen(names[i]) == duk_get_length(ctx, -1))
        found = i;
  }
  duk_pop(ctx);
  if (found < 0)
    (void)duk_error(ctx, DUK_ERR_TYPE_ERROR, "%s: invalid %s option", what, key);
  return found;
}

static int alphabet_option(duk_context *ctx, duk_idx_t opts, const char *what) {
  static const char *const names[] = {"base64", "base64url"};
  return string_option(ctx, opts, "alphabet", names, 2, ALPHABET_BASE64, what);
}

static int last_chunk_option(duk_context *ctx, duk_idx_t opts, const char *what) {
  static const char *const names[] = {"loose", "strict", "stop-before-partial"};
  return string_option(ctx, opts, "lastChunkHandling", names, 3, LAST_LOOSE, what);
}

/* The bytes of the Uint8Array at idx (GetUint8ArrayBytes): a detached buffer is a
 * TypeError. */
static uint8_t *view_bytes(duk_context *ctx, duk_idx_t idx, size_t *len, const char *what) {
  if (edgefn__duk_buffer_is_detached(ctx, idx))
    (void)duk_error(ctx, DUK_ERR_TYPE_ERROR, "%s: the ArrayBuffer is detached", what);
  duk_size_t n = 0;
  uint8_t *p = duk_get_buffer_data(ctx, idx, &n);
  *len = p ? n : 0;
  return p;
}

typedef struct decoded {
  size_t read;    /* code units consumed */
  size_t written; /* bytes produced */
  bool error;     /* a SyntaxError, after `written` bytes */
} decoded;

static bool is_ascii_space(uint8_t c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\f' || c == '\r';
}

static size_t skip_space(const uint8_t *s, size_t i, size_t n) {
  while (i < n && is_ascii_space(s[i]))
    i++;
  return i;
}

/* DecodeBase64Chunk: 2, 3 or 4 sextets into 1, 2 or 3 bytes at out; false when
 * check_extra and the bits a partial chunk leaves over are not zero. */
static bool decode_chunk(const int *v, int len, bool check_extra, uint8_t *out) {
  uint32_t acc = (uint32_t)v[0] << 18 | (uint32_t)v[1] << 12 | (len > 2 ? (uint32_t)v[2] << 6 : 0) |
                 (len > 3 ? (uint32_t)v[3] : 0);
  out[0] = (uint8_t)(acc >> 16);
  if (len == 2)
    return !check_extra || (acc & 0xffff) == 0;
  out[1] = (uint8_t)(acc >> 8);
  if (len == 3)
    return !check_extra || (acc & 0xff) == 0;
  out[2] = (uint8_t)acc;
  return true;
}

/* FromBase64 (string, alphabet, lastChunkHandling, maxLength), writing to out (room for
 * max_len bytes). */
static decoded from_base64(const uint8_t *s, size_t n, int alpha, int last, uint8_t *out,
                           size_t max_len) {
  decoded r = {0, 0, false};
  if (max_len == 0)
    return r;
  int chunk[4];
  int chunk_len = 0;
  size_t i = 0;
  for (;;) {
    i = skip_space(s, i, n);
    if (i == n) {
      if (chunk_len > 0) {
        if (last == LAST_STOP_BEFORE_PARTIAL)
          return r;
        if (last == LAST_STRICT || chunk_len == 1) {
          r.error = true;
          return r;
        }
        (void)decode_chunk(chunk, chunk_len, false, out + r.written);
        r.written += (size_t)chunk_len - 1;
      }
      r.read = n;
      return r;
    }
    uint8_t c = s[i++];
    if (c == '=') {
      if (chunk_len < 2) {
        r.error = true;
        return r;
      }
      i = skip_space(s, i, n);
      if (chunk_len == 2) {
        if (i == n) {
          if (last != LAST_STOP_BEFORE_PARTIAL)
            r.error = true;
          return r;
        }
        if (s[i] == '=')
          i = skip_space(s, i + 1, n);
      }
      if (i < n) {
        r.error = true;
        return r;
      }
      if (!decode_chunk(chunk, chunk_len, last == LAST_STRICT, out + r.written)) {
        r.error = true;
        return r;
      }
      r.written += (size_t)chunk_len - 1;
      r.read = n;
      return r;
    }
    if (alpha == ALPHABET_BASE64URL) {
      if (c == '+' || c == '/') {
        r.error = true;
        return r;
      }
      c = c == '-' ? '+' : c == '_' ? '/' : c;
    }
    int v = b64_value(c);
    if (v < 0) {
      r.error = true;
      return r;
    }
    size_t remaining = max_len - r.written;
    if ((remaining == 1 && chunk_len == 2) || (remaining == 2 && chunk_len == 3))
      return r;
    chunk[chunk_len++] = v;
    if (chunk_len == 4) {
      (void)decode_chunk(chunk, 4, false, out + r.written);
      r.written += 3;
      chunk_len = 0;
      r.read = i;
      if (r.written == max_len)
        return r;
    }
  }
}

/* FromHex (string, maxLength), writing to out; units is the string's length in code units
 * (its parity decides, not its byte length). */
static decoded from_hex(const uint8_t *s, size_t n, size_t units, uint8_t *out, size_t max_len) {
  decoded r = {0, 0, false};
  if (units % 2 != 0) {
    r.error = true;
    return r;
  }
  while (r.read < n && r.written < max_len) {
    int hi = edgefn__hex_value(s[r.read]);
    int lo = r.read + 1 < n ? edgefn__hex_value(s[r.read + 1]) : -1;
    if (hi < 0 || lo < 0) {
      r.error = true;
      return r;
    }
    out[r.written++] = (uint8_t)(hi << 4 | lo);
    r.read += 2;
  }
  return r;
}

static duk_ret_t throw_syntax(duk_context *ctx, const char *what) {
  return duk_error(ctx, DUK_ERR_SYNTAX_ERROR, "%s: invalid character in the input", what);
}

/* Pushes a new Uint8Array holding a copy of data[0..len): its own buffer of exactly that
 * size, so that its .buffer.byteLength is len too. */
static void push_uint8_array(duk_context *ctx, const uint8_t *data, size_t len) {
  void *p = duk_push_fixed_buffer(ctx, len);
  if (len)
    memcpy(p, data, len);
  duk_push_buffer_object(ctx, -1, 0, len, DUK_BUFOBJ_UINT8ARRAY);
}

static duk_ret_t u8_from_base64(duk_context *ctx) {
  static const char what[] = "Uint8Array.fromBase64";
  require_string_arg(ctx, 0, what);
  require_options(ctx, 1, what);
  int alpha = alphabet_option(ctx, 1, what);
  int last = last_chunk_option(ctx, 1, what);
  duk_size_t n;
  const uint8_t *s = (const uint8_t *)duk_get_lstring(ctx, 0, &n);
  uint8_t *out = duk_push_fixed_buffer(ctx, n / 4 * 3 + 3);
  decoded r = from_base64(s, n, alpha, last, out, (size_t)-1);
  if (r.error)
    return throw_syntax(ctx, what);
  push_uint8_array(ctx, out, r.written);
  return 1;
}

static duk_ret_t u8_from_hex(duk_context *ctx) {
  static const char what[] = "Uint8Array.fromHex";
  require_string_arg(ctx, 0, what);
  duk_size_t n;
  const uint8_t *s = (const uint8_t *)duk_get_lstring(ctx, 0, &n);
  uint8_t *out = duk_push_fixed_buffer(ctx, n / 2 + 1);
  decoded r = from_hex(s, n, duk_get_length(ctx, 0), out, (size_t)-1);
  if (r.error)
    return throw_syntax(ctx, what);
  push_uint8_array(ctx, out, r.written);
  return 1;
}

static duk_ret_t u8_to_base64(duk_context *ctx) {
  static const char what[] = "Uint8Array.prototype.toBase64";
  duk_push_this(ctx); /* [options this] */
  require_uint8_array(ctx, 1, what);
  require_options(ctx, 0, what);
  int alpha = alphabet_option(ctx, 0, what);
  bool omit_padding = false;
  if (!duk_is_undefined(ctx, 0)) {
    duk_get_prop_literal(ctx, 0, "omitPadding");
    omit_padding = duk_to_boolean(ctx, -1);
    duk_pop(ctx);
  }
  size_t len;
  const uint8_t *data = view_bytes(ctx, 1, &len, what);
  edgefn__push_base64(ctx, data, len, alpha == ALPHABET_BASE64URL, !omit_padding);
  return 1;
}

static duk_ret_t u8_to_hex(duk_context *ctx) {
  static const char what[] = "Uint8Array.prototype.toHex";
  duk_push_this(ctx);
  require_uint8_array(ctx, -1, what);
  size_t len;
  const uint8_t *data = view_bytes(ctx, -1, &len, what);
  edgefn__push_hex(ctx, data, len);
  return 1;
}

/* { read, written }: the bytes already went to the array, also when the input then
 * turned out to be invalid (the SyntaxError comes after them, as the specification
 * orders it). */
static duk_ret_t set_result(duk_context *ctx, decoded r, const char *what) {
  if (r.error)
    return throw_syntax(ctx, what);
  duk_push_object(ctx);
  duk_push_number(ctx, (double)r.read);
  duk_put_prop_literal(ctx, -2, "read");
  duk_push_number(ctx, (double)r.written);
  duk_put_prop_literal(ctx, -2, "written");
  return 1;
}

static duk_ret_t u8_set_from_base64(duk_context *ctx) {
  static const char what[] = "Uint8Array.prototype.setFromBase64";
  duk_push_this(ctx); /* [string options this] */
  require_uint8_array(ctx, 2, what);
  require_string_arg(ctx, 0, what);
  require_options(ctx, 1, what);
  int alpha = alphabet_option(ctx, 1, what);
  int last = last_chunk_option(ctx, 1, what);
  size_t len;
  uint8_t *into = view_bytes(ctx, 2, &len, what);
  duk_size_t n;
  const uint8_t *s = (const uint8_t *)duk_get_lstring(ctx, 0, &n);
  return set_result(ctx, from_base64(s, n, alpha, last, into, len), what);
}

static duk_ret_t u8_set_from_hex(duk_context *ctx) {
  static const char what[] = "Uint8Array.prototype.setFromHex";
  duk_push_this(ctx); /* [string this] */
  require_uint8_array(ctx, 1, what);
  require_string_arg(ctx, 0, what);
  size_t len;
  uint8_t *into = view_bytes(ctx, 1, &len, what);
  duk_size_t n;
  const uint8_t *s = (const uint8_t *)duk_get_lstring(ctx, 0, &n);
  return set_result(ctx, from_hex(s, n, duk_get_length(ctx, 0), into, len), what);
}

void edgefn__uint8_array_base64_install(duk_context *ctx) {
  static const edgefn__es_method ctor[] = {{"fromBase64", u8_from_base64, 2, 1, 0},
                                           {"fromHex", u8_from_hex, 1, 1, 0}};
  static const edgefn__es_method proto[] = {{"toBase64", u8_to_base64, 1, 0, 0},
                                            {"toHex", u8_to_hex, 0, 0, 0},
                                            {"setFromBase64", u8_set_from_base64, 2, 1, 0},
                                            {"setFromHex", u8_set_from_hex, 1, 1, 0}};
  duk_get_global_literal(ctx, "Uint8Array");
  edgefn__es_def_methods(ctx, -1, ctor, EDGEFN_ARRAY_LEN(ctor));
  duk_get_prop_literal(ctx, -1, "prototype");
  edgefn__es_def_methods(ctx, -1, proto, EDGEFN_ARRAY_LEN(proto));
  duk_pop_2(ctx);
}
