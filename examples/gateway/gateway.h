/*
 * edgefn-gateway — internal declarations shared by main.c, server.c and http.c.
 *
 * The gateway is a single-threaded HTTP/1.1 server: server.c owns the sockets, the epoll set
 * and the timers; http.c turns bytes into edgefn_request structs with http-parser and turns
 * the runtime's response callbacks back into bytes; main.c reads options and wires the
 * library up. Every limit is a named constant below (README.md lists them).
 */
#ifndef EDGEFN_GATEWAY_H
#define EDGEFN_GATEWAY_H

#include <edgefn/edgefn.h>
#include <http_parser.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* ---- Limits and defaults ---- */

#define GW_DEFAULT_LISTEN "127.0.0.1:8080"
#define GW_MAX_CONNECTIONS 1024u          /* open sockets plus responses still in flight */
#define GW_MAX_HEADER_BYTES (16u * 1024u) /* header field lines of one request -> 431 */
#define GW_MAX_HEADER_COUNT 100u          /* header field lines of one request -> 431 */
#define GW_MAX_URI_BYTES (8u * 1024u)     /* request target -> 414 */
#define GW_MAX_BODY_BYTES (8u * 1024u * 1024u) /* request body -> 413 */
#define GW_HEADER_TIMEOUT_MS 10000u  /* first byte of a request to end of its headers -> 408 */
#define GW_BODY_TIMEOUT_MS 30000u    /* longest pause while a request body arrives -> 408 */
#define GW_IDLE_TIMEOUT_MS 15000u    /* keep-alive wait for the next request -> silent close */
#define GW_SEND_TIMEOUT_MS 30000u    /* longest pause while the client reads a response */
#define GW_LINGER_MS 2000u           /* draining input after a final response, before close */
#define GW_SHUTDOWN_GRACE_MS 5000u   /* SIGTERM/SIGINT: time left for in-flight responses */
#define GW_READ_CHUNK (16u * 1024u)  /* bytes asked of one recv() */
#define GW_INPUT_BUFFER_MAX (64u * 1024u) /* unparsed input held while a response is pending */
#define GW_MAX_SCRIPT_BYTES EDGEFN_MAX_SCRIPT_SIZE
#define GW_ACCEPTS_PER_WAKEUP 64     /* keeps one busy listener from starving connections */

/* ---- Logging (main.c) ---- */

extern int gw_log_level; /* an edgefn_log_level; messages above it are dropped */
extern bool gw_access_log;

void gw_log(int level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
uint64_t gw_now_ms(void);
/* The signals that start a graceful shutdown (SIGINT, SIGTERM). */
void gw_shutdown_signals(sigset_t *set);
uint64_t gw_now_us(void);

/* The demo function compiled into the binary (generated from examples/demo/hello.js). */
extern const char gw_demo_script[];
extern const size_t gw_demo_script_len;

/* ---- Buffers ---- */

typedef struct gw_buf {
  char *data;
  size_t len; /* bytes held */
  size_t off; /* bytes already consumed from the front */
  size_t cap;
} gw_buf;

int gw_buf_reserve(gw_buf *b, size_t extra);
int gw_buf_append(gw_buf *b, const void *data, size_t len);
int gw_buf_printf(gw_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void gw_buf_consume(gw_buf *b, size_t n);
void gw_buf_reset(gw_buf *b);
void gw_buf_free(gw_buf *b);
static inline size_t gw_buf_pending(const gw_buf *b) { return b->len - b->off; }

/* ---- Connections ---- */

typedef struct gw_server gw_server;
typedef struct gw_conn gw_conn;

typedef enum gw_phase {
  GW_PHASE_IDLE,       /* between requests: nothing of the next one parsed yet */
  GW_PHASE_HEADERS,    /* request line and headers arriving */
  GW_PHASE_BODY,       /* body arriving */
  GW_PHASE_DISPATCHED, /* the function has the request; parsing is paused */
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
  int fd; /* -1 once the socket is closed */
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

  /* The response being written. */
  bool head_sent;
  bool body_allowed;
  bool chunked;
  bool close_delimited;
  int64_t content_length;
  int status;
  size_t body_sent;
};

struct gw_server {
  int epfd;
  int listen_fd;
  int signal_fd;
  int spare_fd; /* kept open so accept() can shed a connection when descriptors run out */
  edgefn_loop *loop;
  edgefn_runtime *rt;
  char host[300]; /* the listen address as it appears in URLs */
  bool stopping;
  bool force_exit;
  uint64_t stop_deadline_ms;
  size_t nlive; /* connection structs alive, including closed ones awaiting on_end */
  size_t nopen;
  gw_conn *all;
  gw_conn *timer_head[GW_TIMER_KINDS], *timer_tail[GW_TIMER_KINDS];
  gw_conn *ready_head, *ready_tail;
  gw_conn *graveyard;
};

/* server.c */
int gw_server_init(gw_server *srv, const char *listen_addr, edgefn_loop *loop,
                   edgefn_runtime *rt);
int gw_server_run(gw_server *srv);
void gw_server_close_all(gw_server *srv);
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
