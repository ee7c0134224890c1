/* HTTP/1.1 framing for edgefn-gateway: http-parser callbacks that collect one request at a
 * time, the edgefn_request handed to the edge pipeline, and the response handler that turns
 * the edge's head/body/end callbacks into bytes on the connection. Requests for the metrics
 * page and the demo origin are answered here without the edge. */
#include "gateway.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

static const char demo_server_name[] = "edgefn-gateway";

/* ---- helpers ---- */

static bool ieq(const char *a, size_t alen, const char *b) {
  size_t blen = strlen(b);
  return alen == blen && strncasecmp(a, b, blen) == 0;
}

/* "Sun, 06 Nov 1994 08:49:37 GMT", formatted once per second. */
static const char *http_date(void) {
  static __thread char buf[64];
  static __thread time_t cached = (time_t)-1;
  time_t now = time(NULL);
  if (now != cached) {
    struct tm tm;
    gmtime_r(&now, &tm);
    strftime(buf, sizeof(buf), "%a, %d %b %Y %H:%M:%S GMT", &tm);
    cached = now;
  }
  return buf;
}

static const char *reason_phrase(int status) {
  const char *s = http_status_str((enum http_status)status);
  return s[0] == '<' ? "Unknown" : s;
}

static bool is_tchar(unsigned char ch) {
  return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
         (ch && strchr("!#$%&'*+-.^_`|~", ch));
}

static bool valid_field_name(const char *s, size_t n) {
  if (n == 0)
    return false;
  for (size_t i = 0; i < n; i++)
    if (!is_tchar((unsigned char)s[i]))
      return false;
  return true;
}

/* Field values and reason phrases from a function must not split the response. */
static bool valid_field_text(const char *s, size_t n) {
  for (size_t i = 0; i < n; i++) {
    unsigned char ch = (unsigned char)s[i];
    if ((ch < 0x20 && ch != '\t') || ch == 0x7f)
      return false;
  }
  return true;
}

/* Host header values end up inside a URL, so only authority characters are allowed. */
static bool valid_host(const char *s, size_t n) {
  if (n == 0 || n > 255)
    return false;
  for (size_t i = 0; i < n; i++) {
    unsigned char ch = (unsigned char)s[i];
    if (!((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
          strchr("-._~:[]%!$&'()*+,;=", ch)) ||
        ch == 0)
      return false;
  }
  return true;
}

static const char *hname(const gw_conn *c, size_t i, size_t *len) {
  *len = c->hrefs[i].name_len;
  return c->hbytes.data + c->hrefs[i].name_off;
}

static const char *hvalue(const gw_conn *c, size_t i, size_t *len) {
  size_t n = c->hrefs[i].value_len;
  const char *v = c->hbytes.data + c->hrefs[i].value_off;
  while (n > 0 && (v[n - 1] == ' ' || v[n - 1] == '\t'))
    n--;
  *len = n;
  return v;
}

/* Finds a request header; returns how many lines carry it and the first one's value. */
static size_t find_header(const gw_conn *c, const char *name, const char **value,
                          size_t *value_len) {
  size_t found = 0;
  for (size_t i = 0; i < c->hcount; i++) {
    size_t nl;
    const char *n = hname(c, i, &nl);
    if (!ieq(n, nl, name))
      continue;
    if (found++ == 0)
      *value = hvalue(c, i, value_len);
  }
  return found;
}

/* Copies client-supplied text into a log field: printable ASCII only, no quote or
 * backslash, bounded, so a log line stays one parseable line. */
static size_t log_field(char *dst, size_t size, const char *src, size_t len) {
  size_t n = 0;
  if (len == 0 || !src)
    dst[n++] = '-';
  for (size_t i = 0; src && i < len && n + 4 < size; i++) {
    unsigned char ch = (unsigned char)src[i];
    dst[n++] = (ch >= 0x20 && ch < 0x7f && ch != '"' && ch != '\\') ? (char)ch : '?';
  }
  if (src && len > 0 && n + 4 >= size)
    dst[n++] = '.', dst[n++] = '.', dst[n++] = '.';
  dst[n] = '\0';
  return n;
}

/* One response finished: count it, and write the access-log line (combined format, then
 * the function, the cache status and the timings). */
static void access_log(gw_conn *c, int status) {
  uint64_t now = gw_now_us();
  uint64_t fn_us = c->fn_name[0] && c->dispatch_us ? now - c->dispatch_us : 0;
  gw_metrics_request(&c->srv->metrics, c->fn_name, status, c->cache, fn_us, c->body_sent);
  if (!gw_access_log_enabled())
    return;
  char target[1024], referer[512], agent[512];
  log_field(target, sizeof(target), c->url.data, c->url.len);
  const char *v = NULL;
  size_t vl = 0;
  if (find_header(c, "referer", &v, &vl) == 0)
    vl = 0;
  log_field(referer, sizeof(referer), v, vl);
  v = NULL;
  if (find_header(c, "user-agent", &v, &vl) == 0)
    vl = 0;
  log_field(agent, sizeof(agent), v, vl);
  char when[64];
  time_t t = time(NULL);
  struct tm tm;
  gmtime_r(&t, &tm);
  strftime(when, sizeof(when), "%d/%b/%Y:%H:%M:%S +0000", &tm);
  /* A request cut short before its headers ended still has the method its line named. */
  int m = c->method >= 0 ? c->method : c->url.len > 0 ? (int)c->parser.method : -1;
  const char *method = m >= 0 ? http_method_str((enum http_method)m) : "-";
  uint64_t ttfb = c->head_us > c->req_start_us ? c->head_us - c->req_start_us : 0;
  char line[3072];
  int n = snprintf(line, sizeof(line),
                   "%s - - [%s] \"%s %s HTTP/1.%d\" %d %zu \"%s\" \"%s\" fn=%s cache=%s "
                   "ttfb_us=%llu total_us=%llu",
                   c->client_ip[0] ? c->client_ip : "-", when, method, target,
                   c->http10 ? 0 : 1, status, c->body_sent, referer, agent,
                   c->fn_name[0] ? c->fn_name : "-", c->cache ? gw_cache_names[c->cache] : "-",
                   (unsigned long long)ttfb, (unsigned long long)(now - c->req_start_us));
  if (n > 0)
    gw_access_log_write(line, (size_t)n < sizeof(line) ? (size_t)n : sizeof(line) - 1);
}

/* ---- request parsing ---- */

static void reset_request(gw_conn *c) {
  gw_buf_reset(&c->url);
  gw_buf_reset(&c->hbytes);
  c->hcount = 0;
  c->last_was_value = false;
  c->header_bytes = 0;
  /* A big upload should not pin its buffer for the rest of a keep-alive connection. */
  if (c->body.cap > 64 * 1024)
    gw_buf_free(&c->body);
  gw_buf_reset(&c->body);
  c->error_status = 0;
  c->req_complete = false;
  c->keep_alive = false;
  c->is_head = false;
  c->http10 = false;
  c->method = -1;
  c->fn_name[0] = '\0';
  c->cache = GW_CACHE_NONE;
  c->dispatch_us = c->head_us = 0;
}

static int on_message_begin(http_parser *p) {
  gw_conn *c = p->data;
  reset_request(c);
  c->req_start_us = gw_now_us();
  c->phase = GW_PHASE_HEADERS;
  return 0;
}

static int on_url(http_parser *p, const char *at, size_t len) {
  gw_conn *c = p->data;
  if (c->url.len + len > gw_lim.max_uri_bytes) {
    c->error_status = 414;
    return -1;
  }
  /* http-parser lets bytes above 0x7f through; a request target is ASCII (RFC 9112 3.2). */
  for (size_t i = 0; i < len; i++)
    if ((unsigned char)at[i] >= 0x80) {
      c->error_status = 400;
      return -1;
    }
  return gw_buf_append(&c->url, at, len);
}

static int count_header_bytes(gw_conn *c, size_t len) {
  c->header_bytes += len;
  if (c->header_bytes > gw_lim.max_header_bytes) {
    c->error_status = 431;
    return -1;
  }
  return 0;
}

static int on_header_field(http_parser *p, const char *at, size_t len) {
  gw_conn *c = p->data;
  if (c->hcount == 0 || c->last_was_value) {
    if (c->hcount == gw_lim.max_header_count) {
      c->error_status = 431;
      return -1;
    }
    if (c->hcount == c->hcap) {
      size_t cap = c->hcap ? c->hcap * 2 : 16;
      gw_header_ref *r = realloc(c->hrefs, cap * sizeof(*r));
      if (!r)
        return -1;
      c->hrefs = r;
      c->hcap = cap;
    }
    c->hrefs[c->hcount++] = (gw_header_ref){.name_off = c->hbytes.len};
    c->last_was_value = false;
    /* ": " and CRLF count toward the header block as they do on the wire. */
    if (count_header_bytes(c, 4) != 0)
      return -1;
  }
  if (count_header_bytes(c, len) != 0 || gw_buf_append(&c->hbytes, at, len) != 0)
    return -1;
  c->hrefs[c->hcount - 1].name_len += len;
  return 0;
}

static int on_header_value(http_parser *p, const char *at, size_t len) {
  gw_conn *c = p->data;
  if (c->hcount == 0)
    return -1;
  gw_header_ref *r = &c->hrefs[c->hcount - 1];
  if (!c->last_was_value) {
    r->value_off = c->hbytes.len;
    c->last_was_value = true;
  }
  if (count_header_bytes(c, len) != 0 || gw_buf_append(&c->hbytes, at, len) != 0)
    return -1;
  r->value_len += len;
  return 0;
}

static int on_headers_complete(http_parser *p) {
  gw_conn *c = p->data;
  c->phase = GW_PHASE_BODY;
  c->method = p->method;
  c->is_head = p->method == HTTP_HEAD;
  if (p->http_major != 1) {
    c->error_status = 505;
    return -1;
  }
  c->http10 = p->http_minor == 0;

  /* RFC 9112 3.2: exactly one valid Host; HTTP/1.0 clients may omit it. */
  const char *v = NULL;
  size_t vl = 0;
  size_t hosts = find_header(c, "host", &v, &vl);
  if (hosts > 1 || (hosts == 1 && !valid_host(v, vl)) || (hosts == 0 && !c->http10)) {
    c->error_status = 400;
    return -1;
  }

  bool chunked = (p->flags & F_CHUNKED) != 0;
  bool has_length = (p->flags & F_CONTENTLENGTH) != 0;
  /* RFC 9112 6.1-6.3: a request with both framings is a smuggling attempt or a broken
   * intermediary, and one whose final coding is not chunked has no knowable length;
   * several Content-Length lines are refused even when equal (http-parser refuses them
   * too), as is any coding this server does not implement. */
  size_t te_count = find_header(c, "transfer-encoding", &v, &vl);
  if ((chunked || te_count > 0) && has_length) {
    c->error_status = 400;
    return -1;
  }
  if (te_count > 0 && (te_count > 1 || !ieq(v, vl, "chunked"))) {
    c->error_status = ieq(v, vl, "chunked") ? 400 : 501;
    return -1;
  }
  if (find_header(c, "content-length", &v, &vl) > 1) {
    c->error_status = 400;
    return -1;
  }
  if (has_length && !chunked && p->content_length > gw_lim.max_body_bytes) {
    c->error_status = 413;
    return -1;
  }

  if (find_header(c, "expect", &v, &vl) > 0) {
    if (!ieq(v, vl, "100-continue")) {
      c->error_status = 417;
      return -1;
    }
    /* The client waits for this before sending the body; HTTP/1.0 has no 1xx. */
    bool body_coming = chunked || (has_length && p->content_length > 0);
    if (!c->http10 && body_coming &&
        gw_buf_append(&c->out, "HTTP/1.1 100 Continue\r\n\r\n", 25) != 0)
      return -1;
  }
  return 0;
}

static int on_body(http_parser *p, const char *at, size_t len) {
  gw_conn *c = p->data;
  if (c->body.len + len > gw_lim.max_body_bytes) {
    c->error_status = 413;
    return -1;
  }
  return gw_buf_append(&c->body, at, len);
}

static int on_message_complete(http_parser *p) {
  gw_conn *c = p->data;
  c->req_complete = true;
  /* An upgrade is not supported: answer the request, then close, since whatever follows is
   * not HTTP/1.1. */
  c->keep_alive = http_should_keep_alive(p) && !p->upgrade;
  /* One request at a time: the next is parsed only after this one's response. */
  http_parser_pause(p, 1);
  return 0;
}

static const http_parser_settings parser_settings = {
    .on_message_begin = on_message_begin,
    .on_url = on_url,
    .on_header_field = on_header_field,
    .on_header_value = on_header_value,
    .on_headers_complete = on_headers_complete,
    .on_body = on_body,
    .on_message_complete = on_message_complete,
};

void gw_http_global_init(void) {
  /* http-parser's own limit is only a backstop; the gateway's limits answer first. */
  http_parser_set_max_header_size((uint32_t)(gw_lim.max_header_bytes + gw_lim.max_uri_bytes + 4096));
}

void gw_http_conn_init(gw_conn *c) {
  http_parser_init(&c->parser, HTTP_REQUEST);
  c->parser.data = c;
  c->phase = GW_PHASE_IDLE;
  c->method = -1;
  c->req_start_us = gw_now_us();
}

void gw_http_conn_free(gw_conn *c) {
  gw_buf_free(&c->url);
  gw_buf_free(&c->hbytes);
  gw_buf_free(&c->body);
  free(c->hrefs);
  c->hrefs = NULL;
  c->hcount = c->hcap = 0;
}

gw_parse_result gw_http_parse(gw_conn *c) {
  size_t avail = gw_buf_pending(&c->in);
  if (avail == 0)
    return GW_PARSE_MORE;
  if (HTTP_PARSER_ERRNO(&c->parser) == HPE_PAUSED)
    http_parser_pause(&c->parser, 0);
  size_t n = http_parser_execute(&c->parser, &parser_settings, c->in.data + c->in.off, avail);
  gw_buf_consume(&c->in, n);
  if (c->req_complete)
    return GW_PARSE_REQUEST;
  enum http_errno e = HTTP_PARSER_ERRNO(&c->parser);
  if (e != HPE_OK && e != HPE_PAUSED) {
    int status = c->error_status ? c->error_status : e == HPE_HEADER_OVERFLOW ? 431 : 400;
    gw_log(EDGEFN_LOG_DEBUG, "%s: bad request: %s", c->client_ip,
           c->error_status ? reason_phrase(status) : http_errno_description(e));
    gw_http_send_error(c, status, NULL);
    return GW_PARSE_ERROR;
  }
  return GW_PARSE_MORE;
}

/* ---- responses ---- */

static void write_simple(gw_conn *c, int status, const char *body, bool keep) {
  size_t len = strlen(body);
  gw_buf_printf(&c->out,
                "HTTP/1.1 %d %s\r\nDate: %s\r\nServer: %s\r\n"
                "Content-Type: text/plain; charset=utf-8\r\nContent-Length: %zu\r\n%s\r\n",
                status, reason_phrase(status), http_date(), demo_server_name, len,
                keep ? (c->http10 ? "Connection: keep-alive\r\n" : "") : "Connection: close\r\n");
  if (!c->is_head) {
    gw_buf_append(&c->out, body, len);
    c->body_sent = len;
  }
  c->status = status;
}

void gw_http_send_error(gw_conn *c, int status, const char *detail) {
  if (c->fd < 0)
    return;
  char text[128];
  if (!detail) {
    snprintf(text, sizeof(text), "%d %s\n", status, reason_phrase(status));
    detail = text;
  }
  c->body_sent = 0;
  write_simple(c, status, detail, false);
  pthread_mutex_lock(&c->srv->metrics.lock);
  c->srv->metrics.http_errors++;
  pthread_mutex_unlock(&c->srv->metrics.lock);
  access_log(c, status);
  c->close_after = true;
  if (c->phase != GW_PHASE_LINGER)
    c->phase = GW_PHASE_IDLE;
}

static bool is_managed_header(const char *n, size_t nl) {
  /* Framing and connection management belong to the gateway, not the function. */
  static const char *const names[] = {"connection", "keep-alive", "transfer-encoding",
                                      "content-length", "proxy-connection", "upgrade",
                                      "te", "trailer"};
  for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
    if (ieq(n, nl, names[i]))
      return true;
  return false;
}

/* The function the edge's rules chose for c's request (head->function), named in the access
 * log and metrics; the first request of a function on this loop counts its runtime. */
static void note_function(gw_conn *c, const char *fn) {
  size_t fl = strnlen(fn, sizeof(c->fn_name) - 1); /* truncated like snprintf, unformatted */
  memcpy(c->fn_name, fn, fl);
  c->fn_name[fl] = '\0';
  gw_attached *att = c->att;
  int fi = att ? gw_site_function_index(att->site, fn) : -1;
  if (fi >= 0 && !att->fn_used[fi]) {
    att->fn_used[fi] = 1;
    pthread_mutex_lock(&c->srv->metrics.lock);
    c->srv->metrics.runtimes++;
    pthread_mutex_unlock(&c->srv->metrics.lock);
  }
}

static void resp_on_head(void *user_data, const edgefn_response_head *head) {
  gw_conn *c = user_data;
  c->head_sent = true;
  if (head->struct_size >= offsetof(edgefn_response_head, function) + sizeof(head->function) &&
      head->function)
    note_function(c, head->function);
  c->status = head->status;
  c->head_us = gw_now_us();
  /* The cache status of the default path (a function may pass on a subrequest's). */
  for (size_t i = 0; !c->fn_name[0] && i < head->header_count; i++)
    if (ieq(head->headers[i].name, head->headers[i].name_len, EDGEFN_CACHE_STATUS_HEADER))
      c->cache = gw_cache_kind_from(head->headers[i].value, head->headers[i].value_len);
  if (c->fd < 0)
    return;
  int status = head->status;
  if (status < 200 || status > 599) {
    gw_log(EDGEFN_LOG_WARN, "function answered with status %d; sending 502", status);
    status = 502;
  }
  c->status = status;
  bool keep = c->keep_alive && !c->srv->stopping;
  c->body_allowed = !c->is_head && status != 204 && status != 304;
  c->content_length = -1;
  c->chunked = false;
  c->body_sent = 0;
  c->flow = head->struct_size >= offsetof(edgefn_response_head, flow) + sizeof(head->flow)
                ? head->flow
                : NULL;
  c->flow_paused = false;

  const char *reason = head->status_text;
  if (!reason || !reason[0] || !valid_field_text(reason, strlen(reason)) || status != head->status)
    reason = reason_phrase(status);
  gw_buf *o = &c->out;
  gw_buf_append(o, "HTTP/1.1 ", 9);
  gw_buf_append_uint(o, (unsigned)status);
  gw_buf_append(o, " ", 1);
  gw_buf_append_str(o, reason);
  gw_buf_append(o, "\r\n", 2);

  bool has_date = false, has_server = false;
  for (size_t i = 0; i < head->header_count; i++) {
    const edgefn_header *h = &head->headers[i];
    if (!h->name || !valid_field_name(h->name, h->name_len) ||
        is_managed_header(h->name, h->name_len))
      continue;
    if (h->value_len > 0 && (!h->value || !valid_field_text(h->value, h->value_len)))
      continue;
    has_date |= ieq(h->name, h->name_len, "date");
    has_server |= ieq(h->name, h->name_len, "server");
    gw_buf_append(o, h->name, h->name_len);
    gw_buf_append(o, ": ", 2);
    gw_buf_append(o, h->value, h->value_len);
    gw_buf_append(o, "\r\n", 2);
  }
  if (!has_date) {
    gw_buf_append(o, "Date: ", 6);
    gw_buf_append_str(o, http_date());
    gw_buf_append(o, "\r\n", 2);
  }
  if (!has_server) {
    gw_buf_append(o, "Server: ", 8);
    gw_buf_append_str(o, demo_server_name);
    gw_buf_append(o, "\r\n", 2);
  }

  if (status == 204) {
    /* No body and no length: RFC 9110 15.3.5. */
  } else if (head->content_length >= 0) {
    c->content_length = head->content_length;
    gw_buf_append(o, "Content-Length: ", 16);
    gw_buf_append_uint(o, (unsigned long long)head->content_length);
    gw_buf_append(o, "\r\n", 2);
  } else if (c->body_allowed) {
    if (c->http10)
      keep = false; /* no chunked coding in HTTP/1.0: the close ends the body */
    else {
      c->chunked = true;
      gw_buf_append(o, "Transfer-Encoding: chunked\r\n", 28);
    }
  }
  if (!keep)
    gw_buf_append(o, "Connection: close\r\n", 19);
  else if (c->http10)
    gw_buf_append(o, "Connection: keep-alive\r\n", 24);
  gw_buf_append(o, "\r\n", 2);
  c->keep_alive = keep;
  gw_conn_ready(c);
}

/* Backpressure: a chunk that leaves more than GW_OUTPUT_HIGH_WATER bytes queued for the
 * client pauses the producer (a function's stream, or the edge's cache/origin transfer),
 * and conn_flush (server.c) resumes it below GW_OUTPUT_LOW_WATER, so a slow client holds
 * about the high-water mark here and slows the origin instead. A body without a flow handle
 * (bytes delivered whole) is queued as it comes. */
static void resp_on_body(void *user_data, const uint8_t *data, size_t len) {
  gw_conn *c = user_data;
  if (c->fd < 0 || !c->head_sent || !c->body_allowed || len == 0)
    return;
  if (c->content_length >= 0) {
    uint64_t left = (uint64_t)c->content_length - c->body_sent;
    if (len > left) {
      /* More than the announced length: the framing cannot carry it. */
      len = (size_t)left;
      c->keep_alive = false;
    }
    if (len == 0)
      return;
  }
  if (c->chunked)
    gw_buf_printf(&c->out, "%zx\r\n", len);
  gw_buf_append(&c->out, data, len);
  if (c->chunked)
    gw_buf_append(&c->out, "\r\n", 2);
  c->body_sent += len;
  if (c->flow && !c->flow_paused && gw_buf_pending(&c->out) > GW_OUTPUT_HIGH_WATER) {
    edgefn_body_flow_pause(c->flow);
    c->flow_paused = true;
  }
  gw_conn_ready(c);
}

void gw_conn_flow_check(gw_conn *c) {
  if (c->flow_paused && (c->fd < 0 || gw_buf_pending(&c->out) < GW_OUTPUT_LOW_WATER)) {
    c->flow_paused = false;
    (void)edgefn_body_flow_resume(c->flow); /* delivery restarts from the loop */
  }
}

static void resp_on_end(void *user_data, int result) {
  gw_conn *c = user_data;
  c->flow = NULL; /* the handle dies with the response */
  c->flow_paused = false;
  if (c->att) {
    c->att->inflight--;
    c->att = NULL;
    pthread_mutex_lock(&c->srv->metrics.lock);
    c->srv->metrics.inflight--;
    pthread_mutex_unlock(&c->srv->metrics.lock);
  }
  if (c->fd < 0) {
    gw_log(EDGEFN_LOG_DEBUG, "%s: client left before the response ended", c->client_ip);
    gw_conn_unref(c);
    return;
  }
  if (result == 0 && c->head_sent) {
    if (c->chunked)
      gw_buf_append(&c->out, "0\r\n\r\n", 5);
    else if (c->content_length >= 0 && c->body_allowed &&
             c->body_sent != (uint64_t)c->content_length)
      c->keep_alive = false; /* short body: only closing tells the client */
    access_log(c, c->status);
  } else if (!c->head_sent && result != EDGEFN_ECANCELED) {
    gw_log(EDGEFN_LOG_WARN, "response ended without a head (%s)", edgefn_strerror(result));
    write_simple(c, 502, "function failed\n", false);
    c->keep_alive = false;
    access_log(c, 502);
  } else {
    /* EABORTED or ECANCELED: the message cannot be completed; closing is the signal. */
    gw_log(EDGEFN_LOG_DEBUG, "%s: response cut short: %s", c->client_ip,
           edgefn_strerror(result));
    access_log(c, c->status);
    gw_conn_close(c);
    gw_conn_unref(c);
    return;
  }
  if (!c->keep_alive)
    c->close_after = true;
  reset_request(c);
  c->phase = GW_PHASE_IDLE;
  gw_conn_ready(c);
  gw_conn_unref(c);
}

/* Builds the absolute URL the edge sees: SCHEME://<Host header or listen address><path>,
 * https on TLS listeners. Returns -1 for a request target the gateway cannot serve. */
static int build_url(gw_conn *c, gw_buf *out) {
  const char *t = c->url.data;
  size_t tl = c->url.len;
  const char *host = NULL;
  size_t hl = 0;
  const char *scheme = c->tls ? "https" : "http";
  if (find_header(c, "host", &host, &hl) == 0) {
    host = c->lst->host;
    hl = strlen(host);
  }
  if (tl > 0 && t[0] == '/') { /* the usual origin-form: appended, not formatted */
    if (gw_buf_append_str(out, scheme) || gw_buf_append(out, "://", 3) ||
        gw_buf_append(out, host, hl) || gw_buf_append(out, t, tl) || gw_buf_reserve(out, 1))
      return -1;
    out->data[out->len] = '\0'; /* as gw_buf_printf leaves it */
    return 0;
  }
  if (tl == 1 && t[0] == '*' && c->method == HTTP_OPTIONS)
    return gw_buf_printf(out, "%s://%.*s/", scheme, (int)hl, host);
  /* absolute-form (RFC 9112 3.2.2): its authority replaces Host. */
  struct http_parser_url u;
  http_parser_url_init(&u);
  if (http_parser_parse_url(t, tl, 0, &u) != 0 || !(u.field_set & (1 << UF_SCHEMA)) ||
      !(u.field_set & (1 << UF_HOST)) || (u.field_set & (1 << UF_USERINFO)))
    return -1;
  const char *sch = t + u.field_data[UF_SCHEMA].off;
  size_t sl = u.field_data[UF_SCHEMA].len;
  if (!ieq(sch, sl, "http") && !ieq(sch, sl, "https"))
    return -1;
  const char *rest = sch + sl + 3; /* past "://" */
  size_t rl = tl - (size_t)(rest - t);
  const char *slash = memchr(rest, '/', rl);
  size_t authority = slash ? (size_t)(slash - rest) : rl;
  if (!valid_host(rest, authority))
    return -1;
  return gw_buf_printf(out, "%s://%.*s%s%.*s", scheme, (int)authority, rest, slash ? "" : "/",
                       (int)(rl - authority), rest + authority);
}

/* A complete response the gateway writes itself (metrics page, demo origin). */
static void write_local(gw_conn *c, int status, const char *content_type,
                        const char *cache_control, const char *body, size_t len) {
  bool keep = c->keep_alive && !c->srv->stopping;
  gw_buf_printf(&c->out,
                "HTTP/1.1 %d %s\r\nDate: %s\r\nServer: %s\r\nContent-Type: %s\r\n%s%s%s"
                "Content-Length: %zu\r\n%s\r\n",
                status, reason_phrase(status), http_date(), demo_server_name, content_type,
                cache_control ? "Cache-Control: " : "", cache_control ? cache_control : "",
                cache_control ? "\r\n" : "", len,
                keep ? (c->http10 ? "Connection: keep-alive\r\n" : "") : "Connection: close\r\n");
  c->body_sent = 0;
  if (!c->is_head && status != 304) {
    gw_buf_append(&c->out, body, len);
    c->body_sent = len;
  }
  c->status = status;
  /* The demo origin stands for a server elsewhere: its traffic is not the gateway's. */
  if (c->lst->kind != GW_LISTEN_DEMO_ORIGIN)
    access_log(c, status);
  if (!keep)
    c->close_after = true;
  reset_request(c);
  c->phase = GW_PHASE_IDLE;
}

static bool target_is(const gw_conn *c, const char *path) {
  size_t pl = strlen(path);
  const char *t = c->url.data;
  size_t tl = c->url.len;
  const char *q = memchr(t, '?', tl);
  if (q)
    tl = (size_t)(q - t);
  return tl == pl && memcmp(t, path, pl) == 0;
}

static bool serve_local(gw_conn *c, const gw_site *site) {
  if (c->lst->kind == GW_LISTEN_DEMO_ORIGIN) {
    int status;
    const char *ct, *body, *cc;
    size_t len;
    gw_demo_origin_serve(http_method_str((enum http_method)c->method), c->url.data, c->url.len,
                         &status, &ct, &body, &len, &cc);
    write_local(c, status, ct, cc, body, len);
    return true;
  }
  const char *mp = site ? site->cfg->metrics_path : NULL;
  if (c->lst->kind == GW_LISTEN_METRICS || (mp && target_is(c, mp))) {
    gw_buf page = {0};
    gw_metrics_render(&page);
    write_local(c, 200, "text/plain; version=0.0.4; charset=utf-8", "no-store",
                page.data ? page.data : "", page.len);
    gw_buf_free(&page);
    return true;
  }
  return false;
}

void gw_http_dispatch(gw_conn *c) {
  static const edgefn_response_handler handler = {
      .struct_size = sizeof(edgefn_response_handler),
      .on_head = resp_on_head,
      .on_body = resp_on_body,
      .on_end = resp_on_end,
  };
  c->req_complete = false;
  c->head_sent = false;
  c->chunked = false;
  c->content_length = -1;
  c->body_sent = 0;
  c->status = 0;

  gw_attached *att = c->srv->attached;
  if (serve_local(c, att ? att->site : NULL))
    return;
  if (!att) {
    gw_http_send_error(c, 503, NULL);
    return;
  }
  gw_site *site = att->site;

  gw_buf url = {0};
  if (build_url(c, &url) != 0) {
    gw_buf_free(&url);
    gw_http_send_error(c, 400, NULL);
    return;
  }
  edgefn_header *headers = calloc(c->hcount ? c->hcount : 1, sizeof(*headers));
  if (!headers) {
    gw_buf_free(&url);
    gw_http_send_error(c, 503, NULL);
    return;
  }
  for (size_t i = 0; i < c->hcount; i++) {
    headers[i].name = hname(c, i, &headers[i].name_len);
    headers[i].value = hvalue(c, i, &headers[i].value_len);
  }
  const char *method = http_method_str((enum http_method)c->method);
  edgefn_request req = EDGEFN_REQUEST_INIT;
  req.method = method;
  req.method_len = strlen(method);
  req.url = url.data;
  req.url_len = url.len;
  req.headers = headers;
  req.header_count = c->hcount;
  req.body = c->body.len ? (const uint8_t *)c->body.data : NULL;
  req.body_len = c->body.len;
  req.client_ip = c->client_ip[0] ? c->client_ip : NULL;
  /* The client's country from a trusted header set by whatever stands in front. */
  edgefn_geo geo = EDGEFN_GEO_INIT;
  char country[3];
  const char *cv = NULL;
  size_t cl = 0;
  if (site->cfg->geo_country_header &&
      find_header(c, site->cfg->geo_country_header, &cv, &cl) == 1 && cl == 2 &&
      isalpha((unsigned char)cv[0]) && isalpha((unsigned char)cv[1])) {
    country[0] = (char)toupper((unsigned char)cv[0]);
    country[1] = (char)toupper((unsigned char)cv[1]);
    country[2] = '\0';
    geo.country_alpha2 = country;
    req.geo = &geo;
  }

  /* The function the edge's rules chose arrives with the response head (resp_on_head)
   * for the access log and metrics: the rules are matched once, by the edge. */
  /* An origin's host_header replaces the Host header on its way to the origin: the edge
   * does that (edgefn_origin.host_header). */

  c->phase = GW_PHASE_DISPATCHED;
  c->dispatch_us = gw_now_us();
  c->att = att;
  att->inflight++;
  pthread_mutex_lock(&c->srv->metrics.lock);
  c->srv->metrics.inflight++;
  pthread_mutex_unlock(&c->srv->metrics.lock);
  gw_conn_ref(c); /* released by resp_on_end */
  int rc = edgefn_edge_handle(site->edge, c->srv->loop, &req, &handler, c);
  free(headers);
  gw_buf_free(&url);
  if (rc != 0) {
    if (c->att) {
      att->inflight--;
      c->att = NULL;
      pthread_mutex_lock(&c->srv->metrics.lock);
      c->srv->metrics.inflight--;
      pthread_mutex_unlock(&c->srv->metrics.lock);
    }
    gw_conn_unref(c);
    gw_log(EDGEFN_LOG_ERROR, "edge refused the request: %s", edgefn_strerror(rc));
    c->phase = GW_PHASE_IDLE;
    gw_http_send_error(c, 503, NULL);
  }
}
