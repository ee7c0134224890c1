/*
 * edgefn-gateway — internal declarations shared by the gateway's files.
 *
 *   main.c     command line, signals, worker threads, configuration reloads
 *   config.c   the JSON configuration (jansson): parsing, validation with locations
 *   site.c     one loaded configuration made live: scripts, rules, cache, edgefn_edge
 *   server.c   one worker: its epoll set, listeners, connections, timers
 *   http.c     HTTP/1.1 framing with http-parser; requests handed to edgefn_edge_handle
 *   log.c      the error log with levels, the access log
 *   metrics.c  counters and their Prometheus text rendering
 *   tls.c      TLS termination with mbedTLS
 *   demo.c     the built-in demo configuration and its in-process static origin
 *
 * Threads: N workers each run a server.c loop with their own edgefn_loop; the main thread
 * only waits for signals. What workers share (the current site, the cache, metrics) is
 * either immutable, reference counted, or guarded as noted where it is declared.
 */
#ifndef EDGEFN_GATEWAY_H
#define EDGEFN_GATEWAY_H

#include <edgefn/edgefn.h>
#include <http_parser.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* ---- Limits and defaults (every one can be set in the configuration's "http" object) ---- */

#define GW_DEFAULT_LISTEN "127.0.0.1:8080"
#define GW_MAX_CONNECTIONS 10000u         /* client sockets, all workers together */
#define GW_MAX_HEADER_BYTES (16u * 1024u) /* header field lines of one request -> 431 */
#define GW_MAX_HEADER_COUNT 100u          /* header field lines of one request -> 431 */
#define GW_MAX_URI_BYTES (8u * 1024u)     /* request target -> 414 */
#define GW_MAX_BODY_BYTES (8u * 1024u * 1024u) /* request body -> 413 */
#define GW_HEADER_TIMEOUT_MS 10000u  /* first byte of a request to end of its headers -> 408 */
#define GW_BODY_TIMEOUT_MS 30000u    /* longest pause while a request body arrives -> 408 */
#define GW_IDLE_TIMEOUT_MS 15000u    /* keep-alive wait for the next request -> silent close */
#define GW_SEND_TIMEOUT_MS 30000u    /* longest pause while the client reads a response */
#define GW_LINGER_MS 2000u           /* draining input after a final response, before close */
#define GW_SHUTDOWN_GRACE_MS 10000u  /* SIGTERM/SIGINT: time left for in-flight responses */
#define GW_READ_CHUNK (16u * 1024u)  /* bytes asked of one recv() */
#define GW_INPUT_BUFFER_MAX (64u * 1024u) /* unparsed input held while a response is pending */
#define GW_OUTPUT_HIGH_WATER (256u * 1024u) /* response bytes queued for a client before the
                                               producer is paused (resp_on_body) */
#define GW_OUTPUT_LOW_WATER (64u * 1024u)   /* ... and resumed once the queue drains below */
#define GW_MAX_SCRIPT_BYTES EDGEFN_MAX_SCRIPT_SIZE
#define GW_MAX_CONFIG_BYTES (4u * 1024u * 1024u)
#define GW_MAX_WORKERS 256u
#define GW_MAX_LISTENERS 32u
#define GW_ACCEPTS_PER_WAKEUP 64 /* keeps one busy listener from starving connections */
#define GW_DEFAULT_CACHE_MB 64u

typedef struct gw_limits {
  size_t max_connections;
  size_t max_header_bytes;
  size_t max_header_count;
  size_t max_uri_bytes;
  size_t max_body_bytes;
  uint32_t header_timeout_ms;
  uint32_t body_timeout_ms;
  uint32_t idle_timeout_ms;
  uint32_t send_timeout_ms;
  uint32_t shutdown_grace_ms;
} gw_limits;

/* Read at start-up and fixed for the process's life (a reload keeps them): workers read
 * them without a lock. */
extern gw_limits gw_lim;
void gw_limits_default(gw_limits *l);

/* ---- Logging (log.c) ---- */

/* Level names "error", "warn", "info", "debug"; index = edgefn_log_level. */
extern const char *const gw_level_names[4];
int gw_level_from_name(const char *name); /* -1 when unknown */

/* Opens the logs: error_log NULL = stderr; access_log NULL = off, "-" = stdout. Called once
 * at start-up before any worker runs. */
int gw_log_open(const char *error_log, const char *access_log, int level);
void gw_log_close(void);
void gw_log_set_level(int level);
void gw_log(int level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* The library's log callback (edgefn_log_fn); also counts limit breaches into metrics. */
void gw_library_log(void *user_data, int level, const char *function_name, const char *message,
                    size_t message_len);
bool gw_access_log_enabled(void);
/* Writes one access-log line (a whole line per call; stdio keeps lines whole across
 * threads). */
void gw_access_log_write(const char *line, size_t len);

uint64_t gw_now_ms(void);
uint64_t gw_now_us(void);

/* ---- Buffers (buf.c) ---- */

typedef struct gw_buf {
  char *data;
  size_t len; /* bytes held */
  size_t off; /* bytes already consumed from the front */
  size_t cap;
} gw_buf;

int gw_buf_reserve(gw_buf *b, size_t extra);
int gw_buf_append(gw_buf *b, const void *data, size_t len);
/* The per-request paths append pieces: gw_buf_printf formats twice (measure, then write). */
int gw_buf_append_str(gw_buf *b, const char *s);
int gw_buf_append_uint(gw_buf *b, unsigned long long v);
int gw_buf_printf(gw_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void gw_buf_consume(gw_buf *b, size_t n);
void gw_buf_reset(gw_buf *b);
void gw_buf_free(gw_buf *b);
static inline size_t gw_buf_pending(const gw_buf *b) { return b->len - b->off; }

/* ---- Errors collected while checking a configuration (config.c) ---- */

typedef struct gw_errors {
  char **msgs;
  size_t count;
} gw_errors;

void gw_errors_add(gw_errors *e, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void gw_errors_print(const gw_errors *e, FILE *f);
void gw_errors_log(const gw_errors *e, int level);
void gw_errors_free(gw_errors *e);

/* ---- Configuration (config.c; README.md documents the format) ---- */

typedef enum gw_listen_kind {
  GW_LISTEN_EDGE = 0,        /* requests go through the edge pipeline */
  GW_LISTEN_METRICS = 1,     /* serves the metrics page only */
  GW_LISTEN_DEMO_ORIGIN = 2  /* the demo's static origin, answered in-process */
} gw_listen_kind;

typedef struct gw_cert_cfg {
  char *cert; /* PEM file paths */
  char *key;
} gw_cert_cfg;

typedef struct gw_listener_cfg {
  char *address; /* "HOST:PORT" or "[V6]:PORT" */
  gw_listen_kind kind;
  gw_cert_cfg *certs; /* TLS when ncerts > 0; the first is the default, SNI picks others */
  size_t ncerts;
} gw_listener_cfg;

typedef struct gw_origin_cfg {
  char *host;        /* the site host clients use */
  char *address;     /* "ADDRESS:PORT" */
  bool tls;
  char *host_header; /* Host sent to the origin on the default path; NULL = the client's */
} gw_origin_cfg;

typedef struct gw_env_cfg {
  char *name;
  char *value;
} gw_env_cfg;

typedef struct gw_function_cfg {
  char *name;
  char *script_path;      /* resolved against the configuration's folder */
  const char *source;     /* built-in source (demo), used when script_path is NULL */
  size_t source_len;
  gw_env_cfg *env;        /* stored and checked; not yet visible to scripts */
  size_t nenv;
  uint32_t cpu_ms, wall_ms, subrequests; /* 0 = the library's defaults */
  size_t memory_bytes;
  bool broken; /* already reported as unusable (no name, unreadable script): not compiled */
} gw_function_cfg;

typedef struct gw_config {
  char *path; /* the file it came from, or a description ("--script x.js") */
  unsigned workers; /* 0 = number of cores */
  gw_listener_cfg *listeners;
  size_t nlisteners;
  gw_origin_cfg *origins;
  size_t norigins;
  gw_function_cfg *functions;
  size_t nfunctions;
  char *rules_json; /* a rules document (docs/rules.md), or NULL for no rules */
  size_t rules_json_len;
  char *rules_name; /* names it in errors */
  size_t cache_bytes; /* 0 = no cache */
  uint32_t fetch_policy;
  char *access_log;   /* NULL = off, "-" = stdout */
  char *error_log;    /* NULL = stderr */
  int log_level;
  char *metrics_path; /* served on edge listeners when set; metrics listeners answer any path */
  char *geo_country_header; /* trusted request header giving the client's country (ISO
                               alpha-2, as a load balancer in front adds it), or NULL */
  gw_limits limits;
} gw_config;

gw_config *gw_config_new(void);
/* Reads and checks a configuration file; every problem found goes to errs as
 * "FILE: JSON.path: message" (or "FILE:LINE:COLUMN: message" for JSON syntax). Returns NULL
 * when anything was wrong. */
gw_config *gw_config_load(const char *path, gw_errors *errs);
/* The same, but keeps what could be read despite errors (for --check, which goes on to
 * compile the scripts and rules that are there); NULL only when the file is not JSON. */
gw_config *gw_config_load_partial(const char *path, gw_errors *errs);
void gw_config_free(gw_config *cfg);
char *gw_strdup(const char *s);
/* Reads a whole regular file of at most max bytes; NULL with errno-style text in errs. */
char *gw_read_file(const char *path, size_t max, size_t *len, const char *what, gw_errors *errs);

/* ---- Sites: a configuration made live (site.c) ---- */

typedef struct gw_site {
  atomic_uint refs;
  unsigned generation;
  gw_config *cfg;
  edgefn_edge *edge;
  edgefn_rules *rules; /* the same rules the edge holds, for naming the function in logs */
  edgefn_cache *cache;
} gw_site;

/* Compiles every script, builds rules, cache and edge. Takes cfg (freed on failure). The
 * cache is reused from `prev` when its size is unchanged, so a reload keeps what is cached.
 * Errors go to errs; returns NULL then. */
gw_site *gw_site_build(gw_config *cfg, const gw_site *prev, gw_errors *errs);
gw_site *gw_site_ref(gw_site *s);
void gw_site_unref(gw_site *s);
/* The index of a configured function by name, or -1. */
int gw_site_function_index(const gw_site *s, const char *name);

/* ---- The process (main.c) ---- */

typedef struct gw_server gw_server;
typedef struct gw_conn gw_conn;


/* The site new requests should use: a new reference. Any thread. */
gw_site *gw_app_current_site(void);
extern atomic_uint gw_app_generation; /* bumped when the current site changes */
extern atomic_bool gw_app_stopping;
extern atomic_bool gw_app_force_exit;
extern atomic_size_t gw_app_connections; /* open client sockets, all workers */
extern gw_server *gw_app_workers; /* set before the workers start; fixed afterwards */
extern size_t gw_app_nworkers;

/* ---- Metrics (metrics.c) ---- */

typedef enum gw_cache_kind {
  GW_CACHE_NONE = 0, /* not a cache answer (function, no cache configured, error) */
  GW_CACHE_HIT,
  GW_CACHE_MISS,
  GW_CACHE_STALE,
  GW_CACHE_REVALIDATED,
  GW_CACHE_BYPASS,
  GW_CACHE_KINDS
} gw_cache_kind;
extern const char *const gw_cache_names[GW_CACHE_KINDS];
gw_cache_kind gw_cache_kind_from(const char *v, size_t len);

typedef enum gw_breach_kind {
  GW_BREACH_CPU,
  GW_BREACH_MEMORY,
  GW_BREACH_WALL,
  GW_BREACH_KINDS
} gw_breach_kind;

typedef struct gw_fn_stat {
  char name[64]; /* "" = no function (default path) */
  int status;
  uint64_t requests;
  uint64_t function_us; /* wall time from dispatch to on_end, requests a function ran */
} gw_fn_stat;

/* One per worker; the worker writes under its lock, the metrics page reads under it. */
typedef struct gw_metrics {
  pthread_mutex_t lock;
  gw_fn_stat *stats;
  size_t nstats, cap;
  uint64_t cache[GW_CACHE_KINDS];
  uint64_t breaches[GW_BREACH_KINDS];
  uint64_t http_errors; /* requests refused by the gateway itself (4xx/5xx before dispatch) */
  uint64_t accepted, refused;
  uint64_t bytes_out;
  uint64_t runtimes; /* functions started on this worker's loop and still attached */
  uint64_t inflight;
} gw_metrics;

void gw_metrics_init(gw_metrics *m);
void gw_metrics_free(gw_metrics *m);
void gw_metrics_request(gw_metrics *m, const char *function, int status, gw_cache_kind cache,
                        uint64_t function_us, uint64_t bytes);
void gw_metrics_breach(gw_breach_kind k);
/* Renders every worker's counters as Prometheus text into out. */
int gw_metrics_render(gw_buf *out);

/* ---- TLS (tls.c) ---- */

typedef struct gw_tls_ctx gw_tls_ctx; /* certificates + mbedTLS configuration, per worker */
typedef struct gw_tls_conn gw_tls_conn;

int gw_tls_ctx_new(gw_tls_ctx **out, const gw_listener_cfg *l, gw_errors *errs);
void gw_tls_ctx_free(gw_tls_ctx *ctx);
gw_tls_conn *gw_tls_conn_new(gw_tls_ctx *ctx, int fd);
void gw_tls_conn_free(gw_tls_conn *t);
/* Like recv/send on a non-blocking socket: >0 bytes, 0 = EOF (recv), -1 with *want set to
 * EPOLLIN/EPOLLOUT when it would block (0 when the connection failed). */
long gw_tls_recv(gw_tls_conn *t, void *buf, size_t len, unsigned *want);
long gw_tls_send(gw_tls_conn *t, const void *buf, size_t len, unsigned *want);
/* Bytes already decrypted and waiting (epoll cannot see them). */
size_t gw_tls_pending(gw_tls_conn *t);

/* ---- Demo (demo.c) ---- */

/* The configuration of --demo: built-in functions and rules, an in-process static origin
 * on origin_addr, clients on listen_addr. */
gw_config *gw_demo_config(const char *listen_addr, const char *origin_addr);
void gw_demo_print_urls(const char *base_url);
/* Answers a request on the demo origin listener: static pages from memory. */
void gw_demo_origin_serve(const char *method, const char *target, size_t target_len,
                          int *status, const char **content_type, const char **body,
                          size_t *body_len, const char **cache_control);

/* ---- Workers and connections (server.c) ---- */

typedef struct gw_listener {
  int fd;
  gw_listen_kind kind;
  gw_tls_ctx *tls; /* NULL: plain HTTP */
  char host[300];  /* the bound address as it appears in URLs */
} gw_listener;

/* A site attached to this worker's loop; the head of the list takes new requests, the
 * others are detached once their last request has ended. */
typedef struct gw_attached {
  struct gw_attached *next;
  gw_site *site;
  size_t inflight;
  unsigned char *fn_used; /* per function: a runtime was started on this loop */
} gw_attached;

typedef enum gw_phase {
  GW_PHASE_IDLE,       /* between requests: nothing of the next one parsed yet */
  GW_PHASE_HEADERS,    /* request line and headers arriving */
  GW_PHASE_BODY,       /* body arriving */
  GW_PHASE_DISPATCHED, /* the edge has the request; parsing is paused */
  GW_PHASE_LINGER      /* final response sent, write side shut, draining input */
} gw_phase;

typedef enum gw_timer_kind {
  GW_TIMER_NONE,
  GW_TIMER_IDLE,
  GW_TIMER_HEADER,
  GW_TIMER_BODY,
  GW_TIMER_SEND,
  GW_TIMER_LINGER,
  GW_TIMER_KINDS
} gw_timer_kind;

typedef struct gw_header_ref {
  size_t name_off, name_len, value_off, value_len;
} gw_header_ref;

struct gw_conn {
  gw_server *srv;
  gw_listener *lst;
  int fd; /* -1 once the socket is closed */
  gw_tls_conn *tls;
  unsigned tls_want; /* epoll interest TLS asked for (handshake, renegotiation) */
  unsigned refs; /* one for the open socket, one per dispatch in flight, one while queued */
  unsigned events; /* epoll interest currently registered */
  gw_phase phase;
  bool driving; /* conn_drive() is on the stack */
  bool queued;  /* on the server's ready list */
  bool peer_eof; /* the client shut its write side */
  bool close_after; /* close once the output is written */

  /* Intrusive lists: all connections, one timer list, the ready list. */
  gw_conn *all_prev, *all_next;
  gw_conn *timer_prev, *timer_next;
  gw_conn *ready_next;
  gw_timer_kind timer_kind;
  uint64_t deadline_ms;
  bool progress; /* bytes moved since the timer was last armed */

  gw_buf in;
  gw_buf out;
  char client_ip[INET6_ADDRSTRLEN];

  /* The request being parsed or served. */
  http_parser parser;
  gw_buf url;
  gw_buf hbytes; /* header names and values, referenced by offset from hrefs */
  gw_header_ref *hrefs;
  size_t hcount, hcap;
  bool last_was_value;
  size_t header_bytes;
  gw_buf body;
  int error_status; /* set by a parser callback that rejects the request */
  bool req_complete;
  bool keep_alive;
  bool is_head;
  bool http10;
  int method;
  uint64_t req_start_us;
  uint64_t dispatch_us;
  uint64_t head_us;

  /* The edge request in flight. */
  gw_attached *att;
  char fn_name[64]; /* the function the rules picked, "" for none */
  gw_cache_kind cache;

  /* The response being written. */
  bool head_sent;
  bool body_allowed;
  bool chunked;
  bool close_delimited;
  int64_t content_length;
  int status;
  size_t body_sent;
  /* Backpressure: the response's flow handle (NULL when it has none, and after on_end), and
   * whether the gateway paused it because the client's queue passed the high-water mark. */
  edgefn_body_flow *flow;
  bool flow_paused;

  /* Batched socket I/O (server.c, io_uring): a send deferred to the end of the event batch,
   * and the outcome of a receive made for this connection at the start of the batch. */
  bool send_queued;
  bool recv_prefetched;
  bool recv_more;  /* that receive filled the room it had: more may be waiting */
  int recv_error;  /* errno of that receive when it failed, else 0 */
};

/* Resumes a paused response once the client's queue is below the low-water mark (or the
 * client is gone, so that the body drains to nowhere and the request can end). */
void gw_conn_flow_check(gw_conn *c);

struct gw_server {
  unsigned id;
  pthread_t thread;
  int epfd;
  int wake_fd; /* eventfd: the main thread's reload and shutdown notices */
  gw_listener *listeners;
  size_t nlisteners;
  int spare_fd; /* kept open so accept() can shed a connection when descriptors run out */
  edgefn_loop *loop;
  gw_attached *attached;
  unsigned generation;
  bool stopping;
  uint64_t stop_deadline_ms;
  size_t nlive; /* connection structs alive, including closed ones awaiting on_end */
  size_t nopen;
  gw_conn *all;
  gw_conn *timer_head[GW_TIMER_KINDS], *timer_tail[GW_TIMER_KINDS];
  gw_conn *ready_head, *ready_tail;
  gw_conn *graveyard;
  gw_metrics metrics;
  int exit_status;
  struct gw_batch *batch; /* io_uring batching of socket I/O; NULL: plain system calls */
};

/* False with --no-io-uring: every worker uses plain recv()/send() (server.c). */
extern bool gw_use_io_uring;

/* The worker running on this thread (NULL on the main thread). */
extern __thread gw_server *gw_this_worker;

/* Prepares a worker (its listeners were opened by main.c); the worker thread creates its
 * loop when it starts. */
int gw_server_init(gw_server *srv, unsigned id, gw_listener *listeners, size_t nlisteners);
/* Opens a listening socket (SO_REUSEPORT when reuseport); host receives the bound address as
 * URLs show it. Returns the descriptor or -1 (logged). */
int gw_listen_open(const char *listen_addr, bool reuseport, char *host, size_t host_size);
void *gw_server_thread(void *arg);
void gw_server_wake(gw_server *srv);
void gw_server_free(gw_server *srv);
void gw_conn_ref(gw_conn *c);
void gw_conn_unref(gw_conn *c);
void gw_conn_close(gw_conn *c);
void gw_conn_ready(gw_conn *c);

/* http.c */
void gw_http_global_init(void);
void gw_http_conn_init(gw_conn *c);
void gw_http_conn_free(gw_conn *c);

typedef enum gw_parse_result {
  GW_PARSE_MORE,    /* needs more input */
  GW_PARSE_REQUEST, /* a whole request is ready for gw_http_dispatch() */
  GW_PARSE_ERROR    /* an error response is queued and the connection will close */
} gw_parse_result;

gw_parse_result gw_http_parse(gw_conn *c);
void gw_http_dispatch(gw_conn *c);
void gw_http_send_error(gw_conn *c, int status, const char *detail);

#endif /* EDGEFN_GATEWAY_H */
