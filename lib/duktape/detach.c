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
 * freed with the duk_hbuffer, whose free path does not look at the size. So a detached
 * buffer cannot be reached out of bounds even by a path that forgot the check: its bytes
 * are all still allocated, only no view sees them. A transfer (edgefn__duk_transfer_buffer)
 * therefore copies the bytes into the new buffer rather than moving the allocation. The one Duktape
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

/* Empties the view at idx when it is a view onto `h` (or onto `ab`), as a detach does to
 * the view a caller hands over with the buffer. */
static void empty_view(duk_hthread *thr, duk_idx_t idx, duk_hbuffer *h, duk_hobject *ab) {
  duk_tval *tv = duk_get_tval(thr, idx);
  if (tv == NULL || !DUK_TVAL_IS_OBJECT(tv) || !DUK_HOBJECT_IS_BUFOBJ(DUK_TVAL_GET_OBJECT(tv)))
    return;
  duk_hbufobj *v = (duk_hbufobj *)DUK_TVAL_GET_OBJECT(tv);
  if (v->buf == h || v->buf_prop == ab) {
    v->offset = 0;
    v->length = 0;
  }
}

duk_bool_t edgefn__duk_transfer_buffer(duk_context *ctx, duk_idx_t ab_idx, duk_idx_t view_idx) {
  duk_hthread *thr = (duk_hthread *)ctx;
  ab_idx = duk_normalize_index(ctx, ab_idx);
  view_idx = duk_normalize_index(ctx, view_idx);
  duk_tval *tv = duk_get_tval(thr, ab_idx);
  if (tv == NULL || !DUK_TVAL_IS_OBJECT(tv))
    return 0;
  duk_hobject *o = DUK_TVAL_GET_OBJECT(tv);
  if (!DUK_HOBJECT_IS_BUFOBJ(o) || DUK_HOBJECT_GET_CLASS_NUMBER(o) != DUK_HOBJECT_CLASS_ARRAYBUFFER)
    return 0;
  duk_hbufobj *ab = (duk_hbufobj *)o;
  duk_size_t len = 0;
  if (ab->buf != NULL && DUK_HBUFOBJ_VALID_SLICE(ab))
    len = ab->length;
  duk_hbuffer *h = ab->buf;
  /* Always a copy, never a move of the allocation: a C function that fetched the old data
   * pointer and then ran script (a getter, a valueOf) that transferred the buffer still
   * points into memory that lives as long as the old buffer, which the function's own
   * value stack keeps alive. Moving the allocation would hand it to a buffer the script
   * can drop and the collector free under that pointer. */
  void *q = duk_push_fixed_buffer(ctx, len);
  if (len > 0 && ab->buf != NULL && DUK_HBUFOBJ_VALID_SLICE(ab))
    memcpy(q, DUK_HBUFOBJ_GET_SLICE_BASE(thr->heap, ab), len);
  if (h != NULL)
    DUK_HBUFFER_SET_SIZE(h, 0);
  empty_view(thr, view_idx, h, o);
  ab->offset = 0;
  ab->length = 0;
  duk_push_buffer_object(ctx, -1, 0, len, DUK_BUFOBJ_ARRAYBUFFER);
  duk_remove(ctx, -2);
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
