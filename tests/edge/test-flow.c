/* Flow control through the edge: a host that pauses a body must stop the origin read behind
 * it, on the default path (edge → cache fetcher → curl) and through a function's subrequest
 * (runtime → router → cache fetcher → curl), and a cache fill must still be stored whole.
 * The origin's /stream/N counts the bytes its kernel accepted, so "the origin was slowed"
 * is measured, not assumed: N is far larger than what the socket buffers hold. */
#define _GNU_SOURCE
#include "edge/edge-env.h"
#include "test.h"

#define FLOW_BODY (24u * 1024u * 1024u) /* under EDGEFN_DEFAULT_FETCH_MAX_BODY */
#define FLOW_PAUSE_AT (1024u * 1024u)

typedef struct flow_client {
  edgefn_body_flow *flow;
  int status;
  bool ended;
  int result;
  size_t got;
  bool intact;
  bool paused;
  size_t got_at_pause;
  char cache_status[16];
} flow_client;

static void fc_head(void *ud, const edgefn_response_head *h) {
  flow_client *fc = ud;
  fc->status = h->status;
  fc->flow = h->flow;
  for (size_t i = 0; i < h->header_count; i++)
    if (strncasecmp(h->headers[i].name, EDGEFN_CACHE_STATUS_HEADER, h->headers[i].name_len) == 0 &&
        h->headers[i].value_len < sizeof(fc->cache_status)) {
      memcpy(fc->cache_status, h->headers[i].value, h->headers[i].value_len);
      fc->cache_status[h->headers[i].value_len] = '\0';
    }
}

static void fc_body(void *ud, const uint8_t *data, size_t len) {
  flow_client *fc = ud;
  if (fc->paused)
    fc->intact = false; /* a chunk after a pause breaks the contract */
  for (size_t i = 0; i < len; i++)
    if (data[i] != origin_pattern(fc->got + i)) {
      fc->intact = false;
      break;
    }
  fc->got += len;
  if (!fc->got_at_pause && fc->got >= FLOW_PAUSE_AT && fc->flow) {
    edgefn_body_flow_pause(fc->flow);
    fc->paused = true;
    fc->got_at_pause = fc->got;
  }
}

static void fc_end(void *ud, int result) {
  flow_client *fc = ud;
  fc->ended = true;
  fc->result = result;
}

static const edgefn_response_handler fc_handler = {sizeof(edgefn_response_handler), fc_head,
                                                   fc_body, fc_end};

static uint64_t ms_now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

/* Runs the loop for about `ms` milliseconds whatever happens. */
static void run_for(edgefn_loop *loop, unsigned ms) {
  uint64_t end = ms_now() + ms;
  while (ms_now() < end) {
    edgefn_loop_run(loop, EDGEFN_RUN_NOWAIT);
    usleep(2000);
  }
}

/* Sends GET url, pauses at FLOW_PAUSE_AT, checks that neither the host nor the origin moves
 * on while paused, resumes and reads to the end. Returns 0 or the line of the failure. */
static int paused_transfer(edge_env *e, const char *url, flow_client *fc) {
  memset(fc, 0, sizeof(*fc));
  fc->intact = true;
  edgefn_request req = EDGEFN_REQUEST_INIT;
  req.url = url;
  req.url_len = strlen(url);
  if (edgefn_edge_handle(e->edge, e->loop, &req, &fc_handler, fc) != 0)
    return __LINE__;
  uint64_t deadline = ms_now() + 20000;
  while (!fc->paused && !fc->ended && ms_now() < deadline)
    edgefn_loop_run(e->loop, EDGEFN_RUN_ONCE);
  if (!fc->paused || fc->ended) {
    fprintf(stderr, "  no pause: flow %p, got %zu, ended %d\n", (void *)fc->flow, fc->got,
            fc->ended);
    return __LINE__;
  }
  run_for(e->loop, 400);
  size_t sent = __atomic_load_n(&origin_stream_sent, __ATOMIC_SEQ_CST);
  fprintf(stderr, "  paused at %zu bytes; origin had sent %zu of %u after 400 ms\n",
          fc->got_at_pause, sent, FLOW_BODY);
  if (fc->got != fc->got_at_pause || fc->ended)
    return __LINE__;
  /* The origin's 64 KiB send buffer and the receiver's socket buffer hold a few MiB at
   * most: without the pause reaching curl the whole body would have gone. */
  if (sent > FLOW_BODY / 2)
    return __LINE__;
  fc->paused = false;
  if (edgefn_body_flow_resume(fc->flow) != 0)
    return __LINE__;
  deadline = ms_now() + 60000;
  while (!fc->ended && ms_now() < deadline)
    edgefn_loop_run(e->loop, EDGEFN_RUN_ONCE);
  return fc->ended ? 0 : __LINE__;
}

TEST(edge_flow_default_path_pauses_origin) {
  edge_env e;
  ASSERT_EQ(eenv_open(&e, NULL, false), 0);
  flow_client fc;
  char url[64];
  snprintf(url, sizeof(url), "http://site.test/stream/%u", FLOW_BODY);
  ASSERT_EQ(paused_transfer(&e, url, &fc), 0);
  ASSERT_EQ(fc.result, 0);
  ASSERT_EQ(fc.status, 200);
  ASSERT_EQ(fc.got, (size_t)FLOW_BODY);
  ASSERT(fc.intact);
  eenv_close(&e);
  return 0;
}

/* A cache fill whose client pauses: the client holds its own transfer, the fill goes on at
 * the client's pace and is stored whole at the end (docs/javascript.md). */
TEST(edge_flow_cache_fill_while_paused) {
  edge_env e;
  edgefn_cache_options co = EDGEFN_CACHE_OPTIONS_INIT;
  co.shards = 1;
  co.memory_budget = 3u * FLOW_BODY;
  co.max_entry_size = 2u * FLOW_BODY;
  ASSERT_EQ(eenv_open_full(&e, NULL, true, &co, NULL), 0);
  int hits0 = __atomic_load_n(&origin_stream_hits, __ATOMIC_SEQ_CST);
  flow_client fc;
  char url[64];
  snprintf(url, sizeof(url), "http://site.test/stream/%u?cache", FLOW_BODY);
  ASSERT_EQ(paused_transfer(&e, url, &fc), 0);
  ASSERT_EQ(fc.result, 0);
  ASSERT_STREQ(fc.cache_status, "MISS");
  ASSERT_EQ(fc.got, (size_t)FLOW_BODY);
  ASSERT(fc.intact);
  /* Stored whole: the next client is a hit with the same bytes, without the origin. */
  memset(&fc, 0, sizeof(fc));
  fc.intact = true;
  edgefn_request req = EDGEFN_REQUEST_INIT;
  req.url = url;
  req.url_len = strlen(url);
  ASSERT_EQ(edgefn_edge_handle(e.edge, e.loop, &req, &fc_handler, &fc), 0);
  while (!fc.ended)
    edgefn_loop_run(e.loop, EDGEFN_RUN_ONCE);
  ASSERT_EQ(fc.result, 0);
  ASSERT_STREQ(fc.cache_status, "HIT");
  ASSERT_EQ(fc.got, (size_t)FLOW_BODY);
  ASSERT(fc.intact);
  ASSERT_EQ(__atomic_load_n(&origin_stream_hits, __ATOMIC_SEQ_CST), hits0 + 1);
  eenv_close(&e);
  return 0;
}

/* `return fetch(same host)`: the host's pause stops the runtime reading the subrequest's
 * stream, its buffer fills, the runtime pauses the router, which pauses the cache fetcher,
 * which pauses curl. The function's subrequests are counted by outcome. */
TEST(edge_flow_subrequest_pauses_origin) {
  edge_env e;
  char src[1024];
  snprintf(src, sizeof(src),
           "addEventListener('fetch', function (ev) {\n"
           "  var u = ev.request.url;\n"
           "  if (u.indexOf('/fn/stream') > 0)\n"
           "    return ev.respondWith(fetch('http://site.test/stream/%u'));\n"
           "  if (u.indexOf('/fn/fail') > 0)\n"
           "    return ev.respondWith(fetch('http://127.0.0.1:1/').then(function () {\n"
           "      return new Response('reached'); }, function (e) {\n"
           "      return new Response(e.name); }));\n"
           "  var c = new AbortController();\n"
           "  var p = fetch(PUBLIC + '/delay/3000', {signal: c.signal});\n"
           "  setTimeout(function () { c.abort(); }, 20);\n"
           "  ev.respondWith(p.then(function () { return new Response('done'); },\n"
           "    function (e) { return new Response(e.name); }));\n"
           "});",
           FLOW_BODY);
  edgefn_cache_options co = EDGEFN_CACHE_OPTIONS_INIT;
  /* 24 MiB through the function's streams is charged to its request: room for a loaded
   * machine and a sanitizer build. */
  eenv_cpu_limit_ms = 20000;
  int open_rc = eenv_open_full(&e, src, true, &co, NULL);
  eenv_cpu_limit_ms = 0;
  ASSERT_EQ(open_rc, 0);
  flow_client fc;
  ASSERT_EQ(paused_transfer(&e, "http://site.test/fn/stream", &fc), 0);
  if (fc.result != 0)
    fprintf(stderr, "log: %s\n", e.log.text);
  ASSERT_EQ(fc.result, 0);
  ASSERT_EQ(fc.status, 200);
  ASSERT_EQ(fc.got, (size_t)FLOW_BODY);
  ASSERT(fc.intact);
  collected c;
  ASSERT_EQ(eenv_get(&e, "http://site.test/fn/fail", &c), 0);
  ASSERT_STREQ(c.body, "TypeError");
  collected_free(&c);
  ASSERT_EQ(eenv_get(&e, "http://site.test/fn/abort", &c), 0);
  ASSERT_STREQ(c.body, "AbortError");
  collected_free(&c);
  edgefn_edge_stats st = EDGEFN_EDGE_STATS_INIT;
  ASSERT_EQ(edgefn_edge_stats_get(e.edge, e.loop, "fn", &st), 0);
  ASSERT_EQ(st.subrequests_ok, 1u);
  ASSERT_EQ(st.subrequests_failed, 1u);
  ASSERT_EQ(st.subrequests_canceled, 1u);
  eenv_close(&e);
  return 0;
}

/* A function's streamed upload to its own host goes router → cache fetcher → curl, each
 * passing the body source on (version 3), and arrives whole. */
TEST(edge_flow_streamed_upload_through_cache) {
  edge_env e;
  ASSERT_EQ(eenv_open(&e,
                      "var CH = new Uint8Array(251 * 256);\n"
                      "for (var i = 0; i < CH.length; i++) CH[i] = i % 251;\n"
                      "addEventListener('fetch', function (ev) {\n"
                      "  var n = 0;\n"
                      "  var body = new ReadableStream({ pull: function (c) {\n"
                      "    if (n++ < 40) c.enqueue(CH); else c.close();\n"
                      "  } });\n"
                      "  ev.respondWith(fetch('http://site.test/sink', {method: 'POST',\n"
                      "    body: body, duplex: 'half'}));\n"
                      "});",
                      true),
            0);
  collected c;
  ASSERT_EQ(eenv_get(&e, "http://site.test/fn/upload", &c), 0);
  ASSERT_EQ(c.status, 200);
  ASSERT_STREQ(c.body, "sink 2570240 ok");
  ASSERT(strstr(c.headers, "BYPASS") != NULL); /* an unsafe method passes the cache */
  collected_free(&c);
  eenv_close(&e);
  return 0;
}
