/* The JS compiler front: edgefn_script_new on random source (Duktape's parser and the
 * bytecode dump). Source that compiles then runs in a fresh sandbox heap with the globals,
 * a small CPU budget and a small memory cap, so that what the parser accepts also executes
 * (a runtime's top level would get the fixed 1 s init budget: far too slow per input). */
#include "js/js.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define RUN_BUDGET_NS (20u * 1000000u)
#define RUN_MEMORY (16u * 1024u * 1024u)

typedef struct run_args {
  const char *src;
  size_t len;
} run_args;

static duk_ret_t run_safe(duk_context *ctx, void *udata) {
  const run_args *a = udata;
  edgefn__globals_install(ctx);
  duk_push_string(ctx, "fuzz.js");
  duk_compile_lstring_filename(ctx, 0, a->src, a->len);
  duk_call(ctx, 0);
  edgefn__microtasks_drain(ctx);
  return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size > 4096)
    return 0;
  char *src = malloc(size ? size : 1);
  if (!src)
    return 0;
  memcpy(src, data, size);
  edgefn_script *script = NULL;
  edgefn_error_info err = EDGEFN_ERROR_INFO_INIT;
  edgefn_script_options so = EDGEFN_SCRIPT_OPTIONS_INIT;
  so.source = src;
  so.source_len = size;
  so.filename = "fuzz.js";
  int rc = edgefn_script_new(&script, &so, &err);
  if (rc != 0) {
    if (script || err.code != rc)
      abort();
    free(src);
    return 0;
  }
  if (edgefn_script_bytecode_size(script) == 0)
    abort();
  edgefn_script_free(script);

  edgefn__heap_ctl ctl;
  memset(&ctl, 0, sizeof(ctl));
  ctl.mem_limit = RUN_MEMORY;
  ctl.log = NULL;
  duk_context *ctx = edgefn__heap_new(&ctl);
  if (ctx) {
    run_args a = {src, size};
    edgefn__cpu_begin(&ctl, RUN_BUDGET_NS);
    (void)duk_safe_call(ctx, run_safe, &a, 0, 1);
    edgefn__cpu_end(&ctl);
    edgefn__microtasks_clear(ctx);
    duk_destroy_heap(ctx);
  }
  free(src);
  return 0;
}
