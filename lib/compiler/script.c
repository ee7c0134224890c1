/* edgefn_script: JavaScript source compiled once to Duktape bytecode in a throw-away heap.
 * Runtimes load the bytecode instead of parsing the source again. */
#include "compiler/compiler.h"
#include "compiler/lower.h"
#include "js/duk.h"

#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct edgefn_script {
  atomic_int refs;
  uint8_t *bytecode;
  size_t bytecode_len;
  char *filename;
};

const uint8_t *edgefn__script_bytecode(const edgefn_script *s, size_t *len) {
  *len = s->bytecode_len;
  return s->bytecode;
}

edgefn_script *edgefn__script_ref(const edgefn_script *cs) {
  edgefn_script *s = (edgefn_script *)cs;
  atomic_fetch_add(&s->refs, 1);
  return s;
}

void edgefn_script_free(edgefn_script *s) {
  if (!s || atomic_fetch_sub(&s->refs, 1) != 1)
    return;
  free(s->bytecode);
  free(s->filename);
  free(s);
}

size_t edgefn_script_bytecode_size(const edgefn_script *s) { return s ? s->bytecode_len : 0; }

const char *edgefn_script_filename(const edgefn_script *s) { return s ? s->filename : NULL; }

typedef struct compile_args {
  const char *src;
  size_t len;
  const char *filename;
} compile_args;

static duk_ret_t compile_safe(duk_context *ctx, void *udata) {
  compile_args *a = udata;
  duk_push_string(ctx, a->filename);
  duk_compile_lstring_filename(ctx, 0, a->src, a->len);
  duk_dump_function(ctx);
  return 1;
}

int edgefn_script_new(edgefn_script **out, const edgefn_script_options *opts,
                      edgefn_error_info *err) {
  if (out)
    *out = NULL;
  if (!out || !opts) {
    edgefn__error_set(err, EDGEFN_EINVAL, NULL, 0, 0, "edgefn_script_new: NULL argument");
    return EDGEFN_EINVAL;
  }
  if (!EDGEFN_MIN_SIZE_OK(opts, edgefn_script_options, filename)) {
    edgefn__error_set(err, EDGEFN_EVERSION, NULL, 0, 0, "edgefn_script_options too small");
    return EDGEFN_EVERSION;
  }
  const char *filename = opts->filename ? opts->filename : "<script>";
  if (!opts->source && opts->source_len) {
    edgefn__error_set(err, EDGEFN_EINVAL, filename, 0, 0, "source is NULL");
    return EDGEFN_EINVAL;
  }
  if (opts->source_len > EDGEFN_MAX_SCRIPT_SIZE) {
    edgefn__error_set(err, EDGEFN_EINVAL, filename, 0, 0,
                      "source is %zu bytes; the limit is %u", opts->source_len,
                      (unsigned)EDGEFN_MAX_SCRIPT_SIZE);
    return EDGEFN_EINVAL;
  }
  const char *src = opts->source ? opts->source : "";
  /* Modern syntax is lowered to ES5 first; the lowered text keeps the source's lines, so
   * Duktape's line numbers (errors, stack traces) are the author's. */
  char *lowered = NULL;
  size_t lowered_len = 0;
  edgefn_error_info lerr = EDGEFN_ERROR_INFO_INIT;
  int lrc = edgefn__lower(src, opts->source_len, filename, &lowered, &lowered_len, &lerr);
  if (lrc != 0) {
    if (lrc == EDGEFN_ESYNTAX)
      edgefn__error_set(err, lrc, filename, lerr.line, lerr.column, "SyntaxError: %s",
                        lerr.message);
    else
      edgefn__error_set(err, lrc, filename, 0, 0, "%s", lerr.message);
    return lrc;
  }
  duk_context *ctx = edgefn__heap_new(NULL);
  if (!ctx) {
    free(lowered);
    edgefn__error_set(err, EDGEFN_ENOMEM, filename, 0, 0, "cannot create compiler heap");
    return EDGEFN_ENOMEM;
  }
  compile_args a = {lowered, lowered_len, filename};
  int crc = duk_safe_call(ctx, compile_safe, &a, 0, 1);
  free(lowered);
  if (crc != DUK_EXEC_SUCCESS) {
    int line = 0;
    if (duk_is_error(ctx, -1)) {
      duk_get_prop_string(ctx, -1, "lineNumber");
      line = duk_is_number(ctx, -1) ? duk_get_int(ctx, -1) : 0;
      duk_pop(ctx);
    }
    char msg[400];
    snprintf(msg, sizeof(msg), "%s", duk_safe_to_string(ctx, -1));
    /* What Duktape still rejects after the compiler accepted the text (strict-mode rules
     * the compiler does not check): the line is the source's; the column is unknown. */
    int column = 0;
    duk_destroy_heap(ctx);
    /* Duktape ends the message with "(line N...)"; the location has its own fields. */
    char *paren = strstr(msg, " (line ");
    if (paren && strchr(paren, ')') && strchr(paren, ')')[1] == '\0')
      *paren = '\0';
    edgefn__error_set(err, EDGEFN_ESYNTAX, filename, line, column, "%s", msg);
    return EDGEFN_ESYNTAX;
  }
  duk_size_t bc_len = 0;
  const void *bc = duk_get_buffer(ctx, -1, &bc_len);
  edgefn_script *s = calloc(1, sizeof(*s));
  if (s) {
    s->bytecode = malloc(bc_len ? bc_len : 1);
    s->filename = edgefn__strndup(filename, strlen(filename));
  }
  if (!s || !s->bytecode || !s->filename) {
    if (s) {
      free(s->bytecode);
      free(s->filename);
      free(s);
    }
    duk_destroy_heap(ctx);
    edgefn__error_set(err, EDGEFN_ENOMEM, filename, 0, 0, "out of memory");
    return EDGEFN_ENOMEM;
  }
  memcpy(s->bytecode, bc, bc_len);
  s->bytecode_len = bc_len;
  atomic_init(&s->refs, 1);
  duk_destroy_heap(ctx);
  *out = s;
  return 0;
}
