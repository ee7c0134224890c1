/* Counters per worker (each under its own lock, which only the metrics page contends for)
 * and their rendering in the Prometheus text exposition format. */
#include "gateway.h"

#include <stdlib.h>
#include <string.h>

const char *const gw_cache_names[GW_CACHE_KINDS] = {"none", "hit", "miss", "stale",
                                                    "revalidated", "bypass"};

gw_cache_kind gw_cache_kind_from(const char *v, size_t len) {
  static const char *const wire[GW_CACHE_KINDS] = {"", "HIT", "MISS", "STALE", "REVALIDATED",
                                                   "BYPASS"};
  for (int i = 1; i < GW_CACHE_KINDS; i++)
    if (strlen(wire[i]) == len && strncasecmp(wire[i], v, len) == 0)
      return (gw_cache_kind)i;
  return GW_CACHE_NONE;
}

void gw_metrics_init(gw_metrics *m) {
  memset(m, 0, sizeof(*m));
  pthread_mutex_init(&m->lock, NULL);
}

void gw_metrics_free(gw_metrics *m) {
  free(m->stats);
  m->stats = NULL;
  pthread_mutex_destroy(&m->lock);
}

void gw_metrics_request(gw_metrics *m, const char *function, int status, gw_cache_kind cache,
                        uint64_t function_us, uint64_t bytes) {
  pthread_mutex_lock(&m->lock);
  gw_fn_stat *st = NULL;
  for (size_t i = 0; i < m->nstats && !st; i++)
    if (m->stats[i].status == status && strcmp(m->stats[i].name, function) == 0)
      st = &m->stats[i];
  if (!st) {
    if (m->nstats == m->cap) {
      size_t cap = m->cap ? m->cap * 2 : 16;
      gw_fn_stat *n = realloc(m->stats, cap * sizeof(*n));
      if (n) {
        m->stats = n;
        m->cap = cap;
      }
    }
    if (m->stats && m->nstats < m->cap) {
      st = &m->stats[m->nstats++];
      memset(st, 0, sizeof(*st));
      size_t n = strlen(function);
      if (n >= sizeof(st->name))
        n = sizeof(st->name) - 1; /* function names are bounded by the same size upstream */
      memcpy(st->name, function, n);
      st->status = status;
    }
  }
  if (st) {
    st->requests++;
    st->function_us += function_us;
  }
  m->cache[cache]++;
  m->bytes_out += bytes;
  pthread_mutex_unlock(&m->lock);
}

void gw_metrics_breach(gw_breach_kind k) {
  gw_server *w = gw_this_worker;
  if (!w || k < 0 || k >= GW_BREACH_KINDS)
    return;
  pthread_mutex_lock(&w->metrics.lock);
  w->metrics.breaches[k]++;
  pthread_mutex_unlock(&w->metrics.lock);
}

/* Label values are function names from the configuration: escape what the format needs. */
static void label(gw_buf *out, const char *s) {
  for (; *s; s++) {
    if (*s == '\\' || *s == '"')
      gw_buf_printf(out, "\\%c", *s);
    else if (*s == '\n')
      gw_buf_append(out, "\\n", 2);
    else
      gw_buf_append(out, s, 1);
  }
}

int gw_metrics_render(gw_buf *out) {
  /* Sum the workers' tables into one, then print. */
  gw_metrics sum;
  gw_metrics_init(&sum);
  for (size_t w = 0; w < gw_app_nworkers; w++) {
    gw_metrics *m = &gw_app_workers[w].metrics;
    pthread_mutex_lock(&m->lock);
    for (size_t i = 0; i < m->nstats; i++) {
      gw_fn_stat *s = &m->stats[i];
      gw_fn_stat *d = NULL;
      for (size_t j = 0; j < sum.nstats && !d; j++)
        if (sum.stats[j].status == s->status && strcmp(sum.stats[j].name, s->name) == 0)
          d = &sum.stats[j];
      if (!d) {
        if (sum.nstats == sum.cap) {
          size_t cap = sum.cap ? sum.cap * 2 : 16;
          gw_fn_stat *n = realloc(sum.stats, cap * sizeof(*n));
          if (!n)
            continue;
          sum.stats = n;
          sum.cap = cap;
        }
        d = &sum.stats[sum.nstats++];
        *d = *s;
        d->requests = d->function_us = 0;
      }
      d->requests += s->requests;
      d->function_us += s->function_us;
    }
    for (int k = 0; k < GW_CACHE_KINDS; k++)
      sum.cache[k] += m->cache[k];
    for (int k = 0; k < GW_BREACH_KINDS; k++)
      sum.breaches[k] += m->breaches[k];
    sum.http_errors += m->http_errors;
    sum.accepted += m->accepted;
    sum.refused += m->refused;
    sum.bytes_out += m->bytes_out;
    sum.runtimes += m->runtimes;
    sum.inflight += m->inflight;
    pthread_mutex_unlock(&m->lock);
  }

  gw_buf_printf(out, "# HELP edgefn_requests_total Responses sent, by the function the trigger "
                     "rules picked (\"\" for none) and status.\n"
                     "# TYPE edgefn_requests_total counter\n");
  for (size_t i = 0; i < sum.nstats; i++) {
    gw_buf_printf(out, "edgefn_requests_total{function=\"");
    label(out, sum.stats[i].name);
    gw_buf_printf(out, "\",status=\"%d\"} %llu\n", sum.stats[i].status,
                  (unsigned long long)sum.stats[i].requests);
  }
  gw_buf_printf(out, "# HELP edgefn_function_seconds_total Wall time functions spent on "
                     "requests, from dispatch to the end of the response (the library does "
                     "not report CPU time per request).\n"
                     "# TYPE edgefn_function_seconds_total counter\n");
  for (size_t i = 0; i < sum.nstats; i++) {
    if (!sum.stats[i].name[0])
      continue;
    gw_buf_printf(out, "edgefn_function_seconds_total{function=\"");
    label(out, sum.stats[i].name);
    gw_buf_printf(out, "\",status=\"%d\"} %.6f\n", sum.stats[i].status,
                  (double)sum.stats[i].function_us / 1e6);
  }
  gw_buf_printf(out, "# HELP edgefn_cache_responses_total Responses by HTTP cache status.\n"
                     "# TYPE edgefn_cache_responses_total counter\n");
  for (int k = 1; k < GW_CACHE_KINDS; k++)
    gw_buf_printf(out, "edgefn_cache_responses_total{status=\"%s\"} %llu\n", gw_cache_names[k],
                  (unsigned long long)sum.cache[k]);
  gw_buf_printf(out, "# HELP edgefn_cache_hits_total Responses served from the cache (HIT or "
                     "STALE).\n# TYPE edgefn_cache_hits_total counter\n"
                     "edgefn_cache_hits_total %llu\n",
                (unsigned long long)(sum.cache[GW_CACHE_HIT] + sum.cache[GW_CACHE_STALE]));
  gw_buf_printf(out, "# HELP edgefn_cache_misses_total Responses the cache sent to the origin "
                     "(MISS or REVALIDATED).\n# TYPE edgefn_cache_misses_total counter\n"
                     "edgefn_cache_misses_total %llu\n",
                (unsigned long long)(sum.cache[GW_CACHE_MISS] + sum.cache[GW_CACHE_REVALIDATED]));
  static const char *const breach_names[GW_BREACH_KINDS] = {"cpu", "memory", "wall"};
  gw_buf_printf(out, "# HELP edgefn_limit_breaches_total Function requests stopped by a "
                     "sandbox limit.\n# TYPE edgefn_limit_breaches_total counter\n");
  for (int k = 0; k < GW_BREACH_KINDS; k++)
    gw_buf_printf(out, "edgefn_limit_breaches_total{limit=\"%s\"} %llu\n", breach_names[k],
                  (unsigned long long)sum.breaches[k]);
  gw_buf_printf(out,
                "# HELP edgefn_gateway_rejected_total Requests the gateway answered itself "
                "with an error (bad request, limits, timeouts).\n"
                "# TYPE edgefn_gateway_rejected_total counter\n"
                "edgefn_gateway_rejected_total %llu\n"
                "# HELP edgefn_connections_accepted_total Client connections accepted.\n"
                "# TYPE edgefn_connections_accepted_total counter\n"
                "edgefn_connections_accepted_total %llu\n"
                "# HELP edgefn_connections_refused_total Client connections closed at once "
                "(connection limit, no descriptors).\n"
                "# TYPE edgefn_connections_refused_total counter\n"
                "edgefn_connections_refused_total %llu\n"
                "# HELP edgefn_connections_open Client connections open now.\n"
                "# TYPE edgefn_connections_open gauge\n"
                "edgefn_connections_open %zu\n"
                "# HELP edgefn_response_bytes_total Response body bytes sent.\n"
                "# TYPE edgefn_response_bytes_total counter\n"
                "edgefn_response_bytes_total %llu\n"
                "# HELP edgefn_requests_in_flight Requests handed to the edge and not ended.\n"
                "# TYPE edgefn_requests_in_flight gauge\n"
                "edgefn_requests_in_flight %llu\n"
                "# HELP edgefn_workers Worker threads.\n# TYPE edgefn_workers gauge\n"
                "edgefn_workers %zu\n",
                (unsigned long long)sum.http_errors, (unsigned long long)sum.accepted,
                (unsigned long long)sum.refused, atomic_load(&gw_app_connections),
                (unsigned long long)sum.bytes_out, (unsigned long long)sum.inflight,
                gw_app_nworkers);
  /* The runtime manager's figures for the current configuration, summed over the workers'
   * loops (edgefn_edge_stats_get may be called from any thread). */
  edgefn_edge_stats t = EDGEFN_EDGE_STATS_INIT;
  gw_site *site = gw_app_current_site();
  for (size_t w = 0; site && w < gw_app_nworkers; w++) {
    edgefn_edge_stats st = EDGEFN_EDGE_STATS_INIT;
    edgefn_loop *loop = __atomic_load_n(&gw_app_workers[w].loop, __ATOMIC_ACQUIRE);
    if (!loop || edgefn_edge_stats_get(site->edge, loop, NULL, &st) != 0)
      continue; /* that worker has not attached this configuration yet */
    t.runtimes += st.runtimes;
    t.runtime_bytes += st.runtime_bytes;
    t.memory_budget += st.memory_budget;
    t.queued += st.queued;
    t.cold_starts += st.cold_starts;
    t.cold_start_ns += st.cold_start_ns;
    t.start_failures += st.start_failures;
    t.evictions += st.evictions;
    t.shed += st.shed;
    t.leaked_heaps += st.leaked_heaps;
    t.leaked_heap_bytes += st.leaked_heap_bytes;
  }
  /* Per function, for the same configuration (a reload starts them again from zero, which
   * Prometheus counters allow): subrequests by outcome, and CPU time. */
  size_t nfn = site ? site->cfg->nfunctions : 0;
  edgefn_edge_stats *fs = nfn ? calloc(nfn, sizeof(*fs)) : NULL;
  for (size_t f = 0; fs && f < nfn; f++) {
    const char *name = site->cfg->functions[f].name;
    for (size_t w = 0; w < gw_app_nworkers; w++) {
      edgefn_edge_stats st = EDGEFN_EDGE_STATS_INIT;
      edgefn_loop *loop = __atomic_load_n(&gw_app_workers[w].loop, __ATOMIC_ACQUIRE);
      if (!loop || edgefn_edge_stats_get(site->edge, loop, name, &st) != 0)
        continue;
      fs[f].subrequests_ok += st.subrequests_ok;
      fs[f].subrequests_failed += st.subrequests_failed;
      fs[f].subrequests_canceled += st.subrequests_canceled;
      fs[f].cpu_ns += st.cpu_ns;
    }
  }
  if (!fs)
    nfn = 0; /* out of memory: the page goes without the per-function families */
  gw_buf_printf(out, "# HELP edgefn_subrequests_total Subrequests (fetch() calls) of functions "
                     "that ended, by function and outcome: ok (a complete response, any "
                     "status), failed (network error, timeout, body limit), canceled (aborted "
                     "or dropped by the function).\n"
                     "# TYPE edgefn_subrequests_total counter\n");
  for (size_t f = 0; f < nfn; f++) {
    const char *outcomes[] = {"ok", "failed", "canceled"};
    uint64_t counts[] = {fs[f].subrequests_ok, fs[f].subrequests_failed,
                         fs[f].subrequests_canceled};
    for (size_t k = 0; k < 3; k++) {
      gw_buf_printf(out, "edgefn_subrequests_total{function=\"");
      label(out, site->cfg->functions[f].name);
      gw_buf_printf(out, "\",outcome=\"%s\"} %llu\n", outcomes[k],
                    (unsigned long long)counts[k]);
    }
  }
  gw_buf_printf(out, "# HELP edgefn_function_cpu_seconds_total CPU time of each function's "
                     "JavaScript (what its CPU limit counts: requests, their timers and "
                     "microtasks, waitUntil work, runtime start-up).\n"
                     "# TYPE edgefn_function_cpu_seconds_total counter\n");
  for (size_t f = 0; f < nfn; f++) {
    gw_buf_printf(out, "edgefn_function_cpu_seconds_total{function=\"");
    label(out, site->cfg->functions[f].name);
    gw_buf_printf(out, "\"} %.6f\n", (double)fs[f].cpu_ns / 1e9);
  }
  free(fs);
  if (site)
    gw_site_unref(site);
  gw_buf_printf(out,
                "# HELP edgefn_runtimes_alive Function runtimes alive on the workers' loops.\n"
                "# TYPE edgefn_runtimes_alive gauge\nedgefn_runtimes_alive %zu\n"
                "# HELP edgefn_runtime_heap_bytes JavaScript heap bytes those runtimes hold.\n"
                "# TYPE edgefn_runtime_heap_bytes gauge\nedgefn_runtime_heap_bytes %zu\n"
                "# HELP edgefn_runtime_memory_budget_bytes The loops' budgets for runtime "
                "heaps, in all.\n# TYPE edgefn_runtime_memory_budget_bytes gauge\n"
                "edgefn_runtime_memory_budget_bytes %zu\n"
                "# HELP edgefn_function_requests_queued Function requests waiting for a "
                "concurrency slot.\n# TYPE edgefn_function_requests_queued gauge\n"
                "edgefn_function_requests_queued %zu\n"
                "# HELP edgefn_cold_starts_total Runtimes created.\n"
                "# TYPE edgefn_cold_starts_total counter\nedgefn_cold_starts_total %llu\n"
                "# HELP edgefn_cold_start_seconds_total Time spent creating runtimes.\n"
                "# TYPE edgefn_cold_start_seconds_total counter\n"
                "edgefn_cold_start_seconds_total %.6f\n"
                "# HELP edgefn_runtime_start_failures_total Runtimes that could not be "
                "created.\n# TYPE edgefn_runtime_start_failures_total counter\n"
                "edgefn_runtime_start_failures_total %llu\n"
                "# HELP edgefn_runtime_evictions_total Idle runtimes freed to stay within the "
                "memory budget.\n# TYPE edgefn_runtime_evictions_total counter\n"
                "edgefn_runtime_evictions_total %llu\n"
                "# HELP edgefn_requests_shed_total Requests answered 503 because their function "
                "was at its concurrency limit with a full queue.\n"
                "# TYPE edgefn_requests_shed_total counter\nedgefn_requests_shed_total %llu\n"
                "# HELP edgefn_leaked_heaps_total JavaScript heaps abandoned after a fatal "
                "engine error; they stay allocated until the process exits.\n"
                "# TYPE edgefn_leaked_heaps_total counter\nedgefn_leaked_heaps_total %llu\n"
                "# HELP edgefn_leaked_heap_bytes_total Bytes those heaps held.\n"
                "# TYPE edgefn_leaked_heap_bytes_total counter\n"
                "edgefn_leaked_heap_bytes_total %llu\n",
                t.runtimes, t.runtime_bytes, t.memory_budget, t.queued,
                (unsigned long long)t.cold_starts, (double)t.cold_start_ns / 1e9,
                (unsigned long long)t.start_failures, (unsigned long long)t.evictions,
                (unsigned long long)t.shed, (unsigned long long)t.leaked_heaps,
                (unsigned long long)t.leaked_heap_bytes);
  gw_metrics_free(&sum);
  return 0;
}
