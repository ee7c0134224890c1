/* Conformance runner: the HTTP caching tests (http-tests/cache-tests, flattened to
 * ../shared/conformance/http-cache/cache-tests.json) through a cache fetcher over the curl
 * backend. The runner plays the suite's origin itself: a local HTTP server that answers step
 * N of the current test with step N's configured response and records every request it saw,
 * the way the suite's own server does. Time is a fake clock shared by the cache and the
 * origin's dates; pause_after moves it 3 s instead of sleeping, so the suite runs in seconds.
 * argv[1] is the conformance folder; argv[2] (optional) runs only the test with that id. */
#define _GNU_SOURCE
#include <edgefn/edgefn.h>

#include <arpa/inet.h>
#include <jansson.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#ifndef HTTP_CACHE_KNOWN_FAILURES
#define HTTP_CACHE_KNOWN_FAILURES "tests/conformance/http-cache-known-failures.txt"
#endif

static _Atomic int64_t clock_ms;

static int64_t fake_clock(void *data) {
  (void)data;
  return atomic_load(&clock_ms);
}

static void http_date(int64_t ms, bool rfc850, char *out, size_t cap) {
  time_t t = (time_t)(ms / 1000);
  struct tm tm;
  gmtime_r(&t, &tm);
  if (!rfc850) {
    strftime(out, cap, "%a, %d %b %Y %H:%M:%S GMT", &tm);
    return;
  }
  char day[16], rest[32]; /* RFC 850 has a two-digit year */
  strftime(day, sizeof(day), "%A", &tm);
  strftime(rest, sizeof(rest), "%d-%b-", &tm);
  snprintf(out, cap, "%s, %s%02d %02d:%02d:%02d GMT", day, rest, tm.tm_year % 100, tm.tm_hour,
           tm.tm_min, tm.tm_sec);
}

/* ---- the origin ---- */

typedef struct origin_state {
  pthread_mutex_t lock;
  json_t *requests; /* the current test's steps */
  char path[256];   /* /test/<uuid> */
  char uuid[128];
  json_t *seen;     /* what the server saw: [{request_num, method, headers, response_headers}] */
  json_t *sent_validators; /* per step: {"last-modified": v, "etag": v} actually sent */
} origin_state;

static origin_state os = {.lock = PTHREAD_MUTEX_INITIALIZER};
static int listen_fd, origin_port;

static bool is_date_header(const char *n) {
  return !strcasecmp(n, "date") || !strcasecmp(n, "expires") || !strcasecmp(n, "last-modified") ||
         !strcasecmp(n, "if-modified-since") || !strcasecmp(n, "if-unmodified-since");
}

static bool listed(json_t *arr, const char *name) {
  size_t i;
  json_t *v;
  json_array_foreach(arr, i, v) if (json_is_string(v) && !strcasecmp(json_string_value(v), name))
      return true;
  return false;
}

/* The suite's header fix-up: numbers in date fields become HTTP-dates relative to `now_ms`;
 * with magic_locations, Location fields become paths under the test's URL. */
static void fixup_value(json_t *step, const char *name, json_t *value, int64_t now_ms,
                        const char *base, char *out, size_t cap) {
  if (json_is_integer(value) && is_date_header(name)) {
    bool rfc850 = listed(json_object_get(step, "rfc850date"), name);
    char lower[64];
    snprintf(lower, sizeof(lower), "%s", name);
    for (char *p = lower; *p; p++)
      *p = (char)(*p >= 'A' && *p <= 'Z' ? *p + 32 : *p);
    rfc850 = rfc850 || listed(json_object_get(step, "rfc850date"), lower);
    http_date(now_ms + json_integer_value(value) * 1000, rfc850, out, cap);
    return;
  }
  if (json_is_integer(value))
    snprintf(out, cap, "%lld", (long long)json_integer_value(value));
  else if (json_is_string(value))
    snprintf(out, cap, "%s", json_string_value(value));
  else
    out[0] = '\0';
  if (base && json_is_true(json_object_get(step, "magic_locations")) &&
      (!strcasecmp(name, "location") || !strcasecmp(name, "content-location"))) {
    char tmp[1024];
    if (out[0])
      snprintf(tmp, sizeof(tmp), "%s/%s", base, out);
    else
      snprintf(tmp, sizeof(tmp), "%s", base);
    snprintf(out, cap, "%s", tmp);
  }
}

/* MSG_NOSIGNAL: the cache may close an upstream connection before reading all of it (a
 * cancelled transfer); that must not kill the runner with SIGPIPE. */
static void write_all(int fd, const char *p, size_t len) {
  while (len) {
    ssize_t w = send(fd, p, len, MSG_NOSIGNAL);
    if (w <= 0)
      return;
    p += w;
    len -= (size_t)w;
  }
}

static void origin_handle(int c) {
  char buf[65536];
  size_t got = 0;
  char *end = NULL;
  while (got < sizeof(buf) - 1) {
    ssize_t r = read(c, buf + got, sizeof(buf) - 1 - got);
    if (r <= 0)
      break;
    got += (size_t)r;
    buf[got] = '\0';
    if ((end = strstr(buf, "\r\n\r\n")))
      break;
  }
  if (!end)
    return;
  *end = '\0';
  size_t body_off = (size_t)(end + 4 - buf);
  char method[16] = "", target[1024] = "";
  sscanf(buf, "%15s %1023s", method, target);
  json_t *headers = json_object();
  size_t clen = 0;
  int cli_num = 0;
  for (char *line = strstr(buf, "\r\n"); line && *line; line = strstr(line, "\r\n")) {
    line += 2;
    char *colon = strchr(line, ':');
    char *eol = strstr(line, "\r\n");
    if (!colon || (eol && colon > eol))
      continue;
    char name[128];
    size_t nl = (size_t)(colon - line) < sizeof(name) - 1 ? (size_t)(colon - line) : sizeof(name) - 1;
    for (size_t i = 0; i < nl; i++)
      name[i] = (char)(line[i] >= 'A' && line[i] <= 'Z' ? line[i] + 32 : line[i]);
    name[nl] = '\0';
    const char *v = colon + 1;
    while (*v == ' ')
      v++;
    size_t vl = eol ? (size_t)(eol - v) : strlen(v);
    char *value = strndup(v, vl);
    json_t *prev = json_object_get(headers, name);
    if (prev) { /* joined as Node does */
      char *joined;
      if (asprintf(&joined, "%s, %s", json_string_value(prev), value) > 0) {
        json_object_set_new(headers, name, json_string(joined));
        free(joined);
      }
    } else {
      json_object_set_new(headers, name, json_string(value));
    }
    if (!strcmp(name, "content-length"))
      clen = (size_t)atol(value);
    if (!strcmp(name, "req-num"))
      cli_num = atoi(value);
    free(value);
  }
  while (got < body_off + clen && got < sizeof(buf) - 1) {
    ssize_t r = read(c, buf + got, sizeof(buf) - 1 - got);
    if (r <= 0)
      break;
    got += (size_t)r;
  }

  pthread_mutex_lock(&os.lock);
  int srv_num = (int)json_array_size(os.seen) + 1;
  int num = cli_num ? cli_num : srv_num;
  json_t *step = os.requests ? json_array_get(os.requests, (size_t)num - 1) : NULL;
  if (!step || strncmp(target, os.path, strlen(os.path)) != 0) {
    pthread_mutex_unlock(&os.lock);
    json_decref(headers);
    const char *r = "HTTP/1.1 409 Conflict\r\nContent-Length: 0\r\nConnection: close\r\n\r\n";
    write_all(c, r, strlen(r));
    return;
  }
  json_t *pause = json_object_get(step, "response_pause");
  if (json_is_number(pause)) /* the origin is slow: time passes while it answers */
    atomic_fetch_add(&clock_ms, (int64_t)(json_number_value(pause) * 1000));
  int64_t now = atomic_load(&clock_ms);
  int status = 200;
  const char *reason = "OK";
  json_t *rs = json_object_get(step, "response_status");
  if (json_is_array(rs)) {
    status = (int)json_integer_value(json_array_get(rs, 0));
    reason = json_string_value(json_array_get(rs, 1));
    if (!reason)
      reason = "X";
  }
  const char *et = json_string_value(json_object_get(step, "expected_type"));
  if (et && strlen(et) > 9 && !strcmp(et + strlen(et) - 9, "validated") && num >= 2) {
    /* The suite's server compares with the previous step's configured values, which its
     * fix-up rewrote in place only if it answered that step. */
    json_t *prev = json_array_get(os.sent_validators, (size_t)num - 2);
    const char *lm = json_string_value(json_object_get(prev, "last-modified"));
    const char *etag = json_string_value(json_object_get(prev, "etag"));
    size_t pi;
    json_t *ph;
    json_array_foreach(json_object_get(json_array_get(os.requests, (size_t)num - 2),
                                       "response_headers"), pi, ph) {
      const char *pn = json_string_value(json_array_get(ph, 0));
      const char *pv = json_string_value(json_array_get(ph, 1));
      if (pn && pv && !lm && !strcasecmp(pn, "last-modified"))
        lm = pv;
      if (pn && pv && !etag && !strcasecmp(pn, "etag"))
        etag = pv;
    }
    const char *ims = json_string_value(json_object_get(headers, "if-modified-since"));
    const char *inm = json_string_value(json_object_get(headers, "if-none-match"));
    status = 999;
    reason = "304 Not Generated";
    if ((lm && ims && !strcmp(lm, ims)) || (etag && inm && !strcmp(etag, inm))) {
      status = 304;
      reason = "Not Modified";
    }
  }
  char head[16384];
  size_t o = (size_t)snprintf(head, sizeof(head),
                              "HTTP/1.1 %d %s\r\nServer-Base-Url: %s\r\n"
                              "Server-Request-Count: %d\r\nClient-Request-Count: %d\r\n"
                              "Server-Now: %lld\r\n",
                              status, reason, target, srv_num, cli_num, (long long)now);
  char base[1024];
  snprintf(base, sizeof(base), "%s", target);
  json_t *saved = json_array();
  json_t *validators = json_object();
  bool has_ct = false, has_cl = false, chunked = false;
  size_t i;
  json_t *h;
  json_array_foreach(json_object_get(step, "response_headers"), i, h) {
    const char *name = json_string_value(json_array_get(h, 0));
    if (!name)
      continue;
    char value[1024];
    fixup_value(step, name, json_array_get(h, 1), now, base, value, sizeof(value));
    if (o < sizeof(head))
      o += (size_t)snprintf(head + o, sizeof(head) - o, "%s: %s\r\n", name, value);
    if (json_array_size(h) < 3 || json_is_true(json_array_get(h, 2)))
      json_array_append_new(saved, json_pack("[ss]", name, value));
    if (!strcasecmp(name, "content-type"))
      has_ct = true;
    if (!strcasecmp(name, "content-length"))
      has_cl = true;
    if (!strcasecmp(name, "transfer-encoding"))
      chunked = true;
    if (!strcasecmp(name, "last-modified"))
      json_object_set_new(validators, "last-modified", json_string(value));
    if (!strcasecmp(name, "etag"))
      json_object_set_new(validators, "etag", json_string(value));
  }
  while (json_array_size(os.sent_validators) < (size_t)num)
    json_array_append_new(os.sent_validators, json_object());
  json_array_set_new(os.sent_validators, (size_t)num - 1, validators);
  const char *body = json_string_value(json_object_get(step, "response_body"));
  if (!body)
    body = os.uuid;
  if (status == 204 || status == 304 || !strcmp(method, "HEAD"))
    body = status == 204 || status == 304 ? "" : body;
  size_t blen = strlen(body);
  char cl[64] = "";
  if (!has_cl && !chunked)
    snprintf(cl, sizeof(cl), "Content-Length: %zu\r\n", status == 204 || status == 304 ? 0 : blen);
  if (o < sizeof(head))
    o += (size_t)snprintf(head + o, sizeof(head) - o, "%s%sConnection: close\r\n\r\n",
                          has_ct ? "" : "Content-Type: text/plain\r\n", cl);
  json_t *rec = json_pack("{s:i, s:s, s:o, s:o}", "request_num", cli_num, "request_method", method,
                          "request_headers", headers, "response_headers", saved);
  json_array_append_new(os.seen, rec);
  bool disconnect = json_is_true(json_object_get(step, "disconnect"));
  pthread_mutex_unlock(&os.lock);
  if (disconnect)
    return;
  write_all(c, head, o < sizeof(head) ? o : sizeof(head));
  if (strcmp(method, "HEAD") != 0 && status != 204 && status != 304) {
    if (chunked) {
      char sz[32];
      snprintf(sz, sizeof(sz), "%zx\r\n", blen);
      write_all(c, sz, strlen(sz));
      write_all(c, body, blen);
      write_all(c, "\r\n0\r\n\r\n", 7);
    } else {
      write_all(c, body, blen);
    }
  }
}

static volatile int origin_stop;

static void *origin_main(void *arg) {
  (void)arg;
  while (!origin_stop) {
    int c = accept(listen_fd, NULL, NULL);
    if (c < 0)
      continue;
    origin_handle(c);
    close(c);
  }
  return NULL;
}

/* ---- the client side ---- */

typedef struct response {
  bool ended;
  int result;
  int status;
  json_t *headers; /* lower-case name -> joined value */
  char *body;
  size_t body_len;
} response;

static void on_head(void *ud, const edgefn_response_head *head) {
  response *r = ud;
  r->status = head->status;
  for (size_t i = 0; i < head->header_count; i++) {
    char name[128];
    size_t nl = head->headers[i].name_len < 127 ? head->headers[i].name_len : 127;
    for (size_t k = 0; k < nl; k++) {
      char ch = head->headers[i].name[k];
      name[k] = (char)(ch >= 'A' && ch <= 'Z' ? ch + 32 : ch);
    }
    name[nl] = '\0';
    char *v = strndup(head->headers[i].value, head->headers[i].value_len);
    json_t *prev = json_object_get(r->headers, name);
    if (prev) {
      char *joined;
      if (asprintf(&joined, "%s, %s", json_string_value(prev), v) > 0) {
        json_object_set_new(r->headers, name, json_string(joined));
        free(joined);
      }
    } else {
      json_object_set_new(r->headers, name, json_string(v));
    }
    free(v);
  }
}

static void on_body(void *ud, const uint8_t *data, size_t len) {
  response *r = ud;
  r->body = realloc(r->body, r->body_len + len + 1);
  memcpy(r->body + r->body_len, data, len);
  r->body_len += len;
  r->body[r->body_len] = '\0';
}

static void on_end(void *ud, int result) {
  response *r = ud;
  r->ended = true;
  r->result = result;
}

typedef struct runner {
  edgefn_loop *loop;
  void *curl;
  edgefn_cache *cache;
  void *fetcher;
} runner;

#define CHECK(cond, ...)                                           \
  do {                                                             \
    if (!(cond)) {                                                 \
      snprintf(reason, reason_cap, __VA_ARGS__);                   \
      goto fail;                                                   \
    }                                                              \
  } while (0)

static const char *hget(json_t *headers, const char *name) {
  char lower[128];
  snprintf(lower, sizeof(lower), "%s", name);
  for (char *p = lower; *p; p++)
    *p = (char)(*p >= 'A' && *p <= 'Z' ? *p + 32 : *p);
  return json_string_value(json_object_get(headers, lower));
}

static bool run_test(runner *rn, json_t *test, int serial, char *reason, size_t reason_cap) {
  json_t *steps = json_object_get(test, "requests");
  const char *id = json_string_value(json_object_get(test, "id"));
  pthread_mutex_lock(&os.lock);
  json_decref(os.requests);
  json_decref(os.seen);
  json_decref(os.sent_validators);
  os.requests = json_incref(steps);
  os.seen = json_array();
  os.sent_validators = json_array();
  snprintf(os.uuid, sizeof(os.uuid), "u%d-%s", serial, id);
  snprintf(os.path, sizeof(os.path), "/test/%s", os.uuid);
  pthread_mutex_unlock(&os.lock);
  size_t nsteps = json_array_size(steps);
  response *resp = calloc(nsteps, sizeof(*resp));
  bool ok = false;
  for (size_t i = 0; i < nsteps; i++) {
    json_t *step = json_array_get(steps, i);
    int num = (int)i + 1;
    char url[2048];
    int ul = snprintf(url, sizeof(url), "http://127.0.0.1:%d%s", origin_port, os.path);
    const char *fn = json_string_value(json_object_get(step, "filename"));
    const char *qa = json_string_value(json_object_get(step, "query_arg"));
    if (fn)
      ul += snprintf(url + ul, sizeof(url) - (size_t)ul, "/%s", fn);
    if (qa)
      snprintf(url + ul, sizeof(url) - (size_t)ul, "?%s", qa);
    /* Request headers as the suite's client sends them. */
    edgefn_header hs[64];
    char store[64][1024];
    size_t hn = 0;
    hs[hn++] = (edgefn_header){"Pragma", 6, "foo", 3};
    hs[hn++] = (edgefn_header){"Cache-Control", 13, "nothing-to-see-here", 19};
    size_t k;
    json_t *h;
    const char *prev_now = i > 0 ? hget(resp[i - 1].headers, "server-now") : NULL;
    json_array_foreach(json_object_get(step, "request_headers"), k, h) {
      if (hn >= 60)
        break;
      const char *name = json_string_value(json_array_get(h, 0));
      json_t *v = json_array_get(h, 1);
      if (json_is_true(json_object_get(step, "magic_ims")) && !strcasecmp(name, "if-modified-since") &&
          json_is_integer(v))
        fixup_value(step, name, v, prev_now ? atoll(prev_now) : 0, NULL, store[hn], 1024);
      else if (json_is_integer(v))
        snprintf(store[hn], 1024, "%lld", (long long)json_integer_value(v));
      else
        snprintf(store[hn], 1024, "%s", json_string_value(v) ? json_string_value(v) : "");
      hs[hn] = (edgefn_header){name, strlen(name), store[hn], strlen(store[hn])};
      hn++;
    }
    const char *tname = json_string_value(json_object_get(test, "name"));
    snprintf(store[hn], 1024, "%s", tname ? tname : "");
    hs[hn] = (edgefn_header){"Test-Name", 9, store[hn], strlen(store[hn])};
    hn++;
    hs[hn++] = (edgefn_header){"Test-ID", 7, id, strlen(id)};
    snprintf(store[hn], 1024, "%d", num);
    hs[hn] = (edgefn_header){"Req-Num", 7, store[hn], strlen(store[hn])};
    hn++;
    const char *method = json_string_value(json_object_get(step, "request_method"));
    const char *rbody = json_string_value(json_object_get(step, "request_body"));
    edgefn_request req = EDGEFN_REQUEST_INIT;
    req.method = method ? method : "GET";
    req.method_len = strlen(req.method);
    req.url = url;
    req.url_len = strlen(url);
    req.headers = hs;
    req.header_count = hn;
    req.body = (const uint8_t *)rbody;
    req.body_len = rbody ? strlen(rbody) : 0;
    response *r = &resp[i];
    r->headers = json_object();
    edgefn_response_handler handler = {sizeof(handler), on_head, on_body, on_end};
    void *op = NULL;
    int rc = edgefn_cache_fetch_ops()->start(rn->fetcher, rn->loop, &req, &handler, r, &op);
    CHECK(rc == 0, "request %d: start failed: %s", num, edgefn_strerror(rc));
    while (!r->ended)
      edgefn_loop_run(rn->loop, EDGEFN_RUN_ONCE);
    /* Background revalidations finish before the next step. */
    edgefn_loop_run(rn->loop, EDGEFN_RUN_DEFAULT);
    bool expect_no_status = json_object_get(step, "expected_status") &&
                            json_is_null(json_object_get(step, "expected_status"));
    if (r->result != 0 && !expect_no_status)
      CHECK(false, "request %d failed: %s", num, edgefn_strerror(r->result));

    /* checkResponse */
    const char *type = json_string_value(json_object_get(step, "expected_type"));
    const char *src = hget(r->headers, "server-request-count");
    int res_num = src ? atoi(src) : -1;
    if (type && !strcmp(type, "cached") && !(r->status == 304 && !src))
      CHECK(src && res_num < num, "Response %d does not come from cache", num);
    if (type && !strcmp(type, "not_cached"))
      CHECK(src && res_num == num, "Response %d comes from cache", num);
    json_t *es = json_object_get(step, "expected_status");
    json_t *rs = json_object_get(step, "response_status");
    if (es) {
      if (!json_is_null(es))
        CHECK(r->status == json_integer_value(es), "Response %d status is %d, not %lld", num,
              r->status, (long long)json_integer_value(es));
    } else if (rs) {
      CHECK(r->status == json_integer_value(json_array_get(rs, 0)),
            "Response %d status is %d, not %lld", num, r->status,
            (long long)json_integer_value(json_array_get(rs, 0)));
    } else if (r->status == 999) {
      CHECK(false, "Request %d should have been conditional, but it was not.", num);
    } else {
      CHECK(r->status == 200, "Response %d status is %d, not 200", num, r->status);
    }
    json_array_foreach(json_object_get(step, "expected_response_headers"), k, h) {
      if (json_is_string(h)) {
        CHECK(hget(r->headers, json_string_value(h)), "Response %d %s header not present.", num,
              json_string_value(h));
      } else if (json_array_size(h) > 2) {
        const char *name = json_string_value(json_array_get(h, 0));
        const char *op2 = json_string_value(json_array_get(h, 1));
        const char *val = hget(r->headers, name);
        CHECK(val, "Response %d %s header not present.", num, name);
        if (!strcmp(op2, "=")) {
          const char *other = hget(r->headers, json_string_value(json_array_get(h, 2)));
          CHECK(other && !strcmp(val, other), "Response %d header %s is %s, should match %s", num,
                name, val, json_string_value(json_array_get(h, 2)));
        } else {
          CHECK(atoll(val) > json_integer_value(json_array_get(h, 2)),
                "Response %d header %s is %s, should be bigger", num, name, val);
        }
      } else {
        const char *name = json_string_value(json_array_get(h, 0));
        char want[1024];
        const char *sn = hget(r->headers, "server-now");
        fixup_value(step, name, json_array_get(h, 1), sn ? atoll(sn) : 0,
                    hget(r->headers, "server-base-url"), want, sizeof(want));
        const char *val = hget(r->headers, name);
        CHECK(val && !strcmp(val, want), "Response %d header %s is \"%.200s\", not \"%.200s\"", num, name,
              val ? val : "(none)", want);
      }
    }
    json_array_foreach(json_object_get(step, "expected_response_headers_missing"), k, h) {
      if (json_is_string(h))
        CHECK(!hget(r->headers, json_string_value(h)),
              "Response %d includes unexpected header %s: \"%s\"", num, json_string_value(h),
              hget(r->headers, json_string_value(h)));
    }
    json_t *cb = json_object_get(step, "check_body");
    json_t *ert = json_object_get(step, "expected_response_text");
    const char *rb = json_string_value(json_object_get(step, "response_body"));
    const char *got = r->body ? r->body : "";
    if (cb && json_is_false(cb)) {
    } else if (ert) {
      if (json_is_string(ert))
        CHECK(!strcmp(got, json_string_value(ert)), "Response body is \"%.80s\", not \"%.80s\"",
              got, json_string_value(ert));
    } else if (rb) {
      CHECK(!strcmp(got, rb), "Response body is \"%.80s\", not \"%.80s\"", got, rb);
    } else if (r->status != 204 && r->status != 304 && !(method && !strcmp(method, "HEAD"))) {
      CHECK(!strcmp(got, os.uuid), "Response body is \"%.80s\", not \"%s\"", got, os.uuid);
    }
    if (json_is_true(json_object_get(step, "pause_after")))
      atomic_fetch_add(&clock_ms, 3000);
  }
  {
    /* checkServerRequests */
    pthread_mutex_lock(&os.lock);
    json_t *seen = json_incref(os.seen);
    pthread_mutex_unlock(&os.lock);
    size_t ti = 0;
    for (size_t i = 0; i < nsteps; i++) {
      json_t *step = json_array_get(steps, i);
      int num = (int)i + 1;
      const char *type = json_string_value(json_object_get(step, "expected_type"));
      json_t *sr = json_array_get(seen, ti);
      if (type && !strcmp(type, "cached"))
        continue;
      bool bad = false;
      char msg[512] = "";
      if (type && !strcmp(type, "not_cached") &&
          (!sr || json_integer_value(json_object_get(sr, "request_num")) != num)) {
        bad = true;
        snprintf(msg, sizeof(msg), "Response %d comes from cache", num);
      }
      ti++;
      json_t *rh = json_object_get(sr, "request_headers");
      if (!bad && type && (!strcmp(type, "etag_validated") || !strcmp(type, "lm_validated"))) {
        const char *vh = type[0] == 'e' ? "if-none-match" : "if-modified-since";
        if (!sr || !json_object_get(rh, vh)) {
          bad = true;
          snprintf(msg, sizeof(msg), "request %d doesn't have %s header", num, vh);
        }
      }
      size_t k;
      json_t *h;
      json_array_foreach(json_object_get(step, "expected_request_headers"), k, h) {
        if (bad)
          break;
        if (json_is_string(h)) {
          if (!hget(rh, json_string_value(h))) {
            bad = true;
            snprintf(msg, sizeof(msg), "Request %d %s header not present.", num,
                     json_string_value(h));
          }
        } else {
          const char *v = hget(rh, json_string_value(json_array_get(h, 0)));
          const char *want = json_string_value(json_array_get(h, 1));
          if (!v || !want || strcmp(v, want)) {
            bad = true;
            snprintf(msg, sizeof(msg), "Request %d header %s is \"%s\", not \"%s\"", num,
                     json_string_value(json_array_get(h, 0)), v ? v : "(none)",
                     want ? want : "");
          }
        }
      }
      json_array_foreach(json_object_get(step, "expected_request_headers_missing"), k, h) {
        if (bad)
          break;
        const char *name = json_is_string(h) ? json_string_value(h)
                                             : json_string_value(json_array_get(h, 0));
        const char *v = hget(rh, name);
        if (json_is_string(h) ? v != NULL
                              : (v && !strcmp(v, json_string_value(json_array_get(h, 1))))) {
          bad = true;
          snprintf(msg, sizeof(msg), "Request %d %s header present.", num, name);
        }
      }
      if (!bad && sr) {
        json_array_foreach(json_object_get(sr, "response_headers"), k, h) {
          const char *name = json_string_value(json_array_get(h, 0));
          if (!strcasecmp(name, "date"))
            continue;
          /* Lines the origin repeated are compared joined, as the suite does. */
          char want[2048] = "";
          size_t kk;
          json_t *h2;
          json_array_foreach(json_object_get(sr, "response_headers"), kk, h2) {
            if (strcasecmp(json_string_value(json_array_get(h2, 0)), name) != 0)
              continue;
            size_t wl = strlen(want);
            snprintf(want + wl, sizeof(want) - wl, "%s%s", wl ? ", " : "",
                     json_string_value(json_array_get(h2, 1)));
          }
          const char *v = hget(resp[i].headers, name);
          if (!v || strcmp(v, want) != 0) {
            bad = true;
            snprintf(msg, sizeof(msg), "Response %d header %s is \"%s\", not \"%s\"", num, name,
                     v ? v : "(none)", want);
            break;
          }
        }
      }
      const char *em = json_string_value(json_object_get(step, "expected_method"));
      if (!bad && em && (!sr || strcmp(json_string_value(json_object_get(sr, "request_method")), em))) {
        bad = true;
        snprintf(msg, sizeof(msg), "Request %d had method other than %s", num, em);
      }
      if (!bad && json_object_get(step, "expected_interim_responses")) {
        bad = true;
        snprintf(msg, sizeof(msg), "interim responses are not passed on by the fetch backend");
      }
      if (bad) {
        json_decref(seen);
        snprintf(reason, reason_cap, "%s", msg);
        goto fail;
      }
    }
    json_decref(seen);
  }
  ok = true;
fail:
  for (size_t i = 0; i < nsteps; i++) {
    json_decref(resp[i].headers);
    free(resp[i].body);
  }
  free(resp);
  return ok;
}

/* ---- known failures ---- */

static char **known;
static size_t known_n;

static void load_known(void) {
  FILE *fp = fopen(HTTP_CACHE_KNOWN_FAILURES, "r");
  if (!fp)
    return;
  char line[1024];
  while (fgets(line, sizeof(line), fp)) {
    if (line[0] == '#' || line[0] == '\n')
      continue;
    char id[256];
    if (sscanf(line, "%255s", id) == 1) {
      known = realloc(known, (known_n + 1) * sizeof(*known));
      known[known_n++] = strdup(id);
    }
  }
  fclose(fp);
}

static bool is_known(const char *id) {
  for (size_t i = 0; i < known_n; i++)
    if (!strcmp(known[i], id))
      return true;
  return false;
}

int main(int argc, char **argv) {
  const char *dir = argc > 1 ? argv[1] : "../shared/conformance";
  const char *only = argc > 2 ? argv[2] : NULL;
  char path[1024];
  snprintf(path, sizeof(path), "%s/http-cache/cache-tests.json", dir);
  json_error_t jerr;
  json_t *suites = json_load_file(path, 0, &jerr);
  if (!suites) {
    printf("skip - %s not found\n0 passed, 0 failed, 1 skipped\n", path);
    return 0;
  }
  load_known();
  listen_fd = socket(AF_INET, SOCK_STREAM, 0);
  struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = 0};
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t alen = sizeof(a);
  struct timeval tv = {0, 200000}; /* accept wakes up to notice origin_stop */
  setsockopt(listen_fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
  if (bind(listen_fd, (struct sockaddr *)&a, sizeof(a)) != 0 || listen(listen_fd, 64) != 0 ||
      getsockname(listen_fd, (struct sockaddr *)&a, &alen) != 0) {
    printf("not ok - cannot listen\n0 passed, 1 failed\n");
    return 1;
  }
  origin_port = ntohs(a.sin_port);
  pthread_t th;
  pthread_create(&th, NULL, origin_main, NULL);
  atomic_store(&clock_ms, (int64_t)time(NULL) * 1000);

  runner rn = {0};
  edgefn_loop_new(&rn.loop, NULL);
  edgefn_curl_options co = EDGEFN_CURL_OPTIONS_INIT;
  co.policy = EDGEFN_FETCH_ALLOW_LOOPBACK;
  edgefn_curl_backend_new(&rn.curl, rn.loop, &co);
  edgefn_cache_options cop = EDGEFN_CACHE_OPTIONS_INIT;
  cop.clock_ms = fake_clock;
  edgefn_cache_new(&rn.cache, &cop);
  edgefn_cache_fetcher_options fo = EDGEFN_CACHE_FETCHER_OPTIONS_INIT;
  fo.upstream_ops = edgefn_curl_fetch_ops();
  fo.upstream_backend = rn.curl;
  if (!rn.loop || !rn.curl || !rn.cache ||
      edgefn_cache_fetcher_new(&rn.fetcher, rn.loop, rn.cache, &fo) != 0) {
    printf("not ok - setup failed\n0 passed, 1 failed\n");
    return 1;
  }

  const char *kinds[3] = {"required", "optimal", "check"};
  int pass[3] = {0}, total[3] = {0};
  int passed = 0, failed = 0, skipped = 0, serial = 0;
  json_t *results = json_object(); /* id -> true/false, for depends_on */
  size_t si, ti;
  json_t *suite, *test;
  json_array_foreach(suites, si, suite) {
    json_array_foreach(json_object_get(suite, "tests"), ti, test) {
      const char *id = json_string_value(json_object_get(test, "id"));
      if (only && strcmp(only, id) != 0)
        continue;
      if (json_is_true(json_object_get(test, "browser_only")))
        continue; /* this is a shared cache */
      const char *kind = json_string_value(json_object_get(test, "kind"));
      int ki = !kind || !strcmp(kind, "required") ? 0 : !strcmp(kind, "optimal") ? 1 : 2;
      char reason[1024] = "";
      bool ok = true;
      size_t di;
      json_t *dep;
      json_array_foreach(json_object_get(test, "depends_on"), di, dep) {
        json_t *r = json_object_get(results, json_string_value(dep));
        if (r && json_is_false(r)) {
          ok = false;
          snprintf(reason, sizeof(reason), "depends on %s, which failed", json_string_value(dep));
        }
      }
      if (ok)
        ok = run_test(&rn, test, ++serial, reason, sizeof(reason));
      json_object_set_new(results, id, json_boolean(ok));
      total[ki]++;
      if (ok) {
        pass[ki]++;
        printf("ok %s %s\n", kinds[ki], id);
        if (ki == 0)
          passed++;
      } else if (ki == 0 && is_known(id)) {
        printf("known FAIL %s: %s\n", id, reason);
        skipped++;
      } else {
        printf("FAIL %s %s: %s\n", kinds[ki], id, reason);
        if (ki == 0)
          failed++;
      }
    }
  }
  printf("required: %d/%d passed, optimal: %d/%d passed, check: %d/%d\n", pass[0], total[0],
         pass[1], total[1], pass[2], total[2]);
  printf("%d passed, %d failed, %d skipped\n", passed, failed, skipped);
  edgefn_cache_fetcher_free(rn.fetcher);
  edgefn_curl_backend_free(rn.curl);
  edgefn_cache_free(rn.cache);
  edgefn_loop_free(rn.loop);
  origin_stop = 1;
  pthread_join(th, NULL);
  close(listen_fd);
  json_decref(results);
  json_decref(suites);
  pthread_mutex_lock(&os.lock);
  json_decref(os.requests);
  json_decref(os.seen);
  json_decref(os.sent_validators);
  pthread_mutex_unlock(&os.lock);
  for (size_t i = 0; i < known_n; i++)
    free(known[i]);
  free(known);
  return failed ? 1 : 0;
}
