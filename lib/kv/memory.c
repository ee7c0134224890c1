/* The memory KV backend: one array of entries kept sorted by (namespace, key) bytes under a
 * mutex, so list() is a binary search and a walk. Inserting moves the tail of the array,
 * which is fine for the sizes a test or a single process holds; hosts with large stores use
 * SQLite or Redis. Answers are synchronous. Expired entries are skipped by readers and
 * dropped when a writer meets them. */
#include "kv/kv.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

typedef struct mem_entry {
  size_t id_len; /* ns, NUL, key */
  size_t value_len, meta_len;
  bool has_meta;
  int64_t expiration;
  uint8_t *data; /* id, value, metadata */
} mem_entry;

typedef struct mem_kv {
  pthread_mutex_t lock;
  mem_entry *v;
  size_t n, cap;
} mem_kv;

/* The namespace and the key joined by a NUL: a namespace has no NUL, so the entries of one
 * namespace are contiguous and in key byte order. */
static uint8_t *make_id(const char *ns, size_t ns_len, const char *key, size_t key_len,
                        size_t extra, size_t *len) {
  uint8_t *id = malloc(ns_len + 1 + key_len + extra + 1);
  if (!id)
    return NULL;
  memcpy(id, ns, ns_len);
  id[ns_len] = 0;
  if (key_len)
    memcpy(id + ns_len + 1, key, key_len);
  *len = ns_len + 1 + key_len;
  return id;
}

static int cmp_bytes(const uint8_t *a, size_t al, const uint8_t *b, size_t bl) {
  int c = memcmp(a, b, al < bl ? al : bl);
  return c ? c : al < bl ? -1 : al > bl;
}

/* Index of the first entry whose id is >= id. */
static size_t lower_bound(const mem_kv *m, const uint8_t *id, size_t len) {
  size_t lo = 0, hi = m->n;
  while (lo < hi) {
    size_t mid = lo + (hi - lo) / 2;
    if (cmp_bytes(m->v[mid].data, m->v[mid].id_len, id, len) < 0)
      lo = mid + 1;
    else
      hi = mid;
  }
  return lo;
}

static bool found_at(const mem_kv *m, size_t i, const uint8_t *id, size_t len) {
  return i < m->n && cmp_bytes(m->v[i].data, m->v[i].id_len, id, len) == 0;
}

static void remove_at(mem_kv *m, size_t i) {
  free(m->v[i].data);
  memmove(&m->v[i], &m->v[i + 1], (m->n - i - 1) * sizeof(mem_entry));
  m->n--;
}

static int mem_get(void *backend, const char *ns, size_t ns_len, const char *key,
                   size_t key_len, edgefn_kv_get_cb cb, void *cb_data) {
  mem_kv *m = backend;
  size_t len;
  uint8_t *id = make_id(ns, ns_len, key, key_len, 0, &len);
  if (!id)
    return EDGEFN_ENOMEM;
  pthread_mutex_lock(&m->lock);
  size_t i = lower_bound(m, id, len);
  bool hit = found_at(m, i, id, len) && !kv__expired(m->v[i].expiration, kv__now_s());
  free(id);
  uint8_t *copy = NULL;
  edgefn_kv_value v = {sizeof(v), NULL, 0, NULL, 0, 0};
  int rc = 0;
  if (hit) {
    /* Copied so that the callback runs outside the lock (it may call the store again). */
    const mem_entry *e = &m->v[i];
    size_t total = e->value_len + e->meta_len;
    copy = malloc(total + 1);
    if (!copy) {
      rc = EDGEFN_ENOMEM;
    } else {
      memcpy(copy, e->data + e->id_len, total);
      v.data = copy;
      v.len = e->value_len;
      v.metadata = e->has_meta ? (const char *)copy + e->value_len : NULL;
      v.metadata_len = e->meta_len;
      v.expiration = e->expiration;
    }
  }
  pthread_mutex_unlock(&m->lock);
  if (rc != 0)
    return rc;
  cb(cb_data, 0, hit ? &v : NULL);
  free(copy);
  return 0;
}

static int mem_put(void *backend, const char *ns, size_t ns_len, const char *key,
                   size_t key_len, const edgefn_kv_value *value, edgefn_kv_done_cb cb,
                   void *cb_data) {
  mem_kv *m = backend;
  size_t meta_len = value->metadata ? value->metadata_len : 0;
  size_t len;
  uint8_t *data = make_id(ns, ns_len, key, key_len, value->len + meta_len, &len);
  if (!data)
    return EDGEFN_ENOMEM;
  if (value->len)
    memcpy(data + len, value->data, value->len);
  if (meta_len)
    memcpy(data + len + value->len, value->metadata, meta_len);
  mem_entry e = {len, value->len, meta_len, value->metadata != NULL, value->expiration, data};
  pthread_mutex_lock(&m->lock);
  size_t i = lower_bound(m, data, len);
  if (found_at(m, i, data, len)) {
    free(m->v[i].data);
    m->v[i] = e;
  } else {
    if (m->n == m->cap) {
      size_t cap = m->cap ? m->cap * 2 : 16;
      mem_entry *nv = realloc(m->v, cap * sizeof(*nv));
      if (!nv) {
        pthread_mutex_unlock(&m->lock);
        free(data);
        return EDGEFN_ENOMEM;
      }
      m->v = nv;
      m->cap = cap;
    }
    memmove(&m->v[i + 1], &m->v[i], (m->n - i) * sizeof(mem_entry));
    m->v[i] = e;
    m->n++;
  }
  pthread_mutex_unlock(&m->lock);
  cb(cb_data, 0);
  return 0;
}

static int mem_remove(void *backend, const char *ns, size_t ns_len, const char *key,
                      size_t key_len, edgefn_kv_done_cb cb, void *cb_data) {
  mem_kv *m = backend;
  size_t len;
  uint8_t *id = make_id(ns, ns_len, key, key_len, 0, &len);
  if (!id)
    return EDGEFN_ENOMEM;
  pthread_mutex_lock(&m->lock);
  size_t i = lower_bound(m, id, len);
  if (found_at(m, i, id, len))
    remove_at(m, i);
  pthread_mutex_unlock(&m->lock);
  free(id);
  cb(cb_data, 0);
  return 0;
}

static int mem_list(void *backend, const char *ns, size_t ns_len, const char *prefix,
                    size_t prefix_len, uint32_t limit, const char *cursor, size_t cursor_len,
                    edgefn_kv_list_cb cb, void *cb_data) {
  mem_kv *m = backend;
  size_t plen = 0, clen = 0;
  uint8_t *pid = make_id(ns, ns_len, prefix, prefix_len, 0, &plen);
  uint8_t *cid = cursor_len ? make_id(ns, ns_len, cursor, cursor_len, 0, &clen) : NULL;
  edgefn_kv_key *keys = calloc(limit ? limit : 1, sizeof(*keys));
  uint8_t **copies = calloc(limit ? limit : 1, sizeof(*copies));
  int rc = pid && keys && copies && (cid || !cursor_len) ? 0 : EDGEFN_ENOMEM;
  size_t count = 0;
  bool complete = true;
  if (rc == 0) {
    int64_t now = kv__now_s();
    pthread_mutex_lock(&m->lock);
    size_t i = lower_bound(m, pid, plen);
    if (cid) { /* resume after the cursor's key */
      size_t j = lower_bound(m, cid, clen);
      if (found_at(m, j, cid, clen))
        j++;
      if (j > i)
        i = j;
    }
    for (; i < m->n; i++) {
      const mem_entry *e = &m->v[i];
      if (e->id_len < plen || memcmp(e->data, pid, plen) != 0)
        break;
      if (kv__expired(e->expiration, now))
        continue;
      if (count == limit) {
        complete = false;
        break;
      }
      size_t klen = e->id_len - ns_len - 1;
      uint8_t *c = malloc(klen + e->meta_len + 1);
      if (!c) {
        rc = EDGEFN_ENOMEM;
        break;
      }
      memcpy(c, e->data + ns_len + 1, klen);
      memcpy(c + klen, e->data + e->id_len + e->value_len, e->meta_len);
      copies[count] = c;
      keys[count] = (edgefn_kv_key){sizeof(edgefn_kv_key), (const char *)c, klen,
                                    e->has_meta ? (const char *)c + klen : NULL, e->meta_len,
                                    e->expiration};
      count++;
    }
    pthread_mutex_unlock(&m->lock);
  }
  if (rc == 0) {
    const edgefn_kv_key *last = count ? &keys[count - 1] : NULL;
    char *cur = NULL;
    if (!complete && last) {
      cur = malloc(last->name_len + 1);
      if (cur) {
        memcpy(cur, last->name, last->name_len);
        cur[last->name_len] = 0;
      } else {
        rc = EDGEFN_ENOMEM;
      }
    }
    if (rc == 0) {
      edgefn_kv_list_result r = {sizeof(r), keys, count, complete, cur ? cur : "",
                                 cur ? last->name_len : 0};
      cb(cb_data, 0, &r);
    }
    free(cur);
  }
  for (size_t i = 0; copies && i < count; i++)
    free(copies[i]);
  free(copies);
  free(keys);
  free(pid);
  free(cid);
  return rc;
}

static void mem_release(void *backend) {
  mem_kv *m = backend;
  for (size_t i = 0; i < m->n; i++)
    free(m->v[i].data);
  free(m->v);
  pthread_mutex_destroy(&m->lock);
  free(m);
}

static const edgefn_kv_ops mem_ops = {EDGEFN_KV_OPS_VERSION, mem_get, mem_put, mem_remove,
                                      mem_list, mem_release};

int edgefn_kv_memory_new(edgefn_kv **out) {
  if (!out)
    return EDGEFN_EINVAL;
  *out = NULL;
  mem_kv *m = calloc(1, sizeof(*m));
  if (!m)
    return EDGEFN_ENOMEM;
  pthread_mutex_init(&m->lock, NULL);
  int rc = edgefn_kv_new(out, &mem_ops, m);
  if (rc != 0)
    mem_release(m);
  return rc;
}
