/* The regular-expression differential corpus: runs every program of corpus.js (chunks after
 * "//// name" lines, each after prelude.js, each in a fresh runtime) under libedgefn and
 * compares what it prints (console.log lines) with corpus.expected, which Node produced
 * (run-node.js). Programs listed in known-failures.txt count as skipped when they differ.
 * Usage: regexp-corpus DIR [--print] [name-prefix] */
#include <edgefn/edgefn.h>

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct text {
  char *p;
  size_t len;
} text;

static void text_add(text *t, const char *s, size_t n) {
  t->p = realloc(t->p, t->len + n + 1);
  if (!t->p)
    abort();
  memcpy(t->p + t->len, s, n);
  t->len += n;
  t->p[t->len] = '\0';
}

static char *read_file(const char *dir, const char *name) {
  char path[4096];
  snprintf(path, sizeof(path), "%s/%s", dir, name);
  FILE *f = fopen(path, "rb");
  if (!f) {
    fprintf(stderr, "regexp-corpus: cannot open %s\n", path);
    exit(2);
  }
  text t = {0};
  char buf[65536];
  size_t n;
  while ((n = fread(buf, 1, sizeof(buf), f)) > 0)
    text_add(&t, buf, n);
  fclose(f);
  if (!t.p)
    text_add(&t, "", 0);
  return t.p;
}

static void on_log(void *ud, int level, const char *fn, const char *msg, size_t len) {
  (void)level;
  (void)fn;
  text *t = ud;
  text_add(t, msg, len);
  text_add(t, "\n", 1);
}

/* True when name is listed (one name per line, # comments) in the known-failures text. */
static bool is_known(const char *known, const char *name) {
  size_t n = strlen(name);
  for (const char *l = known; *l;) {
    const char *e = strchr(l, '\n');
    size_t len = e ? (size_t)(e - l) : strlen(l);
    if (len == n && strncmp(l, name, n) == 0)
      return true;
    l += len + (e ? 1 : 0);
  }
  return false;
}

/* Splits src into chunks: names[i] and bodies[i] point into src (NUL-terminated in place). */
static size_t split_chunks(char *src, char **names, char **bodies, size_t max) {
  size_t n = 0;
  char *p = src;
  while ((p = strstr(p, "//// ")) != NULL) {
    if (p != src && p[-1] != '\n') {
      p += 5;
      continue;
    }
    if (n == max)
      break;
    char *name = p + 5;
    char *nl = strchr(name, '\n');
    if (!nl)
      break;
    *nl = '\0';
    names[n] = name;
    bodies[n] = nl + 1;
    n++;
    p = nl + 1;
  }
  /* terminate each body at the next chunk's marker */
  for (size_t i = 0; i + 1 < n; i++)
    names[i + 1][-5] = '\0';
  return n;
}

static int run_program(const char *prelude, const char *body, text *out) {
  size_t size = strlen(prelude) + strlen(body) + 2;
  char *src = malloc(size);
  snprintf(src, size, "%s\n%s", prelude, body);
  edgefn_loop *loop = NULL;
  edgefn_script *script = NULL;
  edgefn_runtime *rt = NULL;
  edgefn_error_info err;
  memset(&err, 0, sizeof(err));
  err.struct_size = sizeof(err);
  int rc = edgefn_loop_new(&loop, NULL);
  edgefn_script_options so = EDGEFN_SCRIPT_OPTIONS_INIT;
  so.source = src;
  so.source_len = strlen(src);
  so.filename = "corpus.js";
  if (!rc)
    rc = edgefn_script_new(&script, &so, &err);
  if (!rc) {
    edgefn_runtime_options ro = EDGEFN_RUNTIME_OPTIONS_INIT;
    ro.name = "corpus";
    ro.log = on_log;
    ro.log_user_data = out;
    rc = edgefn_runtime_new(&rt, loop, script, &ro, &err);
  }
  if (rc) {
    char line[1200];
    snprintf(line, sizeof(line), "uncaught %s\n", err.message);
    text_add(out, line, strlen(line));
  }
  edgefn_runtime_free(rt);
  edgefn_script_free(script);
  edgefn_loop_free(loop);
  free(src);
  return rc;
}

#define MAX_PROGRAMS 4096

int main(int argc, char **argv) {
  if (argc < 2) {
    fprintf(stderr, "usage: %s DIR [--print] [name-prefix]\n", argv[0]);
    return 2;
  }
  const char *dir = argv[1];
  bool print = argc > 2 && strcmp(argv[2], "--print") == 0;
  const char *prefix = argc > (print ? 3 : 2) ? argv[print ? 3 : 2] : "";
  char *prelude = read_file(dir, "prelude.js");
  char *corpus = read_file(dir, "corpus.js");
  char *expected = read_file(dir, "corpus.expected");
  char *known = read_file(dir, "known-failures.txt");
  static char *names[MAX_PROGRAMS], *bodies[MAX_PROGRAMS];
  static char *enames[MAX_PROGRAMS], *ebodies[MAX_PROGRAMS];
  size_t n = split_chunks(corpus, names, bodies, MAX_PROGRAMS);
  size_t en = split_chunks(expected, enames, ebodies, MAX_PROGRAMS);
  int passed = 0, failed = 0, skipped = 0;
  for (size_t i = 0; i < n; i++) {
    if (strncmp(names[i], prefix, strlen(prefix)) != 0)
      continue;
    text out = {0};
    text_add(&out, "", 0);
    run_program(prelude, bodies[i], &out);
    if (print) {
      printf("//// %s\n%s", names[i], out.p);
      free(out.p);
      continue;
    }
    const char *want = NULL;
    for (size_t k = 0; k < en; k++)
      if (strcmp(enames[k], names[i]) == 0)
        want = ebodies[k];
    if (want && strcmp(want, out.p) == 0) {
      passed++;
    } else if (is_known(known, names[i])) {
      skipped++;
      printf("known failure (skipped): %s\n", names[i]);
    } else {
      failed++;
      printf("FAIL %s\n--- node\n%s--- libedgefn\n%s\n", names[i], want ? want : "(no expected output)\n",
             out.p);
    }
    free(out.p);
  }
  free(prelude);
  free(corpus);
  free(expected);
  free(known);
  if (!print)
    printf("%d passed, %d failed, %d skipped\n", passed, failed, skipped);
  return failed ? 1 : 0;
}
