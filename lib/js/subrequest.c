/* fetch(): the script's subrequests, sent through the runtime's fetch backend
 * (edgefn_fetch_ops). The backend is a plain HTTP client; this file applies the Fetch
 * standard around it: a Request built from fetch()'s arguments, the redirect modes and
 * their method rewriting, AbortSignal, the per-request subrequest limit, and a Response
 * whose body is a ReadableStream fed as the backend delivers it.
 *
 * The fetch resolves at the head (redirects to follow are still read whole first). Chunks
 * the backend hands over are collected in C and moved into the body stream by a deferred
 * callback; when the stream's queue reaches its high-water mark (EDGEFN_FETCH_BODY_HWM
 * bytes) the backend is paused (edgefn_fetch_ops.pause, version 2) until the script reads,
 * so `return fetch(url)` or a pipeThrough of an origin body never holds it whole.
 *
 * A request body given as a ReadableStream streams too, with a backend of version 3: the
 * request carries an edgefn_body_source that the backend pulls as it sends; each pull that
 * finds no chunk waiting reads the stream once (from the loop) and tells the backend when
 * the chunk is there. The source holds at most one chunk, so an upload of any size costs
 * about one chunk plus what the stream itself queues.
 *
 * Backend callbacks never run script code directly: they record what arrived and queue a
 * deferred callback, which enters JavaScript through the runtime like a timer does. That
 * keeps backends that answer synchronously from re-entering the interpreter. */
#include "js/runtime.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define KEY_SUBREQUEST_ID DUK_HIDDEN_SYMBOL("fid")

struct edgefn__subrequest {
  edgefn__subrequest *next, *prev;
  edgefn_runtime *rt;
  uint32_t id;
  uint32_t exchange_id;
  void *op;         /* the backend's token while a transfer is in flight */
  bool in_flight;
  edgefn__defer settle;
  uint32_t redirects;
  /* What the backend delivered for the current transfer. */
  int result;
  int status;
  char status_text[64];
  edgefn_header *headers;
  size_t header_count;
  char *strings; /* header names and values */
  uint8_t *body;
  size_t body_len, body_cap;
  bool oom;
  /* The streamed body (after the head of a response that is not a redirect to follow). */
  bool follow_redirects; /* redirect mode is not "manual" */
  bool streaming;        /* chunks go to the Response's stream */
  bool resolved;         /* the Response has been handed to the script */
  bool ended;            /* on_end came */
  bool paused;           /* the backend was asked to pause */
  edgefn__defer flush;   /* moves collected chunks (and the end) into the stream */
  edgefn__defer unpause;
  edgefn_body_source *source; /* the streamed request body (stash entry's "reader") */
};

/* A streamed request body as the backend sees it: one chunk read from the stream, handed
 * out piece by piece. */
struct edgefn_body_source {
  edgefn__subrequest *s;
  uint8_t *chunk;
  size_t len, off;
  bool reading;     /* a read() of the stream is outstanding */
  bool done;        /* the stream closed */
  int error;        /* the stream failed (EDGEFN_EABORTED), or 0 */
  bool want_ready;  /* the backend was told EDGEFN_EAGAIN and waits for `ready` */
  void (*ready)(void *data);
  void *ready_data;
  edgefn__defer pull;   /* reads the stream from the loop */
  edgefn__defer notify; /* calls `ready` from the loop */
};

static void stash_key(char *buf, size_t size, uint32_t id) { snprintf(buf, size, "f%u", id); }

static void reset_response(edgefn__subrequest *s) {
  free(s->headers);
  free(s->strings);
  free(s->body);
  s->headers = NULL;
  s->strings = NULL;
  s->body = NULL;
  s->header_count = s->body_len = s->body_cap = 0;
  s->status = 0;
  s->status_text[0] = '\0';
  s->result = 0;
  s->oom = false;
}

static void source_free(edgefn_runtime *rt, edgefn_body_source *src) {
  if (!src)
    return;
  edgefn__defer_cancel(rt->loop, &src->pull);
  edgefn__defer_cancel(rt->loop, &src->notify);
  free(src->chunk);
  free(src);
}

static void subrequest_free(edgefn__subrequest *s) {
  edgefn_runtime *rt = s->rt;
  if (s->in_flight && rt->fetch_ops->cancel)
    rt->fetch_ops->cancel(rt->fetch_backend, s->op);
  source_free(rt, s->source); /* after the cancel: the backend lets go of it first */
  s->source = NULL;
  edgefn__defer_cancel(rt->loop, &s->settle);
  edgefn__defer_cancel(rt->loop, &s->flush);
  edgefn__defer_cancel(rt->loop, &s->unpause);
  if (s->prev)
    s->prev->next = s->next;
  else
    rt->subrequests = s->next;
  if (s->next)
    s->next->prev = s->prev;
  char key[16];
  stash_key(key, sizeof(key), s->id);
  edgefn__rt_stash_delete(rt, key);
  reset_response(s);
  free(s);
}

/* ---- backend callbacks: record, then settle from the loop ---- */

static bool is_redirect(int status) {
  return status == 301 || status == 302 || status == 303 || status == 307 || status == 308;
}

static void backend_pause(edgefn__subrequest *s, bool paused) {
  edgefn_runtime *rt = s->rt;
  if (rt->fetch_ops->version < 2 || !rt->fetch_ops->pause || !s->in_flight)
    return;
  s->paused = paused;
  rt->fetch_ops->pause(rt->fetch_backend, s->op, paused ? 1 : 0);
}

static void on_head(void *ud, const edgefn_response_head *head) {
  edgefn__subrequest *s = ud;
  s->status = head->status;
  snprintf(s->status_text, sizeof(s->status_text), "%s", head->status_text ? head->status_text : "");
  size_t total = 0;
  for (size_t i = 0; i < head->header_count; i++)
    total += head->headers[i].name_len + head->headers[i].value_len;
  s->headers = malloc((head->header_count ? head->header_count : 1) * sizeof(edgefn_header));
  s->strings = malloc(total ? total : 1);
  if (!s->headers || !s->strings) {
    s->oom = true;
    return;
  }
  char *p = s->strings;
  for (size_t i = 0; i < head->header_count; i++) {
    const edgefn_header *h = &head->headers[i];
    memcpy(p, h->name, h->name_len);
    s->headers[i].name = p;
    s->headers[i].name_len = h->name_len;
    p += h->name_len;
    memcpy(p, h->value, h->value_len);
    s->headers[i].value = p;
    s->headers[i].value_len = h->value_len;
    p += h->value_len;
  }
  s->header_count = head->header_count;
  bool has_location = false;
  for (size_t i = 0; i < s->header_count; i++)
    if (s->headers[i].name_len == 8 && strncasecmp(s->headers[i].name, "location", 8) == 0)
      has_location = true;
  if (!(is_redirect(s->status) && has_location && s->follow_redirects)) {
    s->streaming = true;
    edgefn__defer_queue(s->rt->loop, &s->settle); /* resolves with the head */
  }
}

static void on_body(void *ud, const uint8_t *data, size_t len) {
  edgefn__subrequest *s = ud;
  if (s->oom)
    return;
  if (s->body_len + len > s->body_cap) {
    size_t cap = s->body_cap ? s->body_cap : 4096;
    while (cap < s->body_len + len)
      cap *= 2;
    uint8_t *b = realloc(s->body, cap);
    if (!b) {
      s->oom = true;
      return;
    }
    s->body = b;
    s->body_cap = cap;
  }
  memcpy(s->body + s->body_len, data, len);
  s->body_len += len;
  if (s->streaming && s->resolved)
    edgefn__defer_queue(s->rt->loop, &s->flush);
  /* What collects here before the flush moves it into the stream is bounded too: a
   * backend may deliver a whole socket buffer in one go. */
  if (s->streaming && s->body_len >= EDGEFN_FETCH_BODY_HWM && !s->paused)
    backend_pause(s, true);
}

static void on_end(void *ud, int result) {
  edgefn__subrequest *s = ud;
  s->in_flight = false;
  s->result = result;
  s->ended = true;
  if (s->streaming && s->resolved)
    edgefn__defer_queue(s->rt->loop, &s->flush);
  else
    edgefn__defer_queue(s->rt->loop, &s->settle);
}

static int start_transfer(edgefn__subrequest *s, const edgefn__request_parts *p) {
  edgefn_runtime *rt = s->rt;
  edgefn_request req = EDGEFN_REQUEST_INIT;
  req.method = p->method;
  req.method_len = p->method_len;
  req.url = p->url;
  req.url_len = p->url_len;
  req.headers = p->headers;
  req.header_count = p->header_count;
  req.body = p->body_len ? p->body : NULL;
  req.body_len = p->body_len;
  req.body_source = s->redirects == 0 ? s->source : NULL; /* redirects never resend it */
  static const edgefn_response_handler handler = {sizeof(edgefn_response_handler), on_head,
                                                   on_body, on_end};
  reset_response(s);
  s->streaming = s->ended = s->paused = false;
  s->in_flight = true;
  int rc = rt->fetch_ops->start(rt->fetch_backend, rt->loop, &req, &handler, s, &s->op);
  if (rc != 0)
    s->in_flight = false;
  return rc;
}

/* ---- settling in JavaScript ---- */

static void push_native_source(duk_context *ctx, edgefn__subrequest *s);
static bool still_alive(edgefn_runtime *rt, edgefn__subrequest *s);

typedef struct settle_args {
  edgefn__subrequest *s;
  bool follow;                  /* out: a redirect to follow with `next` */
  edgefn__request_parts next;   /* out */
} settle_args;

/* Rejects the fetch with a TypeError carrying `msg`. Stack: [entry]. */
static void reject_with(duk_context *ctx, const char *msg) {
  duk_get_prop_literal(ctx, -1, "reject");
  duk_push_error_object(ctx, DUK_ERR_TYPE_ERROR, "%s", msg);
  duk_call(ctx, 1);
  duk_pop(ctx);
}


static const edgefn_header *find_header(const edgefn__subrequest *s, const char *name) {
  size_t n = strlen(name);
  for (size_t i = 0; i < s->header_count; i++)
    if (s->headers[i].name_len == n && strncasecmp(s->headers[i].name, name, n) == 0)
      return &s->headers[i];
  return NULL;
}

static duk_ret_t settle_safe(duk_context *ctx, void *udata) {
  settle_args *a = udata;
  edgefn__subrequest *s = a->s;
  char key[16];
  stash_key(key, sizeof(key), s->id);
  duk_push_global_stash(ctx);
  duk_get_prop_string(ctx, -1, key);
  duk_remove(ctx, -2); /* [entry] */
  if (!duk_is_object(ctx, -1))
    return 0;
  if (s->result != 0 || s->oom) {
    char msg[160];
    snprintf(msg, sizeof(msg), "fetch failed: %s",
             s->oom                         ? "out of memory"
             : s->source && s->source->error ? "the request body stream failed"
                                             : edgefn_strerror(s->result));
    reject_with(ctx, msg);
    return 0;
  }
  duk_get_prop_literal(ctx, -1, "request"); /* [entry request] */
  duk_get_prop_literal(ctx, -2, "mode"); /* the script's redirect mode, kept across hops */
  const char *mode = duk_get_string(ctx, -1);
  bool manual = mode && strcmp(mode, "manual") == 0;
  bool error = mode && strcmp(mode, "error") == 0;
  duk_pop(ctx);
  const edgefn_header *location = find_header(s, "location");
  if (is_redirect(s->status) && location && !manual) {
    if (error) {
      duk_pop(ctx);
      reject_with(ctx, "fetch failed: redirect mode is 'error'");
      return 0;
    }
    if (s->redirects >= EDGEFN_FETCH_MAX_REDIRECTS) {
      duk_pop(ctx);
      reject_with(ctx, "fetch failed: too many redirects");
      return 0;
    }
    /* The next URL: Location resolved against the current one. */
    duk_get_global_literal(ctx, "URL");
    duk_push_lstring(ctx, location->value, location->value_len);
    duk_get_prop_literal(ctx, -3, "url");
    duk_new(ctx, 2);
    duk_get_prop_literal(ctx, -1, "href");
    duk_remove(ctx, -2); /* [entry request href] */
    duk_get_prop_literal(ctx, -2, "method");
    const char *method = duk_get_string(ctx, -1);
    /* Fetch: 301/302 turn POST into GET, 303 turns everything but GET/HEAD into GET; the
     * body and its headers are then dropped. */
    bool to_get = ((s->status == 301 || s->status == 302) && strcmp(method, "POST") == 0) ||
                  (s->status == 303 && strcmp(method, "GET") != 0 && strcmp(method, "HEAD") != 0);
    duk_pop(ctx);
    if (s->source && !to_get) {
      /* Fetch (4.4 HTTP-redirect fetch): a body read from a stream cannot be sent again. */
      duk_pop_2(ctx);
      reject_with(ctx, "fetch failed: a redirect would resend a streamed request body");
      return 0;
    }
    duk_get_global_literal(ctx, "Request");
    duk_dup(ctx, -2);
    duk_push_object(ctx); /* init: based on the current request */
    duk_get_prop_literal(ctx, -5, "headers");
    duk_put_prop_literal(ctx, -2, "headers");
    if (to_get) {
      duk_push_literal(ctx, "GET");
      duk_put_prop_literal(ctx, -2, "method");
    } else {
      duk_get_prop_literal(ctx, -5, "method");
      duk_put_prop_literal(ctx, -2, "method");
      duk_dup(ctx, -5); /* the body bytes travel with the request as body init */
      duk_put_prop_literal(ctx, -2, "body");
    }
    duk_new(ctx, 2); /* [entry request href next] */
    if (to_get) {
      duk_get_prop_literal(ctx, -1, "headers");
      static const char *const drop[] = {"content-type", "content-length", "content-encoding",
                                         "content-language", "content-location"};
      for (size_t i = 0; i < EDGEFN_ARRAY_LEN(drop); i++) {
        duk_push_literal(ctx, "delete");
        duk_push_string(ctx, drop[i]);
        duk_call_prop(ctx, -3, 1);
        duk_pop(ctx);
      }
      duk_pop(ctx);
    }
    edgefn__request_extract(ctx, -1, &a->next);
    duk_put_prop_literal(ctx, -4, "request");
    duk_pop_2(ctx);
    a->follow = true;
    return 0;
  }
  duk_get_prop_literal(ctx, -1, "url"); /* [entry request url] */
  /* A body that arrived whole before the script saw the head (small responses, usually in
   * the same socket read) is given as bytes: the Response is the same to a script (its
   * `body` is a byte stream made on first use), without the stream machinery that moving
   * the bytes through a native source and reading them back costs. */
  if (s->streaming && !s->ended) {
    edgefn__response_push_raw(ctx, s->status, s->status_text, s->headers, s->header_count,
                              NULL, 0, -1, s->redirects > 0);
    duk_idx_t resp = duk_get_top_index(ctx);
    push_native_source(ctx, s);
    duk_get_prop_literal(ctx, -1, "stream");
    duk_put_prop_literal(ctx, resp, EDGEFN_KEY_BODY);
    duk_put_prop_literal(ctx, -5, "src");
    s->resolved = true;
  } else {
    edgefn__response_push_raw(ctx, s->status, s->status_text, s->headers, s->header_count,
                              s->body, s->body_len, -1, s->redirects > 0);
  }
  duk_get_prop_literal(ctx, -4, "resolve");
  duk_dup(ctx, -2);
  duk_call(ctx, 1);
  duk_pop_n(ctx, 4);
  return 0;
}

/* ---- the streamed body ---- */

static edgefn__subrequest *subrequest_of_fn(duk_context *ctx) {
  edgefn_runtime *rt = edgefn__rt_from_ctx(ctx);
  duk_push_current_function(ctx);
  duk_get_prop_literal(ctx, -1, KEY_SUBREQUEST_ID);
  uint32_t id = duk_get_uint(ctx, -1);
  duk_pop_2(ctx);
  edgefn__subrequest *s = rt ? rt->subrequests : NULL;
  while (s && s->id != id)
    s = s->next;
  return s;
}

/* The body stream's pull: the script wants more, so the backend may go on. */
static duk_ret_t body_on_pull(duk_context *ctx) {
  edgefn__subrequest *s = subrequest_of_fn(ctx);
  if (s && s->paused && !s->ended)
    edgefn__defer_queue(s->rt->loop, &s->unpause);
  return 0;
}

/* The body stream was cancelled: so is the transfer. */
static duk_ret_t body_on_cancel(duk_context *ctx) {
  edgefn__subrequest *s = subrequest_of_fn(ctx);
  if (s)
    subrequest_free(s);
  return 0;
}

/* Pushes the stream module's nativeSource for s's body. */
static void push_native_source(duk_context *ctx, edgefn__subrequest *s) {
  duk_push_c_function(ctx, body_on_pull, 0);
  duk_push_uint(ctx, s->id);
  duk_put_prop_literal(ctx, -2, KEY_SUBREQUEST_ID);
  duk_push_c_function(ctx, body_on_cancel, 1);
  duk_push_uint(ctx, s->id);
  duk_put_prop_literal(ctx, -2, KEY_SUBREQUEST_ID);
  duk_push_uint(ctx, EDGEFN_FETCH_BODY_HWM);
  edgefn__streams_call(ctx, "nativeSource", 3);
}

/* Moves the collected chunk into the stream, and the end once it came. */
static duk_ret_t flush_safe(duk_context *ctx, void *udata) {
  edgefn__subrequest *s = udata;
  char key[16];
  stash_key(key, sizeof(key), s->id);
  duk_push_global_stash(ctx);
  duk_get_prop_string(ctx, -1, key);
  if (!duk_is_object(ctx, -1) || !duk_get_prop_literal(ctx, -1, "src"))
    return 0;
  duk_idx_t src = duk_get_top_index(ctx);
  if (s->body_len > 0 && !s->oom) {
    duk_push_literal(ctx, "enqueue");
    uint8_t *d = duk_push_fixed_buffer(ctx, s->body_len);
    memcpy(d, s->body, s->body_len);
    duk_push_buffer_object(ctx, -1, 0, s->body_len, DUK_BUFOBJ_UINT8ARRAY);
    duk_remove(ctx, -2);
    s->body_len = 0;
    duk_call_prop(ctx, src, 1);
    double desired = duk_get_number_default(ctx, -1, 0);
    duk_pop(ctx);
    if (!s->ended)
      backend_pause(s, desired <= 0);
  }
  if (s->ended) {
    if (s->result == 0 && !s->oom) {
      duk_push_literal(ctx, "close");
      duk_call_prop(ctx, src, 0);
    } else {
      duk_push_literal(ctx, "error");
      duk_push_error_object(ctx, DUK_ERR_TYPE_ERROR, "fetch failed: %s",
                            s->oom ? "out of memory" : edgefn_strerror(s->result));
      duk_call_prop(ctx, src, 1);
    }
  }
  return 0;
}

static bool still_alive(edgefn_runtime *rt, edgefn__subrequest *s) {
  edgefn__subrequest *p = rt->subrequests;
  while (p && p != s)
    p = p->next;
  return p != NULL;
}

static void flush_deferred(edgefn__defer *d) {
  edgefn__subrequest *s = d->data;
  edgefn_runtime *rt = s->rt;
  edgefn__rt_invoke(rt, s->exchange_id, flush_safe, s, "fetch body");
  if (still_alive(rt, s) && s->ended)
    subrequest_free(s);
}

static void unpause_deferred(edgefn__defer *d) {
  edgefn__subrequest *s = d->data;
  if (s->paused && !s->ended)
    backend_pause(s, false);
}

static void settle_deferred(edgefn__defer *d) {
  edgefn__subrequest *s = d->data;
  edgefn_runtime *rt = s->rt;
  if (s->resolved)
    return; /* a streamed body: flush_deferred takes it from here */
  settle_args a = {.s = s};
  edgefn__rt_invoke(rt, s->exchange_id, settle_safe, &a, "fetch");
  /* The runtime may have cancelled the request (and with it this subrequest) meanwhile. */
  if (!still_alive(rt, s)) {
    free(a.next.block);
    return;
  }
  if (s->resolved) { /* the Response is out; its body follows */
    edgefn__defer_queue(rt->loop, &s->flush);
    return;
  }
  if (a.follow) {
    s->redirects++;
    int rc = start_transfer(s, &a.next);
    free(a.next.block);
    if (rc == 0)
      return;
    s->result = rc; /* settle again: rejects */
    edgefn__defer_queue(rt->loop, &s->settle);
    return;
  }
  subrequest_free(s);
}

/* ---- AbortSignal ---- */

static duk_ret_t on_abort(duk_context *ctx) {
  edgefn_runtime *rt = edgefn__rt_from_ctx(ctx);
  duk_push_current_function(ctx);
  duk_get_prop_literal(ctx, -1, KEY_SUBREQUEST_ID);
  uint32_t id = duk_get_uint(ctx, -1);
  edgefn__subrequest *s = rt->subrequests;
  while (s && s->id != id)
    s = s->next;
  if (!s)
    return 0;
  char key[16];
  stash_key(key, sizeof(key), id);
  duk_push_global_stash(ctx);
  duk_get_prop_string(ctx, -1, key);
  duk_get_prop_literal(ctx, -1, "reject");
  duk_get_prop_literal(ctx, -2, "signal");
  duk_get_prop_literal(ctx, -1, "reason");
  duk_remove(ctx, -2);
  duk_call(ctx, 1);
  if (s->resolved && duk_get_prop_literal(ctx, -2, "src")) { /* the body errors too */
    duk_push_literal(ctx, "error");
    duk_get_prop_literal(ctx, -4, "signal");
    duk_get_prop_literal(ctx, -1, "reason");
    duk_remove(ctx, -2);
    duk_call_prop(ctx, -3, 1);
  }
  subrequest_free(s);
  return 0;
}

/* ---- the streamed request body ---- */

static void source_notify(edgefn_body_source *src) {
  if (src->want_ready)
    edgefn__defer_queue(src->s->rt->loop, &src->notify);
}

static void notify_deferred(edgefn__defer *d) {
  edgefn_body_source *src = d->data;
  if (!src->want_ready || !src->ready)
    return;
  src->want_ready = false;
  src->ready(src->ready_data);
}

static edgefn_body_source *source_of_fn(duk_context *ctx) {
  edgefn__subrequest *s = subrequest_of_fn(ctx);
  return s ? s->source : NULL;
}

static duk_ret_t source_on_chunk(duk_context *ctx) { /* ({value, done}) */
  edgefn_body_source *src = source_of_fn(ctx);
  if (!src)
    return 0;
  src->reading = false;
  duk_get_prop_literal(ctx, 0, "done");
  bool done = duk_to_boolean(ctx, -1);
  duk_get_prop_literal(ctx, 0, "value");
  if (done) {
    src->done = true;
  } else if (!edgefn__is_uint8array(ctx, -1)) {
    src->error = EDGEFN_EABORTED; /* Fetch: a chunk that is not a Uint8Array fails it */
  } else {
    duk_size_t n = 0;
    const uint8_t *p = duk_get_buffer_data(ctx, -1, &n);
    if (n == 0) { /* nothing to send: read on */
      edgefn__defer_queue(src->s->rt->loop, &src->pull);
      return 0;
    }
    uint8_t *c = malloc(n);
    if (!c) {
      src->error = EDGEFN_EABORTED;
    } else {
      memcpy(c, p, n);
      free(src->chunk);
      src->chunk = c;
      src->len = n;
      src->off = 0;
    }
  }
  source_notify(src);
  return 0;
}

static duk_ret_t source_on_error(duk_context *ctx) {
  edgefn_body_source *src = source_of_fn(ctx);
  if (src) {
    src->reading = false;
    src->error = EDGEFN_EABORTED;
    source_notify(src);
  }
  return 0;
}

static void push_source_handler(duk_context *ctx, duk_c_function fn, uint32_t id) {
  duk_push_c_function(ctx, fn, 1);
  duk_push_uint(ctx, id);
  duk_put_prop_literal(ctx, -2, KEY_SUBREQUEST_ID);
}

/* reader.read().then(source_on_chunk, source_on_error) */
static duk_ret_t source_pull_safe(duk_context *ctx, void *udata) {
  edgefn__subrequest *s = udata;
  char key[16];
  stash_key(key, sizeof(key), s->id);
  duk_push_global_stash(ctx);
  duk_get_prop_string(ctx, -1, key);
  duk_get_prop_literal(ctx, -1, "reader");
  duk_push_literal(ctx, "read");
  duk_call_prop(ctx, -2, 0);
  push_source_handler(ctx, source_on_chunk, s->id);
  push_source_handler(ctx, source_on_error, s->id);
  edgefn__promise_then(ctx, -3, -2, -1, false);
  s->source->reading = true;
  return 0;
}

static void pull_deferred(edgefn__defer *d) {
  edgefn_body_source *src = d->data;
  edgefn__subrequest *s = src->s;
  edgefn_runtime *rt = s->rt;
  if (src->reading || src->done || src->error || src->off < src->len || s->redirects > 0)
    return; /* (after a redirect to GET the body is no longer sent: read no further) */
  edgefn__rt_invoke(rt, s->exchange_id, source_pull_safe, s, "fetch request body");
  if (still_alive(rt, s) && s->source == src && !src->reading && !src->done && !src->error &&
      src->off >= src->len) {
    src->error = EDGEFN_EABORTED; /* read() threw, or a limit stopped it */
    source_notify(src);
  }
}

int edgefn_body_source_read(edgefn_body_source *src, uint8_t *buf, size_t cap, size_t *len) {
  if (!src || !buf || !len)
    return EDGEFN_EINVAL;
  *len = 0;
  if (src->off < src->len) {
    size_t n = src->len - src->off < cap ? src->len - src->off : cap;
    memcpy(buf, src->chunk + src->off, n);
    src->off += n;
    if (src->off == src->len) /* read the next chunk while this one is being sent */
      edgefn__defer_queue(src->s->rt->loop, &src->pull);
    *len = n;
    return 0;
  }
  if (src->error)
    return src->error;
  if (src->done)
    return 0;
  src->want_ready = true;
  edgefn__defer_queue(src->s->rt->loop, &src->pull);
  return EDGEFN_EAGAIN;
}

void edgefn_body_source_on_ready(edgefn_body_source *src, void (*ready)(void *data),
                                 void *data) {
  if (!src)
    return;
  src->ready = ready;
  src->ready_data = data;
  if (!ready)
    src->want_ready = false;
}

/* ---- fetch() ---- */

static duk_ret_t new_request_safe(duk_context *ctx, void *udata) {
  (void)udata;
  duk_get_global_literal(ctx, "Request");
  duk_insert(ctx, -3);
  duk_new(ctx, 2);
  return 1;
}

static duk_ret_t push_rejected_type_error(duk_context *ctx, const char *msg) {
  duk_push_error_object(ctx, DUK_ERR_TYPE_ERROR, "%s", msg);
  edgefn__promise_push_rejected(ctx, -1);
  return 1;
}

static duk_ret_t fetch_fn(duk_context *ctx);

#define KEY_PENDING_REQUEST DUK_HIDDEN_SYMBOL("fpr")

/* A request body given as a ReadableStream is read whole, then sent as bytes: the fetch
 * backend interface takes a request body in one piece. */
static duk_ret_t fetch_after_body(duk_context *ctx) { /* (Uint8Array) */
  duk_get_global_literal(ctx, "Request");
  duk_push_current_function(ctx);
  duk_get_prop_literal(ctx, -1, KEY_PENDING_REQUEST);
  duk_remove(ctx, -2);
  duk_push_object(ctx);
  duk_dup(ctx, 0);
  duk_put_prop_literal(ctx, -2, "body");
  duk_new(ctx, 2);
  duk_remove(ctx, 0);
  duk_push_undefined(ctx); /* fetch_fn(request, undefined) */
  return fetch_fn(ctx);
}

static duk_ret_t read_request_body_safe(duk_context *ctx, void *udata) { /* [request stream] */
  (void)udata;
  edgefn__streams_call(ctx, "readAllBytes", 1);
  duk_push_c_function(ctx, fetch_after_body, 1);
  duk_dup(ctx, -3);
  duk_put_prop_literal(ctx, -2, KEY_PENDING_REQUEST);
  duk_push_undefined(ctx);
  edgefn__promise_then(ctx, -3, -2, -1, true);
  return 1;
}

static duk_ret_t fetch_fn(duk_context *ctx) {
  edgefn_runtime *rt = edgefn__rt_from_ctx(ctx);
  duk_set_top(ctx, 2);
  if (!rt || !rt->fetch_ops)
    return push_rejected_type_error(ctx,
                                    "fetch() is not available: the host gave this runtime no "
                                    "fetch backend");
  /* Errors while building the request reject the promise rather than throw (Fetch). */
  duk_dup(ctx, 0);
  duk_dup(ctx, 1);
  if (duk_safe_call(ctx, new_request_safe, NULL, 2, 1) != DUK_EXEC_SUCCESS) {
    edgefn__promise_push_rejected(ctx, -1);
    return 1;
  } /* [input init request] */
  int rc = edgefn__rt_subrequest_begin(rt);
  if (rc != 0) {
    char msg[128];
    snprintf(msg, sizeof(msg), "Too many subrequests: the limit is %u per request",
             rt->subrequest_limit);
    return push_rejected_type_error(ctx, msg);
  }
  /* The signal the request was made with, not the getter's: that one would make (at a
   * cost) a signal nothing can abort. */
  edgefn__request_push_signal(ctx, 2); /* 3 */
  if (duk_is_object(ctx, 3)) {
    duk_get_prop_literal(ctx, 3, "aborted");
    bool aborted = duk_to_boolean(ctx, -1);
    duk_pop(ctx);
    if (aborted) {
      duk_get_prop_literal(ctx, 3, "reason");
      edgefn__promise_push_rejected(ctx, -1);
      return 1;
    }
  }
  duk_get_prop_literal(ctx, 2, EDGEFN_KEY_BODY); /* 4 */
  bool stream_body = edgefn__is_readable_stream(ctx, -1);
  if (stream_body && rt->fetch_ops->version < 3) {
    duk_dup(ctx, 2);
    duk_insert(ctx, -2);
    if (duk_safe_call(ctx, read_request_body_safe, NULL, 2, 1) != DUK_EXEC_SUCCESS)
      edgefn__promise_push_rejected(ctx, -1);
    return 1;
  }
  if (stream_body) {
    /* The request's stream becomes the upload: lock it with a reader now (Request already
     * refused a used or locked one). */
    duk_push_literal(ctx, "getReader");
    duk_call_prop(ctx, 4, 0);
    duk_replace(ctx, 4);
  }
  edgefn__request_parts parts;
  edgefn__request_extract(ctx, 2, &parts);
  edgefn__subrequest *s = calloc(1, sizeof(*s));
  edgefn_body_source *src = stream_body ? calloc(1, sizeof(*src)) : NULL;
  if (!s || (stream_body && !src)) {
    free(s);
    free(src);
    free(parts.block);
    return duk_error(ctx, DUK_ERR_ERROR, "out of memory");
  }
  if (src) {
    src->s = s;
    edgefn__defer_init(&src->pull, pull_deferred, src);
    edgefn__defer_init(&src->notify, notify_deferred, src);
    s->source = src;
  }
  s->rt = rt;
  s->id = rt->next_subrequest_id++;
  if (rt->next_subrequest_id == 0)
    rt->next_subrequest_id = 1;
  s->exchange_id = rt->current_exchange;
  edgefn__defer_init(&s->settle, settle_deferred, s);
  edgefn__defer_init(&s->flush, flush_deferred, s);
  edgefn__defer_init(&s->unpause, unpause_deferred, s);
  /* stash[f<id>] = { resolve, reject, request, signal } via Promise.withResolvers() */
  char key[16];
  stash_key(key, sizeof(key), s->id);
  duk_get_global_literal(ctx, "Promise");
  duk_push_literal(ctx, "withResolvers");
  duk_call_prop(ctx, -2, 0); /* [.. Promise entry] */
  duk_dup(ctx, 2);
  duk_put_prop_literal(ctx, -2, "request");
  duk_dup(ctx, 3);
  duk_put_prop_literal(ctx, -2, "signal");
  if (stream_body) {
    duk_dup(ctx, 4);
    duk_put_prop_literal(ctx, -2, "reader");
  }
  duk_get_prop_literal(ctx, 2, "redirect");
  s->follow_redirects = !duk_is_string(ctx, -1) || strcmp(duk_get_string(ctx, -1), "manual") != 0;
  duk_put_prop_literal(ctx, -2, "mode");
  duk_push_global_stash(ctx);
  duk_dup(ctx, -2);
  duk_put_prop_string(ctx, -2, key);
  duk_pop(ctx);
  s->next = rt->subrequests;
  if (s->next)
    s->next->prev = s;
  rt->subrequests = s;
  rc = start_transfer(s, &parts);
  free(parts.block);
  if (rc == 0 && src) /* the first chunk, ready for the backend's first pull */
    edgefn__defer_queue(rt->loop, &src->pull);
  if (rc != 0) {
    duk_get_prop_literal(ctx, -1, "promise");
    subrequest_free(s);
    duk_pop(ctx);
    char msg[128];
    snprintf(msg, sizeof(msg), "fetch failed: %s", edgefn_strerror(rc));
    return push_rejected_type_error(ctx, msg);
  }
  if (duk_is_object(ctx, 3)) {
    duk_get_prop_literal(ctx, 3, "addEventListener");
    if (duk_is_function(ctx, -1)) {
      duk_dup(ctx, 3);
      duk_push_literal(ctx, "abort");
      duk_push_c_function(ctx, on_abort, 1);
      duk_push_uint(ctx, s->id);
      duk_put_prop_literal(ctx, -2, KEY_SUBREQUEST_ID);
      duk_call_method(ctx, 2);
    }
    duk_pop(ctx);
  }
  duk_get_prop_literal(ctx, -1, "promise");
  return 1;
}

/* A body stream whose transfer is cancelled with its request errors, so that a reader
 * elsewhere (another request holding the Response) does not wait forever. */
static duk_ret_t error_body_safe(duk_context *ctx, void *udata) {
  edgefn__subrequest *s = udata;
  char key[16];
  stash_key(key, sizeof(key), s->id);
  duk_push_global_stash(ctx);
  duk_get_prop_string(ctx, -1, key);
  if (duk_is_object(ctx, -1) && duk_get_prop_literal(ctx, -1, "src")) {
    duk_push_literal(ctx, "error");
    duk_push_error_object(ctx, DUK_ERR_TYPE_ERROR,
                          "fetch failed: the request that made this fetch has ended");
    duk_call_prop(ctx, -3, 1);
  }
  return 0;
}

void edgefn__subrequests_cancel_for(edgefn_runtime *rt, uint32_t exchange_id) {
  edgefn__subrequest *s = rt->subrequests;
  while (s) {
    edgefn__subrequest *next = s->next;
    if (s->exchange_id == exchange_id) {
      if (s->resolved && !s->ended && !rt->freeing && rt->ctx) {
        (void)duk_safe_call(rt->ctx, error_body_safe, s, 0, 1);
        duk_pop(rt->ctx);
      }
      subrequest_free(s);
    }
    s = next;
  }
}

void edgefn__subrequests_free_all(edgefn_runtime *rt) {
  while (rt->subrequests)
    subrequest_free(rt->subrequests);
}

void edgefn__subrequest_install(duk_context *ctx) {
  duk_push_global_object(ctx);
  duk_push_c_function(ctx, fetch_fn, 2);
  duk_put_prop_literal(ctx, -2, "fetch");
  duk_pop(ctx);
}
