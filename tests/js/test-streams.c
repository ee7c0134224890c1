/* WHATWG Streams in the sandbox (lib/js/streams.js, lib/js/streams.c,
 * lib/js/compression.c): the behaviour cases of streams-cases.h run in one script, each
 * line compared with what Node 20 prints for the same snippet. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <unistd.h>

#include "js/harness.h"
#include "js/js.h"
#include "js/streams-cases.h"
#include "test.h"

/* The script for n cases: `cases` is an array of async functions; runAll() resolves with
 * one line per case, a thrown value shown as "threw ...". */
static char *cases_script(const streams_case *cases, size_t n) {
  static const char tail[] = "null];\n"
                             "function runAll() {\n"
                             "  var out = '', i = 0;\n"
                             "  function step() {\n"
                             "    if (i === cases.length - 1) return out;\n"
                             "    var f = cases[i++];\n"
                             "    var timer;\n"
                             "    return Promise.race([new Promise(function (res) { res(f()); }),\n"
                             "      new Promise(function (res) { timer = setTimeout(function () {\n"
                             "        res('timed out'); }, 500); })]).then(\n"
                             "      function (v) { clearTimeout(timer); out += show(v) + '\\n'; return step(); },\n"
                             "      function (e) { clearTimeout(timer); out += 'threw ' + show(e) + ' ' + (e && e.message) + '\\n';\n"
                             "        return step(); });\n"
                             "  }\n"
                             "  return step();\n"
                             "}\n";
  size_t cap = sizeof(STREAMS_PRELUDE) + sizeof(tail) + 64;
  for (size_t i = 0; i < n; i++)
    cap += strlen(cases[i].body) + 64;
  char *buf = malloc(cap);
  size_t len = (size_t)snprintf(buf, cap, "%svar cases = [\n", STREAMS_PRELUDE);
  for (size_t i = 0; i < n; i++)
    len += (size_t)snprintf(buf + len, cap - len, "function () {\n%s\n},\n",
                            cases[i].body);
  snprintf(buf + len, cap - len, "%s", tail);
  return buf;
}

static int compare_lines(const char *who, const streams_case *cases, size_t n, const char *got) {
  int failures = 0;
  const char *p = got;
  for (size_t i = 0; i < n; i++) {
    const char *nl = p ? strchr(p, '\n') : NULL;
    size_t len = nl ? (size_t)(nl - p) : (p ? strlen(p) : 0);
    if (!p || strlen(cases[i].expected) != len || strncmp(cases[i].expected, p, len) != 0) {
      fprintf(stderr, "%s case %zu:\n  %s\n  expected: %s\n  got:      %.*s\n", who, i,
              cases[i].body, cases[i].expected, (int)len, p ? p : "(nothing)");
      failures++;
    }
    p = nl ? nl + 1 : NULL;
  }
  return failures;
}

static int run_in_sandbox(const streams_case *cases, size_t n) {
  char *script = cases_script(cases, n);
  const char *handler = "addEventListener('fetch', function (e) {\n"
                        "  e.respondWith(runAll().then(function (t) { return new Response(t); }));\n"
                        "});\n";
  char *src = malloc(strlen(script) + strlen(handler) + 1);
  sprintf(src, "%s%s", script, handler);
  free(script);
  js_env e;
  int rc = env_open(&e, src, 5000, 0, 0);
  free(src);
  if (rc) {
    fprintf(stderr, "compile: %s (line %d)\n", e.err.message, e.err.line);
    env_close(&e);
    return 1;
  }
  collected c;
  int failures = 0;
  if (env_fetch(&e, "GET", "http://x/", NULL, 0, NULL, &c) != 0 || c.status != 200) {
    fprintf(stderr, "request failed: %d %s\n", c.status, c.body ? c.body : "");
    failures = 1;
  } else {
    failures = compare_lines("sandbox", cases, n, c.body);
  }
  if (failures)
    fprintf(stderr, "log: %s\n", e.log.text);
  collected_free(&c);
  env_close(&e);
  return failures;
}

TEST(streams_behaviour) {
  ASSERT(EDGEFN_ARRAY_LEN(streams_cases) >= 60);
  ASSERT_EQ(run_in_sandbox(streams_cases, EDGEFN_ARRAY_LEN(streams_cases)), 0);
  return 0;
}

TEST(streams_spec_behaviour) {
  ASSERT_EQ(run_in_sandbox(streams_spec_cases, EDGEFN_ARRAY_LEN(streams_spec_cases)), 0);
  return 0;
}

TEST(streams_workers_identity_streams) {
  ASSERT_EQ(run_in_sandbox(streams_workers_cases, EDGEFN_ARRAY_LEN(streams_workers_cases)), 0);
  return 0;
}

/* The same cases through Node 20, when it is installed: the table is Node's output. */
TEST(streams_table_matches_node) {
  if (system("node --version >/dev/null 2>&1") != 0) {
    fprintf(stderr, "(node not installed: skipped)\n");
    return 0;
  }
  size_t n = EDGEFN_ARRAY_LEN(streams_cases);
  char *script = cases_script(streams_cases, n);
  char path[] = "/tmp/edgefn-streams-XXXXXX";
  int fd = mkstemp(path);
  ASSERT(fd >= 0);
  FILE *f = fdopen(fd, "w");
  fprintf(f, "%s\nrunAll().then(function (t) { process.stdout.write(t); });\n", script);
  fclose(f);
  free(script);
  char cmd[256];
  snprintf(cmd, sizeof(cmd), "node %s", path);
  FILE *p = popen(cmd, "r");
  ASSERT(p != NULL);
  size_t cap = 65536, len = 0;
  char *out = malloc(cap);
  size_t r;
  while ((r = fread(out + len, 1, cap - len - 1, p)) > 0) {
    len += r;
    if (cap - len < 2) {
      cap *= 2;
      out = realloc(out, cap);
    }
  }
  out[len] = '\0';
  pclose(p);
  unlink(path);
  int failures = compare_lines("node", streams_cases, n, out);
  free(out);
  ASSERT_EQ(failures, 0);
  return 0;
}

/* ---- streaming a Response body to the host ---- */

typedef struct stream_sink {
  int heads, bodies, ends;
  int64_t content_length;
  edgefn_body_flow *flow;
  bool has_flow_field;
  bool pause_each; /* pause inside every on_body */
  char body[1 << 16];
  size_t len;
  int result;
} stream_sink;

static void s_on_head(void *ud, const edgefn_response_head *head) {
  stream_sink *s = ud;
  s->heads++;
  s->content_length = head->content_length;
  s->has_flow_field = head->struct_size >= offsetof(edgefn_response_head, flow) + sizeof(void *);
  s->flow = s->has_flow_field ? head->flow : NULL;
}

static void s_on_body(void *ud, const uint8_t *data, size_t len) {
  stream_sink *s = ud;
  s->bodies++;
  size_t n = len < sizeof(s->body) - 1 - s->len ? len : sizeof(s->body) - 1 - s->len;
  memcpy(s->body + s->len, data, n);
  s->len += n;
  s->body[s->len] = '\0';
  if (s->pause_each)
    edgefn_body_flow_pause(s->flow);
}

static void s_on_end(void *ud, int result) {
  stream_sink *s = ud;
  s->ends++;
  s->result = result;
}

static const edgefn_response_handler s_handler = {sizeof(edgefn_response_handler), s_on_head,
                                                  s_on_body, s_on_end};

static int stream_dispatch(js_env *e, const char *url, stream_sink *s) {
  edgefn_request req = EDGEFN_REQUEST_INIT;
  req.method = "GET";
  req.method_len = 3;
  req.url = url;
  req.url_len = strlen(url);
  return edgefn_runtime_dispatch(e->rt, &req, &s_handler, s);
}

static void run_until_end(js_env *e, stream_sink *s) {
  while (!s->ends && edgefn_loop_alive(e->loop))
    edgefn_loop_run(e->loop, EDGEFN_RUN_ONCE);
}

TEST(streams_response_streamed_to_host) {
  const char *src =
      "var enc = new TextEncoder();\n"
      "addEventListener('fetch', function (e) {\n"
      "  var path = new URL(e.request.url).pathname;\n"
      "  if (path === '/buffered') return e.respondWith(new Response('whole'));\n"
      "  if (path === '/error') return e.respondWith(new Response(new ReadableStream({\n"
      "    start: function (c) { c.enqueue(enc.encode('part')); setTimeout(function () {\n"
      "      c.error(new Error('source failed')); }, 5); } })));\n"
      "  if (path === '/used') { var u = new Response(new ReadableStream());\n"
      "    u.body.getReader(); return e.respondWith(u); }\n"
      "  if (path === '/fixed' || path === '/fixedshort') {\n"
      "    var f = new FixedLengthStream(5), w = f.writable.getWriter();\n"
      "    w.write(enc.encode('abc')); setTimeout(function () {\n"
      "      if (path === '/fixed') w.write(enc.encode('de')); w.close().catch(function () {}); }, 5);\n"
      "    return e.respondWith(new Response(f.readable)); }\n"
      "  if (path === '/fixedbig') return e.respondWith(new Response(new FixedLengthStream(4e7).readable));\n"
      "  if (path === '/identity') { var t = new IdentityTransformStream(), iw = t.writable.getWriter();\n"
      "    iw.write(enc.encode('id')); iw.close(); return e.respondWith(new Response(t.readable)); }\n"
      "  if (path === '/frozen') { Object.freeze(e); return e.respondWith(new Response(\n"
      "    new ReadableStream({ start: function (c) { c.enqueue(enc.encode('f1'));\n"
      "      setTimeout(function () { c.enqueue(enc.encode('f2')); c.close(); }, 5); } }))); }\n"
      "  if (path === '/notbytes') return e.respondWith(new Response(new ReadableStream({\n"
      "    start: function (c) { c.enqueue('a string'); } })));\n"
      "  e.respondWith(new Response(new ReadableStream({\n"
      "    start: function (c) { c.enqueue(enc.encode('a')); setTimeout(function () {\n"
      "      c.enqueue(enc.encode('b')); c.enqueue(new Uint8Array(0)); c.close(); }, 5); }\n"
      "  }), {headers: {'x-kind': 'stream'}}));\n"
      "});\n";
  js_env e;
  ASSERT_EQ(env_open(&e, src, 0, 0, 0), 0);

  stream_sink s = {0};
  ASSERT_EQ(stream_dispatch(&e, "http://x/stream", &s), 0);
  run_until_end(&e, &s);
  ASSERT_EQ(s.heads, 1);
  ASSERT_EQ(s.content_length, -1);
  ASSERT(s.flow != NULL);
  ASSERT_EQ(s.bodies, 2); /* one call per chunk as it was enqueued; the empty one skipped */
  ASSERT_STREQ(s.body, "ab");
  ASSERT_EQ(s.ends, 1);
  ASSERT_EQ(s.result, 0);

  /* A buffered Response keeps the old path: a known length, one on_body, no flow. */
  memset(&s, 0, sizeof(s));
  ASSERT_EQ(stream_dispatch(&e, "http://x/buffered", &s), 0);
  run_until_end(&e, &s);
  ASSERT_EQ(s.content_length, 5);
  ASSERT(s.has_flow_field);
  ASSERT(s.flow == NULL);
  ASSERT_STREQ(s.body, "whole");
  ASSERT_EQ(s.result, 0);

  /* A stream that errors after the head cuts the body short. */
  memset(&s, 0, sizeof(s));
  ASSERT_EQ(stream_dispatch(&e, "http://x/error", &s), 0);
  run_until_end(&e, &s);
  ASSERT_EQ(s.heads, 1);
  ASSERT_STREQ(s.body, "part");
  ASSERT_EQ(s.ends, 1);
  ASSERT_EQ(s.result, EDGEFN_EABORTED);
  ASSERT(strstr(e.log.text, "source failed") != NULL);

  /* A body stream already locked cannot be delivered: a complete 500, no head first. */
  memset(&s, 0, sizeof(s));
  ASSERT_EQ(stream_dispatch(&e, "http://x/used", &s), 0);
  run_until_end(&e, &s);
  ASSERT_EQ(s.content_length, (int64_t)strlen("edge function response body was already used\n"));
  ASSERT(s.flow == NULL);
  ASSERT_EQ(s.result, 0);
  ASSERT(strstr(e.log.text, "already read from or locked") != NULL);

  /* A FixedLengthStream's readable side is sent with its length, as on Workers; one that
   * closes short errors, which cuts the body short (the host closes the connection). */
  memset(&s, 0, sizeof(s));
  ASSERT_EQ(stream_dispatch(&e, "http://x/fixed", &s), 0);
  run_until_end(&e, &s);
  ASSERT_EQ(s.content_length, 5);
  ASSERT(s.flow != NULL);
  ASSERT_STREQ(s.body, "abcde");
  ASSERT_EQ(s.result, 0);
  memset(&s, 0, sizeof(s));
  ASSERT_EQ(stream_dispatch(&e, "http://x/fixedshort", &s), 0);
  run_until_end(&e, &s);
  ASSERT_EQ(s.content_length, 5);
  ASSERT_STREQ(s.body, "abc");
  ASSERT_EQ(s.result, EDGEFN_EABORTED);
  ASSERT(strstr(e.log.text, "did not see all expected bytes") != NULL);
  /* A length over the response body limit (32 MiB by default) is refused before the head. */
  memset(&s, 0, sizeof(s));
  ASSERT_EQ(stream_dispatch(&e, "http://x/fixedbig", &s), 0);
  run_until_end(&e, &s);
  ASSERT_EQ(s.heads, 1);
  ASSERT(s.flow == NULL);
  ASSERT_STREQ(s.body, "edge function response body exceeds its limit\n");
  ASSERT(strstr(e.log.text, "FixedLengthStream of 40000000 bytes exceeds") != NULL);
  /* Other streams keep an unknown length. */
  memset(&s, 0, sizeof(s));
  ASSERT_EQ(stream_dispatch(&e, "http://x/identity", &s), 0);
  run_until_end(&e, &s);
  ASSERT_EQ(s.content_length, -1);
  ASSERT_STREQ(s.body, "id");
  ASSERT_EQ(s.result, 0);

  /* The library keeps its state for the exchange on the event: a script freezing the event
   * does not stop the stream. */
  memset(&s, 0, sizeof(s));
  ASSERT_EQ(stream_dispatch(&e, "http://x/frozen", &s), 0);
  run_until_end(&e, &s);
  ASSERT_EQ(s.heads, 1);
  ASSERT_EQ(s.bodies, 2);
  ASSERT_STREQ(s.body, "f1f2");
  ASSERT_EQ(s.result, 0);

  memset(&s, 0, sizeof(s));
  ASSERT_EQ(stream_dispatch(&e, "http://x/notbytes", &s), 0);
  run_until_end(&e, &s);
  ASSERT_EQ(s.bodies, 0);
  ASSERT_EQ(s.result, EDGEFN_EABORTED);
  ASSERT(strstr(e.log.text, "not a Uint8Array") != NULL);
  ASSERT_EQ(edgefn_runtime_pending(e.rt), 0);
  env_close(&e);
  return 0;
}

/* The host pauses inside every on_body: the runtime stops reading the script's stream, so
 * its pull-driven source runs only as far as its high-water mark allows. A second request
 * on the same runtime reports how often the source was pulled meanwhile. */
TEST(streams_host_backpressure) {
  const char *src =
      "var enc = new TextEncoder(); var pulls = 0;\n"
      "addEventListener('fetch', function (e) {\n"
      "  if (new URL(e.request.url).pathname === '/pulls')\n"
      "    return e.respondWith(new Response(String(pulls)));\n"
      "  e.respondWith(new Response(new ReadableStream({\n"
      "    pull: function (c) { pulls++; c.enqueue(enc.encode('<' + pulls + '>'));\n"
      "      if (pulls === 8) c.close(); }\n"
      "  }, {highWaterMark: 2})));\n"
      "});\n";
  js_env e;
  ASSERT_EQ(env_open(&e, src, 0, 0, 0), 0);
  stream_sink s = {0};
  s.pause_each = true;
  ASSERT_EQ(stream_dispatch(&e, "http://x/", &s), 0);
  for (int i = 0; i < 20; i++)
    edgefn_loop_run(e.loop, EDGEFN_RUN_NOWAIT);
  ASSERT_EQ(s.bodies, 1); /* paused after the first chunk */
  ASSERT_EQ(s.ends, 0);
  collected c;
  ASSERT_EQ(env_fetch(&e, "GET", "http://x/pulls", NULL, 0, NULL, &c), 0);
  /* One chunk delivered, the queue refilled to its high-water mark of 2: 3 pulls. */
  ASSERT_STREQ(c.body, "3");
  collected_free(&c);
  int rounds = 0;
  while (!s.ends && rounds++ < 100) {
    ASSERT_EQ(edgefn_body_flow_resume(s.flow), 0);
    int before = s.bodies;
    while (s.bodies == before && !s.ends)
      edgefn_loop_run(e.loop, EDGEFN_RUN_ONCE);
  }
  ASSERT_EQ(s.result, 0);
  ASSERT_STREQ(s.body, "<1><2><3><4><5><6><7><8>");
  ASSERT_EQ(s.bodies, 8);
  ASSERT_EQ(edgefn_body_flow_resume(NULL), EDGEFN_EINVAL);
  edgefn_body_flow_pause(NULL);
  env_close(&e);
  return 0;
}

/* JavaScript run to produce body chunks is charged to the request: a pull that runs past
 * the CPU limit after the head ends the body with EDGEFN_EABORTED. */
TEST(streams_body_cpu_limit) {
  const char *src =
      "var enc = new TextEncoder();\n"
      "addEventListener('fetch', function (e) {\n"
      "  var n = 0;\n"
      "  e.respondWith(new Response(new ReadableStream({\n"
      "    pull: function (c) { n++; if (n === 2) { for (;;) {} }\n"
      "      c.enqueue(enc.encode('x')); }\n"
      "  }, {highWaterMark: 0})));\n"
      "});\n";
  js_env e;
  ASSERT_EQ(env_open(&e, src, 300, 0, 0), 0);
  stream_sink s = {0};
  ASSERT_EQ(stream_dispatch(&e, "http://x/", &s), 0);
  run_until_end(&e, &s);
  if (strcmp(s.body, "x") != 0)
    fprintf(stderr, "log: %s\n", e.log.text);
  ASSERT_EQ(s.heads, 1);
  ASSERT_STREQ(s.body, "x");
  ASSERT_EQ(s.result, EDGEFN_EABORTED);
  ASSERT(strstr(e.log.text, "CPU time limit") != NULL);
  /* The runtime serves the next request. */
  collected c;
  ASSERT_EQ(env_fetch(&e, "GET", "http://x/", NULL, 0, NULL, &c), 0);
  ASSERT_EQ(c.status, 200);
  collected_free(&c);
  env_close(&e);
  return 0;
}

/* The incoming request's body is a byte stream too: a BYOB reader reads it into the
 * script's views (each read detaching the view given), and a tee of it gives two byte
 * streams. */
TEST(streams_incoming_body_byob) {
  const char *src =
      "addEventListener('fetch', function (e) {\n"
      "  var b = e.request.body.tee();\n"
      "  var r = b[0].getReader({mode: 'byob'}), out = [], views = [];\n"
      "  function step() { var v = new Uint8Array(4); views.push(v);\n"
      "    return r.read(v).then(function (x) { if (x.done) return;\n"
      "      out.push(new TextDecoder().decode(x.value)); return step(); }); }\n"
      "  e.respondWith(Promise.all([step(), new Response(b[1]).text()]).then(function (a) {\n"
      "    var detached = views.every(function (v) { return v.byteLength === 0; });\n"
      "    return new Response(out.join('|') + ' ' + a[1] + ' ' + detached + ' ' +\n"
      "      (b[1].getReader !== undefined) + ' ' + e.request.bodyUsed); }));\n"
      "});\n";
  js_env e;
  ASSERT_EQ(env_open(&e, src, 5000, 0, 0), 0);
  collected c;
  ASSERT_EQ(env_fetch(&e, "POST", "http://x/", NULL, 0, "hello byob world", &c), 0);
  ASSERT_EQ(c.status, 200);
  ASSERT_STREQ(c.body, "hell|o by|ob w|orld hello byob world true true true");
  collected_free(&c);
  env_close(&e);
  return 0;
}
