/* Benchmark: what the sandbox limits cost (issue 7).
 *
 * 1. The p99 latency of a well-behaved function (its response comes from a timer, so each
 *    request takes a loop pass) served alone, and with a hostile function on the same loop
 *    whose requests each run an endless loop in a timer until their CPU limit ends them.
 * 2. The CPU overhead of the limit checks on a compute-heavy script: the same script run
 *    by a plain Duktape heap built from the same source and configuration without the
 *    interrupt counter and exec-timeout check (bench/ref/duk_config.h.in), and through a
 *    runtime (a request whose handler computes; its CPU limit far away). Target: < 10%.
 *
 *   scripts/bench        (builds a release build first)
 *   build-release/bench/edgefn-bench-sandbox [requests] [rounds]
 */
#include <edgefn/edgefn.h>

#include "duktape.h" /* the reference engine (bench/meson.build) */

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static double now_us(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec * 1e6 + (double)ts.tv_nsec / 1e3;
}

static int cmp_double(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return x < y ? -1 : x > y;
}

static double percentile(double *v, size_t n, double p) {
  qsort(v, n, sizeof(*v), cmp_double);
  size_t i = (size_t)(p * (double)(n - 1) + 0.5);
  return v[i < n ? i : n - 1];
}

typedef struct done {
  int status, ended;
  char body[64];
} done;

static void on_head(void *ud, const edgefn_response_head *h) { ((done *)ud)->status = h->status; }
static void on_body(void *ud, const uint8_t *data, size_t len) {
  done *d = ud;
  size_t n = len < sizeof(d->body) - 1 ? len : sizeof(d->body) - 1;
  memcpy(d->body, data, n);
  d->body[n] = '\0';
}
static void on_end(void *ud, int result) {
  (void)result;
  ((done *)ud)->ended = 1;
}
static const edgefn_response_handler handler = {sizeof(handler), on_head, on_body, on_end};

static void quiet_log(void *ud, int level, const char *fn, const char *msg, size_t len) {
  (void)level, (void)fn, (void)msg, (void)len;
  ++*(long *)ud;
}

static edgefn_runtime *make(edgefn_loop *loop, const char *src, const char *name,
                            uint32_t cpu_ms, long *logs, edgefn_script **script) {
  edgefn_script_options so = EDGEFN_SCRIPT_OPTIONS_INIT;
  so.source = src;
  so.source_len = strlen(src);
  edgefn_error_info err = EDGEFN_ERROR_INFO_INIT;
  if (edgefn_script_new(script, &so, &err) != 0) {
    fprintf(stderr, "%s: %s\n", name, err.message);
    exit(1);
  }
  edgefn_runtime_options ro = EDGEFN_RUNTIME_OPTIONS_INIT;
  ro.name = name;
  ro.cpu_limit_ms = cpu_ms;
  ro.log = quiet_log;
  ro.log_user_data = logs;
  edgefn_runtime *rt;
  if (edgefn_runtime_new(&rt, loop, *script, &ro, &err) != 0) {
    fprintf(stderr, "%s: %s\n", name, err.message);
    exit(1);
  }
  return rt;
}

static void dispatch(edgefn_runtime *rt, const char *url, done *d) {
  memset(d, 0, sizeof(*d));
  edgefn_request req = EDGEFN_REQUEST_INIT;
  req.url = url;
  req.url_len = strlen(url);
  if (edgefn_runtime_dispatch(rt, &req, &handler, d) != 0) {
    fprintf(stderr, "dispatch failed\n");
    exit(1);
  }
}

/* ---- 1. latency under hostile load ---- */

static const char good_js[] =
    "addEventListener('fetch', function (e) {\n"
    "  var path = e.request.url.substring(e.request.url.indexOf('/', 8));\n"
    "  e.respondWith(new Promise(function (r) {\n"
    "    setTimeout(function () { r(new Response(JSON.stringify({ path: path }))); }, 0);\n"
    "  }));\n"
    "});\n";

static const char hostile_js[] =
    "addEventListener('fetch', function (e) {\n"
    "  setTimeout(function () { while (true) {} }, 0);\n"
    "  e.respondWith(new Promise(function () {}));\n"
    "});\n";

#define HOSTILE_CPU_MS 20u
#define HOSTILE_EVERY 50

/* Serves `n` good requests one after another; with `hostile`, one hostile request is
 * dispatched just before every HOSTILE_EVERY-th good one, so both are in flight together. */
static void latency_run(size_t n, int with_hostile, double *lat, long *hostile_503) {
  edgefn_loop *loop;
  if (edgefn_loop_new(&loop, NULL) != 0)
    exit(1);
  long logs = 0;
  edgefn_script *gs, *hs;
  edgefn_runtime *good = make(loop, good_js, "good", 0, &logs, &gs);
  edgefn_runtime *bad = make(loop, hostile_js, "hostile", HOSTILE_CPU_MS, &logs, &hs);
  done hd[1];
  memset(hd, 0, sizeof(hd));
  hd[0].ended = 1;
  for (size_t i = 0; i < n; i++) {
    if (with_hostile && i % HOSTILE_EVERY == HOSTILE_EVERY / 2) {
      if (!hd[0].ended) {
        fprintf(stderr, "hostile request still running\n");
        exit(1);
      }
      dispatch(bad, "http://bench/hostile", &hd[0]);
    }
    done d;
    double t0 = now_us();
    dispatch(good, "http://bench/good", &d);
    while (!d.ended)
      edgefn_loop_run(loop, EDGEFN_RUN_ONCE);
    lat[i] = now_us() - t0;
    if (d.status != 200) {
      fprintf(stderr, "good request answered %d\n", d.status);
      exit(1);
    }
    while (!hd[0].ended)
      edgefn_loop_run(loop, EDGEFN_RUN_ONCE);
    if (with_hostile && i % HOSTILE_EVERY == HOSTILE_EVERY / 2 && hd[0].status == 503)
      ++*hostile_503;
  }
  edgefn_runtime_free(good);
  edgefn_runtime_free(bad);
  edgefn_script_free(gs);
  edgefn_script_free(hs);
  edgefn_loop_free(loop);
}

/* ---- 2. the cost of the checks ---- */

static const char work_js[] =
    "function work() {\n"
    "  function fib(n) { return n < 2 ? n : fib(n - 1) + fib(n - 2); }\n"
    "  var s = fib(24);\n"
    "  var o = {};\n"
    "  for (var i = 0; i < 200000; i++) { o['k' + (i % 1000)] = i; s += o['k' + (i % 500)]; }\n"
    "  var a = [];\n"
    "  for (var j = 0; j < 100000; j++) a.push((j * 7919) % 10007);\n"
    "  a.sort(function (x, y) { return x - y; });\n"
    "  var str = '';\n"
    "  for (var k = 0; k < 20000; k++) str += String.fromCharCode(97 + k % 26);\n"
    "  return s + a[500] + str.length + JSON.stringify(a.slice(0, 1000)).length;\n"
    "}\n";

/* Bytecode only: calls, arithmetic, comparisons. Nothing the library replaces (its sort,
 * its allocator, its JSON and string helpers) runs, so the difference is the checks'. */
static const char bytecode_js[] =
    "function work() {\n"
    "  function fib(n) { return n < 2 ? n : fib(n - 1) + fib(n - 2); }\n"
    "  return fib(27);\n"
    "}\n";

static double ref_run(const char *js, char *result, size_t size) {
  duk_context *ctx = duk_create_heap_default();
  if (!ctx)
    exit(1);
  duk_push_string(ctx, js);
  if (duk_peval(ctx) != 0)
    exit(1);
  duk_pop(ctx);
  double t0 = now_us();
  if (duk_peval_string(ctx, "String(work())") != 0) {
    fprintf(stderr, "reference: %s\n", duk_safe_to_string(ctx, -1));
    exit(1);
  }
  double t = now_us() - t0;
  snprintf(result, size, "%s", duk_get_string(ctx, -1));
  duk_destroy_heap(ctx);
  return t;
}

static double lib_run(const char *js, char *result, size_t size) {
  static char src[4096];
  snprintf(src, sizeof(src),
           "%s addEventListener('fetch', function (e) {\n"
           "  e.respondWith(new Response(String(work())));\n"
           "});\n",
           js);
  edgefn_loop *loop;
  if (edgefn_loop_new(&loop, NULL) != 0)
    exit(1);
  long logs = 0;
  edgefn_script *s;
  edgefn_runtime *rt = make(loop, src, "work", 60000, &logs, &s);
  done d;
  double t0 = now_us();
  dispatch(rt, "http://bench/work", &d);
  while (!d.ended)
    edgefn_loop_run(loop, EDGEFN_RUN_ONCE);
  double t = now_us() - t0;
  if (d.status != 200) {
    fprintf(stderr, "work request answered %d\n", d.status);
    exit(1);
  }
  snprintf(result, size, "%s", d.body);
  edgefn_runtime_free(rt);
  edgefn_script_free(s);
  edgefn_loop_free(loop);
  return t;
}

/* Runs js's work() in the reference heap and through a runtime, alternating, and prints the
 * medians and their ratio. The compute-heavy script also runs what the library replaces
 * with faster code of its own (sort, the allocator's block cache), so its ratio can go
 * below 1; the bytecode-only one prices the checks alone. */
static void compare(const char *js, const char *label, int rounds, bool target) {
  double *ref = malloc((size_t)rounds * sizeof(double)),
         *lib = malloc((size_t)rounds * sizeof(double));
  char ref_result[64], lib_result[64];
  for (int r = 0; r < rounds; r++) { /* alternated, so that load from elsewhere hits both */
    ref[r] = ref_run(js, ref_result, sizeof(ref_result));
    lib[r] = lib_run(js, lib_result, sizeof(lib_result));
    if (strcmp(ref_result, lib_result) != 0) {
      fprintf(stderr, "results differ: %s vs %s\n", ref_result, lib_result);
      exit(1);
    }
  }
  double ref_med = percentile(ref, (size_t)rounds, 0.5),
         lib_med = percentile(lib, (size_t)rounds, 0.5);
  double ref_best = percentile(ref, (size_t)rounds, 0.0),
         lib_best = percentile(lib, (size_t)rounds, 0.0);
  double overhead = (lib_med / ref_med - 1.0) * 100.0;
  printf("%s, %d rounds (ms): reference Duktape without checks median %.1f (best %.1f), "
         "runtime with the limit checks median %.1f (best %.1f)\n",
         label, rounds, ref_med / 1e3, ref_best / 1e3, lib_med / 1e3, lib_best / 1e3);
  printf("  runtime / reference: %+.1f%% median, %+.1f%% best", overhead,
         (lib_best / ref_best - 1.0) * 100.0);
  if (target)
    printf(" (target < 10%%: %s)", overhead < 10.0 ? "met" : "NOT met");
  printf("\n");
  free(ref);
  free(lib);
}

int main(int argc, char **argv) {
  size_t n = argc > 1 ? (size_t)atol(argv[1]) : 5000;
  int rounds = argc > 2 ? atoi(argv[2]) : 9;
  if (n < 100 || rounds < 1) {
    fprintf(stderr, "usage: %s [requests >= 100] [rounds >= 1]\n", argv[0]);
    return 2;
  }

  double *alone = malloc(n * sizeof(double)), *loaded = malloc(n * sizeof(double));
  long hostile_503 = 0;
  latency_run(n, 0, alone, &hostile_503);
  latency_run(n, 1, loaded, &hostile_503);
  printf("well-behaved function, %zu requests (response from a timer), latency in us:\n", n);
  printf("  alone:                     p50 %8.1f  p99 %8.1f  max %8.1f\n",
         percentile(alone, n, 0.5), percentile(alone, n, 0.99), percentile(alone, n, 1.0));
  printf("  with hostile load:         p50 %8.1f  p99 %8.1f  max %8.1f\n",
         percentile(loaded, n, 0.5), percentile(loaded, n, 0.99), percentile(loaded, n, 1.0));
  printf("  (one hostile request per %d good ones on the same loop, each ending at its %u ms "
         "CPU limit: %ld ended with 503)\n",
         HOSTILE_EVERY, HOSTILE_CPU_MS, hostile_503);
  free(alone);
  free(loaded);

  compare(work_js, "compute-heavy script", rounds, true);
  compare(bytecode_js, "bytecode-only script (fib(27))", rounds, true);
  return 0;
}
