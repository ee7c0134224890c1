/* The pipeline of design.md end to end: rules → function or cache → origin, with a real
 * origin on 127.0.0.1. The numbers in the test names are the seed diagram's paths. */
#define _GNU_SOURCE
#include "edge/edge-env.h"
#include "test.h"

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
  ASSERT_STREQ(c.function, "fn"); /* the head names the function the rules chose */
  collected_free(&c);
  /* Paths the rules do not match go to the origin, and no function is named. */
  ASSERT_EQ(eenv_get(&e, "http://site.test/other", &c), 0);
  ASSERT_STREQ(c.body, "hello /other");
  ASSERT_STREQ(c.function, "");
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
  ASSERT_STREQ(c.function, "fn"); /* the origin answered, for the function the rules chose */
  collected_free(&c);
  ASSERT_EQ(eenv_get(&e, "http://site.test/fn/throw", &c), 0);
  ASSERT_STREQ(c.body, "hello /fn/throw");
  ASSERT(strstr(e.log.text, "boom") != NULL);
  collected_free(&c);
  eenv_close(&e);
  return 0;
}

/* A function request with a runtime free at once is dispatched from the host's own request
 * (no copy): one still in flight when edgefn_edge_handle returns, which passes to the
 * origin later or answers from its request later, must not read the host's request, which
 * is gone by then (here freed after being overwritten). */
TEST(edge_function_passes_after_the_host_call) {
  edge_env e;
  ASSERT_EQ(eenv_open(&e,
                      "addEventListener('fetch', function (ev) {\n"
                      "  var later = new Promise(function (res) { setTimeout(res, 2); });\n"
                      "  if (ev.request.url.indexOf('/late-pass') > 0) {\n"
                      "    ev.passThroughOnException();\n"
                      "    ev.respondWith(later.then(function () { throw new Error('x'); }));\n"
                      "  } else {\n"
                      "    ev.respondWith(later.then(function () {\n"
                      "      return new Response(ev.request.method + ' ' + ev.request.url);\n"
                      "    }));\n"
                      "  }\n"
                      "});",
                      false),
            0);
  static const char *const urls[] = {"http://site.test/fn/late-pass?q=1",
                                     "http://site.test/fn/late-answer"};
  static const char *const want[] = {"hello /fn/late-pass?q=1",
                                     "POST http://site.test/fn/late-answer"};
  for (size_t i = 0; i < 2; i++) {
    char *url = strdup(urls[i]), *method = strdup(i == 0 ? "GET" : "POST");
    ASSERT(url && method);
    edgefn_request req = EDGEFN_REQUEST_INIT;
    req.method = method;
    req.method_len = strlen(method);
    req.url = url;
    req.url_len = strlen(url);
    collected c;
    memset(&c, 0, sizeof(c));
    ASSERT_EQ(edgefn_edge_handle(e.edge, e.loop, &req, &h_handler, &c), 0);
    ASSERT(!c.ended);
    memset(url, 'X', strlen(url));
    memset(method, 'X', strlen(method));
    free(url);
    free(method);
    while (!c.ended)
      edgefn_loop_run(e.loop, EDGEFN_RUN_ONCE);
    ASSERT_EQ(c.status, 200);
    ASSERT_STREQ(c.body, want[i]);
    collected_free(&c);
  }
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

TEST(edge_origin_host_header) {
  edge_env e;
  /* Without an override the origin is asked with the client's host. */
  ASSERT_EQ(eenv_open(&e, NULL, false), 0);
  collected c;
  ASSERT_EQ(eenv_get(&e, "http://site.test/host", &c), 0);
  ASSERT_STREQ(c.body, "host site.test");
  collected_free(&c);
  eenv_close(&e);
  /* With one, both the default path and a function's same-host subrequest (through the
   * cache) use it, while the function still sees the client's URL. */
  ASSERT_EQ(eenv_open_host(&e,
                           "addEventListener('fetch', function (ev) {\n"
                           "  ev.respondWith(fetch('http://site.test/host').then(function (r) {\n"
                           "    return r.text(); }).then(function (t) {\n"
                           "    return new Response(ev.request.url + ' ' + t); }));\n"
                           "});",
                           true, "backend.internal:8443"),
            0);
  ASSERT_EQ(eenv_get(&e, "http://site.test/host", &c), 0);
  ASSERT_EQ(c.status, 200);
  ASSERT_STREQ(c.body, "host backend.internal:8443");
  collected_free(&c);
  ASSERT_EQ(eenv_get(&e, "http://site.test:8080/fn/x", &c), 0);
  ASSERT_STREQ(c.body, "http://site.test:8080/fn/x host backend.internal:8443");
  collected_free(&c);
  /* A host that passes the client's Host header (the gateway, the nginx module): the origin
   * is still asked with host_header, which the fetch backend would otherwise have taken
   * from that header, while the function sees the client's. */
  edgefn_header host[] = {{"Host", 4, "site.test", 9}, {"X-Other", 7, "kept", 4}};
  ASSERT_EQ(eenv_send(&e, "GET", "http://site.test/host", host, 2, NULL, &c), 0);
  ASSERT_EQ(c.status, 200);
  ASSERT_STREQ(c.body, "host backend.internal:8443");
  collected_free(&c);
  eenv_close(&e);
  ASSERT_EQ(eenv_open_host(&e,
                           "addEventListener('fetch', function (ev) {\n"
                           "  ev.respondWith(new Response(ev.request.headers.get('host') + ' ' +\n"
                           "    ev.request.headers.get('x-other')));\n"
                           "});",
                           true, "backend.internal:8443"),
            0);
  ASSERT_EQ(eenv_send(&e, "GET", "http://site.test/fn/y", host, 2, NULL, &c), 0);
  ASSERT_STREQ(c.body, "site.test kept");
  collected_free(&c);
  eenv_close(&e);
  /* A value that would change the URL's meaning is refused when the edge is built. */
  const char *bad_values[] = {"a/b", "user@host", "", "a b", "x?y"};
  for (size_t i = 0; i < sizeof(bad_values) / sizeof(bad_values[0]); i++) {
    edgefn_origin o = EDGEFN_ORIGIN_INIT;
    o.host = "a.test";
    o.address = "127.0.0.1:1";
    o.host_header = bad_values[i];
    edgefn_edge_options eo = EDGEFN_EDGE_OPTIONS_INIT;
    eo.origins = &o;
    eo.origin_count = 1;
    edgefn_edge *edge = NULL;
    edgefn_error_info err = EDGEFN_ERROR_INFO_INIT;
    ASSERT_EQ(edgefn_edge_new(&edge, &eo, &err), EDGEFN_EINVAL);
    ASSERT(strstr(err.message, "origin 0: host_header") != NULL);
  }
  return 0;
}

/* An array of origins written against the first layout (without host_header) is walked with
 * its own element size. */
typedef struct origin_v1 {
  uint32_t struct_size;
  const char *host, *address;
  int tls;
} origin_v1;

TEST(edge_origin_array_of_older_layout) {
  origin o;
  ASSERT_EQ(origin_start(&o), 0);
  char addr[64];
  snprintf(addr, sizeof(addr), "127.0.0.1:%d", o.port);
  origin_v1 v1[2] = {{sizeof(origin_v1), "one.test", addr, 0},
                     {sizeof(origin_v1), "two.test", addr, 0}};
  edgefn_edge_options eo = EDGEFN_EDGE_OPTIONS_INIT;
  eo.origins = (const edgefn_origin *)(const void *)v1;
  eo.origin_count = 2;
  edgefn_edge *edge = NULL;
  ASSERT_EQ(edgefn_edge_new(&edge, &eo, NULL), 0);
  edgefn_loop *loop = NULL;
  ASSERT_EQ(edgefn_loop_new(&loop, NULL), 0);
  ASSERT_EQ(edgefn_edge_attach(edge, loop), 0);
  edgefn_request req = EDGEFN_REQUEST_INIT;
  req.url = "http://two.test/host";
  req.url_len = strlen(req.url);
  collected c = {0};
  ASSERT_EQ(edgefn_edge_handle(edge, loop, &req, &h_handler, &c), 0);
  while (!c.ended)
    edgefn_loop_run(loop, EDGEFN_RUN_ONCE);
  ASSERT_STREQ(c.body, "host two.test");
  collected_free(&c);
  edgefn_edge_detach(edge, loop);
  edgefn_edge_free(edge);
  edgefn_loop_free(loop);
  origin_stop(&o);
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
