/* The edge part's internal interface between the pipeline (edge.c), its function table
 * (functions.c) and the per-loop runtime manager (manager.c).
 *
 * Functions are published as an immutable, reference-counted table snapshot: a function
 * update builds a new table and swaps it in under the edge's lock; each loop picks the new
 * snapshot up at its next request (one atomic load of a generation number per request), so
 * loops never take the lock on the hot path and a version never changes under a running
 * request. A function keeps its index across versions. */
#ifndef EDGEFN_EDGE_MANAGER_H
#define EDGEFN_EDGE_MANAGER_H

#include "core/core.h"
#include "loop/loop.h"

#include <edgefn/edge.h>

#include <stdatomic.h>

/* The edge-wide settings of the runtime manager, defaults applied. */
typedef struct edge_settings {
  size_t memory_budget;
  uint32_t max_runtimes;
  uint32_t runtime_concurrency;
  uint32_t concurrency;
  uint32_t queue;
  uint32_t retry_after_s;
} edge_settings;

/* One version of one function. Immutable once in a table. */
typedef struct edge_fn {
  atomic_size_t refs;
  char *name;
  edgefn_script *script;
  edgefn_runtime_options options; /* options.name owned */
  uint32_t max_runtimes, concurrency, queue; /* settings applied */
} edge_fn;

typedef struct edge_fntab {
  atomic_size_t refs;
  uint64_t generation;
  size_t count;
  edge_fn **fns;
  uint32_t *slots; /* open addressing by name: index + 1, 0 = empty */
  size_t slot_mask;
} edge_fntab;

/* A function version from the caller's struct (read up to its struct_size). */
EDGEFN_INTERNAL int edge__fn_new(edge_fn **out, const edgefn_function *f,
                                 const edge_settings *s, edgefn_error_info *err);
EDGEFN_INTERNAL edge_fn *edge__fn_ref(edge_fn *fn);
EDGEFN_INTERNAL void edge__fn_unref(edge_fn *fn);

/* A table of `count` functions, all NULL; fill fns then call edge__fntab_index. */
EDGEFN_INTERNAL edge_fntab *edge__fntab_new(size_t count);
/* Builds the name index; EDGEFN_EINVAL when a name is used twice (*dup = its index). */
EDGEFN_INTERNAL int edge__fntab_index(edge_fntab *t, size_t *dup);
EDGEFN_INTERNAL bool edge__fntab_find(const edge_fntab *t, const char *name, size_t len,
                                      size_t *index);
EDGEFN_INTERNAL edge_fntab *edge__fntab_ref(edge_fntab *t);
EDGEFN_INTERNAL void edge__fntab_unref(edge_fntab *t);

/* The edge's current table (a new reference) and its generation; any thread. Defined in
 * edge.c. */
EDGEFN_INTERNAL edge_fntab *edge__table_current(edgefn_edge *edge);
EDGEFN_INTERNAL uint64_t edge__table_generation(edgefn_edge *edge);

/* ---- the per-loop runtime manager ---- */

typedef struct edge_mgr edge_mgr;
typedef struct mgr_rt mgr_rt;

/* A function request as the manager sees it; embedded in the edge's request. */
typedef struct edge_job {
  struct edge_job *next; /* in its function's queue */
  mgr_rt *rt;            /* the runtime it runs on, once started */
  size_t fn;             /* the function's index */
} edge_job;

/* How the manager hands a job back to its owner. */
typedef struct edge_job_ops {
  /* A queued job got a runtime: dispatch it there. On failure the owner calls
   * edge__mgr_release and answers the request itself. */
  void (*start)(void *owner, edge_job *job, edgefn_runtime *rt);
  /* A queued job cannot run: EDGEFN_ECANCELED (the loop is detaching) or the error that kept
   * the function's runtime from starting. */
  void (*fail)(void *owner, edge_job *job, int code);
} edge_job_ops;

/* The fetch backend a runtime is given: the loop's router, and which function's runtime
 * sends through it (so that subrequests are counted by function). Lives in the manager's
 * record of the runtime, which outlives every subrequest of that runtime. */
typedef struct edge_router_ref {
  void *router; /* edge_mgr_config.fetch_backend */
  edge_mgr *mgr;
  size_t fn;
} edge_router_ref;

/* How a subrequest ended, for edge__mgr_subrequest_done. */
typedef enum { EDGE_SUB_OK, EDGE_SUB_FAILED, EDGE_SUB_CANCELED } edge_sub_outcome;

typedef struct edge_mgr_config {
  edgefn_edge *edge;
  edgefn_loop *loop;
  edge_settings settings;
  const edgefn_fetch_ops *fetch_ops; /* the runtimes' fetch backend (the edge's router) */
  void *fetch_backend;               /* a runtime is handed an edge_router_ref to it */
  edgefn_cache *cache;
  edgefn_log_fn log;
  void *log_data;
  const edge_job_ops *job_ops;
  void *owner;
} edge_mgr_config;

EDGEFN_INTERNAL int edge__mgr_new(edge_mgr **out, const edge_mgr_config *cfg);
/* Queued jobs fail with EDGEFN_ECANCELED, then every runtime is freed (its requests end
 * with EDGEFN_ECANCELED through their handlers). */
EDGEFN_INTERNAL void edge__mgr_free(edge_mgr *m);

/* Picks up a newer function table if one was published. */
EDGEFN_INTERNAL void edge__mgr_sync(edge_mgr *m);
EDGEFN_INTERNAL const edge_fntab *edge__mgr_table(const edge_mgr *m);

/* Admits a request for function `fn`: 0 = job->rt is set and *rt is where to dispatch;
 * 1 = queued (job_ops->start runs later); EDGEFN_EBUSY = shed (over the concurrency limit
 * and the queue is full); another negative code = no runtime could be started. */
EDGEFN_INTERNAL int edge__mgr_acquire(edge_mgr *m, size_t fn, edge_job *job,
                                      edgefn_runtime **rt);
/* True (and counted as shed) when a request for `fn` would be shed now: the function is at
 * its concurrency limit and its queue is full. Lets the edge answer before copying. */
EDGEFN_INTERNAL bool edge__mgr_shed(edge_mgr *m, size_t fn);
/* True when edge__mgr_acquire for `fn` would not queue now (it would return 0, or fail):
 * the function is under its concurrency limit and nothing waits in its queue. */
EDGEFN_INTERNAL bool edge__mgr_can_start(const edge_mgr *m, size_t fn);
/* The job's request ended (its response is done, or its dispatch failed). */
EDGEFN_INTERNAL void edge__mgr_release(edge_mgr *m, edge_job *job);
EDGEFN_INTERNAL uint32_t edge__mgr_retry_after(const edge_mgr *m);

/* Counts a subrequest of function `fn` that ended (edgefn_edge_stats.subrequests_*). */
EDGEFN_INTERNAL void edge__mgr_subrequest_done(edge_mgr *m, size_t fn, edge_sub_outcome how);

/* Creates a runtime for `fn` if it has none (pre-warming). */
EDGEFN_INTERNAL int edge__mgr_prewarm(edge_mgr *m, size_t fn);

/* Figures for the whole loop (fn == SIZE_MAX) or one function. Any thread while the
 * manager exists. */
EDGEFN_INTERNAL void edge__mgr_stats(const edge_mgr *m, size_t fn, edgefn_edge_stats *out);

#endif
