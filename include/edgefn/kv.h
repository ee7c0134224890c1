/*
 * edgefn_kv — key/value storage for functions (EdgeOne KV / Workers KV semantics).
 *
 * A KV store is a backend ops table (edgefn_kv_ops, below) behind an opaque, reference
 * counted edgefn_kv handle. The library ships three backends:
 *   - memory (edgefn_kv_memory_new): thread-safe, answers at once; for tests and one-process
 *     hosts; nothing survives the process;
 *   - SQLite (edgefn_kv_sqlite_new): one file that persists across restarts; SQLite runs on
 *     a worker thread and answers through the loop, so a slow disk never stalls it;
 *   - Redis (edgefn_kv_redis_new): hiredis's asynchronous API on the loop's fd, so several
 *     gateways on several machines share one store.
 * Hosts add their own with edgefn_kv_new().
 *
 * A runtime sees a store through a *binding* (edgefn_kv_binding, set in
 * edgefn_runtime_options): a script name (the global and the `env` property) plus a
 * namespace inside the store, so one store can hold the namespaces of many functions.
 * docs/javascript.md describes the script API, docs/limits.md the limits.
 */
#ifndef EDGEFN_KV_H
#define EDGEFN_KV_H

#include <edgefn/common.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct edgefn_kv edgefn_kv;

/* A stored value as a backend hands it back (get) or receives it (put). Every pointer is
 * valid only during the call that passes the struct. */
typedef struct edgefn_kv_value {
  uint32_t struct_size;
  const uint8_t *data;  /* the value's bytes */
  size_t len;
  const char *metadata; /* JSON text of the metadata, NULL when none */
  size_t metadata_len;
  int64_t expiration;   /* Unix time in seconds when the value disappears; 0 = never */
} edgefn_kv_value;

/* One key of a list answer; valid only during the callback. */
typedef struct edgefn_kv_key {
  uint32_t struct_size;
  const char *name;
  size_t name_len;
  const char *metadata; /* JSON text, NULL when none */
  size_t metadata_len;
  int64_t expiration;   /* 0 = never */
} edgefn_kv_key;

/* A list answer; valid only during the callback. `cursor` continues the listing after the
 * last key given (opaque, NUL-terminated); it is "" when `complete` is non-zero. */
typedef struct edgefn_kv_list_result {
  uint32_t struct_size;
  const edgefn_kv_key *keys;
  size_t key_count;
  int complete;
  const char *cursor;
  size_t cursor_len;
} edgefn_kv_list_result;

/* get answers result 0 with the value, result 0 with value NULL when the key is absent or
 * expired, or a negative EDGEFN_E* code. put and remove answer 0 or a negative code. list
 * answers 0 with the result or a negative code (result NULL). */
typedef void (*edgefn_kv_get_cb)(void *cb_data, int result, const edgefn_kv_value *value);
typedef void (*edgefn_kv_done_cb)(void *cb_data, int result);
typedef void (*edgefn_kv_list_cb)(void *cb_data, int result,
                                  const edgefn_kv_list_result *list);

#define EDGEFN_KV_OPS_VERSION 1

/* A KV backend. Like edgefn_fetch_ops and edgefn_cache_ops: `version` first, slots only
 * appended, answers only through the callback (exactly once when the starting call returned
 * 0, never when it returned an error), possibly before the starting call returns. Keys,
 * namespaces and values are byte strings valid only during the starting call; `ns` never
 * holds a NUL byte, a key may. A backend must not return a value whose expiration has
 * passed, and list() returns keys in the byte order of their names, at most `limit` of
 * them, starting after `cursor` (NULL/0: from the start). A backend is called only on the
 * thread its constructor documents. */
typedef struct edgefn_kv_ops {
  uint32_t version; /* EDGEFN_KV_OPS_VERSION the backend was written for */
  int (*get)(void *backend, const char *ns, size_t ns_len, const char *key, size_t key_len,
             edgefn_kv_get_cb cb, void *cb_data);
  int (*put)(void *backend, const char *ns, size_t ns_len, const char *key, size_t key_len,
             const edgefn_kv_value *value, edgefn_kv_done_cb cb, void *cb_data);
  int (*remove)(void *backend, const char *ns, size_t ns_len, const char *key, size_t key_len,
                edgefn_kv_done_cb cb, void *cb_data);
  int (*list)(void *backend, const char *ns, size_t ns_len, const char *prefix,
              size_t prefix_len, uint32_t limit, const char *cursor, size_t cursor_len,
              edgefn_kv_list_cb cb, void *cb_data);
  /* The last reference to the edgefn_kv went: answer what is still in flight (with
   * EDGEFN_ECANCELED if need be) and free the backend. */
  void (*release)(void *backend);
} edgefn_kv_ops;

/* Wraps a host backend. On success *out owns one reference and the backend is released
 * through ops->release when the last one goes (on failure the backend is not released).
 * Errors: EDGEFN_EINVAL (NULL argument, a missing slot), EDGEFN_EVERSION, EDGEFN_ENOMEM. */
EDGEFN_API int edgefn_kv_new(edgefn_kv **out, const edgefn_kv_ops *ops, void *backend);

/* The built-in memory store. Thread-safe; answers before the starting call returns.
 * Errors: EDGEFN_EINVAL, EDGEFN_ENOMEM. */
EDGEFN_API int edgefn_kv_memory_new(edgefn_kv **out);

/* A SQLite store in the file at `path` (NUL-terminated; created if missing; ":memory:" for a
 * private in-memory database). SQLite runs on a worker thread owned by the store; answers
 * arrive on `loop`. Use the store only on that loop's thread, and free it before the loop.
 * Errors: EDGEFN_EINVAL, EDGEFN_ENOMEM, EDGEFN_ESYSTEM (the database cannot be opened or
 * its table created: detail in *err when err is not NULL). */
EDGEFN_API int edgefn_kv_sqlite_new(edgefn_kv **out, edgefn_loop *loop, const char *path,
                                    edgefn_error_info *err);

typedef struct edgefn_kv_redis_options {
  uint32_t struct_size;
  const char *host;       /* NUL-terminated host name or address; NULL = "127.0.0.1" */
  int port;               /* 0 = 6379 */
  const char *key_prefix; /* prepended to every Redis key (copied); NULL = "edgefn:kv:" */
  uint32_t timeout_ms;    /* a command not answered in time fails with EDGEFN_ENETWORK and
                             the connection is dropped; 0 = EDGEFN_DEFAULT_KV_REDIS_TIMEOUT_MS */
} edgefn_kv_redis_options;
#define EDGEFN_KV_REDIS_OPTIONS_INIT {sizeof(edgefn_kv_redis_options), NULL, 0, NULL, 0}

/* A Redis store reached with hiredis's asynchronous API on `loop` (connected on first use,
 * reconnected after a failure). Use it only on that loop's thread, and free it before the
 * loop; commands in flight then answer EDGEFN_ECANCELED. Stores made on different loops or
 * in different processes share the data of one Redis server. Errors: EDGEFN_EINVAL,
 * EDGEFN_EVERSION, EDGEFN_ENOMEM. */
EDGEFN_API int edgefn_kv_redis_new(edgefn_kv **out, edgefn_loop *loop,
                                   const edgefn_kv_redis_options *opts);

/* Takes another reference. Any thread (the store itself may be bound to one). */
EDGEFN_API edgefn_kv *edgefn_kv_ref(edgefn_kv *kv);
/* Drops a reference; the last one releases the backend. NULL is a no-op. */
EDGEFN_API void edgefn_kv_free(edgefn_kv *kv);

/* The store's table and backend, for hosts that call it directly (same rules as above). */
EDGEFN_API const edgefn_kv_ops *edgefn_kv_backend(const edgefn_kv *kv, void **backend);

/* A KV namespace bound to a function: runtime option kv_bindings. The layout is fixed. */
typedef struct edgefn_kv_binding {
  const char *name; /* NUL-terminated script name: a global and a property of `env` */
  edgefn_kv *kv;    /* the store (the runtime takes a reference) */
  const char *ns;   /* NUL-terminated namespace inside the store; NULL = `name` */
} edgefn_kv_binding;

/* An environment value given to a function: runtime option env_vars. The layout is fixed. */
typedef struct edgefn_env_var {
  const char *name;  /* NUL-terminated */
  const char *value; /* UTF-8 text of value_len bytes */
  size_t value_len;
} edgefn_env_var;

#ifdef __cplusplus
}
#endif
#endif /* EDGEFN_KV_H */
