/* Modules that await at their top level, through the real request path: the runtime is
 * created while the module still awaits, requests dispatched meanwhile wait for it, and a
 * failed evaluation fails runtime creation or the waiting requests. Also import() and the
 * script/module split for top-level await. */
#include "../test.h"
#include "harness.h"

static uint32_t cpu_limit_ms; /* the runtimes' CPU limit, 0 = default */

/* Compiles `src` (named `name`; `mods` are the bundle's other files) and creates a runtime.
 * Returns the first failing step's code. */
static int open_named(js_env *e, const char *name, const char *src,
                      const edgefn_script_source *mods, size_t nmods,
                      const edgefn_fetch_ops *fetch_ops, void *backend, uint32_t wall_ms) {
  memset(e, 0, sizeof(*e));
  e->err.struct_size = sizeof(e->err);
  int rc = edgefn_loop_new(&e->loop, NULL);
  if (rc)
    return rc;
  edgefn_script_options so = EDGEFN_SCRIPT_OPTIONS_INIT;
  so.source = src;
  so.source_len = strlen(src);
  so.filename = name;
  so.modules = mods;
  so.module_count = nmods;
  rc = edgefn_script_new(&e->script, &so, &e->err);
  if (rc)
    return rc;
  edgefn_runtime_options ro = EDGEFN_RUNTIME_OPTIONS_INIT;
  ro.name = "tla";
  ro.wall_limit_ms = wall_ms;
  ro.cpu_limit_ms = cpu_limit_ms;
  ro.log = h_log;
  ro.log_user_data = &e->log;
  ro.fetch_ops = fetch_ops;
  ro.fetch_backend = backend;
  return edgefn_runtime_new(&e->rt, e->loop, e->script, &ro, &e->err);
}

static int dispatch(js_env *e, const char *url, collected *c) {
  memset(c, 0, sizeof(*c));
  edgefn_request req = EDGEFN_REQUEST_INIT;
  req.method = "GET";
  req.method_len = 3;
  req.url = url;
  req.url_len = strlen(url);
  return edgefn_runtime_dispatch(e->rt, &req, &h_handler, c);
}

static void run_until(js_env *e, collected *c, size_t n) {
  for (;;) {
    size_t done = 0;
    for (size_t i = 0; i < n; i++)
      done += c[i].ended;
    if (done == n || !edgefn_loop_alive(e->loop))
      return;
    edgefn_loop_run(e->loop, EDGEFN_RUN_ONCE);
  }
}

/* export default { fetch } whose module awaits a timer before it serves: requests that came
 * earlier wait, then run in the order they came. */
TEST(tla_module_waits_before_serving) {
  static const char src[] =
      "let served = 0;\n"
      "const cfg = await new Promise(r => setTimeout(() => r({ greeting: 'hello' }), 30));\n"
      "const extra = await Promise.resolve('!');\n"
      "export default {\n"
      "  async fetch(request) {\n"
      "    served++;\n"
      "    return new Response(cfg.greeting + extra + ' #' + served + ' ' + new URL(request.url).pathname);\n"
      "  }\n"
      "};\n";
  js_env e;
  ASSERT_EQ(open_named(&e, "worker.js", src, NULL, 0, NULL, NULL, 0), 0);
  ASSERT_EQ(edgefn_runtime_status(e.rt), EDGEFN_EAGAIN);
  collected c[2];
  ASSERT_EQ(dispatch(&e, "http://x/first", &c[0]), 0);
  ASSERT_EQ(dispatch(&e, "http://x/second", &c[1]), 0);
  /* nothing answered before the module finished */
  ASSERT(!c[0].head_seen && !c[1].head_seen);
  ASSERT_EQ(edgefn_runtime_pending(e.rt), 2u);
  run_until(&e, c, 2);
  ASSERT_EQ(edgefn_runtime_status(e.rt), 0);
  ASSERT_EQ(c[0].status, 200);
  ASSERT_STREQ(c[0].body, "hello! #1 /first");
  ASSERT_EQ(c[1].status, 200);
  ASSERT_STREQ(c[1].body, "hello! #2 /second");
  /* after it, requests run at once */
  collected d;
  ASSERT_EQ(dispatch(&e, "http://x/third", &d), 0);
  run_until(&e, &d, 1);
  ASSERT_STREQ(d.body, "hello! #3 /third");
  for (int i = 0; i < 2; i++)
    collected_free(&c[i]);
  collected_free(&d);
  env_close(&e);
  return 0;
}

/* A rejection while the first microtasks run fails edgefn_runtime_new with the error and
 * its file and line; one after a timer fails the runtime and the requests that waited. */
TEST(tla_rejection_fails_initialisation) {
  js_env e;
  ASSERT_EQ(open_named(&e, "fn.js",
                       "export default { fetch() { return new Response('no'); } };\n"
                       "await null;\n"
                       "throw new Error('setup failed');\n",
                       NULL, 0, NULL, NULL, 0),
            EDGEFN_ESCRIPT);
  ASSERT_STREQ(e.err.file, "fn.js");
  ASSERT_EQ(e.err.line, 3);
  ASSERT(strstr(e.err.message, "setup failed") != NULL);
  env_close(&e);
  /* an error a compiler helper throws is placed at the script's line that called it */
  ASSERT_EQ(open_named(&e, "iter.mjs", "export {};\nawait null;\n\nfor (const x of 5) {}\n", NULL,
                       0, NULL, NULL, 0),
            EDGEFN_ESCRIPT);
  ASSERT_STREQ(e.err.file, "iter.mjs");
  ASSERT_EQ(e.err.line, 4);
  ASSERT(strstr(e.err.message, "number is not iterable") != NULL);
  env_close(&e);
  ASSERT_EQ(open_named(&e, "iter.js", "var a;\nfor (const x of 5) {}\n", NULL, 0, NULL, NULL, 0),
            EDGEFN_ESCRIPT);
  ASSERT_STREQ(e.err.file, "iter.js");
  ASSERT_EQ(e.err.line, 2);
  env_close(&e);

  static const char late[] = "export default { fetch() { return new Response('no'); } };\n"
                             "await new Promise(r => setTimeout(r, 20));\n"
                             "await Promise.reject(new TypeError('config missing'));\n";
  ASSERT_EQ(open_named(&e, "late.js", late, NULL, 0, NULL, NULL, 0), 0);
  ASSERT_EQ(edgefn_runtime_status(e.rt), EDGEFN_EAGAIN);
  collected c;
  ASSERT_EQ(dispatch(&e, "http://x/", &c), 0);
  run_until(&e, &c, 1);
  ASSERT_EQ(c.status, 500);
  ASSERT_STREQ(c.body, "edge function failed to initialise\n");
  ASSERT_EQ(edgefn_runtime_status(e.rt), EDGEFN_ESCRIPT);
  ASSERT(strstr(e.log.text, "TypeError: config missing") != NULL);
  ASSERT(strstr(e.log.text, "late.js:3") != NULL);
  collected_free(&c);
  /* and every later request */
  ASSERT_EQ(dispatch(&e, "http://x/again", &c), 0);
  ASSERT(c.ended);
  ASSERT_EQ(c.status, 500);
  collected_free(&c);
  env_close(&e);
  return 0;
}

/* An await nothing can settle (no timer, no I/O) is an error at once, not a hang. */
TEST(tla_unsettled_await_fails_at_once) {
  js_env e;
  ASSERT_EQ(open_named(&e, "stuck.js",
                       "await new Promise(() => {});\n"
                       "export default { fetch() { return new Response('x'); } };\n",
                       NULL, 0, NULL, NULL, 0),
            EDGEFN_ESCRIPT);
  ASSERT(strstr(e.err.message, "Detected unsettled top-level await") != NULL);
  env_close(&e);
  /* awaiting one's own import() waits for oneself (Node exits with status 13) */
  ASSERT_EQ(open_named(&e, "self.mjs", "console.log('before');\nawait import('./self.mjs');\n",
                       NULL, 0, NULL, NULL, 0),
            EDGEFN_ESCRIPT);
  ASSERT(strstr(e.err.message, "Detected unsettled top-level await") != NULL);
  env_close(&e);
  return 0;
}

/* A request whose wall time runs out while the module awaits gets 504; the others are
 * served once the module is ready. */
TEST(tla_waiting_request_has_its_wall_limit) {
  js_env e;
  ASSERT_EQ(open_named(&e, "slow.js",
                       "await new Promise(r => setTimeout(r, 120));\n"
                       "export default { fetch() { return new Response('ready'); } };\n",
                       NULL, 0, NULL, NULL, 40),
            0);
  collected c;
  ASSERT_EQ(dispatch(&e, "http://x/", &c), 0);
  run_until(&e, &c, 1);
  ASSERT_EQ(c.status, 504);
  collected_free(&c);
  ASSERT_EQ(edgefn_runtime_status(e.rt), EDGEFN_EAGAIN);
  while (edgefn_runtime_status(e.rt) == EDGEFN_EAGAIN && edgefn_loop_alive(e.loop))
    edgefn_loop_run(e.loop, EDGEFN_RUN_ONCE);
  ASSERT_EQ(edgefn_runtime_status(e.rt), 0);
  ASSERT_EQ(dispatch(&e, "http://x/", &c), 0);
  run_until(&e, &c, 1);
  ASSERT_STREQ(c.body, "ready");
  collected_free(&c);
  env_close(&e);
  return 0;
}

/* ---- a subrequest at init time: a fetch backend the test answers by hand ---- */

typedef struct fake_backend {
  int started;
  char url[256];
  edgefn_response_handler handler;
  void *handler_data;
} fake_backend;

static int fake_start(void *backend, edgefn_loop *loop, const edgefn_request *req,
                      const edgefn_response_handler *handler, void *handler_data, void **op) {
  (void)loop;
  fake_backend *b = backend;
  b->started++;
  snprintf(b->url, sizeof(b->url), "%.*s", (int)req->url_len, req->url);
  b->handler = *handler;
  b->handler_data = handler_data;
  *op = b;
  return 0;
}

static void fake_cancel(void *backend, void *op) {
  (void)op;
  ((fake_backend *)backend)->handler_data = NULL;
}

static void fake_release(void *backend) { (void)backend; }

static const edgefn_fetch_ops fake_ops = {1, fake_start, fake_cancel, fake_release, NULL};

TEST(tla_subrequest_before_serving) {
  static const char src[] =
      "const res = await fetch('http://config.example/settings');\n"
      "const settings = await res.json();\n"
      "export default { fetch() { return new Response('mode=' + settings.mode); } };\n";
  fake_backend b = {0};
  js_env e;
  ASSERT_EQ(open_named(&e, "cfg.js", src, NULL, 0, &fake_ops, &b, 0), 0);
  ASSERT_EQ(b.started, 1);
  ASSERT_STREQ(b.url, "http://config.example/settings");
  ASSERT_EQ(edgefn_runtime_status(e.rt), EDGEFN_EAGAIN);
  collected c;
  ASSERT_EQ(dispatch(&e, "http://x/", &c), 0);
  edgefn_loop_run(e.loop, EDGEFN_RUN_NOWAIT);
  ASSERT(!c.ended);
  /* the network answers */
  static const char body[] = "{\"mode\":\"fast\"}";
  edgefn_header h = {"content-type", 12, "application/json", 16};
  edgefn_response_head head = {sizeof(head), 200, "", &h, 1, (int64_t)strlen(body), NULL, NULL};
  b.handler.on_head(b.handler_data, &head);
  b.handler.on_body(b.handler_data, (const uint8_t *)body, strlen(body));
  b.handler.on_end(b.handler_data, 0);
  run_until(&e, &c, 1);
  ASSERT_EQ(edgefn_runtime_status(e.rt), 0);
  ASSERT_EQ(c.status, 200);
  ASSERT_STREQ(c.body, "mode=fast");
  collected_free(&c);
  env_close(&e);
  return 0;
}

/* import() from a request handler loads a file of the bundle the entry never imported,
 * once; a missing one rejects with Node's error. */
TEST(tla_dynamic_import_in_handler) {
  static const edgefn_script_source mods[] = {
      {"lazy.js", "export let loads = 0;\nloads++;\nawait null;\nexport const value = 'lazy';\n",
       0},
      {"lib/helper.js", "export const twice = x => x + x;\n", 0}};
  edgefn_script_source m[2];
  memcpy(m, mods, sizeof(m));
  for (int i = 0; i < 2; i++)
    m[i].source_len = strlen(m[i].source);
  static const char src[] =
      "export default {\n"
      "  async fetch(request) {\n"
      "    const a = await import('./lazy.js'), b = await import('./lazy.js');\n"
      "    const { twice } = await import('./lib/helper.js');\n"
      "    let miss;\n"
      "    try { await import('./missing.js'); } catch (e) { miss = e.code + ' ' + e.message; }\n"
      "    return new Response([a === b, a.value, a.loads, twice('ab'), miss, import.meta.url].join('|'));\n"
      "  }\n"
      "};\n";
  js_env e;
  ASSERT_EQ(open_named(&e, "main.js", src, m, 2, NULL, NULL, 0), 0);
  ASSERT_EQ(edgefn_runtime_status(e.rt), 0);
  collected c;
  ASSERT_EQ(dispatch(&e, "http://x/", &c), 0);
  run_until(&e, &c, 1);
  ASSERT_STREQ(c.body, "true|lazy|1|abab|ERR_MODULE_NOT_FOUND Cannot find module "
                        "'/missing.js' imported from /main.js|file:///main.js");
  collected_free(&c);
  env_close(&e);
  return 0;
}

/* Top-level await belongs to modules: a service-worker script keeps the script goal, where
 * it is a SyntaxError at the await (as for a classic script in Node); so is import.meta. */
TEST(tla_script_goal_rejects_it) {
  js_env e;
  ASSERT_EQ(open_named(&e, "sw.js",
                       "addEventListener('fetch', e => e.respondWith(new Response('x')));\n"
                       "const v = await Promise.resolve(1);\n",
                       NULL, 0, NULL, NULL, 0),
            EDGEFN_ESYNTAX);
  ASSERT_EQ(e.err.line, 2);
  ASSERT_EQ(e.err.column, 11);
  ASSERT(strstr(e.err.message, "await is only valid in async functions and the top level "
                               "bodies of modules") != NULL);
  env_close(&e);
  ASSERT_EQ(open_named(&e, "sw.js", "\n  console.log(import.meta.url);\n", NULL, 0, NULL, NULL, 0),
            EDGEFN_ESYNTAX);
  ASSERT_EQ(e.err.line, 2);
  ASSERT_EQ(e.err.column, 15);
  ASSERT(strstr(e.err.message, "Cannot use 'import.meta' outside a module") != NULL);
  env_close(&e);
  /* await stays an identifier in a script */
  ASSERT_EQ(open_named(&e, "sw.js",
                       "function await(x) { return x; }\n"
                       "addEventListener('fetch', e => e.respondWith(new Response(String(await(7)))));\n",
                       NULL, 0, NULL, NULL, 0),
            0);
  collected c;
  ASSERT_EQ(dispatch(&e, "http://x/", &c), 0);
  run_until(&e, &c, 1);
  ASSERT_STREQ(c.body, "7");
  collected_free(&c);
  env_close(&e);
  /* import() in a script: a promise that rejects, never a compile error */
  ASSERT_EQ(open_named(&e, "sw.js",
                       "addEventListener('fetch', e => e.respondWith(import('./x.js').then(\n"
                       "  () => new Response('loaded'), err => new Response(err.code))));\n",
                       NULL, 0, NULL, NULL, 0),
            0);
  ASSERT_EQ(dispatch(&e, "http://x/", &c), 0);
  run_until(&e, &c, 1);
  ASSERT_STREQ(c.body, "ERR_MODULE_NOT_FOUND");
  collected_free(&c);
  env_close(&e);
  return 0;
}

/* A pattern compiled inside a coroutine (a module body, an async function) outlives it:
 * freeing the heap used to free the pattern through the coroutine's freed context (seen
 * by AddressSanitizer). */
TEST(tla_regexp_compiled_in_coroutine_outlives_it) {
  static const char src[] =
      "const top = new RegExp('^m+' + 'x$');\n"
      "await null;\n"
      "async function f() { await null; return new RegExp('^a+' + 'b$', 'u').test('aab'); }\n"
      "const inner = await f();\n"
      "export default { fetch() { return new Response(String(top.test('mmx') && inner)); } };\n";
  js_env e;
  ASSERT_EQ(open_named(&e, "re.mjs", src, NULL, 0, NULL, NULL, 0), 0);
  collected c;
  ASSERT_EQ(dispatch(&e, "http://x/", &c), 0);
  run_until(&e, &c, 1);
  ASSERT_STREQ(c.body, "true");
  collected_free(&c);
  env_close(&e);
  return 0;
}

/* A limit that stops the module's evaluation fails the initialisation with its code: at
 * once in the first microtasks, or later in a timer the module awaits (then the waiting
 * requests get 500), never by waiting for the wall limit. */
TEST(tla_cpu_limit_fails_initialisation) {
  js_env e;
  ASSERT_EQ(open_named(&e, "spin.mjs", "await null;\nwhile (true) {}\n", NULL, 0, NULL, NULL, 0),
            EDGEFN_ECPU_LIMIT);
  env_close(&e);
  cpu_limit_ms = 30;
  ASSERT_EQ(open_named(&e, "spin.mjs",
                       "await new Promise(r => setTimeout(() => { while (true) {} }, 1));\n"
                       "export default { fetch() { return new Response('x'); } };\n",
                       NULL, 0, NULL, NULL, 0),
            0);
  cpu_limit_ms = 0;
  collected c;
  ASSERT_EQ(dispatch(&e, "http://x/", &c), 0);
  run_until(&e, &c, 1);
  ASSERT_EQ(c.status, 500);
  ASSERT_EQ(edgefn_runtime_status(e.rt), EDGEFN_ECPU_LIMIT);
  collected_free(&c);
  env_close(&e);
  return 0;
}

/* edgefn_edge: a function whose module awaits serves its first request once the module is
 * ready; a runtime whose module failed later is replaced by the next request, as one that
 * failed to start, rather than answering 500 for good. */
static int edge_get(edgefn_edge *edge, edgefn_loop *loop, const char *path, collected *c) {
  memset(c, 0, sizeof(*c));
  char url[128];
  snprintf(url, sizeof(url), "http://site.test%s", path);
  edgefn_request req = EDGEFN_REQUEST_INIT;
  req.url = url;
  req.url_len = strlen(url);
  int rc = edgefn_edge_handle(edge, loop, &req, &h_handler, c);
  while (rc == 0 && !c->ended)
    edgefn_loop_run(loop, EDGEFN_RUN_ONCE);
  return rc;
}

TEST(tla_edge_serves_and_replaces_failed_runtimes) {
  static const char ok_src[] = "const v = await new Promise(r => setTimeout(() => r('ready'), 5));\n"
                               "export default { fetch() { return new Response(v); } };\n";
  static const char bad_src[] = "await new Promise(r => setTimeout(r, 5));\n"
                                "throw new Error('no config');\n"
                                "export default { fetch() { return new Response('x'); } };\n";
  edgefn_loop *loop = NULL;
  ASSERT_EQ(edgefn_loop_new(&loop, NULL), 0);
  edgefn_script *scripts[2] = {NULL, NULL};
  const char *srcs[2] = {ok_src, bad_src};
  for (int i = 0; i < 2; i++) {
    edgefn_script_options so = EDGEFN_SCRIPT_OPTIONS_INIT;
    so.source = srcs[i];
    so.source_len = strlen(srcs[i]);
    so.filename = i ? "bad.js" : "ok.js";
    ASSERT_EQ(edgefn_script_new(&scripts[i], &so, NULL), 0);
  }
  static const char rules_json[] =
      "{\"rules\": [{\"function\": \"ok\", \"match\": [[{\"field\": \"path\", \"operator\": "
      "\"prefix\", \"values\": [\"/ok/\"]}]]}, {\"function\": \"bad\", \"match\": [[{\"field\": "
      "\"path\", \"operator\": \"prefix\", \"values\": [\"/bad/\"]}]]}]}";
  edgefn_rules *rules = NULL;
  ASSERT_EQ(edgefn_rules_from_json(&rules, rules_json, strlen(rules_json), "r.json", NULL), 0);
  edgefn_function fns[2] = {EDGEFN_FUNCTION_INIT, EDGEFN_FUNCTION_INIT};
  fns[0].name = "ok";
  fns[0].script = scripts[0];
  fns[1].name = "bad";
  fns[1].script = scripts[1];
  log_capture log = {0};
  edgefn_runtime_options bad_opts = EDGEFN_RUNTIME_OPTIONS_INIT;
  bad_opts.log = h_log;
  bad_opts.log_user_data = &log;
  fns[1].options = &bad_opts;
  edgefn_edge_options eo = EDGEFN_EDGE_OPTIONS_INIT;
  eo.functions = fns;
  eo.function_count = 2;
  eo.rules = rules;
  eo.log = h_log;
  eo.log_user_data = &log;
  edgefn_edge *edge = NULL;
  ASSERT_EQ(edgefn_edge_new(&edge, &eo, NULL), 0);
  ASSERT_EQ(edgefn_edge_attach(edge, loop), 0);

  collected c;
  ASSERT_EQ(edge_get(edge, loop, "/ok/", &c), 0);
  ASSERT_EQ(c.status, 200);
  ASSERT_STREQ(c.body, "ready");
  collected_free(&c);

  for (int i = 0; i < 2; i++) {
    ASSERT_EQ(edge_get(edge, loop, "/bad/", &c), 0);
    ASSERT_EQ(c.status, 500);
    ASSERT_STREQ(c.body, "edge function failed to initialise\n");
    collected_free(&c);
    for (int k = 0; k < 3; k++)
      edgefn_loop_run(loop, EDGEFN_RUN_NOWAIT);
  }
  edgefn_edge_stats st = EDGEFN_EDGE_STATS_INIT;
  ASSERT_EQ(edgefn_edge_stats_get(edge, loop, "bad", &st), 0);
  ASSERT_EQ(st.cold_starts, 2u);  /* the second request started a fresh runtime */
  ASSERT_EQ(st.start_failures, 1u); /* the first one, dropped by it */
  ASSERT_EQ(st.runtimes, 1u);
  ASSERT(strstr(log.text, "no config") != NULL);

  edgefn_edge_detach(edge, loop);
  edgefn_edge_free(edge);
  edgefn_rules_free(rules);
  for (int i = 0; i < 2; i++)
    edgefn_script_free(scripts[i]);
  edgefn_loop_free(loop);
  return 0;
}
