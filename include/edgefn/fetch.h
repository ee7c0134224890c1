/*
 * The built-in fetch backend: outbound HTTP(S) through libcurl's multi interface, driven by
 * an edgefn_loop (the transfers' sockets and timers are the loop's; no thread per request,
 * nothing blocks). It implements edgefn_fetch_ops (backend.h): a plain HTTP client that
 * does not follow redirects — the script-facing fetch() applies the Fetch standard's
 * redirect rules on top of any backend.
 *
 * Threads: a curl backend belongs to the loop it was created for; create one per loop.
 */
#ifndef EDGEFN_FETCH_H
#define EDGEFN_FETCH_H

#include <edgefn/backend.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Destination policy flags: by default connections to loopback, private (RFC 1918, unique
 * local), link-local and unspecified addresses are refused, so a script cannot reach the
 * host's internal network. */
#define EDGEFN_FETCH_ALLOW_LOOPBACK 1u /* 127.0.0.0/8, ::1 */
#define EDGEFN_FETCH_ALLOW_PRIVATE 2u  /* 10/8, 172.16/12, 192.168/16, fc00::/7, 169.254/16, fe80::/10 */

typedef struct edgefn_curl_options {
  uint32_t struct_size;
  uint32_t connect_timeout_ms; /* 0 = EDGEFN_DEFAULT_FETCH_CONNECT_TIMEOUT_MS */
  uint32_t timeout_ms;         /* whole transfer; 0 = EDGEFN_DEFAULT_FETCH_TIMEOUT_MS */
  size_t max_response_body;    /* bytes; 0 = EDGEFN_DEFAULT_FETCH_MAX_BODY */
  uint32_t policy;             /* EDGEFN_FETCH_ALLOW_* flags */
  int insecure_skip_verify;    /* non-zero: do not verify TLS certificates (tests only) */
  const char *ca_file;         /* NUL-terminated PEM bundle path, or NULL for the system's */
  /* Added in 0.1 after the first layout; read only when struct_size covers it. */
  const char *connect_to; /* "ADDRESS:PORT" ("[v6]:PORT" for IPv6): every request connects
                             there while keeping its URL's host for Host and TLS (an origin
                             backend); NULL = connect to the URL's host */
} edgefn_curl_options;
#define EDGEFN_CURL_OPTIONS_INIT {sizeof(edgefn_curl_options), 0, 0, 0, 0, 0, NULL, NULL}

/* Creates a curl backend on `loop`. On success *backend is the backend pointer to pass with
 * edgefn_curl_fetch_ops() wherever a fetch backend is asked for; release it with the ops
 * table's release slot (or edgefn_curl_backend_free). The loop must outlive it. Errors:
 * EDGEFN_EINVAL, EDGEFN_EVERSION, EDGEFN_ENOMEM, EDGEFN_ESYSTEM (libcurl failed to start).
 * Loop thread only. */
EDGEFN_API int edgefn_curl_backend_new(void **backend, edgefn_loop *loop,
                                       const edgefn_curl_options *opts);
/* Cancels the backend's transfers (their handlers get on_end(EDGEFN_ECANCELED)) and frees
 * it. NULL is a no-op. */
EDGEFN_API void edgefn_curl_backend_free(void *backend);
/* The ops table of the curl backend (static storage). */
EDGEFN_API const edgefn_fetch_ops *edgefn_curl_fetch_ops(void);

#ifdef __cplusplus
}
#endif
#endif /* EDGEFN_FETCH_H */
