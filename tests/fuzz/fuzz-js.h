/* Shared by the fuzz targets that drive a Web API class from JavaScript: one heap with the
 * sandbox's globals, kept for the whole fuzzing run (creating a heap per input would cost
 * more than the parsers under test), and a driver function each input is passed to. */
#ifndef EDGEFN_FUZZ_JS_H
#define EDGEFN_FUZZ_JS_H

#include "js/js.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Inputs beyond this are ignored: the parsers' cost is linear or worse, and libFuzzer finds
 * more per second with small inputs (scripts/fuzz also passes -max_len). */
#define FUZZ_MAX_INPUT 4096u
/* A driver that runs longer than this is a finding (a hang), reported as a crash. */
#define FUZZ_CPU_BUDGET_NS (2000u * 1000000u)

static edgefn__heap_ctl fuzz_ctl;

typedef struct fuzz_setup {
  const char *driver_src;
  void (*install)(duk_context *ctx); /* extra installers, or NULL */
} fuzz_setup;

static duk_ret_t fuzz_setup_safe(duk_context *ctx, void *udata) {
  const fuzz_setup *s = udata;
  edgefn__globals_install(ctx);
  if (s->install)
    s->install(ctx);
  duk_push_global_stash(ctx);
  duk_eval_string(ctx, s->driver_src);
  duk_put_prop_string(ctx, -2, "fuzzDriver");
  duk_pop(ctx);
  return 0;
}

/* The heap, created on first use with the driver `src` (an expression giving a function). */
static inline duk_context *fuzz_heap(const char *src, void (*install)(duk_context *ctx)) {
  static duk_context *ctx;
  if (ctx)
    return ctx;
  fuzz_ctl.mem_limit = 256u * 1024u * 1024u;
  ctx = edgefn__heap_new(&fuzz_ctl);
  fuzz_setup s = {src, install};
  if (!ctx || duk_safe_call(ctx, fuzz_setup_safe, &s, 0, 1) != DUK_EXEC_SUCCESS) {
    fprintf(stderr, "fuzz: heap setup failed: %s\n",
            ctx ? duk_safe_to_string(ctx, -1) : "out of memory");
    abort();
  }
  duk_pop(ctx);
  return ctx;
}

typedef struct fuzz_call {
  void (*push_args)(duk_context *ctx, void *udata); /* pushes the driver's arguments */
  void *udata;
  duk_idx_t nargs;
} fuzz_call;

static duk_ret_t fuzz_call_safe(duk_context *ctx, void *udata) {
  const fuzz_call *c = udata;
  duk_push_global_stash(ctx);
  duk_get_prop_string(ctx, -1, "fuzzDriver");
  c->push_args(ctx, c->udata);
  duk_call(ctx, c->nargs);
  /* Promise jobs the driver queued (body reads) run now, under the same budget. */
  edgefn__microtasks_drain(ctx);
  return 0;
}

/* Calls the driver; exceptions are expected (invalid input throws), hangs are not. */
static inline void fuzz_heap_call(duk_context *ctx, const fuzz_call *c) {
  edgefn__cpu_begin(&fuzz_ctl, FUZZ_CPU_BUDGET_NS);
  duk_int_t rc = duk_safe_call(ctx, fuzz_call_safe, (void *)c, 0, 1);
  edgefn__cpu_end(&fuzz_ctl);
  /* A driver throws an error with a truthy `fuzzAssert` when a property that must hold for
   * every input (a round trip) does not. */
  bool assert_failed = false;
  if (rc != DUK_EXEC_SUCCESS && duk_is_object(ctx, -1)) {
    duk_get_prop_string(ctx, -1, "fuzzAssert");
    assert_failed = duk_to_boolean(ctx, -1);
    duk_pop(ctx);
  }
  if (assert_failed) {
    fprintf(stderr, "fuzz: assertion failed: %s\n", duk_safe_to_string(ctx, -1));
    abort();
  }
  duk_pop(ctx);
  if (fuzz_ctl.cpu_exceeded) {
    fprintf(stderr, "fuzz: the driver ran out of its CPU budget (a hang)\n");
    abort();
  }
  fuzz_ctl.mem_exceeded = false;
  edgefn__microtasks_clear(ctx);
  /* Keeps the heap's size independent of the run's length, so that a leak in the library
   * shows as growth and not as garbage not yet collected. */
  static unsigned runs;
  if (++runs % 256 == 0)
    duk_gc(ctx, 0);
}

/* Pushes the input as a JS string (UTF-8 decoded, invalid bytes as U+FFFD, as a host's
 * strings always reach scripts). */
static inline void fuzz_push_text(duk_context *ctx, void *udata) {
  const uint8_t *const *d = udata;
  edgefn__push_string_from_utf8(ctx, d[0], (size_t)(d[1] - d[0]));
}

/* Pushes the input as a Uint8Array. */
static inline void fuzz_push_bytes(duk_context *ctx, void *udata) {
  const uint8_t *const *d = udata;
  size_t n = (size_t)(d[1] - d[0]);
  void *p = duk_push_fixed_buffer(ctx, n);
  if (n)
    memcpy(p, d[0], n);
  duk_push_buffer_object(ctx, -1, 0, n, DUK_BUFOBJ_UINT8ARRAY);
  duk_remove(ctx, -2);
}

/* Runs the driver with the input as its one argument, as text or as bytes. */
static inline void fuzz_run(const char *src, const uint8_t *data, size_t size, bool bytes) {
  if (size > FUZZ_MAX_INPUT)
    return;
  duk_context *ctx = fuzz_heap(src, NULL);
  const uint8_t *d[2] = {data, data + size};
  fuzz_call c = {bytes ? fuzz_push_bytes : fuzz_push_text, d, 1};
  fuzz_heap_call(ctx, &c);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#endif
