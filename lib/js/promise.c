/* Promise (ES2024), queueMicrotask and the microtask queue, natively on the Duktape API.
 *
 * A promise is an ordinary object whose internal slots are hidden-symbol properties, so no JS
 * code can reach them:
 *   pself  a pointer to the object itself; an object merely inheriting from a promise has the
 *          property too but not its own address, which is how IsPromise tells them apart
 *          without a self-reference cycle;
 *   pst    state (2 bits) | handled (1 bit) | resolution generation (the rest): the
 *          generation implements the spec's shared "alreadyResolved" record of a pair of
 *          resolving functions without allocating one: a pair remembers the generation it
 *          was made in and acts only while the promise still has that generation, and
 *          using it moves the promise to the next generation;
 *   pval   the result once settled;
 *   prx    pending reactions, a flat array of (onFulfilled, onRejected, derived promise).
 *
 * Jobs live in a ring buffer laid over a JS array (so the values stay reachable), four
 * slots a job: kind and three values. The ring's indexes and borrowed pointers to the
 * intrinsics sit in a fixed buffer in the global stash, which also holds the references
 * that keep those objects alive. */
#include "js/js.h"

#include <stdint.h>
#include <string.h>

#define K_SELF DUK_HIDDEN_SYMBOL("pself")
#define K_STATE DUK_HIDDEN_SYMBOL("pst")
#define K_VALUE DUK_HIDDEN_SYMBOL("pval")
#define K_REACT DUK_HIDDEN_SYMBOL("prx")
/* On resolving functions, element functions and finally's closures. */
#define K_FN_PROMISE DUK_HIDDEN_SYMBOL("fp")
#define K_FN_GEN DUK_HIDDEN_SYMBOL("fg")
#define K_FN_REC DUK_HIDDEN_SYMBOL("fr")
#define K_FN_IDX DUK_HIDDEN_SYMBOL("fi")
#define K_FN_CB DUK_HIDDEN_SYMBOL("fc")
#define K_FN_VAL DUK_HIDDEN_SYMBOL("fv")
/* On a combinator's shared record. */
#define K_REC_VALUES DUK_HIDDEN_SYMBOL("rv")
#define K_REC_CALLED DUK_HIDDEN_SYMBOL("rc")
#define K_REC_REMAINING DUK_HIDDEN_SYMBOL("rn")
#define K_REC_PROMISE DUK_HIDDEN_SYMBOL("rp")

/* Global stash keys. */
#define S_ENGINE DUK_HIDDEN_SYMBOL("edgefn.promise.engine")
#define S_QUEUE DUK_HIDDEN_SYMBOL("edgefn.promise.queue")
#define S_UNHANDLED DUK_HIDDEN_SYMBOL("edgefn.promise.unhandled")
#define S_PROTO DUK_HIDDEN_SYMBOL("edgefn.promise.proto")
#define S_CTOR DUK_HIDDEN_SYMBOL("edgefn.promise.ctor")
#define S_THEN DUK_HIDDEN_SYMBOL("edgefn.promise.then")
#define S_AGG_PROTO DUK_HIDDEN_SYMBOL("edgefn.promise.aggproto")

#define ST_PENDING 0u
#define ST_FULFILLED 1u
#define ST_REJECTED 2u
#define ST_MASK 3u
#define ST_HANDLED 4u
#define ST_GEN 8u

#define JOB_SLOTS 4u
#define QUEUE_MIN_JOBS 16u
#define QUEUE_SHRINK_ABOVE 1024u /* jobs */

enum job_kind { JOB_FULFILL = 1, JOB_REJECT, JOB_THENABLE, JOB_MICROTASK };
#define JOB_KINDS 8u /* > every job_kind */

enum combinator { COMB_ALL, COMB_ALL_SETTLED, COMB_ANY, COMB_RACE };

enum element_kind { EL_ALL, EL_SETTLED_FULFILL, EL_SETTLED_REJECT, EL_ANY };

/* Per-heap state. The pointers are borrowed: the stash holds the references. */
typedef struct engine {
  uint32_t head, count, cap; /* the ring, in jobs */
  bool draining;
  uint8_t weak; /* EDGEFN_WEAK_* work for the end of the drain (lib/js/es-weak.c) */
  uint32_t n_unhandled;
  void *queue;
  void *unhandled;
  void *proto;
  void *ctor;
  void *then;
  void *agg_proto;
} engine;

/* The engine lives in a fixed buffer in the stash; a runtime's heap also keeps a pointer to
 * it in its control block (set when installed), which several calls per request read. */
static engine *get_engine(duk_context *ctx) {
  duk_memory_functions mf;
  duk_get_memory_functions(ctx, &mf);
  edgefn__heap_ctl *ctl = mf.udata;
  if (ctl && ctl->promise)
    return ctl->promise;
  duk_push_global_stash(ctx);
  duk_get_prop_literal(ctx, -1, S_ENGINE);
  engine *e = duk_get_buffer(ctx, -1, NULL);
  duk_pop_2(ctx);
  return e;
}

static engine *require_engine(duk_context *ctx) {
  engine *e = get_engine(ctx);
  if (!e)
    (void)duk_error(ctx, DUK_ERR_ERROR, "Promise is not installed");
  return e;
}

/* ---- the job queue ---- */

static void queue_grow(duk_context *ctx, engine *e) {
  uint32_t cap = e->cap ? e->cap * 2 : QUEUE_MIN_JOBS;
  if (cap < e->cap || cap > UINT32_MAX / JOB_SLOTS)
    (void)duk_error(ctx, DUK_ERR_RANGE_ERROR, "microtask queue too long");
  duk_idx_t arr = duk_push_array(ctx);
  duk_push_heapptr(ctx, e->queue);
  uint32_t n = 0;
  /* Filled in index order so that the array stays dense. */
  for (uint32_t i = 0; i < e->count; i++) {
    uint32_t from = ((e->head + i) % e->cap) * JOB_SLOTS;
    for (uint32_t s = 0; s < JOB_SLOTS; s++) {
      duk_get_prop_index(ctx, -1, from + s);
      duk_put_prop_index(ctx, arr, n++);
    }
  }
  duk_pop(ctx);
  while (n < cap * JOB_SLOTS) {
    duk_push_undefined(ctx);
    duk_put_prop_index(ctx, arr, n++);
  }
  duk_push_global_stash(ctx);
  duk_dup(ctx, arr);
  duk_put_prop_literal(ctx, -2, S_QUEUE);
  duk_pop(ctx);
  e->queue = duk_get_heapptr(ctx, arr);
  e->head = 0;
  e->cap = cap;
  duk_pop(ctx);
}

static uint32_t current_tag(duk_context *ctx) {
  duk_memory_functions mf;
  duk_get_memory_functions(ctx, &mf);
  const edgefn__heap_ctl *ctl = mf.udata;
  return ctl ? ctl->job_tag : 0;
}

static uint32_t slot_tag(duk_context *ctx, duk_idx_t idx) {
  return (uint32_t)(duk_get_number(ctx, idx) / JOB_KINDS);
}

/* Consumes the three values on top of the stack as a job of the given kind, belonging to
 * request `tag`. */
static void queue_push_tagged(duk_context *ctx, engine *e, int kind, uint32_t tag) {
  if (e->count == e->cap)
    queue_grow(ctx, e);
  duk_push_heapptr(ctx, e->queue);
  uint32_t slot = ((e->head + e->count) % e->cap) * JOB_SLOTS;
  /* The first slot holds the kind and the request the job belongs to (its tag, see
   * edgefn__microtasks_drain_hooked): kind + JOB_KINDS * tag, exact in a double. */
  duk_push_number(ctx, (double)kind + (double)JOB_KINDS * (double)tag);
  duk_put_prop_index(ctx, -2, slot);
  for (uint32_t s = 1; s < JOB_SLOTS; s++) {
    duk_dup(ctx, -5 + (duk_idx_t)s);
    duk_put_prop_index(ctx, -2, slot + s);
  }
  /* Counted only once every slot is written: an out-of-memory error leaves no half job. */
  e->count++;
  duk_pop_n(ctx, 4);
}

/* The same for the request whose JavaScript runs now. */
static void queue_push(duk_context *ctx, engine *e, int kind) {
  queue_push_tagged(ctx, e, kind, current_tag(ctx));
}

/* Pushes the oldest job's four slots and removes it from the ring. */
static void queue_shift(duk_context *ctx, engine *e) {
  duk_push_heapptr(ctx, e->queue);
  uint32_t slot = e->head * JOB_SLOTS;
  for (uint32_t s = 0; s < JOB_SLOTS; s++)
    duk_get_prop_index(ctx, -1 - (duk_idx_t)s, slot + s);
  for (uint32_t s = 0; s < JOB_SLOTS; s++) {
    duk_push_undefined(ctx);
    duk_put_prop_index(ctx, -6, slot + s);
  }
  e->head = (e->head + 1) % e->cap;
  e->count--;
  duk_remove(ctx, -5);
}

/* ---- promise internals ---- */

static bool is_promise(duk_context *ctx, duk_idx_t idx) {
  if (!duk_is_object(ctx, idx))
    return false;
  idx = duk_normalize_index(ctx, idx);
  duk_get_prop_literal(ctx, idx, K_SELF);
  bool yes = duk_get_pointer_default(ctx, -1, NULL) == duk_get_heapptr(ctx, idx);
  duk_pop(ctx);
  return yes;
}

static uint64_t state_get(duk_context *ctx, duk_idx_t p) {
  duk_get_prop_literal(ctx, p, K_STATE);
  uint64_t st = (uint64_t)duk_get_number_default(ctx, -1, 0);
  duk_pop(ctx);
  return st;
}

static void state_set(duk_context *ctx, duk_idx_t p, uint64_t st) {
  p = duk_normalize_index(ctx, p);
  duk_push_number(ctx, (duk_double_t)st);
  duk_put_prop_literal(ctx, p, K_STATE);
}

static void promise_init(duk_context *ctx, duk_idx_t p) {
  duk_push_pointer(ctx, duk_get_heapptr(ctx, p));
  duk_put_prop_literal(ctx, p, K_SELF);
  duk_push_uint(ctx, ST_PENDING);
  duk_put_prop_literal(ctx, p, K_STATE);
}

static duk_idx_t push_promise(duk_context *ctx, engine *e) {
  duk_idx_t p = duk_push_object(ctx);
  duk_push_heapptr(ctx, e->proto);
  duk_set_prototype(ctx, p);
  promise_init(ctx, p);
  return p;
}

static bool is_objectish(duk_context *ctx, duk_idx_t idx) {
  return duk_check_type_mask(ctx, idx, DUK_TYPE_MASK_OBJECT | DUK_TYPE_MASK_LIGHTFUNC);
}

/* Fulfills or rejects the pending promise at p with the value at v and queues its
 * reactions (TriggerPromiseReactions). */
static void settle(duk_context *ctx, engine *e, duk_idx_t p, duk_idx_t v, unsigned state) {
  p = duk_normalize_index(ctx, p);
  v = duk_normalize_index(ctx, v);
  uint64_t st = state_get(ctx, p);
  if ((st & ST_MASK) != ST_PENDING)
    return;
  duk_dup(ctx, v);
  duk_put_prop_literal(ctx, p, K_VALUE);
  state_set(ctx, p, (st & ~(uint64_t)ST_MASK) | state);
  if (state == ST_REJECTED && !(st & ST_HANDLED)) {
    /* HostPromiseRejectionTracker(promise, "reject"); "handle" just sets the flag. */
    duk_push_heapptr(ctx, e->unhandled);
    duk_dup(ctx, p);
    duk_put_prop_index(ctx, -2, e->n_unhandled);
    e->n_unhandled++;
    duk_pop(ctx);
  }
  if (duk_get_prop_literal(ctx, p, K_REACT)) {
    duk_idx_t r = duk_get_top_index(ctx);
    duk_size_t n = duk_get_length(ctx, r);
    /* A reaction runs on behalf of the request that registered it (its `then` call), not
     * of whichever request happens to settle the promise. */
    for (duk_size_t i = 0; i + 3 < n; i += 4) {
      duk_get_prop_index(ctx, r, (duk_uarridx_t)(i + 3));
      uint32_t tag = (uint32_t)duk_get_number(ctx, -1);
      duk_pop(ctx);
      duk_get_prop_index(ctx, r, (duk_uarridx_t)(i + (state == ST_FULFILLED ? 0 : 1)));
      duk_get_prop_index(ctx, r, (duk_uarridx_t)(i + 2));
      duk_dup(ctx, v);
      queue_push_tagged(ctx, e, state == ST_FULFILLED ? JOB_FULFILL : JOB_REJECT, tag);
    }
    /* Cleared, not deleted: deleting fails on a promise a script froze. */
    duk_push_undefined(ctx);
    duk_put_prop_literal(ctx, p, K_REACT);
  }
  duk_pop(ctx);
}

static duk_ret_t get_then_unsafe(duk_context *ctx, void *udata) {
  (void)udata;
  duk_get_prop_literal(ctx, -1, "then");
  return 1;
}

/* The body of a promise resolve function once its "alreadyResolved" check passed. */
static void resolve_value(duk_context *ctx, engine *e, duk_idx_t p, duk_idx_t v) {
  p = duk_normalize_index(ctx, p);
  v = duk_normalize_index(ctx, v);
  if (duk_strict_equals(ctx, p, v)) {
    duk_push_error_object(ctx, DUK_ERR_TYPE_ERROR, "Chaining cycle detected for promise");
    settle(ctx, e, p, -1, ST_REJECTED);
    duk_pop(ctx);
    return;
  }
  if (!is_objectish(ctx, v)) {
    settle(ctx, e, p, v, ST_FULFILLED);
    return;
  }
  duk_dup(ctx, v);
  if (duk_safe_call(ctx, get_then_unsafe, NULL, 1, 1) != DUK_EXEC_SUCCESS) {
    settle(ctx, e, p, -1, ST_REJECTED);
  } else if (!duk_is_callable(ctx, -1)) {
    settle(ctx, e, p, v, ST_FULFILLED);
  } else {
    /* NewPromiseResolveThenableJob: a separate tick even for native promises, as in V8. */
    duk_dup(ctx, p);
    duk_dup(ctx, v);
    duk_dup(ctx, -3);
    queue_push(ctx, e, JOB_THENABLE);
  }
  duk_pop(ctx);
}

/* Locks the promise (a new generation) and resolves or rejects it. */
static void lock_and_resolve(duk_context *ctx, engine *e, duk_idx_t p, duk_idx_t v, bool reject) {
  p = duk_normalize_index(ctx, p);
  state_set(ctx, p, state_get(ctx, p) + ST_GEN);
  if (reject)
    settle(ctx, e, p, v, ST_REJECTED);
  else
    resolve_value(ctx, e, p, v);
}

/* A capability's resolve/reject on a promise made here: effective only for the first call
 * of any of them, which the generation still being 0 tells. */
static void resolve_once(duk_context *ctx, engine *e, duk_idx_t p, duk_idx_t v, bool reject) {
  if (state_get(ctx, p) >= ST_GEN)
    return;
  lock_and_resolve(ctx, e, p, v, reject);
}

static duk_ret_t resolving_function(duk_context *ctx) {
  engine *e = require_engine(ctx);
  duk_push_current_function(ctx);
  duk_get_prop_literal(ctx, 1, K_FN_PROMISE);
  duk_get_prop_literal(ctx, 1, K_FN_GEN);
  uint64_t gen = (uint64_t)duk_get_number_default(ctx, 3, 0);
  if (!duk_is_object(ctx, 2) || state_get(ctx, 2) / ST_GEN != gen)
    return 0;
  lock_and_resolve(ctx, e, 2, 0, duk_get_current_magic(ctx) != 0);
  return 0;
}

/* Pushes CreateResolvingFunctions(promise at p): resolve, then reject. */
static void push_resolving_functions(duk_context *ctx, duk_idx_t p) {
  p = duk_normalize_index(ctx, p);
  double gen = (double)(state_get(ctx, p) / ST_GEN);
  for (int magic = 0; magic < 2; magic++) {
    duk_push_c_function(ctx, resolving_function, 1);
    duk_set_magic(ctx, -1, magic);
    duk_dup(ctx, p);
    duk_put_prop_literal(ctx, -2, K_FN_PROMISE);
    duk_push_number(ctx, gen);
    duk_put_prop_literal(ctx, -2, K_FN_GEN);
  }
}

/* PerformPromiseThen with an intrinsic capability: `derived` is a promise made here, or
 * undefined when nothing depends on the outcome. */
static void perform_then(duk_context *ctx, engine *e, duk_idx_t p, duk_idx_t on_ful,
                         duk_idx_t on_rej, duk_idx_t derived) {
  p = duk_normalize_index(ctx, p);
  on_ful = duk_normalize_index(ctx, on_ful);
  on_rej = duk_normalize_index(ctx, on_rej);
  derived = duk_normalize_index(ctx, derived);
  uint64_t st = state_get(ctx, p);
  unsigned state = (unsigned)(st & ST_MASK);
  if (state == ST_PENDING) {
    /* The reactions: [onFulfilled, onRejected, derived, tag] per `then`, in order. */
    bool more = duk_get_prop_literal(ctx, p, K_REACT) && duk_is_array(ctx, -1);
    if (!more)
      duk_pop(ctx);
    duk_uarridx_t n = more ? (duk_uarridx_t)duk_get_length(ctx, -1) : 0;
    duk_idx_t handlers[2] = {on_ful, on_rej};
    for (int i = 0; i < 2; i++) {
      if (duk_is_callable(ctx, handlers[i]))
        duk_dup(ctx, handlers[i]);
      else
        duk_push_undefined(ctx);
    }
    duk_dup(ctx, derived);
    duk_push_number(ctx, (double)current_tag(ctx));
    if (more) { /* a second `then` on a pending promise: append */
      for (int i = 0; i < 4; i++) {
        duk_dup(ctx, -4 + i);
        duk_put_prop_index(ctx, -6, n + (duk_uarridx_t)i);
      }
      duk_pop_n(ctx, 5);
    } else { /* the first: an array made at its size, not grown four times */
      edgefn__duk_pack(ctx, 4);
      duk_put_prop_literal(ctx, p, K_REACT);
    }
  } else {
    duk_idx_t h = state == ST_FULFILLED ? on_ful : on_rej;
    if (duk_is_callable(ctx, h))
      duk_dup(ctx, h);
    else
      duk_push_undefined(ctx);
    duk_dup(ctx, derived);
    duk_get_prop_literal(ctx, p, K_VALUE);
    queue_push(ctx, e, state == ST_FULFILLED ? JOB_FULFILL : JOB_REJECT);
  }
  if (!(st & ST_HANDLED))
    state_set(ctx, p, state_get(ctx, p) | ST_HANDLED);
}

/* ---- reporting ---- */

static duk_ret_t describe_unsafe(duk_context *ctx, void *udata) {
  (void)udata;
  if (duk_is_object(ctx, -1)) {
    duk_get_prop_literal(ctx, -1, "stack");
    if (duk_is_string(ctx, -1))
      return 1;
    duk_pop(ctx);
  }
  duk_to_string(ctx, -1);
  return 1;
}

static void log_value(duk_context *ctx, const char *prefix, duk_idx_t v) {
  duk_dup(ctx, v);
  if (duk_safe_call(ctx, describe_unsafe, NULL, 1, 1) != DUK_EXEC_SUCCESS) {
    duk_pop(ctx);
    duk_push_literal(ctx, "(a value that cannot be converted to a string)");
  }
  edgefn__js_log(ctx, EDGEFN_LOG_ERROR, "%s%s", prefix, duk_safe_to_string(ctx, -1));
  duk_pop(ctx);
}

static void report_unhandled(duk_context *ctx, engine *e) {
  if (e->n_unhandled == 0)
    return;
  duk_push_heapptr(ctx, e->unhandled);
  uint32_t n = e->n_unhandled;
  /* Reset first: a report is made once even if logging fails half way. */
  e->n_unhandled = 0;
  for (uint32_t i = 0; i < n; i++) {
    duk_get_prop_index(ctx, -1, i);
    uint64_t st = state_get(ctx, -1);
    if (!(st & ST_HANDLED)) {
      state_set(ctx, -1, st | ST_HANDLED);
      duk_get_prop_literal(ctx, -1, K_VALUE);
      if (!edgefn__js_unhandled_rejection(ctx, -2, -1))
        log_value(ctx, "Unhandled promise rejection: ", -1);
      duk_pop(ctx);
    }
    duk_pop(ctx);
  }
  duk_set_length(ctx, -1, 0);
  duk_pop(ctx);
}

/* ---- jobs ---- */

/* Stack: kind, a, b, c (see queue_push's callers). */
static duk_ret_t run_job_unsafe(duk_context *ctx, void *udata) {
  engine *e = udata;
  duk_idx_t base = duk_get_top(ctx) - 4;
  int kind = (int)((uint64_t)duk_get_number(ctx, base) % JOB_KINDS);
  duk_idx_t a = base + 1, b = base + 2, c = base + 3;
  if (kind == JOB_FULFILL || kind == JOB_REJECT) {
    /* a: handler or undefined, b: derived promise or undefined, c: argument. */
    bool ok;
    if (duk_is_callable(ctx, a)) {
      duk_dup(ctx, a);
      duk_dup(ctx, c);
      ok = duk_pcall(ctx, 1) == DUK_EXEC_SUCCESS;
    } else {
      duk_dup(ctx, c);
      ok = kind == JOB_FULFILL;
    }
    if (duk_is_object(ctx, b))
      lock_and_resolve(ctx, e, b, -1, !ok);
  } else if (kind == JOB_THENABLE) {
    /* a: promise to resolve, b: thenable, c: its then. */
    duk_push_heapptr(ctx, e->then);
    bool native = duk_strict_equals(ctx, -1, c) && is_promise(ctx, b);
    duk_pop(ctx);
    if (native) {
      /* The intrinsic then on a real promise: the resolving functions it would be given
       * are unobservable, and passing results straight through to the locked promise
       * takes the same number of ticks. */
      duk_push_undefined(ctx);
      perform_then(ctx, e, b, -1, -1, a);
    } else {
      uint64_t gen = state_get(ctx, a) / ST_GEN;
      duk_dup(ctx, c);
      duk_dup(ctx, b);
      push_resolving_functions(ctx, a);
      /* A throw counts only if the thenable did not use the pair it was given yet: the
       * spec's alreadyResolved, which the generation records. */
      if (duk_pcall_method(ctx, 2) != DUK_EXEC_SUCCESS && state_get(ctx, a) / ST_GEN == gen)
        lock_and_resolve(ctx, e, a, -1, true);
    }
  } else if (kind == JOB_MICROTASK) {
    duk_dup(ctx, a);
    if (duk_pcall(ctx, 0) != DUK_EXEC_SUCCESS)
      log_value(ctx, "Uncaught (in queueMicrotask) ", -1);
  }
  return 0;
}

static duk_ret_t next_job_unsafe(duk_context *ctx, void *udata) {
  queue_shift(ctx, udata);
  if (duk_safe_call(ctx, run_job_unsafe, udata, 4, 1) != DUK_EXEC_SUCCESS)
    log_value(ctx, "Uncaught (in promise job) ", -1);
  return 0;
}

/* ---- JS-facing functions ---- */

static duk_ret_t promise_ctor(duk_context *ctx) {
  if (!duk_is_constructor_call(ctx))
    return duk_type_error(ctx, "Promise constructor cannot be invoked without 'new'");
  if (!duk_is_callable(ctx, 0))
    return duk_type_error(ctx, "Promise resolver %s is not a function", duk_safe_to_string(ctx, 0));
  engine *e = require_engine(ctx);
  duk_push_this(ctx);
  promise_init(ctx, 1);
  push_resolving_functions(ctx, 1);
  duk_dup(ctx, 0);
  duk_dup(ctx, 2);
  duk_dup(ctx, 3);
  if (duk_pcall(ctx, 2) != DUK_EXEC_SUCCESS && state_get(ctx, 1) < ST_GEN)
    lock_and_resolve(ctx, e, 1, -1, true);
  duk_pop(ctx);
  return 0;
}

static duk_ret_t promise_then(duk_context *ctx) {
  engine *e = require_engine(ctx);
  duk_push_this(ctx);
  if (!is_promise(ctx, 2))
    return duk_type_error(ctx, "Promise.prototype.then called on an incompatible receiver");
  push_promise(ctx, e);
  perform_then(ctx, e, 2, 0, 1, 3);
  return 1;
}

static duk_ret_t promise_catch(duk_context *ctx) {
  duk_push_this(ctx);
  duk_push_literal(ctx, "then");
  duk_push_undefined(ctx);
  duk_dup(ctx, 0);
  duk_call_prop(ctx, 1, 2);
  return 1;
}

static void push_promise_resolve(duk_context *ctx, engine *e, duk_idx_t ctor, duk_idx_t v);

/* magic 0: value thunk, 1: thrower (finally's closures). */
static duk_ret_t finally_thunk(duk_context *ctx) {
  duk_push_current_function(ctx);
  duk_get_prop_literal(ctx, -1, K_FN_VAL);
  if (duk_get_current_magic(ctx))
    return duk_throw(ctx);
  return 1;
}

/* thenFinally (magic 0) and catchFinally (magic 1). */
static duk_ret_t finally_reaction(duk_context *ctx) {
  engine *e = require_engine(ctx);
  duk_push_current_function(ctx);
  duk_get_prop_literal(ctx, 1, K_FN_CB);
  duk_call(ctx, 0);
  duk_push_heapptr(ctx, e->ctor);
  push_promise_resolve(ctx, e, -1, 2);
  duk_push_literal(ctx, "then");
  duk_push_c_function(ctx, finally_thunk, 0);
  duk_set_magic(ctx, -1, duk_get_current_magic(ctx));
  duk_dup(ctx, 0);
  duk_put_prop_literal(ctx, -2, K_FN_VAL);
  duk_call_prop(ctx, 4, 1);
  return 1;
}

static duk_ret_t promise_finally(duk_context *ctx) {
  duk_push_this(ctx);
  if (!duk_is_object(ctx, 1))
    return duk_type_error(ctx, "Promise.prototype.finally called on a non-object");
  duk_push_literal(ctx, "then");
  if (duk_is_callable(ctx, 0)) {
    for (int magic = 0; magic < 2; magic++) {
      duk_push_c_function(ctx, finally_reaction, 1);
      duk_set_magic(ctx, -1, magic);
      duk_dup(ctx, 0);
      duk_put_prop_literal(ctx, -2, K_FN_CB);
    }
  } else {
    duk_dup(ctx, 0);
    duk_dup(ctx, 0);
  }
  duk_call_prop(ctx, 1, 2);
  return 1;
}

/* PromiseResolve(C, x) with the intrinsic capability. */
static void push_promise_resolve(duk_context *ctx, engine *e, duk_idx_t ctor, duk_idx_t v) {
  ctor = duk_normalize_index(ctx, ctor);
  v = duk_normalize_index(ctx, v);
  if (is_promise(ctx, v)) {
    duk_get_prop_literal(ctx, v, "constructor");
    bool same = duk_strict_equals(ctx, -1, ctor);
    duk_pop(ctx);
    if (same) {
      duk_dup(ctx, v);
      return;
    }
  }
  push_promise(ctx, e);
  lock_and_resolve(ctx, e, -1, v, false);
}

static duk_ret_t require_object_this(duk_context *ctx, const char *what) {
  duk_push_this(ctx);
  if (!duk_is_object(ctx, -1))
    return duk_type_error(ctx, "%s called on a non-object", what);
  return 0;
}

static duk_ret_t promise_resolve(duk_context *ctx) {
  engine *e = require_engine(ctx);
  require_object_this(ctx, "Promise.resolve");
  push_promise_resolve(ctx, e, 1, 0);
  return 1;
}

static duk_ret_t promise_reject(duk_context *ctx) {
  engine *e = require_engine(ctx);
  require_object_this(ctx, "Promise.reject");
  push_promise(ctx, e);
  lock_and_resolve(ctx, e, -1, 0, true);
  return 1;
}

static duk_ret_t promise_with_resolvers(duk_context *ctx) {
  engine *e = require_engine(ctx);
  require_object_this(ctx, "Promise.withResolvers");
  duk_idx_t obj = duk_push_object(ctx);
  push_promise(ctx, e);
  push_resolving_functions(ctx, -1);
  duk_put_prop_literal(ctx, obj, "reject");
  duk_put_prop_literal(ctx, obj, "resolve");
  duk_put_prop_literal(ctx, obj, "promise");
  return 1;
}

/* Promise.try(fn, ...args) (ES2025): a promise resolved with what fn(...args) returns (a
 * thenable is followed), or rejected with what it throws; fn runs now, synchronously. */
static duk_ret_t promise_try(duk_context *ctx) {
  engine *e = require_engine(ctx);
  duk_idx_t nargs = duk_get_top(ctx);
  require_object_this(ctx, "Promise.try");
  push_promise(ctx, e);
  duk_idx_t p = nargs + 1;
  if (nargs > 0)
    duk_dup(ctx, 0);
  else
    duk_push_undefined(ctx);
  duk_push_undefined(ctx);
  for (duk_idx_t i = 1; i < nargs; i++)
    duk_dup(ctx, i);
  bool threw = duk_pcall_method(ctx, nargs > 0 ? nargs - 1 : 0) != DUK_EXEC_SUCCESS;
  lock_and_resolve(ctx, e, p, -1, threw);
  duk_pop(ctx);
  return 1;
}

static void push_aggregate_error(duk_context *ctx, engine *e, duk_idx_t errors, const char *msg) {
  errors = duk_normalize_index(ctx, errors);
  duk_push_error_object(ctx, DUK_ERR_ERROR, "%s", msg);
  duk_push_heapptr(ctx, e->agg_proto);
  duk_set_prototype(ctx, -2);
  duk_push_literal(ctx, "errors");
  duk_dup(ctx, errors);
  duk_def_prop(ctx, -3,
               DUK_DEFPROP_HAVE_VALUE | DUK_DEFPROP_SET_WRITABLE | DUK_DEFPROP_CLEAR_ENUMERABLE |
                   DUK_DEFPROP_SET_CONFIGURABLE);
}

/* Resolve/reject element functions of all, allSettled and any. */
static duk_ret_t element_function(duk_context *ctx) {
  engine *e = require_engine(ctx);
  int kind = duk_get_current_magic(ctx);
  duk_push_current_function(ctx);
  duk_get_prop_literal(ctx, 1, K_FN_REC);
  duk_get_prop_literal(ctx, 1, K_FN_IDX);
  duk_uarridx_t i = (duk_uarridx_t)duk_get_uint(ctx, 3);
  duk_get_prop_literal(ctx, 2, K_REC_CALLED);
  if (duk_get_prop_index(ctx, 4, i))
    return 0;
  duk_pop(ctx);
  duk_push_true(ctx);
  duk_put_prop_index(ctx, 4, i);
  duk_get_prop_literal(ctx, 2, K_REC_VALUES);
  if (kind == EL_SETTLED_FULFILL || kind == EL_SETTLED_REJECT) {
    duk_push_object(ctx);
    duk_push_string(ctx, kind == EL_SETTLED_FULFILL ? "fulfilled" : "rejected");
    duk_put_prop_literal(ctx, -2, "status");
    duk_dup(ctx, 0);
    duk_put_prop_string(ctx, -2, kind == EL_SETTLED_FULFILL ? "value" : "reason");
  } else {
    duk_dup(ctx, 0);
  }
  duk_put_prop_index(ctx, 5, i);
  duk_get_prop_literal(ctx, 2, K_REC_REMAINING);
  double remaining = duk_get_number(ctx, -1) - 1;
  duk_pop(ctx);
  duk_push_number(ctx, remaining);
  duk_put_prop_literal(ctx, 2, K_REC_REMAINING);
  if (remaining == 0) {
    duk_get_prop_literal(ctx, 2, K_REC_PROMISE);
    if (kind == EL_ANY) {
      push_aggregate_error(ctx, e, 5, "All promises were rejected");
      resolve_once(ctx, e, -2, -1, true);
    } else {
      resolve_once(ctx, e, -1, 5, false);
    }
  }
  return 0;
}

/* The combinator's frame, at fixed indexes (duk_safe_call keeps the caller's frame). */
typedef struct comb_frame {
  int mode;
  duk_idx_t iterable, ctor, promise, resolve_fn, reject_fn, holder;
  duk_idx_t step_fn, rec, value;
  duk_uarridx_t index;
} comb_frame;

static void push_element_fn(duk_context *ctx, comb_frame *f, int kind) {
  duk_push_c_function(ctx, element_function, 1);
  duk_set_magic(ctx, -1, kind);
  duk_dup(ctx, f->rec);
  duk_put_prop_literal(ctx, -2, K_FN_REC);
  duk_push_uint(ctx, f->index);
  duk_put_prop_literal(ctx, -2, K_FN_IDX);
}

/* One element: nextPromise = C.resolve(value); nextPromise.then(onF, onR). */
static duk_ret_t comb_step_unsafe(duk_context *ctx, void *udata) {
  comb_frame *f = udata;
  duk_dup(ctx, f->step_fn);
  duk_dup(ctx, f->ctor);
  duk_dup(ctx, f->value);
  duk_call_method(ctx, 1);
  duk_push_literal(ctx, "then");
  if (f->mode != COMB_RACE) {
    duk_get_prop_literal(ctx, f->rec, K_REC_VALUES);
    duk_push_undefined(ctx);
    duk_put_prop_index(ctx, -2, f->index);
    duk_pop(ctx);
    duk_get_prop_literal(ctx, f->rec, K_REC_REMAINING);
    double remaining = duk_get_number(ctx, -1) + 1;
    duk_pop(ctx);
    duk_push_number(ctx, remaining);
    duk_put_prop_literal(ctx, f->rec, K_REC_REMAINING);
  }
  switch (f->mode) {
  case COMB_ALL:
    push_element_fn(ctx, f, EL_ALL);
    duk_dup(ctx, f->reject_fn);
    break;
  case COMB_ALL_SETTLED:
    push_element_fn(ctx, f, EL_SETTLED_FULFILL);
    push_element_fn(ctx, f, EL_SETTLED_REJECT);
    break;
  case COMB_ANY:
    duk_dup(ctx, f->resolve_fn);
    push_element_fn(ctx, f, EL_ANY);
    break;
  default:
    duk_dup(ctx, f->resolve_fn);
    duk_dup(ctx, f->reject_fn);
    break;
  }
  duk_call_prop(ctx, -4, 2);
  duk_pop_2(ctx);
  return 0;
}

static duk_ret_t iterator_close_unsafe(duk_context *ctx, void *udata) {
  (void)udata;
  duk_get_prop_literal(ctx, -1, "return");
  if (!duk_is_null_or_undefined(ctx, -1)) {
    duk_dup(ctx, -2);
    duk_call_method(ctx, 0);
  }
  return 0;
}

/* Runs a step; if it throws, closes the iterator at iter (if any) and rethrows. */
static void comb_step(duk_context *ctx, comb_frame *f, duk_idx_t iter) {
  if (duk_safe_call(ctx, comb_step_unsafe, f, 0, 1) == DUK_EXEC_SUCCESS) {
    duk_pop(ctx);
    return;
  }
  if (iter >= 0) {
    duk_dup(ctx, iter);
    (void)duk_safe_call(ctx, iterator_close_unsafe, NULL, 1, 1);
    duk_pop(ctx);
  }
  (void)duk_throw(ctx);
}

/* Pushes the argument's @@iterator method when it has a callable one, else nothing. The
 * well-known symbol itself, not the global Symbol's property: a script may replace that. */
static bool push_iterator_method(duk_context *ctx, duk_idx_t obj) {
  obj = duk_normalize_index(ctx, obj);
  duk_push_literal(ctx, DUK_WELLKNOWN_SYMBOL("Symbol.iterator"));
  duk_get_prop(ctx, obj);
  if (duk_is_callable(ctx, -1))
    return true;
  duk_pop(ctx);
  return false;
}

static duk_ret_t comb_body_unsafe(duk_context *ctx, void *udata) {
  comb_frame *f = udata;
  duk_get_prop_literal(ctx, f->ctor, "resolve");
  f->step_fn = duk_get_top_index(ctx);
  if (!duk_is_callable(ctx, f->step_fn))
    return duk_type_error(ctx, "Promise resolve is not a function");
  f->rec = duk_push_object(ctx);
  duk_push_array(ctx);
  duk_put_prop_literal(ctx, f->rec, K_REC_VALUES);
  duk_push_array(ctx);
  duk_put_prop_literal(ctx, f->rec, K_REC_CALLED);
  duk_push_uint(ctx, 1);
  duk_put_prop_literal(ctx, f->rec, K_REC_REMAINING);
  duk_dup(ctx, f->promise);
  duk_put_prop_literal(ctx, f->rec, K_REC_PROMISE);
  duk_push_undefined(ctx);
  f->value = duk_get_top_index(ctx);
  f->index = 0;

  bool is_string = duk_is_string(ctx, f->iterable);
  if (!is_string && !duk_is_object(ctx, f->iterable))
    return duk_type_error(ctx, "%s is not iterable", duk_safe_to_string(ctx, f->iterable));
  if (!is_string && push_iterator_method(ctx, f->iterable)) {
    edgefn__iter_open_with(ctx, f->iterable);
    duk_idx_t iter = duk_get_top(ctx) - 2;
    while (edgefn__iter_step(ctx, iter)) {
      duk_replace(ctx, f->value);
      comb_step(ctx, f, iter);
      f->index++;
    }
  } else {
    if (!is_string && !duk_has_prop_literal(ctx, f->iterable, "length"))
      return duk_type_error(ctx, "object is not iterable");
    /* The length is read before every step, as an array iterator does. */
    for (;;) {
      edgefn__cpu_tick(ctx);
      duk_get_prop_literal(ctx, f->iterable, "length");
      double len = duk_to_number(ctx, -1);
      duk_pop(ctx);
      if (!(f->index < len))
        break;
      duk_get_prop_index(ctx, f->iterable, f->index);
      duk_replace(ctx, f->value);
      comb_step(ctx, f, -1);
      f->index++;
    }
  }

  if (f->mode != COMB_RACE) {
    engine *e = require_engine(ctx);
    duk_get_prop_literal(ctx, f->rec, K_REC_REMAINING);
    double remaining = duk_get_number(ctx, -1) - 1;
    duk_pop(ctx);
    duk_push_number(ctx, remaining);
    duk_put_prop_literal(ctx, f->rec, K_REC_REMAINING);
    if (remaining == 0) {
      duk_get_prop_literal(ctx, f->rec, K_REC_VALUES);
      if (f->mode == COMB_ANY) {
        push_aggregate_error(ctx, e, -1, "All promises were rejected");
        resolve_once(ctx, e, f->promise, -1, true);
      } else {
        resolve_once(ctx, e, f->promise, -1, false);
      }
    }
  }
  return 0;
}

static duk_ret_t promise_combinator(duk_context *ctx) {
  engine *e = require_engine(ctx);
  static const char *const names[] = {"Promise.all", "Promise.allSettled", "Promise.any",
                                      "Promise.race"};
  int mode = duk_get_current_magic(ctx);
  require_object_this(ctx, names[mode]);
  comb_frame f = {.mode = mode, .iterable = 0, .ctor = 1};
  f.promise = push_promise(ctx, e);
  push_resolving_functions(ctx, f.promise);
  f.resolve_fn = f.promise + 1;
  f.reject_fn = f.promise + 2;
  if (duk_safe_call(ctx, comb_body_unsafe, &f, 0, 1) != DUK_EXEC_SUCCESS)
    resolve_once(ctx, e, f.promise, -1, true);
  duk_pop(ctx);
  duk_dup(ctx, f.promise);
  return 1;
}

static duk_ret_t queue_microtask(duk_context *ctx) {
  engine *e = require_engine(ctx);
  if (!duk_is_callable(ctx, 0))
    return duk_type_error(ctx, "queueMicrotask: the callback is not a function");
  duk_dup(ctx, 0);
  duk_push_undefined(ctx);
  duk_push_undefined(ctx);
  queue_push(ctx, e, JOB_MICROTASK);
  return 0;
}

/* AggregateError(errors, message[, options]). */
static duk_ret_t aggregate_error_ctor(duk_context *ctx) {
  engine *e = require_engine(ctx);
  duk_idx_t errors = duk_push_array(ctx);
  if (duk_is_string(ctx, 0) || duk_is_object(ctx, 0)) {
    if (!duk_is_string(ctx, 0) && push_iterator_method(ctx, 0)) {
      edgefn__iter_open_with(ctx, 0);
      duk_idx_t it = duk_get_top(ctx) - 2;
      for (duk_uarridx_t i = 0; edgefn__iter_step(ctx, it); i++)
        duk_put_prop_index(ctx, errors, i);
      duk_pop_2(ctx);
    } else {
      duk_get_prop_literal(ctx, 0, "length");
      double len = duk_to_number(ctx, -1);
      duk_pop(ctx);
      for (duk_uarridx_t i = 0; i < len; i++) {
        edgefn__cpu_tick(ctx);
        duk_get_prop_index(ctx, 0, i);
        duk_put_prop_index(ctx, errors, i);
      }
    }
  } else {
    return duk_type_error(ctx, "%s is not iterable", duk_safe_to_string(ctx, 0));
  }
  bool has_message = !duk_is_undefined(ctx, 1);
  push_aggregate_error(ctx, e, errors, has_message ? duk_safe_to_string(ctx, 1) : "");
  if (!has_message)
    duk_del_prop_literal(ctx, -1, "message");
  if (duk_is_object(ctx, 2) && duk_has_prop_literal(ctx, 2, "cause")) {
    duk_push_literal(ctx, "cause");
    duk_get_prop_literal(ctx, 2, "cause");
    duk_def_prop(ctx, -3,
                 DUK_DEFPROP_HAVE_VALUE | DUK_DEFPROP_SET_WRITABLE | DUK_DEFPROP_CLEAR_ENUMERABLE |
                     DUK_DEFPROP_SET_CONFIGURABLE);
  }
  return 1;
}

/* ---- installation ---- */

#define DEFPROP_METHOD                                                                             \
  (DUK_DEFPROP_HAVE_VALUE | DUK_DEFPROP_SET_WRITABLE | DUK_DEFPROP_CLEAR_ENUMERABLE |              \
   DUK_DEFPROP_SET_CONFIGURABLE)
#define DEFPROP_NAME                                                                               \
  (DUK_DEFPROP_HAVE_VALUE | DUK_DEFPROP_CLEAR_WRITABLE | DUK_DEFPROP_CLEAR_ENUMERABLE |            \
   DUK_DEFPROP_SET_CONFIGURABLE | DUK_DEFPROP_FORCE)

static void set_name(duk_context *ctx, duk_idx_t fn, const char *name) {
  fn = duk_normalize_index(ctx, fn);
  duk_push_literal(ctx, "name");
  duk_push_string(ctx, name);
  duk_def_prop(ctx, fn, DEFPROP_NAME);
}

/* Defines obj[name] = a C function; leaves the function on the stack. */
static void def_method(duk_context *ctx, duk_idx_t obj, const char *name, duk_c_function fn,
                       duk_idx_t nargs, int magic) {
  obj = duk_normalize_index(ctx, obj);
  duk_push_c_function(ctx, fn, nargs);
  duk_set_magic(ctx, -1, magic);
  set_name(ctx, -1, name);
  duk_push_string(ctx, name);
  duk_dup(ctx, -2);
  duk_def_prop(ctx, obj, DEFPROP_METHOD);
}

static void def_to_string_tag(duk_context *ctx, duk_idx_t obj, const char *tag) {
  obj = duk_normalize_index(ctx, obj);
  duk_get_global_literal(ctx, "Symbol");
  if (duk_is_object(ctx, -1)) {
    duk_get_prop_literal(ctx, -1, "toStringTag");
    if (duk_is_symbol(ctx, -1)) {
      duk_push_string(ctx, tag);
      duk_def_prop(ctx, obj,
                   DUK_DEFPROP_HAVE_VALUE | DUK_DEFPROP_CLEAR_WRITABLE |
                       DUK_DEFPROP_CLEAR_ENUMERABLE | DUK_DEFPROP_SET_CONFIGURABLE);
    } else {
      duk_pop(ctx);
    }
  }
  duk_pop(ctx);
}

static void install_aggregate_error(duk_context *ctx, engine *e, duk_idx_t stash) {
  duk_get_global_literal(ctx, "AggregateError");
  bool exists = duk_is_object(ctx, -1);
  duk_pop(ctx);
  duk_push_c_function(ctx, aggregate_error_ctor, 3);
  duk_idx_t ctor = duk_get_top_index(ctx);
  set_name(ctx, ctor, "AggregateError");
  duk_idx_t proto = duk_push_object(ctx);
  duk_get_global_literal(ctx, "Error");
  duk_get_prop_literal(ctx, -1, "prototype");
  duk_set_prototype(ctx, proto);
  duk_pop(ctx);
  duk_push_literal(ctx, "constructor");
  duk_dup(ctx, ctor);
  duk_def_prop(ctx, proto, DEFPROP_METHOD);
  duk_push_literal(ctx, "name");
  duk_push_literal(ctx, "AggregateError");
  duk_def_prop(ctx, proto, DEFPROP_METHOD);
  duk_push_literal(ctx, "message");
  duk_push_literal(ctx, "");
  duk_def_prop(ctx, proto, DEFPROP_METHOD);
  duk_push_literal(ctx, "prototype");
  duk_dup(ctx, proto);
  duk_def_prop(ctx, ctor, DUK_DEFPROP_HAVE_VALUE | DUK_DEFPROP_CLEAR_WEC | DUK_DEFPROP_FORCE);
  e->agg_proto = duk_get_heapptr(ctx, proto);
  duk_put_prop_literal(ctx, stash, S_AGG_PROTO);
  if (!exists) {
    duk_push_global_object(ctx);
    duk_push_literal(ctx, "AggregateError");
    duk_dup(ctx, ctor);
    duk_def_prop(ctx, -3, DEFPROP_METHOD);
    duk_pop(ctx);
  }
  duk_pop(ctx);
}

void edgefn__promise_install(duk_context *ctx) {
  duk_push_global_stash(ctx);
  duk_idx_t stash = duk_get_top_index(ctx);
  if (duk_has_prop_literal(ctx, stash, S_ENGINE)) {
    duk_pop(ctx);
    return;
  }
  duk_push_fixed_buffer(ctx, sizeof(engine));
  engine *e = duk_get_buffer(ctx, -1, NULL);
  memset(e, 0, sizeof(*e));
  duk_idx_t ebuf = duk_get_top_index(ctx);

  duk_push_array(ctx);
  e->unhandled = duk_get_heapptr(ctx, -1);
  duk_put_prop_literal(ctx, stash, S_UNHANDLED);
  duk_push_array(ctx);
  e->queue = duk_get_heapptr(ctx, -1);
  duk_put_prop_literal(ctx, stash, S_QUEUE);
  queue_grow(ctx, e);

  duk_push_c_function(ctx, promise_ctor, 1);
  duk_idx_t ctor = duk_get_top_index(ctx);
  set_name(ctx, ctor, "Promise");
  duk_idx_t proto = duk_push_object(ctx);
  duk_push_literal(ctx, "constructor");
  duk_dup(ctx, ctor);
  duk_def_prop(ctx, proto, DEFPROP_METHOD);
  duk_push_literal(ctx, "prototype");
  duk_dup(ctx, proto);
  duk_def_prop(ctx, ctor, DUK_DEFPROP_HAVE_VALUE | DUK_DEFPROP_CLEAR_WEC | DUK_DEFPROP_FORCE);

  def_method(ctx, proto, "then", promise_then, 2, 0);
  e->then = duk_get_heapptr(ctx, -1);
  duk_put_prop_literal(ctx, stash, S_THEN);
  def_method(ctx, proto, "catch", promise_catch, 1, 0);
  def_method(ctx, proto, "finally", promise_finally, 1, 0);
  duk_pop_2(ctx);
  def_to_string_tag(ctx, proto, "Promise");

  def_method(ctx, ctor, "resolve", promise_resolve, 1, 0);
  def_method(ctx, ctor, "reject", promise_reject, 1, 0);
  def_method(ctx, ctor, "withResolvers", promise_with_resolvers, 0, 0);
  def_method(ctx, ctor, "all", promise_combinator, 1, COMB_ALL);
  def_method(ctx, ctor, "allSettled", promise_combinator, 1, COMB_ALL_SETTLED);
  def_method(ctx, ctor, "any", promise_combinator, 1, COMB_ANY);
  def_method(ctx, ctor, "race", promise_combinator, 1, COMB_RACE);
  def_method(ctx, ctor, "try", promise_try, DUK_VARARGS, 0);
  duk_push_literal(ctx, "length"); /* fn, ...args: 1 */
  duk_push_int(ctx, 1);
  duk_def_prop(ctx, -3, DUK_DEFPROP_HAVE_VALUE | DUK_DEFPROP_CLEAR_WEC | DUK_DEFPROP_SET_CONFIGURABLE |
                            DUK_DEFPROP_FORCE);
  duk_pop_n(ctx, 8);

  e->proto = duk_get_heapptr(ctx, proto);
  e->ctor = duk_get_heapptr(ctx, ctor);
  duk_dup(ctx, proto);
  duk_put_prop_literal(ctx, stash, S_PROTO);
  duk_dup(ctx, ctor);
  duk_put_prop_literal(ctx, stash, S_CTOR);

  duk_push_global_object(ctx);
  duk_push_literal(ctx, "Promise");
  duk_dup(ctx, ctor);
  duk_def_prop(ctx, -3, DEFPROP_METHOD);
  def_method(ctx, -1, "queueMicrotask", queue_microtask, 1, 0);
  duk_pop_2(ctx);
  duk_pop_2(ctx);

  install_aggregate_error(ctx, e, stash);

  /* Published last: a failure above leaves the heap without a half-made engine. */
  duk_dup(ctx, ebuf);
  duk_put_prop_literal(ctx, stash, S_ENGINE);
  duk_pop_2(ctx);
  duk_memory_functions mf;
  duk_get_memory_functions(ctx, &mf);
  if (mf.udata)
    ((edgefn__heap_ctl *)mf.udata)->promise = e;
}

/* ---- the runtime's interface ---- */

static duk_ret_t weak_step_unsafe(duk_context *ctx, void *udata) {
  edgefn__weak_after_drain(ctx, *(unsigned *)udata);
  return 0;
}

/* At the end of a drain: the WeakRef work the drain owes (lib/js/es-weak.c), run as a job
 * of no request; true when that queued jobs, which the drain then runs. */
static bool weak_step(duk_context *ctx, engine *e) {
  if (!e->weak)
    return false;
  duk_memory_functions mf;
  duk_get_memory_functions(ctx, &mf);
  edgefn__heap_ctl *ctl = mf.udata;
  uint32_t tag = ctl ? ctl->job_tag : 0;
  if (ctl)
    ctl->job_tag = 0;
  /* Clearing the kept objects may collect some, whose finalizers note cleanups: again until
   * nothing more is owed. */
  for (int round = 0; e->weak && round < 8; round++) {
    unsigned flags = e->weak;
    e->weak = 0;
    (void)duk_safe_call(ctx, weak_step_unsafe, &flags, 0, 1);
    duk_pop(ctx);
  }
  if (ctl)
    ctl->job_tag = tag;
  return e->count > 0;
}

void edgefn__microtasks_note_weak(duk_context *ctx, unsigned flags) {
  engine *e = get_engine(ctx);
  if (e)
    e->weak |= (uint8_t)flags;
}

static bool limits_breached(duk_context *ctx) {
  duk_memory_functions mf;
  duk_get_memory_functions(ctx, &mf);
  edgefn__heap_ctl *ctl = mf.udata;
  return ctl && (ctl->cpu_exceeded || ctl->mem_exceeded);
}

bool edgefn__microtasks_pending(duk_context *ctx) {
  engine *e = get_engine(ctx);
  return e && (e->count > 0 || e->n_unhandled > 0 || e->weak != 0);
}

size_t edgefn__microtasks_drain(duk_context *ctx) {
  engine *e = get_engine(ctx);
  /* A job that reaches a drain (a host callback run from JS) must not run later jobs
   * ahead of its own completion: the outer drain carries on with them. */
  if (!e || e->draining)
    return 0;
  size_t ran = 0;
  e->draining = true;
  duk_require_stack(ctx, 8);
  do {
    while (e->count > 0) {
      if (limits_breached(ctx))
        break;
      /* Everything a job does, taking it off the queue included, is protected, so that an
       * error (out of memory is the likely one) cannot leave the flag set. */
      (void)duk_safe_call(ctx, next_job_unsafe, e, 0, 1);
      duk_pop(ctx);
      ran++;
    }
  } while (e->count == 0 && !limits_breached(ctx) && weak_step(ctx, e));
  e->draining = false;
  if (e->count == 0 && !limits_breached(ctx))
    report_unhandled(ctx, e);
  return ran;
}

/* ---- draining job by job on behalf of requests (issue 7: CPU breaches drop only the
 * breaching request's work) ---- */

/* A storm of jobs grows the ring; once it is empty again a big ring goes back to the
 * minimum, so that the heap returns to its level. */
static duk_ret_t shrink_unsafe(duk_context *ctx, void *udata) {
  engine *e = udata;
  duk_idx_t arr = duk_push_array(ctx);
  for (uint32_t n = 0; n < QUEUE_MIN_JOBS * JOB_SLOTS; n++) {
    duk_push_undefined(ctx);
    duk_put_prop_index(ctx, arr, n);
  }
  duk_push_global_stash(ctx);
  duk_dup(ctx, arr);
  duk_put_prop_literal(ctx, -2, S_QUEUE);
  e->queue = duk_get_heapptr(ctx, arr);
  e->head = 0;
  e->cap = QUEUE_MIN_JOBS;
  duk_pop_2(ctx);
  return 0;
}

static void shrink_if_empty(duk_context *ctx, engine *e) {
  if (e->count != 0 || e->cap <= QUEUE_SHRINK_ABOVE)
    return;
  (void)duk_safe_call(ctx, shrink_unsafe, e, 0, 1);
  duk_pop(ctx);
}

size_t edgefn__microtasks_drain_hooked(duk_context *ctx, const edgefn__drain_hooks *h) {
  engine *e = get_engine(ctx);
  if (!e || e->draining)
    return 0;
  size_t ran = 0;
  e->draining = true;
  duk_require_stack(ctx, 8);
  bool stopped = false;
  do {
    while (e->count > 0) {
      duk_push_heapptr(ctx, e->queue);
      duk_get_prop_index(ctx, -1, e->head * JOB_SLOTS);
      uint32_t tag = slot_tag(ctx, -1);
      duk_pop_2(ctx);
      if (!h->before(h->ud, tag)) {
        stopped = true;
        break;
      }
      (void)duk_safe_call(ctx, next_job_unsafe, e, 0, 1);
      duk_pop(ctx);
      ran++;
      if (!h->after(h->ud, tag)) {
        stopped = true;
        break;
      }
    }
  } while (!stopped && weak_step(ctx, e));
  e->draining = false;
  shrink_if_empty(ctx, e);
  if (e->count == 0 && (e->n_unhandled > 0) && h->before(h->ud, 0)) {
    report_unhandled(ctx, e);
    (void)h->after(h->ud, 0);
  }
  return ran;
}

typedef struct drop_args {
  engine *e;
  uint32_t tag;
  size_t dropped;
} drop_args;

/* Compacts the ring in place, keeping the order of the jobs that stay. */
static duk_ret_t drop_tag_unsafe(duk_context *ctx, void *udata) {
  drop_args *a = udata;
  engine *e = a->e;
  duk_push_heapptr(ctx, e->queue);
  uint32_t kept = 0;
  for (uint32_t i = 0; i < e->count; i++) {
    uint32_t from = ((e->head + i) % e->cap) * JOB_SLOTS;
    duk_get_prop_index(ctx, -1, from);
    bool drop = slot_tag(ctx, -1) == a->tag;
    duk_pop(ctx);
    if (drop)
      continue;
    uint32_t to = ((e->head + kept) % e->cap) * JOB_SLOTS;
    if (to != from)
      for (uint32_t s = 0; s < JOB_SLOTS; s++) {
        duk_get_prop_index(ctx, -1, from + s);
        duk_put_prop_index(ctx, -2, to + s);
      }
    kept++;
  }
  for (uint32_t i = kept; i < e->count; i++) {
    uint32_t at = ((e->head + i) % e->cap) * JOB_SLOTS;
    for (uint32_t s = 0; s < JOB_SLOTS; s++) {
      duk_push_undefined(ctx);
      duk_put_prop_index(ctx, -2, at + s);
    }
  }
  a->dropped = e->count - kept;
  e->count = kept;
  duk_pop(ctx);
  shrink_if_empty(ctx, e);
  return 0;
}

size_t edgefn__microtasks_drop_tag(duk_context *ctx, uint32_t tag) {
  engine *e = get_engine(ctx);
  if (!e || e->count == 0 || !duk_check_stack(ctx, 4))
    return 0;
  drop_args a = {e, tag, 0};
  /* Writes to existing indices of a dense array allocate nothing: this cannot fail. */
  (void)duk_safe_call(ctx, drop_tag_unsafe, &a, 0, 1);
  duk_pop(ctx);
  return a.dropped;
}

static duk_ret_t clear_unsafe(duk_context *ctx, void *udata) {
  engine *e = udata;
  duk_push_heapptr(ctx, e->queue);
  for (uint32_t i = 0; i < e->cap * JOB_SLOTS; i++) {
    duk_push_undefined(ctx);
    duk_put_prop_index(ctx, -2, i);
  }
  e->head = 0;
  e->count = 0;
  duk_push_heapptr(ctx, e->unhandled);
  duk_set_length(ctx, -1, 0);
  e->n_unhandled = 0;
  duk_pop_2(ctx);
  return 0;
}

void edgefn__microtasks_clear(duk_context *ctx) {
  if (!duk_check_stack(ctx, 4))
    return;
  engine *e = get_engine(ctx);
  if (!e)
    return;
  (void)duk_safe_call(ctx, clear_unsafe, e, 0, 1);
  duk_pop(ctx);
}

void edgefn__promise_push_resolved(duk_context *ctx, duk_idx_t idx) {
  engine *e = require_engine(ctx);
  idx = duk_normalize_index(ctx, idx);
  duk_push_heapptr(ctx, e->ctor);
  push_promise_resolve(ctx, e, -1, idx);
  duk_remove(ctx, -2);
}

void edgefn__promise_push_rejected(duk_context *ctx, duk_idx_t idx) {
  engine *e = require_engine(ctx);
  idx = duk_normalize_index(ctx, idx);
  push_promise(ctx, e);
  lock_and_resolve(ctx, e, -1, idx, true);
}

bool edgefn__is_thenable(duk_context *ctx, duk_idx_t idx) {
  if (!is_objectish(ctx, idx))
    return false;
  duk_dup(ctx, idx);
  bool yes = duk_safe_call(ctx, get_then_unsafe, NULL, 1, 1) == DUK_EXEC_SUCCESS &&
             duk_is_callable(ctx, -1);
  duk_pop(ctx);
  return yes;
}

/* ---- for native Web APIs built on promises (lib/js/streams.c) ---- */

void edgefn__promise_push_new(duk_context *ctx) { (void)push_promise(ctx, require_engine(ctx)); }

bool edgefn__is_promise(duk_context *ctx, duk_idx_t idx) { return is_promise(ctx, idx); }

void edgefn__promise_settle(duk_context *ctx, duk_idx_t p, duk_idx_t v, bool reject) {
  engine *e = require_engine(ctx);
  if (!is_promise(ctx, p))
    (void)duk_type_error(ctx, "not a promise");
  resolve_once(ctx, e, p, v, reject);
}

void edgefn__promise_then(duk_context *ctx, duk_idx_t p, duk_idx_t on_ful, duk_idx_t on_rej,
                          bool derive) {
  engine *e = require_engine(ctx);
  p = duk_normalize_index(ctx, p);
  on_ful = duk_normalize_index(ctx, on_ful);
  on_rej = duk_normalize_index(ctx, on_rej);
  if (!is_promise(ctx, p))
    (void)duk_type_error(ctx, "not a promise");
  if (derive)
    push_promise(ctx, e);
  else
    duk_push_undefined(ctx);
  perform_then(ctx, e, p, on_ful, on_rej, -1);
  if (!derive)
    duk_pop(ctx);
}

void edgefn__promise_mark_handled(duk_context *ctx, duk_idx_t p) {
  if (!is_promise(ctx, p))
    return;
  state_set(ctx, p, state_get(ctx, p) | ST_HANDLED);
}

bool edgefn__promise_is_pending(duk_context *ctx, duk_idx_t p) {
  return is_promise(ctx, p) && (state_get(ctx, p) & ST_MASK) == ST_PENDING;
}

void edgefn__queue_microtask(duk_context *ctx, duk_idx_t fn) {
  engine *e = require_engine(ctx);
  duk_dup(ctx, fn);
  duk_push_undefined(ctx);
  duk_push_undefined(ctx);
  queue_push(ctx, e, JOB_MICROTASK);
}
