/* crypto.DigestStream (a Cloudflare Workers extension): a WritableStream that keeps none of
 * the bytes written to it, only their hash; its `digest` promise gives the hash as an
 * ArrayBuffer once the stream is closed, and is rejected when the stream is aborted or a
 * write fails. Used to hash a body while it streams (`body.pipeTo(ds)`), without holding it.
 *
 * The stream is the streams module's own WritableStream, constructed on `this` with a sink
 * of three C functions; the hash state is a plain mbedTLS context (no pointers) inside a
 * Duktape buffer, so it is counted in the heap's memory and freed with it. The class is
 * made when a script first reads crypto.DigestStream, so that `crypto` alone does not load
 * the streams module. */
#include "js/js.h"

#include <string.h>

#include <mbedtls/md5.h>
#include <mbedtls/sha1.h>
#include <mbedtls/sha256.h>
#include <mbedtls/sha512.h>

#define S_CLASS DUK_HIDDEN_SYMBOL("edgefn.digestStream")
#define S_WRITABLE DUK_HIDDEN_SYMBOL("edgefn.digestStream.ws")
#define K_STATE DUK_HIDDEN_SYMBOL("dss")
#define K_DIGEST DUK_HIDDEN_SYMBOL("dsd")

typedef struct digest_state {
  int alg; /* EDGEFN_DIGEST_* */
  bool settled;
  double written;
  union {
    mbedtls_md5_context md5;
    mbedtls_sha1_context sha1;
    mbedtls_sha256_context sha256;
    mbedtls_sha512_context sha512;
  } u;
} digest_state;

static void state_start(digest_state *st) {
  switch (st->alg) {
  case EDGEFN_DIGEST_MD5:
    mbedtls_md5_init(&st->u.md5);
    (void)mbedtls_md5_starts_ret(&st->u.md5);
    break;
  case EDGEFN_DIGEST_SHA1:
    mbedtls_sha1_init(&st->u.sha1);
    (void)mbedtls_sha1_starts_ret(&st->u.sha1);
    break;
  case EDGEFN_DIGEST_SHA256:
    mbedtls_sha256_init(&st->u.sha256);
    (void)mbedtls_sha256_starts_ret(&st->u.sha256, 0);
    break;
  default: /* SHA-384, SHA-512 */
    mbedtls_sha512_init(&st->u.sha512);
    (void)mbedtls_sha512_starts_ret(&st->u.sha512, st->alg == EDGEFN_DIGEST_SHA384);
    break;
  }
}

static void state_update(digest_state *st, const unsigned char *p, size_t n) {
  switch (st->alg) {
  case EDGEFN_DIGEST_MD5:
    (void)mbedtls_md5_update_ret(&st->u.md5, p, n);
    break;
  case EDGEFN_DIGEST_SHA1:
    (void)mbedtls_sha1_update_ret(&st->u.sha1, p, n);
    break;
  case EDGEFN_DIGEST_SHA256:
    (void)mbedtls_sha256_update_ret(&st->u.sha256, p, n);
    break;
  default:
    (void)mbedtls_sha512_update_ret(&st->u.sha512, p, n);
    break;
  }
  st->written += (double)n;
}

/* Writes the digest to out (64 bytes of room) and returns its length. */
static size_t state_finish(digest_state *st, unsigned char *out) {
  switch (st->alg) {
  case EDGEFN_DIGEST_MD5:
    (void)mbedtls_md5_finish_ret(&st->u.md5, out);
    return 16;
  case EDGEFN_DIGEST_SHA1:
    (void)mbedtls_sha1_finish_ret(&st->u.sha1, out);
    return 20;
  case EDGEFN_DIGEST_SHA256:
    (void)mbedtls_sha256_finish_ret(&st->u.sha256, out);
    return 32;
  default:
    (void)mbedtls_sha512_finish_ret(&st->u.sha512, out);
    return st->alg == EDGEFN_DIGEST_SHA384 ? 48 : 64;
  }
}

/* The sink's state (the sink is `this` in its methods). */
static digest_state *sink_state(duk_context *ctx) {
  duk_push_this(ctx);
  duk_get_prop_literal(ctx, -1, K_STATE);
  digest_state *st = duk_get_buffer(ctx, -1, NULL);
  duk_pop(ctx);
  if (!st)
    (void)duk_type_error(ctx, "not a DigestStream sink");
  return st; /* the sink stays on the stack */
}

/* Settles the digest promise of the sink on top of the stack with the value on top. */
static void settle(duk_context *ctx, digest_state *st, duk_idx_t sink, bool reject) {
  if (st->settled)
    return;
  st->settled = true;
  duk_get_prop_literal(ctx, sink, K_DIGEST);
  edgefn__promise_settle(ctx, -1, -2, reject);
  duk_pop(ctx);
}

static duk_ret_t sink_write(duk_context *ctx) { /* (chunk, controller) */
  digest_state *st = sink_state(ctx);
  duk_idx_t sink = duk_get_top_index(ctx);
  if (!duk_is_buffer_data(ctx, 0)) {
    /* The stream errors with this, and abort() is not called then: the digest is rejected
     * here so that nobody waits on it forever. */
    duk_push_error_object(ctx, DUK_ERR_TYPE_ERROR,
                          "DigestStream accepts only ArrayBuffer or ArrayBufferView chunks");
    settle(ctx, st, sink, true);
    return duk_throw(ctx);
  }
  duk_size_t n = 0;
  const unsigned char *p = duk_get_buffer_data(ctx, 0, &n);
  if (n)
    state_update(st, p, n);
  return 0;
}

static duk_ret_t sink_close(duk_context *ctx) {
  digest_state *st = sink_state(ctx);
  duk_idx_t sink = duk_get_top_index(ctx);
  unsigned char out[64];
  size_t n = state_finish(st, out);
  memcpy(duk_push_fixed_buffer(ctx, n), out, n);
  duk_push_buffer_object(ctx, -1, 0, n, DUK_BUFOBJ_ARRAYBUFFER);
  settle(ctx, st, sink, false);
  return 0;
}

static duk_ret_t sink_abort(duk_context *ctx) { /* (reason) */
  digest_state *st = sink_state(ctx);
  duk_idx_t sink = duk_get_top_index(ctx);
  duk_dup(ctx, 0);
  settle(ctx, st, sink, true);
  return 0;
}

static duk_ret_t ds_ctor(duk_context *ctx) { /* (algorithm) */
  if (!duk_is_constructor_call(ctx))
    return duk_type_error(ctx, "Constructor DigestStream requires 'new'");
  duk_set_top(ctx, 1);
  int alg = edgefn__subtle_digest_alg(ctx, 0);
  duk_set_top(ctx, 1);
  duk_push_this(ctx); /* 1 */
  duk_push_bare_object(ctx); /* 2: the sink, so no property of Object.prototype is read */
  digest_state *st = duk_push_fixed_buffer(ctx, sizeof(*st));
  memset(st, 0, sizeof(*st));
  st->alg = alg;
  state_start(st);
  duk_dup(ctx, -1);
  duk_put_prop_literal(ctx, 1, K_STATE); /* for bytesWritten */
  duk_put_prop_literal(ctx, 2, K_STATE);
  edgefn__promise_push_new(ctx);
  /* A script that never reads the digest of an aborted stream has not failed to handle
   * anything. */
  edgefn__promise_mark_handled(ctx, -1);
  duk_dup(ctx, -1);
  duk_put_prop_literal(ctx, 1, K_DIGEST);
  duk_put_prop_literal(ctx, 2, K_DIGEST);
  static const duk_function_list_entry sink_fns[] = {
      {"write", sink_write, 2}, {"close", sink_close, 0}, {"abort", sink_abort, 1}, {NULL, NULL, 0}};
  duk_put_function_list(ctx, 2, sink_fns);
  duk_push_global_stash(ctx);
  duk_get_prop_literal(ctx, -1, S_WRITABLE);
  duk_dup(ctx, 1);
  duk_dup(ctx, 2);
  duk_call_method(ctx, 1); /* WritableStream's steps on this */
  return 0;
}

/* this: a DigestStream, else TypeError; pushes its hidden value at key. */
static void push_own(duk_context *ctx, const char *key, const char *what) {
  duk_push_this(ctx);
  if (!duk_is_object(ctx, -1) || !duk_get_prop_string(ctx, -1, key))
    (void)duk_type_error(ctx, "DigestStream.prototype.%s called on an incompatible receiver",
                         what);
}

static duk_ret_t ds_digest(duk_context *ctx) {
  push_own(ctx, K_DIGEST, "digest");
  return 1;
}

static duk_ret_t ds_bytes_written(duk_context *ctx) {
  push_own(ctx, K_STATE, "bytesWritten");
  const digest_state *st = duk_get_buffer(ctx, -1, NULL);
  duk_push_number(ctx, st ? st->written : 0);
  return 1;
}

/* Pushes the DigestStream class of this heap, made on first use. */
static void push_class(duk_context *ctx) {
  duk_push_global_stash(ctx);
  if (duk_get_prop_literal(ctx, -1, S_CLASS)) {
    duk_remove(ctx, -2);
    return;
  }
  duk_pop(ctx);
  duk_idx_t stash = duk_get_top_index(ctx);
  /* WritableStream as the streams module made it (the global may have been replaced) */
  edgefn__streams_push_module(ctx);
  duk_get_prop_literal(ctx, -1, "names");
  duk_idx_t names = duk_get_top_index(ctx);
  duk_get_prop_literal(ctx, -2, "ctors");
  duk_idx_t ctors = duk_get_top_index(ctx);
  duk_size_t n = duk_get_length(ctx, names);
  duk_push_undefined(ctx);
  for (duk_size_t i = 0; i < n; i++) {
    duk_get_prop_index(ctx, names, (duk_uarridx_t)i);
    bool found = strcmp(duk_safe_to_string(ctx, -1), "WritableStream") == 0;
    duk_pop(ctx);
    if (found) {
      duk_get_prop_index(ctx, ctors, (duk_uarridx_t)i);
      duk_replace(ctx, -2);
      break;
    }
  }
  if (!duk_is_function(ctx, -1))
    (void)duk_error(ctx, DUK_ERR_ERROR, "internal error: no WritableStream");
  duk_idx_t ws = duk_get_top_index(ctx);
  duk_dup(ctx, ws);
  duk_put_prop_literal(ctx, stash, S_WRITABLE);
  duk_push_c_function(ctx, ds_ctor, 1);
  duk_idx_t ctor = duk_get_top_index(ctx);
  duk_push_object(ctx);
  duk_idx_t proto = duk_get_top_index(ctx);
  duk_get_prop_literal(ctx, ws, "prototype");
  duk_set_prototype(ctx, proto);
  edgefn__def_getter(ctx, proto, "digest", ds_digest);
  edgefn__def_getter(ctx, proto, "bytesWritten", ds_bytes_written);
  edgefn__def_class_name(ctx, ctor, proto, "DigestStream");
  duk_push_literal(ctx, "length");
  duk_push_int(ctx, 1);
  duk_def_prop(ctx, ctor,
               DUK_DEFPROP_HAVE_VALUE | DUK_DEFPROP_FORCE | DUK_DEFPROP_SET_CONFIGURABLE);
  duk_dup(ctx, ws);
  duk_set_prototype(ctx, ctor); /* as `class DigestStream extends WritableStream` */
  duk_dup(ctx, ctor);
  duk_put_prop_literal(ctx, stash, S_CLASS);
  duk_copy(ctx, ctor, stash);
  duk_set_top(ctx, stash + 1);
}

/* Replaces the accessor with a data property on the object it was read through. */
static void define_value(duk_context *ctx, duk_idx_t value) {
  value = duk_normalize_index(ctx, value);
  duk_push_this(ctx);
  if (!duk_is_object(ctx, -1)) {
    duk_pop(ctx);
    return;
  }
  duk_push_literal(ctx, "DigestStream");
  duk_dup(ctx, value);
  duk_def_prop(ctx, -3, DUK_DEFPROP_HAVE_VALUE | DUK_DEFPROP_SET_WRITABLE |
                            DUK_DEFPROP_CLEAR_ENUMERABLE | DUK_DEFPROP_SET_CONFIGURABLE);
  duk_pop(ctx);
}

static duk_ret_t lazy_get(duk_context *ctx) {
  push_class(ctx);
  define_value(ctx, -1);
  return 1;
}

static duk_ret_t lazy_set(duk_context *ctx) { /* (value) */
  define_value(ctx, 0);
  return 0;
}

void edgefn__digest_stream_install(duk_context *ctx, duk_idx_t crypto) {
  crypto = duk_normalize_index(ctx, crypto);
  duk_push_literal(ctx, "DigestStream");
  duk_push_c_function(ctx, lazy_get, 0);
  duk_push_c_function(ctx, lazy_set, 1);
  duk_def_prop(ctx, crypto, DUK_DEFPROP_HAVE_GETTER | DUK_DEFPROP_HAVE_SETTER |
                                DUK_DEFPROP_CLEAR_ENUMERABLE | DUK_DEFPROP_SET_CONFIGURABLE);
}
