/* Several stored responses per URL when the origin answers with Vary (RFC 9111 §4.1).
 *
 * A response without Vary is stored under its primary key as before. A response with Vary
 * turns the primary key into an index entry — which request headers select a variant, and a
 * generation number — and is stored under a secondary key made of the primary key, the
 * generation and the request's normalised values of those headers:
 *
 *   index meta:  "EFV1"  u64 generation  u32 count  (u32 length + lower-case name)*
 *   variant key: primary key "\n#vary " generation ("\n" name ":" value)*   (an absent
 *                header's value is written as "\x01", which no header value contains)
 *
 * A lookup reads the primary key; when it finds an index it reads the variant the request
 * selects. Removing the primary key (invalidation, Cache API delete) therefore removes every
 * variant at once: they become unreachable, and a later index starts a new generation, so an
 * old variant can never come back; the backend's LRU reclaims them. With a backend that
 * answers asynchronously, two first variants stored at the same moment may each start a
 * generation; the later index wins and the other variant is a miss next time (never a wrong
 * answer). */
#include "cache/cache.h"

#include <edgefn/cache.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define INDEX_MAGIC "EFV1"

typedef struct vindex {
  uint64_t generation;
  cache__hlist names; /* values unused */
} vindex;

static void put_le(uint8_t *p, uint64_t v, int bytes) {
  for (int i = 0; i < bytes; i++)
    p[i] = (uint8_t)(v >> (8 * i));
}

static uint64_t get_le(const uint8_t *p, int bytes) {
  uint64_t v = 0;
  for (int i = 0; i < bytes; i++)
    v |= (uint64_t)p[i] << (8 * i);
  return v;
}

static bool is_index(const edgefn_cache_entry *e) {
  return e && e->meta_len >= 4 && memcmp(e->meta, INDEX_MAGIC, 4) == 0;
}

static int index_decode(vindex *x, const uint8_t *p, size_t len) {
  memset(x, 0, sizeof(*x));
  if (len < 16 || memcmp(p, INDEX_MAGIC, 4) != 0)
    return EDGEFN_EINVAL;
  x->generation = get_le(p + 4, 8);
  uint32_t n = (uint32_t)get_le(p + 12, 4);
  size_t off = 16;
  for (uint32_t i = 0; i < n; i++) {
    if (len - off < 4)
      goto bad;
    size_t nl = (size_t)get_le(p + off, 4);
    off += 4;
    if (nl == 0 || len - off < nl)
      goto bad;
    if (cache__hlist_add(&x->names, (const char *)p + off, nl, NULL, 0) != 0) {
      cache__hlist_free(&x->names);
      return EDGEFN_ENOMEM;
    }
    off += nl;
  }
  if (off != len)
    goto bad;
  return 0;
bad:
  cache__hlist_free(&x->names);
  return EDGEFN_EINVAL;
}

static int index_encode(uint64_t generation, const cache__hlist *vary, uint8_t **out,
                        size_t *len) {
  size_t n = 16;
  for (size_t i = 0; i < vary->n; i++)
    n += 4 + vary->h[i].name_len;
  uint8_t *p = malloc(n);
  if (!p)
    return EDGEFN_ENOMEM;
  memcpy(p, INDEX_MAGIC, 4);
  put_le(p + 4, generation, 8);
  put_le(p + 12, vary->n, 4);
  size_t off = 16;
  for (size_t i = 0; i < vary->n; i++) {
    put_le(p + off, vary->h[i].name_len, 4);
    memcpy(p + off + 4, vary->h[i].name, vary->h[i].name_len);
    off += 4 + vary->h[i].name_len;
  }
  *out = p;
  *len = n;
  return 0;
}

/* The same header names in the same order. */
static bool same_names(const cache__hlist *a, const cache__hlist *b) {
  if (a->n != b->n)
    return false;
  for (size_t i = 0; i < a->n; i++)
    if (a->h[i].name_len != b->h[i].name_len ||
        memcmp(a->h[i].name, b->h[i].name, a->h[i].name_len) != 0)
      return false;
  return true;
}

/* The variant key for name/value pairs (values already normalised; NULL = absent). */
static char *variant_key(const char *key, size_t key_len, uint64_t generation,
                         const cache__hlist *pairs, size_t *out_len) {
  size_t n = key_len + 32;
  for (size_t i = 0; i < pairs->n; i++)
    n += 2 + pairs->h[i].name_len + (pairs->h[i].value ? pairs->h[i].value_len : 1);
  char *k = malloc(n);
  if (!k)
    return NULL;
  memcpy(k, key, key_len);
  size_t off = key_len;
  off += (size_t)snprintf(k + off, n - off, "\n#vary %llx", (unsigned long long)generation);
  for (size_t i = 0; i < pairs->n; i++) {
    const edgefn_header *h = &pairs->h[i];
    k[off++] = '\n';
    memcpy(k + off, h->name, h->name_len);
    off += h->name_len;
    k[off++] = ':';
    if (h->value) {
      memcpy(k + off, h->value, h->value_len);
      off += h->value_len;
    } else {
      k[off++] = '\x01';
    }
  }
  *out_len = off;
  return k;
}

static void ignore_done(void *data, int result) {
  (void)data;
  (void)result; /* a failed put only means a later miss */
}

/* ---- lookup ---- */

typedef struct lookup {
  const edgefn_cache *cache;
  const edgefn_header *req;
  size_t req_n;
  cache__variant_cb cb;
  void *data;
  char *key;
  size_t key_len;
} lookup;

static void on_variant(void *data, int result, const edgefn_cache_entry *e) {
  lookup *l = data;
  cache__variant_cb cb = l->cb;
  void *cb_data = l->data;
  free(l->key);
  free(l);
  cb(cb_data, result, is_index(e) ? NULL : e);
}

static void on_primary(void *data, int result, const edgefn_cache_entry *e) {
  lookup *l = data;
  if (result != 0 || !is_index(e)) {
    on_variant(l, result, e);
    return;
  }
  vindex x;
  cache__hlist pairs = {0};
  int rc = index_decode(&x, e->meta, e->meta_len);
  for (size_t i = 0; rc == 0 && i < x.names.n; i++) {
    size_t vl = 0;
    char *v = cache__vary_value(l->req, l->req_n, x.names.h[i].name, &vl);
    rc = cache__hlist_add(&pairs, x.names.h[i].name, x.names.h[i].name_len, v, vl);
    free(v);
  }
  size_t vk_len = 0;
  char *vk = rc == 0 ? variant_key(l->key, l->key_len, x.generation, &pairs, &vk_len) : NULL;
  cache__hlist_free(&pairs);
  cache__hlist_free(&x.names);
  if (!vk) {
    /* A damaged index is a miss; memory trouble is reported. */
    on_variant(l, rc == EDGEFN_EINVAL ? 0 : EDGEFN_ENOMEM, NULL);
    return;
  }
  free(l->key);
  l->key = vk;
  l->key_len = vk_len;
  void *be;
  const edgefn_cache_ops *ops = cache__ops(l->cache, &be);
  rc = ops->get(be, vk, vk_len, on_variant, l);
  if (rc != 0)
    on_variant(l, rc, NULL);
}

int cache__lookup(const edgefn_cache *c, const char *key, size_t key_len,
                  const edgefn_header *req, size_t req_n, cache__variant_cb cb, void *data) {
  lookup *l = calloc(1, sizeof(*l));
  char *k = l ? edgefn__strndup(key, key_len) : NULL;
  if (!k) {
    free(l);
    return EDGEFN_ENOMEM;
  }
  *l = (lookup){c, req, req_n, cb, data, k, key_len};
  void *be;
  const edgefn_cache_ops *ops = cache__ops(c, &be);
  int rc = ops->get(be, key, key_len, on_primary, l);
  if (rc != 0) {
    free(l->key);
    free(l);
  }
  return rc;
}

/* ---- store ---- */

typedef struct store {
  edgefn_cache *cache;
  char *key;
  size_t key_len;
  cache__hlist vary;
  uint8_t *meta;
  size_t meta_len;
  uint8_t *body;
  size_t body_len;
  cache__done_cb cb;
  void *data;
} store;

static void store_free(store *s) {
  edgefn_cache_free(s->cache);
  free(s->key);
  cache__hlist_free(&s->vary);
  free(s->meta);
  free(s->body);
  free(s);
}

static void store_finish(store *s, int result) {
  cache__done_cb cb = s->cb;
  void *data = s->data;
  store_free(s);
  if (cb)
    cb(data, result);
}

static void on_variant_put(void *data, int result) { store_finish(data, result); }

static void put_variant(store *s, uint64_t generation) {
  size_t vk_len = 0;
  char *vk = variant_key(s->key, s->key_len, generation, &s->vary, &vk_len);
  if (!vk) {
    store_finish(s, EDGEFN_ENOMEM);
    return;
  }
  void *be;
  const edgefn_cache_ops *ops = cache__ops(s->cache, &be);
  edgefn_cache_entry e = {sizeof(e), s->meta, s->meta_len, s->body, s->body_len, 0};
  int rc = ops->put(be, vk, vk_len, &e, on_variant_put, s);
  free(vk);
  if (rc != 0)
    store_finish(s, rc);
}

static void on_index_read(void *data, int result, const edgefn_cache_entry *e) {
  store *s = data;
  vindex x;
  if (result == 0 && is_index(e) && index_decode(&x, e->meta, e->meta_len) == 0) {
    bool same = same_names(&x.names, &s->vary);
    cache__hlist_free(&x.names);
    if (same) {
      put_variant(s, x.generation); /* the index stands: add this variant to it */
      return;
    }
  }
  /* No index (or one for other headers): start a new generation, which also retires every
   * variant stored under an earlier one. */
  uint64_t generation = 0;
  if (edgefn__random_bytes(&generation, sizeof(generation)) != 0)
    generation = (uint64_t)cache__now_ms(s->cache);
  uint8_t *meta;
  size_t meta_len;
  int rc = index_encode(generation, &s->vary, &meta, &meta_len);
  if (rc != 0) {
    store_finish(s, rc);
    return;
  }
  void *be;
  const edgefn_cache_ops *ops = cache__ops(s->cache, &be);
  edgefn_cache_entry ie = {sizeof(ie), meta, meta_len, NULL, 0, 0};
  rc = ops->put(be, s->key, s->key_len, &ie, ignore_done, NULL);
  free(meta);
  if (rc != 0) {
    store_finish(s, rc);
    return;
  }
  put_variant(s, generation);
}

int cache__store(edgefn_cache *c, const char *key, size_t key_len, const cache__stored *st,
                 const uint8_t *body, size_t body_len, cache__done_cb cb, void *data) {
  for (size_t i = 0; i < st->vary.n; i++)
    if (strcmp(st->vary.h[i].name, "*") == 0)
      return EDGEFN_EINVAL; /* Vary: * never matches a later request */
  uint8_t *meta;
  size_t meta_len;
  int rc = cache__meta_encode(st, &meta, &meta_len);
  if (rc != 0)
    return rc;
  void *be;
  const edgefn_cache_ops *ops = cache__ops(c, &be);
  if (st->vary.n == 0) {
    /* Replaces an index too: the resource no longer varies. */
    edgefn_cache_entry e = {sizeof(e), meta, meta_len, body, body_len, 0};
    rc = ops->put(be, key, key_len, &e, cb ? cb : ignore_done, data);
    free(meta);
    return rc;
  }
  store *s = calloc(1, sizeof(*s));
  if (!s) {
    free(meta);
    return EDGEFN_ENOMEM;
  }
  s->cache = edgefn_cache_ref(c);
  s->key = edgefn__strndup(key, key_len);
  s->key_len = key_len;
  s->meta = meta;
  s->meta_len = meta_len;
  s->body = malloc(body_len ? body_len : 1);
  s->body_len = body_len;
  s->cb = cb;
  s->data = data;
  rc = s->key && s->body ? 0 : EDGEFN_ENOMEM;
  if (rc == 0 && body_len)
    memcpy(s->body, body, body_len);
  for (size_t i = 0; rc == 0 && i < st->vary.n; i++)
    rc = cache__hlist_add(&s->vary, st->vary.h[i].name, st->vary.h[i].name_len,
                          st->vary.h[i].value, st->vary.h[i].value_len);
  if (rc == 0)
    rc = ops->get(be, key, key_len, on_index_read, s);
  if (rc != 0) {
    s->cb = NULL; /* no callback when the call fails */
    store_finish(s, rc);
  }
  return rc;
}
