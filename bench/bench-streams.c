/* Benchmark: Streams throughput inside the sandbox with 64 KB chunks.
 *
 *   pass-through TransformStream: a pull source -> pipeThrough(new TransformStream()) ->
 *     pipeTo(a WritableStream that counts bytes), all in the script (target from issue 5:
 *     at least 500 MB/s);
 *   reference, reader loop: the same source read with reader.read() in a loop, no
 *     TransformStream and no pipe (the cost floor of one promise round trip per chunk);
 *   to the host: the function responds with source.pipeThrough(new TransformStream()) and
 *     the runtime delivers each chunk to on_body (the streamed-response path).
 *
 * Each figure is the median of several rounds of CHUNKS chunks (the chunk is one shared
 * Uint8Array: the streams pass it by reference, as they would a body's chunks), in bytes
 * per second of process CPU time.
 *
 *   scripts/bench            (builds a release build first)
 *   build-release/bench/edgefn-bench-streams [chunks] [rounds]
 */
#include <edgefn/edgefn.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define CHUNK 65536

/* Process CPU time: the VM's neighbours take the cores unevenly, and the sandbox is single
 * threaded, so CPU seconds measure the library's cost better than wall time. */
static double now_s(void) {
  struct timespec ts;
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static double wall_s(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int cmp_double(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return x < y ? -1 : x > y;
}

typedef struct sink {
  int status;
  long long bytes;
  int ends, result;
  char text[256];
  size_t text_len;
} sink;

static void on_head(void *ud, const edgefn_response_head *head) {
  ((sink *)ud)->status = head->status;
}
static void on_body(void *ud, const uint8_t *data, size_t len) {
  sink *s = ud;
  s->bytes += (long long)len;
  size_t n = len < sizeof(s->text) - 1 - s->text_len ? len : sizeof(s->text) - 1 - s->text_len;
  memcpy(s->text + s->text_len, data, n);
  s->text_len += n;
  s->text[s->text_len] = '\0';
}
static void on_end(void *ud, int result) {
  sink *s = ud;
  s->ends++;
  s->result = result;
}

static const char script[] =
    "var chunk = new Uint8Array(65536);\n"
    "function source(n) {\n"
    "  var sent = 0;\n"
    "  return new ReadableStream({ pull: function (c) {\n"
    "    if (sent++ < n) c.enqueue(chunk); else c.close(); } });\n"
    "}\n"
    "addEventListener('fetch', function (e) {\n"
    "  var u = new URL(e.request.url), n = +u.searchParams.get('n'), total = 0;\n"
    "  var mode = u.pathname;\n"
    "  if (mode === '/host')\n"
    "    return e.respondWith(new Response(source(n).pipeThrough(new TransformStream())));\n"
    "  var done;\n"
    "  if (mode === '/transform') {\n"
    "    done = source(n).pipeThrough(new TransformStream()).pipeTo(new WritableStream({\n"
    "      write: function (c) { total += c.byteLength; } }));\n"
    "  } else {\n"
    "    var r = source(n).getReader();\n"
    "    done = (function step() { return r.read().then(function (x) {\n"
    "      if (x.done) return; total += x.value.byteLength; return step(); }); })();\n"
    "  }\n"
    "  e.respondWith(done.then(function () { return new Response(String(total)); }));\n"
    "});\n";

static double run_round(edgefn_loop *loop, edgefn_runtime *rt, const char *mode, long chunks,
                        long long *bytes, double *wall) {
  char url[128];
  snprintf(url, sizeof(url), "http://bench/%s?n=%ld", mode, chunks);
  edgefn_request req = EDGEFN_REQUEST_INIT;
  req.url = url;
  req.url_len = strlen(url);
  sink s = {0};
  static const edgefn_response_handler h = {sizeof(edgefn_response_handler), on_head, on_body,
                                            on_end};
  double t0 = now_s(), w0 = wall_s();
  if (edgefn_runtime_dispatch(rt, &req, &h, &s) != 0)
    return -1;
  while (!s.ends)
    edgefn_loop_run(loop, EDGEFN_RUN_ONCE);
  double took = now_s() - t0;
  *wall = wall_s() - w0;
  if (s.result != 0 || s.status != 200) {
    fprintf(stderr, "%s: status %d result %d: %s (%s)\n", mode, s.status, s.result, s.text,
            edgefn_runtime_last_error(rt));
    return -1;
  }
  *bytes = strcmp(mode, "host") == 0 ? s.bytes : atoll(s.text);
  return took;
}

static double measure(edgefn_loop *loop, edgefn_runtime *rt, const char *mode, long chunks,
                      int rounds) {
  double *mbps = calloc((size_t)rounds, sizeof(double));
  double *wall_mbps = calloc((size_t)rounds, sizeof(double));
  long long bytes = 0;
  double wall;
  run_round(loop, rt, mode, 16, &bytes, &wall); /* warm-up: installs the classes */
  for (int i = 0; i < rounds; i++) {
    double took = run_round(loop, rt, mode, chunks, &bytes, &wall);
    if (took <= 0 || bytes != (long long)chunks * CHUNK) {
      fprintf(stderr, "%s: round failed (%lld bytes)\n", mode, bytes);
      free(mbps);
      free(wall_mbps);
      return -1;
    }
    mbps[i] = (double)bytes / took / 1e6;
    wall_mbps[i] = (double)bytes / wall / 1e6;
  }
  qsort(mbps, (size_t)rounds, sizeof(double), cmp_double);
  qsort(wall_mbps, (size_t)rounds, sizeof(double), cmp_double);
  double median = mbps[rounds / 2], best = mbps[rounds - 1];
  printf("  %-12s %6.0f MB/s median, %6.0f best per CPU second; %6.0f MB/s median wall"
         " (%ld x 64 KB, %d rounds)\n",
         mode, median, best, wall_mbps[rounds / 2], chunks, rounds);
  free(mbps);
  free(wall_mbps);
  return median;
}

int main(int argc, char **argv) {
  long chunks = argc > 1 ? atol(argv[1]) : 4096;
  int rounds = argc > 2 ? atoi(argv[2]) : 7;
  if (chunks < 1 || rounds < 1)
    return 2;
  edgefn_loop *loop;
  edgefn_script *sc;
  edgefn_runtime *rt;
  edgefn_error_info err = EDGEFN_ERROR_INFO_INIT;
  edgefn_script_options so = EDGEFN_SCRIPT_OPTIONS_INIT;
  so.source = script;
  so.source_len = strlen(script);
  so.filename = "bench-streams.js";
  edgefn_runtime_options ro = EDGEFN_RUNTIME_OPTIONS_INIT;
  ro.cpu_limit_ms = 600000; /* the rounds are long on purpose */
  ro.wall_limit_ms = 600000;
  if (edgefn_loop_new(&loop, NULL) || edgefn_script_new(&sc, &so, &err) ||
      edgefn_runtime_new(&rt, loop, sc, &ro, &err)) {
    fprintf(stderr, "setup failed: %s\n", err.message);
    return 1;
  }
  printf("Streams throughput in the sandbox, 64 KB chunks:\n");
  double pass = measure(loop, rt, "transform", chunks, rounds);
  double ref = measure(loop, rt, "reader-loop", chunks, rounds);
  double host = measure(loop, rt, "host", chunks, rounds);
  if (pass > 0 && ref > 0)
    printf("  pass-through TransformStream = %.2fx the reader loop\n", pass / ref);
  if (pass > 0)
    printf("  target (issue 5): pass-through TransformStream >= 500 MB/s: %s\n",
           pass >= 500 ? "met" : "NOT met");
  edgefn_runtime_free(rt);
  edgefn_script_free(sc);
  edgefn_loop_free(loop);
  return pass > 0 && ref > 0 && host > 0 ? 0 : 1;
}
