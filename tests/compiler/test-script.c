/* Tests of edgefn_script: compiling source to bytecode, error reports with file, line and
 * column, argument checks and reference counting (lib/compiler/compiler.h). */
#include "compiler/compiler.h"

#include "test.h"

#include <stdlib.h>
#include <string.h>

static int compile(edgefn_script **out, const char *src, const char *filename,
                   edgefn_error_info *err) {
  edgefn_script_options o = EDGEFN_SCRIPT_OPTIONS_INIT;
  o.source = src;
  o.source_len = src ? strlen(src) : 0;
  o.filename = filename;
  return edgefn_script_new(out, &o, err);
}

TEST(compiler_compile_ok) {
  edgefn_script *s = NULL;
  edgefn_error_info err = EDGEFN_ERROR_INFO_INIT;
  ASSERT_EQ(compile(&s,
                    "addEventListener('fetch', function (e) {\n"
                    "  e.respondWith(new Response('hi'));\n"
                    "});\n",
                    "worker.js", &err),
            0);
  ASSERT(s != NULL);
  ASSERT(edgefn_script_bytecode_size(s) > 0);
  ASSERT_STREQ(edgefn_script_filename(s), "worker.js");
  size_t len = 0;
  const uint8_t *bc = edgefn__script_bytecode(s, &len);
  ASSERT(bc != NULL);
  ASSERT_EQ(len, edgefn_script_bytecode_size(s));
  ASSERT_EQ(err.code, 0); /* untouched on success */
  edgefn_script_free(s);

  /* No filename: the default name. Empty source is a valid (empty) program. */
  ASSERT_EQ(compile(&s, "", NULL, NULL), 0);
  ASSERT_STREQ(edgefn_script_filename(s), "<script>");
  ASSERT(edgefn_script_bytecode_size(s) > 0);
  edgefn_script_free(s);

  /* source_len bounds the text: no NUL terminator is needed, and what follows is ignored. */
  edgefn_script_options o = EDGEFN_SCRIPT_OPTIONS_INIT;
  o.source = "var a = 1; this is not javascript";
  o.source_len = strlen("var a = 1;");
  ASSERT_EQ(edgefn_script_new(&s, &o, NULL), 0);
  edgefn_script_free(s);
  return 0;
}

typedef struct syntax_case {
  const char *src;
  int line, column;
} syntax_case;

TEST(compiler_syntax_error_position) {
  /* Columns are 1-based and count characters, not bytes; they point at the start of the
   * offending token (or just past the end of the text when the input ends too early). */
  static const syntax_case cases[] = {
      {"var x = 1;\nvar y = 2;\nvar a = ;\n", 3, 9},
      {"function f() {\n  return 1 +;\n}\n", 2, 13},
      {"var a = 1;\n\n  foo bar;", 3, 7},
      {"var longname = 1 2;", 1, 18},
      {"var a = 1;\nvar b = a..x;", 2, 11},
      {"var s = 'abc\n", 1, 9},
      {"var a = 0x;", 1, 9},
      {"\tvar q = @;", 1, 10},
      {"for (var i = 0; i < 3 i++) {}", 1, 23},
      {"var x = 1;\r\nvar y = ;\r\n", 2, 9},
      {"/* a comment\n over two lines */ var a = ;", 2, 28},
      {"var \xc3\xa9 = 1; var b = ;", 1, 20}, /* "é" is one character */
      {"var b = ;", 1, 9},                    /* the offending token ends the source */
      {"var a = (1 + 2", 1, 15},              /* ran out of input: just past the end */
      {"if (x) {\n  y();\n", 3, 1},
  };
  for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
    edgefn_script *s = (edgefn_script *)&cases[i]; /* must be reset to NULL */
    edgefn_error_info err = EDGEFN_ERROR_INFO_INIT;
    int rc = compile(&s, cases[i].src, "bad.js", &err);
    if (rc != EDGEFN_ESYNTAX || err.line != cases[i].line || err.column != cases[i].column)
      fprintf(stderr, "case %zu: rc %d, %d:%d (want %d:%d): %s\n", i, rc, err.line, err.column,
              cases[i].line, cases[i].column, err.message);
    ASSERT_EQ(rc, EDGEFN_ESYNTAX);
    ASSERT(s == NULL);
    ASSERT_EQ(err.code, EDGEFN_ESYNTAX);
    ASSERT_EQ(err.line, cases[i].line);
    ASSERT_EQ(err.column, cases[i].column);
    ASSERT_STREQ(err.file, "bad.js");
    ASSERT(strstr(err.message, "SyntaxError") != NULL);
    /* The location lives in its fields; the message does not repeat it. */
    ASSERT(strstr(err.message, "bad.js:") == NULL);
  }
  /* err may be NULL: the code alone is returned. */
  edgefn_script *s = NULL;
  ASSERT_EQ(compile(&s, "var a = ;", NULL, NULL), EDGEFN_ESYNTAX);
  ASSERT(s == NULL);
  return 0;
}

TEST(compiler_bad_arguments) {
  edgefn_script *s = NULL;
  edgefn_error_info err = EDGEFN_ERROR_INFO_INIT;
  edgefn_script_options o = EDGEFN_SCRIPT_OPTIONS_INIT;
  o.source = "1";
  o.source_len = 1;

  ASSERT_EQ(edgefn_script_new(NULL, &o, &err), EDGEFN_EINVAL);
  ASSERT_EQ(err.code, EDGEFN_EINVAL);
  ASSERT_EQ(edgefn_script_new(&s, NULL, &err), EDGEFN_EINVAL);
  ASSERT(s == NULL);

  /* A NULL source with a length. */
  o.source = NULL;
  ASSERT_EQ(edgefn_script_new(&s, &o, &err), EDGEFN_EINVAL);
  ASSERT(s == NULL);

  /* struct_size smaller than the first published layout. */
  o.source = "1";
  o.struct_size = (uint32_t)offsetof(edgefn_script_options, filename);
  memset(&err, 0, sizeof(err));
  err.struct_size = sizeof(err);
  ASSERT_EQ(edgefn_script_new(&s, &o, &err), EDGEFN_EVERSION);
  ASSERT_EQ(err.code, EDGEFN_EVERSION);
  ASSERT(s == NULL);
  o.struct_size = 0;
  ASSERT_EQ(edgefn_script_new(&s, &o, NULL), EDGEFN_EVERSION);

  /* An error-info struct too small to hold the layout is left alone. */
  edgefn_error_info small = EDGEFN_ERROR_INFO_INIT;
  small.struct_size = 8;
  o.struct_size = sizeof(o);
  o.source = "var a = ;";
  o.source_len = strlen(o.source);
  ASSERT_EQ(edgefn_script_new(&s, &o, &small), EDGEFN_ESYNTAX);
  ASSERT_EQ(small.code, 0);
  ASSERT_EQ(small.line, 0);

  /* Source beyond EDGEFN_MAX_SCRIPT_SIZE is refused before it is read. */
  size_t big = (size_t)EDGEFN_MAX_SCRIPT_SIZE + 1;
  char *text = malloc(big);
  ASSERT(text != NULL);
  memset(text, ' ', big);
  o.source = text;
  o.source_len = big;
  ASSERT_EQ(edgefn_script_new(&s, &o, &err), EDGEFN_EINVAL);
  ASSERT(s == NULL);
  ASSERT_EQ(err.code, EDGEFN_EINVAL);
  /* Exactly the limit is accepted (all blanks: an empty program). */
  o.source_len = EDGEFN_MAX_SCRIPT_SIZE;
  ASSERT_EQ(edgefn_script_new(&s, &o, &err), 0);
  edgefn_script_free(s);
  free(text);

  /* The accessors and free accept NULL. */
  edgefn_script_free(NULL);
  ASSERT_EQ(edgefn_script_bytecode_size(NULL), 0);
  ASSERT(edgefn_script_filename(NULL) == NULL);
  return 0;
}

TEST(compiler_refcount) {
  edgefn_script *s = NULL;
  ASSERT_EQ(compile(&s, "var x = 42;", "ref.js", NULL), 0);
  /* Two extra references: the script survives until the last one is dropped. ASan and
   * the leak checker catch a free too early or never. */
  edgefn_script *r1 = edgefn__script_ref(s);
  edgefn_script *r2 = edgefn__script_ref(s);
  ASSERT(r1 == s && r2 == s);
  edgefn_script_free(s);
  ASSERT_STREQ(edgefn_script_filename(r1), "ref.js");
  edgefn_script_free(r1);
  ASSERT(edgefn_script_bytecode_size(r2) > 0);
  edgefn_script_free(r2);

  /* Two scripts from the same source are independent and produce the same bytecode. */
  edgefn_script *a = NULL, *b = NULL;
  ASSERT_EQ(compile(&a, "function f(n) { return n * 2; }", "a.js", NULL), 0);
  ASSERT_EQ(compile(&b, "function f(n) { return n * 2; }", "a.js", NULL), 0);
  size_t la = 0, lb = 0;
  const uint8_t *ba = edgefn__script_bytecode(a, &la);
  const uint8_t *bb = edgefn__script_bytecode(b, &lb);
  ASSERT_EQ(la, lb);
  ASSERT(memcmp(ba, bb, la) == 0);
  edgefn_script_free(a);
  edgefn_script_free(b);
  return 0;
}
