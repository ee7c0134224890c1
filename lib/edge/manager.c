/* The runtime manager of one loop: which runtimes exist for which function, which request
 * runs where, who waits, who is shed, and which runtime goes when memory runs short.
 *
 * - A function's runtime is created on its first request (or at attach when pre-warmed)
 *   from the function's shared compiled script.
 * - A request runs on the function's least busy runtime; another runtime is created only
 *   when that one already has runtime_concurrency requests in flight, the function has
 *   fewer than max_runtimes, and the memory budget has room (docs/limits.md).
 * - Each function runs at most `concurrency` requests at once on a loop; up to `queue`
 *   more wait in arrival order; beyond that a request is shed (the edge answers 503 with
 *   Retry-After). A flood therefore holds a bounded share of the loop.
 * - Runtimes sit on one LRU list; when the heaps' bytes exceed the budget, idle runtimes
 *   (no request in flight, no waitUntil work) are freed from the least recently used end.
 *   A busy runtime is never freed; if every runtime is busy the budget is exceeded until
 *   requests end.
 * - When a function is updated, its runtimes are retired: they take no new requests and
 *   are freed once idle.
 *
 * Everything here runs on the loop's thread except edge__mgr_stats, which reads the
 * counters below; they are atomics written by the loop thread alone. */
#include "edge/manager.h"

#include <stdlib.h>
#include <string.h>

/* Figures another thread may read; the loop thread is the only writer. */
typedef struct mgr_counters {
  atomic_size_t runtimes, bytes, in_flight, queued;
  atomic_uint_least64_t requests, cold_starts, cold_start_ns, start_failures, evictions, retired,
      shed, sub_ok, sub_failed, sub_canceled, leaked_heaps, leaked_bytes, cpu_ns;
} mgr_counters;

struct mgr_rt {
  mgr_rt *prev, *next; /* the LRU list (head = least recently used), or the retired list */
  mgr_rt *fn_next;     /* the function's current runtimes */
  edgefn_runtime *rt;
  edge_fn *fn; /* the version it runs */
  size_t index;
  size_t in_flight;
  size_t bytes; /* heap bytes when last measured */
  uint64_t fatal_seen; /* edgefn_runtime_fatal_errors / _leaked_bytes when last measured */
  uint64_t cpu_seen;   /* edgefn_runtime_cpu_ns when last measured */
  size_t leaked_seen;
  bool retired;
  edge_router_ref ref; /* the runtime's fetch backend */
};

typedef struct mgr_fn {
  mgr_rt *rts; /* current-version runtimes */
  uint32_t rt_count;
  uint32_t in_flight; /* requests of this function running, on any version */
  edge_job *q_head, *q_tail;
  uint32_t q_len;
  bool ready; /* on the ready list: has a queue and may have a free slot */
  struct mgr_fn *ready_next;
  mgr_counters c;
} mgr_fn;

struct edge_mgr {
  edge_mgr_config cfg;
  edge_fntab *table;
  uint64_t generation;
  mgr_fn *fns;
  size_t fn_count;
  mgr_rt *lru_head, *lru_tail;
  mgr_rt *retired;
  size_t bytes;
  size_t fresh_bytes; /* a new runtime's heap, as last measured: the room to make for one */
  mgr_fn *ready_head, *ready_tail;
  edgefn__defer pump;
  edgefn__timer sweep;
  bool freeing;
  mgr_counters c;
};

#define mgr_log(m, level, ...) \
  edgefn__log((m)->cfg.log, (m)->cfg.log_data, level, "edge", __VA_ARGS__)

/* Single writer: a relaxed load and store is enough and avoids a locked instruction. */
#define C_ADD(field, d) \
  atomic_store_explicit(&(field), atomic_load_explicit(&(field), memory_order_relaxed) + (d), \
                        memory_order_relaxed)
#define C_BOTH(m, st, name, d) \
  do {                         \
    C_ADD((m)->c.name, d);     \
    C_ADD((st)->c.name, d);    \
  } while (0)

static void pump_cb(edgefn__defer *d);
static void sweep_cb(edgefn__timer *t);

/* ---- runtimes ---- */

static bool rt_idle(const mgr_rt *r) {
  return r->in_flight == 0 && edgefn_runtime_pending(r->rt) == 0;
}

static void rt_measure(edge_mgr *m, mgr_rt *r) {
  size_t now = edgefn_runtime_memory_used(r->rt);
  mgr_fn *st = &m->fns[r->index];
  m->bytes = m->bytes - r->bytes + now;
  C_BOTH(m, st, bytes, now - r->bytes); /* modular arithmetic: a shrink adds a wrapped value */
  r->bytes = now;
  /* Heaps abandoned after fatal engine errors since the last look (both only grow). */
  uint64_t fatal = edgefn_runtime_fatal_errors(r->rt);
  size_t leaked = edgefn_runtime_leaked_bytes(r->rt);
  if (fatal != r->fatal_seen) {
    C_BOTH(m, st, leaked_heaps, fatal - r->fatal_seen);
    C_BOTH(m, st, leaked_bytes, (uint64_t)(leaked - r->leaked_seen));
    r->fatal_seen = fatal;
    r->leaked_seen = leaked;
  }
  uint64_t cpu = edgefn_runtime_cpu_ns(r->rt);
  if (cpu != r->cpu_seen) {
    C_BOTH(m, st, cpu_ns, cpu - r->cpu_seen);
    r->cpu_seen = cpu;
  }
}

static void list_unlink(mgr_rt **head, mgr_rt **tail, mgr_rt *r) {
  if (r->prev)
    r->prev->next = r->next;
  else
    *head = r->next;
  if (r->next)
    r->next->prev = r->prev;
  else if (tail)
    *tail = r->prev;
  r->prev = r->next = NULL;
}

static void lru_push(edge_mgr *m, mgr_rt *r) {
  r->prev = m->lru_tail;
  r->next = NULL;
  if (m->lru_tail)
    m->lru_tail->next = r;
  else
    m->lru_head = r;
  m->lru_tail = r;
}

static void fn_list_unlink(mgr_fn *st, mgr_rt *r) {
  for (mgr_rt **pp = &st->rts; *pp; pp = &(*pp)->fn_next)
    if (*pp == r) {
      *pp = r->fn_next;
      st->rt_count--;
      r->fn_next = NULL;
      return;
    }
}

/* Frees a runtime already taken off its lists. */
static void rt_destroy(edge_mgr *m, mgr_rt *r) {
  mgr_fn *st = &m->fns[r->index];
  rt_measure(m, r); /* (counts a heap it abandoned since its last request) */
  edgefn_runtime_free(r->rt);
  m->bytes -= r->bytes;
  C_BOTH(m, st, bytes, (size_t)0 - r->bytes);
  C_BOTH(m, st, runtimes, (size_t)-1);
  edge__fn_unref(r->fn);
  free(r);
}

/* Frees the least recently used idle runtime other than `keep`; false when none is idle. */
static bool evict_one(edge_mgr *m, const mgr_rt *keep) {
  for (mgr_rt *r = m->lru_head; r; r = r->next) {
    if (r == keep || !rt_idle(r))
      continue;
    list_unlink(&m->lru_head, &m->lru_tail, r);
    fn_list_unlink(&m->fns[r->index], r);
    C_BOTH(m, &m->fns[r->index], evictions, 1);
    rt_destroy(m, r);
    return true;
  }
  return false;
}

/* Evicts idle runtimes until `need` more bytes fit in the budget, or none is idle. */
static void make_room(edge_mgr *m, size_t need, const mgr_rt *keep) {
  while (m->bytes + need > m->cfg.settings.memory_budget && evict_one(m, keep))
    ;
}

static void free_idle_retired(edge_mgr *m) {
  bool waiting = false;
  for (mgr_rt *r = m->retired, *next; r; r = next) {
    next = r->next;
    if (!rt_idle(r)) {
      waiting = waiting || r->in_flight == 0; /* only waitUntil work left: no callback will
                                                 tell us when it ends, so look again later */
      continue;
    }
    list_unlink(&m->retired, NULL, r);
    C_BOTH(m, &m->fns[r->index], retired, 1);
    rt_destroy(m, r);
  }
  if (waiting && !edgefn__timer_active(&m->sweep))
    edgefn__timer_start(m->cfg.loop, &m->sweep, EDGEFN_RETIRED_SWEEP_MS);
}

static int rt_create(edge_mgr *m, size_t index, mgr_rt **out) {
  edge_fn *fn = m->table->fns[index];
  mgr_fn *st = &m->fns[index];
  mgr_rt *r = calloc(1, sizeof(*r));
  if (!r)
    return EDGEFN_ENOMEM;
  edgefn_runtime_options o = fn->options;
  o.fetch_ops = m->cfg.fetch_ops;
  r->ref = (edge_router_ref){m->cfg.fetch_backend, m, index};
  o.fetch_backend = &r->ref;
  o.cache = m->cfg.cache;
  edgefn_error_info err = EDGEFN_ERROR_INFO_INIT;
  uint64_t t0 = edgefn__now_ns();
  int rc = edgefn_runtime_new(&r->rt, m->cfg.loop, fn->script, &o, &err);
  uint64_t took = edgefn__now_ns() - t0;
  if (rc != 0) {
    mgr_log(m, EDGEFN_LOG_ERROR, "function %s could not start: %s (%s:%d)", fn->name,
            err.message[0] ? err.message : edgefn_strerror(rc), err.file, err.line);
    C_BOTH(m, st, start_failures, 1);
    free(r);
    return rc;
  }
  r->fn = edge__fn_ref(fn);
  r->index = index;
  r->fn_next = st->rts;
  st->rts = r;
  st->rt_count++;
  lru_push(m, r);
  C_BOTH(m, st, runtimes, 1);
  C_BOTH(m, st, cold_starts, 1);
  C_BOTH(m, st, cold_start_ns, took);
  rt_measure(m, r);
  m->fresh_bytes = r->bytes;
  make_room(m, 0, r);
  *out = r;
  return 0;
}

/* Frees the function's idle runtimes whose module failed to initialise after they were
 * created (a top-level await that rejected later): like a start failure, the next request
 * starts a fresh one instead of getting that runtime's 500. */
static void drop_failed(edge_mgr *m, mgr_fn *st) {
  for (mgr_rt *r = st->rts, *next; r; r = next) {
    next = r->fn_next;
    int status = edgefn_runtime_status(r->rt);
    if (status == 0 || status == EDGEFN_EAGAIN || !rt_idle(r))
      continue;
    list_unlink(&m->lru_head, &m->lru_tail, r);
    fn_list_unlink(st, r);
    C_BOTH(m, st, start_failures, 1);
    rt_destroy(m, r);
  }
}

/* The runtime a request of function `index` runs on (see the top of the file). */
static int pick(edge_mgr *m, size_t index, mgr_rt **out) {
  mgr_fn *st = &m->fns[index];
  const edge_fn *fn = m->table->fns[index];
  drop_failed(m, st);
  mgr_rt *best = NULL;
  for (mgr_rt *r = st->rts; r; r = r->fn_next)
    if (!best || r->in_flight < best->in_flight)
      best = r;
  if (best && (best->in_flight < m->cfg.settings.runtime_concurrency ||
               st->rt_count >= fn->max_runtimes)) {
    *out = best;
    return 0;
  }
  make_room(m, m->fresh_bytes, NULL);
  if (best && m->bytes + m->fresh_bytes > m->cfg.settings.memory_budget) {
    *out = best; /* no room for a second heap: share the first */
    return 0;
  }
  int rc = rt_create(m, index, out);
  if (rc != 0 && best) {
    *out = best;
    return 0;
  }
  return rc;
}

static void start_on(edge_mgr *m, edge_job *job, mgr_rt *r) {
  mgr_fn *st = &m->fns[job->fn];
  job->rt = r;
  r->in_flight++;
  st->in_flight++;
  C_BOTH(m, st, in_flight, 1);
  rt_measure(m, r);
  if (r != m->lru_tail) {
    list_unlink(&m->lru_head, &m->lru_tail, r);
    lru_push(m, r);
  }
}

/* ---- the queue ---- */

static void mark_ready(edge_mgr *m, mgr_fn *st) {
  if (st->ready)
    return;
  st->ready = true;
  st->ready_next = NULL;
  if (m->ready_tail)
    m->ready_tail->ready_next = st;
  else
    m->ready_head = st;
  m->ready_tail = st;
}

static edge_job *dequeue(edge_mgr *m, mgr_fn *st) {
  edge_job *job = st->q_head;
  st->q_head = job->next;
  if (!st->q_head)
    st->q_tail = NULL;
  st->q_len--;
  job->next = NULL;
  C_BOTH(m, st, queued, (size_t)-1);
  return job;
}

/* Starts queued requests while their functions have free slots. Functions take turns one
 * request at a time, so one long queue does not hold the others back. */
static void run_queues(edge_mgr *m) {
  while (m->ready_head) {
    mgr_fn *st = m->ready_head;
    m->ready_head = st->ready_next;
    if (!m->ready_head)
      m->ready_tail = NULL;
    st->ready = false;
    size_t index = (size_t)(st - m->fns);
    if (st->q_len == 0 || st->in_flight >= m->table->fns[index]->concurrency)
      continue;
    edge_job *job = dequeue(m, st);
    if (st->q_len)
      mark_ready(m, st);
    mgr_rt *r;
    int rc = pick(m, index, &r);
    if (rc != 0) {
      m->cfg.job_ops->fail(m->cfg.owner, job, rc);
      continue;
    }
    start_on(m, job, r);
    m->cfg.job_ops->start(m->cfg.owner, job, r->rt);
  }
}

static void pump_cb(edgefn__defer *d) {
  edge_mgr *m = d->data;
  edge__mgr_sync(m);
  free_idle_retired(m);
  run_queues(m);
  make_room(m, 0, NULL);
}

static void sweep_cb(edgefn__timer *t) {
  edge_mgr *m = t->data;
  edgefn__defer_queue(m->cfg.loop, &m->pump);
}

/* ---- the interface ---- */

int edge__mgr_new(edge_mgr **out, const edge_mgr_config *cfg) {
  *out = NULL;
  edge_mgr *m = calloc(1, sizeof(*m));
  if (!m)
    return EDGEFN_ENOMEM;
  m->cfg = *cfg;
  m->table = edge__table_current(cfg->edge);
  m->generation = m->table->generation;
  m->fn_count = m->table->count;
  m->fns = calloc(m->fn_count ? m->fn_count : 1, sizeof(*m->fns));
  if (!m->fns) {
    edge__fntab_unref(m->table);
    free(m);
    return EDGEFN_ENOMEM;
  }
  atomic_store(&m->c.bytes, 0); /* publishes the zeroed counters */
  edgefn__defer_init(&m->pump, pump_cb, m);
  edgefn__timer_init(&m->sweep, sweep_cb, m);
  *out = m;
  return 0;
}

void edge__mgr_free(edge_mgr *m) {
  if (!m)
    return;
  m->freeing = true;
  edgefn__defer_cancel(m->cfg.loop, &m->pump);
  edgefn__timer_stop(m->cfg.loop, &m->sweep);
  for (size_t i = 0; i < m->fn_count; i++)
    while (m->fns[i].q_head)
      m->cfg.job_ops->fail(m->cfg.owner, dequeue(m, &m->fns[i]), EDGEFN_ECANCELED);
  /* Freeing a runtime ends its requests through their handlers, which release their jobs:
   * each mgr_rt stays valid until its runtime is gone. */
  while (m->lru_head) {
    mgr_rt *r = m->lru_head;
    list_unlink(&m->lru_head, &m->lru_tail, r);
    rt_destroy(m, r);
  }
  while (m->retired) {
    mgr_rt *r = m->retired;
    list_unlink(&m->retired, NULL, r);
    rt_destroy(m, r);
  }
  edge__fntab_unref(m->table);
  free(m->fns);
  free(m);
}

void edge__mgr_sync(edge_mgr *m) {
  if (edge__table_generation(m->cfg.edge) == m->generation)
    return;
  edge_fntab *t = edge__table_current(m->cfg.edge);
  for (size_t i = 0; i < m->fn_count && i < t->count; i++) {
    if (t->fns[i] == m->table->fns[i])
      continue;
    mgr_fn *st = &m->fns[i];
    while (st->rts) {
      mgr_rt *r = st->rts;
      st->rts = r->fn_next;
      r->fn_next = NULL;
      list_unlink(&m->lru_head, &m->lru_tail, r);
      r->retired = true;
      r->next = m->retired;
      if (m->retired)
        m->retired->prev = r;
      m->retired = r;
    }
    st->rt_count = 0;
    if (st->q_len) { /* the new version may allow more at once */
      mark_ready(m, st);
      edgefn__defer_queue(m->cfg.loop, &m->pump);
    }
  }
  edge__fntab_unref(m->table);
  m->table = t;
  m->generation = t->generation;
  free_idle_retired(m);
}

const edge_fntab *edge__mgr_table(const edge_mgr *m) { return m->table; }

int edge__mgr_acquire(edge_mgr *m, size_t fn, edge_job *job, edgefn_runtime **rt) {
  mgr_fn *st = &m->fns[fn];
  const edge_fn *f = m->table->fns[fn];
  job->fn = fn;
  job->rt = NULL;
  job->next = NULL;
  if (edge__mgr_can_start(m, fn)) {
    mgr_rt *r;
    int rc = pick(m, fn, &r);
    if (rc != 0)
      return rc;
    C_BOTH(m, st, requests, 1);
    start_on(m, job, r);
    *rt = r->rt;
    return 0;
  }
  if (st->q_len < f->queue) {
    C_BOTH(m, st, requests, 1);
    if (st->q_tail)
      st->q_tail->next = job;
    else
      st->q_head = job;
    st->q_tail = job;
    st->q_len++;
    C_BOTH(m, st, queued, 1);
    if (st->in_flight < f->concurrency) { /* slots freed, the pump has not run yet */
      mark_ready(m, st);
      edgefn__defer_queue(m->cfg.loop, &m->pump);
    }
    return 1;
  }
  C_BOTH(m, st, shed, 1);
  return EDGEFN_EBUSY;
}

bool edge__mgr_can_start(const edge_mgr *m, size_t fn) {
  const mgr_fn *st = &m->fns[fn];
  return st->in_flight < m->table->fns[fn]->concurrency && st->q_len == 0;
}

bool edge__mgr_shed(edge_mgr *m, size_t fn) {
  mgr_fn *st = &m->fns[fn];
  const edge_fn *f = m->table->fns[fn];
  if ((st->in_flight < f->concurrency && st->q_len == 0) || st->q_len < f->queue)
    return false;
  C_BOTH(m, st, shed, 1);
  return true;
}

void edge__mgr_release(edge_mgr *m, edge_job *job) {
  mgr_rt *r = job->rt;
  if (!r)
    return;
  job->rt = NULL;
  mgr_fn *st = &m->fns[job->fn];
  r->in_flight--;
  st->in_flight--;
  C_BOTH(m, st, in_flight, (size_t)-1);
  if (m->freeing)
    return;
  rt_measure(m, r);
  /* Runtimes are not freed and queued requests not started from here: this runs inside
   * the runtime's response callback. The next loop pass does it. */
  if (st->q_len)
    mark_ready(m, st);
  if (st->q_len || r->retired || m->bytes > m->cfg.settings.memory_budget)
    edgefn__defer_queue(m->cfg.loop, &m->pump);
}

uint32_t edge__mgr_retry_after(const edge_mgr *m) { return m->cfg.settings.retry_after_s; }

void edge__mgr_subrequest_done(edge_mgr *m, size_t fn, edge_sub_outcome how) {
  mgr_fn *st = &m->fns[fn];
  if (how == EDGE_SUB_OK)
    C_BOTH(m, st, sub_ok, 1);
  else if (how == EDGE_SUB_FAILED)
    C_BOTH(m, st, sub_failed, 1);
  else
    C_BOTH(m, st, sub_canceled, 1);
}

int edge__mgr_prewarm(edge_mgr *m, size_t fn) {
  if (m->fns[fn].rts)
    return 0;
  mgr_rt *r;
  return rt_create(m, fn, &r);
}

void edge__mgr_stats(const edge_mgr *m, size_t fn, edgefn_edge_stats *out) {
  const mgr_counters *c = fn == SIZE_MAX ? &m->c : &m->fns[fn].c;
  edgefn_edge_stats s = EDGEFN_EDGE_STATS_INIT;
#define LOAD(x) atomic_load_explicit(&c->x, memory_order_relaxed)
  s.runtimes = LOAD(runtimes);
  s.runtime_bytes = LOAD(bytes);
  s.memory_budget = m->cfg.settings.memory_budget;
  s.in_flight = LOAD(in_flight);
  s.queued = LOAD(queued);
  s.requests = LOAD(requests);
  s.cold_starts = LOAD(cold_starts);
  s.cold_start_ns = LOAD(cold_start_ns);
  s.start_failures = LOAD(start_failures);
  s.evictions = LOAD(evictions);
  s.retired = LOAD(retired);
  s.shed = LOAD(shed);
  s.subrequests_ok = LOAD(sub_ok);
  s.subrequests_failed = LOAD(sub_failed);
  s.subrequests_canceled = LOAD(sub_canceled);
  s.leaked_heaps = LOAD(leaked_heaps);
  s.leaked_heap_bytes = LOAD(leaked_bytes);
  s.cpu_ns = LOAD(cpu_ns);
#undef LOAD
  size_t n = out->struct_size < sizeof(s) ? out->struct_size : sizeof(s);
  uint32_t size = out->struct_size;
  memcpy(out, &s, n);
  out->struct_size = size;
}
