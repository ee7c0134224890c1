/* The runtime lowered code calls (helpers.js.h), compiled to bytecode once per process
 * and installed into each heap: never source parsed per request. */
#include "compiler/lower.h"
#include "js/js.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char helpers_src[] =
#include "compiler/helpers.js.h"
    ;

static pthread_once_t once = PTHREAD_ONCE_INIT;
static uint8_t *helpers_bc;
static size_t helpers_bc_len;

static duk_ret_t compile_helpers(duk_context *ctx, void *udata) {
  (void)udata;
  duk_push_string(ctx, "<edgefn helpers>");
  duk_compile_lstring_filename(ctx, DUK_COMPILE_FUNCTION, helpers_src, sizeof(helpers_src) - 1);
  duk_dump_function(ctx);
  return 1;
}

/* Under a recovery point (lib/js/heap.c): a fatal error abandons the heap, and the helpers
 * are then missing as after a compile error. */
static void build_run(void *p) {
  duk_context *ctx = p;
  if (duk_safe_call(ctx, compile_helpers, NULL, 0, 1) == DUK_EXEC_SUCCESS) {
    duk_size_t len = 0;
    const void *bc = duk_get_buffer(ctx, -1, &len);
    helpers_bc = malloc(len ? len : 1);
    if (helpers_bc) {
      memcpy(helpers_bc, bc, len);
      helpers_bc_len = len;
    }
  } else {
    fprintf(stderr, "libedgefn: compiler helpers do not compile: %s\n",
            duk_safe_to_string(ctx, -1));
  }
  duk_destroy_heap(ctx);
}

static void build_bytecode(void) {
  duk_context *ctx = edgefn__heap_new(NULL);
  if (!ctx)
    return;
  char msg[EDGEFN__FATAL_MSG_MAX];
  if (!edgefn__fatal_guard(NULL, build_run, ctx, msg, sizeof(msg))) {
    (void)edgefn__heap_leak(ctx, 0);
    fprintf(stderr, "libedgefn: fatal error compiling the compiler helpers: %s\n", msg);
  }
}

/* nat(f): true for C functions, which super() must construct rather than call; false for
 * the few C constructors marked EDGEFN_K_CALLED_BY_SUPER (js.h), which super() calls with
 * the object being made. */
static duk_ret_t helper_nat(duk_context *ctx) {
  bool nat = duk_is_c_function(ctx, 0) || duk_is_bound_function(ctx, 0);
  if (nat && duk_is_c_function(ctx, 0) && duk_has_prop_literal(ctx, 0, EDGEFN_K_CALLED_BY_SUPER))
    nat = false;
  duk_push_boolean(ctx, nat);
  return 1;
}

/* pp(v): [target, handler] when v is a Proxy, else null. */
static duk_ret_t helper_pp(duk_context *ctx) {
  if (!edgefn__duk_push_proxy_parts(ctx, 0)) {
    duk_push_null(ctx);
    return 1;
  }
  duk_push_array(ctx);
  duk_swap_top(ctx, -2);
  duk_put_prop_index(ctx, -2, 1);
  duk_swap_top(ctx, -2);
  duk_put_prop_index(ctx, -2, 0);
  return 1;
}

/* pn(name): a fresh hidden symbol for one class's #name; hidden symbols never show in
 * enumeration, Object.getOwnPropertySymbols or JSON, so the field stays private. */
static duk_ret_t helper_pn(duk_context *ctx) {
  static _Atomic unsigned long counter;
  unsigned long n = ++counter;
  char key[160];
  snprintf(key, sizeof(key), "\xFF" "edgefn#%lu#%.100s", n, duk_safe_to_string(ctx, 0));
  duk_push_string(ctx, key);
  return 1;
}

void edgefn__lower_helpers_install(duk_context *ctx) {
  pthread_once(&once, build_bytecode);
  if (!helpers_bc)
    (void)duk_error(ctx, DUK_ERR_ERROR, "compiler helpers unavailable");
  duk_push_external_buffer(ctx);
  duk_config_buffer(ctx, -1, helpers_bc, helpers_bc_len);
  duk_load_function(ctx);
  duk_push_undefined(ctx);
  duk_push_global_object(ctx);
  duk_push_c_function(ctx, helper_nat, 1);
  duk_push_c_function(ctx, helper_pn, 1);
  duk_push_c_function(ctx, helper_pp, 1);
  duk_call_method(ctx, 4);
  duk_pop(ctx);
}
