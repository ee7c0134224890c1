/* The cache fetcher: a fetch backend that answers from an edgefn_cache and sends misses and
 * revalidations upstream. One `op` per request walks: lookup (backend get) → decide (policy
 * of RFC 9111 §4) → deliver the stored response, or go upstream and stream its answer to the
 * client while collecting the body to store. Stored answers are delivered from a loop defer
 * so that a client never sees callbacks before start() returns. */
#include "cache/cache.h"
#include "loop/loop.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct op op;

typedef struct fetcher {
  edgefn_loop *loop;
  edgefn_cache *cache;
  const edgefn_fetch_ops *up;
  void *up_backend;
  char *prefix;
  op *ops;
} fetcher;

typedef enum { MODE_MISS, MODE_REVALIDATE, MODE_BYPASS } up_mode;
typedef enum { ACT_NONE, ACT_DELIVER, ACT_UPSTREAM_FAILED } defer_action;

struct op {
  op *next, *prev;
  fetcher *f;
  bool has_client; /* false for a background revalidation */
  bool background;
  edgefn_response_handler h;
  void *hd;
  /* the request */
  char *method;
  char *url;
  size_t url_len;
  cache__hlist req;
  uint8_t *body;
  size_t body_len;
  edgefn_body_source *source; /* a streamed body, passed upstream (never stored) */
  bool is_get, is_head, unsafe;
  cache__cc req_cc;
  bool req_auth;
  char *key;
  size_t key_len;
  bool lookup_pending, cancelled;
  /* what the cache holds for it */
  bool have_stored;
  cache__stored st;
  uint8_t *st_body;
  size_t st_body_len;
  cache__resp st_info;
  int64_t st_age_ms, st_fresh_ms;
  /* upstream */
  void *up_op;
  bool up_active;
  up_mode mode;
  int64_t request_time_ms;
  bool head_forwarded, serve_stale, got_304;
  cache__stored fresh; /* the head upstream answered, kept to store or merge */
  bool storing, too_big;
  uint8_t *acc;
  size_t acc_len, acc_cap;
  /* delivery from the cache */
  edgefn__defer defer;
  defer_action action;
  int result;
  int out_status;
  cache__hlist out;
  const uint8_t *out_body;
  size_t out_len;
};

static const char *const hop_by_hop[] = {"connection", "keep-alive", "proxy-connection", "te",
                                         "transfer-encoding", "upgrade", "trailer",
                                         EDGEFN_CACHE_STATUS_HEADER};

static bool is_hop_by_hop(const char *name, size_t len) {
  for (size_t i = 0; i < EDGEFN_ARRAY_LEN(hop_by_hop); i++)
    if (cache__name_eq(name, len, hop_by_hop[i]))
      return true;
  return false;
}

/* ---- op life ---- */

static void op_free(op *o) {
  fetcher *f = o->f;
  if (o->prev)
    o->prev->next = o->next;
  else if (f->ops == o)
    f->ops = o->next;
  if (o->next)
    o->next->prev = o->prev;
  if (o->up_active)
    f->up->cancel(f->up_backend, o->up_op);
  edgefn__defer_cancel(f->loop, &o->defer);
  free(o->method);
  free(o->url);
  cache__hlist_free(&o->req);
  free(o->body);
  free(o->key);
  cache__stored_free(&o->st);
  free(o->st_body);
  cache__stored_free(&o->fresh);
  free(o->acc);
  cache__hlist_free(&o->out);
  free(o);
}

static void finish(op *o, int result) {
  edgefn_response_handler h = o->h;
  void *hd = o->hd;
  bool client = o->has_client;
  op_free(o);
  if (client && h.on_end)
    h.on_end(hd, result);
}

/* ---- answering from the cache ---- */

static void on_defer(edgefn__defer *d) {
  op *o = d->data;
  if (o->action == ACT_UPSTREAM_FAILED) {
    finish(o, o->result);
    return;
  }
  if (o->has_client) {
    edgefn_response_head head = {sizeof(head), o->out_status, "", o->out.h, o->out.n,
                                 (int64_t)o->out_len, NULL, NULL};
    if (o->h.on_head)
      o->h.on_head(o->hd, &head);
    if (o->out_len && o->h.on_body)
      o->h.on_body(o->hd, o->out_body, o->out_len);
  }
  finish(o, 0);
}

static void queue(op *o, defer_action a) {
  o->action = a;
  edgefn__defer_queue(o->f->loop, &o->defer);
}

static bool etag_matches(const char *list, size_t len, const char *etag, size_t elen) {
  /* Weak comparison (RFC 9110 §8.8.3.2), as If-None-Match asks: W/ prefixes ignored. */
  if (elen >= 2 && etag[0] == 'W' && etag[1] == '/')
    etag += 2, elen -= 2;
  size_t i = 0;
  while (i < len) {
    while (i < len && (list[i] == ' ' || list[i] == ',' || list[i] == '\t'))
      i++;
    if (i < len && list[i] == '*')
      return true;
    if (i + 1 < len && list[i] == 'W' && list[i + 1] == '/')
      i += 2;
    size_t s = i;
    if (i < len && list[i] == '"') {
      i++;
      while (i < len && list[i] != '"')
        i++;
      if (i < len)
        i++;
    } else {
      while (i < len && list[i] != ',')
        i++;
    }
    if (i - s == elen && memcmp(list + s, etag, elen) == 0)
      return true;
  }
  return false;
}

/* RFC 9110 §13.1: does the client's conditional GET/HEAD make this a 304? */
static bool not_modified(const op *o, const cache__hlist *hdrs) {
  const edgefn_header *inm = cache__hfind(o->req.h, o->req.n, "if-none-match");
  const edgefn_header *etag = cache__hfind(hdrs->h, hdrs->n, "etag");
  if (inm)
    return etag && etag_matches(inm->value, inm->value_len, etag->value, etag->value_len);
  const edgefn_header *ims = cache__hfind(o->req.h, o->req.n, "if-modified-since");
  if (!ims)
    return false;
  int64_t since = cache__http_date(ims->value, ims->value_len);
  const edgefn_header *lm = cache__hfind(hdrs->h, hdrs->n, "last-modified");
  if (!lm)
    lm = cache__hfind(hdrs->h, hdrs->n, "date");
  int64_t t = lm ? cache__http_date(lm->value, lm->value_len) : CACHE_NO_DATE;
  return since != CACHE_NO_DATE && t != CACHE_NO_DATE && t <= since;
}

/* A single byte range "bytes=a-b", "bytes=a-" or "bytes=-n". Returns 1 with [*first, *last]
 * when satisfiable, 0 when not satisfiable, -1 when the header is to be ignored. */
static int parse_range(const char *v, size_t len, size_t total, size_t *first, size_t *last) {
  if (len < 6 || !cache__name_eq(v, 5, "bytes") || v[5] != '=')
    return -1;
  const char *p = v + 6, *end = v + len;
  if (memchr(p, ',', (size_t)(end - p)))
    return -1; /* several ranges: answered with the whole representation */
  while (p < end && *p == ' ')
    p++;
  bool has_a = false, has_b = false;
  uint64_t a = 0, b = 0;
  while (p < end && *p >= '0' && *p <= '9' && a < (1ull << 60))
    a = a * 10 + (uint64_t)(*p++ - '0'), has_a = true;
  if (p >= end || *p++ != '-')
    return -1;
  while (p < end && *p >= '0' && *p <= '9' && b < (1ull << 60))
    b = b * 10 + (uint64_t)(*p++ - '0'), has_b = true;
  while (p < end && *p == ' ')
    p++;
  if (p != end || (!has_a && !has_b) || (has_a && has_b && b < a))
    return -1;
  if (!has_a) { /* suffix */
    if (b == 0 || total == 0)
      return 0;
    *first = b >= total ? 0 : total - (size_t)b;
    *last = total - 1;
    return 1;
  }
  if (a >= total)
    return 0;
  *first = (size_t)a;
  *last = !has_b || b >= total ? total - 1 : (size_t)b;
  return 1;
}

/* If-Range (RFC 9110 §13.1.5): the range applies only while the validator still matches. */
static bool if_range_ok(const op *o, const cache__hlist *hdrs) {
  const edgefn_header *ir = cache__hfind(o->req.h, o->req.n, "if-range");
  if (!ir)
    return true;
  if (ir->value_len && (ir->value[0] == '"' || ir->value[0] == 'W')) {
    const edgefn_header *etag = cache__hfind(hdrs->h, hdrs->n, "etag");
    return etag && ir->value[0] == '"' && etag->value_len == ir->value_len &&
           memcmp(etag->value, ir->value, ir->value_len) == 0;
  }
  const edgefn_header *lm = cache__hfind(hdrs->h, hdrs->n, "last-modified");
  return lm && cache__http_date(lm->value, lm->value_len) ==
                   cache__http_date(ir->value, ir->value_len);
}

static int add_str(cache__hlist *l, const char *name, const char *value) {
  return cache__hlist_add(l, name, strlen(name), value, strlen(value));
}

/* Prepares the stored response for this request (conditionals, Range, HEAD) and queues its
 * delivery. `tag` is the EDGEFN_CACHE_STATUS_HEADER value. */
static void deliver_stored(op *o, const char *tag) {
  int64_t now = cache__now_ms(o->f->cache);
  int64_t age = cache__current_age_ms(&o->st_info, o->st.request_time_ms,
                                      o->st.response_time_ms, now);
  cache__hlist *out = &o->out;
  int rc = 0;
  for (size_t i = 0; rc == 0 && i < o->st.headers.n; i++) {
    const edgefn_header *h = &o->st.headers.h[i];
    if (!cache__name_eq(h->name, h->name_len, "age"))
      rc = cache__hlist_add(out, h->name, h->name_len, h->value, h->value_len);
  }
  char buf[64];
  snprintf(buf, sizeof(buf), "%lld", (long long)(age / 1000));
  if (rc == 0)
    rc = add_str(out, "Age", buf);
  if (rc == 0)
    rc = add_str(out, EDGEFN_CACHE_STATUS_HEADER, tag);
  o->out_status = o->st.status;
  o->out_body = o->st_body;
  o->out_len = o->st_body_len;
  if (rc == 0 && o->st.status == 200 && not_modified(o, out)) {
    o->out_status = 304;
    cache__hlist_remove(out, "content-length");
    o->out_len = 0;
  } else if (rc == 0 && o->st.status == 200 && o->is_get) {
    const edgefn_header *range = cache__hfind(o->req.h, o->req.n, "range");
    size_t first = 0, last = 0;
    int r = range && if_range_ok(o, out)
                ? parse_range(range->value, range->value_len, o->st_body_len, &first, &last)
                : -1;
    if (r >= 0) {
      cache__hlist_remove(out, "content-length");
      cache__hlist_remove(out, "content-range");
      if (r == 1) {
        o->out_status = 206;
        o->out_body = o->st_body + first;
        o->out_len = last - first + 1;
        snprintf(buf, sizeof(buf), "bytes %zu-%zu/%zu", first, last, o->st_body_len);
      } else {
        o->out_status = 416;
        o->out_len = 0;
        snprintf(buf, sizeof(buf), "bytes */%zu", o->st_body_len);
      }
      rc = add_str(out, "Content-Range", buf);
      snprintf(buf, sizeof(buf), "%zu", o->out_len);
      if (rc == 0)
        rc = add_str(out, "Content-Length", buf);
    }
  }
  if (o->is_head)
    o->out_len = 0;
  if (rc != 0) {
    o->result = rc;
    queue(o, ACT_UPSTREAM_FAILED);
    return;
  }
  queue(o, ACT_DELIVER);
}

static void deliver_gateway_timeout(op *o) {
  o->out_status = 504;
  o->out_body = NULL;
  o->out_len = 0;
  if (add_str(&o->out, EDGEFN_CACHE_STATUS_HEADER, "MISS") != 0 ||
      add_str(&o->out, "Content-Length", "0") != 0) {
    o->result = EDGEFN_ENOMEM;
    queue(o, ACT_UPSTREAM_FAILED);
    return;
  }
  queue(o, ACT_DELIVER);
}

/* ---- storing ---- */

static void put_done(void *data, int result) {
  (void)data;
  (void)result; /* a failed put only means the next request is a miss */
}

static void store(op *o, const cache__stored *s, const uint8_t *body, size_t body_len) {
  /* A failure only means the next request is a miss. */
  (void)cache__store(o->f->cache, o->key, o->key_len, s, body, body_len, NULL, NULL);
}

static void remove_key(fetcher *f, const char *url, size_t url_len) {
  size_t plen = strlen(f->prefix);
  char *key = malloc(plen + url_len + 1);
  if (!key)
    return;
  memcpy(key, f->prefix, plen);
  memcpy(key + plen, url, url_len);
  void *be;
  const edgefn_cache_ops *ops = cache__ops(f->cache, &be);
  ops->remove(be, key, plen + url_len, put_done, NULL);
  free(key);
}

/* The "scheme://authority" prefix length of an absolute URL, or 0. */
static size_t origin_len(const char *u, size_t len) {
  const char *sep = len > 3 ? strstr(u, "://") : NULL;
  if (!sep || (size_t)(sep - u) > len)
    return 0;
  const char *p = sep + 3;
  while ((size_t)(p - u) < len && *p != '/' && *p != '?' && *p != '#')
    p++;
  return (size_t)(p - u);
}

/* RFC 9111 §4.4: Location and Content-Location of a successful unsafe request are invalidated
 * too, when they are on the request's origin. */
static void invalidate_ref(op *o, const edgefn_header *h, size_t n, const char *name) {
  const edgefn_header *l = cache__hfind(h, n, name);
  if (!l || l->value_len == 0 || l->value_len > 4096)
    return;
  size_t olen = origin_len(o->url, o->url_len);
  if (!olen)
    return;
  char target[8192];
  size_t tl;
  if (l->value[0] == '/' && !(l->value_len > 1 && l->value[1] == '/')) {
    memcpy(target, o->url, olen);
    memcpy(target + olen, l->value, l->value_len);
    tl = olen + l->value_len;
  } else if (origin_len(l->value, l->value_len)) {
    size_t vo = origin_len(l->value, l->value_len);
    if (vo != olen || strncasecmp(l->value, o->url, olen) != 0)
      return;
    memcpy(target, l->value, l->value_len);
    tl = l->value_len;
  } else { /* relative to the request's path */
    const char *q = memchr(o->url, '?', o->url_len);
    size_t path_end = q ? (size_t)(q - o->url) : o->url_len;
    size_t dir = path_end;
    while (dir > olen && o->url[dir - 1] != '/')
      dir--;
    memcpy(target, o->url, dir);
    memcpy(target + dir, l->value, l->value_len);
    tl = dir + l->value_len;
  }
  remove_key(o->f, target, tl);
}

/* Copies a response head for storing: hop-by-hop fields and those a shared cache must not
 * keep (private="..." and, since reusing them needs revalidation, no-cache="...") are left
 * out. */
static int capture_head(op *o, cache__stored *s, int status, const char *status_text,
                        const edgefn_header *h, size_t n, const cache__cc *cc) {
  memset(s, 0, sizeof(*s));
  s->status = status;
  s->status_text = edgefn__strndup(status_text ? status_text : "",
                                   status_text ? strlen(status_text) : 0);
  if (!s->status_text)
    return EDGEFN_ENOMEM;
  size_t conn_len = 0;
  char *conn = cache__hjoin(h, n, "connection", &conn_len);
  char conn_list[512] = "";
  if (conn) {
    size_t l = conn_len < sizeof(conn_list) - 1 ? conn_len : sizeof(conn_list) - 1;
    for (size_t i = 0; i < l; i++)
      conn_list[i] = (char)(conn[i] >= 'A' && conn[i] <= 'Z' ? conn[i] + 32 : conn[i]);
    free(conn);
  }
  bool shared = cache__is_shared(o->f->cache);
  for (size_t i = 0; i < n; i++) {
    const char *nm = h[i].name;
    size_t nl = h[i].name_len;
    if (is_hop_by_hop(nm, nl) || cache__field_listed(conn_list, nm, nl))
      continue;
    if (cc && cc->no_cache_fields_set && cache__field_listed(cc->no_cache_fields, nm, nl))
      continue;
    if (cc && shared && cc->private_fields_set && cache__field_listed(cc->private_fields, nm, nl))
      continue;
    int rc = cache__hlist_add(&s->headers, nm, nl, h[i].value, h[i].value_len);
    if (rc != 0)
      return rc;
  }
  return 0;
}

/* RFC 9111 §3.2: a 304 updates the stored head, except for Content-Length and the fields a
 * cache does not store. */
static int merge_304(op *o) {
  cache__stored *st = &o->st;
  const cache__hlist *nh = &o->fresh.headers;
  for (size_t i = 0; i < nh->n; i++) {
    const edgefn_header *h = &nh->h[i];
    if (cache__name_eq(h->name, h->name_len, "content-length"))
      continue;
    char name[256];
    if (h->name_len >= sizeof(name))
      continue;
    memcpy(name, h->name, h->name_len);
    name[h->name_len] = '\0';
    /* Replace the stored lines the first time a name is seen, then add every line. */
    bool seen_before = false;
    for (size_t k = 0; k < i; k++)
      if (cache__name_eq(nh->h[k].name, nh->h[k].name_len, name))
        seen_before = true;
    if (!seen_before)
      cache__hlist_remove(&st->headers, name);
    int rc = cache__hlist_add(&st->headers, h->name, h->name_len, h->value, h->value_len);
    if (rc != 0)
      return rc;
  }
  st->request_time_ms = o->fresh.request_time_ms;
  st->response_time_ms = o->fresh.response_time_ms;
  cache__resp_parse(&o->st_info, st->status, st->headers.h, st->headers.n,
                    cache__is_shared(o->f->cache));
  return 0;
}

/* ---- upstream ---- */

static bool stale_if_error_ok(const op *o) {
  if (!o->have_stored || cache__must_revalidate(&o->st_info, cache__is_shared(o->f->cache)))
    return false;
  int64_t window = o->st_info.cc.stale_if_error;
  if (o->req_cc.stale_if_error > window)
    window = o->req_cc.stale_if_error;
  if (window < 0)
    return false;
  int64_t staleness = o->st_age_ms - o->st_fresh_ms;
  return staleness <= window * 1000;
}

/* RFC 9111 §4.2.4: a cache that cannot reach the origin may serve a stale response unless
 * the response forbids it (must-revalidate, proxy-revalidate, s-maxage, no-cache). */
static bool stale_on_disconnect(const op *o) {
  return o->have_stored && !o->st_info.cc.no_cache && !o->req_cc.no_cache &&
         !cache__must_revalidate(&o->st_info, cache__is_shared(o->f->cache));
}

static void up_head(void *data, const edgefn_response_head *head) {
  op *o = data;
  fetcher *f = o->f;
  int64_t now = cache__now_ms(f->cache);
  if (o->unsafe && head->status >= 200 && head->status < 400) {
    remove_key(f, o->url, o->url_len);
    invalidate_ref(o, head->headers, head->header_count, "location");
    invalidate_ref(o, head->headers, head->header_count, "content-location");
  }
  if (o->mode == MODE_REVALIDATE && head->status == 304 && o->have_stored) {
    o->got_304 = true;
    if (capture_head(o, &o->fresh, 304, head->status_text, head->headers, head->header_count,
                     NULL) != 0)
      o->got_304 = false; /* out of memory: serve what is stored, unmerged */
    o->fresh.request_time_ms = o->request_time_ms;
    o->fresh.response_time_ms = now;
    return;
  }
  if (head->status >= 500 && stale_if_error_ok(o)) {
    o->serve_stale = true;
    return;
  }
  bool shared = cache__is_shared(f->cache);
  cache__resp info;
  cache__resp_parse(&info, head->status, head->headers, head->header_count, shared);
  if (o->is_get && o->mode != MODE_BYPASS &&
      cache__storable(&info, &o->req_cc, o->req_auth, shared) &&
      capture_head(o, &o->fresh, head->status, head->status_text, head->headers,
                   head->header_count, &info.cc) == 0 &&
      cache__vary_capture(&o->fresh, o->req.h, o->req.n) == 0) {
    o->storing = true;
    o->fresh.request_time_ms = o->request_time_ms;
    o->fresh.response_time_ms = now;
  }
  if (!o->has_client)
    return;
  o->head_forwarded = true;
  cache__hlist out = {0};
  bool ok = true;
  for (size_t i = 0; ok && i < head->header_count; i++) {
    const edgefn_header *h = &head->headers[i];
    if (!cache__name_eq(h->name, h->name_len, EDGEFN_CACHE_STATUS_HEADER))
      ok = cache__hlist_add(&out, h->name, h->name_len, h->value, h->value_len) == 0;
  }
  ok = ok && add_str(&out, EDGEFN_CACHE_STATUS_HEADER,
                     o->mode == MODE_BYPASS ? "BYPASS" : "MISS") == 0;
  edgefn_response_head fwd = *head;
  fwd.struct_size = sizeof(fwd);
  if (ok) {
    fwd.headers = out.h;
    fwd.header_count = out.n;
  }
  if (o->h.on_head)
    o->h.on_head(o->hd, &fwd);
  cache__hlist_free(&out);
}

static void up_body(void *data, const uint8_t *p, size_t len) {
  op *o = data;
  if (o->got_304 || o->serve_stale)
    return;
  if (o->storing && !o->too_big) {
    if (o->acc_len + len > cache__max_entry(o->f->cache)) {
      o->too_big = true;
    } else {
      if (o->acc_len + len > o->acc_cap) {
        size_t cap = o->acc_cap ? o->acc_cap * 2 : 4096;
        while (cap < o->acc_len + len)
          cap *= 2;
        uint8_t *n = realloc(o->acc, cap);
        if (!n) {
          o->too_big = true;
        } else {
          o->acc = n;
          o->acc_cap = cap;
        }
      }
      if (!o->too_big) {
        memcpy(o->acc + o->acc_len, p, len);
        o->acc_len += len;
      }
    }
  }
  if (o->has_client && o->h.on_body)
    o->h.on_body(o->hd, p, len);
}

static void up_end(void *data, int result) {
  op *o = data;
  o->up_active = false;
  o->up_op = NULL;
  if (o->got_304) {
    if (merge_304(o) == 0 &&
        cache__storable(&o->st_info, &o->req_cc, o->req_auth, cache__is_shared(o->f->cache)))
      store(o, &o->st, o->st_body, o->st_body_len);
    deliver_stored(o, "REVALIDATED");
    return;
  }
  if (o->serve_stale || (result < 0 && !o->head_forwarded && stale_on_disconnect(o))) {
    deliver_stored(o, "STALE");
    return;
  }
  if (result == 0 && o->storing && !o->too_big)
    store(o, &o->fresh, o->acc, o->acc_len);
  finish(o, result);
}

static void go_upstream(op *o, up_mode mode) {
  fetcher *f = o->f;
  o->mode = mode;
  cache__hlist hdrs = {0};
  int rc = 0;
  for (size_t i = 0; rc == 0 && i < o->req.n; i++) {
    const edgefn_header *h = &o->req.h[i];
    if (mode == MODE_REVALIDATE && (cache__name_eq(h->name, h->name_len, "if-none-match") ||
                                    cache__name_eq(h->name, h->name_len, "if-modified-since")))
      continue; /* ours replace the client's; the client's are answered from the cache */
    rc = cache__hlist_add(&hdrs, h->name, h->name_len, h->value, h->value_len);
  }
  if (mode == MODE_REVALIDATE) {
    const cache__hlist *sh = &o->st.headers;
    const edgefn_header *etag = cache__hfind(sh->h, sh->n, "etag");
    const edgefn_header *lm = cache__hfind(sh->h, sh->n, "last-modified");
    if (rc == 0 && etag)
      rc = cache__hlist_add(&hdrs, "If-None-Match", 13, etag->value, etag->value_len);
    if (rc == 0 && lm)
      rc = cache__hlist_add(&hdrs, "If-Modified-Since", 17, lm->value, lm->value_len);
  }
  edgefn_request req = EDGEFN_REQUEST_INIT;
  req.method = o->method;
  req.method_len = strlen(o->method);
  req.url = o->url;
  req.url_len = o->url_len;
  req.headers = hdrs.h;
  req.header_count = hdrs.n;
  req.body = o->body;
  req.body_len = o->body_len;
  req.body_source = o->source;
  edgefn_response_handler h = {sizeof(h), up_head, up_body, up_end};
  o->request_time_ms = cache__now_ms(f->cache);
  o->up_active = true;
  if (rc == 0)
    rc = f->up->start(f->up_backend, f->loop, &req, &h, o, &o->up_op);
  cache__hlist_free(&hdrs);
  if (rc != 0) {
    o->up_active = false;
    if (stale_on_disconnect(o)) {
      deliver_stored(o, "STALE");
      return;
    }
    o->result = rc;
    queue(o, ACT_UPSTREAM_FAILED);
  }
}

/* ---- lookup and the decision ---- */

static op *op_new(fetcher *f);
static int op_lookup(op *o);

/* A background revalidation for stale-while-revalidate: the same request without a client. */
static void spawn_background(op *o) {
  op *b = op_new(o->f);
  if (!b)
    return;
  b->background = true;
  b->is_get = true;
  b->method = edgefn__strndup("GET", 3);
  b->url = edgefn__strndup(o->url, o->url_len);
  b->url_len = o->url_len;
  b->key = edgefn__strndup(o->key, o->key_len);
  b->key_len = o->key_len;
  cache__cc_init(&b->req_cc);
  int rc = b->method && b->url && b->key ? 0 : EDGEFN_ENOMEM;
  for (size_t i = 0; rc == 0 && i < o->req.n; i++)
    rc = cache__hlist_add(&b->req, o->req.h[i].name, o->req.h[i].name_len, o->req.h[i].value,
                          o->req.h[i].value_len);
  if (rc != 0 || op_lookup(b) != 0)
    op_free(b);
}

static void decide(op *o) {
  fetcher *f = o->f;
  bool shared = cache__is_shared(f->cache);
  if (!o->have_stored) {
    if (o->req_cc.only_if_cached)
      deliver_gateway_timeout(o);
    else
      go_upstream(o, MODE_MISS);
    return;
  }
  cache__resp *si = &o->st_info;
  cache__resp_parse(si, o->st.status, o->st.headers.h, o->st.headers.n, shared);
  int64_t now = cache__now_ms(f->cache);
  o->st_age_ms = cache__current_age_ms(si, o->st.request_time_ms, o->st.response_time_ms, now);
  o->st_fresh_ms = cache__freshness_ms(si, shared, o->st.response_time_ms);
  int64_t age = o->st_age_ms, fresh_ms = o->st_fresh_ms;
  if (!o->background) {
    bool fresh = age < fresh_ms;
    bool validate = si->cc.no_cache || o->req_cc.no_cache;
    bool ok = !validate;
    if (ok && o->req_cc.max_age >= 0 && age / 1000 > o->req_cc.max_age)
      ok = false;
    if (ok && o->req_cc.min_fresh >= 0 && fresh_ms - age < o->req_cc.min_fresh * 1000)
      ok = false;
    bool must = cache__must_revalidate(si, shared);
    if (ok && !fresh) {
      int64_t ms = o->req_cc.max_stale;
      ok = !must && ms >= 0 && (ms == INT64_MAX || age - fresh_ms <= ms * 1000);
    }
    if (ok) {
      deliver_stored(o, fresh ? "HIT" : "STALE");
      return;
    }
    int64_t swr = si->cc.stale_while_revalidate;
    if (!fresh && !validate && !must && swr >= 0 && age - fresh_ms <= swr * 1000 &&
        !o->req_cc.only_if_cached) {
      deliver_stored(o, "STALE");
      spawn_background(o);
      return;
    }
    if (o->req_cc.only_if_cached) {
      deliver_gateway_timeout(o);
      return;
    }
  }
  go_upstream(o, si->has_etag || si->has_last_modified ? MODE_REVALIDATE : MODE_MISS);
}

static void on_lookup(void *data, int result, const edgefn_cache_entry *e) {
  op *o = data;
  o->lookup_pending = false;
  if (o->cancelled) {
    op_free(o);
    return;
  }
  if (result == 0 && e && cache__meta_decode(&o->st, e->meta, e->meta_len) == 0) {
    o->st_body = malloc(e->body_len ? e->body_len : 1);
    if (o->st_body && cache__vary_match(&o->st, o->req.h, o->req.n)) {
      if (e->body_len)
        memcpy(o->st_body, e->body, e->body_len);
      o->st_body_len = e->body_len;
      o->have_stored = true;
    } else {
      cache__stored_free(&o->st);
      free(o->st_body);
      o->st_body = NULL;
    }
  }
  decide(o);
}

static int op_lookup(op *o) {
  o->lookup_pending = true;
  int rc = cache__lookup(o->f->cache, o->key, o->key_len, o->req.h, o->req.n, on_lookup, o);
  if (rc != 0)
    o->lookup_pending = false;
  return rc;
}

static op *op_new(fetcher *f) {
  op *o = calloc(1, sizeof(*o));
  if (!o)
    return NULL;
  o->f = f;
  edgefn__defer_init(&o->defer, on_defer, o);
  o->next = f->ops;
  if (o->next)
    o->next->prev = o;
  f->ops = o;
  return o;
}

/* ---- the fetch ops ---- */

static int fetcher_start(void *backend, edgefn_loop *loop, const edgefn_request *req,
                         const edgefn_response_handler *handler, void *handler_data, void **opp) {
  fetcher *f = backend;
  if (!f || !req || !handler || !handler->on_end || loop != f->loop || !req->url)
    return EDGEFN_EINVAL;
  edgefn_body_source *source =
      EDGEFN_HAS_FIELD(req, edgefn_request, body_source) ? req->body_source : NULL;
  if (source && f->up->version < 3)
    return EDGEFN_ENOTSUP; /* the upstream backend would send the body empty */
  op *o = op_new(f);
  if (!o)
    return EDGEFN_ENOMEM;
  o->has_client = true;
  o->h = *handler;
  o->hd = handler_data;
  o->source = source;
  const char *m = req->method ? req->method : "GET";
  size_t ml = req->method ? req->method_len : 3;
  o->method = edgefn__strndup(m, ml);
  /* The key ignores the fragment: it never reaches the origin. */
  const char *hash = memchr(req->url, '#', req->url_len);
  o->url_len = hash ? (size_t)(hash - req->url) : req->url_len;
  o->url = edgefn__strndup(req->url, o->url_len);
  int rc = o->method && o->url ? 0 : EDGEFN_ENOMEM;
  for (size_t i = 0; rc == 0 && i < req->header_count; i++)
    rc = cache__hlist_add(&o->req, req->headers[i].name, req->headers[i].name_len,
                          req->headers[i].value, req->headers[i].value_len);
  if (rc == 0 && req->body_len) {
    o->body = malloc(req->body_len);
    if (!o->body)
      rc = EDGEFN_ENOMEM;
    else
      memcpy(o->body, req->body, req->body_len);
    o->body_len = req->body_len;
  }
  size_t plen = strlen(f->prefix);
  if (rc == 0 && !(o->key = malloc(plen + o->url_len + 1)))
    rc = EDGEFN_ENOMEM;
  if (rc != 0) {
    op_free(o);
    return rc;
  }
  memcpy(o->key, f->prefix, plen);
  memcpy(o->key + plen, o->url, o->url_len);
  o->key_len = plen + o->url_len;
  o->is_get = cache__name_eq(m, ml, "GET");
  o->is_head = cache__name_eq(m, ml, "HEAD");
  o->unsafe = !o->is_get && !o->is_head && !cache__name_eq(m, ml, "OPTIONS") &&
              !cache__name_eq(m, ml, "TRACE");
  cache__cc_from_headers(&o->req_cc, o->req.h, o->req.n, "cache-control");
  if (!o->req_cc.any) { /* RFC 9111 §5.4: Pragma: no-cache without Cache-Control */
    const edgefn_header *pragma = cache__hfind(o->req.h, o->req.n, "pragma");
    if (pragma && pragma->value_len >= 8 && cache__name_eq(pragma->value, 8, "no-cache"))
      o->req_cc.no_cache = true;
  }
  o->req_auth = cache__hfind(o->req.h, o->req.n, "authorization") != NULL;
  if (opp)
    *opp = o;
  if (!o->is_get && !o->is_head) {
    go_upstream(o, MODE_BYPASS);
    return 0;
  }
  if (op_lookup(o) != 0) /* the backend failed: go to the origin without the cache */
    go_upstream(o, MODE_BYPASS);
  return 0;
}

static void fetcher_cancel(void *backend, void *opp) {
  fetcher *f = backend;
  for (op *o = f->ops; o; o = o->next) {
    if (o != opp)
      continue;
    if (o->lookup_pending) { /* freed when the backend answers */
      o->cancelled = true;
      o->has_client = false;
    } else {
      op_free(o);
    }
    return;
  }
}

void edgefn_cache_fetcher_free(void *backend) {
  fetcher *f = backend;
  if (!f)
    return;
  op *o = f->ops;
  while (o) {
    op *next = o->next;
    if (o->lookup_pending) {
      /* An asynchronous backend still holds it; it must answer before the cache goes. */
      o->cancelled = true;
      o->has_client = false;
      o->prev = o->next = NULL;
    } else {
      finish(o, EDGEFN_ECANCELED);
    }
    o = next;
  }
  f->ops = NULL;
  edgefn_cache_free(f->cache);
  free(f->prefix);
  free(f);
}

static void fetcher_release(void *backend) { edgefn_cache_fetcher_free(backend); }

/* A client's pause reaches its upstream transfer: each client has a transfer of its own (no
 * request collapsing), so a slow client slows only its origin read, and a fill being stored
 * goes on at the client's pace and is stored when the body is complete (docs/javascript.md, "Through the edge pipeline").
 * An answer from the cache is one chunk, delivered before a pause could matter. */
static void fetcher_pause(void *backend, void *opp, int paused) {
  fetcher *f = backend;
  for (op *o = f->ops; o; o = o->next) {
    if (o != opp)
      continue;
    if (o->up_active && f->up->version >= 2 && f->up->pause)
      f->up->pause(f->up_backend, o->up_op, paused);
    return;
  }
}

static const edgefn_fetch_ops cache_fetch_ops = {EDGEFN_FETCH_OPS_VERSION, fetcher_start,
                                                 fetcher_cancel, fetcher_release, fetcher_pause};

const edgefn_fetch_ops *edgefn_cache_fetch_ops(void) { return &cache_fetch_ops; }

int edgefn_cache_fetcher_new(void **out, edgefn_loop *loop, edgefn_cache *cache,
                             const edgefn_cache_fetcher_options *opts) {
  if (!out)
    return EDGEFN_EINVAL;
  *out = NULL;
  if (!loop || !cache || !opts)
    return EDGEFN_EINVAL;
  if (!EDGEFN_MIN_SIZE_OK(opts, edgefn_cache_fetcher_options, key_prefix))
    return EDGEFN_EVERSION;
  if (!opts->upstream_ops || !opts->upstream_ops->start || !opts->upstream_ops->cancel)
    return EDGEFN_EINVAL;
  fetcher *f = calloc(1, sizeof(*f));
  if (!f)
    return EDGEFN_ENOMEM;
  /* Namespaces are kept apart by a prefix no URL can start with. */
  const char *ns = opts->key_prefix ? opts->key_prefix : "";
  size_t nl = strlen(ns);
  f->prefix = malloc(nl + 2);
  if (!f->prefix) {
    free(f);
    return EDGEFN_ENOMEM;
  }
  memcpy(f->prefix, ns, nl);
  f->prefix[nl] = ' ';
  f->prefix[nl + 1] = '\0';
  f->loop = loop;
  f->cache = edgefn_cache_ref(cache);
  f->up = opts->upstream_ops;
  f->up_backend = opts->upstream_backend;
  *out = f;
  return 0;
}
