/* The HTTP cache: RFC 9111 policy functions, the stored-head format, the memory backend and
 * the cache fetcher's flows over a scripted upstream backend. */
#define _GNU_SOURCE
#include "cache/cache.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "test.h"

#define H(n, v) {n, sizeof(n) - 1, v, sizeof(v) - 1}

TEST(cache_policy_parse) {
  cache__cc cc;
  cache__cc_init(&cc);
  const char *v = "public, max-age=60, s-maxage=\"30\", no-cache=\"Set-Cookie, X-A\", max-age=5";
  cache__cc_parse(&cc, v, strlen(v));
  ASSERT(cc.public_ && !cc.no_cache && cc.no_cache_fields_set);
  ASSERT_EQ(cc.max_age, 60); /* the first occurrence wins */
  ASSERT_EQ(cc.s_maxage, 30);
  ASSERT(cache__field_listed(cc.no_cache_fields, "set-cookie", 10));
  ASSERT(cache__field_listed(cc.no_cache_fields, "X-A", 3));
  ASSERT(!cache__field_listed(cc.no_cache_fields, "x", 1));
  cache__cc_init(&cc);
  v = "max-age=-1, max-stale, stale-if-error=9, must-revalidate, only-if-cached";
  cache__cc_parse(&cc, v, strlen(v));
  ASSERT_EQ(cc.max_age, 0); /* invalid: stale */
  ASSERT_EQ(cc.max_stale, INT64_MAX);
  ASSERT_EQ(cc.stale_if_error, 9);
  ASSERT(cc.must_revalidate && cc.only_if_cached);
  ASSERT_EQ(cache__http_date("Sun, 06 Nov 1994 08:49:37 GMT", 29), 784111777);
  ASSERT_EQ(cache__http_date("Sunday, 06-Nov-94 08:49:37 GMT", 30), 784111777);
  ASSERT_EQ(cache__http_date("Sun Nov  6 08:49:37 1994", 24), 784111777);
  ASSERT_EQ(cache__http_date("Thu, 18-Aug-2050 02:01:18 GMT", 29), CACHE_NO_DATE);
  ASSERT_EQ(cache__http_date("0", 1), CACHE_NO_DATE);
  char d[30];
  cache__format_date(784111777, d);
  ASSERT_STREQ(d, "Sun, 06 Nov 1994 08:49:37 GMT");
  return 0;
}

TEST(cache_policy_decisions) {
  cache__resp r;
  edgefn_header h1[] = {H("Cache-Control", "max-age=100"), H("Date", "Sun, 06 Nov 1994 08:49:37 GMT"),
                        H("Age", "10")};
  cache__resp_parse(&r, 200, h1, 3, true);
  ASSERT(cache__storable(&r, NULL, false, true));
  ASSERT(!cache__storable(&r, NULL, true, true)); /* Authorization in a shared cache */
  ASSERT_EQ(cache__freshness_ms(&r, true, 0), 100000);
  /* Age 10 s, 2 s response delay, 5 s resident: 17 s. */
  int64_t t = 784111777000;
  ASSERT_EQ(cache__current_age_ms(&r, t - 2000, t, t + 5000), 17000);
  edgefn_header h2[] = {H("Cache-Control", "s-maxage=5, max-age=100, private")};
  cache__resp_parse(&r, 200, h2, 1, true);
  ASSERT(!cache__storable(&r, NULL, false, true));
  ASSERT(cache__storable(&r, NULL, false, false));
  ASSERT_EQ(cache__freshness_ms(&r, true, 0), 5000);
  ASSERT_EQ(cache__freshness_ms(&r, false, 0), 100000);
  ASSERT(cache__must_revalidate(&r, true) && !cache__must_revalidate(&r, false));
  /* Heuristic: 10% of Date - Last-Modified, only for heuristically cacheable statuses. */
  edgefn_header h3[] = {H("Date", "Sun, 06 Nov 1994 08:49:37 GMT"),
                        H("Last-Modified", "Sun, 06 Nov 1994 08:32:57 GMT")};
  cache__resp_parse(&r, 200, h3, 2, true);
  ASSERT_EQ(cache__freshness_ms(&r, true, 0), 100000);
  cache__resp_parse(&r, 302, h3, 2, true);
  ASSERT(!cache__storable(&r, NULL, false, true));
  ASSERT_EQ(cache__freshness_ms(&r, true, 0), 0);
  /* Expires relative to Date; CDN-Cache-Control wins in a shared cache. */
  edgefn_header h4[] = {H("Date", "Sun, 06 Nov 1994 08:49:37 GMT"),
                        H("Expires", "Sun, 06 Nov 1994 08:50:37 GMT"),
                        H("CDN-Cache-Control", "max-age=7"), H("Cache-Control", "no-store")};
  cache__resp_parse(&r, 200, h4, 2, true);
  ASSERT_EQ(cache__freshness_ms(&r, true, 0), 60000);
  cache__resp_parse(&r, 200, h4, 4, true);
  ASSERT(cache__storable(&r, NULL, false, true));
  ASSERT_EQ(cache__freshness_ms(&r, true, 0), 7000);
  cache__resp_parse(&r, 200, h4, 4, false);
  ASSERT(!cache__storable(&r, NULL, false, false));
  edgefn_header h5[] = {H("Cache-Control", "max-age=10"), H("Vary", "*")};
  cache__resp_parse(&r, 200, h5, 2, true);
  ASSERT(!cache__storable(&r, NULL, false, true));
  return 0;
}

TEST(cache_entry_round_trip) {
  cache__stored s = {0};
  s.status = 203;
  s.status_text = strdup("Non-Authoritative");
  s.request_time_ms = -5;
  s.response_time_ms = 1700000000123;
  ASSERT_EQ(cache__hlist_add(&s.headers, "Vary", 4, "Accept-Language,  X-Y", 21), 0);
  ASSERT_EQ(cache__hlist_add(&s.headers, "ETag", 4, "\"a\"", 3), 0);
  edgefn_header req[] = {H("accept-language", "en,  fr")};
  ASSERT_EQ(cache__vary_capture(&s, req, 1), 0);
  ASSERT_EQ(s.vary.n, 2);
  uint8_t *meta;
  size_t len;
  ASSERT_EQ(cache__meta_encode(&s, &meta, &len), 0);
  cache__stored d;
  ASSERT_EQ(cache__meta_decode(&d, meta, len), 0);
  ASSERT_EQ(d.status, 203);
  ASSERT_STREQ(d.status_text, "Non-Authoritative");
  ASSERT_EQ(d.request_time_ms, -5);
  ASSERT_EQ(d.response_time_ms, 1700000000123);
  ASSERT_EQ(d.headers.n, 2);
  ASSERT(d.vary.h[1].value == NULL); /* x-y was absent */
  edgefn_header same[] = {H("Accept-Language", "en, fr")};
  edgefn_header other[] = {H("Accept-Language", "de")};
  edgefn_header extra[] = {H("Accept-Language", "en, fr"), H("X-Y", "1")};
  ASSERT(cache__vary_match(&d, same, 1));
  ASSERT(!cache__vary_match(&d, other, 1));
  ASSERT(!cache__vary_match(&d, extra, 2));
  for (size_t cut = 0; cut < len; cut++) { /* truncated blobs are refused, never overread */
    cache__stored x;
    ASSERT(cache__meta_decode(&x, meta, cut) != 0);
  }
  free(meta);
  cache__stored_free(&s);
  cache__stored_free(&d);
  return 0;
}

/* ---- memory backend ---- */

typedef struct got {
  int result;
  bool hit;
  char body[64];
} got;

static void get_cb(void *data, int result, const edgefn_cache_entry *e) {
  got *g = data;
  g->result = result;
  g->hit = e != NULL;
  g->body[0] = '\0';
  if (e && e->body_len < sizeof(g->body)) {
    memcpy(g->body, e->body, e->body_len);
    g->body[e->body_len] = '\0';
  }
}

static void put_entry(void *be, const char *key, const char *body) {
  edgefn_cache_entry e = {sizeof(e), (const uint8_t *)"m", 1, (const uint8_t *)body,
                          strlen(body), 0};
  cache__memory_ops()->put(be, key, strlen(key), &e, NULL, NULL);
}

static bool has(void *be, const char *key) {
  got g = {0};
  cache__memory_ops()->get(be, key, strlen(key), get_cb, &g);
  return g.hit;
}

TEST(cache_memory_lru_and_budget) {
  void *be;
  /* One shard, room for three 1000-byte entries (and their bookkeeping) but not four. */
  size_t one = 1000;
  ASSERT_EQ(cache__memory_new(&be, one * 3 + one / 2, 1), 0);
  char body[1001];
  memset(body, 'b', 1000);
  body[1000] = '\0';
  put_entry(be, "a", body);
  put_entry(be, "b", body);
  put_entry(be, "c", body);
  ASSERT_EQ(cache__memory_entries(be), 3);
  ASSERT(has(be, "a")); /* a is now the most recently used; b the least */
  put_entry(be, "d", body);
  ASSERT(!has(be, "b"));
  ASSERT(has(be, "a") && has(be, "c") && has(be, "d"));
  ASSERT_EQ(cache__memory_entries(be), 3);
  /* Replacing keeps one entry per key; remove drops it; too large is refused. */
  put_entry(be, "a", "short");
  got g = {0};
  cache__memory_ops()->get(be, "a", 1, get_cb, &g);
  ASSERT_STREQ(g.body, "short");
  ASSERT_EQ(cache__memory_entries(be), 3);
  cache__memory_ops()->remove(be, "a", 1, NULL, NULL);
  ASSERT(!has(be, "a"));
  char *huge = malloc(one * 4);
  memset(huge, 'h', one * 4 - 1);
  huge[one * 4 - 1] = '\0';
  put_entry(be, "huge", huge);
  free(huge);
  ASSERT(!has(be, "huge"));
  ASSERT(cache__memory_bytes(be) <= one * 3 + one / 2);
  cache__memory_ops()->release(be);
  return 0;
}

typedef struct worker {
  void *be;
  int id;
  int errors;
} worker;

static void *work(void *arg) {
  worker *w = arg;
  char key[32], body[32];
  for (int i = 0; i < 20000; i++) {
    int k = (i * 7 + w->id) % 500;
    snprintf(key, sizeof(key), "k%d", k);
    snprintf(body, sizeof(body), "v%d", k);
    if (i % 3 == 0) {
      put_entry(w->be, key, body);
    } else if (i % 11 == 0) {
      cache__memory_ops()->remove(w->be, key, strlen(key), NULL, NULL);
    } else {
      got g = {0};
      cache__memory_ops()->get(w->be, key, strlen(key), get_cb, &g);
      if (g.hit && strcmp(g.body, body) != 0)
        w->errors++;
    }
  }
  return NULL;
}

TEST(cache_memory_threads) {
  void *be;
  ASSERT_EQ(cache__memory_new(&be, 64 * 1024, 4), 0); /* small: evictions happen too */
  pthread_t th[4];
  worker w[4];
  for (int i = 0; i < 4; i++) {
    w[i] = (worker){be, i, 0};
    pthread_create(&th[i], NULL, work, &w[i]);
  }
  for (int i = 0; i < 4; i++) {
    pthread_join(th[i], NULL);
    ASSERT_EQ(w[i].errors, 0);
  }
  ASSERT(cache__memory_bytes(be) <= 64 * 1024);
  cache__memory_ops()->release(be);
  return 0;
}

/* ---- the fetcher over a scripted upstream ---- */

typedef struct upstream {
  int calls;
  bool down;
  char last_method[16];
  char last_inm[64], last_ims[64];
  int status;
  const edgefn_header *headers;
  size_t header_count;
  const char *body;
} upstream;

static void copy_req_header(const edgefn_request *req, const char *name, char *out, size_t cap) {
  const edgefn_header *h = cache__hfind(req->headers, req->header_count, name);
  snprintf(out, cap, "%.*s", h ? (int)h->value_len : 0, h ? h->value : "");
}

/* Answers synchronously, which backend.h allows. */
static int up_start(void *backend, edgefn_loop *loop, const edgefn_request *req,
                    const edgefn_response_handler *h, void *hd, void **op) {
  (void)loop;
  upstream *u = backend;
  u->calls++;
  snprintf(u->last_method, sizeof(u->last_method), "%.*s", (int)req->method_len, req->method);
  copy_req_header(req, "if-none-match", u->last_inm, sizeof(u->last_inm));
  copy_req_header(req, "if-modified-since", u->last_ims, sizeof(u->last_ims));
  *op = NULL;
  if (u->down) {
    h->on_end(hd, EDGEFN_ENETWORK);
    return 0;
  }
  int status = u->status;
  if (status == 200 && u->last_inm[0] &&
      cache__hfind(u->headers, u->header_count, "etag"))
    status = 304;
  edgefn_response_head head = {sizeof(head), status, "", u->headers, u->header_count, -1, NULL, NULL};
  h->on_head(hd, &head);
  if (status != 304 && strcmp(u->last_method, "HEAD") != 0)
    h->on_body(hd, (const uint8_t *)u->body, strlen(u->body));
  h->on_end(hd, 0);
  return 0;
}

static void up_cancel(void *backend, void *op) {
  (void)backend;
  (void)op;
}

static const edgefn_fetch_ops up_ops = {1, up_start, up_cancel, NULL, NULL};

typedef struct client {
  bool ended;
  int result, status;
  char cache_status[32], content_range[64], age[16];
  char body[256];
} client;

static void c_head(void *ud, const edgefn_response_head *head) {
  client *c = ud;
  c->status = head->status;
  copy_req_header(&(edgefn_request){.headers = head->headers, .header_count = head->header_count},
                  EDGEFN_CACHE_STATUS_HEADER, c->cache_status, sizeof(c->cache_status));
  copy_req_header(&(edgefn_request){.headers = head->headers, .header_count = head->header_count},
                  "content-range", c->content_range, sizeof(c->content_range));
  copy_req_header(&(edgefn_request){.headers = head->headers, .header_count = head->header_count},
                  "age", c->age, sizeof(c->age));
}

static void c_body(void *ud, const uint8_t *p, size_t len) {
  client *c = ud;
  size_t o = strlen(c->body);
  snprintf(c->body + o, sizeof(c->body) - o, "%.*s", (int)len, (const char *)p);
}

static void c_end(void *ud, int result) {
  client *c = ud;
  c->ended = true;
  c->result = result;
}

static int64_t test_now;
static int64_t test_clock(void *d) {
  (void)d;
  return test_now;
}

typedef struct fenv {
  edgefn_loop *loop;
  edgefn_cache *cache;
  void *fetcher;
  upstream up;
} fenv;

static int fenv_open(fenv *e) {
  memset(e, 0, sizeof(*e));
  test_now = 1700000000000;
  edgefn_cache_options co = EDGEFN_CACHE_OPTIONS_INIT;
  co.clock_ms = test_clock;
  edgefn_cache_fetcher_options fo = EDGEFN_CACHE_FETCHER_OPTIONS_INIT;
  fo.upstream_ops = &up_ops;
  fo.upstream_backend = &e->up;
  e->up.status = 200;
  e->up.body = "0123456789";
  if (edgefn_loop_new(&e->loop, NULL) != 0 || edgefn_cache_new(&e->cache, &co) != 0)
    return -1;
  return edgefn_cache_fetcher_new(&e->fetcher, e->loop, e->cache, &fo);
}

static void fenv_close(fenv *e) {
  edgefn_cache_fetcher_free(e->fetcher);
  edgefn_cache_free(e->cache);
  edgefn_loop_free(e->loop);
}

static void fetch(fenv *e, const char *method, const char *url, const edgefn_header *h, size_t n,
                  client *c) {
  memset(c, 0, sizeof(*c));
  edgefn_request req = EDGEFN_REQUEST_INIT;
  req.method = method;
  req.method_len = strlen(method);
  req.url = url;
  req.url_len = strlen(url);
  req.headers = h;
  req.header_count = n;
  edgefn_response_handler handler = {sizeof(handler), c_head, c_body, c_end};
  void *op;
  if (edgefn_cache_fetch_ops()->start(e->fetcher, e->loop, &req, &handler, c, &op) != 0)
    return;
  while (!c->ended)
    edgefn_loop_run(e->loop, EDGEFN_RUN_ONCE);
}

TEST(cache_fetcher_hit_miss_revalidate) {
  fenv e;
  ASSERT_EQ(fenv_open(&e), 0);
  edgefn_header rh[] = {H("Cache-Control", "max-age=10"), H("ETag", "\"v1\"")};
  e.up.headers = rh;
  e.up.header_count = 2;
  client c;
  fetch(&e, "GET", "http://o.test/a#frag", NULL, 0, &c);
  ASSERT_EQ(c.status, 200);
  ASSERT_STREQ(c.cache_status, "MISS");
  ASSERT_STREQ(c.body, "0123456789");
  ASSERT_EQ(edgefn_cache_entries(e.cache), 1);
  test_now += 4000;
  fetch(&e, "GET", "http://o.test/a", NULL, 0, &c);
  ASSERT_STREQ(c.cache_status, "HIT");
  ASSERT_STREQ(c.age, "4");
  ASSERT_STREQ(c.body, "0123456789");
  ASSERT_EQ(e.up.calls, 1);
  /* HEAD from the cached GET; then Range from the full response. */
  fetch(&e, "HEAD", "http://o.test/a", NULL, 0, &c);
  ASSERT_STREQ(c.cache_status, "HIT");
  ASSERT_STREQ(c.body, "");
  edgefn_header range[] = {H("Range", "bytes=2-4")};
  fetch(&e, "GET", "http://o.test/a", range, 1, &c);
  ASSERT_EQ(c.status, 206);
  ASSERT_STREQ(c.content_range, "bytes 2-4/10");
  ASSERT_STREQ(c.body, "234");
  edgefn_header bad_range[] = {H("Range", "bytes=20-")};
  fetch(&e, "GET", "http://o.test/a", bad_range, 1, &c);
  ASSERT_EQ(c.status, 416);
  ASSERT_STREQ(c.content_range, "bytes */10");
  ASSERT_EQ(e.up.calls, 1);
  /* Stale: revalidated with If-None-Match, the 304 refreshes it. */
  test_now += 10000;
  fetch(&e, "GET", "http://o.test/a", NULL, 0, &c);
  ASSERT_EQ(e.up.calls, 2);
  ASSERT_STREQ(e.up.last_inm, "\"v1\"");
  ASSERT_EQ(c.status, 200);
  ASSERT_STREQ(c.cache_status, "REVALIDATED");
  ASSERT_STREQ(c.body, "0123456789");
  fetch(&e, "GET", "http://o.test/a", NULL, 0, &c);
  ASSERT_STREQ(c.cache_status, "HIT");
  ASSERT_EQ(e.up.calls, 2);
  /* only-if-cached for something absent: 504 without contacting the origin. */
  edgefn_header oic[] = {H("Cache-Control", "only-if-cached")};
  fetch(&e, "GET", "http://o.test/absent", oic, 1, &c);
  ASSERT_EQ(c.status, 504);
  ASSERT_EQ(e.up.calls, 2);
  fenv_close(&e);
  return 0;
}

TEST(cache_fetcher_vary_and_no_store) {
  fenv e;
  ASSERT_EQ(fenv_open(&e), 0);
  edgefn_header rh[] = {H("Cache-Control", "max-age=100"), H("Vary", "Accept-Language")};
  e.up.headers = rh;
  e.up.header_count = 2;
  edgefn_header en[] = {H("Accept-Language", "en")};
  edgefn_header de[] = {H("Accept-Language", "de")};
  client c;
  fetch(&e, "GET", "http://o.test/v", en, 1, &c);
  fetch(&e, "GET", "http://o.test/v", en, 1, &c);
  ASSERT_STREQ(c.cache_status, "HIT");
  fetch(&e, "GET", "http://o.test/v", de, 1, &c);
  ASSERT_STREQ(c.cache_status, "MISS");
  ASSERT_EQ(e.up.calls, 2);
  edgefn_header ns[] = {H("Cache-Control", "no-store, max-age=100")};
  e.up.headers = ns;
  e.up.header_count = 1;
  fetch(&e, "GET", "http://o.test/ns", NULL, 0, &c);
  fetch(&e, "GET", "http://o.test/ns", NULL, 0, &c);
  ASSERT_STREQ(c.cache_status, "MISS");
  ASSERT_EQ(e.up.calls, 4);
  fenv_close(&e);
  return 0;
}

/* Each set of Vary'd request values keeps its own entry; invalidating the URL drops them all,
 * and they do not come back when the URL is stored again. */
TEST(cache_fetcher_vary_variants) {
  fenv e;
  ASSERT_EQ(fenv_open(&e), 0);
  edgefn_header rh[] = {H("Cache-Control", "max-age=100"), H("Vary", "Accept-Language")};
  e.up.headers = rh;
  e.up.header_count = 2;
  edgefn_header en[] = {H("Accept-Language", "en")};
  edgefn_header de[] = {H("Accept-Language", "de")};
  edgefn_header en_spaced[] = {H("accept-language", "  en ")};
  client c;
  fetch(&e, "GET", "http://o.test/v", en, 1, &c);
  fetch(&e, "GET", "http://o.test/v", de, 1, &c);
  fetch(&e, "GET", "http://o.test/v", NULL, 0, &c); /* absent is a value of its own */
  ASSERT_EQ(e.up.calls, 3);
  fetch(&e, "GET", "http://o.test/v", en, 1, &c);
  ASSERT_STREQ(c.cache_status, "HIT");
  fetch(&e, "GET", "http://o.test/v", de, 1, &c);
  ASSERT_STREQ(c.cache_status, "HIT");
  fetch(&e, "GET", "http://o.test/v", en_spaced, 1, &c);
  ASSERT_STREQ(c.cache_status, "HIT");
  fetch(&e, "GET", "http://o.test/v", NULL, 0, &c);
  ASSERT_STREQ(c.cache_status, "HIT");
  ASSERT_EQ(e.up.calls, 3);
  ASSERT_EQ(edgefn_cache_entries(e.cache), 4); /* the index and three variants */
  /* An unsafe method invalidates every variant at once. */
  fetch(&e, "POST", "http://o.test/v", NULL, 0, &c);
  ASSERT_EQ(e.up.calls, 4);
  fetch(&e, "GET", "http://o.test/v", de, 1, &c);
  ASSERT_STREQ(c.cache_status, "MISS");
  fetch(&e, "GET", "http://o.test/v", en, 1, &c);
  ASSERT_STREQ(c.cache_status, "MISS"); /* the old "en" variant stays unreachable */
  ASSERT_EQ(e.up.calls, 6);
  /* The origin stops varying: the plain entry replaces the index. */
  edgefn_header plain[] = {H("Cache-Control", "max-age=100")};
  e.up.headers = plain;
  e.up.header_count = 1;
  edgefn_header nc[] = {H("Accept-Language", "de"), H("Cache-Control", "no-cache")};
  fetch(&e, "GET", "http://o.test/v", nc, 2, &c);
  ASSERT_EQ(e.up.calls, 7);
  fetch(&e, "GET", "http://o.test/v", en, 1, &c);
  ASSERT_STREQ(c.cache_status, "HIT");
  ASSERT_EQ(e.up.calls, 7);
  fenv_close(&e);
  return 0;
}

TEST(cache_fetcher_invalidation) {
  fenv e;
  ASSERT_EQ(fenv_open(&e), 0);
  edgefn_header rh[] = {H("Cache-Control", "max-age=100")};
  e.up.headers = rh;
  e.up.header_count = 1;
  client c;
  fetch(&e, "GET", "http://o.test/x", NULL, 0, &c);
  fetch(&e, "GET", "http://o.test/y", NULL, 0, &c);
  fetch(&e, "GET", "http://other.test/y", NULL, 0, &c);
  ASSERT_EQ(edgefn_cache_entries(e.cache), 3);
  /* A successful POST invalidates its URL and same-origin Location targets. */
  edgefn_header loc[] = {H("Location", "/y")};
  e.up.headers = loc;
  fetch(&e, "POST", "http://o.test/x", NULL, 0, &c);
  ASSERT_STREQ(c.cache_status, "BYPASS");
  ASSERT_EQ(edgefn_cache_entries(e.cache), 1);
  edgefn_header cross[] = {H("Location", "http://other.test/y")};
  e.up.headers = cross;
  fetch(&e, "DELETE", "http://o.test/x", NULL, 0, &c);
  ASSERT_EQ(edgefn_cache_entries(e.cache), 1); /* another origin is left alone */
  fenv_close(&e);
  return 0;
}

TEST(cache_fetcher_stale_if_error) {
  fenv e;
  ASSERT_EQ(fenv_open(&e), 0);
  edgefn_header rh[] = {H("Cache-Control", "max-age=1, stale-if-error=60")};
  e.up.headers = rh;
  e.up.header_count = 1;
  client c;
  fetch(&e, "GET", "http://o.test/s", NULL, 0, &c);
  test_now += 5000;
  e.up.down = true; /* the origin is down: the stale copy is served */
  fetch(&e, "GET", "http://o.test/s", NULL, 0, &c);
  ASSERT_EQ(c.result, 0);
  ASSERT_EQ(c.status, 200);
  ASSERT_STREQ(c.cache_status, "STALE");
  ASSERT_STREQ(c.body, "0123456789");
  e.up.down = false;
  e.up.status = 503; /* and on a 5xx */
  fetch(&e, "GET", "http://o.test/s", NULL, 0, &c);
  ASSERT_EQ(c.status, 200);
  ASSERT_STREQ(c.cache_status, "STALE");
  test_now += 120000; /* beyond the window: the error passes through */
  fetch(&e, "GET", "http://o.test/s", NULL, 0, &c);
  ASSERT_EQ(c.status, 503);
  e.up.down = true;
  fetch(&e, "GET", "http://o.test/nothing", NULL, 0, &c);
  ASSERT_EQ(c.result, EDGEFN_ENETWORK);
  fenv_close(&e);
  return 0;
}
