/* edgefn_script: JavaScript source compiled once to Duktape bytecode in a throw-away heap.
 * Runtimes load the bytecode instead of parsing the source again. */
#include "compiler/compiler.h"
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

/* Returns true when compiling src[0..len) fails with a syntax error that Duktape places at
 * the end of the input (the parser ran out of text before it found a problem). */
static bool fails_at_end(duk_context *ctx, const char *src, size_t len) {
  compile_args a = {src, len, "probe"};
  if (duk_safe_call(ctx, compile_safe, &a, 0, 1) == DUK_EXEC_SUCCESS) {
    duk_pop(ctx);
    return true; /* a complete prefix: the problem lies further on */
  }
  const char *msg = duk_safe_to_string(ctx, -1);
  bool at_end = strstr(msg, "end of input") != NULL;
  duk_pop(ctx);
  return at_end;
}

/* Duktape reports the line of a syntax error but not its column. The column is found by
 * compiling prefixes of the failing line: a prefix that stops before the offending token
 * fails at the end of the input (or compiles), one that includes it fails there. Only the
 * error path pays for this. */
static int find_error_column(duk_context *ctx, const char *src, size_t len, int line) {
  size_t line_start = 0;
  for (int l = 1; l < line && line_start < len; line_start++)
    if (src[line_start] == '\n')
      l++;
  size_t line_end = line_start;
  while (line_end < len && src[line_end] != '\n')
    line_end++;
  if (line_end == line_start)
    return 1;
  size_t lo = line_start, hi = line_end; /* find the first prefix end that fails early */
  if (fails_at_end(ctx, src, hi))
    return (int)(line_end - line_start) + 1;
  while (lo < hi) {
    size_t mid = lo + (hi - lo) / 2;
    if (fails_at_end(ctx, src, mid + 1))
      lo = mid + 1;
    else
      hi = mid;
  }
  /* src[lo] is the last character the parser needed to see the error: report the start of
   * the token it belongs to. */
  size_t col = lo;
  while (col > line_start && col < len &&
         (src[col - 1] == '_' || src[col - 1] == '$' ||
          (src[col - 1] >= '0' && src[col - 1] <= '9') ||
          ((src[col - 1] | 0x20) >= 'a' && (src[col - 1] | 0x20) <= 'z')) &&
         (src[col] == '_' || src[col] == '$' || (src[col] >= '0' && src[col] <= '9') ||
          ((src[col] | 0x20) >= 'a' && (src[col] | 0x20) <= 'z')))
    col--;
  return (int)(col - line_start) + 1;
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
  duk_context *ctx = edgefn__heap_new(NULL);
  if (!ctx) {
    edgefn__error_set(err, EDGEFN_ENOMEM, filename, 0, 0, "cannot create compiler heap");
    return EDGEFN_ENOMEM;
  }
  compile_args a = {src, opts->source_len, filename};
  if (duk_safe_call(ctx, compile_safe, &a, 0, 1) != DUK_EXEC_SUCCESS) {
    int line = 0;
    if (duk_is_error(ctx, -1)) {
      duk_get_prop_string(ctx, -1, "lineNumber");
      line = duk_is_number(ctx, -1) ? duk_get_int(ctx, -1) : 0;
      duk_pop(ctx);
    }
    char msg[400];
    snprintf(msg, sizeof(msg), "%s", duk_safe_to_string(ctx, -1));
    int column = line > 0 ? find_error_column(ctx, src, opts->source_len, line) : 0;
    duk_destroy_heap(ctx);
    edgefn__error_set(err, EDGEFN_ESYNTAX, filename, line, column, "%s:%d:%d: %s", filename,
                      line, column, msg);
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
