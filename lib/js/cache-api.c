/* The Cache API (`caches.default`, `caches.open(name)`, Cache.prototype.match/put/delete)
 * over the runtime's edgefn_cache.
 *
 * match goes through a cache fetcher asked with `Cache-Control: only-if-cached`, so the
 * fetcher's RFC 9111 freshness, Vary, Range and conditional handling answer it and nothing
 * ever goes upstream: a stored response that is stale or needs revalidation (no-cache) is
 * "absent". put stores what RFC 9111 lets a shared cache store (refusing 206, `Vary: *`,
 * no-store and private with a TypeError, as EdgeOne and Workers do); a response with no
 * freshness information is stored but is stale at once, so match does not return it.
 *
 * Backend callbacks never run script code: they record the answer and queue a deferred
 * callback that enters JavaScript through edgefn__rt_invoke, as fetch() does. */
#include "cache/cache.h"
#include "js/runtime.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define KEY_NS DUK_HIDDEN_SYMBOL("cns")
#define KEY_DEFAULT DUK_HIDDEN_SYMBOL("cdef")
#define NO_CACHE_MSG "the host gave this runtime no cache"

enum { OP_MATCH, OP_PUT, OP_DELETE };

typedef struct edgefn__cache_op edgefn__cache_op;
struct edgefn__cache_op {
  edgefn__cache_op *next, *prev;
  edgefn_runtime *rt; /* NULL once the runtime is gone and a backend still holds the op */
  edgefn_cache *cache;
  uint32_t id, exchange_id;
  int kind;
  edgefn__defer settle;
  int result;
  bool found;
  void *fetcher;
  bool closing; /* the fetcher is being freed: its callbacks are ignored */
  bool in_backend; /* a put, get or remove has not answered yet */
  char *key;
  size_t key_len;
  /* match: what the fetcher answered */
  int status;
  char status_text[64];
  cache__hlist headers;
  bool hit;
  uint8_t *body;
  size_t body_len;
  bool oom;
};

static void stash_key(char *buf, size_t size, uint32_t id) { snprintf(buf, size, "c%u", id); }

static void op_destroy(edgefn__cache_op *o) {
  cache__hlist_free(&o->headers);
  free(o->body);
  free(o->key);
  edgefn_cache_free(o->cache);
  free(o);
}

static void op_unlink(edgefn__cache_op *o) {
  edgefn_runtime *rt = o->rt;
  if (o->prev)
    o->prev->next = o->next;
  else
    rt->cache_ops = o->next;
  if (o->next)
    o->next->prev = o->prev;
  o->next = o->prev = NULL;
  edgefn__defer_cancel(rt->loop, &o->settle);
  if (o->fetcher) {
    o->closing = true;
    edgefn_cache_fetcher_free(o->fetcher);
    o->fetcher = NULL;
  }
}

/* Ends an op whose promise is settled or abandoned; pending = a backend still holds it. */
static void op_finish(edgefn__cache_op *o, bool pending) {
  edgefn_runtime *rt = o->rt;
  op_unlink(o);
  char key[16];
  stash_key(key, sizeof(key), o->id);
  if (!rt->freeing)
    edgefn__rt_stash_delete(rt, key);
  o->rt = NULL;
  if (!pending)
    op_destroy(o);
}

/* ---- backend and fetcher callbacks: record, then settle from the loop ---- */

static void queue_settle(edgefn__cache_op *o) {
  if (!o->rt) {
    op_destroy(o); /* the runtime went while the backend held it */
    return;
  }
  edgefn__defer_queue(o->rt->loop, &o->settle);
}

static void on_head(void *ud, const edgefn_response_head *head) {
  edgefn__cache_op *o = ud;
  if (o->closing)
    return;
  o->status = head->status;
  snprintf(o->status_text, sizeof(o->status_text), "%s",
           head->status_text ? head->status_text : "");
  for (size_t i = 0; i < head->header_count; i++) {
    const edgefn_header *h = &head->headers[i];
    if (cache__name_eq(h->name, h->name_len, EDGEFN_CACHE_STATUS_HEADER)) {
      /* HIT and STALE come from the store; anything else is the fetcher's own 504. */
      o->hit = (h->value_len == 3 && memcmp(h->value, "HIT", 3) == 0) ||
               (h->value_len == 5 && memcmp(h->value, "STALE", 5) == 0);
      continue;
    }
    if (cache__hlist_add(&o->headers, h->name, h->name_len, h->value, h->value_len) != 0)
      o->oom = true;
  }
}

static void on_body(void *ud, const uint8_t *data, size_t len) {
  edgefn__cache_op *o = ud;
  if (o->closing || o->oom)
    return;
  uint8_t *b = realloc(o->body, o->body_len + len);
  if (!b) {
    o->oom = true;
    return;
  }
  o->body = b;
  memcpy(o->body + o->body_len, data, len);
  o->body_len += len;
}

static void on_end(void *ud, int result) {
  edgefn__cache_op *o = ud;
  if (o->closing)
    return;
  o->result = o->oom ? EDGEFN_ENOMEM : result;
  queue_settle(o);
}

static void on_done(void *ud, int result) {
  edgefn__cache_op *o = ud;
  o->in_backend = false;
  o->result = result;
  queue_settle(o);
}

static void on_delete_lookup(void *ud, int result, const edgefn_cache_entry *e) {
  edgefn__cache_op *o = ud;
  o->in_backend = false;
  if (result != 0 || !e || !o->rt) {
    o->result = result;
    queue_settle(o);
    return;
  }
  o->found = true;
  void *be;
  const edgefn_cache_ops *ops = cache__ops(o->cache, &be);
  o->in_backend = true;
  int rc = ops->remove(be, o->key, o->key_len, on_done, o);
  if (rc != 0)
    on_done(o, rc);
}

/* The upstream of match's fetcher: only-if-cached never reaches it. */
static int no_upstream_start(void *backend, edgefn_loop *loop, const edgefn_request *req,
                             const edgefn_response_handler *h, void *hd, void **op) {
  (void)backend, (void)loop, (void)req, (void)h, (void)hd, (void)op;
  return EDGEFN_EINVAL;
}
static void no_upstream_cancel(void *backend, void *op) { (void)backend, (void)op; }
static const edgefn_fetch_ops no_upstream = {1, no_upstream_start,
                                             no_upstream_cancel, NULL, NULL};

/* ---- settling in JavaScript ---- */

static void reject_type_error(duk_context *ctx, const char *msg) { /* [entry] */
  duk_get_prop_literal(ctx, -1, "reject");
  duk_push_error_object(ctx, DUK_ERR_TYPE_ERROR, "%s", msg);
  duk_call(ctx, 1);
  duk_pop(ctx);
}

/* Pushes a new Response (mutable headers) for what match's fetcher delivered. */
static void push_match_response(duk_context *ctx, edgefn__cache_op *o) {
  duk_get_global_literal(ctx, "Response");
  bool null_body = o->status == 204 || o->status == 304 || o->status == 205;
  if (null_body) {
    duk_push_null(ctx);
  } else {
    void *b = duk_push_fixed_buffer(ctx, o->body_len);
    if (o->body_len)
      memcpy(b, o->body, o->body_len);
    duk_push_buffer_object(ctx, -1, 0, o->body_len, DUK_BUFOBJ_UINT8ARRAY);
    duk_remove(ctx, -2);
  }
  duk_push_object(ctx);
  duk_push_int(ctx, o->status);
  duk_put_prop_literal(ctx, -2, "status");
  duk_push_string(ctx, o->status_text);
  duk_put_prop_literal(ctx, -2, "statusText");
  duk_push_array(ctx);
  for (size_t i = 0; i < o->headers.n; i++) {
    const edgefn_header *h = &o->headers.h[i];
    duk_push_array(ctx);
    duk_push_lstring(ctx, h->name, h->name_len);
    duk_put_prop_index(ctx, -2, 0);
    duk_push_lstring(ctx, h->value, h->value_len);
    duk_put_prop_index(ctx, -2, 1);
    duk_put_prop_index(ctx, -2, (duk_uarridx_t)i);
  }
  duk_put_prop_literal(ctx, -2, "headers");
  duk_new(ctx, 2);
}

static duk_ret_t settle_safe(duk_context *ctx, void *udata) {
  edgefn__cache_op *o = udata;
  char key[16];
  stash_key(key, sizeof(key), o->id);
  duk_push_global_stash(ctx);
  duk_get_prop_string(ctx, -1, key);
  duk_remove(ctx, -2); /* [entry] */
  if (!duk_is_object(ctx, -1))
    return 0;
  if (o->result != 0) {
    char msg[160];
    snprintf(msg, sizeof(msg), "cache operation failed: %s", edgefn_strerror(o->result));
    reject_type_error(ctx, msg);
    return 0;
  }
  duk_get_prop_literal(ctx, -1, "resolve");
  if (o->kind == OP_MATCH && o->hit)
    push_match_response(ctx, o);
  else if (o->kind == OP_DELETE)
    duk_push_boolean(ctx, o->found);
  else
    duk_push_undefined(ctx);
  duk_call(ctx, 1);
  duk_pop_2(ctx);
  return 0;
}

static void settle_deferred(edgefn__defer *d) {
  edgefn__cache_op *o = d->data;
  edgefn_runtime *rt = o->rt;
  /* Unlinked first so that nothing the script does meanwhile can free it twice. */
  op_unlink(o);
  o->next = o->prev = NULL;
  edgefn__rt_invoke(rt, o->exchange_id, settle_safe, o, "cache");
  char key[16];
  stash_key(key, sizeof(key), o->id);
  edgefn__rt_stash_delete(rt, key);
  op_destroy(o);
}

/* ---- the script side ---- */

static duk_ret_t push_rejected_type_error(duk_context *ctx, const char *msg) {
  duk_push_error_object(ctx, DUK_ERR_TYPE_ERROR, "%s", msg);
  edgefn__promise_push_rejected(ctx, -1);
  return 1;
}

static duk_ret_t push_resolved(duk_context *ctx, bool has_value, bool value) {
  if (has_value)
    duk_push_boolean(ctx, value);
  else
    duk_push_undefined(ctx);
  edgefn__promise_push_resolved(ctx, -1);
  return 1;
}

static duk_ret_t new_request_safe(duk_context *ctx, void *udata) {
  (void)udata;
  duk_get_global_literal(ctx, "Request");
  duk_insert(ctx, -2);
  duk_new(ctx, 1);
  return 1;
}

/* Replaces the value at idx with a Request (a string or URL becomes new Request(it)).
 * Returns false with the error on top of the stack when that throws. */
static bool to_request(duk_context *ctx, duk_idx_t idx) {
  idx = duk_normalize_index(ctx, idx);
  if (edgefn__is_request(ctx, idx))
    return true;
  duk_dup(ctx, idx);
  if (duk_safe_call(ctx, new_request_safe, NULL, 1, 1) != DUK_EXEC_SUCCESS)
    return false;
  duk_replace(ctx, idx);
  return true;
}

static bool option_true(duk_context *ctx, duk_idx_t opts, const char *name) {
  if (!duk_is_object(ctx, opts))
    return false;
  duk_get_prop_string(ctx, opts, name);
  bool v = duk_to_boolean(ctx, -1);
  duk_pop(ctx);
  return v;
}

/* The key of a URL in the namespace of `this` Cache: "<ns> <url>", as the cache fetcher
 * builds it (no URL holds a space, so namespaces cannot collide). */
static char *make_key(duk_context *ctx, const char *url, size_t url_len, size_t *len) {
  duk_push_this(ctx);
  duk_get_prop_literal(ctx, -1, KEY_NS);
  if (!duk_is_string(ctx, -1))
    (void)duk_error(ctx, DUK_ERR_TYPE_ERROR, "Illegal invocation");
  duk_size_t nl;
  const char *ns = duk_get_lstring(ctx, -1, &nl);
  const char *hash = memchr(url, '#', url_len);
  if (hash)
    url_len = (size_t)(hash - url);
  char *key = malloc(nl + 1 + url_len + 1);
  if (key) {
    memcpy(key, ns, nl);
    key[nl] = ' ';
    memcpy(key + nl + 1, url, url_len);
    key[nl + 1 + url_len] = '\0';
    *len = nl + 1 + url_len;
  }
  duk_pop_2(ctx);
  return key;
}

/* Creates an op and its stash entry; pushes its promise. */
static edgefn__cache_op *op_new(duk_context *ctx, edgefn_runtime *rt, int kind) {
  edgefn__cache_op *o = calloc(1, sizeof(*o));
  if (!o)
    (void)duk_error(ctx, DUK_ERR_ERROR, "out of memory");
  o->rt = rt;
  o->cache = edgefn_cache_ref(rt->cache);
  o->kind = kind;
  o->id = rt->next_cache_op_id++;
  if (rt->next_cache_op_id == 0)
    rt->next_cache_op_id = 1;
  o->exchange_id = rt->current_exchange;
  edgefn__defer_init(&o->settle, settle_deferred, o);
  o->next = rt->cache_ops;
  if (o->next)
    o->next->prev = o;
  rt->cache_ops = o;
  char key[16];
  stash_key(key, sizeof(key), o->id);
  duk_get_global_literal(ctx, "Promise");
  duk_push_literal(ctx, "withResolvers");
  duk_call_prop(ctx, -2, 0);
  duk_push_global_stash(ctx);
  duk_dup(ctx, -2);
  duk_put_prop_string(ctx, -2, key);
  duk_pop(ctx);
  duk_get_prop_literal(ctx, -1, "promise");
  duk_remove(ctx, -2);
  duk_remove(ctx, -2);
  return o;
}

static duk_ret_t fail_op(duk_context *ctx, edgefn__cache_op *o, int rc) {
  o->in_backend = false;
  op_finish(o, false);
  duk_pop(ctx); /* its promise */
  char msg[160];
  snprintf(msg, sizeof(msg), "cache operation failed: %s", edgefn_strerror(rc));
  return push_rejected_type_error(ctx, msg);
}

static duk_ret_t cache_match(duk_context *ctx) {
  edgefn_runtime *rt = edgefn__rt_from_ctx(ctx);
  duk_set_top(ctx, 2);
  if (!rt || !rt->cache)
    return push_rejected_type_error(ctx, NO_CACHE_MSG);
  if (!to_request(ctx, 0)) {
    edgefn__promise_push_rejected(ctx, -1);
    return 1;
  }
  edgefn__request_parts p;
  edgefn__request_extract(ctx, 0, &p);
  if (strcmp(p.method, "GET") != 0 && !option_true(ctx, 1, "ignoreMethod")) {
    free(p.block);
    return push_resolved(ctx, false, false);
  }
  /* The request's own headers (Range, conditionals, Vary'd fields) go along; its caching
   * directives are replaced by only-if-cached so that the answer comes from the store. */
  cache__hlist hdrs = {0};
  int rc = 0;
  for (size_t i = 0; rc == 0 && i < p.header_count; i++) {
    const edgefn_header *h = &p.headers[i];
    if (!cache__name_eq(h->name, h->name_len, "cache-control") &&
        !cache__name_eq(h->name, h->name_len, "pragma"))
      rc = cache__hlist_add(&hdrs, h->name, h->name_len, h->value, h->value_len);
  }
  if (rc == 0)
    rc = cache__hlist_add(&hdrs, "cache-control", 13, "only-if-cached", 14);
  if (rc != 0) {
    cache__hlist_free(&hdrs);
    free(p.block);
    return duk_error(ctx, DUK_ERR_ERROR, "out of memory");
  }
  duk_push_this(ctx);
  duk_get_prop_literal(ctx, -1, KEY_NS);
  const char *ns = duk_get_string(ctx, -1);
  if (!ns) {
    cache__hlist_free(&hdrs);
    free(p.block);
    return duk_error(ctx, DUK_ERR_TYPE_ERROR, "Illegal invocation");
  }
  edgefn__cache_op *o = op_new(ctx, rt, OP_MATCH); /* [.. this ns promise] */
  edgefn_cache_fetcher_options fo = EDGEFN_CACHE_FETCHER_OPTIONS_INIT;
  fo.upstream_ops = &no_upstream;
  fo.key_prefix = ns;
  rc = edgefn_cache_fetcher_new(&o->fetcher, rt->loop, rt->cache, &fo);
  if (rc == 0) {
    edgefn_request req = EDGEFN_REQUEST_INIT;
    req.method = "GET";
    req.method_len = 3;
    req.url = p.url;
    req.url_len = p.url_len;
    req.headers = hdrs.h;
    req.header_count = hdrs.n;
    static const edgefn_response_handler handler = {sizeof(edgefn_response_handler), on_head,
                                                     on_body, on_end};
    rc = edgefn_cache_fetch_ops()->start(o->fetcher, rt->loop, &req, &handler, o, NULL);
  }
  cache__hlist_free(&hdrs);
  free(p.block);
  if (rc != 0)
    return fail_op(ctx, o, rc);
  return 1;
}

/* Why put refuses a response (EdgeOne and Workers), or NULL. */
static const char *put_refusal(const edgefn__response_parts *r) {
  if (r->status == 206)
    return "Cache.put: a partial response (206) cannot be cached";
  size_t vl = 0;
  char *vary = cache__hjoin(r->headers, r->header_count, "vary", &vl);
  bool star = vary && memchr(vary, '*', vl) != NULL;
  free(vary);
  if (star)
    return "Cache.put: a response with 'Vary: *' cannot be cached";
  cache__cc cc;
  cache__cc_from_headers(&cc, r->headers, r->header_count, "cache-control");
  if (cc.no_store)
    return "Cache.put: a response with 'Cache-Control: no-store' cannot be cached";
  if (cc.private_)
    return "Cache.put: a response with 'Cache-Control: private' cannot be cached";
  return NULL;
}

/* The head to store, with the request's values of the Vary'd headers; 0, or an error code
 * (st is then empty). */
static int build_head(edgefn_cache *cache, const edgefn__request_parts *q,
                      const edgefn__response_parts *r, cache__stored *st) {
  memset(st, 0, sizeof(*st));
  st->status = r->status;
  st->status_text = edgefn__strndup(r->status_text, strlen(r->status_text));
  int rc = st->status_text ? 0 : EDGEFN_ENOMEM;
  for (size_t i = 0; rc == 0 && i < r->header_count; i++) {
    const edgefn_header *h = &r->headers[i];
    if (!cache__name_eq(h->name, h->name_len, EDGEFN_CACHE_STATUS_HEADER))
      rc = cache__hlist_add(&st->headers, h->name, h->name_len, h->value, h->value_len);
  }
  if (rc == 0)
    rc = cache__vary_capture(st, q->headers, q->header_count);
  st->request_time_ms = st->response_time_ms = cache__now_ms(cache);
  if (rc != 0)
    cache__stored_free(st);
  return rc;
}

static duk_ret_t cache_put(duk_context *ctx) {
  edgefn_runtime *rt = edgefn__rt_from_ctx(ctx);
  duk_set_top(ctx, 2);
  if (!rt || !rt->cache)
    return push_rejected_type_error(ctx, NO_CACHE_MSG);
  if (!to_request(ctx, 0)) {
    edgefn__promise_push_rejected(ctx, -1);
    return 1;
  }
  if (!edgefn__is_response(ctx, 1))
    return push_rejected_type_error(ctx, "Cache.put: the second argument must be a Response");
  duk_get_prop_literal(ctx, 1, EDGEFN_KEY_BODY_USED);
  bool used = duk_to_boolean(ctx, -1);
  duk_pop(ctx);
  if (used)
    return push_rejected_type_error(ctx, "Cache.put: the response body has already been used");
  duk_get_prop_literal(ctx, 0, "method");
  bool get = strcmp(duk_safe_to_string(ctx, -1), "GET") == 0;
  duk_pop(ctx);
  if (!get)
    return push_rejected_type_error(ctx, "Cache.put: only GET requests can be cached");
  edgefn__response_parts r;
  edgefn__response_extract(ctx, 1, &r);
  if (r.body_stream) {
    edgefn__response_parts_free(&r);
    return push_rejected_type_error(ctx, "Cache.put: a Response whose body is a "
                                         "ReadableStream cannot be stored; put "
                                         "new Response(await response.arrayBuffer(), response)");
  }
  const char *refusal = put_refusal(&r);
  if (refusal) {
    edgefn__response_parts_free(&r);
    return push_rejected_type_error(ctx, refusal);
  }
  /* Workers consume the body: the Response cannot be read again. */
  duk_get_prop_literal(ctx, 1, EDGEFN_KEY_BODY);
  if (!duk_is_undefined(ctx, -1)) {
    duk_push_true(ctx);
    duk_put_prop_literal(ctx, 1, EDGEFN_KEY_BODY_USED);
  }
  duk_pop(ctx);
  if (r.body_len > cache__max_entry(rt->cache)) {
    edgefn__response_parts_free(&r);
    return push_rejected_type_error(ctx, "Cache.put: the response is too large to cache");
  }
  bool shared = cache__is_shared(rt->cache);
  cache__resp info;
  cache__resp_parse(&info, r.status, r.headers, r.header_count, shared);
  cache__cc req_cc;
  cache__cc_init(&req_cc);
  if (!cache__storable(&info, &req_cc, false, shared)) {
    edgefn__response_parts_free(&r); /* RFC 9111 does not let it be stored: nothing to do */
    return push_resolved(ctx, false, false);
  }
  edgefn__request_parts q;
  edgefn__request_extract(ctx, 0, &q);
  cache__stored st;
  int rc = build_head(rt->cache, &q, &r, &st);
  size_t key_len = 0;
  char *key = rc == 0 ? make_key(ctx, q.url, q.url_len, &key_len) : NULL;
  free(q.block);
  if (rc == 0 && !key)
    rc = EDGEFN_ENOMEM;
  if (rc != 0) {
    cache__stored_free(&st);
    edgefn__response_parts_free(&r);
    return push_rejected_type_error(ctx, "Cache.put: out of memory");
  }
  edgefn__cache_op *o = op_new(ctx, rt, OP_PUT);
  o->key = key;
  o->key_len = key_len;
  o->in_backend = true;
  /* With Vary, each set of the request's values keeps its own entry (variants.c). */
  rc = cache__store(rt->cache, key, key_len, &st, r.body, r.body_len, on_done, o);
  cache__stored_free(&st);
  edgefn__response_parts_free(&r);
  if (rc != 0)
    return fail_op(ctx, o, rc);
  return 1;
}

static duk_ret_t cache_delete(duk_context *ctx) {
  edgefn_runtime *rt = edgefn__rt_from_ctx(ctx);
  duk_set_top(ctx, 2);
  if (!rt || !rt->cache)
    return push_rejected_type_error(ctx, NO_CACHE_MSG);
  if (!to_request(ctx, 0)) {
    edgefn__promise_push_rejected(ctx, -1);
    return 1;
  }
  edgefn__request_parts q;
  edgefn__request_extract(ctx, 0, &q);
  if (strcmp(q.method, "GET") != 0 && !option_true(ctx, 1, "ignoreMethod")) {
    free(q.block);
    return push_resolved(ctx, true, false);
  }
  size_t key_len = 0;
  char *key = make_key(ctx, q.url, q.url_len, &key_len);
  free(q.block);
  if (!key)
    return duk_error(ctx, DUK_ERR_ERROR, "out of memory");
  edgefn__cache_op *o = op_new(ctx, rt, OP_DELETE);
  o->key = key;
  o->key_len = key_len;
  void *be;
  const edgefn_cache_ops *ops = cache__ops(rt->cache, &be);
  /* Looked up first: the backend's remove does not say whether there was an entry. */
  o->in_backend = true;
  int rc = ops->get(be, key, key_len, on_delete_lookup, o);
  if (rc != 0)
    return fail_op(ctx, o, rc);
  return 1;
}

/* ---- CacheStorage ---- */

static duk_ret_t cache_ctor(duk_context *ctx) {
  return duk_error(ctx, DUK_ERR_TYPE_ERROR, "Illegal constructor");
}

/* Pushes a new Cache for namespace ns. */
static void push_cache(duk_context *ctx, const char *ns, size_t ns_len) {
  duk_push_object(ctx);
  duk_push_global_stash(ctx);
  duk_get_prop_literal(ctx, -1, "cacheProto");
  duk_set_prototype(ctx, -3);
  duk_pop(ctx);
  duk_push_lstring(ctx, ns, ns_len);
  duk_put_prop_literal(ctx, -2, KEY_NS);
}

static duk_ret_t caches_default(duk_context *ctx) {
  edgefn_runtime *rt = edgefn__rt_from_ctx(ctx);
  if (!rt || !rt->cache)
    return duk_error(ctx, DUK_ERR_TYPE_ERROR, "caches.default: " NO_CACHE_MSG);
  duk_push_this(ctx);
  duk_get_prop_literal(ctx, -1, KEY_DEFAULT);
  if (duk_is_object(ctx, -1))
    return 1;
  duk_pop(ctx);
  /* The default namespace is the one the pipeline's HTTP cache uses, as in Workers. */
  push_cache(ctx, "", 0);
  duk_dup(ctx, -1);
  duk_put_prop_literal(ctx, -3, KEY_DEFAULT);
  return 1;
}

static duk_ret_t caches_open(duk_context *ctx) {
  edgefn_runtime *rt = edgefn__rt_from_ctx(ctx);
  if (!rt || !rt->cache)
    return push_rejected_type_error(ctx, "caches.open: " NO_CACHE_MSG);
  duk_push_literal(ctx, "open:"); /* kept apart from the default namespace "" */
  duk_dup(ctx, 0);
  edgefn__to_usv_string(ctx, -1);
  duk_concat(ctx, 2);
  duk_size_t nl;
  const char *ns = duk_get_lstring(ctx, -1, &nl);
  push_cache(ctx, ns, nl);
  edgefn__promise_push_resolved(ctx, -1);
  return 1;
}

void edgefn__cache_api_install(duk_context *ctx) {
  static const edgefn__es_method methods[] = {
      {"match", cache_match, 2, 1, 0},
      {"put", cache_put, 2, 2, 0},
      {"delete", cache_delete, 2, 1, 0},
  };
  duk_push_c_function(ctx, cache_ctor, 0);
  duk_idx_t ctor = duk_get_top_index(ctx);
  duk_push_object(ctx);
  duk_idx_t proto = duk_get_top_index(ctx);
  edgefn__es_def_methods(ctx, proto, methods, EDGEFN_ARRAY_LEN(methods));
  edgefn__def_class_name(ctx, ctor, proto, "Cache");
  duk_push_global_stash(ctx);
  duk_dup(ctx, proto);
  duk_put_prop_literal(ctx, -2, "cacheProto");
  duk_pop(ctx);
  static const edgefn__es_method storage_methods[] = {{"open", caches_open, 1, 1, 0}};
  duk_push_object(ctx); /* caches */
  edgefn__es_def_methods(ctx, -1, storage_methods, 1);
  edgefn__def_getter(ctx, -1, "default", caches_default);
  duk_push_global_object(ctx);
  duk_dup(ctx, -2);
  duk_put_prop_literal(ctx, -2, "caches");
  duk_pop_n(ctx, 4);
}

void edgefn__cache_api_free_all(edgefn_runtime *rt) {
  while (rt->cache_ops) {
    edgefn__cache_op *o = rt->cache_ops;
    /* A put or delete still inside a backend: the backend's answer frees it. */
    op_finish(o, o->in_backend);
  }
}
