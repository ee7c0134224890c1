/* Duktape with one addition the sandbox needs: detaching an ArrayBuffer (the Streams
 * standard's TransferArrayBuffer, design.md "The sandbox"). Duktape 2.7 has no detach, and
 * doing one needs its internal duk_hbufobj/duk_hbuffer layout, so this file compiles
 * Debian's duktape.c (copied beside the project's duk_config.h as duktape-amalg.h, see
 * meson.build) in the same translation unit and adds the helper after it. Nothing of
 * Duktape's source lives in the tree.
 *
 * Why shrinking the backing buffer is safe: Duktape lets a dynamic buffer shrink under the
 * views made over it, so every element read and write, every copy (set, subarray, slice,
 * the constructors, DataView get/set, JSON, TextDecoder's duk_get_buffer_data) validates
 * a view's offset + length against DUK_HBUFFER_GET_SIZE before touching the bytes, and
 * reads 0 / ignores the write / copies nothing when the view no longer fits. Setting the
 * size of the backing duk_hbuffer to 0 puts every view in that state at once. The memory
 * itself is not freed or moved (the size field is the only change), so a C caller that
 * fetched a data pointer before the detach still points into a live allocation; it is
 * freed with the duk_hbuffer, whose free path does not look at the size. The one Duktape
 * function that writes without that validation is the Node.js Buffer.prototype.fill
 * binding (it memsets the view's nominal length): the sandbox replaces it with
 * edgefn__duk_buffer_fill_checked below (lib/js/sandbox.c; tests/js/test-detach.c tries
 * it). */
#include "duktape-amalg.h"

#include "detach.h"

duk_bool_t edgefn__duk_detach_buffer(duk_context *ctx, duk_idx_t idx) {
  duk_hthread *thr = (duk_hthread *)ctx;
  duk_tval *tv = duk_get_tval(thr, idx);
  if (tv == NULL || !DUK_TVAL_IS_OBJECT(tv))
    return 0;
  duk_hobject *h = DUK_TVAL_GET_OBJECT(tv);
  if (!DUK_HOBJECT_IS_BUFOBJ(h))
    return 0;
  duk_hbufobj *b = (duk_hbufobj *)h;
  if (b->buf != NULL)
    DUK_HBUFFER_SET_SIZE(b->buf, 0);
  b->offset = 0;
  b->length = 0;
  /* A view given here also empties the ArrayBuffer object it exposes as .buffer. */
  if (b->buf_prop != NULL && DUK_HOBJECT_IS_BUFOBJ(b->buf_prop)) {
    duk_hbufobj *ab = (duk_hbufobj *)b->buf_prop;
    if (ab->buf != NULL)
      DUK_HBUFFER_SET_SIZE(ab->buf, 0);
    ab->offset = 0;
    ab->length = 0;
  }
  return 1;
}

/* Duktape's Buffer.prototype.fill writes the view's nominal length without checking it
 * against the backing buffer. This coerces the arguments first (their valueOf may run
 * script, which could detach the buffer), then checks the view still fits, then lets the
 * original fill; nothing between that check and the write can run script. A view that no
 * longer fits is left alone, as Duktape's other writes do. */
duk_ret_t edgefn__duk_buffer_fill_checked(duk_context *ctx) {
  duk_hthread *thr = (duk_hthread *)ctx;
  duk_set_top(thr, 3);
  if (!duk_is_string_notsymbol(thr, 0))
    (void)duk_to_number(thr, 0);
  if (!duk_is_undefined(thr, 1))
    (void)duk_to_number(thr, 1);
  if (!duk_is_undefined(thr, 2))
    (void)duk_to_number(thr, 2);
  duk_hbufobj *h = duk__require_bufobj_this(thr);
  if (h->buf != NULL && !DUK_HBUFOBJ_VALID_SLICE(h)) {
    duk_push_this(thr);
    return 1;
  }
  return duk_bi_nodejs_buffer_fill(thr);
}
