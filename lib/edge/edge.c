/* edgefn_edge: rules → function → (cache → origin), and the routing of a function's
 * subrequests. Per-loop state (fetch backends, the runtime manager) lives in an edge_loop
 * made by edgefn_edge_attach on that loop's thread; the edge itself is immutable after
 * creation apart from the list of attached loops and the function table (manager.h), which
 * a mutex guards. */
#include "compiler/compiler.h"
#include "core/core.h"
#include "edge/manager.h"
#include "loop/loop.h"

#include <edgefn/edge.h>
#include <edgefn/fetch.h>

#include <ctype.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <strings.h>
#include <string.h>

typedef struct edge_origin {
  char *host;
  size_t host_len;
  char *address;
  int tls;
  char *host_header; /* NULL: the client's host */
} edge_origin;

typedef struct edge_loop edge_loop;
typedef struct edge_request edge_request;

struct edgefn_edge {
  edgefn_rules *rules;
  edge_fntab *table;                    /* the current functions; swapped under lock */
  atomic_uint_least64_t generation;     /* table->generation, read without the lock */
  edge_settings settings;
  size_t *prewarm; /* function indexes */
  size_t prewarm_count;
  edge_origin *origins;
  size_t origin_count;
  edgefn_cache *cache;
  uint32_t public_policy;
  edgefn_log_fn log;
  void *log_data;
  pthread_mutex_t lock;
  edge_loop *loops;
};

struct edge_loop {
  edge_loop *next;
  edgefn_edge *edge;
  edgefn_loop *loop;
  void *public_fetch;    /* curl, the public network */
  void **origin_fetch;   /* per origin: curl connected to its address */
  void **origin_cache;   /* per origin: a cache fetcher over origin_fetch (NULL: no cache) */
  edge_mgr *mgr;             /* the runtimes */
  edge_request *requests;    /* in flight, for detach */
  void *spare;               /* the block of the last request freed (edgefn__spare_take) */
};

/* One request (or subrequest) the edge forwards, or a function's request it may have to
 * forward later (pass-through). Owns a copy of the request. */
struct edge_request {
  edge_request *next, *prev;
  edge_loop *el;
  edgefn_response_handler handler; /* the caller's */
  void *user_data;
  const edgefn_fetch_ops *ops; /* the backend a forwarded request went to */
  void *backend;
  void *op;
  bool forwarding;
  bool head_sent;
  const edge_origin *origin; /* the origin of the request's host, or NULL */
  bool origin_unknown;       /* a direct dispatch: origin is looked up when the copy is made */
  const char *fn_name;       /* the function the rules chose (the rules own it), or NULL */
  size_t origin_index;
  /* The copy (block is NULL until it is made: a function request dispatched at once is
   * copied only if it outlives the host's call, or is passed on to the origin). */
  edgefn_request req;
  void *block;
  const edgefn_request *src; /* the host's request while edgefn_edge_handle runs, or NULL */
  bool dispatching;          /* inside dispatch_direct's call: request_free leaves the struct */
  bool freed;                /* ... to dispatch_direct, which frees it when the call returns */
  /* A function request: its place in the runtime manager, and what the function sees that
   * the forwarded copy does not carry (the client's URL, geo, request id). */
  edge_job job;
  void *fn_block;
  edgefn_request as_sent;
  /* A subrequest: the function it is counted for (NULL mgr: not a subrequest). */
  edge_mgr *sub_mgr;
  size_t sub_fn;
  /* Flow control of a forwarded body whose backend can pause (version 2): the caller's
   * head->flow. The backend may still send a chunk after a pause; it waits in `held` (and
   * an end behind it in end_held) until the caller resumes. */
  edgefn_body_flow flow;
  edgefn__defer resume;
  uint8_t *held;
  size_t held_len, held_cap;
  bool end_held;
  int end_result;
};

/* ---- helpers ---- */

#define edge_log(edge, level, ...) \
  edgefn__log((edge)->log, (edge)->log_data, level, "edge", __VA_ARGS__)

/* The host of an absolute URL, without port or userinfo. */
static bool url_host(const char *url, size_t len, const char **host, size_t *host_len) {
  const char *p = memchr(url, ':', len);
  if (!p || (size_t)(p - url) + 3 > len || p[1] != '/' || p[2] != '/')
    return false;
  const char *a = p + 3, *end = url + len;
  const char *e = a;
  while (e < end && *e != '/' && *e != '?' && *e != '#')
    e++;
  const char *at = NULL;
  for (const char *q = a; q < e; q++)
    if (*q == '@')
      at = q;
  if (at)
    a = at + 1;
  const char *h_end = e;
  if (a < e && *a == '[') {
    const char *rb = memchr(a, ']', (size_t)(e - a));
    h_end = rb ? rb + 1 : e;
  } else {
    const char *colon = memchr(a, ':', (size_t)(e - a));
    if (colon)
      h_end = colon;
  }
  *host = a;
  *host_len = (size_t)(h_end - a);
  return *host_len > 0;
}

static const edge_origin *find_origin(const edgefn_edge *edge, const char *url, size_t len,
                                      size_t *index) {
  const char *h;
  size_t hl;
  if (!url_host(url, len, &h, &hl))
    return NULL;
  for (size_t i = 0; i < edge->origin_count; i++) {
    const edge_origin *o = &edge->origins[i];
    if (o->host_len != hl)
      continue;
    size_t k = 0; /* ASCII case folding, as strncasecmp in the C locale */
    while (k < hl && edgefn__ascii_lower((unsigned char)o->host[k]) ==
                         edgefn__ascii_lower((unsigned char)h[k]))
      k++;
    if (k == hl) {
      *index = i;
      return o;
    }
  }
  return NULL;
}

static edge_loop *find_loop(edgefn_edge *edge, const edgefn_loop *loop) {
  pthread_mutex_lock(&edge->lock);
  edge_loop *el = edge->loops;
  while (el && el->loop != loop)
    el = el->next;
  pthread_mutex_unlock(&edge->lock);
  return el;
}

/* The URL a request for `origin` is sent with: the scheme follows the origin's TLS flag both
 * ways (a client's https URL to a plain-HTTP origin becomes http, and the reverse), and the
 * authority becomes the origin's Host header when it has one. Writes the URL to out when out
 * is non-NULL; returns its length. */
static size_t forwarded_url(const char *url, size_t len, const edge_origin *origin, char *out) {
  const char *scheme_end = memchr(url, ':', len);
  if (!origin || !scheme_end) {
    if (out)
      memcpy(out, url, len);
    return len;
  }
  const char *scheme = origin->tls ? "https" : "http";
  size_t scheme_len = strlen(scheme);
  const char *rest = scheme_end, *end = url + len;
  const char *auth = NULL, *auth_end = NULL;
  if (origin->host_header && end - rest >= 3 && rest[1] == '/' && rest[2] == '/') {
    auth = rest + 3;
    auth_end = auth;
    while (auth_end < end && *auth_end != '/' && *auth_end != '?' && *auth_end != '#')
      auth_end++;
  }
  if (!auth) {
    if (out) {
      memcpy(out, scheme, scheme_len);
      memcpy(out + scheme_len, rest, (size_t)(end - rest));
    }
    return scheme_len + (size_t)(end - rest);
  }
  size_t hl = strlen(origin->host_header);
  if (out) {
    memcpy(out, scheme, scheme_len);
    memcpy(out + scheme_len, "://", 3);
    memcpy(out + scheme_len + 3, origin->host_header, hl);
    memcpy(out + scheme_len + 3 + hl, auth_end, (size_t)(end - auth_end));
  }
  return scheme_len + 3 + hl + (size_t)(end - auth_end);
}

/* The value a forwarded request's header takes: an origin's host_header replaces the
 * client's Host header (which the fetch backend would otherwise send as it is, whatever the
 * URL's authority says), as edgefn_origin documents. */
static void forwarded_value(const edgefn_header *h, const edge_origin *origin, const char **v,
                            size_t *len) {
  if (origin && origin->host_header && h->name_len == 4 &&
      strncasecmp(h->name, "host", 4) == 0) {
    *v = origin->host_header;
    *len = strlen(origin->host_header);
    return;
  }
  *v = h->value;
  *len = h->value_len;
}

/* Copies a request into one block, with its URL as forwarded_url() makes it for `origin`
 * and its Host header as forwarded_value() does. */
static int copy_request(edge_request *r, const edgefn_request *src, const edge_origin *origin) {
  size_t new_url_len = forwarded_url(src->url, src->url_len, origin, NULL);
  size_t method_len = src->method ? src->method_len : 3;
  size_t size = src->header_count * sizeof(edgefn_header) + new_url_len + method_len + 2 +
                src->body_len + (src->client_ip ? strlen(src->client_ip) + 1 : 0);
  for (size_t i = 0; i < src->header_count; i++) {
    const char *v;
    size_t vl;
    forwarded_value(&src->headers[i], origin, &v, &vl);
    size += src->headers[i].name_len + vl;
  }
  char *block = malloc(size ? size : 1);
  if (!block)
    return EDGEFN_ENOMEM;
  r->block = block;
  r->origin = origin;
  r->origin_index = origin ? (size_t)(origin - r->el->edge->origins) : 0;
  edgefn_request *d = &r->req;
  *d = (edgefn_request)EDGEFN_REQUEST_INIT;
  edgefn_header *hs = (edgefn_header *)block;
  char *p = block + src->header_count * sizeof(edgefn_header);
  for (size_t i = 0; i < src->header_count; i++) {
    const edgefn_header *h = &src->headers[i];
    memcpy(p, h->name, h->name_len);
    hs[i].name = p;
    hs[i].name_len = h->name_len;
    p += h->name_len;
    const char *v;
    size_t vl;
    forwarded_value(h, origin, &v, &vl);
    if (vl)
      memcpy(p, v, vl);
    hs[i].value = p;
    hs[i].value_len = vl;
    p += vl;
  }
  d->headers = hs;
  d->header_count = src->header_count;
  forwarded_url(src->url, src->url_len, origin, p);
  p[new_url_len] = '\0';
  d->url = p;
  d->url_len = new_url_len;
  p += new_url_len + 1;
  memcpy(p, src->method ? src->method : "GET", method_len);
  p[method_len] = '\0';
  d->method = p;
  d->method_len = method_len;
  p += method_len + 1;
  if (src->body_len) {
    memcpy(p, src->body, src->body_len);
    d->body = (const uint8_t *)p;
    d->body_len = src->body_len;
    p += src->body_len;
  }
  if (src->client_ip) {
    strcpy(p, src->client_ip);
    d->client_ip = p;
  }
  return 0;
}

static void request_unlink(edge_request *r) {
  if (r->prev)
    r->prev->next = r->next;
  else
    r->el->requests = r->next;
  if (r->next)
    r->next->prev = r->prev;
}

static edge_request *request_new(edge_loop *el, const edgefn_response_handler *h, void *ud) {
  edge_request *r = edgefn__spare_take(&el->spare, sizeof(*r));
  if (!r)
    return NULL;
  r->el = el;
  r->handler = *h;
  r->user_data = ud;
  r->next = el->requests;
  if (r->next)
    r->next->prev = r;
  el->requests = r;
  return r;
}

static void request_free(edge_request *r) {
  edgefn__defer_cancel(r->el->loop, &r->resume);
  free(r->held);
  request_unlink(r);
  free(r->block);
  free(r->fn_block);
  if (r->dispatching) { /* answered inside dispatch_direct's call: it frees the rest */
    r->held = NULL;
    r->block = r->fn_block = NULL;
    r->freed = true;
    return;
  }
  edgefn__spare_put(&r->el->spare, r, sizeof(*r));
}

#define GEO_STRINGS(X)                                                                    \
  X(country_name) X(country_alpha2) X(country_alpha3) X(country_numeric) X(region_name) \
      X(region_code) X(city_name) X(continent_code) X(isp)

/* Keeps what a function request needs beyond r->req, so that it can wait in a queue after
 * the caller's request is gone. */
static int keep_function_view(edge_request *r, const edgefn_request *src) {
  const edgefn_geo *geo = EDGEFN_HAS_FIELD(src, edgefn_request, geo) ? src->geo : NULL;
  const char *rid = EDGEFN_HAS_FIELD(src, edgefn_request, request_id) ? src->request_id : NULL;
  size_t size = src->url_len + 1 + (rid ? strlen(rid) + 1 : 0);
  /* The forwarded copy carries the origin's host_header as Host: the function sees the
   * client's, so the header list is copied again with the client's value there. */
  bool host_rewritten = false;
  if (r->origin && r->origin->host_header)
    for (size_t i = 0; i < src->header_count; i++)
      if (src->headers[i].name_len == 4 && strncasecmp(src->headers[i].name, "host", 4) == 0) {
        host_rewritten = true;
        size += src->headers[i].value_len;
      }
  if (host_rewritten)
    size += src->header_count * sizeof(edgefn_header);
  if (geo) {
    size += sizeof(edgefn_geo);
#define GEO_SIZE(f) \
  if (EDGEFN_HAS_FIELD(geo, edgefn_geo, f) && geo->f) \
    size += strlen(geo->f) + 1;
    GEO_STRINGS(GEO_SIZE)
#undef GEO_SIZE
  }
  char *block = malloc(size);
  if (!block)
    return EDGEFN_ENOMEM;
  r->fn_block = block;
  r->as_sent = r->req;
  char *p = block;
  /* Aligned things first (the header array, then the geo struct), then strings. */
  edgefn_header *hs = NULL;
  if (host_rewritten) {
    hs = (edgefn_header *)(void *)p;
    p += src->header_count * sizeof(edgefn_header);
  }
  if (geo) {
    edgefn_geo *g = (edgefn_geo *)(void *)p;
    *g = (edgefn_geo)EDGEFN_GEO_INIT;
    memcpy(g, geo, geo->struct_size < sizeof(*g) ? geo->struct_size : sizeof(*g));
    g->struct_size = sizeof(*g);
    p += sizeof(*g);
#define GEO_COPY(f)                                       \
  if (EDGEFN_HAS_FIELD(geo, edgefn_geo, f) && geo->f) {   \
    size_t n_ = strlen(geo->f) + 1;                       \
    memcpy(p, geo->f, n_);                                \
    g->f = p;                                             \
    p += n_;                                              \
  } else                                                  \
    g->f = NULL;
    GEO_STRINGS(GEO_COPY)
#undef GEO_COPY
    r->as_sent.geo = g;
  }
  if (hs) {
    for (size_t i = 0; i < src->header_count; i++) {
      hs[i] = r->req.headers[i];
      const edgefn_header *h = &src->headers[i];
      if (h->name_len == 4 && strncasecmp(h->name, "host", 4) == 0) {
        if (h->value_len)
          memcpy(p, h->value, h->value_len);
        hs[i].value = p;
        hs[i].value_len = h->value_len;
        p += h->value_len;
      }
    }
    r->as_sent.headers = hs;
  }
  /* The function sees the client's URL, not the origin's https rewrite. */
  memcpy(p, src->url, src->url_len);
  p[src->url_len] = '\0';
  r->as_sent.url = p;
  r->as_sent.url_len = src->url_len;
  p += src->url_len + 1;
  if (rid) {
    strcpy(p, rid);
    r->as_sent.request_id = p;
  }
  return 0;
}

/* ---- forwarding to a backend (cache/origin or the public network) ---- */

static bool backend_pausable(const edge_request *r) {
  return r->forwarding && r->ops->version >= 2 && r->ops->pause;
}

/* edgefn_body_flow_pause/_resume on a forwarded body: a pause reaches the backend at once,
 * a resume from the loop (so that held chunks are not delivered inside the host's call). */
static int forwarded_flow_set(edgefn_body_flow *flow, bool paused) {
  edge_request *r = flow->owner;
  if (!paused) {
    edgefn__defer_queue(r->el->loop, &r->resume);
    return 0;
  }
  edgefn__defer_cancel(r->el->loop, &r->resume);
  if (backend_pausable(r))
    r->ops->pause(r->backend, r->op, 1);
  return 0;
}

static void fwd_on_end(void *ud, int result);

/* A backend's head as this build lays it out (a host's backend may predate `flow`). */
static edgefn_response_head head_copy(const edgefn_response_head *head) {
  edgefn_response_head h = {sizeof(h), 0, "", NULL, 0, -1, NULL, NULL};
  memcpy(&h, head, head->struct_size < sizeof(h) ? head->struct_size : sizeof(h));
  h.struct_size = sizeof(h);
  return h;
}

static void resume_deferred(edgefn__defer *d) {
  edge_request *r = d->data;
  if (r->flow.paused)
    return;
  if (r->held_len) {
    size_t n = r->held_len;
    r->held_len = 0; /* nothing can add to it during the call: the backend is not running */
    if (r->handler.on_body)
      r->handler.on_body(r->user_data, r->held, n);
  }
  if (r->end_held) {
    fwd_on_end(r, r->end_result);
    return;
  }
  if (!r->flow.paused && backend_pausable(r))
    r->ops->pause(r->backend, r->op, 0);
}

static void fwd_on_head(void *ud, const edgefn_response_head *head) {
  edge_request *r = ud;
  r->head_sent = true;
  /* Give the caller a flow handle for a body the backend streams and can pause; a
   * function's head already carries the runtime's. */
  edgefn_response_head h = head_copy(head);
  h.function = r->fn_name;
  if (!h.flow && backend_pausable(r)) {
    r->flow = (edgefn_body_flow){forwarded_flow_set, r, false};
    edgefn__defer_init(&r->resume, resume_deferred, r);
    h.flow = &r->flow;
  }
  if (r->handler.on_head)
    r->handler.on_head(r->user_data, &h);
}

static bool hold(edge_request *r, const uint8_t *data, size_t len) {
  if (r->held_len + len > r->held_cap) {
    size_t cap = r->held_cap ? r->held_cap * 2 : len;
    while (cap < r->held_len + len)
      cap *= 2;
    uint8_t *p = realloc(r->held, cap);
    if (!p)
      return false;
    r->held = p;
    r->held_cap = cap;
  }
  memcpy(r->held + r->held_len, data, len);
  r->held_len += len;
  return true;
}

static void fwd_on_body(void *ud, const uint8_t *data, size_t len) {
  edge_request *r = ud;
  /* Behind a pause, or behind chunks still held: keep the order. Out of memory: deliver it
   * anyway, the host buffers it. */
  if (r->flow.set && (r->flow.paused || r->held_len) && hold(r, data, len))
    return;
  if (r->handler.on_body)
    r->handler.on_body(r->user_data, data, len);
}

static void fwd_on_end(void *ud, int result) {
  edge_request *r = ud;
  if (r->held_len && !r->end_held) {
    /* The backend is done; what it sent waits for the resume (already queued unless the
     * caller is still paused). */
    r->forwarding = false;
    r->end_held = true;
    r->end_result = result;
    return;
  }
  if (r->sub_mgr)
    edge__mgr_subrequest_done(r->sub_mgr, r->sub_fn, result == 0 ? EDGE_SUB_OK : EDGE_SUB_FAILED);
  edgefn_response_handler h = r->handler;
  void *hd = r->user_data;
  request_free(r);
  h.on_end(hd, result);
}

static const edgefn_response_handler fwd_handler = {sizeof(edgefn_response_handler),
                                                    fwd_on_head, fwd_on_body, fwd_on_end};

/* Where a request goes: its host's origin (through the cache when there is one), or the
 * public network when its host has no origin here. */
static void choose_backend(edge_loop *el, const edge_origin *origin, size_t i,
                           const edgefn_fetch_ops **ops, void **backend) {
  if (!origin) {
    *ops = edgefn_curl_fetch_ops();
    *backend = el->public_fetch;
  } else if (el->origin_cache[i]) {
    *ops = edgefn_cache_fetch_ops();
    *backend = el->origin_cache[i];
  } else {
    *ops = edgefn_curl_fetch_ops();
    *backend = el->origin_fetch[i];
  }
}

/* Starts request r (its copy) on the chosen backend. On failure r is freed and the caller's
 * handler has not been called. */
static int forward(edge_request *r, const edgefn_fetch_ops *ops, void *backend) {
  r->ops = ops;
  r->backend = backend;
  r->forwarding = true;
  int rc = ops->start(backend, r->el->loop, &r->req, &fwd_handler, r, &r->op);
  if (rc != 0)
    request_free(r);
  return rc;
}

/* A short text response; retry_after > 0 adds a Retry-After header (seconds); fn_name is
 * the function it answers for, or NULL. */
static void send_text_retry(const edgefn_response_handler *h, void *ud, int status,
                            const char *text, uint32_t retry_after, const char *fn_name) {
  static const char ct[] = "text/plain; charset=utf-8";
  char ra[16];
  int ra_len = snprintf(ra, sizeof(ra), "%u", (unsigned)retry_after);
  edgefn_header hd[2] = {{"content-type", 12, ct, sizeof(ct) - 1},
                         {"retry-after", 11, ra, (size_t)ra_len}};
  edgefn_response_head head = {sizeof(head), status,       "",
                               hd,           retry_after ? 2 : 1, (int64_t)strlen(text),
                               NULL,         fn_name};
  if (h->on_head)
    h->on_head(ud, &head);
  if (h->on_body)
    h->on_body(ud, (const uint8_t *)text, strlen(text));
  h->on_end(ud, 0);
}

static void send_text(const edgefn_response_handler *h, void *ud, int status, const char *text,
                      const char *fn_name) {
  send_text_retry(h, ud, status, text, 0, fn_name);
}

/* The default path: cache → origin of the request's host. Takes ownership of r. */
static void default_path(edge_request *r) {
  edge_loop *el = r->el;
  const edgefn_fetch_ops *ops;
  void *backend;
  choose_backend(el, r->origin, r->origin_index, &ops, &backend);
  if (!r->origin) {
    edgefn_response_handler h = r->handler;
    void *hd = r->user_data;
    const char *fn_name = r->fn_name;
    edge_log(el->edge, EDGEFN_LOG_WARN, "no origin is configured for %.*s", (int)r->req.url_len,
             r->req.url);
    request_free(r);
    send_text(&h, hd, 502, "no origin is configured for this host\n", fn_name);
    return;
  }
  edgefn_response_handler h = r->handler;
  void *hd = r->user_data;
  const char *fn_name = r->fn_name;
  int rc = forward(r, ops, backend);
  if (rc != 0)
    send_text(&h, hd, 502, "the origin could not be reached\n", fn_name);
}

/* ---- the router the runtimes use as their fetch backend ---- */

static int router_start(void *backend, edgefn_loop *loop, const edgefn_request *req,
                        const edgefn_response_handler *handler, void *handler_data, void **op) {
  const edge_router_ref *ref = backend;
  edge_loop *el = ref->router;
  if (loop != el->loop || !req || !req->url)
    return EDGEFN_EINVAL;
  edge_request *r = request_new(el, handler, handler_data);
  if (!r)
    return EDGEFN_ENOMEM;
  r->sub_mgr = ref->mgr;
  r->sub_fn = ref->fn;
  size_t oi = 0;
  const edge_origin *origin = find_origin(el->edge, req->url, req->url_len, &oi);
  int rc = copy_request(r, req, origin);
  if (rc != 0) {
    request_free(r);
    return rc;
  }
  /* A streamed body is not copied: the backend pulls it from the runtime's source. */
  if (EDGEFN_HAS_FIELD(req, edgefn_request, body_source))
    r->req.body_source = req->body_source;
  const edgefn_fetch_ops *ops;
  void *target;
  choose_backend(el, origin, oi, &ops, &target);
  edge_mgr *m = r->sub_mgr;
  size_t fn = r->sub_fn;
  rc = forward(r, ops, target);
  if (rc == 0 && op)
    *op = r;
  if (rc != 0)
    edge__mgr_subrequest_done(m, fn, EDGE_SUB_FAILED);
  return rc;
}

static void router_cancel(void *backend, void *op) {
  const edge_router_ref *ref = backend;
  edge_loop *el = ref->router;
  for (edge_request *r = el->requests; r; r = r->next)
    if (r == op) {
      if (r->forwarding && r->ops->cancel)
        r->ops->cancel(r->backend, r->op);
      edge__mgr_subrequest_done(r->sub_mgr, r->sub_fn, EDGE_SUB_CANCELED);
      request_free(r);
      return;
    }
}

/* The runtime's buffer for a subrequest's body is full (or has room again): pass it on to
 * the cache fetcher or curl, so that a slow reader slows the origin read. (The router is
 * version 3: curl and the cache fetcher behind it both take a streamed request body.) */
static void router_pause(void *backend, void *op, int paused) {
  const edge_router_ref *ref = backend;
  edge_loop *el = ref->router;
  for (edge_request *r = el->requests; r; r = r->next)
    if (r == op) {
      if (backend_pausable(r))
        r->ops->pause(r->backend, r->op, paused);
      return;
    }
}

static void router_release(void *backend) { (void)backend; }

static const edgefn_fetch_ops router_ops = {EDGEFN_FETCH_OPS_VERSION, router_start,
                                            router_cancel, router_release, router_pause};

/* The copy of a request dispatched directly (from the host's request `src`), made when it
 * outlives the call or is passed on: the origin is looked up only then, since most function
 * requests are answered during the call and never need it. */
static int copy_direct(edge_request *r, const edgefn_request *src) {
  if (r->origin_unknown) {
    size_t oi = 0;
    r->origin = find_origin(r->el->edge, src->url, src->url_len, &oi);
    r->origin_index = oi;
    r->origin_unknown = false;
  }
  return copy_request(r, src, r->origin);
}

/* ---- a function's response, or its decline ---- */

static void fn_on_head(void *ud, const edgefn_response_head *head) { fwd_on_head(ud, head); }
static void fn_on_body(void *ud, const uint8_t *data, size_t len) { fwd_on_body(ud, data, len); }

static void fn_on_end(void *ud, int result) {
  edge_request *r = ud;
  edge__mgr_release(r->el->mgr, &r->job);
  if (result == EDGEFN_EPASS) {
    /* The function declined: cache → origin, with the copy made now if the request was
     * dispatched without one (the host's request is still there: this is its call). */
    if (!r->block && (!r->src || copy_direct(r, r->src) != 0)) {
      edgefn_response_handler h = r->handler;
      void *hd = r->user_data;
      const char *fn_name = r->fn_name;
      edge_log(r->el->edge, EDGEFN_LOG_ERROR,
               "function %s passed the request on, but it could not be kept to forward it "
               "(out of memory)",
               fn_name ? fn_name : "?");
      request_free(r);
      send_text(&h, hd, 500, "the request could not be forwarded to the origin\n", fn_name);
      return;
    }
    default_path(r);
    return;
  }
  fwd_on_end(ud, result);
}

static const edgefn_response_handler fn_handler = {sizeof(edgefn_response_handler), fn_on_head,
                                                   fn_on_body, fn_on_end};

static int dispatch_function(edge_request *r, edgefn_runtime *rt) {
  int rc = edgefn_runtime_dispatch(rt, &r->as_sent, &fn_handler, r);
  if (rc != 0) {
    edge__mgr_release(r->el->mgr, &r->job);
    request_free(r);
  }
  return rc;
}

/* A function request with a runtime free at once: the runtime reads the host's request
 * during the call and keeps what it needs, so nothing is copied unless the request is still
 * in flight when the call returns (it may pass to the origin later) or passes during it. */
static int dispatch_direct(edge_request *r, edgefn_runtime *rt, const edgefn_request *req) {
  r->src = req;
  r->dispatching = true;
  int rc = edgefn_runtime_dispatch(rt, req, &fn_handler, r);
  r->src = NULL;
  r->dispatching = false;
  if (r->freed) { /* answered during the call */
    edgefn__spare_put(&r->el->spare, r, sizeof(*r));
    return 0;
  }
  if (rc != 0) {
    edge__mgr_release(r->el->mgr, &r->job);
    request_free(r);
    return rc;
  }
  /* Still in flight: keep the forwarded copy for a pass later. Without it, a pass answers
   * 500 (fn_on_end); the function's own response is unaffected. */
  if (!r->block)
    (void)copy_direct(r, req);
  return 0;
}

#define JOB_REQUEST(job) ((edge_request *)(void *)((char *)(job) - offsetof(edge_request, job)))

/* A request that waited in its function's queue got a runtime. */
static void job_start(void *owner, edge_job *job, edgefn_runtime *rt) {
  (void)owner;
  edge_request *r = JOB_REQUEST(job);
  edgefn_response_handler h = r->handler;
  void *hd = r->user_data;
  const char *fn_name = r->fn_name;
  if (dispatch_function(r, rt) != 0)
    send_text(&h, hd, 500, "edge function could not run the request\n", fn_name);
}

static void job_fail(void *owner, edge_job *job, int code) {
  (void)owner;
  edge_request *r = JOB_REQUEST(job);
  edgefn_response_handler h = r->handler;
  void *hd = r->user_data;
  const char *fn_name = r->fn_name;
  request_free(r);
  if (code == EDGEFN_ECANCELED)
    h.on_end(hd, EDGEFN_ECANCELED);
  else
    send_text(&h, hd, 500, "edge function could not start\n", fn_name);
}

static const edge_job_ops job_ops = {job_start, job_fail};

int edgefn_edge_handle(edgefn_edge *edge, edgefn_loop *loop, const edgefn_request *req,
                       const edgefn_response_handler *handler, void *user_data) {
  if (!edge || !loop || !req || !handler || !handler->on_end || !req->url)
    return EDGEFN_EINVAL;
  if (!EDGEFN_MIN_SIZE_OK(req, edgefn_request, client_ip) ||
      !EDGEFN_MIN_SIZE_OK(handler, edgefn_response_handler, on_end))
    return EDGEFN_EVERSION;
  edge_loop *el = find_loop(edge, loop);
  if (!el)
    return EDGEFN_ESTATE;
  edge__mgr_sync(el->mgr);
  const char *fn_name = NULL;
  size_t rule = 0;
  int m = edge->rules ? edgefn_rules_match(edge->rules, req, &fn_name, &rule) : 0;
  if (m < 0)
    return m;
  size_t fn = 0;
  bool fn_known = m == 1 && edge__fntab_find(edge__mgr_table(el->mgr), fn_name, strlen(fn_name),
                                             &fn);
  if (fn_known && edge__mgr_shed(el->mgr, fn)) {
    /* Before anything is copied: shedding a flood must cost the loop as little as possible. */
    send_text_retry(handler, user_data, 503, "edge function is over capacity\n",
                    edge__mgr_retry_after(el->mgr), fn_name);
    return 0;
  }
  edge_request *r = request_new(el, handler, user_data);
  if (!r)
    return EDGEFN_ENOMEM;
  /* A function request that will not wait in a queue is dispatched from the host's own
   * request (dispatch_direct); anything else is copied now. */
  bool direct = fn_known && edge__mgr_can_start(el->mgr, fn);
  if (direct) {
    r->origin_unknown = true;
  } else {
    size_t oi = 0;
    const edge_origin *origin = find_origin(edge, req->url, req->url_len, &oi);
    if (copy_request(r, req, origin) != 0) {
      request_free(r);
      return EDGEFN_ENOMEM;
    }
  }
  if (m == 1) {
    r->fn_name = fn_name;
    edgefn_runtime *rt = NULL;
    int rc = direct     ? 0
             : fn_known ? keep_function_view(r, req)
                        : EDGEFN_EINVAL; /* edgefn_edge_new checked every rule's function */
    if (rc == 0)
      rc = edge__mgr_acquire(el->mgr, fn, &r->job, &rt);
    if (rc == 1)
      return 0; /* queued: job_start dispatches it */
    if (rc == EDGEFN_ENOMEM) {
      request_free(r);
      return rc;
    }
    if (rc == EDGEFN_EBUSY) {
      request_free(r);
      send_text_retry(handler, user_data, 503, "edge function is over capacity\n",
                      edge__mgr_retry_after(el->mgr), fn_name);
      return 0;
    }
    if (rc != 0) {
      request_free(r);
      send_text(handler, user_data, 500, "edge function could not start\n", fn_name);
      return 0;
    }
    return direct ? dispatch_direct(r, rt, req) : dispatch_function(r, rt);
  }
  default_path(r);
  return 0;
}

/* ---- building and attaching ---- */

static char *dup_str(const char *s) { return s ? edgefn__strndup(s, strlen(s)) : NULL; }

/* A Host header value goes into a URL's authority: a reg-name, IPv4 or [IPv6] with an
 * optional port, nothing that could end the authority or smuggle userinfo. */
static bool valid_host_header(const char *h) {
  size_t n = strlen(h);
  if (n == 0 || n > 255)
    return false;
  for (size_t i = 0; i < n; i++) {
    unsigned char c = (unsigned char)h[i];
    if (!(isalnum(c) || c == '-' || c == '.' || c == ':' || c == '[' || c == ']' || c == '_'))
      return false;
  }
  return true;
}

void edgefn_edge_free(edgefn_edge *edge) {
  if (!edge)
    return;
  edge__fntab_unref(edge->table);
  free(edge->prewarm);
  for (size_t i = 0; i < edge->origin_count; i++) {
    free(edge->origins[i].host);
    free(edge->origins[i].address);
    free(edge->origins[i].host_header);
  }
  free(edge->origins);
  edgefn_rules_free(edge->rules);
  edgefn_cache_free(edge->cache);
  pthread_mutex_destroy(&edge->lock);
  free(edge);
}

int edgefn_edge_new(edgefn_edge **out, const edgefn_edge_options *opts, edgefn_error_info *err) {
  if (out)
    *out = NULL;
  if (!out || !opts) {
    edgefn__error_set(err, EDGEFN_EINVAL, NULL, 0, 0, "edgefn_edge_new: NULL argument");
    return EDGEFN_EINVAL;
  }
  if (!EDGEFN_MIN_SIZE_OK(opts, edgefn_edge_options, log_user_data)) {
    edgefn__error_set(err, EDGEFN_EVERSION, NULL, 0, 0, "edgefn_edge_options too small");
    return EDGEFN_EVERSION;
  }
  edgefn_edge *edge = calloc(1, sizeof(*edge));
  if (!edge)
    return EDGEFN_ENOMEM;
  pthread_mutex_init(&edge->lock, NULL);
  edge->public_policy = opts->public_fetch_policy;
  edge->log = opts->log;
  edge->log_data = opts->log_user_data;
  edge_settings *st = &edge->settings;
  st->memory_budget = EDGEFN_DEFAULT_RUNTIME_MEMORY_BUDGET;
  st->max_runtimes = EDGEFN_DEFAULT_MAX_RUNTIMES_PER_FUNCTION;
  st->runtime_concurrency = EDGEFN_DEFAULT_RUNTIME_CONCURRENCY;
  st->concurrency = EDGEFN_DEFAULT_FUNCTION_CONCURRENCY;
  st->queue = EDGEFN_DEFAULT_FUNCTION_QUEUE;
  st->retry_after_s = EDGEFN_DEFAULT_RETRY_AFTER_S;
  if (EDGEFN_HAS_FIELD(opts, edgefn_edge_options, prewarm_count)) {
    if (opts->runtime_memory_budget)
      st->memory_budget = opts->runtime_memory_budget;
    if (opts->max_runtimes_per_function)
      st->max_runtimes = opts->max_runtimes_per_function;
    if (opts->runtime_concurrency)
      st->runtime_concurrency = opts->runtime_concurrency;
    if (opts->function_concurrency)
      st->concurrency = opts->function_concurrency;
    if (opts->function_queue)
      st->queue = opts->function_queue;
    if (opts->retry_after_s)
      st->retry_after_s = opts->retry_after_s;
  }
  int rc = 0;
  edge->table = edge__fntab_new(opts->function_count);
  edge->origins = calloc(opts->origin_count ? opts->origin_count : 1, sizeof(edge_origin));
  if (!edge->table || !edge->origins)
    rc = EDGEFN_ENOMEM;
  /* Arrays of versioned structs are walked with the caller's struct size as the stride. */
  size_t fn_stride = opts->function_count ? opts->functions[0].struct_size : 0;
  size_t or_stride = opts->origin_count ? opts->origins[0].struct_size : 0;
  if (opts->function_count && !EDGEFN_MIN_SIZE_OK(&opts->functions[0], edgefn_function, options)) {
    edgefn__error_set(err, EDGEFN_EVERSION, NULL, 0, 0, "edgefn_function too small");
    rc = EDGEFN_EVERSION;
  }
  if (opts->origin_count && !EDGEFN_MIN_SIZE_OK(&opts->origins[0], edgefn_origin, tls)) {
    edgefn__error_set(err, EDGEFN_EVERSION, NULL, 0, 0, "edgefn_origin too small");
    rc = EDGEFN_EVERSION;
  }
  for (size_t i = 0; rc == 0 && i < opts->function_count; i++) {
    const edgefn_function *f =
        (const edgefn_function *)((const char *)opts->functions + i * fn_stride);
    if (f->struct_size != fn_stride) {
      edgefn__error_set(err, EDGEFN_EINVAL, NULL, 0, 0,
                        "function %zu: struct_size differs from the first element's", i);
      rc = EDGEFN_EINVAL;
      break;
    }
    edgefn_error_info fe = EDGEFN_ERROR_INFO_INIT;
    rc = edge__fn_new(&edge->table->fns[i], f, st, &fe);
    if (rc != 0)
      edgefn__error_set(err, rc, NULL, 0, 0, "function %zu: %s", i,
                        fe.message[0] ? fe.message : edgefn_strerror(rc));
  }
  size_t dup = 0;
  if (rc == 0 && edge__fntab_index(edge->table, &dup) != 0) {
    edgefn__error_set(err, EDGEFN_EINVAL, NULL, 0, 0, "function %zu: name '%s' used twice",
                      dup, edge->table->fns[dup]->name);
    rc = EDGEFN_EINVAL;
  }
  if (rc == 0 && edge->table) {
    edge->table->generation = 1;
    atomic_init(&edge->generation, 1);
  }
  size_t prewarm_count = EDGEFN_HAS_FIELD(opts, edgefn_edge_options, prewarm_count)
                             ? opts->prewarm_count
                             : 0;
  if (rc == 0 && prewarm_count) {
    edge->prewarm = calloc(prewarm_count, sizeof(size_t));
    rc = edge->prewarm ? 0 : EDGEFN_ENOMEM;
  }
  for (size_t i = 0; rc == 0 && i < prewarm_count; i++) {
    const char *name = opts->prewarm ? opts->prewarm[i] : NULL;
    if (!name || !edge__fntab_find(edge->table, name, strlen(name), &edge->prewarm[i])) {
      edgefn__error_set(err, EDGEFN_EINVAL, NULL, 0, 0,
                        "prewarm %zu names function '%s', which is not configured", i,
                        name ? name : "(null)");
      rc = EDGEFN_EINVAL;
    } else
      edge->prewarm_count++;
  }
  for (size_t i = 0; rc == 0 && i < opts->origin_count; i++) {
    const edgefn_origin *o = (const edgefn_origin *)((const char *)opts->origins + i * or_stride);
    const char *host_header = EDGEFN_HAS_FIELD(o, edgefn_origin, host_header) ? o->host_header
                                                                               : NULL;
    const char *why = o->struct_size != or_stride             ? "struct_size differs from the "
                                                                "first element's"
                      : !o->host                              ? "no host"
                      : !o->address || !strchr(o->address, ':') ? "address must be ADDRESS:PORT"
                      : host_header && !valid_host_header(host_header)
                          ? "host_header must be a host name or NAME:PORT"
                          : NULL;
    if (why) {
      edgefn__error_set(err, EDGEFN_EINVAL, NULL, 0, 0, "origin %zu: %s", i, why);
      rc = EDGEFN_EINVAL;
      break;
    }
    edge_origin *d = &edge->origins[edge->origin_count++];
    d->host = dup_str(o->host);
    d->host_len = d->host ? strlen(d->host) : 0;
    d->address = dup_str(o->address);
    d->tls = o->tls;
    d->host_header = host_header ? dup_str(host_header) : NULL;
    if (!d->host || !d->address || (host_header && !d->host_header))
      rc = EDGEFN_ENOMEM;
  }
  for (size_t i = 0; rc == 0 && opts->rules && i < edgefn_rules_count(opts->rules); i++) {
    /* Every rule must name a configured function: a typo must not silently fall through. */
    const char *name = edgefn_rules_function(opts->rules, i);
    size_t fn = 0;
    if (!edge__fntab_find(edge->table, name, strlen(name), &fn)) {
      edgefn__error_set(err, EDGEFN_EINVAL, NULL, 0, 0,
                        "rule %zu names function '%s', which is not configured", i, name);
      rc = EDGEFN_EINVAL;
    }
  }
  if (rc == 0 && opts->rules)
    edge->rules = edgefn_rules_ref(opts->rules);
  if (opts->cache)
    edge->cache = edgefn_cache_ref(opts->cache);
  if (rc != 0) {
    edgefn_edge_free(edge);
    return rc;
  }
  *out = edge;
  return 0;
}

static void loop_state_free(edge_loop *el) {
  const edgefn_edge *edge = el->edge;
  /* Runtimes first: their requests end with on_end(EDGEFN_ECANCELED) through fn_on_end, and
   * their subrequests are cancelled through the router while the backends still exist. */
  edge__mgr_free(el->mgr);
  /* What is left was forwarded to a backend that is about to go. */
  while (el->requests) {
    edge_request *r = el->requests;
    if (r->forwarding && r->ops->cancel)
      r->ops->cancel(r->backend, r->op);
    edgefn_response_handler h = r->handler;
    void *hd = r->user_data;
    request_free(r);
    h.on_end(hd, EDGEFN_ECANCELED);
  }
  for (size_t i = 0; el->origin_fetch && i < edge->origin_count; i++) {
    edgefn_cache_fetcher_free(el->origin_cache[i]);
    edgefn_curl_backend_free(el->origin_fetch[i]);
  }
  edgefn_curl_backend_free(el->public_fetch);
  free(el->origin_fetch);
  free(el->origin_cache);
  edgefn__spare_free(&el->spare, sizeof(edge_request));
  free(el);
}

int edgefn_edge_attach(edgefn_edge *edge, edgefn_loop *loop) {
  if (!edge || !loop)
    return EDGEFN_EINVAL;
  if (find_loop(edge, loop))
    return EDGEFN_ESTATE;
  edge_loop *el = calloc(1, sizeof(*el));
  if (!el)
    return EDGEFN_ENOMEM;
  el->edge = edge;
  el->loop = loop;
  size_t no = edge->origin_count ? edge->origin_count : 1;
  el->origin_fetch = calloc(no, sizeof(void *));
  el->origin_cache = calloc(no, sizeof(void *));
  int rc = el->origin_fetch && el->origin_cache ? 0 : EDGEFN_ENOMEM;
  if (rc == 0) {
    edgefn_curl_options co = EDGEFN_CURL_OPTIONS_INIT;
    co.policy = edge->public_policy;
    rc = edgefn_curl_backend_new(&el->public_fetch, loop, &co);
  }
  for (size_t i = 0; rc == 0 && i < edge->origin_count; i++) {
    /* Origins are configured by the operator: private and loopback addresses are fine. */
    edgefn_curl_options co = EDGEFN_CURL_OPTIONS_INIT;
    co.policy = EDGEFN_FETCH_ALLOW_LOOPBACK | EDGEFN_FETCH_ALLOW_PRIVATE;
    co.connect_to = edge->origins[i].address;
    rc = edgefn_curl_backend_new(&el->origin_fetch[i], loop, &co);
    if (rc == 0 && edge->cache) {
      edgefn_cache_fetcher_options fo = EDGEFN_CACHE_FETCHER_OPTIONS_INIT;
      fo.upstream_ops = edgefn_curl_fetch_ops();
      fo.upstream_backend = el->origin_fetch[i];
      rc = edgefn_cache_fetcher_new(&el->origin_cache[i], loop, edge->cache, &fo);
    }
  }
  if (rc == 0) {
    edge_mgr_config mc = {edge,       loop, edge->settings, &router_ops, el, edge->cache,
                          edge->log, edge->log_data, &job_ops, el};
    rc = edge__mgr_new(&el->mgr, &mc);
  }
  for (size_t i = 0; rc == 0 && i < edge->prewarm_count; i++)
    rc = edge__mgr_prewarm(el->mgr, edge->prewarm[i]);
  if (rc != 0) {
    loop_state_free(el);
    return rc;
  }
  pthread_mutex_lock(&edge->lock);
  el->next = edge->loops;
  edge->loops = el;
  pthread_mutex_unlock(&edge->lock);
  return 0;
}

void edgefn_edge_detach(edgefn_edge *edge, edgefn_loop *loop) {
  if (!edge || !loop)
    return;
  pthread_mutex_lock(&edge->lock);
  edge_loop **pp = &edge->loops;
  while (*pp && (*pp)->loop != loop)
    pp = &(*pp)->next;
  edge_loop *el = *pp;
  if (el)
    *pp = el->next;
  pthread_mutex_unlock(&edge->lock);
  if (el)
    loop_state_free(el);
}

/* ---- the function table and the figures ---- */

edge_fntab *edge__table_current(edgefn_edge *edge) {
  pthread_mutex_lock(&edge->lock);
  edge_fntab *t = edge__fntab_ref(edge->table);
  pthread_mutex_unlock(&edge->lock);
  return t;
}

uint64_t edge__table_generation(edgefn_edge *edge) {
  return atomic_load_explicit(&edge->generation, memory_order_acquire);
}

int edgefn_edge_update_function(edgefn_edge *edge, const edgefn_function *fn,
                                edgefn_error_info *err) {
  if (!edge || !fn) {
    edgefn__error_set(err, EDGEFN_EINVAL, NULL, 0, 0, "edgefn_edge_update_function: NULL argument");
    return EDGEFN_EINVAL;
  }
  if (!EDGEFN_MIN_SIZE_OK(fn, edgefn_function, options)) {
    edgefn__error_set(err, EDGEFN_EVERSION, NULL, 0, 0, "edgefn_function too small");
    return EDGEFN_EVERSION;
  }
  edge_fn *nf = NULL;
  int rc = edge__fn_new(&nf, fn, &edge->settings, err);
  if (rc != 0)
    return rc;
  pthread_mutex_lock(&edge->lock);
  edge_fntab *old = edge->table;
  size_t index = 0;
  if (!edge__fntab_find(old, nf->name, strlen(nf->name), &index)) {
    pthread_mutex_unlock(&edge->lock);
    edgefn__error_set(err, EDGEFN_EINVAL, NULL, 0, 0, "function '%s' is not configured",
                      nf->name);
    edge__fn_unref(nf);
    return EDGEFN_EINVAL;
  }
  edge_fntab *t = edge__fntab_new(old->count);
  if (!t) {
    pthread_mutex_unlock(&edge->lock);
    edge__fn_unref(nf);
    return EDGEFN_ENOMEM;
  }
  /* Same names at the same indexes: the name index carries over. */
  for (size_t i = 0; i < old->count; i++)
    t->fns[i] = i == index ? nf : edge__fn_ref(old->fns[i]);
  memcpy(t->slots, old->slots, (old->slot_mask + 1) * sizeof(*t->slots));
  t->generation = old->generation + 1;
  edge->table = t;
  atomic_store_explicit(&edge->generation, t->generation, memory_order_release);
  pthread_mutex_unlock(&edge->lock);
  edge__fntab_unref(old); /* loops that still use it hold their own references */
  return 0;
}

int edgefn_edge_stats_get(edgefn_edge *edge, edgefn_loop *loop, const char *name,
                          edgefn_edge_stats *stats) {
  if (!edge || !loop || !stats)
    return EDGEFN_EINVAL;
  if (stats->struct_size < offsetof(edgefn_edge_stats, runtimes) + sizeof(size_t))
    return EDGEFN_EVERSION;
  int rc = 0;
  pthread_mutex_lock(&edge->lock);
  size_t fn = SIZE_MAX;
  edge_loop *el = edge->loops;
  while (el && el->loop != loop)
    el = el->next;
  if (!el)
    rc = EDGEFN_ESTATE;
  else if (name && !edge__fntab_find(edge->table, name, strlen(name), &fn))
    rc = EDGEFN_EINVAL;
  else
    edge__mgr_stats(el->mgr, fn, stats); /* detach unlinks under the lock before freeing */
  pthread_mutex_unlock(&edge->lock);
  return rc;
}
