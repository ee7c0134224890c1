/* Helpers for tests that run scripts through the public API: compile, create a runtime,
 * dispatch a request and collect the streamed response. */
#ifndef EDGEFN_TEST_JS_HARNESS_H
#define EDGEFN_TEST_JS_HARNESS_H

#include <edgefn/edgefn.h>

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct collected {
  bool head_seen, ended;
  int status;
  char status_text[64];
  char headers[2048]; /* "name: value\n" lines */
  char function[64];  /* head->function ("" when NULL) */
  char *body;
  size_t body_len;
  int end_result;
  int heads, ends; /* callback counts: each must be 0 or 1 */
} collected;

typedef struct log_capture {
  char text[8192];
  int count;
  int last_level;
  char last_name[64];
} log_capture;

static inline void h_on_head(void *ud, const edgefn_response_head *head) {
  collected *c = ud;
  c->heads++;
  c->head_seen = true;
  c->status = head->status;
  strncpy(c->status_text, head->status_text ? head->status_text : "", sizeof(c->status_text) - 1);
  if (head->struct_size >= offsetof(edgefn_response_head, function) + sizeof(head->function) &&
      head->function)
    strncpy(c->function, head->function, sizeof(c->function) - 1);
  size_t o = 0;
  for (size_t i = 0; i < head->header_count && o < sizeof(c->headers) - 1; i++) {
    int n = snprintf(c->headers + o, sizeof(c->headers) - o, "%.*s: %.*s\n",
                     (int)head->headers[i].name_len, head->headers[i].name,
                     (int)head->headers[i].value_len, head->headers[i].value);
    if (n < 0)
      break;
    o += (size_t)n;
  }
}

static inline void h_on_body(void *ud, const uint8_t *data, size_t len) {
  collected *c = ud;
  c->body = realloc(c->body, c->body_len + len + 1);
  memcpy(c->body + c->body_len, data, len);
  c->body_len += len;
  c->body[c->body_len] = '\0';
}

static inline void h_on_end(void *ud, int result) {
  collected *c = ud;
  c->ends++;
  c->ended = true;
  c->end_result = result;
  if (!c->body) {
    c->body = calloc(1, 1);
  }
}

static inline void h_log(void *ud, int level, const char *fn, const char *msg, size_t len) {
  log_capture *l = ud;
  size_t o = strlen(l->text);
  snprintf(l->text + o, sizeof(l->text) - o, "%d|%s|%.*s\n", level, fn, (int)len, msg);
  l->count++;
  l->last_level = level;
  snprintf(l->last_name, sizeof(l->last_name), "%s", fn);
}

static const edgefn_response_handler h_handler = {sizeof(edgefn_response_handler), h_on_head,
                                                  h_on_body, h_on_end};

typedef struct js_env {
  edgefn_loop *loop;
  edgefn_script *script;
  edgefn_runtime *rt;
  log_capture log;
  edgefn_error_info err;
} js_env;

/* Compiles `src` and creates a runtime with the given limits (0 = defaults). Returns the
 * edgefn error code of the first step that failed. */
static inline int env_open(js_env *e, const char *src, uint32_t cpu_ms, size_t mem, uint32_t wall_ms) {
  memset(e, 0, sizeof(*e));
  e->err.struct_size = sizeof(e->err);
  int rc = edgefn_loop_new(&e->loop, NULL);
  if (rc)
    return rc;
  edgefn_script_options so = EDGEFN_SCRIPT_OPTIONS_INIT;
  so.source = src;
  so.source_len = strlen(src);
  so.filename = "test.js";
  rc = edgefn_script_new(&e->script, &so, &e->err);
  if (rc)
    return rc;
  edgefn_runtime_options ro = EDGEFN_RUNTIME_OPTIONS_INIT;
  ro.name = "testfn";
  ro.cpu_limit_ms = cpu_ms;
  ro.memory_limit = mem;
  ro.wall_limit_ms = wall_ms;
  ro.log = h_log;
  ro.log_user_data = &e->log;
  return edgefn_runtime_new(&e->rt, e->loop, e->script, &ro, &e->err);
}

static inline void env_close(js_env *e) {
  edgefn_runtime_free(e->rt);
  edgefn_script_free(e->script);
  edgefn_loop_free(e->loop);
}

/* Dispatches one request and runs the loop until its response ended. */
static inline int env_fetch(js_env *e, const char *method, const char *url, const edgefn_header *hdrs,
                     size_t nh, const char *body, collected *c) {
  memset(c, 0, sizeof(*c));
  edgefn_request req = EDGEFN_REQUEST_INIT;
  req.method = method;
  req.method_len = method ? strlen(method) : 0;
  req.url = url;
  req.url_len = strlen(url);
  req.headers = hdrs;
  req.header_count = nh;
  req.body = (const uint8_t *)body;
  req.body_len = body ? strlen(body) : 0;
  int rc = edgefn_runtime_dispatch(e->rt, &req, &h_handler, c);
  if (rc)
    return rc;
  while (!c->ended && edgefn_loop_alive(e->loop))
    edgefn_loop_run(e->loop, EDGEFN_RUN_ONCE);
  return c->ended ? 0 : -1000;
}

static inline void collected_free(collected *c) { free(c->body); }

/* Runs `body` (a function body returning a value) inside a fetch handler, after the
 * top-level `prelude`, and compares the response text with `expected`; an exception becomes
 * "threw Name: message". Returns 0 when they match (and prints the difference otherwise). */
static inline int js_expect_with(const char *prelude, const char *body, const char *expected) {
  static const char fmt[] = "%s\n"
                            "addEventListener('fetch', function (e) {\n"
                            "  var out;\n"
                            "  try { out = String((function () { %s })()); }\n"
                            "  catch (err) { out = 'threw ' + err.name + ': ' + err.message; }\n"
                            "  e.respondWith(new Response(out));\n"
                            "});";
  size_t size = sizeof(fmt) + strlen(prelude) + strlen(body);
  char *src = malloc(size);
  snprintf(src, size, fmt, prelude, body);
  js_env e;
  /* These cases check results, not the CPU limit: a sanitized build on a VM where page
   * faults are slow (ASan maps fresh memory for its quarantine) needs more than 200 ms. */
#if defined(__SANITIZE_ADDRESS__)
  uint32_t cpu_ms = 2000;
#else
  uint32_t cpu_ms = 0; /* the default */
#endif
  int open_rc = env_open(&e, src, cpu_ms, 0, 0);
  free(src);
  if (open_rc != 0) {
    fprintf(stderr, "compile failed: %s\n", e.err.message);
    env_close(&e);
    return 1;
  }
  collected c;
  int rc = env_fetch(&e, "GET", "http://x/", NULL, 0, NULL, &c);
  int bad = rc != 0 || !c.body || strcmp(c.body, expected) != 0;
  if (bad)
    fprintf(stderr, "script: %s\n  expected: %s\n  got:      %s\n  log: %s\n", body, expected,
            c.body ? c.body : "(none)", e.log.text);
  collected_free(&c);
  env_close(&e);
  return bad;
}

static inline int js_expect(const char *body, const char *expected) {
  return js_expect_with("", body, expected);
}


#endif
