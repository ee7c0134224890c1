/*
 * libedgefn — common definitions: versions, errors, logging, and the request/response
 * structs that cross the API.
 *
 * ABI rules (docs/abi.md): functions return int, 0 on success or a negative EDGEFN_E*
 * code; codes are only ever added. Caller-filled structs begin with uint32_t struct_size,
 * set by their *_INIT macro, and only grow at the end: the library reads no field that lies
 * beyond the caller's struct_size and uses that field's default instead. Strings cross the
 * API as pointer + length and need not be NUL-terminated unless the field says so.
 */
#ifndef EDGEFN_COMMON_H
#define EDGEFN_COMMON_H

#include <stddef.h>
#include <stdint.h>

#include <edgefn/version.h>

#ifdef __cplusplus
extern "C" {
#endif

#if defined(__GNUC__)
#define EDGEFN_API __attribute__((visibility("default")))
#else
#define EDGEFN_API
#endif

/* ---------------------------------------------------------------------------------------
 * Versions
 */

/* The library's version string, e.g. "0.1.0". Static storage; any thread. */
EDGEFN_API const char *edgefn_version(void);

/* The library's EDGEFN_VERSION_NUMBER. Any thread. */
EDGEFN_API int edgefn_version_number(void);

/* Returns 0 when the running library can serve a program compiled against headers of
 * version major.minor (same major, library minor >= header minor), EDGEFN_EVERSION
 * otherwise. Call it as EDGEFN_VERSION_CHECK() once at start-up. Any thread. */
EDGEFN_API int edgefn_version_check(int major, int minor);
#define EDGEFN_VERSION_CHECK() edgefn_version_check(EDGEFN_VERSION_MAJOR, EDGEFN_VERSION_MINOR)

/* ---------------------------------------------------------------------------------------
 * Errors. One list for the whole library; codes are negative and are never renumbered or
 * removed. edgefn_strerror() turns any code into text.
 */
#define EDGEFN_ERRNO_MAP(X)                                                        \
  X(INVAL, -1, "invalid argument")                                                 \
  X(NOMEM, -2, "out of memory")                                                    \
  X(SYNTAX, -3, "script syntax error")                                             \
  X(SCRIPT, -4, "uncaught script exception")                                       \
  X(CPU_LIMIT, -5, "CPU time limit exceeded")                                      \
  X(MEMORY_LIMIT, -6, "memory limit exceeded")                                     \
  X(WALL_LIMIT, -7, "wall time limit exceeded")                                    \
  X(STATE, -8, "operation not valid in this state")                                \
  X(SYSTEM, -9, "system call failed")                                              \
  X(VERSION, -10, "version or struct size mismatch")                               \
  X(NOTSUP, -11, "not supported")                                                  \
  X(CANCELED, -12, "operation canceled")                                           \
  X(PASS, -13, "function did not respond; continue down the default path")         \
  X(ABORTED, -14, "response aborted after its head was sent")                      \
  X(BUSY, -15, "handle still has work in flight")                                 \
  X(NETWORK, -16, "network error")                                                 \
  X(BODY_LIMIT, -17, "body size limit exceeded")                                   \
  X(SUBREQUEST_LIMIT, -18, "subrequest limit exceeded")                           \
  X(AGAIN, -19, "no data available yet")                                          \
  X(ENGINE, -20, "fatal error in the JavaScript engine")

typedef enum edgefn_errno {
  EDGEFN_OK = 0,
#define EDGEFN__ERRNO_ENUM(name, code, text) EDGEFN_E##name = (code),
  EDGEFN_ERRNO_MAP(EDGEFN__ERRNO_ENUM)
#undef EDGEFN__ERRNO_ENUM
} edgefn_errno;

/* Text for an error code ("unknown error" for a code this library does not know).
 * Static storage; any thread. */
EDGEFN_API const char *edgefn_strerror(int code);

/* The name of an error code without its EDGEFN_E prefix, e.g. "CPU_LIMIT". */
EDGEFN_API const char *edgefn_err_name(int code);

/* Detail of a failure that happens before a handle exists (script compilation, later
 * configuration files). The caller owns the struct; the library fills it on failure.
 * Strings are NUL-terminated and truncated to fit. */
typedef struct edgefn_error_info {
  uint32_t struct_size;
  int code;          /* the EDGEFN_E* code the call returned */
  int line;          /* 1-based; 0 when not applicable */
  int column;        /* 1-based; 0 when not known */
  char file[256];    /* the source name given by the caller, or "" */
  char message[512]; /* what went wrong, without the location: hosts print
                        "file:line:column: message" themselves */
} edgefn_error_info;
#define EDGEFN_ERROR_INFO_INIT {sizeof(edgefn_error_info), 0, 0, 0, "", ""}

/* ---------------------------------------------------------------------------------------
 * Logging. Hosts receive script console output and library diagnostics through one
 * callback. `message` lives only for the call and is not NUL-terminated; `function_name`
 * is NUL-terminated (the runtime's name, "" when none). Called on the thread that runs
 * the runtime.
 */
typedef enum edgefn_log_level {
  EDGEFN_LOG_ERROR = 0,
  EDGEFN_LOG_WARN = 1,
  EDGEFN_LOG_INFO = 2,
  EDGEFN_LOG_DEBUG = 3
} edgefn_log_level;

typedef void (*edgefn_log_fn)(void *user_data, int level, const char *function_name,
                              const char *message, size_t message_len);

/* ---------------------------------------------------------------------------------------
 * Requests and responses
 */

/* One header field. Names keep the caller's case; the library compares them without
 * regard to ASCII case. */
typedef struct edgefn_header {
  const char *name;
  size_t name_len;
  const char *value;
  size_t value_len;
} edgefn_header;

/* Where a client is, as the host's geolocation database says. Strings are NUL-terminated;
 * NULL means unknown. Scripts see these as request.eo.geo (EdgeOne's names) and request.cf
 * (Cloudflare's names). */
typedef struct edgefn_geo {
  uint32_t struct_size;
  uint32_t asn;                /* autonomous system number; 0 = unknown */
  const char *country_name;    /* "Japan" */
  const char *country_alpha2;  /* ISO 3166-1 alpha-2, "JP" */
  const char *country_alpha3;  /* ISO 3166-1 alpha-3, "JPN" */
  const char *country_numeric; /* ISO 3166-1 numeric, "392" */
  const char *region_name;     /* "Tokyo" */
  const char *region_code;     /* ISO 3166-2 subdivision, "JP-13" */
  const char *city_name;       /* "Tokyo" */
  const char *continent_code;  /* "AS" */
  const char *isp;             /* the client's network operator (EdgeOne's cisp) */
  double latitude;             /* valid when has_coordinates */
  double longitude;
  int has_coordinates;
} edgefn_geo;
#define EDGEFN_GEO_INIT \
  {sizeof(edgefn_geo), 0, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, 0, 0, 0}

/* A request handed to the library. Everything it points to is read (and copied where kept)
 * during the call that takes it; the caller may free it as soon as that call returns. */
/* A request body produced while the request is being sent (opaque); see
 * edgefn_body_source_read() in <edgefn/backend.h>. */
typedef struct edgefn_body_source edgefn_body_source;

typedef struct edgefn_request {
  uint32_t struct_size;
  const char *method; /* e.g. "GET"; NULL means "GET" */
  size_t method_len;
  const char *url; /* absolute URL: "https://example.com/path?q" */
  size_t url_len;
  const edgefn_header *headers;
  size_t header_count;
  const uint8_t *body; /* the whole request body, or NULL */
  size_t body_len;
  const char *client_ip; /* NUL-terminated textual address, or NULL */
  /* Added in 0.1 after the first layout; read only when struct_size covers them. */
  const edgefn_geo *geo;  /* the client's location, or NULL */
  const char *request_id; /* NUL-terminated id for request.eo.uuid; NULL: the library makes a
                             random UUID when a script asks for it */
  /* Added in 0.1 after request_id; read only when struct_size covers it. A body that is
   * streamed instead of given whole (body and body_len are then unused): a fetch backend
   * of EDGEFN_FETCH_OPS_VERSION 3 or later pulls it with edgefn_body_source_read() while
   * it sends the request. The library sets it for a script's fetch() whose body is a
   * ReadableStream; edgefn_runtime_dispatch() and edgefn_edge_handle() ignore it. */
  edgefn_body_source *body_source;
} edgefn_request;
#define EDGEFN_REQUEST_INIT \
  {sizeof(edgefn_request), NULL, 0, NULL, 0, NULL, 0, NULL, 0, NULL, NULL, NULL, NULL}

/* Flow control of one streamed response body (opaque); see edgefn_body_flow_pause() in
 * <edgefn/runtime.h>. */
typedef struct edgefn_body_flow edgefn_body_flow;

/* The head of a response, passed to edgefn_response_handler.on_head. Valid only during
 * that call (the flow handle it points to lives longer: see `flow`). */
typedef struct edgefn_response_head {
  uint32_t struct_size;
  int status; /* 200..599 */
  const char *status_text;  /* NUL-terminated reason phrase; "" means the standard one */
  const edgefn_header *headers;
  size_t header_count;
  int64_t content_length; /* body length when known in advance, else -1; a streamed body
                             (flow set) may have one too: see edgefn_response_handler */
  /* Added in 0.1 after content_length (read it only when struct_size covers it): for a
   * body a runtime streams from a script's ReadableStream, the handle through which the
   * host pauses and resumes delivery (edgefn_body_flow_pause/_resume). It stays valid
   * from on_head until on_end has been called for the response. edgefn_edge also sets it
   * for a body it forwards from a fetch backend that can pause (the default path to the
   * cache and origin). NULL for bodies that are delivered whole and for producers without
   * flow control. */
  edgefn_body_flow *flow;
  /* Added in 0.1 after flow (read it only when struct_size covers it): edgefn_edge's name
   * for the function its rules chose for the request (the function's response, the
   * cache's or origin's when the function passed, or the edge's own 500/503 for it), so
   * that a host can log it without matching the rules again. NULL when no rule chose a
   * function, and from a runtime used directly. Valid during on_head. */
  const char *function;
} edgefn_response_head;

/* How a response comes back: head first, then body chunks, then the end. The library
 * copies this struct when it takes it. Data passed to a callback is valid only during
 * the call. Callbacks run on the loop thread of the runtime that produced the response,
 * and may run before the call that took the handler returns. The host must not free the
 * runtime (or its loop) from inside a callback. A Response whose body is bytes (a string,
 * a buffer, a Blob, ...) arrives as one on_body call after a head with content_length set.
 * A Response whose body is a ReadableStream arrives chunk by chunk as the script enqueues
 * them: content_length is -1, except for the readable side of a FixedLengthStream(n),
 * which announces n (if the stream then ends or errors before n bytes, on_end reports
 * EDGEFN_EABORTED; an n over the response body limit is a 500 before any byte), and
 * head->flow lets the host apply backpressure — after
 * edgefn_body_flow_pause() (typically from inside on_body when the client's socket is
 * full) no more chunks come and the library stops reading the script's stream (whose
 * source then sees backpressure through its high-water mark) until
 * edgefn_body_flow_resume().
 *
 *   on_head: once, before any body chunk. Never called when on_end reports EDGEFN_EPASS.
 *   on_body: zero or more times with len > 0.
 *   on_end:  exactly once, last. result is 0 when the response is complete,
 *            EDGEFN_EPASS when the function declined to respond (no respondWith, or an
 *            exception after passThroughOnException()) and the host should take the
 *            default path, or EDGEFN_EABORTED when a failure after on_head cut the body
 *            short (the host should close the connection rather than end the message),
 *            or EDGEFN_ECANCELED when the runtime was freed with the request in flight.
 * No script frame is on the stack while a callback runs, so a callback may call
 * edgefn_runtime_dispatch() (on any runtime of the same loop), e.g. for the next pipelined
 * request.
 * Failures before the head (script errors, limits) arrive as complete 5xx responses with
 * result 0; the cause is written to the runtime's log. */
typedef struct edgefn_response_handler {
  uint32_t struct_size;
  void (*on_head)(void *user_data, const edgefn_response_head *head);
  void (*on_body)(void *user_data, const uint8_t *data, size_t len);
  void (*on_end)(void *user_data, int result);
} edgefn_response_handler;
#define EDGEFN_RESPONSE_HANDLER_INIT {sizeof(edgefn_response_handler), NULL, NULL, NULL}

/* Opaque handles (design.md). */
typedef struct edgefn_loop edgefn_loop;
typedef struct edgefn_script edgefn_script;
typedef struct edgefn_runtime edgefn_runtime;
typedef struct edgefn_rules edgefn_rules;
typedef struct edgefn_cache edgefn_cache;
typedef struct edgefn_edge edgefn_edge;

#ifdef __cplusplus
}
#endif
#endif /* EDGEFN_COMMON_H */
