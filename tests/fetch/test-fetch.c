/* fetch() through the curl backend against a real origin on 127.0.0.1. */
#define _GNU_SOURCE
#include <edgefn/fetch.h>

#include "fetch/origin.h"
#include "js/harness.h"
#include "test.h"

typedef struct fetch_env {
  edgefn_loop *loop;
  void *backend;
  edgefn_script *script;
  edgefn_runtime *rt;
  log_capture log;
  origin o;
} fetch_env;

/* `body` is the handler's body: it sees BASE (the origin's URL, no trailing slash) and
 * must call respond(string). */
static uint32_t fenv_cpu_limit_ms; /* 0 = the default */

static int fenv_open(fetch_env *f, const char *body, uint32_t policy, size_t max_body,
                     uint32_t subrequest_limit) {
  memset(f, 0, sizeof(*f));
  if (origin_start(&f->o) != 0 || edgefn_loop_new(&f->loop, NULL) != 0)
    return -1;
  edgefn_curl_options co = EDGEFN_CURL_OPTIONS_INIT;
  co.policy = policy;
  co.max_response_body = max_body;
  if (edgefn_curl_backend_new(&f->backend, f->loop, &co) != 0)
    return -1;
  char src[8192];
  snprintf(src, sizeof(src),
           "var BASE = 'http://127.0.0.1:%d';\n"
           "addEventListener('fetch', function (e) {\n"
           "  e.respondWith(new Promise(function (respond) {\n"
           "    var done = function (s) { respond(new Response(String(s))); };\n"
           "    var fail = function (err) { done('ERR ' + err.name + ': ' + err.message); };\n"
           "    %s\n"
           "  }));\n"
           "});",
           f->o.port, body);
  edgefn_script_options so = EDGEFN_SCRIPT_OPTIONS_INIT;
  so.source = src;
  so.source_len = strlen(src);
  edgefn_error_info err = EDGEFN_ERROR_INFO_INIT;
  if (edgefn_script_new(&f->script, &so, &err) != 0) {
    fprintf(stderr, "%s\n", err.message);
    return -1;
  }
  edgefn_runtime_options ro = EDGEFN_RUNTIME_OPTIONS_INIT;
  ro.log = h_log;
  ro.log_user_data = &f->log;
  ro.fetch_ops = edgefn_curl_fetch_ops();
  ro.fetch_backend = f->backend;
  ro.subrequest_limit = subrequest_limit;
  ro.cpu_limit_ms = fenv_cpu_limit_ms;
  return edgefn_runtime_new(&f->rt, f->loop, f->script, &ro, &err);
}

static void fenv_close(fetch_env *f) {
  edgefn_runtime_free(f->rt);
  edgefn_curl_backend_free(f->backend);
  edgefn_script_free(f->script);
  edgefn_loop_free(f->loop);
  origin_stop(&f->o);
}

static int fenv_run(fetch_env *f, collected *c) {
  memset(c, 0, sizeof(*c));
  edgefn_request req = EDGEFN_REQUEST_INIT;
  req.url = "http://client.example/";
  req.url_len = strlen(req.url);
  int rc = edgefn_runtime_dispatch(f->rt, &req, &h_handler, c);
  while (rc == 0 && !c->ended)
    edgefn_loop_run(f->loop, EDGEFN_RUN_ONCE);
  return rc;
}

static double ms_now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

/* Runs `body` against a fresh origin and compares the string the script answered with. */
static int expect_fetch(const char *body, uint32_t policy, const char *expected) {
  fetch_env f;
  if (fenv_open(&f, body, policy, 0, 0) != 0)
    return 1;
  collected c;
  int rc = fenv_run(&f, &c);
  int bad = rc != 0 || !c.body || strcmp(c.body, expected) != 0;
  if (bad)
    fprintf(stderr, "fetch script: %s\n  expected: %s\n  got:      %s\n  log: %s\n", body,
            expected, c.body ? c.body : "(none)", f.log.text);
  collected_free(&c);
  fenv_close(&f);
  return bad;
}

TEST(fetch_basic) {
  ASSERT_EQ(expect_fetch("fetch(BASE + '/hi?x=1').then(function (r) {\n"
                         "  return r.text().then(function (t) {\n"
                         "    done([r.status, r.ok, r.headers.get('x-origin'), t,\n"
                         "      r.url === BASE + '/hi?x=1', r.redirected].join('|'));\n"
                         "  });\n"
                         "}, fail);",
                         EDGEFN_FETCH_ALLOW_LOOPBACK, "200|true|test|hello /hi?x=1|true|false"),
            0);
  ASSERT_EQ(expect_fetch("fetch(new Request(BASE + '/echo', {method: 'PUT', body: 'payload'}))"
                         ".then(function (r) { return r.text(); }).then(done, fail);",
                         EDGEFN_FETCH_ALLOW_LOOPBACK, "PUT payload"),
            0);
  return 0;
}

/* Streams with fetch(): a request body given as a ReadableStream is read and sent; a
 * response body piped through a TransformStream reaches the script. */
TEST(fetch_stream_bodies) {
  ASSERT_EQ(expect_fetch("var enc = new TextEncoder();\n"
                         "var rs = new ReadableStream({start: function (c) {\n"
                         "  c.enqueue(enc.encode('stre')); c.enqueue(enc.encode('amed'));\n"
                         "  c.close(); }});\n"
                         "fetch(BASE + '/echo', {method: 'POST', body: rs, duplex: 'half'})\n"
                         "  .then(function (r) { return r.text(); }).then(done, fail);",
                         EDGEFN_FETCH_ALLOW_LOOPBACK, "POST streamed"),
            0);
  ASSERT_EQ(expect_fetch("var up = new TransformStream({transform: function (ch, c) {\n"
                         "  c.enqueue(new TextEncoder().encode(\n"
                         "    new TextDecoder().decode(ch).toUpperCase())); }});\n"
                         "fetch(BASE + '/hi').then(function (r) {\n"
                         "  return new Response(r.body.pipeThrough(up)).text();\n"
                         "}).then(done, fail);",
                         EDGEFN_FETCH_ALLOW_LOOPBACK, "HELLO /HI"),
            0);
  return 0;
}

/* A fetch() response body is a byte stream (issue 5): a BYOB reader reads it into the
 * script's views, each read detaching the view it was given and resolving with a new one
 * on the same bytes; min fills a view across chunks; a BYOB reader can cancel it; a tee of
 * it gives two byte streams with their own copies of the bytes. The bytes are checked by
 * decoding them (a per-byte loop in JS used most of the 200 ms CPU limit under ASan). */
TEST(fetch_body_byob) {
  ASSERT_EQ(expect_fetch("fetch(BASE + '/big/300000').then(function (r) {\n"
                         "  var rd = r.body.getReader({mode: 'byob'}), total = 0, reads = 0;\n"
                         "  var view = new Uint8Array(65536), ok = true, dec = new TextDecoder();\n"
                         "  function step() { var given = view;\n"
                         "    return rd.read(view).then(function (x) {\n"
                         "      if (given.byteLength !== 0 || x.value.buffer === given.buffer) ok = false;\n"
                         "      if (x.done) return;\n"
                         "      if (/[^x]/.test(dec.decode(x.value))) ok = false;\n"
                         "      total += x.value.byteLength; reads++;\n"
                         "      view = new Uint8Array(x.value.buffer); return step(); }); }\n"
                         "  return step().then(function () {\n"
                         "    done([total, reads > 4, ok, r.bodyUsed].join('|')); });\n"
                         "}).catch(fail);",
                         EDGEFN_FETCH_ALLOW_LOOPBACK, "300000|true|true|true"),
            0);
  ASSERT_EQ(expect_fetch("fetch(BASE + '/big/200000').then(function (r) {\n"
                         "  var rd = r.body.getReader({mode: 'byob'});\n"
                         "  return rd.read(new Uint8Array(150000), {min: 150000}).then(function (x) {\n"
                         "    return rd.cancel('enough').then(function () {\n"
                         "      return rd.read(new Uint8Array(4)); }).then(function (y) {\n"
                         "      done([x.value.byteLength, x.done, y.done, y.value.byteLength].join('|'));\n"
                         "    }); });\n"
                         "}).catch(fail);",
                         EDGEFN_FETCH_ALLOW_LOOPBACK, "150000|false|true|0"),
            0);
  ASSERT_EQ(expect_fetch("fetch(BASE + '/hi').then(function (r) {\n"
                         "  var b = r.body.tee();\n"
                         "  var r1 = b[0].getReader({mode: 'byob'}), r2 = b[1].getReader();\n"
                         "  return Promise.all([r1.read(new Uint8Array(64)), r2.read()]).then(function (a) {\n"
                         "    var t = new TextDecoder();\n"
                         "    a[0].value[0] = 72;\n"
                         "    done([t.decode(a[0].value), t.decode(a[1].value),\n"
                         "      a[0].value.buffer !== a[1].value.buffer].join('|')); });\n"
                         "}).catch(fail);",
                         EDGEFN_FETCH_ALLOW_LOOPBACK, "Hello /hi|hello /hi|true"),
            0);
  return 0;
}

/* A small body arrives whole before the script sees the head and is handed over as bytes;
 * a long one is streamed as it arrives. A script sees the same Response either way: a
 * byte stream for `body` (the same object each time), bodyUsed false until read, clone()
 * and text() giving the bytes, and a used body refusing a second read. */
TEST(fetch_whole_and_streamed_bodies_look_alike) {
  static const char probe[] =
      "function probe(path, expectLen) {\n"
      "  return fetch(BASE + path).then(function (r) {\n"
      "    var b = r.body, out = [b instanceof ReadableStream, b === r.body, r.bodyUsed];\n"
      "    var c = r.clone();\n"
      "    return Promise.all([c.arrayBuffer(), r.arrayBuffer()]).then(function (a) {\n"
      "      out.push(a[0].byteLength === expectLen, a[1].byteLength === expectLen,\n"
      "               r.bodyUsed);\n"
      "      return r.text().then(function () { out.push('reread'); },\n"
      "                           function (e) { out.push(e.name); });\n"
      "    }).then(function () {\n"
      "      return out.join(',');\n"
      "    });\n"
      "  });\n"
      "}\n"
      "Promise.all([probe('/hi', 9), probe('/stream/3000000', 3000000)]).then(function (x) {\n"
      "  done(x.join('|')); }).catch(fail);";
  fenv_cpu_limit_ms = 5000;
  int rc = expect_fetch(probe, EDGEFN_FETCH_ALLOW_LOOPBACK,
                        "true,true,false,true,true,true,TypeError|"
                        "true,true,false,true,true,true,TypeError");
  fenv_cpu_limit_ms = 0;
  ASSERT_EQ(rc, 0);
  /* The same through a BYOB reader: both are byte streams. */
  ASSERT_EQ(expect_fetch("function byob(path) {\n"
                         "  return fetch(BASE + path).then(function (r) {\n"
                         "    var rd = r.body.getReader({mode: 'byob'}), n = 0;\n"
                         "    function step() { return rd.read(new Uint8Array(65536)).then(\n"
                         "      function (x) { if (x.done) return n; n += x.value.byteLength;\n"
                         "        return step(); }); }\n"
                         "    return step(); }); }\n"
                         "Promise.all([byob('/hi'), byob('/stream/300000')]).then(function (x) {\n"
                         "  done(x.join('|')); }).catch(fail);",
                         EDGEFN_FETCH_ALLOW_LOOPBACK, "9|300000"),
            0);
  return 0;
}

/* fetch() follows the signal a Request was made with (its init's, or the Request it was
 * copied from), and none when it was made without one, even after a script read the
 * `signal` getter (which makes a signal nothing can abort). */
TEST(fetch_follows_the_request_signal) {
  ASSERT_EQ(expect_fetch("var c = new AbortController(), out = [];\n"
                         "var r1 = new Request(BASE + '/delay/2000', {signal: c.signal});\n"
                         "var r2 = new Request(r1);\n"
                         "var r3 = new Request(BASE + '/hi'); var s3 = r3.signal;\n"
                         "var gone = new AbortController(); gone.abort();\n"
                         "var p1 = fetch(r1).then(function () { return 'done'; },\n"
                         "  function (e) { return e.name; });\n"
                         "var p2 = fetch(r2).then(function () { return 'done'; },\n"
                         "  function (e) { return e.name; });\n"
                         "var p3 = fetch(r3).then(function (r) { return r.text(); });\n"
                         "var p4 = fetch(BASE + '/hi', {signal: gone.signal}).then(\n"
                         "  function () { return 'done'; }, function (e) { return e.name; });\n"
                         "setTimeout(function () { c.abort(); }, 20);\n"
                         "Promise.all([p1, p2, p3, p4]).then(function (x) {\n"
                         "  done(x.concat([s3.aborted, r3.signal === s3]).join('|')); }, fail);",
                         EDGEFN_FETCH_ALLOW_LOOPBACK,
                         "AbortError|AbortError|hello /hi|AbortError|false|true"),
            0);
  return 0;
}

/* An origin body the script does not read is not buffered whole: the backend is paused
 * once the body stream holds its high-water mark. Request 1 keeps the Response (and, with
 * waitUntil, the transfer) alive; request 2 reads it. */
TEST(fetch_body_backpressure) {
  fetch_env f;
  /* Moving 8 MB through the body stream is charged to request 1, whose waitUntil keeps
   * the transfer: give it room on a loaded machine (a breach would end it early). */
  fenv_cpu_limit_ms = 5000;
  int open_rc = fenv_open(&f,
                      "if (new URL(e.request.url).pathname === '/read') {\n"
                      "  globalThis.held.arrayBuffer().then(function (ab) {\n"
                      "    globalThis.release(); done(ab.byteLength); }, fail);\n"
                      "} else {\n"
                      "  e.waitUntil(new Promise(function (r) { globalThis.release = r; }));\n"
                      "  fetch(BASE + '/big/8000000').then(function (r) {\n"
                      "    globalThis.held = r; done('head ' + r.status); }, fail);\n"
                      "}",
                      EDGEFN_FETCH_ALLOW_LOOPBACK, 0, 0);
  fenv_cpu_limit_ms = 0;
  ASSERT_EQ(open_rc, 0);
  collected c;
  ASSERT_EQ(fenv_run(&f, &c), 0);
  ASSERT_STREQ(c.body, "head 200");
  collected_free(&c);
  /* Let the origin send for a while: the transfer must stop near the mark. */
  double t0 = ms_now();
  while (ms_now() - t0 < 300)
    edgefn_loop_run(f.loop, EDGEFN_RUN_NOWAIT);
  size_t held = edgefn_runtime_memory_used(f.rt);
  if (held >= 3 * 1024 * 1024)
    fprintf(stderr, "heap holds %zu bytes\n", held);
  ASSERT(held < 3 * 1024 * 1024);
  memset(&c, 0, sizeof(c));
  edgefn_request req = EDGEFN_REQUEST_INIT;
  req.url = "http://client.example/read";
  req.url_len = strlen(req.url);
  ASSERT_EQ(edgefn_runtime_dispatch(f.rt, &req, &h_handler, &c), 0);
  while (!c.ended)
    edgefn_loop_run(f.loop, EDGEFN_RUN_ONCE);
  if (strcmp(c.body, "8000000") != 0)
    fprintf(stderr, "log: %s\n", f.log.text);
  ASSERT_STREQ(c.body, "8000000");
  collected_free(&c);
  fenv_close(&f);
  return 0;
}

TEST(fetch_concurrent) {
  /* Ten fetches to an origin that answers after 100 ms take about 100 ms, not 1 s. */
  fetch_env f;
  ASSERT_EQ(fenv_open(&f,
                      "var ps = [];\n"
                      "for (var i = 0; i < 10; i++) ps.push(fetch(BASE + '/delay/100')"
                      ".then(function (r) { return r.text(); }));\n"
                      "Promise.all(ps).then(function (a) { done(a.join(',')); }, fail);",
                      EDGEFN_FETCH_ALLOW_LOOPBACK, 0, 0),
            0);
  collected c;
  double t0 = ms_now();
  ASSERT_EQ(fenv_run(&f, &c), 0);
  double took = ms_now() - t0;
  ASSERT_STREQ(c.body, "slept,slept,slept,slept,slept,slept,slept,slept,slept,slept");
  ASSERT(took >= 95 && took < 600);
  collected_free(&c);
  fenv_close(&f);
  return 0;
}

TEST(fetch_redirects) {
  /* 303 turns POST into GET without the body; the final URL is reported. */
  ASSERT_EQ(expect_fetch("fetch(BASE + '/redirect/303/echo', {method: 'POST', body: 'b'})"
                         ".then(function (r) { return r.text().then(function (t) {\n"
                         "  done(t + '|' + r.redirected + '|' + (r.url === BASE + '/echo')); });"
                         "}, fail);",
                         EDGEFN_FETCH_ALLOW_LOOPBACK, "GET |true|true"),
            0);
  /* 307 keeps the method and the body. */
  ASSERT_EQ(expect_fetch("fetch(BASE + '/redirect/307/echo', {method: 'POST', body: 'keep'})"
                         ".then(function (r) { return r.text(); }).then(done, fail);",
                         EDGEFN_FETCH_ALLOW_LOOPBACK, "POST keep"),
            0);
  /* Chains are followed; manual returns the redirect itself; error rejects. */
  ASSERT_EQ(expect_fetch("fetch(BASE + '/redirect/302/redirect/301/end')"
                         ".then(function (r) { return r.text(); }).then(done, fail);",
                         EDGEFN_FETCH_ALLOW_LOOPBACK, "hello /end"),
            0);
  ASSERT_EQ(expect_fetch("fetch(BASE + '/redirect/302/x', {redirect: 'manual'})"
                         ".then(function (r) { done(r.status + ' ' + r.headers.get('location')); },"
                         " fail);",
                         EDGEFN_FETCH_ALLOW_LOOPBACK, "302 /x"),
            0);
  ASSERT_EQ(expect_fetch("fetch(BASE + '/redirect/302/x', {redirect: 'error'}).then(done, fail);",
                         EDGEFN_FETCH_ALLOW_LOOPBACK,
                         "ERR TypeError: fetch failed: redirect mode is 'error'"),
            0);
  /* 21 hops is one too many. */
  char chain[1024] = "fetch(BASE + '";
  for (int i = 0; i < 21; i++)
    strcat(chain, "/redirect/302");
  strcat(chain, "/end').then(done, fail);");
  ASSERT_EQ(expect_fetch(chain, EDGEFN_FETCH_ALLOW_LOOPBACK,
                         "ERR TypeError: fetch failed: too many redirects"),
            0);
  return 0;
}

TEST(fetch_errors_and_policy) {
  /* Loopback is refused unless the host allows it. */
  ASSERT_EQ(expect_fetch("fetch(BASE + '/').then(done, fail);", 0,
                         "ERR TypeError: fetch failed: network error"),
            0);
  ASSERT_EQ(expect_fetch("fetch('http://10.1.2.3/').then(done, fail);",
                         EDGEFN_FETCH_ALLOW_LOOPBACK,
                         "ERR TypeError: fetch failed: network error"),
            0);
  /* Nothing listens on port 1. */
  ASSERT_EQ(expect_fetch("fetch('http://127.0.0.1:1/').then(done, fail);",
                         EDGEFN_FETCH_ALLOW_LOOPBACK,
                         "ERR TypeError: fetch failed: network error"),
            0);
  /* Bad arguments reject rather than throw. */
  ASSERT_EQ(expect_fetch("var p = fetch('not a url'); p.then(done, fail);",
                         EDGEFN_FETCH_ALLOW_LOOPBACK,
                         "ERR TypeError: Failed to construct 'Request': Invalid URL 'not a url'"),
            0);
  ASSERT_EQ(expect_fetch("fetch('ftp://127.0.0.1/').then(done, fail);",
                         EDGEFN_FETCH_ALLOW_LOOPBACK,
                         "ERR TypeError: fetch failed: network error"),
            0);
  return 0;
}

TEST(fetch_limits) {
  fetch_env f;
  ASSERT_EQ(fenv_open(&f, "fetch(BASE + '/big/100000').then(done, fail);",
                      EDGEFN_FETCH_ALLOW_LOOPBACK, 1000, 0),
            0);
  collected c;
  ASSERT_EQ(fenv_run(&f, &c), 0);
  ASSERT_STREQ(c.body, "ERR TypeError: fetch failed: body size limit exceeded");
  collected_free(&c);
  fenv_close(&f);
  ASSERT_EQ(fenv_open(&f,
                      "var out = [], ps = [];\n"
                      "for (var i = 0; i < 4; i++) ps.push(fetch(BASE + '/').then(function () {"
                      " out.push('ok'); }, function (err) { out.push(err.message); }));\n"
                      "Promise.all(ps).then(function () { done(out.sort().join('|')); });",
                      EDGEFN_FETCH_ALLOW_LOOPBACK, 0, 3),
            0);
  ASSERT_EQ(fenv_run(&f, &c), 0);
  ASSERT_STREQ(c.body, "Too many subrequests: the limit is 3 per request|ok|ok|ok");
  collected_free(&c);
  fenv_close(&f);
  return 0;
}

TEST(fetch_cancelled_with_request) {
  /* A request that answers before its fetches finish cancels them: no callbacks after,
   * nothing leaks (ASan), the loop goes idle. */
  fetch_env f;
  ASSERT_EQ(fenv_open(&f,
                      "fetch(BASE + '/delay/300').then(function () { console.log('late'); });\n"
                      "done('early');",
                      EDGEFN_FETCH_ALLOW_LOOPBACK, 0, 0),
            0);
  collected c;
  ASSERT_EQ(fenv_run(&f, &c), 0);
  ASSERT_STREQ(c.body, "early");
  edgefn_loop_run(f.loop, EDGEFN_RUN_DEFAULT);
  ASSERT(strstr(f.log.text, "late") == NULL);
  ASSERT_EQ(edgefn_runtime_pending(f.rt), 0);
  collected_free(&c);
  fenv_close(&f);
  return 0;
}

TEST(fetch_without_backend) {
  ASSERT_EQ(js_expect("var r = ''; fetch('http://a/').then(null, function (e) { r = e.message; });"
                      " return typeof fetch;",
                      "function"),
            0);
  js_env e;
  ASSERT_EQ(env_open(&e,
                     "addEventListener('fetch', function (ev) {\n"
                     "  ev.respondWith(fetch('http://a/').then(null, function (err) {\n"
                     "    return new Response(err.message); }));\n"
                     "});",
                     0, 0, 0),
            0);
  collected c;
  ASSERT_EQ(env_fetch(&e, "GET", "http://x/", NULL, 0, NULL, &c), 0);
  ASSERT_STREQ(c.body,
               "fetch() is not available: the host gave this runtime no fetch backend");
  collected_free(&c);
  env_close(&e);
  return 0;
}

/* ---- request bodies streamed from a ReadableStream (edgefn_request.body_source) ---- */

#if defined(__SANITIZE_ADDRESS__)
/* From ASan's allocator interface (its header is not installed with Debian's gcc). */
size_t __sanitizer_get_current_allocated_bytes(void);
/* Live bytes, without ASan's quarantine of freed blocks. */
static size_t heap_in_use(void) { return __sanitizer_get_current_allocated_bytes(); }
#else
#include <malloc.h>
static size_t heap_in_use(void) {
  struct mallinfo2 mi = mallinfo2();
  return mi.uordblks + mi.hblkhd;
}
#endif

/* The pattern of origin_pattern() in 251 * 256 bytes: chunks of it keep the sequence. */
#define FETCH_PATTERN_JS                                                     \
  "var CH = new Uint8Array(251 * 256);\n"                                    \
  "for (var i = 0; i < CH.length; i++) CH[i] = i % 251;\n"

/* Runs the one request, sampling the process's heap after each loop pass. */
static int fenv_run_peak(fetch_env *f, collected *c, size_t *peak) {
  memset(c, 0, sizeof(*c));
  edgefn_request req = EDGEFN_REQUEST_INIT;
  req.url = "http://client.example/";
  req.url_len = strlen(req.url);
  size_t base = heap_in_use();
  *peak = 0;
  int rc = edgefn_runtime_dispatch(f->rt, &req, &h_handler, c);
  while (rc == 0 && !c->ended) {
    edgefn_loop_run(f->loop, EDGEFN_RUN_ONCE);
    size_t now = heap_in_use();
    if (now > base && now - base > *peak)
      *peak = now - base;
  }
  return rc;
}

TEST(fetch_stream_request_body_bounded) {
  /* 64 MiB generated by a pull source and POSTed: curl pulls it as the socket takes it,
   * chunked, and the process never holds more than a few chunks of it. */
  fetch_env f;
  fenv_cpu_limit_ms = 20000; /* a thousand pulls of the stream, on a loaded machine */
  int open_rc = fenv_open(&f,
                          FETCH_PATTERN_JS
                          "var TOTAL = 64 * 1024 * 1024, sent = 0;\n"
                          "var body = new ReadableStream({ pull: function (c) {\n"
                          "  if (sent >= TOTAL) { c.close(); return; }\n"
                          "  var n = Math.min(CH.length, TOTAL - sent);\n"
                          "  c.enqueue(n === CH.length ? CH : CH.subarray(0, n));\n"
                          "  sent += n;\n"
                          "} });\n"
                          "fetch(BASE + '/sink', {method: 'POST', body: body, duplex: 'half'})\n"
                          "  .then(function (r) { return r.text(); }).then(done, fail);",
                          EDGEFN_FETCH_ALLOW_LOOPBACK, 0, 0);
  fenv_cpu_limit_ms = 0;
  ASSERT_EQ(open_rc, 0);
  collected c;
  size_t peak = 0;
  double t0 = ms_now();
  ASSERT_EQ(fenv_run_peak(&f, &c, &peak), 0);
  fprintf(stderr, "  64 MiB upload in %.0f ms, heap peak +%zu KiB\n", ms_now() - t0,
          peak / 1024);
  if (strcmp(c.body, "sink 67108864 ok") != 0)
    fprintf(stderr, "log: %s\n", f.log.text);
  ASSERT_STREQ(c.body, "sink 67108864 ok");
  ASSERT(peak < 8u * 1024u * 1024u);
  collected_free(&c);
  fenv_close(&f);
  return 0;
}

TEST(fetch_stream_request_body_waits_and_fails) {
  /* A TransformStream's readable whose chunks come later (the upload pauses until they do),
   * then a stream that errors mid-body (the subrequest fails with a TypeError). */
  fetch_env f;
  int cut0 = __atomic_load_n(&origin_sink_cut, __ATOMIC_SEQ_CST);
  ASSERT_EQ(fenv_open(&f,
                      FETCH_PATTERN_JS
                      "var out = [];\n"
                      "var ts = new TransformStream();\n"
                      "var w = ts.writable.getWriter();\n"
                      "var p1 = fetch(BASE + '/sink', {method: 'PUT', body: ts.readable,\n"
                      "                                 duplex: 'half'})\n"
                      "  .then(function (r) { return r.text(); });\n"
                      "w.write(CH.subarray(0, 100));\n"
                      "setTimeout(function () { w.write(CH.subarray(100, 300)); }, 30);\n"
                      "setTimeout(function () { w.write(CH.subarray(300, 1000)); w.close(); },\n"
                      "           60);\n"
                      "var n = 0;\n"
                      "var bad = new ReadableStream({ pull: function (c) {\n"
                      "  if (n++ < 3) c.enqueue(CH); else c.error(new Error('boom'));\n"
                      "} });\n"
                      "var p2 = fetch(BASE + '/sink', {method: 'POST', body: bad, duplex: 'half'})\n"
                      "  .then(function () { return 'resolved'; },\n"
                      "        function (e) { return e.name + ': ' + e.message; });\n"
                      "var p3 = fetch(BASE + '/sink', {method: 'POST', body: 'not a stream'})\n"
                      "  .then(function (r) { return r.text(); });\n"
                      "Promise.all([p1, p2, p3]).then(function (a) { done(a.join(' | ')); }, fail);",
                      EDGEFN_FETCH_ALLOW_LOOPBACK, 0, 0),
            0);
  collected c;
  ASSERT_EQ(fenv_run(&f, &c), 0);
  ASSERT_STREQ(c.body, "sink 1000 ok | TypeError: fetch failed: the request body stream failed"
                       " | sink 12 bad");
  collected_free(&c);
  /* The origin saw the failed upload end without its last chunk. */
  double t0 = ms_now();
  while (__atomic_load_n(&origin_sink_cut, __ATOMIC_SEQ_CST) == cut0 && ms_now() - t0 < 2000)
    usleep(1000);
  ASSERT_EQ(__atomic_load_n(&origin_sink_cut, __ATOMIC_SEQ_CST), cut0 + 1);
  fenv_close(&f);
  return 0;
}
