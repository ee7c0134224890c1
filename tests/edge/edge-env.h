/* The pipeline test environment shared by the edge tests: a site "site.test" whose origin is
 * a local test origin, an optional function behind the rule "path prefix /fn/", an optional
 * shared cache, and a second origin standing for the public network (PUBLIC in scripts). */
#ifndef EDGEFN_TEST_EDGE_ENV_H
#define EDGEFN_TEST_EDGE_ENV_H
#define _GNU_SOURCE
#include "fetch/origin.h"
#include "js/harness.h"

typedef struct edge_env {
  origin o, public_o;
  edgefn_loop *loop;
  edgefn_rules *rules;
  edgefn_script *script;
  edgefn_cache *cache;
  edgefn_edge *edge;
  log_capture log;
  char origin_addr[64];
  edgefn_error_info err;
} edge_env;

/* The function's CPU limit in ms for the next eenv_open*(); 0 = the default. */
static uint32_t eenv_cpu_limit_ms;

/* A site "site.test" whose origin is o; rules send /fn/... to the function `src` (may be
 * NULL: no function). The function sees PUBLIC (a second origin's URL, reached as the
 * public network). */
static int eenv_open_full(edge_env *e, const char *src, bool with_cache,
                          const edgefn_cache_options *cache_opts, const char *host_header) {
  memset(e, 0, sizeof(*e));
  e->err.struct_size = sizeof(e->err);
  if (origin_start(&e->o) != 0 || origin_start(&e->public_o) != 0 ||
      edgefn_loop_new(&e->loop, NULL) != 0)
    return -1;
  snprintf(e->origin_addr, sizeof(e->origin_addr), "127.0.0.1:%d", e->o.port);
  edgefn_origin site = EDGEFN_ORIGIN_INIT;
  site.host = "site.test";
  site.address = e->origin_addr;
  site.host_header = host_header;
  edgefn_edge_options eo = EDGEFN_EDGE_OPTIONS_INIT;
  eo.origins = &site;
  eo.origin_count = 1;
  eo.public_fetch_policy = EDGEFN_FETCH_ALLOW_LOOPBACK;
  eo.log = h_log;
  eo.log_user_data = &e->log;
  edgefn_function fn = EDGEFN_FUNCTION_INIT;
  edgefn_runtime_options ro = EDGEFN_RUNTIME_OPTIONS_INIT;
  if (src) {
    size_t full_size = strlen(src) + 64;
    char *full = malloc(full_size);
    if (!full)
      return -1;
    snprintf(full, full_size, "var PUBLIC = 'http://127.0.0.1:%d';\n%s", e->public_o.port, src);
    edgefn_script_options so = EDGEFN_SCRIPT_OPTIONS_INIT;
    so.source = full;
    so.source_len = strlen(full);
    so.filename = "fn.js";
    int src_rc = edgefn_script_new(&e->script, &so, &e->err);
    free(full);
    if (src_rc != 0) {
      fprintf(stderr, "script: %s (line %d)\n", e->err.message, e->err.line);
      return -1;
    }
    const char *json = "{\"rules\": [{\"function\": \"fn\", \"match\": [[{\"field\": \"path\", "
                       "\"operator\": \"prefix\", \"values\": [\"/fn/\"]}]]}]}";
    edgefn_error_info err = EDGEFN_ERROR_INFO_INIT;
    if (edgefn_rules_from_json(&e->rules, json, strlen(json), "rules.json", &err) != 0) {
      fprintf(stderr, "rules: %s\n", err.message);
      return -1;
    }
    ro.log = h_log;
    ro.log_user_data = &e->log;
    ro.cpu_limit_ms = eenv_cpu_limit_ms;
    fn.name = "fn";
    fn.script = e->script;
    fn.options = &ro;
    eo.functions = &fn;
    eo.function_count = 1;
    eo.rules = e->rules;
  }
  if (with_cache) {
    if (edgefn_cache_new(&e->cache, cache_opts) != 0)
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

static int eenv_open_host(edge_env *e, const char *src, bool with_cache,
                          const char *host_header) {
  return eenv_open_full(e, src, with_cache, NULL, host_header);
}

static int eenv_open(edge_env *e, const char *src, bool with_cache) {
  return eenv_open_host(e, src, with_cache, NULL);
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

/* Sends one request through the edge and runs the loop until its response has ended. */
static int eenv_send(edge_env *e, const char *method, const char *url,
                     const edgefn_header *headers, size_t header_count, const char *body,
                     collected *c) {
  memset(c, 0, sizeof(*c));
  edgefn_request req = EDGEFN_REQUEST_INIT;
  req.method = method;
  req.method_len = strlen(method);
  req.url = url;
  req.url_len = strlen(url);
  req.headers = headers;
  req.header_count = header_count;
  if (body) {
    req.body = (const uint8_t *)body;
    req.body_len = strlen(body);
  }
  int rc = edgefn_edge_handle(e->edge, e->loop, &req, &h_handler, c);
  while (rc == 0 && !c->ended)
    edgefn_loop_run(e->loop, EDGEFN_RUN_ONCE);
  return rc;
}

static int eenv_get(edge_env *e, const char *url, collected *c) {
  return eenv_send(e, "GET", url, NULL, 0, NULL, c);
}

#endif
