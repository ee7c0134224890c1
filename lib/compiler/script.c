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

/* Returns true when compiling src[0..len) does not fail before the end of that text: it
 * either compiles (the problem lies further on) or fails with Duktape's "end of input" mark,
 * which Duktape adds when its lexer has consumed every character it was given. */
static bool fails_at_end(duk_context *ctx, const char *src, size_t len) {
  compile_args a = {src, len, "probe"};
  if (duk_safe_call(ctx, compile_safe, &a, 0, 1) == DUK_EXEC_SUCCESS) {
    duk_pop(ctx);
    return true;
  }
  const char *msg = duk_safe_to_string(ctx, -1);
  bool at_end = strstr(msg, "end of input") != NULL;
  duk_pop(ctx);
  return at_end;
}

static bool is_ident_byte(unsigned char c) {
  return c == '_' || c == '$' || (c >= '0' && c <= '9') ||
         ((c | 0x20) >= 'a' && (c | 0x20) <= 'z') || c >= 0x80;
}

/* Errors Duktape's lexer raises while it is still reading a token (message texts from
 * duktape.c's DUK_STR_*); every other syntax error comes from the parser. */
static bool is_lexer_error(const char *msg) {
  static const char *const texts[] = {
      "invalid token",        "unterminated string",
      "unterminated comment", "unterminated regexp",
      "invalid number",       "invalid escape",
      "invalid regexp",       "unterminated character class",
      "quantifier",           "source decode failed",
  };
  for (size_t i = 0; i < EDGEFN_ARRAY_LEN(texts); i++)
    if (strstr(msg, texts[i]))
      return true;
  return false;
}

/* 1-based column of byte offset `at` in the line starting at `line_start`, counted in
 * characters (UTF-8 continuation bytes do not count). */
static int column_of(const char *src, size_t line_start, size_t at) {
  int col = 1;
  for (size_t i = line_start; i < at; i++)
    if (((unsigned char)src[i] & 0xC0) != 0x80)
      col++;
  return col;
}

/* Duktape reports the line of a syntax error but not its column. The parser raises its
 * errors while the offending token is its one-token lookahead, and Duktape marks a message
 * "end of input" when nothing followed that token in the text it was given; the lexer raises
 * its errors on the character it cannot accept. So the shortest prefix of the source that
 * fails *without* that mark ends one character after the offending token (parser) or on the
 * offending character (lexer); it is found by bisecting prefixes that end on the reported
 * line, and the column is then walked back to the start of the token. A few parser errors
 * are raised one token late (after the offending token was consumed, e.g. "invalid return");
 * those point at the token after the culprit. Only the error path pays for this. */
static int find_error_column(duk_context *ctx, const char *src, size_t len, int line,
                             const char *msg) {
  size_t line_start = 0;
  for (int l = 1; l < line && line_start < len; line_start++)
    if (src[line_start] == '\n')
      l++;
  size_t line_end = line_start;
  while (line_end < len && src[line_end] != '\n')
    line_end++;
  /* The source plus a newline, so that a token ending the source is followed by something. */
  char *buf = malloc(len + 1);
  if (!buf)
    return 0;
  memcpy(buf, src, len);
  buf[len] = '\n';
  size_t lo = line_start + 1, hi = line_end + 1; /* prefix lengths */
  int column;
  if (fails_at_end(ctx, buf, hi)) {
    column = column_of(buf, line_start, line_end); /* the error is the end of the input */
  } else {
    while (lo < hi) { /* the shortest prefix that fails before its end */
      size_t mid = lo + (hi - lo) / 2;
      if (fails_at_end(ctx, buf, mid))
        lo = mid + 1;
      else
        hi = mid;
    }
    size_t stop = lo - 1; /* the character the lexer stopped on */
    size_t at;
    if (is_lexer_error(msg)) {
      at = stop;
      if (strstr(msg, "unterminated string")) {
        while (at > line_start && buf[at] != '\'' && buf[at] != '"')
          at--;
      } else if (strstr(msg, "number")) {
        while (at > line_start && (is_ident_byte((unsigned char)buf[at - 1]) || buf[at - 1] == '.'))
          at--;
      }
    } else {
      at = stop > line_start ? stop - 1 : line_start; /* the token's last character */
      unsigned char c = (unsigned char)buf[at];
      if (is_ident_byte(c)) {
        while (at > line_start && is_ident_byte((unsigned char)buf[at - 1]))
          at--;
      } else if (c == '\'' || c == '"') {
        while (at > line_start && buf[at - 1] != (char)c)
          at--;
        if (at > line_start)
          at--;
      } else {
        for (int n = 0; n < 3 && at > line_start && buf[at - 1] != ' ' &&
                        strchr("=!<>&|+-*%^", buf[at - 1]) && strchr("=!<>&|+-*%^", c);
             n++)
          at--;
      }
    }
    column = column_of(buf, line_start, at);
  }
  free(buf);
  return column;
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
    int column = line > 0 ? find_error_column(ctx, src, opts->source_len, line, msg) : 0;
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
