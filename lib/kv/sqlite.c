/* The SQLite KV backend: one table in one database file, so values persist across restarts.
 *
 * SQLite calls block (disk I/O, fsync at commit, a lock held by another process), and the
 * time they take has no useful bound, so none runs on the loop: each call becomes a job for
 * the store's worker thread, and finished jobs come back through an eventfd the loop
 * watches. The watch is active only while jobs are out, so an idle store does not keep
 * edgefn_loop_run() alive. Callbacks therefore always run on the loop thread, never before
 * the starting call returns.
 *
 * Keys and namespaces are BLOBs, which SQLite compares with memcmp: list() walks the primary
 * key in byte order, as the ops table requires. Expired rows are skipped by every read and
 * deleted from time to time by the worker. */
#include "kv/kv.h"
#include "loop/loop.h"

#include <pthread.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <unistd.h>

/* Puts between two sweeps of expired rows. */
#define SWEEP_EVERY_PUTS 256u

enum { JOB_GET, JOB_PUT, JOB_DELETE, JOB_LIST };
enum { ST_GET, ST_PUT, ST_DELETE, ST_LIST, ST_SWEEP, ST_COUNT };

static const char *const statements[ST_COUNT] = {
    "SELECT value, metadata, expiration FROM kv WHERE ns = ?1 AND key = ?2 "
    "AND (expiration = 0 OR expiration > ?3)",
    "INSERT OR REPLACE INTO kv (ns, key, value, metadata, expiration) VALUES (?1, ?2, ?3, ?4, ?5)",
    "DELETE FROM kv WHERE ns = ?1 AND key = ?2",
    "SELECT key, metadata, expiration FROM kv WHERE ns = ?1 AND key >= ?2 "
    "AND (?3 IS NULL OR key > ?3) "
    "AND substr(key, 1, ?4) = ?2 AND (expiration = 0 OR expiration > ?5) ORDER BY key LIMIT ?6",
    "DELETE FROM kv WHERE expiration != 0 AND expiration <= ?1",
};

typedef struct job job;
struct job {
  job *next;
  int kind;
  /* input: ns, key (or prefix), value, metadata, cursor in one block */
  uint8_t *in;
  size_t ns_len, key_len, value_len, meta_len, cursor_len;
  bool has_meta;
  int64_t expiration;
  uint32_t limit;
  union {
    edgefn_kv_get_cb get;
    edgefn_kv_done_cb done;
    edgefn_kv_list_cb list;
  } cb;
  void *cb_data;
  /* output */
  int result;
  bool found;
  uint8_t *value; /* get: value then metadata */
  size_t out_value_len, out_meta_len;
  bool out_has_meta;
  int64_t out_expiration;
  edgefn_kv_key *keys; /* list: names and metadata live in blocks */
  char **blocks;
  size_t key_count;
  bool complete;
};

typedef struct sqlite_kv {
  edgefn_loop *loop;
  sqlite3 *db;
  sqlite3_stmt *st[ST_COUNT];
  pthread_t thread;
  pthread_mutex_t lock;
  pthread_cond_t cond;
  job *todo, *todo_tail, *done, *done_tail;
  bool stop;
  int efd;
  edgefn__watch watch;
  size_t outstanding; /* loop thread only */
  uint32_t puts;      /* worker only */
} sqlite_kv;

/* ---- the worker ---- */

static void bind_blob(sqlite3_stmt *s, int i, const void *p, size_t n) {
  /* An empty BLOB, not NULL: "" is a valid key, prefix and cursor. */
  sqlite3_bind_blob64(s, i, n ? p : "", n, SQLITE_STATIC);
}

static int run_get(sqlite_kv *k, job *j, int64_t now) {
  sqlite3_stmt *s = k->st[ST_GET];
  bind_blob(s, 1, j->in, j->ns_len);
  bind_blob(s, 2, j->in + j->ns_len, j->key_len);
  sqlite3_bind_int64(s, 3, now);
  int rc = sqlite3_step(s);
  if (rc == SQLITE_ROW) {
    size_t vl = (size_t)sqlite3_column_bytes(s, 0);
    const void *v = sqlite3_column_blob(s, 0);
    bool has_meta = sqlite3_column_type(s, 1) != SQLITE_NULL;
    const void *m = has_meta ? sqlite3_column_blob(s, 1) : NULL;
    size_t ml = has_meta ? (size_t)sqlite3_column_bytes(s, 1) : 0;
    j->value = malloc(vl + ml + 1);
    if (!j->value)
      return EDGEFN_ENOMEM;
    if (vl)
      memcpy(j->value, v, vl);
    if (ml)
      memcpy(j->value + vl, m, ml);
    j->found = true;
    j->out_value_len = vl;
    j->out_meta_len = ml;
    j->out_has_meta = has_meta;
    j->out_expiration = sqlite3_column_int64(s, 2);
    return 0;
  }
  return rc == SQLITE_DONE ? 0 : EDGEFN_ESYSTEM;
}

static int run_put(sqlite_kv *k, job *j) {
  sqlite3_stmt *s = k->st[ST_PUT];
  const uint8_t *p = j->in;
  bind_blob(s, 1, p, j->ns_len);
  bind_blob(s, 2, p + j->ns_len, j->key_len);
  bind_blob(s, 3, p + j->ns_len + j->key_len, j->value_len);
  if (j->has_meta)
    sqlite3_bind_text64(s, 4, (const char *)p + j->ns_len + j->key_len + j->value_len,
                        j->meta_len, SQLITE_STATIC, SQLITE_UTF8);
  else
    sqlite3_bind_null(s, 4);
  sqlite3_bind_int64(s, 5, j->expiration);
  return sqlite3_step(s) == SQLITE_DONE ? 0 : EDGEFN_ESYSTEM;
}

static int run_delete(sqlite_kv *k, job *j) {
  sqlite3_stmt *s = k->st[ST_DELETE];
  bind_blob(s, 1, j->in, j->ns_len);
  bind_blob(s, 2, j->in + j->ns_len, j->key_len);
  return sqlite3_step(s) == SQLITE_DONE ? 0 : EDGEFN_ESYSTEM;
}

static int run_list(sqlite_kv *k, job *j, int64_t now) {
  sqlite3_stmt *s = k->st[ST_LIST];
  const uint8_t *p = j->in;
  bind_blob(s, 1, p, j->ns_len);
  bind_blob(s, 2, p + j->ns_len, j->key_len);
  if (j->cursor_len)
    bind_blob(s, 3, p + j->ns_len + j->key_len, j->cursor_len);
  else
    sqlite3_bind_null(s, 3); /* from the start: "" is a key like any other */
  sqlite3_bind_int64(s, 4, (sqlite3_int64)j->key_len);
  sqlite3_bind_int64(s, 5, now);
  sqlite3_bind_int64(s, 6, (sqlite3_int64)j->limit + 1); /* one more: is there a next page */
  j->keys = calloc(j->limit + 1, sizeof(*j->keys));
  j->blocks = calloc(j->limit + 1, sizeof(*j->blocks));
  if (!j->keys || !j->blocks)
    return EDGEFN_ENOMEM;
  j->complete = true;
  int rc;
  while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
    if (j->key_count == j->limit) {
      j->complete = false;
      break;
    }
    size_t nl = (size_t)sqlite3_column_bytes(s, 0);
    const void *n = sqlite3_column_blob(s, 0);
    bool has_meta = sqlite3_column_type(s, 1) != SQLITE_NULL;
    const void *m = has_meta ? sqlite3_column_blob(s, 1) : NULL;
    size_t ml = has_meta ? (size_t)sqlite3_column_bytes(s, 1) : 0;
    char *b = malloc(nl + ml + 1);
    if (!b)
      return EDGEFN_ENOMEM;
    if (nl)
      memcpy(b, n, nl);
    if (ml)
      memcpy(b + nl, m, ml);
    b[nl + ml] = 0;
    j->blocks[j->key_count] = b;
    j->keys[j->key_count++] = (edgefn_kv_key){sizeof(edgefn_kv_key), b, nl,
                                              has_meta ? b + nl : NULL, ml,
                                              sqlite3_column_int64(s, 2)};
  }
  return rc == SQLITE_DONE || rc == SQLITE_ROW ? 0 : EDGEFN_ESYSTEM;
}

static void run_job(sqlite_kv *k, job *j) {
  int64_t now = kv__now_s();
  switch (j->kind) {
  case JOB_GET:
    j->result = run_get(k, j, now);
    break;
  case JOB_PUT:
    j->result = run_put(k, j);
    if (j->result == 0 && ++k->puts % SWEEP_EVERY_PUTS == 0) {
      sqlite3_bind_int64(k->st[ST_SWEEP], 1, now);
      sqlite3_step(k->st[ST_SWEEP]);
      sqlite3_reset(k->st[ST_SWEEP]);
    }
    break;
  case JOB_DELETE:
    j->result = run_delete(k, j);
    break;
  default:
    j->result = run_list(k, j, now);
  }
  for (int i = 0; i < ST_COUNT; i++) {
    sqlite3_reset(k->st[i]);
    sqlite3_clear_bindings(k->st[i]);
  }
}

static void *worker(void *arg) {
  sqlite_kv *k = arg;
  pthread_mutex_lock(&k->lock);
  for (;;) {
    while (!k->todo && !k->stop)
      pthread_cond_wait(&k->cond, &k->lock);
    if (k->stop)
      break;
    job *j = k->todo;
    k->todo = j->next;
    if (!k->todo)
      k->todo_tail = NULL;
    pthread_mutex_unlock(&k->lock);
    run_job(k, j);
    pthread_mutex_lock(&k->lock);
    j->next = NULL;
    if (k->done_tail)
      k->done_tail->next = j;
    else
      k->done = j;
    k->done_tail = j;
    uint64_t one = 1;
    /* Cannot fail short of a counter overflow; the loop reads it to zero on every wake. */
    if (write(k->efd, &one, sizeof(one)) < 0) {
    }
  }
  pthread_mutex_unlock(&k->lock);
  return NULL;
}

/* ---- the loop side ---- */

static void job_free(job *j) {
  for (size_t i = 0; i < j->key_count; i++)
    free(j->blocks[i]);
  free(j->blocks);
  free(j->keys);
  free(j->value);
  free(j->in);
  free(j);
}

static void deliver(job *j) {
  switch (j->kind) {
  case JOB_GET: {
    edgefn_kv_value v = {sizeof(v),
                         j->value,
                         j->out_value_len,
                         j->out_has_meta ? (const char *)j->value + j->out_value_len : NULL,
                         j->out_meta_len,
                         j->out_expiration};
    j->cb.get(j->cb_data, j->result, j->result == 0 && j->found ? &v : NULL);
    break;
  }
  case JOB_LIST: {
    const edgefn_kv_key *last = j->key_count ? &j->keys[j->key_count - 1] : NULL;
    bool more = !j->complete && last;
    edgefn_kv_list_result r = {sizeof(r), j->keys, j->key_count, !more,
                               more ? last->name : "", more ? last->name_len : 0};
    j->cb.list(j->cb_data, j->result, j->result == 0 ? &r : NULL);
    break;
  }
  default:
    j->cb.done(j->cb_data, j->result);
  }
}

/* Takes the finished jobs; the caller delivers them outside the lock. */
static job *take_done(sqlite_kv *k) {
  pthread_mutex_lock(&k->lock);
  job *j = k->done;
  k->done = k->done_tail = NULL;
  pthread_mutex_unlock(&k->lock);
  return j;
}

static void on_wake(edgefn__watch *w, uint32_t events) {
  (void)events;
  sqlite_kv *k = w->data;
  uint64_t n;
  if (read(k->efd, &n, sizeof(n)) < 0) {
    /* EAGAIN: a wake already consumed; the done list is what counts. */
  }
  job *j = take_done(k);
  while (j) {
    job *next = j->next;
    k->outstanding--;
    deliver(j);
    job_free(j);
    j = next;
  }
  if (k->outstanding == 0)
    edgefn__watch_stop(k->loop, &k->watch);
}

static int submit(sqlite_kv *k, job *j) {
  if (k->outstanding == 0 && edgefn__watch_set(k->loop, &k->watch, k->efd, EPOLLIN) != 0) {
    job_free(j);
    return EDGEFN_ESYSTEM;
  }
  k->outstanding++;
  pthread_mutex_lock(&k->lock);
  if (k->todo_tail)
    k->todo_tail->next = j;
  else
    k->todo = j;
  k->todo_tail = j;
  pthread_cond_signal(&k->cond);
  pthread_mutex_unlock(&k->lock);
  return 0;
}

/* A job with its input block: ns, key, then `extra` bytes. */
static job *job_new(int kind, const char *ns, size_t ns_len, const char *key, size_t key_len,
                    size_t extra) {
  job *j = calloc(1, sizeof(*j));
  if (!j)
    return NULL;
  j->in = malloc(ns_len + key_len + extra + 1);
  if (!j->in) {
    free(j);
    return NULL;
  }
  memcpy(j->in, ns, ns_len);
  if (key_len)
    memcpy(j->in + ns_len, key, key_len);
  j->kind = kind;
  j->ns_len = ns_len;
  j->key_len = key_len;
  return j;
}

static int sq_get(void *backend, const char *ns, size_t ns_len, const char *key,
                  size_t key_len, edgefn_kv_get_cb cb, void *cb_data) {
  job *j = job_new(JOB_GET, ns, ns_len, key, key_len, 0);
  if (!j)
    return EDGEFN_ENOMEM;
  j->cb.get = cb;
  j->cb_data = cb_data;
  return submit(backend, j);
}

static int sq_put(void *backend, const char *ns, size_t ns_len, const char *key,
                  size_t key_len, const edgefn_kv_value *v, edgefn_kv_done_cb cb,
                  void *cb_data) {
  size_t ml = v->metadata ? v->metadata_len : 0;
  job *j = job_new(JOB_PUT, ns, ns_len, key, key_len, v->len + ml);
  if (!j)
    return EDGEFN_ENOMEM;
  if (v->len)
    memcpy(j->in + ns_len + key_len, v->data, v->len);
  if (ml)
    memcpy(j->in + ns_len + key_len + v->len, v->metadata, ml);
  j->value_len = v->len;
  j->meta_len = ml;
  j->has_meta = v->metadata != NULL;
  j->expiration = v->expiration;
  j->cb.done = cb;
  j->cb_data = cb_data;
  return submit(backend, j);
}

static int sq_remove(void *backend, const char *ns, size_t ns_len, const char *key,
                     size_t key_len, edgefn_kv_done_cb cb, void *cb_data) {
  job *j = job_new(JOB_DELETE, ns, ns_len, key, key_len, 0);
  if (!j)
    return EDGEFN_ENOMEM;
  j->cb.done = cb;
  j->cb_data = cb_data;
  return submit(backend, j);
}

static int sq_list(void *backend, const char *ns, size_t ns_len, const char *prefix,
                   size_t prefix_len, uint32_t limit, const char *cursor, size_t cursor_len,
                   edgefn_kv_list_cb cb, void *cb_data) {
  if (!cursor)
    cursor_len = 0;
  job *j = job_new(JOB_LIST, ns, ns_len, prefix, prefix_len, cursor_len);
  if (!j)
    return EDGEFN_ENOMEM;
  if (cursor_len)
    memcpy(j->in + ns_len + prefix_len, cursor, cursor_len);
  j->cursor_len = cursor_len;
  j->limit = limit;
  j->cb.list = cb;
  j->cb_data = cb_data;
  return submit(backend, j);
}

static void close_db(sqlite_kv *k) {
  for (int i = 0; i < ST_COUNT; i++)
    sqlite3_finalize(k->st[i]);
  sqlite3_close(k->db);
}

static void sq_release(void *backend) {
  sqlite_kv *k = backend;
  pthread_mutex_lock(&k->lock);
  k->stop = true;
  pthread_cond_signal(&k->cond);
  pthread_mutex_unlock(&k->lock);
  pthread_join(k->thread, NULL);
  /* Finished jobs get their answers; jobs the worker never started are canceled. */
  for (job *j = take_done(k), *next; j; j = next) {
    next = j->next;
    deliver(j);
    job_free(j);
  }
  for (job *j = k->todo, *next; j; j = next) {
    next = j->next;
    j->result = EDGEFN_ECANCELED;
    deliver(j);
    job_free(j);
  }
  edgefn__watch_stop(k->loop, &k->watch);
  close(k->efd);
  close_db(k);
  pthread_cond_destroy(&k->cond);
  pthread_mutex_destroy(&k->lock);
  free(k);
}

static const edgefn_kv_ops sqlite_ops = {EDGEFN_KV_OPS_VERSION, sq_get, sq_put, sq_remove,
                                         sq_list, sq_release};

int edgefn_kv_sqlite_new(edgefn_kv **out, edgefn_loop *loop, const char *path,
                         edgefn_error_info *err) {
  if (out)
    *out = NULL;
  if (!out || !loop || !path) {
    edgefn__error_set(err, EDGEFN_EINVAL, NULL, 0, 0, "edgefn_kv_sqlite_new: NULL argument");
    return EDGEFN_EINVAL;
  }
  sqlite_kv *k = calloc(1, sizeof(*k));
  if (!k)
    return EDGEFN_ENOMEM;
  k->loop = loop;
  k->efd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
  if (k->efd < 0) {
    free(k);
    edgefn__error_set(err, EDGEFN_ESYSTEM, NULL, 0, 0, "eventfd failed");
    return EDGEFN_ESYSTEM;
  }
  edgefn__watch_init(&k->watch, on_wake, k);
  /* The handle is used by one thread at a time (here, then the worker): no mutex needed. */
  int rc = sqlite3_open_v2(path, &k->db,
                           SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX,
                           NULL);
  static const char schema[] =
      "PRAGMA journal_mode = WAL;"
      "PRAGMA synchronous = NORMAL;"
      "CREATE TABLE IF NOT EXISTS kv (ns BLOB NOT NULL, key BLOB NOT NULL, value BLOB NOT "
      "NULL, metadata TEXT, expiration INTEGER NOT NULL DEFAULT 0, PRIMARY KEY (ns, key)) "
      "WITHOUT ROWID;";
  if (rc == SQLITE_OK) {
    /* Another process may hold the database briefly (a second gateway on the same file). */
    sqlite3_busy_timeout(k->db, 5000);
    rc = sqlite3_exec(k->db, schema, NULL, NULL, NULL);
  }
  for (int i = 0; rc == SQLITE_OK && i < ST_COUNT; i++)
    rc = sqlite3_prepare_v3(k->db, statements[i], -1, SQLITE_PREPARE_PERSISTENT, &k->st[i],
                            NULL);
  if (rc != SQLITE_OK) {
    edgefn__error_set(err, EDGEFN_ESYSTEM, path, 0, 0, "SQLite: %s",
                      k->db ? sqlite3_errmsg(k->db) : sqlite3_errstr(rc));
    close_db(k);
    close(k->efd);
    free(k);
    return EDGEFN_ESYSTEM;
  }
  pthread_mutex_init(&k->lock, NULL);
  pthread_cond_init(&k->cond, NULL);
  if (pthread_create(&k->thread, NULL, worker, k) != 0) {
    pthread_cond_destroy(&k->cond);
    pthread_mutex_destroy(&k->lock);
    close_db(k);
    close(k->efd);
    free(k);
    edgefn__error_set(err, EDGEFN_ESYSTEM, NULL, 0, 0, "cannot start the SQLite thread");
    return EDGEFN_ESYSTEM;
  }
  rc = edgefn_kv_new(out, &sqlite_ops, k);
  if (rc != 0)
    sq_release(k);
  return rc;
}
