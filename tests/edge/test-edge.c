/* The pipeline of design.md end to end: rules → function or cache → origin, with a real
 * origin on 127.0.0.1. The numbers in the test names are the seed diagram's paths. */
#define _GNU_SOURCE
#include "fetch/origin.h"
#include "js/harness.h"
#include "test.h"

typedef struct edge_env {
  origin o, public_o;
  edgefn_loop *loop;
  edgefn_rules *rules;
  edgefn_script *script;
  edgefn_cache *cache;
  edgefn_edge *edge;
  log_capture log;
  char origin_addr[64];
} edge_env;

/* A site "site.test" whose origin is o; rules send /fn/... to the function `src` (may be
 * NULL: no function). The function sees PUBLIC (a second origin's URL, reached as the
 * public network). */
static int eenv_open(edge_env *e, const char *src, bool with_cache) {
  memset(e, 0, sizeof(*e));
  if (origin_start(&e->o) != 0 || origin_start(&e->public_o) != 0 ||
      edgefn_loop_new(&e->loop, NULL) != 0)
    return -1;
  snprintf(e->origin_addr, sizeof(e->origin_addr), "127.0.0.1:%d", e->o.port);
  edgefn_origin site = EDGEFN_ORIGIN_INIT;
  site.host = "site.test";
  site.address = e->origin_addr;
  edgefn_edge_options eo = EDGEFN_EDGE_OPTIONS_INIT;
  eo.origins = &site;
  eo.origin_count = 1;
  eo.public_fetch_policy = EDGEFN_FETCH_ALLOW_LOOPBACK;
  eo.log = h_log;
  eo.log_user_data = &e->log;
  edgefn_function fn = EDGEFN_FUNCTION_INIT;
  edgefn_runtime_options ro = EDGEFN_RUNTIME_OPTIONS_INIT;
  if (src) {
    char full[4096];
    snprintf(full, sizeof(full), "var PUBLIC = 'http://127.0.0.1:%d';\n%s", e->public_o.port,
             src);
    edgefn_script_options so = EDGEFN_SCRIPT_OPTIONS_INIT;
    so.source = full;
    so.source_len = strlen(full);
    so.filename = "fn.js";
    if (edgefn_script_new(&e->script, &so, NULL) != 0)
      return -1;
    const char *json = "{\"rules\": [{\"function\": \"fn\", \"match\": [[{\"field\": \"path\", "
                       "\"operator\": \"prefix\", \"values\": [\"/fn/\"]}]]}]}";
    edgefn_error_info err = EDGEFN_ERROR_INFO_INIT;
    if (edgefn_rules_from_json(&e->rules, json, strlen(json), "rules.json", &err) != 0) {
      fprintf(stderr, "rules: %s\n", err.message);
      return -1;
    }
    ro.log = h_log;
    ro.log_user_data = &e->log;
    fn.name = "fn";
    fn.script = e->script;
    fn.options = &ro;
    eo.functions = &fn;
    eo.function_count = 1;
    eo.rules = e->rules;
  }
  if (with_cache) {
    if (edgefn_cache_new(&e->cache, NULL) != 0)
      return -1;
    eo.cache = e->cache;
  }
  edgefn_error_info err = EDGEFN_ERROR_INFO_INIT;
  int rc = edgefn_edge_new(&e->edge, &eo, &err);
  if (rc != 0) {
    fprintf(stderr, "edge: %s\n", err.message);
    return rc;
  }
  return edgefn_edge_attach(e->edge, e->loop);
}

static void eenv_close(edge_env *e) {
  edgefn_edge_detach(e->edge, e->loop);
  edgefn_edge_free(e->edge);
  edgefn_cache_free(e->cache);
  edgefn_rules_free(e->rules);
  edgefn_script_free(e->script);
  edgefn_loop_free(e->loop);
  origin_stop(&e->o);
  origin_stop(&e->public_o);
}

static int eenv_get(edge_env *e, const char *url, collected *c) {
  memset(c, 0, sizeof(*c));
  edgefn_request req = EDGEFN_REQUEST_INIT;
  req.url = url;
  req.url_len = strlen(url);
  int rc = edgefn_edge_handle(e->edge, e->loop, &req, &h_handler, c);
  while (rc == 0 && !c->ended)
    edgefn_loop_run(e->loop, EDGEFN_RUN_ONCE);
  return rc;
}

TEST(edge_1_3_no_function_goes_to_origin) {
  edge_env e;
  ASSERT_EQ(eenv_open(&e, NULL, false), 0);
  collected c;
  ASSERT_EQ(eenv_get(&e, "http://site.test/page?q=1", &c), 0);
  ASSERT_EQ(c.status, 200);
  ASSERT_STREQ(c.body, "hello /page?q=1");
  ASSERT(strstr(c.headers, "X-Origin: test") != NULL);
  ASSERT(strstr(c.headers, "Connection") == NULL); /* hop-by-hop headers stay behind */
  collected_free(&c);
  /* A host without an origin is a 502, not a fetch to whatever it names. */
  ASSERT_EQ(eenv_get(&e, "http://elsewhere.test/", &c), 0);
  ASSERT_EQ(c.status, 502);
  collected_free(&c);
  eenv_close(&e);
  return 0;
}

/* A host that terminates TLS hands in https URLs; a plain-HTTP origin must still be reached
 * over HTTP (the scheme follows the origin's tls flag), by the default path and by a
 * function's same-host subrequest. */
TEST(edge_https_client_url_to_plain_origin) {
  edge_env e;
  ASSERT_EQ(eenv_open(&e,
                      "addEventListener('fetch', function (ev) {\n"
                      "  ev.respondWith(fetch('https://site.test/sub').then(function (r) {\n"
                      "    return r.text(); }).then(function (t) {\n"
                      "      return new Response(ev.request.url + ' ' + t); }));\n"
                      "});",
                      false),
            0);
  collected c;
  ASSERT_EQ(eenv_get(&e, "https://site.test/page", &c), 0);
  ASSERT_EQ(c.status, 200);
  ASSERT_STREQ(c.body, "hello /page");
  collected_free(&c);
  ASSERT_EQ(eenv_get(&e, "https://site.test/fn/x", &c), 0);
  ASSERT_EQ(c.status, 200);
  ASSERT_STREQ(c.body, "https://site.test/fn/x hello /sub");
  collected_free(&c);
  eenv_close(&e);
  return 0;
}

TEST(edge_1_4_function_answers) {
  edge_env e;
  ASSERT_EQ(eenv_open(&e,
                      "addEventListener('fetch', function (ev) {\n"
                      "  ev.respondWith(new Response('from fn ' + ev.request.url));\n"
                      "});",
                      false),
            0);
  collected c;
  ASSERT_EQ(eenv_get(&e, "http://site.test/fn/x", &c), 0);
  ASSERT_STREQ(c.body, "from fn http://site.test/fn/x");
  collected_free(&c);
  /* Paths the rules do not match go to the origin. */
  ASSERT_EQ(eenv_get(&e, "http://site.test/other", &c), 0);
  ASSERT_STREQ(c.body, "hello /other");
  collected_free(&c);
  eenv_close(&e);
  return 0;
}

TEST(edge_function_declines_to_origin) {
  edge_env e;
  ASSERT_EQ(eenv_open(&e,
                      "addEventListener('fetch', function (ev) {\n"
                      "  if (ev.request.url.indexOf('/throw') > 0) {\n"
                      "    ev.passThroughOnException();\n"
                      "    ev.respondWith(Promise.reject(new Error('boom')));\n"
                      "  }\n"
                      "});",
                      false),
            0);
  collected c;
  ASSERT_EQ(eenv_get(&e, "http://site.test/fn/none", &c), 0);
  ASSERT_EQ(c.status, 200);
  ASSERT_STREQ(c.body, "hello /fn/none");
  collected_free(&c);
  ASSERT_EQ(eenv_get(&e, "http://site.test/fn/throw", &c), 0);
  ASSERT_STREQ(c.body, "hello /fn/throw");
  ASSERT(strstr(e.log.text, "boom") != NULL);
  collected_free(&c);
  eenv_close(&e);
  return 0;
}

TEST(edge_1_4_5_3_and_1_4_6_subrequests) {
  edge_env e;
  ASSERT_EQ(eenv_open(&e,
                      "addEventListener('fetch', function (ev) {\n"
                      "  ev.respondWith(Promise.all([\n"
                      "    fetch('http://site.test/from-origin'),\n"
                      "    fetch(PUBLIC + '/from-public')\n"
                      "  ]).then(function (rs) {\n"
                      "    return Promise.all(rs.map(function (r) { return r.text(); }));\n"
                      "  }).then(function (t) { return new Response(t.join(' + ')); }));\n"
                      "});",
                      false),
            0);
  collected c;
  ASSERT_EQ(eenv_get(&e, "http://site.test/fn/", &c), 0);
  ASSERT_STREQ(c.body, "hello /from-origin + hello /from-public");
  collected_free(&c);
  eenv_close(&e);
  return 0;
}

TEST(edge_1_2_3_cache) {
  edge_env e;
  ASSERT_EQ(eenv_open(&e, NULL, true), 0);
  collected c;
  /* (1)(2)(3): a miss reaches the origin and is stored ... */
  ASSERT_EQ(eenv_get(&e, "http://site.test/cacheable", &c), 0);
  ASSERT_STREQ(c.body, "cacheable 1");
  ASSERT(strstr(c.headers, EDGEFN_CACHE_STATUS_HEADER ": MISS") != NULL);
  collected_free(&c);
  /* ... (1)(2): the next one is answered by the cache without the origin. */
  ASSERT_EQ(eenv_get(&e, "http://site.test/cacheable", &c), 0);
  ASSERT_STREQ(c.body, "cacheable 1");
  ASSERT(strstr(c.headers, EDGEFN_CACHE_STATUS_HEADER ": HIT") != NULL);
  collected_free(&c);
  /* Responses without freshness information are not served from the cache. */
  ASSERT_EQ(eenv_get(&e, "http://site.test/a", &c), 0);
  ASSERT_STREQ(c.body, "hello /a");
  ASSERT(strstr(c.headers, EDGEFN_CACHE_STATUS_HEADER ": HIT") == NULL);
  collected_free(&c);
  eenv_close(&e);
  return 0;
}

TEST(edge_1_4_5_2_subrequest_through_cache) {
  /* A function's fetch to its own site goes through the cache: the second is a hit. */
  edge_env e;
  ASSERT_EQ(eenv_open(&e,
                      "addEventListener('fetch', function (ev) {\n"
                      "  var get = function () { return fetch('http://site.test/cacheable'); };\n"
                      "  ev.respondWith(get().then(function (a) {\n"
                      "    return get().then(function (b) {\n"
                      "      return Promise.all([a.text(), b.text()]).then(function (t) {\n"
                      "        return new Response(t.join(' / ') + ' / ' +\n"
                      "          b.headers.get('x-edgefn-cache'));\n"
                      "      });\n"
                      "    });\n"
                      "  }));\n"
                      "});",
                      true),
            0);
  collected c;
  ASSERT_EQ(eenv_get(&e, "http://site.test/fn/", &c), 0);
  ASSERT_STREQ(c.body, "cacheable 1 / cacheable 1 / HIT");
  collected_free(&c);
  eenv_close(&e);
  return 0;
}

TEST(edge_configuration_errors) {
  edgefn_rules *rules = NULL;
  const char *json = "{\"rules\": [{\"function\": \"missing\", \"match\": []}]}";
  ASSERT_EQ(edgefn_rules_from_json(&rules, json, strlen(json), NULL, NULL), 0);
  edgefn_edge_options eo = EDGEFN_EDGE_OPTIONS_INIT;
  eo.rules = rules;
  edgefn_edge *edge = NULL;
  edgefn_error_info err = EDGEFN_ERROR_INFO_INIT;
  ASSERT_EQ(edgefn_edge_new(&edge, &eo, &err), EDGEFN_EINVAL);
  ASSERT(strstr(err.message, "rule 0 names function 'missing'") != NULL);
  ASSERT(edge == NULL);
  edgefn_origin bad = EDGEFN_ORIGIN_INIT;
  bad.host = "a.test";
  bad.address = "no-port";
  edgefn_edge_options eo2 = EDGEFN_EDGE_OPTIONS_INIT;
  eo2.origins = &bad;
  eo2.origin_count = 1;
  ASSERT_EQ(edgefn_edge_new(&edge, &eo2, &err), EDGEFN_EINVAL);
  ASSERT(strstr(err.message, "origin 0") != NULL);
  edgefn_rules_free(rules);
  /* handle on a loop that was never attached */
  edgefn_edge_options eo3 = EDGEFN_EDGE_OPTIONS_INIT;
  ASSERT_EQ(edgefn_edge_new(&edge, &eo3, NULL), 0);
  edgefn_loop *loop = NULL;
  ASSERT_EQ(edgefn_loop_new(&loop, NULL), 0);
  edgefn_request req = EDGEFN_REQUEST_INIT;
  req.url = "http://a/";
  req.url_len = 9;
  collected c = {0};
  ASSERT_EQ(edgefn_edge_handle(edge, loop, &req, &h_handler, &c), EDGEFN_ESTATE);
  ASSERT_EQ(edgefn_edge_attach(edge, loop), 0);
  ASSERT_EQ(edgefn_edge_attach(edge, loop), EDGEFN_ESTATE);
  edgefn_edge_detach(edge, loop);
  edgefn_edge_free(edge);
  edgefn_loop_free(loop);
  return 0;
}
