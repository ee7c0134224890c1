/* KV namespaces and environment values in scripts (EdgeOne Pages KV / Workers KV).
 *
 * The host's bindings (edgefn_runtime_options.kv_bindings) become KVNamespace objects and
 * its environment values (env_vars) strings; each is a global (EdgeOne) and a property of
 * one `env` object kept in the global stash (EDGEFN_STASH_ENV) for the module-syntax
 * dispatch (`fetch(request, env, ctx)`, Pages `context.env`).
 *
 * Every method returns a promise. Arguments are checked before the backend is asked, so a
 * bad key or an over-limit value rejects at once with an error naming the limit. As in the
 * Cache API, backend callbacks never run script code: they copy the answer and queue a
 * deferred settle that enters JavaScript through edgefn__rt_invoke. */
#include "js/runtime.h"
#include "kv/kv.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define KEY_BINDING DUK_HIDDEN_SYMBOL("kvb")
#define KEY_SOURCE_BYTES DUK_HIDDEN_SYMBOL("kvsrc")
/* put(key, stream, options): what the put after the read needs */
#define KEY_PUT_NS DUK_HIDDEN_SYMBOL("kvpns")
#define KEY_PUT_KEY DUK_HIDDEN_SYMBOL("kvpkey")
#define KEY_PUT_OPTS DUK_HIDDEN_SYMBOL("kvpopts")
#define STASH_KV_PROTO "kvProto"

typedef struct kv_bind {
  char *name;
  edgefn_kv *kv;
  char *ns;
  size_t ns_len;
} kv_bind;

typedef struct env_val {
  char *name;
  char *value;
  size_t len;
} env_val;

typedef struct kv_op kv_op;

struct edgefn__kv_env {
  kv_bind *binds;
  size_t bind_count;
  env_val *vals;
  size_t val_count;
  kv_op *ops; /* calls waiting for a backend or for their settle */
  uint32_t next_id;
};

enum { OP_GET, OP_PUT, OP_DELETE, OP_LIST };
enum { TYPE_TEXT, TYPE_JSON, TYPE_ARRAY_BUFFER, TYPE_STREAM };

struct kv_op {
  kv_op *next, *prev;
  edgefn_runtime *rt; /* NULL once the runtime is gone and the backend still holds the op */
  edgefn_kv *kv;      /* a reference */
  uint32_t id, exchange_id;
  int kind, type;
  bool with_metadata;
  bool in_backend;
  edgefn__defer settle;
  int result;
  /* get's answer */
  bool found;
  uint8_t *value;
  size_t value_len;
  char *metadata; /* NULL: none */
  size_t metadata_len;
  /* list's answer: names and metadata in one block per key */
  edgefn_kv_key *keys;
  char **key_blocks;
  size_t key_count;
  bool complete;
  char *cursor;
  size_t cursor_len;
};

/* ---- setting up from the runtime options ---- */

static void env_free(struct edgefn__kv_env *env) {
  for (size_t i = 0; i < env->bind_count; i++) {
    free(env->binds[i].name);
    free(env->binds[i].ns);
    edgefn_kv_free(env->binds[i].kv);
  }
  for (size_t i = 0; i < env->val_count; i++) {
    free(env->vals[i].name);
    free(env->vals[i].value);
  }
  free(env->binds);
  free(env->vals);
  free(env);
}

int edgefn__kv_env_new(edgefn_runtime *rt, const edgefn_runtime_options *opts) {
  if (!opts || !EDGEFN_HAS_FIELD(opts, edgefn_runtime_options, env_var_count))
    return 0;
  if ((opts->kv_binding_count && !opts->kv_bindings) ||
      (opts->env_var_count && !opts->env_vars))
    return EDGEFN_EINVAL;
  for (size_t i = 0; i < opts->kv_binding_count; i++)
    if (!opts->kv_bindings[i].name || !opts->kv_bindings[i].name[0] ||
        !opts->kv_bindings[i].kv)
      return EDGEFN_EINVAL;
  for (size_t i = 0; i < opts->env_var_count; i++)
    if (!opts->env_vars[i].name || !opts->env_vars[i].name[0] ||
        (opts->env_vars[i].value_len && !opts->env_vars[i].value))
      return EDGEFN_EINVAL;
  if (!opts->kv_binding_count && !opts->env_var_count)
    return 0;
  struct edgefn__kv_env *env = calloc(1, sizeof(*env));
  if (!env)
    return EDGEFN_ENOMEM;
  env->next_id = 1;
  env->binds = calloc(opts->kv_binding_count + 1, sizeof(kv_bind));
  env->vals = calloc(opts->env_var_count + 1, sizeof(env_val));
  bool ok = env->binds && env->vals;
  for (size_t i = 0; ok && i < opts->kv_binding_count; i++) {
    const edgefn_kv_binding *b = &opts->kv_bindings[i];
    const char *ns = b->ns ? b->ns : b->name;
    kv_bind *d = &env->binds[env->bind_count++];
    d->name = edgefn__strndup(b->name, strlen(b->name));
    d->ns_len = strlen(ns);
    d->ns = edgefn__strndup(ns, d->ns_len);
    d->kv = edgefn_kv_ref(b->kv);
    ok = d->name && d->ns;
  }
  for (size_t i = 0; ok && i < opts->env_var_count; i++) {
    const edgefn_env_var *v = &opts->env_vars[i];
    env_val *d = &env->vals[env->val_count++];
    d->name = edgefn__strndup(v->name, strlen(v->name));
    d->value = edgefn__strndup(v->value, v->value_len);
    d->len = v->value_len;
    ok = d->name && d->value;
  }
  if (!ok) {
    env_free(env);
    return EDGEFN_ENOMEM;
  }
  rt->kv_env = env;
  return 0;
}

/* ---- op bookkeeping ---- */

static void stash_key(char *buf, size_t size, uint32_t id) { snprintf(buf, size, "kv%u", id); }

static void op_destroy(kv_op *o) {
  free(o->value);
  free(o->metadata);
  for (size_t i = 0; i < o->key_count; i++)
    free(o->key_blocks[i]);
  free(o->key_blocks);
  free(o->keys);
  free(o->cursor);
  edgefn_kv_free(o->kv);
  free(o);
}

static void op_unlink(kv_op *o) {
  struct edgefn__kv_env *env = o->rt->kv_env;
  if (o->prev)
    o->prev->next = o->next;
  else if (env->ops == o)
    env->ops = o->next;
  if (o->next)
    o->next->prev = o->prev;
  o->next = o->prev = NULL;
  edgefn__defer_cancel(o->rt->loop, &o->settle);
}

static void stash_drop(edgefn_runtime *rt, uint32_t id) {
  char key[16];
  stash_key(key, sizeof(key), id);
  edgefn__rt_stash_delete(rt, key);
}

static duk_ret_t settle_safe(duk_context *ctx, void *udata);

static void settle_deferred(edgefn__defer *d) {
  kv_op *o = d->data;
  edgefn_runtime *rt = o->rt;
  op_unlink(o); /* first, so nothing the script does meanwhile can free it twice */
  edgefn__rt_invoke(rt, o->exchange_id, settle_safe, o, "KV");
  stash_drop(rt, o->id);
  op_destroy(o);
}

static void queue_settle(kv_op *o) {
  o->in_backend = false;
  if (!o->rt) {
    op_destroy(o); /* the runtime went while the backend held it */
    return;
  }
  edgefn__defer_queue(o->rt->loop, &o->settle);
}

/* ---- backend callbacks: copy the answer ---- */

static void on_get(void *ud, int result, const edgefn_kv_value *v) {
  kv_op *o = ud;
  o->result = result;
  if (result == 0 && v && o->rt) {
    o->found = true;
    o->value = malloc(v->len ? v->len : 1);
    if (v->len && o->value)
      memcpy(o->value, v->data, v->len);
    o->value_len = v->len;
    if (v->metadata) {
      o->metadata = edgefn__strndup(v->metadata, v->metadata_len);
      o->metadata_len = v->metadata_len;
    }
    if (!o->value || (v->metadata && !o->metadata))
      o->result = EDGEFN_ENOMEM;
  }
  queue_settle(o);
}

static void on_done(void *ud, int result) {
  kv_op *o = ud;
  o->result = result;
  queue_settle(o);
}

static void on_list(void *ud, int result, const edgefn_kv_list_result *r) {
  kv_op *o = ud;
  o->result = result;
  if (result == 0 && r && o->rt) {
    o->complete = r->complete != 0;
    o->cursor = edgefn__strndup(r->cursor ? r->cursor : "", r->cursor ? r->cursor_len : 0);
    o->cursor_len = r->cursor ? r->cursor_len : 0;
    o->keys = calloc(r->key_count + 1, sizeof(*o->keys));
    o->key_blocks = calloc(r->key_count + 1, sizeof(*o->key_blocks));
    bool ok = o->cursor && o->keys && o->key_blocks;
    for (size_t i = 0; ok && i < r->key_count; i++) {
      const edgefn_kv_key *k = &r->keys[i];
      size_t ml = k->metadata ? k->metadata_len : 0;
      char *b = malloc(k->name_len + ml + 1);
      if (!b) {
        ok = false;
        break;
      }
      memcpy(b, k->name, k->name_len);
      if (ml)
        memcpy(b + k->name_len, k->metadata, ml);
      o->key_blocks[o->key_count] = b;
      o->keys[o->key_count++] = (edgefn_kv_key){sizeof(edgefn_kv_key), b, k->name_len,
                                                k->metadata ? b + k->name_len : NULL, ml,
                                                k->expiration};
    }
    if (!ok)
      o->result = EDGEFN_ENOMEM;
  }
  queue_settle(o);
}

/* ---- settling in JavaScript ---- */

/* Pushes JSON.parse(text) of UTF-8 bytes; throws SyntaxError for bad JSON. */
static void push_json(duk_context *ctx, const uint8_t *data, size_t len) {
  edgefn__push_string_from_utf8(ctx, data, len);
  duk_json_decode(ctx, -1);
}

/* ReadableStream start(controller): enqueue the bytes, then close. */
static duk_ret_t stream_source_start(duk_context *ctx) {
  duk_push_this(ctx);
  duk_get_prop_literal(ctx, -1, KEY_SOURCE_BYTES);
  duk_push_literal(ctx, "enqueue");
  duk_dup(ctx, -2);
  duk_call_prop(ctx, 0, 1);
  duk_push_literal(ctx, "close");
  duk_call_prop(ctx, 0, 0);
  return 0;
}

static void push_uint8(duk_context *ctx, const uint8_t *data, size_t len, bool array_buffer) {
  void *b = duk_push_fixed_buffer(ctx, len);
  if (len)
    memcpy(b, data, len);
  duk_push_buffer_object(ctx, -1, 0, len,
                         array_buffer ? DUK_BUFOBJ_ARRAYBUFFER : DUK_BUFOBJ_UINT8ARRAY);
  duk_remove(ctx, -2);
}

/* Pushes the value of a get as its type asks. */
static void push_value(duk_context *ctx, kv_op *o) {
  switch (o->type) {
  case TYPE_JSON:
    push_json(ctx, o->value, o->value_len);
    break;
  case TYPE_ARRAY_BUFFER:
    push_uint8(ctx, o->value, o->value_len, true);
    break;
  case TYPE_STREAM:
    duk_get_global_literal(ctx, "ReadableStream");
    duk_push_object(ctx);
    push_uint8(ctx, o->value, o->value_len, false);
    duk_put_prop_literal(ctx, -2, KEY_SOURCE_BYTES);
    duk_push_c_function(ctx, stream_source_start, 1);
    duk_put_prop_literal(ctx, -2, "start");
    duk_new(ctx, 1);
    break;
  default:
    edgefn__push_string_from_utf8(ctx, o->value, o->value_len);
  }
}

static void push_metadata(duk_context *ctx, const char *m, size_t len) {
  if (m)
    push_json(ctx, (const uint8_t *)m, len);
  else
    duk_push_null(ctx);
}

static void push_list(duk_context *ctx, kv_op *o) {
  duk_push_object(ctx);
  duk_push_array(ctx);
  for (size_t i = 0; i < o->key_count; i++) {
    const edgefn_kv_key *k = &o->keys[i];
    duk_push_object(ctx);
    edgefn__push_string_from_utf8(ctx, (const uint8_t *)k->name, k->name_len);
    duk_put_prop_literal(ctx, -2, "name");
    if (k->expiration) {
      duk_push_number(ctx, (double)k->expiration);
      duk_put_prop_literal(ctx, -2, "expiration");
    }
    if (k->metadata) {
      push_metadata(ctx, k->metadata, k->metadata_len);
      duk_put_prop_literal(ctx, -2, "metadata");
    }
    duk_put_prop_index(ctx, -2, (duk_uarridx_t)i);
  }
  duk_put_prop_literal(ctx, -2, "keys");
  duk_push_boolean(ctx, o->complete);
  duk_put_prop_literal(ctx, -2, "list_complete");
  duk_push_boolean(ctx, o->complete);
  duk_put_prop_literal(ctx, -2, "complete");
  edgefn__push_string_from_utf8(ctx, (const uint8_t *)o->cursor, o->cursor_len);
  duk_put_prop_literal(ctx, -2, "cursor");
}

static const char *op_name(int kind) {
  return kind == OP_GET ? "get" : kind == OP_PUT ? "put" : kind == OP_DELETE ? "delete" : "list";
}

static duk_ret_t resolve_safe(duk_context *ctx, void *udata) { /* [entry value] */
  (void)udata;
  duk_get_prop_literal(ctx, -2, "resolve");
  duk_dup(ctx, -2);
  duk_call(ctx, 1);
  return 0;
}

static duk_ret_t settle_value_safe(duk_context *ctx, void *udata) {
  kv_op *o = udata;
  if (o->kind == OP_GET) {
    if (o->with_metadata) {
      duk_push_object(ctx);
      if (o->found)
        push_value(ctx, o);
      else
        duk_push_null(ctx);
      duk_put_prop_literal(ctx, -2, "value");
      push_metadata(ctx, o->found ? o->metadata : NULL, o->metadata_len);
      duk_put_prop_literal(ctx, -2, "metadata");
    } else if (o->found) {
      push_value(ctx, o);
    } else {
      duk_push_null(ctx);
    }
  } else if (o->kind == OP_LIST) {
    push_list(ctx, o);
  } else {
    duk_push_undefined(ctx);
  }
  return 1;
}

static duk_ret_t settle_safe(duk_context *ctx, void *udata) {
  kv_op *o = udata;
  char key[16];
  stash_key(key, sizeof(key), o->id);
  duk_push_global_stash(ctx);
  duk_get_prop_string(ctx, -1, key);
  duk_remove(ctx, -2); /* [entry] */
  if (!duk_is_object(ctx, -1))
    return 0;
  if (o->result != 0) {
    duk_get_prop_literal(ctx, -1, "reject");
    duk_push_error_object(ctx, DUK_ERR_ERROR, "KV %s failed: %s", op_name(o->kind),
                          edgefn_strerror(o->result));
    duk_call(ctx, 1);
    return 0;
  }
  /* Building the value may throw (JSON that does not parse, no memory): that rejects. */
  if (duk_safe_call(ctx, settle_value_safe, o, 0, 1) != DUK_EXEC_SUCCESS) {
    duk_get_prop_literal(ctx, -2, "reject");
    duk_dup(ctx, -2);
    duk_call(ctx, 1);
    return 0;
  }
  resolve_safe(ctx, NULL);
  return 0;
}

/* ---- the script side ---- */

static duk_ret_t reject_error(duk_context *ctx, duk_errcode_t type, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static duk_ret_t reject_error(duk_context *ctx, duk_errcode_t type, const char *fmt, ...) {
  char msg[256];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(msg, sizeof(msg), fmt, ap);
  va_end(ap);
  duk_push_error_object(ctx, type, "%s", msg);
  edgefn__promise_push_rejected(ctx, -1);
  return 1;
}

/* The binding `this` stands for, or NULL (not a namespace of this runtime). */
static const kv_bind *this_binding(duk_context *ctx, edgefn_runtime *rt) {
  duk_push_this(ctx);
  bool has = false;
  duk_uint_t i = 0;
  if (duk_is_object(ctx, -1)) {
    has = duk_get_prop_literal(ctx, -1, KEY_BINDING);
    i = duk_get_uint(ctx, -1);
    duk_pop(ctx);
  }
  duk_pop(ctx);
  if (!has || !rt || !rt->kv_env || i >= rt->kv_env->bind_count)
    return NULL;
  return &rt->kv_env->binds[i];
}

/* Replaces the value at idx with the key's UTF-8 bytes (a buffer) and returns them; NULL
 * with *why set when the key is not acceptable. */
static const char *key_bytes(duk_context *ctx, duk_idx_t idx, size_t *len, const char **why) {
  *why = NULL;
  if (duk_is_undefined(ctx, idx) || duk_is_null(ctx, idx)) {
    *why = "a key is required";
    return NULL;
  }
  duk_dup(ctx, idx);
  edgefn__to_usv_string(ctx, -1);
  const char *k = edgefn__push_utf8_buffer(ctx, -1, len);
  duk_remove(ctx, -2);
  duk_replace(ctx, idx);
  if (*len == 0)
    *why = "the key must not be empty";
  return k;
}

static kv_op *op_new(duk_context *ctx, edgefn_runtime *rt, const kv_bind *b, int kind) {
  kv_op *o = calloc(1, sizeof(*o));
  if (!o)
    (void)duk_error(ctx, DUK_ERR_ERROR, "out of memory");
  struct edgefn__kv_env *env = rt->kv_env;
  o->rt = rt;
  o->kv = edgefn_kv_ref(b->kv);
  o->kind = kind;
  o->id = env->next_id++;
  if (env->next_id == 0)
    env->next_id = 1;
  o->exchange_id = rt->current_exchange;
  edgefn__defer_init(&o->settle, settle_deferred, o);
  o->next = env->ops;
  if (o->next)
    o->next->prev = o;
  env->ops = o;
  char key[16];
  stash_key(key, sizeof(key), o->id);
  duk_get_global_literal(ctx, "Promise");
  duk_push_literal(ctx, "withResolvers");
  duk_call_prop(ctx, -2, 0);
  duk_push_global_stash(ctx);
  duk_dup(ctx, -2);
  duk_put_prop_string(ctx, -2, key);
  duk_pop(ctx);
  duk_get_prop_literal(ctx, -1, "promise");
  duk_remove(ctx, -2);
  duk_remove(ctx, -2);
  return o;
}

/* After a backend refused to start: the op never reaches a callback. */
static duk_ret_t start_failed(duk_context *ctx, kv_op *o, int rc) {
  edgefn_runtime *rt = o->rt;
  op_unlink(o);
  stash_drop(rt, o->id);
  int kind = o->kind;
  op_destroy(o);
  duk_pop(ctx); /* its promise */
  return reject_error(ctx, DUK_ERR_ERROR, "KV %s failed: %s", op_name(kind),
                      edgefn_strerror(rc));
}

#define CHECK_BINDING(method)                                                             \
  edgefn_runtime *rt = edgefn__rt_from_ctx(ctx);                                          \
  const kv_bind *b = this_binding(ctx, rt);                                               \
  if (!b)                                                                                 \
    return reject_error(ctx, DUK_ERR_TYPE_ERROR, "KVNamespace." method ": Illegal invocation");

#define CHECK_KEY(method, idx, key, len)                                                    \
  size_t len;                                                                               \
  const char *why;                                                                          \
  const char *key = key_bytes(ctx, idx, &len, &why);                                        \
  if (why)                                                                                  \
    return reject_error(ctx, DUK_ERR_TYPE_ERROR, "KV " method ": %s", why);                 \
  if (len > EDGEFN_KV_MAX_KEY_SIZE)                                                         \
    return reject_error(ctx, DUK_ERR_RANGE_ERROR,                                           \
                        "KV " method ": the key is %zu bytes, over the limit of %u bytes "  \
                        "(EDGEFN_KV_MAX_KEY_SIZE)",                                         \
                        len, EDGEFN_KV_MAX_KEY_SIZE);

static duk_ret_t kv_get_common(duk_context *ctx, bool with_metadata) {
  duk_set_top(ctx, 2);
  CHECK_BINDING("get")
  CHECK_KEY("get", 0, key, key_len)
  int type = TYPE_TEXT;
  if (duk_is_object(ctx, 1))
    duk_get_prop_literal(ctx, 1, "type");
  else
    duk_dup(ctx, 1);
  if (!duk_is_undefined(ctx, -1) && !duk_is_null(ctx, -1)) {
    const char *t = duk_safe_to_string(ctx, -1);
    if (strcmp(t, "text") == 0)
      type = TYPE_TEXT;
    else if (strcmp(t, "json") == 0)
      type = TYPE_JSON;
    else if (strcmp(t, "arrayBuffer") == 0)
      type = TYPE_ARRAY_BUFFER;
    else if (strcmp(t, "stream") == 0)
      type = TYPE_STREAM;
    else
      return reject_error(ctx, DUK_ERR_TYPE_ERROR,
                          "KV get: unknown type '%.64s' (text, json, arrayBuffer or stream)", t);
  }
  duk_pop(ctx);
  if (type == TYPE_STREAM) {
    duk_get_global_literal(ctx, "ReadableStream");
    bool have = duk_is_function(ctx, -1);
    duk_pop(ctx);
    if (!have)
      return reject_error(ctx, DUK_ERR_TYPE_ERROR,
                          "KV get: type 'stream' needs ReadableStream, which this runtime "
                          "does not provide");
  }
  kv_op *o = op_new(ctx, rt, b, OP_GET);
  o->type = type;
  o->with_metadata = with_metadata;
  void *be;
  const edgefn_kv_ops *ops = edgefn_kv_backend(b->kv, &be);
  o->in_backend = true;
  int rc = ops->get(be, b->ns, b->ns_len, key, key_len, on_get, o);
  if (rc != 0)
    return start_failed(ctx, o, rc);
  return 1;
}

static duk_ret_t kv_get(duk_context *ctx) { return kv_get_common(ctx, false); }
static duk_ret_t kv_get_with_metadata(duk_context *ctx) { return kv_get_common(ctx, true); }

/* Reads a non-negative number option; returns false (with *bad set) for anything else. */
static bool number_option(duk_context *ctx, duk_idx_t opts, const char *name, double *out,
                          bool *given) {
  *given = false;
  if (!duk_is_object(ctx, opts))
    return true;
  duk_get_prop_string(ctx, opts, name);
  if (duk_is_undefined(ctx, -1) || duk_is_null(ctx, -1)) {
    duk_pop(ctx);
    return true;
  }
  double v = duk_to_number(ctx, -1);
  duk_pop(ctx);
  if (!isfinite(v) || v <= 0)
    return false;
  *out = floor(v);
  *given = true;
  return true;
}

static duk_ret_t kv_put(duk_context *ctx);

/* put(key, stream, options), once the stream's bytes are read: put(key, bytes, options) on
 * the same namespace (the bound function's this and first arguments). */
static duk_ret_t put_read_bytes(duk_context *ctx) { /* [bytes] */
  duk_push_current_function(ctx);
  duk_get_prop_literal(ctx, -1, KEY_PUT_NS);
  duk_push_c_function(ctx, kv_put, 3);
  duk_swap_top(ctx, -2); /* [bytes fn put ns] */
  duk_get_prop_literal(ctx, -3, KEY_PUT_KEY);
  duk_dup(ctx, 0);
  duk_get_prop_literal(ctx, -5, KEY_PUT_OPTS);
  duk_call_method(ctx, 3);
  return 1;
}

/* A ReadableStream value: read it whole, at most the value limit (a longer stream is
 * cancelled and the put rejects with the limit's RangeError), then put the bytes. */
static duk_ret_t put_stream_safe(duk_context *ctx, void *udata) { /* [.. key stream opts] */
  (void)udata;
  /* a safe call runs in the caller's frame: its arguments are the top three values */
  duk_idx_t key = duk_get_top(ctx) - 3, opts = key + 2;
  duk_dup(ctx, key + 1);
  duk_push_uint(ctx, EDGEFN_KV_MAX_VALUE_SIZE);
  duk_push_sprintf(ctx, "KV put: the stream is over the value limit of %u bytes "
                        "(EDGEFN_KV_MAX_VALUE_SIZE)", (unsigned)EDGEFN_KV_MAX_VALUE_SIZE);
  edgefn__streams_call(ctx, "readAllBytes", 3);
  duk_push_c_function(ctx, put_read_bytes, 1);
  duk_push_this(ctx);
  duk_put_prop_literal(ctx, -2, KEY_PUT_NS);
  duk_dup(ctx, key);
  duk_put_prop_literal(ctx, -2, KEY_PUT_KEY);
  duk_dup(ctx, opts);
  duk_put_prop_literal(ctx, -2, KEY_PUT_OPTS);
  duk_push_undefined(ctx);
  edgefn__promise_then(ctx, -3, -2, -1, true);
  return 1;
}

static duk_ret_t kv_put(duk_context *ctx) {
  duk_set_top(ctx, 3);
  CHECK_BINDING("put")
  CHECK_KEY("put", 0, key, key_len)
  if (edgefn__is_readable_stream(ctx, 1)) {
    /* the key converted once: the put after the read gets it as a string */
    edgefn__push_string_from_utf8(ctx, (const uint8_t *)key, key_len);
    duk_dup(ctx, 1);
    duk_dup(ctx, 2);
    if (duk_safe_call(ctx, put_stream_safe, NULL, 3, 1) != DUK_EXEC_SUCCESS)
      edgefn__promise_push_rejected(ctx, -1);
    return 1;
  }
  const uint8_t *data;
  duk_size_t len = 0;
  if (duk_is_string(ctx, 1)) {
    size_t l;
    data = edgefn__push_utf8_buffer(ctx, 1, &l);
    duk_replace(ctx, 1);
    len = l;
  } else if (duk_is_buffer_data(ctx, 1)) {
    data = duk_get_buffer_data(ctx, 1, &len);
  } else {
    return reject_error(ctx, DUK_ERR_TYPE_ERROR,
                        "KV put: the value must be a string, an ArrayBuffer, an "
                        "ArrayBufferView or a ReadableStream");
  }
  if (len > EDGEFN_KV_MAX_VALUE_SIZE)
    return reject_error(ctx, DUK_ERR_RANGE_ERROR,
                        "KV put: the value is %zu bytes, over the limit of %u bytes "
                        "(EDGEFN_KV_MAX_VALUE_SIZE)",
                        (size_t)len, EDGEFN_KV_MAX_VALUE_SIZE);
  double exp = 0, ttl = 0;
  bool has_exp, has_ttl;
  if (!number_option(ctx, 2, "expiration", &exp, &has_exp))
    return reject_error(ctx, DUK_ERR_TYPE_ERROR,
                        "KV put: expiration must be a positive number of seconds since the "
                        "Unix epoch");
  if (!number_option(ctx, 2, "expirationTtl", &ttl, &has_ttl))
    return reject_error(ctx, DUK_ERR_TYPE_ERROR,
                        "KV put: expirationTtl must be a positive number of seconds");
  int64_t expiration = has_exp ? (int64_t)exp : 0;
  if (has_ttl) /* relative wins over absolute when both are given */
    expiration = kv__now_s() + (int64_t)ttl;
  const char *meta = NULL;
  duk_size_t meta_len = 0;
  if (duk_is_object(ctx, 2)) {
    duk_get_prop_literal(ctx, 2, "metadata");
    if (!duk_is_undefined(ctx, -1) && !duk_is_null(ctx, -1)) {
      duk_json_encode(ctx, -1);
      if (!duk_is_string(ctx, -1))
        return reject_error(ctx, DUK_ERR_TYPE_ERROR,
                            "KV put: metadata must be serializable to JSON");
      meta = duk_get_lstring(ctx, -1, &meta_len);
      if (meta_len > EDGEFN_KV_MAX_METADATA_SIZE)
        return reject_error(ctx, DUK_ERR_RANGE_ERROR,
                            "KV put: the metadata is %zu bytes of JSON, over the limit of %u "
                            "bytes (EDGEFN_KV_MAX_METADATA_SIZE)",
                            (size_t)meta_len, EDGEFN_KV_MAX_METADATA_SIZE);
    }
    duk_replace(ctx, 2); /* keeps the JSON text alive */
  }
  kv_op *o = op_new(ctx, rt, b, OP_PUT);
  edgefn_kv_value v = {sizeof(v), data, len, meta, meta_len, expiration};
  void *be;
  const edgefn_kv_ops *ops = edgefn_kv_backend(b->kv, &be);
  o->in_backend = true;
  int rc = ops->put(be, b->ns, b->ns_len, key, key_len, &v, on_done, o);
  if (rc != 0)
    return start_failed(ctx, o, rc);
  return 1;
}

static duk_ret_t kv_delete(duk_context *ctx) {
  duk_set_top(ctx, 1);
  CHECK_BINDING("delete")
  CHECK_KEY("delete", 0, key, key_len)
  kv_op *o = op_new(ctx, rt, b, OP_DELETE);
  void *be;
  const edgefn_kv_ops *ops = edgefn_kv_backend(b->kv, &be);
  o->in_backend = true;
  int rc = ops->remove(be, b->ns, b->ns_len, key, key_len, on_done, o);
  if (rc != 0)
    return start_failed(ctx, o, rc);
  return 1;
}

/* Pushes option `name` of the object at opts as UTF-8 bytes ("" when absent). */
static const char *string_option(duk_context *ctx, duk_idx_t opts, const char *name,
                                 size_t *len) {
  if (duk_is_object(ctx, opts))
    duk_get_prop_string(ctx, opts, name);
  else
    duk_push_undefined(ctx);
  if (duk_is_undefined(ctx, -1) || duk_is_null(ctx, -1)) {
    duk_pop(ctx);
    duk_push_literal(ctx, "");
  }
  edgefn__to_usv_string(ctx, -1);
  const char *s = edgefn__push_utf8_buffer(ctx, -1, len);
  duk_remove(ctx, -2);
  return s;
}

static duk_ret_t kv_list(duk_context *ctx) {
  duk_set_top(ctx, 1);
  CHECK_BINDING("list")
  uint32_t limit = EDGEFN_KV_MAX_LIST_KEYS;
  if (duk_is_object(ctx, 0)) {
    duk_get_prop_literal(ctx, 0, "limit");
    if (!duk_is_undefined(ctx, -1) && !duk_is_null(ctx, -1)) {
      double l = duk_to_number(ctx, -1);
      if (!(l >= 1 && l <= EDGEFN_KV_MAX_LIST_KEYS) || l != floor(l))
        return reject_error(ctx, DUK_ERR_RANGE_ERROR,
                            "KV list: limit must be an integer from 1 to %u "
                            "(EDGEFN_KV_MAX_LIST_KEYS)",
                            EDGEFN_KV_MAX_LIST_KEYS);
      limit = (uint32_t)l;
    }
    duk_pop(ctx);
  }
  size_t prefix_len, cursor_len;
  const char *prefix = string_option(ctx, 0, "prefix", &prefix_len);
  const char *cursor = string_option(ctx, 0, "cursor", &cursor_len);
  if (prefix_len > EDGEFN_KV_MAX_KEY_SIZE)
    return reject_error(ctx, DUK_ERR_RANGE_ERROR,
                        "KV list: the prefix is %zu bytes, over the limit of %u bytes "
                        "(EDGEFN_KV_MAX_KEY_SIZE)",
                        prefix_len, EDGEFN_KV_MAX_KEY_SIZE);
  kv_op *o = op_new(ctx, rt, b, OP_LIST);
  void *be;
  const edgefn_kv_ops *ops = edgefn_kv_backend(b->kv, &be);
  o->in_backend = true;
  int rc = ops->list(be, b->ns, b->ns_len, prefix, prefix_len, limit,
                     cursor_len ? cursor : NULL, cursor_len, on_list, o);
  if (rc != 0)
    return start_failed(ctx, o, rc);
  return 1;
}

static duk_ret_t kv_ctor(duk_context *ctx) {
  return duk_error(ctx, DUK_ERR_TYPE_ERROR, "Illegal constructor");
}

/* Defines name = value (top of stack, popped) on the global object and on env at env_idx. */
static void define_both(duk_context *ctx, duk_idx_t env_idx, const char *name) {
  duk_dup(ctx, -1);
  duk_put_prop_string(ctx, env_idx, name);
  duk_put_global_string(ctx, name);
}

/* The module-syntax dispatch (lib/compiler/helpers.js.h, `module`) passes env as `env` and
 * Pages' `context.env`, and `cloudflare:workers` exports it: a hidden global, as the
 * compiler's other helpers are, present whether or not the host bound anything. */
static void define_env_global(duk_context *ctx) {
  duk_push_global_object(ctx);
  duk_push_literal(ctx, EDGEFN_GLOBAL_ENV);
  edgefn__env_push(ctx);
  duk_def_prop(ctx, -3, DUK_DEFPROP_HAVE_VALUE | DUK_DEFPROP_CLEAR_WRITABLE |
                             DUK_DEFPROP_CLEAR_ENUMERABLE | DUK_DEFPROP_CLEAR_CONFIGURABLE);
  duk_pop(ctx);
}

void edgefn__kv_env_install(duk_context *ctx) {
  edgefn_runtime *rt = edgefn__rt_from_ctx(ctx);
  struct edgefn__kv_env *env = rt ? rt->kv_env : NULL;
  if (!env) { /* nothing bound: an empty env */
    define_env_global(ctx);
    return;
  }
  duk_push_global_stash(ctx);
  duk_idx_t stash = duk_get_top_index(ctx);
  duk_push_object(ctx);
  duk_idx_t env_idx = duk_get_top_index(ctx);
  for (size_t i = 0; i < env->val_count; i++) {
    edgefn__push_string_from_utf8(ctx, (const uint8_t *)env->vals[i].value, env->vals[i].len);
    define_both(ctx, env_idx, env->vals[i].name);
  }
  if (env->bind_count) {
    static const edgefn__es_method methods[] = {
        {"get", kv_get, 2, 1, 0},
        {"getWithMetadata", kv_get_with_metadata, 2, 1, 0},
        {"put", kv_put, 3, 2, 0},
        {"delete", kv_delete, 1, 1, 0},
        {"list", kv_list, 1, 0, 0},
    };
    duk_push_c_function(ctx, kv_ctor, 0);
    duk_idx_t ctor = duk_get_top_index(ctx);
    duk_push_object(ctx);
    duk_idx_t proto = duk_get_top_index(ctx);
    edgefn__es_def_methods(ctx, proto, methods, EDGEFN_ARRAY_LEN(methods));
    edgefn__def_class_name(ctx, ctor, proto, "KVNamespace");
    for (size_t i = 0; i < env->bind_count; i++) {
      duk_push_object(ctx);
      duk_dup(ctx, proto);
      duk_set_prototype(ctx, -2);
      duk_push_uint(ctx, (duk_uint_t)i);
      duk_put_prop_literal(ctx, -2, KEY_BINDING);
      define_both(ctx, env_idx, env->binds[i].name);
    }
    duk_put_prop_literal(ctx, stash, STASH_KV_PROTO);
    duk_pop(ctx); /* ctor */
  }
  duk_put_prop_literal(ctx, stash, EDGEFN_STASH_ENV);
  duk_pop(ctx);
  define_env_global(ctx);
}

void edgefn__env_push(duk_context *ctx) {
  duk_push_global_stash(ctx);
  if (!duk_get_prop_literal(ctx, -1, EDGEFN_STASH_ENV)) {
    duk_pop(ctx);
    duk_push_object(ctx);
    duk_dup(ctx, -1);
    duk_put_prop_literal(ctx, -3, EDGEFN_STASH_ENV);
  }
  duk_remove(ctx, -2);
}

void edgefn__kv_ops_free_all(edgefn_runtime *rt) {
  struct edgefn__kv_env *env = rt->kv_env;
  if (!env)
    return;
  while (env->ops) {
    kv_op *o = env->ops;
    op_unlink(o);
    if (!rt->freeing && rt->ctx)
      stash_drop(rt, o->id);
    o->rt = NULL;
    if (!o->in_backend)
      op_destroy(o); /* a backend still holding one frees it when it answers */
  }
}

bool edgefn__kv_ops_pending(const edgefn_runtime *rt) {
  return rt->kv_env && rt->kv_env->ops;
}

void edgefn__kv_env_free(edgefn_runtime *rt) {
  struct edgefn__kv_env *env = rt->kv_env;
  if (!env)
    return;
  edgefn__kv_ops_free_all(rt);
  env_free(env);
  rt->kv_env = NULL;
}
