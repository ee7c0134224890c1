/* edgefn-js: runs a script in the sandbox and prints its console output, or (--emit)
 * prints the ES5 the built-in compiler lowers it to. For authors checking what the
 * library does with their code, and for the compiler's differential tests against Node. */
#include "compiler/lower.h"

#include <edgefn/edgefn.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static char *read_all(const char *path, size_t *len) {
  FILE *f = strcmp(path, "-") == 0 ? stdin : fopen(path, "rb");
  if (!f)
    return NULL;
  size_t cap = 65536, n = 0;
  char *buf = malloc(cap);
  while (buf) {
    size_t got = fread(buf + n, 1, cap - n, f);
    n += got;
    if (n < cap)
      break;
    char *grown = realloc(buf, cap * 2);
    if (!grown) {
      free(buf);
      buf = NULL;
      break;
    }
    buf = grown;
    cap *= 2;
  }
  if (f != stdin)
    fclose(f);
  *len = n;
  return buf;
}

/* console.log/info/debug go to stdout and warn/error (and the runtime's own reports) to
 * stderr, as Node does. */
static void on_log(void *ud, int level, const char *fn, const char *msg, size_t len) {
  (void)ud;
  (void)fn;
  FILE *out = level <= EDGEFN_LOG_WARN ? stderr : stdout;
  fwrite(msg, 1, len, out);
  fputc('\n', out);
  fflush(out);
}

static int usage(void) {
  fprintf(stderr, "usage: edgefn-js [--emit] FILE.js [MODULE.js...]   (FILE may be - for stdin)\n"
                  "  MODULEs are the other files of a bundle, named relative to FILE's directory\n");
  return 2;
}

int main(int argc, char **argv) {
  bool emit = false;
  const char *path = NULL;
  const char **mod_paths = calloc((size_t)argc, sizeof(char *));
  size_t nmods = 0;
  if (!mod_paths)
    return 2;
  for (int i = 1; i < argc; i++) {
    if (strcmp(argv[i], "--emit") == 0)
      emit = true;
    else if (!path)
      path = argv[i];
    else
      mod_paths[nmods++] = argv[i];
  }
  if (!path || (emit && nmods)) {
    free(mod_paths);
    return usage();
  }
  /* a bundle's other files: their names are their paths relative to the entry's directory */
  edgefn_script_source *mods = calloc(nmods ? nmods : 1, sizeof(*mods));
  const char *slash = strrchr(path, '/');
  size_t dir_len = slash ? (size_t)(slash - path) + 1 : 0;
  for (size_t i = 0; mods && i < nmods; i++) {
    if (strncmp(mod_paths[i], path, dir_len) != 0) {
      fprintf(stderr, "edgefn-js: %s is not under %.*s\n", mod_paths[i], (int)dir_len, path);
      return 2;
    }
    mods[i].name = mod_paths[i] + dir_len;
    mods[i].source = read_all(mod_paths[i], &mods[i].source_len);
    if (!mods[i].source) {
      fprintf(stderr, "edgefn-js: cannot read %s\n", mod_paths[i]);
      return 2;
    }
  }
  free(mod_paths);
  size_t len = 0;
  char *src = read_all(path, &len);
  if (!src) {
    fprintf(stderr, "edgefn-js: cannot read %s\n", path);
    return 2;
  }
  edgefn_error_info err = EDGEFN_ERROR_INFO_INIT;
  if (emit) {
    char *out = NULL;
    size_t out_len = 0;
    int rc = edgefn__lower(src, len, path, &out, &out_len, &err);
    free(src);
    free(mods);
    if (rc != 0) {
      fprintf(stderr, "%s:%d:%d: SyntaxError: %s\n", err.file, err.line, err.column,
              err.message);
      return 1;
    }
    fwrite(out, 1, out_len, stdout);
    free(out);
    return 0;
  }
  edgefn_script_options so = EDGEFN_SCRIPT_OPTIONS_INIT;
  so.source = src;
  so.source_len = len;
  so.filename = path;
  so.modules = mods;
  so.module_count = nmods;
  edgefn_script *script = NULL;
  int rc = edgefn_script_new(&script, &so, &err);
  free(src);
  for (size_t i = 0; i < nmods; i++)
    free((char *)mods[i].source);
  free(mods);
  if (rc != 0) {
    fprintf(stderr, "%s:%d:%d: %s\n", err.file, err.line, err.column, err.message);
    return 1;
  }
  edgefn_loop *loop = NULL;
  if (edgefn_loop_new(&loop, NULL) != 0) {
    edgefn_script_free(script);
    return 2;
  }
  edgefn_runtime_options ro = EDGEFN_RUNTIME_OPTIONS_INIT;
  ro.log = on_log;
  ro.cpu_limit_ms = 10000;
  edgefn_runtime *rt = NULL;
  rc = edgefn_runtime_new(&rt, loop, script, &ro, &err);
  int status = 0;
  if (rc != 0) {
    status = 1;
  } else {
    edgefn_loop_run(loop, EDGEFN_RUN_DEFAULT);
    /* a module whose top-level await rejected after the first microtasks (logged) */
    if (edgefn_runtime_status(rt) != 0)
      status = 1;
  }
  edgefn_runtime_free(rt);
  edgefn_script_free(script);
  edgefn_loop_free(loop);
  return status;
}
