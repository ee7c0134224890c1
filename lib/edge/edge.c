/* edgefn_edge: rules → function → (cache → origin), and the routing of a function's
 * subrequests. Per-loop state (fetch backends, runtimes) lives in an edge_loop made by
 * edgefn_edge_attach on that loop's thread; the edge itself is immutable after creation
 * apart from the list of attached loops, which a mutex guards. */
#include "compiler/compiler.h"
#include "core/core.h"

#include <edgefn/edge.h>
#include <edgefn/fetch.h>

#include <ctype.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct edge_function {
  char *name;
  edgefn_script *script;
  edgefn_runtime_options options;
} edge_function;

typedef struct edge_origin {
  char *host;
  char *address;
  int tls;
} edge_origin;

typedef struct edge_loop edge_loop;
typedef struct edge_request edge_request;

struct edgefn_edge {
  edgefn_rules *rules;
  edge_function *functions;
  size_t function_count;
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
  edgefn_runtime **runtimes; /* per function, made on first use */
  edge_request *requests;    /* in flight, for detach */
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
  /* The copy. */
  edgefn_request req;
  void *block;
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
  for (size_t i = 0; i < edge->origin_count; i++)
    if (strlen(edge->origins[i].host) == hl && strncasecmp(edge->origins[i].host, h, hl) == 0) {
      *index = i;
      return &edge->origins[i];
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

/* Copies a request into one block (with the scheme rewritten to https when `tls`). */
static int copy_request(edge_request *r, const edgefn_request *src, bool tls) {
  const char *url = src->url;
  size_t url_len = src->url_len;
  const char *scheme_end = memchr(url, ':', url_len);
  size_t rest = scheme_end ? url_len - (size_t)(scheme_end - url) : url_len;
  size_t new_url_len = tls && scheme_end ? 5 + rest : url_len;
  size_t method_len = src->method ? src->method_len : 3;
  size_t size = src->header_count * sizeof(edgefn_header) + new_url_len + method_len + 2 +
                src->body_len + (src->client_ip ? strlen(src->client_ip) + 1 : 0);
  for (size_t i = 0; i < src->header_count; i++)
    size += src->headers[i].name_len + src->headers[i].value_len;
  char *block = malloc(size ? size : 1);
  if (!block)
    return EDGEFN_ENOMEM;
  r->block = block;
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
    if (h->value_len)
      memcpy(p, h->value, h->value_len);
    hs[i].value = p;
    hs[i].value_len = h->value_len;
    p += h->value_len;
  }
  d->headers = hs;
  d->header_count = src->header_count;
  if (tls && scheme_end) {
    memcpy(p, "https", 5);
    memcpy(p + 5, scheme_end, rest);
  } else {
    memcpy(p, url, url_len);
  }
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
  edge_request *r = calloc(1, sizeof(*r));
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
  request_unlink(r);
  free(r->block);
  free(r);
}

/* ---- forwarding to a backend (cache/origin or the public network) ---- */

static void fwd_on_head(void *ud, const edgefn_response_head *head) {
  edge_request *r = ud;
  r->head_sent = true;
  if (r->handler.on_head)
    r->handler.on_head(r->user_data, head);
}

static void fwd_on_body(void *ud, const uint8_t *data, size_t len) {
  edge_request *r = ud;
  if (r->handler.on_body)
    r->handler.on_body(r->user_data, data, len);
}

static void fwd_on_end(void *ud, int result) {
  edge_request *r = ud;
  edgefn_response_handler h = r->handler;
  void *hd = r->user_data;
  request_free(r);
  h.on_end(hd, result);
}

static const edgefn_response_handler fwd_handler = {sizeof(edgefn_response_handler),
                                                    fwd_on_head, fwd_on_body, fwd_on_end};

/* Chooses where a request for `url` goes: its host's origin (through the cache when there is
 * one), or the public network. */
static void choose_backend(edge_loop *el, const edgefn_request *req, const edgefn_fetch_ops **ops,
                           void **backend, const edge_origin **origin) {
  size_t i = 0;
  *origin = find_origin(el->edge, req->url, req->url_len, &i);
  if (!*origin) {
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

static void send_text(const edgefn_response_handler *h, void *ud, int status, const char *text) {
  static const char ct[] = "text/plain; charset=utf-8";
  edgefn_header hd = {"content-type", 12, ct, sizeof(ct) - 1};
  edgefn_response_head head = {sizeof(head), status, "", &hd, 1, (int64_t)strlen(text), NULL};
  if (h->on_head)
    h->on_head(ud, &head);
  if (h->on_body)
    h->on_body(ud, (const uint8_t *)text, strlen(text));
  h->on_end(ud, 0);
}

/* The default path: cache → origin of the request's host. Takes ownership of r. */
static void default_path(edge_request *r) {
  edge_loop *el = r->el;
  const edgefn_fetch_ops *ops;
  void *backend;
  const edge_origin *origin;
  choose_backend(el, &r->req, &ops, &backend, &origin);
  if (!origin) {
    edgefn_response_handler h = r->handler;
    void *hd = r->user_data;
    edge_log(el->edge, EDGEFN_LOG_WARN, "no origin is configured for %.*s", (int)r->req.url_len,
             r->req.url);
    request_free(r);
    send_text(&h, hd, 502, "no origin is configured for this host\n");
    return;
  }
  edgefn_response_handler h = r->handler;
  void *hd = r->user_data;
  int rc = forward(r, ops, backend);
  if (rc != 0)
    send_text(&h, hd, 502, "the origin could not be reached\n");
}

/* ---- the router the runtimes use as their fetch backend ---- */

static int router_start(void *backend, edgefn_loop *loop, const edgefn_request *req,
                        const edgefn_response_handler *handler, void *handler_data, void **op) {
  edge_loop *el = backend;
  if (loop != el->loop || !req || !req->url)
    return EDGEFN_EINVAL;
  edge_request *r = request_new(el, handler, handler_data);
  if (!r)
    return EDGEFN_ENOMEM;
  const edgefn_fetch_ops *ops;
  void *target;
  const edge_origin *origin;
  choose_backend(el, req, &ops, &target, &origin);
  int rc = copy_request(r, req, origin && origin->tls);
  if (rc != 0) {
    request_free(r);
    return rc;
  }
  rc = forward(r, ops, target);
  if (rc == 0 && op)
    *op = r;
  return rc;
}

static void router_cancel(void *backend, void *op) {
  edge_loop *el = backend;
  for (edge_request *r = el->requests; r; r = r->next)
    if (r == op) {
      if (r->forwarding && r->ops->cancel)
        r->ops->cancel(r->backend, r->op);
      request_free(r);
      return;
    }
}

static void router_release(void *backend) { (void)backend; }

static const edgefn_fetch_ops router_ops = {1 /* no pause yet */, router_start,
                                            router_cancel, router_release, NULL};

/* ---- a function's response, or its decline ---- */

static void fn_on_head(void *ud, const edgefn_response_head *head) { fwd_on_head(ud, head); }
static void fn_on_body(void *ud, const uint8_t *data, size_t len) { fwd_on_body(ud, data, len); }

static void fn_on_end(void *ud, int result) {
  edge_request *r = ud;
  if (result == EDGEFN_EPASS) {
    default_path(r); /* the function declined: cache → origin */
    return;
  }
  fwd_on_end(ud, result);
}

static const edgefn_response_handler fn_handler = {sizeof(edgefn_response_handler), fn_on_head,
                                                   fn_on_body, fn_on_end};

static edgefn_runtime *runtime_for(edge_loop *el, size_t fn) {
  if (el->runtimes[fn])
    return el->runtimes[fn];
  edge_function *f = &el->edge->functions[fn];
  edgefn_runtime_options o = f->options;
  o.fetch_ops = &router_ops;
  o.fetch_backend = el;
  o.cache = el->edge->cache;
  edgefn_error_info err = EDGEFN_ERROR_INFO_INIT;
  int rc = edgefn_runtime_new(&el->runtimes[fn], el->loop, f->script, &o, &err);
  if (rc != 0) {
    edge_log(el->edge, EDGEFN_LOG_ERROR, "function %s could not start: %s (%s:%d)", f->name,
             err.message[0] ? err.message : edgefn_strerror(rc), err.file, err.line);
    el->runtimes[fn] = NULL;
  }
  return el->runtimes[fn];
}

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
  const char *fn_name = NULL;
  size_t rule = 0;
  int m = edge->rules ? edgefn_rules_match(edge->rules, req, &fn_name, &rule) : 0;
  if (m < 0)
    return m;
  edge_request *r = request_new(el, handler, user_data);
  if (!r)
    return EDGEFN_ENOMEM;
  size_t oi = 0;
  const edge_origin *origin = find_origin(edge, req->url, req->url_len, &oi);
  if (copy_request(r, req, origin && origin->tls) != 0) {
    request_free(r);
    return EDGEFN_ENOMEM;
  }
  if (m == 1) {
    size_t fn = 0;
    while (fn < edge->function_count && strcmp(edge->functions[fn].name, fn_name) != 0)
      fn++;
    edgefn_runtime *rt = fn < edge->function_count ? runtime_for(el, fn) : NULL;
    if (!rt) {
      request_free(r);
      send_text(handler, user_data, 500, "edge function could not start\n");
      return 0;
    }
    /* The function sees the client's URL, not the origin's https rewrite. */
    edgefn_request as_sent = r->req;
    as_sent.url = req->url;
    as_sent.url_len = req->url_len;
    as_sent.geo = EDGEFN_HAS_FIELD(req, edgefn_request, geo) ? req->geo : NULL;
    as_sent.request_id = EDGEFN_HAS_FIELD(req, edgefn_request, request_id) ? req->request_id : NULL;
    int rc = edgefn_runtime_dispatch(rt, &as_sent, &fn_handler, r);
    if (rc != 0) {
      request_free(r);
      return rc;
    }
    return 0;
  }
  default_path(r);
  return 0;
}

/* ---- building and attaching ---- */

static char *dup_str(const char *s) { return s ? edgefn__strndup(s, strlen(s)) : NULL; }

void edgefn_edge_free(edgefn_edge *edge) {
  if (!edge)
    return;
  for (size_t i = 0; i < edge->function_count; i++) {
    free(edge->functions[i].name);
    free((char *)edge->functions[i].options.name);
    edgefn_script_free(edge->functions[i].script);
  }
  for (size_t i = 0; i < edge->origin_count; i++) {
    free(edge->origins[i].host);
    free(edge->origins[i].address);
  }
  free(edge->functions);
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
  int rc = 0;
  edge->functions = calloc(opts->function_count ? opts->function_count : 1,
                           sizeof(edge_function));
  edge->origins = calloc(opts->origin_count ? opts->origin_count : 1, sizeof(edge_origin));
  if (!edge->functions || !edge->origins)
    rc = EDGEFN_ENOMEM;
  for (size_t i = 0; rc == 0 && i < opts->function_count; i++) {
    const edgefn_function *f = &opts->functions[i];
    if (!f->name || !f->script || f->struct_size < sizeof(edgefn_function)) {
      edgefn__error_set(err, EDGEFN_EINVAL, NULL, 0, 0, "function %zu: %s", i,
                        !f->name ? "no name" : !f->script ? "no script" : "struct too small");
      rc = EDGEFN_EINVAL;
      break;
    }
    for (size_t j = 0; j < i; j++)
      if (strcmp(opts->functions[j].name, f->name) == 0) {
        edgefn__error_set(err, EDGEFN_EINVAL, NULL, 0, 0, "function %zu: name '%s' used twice",
                          i, f->name);
        rc = EDGEFN_EINVAL;
      }
    edge_function *d = &edge->functions[edge->function_count++];
    d->name = dup_str(f->name);
    d->script = edgefn__script_ref(f->script);
    edgefn_runtime_options o = EDGEFN_RUNTIME_OPTIONS_INIT;
    if (f->options) {
      size_t n = f->options->struct_size < sizeof(o) ? f->options->struct_size : sizeof(o);
      memcpy(&o, f->options, n);
      o.struct_size = sizeof(o);
    }
    o.name = dup_str(o.name ? o.name : f->name);
    d->options = o;
    if (!d->name || !o.name)
      rc = rc ? rc : EDGEFN_ENOMEM;
  }
  for (size_t i = 0; rc == 0 && i < opts->origin_count; i++) {
    const edgefn_origin *o = &opts->origins[i];
    if (!o->host || !o->address || !strchr(o->address, ':')) {
      edgefn__error_set(err, EDGEFN_EINVAL, NULL, 0, 0, "origin %zu: %s", i,
                        !o->host ? "no host" : "address must be ADDRESS:PORT");
      rc = EDGEFN_EINVAL;
      break;
    }
    edge_origin *d = &edge->origins[edge->origin_count++];
    d->host = dup_str(o->host);
    d->address = dup_str(o->address);
    d->tls = o->tls;
    if (!d->host || !d->address)
      rc = EDGEFN_ENOMEM;
  }
  for (size_t i = 0; rc == 0 && opts->rules && i < edgefn_rules_count(opts->rules); i++) {
    /* Every rule must name a configured function: a typo must not silently fall through. */
    const char *name = edgefn_rules_function(opts->rules, i);
    size_t fn = 0;
    while (fn < edge->function_count && strcmp(edge->functions[fn].name, name) != 0)
      fn++;
    if (fn == edge->function_count) {
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
  if (el->runtimes)
    for (size_t i = 0; i < edge->function_count; i++)
      edgefn_runtime_free(el->runtimes[i]);
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
  free(el->runtimes);
  free(el->origin_fetch);
  free(el->origin_cache);
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
  el->runtimes = calloc(edge->function_count ? edge->function_count : 1, sizeof(*el->runtimes));
  int rc = el->origin_fetch && el->origin_cache && el->runtimes ? 0 : EDGEFN_ENOMEM;
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
