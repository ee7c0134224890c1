/* Benchmark: regular expressions on PCRE2 (libedgefn) against Duktape's own engine (a plain
 * Duktape heap built from the same source, with its regexp natives) and Node, on what edge
 * functions do with them: routing, header parsing, split on commas, replace, UA tests.
 * The same JavaScript runs in all three; each workload's result is compared so that a
 * ratio is never taken between runs that did different work.
 *
 *   scripts/bench            (builds a release build first)
 *   build-release/bench/edgefn-bench-regexp [rounds]
 */
#include <edgefn/edgefn.h>

#include "duktape.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

/* The plain heap's configuration (lib/duktape/duk_config.h) calls these hooks; the
 * library's own definitions are hidden inside libedgefn.so. */
int edgefn__duk_exec_timeout_check(void *udata);
int edgefn__duk_exec_timeout_check(void *udata) {
  (void)udata;
  return 0;
}
long edgefn__duk_interrupt_interval(void *udata);
long edgefn__duk_interrupt_interval(void *udata) {
  (void)udata;
  return 1000000;
}

static const char workloads_js[] =
    "var W = {\n"
    " routing: function (n) {\n"
    "  var routes = [/^\\/$/, /^\\/api\\/v1\\/users\\/([^\\/]+)$/,\n"
    "    /^\\/api\\/v1\\/users\\/([^\\/]+)\\/posts\\/(\\d+)$/, /^\\/static\\/(.+)\\.(css|js|png)$/,\n"
    "    /^\\/blog\\/(\\d{4})\\/(\\d{2})\\/([a-z0-9-]+)\\/?$/, /^\\/search$/,\n"
    "    /^\\/api\\/v2\\/items\\/(\\w+)$/, /^\\/health$/];\n"
    "  var paths = ['/api/v1/users/42', '/static/app.min.js', '/blog/2024/05/hello-world/',\n"
    "    '/nope/x', '/api/v1/users/7/posts/99', '/health'];\n"
    "  var hits = 0;\n"
    "  for (var i = 0; i < n; i++) {\n"
    "    var p = paths[i % paths.length];\n"
    "    for (var j = 0; j < routes.length; j++) {\n"
    "      var m = routes[j].exec(p);\n"
    "      if (m) { hits += m.length; break; }\n"
    "    }\n"
    "  }\n"
    "  return hits;\n"
    " },\n"
    " headers: function (n) {\n"
    "  var h = ['text/html; charset=UTF-8; q=0.9', 'application/json;charset=utf-8',\n"
    "    'multipart/form-data; boundary=----abc123; charset=\"utf-8\"'];\n"
    "  var al = 'en-US,en;q=0.9,fr-FR;q=0.8,de;q=0.7';\n"
    "  var param = /;\\s*([^=;\\s]+)\\s*=\\s*(\"[^\"]*\"|[^;]*)/g, lang = /^([a-zA-Z-]+)(?:;q=([0-9.]+))?$/;\n"
    "  var c = 0;\n"
    "  for (var i = 0; i < n; i++) {\n"
    "    var m, s = h[i % 3];\n"
    "    param.lastIndex = 0;\n"
    "    while ((m = param.exec(s))) c += m[1].length;\n"
    "    var langs = al.split(/\\s*,\\s*/);\n"
    "    for (var k = 0; k < langs.length; k++) if (lang.exec(langs[k])) c++;\n"
    "  }\n"
    "  return c;\n"
    " },\n"
    " split: function (n) {\n"
    "  var s = 'alpha, beta,gamma , delta,epsilon,zeta, eta,theta,iota , kappa';\n"
    "  var c = 0;\n"
    "  for (var i = 0; i < n; i++) c += s.split(/\\s*,\\s*/).length + s.split(/,/).length;\n"
    "  return c;\n"
    " },\n"
    " replace: function (n) {\n"
    "  var s = '<a href=\"x?a=1&b=2\">Tom\\'s   \"quote\"</a>';\n"
    "  var map = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '\"': '&quot;', \"'\": '&#39;' };\n"
    "  var esc = /[&<>\"']/g, ws = /\\s+/g;\n"
    "  var c = 0;\n"
    "  for (var i = 0; i < n; i++)\n"
    "    c += s.replace(esc, function (ch) { return map[ch]; }).length + s.replace(ws, ' ').length;\n"
    "  return c;\n"
    " },\n"
    " test: function (n) {\n"
    "  var ua = 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15';\n"
    "  var mobile = /iPhone|iPad|Android/i, bot = /bot|crawler|spider/i;\n"
    "  var c = 0;\n"
    "  for (var i = 0; i < n; i++) { if (mobile.test(ua)) c++; if (bot.test(ua)) c--; }\n"
    "  return c;\n"
    " },\n"
    " construct: function (n) {\n"
    "  var c = 0;\n"
    "  for (var i = 0; i < n; i++) if (new RegExp('^/users/(\\\\d+)$').test('/users/' + (i % 100))) c++;\n"
    "  return c;\n"
    " },\n"
    " literals: function (n) {\n"
    "  var c = 0;\n"
    "  for (var i = 0; i < n; i++) if (/^\\/api\\/(\\w+)$/.test('/api/x' + (i % 10))) c++;\n"
    "  return c;\n"
    " }\n"
    "};\n"
    "function run(name, n) {\n"
    "  W[name](n >> 4);\n" /* warm-up */
    "  return W[name](n);\n"
    "}\n";

typedef struct workload {
  const char *name;
  int n;
} workload;

static const workload workloads[] = {
    {"routing", 20000}, {"headers", 5000}, {"split", 5000},
    {"replace", 5000},  {"test", 40000},   {"construct", 20000}, {"literals", 20000},
};
#define NW (sizeof(workloads) / sizeof(workloads[0]))

/* CPU time, not wall time: the machine may be shared, and the three runs must be charged
 * only for their own work. */
static double cpu_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

/* Duktape's own engine: a plain heap. */
static int run_duktape(const char *name, int n, double *ms, char *result, size_t rlen) {
  duk_context *ctx = duk_create_heap_default();
  if (!ctx)
    return -1;
  int rc = -1;
  if (duk_peval_string(ctx, workloads_js) == 0) {
    duk_pop(ctx);
    duk_get_global_string(ctx, "run");
    duk_push_string(ctx, name);
    duk_push_int(ctx, n);
    double t0 = cpu_ms();
    if (duk_pcall(ctx, 2) == 0) {
      *ms = cpu_ms() - t0;
      snprintf(result, rlen, "%s", duk_safe_to_string(ctx, -1));
      rc = 0;
    } else
      fprintf(stderr, "duktape %s: %s\n", name, duk_safe_to_string(ctx, -1));
  }
  duk_destroy_heap(ctx);
  return rc;
}

typedef struct response {
  char body[256];
  size_t len;
  int ended;
} response;

static void on_head(void *ud, const edgefn_response_head *h) { (void)ud, (void)h; }
static void on_body(void *ud, const uint8_t *d, size_t n) {
  response *r = ud;
  if (r->len + n < sizeof(r->body)) {
    memcpy(r->body + r->len, d, n);
    r->len += n;
    r->body[r->len] = '\0';
  }
}
static void on_end(void *ud, int result) { ((response *)ud)->ended = result == 0 ? 1 : -1; }

/* libedgefn: the same code inside a fetch handler; the dispatch is timed. */
static int run_edgefn(const char *name, int n, double *ms, char *result) {
  static char src[sizeof(workloads_js) + 512];
  snprintf(src, sizeof(src),
           "%s"
           "addEventListener('fetch', function (e) {\n"
           "  var q = e.request.url.split('?')[1].split('&');\n"
           "  e.respondWith(new Response(String(run(q[0], +q[1]))));\n"
           "});\n",
           workloads_js);
  edgefn_loop *loop = NULL;
  edgefn_script *script = NULL;
  edgefn_runtime *rt = NULL;
  edgefn_script_options so = EDGEFN_SCRIPT_OPTIONS_INIT;
  so.source = src;
  so.source_len = strlen(src);
  so.filename = "bench.js";
  int rc = edgefn_loop_new(&loop, NULL);
  if (!rc)
    rc = edgefn_script_new(&script, &so, NULL);
  edgefn_runtime_options ro = EDGEFN_RUNTIME_OPTIONS_INIT;
  ro.cpu_limit_ms = 600000;
  if (!rc)
    rc = edgefn_runtime_new(&rt, loop, script, &ro, NULL);
  response r;
  memset(&r, 0, sizeof(r));
  if (!rc) {
    char url[128];
    snprintf(url, sizeof(url), "http://bench/?%s&%d", name, n);
    edgefn_request req = EDGEFN_REQUEST_INIT;
    req.method = "GET";
    req.method_len = 3;
    req.url = url;
    req.url_len = strlen(url);
    edgefn_response_handler h = {sizeof(h), on_head, on_body, on_end};
    double t0 = cpu_ms();
    rc = edgefn_runtime_dispatch(rt, &req, &h, &r);
    while (!rc && !r.ended && edgefn_loop_alive(loop))
      edgefn_loop_run(loop, EDGEFN_RUN_ONCE);
    *ms = cpu_ms() - t0;
  }
  edgefn_runtime_free(rt);
  edgefn_script_free(script);
  edgefn_loop_free(loop);
  if (!rc && r.ended == 1)
    snprintf(result, 64, "%.63s", r.body);
  if (rc || r.ended != 1) {
    fprintf(stderr, "libedgefn %s: failed (%d) %s\n", name, rc, r.body);
    return -1;
  }
  return 0;
}

/* Node, when installed: every workload in one process. */
static int run_node(double *ms, char results[][64]) {
  char path[] = "/tmp/edgefn-bench-regexp-XXXXXX";
  int fd = mkstemp(path);
  if (fd < 0)
    return -1;
  FILE *f = fdopen(fd, "w");
  fprintf(f, "%s", workloads_js);
  fprintf(f, "function cpu() { var u = process.cpuUsage(); return (u.user + u.system) / 1000; }\n");
  for (size_t i = 0; i < NW; i++)
    fprintf(f, "var t0 = cpu(), r = run('%s', %d); console.log((cpu() - t0) + ' ' + r);\n",
            workloads[i].name, workloads[i].n);
  fclose(f);
  char cmd[256];
  snprintf(cmd, sizeof(cmd), "node %s 2>/dev/null", path);
  FILE *p = popen(cmd, "r");
  int ok = 0;
  if (p) {
    for (size_t i = 0; i < NW; i++)
      if (fscanf(p, "%lf %63s", &ms[i], results[i]) == 2)
        ok++;
    pclose(p);
  }
  unlink(path);
  return ok == (int)NW ? 0 : -1;
}

static int cmp_double(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return x < y ? -1 : x > y;
}

int main(int argc, char **argv) {
  int rounds = argc > 1 ? atoi(argv[1]) : 3;
  if (rounds < 1)
    rounds = 1;
  double duk[NW][16], edge[NW][16], node[NW][16];
  char rd[NW][64], re[NW][64], rn[NW][64];
  bool have_node = true;
  if (rounds > 16)
    rounds = 16;
  for (int r = 0; r < rounds; r++) {
    double nm[NW];
    if (have_node && run_node(nm, rn) != 0)
      have_node = false;
    for (size_t i = 0; i < NW; i++) {
      if (run_duktape(workloads[i].name, workloads[i].n, &duk[i][r], rd[i], 64) ||
          run_edgefn(workloads[i].name, workloads[i].n, &edge[i][r], re[i]))
        return 1;
      if (have_node)
        node[i][r] = nm[i];
    }
  }
  printf("regexp workloads, CPU ms, median of %d rounds (duk/edgefn > 1: libedgefn faster)\n", rounds);
  printf("%-10s %10s %10s %10s %12s %12s\n", "workload", "duktape", "libedgefn", "node",
         "duk/edgefn", "edgefn/node");
  int mismatch = 0;
  for (size_t i = 0; i < NW; i++) {
    qsort(duk[i], (size_t)rounds, sizeof(double), cmp_double);
    qsort(edge[i], (size_t)rounds, sizeof(double), cmp_double);
    double d = duk[i][rounds / 2], e = edge[i][rounds / 2], n = 0;
    if (have_node) {
      qsort(node[i], (size_t)rounds, sizeof(double), cmp_double);
      n = node[i][rounds / 2];
    }
    if (strcmp(rd[i], re[i]) != 0 || (have_node && strcmp(re[i], rn[i]) != 0)) {
      fprintf(stderr, "%s: results differ: duktape %s, libedgefn %s, node %s\n",
              workloads[i].name, rd[i], re[i], have_node ? rn[i] : "-");
      mismatch = 1;
    }
    printf("%-10s %10.1f %10.1f %10.1f %12.2f %12.2f\n", workloads[i].name, d, e, n,
           e > 0 ? d / e : 0, have_node && n > 0 ? e / n : 0);
  }
  if (!have_node)
    printf("(node not found: its column is 0)\n");
  return mismatch;
}
