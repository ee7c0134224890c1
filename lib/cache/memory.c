/* The built-in cache backend: entries in memory, split over shards by key hash so threads
 * rarely contend on one lock. Each shard has its own hash table, LRU list and share of the
 * byte budget; inserting evicts that shard's least recently used entries until it fits.
 * Entries are reference counted so get() can answer outside the shard lock: a reader keeps
 * the entry alive while a writer replaces or evicts it. Answers are synchronous. */
#include "cache/cache.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

typedef struct mem_entry mem_entry;
struct mem_entry {
  mem_entry *hnext;            /* hash chain */
  mem_entry *lru_prev, *lru_next; /* lru_prev side is the most recently used end */
  atomic_int refs;
  uint64_t hash;
  size_t key_len, meta_len, body_len;
  size_t charge; /* bytes counted against the budget */
  int64_t expires_unix_ms;
  uint8_t data[]; /* key, meta, body */
};

typedef struct shard {
  pthread_mutex_t lock;
  mem_entry **buckets;
  size_t bucket_count, count, bytes, budget;
  mem_entry *lru_head, *lru_tail; /* head: most recently used */
} shard;

typedef struct mem_backend {
  uint32_t shard_count;
  shard *shards;
} mem_backend;

/* FNV-1a: keys are short URLs; what matters is a good spread of the low and high bits. */
static uint64_t hash_key(const char *k, size_t len) {
  uint64_t h = 1469598103934665603ull;
  for (size_t i = 0; i < len; i++)
    h = (h ^ (uint8_t)k[i]) * 1099511628211ull;
  return h ^ (h >> 29);
}

static void entry_unref(mem_entry *e) {
  if (atomic_fetch_sub(&e->refs, 1) == 1)
    free(e);
}

static void lru_unlink(shard *s, mem_entry *e) {
  if (e->lru_prev)
    e->lru_prev->lru_next = e->lru_next;
  else
    s->lru_head = e->lru_next;
  if (e->lru_next)
    e->lru_next->lru_prev = e->lru_prev;
  else
    s->lru_tail = e->lru_prev;
  e->lru_prev = e->lru_next = NULL;
}

static void lru_push_front(shard *s, mem_entry *e) {
  e->lru_prev = NULL;
  e->lru_next = s->lru_head;
  if (s->lru_head)
    s->lru_head->lru_prev = e;
  s->lru_head = e;
  if (!s->lru_tail)
    s->lru_tail = e;
}

static mem_entry **find_slot(shard *s, uint64_t hash, const char *key, size_t len) {
  mem_entry **p = &s->buckets[hash & (s->bucket_count - 1)];
  for (; *p; p = &(*p)->hnext)
    if ((*p)->hash == hash && (*p)->key_len == len && memcmp((*p)->data, key, len) == 0)
      return p;
  return p;
}

/* Unlinks the entry at *slot from the shard (the table's reference is dropped). */
static void drop_at(shard *s, mem_entry **slot) {
  mem_entry *e = *slot;
  *slot = e->hnext;
  lru_unlink(s, e);
  s->count--;
  s->bytes -= e->charge;
  entry_unref(e);
}

static void grow(shard *s) {
  size_t n = s->bucket_count * 2;
  mem_entry **b = calloc(n, sizeof(*b));
  if (!b)
    return; /* longer chains, still correct */
  for (size_t i = 0; i < s->bucket_count; i++) {
    mem_entry *e = s->buckets[i];
    while (e) {
      mem_entry *next = e->hnext;
      e->hnext = b[e->hash & (n - 1)];
      b[e->hash & (n - 1)] = e;
      e = next;
    }
  }
  free(s->buckets);
  s->buckets = b;
  s->bucket_count = n;
}

static shard *shard_for(mem_backend *m, uint64_t hash) {
  return &m->shards[(hash >> 32) % m->shard_count];
}

static int mem_get(void *backend, const char *key, size_t key_len, edgefn_cache_get_cb cb,
                   void *cb_data) {
  mem_backend *m = backend;
  if (!m || !key || !cb)
    return EDGEFN_EINVAL;
  uint64_t h = hash_key(key, key_len);
  shard *s = shard_for(m, h);
  pthread_mutex_lock(&s->lock);
  mem_entry *e = *find_slot(s, h, key, key_len);
  if (e) {
    lru_unlink(s, e);
    lru_push_front(s, e);
    atomic_fetch_add(&e->refs, 1);
  }
  pthread_mutex_unlock(&s->lock);
  if (!e) {
    cb(cb_data, 0, NULL);
    return 0;
  }
  edgefn_cache_entry out = {sizeof(out),
                            e->data + e->key_len,
                            e->meta_len,
                            e->data + e->key_len + e->meta_len,
                            e->body_len,
                            e->expires_unix_ms};
  cb(cb_data, 0, &out);
  entry_unref(e);
  return 0;
}

static int mem_put(void *backend, const char *key, size_t key_len, const edgefn_cache_entry *in,
                   edgefn_cache_done_cb cb, void *cb_data) {
  mem_backend *m = backend;
  if (!m || !key || !in || (in->meta_len && !in->meta) || (in->body_len && !in->body))
    return EDGEFN_EINVAL;
  size_t payload = key_len + in->meta_len + in->body_len;
  uint64_t h = hash_key(key, key_len);
  shard *s = shard_for(m, h);
  size_t charge = payload + sizeof(mem_entry);
  int result = 0;
  if (charge > s->budget) {
    result = EDGEFN_EBODY_LIMIT;
  } else {
    mem_entry *e = malloc(sizeof(*e) + payload);
    if (!e) {
      result = EDGEFN_ENOMEM;
    } else {
      memset(e, 0, sizeof(*e));
      atomic_init(&e->refs, 1);
      e->hash = h;
      e->key_len = key_len;
      e->meta_len = in->meta_len;
      e->body_len = in->body_len;
      e->charge = charge;
      e->expires_unix_ms = in->expires_unix_ms;
      memcpy(e->data, key, key_len);
      if (in->meta_len)
        memcpy(e->data + key_len, in->meta, in->meta_len);
      if (in->body_len)
        memcpy(e->data + key_len + in->meta_len, in->body, in->body_len);
      pthread_mutex_lock(&s->lock);
      mem_entry **slot = find_slot(s, h, key, key_len);
      if (*slot)
        drop_at(s, slot);
      while (s->bytes + charge > s->budget && s->lru_tail) {
        mem_entry *victim = s->lru_tail;
        drop_at(s, find_slot(s, victim->hash, (const char *)victim->data, victim->key_len));
      }
      slot = find_slot(s, h, key, key_len);
      *slot = e;
      lru_push_front(s, e);
      s->count++;
      s->bytes += charge;
      if (s->count > s->bucket_count)
        grow(s);
      pthread_mutex_unlock(&s->lock);
    }
  }
  if (cb)
    cb(cb_data, result);
  return 0;
}

static int mem_remove(void *backend, const char *key, size_t key_len, edgefn_cache_done_cb cb,
                      void *cb_data) {
  mem_backend *m = backend;
  if (!m || !key)
    return EDGEFN_EINVAL;
  uint64_t h = hash_key(key, key_len);
  shard *s = shard_for(m, h);
  pthread_mutex_lock(&s->lock);
  mem_entry **slot = find_slot(s, h, key, key_len);
  if (*slot)
    drop_at(s, slot);
  pthread_mutex_unlock(&s->lock);
  if (cb)
    cb(cb_data, 0);
  return 0;
}

static void mem_release(void *backend) {
  mem_backend *m = backend;
  if (!m)
    return;
  for (uint32_t i = 0; i < m->shard_count; i++) {
    shard *s = &m->shards[i];
    while (s->lru_head) {
      mem_entry *e = s->lru_head;
      drop_at(s, find_slot(s, e->hash, (const char *)e->data, e->key_len));
    }
    free(s->buckets);
    pthread_mutex_destroy(&s->lock);
  }
  free(m->shards);
  free(m);
}

static const edgefn_cache_ops mem_ops = {EDGEFN_CACHE_OPS_VERSION, mem_get, mem_put, mem_remove,
                                         mem_release};

const edgefn_cache_ops *cache__memory_ops(void) { return &mem_ops; }

int cache__memory_new(void **out, size_t budget, uint32_t shards) {
  *out = NULL;
  if (!budget)
    budget = EDGEFN_DEFAULT_CACHE_MEMORY;
  if (!shards)
    shards = EDGEFN_DEFAULT_CACHE_SHARDS;
  mem_backend *m = calloc(1, sizeof(*m));
  if (!m)
    return EDGEFN_ENOMEM;
  m->shards = calloc(shards, sizeof(*m->shards));
  if (!m->shards) {
    free(m);
    return EDGEFN_ENOMEM;
  }
  m->shard_count = shards;
  for (uint32_t i = 0; i < shards; i++) {
    shard *s = &m->shards[i];
    s->budget = budget / shards;
    s->bucket_count = 64;
    s->buckets = calloc(s->bucket_count, sizeof(*s->buckets));
    pthread_mutex_init(&s->lock, NULL);
    if (!s->buckets) {
      m->shard_count = i + 1;
      mem_release(m);
      return EDGEFN_ENOMEM;
    }
  }
  *out = m;
  return 0;
}

static size_t sum(void *backend, bool bytes) {
  mem_backend *m = backend;
  size_t total = 0;
  for (uint32_t i = 0; i < m->shard_count; i++) {
    shard *s = &m->shards[i];
    pthread_mutex_lock(&s->lock);
    total += bytes ? s->bytes : s->count;
    pthread_mutex_unlock(&s->lock);
  }
  return total;
}

size_t cache__memory_bytes(void *backend) { return sum(backend, true); }
size_t cache__memory_entries(void *backend) { return sum(backend, false); }
