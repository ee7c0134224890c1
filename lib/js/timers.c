/* setTimeout, setInterval and setImmediate (and their clear functions, which share one id
 * space as in HTML) on the runtime's loop. Each timer remembers the request that scheduled
 * it: its callback runs on that request's CPU budget, and the timer is cancelled when the
 * request ends. The callback itself waits in the global stash under "t<id>". */
#include "js/runtime.h"

#include <stdio.h>
#include <stdlib.h>

struct edgefn__js_timer {
  edgefn__timer timer;
  edgefn__js_timer *next, *prev;
  edgefn_runtime *rt;
  uint32_t id;
  uint32_t exchange_id;
  uint64_t interval_ms; /* re-armed with this delay after each run; 0 = runs once */
};

/* Intervals shorter than this are raised to it, so that setInterval(f, 0) cannot turn the
 * loop into a busy spin (HTML clamps nested timers to 4 ms for the same reason). */
#define INTERVAL_MIN_MS 1u

static edgefn__js_timer *find_timer(edgefn_runtime *rt, uint32_t id) {
  for (edgefn__js_timer *t = rt->timers; t; t = t->next)
    if (t->id == id)
      return t;
  return NULL;
}

static void stash_key(char *buf, size_t size, uint32_t id) { snprintf(buf, size, "t%u", id); }

static void unlink_timer(edgefn_runtime *rt, edgefn__js_timer *t) {
  if (t->prev)
    t->prev->next = t->next;
  else
    rt->timers = t->next;
  if (t->next)
    t->next->prev = t->prev;
  rt->timer_count--;
}

static void release_timer(edgefn_runtime *rt, edgefn__js_timer *t, bool drop_callback) {
  edgefn__timer_stop(rt->loop, &t->timer);
  unlink_timer(rt, t);
  if (drop_callback) {
    char key[16];
    stash_key(key, sizeof(key), t->id);
    edgefn__rt_stash_delete(rt, key);
  }
  free(t);
}

static void timer_fired(edgefn__timer *timer) {
  edgefn__js_timer *t = timer->data;
  edgefn_runtime *rt = t->rt;
  char key[16];
  stash_key(key, sizeof(key), t->id);
  uint32_t id = t->id, exchange_id = t->exchange_id;
  if (t->interval_ms == 0) {
    release_timer(rt, t, false);
    edgefn__rt_call_stashed(rt, exchange_id, key);
    edgefn__rt_stash_delete(rt, key);
    return;
  }
  edgefn__rt_call_stashed(rt, exchange_id, key);
  /* The callback may have cleared the interval (freeing t), or its request may have ended. */
  t = find_timer(rt, id);
  if (t && edgefn__timer_start(rt->loop, &t->timer, t->interval_ms) != 0)
    release_timer(rt, t, true);
}

/* magic: 0 setTimeout, 1 setInterval, 2 setImmediate (no delay argument). */
static duk_ret_t set_timer(duk_context *ctx) {
  edgefn_runtime *rt = edgefn__rt_from_ctx(ctx);
  int kind = duk_get_current_magic(ctx);
  duk_require_function(ctx, 0);
  if (kind == 2) { /* setImmediate(fn, ...args): same shape as setTimeout(fn, 0, ...args) */
    duk_push_int(ctx, 0);
    duk_insert(ctx, 1);
  }
  double delay = duk_is_undefined(ctx, 1) ? 0 : duk_to_number(ctx, 1);
  if (!(delay >= 0))
    delay = 0;
  if (delay > 2147483647.0)
    delay = 2147483647.0;
  if (kind == 1 && delay < INTERVAL_MIN_MS)
    delay = INTERVAL_MIN_MS;
  if (rt->timer_count >= rt->timer_limit)
    return duk_error(ctx, DUK_ERR_RANGE_ERROR, "too many pending timers (limit %u)",
                     (unsigned)rt->timer_limit);
  /* Extra arguments are passed to the callback: bind them now. */
  duk_idx_t nargs = duk_get_top(ctx);
  if (nargs > 2) {
    duk_dup(ctx, 0);
    duk_push_string(ctx, "bind");
    duk_push_undefined(ctx);
    for (duk_idx_t i = 2; i < nargs; i++)
      duk_dup(ctx, i);
    duk_call_prop(ctx, -(nargs + 1), nargs - 1);
    duk_replace(ctx, 0);
    duk_pop(ctx);
  }
  edgefn__js_timer *t = calloc(1, sizeof(*t));
  if (!t)
    return duk_error(ctx, DUK_ERR_ERROR, "out of memory");
  t->rt = rt;
  t->id = rt->next_timer_id++;
  if (rt->next_timer_id == 0)
    rt->next_timer_id = 1;
  t->exchange_id = rt->current_exchange;
  t->interval_ms = kind == 1 ? (uint64_t)delay : 0;
  char key[16];
  stash_key(key, sizeof(key), t->id);
  duk_push_global_stash(ctx);
  duk_dup(ctx, 0);
  duk_put_prop_string(ctx, -2, key); /* may throw: t is not linked yet */
  edgefn__timer_init(&t->timer, timer_fired, t);
  if (edgefn__timer_start(rt->loop, &t->timer, (uint64_t)delay) != 0) {
    free(t);
    return duk_error(ctx, DUK_ERR_ERROR, "out of memory");
  }
  t->next = rt->timers;
  if (t->next)
    t->next->prev = t;
  rt->timers = t;
  rt->timer_count++;
  duk_push_uint(ctx, t->id);
  return 1;
}

static duk_ret_t clear_timeout(duk_context *ctx) {
  edgefn_runtime *rt = edgefn__rt_from_ctx(ctx);
  if (!duk_is_number(ctx, 0))
    return 0;
  edgefn__js_timer *t = find_timer(rt, duk_get_uint(ctx, 0));
  if (t)
    release_timer(rt, t, true);
  return 0;
}

void edgefn__timers_cancel_for(edgefn_runtime *rt, uint32_t exchange_id) {
  edgefn__js_timer *t = rt->timers;
  while (t) {
    edgefn__js_timer *next = t->next;
    if (t->exchange_id == exchange_id)
      release_timer(rt, t, true);
    t = next;
  }
}

void edgefn__timers_free_all(edgefn_runtime *rt) {
  while (rt->timers)
    release_timer(rt, rt->timers, false);
}

void edgefn__timers_install(duk_context *ctx) {
  static const char *const setters[] = {"setTimeout", "setInterval", "setImmediate"};
  static const char *const clearers[] = {"clearTimeout", "clearInterval", "clearImmediate"};
  duk_push_global_object(ctx);
  for (int i = 0; i < 3; i++) {
    duk_push_c_function(ctx, set_timer, DUK_VARARGS);
    duk_set_magic(ctx, -1, i);
    duk_put_prop_string(ctx, -2, setters[i]);
    duk_push_c_function(ctx, clear_timeout, 1);
    duk_put_prop_string(ctx, -2, clearers[i]);
  }
  duk_pop(ctx);
}

/* ---- scheduler.wait (Cloudflare Workers) ----
 * scheduler.wait(delay[, { signal }]): a promise resolved with undefined after delay ms, a
 * setTimeout that can be awaited. It is a timer like setTimeout's (the same limit, the same
 * request, cancelled when that request ends); an AbortSignal rejects it with the signal's
 * reason and clears the timer. */

#define K_WAIT_PROMISE DUK_HIDDEN_SYMBOL("swp")
#define K_WAIT_TIMER DUK_HIDDEN_SYMBOL("swt")

static duk_ret_t wait_fired(duk_context *ctx) {
  duk_push_current_function(ctx);
  duk_get_prop_literal(ctx, -1, K_WAIT_PROMISE);
  duk_push_undefined(ctx);
  edgefn__promise_settle(ctx, -2, -1, false);
  return 0;
}

/* The signal's abort listener (this: the signal). A wait that already ended ignores it. */
static duk_ret_t wait_aborted(duk_context *ctx) {
  edgefn_runtime *rt = edgefn__rt_from_ctx(ctx);
  duk_push_current_function(ctx);
  duk_idx_t fn = duk_get_top_index(ctx);
  duk_get_prop_literal(ctx, fn, K_WAIT_PROMISE);
  if (!edgefn__promise_is_pending(ctx, -1))
    return 0;
  duk_get_prop_literal(ctx, fn, K_WAIT_TIMER);
  edgefn__js_timer *t = find_timer(rt, duk_get_uint(ctx, -1));
  if (t)
    release_timer(rt, t, true);
  duk_pop(ctx);
  duk_push_this(ctx);
  duk_get_prop_literal(ctx, -1, "reason");
  edgefn__promise_settle(ctx, -3, -1, true);
  return 0;
}

static duk_ret_t scheduler_wait(duk_context *ctx) {
  duk_set_top(ctx, 2);
  bool has_signal = false;
  if (!duk_is_undefined(ctx, 1)) {
    if (!duk_is_object(ctx, 1))
      return duk_type_error(ctx, "scheduler.wait: the options must be an object");
    duk_get_prop_literal(ctx, 1, "signal"); /* 2 */
    has_signal = !duk_is_null_or_undefined(ctx, 2);
    if (has_signal) {
      duk_get_prop_literal(ctx, 2, "addEventListener");
      if (!duk_is_object(ctx, 2) || !duk_is_callable(ctx, -1))
        return duk_type_error(ctx, "scheduler.wait: options.signal must be an AbortSignal");
      duk_pop(ctx);
    }
  } else {
    duk_push_undefined(ctx); /* 2 */
  }
  edgefn__promise_push_new(ctx); /* 3 */
  if (has_signal) {
    duk_get_prop_literal(ctx, 2, "aborted");
    bool aborted = duk_to_boolean(ctx, -1);
    duk_pop(ctx);
    if (aborted) {
      duk_get_prop_literal(ctx, 2, "reason");
      edgefn__promise_settle(ctx, 3, -1, true);
      duk_pop(ctx);
      return 1;
    }
  }
  duk_push_c_function(ctx, set_timer, DUK_VARARGS); /* setTimeout(wait_fired, delay) */
  duk_push_c_function(ctx, wait_fired, 0);
  duk_dup(ctx, 3);
  duk_put_prop_literal(ctx, -2, K_WAIT_PROMISE);
  duk_dup(ctx, 0);
  duk_call(ctx, 2); /* the timer id; throws at the timer limit */
  if (has_signal) {
    duk_idx_t id = duk_get_top_index(ctx);
    duk_push_literal(ctx, "addEventListener");
    duk_push_literal(ctx, "abort");
    duk_push_c_function(ctx, wait_aborted, 0);
    duk_dup(ctx, 3);
    duk_put_prop_literal(ctx, -2, K_WAIT_PROMISE);
    duk_dup(ctx, id);
    duk_put_prop_literal(ctx, -2, K_WAIT_TIMER);
    duk_push_object(ctx);
    duk_push_true(ctx);
    duk_put_prop_literal(ctx, -2, "once");
    duk_call_prop(ctx, 2, 3);
    duk_pop(ctx);
  }
  duk_pop(ctx);
  return 1; /* the promise */
}

void edgefn__scheduler_install(duk_context *ctx) {
  duk_push_global_object(ctx);
  duk_push_literal(ctx, "scheduler");
  duk_push_object(ctx);
  static const edgefn__es_method methods[] = {{"wait", scheduler_wait, 2, 1, 0}};
  edgefn__es_def_methods(ctx, -1, methods, 1);
  duk_def_prop(ctx, -3, DUK_DEFPROP_HAVE_VALUE | DUK_DEFPROP_SET_WRITABLE |
                            DUK_DEFPROP_CLEAR_ENUMERABLE | DUK_DEFPROP_SET_CONFIGURABLE);
  duk_pop(ctx);
}
