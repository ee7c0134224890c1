/* The Cache API in the sandbox (lib/js/cache-api.c) over an edgefn_cache whose clock the
 * test moves. */
#include "js/harness.h"
#include "test.h"

static int64_t fake_now = 1700000000000;
static int64_t fake_clock(void *data) {
  (void)data;
  return fake_now;
}

/* Runs `script` (it must respond) in a runtime backed by a fresh cache; returns the body. */
static int run_with_cache(const char *script, bool with_cache, char *out, size_t size) {
  edgefn_cache_options co = EDGEFN_CACHE_OPTIONS_INIT;
  co.clock_ms = fake_clock;
  edgefn_cache *cache = NULL;
  if (edgefn_cache_new(&cache, &co) != 0)
    return -1;
  js_env e;
  memset(&e, 0, sizeof(e));
  e.err.struct_size = sizeof(e.err);
  edgefn_loop_new(&e.loop, NULL);
  edgefn_script_options so = EDGEFN_SCRIPT_OPTIONS_INIT;
  so.source = script;
  so.source_len = strlen(script);
  so.filename = "test.js";
  int rc = edgefn_script_new(&e.script, &so, &e.err);
  edgefn_runtime_options ro = EDGEFN_RUNTIME_OPTIONS_INIT;
  ro.cache = with_cache ? cache : NULL;
  ro.log = h_log;
  ro.log_user_data = &e.log;
  if (rc == 0)
    rc = edgefn_runtime_new(&e.rt, e.loop, e.script, &ro, &e.err);
  edgefn_cache_free(cache); /* the runtime holds its own reference */
  collected c;
  if (rc == 0)
    rc = env_fetch(&e, "GET", "http://x/", NULL, 0, NULL, &c);
  if (rc == 0) {
    snprintf(out, size, "%s", c.body);
    collected_free(&c);
  } else {
    fprintf(stderr, "failed: %d %s %s\n", rc, e.err.message, e.log.text);
  }
  env_close(&e);
  return rc;
}

/* Duktape has no async functions: each step is a function returning a value or a promise,
 * run one after another; what a step yields (or its rejection) becomes one output line. */
#define STEP_SCRIPT(body)                                                                  \
  "function show(r) { return r === undefined ? 'undefined' : r.status === 304 ? '304' :\n" \
  "  r.text().then(function (t) { return r.status + ' ' + t; }); }\n"                      \
  "function ok(v) { return v; }\n"                                                         \
  "function err(e) { return e.name + ': ' + e.message; }\n"                                \
  "addEventListener('fetch', function (ev) { var log = []; var c, other; var steps = [\n"  \
  body "];\n"                                                                              \
  "  var p = Promise.resolve();\n"                                                         \
  "  steps.forEach(function (s) { p = p.then(function () {\n"                              \
  "    return new Promise(function (res) { res(s()); }).then(ok, err)\n"                   \
  "      .then(function (v) { log.push(String(v)); }); }); });\n"                           \
  "  ev.respondWith(p.then(function () { return new Response(log.join('\\n')); }));\n"     \
  "});"

#define MAXAGE "{headers: {'cache-control': 'max-age=60', etag: '\"v1\"'}}"

TEST(cache_api_round_trip_and_refusals) {
  char out[4096];
  ASSERT_EQ(run_with_cache(STEP_SCRIPT(
      "function () { c = caches.default; var r = new Response('one', " MAXAGE ");\n"
      "  return c.put('http://s/a', r).then(function (v) { return v + ' ' + r.bodyUsed; }); },\n"
      "function () { return c.match('http://s/a').then(show); },\n"
      "function () { return c.match(new Request('http://s/a')).then(function (m) {\n"
      "  m.headers.set('x', '1'); return m.headers.get('x'); }); },\n"
      "function () { return c.match('http://s/b').then(show); },\n"
      "function () { return c.match(new Request('http://s/a', {method: 'POST'})).then(show); },\n"
      "function () { return c.match(new Request('http://s/a', {method: 'POST'}),\n"
      "  {ignoreMethod: true}).then(show); },\n"
      "function () { return c.put(new Request('http://s/a', {method: 'POST'}), new Response('x')); },\n"
      "function () { return c.put('http://s/p', new Response('x', {status: 206})); },\n"
      "function () { return c.put('http://s/p', new Response('x', {headers: {vary: '*'}})); },\n"
      "function () { return c.put('http://s/p', new Response('x',\n"
      "  {headers: {'cache-control': 'no-store'}})); },\n"
      "function () { return c.put('http://s/p', new Response('x',\n"
      "  {headers: {'cache-control': 'private, max-age=9'}})); },\n"
      "function () { return c.match(new Request('http://s/a', {headers: {range: 'bytes=1-'}}))\n"
      "  .then(function (r) { return r.text().then(function (t) {\n"
      "    return r.status + ' ' + t + ' ' + r.headers.get('content-range'); }); }); },\n"
      "function () { return c.match(new Request('http://s/a',\n"
      "  {headers: {'if-none-match': '\"v1\"'}})).then(show); },\n"
      "function () { return caches.open('other').then(function (o) { other = o;\n"
      "  return o.match('http://s/a'); }).then(show); },\n"
      "function () { return other.put('http://s/a', new Response('two', " MAXAGE ")); },\n"
      "function () { return other.match('http://s/a').then(show); },\n"
      "function () { return c.match('http://s/a').then(show); },\n"
      "function () { return c.delete('http://s/a'); },\n"
      "function () { return c.delete('http://s/a'); },\n"
      "function () { return c.match('http://s/a').then(show); },\n"
      "function () { return other.match('http://s/a').then(show); }\n"),
      true, out, sizeof(out)), 0);
  ASSERT_STREQ(out, "undefined true\n200 one\n1\nundefined\nundefined\n200 one\n"
                    "TypeError: Cache.put: only GET requests can be cached\n"
                    "TypeError: Cache.put: a partial response (206) cannot be cached\n"
                    "TypeError: Cache.put: a response with 'Vary: *' cannot be cached\n"
                    "TypeError: Cache.put: a response with 'Cache-Control: no-store' cannot be "
                    "cached\n"
                    "TypeError: Cache.put: a response with 'Cache-Control: private' cannot be "
                    "cached\n"
                    "206 ne bytes 1-2/3\n304\nundefined\nundefined\n200 two\n200 one\ntrue\nfalse\n"
                    "undefined\n200 two");
  return 0;
}

/* Responses that vary on a request header are kept side by side and matched by it. */
TEST(cache_api_vary_variants) {
  char out[2048];
  ASSERT_EQ(run_with_cache(STEP_SCRIPT(
      "function () { c = caches.default; return Promise.all(['en', 'de'].map(function (l) {\n"
      "  return c.put(new Request('http://s/v', {headers: {'accept-language': l}}),\n"
      "    new Response('in ' + l, {headers: {'cache-control': 'max-age=60',\n"
      "      vary: 'Accept-Language'}})); })).then(function () { return 'put'; }); },\n"
      "function () { return c.match(new Request('http://s/v',\n"
      "  {headers: {'accept-language': 'de'}})).then(show); },\n"
      "function () { return c.match(new Request('http://s/v',\n"
      "  {headers: {'accept-language': 'en'}})).then(show); },\n"
      "function () { return c.match(new Request('http://s/v',\n"
      "  {headers: {'accept-language': 'fr'}})).then(show); },\n"
      "function () { return c.match('http://s/v').then(show); },\n"
      "function () { return c.delete('http://s/v'); },\n"
      "function () { return c.match(new Request('http://s/v',\n"
      "  {headers: {'accept-language': 'en'}})).then(show); }\n"),
      true, out, sizeof(out)), 0);
  ASSERT_STREQ(out, "put\n200 in de\n200 in en\nundefined\nundefined\ntrue\nundefined");
  return 0;
}

TEST(cache_api_without_cache) {
  char out[1024];
  ASSERT_EQ(run_with_cache(STEP_SCRIPT(
      "function () { return caches.default; },\n"
      "function () { return caches.open('x'); }\n"),
      false, out, sizeof(out)), 0);
  ASSERT_STREQ(out, "TypeError: caches.default: the host gave this runtime no cache\n"
                    "TypeError: caches.open: the host gave this runtime no cache");
  return 0;
}

/* One runtime, several requests, with the cache's clock moved between them. */
TEST(cache_api_expiry) {
  edgefn_cache_options co = EDGEFN_CACHE_OPTIONS_INIT;
  co.clock_ms = fake_clock;
  edgefn_cache *cache = NULL;
  ASSERT_EQ(edgefn_cache_new(&cache, &co), 0);
  const char *src =
      "addEventListener('fetch', function (ev) {\n"
      "  var u = ev.request.url;\n"
      "  if (u.indexOf('/put') > 0) {\n"
      "    ev.respondWith(caches.default.put('http://site.test/k', new Response('v',\n"
      "      {headers: {'cache-control': 'max-age=60'}})).then(function () {\n"
      "        return new Response('stored'); }));\n"
      "  } else {\n"
      "    ev.respondWith(caches.default.match('http://site.test/k').then(function (r) {\n"
      "      return r ? r.text() : 'undefined'; }).then(function (t) {\n"
      "        return new Response(t); }));\n"
      "  }\n"
      "});";
  js_env e;
  memset(&e, 0, sizeof(e));
  ASSERT_EQ(edgefn_loop_new(&e.loop, NULL), 0);
  edgefn_script_options so = EDGEFN_SCRIPT_OPTIONS_INIT;
  so.source = src;
  so.source_len = strlen(src);
  ASSERT_EQ(edgefn_script_new(&e.script, &so, NULL), 0);
  edgefn_runtime_options ro = EDGEFN_RUNTIME_OPTIONS_INIT;
  ro.cache = cache;
  ro.log = h_log;
  ro.log_user_data = &e.log;
  ASSERT_EQ(edgefn_runtime_new(&e.rt, e.loop, e.script, &ro, NULL), 0);
  collected c;
  ASSERT_EQ(env_fetch(&e, "GET", "http://x/put", NULL, 0, NULL, &c), 0);
  ASSERT_STREQ(c.body, "stored");
  collected_free(&c);
  fake_now += 30 * 1000; /* 30 s: still fresh */
  ASSERT_EQ(env_fetch(&e, "GET", "http://x/get", NULL, 0, NULL, &c), 0);
  ASSERT_STREQ(c.body, "v");
  collected_free(&c);
  fake_now += 60 * 1000; /* 90 s: older than max-age=60 */
  ASSERT_EQ(env_fetch(&e, "GET", "http://x/get", NULL, 0, NULL, &c), 0);
  ASSERT_STREQ(c.body, "undefined");
  collected_free(&c);
  env_close(&e);
  edgefn_cache_free(cache);
  return 0;
}

/* Through the pipeline: the edge hands its cache to the function's runtime, so what one
 * request puts a later one finds. */
TEST(cache_api_through_edge) {
  edgefn_cache *cache = NULL;
  ASSERT_EQ(edgefn_cache_new(&cache, NULL), 0);
  const char *src =
      "addEventListener('fetch', function (ev) {\n"
      "  if (ev.request.url.indexOf('/put') > 0) {\n"
      "    ev.respondWith(caches.open('ns').then(function (c) {\n"
      "      return c.put('http://site.test/k', new Response('kept',\n"
      "        {headers: {'cache-control': 'max-age=60'}}));\n"
      "    }).then(function () { return new Response('stored'); }));\n"
      "  } else {\n"
      "    ev.respondWith(caches.open('ns').then(function (c) {\n"
      "      return c.match('http://site.test/k'); }).then(function (r) {\n"
      "        return r ? r.text() : 'undefined'; }).then(function (t) {\n"
      "        return new Response(t); }));\n"
      "  }\n"
      "});";
  edgefn_script *script = NULL;
  edgefn_script_options so = EDGEFN_SCRIPT_OPTIONS_INIT;
  so.source = src;
  so.source_len = strlen(src);
  ASSERT_EQ(edgefn_script_new(&script, &so, NULL), 0);
  edgefn_rules *rules = NULL;
  const char *json = "{\"rules\": [{\"function\": \"fn\", \"match\": []}]}";
  ASSERT_EQ(edgefn_rules_from_json(&rules, json, strlen(json), NULL, NULL), 0);
  edgefn_function fn = EDGEFN_FUNCTION_INIT;
  fn.name = "fn";
  fn.script = script;
  edgefn_edge_options eo = EDGEFN_EDGE_OPTIONS_INIT;
  eo.rules = rules;
  eo.functions = &fn;
  eo.function_count = 1;
  eo.cache = cache;
  edgefn_edge *edge = NULL;
  ASSERT_EQ(edgefn_edge_new(&edge, &eo, NULL), 0);
  edgefn_loop *loop = NULL;
  ASSERT_EQ(edgefn_loop_new(&loop, NULL), 0);
  ASSERT_EQ(edgefn_edge_attach(edge, loop), 0);
  const char *urls[] = {"http://site.test/get", "http://site.test/put", "http://site.test/get"};
  const char *want[] = {"undefined", "stored", "kept"};
  for (int i = 0; i < 3; i++) {
    collected c;
    memset(&c, 0, sizeof(c));
    edgefn_request req = EDGEFN_REQUEST_INIT;
    req.url = urls[i];
    req.url_len = strlen(urls[i]);
    ASSERT_EQ(edgefn_edge_handle(edge, loop, &req, &h_handler, &c), 0);
    while (!c.ended)
      edgefn_loop_run(loop, EDGEFN_RUN_ONCE);
    ASSERT_STREQ(c.body, want[i]);
    collected_free(&c);
  }
  edgefn_edge_detach(edge, loop);
  edgefn_edge_free(edge);
  edgefn_loop_free(loop);
  edgefn_rules_free(rules);
  edgefn_script_free(script);
  edgefn_cache_free(cache);
  return 0;
}
