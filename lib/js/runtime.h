/* The runtime's internals that the Web API files of the js part use. */
#ifndef EDGEFN_RUNTIME_INTERNAL_H
#define EDGEFN_RUNTIME_INTERNAL_H

#include "js/js.h"
#include "loop/loop.h"

typedef struct edgefn__js_timer edgefn__js_timer;
typedef struct edgefn__subrequest edgefn__subrequest;
typedef struct edgefn__keygen edgefn__keygen;

struct edgefn_runtime {
  edgefn__heap_ctl ctl; /* first: the heap's allocator udata is the runtime itself */
  duk_context *ctx;
  edgefn_loop *loop;
  edgefn_script *script;
  char *name;
  uint64_t cpu_limit_ns;
  uint64_t created_ns; /* monotonic clock at creation: performance.timeOrigin */
  uint32_t wall_limit_ms;
  void *user_data;
  struct edgefn__exchange *exchanges; /* requests in flight, newest first */
  size_t pending;
  uint32_t next_exchange_id;
  /* The block of the last exchange that ended, kept for the next request (one malloc and
   * free less per request); poisoned under AddressSanitizer while it waits. */
  void *spare_exchange;
  uint32_t *free_slots; /* recycled stash slots; capacity >= slot_count */
  size_t free_slot_count, free_slot_cap;
  uint32_t slot_count;
  /* The heap's stash.exchanges, stash.listeners and the FetchEvent prototype, kept by
   * install_safe (the stash keeps them alive) and cleared with the heap. */
  void *exchanges_array, *listeners, *event_proto;
  /* The fetch listener when exactly one is registered, borrowed from its listener array
   * (which keeps it alive): dispatch_safe fills it, add/removeEventListener and the heap's
   * end clear it. NULL: look in the array. */
  void *fetch_listener;
  uint32_t current_exchange; /* the request whose JavaScript is running; 0 = none */
  /* A clock reading edgefn_runtime_dispatch took (for the request's wall timer) that its
   * first entry starts its CPU accounting from (account_begin); 0 otherwise. */
  uint64_t entry_now_ns;
  const edgefn_fetch_ops *fetch_ops; /* NULL: fetch() is unavailable */
  void *fetch_backend;
  uint32_t subrequest_limit;
  edgefn__subrequest *subrequests; /* fetch() calls in flight or settling */
  uint32_t next_subrequest_id;
  edgefn_cache *cache; /* NULL: `caches` is unavailable */
  struct edgefn__cache_op *cache_ops; /* Cache API calls waiting for the cache */
  uint32_t next_cache_op_id;
  edgefn__keygen *keygens; /* RSA key generations on worker threads (subtle.c) */
  size_t keygen_count;
  uint32_t next_keygen_id;
  edgefn__js_timer *timers;
  size_t timer_count;
  uint32_t next_timer_id;
  struct edgefn__kv_env *kv_env; /* KV bindings and env values (lib/js/kv-api.c); NULL =
                                    none */
  bool freeing;
  int breach; /* EDGEFN_ECPU_LIMIT / EDGEFN_EMEMORY_LIMIT if the last entry into JS hit one */
  char last_error[512];
  /* ---- sandbox limits and recycling (issue 7) ---- */
  size_t request_body_limit;
  size_t response_body_limit;
  uint32_t timer_limit;
  uint32_t console_limit;
  uint32_t flags; /* EDGEFN_RUNTIME_ALLOW_* */
  uint64_t untagged_budget_ns; /* CPU for microtasks of no live request, per entry */
  uint64_t untagged_used_ns;
  uint64_t recycles;
  const char *recycle_reason; /* non-NULL: the heap is to be replaced (recycle_defer) */
  edgefn__defer recycle_defer;
  bool broken; /* a recycle could not make a new heap: every request gets 503 */
  uint32_t entry_depth; /* public entries (dispatch, timers, ...) on the C stack */
  /* ---- fatal engine errors (issue 7; lib/js/runtime.c, "fatal errors") ---- */
  uint32_t js_depth;     /* run_js calls on the C stack: JavaScript of this heap runs */
  bool starting;         /* heap_start is running the top level */
  uint32_t error_tag;    /* the request of the entry run_js last ran: pays for describing
                            what it threw */
  uint64_t cpu_total_ns;  /* every entry's charged time, tagged or not (edgefn_runtime_cpu_ns) */
  uint64_t fatal_errors; /* heaps abandoned after a fatal Duktape error */
  size_t leaked_bytes;   /* what those heaps held when abandoned */
  /* ---- a module's asynchronous evaluation: top-level await (issue 3) ---- */
  int init_state; /* EDGEFN__INIT_*: requests dispatched while PENDING wait (queued) */
  int init_code;  /* the EDGEFN_E* code that failed it (FAILED) */
  int init_line;  /* and the line of the error, for edgefn_runtime_new's error info */
  char init_file[128];
  edgefn__timer init_timer; /* EDGEFN_DEFAULT_INIT_WALL_LIMIT_MS */
  edgefn__defer init_defer; /* starts (or fails) the waiting requests, from the loop */
};

enum { EDGEFN__INIT_RUNNING = 0, EDGEFN__INIT_PENDING, EDGEFN__INIT_READY, EDGEFN__INIT_FAILED };


/* Calls the function stored in the stash under `key` (with no arguments) on behalf of the
 * request `exchange_id` (0 = none), charging its CPU to that request, then drains
 * microtasks and delivers responses that became ready. */
EDGEFN_INTERNAL void edgefn__rt_call_stashed(edgefn_runtime *rt, uint32_t exchange_id,
                                             const char *key);

/* Runs fn in a protected call on behalf of request `exchange_id` (0 = none), charging its
 * CPU to that request, then drains microtasks and delivers responses that became ready.
 * An uncaught error is logged as "Uncaught exception in <what>". */
EDGEFN_INTERNAL void edgefn__rt_invoke(edgefn_runtime *rt, uint32_t exchange_id,
                                       duk_safe_call_function fn, void *udata, const char *what);

/* Counts a subrequest against the current request's limit: 0, or
 * EDGEFN_ESUBREQUEST_LIMIT. */
EDGEFN_INTERNAL int edgefn__rt_subrequest_begin(edgefn_runtime *rt);

/* fetch() (lib/js/subrequest.c): cancels the subrequests a request made (it ended), or all
 * of them (the runtime is being freed). */
EDGEFN_INTERNAL void edgefn__subrequests_cancel_for(edgefn_runtime *rt, uint32_t exchange_id);
EDGEFN_INTERNAL void edgefn__subrequests_free_all(edgefn_runtime *rt);

/* The Cache API (lib/js/cache-api.c): ends every call still waiting (the runtime is being
 * freed); a backend that still holds one frees it when it answers. */
EDGEFN_INTERNAL void edgefn__cache_api_free_all(edgefn_runtime *rt);

/* Web Crypto (lib/js/subtle.c): abandons key generations still running (the runtime is
 * being freed); their worker threads free them when done. */
EDGEFN_INTERNAL void edgefn__subtle_free_all(edgefn_runtime *rt);
/* KV bindings and env values (lib/js/kv-api.c): copies them from the options (0, or
 * EDGEFN_EINVAL / EDGEFN_ENOMEM), and frees them with the KV calls still waiting (a backend
 * that still holds one frees it when it answers). */
EDGEFN_INTERNAL int edgefn__kv_env_new(edgefn_runtime *rt, const edgefn_runtime_options *opts);
EDGEFN_INTERNAL void edgefn__kv_env_free(edgefn_runtime *rt);
/* Ends the KV calls still waiting (the heap is going: freed or recycled); the bindings stay. */
EDGEFN_INTERNAL void edgefn__kv_ops_free_all(edgefn_runtime *rt);
/* Whether KV calls are waiting for a backend or their settle. */
EDGEFN_INTERNAL bool edgefn__kv_ops_pending(const edgefn_runtime *rt);

/* Deletes the global stash's property `key` (a callback parked for a later entry). Safe
 * from anywhere on the loop's thread, in JavaScript or not; does nothing once the heap is
 * gone (abandoned after a fatal error). */
EDGEFN_INTERNAL void edgefn__rt_stash_delete(edgefn_runtime *rt, const char *key);

/* Records a message as the runtime's last error and logs it. */
EDGEFN_INTERNAL void edgefn__rt_error(edgefn_runtime *rt, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

#endif
