/*
 * edgefn_cache — an HTTP cache with RFC 9111 semantics, shared by every loop of a process.
 *
 * The cache stores responses in a backend (edgefn_cache_ops in backend.h; the built-in one is
 * a sharded in-memory LRU with a byte budget). It is used through a *cache fetcher*: a fetch
 * backend (edgefn_fetch_ops) that answers requests from the cache and sends misses and
 * revalidations to an upstream fetch backend (for example the curl backend pointed at the
 * origin), storing what RFC 9111 allows. The pipeline puts a cache fetcher in front of each
 * origin; hosts can do the same.
 *
 * Threads: an edgefn_cache is thread-safe and shared (reference counted). A cache fetcher
 * belongs to one loop, like the upstream backend it wraps.
 */
#ifndef EDGEFN_CACHE_H
#define EDGEFN_CACHE_H

#include <edgefn/backend.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct edgefn_cache_options {
  uint32_t struct_size;
  size_t memory_budget;          /* built-in memory backend: bytes; 0 = default (limits.h) */
  uint32_t shards;               /* built-in memory backend: lock shards; 0 = default */
  const edgefn_cache_ops *ops;   /* a host backend instead of the built-in one, or NULL */
  void *backend;                 /* passed to ops; released through ops->release on free */
  int private_cache;             /* non-zero: a private cache (stores `private`, ignores
                                    s-maxage); default: a shared cache, as a CDN is */
  /* The clock the cache reads (Unix time in milliseconds), for tests that move time
   * without sleeping; NULL = the real clock. */
  int64_t (*clock_ms)(void *clock_data);
  void *clock_data;
  size_t max_entry_size; /* largest body stored, bytes; 0 = EDGEFN_DEFAULT_CACHE_MAX_ENTRY */
} edgefn_cache_options;
#define EDGEFN_CACHE_OPTIONS_INIT \
  {sizeof(edgefn_cache_options), 0, 0, NULL, NULL, 0, NULL, NULL, 0}

/* Creates a cache. Errors: EDGEFN_EINVAL, EDGEFN_EVERSION, EDGEFN_ENOMEM. Any thread. */
EDGEFN_API int edgefn_cache_new(edgefn_cache **out, const edgefn_cache_options *opts);
/* Takes another reference. Any thread. */
EDGEFN_API edgefn_cache *edgefn_cache_ref(edgefn_cache *cache);
/* Drops a reference; the last one frees the cache. NULL is a no-op. Any thread. */
EDGEFN_API void edgefn_cache_free(edgefn_cache *cache);

/* How a cache fetcher answered, reported in the response header named by
 * EDGEFN_CACHE_STATUS_HEADER (added to every response it delivers). */
#define EDGEFN_CACHE_STATUS_HEADER "x-edgefn-cache"
/* Values: "HIT" (fresh, origin not contacted), "MISS" (forwarded, maybe stored), "STALE"
 * (served stale: stale-while-revalidate or stale-if-error), "REVALIDATED" (origin answered
 * 304), "BYPASS" (not cacheable: method, no-store, Authorization, ...). */

typedef struct edgefn_cache_fetcher_options {
  uint32_t struct_size;
  const edgefn_fetch_ops *upstream_ops; /* where misses go (required) */
  void *upstream_backend;
  const char *key_prefix; /* NUL-terminated namespace for keys (caches.open(name)); NULL =
                             the default namespace */
} edgefn_cache_fetcher_options;
#define EDGEFN_CACHE_FETCHER_OPTIONS_INIT {sizeof(edgefn_cache_fetcher_options), NULL, NULL, NULL}

/* Creates a cache fetcher on `loop` in front of an upstream backend; use it with
 * edgefn_cache_fetch_ops(). It holds a reference to the cache. Errors: EDGEFN_EINVAL,
 * EDGEFN_EVERSION, EDGEFN_ENOMEM. Loop thread only. */
EDGEFN_API int edgefn_cache_fetcher_new(void **fetcher, edgefn_loop *loop, edgefn_cache *cache,
                                        const edgefn_cache_fetcher_options *opts);
/* Cancels its requests in flight (handlers get on_end(EDGEFN_ECANCELED)) and frees it. NULL
 * is a no-op. */
EDGEFN_API void edgefn_cache_fetcher_free(void *fetcher);
/* The ops table of cache fetchers (static storage). */
EDGEFN_API const edgefn_fetch_ops *edgefn_cache_fetch_ops(void);

/* Bytes and entries the cache holds now (built-in backend; 0 for host backends). */
EDGEFN_API size_t edgefn_cache_bytes(const edgefn_cache *cache);
EDGEFN_API size_t edgefn_cache_entries(const edgefn_cache *cache);

#ifdef __cplusplus
}
#endif
#endif /* EDGEFN_CACHE_H */
