/* Tests of the ES2022 compiler through edgefn_script_new and a runtime: syntax errors at
 * the right line and column, the nesting limit, original line numbers at run time, and
 * module-style handlers (export default { fetch }, EdgeOne Pages onRequest*). The language
 * itself is tested against Node by the corpus (tests/compiler/run-corpus.py). */
#include "compiler/lower.h"

#include "js/harness.h"
#include "test.h"

#include <stdlib.h>
#include <string.h>

typedef struct error_case {
  const char *src;
  int line, column;
  const char *message; /* a part of the message */
} error_case;

TEST(compiler_modern_syntax_errors) {
  static const error_case cases[] = {
      {"const a = 1;\nconst b;\n", 2, 7, "missing initializer"},
      {"let x = `abc${1 + }`;", 1, 19, "unexpected token '}'"},
      {"let x = `unterminated\n\n", 1, 9, "unterminated template"},
      {"const f = (a, b) => {\n  return a +;\n};", 2, 13, "unexpected token ';'"},
      {"class A {\n  constructor() {}\n  get x(y) { return 1; }\n}", 3, 3, "getter"},
      {"let n = 10n;", 1, 9, "BigInt"},
      {"let n = 1__0;", 1, 11, "separator"},
      {"let n = 10_;", 1, 12, "separator"},
      {"async function f() {\n  for await (const x of y) {}\n  await;\n}", 3, 8, "unexpected"},
      {"function f() { await x; }", 1, 22, "unexpected token 'x'"},
      {"let a = b ?? c || d;", 1, 11, "cannot mix"},
      {"let a = -2 ** 2;", 1, 12, "unexpected token '**'"},
      {"x?.y = 1;", 1, 1, "invalid assignment target"},
      {"let {a, b} ;", 1, 5, "missing initializer"},
      {"for (const x of [1], [2]) {}", 1, 20, "expected ')'"},
      {"let x = #y;", 1, 9, "unexpected private name #y"},
      {"function* g() { yield\n* 2; }", 2, 1, "unexpected token '*'"},
      {"label: function f() {}", 1, 8, "labelled function"},
      {"let s = '\\u{110000}';", 1, 10, "invalid escape"},
      {"var \\u0030x = 1;", 1, 5, "invalid unicode escape"},
      {"/* ok */ let r = /abc/gg;", 1, 18, "regular expression flags"},
      {"let r = /abc\n/;", 1, 9, "unterminated regular expression"},
      {"import x from './x.js';", 1, 15, "Cannot find module './x.js'"},
      {"(a, b) => { return 1 }\n=> 2", 2, 1, "unexpected token '=>'"},
      {"({a: 1} = 1);", 1, 6, "invalid destructuring target"},
      {"new.target", 1, 1, "new.target outside a function"},
      {"class A extends B { constructor() { super(); } }; super.x;", 1, 51, "'super' keyword unexpected here"},
      {"obj?.a`tpl`;", 1, 7, "tagged template"},
      {"let é = 1; let ü = 2 3;", 1, 22, "unexpected token '3'"},
      {"var a = 1;\nvar b\xa9 = 2;", 2, 6, "invalid UTF-8"},
      /* overlong forms and code points above U+10FFFF (a fuzz finding: E0 80 AF, an
       * overlong '/', reached Duktape, which read it as a regexp's start) */
      {"i/\xe0\x80\xaf", 1, 3, "invalid UTF-8"},
      {"var s = '\xf0\x8f\xbf\xbf';", 1, 10, "invalid UTF-8"},
      {"var s = '\xf4\x90\x80\x80';", 1, 10, "invalid UTF-8"},
      /* import() and import.meta; top-level await belongs to modules */
      {"export {};\nnew import('./x.js');", 2, 5, "Cannot use new with import"},
      {"export {};\nimport.metal;", 2, 8, "unexpected token 'metal'"},
      {"export {};\nimport();", 2, 8, "import() requires a specifier"},
      {"export {};\nimport('./a.js', {});", 2, 18, "expected ')'"},
      {"let u = import.meta.url;", 1, 9, "Cannot use 'import.meta' outside a module"},
      {"var x = 1;\nfor await (const y of []) {}", 2, 5,
       "await is only valid in async functions and the top level bodies of modules"},
      {"export default 1;\nawait;", 2, 6, "unexpected token ';'"},
      {"export {};\nfunction f() { await g(); }", 2, 22, "unexpected token 'g'"},
      /* names strict code reserves (a fuzz finding: `let` as an expression in strict code
       * lowered to text Duktape could only call a "parse error") */
      {"'use strict';\nfunction h() {let\n  'x';\n}", 2, 15, "strict mode reserved word"},
      {"function f() {\n  // why\n  \"use strict\"; var public = 1;\n}", 3, 21,
       "strict mode reserved word"},
      {"var ok = () => { 'a'; 'use strict'; return static; };", 1, 44,
       "strict mode reserved word"},
      {"class A { m() { return interface; } }", 1, 24, "strict mode reserved word"},
      {"class package {}", 1, 7, "strict mode reserved word"},
      {"export {};\nvar yield = 1;", 2, 5, "strict mode reserved word"},
      /* an escape in a name must decode to a character names may hold there (a fuzz
       * finding: n\u200ao became "n o", which Duktape rejected) */
      {"n\\u200ao;", 1, 2, "invalid unicode escape"},
      {"var \\u200cx = 1;", 1, 5, "invalid unicode escape"},
      {"var a\\u{2028} = 1;", 1, 6, "invalid unicode escape"},
      /* `#x in o` under a unary operator (a fuzz finding: the compiler crashed on it) */
      {"class A { #b; static f(o) { return !#b in o; } }", 1, 37, "unexpected private name #b"},
      {"class A { #b; static f(o) { return typeof #b in o; } }", 1, 43,
       "unexpected private name #b"},
      {"class A { #b; static async f(o) { return await #b in o; } }", 1, 48,
       "unexpected private name #b"},
      /* a reserved word as a local name in `export { }` (a fuzz finding: it lowered to
       * `{"class": class}`, which Duktape rejected); with `from` it is an export name */
      {" export{class\n}", 1, 9, "Unexpected reserved word"},
      {"var a;\nexport { a, let as b };", 2, 13, "Unexpected reserved word"},
      {"export { await };", 1, 10, "Unexpected reserved word"},
      {"export { yield as y };", 1, 10, "Unexpected reserved word"},
  };
  int failed = 0;
  for (size_t i = 0; i < EDGEFN_ARRAY_LEN(cases); i++) {
    edgefn_script_options so = EDGEFN_SCRIPT_OPTIONS_INIT;
    so.source = cases[i].src;
    so.source_len = strlen(cases[i].src);
    so.filename = "m.js";
    edgefn_script *s = NULL;
    edgefn_error_info err = EDGEFN_ERROR_INFO_INIT;
    int rc = edgefn_script_new(&s, &so, &err);
    if (rc != EDGEFN_ESYNTAX || err.line != cases[i].line || err.column != cases[i].column ||
        !strstr(err.message, cases[i].message) || !strstr(err.message, "SyntaxError")) {
      fprintf(stderr, "case %zu (%s): rc %d at %d:%d (want %d:%d) \"%s\" (want \"%s\")\n", i,
              cases[i].src, rc, err.line, err.column, cases[i].line, cases[i].column,
              err.message, cases[i].message);
      failed++;
    }
    edgefn_script_free(s);
  }
  ASSERT_EQ(failed, 0);
  return 0;
}

/* Nesting deeper than EDGEFN_COMPILER_MAX_DEPTH is a SyntaxError, not a stack overflow,
 * whether it nests statements, brackets, or builds long operator chains. */
TEST(compiler_nesting_limit) {
  static const char *const units[][2] = {
      {"(", ")"}, {"[", "]"}, {"{", "}"}, {"if (x) {", "}"}, {"f(", ")"}, {"x => (", ")"},
      {"`${", "}`"}, {"-", ""}, {"a = ", ""}, {"a ? b : ", ""}, {"class A extends (", ") {}"},
  };
  for (size_t u = 0; u < EDGEFN_ARRAY_LEN(units); u++) {
    size_t depth = 100000, a = strlen(units[u][0]), b = strlen(units[u][1]);
    char *src = malloc(depth * (a + b) + 2);
    ASSERT(src);
    size_t n = 0;
    for (size_t i = 0; i < depth; i++, n += a)
      memcpy(src + n, units[u][0], a);
    src[n++] = '1';
    for (size_t i = 0; i < depth; i++, n += b)
      memcpy(src + n, units[u][1], b);
    edgefn_script_options so = EDGEFN_SCRIPT_OPTIONS_INIT;
    so.source = src;
    so.source_len = n;
    edgefn_script *s = NULL;
    edgefn_error_info err = EDGEFN_ERROR_INFO_INIT;
    int rc = edgefn_script_new(&s, &so, &err);
    free(src);
    if (rc != EDGEFN_ESYNTAX || !strstr(err.message, "too deeply"))
      fprintf(stderr, "unit %s: rc %d: %s\n", units[u][0], rc, err.message);
    ASSERT_EQ(rc, EDGEFN_ESYNTAX);
    ASSERT(strstr(err.message, "too deeply") != NULL);
  }
  /* A long flat chain is fine: a + a + ... with 20000 terms builds a deep tree, but one
   * the limit allows for is refused cleanly too. */
  size_t terms = 20000;
  char *src = malloc(terms * 4 + 16);
  ASSERT(src);
  size_t n = 0;
  memcpy(src, "var s = 0", 9);
  n = 9;
  for (size_t i = 0; i < terms; i++, n += 4)
    memcpy(src + n, " + 1", 4);
  src[n++] = ';';
  edgefn_script_options so = EDGEFN_SCRIPT_OPTIONS_INIT;
  so.source = src;
  so.source_len = n;
  edgefn_script *s = NULL;
  edgefn_error_info err = EDGEFN_ERROR_INFO_INIT;
  int rc = edgefn_script_new(&s, &so, &err);
  free(src);
  ASSERT(rc == 0 || (rc == EDGEFN_ESYNTAX && strstr(err.message, "too deeply")));
  edgefn_script_free(s);
  return 0;
}

/* Errors thrown by lowered code name the author's line. */
TEST(compiler_runtime_lines_are_original) {
  ASSERT_EQ(js_expect_with("const f = async () => {\n"
                           "  await null;\n"
                           "};\n"
                           "class A {\n"
                           "  m() {\n"
                           "    const {x = 1, ...r} = {y: 2};\n"
                           "    return null[`k${x}`];\n" /* line 7 */
                           "  }\n"
                           "}\n",
                           "try { new A().m(); } catch (e) { return e.lineNumber; }", "7"),
            0);
  ASSERT_EQ(js_expect_with("const g = function* () {\n"
                           "  yield 1;\n"
                           "  for (const v of [1]) {\n"
                           "    undefinedFunction(v);\n" /* line 4 */
                           "  }\n"
                           "};\n",
                           "try { [...g()]; } catch (e) { return e.lineNumber + ' ' +"
                           " /test\\.js:4/.test(e.stack); }",
                           "4 true"),
            0);
  return 0;
}

static int fetch_body(const char *src, const char *method, const char *expected_body,
                      int expected_status) {
  js_env e;
  int rc = env_open(&e, src, 0, 0, 0);
  if (rc != 0) {
    fprintf(stderr, "open failed: %d %s\n", rc, e.err.message);
    env_close(&e);
    return 1;
  }
  collected c;
  rc = env_fetch(&e, method, "https://example.com/path?q=1", NULL, 0, NULL, &c);
  int bad = rc != 0 || c.status != expected_status ||
            (expected_body && (!c.body || strcmp(c.body, expected_body) != 0));
  if (bad)
    fprintf(stderr, "%s %s: rc %d status %d body \"%s\" (want %d \"%s\") log: %s\n", method, src,
            rc, c.status, c.body ? c.body : "", expected_status,
            expected_body ? expected_body : "", e.log.text);
  collected_free(&c);
  env_close(&e);
  return bad;
}

TEST(compiler_module_handlers) {
  /* Workers: export default { fetch(request, env, ctx) } with this = the object */
  static const char workers[] =
      "export default {\n"
      "  prefix: 'hello',\n"
      "  async fetch(request, env, ctx) {\n"
      "    ctx.waitUntil(Promise.resolve());\n"
      "    const {pathname, searchParams} = new URL(request.url);\n"
      "    return new Response(`${this.prefix} ${request.method} ${pathname} ${searchParams.get('q')}"
      " ${typeof env}`, {status: 202});\n"
      "  },\n"
      "};\n";
  ASSERT_EQ(fetch_body(workers, "GET", "hello GET /path 1 object", 202), 0);
  /* EdgeOne Pages: onRequestGet / onRequestPost before onRequest */
  static const char pages[] =
      "export function onRequestGet({request}) { return new Response('get ' + request.method); }\n"
      "export async function onRequest(context) {\n"
      "  return new Response(`any ${context.request.method} ${typeof context.waitUntil}`);\n"
      "}\n";
  ASSERT_EQ(fetch_body(pages, "GET", "get GET", 200), 0);
  ASSERT_EQ(fetch_body(pages, "POST", "any POST function", 200), 0);
  /* only a method handler: other methods pass through to the origin (no response) */
  static const char post_only[] =
      "export const onRequestPost = async ({request}) => new Response('posted');\n";
  ASSERT_EQ(fetch_body(post_only, "POST", "posted", 200), 0);
  /* export { local as onRequest } */
  static const char renamed[] =
      "const handler = () => new Response('renamed');\n"
      "export { handler as onRequest };\n";
  ASSERT_EQ(fetch_body(renamed, "GET", "renamed", 200), 0);
  /* the service-worker style keeps working with modern syntax */
  static const char sw[] =
      "addEventListener('fetch', (event) => {\n"
      "  event.respondWith((async () => new Response(`sw ${event.request.method}`))());\n"
      "});\n";
  ASSERT_EQ(fetch_body(sw, "PUT", "sw PUT", 200), 0);
  /* export default function: not a handler object, nothing registered */
  js_env e;
  ASSERT_EQ(env_open(&e, "export default function () {}\n", 0, 0, 0), 0);
  env_close(&e);
  return 0;
}

/* The helpers are hidden and cannot be replaced by the script. */
TEST(compiler_helpers_protected) {
  ASSERT_EQ(js_expect("var d = Object.getOwnPropertyDescriptor(globalThis, '__edgefn$iter');"
                      "var before = __edgefn$iter;"
                      "try { __edgefn$iter = null; } catch (e) {}"
                      "return [d.writable, d.enumerable, __edgefn$iter === before,"
                      " Object.keys(globalThis).some(function (k) { return k.indexOf('__edgefn$') === 0; })].join();",
                      "false,false,true,false"),
            0);
  return 0;
}

/* An error found while lowering deep inside nested functions (class → method → function →
 * arrow → for…of) leaves through a longjmp: every output buffer on the C stack between
 * must still be freed (the runner's leak check fails this test otherwise; the compiler fuzz
 * target found the leak). */
TEST(compiler_error_deep_inside_frees_everything) {
  static const char src[] =
      "class A {\n"
      "  m() {\n"
      "    return function () {\n"
      "      var a = [1, 2, 3];\n"
      "      return () => { for (const v of a) { if (v) return `${v}` + this.#nope; } };\n"
      "    };\n"
      "  }\n"
      "}\n";
  for (int i = 0; i < 3; i++) {
    edgefn_script_options so = EDGEFN_SCRIPT_OPTIONS_INIT;
    so.source = src;
    so.source_len = strlen(src);
    so.filename = "deep.js";
    edgefn_script *s = NULL;
    edgefn_error_info err = EDGEFN_ERROR_INFO_INIT;
    ASSERT_EQ(edgefn_script_new(&s, &so, &err), EDGEFN_ESYNTAX);
    ASSERT(s == NULL);
    ASSERT_EQ(err.line, 5);
    ASSERT(strstr(err.message, "undeclared private name") != NULL);
  }
  return 0;
}
