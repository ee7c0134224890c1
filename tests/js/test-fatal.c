/* Fatal engine errors (issue 7): a fatal Duktape error abandons the runtime's heap instead
 * of aborting the process. The failure is provoked through a test hook compiled into this
 * binary only: a native `__engineFatal(msg)` put into a runtime's heap through the
 * library's internal entry (edgefn__rt_invoke), which calls Duktape's duk_fatal, the path
 * an internal assertion failure or an error with no catcher takes. The scripts call it from
 * every kind of entry (the fetch handler, a microtask, a timer, a streamed body, a request
 * dispatched from inside a host callback). Under AddressSanitizer each test ends with a
 * leak check (tests/runner.c): the abandoned heaps must be reported as reachable, not
 * leaked, and no access may touch them. */
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "edge/manager.h"
#include "js/harness.h"
#include "js/runtime.h"
#include "test.h"

static duk_ret_t engine_fatal(duk_context *ctx) {
  return duk_fatal(ctx, duk_safe_to_string(ctx, 0));
}

static duk_ret_t install_hook_safe(duk_context *ctx, void *udata) {
  (void)udata;
  duk_push_global_object(ctx);
  duk_push_c_function(ctx, engine_fatal, 1);
  duk_put_prop_string(ctx, -2, "__engineFatal");
  duk_pop(ctx);
  return 0;
}

/* Puts the hook into the runtime's current heap (a new heap starts without it). */
static void install_hook(edgefn_runtime *rt) {
  edgefn__rt_invoke(rt, 0, install_hook_safe, NULL, "the test hook");
}

/* Dispatches without waiting. */
static int dispatch(edgefn_runtime *rt, const char *url, collected *c) {
  memset(c, 0, sizeof(*c));
  edgefn_request req = EDGEFN_REQUEST_INIT;
  req.url = url;
  req.url_len = strlen(url);
  return edgefn_runtime_dispatch(rt, &req, &h_handler, c);
}

static void run_until(edgefn_loop *loop, const collected *c) {
  while (!c->ended && edgefn_loop_alive(loop))
    edgefn_loop_run(loop, EDGEFN_RUN_ONCE);
}

/* The requests of these scripts answer "ok <n>" where n counts the requests the heap has
 * served: 1 after a recycle shows a fresh heap. "/crash..." paths reach the hook. */
#define COUNTER_JS "var served = 0;\n"

#define CRASH_BODY "edge function crashed the JavaScript engine\n"

TEST(fatal_in_fetch_handler) {
  js_env e;
  ASSERT_EQ(env_open(&e,
                     COUNTER_JS
                     "addEventListener('fetch', function (e) {\n"
                     "  served++;\n"
                     "  if (e.request.url.indexOf('/crash') >= 0) __engineFatal('boom in handler');\n"
                     "  e.respondWith(new Response('ok ' + served + ' ' + typeof __engineFatal));\n"
                     "});\n",
                     0, 0, 0),
            0);
  install_hook(e.rt);
  uint64_t leaked_before = 0;
  edgefn__heap_leaked(&leaked_before, NULL);
  collected c;
  ASSERT_EQ(env_fetch(&e, "GET", "http://x/", NULL, 0, NULL, &c), 0);
  ASSERT_STREQ(c.body, "ok 1 function");
  collected_free(&c);
  size_t heap_bytes = edgefn_runtime_memory_used(e.rt);

  ASSERT_EQ(env_fetch(&e, "GET", "http://x/crash", NULL, 0, NULL, &c), 0);
  ASSERT_EQ(c.heads, 1);
  ASSERT_EQ(c.ends, 1);
  ASSERT_EQ(c.status, 500);
  ASSERT_EQ(c.end_result, 0);
  ASSERT_STREQ(c.body, CRASH_BODY);
  collected_free(&c);
  /* The host log names the function and carries the engine's message. */
  ASSERT(strstr(e.log.text, "|testfn|fatal error in the JavaScript engine while running a "
                            "request: boom in handler") != NULL);
  ASSERT(strstr(edgefn_runtime_last_error(e.rt), "recycling the runtime: a fatal error") !=
         NULL);
  ASSERT_EQ(edgefn_runtime_fatal_errors(e.rt), 1);
  ASSERT(edgefn_runtime_leaked_bytes(e.rt) >= heap_bytes / 2);
  ASSERT_EQ(edgefn_runtime_recycles(e.rt), 1);
  ASSERT_EQ(edgefn_runtime_pending(e.rt), 0);
  uint64_t leaked_after = 0;
  size_t leaked_bytes = 0;
  edgefn__heap_leaked(&leaked_after, &leaked_bytes);
  ASSERT_EQ(leaked_after, leaked_before + 1);
  ASSERT(leaked_bytes >= edgefn_runtime_leaked_bytes(e.rt));

  /* The next request runs on a fresh heap: the counter starts again and the hook, which
   * lived in the old heap, is gone. */
  ASSERT_EQ(env_fetch(&e, "GET", "http://x/", NULL, 0, NULL, &c), 0);
  ASSERT_EQ(c.status, 200);
  ASSERT_STREQ(c.body, "ok 1 undefined");
  collected_free(&c);
  ASSERT(edgefn_runtime_memory_used(e.rt) > 0);
  ASSERT_EQ(edgefn_runtime_fatal_errors(e.rt), 1);

  /* It can happen again: each time one more heap is abandoned. */
  install_hook(e.rt);
  ASSERT_EQ(env_fetch(&e, "GET", "http://x/crash", NULL, 0, NULL, &c), 0);
  ASSERT_EQ(c.status, 500);
  collected_free(&c);
  ASSERT_EQ(env_fetch(&e, "GET", "http://x/", NULL, 0, NULL, &c), 0);
  ASSERT_STREQ(c.body, "ok 1 undefined");
  collected_free(&c);
  ASSERT_EQ(edgefn_runtime_fatal_errors(e.rt), 2);
  ASSERT_EQ(edgefn_runtime_recycles(e.rt), 2);
  env_close(&e);
  return 0;
}

/* The request that failed gets 500; the others in flight on the same heap get 503, and a
 * streamed body whose head is out is cut short. */
TEST(fatal_fails_every_request_in_flight) {
  js_env e;
  ASSERT_EQ(env_open(&e,
                     COUNTER_JS
                     "addEventListener('fetch', function (e) {\n"
                     "  served++;\n"
                     "  var u = e.request.url;\n"
                     "  if (u.indexOf('/crash') >= 0) __engineFatal('boom');\n"
                     "  if (u.indexOf('/slow') >= 0)\n"
                     "    return e.respondWith(new Promise(function (r) {\n"
                     "      setTimeout(function () { r(new Response('late')); }, 200);\n"
                     "    }));\n"
                     "  if (u.indexOf('/stream') >= 0)\n"
                     "    return e.respondWith(new Response(new ReadableStream({\n"
                     "      start: function (c) { c.enqueue(new Uint8Array([104, 105])); },\n"
                     "      pull: function (c) { return new Promise(function () {}); }\n"
                     "    })));\n"
                     "  e.respondWith(new Response('ok ' + served));\n"
                     "});\n",
                     0, 0, 0),
            0);
  install_hook(e.rt);
  collected slow, stream, crash, next;
  ASSERT_EQ(dispatch(e.rt, "http://x/slow", &slow), 0);
  ASSERT_EQ(dispatch(e.rt, "http://x/stream", &stream), 0);
  /* Let the streamed response's head and first chunk go out. */
  for (int i = 0; i < 5 && !stream.body; i++)
    edgefn_loop_run(e.loop, EDGEFN_RUN_NOWAIT);
  ASSERT_EQ(stream.heads, 1);
  ASSERT_EQ(stream.status, 200);
  ASSERT_STREQ(stream.body, "hi");
  ASSERT_EQ(stream.ends, 0);
  ASSERT_EQ(edgefn_runtime_pending(e.rt), 2);

  ASSERT_EQ(dispatch(e.rt, "http://x/crash", &crash), 0);
  /* No other entry was on the stack: the heap was replaced at once. */
  ASSERT_EQ(crash.ends, 1);
  ASSERT_EQ(crash.status, 500);
  ASSERT_STREQ(crash.body, CRASH_BODY);
  ASSERT_EQ(slow.ends, 1);
  ASSERT_EQ(slow.heads, 1);
  ASSERT_EQ(slow.status, 503);
  ASSERT_STREQ(slow.body, "edge function runtime was reset\n");
  ASSERT_EQ(stream.ends, 1);
  ASSERT_EQ(stream.heads, 1);
  ASSERT_EQ(stream.end_result, EDGEFN_EABORTED);
  ASSERT_EQ(edgefn_runtime_pending(e.rt), 0);
  /* The old requests' timers went with the heap; nothing of it fires later. */
  edgefn_loop_run(e.loop, EDGEFN_RUN_DEFAULT);
  ASSERT_EQ(edgefn_loop_alive(e.loop), 0);
  ASSERT_EQ(slow.ends, 1);

  ASSERT_EQ(env_fetch(&e, "GET", "http://x/", NULL, 0, NULL, &next), 0);
  ASSERT_STREQ(next.body, "ok 1");
  collected_free(&slow);
  collected_free(&stream);
  collected_free(&crash);
  collected_free(&next);
  env_close(&e);
  return 0;
}

/* Entries from the loop: a microtask, a timer callback and a streamed body's pull run on
 * behalf of their request, which is the one that fails with 500. The recycle comes from
 * the loop. */
TEST(fatal_in_loop_entries) {
  static const char *const paths[] = {"/microtask", "/timer", "/pull"};
  js_env e;
  ASSERT_EQ(env_open(&e,
                     COUNTER_JS
                     "addEventListener('fetch', function (e) {\n"
                     "  served++;\n"
                     "  var u = e.request.url;\n"
                     "  if (u.indexOf('/microtask') >= 0)\n"
                     "    return e.respondWith(Promise.resolve().then(function () {\n"
                     "      __engineFatal('boom in a microtask');\n"
                     "    }));\n"
                     "  if (u.indexOf('/timer') >= 0)\n"
                     "    return e.respondWith(new Promise(function (r) {\n"
                     "      setTimeout(function () { __engineFatal('boom in a timer'); }, 5);\n"
                     "    }));\n"
                     "  if (u.indexOf('/pull') >= 0)\n"
                     "    return e.respondWith(new Response(new ReadableStream({\n"
                     "      pull: function (c) {\n"
                     "        if (c.n) __engineFatal('boom in a pull');\n"
                     "        c.n = 1; c.enqueue(new Uint8Array([65]));\n"
                     "      }\n"
                     "    })));\n"
                     "  e.respondWith(new Response('ok ' + served));\n"
                     "});\n",
                     0, 0, 0),
            0);
  for (size_t i = 0; i < sizeof(paths) / sizeof(paths[0]); i++) {
    install_hook(e.rt);
    char url[64];
    snprintf(url, sizeof(url), "http://x%s", paths[i]);
    collected c, next;
    ASSERT_EQ(env_fetch(&e, "GET", url, NULL, 0, NULL, &c), 0);
    ASSERT_EQ(c.heads, 1);
    ASSERT_EQ(c.ends, 1);
    if (i < 2) {
      ASSERT_EQ(c.status, 500);
      ASSERT_STREQ(c.body, CRASH_BODY);
    } else { /* the head was out: the body is cut short */
      ASSERT_EQ(c.status, 200);
      ASSERT_EQ(c.end_result, EDGEFN_EABORTED);
    }
    ASSERT_EQ(edgefn_runtime_fatal_errors(e.rt), i + 1);
    ASSERT(strstr(e.log.text, paths[i] + 1) != NULL); /* "boom in a <kind>" */
    ASSERT_EQ(env_fetch(&e, "GET", "http://x/", NULL, 0, NULL, &next), 0);
    ASSERT_STREQ(next.body, "ok 1");
    collected_free(&c);
    collected_free(&next);
  }
  ASSERT_EQ(edgefn_runtime_recycles(e.rt), 3);
  env_close(&e);
  return 0;
}

/* A host that dispatches from inside a response callback (as the edge's queue does): the
 * nested request fails while an outer entry of the same runtime is still on the stack. The
 * outer delivery completes without touching the abandoned heap, and the heap is replaced
 * once that entry has returned: at the end of a dispatch, or from the loop after a timer. */
#define NESTED_JS                                                                          \
  COUNTER_JS                                                                               \
  "addEventListener('fetch', function (e) {\n"                                             \
  "  served++;\n"                                                                          \
  "  var u = e.request.url;\n"                                                             \
  "  if (u.indexOf('/crash') >= 0) __engineFatal('nested boom');\n"                        \
  "  if (u.indexOf('/wait') >= 0) {\n"                                                     \
  "    setInterval(function () {}, 1);\n"                                                  \
  "    return e.respondWith(new Promise(function () {}));\n"                               \
  "  }\n"                                                                                  \
  "  if (u.indexOf('/later') >= 0)\n"                                                      \
  "    return e.respondWith(new Promise(function (r) {\n"                                  \
  "      setTimeout(function () { r(new Response('later ' + served)); }, 1);\n"           \
  "    }));\n"                                                                             \
  "  e.respondWith(new Response('ok ' + served));\n"                                       \
  "});\n"

typedef struct nested {
  collected outer, inner;
  edgefn_runtime *rt;
  bool dispatched;
  int inner_ends_in_cb;
  size_t heap_in_cb;
  bool free_from_loop; /* free the runtime from a deferred callback queued before the crash */
  edgefn__defer free_defer;
  bool freed;
} nested;

static void nested_free(edgefn__defer *d) {
  nested *n = d->data;
  edgefn_runtime_free(n->rt);
  n->rt = NULL;
  n->freed = true;
}

static void nested_on_end(void *ud, int result) {
  nested *n = ud;
  h_on_end(&n->outer, result);
  if (n->dispatched)
    return;
  n->dispatched = true;
  if (n->free_from_loop) {
    edgefn__defer_init(&n->free_defer, nested_free, n);
    edgefn__defer_queue(n->rt->loop, &n->free_defer);
  }
  dispatch(n->rt, "http://x/crash", &n->inner);
  n->inner_ends_in_cb = n->inner.ends;
  n->heap_in_cb = edgefn_runtime_memory_used(n->rt);
}

static void nested_on_head(void *ud, const edgefn_response_head *head) {
  h_on_head(&((nested *)ud)->outer, head);
}

static void nested_on_body(void *ud, const uint8_t *d, size_t len) {
  h_on_body(&((nested *)ud)->outer, d, len);
}

static const edgefn_response_handler nested_handler = {sizeof(edgefn_response_handler),
                                                       nested_on_head, nested_on_body,
                                                       nested_on_end};

static int nested_start(edgefn_runtime *rt, nested *n, const char *url) {
  memset(n, 0, sizeof(*n));
  n->rt = rt;
  edgefn_request req = EDGEFN_REQUEST_INIT;
  req.url = url;
  req.url_len = strlen(url);
  return edgefn_runtime_dispatch(rt, &req, &nested_handler, n);
}

TEST(fatal_in_request_dispatched_from_a_host_callback) {
  js_env e;
  ASSERT_EQ(env_open(&e, NESTED_JS, 0, 0, 0), 0);
  /* Inside a dispatch. */
  install_hook(e.rt);
  nested n;
  ASSERT_EQ(nested_start(e.rt, &n, "http://x/"), 0);
  ASSERT(n.dispatched);
  ASSERT_EQ(n.outer.ends, 1);
  ASSERT_EQ(n.outer.status, 200);
  ASSERT_STREQ(n.outer.body, "ok 1");
  /* In the callback: the heap was gone and the failed request waited... */
  ASSERT_EQ(n.inner_ends_in_cb, 0);
  ASSERT_EQ(n.heap_in_cb, 0);
  /* ... until the outer dispatch had returned. */
  ASSERT_EQ(n.inner.ends, 1);
  ASSERT_EQ(n.inner.heads, 1);
  ASSERT_EQ(n.inner.status, 500);
  ASSERT_STREQ(n.inner.body, CRASH_BODY);
  ASSERT_EQ(edgefn_runtime_fatal_errors(e.rt), 1);
  ASSERT_EQ(edgefn_runtime_recycles(e.rt), 1);
  ASSERT_EQ(edgefn_runtime_pending(e.rt), 0);
  collected_free(&n.outer);
  collected_free(&n.inner);
  collected other;
  ASSERT_EQ(env_fetch(&e, "GET", "http://x/", NULL, 0, NULL, &other), 0);
  ASSERT_STREQ(other.body, "ok 1");
  collected_free(&other);

  /* Inside a timer callback: the loop replaces the heap. */
  install_hook(e.rt);
  ASSERT_EQ(nested_start(e.rt, &n, "http://x/later"), 0);
  ASSERT_EQ(n.outer.ends, 0);
  run_until(e.loop, &n.inner);
  ASSERT_STREQ(n.outer.body, "later 2");
  ASSERT_EQ(n.inner_ends_in_cb, 0);
  ASSERT_EQ(n.heap_in_cb, 0);
  ASSERT_EQ(n.inner.status, 500);
  ASSERT_STREQ(n.inner.body, CRASH_BODY);
  ASSERT_EQ(edgefn_runtime_recycles(e.rt), 2);
  ASSERT_EQ(env_fetch(&e, "GET", "http://x/", NULL, 0, NULL, &other), 0);
  ASSERT_STREQ(other.body, "ok 1");
  collected_free(&n.outer);
  collected_free(&n.inner);
  collected_free(&other);
  env_close(&e);
  return 0;
}

/* Another function's runtime on the same loop, with a request in flight and timers armed,
 * notices nothing. */
TEST(fatal_leaves_other_runtimes_alone) {
  js_env a, b;
  ASSERT_EQ(env_open(&a,
                     COUNTER_JS
                     "addEventListener('fetch', function (e) {\n"
                     "  served++;\n"
                     "  if (e.request.url.indexOf('/crash') >= 0) __engineFatal('boom in a');\n"
                     "  e.respondWith(new Response('a ' + served));\n"
                     "});\n",
                     0, 0, 0),
            0);
  /* b runs on a's loop. */
  edgefn_runtime_options ro = EDGEFN_RUNTIME_OPTIONS_INIT;
  ro.name = "other";
  ro.log = h_log;
  ro.log_user_data = &b.log;
  memset(&b, 0, sizeof(b));
  edgefn_script_options so = EDGEFN_SCRIPT_OPTIONS_INIT;
  so.source = COUNTER_JS "addEventListener('fetch', function (e) {\n"
                         "  served++;\n"
                         "  e.respondWith(new Promise(function (r) {\n"
                         "    setTimeout(function () { r(new Response('b ' + served)); }, 20);\n"
                         "  }));\n"
                         "});\n";
  so.source_len = strlen(so.source);
  ASSERT_EQ(edgefn_script_new(&b.script, &so, NULL), 0);
  ASSERT_EQ(edgefn_runtime_new(&b.rt, a.loop, b.script, &ro, NULL), 0);
  install_hook(a.rt);
  install_hook(b.rt); /* present in b's heap too, never called */
  collected bc1, bc2, ac, ac2;
  ASSERT_EQ(dispatch(b.rt, "http://b/", &bc1), 0);
  ASSERT_EQ(dispatch(b.rt, "http://b/", &bc2), 0);
  size_t b_bytes = edgefn_runtime_memory_used(b.rt);
  ASSERT_EQ(env_fetch(&a, "GET", "http://a/crash", NULL, 0, NULL, &ac), 0);
  ASSERT_EQ(ac.status, 500);
  run_until(a.loop, &bc2);
  ASSERT_EQ(bc1.status, 200);
  ASSERT_STREQ(bc1.body, "b 2");
  ASSERT_STREQ(bc2.body, "b 2");
  ASSERT_EQ(edgefn_runtime_fatal_errors(b.rt), 0);
  ASSERT_EQ(edgefn_runtime_recycles(b.rt), 0);
  ASSERT(edgefn_runtime_memory_used(b.rt) >= b_bytes / 2);
  ASSERT(strstr(b.log.text, "fatal") == NULL);
  collected_free(&bc1);
  ASSERT_EQ(dispatch(b.rt, "http://b/", &bc1), 0);
  run_until(a.loop, &bc1);
  ASSERT_STREQ(bc1.body, "b 3");
  ASSERT_EQ(env_fetch(&a, "GET", "http://a/", NULL, 0, NULL, &ac2), 0);
  ASSERT_STREQ(ac2.body, "a 1");
  collected_free(&bc1);
  collected_free(&bc2);
  collected_free(&ac);
  collected_free(&ac2);
  edgefn_runtime_free(b.rt);
  edgefn_script_free(b.script);
  env_close(&a);
  return 0;
}

/* Freeing a runtime whose heap was abandoned, its recycle not yet run, releases what was
 * attached to the heap (an interval, wall timers, the deferred recycle) without touching
 * it; the requests waiting for the recycle end with EDGEFN_ECANCELED. */
TEST(fatal_then_free_before_the_recycle) {
  js_env e;
  ASSERT_EQ(env_open(&e, NESTED_JS, 0, 0, 0), 0);
  install_hook(e.rt);
  collected waiting;
  ASSERT_EQ(dispatch(e.rt, "http://x/wait", &waiting), 0);
  nested n;
  ASSERT_EQ(nested_start(e.rt, &n, "http://x/later"), 0);
  n.free_from_loop = true;
  while (!n.freed && edgefn_loop_alive(e.loop))
    edgefn_loop_run(e.loop, EDGEFN_RUN_ONCE);
  ASSERT(n.freed);
  e.rt = NULL;
  ASSERT_STREQ(n.outer.body, "later 2");
  ASSERT_EQ(n.heap_in_cb, 0);
  ASSERT_EQ(waiting.ends, 1);
  ASSERT_EQ(waiting.heads, 0);
  ASSERT_EQ(waiting.end_result, EDGEFN_ECANCELED);
  ASSERT_EQ(n.inner.ends, 1);
  ASSERT_EQ(n.inner.heads, 0);
  ASSERT_EQ(n.inner.end_result, EDGEFN_ECANCELED);
  ASSERT_EQ(edgefn_loop_alive(e.loop), 0);
  collected_free(&waiting);
  collected_free(&n.outer);
  collected_free(&n.inner);
  env_close(&e);
  return 0;
}

/* The recovery points themselves (lib/js/heap.c): they nest, a failure returns to the point
 * of the heap that failed with the engine's message, an outer point's work goes on, and a
 * failure in a heap with no point of its own still stops the process (jumping to another
 * heap's point would unwind frames that are not that heap's). */
typedef struct guard_probe {
  duk_context *outer_ctx, *inner_ctx;
  bool inner_failed, outer_went_on;
  char msg[EDGEFN__FATAL_MSG_MAX];
} guard_probe;

static duk_ret_t throw_outside_a_catcher(duk_context *ctx, void *udata) {
  (void)udata;
  return duk_fatal(ctx, "inner heap failed");
}

static void inner_run(void *p) {
  guard_probe *g = p;
  /* Protected calls still catch ordinary errors under a point. */
  duk_push_undefined(g->inner_ctx);
  if (duk_pcompile_string(g->inner_ctx, 0, "syntax error here (") == 0)
    return;
  duk_pop_2(g->inner_ctx);
  (void)throw_outside_a_catcher(g->inner_ctx, NULL);
}

static void outer_run(void *p) {
  guard_probe *g = p;
  g->inner_failed = !edgefn__fatal_guard(NULL, inner_run, g, g->msg, sizeof(g->msg));
  duk_eval_string(g->outer_ctx, "6 * 7");
  g->outer_went_on = duk_get_int(g->outer_ctx, -1) == 42;
  duk_pop(g->outer_ctx);
}

TEST(fatal_guard_nests) {
  edgefn__heap_ctl ctl;
  memset(&ctl, 0, sizeof(ctl));
  ctl.mem_limit = 64u * 1024u * 1024u;
  guard_probe g;
  memset(&g, 0, sizeof(g));
  g.outer_ctx = edgefn__heap_new(&ctl);
  g.inner_ctx = edgefn__heap_new(NULL);
  ASSERT(g.outer_ctx && g.inner_ctx);
  uint64_t before = 0, after = 0;
  edgefn__heap_leaked(&before, NULL);
  char msg[EDGEFN__FATAL_MSG_MAX] = "";
  ASSERT(edgefn__fatal_guard(&ctl, outer_run, &g, msg, sizeof(msg)));
  ASSERT(g.inner_failed);
  ASSERT_STREQ(g.msg, "inner heap failed");
  ASSERT(g.outer_went_on);
  ASSERT_STREQ(msg, "");
  (void)edgefn__heap_leak(g.inner_ctx, 0);
  edgefn__heap_leaked(&after, NULL);
  ASSERT_EQ(after, before + 1);
  duk_destroy_heap(g.outer_ctx);
  ASSERT_EQ(ctl.mem_used, 0);

  /* A heap without a point of its own, while another heap's point is set. */
  fflush(NULL);
  pid_t pid = fork();
  ASSERT(pid >= 0);
  if (pid == 0) {
    duk_context *stray = edgefn__heap_new(NULL);
    memset(&ctl, 0, sizeof(ctl));
    ctl.mem_limit = 64u * 1024u * 1024u;
    g.outer_ctx = edgefn__heap_new(&ctl);
    g.inner_ctx = stray;
    /* outer_run's inner guard is skipped: the stray heap fails under the outer point. */
    (void)edgefn__fatal_guard(&ctl, inner_run, &g, msg, sizeof(msg));
    _exit(0);
  }
  int status = 0;
  ASSERT_EQ(waitpid(pid, &status, 0), pid);
  ASSERT(WIFSIGNALED(status) && WTERMSIG(status) == SIGABRT);
  return 0;
}

/* The runtime manager behind edgefn_edge counts the heaps its runtimes abandoned
 * (edgefn_edge_stats.leaked_heaps / leaked_heap_bytes). Driven through the manager's own
 * interface, which hands out the runtime the hook is put into. */
static void job_start(void *owner, edge_job *job, edgefn_runtime *rt) {
  (void)owner, (void)job, (void)rt;
}
static void job_fail(void *owner, edge_job *job, int code) { (void)owner, (void)job, (void)code; }
static const edge_job_ops test_job_ops = {job_start, job_fail};

typedef struct mgr_req {
  collected c;
  edge_mgr *m;
  edge_job job;
} mgr_req;

static void mgr_on_head(void *ud, const edgefn_response_head *h) { h_on_head(ud, h); }
static void mgr_on_body(void *ud, const uint8_t *d, size_t n) { h_on_body(ud, d, n); }
static void mgr_on_end(void *ud, int result) {
  mgr_req *r = ud;
  h_on_end(&r->c, result);
  edge__mgr_release(r->m, &r->job);
}

static int mgr_get(edge_mgr *m, const char *url, mgr_req *r, bool hook, edgefn_loop *loop) {
  memset(r, 0, sizeof(*r));
  r->m = m;
  edgefn_runtime *rt = NULL;
  if (edge__mgr_acquire(m, 0, &r->job, &rt) != 0)
    return -1;
  if (hook)
    install_hook(rt);
  edgefn_request req = EDGEFN_REQUEST_INIT;
  req.url = url;
  req.url_len = strlen(url);
  static const edgefn_response_handler hh = {sizeof(hh), mgr_on_head, mgr_on_body, mgr_on_end};
  if (edgefn_runtime_dispatch(rt, &req, &hh, r) != 0)
    return -1;
  run_until(loop, &r->c);
  return r->c.ended ? 0 : -1;
}

TEST(fatal_counted_by_the_runtime_manager) {
  edgefn_loop *loop = NULL;
  ASSERT_EQ(edgefn_loop_new(&loop, NULL), 0);
  edgefn_script_options so = EDGEFN_SCRIPT_OPTIONS_INIT;
  so.source = COUNTER_JS "addEventListener('fetch', function (e) {\n"
                         "  served++;\n"
                         "  if (e.request.url.indexOf('/crash') >= 0) __engineFatal('boom');\n"
                         "  e.respondWith(new Response('ok ' + served));\n"
                         "});\n";
  so.source_len = strlen(so.source);
  edgefn_script *script = NULL;
  ASSERT_EQ(edgefn_script_new(&script, &so, NULL), 0);
  static const char json[] = "{\"rules\": [{\"function\": \"f0\", \"match\": [[{\"field\": "
                             "\"path\", \"operator\": \"prefix\", \"values\": [\"/\"]}]]}]}";
  edgefn_rules *rules = NULL;
  ASSERT_EQ(edgefn_rules_from_json(&rules, json, strlen(json), "rules.json", NULL), 0);
  log_capture log;
  memset(&log, 0, sizeof(log));
  edgefn_function fn = EDGEFN_FUNCTION_INIT;
  fn.name = "f0";
  fn.script = script;
  edgefn_edge_options eo = EDGEFN_EDGE_OPTIONS_INIT;
  eo.functions = &fn;
  eo.function_count = 1;
  eo.rules = rules;
  eo.log = h_log;
  eo.log_user_data = &log;
  edgefn_edge *edge = NULL;
  ASSERT_EQ(edgefn_edge_new(&edge, &eo, NULL), 0);
  edge_mgr_config cfg;
  memset(&cfg, 0, sizeof(cfg));
  cfg.edge = edge;
  cfg.loop = loop;
  cfg.settings = (edge_settings){256u * 1024u * 1024u, 1, 32, 128, 256, 1};
  cfg.log = h_log;
  cfg.log_data = &log;
  cfg.job_ops = &test_job_ops;
  edge_mgr *m = NULL;
  ASSERT_EQ(edge__mgr_new(&m, &cfg), 0);

  mgr_req r;
  ASSERT_EQ(mgr_get(m, "http://s/", &r, false, loop), 0);
  ASSERT_STREQ(r.c.body, "ok 1");
  collected_free(&r.c);
  edgefn_edge_stats s = EDGEFN_EDGE_STATS_INIT;
  edge__mgr_stats(m, SIZE_MAX, &s);
  ASSERT_EQ(s.leaked_heaps, 0);
  ASSERT_EQ(s.leaked_heap_bytes, 0);
  size_t heap = s.runtime_bytes;

  ASSERT_EQ(mgr_get(m, "http://s/crash", &r, true, loop), 0);
  ASSERT_EQ(r.c.status, 500);
  collected_free(&r.c);
  edge__mgr_stats(m, SIZE_MAX, &s);
  ASSERT_EQ(s.leaked_heaps, 1);
  ASSERT(s.leaked_heap_bytes >= heap / 2);
  ASSERT_EQ(s.runtimes, 1);
  ASSERT_EQ(s.in_flight, 0);
  edgefn_edge_stats f = EDGEFN_EDGE_STATS_INIT;
  edge__mgr_stats(m, 0, &f);
  ASSERT_EQ(f.leaked_heaps, 1);
  ASSERT_EQ(f.leaked_heap_bytes, s.leaked_heap_bytes);
  /* An older caller's struct (before the fields) is filled up to its size only. */
  edgefn_edge_stats old;
  memset(&old, 0xAB, sizeof(old));
  old.struct_size = offsetof(edgefn_edge_stats, leaked_heaps);
  edge__mgr_stats(m, SIZE_MAX, &old);
  ASSERT_EQ(old.subrequests_canceled, 0);
  ASSERT(old.leaked_heaps != 0); /* untouched */

  /* The same runtime, on a new heap, serves the next request. */
  ASSERT_EQ(mgr_get(m, "http://s/", &r, false, loop), 0);
  ASSERT_STREQ(r.c.body, "ok 1");
  collected_free(&r.c);
  edge__mgr_stats(m, SIZE_MAX, &s);
  ASSERT_EQ(s.cold_starts, 1);
  ASSERT_EQ(s.leaked_heaps, 1);

  edge__mgr_free(m);
  edgefn_edge_free(edge);
  edgefn_rules_free(rules);
  edgefn_script_free(script);
  edgefn_loop_free(loop);
  return 0;
}

/* Past EDGEFN_MAX_LEAKED_HEAP_BYTES leaked in the process, a runtime that loses its heap is
 * not restarted: it answers 503 until freed, so that a script able to provoke the failure
 * again and again cannot exhaust the host's memory. The process figure is pushed near the
 * cap by counting a pretend heap of that size (each test runs in its own process). */
TEST(fatal_leak_cap_stops_restarts) {
  js_env e;
  ASSERT_EQ(env_open(&e,
                     "addEventListener('fetch', function (e) {\n"
                     "  if (e.request.url.indexOf('/crash') >= 0) __engineFatal('boom');\n"
                     "  e.respondWith(new Response('ok'));\n"
                     "});\n",
                     0, 0, 0),
            0);
  size_t before = 0;
  edgefn__heap_leaked(NULL, &before);
  ASSERT(before < (size_t)EDGEFN_MAX_LEAKED_HEAP_BYTES);
  (void)edgefn__heap_leak(NULL, (size_t)EDGEFN_MAX_LEAKED_HEAP_BYTES - before);
  install_hook(e.rt);
  collected c;
  ASSERT_EQ(env_fetch(&e, "GET", "http://x/crash", NULL, 0, NULL, &c), 0);
  ASSERT_EQ(c.status, 500);
  collected_free(&c);
  ASSERT(strstr(e.log.text, "over EDGEFN_MAX_LEAKED_HEAP_BYTES: this runtime is not restarted") !=
         NULL);
  for (int i = 0; i < 3; i++) {
    ASSERT_EQ(env_fetch(&e, "GET", "http://x/", NULL, 0, NULL, &c), 0);
    ASSERT_EQ(c.status, 503);
    ASSERT_STREQ(c.body, "edge function is unavailable\n");
    collected_free(&c);
  }
  ASSERT_EQ(edgefn_runtime_memory_used(e.rt), 0);
  ASSERT_EQ(edgefn_runtime_fatal_errors(e.rt), 1);
  /* Another runtime that never failed goes on serving. */
  js_env other;
  ASSERT_EQ(env_open(&other, "addEventListener('fetch', function (e) {\n"
                             "  e.respondWith(new Response('fine'));\n"
                             "});\n",
                     0, 0, 0),
            0);
  ASSERT_EQ(env_fetch(&other, "GET", "http://x/", NULL, 0, NULL, &c), 0);
  ASSERT_STREQ(c.body, "fine");
  collected_free(&c);
  env_close(&other);
  env_close(&e);
  return 0;
}

/* Completions of subrequests: a fatal error in the JavaScript a fetch() completion runs
 * fails that request; a subrequest of another request still in flight at the backend is
 * cancelled when the heap is replaced (the backend hears of it), without a Duktape call. */
typedef struct answering_backend {
  int started, cancelled;
} answering_backend;

static int answering_start(void *backend, edgefn_loop *loop, const edgefn_request *req,
                           const edgefn_response_handler *handler, void *handler_data,
                           void **op) {
  (void)loop;
  answering_backend *b = backend;
  b->started++;
  if (req->url_len >= 4 && memcmp(req->url + req->url_len - 4, "hang", 4) == 0) {
    *op = b; /* never answers */
    return 0;
  }
  edgefn_response_head head = {sizeof(head), 200, "OK", NULL, 0, 4, NULL, NULL};
  handler->on_head(handler_data, &head);
  handler->on_body(handler_data, (const uint8_t *)"body", 4);
  handler->on_end(handler_data, 0);
  *op = NULL;
  return 0;
}

static void answering_cancel(void *backend, void *op) {
  if (op)
    ((answering_backend *)backend)->cancelled++;
}

static const edgefn_fetch_ops answering_ops = {EDGEFN_FETCH_OPS_VERSION, answering_start,
                                               answering_cancel, NULL, NULL};

TEST(fatal_in_a_fetch_completion) {
  js_env e;
  memset(&e, 0, sizeof(e));
  ASSERT_EQ(edgefn_loop_new(&e.loop, NULL), 0);
  edgefn_script_options so = EDGEFN_SCRIPT_OPTIONS_INIT;
  so.source = COUNTER_JS "addEventListener('fetch', function (e) {\n"
                         "  served++;\n"
                         "  var u = e.request.url;\n"
                         "  if (u.indexOf('/hang') >= 0)\n"
                         "    return e.respondWith(fetch('http://o/hang'));\n"
                         "  if (u.indexOf('/crash') >= 0)\n"
                         "    return e.respondWith(fetch('http://o/a').then(function (r) {\n"
                         "      return r.text();\n"
                         "    }).then(function (t) { __engineFatal('after ' + t); }));\n"
                         "  e.respondWith(fetch('http://o/a').then(function (r) {\n"
                         "    return r.text();\n"
                         "  }).then(function (t) { return new Response(t + ' ' + served); }));\n"
                         "});\n";
  so.source_len = strlen(so.source);
  ASSERT_EQ(edgefn_script_new(&e.script, &so, NULL), 0);
  answering_backend back = {0, 0};
  edgefn_runtime_options ro = EDGEFN_RUNTIME_OPTIONS_INIT;
  ro.name = "testfn";
  ro.log = h_log;
  ro.log_user_data = &e.log;
  ro.fetch_ops = &answering_ops;
  ro.fetch_backend = &back;
  ASSERT_EQ(edgefn_runtime_new(&e.rt, e.loop, e.script, &ro, NULL), 0);
  install_hook(e.rt);
  collected hang, crash, next;
  ASSERT_EQ(dispatch(e.rt, "http://x/hang", &hang), 0);
  ASSERT_EQ(back.started, 1);
  ASSERT_EQ(dispatch(e.rt, "http://x/crash", &crash), 0);
  run_until(e.loop, &crash);
  ASSERT_EQ(crash.status, 500);
  ASSERT_STREQ(crash.body, CRASH_BODY);
  ASSERT(strstr(e.log.text, "after body") != NULL);
  ASSERT_EQ(hang.ends, 1);
  ASSERT_EQ(hang.status, 503);
  ASSERT_EQ(back.cancelled, 1); /* the hanging subrequest, released with the heap */
  ASSERT_EQ(edgefn_runtime_pending(e.rt), 0);
  ASSERT_EQ(edgefn_runtime_recycles(e.rt), 1);
  ASSERT_EQ(env_fetch(&e, "GET", "http://x/", NULL, 0, NULL, &next), 0);
  ASSERT_STREQ(next.body, "body 1");
  collected_free(&hang);
  collected_free(&crash);
  collected_free(&next);
  env_close(&e);
  return 0;
}

/* Completions of KV and Cache API calls: the JavaScript they run fails, that request gets
 * 500, and the next one runs on a fresh heap with the same bindings. */
TEST(fatal_in_kv_and_cache_completions) {
  static const char *const paths[] = {"/kv", "/cache"};
  edgefn_kv *kv = NULL;
  ASSERT_EQ(edgefn_kv_memory_new(&kv), 0);
  edgefn_cache_options co = EDGEFN_CACHE_OPTIONS_INIT;
  edgefn_cache *cache = NULL;
  ASSERT_EQ(edgefn_cache_new(&cache, &co), 0);
  js_env e;
  memset(&e, 0, sizeof(e));
  ASSERT_EQ(edgefn_loop_new(&e.loop, NULL), 0);
  edgefn_script_options so = EDGEFN_SCRIPT_OPTIONS_INIT;
  so.source = COUNTER_JS "addEventListener('fetch', function (e) {\n"
                         "  served++;\n"
                         "  var u = e.request.url;\n"
                         "  if (u.indexOf('/kv') >= 0)\n"
                         "    return e.respondWith(STORE.put('k', 'v').then(function () {\n"
                         "      return STORE.get('k');\n"
                         "    }).then(function (v) { __engineFatal('kv ' + v); }));\n"
                         "  if (u.indexOf('/cache') >= 0)\n"
                         "    return e.respondWith(caches.open('c').then(function (c) {\n"
                         "      return c.match('http://o/none');\n"
                         "    }).then(function (m) { __engineFatal('cache ' + m); }));\n"
                         "  e.respondWith(STORE.get('k').then(function (v) {\n"
                         "    return new Response(v + ' ' + served);\n"
                         "  }));\n"
                         "});\n";
  so.source_len = strlen(so.source);
  ASSERT_EQ(edgefn_script_new(&e.script, &so, NULL), 0);
  edgefn_kv_binding binds[] = {{"STORE", kv, NULL}};
  edgefn_runtime_options ro = EDGEFN_RUNTIME_OPTIONS_INIT;
  ro.name = "testfn";
  ro.log = h_log;
  ro.log_user_data = &e.log;
  ro.cache = cache;
  ro.kv_bindings = binds;
  ro.kv_binding_count = 1;
  ASSERT_EQ(edgefn_runtime_new(&e.rt, e.loop, e.script, &ro, NULL), 0);
  for (size_t i = 0; i < 2; i++) {
    install_hook(e.rt);
    char url[64];
    snprintf(url, sizeof(url), "http://x%s", paths[i]);
    collected c;
    ASSERT_EQ(env_fetch(&e, "GET", url, NULL, 0, NULL, &c), 0);
    ASSERT_EQ(c.status, 500);
    ASSERT_STREQ(c.body, CRASH_BODY);
    collected_free(&c);
    ASSERT_EQ(edgefn_runtime_fatal_errors(e.rt), i + 1);
    ASSERT_EQ(env_fetch(&e, "GET", "http://x/", NULL, 0, NULL, &c), 0);
    ASSERT_STREQ(c.body, "v 1"); /* the store outlives the heap; the counter does not */
    collected_free(&c);
  }
  ASSERT(strstr(e.log.text, "kv v") != NULL);
  ASSERT(strstr(e.log.text, "cache undefined") != NULL);
  env_close(&e);
  edgefn_cache_free(cache);
  edgefn_kv_free(kv);
  return 0;
}
