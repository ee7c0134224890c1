/* edgefn_cache: the shared, reference-counted handle that ties a storage backend (the
 * built-in memory LRU or a host's) to the settings every cache fetcher reads. */
#include "cache/cache.h"

#include <stdatomic.h>
#include <stdlib.h>
#include <time.h>

struct edgefn_cache {
  atomic_int refs;
  const edgefn_cache_ops *ops;
  void *backend;
  bool builtin;
  bool shared;
  size_t max_entry;
  int64_t (*clock_ms)(void *clock_data);
  void *clock_data;
};

int edgefn_cache_new(edgefn_cache **out, const edgefn_cache_options *opts) {
  if (!out)
    return EDGEFN_EINVAL;
  *out = NULL;
  if (opts && !EDGEFN_MIN_SIZE_OK(opts, edgefn_cache_options, clock_data))
    return EDGEFN_EVERSION;
  if (opts && opts->ops && (opts->ops->version < 1 || !opts->ops->get || !opts->ops->put ||
                            !opts->ops->remove))
    return EDGEFN_EINVAL;
  edgefn_cache *c = calloc(1, sizeof(*c));
  if (!c)
    return EDGEFN_ENOMEM;
  atomic_init(&c->refs, 1);
  c->shared = !(opts && opts->private_cache);
  c->max_entry = EDGEFN_DEFAULT_CACHE_MAX_ENTRY;
  if (opts && EDGEFN_HAS_FIELD(opts, edgefn_cache_options, max_entry_size) &&
      opts->max_entry_size)
    c->max_entry = opts->max_entry_size;
  if (opts) {
    c->clock_ms = opts->clock_ms;
    c->clock_data = opts->clock_data;
  }
  if (opts && opts->ops) {
    c->ops = opts->ops;
    c->backend = opts->backend;
  } else {
    int rc = cache__memory_new(&c->backend, opts ? opts->memory_budget : 0,
                               opts ? opts->shards : 0);
    if (rc != 0) {
      free(c);
      return rc;
    }
    c->ops = cache__memory_ops();
    c->builtin = true;
  }
  *out = c;
  return 0;
}

edgefn_cache *edgefn_cache_ref(edgefn_cache *cache) {
  if (cache)
    atomic_fetch_add(&cache->refs, 1);
  return cache;
}

void edgefn_cache_free(edgefn_cache *cache) {
  if (!cache || atomic_fetch_sub(&cache->refs, 1) != 1)
    return;
  if (cache->ops->release)
    cache->ops->release(cache->backend);
  free(cache);
}

size_t edgefn_cache_bytes(const edgefn_cache *cache) {
  return cache && cache->builtin ? cache__memory_bytes(cache->backend) : 0;
}

size_t edgefn_cache_entries(const edgefn_cache *cache) {
  return cache && cache->builtin ? cache__memory_entries(cache->backend) : 0;
}

int64_t cache__now_ms(const edgefn_cache *c) {
  if (c->clock_ms)
    return c->clock_ms(c->clock_data);
  struct timespec ts;
  clock_gettime(CLOCK_REALTIME, &ts);
  return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

bool cache__is_shared(const edgefn_cache *c) { return c->shared; }
size_t cache__max_entry(const edgefn_cache *c) { return c->max_entry; }

const edgefn_cache_ops *cache__ops(const edgefn_cache *c, void **backend) {
  *backend = c->backend;
  return c->ops;
}
