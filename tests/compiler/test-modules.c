/* Tests of bundles through the public API: edgefn_script_new with several named sources,
 * handlers in the entry module using helpers from other files (dispatched through
 * edgefn_runtime_dispatch), resolution, and the compile errors a bad bundle gets. The
 * language semantics are tested against Node by tests/compiler/run-modules.py. */
#include "js/harness.h"
#include "test.h"

#include <stddef.h>
#include <stdlib.h>
#include <string.h>

static int bundle_open(js_env *e, const char *entry_name, const char *entry,
                       const edgefn_script_source *mods, size_t n) {
  memset(e, 0, sizeof(*e));
  e->err.struct_size = sizeof(e->err);
  int rc = edgefn_loop_new(&e->loop, NULL);
  if (rc)
    return rc;
  edgefn_script_options so = EDGEFN_SCRIPT_OPTIONS_INIT;
  so.source = entry;
  so.source_len = strlen(entry);
  so.filename = entry_name;
  so.modules = mods;
  so.module_count = n;
  rc = edgefn_script_new(&e->script, &so, &e->err);
  if (rc)
    return rc;
  edgefn_runtime_options ro = EDGEFN_RUNTIME_OPTIONS_INIT;
  ro.name = "bundlefn";
  ro.log = h_log;
  ro.log_user_data = &e->log;
  return edgefn_runtime_new(&e->rt, e->loop, e->script, &ro, &e->err);
}

#define SRC(name, text) {name, text, sizeof(text) - 1}

static int get_body(js_env *e, const char *method, const char *want) {
  collected c;
  int rc = env_fetch(e, method, "https://example.com/a/b?q=7", NULL, 0, NULL, &c);
  int bad = rc != 0 || c.status != 200 || !c.body || strcmp(c.body, want) != 0;
  if (bad)
    fprintf(stderr, "%s: rc %d status %d body \"%s\" (want \"%s\") log: %s\n", method, rc,
            c.status, c.body ? c.body : "", want, e->log.text);
  collected_free(&c);
  return bad;
}

TEST(compiler_bundle_handlers) {
  /* Workers style: the entry's default export uses helpers from two other files, one
   * imported without its extension, one from a subdirectory going up with "..". */
  static const edgefn_script_source mods[] = {
      SRC("lib/util.js", "import { PREFIX } from '../config.mjs';\n"
                         "export let calls = 0;\n"
                         "export function greet(path) { calls++; return `${PREFIX} ${path}`; }\n"),
      SRC("config.mjs", "export const PREFIX = 'hello';\n"),
      SRC("unused.js", "throw new Error('an unimported file does not run');\n"),
  };
  js_env e;
  int rc = bundle_open(&e, "src/index.js",
                       "import { greet, calls } from './lib/util';\n"
                       "import * as util from './lib/util.js';\n"
                       "export default {\n"
                       "  async fetch(request) {\n"
                       "    const body = greet(new URL(request.url).pathname);\n"
                       "    return new Response(`${body} ${calls} ${util.calls}`);\n"
                       "  },\n"
                       "};\n",
                       mods, 3);
  if (rc)
    fprintf(stderr, "bundle: %d %s:%d:%d %s\n", rc, e.err.file, e.err.line, e.err.column,
            e.err.message);
  ASSERT_EQ(rc, 0);
  /* the binding is live: the second request sees the count the first left */
  ASSERT_EQ(get_body(&e, "GET", "hello /a/b 1 1"), 0);
  ASSERT_EQ(get_body(&e, "GET", "hello /a/b 2 2"), 0);
  ASSERT(edgefn_script_bytecode_size(e.script) > 0);
  ASSERT_STREQ(edgefn_script_filename(e.script), "src/index.js");
  env_close(&e);

  /* EdgeOne Pages style: onRequestGet re-exported from another file */
  static const edgefn_script_source pages[] = {
      SRC("handlers/get.js", "export const onRequestGet = ({request}) =>\n"
                             "  new Response('get ' + request.method);\n"),
  };
  rc = bundle_open(&e, "index.js",
                   "export { onRequestGet } from './handlers/get.js';\n"
                   "export function onRequest({request}) { return new Response('any ' + request.method); }\n",
                   pages, 1);
  ASSERT_EQ(rc, 0);
  ASSERT_EQ(get_body(&e, "GET", "get GET"), 0);
  ASSERT_EQ(get_body(&e, "POST", "any POST"), 0);
  env_close(&e);
  return 0;
}

/* An error thrown while a module's top level runs names that file and line. */
TEST(compiler_bundle_runtime_error_names_file) {
  static const edgefn_script_source mods[] = {
      SRC("lib/boom.js", "export const x = 1;\n\nnull.boom;\n"),
  };
  js_env e;
  int rc = bundle_open(&e, "main.js", "import { x } from './lib/boom.js';\n", mods, 1);
  ASSERT(rc != 0);
  ASSERT(strstr(e.log.text, "lib/boom.js:3") != NULL);
  ASSERT_STREQ(e.err.file, "lib/boom.js"); /* the file that threw, with its line */
  ASSERT_EQ(e.err.line, 3);
  env_close(&e);
  return 0;
}

typedef struct bundle_error_case {
  const char *entry;
  edgefn_script_source mod;
  int code;
  const char *file;
  int line, column;
  const char *message; /* a part of the message */
} bundle_error_case;

TEST(compiler_bundle_errors) {
  static const bundle_error_case cases[] = {
      {"let a;\nimport { x } from './missing.js';\n", SRC("b.js", "export const x = 1;\n"),
       EDGEFN_ESYNTAX, "main.js", 2, 19, "Cannot find module './missing.js'"},
      {"import _ from 'lodash';\n", SRC("lodash.js", "export default 1;\n"), EDGEFN_ESYNTAX,
       "main.js", 1, 15, "Cannot find module 'lodash'"},
      {"import '../outside.js';\n", SRC("outside.js", ""), EDGEFN_ESYNTAX, "main.js", 1, 8,
       "Cannot find module"},
      {"import { a } from './b.js';\n", SRC("b.js", "import { nope } from './main.js';\nexport const a = 1;\n"),
       EDGEFN_ESYNTAX, "b.js", 1, 10,
       "The requested module './main.js' does not provide an export named 'nope'"},
      {"import { y } from './b.js';\n", SRC("b.js", "export * from './c.js';\n"),
       EDGEFN_ESYNTAX, "b.js", 1, 15, "Cannot find module './c.js'"},
      {"import d from './b.js';\n", SRC("b.js", "export * from './main.js';\n"),
       EDGEFN_ESYNTAX, "main.js", 1, 8, "does not provide an export named 'default'"},
      {"import './b.js';\n", SRC("b.js", "const ok = 1;\nconst = 2;\n"), EDGEFN_ESYNTAX, "b.js",
       2, 7, "unexpected token '='"},
      {"", SRC("main.js", ""), EDGEFN_EINVAL, "main.js", 0, 0, "two files"},
  };
  for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
    const bundle_error_case *c = &cases[i];
    edgefn_script_options so = EDGEFN_SCRIPT_OPTIONS_INIT;
    so.source = c->entry;
    so.source_len = strlen(c->entry);
    so.filename = "main.js";
    so.modules = &c->mod;
    so.module_count = 1;
    edgefn_script *s = NULL;
    edgefn_error_info err = EDGEFN_ERROR_INFO_INIT;
    int rc = edgefn_script_new(&s, &so, &err);
    if (rc != c->code || strcmp(err.file, c->file) != 0 ||
        (c->line && (err.line != c->line || err.column != c->column)) ||
        !strstr(err.message, c->message))
      fprintf(stderr, "case %zu: rc %d %s:%d:%d %s\n", i, rc, err.file, err.line, err.column,
              err.message);
    ASSERT_EQ(rc, c->code);
    ASSERT(s == NULL);
    ASSERT_STREQ(err.file, c->file);
    if (c->line) {
      ASSERT_EQ(err.line, c->line);
      ASSERT_EQ(err.column, c->column);
    }
    ASSERT(strstr(err.message, c->message) != NULL);
  }
  /* bad arguments */
  edgefn_script_options so = EDGEFN_SCRIPT_OPTIONS_INIT;
  so.source = "";
  so.module_count = 2;
  edgefn_script *s = NULL;
  edgefn_error_info err = EDGEFN_ERROR_INFO_INIT;
  ASSERT_EQ(edgefn_script_new(&s, &so, &err), EDGEFN_EINVAL);
  static const edgefn_script_source unnamed = {NULL, "", 0};
  so.modules = &unnamed;
  so.module_count = 1;
  ASSERT_EQ(edgefn_script_new(&s, &so, &err), EDGEFN_EINVAL);
  ASSERT(strstr(err.message, "name") != NULL);
  so.module_count = EDGEFN_MAX_SCRIPT_MODULES;
  ASSERT_EQ(edgefn_script_new(&s, &so, &err), EDGEFN_EINVAL);
  /* a caller built against the older, shorter struct: modules are not read, so a single
   * file that imports is a compile error, not a crash */
  edgefn_script_options old = EDGEFN_SCRIPT_OPTIONS_INIT;
  old.struct_size = (uint32_t)offsetof(edgefn_script_options, modules);
  old.source = "import { x } from './b.js';\n";
  old.source_len = strlen(old.source);
  old.modules = (const edgefn_script_source *)1; /* never read */
  old.module_count = 1;
  ASSERT_EQ(edgefn_script_new(&s, &old, &err), EDGEFN_ESYNTAX);
  ASSERT(strstr(err.message, "single file") != NULL);
  return 0;
}
