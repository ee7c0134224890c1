/*
 * edgefn_runtime — one sandbox: a Duktape heap running one script on one loop.
 *
 * A runtime runs the script's top level once when created; the script registers its fetch
 * handler with addEventListener('fetch', fn). Each edgefn_runtime_dispatch() then creates a
 * FetchEvent and calls the handler; the response the handler gives to
 * event.respondWith() (a Response, or a promise or thenable of one) streams back through
 * the host's edgefn_response_handler. Many requests may be in flight on one runtime.
 *
 * Limits (include/edgefn/limits.h, docs/limits.md), each configurable per runtime:
 *   - CPU time per request (timers and microtasks it scheduled included): a breach ends that
 *     request with 503; other requests in flight on the runtime go on. It is checked between
 *     bytecode instructions, and right after a built-in call that allocated or walked a large
 *     input: one call runs to its end, so a breach can overshoot by the longest single
 *     built-in call (its input is bounded by the memory limit).
 *   - memory of the heap: allocations beyond it fail inside the script with a RangeError;
 *     a request that fails because of it ends with 503 and the runtime is recycled (below).
 *   - wall time per request (504), subrequests per request, the request body read whole by
 *     text()/json()/... (413), the response body (500), pending timers (RangeError),
 *     console calls per request (dropped), call depth (RangeError), and eval/new Function
 *     (EvalError unless EDGEFN_RUNTIME_ALLOW_EVAL).
 * Each breach is logged through the runtime's log callback, naming the limit and the
 * function (options.name), and kept as edgefn_runtime_last_error().
 *
 * Recycling: when the heap may be in a bad state (memory exhausted inside Duktape), the
 * runtime discards its heap once no JavaScript is running and makes a new one from the same
 * compiled script (running its top level again). The edgefn_runtime handle stays valid;
 * requests in flight on the old heap end with 503, later ones are served by the new heap.
 * edgefn_runtime_recycles() counts these.
 *
 * Fatal engine errors: a Duktape error with no catcher or an internal assertion failure
 * (Duktape's "fatal error") does not stop the process. The heap it happened in is abandoned
 * at once: never used again and deliberately never freed (its state is unknown), so its
 * memory stays allocated for the life of the process (edgefn_runtime_leaked_bytes()). The
 * request whose JavaScript was running ends with 500, the others in flight on the runtime
 * with 503 (a body already streaming ends with EDGEFN_EABORTED), the host log names the
 * function and the engine's message, and the runtime is recycled as above. Once the heaps
 * the process abandoned hold more than EDGEFN_MAX_LEAKED_HEAP_BYTES, a runtime that loses
 * its heap this way is not restarted: it answers 503 until freed. edgefn_runtime_new()
 * returns EDGEFN_EENGINE when the failure happens while it runs the top level.
 *
 * Threads: a runtime is used only on the thread that runs its loop.
 */
#ifndef EDGEFN_RUNTIME_H
#define EDGEFN_RUNTIME_H

#include <edgefn/backend.h>
#include <edgefn/common.h>
#include <edgefn/kv.h>
#include <edgefn/limits.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct edgefn_runtime_options {
  uint32_t struct_size;
  const char *name;       /* NUL-terminated function name for logs (copied); NULL = "" */
  size_t memory_limit;    /* bytes; 0 = EDGEFN_DEFAULT_MEMORY_LIMIT (the heap's live blocks;
                             up to ~40 KB of freed small blocks kept for reuse are extra) */
  uint32_t cpu_limit_ms;  /* per request; 0 = EDGEFN_DEFAULT_CPU_LIMIT_MS */
  uint32_t wall_limit_ms; /* per request, from dispatch until its response and its
                             waitUntil work are done; 0 = default */
  edgefn_log_fn log;      /* NULL: messages go to stderr */
  void *log_user_data;
  void *user_data; /* returned by edgefn_runtime_user_data() */
  /* Added in 0.1 after the first layout; read only when struct_size covers them. */
  const edgefn_fetch_ops *fetch_ops; /* backend for the script's fetch(); NULL: fetch()
                                        rejects with a TypeError */
  void *fetch_backend;               /* passed to fetch_ops; not owned by the runtime */
  uint32_t subrequest_limit;         /* fetch() calls per request; 0 = default */
  /* Added in 0.1 after fetch_ops; read only when struct_size covers it. */
  edgefn_cache *cache; /* backs the script's `caches` (the runtime takes a reference);
                          NULL: `caches` rejects with a TypeError */
  /* Added in 0.1 after cache (KV, issue 9); read only when struct_size covers them. Each
   * binding and value becomes a global of that name and a property of the `env` object
   * that module-syntax handlers receive (docs/javascript.md). Copied: the runtime takes a
   * reference to each binding's store. A name given twice: the later entry wins. */
  const edgefn_kv_binding *kv_bindings;
  size_t kv_binding_count;
  const edgefn_env_var *env_vars; /* string values */
  size_t env_var_count;
  /* Added in 0.1 after env_var_count (the sandbox limits, docs/limits.md); read only when
   * struct_size covers them. 0 always means the default from limits.h. */
  size_t request_body_limit;  /* bytes text()/json()/arrayBuffer()/... read whole from the
                                 incoming request; over it: 413 */
  size_t response_body_limit; /* bytes of the function's response body; over it: 500 */
  uint32_t timer_limit;       /* timers pending at once in the runtime */
  uint32_t console_limit;     /* console.* calls per request; later ones are dropped */
  uint32_t call_depth_limit;  /* nested ECMAScript calls; deeper ones throw RangeError */
  uint32_t flags;             /* EDGEFN_RUNTIME_ALLOW_* bits */
} edgefn_runtime_options;
#define EDGEFN_RUNTIME_OPTIONS_INIT                                                       \
  {sizeof(edgefn_runtime_options), NULL, 0, 0, 0, NULL, NULL, NULL, NULL, NULL, 0, NULL, \
   NULL, 0, NULL, 0, 0, 0, 0, 0, 0, 0}

/* edgefn_runtime_options.flags. Without EDGEFN_RUNTIME_ALLOW_EVAL, code cannot be made from
 * strings at run time: eval (direct or indirect), Function and new Function (however the
 * constructor is reached, e.g. (function(){}).constructor) throw EvalError "Code generation
 * from strings disallowed for this context", as in Cloudflare Workers. */
#define EDGEFN_RUNTIME_ALLOW_EVAL 0x1u

/* Creates a runtime for `script` on `loop` and runs the script's top level (under the
 * init CPU limit). The runtime holds its own reference to the script. On success *out owns
 * the runtime, freed with edgefn_runtime_free(). Errors: EDGEFN_EINVAL, EDGEFN_EVERSION,
 * EDGEFN_ENOMEM, EDGEFN_ESCRIPT (the top level threw; detail in *err and the log),
 * EDGEFN_ECPU_LIMIT, EDGEFN_EMEMORY_LIMIT, EDGEFN_EENGINE (a fatal engine error while the
 * top level ran; see "Fatal engine errors" above). err may be NULL. Loop thread only. */
EDGEFN_API int edgefn_runtime_new(edgefn_runtime **out, edgefn_loop *loop,
                                  const edgefn_script *script,
                                  const edgefn_runtime_options *opts, edgefn_error_info *err);

/* Frees a runtime. Requests still in flight end first, each handler receiving on_end with
 * EDGEFN_ECANCELED. NULL is a no-op. Never call it from inside a response callback. */
EDGEFN_API void edgefn_runtime_free(edgefn_runtime *rt);

/* Runs the script's fetch handler for `req`. The library is done with `req` and everything
 * it points to when the call returns (the script's Request object is made from it on its
 * first read, or before the call returns when the script may still read it). The response arrives through `handler` (copied) with `user_data`; see
 * edgefn_response_handler for the order and meaning of the callbacks. When this returns an
 * error no callback is ever called. Errors: EDGEFN_EINVAL (NULL argument, missing URL or a
 * handler without on_end), EDGEFN_EVERSION, EDGEFN_ENOMEM, EDGEFN_ESTATE (runtime is being
 * freed). Loop thread only. */
EDGEFN_API int edgefn_runtime_dispatch(edgefn_runtime *rt, const edgefn_request *req,
                                       const edgefn_response_handler *handler,
                                       void *user_data);

/* Flow control for a streamed response body (edgefn_response_head.flow), loop thread only.
 *
 * edgefn_body_flow_pause: no further on_body call comes until edgefn_body_flow_resume();
 * call it from inside on_body (the chunk being delivered is the last one) or at any time
 * between on_head and on_end. While paused the runtime does not read the script's stream,
 * so what the sandbox holds is bounded by the stream's high-water mark, and the stream's
 * source sees backpressure (desiredSize <= 0, pull() not called). on_end may still come
 * while paused when the stream errors or a limit ends the request (EDGEFN_EABORTED).
 *
 * edgefn_body_flow_resume: delivery restarts from the loop (never from inside this call,
 * so it may be called from a callback). Returns 0, or EDGEFN_EINVAL for NULL.
 *
 * Time spent paused counts against the request's wall-time limit, not its CPU limit; the
 * script's JavaScript run to produce chunks is charged to the request. NULL is a no-op for
 * pause. Neither may be called after on_end. */
EDGEFN_API void edgefn_body_flow_pause(edgefn_body_flow *flow);
EDGEFN_API int edgefn_body_flow_resume(edgefn_body_flow *flow);

/* Requests dispatched and not finished: still producing their response, or answered but
 * still running work passed to event.waitUntil(). */
EDGEFN_API size_t edgefn_runtime_pending(const edgefn_runtime *rt);

/* Whether the runtime serves requests yet. A module that awaits at its top level
 * (top-level await) finishes evaluating after edgefn_runtime_new returned: requests
 * dispatched meanwhile wait for it (their wall-time limit runs) and are then run in the
 * order they came, or answered 500 when it fails. Returns 0 when the script's top level has
 * finished, EDGEFN_EAGAIN while it still awaits, the EDGEFN_E* code that failed it
 * (EDGEFN_ESCRIPT: its top-level await rejected, logged with the error; EDGEFN_EWALL_LIMIT:
 * it did not settle within EDGEFN_DEFAULT_INIT_WALL_LIMIT_MS; EDGEFN_ECPU_LIMIT,
 * EDGEFN_EMEMORY_LIMIT: a limit stopped it), EDGEFN_ESTATE when a recycle
 * could not make a new heap, EDGEFN_EINVAL for NULL. Loop thread only. */
EDGEFN_API int edgefn_runtime_status(const edgefn_runtime *rt);

/* Bytes the runtime's JavaScript heap holds now. */
EDGEFN_API size_t edgefn_runtime_memory_used(const edgefn_runtime *rt);

/* The last error the runtime recorded (script exception, limit breach), NUL-terminated,
 * "" when none; owned by the runtime, valid until its next call. */
EDGEFN_API const char *edgefn_runtime_last_error(const edgefn_runtime *rt);

/* How many times the runtime replaced its heap (see "Recycling" above); 0 for NULL. A
 * recycle whose new heap could not be made (its top level now throws, or memory ran out)
 * leaves the runtime answering every request with 503 until it is freed. */
EDGEFN_API uint64_t edgefn_runtime_recycles(const edgefn_runtime *rt);

/* Heaps the runtime abandoned after a fatal engine error (see "Fatal engine errors"
 * above), and the bytes they held then, which stay allocated until the process exits; 0
 * for NULL. Each abandonment is also counted in edgefn_runtime_recycles() when the
 * recycle has happened. */
EDGEFN_API uint64_t edgefn_runtime_fatal_errors(const edgefn_runtime *rt);
EDGEFN_API size_t edgefn_runtime_leaked_bytes(const edgefn_runtime *rt);

/* CPU time the runtime's JavaScript has used since it was created, in nanoseconds: what the
 * CPU limit counts (docs/limits.md), summed over every entry — requests' own code, the
 * timers and microtasks they scheduled, work after the response (waitUntil), and the top
 * level when the runtime (or a recycled heap) started. Only grows; 0 for NULL. Measured as
 * the limit measures it (docs/limits.md, "How CPU time is counted"). Loop thread. */
EDGEFN_API uint64_t edgefn_runtime_cpu_ns(const edgefn_runtime *rt);

EDGEFN_API void *edgefn_runtime_user_data(const edgefn_runtime *rt);
EDGEFN_API void edgefn_runtime_set_user_data(edgefn_runtime *rt, void *user_data);

#ifdef __cplusplus
}
#endif
#endif /* EDGEFN_RUNTIME_H */
