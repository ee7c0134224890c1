/* HTTP/1.1 framing for edgefn-gateway: http-parser callbacks that collect one request at a
 * time, the edgefn_request handed to the runtime, and the response handler that turns the
 * runtime's head/body/end callbacks into bytes on the connection. */
#include "gateway.h"

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
  static char buf[64];
  static time_t cached = (time_t)-1;
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

static void access_log(gw_conn *c, int status) {
  if (!gw_access_log)
    return;
  /* The request target is client input: keep the log line one line of printable text. */
  char path[512];
  size_t n = 0;
  if (c->url.len == 0)
    path[n++] = '-';
  for (size_t i = 0; i < c->url.len && n < sizeof(path) - 4; i++) {
    unsigned char ch = (unsigned char)c->url.data[i];
    path[n++] = (ch > 0x20 && ch < 0x7f) ? (char)ch : '?';
  }
  if (c->url.len > n)
    path[n++] = '.', path[n++] = '.', path[n++] = '.';
  path[n] = '\0';
  const char *method = c->method >= 0 ? http_method_str((enum http_method)c->method) : "-";
  printf("%s %s %s %d %zu %lluus\n", c->client_ip[0] ? c->client_ip : "-", method, path,
         status, c->body_sent, (unsigned long long)(gw_now_us() - c->req_start_us));
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
  if (c->url.len + len > GW_MAX_URI_BYTES) {
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
  if (c->header_bytes > GW_MAX_HEADER_BYTES) {
    c->error_status = 431;
    return -1;
  }
  return 0;
}

static int on_header_field(http_parser *p, const char *at, size_t len) {
  gw_conn *c = p->data;
  if (c->hcount == 0 || c->last_was_value) {
    if (c->hcount == GW_MAX_HEADER_COUNT) {
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
  if (has_length && !chunked && p->content_length > GW_MAX_BODY_BYTES) {
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
  if (c->body.len + len > GW_MAX_BODY_BYTES) {
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
  http_parser_set_max_header_size(GW_MAX_HEADER_BYTES + GW_MAX_URI_BYTES + 4096);
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

static void resp_on_head(void *user_data, const edgefn_response_head *head) {
  gw_conn *c = user_data;
  c->head_sent = true;
  c->status = head->status;
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

  const char *reason = head->status_text;
  if (!reason || !reason[0] || !valid_field_text(reason, strlen(reason)) || status != head->status)
    reason = reason_phrase(status);
  gw_buf *o = &c->out;
  gw_buf_printf(o, "HTTP/1.1 %d %s\r\n", status, reason);

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
  if (!has_date)
    gw_buf_printf(o, "Date: %s\r\n", http_date());
  if (!has_server)
    gw_buf_printf(o, "Server: %s\r\n", demo_server_name);

  if (status == 204) {
    /* No body and no length: RFC 9110 15.3.5. */
  } else if (head->content_length >= 0) {
    c->content_length = head->content_length;
    gw_buf_printf(o, "Content-Length: %lld\r\n", (long long)head->content_length);
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
  gw_conn_ready(c);
}

static void resp_on_end(void *user_data, int result) {
  gw_conn *c = user_data;
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
  } else if (result == EDGEFN_EPASS && !c->head_sent) {
    bool keep = c->keep_alive && !c->srv->stopping;
    write_simple(c, 502, "function did not respond and no origin is configured\n", keep);
    c->keep_alive = keep;
    access_log(c, 502);
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

/* Builds the absolute URL the function sees: http://<Host header or listen address><path>.
 * Returns -1 for a request target the gateway cannot serve. */
static int build_url(gw_conn *c, gw_buf *out) {
  const char *t = c->url.data;
  size_t tl = c->url.len;
  const char *host = NULL;
  size_t hl = 0;
  if (find_header(c, "host", &host, &hl) == 0) {
    host = c->srv->host;
    hl = strlen(host);
  }
  if (tl > 0 && t[0] == '/')
    return gw_buf_printf(out, "http://%.*s%.*s", (int)hl, host, (int)tl, t);
  if (tl == 1 && t[0] == '*' && c->method == HTTP_OPTIONS)
    return gw_buf_printf(out, "http://%.*s/", (int)hl, host);
  /* absolute-form (RFC 9112 3.2.2): its authority replaces Host. */
  struct http_parser_url u;
  http_parser_url_init(&u);
  if (http_parser_parse_url(t, tl, 0, &u) != 0 || !(u.field_set & (1 << UF_SCHEMA)) ||
      !(u.field_set & (1 << UF_HOST)) || (u.field_set & (1 << UF_USERINFO)))
    return -1;
  const char *scheme = t + u.field_data[UF_SCHEMA].off;
  size_t sl = u.field_data[UF_SCHEMA].len;
  if (!ieq(scheme, sl, "http") && !ieq(scheme, sl, "https"))
    return -1;
  const char *rest = scheme + sl + 3; /* past "://" */
  size_t rl = tl - (size_t)(rest - t);
  const char *slash = memchr(rest, '/', rl);
  size_t authority = slash ? (size_t)(slash - rest) : rl;
  if (!valid_host(rest, authority))
    return -1;
  return gw_buf_printf(out, "http://%.*s%s%.*s", (int)authority, rest, slash ? "" : "/",
                       (int)(rl - authority), rest + authority);
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

  c->phase = GW_PHASE_DISPATCHED;
  gw_conn_ref(c); /* released by resp_on_end */
  int rc = edgefn_runtime_dispatch(c->srv->rt, &req, &handler, c);
  free(headers);
  gw_buf_free(&url);
  if (rc != 0) {
    gw_conn_unref(c);
    gw_log(EDGEFN_LOG_ERROR, "dispatch failed: %s", edgefn_strerror(rc));
    c->phase = GW_PHASE_IDLE;
    gw_http_send_error(c, 503, NULL);
  }
}
