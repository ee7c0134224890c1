/* WHATWG Streams: the loader of lib/js/streams.js and the native helpers it runs on.
 *
 * The algorithms are ES5 (streams.js) because they are long, promise-driven and mostly
 * glue between script callbacks; a chunk passes through them by reference, so their cost
 * per chunk does not grow with its size. The text is compiled to Duktape bytecode once per
 * process (lib/js/embedded.c) and each heap loads that bytecode the first time a script
 * touches a stream global, Blob.stream() or a body stream. The module gets its promises,
 * calls, errors and buffers from the natives below, never from globals a script may have
 * replaced. */
#include "js/js.h"

#include <stdlib.h>
#include <string.h>

#include "detach.h"
#include "streams-js.h" /* generated from streams.js: edgefn__streams_js[] */

#define S_MODULE DUK_HIDDEN_SYMBOL("edgefn.streams.module")
#define K_SLOTS DUK_HIDDEN_SYMBOL("ss")
#define K_ACC DUK_HIDDEN_SYMBOL("sacc")
#define K_ENC_PENDING DUK_HIDDEN_SYMBOL("sencp")
#define S_VIEW_PROTOS DUK_HIDDEN_SYMBOL("edgefn.streams.vprotos")

/* ---- natives: microtasks and calls (the promise natives are embedded.c's shared ones) ---- */

static duk_ret_t n_queue_microtask(duk_context *ctx) {
  edgefn__queue_microtask(ctx, 0);
  return 0;
}

/* Promise.all of two promises, resolving with undefined: pipeTo's abort actions. */
static duk_ret_t all2_step(duk_context *ctx) {
  duk_push_current_function(ctx);
  duk_get_prop_literal(ctx, -1, K_SLOTS);
  duk_idx_t st = duk_get_top_index(ctx);
  duk_get_prop_index(ctx, st, 0);
  duk_idx_t p = duk_get_top_index(ctx);
  if (duk_get_current_magic(ctx)) {
    duk_dup(ctx, 0);
    edgefn__promise_settle(ctx, p, -1, true);
    return 0;
  }
  duk_get_prop_index(ctx, st, 1);
  int left = duk_get_int(ctx, -1) - 1;
  duk_push_int(ctx, left);
  duk_put_prop_index(ctx, st, 1);
  if (left == 0) {
    duk_push_undefined(ctx);
    edgefn__promise_settle(ctx, p, -1, false);
  }
  return 0;
}

static duk_ret_t n_all2(duk_context *ctx) {
  edgefn__promise_push_new(ctx); /* 2 */
  duk_push_array(ctx);           /* 3: [promise, remaining] */
  duk_dup(ctx, 2);
  duk_put_prop_index(ctx, 3, 0);
  duk_push_int(ctx, 2);
  duk_put_prop_index(ctx, 3, 1);
  for (duk_idx_t i = 0; i < 2; i++) {
    duk_push_c_function(ctx, all2_step, 1);
    duk_dup(ctx, 3);
    duk_put_prop_literal(ctx, -2, K_SLOTS);
    duk_push_c_function(ctx, all2_step, 1);
    duk_set_magic(ctx, -1, 1);
    duk_dup(ctx, 3);
    duk_put_prop_literal(ctx, -2, K_SLOTS);
    edgefn__promise_then(ctx, i, -2, -1, false);
    duk_pop_2(ctx);
  }
  duk_dup(ctx, 2);
  return 1;
}

/* ---- natives: objects ---- */

static duk_ret_t n_getter(duk_context *ctx) { /* (obj, name, fn) */
  duk_dup(ctx, 1);
  duk_dup(ctx, 2);
  duk_def_prop(ctx, 0, DUK_DEFPROP_HAVE_GETTER | DUK_DEFPROP_SET_ENUMERABLE |
                           DUK_DEFPROP_SET_CONFIGURABLE);
  return 0;
}

static duk_ret_t n_define_method(duk_context *ctx) { /* (obj, name, fn, length) */
  duk_dup(ctx, 1);
  duk_dup(ctx, 2);
  duk_def_prop(ctx, 0, DUK_DEFPROP_HAVE_VALUE | DUK_DEFPROP_SET_WRITABLE |
                           DUK_DEFPROP_CLEAR_ENUMERABLE | DUK_DEFPROP_SET_CONFIGURABLE);
  if (duk_is_number(ctx, 3)) {
    duk_push_literal(ctx, "length");
    duk_dup(ctx, 3);
    duk_def_prop(ctx, 2, DUK_DEFPROP_HAVE_VALUE | DUK_DEFPROP_FORCE | DUK_DEFPROP_CLEAR_WEC |
                             DUK_DEFPROP_SET_CONFIGURABLE);
  }
  return 0;
}

/* A method keyed by a symbol (obj, symbol, fn, name) with the spec's attributes. */
static duk_ret_t n_define_symbol_method(duk_context *ctx) {
  duk_dup(ctx, 1);
  duk_dup(ctx, 2);
  duk_def_prop(ctx, 0, DUK_DEFPROP_HAVE_VALUE | DUK_DEFPROP_SET_WRITABLE |
                           DUK_DEFPROP_CLEAR_ENUMERABLE | DUK_DEFPROP_SET_CONFIGURABLE);
  return 0;
}

static duk_ret_t n_set_name(duk_context *ctx) {
  duk_push_literal(ctx, "name");
  duk_dup(ctx, 1);
  duk_def_prop(ctx, 0, DUK_DEFPROP_HAVE_VALUE | DUK_DEFPROP_FORCE | DUK_DEFPROP_CLEAR_WEC |
                           DUK_DEFPROP_SET_CONFIGURABLE);
  return 0;
}

static duk_ret_t n_class_name(duk_context *ctx) { /* (ctor, proto, name, length) */
  edgefn__def_class_name(ctx, 0, 1, duk_require_string(ctx, 2));
  duk_push_literal(ctx, "length");
  duk_dup(ctx, 3);
  duk_def_prop(ctx, 0, DUK_DEFPROP_HAVE_VALUE | DUK_DEFPROP_FORCE | DUK_DEFPROP_CLEAR_WEC |
                           DUK_DEFPROP_SET_CONFIGURABLE);
  /* WebIDL: the prototype property of an interface object is not writable. */
  duk_push_literal(ctx, "prototype");
  duk_dup(ctx, 1);
  duk_def_prop(ctx, 0, DUK_DEFPROP_HAVE_VALUE | DUK_DEFPROP_FORCE | DUK_DEFPROP_CLEAR_WEC);
  return 0;
}

/* ---- natives: buffers ---- */

/* The view types in the order of Duktape's DUK_BUFOBJ_* for views; index 0 is DataView.
 * viewType() answers the index (1 is Uint8Array), or -1 for a non-view. */
static const duk_uint_t view_flags[] = {
    DUK_BUFOBJ_DATAVIEW,     DUK_BUFOBJ_UINT8ARRAY,  DUK_BUFOBJ_INT8ARRAY,
    DUK_BUFOBJ_UINT8CLAMPEDARRAY, DUK_BUFOBJ_INT16ARRAY, DUK_BUFOBJ_UINT16ARRAY,
    DUK_BUFOBJ_INT32ARRAY,   DUK_BUFOBJ_UINT32ARRAY, DUK_BUFOBJ_FLOAT32ARRAY,
    DUK_BUFOBJ_FLOAT64ARRAY, DUK_BUFOBJ_ARRAYBUFFER};
#define N_VIEW_TYPES 10 /* the entries before ARRAYBUFFER */
#define AB_INDEX 10

/* Pushes the array of intrinsic prototypes of view_flags (made once per heap). */
static void push_view_protos(duk_context *ctx) {
  duk_push_global_stash(ctx);
  if (!duk_get_prop_literal(ctx, -1, S_VIEW_PROTOS)) {
    duk_pop(ctx);
    duk_push_array(ctx);
    for (size_t i = 0; i < EDGEFN_ARRAY_LEN(view_flags); i++) {
      duk_push_fixed_buffer(ctx, 8);
      duk_push_buffer_object(ctx, -1, 0, 8, view_flags[i]);
      duk_get_prototype(ctx, -1);
      duk_put_prop_index(ctx, -4, (duk_uarridx_t)i);
      duk_pop_2(ctx);
    }
    duk_dup_top(ctx);
    duk_put_prop_literal(ctx, -3, S_VIEW_PROTOS);
  }
  duk_remove(ctx, -2);
}

/* The index in view_flags of the buffer object at idx (walking its prototype chain, as a
 * subclass instance keeps its [[TypedArrayName]]), or -1. */
static int buffer_kind(duk_context *ctx, duk_idx_t idx) {
  if (!duk_is_buffer_data(ctx, idx) || !duk_is_object(ctx, idx))
    return -1;
  idx = duk_normalize_index(ctx, idx);
  push_view_protos(ctx);
  duk_idx_t protos = duk_get_top_index(ctx);
  duk_dup(ctx, idx);
  int kind = -1;
  for (int depth = 0; kind < 0 && depth < 32; depth++) {
    duk_get_prototype(ctx, -1);
    duk_remove(ctx, -2);
    if (!duk_is_object(ctx, -1))
      break;
    for (size_t i = 0; i < EDGEFN_ARRAY_LEN(view_flags); i++) {
      duk_get_prop_index(ctx, protos, (duk_uarridx_t)i);
      bool same = duk_strict_equals(ctx, -1, -2);
      duk_pop(ctx);
      if (same) {
        kind = (int)i;
        break;
      }
    }
  }
  duk_pop_2(ctx);
  return kind;
}

static duk_ret_t n_view_type(duk_context *ctx) {
  int k = buffer_kind(ctx, 0);
  duk_push_int(ctx, k >= 0 && k < N_VIEW_TYPES ? k : -1);
  return 1;
}

static duk_ret_t n_is_array_buffer(duk_context *ctx) {
  duk_push_boolean(ctx, buffer_kind(ctx, 0) == AB_INDEX);
  return 1;
}

static duk_ret_t n_ab_length(duk_context *ctx) {
  duk_size_t n = 0;
  if (buffer_kind(ctx, 0) == AB_INDEX)
    (void)duk_get_buffer_data(ctx, 0, &n);
  duk_push_number(ctx, (double)n);
  return 1;
}

static duk_ret_t n_make_view(duk_context *ctx) { /* (type, ab, byteOffset, byteLength) */
  duk_int_t t = duk_require_int(ctx, 0);
  if (t < 0 || t >= N_VIEW_TYPES)
    return duk_type_error(ctx, "bad view type");
  duk_push_buffer_object(ctx, 1, (duk_size_t)duk_require_number(ctx, 2),
                         (duk_size_t)duk_require_number(ctx, 3), view_flags[t]);
  return 1;
}

static void push_new_ab(duk_context *ctx, size_t n, void **data) {
  *data = duk_push_fixed_buffer(ctx, n);
  duk_push_buffer_object(ctx, -1, 0, n, DUK_BUFOBJ_ARRAYBUFFER);
  duk_remove(ctx, -2);
}

static duk_ret_t n_new_ab(duk_context *ctx) {
  double n = duk_require_number(ctx, 0);
  if (!(n >= 0) || n > (double)EDGEFN_STREAM_MAX_CHUNK)
    return duk_range_error(ctx, "Array buffer allocation failed");
  void *d;
  push_new_ab(ctx, (size_t)n, &d);
  return 1;
}

/* Bytes [off, off + n) of the buffer data at idx, range-checked. */
static uint8_t *require_range(duk_context *ctx, duk_idx_t idx, double off, double n) {
  duk_size_t len;
  uint8_t *p = duk_require_buffer_data(ctx, idx, &len);
  if (!(off >= 0) || !(n >= 0) || off + n > (double)len)
    (void)duk_range_error(ctx, "offset is out of bounds");
  return p + (size_t)off;
}

static duk_ret_t n_slice_ab(duk_context *ctx) { /* (buffer data, off, n) */
  double n = duk_require_number(ctx, 2);
  const uint8_t *src = require_range(ctx, 0, duk_require_number(ctx, 1), n);
  void *d;
  push_new_ab(ctx, (size_t)n, &d);
  if (n > 0)
    memcpy(d, src, (size_t)n);
  return 1;
}

static duk_ret_t n_copy(duk_context *ctx) { /* (dst, dstOff, src, srcOff, n) */
  double n = duk_require_number(ctx, 4);
  uint8_t *dst = require_range(ctx, 0, duk_require_number(ctx, 1), n);
  const uint8_t *src = require_range(ctx, 2, duk_require_number(ctx, 3), n);
  if (n > 0)
    memmove(dst, src, (size_t)n);
  return 0;
}

/* TransferArrayBuffer (ab, view?): a new ArrayBuffer holding ab's bytes; ab is detached
 * (lib/duktape/internals.c), and so is the given view onto it, which then reads as empty.
 * The old buffer keeps its allocation until it is collected; a loop of BYOB reads leaves
 * one behind per read, some of them in reference cycles (promise chains) that only a
 * mark-and-sweep frees, which Duktape schedules by allocation count: so every
 * EDGEFN_STREAM_DETACHED_GC_BYTES (or 1/16 of the memory limit) detached, a collection
 * runs. */
static duk_ret_t n_transfer_ab(duk_context *ctx) {
  duk_set_top(ctx, 2);
  duk_size_t len = 0;
  if (buffer_kind(ctx, 0) == AB_INDEX)
    (void)duk_get_buffer_data(ctx, 0, &len);
  if (buffer_kind(ctx, 0) != AB_INDEX || !edgefn__duk_transfer_buffer(ctx, 0, 1))
    return duk_type_error(ctx, "not an ArrayBuffer");
  duk_memory_functions mf;
  duk_get_memory_functions(ctx, &mf);
  edgefn__heap_ctl *ctl = mf.udata;
  if (ctl) {
    size_t cap = EDGEFN_STREAM_DETACHED_GC_BYTES;
    if (ctl->mem_limit > 0 && ctl->mem_limit / 16 < cap)
      cap = ctl->mem_limit / 16;
    ctl->detached_bytes += len;
    if (ctl->detached_bytes >= cap) {
      ctl->detached_bytes = 0;
      duk_gc(ctx, 0);
    }
  }
  return 1;
}

/* A growable byte accumulator for readAllBytes: a dynamic buffer under K_ACC. */
static duk_ret_t n_new_accumulator(duk_context *ctx) {
  duk_push_object(ctx);
  duk_push_dynamic_buffer(ctx, 0);
  duk_put_prop_literal(ctx, -2, K_ACC);
  duk_push_int(ctx, 0);
  duk_put_prop_literal(ctx, -2, "n");
  return 1;
}

static duk_ret_t n_accumulate(duk_context *ctx) { /* (acc, u8) */
  duk_size_t len;
  const uint8_t *src = duk_require_buffer_data(ctx, 1, &len);
  duk_get_prop_literal(ctx, 0, K_ACC);
  duk_get_prop_literal(ctx, 0, "n");
  size_t used = (size_t)duk_get_number(ctx, -1);
  duk_pop(ctx);
  if (len > EDGEFN_STREAM_MAX_BODY - used)
    return duk_range_error(ctx, "body stream is larger than %u bytes",
                           (unsigned)EDGEFN_STREAM_MAX_BODY);
  duk_size_t cap;
  uint8_t *buf = duk_get_buffer(ctx, -1, &cap);
  if (used + len > cap) {
    size_t want = cap ? cap * 2 : 4096;
    while (want < used + len)
      want *= 2;
    buf = duk_resize_buffer(ctx, -1, want);
  }
  if (len)
    memcpy(buf + used, src, len);
  duk_push_number(ctx, (double)(used + len));
  duk_put_prop_literal(ctx, 0, "n");
  return 0;
}

static duk_ret_t n_accumulated(duk_context *ctx) { /* (acc) -> Uint8Array */
  duk_get_prop_literal(ctx, 0, K_ACC);
  duk_get_prop_literal(ctx, 0, "n");
  size_t used = (size_t)duk_get_number(ctx, -1);
  const uint8_t *src = duk_get_buffer(ctx, -2, NULL);
  uint8_t *d = duk_push_fixed_buffer(ctx, used);
  if (used)
    memcpy(d, src, used);
  duk_push_buffer_object(ctx, -1, 0, used, DUK_BUFOBJ_UINT8ARRAY);
  return 1;
}

/* ---- natives: text ---- */

static duk_ret_t n_new_text_encoder(duk_context *ctx) {
  duk_push_object(ctx);
  duk_push_int(ctx, 0);
  duk_put_prop_literal(ctx, -2, K_ENC_PENDING);
  return 1;
}

/* TextEncoderStream's encode and flush steps: a high surrogate at the end of a chunk waits
 * for the next chunk (Duktape keeps strings as CESU-8, a surrogate as 3 bytes). */
static duk_ret_t n_encode_chunk(duk_context *ctx) { /* (enc, chunk or null) */
  duk_get_prop_literal(ctx, 0, K_ENC_PENDING);
  duk_uint_t pending = (duk_uint_t)duk_get_uint(ctx, -1);
  duk_pop(ctx);
  if (duk_is_null(ctx, 1)) {
    if (!pending) {
      duk_push_null(ctx);
      return 1;
    }
    uint8_t *d = duk_push_fixed_buffer(ctx, 3);
    memcpy(d, "\xef\xbf\xbd", 3);
    duk_push_buffer_object(ctx, -1, 0, 3, DUK_BUFOBJ_UINT8ARRAY);
    return 1;
  }
  duk_to_string(ctx, 1);
  if (pending) {
    char cesu[3] = {(char)(0xe0 | (pending >> 12)), (char)(0x80 | ((pending >> 6) & 0x3f)),
                    (char)(0x80 | (pending & 0x3f))};
    duk_push_lstring(ctx, cesu, 3);
    duk_dup(ctx, 1);
    duk_concat(ctx, 2);
    duk_replace(ctx, 1);
  }
  duk_size_t len;
  const unsigned char *s = (const unsigned char *)duk_get_lstring(ctx, 1, &len);
  pending = 0;
  if (len >= 3 && s[len - 3] == 0xed && s[len - 2] >= 0xa0 && s[len - 2] <= 0xaf) {
    pending = 0xd000u | ((duk_uint_t)(s[len - 2] & 0x3f) << 6) | (s[len - 1] & 0x3f);
    duk_push_lstring(ctx, (const char *)s, len - 3);
    duk_replace(ctx, 1);
  }
  duk_push_uint(ctx, pending);
  duk_put_prop_literal(ctx, 0, K_ENC_PENDING);
  size_t n;
  (void)edgefn__push_utf8_buffer(ctx, 1, &n);
  if (n == 0) {
    duk_push_null(ctx);
    return 1;
  }
  duk_push_buffer_object(ctx, -1, 0, n, DUK_BUFOBJ_UINT8ARRAY);
  return 1;
}

static duk_ret_t n_new_text_decoder(duk_context *ctx) {
  duk_set_top(ctx, 2);
  edgefn__text_decoder_push_new(ctx, 0, 1);
  return 1;
}

static duk_ret_t n_decode_chunk(duk_context *ctx) { /* (dec, chunk, stream) */
  duk_dup(ctx, 0);
  duk_push_literal(ctx, "decode");
  if (duk_is_undefined(ctx, 1)) {
    duk_call_prop(ctx, -2, 0);
    return 1;
  }
  duk_dup(ctx, 1);
  duk_push_object(ctx);
  duk_push_true(ctx);
  duk_put_prop_literal(ctx, -2, "stream");
  duk_call_prop(ctx, -4, 2);
  return 1;
}

/* ---- natives: AbortSignal ---- */

static duk_ret_t n_is_abort_signal(duk_context *ctx) {
  duk_push_boolean(ctx, edgefn__is_abort_signal(ctx, 0));
  return 1;
}

static duk_ret_t n_is_aborted(duk_context *ctx) {
  duk_push_boolean(ctx, edgefn__abort_signal_aborted(ctx, 0));
  return 1;
}

static duk_ret_t n_abort_reason(duk_context *ctx) {
  edgefn__abort_signal_push_reason(ctx, 0);
  return 1;
}

static duk_ret_t n_add_abort_listener(duk_context *ctx) {
  edgefn__abort_signal_add_algorithm(ctx, 0, 1);
  return 0;
}

static duk_ret_t n_new_abort_signal(duk_context *ctx) {
  edgefn__abort_signal_push_new(ctx);
  return 1;
}

static duk_ret_t n_signal_abort(duk_context *ctx) {
  duk_set_top(ctx, 2);
  edgefn__abort_signal_abort(ctx, 0, 1);
  return 0;
}

/* ---- natives: zlib (lib/js/compression.c) ---- */

static duk_ret_t n_zlib_new(duk_context *ctx) {
  edgefn__zlib_push_new(ctx, 0, duk_to_boolean(ctx, 1));
  return 1;
}

static duk_ret_t n_zlib_push(duk_context *ctx) {
  edgefn__zlib_push_output(ctx, 0, 1, duk_to_boolean(ctx, 2));
  return 1;
}

/* ---- the module ---- */

static const edgefn__embedded_native natives[] = {
    {"queueMicrotask", n_queue_microtask, 1, 0},
    {"all2", n_all2, 2, 0},
    {"getter", n_getter, 3, 0},
    {"defineMethod", n_define_method, 4, 0},
    {"defineSymbolMethod", n_define_symbol_method, 4, 0},
    {"setName", n_set_name, 2, 0},
    {"className", n_class_name, 4, 0},
    {"viewType", n_view_type, 1, 0},
    {"isArrayBuffer", n_is_array_buffer, 1, 0},
    {"abLength", n_ab_length, 1, 0},
    {"makeView", n_make_view, 4, 0},
    {"newAB", n_new_ab, 1, 0},
    {"sliceAB", n_slice_ab, 3, 0},
    {"copy", n_copy, 5, 0},
    {"transferAB", n_transfer_ab, 2, 0},
    {"newAccumulator", n_new_accumulator, 0, 0},
    {"accumulate", n_accumulate, 2, 0},
    {"accumulated", n_accumulated, 1, 0},
    {"newTextEncoder", n_new_text_encoder, 0, 0},
    {"encodeChunk", n_encode_chunk, 2, 0},
    {"newTextDecoder", n_new_text_decoder, 2, 0},
    {"decodeChunk", n_decode_chunk, 3, 0},
    {"isAbortSignal", n_is_abort_signal, 1, 0},
    {"isAborted", n_is_aborted, 1, 0},
    {"abortReason", n_abort_reason, 1, 0},
    {"addAbortListener", n_add_abort_listener, 2, 0},
    {"newAbortSignal", n_new_abort_signal, 0, 0},
    {"signalAbort", n_signal_abort, 2, 0},
    {"zlibNew", n_zlib_new, 2, 0},
    {"zlibPush", n_zlib_push, 3, 0},
};

static duk_ret_t async_iterator_self(duk_context *ctx) {
  duk_push_this(ctx);
  return 1;
}

static void push_natives(duk_context *ctx) {
  duk_idx_t n =
      edgefn__embedded_push_natives(ctx, natives, EDGEFN_ARRAY_LEN(natives), K_SLOTS);
  duk_push_literal(ctx, DUK_WELLKNOWN_SYMBOL("Symbol.asyncIterator"));
  duk_put_prop_literal(ctx, n, "asyncIterator");
  /* %AsyncIteratorPrototype%: its @@asyncIterator returns this. */
  duk_push_object(ctx);
  duk_push_literal(ctx, DUK_WELLKNOWN_SYMBOL("Symbol.asyncIterator"));
  duk_push_c_function(ctx, async_iterator_self, 0);
  duk_def_prop(ctx, -3, DUK_DEFPROP_HAVE_VALUE | DUK_DEFPROP_SET_WRITABLE |
                            DUK_DEFPROP_SET_CONFIGURABLE);
  duk_put_prop_literal(ctx, n, "asyncIteratorProto");
  edgefn__structured_clone_push_fn(ctx);
  duk_put_prop_literal(ctx, n, "structuredClone");
}

static edgefn__embedded_js module = EDGEFN_EMBEDDED_JS("streams.js", edgefn__streams_js,
                                                     S_MODULE, push_natives);

void edgefn__streams_push_module(duk_context *ctx) {
  edgefn__embedded_push_module(ctx, &module);
}

void edgefn__streams_install(duk_context *ctx) {
  edgefn__streams_push_module(ctx);
  duk_get_prop_literal(ctx, -1, "names");
  duk_get_prop_literal(ctx, -2, "ctors");
  duk_push_global_object(ctx);
  duk_size_t n = duk_get_length(ctx, -3);
  for (duk_size_t i = 0; i < n; i++) {
    duk_get_prop_index(ctx, -3, (duk_uarridx_t)i);
    duk_get_prop_index(ctx, -3, (duk_uarridx_t)i);
    duk_def_prop(ctx, -3, DUK_DEFPROP_HAVE_VALUE | DUK_DEFPROP_SET_WRITABLE |
                              DUK_DEFPROP_CLEAR_ENUMERABLE | DUK_DEFPROP_SET_CONFIGURABLE);
  }
  duk_pop_n(ctx, 4);
}

void edgefn__stream_push_from_bytes(duk_context *ctx, const uint8_t *data, size_t len) {
  edgefn__streams_push_module(ctx);
  duk_push_literal(ctx, "fromBytes");
  uint8_t *d = duk_push_fixed_buffer(ctx, len);
  if (len)
    memcpy(d, data, len);
  duk_push_buffer_object(ctx, -1, 0, len, DUK_BUFOBJ_UINT8ARRAY);
  duk_remove(ctx, -2);
  duk_call_prop(ctx, -3, 1);
  duk_remove(ctx, -2);
}

bool edgefn__is_readable_stream(duk_context *ctx, duk_idx_t idx) {
  if (!duk_is_object(ctx, idx))
    return false;
  duk_push_global_stash(ctx);
  bool loaded = duk_has_prop_literal(ctx, -1, S_MODULE);
  duk_pop(ctx);
  if (!loaded) /* no stream can exist before the module is loaded */
    return false;
  idx = duk_normalize_index(ctx, idx);
  edgefn__streams_push_module(ctx);
  duk_push_literal(ctx, "isReadable");
  duk_dup(ctx, idx);
  duk_call_prop(ctx, -3, 1);
  bool yes = duk_to_boolean(ctx, -1);
  duk_pop_2(ctx);
  return yes;
}

void edgefn__streams_call(duk_context *ctx, const char *fn, duk_idx_t nargs) {
  duk_idx_t base = duk_get_top(ctx) - nargs;
  edgefn__streams_push_module(ctx);
  duk_get_prop_string(ctx, -1, fn);
  duk_insert(ctx, base); /* [fn args.. module] */
  duk_insert(ctx, base + 1); /* [fn module args..] */
  duk_call_method(ctx, nargs);
}

bool edgefn__stream_is_usable(duk_context *ctx, duk_idx_t idx) {
  duk_dup(ctx, idx);
  edgefn__streams_call(ctx, "isUsable", 1);
  bool yes = duk_to_boolean(ctx, -1);
  duk_pop(ctx);
  return yes;
}

bool edgefn__is_uint8array(duk_context *ctx, duk_idx_t idx) { return buffer_kind(ctx, idx) == 1; }
