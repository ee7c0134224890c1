/* Compile-time benchmark for the ES2022 compiler:
 *   edgefn-bench-compiler CORPUS_DIR [TARGET_KB]
 * builds a modern script of about TARGET_KB (default 100) from the differential corpus (each
 * program wrapped in a function) and reports, as the median of rounds:
 *   lower      the compiler alone (parse + lowering to ES5)
 *   script     edgefn_script_new on the modern source (lowering + Duktape compile + dump)
 *   es5-direct Duktape compiling the lowered ES5 directly (the reference: what a script
 *              already written in ES5 cost before the compiler existed)
 *   es5-script edgefn_script_new on that ES5 text (the compiler's overhead on plain ES5) */
#include "compiler/lower.h"
#include "js/duk.h"

#include <edgefn/edgefn.h>

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define ROUNDS 9

static double now_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts); /* CPU time: other load on the machine does not count */
  return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static int cmp_double(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return x < y ? -1 : x > y;
}

typedef struct src {
  char *d;
  size_t n, cap;
} src;

static void append(src *s, const char *p, size_t n) {
  if (s->n + n + 1 > s->cap) {
    s->cap = (s->n + n + 1) * 2;
    s->d = realloc(s->d, s->cap);
    if (!s->d)
      exit(2);
  }
  memcpy(s->d + s->n, p, n);
  s->n += n;
  s->d[s->n] = '\0';
}

static int name_cmp(const void *a, const void *b) {
  return strcmp(*(char *const *)a, *(char *const *)b);
}

static duk_ret_t duk_compile_safe(duk_context *ctx, void *udata) {
  src *s = udata;
  duk_push_string(ctx, "bench.js");
  duk_compile_lstring_filename(ctx, 0, s->d, s->n);
  duk_dump_function(ctx);
  return 1;
}

static double median(double *t) {
  qsort(t, ROUNDS, sizeof(double), cmp_double);
  return t[ROUNDS / 2];
}

static double time_script(const char *text, size_t len) {
  double t[ROUNDS];
  for (int r = 0; r < ROUNDS; r++) {
    edgefn_script_options so = EDGEFN_SCRIPT_OPTIONS_INIT;
    so.source = text;
    so.source_len = len;
    edgefn_script *s = NULL;
    edgefn_error_info err = EDGEFN_ERROR_INFO_INIT;
    double t0 = now_ms();
    if (edgefn_script_new(&s, &so, &err) != 0) {
      fprintf(stderr, "compile failed: %d:%d %s\n", err.line, err.column, err.message);
      exit(1);
    }
    t[r] = now_ms() - t0;
    edgefn_script_free(s);
  }
  return median(t);
}

int main(int argc, char **argv) {
  if (argc < 2) {
    fprintf(stderr, "usage: edgefn-bench-compiler CORPUS_DIR [TARGET_KB]\n");
    return 2;
  }
  size_t target = (size_t)(argc > 2 ? atoi(argv[2]) : 100) * 1024;
  DIR *d = opendir(argv[1]);
  if (!d)
    return 2;
  char *names[4096];
  int count = 0;
  struct dirent *e;
  while ((e = readdir(d)) && count < 4096) {
    size_t l = strlen(e->d_name);
    if (l > 3 && strcmp(e->d_name + l - 3, ".js") == 0 && !strstr(e->d_name, "module"))
      names[count++] = strdup(e->d_name);
  }
  closedir(d);
  qsort(names, (size_t)count, sizeof(char *), name_cmp);
  src s = {0};
  for (int round = 0; s.n < target && count; round++) {
    for (int i = 0; i < count && s.n < target; i++) {
      char path[4096];
      snprintf(path, sizeof(path), "%s/%s", argv[1], names[i]);
      FILE *f = fopen(path, "rb");
      if (!f)
        continue;
      char buf[65536];
      size_t n = fread(buf, 1, sizeof(buf), f);
      fclose(f);
      if (n > 2 && buf[0] == '#' && buf[1] == '!')
        continue;
      append(&s, "(function () {\n", 15);
      append(&s, buf, n);
      append(&s, "\n});\n", 5);
    }
  }
  for (int i = 0; i < count; i++)
    free(names[i]);
  double t[ROUNDS];
  char *es5 = NULL;
  size_t es5_len = 0;
  for (int r = 0; r < ROUNDS; r++) {
    free(es5);
    double t0 = now_ms();
    if (edgefn__lower(s.d, s.n, "bench.js", &es5, &es5_len, NULL) != 0) {
      fprintf(stderr, "lowering failed\n");
      return 1;
    }
    t[r] = now_ms() - t0;
  }
  double lower = median(t);
  double script = time_script(s.d, s.n);
  src es5s = {es5, es5_len, es5_len};
  duk_context *ctx = edgefn__heap_new(NULL);
  for (int r = 0; r < ROUNDS; r++) {
    double t0 = now_ms();
    if (duk_safe_call(ctx, duk_compile_safe, &es5s, 0, 1) != DUK_EXEC_SUCCESS) {
      fprintf(stderr, "Duktape rejects the lowered text: %s\n", duk_safe_to_string(ctx, -1));
      return 1;
    }
    t[r] = now_ms() - t0;
    duk_pop(ctx);
  }
  duk_destroy_heap(ctx);
  double direct = median(t);
  double es5_script = time_script(es5, es5_len);
  printf("source: %zu bytes modern, %zu bytes lowered\n", s.n, es5_len);
  printf("lower        %7.2f ms  (%.3f ms/KB)\n", lower, lower / (s.n / 1024.0));
  printf("script       %7.2f ms  (modern source, end to end)\n", script);
  printf("es5-direct   %7.2f ms  (reference: Duktape alone on the ES5)\n", direct);
  printf("es5-script   %7.2f ms  (%.2fx the reference: ES5 through the compiler)\n", es5_script,
         es5_script / direct);
  free(es5);
  free(s.d);
  return 0;
}
