/* A small HTTP/1.1 origin for tests: listens on 127.0.0.1 (ephemeral port), one thread per
 * connection, answers by path:
 *   /delay/N     waits N ms, then 200 "slept"
 *   /redirect/S/TARGET   status S with Location: /TARGET (TARGET may contain further '/')
 *   /echo        200 with "METHOD BODY"
 *   /host        200 with "host VALUE", VALUE the request's Host header
 *   /count       200 "count N METHOD BODY", N counting the requests it has answered
 *   /video/index.m3u8   200 with a small HLS playlist (three segments)
 *   /big/N       200 with N bytes of 'x'
 *   /stream/N    200 with N bytes of origin_pattern(), written in 64 KiB pieces through a
 *                64 KiB send buffer, counting what the kernel took in origin_stream_sent
 *                (so a test sees whether a paused reader slowed the origin); with
 *                "?cache", Cache-Control: max-age=60. origin_stream_hits counts requests.
 *   /cacheable   200 "cacheable N" with Cache-Control: max-age=60, N counting the requests
 *                it has answered (so a test sees whether a cache reached it)
 *   /sink        reads the request body as it arrives (chunked or with Content-Length),
 *                checks it against origin_pattern() and answers 200 "sink N ok" (N bytes,
 *                all as expected) or "sink N bad"; a body cut short counts in
 *                origin_sink_cut and gets no answer
 *   anything     200 "hello PATH"
 * Connections are closed after each response. Bounded: the server thread stops with
 * origin_stop(). */
#ifndef EDGEFN_TEST_ORIGIN_H
#define EDGEFN_TEST_ORIGIN_H

#define _GNU_SOURCE /* strcasestr */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

typedef struct origin {
  int fd;
  int port;
  pthread_t thread;
  volatile int stop;
} origin;

static int origin_cacheable_hits;
static int origin_count_hits;
static int origin_stream_hits;
static size_t origin_stream_sent;

/* Byte i of a /stream body: not periodic in any power of two, so a chunk delivered twice,
 * dropped or reordered shows. */
static inline uint8_t origin_pattern(size_t i) { return (uint8_t)(i % 251u); }

static int origin_sink_cut;
static void origin_reply(int c, int status, const char *extra, const char *body, size_t len);

/* /sink's reader: bytes from the socket one at a time, through a buffer. */
typedef struct origin_in {
  int fd;
  uint8_t buf[65536];
  size_t len, off;
} origin_in;

static int origin_getc(origin_in *in) {
  if (in->off == in->len) {
    ssize_t r = read(in->fd, in->buf, sizeof(in->buf));
    if (r <= 0)
      return -1;
    in->len = (size_t)r;
    in->off = 0;
  }
  return in->buf[in->off++];
}

/* Reads a CRLF-terminated line (without it) into out; -1 when the connection ends. */
static int origin_line(origin_in *in, char *out, size_t cap) {
  size_t n = 0;
  for (;;) {
    int ch = origin_getc(in);
    if (ch < 0)
      return -1;
    if (ch == '\n')
      break;
    if (ch != '\r' && n + 1 < cap)
      out[n++] = (char)ch;
  }
  out[n] = '\0';
  return 0;
}

/* `head` holds the request up to its blank line and `extra` bytes of body after it. */
static void origin_sink(int c, const char *head, const char *extra, size_t extra_len) {
  origin_in *in = malloc(sizeof(*in)); /* 64 KiB: not on a small thread stack */
  if (!in)
    return;
  in->fd = c;
  memcpy(in->buf, extra, extra_len);
  in->len = extra_len;
  in->off = 0;
  bool chunked = strcasestr(head, "\r\ntransfer-encoding: chunked") != NULL;
  const char *cl = strcasestr(head, "\r\ncontent-length:");
  size_t remaining = cl ? (size_t)atol(cl + 17) : 0;
  size_t n = 0;
  bool ok = true;
  char line[256];
  for (;;) {
    if (chunked) {
      if (origin_line(in, line, sizeof(line)) != 0)
        goto cut;
      remaining = (size_t)strtoul(line, NULL, 16);
      if (remaining == 0) {
        do { /* trailer section */
          if (origin_line(in, line, sizeof(line)) != 0)
            goto cut;
        } while (line[0]);
        break;
      }
    }
    for (; remaining > 0; remaining--, n++) {
      int ch = origin_getc(in);
      if (ch < 0)
        goto cut;
      if ((uint8_t)ch != origin_pattern(n))
        ok = false;
    }
    if (!chunked)
      break;
    if (origin_line(in, line, sizeof(line)) != 0 || line[0])
      goto cut;
  }
  char out[64];
  int len = snprintf(out, sizeof(out), "sink %zu %s", n, ok ? "ok" : "bad");
  origin_reply(c, 200, "", out, (size_t)len);
  free(in);
  return;
cut:
  __atomic_add_fetch(&origin_sink_cut, 1, __ATOMIC_SEQ_CST);
  free(in);
}

static void origin_stream(int c, const char *path) {
  size_t n = (size_t)atol(path + 8);
  int sndbuf = 65536;
  setsockopt(c, SOL_SOCKET, SO_SNDBUF, &sndbuf, sizeof(sndbuf));
  __atomic_add_fetch(&origin_stream_hits, 1, __ATOMIC_SEQ_CST);
  __atomic_store_n(&origin_stream_sent, 0, __ATOMIC_SEQ_CST);
  char head[256];
  int hn = snprintf(head, sizeof(head),
                    "HTTP/1.1 200 OK\r\nContent-Length: %zu\r\nConnection: close\r\n%s\r\n", n,
                    strstr(path, "?cache") ? "Cache-Control: max-age=60\r\n" : "");
  if (write(c, head, (size_t)hn) < 0)
    return;
  uint8_t piece[65536];
  for (size_t off = 0; off < n;) {
    size_t len = n - off < sizeof(piece) ? n - off : sizeof(piece);
    for (size_t i = 0; i < len; i++)
      piece[i] = origin_pattern(off + i);
    for (size_t done = 0; done < len;) {
      ssize_t w = write(c, piece + done, len - done);
      if (w <= 0)
        return;
      done += (size_t)w;
      __atomic_add_fetch(&origin_stream_sent, (size_t)w, __ATOMIC_SEQ_CST);
    }
    off += len;
  }
}

static void origin_reply(int c, int status, const char *extra, const char *body, size_t len) {
  char head[512];
  int n = snprintf(head, sizeof(head),
                   "HTTP/1.1 %d X\r\nContent-Length: %zu\r\nConnection: close\r\n%s\r\n", status,
                   len, extra);
  if (write(c, head, (size_t)n) < 0 || (len && write(c, body, len) < 0))
    return;
}

static void *origin_conn(void *arg) {
  int c = (int)(intptr_t)arg;
  char buf[65536];
  size_t got = 0;
  char *end = NULL;
  while (got < sizeof(buf) - 1) {
    ssize_t r = read(c, buf + got, sizeof(buf) - 1 - got);
    if (r <= 0)
      break;
    got += (size_t)r;
    buf[got] = '\0';
    if ((end = strstr(buf, "\r\n\r\n")))
      break;
  }
  if (!end) {
    close(c);
    return NULL;
  }
  if (strncmp(buf, "POST /sink ", 11) == 0 || strncmp(buf, "PUT /sink ", 10) == 0) {
    end[2] = '\0'; /* the head, for the header lookups */
    origin_sink(c, buf, end + 4, got - (size_t)(end + 4 - buf));
    close(c);
    return NULL;
  }
  size_t clen = 0;
  char *cl = strcasestr(buf, "\r\ncontent-length:");
  if (cl)
    clen = (size_t)atol(cl + 17);
  size_t body_off = (size_t)(end + 4 - buf);
  char *te = strcasestr(buf, "\r\ntransfer-encoding: chunked");
  if (te && te < end) { /* a chunked body (a streamed upload): decode it in place */
    origin_in *in = malloc(sizeof(*in));
    if (!in) {
      close(c);
      return NULL;
    }
    in->fd = c;
    in->len = got - body_off;
    in->off = 0;
    memcpy(in->buf, buf + body_off, in->len);
    size_t n = 0;
    char line[256];
    while (origin_line(in, line, sizeof(line)) == 0) {
      size_t size = (size_t)strtoul(line, NULL, 16);
      if (size == 0)
        break;
      for (; size > 0; size--) {
        int ch = origin_getc(in);
        if (ch < 0)
          break;
        if (body_off + n < sizeof(buf) - 1)
          buf[body_off + n++] = (char)ch;
      }
      if (origin_line(in, line, sizeof(line)) != 0)
        break;
    }
    free(in);
    clen = n;
    got = body_off + n;
  }
  while (got < body_off + clen && got < sizeof(buf) - 1) {
    ssize_t r = read(c, buf + got, sizeof(buf) - 1 - got);
    if (r <= 0)
      break;
    got += (size_t)r;
  }
  buf[got] = '\0';
  char method[16] = "", path[1024] = "";
  sscanf(buf, "%15s %1023s", method, path);
  if (strncmp(path, "/delay/", 7) == 0) {
    usleep((useconds_t)atoi(path + 7) * 1000);
    origin_reply(c, 200, "", "slept", 5);
  } else if (strncmp(path, "/redirect/", 10) == 0) {
    int status = atoi(path + 10);
    char *target = strchr(path + 10, '/');
    char loc[1100];
    snprintf(loc, sizeof(loc), "Location: %s\r\n", target ? target : "/");
    origin_reply(c, status, loc, "", 0);
  } else if (strcmp(path, "/cacheable") == 0) {
    char out[64];
    int n = snprintf(out, sizeof(out), "cacheable %d",
                     __atomic_add_fetch(&origin_cacheable_hits, 1, __ATOMIC_SEQ_CST));
    origin_reply(c, 200, "Cache-Control: max-age=60\r\n", out, (size_t)n);
  } else if (strcmp(path, "/echo") == 0) {
    char out[70000];
    int n = snprintf(out, sizeof(out), "%s %.*s", method, (int)clen, buf + body_off);
    origin_reply(c, 200, "", out, (size_t)n);
  } else if (strcmp(path, "/count") == 0) {
    char out[1200];
    int n = snprintf(out, sizeof(out), "count %d %s %.*s",
                     __atomic_add_fetch(&origin_count_hits, 1, __ATOMIC_SEQ_CST), method,
                     (int)(clen < 1024 ? clen : 1024), buf + body_off);
    origin_reply(c, 200, "", out, (size_t)n);
  } else if (strcmp(path, "/video/index.m3u8") == 0) {
    static const char m3u8[] = "#EXTM3U\n#EXT-X-VERSION:3\n#EXT-X-TARGETDURATION:10\n"
                               "#EXTINF:10.0,\nseg-0.ts\n#EXTINF:10.0,\nseg-1.ts\n"
                               "#EXTINF:4.5,\nhd/seg-2.ts\n#EXT-X-ENDLIST\n";
    origin_reply(c, 200, "Content-Type: application/vnd.apple.mpegurl\r\n", m3u8,
                 sizeof(m3u8) - 1);
  } else if (strcmp(path, "/host") == 0) {
    char out[600];
    char *h = strcasestr(buf, "\r\nhost:");
    int n = 0;
    if (h) {
      h += 7;
      while (*h == ' ')
        h++;
      n = snprintf(out, sizeof(out), "host %.*s", (int)strcspn(h, "\r\n"), h);
    } else {
      n = snprintf(out, sizeof(out), "no host");
    }
    origin_reply(c, 200, "", out, (size_t)n);
  } else if (strncmp(path, "/stream/", 8) == 0) {
    origin_stream(c, path);
  } else if (strncmp(path, "/big/", 5) == 0) {
    size_t n = (size_t)atol(path + 5);
    char *b = malloc(n ? n : 1);
    memset(b, 'x', n);
    origin_reply(c, 200, "", b, n);
    free(b);
  } else {
    char out[1100];
    int n = snprintf(out, sizeof(out), "hello %s", path);
    origin_reply(c, 200, "X-Origin: test\r\n", out, (size_t)n);
  }
  close(c);
  return NULL;
}

static void *origin_main(void *arg) {
  origin *o = arg;
  while (!o->stop) {
    int c = accept(o->fd, NULL, NULL);
    if (c < 0)
      continue;
    pthread_t t;
    if (pthread_create(&t, NULL, origin_conn, (void *)(intptr_t)c) == 0)
      pthread_detach(t);
    else
      close(c);
  }
  return NULL;
}

static int origin_start(origin *o) {
  memset(o, 0, sizeof(*o));
  o->fd = socket(AF_INET, SOCK_STREAM, 0);
  struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = 0};
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof(a);
  struct timeval tv = {0, 200000}; /* accept wakes up to notice stop */
  setsockopt(o->fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
  if (bind(o->fd, (struct sockaddr *)&a, sizeof(a)) != 0 || listen(o->fd, 128) != 0 ||
      getsockname(o->fd, (struct sockaddr *)&a, &len) != 0)
    return -1;
  o->port = ntohs(a.sin_port);
  return pthread_create(&o->thread, NULL, origin_main, o);
}

static void origin_stop(origin *o) {
  o->stop = 1;
  pthread_join(o->thread, NULL);
  close(o->fd);
}

#endif
