/* Benchmark: the cost of a hello-world dispatch (Request in, Response out, through the
 * public API, no network) and of creating a runtime, with every Web API available.
 * Targets from issue 4: under 5 µs per request and under 500 µs per new runtime.
 *
 *   scripts/bench            (builds a release build first)
 *   build-release/bench/edgefn-bench-runtime [requests] [runtimes]
 */
#include <edgefn/edgefn.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static double now_us(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec * 1e6 + ts.tv_nsec / 1e3;
}

static int cmp_double(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return x < y ? -1 : x > y;
}

typedef struct counter {
  long heads, ends, bytes;
} counter;

static void on_head(void *ud, const edgefn_response_head *head) {
  counter *c = ud;
  c->heads += head->status == 200;
}
static void on_body(void *ud, const uint8_t *data, size_t len) {
  (void)data;
  ((counter *)ud)->bytes += (long)len;
}
static void on_end(void *ud, int result) { ((counter *)ud)->ends += result == 0; }

static const char hello_js[] =
    "addEventListener('fetch', function (event) {\n"
    "  event.respondWith(new Response('Hello from libedgefn!\\n',\n"
    "      { headers: { 'content-type': 'text/plain; charset=utf-8' } }));\n"
    "});\n";

/* A handler that looks at the request the way routers do. */
static const char router_js[] =
    "addEventListener('fetch', function (event) {\n"
    "  var r = event.request;\n"
    "  var ua = r.headers.get('user-agent') || '';\n"
    "  var path = r.url.substring(r.url.indexOf('/', 8));\n"
    "  event.respondWith(new Response(JSON.stringify({ path: path, ua: ua.length }),\n"
    "      { status: 200, headers: { 'content-type': 'application/json' } }));\n"
    "});\n";

static edgefn_script *compile(const char *src) {
  edgefn_script_options so = EDGEFN_SCRIPT_OPTIONS_INIT;
  so.source = src;
  so.source_len = strlen(src);
  so.filename = "bench.js";
  edgefn_error_info err = EDGEFN_ERROR_INFO_INIT;
  edgefn_script *s = NULL;
  if (edgefn_script_new(&s, &so, &err) != 0) {
    fprintf(stderr, "compile: %s\n", err.message);
    exit(1);
  }
  return s;
}

static double bench_requests(edgefn_loop *loop, const char *src, long n, const char *label) {
  edgefn_script *s = compile(src);
  edgefn_runtime *rt = NULL;
  if (edgefn_runtime_new(&rt, loop, s, NULL, NULL) != 0) {
    fprintf(stderr, "runtime_new failed\n");
    exit(1);
  }
  edgefn_header headers[] = {
      {"host", 4, "example.com", 11},
      {"user-agent", 10, "curl/7.88.1", 11},
      {"accept", 6, "*/*", 3},
  };
  edgefn_request req = EDGEFN_REQUEST_INIT;
  req.method = "GET";
  req.method_len = 3;
  req.url = "http://example.com/api/items?id=42";
  req.url_len = strlen(req.url);
  req.headers = headers;
  req.header_count = 3;
  edgefn_response_handler h = {sizeof(h), on_head, on_body, on_end};
  counter c = {0, 0, 0};
  for (long i = 0; i < n / 10; i++) /* warm up */
    edgefn_runtime_dispatch(rt, &req, &h, &c);
  memset(&c, 0, sizeof(c));
  /* Virtual machines steal time unevenly: time several rounds and report the median and
   * the best, so one noisy neighbour does not make the figure. */
  enum { ROUNDS = 7 };
  double round_us[ROUNDS];
  long per_round = n / ROUNDS;
  for (int r = 0; r < ROUNDS; r++) {
    double t0 = now_us();
    for (long i = 0; i < per_round; i++)
      edgefn_runtime_dispatch(rt, &req, &h, &c);
    round_us[r] = (now_us() - t0) / (double)per_round;
  }
  qsort(round_us, ROUNDS, sizeof(double), cmp_double);
  double per = round_us[ROUNDS / 2];
  if (c.ends != per_round * ROUNDS || c.heads != per_round * ROUNDS) {
    fprintf(stderr, "%s: only %ld of %ld responses completed\n", label, c.ends,
            per_round * ROUNDS);
    exit(1);
  }
  printf("%-34s %8.2f us/request median, %.2f best  (%d rounds of %ld, %.0f requests/s)\n",
         label, per, round_us[0], ROUNDS, per_round, 1e6 / per);
  edgefn_runtime_free(rt);
  edgefn_script_free(s);
  return per;
}

int main(int argc, char **argv) {
  long n = argc > 1 ? atol(argv[1]) : 200000;
  int runtimes = argc > 2 ? atoi(argv[2]) : 1000;
  if (n < 10 || runtimes < 10) {
    fprintf(stderr, "usage: %s [requests >= 10] [runtimes >= 10]\n", argv[0]);
    return 2;
  }
  edgefn_loop *loop = NULL;
  if (edgefn_loop_new(&loop, NULL) != 0)
    return 1;
  printf("libedgefn %s\n", edgefn_version());

  double hello = bench_requests(loop, hello_js, n, "hello-world dispatch");
  bench_requests(loop, router_js, n, "router-style dispatch (JSON body)");

  edgefn_script *s = compile(hello_js);
  double *t = calloc((size_t)runtimes, sizeof(double));
  double free_total = 0;
  size_t mem = 0;
  for (int i = 0; i < runtimes; i++) {
    edgefn_runtime *rt = NULL;
    double t0 = now_us();
    if (edgefn_runtime_new(&rt, loop, s, NULL, NULL) != 0)
      return 1;
    t[i] = now_us() - t0;
    mem = edgefn_runtime_memory_used(rt);
    t0 = now_us();
    edgefn_runtime_free(rt);
    free_total += now_us() - t0;
  }
  qsort(t, (size_t)runtimes, sizeof(double), cmp_double);
  double sum = 0;
  for (int i = 0; i < runtimes; i++)
    sum += t[i];
  double mean = sum / runtimes;
  printf("%-34s %8.1f us mean, %.1f us median, %.1f us p99  (%d runtimes)\n",
         "new runtime (script run, idle)", mean, t[runtimes / 2], t[runtimes * 99 / 100],
         runtimes);
  printf("%-34s %8.1f us mean\n", "free runtime", free_total / runtimes);
  printf("%-34s %8zu bytes\n", "idle runtime heap", mem);
  printf("targets: < 5 us per hello-world request: %s; < 500 us per new runtime: %s\n",
         hello < 5.0 ? "met" : "NOT met", mean < 500.0 ? "met" : "NOT met");
  free(t);
  edgefn_script_free(s);
  edgefn_loop_free(loop);
  return 0;
}
