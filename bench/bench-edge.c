/* Benchmark: elastic runtime management through edgefn_edge (issue 11).
 *
 *   1. memory of one idle runtime, every Web API available (installed lazily);
 *   2. N distinct functions (default 10,000) each invoked once: cold-start time per runtime
 *      and the process's RSS;
 *   3. a hot set of 100 functions served while the other N-100 churn through eviction
 *      under a memory budget, against the hot set served alone;
 *   4. a spike: one function flooded at 10x its capacity while a second is served at a
 *      steady rate; the second's p99 without the flood, with it, and with it but without
 *      the concurrency limit (the reference that shows what the limit buys).
 *
 *   scripts/bench            (builds a release build first)
 *   build-release/bench/edgefn-bench-edge [functions [parts]]   e.g. "10000 4": the spike only
 */
#include <edgefn/edgefn.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static uint64_t now_ns(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static size_t rss_bytes(void) {
  FILE *f = fopen("/proc/self/statm", "r");
  unsigned long size = 0, resident = 0;
  if (f) {
    if (fscanf(f, "%lu %lu", &size, &resident) != 2)
      resident = 0;
    fclose(f);
  }
  return (size_t)resident * (size_t)sysconf(_SC_PAGESIZE);
}

static int cmp_u64(const void *a, const void *b) {
  uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
  return x < y ? -1 : x > y;
}

/* Sorts v and returns its q-quantile (0..1). */
static double quantile_us(uint64_t *v, size_t n, double q) {
  if (n == 0)
    return 0;
  qsort(v, n, sizeof(*v), cmp_u64);
  size_t i = (size_t)(q * (double)(n - 1) + 0.5);
  return (double)v[i] / 1000.0;
}

static void die(const char *what, int rc) {
  fprintf(stderr, "bench-edge: %s: %s\n", what, edgefn_strerror(rc));
  exit(1);
}

/* ---- one request at a time, synchronously ---- */

typedef struct one {
  int status;
  int ended;
} one;
static void one_head(void *ud, const edgefn_response_head *h) { ((one *)ud)->status = h->status; }
static void one_end(void *ud, int result) {
  (void)result;
  ((one *)ud)->ended = 1;
}
static const edgefn_response_handler one_handler = {sizeof(edgefn_response_handler), one_head,
                                                    NULL, one_end};

static size_t failed_requests;

/* Runs one request to its end; returns its latency in ns. */
static uint64_t request(edgefn_edge *edge, edgefn_loop *loop, const char *url) {
  one o = {0, 0};
  edgefn_request req = EDGEFN_REQUEST_INIT;
  req.url = url;
  req.url_len = strlen(url);
  uint64_t t0 = now_ns();
  int rc = edgefn_edge_handle(edge, loop, &req, &one_handler, &o);
  if (rc != 0)
    die("handle", rc);
  while (!o.ended)
    edgefn_loop_run(loop, EDGEFN_RUN_ONCE);
  uint64_t t = now_ns() - t0;
  if (o.status != 200)
    failed_requests++; /* reported at the end: a loaded machine can push a request over
                          its CPU limit, which should not void the other figures */
  return t;
}

/* ---- building edges over many functions ---- */

static edgefn_script *compile(const char *src) {
  edgefn_script_options so = EDGEFN_SCRIPT_OPTIONS_INIT;
  so.source = src;
  so.source_len = strlen(src);
  so.filename = "bench.js";
  edgefn_script *s = NULL;
  int rc = edgefn_script_new(&s, &so, NULL);
  if (rc != 0)
    die("compile", rc);
  return s;
}

/* A distinct hello-world per function (its name is in the code, so no two scripts are the
 * same bytecode). */
static edgefn_script *hello_script(size_t i) {
  char src[512];
  snprintf(src, sizeof(src),
           "addEventListener('fetch', function (event) {\n"
           "  event.respondWith(new Response('Hello from function %zu\\n',\n"
           "      { headers: { 'content-type': 'text/plain; charset=utf-8' } }));\n"
           "});\n",
           i);
  return compile(src);
}

typedef struct fleet {
  size_t n;
  edgefn_script **scripts;
  char **names;
  edgefn_rules *rules;
} fleet;

/* Functions f0..f(n-1), each reached under /fI/. Rules are matched in order, so the hot
 * set (the first 100) matches early, as an operator would order them. */
static void fleet_make(fleet *f, size_t n) {
  f->n = n;
  f->scripts = calloc(n, sizeof(*f->scripts));
  f->names = calloc(n, sizeof(*f->names));
  size_t cap = n * 120 + 64, o = 0;
  char *json = malloc(cap);
  o += (size_t)snprintf(json + o, cap - o, "{\"rules\": [");
  for (size_t i = 0; i < n; i++) {
    f->scripts[i] = hello_script(i);
    f->names[i] = malloc(24);
    snprintf(f->names[i], 24, "f%zu", i);
    o += (size_t)snprintf(json + o, cap - o,
                          "%s{\"function\": \"f%zu\", \"match\": [[{\"field\": \"path\", "
                          "\"operator\": \"prefix\", \"values\": [\"/f%zu/\"]}]]}",
                          i ? "," : "", i, i);
  }
  snprintf(json + o, cap - o, "]}");
  edgefn_error_info err = EDGEFN_ERROR_INFO_INIT;
  int rc = edgefn_rules_from_json(&f->rules, json, strlen(json), "rules.json", &err);
  if (rc != 0) {
    fprintf(stderr, "rules: %s\n", err.message);
    die("rules", rc);
  }
  free(json);
}

static void fleet_free(fleet *f) {
  for (size_t i = 0; i < f->n; i++) {
    edgefn_script_free(f->scripts[i]);
    free(f->names[i]);
  }
  free(f->scripts);
  free(f->names);
  edgefn_rules_free(f->rules);
}

static edgefn_edge *fleet_edge(const fleet *f, edgefn_edge_options *eo) {
  edgefn_function *fns = calloc(f->n, sizeof(*fns));
  for (size_t i = 0; i < f->n; i++) {
    fns[i] = (edgefn_function)EDGEFN_FUNCTION_INIT;
    fns[i].name = f->names[i];
    fns[i].script = f->scripts[i];
  }
  eo->functions = fns;
  eo->function_count = f->n;
  eo->rules = f->rules;
  edgefn_edge *edge = NULL;
  edgefn_error_info err = EDGEFN_ERROR_INFO_INIT;
  int rc = edgefn_edge_new(&edge, eo, &err);
  free(fns);
  if (rc != 0) {
    fprintf(stderr, "edge: %s\n", err.message);
    die("edge", rc);
  }
  return edge;
}

static edgefn_edge_stats stats(edgefn_edge *edge, edgefn_loop *loop, const char *name) {
  edgefn_edge_stats s = EDGEFN_EDGE_STATS_INIT;
  int rc = edgefn_edge_stats_get(edge, loop, name, &s);
  if (rc != 0)
    die("stats", rc);
  return s;
}

static void url_of(char *buf, size_t len, size_t i) {
  snprintf(buf, len, "http://site.test/f%zu/", i);
}

/* ---- 1. one idle runtime ---- */

static size_t bench_idle(edgefn_loop *loop) {
  fleet f;
  fleet_make(&f, 1);
  edgefn_edge_options eo = EDGEFN_EDGE_OPTIONS_INIT;
  const char *warm[] = {"f0"};
  eo.prewarm = warm;
  eo.prewarm_count = 1;
  edgefn_edge *edge = fleet_edge(&f, &eo);
  int rc = edgefn_edge_attach(edge, loop);
  if (rc != 0)
    die("attach", rc);
  size_t fresh = stats(edge, loop, NULL).runtime_bytes;
  request(edge, loop, "http://site.test/f0/");
  size_t served = stats(edge, loop, NULL).runtime_bytes;
  printf("1. idle runtime (JS heap, counting allocator): %.1f KB after creation, %.1f KB after "
         "one request (target <= 256 KB: %s)\n",
         fresh / 1024.0, served / 1024.0, served <= 256 * 1024 ? "met" : "MISSED");
  edgefn_edge_detach(edge, loop);
  edgefn_edge_free(edge);
  fleet_free(&f);
  return served;
}

/* ---- the reference: edgefn_runtime_new alone, one script over and over ---- */

static double reference_cold_start_us(edgefn_loop *loop, size_t n) {
  edgefn_script *s = hello_script(0);
  uint64_t *t = malloc(n * sizeof(uint64_t));
  for (size_t i = 0; i < n; i++) {
    edgefn_runtime *rt = NULL;
    uint64_t t0 = now_ns();
    int rc = edgefn_runtime_new(&rt, loop, s, NULL, NULL);
    t[i] = now_ns() - t0;
    if (rc != 0)
      die("runtime_new", rc);
    edgefn_runtime_free(rt);
  }
  double med = quantile_us(t, n, 0.5);
  free(t);
  edgefn_script_free(s);
  return med;
}

/* ---- 2. N functions, each once ---- */

static void bench_many(edgefn_loop *loop, fleet *f) {
  edgefn_edge_options eo = EDGEFN_EDGE_OPTIONS_INIT;
  eo.runtime_memory_budget = (size_t)1 << 40; /* keep them all: this measures their cost */
  edgefn_edge *edge = fleet_edge(f, &eo);
  int rc = edgefn_edge_attach(edge, loop);
  if (rc != 0)
    die("attach", rc);
  size_t rss0 = rss_bytes();
  uint64_t *cold = malloc(f->n * sizeof(uint64_t));
  uint64_t *first = malloc(f->n * sizeof(uint64_t));
  char url[64];
  uint64_t prev = 0, t0 = now_ns();
  for (size_t i = 0; i < f->n; i++) {
    url_of(url, sizeof(url), i);
    first[i] = request(edge, loop, url);
    uint64_t c = stats(edge, loop, NULL).cold_start_ns;
    cold[i] = c - prev;
    prev = c;
  }
  double total_s = (double)(now_ns() - t0) / 1e9;
  size_t rss1 = rss_bytes();
  edgefn_edge_stats s = stats(edge, loop, NULL);
  double med = quantile_us(cold, f->n, 0.5);
  printf("2. %zu distinct functions, each invoked once (%.2f s in all):\n", f->n, total_s);
  double ref = reference_cold_start_us(loop, 1000);
  printf("   cold start per runtime: median %.0f us, p99 %.0f us (target median <= 500 us: "
         "%s)\n",
         med, quantile_us(cold, f->n, 0.99), med <= 500 ? "met" : "MISSED");
  printf("   reference, same run: edgefn_runtime_new of one script 1000 times, freed each "
         "time: median %.0f us (the edge's cold start is %.2fx that)\n",
         ref, med / ref);
  printf("   first request incl. cold start and rule match: median %.0f us, p99 %.0f us\n",
         quantile_us(first, f->n, 0.5), quantile_us(first, f->n, 0.99));
  printf("   runtimes alive %zu, JS heaps %.1f MB (%.1f KB each); process RSS %.1f MB, "
         "%.1f MB for the runtimes (%.1f KB each)\n",
         s.runtimes, s.runtime_bytes / 1048576.0, s.runtime_bytes / 1024.0 / (double)f->n,
         rss1 / 1048576.0, (double)(rss1 - rss0) / 1048576.0,
         (double)(rss1 - rss0) / 1024.0 / (double)f->n);
  free(cold);
  free(first);
  uint64_t d0 = now_ns();
  edgefn_edge_detach(edge, loop);
  printf("   freeing them all: %.0f us each\n", (double)(now_ns() - d0) / 1e3 / (double)f->n);
  edgefn_edge_free(edge);
}

/* ---- 3. a hot set while the rest churns ---- */

#define HOT 100
#define HOT_PER_COLD 4

static void bench_churn(edgefn_loop *loop, fleet *f, size_t runtime_bytes) {
  edgefn_edge_options eo = EDGEFN_EDGE_OPTIONS_INIT;
  eo.runtime_memory_budget = 2 * HOT * runtime_bytes; /* room for the hot set twice over */
  edgefn_edge *edge = fleet_edge(f, &eo);
  int rc = edgefn_edge_attach(edge, loop);
  if (rc != 0)
    die("attach", rc);
  char url[64];
  for (size_t i = 0; i < HOT; i++) { /* warm the hot set */
    url_of(url, sizeof(url), i);
    request(edge, loop, url);
  }
  size_t cold_n = f->n - HOT;
  size_t hot_n = cold_n * HOT_PER_COLD;
  uint64_t *lat = malloc(hot_n * sizeof(uint64_t));
  /* The hot set alone. */
  uint64_t t0 = now_ns();
  for (size_t i = 0; i < hot_n; i++) {
    url_of(url, sizeof(url), i % HOT);
    lat[i] = request(edge, loop, url);
  }
  double alone_s = (double)(now_ns() - t0) / 1e9;
  double alone_p50 = quantile_us(lat, hot_n, 0.5), alone_p99 = quantile_us(lat, hot_n, 0.99);
  /* The same hot requests with every cold function invoked in between. */
  edgefn_edge_stats before = stats(edge, loop, NULL);
  uint64_t hot_cold_before = 0;
  for (size_t i = 0; i < HOT; i++)
    hot_cold_before += stats(edge, loop, f->names[i]).cold_starts;
  uint64_t hot_time = 0, *cold_lat = malloc(cold_n * sizeof(uint64_t)), prev_ns = 0;
  size_t cold_done = 0;
  t0 = now_ns();
  for (size_t i = 0, c = 0; i < hot_n; i++) {
    url_of(url, sizeof(url), i % HOT);
    lat[i] = request(edge, loop, url);
    hot_time += lat[i];
    if (i % HOT_PER_COLD == HOT_PER_COLD - 1) {
      url_of(url, sizeof(url), HOT + c++ % cold_n);
      if (cold_done == 0)
        prev_ns = stats(edge, loop, NULL).cold_start_ns;
      request(edge, loop, url);
      uint64_t ns = stats(edge, loop, NULL).cold_start_ns;
      if (cold_done < cold_n)
        cold_lat[cold_done++] = ns - prev_ns;
      prev_ns = ns;
    }
  }
  double mixed_s = (double)(now_ns() - t0) / 1e9;
  edgefn_edge_stats after = stats(edge, loop, NULL);
  uint64_t hot_cold_after = 0;
  for (size_t i = 0; i < HOT; i++)
    hot_cold_after += stats(edge, loop, f->names[i]).cold_starts;
  double p50 = quantile_us(lat, hot_n, 0.5), p99 = quantile_us(lat, hot_n, 0.99);
  printf("3. hot set of %d functions, %zu requests; budget %.1f MB (%zu runtimes' worth)\n",
         HOT, hot_n, eo.runtime_memory_budget / 1048576.0, (size_t)(2 * HOT));
  printf("   alone:           %.0f req/s, p50 %.1f us, p99 %.1f us\n", (double)hot_n / alone_s,
         alone_p50, alone_p99);
  printf("   with %zu others churning (1 cold request per %d hot): hot set %.0f req/s of its "
         "own time, p50 %.1f us, p99 %.1f us (p99 %.2fx alone); all requests %.0f req/s\n",
         cold_n, HOT_PER_COLD, (double)hot_n / ((double)hot_time / 1e9), p50, p99,
         p99 / alone_p99, (double)(hot_n + cold_n) / mixed_s);
  uint64_t churn_starts = after.cold_starts - before.cold_starts;
  double cold_med = quantile_us(cold_lat, cold_done, 0.5);
  printf("   during the churn: %llu cold starts (median %.0f us, p99 %.0f us: evicted runtimes' "
         "memory reused), %llu evictions, %llu of them in the hot set; "
         "%zu runtimes, %.1f MB at the end\n",
         (unsigned long long)churn_starts, cold_med, quantile_us(cold_lat, cold_done, 0.99),
         (unsigned long long)(after.evictions - before.evictions),
         (unsigned long long)(hot_cold_after - hot_cold_before), after.runtimes,
         after.runtime_bytes / 1048576.0);
  free(lat);
  free(cold_lat);
  edgefn_edge_detach(edge, loop);
  edgefn_edge_free(edge);
}

/* ---- 4. a spike on one function ---- */

/* A: about 100 us of CPU, then 10 ms of waiting (a subrequest, say) before it answers.
 * B: answers at once. */
static const char flood_js[] =
    "addEventListener('fetch', function (ev) {\n"
    "  var x = 0;\n"
    "  for (var i = 0; i < 3000; i++) x = (x + i * 7) % 1000003;\n"
    "  ev.respondWith(new Promise(function (res) {\n"
    "    setTimeout(function () { res(new Response('a' + x)); }, 10);\n"
    "  }));\n"
    "});\n";
static const char steady_js[] =
    "addEventListener('fetch', function (ev) {\n"
    "  ev.respondWith(new Response('b'));\n"
    "});\n";

typedef struct spike_req {
  uint64_t due; /* when it arrived (was due to arrive), ns */
  int is_b;
  int status;
  struct spike_run *run;
} spike_req;

typedef struct spike_run {
  uint64_t *b_lat;
  size_t b_n, b_cap;
  size_t a_ok, a_shed, a_other, open;
} spike_run;

static void spike_head(void *ud, const edgefn_response_head *h) {
  ((spike_req *)ud)->status = h->status;
}
static void spike_end(void *ud, int result) {
  (void)result;
  spike_req *r = ud;
  spike_run *run = r->run;
  if (r->is_b) {
    if (run->b_n < run->b_cap)
      run->b_lat[run->b_n++] = now_ns() - r->due;
  } else if (r->status == 200)
    run->a_ok++;
  else if (r->status == 503)
    run->a_shed++;
  else
    run->a_other++;
  run->open--;
  free(r);
}
static const edgefn_response_handler spike_handler = {sizeof(edgefn_response_handler),
                                                      spike_head, NULL, spike_end};

#define SPIKE_SECONDS 2
#define SPIKE_ROUNDS 3 /* the three cases take turns; the medians are compared */
#define B_RATE 500           /* requests/s of the steady function */
#define A_CONCURRENCY 8      /* A's slots: with 10 ms per request, a capacity of 800/s */
#define A_CAPACITY (A_CONCURRENCY * 100)

/* The unlimited reference run drives A into its timer limit; count those messages rather
 * than print thousands of them. */
static size_t spike_log_count;
static void spike_log(void *ud, int level, const char *fn, const char *msg, size_t len) {
  (void)ud, (void)level, (void)fn, (void)msg, (void)len;
  spike_log_count++;
}

static void spike_send(edgefn_edge *edge, edgefn_loop *loop, spike_run *run, int is_b,
                       uint64_t due) {
  spike_req *r = calloc(1, sizeof(*r));
  r->due = due;
  r->is_b = is_b;
  r->run = run;
  const char *url = is_b ? "http://site.test/b/" : "http://site.test/a/";
  edgefn_request req = EDGEFN_REQUEST_INIT;
  req.url = url;
  req.url_len = strlen(url);
  run->open++;
  int rc = edgefn_edge_handle(edge, loop, &req, &spike_handler, r);
  if (rc != 0)
    die("handle", rc);
}

/* Requests arrive on a fixed schedule (open loop); B's latency counts from when it was due,
 * so time the loop spent on A's work before it got to B is in the figure. */
typedef struct spike_result {
  double p50, p99;
} spike_result;

static spike_result spike_run_once(edgefn_loop *loop, edgefn_rules *rules, edgefn_script *a,
                                   edgefn_script *b, uint32_t a_rate, uint32_t concurrency,
                                   uint32_t queue, const char *label) {
  edgefn_function fns[2] = {EDGEFN_FUNCTION_INIT, EDGEFN_FUNCTION_INIT};
  edgefn_runtime_options ro = EDGEFN_RUNTIME_OPTIONS_INIT;
  ro.log = spike_log;
  fns[0].options = &ro;
  fns[1].options = &ro;
  spike_log_count = 0;
  fns[0].name = "a";
  fns[0].script = a;
  fns[1].name = "b";
  fns[1].script = b;
  edgefn_edge_options eo = EDGEFN_EDGE_OPTIONS_INIT;
  eo.functions = fns;
  eo.function_count = 2;
  eo.rules = rules;
  eo.function_concurrency = concurrency;
  eo.function_queue = queue;
  edgefn_edge *edge = NULL;
  int rc = edgefn_edge_new(&edge, &eo, NULL);
  if (rc == 0)
    rc = edgefn_edge_attach(edge, loop);
  if (rc != 0)
    die("spike edge", rc);
  spike_run run = {0};
  run.b_cap = B_RATE * SPIKE_SECONDS + 16;
  run.b_lat = malloc(run.b_cap * sizeof(uint64_t));
  uint64_t t0 = now_ns(), end = t0 + (uint64_t)SPIKE_SECONDS * 1000000000u;
  uint64_t next_a = t0, next_b = t0;
  uint64_t a_period = a_rate ? 1000000000u / a_rate : UINT64_MAX;
  uint64_t b_period = 1000000000u / B_RATE;
  size_t a_sent = 0;
  for (;;) {
    uint64_t now = now_ns();
    if (now >= end)
      break;
    while (next_b <= now) {
      spike_send(edge, loop, &run, 1, next_b);
      next_b += b_period;
    }
    while (a_rate && next_a <= now) {
      spike_send(edge, loop, &run, 0, next_a);
      next_a += a_period;
      a_sent++;
    }
    edgefn_loop_run(loop, EDGEFN_RUN_NOWAIT);
  }
  while (run.open)
    edgefn_loop_run(loop, EDGEFN_RUN_ONCE);
  size_t b_n = run.b_n;
  double p50 = quantile_us(run.b_lat, b_n, 0.5), p99 = quantile_us(run.b_lat, b_n, 0.99);
  edgefn_edge_stats s = stats(edge, loop, "a");
  printf("   %-38s B: %zu requests, p50 %.0f us, p99 %.0f us", label, b_n, p50, p99);
  if (a_rate)
    printf("; A: %zu sent, %zu served, %zu shed (503), %zu failed (%zu log messages); stats "
           "shed %llu",
           a_sent, run.a_ok, run.a_shed, run.a_other, spike_log_count,
           (unsigned long long)s.shed);
  printf("\n");
  free(run.b_lat);
  edgefn_edge_detach(edge, loop);
  edgefn_edge_free(edge);
  return (spike_result){p50, p99};
}

static int cmp_double(const void *x, const void *y) {
  double a = *(const double *)x, b = *(const double *)y;
  return a < b ? -1 : a > b;
}

static double median3(double *v) {
  qsort(v, SPIKE_ROUNDS, sizeof(double), cmp_double);
  return v[SPIKE_ROUNDS / 2];
}

static void bench_spike(edgefn_loop *loop) {
  const char *json = "{\"rules\": ["
                     "{\"function\": \"a\", \"match\": [[{\"field\": \"path\", \"operator\": "
                     "\"prefix\", \"values\": [\"/a/\"]}]]},"
                     "{\"function\": \"b\", \"match\": [[{\"field\": \"path\", \"operator\": "
                     "\"prefix\", \"values\": [\"/b/\"]}]]}]}";
  edgefn_rules *rules = NULL;
  int rc = edgefn_rules_from_json(&rules, json, strlen(json), "rules.json", NULL);
  if (rc != 0)
    die("rules", rc);
  edgefn_script *a = compile(flood_js), *b = compile(steady_js);
  printf("4. spike: A flooded at %d req/s, 10x its capacity (%d slots x 10 ms), B steady at "
         "%d req/s, %d s each:\n",
         10 * A_CAPACITY, A_CONCURRENCY, B_RATE, SPIKE_SECONDS);
  double p50[3][SPIKE_ROUNDS], p99[3][SPIKE_ROUNDS];
  for (int r = 0; r < SPIKE_ROUNDS; r++) {
    spike_result x[3];
    x[0] = spike_run_once(loop, rules, a, b, 0, A_CONCURRENCY, 2 * A_CONCURRENCY, "no flood:");
    x[1] = spike_run_once(loop, rules, a, b, 10 * A_CAPACITY, A_CONCURRENCY, 2 * A_CONCURRENCY,
                          "flood, A limited to 8 + queue 16:");
    x[2] = spike_run_once(loop, rules, a, b, 10 * A_CAPACITY, 1000000, 1000000,
                          "reference: flood, no limit on A:");
    for (int k = 0; k < 3; k++) {
      p50[k][r] = x[k].p50;
      p99[k][r] = x[k].p99;
    }
  }
  double base = median3(p99[0]);
  printf("   medians of %d rounds, B: no flood p50 %.0f us p99 %.0f us; flood with the limit "
         "p50 %.0f us p99 %.0f us (%.2fx); flood without it p50 %.0f us p99 %.0f us (%.1fx)\n",
         SPIKE_ROUNDS, median3(p50[0]), base, median3(p50[1]), median3(p99[1]),
         median3(p99[1]) / base, median3(p50[2]), median3(p99[2]), median3(p99[2]) / base);
  edgefn_script_free(a);
  edgefn_script_free(b);
  edgefn_rules_free(rules);
}

int main(int argc, char **argv) {
  size_t n = argc > 1 ? (size_t)strtoul(argv[1], NULL, 10) : 10000;
  const char *parts = argc > 2 ? argv[2] : "1234";
  if (n < HOT + 1) {
    fprintf(stderr, "usage: %s [functions > %d]\n", argv[0], HOT);
    return 2;
  }
  edgefn_loop *loop = NULL;
  int rc = edgefn_loop_new(&loop, NULL);
  if (rc != 0)
    die("loop", rc);
  size_t idle_bytes = bench_idle(loop); /* also the unit of part 3's budget */
  if (strchr(parts, '2') || strchr(parts, '3')) {
    fleet f;
    uint64_t t0 = now_ns();
    fleet_make(&f, n);
    printf("   (compiling %zu scripts and %zu rules took %.2f s; not part of the figures)\n", n,
           n, (double)(now_ns() - t0) / 1e9);
    if (strchr(parts, '2'))
      bench_many(loop, &f);
    if (strchr(parts, '3'))
      bench_churn(loop, &f, idle_bytes);
    fleet_free(&f);
  }
  if (strchr(parts, '4'))
    bench_spike(loop);
  edgefn_loop_free(loop);
  if (failed_requests)
    printf("(%zu requests in parts 1-3 did not answer 200: see the log above)\n",
           failed_requests);
  return 0;
}
