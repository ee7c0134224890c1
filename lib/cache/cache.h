/* The cache part's internal interface: RFC 9111 policy (policy.c, pure functions), the
 * serialised head of a stored response (entry.c), the built-in memory backend (memory.c),
 * and what the cache fetcher (fetcher.c) needs from the shared edgefn_cache (cache.c). */
#ifndef EDGEFN_CACHE_INTERNAL_H
#define EDGEFN_CACHE_INTERNAL_H

#include "core/core.h"

/* ---- header lists that own their strings (header.c helpers live in policy.c) ---- */

typedef struct cache__hlist {
  edgefn_header *h;
  size_t n, cap;
} cache__hlist;

/* Appends a copy of name/value. value may be NULL (kept as NULL: "absent", used for Vary
 * values a request did not send). Returns 0 or EDGEFN_ENOMEM. */
EDGEFN_INTERNAL int cache__hlist_add(cache__hlist *l, const char *name, size_t name_len,
                                     const char *value, size_t value_len);
/* Removes every line named `name` (NUL-terminated, any case). */
EDGEFN_INTERNAL void cache__hlist_remove(cache__hlist *l, const char *name);
EDGEFN_INTERNAL void cache__hlist_free(cache__hlist *l);

/* True when the header name (a, alen) equals NUL-terminated b without regard to case. */
EDGEFN_INTERNAL bool cache__name_eq(const char *a, size_t alen, const char *b);
/* The first line named `name`, or NULL. */
EDGEFN_INTERNAL const edgefn_header *cache__hfind(const edgefn_header *h, size_t n,
                                                  const char *name);
/* All lines named `name` joined with ", " into a new NUL-terminated string (*len set), or
 * NULL when there is none (or memory ran out). The caller frees it. */
EDGEFN_INTERNAL char *cache__hjoin(const edgefn_header *h, size_t n, const char *name,
                                   size_t *len);

/* ---- Cache-Control (RFC 9111 §5.2) ---- */

typedef struct cache__cc {
  bool any; /* at least one directive was seen */
  bool no_store, no_cache, private_, public_, must_revalidate, proxy_revalidate;
  bool only_if_cached, immutable, must_understand;
  bool no_cache_fields_set, private_fields_set; /* qualified forms: no-cache="a, b" */
  /* Seconds; -1 when absent. An invalid value counts as 0 (a stale response). max_stale
   * without a value is INT64_MAX ("any staleness"). */
  int64_t max_age, s_maxage, max_stale, min_fresh, stale_while_revalidate, stale_if_error;
  char no_cache_fields[256]; /* lower-case names, comma separated, as the directive gave */
  char private_fields[256];
} cache__cc;

EDGEFN_INTERNAL void cache__cc_init(cache__cc *cc);
/* Adds the directives of one field value; the first occurrence of a directive wins. */
EDGEFN_INTERNAL void cache__cc_parse(cache__cc *cc, const char *v, size_t len);
/* Initialises cc from every line named `name`. */
EDGEFN_INTERNAL void cache__cc_from_headers(cache__cc *cc, const edgefn_header *h, size_t n,
                                            const char *name);
/* True when `name` is listed in a comma-separated field list such as no_cache_fields. */
EDGEFN_INTERNAL bool cache__field_listed(const char *list, const char *name, size_t name_len);

/* An HTTP-date (IMF-fixdate, RFC 850 or asctime form) as Unix seconds; INT64_MIN when the
 * text is not a date. */
EDGEFN_INTERNAL int64_t cache__http_date(const char *s, size_t len);
/* Writes an IMF-fixdate for Unix seconds t into out (30 bytes with the NUL). */
EDGEFN_INTERNAL void cache__format_date(int64_t t, char out[30]);

/* ---- what RFC 9111 decides about one response ---- */

#define CACHE_NO_DATE INT64_MIN

typedef struct cache__resp {
  int status;
  cache__cc cc; /* the directives that govern caching: CDN-Cache-Control when a shared
                   cache sees it (RFC 9213), else Cache-Control */
  bool from_cdn_cc;
  bool has_expires;
  int64_t expires;       /* seconds; CACHE_NO_DATE when invalid (counts as expired) */
  int64_t date;          /* CACHE_NO_DATE when absent */
  int64_t last_modified; /* CACHE_NO_DATE when absent */
  int64_t age;           /* seconds from the Age field; 0 when absent or invalid */
  bool has_etag, has_last_modified;
  bool vary_star;
} cache__resp;

EDGEFN_INTERNAL void cache__resp_parse(cache__resp *r, int status, const edgefn_header *h,
                                       size_t n, bool shared);
/* Status codes heuristically cacheable (RFC 9110 §15.1). */
EDGEFN_INTERNAL bool cache__heuristic_status(int status);
/* RFC 9111 §3: may this response to a GET be stored? req_cc is the request's directives. */
EDGEFN_INTERNAL bool cache__storable(const cache__resp *r, const cache__cc *req_cc,
                                     bool req_has_authorization, bool shared);
/* RFC 9111 §4.2.1 and §4.2.2: freshness lifetime in ms; response_time_ms is when the response
 * arrived (used when Date is absent). */
EDGEFN_INTERNAL int64_t cache__freshness_ms(const cache__resp *r, bool shared,
                                            int64_t response_time_ms);
/* RFC 9111 §4.2.3: the current age in ms. */
EDGEFN_INTERNAL int64_t cache__current_age_ms(const cache__resp *r, int64_t request_time_ms,
                                              int64_t response_time_ms, int64_t now_ms);
/* True when a stale copy must not be served without revalidation (must-revalidate, and for a
 * shared cache proxy-revalidate and s-maxage). */
EDGEFN_INTERNAL bool cache__must_revalidate(const cache__resp *r, bool shared);

/* ---- stored heads (entry.c) ---- */

typedef struct cache__stored {
  int status;
  char *status_text;
  cache__hlist headers;
  cache__hlist vary; /* lower-case names of Vary'd request headers and the request's values
                        (NULL value: the request did not send it) */
  int64_t request_time_ms, response_time_ms;
} cache__stored;

EDGEFN_INTERNAL int cache__meta_encode(const cache__stored *s, uint8_t **out, size_t *len);
EDGEFN_INTERNAL int cache__meta_decode(cache__stored *s, const uint8_t *p, size_t len);
EDGEFN_INTERNAL void cache__stored_free(cache__stored *s);
/* Fills s->vary from the response's Vary field and the request's headers. */
EDGEFN_INTERNAL int cache__vary_capture(cache__stored *s, const edgefn_header *req, size_t n);
/* A request's value of one header, normalised as Vary comparisons need it (a new string the
 * caller frees, *len set), or NULL when the request has no such header. */
EDGEFN_INTERNAL char *cache__vary_value(const edgefn_header *req, size_t n, const char *name,
                                        size_t *len);
/* True when a request's headers match the values captured with the stored response. */
EDGEFN_INTERNAL bool cache__vary_match(const cache__stored *s, const edgefn_header *req,
                                       size_t n);

/* ---- Vary variants over a backend (variants.c) ---- */

typedef void (*cache__variant_cb)(void *data, int result, const edgefn_cache_entry *entry);
typedef void (*cache__done_cb)(void *data, int result);

/* Looks up what is stored for `key` and a request with headers req[0..n) (which must stay
 * valid until cb): the plain entry, or the variant the request's Vary'd headers select. cb
 * gets what edgefn_cache_get_cb gets (a miss is entry NULL). Returns 0, or a negative code
 * and cb is not called. */
EDGEFN_INTERNAL int cache__lookup(const edgefn_cache *c, const char *key, size_t key_len,
                                  const edgefn_header *req, size_t n, cache__variant_cb cb,
                                  void *data);
/* Stores a response under `key` (copied, as are st and body): as the one entry when st has
 * no Vary values, else as one variant among others. cb (may be NULL) gets the outcome.
 * Returns 0, or a negative code (EDGEFN_EINVAL for Vary: *) and cb is not called. */
EDGEFN_INTERNAL int cache__store(edgefn_cache *c, const char *key, size_t key_len,
                                 const cache__stored *st, const uint8_t *body, size_t body_len,
                                 cache__done_cb cb, void *data);

/* ---- built-in memory backend (memory.c) ---- */

EDGEFN_INTERNAL int cache__memory_new(void **out, size_t budget, uint32_t shards);
EDGEFN_INTERNAL const edgefn_cache_ops *cache__memory_ops(void);
EDGEFN_INTERNAL size_t cache__memory_bytes(void *backend);
EDGEFN_INTERNAL size_t cache__memory_entries(void *backend);

/* ---- the shared cache (cache.c) ---- */

EDGEFN_INTERNAL int64_t cache__now_ms(const edgefn_cache *c);
EDGEFN_INTERNAL bool cache__is_shared(const edgefn_cache *c);
EDGEFN_INTERNAL size_t cache__max_entry(const edgefn_cache *c);
EDGEFN_INTERNAL const edgefn_cache_ops *cache__ops(const edgefn_cache *c, void **backend);

#endif
