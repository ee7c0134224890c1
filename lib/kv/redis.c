/* The Redis KV backend: hiredis's asynchronous API driven by the loop, so gateways on many
 * machines share one store without a blocking call on any loop.
 *
 * Layout in Redis (P = the key prefix, NUL bytes separate the parts so no namespace or key
 * can forge another's name):
 *   P "v" NUL ns NUL key  a hash: v = value, m = metadata JSON (absent: none), e = expiration;
 *                         EXPIREAT makes Redis drop it at its expiration
 *   P "i" NUL ns          a sorted set of the namespace's key names, all with score 0, so
 *                         ZRANGEBYLEX walks them in byte order for list()
 * put, delete and list are Lua scripts, so each is atomic and one round trip; list drops
 * index entries whose hash Redis expired.
 *
 * hiredis's I/O hooks (ev.addRead, ...) drive one edgefn__watch. Reading is watched only
 * while replies are awaited, so an idle connection does not keep edgefn_loop_run() alive
 * (a connection the server dropped while idle is noticed by the next command, which fails
 * and makes the one after reconnect). A timer fails every waiting command when the oldest
 * is not answered within the timeout, by dropping the connection. */
#include "kv/kv.h"
#include "loop/loop.h"

#include <hiredis/async.h>
#include <hiredis/hiredis.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>

static const char put_script[] =
    "redis.call('DEL', KEYS[1])\n"
    "redis.call('HSET', KEYS[1], 'v', ARGV[1], 'e', ARGV[3])\n"
    "if ARGV[4] == '1' then redis.call('HSET', KEYS[1], 'm', ARGV[5]) end\n"
    "if ARGV[3] ~= '0' then redis.call('EXPIREAT', KEYS[1], ARGV[3]) end\n"
    "redis.call('ZADD', KEYS[2], 0, ARGV[2])\n"
    "return 1\n";

static const char delete_script[] = "redis.call('DEL', KEYS[1])\n"
                                    "redis.call('ZREM', KEYS[2], ARGV[1])\n"
                                    "return 1\n";

/* KEYS[1] = the index; ARGV = value-key base, prefix, cursor ('' = from the start), limit.
 * Returns {complete, {name, metadata or false, expiration, ...}}. */
static const char list_script[] =
    "local base, prefix, limit = ARGV[1], ARGV[2], tonumber(ARGV[4])\n"
    "local min = '-'\n"
    "if prefix ~= '' then min = '[' .. prefix end\n"
    "if ARGV[3] ~= '' then min = '(' .. ARGV[3] end\n"
    "local out, n = {}, 0\n"
    "while true do\n"
    "  local batch = redis.call('ZRANGEBYLEX', KEYS[1], min, '+', 'LIMIT', 0, limit + 1)\n"
    "  if #batch == 0 then return {1, out} end\n"
    "  for _, name in ipairs(batch) do\n"
    "    if string.sub(name, 1, #prefix) ~= prefix then return {1, out} end\n"
    "    local h = redis.call('HMGET', base .. name, 'm', 'e')\n"
    "    if h[2] then\n"
    "      if n == limit then return {0, out} end\n"
    "      n = n + 1\n"
    "      out[#out + 1] = name\n"
    "      out[#out + 1] = h[1] or false\n"
    "      out[#out + 1] = h[2]\n"
    "    else\n"
    "      redis.call('ZREM', KEYS[1], name)\n"
    "    end\n"
    "    min = '(' .. name\n"
    "  end\n"
    "end\n";

enum { CMD_GET, CMD_PUT, CMD_DELETE, CMD_LIST };

typedef struct redis_kv redis_kv;

typedef struct cmd {
  redis_kv *k;
  int kind;
  uint32_t limit;
  union {
    edgefn_kv_get_cb get;
    edgefn_kv_done_cb done;
    edgefn_kv_list_cb list;
  } cb;
  void *cb_data;
} cmd;

struct redis_kv {
  edgefn_loop *loop;
  char *host;
  int port;
  char *prefix;
  size_t prefix_len;
  uint32_t timeout_ms;
  redisAsyncContext *ac;
  edgefn__watch watch;
  bool want_read, want_write;
  edgefn__timer timer;
  size_t pending;       /* commands sent and not answered */
  int busy;             /* depth of calls into hiredis that may run callbacks */
  bool release_pending; /* released while busy: the outermost call finishes it */
  bool releasing;
};

/* ---- the event hooks hiredis calls ---- */

static void update_watch(redis_kv *k) {
  uint32_t ev = 0;
  if (k->ac && k->want_read && k->pending > 0)
    ev |= EPOLLIN;
  if (k->ac && k->want_write)
    ev |= EPOLLOUT;
  if (!ev) {
    edgefn__watch_stop(k->loop, &k->watch);
    return;
  }
  if (edgefn__watch_set(k->loop, &k->watch, k->ac->c.fd, ev) != 0)
    edgefn__watch_stop(k->loop, &k->watch); /* the timeout will fail the commands */
}

static void ev_add_read(void *d) {
  redis_kv *k = d;
  k->want_read = true;
  update_watch(k);
}
static void ev_del_read(void *d) {
  redis_kv *k = d;
  k->want_read = false;
  update_watch(k);
}
static void ev_add_write(void *d) {
  redis_kv *k = d;
  k->want_write = true;
  update_watch(k);
}
static void ev_del_write(void *d) {
  redis_kv *k = d;
  k->want_write = false;
  update_watch(k);
}
static void ev_cleanup(void *d) {
  redis_kv *k = d;
  k->want_read = k->want_write = false;
  k->ac = NULL;
  edgefn__watch_stop(k->loop, &k->watch);
}

static void on_disconnect(const redisAsyncContext *ac, int status) {
  (void)status;
  redis_kv *k = ac->ev.data;
  if (k && k->ac == ac)
    k->ac = NULL;
}

static void on_connect(const redisAsyncContext *ac, int status) {
  if (status != REDIS_OK)
    on_disconnect(ac, status); /* hiredis frees it and fails its commands */
}

static void free_now(redis_kv *k) {
  edgefn__timer_stop(k->loop, &k->timer);
  edgefn__watch_stop(k->loop, &k->watch);
  free(k->host);
  free(k->prefix);
  free(k);
}

/* Drops the connection: hiredis answers every waiting command with no reply. */
static void drop_connection(redis_kv *k) {
  redisAsyncContext *ac = k->ac;
  if (!ac)
    return;
  k->ac = NULL;
  k->busy++;
  redisAsyncFree(ac);
  k->busy--;
}

static void leave(redis_kv *k) {
  if (k->busy == 0 && k->release_pending)
    free_now(k);
}

static void on_io(edgefn__watch *w, uint32_t events) {
  redis_kv *k = w->data;
  k->busy++;
  if ((events & (EPOLLIN | EPOLLERR | EPOLLHUP)) && k->ac)
    redisAsyncHandleRead(k->ac);
  if ((events & (EPOLLOUT | EPOLLERR)) && k->ac)
    redisAsyncHandleWrite(k->ac);
  k->busy--;
  leave(k);
}

static void on_timeout(edgefn__timer *t) {
  redis_kv *k = t->data;
  drop_connection(k);
  leave(k);
}

static int ensure_connected(redis_kv *k) {
  if (k->ac)
    return 0;
  redisAsyncContext *ac = redisAsyncConnect(k->host, k->port);
  if (!ac)
    return EDGEFN_ENOMEM;
  if (ac->err) {
    redisAsyncFree(ac);
    return EDGEFN_ENETWORK;
  }
  ac->ev.data = k;
  ac->ev.addRead = ev_add_read;
  ac->ev.delRead = ev_del_read;
  ac->ev.addWrite = ev_add_write;
  ac->ev.delWrite = ev_del_write;
  ac->ev.cleanup = ev_cleanup;
  redisAsyncSetConnectCallback(ac, on_connect);
  redisAsyncSetDisconnectCallback(ac, on_disconnect);
  k->ac = ac;
  return 0;
}

/* ---- replies ---- */

static void reply_get(cmd *c, int result, redisReply *r) {
  if (result == 0 && (r->type != REDIS_REPLY_ARRAY || r->elements != 3))
    result = EDGEFN_ESYSTEM;
  if (result != 0 || r->element[0]->type != REDIS_REPLY_STRING) {
    c->cb.get(c->cb_data, result, NULL);
    return;
  }
  redisReply *v = r->element[0], *m = r->element[1], *e = r->element[2];
  int64_t exp = e->type == REDIS_REPLY_STRING ? strtoll(e->str, NULL, 10) : 0;
  if (kv__expired(exp, kv__now_s())) { /* Redis has not dropped it yet */
    c->cb.get(c->cb_data, 0, NULL);
    return;
  }
  bool has_meta = m->type == REDIS_REPLY_STRING;
  edgefn_kv_value val = {sizeof(val),         (const uint8_t *)v->str, v->len,
                         has_meta ? m->str : NULL, has_meta ? m->len : 0, exp};
  c->cb.get(c->cb_data, 0, &val);
}

static void reply_list(cmd *c, int result, redisReply *r) {
  if (result == 0 && (r->type != REDIS_REPLY_ARRAY || r->elements != 2 ||
                      r->element[1]->type != REDIS_REPLY_ARRAY ||
                      r->element[1]->elements % 3 != 0 ||
                      r->element[1]->elements / 3 > c->limit))
    result = EDGEFN_ESYSTEM;
  if (result != 0) {
    c->cb.list(c->cb_data, result, NULL);
    return;
  }
  redisReply *items = r->element[1];
  size_t n = items->elements / 3;
  edgefn_kv_key *keys = calloc(n + 1, sizeof(*keys));
  if (!keys) {
    c->cb.list(c->cb_data, EDGEFN_ENOMEM, NULL);
    return;
  }
  for (size_t i = 0; i < n; i++) {
    redisReply *name = items->element[3 * i], *m = items->element[3 * i + 1],
               *e = items->element[3 * i + 2];
    bool has_meta = m->type == REDIS_REPLY_STRING;
    keys[i] = (edgefn_kv_key){sizeof(edgefn_kv_key),
                              name->str ? name->str : "",
                              name->len,
                              has_meta ? m->str : NULL,
                              has_meta ? m->len : 0,
                              e->type == REDIS_REPLY_STRING ? strtoll(e->str, NULL, 10) : 0};
  }
  bool complete = r->element[0]->integer != 0 || n == 0;
  edgefn_kv_list_result lr = {sizeof(lr), keys, n, complete,
                              complete ? "" : keys[n - 1].name,
                              complete ? 0 : keys[n - 1].name_len};
  c->cb.list(c->cb_data, 0, &lr);
  free(keys);
}

static void on_reply(redisAsyncContext *ac, void *reply, void *privdata) {
  (void)ac;
  cmd *c = privdata;
  redis_kv *k = c->k;
  redisReply *r = reply;
  k->pending--;
  if (k->pending == 0)
    edgefn__timer_stop(k->loop, &k->timer);
  else
    (void)edgefn__timer_start(k->loop, &k->timer, k->timeout_ms); /* for the next reply */
  update_watch(k);
  int result = !r ? (k->releasing ? EDGEFN_ECANCELED : EDGEFN_ENETWORK)
               : r->type == REDIS_REPLY_ERROR ? EDGEFN_ESYSTEM
                                              : 0;
  switch (c->kind) {
  case CMD_GET:
    reply_get(c, result, r);
    break;
  case CMD_LIST:
    reply_list(c, result, r);
    break;
  default:
    c->cb.done(c->cb_data, result);
  }
  free(c);
}

/* ---- sending ---- */

/* Builds P tag NUL ns [NUL key] into a new string. */
static char *make_name(const redis_kv *k, char tag, const char *ns, size_t ns_len,
                       const char *key, size_t key_len, bool with_key, size_t *len) {
  size_t n = k->prefix_len + 2 + ns_len + (with_key ? 1 + key_len : 0);
  char *s = malloc(n + 1);
  if (!s)
    return NULL;
  char *p = s;
  memcpy(p, k->prefix, k->prefix_len);
  p += k->prefix_len;
  *p++ = tag;
  *p++ = 0;
  memcpy(p, ns, ns_len);
  p += ns_len;
  if (with_key) {
    *p++ = 0;
    if (key_len)
      memcpy(p, key, key_len);
  }
  *len = n;
  return s;
}

static int send_cmd(redis_kv *k, cmd *c, int argc, const char **argv, const size_t *lens) {
  /* A command started from an answer the release gives must not reconnect. */
  int rc = k->releasing ? EDGEFN_ECANCELED : ensure_connected(k);
  if (rc == 0 && redisAsyncCommandArgv(k->ac, on_reply, c, argc, argv, lens) != REDIS_OK)
    rc = EDGEFN_ENETWORK;
  if (rc != 0) {
    free(c);
    return rc;
  }
  if (k->pending++ == 0)
    (void)edgefn__timer_start(k->loop, &k->timer, k->timeout_ms);
  update_watch(k);
  return 0;
}

static cmd *cmd_new(redis_kv *k, int kind, void *cb_data) {
  cmd *c = calloc(1, sizeof(*c));
  if (c) {
    c->k = k;
    c->kind = kind;
    c->cb_data = cb_data;
  }
  return c;
}

static int rd_get(void *backend, const char *ns, size_t ns_len, const char *key,
                  size_t key_len, edgefn_kv_get_cb cb, void *cb_data) {
  redis_kv *k = backend;
  size_t vl;
  char *vkey = make_name(k, 'v', ns, ns_len, key, key_len, true, &vl);
  cmd *c = cmd_new(k, CMD_GET, cb_data);
  if (!vkey || !c) {
    free(vkey);
    free(c);
    return EDGEFN_ENOMEM;
  }
  c->cb.get = cb;
  const char *argv[] = {"HMGET", vkey, "v", "m", "e"};
  size_t lens[] = {5, vl, 1, 1, 1};
  int rc = send_cmd(k, c, 5, argv, lens);
  free(vkey);
  return rc;
}

static int rd_put(void *backend, const char *ns, size_t ns_len, const char *key,
                  size_t key_len, const edgefn_kv_value *v, edgefn_kv_done_cb cb,
                  void *cb_data) {
  redis_kv *k = backend;
  size_t vl = 0, il = 0;
  char *vkey = make_name(k, 'v', ns, ns_len, key, key_len, true, &vl);
  char *ikey = make_name(k, 'i', ns, ns_len, NULL, 0, false, &il);
  cmd *c = cmd_new(k, CMD_PUT, cb_data);
  if (!vkey || !ikey || !c) {
    free(vkey);
    free(ikey);
    free(c);
    return EDGEFN_ENOMEM;
  }
  c->cb.done = cb;
  char exp[24];
  int el = snprintf(exp, sizeof(exp), "%lld", (long long)(v->expiration > 0 ? v->expiration : 0));
  const char *argv[] = {"EVAL", put_script, "2", vkey, ikey, v->len ? (const char *)v->data : "",
                        key_len ? key : "", exp, v->metadata ? "1" : "0",
                        v->metadata ? v->metadata : ""};
  size_t lens[] = {4, sizeof(put_script) - 1, 1, vl, il, v->len, key_len, (size_t)el, 1,
                   v->metadata ? v->metadata_len : 0};
  int rc = send_cmd(k, c, 10, argv, lens);
  free(vkey);
  free(ikey);
  return rc;
}

static int rd_remove(void *backend, const char *ns, size_t ns_len, const char *key,
                     size_t key_len, edgefn_kv_done_cb cb, void *cb_data) {
  redis_kv *k = backend;
  size_t vl = 0, il = 0;
  char *vkey = make_name(k, 'v', ns, ns_len, key, key_len, true, &vl);
  char *ikey = make_name(k, 'i', ns, ns_len, NULL, 0, false, &il);
  cmd *c = cmd_new(k, CMD_DELETE, cb_data);
  if (!vkey || !ikey || !c) {
    free(vkey);
    free(ikey);
    free(c);
    return EDGEFN_ENOMEM;
  }
  c->cb.done = cb;
  const char *argv[] = {"EVAL", delete_script, "2", vkey, ikey, key_len ? key : ""};
  size_t lens[] = {4, sizeof(delete_script) - 1, 1, vl, il, key_len};
  int rc = send_cmd(k, c, 6, argv, lens);
  free(vkey);
  free(ikey);
  return rc;
}

static int rd_list(void *backend, const char *ns, size_t ns_len, const char *prefix,
                   size_t prefix_len, uint32_t limit, const char *cursor, size_t cursor_len,
                   edgefn_kv_list_cb cb, void *cb_data) {
  redis_kv *k = backend;
  size_t bl = 0, il = 0;
  /* The value-key base: P "v" NUL ns NUL, to which the script appends each name. */
  char *base = make_name(k, 'v', ns, ns_len, NULL, 0, true, &bl);
  char *ikey = make_name(k, 'i', ns, ns_len, NULL, 0, false, &il);
  cmd *c = cmd_new(k, CMD_LIST, cb_data);
  if (!base || !ikey || !c) {
    free(base);
    free(ikey);
    free(c);
    return EDGEFN_ENOMEM;
  }
  c->cb.list = cb;
  c->limit = limit;
  char lim[16];
  int ll = snprintf(lim, sizeof(lim), "%u", limit);
  const char *argv[] = {"EVAL", list_script, "1", ikey, base, prefix_len ? prefix : "",
                        cursor ? cursor : "", lim};
  size_t lens[] = {4, sizeof(list_script) - 1, 1, il, bl, prefix_len, cursor ? cursor_len : 0,
                   (size_t)ll};
  int rc = send_cmd(k, c, 8, argv, lens);
  free(base);
  free(ikey);
  return rc;
}

static void rd_release(void *backend) {
  redis_kv *k = backend;
  k->releasing = true;
  drop_connection(k); /* commands still waiting answer EDGEFN_ECANCELED */
  if (k->busy > 0)
    k->release_pending = true; /* inside a hiredis callback: finished on the way out */
  else
    free_now(k);
}

static const edgefn_kv_ops redis_ops = {EDGEFN_KV_OPS_VERSION, rd_get, rd_put, rd_remove,
                                        rd_list, rd_release};

int edgefn_kv_redis_new(edgefn_kv **out, edgefn_loop *loop,
                        const edgefn_kv_redis_options *opts) {
  if (out)
    *out = NULL;
  if (!out || !loop)
    return EDGEFN_EINVAL;
  if (opts && !EDGEFN_MIN_SIZE_OK(opts, edgefn_kv_redis_options, timeout_ms))
    return EDGEFN_EVERSION;
  const char *host = opts && opts->host ? opts->host : "127.0.0.1";
  const char *prefix = opts && opts->key_prefix ? opts->key_prefix : "edgefn:kv:";
  int port = opts && opts->port ? opts->port : 6379;
  if (port < 0 || port > 65535)
    return EDGEFN_EINVAL;
  redis_kv *k = calloc(1, sizeof(*k));
  if (!k)
    return EDGEFN_ENOMEM;
  k->loop = loop;
  k->host = edgefn__strndup(host, strlen(host));
  k->prefix_len = strlen(prefix);
  k->prefix = edgefn__strndup(prefix, k->prefix_len);
  k->port = port;
  k->timeout_ms = opts && opts->timeout_ms ? opts->timeout_ms
                                           : EDGEFN_DEFAULT_KV_REDIS_TIMEOUT_MS;
  edgefn__watch_init(&k->watch, on_io, k);
  edgefn__timer_init(&k->timer, on_timeout, k);
  int rc = k->host && k->prefix ? edgefn_kv_new(out, &redis_ops, k) : EDGEFN_ENOMEM;
  if (rc != 0)
    free_now(k);
  return rc;
}
