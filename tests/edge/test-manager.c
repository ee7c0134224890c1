/* The runtime manager behind edgefn_edge (lib/edge/manager.c): runtimes made on demand,
 * evicted least recently used under the loop's memory budget but never while busy, the
 * per-function runtime cap, shedding with 503 + Retry-After, version switches with requests
 * in flight, the figures, and updates from another thread while a loop serves. */
#include "js/harness.h"
#include "test.h"

#include <pthread.h>

#define MAX_FNS 8

typedef struct menv {
  edgefn_loop *loop;
  edgefn_rules *rules;
  edgefn_script *scripts[MAX_FNS];
  edgefn_edge *edge;
  log_capture log;
  size_t n;
} menv;

/* Function i is "f<i>", reached under /f<i>/. /slow answers after a 30 ms timer (/slow-long
 * after 400 ms, for when the test does other work meanwhile); anything else at once. Each answers "<VERSION> <name> slow|fast". */
static const char fn_src[] =
    "addEventListener('fetch', function (ev) {\n"
    "  var body = VERSION + ' ' + NAME;\n"
    "  var ms = ev.request.url.indexOf('/slow-long') > 0 ? 400 : 30;\n"
    "  if (ev.request.url.indexOf('/geo') > 0)\n"
    "    return ev.respondWith(new Response([ev.request.url, ev.request.cf.country,\n"
    "        ev.request.cf.city, ev.request.eo.uuid].join(' ')));\n"
    "  if (ev.request.url.indexOf('/busy') > 0) {\n"
    "    for (var i = 0, x = 0; i < 300000; i++) x = (x + i) % 1000003;\n"
    "    return ev.respondWith(new Response(body + ' ' + x));\n"
    "  }\n"
    "  if (ev.request.url.indexOf('/slow') > 0)\n"
    "    ev.respondWith(new Promise(function (res) {\n"
    "      setTimeout(function () { res(new Response(body + ' slow')); }, ms);\n"
    "    }));\n"
    "  else\n"
    "    ev.respondWith(new Response(body + ' fast'));\n"
    "});\n";

static edgefn_script *compile_fn(size_t i, const char *version) {
  char src[2048];
  snprintf(src, sizeof(src), "var NAME = 'f%zu', VERSION = '%s';\n%s", i, version, fn_src);
  edgefn_script_options so = EDGEFN_SCRIPT_OPTIONS_INIT;
  so.source = src;
  so.source_len = strlen(src);
  so.filename = "fn.js";
  edgefn_script *s = NULL;
  return edgefn_script_new(&s, &so, NULL) == 0 ? s : NULL;
}

/* eo carries the manager settings under test; functions, rules and log are filled here. */
static int menv_open(menv *e, size_t n, edgefn_edge_options *eo) {
  memset(e, 0, sizeof(*e));
  e->n = n;
  if (edgefn_loop_new(&e->loop, NULL) != 0)
    return -1;
  char json[4096] = "{\"rules\": [";
  edgefn_function fns[MAX_FNS];
  char names[MAX_FNS][8];
  for (size_t i = 0; i < n; i++) {
    snprintf(names[i], sizeof(names[i]), "f%zu", i);
    e->scripts[i] = compile_fn(i, "v1");
    if (!e->scripts[i])
      return -1;
    fns[i] = (edgefn_function)EDGEFN_FUNCTION_INIT;
    fns[i].name = names[i];
    fns[i].script = e->scripts[i];
    size_t o = strlen(json);
    snprintf(json + o, sizeof(json) - o,
             "%s{\"function\": \"f%zu\", \"match\": [[{\"field\": \"path\", \"operator\": "
             "\"prefix\", \"values\": [\"/f%zu/\"]}]]}",
             i ? ", " : "", i, i);
  }
  strcat(json, "]}");
  if (edgefn_rules_from_json(&e->rules, json, strlen(json), "rules.json", NULL) != 0)
    return -1;
  eo->functions = fns;
  eo->function_count = n;
  eo->rules = e->rules;
  eo->log = h_log;
  eo->log_user_data = &e->log;
  edgefn_error_info err = EDGEFN_ERROR_INFO_INIT;
  int rc = edgefn_edge_new(&e->edge, eo, &err);
  if (rc != 0) {
    fprintf(stderr, "edge: %s\n", err.message);
    return rc;
  }
  return edgefn_edge_attach(e->edge, e->loop);
}

static void menv_close(menv *e) {
  edgefn_edge_detach(e->edge, e->loop);
  edgefn_edge_free(e->edge);
  edgefn_rules_free(e->rules);
  for (size_t i = 0; i < e->n; i++)
    edgefn_script_free(e->scripts[i]);
  edgefn_loop_free(e->loop);
}

static int start(menv *e, const char *path, collected *c) {
  memset(c, 0, sizeof(*c));
  char url[256];
  snprintf(url, sizeof(url), "http://site.test%s", path);
  edgefn_request req = EDGEFN_REQUEST_INIT;
  req.url = url;
  req.url_len = strlen(url);
  return edgefn_edge_handle(e->edge, e->loop, &req, &h_handler, c);
}

/* Runs the loop until every response in cs has ended. */
static void wait_all(menv *e, collected *cs, size_t n) {
  for (;;) {
    size_t done = 0;
    for (size_t i = 0; i < n; i++)
      done += cs[i].ended;
    if (done == n)
      return;
    edgefn_loop_run(e->loop, EDGEFN_RUN_ONCE);
  }
}

static int get(menv *e, const char *path, collected *c) {
  int rc = start(e, path, c);
  if (rc == 0)
    wait_all(e, c, 1);
  return rc;
}

/* Lets deferred work (frees of idle runtimes) run. */
static void settle(menv *e) {
  for (int i = 0; i < 3; i++)
    edgefn_loop_run(e->loop, EDGEFN_RUN_NOWAIT);
}

static edgefn_edge_stats stats_of(menv *e, const char *name) {
  edgefn_edge_stats s = EDGEFN_EDGE_STATS_INIT;
  if (edgefn_edge_stats_get(e->edge, e->loop, name, &s) != 0)
    s.runtimes = (size_t)-1;
  return s;
}

/* The heap of one runtime of fn_src after a request: the unit the budgets below use. */
static size_t runtime_size(void) {
  menv e;
  edgefn_edge_options eo = EDGEFN_EDGE_OPTIONS_INIT;
  if (menv_open(&e, 1, &eo) != 0)
    return 0;
  collected c;
  get(&e, "/f0/", &c);
  collected_free(&c);
  size_t n = stats_of(&e, NULL).runtime_bytes;
  menv_close(&e);
  return n;
}

TEST(manager_lru_eviction_within_budget) {
  size_t one = runtime_size();
  ASSERT(one > 10000);
  menv e;
  edgefn_edge_options eo = EDGEFN_EDGE_OPTIONS_INIT;
  eo.runtime_memory_budget = 2 * one + one / 2; /* room for two runtimes, not three */
  ASSERT_EQ(menv_open(&e, 3, &eo), 0);
  ASSERT_EQ(stats_of(&e, NULL).runtimes, 0); /* nothing before the first request */
  collected c;
  const char *order[] = {"/f0/", "/f1/", "/f0/", "/f2/"};
  for (size_t i = 0; i < 4; i++) {
    ASSERT_EQ(get(&e, order[i], &c), 0);
    ASSERT_EQ(c.status, 200);
    collected_free(&c);
    settle(&e);
    ASSERT(stats_of(&e, NULL).runtime_bytes <= eo.runtime_memory_budget);
  }
  /* f1 was the least recently used when f2 needed room. */
  ASSERT_EQ(stats_of(&e, "f0").runtimes, 1);
  ASSERT_EQ(stats_of(&e, "f1").runtimes, 0);
  ASSERT_EQ(stats_of(&e, "f2").runtimes, 1);
  ASSERT_EQ(stats_of(&e, "f1").evictions, 1);
  /* f1 comes back with a cold start and pushes out f0, now the least recently used. */
  ASSERT_EQ(get(&e, "/f1/", &c), 0);
  ASSERT_STREQ(c.body, "v1 f1 fast");
  collected_free(&c);
  settle(&e);
  ASSERT_EQ(stats_of(&e, "f0").runtimes, 0);
  ASSERT_EQ(stats_of(&e, "f2").runtimes, 1);
  edgefn_edge_stats s = stats_of(&e, NULL);
  ASSERT_EQ(s.runtimes, 2);
  ASSERT_EQ(s.cold_starts, 4);
  ASSERT_EQ(s.evictions, 2);
  ASSERT_EQ(s.requests, 5);
  ASSERT_EQ(s.memory_budget, eo.runtime_memory_budget);
  ASSERT(s.runtime_bytes <= eo.runtime_memory_budget && s.runtime_bytes >= one);
  ASSERT(s.cold_start_ns > 0);
  menv_close(&e);
  return 0;
}

TEST(manager_never_evicts_busy_runtimes) {
  menv e;
  edgefn_edge_options eo = EDGEFN_EDGE_OPTIONS_INIT;
  eo.runtime_memory_budget = 1; /* every runtime is over budget: only busy ones may stay */
  ASSERT_EQ(menv_open(&e, 3, &eo), 0);
  collected cs[3];
  ASSERT_EQ(start(&e, "/f0/slow-long", &cs[0]), 0);
  ASSERT_EQ(start(&e, "/f1/slow-long", &cs[1]), 0);
  ASSERT_EQ(get(&e, "/f2/", &cs[2]), 0);
  settle(&e);
  /* f2 was idle and went; the two busy ones stayed. */
  ASSERT_EQ(stats_of(&e, "f0").runtimes, 1);
  ASSERT_EQ(stats_of(&e, "f1").runtimes, 1);
  ASSERT_EQ(stats_of(&e, "f2").runtimes, 0);
  ASSERT_EQ(stats_of(&e, NULL).in_flight, 2);
  wait_all(&e, cs, 3);
  ASSERT_STREQ(cs[0].body, "v1 f0 slow");
  ASSERT_STREQ(cs[1].body, "v1 f1 slow");
  ASSERT_STREQ(cs[2].body, "v1 f2 fast");
  settle(&e);
  edgefn_edge_stats s = stats_of(&e, NULL);
  ASSERT_EQ(s.runtimes, 0);
  ASSERT_EQ(s.runtime_bytes, 0);
  ASSERT_EQ(s.evictions, 3);
  ASSERT_EQ(s.in_flight, 0);
  for (size_t i = 0; i < 3; i++)
    collected_free(&cs[i]);
  menv_close(&e);
  return 0;
}

TEST(manager_runtimes_per_function_cap) {
  menv e;
  edgefn_edge_options eo = EDGEFN_EDGE_OPTIONS_INIT;
  eo.runtime_concurrency = 2; /* a second runtime once the first has two requests */
  eo.max_runtimes_per_function = 2;
  ASSERT_EQ(menv_open(&e, 1, &eo), 0);
  collected cs[6];
  for (size_t i = 0; i < 6; i++)
    ASSERT_EQ(start(&e, "/f0/slow", &cs[i]), 0);
  edgefn_edge_stats s = stats_of(&e, "f0");
  ASSERT_EQ(s.runtimes, 2);
  ASSERT_EQ(s.cold_starts, 2);
  ASSERT_EQ(s.in_flight, 6); /* beyond the cap requests share the runtimes */
  wait_all(&e, cs, 6);
  for (size_t i = 0; i < 6; i++) {
    ASSERT_STREQ(cs[i].body, "v1 f0 slow");
    collected_free(&cs[i]);
  }
  /* Idle again: the next request reuses a runtime rather than starting a third. */
  ASSERT_EQ(get(&e, "/f0/", &cs[0]), 0);
  collected_free(&cs[0]);
  ASSERT_EQ(stats_of(&e, "f0").cold_starts, 2);
  menv_close(&e);
  return 0;
}

TEST(manager_sheds_with_503_and_retry_after) {
  menv e;
  edgefn_edge_options eo = EDGEFN_EDGE_OPTIONS_INIT;
  eo.function_concurrency = 2;
  eo.function_queue = 1;
  eo.retry_after_s = 7;
  ASSERT_EQ(menv_open(&e, 2, &eo), 0);
  collected cs[5];
  for (size_t i = 0; i < 5; i++)
    ASSERT_EQ(start(&e, "/f0/slow-long", &cs[i]), 0);
  edgefn_edge_stats s = stats_of(&e, "f0");
  ASSERT_EQ(s.in_flight, 2);
  ASSERT_EQ(s.queued, 1);
  ASSERT_EQ(s.shed, 2);
  /* The shed ones were answered at once. */
  for (size_t i = 3; i < 5; i++) {
    ASSERT(cs[i].ended);
    ASSERT_EQ(cs[i].status, 503);
    ASSERT(strstr(cs[i].headers, "retry-after: 7\n") != NULL);
    ASSERT_STREQ(cs[i].function, "f0"); /* the edge's own 503 names the function */
  }
  /* Another function is not held back by f0's flood. */
  collected other;
  ASSERT_EQ(get(&e, "/f1/", &other), 0);
  ASSERT_STREQ(other.body, "v1 f1 fast");
  ASSERT_STREQ(other.function, "f1");
  ASSERT(!cs[2].ended);
  collected_free(&other);
  /* The queued request runs when a slot frees up. */
  wait_all(&e, cs, 5);
  for (size_t i = 0; i < 3; i++)
    ASSERT_STREQ(cs[i].body, "v1 f0 slow");
  s = stats_of(&e, NULL);
  ASSERT_EQ(s.shed, 2);
  ASSERT_EQ(s.queued, 0);
  ASSERT_EQ(s.requests, 4); /* three of f0 accepted, one of f1 */
  for (size_t i = 0; i < 5; i++)
    collected_free(&cs[i]);
  /* A per-function setting overrides the edge's: covered by the struct's own fields. */
  menv_close(&e);
  return 0;
}

TEST(manager_version_switch_with_request_in_flight) {
  menv e;
  edgefn_edge_options eo = EDGEFN_EDGE_OPTIONS_INIT;
  eo.function_concurrency = 1; /* so that one request waits in the queue over the switch */
  ASSERT_EQ(menv_open(&e, 1, &eo), 0);
  collected old_c, queued_c, new_c;
  ASSERT_EQ(start(&e, "/f0/slow-long", &old_c), 0);
  ASSERT_EQ(start(&e, "/f0/", &queued_c), 0);
  ASSERT_EQ(stats_of(&e, NULL).queued, 1);
  edgefn_script *v2 = compile_fn(0, "v2");
  ASSERT(v2 != NULL);
  edgefn_function fn = EDGEFN_FUNCTION_INIT;
  fn.name = "f0";
  fn.script = v2;
  fn.concurrency = 4;
  ASSERT_EQ(edgefn_edge_update_function(e.edge, &fn, NULL), 0);
  edgefn_script_free(v2); /* the edge keeps its own reference */
  ASSERT_EQ(start(&e, "/f0/", &new_c), 0);
  /* The new version answers at once while the old one's request is still running. */
  wait_all(&e, &new_c, 1);
  ASSERT_STREQ(new_c.body, "v2 f0 fast");
  ASSERT(!old_c.ended);
  ASSERT_EQ(stats_of(&e, NULL).runtimes, 2);
  wait_all(&e, &old_c, 1);
  wait_all(&e, &queued_c, 1);
  ASSERT_STREQ(old_c.body, "v1 f0 slow");
  ASSERT_STREQ(queued_c.body, "v2 f0 fast"); /* it had not started: it runs the new one */
  settle(&e);
  edgefn_edge_stats s = stats_of(&e, NULL);
  ASSERT_EQ(s.retired, 1);
  ASSERT_EQ(s.runtimes, 1);
  ASSERT_EQ(s.cold_starts, 2);
  collected_free(&old_c);
  collected_free(&queued_c);
  collected_free(&new_c);
  /* Updates that cannot apply leave the version in place. */
  fn.name = "nope";
  fn.script = e.scripts[0];
  edgefn_error_info err = EDGEFN_ERROR_INFO_INIT;
  ASSERT_EQ(edgefn_edge_update_function(e.edge, &fn, &err), EDGEFN_EINVAL);
  ASSERT(strstr(err.message, "nope") != NULL);
  fn.name = "f0";
  fn.script = NULL;
  ASSERT_EQ(edgefn_edge_update_function(e.edge, &fn, NULL), EDGEFN_EINVAL);
  ASSERT_EQ(edgefn_edge_update_function(NULL, &fn, NULL), EDGEFN_EINVAL);
  ASSERT_EQ(get(&e, "/f0/", &new_c), 0);
  ASSERT_STREQ(new_c.body, "v2 f0 fast");
  collected_free(&new_c);
  menv_close(&e);
  return 0;
}

TEST(manager_stats_and_prewarm) {
  menv e;
  edgefn_edge_options eo = EDGEFN_EDGE_OPTIONS_INIT;
  const char *warm[] = {"f1"};
  eo.prewarm = warm;
  eo.prewarm_count = 1;
  ASSERT_EQ(menv_open(&e, 2, &eo), 0);
  edgefn_edge_stats s = stats_of(&e, "f1");
  ASSERT_EQ(s.runtimes, 1);
  ASSERT_EQ(s.cold_starts, 1);
  ASSERT_EQ(s.requests, 0);
  ASSERT(s.runtime_bytes > 0);
  ASSERT_EQ(stats_of(&e, "f0").runtimes, 0);
  ASSERT_EQ(s.memory_budget, EDGEFN_DEFAULT_RUNTIME_MEMORY_BUDGET);
  collected c;
  ASSERT_EQ(get(&e, "/f1/", &c), 0);
  collected_free(&c);
  ASSERT_EQ(stats_of(&e, "f1").cold_starts, 1); /* served warm */
  ASSERT_EQ(stats_of(&e, "f1").requests, 1);
  ASSERT_EQ(get(&e, "/f0/", &c), 0);
  collected_free(&c);
  s = stats_of(&e, NULL);
  ASSERT_EQ(s.runtimes, 2);
  ASSERT_EQ(s.runtime_bytes, stats_of(&e, "f0").runtime_bytes + stats_of(&e, "f1").runtime_bytes);
  /* A caller built against the first layout gets only what its struct holds. */
  edgefn_edge_stats small;
  memset(&small, 0xAB, sizeof(small));
  small.struct_size = (uint32_t)(offsetof(edgefn_edge_stats, runtime_bytes) + sizeof(size_t));
  ASSERT_EQ(edgefn_edge_stats_get(e.edge, e.loop, NULL, &small), 0);
  ASSERT_EQ(small.runtimes, 2);
  ASSERT_EQ(small.struct_size, offsetof(edgefn_edge_stats, runtime_bytes) + sizeof(size_t));
  ASSERT(small.memory_budget != EDGEFN_DEFAULT_RUNTIME_MEMORY_BUDGET); /* untouched */
  /* Errors. */
  ASSERT_EQ(edgefn_edge_stats_get(e.edge, e.loop, "nope", &s), EDGEFN_EINVAL);
  ASSERT_EQ(edgefn_edge_stats_get(e.edge, NULL, NULL, &s), EDGEFN_EINVAL);
  s.struct_size = 4;
  ASSERT_EQ(edgefn_edge_stats_get(e.edge, e.loop, NULL, &s), EDGEFN_EVERSION);
  edgefn_loop *other;
  ASSERT_EQ(edgefn_loop_new(&other, NULL), 0);
  s.struct_size = sizeof(s);
  ASSERT_EQ(edgefn_edge_stats_get(e.edge, other, NULL, &s), EDGEFN_ESTATE);
  edgefn_loop_free(other);
  menv_close(&e);
  /* Pre-warming a function that does not exist is a configuration error. */
  const char *bad[] = {"f9"};
  eo = (edgefn_edge_options)EDGEFN_EDGE_OPTIONS_INIT;
  eo.prewarm = bad;
  eo.prewarm_count = 1;
  ASSERT(menv_open(&e, 1, &eo) == EDGEFN_EINVAL);
  edgefn_rules_free(e.rules);
  edgefn_script_free(e.scripts[0]);
  edgefn_loop_free(e.loop);
  return 0;
}

/* edgefn_edge_stats.cpu_ns: the CPU time of each function's JavaScript, counted when its
 * requests end (edgefn_runtime_cpu_ns underneath); the loop's total is the sum. */
TEST(manager_cpu_time_per_function) {
  menv e;
  edgefn_edge_options eo = EDGEFN_EDGE_OPTIONS_INIT;
  ASSERT_EQ(menv_open(&e, 2, &eo), 0);
  ASSERT_EQ(stats_of(&e, "f1").cpu_ns, 0);
  ASSERT_EQ(edgefn_runtime_cpu_ns(NULL), 0);
  collected c;
  /* The first request of each also pays the runtime's start (its top level). */
  ASSERT_EQ(get(&e, "/f0/", &c), 0);
  collected_free(&c);
  uint64_t f0_first = stats_of(&e, "f0").cpu_ns;
  ASSERT(f0_first > 0);
  ASSERT_EQ(stats_of(&e, "f1").cpu_ns, 0);
  ASSERT_EQ(get(&e, "/f0/", &c), 0);
  collected_free(&c);
  uint64_t fast = stats_of(&e, "f0").cpu_ns - f0_first;
  ASSERT(fast > 0);
  ASSERT_EQ(get(&e, "/f1/busy", &c), 0);
  ASSERT(c.status == 200);
  collected_free(&c);
  uint64_t f1_first = stats_of(&e, "f1").cpu_ns;
  ASSERT_EQ(stats_of(&e, "f0").cpu_ns, f0_first + fast); /* f1's work is not f0's */
  ASSERT_EQ(get(&e, "/f1/busy", &c), 0);
  collected_free(&c);
  uint64_t busy = stats_of(&e, "f1").cpu_ns - f1_first;
  /* 300 000 loop turns in Duktape take milliseconds; a small request, microseconds. */
  ASSERT(busy > 1000000u);
  ASSERT(busy > 10 * fast);
  ASSERT_EQ(stats_of(&e, NULL).cpu_ns, stats_of(&e, "f0").cpu_ns + stats_of(&e, "f1").cpu_ns);
  menv_close(&e);
  return 0;
}

typedef struct updater {
  edgefn_edge *edge;
  edgefn_loop *loop; /* whose figures the thread reads while the loop runs */
  int updates;
  int failures;
} updater;

static void *update_thread(void *arg) {
  updater *u = arg;
  for (int k = 2; k <= u->updates + 1; k++) {
    char version[16];
    snprintf(version, sizeof(version), "v%d", k);
    edgefn_script *s = compile_fn(0, version);
    edgefn_function fn = EDGEFN_FUNCTION_INIT;
    fn.name = "f0";
    fn.script = s;
    if (!s || edgefn_edge_update_function(u->edge, &fn, NULL) != 0)
      u->failures++;
    edgefn_edge_stats st = EDGEFN_EDGE_STATS_INIT;
    if (edgefn_edge_stats_get(u->edge, u->loop, "f0", &st) != 0 || st.runtimes > 2)
      u->failures++; /* at most the current runtime and one old one waiting to go */
    edgefn_script_free(s);
    struct timespec ts = {0, 200000};
    nanosleep(&ts, NULL);
  }
  return NULL;
}

TEST(manager_update_from_another_thread) {
  menv e;
  edgefn_edge_options eo = EDGEFN_EDGE_OPTIONS_INIT;
  ASSERT_EQ(menv_open(&e, 2, &eo), 0);
  updater u = {e.edge, e.loop, 50, 0};
  pthread_t t;
  ASSERT_EQ(pthread_create(&t, NULL, update_thread, &u), 0);
  int last = 1, seen_versions = 0;
  for (int i = 0; i < 400 && last < u.updates + 1; i++) {
    collected c[2];
    ASSERT_EQ(start(&e, "/f0/", &c[0]), 0);
    ASSERT_EQ(start(&e, "/f1/", &c[1]), 0);
    wait_all(&e, c, 2);
    int v = 0;
    ASSERT_EQ(sscanf(c[0].body, "v%d f0 fast", &v), 1);
    ASSERT(v >= last); /* versions only move forward */
    seen_versions += v != last;
    last = v;
    ASSERT_STREQ(c[1].body, "v1 f1 fast"); /* the other function is untouched */
    collected_free(&c[0]);
    collected_free(&c[1]);
    struct timespec ts = {0, 100000};
    nanosleep(&ts, NULL);
  }
  pthread_join(t, NULL);
  ASSERT_EQ(u.failures, 0);
  collected c;
  ASSERT_EQ(get(&e, "/f0/", &c), 0);
  char want[32];
  snprintf(want, sizeof(want), "v%d f0 fast", u.updates + 1);
  ASSERT_STREQ(c.body, want);
  collected_free(&c);
  settle(&e);
  edgefn_edge_stats s = stats_of(&e, NULL);
  ASSERT(seen_versions >= 1);
  ASSERT_EQ(s.runtimes, 2); /* every old version's runtime was freed */
  ASSERT_EQ(s.retired + 1, stats_of(&e, "f0").cold_starts);
  menv_close(&e);
  return 0;
}

TEST(manager_queued_request_keeps_its_fields) {
  menv e;
  edgefn_edge_options eo = EDGEFN_EDGE_OPTIONS_INIT;
  eo.function_concurrency = 1;
  ASSERT_EQ(menv_open(&e, 1, &eo), 0);
  collected first, queued;
  ASSERT_EQ(start(&e, "/f0/slow-long", &first), 0);
  /* Everything the request points to is gone once edgefn_edge_handle returns. */
  char *url = strdup("http://site.test/f0/geo?x=1");
  char *country = strdup("JP"), *city = strdup("Tokyo"), *rid = strdup("req-42");
  edgefn_geo *geo = malloc(sizeof(*geo));
  *geo = (edgefn_geo)EDGEFN_GEO_INIT;
  geo->country_alpha2 = country;
  geo->city_name = city;
  edgefn_request req = EDGEFN_REQUEST_INIT;
  req.url = url;
  req.url_len = strlen(url);
  req.geo = geo;
  req.request_id = rid;
  memset(&queued, 0, sizeof(queued));
  ASSERT_EQ(edgefn_edge_handle(e.edge, e.loop, &req, &h_handler, &queued), 0);
  ASSERT_EQ(stats_of(&e, NULL).queued, 1);
  memset(url, 'x', strlen(url));
  memset(country, 'x', 2);
  memset(city, 'x', 5);
  memset(rid, 'x', 6);
  free(url);
  free(country);
  free(city);
  free(rid);
  free(geo);
  wait_all(&e, &queued, 1);
  ASSERT(first.ended);
  ASSERT_STREQ(queued.body, "http://site.test/f0/geo?x=1 JP Tokyo req-42");
  collected_free(&first);
  collected_free(&queued);
  menv_close(&e);
  return 0;
}
