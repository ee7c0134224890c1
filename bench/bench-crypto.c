/* Benchmark: SHA-256 and HMAC-SHA256 throughput of crypto.subtle inside the sandbox against
 * the same mbedTLS functions called directly from C, for 64 KB inputs. Target from issue 5:
 * the sandbox reaches at least 0.8x of direct C.
 *
 *   scripts/bench            (builds a release build first)
 *   build-release/bench/edgefn-bench-crypto [rounds]
 */
#include <edgefn/edgefn.h>

#include <mbedtls/md.h>
#include <mbedtls/sha256.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define INPUT 65536
#define PER_REQUEST 32 /* operations per dispatched request */

static double now_s(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int cmp_double(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return x < y ? -1 : x > y;
}

typedef struct done {
  int status, ended, result;
  char body[64];
  size_t len;
} done;

static void on_head(void *ud, const edgefn_response_head *h) { ((done *)ud)->status = h->status; }
static void on_body(void *ud, const uint8_t *p, size_t n) {
  done *d = ud;
  size_t k = n < sizeof(d->body) - 1 - d->len ? n : sizeof(d->body) - 1 - d->len;
  memcpy(d->body + d->len, p, k);
  d->len += k;
  d->body[d->len] = '\0';
}
static void on_end(void *ud, int result) {
  ((done *)ud)->ended = 1;
  ((done *)ud)->result = result;
}

/* The input is the same bytes in C and in the script: byte i is (i * 31) & 255. */
static const char script_js[] =
    "var buf = new Uint8Array(65536);\n"
    "for (var i = 0; i < buf.length; i++) buf[i] = (i * 31) & 255;\n"
    "var key = null;\n"
    "function getKey() {\n"
    "  if (key) return Promise.resolve(key);\n"
    "  return crypto.subtle.importKey('raw', new Uint8Array(32), { name: 'HMAC',\n"
    "      hash: 'SHA-256' }, false, ['sign']).then(function (k) { key = k; return k; });\n"
    "}\n"
    "function hex(ab) { var u = new Uint8Array(ab), s = '';\n"
    "  for (var i = 0; i < u.length; i++) s += (u[i] < 16 ? '0' : '') + u[i].toString(16);\n"
    "  return s; }\n"
    "addEventListener('fetch', function (ev) {\n"
    "  var hmac = ev.request.url.indexOf('/hmac') >= 0, last;\n"
    "  var p = getKey();\n"
    "  for (var i = 0; i < 32; i++) p = p.then(function () {\n"
    "    return hmac ? crypto.subtle.sign('HMAC', key, buf) : crypto.subtle.digest('SHA-256', buf);\n"
    "  });\n"
    "  ev.respondWith(p.then(function (d) { return new Response(hex(d).slice(0, 16)); }));\n"
    "});\n";

static void hex16(const unsigned char *d, char *out) {
  for (int i = 0; i < 8; i++)
    sprintf(out + 2 * i, "%02x", d[i]);
}

/* MB/s of the sandbox for one operation (path "/sha" or "/hmac"); checks its answer. */
static double sandbox_rate(edgefn_runtime *rt, edgefn_loop *loop, const char *url,
                           const char *expect, int rounds) {
  double *t = calloc((size_t)rounds, sizeof(double));
  for (int r = -1; r < rounds; r++) { /* round -1 warms up */
    edgefn_request req = EDGEFN_REQUEST_INIT;
    req.url = url;
    req.url_len = strlen(url);
    edgefn_response_handler h = {sizeof(h), on_head, on_body, on_end};
    done d = {0};
    double t0 = now_s();
    if (edgefn_runtime_dispatch(rt, &req, &h, &d) != 0)
      exit(1);
    while (!d.ended)
      edgefn_loop_run(loop, EDGEFN_RUN_ONCE);
    double dt = now_s() - t0;
    if (d.status != 200 || strcmp(d.body, expect) != 0) {
      fprintf(stderr, "%s: status %d, body '%s', expected '%s'\n", url, d.status, d.body,
              expect);
      exit(1);
    }
    if (r >= 0)
      t[r] = dt;
  }
  qsort(t, (size_t)rounds, sizeof(double), cmp_double);
  double rate = PER_REQUEST * (double)INPUT / t[rounds / 2] / 1e6;
  free(t);
  return rate;
}

static double c_rate(const unsigned char *buf, bool hmac, unsigned char out[32], int rounds) {
  const mbedtls_md_info_t *md = mbedtls_md_info_from_type(MBEDTLS_MD_SHA256);
  unsigned char key[32] = {0};
  double *t = calloc((size_t)rounds, sizeof(double));
  for (int r = -1; r < rounds; r++) {
    double t0 = now_s();
    for (int i = 0; i < PER_REQUEST; i++) {
      if (hmac)
        mbedtls_md_hmac(md, key, sizeof(key), buf, INPUT, out);
      else
        mbedtls_sha256_ret(buf, INPUT, out, 0);
    }
    if (r >= 0)
      t[r] = now_s() - t0;
  }
  qsort(t, (size_t)rounds, sizeof(double), cmp_double);
  double rate = PER_REQUEST * (double)INPUT / t[rounds / 2] / 1e6;
  free(t);
  return rate;
}

int main(int argc, char **argv) {
  int rounds = argc > 1 ? atoi(argv[1]) : 31;
  if (rounds < 3) {
    fprintf(stderr, "usage: %s [rounds >= 3]\n", argv[0]);
    return 2;
  }
  unsigned char *buf = malloc(INPUT);
  for (int i = 0; i < INPUT; i++)
    buf[i] = (unsigned char)((i * 31) & 255);
  edgefn_loop *loop = NULL;
  edgefn_script *s = NULL;
  edgefn_runtime *rt = NULL;
  edgefn_script_options so = EDGEFN_SCRIPT_OPTIONS_INIT;
  so.source = script_js;
  so.source_len = strlen(script_js);
  so.filename = "bench-crypto.js";
  edgefn_error_info err = EDGEFN_ERROR_INFO_INIT;
  if (edgefn_loop_new(&loop, NULL) != 0 || edgefn_script_new(&s, &so, &err) != 0 ||
      edgefn_runtime_new(&rt, loop, s, NULL, &err) != 0) {
    fprintf(stderr, "setup failed: %s\n", err.message);
    return 1;
  }
  printf("libedgefn %s: %d KB inputs, %d operations per request, median of %d rounds\n",
         edgefn_version(), INPUT / 1024, PER_REQUEST, rounds);
  const struct {
    const char *label, *url;
    bool hmac;
  } cases[] = {{"SHA-256", "http://bench/sha", false}, {"HMAC-SHA256", "http://bench/hmac", true}};
  bool met = true;
  for (size_t i = 0; i < 2; i++) {
    unsigned char out[32];
    char expect[17];
    double direct = c_rate(buf, cases[i].hmac, out, rounds);
    hex16(out, expect);
    double sandbox = sandbox_rate(rt, loop, cases[i].url, expect, rounds);
    double ratio = sandbox / direct;
    met = met && ratio >= 0.8;
    printf("%-12s sandbox %8.1f MB/s   mbedTLS from C %8.1f MB/s   ratio %.2fx\n",
           cases[i].label, sandbox, direct, ratio);
  }
  printf("target: >= 0.8x of direct mbedTLS at 64 KB: %s\n", met ? "met" : "NOT met");
  edgefn_runtime_free(rt);
  edgefn_script_free(s);
  edgefn_loop_free(loop);
  free(buf);
  return 0;
}
