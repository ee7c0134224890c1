/* The libcurl fetch backend: one curl multi handle per loop, its sockets registered as loop
 * watches and its timeout as a loop timer (curl_multi_socket_action), so transfers make
 * progress whenever the host runs the loop. Responses stream to the caller's handler: the
 * head once the final header block has arrived, then each chunk as curl delivers it. A
 * streamed request body (edgefn_request.body_source) is pulled by curl's read callback as
 * the socket takes it and sent chunked; when the source has nothing yet the upload pauses
 * (CURL_READFUNC_PAUSE) until the source says it has. */
#include "loop/loop.h"

#include <arpa/inet.h>
#include <curl/curl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>

typedef struct transfer transfer;

#define CURL_IDLE_HANDLES 64

typedef struct curl_backend {
  edgefn_loop *loop;
  CURLM *multi;
  edgefn__timer timer;
  edgefn_curl_options opts;
  char *ca_file;
  struct curl_slist *connect_to; /* one "::ADDRESS:PORT" entry, or NULL */
  transfer *transfers;
  /* Easy handles of finished transfers, reset and kept for the next ones: making and
   * freeing one per transfer cost about 13k instructions (callgrind). */
  CURL *idle[CURL_IDLE_HANDLES];
  size_t idle_count;
} curl_backend;

/* A socket curl asked us to watch. */
typedef struct sock_watch {
  edgefn__watch watch;
  curl_backend *be;
} sock_watch;

struct transfer {
  transfer *next, *prev;
  curl_backend *be;
  CURL *easy;
  struct curl_slist *req_headers;
  uint8_t *req_body;
  edgefn_response_handler handler;
  void *handler_data;
  int status;
  bool head_sent;
  bool too_large;
  bool pause_wanted; /* the library asked for a pause (edgefn_fetch_ops.pause) */
  bool paused;       /* on_data returned CURL_WRITEFUNC_PAUSE: curl holds the data */
  edgefn__timer kick; /* after an unpause: make curl read the socket again */
  edgefn_body_source *source; /* the streamed request body, or NULL */
  bool send_paused;           /* on_read returned CURL_READFUNC_PAUSE */
  bool source_failed;         /* the source reported an error: the transfer was aborted */
  size_t body_bytes;
  /* Headers of the current response block: names and values packed in `hbuf`. */
  char *hbuf;
  size_t hbuf_len, hbuf_cap;
  edgefn_header *headers;
  size_t header_count, header_cap;
  char status_text[64];
  char conn_tokens[256]; /* ", "-separated names the response's Connection header lists */
  char error[CURL_ERROR_SIZE];
};

static pthread_once_t curl_once = PTHREAD_ONCE_INIT;
static CURLcode curl_init_result;

static void curl_global(void) { curl_init_result = curl_global_init(CURL_GLOBAL_DEFAULT); }

/* ---- addresses the policy refuses ---- */

static bool ipv4_blocked(uint32_t a, uint32_t policy) {
  bool loopback = (a >> 24) == 127;
  bool priv = (a >> 24) == 10 || (a >> 20) == ((172u << 4) | 1) || (a >> 16) == ((192u << 8) | 168) ||
              (a >> 16) == ((169u << 8) | 254) || (a >> 24) == 0 || (a >> 22) == ((100u << 2) | 1);
  if (loopback)
    return !(policy & EDGEFN_FETCH_ALLOW_LOOPBACK);
  if (priv)
    return !(policy & EDGEFN_FETCH_ALLOW_PRIVATE);
  return false;
}

static bool address_blocked(const struct sockaddr *sa, uint32_t policy) {
  if (sa->sa_family == AF_INET) {
    const struct sockaddr_in *in = (const struct sockaddr_in *)sa;
    return ipv4_blocked(ntohl(in->sin_addr.s_addr), policy);
  }
  if (sa->sa_family == AF_INET6) {
    const struct in6_addr *a = &((const struct sockaddr_in6 *)sa)->sin6_addr;
    if (IN6_IS_ADDR_V4MAPPED(a)) {
      uint32_t v4;
      memcpy(&v4, a->s6_addr + 12, 4);
      return ipv4_blocked(ntohl(v4), policy);
    }
    if (IN6_IS_ADDR_LOOPBACK(a))
      return !(policy & EDGEFN_FETCH_ALLOW_LOOPBACK);
    bool priv = IN6_IS_ADDR_UNSPECIFIED(a) || IN6_IS_ADDR_LINKLOCAL(a) ||
                (a->s6_addr[0] & 0xfe) == 0xfc;
    return priv && !(policy & EDGEFN_FETCH_ALLOW_PRIVATE);
  }
  return true;
}

/* curl resolved the name and is about to connect: refuse destinations the policy forbids.
 * Checking the address (not the name) also stops DNS answers that point inside. */
static curl_socket_t open_socket(void *clientp, curlsocktype purpose,
                                 struct curl_sockaddr *address) {
  transfer *t = clientp;
  if (purpose != CURLSOCKTYPE_IPCXN || address_blocked(&address->addr, t->be->opts.policy)) {
    snprintf(t->error, sizeof(t->error), "connection to a blocked address refused by policy");
    return CURL_SOCKET_BAD;
  }
  return socket(address->family, address->socktype | SOCK_CLOEXEC, address->protocol);
}

/* ---- response parsing ---- */

/* Hop-by-hop and framing headers belong to one connection: curl writes its own framing for
 * the request and decodes the response's, so these are neither forwarded nor reported. */
static bool hop_by_hop(const char *name, size_t len) {
  static const char *const names[] = {"connection", "keep-alive",      "proxy-connection",
                                      "transfer-encoding", "te",       "trailer",
                                      "upgrade",    "content-length", "expect"};
  for (size_t i = 0; i < EDGEFN_ARRAY_LEN(names); i++)
    if (strlen(names[i]) == len && strncasecmp(names[i], name, len) == 0)
      return true;
  return false;
}


static int hbuf_add(transfer *t, const char *s, size_t len) {
  if (t->hbuf_len + len > t->hbuf_cap) {
    size_t cap = t->hbuf_cap ? t->hbuf_cap * 2 : 1024;
    while (cap < t->hbuf_len + len)
      cap *= 2;
    char *p = realloc(t->hbuf, cap);
    if (!p)
      return -1;
    t->hbuf = p;
    t->hbuf_cap = cap;
  }
  memcpy(t->hbuf + t->hbuf_len, s, len);
  t->hbuf_len += len;
  return 0;
}

/* Sends the head of the final response: header offsets recorded in `headers` are turned
 * into pointers into hbuf now that it no longer moves. */
/* True when `name` is one of the comma-separated tokens in `list`. */
static bool listed(const char *list, const char *name, size_t len) {
  const char *p = list;
  while (*p) {
    while (*p == ',' || *p == ' ' || *p == '\t')
      p++;
    const char *e = p;
    while (*e && *e != ',' && *e != ' ' && *e != '\t' && *e != '\r' && *e != '\n')
      e++;
    if ((size_t)(e - p) == len && len && strncasecmp(p, name, len) == 0)
      return true;
    p = *e ? e + 1 : e;
  }
  return false;
}

static void send_head(transfer *t) {
  if (t->head_sent)
    return;
  t->head_sent = true;
  size_t kept = 0;
  for (size_t i = 0; i < t->header_count; i++) {
    edgefn_header h = t->headers[i];
    h.name = t->hbuf + (size_t)h.name;
    h.value = t->hbuf + (size_t)h.value;
    if (t->conn_tokens[0] && listed(t->conn_tokens, h.name, h.name_len))
      continue;
    t->headers[kept++] = h;
  }
  t->header_count = kept;
  curl_off_t cl = -1;
  if (curl_easy_getinfo(t->easy, CURLINFO_CONTENT_LENGTH_DOWNLOAD_T, &cl) != CURLE_OK)
    cl = -1;
  edgefn_response_head head = {sizeof(head), t->status,        t->status_text,
                               t->headers,   t->header_count,  (int64_t)cl, NULL, NULL};
  if (t->handler.on_head)
    t->handler.on_head(t->handler_data, &head);
}

static size_t on_header(char *line, size_t size, size_t n, void *ud) {
  transfer *t = ud;
  size_t len = size * n;
  if (len >= 5 && memcmp(line, "HTTP/", 5) == 0) { /* a new response block starts */
    t->hbuf_len = 0;
    t->header_count = 0;
    t->conn_tokens[0] = '\0';
    t->status = 0;
    const char *sp = memchr(line, ' ', len);
    if (sp && (size_t)(line + len - sp) > 4) {
      t->status = atoi(sp + 1);
      const char *reason = sp + 4;
      size_t rlen = (size_t)(line + len - reason);
      while (rlen > 0 && (reason[0] == ' '))
        reason++, rlen--;
      while (rlen > 0 && (reason[rlen - 1] == '\r' || reason[rlen - 1] == '\n'))
        rlen--;
      if (rlen >= sizeof(t->status_text))
        rlen = sizeof(t->status_text) - 1;
      memcpy(t->status_text, reason, rlen);
      t->status_text[rlen] = '\0';
    }
    return len;
  }
  const char *colon = memchr(line, ':', len);
  if (!colon)
    return len; /* the blank line ending a block, or junk curl already accepted */
  size_t nlen = (size_t)(colon - line);
  /* Content-Length stays (it describes the decoded body curl delivers, unless the origin
   * used a content coding curl does not undo, which it is not asked to do). */
  const char *v = colon + 1;
  if (nlen == 10 && strncasecmp(line, "connection", 10) == 0) {
    /* Headers it names are hop-by-hop too (RFC 9110 7.6.1): dropped in send_head. */
    size_t used = strlen(t->conn_tokens), vl = len - nlen - 1;
    if (used + vl + 2 < sizeof(t->conn_tokens)) {
      if (used)
        t->conn_tokens[used++] = ',';
      memcpy(t->conn_tokens + used, v, vl);
      t->conn_tokens[used + vl] = '\0';
    }
    return len;
  }
  if (hop_by_hop(line, nlen) && !(nlen == 14 && strncasecmp(line, "content-length", 14) == 0))
    return len;
  size_t vlen = len - nlen - 1;
  while (vlen > 0 && (*v == ' ' || *v == '\t'))
    v++, vlen--;
  while (vlen > 0 && (v[vlen - 1] == '\r' || v[vlen - 1] == '\n' || v[vlen - 1] == ' '))
    vlen--;
  if (t->header_count == t->header_cap) {
    size_t cap = t->header_cap ? t->header_cap * 2 : 16;
    edgefn_header *h = realloc(t->headers, cap * sizeof(*h));
    if (!h)
      return 0; /* aborts the transfer: out of memory */
    t->headers = h;
    t->header_cap = cap;
  }
  /* Offsets for now (hbuf may move while it grows); send_head makes them pointers. */
  size_t name_off = t->hbuf_len;
  if (hbuf_add(t, line, nlen) != 0)
    return 0;
  size_t value_off = t->hbuf_len;
  if (hbuf_add(t, v, vlen) != 0)
    return 0;
  edgefn_header *h = &t->headers[t->header_count++];
  h->name = (const char *)(uintptr_t)name_off;
  h->name_len = nlen;
  h->value = (const char *)(uintptr_t)value_off;
  h->value_len = vlen;
  return len;
}

static void on_kick(edgefn__timer *timer);

static size_t on_data(char *data, size_t size, size_t n, void *ud) {
  transfer *t = ud;
  size_t len = size * n;
  send_head(t);
  if (t->pause_wanted && len) {
    /* curl keeps these bytes and hands them over again after CURLPAUSE_CONT. */
    t->paused = true;
    return CURL_WRITEFUNC_PAUSE;
  }
  t->body_bytes += len;
  if (t->body_bytes > t->be->opts.max_response_body) {
    t->too_large = true;
    return 0; /* aborts: CURLE_WRITE_ERROR */
  }
  if (len && t->handler.on_body)
    t->handler.on_body(t->handler_data, (const uint8_t *)data, len);
  return len;
}

/* The pause state curl should have: receiving while the library holds the body back,
 * sending while the request body source has nothing. */
static int pause_bits(const transfer *t) {
  return (t->paused ? CURLPAUSE_RECV : 0) | (t->send_paused ? CURLPAUSE_SEND : 0);
}

/* The source has data, its end or an error again: let curl call on_read. */
static void on_source_ready(void *ud) {
  transfer *t = ud;
  if (!t->send_paused)
    return;
  t->send_paused = false;
  curl_easy_pause(t->easy, pause_bits(t));
  (void)edgefn__timer_start(t->be->loop, &t->kick, 0);
}

static size_t on_read(char *buf, size_t size, size_t n, void *ud) {
  transfer *t = ud;
  size_t len = 0;
  int rc = edgefn_body_source_read(t->source, (uint8_t *)buf, size * n, &len);
  if (rc == 0)
    return len; /* 0: the body is complete */
  if (rc == EDGEFN_EAGAIN) {
    t->send_paused = true;
    edgefn_body_source_on_ready(t->source, on_source_ready, t);
    return CURL_READFUNC_PAUSE;
  }
  t->source_failed = true;
  snprintf(t->error, sizeof(t->error), "the request body stream failed");
  return CURL_READFUNC_ABORT;
}

/* ---- transfers ---- */

/* Keeps a finished transfer's easy handle for the next transfer, its options back at their
 * defaults (the connections and caches it shares live in the multi handle). */
static void easy_release(curl_backend *be, CURL *e) {
  if (!e)
    return;
  if (be->idle_count < CURL_IDLE_HANDLES) {
    curl_easy_reset(e);
    be->idle[be->idle_count++] = e;
  } else {
    curl_easy_cleanup(e);
  }
}

static CURL *easy_take(curl_backend *be) {
  return be->idle_count ? be->idle[--be->idle_count] : curl_easy_init();
}

static void transfer_free(transfer *t) {
  curl_backend *be = t->be;
  if (t->source)
    edgefn_body_source_on_ready(t->source, NULL, NULL);
  edgefn__timer_stop(be->loop, &t->kick);
  if (t->prev)
    t->prev->next = t->next;
  else
    be->transfers = t->next;
  if (t->next)
    t->next->prev = t->prev;
  curl_multi_remove_handle(be->multi, t->easy);
  easy_release(be, t->easy);
  curl_slist_free_all(t->req_headers);
  free(t->req_body);
  free(t->hbuf);
  free(t->headers);
  free(t);
}

static void transfer_done(transfer *t, CURLcode rc) {
  int result = 0;
  if (rc == CURLE_OK) {
    send_head(t);
  } else {
    result = t->too_large       ? EDGEFN_EBODY_LIMIT
             : t->source_failed ? EDGEFN_EABORTED
                                : EDGEFN_ENETWORK;
  }
  edgefn_response_handler h = t->handler;
  void *hd = t->handler_data;
  if (rc != CURLE_OK && !t->error[0])
    snprintf(t->error, sizeof(t->error), "%s", curl_easy_strerror(rc));
  transfer_free(t);
  h.on_end(hd, result);
}

static void check_done(curl_backend *be) {
  CURLMsg *msg;
  int left;
  while ((msg = curl_multi_info_read(be->multi, &left))) {
    if (msg->msg != CURLMSG_DONE)
      continue;
    transfer *t = NULL;
    curl_easy_getinfo(msg->easy_handle, CURLINFO_PRIVATE, (char **)&t);
    if (t)
      transfer_done(t, msg->data.result);
  }
}

static void on_socket_event(edgefn__watch *w, uint32_t events) {
  sock_watch *sw = w->data;
  curl_backend *be = sw->be;
  int flags = 0;
  if (events & (EPOLLIN | EPOLLHUP))
    flags |= CURL_CSELECT_IN;
  if (events & EPOLLOUT)
    flags |= CURL_CSELECT_OUT;
  if (events & EPOLLERR)
    flags |= CURL_CSELECT_ERR;
  int running;
  curl_multi_socket_action(be->multi, w->fd, flags, &running);
  check_done(be);
}

static int socket_cb(CURL *easy, curl_socket_t fd, int what, void *userp, void *socketp) {
  (void)easy;
  curl_backend *be = userp;
  sock_watch *sw = socketp;
  if (what == CURL_POLL_REMOVE) {
    if (sw) {
      edgefn__watch_stop(be->loop, &sw->watch);
      free(sw);
      curl_multi_assign(be->multi, fd, NULL);
    }
    return 0;
  }
  if (!sw) {
    sw = calloc(1, sizeof(*sw));
    if (!sw)
      return -1;
    sw->be = be;
    edgefn__watch_init(&sw->watch, on_socket_event, sw);
    curl_multi_assign(be->multi, fd, sw);
  }
  uint32_t events = 0;
  if (what == CURL_POLL_IN || what == CURL_POLL_INOUT)
    events |= EPOLLIN;
  if (what == CURL_POLL_OUT || what == CURL_POLL_INOUT)
    events |= EPOLLOUT;
  return edgefn__watch_set(be->loop, &sw->watch, fd, events) == 0 ? 0 : -1;
}

static void on_timer(edgefn__timer *timer) {
  curl_backend *be = timer->data;
  int running;
  curl_multi_socket_action(be->multi, CURL_SOCKET_TIMEOUT, 0, &running);
  check_done(be);
}

static int timer_cb(CURLM *multi, long timeout_ms, void *userp) {
  (void)multi;
  curl_backend *be = userp;
  if (timeout_ms < 0) {
    edgefn__timer_stop(be->loop, &be->timer);
    return 0;
  }
  return edgefn__timer_start(be->loop, &be->timer, (uint64_t)timeout_ms) == 0 ? 0 : -1;
}

static int header_line(transfer *t, const edgefn_header *h) {
  /* Header names and values come from scripts through Headers, which already refuses CR,
   * LF and NUL; the length check keeps the line within curl's own limits. */
  if (h->name_len == 0 || h->name_len + h->value_len > 65536)
    return EDGEFN_EINVAL;
  char *line = malloc(h->name_len + h->value_len + 3);
  if (!line)
    return EDGEFN_ENOMEM;
  memcpy(line, h->name, h->name_len);
  size_t o = h->name_len;
  if (h->value_len == 0) {
    line[o++] = ';'; /* curl's way to send a header with an empty value */
  } else {
    line[o++] = ':';
    line[o++] = ' ';
    memcpy(line + o, h->value, h->value_len);
    o += h->value_len;
  }
  line[o] = '\0';
  struct curl_slist *l = curl_slist_append(t->req_headers, line);
  free(line);
  if (!l)
    return EDGEFN_ENOMEM;
  t->req_headers = l;
  return 0;
}

static int curl_start(void *backend, edgefn_loop *loop, const edgefn_request *req,
                      const edgefn_response_handler *handler, void *handler_data, void **op) {
  curl_backend *be = backend;
  if (!be || !req || !handler || !handler->on_end || loop != be->loop || !req->url)
    return EDGEFN_EINVAL;
  transfer *t = calloc(1, sizeof(*t));
  if (!t)
    return EDGEFN_ENOMEM;
  t->be = be;
  edgefn__timer_init(&t->kick, on_kick, t);
  t->handler = *handler;
  t->handler_data = handler_data;
  if (EDGEFN_HAS_FIELD(req, edgefn_request, body_source))
    t->source = req->body_source;
  t->easy = easy_take(be);
  char *url = edgefn__strndup(req->url, req->url_len);
  char *method = edgefn__strndup(req->method ? req->method : "GET",
                                 req->method ? req->method_len : 3);
  int rc = t->easy && url && method ? 0 : EDGEFN_ENOMEM;
  for (size_t i = 0; rc == 0 && i < req->header_count; i++)
    if (!hop_by_hop(req->headers[i].name, req->headers[i].name_len))
      rc = header_line(t, &req->headers[i]);
  /* curl adds Accept and Expect headers of its own unless told not to. */
  if (rc == 0 && !(t->req_headers = curl_slist_append(t->req_headers, "Expect:")))
    rc = EDGEFN_ENOMEM;
  /* A streamed body has no length up front: HTTP/1.1 chunked coding. */
  if (rc == 0 && t->source &&
      !(t->req_headers = curl_slist_append(t->req_headers, "Transfer-Encoding: chunked")))
    rc = EDGEFN_ENOMEM;
  if (rc == 0 && req->body_len) {
    t->req_body = malloc(req->body_len);
    if (!t->req_body)
      rc = EDGEFN_ENOMEM;
    else
      memcpy(t->req_body, req->body, req->body_len);
  }
  if (rc == 0) {
    CURL *e = t->easy;
    curl_easy_setopt(e, CURLOPT_URL, url);
    curl_easy_setopt(e, CURLOPT_PRIVATE, t);
    curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(e, CURLOPT_ERRORBUFFER, t->error);
    curl_easy_setopt(e, CURLOPT_HEADERFUNCTION, on_header);
    curl_easy_setopt(e, CURLOPT_HEADERDATA, t);
    curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, on_data);
    curl_easy_setopt(e, CURLOPT_WRITEDATA, t);
    curl_easy_setopt(e, CURLOPT_OPENSOCKETFUNCTION, open_socket);
    curl_easy_setopt(e, CURLOPT_OPENSOCKETDATA, t);
    curl_easy_setopt(e, CURLOPT_HTTPHEADER, t->req_headers);
    curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT_MS, (long)be->opts.connect_timeout_ms);
    curl_easy_setopt(e, CURLOPT_TIMEOUT_MS, (long)be->opts.timeout_ms);
    curl_easy_setopt(e, CURLOPT_FOLLOWLOCATION, 0L);
    curl_easy_setopt(e, CURLOPT_ACCEPT_ENCODING, NULL);
    curl_easy_setopt(e, CURLOPT_SSL_VERIFYPEER, be->opts.insecure_skip_verify ? 0L : 1L);
    curl_easy_setopt(e, CURLOPT_SSL_VERIFYHOST, be->opts.insecure_skip_verify ? 0L : 2L);
    if (be->ca_file)
      curl_easy_setopt(e, CURLOPT_CAINFO, be->ca_file);
    if (be->connect_to)
      curl_easy_setopt(e, CURLOPT_CONNECT_TO, be->connect_to);
    if (t->source) {
      curl_easy_setopt(e, CURLOPT_POST, 1L);
      curl_easy_setopt(e, CURLOPT_CUSTOMREQUEST, method);
      curl_easy_setopt(e, CURLOPT_READFUNCTION, on_read);
      curl_easy_setopt(e, CURLOPT_READDATA, t);
      curl_easy_setopt(e, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)-1);
    } else if (strcmp(method, "HEAD") == 0) {
      curl_easy_setopt(e, CURLOPT_NOBODY, 1L);
    } else if (strcmp(method, "GET") != 0 || req->body_len) {
      curl_easy_setopt(e, CURLOPT_CUSTOMREQUEST, method);
      if (req->body_len || strcmp(method, "GET") != 0) {
        curl_easy_setopt(e, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)req->body_len);
        curl_easy_setopt(e, CURLOPT_POSTFIELDS, t->req_body ? (char *)t->req_body : "");
      }
    }
    if (curl_multi_add_handle(be->multi, e) != CURLM_OK)
      rc = EDGEFN_ENOMEM;
  }
  free(url);
  free(method);
  if (rc != 0) {
    easy_release(be, t->easy);
    curl_slist_free_all(t->req_headers);
    free(t->req_body);
    free(t);
    return rc;
  }
  t->next = be->transfers;
  if (t->next)
    t->next->prev = t;
  be->transfers = t;
  if (op)
    *op = t;
  return 0;
}

static void curl_cancel(void *backend, void *op) {
  curl_backend *be = backend;
  for (transfer *t = be->transfers; t; t = t->next)
    if (t == op) {
      transfer_free(t);
      return;
    }
}

/* libcurl 7.88 delivers what it held at CURLPAUSE_CONT but, with the socket interface,
 * does not always go back to reading the socket (whose buffer is full by then, so no new
 * readiness event comes): tell it the socket is readable (and writable, for an upload that
 * was waiting for its source). */
static void on_kick(edgefn__timer *timer) {
  transfer *t = timer->data;
  curl_backend *be = t->be;
  curl_socket_t fd = CURL_SOCKET_BAD;
  int running;
  if (curl_easy_getinfo(t->easy, CURLINFO_ACTIVESOCKET, &fd) == CURLE_OK &&
      fd != CURL_SOCKET_BAD)
    curl_multi_socket_action(be->multi, fd, CURL_CSELECT_IN | CURL_CSELECT_OUT, &running);
  else
    curl_multi_socket_action(be->multi, CURL_SOCKET_TIMEOUT, 0, &running);
  check_done(be);
}

static void curl_pause(void *backend, void *op, int paused) {
  curl_backend *be = backend;
  for (transfer *t = be->transfers; t; t = t->next)
    if (t == op) {
      t->pause_wanted = paused != 0;
      if (!paused && t->paused) {
        t->paused = false;
        curl_easy_pause(t->easy, pause_bits(t));
        (void)edgefn__timer_start(be->loop, &t->kick, 0);
      }
      return;
    }
}

void edgefn_curl_backend_free(void *backend) {
  curl_backend *be = backend;
  if (!be)
    return;
  while (be->transfers) {
    transfer *t = be->transfers;
    edgefn_response_handler h = t->handler;
    void *hd = t->handler_data;
    transfer_free(t);
    h.on_end(hd, EDGEFN_ECANCELED);
  }
  edgefn__timer_stop(be->loop, &be->timer);
  while (be->idle_count)
    curl_easy_cleanup(be->idle[--be->idle_count]);
  curl_multi_cleanup(be->multi);
  curl_slist_free_all(be->connect_to);
  free(be->ca_file);
  free(be);
}

static void curl_release(void *backend) { edgefn_curl_backend_free(backend); }

static const edgefn_fetch_ops curl_ops = {EDGEFN_FETCH_OPS_VERSION, curl_start, curl_cancel,
                                          curl_release, curl_pause};

const edgefn_fetch_ops *edgefn_curl_fetch_ops(void) { return &curl_ops; }

int edgefn_curl_backend_new(void **out, edgefn_loop *loop, const edgefn_curl_options *opts) {
  if (!out || !loop)
    return EDGEFN_EINVAL;
  *out = NULL;
  if (opts && !EDGEFN_MIN_SIZE_OK(opts, edgefn_curl_options, ca_file))
    return EDGEFN_EVERSION;
  pthread_once(&curl_once, curl_global);
  if (curl_init_result != CURLE_OK)
    return EDGEFN_ESYSTEM;
  curl_backend *be = calloc(1, sizeof(*be));
  if (!be)
    return EDGEFN_ENOMEM;
  be->loop = loop;
  if (opts)
    be->opts = *opts;
  be->opts.struct_size = sizeof(be->opts);
  if (!be->opts.connect_timeout_ms)
    be->opts.connect_timeout_ms = EDGEFN_DEFAULT_FETCH_CONNECT_TIMEOUT_MS;
  if (!be->opts.timeout_ms)
    be->opts.timeout_ms = EDGEFN_DEFAULT_FETCH_TIMEOUT_MS;
  if (!be->opts.max_response_body)
    be->opts.max_response_body = EDGEFN_DEFAULT_FETCH_MAX_BODY;
  if (opts && opts->ca_file && !(be->ca_file = edgefn__strndup(opts->ca_file, strlen(opts->ca_file)))) {
    free(be);
    return EDGEFN_ENOMEM;
  }
  be->opts.ca_file = NULL;
  if (opts && EDGEFN_HAS_FIELD(opts, edgefn_curl_options, connect_to) && opts->connect_to) {
    /* curl's CONNECT_TO: an empty host and port match every request. */
    char entry[300];
    int n = snprintf(entry, sizeof(entry), "::%s", opts->connect_to);
    if (n < 0 || (size_t)n >= sizeof(entry) || !strchr(opts->connect_to, ':') ||
        !(be->connect_to = curl_slist_append(NULL, entry))) {
      free(be->ca_file);
      free(be);
      return n < 0 || (size_t)n >= sizeof(entry) || !strchr(opts->connect_to, ':')
                 ? EDGEFN_EINVAL
                 : EDGEFN_ENOMEM;
    }
  }
  be->opts.connect_to = NULL;
  be->multi = curl_multi_init();
  if (!be->multi) {
    curl_slist_free_all(be->connect_to);
    free(be->ca_file);
    free(be);
    return EDGEFN_ESYSTEM;
  }
  edgefn__timer_init(&be->timer, on_timer, be);
  curl_multi_setopt(be->multi, CURLMOPT_SOCKETFUNCTION, socket_cb);
  curl_multi_setopt(be->multi, CURLMOPT_SOCKETDATA, be);
  curl_multi_setopt(be->multi, CURLMOPT_TIMERFUNCTION, timer_cb);
  curl_multi_setopt(be->multi, CURLMOPT_TIMERDATA, be);
  curl_multi_setopt(be->multi, CURLMOPT_MAXCONNECTS, (long)EDGEFN_FETCH_MAX_IDLE_CONNECTIONS);
  *out = be;
  return 0;
}
