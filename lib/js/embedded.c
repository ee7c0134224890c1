/* Library modules written in ES5 (streams.js, intl.js): each text is compiled to Duktape
 * bytecode once per process (the first heap that needs it compiles it) and each heap loads
 * that bytecode the first time a script needs the module. A module is one function
 * expression that receives its natives object and returns what the library installs. */
#include "js/js.h"

#include <stdlib.h>
#include <string.h>

static duk_ret_t compile_safe(duk_context *ctx, void *udata) {
  const edgefn__embedded_js *m = udata;
  duk_push_string(ctx, m->filename);
  duk_compile_lstring_filename(ctx, DUK_COMPILE_EVAL, (const char *)m->src, m->src_len);
  duk_dump_function(ctx);
  return 1;
}

/* Under a recovery point (lib/js/heap.c): a fatal error abandons the heap, and the module
 * stays uncompiled (every heap that needs it then gets an error). */
static void compile_run(void *arg) {
  edgefn__embedded_js *m = arg;
  duk_context *ctx = m->compile_heap;
  if (duk_safe_call(ctx, compile_safe, m, 0, 1) == DUK_EXEC_SUCCESS) {
    duk_size_t n;
    const void *p = duk_get_buffer(ctx, -1, &n);
    uint8_t *copy = malloc(n);
    if (copy) {
      memcpy(copy, p, n);
      m->bytecode = copy;
      m->bytecode_len = n;
    }
  }
  duk_destroy_heap(ctx);
}

static void compile_locked(edgefn__embedded_js *m) {
  duk_context *ctx = edgefn__heap_new(NULL);
  if (!ctx)
    return;
  m->compile_heap = ctx;
  char msg[EDGEFN__FATAL_MSG_MAX];
  if (!edgefn__fatal_guard(NULL, compile_run, m, msg, sizeof(msg)))
    (void)edgefn__heap_leak(ctx, 0);
  m->compile_heap = NULL;
}

static duk_ret_t load_safe(duk_context *ctx, void *udata) {
  const edgefn__embedded_js *m = udata;
  /* The bytecode was made by compile_locked in this process: Duktape does not validate
   * bytecode, so nothing else may ever reach duk_load_function. */
  duk_push_external_buffer(ctx);
  duk_config_buffer(ctx, -1, m->bytecode, m->bytecode_len);
  duk_load_function(ctx);
  duk_push_undefined(ctx);
  duk_call_method(ctx, 0); /* evaluates to the module function */
  m->push_natives(ctx);
  duk_call(ctx, 1);
  return 1;
}

void edgefn__embedded_push_module(duk_context *ctx, edgefn__embedded_js *m) {
  duk_push_global_stash(ctx);
  if (duk_get_prop_string(ctx, -1, m->stash_key)) {
    duk_remove(ctx, -2);
    return;
  }
  duk_pop(ctx);
  /* The compile is the process's, not this request's: it is not charged to the CPU
   * budget of the JavaScript that happened to need the module first. */
  duk_memory_functions mf;
  duk_get_memory_functions(ctx, &mf);
  uint64_t mono0 = edgefn__now_ns(), cpu0 = edgefn__thread_cpu_ns();
  pthread_mutex_lock(&m->lock);
  if (!m->tried) {
    compile_locked(m);
    m->tried = true;
  }
  pthread_mutex_unlock(&m->lock);
  edgefn__cpu_exclude(mf.udata, edgefn__now_ns() - mono0, edgefn__thread_cpu_ns() - cpu0);
  if (!m->bytecode)
    (void)duk_error(ctx, DUK_ERR_ERROR, "internal error: %s did not compile", m->filename);
  /* Promises must exist before a module captures them. */
  edgefn__promise_install(ctx);
  if (duk_safe_call(ctx, load_safe, m, 0, 1) != DUK_EXEC_SUCCESS)
    (void)duk_throw(ctx);
  duk_dup_top(ctx);
  duk_put_prop_string(ctx, -3, m->stash_key);
  duk_remove(ctx, -2);
}

static duk_ret_t n_error(duk_context *ctx) {
  int kind = duk_get_current_magic(ctx) ? DUK_ERR_RANGE_ERROR : DUK_ERR_TYPE_ERROR;
  duk_push_error_object(ctx, kind, "%s", duk_safe_to_string(ctx, 0));
  return 1;
}

/* call(f, this, args...): f called as a method, whatever a script did to
 * Function.prototype.call */
static duk_ret_t n_call(duk_context *ctx) {
  duk_idx_t n = duk_get_top(ctx);
  if (n < 2)
    duk_set_top(ctx, 2);
  duk_call_method(ctx, n < 2 ? 0 : n - 2);
  return 1;
}

/* setProto(obj, proto): obj.[[Prototype]] = proto */
static duk_ret_t n_set_proto(duk_context *ctx) {
  duk_dup(ctx, 1);
  duk_set_prototype(ctx, 0);
  return 0;
}

/* create(proto): an ordinary object with that prototype */
static duk_ret_t n_create(duk_context *ctx) {
  duk_push_object(ctx);
  duk_dup(ctx, 0);
  duk_set_prototype(ctx, -2);
  return 1;
}

/* method(obj, name, fn, length): a method property, non-enumerable, with its name and
 * length as built-ins have them; operation(...) (magic 1): the same but enumerable, as
 * WebIDL operations are */
static duk_ret_t n_method(duk_context *ctx) {
  duk_push_literal(ctx, "name");
  if (duk_is_symbol(ctx, 1))
    duk_push_literal(ctx, "[Symbol.iterator]"); /* the one symbol-keyed method */
  else
    duk_dup(ctx, 1);
  duk_def_prop(ctx, 2, DUK_DEFPROP_HAVE_VALUE | DUK_DEFPROP_CLEAR_WRITABLE |
                           DUK_DEFPROP_CLEAR_ENUMERABLE | DUK_DEFPROP_SET_CONFIGURABLE |
                           DUK_DEFPROP_FORCE);
  duk_push_literal(ctx, "length");
  duk_dup(ctx, 3);
  duk_def_prop(ctx, 2, DUK_DEFPROP_HAVE_VALUE | DUK_DEFPROP_CLEAR_WRITABLE |
                           DUK_DEFPROP_CLEAR_ENUMERABLE | DUK_DEFPROP_SET_CONFIGURABLE |
                           DUK_DEFPROP_FORCE);
  duk_dup(ctx, 1);
  duk_dup(ctx, 2);
  duk_def_prop(ctx, 0, DUK_DEFPROP_HAVE_VALUE | DUK_DEFPROP_SET_WRITABLE |
                           (duk_get_current_magic(ctx) ? DUK_DEFPROP_SET_ENUMERABLE
                                                       : DUK_DEFPROP_CLEAR_ENUMERABLE) |
                           DUK_DEFPROP_SET_CONFIGURABLE);
  return 0;
}

/* tag(obj, name): obj[@@toStringTag] = name, read-only */
static duk_ret_t n_tag(duk_context *ctx) {
  duk_push_literal(ctx, DUK_WELLKNOWN_SYMBOL("Symbol.toStringTag"));
  duk_dup(ctx, 1);
  duk_def_prop(ctx, 0, DUK_DEFPROP_HAVE_VALUE | DUK_DEFPROP_CLEAR_WRITABLE |
                           DUK_DEFPROP_CLEAR_ENUMERABLE | DUK_DEFPROP_SET_CONFIGURABLE);
  return 0;
}

/* put(obj, key, value): CreateDataProperty (a group named "__proto__" or one that an
 * Object.prototype setter shadows is still an own data property) */
static duk_ret_t n_put(duk_context *ctx) {
  duk_dup(ctx, 1);
  duk_dup(ctx, 2);
  duk_def_prop(ctx, 0, DUK_DEFPROP_HAVE_VALUE | DUK_DEFPROP_SET_WEC);
  return 0;
}

/* sub(s, a, b): s.substring(a, b) for 0 <= a <= b <= s.length */
static duk_ret_t n_sub(duk_context *ctx) {
  duk_to_string(ctx, 0);
  duk_substring(ctx, 0, duk_to_uint32(ctx, 1), duk_to_uint32(ctx, 2));
  duk_dup(ctx, 0);
  return 1;
}

/* join(list, n): the strings list[0, n) concatenated in one copy (`+=` on a growing string
 * copies the prefix each time: quadratic on a large document) */
static duk_ret_t n_join(duk_context *ctx) {
  duk_uarridx_t n = duk_to_uint32(ctx, 1);
  size_t total = 0;
  for (duk_uarridx_t i = 0; i < n; i++) {
    duk_get_prop_index(ctx, 0, i);
    duk_size_t l = 0;
    if (!duk_is_string(ctx, -1))
      return duk_type_error(ctx, "join: not a string");
    (void)duk_get_lstring(ctx, -1, &l);
    total += l;
    duk_pop(ctx);
  }
  uint8_t *buf = duk_push_fixed_buffer(ctx, total);
  size_t at = 0;
  for (duk_uarridx_t i = 0; i < n; i++) {
    duk_get_prop_index(ctx, 0, i);
    duk_size_t l = 0;
    const char *s = duk_get_lstring(ctx, -1, &l);
    if (s && at + l <= total) {
      memcpy(buf + at, s, l);
      at += l;
    }
    duk_pop(ctx);
  }
  duk_buffer_to_string(ctx, -1);
  return 1;
}

/* ---- promises: then(p, f, r) (PerformPromiseThen, the derived promise), react(p, f, r)
 * (the same without one), newPromise(), resolve(p, v) / reject(p, e), resolved(v) /
 * rejected(e) (PromiseResolve / a rejected promise), markHandled(p), isPending(p) ---- */

static duk_ret_t n_then(duk_context *ctx) {
  edgefn__promise_then(ctx, 0, 1, 2, duk_get_current_magic(ctx) == 0);
  return duk_get_current_magic(ctx) == 0 ? 1 : 0;
}

static duk_ret_t n_new_promise(duk_context *ctx) {
  edgefn__promise_push_new(ctx);
  return 1;
}

static duk_ret_t n_settle(duk_context *ctx) {
  duk_set_top(ctx, 2);
  edgefn__promise_settle(ctx, 0, 1, duk_get_current_magic(ctx) != 0);
  return 0;
}

static duk_ret_t n_resolved(duk_context *ctx) {
  duk_set_top(ctx, 1);
  if (duk_get_current_magic(ctx))
    edgefn__promise_push_rejected(ctx, 0);
  else
    edgefn__promise_push_resolved(ctx, 0);
  return 1;
}

static duk_ret_t n_mark_handled(duk_context *ctx) {
  edgefn__promise_mark_handled(ctx, 0);
  return 0;
}

static duk_ret_t n_is_pending(duk_context *ctx) {
  duk_push_boolean(ctx, edgefn__promise_is_pending(ctx, 0));
  return 1;
}

static const edgefn__embedded_native shared_natives[] = {
    {"typeError", n_error, 1, 0},
    {"rangeError", n_error, 1, 1},
    {"create", n_create, 1, 0},
    {"setProto", n_set_proto, 2, 0},
    {"call", n_call, DUK_VARARGS, 0},
    {"method", n_method, 4, 0},
    {"operation", n_method, 4, 1},
    {"tag", n_tag, 2, 0},
    {"put", n_put, 3, 0},
    {"sub", n_sub, 3, 0},
    {"join", n_join, 2, 0},
    {"then", n_then, 3, 0},
    {"react", n_then, 3, 1},
    {"newPromise", n_new_promise, 0, 0},
    {"resolve", n_settle, 2, 0},
    {"reject", n_settle, 2, 1},
    {"resolved", n_resolved, 1, 0},
    {"rejected", n_resolved, 1, 1},
    {"markHandled", n_mark_handled, 1, 0},
    {"isPending", n_is_pending, 1, 0},
};

static void put_natives(duk_context *ctx, duk_idx_t obj, const edgefn__embedded_native *t,
                        size_t n) {
  for (size_t i = 0; i < n; i++) {
    duk_push_c_function(ctx, t[i].fn, t[i].nargs);
    duk_set_magic(ctx, -1, t[i].magic);
    duk_put_prop_string(ctx, obj, t[i].name);
  }
}

duk_idx_t edgefn__embedded_push_natives(duk_context *ctx, const edgefn__embedded_native *table,
                                        size_t n, const char *slots_key) {
  duk_idx_t obj = duk_push_object(ctx);
  put_natives(ctx, obj, shared_natives, EDGEFN_ARRAY_LEN(shared_natives));
  put_natives(ctx, obj, table, n);
  duk_push_string(ctx, slots_key);
  duk_put_prop_literal(ctx, obj, "K");
  duk_push_literal(ctx, DUK_WELLKNOWN_SYMBOL("Symbol.iterator"));
  duk_put_prop_literal(ctx, obj, "iterator");
  return obj;
}

void edgefn__embedded_install_class(duk_context *ctx, edgefn__embedded_js *m, const char *name,
                                    duk_c_function ctor, duk_idx_t nargs) {
  edgefn__embedded_push_module(ctx, m);
  duk_idx_t mod = duk_get_top_index(ctx);
  duk_push_c_function(ctx, ctor, nargs);
  duk_idx_t fn = duk_get_top_index(ctx);
  duk_push_literal(ctx, "name");
  duk_push_string(ctx, name);
  duk_def_prop(ctx, fn, DUK_DEFPROP_HAVE_VALUE | DUK_DEFPROP_CLEAR_WRITABLE |
                            DUK_DEFPROP_CLEAR_ENUMERABLE | DUK_DEFPROP_SET_CONFIGURABLE |
                            DUK_DEFPROP_FORCE);
  duk_push_literal(ctx, "prototype");
  duk_get_prop_literal(ctx, mod, "proto");
  duk_def_prop(ctx, fn, DUK_DEFPROP_HAVE_VALUE | DUK_DEFPROP_CLEAR_WEC | DUK_DEFPROP_FORCE);
  duk_get_prop_literal(ctx, mod, "proto");
  duk_push_literal(ctx, "constructor");
  duk_dup(ctx, fn);
  duk_def_prop(ctx, -3, DUK_DEFPROP_HAVE_VALUE | DUK_DEFPROP_SET_WRITABLE |
                            DUK_DEFPROP_CLEAR_ENUMERABLE | DUK_DEFPROP_SET_CONFIGURABLE);
  duk_pop(ctx);
  duk_push_global_object(ctx);
  duk_push_string(ctx, name);
  duk_dup(ctx, fn);
  duk_def_prop(ctx, -3, DUK_DEFPROP_HAVE_VALUE | DUK_DEFPROP_SET_WRITABLE |
                            DUK_DEFPROP_CLEAR_ENUMERABLE | DUK_DEFPROP_SET_CONFIGURABLE);
  duk_set_top(ctx, mod);
}
