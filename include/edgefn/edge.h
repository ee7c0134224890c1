/*
 * edgefn_edge — the pipeline of design.md: a request arrives, the trigger rules pick a
 * function or none; a function runs on the calling loop's runtime for it; without a
 * function (or when it declines: no respondWith, or an exception after
 * passThroughOnException()) the request goes through the HTTP cache to the origin of its
 * host. A function's subrequests go the same way when they target a host that has an origin
 * here, and to the public network otherwise.
 *
 * An edge is built once from immutable parts (rules, compiled scripts, a shared cache) and
 * used from every loop: each loop calls edgefn_edge_attach() once on its own thread, then
 * edgefn_edge_handle() for each request, and edgefn_edge_detach() before the loop goes away.
 *
 * Each loop manages its own runtimes (docs/limits.md, "Runtimes per loop"): a function's
 * runtime is created on its first request, idle runtimes are evicted least recently used
 * first when the loop's memory budget is exceeded, each function runs a bounded number of
 * requests at once with a bounded queue behind them (beyond it: 503 with Retry-After), and
 * edgefn_edge_update_function() deploys a new version from any thread while requests in
 * flight finish on the old one. edgefn_edge_stats_get() reports the figures.
 */
#ifndef EDGEFN_EDGE_H
#define EDGEFN_EDGE_H

#include <edgefn/cache.h>
#include <edgefn/rules.h>
#include <edgefn/runtime.h>
#include <edgefn/script.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Where the requests for one site host go when no function answers them. */
typedef struct edgefn_origin {
  uint32_t struct_size;
  const char *host;    /* the site's host as clients send it ("example.com"); matched without
                          regard to case or port */
  const char *address; /* where to connect: "ADDRESS:PORT" or "[v6]:PORT" */
  int tls;             /* non-zero: HTTPS to the origin (the site host is the TLS name) */
  /* Added in 0.1 after the first layout; read only when struct_size covers it. */
  const char *host_header; /* "NAME" or "NAME:PORT": the Host header (and TLS server name)
                              the origin is asked with, instead of the client's host (a
                              Host header in the request is replaced on its way to the
                              origin; a function still sees the client's); the cache keys
                              on it too. NULL = the client's host */
} edgefn_origin;
#define EDGEFN_ORIGIN_INIT {sizeof(edgefn_origin), NULL, NULL, 0, NULL}

/* A function the rules can name. */
typedef struct edgefn_function {
  uint32_t struct_size;
  const char *name;                      /* the name rules use (copied) */
  const edgefn_script *script;           /* referenced, not copied */
  const edgefn_runtime_options *options; /* limits, log; its fetch fields are ignored (the
                                            edge routes subrequests); NULL = defaults */
  /* Added in 0.1 after the first layout (runtime management, docs/limits.md); read only
   * when struct_size covers them. 0 = the edge's setting. */
  uint32_t max_runtimes; /* runtimes of this function one loop may keep */
  uint32_t concurrency;  /* requests of this function one loop runs at once */
  uint32_t queue;        /* requests that may wait for a slot beyond that; more are shed */
} edgefn_function;
#define EDGEFN_FUNCTION_INIT {sizeof(edgefn_function), NULL, NULL, NULL, 0, 0, 0}

typedef struct edgefn_edge_options {
  uint32_t struct_size;
  edgefn_rules *rules;               /* referenced; NULL = no function ever runs */
  const edgefn_function *functions;  /* copied; stride functions[0].struct_size, as origins */
  size_t function_count;
  const edgefn_origin *origins;      /* copied; the array's stride is origins[0].struct_size,
                                        so every element must have the same struct_size */
  size_t origin_count;
  edgefn_cache *cache;               /* referenced; NULL = no caching */
  uint32_t public_fetch_policy;      /* EDGEFN_FETCH_ALLOW_* for subrequests to hosts
                                        without an origin here */
  edgefn_log_fn log;                 /* the edge's own messages; NULL = stderr */
  void *log_user_data;
  /* Added in 0.1 after the first layout (runtime management); read only when struct_size
   * covers them. 0 = the default named in include/edgefn/limits.h; docs/limits.md. */
  size_t runtime_memory_budget;       /* bytes of JS heap all runtimes of one loop may hold
                                         before idle ones are evicted (least recently used
                                         first); EDGEFN_DEFAULT_RUNTIME_MEMORY_BUDGET */
  uint32_t max_runtimes_per_function; /* EDGEFN_DEFAULT_MAX_RUNTIMES_PER_FUNCTION */
  uint32_t runtime_concurrency;       /* requests in flight on a function's least busy
                                         runtime before the loop starts another one for it;
                                         EDGEFN_DEFAULT_RUNTIME_CONCURRENCY */
  uint32_t function_concurrency;      /* EDGEFN_DEFAULT_FUNCTION_CONCURRENCY */
  uint32_t function_queue;            /* EDGEFN_DEFAULT_FUNCTION_QUEUE */
  uint32_t retry_after_s;             /* Retry-After of a shed request's 503;
                                         EDGEFN_DEFAULT_RETRY_AFTER_S */
  const char *const *prewarm;         /* names of functions whose runtime each loop creates
                                         at attach (copied); each must be configured */
  size_t prewarm_count;
} edgefn_edge_options;
#define EDGEFN_EDGE_OPTIONS_INIT \
  {sizeof(edgefn_edge_options), NULL, NULL, 0, NULL, 0, NULL, 0, NULL, NULL, 0, 0, 0, 0, 0, 0, \
   NULL, 0}

/* Builds an edge. Every rule must name a configured function and every function needs a
 * script; errors name the offender in *err. Errors: EDGEFN_EINVAL, EDGEFN_EVERSION,
 * EDGEFN_ENOMEM. Any thread. */
EDGEFN_API int edgefn_edge_new(edgefn_edge **out, const edgefn_edge_options *opts,
                               edgefn_error_info *err);
/* Frees the edge; every loop must have been detached. NULL is a no-op. */
EDGEFN_API void edgefn_edge_free(edgefn_edge *edge);

/* Prepares `loop` to handle requests (its fetch backends; runtimes are made on first use).
 * Errors: EDGEFN_EINVAL, EDGEFN_ESTATE (already attached), EDGEFN_ENOMEM, EDGEFN_ESYSTEM.
 * The loop's thread. */
EDGEFN_API int edgefn_edge_attach(edgefn_edge *edge, edgefn_loop *loop);
/* Releases what the edge holds for `loop`: requests still in flight end with
 * on_end(EDGEFN_ECANCELED). The loop's thread; never from inside a response callback. */
EDGEFN_API void edgefn_edge_detach(edgefn_edge *edge, edgefn_loop *loop);

/* Handles one request on an attached loop; the request is copied before the call returns
 * and the response streams back through `handler` (see edgefn_response_handler; on_end
 * never reports EDGEFN_EPASS here: the edge takes the default path itself). A host with no
 * origin answers 502; a function whose runtime cannot start answers 500; a function at its
 * concurrency limit with a full queue answers 503 with Retry-After. A request that waits
 * in its function's queue is answered later like any other. Errors (no callback then): EDGEFN_EINVAL, EDGEFN_EVERSION,
 * EDGEFN_ESTATE (loop not attached), EDGEFN_ENOMEM. The loop's thread. */
EDGEFN_API int edgefn_edge_handle(edgefn_edge *edge, edgefn_loop *loop,
                                  const edgefn_request *req,
                                  const edgefn_response_handler *handler, void *user_data);

/* Deploys a new version of a configured function (fn->name names it; script and options as
 * in edgefn_edge_options, and fn's concurrency fields replace the old version's). Requests
 * already running keep their runtime and finish on the old version; every request a loop
 * starts after it next handles a request runs the new one, including requests that were
 * waiting in the function's queue. A loop frees the old version's runtimes once they are
 * idle. The edge keeps its own reference to the script. Errors: EDGEFN_EINVAL (NULL
 * argument, no script, a name that is not configured), EDGEFN_EVERSION, EDGEFN_ENOMEM; the
 * old version stays in place on error. Any thread, concurrently with every loop. */
EDGEFN_API int edgefn_edge_update_function(edgefn_edge *edge, const edgefn_function *fn,
                                           edgefn_error_info *err);

/* What the runtime manager of one loop holds and has done (docs/limits.md). Counters only
 * grow; the others are the present value. */
typedef struct edgefn_edge_stats {
  uint32_t struct_size;
  size_t runtimes;        /* alive on the loop, old versions waiting to go included */
  size_t runtime_bytes;   /* their JavaScript heaps, as measured at each request's start
                             and end (edgefn_runtime_memory_used) */
  size_t memory_budget;   /* the loop's budget for runtime_bytes */
  size_t in_flight;       /* function requests running on a runtime */
  size_t queued;          /* function requests waiting for a concurrency slot */
  uint64_t requests;      /* function requests accepted (run at once or queued) */
  uint64_t cold_starts;   /* runtimes created */
  uint64_t cold_start_ns; /* time spent creating them, in all */
  uint64_t start_failures; /* runtimes that could not be created (answered 500) */
  uint64_t evictions;     /* idle runtimes freed to stay within the memory budget */
  uint64_t retired;       /* runtimes of replaced versions freed */
  uint64_t shed;          /* requests answered 503 because the function was at its
                             concurrency limit with a full queue */
  /* Added in 0.1 after shed; filled only when struct_size covers them. Subrequests
   * (fetch() calls the edge routed) that ended: */
  uint64_t subrequests_ok;       /* with a complete response (any status) */
  uint64_t subrequests_failed;   /* with a transport failure (network error, timeout, body
                                    limit, backend refused to start) */
  uint64_t subrequests_canceled; /* dropped by the runtime (abort, the request ended, ...) */
  /* Added in 0.1 after subrequests_canceled; filled only when struct_size covers them.
   * Heaps the runtimes abandoned after a fatal engine error (include/edgefn/runtime.h,
   * docs/limits.md), and the bytes they held: leaked for the life of the process, and not
   * in runtime_bytes. */
  uint64_t leaked_heaps;
  uint64_t leaked_heap_bytes;
  /* Added in 0.1 after leaked_heap_bytes; filled only when struct_size covers it. CPU time
   * the runtimes' JavaScript used (edgefn_runtime_cpu_ns), counted when a request ends and
   * when a runtime is freed. */
  uint64_t cpu_ns;
} edgefn_edge_stats;
#define EDGEFN_EDGE_STATS_INIT \
  {sizeof(edgefn_edge_stats), 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0}

/* Fills *stats for `loop` (fields beyond stats->struct_size are left alone). With `name`
 * non-NULL the figures are those of that function alone (memory_budget is still the
 * loop's). The figures are read without stopping the loop, so they need not add up with
 * each other exactly. Errors: EDGEFN_EINVAL (NULL argument or unknown function),
 * EDGEFN_EVERSION, EDGEFN_ESTATE (loop not attached). Any thread. */
EDGEFN_API int edgefn_edge_stats_get(edgefn_edge *edge, edgefn_loop *loop, const char *name,
                                     edgefn_edge_stats *stats);

#ifdef __cplusplus
}
#endif
#endif /* EDGEFN_EDGE_H */
