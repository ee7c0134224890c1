/* The WPT URL conformance runner: reads the web-platform-tests URL data (never copied into
 * the tree) and checks the sandbox's URL and URLSearchParams against it, through JavaScript
 * exactly as a function would use them.
 *
 *   wpt-url [CONFORMANCE_DIR]   (default ../shared/conformance)
 *
 * Prints "<file>: P/T passed" per data file with every failing case, then
 * "N passed, N failed[, N skipped]". Cases listed in wpt-url-known-failures.txt (file, case
 * id and reason, tab-separated) are reported and counted as skipped; any other failure makes
 * the exit status non-zero. Missing data is reported and skipped, never passed. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "js/js.h"

#ifndef WPT_URL_KNOWN_FAILURES
#define WPT_URL_KNOWN_FAILURES "tests/conformance/wpt-url-known-failures.txt"
#endif

/* The checks, in the sandbox's own JavaScript (ES5). Each returns [[id, problem or null]]. */
static const char driver_src[] =
    "(function () {\n"
    "var S = JSON.stringify;\n"
    "var props = ['href', 'origin', 'protocol', 'username', 'password', 'host', 'hostname',\n"
    "  'port', 'pathname', 'search', 'hash'];\n"
    "function compare(url, expected, skip) {\n"
    "  var bad = [];\n"
    "  Object.keys(expected).forEach(function (p) {\n"
    "    if (p === 'comment' || skip.indexOf(p) >= 0) return;\n"
    "    var got = p === 'searchParams' ? url.searchParams.toString() : url[p];\n"
    "    if (got !== expected[p])\n"
    "      bad.push(p + ': expected ' + S(expected[p]) + ' got ' + S(got));\n"
    "  });\n"
    "  return bad.length ? bad.join('; ') : null;\n"
    "}\n"
    "function attempt(f) { try { return { v: f() }; } catch (e) { return { e: e }; } }\n"
    "function parsing(data) {\n"
    "  var out = [];\n"
    "  data.forEach(function (t) {\n"
    "    if (typeof t !== 'object') return;\n"
    "    var base = t.base === null || t.base === undefined ? undefined : t.base;\n"
    "    var id = base === undefined ? S(t.input) : S([t.input, base]);\n"
    "    var r = attempt(function () { return new URL(t.input, base); });\n"
    "    var can = URL.canParse(t.input, base), parsed = URL.parse(t.input, base);\n"
    "    if (t.failure) {\n"
    "      if (!r.e) out.push([id, 'expected failure, got ' + S(r.v.href)]);\n"
    "      else if (!(r.e instanceof TypeError)) out.push([id, 'threw ' + r.e.name]);\n"
    "      else if (can || parsed !== null) out.push([id, 'canParse/parse disagree']);\n"
    "      else out.push([id, null]);\n"
    "      return;\n"
    "    }\n"
    "    if (r.e) { out.push([id, 'threw ' + r.e]); return; }\n"
    "    var bad = compare(r.v, t, ['input', 'base', 'failure', 'relativeTo']);\n"
    "    if (!bad && (!can || parsed === null || parsed.href !== r.v.href))\n"
    "      bad = 'canParse/parse disagree';\n"
    "    out.push([id, bad]);\n"
    "  });\n"
    "  return out;\n"
    "}\n"
    "function setters(data) {\n"
    "  var out = [];\n"
    "  Object.keys(data).forEach(function (attr) {\n"
    "    if (attr === 'comment') return;\n"
    "    data[attr].forEach(function (t) {\n"
    "      var id = S([attr, t.href, t.new_value]);\n"
    "      var r = attempt(function () {\n"
    "        var u = new URL(t.href); u[attr] = t.new_value; return u;\n"
    "      });\n"
    "      out.push([id, r.e ? 'threw ' + r.e : compare(r.v, t.expected, [])]);\n"
    "    });\n"
    "  });\n"
    "  return out;\n"
    "}\n"
    "function hosts(data) {\n"
    "  var out = [];\n"
    "  data.forEach(function (t) {\n"
    "    if (typeof t !== 'object' || t.input === '') return;\n"
    "    var id = S(t.input);\n"
    "    var r = attempt(function () { return new URL('https://' + t.input + '/x'); });\n"
    "    if (t.output === null) {\n"
    "      out.push([id, r.e ? null : 'expected failure, got ' + S(r.v.host)]);\n"
    "      return;\n"
    "    }\n"
    "    if (r.e) { out.push([id, 'expected ' + S(t.output) + ', threw ' + r.e]); return; }\n"
    "    out.push([id, compare(r.v, { host: t.output, hostname: t.output, pathname: '/x',\n"
    "      href: 'https://' + t.output + '/x' }, [])]);\n"
    "  });\n"
    "  return out;\n"
    "}\n"
    "function percent(data) {\n"
    "  var out = [];\n"
    "  data.forEach(function (t) {\n"
    "    if (typeof t !== 'object') return;\n"
    "    var r = attempt(function () {\n"
    "      return new URL('https://doesnotmatter.invalid/?' + t.input).search;\n"
    "    });\n"
    "    var want = '?' + t.output['utf-8'];\n"
    "    out.push([S(t.input), r.e ? 'threw ' + r.e : r.v === want ? null :\n"
    "      'expected ' + S(want) + ' got ' + S(r.v)]);\n"
    "  });\n"
    "  return out;\n"
    "}\n"
    "return { parsing: parsing, setters: setters, hosts: hosts, percent: percent };\n"
    "})()";

static const struct {
  const char *file;
  const char *check;
} files[] = {
    {"urltestdata.json", "parsing"},
    {"urltestdata-javascript-only.json", "parsing"},
    {"setters_tests.json", "setters"},
    {"toascii.json", "hosts"},
    {"IdnaTestV2.json", "hosts"},
    {"percent-encoding.json", "percent"},
};

typedef struct known {
  char *file, *id;
  bool seen;
} known;

static known *known_list;
static size_t known_count;

static char *read_file(const char *path, size_t *len) {
  FILE *f = fopen(path, "rb");
  if (!f)
    return NULL;
  size_t cap = 1 << 16, n = 0;
  char *buf = malloc(cap + 1);
  size_t got;
  while (buf && (got = fread(buf + n, 1, cap - n, f)) > 0) {
    n += got;
    if (n == cap) {
      cap *= 2;
      char *nb = realloc(buf, cap + 1);
      if (!nb) {
        free(buf);
        buf = NULL;
      }
      buf = nb;
    }
  }
  fclose(f);
  if (buf)
    buf[n] = '\0';
  *len = n;
  return buf;
}

/* Lines "file<TAB>id<TAB>reason"; '#' starts a comment line. */
static void load_known(const char *path) {
  size_t len;
  char *text = read_file(path, &len);
  if (!text)
    return;
  for (char *line = strtok(text, "\n"); line; line = strtok(NULL, "\n")) {
    char *t1 = strchr(line, '\t');
    char *t2 = t1 ? strchr(t1 + 1, '\t') : NULL;
    if (line[0] == '#' || !t1 || !t2)
      continue;
    known_list = realloc(known_list, (known_count + 1) * sizeof(known));
    known_list[known_count].file = strndup(line, (size_t)(t1 - line));
    known_list[known_count].id = strndup(t1 + 1, (size_t)(t2 - t1 - 1));
    known_list[known_count].seen = false;
    known_count++;
  }
  free(text);
}

static known *find_known(const char *file, const char *id) {
  for (size_t i = 0; i < known_count; i++)
    if (strcmp(known_list[i].file, file) == 0 && strcmp(known_list[i].id, id) == 0)
      return &known_list[i];
  return NULL;
}

/* A malloc'd NUL-terminated UTF-8 copy of the string at idx (ToString'd). */
static char *utf8_copy(duk_context *ctx, duk_idx_t idx) {
  size_t len;
  duk_safe_to_string(ctx, idx);
  const char *p = edgefn__push_utf8_buffer(ctx, idx, &len);
  char *s = strndup(p, len);
  duk_pop(ctx);
  return s;
}

typedef struct run_job {
  const char *text;
  size_t len;
  const char *check;
} run_job;

/* [check functions] -> [results] */
static duk_ret_t run_file(duk_context *ctx, void *udata) {
  const run_job *job = udata;
  duk_get_prop_string(ctx, -1, job->check);
  edgefn__push_string_from_utf8(ctx, (const uint8_t *)job->text, job->len);
  duk_json_decode(ctx, -1);
  duk_call(ctx, 1);
  return 1;
}

static duk_ret_t install(duk_context *ctx, void *udata) {
  (void)udata;
  edgefn__url_install(ctx);
  duk_eval_string(ctx, driver_src);
  return 1;
}

int main(int argc, char **argv) {
  const char *dir = argc > 1 ? argv[1] : "../shared/conformance";
  char path[4096];
  struct stat st;
  snprintf(path, sizeof(path), "%s/wpt/url", dir);
  if (stat(path, &st) != 0 || !S_ISDIR(st.st_mode)) {
    printf("wpt-url: conformance data not found at %s: skipped\n", path);
    printf("0 passed, 0 failed, 1 skipped\n");
    return 0;
  }
  load_known(argc > 2 ? argv[2] : WPT_URL_KNOWN_FAILURES);
  duk_context *ctx = edgefn__heap_new(NULL);
  if (!ctx || duk_safe_call(ctx, install, NULL, 0, 1) != DUK_EXEC_SUCCESS) {
    fprintf(stderr, "wpt-url: cannot set up the heap: %s\n",
            ctx ? duk_safe_to_string(ctx, -1) : "out of memory");
    return 2;
  }
  int passed = 0, failed = 0, skipped = 0;
  for (size_t f = 0; f < EDGEFN_ARRAY_LEN(files); f++) {
    snprintf(path, sizeof(path), "%s/wpt/url/%s", dir, files[f].file);
    size_t len;
    char *text = read_file(path, &len);
    if (!text) {
      printf("%s: missing: skipped\n", files[f].file);
      skipped++;
      continue;
    }
    run_job job = {text, len, files[f].check};
    duk_dup(ctx, 0);
    int rc = duk_safe_call(ctx, run_file, &job, 1, 1);
    free(text);
    if (rc != DUK_EXEC_SUCCESS) {
      printf("%s: runner error: %s\n", files[f].file, duk_safe_to_string(ctx, -1));
      failed++;
      duk_set_top(ctx, 1);
      continue;
    }
    duk_idx_t res = duk_get_top_index(ctx);
    duk_uarridx_t n = (duk_uarridx_t)duk_get_length(ctx, res);
    int p = 0;
    for (duk_uarridx_t i = 0; i < n; i++) {
      duk_get_prop_index(ctx, res, i);
      duk_get_prop_index(ctx, -1, 0);
      duk_get_prop_index(ctx, -2, 1);
      bool ok = duk_is_null(ctx, -1);
      /* Printed and matched as real UTF-8 (Duktape keeps astral characters as pairs). */
      char *id = utf8_copy(ctx, -2), *problem = ok ? NULL : utf8_copy(ctx, -1);
      known *k = find_known(files[f].file, id);
      if (k)
        k->seen = true;
      if (ok) {
        p++;
        if (k)
          printf("  known failure now passes: %s\n", id);
      } else if (k) {
        skipped++;
        printf("  known failure: %s: %s\n", id, problem);
      } else {
        failed++;
        printf("  FAIL %s: %s\n", id, problem);
      }
      free(id);
      free(problem);
      duk_pop_3(ctx);
    }
    passed += p;
    printf("%s: %d/%u passed\n", files[f].file, p, (unsigned)n);
    duk_set_top(ctx, 1);
  }
  for (size_t i = 0; i < known_count; i++)
    if (!known_list[i].seen)
      printf("  stale known-failure entry: %s %s\n", known_list[i].file, known_list[i].id);
  if (skipped)
    printf("%d passed, %d failed, %d skipped\n", passed, failed, skipped);
  else
    printf("%d passed, %d failed\n", passed, failed);
  duk_destroy_heap(ctx);
  for (size_t i = 0; i < known_count; i++) {
    free(known_list[i].file);
    free(known_list[i].id);
  }
  free(known_list);
  return failed ? 1 : 0;
}
