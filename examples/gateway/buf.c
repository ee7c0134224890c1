/* Growable byte buffers with a consumed-prefix offset, so input can be parsed and output
 * written in pieces without moving bytes on every call. */
#include "gateway.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int gw_buf_reserve(gw_buf *b, size_t extra) {
  if (b->cap - b->len >= extra)
    return 0;
  /* Reclaim the consumed prefix before growing. */
  if (b->off > 0) {
    memmove(b->data, b->data + b->off, b->len - b->off);
    b->len -= b->off;
    b->off = 0;
    if (b->cap - b->len >= extra)
      return 0;
  }
  if (extra > SIZE_MAX / 2 - b->len)
    return -1;
  size_t cap = b->cap ? b->cap : 256;
  while (cap - b->len < extra)
    cap *= 2;
  char *p = realloc(b->data, cap);
  if (!p)
    return -1;
  b->data = p;
  b->cap = cap;
  return 0;
}

int gw_buf_append(gw_buf *b, const void *data, size_t len) {
  if (len == 0)
    return 0;
  if (gw_buf_reserve(b, len) != 0)
    return -1;
  memcpy(b->data + b->len, data, len);
  b->len += len;
  return 0;
}

int gw_buf_append_str(gw_buf *b, const char *s) { return gw_buf_append(b, s, strlen(s)); }

int gw_buf_append_uint(gw_buf *b, unsigned long long v) {
  char tmp[24];
  size_t n = sizeof(tmp);
  do {
    tmp[--n] = (char)('0' + v % 10);
    v /= 10;
  } while (v);
  return gw_buf_append(b, tmp + n, sizeof(tmp) - n);
}

int gw_buf_printf(gw_buf *b, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  int n = vsnprintf(NULL, 0, fmt, ap);
  va_end(ap);
  if (n < 0 || gw_buf_reserve(b, (size_t)n + 1) != 0)
    return -1;
  va_start(ap, fmt);
  vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
  va_end(ap);
  b->len += (size_t)n;
  return 0;
}

void gw_buf_consume(gw_buf *b, size_t n) {
  b->off += n;
  if (b->off >= b->len)
    b->off = b->len = 0;
}

void gw_buf_reset(gw_buf *b) { b->off = b->len = 0; }

void gw_buf_free(gw_buf *b) {
  free(b->data);
  b->data = NULL;
  b->len = b->off = b->cap = 0;
}
