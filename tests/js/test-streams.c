/* WHATWG Streams in the sandbox (lib/js/streams.js, lib/js/streams.c,
 * lib/js/compression.c): the behaviour cases of streams-cases.h run in one script, each
 * line compared with what Node 20 prints for the same snippet. */
#include <stdint.h>
#include <stdlib.h>
#include <unistd.h>

#include "js/harness.h"
#include "js/js.h"
#include "js/streams-cases.h"
#include "test.h"

/* The script for n cases: `cases` is an array of async functions; runAll() resolves with
 * one line per case, a thrown value shown as "threw ...". */
static char *cases_script(const streams_case *cases, size_t n) {
  static const char tail[] = "null];\n"
                             "function runAll() {\n"
                             "  var out = '', i = 0;\n"
                             "  function step() {\n"
                             "    if (i === cases.length - 1) return out;\n"
                             "    var f = cases[i++];\n"
                             "    var timer;\n"
                             "    return Promise.race([new Promise(function (res) { res(f()); }),\n"
                             "      new Promise(function (res) { timer = setTimeout(function () {\n"
                             "        res('timed out'); }, 500); })]).then(\n"
                             "      function (v) { clearTimeout(timer); out += show(v) + '\\n'; return step(); },\n"
                             "      function (e) { clearTimeout(timer); out += 'threw ' + show(e) + ' ' + (e && e.message) + '\\n';\n"
                             "        return step(); });\n"
                             "  }\n"
                             "  return step();\n"
                             "}\n";
  size_t cap = sizeof(STREAMS_PRELUDE) + sizeof(tail) + 64;
  for (size_t i = 0; i < n; i++)
    cap += strlen(cases[i].body) + 64;
  char *buf = malloc(cap);
  size_t len = (size_t)snprintf(buf, cap, "%svar cases = [\n", STREAMS_PRELUDE);
  for (size_t i = 0; i < n; i++)
    len += (size_t)snprintf(buf + len, cap - len, "function () {\n%s\n},\n",
                            cases[i].body);
  snprintf(buf + len, cap - len, "%s", tail);
  return buf;
}

static int compare_lines(const char *who, const streams_case *cases, size_t n, const char *got) {
  int failures = 0;
  const char *p = got;
  for (size_t i = 0; i < n; i++) {
    const char *nl = p ? strchr(p, '\n') : NULL;
    size_t len = nl ? (size_t)(nl - p) : (p ? strlen(p) : 0);
    if (!p || strlen(cases[i].expected) != len || strncmp(cases[i].expected, p, len) != 0) {
      fprintf(stderr, "%s case %zu:\n  %s\n  expected: %s\n  got:      %.*s\n", who, i,
              cases[i].body, cases[i].expected, (int)len, p ? p : "(nothing)");
      failures++;
    }
    p = nl ? nl + 1 : NULL;
  }
  return failures;
}

static int run_in_sandbox(const streams_case *cases, size_t n) {
  char *script = cases_script(cases, n);
  const char *handler = "addEventListener('fetch', function (e) {\n"
                        "  e.respondWith(runAll().then(function (t) { return new Response(t); }));\n"
                        "});\n";
  char *src = malloc(strlen(script) + strlen(handler) + 1);
  sprintf(src, "%s%s", script, handler);
  free(script);
  js_env e;
  int rc = env_open(&e, src, 5000, 0, 0);
  free(src);
  if (rc) {
    fprintf(stderr, "compile: %s (line %d)\n", e.err.message, e.err.line);
    env_close(&e);
    return 1;
  }
  collected c;
  int failures = 0;
  if (env_fetch(&e, "GET", "http://x/", NULL, 0, NULL, &c) != 0 || c.status != 200) {
    fprintf(stderr, "request failed: %d %s\n", c.status, c.body ? c.body : "");
    failures = 1;
  } else {
    failures = compare_lines("sandbox", cases, n, c.body);
  }
  if (failures)
    fprintf(stderr, "log: %s\n", e.log.text);
  collected_free(&c);
  env_close(&e);
  return failures;
}

TEST(streams_behaviour) {
  ASSERT(EDGEFN_ARRAY_LEN(streams_cases) >= 60);
  ASSERT_EQ(run_in_sandbox(streams_cases, EDGEFN_ARRAY_LEN(streams_cases)), 0);
  return 0;
}

TEST(streams_spec_behaviour) {
  ASSERT_EQ(run_in_sandbox(streams_spec_cases, EDGEFN_ARRAY_LEN(streams_spec_cases)), 0);
  return 0;
}

/* The same cases through Node 20, when it is installed: the table is Node's output. */
TEST(streams_table_matches_node) {
  if (system("node --version >/dev/null 2>&1") != 0) {
    fprintf(stderr, "(node not installed: skipped)\n");
    return 0;
  }
  size_t n = EDGEFN_ARRAY_LEN(streams_cases);
  char *script = cases_script(streams_cases, n);
  char path[] = "/tmp/edgefn-streams-XXXXXX";
  int fd = mkstemp(path);
  ASSERT(fd >= 0);
  FILE *f = fdopen(fd, "w");
  fprintf(f, "%s\nrunAll().then(function (t) { process.stdout.write(t); });\n", script);
  fclose(f);
  free(script);
  char cmd[256];
  snprintf(cmd, sizeof(cmd), "node %s", path);
  FILE *p = popen(cmd, "r");
  ASSERT(p != NULL);
  size_t cap = 65536, len = 0;
  char *out = malloc(cap);
  size_t r;
  while ((r = fread(out + len, 1, cap - len - 1, p)) > 0) {
    len += r;
    if (cap - len < 2) {
      cap *= 2;
      out = realloc(out, cap);
    }
  }
  out[len] = '\0';
  pclose(p);
  unlink(path);
  int failures = compare_lines("node", streams_cases, n, out);
  free(out);
  ASSERT_EQ(failures, 0);
  return 0;
}
