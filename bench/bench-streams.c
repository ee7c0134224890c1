/* Benchmark: Streams throughput inside the sandbox with 64 KB chunks.
 *
 *   pass-through TransformStream: a pull source -> pipeThrough(new TransformStream()) ->
 *     pipeTo(a WritableStream that counts bytes), all in the script (target from issue 5:
 *     at least 500 MB/s);
 *   reference, reader loop: the same source read with reader.read() in a loop, no
 *     TransformStream and no pipe (the cost floor of one promise round trip per chunk);
 *   to the host: the function responds with source.pipeThrough(new TransformStream()) and
 *     the runtime delivers each chunk to on_body (the streamed-response path);
 *   fetch body, host-fed: a fetch() whose backend (below, in this file) hands the body over
 *     in 64 KB chunks as fast as the runtime's flow control lets it (pause/resume), read
 *     by the script through r.body.pipeThrough(new TransformStream()) into a counting
 *     WritableStream ("fetch-pipe"), with a default reader ("fetch-read"), and with a
 *     BYOB reader into one reused 64 KB view ("fetch-byob"): the host-fed byte-stream path.
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

/* ---- a fetch backend that sends `total` chunks of 64 KB, honouring pause ---- */

typedef struct bench_op {
  const edgefn_response_handler *handler;
  void *data;
  long total, sent;
  int head_sent, paused, live;
} bench_op;

static bench_op the_op;
static uint8_t body_chunk[CHUNK];

static int bo_start(void *backend, edgefn_loop *loop, const edgefn_request *req,
                    const edgefn_response_handler *handler, void *handler_data, void **op) {
  (void)backend;
  (void)loop;
  const char *q = memchr(req->url, '?', req->url_len);
  the_op = (bench_op){handler, handler_data, q ? atol(q + 1) : 0, 0, 0, 0, 1};
  *op = &the_op;
  return 0;
}
static void bo_cancel(void *backend, void *op) {
  (void)backend;
  ((bench_op *)op)->live = 0;
}
static void bo_release(void *backend) { (void)backend; }
static void bo_pause(void *backend, void *op, int paused) {
  (void)backend;
  ((bench_op *)op)->paused = paused;
}
static const edgefn_fetch_ops bench_fetch_ops = {2, bo_start, bo_cancel, bo_release, bo_pause};

/* One step of the "network": the head, then a chunk unless paused, then the end. Called
 * from the bench's loop between runs of the edgefn loop (the same thread). */
static void bo_step(void) {
  bench_op *o = &the_op;
  if (!o->live)
    return;
  if (!o->head_sent) {
    static const edgefn_header h = {"content-type", 12, "application/octet-stream", 24};
    edgefn_response_head head = {.struct_size = sizeof(edgefn_response_head),
                                 .status = 200,
                                 .status_text = "",
                                 .headers = &h,
                                 .header_count = 1,
                                 .content_length = -1};
    o->head_sent = 1;
    o->handler->on_head(o->data, &head);
    return;
  }
  if (o->paused)
    return;
  if (o->sent < o->total) {
    o->sent++;
    o->handler->on_body(o->data, body_chunk, CHUNK);
    return;
  }
  o->live = 0;
  o->handler->on_end(o->data, 0);
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
    "  if (mode.slice(0, 7) === '/fetch-') {\n"
    "    e.respondWith(fetch('http://origin/?' + n).then(function (r) {\n"
    "      if (mode === '/fetch-pipe')\n"
    "        return r.body.pipeThrough(new TransformStream()).pipeTo(new WritableStream({\n"
    "          write: function (c) { total += c.byteLength; } }));\n"
    "      if (mode === '/fetch-read') {\n"
    "        var rd = r.body.getReader();\n"
    "        return (function step() { return rd.read().then(function (x) {\n"
    "          if (x.done) return; total += x.value.byteLength; return step(); }); })();\n"
    "      }\n"
    "      var br = r.body.getReader({ mode: 'byob' }), view = new Uint8Array(65536);\n"
    "      return (function step() { return br.read(view).then(function (x) {\n"
    "        if (x.done) return; total += x.value.byteLength;\n"
    "        view = new Uint8Array(x.value.buffer); return step(); }); })();\n"
    "    }).then(function () { return new Response(String(total)); }));\n"
    "    return;\n"
    "  }\n"
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
  int net = strncmp(mode, "fetch-", 6) == 0;
  while (!s.ends) {
    if (net) {
      bo_step();
      edgefn_loop_run(loop, EDGEFN_RUN_NOWAIT);
    } else {
      edgefn_loop_run(loop, EDGEFN_RUN_ONCE);
    }
  }
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
  ro.fetch_ops = &bench_fetch_ops;
  /* The "host" rounds stream chunks x 64 KB to on_body: more than the default limit. */
  ro.response_body_limit = (size_t)chunks * CHUNK + CHUNK;
  ro.request_body_limit = (size_t)chunks * CHUNK + CHUNK;
  ro.subrequest_limit = 1000;
  if (edgefn_loop_new(&loop, NULL) || edgefn_script_new(&sc, &so, &err) ||
      edgefn_runtime_new(&rt, loop, sc, &ro, &err)) {
    fprintf(stderr, "setup failed: %s\n", err.message);
    return 1;
  }
  printf("Streams throughput in the sandbox, 64 KB chunks:\n");
  double pass = measure(loop, rt, "transform", chunks, rounds);
  double ref = measure(loop, rt, "reader-loop", chunks, rounds);
  double host = measure(loop, rt, "host", chunks, rounds);
  double fpipe = measure(loop, rt, "fetch-pipe", chunks, rounds);
  double fread = measure(loop, rt, "fetch-read", chunks, rounds);
  double fbyob = measure(loop, rt, "fetch-byob", chunks, rounds);
  if (pass > 0 && ref > 0)
    printf("  pass-through TransformStream = %.2fx the reader loop\n", pass / ref);
  if (pass > 0)
    printf("  target (issue 5): pass-through TransformStream >= 500 MB/s: %s\n",
           pass >= 500 ? "met" : "NOT met");
  edgefn_runtime_free(rt);
  edgefn_script_free(sc);
  edgefn_loop_free(loop);
  return pass > 0 && ref > 0 && host > 0 && fpipe > 0 && fread > 0 && fbyob > 0 ? 0 : 1;
}
