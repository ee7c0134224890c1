/* atob / btoa (HTML Standard, "forgiving-base64") and EdgeOne's UTF-8 variants atobUTF8 /
 * btoaUTF8, which base64 the UTF-8 bytes of a string instead of its Latin-1 code units. */
#include "js/js.h"

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

/* Pushes the base64 encoding of data[0..len) as a string. */
static void push_encoded(duk_context *ctx, const uint8_t *data, size_t len) {
  char *out = duk_push_fixed_buffer(ctx, (len + 2) / 3 * 4 + 1);
  size_t o = 0, i = 0;
  for (; i + 2 < len; i += 3) {
    uint32_t v = (uint32_t)data[i] << 16 | (uint32_t)data[i + 1] << 8 | data[i + 2];
    out[o++] = alphabet[v >> 18];
    out[o++] = alphabet[(v >> 12) & 63];
    out[o++] = alphabet[(v >> 6) & 63];
    out[o++] = alphabet[v & 63];
  }
  if (i < len) {
    uint32_t v = (uint32_t)data[i] << 16 | (i + 1 < len ? (uint32_t)data[i + 1] << 8 : 0);
    out[o++] = alphabet[v >> 18];
    out[o++] = alphabet[(v >> 12) & 63];
    out[o++] = i + 1 < len ? alphabet[(v >> 6) & 63] : '=';
    out[o++] = '=';
  }
  duk_push_lstring(ctx, out, o);
  duk_remove(ctx, -2);
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
