/* KV namespaces and environment values in scripts (lib/js/kv-api.c, lib/kv/). One suite of
 * script steps runs against every backend: memory here, SQLite and Redis in
 * tests/kv/test-kv-backends.c. */
#include "kv/kv-suite.h"

#include "js/runtime.h"

#include <pthread.h>

TEST(kv_suite_memory) {
  edgefn_loop *loop = NULL;
  edgefn_kv *kv = NULL;
  ASSERT_EQ(edgefn_loop_new(&loop, NULL), 0);
  ASSERT_EQ(edgefn_kv_memory_new(&kv), 0);
  int rc = kv_suite_run(loop, kv);
  edgefn_kv_free(kv);
  edgefn_loop_free(loop);
  return rc;
}

/* Globals and env for values and bindings; the env object C code hands to module-syntax
 * handlers is the same one, with the same properties. */
static duk_ret_t env_probe_safe(duk_context *ctx, void *udata) {
  (void)udata;
  edgefn__env_push(ctx);
  duk_idx_t env = duk_get_top_index(ctx);
  duk_get_prop_literal(ctx, env, "GREETING"); /* env + 1 */
  duk_get_prop_literal(ctx, env, "STORE");    /* env + 2 */
  duk_get_global_literal(ctx, "STORE");       /* env + 3 */
  bool same = duk_strict_equals(ctx, env + 2, env + 3);
  bool has_put = false;
  if (duk_is_object(ctx, env + 2)) {
    duk_get_prop_literal(ctx, env + 2, "put");
    has_put = duk_is_function(ctx, -1);
    duk_pop(ctx);
  }
  edgefn__env_push(ctx);
  bool stable = duk_strict_equals(ctx, env, -1);
  duk_pop(ctx);
  duk_push_sprintf(ctx, "%s|%d|%s|%d", duk_safe_to_string(ctx, env + 1), same ? 1 : 0,
                   has_put ? "fn" : "none", stable ? 1 : 0);
  return 1;
}

TEST(kv_env_values_and_env_object) {
  edgefn_loop *loop = NULL;
  edgefn_kv *kv = NULL;
  ASSERT_EQ(edgefn_loop_new(&loop, NULL), 0);
  ASSERT_EQ(edgefn_kv_memory_new(&kv), 0);
  static const char src[] =
      "addEventListener('fetch', function (e) {\n"
      "  e.respondWith(new Response([typeof GREETING, GREETING, EMPTY === '', UNI,\n"
      "    String(STORE), Object.prototype.toString.call(STORE),\n"
      "    typeof STORE.get, typeof STORE.list].join('|')));\n"
      "});";
  edgefn_env_var vars[] = {{"GREETING", "hello", 5}, {"EMPTY", NULL, 0},
                           {"UNI", "\xc3\xa9t\xc3\xa9", 5}};
  edgefn_kv_binding binds[] = {{"STORE", kv, NULL}};
  edgefn_runtime_options ro = EDGEFN_RUNTIME_OPTIONS_INIT;
  ro.kv_bindings = binds;
  ro.kv_binding_count = 1;
  ro.env_vars = vars;
  ro.env_var_count = 3;
  char out[512];
  ASSERT_EQ(kv_run_script(loop, src, &ro, out, sizeof(out)), 0);
  ASSERT_STREQ(out, "string|hello|true|\xc3\xa9t\xc3\xa9|[object KVNamespace]|"
                    "[object KVNamespace]|function|function");

  /* Module syntax gets the object as `env` (Workers) and Pages as `context.env` (EdgeOne):
   * the values and the bindings, the same namespace as the global. Both used to get an
   * empty object of the dispatch's own. */
  static const char module_src[] =
      "export default { fetch(request, env, ctx) {\n"
      "  return env.STORE.put('k', env.GREETING).then(function () { return env.STORE.get('k'); })\n"
      "    .then(function (v) { return new Response([v, env.STORE === STORE, env.UNI,\n"
      "      Object.keys(env).sort().join(',')].join('|')); });\n"
      "} };";
  ASSERT_EQ(kv_run_script(loop, module_src, &ro, out, sizeof(out)), 0);
  ASSERT_STREQ(out, "hello|true|\xc3\xa9t\xc3\xa9|EMPTY,GREETING,STORE,UNI");
  static const char pages_src[] =
      "export function onRequestGet(context) {\n"
      "  return new Response(context.env.GREETING + '|' + (context.env.STORE === STORE));\n"
      "}";
  ASSERT_EQ(kv_run_script(loop, pages_src, &ro, out, sizeof(out)), 0);
  ASSERT_STREQ(out, "hello|true");
  /* Workers' class entrypoint and `import { env } from 'cloudflare:workers'`: the instance
   * is made per request with (ctx, env), and the module's env is the same object. */
  static const char class_src[] =
      "import { WorkerEntrypoint, env } from 'cloudflare:workers';\n"
      "var made = 0;\n"
      "export default class extends WorkerEntrypoint {\n"
      "  fetch(request) {\n"
      "    made++;\n"
      "    this.ctx.waitUntil(Promise.resolve());\n"
      "    return this.env.STORE.get('k').then((v) => new Response([v, this.env === env,\n"
      "      this instanceof WorkerEntrypoint, env.GREETING, made,\n"
      "      new URL(request.url).pathname].join('|')));\n"
      "  }\n"
      "}";
  ASSERT_EQ(kv_run_script(loop, class_src, &ro, out, sizeof(out)), 0);
  ASSERT_STREQ(out, "hello|true|true|hello|1|/");
  edgefn_runtime_options none = EDGEFN_RUNTIME_OPTIONS_INIT;
  static const char none_src[] =
      "import { env } from 'cloudflare:workers';\n"
      "export default { fetch(request, e) { return new Response(String(e === env) + ':' +\n"
      "  Object.keys(env).length); } };";
  ASSERT_EQ(kv_run_script(loop, none_src, &none, out, sizeof(out)), 0);
  ASSERT_STREQ(out, "true:0");
  /* What this runtime does not have is the usual missing-export error at compile time. */
  {
    edgefn_script *sc = NULL;
    edgefn_script_options o = EDGEFN_SCRIPT_OPTIONS_INIT;
    o.source = "import { DurableObject } from 'cloudflare:workers';\nexport class C extends DurableObject {}";
    o.source_len = strlen(o.source);
    o.filename = "do.mjs";
    edgefn_error_info e = EDGEFN_ERROR_INFO_INIT;
    ASSERT_EQ(edgefn_script_new(&sc, &o, &e), EDGEFN_ESYNTAX);
    ASSERT(strstr(e.message, "The requested module 'cloudflare:workers' does not provide an "
                             "export named 'DurableObject'") != NULL);
    ASSERT_EQ(e.line, 1);
  }
  static const char empty_src[] =
      "export default { fetch(request, env) {\n"
      "  return new Response(typeof env + ':' + Object.keys(env).length);\n"
      "} };";
  ASSERT_EQ(kv_run_script(loop, empty_src, &none, out, sizeof(out)), 0);
  ASSERT_STREQ(out, "object:0");

  /* The env object through the internal interface. */
  edgefn_script *script = NULL;
  edgefn_script_options so = EDGEFN_SCRIPT_OPTIONS_INIT;
  so.source = "1";
  so.source_len = 1;
  ASSERT_EQ(edgefn_script_new(&script, &so, NULL), 0);
  edgefn_runtime *rt = NULL;
  ASSERT_EQ(edgefn_runtime_new(&rt, loop, script, &ro, NULL), 0);
  ASSERT_EQ(duk_safe_call(rt->ctx, env_probe_safe, NULL, 0, 1), DUK_EXEC_SUCCESS);
  ASSERT_STREQ(duk_get_string(rt->ctx, -1), "hello|1|fn|1");
  duk_pop(rt->ctx);
  edgefn_runtime_free(rt);

  /* Nothing bound: no globals, and an empty env. */
  edgefn_runtime_options plain = EDGEFN_RUNTIME_OPTIONS_INIT;
  ASSERT_EQ(edgefn_runtime_new(&rt, loop, script, &plain, NULL), 0);
  ASSERT_EQ(duk_safe_call(rt->ctx, env_probe_safe, NULL, 0, 1), DUK_EXEC_SUCCESS);
  ASSERT_STREQ(duk_get_string(rt->ctx, -1), "undefined|1|none|1");
  duk_pop(rt->ctx);
  edgefn_runtime_free(rt);

  /* Bad bindings are refused, and nothing leaks. */
  edgefn_kv_binding bad[] = {{"", kv, NULL}};
  ro.kv_bindings = bad;
  ASSERT_EQ(edgefn_runtime_new(&rt, loop, script, &ro, NULL), EDGEFN_EINVAL);
  bad[0].name = "X";
  bad[0].kv = NULL;
  ASSERT_EQ(edgefn_runtime_new(&rt, loop, script, &ro, NULL), EDGEFN_EINVAL);
  ro.kv_bindings = NULL;
  ASSERT_EQ(edgefn_runtime_new(&rt, loop, script, &ro, NULL), EDGEFN_EINVAL);
  edgefn_script_free(script);
  edgefn_kv_free(kv);
  edgefn_loop_free(loop);
  return 0;
}

/* A host backend that answers later, from the loop: the runtime may be freed with calls in
 * the backend, which then answers into the void without touching freed memory. */
typedef struct slow_call {
  edgefn__timer t;
  edgefn_kv_done_cb cb;
  void *data;
} slow_call;
typedef struct slow_backend {
  edgefn_loop *loop;
  slow_call calls[8];
  int n, released;
} slow_backend;

static void slow_fire(edgefn__timer *t) {
  slow_call *c = t->data;
  c->cb(c->data, EDGEFN_ENETWORK);
}
static int slow_start(slow_backend *b, edgefn_kv_done_cb cb, void *data) {
  if (b->n == 8)
    return EDGEFN_EBUSY;
  slow_call *c = &b->calls[b->n++];
  c->cb = cb;
  c->data = data;
  edgefn__timer_init(&c->t, slow_fire, c);
  return edgefn__timer_start(b->loop, &c->t, 5);
}
static int slow_get(void *be, const char *ns, size_t nl, const char *k, size_t kl,
                    edgefn_kv_get_cb cb, void *d) {
  (void)ns, (void)nl, (void)k, (void)kl, (void)cb, (void)d;
  return EDGEFN_ENOTSUP;
}
static int slow_put(void *be, const char *ns, size_t nl, const char *k, size_t kl,
                    const edgefn_kv_value *v, edgefn_kv_done_cb cb, void *d) {
  (void)ns, (void)nl, (void)k, (void)kl, (void)v;
  return slow_start(be, cb, d);
}
static int slow_remove(void *be, const char *ns, size_t nl, const char *k, size_t kl,
                       edgefn_kv_done_cb cb, void *d) {
  (void)ns, (void)nl, (void)k, (void)kl;
  return slow_start(be, cb, d);
}
static int slow_list(void *be, const char *ns, size_t nl, const char *p, size_t pl,
                     uint32_t limit, const char *c, size_t cl, edgefn_kv_list_cb cb, void *d) {
  (void)be, (void)ns, (void)nl, (void)p, (void)pl, (void)limit, (void)c, (void)cl, (void)cb,
      (void)d;
  return EDGEFN_ENOTSUP;
}
static void slow_release(void *be) { ((slow_backend *)be)->released++; }

TEST(kv_backend_errors_and_free_with_calls_in_flight) {
  static const edgefn_kv_ops ops = {EDGEFN_KV_OPS_VERSION, slow_get, slow_put, slow_remove,
                                    slow_list, slow_release};
  edgefn_loop *loop = NULL;
  ASSERT_EQ(edgefn_loop_new(&loop, NULL), 0);
  slow_backend be = {.loop = loop};
  edgefn_kv *kv = NULL;
  edgefn_kv_ops bad = ops;
  bad.version = 0;
  ASSERT_EQ(edgefn_kv_new(&kv, &bad, &be), EDGEFN_EVERSION);
  bad = ops;
  bad.list = NULL;
  ASSERT_EQ(edgefn_kv_new(&kv, &bad, &be), EDGEFN_EINVAL);
  ASSERT_EQ(edgefn_kv_new(&kv, &ops, &be), 0);
  edgefn_kv_binding binds[] = {{"S", kv, "ns"}};
  edgefn_runtime_options ro = EDGEFN_RUNTIME_OPTIONS_INIT;
  ro.kv_bindings = binds;
  ro.kv_binding_count = 1;
  /* Errors from the backend reject with its message, both at start and later. */
  static const char src[] =
      "function m(e) { return e.name + ': ' + e.message; }\n"
      "addEventListener('fetch', function (ev) { var out = [];\n"
      "  ev.respondWith(S.get('k').catch(m).then(function (r) { out.push(r);\n"
      "    return S.put('k', 'v').catch(m); }).then(function (r) { out.push(r);\n"
      "    return S.list().catch(m); }).then(function (r) { out.push(r);\n"
      "    return new Response(out.join('\\n')); }));\n"
      "});";
  char out[512];
  ASSERT_EQ(kv_run_script(loop, src, &ro, out, sizeof(out)), 0);
  ASSERT_STREQ(out, "Error: KV get failed: not supported\n"
                    "Error: KV put failed: network error\n"
                    "Error: KV list failed: not supported");
  /* Free the runtime while two calls are in the backend. */
  edgefn_script *script = NULL;
  edgefn_script_options so = EDGEFN_SCRIPT_OPTIONS_INIT;
  so.source = "S.put('a', 'b'); S.delete('a');";
  so.source_len = strlen(so.source);
  ASSERT_EQ(edgefn_script_new(&script, &so, NULL), 0);
  edgefn_runtime *rt = NULL;
  int before = be.n;
  ASSERT_EQ(edgefn_runtime_new(&rt, loop, script, &ro, NULL), 0);
  ASSERT_EQ(be.n, before + 2);
  edgefn_runtime_free(rt);
  edgefn_kv_free(kv); /* the calls in flight still hold the store */
  ASSERT_EQ(be.released, 0);
  edgefn_loop_run(loop, EDGEFN_RUN_DEFAULT);
  ASSERT_EQ(be.released, 1);
  edgefn_script_free(script);
  edgefn_loop_free(loop);
  return 0;
}

/* The memory store is shared by the loops of a process: threads writing, reading and listing
 * at once see consistent entries (run under ASan/TSan-like load in the sanitizer build). */
typedef struct mem_thread_arg {
  edgefn_kv *kv;
  int id, bad;
} mem_thread_arg;

static void mt_done(void *d, int result) { *(int *)d = result; }
static void mt_get(void *d, int result, const edgefn_kv_value *v) {
  /* Every value is "v<id>:<i>" of its key "k<id>:<i>": a torn entry would not match. */
  char *expect = d;
  if (result != 0 || !v || v->len != strlen(expect) || memcmp(v->data, expect, v->len) != 0)
    expect[0] = '!';
}
static void mt_list(void *d, int result, const edgefn_kv_list_result *r) {
  int *count = d;
  *count = result == 0 ? (int)r->key_count : -1;
  for (size_t i = 1; result == 0 && i < r->key_count; i++) {
    const edgefn_kv_key *a = &r->keys[i - 1], *b = &r->keys[i];
    size_t n = a->name_len < b->name_len ? a->name_len : b->name_len;
    int c = memcmp(a->name, b->name, n);
    if (c > 0 || (c == 0 && a->name_len >= b->name_len)) /* strictly ascending */
      *count = -2;
  }
}

static void *mem_thread(void *p) {
  mem_thread_arg *a = p;
  void *be;
  const edgefn_kv_ops *ops = edgefn_kv_backend(a->kv, &be);
  for (int i = 0; i < 2000; i++) {
    char key[32], val[32];
    int kl = snprintf(key, sizeof(key), "k%d:%d", a->id, i);
    int vl = snprintf(val, sizeof(val), "v%d:%d", a->id, i);
    edgefn_kv_value v = {sizeof(v), (const uint8_t *)val, (size_t)vl, NULL, 0, 0};
    int rc = -1;
    if (ops->put(be, "t", 1, key, (size_t)kl, &v, mt_done, &rc) != 0 || rc != 0)
      a->bad++;
    if (ops->get(be, "t", 1, key, (size_t)kl, mt_get, val) != 0 || val[0] == '!')
      a->bad++;
    int count = 0;
    if (i % 100 == 0 && (ops->list(be, "t", 1, "k", 1, 50, NULL, 0, mt_list, &count) != 0 ||
                         count < 1))
      a->bad++;
    if (i % 3 == 0 && ops->remove(be, "t", 1, key, (size_t)kl, mt_done, &rc) != 0)
      a->bad++;
  }
  return NULL;
}

typedef struct page_t {
  int n;
  char cur[32];
  int complete;
} page_t;
static void mt_page(void *d, int result, const edgefn_kv_list_result *r) {
  page_t *p = d;
  if (result != 0) {
    p->complete = 1;
    return;
  }
  p->n = (int)r->key_count;
  p->complete = r->complete;
  snprintf(p->cur, sizeof(p->cur), "%.*s", (int)r->cursor_len, r->cursor);
}

TEST(kv_memory_threads) {
  edgefn_kv *kv = NULL;
  ASSERT_EQ(edgefn_kv_memory_new(&kv), 0);
  pthread_t th[4];
  mem_thread_arg args[4];
  for (int i = 0; i < 4; i++) {
    args[i] = (mem_thread_arg){kv, i, 0};
    ASSERT_EQ(pthread_create(&th[i], NULL, mem_thread, &args[i]), 0);
  }
  for (int i = 0; i < 4; i++) {
    pthread_join(th[i], NULL);
    ASSERT_EQ(args[i].bad, 0);
  }
  /* 4 threads × 2000 keys, every third removed. */
  void *be;
  const edgefn_kv_ops *ops = edgefn_kv_backend(kv, &be);
  int total = 0;
  char cursor[32] = "";
  for (;;) {
    page_t page = {0, "", 0};
    ASSERT_EQ(ops->list(be, "t", 1, "", 0, 256, cursor[0] ? cursor : NULL, strlen(cursor),
                        mt_page, &page),
              0);
    total += page.n;
    if (page.complete)
      break;
    snprintf(cursor, sizeof(cursor), "%s", page.cur);
  }
  ASSERT_EQ(total, 4 * (2000 - 667));
  edgefn_kv_free(kv);
  return 0;
}
