/* Conversions between Duktape strings and UTF-8 bytes.
 *
 * Duktape keeps strings as extended UTF-8 in which characters outside the BMP appear as
 * surrogate pairs (each surrogate a 3-byte sequence, "CESU-8"), and lone surrogates may
 * occur. The Web platform wants real UTF-8 on the wire and USVString semantics: pairs are
 * joined, lone surrogates become U+FFFD. Most text is ASCII, which both directions copy. */
#include "js/js.h"

#include <string.h>

/* Decodes one extended-UTF-8 sequence from Duktape's internal form at p (< end);
 * returns the code point and advances *pp. Duktape only produces well-formed sequences, but
 * strings pushed from host bytes may not be: a cut-short sequence gives U+FFFD. */
static uint32_t decode_internal(const uint8_t **pp, const uint8_t *end) {
  const uint8_t *p = *pp;
  uint32_t c = p[0];
  int n = c < 0x80 ? 0 : c < 0xe0 ? 1 : c < 0xf0 ? 2 : 3;
  if (n == 0) {
    *pp = p + 1;
    return c;
  }
  if (p + n >= end) {
    *pp = end;
    return 0xfffd;
  }
  c &= n == 1 ? 0x1f : n == 2 ? 0x0f : 0x07;
  for (int i = 1; i <= n; i++)
    c = (c << 6) | (p[i] & 0x3f);
  *pp = p + n + 1;
  return c;
}

/* Eight bytes at a time: URLs, header values and bodies are mostly ASCII, and the byte
 * loop (an early exit, so not vectorized) cost about 4 instructions a byte. */
static bool all_ascii(const uint8_t *p, size_t len) {
  size_t i = 0;
  uint64_t acc = 0;
  for (; i + 8 <= len; i += 8) {
    uint64_t w;
    memcpy(&w, p + i, 8);
    acc |= w;
    if (acc & 0x8080808080808080ull)
      return false;
  }
  for (; i < len; i++)
    if (p[i] & 0x80)
      return false;
  return true;
}

void *edgefn__push_utf8_buffer(duk_context *ctx, duk_idx_t idx, size_t *out_len) {
  duk_size_t len;
  const uint8_t *s = (const uint8_t *)duk_require_lstring(ctx, idx, &len);
  if (all_ascii(s, len)) {
    uint8_t *buf = duk_push_fixed_buffer(ctx, len);
    if (len)
      memcpy(buf, s, len);
    *out_len = len;
    return buf;
  }
  /* Real UTF-8 is never longer than the internal form (a pair of 3-byte surrogates becomes
   * one 4-byte sequence, a lone surrogate stays 3 bytes as U+FFFD), except for one case:
   * strings made from host bytes (a header value with obs-text) are not always well formed,
   * and a sequence cut short by the end of the string becomes U+FFFD, up to 2 bytes more
   * than it took (found by fuzz-gateway). */
  uint8_t *buf = duk_push_dynamic_buffer(ctx, len + 2);
  size_t o = 0;
  const uint8_t *p = s, *end = s + len;
  while (p < end) {
    uint32_t c = decode_internal(&p, end);
    if (c >= 0xd800 && c <= 0xdbff) {
      const uint8_t *q = p;
      uint32_t lo = q < end ? decode_internal(&q, end) : 0;
      if (lo >= 0xdc00 && lo <= 0xdfff) {
        c = 0x10000 + ((c - 0xd800) << 10) + (lo - 0xdc00);
        p = q;
      } else {
        c = 0xfffd;
      }
    } else if ((c >= 0xdc00 && c <= 0xdfff) || c > 0x10ffff) {
      c = 0xfffd; /* beyond Unicode: only from malformed host bytes */
    }
    o += edgefn__utf8_put(buf + o, c);
  }
  duk_resize_buffer(ctx, -1, o);
  *out_len = o;
  return duk_get_buffer(ctx, -1, NULL);
}

/* Decodes one UTF-8 sequence per the WHATWG decoder (maximal subpart replacement).
 * Returns the code point, or 0xFFFD after consuming the invalid prefix. */
static uint32_t decode_utf8(const uint8_t **pp, const uint8_t *end) {
  const uint8_t *p = *pp;
  uint32_t c = *p++;
  if (c < 0x80) {
    *pp = p;
    return c;
  }
  int need;
  uint8_t lo = 0x80, hi = 0xbf;
  if (c >= 0xc2 && c <= 0xdf) {
    need = 1;
    c &= 0x1f;
  } else if (c >= 0xe0 && c <= 0xef) {
    if (c == 0xe0)
      lo = 0xa0;
    if (c == 0xed)
      hi = 0x9f;
    need = 2;
    c &= 0x0f;
  } else if (c >= 0xf0 && c <= 0xf4) {
    if (c == 0xf0)
      lo = 0x90;
    if (c == 0xf4)
      hi = 0x8f;
    need = 3;
    c &= 0x07;
  } else {
    *pp = p;
    return 0xfffd;
  }
  while (need > 0) {
    if (p >= end || *p < lo || *p > hi) {
      *pp = p;
      return 0xfffd;
    }
    c = (c << 6) | (*p++ & 0x3f);
    lo = 0x80;
    hi = 0xbf;
    need--;
  }
  *pp = p;
  return c;
}

void edgefn__push_string_from_utf8(duk_context *ctx, const uint8_t *data, size_t len) {
  if (all_ascii(data, len)) {
    duk_push_lstring(ctx, (const char *)data, len);
    return;
  }
  /* Worst case: each input byte becomes U+FFFD (3 bytes); a 4-byte sequence becomes two
   * 3-byte surrogates (6 bytes). */
  uint8_t *buf = duk_push_dynamic_buffer(ctx, len * 3);
  size_t o = 0;
  const uint8_t *p = data, *end = data + len;
  while (p < end) {
    uint32_t c = decode_utf8(&p, end);
    if (c >= 0x10000) {
      c -= 0x10000;
      o += edgefn__utf8_put(buf + o, 0xd800 + (c >> 10));
      o += edgefn__utf8_put(buf + o, 0xdc00 + (c & 0x3ff));
    } else {
      o += edgefn__utf8_put(buf + o, c);
    }
  }
  duk_push_lstring(ctx, (const char *)buf, o);
  duk_remove(ctx, -2);
}

void edgefn__push_host_string(duk_context *ctx, const char *p, size_t len) {
  if (all_ascii((const uint8_t *)p, len))
    duk_push_lstring(ctx, p, len);
  else
    edgefn__push_string_from_utf8(ctx, (const uint8_t *)p, len);
}
