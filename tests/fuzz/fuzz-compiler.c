/* The ES2022 compiler alone: edgefn__lower on random and mutated source (seeds: the
 * differential corpus). Whatever it accepts must lower to text Duktape compiles: a lowered
 * program Duktape rejects (other than for strict-mode rules the compiler leaves to Duktape)
 * would be a lowering bug, so it aborts. No crash, hang or leak on any input. */
#include "compiler/lower.h"
#include "js/js.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

typedef struct compile_args {
  const char *src;
  size_t len;
} compile_args;

static duk_ret_t compile_safe(duk_context *ctx, void *udata) {
  compile_args *a = udata;
  duk_push_string(ctx, "fuzz.js");
  /* A module with top-level await lowers to one function expression (its evaluation as
   * an async body), which the library compiles as a function, as here. */
  static const char fn_form[] = "function (";
  bool as_function = a->len >= sizeof(fn_form) - 1 && memcmp(a->src, fn_form, sizeof(fn_form) - 1) == 0;
  duk_compile_lstring_filename(ctx, as_function ? DUK_COMPILE_FUNCTION : 0, a->src, a->len);
  return 1;
}

static duk_context *heap;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size > 16384)
    return 0;
  char *out = NULL;
  size_t out_len = 0;
  edgefn_error_info err = EDGEFN_ERROR_INFO_INIT;
  int rc = edgefn__lower((const char *)data, size, "fuzz.js", &out, &out_len, &err);
  if (rc != 0) {
    if (out || err.code != rc || (rc == EDGEFN_ESYNTAX && err.line <= 0))
      abort();
    return 0;
  }
  if (!heap)
    heap = edgefn__heap_new(NULL);
  compile_args a = {out, out_len};
  if (heap && duk_safe_call(heap, compile_safe, &a, 0, 1) != DUK_EXEC_SUCCESS) {
    const char *msg = duk_safe_to_string(heap, -1);
    /* strict-mode and early errors the compiler does not check itself */
    if (!strstr(msg, "strict") && !strstr(msg, "duplicate") && !strstr(msg, "invalid") &&
        !strstr(msg, "eval") && !strstr(msg, "arguments") && !strstr(msg, "octal") &&
        !strstr(msg, "too many") && !strstr(msg, "limit") && !strstr(msg, "label") &&
        !strstr(msg, "out of memory")) {
      fprintf(stderr, "Duktape rejects lowered output: %s\n%.*s\n", msg, (int)out_len, out);
      abort();
    }
  }
  if (heap)
    duk_set_top(heap, 0);
  free(out);
  return 0;
}
