/* The first end-to-end path: a C host dispatches requests to a JavaScript fetch handler
 * and receives the streamed response. */
#include <stdio.h>
#include <time.h>

#include "js/harness.h"
#include "test.h"

#define HELLO_JS                                                                           \
  "addEventListener('fetch', function (event) {\n"                                        \
  "  var r = event.request;\n"                                                            \
  "  event.respondWith(new Response('hello ' + r.method + ' ' + r.url + ' ' +\n"          \
  "      r.headers.get('X-Test'), { status: 201, headers: { 'X-Reply': 'yes' } }));\n"   \
  "});\n"

TEST(runtime_hello) {
  js_env e;
  ASSERT_EQ(env_open(&e, HELLO_JS, 0, 0, 0), 0);
  edgefn_header h[] = {{"x-TEST", 6, "abc", 3}};
  collected c;
  ASSERT_EQ(env_fetch(&e, "POST", "https://example.com/p?q=1", h, 1, "data", &c), 0);
  ASSERT_EQ(c.end_result, 0);
  ASSERT_EQ(c.heads, 1);
  ASSERT_EQ(c.ends, 1);
  ASSERT_EQ(c.status, 201);
  ASSERT_STREQ(c.body, "hello POST https://example.com/p?q=1 abc");
  ASSERT(strstr(c.headers, "x-reply: yes\n") != NULL);
  ASSERT(strstr(c.headers, "content-type: text/plain;charset=UTF-8\n") != NULL);
  ASSERT_EQ(edgefn_runtime_pending(e.rt), 0);
  /* The runtime serves many requests. */
  for (int i = 0; i < 50; i++) {
    collected_free(&c);
    ASSERT_EQ(env_fetch(&e, NULL, "http://x/", NULL, 0, NULL, &c), 0);
    ASSERT_EQ(c.status, 201);
    ASSERT_STREQ(c.body, "hello GET http://x/ null");
  }
  collected_free(&c);
  env_close(&e);
  return 0;
}

TEST(runtime_exception_is_500_and_logged) {
  js_env e;
  ASSERT_EQ(env_open(&e,
                     "addEventListener('fetch', function (e) {\n"
                     "  null.boom();\n"
                     "});\n",
                     0, 0, 0),
            0);
  collected c;
  ASSERT_EQ(env_fetch(&e, "GET", "http://x/", NULL, 0, NULL, &c), 0);
  ASSERT_EQ(c.status, 500);
  ASSERT_EQ(c.end_result, 0);
  ASSERT(strstr(e.log.text, "Uncaught exception in the fetch handler") != NULL);
  ASSERT(strstr(e.log.text, "TypeError") != NULL);
  ASSERT(strstr(e.log.text, "test.js:2") != NULL); /* the script's own line */
  ASSERT(strstr(e.log.text, "|testfn|") != NULL);
  ASSERT(strstr(edgefn_runtime_last_error(e.rt), "TypeError") != NULL);
  /* No stack trace reaches the client. */
  ASSERT(strstr(c.body, "TypeError") == NULL);
  collected_free(&c);
  env_close(&e);
  return 0;
}

TEST(runtime_no_respond_with_passes) {
  js_env e;
  ASSERT_EQ(env_open(&e, "addEventListener('fetch', function (e) {});", 0, 0, 0), 0);
  collected c;
  ASSERT_EQ(env_fetch(&e, "GET", "http://x/", NULL, 0, NULL, &c), 0);
  ASSERT_EQ(c.end_result, EDGEFN_EPASS);
  ASSERT_EQ(c.heads, 0);
  collected_free(&c);
  env_close(&e);
  /* No listener at all passes too. */
  ASSERT_EQ(env_open(&e, "var x = 1;", 0, 0, 0), 0);
  ASSERT_EQ(env_fetch(&e, "GET", "http://x/", NULL, 0, NULL, &c), 0);
  ASSERT_EQ(c.end_result, EDGEFN_EPASS);
  collected_free(&c);
  env_close(&e);
  return 0;
}

TEST(runtime_pass_through_on_exception) {
  js_env e;
  ASSERT_EQ(env_open(&e,
                     "addEventListener('fetch', function (e) {\n"
                     "  e.passThroughOnException();\n"
                     "  if (e.request.url.indexOf('/s') > 0) throw new Error('x');\n"
                     "  e.respondWith(Promise.reject(new Error('later')));\n"
                     "});",
                     0, 0, 0),
            0);
  collected c;
  ASSERT_EQ(env_fetch(&e, "GET", "http://x/s", NULL, 0, NULL, &c), 0);
  ASSERT_EQ(c.end_result, EDGEFN_EPASS);
  ASSERT_EQ(c.heads, 0);
  collected_free(&c);
  ASSERT_EQ(env_fetch(&e, "GET", "http://x/a", NULL, 0, NULL, &c), 0);
  ASSERT_EQ(c.end_result, EDGEFN_EPASS);
  ASSERT(strstr(e.log.text, "later") != NULL);
  collected_free(&c);
  env_close(&e);
  return 0;
}

static double now_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

TEST(runtime_cpu_limit_stops_infinite_loop) {
  js_env e;
  ASSERT_EQ(env_open(&e,
                     "addEventListener('fetch', function (e) {\n"
                     "  var u = e.request.url;\n"
                     "  if (u.indexOf('/loop') > 0) { while (true) {} }\n"
                     "  if (u.indexOf('/swallow') > 0) {\n"
                     "    for (;;) { try { while (true) {} } catch (err) {} finally { } }\n"
                     "  }\n"
                     "  if (u.indexOf('/finally') > 0) {\n"
                     "    try { while (true) {} } finally { while (true) {} }\n"
                     "  }\n"
                     "  e.respondWith(new Response('ok'));\n"
                     "});",
                     50, 0, 0),
            0);
  const char *paths[] = {"http://x/loop", "http://x/swallow", "http://x/finally"};
  for (size_t i = 0; i < 3; i++) {
    collected c;
    double t0 = now_ms();
    ASSERT_EQ(env_fetch(&e, "GET", paths[i], NULL, 0, NULL, &c), 0);
    double took = now_ms() - t0;
    ASSERT_EQ(c.status, 503);
    ASSERT_EQ(c.end_result, 0);
    ASSERT(took < 2000);
    ASSERT(strstr(e.log.text, "CPU time limit") != NULL);
    collected_free(&c);
    /* The runtime still serves the next request. */
    ASSERT_EQ(env_fetch(&e, "GET", "http://x/", NULL, 0, NULL, &c), 0);
    ASSERT_EQ(c.status, 200);
    ASSERT_STREQ(c.body, "ok");
    collected_free(&c);
  }
  env_close(&e);
  return 0;
}

TEST(runtime_cpu_limit_in_promise_chain_and_timer) {
  js_env e;
  ASSERT_EQ(env_open(&e,
                     "addEventListener('fetch', function (e) {\n"
                     "  var u = e.request.url;\n"
                     "  if (u.indexOf('/chain') > 0) {\n"
                     "    var spin = function () { return Promise.resolve().then(spin); };\n"
                     "    e.respondWith(spin());\n"
                     "    return;\n"
                     "  }\n"
                     "  if (u.indexOf('/timer') > 0) {\n"
                     "    e.respondWith(new Promise(function (res) {\n"
                     "      setTimeout(function () { while (true) {} }, 1);\n"
                     "    }));\n"
                     "    return;\n"
                     "  }\n"
                     "  e.respondWith(new Response('ok'));\n"
                     "});",
                     50, 0, 0),
            0);
  collected c;
  ASSERT_EQ(env_fetch(&e, "GET", "http://x/chain", NULL, 0, NULL, &c), 0);
  ASSERT_EQ(c.status, 503);
  collected_free(&c);
  ASSERT_EQ(env_fetch(&e, "GET", "http://x/", NULL, 0, NULL, &c), 0);
  ASSERT_EQ(c.status, 200);
  collected_free(&c);
  ASSERT_EQ(env_fetch(&e, "GET", "http://x/timer", NULL, 0, NULL, &c), 0);
  ASSERT_EQ(c.status, 503);
  collected_free(&c);
  ASSERT_EQ(env_fetch(&e, "GET", "http://x/", NULL, 0, NULL, &c), 0);
  ASSERT_EQ(c.status, 200);
  collected_free(&c);
  env_close(&e);
  return 0;
}

TEST(runtime_memory_limit) {
  js_env e;
  ASSERT_EQ(env_open(&e,
                     "addEventListener('fetch', function (e) {\n"
                     "  if (e.request.url.indexOf('/bomb') > 0) {\n"
                     "    var a = []; for (;;) a.push('x'.repeat(1000) + a.length);\n"
                     "  }\n"
                     "  e.respondWith(new Response('ok'));\n"
                     "});",
                     2000, 16u * 1024 * 1024, 0),
            0);
  collected c;
  ASSERT_EQ(env_fetch(&e, "GET", "http://x/bomb", NULL, 0, NULL, &c), 0);
  ASSERT_EQ(c.status, 503);
  ASSERT(strstr(e.log.text, "memory limit") != NULL);
  ASSERT(edgefn_runtime_memory_used(e.rt) <= 16u * 1024 * 1024 + EDGEFN_MEMORY_UNWIND_RESERVE);
  collected_free(&c);
  ASSERT_EQ(env_fetch(&e, "GET", "http://x/", NULL, 0, NULL, &c), 0);
  ASSERT_EQ(c.status, 200);
  /* The heap went over its limit: the request after it is served by a new one. */
  ASSERT_EQ(edgefn_runtime_recycles(e.rt), 1);
  ASSERT(edgefn_runtime_memory_used(e.rt) < 1024u * 1024u);
  collected_free(&c);
  env_close(&e);
  return 0;
}

/* ICU's formatters live outside the heap's allocator: each Intl object charges its estimate
 * to the heap's limit, so a loop making them ends at the memory limit like any other memory
 * bomb, and what a collected formatter charged is given back. */
TEST(runtime_intl_formatters_count_against_memory_limit) {
  js_env e;
  ASSERT_EQ(env_open(&e,
                     "addEventListener('fetch', function (e) {\n"
                     "  var u = e.request.url;\n"
                     "  if (u.indexOf('/bomb') > 0) {\n"
                     "    var a = []; for (;;) a.push(new Intl.DateTimeFormat('en', { timeZone: 'UTC' }));\n"
                     "  }\n"
                     "  if (u.indexOf('/churn') > 0) {\n"
                     "    for (var i = 0; i < 300; i++) new Intl.DateTimeFormat('de', { timeZone: 'UTC' });\n"
                     "    Duktape.gc();\n"
                     "  }\n"
                     "  e.respondWith(new Response(new Intl.DateTimeFormat('en-US', { timeZone: 'UTC' })"
                     ".format(0) + ' ' + (1234.5).toLocaleString('de-DE')));\n"
                     "});",
                     10000, 16u * 1024 * 1024, 0),
            0);
  collected c;
  ASSERT_EQ(env_fetch(&e, "GET", "http://x/", NULL, 0, NULL, &c), 0);
  ASSERT_EQ(c.status, 200);
  ASSERT_STREQ(c.body, "1/1/1970 1.234,5");
  collected_free(&c);
  size_t before = edgefn_runtime_memory_used(e.rt);
  /* 300 date formatters charge 19 MB in all, more than the limit: only their collection as
   * the loop goes lets it finish, and afterwards the charge is back where it was. */
  ASSERT_EQ(env_fetch(&e, "GET", "http://x/churn", NULL, 0, NULL, &c), 0);
  ASSERT_EQ(c.status, 200);
  collected_free(&c);
  ASSERT(edgefn_runtime_memory_used(e.rt) < before + 512u * 1024u);
  ASSERT_EQ(env_fetch(&e, "GET", "http://x/bomb", NULL, 0, NULL, &c), 0);
  ASSERT_EQ(c.status, 503);
  ASSERT(strstr(e.log.text, "memory limit") != NULL);
  ASSERT(edgefn_runtime_memory_used(e.rt) <= 16u * 1024 * 1024 + EDGEFN_MEMORY_UNWIND_RESERVE);
  collected_free(&c);
  ASSERT_EQ(env_fetch(&e, "GET", "http://x/", NULL, 0, NULL, &c), 0);
  ASSERT_EQ(c.status, 200);
  ASSERT_EQ(edgefn_runtime_recycles(e.rt), 1);
  collected_free(&c);
  env_close(&e);
  return 0;
}

/* WeakRef and FinalizationRegistry: a target lives to the end of the job that made or
 * dereferenced the WeakRef, then is collected like anything else; the registry's callback
 * gets the held value of each collected target it still has registered. */
TEST(runtime_weak_refs_and_finalization) {
  js_env e;
  ASSERT_EQ(env_open(&e,
                     "var refs = {}, log = [], keep = {};\n"
                     "var reg = new FinalizationRegistry(function (h) { log.push(h); });\n"
                     "addEventListener('fetch', function (e) {\n"
                     "  var p = new URL(e.request.url).pathname, out = '';\n"
                     "  if (p === '/make') {\n"
                     "    var t = { big: 'x' };\n"
                     "    keep.o = { kept: 1 };\n"
                     "    refs.dropped = new WeakRef(t);\n"
                     "    refs.again = new WeakRef(t);\n"
                     "    refs.kept = new WeakRef(keep.o);\n"
                     "    refs.frozen = new WeakRef(Object.freeze({ f: 1 }));\n"
                     "    reg.register(t, 'dropped-held');\n"
                     "    reg.register(keep.o, 'kept-held', keep);\n"
                     "    var tok = {}; reg.register({}, 'unregistered', tok);\n"
                     "    out = reg.unregister(tok) + ',' + reg.unregister(tok) + ',';\n"
                     "    var proto = { shared: 1 }; refs.proto = new WeakRef(proto);\n"
                     "    for (var i = 0; i < 2000; i++) Object.create(proto).n = i;\n"
                     "    Duktape.gc();\n"
                     "    out += [refs.dropped.deref() === t, refs.again.deref() === t,\n"
                     "            refs.kept.deref() === keep.o, refs.frozen.deref().f].join();\n"
                     "  } else if (p === '/check') {\n"
                     "    Duktape.gc();\n"
                     "    out = [refs.dropped.deref(), refs.again.deref(), refs.kept.deref() === keep.o,\n"
                     "           refs.frozen.deref(), refs.proto.deref()].join() + '|' + log.join();\n"
                     "  } else if (p === '/release') {\n"
                     "    keep.o = null;\n"
                     "    out = String(refs.kept.deref());\n"
                     "  } else {\n"
                     "    Duktape.gc();\n"
                     "    out = refs.kept.deref() + '|' + log.join();\n"
                     "  }\n"
                     "  e.respondWith(new Response(out));\n"
                     "});",
                     2000, 0, 0),
            0);
  collected c;
  ASSERT_EQ(env_fetch(&e, "GET", "http://x/make", NULL, 0, NULL, &c), 0);
  ASSERT_EQ(c.status, 200);
  ASSERT_STREQ(c.body, "true,false,true,true,true,1");
  collected_free(&c);
  ASSERT_EQ(env_fetch(&e, "GET", "http://x/check", NULL, 0, NULL, &c), 0);
  ASSERT_STREQ(c.body, ",,true,,|dropped-held");
  collected_free(&c);
  ASSERT_EQ(env_fetch(&e, "GET", "http://x/release", NULL, 0, NULL, &c), 0);
  ASSERT_STREQ(c.body, "undefined");
  collected_free(&c);
  ASSERT_EQ(env_fetch(&e, "GET", "http://x/final", NULL, 0, NULL, &c), 0);
  ASSERT_STREQ(c.body, "undefined|dropped-held,kept-held");
  collected_free(&c);
  env_close(&e);
  return 0;
}

TEST(runtime_promise_and_timer_response) {
  js_env e;
  ASSERT_EQ(env_open(&e,
                     "addEventListener('fetch', function (e) {\n"
                     "  e.respondWith(new Promise(function (resolve) {\n"
                     "    setTimeout(function (a, b) {\n"
                     "      resolve(new Response(a + b));\n"
                     "    }, 20, 'late', '!');\n"
                     "  }).then(function (r) { return r; }));\n"
                     "});",
                     0, 0, 0),
            0);
  collected c;
  double t0 = now_ms();
  ASSERT_EQ(env_fetch(&e, "GET", "http://x/", NULL, 0, NULL, &c), 0);
  ASSERT(now_ms() - t0 >= 19);
  ASSERT_EQ(c.status, 200);
  ASSERT_STREQ(c.body, "late!");
  collected_free(&c);
  env_close(&e);
  return 0;
}

TEST(runtime_wall_limit) {
  js_env e;
  ASSERT_EQ(env_open(&e,
                     "addEventListener('fetch', function (e) {\n"
                     "  e.respondWith(new Promise(function () {}));\n"
                     "});",
                     0, 0, 100),
            0);
  collected c;
  double t0 = now_ms();
  ASSERT_EQ(env_fetch(&e, "GET", "http://x/", NULL, 0, NULL, &c), 0);
  double took = now_ms() - t0;
  ASSERT_EQ(c.status, 504);
  ASSERT(took >= 95 && took < 2000);
  ASSERT(strstr(e.log.text, "wall time limit") != NULL);
  collected_free(&c);
  env_close(&e);
  return 0;
}

TEST(runtime_respond_with_rules) {
  js_env e;
  ASSERT_EQ(env_open(&e,
                     "var late;\n"
                     "addEventListener('fetch', function (e) {\n"
                     "  var u = e.request.url;\n"
                     "  if (u.indexOf('/twice') > 0) {\n"
                     "    e.respondWith(new Response('a'));\n"
                     "    try { e.respondWith(new Response('b')); } catch (err) {\n"
                     "      console.log('second: ' + err.name + ' ' + (err instanceof DOMException)); }\n"
                     "  } else if (u.indexOf('/late2') > 0) {\n"
                     "    try { late.respondWith(new Response('x')); } catch (err) {\n"
                     "      console.log('late: ' + err.name); }\n"
                     "    e.respondWith(new Response('y'));\n"
                     "  } else if (u.indexOf('/late') > 0) {\n"
                     "    late = e;\n"
                     "  } else if (u.indexOf('/notresponse') > 0) {\n"
                     "    e.respondWith(Promise.resolve(42));\n"
                     "  } else if (u.indexOf('/throwafter') > 0) {\n"
                     "    e.waitUntil(Promise.reject(new Error('background failed')));\n"
                     "    e.respondWith(new Response('kept'));\n"
                     "    throw new Error('after respondWith');\n"
                     "  }\n"
                     "});",
                     0, 0, 0),
            0);
  collected c;
  ASSERT_EQ(env_fetch(&e, "GET", "http://x/twice", NULL, 0, NULL, &c), 0);
  ASSERT_STREQ(c.body, "a");
  ASSERT(strstr(e.log.text, "second: InvalidStateError true") != NULL);
  collected_free(&c);
  ASSERT_EQ(env_fetch(&e, "GET", "http://x/late", NULL, 0, NULL, &c), 0);
  ASSERT_EQ(c.end_result, EDGEFN_EPASS);
  collected_free(&c);
  ASSERT_EQ(env_fetch(&e, "GET", "http://x/late2", NULL, 0, NULL, &c), 0);
  ASSERT_STREQ(c.body, "y");
  ASSERT(strstr(e.log.text, "late: InvalidStateError") != NULL);
  collected_free(&c);
  ASSERT_EQ(env_fetch(&e, "GET", "http://x/notresponse", NULL, 0, NULL, &c), 0);
  ASSERT_EQ(c.status, 500);
  ASSERT(strstr(e.log.text, "not a Response") != NULL);
  collected_free(&c);
  /* An exception after respondWith keeps the response but is logged, as is a rejected
   * waitUntil promise. */
  ASSERT_EQ(env_fetch(&e, "GET", "http://x/throwafter", NULL, 0, NULL, &c), 0);
  ASSERT_EQ(c.status, 200);
  ASSERT_STREQ(c.body, "kept");
  ASSERT(strstr(e.log.text, "Uncaught exception in the fetch handler: Error: after") != NULL);
  ASSERT(strstr(e.log.text, "Uncaught (in waitUntil promise): Error: background failed") !=
         NULL);
  collected_free(&c);
  env_close(&e);
  return 0;
}

TEST(runtime_top_level_errors) {
  js_env e;
  ASSERT_EQ(env_open(&e, "var a = 1;\nthrow new Error('top');\n", 0, 0, 0), EDGEFN_ESCRIPT);
  ASSERT_EQ(e.err.code, EDGEFN_ESCRIPT);
  ASSERT_EQ(e.err.line, 2);
  ASSERT_STREQ(e.err.file, "test.js");
  ASSERT(strstr(e.err.message, "top") != NULL);
  ASSERT(e.rt == NULL);
  env_close(&e);
  ASSERT_EQ(env_open(&e, "while (true) {}", 0, 0, 0), EDGEFN_ECPU_LIMIT);
  ASSERT(e.rt == NULL);
  env_close(&e);
  return 0;
}

TEST(runtime_dispatch_arguments) {
  js_env e;
  ASSERT_EQ(env_open(&e, HELLO_JS, 0, 0, 0), 0);
  collected c = {0};
  edgefn_request req = EDGEFN_REQUEST_INIT;
  ASSERT_EQ(edgefn_runtime_dispatch(e.rt, &req, &h_handler, &c), EDGEFN_EINVAL); /* no url */
  req.url = "http://x/";
  req.url_len = 9;
  ASSERT_EQ(edgefn_runtime_dispatch(NULL, &req, &h_handler, &c), EDGEFN_EINVAL);
  ASSERT_EQ(edgefn_runtime_dispatch(e.rt, NULL, &h_handler, &c), EDGEFN_EINVAL);
  ASSERT_EQ(edgefn_runtime_dispatch(e.rt, &req, NULL, &c), EDGEFN_EINVAL);
  edgefn_response_handler small = h_handler;
  small.struct_size = 4;
  ASSERT_EQ(edgefn_runtime_dispatch(e.rt, &req, &small, &c), EDGEFN_EVERSION);
  edgefn_request small_req = req;
  small_req.struct_size = 8;
  ASSERT_EQ(edgefn_runtime_dispatch(e.rt, &small_req, &h_handler, &c), EDGEFN_EVERSION);
  edgefn_response_handler no_end = h_handler;
  no_end.on_end = NULL;
  ASSERT_EQ(edgefn_runtime_dispatch(e.rt, &req, &no_end, &c), EDGEFN_EINVAL);
  /* A failed call never calls back. */
  ASSERT_EQ(c.heads + c.ends, 0);
  ASSERT_EQ(edgefn_runtime_pending(e.rt), 0);
  env_close(&e);
  return 0;
}

TEST(runtime_free_cancels_pending) {
  js_env e;
  ASSERT_EQ(env_open(&e,
                     "addEventListener('fetch', function (e) {\n"
                     "  e.respondWith(new Promise(function (r) { setTimeout(r, 100000); }));\n"
                     "});",
                     0, 0, 0),
            0);
  collected c1, c2;
  memset(&c1, 0, sizeof(c1));
  memset(&c2, 0, sizeof(c2));
  edgefn_request req = EDGEFN_REQUEST_INIT;
  req.url = "http://x/";
  req.url_len = 9;
  ASSERT_EQ(edgefn_runtime_dispatch(e.rt, &req, &h_handler, &c1), 0);
  ASSERT_EQ(edgefn_runtime_dispatch(e.rt, &req, &h_handler, &c2), 0);
  ASSERT_EQ(edgefn_runtime_pending(e.rt), 2);
  edgefn_runtime_free(e.rt);
  e.rt = NULL;
  ASSERT_EQ(c1.ends, 1);
  ASSERT_EQ(c2.ends, 1);
  ASSERT_EQ(c1.end_result, EDGEFN_ECANCELED);
  ASSERT_EQ(c1.heads, 0);
  ASSERT_EQ(edgefn_loop_alive(e.loop), 0); /* wall timers and JS timers are gone */
  collected_free(&c1);
  collected_free(&c2);
  env_close(&e);
  return 0;
}

TEST(runtime_globals_and_console) {
  js_env e;
  ASSERT_EQ(env_open(&e,
                     "var counter = 0;\n"
                     "function bump() { return ++counter; }\n"
                     "console.log('boot', 1, {a: [1, 2]}, null);\n"
                     "console.warn('careful');\n"
                     "addEventListener('fetch', function (e) {\n"
                     "  bump();\n"
                     "  var same = (typeof globalThis.bump === 'function') && self === globalThis;\n"
                     "  var u = crypto.randomUUID();\n"
                     "  var b = crypto.getRandomValues(new Uint8Array(32));\n"
                     "  var nonzero = 0; for (var i = 0; i < b.length; i++) nonzero |= b[i];\n"
                     "  e.respondWith(new Response([counter, same,\n"
                     "    /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/"
                     ".test(u), nonzero !== 0].join(',')));\n"
                     "});",
                     0, 0, 0),
            0);
  ASSERT(strstr(e.log.text, "2|testfn|boot 1 { a: [ 1, 2 ] } null\n") != NULL);
  ASSERT(strstr(e.log.text, "1|testfn|careful\n") != NULL);
  collected c;
  ASSERT_EQ(env_fetch(&e, "GET", "http://x/", NULL, 0, NULL, &c), 0);
  ASSERT_STREQ(c.body, "1,true,true,true");
  collected_free(&c);
  ASSERT_EQ(env_fetch(&e, "GET", "http://x/", NULL, 0, NULL, &c), 0);
  ASSERT_STREQ(c.body, "2,true,true,true");
  collected_free(&c);
  env_close(&e);
  return 0;
}

TEST(runtime_headers_semantics) {
  ASSERT_EQ(js_expect("var h = new Headers({'Content-Type': 'a', 'X-A': ' 1 '});"
                      "h.append('x-a', '2'); return [h.get('content-type'), h.get('X-A'),"
                      "h.has('x-b'), h.get('x-b')].join('|');",
                      "a|1, 2|false|"),
            0);
  ASSERT_EQ(js_expect("var h = new Headers([['b','1'],['a','2'],['B','3'],['set-cookie','x'],"
                      "['Set-Cookie','y']]);"
                      "var out = []; h.forEach(function (v, k) { out.push(k + '=' + v); });"
                      "return out.join(';') + '#' + h.getSetCookie().join(',');",
                      "a=2;b=1, 3;set-cookie=x;set-cookie=y#x,y"),
            0);
  ASSERT_EQ(js_expect("var h = new Headers(); h.set('A', '1'); h.append('a', '2');"
                      "h.set('a', '3'); var n = 0; h.forEach(function () { n++; });"
                      "h.delete('A'); return n + ':' + h.has('a');",
                      "1:false"),
            0);
  ASSERT_EQ(js_expect("new Headers({'bad name': 'x'});",
                      "threw TypeError: Invalid header name: 'bad name'"),
            0);
  ASSERT_EQ(js_expect("new Headers().set('a', 'x\\r\\ny');",
                      "threw TypeError: Invalid header value for this header"),
            0);
  /* Every byte of a name and of a value against the grammar (token; no NUL, CR, LF or code
   * point beyond U+00FF), checked by a regular expression rather than the library's table;
   * upper-case names come back lower-cased, padded values trimmed. */
  ASSERT_EQ(js_expect("var tok = /^[!#$%&'*+\\-.^_`|~0-9A-Za-z]$/, bad = [];"
                      "for (var c = 0; c < 0x180; c++) {"
                      "  var ch = String.fromCharCode(c), n = true, v = true;"
                      "  try { var h = new Headers([['x' + ch, 'a']]);"
                      "    if (h.get('x' + ch) !== 'a' || !h.has('x' + ch.toLowerCase()))"
                      "      bad.push('get ' + c); } catch (e) { n = false; }"
                      "  try { var w = new Response(null, {headers: {x: ' a' + ch + 'b '}})"
                      "      .headers.get('x');"
                      "    if (w !== 'a' + ch + 'b') bad.push('value ' + c); } catch (e) { v = false; }"
                      "  if (n !== tok.test(ch)) bad.push('name ' + c);"
                      "  if (v !== !(c === 0 || c === 10 || c === 13 || c > 0xff))"
                      "    bad.push('value ' + c);"
                      "}"
                      "return bad.join() || 'ok';",
                      "ok"),
            0);
  /* The same verdicts at every position of longer values (the check reads eight bytes at a
   * time): refused characters anywhere throw, allowed ones anywhere come back unchanged. */
  ASSERT_EQ(js_expect("var refused = ['\\0', '\\n', '\\r', '\\u0100', '\\u4e2d', '\\ud83d\\ude00'],"
                      "    allowed = ['\\t', ' ', '\\x7f', '\\x80', '\\xc4', '\\xff'], bad = [];"
                      "for (var len = 1; len <= 27; len++)"
                      "  for (var at = 0; at < len; at++) {"
                      "    var pre = 'x'.repeat(at) + '', post = 'y'.repeat(len - at - 1) + 'z';"
                      "    refused.forEach(function (ch, i) {"
                      "      try { new Headers({a: 'v' + pre + ch + post}); bad.push('r' + i + '@' + at);"
                      "      } catch (e) { if (!(e instanceof TypeError)) bad.push('e' + i); } });"
                      "    allowed.forEach(function (ch, i) {"
                      "      var v = 'v' + pre + ch + post;"
                      "      if (new Headers({a: v}).get('a') !== v) bad.push('a' + i + '@' + at); });"
                      "  }"
                      "return bad.join() || 'ok';",
                      "ok"),
            0);
  ASSERT_EQ(js_expect("var it = new Headers({b: '2', a: '1'}).entries(); var x = it.next();"
                      "return x.value.join('=') + ',' + it.next().value[0] + ',' +"
                      " it.next().done;",
                      "a=1,b,true"),
            0);
  ASSERT_EQ(js_expect("var h = new Headers({a: '1'}); var g = new Headers(h); g.set('a', '2');"
                      "return h.get('a') + g.get('a');",
                      "12"),
            0);
  return 0;
}

/* Headers is a pair iterable, and its iterators are iterable too: `for (const [k, v] of
 * headers)`, spreading, Array.from and for-of over entries()/keys()/values() all work, as
 * frameworks (Hono's Context copies headers with `for ... of headers.entries()`) expect. */
TEST(runtime_headers_are_iterable) {
  ASSERT_EQ(js_expect("var h = new Headers({b: '2', a: '1', 'set-cookie': 'x'});"
                      "h.append('Set-Cookie', 'y'); var out = [];"
                      "for (const [k, v] of h) out.push(k + '=' + v);"
                      "for (const [k, v] of h.entries()) out.push(k + v);"
                      "out.push([...h.keys()].join(), Array.from(h.values()).join());"
                      "return out.join(';');",
                      "a=1;b=2;set-cookie=x;set-cookie=y;a1;b2;set-cookiex;set-cookiey;"
                      "a,b,set-cookie,set-cookie;1,2,x,y"),
            0);
  ASSERT_EQ(js_expect("var h = new Headers({a: '1'}), it = h.keys(), p = Object.getPrototypeOf(it);"
                      "return [Headers.prototype[Symbol.iterator] === Headers.prototype.entries,"
                      " it[Symbol.iterator]() === it, p === Object.getPrototypeOf(h.values()),"
                      " Object.prototype.toString.call(it), Object.keys(it).length,"
                      " new Map(h).get('a')].join('|');",
                      "true|true|true|[object Headers Iterator]|0|1"),
            0);
  ASSERT_EQ(js_expect("var next = new Headers().entries().next; next.call({});",
                      "threw TypeError: Illegal invocation: not a Headers iterator"),
            0);
  js_env e;
  ASSERT_EQ(env_open(&e,
                     "addEventListener('fetch', function (e) {\n"
                     "  var out = [];\n"
                     "  for (const [k, v] of e.request.headers) out.push(k + '=' + v);\n"
                     "  e.respondWith(new Response(out.join(',') + '|' +\n"
                     "      Object.fromEntries(e.request.headers)['x-b']));\n"
                     "});",
                     0, 0, 0),
            0);
  edgefn_header h[] = {{"X-B", 3, "2", 1}, {"accept", 6, "*/*", 3}};
  collected c;
  ASSERT_EQ(env_fetch(&e, "GET", "http://x/", h, 2, NULL, &c), 0);
  ASSERT_STREQ(c.body, "accept=*/*,x-b=2|2");
  collected_free(&c);
  env_close(&e);
  return 0;
}

TEST(runtime_long_incoming_header_names) {
  /* Names longer than the fast path's buffer take the general path, in order. */
  js_env e;
  ASSERT_EQ(env_open(&e,
                     "addEventListener('fetch', function (e) {\n"
                     "  var out = [];\n"
                     "  e.request.headers.forEach(function (v, k) { out.push(k.length + '=' + v); });\n"
                     "  e.respondWith(new Response(out.join(',')));\n"
                     "});",
                     0, 0, 0),
            0);
  char longname[300];
  memset(longname, 'X', sizeof(longname));
  edgefn_header h[] = {{"A", 1, "1", 1}, {longname, 300, "2", 1}, {"b", 1, "3", 1}};
  collected c;
  ASSERT_EQ(env_fetch(&e, "GET", "http://x/", h, 3, NULL, &c), 0);
  ASSERT_STREQ(c.body, "1=1,1=3,300=2");
  collected_free(&c);
  env_close(&e);
  return 0;
}

/* Incoming headers stay a packed block until read (lib/js/fetch.c, push_message_headers):
 * every way of reaching them must see the same list. */
TEST(runtime_incoming_headers_read_lazily) {
  js_env e;
  ASSERT_EQ(env_open(&e,
                     "addEventListener('fetch', function (e) {\n"
                     "  var r = e.request, out = [];\n"
                     "  if (r.url.indexOf('/freeze') > 0) Object.freeze(r);\n"
                     "  var cl = r.clone(), copy = new Request(r);\n"
                     "  out.push(copy.headers.get('x-a'), cl.headers.get('x-a'));\n"
                     "  out.push(r.headers === r.headers, r.headers.get('X-A'), r.headers.get('e') === '');\n"
                     "  var n = 0; r.headers.forEach(function () { n++; }); out.push(n);\n"
                     "  e.respondWith(cl.formData().then(function (fd) {\n"
                     "    out.push(fd.get('k'));\n"
                     "    return new Response(out.join(','));\n"
                     "  }, function (err) { return new Response(out.join(',') + ',' + err.name); }));\n"
                     "});",
                     0, 0, 0),
            0);
  edgefn_header h[] = {{"X-A", 3, "one", 3},
                       {"Content-Type", 12, "application/x-www-form-urlencoded", 33},
                       {"e", 1, "", 0}};
  const char *urls[] = {"http://x/", "http://x/freeze"};
  for (size_t i = 0; i < 2; i++) {
    collected c;
    ASSERT_EQ(env_fetch(&e, "POST", urls[i], h, 3, "k=v", &c), 0);
    ASSERT_STREQ(c.body, "one,one,true,one,true,3,v");
    collected_free(&c);
  }
  /* No headers at all. */
  collected c;
  ASSERT_EQ(env_fetch(&e, "POST", "http://x/", NULL, 0, "k=v", &c), 0);
  ASSERT_STREQ(c.body, ",,true,,false,0,TypeError");
  collected_free(&c);
  env_close(&e);
  return 0;
}

TEST(runtime_request_headers_immutable) {
  js_env e;
  ASSERT_EQ(env_open(&e,
                     "addEventListener('fetch', function (e) {\n"
                     "  var msg = 'none';\n"
                     "  try { e.request.headers.set('a', 'b'); } catch (err) { msg = err.message; }\n"
                     "  var copy = new Request(e.request);\n"
                     "  copy.headers.set('a', 'b');\n"
                     "  e.respondWith(new Response(msg + '|' + copy.headers.get('a') + '|' +\n"
                     "      copy.url + '|' + copy.method));\n"
                     "});",
                     0, 0, 0),
            0);
  collected c;
  ASSERT_EQ(env_fetch(&e, "put", "http://x/a", NULL, 0, NULL, &c), 0);
  ASSERT_STREQ(c.body, "Can't modify immutable headers.|b|http://x/a|PUT");
  collected_free(&c);
  env_close(&e);
  return 0;
}

/* The headers the host receives for a Response: taken from its list while no script has
 * read them (the Headers object is made on first read), and from the Headers object,
 * writes included, once one has. */
TEST(runtime_response_headers_delivered) {
  js_env e;
  ASSERT_EQ(env_open(&e,
                     "addEventListener('fetch', function (e) {\n"
                     "  var p = new URL(e.request.url).pathname;\n"
                     "  var r = new Response('b', { status: 201, headers: { 'X-A': '1' } });\n"
                     "  if (p === '/read') { r.headers.set('x-b', '2'); r.headers.delete('x-a'); }\n"
                     "  if (p === '/frozen') { Object.freeze(r); r.headers.append('x-c', '3'); }\n"
                     "  if (p === '/redirect') r = Response.redirect('http://y/z', 307);\n"
                     "  if (p.indexOf('/latin') === 0) {\n"
                     "    r = new Response(null, { status: 201, headers: [['X-L', ' caf\\u00e9\\t'],\n"
                     "      ['Content-Type', 'a/b']] });\n"
                     "    if (p === '/latin-read' && r.headers.get('x-l') !== 'caf\\u00e9') r = null;\n"
                     "  }\n"
                     "  e.respondWith(r);\n"
                     "});",
                     0, 0, 0),
            0);
  /* A Response's headers reach the host the same whether or not a script read them back
   * (its packed block, or the Headers object made from it): names lower-cased, values
   * trimmed, characters up to U+00FF in UTF-8. */
  static const char *const cases[][2] = {
      {"http://x/", "x-a: 1\ncontent-type: text/plain;charset=UTF-8\n"},
      {"http://x/read", "content-type: text/plain;charset=UTF-8\nx-b: 2\n"},
      {"http://x/frozen", "x-a: 1\ncontent-type: text/plain;charset=UTF-8\nx-c: 3\n"},
      {"http://x/redirect", "location: http://y/z\n"},
      {"http://x/latin", "x-l: caf\xc3\xa9\ncontent-type: a/b\n"},
      {"http://x/latin-read", "x-l: caf\xc3\xa9\ncontent-type: a/b\n"}};
  for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
    collected c;
    ASSERT_EQ(env_fetch(&e, "GET", cases[i][0], NULL, 0, NULL, &c), 0);
    ASSERT_EQ(c.status, i == 3 ? 307 : 201);
    ASSERT_STREQ(c.headers, cases[i][1]);
    collected_free(&c);
  }
  env_close(&e);
  return 0;
}

/* A script that keeps its events does not keep their Responses: the library's slots on an
 * event are emptied when its exchange ends, so five 1 MiB bodies do not stay in the heap
 * (the events, their requests and the script's array do). */
TEST(runtime_kept_event_releases_its_response) {
  js_env e;
  ASSERT_EQ(env_open(&e,
                     "var kept = [];\n"
                     "addEventListener('fetch', function (ev) {\n"
                     "  kept.push(ev);\n"
                     "  ev.respondWith(new Response('x'.repeat(1 << 20)));\n"
                     "});",
                     0, 0, 0),
            0);
  collected c;
  ASSERT_EQ(env_fetch(&e, "GET", "http://x/", NULL, 0, NULL, &c), 0);
  ASSERT_EQ(c.body_len, (size_t)1 << 20);
  collected_free(&c);
  size_t before = edgefn_runtime_memory_used(e.rt);
  for (int i = 0; i < 5; i++) {
    ASSERT_EQ(env_fetch(&e, "GET", "http://x/", NULL, 0, NULL, &c), 0);
    ASSERT_EQ(c.body_len, (size_t)1 << 20);
    collected_free(&c);
  }
  size_t after = edgefn_runtime_memory_used(e.rt);
  if (after > before + 512u * 1024u)
    fprintf(stderr, "heap %zu -> %zu bytes\n", before, after);
  ASSERT(after <= before + 512u * 1024u);
  env_close(&e);
  return 0;
}

/* An event nothing holds at the end of its exchange is emptied and given to the next
 * request on its slot (dispatch_safe, slot_clear): no script may tell it from a new one.
 * Each request reports what its event looks like on arrival, then leaves something behind
 * (own properties, an accessor, a freeze, a different prototype, a weak or a strong
 * reference) that the next event must not show, or that must stop the reuse. */
TEST(runtime_event_reuse_is_unobservable) {
  js_env e;
  ASSERT_EQ(env_open(&e,
                     "var proto = null, weak = null, kept = null;\n"
                     "addEventListener('fetch', function (ev) {\n"
                     "  var own = Object.getOwnPropertyNames(ev).join('+');\n"
                     "  if (!proto) proto = Object.getPrototypeOf(ev);\n"
                     "  var path = new URL(ev.request.url).pathname;\n"
                     "  var r = [path, own, Object.getPrototypeOf(ev) === proto,\n"
                     "           Object.isExtensible(ev), Object.isFrozen(ev)];\n"
                     "  if (path === '/weak-after') r.push(weak.deref() !== ev);\n"
                     "  if (path === '/kept-after') r.push(kept !== ev, kept.request.url);\n"
                     "  ev.respondWith(new Response(r.join()));\n"
                     "  if (path === '/props') {\n"
                     "    ev.marker = 1;\n"
                     "    ev[0] = 'index';\n"
                     "    Object.defineProperty(ev, 'acc', { get: function () { return 1; },\n"
                     "                                       enumerable: true });\n"
                     "  }\n"
                     "  if (path === '/many') for (var i = 0; i < 20; i++) ev['p' + i] = i;\n"
                     "  if (path === '/freeze') Object.freeze(ev);\n"
                     "  if (path === '/proto') Object.setPrototypeOf(ev, { x: 1 });\n"
                     "  if (path === '/weak') weak = new WeakRef(ev);\n"
                     "  if (path === '/kept') kept = ev;\n"
                     "});",
                     0, 0, 0),
            0);
  static const char *const cases[][2] = {
      {"/first", "/first,,true,true,false"},
      {"/props", "/props,,true,true,false"},
      {"/after-props", "/after-props,,true,true,false"},
      {"/many", "/many,,true,true,false"},
      {"/after-many", "/after-many,,true,true,false"},
      {"/freeze", "/freeze,,true,true,false"},
      {"/after-freeze", "/after-freeze,,true,true,false"},
      {"/proto", "/proto,,true,true,false"},
      {"/after-proto", "/after-proto,,true,true,false"},
      {"/weak", "/weak,,true,true,false"},
      {"/weak-after", "/weak-after,,true,true,false,true"},
      {"/kept", "/kept,,true,true,false"},
      {"/kept-after", "/kept-after,,true,true,false,true,http://x/kept"},
      {"/last", "/last,,true,true,false"}};
  for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
    char url[64];
    snprintf(url, sizeof(url), "http://x%s", cases[i][0]);
    collected c;
    ASSERT_EQ(env_fetch(&e, "GET", url, NULL, 0, NULL, &c), 0);
    ASSERT_EQ(c.status, 200);
    if (strcmp(c.body, cases[i][1]) != 0)
      fprintf(stderr, "%s: got %s\n", cases[i][0], c.body);
    ASSERT_STREQ(c.body, cases[i][1]);
    collected_free(&c);
  }
  env_close(&e);
  return 0;
}

/* Dispatches a request whose strings live in heap blocks that are overwritten and freed as
 * soon as edgefn_runtime_dispatch returns (the host's struct is only borrowed for the call),
 * then runs the loop until the response ended. */
static int fetch_then_free_request(js_env *e, const char *method, const char *url,
                                   const char *hname, const char *hvalue, const char *body,
                                   collected *c) {
  memset(c, 0, sizeof(*c));
  char *m = strdup(method), *u = strdup(url), *hn = strdup(hname), *hv = strdup(hvalue);
  char *b = strdup(body);
  edgefn_header *h = malloc(sizeof(*h));
  edgefn_request *req = malloc(sizeof(*req));
  if (!m || !u || !hn || !hv || !b || !h || !req)
    return -1;
  *h = (edgefn_header){hn, strlen(hn), hv, strlen(hv)};
  *req = (edgefn_request)EDGEFN_REQUEST_INIT;
  req->method = m;
  req->method_len = strlen(m);
  req->url = u;
  req->url_len = strlen(u);
  req->headers = h;
  req->header_count = 1;
  req->body = (const uint8_t *)b;
  req->body_len = strlen(b);
  int rc = edgefn_runtime_dispatch(e->rt, req, &h_handler, c);
  char *blocks[] = {m, u, hn, hv, b};
  for (size_t i = 0; i < sizeof(blocks) / sizeof(blocks[0]); i++) {
    memset(blocks[i], 'Z', strlen(blocks[i]));
    free(blocks[i]);
  }
  memset(h, 0x5a, sizeof(*h));
  memset(req, 0x5a, sizeof(*req));
  free(h);
  free(req);
  if (rc)
    return rc;
  while (!c->ended && edgefn_loop_alive(e->loop))
    edgefn_loop_run(e->loop, EDGEFN_RUN_ONCE);
  return c->ended ? 0 : -1000;
}

/* event.request is made on its first read (FetchEvent.prototype's accessor); whenever the
 * event can still be read after the dispatch call (an answer still to come, waitUntil work,
 * an event kept by the script) it holds the request the host gave, not the host's memory. */
TEST(runtime_request_made_on_first_read) {
  js_env e;
  ASSERT_EQ(env_open(&e,
                     "var n = 0, seen = [];\n"
                     "addEventListener('fetch', function (e) {\n"
                     "  if (++n > 1) return e.respondWith(new Response(seen.join(',')));\n"
                     "  /* nothing reads the request before the dispatch call returns */\n"
                     "  e.waitUntil(new Promise(function (res) { setTimeout(res, 2); })\n"
                     "    .then(function () {\n"
                     "      seen.push(e.request.url, e.request.headers.get('x-a'));\n"
                     "    }));\n"
                     "  e.respondWith(new Promise(function (res) { setTimeout(res, 1); })\n"
                     "    .then(function () { return e.request.text(); })\n"
                     "    .then(function (t) {\n"
                     "      var r = e.request, p = Object.getPrototypeOf(e);\n"
                     "      var d = Object.getOwnPropertyDescriptor(p, 'request');\n"
                     "      return new Response(r.method + ' ' + r.url + ' ' +\n"
                     "        r.headers.get('x-a') + ' ' + t + ' ' + (r === e.request) + ' ' +\n"
                     "        typeof d.get + ' ' + (Object.create(e).request === r) + ' ' +\n"
                     "        p.request);\n"
                     "    }));\n"
                     "});",
                     0, 0, 0),
            0);
  collected c;
  ASSERT_EQ(fetch_then_free_request(&e, "PUT", "https://a.example/later?x=1", "x-a", "one",
                                    "body-one", &c),
            0);
  ASSERT_EQ(c.status, 200);
  /* Object.create(e) inherits the event's own "request" once it was made */
  ASSERT_STREQ(c.body, "PUT https://a.example/later?x=1 one body-one true function true "
                       "undefined");
  collected_free(&c);
  edgefn_loop_run(e.loop, EDGEFN_RUN_DEFAULT); /* the waitUntil work */
  ASSERT_EQ(edgefn_runtime_pending(e.rt), 0);
  ASSERT_EQ(env_fetch(&e, "GET", "http://x/report", NULL, 0, NULL, &c), 0);
  ASSERT_STREQ(c.body, "https://a.example/later?x=1,one");
  collected_free(&c);
  env_close(&e);

  /* An event kept by a script that never read its request, answered at once. */
  ASSERT_EQ(env_open(&e,
                     "var kept = null;\n"
                     "addEventListener('fetch', function (e) {\n"
                     "  if (kept) {\n"
                     "    var k = kept;\n"
                     "    kept = null;\n"
                     "    return e.respondWith(k.request.text().then(function (t) {\n"
                     "      return new Response(k.request.url + ' ' + t);\n"
                     "    }));\n"
                     "  }\n"
                     "  kept = e;\n"
                     "  e.respondWith(new Response('kept'));\n"
                     "});",
                     0, 0, 0),
            0);
  ASSERT_EQ(fetch_then_free_request(&e, "POST", "https://b.example/first", "x-a", "1",
                                    "first-body", &c),
            0);
  ASSERT_STREQ(c.body, "kept");
  collected_free(&c);
  ASSERT_EQ(env_fetch(&e, "GET", "http://x/second", NULL, 0, NULL, &c), 0);
  ASSERT_STREQ(c.body, "https://b.example/first first-body");
  collected_free(&c);
  env_close(&e);

  /* A Proxy of the event reads the event's request before and after it was made; an
   * event the script froze, or on which it defined its own "request" before the first
   * read, keeps that state when the request is made at the end of the dispatch call
   * (the frozen event still answers from FetchEvent.prototype's accessor). */
  ASSERT_EQ(env_open(&e,
                     "var n = 0, after = '';\n"
                     "addEventListener('fetch', function (e) {\n"
                     "  var kind = ++n, own = null, p = new Proxy(e, {}), early = '';\n"
                     "  if (kind === 1) /* before the first read, the accessor called on a Proxy */\n"
                     "    early = Object.getOwnPropertyDescriptor(Object.getPrototypeOf(e),\n"
                     "      'request').get.call(p).url + ' ' + (p.request === e.request);\n"
                     "  if (kind === 2) {\n"
                     "    own = {url: 'mine'};\n"
                     "    Object.defineProperty(e, 'request', {value: own});\n"
                     "  }\n"
                     "  if (kind === 4) return e.respondWith(new Response(after));\n"
                     "  if (kind === 3) {\n"
                     "    Object.freeze(e);\n"
                     "    /* after the library kept the Response on the event */\n"
                     "    e.waitUntil(new Promise(function (res) { setTimeout(res, 5); })\n"
                     "      .then(function () { after = Object.isFrozen(e) + ' ' + e.request.url; }));\n"
                     "  }\n"
                     "  e.respondWith(new Promise(function (res) { setTimeout(res, 1); })\n"
                     "    .then(function () {\n"
                     "      var d = Object.getOwnPropertyDescriptor(e, 'request');\n"
                     "      return new Response([early, e.request.url,\n"
                     "        d ? typeof d.value : 'none', Object.isFrozen(e),\n"
                     "        Object.getOwnPropertyNames(e).length, p.request === e.request,\n"
                     "        own ? e.request === own : 'na'].join(' '));\n"
                     "    }));\n"
                     "});",
                     0, 0, 0),
            0);
  static const char *const kinds[][2] = {
      {"https://c.example/a",
       "https://c.example/a true https://c.example/a object false 1 true na"},
      {"https://c.example/b", " mine object false 1 true true"},
      {"https://c.example/c", " https://c.example/c none true 0 true na"},
      {"https://c.example/d", "true https://c.example/c"},
  };
  for (size_t i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++) {
    ASSERT_EQ(fetch_then_free_request(&e, "GET", kinds[i][0], "x-a", "1", "", &c), 0);
    if (!c.body || strcmp(c.body, kinds[i][1]) != 0)
      fprintf(stderr, "%s: %s\n", kinds[i][0], c.body ? c.body : "(none)");
    ASSERT_STREQ(c.body, kinds[i][1]);
    collected_free(&c);
    edgefn_loop_run(e.loop, EDGEFN_RUN_DEFAULT); /* the waitUntil work */
  }
  env_close(&e);
  return 0;
}

/* The incoming method as a script sees it: the standard methods in any case come out
 * upper-case (Fetch's normalization), others as the host gave them; a forbidden or
 * malformed one fails the request. */
TEST(runtime_incoming_methods) {
  js_env e;
  ASSERT_EQ(env_open(&e,
                     "addEventListener('fetch', function (e) {\n"
                     "  e.respondWith(new Response(e.request.method));\n"
                     "});",
                     0, 0, 0),
            0);
  static const char *const cases[][2] = {
      {"GET", "GET"},         {"get", "GET"},         {"PUT", "PUT"},   {"pUt", "PUT"},
      {"POST", "POST"},       {"post", "POST"},       {"HEAD", "HEAD"}, {"head", "HEAD"},
      {"DELETE", "DELETE"},   {"options", "OPTIONS"}, {"PATCH", "PATCH"},
      {"patch", "patch"},     {"PROPFIND", "PROPFIND"}, {"GETX", "GETX"}, {"GE", "GE"}};
  for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
    collected c;
    ASSERT_EQ(env_fetch(&e, cases[i][0], "http://x/", NULL, 0, NULL, &c), 0);
    if (c.status != 200 || !c.body || strcmp(c.body, cases[i][1]) != 0)
      fprintf(stderr, "method %s: %d %s\n", cases[i][0], c.status, c.body ? c.body : "");
    ASSERT_EQ(c.status, 200);
    ASSERT_STREQ(c.body, cases[i][1]);
    collected_free(&c);
  }
  collected c;
  ASSERT_EQ(env_fetch(&e, "CONNECT", "http://x/", NULL, 0, NULL, &c), 0);
  ASSERT_EQ(c.status, 500);
  collected_free(&c);
  ASSERT_EQ(env_fetch(&e, "G T", "http://x/", NULL, 0, NULL, &c), 0);
  ASSERT_EQ(c.status, 500);
  collected_free(&c);
  env_close(&e);
  return 0;
}

TEST(runtime_body_methods) {
  js_env e;
  ASSERT_EQ(env_open(&e,
                     "addEventListener('fetch', function (e) {\n"
                     "  var req = e.request;\n"
                     "  e.respondWith(req.clone().json().then(function (j) {\n"
                     "    return req.text().then(function (t) {\n"
                     "      return req.text().then(null, function (err) {\n"
                     "        return new Response(j.a + '|' + t.length + '|' + req.bodyUsed +\n"
                     "            '|' + err.message);\n"
                     "      });\n"
                     "    });\n"
                     "  }));\n"
                     "});",
                     0, 0, 0),
            0);
  collected c;
  ASSERT_EQ(env_fetch(&e, "POST", "http://x/", NULL, 0, "{\"a\": \"\xc3\xa9\xf0\x9f\x98\x80\"}",
                      &c),
            0);
  /* {"a": "é😀"}: é is one UTF-16 unit, the emoji two, so the text is 12 characters. */
  ASSERT_STREQ(c.body, "\xc3\xa9\xf0\x9f\x98\x80|12|true|Body has already been used");
  collected_free(&c);
  /* Invalid JSON rejects with a SyntaxError; invalid UTF-8 decodes to U+FFFD. */
  env_close(&e);
  ASSERT_EQ(env_open(&e,
                     "addEventListener('fetch', function (e) {\n"
                     "  var r = new Response('\\ud83d\\ude00 \\ud800');\n"
                     "  e.respondWith(e.request.clone().json().then(null, function (err) {\n"
                     "    return e.request.text().then(function (t) {\n"
                     "      return r.arrayBuffer().then(function (ab) {\n"
                     "        return new Response(err.name + '|' + t + '|' + ab.byteLength);\n"
                     "      });\n"
                     "    });\n"
                     "  }));\n"
                     "});",
                     0, 0, 0),
            0);
  ASSERT_EQ(env_fetch(&e, "POST", "http://x/", NULL, 0, "{\xff", &c), 0);
  /* "😀 \ud800" as UTF-8: 4 bytes + space + U+FFFD (3 bytes) = 8. */
  ASSERT_STREQ(c.body, "SyntaxError|{\xef\xbf\xbd|8");
  collected_free(&c);
  env_close(&e);
  return 0;
}

TEST(runtime_response_semantics) {
  ASSERT_EQ(js_expect("var r = new Response(null, {status: 204}); return [r.status, r.ok, "
                      "r.statusText, r.headers.get('content-type'), r.bodyUsed].join('|');",
                      "204|true|||false"),
            0);
  ASSERT_EQ(js_expect("new Response('x', {status: 600});",
                      "threw RangeError: Failed to construct 'Response': The status provided "
                      "(600) is outside the range [200, 599]."),
            0);
  ASSERT_EQ(js_expect("new Response('x', {status: 204});",
                      "threw TypeError: Failed to construct 'Response': Response with null body "
                      "status cannot have body"),
            0);
  ASSERT_EQ(js_expect("var r = Response.json({a: 1}, {status: 404}); return r.status + ' ' + "
                      "r.headers.get('content-type');",
                      "404 application/json"),
            0);
  ASSERT_EQ(js_expect("var r = Response.redirect('https://a.example/', 301); return r.status + "
                      "' ' + r.headers.get('location');",
                      "301 https://a.example/"),
            0);
  ASSERT_EQ(js_expect("Response();",
                      "threw TypeError: Failed to construct 'Response': Please use the 'new' "
                      "operator"),
            0);
  ASSERT_EQ(js_expect("var r = new Request('https://a/', {method: 'post', body: 'x'});"
                      "return r.method + r.headers.get('content-type');",
                      "POSTtext/plain;charset=UTF-8"),
            0);
  ASSERT_EQ(js_expect("new Request('https://a/', {body: 'x'});",
                      "threw TypeError: Failed to construct 'Request': Request with GET/HEAD "
                      "method cannot have body."),
            0);
  ASSERT_EQ(js_expect("new Request('/relative');",
                      "threw TypeError: Failed to construct 'Request': Invalid URL '/relative'"),
            0);
  ASSERT_EQ(js_expect("new Request('https://a/', {method: 'TRACE'});",
                      "threw TypeError: 'TRACE' HTTP method is unsupported."),
            0);
  ASSERT_EQ(js_expect("return new Response(new Uint8Array([104, 105])).status;", "200"), 0);
  ASSERT_EQ(js_expect("return new Response('', {statusText: 'Fine \\t caf\\u00e9'}).statusText;",
                      "Fine \t caf\xc3\xa9"),
            0);
  ASSERT_EQ(js_expect("new Response('', {statusText: 'bad\\u0001'});",
                      "threw TypeError: Failed to construct 'Response': Invalid statusText"),
            0);
  ASSERT_EQ(js_expect("new Response('', {statusText: 'snow \\u2603'});",
                      "threw TypeError: Failed to construct 'Response': Invalid statusText"),
            0);
  return 0;
}

TEST(runtime_binary_body_delivered) {
  js_env e;
  ASSERT_EQ(env_open(&e,
                     "addEventListener('fetch', function (e) {\n"
                     "  var b = new Uint8Array([0, 255, 65]);\n"
                     "  e.respondWith(new Response(b.buffer));\n"
                     "});",
                     0, 0, 0),
            0);
  collected c;
  ASSERT_EQ(env_fetch(&e, "GET", "http://x/", NULL, 0, NULL, &c), 0);
  ASSERT_EQ(c.body_len, 3);
  ASSERT_EQ((unsigned char)c.body[0], 0);
  ASSERT_EQ((unsigned char)c.body[1], 255);
  ASSERT_EQ(c.body[2], 'A');
  ASSERT(strstr(c.headers, "content-type") == NULL);
  collected_free(&c);
  env_close(&e);
  return 0;
}

TEST(runtime_lazy_globals) {
  /* A lazy global installs on first read, and can be replaced before or after that. */
  ASSERT_EQ(js_expect("var t1 = typeof console.log; var same = console === console;"
                      "return t1 + ',' + same + ',' + typeof crypto.randomUUID;",
                      "function,true,function"),
            0);
  ASSERT_EQ(js_expect("console = 5; return typeof console + ',' + console;", "number,5"), 0);
  ASSERT_EQ(js_expect("var c = console; console = 1; console = c; return typeof console.warn;",
                      "function"),
            0);
  ASSERT_EQ(js_expect("return 'console' in globalThis;", "true"), 0);
  return 0;
}

TEST(runtime_wait_until_keeps_request_alive) {
  js_env e;
  ASSERT_EQ(env_open(&e,
                     "var done = [];\n"
                     "addEventListener('fetch', function (e) {\n"
                     "  if (e.request.url.indexOf('/report') > 0) {\n"
                     "    e.respondWith(new Response(done.join(',')));\n"
                     "    return;\n"
                     "  }\n"
                     "  e.waitUntil(new Promise(function (resolve) {\n"
                     "    setTimeout(function () { done.push('bg'); resolve(); }, 30);\n"
                     "  }));\n"
                     "  e.respondWith(new Response('fast'));\n"
                     "});",
                     0, 0, 0),
            0);
  collected c;
  ASSERT_EQ(env_fetch(&e, "GET", "http://x/", NULL, 0, NULL, &c), 0);
  ASSERT_STREQ(c.body, "fast");
  /* Answered, but its waitUntil timer keeps it (and the loop) alive. */
  ASSERT_EQ(edgefn_runtime_pending(e.rt), 1);
  ASSERT(edgefn_loop_alive(e.loop));
  collected_free(&c);
  edgefn_loop_run(e.loop, EDGEFN_RUN_DEFAULT);
  ASSERT_EQ(edgefn_runtime_pending(e.rt), 0);
  ASSERT_EQ(env_fetch(&e, "GET", "http://x/report", NULL, 0, NULL, &c), 0);
  ASSERT_STREQ(c.body, "bg");
  ASSERT_EQ(c.ends, 1);
  collected_free(&c);
  env_close(&e);
  /* Work that never settles is cut off at the wall limit, without a second on_end. */
  ASSERT_EQ(env_open(&e,
                     "addEventListener('fetch', function (e) {\n"
                     "  e.waitUntil(new Promise(function () { setInterval(function () {}, 5); }));\n"
                     "  e.respondWith(new Response('x'));\n"
                     "});",
                     0, 0, 80),
            0);
  ASSERT_EQ(env_fetch(&e, "GET", "http://x/", NULL, 0, NULL, &c), 0);
  edgefn_loop_run(e.loop, EDGEFN_RUN_DEFAULT); /* returns: the interval died with the request */
  ASSERT_EQ(c.ends, 1);
  ASSERT_EQ(edgefn_runtime_pending(e.rt), 0);
  ASSERT(strstr(e.log.text, "waitUntil work cancelled at the wall time limit") != NULL);
  collected_free(&c);
  env_close(&e);
  return 0;
}

TEST(runtime_timers) {
  js_env e;
  ASSERT_EQ(env_open(&e,
                     "addEventListener('fetch', function (e) {\n"
                     "  var log = [];\n"
                     "  e.respondWith(new Promise(function (resolve) {\n"
                     "    var n = 0;\n"
                     "    var iv = setInterval(function (tag) {\n"
                     "      log.push(tag + (++n));\n"
                     "      if (n === 3) { clearInterval(iv); resolve(new Response(log.join(' '))); }\n"
                     "    }, 2, 'i');\n"
                     "    setImmediate(function (a) { log.push(a); }, 'imm');\n"
                     "    var t = setTimeout(function () { log.push('never'); }, 1);\n"
                     "    clearTimeout(t);\n"
                     "    Promise.resolve().then(function () { log.push('micro'); });\n"
                     "    log.push('sync');\n"
                     "  }));\n"
                     "});",
                     0, 0, 0),
            0);
  collected c;
  ASSERT_EQ(env_fetch(&e, "GET", "http://x/", NULL, 0, NULL, &c), 0);
  ASSERT_STREQ(c.body, "sync micro imm i1 i2 i3");
  collected_free(&c);
  ASSERT_EQ(edgefn_loop_alive(e.loop), 0);
  env_close(&e);
  return 0;
}

/* scheduler.wait (Workers): an awaitable timer; an AbortSignal rejects it with its reason
 * and clears the timer (the loop then has nothing left). */
TEST(runtime_scheduler_wait) {
  js_env e;
  ASSERT_EQ(env_open(&e,
                     "addEventListener('fetch', function (e) {\n"
                     "  var log = [], t0 = Date.now();\n"
                     "  setTimeout(function () { log.push('t30'); }, 30);\n"
                     "  var c = new AbortController(), c2 = new AbortController();\n"
                     "  c2.abort(new RangeError('early'));\n"
                     "  var waits = [\n"
                     "    scheduler.wait(120).then(function (v) { log.push('w120:' + v); }),\n"
                     "    scheduler.wait(1).then(function () { log.push('w1'); }),\n"
                     "    scheduler.wait(100000, { signal: c.signal }).catch(function (r) {\n"
                     "      log.push('aborted:' + r); }),\n"
                     "    scheduler.wait(1, { signal: c2.signal }).catch(function (r) {\n"
                     "      log.push('pre:' + r.name); }),\n"
                     "  ];\n"
                     "  setTimeout(function () { c.abort('stop'); }, 60);\n"
                     "  var bad = [];\n"
                     "  try { scheduler.wait(1, 5); } catch (x) { bad.push(x.name); }\n"
                     "  try { scheduler.wait(1, { signal: {} }); } catch (x) { bad.push(x.name); }\n"
                     "  e.respondWith(Promise.all(waits).then(function () {\n"
                     "    return new Response(log.join(' ') + ' | ' + bad.join(',') + ' | ' +\n"
                     "      typeof scheduler + ' ' + scheduler.wait.length + ' ' +\n"
                     "      (Date.now() - t0 >= 115));\n"
                     "  }));\n"
                     "});",
                     0, 0, 0),
            0);
  collected c;
  ASSERT_EQ(env_fetch(&e, "GET", "http://x/", NULL, 0, NULL, &c), 0);
  ASSERT_STREQ(c.body, "pre:RangeError w1 t30 aborted:stop w120:undefined | TypeError,TypeError | "
                       "object 1 true");
  collected_free(&c);
  ASSERT_EQ(edgefn_loop_alive(e.loop), 0); /* the aborted 100 s wait left no timer behind */
  env_close(&e);
  return 0;
}

TEST(runtime_unhandled_rejection_listeners) {
  js_env e;
  ASSERT_EQ(env_open(&e,
                     "var seen = [];\n"
                     "addEventListener('unhandledrejection', function (ev) {\n"
                     "  seen.push(ev.type + ':' + ev.reason.message);\n"
                     "  if (ev.reason.message === 'quiet') ev.preventDefault();\n"
                     "});\n"
                     "addEventListener('fetch', function (e) {\n"
                     "  if (e.request.url.indexOf('/report') > 0) {\n"
                     "    e.respondWith(new Response(seen.join(',')));\n"
                     "    return;\n"
                     "  }\n"
                     "  Promise.reject(new Error('quiet'));\n"
                     "  Promise.reject(new Error('loud'));\n"
                     "  e.respondWith(new Response('ok'));\n"
                     "});",
                     0, 0, 0),
            0);
  collected c;
  ASSERT_EQ(env_fetch(&e, "GET", "http://x/", NULL, 0, NULL, &c), 0);
  collected_free(&c);
  ASSERT_EQ(env_fetch(&e, "GET", "http://x/report", NULL, 0, NULL, &c), 0);
  ASSERT_STREQ(c.body, "unhandledrejection:quiet,unhandledrejection:loud");
  ASSERT(strstr(e.log.text, "Unhandled promise rejection: Error: loud") != NULL);
  ASSERT(strstr(e.log.text, "quiet") == NULL);
  collected_free(&c);
  env_close(&e);
  return 0;
}

TEST(runtime_request_eo_and_cf) {
  js_env e;
  ASSERT_EQ(env_open(&e,
                     "addEventListener('fetch', function (e) {\n"
                     "  var r = e.request, g = r.eo.geo, cf = r.cf;\n"
                     "  var out = [g.countryCodeAlpha2, g.countryName, g.cityName, g.asn,\n"
                     "    g.latitude, r.eo.clientIp, r.eo.uuid, r.eo === r.eo,\n"
                     "    cf && cf.country, cf && cf.city, cf && cf.latitude, typeof g.regionName,\n"
                     "    e.clientId === ''];\n"
                     "  e.respondWith(new Response(out.join('|')));\n"
                     "});",
                     0, 0, 0),
            0);
  edgefn_geo geo = EDGEFN_GEO_INIT;
  geo.country_alpha2 = "JP";
  geo.country_name = "Japan";
  geo.city_name = "T\xc5\x8dky\xc5\x8d"; /* UTF-8 */
  geo.asn = 2516;
  geo.latitude = 35.5;
  geo.longitude = 139.75;
  geo.has_coordinates = 1;
  edgefn_request req = EDGEFN_REQUEST_INIT;
  req.url = "http://x/";
  req.url_len = 9;
  req.client_ip = "203.0.113.9";
  req.geo = &geo;
  req.request_id = "req-42";
  collected c;
  memset(&c, 0, sizeof(c));
  ASSERT_EQ(edgefn_runtime_dispatch(e.rt, &req, &h_handler, &c), 0);
  ASSERT_STREQ(c.body, "JP|Japan|T\xc5\x8dky\xc5\x8d|2516|35.5|203.0.113.9|req-42|true|JP|"
                       "T\xc5\x8dky\xc5\x8d|35.5|undefined|true");
  collected_free(&c);
  /* Without geo (or with an old, shorter struct) eo.geo is empty, cf undefined, and the
   * uuid is a fresh random one. */
  edgefn_request old = EDGEFN_REQUEST_INIT;
  old.struct_size = offsetof(edgefn_request, geo);
  old.url = "http://x/";
  old.url_len = 9;
  memset(&c, 0, sizeof(c));
  ASSERT_EQ(edgefn_runtime_dispatch(e.rt, &old, &h_handler, &c), 0);
  ASSERT(strncmp(c.body, "||||||", 6) == 0);
  ASSERT(strstr(c.body, "|true||||undefined|true") != NULL);
  ASSERT_EQ(strlen(c.body), strlen("||||||") + 36 + strlen("|true||||undefined|true"));
  collected_free(&c);
  env_close(&e);
  return 0;
}

TEST(runtime_request_init_fields) {
  ASSERT_EQ(js_expect("var r = new Request('https://a/', {redirect: 'manual', cache: 'no-store',"
                      " credentials: 'include', mode: 'same-origin', integrity: 'sha256-x',"
                      " referrerPolicy: 'no-referrer', keepalive: 1});"
                      "var c = new Request(r, {cache: 'reload'});"
                      "return [r.redirect, r.cache, r.credentials, r.mode, r.integrity,"
                      " r.referrerPolicy, r.keepalive, c.cache, c.redirect, c.keepalive,"
                      " new Request('https://a/').referrer].join(',');",
                      "manual,no-store,include,same-origin,sha256-x,no-referrer,true,reload,"
                      "manual,true,about:client"),
            0);
  ASSERT_EQ(js_expect("new Request('https://a/', {redirect: 'sideways'});",
                      "threw TypeError: Failed to construct 'Request': The provided value "
                      "'sideways' is not a valid enum value of type RequestRedirect."),
            0);
  ASSERT_EQ(js_expect("new Request('https://a/', {mode: 'navigate'});",
                      "threw TypeError: Failed to construct 'Request': Cannot construct a "
                      "Request with a RequestInit whose mode member is set as 'navigate'."),
            0);
  ASSERT_EQ(js_expect("var r = Response.error(); return [r.type, r.status, r.ok].join(',');",
                      "error,0,false"),
            0);
  ASSERT_EQ(js_expect("var out = ''; new Response('hi').bytes().then(function (b) {"
                      " out = b.constructor.name + b.length; }); return 'sync';",
                      "sync"),
            0);
  return 0;
}

TEST(runtime_cpu_limit_in_wait_until) {
  /* waitUntil work that spins after the response is cut off by the request's CPU budget
   * and the request finishes (no second on_end, nothing left pending). */
  js_env e;
  ASSERT_EQ(env_open(&e,
                     "addEventListener('fetch', function (e) {\n"
                     "  e.waitUntil(new Promise(function (r) {\n"
                     "    setTimeout(function () { while (true) {} }, 5);\n"
                     "  }));\n"
                     "  e.respondWith(new Response('ok'));\n"
                     "});",
                     50, 0, 10000),
            0);
  collected c;
  ASSERT_EQ(env_fetch(&e, "GET", "http://x/", NULL, 0, NULL, &c), 0);
  ASSERT_STREQ(c.body, "ok");
  edgefn_loop_run(e.loop, EDGEFN_RUN_DEFAULT);
  ASSERT_EQ(c.ends, 1);
  ASSERT_EQ(edgefn_runtime_pending(e.rt), 0);
  ASSERT(strstr(e.log.text, "CPU time limit") != NULL);
  collected_free(&c);
  env_close(&e);
  return 0;
}

TEST(runtime_body_kinds) {
  /* Blob, FormData and URLSearchParams bodies carry their Content-Type; blob() and
   * formData() read bodies back. */
  ASSERT_EQ(js_expect("var out = [];"
                      "var r1 = new Response(new Blob(['ab', 'c'], {type: 'Text/Plain'}));"
                      "out.push(r1.headers.get('content-type'));"
                      "var r2 = new Request('https://a/', {method: 'POST',"
                      " body: new URLSearchParams({q: 'a b', n: '1'})});"
                      "out.push(r2.headers.get('content-type'));"
                      "var fd = new FormData(); fd.append('k', 'v');"
                      "var r3 = new Response(fd);"
                      "out.push(/^multipart\\/form-data; boundary=/.test("
                      "r3.headers.get('content-type')));"
                      "return out.join('|');",
                      "text/plain|application/x-www-form-urlencoded;charset=UTF-8|true"),
            0);
  js_env e;
  ASSERT_EQ(env_open(&e,
                     "addEventListener('fetch', function (e) {\n"
                     "  var fd = new FormData(); fd.append('name', 'edge');\n"
                     "  fd.append('file', new Blob(['xyz'], {type: 'text/csv'}), 'f.csv');\n"
                     "  var r = new Response(fd);\n"
                     "  var p = new Response('a=1&b=%20x', {headers: {'content-type':\n"
                     "      'application/x-www-form-urlencoded'}});\n"
                     "  e.respondWith(Promise.all([r.formData(), p.formData(),\n"
                     "      new Response('hi', {headers: {'content-type': 'TEXT/HTML;charset=UTF-8'}})"
                     ".blob(),\n"
                     "      new Response('x').formData().then(null, function (err) { return err.name; })\n"
                     "  ]).then(function (v) {\n"
                     "    var f = v[0].get('file');\n"
                     "    return Promise.all([f.text(), v[2].text()]).then(function (t) {\n"
                     "      return new Response([v[0].get('name'), f.name, f.type, t[0],\n"
                     "        v[1].get('b'), v[2].type, t[1], v[3]].join('|'));\n"
                     "    });\n"
                     "  }));\n"
                     "});",
                     0, 0, 0),
            0);
  collected c;
  ASSERT_EQ(env_fetch(&e, "GET", "http://x/", NULL, 0, NULL, &c), 0);
  ASSERT_STREQ(c.body, "edge|f.csv|text/csv|xyz| x|text/html;charset=utf-8|hi|TypeError");
  collected_free(&c);
  env_close(&e);
  return 0;
}

TEST(runtime_uri_functions) {
  /* encodeURIComponent and friends are Duktape's own; these cases (expected values from
   * Node 20) pin that they follow ECMA-262, including the URIError cases. */
  static const char *const cases[][2] = {
      {"return encodeURIComponent('a b&c/d?e=é😀');",
       "a%20b%26c%2Fd%3Fe%3D%C3%A9%F0%9F%98%80"},
      {"return encodeURI('http://x/a b?q=1&r=é#h');",
       "http://x/a%20b?q=1&r=%C3%A9#h"},
      {"return encodeURIComponent('\\ud800');",
       "threw URIError"},
      {"return decodeURIComponent('%E2%82%AC%20');",
       "€ "},
      {"return decodeURIComponent('%');",
       "threw URIError"},
      {"return decodeURIComponent('%C0%80');",
       "threw URIError"},
      {"return decodeURI('%23%3F%41');",
       "%23%3FA"},
      {"return escape('a b+é');",
       "a%20b+%E9"},
      {"return unescape('%u00e9%41');",
       "éA"},
      {"return encodeURIComponent(\"!'()*-._~\");",
       "!'()*-._~"},
  };
  for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
    /* Compare the error's name only: the messages are the engines' own. */
    char body[512];
    snprintf(body, sizeof(body), "try { %s } catch (e) { return 'threw ' + e.name; }",
             cases[i][0]);
    ASSERT_EQ(js_expect(body, cases[i][1]), 0);
  }
  return 0;
}
