/* The meta blob of a stored response: status, reason, headers, the request's values of the
 * Vary'd headers and the exchange's request/response times, in a compact length-prefixed
 * form. Layout (integers little-endian):
 *   "EFC1"  u32 status  i64 request_time_ms  i64 response_time_ms
 *   str status_text   u32 header_count  (str name, str value)*
 *   u32 vary_count  (str name, str value)*        str = u32 length + bytes; a length of
 *                                                  0xffffffff is an absent (NULL) value
 * Backends may hand back blobs written by another process version, so decoding checks
 * every length. */
#include "cache/cache.h"

#include <stdlib.h>
#include <string.h>

#define ABSENT 0xffffffffu

typedef struct wbuf {
  uint8_t *p;
  size_t len, cap;
  bool failed;
} wbuf;

static void put(wbuf *w, const void *data, size_t len) {
  if (w->failed)
    return;
  if (w->len + len > w->cap) {
    size_t cap = w->cap ? w->cap * 2 : 256;
    while (cap < w->len + len)
      cap *= 2;
    uint8_t *p = realloc(w->p, cap);
    if (!p) {
      w->failed = true;
      return;
    }
    w->p = p;
    w->cap = cap;
  }
  if (len)
    memcpy(w->p + w->len, data, len);
  w->len += len;
}

static void put_u32(wbuf *w, uint32_t v) {
  uint8_t b[4] = {(uint8_t)v, (uint8_t)(v >> 8), (uint8_t)(v >> 16), (uint8_t)(v >> 24)};
  put(w, b, 4);
}

static void put_i64(wbuf *w, int64_t v) {
  put_u32(w, (uint32_t)((uint64_t)v & 0xffffffffu));
  put_u32(w, (uint32_t)((uint64_t)v >> 32));
}

static void put_str(wbuf *w, const char *s, size_t len) {
  if (!s) {
    put_u32(w, ABSENT);
    return;
  }
  if (len >= ABSENT) {
    w->failed = true;
    return;
  }
  put_u32(w, (uint32_t)len);
  put(w, s, len);
}

static void put_list(wbuf *w, const cache__hlist *l) {
  put_u32(w, (uint32_t)l->n);
  for (size_t i = 0; i < l->n; i++) {
    put_str(w, l->h[i].name, l->h[i].name_len);
    put_str(w, l->h[i].value, l->h[i].value_len);
  }
}

int cache__meta_encode(const cache__stored *s, uint8_t **out, size_t *len) {
  wbuf w = {0};
  put(&w, "EFC1", 4);
  put_u32(&w, (uint32_t)s->status);
  put_i64(&w, s->request_time_ms);
  put_i64(&w, s->response_time_ms);
  const char *st = s->status_text ? s->status_text : "";
  put_str(&w, st, strlen(st));
  put_list(&w, &s->headers);
  put_list(&w, &s->vary);
  if (w.failed) {
    free(w.p);
    return EDGEFN_ENOMEM;
  }
  *out = w.p;
  *len = w.len;
  return 0;
}

typedef struct rbuf {
  const uint8_t *p, *end;
  bool bad;
} rbuf;

static uint32_t get_u32(rbuf *r) {
  if (r->bad || r->end - r->p < 4) {
    r->bad = true;
    return 0;
  }
  uint32_t v = (uint32_t)r->p[0] | (uint32_t)r->p[1] << 8 | (uint32_t)r->p[2] << 16 |
               (uint32_t)r->p[3] << 24;
  r->p += 4;
  return v;
}

static int64_t get_i64(rbuf *r) {
  uint64_t lo = get_u32(r);
  uint64_t hi = get_u32(r);
  return (int64_t)(lo | hi << 32);
}

/* Points *s at the string in place (not NUL-terminated); NULL for an absent value. */
static void get_str(rbuf *r, const char **s, size_t *len) {
  uint32_t n = get_u32(r);
  *s = NULL;
  *len = 0;
  if (r->bad || n == ABSENT)
    return;
  if ((size_t)(r->end - r->p) < n) {
    r->bad = true;
    return;
  }
  *s = (const char *)r->p;
  *len = n;
  r->p += n;
}

static int get_list(rbuf *r, cache__hlist *l) {
  uint32_t n = get_u32(r);
  for (uint32_t i = 0; i < n && !r->bad; i++) {
    const char *name, *value;
    size_t nlen, vlen;
    get_str(r, &name, &nlen);
    get_str(r, &value, &vlen);
    if (r->bad || !name)
      return EDGEFN_EINVAL;
    if (cache__hlist_add(l, name, nlen, value, vlen) != 0)
      return EDGEFN_ENOMEM;
  }
  return r->bad ? EDGEFN_EINVAL : 0;
}

int cache__meta_decode(cache__stored *s, const uint8_t *p, size_t len) {
  memset(s, 0, sizeof(*s));
  rbuf r = {p, p + len, false};
  if (len < 4 || memcmp(p, "EFC1", 4) != 0)
    return EDGEFN_EINVAL;
  r.p += 4;
  s->status = (int)get_u32(&r);
  s->request_time_ms = get_i64(&r);
  s->response_time_ms = get_i64(&r);
  const char *st;
  size_t stlen;
  get_str(&r, &st, &stlen);
  int rc = r.bad ? EDGEFN_EINVAL : 0;
  if (rc == 0 && !(s->status_text = edgefn__strndup(st ? st : "", stlen)))
    rc = EDGEFN_ENOMEM;
  if (rc == 0)
    rc = get_list(&r, &s->headers);
  if (rc == 0)
    rc = get_list(&r, &s->vary);
  if (rc == 0 && (s->status < 100 || s->status > 999))
    rc = EDGEFN_EINVAL;
  if (rc != 0)
    cache__stored_free(s);
  return rc;
}

void cache__stored_free(cache__stored *s) {
  free(s->status_text);
  cache__hlist_free(&s->headers);
  cache__hlist_free(&s->vary);
  memset(s, 0, sizeof(*s));
}

/* ---- Vary ---- */

/* A request's value of one header, normalised for comparison: lines joined, spaces after
 * commas and at both ends dropped (RFC 9111 §4.1 allows such normalisation). */
char *cache__vary_value(const edgefn_header *req, size_t n, const char *name, size_t *len) {
  size_t raw_len;
  char *raw = cache__hjoin(req, n, name, &raw_len);
  if (!raw)
    return NULL;
  size_t o = 0;
  for (size_t i = 0; i < raw_len; i++) {
    char c = raw[i];
    if ((c == ' ' || c == '\t') && (o == 0 || raw[o - 1] == ','))
      continue;
    raw[o++] = c;
  }
  while (o > 0 && (raw[o - 1] == ' ' || raw[o - 1] == '\t'))
    o--;
  raw[o] = '\0';
  *len = o;
  return raw;
}

int cache__vary_capture(cache__stored *s, const edgefn_header *req, size_t n) {
  for (size_t i = 0; i < s->headers.n; i++) {
    const edgefn_header *h = &s->headers.h[i];
    if (!cache__name_eq(h->name, h->name_len, "vary"))
      continue;
    size_t k = 0;
    while (k < h->value_len) {
      while (k < h->value_len && (h->value[k] == ',' || h->value[k] == ' ' || h->value[k] == '\t'))
        k++;
      size_t st = k;
      while (k < h->value_len && h->value[k] != ',' && h->value[k] != ' ' && h->value[k] != '\t')
        k++;
      if (k == st)
        continue;
      char name[128];
      size_t nl = k - st < sizeof(name) - 1 ? k - st : sizeof(name) - 1;
      for (size_t j = 0; j < nl; j++)
        name[j] = (char)(h->value[st + j] >= 'A' && h->value[st + j] <= 'Z'
                             ? h->value[st + j] + 32
                             : h->value[st + j]);
      name[nl] = '\0';
      size_t vlen = 0;
      char *v = cache__vary_value(req, n, name, &vlen);
      int rc = cache__hlist_add(&s->vary, name, nl, v, vlen);
      free(v);
      if (rc != 0)
        return rc;
    }
  }
  return 0;
}

bool cache__vary_match(const cache__stored *s, const edgefn_header *req, size_t n) {
  for (size_t i = 0; i < s->vary.n; i++) {
    const edgefn_header *v = &s->vary.h[i];
    if (strcmp(v->name, "*") == 0)
      return false;
    size_t len = 0;
    char *cur = cache__vary_value(req, n, v->name, &len);
    bool same = (!cur && !v->value) ||
                (cur && v->value && len == v->value_len && memcmp(cur, v->value, len) == 0);
    free(cur);
    if (!same)
      return false;
  }
  return true;
}
