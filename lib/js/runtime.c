/* edgefn_runtime: one Duktape heap running one script, the fetch-event dispatch, and the
 * life of each request in flight (an "exchange") until its response reaches the host.
 *
 * JavaScript never calls host callbacks directly: respondWith, promise reactions and
 * limits only record an exchange's outcome; after each entry into JavaScript returns,
 * deliver_ready() hands finished responses to the host. A host callback therefore never
 * runs with script frames on the stack, and may dispatch the next request at once. */
#include "compiler/lower.h"
#include "js/runtime.h"

#include "compiler/compiler.h"

#include <assert.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define STASH_LISTENERS "listeners"
#define STASH_EXCHANGES "exchanges"
#define STASH_EVENT_PROTO "fetchEventProto"
#define KEY_EXCHANGE_ID DUK_HIDDEN_SYMBOL("xid")

typedef enum outcome {
  OUTCOME_NONE = 0,
  OUTCOME_RESPONSE, /* stash slot holds the Response */
  OUTCOME_FAIL,     /* answer with fail_status and a short text body */
  OUTCOME_PASS      /* the function declined: the host takes the default path */
} outcome;

typedef struct edgefn__exchange {
  struct edgefn__exchange *next, *prev;
  edgefn_runtime *rt;
  uint32_t id;
  uint32_t slot; /* index of its { e, r } record in the stash's exchanges array */
  edgefn_response_handler handler;
  void *user_data;
  uint64_t cpu_used_ns;
  edgefn__timer wall;
  bool dispatching;       /* listeners are running: respondWith is allowed */
  bool responded;         /* respondWith was called */
  bool pass_on_exception; /* passThroughOnException was called */
  bool delivering;        /* host callbacks are running for it */
  bool answered;          /* on_end was called; only waitUntil work keeps it alive */
  uint32_t subrequests;   /* fetch() calls made so far */
  uint32_t wait_count;    /* waitUntil promises not yet settled */
  outcome outcome;
  int fail_status;
  const char *fail_text;
} exchange;

static edgefn_runtime *rt_of(duk_context *ctx) {
  duk_memory_functions mf;
  duk_get_memory_functions(ctx, &mf);
  return mf.udata; /* the heap ctl is the runtime's first member */
}

edgefn_runtime *edgefn__rt_from_ctx(duk_context *ctx) {
  duk_memory_functions mf;
  duk_get_memory_functions(ctx, &mf);
  edgefn__heap_ctl *ctl = mf.udata;
  return ctl ? ctl->owner : NULL;
}

static exchange *find_exchange(edgefn_runtime *rt, uint32_t id) {
  if (id == 0)
    return NULL;
  for (exchange *ex = rt->exchanges; ex; ex = ex->next)
    if (ex->id == id)
      return ex;
  return NULL;
}

void edgefn__rt_error(edgefn_runtime *rt, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(rt->last_error, sizeof(rt->last_error), fmt, ap);
  va_end(ap);
  edgefn__log_raw(rt->ctl.log, rt->ctl.log_data, EDGEFN_LOG_ERROR, rt->name, rt->last_error,
                  strlen(rt->last_error));
}

/* Sets an exchange's outcome unless it already has one (the first decision wins). */
static void set_outcome(exchange *ex, outcome o, int status, const char *text) {
  if (!ex || ex->outcome != OUTCOME_NONE)
    return;
  ex->outcome = o;
  ex->fail_status = status;
  ex->fail_text = text;
}

/* Logs the error at the top of the stack with its stack trace, and pops it. */
static void log_js_error(edgefn_runtime *rt, duk_context *ctx, const char *what) {
  const char *text = NULL;
  if (duk_is_error(ctx, -1)) {
    duk_get_prop_literal(ctx, -1, "stack");
    if (duk_is_string(ctx, -1))
      text = duk_get_string(ctx, -1);
    else
      duk_pop(ctx);
  }
  if (!text) {
    duk_dup(ctx, -1);
    text = duk_safe_to_string(ctx, -1);
  }
  edgefn__rt_error(rt, "%s: %s", what, text);
  duk_pop_2(ctx);
}

/* ---- entering JavaScript under the CPU budget ---- */

static duk_ret_t drain_safe(duk_context *ctx, void *udata) {
  (void)udata;
  edgefn__microtasks_drain(ctx);
  return 0;
}

static void deliver_ready(edgefn_runtime *rt);

/* Runs fn in a protected call on behalf of exchange `ex_id` with `budget_ns` of CPU time
 * (for a request: what remains of its per-request budget), then drains microtasks. Leaves
 * nrets values (or the error) on the stack and returns duk_safe_call's result. Breaches of
 * the CPU or memory limit fail the exchange. */
static int run_js(edgefn_runtime *rt, uint32_t ex_id, uint64_t budget_ns,
                  duk_safe_call_function fn, void *udata, duk_idx_t nargs, duk_idx_t nrets) {
  duk_context *ctx = rt->ctx;
  exchange *ex = find_exchange(rt, ex_id);
  if (ex)
    budget_ns = ex->cpu_used_ns >= rt->cpu_limit_ns ? 0 : rt->cpu_limit_ns - ex->cpu_used_ns;
  uint32_t saved = rt->current_exchange;
  edgefn__cpu_begin(&rt->ctl, budget_ns);
  rt->ctl.mem_exceeded = false;
  rt->current_exchange = ex_id;
  duk_idx_t top_before = duk_get_top(ctx) - nargs;
  (void)top_before;

  int rc = duk_safe_call(ctx, fn, udata, nargs, nrets);
  if (!rt->ctl.cpu_exceeded && edgefn__microtasks_pending(ctx)) {
    if (duk_safe_call(ctx, drain_safe, NULL, 0, 1) != DUK_EXEC_SUCCESS && !rt->ctl.cpu_exceeded)
      log_js_error(rt, ctx, "microtask");
    else
      duk_pop(ctx);
  }

  /* Every path above leaves exactly the call's results: a leak here would shift the stack
   * indices of every later entry. */
  assert(duk_get_top(ctx) == top_before + nrets);
  bool cpu = rt->ctl.cpu_exceeded, mem = rt->ctl.mem_exceeded;
  uint64_t used = edgefn__cpu_end(&rt->ctl);
  rt->ctl.cpu_exceeded = false;
  rt->ctl.mem_exceeded = false;
  rt->current_exchange = saved;
  ex = find_exchange(rt, ex_id);
  if (ex)
    ex->cpu_used_ns += used;
  rt->breach = cpu ? EDGEFN_ECPU_LIMIT : mem && rc != DUK_EXEC_SUCCESS ? EDGEFN_EMEMORY_LIMIT : 0;
  if (cpu) {
    /* Work queued by a script that ran out of time must not run on the next request's
     * budget: drop it. */
    edgefn__microtasks_clear(ctx);
    if (ex) {
      edgefn__rt_error(rt, "request exceeded its CPU time limit of %llu ms",
                       (unsigned long long)(rt->cpu_limit_ns / 1000000u));
      if (ex->answered)
        ex->wait_count = 0; /* its waitUntil work ends here */
      else
        ex->outcome = OUTCOME_NONE; /* the limit overrides a response not yet delivered */
      set_outcome(ex, OUTCOME_FAIL, 503, "edge function exceeded its CPU time limit\n");
    } else {
      edgefn__rt_error(rt, "script exceeded its CPU time limit outside a request");
    }
  } else if (mem && rc != DUK_EXEC_SUCCESS) {
    edgefn__rt_error(rt, "runtime reached its memory limit of %zu bytes", rt->ctl.mem_limit);
    if (ex && ex->answered) {
      ex->wait_count = 0;
    } else if (ex) {
      ex->outcome = OUTCOME_NONE;
      set_outcome(ex, OUTCOME_FAIL, 503, "edge function exceeded its memory limit\n");
    }
  }
  return rc;
}

/* ---- the exchange slot in the stash: exchanges[slot] = { e: FetchEvent, r: Response } ----
 * Slots are small recycled integers so the array stays dense: Duktape keeps it in its array
 * part, which is much cheaper than object keys made from ever-growing request ids. */

static void push_slot(duk_context *ctx, uint32_t slot) {
  duk_push_global_stash(ctx);
  duk_get_prop_literal(ctx, -1, STASH_EXCHANGES);
  duk_remove(ctx, -2);
  duk_get_prop_index(ctx, -1, slot);
  duk_remove(ctx, -2);
}

static duk_ret_t slot_clear_safe(duk_context *ctx, void *udata) {
  uint32_t slot = *(uint32_t *)udata;
  duk_push_global_stash(ctx);
  duk_get_prop_literal(ctx, -1, STASH_EXCHANGES);
  duk_push_undefined(ctx);
  duk_put_prop_index(ctx, -2, slot);
  duk_pop_2(ctx);
  return 0;
}

static int slot_alloc(edgefn_runtime *rt, uint32_t *slot) {
  if (rt->free_slot_count > 0) {
    *slot = rt->free_slots[--rt->free_slot_count];
    return 0;
  }
  if (rt->slot_count == rt->free_slot_cap) {
    size_t cap = rt->free_slot_cap ? rt->free_slot_cap * 2 : 16;
    uint32_t *p = realloc(rt->free_slots, cap * sizeof(*p));
    if (!p)
      return EDGEFN_ENOMEM;
    rt->free_slots = p;
    rt->free_slot_cap = cap;
  }
  *slot = rt->slot_count++;
  return 0;
}

/* ---- FetchEvent methods ---- */

static exchange *this_exchange(duk_context *ctx) {
  duk_push_this(ctx);
  duk_get_prop_literal(ctx, -1, KEY_EXCHANGE_ID);
  uint32_t id = duk_get_uint(ctx, -1);
  duk_pop_2(ctx);
  return find_exchange(rt_of(ctx), id);
}

/* respondWith's value settled: `value` is the Response (or whatever else it was) when
 * fulfilled, the reason when rejected. */
static void settle(duk_context *ctx, exchange *ex, bool fulfilled, duk_idx_t value) {
  edgefn_runtime *rt = rt_of(ctx);
  if (!ex || ex->outcome != OUTCOME_NONE)
    return;
  if (fulfilled && edgefn__is_response(ctx, value)) {
    value = duk_normalize_index(ctx, value);
    push_slot(ctx, ex->slot);
    duk_dup(ctx, value);
    duk_put_prop_literal(ctx, -2, "r");
    duk_pop(ctx);
    set_outcome(ex, OUTCOME_RESPONSE, 0, NULL);
    return;
  }
  if (fulfilled) {
    edgefn__rt_error(rt, "respondWith: the value is not a Response");
    set_outcome(ex, OUTCOME_FAIL, 500, "edge function did not produce a Response\n");
    return;
  }
  duk_dup(ctx, value);
  log_js_error(rt, ctx, "Uncaught (in response promise)");
  if (ex->pass_on_exception)
    set_outcome(ex, OUTCOME_PASS, 0, NULL);
  else
    set_outcome(ex, OUTCOME_FAIL, 500, "edge function threw an exception\n");
}

/* The reactions respondWith attaches to a promise: the exchange id rides on the function. */
static duk_ret_t settle_common(duk_context *ctx, bool fulfilled) {
  duk_push_current_function(ctx);
  duk_get_prop_literal(ctx, -1, KEY_EXCHANGE_ID);
  uint32_t id = duk_get_uint(ctx, -1);
  duk_pop_2(ctx);
  settle(ctx, find_exchange(rt_of(ctx), id), fulfilled, 0);
  return 0;
}

static duk_ret_t on_response_fulfilled(duk_context *ctx) { return settle_common(ctx, true); }
static duk_ret_t on_response_rejected(duk_context *ctx) { return settle_common(ctx, false); }

static void push_settler(duk_context *ctx, duk_c_function fn, uint32_t id) {
  duk_push_c_function(ctx, fn, 1);
  duk_push_uint(ctx, id);
  duk_put_prop_literal(ctx, -2, KEY_EXCHANGE_ID);
}

static duk_ret_t fetch_event_respond_with(duk_context *ctx) {
  exchange *ex = this_exchange(ctx);
  if (!ex || !ex->dispatching)
    return edgefn__throw_dom_exception(
        ctx, "InvalidStateError",
        "respondWith() must be called synchronously from the fetch event handler");
  if (ex->responded)
    return edgefn__throw_dom_exception(ctx, "InvalidStateError",
                                       "respondWith() was already called for this event");
  ex->responded = true;
  duk_idx_t v = 0;
  if (edgefn__is_response(ctx, v) || !edgefn__is_thenable(ctx, v)) {
    settle(ctx, ex, true, v); /* the common case: no promise, no reaction functions */
    return 0;
  }
  /* Promise.resolve(v).then(fulfilled, rejected) */
  edgefn__promise_push_resolved(ctx, v);
  duk_push_string(ctx, "then");
  push_settler(ctx, on_response_fulfilled, ex->id);
  push_settler(ctx, on_response_rejected, ex->id);
  duk_call_prop(ctx, -4, 2);
  return 0;
}

/* A waitUntil promise settled: its exchange may now finish (after its response). */
static duk_ret_t wait_until_settled(duk_context *ctx, bool rejected) {
  duk_push_current_function(ctx);
  duk_get_prop_literal(ctx, -1, KEY_EXCHANGE_ID);
  exchange *ex = find_exchange(rt_of(ctx), duk_get_uint(ctx, -1));
  duk_pop_2(ctx);
  if (rejected) {
    duk_dup(ctx, 0);
    log_js_error(rt_of(ctx), ctx, "Uncaught (in waitUntil promise)");
  }
  if (ex && ex->wait_count > 0)
    ex->wait_count--;
  return 0;
}

static duk_ret_t on_wait_until_fulfilled(duk_context *ctx) {
  return wait_until_settled(ctx, false);
}
static duk_ret_t on_wait_until_rejected(duk_context *ctx) { return wait_until_settled(ctx, true); }

static duk_ret_t fetch_event_wait_until(duk_context *ctx) {
  /* The request stays alive (its timers keep running, on its CPU budget) until every
   * promise passed here has settled or the wall time limit ends it. */
  exchange *ex = this_exchange(ctx);
  if (!edgefn__is_thenable(ctx, 0))
    return 0;
  uint32_t id = ex ? ex->id : 0;
  edgefn__promise_push_resolved(ctx, 0);
  duk_push_literal(ctx, "then");
  push_settler(ctx, on_wait_until_fulfilled, id);
  push_settler(ctx, on_wait_until_rejected, id);
  duk_call_prop(ctx, -4, 2);
  if (ex)
    ex->wait_count++;
  return 0;
}

static duk_ret_t fetch_event_pass_through(duk_context *ctx) {
  exchange *ex = this_exchange(ctx);
  if (ex)
    ex->pass_on_exception = true;
  return 0;
}

/* ---- addEventListener ---- */

/* Listeners live in stash.listeners[type] (arrays), for every type a script registers;
 * the runtime dispatches "fetch" and "unhandledrejection". */

/* Pushes the listener array for the type at type_idx, creating it when `create`; pushes
 * undefined when it does not exist and !create. */
static void push_listeners(duk_context *ctx, duk_idx_t type_idx, bool create) {
  type_idx = duk_normalize_index(ctx, type_idx);
  duk_push_global_stash(ctx);
  duk_get_prop_literal(ctx, -1, STASH_LISTENERS);
  duk_remove(ctx, -2);
  duk_dup(ctx, type_idx);
  if (!duk_get_prop(ctx, -2) && create) {
    duk_pop(ctx);
    duk_push_array(ctx);
    duk_dup(ctx, type_idx);
    duk_dup(ctx, -2);
    duk_put_prop(ctx, -4);
  }
  duk_remove(ctx, -2);
}

static duk_ret_t add_event_listener(duk_context *ctx) {
  duk_to_string(ctx, 0);
  if (!duk_is_function(ctx, 1))
    return 0;
  push_listeners(ctx, 0, true);
  duk_size_t n = duk_get_length(ctx, -1);
  for (duk_size_t i = 0; i < n; i++) {
    duk_get_prop_index(ctx, -1, (duk_uarridx_t)i);
    bool same = duk_strict_equals(ctx, -1, 1);
    duk_pop(ctx);
    if (same)
      return 0;
  }
  duk_dup(ctx, 1);
  duk_put_prop_index(ctx, -2, (duk_uarridx_t)n);
  return 0;
}

static duk_ret_t remove_event_listener(duk_context *ctx) {
  duk_to_string(ctx, 0);
  push_listeners(ctx, 0, false);
  if (!duk_is_array(ctx, -1))
    return 0;
  /* Compact in place so that a dispatch running on a copy is unaffected. */
  duk_size_t n = duk_get_length(ctx, -1);
  duk_uarridx_t k = 0;
  for (duk_size_t i = 0; i < n; i++) {
    duk_get_prop_index(ctx, -1, (duk_uarridx_t)i);
    if (duk_strict_equals(ctx, -1, 1))
      duk_pop(ctx);
    else
      duk_put_prop_index(ctx, -2, k++);
  }
  duk_set_length(ctx, -1, k);
  return 0;
}

/* ---- unhandledrejection ---- */

static duk_ret_t rejection_prevent_default(duk_context *ctx) {
  duk_push_this(ctx);
  duk_push_true(ctx);
  duk_put_prop_literal(ctx, -2, "defaultPrevented");
  return 0;
}

bool edgefn__js_unhandled_rejection(duk_context *ctx, duk_idx_t promise, duk_idx_t reason) {
  if (!edgefn__rt_from_ctx(ctx))
    return false;
  promise = duk_normalize_index(ctx, promise);
  reason = duk_normalize_index(ctx, reason);
  duk_push_literal(ctx, "unhandledrejection");
  push_listeners(ctx, -1, false);
  duk_remove(ctx, -2);
  duk_size_t n = duk_is_array(ctx, -1) ? duk_get_length(ctx, -1) : 0;
  if (n == 0) {
    duk_pop(ctx);
    return false;
  }
  duk_push_object(ctx); /* a PromiseRejectionEvent */
  duk_push_literal(ctx, "unhandledrejection");
  duk_put_prop_literal(ctx, -2, "type");
  duk_dup(ctx, promise);
  duk_put_prop_literal(ctx, -2, "promise");
  duk_dup(ctx, reason);
  duk_put_prop_literal(ctx, -2, "reason");
  duk_push_false(ctx);
  duk_put_prop_literal(ctx, -2, "defaultPrevented");
  duk_push_c_function(ctx, rejection_prevent_default, 0);
  duk_put_prop_literal(ctx, -2, "preventDefault");
  for (duk_size_t i = 0; i < n; i++) {
    duk_get_prop_index(ctx, -2, (duk_uarridx_t)i);
    duk_push_global_object(ctx);
    duk_dup(ctx, -3);
    if (duk_pcall_method(ctx, 1) != DUK_EXEC_SUCCESS)
      log_js_error(rt_of(ctx), ctx, "Uncaught exception in an unhandledrejection listener");
    else
      duk_pop(ctx);
  }
  duk_get_prop_literal(ctx, -1, "defaultPrevented");
  bool prevented = duk_to_boolean(ctx, -1);
  duk_pop_3(ctx);
  return prevented;
}

/* ---- runtime creation ---- */

static const duk_function_list_entry fetch_event_methods[] = {
    {"respondWith", fetch_event_respond_with, 1},
    {"waitUntil", fetch_event_wait_until, 1},
    {"passThroughOnException", fetch_event_pass_through, 0},
    {NULL, NULL, 0}};

static duk_ret_t install_safe(duk_context *ctx, void *udata) {
  (void)udata;
  duk_push_global_stash(ctx);
  duk_push_object(ctx);
  duk_put_prop_literal(ctx, -2, STASH_LISTENERS);
  duk_push_array(ctx);
  duk_put_prop_literal(ctx, -2, STASH_EXCHANGES);
  duk_push_object(ctx);
  duk_put_function_list(ctx, -1, fetch_event_methods);
  duk_push_string(ctx, "fetch");
  duk_put_prop_literal(ctx, -2, "type");
  duk_push_string(ctx, ""); /* no client objects at the edge: the spec's empty id */
  duk_put_prop_literal(ctx, -2, "clientId");
  duk_put_prop_literal(ctx, -2, STASH_EVENT_PROTO);
  duk_pop(ctx);

  duk_push_global_object(ctx);
  duk_push_c_function(ctx, add_event_listener, 2);
  duk_put_prop_literal(ctx, -2, "addEventListener");
  duk_push_c_function(ctx, remove_event_listener, 2);
  duk_put_prop_literal(ctx, -2, "removeEventListener");
  duk_push_global_object(ctx);
  duk_put_prop_literal(ctx, -2, "self");
  duk_pop(ctx);

  edgefn__globals_install(ctx);
  /* compiler: the helpers lowered ES2022 calls (lib/compiler/helpers.c) */
  edgefn__lower_helpers_install(ctx);
  return 0;
}

static duk_ret_t run_top_level_safe(duk_context *ctx, void *udata) {
  const edgefn_script *script = udata;
  size_t len;
  const uint8_t *bc = edgefn__script_bytecode(script, &len);
  /* The bytecode came from edgefn_script_new in this process: Duktape does not validate
   * bytecode, so nothing else may ever reach duk_load_function. */
  duk_push_external_buffer(ctx);
  duk_config_buffer(ctx, -1, (void *)bc, len);
  duk_load_function(ctx);
  duk_push_global_object(ctx);
  duk_call_method(ctx, 0);
  return 1;
}

static void fill_error_from_stack(edgefn_runtime *rt, edgefn_error_info *err, int code) {
  duk_context *ctx = rt->ctx;
  int line = 0;
  if (duk_is_error(ctx, -1)) {
    duk_get_prop_literal(ctx, -1, "lineNumber");
    line = duk_get_int(ctx, -1);
    duk_pop(ctx);
  }
  edgefn__error_set(err, code, edgefn_script_filename(rt->script), line, 0, "%s",
                    rt->last_error);
}

int edgefn_runtime_new(edgefn_runtime **out, edgefn_loop *loop, const edgefn_script *script,
                       const edgefn_runtime_options *opts, edgefn_error_info *err) {
  if (out)
    *out = NULL;
  if (!out || !loop || !script) {
    edgefn__error_set(err, EDGEFN_EINVAL, NULL, 0, 0, "edgefn_runtime_new: NULL argument");
    return EDGEFN_EINVAL;
  }
  if (opts && !EDGEFN_MIN_SIZE_OK(opts, edgefn_runtime_options, user_data)) {
    edgefn__error_set(err, EDGEFN_EVERSION, NULL, 0, 0, "edgefn_runtime_options too small");
    return EDGEFN_EVERSION;
  }
  edgefn_runtime *rt = calloc(1, sizeof(*rt));
  if (!rt)
    return EDGEFN_ENOMEM;
  rt->loop = loop;
  rt->created_ns = edgefn__now_ns();
  rt->ctl.mem_limit = opts && opts->memory_limit ? opts->memory_limit
                                                 : (size_t)EDGEFN_DEFAULT_MEMORY_LIMIT;
  rt->cpu_limit_ns =
      (uint64_t)(opts && opts->cpu_limit_ms ? opts->cpu_limit_ms : EDGEFN_DEFAULT_CPU_LIMIT_MS) *
      1000000u;
  rt->wall_limit_ms = opts && opts->wall_limit_ms ? opts->wall_limit_ms
                                                  : EDGEFN_DEFAULT_WALL_LIMIT_MS;
  rt->ctl.log = opts ? opts->log : NULL;
  rt->ctl.log_data = opts ? opts->log_user_data : NULL;
  rt->user_data = opts ? opts->user_data : NULL;
  if (opts && EDGEFN_HAS_FIELD(opts, edgefn_runtime_options, subrequest_limit)) {
    rt->fetch_ops = opts->fetch_ops;
    rt->fetch_backend = opts->fetch_backend;
    rt->subrequest_limit = opts->subrequest_limit;
  }
  if (!rt->subrequest_limit)
    rt->subrequest_limit = EDGEFN_DEFAULT_SUBREQUEST_LIMIT;
  if (rt->fetch_ops && (rt->fetch_ops->version < 1 || !rt->fetch_ops->start)) {
    free(rt);
    edgefn__error_set(err, EDGEFN_EVERSION, NULL, 0, 0, "fetch_ops: unsupported table");
    return EDGEFN_EVERSION;
  }
  const char *name = opts && opts->name ? opts->name : "";
  rt->name = edgefn__strndup(name, strlen(name));
  rt->ctl.name = rt->name;
  rt->ctl.owner = rt;
  rt->next_exchange_id = 1;
  rt->next_timer_id = 1;
  rt->next_subrequest_id = 1;
  if (!rt->name) {
    free(rt);
    return EDGEFN_ENOMEM;
  }
  rt->ctx = edgefn__heap_new(&rt->ctl);
  if (!rt->ctx) {
    free(rt->name);
    free(rt);
    edgefn__error_set(err, EDGEFN_ENOMEM, NULL, 0, 0, "cannot create a JavaScript heap");
    return EDGEFN_ENOMEM;
  }
  rt->script = edgefn__script_ref(script);
  /* Taken here, after the early returns, so every later failure releases it in
   * edgefn_runtime_free. */
  if (opts && EDGEFN_HAS_FIELD(opts, edgefn_runtime_options, cache) && opts->cache)
    rt->cache = edgefn_cache_ref(opts->cache);
  edgefn__loop_attach(loop, 1);

  int code = 0;
  if (run_js(rt, 0, (uint64_t)EDGEFN_DEFAULT_INIT_CPU_LIMIT_MS * 1000000u, install_safe, NULL,
             0, 1) != DUK_EXEC_SUCCESS) {
    log_js_error(rt, rt->ctx, "installing the Web APIs failed");
    code = rt->ctl.mem_exceeded ? EDGEFN_EMEMORY_LIMIT : EDGEFN_ENOMEM;
    edgefn__error_set(err, code, NULL, 0, 0, "%s", rt->last_error);
  } else {
    duk_pop(rt->ctx);
    rt->ctl.cpu_exceeded = false;
    int rc = run_js(rt, 0, (uint64_t)EDGEFN_DEFAULT_INIT_CPU_LIMIT_MS * 1000000u,
                    run_top_level_safe, (void *)script, 0, 1);
    if (rc != DUK_EXEC_SUCCESS) {
      if (rt->breach == 0) {
        duk_dup_top(rt->ctx);
        log_js_error(rt, rt->ctx, "Uncaught exception in the script's top level");
      }
      code = rt->breach ? rt->breach : EDGEFN_ESCRIPT;
      fill_error_from_stack(rt, err, code);
    }
    duk_pop(rt->ctx);
  }
  if (code) {
    edgefn_runtime_free(rt);
    return code;
  }
  *out = rt;
  return 0;
}

/* ---- finishing exchanges ---- */

static void finish_exchange(edgefn_runtime *rt, exchange *ex) {
  edgefn__timer_stop(rt->loop, &ex->wall);
  edgefn__timers_cancel_for(rt, ex->id);
  edgefn__subrequests_cancel_for(rt, ex->id);
  if (ex->prev)
    ex->prev->next = ex->next;
  else
    rt->exchanges = ex->next;
  if (ex->next)
    ex->next->prev = ex->prev;
  rt->pending--;
  /* Clearing a slot of a dense array allocates nothing, so it cannot fail; the slot is
   * reused by a later request. free_slots has room: it was sized when the slot was made. */
  duk_safe_call(rt->ctx, slot_clear_safe, &ex->slot, 0, 1);
  duk_pop(rt->ctx);
  rt->free_slots[rt->free_slot_count++] = ex->slot;
  free(ex);
}

static void send_text(exchange *ex, int status, const char *text) {
  static const char ct[] = "text/plain; charset=utf-8";
  edgefn_header h = {"content-type", 12, ct, sizeof(ct) - 1};
  edgefn_response_head head = {sizeof(head), status, "", &h, 1, (int64_t)strlen(text)};
  if (ex->handler.on_head)
    ex->handler.on_head(ex->user_data, &head);
  if (ex->handler.on_body && head.content_length > 0)
    ex->handler.on_body(ex->user_data, (const uint8_t *)text, strlen(text));
  ex->handler.on_end(ex->user_data, 0);
}

typedef struct extract_args {
  uint32_t slot;
  edgefn__response_parts parts;
} extract_args;

static duk_ret_t extract_safe(duk_context *ctx, void *udata) {
  extract_args *a = udata;
  push_slot(ctx, a->slot);
  duk_get_prop_literal(ctx, -1, "r");
  edgefn__response_extract(ctx, -1, &a->parts);
  duk_pop_2(ctx);
  return 0;
}

static void deliver(edgefn_runtime *rt, exchange *ex) {
  ex->delivering = true;
  switch (ex->outcome) {
  case OUTCOME_RESPONSE: {
    extract_args a = {.slot = ex->slot};
    int rc = duk_safe_call(rt->ctx, extract_safe, &a, 0, 1);
    duk_pop(rt->ctx);
    if (rc != DUK_EXEC_SUCCESS) {
      edgefn__response_parts_free(&a.parts);
      edgefn__rt_error(rt, "out of memory while reading the response");
      send_text(ex, 500, "edge function response could not be read\n");
      break;
    }
    if (a.parts.status == 0) { /* Response.error(): a network error */
      edgefn__response_parts_free(&a.parts);
      edgefn__rt_error(rt, "the function answered with Response.error()");
      send_text(ex, 502, "edge function answered with a network error\n");
      break;
    }
    edgefn_response_head head = {sizeof(head),
                                 a.parts.status,
                                 a.parts.status_text,
                                 a.parts.headers,
                                 a.parts.header_count,
                                 (int64_t)a.parts.body_len};
    if (ex->handler.on_head)
      ex->handler.on_head(ex->user_data, &head);
    if (ex->handler.on_body && a.parts.body_len > 0)
      ex->handler.on_body(ex->user_data, a.parts.body, a.parts.body_len);
    edgefn__response_parts_free(&a.parts);
    ex->handler.on_end(ex->user_data, 0);
    break;
  }
  case OUTCOME_FAIL:
    send_text(ex, ex->fail_status, ex->fail_text);
    break;
  case OUTCOME_PASS:
  case OUTCOME_NONE:
    ex->handler.on_end(ex->user_data, EDGEFN_EPASS);
    break;
  }
  ex->answered = true;
  if (ex->wait_count == 0)
    finish_exchange(rt, ex);
}

static void deliver_ready(edgefn_runtime *rt) {
  /* A host callback may dispatch new requests: rescan from the head after each step. */
  for (;;) {
    exchange *next = NULL;
    for (exchange *ex = rt->exchanges; ex; ex = ex->next)
      if ((ex->answered && ex->wait_count == 0) ||
          (ex->outcome != OUTCOME_NONE && !ex->delivering && !ex->dispatching))
        next = ex;
    if (!next)
      return;
    if (next->answered)
      finish_exchange(rt, next); /* its waitUntil work is done */
    else
      deliver(rt, next);
  }
}

static void wall_timeout(edgefn__timer *t) {
  exchange *ex = t->data;
  edgefn_runtime *rt = ex->rt;
  if (ex->answered) {
    edgefn__rt_error(rt, "waitUntil work cancelled at the wall time limit of %u ms",
                     rt->wall_limit_ms);
    finish_exchange(rt, ex);
    return;
  }
  edgefn__rt_error(rt, "request exceeded its wall time limit of %u ms", rt->wall_limit_ms);
  set_outcome(ex, OUTCOME_FAIL, 504, "edge function did not respond in time\n");
  deliver_ready(rt);
}

/* ---- dispatch ---- */

typedef struct dispatch_args {
  const edgefn_request *req;
  uint32_t id;
  uint32_t slot;
} dispatch_args;

static duk_ret_t dispatch_safe(duk_context *ctx, void *udata) {
  dispatch_args *a = udata;
  /* duk_safe_call keeps the caller's stack frame: index from the entry top. */
  duk_idx_t stash = duk_get_top(ctx), listeners = stash + 1, event = stash + 2,
            copy = stash + 3;
  duk_push_global_stash(ctx);
  duk_get_prop_literal(ctx, stash, STASH_LISTENERS);
  duk_get_prop_literal(ctx, -1, "fetch");
  duk_remove(ctx, -2);
  duk_size_t n = duk_is_array(ctx, listeners) ? duk_get_length(ctx, listeners) : 0;
  if (n == 0)
    return 0;
  duk_push_object(ctx);
  duk_get_prop_literal(ctx, stash, STASH_EVENT_PROTO);
  duk_set_prototype(ctx, event);
  duk_push_uint(ctx, a->id);
  duk_put_prop_literal(ctx, event, KEY_EXCHANGE_ID);
  edgefn__request_push_incoming(ctx, a->req);
  duk_put_prop_literal(ctx, event, "request");
  duk_get_prop_literal(ctx, stash, STASH_EXCHANGES);
  duk_push_object(ctx);
  duk_dup(ctx, event);
  duk_put_prop_literal(ctx, -2, "e");
  duk_put_prop_index(ctx, -2, a->slot);
  duk_pop(ctx);
  if (n == 1) { /* the usual case: one listener, no copy needed */
    duk_get_prop_index(ctx, listeners, 0);
    duk_push_global_object(ctx);
    duk_dup(ctx, event);
    duk_call_method(ctx, 1);
    return 0;
  }
  /* Call the listeners on a copy: a listener may add or remove listeners. */
  duk_push_array(ctx);
  for (duk_size_t i = 0; i < n; i++) {
    duk_get_prop_index(ctx, listeners, (duk_uarridx_t)i);
    duk_put_prop_index(ctx, copy, (duk_uarridx_t)i);
  }
  for (duk_size_t i = 0; i < n; i++) {
    duk_get_prop_index(ctx, copy, (duk_uarridx_t)i);
    duk_push_global_object(ctx);
    duk_dup(ctx, event);
    duk_call_method(ctx, 1);
    duk_pop(ctx);
  }
  return 0;
}

int edgefn_runtime_dispatch(edgefn_runtime *rt, const edgefn_request *req,
                            const edgefn_response_handler *handler, void *user_data) {
  if (!rt || !req || !handler || !EDGEFN_MIN_SIZE_OK(handler, edgefn_response_handler, on_end))
    return rt && req && handler ? EDGEFN_EVERSION : EDGEFN_EINVAL;
  if (!handler->on_end)
    return EDGEFN_EINVAL;
  if (!EDGEFN_MIN_SIZE_OK(req, edgefn_request, client_ip))
    return EDGEFN_EVERSION;
  if (!req->url || req->url_len == 0 || (req->header_count && !req->headers) ||
      (req->body_len && !req->body))
    return EDGEFN_EINVAL;
  if (rt->freeing)
    return EDGEFN_ESTATE;
  exchange *ex = calloc(1, sizeof(*ex));
  if (!ex)
    return EDGEFN_ENOMEM;
  ex->rt = rt;
  ex->id = rt->next_exchange_id++;
  if (rt->next_exchange_id == 0)
    rt->next_exchange_id = 1;
  ex->handler = *handler;
  ex->user_data = user_data;
  edgefn__timer_init(&ex->wall, wall_timeout, ex);
  if (slot_alloc(rt, &ex->slot) != 0) {
    free(ex);
    return EDGEFN_ENOMEM;
  }
  if (edgefn__timer_start(rt->loop, &ex->wall, rt->wall_limit_ms) != 0) {
    rt->free_slots[rt->free_slot_count++] = ex->slot;
    free(ex);
    return EDGEFN_ENOMEM;
  }
  ex->next = rt->exchanges;
  if (ex->next)
    ex->next->prev = ex;
  rt->exchanges = ex;
  rt->pending++;

  uint32_t id = ex->id;
  dispatch_args a = {req, id, ex->slot};
  ex->dispatching = true;
  int rc = run_js(rt, id, 0, dispatch_safe, &a, 0, 1);
  ex = find_exchange(rt, id);
  if (ex) {
    ex->dispatching = false;
    if (rc != DUK_EXEC_SUCCESS && rt->breach == 0) {
      /* Logged even when respondWith was already called: that response stands. */
      duk_dup_top(rt->ctx);
      log_js_error(rt, rt->ctx, "Uncaught exception in the fetch handler");
      if (ex->pass_on_exception)
        set_outcome(ex, OUTCOME_PASS, 0, NULL);
      else
        set_outcome(ex, OUTCOME_FAIL, 500, "edge function threw an exception\n");
    } else if (!ex->responded) {
      set_outcome(ex, OUTCOME_PASS, 0, NULL);
    }
  }
  duk_pop(rt->ctx);
  deliver_ready(rt);
  return 0;
}

static duk_ret_t call_stashed_safe(duk_context *ctx, void *udata) {
  duk_push_global_stash(ctx);
  duk_get_prop_string(ctx, -1, (const char *)udata);
  if (duk_is_function(ctx, -1)) {
    duk_push_undefined(ctx);
    duk_call_method(ctx, 0);
  }
  return 0;
}

void edgefn__rt_invoke(edgefn_runtime *rt, uint32_t exchange_id, duk_safe_call_function fn,
                       void *udata, const char *what) {
  if (exchange_id && !find_exchange(rt, exchange_id))
    exchange_id = 0;
  int rc = run_js(rt, exchange_id, rt->cpu_limit_ns, fn, udata, 0, 1);
  if (rc != DUK_EXEC_SUCCESS && rt->breach == 0) {
    char label[64];
    snprintf(label, sizeof(label), "Uncaught exception in %s", what);
    duk_dup_top(rt->ctx);
    log_js_error(rt, rt->ctx, label);
  }
  duk_pop(rt->ctx);
  deliver_ready(rt);
}

int edgefn__rt_subrequest_begin(edgefn_runtime *rt) {
  exchange *ex = find_exchange(rt, rt->current_exchange);
  if (!ex)
    return 0; /* the script's top level or a timer of no request: not limited per request */
  if (ex->subrequests >= rt->subrequest_limit)
    return EDGEFN_ESUBREQUEST_LIMIT;
  ex->subrequests++;
  return 0;
}

void edgefn__rt_call_stashed(edgefn_runtime *rt, uint32_t exchange_id, const char *key) {
  if (exchange_id && !find_exchange(rt, exchange_id))
    exchange_id = 0;
  int rc = run_js(rt, exchange_id, rt->cpu_limit_ns, call_stashed_safe, (void *)key, 0, 1);
  if (rc != DUK_EXEC_SUCCESS && rt->breach == 0) {
    duk_dup_top(rt->ctx);
    log_js_error(rt, rt->ctx, "Uncaught exception in a timer callback");
  }
  duk_pop(rt->ctx);
  deliver_ready(rt);
}

/* ---- the rest of the public surface ---- */

void edgefn_runtime_free(edgefn_runtime *rt) {
  if (!rt)
    return;
  rt->freeing = true;
  while (rt->exchanges) {
    exchange *ex = rt->exchanges;
    ex->delivering = true;
    if (!ex->answered)
      ex->handler.on_end(ex->user_data, EDGEFN_ECANCELED);
    finish_exchange(rt, ex);
  }
  edgefn__timers_free_all(rt);
  edgefn__subrequests_free_all(rt);
  edgefn__cache_api_free_all(rt);
  duk_destroy_heap(rt->ctx);
  free(rt->free_slots);
  edgefn__loop_attach(rt->loop, -1);
  edgefn_script_free(rt->script);
  edgefn_cache_free(rt->cache);
  free(rt->name);
  free(rt);
}

size_t edgefn_runtime_pending(const edgefn_runtime *rt) { return rt ? rt->pending : 0; }

size_t edgefn_runtime_memory_used(const edgefn_runtime *rt) {
  return rt ? rt->ctl.mem_used : 0;
}

const char *edgefn_runtime_last_error(const edgefn_runtime *rt) {
  return rt ? rt->last_error : "";
}

void *edgefn_runtime_user_data(const edgefn_runtime *rt) { return rt ? rt->user_data : NULL; }

void edgefn_runtime_set_user_data(edgefn_runtime *rt, void *user_data) {
  if (rt)
    rt->user_data = user_data;
}
