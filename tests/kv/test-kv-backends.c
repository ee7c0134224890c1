/* The KV suite against the SQLite and Redis backends. The Redis tests start a real
 * redis-server (Debian's; scripts/test installs it) on a free loopback port and stop it. */
#include "kv/kv-suite.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* ---- SQLite ---- */

static const char get_p1_script[] =
    "addEventListener('fetch', function (e) {\n"
    "  e.respondWith(Promise.all([KV.get('p/1'), KV.getWithMetadata('p/2'), KV.list({prefix: 'p/'})])\n"
    "    .then(function (r) { return new Response(r[0] + ' ' + JSON.stringify(r[1].metadata) +\n"
    "      ' ' + r[2].keys.length); }));\n"
    "});";

static int run_get_p1(edgefn_loop *loop, edgefn_kv *kv, char *out, size_t size) {
  edgefn_kv_binding binds[] = {{"KV", kv, "suite-a"}};
  edgefn_runtime_options ro = EDGEFN_RUNTIME_OPTIONS_INIT;
  ro.kv_bindings = binds;
  ro.kv_binding_count = 1;
  return kv_run_script(loop, get_p1_script, &ro, out, size);
}

TEST(kv_suite_sqlite_and_persistence) {
  char dir[] = "/tmp/edgefn-kv-XXXXXX";
  ASSERT(mkdtemp(dir) != NULL);
  char path[64];
  snprintf(path, sizeof(path), "%s/kv.db", dir);
  edgefn_loop *loop = NULL;
  ASSERT_EQ(edgefn_loop_new(&loop, NULL), 0);
  edgefn_kv *kv = NULL;
  ASSERT_EQ(edgefn_kv_sqlite_new(&kv, loop, path, NULL), 0);
  int rc = kv_suite_run(loop, kv);
  edgefn_kv_free(kv);
  ASSERT_EQ(rc, 0);
  /* An idle store keeps nothing on the loop. */
  ASSERT_EQ(edgefn_loop_alive(loop), 0);
  /* A new store on the same file (a restarted process) sees what was written. */
  ASSERT_EQ(edgefn_kv_sqlite_new(&kv, loop, path, NULL), 0);
  char out[256];
  ASSERT_EQ(run_get_p1(loop, kv, out, sizeof(out)), 0);
  ASSERT_STREQ(out, "v1 {\"i\":2} 5");
  edgefn_kv_free(kv);
  /* Errors: a path that cannot be opened, with the reason. */
  edgefn_error_info err = EDGEFN_ERROR_INFO_INIT;
  ASSERT_EQ(edgefn_kv_sqlite_new(&kv, loop, "/nonexistent-dir/x/kv.db", &err), EDGEFN_ESYSTEM);
  ASSERT(kv == NULL);
  ASSERT(strstr(err.message, "SQLite") != NULL);
  ASSERT_EQ(edgefn_kv_sqlite_new(&kv, NULL, path, NULL), EDGEFN_EINVAL);
  edgefn_loop_free(loop);
  char wal[80];
  unlink(path);
  snprintf(wal, sizeof(wal), "%s-wal", path);
  unlink(wal);
  snprintf(wal, sizeof(wal), "%s-shm", path);
  unlink(wal);
  ASSERT_EQ(rmdir(dir), 0);
  return 0;
}

/* Many calls in flight at once on the worker thread, then the store is freed with answers
 * still queued for the loop: every callback runs exactly once. */
typedef struct count_cb {
  int done, errors;
} count_cb;
static void count_done(void *d, int result) {
  count_cb *c = d;
  c->done++;
  if (result != 0 && result != EDGEFN_ECANCELED)
    c->errors++;
}

TEST(kv_sqlite_direct_calls_and_free_in_flight) {
  edgefn_loop *loop = NULL;
  ASSERT_EQ(edgefn_loop_new(&loop, NULL), 0);
  edgefn_kv *kv = NULL;
  ASSERT_EQ(edgefn_kv_sqlite_new(&kv, loop, ":memory:", NULL), 0);
  void *be;
  const edgefn_kv_ops *ops = edgefn_kv_backend(kv, &be);
  count_cb c = {0, 0};
  edgefn_kv_value v = {sizeof(v), (const uint8_t *)"x", 1, NULL, 0, 0};
  for (int i = 0; i < 200; i++) {
    char key[16];
    int n = snprintf(key, sizeof(key), "k%d", i);
    ASSERT_EQ(ops->put(be, "n", 1, key, (size_t)n, &v, count_done, &c), 0);
  }
  ASSERT_EQ(c.done, 0); /* never before the starting call returns */
  ASSERT(edgefn_loop_alive(loop));
  while (c.done < 100)
    edgefn_loop_run(loop, EDGEFN_RUN_ONCE);
  edgefn_kv_free(kv); /* the rest are answered now, done or canceled */
  ASSERT_EQ(c.done, 200);
  ASSERT_EQ(c.errors, 0);
  edgefn_loop_free(loop);
  return 0;
}

/* ---- Redis ---- */

typedef struct redis_server {
  pid_t pid;
  int port;
} redis_server;

static int free_port(void) {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  struct sockaddr_in a = {0};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof(a);
  if (fd < 0 || bind(fd, (struct sockaddr *)&a, sizeof(a)) != 0 ||
      getsockname(fd, (struct sockaddr *)&a, &len) != 0) {
    if (fd >= 0)
      close(fd);
    return -1;
  }
  close(fd);
  return ntohs(a.sin_port);
}

static bool port_open(int port) {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  struct sockaddr_in a = {0};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  a.sin_port = htons((uint16_t)port);
  bool ok = fd >= 0 && connect(fd, (struct sockaddr *)&a, sizeof(a)) == 0;
  if (fd >= 0)
    close(fd);
  return ok;
}

/* Starts redis-server on a free loopback port, persisting nothing. */
/* In the child: the server's log goes nowhere (stderr stays for exec failures). */
static void quiet_stdout(void) {
  FILE *f = freopen("/dev/null", "w", stdout);
  (void)f;
}

static int redis_start(redis_server *s) {
  s->port = free_port();
  if (s->port <= 0)
    return -1;
  char port[16];
  snprintf(port, sizeof(port), "%d", s->port);
  s->pid = fork();
  if (s->pid < 0)
    return -1;
  if (s->pid == 0) {
    quiet_stdout();
    execlp("redis-server", "redis-server", "--port", port, "--bind", "127.0.0.1", "--save", "",
           "--appendonly", "no", "--loglevel", "warning", (char *)NULL);
    fprintf(stderr, "cannot run redis-server (scripts/test installs Debian's redis-server): "
                    "%s\n",
            strerror(errno));
    _exit(127);
  }
  for (int i = 0; i < 500; i++) {
    if (port_open(s->port))
      return 0;
    int status;
    if (waitpid(s->pid, &status, WNOHANG) == s->pid)
      return -1;
    struct timespec ts = {0, 10 * 1000 * 1000};
    nanosleep(&ts, NULL);
  }
  kill(s->pid, SIGKILL);
  waitpid(s->pid, NULL, 0);
  return -1;
}

static void redis_stop(redis_server *s) {
  kill(s->pid, SIGTERM);
  waitpid(s->pid, NULL, 0);
}

static int redis_kv_new(edgefn_kv **kv, edgefn_loop *loop, int port, const char *prefix) {
  edgefn_kv_redis_options o = EDGEFN_KV_REDIS_OPTIONS_INIT;
  o.port = port;
  o.key_prefix = prefix;
  o.timeout_ms = 2000;
  return edgefn_kv_redis_new(kv, loop, &o);
}

TEST(kv_suite_redis) {
  redis_server srv;
  ASSERT_EQ(redis_start(&srv), 0);
  edgefn_loop *loop = NULL;
  ASSERT_EQ(edgefn_loop_new(&loop, NULL), 0);
  edgefn_kv *kv = NULL;
  ASSERT_EQ(redis_kv_new(&kv, loop, srv.port, NULL), 0);
  int rc = kv_suite_run(loop, kv);
  /* Idle: the connection stays open but keeps nothing alive on the loop. */
  int alive = edgefn_loop_alive(loop);
  /* The same data through a second connection with another prefix: nothing is shared. */
  edgefn_kv *other = NULL;
  char out[256] = "";
  if (rc == 0 && redis_kv_new(&other, loop, srv.port, "elsewhere:") == 0)
    run_get_p1(loop, other, out, sizeof(out));
  edgefn_kv_free(other);
  edgefn_kv_free(kv);
  edgefn_loop_free(loop);
  redis_stop(&srv);
  ASSERT_EQ(rc, 0);
  ASSERT_EQ(alive, 0);
  ASSERT_STREQ(out, "null null 0");
  return 0;
}

/* Two runtimes on two loops with two connections, standing in for two gateway processes:
 * each sees the other's writes and deletes. */
TEST(kv_redis_two_gateways_share_writes) {
  redis_server srv;
  ASSERT_EQ(redis_start(&srv), 0);
  edgefn_loop *l1 = NULL, *l2 = NULL;
  ASSERT_EQ(edgefn_loop_new(&l1, NULL), 0);
  ASSERT_EQ(edgefn_loop_new(&l2, NULL), 0);
  edgefn_kv *k1 = NULL, *k2 = NULL;
  ASSERT_EQ(redis_kv_new(&k1, l1, srv.port, NULL), 0);
  ASSERT_EQ(redis_kv_new(&k2, l2, srv.port, NULL), 0);
  edgefn_kv_binding b1[] = {{"SHARED", k1, "site"}}, b2[] = {{"SHARED", k2, "site"}};
  edgefn_runtime_options r1 = EDGEFN_RUNTIME_OPTIONS_INIT, r2 = EDGEFN_RUNTIME_OPTIONS_INIT;
  r1.kv_bindings = b1;
  r1.kv_binding_count = 1;
  r2.kv_bindings = b2;
  r2.kv_binding_count = 1;
  static const char writer[] =
      "addEventListener('fetch', function (e) { e.respondWith(\n"
      "  SHARED.put('visits', '41', {metadata: {by: 'one'}}).then(function () {\n"
      "  return SHARED.get('gone'); }).then(function (v) { return new Response('w ' + v); })); });";
  static const char reader[] =
      "addEventListener('fetch', function (e) { e.respondWith(\n"
      "  SHARED.getWithMetadata('visits').then(function (r) {\n"
      "    var n = Number(r.value) + 1;\n"
      "    return SHARED.put('visits', String(n)).then(function () {\n"
      "      return SHARED.put('gone', 'x'); }).then(function () {\n"
      "      return new Response('r ' + n + ' ' + r.metadata.by); }); })); });";
  static const char deleter[] =
      "addEventListener('fetch', function (e) { e.respondWith(\n"
      "  SHARED.get('gone').then(function (before) { return SHARED.delete('gone').then(\n"
      "    function () { return SHARED.list(); }).then(function (l) {\n"
      "    return new Response(before + ' ' + l.keys.map(function (k) { return k.name; })); }); })); });";
  char out[256];
  int rc = kv_run_script(l1, writer, &r1, out, sizeof(out));
  char w[256], r[256] = "", d[256] = "", again[256] = "";
  snprintf(w, sizeof(w), "%s", out);
  if (rc == 0)
    rc = kv_run_script(l2, reader, &r2, r, sizeof(r));
  if (rc == 0)
    rc = kv_run_script(l1, deleter, &r1, d, sizeof(d));
  if (rc == 0)
    rc = kv_run_script(l2, writer, &r2, again, sizeof(again));
  edgefn_kv_free(k1);
  edgefn_kv_free(k2);
  edgefn_loop_free(l1);
  edgefn_loop_free(l2);
  redis_stop(&srv);
  ASSERT_EQ(rc, 0);
  ASSERT_STREQ(w, "w null");
  ASSERT_STREQ(r, "r 42 one");
  ASSERT_STREQ(d, "x visits");
  ASSERT_STREQ(again, "w null");
  return 0;
}

/* A server that goes away: calls fail with a network error instead of hanging, and the
 * store reconnects once the server is back. */
TEST(kv_redis_server_down_and_back) {
  redis_server srv;
  ASSERT_EQ(redis_start(&srv), 0);
  int port = srv.port;
  edgefn_loop *loop = NULL;
  ASSERT_EQ(edgefn_loop_new(&loop, NULL), 0);
  edgefn_kv *kv = NULL;
  ASSERT_EQ(redis_kv_new(&kv, loop, port, NULL), 0);
  edgefn_kv_binding b[] = {{"KV", kv, NULL}};
  edgefn_runtime_options ro = EDGEFN_RUNTIME_OPTIONS_INIT;
  ro.kv_bindings = b;
  ro.kv_binding_count = 1;
  static const char src[] =
      "addEventListener('fetch', function (e) { e.respondWith(\n"
      "  KV.put('k', 'v').then(function () { return KV.get('k'); }).then(String, function (x) {\n"
      "    return x.message; }).then(function (t) { return new Response(t); })); });";
  char up[128] = "", down[128] = "", back[128] = "";
  int rc = kv_run_script(loop, src, &ro, up, sizeof(up));
  redis_stop(&srv);
  if (rc == 0)
    rc = kv_run_script(loop, src, &ro, down, sizeof(down));
  /* Restart on the same port. */
  pid_t pid = fork();
  if (pid == 0) {
    quiet_stdout();
    char p[16];
    snprintf(p, sizeof(p), "%d", port);
    execlp("redis-server", "redis-server", "--port", p, "--bind", "127.0.0.1", "--save", "",
           "--appendonly", "no", "--loglevel", "warning", (char *)NULL);
    _exit(127);
  }
  for (int i = 0; i < 500 && !port_open(port); i++) {
    struct timespec ts = {0, 10 * 1000 * 1000};
    nanosleep(&ts, NULL);
  }
  if (rc == 0) {
    /* The first call after the outage may still meet the dead connection. */
    rc = kv_run_script(loop, src, &ro, back, sizeof(back));
    if (rc == 0 && strcmp(back, "v") != 0)
      rc = kv_run_script(loop, src, &ro, back, sizeof(back));
  }
  edgefn_kv_free(kv);
  edgefn_loop_free(loop);
  kill(pid, SIGTERM);
  waitpid(pid, NULL, 0);
  ASSERT_EQ(rc, 0);
  ASSERT_STREQ(up, "v");
  ASSERT_STREQ(down, "KV put failed: network error");
  ASSERT_STREQ(back, "v");
  return 0;
}
