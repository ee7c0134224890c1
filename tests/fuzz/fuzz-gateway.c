/* The example gateway's HTTP request handling (examples/gateway/http.c): the input is the
 * byte stream a client sends on one connection. It goes through gw_http_parse() as the
 * server's connection driver feeds it (pipelined requests one at a time), every complete
 * request is dispatched to a runtime whose handler reads all of it, and the response is
 * written back by the gateway's own callbacks. The socket side (server.c) is replaced by the
 * few functions http.c calls; output is discarded as if flushed. */
#include "gateway.h"

#include <pthread.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define MAX_REQUESTS 64

/* main.c's, server.c's, site.c's and metrics.c's parts that http.c uses. */
gw_limits gw_lim;
int gw_log_level = EDGEFN_LOG_ERROR;
void gw_log(int level, const char *fmt, ...) {
  (void)level;
  (void)fmt;
}
bool gw_access_log_enabled(void) { return false; }
void gw_access_log_write(const char *line, size_t len) {
  (void)line;
  (void)len;
}
void gw_conn_ref(gw_conn *c) { c->refs++; }
void gw_conn_unref(gw_conn *c) {
  if (c->refs == 0)
    abort(); /* http.c released a reference it did not take */
  c->refs--;
}
void gw_conn_close(gw_conn *c) { c->fd = -1; }
void gw_conn_ready(gw_conn *c) { (void)c; }
uint64_t gw_now_us(void) { return 0; }
int gw_level_from_name(const char *name) {
  (void)name;
  return -1;
}
/* metrics.c renders every worker's table: here there are none. */
__thread gw_server *gw_this_worker;
gw_server *gw_app_workers;
size_t gw_app_nworkers;
atomic_size_t gw_app_connections;
gw_site *gw_app_current_site(void) { return NULL; }
void gw_site_unref(gw_site *s) { (void)s; }
int gw_site_function_index(const gw_site *s, const char *name) {
  (void)s, (void)name;
  return -1;
}
void gw_demo_origin_serve(const char *method, const char *target, size_t target_len,
                          int *status, const char **content_type, const char **body,
                          size_t *body_len, const char **cache_control) {
  (void)method, (void)target, (void)target_len;
  *cache_control = NULL;
  *status = 404;
  *content_type = "text/plain";
  *body = "";
  *body_len = 0;
}

static const char script_src[] =
    "addEventListener('fetch', function (e) {\n"
    "  var r = e.request, out = r.method + ' ' + r.url;\n"
    "  r.headers.forEach(function (v, k) { out += k + v; });\n"
    "  e.respondWith(r.text().then(function (t) {\n"
    "    var i = r.url.indexOf('/s'), st = i < 0 ? 200 : parseInt(r.url.substr(i + 2, 3), 10);\n"
    "    if (!(st >= 200 && st <= 599)) st = 200;\n"
    "    var nobody = r.method === 'HEAD' || st === 204 || st === 304;\n"
    "    return new Response(nobody ? null : out + t.length,\n"
    "      { status: st,\n"
    "        headers: { 'x-len': String(t.length) } });\n"
    "  }));\n"
    "});\n";

/* One server with one site: every path goes to the function (an edge with one rule). */
static gw_server srv;
static gw_listener lst;
static gw_site site;
static gw_attached att;
static gw_config cfg;

static void setup(void) {
  gw_limits_default(&gw_lim);
  gw_http_global_init();
  edgefn_script *script;
  edgefn_script_options so = EDGEFN_SCRIPT_OPTIONS_INIT;
  so.source = script_src;
  so.source_len = strlen(script_src);
  static const char rules_json[] =
      "{\"rules\": [{\"function\": \"fn\", \"match\": [[{\"field\": \"path\", "
      "\"operator\": \"prefix\", \"values\": [\"/\"]}]]}]}";
  if (edgefn_loop_new(&srv.loop, NULL) != 0 || edgefn_script_new(&script, &so, NULL) != 0 ||
      edgefn_rules_from_json(&site.rules, rules_json, strlen(rules_json), NULL, NULL) != 0)
    abort();
  edgefn_runtime_options ro = EDGEFN_RUNTIME_OPTIONS_INIT;
  edgefn_function fn = EDGEFN_FUNCTION_INIT;
  fn.name = "fn";
  fn.script = script;
  fn.options = &ro;
  edgefn_edge_options eo = EDGEFN_EDGE_OPTIONS_INIT;
  eo.rules = site.rules;
  eo.functions = &fn;
  eo.function_count = 1;
  if (edgefn_edge_new(&site.edge, &eo, NULL) != 0 || edgefn_edge_attach(site.edge, srv.loop) != 0)
    abort();
  edgefn_script_free(script);
  pthread_mutex_init(&srv.metrics.lock, NULL);
  site.cfg = &cfg;
  att.site = &site;
  srv.attached = &att;
  lst.kind = GW_LISTEN_EDGE;
  strcpy(lst.host, "fuzz.test:8080");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (!srv.loop)
    setup();
  gw_conn c;
  memset(&c, 0, sizeof(c));
  c.srv = &srv;
  c.lst = &lst;
  c.fd = 3; /* "open": send_error only writes to open connections */
  strcpy(c.client_ip, "192.0.2.1");
  gw_http_conn_init(&c);
  if (gw_buf_append(&c.in, data, size) != 0)
    abort();
  for (int n = 0; n < MAX_REQUESTS && c.fd >= 0 && !c.close_after; n++) {
    gw_parse_result r = gw_http_parse(&c);
    if (r != GW_PARSE_REQUEST)
      break;
    gw_http_dispatch(&c);
    for (int spins = 0; c.phase == GW_PHASE_DISPATCHED && spins < 100; spins++)
      edgefn_loop_run(srv.loop, EDGEFN_RUN_NOWAIT);
    if (c.phase == GW_PHASE_DISPATCHED)
      abort(); /* the handler answers at once: a request must not hang */
    gw_buf_reset(&c.out); /* as if written to the socket */
  }
  if (c.refs != 0)
    abort(); /* a dispatch's reference was not released */
  gw_http_conn_free(&c);
  gw_buf_free(&c.in);
  gw_buf_free(&c.out);
  return 0;
}
