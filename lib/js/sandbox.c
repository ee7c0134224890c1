/* What a runtime's heap must not offer a script (issue 7): code made from strings at run time
 * unless the function's configuration allows it, and the parts of Duktape's own `Duktape`
 * object that would run script code from inside the engine, outside the CPU accounting
 * (finalizers run by the garbage collector, even while the heap is being destroyed; error
 * hooks run whenever any error is created, host code's included). */
#include "js/js.h"

#include "detach.h"

static const char no_codegen[] = "Code generation from strings disallowed for this context";

/* eval(x): the spec returns a non-string unchanged; only a string would be compiled. */
static duk_ret_t eval_disabled(duk_context *ctx) {
  if (!duk_is_string(ctx, 0) || duk_is_symbol(ctx, 0))
    return 1;
  return duk_error(ctx, DUK_ERR_EVAL_ERROR, "%s", no_codegen);
}

/* Replaces obj[name] with the native fn, named `name`, as a built-in method is defined
 * (writable, configurable, not enumerable), whatever the property was. */
static void def_method(duk_context *ctx, duk_idx_t obj, const char *name, duk_c_function fn,
                       duk_idx_t nargs) {
  obj = duk_normalize_index(ctx, obj);
  duk_push_string(ctx, name);
  duk_push_c_function(ctx, fn, nargs);
  duk_push_literal(ctx, "name");
  duk_push_string(ctx, name);
  duk_def_prop(ctx, -3, DUK_DEFPROP_HAVE_VALUE | DUK_DEFPROP_FORCE);
  duk_def_prop(ctx, obj, DUK_DEFPROP_HAVE_VALUE | DUK_DEFPROP_SET_WRITABLE |
                             DUK_DEFPROP_CLEAR_ENUMERABLE | DUK_DEFPROP_SET_CONFIGURABLE |
                             DUK_DEFPROP_FORCE);
}

static duk_ret_t function_disabled(duk_context *ctx) {
  return duk_error(ctx, DUK_ERR_EVAL_ERROR, "%s", no_codegen);
}

/* Replaces eval and Function wherever a script can reach them. Duktape's intrinsics stay in
 * the heap (the engine refers to them internally) but no property leads to them any more:
 * the global bindings `eval` and `Function` and Function.prototype.constructor are the only
 * references a script can follow ((function(){}).constructor, arguments.callee.constructor,
 * Object.getPrototypeOf(f).constructor all end at Function.prototype.constructor). Duktape has
 * no generator or async function constructors, and setTimeout accepts only functions. A
 * direct eval(...) call is compiled as a call that evaluates only when the callee is the
 * intrinsic, so it now calls the stub. */
static void disable_code_generation(duk_context *ctx) {
  duk_push_global_object(ctx);
  duk_get_prop_literal(ctx, -1, "Function");
  duk_get_prop_literal(ctx, -1, "prototype"); /* [global Function proto] */

  duk_push_c_function(ctx, function_disabled, DUK_VARARGS); /* [... stub] */
  duk_push_literal(ctx, "prototype");
  duk_dup(ctx, -3);
  duk_def_prop(ctx, -3, DUK_DEFPROP_HAVE_VALUE | DUK_DEFPROP_CLEAR_WRITABLE |
                            DUK_DEFPROP_CLEAR_ENUMERABLE | DUK_DEFPROP_CLEAR_CONFIGURABLE);
  duk_push_literal(ctx, "name");
  duk_push_literal(ctx, "Function");
  duk_def_prop(ctx, -3, DUK_DEFPROP_HAVE_VALUE | DUK_DEFPROP_FORCE);
  duk_push_literal(ctx, "length");
  duk_push_int(ctx, 1);
  duk_def_prop(ctx, -3, DUK_DEFPROP_HAVE_VALUE | DUK_DEFPROP_FORCE);

  duk_push_literal(ctx, "constructor");
  duk_dup(ctx, -2);
  duk_def_prop(ctx, -4, DUK_DEFPROP_HAVE_VALUE | DUK_DEFPROP_SET_WRITABLE |
                            DUK_DEFPROP_CLEAR_ENUMERABLE | DUK_DEFPROP_SET_CONFIGURABLE |
                            DUK_DEFPROP_FORCE);
  duk_push_literal(ctx, "Function");
  duk_dup(ctx, -2);
  duk_def_prop(ctx, -6, DUK_DEFPROP_HAVE_VALUE | DUK_DEFPROP_SET_WRITABLE |
                            DUK_DEFPROP_CLEAR_ENUMERABLE | DUK_DEFPROP_SET_CONFIGURABLE |
                            DUK_DEFPROP_FORCE);
  duk_pop_3(ctx); /* [global] */

  def_method(ctx, -1, "eval", eval_disabled, 1);
  duk_pop(ctx);
}

static duk_ret_t no_hook(duk_context *ctx) {
  (void)ctx;
  return 0;
}

/* Duktape.fin (finalizers) and Duktape.errCreate / errThrow (error hooks) would run script
 * code from the garbage collector or from any error the engine or host creates, where no
 * CPU budget is active (edgefn_runtime_free would never return from a finalizer's endless
 * loop). Duktape.act and Duktape.info describe engine internals. Duktape.Thread (the
 * coroutines async functions run on), version, enc/dec, gc, compact stay. */
static void harden_duktape_object(duk_context *ctx) {
  duk_push_global_object(ctx);
  if (!duk_get_prop_literal(ctx, -1, "Duktape") || !duk_is_object(ctx, -1)) {
    duk_pop_2(ctx);
    return;
  }
  static const char *const removed[] = {"fin", "act", "info"};
  for (size_t i = 0; i < EDGEFN_ARRAY_LEN(removed); i++)
    duk_del_prop_string(ctx, -1, removed[i]);
  /* Duktape calls a hook only when the property is a plain value: a fixed accessor with no
   * setter reads as undefined and can be neither assigned nor redefined. */
  static const char *const hooks[] = {"errCreate", "errThrow"};
  for (size_t i = 0; i < EDGEFN_ARRAY_LEN(hooks); i++) {
    duk_push_string(ctx, hooks[i]);
    duk_push_c_function(ctx, no_hook, 0);
    duk_def_prop(ctx, -3, DUK_DEFPROP_HAVE_GETTER | DUK_DEFPROP_CLEAR_ENUMERABLE |
                              DUK_DEFPROP_CLEAR_CONFIGURABLE | DUK_DEFPROP_FORCE);
  }
  duk_pop_2(ctx);
}

/* Duktape's Node.js-style Buffer.prototype.fill memsets a view's nominal length without
 * checking the backing buffer, which a detached ArrayBuffer (streams transfer them) has
 * shrunk to 0: the checked version from lib/duktape/internals.c replaces it before any script
 * can take a reference to the original. */
static void harden_buffer_fill(duk_context *ctx) {
  duk_idx_t top = duk_get_top(ctx);
  duk_push_global_object(ctx);
  if (duk_get_prop_literal(ctx, -1, "Buffer") && duk_is_object(ctx, -1) &&
      duk_get_prop_literal(ctx, -1, "prototype") && duk_is_object(ctx, -1)) {
    def_method(ctx, -1, "fill", edgefn__duk_buffer_fill_checked, 3);
  }
  duk_set_top(ctx, top);
}

void edgefn__sandbox_harden(duk_context *ctx, bool allow_eval) {
  if (!allow_eval)
    disable_code_generation(ctx);
  harden_duktape_object(ctx);
  harden_buffer_fill(ctx);
}
