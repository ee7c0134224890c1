/* edgefn_runtime: one Duktape heap running one script, the fetch-event dispatch, and the
 * life of each request in flight (an "exchange") until its response reaches the host.
 *
 * JavaScript never calls host callbacks directly: respondWith, promise reactions and
 * limits only record an exchange's outcome; after each entry into JavaScript returns,
 * deliver_ready() hands finished responses to the host. A host callback therefore never
 * runs with script frames on the stack, and may dispatch the next request at once. */
#include "compiler/lower.h"
#include "js/runtime.h"

#include "duk_extras.h"

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
  uint32_t slot; /* index of its FetchEvent in the stash's exchanges array */
  edgefn_response_handler handler;
  void *user_data;
  uint64_t cpu_used_ns;
  edgefn__timer wall;
  bool dispatching;       /* listeners are running: respondWith is allowed */
  bool queued;            /* waiting for the module's top-level await (init_defer) */
  bool responded;         /* respondWith was called */
  bool pass_on_exception; /* passThroughOnException was called */
  bool delivering;        /* host callbacks are running for it */
  bool answered;          /* on_end was called; only waitUntil work keeps it alive */
  uint32_t subrequests;   /* fetch() calls made so far */
  uint32_t wait_count;    /* waitUntil promises not yet settled */
  outcome outcome;
  /* OUTCOME_RESPONSE: the Response's heap pointer, borrowed: the event's KEY_SLOT_RESPONSE
   * holds it until slot_clear, after delivery has read it. */
  void *response;
  int fail_status;
  const char *fail_text;
  void *body_ptr;         /* the heap buffer of its incoming body (request body limit) */
  /* The host's request while its FetchEvent has no Request object yet: event.request makes
   * it on first read (most handlers that answer at once never read it). The host's struct
   * lives only for the edgefn_runtime_dispatch call, so the Request is made before that
   * call returns whenever the event may still be read (request_settle). */
  const edgefn_request *lazy_req;
  uint32_t console_calls; /* console.* calls made so far */
  /* A Response with a ReadableStream body, after on_head: the event's KEY_SLOT_PUMP is the
   * stream module's pump, KEY_SLOT_CHUNK the chunk waiting for on_body. */
  bool streaming;
  bool reading;      /* a read of the stream is outstanding */
  bool chunk_ready;  /* KEY_SLOT_CHUNK holds a chunk for on_body */
  bool stream_ended; /* the stream closed or failed: on_end(stream_result) is due */
  bool in_body;      /* on_body is running */
  int stream_result;
  size_t streamed; /* body bytes delivered from the stream (response body limit) */
  edgefn_body_flow flow;
  edgefn__timer resume;
  bool fatal; /* its JavaScript was running when the engine failed (fatal errors) */
  bool slot_cleared; /* delivery emptied its slot already (extract_safe) */
} exchange;

/* An exchange's block: the runtime's spare one (the last that ended) or a new one. While
 * the runtime is being freed, blocks go back to malloc. */
static exchange *exchange_alloc(edgefn_runtime *rt) {
  return edgefn__spare_take(&rt->spare_exchange, sizeof(exchange));
}

static void exchange_release(edgefn_runtime *rt, exchange *ex) {
  if (rt->freeing)
    free(ex);
  else
    edgefn__spare_put(&rt->spare_exchange, ex, sizeof(*ex));
}

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

/* Logs the error at the top of the stack with its stack trace, and pops it (below). */
static void log_js_error(edgefn_runtime *rt, duk_context *ctx, const char *what);

/* ---- entering JavaScript under the CPU budget ----
 * (sandbox limits, issue 7) The entry's own code is charged to its request; each microtask
 * drained after it is charged to the request that queued it (its tag), so that a request
 * that runs out of CPU loses only its own queued work and other requests in flight on the
 * runtime go on. A memory breach marks the heap for recycling. */

static void fail_for_breach(edgefn_runtime *rt, exchange *ex, int code) {
  bool cpu = code == EDGEFN_ECPU_LIMIT;
  if (!ex) {
    edgefn__rt_error(rt, "%s outside a request",
                     cpu ? "script exceeded its CPU time limit"
                         : "script exceeded its memory limit");
    return;
  }
  if (cpu)
    edgefn__rt_error(rt, "request exceeded its CPU time limit of %llu ms",
                     (unsigned long long)(rt->cpu_limit_ns / 1000000u));
  else
    edgefn__rt_error(rt, "runtime reached its memory limit of %zu bytes", rt->ctl.mem_limit);
  if (ex->answered) {
    ex->wait_count = 0; /* its waitUntil work ends here */
    return;
  }
  /* The limit overrides a response not yet delivered, and cuts a streamed body short
   * (stream_step sees OUTCOME_FAIL). */
  if (!ex->delivering || ex->streaming)
    ex->outcome = OUTCOME_NONE;
  set_outcome(ex, OUTCOME_FAIL, 503,
              cpu ? "edge function exceeded its CPU time limit\n"
                  : "edge function exceeded its memory limit\n");
}

/* Asks for the heap to be replaced once no JavaScript runs (see recycle()). */
static void request_recycle(edgefn_runtime *rt, const char *reason) {
  if (rt->recycle_reason || rt->freeing)
    return;
  rt->recycle_reason = reason;
  edgefn__defer_queue(rt->loop, &rt->recycle_defer);
}

static uint64_t budget_for(edgefn_runtime *rt, exchange *ex) {
  if (!ex)
    return rt->untagged_used_ns >= rt->untagged_budget_ns
               ? 0
               : rt->untagged_budget_ns - rt->untagged_used_ns;
  return ex->cpu_used_ns >= rt->cpu_limit_ns ? 0 : rt->cpu_limit_ns - ex->cpu_used_ns;
}

/* Starts accounting JavaScript to request `tag` (0 or a finished request: the entry's
 * untagged budget). */
static void account_begin(edgefn_runtime *rt, uint32_t tag) {
  exchange *ex = find_exchange(rt, tag);
  uint64_t now = rt->entry_now_ns;
  rt->entry_now_ns = 0;
  if (now)
    edgefn__cpu_begin_at(&rt->ctl, budget_for(rt, ex), now);
  else
    edgefn__cpu_begin(&rt->ctl, budget_for(rt, ex));
  rt->ctl.mem_exceeded = false;
  rt->current_exchange = ex ? tag : 0;
  rt->ctl.job_tag = tag;
}

/* Ends it: charges the time and handles a breach. A memory breach (the heap went over its
 * limit, lib/js/heap.c) also stopped the script like a CPU breach; it is reported as what it
 * is. Returns the breach code (0 when none). */
static int account_end(edgefn_runtime *rt, uint32_t tag) {
  bool mem = rt->ctl.mem_exceeded, cpu = rt->ctl.cpu_exceeded && !mem;
  uint64_t used = edgefn__cpu_end(&rt->ctl);
  rt->cpu_total_ns += used;
  rt->ctl.cpu_exceeded = false;
  rt->ctl.mem_exceeded = false;
  exchange *ex = find_exchange(rt, tag);
  if (ex)
    ex->cpu_used_ns += used;
  else
    rt->untagged_used_ns += used;
  int code = cpu ? EDGEFN_ECPU_LIMIT : mem ? EDGEFN_EMEMORY_LIMIT : 0;
  if (code) {
    /* Work the request queued must not run on: drop its jobs (only its own). */
    edgefn__microtasks_drop_tag(rt->ctx, tag);
    fail_for_breach(rt, ex, code);
    if (mem)
      request_recycle(rt, "the memory limit was reached");
  }
  return code;
}

/* The text of a thrown value for the log: its stack trace, or its string conversion; and,
 * for an Error, its line. Both may run the script's code (a `stack` or `lineNumber` getter,
 * a toString), which must neither throw outside a protected call (a fatal error) nor run
 * unbounded: when no entry's CPU accounting is active (the host logs after the entry
 * returned), it runs on the budget of the request whose entry threw (rt->error_tag). */
static duk_ret_t describe_safe(duk_context *ctx, void *udata) {
  int *line = udata;
  if (duk_is_error(ctx, -1)) {
    if (line) {
      duk_get_prop_literal(ctx, -1, "lineNumber");
      *line = duk_get_int_default(ctx, -1, 0);
      duk_pop(ctx);
    }
    duk_get_prop_literal(ctx, -1, "stack");
    if (duk_is_string(ctx, -1))
      return 1;
    duk_pop(ctx);
  }
  duk_to_string(ctx, -1);
  return 1;
}

/* Runs fn(udata) as a safe call over the value at the top of the stack (replaced with its
 * one result), on the budget of the request whose entry threw when no entry's accounting
 * is active: for reading what a thrown value says, which may run the script's code. */
static int error_safe_call(edgefn_runtime *rt, duk_context *ctx, duk_safe_call_function fn,
                           void *udata) {
  bool own = !rt->ctl.cpu_active;
  uint32_t cur = rt->current_exchange, tag = rt->ctl.job_tag, who = rt->error_tag;
  if (own)
    account_begin(rt, who);
  rt->js_depth++;
  int rc = duk_safe_call(ctx, fn, udata, 1, 1);
  rt->js_depth--;
  if (own) {
    (void)account_end(rt, who); /* a breach fails that request as any other would */
    rt->current_exchange = cur;
    rt->ctl.job_tag = tag;
  }
  return rc;
}

/* Replaces the value at the top of the stack with its description; returns it. */
static const char *describe(edgefn_runtime *rt, duk_context *ctx, int *line) {
  int rc = error_safe_call(rt, ctx, describe_safe, line);
  if (rc != DUK_EXEC_SUCCESS) {
    duk_pop(ctx);
    duk_push_literal(ctx, "(a thrown value that could not be described)");
  }
  return duk_get_string(ctx, -1);
}

static void log_js_error(edgefn_runtime *rt, duk_context *ctx, const char *what) {
  edgefn__rt_error(rt, "%s: %s", what, describe(rt, ctx, NULL));
  duk_pop(ctx);
}

static bool job_before(void *ud, uint32_t tag) {
  edgefn_runtime *rt = ud;
  if (rt->recycle_reason)
    return false; /* the heap is going: nothing more runs on it */
  account_begin(rt, tag);
  return true;
}

/* A limit stopped work of no request while a module's top level was still evaluating (its
 * continuation, or what it awaits): that evaluation cannot finish, so the initialisation
 * fails with the limit's code rather than wait for its wall limit. */
static void init_breach(edgefn_runtime *rt, int code) {
  if (!code || (rt->init_state != EDGEFN__INIT_RUNNING && rt->init_state != EDGEFN__INIT_PENDING))
    return;
  bool late = rt->init_state == EDGEFN__INIT_PENDING;
  rt->init_state = EDGEFN__INIT_FAILED;
  rt->init_code = code;
  rt->init_line = 0;
  rt->init_file[0] = '\0';
  /* A new heap would evaluate the module again into the same breach, over and over: the
   * runtime stays failed instead (a host, or edgefn_edge, replaces it). */
  rt->recycle_reason = NULL;
  edgefn__defer_cancel(rt->loop, &rt->recycle_defer);
  if (late) {
    edgefn__timer_stop(rt->loop, &rt->init_timer);
    edgefn__defer_queue(rt->loop, &rt->init_defer);
  }
}

static bool job_after(void *ud, uint32_t tag) {
  edgefn_runtime *rt = ud;
  int code = account_end(rt, tag);
  if (!find_exchange(rt, tag))
    init_breach(rt, code);
  return !rt->recycle_reason;
}

static duk_ret_t drain_safe(duk_context *ctx, void *udata) {
  edgefn__drain_hooks h = {job_before, job_after, udata};
  edgefn__microtasks_drain_hooked(ctx, &h);
  return 0;
}

static void deliver_ready(edgefn_runtime *rt);

/* Runs fn in a protected call on behalf of exchange `ex_id` with `budget_ns` of CPU time
 * (for a request: what remains of its per-request budget; with no request: the budget of
 * the entry, also used by microtasks of no live request), then drains microtasks. Leaves
 * nrets values (or the error) on the stack and returns duk_safe_call's result. rt->breach
 * tells whether a limit was breached on behalf of ex_id. */
static int run_js(edgefn_runtime *rt, uint32_t ex_id, uint64_t budget_ns,
                  duk_safe_call_function fn, void *udata, duk_idx_t nargs, duk_idx_t nrets) {
  duk_context *ctx = rt->ctx;
  if (!ctx) {
    /* The heap was abandoned after a fatal error (an outer entry resumed after a host
     * callback): nothing runs, nothing is pushed, and the recycle answers the requests. */
    rt->breach = EDGEFN_EENGINE;
    return DUK_EXEC_ERROR;
  }
  uint32_t saved = rt->current_exchange, saved_tag = rt->ctl.job_tag;
  rt->untagged_budget_ns = ex_id || !budget_ns ? rt->cpu_limit_ns : budget_ns;
  rt->untagged_used_ns = 0;
  rt->breach = 0;
  rt->error_tag = ex_id;
  duk_idx_t top_before = duk_get_top(ctx) - nargs;
  (void)top_before;

  if (rt->recycle_reason) {
    /* The heap went over its memory limit and waits to be replaced: nothing more runs on
     * it. A request dispatched meanwhile is answered by the recycle. */
    duk_pop_n(ctx, nargs);
    for (duk_idx_t i = 0; i < nrets; i++)
      duk_push_undefined(ctx);
    rt->current_exchange = saved;
    rt->breach = EDGEFN_EMEMORY_LIMIT;
    return DUK_EXEC_ERROR;
  }
  account_begin(rt, ex_id);
  rt->js_depth++;
  int rc = duk_safe_call(ctx, fn, udata, nargs, nrets);
  rt->breach = account_end(rt, ex_id);
  if (!find_exchange(rt, ex_id) && rt->init_state == EDGEFN__INIT_PENDING)
    init_breach(rt, rt->breach); /* a timer of no request, say, that the module awaits */
  int own_breach = rt->breach;
  if (!rt->recycle_reason && edgefn__microtasks_pending(ctx)) {
    if (duk_safe_call(ctx, drain_safe, rt, 0, 1) != DUK_EXEC_SUCCESS)
      log_js_error(rt, ctx, "microtask");
    else
      duk_pop(ctx);
  }
  rt->js_depth--;
  /* Every path above leaves exactly the call's results: a leak here would shift the stack
   * indices of every later entry. */
  assert(duk_get_top(ctx) == top_before + nrets);
  rt->current_exchange = saved;
  rt->ctl.job_tag = saved_tag;
  /* Breaches by jobs of the drain were handled for their own requests. */
  rt->breach = own_breach;
  return rc;
}

/* Pops what run_js left, when the heap is still there. */
static void pop_result(edgefn_runtime *rt) {
  if (rt->ctx)
    duk_pop(rt->ctx);
}

/* ---- fatal errors (issue 7) ----
 * A fatal Duktape error (lib/js/heap.c) leaves the heap in an unknown state. Every host
 * entry into the heap (dispatch, timers, the completions of fetch, KV, Cache API and key
 * generation, stream reads, the wall-time timer, creation, recycling, freeing) runs under
 * rt_guard, whose recovery point the fatal handler jumps back to. The heap is then
 * abandoned: never touched again, not even destroyed (edgefn__heap_leak keeps it referenced
 * and counted). The request whose JavaScript was running fails with 500, the others in
 * flight with 503, and the heap is replaced as after a memory breach (recycle_now). Until
 * then rt->ctx is NULL, and whatever may still run (an outer entry of this runtime resumed
 * after a host callback, a loop callback) checks it before touching the heap. */

typedef struct guard_call {
  edgefn_runtime *rt;
  void (*fn)(edgefn_runtime *rt, void *arg);
  void *arg;
} guard_call;

static void guard_trampoline(void *p) {
  guard_call *g = p;
  g->fn(g->rt, g->arg);
}

static void heap_abandon(edgefn_runtime *rt, uint32_t culprit, const char *msg) {
  size_t bytes = rt->ctl.mem_used;
  size_t total = edgefn__heap_leak(rt->ctx, bytes);
  rt->ctx = NULL;
  rt->exchanges_array = rt->listeners = rt->event_proto = rt->fetch_listener = NULL;
  rt->fatal_errors++;
  rt->leaked_bytes += bytes;
  /* The control block serves the next heap: nothing in it may describe this one (the
   * regexp state lives on, unreachable, with the heap that owns it). */
  rt->ctl.mem_used = 0;
  rt->ctl.mem_exceeded = false;
  rt->ctl.over_limit = false;
  rt->ctl.cpu_active = false;
  rt->ctl.cpu_exceeded = false;
  rt->ctl.regexp = NULL;
  rt->ctl.detached_bytes = 0;
  edgefn__heap_ctl_forget(&rt->ctl);
  exchange *ex = find_exchange(rt, culprit);
  if (ex)
    ex->fatal = true;
  edgefn__rt_error(rt,
                   "fatal error in the JavaScript engine%s: %s; its heap (%zu bytes) is "
                   "abandoned and the runtime will start a new one",
                   ex ? " while running a request" : "", msg, bytes);
  if (total > (size_t)EDGEFN_MAX_LEAKED_HEAP_BYTES && !rt->broken) {
    rt->broken = true;
    edgefn__rt_error(rt,
                     "heaps abandoned after fatal errors hold %zu bytes in this process, over "
                     "EDGEFN_MAX_LEAKED_HEAP_BYTES: this runtime is not restarted",
                     total);
  }
  /* Creation reports the failure itself; a runtime being freed needs no new heap. */
  if (!rt->starting && !rt->freeing)
    request_recycle(rt, "a fatal error in the JavaScript engine");
}

/* Runs fn(rt, arg) as one host entry into rt's heap (above). Returns false without calling
 * fn when there is no heap, and false when a fatal error abandoned the heap during fn.
 * `ex_id` is the request the entry serves, when the engine fails outside its JavaScript.
 * From inside this heap's JavaScript (a native that reaches here) fn runs under the outer
 * point: a jump to a nearer one would resume native frames on the abandoned heap. */
static bool rt_guard(edgefn_runtime *rt, uint32_t ex_id, void (*fn)(edgefn_runtime *, void *),
                     void *arg) {
  if (!rt->ctx)
    return false;
  if (rt->js_depth > 0) {
    fn(rt, arg);
    return true;
  }
  uint32_t depth = rt->entry_depth, cur = rt->current_exchange, tag = rt->ctl.job_tag;
  char msg[EDGEFN__FATAL_MSG_MAX];
  guard_call g = {rt, fn, arg};
  rt->entry_depth++;
  bool ok = edgefn__fatal_guard(&rt->ctl, guard_trampoline, &g, msg, sizeof(msg));
  uint32_t culprit = rt->current_exchange ? rt->current_exchange : ex_id;
  rt->entry_depth = depth;
  if (ok)
    return true;
  rt->current_exchange = cur;
  rt->ctl.job_tag = tag;
  rt->js_depth = 0;
  heap_abandon(rt, culprit, msg);
  return false;
}

static duk_ret_t stash_delete_safe(duk_context *ctx, void *key) {
  duk_push_global_stash(ctx);
  duk_del_prop_string(ctx, -1, (const char *)key);
  return 0;
}

static void stash_delete_run(edgefn_runtime *rt, void *key) {
  (void)duk_safe_call(rt->ctx, stash_delete_safe, key, 0, 1);
  duk_pop(rt->ctx);
}

void edgefn__rt_stash_delete(edgefn_runtime *rt, const char *key) {
  (void)rt_guard(rt, 0, stash_delete_run, (void *)key);
}

/* ---- the exchange slot in the stash: exchanges[slot] = the FetchEvent ----
 * Slots are small recycled integers so the array stays dense: Duktape keeps it in its array
 * part, which is much cheaper than object keys made from ever-growing request ids. What the
 * library keeps for the exchange lives on the event under hidden keys, which scripts cannot
 * reach: the Response (KEY_SLOT_RESPONSE), and for a streamed body the pump and the chunk
 * waiting for on_body. They are written with EDGEFN_PUT_OWN_LITERAL, which a frozen event
 * does not stop. */
#define KEY_SLOT_RESPONSE DUK_HIDDEN_SYMBOL("xr")
#define KEY_SLOT_PUMP DUK_HIDDEN_SYMBOL("xp")
#define KEY_SLOT_CHUNK DUK_HIDDEN_SYMBOL("xc")
/* The event's Request once made: FetchEvent.prototype.request answers from it. */
#define KEY_SLOT_REQUEST DUK_HIDDEN_SYMBOL("xq")

/* Pushes stash[key], the object whose heap pointer install_safe kept in p (the stash keeps
 * it alive as long as the heap; the pointers are cleared with the heap): through the
 * pointer, or by the key before install_safe ran. */
static void push_stash_object(duk_context *ctx, void *p, const char *key) {
  if (p) {
    duk_push_heapptr(ctx, p);
    return;
  }
  duk_push_global_stash(ctx);
  duk_get_prop_string(ctx, -1, key);
  duk_remove(ctx, -2);
}

static void push_exchanges(duk_context *ctx) {
  push_stash_object(ctx, rt_of(ctx)->exchanges_array, STASH_EXCHANGES);
}

static void push_slot(duk_context *ctx, uint32_t slot) {
  push_exchanges(ctx);
  duk_get_prop_index(ctx, -1, slot);
  duk_remove(ctx, -2);
}

/* Empties an exchange's slot. When ex->lazy_req is still set, an event that something
 * besides the slot holds (a script kept it) first gets its Request, which may throw (out of
 * memory): the slot is then left as it was, for slot_clear_safe. One safe call instead of
 * two on the path every request ends through. */
static void slot_clear(duk_context *ctx, uint32_t slot, exchange *ex);

static duk_ret_t finish_slot_safe(duk_context *ctx, void *udata) {
  exchange *ex = udata;
  slot_clear(ctx, ex->slot, ex);
  return 0;
}

static duk_ret_t slot_clear_safe(duk_context *ctx, void *udata) {
  slot_clear(ctx, *(uint32_t *)udata, NULL);
  return 0;
}

static void request_materialize(duk_context *ctx, exchange *ex, duk_idx_t event_idx);

/* slot_clear on [... exchanges event], the exchanges array and its slot's event on top of
 * the stack; pops both. */
static void slot_empty(duk_context *ctx, uint32_t slot, exchange *ex) {
  if (ex && ex->lazy_req && edgefn__duk_referenced_elsewhere(ctx, -1, 1))
    request_materialize(ctx, ex, -1); /* a script kept the event: it keeps its request */
  /* A script that kept its event (a global, a closure) must not keep the Response and its
   * body alive through it: when anything besides the exchanges array holds the event, the
   * library's slots on it are emptied. Usually nothing does, and the event goes with the
   * slot. */
  if (edgefn__duk_referenced_elsewhere(ctx, -1, 1)) {
    static const char *const keys[] = {KEY_SLOT_RESPONSE, KEY_SLOT_PUMP, KEY_SLOT_CHUNK};
    for (size_t i = 0; i < EDGEFN_ARRAY_LEN(keys); i++) {
      duk_push_undefined(ctx);
      edgefn__duk_put_hidden_lstring(ctx, -2, keys[i], strlen(keys[i]));
    }
  } else if (ex && edgefn__duk_reset_own_props(ctx, -1, rt_of(ctx)->event_proto, KEY_EXCHANGE_ID,
                                               sizeof(KEY_EXCHANGE_ID) - 1)) {
    /* Nothing else holds the event, so no script can tell it from a new one: it stays in
     * the slot, emptied down to its exchange id (the Response and everything else it held
     * are released here), for the next request given this slot (dispatch_safe). */
    duk_pop_2(ctx);
    return;
  }
  duk_pop(ctx);
  duk_push_undefined(ctx);
  duk_put_prop_index(ctx, -2, slot);
  duk_pop(ctx);
}

static void slot_clear(duk_context *ctx, uint32_t slot, exchange *ex) {
  push_exchanges(ctx);
  duk_get_prop_index(ctx, -1, slot);
  slot_empty(ctx, slot, ex);
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
 * fulfilled, the reason when rejected. is_response: whether the caller already knows the
 * value is a Response (1) or not (0), or -1 to check here. */
static void settle(duk_context *ctx, exchange *ex, bool fulfilled, duk_idx_t value,
                   int is_response) {
  edgefn_runtime *rt = rt_of(ctx);
  if (!ex || ex->outcome != OUTCOME_NONE)
    return;
  if (fulfilled && (is_response >= 0 ? is_response : edgefn__is_response(ctx, value))) {
    value = duk_normalize_index(ctx, value);
    push_slot(ctx, ex->slot);
    duk_dup(ctx, value);
    duk_put_prop_literal(ctx, -2, KEY_SLOT_RESPONSE);
    duk_pop(ctx);
    ex->response = duk_get_heapptr(ctx, value);
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
  settle(ctx, find_exchange(rt_of(ctx), id), fulfilled, 0, -1);
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
  bool is_response = edgefn__is_response(ctx, v);
  if (is_response || !edgefn__is_thenable(ctx, v)) {
    /* the common case: no promise, no reaction functions */
    settle(ctx, ex, true, v, is_response);
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

/* Makes the event's Request from the host's struct (the event at event_idx, its exchange
 * ex with a lazy request) and keeps it on the event. It also becomes the event's own
 * "request", so that later reads are plain property reads, unless the script froze the event
 * or defined its own "request" on it first: that definition stands, as it would anywhere. */
static void request_materialize(duk_context *ctx, exchange *ex, duk_idx_t event_idx) {
  event_idx = duk_normalize_index(ctx, event_idx);
  const edgefn_request *req = ex->lazy_req;
  ex->lazy_req = NULL; /* even if making it throws (out of memory): never twice */
  edgefn__request_push_incoming(ctx, req);
  /* the request keeps the buffer alive (request body limit) */
  duk_get_prop_literal(ctx, -1, EDGEFN_KEY_BODY);
  ex->body_ptr = duk_get_heapptr(ctx, -1);
  duk_pop(ctx);
  if (edgefn__duk_may_define_own(ctx, event_idx, "request", sizeof("request") - 1)) {
    duk_dup_top(ctx);
    EDGEFN_PUT_OWN_LITERAL(ctx, event_idx, "request");
  }
  duk_put_prop_literal(ctx, event_idx, KEY_SLOT_REQUEST);
}

/* FetchEvent.prototype.request: makes the Request on the first read; the event's own
 * "request" (request_materialize) usually shadows this getter afterwards. A Proxy of the
 * event reads its target's, whether or not the Request was made yet. Anything else that is
 * not a FetchEvent (the prototype itself, Object.create(event) before the first read) has no
 * request. */
static duk_ret_t fetch_event_request_get(duk_context *ctx) {
  duk_push_this(ctx);
  /* Duktape refuses a Proxy as another Proxy's target, so this unwraps at most once; the
   * bound only keeps the loop finite should that ever change */
  for (int depth = 0; depth < 64 && edgefn__duk_push_proxy_parts(ctx, -1); depth++) {
    duk_pop(ctx); /* the handler: its traps already ran to get here */
    duk_remove(ctx, -2);
  }
  EDGEFN_GET_OWN_LITERAL(ctx, -1, KEY_EXCHANGE_ID);
  exchange *ex = find_exchange(rt_of(ctx), duk_get_uint(ctx, -1));
  duk_pop(ctx);
  if (ex && ex->lazy_req) {
    push_slot(ctx, ex->slot); /* the event itself, not an object that claims its id */
    if (duk_strict_equals(ctx, -1, -2))
      request_materialize(ctx, ex, -1);
    duk_pop(ctx);
  }
  EDGEFN_GET_OWN_LITERAL(ctx, -1, KEY_SLOT_REQUEST);
  return 1;
}

static duk_ret_t request_keep_safe(duk_context *ctx, void *udata) {
  exchange *ex = udata;
  push_slot(ctx, ex->slot);
  request_materialize(ctx, ex, -1);
  duk_pop(ctx);
  return 0;
}

/* Before the host's request goes away: an exchange still in flight gets its Request now
 * (an exchange that ends first does it in finish_exchange, only when a script kept its
 * event). Returns false when making it failed (out of memory; logged). */
static bool request_settle(edgefn_runtime *rt, exchange *ex) {
  if (!ex->lazy_req)
    return true;
  int rc = DUK_EXEC_SUCCESS;
  if (rt->ctx) {
    rc = duk_safe_call(rt->ctx, request_keep_safe, ex, 0, 1);
    if (rc != DUK_EXEC_SUCCESS) {
      duk_dup_top(rt->ctx);
      log_js_error(rt, rt->ctx, "Could not make the request object");
    }
    duk_pop(rt->ctx);
  }
  ex->lazy_req = NULL;
  return rc == DUK_EXEC_SUCCESS;
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
  rt_of(ctx)->fetch_listener = NULL;
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
  rt_of(ctx)->fetch_listener = NULL;
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
  edgefn_runtime *rt = udata;
  duk_push_global_stash(ctx);
  duk_push_object(ctx);
  rt->listeners = duk_get_heapptr(ctx, -1);
  duk_put_prop_literal(ctx, -2, STASH_LISTENERS);
  duk_push_array(ctx);
  rt->exchanges_array = duk_get_heapptr(ctx, -1);
  duk_put_prop_literal(ctx, -2, STASH_EXCHANGES);
  duk_push_object(ctx);
  duk_put_function_list(ctx, -1, fetch_event_methods);
  duk_push_string(ctx, "fetch");
  duk_put_prop_literal(ctx, -2, "type");
  duk_push_string(ctx, ""); /* no client objects at the edge: the spec's empty id */
  duk_put_prop_literal(ctx, -2, "clientId");
  duk_push_literal(ctx, "request"); /* an accessor, as WebIDL attributes are */
  duk_push_c_function(ctx, fetch_event_request_get, 0);
  duk_def_prop(ctx, -3,
               DUK_DEFPROP_HAVE_GETTER | DUK_DEFPROP_SET_ENUMERABLE |
                   DUK_DEFPROP_SET_CONFIGURABLE);
  rt->event_proto = duk_get_heapptr(ctx, -1);
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
  /* after the helpers: hardening removes what scripts must not reach */
  edgefn__sandbox_harden(ctx, (((edgefn_runtime *)udata)->flags & EDGEFN_RUNTIME_ALLOW_EVAL) != 0);
  return 0;
}

/* The line and file of the error at idx, for edgefn_runtime_new's error info. */
static void note_error_place(edgefn_runtime *rt, duk_context *ctx, duk_idx_t idx) {
  idx = duk_normalize_index(ctx, idx);
  rt->init_line = 0;
  rt->init_file[0] = '\0';
  if (!duk_is_error(ctx, idx))
    return;
  duk_get_prop_literal(ctx, idx, "lineNumber");
  rt->init_line = duk_get_int(ctx, -1);
  duk_get_prop_literal(ctx, idx, "fileName");
  if (duk_is_string(ctx, -1))
    snprintf(rt->init_file, sizeof(rt->init_file), "%s", duk_get_string(ctx, -1));
  duk_pop_2(ctx);
  if (rt->init_file[0] != '<' && rt->init_file[0] != '\0')
    return;
  /* Thrown inside the compiler's helpers (a for…of over a non-iterable, say): the place
   * is the first frame of the stack in the script's own files, "at f (file:line)". */
  duk_get_prop_literal(ctx, idx, "stack");
  const char *st = duk_is_string(ctx, -1) ? duk_get_string(ctx, -1) : "";
  for (const char *l = st; l && *l; l = strchr(l, '\n') ? strchr(l, '\n') + 1 : NULL) {
    const char *end = strchr(l, '\n');
    size_t n = end ? (size_t)(end - l) : strlen(l);
    const char *open = memchr(l, '(', n);
    const char *close = open ? memchr(open, ')', n - (size_t)(open - l)) : NULL;
    const char *colon = NULL;
    for (const char *c = open; c && c < close; c++)
      if (*c == ':')
        colon = c;
    if (!close || !colon || open[1] == '<' || colon == open + 1)
      continue;
    size_t fl = (size_t)(colon - open - 1);
    if ((fl > 2 && memcmp(colon - 2, ".c", 2) == 0)) /* Duktape's own frames */
      continue;
    snprintf(rt->init_file, sizeof(rt->init_file), "%.*s", (int)fl, open + 1);
    rt->init_line = atoi(colon + 1);
    break;
  }
  duk_pop(ctx);
}

/* settle(ok, error): the linker's word that the entry module has evaluated (its handlers
 * are registered) or that its evaluation failed; called during the top level, or later
 * from a microtask when the module awaits at its top level. */
static duk_ret_t init_settle(duk_context *ctx) {
  edgefn_runtime *rt = rt_of(ctx);
  if (rt->init_state != EDGEFN__INIT_RUNNING && rt->init_state != EDGEFN__INIT_PENDING)
    return 0; /* already failed at its wall limit */
  bool late = rt->init_state == EDGEFN__INIT_PENDING;
  if (duk_to_boolean(ctx, 0)) {
    rt->init_state = EDGEFN__INIT_READY;
  } else {
    note_error_place(rt, ctx, 1);
    duk_dup(ctx, 1);
    log_js_error(rt, ctx, "Uncaught exception in the script's top level");
    rt->init_state = EDGEFN__INIT_FAILED;
    rt->init_code = EDGEFN_ESCRIPT;
  }
  if (late) {
    edgefn__timer_stop(rt->loop, &rt->init_timer);
    edgefn__defer_queue(rt->loop, &rt->init_defer);
  }
  return 0;
}

/* A bundle: every file's function, then the helpers' linker runs them from the entry in
 * dependency order and hands the entry's exports to the handler lookup, as a single
 * module's top level does; with top-level await, later (init_settle). */
static duk_ret_t run_bundle(duk_context *ctx, const edgefn_script *script) {
  size_t n = edgefn__script_module_count(script);
  duk_get_global_literal(ctx, "__edgefn$link");
  duk_push_array(ctx);
  for (size_t i = 0; i < n; i++) {
    size_t len;
    const uint8_t *bc = edgefn__script_module_bytecode(script, i, &len);
    /* made by edgefn_script_new in this process, like the single script's bytecode */
    duk_push_external_buffer(ctx);
    duk_config_buffer(ctx, -1, (void *)bc, len);
    duk_load_function(ctx);
    duk_put_prop_index(ctx, -2, (duk_uarridx_t)i);
  }
  duk_push_string(ctx, edgefn__script_graph(script));
  duk_json_decode(ctx, -1);
  duk_push_c_function(ctx, init_settle, 2);
  duk_call(ctx, 3);
  return 1;
}

static duk_ret_t run_top_level_safe(duk_context *ctx, void *udata) {
  const edgefn_script *script = udata;
  if (edgefn__script_module_count(script))
    return run_bundle(ctx, script);
  size_t len;
  const uint8_t *bc = edgefn__script_bytecode(script, &len);
  /* The bytecode came from edgefn_script_new in this process: Duktape does not validate
   * bytecode, so nothing else may ever reach duk_load_function. */
  duk_push_external_buffer(ctx);
  duk_config_buffer(ctx, -1, (void *)bc, len);
  duk_load_function(ctx);
  duk_push_global_object(ctx);
  duk_call_method(ctx, 0);
  edgefn__rt_from_ctx(ctx)->init_state = EDGEFN__INIT_READY; /* a script never waits */
  return 1;
}

static void heap_destroy_run(edgefn_runtime *rt, void *arg) {
  (void)arg;
  duk_destroy_heap(rt->ctx);
  rt->ctx = NULL;
  rt->exchanges_array = rt->listeners = rt->event_proto = rt->fetch_listener = NULL;
}

static duk_ret_t note_error_place_safe(duk_context *ctx, void *udata) {
  note_error_place(udata, ctx, -1);
  return 1;
}

/* The error at the top of the stack: its line in the file it names (a bundle's file, not
 * necessarily the entry). Reading it may run the script's getters: protected and bounded. */
static void fill_error_from_stack(edgefn_runtime *rt, edgefn_error_info *err, int code) {
  duk_dup_top(rt->ctx);
  if (error_safe_call(rt, rt->ctx, note_error_place_safe, rt) != DUK_EXEC_SUCCESS) {
    rt->init_line = 0;
    rt->init_file[0] = '\0';
  }
  duk_pop(rt->ctx);
  edgefn__error_set(err, code,
                    rt->init_file[0] ? rt->init_file : edgefn_script_filename(rt->script),
                    rt->init_line, 0, "%s", rt->last_error);
}

/* Whether anything is in flight that could still settle what the top level awaits. */
static bool init_can_progress(const edgefn_runtime *rt) {
  return rt->timer_count || rt->subrequests || rt->cache_ops || rt->keygen_count ||
         edgefn__kv_ops_pending(rt) || edgefn__microtasks_pending(rt->ctx);
}

static void init_timeout(edgefn__timer *t) {
  edgefn_runtime *rt = t->data;
  if (rt->init_state != EDGEFN__INIT_PENDING)
    return;
  edgefn__rt_error(rt, "the script's top-level await did not settle within %u ms",
                   (unsigned)EDGEFN_DEFAULT_INIT_WALL_LIMIT_MS);
  rt->init_state = EDGEFN__INIT_FAILED;
  rt->init_code = EDGEFN_EWALL_LIMIT;
  edgefn__defer_queue(rt->loop, &rt->init_defer);
}

/* Releases everything attached to the heap (timers, subrequests, Cache API and KV calls, key
 * generations) and destroys it; on free and on recycle. After a fatal error (no heap) the
 * same C resources go, with no Duktape call. */
static void heap_release(edgefn_runtime *rt) {
  edgefn__timer_stop(rt->loop, &rt->init_timer);
  edgefn__defer_cancel(rt->loop, &rt->init_defer);
  edgefn__timers_free_all(rt);
  edgefn__subrequests_free_all(rt);
  edgefn__cache_api_free_all(rt);
  edgefn__subtle_free_all(rt);
  edgefn__kv_ops_free_all(rt);
  (void)rt_guard(rt, 0, heap_destroy_run, NULL); /* a failure here abandons it instead */
}

typedef struct start_args {
  edgefn_error_info *err;
  int code;
} start_args;

static void heap_start_run(edgefn_runtime *rt, void *arg);

/* Makes the heap and runs the script's top level: on creation and on every recycle.
 * Returns 0 or an EDGEFN_E* code (detail in err and the log); on failure rt->ctx may hold a
 * heap that edgefn_runtime_free or the next attempt destroys, or none after a fatal error
 * (EDGEFN_EENGINE: that heap was abandoned). */
static int heap_start(edgefn_runtime *rt, edgefn_error_info *err) {
  rt->exchanges_array = rt->listeners = rt->event_proto = rt->fetch_listener = NULL;
  rt->ctx = edgefn__heap_new(&rt->ctl);
  if (!rt->ctx) {
    edgefn__error_set(err, EDGEFN_ENOMEM, NULL, 0, 0, "cannot create a JavaScript heap");
    return EDGEFN_ENOMEM;
  }
  start_args a = {err, 0};
  rt->starting = true;
  bool ok = rt_guard(rt, 0, heap_start_run, &a);
  rt->starting = false;
  if (!ok) {
    rt->recycle_reason = NULL; /* (a breach before the failure asked for one) */
    edgefn__defer_cancel(rt->loop, &rt->recycle_defer);
    edgefn__error_set(err, EDGEFN_EENGINE, edgefn_script_filename(rt->script), 0, 0, "%s",
                      rt->last_error);
    return EDGEFN_EENGINE;
  }
  return a.code;
}

static void heap_start_run(edgefn_runtime *rt, void *arg) {
  start_args *sa = arg;
  edgefn_error_info *err = sa->err;
  int code = 0;
  if (run_js(rt, 0, (uint64_t)EDGEFN_DEFAULT_INIT_CPU_LIMIT_MS * 1000000u, install_safe, rt,
             0, 1) != DUK_EXEC_SUCCESS) {
    log_js_error(rt, rt->ctx, "installing the Web APIs failed");
    code = rt->breach == EDGEFN_EMEMORY_LIMIT ? EDGEFN_EMEMORY_LIMIT : EDGEFN_ENOMEM;
    edgefn__error_set(err, code, NULL, 0, 0, "%s", rt->last_error);
    sa->code = code;
    return;
  }
  duk_pop(rt->ctx);
  rt->init_state = EDGEFN__INIT_RUNNING;
  int rc = run_js(rt, 0, (uint64_t)EDGEFN_DEFAULT_INIT_CPU_LIMIT_MS * 1000000u,
                  run_top_level_safe, (void *)rt->script, 0, 1);
  if (rc != DUK_EXEC_SUCCESS) {
    if (rt->breach == 0) {
      duk_dup_top(rt->ctx);
      log_js_error(rt, rt->ctx, "Uncaught exception in the script's top level");
    }
    code = rt->breach ? rt->breach : EDGEFN_ESCRIPT;
    fill_error_from_stack(rt, err, code);
  } else if (rt->breach) {
    /* a limit stopped a microtask of the top level (a module awaiting) */
    code = rt->breach;
    edgefn__error_set(err, code, edgefn_script_filename(rt->script), 0, 0, "%s",
                      rt->last_error);
  } else if (rt->init_state == EDGEFN__INIT_FAILED) {
    /* a module's top-level await rejected, or hit a limit, while the first microtasks ran */
    code = rt->init_code;
    edgefn__error_set(err, code, rt->init_file[0] ? rt->init_file
                                                  : edgefn_script_filename(rt->script),
                      rt->init_line, 0, "%s", rt->last_error);
  } else if (rt->init_state == EDGEFN__INIT_RUNNING) {
    /* Awaiting: requests wait until it settles. When nothing it could wait for is in
     * flight it never will (Node exits with "unsettled top-level await"). */
    if (!init_can_progress(rt)) {
      edgefn__rt_error(rt, "Detected unsettled top-level await: nothing it could wait for (a "
                           "timer, a subrequest, other I/O) is pending");
      code = EDGEFN_ESCRIPT;
      edgefn__error_set(err, code, edgefn_script_filename(rt->script), 0, 0, "%s",
                        rt->last_error);
    } else if (edgefn__timer_start(rt->loop, &rt->init_timer,
                                   EDGEFN_DEFAULT_INIT_WALL_LIMIT_MS) != 0) {
      code = EDGEFN_ENOMEM;
      edgefn__error_set(err, code, NULL, 0, 0, "out of memory");
    } else {
      rt->init_state = EDGEFN__INIT_PENDING;
    }
  }
  if (code && rt->init_state != EDGEFN__INIT_FAILED) {
    rt->init_state = EDGEFN__INIT_FAILED;
    rt->init_code = code;
  }
  duk_pop(rt->ctx);
  /* A memory breach during the top level leaves nothing worth recycling. */
  rt->recycle_reason = NULL;
  edgefn__defer_cancel(rt->loop, &rt->recycle_defer);
  sa->code = code;
}

static void recycle_now(edgefn__defer *d);
static void init_done(edgefn__defer *d);

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
  /* (sandbox limits, issue 7) */
  if (opts && EDGEFN_HAS_FIELD(opts, edgefn_runtime_options, flags)) {
    rt->request_body_limit = opts->request_body_limit;
    rt->response_body_limit = opts->response_body_limit;
    rt->timer_limit = opts->timer_limit;
    rt->console_limit = opts->console_limit;
    rt->ctl.call_depth_limit = opts->call_depth_limit;
    rt->flags = opts->flags;
  }
  if (!rt->request_body_limit)
    rt->request_body_limit = EDGEFN_DEFAULT_REQUEST_BODY_LIMIT;
  if (!rt->response_body_limit)
    rt->response_body_limit = EDGEFN_DEFAULT_RESPONSE_BODY_LIMIT;
  if (!rt->timer_limit)
    rt->timer_limit = EDGEFN_DEFAULT_TIMER_LIMIT;
  if (!rt->console_limit)
    rt->console_limit = EDGEFN_DEFAULT_CONSOLE_LIMIT;
  if (!rt->ctl.call_depth_limit)
    rt->ctl.call_depth_limit = EDGEFN_DEFAULT_CALL_DEPTH_LIMIT;
  edgefn__defer_init(&rt->recycle_defer, recycle_now, rt);
  edgefn__defer_init(&rt->init_defer, init_done, rt);
  edgefn__timer_init(&rt->init_timer, init_timeout, rt);
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
  rt->script = edgefn__script_ref(script);
  /* Taken here, after the early returns, so every later failure releases it in
   * edgefn_runtime_free. */
  if (opts && EDGEFN_HAS_FIELD(opts, edgefn_runtime_options, cache) && opts->cache)
    rt->cache = edgefn_cache_ref(opts->cache);
  edgefn__loop_attach(loop, 1);

  int code = edgefn__kv_env_new(rt, opts); /* KV (issue 9) */
  if (code) {
    edgefn__error_set(err, code, NULL, 0, 0, "kv_bindings / env_vars: %s",
                      edgefn_strerror(code));
    edgefn_runtime_free(rt);
    return code;
  }
  code = heap_start(rt, err);
  if (code) {
    edgefn_runtime_free(rt);
    return code;
  }
  *out = rt;
  return 0;
}

/* ---- streamed bodies ----
 * A Response whose body is a ReadableStream is delivered chunk by chunk. Each read runs in
 * its own entry into JavaScript charged to the request (run_js); the read's chunk is parked
 * in the exchange's slot record and handed to on_body from deliver_ready, outside any
 * script frame, as every host callback is. The next read starts only after on_body
 * returned without pausing, so the stream's queue (bounded by its high-water mark) is all
 * the sandbox holds while the host is slow. */

static void stream_start(edgefn_runtime *rt, exchange *ex);
static void stream_step(edgefn_runtime *rt, exchange *ex);
static void stream_fail(edgefn_runtime *rt, exchange *ex);
static void stream_resume_fired(edgefn__timer *t);
static void finish_exchange(edgefn_runtime *rt, exchange *ex);

#define KEY_PUMP_EX DUK_HIDDEN_SYMBOL("pex")

static exchange *pump_exchange(duk_context *ctx) {
  duk_push_current_function(ctx);
  duk_get_prop_literal(ctx, -1, KEY_PUMP_EX);
  uint32_t id = (uint32_t)duk_get_uint(ctx, -1);
  duk_pop_2(ctx);
  exchange *ex = find_exchange(rt_of(ctx), id);
  return ex && ex->streaming && !ex->stream_ended ? ex : NULL;
}

/* pump's onChunk(chunk): parks a Uint8Array for on_body; returns whether to read on. */
static duk_ret_t pump_on_chunk(duk_context *ctx) {
  exchange *ex = pump_exchange(ctx);
  if (!ex) {
    duk_push_false(ctx);
    return 1;
  }
  ex->reading = false;
  if (!edgefn__is_uint8array(ctx, 0)) {
    edgefn__rt_error(ex->rt, "the response body stream produced a chunk that is not a "
                             "Uint8Array");
    ex->stream_ended = true;
    ex->stream_result = EDGEFN_EABORTED;
    duk_push_false(ctx);
    return 1;
  }
  duk_size_t len = 0;
  (void)duk_get_buffer_data(ctx, 0, &len);
  if (len == 0) { /* nothing to deliver: read on */
    ex->reading = true;
    duk_push_true(ctx);
    return 1;
  }
  push_slot(ctx, ex->slot);
  duk_dup(ctx, 0);
  duk_put_prop_literal(ctx, -2, KEY_SLOT_CHUNK);
  ex->chunk_ready = true;
  duk_push_false(ctx);
  return 1;
}

/* pump's onEnd(error, isError). */
static duk_ret_t pump_on_end(duk_context *ctx) {
  exchange *ex = pump_exchange(ctx);
  if (!ex)
    return 0;
  ex->reading = false;
  ex->stream_ended = true;
  ex->stream_result = 0;
  if (duk_to_boolean(ctx, 1)) {
    ex->stream_result = EDGEFN_EABORTED;
    duk_dup(ctx, 0);
    log_js_error(ex->rt, ctx, "the response body stream errored");
  }
  return 0;
}

static duk_ret_t stream_start_safe(duk_context *ctx, void *udata) {
  exchange *ex = udata;
  push_slot(ctx, ex->slot);
  duk_idx_t rec = duk_get_top_index(ctx);
  duk_get_prop_literal(ctx, rec, KEY_SLOT_RESPONSE);
  duk_get_prop_literal(ctx, -1, EDGEFN_KEY_BODY);
  duk_remove(ctx, -2);
  duk_push_c_function(ctx, pump_on_chunk, 1);
  duk_push_uint(ctx, ex->id);
  duk_put_prop_literal(ctx, -2, KEY_PUMP_EX);
  duk_push_c_function(ctx, pump_on_end, 2);
  duk_push_uint(ctx, ex->id);
  duk_put_prop_literal(ctx, -2, KEY_PUMP_EX);
  edgefn__streams_call(ctx, "pump", 3);
  duk_dup_top(ctx);
  duk_put_prop_literal(ctx, rec, KEY_SLOT_PUMP);
  duk_push_literal(ctx, "resume");
  duk_call_prop(ctx, -2, 0);
  return 0;
}

static duk_ret_t stream_read_safe(duk_context *ctx, void *udata) {
  exchange *ex = udata;
  push_slot(ctx, ex->slot);
  duk_get_prop_literal(ctx, -1, KEY_SLOT_PUMP);
  duk_push_literal(ctx, "resume");
  duk_call_prop(ctx, -2, 0);
  return 0;
}

static duk_ret_t stream_cancel_safe(duk_context *ctx, void *udata) {
  exchange *ex = udata;
  push_slot(ctx, ex->slot);
  if (duk_get_prop_literal(ctx, -1, KEY_SLOT_PUMP) && duk_is_object(ctx, -1)) {
    duk_push_literal(ctx, "cancel");
    edgefn__push_dom_exception(ctx, "AbortError", "the response was cut short");
    duk_call_prop(ctx, -3, 1);
  }
  return 0;
}

/* Runs one of the stream entries for ex under its CPU budget. */
static void stream_run(edgefn_runtime *rt, exchange *ex, duk_safe_call_function fn) {
  uint32_t id = ex->id;
  int rc = run_js(rt, id, 0, fn, ex, 0, 1);
  ex = find_exchange(rt, id);
  if (rc != DUK_EXEC_SUCCESS && ex && rt->breach == 0) {
    duk_dup_top(rt->ctx);
    log_js_error(rt, rt->ctx, "the response body stream");
    ex->stream_ended = true;
    ex->stream_result = EDGEFN_EABORTED;
  }
  pop_result(rt);
}

static void stream_start(edgefn_runtime *rt, exchange *ex) {
  ex->streaming = true;
  ex->reading = true;
  stream_run(rt, ex, stream_start_safe);
}

/* Ends a streamed body early: the stream is cancelled and on_end says EDGEFN_EABORTED. */
static void stream_fail(edgefn_runtime *rt, exchange *ex) {
  if (ex->stream_ended)
    return;
  ex->stream_ended = true;
  ex->stream_result = EDGEFN_EABORTED;
  ex->chunk_ready = false;
  /* The cancel reaches the script's cancel()/abort() callbacks: it runs under the request's
   * CPU budget like any other entry (what remains of it; none after a CPU breach). A cancel
   * that fails changes nothing: the body is cut short either way. */
  (void)run_js(rt, ex->id, 0, stream_cancel_safe, ex, 0, 1);
  pop_result(rt);
}

static duk_ret_t take_chunk_safe(duk_context *ctx, void *udata) {
  exchange *ex = udata;
  push_slot(ctx, ex->slot);
  duk_get_prop_literal(ctx, -1, KEY_SLOT_CHUNK);
  duk_push_undefined(ctx);
  duk_put_prop_literal(ctx, -3, KEY_SLOT_CHUNK);
  duk_remove(ctx, -2);
  return 1; /* the chunk stays referenced from the stack until popped */
}

static void stream_step(edgefn_runtime *rt, exchange *ex) {
  if (ex->outcome == OUTCOME_FAIL) /* a limit was breached while producing the body */
    stream_fail(rt, ex);
  if (ex->chunk_ready && !ex->stream_ended) {
    ex->chunk_ready = false;
    duk_context *ctx = rt->ctx;
    bool over = false;
    if (duk_safe_call(ctx, take_chunk_safe, ex, 0, 1) == DUK_EXEC_SUCCESS) {
      duk_size_t len = 0;
      const uint8_t *data = duk_get_buffer_data(ctx, -1, &len);
      if (data && len > rt->response_body_limit - ex->streamed) {
        over = true; /* (sandbox limits, issue 7): streamed bodies count too */
      } else if (ex->handler.on_body && data && len) {
        ex->streamed += len;
        ex->in_body = true;
        ex->handler.on_body(ex->user_data, data, len);
        ex->in_body = false;
      }
    }
    if (!rt->ctx)
      return; /* abandoned meanwhile (a request on_body started): the recycle ends ex */
    duk_pop(ctx);
    if (!over) {
      if (!ex->flow.paused && !ex->stream_ended) {
        ex->reading = true;
        stream_run(rt, ex, stream_read_safe);
      }
      return;
    }
    edgefn__rt_error(rt, "response body exceeds the response body limit of %zu bytes",
                     rt->response_body_limit);
    stream_fail(rt, ex);
  }
  if (ex->stream_ended) {
    ex->streaming = false;
    ex->chunk_ready = false;
    ex->handler.on_end(ex->user_data, ex->stream_result);
    ex->answered = true;
    if (ex->wait_count == 0)
      finish_exchange(rt, ex);
  }
}

static void stream_resume_run(edgefn_runtime *rt, void *arg) {
  exchange *ex = arg;
  if (ex->streaming && !ex->flow.paused && !ex->reading && !ex->chunk_ready &&
      !ex->stream_ended) {
    ex->reading = true;
    stream_run(rt, ex, stream_read_safe);
  }
  deliver_ready(rt);
}

static void stream_resume_fired(edgefn__timer *t) {
  exchange *ex = t->data;
  (void)rt_guard(ex->rt, ex->id, stream_resume_run, ex);
}

/* The exchange's edgefn_body_flow: a pause needs nothing beyond the flag (stream_step
 * stops reading); a resume restarts reading from the loop. */
static int exchange_flow_set(edgefn_body_flow *flow, bool paused) {
  exchange *ex = flow->owner;
  if (paused)
    return 0;
  /* From inside on_body nothing more is needed: stream_step reads on when it returns. */
  if (ex->streaming && !ex->in_body && !ex->reading && !ex->chunk_ready && !ex->stream_ended)
    return edgefn__timer_start(ex->rt->loop, &ex->resume, 0);
  return 0;
}

/* ---- finishing exchanges ---- */

static void finish_exchange(edgefn_runtime *rt, exchange *ex) {
  edgefn__timer_stop(rt->loop, &ex->wall);
  edgefn__timer_stop(rt->loop, &ex->resume);
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
   * reused by a later request. free_slots has room: it was sized when the slot was made.
   * An event a script kept gets its Request first (finish_slot_safe). Delivery may have
   * emptied the slot already (extract_safe). */
  if (rt->ctx) { /* (without a heap the slot goes with it) */
    if (!ex->slot_cleared) {
      if (duk_safe_call(rt->ctx, finish_slot_safe, ex, 0, 1) != DUK_EXEC_SUCCESS) {
        duk_dup_top(rt->ctx);
        log_js_error(rt, rt->ctx, "Could not make the request object");
        duk_pop(rt->ctx);
        duk_safe_call(rt->ctx, slot_clear_safe, &ex->slot, 0, 1);
      }
      duk_pop(rt->ctx);
    }
    if (rt->pending == 0)
      edgefn__regexp_trim(rt->ctx);
  }
  rt->free_slots[rt->free_slot_count++] = ex->slot;
  exchange_release(rt, ex);
}

static void send_text(exchange *ex, int status, const char *text) {
  static const char ct[] = "text/plain; charset=utf-8";
  edgefn_header h = {"content-type", 12, ct, sizeof(ct) - 1};
  edgefn_response_head head = {sizeof(head), status, "", &h, 1, (int64_t)strlen(text), NULL,
                               NULL};
  if (ex->handler.on_head)
    ex->handler.on_head(ex->user_data, &head);
  if (ex->handler.on_body && head.content_length > 0)
    ex->handler.on_body(ex->user_data, (const uint8_t *)text, strlen(text));
  ex->handler.on_end(ex->user_data, 0);
}

typedef struct extract_args {
  exchange *ex;
  edgefn__response_parts parts;
  bool extracted;     /* parts holds the whole Response */
  bool body_unusable; /* a stream body already read from or locked */
} extract_args;

/* Reads the exchange's Response into parts, which owns copies of everything. A Response
 * with a body of bytes, of an exchange that ends with its delivery (no waitUntil work) and
 * whose event nothing else holds, needs nothing more from the heap: its slot is emptied
 * here (slot_clear), saving finish_exchange a second protected call. */
static duk_ret_t extract_safe(duk_context *ctx, void *udata) {
  extract_args *a = udata;
  exchange *ex = a->ex;
  duk_push_heapptr(ctx, ex->response);
  edgefn__response_extract(ctx, -1, &a->parts);
  if (a->parts.body_stream) {
    duk_get_prop_literal(ctx, -1, EDGEFN_KEY_BODY);
    a->body_unusable = !edgefn__stream_is_usable(ctx, -1);
    duk_pop(ctx);
  }
  duk_pop(ctx);
  a->extracted = true;
  if (!a->parts.body_stream && ex->wait_count == 0) {
    push_exchanges(ctx);
    duk_get_prop_index(ctx, -1, ex->slot);
    if (edgefn__duk_referenced_elsewhere(ctx, -1, 1)) {
      duk_pop_2(ctx); /* a script kept the event: finish_exchange empties the slot */
    } else {
      /* Nothing can reach the event to start waitUntil work before the end (deliver). */
      ex->response = NULL; /* (borrowed from the event, which lets go of it) */
      slot_empty(ctx, ex->slot, ex);
      ex->slot_cleared = true;
    }
  }
  return 0;
}

static void deliver(edgefn_runtime *rt, exchange *ex) {
  ex->delivering = true;
  switch (ex->outcome) {
  case OUTCOME_RESPONSE: {
    extract_args a = {.ex = ex};
    /* (A failure after the parts were read, in emptying the slot, leaves that to
     * finish_exchange: the response is still delivered.) */
    int rc = duk_safe_call(rt->ctx, extract_safe, &a, 0, 1);
    duk_pop(rt->ctx);
    if (rc != DUK_EXEC_SUCCESS && !a.extracted) {
      edgefn__response_parts_free(&a.parts);
      edgefn__rt_error(rt, "out of memory while reading the response");
      send_text(ex, 500, "edge function response could not be read\n");
      break;
    }
    if (a.body_unusable) { /* Fetch: respondWith of a used body is a network error */
      edgefn__response_parts_free(&a.parts);
      edgefn__rt_error(rt, "the function answered with a Response whose body stream was "
                           "already read from or locked");
      send_text(ex, 500, "edge function response body was already used\n");
      break;
    }
    if (a.parts.body_len > rt->response_body_limit) { /* (sandbox limits, issue 7) */
      edgefn__response_parts_free(&a.parts);
      edgefn__rt_error(rt, "response body exceeds the response body limit of %zu bytes",
                       rt->response_body_limit);
      send_text(ex, 500, "edge function response body exceeds its limit\n");
      break;
    }
    if (a.parts.body_stream && a.parts.stream_length >= 0 &&
        (uint64_t)a.parts.stream_length > rt->response_body_limit) {
      edgefn__response_parts_free(&a.parts);
      edgefn__rt_error(rt, "response body of a FixedLengthStream of %lld bytes exceeds the "
                           "response body limit of %zu bytes",
                       (long long)a.parts.stream_length, rt->response_body_limit);
      send_text(ex, 500, "edge function response body exceeds its limit\n");
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
                                 a.parts.body_stream ? a.parts.stream_length
                                                     : (int64_t)a.parts.body_len,
                                 a.parts.body_stream ? &ex->flow : NULL,
                                 NULL};
    if (a.parts.body_stream) {
      if (ex->handler.on_head)
        ex->handler.on_head(ex->user_data, &head);
      edgefn__response_parts_free(&a.parts);
      stream_start(rt, ex);
      return; /* on_end comes when the stream ends (deliver_ready) */
    }
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
  /* A host callback may dispatch new requests: rescan from the head after each step. A
   * heap abandoned meanwhile delivers nothing more: the recycle answers what is left. */
  while (rt->ctx) {
    exchange *next = NULL;
    for (exchange *ex = rt->exchanges; ex; ex = ex->next)
      if ((ex->answered && ex->wait_count == 0) ||
          (ex->outcome != OUTCOME_NONE && !ex->delivering && !ex->dispatching) ||
          (ex->streaming && !ex->in_body &&
           (ex->chunk_ready || ex->stream_ended || ex->outcome == OUTCOME_FAIL)))
        next = ex;
    if (!next)
      return;
    if (next->streaming)
      stream_step(rt, next);
    else if (next->answered)
      finish_exchange(rt, next); /* its waitUntil work is done */
    else
      deliver(rt, next);
  }
}

static void wall_timeout_run(edgefn_runtime *rt, void *arg) {
  exchange *ex = arg;
  if (ex->answered) {
    edgefn__rt_error(rt, "waitUntil work cancelled at the wall time limit of %u ms",
                     rt->wall_limit_ms);
    finish_exchange(rt, ex);
    return;
  }
  edgefn__rt_error(rt, "request exceeded its wall time limit of %u ms", rt->wall_limit_ms);
  if (ex->streaming) { /* the head is out: cut the body short */
    stream_fail(rt, ex);
    deliver_ready(rt);
    return;
  }
  set_outcome(ex, OUTCOME_FAIL, 504, "edge function did not respond in time\n");
  deliver_ready(rt);
}

static void wall_timeout(edgefn__timer *t) {
  exchange *ex = t->data;
  /* Without a heap (abandoned, its recycle due) nothing runs: the recycle answers ex. */
  (void)rt_guard(ex->rt, ex->id, wall_timeout_run, ex);
}

/* ---- dispatch ---- */

struct dispatch_args {
  const edgefn_request *req; /* NULL: the event waits in the slot (a queued request) */
  uint32_t id;
  uint32_t slot;
  bool prepare_only; /* make the event and park it in the slot: the module still awaits */
};

typedef struct dispatch_args dispatch_args;
static void fire_event(edgefn_runtime *rt, dispatch_args *a);

static duk_ret_t dispatch_safe(duk_context *ctx, void *udata) {
  dispatch_args *a = udata;
  /* duk_safe_call keeps the caller's stack frame: index from the entry top. */
  edgefn_runtime *rt = rt_of(ctx);
  duk_idx_t listeners = duk_get_top(ctx), event = listeners + 1, copy = listeners + 2;
  duk_size_t n = 1;
  if (rt->fetch_listener) { /* the one listener: no array to read */
    duk_push_heapptr(ctx, rt->fetch_listener);
  } else {
    push_stash_object(ctx, rt->listeners, STASH_LISTENERS);
    duk_get_prop_literal(ctx, -1, "fetch");
    duk_remove(ctx, -2);
    n = duk_is_array(ctx, listeners) ? duk_get_length(ctx, listeners) : 0;
    if (n == 1) { /* the listener takes the array's place */
      duk_get_prop_index(ctx, listeners, 0);
      duk_replace(ctx, listeners);
      rt->fetch_listener = duk_get_heapptr(ctx, listeners);
    }
  }
  if (!a->req) { /* the event made when the request arrived */
    if (n == 0)
      return 0;
    push_slot(ctx, a->slot); /* the event, at index event */
    duk_set_top(ctx, event + 1);
    goto fire;
  }
  if (n == 0 && !a->prepare_only)
    return 0;
  /* The slot holds the event of its last request when slot_clear could keep it (nothing
   * else held it; it was emptied down to its exchange id), or nothing. */
  push_slot(ctx, a->slot);
  if (duk_is_object(ctx, event)) {
    duk_push_uint(ctx, a->id);
    EDGEFN_PUT_OWN_LITERAL(ctx, event, KEY_EXCHANGE_ID);
  } else {
    duk_pop(ctx);
    duk_push_object(ctx);
    edgefn__duk_reserve_props(ctx, event, 4); /* exchange id, request (twice), Response */
    push_stash_object(ctx, rt_of(ctx)->event_proto, STASH_EVENT_PROTO);
    duk_set_prototype(ctx, event);
    /* New objects of the library's own: defined, not put (no prototype walk; see
     * duk_extras.h). The prototype defines neither key. */
    duk_push_uint(ctx, a->id);
    EDGEFN_PUT_OWN_LITERAL(ctx, event, KEY_EXCHANGE_ID);
    push_exchanges(ctx);
    duk_dup(ctx, event);
    duk_put_prop_index(ctx, -2, a->slot);
    duk_pop(ctx);
  }
  exchange *ex = find_exchange(rt_of(ctx), a->id);
  if (ex) /* event.request makes the Request when first read */
    ex->lazy_req = a->req;
  if (a->prepare_only)
    return 0;
fire:
  if (n == 1) { /* the usual case: one listener (at index listeners), no copy needed */
    duk_dup(ctx, listeners);
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

static void dispatch_run(edgefn_runtime *rt, void *arg);
static void prepare_run(edgefn_runtime *rt, void *arg);

/* The end of a dispatch (under rt_guard): an exchange still in flight gets its Request
 * before the host's struct goes away, or fails if it cannot. */
static void request_settle_or_fail(edgefn_runtime *rt, uint32_t id) {
  exchange *ex = find_exchange(rt, id);
  if (!ex || request_settle(rt, ex))
    return;
  set_outcome(ex, OUTCOME_FAIL, 500, "edge function could not read its request\n");
  deliver_ready(rt);
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
  /* (recycling, issue 7) A heap waiting to be replaced is replaced before it serves another
   * request, unless JavaScript or a delivery is on the stack (then the loop does it). */
  if (rt->recycle_reason && rt->entry_depth == 0) {
    edgefn__defer_cancel(rt->loop, &rt->recycle_defer);
    recycle_now(&rt->recycle_defer);
  }
  if (rt->broken) {
    exchange tmp = {.rt = rt, .handler = *handler, .user_data = user_data};
    send_text(&tmp, 503, "edge function is unavailable\n");
    return 0;
  }
  exchange *ex = exchange_alloc(rt);
  if (!ex)
    return EDGEFN_ENOMEM;
  ex->rt = rt;
  ex->id = rt->next_exchange_id++;
  if (rt->next_exchange_id == 0)
    rt->next_exchange_id = 1;
  ex->handler = *handler;
  ex->user_data = user_data;
  edgefn__timer_init(&ex->wall, wall_timeout, ex);
  edgefn__timer_init(&ex->resume, stream_resume_fired, ex);
  ex->flow.owner = ex;
  ex->flow.set = exchange_flow_set;
  if (slot_alloc(rt, &ex->slot) != 0) {
    exchange_release(rt, ex);
    return EDGEFN_ENOMEM;
  }
  uint64_t now = edgefn__now_ns();
  if (edgefn__timer_start_at(rt->loop, &ex->wall, now, rt->wall_limit_ms) != 0) {
    rt->free_slots[rt->free_slot_count++] = ex->slot;
    exchange_release(rt, ex);
    return EDGEFN_ENOMEM;
  }
  ex->next = rt->exchanges;
  if (ex->next)
    ex->next->prev = ex;
  rt->exchanges = ex;
  rt->pending++;

  uint32_t id = ex->id;
  dispatch_args a = {req, id, ex->slot, false};
  if (rt->init_state == EDGEFN__INIT_FAILED) {
    set_outcome(ex, OUTCOME_FAIL, 500, "edge function failed to initialise\n");
    rt->entry_depth++;
    deliver_ready(rt);
    rt->entry_depth--;
    return 0;
  }
  if (rt->init_state == EDGEFN__INIT_PENDING) {
    /* The module still awaits at its top level: the request is made into its event now
     * (the host's struct lives only for this call) and waits (init_done). */
    a.prepare_only = true;
    ex->queued = true;
    (void)rt_guard(rt, id, prepare_run, &a);
  } else {
    /* Without a heap (abandoned from inside a host callback, its recycle due) the request
     * waits for the recycle, which answers it. */
    rt->entry_now_ns = now; /* one clock reading for the timer and the CPU accounting */
    (void)rt_guard(rt, id, dispatch_run, &a);
    rt->entry_now_ns = 0;
  }
  exchange *left = find_exchange(rt, id);
  if (left) /* (a heap abandoned meanwhile made no Request: the recycle answers it) */
    left->lazy_req = NULL;
  /* A fatal error with no other entry of this runtime on the stack: replace the heap now,
   * which answers the request that failed (and the others in flight). */
  if (!rt->ctx && rt->recycle_reason && rt->entry_depth == 0) {
    edgefn__defer_cancel(rt->loop, &rt->recycle_defer);
    recycle_now(&rt->recycle_defer);
  }
  return 0;
}

static void prepare_run(edgefn_runtime *rt, void *arg) {
  dispatch_args *a = arg;
  uint32_t id = a->id;
  int rc = run_js(rt, id, 0, dispatch_safe, a, 0, 1);
  exchange *ex = find_exchange(rt, id);
  if (ex && rc != DUK_EXEC_SUCCESS && rt->breach == 0) {
    duk_dup_top(rt->ctx);
    log_js_error(rt, rt->ctx, "Uncaught exception in the fetch handler");
    set_outcome(ex, OUTCOME_FAIL, 500, "edge function threw an exception\n");
  }
  duk_pop(rt->ctx);
  deliver_ready(rt);
  request_settle_or_fail(rt, id);
}

static void dispatch_run(edgefn_runtime *rt, void *arg) { fire_event(rt, arg); }

/* Runs the fetch listeners for a request (its event made now from a->req, or parked in its
 * slot while the module awaited) and settles what they did not. Under rt_guard. */
static void fire_event(edgefn_runtime *rt, dispatch_args *a) {
  uint32_t id = a->id;
  exchange *ex = find_exchange(rt, id);
  if (!ex)
    return;
  ex->dispatching = true;
  int rc = run_js(rt, id, 0, dispatch_safe, a, 0, 1);
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
    } else if (!ex->responded && rt->breach == 0) {
      set_outcome(ex, OUTCOME_PASS, 0, NULL);
    }
  }
  pop_result(rt);
  deliver_ready(rt);
  request_settle_or_fail(rt, id);
}

/* The module's top-level await settled (or failed): the requests that waited go on, in the
 * order they came, from the loop (never with JavaScript on the stack). */
static void init_done(edgefn__defer *d) {
  edgefn_runtime *rt = d->data;
  if (rt->freeing || !rt->ctx)
    return;
  for (;;) {
    exchange *first = NULL; /* the oldest still waiting: the list is newest first */
    for (exchange *ex = rt->exchanges; ex; ex = ex->next)
      if (ex->queued)
        first = ex;
    if (!first)
      break;
    first->queued = false;
    if (first->outcome != OUTCOME_NONE) /* its wall time ran out meanwhile */
      continue;
    if (rt->init_state != EDGEFN__INIT_READY) {
      set_outcome(first, OUTCOME_FAIL, 500, "edge function failed to initialise\n");
      rt->entry_depth++;
      deliver_ready(rt);
      rt->entry_depth--;
      continue;
    }
    dispatch_args a = {NULL, first->id, first->slot, false};
    (void)rt_guard(rt, a.id, dispatch_run, &a);
    if (!rt->ctx) /* abandoned: its recycle answers the rest */
      break;
  }
}

int edgefn_runtime_status(const edgefn_runtime *rt) {
  if (!rt)
    return EDGEFN_EINVAL;
  if (rt->broken)
    return EDGEFN_ESTATE;
  switch (rt->init_state) {
  case EDGEFN__INIT_READY:
    return 0;
  case EDGEFN__INIT_FAILED:
    return rt->init_code ? rt->init_code : EDGEFN_ESCRIPT;
  default:
    return EDGEFN_EAGAIN;
  }
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

typedef struct invoke_args {
  uint32_t exchange_id;
  duk_safe_call_function fn;
  void *udata;
  const char *what; /* "a timer callback" for call_stashed: udata is the stash key */
} invoke_args;

static void invoke_run(edgefn_runtime *rt, void *arg) {
  invoke_args *a = arg;
  int rc = run_js(rt, a->exchange_id, rt->cpu_limit_ns, a->fn, a->udata, 0, 1);
  if (rc != DUK_EXEC_SUCCESS && rt->breach == 0) {
    char label[64];
    snprintf(label, sizeof(label), "Uncaught exception in %s", a->what);
    duk_dup_top(rt->ctx);
    log_js_error(rt, rt->ctx, label);
  }
  pop_result(rt);
  deliver_ready(rt);
}

/* An entry from the loop (a timer, a completion): after a fatal error its caller finds
 * rt->ctx NULL and what it holds still allocated; the deferred recycle releases it. */
void edgefn__rt_invoke(edgefn_runtime *rt, uint32_t exchange_id, duk_safe_call_function fn,
                       void *udata, const char *what) {
  if (exchange_id && !find_exchange(rt, exchange_id))
    exchange_id = 0;
  invoke_args a = {exchange_id, fn, udata, what};
  (void)rt_guard(rt, exchange_id, invoke_run, &a);
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
  edgefn__rt_invoke(rt, exchange_id, call_stashed_safe, (void *)key, "a timer callback");
}

/* ---- sandbox limits and recycling (issue 7) ---- */

/* Replaces the heap: the requests in flight on the old one end with 503 (answered ones just
 * end), everything attached to the heap (timers, subrequests, Cache API calls) is released,
 * and a new heap runs the script's top level again. The host's handle stays the same. Runs
 * from the loop (a deferred callback) or from dispatch, never with JavaScript on the stack. */
static void recycle_now(edgefn__defer *d) {
  edgefn_runtime *rt = d->data;
  if (!rt->recycle_reason || rt->freeing)
    return;
  edgefn__rt_error(rt, "recycling the runtime: %s", rt->recycle_reason);
  exchange *old = rt->exchanges;
  rt->exchanges = NULL;
  for (exchange *ex = old; ex; ex = ex->next) {
    edgefn__timer_stop(rt->loop, &ex->wall);
    ex->delivering = true;
  }
  heap_release(rt);
  rt->slot_count = 0;
  rt->free_slot_count = 0;
  rt->recycle_reason = NULL;
  rt->recycles++;
  rt->ctl.mem_exceeded = false;
  rt->ctl.cpu_exceeded = false;
  rt->ctl.over_limit = false;
  if (!rt->broken) { /* (broken: the process leaked too much to fatal errors already) */
    edgefn_error_info err = EDGEFN_ERROR_INFO_INIT;
    int code = heap_start(rt, &err);
    if (code) {
      edgefn__rt_error(rt, "the recycled runtime could not start (%s): %s",
                       edgefn_strerror(code), err.message);
      heap_release(rt);
      rt->broken = true;
    }
  }
  /* Only now the host hears of the old requests: its callbacks may dispatch again, onto the
   * new heap. */
  rt->entry_depth++;
  while (old) {
    exchange *ex = old;
    old = ex->next;
    rt->pending--;
    if (ex->streaming) /* its head is out: the body is cut short */
      ex->handler.on_end(ex->user_data, EDGEFN_EABORTED);
    else if (ex->answered)
      ;
    else if (ex->fatal)
      send_text(ex, 500, "edge function crashed the JavaScript engine\n");
    else
      send_text(ex, 503, "edge function runtime was reset\n");
    exchange_release(rt, ex);
  }
  rt->entry_depth--;
}

/* The exchange whose incoming body is the buffer at idx, if any. */
static exchange *exchange_of_body(edgefn_runtime *rt, duk_context *ctx, duk_idx_t idx) {
  void *p = duk_get_heapptr(ctx, idx);
  if (!p)
    return NULL;
  for (exchange *ex = rt->exchanges; ex; ex = ex->next)
    if (ex->body_ptr == p)
      return ex;
  return NULL;
}

void edgefn__rt_check_body_read(duk_context *ctx, duk_idx_t idx) {
  edgefn_runtime *rt = edgefn__rt_from_ctx(ctx);
  if (!rt || !duk_is_buffer_data(ctx, idx))
    return;
  duk_size_t len = 0;
  (void)duk_get_buffer_data(ctx, idx, &len);
  if (len <= rt->request_body_limit)
    return;
  exchange *ex = exchange_of_body(rt, ctx, idx);
  if (!ex)
    return;
  edgefn__rt_error(rt, "request body of %zu bytes exceeds the request body limit of %zu bytes",
                   (size_t)len, rt->request_body_limit);
  if (!ex->answered && !ex->delivering) {
    ex->outcome = OUTCOME_NONE;
    set_outcome(ex, OUTCOME_FAIL, 413, "request body exceeds the edge function's limit\n");
  }
  (void)duk_error(ctx, DUK_ERR_TYPE_ERROR, "request body exceeds the limit of %zu bytes",
                  rt->request_body_limit);
}

bool edgefn__rt_console_allow(duk_context *ctx) {
  edgefn_runtime *rt = edgefn__rt_from_ctx(ctx);
  exchange *ex = rt ? find_exchange(rt, rt->current_exchange) : NULL;
  if (!ex)
    return true; /* the top level and work of no request: bounded by their CPU budget */
  if (ex->console_calls < rt->console_limit) {
    ex->console_calls++;
    return true;
  }
  if (ex->console_calls++ == rt->console_limit)
    edgefn__rt_error(rt, "request reached its console call limit of %u; further output dropped",
                     rt->console_limit);
  return false;
}

/* ---- the rest of the public surface ---- */

static void end_exchanges_run(edgefn_runtime *rt, void *arg) {
  (void)arg;
  while (rt->exchanges) {
    exchange *ex = rt->exchanges;
    ex->delivering = true;
    if (!ex->answered) {
      ex->answered = true;
      ex->handler.on_end(ex->user_data, EDGEFN_ECANCELED);
    }
    finish_exchange(rt, ex);
  }
}

void edgefn_runtime_free(edgefn_runtime *rt) {
  if (!rt)
    return;
  rt->freeing = true;
  /* Ending an exchange clears its slot in the heap: guarded; without a heap (or after a
   * failure on the way) the rest end with no Duktape call. */
  if (!rt_guard(rt, 0, end_exchanges_run, NULL))
    end_exchanges_run(rt, NULL);
  edgefn__defer_cancel(rt->loop, &rt->recycle_defer);
  heap_release(rt);
  edgefn__kv_env_free(rt); /* KV (issue 9) */
  edgefn__spare_free(&rt->spare_exchange, sizeof(exchange));
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

uint64_t edgefn_runtime_recycles(const edgefn_runtime *rt) { return rt ? rt->recycles : 0; }

uint64_t edgefn_runtime_fatal_errors(const edgefn_runtime *rt) {
  return rt ? rt->fatal_errors : 0;
}

size_t edgefn_runtime_leaked_bytes(const edgefn_runtime *rt) {
  return rt ? rt->leaked_bytes : 0;
}

uint64_t edgefn_runtime_cpu_ns(const edgefn_runtime *rt) { return rt ? rt->cpu_total_ns : 0; }

const char *edgefn_runtime_last_error(const edgefn_runtime *rt) {
  return rt ? rt->last_error : "";
}

void *edgefn_runtime_user_data(const edgefn_runtime *rt) { return rt ? rt->user_data : NULL; }

void edgefn_runtime_set_user_data(edgefn_runtime *rt, void *user_data) {
  if (rt)
    rt->user_data = user_data;
}
