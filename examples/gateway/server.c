/* One worker of edgefn-gateway: an epoll set holding the worker's own SO_REUSEPORT listening
 * sockets, its wake-up eventfd, its edgefn_loop's descriptor and every client socket it
 * accepted; per-kind timer lists; connection lifetime and socket (or TLS) I/O; moving to a
 * new site after a reload. HTTP framing lives in http.c. */
#include "gateway.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

#ifdef GW_HAVE_URING
#include <liburing.h>
#endif

#define GW_MAX_EVENTS 64

/* epoll tags for the descriptors that are neither connections nor listeners. */
static char tag_wake, tag_loop;

__thread gw_server *gw_this_worker;

static uint64_t timer_duration_ms(gw_timer_kind k) {
  switch (k) {
  case GW_TIMER_IDLE: return gw_lim.idle_timeout_ms;
  case GW_TIMER_HEADER: return gw_lim.header_timeout_ms;
  case GW_TIMER_BODY: return gw_lim.body_timeout_ms;
  case GW_TIMER_SEND: return gw_lim.send_timeout_ms;
  case GW_TIMER_LINGER: return GW_LINGER_MS;
  default: return 0;
  }
}

static void conn_drive(gw_conn *c);

/* ---- listening ---- */

static int split_host_port(const char *addr, char *host, size_t host_size, char *port,
                           size_t port_size) {
  const char *colon;
  const char *h = addr;
  size_t hlen;
  if (addr[0] == '[') {
    const char *end = strchr(addr, ']');
    if (!end || end[1] != ':')
      return -1;
    h = addr + 1;
    hlen = (size_t)(end - h);
    colon = end + 1;
  } else {
    colon = strrchr(addr, ':');
    if (!colon)
      return -1;
    hlen = (size_t)(colon - addr);
  }
  size_t plen = strlen(colon + 1);
  if (hlen >= host_size || plen == 0 || plen >= port_size)
    return -1;
  memcpy(host, h, hlen);
  host[hlen] = '\0';
  memcpy(port, colon + 1, plen + 1);
  for (const char *p = port; *p; p++)
    if (*p < '0' || *p > '9')
      return -1;
  return 0;
}

/* Opens one listening socket. With reuseport every worker binds its own socket to the same
 * address (SO_REUSEPORT) and the kernel spreads connections across them. `host` receives the
 * bound address as it appears in URLs, so port 0 shows the port the kernel chose. */
int gw_listen_open(const char *listen_addr, bool reuseport, char *host, size_t host_size) {
  char h[256], port[16];
  if (split_host_port(listen_addr, h, sizeof(h), port, sizeof(port)) != 0) {
    gw_log(EDGEFN_LOG_ERROR, "listen address wants HOST:PORT or [IPV6]:PORT, not '%s'",
           listen_addr);
    return -1;
  }
  struct addrinfo hints = {.ai_family = AF_UNSPEC,
                           .ai_socktype = SOCK_STREAM,
                           .ai_flags = AI_PASSIVE | AI_NUMERICSERV};
  struct addrinfo *res = NULL;
  int gai = getaddrinfo(h[0] && strcmp(h, "*") != 0 ? h : NULL, port, &hints, &res);
  if (gai != 0) {
    gw_log(EDGEFN_LOG_ERROR, "cannot resolve %s: %s", listen_addr, gai_strerror(gai));
    return -1;
  }
  int fd = -1, err = 0;
  for (struct addrinfo *ai = res; ai; ai = ai->ai_next) {
    fd = socket(ai->ai_family, ai->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC,
                ai->ai_protocol);
    if (fd < 0) {
      err = errno;
      continue;
    }
    int one = 1;
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
    if (reuseport)
      setsockopt(fd, SOL_SOCKET, SO_REUSEPORT, &one, sizeof(one));
    if (bind(fd, ai->ai_addr, ai->ai_addrlen) == 0 && listen(fd, SOMAXCONN) == 0)
      break;
    err = errno;
    close(fd);
    fd = -1;
  }
  freeaddrinfo(res);
  if (fd < 0) {
    gw_log(EDGEFN_LOG_ERROR, "cannot listen on %s: %s", listen_addr, strerror(err));
    return -1;
  }
  struct sockaddr_storage ss;
  socklen_t sl = sizeof(ss);
  char ip[INET6_ADDRSTRLEN] = "localhost";
  unsigned short bound_port = 0;
  memset(&ss, 0, sizeof(ss));
  if (getsockname(fd, (struct sockaddr *)&ss, &sl) == 0) {
    if (ss.ss_family == AF_INET6) {
      struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)&ss;
      inet_ntop(AF_INET6, &s6->sin6_addr, ip, sizeof(ip));
      bound_port = ntohs(s6->sin6_port);
    } else {
      struct sockaddr_in *s4 = (struct sockaddr_in *)&ss;
      inet_ntop(AF_INET, &s4->sin_addr, ip, sizeof(ip));
      bound_port = ntohs(s4->sin_port);
    }
  }
  snprintf(host, host_size, ss.ss_family == AF_INET6 ? "[%s]:%u" : "%s:%u", ip, bound_port);
  return fd;
}

static int epoll_add(gw_server *srv, int fd, unsigned events, void *ptr) {
  struct epoll_event ev = {.events = events, .data.ptr = ptr};
  return epoll_ctl(srv->epfd, EPOLL_CTL_ADD, fd, &ev);
}

int gw_server_init(gw_server *srv, unsigned id, gw_listener *listeners, size_t nlisteners) {
  memset(srv, 0, sizeof(*srv));
  srv->id = id;
  srv->wake_fd = srv->spare_fd = -1;
  srv->listeners = listeners;
  srv->nlisteners = nlisteners;
  gw_metrics_init(&srv->metrics);
  srv->epfd = epoll_create1(EPOLL_CLOEXEC);
  srv->wake_fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
  if (srv->epfd < 0 || srv->wake_fd < 0) {
    gw_log(EDGEFN_LOG_ERROR, "epoll_create1/eventfd: %s", strerror(errno));
    return -1;
  }
  srv->spare_fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
  if (epoll_add(srv, srv->wake_fd, EPOLLIN, &tag_wake) != 0) {
    gw_log(EDGEFN_LOG_ERROR, "epoll_ctl: %s", strerror(errno));
    return -1;
  }
  for (size_t i = 0; i < nlisteners; i++)
    if (epoll_add(srv, listeners[i].fd, EPOLLIN, &listeners[i]) != 0) {
      gw_log(EDGEFN_LOG_ERROR, "epoll_ctl: %s", strerror(errno));
      return -1;
    }
  return 0;
}

/* Any thread: makes the worker look at the reload and shutdown flags. */
void gw_server_wake(gw_server *srv) {
  uint64_t one = 1;
  if (write(srv->wake_fd, &one, sizeof(one)) < 0) {
    /* The counter is already non-zero: the worker wakes anyway. */
  }
}

/* ---- timers: one list per kind; every arm sets now + that kind's duration and appends, so
 * each list stays sorted by deadline and only its head needs checking. ---- */

static void timer_unlink(gw_conn *c) {
  gw_server *srv = c->srv;
  gw_timer_kind k = c->timer_kind;
  if (k == GW_TIMER_NONE)
    return;
  if (c->timer_prev)
    c->timer_prev->timer_next = c->timer_next;
  else
    srv->timer_head[k] = c->timer_next;
  if (c->timer_next)
    c->timer_next->timer_prev = c->timer_prev;
  else
    srv->timer_tail[k] = c->timer_prev;
  c->timer_prev = c->timer_next = NULL;
  c->timer_kind = GW_TIMER_NONE;
}

static void timer_arm(gw_conn *c, gw_timer_kind k) {
  gw_server *srv = c->srv;
  timer_unlink(c);
  if (k == GW_TIMER_NONE)
    return;
  c->timer_kind = k;
  c->deadline_ms = gw_now_ms() + timer_duration_ms(k);
  c->timer_prev = srv->timer_tail[k];
  if (srv->timer_tail[k])
    srv->timer_tail[k]->timer_next = c;
  else
    srv->timer_head[k] = c;
  srv->timer_tail[k] = c;
}

static uint64_t next_timer_ms(const gw_server *srv) {
  uint64_t next = UINT64_MAX;
  for (int k = GW_TIMER_NONE + 1; k < GW_TIMER_KINDS; k++)
    if (srv->timer_head[k] && srv->timer_head[k]->deadline_ms < next)
      next = srv->timer_head[k]->deadline_ms;
  return next;
}

static void on_timeout(gw_conn *c, gw_timer_kind k) {
  switch (k) {
  case GW_TIMER_HEADER:
  case GW_TIMER_BODY:
    gw_log(EDGEFN_LOG_DEBUG, "%s: request timed out", c->client_ip);
    gw_http_send_error(c, 408, "request timed out\n");
    conn_drive(c);
    break;
  default:
    /* Idle keep-alive, a client that stopped reading, or the end of lingering: close. */
    gw_conn_close(c);
    break;
  }
}

static void run_timers(gw_server *srv) {
  uint64_t now = gw_now_ms();
  for (int k = GW_TIMER_NONE + 1; k < GW_TIMER_KINDS; k++) {
    gw_conn *c;
    while ((c = srv->timer_head[k]) && c->deadline_ms <= now) {
      timer_unlink(c);
      gw_conn_ref(c);
      on_timeout(c, (gw_timer_kind)k);
      gw_conn_unref(c);
    }
  }
}

/* ---- connection lifetime ---- */

void gw_conn_ref(gw_conn *c) { c->refs++; }

/* A connection whose last reference goes is freed only after the current batch of epoll
 * events, because a later event in the batch may still point to it. */
void gw_conn_unref(gw_conn *c) {
  if (--c->refs > 0)
    return;
  gw_server *srv = c->srv;
  if (c->all_prev)
    c->all_prev->all_next = c->all_next;
  else
    srv->all = c->all_next;
  if (c->all_next)
    c->all_next->all_prev = c->all_prev;
  c->all_next = srv->graveyard;
  c->all_prev = NULL;
  srv->graveyard = c;
}

static void free_graveyard(gw_server *srv) {
  while (srv->graveyard) {
    gw_conn *c = srv->graveyard;
    srv->graveyard = c->all_next;
    gw_http_conn_free(c);
    gw_buf_free(&c->in);
    gw_buf_free(&c->out);
    free(c);
    srv->nlive--;
    atomic_fetch_sub(&gw_app_connections, 1);
  }
}

void gw_conn_close(gw_conn *c) {
  if (c->fd < 0)
    return;
  gw_server *srv = c->srv;
  timer_unlink(c);
  epoll_ctl(srv->epfd, EPOLL_CTL_DEL, c->fd, NULL);
  gw_tls_conn_free(c->tls);
  c->tls = NULL;
  close(c->fd);
  c->fd = -1;
  srv->nopen--;
  gw_buf_free(&c->in);
  gw_buf_free(&c->out);
  gw_conn_flow_check(c); /* a paused response must still run to its end */
  gw_conn_unref(c);
}

/* Queues a connection to be driven from the top of the event loop. Response callbacks use
 * this instead of driving directly, so a callback never starts the next dispatch while the
 * library is still on the stack. */
void gw_conn_ready(gw_conn *c) {
  if (c->queued || c->fd < 0)
    return;
  c->queued = true;
  gw_conn_ref(c);
  c->ready_next = NULL;
  if (c->srv->ready_tail)
    c->srv->ready_tail->ready_next = c;
  else
    c->srv->ready_head = c;
  c->srv->ready_tail = c;
}

static void run_ready(gw_server *srv) {
  gw_conn *c;
  while ((c = srv->ready_head)) {
    srv->ready_head = c->ready_next;
    if (!srv->ready_head)
      srv->ready_tail = NULL;
    c->queued = false;
    conn_drive(c);
    gw_conn_unref(c);
  }
}

/* A flood of refused connections should not become a flood of log lines. */
static void warn_refused(const char *why) {
  static __thread uint64_t last_ms;
  uint64_t now = gw_now_ms();
  if (last_ms == 0 || now - last_ms >= 1000) {
    gw_log(EDGEFN_LOG_WARN, "connection refused: %s", why);
    last_ms = now;
  }
}

static void accept_one(gw_server *srv, gw_listener *l, int fd,
                       const struct sockaddr_storage *ss) {
  /* The count includes connections whose client left while their function still runs:
   * they hold memory just the same. */
  if (atomic_fetch_add(&gw_app_connections, 1) >= gw_lim.max_connections || srv->stopping) {
    atomic_fetch_sub(&gw_app_connections, 1);
    if (!srv->stopping)
      warn_refused("too many connections");
    srv->metrics.refused++;
    close(fd);
    return;
  }
  gw_conn *c = calloc(1, sizeof(*c));
  if (c && l->tls && !(c->tls = gw_tls_conn_new(l->tls, fd))) {
    free(c);
    c = NULL;
  }
  if (!c) {
    atomic_fetch_sub(&gw_app_connections, 1);
    close(fd);
    return;
  }
  c->srv = srv;
  c->lst = l;
  c->fd = fd;
  c->refs = 1;
  if (ss->ss_family == AF_INET6)
    inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)ss)->sin6_addr, c->client_ip,
              sizeof(c->client_ip));
  else if (ss->ss_family == AF_INET)
    inet_ntop(AF_INET, &((const struct sockaddr_in *)ss)->sin_addr, c->client_ip,
              sizeof(c->client_ip));
  int one = 1;
  setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
  c->events = EPOLLIN;
  if (epoll_add(srv, fd, c->events, c) != 0) {
    atomic_fetch_sub(&gw_app_connections, 1);
    gw_tls_conn_free(c->tls);
    close(fd);
    free(c);
    return;
  }
  pthread_mutex_lock(&srv->metrics.lock);
  srv->metrics.accepted++;
  pthread_mutex_unlock(&srv->metrics.lock);
  gw_http_conn_init(c);
  c->all_next = srv->all;
  if (srv->all)
    srv->all->all_prev = c;
  srv->all = c;
  srv->nlive++;
  srv->nopen++;
  timer_arm(c, GW_TIMER_IDLE);
}

static void on_listen_readable(gw_server *srv, gw_listener *l) {
  for (int i = 0; i < GW_ACCEPTS_PER_WAKEUP && l->fd >= 0; i++) {
    struct sockaddr_storage ss;
    socklen_t sl = sizeof(ss);
    int fd = accept4(l->fd, (struct sockaddr *)&ss, &sl, SOCK_NONBLOCK | SOCK_CLOEXEC);
    if (fd >= 0) {
      accept_one(srv, l, fd, &ss);
      continue;
    }
    if (errno == EINTR || errno == ECONNABORTED)
      continue;
    if ((errno == EMFILE || errno == ENFILE) && srv->spare_fd >= 0) {
      /* Out of descriptors: the pending connection would keep the listener readable and
       * spin the loop, so use the spare descriptor to accept it and close it at once. */
      close(srv->spare_fd);
      fd = accept(l->fd, NULL, NULL);
      if (fd >= 0)
        close(fd);
      srv->spare_fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
      warn_refused("out of file descriptors");
      continue;
    }
    if (errno != EAGAIN && errno != EWOULDBLOCK)
      gw_log(EDGEFN_LOG_WARN, "accept: %s", strerror(errno));
    return;
  }
}

/* ---- socket I/O ---- */

/* Writes what the socket takes. Returns -1 when the connection is dead. */
/* recv() and send() on the socket or through TLS, with the socket's conventions: -1 and
 * errno EAGAIN when it would block (TLS records in c->tls_want which way it waits). */
static ssize_t conn_recv(gw_conn *c, void *buf, size_t len) {
  if (!c->tls)
    return recv(c->fd, buf, len, 0);
  unsigned want = 0;
  long n = gw_tls_recv(c->tls, buf, len, &want);
  c->tls_want = n < 0 ? want : 0;
  if (n < 0)
    errno = want ? EAGAIN : ECONNRESET;
  return n;
}

static ssize_t conn_send(gw_conn *c, const void *buf, size_t len) {
  if (!c->tls)
    return send(c->fd, buf, len, MSG_NOSIGNAL);
  unsigned want = 0;
  long n = gw_tls_send(c->tls, buf, len, &want);
  c->tls_want = n < 0 ? want : 0;
  if (n < 0)
    errno = want ? EAGAIN : EPIPE;
  return n;
}

static bool batch_defer_send(gw_conn *c);

/* After bytes left: resumes a paused response below the low-water mark, and drops a large
 * buffer a keep-alive connection no longer needs. */
static void conn_sent(gw_conn *c) {
  gw_conn_flow_check(c);
  if (gw_buf_pending(&c->out) == 0 && c->out.cap > 64 * 1024)
    gw_buf_free(&c->out);
}

static int conn_flush(gw_conn *c) {
  if (batch_defer_send(c))
    return 0;
  while (gw_buf_pending(&c->out) > 0) {
    ssize_t n = conn_send(c, c->out.data + c->out.off, gw_buf_pending(&c->out));
    if (n > 0) {
      gw_buf_consume(&c->out, (size_t)n);
      c->progress = true;
      continue;
    }
    if (n < 0 && errno == EINTR)
      continue;
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
      gw_conn_flow_check(c);
      return 0;
    }
    return -1;
  }
  conn_sent(c);
  return 0;
}

/* Reads what is there into c->in (or discards it while lingering). Returns -1 when the
 * connection was closed. */
static int conn_read(gw_conn *c) {
  if (c->phase == GW_PHASE_LINGER) {
    char scratch[4096];
    for (;;) {
      ssize_t n = conn_recv(c, scratch, sizeof(scratch));
      if (n > 0)
        continue;
      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
        return -1;
      gw_conn_close(c);
      return -1;
    }
  }
  /* The batch's receive (batch_recv) already read for this wakeup. */
  if (c->recv_prefetched) {
    c->recv_prefetched = false;
    if (c->recv_error) {
      gw_conn_close(c);
      return -1;
    }
    if (!c->recv_more)
      return 0;
  }
  /* A few reads per wakeup; level-triggered epoll brings the rest next time. */
  for (int i = 0; i < 4 && !c->peer_eof; i++) {
    size_t room = GW_INPUT_BUFFER_MAX - gw_buf_pending(&c->in);
    if (room == 0)
      break;
    if (room > GW_READ_CHUNK)
      room = GW_READ_CHUNK;
    if (gw_buf_reserve(&c->in, room) != 0) {
      gw_conn_close(c);
      return -1;
    }
    ssize_t n = conn_recv(c, c->in.data + c->in.len, room);
    if (n > 0) {
      c->in.len += (size_t)n;
      c->progress = true;
      if ((size_t)n < room)
        break;
      continue;
    }
    if (n == 0) {
      c->peer_eof = true;
      break;
    }
    if (errno == EINTR)
      continue;
    if (errno == EAGAIN || errno == EWOULDBLOCK)
      break;
    gw_conn_close(c);
    return -1;
  }
  return 0;
}

static void conn_on_readable(gw_conn *c) {
  if (conn_read(c) == 0)
    conn_drive(c);
}

/* Registers the epoll interest and the timer that match the connection's state. */
static void conn_update(gw_conn *c) {
  /* A send queued in the batch: batch_flush() drives the connection again afterwards, and
   * the interest and timer are decided then. */
  if (c->send_queued)
    return;
  unsigned want = 0;
  bool can_read = c->phase == GW_PHASE_LINGER ||
                  (!c->peer_eof && !c->close_after && gw_buf_pending(&c->in) < GW_INPUT_BUFFER_MAX);
  if (gw_buf_pending(&c->out) > 0)
    want |= EPOLLOUT;
  if (can_read)
    want |= EPOLLIN;
  /* TLS may wait on the other direction (a handshake writing while we read), and may hold
   * decrypted bytes epoll cannot see. */
  want |= c->tls_want;
  if (c->tls && can_read && gw_tls_pending(c->tls) > 0)
    gw_conn_ready(c);
  if (want != c->events) {
    struct epoll_event ev = {.events = want, .data.ptr = c};
    if (epoll_ctl(c->srv->epfd, EPOLL_CTL_MOD, c->fd, &ev) != 0) {
      gw_conn_close(c);
      return;
    }
    c->events = want;
  }

  gw_timer_kind k = GW_TIMER_NONE;
  if (c->phase == GW_PHASE_LINGER)
    k = GW_TIMER_LINGER;
  else if (gw_buf_pending(&c->out) > 0)
    k = GW_TIMER_SEND;
  else if (c->phase == GW_PHASE_IDLE)
    k = GW_TIMER_IDLE;
  else if (c->phase == GW_PHASE_HEADERS)
    k = GW_TIMER_HEADER;
  else if (c->phase == GW_PHASE_BODY)
    k = GW_TIMER_BODY;
  /* Idle, header and linger deadlines are fixed when entered; body and send deadlines
   * measure stalls, so progress re-arms them. */
  if (k != c->timer_kind || (c->progress && (k == GW_TIMER_BODY || k == GW_TIMER_SEND)))
    timer_arm(c, k);
  c->progress = false;
}

static void conn_start_linger(gw_conn *c) {
  shutdown(c->fd, SHUT_WR);
  c->phase = GW_PHASE_LINGER;
  gw_buf_free(&c->in);
  if (c->peer_eof)
    gw_conn_close(c);
}

/* Moves a connection forward as far as it can go without waiting: write pending output,
 * then parse and dispatch buffered requests one at a time. */
static void conn_drive(gw_conn *c) {
  if (c->driving || c->fd < 0)
    return;
  c->driving = true;
  gw_conn_ref(c);
  while (c->fd >= 0) {
    if (gw_buf_pending(&c->out) > 0 && conn_flush(c) != 0) {
      gw_conn_close(c);
      break;
    }
    if (c->phase == GW_PHASE_DISPATCHED || c->phase == GW_PHASE_LINGER)
      break;
    /* Pipelined requests wait until the previous response has left. */
    if (gw_buf_pending(&c->out) > 0)
      break;
    if (c->close_after) {
      conn_start_linger(c);
      break;
    }
    if (c->tls && gw_tls_pending(c->tls) > 0 &&
        gw_buf_pending(&c->in) < GW_INPUT_BUFFER_MAX && conn_read(c) != 0)
      break;
    gw_parse_result r = gw_http_parse(c);
    if (r == GW_PARSE_REQUEST) {
      gw_http_dispatch(c);
      continue;
    }
    if (r == GW_PARSE_ERROR)
      continue;
    if (gw_buf_pending(&c->out) > 0 && conn_flush(c) != 0) {
      gw_conn_close(c);
      break;
    }
    /* Output still waiting (a deferred or blocked send) is written before the close: the
     * connection is driven again when it has left. */
    if ((c->peer_eof || (c->srv->stopping && c->phase == GW_PHASE_IDLE)) &&
        gw_buf_pending(&c->out) == 0)
      gw_conn_close(c);
    break;
  }
  if (c->fd >= 0)
    conn_update(c);
  c->driving = false;
  gw_conn_unref(c);
}

static void conn_on_event(gw_conn *c, unsigned events) {
  if (c->fd < 0)
    return;
  gw_conn_ref(c);
  if ((events & EPOLLERR) || ((events & EPOLLHUP) && !(c->events & EPOLLIN))) {
    gw_conn_close(c);
  } else if ((events & (EPOLLIN | EPOLLHUP)) || (c->tls_want & events)) {
    /* (A TLS handshake may have been waiting to write while reading.) */
    conn_on_readable(c);
  }
  if (c->fd >= 0 && (events & EPOLLOUT))
    conn_drive(c);
  gw_conn_unref(c);
}

/* ---- batched socket I/O ----
 *
 * A keep-alive request costs one recv() and one send(), and on virtual machines a system
 * call is expensive (1.2 µs for a null one on the benchmark VM, against 13 µs for a whole
 * hello-world request). With io_uring a worker makes one io_uring_enter() for the receives
 * of every readable connection an epoll_wait() reported (batch_recv), and one for the sends
 * of every response made while it handled them (batch_flush): three system calls for a
 * batch of requests instead of two per request.
 *
 * Each operation carries MSG_DONTWAIT, which makes io_uring complete it during the submission
 * (a would-block result comes back as -EAGAIN, as from the plain call, instead of being
 * retried later), and the submitting function reaps every completion before it returns: no
 * buffer is ever in the kernel's hands between two functions, so closing a connection or
 * growing its buffers needs no care. TLS connections use the plain calls. Without io_uring
 * (an old kernel, a seccomp filter, kernel.io_uring_disabled) or with --no-io-uring, every
 * connection uses the plain calls. */

bool gw_use_io_uring = true;

#define GW_BATCH_ENTRIES 256 /* at least GW_MAX_EVENTS: one receive per readable connection */
#define GW_NOT_DONE INT32_MIN /* an operation the kernel did not take: use the plain call */

struct gw_batch {
#ifdef GW_HAVE_URING
  struct io_uring ring;
#endif
  bool open;       /* between epoll_wait() and batch_flush(): sends are deferred */
  gw_conn **sendq; /* connections with a deferred send, each holding a reference */
  size_t nsend, cap;
};

static struct gw_batch *batch_new(unsigned worker_id) {
#ifdef GW_HAVE_URING
  if (!gw_use_io_uring)
    return NULL;
  /* Valgrind does not see what the kernel writes through io_uring: memcheck would take every
   * received byte for uninitialised. Under it (its preload library shows it) plain calls. */
  const char *preload = getenv("LD_PRELOAD");
  if (preload && strstr(preload, "vgpreload")) {
    gw_log(worker_id == 0 ? EDGEFN_LOG_INFO : EDGEFN_LOG_DEBUG,
           "worker %u: running under valgrind: using plain system calls, not io_uring",
           worker_id);
    return NULL;
  }
#if defined(IORING_SETUP_COOP_TASKRUN) && defined(IORING_SETUP_SINGLE_ISSUER)
  struct gw_batch *b = calloc(1, sizeof(*b));
  if (!b)
    return NULL;
  /* Only this worker's thread submits, and nothing needs to interrupt it. The flags are also
   * the kernel check: both came with Linux 6.0, and an older io_uring may arm a poll for a
   * socket operation that would block (some 5.x kernels did, MSG_DONTWAIT or not), which
   * would stall batch_submit's wait on a slow client. Older kernels get plain calls. */
  int rc = io_uring_queue_init(GW_BATCH_ENTRIES, &b->ring,
                               IORING_SETUP_COOP_TASKRUN | IORING_SETUP_SINGLE_ISSUER);
  if (rc < 0) {
    gw_log(worker_id == 0 ? EDGEFN_LOG_INFO : EDGEFN_LOG_DEBUG,
           "worker %u: io_uring unavailable (%s): using plain system calls", worker_id,
           rc == -EINVAL ? "a kernel older than Linux 6.0" : strerror(-rc));
    free(b);
    return NULL;
  }
  return b;
#else
  gw_log(worker_id == 0 ? EDGEFN_LOG_INFO : EDGEFN_LOG_DEBUG,
         "worker %u: liburing is older than Linux 6.0's io_uring: using plain system calls",
         worker_id);
  return NULL;
#endif
#else
  (void)worker_id;
  return NULL;
#endif
}

static void batch_free(struct gw_batch *b) {
  if (!b)
    return;
#ifdef GW_HAVE_URING
  io_uring_queue_exit(&b->ring);
#endif
  free(b->sendq);
  free(b);
}

#ifdef GW_HAVE_URING
/* Submits the n operations prepared on the ring (user_data 0..n-1) and stores each result in
 * res[]. Returns how many the kernel took (n, unless the submission failed; the rest are
 * GW_NOT_DONE and never ran). When the return is below n, or *lost is set (an operation
 * was taken but its completion could not be read), the ring is in an unknown state and
 * the worker stops using it (batch_disable). */
static unsigned batch_submit(struct gw_batch *b, unsigned n, int *res, bool *lost) {
  for (unsigned i = 0; i < n; i++)
    res[i] = GW_NOT_DONE;
  *lost = false;
  unsigned submitted = 0, reaped = 0;
  int tries = 0;
  while (submitted < n) {
    int r = io_uring_submit(&b->ring);
    if (r > 0) {
      submitted += (unsigned)r;
      continue;
    }
    if ((r == -EINTR || r == -EAGAIN || r == -EBUSY) && ++tries < 8)
      continue;
    gw_log(EDGEFN_LOG_WARN, "io_uring_submit: %s: using plain system calls",
           strerror(r < 0 ? -r : EIO));
    break;
  }
  while (reaped < submitted) {
    struct io_uring_cqe *cqe;
    int r = io_uring_wait_cqe(&b->ring, &cqe);
    if (r == -EINTR)
      continue;
    if (r < 0) {
      gw_log(EDGEFN_LOG_WARN, "io_uring_wait_cqe: %s: using plain system calls", strerror(-r));
      *lost = true;
      break;
    }
    if (cqe->user_data < n)
      res[cqe->user_data] = cqe->res;
    io_uring_cqe_seen(&b->ring, cqe);
    reaped++;
  }
  return submitted;
}
#endif

#ifdef GW_HAVE_URING
/* After a failed submission: the ring goes (its exit waits for whatever the kernel still
 * holds) and the worker uses the plain calls from here on. The send queue is empty. */
static void batch_disable(gw_server *srv) {
  struct gw_batch *b = srv->batch;
  srv->batch = NULL;
  batch_free(b);
}
#endif

/* What an epoll event's data.ptr names: the wake pipe, the library's loop, a listener, or
 * else a connection. */
static bool is_listener_tag(const gw_server *srv, const void *p) {
  return srv->nlisteners && (const gw_listener *)p >= srv->listeners &&
         (const gw_listener *)p < srv->listeners + srv->nlisteners;
}

#ifdef GW_HAVE_URING
static bool is_conn_tag(const gw_server *srv, const void *p) {
  return p != &tag_wake && p != &tag_loop && !is_listener_tag(srv, p);
}
#endif

/* Receives for every plain connection epoll reported readable, in one submission. The
 * outcome waits in the connection for conn_read (bytes are appended to c->in at once). */
static void batch_recv(gw_server *srv, const struct epoll_event *events, int n) {
#ifdef GW_HAVE_URING
  struct gw_batch *b = srv->batch;
  gw_conn *conns[GW_MAX_EVENTS];
  size_t rooms[GW_MAX_EVENTS];
  int res[GW_MAX_EVENTS];
  unsigned k = 0;
  for (int i = 0; i < n && k < GW_MAX_EVENTS; i++) {
    if (!is_conn_tag(srv, events[i].data.ptr))
      continue;
    gw_conn *c = events[i].data.ptr;
    unsigned ev = events[i].events;
    if (!(ev & EPOLLIN) || (ev & EPOLLERR) || c->fd < 0 || c->tls ||
        c->phase == GW_PHASE_LINGER || c->peer_eof || !(c->events & EPOLLIN))
      continue;
    size_t room = GW_INPUT_BUFFER_MAX - gw_buf_pending(&c->in);
    if (room == 0)
      continue;
    if (room > GW_READ_CHUNK)
      room = GW_READ_CHUNK;
    if (gw_buf_reserve(&c->in, room) != 0)
      continue; /* conn_read finds the same shortage and closes */
    struct io_uring_sqe *sqe = io_uring_get_sqe(&b->ring);
    if (!sqe)
      break;
    io_uring_prep_recv(sqe, c->fd, c->in.data + c->in.len, room, MSG_DONTWAIT);
    sqe->user_data = k;
    conns[k] = c;
    rooms[k] = room;
    k++;
  }
  if (k == 0)
    return;
  bool lost;
  unsigned taken = batch_submit(b, k, res, &lost);
  for (unsigned j = 0; j < k; j++) {
    gw_conn *c = conns[j];
    int r = res[j];
    if (r == GW_NOT_DONE) {
      /* Bytes a receive took whose count is unknown would be lost from the stream: such a
       * connection is cut off rather than served wrong. One never taken reads plainly. */
      if (j < taken)
        gw_conn_close(c);
      continue;
    }
    c->recv_prefetched = true;
    c->recv_more = false;
    c->recv_error = 0;
    if (r > 0) {
      c->in.len += (size_t)r;
      c->progress = true;
      c->recv_more = (size_t)r == rooms[j];
    } else if (r == 0) {
      c->peer_eof = true;
    } else if (r == -EINTR) {
      c->recv_more = true;
    } else if (r != -EAGAIN && r != -EWOULDBLOCK) {
      c->recv_error = -r;
    }
  }
  if (taken < k || lost)
    batch_disable(srv);
#else
  (void)srv;
  (void)events;
  (void)n;
#endif
}

/* conn_flush while a batch is open: queues the connection's send for batch_flush. Returns
 * false when the send should happen now (no batch, TLS, or no memory for the queue). */
static bool batch_defer_send(gw_conn *c) {
  struct gw_batch *b = c->srv->batch;
  if (!b || !b->open || c->tls)
    return false;
  if (c->send_queued)
    return true;
  if (b->nsend == b->cap) {
    size_t cap = b->cap ? b->cap * 2 : 64;
    gw_conn **q = realloc(b->sendq, cap * sizeof(*q));
    if (!q)
      return false;
    b->sendq = q;
    b->cap = cap;
  }
  b->sendq[b->nsend++] = c;
  c->send_queued = true;
  gw_conn_ref(c);
  return true;
}

/* Sends every deferred response in one submission per GW_BATCH_ENTRIES, then drives each
 * connection again: what the socket did not take goes the plain way (with EPOLLOUT), and
 * pipelined requests continue. Closes the batch: sends from here on are immediate. */
static void batch_flush(gw_server *srv) {
  struct gw_batch *b = srv->batch;
  b->open = false;
#ifdef GW_HAVE_URING
  size_t done = 0;
  bool broken = false;
  while (done < b->nsend && !broken) {
    unsigned k = 0;
    int res[GW_BATCH_ENTRIES];
    size_t first = done;
    for (; done < b->nsend && k < GW_BATCH_ENTRIES; done++, k++) {
      gw_conn *c = b->sendq[done];
      struct io_uring_sqe *sqe = io_uring_get_sqe(&b->ring);
      if (!sqe)
        break;
      if (c->fd < 0 || gw_buf_pending(&c->out) == 0)
        io_uring_prep_nop(sqe); /* closed meanwhile: keeps user_data aligned */
      else
        io_uring_prep_send(sqe, c->fd, c->out.data + c->out.off, gw_buf_pending(&c->out),
                           MSG_NOSIGNAL | MSG_DONTWAIT);
      sqe->user_data = k;
    }
    bool lost;
    unsigned taken = batch_submit(b, k, res, &lost);
    broken = taken < k || lost;
    for (unsigned j = 0; j < k; j++) {
      gw_conn *c = b->sendq[first + j];
      int r = res[j];
      c->send_queued = false;
      if (c->fd >= 0 && gw_buf_pending(&c->out) > 0) {
        if (r > 0) {
          gw_buf_consume(&c->out, (size_t)r);
          c->progress = true;
          conn_sent(c);
        } else if (r == GW_NOT_DONE && j < taken) {
          gw_conn_close(c); /* sent or not, nobody knows: resending could repeat bytes */
        } else if (r != GW_NOT_DONE && r != -EAGAIN && r != -EWOULDBLOCK && r != -EINTR &&
                   r != 0) {
          gw_conn_close(c);
        }
      }
      if (broken) {
        gw_conn_ready(c); /* driven once the ring is gone: plain calls */
      } else if (c->fd >= 0) {
        conn_drive(c);
      }
      gw_conn_unref(c);
    }
  }
  /* After a failure, the connections not yet sent for go the plain way. */
  for (; done < b->nsend; done++) {
    gw_conn *c = b->sendq[done];
    c->send_queued = false;
    gw_conn_ready(c);
    gw_conn_unref(c);
  }
  b->nsend = 0;
  if (broken)
    batch_disable(srv);
  return;
#endif
  b->nsend = 0;
}

/* ---- sites: moving to a new configuration between requests ---- */

/* Attaches the current site to this worker's loop when a reload published a new one. New
 * requests go to the head of srv->attached; older sites stay attached until their last
 * request has ended. */
static void adopt_site(gw_server *srv) {
  unsigned gen = atomic_load(&gw_app_generation);
  if (gen == srv->generation)
    return;
  srv->generation = gen;
  gw_site *s = gw_app_current_site();
  if (!s)
    return;
  if (srv->attached && srv->attached->site == s) {
    gw_site_unref(s);
    return;
  }
  gw_attached *a = calloc(1, sizeof(*a));
  unsigned char *used = calloc(s->cfg->nfunctions ? s->cfg->nfunctions : 1, 1);
  int rc = a && used ? edgefn_edge_attach(s->edge, srv->loop) : EDGEFN_ENOMEM;
  if (rc != 0) {
    gw_log(EDGEFN_LOG_ERROR, "worker %u: cannot use the new configuration: %s", srv->id,
           edgefn_strerror(rc));
    free(a);
    free(used);
    gw_site_unref(s);
    return;
  }
  a->site = s;
  a->fn_used = used;
  a->next = srv->attached;
  srv->attached = a;
}

static void detach_one(gw_server *srv, gw_attached *a) {
  /* Requests still in flight end with on_end(EDGEFN_ECANCELED) inside this call. */
  edgefn_edge_detach(a->site->edge, srv->loop);
  uint64_t used = 0;
  for (size_t i = 0; i < a->site->cfg->nfunctions; i++)
    used += a->fn_used[i];
  pthread_mutex_lock(&srv->metrics.lock);
  srv->metrics.runtimes -= used;
  pthread_mutex_unlock(&srv->metrics.lock);
  gw_site_unref(a->site);
  free(a->fn_used);
  free(a);
}

/* Detaches the older sites whose requests have all ended. Never from inside a callback. */
static void retire_sites(gw_server *srv) {
  if (!srv->attached)
    return;
  gw_attached **pp = &srv->attached->next;
  while (*pp) {
    gw_attached *a = *pp;
    if (a->inflight == 0) {
      *pp = a->next;
      detach_one(srv, a);
    } else {
      pp = &a->next;
    }
  }
}

/* ---- shutdown ---- */

static void begin_shutdown(gw_server *srv) {
  if (srv->stopping)
    return;
  gw_log(EDGEFN_LOG_DEBUG, "worker %u: shutting down, finishing %zu connection(s)", srv->id,
         srv->nopen);
  srv->stopping = true;
  srv->stop_deadline_ms = gw_now_ms() + gw_lim.shutdown_grace_ms;
  for (size_t i = 0; i < srv->nlisteners; i++)
    if (srv->listeners[i].fd >= 0) {
      epoll_ctl(srv->epfd, EPOLL_CTL_DEL, srv->listeners[i].fd, NULL);
      close(srv->listeners[i].fd);
      srv->listeners[i].fd = -1;
    }
  /* Connections between requests close now; the rest close after their response. */
  for (gw_conn *c = srv->all; c; c = c->all_next)
    if (c->fd >= 0 && c->phase == GW_PHASE_IDLE && gw_buf_pending(&c->in) == 0 &&
        gw_buf_pending(&c->out) == 0)
      gw_conn_ready(c);
}

static void on_wake(gw_server *srv) {
  uint64_t v;
  while (read(srv->wake_fd, &v, sizeof(v)) == (ssize_t)sizeof(v)) {
  }
  if (atomic_load(&gw_app_stopping))
    begin_shutdown(srv);
}

static int server_run(gw_server *srv) {
  struct epoll_event events[GW_MAX_EVENTS];
  while (!atomic_load(&gw_app_force_exit)) {
    uint64_t now = gw_now_ms();
    if (srv->stopping && (srv->nlive == 0 || now >= srv->stop_deadline_ms))
      break;

    /* Sleep until the earliest of: the library's next timer, our next connection timer,
     * the shutdown deadline. */
    int timeout = edgefn_loop_timeout(srv->loop);
    uint64_t next = next_timer_ms(srv);
    if (srv->stopping && srv->stop_deadline_ms < next)
      next = srv->stop_deadline_ms;
    if (srv->ready_head)
      next = now;
    if (next != UINT64_MAX) {
      uint64_t wait = next > now ? next - now : 0;
      if (wait > INT32_MAX)
        wait = INT32_MAX;
      if (timeout < 0 || (uint64_t)timeout > wait)
        timeout = (int)wait;
    }

    int n = epoll_wait(srv->epfd, events, GW_MAX_EVENTS, timeout);
    if (n < 0) {
      if (errno == EINTR)
        continue;
      gw_log(EDGEFN_LOG_ERROR, "epoll_wait: %s", strerror(errno));
      return -1;
    }
    if (srv->batch) {
      batch_recv(srv, events, n);
      if (srv->batch)
        srv->batch->open = true;
    }
    bool loop_ready = false;
    for (int i = 0; i < n; i++) {
      void *p = events[i].data.ptr;
      if (p == &tag_wake) {
        on_wake(srv);
        adopt_site(srv);
      } else if (p == &tag_loop) {
        loop_ready = true;
      } else if (is_listener_tag(srv, p)) {
        on_listen_readable(srv, p);
      } else {
        conn_on_event(p, events[i].events);
      }
      run_ready(srv);
    }
    if (loop_ready || edgefn_loop_timeout(srv->loop) == 0) {
      if (edgefn_loop_process(srv->loop) != 0)
        gw_log(EDGEFN_LOG_WARN, "edgefn_loop_process failed");
      run_ready(srv);
    }
    run_timers(srv);
    run_ready(srv);
    if (srv->batch && srv->batch->nsend > 0) {
      batch_flush(srv);
      run_ready(srv);
    } else if (srv->batch) {
      srv->batch->open = false;
    }
    retire_sites(srv);
    free_graveyard(srv);
  }
  if (srv->nlive > 0)
    gw_log(EDGEFN_LOG_WARN, "worker %u: shutdown: %zu connection(s) cut off", srv->id,
           srv->nlive);
  return 0;
}

/* Closes every socket; responses still in flight end when the edges are detached. */
static void close_all(gw_server *srv) {
  gw_conn *c = srv->all;
  while (c) {
    gw_conn_ref(c);
    gw_conn_close(c);
    gw_conn *next = c->all_next;
    gw_conn_unref(c);
    c = next;
  }
  while (srv->ready_head) {
    c = srv->ready_head;
    srv->ready_head = c->ready_next;
    c->queued = false;
    gw_conn_unref(c);
  }
  srv->ready_tail = NULL;
}

void *gw_server_thread(void *arg) {
  gw_server *srv = arg;
  gw_this_worker = srv;
  edgefn_loop *loop = NULL;
  int rc = edgefn_loop_new(&loop, NULL);
  /* Published atomically: the metrics page of another worker reads it (metrics.c). */
  __atomic_store_n(&srv->loop, loop, __ATOMIC_RELEASE);
  if (rc != 0) {
    gw_log(EDGEFN_LOG_ERROR, "worker %u: edgefn_loop_new: %s", srv->id, edgefn_strerror(rc));
    srv->exit_status = 1;
    return NULL;
  }
  if (epoll_add(srv, edgefn_loop_fd(srv->loop), EPOLLIN, &tag_loop) != 0) {
    gw_log(EDGEFN_LOG_ERROR, "worker %u: epoll_ctl: %s", srv->id, strerror(errno));
    srv->exit_status = 1;
  }
  srv->batch = batch_new(srv->id);
  adopt_site(srv);
  if (!srv->attached)
    srv->exit_status = 1;
  if (srv->exit_status == 0 && server_run(srv) != 0)
    srv->exit_status = 1;
  close_all(srv);
  batch_free(srv->batch);
  srv->batch = NULL;
  while (srv->attached) {
    gw_attached *a = srv->attached;
    srv->attached = a->next;
    detach_one(srv, a);
  }
  /* The ECANCELED endings above released the last references; the loop goes last. */
  free_graveyard(srv);
  edgefn_loop_free(srv->loop);
  srv->loop = NULL;
  gw_this_worker = NULL;
  return NULL;
}

void gw_server_free(gw_server *srv) {
  free_graveyard(srv);
  for (size_t i = 0; i < srv->nlisteners; i++) {
    if (srv->listeners[i].fd >= 0)
      close(srv->listeners[i].fd);
    gw_tls_ctx_free(srv->listeners[i].tls);
  }
  free(srv->listeners);
  if (srv->wake_fd >= 0)
    close(srv->wake_fd);
  if (srv->spare_fd >= 0)
    close(srv->spare_fd);
  if (srv->epfd >= 0)
    close(srv->epfd);
  gw_metrics_free(&srv->metrics);
}
