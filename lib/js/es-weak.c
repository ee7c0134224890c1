/* WeakRef and FinalizationRegistry (ES2021) on Duktape, which has no weak references.
 *
 * An object held weakly gets a cell: a small object kept on it under a hidden key, with the
 * object's address (a pointer value, which keeps nothing alive) and the finalization
 * registrations made for it. The object also gets a finalizer
 * (edgefn__duk_weak_finalizer). When Duktape collects the object, by reference count or by
 * mark-and-sweep, the finalizer runs first: it empties the cell's address, and when the
 * cell has registrations it appends the cell to the heap's pending list. A WeakRef keeps the
 * cell, so deref() answers from the address while the object lives and undefined after.
 *
 * Finalizers can run inside almost any Duktape call (each decrement of a reference count may
 * run them), so the finalizer touches only its own cell, the pending list (which nothing
 * else appends to) and a flag. Everything else happens where the microtask queue empties
 * (lib/js/promise.c calls edgefn__weak_after_drain): ClearKeptObjects, and turning each dead
 * cell's live registrations into cleanup jobs that call the registry's callback with the
 * held value, as jobs of no request.
 *
 * KeepDuringJob: the WeakRef constructor and deref() add their target to a kept list that the
 * end of the drain clears, so a target stays alive for the rest of the job that saw it.
 *
 * What cannot be watched is held strongly, which the standard allows (an engine need never
 * collect anything): symbols, Proxies (Duktape never finalizes a Proxy) and objects that
 * already have another finalizer (only the library's internal objects do). Such a WeakRef
 * always derefs to its target, and a registration for such a target never calls back. */
#include "js/js.h"

#include <string.h>

/* On a watched object: its cell. */
#define K_CELL DUK_HIDDEN_SYMBOL("wk")
/* On a cell: the object's address (absent once collected) and its registrations (a Set). */
#define K_ADDR DUK_HIDDEN_SYMBOL("wka")
#define K_REGS DUK_HIDDEN_SYMBOL("wkr")
/* On a WeakRef: the target's cell, or the target itself when held strongly. */
#define K_REF_CELL DUK_HIDDEN_SYMBOL("wrc")
#define K_REF_STRONG DUK_HIDDEN_SYMBOL("wrs")
/* On a FinalizationRegistry: the cleanup callback, and its registrations by token cell (a
 * Map from cell to a Set of records). */
#define K_FR_CB DUK_HIDDEN_SYMBOL("frc")
#define K_FR_TOKENS DUK_HIDDEN_SYMBOL("frt")
/* On a registration record: registry, held value, target cell, token cell. */
#define K_R_REG DUK_HIDDEN_SYMBOL("rr")
#define K_R_HELD DUK_HIDDEN_SYMBOL("rh")
#define K_R_CELL DUK_HIDDEN_SYMBOL("rc")
#define K_R_TOKEN DUK_HIDDEN_SYMBOL("rt")
/* In the stash: the kept objects, the cells of collected objects with registrations. */
#define S_KEPT DUK_HIDDEN_SYMBOL("edgefn.weak.kept")
#define S_PENDING DUK_HIDDEN_SYMBOL("edgefn.weak.pending")

#define COLL_MAP 1
#define COLL_SET 2

static duk_ret_t weak_finalizer(duk_context *ctx);

/* CanBeHeldWeakly: an object, or a symbol that is not registered (Symbol.for). Duktape's
 * registered symbols start with 0x80, the others with 0x81 (lib/js/es-builtins.c). */
static bool can_be_held_weakly(duk_context *ctx, duk_idx_t idx) {
  if (duk_is_object(ctx, idx))
    return true;
  if (!duk_is_symbol(ctx, idx))
    return false;
  duk_size_t n;
  const unsigned char *p = (const unsigned char *)duk_get_lstring(ctx, idx, &n);
  return p && n > 0 && p[0] != 0x80;
}

/* Pushes the own cell of the object at idx (made when absent and `create`), or undefined
 * when the value cannot be watched (or has no cell and !create). */
static void push_cell(duk_context *ctx, duk_idx_t idx, bool create) {
  idx = duk_normalize_index(ctx, idx);
  void *addr = duk_get_heapptr(ctx, idx);
  if (!addr || !duk_is_object(ctx, idx)) {
    duk_push_undefined(ctx);
    return;
  }
  /* A cell found through the prototype chain belongs to a prototype: its address says so. */
  if (duk_get_prop_literal(ctx, idx, K_CELL) && duk_is_object(ctx, -1)) {
    duk_get_prop_literal(ctx, -1, K_ADDR);
    bool own = duk_get_pointer(ctx, -1) == addr;
    duk_pop(ctx);
    if (own)
      return;
  }
  duk_pop(ctx);
  if (!create || !edgefn__duk_weak_finalizer(ctx, idx, weak_finalizer)) {
    duk_push_undefined(ctx);
    return;
  }
  duk_push_bare_object(ctx);
  duk_push_pointer(ctx, addr);
  duk_put_prop_literal(ctx, -2, K_ADDR);
  duk_dup_top(ctx);
  duk_put_prop_literal(ctx, idx, K_CELL); /* hidden: written even on a frozen object */
}

/* AddToKeptObjects */
static void keep(duk_context *ctx, duk_idx_t idx) {
  idx = duk_normalize_index(ctx, idx);
  duk_push_global_stash(ctx);
  if (!duk_get_prop_literal(ctx, -1, S_KEPT)) {
    duk_pop(ctx);
    duk_push_array(ctx);
    duk_dup_top(ctx);
    duk_put_prop_literal(ctx, -3, S_KEPT);
  }
  duk_dup(ctx, idx);
  duk_put_prop_index(ctx, -2, (duk_uarridx_t)duk_get_length(ctx, -2));
  duk_pop_2(ctx);
  edgefn__microtasks_note_weak(ctx, EDGEFN_WEAK_KEPT);
}

/* (object, heap destruction flag) */
static duk_ret_t weak_finalizer(duk_context *ctx) {
  void *addr = duk_get_heapptr(ctx, 0);
  if (!duk_get_prop_literal(ctx, 0, K_CELL) || !duk_is_object(ctx, -1))
    return 0; /* an object inheriting the finalizer from a watched prototype */
  duk_get_prop_literal(ctx, -1, K_ADDR);
  bool own = duk_get_pointer(ctx, -1) == addr;
  duk_pop(ctx);
  if (!own)
    return 0;
  duk_del_prop_literal(ctx, -1, K_ADDR);
  if (duk_to_boolean(ctx, 1) || !duk_has_prop_literal(ctx, -1, K_REGS))
    return 0;
  duk_push_global_stash(ctx);
  if (!duk_get_prop_literal(ctx, -1, S_PENDING)) {
    duk_pop(ctx);
    duk_push_array(ctx);
    duk_dup_top(ctx);
    duk_put_prop_literal(ctx, -3, S_PENDING);
  }
  duk_dup(ctx, -3);
  duk_put_prop_index(ctx, -2, (duk_uarridx_t)duk_get_length(ctx, -2));
  edgefn__microtasks_note_weak(ctx, EDGEFN_WEAK_PENDING);
  return 0;
}

/* A cleanup job: the registry's callback with the held value (its own properties). */
static duk_ret_t cleanup_job(duk_context *ctx) {
  duk_push_current_function(ctx);
  duk_get_prop_literal(ctx, -1, K_R_REG);
  duk_get_prop_literal(ctx, -1, K_FR_CB);
  duk_push_undefined(ctx);
  duk_get_prop_literal(ctx, -4, K_R_HELD);
  duk_call_method(ctx, 1);
  return 0;
}

/* Removes the record at rec from its registry's token index. */
static void unindex_record(duk_context *ctx, duk_idx_t rec) {
  rec = duk_normalize_index(ctx, rec);
  duk_get_prop_literal(ctx, rec, K_R_TOKEN);
  if (duk_is_object(ctx, -1)) {
    duk_get_prop_literal(ctx, rec, K_R_REG);
    duk_get_prop_literal(ctx, -1, K_FR_TOKENS);
    if (edgefn__collection_get(ctx, -1, -3)) { /* the Set of records for this token */
      edgefn__collection_delete(ctx, -1, rec);
      duk_pop(ctx);
    }
    duk_pop_2(ctx);
  }
  duk_pop(ctx);
}

void edgefn__weak_after_drain(duk_context *ctx, unsigned flags) {
  duk_push_global_stash(ctx);
  duk_idx_t stash = duk_get_top_index(ctx);
  if (flags & EDGEFN_WEAK_KEPT) {
    duk_push_array(ctx);
    duk_put_prop_literal(ctx, stash, S_KEPT); /* ClearKeptObjects */
  }
  if (!(flags & EDGEFN_WEAK_PENDING)) {
    duk_pop(ctx);
    return;
  }
  /* The list is taken whole: a finalizer run meanwhile appends to a new one. */
  if (!duk_get_prop_literal(ctx, stash, S_PENDING)) {
    duk_pop_2(ctx);
    return;
  }
  duk_push_array(ctx);
  duk_put_prop_literal(ctx, stash, S_PENDING);
  duk_idx_t list = duk_get_top_index(ctx);
  duk_size_t n = duk_get_length(ctx, list);
  for (duk_size_t i = 0; i < n; i++) {
    duk_get_prop_index(ctx, list, (duk_uarridx_t)i); /* a dead cell */
    duk_get_prop_literal(ctx, -1, K_REGS);
    duk_del_prop_literal(ctx, -2, K_REGS);
    edgefn__collection_push_entries(ctx, -1); /* its records */
    duk_size_t m = duk_get_length(ctx, -1);
    for (duk_size_t j = 0; j < m; j++) {
      duk_get_prop_index(ctx, -1, (duk_uarridx_t)j);
      unindex_record(ctx, -1);
      duk_push_c_function(ctx, cleanup_job, 0);
      duk_get_prop_literal(ctx, -2, K_R_REG);
      duk_put_prop_literal(ctx, -2, K_R_REG);
      duk_get_prop_literal(ctx, -2, K_R_HELD);
      duk_put_prop_literal(ctx, -2, K_R_HELD);
      edgefn__queue_microtask(ctx, -1);
      duk_pop_2(ctx);
    }
    duk_pop_3(ctx);
  }
  duk_pop_2(ctx);
}

/* ---- WeakRef ---- */

static duk_ret_t weak_ref_ctor(duk_context *ctx) {
  if (!duk_is_constructor_call(ctx))
    return duk_type_error(ctx, "Constructor WeakRef requires 'new'");
  if (!can_be_held_weakly(ctx, 0))
    return duk_type_error(ctx, "WeakRef: target must be an object or a non-registered symbol");
  duk_push_this(ctx);
  push_cell(ctx, 0, true);
  if (duk_is_undefined(ctx, -1)) {
    duk_dup(ctx, 0);
    duk_put_prop_literal(ctx, -3, K_REF_STRONG);
  } else {
    duk_put_prop_literal(ctx, -2, K_REF_CELL);
  }
  keep(ctx, 0);
  return 0;
}

static duk_ret_t weak_ref_deref(duk_context *ctx) {
  duk_push_this(ctx);
  if (!duk_is_object(ctx, -1))
    return duk_type_error(ctx, "WeakRef.prototype.deref: receiver is not a WeakRef");
  if (duk_get_prop_literal(ctx, -1, K_REF_STRONG))
    return 1;
  duk_pop(ctx);
  if (!duk_get_prop_literal(ctx, -1, K_REF_CELL) || !duk_is_object(ctx, -1))
    return duk_type_error(ctx, "WeakRef.prototype.deref: receiver is not a WeakRef");
  duk_get_prop_literal(ctx, -1, K_ADDR);
  void *addr = duk_get_pointer(ctx, -1);
  if (!addr)
    return 0;
  duk_push_heapptr(ctx, addr);
  keep(ctx, -1);
  return 1;
}

/* ---- FinalizationRegistry ---- */

static duk_ret_t registry_ctor(duk_context *ctx) {
  if (!duk_is_constructor_call(ctx))
    return duk_type_error(ctx, "Constructor FinalizationRegistry requires 'new'");
  if (!duk_is_callable(ctx, 0))
    return duk_type_error(ctx, "FinalizationRegistry: cleanup must be callable");
  duk_push_this(ctx);
  duk_dup(ctx, 0);
  duk_put_prop_literal(ctx, -2, K_FR_CB);
  edgefn__collection_push_new(ctx, COLL_MAP);
  duk_put_prop_literal(ctx, -2, K_FR_TOKENS);
  return 0;
}

static duk_idx_t push_this_registry(duk_context *ctx, const char *method) {
  duk_push_this(ctx);
  if (!duk_is_object(ctx, -1) || !duk_has_prop_literal(ctx, -1, K_FR_TOKENS))
    return duk_type_error(ctx, "FinalizationRegistry.prototype.%s: receiver is not a "
                               "FinalizationRegistry", method);
  return duk_get_top_index(ctx);
}

/* register(target, held, token) */
static duk_ret_t registry_register(duk_context *ctx) {
  duk_set_top(ctx, 3);
  duk_idx_t self = push_this_registry(ctx, "register");
  if (!can_be_held_weakly(ctx, 0))
    return duk_type_error(ctx, "FinalizationRegistry.prototype.register: invalid target");
  if (duk_samevalue(ctx, 0, 1))
    return duk_type_error(ctx, "FinalizationRegistry.prototype.register: target and holdings "
                               "must not be same");
  if (!duk_is_undefined(ctx, 2) && !can_be_held_weakly(ctx, 2))
    return duk_type_error(ctx, "FinalizationRegistry.prototype.register: invalid unregister "
                               "token");
  duk_idx_t cell = duk_get_top(ctx);
  push_cell(ctx, 0, true);
  duk_idx_t tcell = duk_get_top(ctx);
  if (duk_is_undefined(ctx, 2))
    duk_push_undefined(ctx);
  else
    push_cell(ctx, 2, true);
  if (duk_is_undefined(ctx, cell) && duk_is_undefined(ctx, tcell))
    return 0; /* never collected, never unregistered: nothing to remember */
  duk_idx_t rec = duk_push_bare_object(ctx);
  duk_dup(ctx, self);
  duk_put_prop_literal(ctx, rec, K_R_REG);
  duk_dup(ctx, 1);
  duk_put_prop_literal(ctx, rec, K_R_HELD);
  duk_dup(ctx, cell);
  duk_put_prop_literal(ctx, rec, K_R_CELL);
  duk_dup(ctx, tcell);
  duk_put_prop_literal(ctx, rec, K_R_TOKEN);
  if (!duk_is_undefined(ctx, cell)) {
    if (!duk_get_prop_literal(ctx, cell, K_REGS)) {
      duk_pop(ctx);
      edgefn__collection_push_new(ctx, COLL_SET);
      duk_dup_top(ctx);
      duk_put_prop_literal(ctx, cell, K_REGS);
    }
    edgefn__collection_add(ctx, -1, rec, rec);
    duk_pop(ctx);
  }
  if (!duk_is_undefined(ctx, tcell)) {
    duk_get_prop_literal(ctx, self, K_FR_TOKENS);
    if (!edgefn__collection_get(ctx, -1, tcell)) {
      edgefn__collection_push_new(ctx, COLL_SET);
      edgefn__collection_add(ctx, -2, tcell, -1);
    }
    edgefn__collection_add(ctx, -1, rec, rec);
    duk_pop_2(ctx);
  }
  return 0;
}

/* unregister(token): whether registrations were removed */
static duk_ret_t registry_unregister(duk_context *ctx) {
  duk_set_top(ctx, 1);
  duk_idx_t self = push_this_registry(ctx, "unregister");
  if (!can_be_held_weakly(ctx, 0))
    return duk_type_error(ctx, "FinalizationRegistry.prototype.unregister: invalid unregister "
                               "token");
  push_cell(ctx, 0, false);
  duk_idx_t tcell = duk_get_top_index(ctx);
  duk_get_prop_literal(ctx, self, K_FR_TOKENS);
  duk_idx_t tokens = duk_get_top_index(ctx);
  if (duk_is_undefined(ctx, tcell) || !edgefn__collection_get(ctx, tokens, tcell)) {
    duk_push_false(ctx);
    return 1;
  }
  edgefn__collection_push_entries(ctx, -1);
  duk_size_t n = duk_get_length(ctx, -1);
  for (duk_size_t i = 0; i < n; i++) {
    duk_get_prop_index(ctx, -1, (duk_uarridx_t)i);
    duk_get_prop_literal(ctx, -1, K_R_CELL);
    if (duk_is_object(ctx, -1) && duk_get_prop_literal(ctx, -1, K_REGS))
      edgefn__collection_delete(ctx, -1, -3);
    duk_pop_3(ctx);
  }
  edgefn__collection_delete(ctx, tokens, tcell);
  duk_push_boolean(ctx, n > 0);
  return 1;
}

/* ---- installation ---- */

static void make_class(duk_context *ctx, const char *name, duk_c_function ctor, int nargs,
                       const edgefn__es_method *methods, size_t n) {
  duk_push_c_function(ctx, ctor, nargs);
  duk_idx_t c = duk_get_top_index(ctx);
  duk_push_literal(ctx, "name");
  duk_push_string(ctx, name);
  duk_def_prop(ctx, c, DUK_DEFPROP_HAVE_VALUE | DUK_DEFPROP_CLEAR_WRITABLE |
                           DUK_DEFPROP_CLEAR_ENUMERABLE | DUK_DEFPROP_SET_CONFIGURABLE |
                           DUK_DEFPROP_FORCE);
  duk_idx_t proto = duk_push_object(ctx);
  edgefn__es_def_methods(ctx, proto, methods, n);
  duk_push_literal(ctx, "constructor");
  duk_dup(ctx, c);
  duk_def_prop(ctx, proto, DUK_DEFPROP_HAVE_VALUE | DUK_DEFPROP_SET_WRITABLE |
                               DUK_DEFPROP_CLEAR_ENUMERABLE | DUK_DEFPROP_SET_CONFIGURABLE);
  duk_push_literal(ctx, DUK_WELLKNOWN_SYMBOL("Symbol.toStringTag"));
  duk_push_string(ctx, name);
  duk_def_prop(ctx, proto, DUK_DEFPROP_HAVE_VALUE | DUK_DEFPROP_CLEAR_WRITABLE |
                               DUK_DEFPROP_CLEAR_ENUMERABLE | DUK_DEFPROP_SET_CONFIGURABLE);
  duk_push_literal(ctx, "prototype");
  duk_dup(ctx, proto);
  duk_def_prop(ctx, c, DUK_DEFPROP_HAVE_VALUE | DUK_DEFPROP_CLEAR_WEC | DUK_DEFPROP_FORCE);
  duk_pop(ctx);
  duk_push_global_object(ctx);
  duk_push_string(ctx, name);
  duk_dup(ctx, c);
  duk_def_prop(ctx, -3, DUK_DEFPROP_HAVE_VALUE | DUK_DEFPROP_SET_WRITABLE |
                            DUK_DEFPROP_CLEAR_ENUMERABLE | DUK_DEFPROP_SET_CONFIGURABLE);
  duk_pop_2(ctx);
}

static const edgefn__es_method weak_ref_methods[] = {
    {"deref", weak_ref_deref, 0, 0, 0},
};

static const edgefn__es_method registry_methods[] = {
    {"register", registry_register, DUK_VARARGS, 2, 0},
    {"unregister", registry_unregister, 1, 1, 0},
};

void edgefn__es_weak_install(duk_context *ctx) {
  /* cleanup jobs go through the microtask queue (the Maps and Sets of the bookkeeping come
   * from edgefn__collection_push_new, which installs them if needed) */
  edgefn__promise_install(ctx);
  make_class(ctx, "WeakRef", weak_ref_ctor, 1, weak_ref_methods,
             EDGEFN_ARRAY_LEN(weak_ref_methods));
  make_class(ctx, "FinalizationRegistry", registry_ctor, 1, registry_methods,
             EDGEFN_ARRAY_LEN(registry_methods));
}
