/* Script dispatch with random request structs: the input's lines are the method, the URL,
 * then "name: value" header lines up to an empty line; the rest is the body (any bytes).
 * One runtime serves every input, as a host's would; its handler reads everything. */
#include <edgefn/edgefn.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define MAX_HEADERS 32

/* Every other request is handled from a timer (its Request made from the host's struct
 * before dispatch returns, while the driver frees that struct right after), every third
 * event is kept unread and its request read by the next one (made when its exchange ended). */
static const char script_src[] =
    "var n = 0, kept = null;\n"
    "addEventListener('fetch', function (e) {\n"
    "  n++;\n"
    "  var prev = kept ? kept.request.method + kept.request.url : '';\n"
    "  kept = n % 3 == 0 ? e : null;\n"
    "  if (n % 3 == 0) return e.respondWith(new Response(prev));\n"
    "  if (n % 2 == 0) return e.respondWith(new Promise(function (res) {\n"
    "    setTimeout(function () { handle(e, prev, res); }, 0);\n"
    "  }));\n"
    "  handle(e, prev, function (p) { e.respondWith(p); });\n"
    "});\n"
    "function handle(e, prev, answer) {\n"
    "  var r = e.request, out = prev + r.method + r.url + r.bodyUsed;\n"
    "  r.headers.forEach(function (v, k) { out += k + v; });\n"
    "  out += r.headers.get('content-type');\n"
    "  try {\n"
    "    var u = new URL(r.url);\n"
    "    out += u.host + u.pathname + u.search + u.hash + u.searchParams.toString();\n"
    "  } catch (x) { out += x.name; }\n"
    "  var c = r.clone();\n"
    "  var json = c.json().then(function (j) { return JSON.stringify(j); },\n"
    "                           function (x) { return x.name; });\n"
    "  var form = r.clone().formData().then(function (f) {\n"
    "    var n = 0; f.forEach(function () { n++; }); return n;\n"
    "  }, function (x) { return x.name; });\n"
    "  answer(Promise.all([r.text(), json, form]).then(function (v) {\n"
    "    return new Response(out + v[0].length + v[1] + v[2], { headers: { 'x-n': '1' } });\n"
    "  }));\n"
    "}\n";

typedef struct result {
  int heads, ends, status;
} result;

static void on_head(void *ud, const edgefn_response_head *head) {
  result *r = ud;
  r->heads++;
  r->status = head->status;
}
static void on_body(void *ud, const uint8_t *d, size_t len) {
  (void)ud;
  (void)d;
  if (len == 0)
    abort();
}
static void on_end(void *ud, int rc) {
  (void)rc;
  result *r = ud;
  r->ends++;
}

static void log_drop(void *ud, int level, const char *fn, const char *msg, size_t len) {
  (void)ud;
  (void)level;
  (void)fn;
  (void)msg;
  (void)len;
}

static edgefn_loop *loop;
static edgefn_runtime *rt;

static void setup(void) {
  edgefn_error_info err = EDGEFN_ERROR_INFO_INIT;
  edgefn_script *script = NULL;
  edgefn_script_options so = EDGEFN_SCRIPT_OPTIONS_INIT;
  so.source = script_src;
  so.source_len = strlen(script_src);
  edgefn_runtime_options ro = EDGEFN_RUNTIME_OPTIONS_INIT;
  ro.name = "fuzz";
  ro.log = log_drop;
  /* Generous: a slow request under ASan is not a finding, a hang is (libFuzzer's -timeout). */
  ro.cpu_limit_ms = 2000;
  if (edgefn_loop_new(&loop, NULL) != 0 || edgefn_script_new(&script, &so, &err) != 0 ||
      edgefn_runtime_new(&rt, loop, script, &ro, &err) != 0) {
    fprintf(stderr, "fuzz-dispatch: setup failed: %s\n", err.message);
    abort();
  }
  edgefn_script_free(script);
}

/* The next line of [*p, end), without its newline. */
static const char *next_line(const char **p, const char *end, size_t *len) {
  const char *s = *p, *nl = memchr(s, '\n', (size_t)(end - s));
  *len = (size_t)((nl ? nl : end) - s);
  *p = nl ? nl + 1 : end;
  return s;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size > 4096)
    return 0;
  if (!rt)
    setup();
  /* An exact-size copy: ASan then catches a read one past any field's end. */
  char *in = malloc(size ? size : 1);
  if (!in)
    return 0;
  memcpy(in, data, size);
  const char *p = in, *end = in + size;
  edgefn_request req = EDGEFN_REQUEST_INIT;
  req.method = next_line(&p, end, &req.method_len);
  req.url = next_line(&p, end, &req.url_len);
  edgefn_header headers[MAX_HEADERS];
  size_t nh = 0;
  while (p < end && nh < MAX_HEADERS) {
    size_t len;
    const char *l = next_line(&p, end, &len);
    if (len == 0)
      break;
    const char *colon = memchr(l, ':', len);
    headers[nh].name = l;
    headers[nh].name_len = colon ? (size_t)(colon - l) : len;
    headers[nh].value = colon ? colon + 1 : l + len;
    headers[nh].value_len = colon ? len - headers[nh].name_len - 1 : 0;
    nh++;
  }
  req.headers = headers;
  req.header_count = nh;
  req.body = (const uint8_t *)p;
  req.body_len = (size_t)(end - p);
  result r = {0, 0, 0};
  edgefn_response_handler h = {sizeof(h), on_head, on_body, on_end};
  int rc = edgefn_runtime_dispatch(rt, &req, &h, &r);
  free(in); /* the library is done with the request when dispatch returns */
  if (rc != 0) {
    if (r.heads || r.ends)
      abort(); /* no callback after an error */
    return 0;
  }
  while (r.ends == 0 && edgefn_loop_alive(loop))
    edgefn_loop_run(loop, EDGEFN_RUN_ONCE);
  if (r.ends != 1 || r.heads > 1 || edgefn_runtime_pending(rt) != 0) {
    fprintf(stderr, "fuzz-dispatch: ends %d heads %d pending %zu\n", r.ends, r.heads,
            edgefn_runtime_pending(rt));
    abort();
  }
  return 0;
}
