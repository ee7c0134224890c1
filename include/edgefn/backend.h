/*
 * Backend ops tables: how hosts plug in their own fetch and cache storage.
 *
 * Each table begins with `version`; new slots are only ever appended, and the library
 * calls a slot only when the table's version says the slot exists. Backends are
 * asynchronous: they answer through the callback they were given, never by blocking the
 * loop, and they may answer before the starting call returns.
 *
 * The runtime's fetch(), edgefn_cache and edgefn_edge use these tables (include/edgefn/
 * runtime.h, cache.h, edge.h).
 */
#ifndef EDGEFN_BACKEND_H
#define EDGEFN_BACKEND_H

#include <edgefn/common.h>

#ifdef __cplusplus
extern "C" {
#endif

/* ---- Fetch backend: performs outbound HTTP requests. ---- */

#define EDGEFN_FETCH_OPS_VERSION 3

typedef struct edgefn_fetch_ops {
  uint32_t version; /* EDGEFN_FETCH_OPS_VERSION the backend was written for */
  /* Starts a request on `loop`. The request is valid only during the call. The backend
   * streams the response through `handler` (head, body chunks, end) with `handler_data`;
   * on a transport failure it calls only on_end with a negative code. On success it may
   * set *op to a token that cancel() accepts. Returns 0 or a negative EDGEFN_E* code, in
   * which case no handler callback is made. */
  int (*start)(void *backend, edgefn_loop *loop, const edgefn_request *req,
               const edgefn_response_handler *handler, void *handler_data, void **op);
  /* Cancels a request still in flight: after it returns no handler callback is made for
   * `op`. */
  void (*cancel)(void *backend, void *op);
  /* The library no longer uses the backend. */
  void (*release)(void *backend);
  /* Version 2: flow control of a response body. paused != 0 asks the backend to stop
   * calling on_body for `op` soon (the library's buffer for that body is full: it may come
   * from inside on_body, and a chunk or two already on their way may still arrive);
   * paused == 0 lets it go on. Called on the loop thread, never after on_end. A backend
   * without this slot (version 1) is never paused: the library then buffers whatever it
   * sends. */
  void (*pause)(void *backend, void *op, int paused);
  /* Version 3 adds no slot: it says that start() honours edgefn_request.body_source (see
   * below). The library hands a streamed body only to backends of version 3 or later;
   * for older ones it reads the body whole first. */
} edgefn_fetch_ops;

/* ---- Streamed request bodies (edgefn_request.body_source) ----
 *
 * The source stays valid from start() until the backend has called on_end for the request
 * or cancel() has returned for it; the backend reads it only on the loop thread, and must
 * not use it afterwards. The length is not known in advance (HTTP/1.1: send it chunked). */

/* Copies up to `cap` bytes of the body into `buf` and sets *len. Returns
 *   0 with *len > 0: bytes were copied;
 *   0 with *len == 0: the body is complete;
 *   EDGEFN_EAGAIN: nothing is available yet; the source calls the function given to
 *     edgefn_body_source_on_ready() when there is (data, the end or an error);
 *   another negative code: the body failed (its stream errored); the backend aborts the
 *     request and reports the failure through on_end.
 * Never runs script code and never calls back into the backend. Errors also:
 * EDGEFN_EINVAL for a NULL argument. Loop thread. */
EDGEFN_API int edgefn_body_source_read(edgefn_body_source *src, uint8_t *buf, size_t cap,
                                       size_t *len);

/* Sets the function the source calls, once, from the loop (never from inside a call into
 * the source), after edgefn_body_source_read() returned EDGEFN_EAGAIN and data, the end or
 * an error became available. NULL unregisters it (a backend does so before it lets go of
 * the source). Loop thread. */
EDGEFN_API void edgefn_body_source_on_ready(edgefn_body_source *src, void (*ready)(void *data),
                                            void *data);

/* ---- Cache backend: stores opaque entries the HTTP cache serialises. ---- */

#define EDGEFN_CACHE_OPS_VERSION 1

/* An entry as stored: `meta` is the cache layer's serialised response head and timing,
 * `body` the response body. Both are opaque to the backend and valid only during the call
 * that passes them. */
typedef struct edgefn_cache_entry {
  uint32_t struct_size;
  const uint8_t *meta;
  size_t meta_len;
  const uint8_t *body;
  size_t body_len;
  int64_t expires_unix_ms; /* when the backend may drop the entry; 0 = no hint */
} edgefn_cache_entry;

/* get's answer: a hit is result 0 with an entry, a miss is result 0 with entry NULL, a
 * failure is a negative EDGEFN_E* code. put and remove answer 0 or a negative code. */
typedef void (*edgefn_cache_get_cb)(void *cb_data, int result, const edgefn_cache_entry *entry);
typedef void (*edgefn_cache_done_cb)(void *cb_data, int result);

typedef struct edgefn_cache_ops {
  uint32_t version; /* EDGEFN_CACHE_OPS_VERSION */
  int (*get)(void *backend, const char *key, size_t key_len, edgefn_cache_get_cb cb,
             void *cb_data);
  int (*put)(void *backend, const char *key, size_t key_len, const edgefn_cache_entry *entry,
             edgefn_cache_done_cb cb, void *cb_data);
  int (*remove)(void *backend, const char *key, size_t key_len, edgefn_cache_done_cb cb,
                void *cb_data);
  void (*release)(void *backend);
} edgefn_cache_ops;

#ifdef __cplusplus
}
#endif
#endif /* EDGEFN_BACKEND_H */
