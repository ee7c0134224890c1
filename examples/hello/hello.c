/*
 * hello — the smallest complete embedding of libedgefn.
 *
 * It compiles a service-worker style edge function, starts one sandbox (runtime) for it on
 * a loop, hands it three HTTP requests and prints the responses as they stream back. Build
 * it against an installed library with nothing but pkg-config:
 *
 *   cc -o edgefn-hello hello.c $(pkg-config --cflags --libs edgefn)
 *
 * Exit status 0 means all three requests were answered with status 200.
 */
#include <edgefn/edgefn.h>

#include <stdio.h>
#include <string.h>

/* The edge function. Written as ES5 because that is what the library compiles today. */
static const char hello_js[] =
    "addEventListener('fetch', function (event) {\n"
    "  var req = event.request;\n"
    "  event.respondWith(new Response('hello ' + req.method + ' ' + req.url, {\n"
    "    status: 200,\n"
    "    headers: {'content-type': 'text/plain'}\n"
    "  }));\n"
    "});\n";

/* What we learn about one request while its response streams back. The handler callbacks
 * receive a pointer to it as their user data. */
typedef struct exchange {
  const char *label;
  int status; /* from on_head; 0 until then */
  int ended;  /* set by on_end */
  int result; /* on_end's result: 0 for a complete response */
  char body[256];
  size_t body_len;
} exchange;

/* Data passed to these callbacks is valid only during the call: copy what you keep. */
static void on_head(void *user_data, const edgefn_response_head *head) {
  exchange *x = user_data;
  x->status = head->status;
  printf("%s -> %d\n", x->label, head->status);
  for (size_t i = 0; i < head->header_count; i++) {
    const edgefn_header *h = &head->headers[i];
    printf("  %.*s: %.*s\n", (int)h->name_len, h->name, (int)h->value_len, h->value);
  }
}

static void on_body(void *user_data, const uint8_t *data, size_t len) {
  exchange *x = user_data;
  size_t room = sizeof(x->body) - 1 - x->body_len;
  size_t n = len < room ? len : room;
  memcpy(x->body + x->body_len, data, n);
  x->body_len += n;
}

static void on_end(void *user_data, int result) {
  exchange *x = user_data;
  x->ended = 1;
  x->result = result;
  x->body[x->body_len] = '\0';
  printf("  body: %s\n", x->body);
  if (result != 0)
    printf("  ended with %s\n", edgefn_strerror(result));
}

/* A header from a C string literal: names and values are passed with their lengths. */
#define HEADER(name, value)                                                                        \
  { name, sizeof(name) - 1, value, sizeof(value) - 1 }

int main(void) {
  /* Refuse to run against a library older than the headers we were compiled with. */
  if (EDGEFN_VERSION_CHECK() != 0) {
    fprintf(stderr, "libedgefn %s is older than the headers (%s)\n", edgefn_version(),
            EDGEFN_VERSION_STRING);
    return 1;
  }
  printf("libedgefn %s\n", edgefn_version());

  edgefn_loop *loop = NULL;
  edgefn_script *script = NULL;
  edgefn_runtime *rt = NULL;
  int ok = 0;
  int rc = edgefn_loop_new(&loop, NULL);
  if (rc != 0) {
    fprintf(stderr, "edgefn_loop_new: %s\n", edgefn_strerror(rc));
    return 1;
  }

  /* Compile once; a script is immutable and could feed runtimes on many threads. */
  edgefn_script_options so = EDGEFN_SCRIPT_OPTIONS_INIT;
  so.source = hello_js;
  so.source_len = sizeof(hello_js) - 1;
  so.filename = "hello.js";
  edgefn_error_info err = EDGEFN_ERROR_INFO_INIT;
  rc = edgefn_script_new(&script, &so, &err);
  if (rc != 0) {
    fprintf(stderr, "%s\n", err.message); /* "file:line:column: message" */
    goto done;
  }

  /* One sandbox running the script on our loop; default limits (include/edgefn/limits.h). */
  edgefn_runtime_options ro = EDGEFN_RUNTIME_OPTIONS_INIT;
  ro.name = "hello";
  rc = edgefn_runtime_new(&rt, loop, script, &ro, &err);
  if (rc != 0) {
    fprintf(stderr, "edgefn_runtime_new: %s: %s\n", edgefn_strerror(rc), err.message);
    goto done;
  }
  /* The runtime keeps its own reference to the script. */
  edgefn_script_free(script);
  script = NULL;

  static const edgefn_header get_headers[] = {
      HEADER("Accept", "text/plain"),
      HEADER("User-Agent", "edgefn-hello"),
  };
  static const edgefn_header post_headers[] = {
      HEADER("Content-Type", "application/json"),
  };
  static const edgefn_header delete_headers[] = {
      HEADER("Authorization", "Bearer example-token"),
      HEADER("X-Request-Id", "42"),
  };
  static const char post_body[] = "{\"name\":\"widget\"}";
  struct {
    const char *method, *url;
    const edgefn_header *headers;
    size_t header_count;
    const char *body;
  } const requests[3] = {
      {"GET", "https://example.com/", get_headers, 2, NULL},
      {"POST", "https://example.com/api/items?source=hello", post_headers, 1, post_body},
      {"DELETE", "https://example.com/api/items/7", delete_headers, 2, NULL},
  };
  exchange x[3];
  memset(x, 0, sizeof(x));

  /* Every callback takes a user-data pointer; here, the exchange the response belongs to. */
  edgefn_response_handler handler = EDGEFN_RESPONSE_HANDLER_INIT;
  handler.on_head = on_head;
  handler.on_body = on_body;
  handler.on_end = on_end;

  for (int i = 0; i < 3; i++) {
    /* The request is copied during the call, so stack data is fine. */
    edgefn_request req = EDGEFN_REQUEST_INIT;
    req.method = requests[i].method;
    req.method_len = strlen(requests[i].method);
    req.url = requests[i].url;
    req.url_len = strlen(requests[i].url);
    req.headers = requests[i].headers;
    req.header_count = requests[i].header_count;
    if (requests[i].body) {
      req.body = (const uint8_t *)requests[i].body;
      req.body_len = strlen(requests[i].body);
    }
    x[i].label = requests[i].method;
    rc = edgefn_runtime_dispatch(rt, &req, &handler, &x[i]);
    if (rc != 0) { /* on error no callback is ever made for this request */
      fprintf(stderr, "edgefn_runtime_dispatch: %s\n", edgefn_strerror(rc));
      goto done;
    }
  }

  /* Responses may already have arrived (callbacks can run inside dispatch); running the loop
   * until it has nothing left to do delivers the rest. */
  rc = edgefn_loop_run(loop, EDGEFN_RUN_DEFAULT);
  if (rc != 0)
    fprintf(stderr, "edgefn_loop_run: %s\n", edgefn_strerror(rc));

  for (int i = 0; i < 3; i++)
    if (x[i].ended && x[i].result == 0 && x[i].status == 200)
      ok++;
  printf("%d of 3 responses OK\n", ok);

done:
  /* Runtimes before their loop; every free accepts NULL. */
  edgefn_runtime_free(rt);
  edgefn_script_free(script);
  edgefn_loop_free(loop);
  return ok == 3 ? 0 : 1;
}
