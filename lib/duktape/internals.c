/* Helpers that need Duktape's internals, which duktape.c declares DUK_INTERNAL (static in a
 * single-file build): this file is Duktape's translation unit. It includes Debian's
 * duktape.c (copied beside the project's duk_config.h as duktape-amalg.h, see meson.build)
 * and adds, after it, entry points hidden like the rest of Duktape inside libedgefn. Nothing
 * of Duktape's source lives in the tree. Two groups:
 *
 * - duk_extras.h: public-API-shaped wrappers over internal functions Duktape's own
 *   built-ins use (duk_pack, entry-part sizing, internal property definition, a walk of an
 *   ordinary object's property table), for the request path's speed.
 *
 * - detach.h: detaching an ArrayBuffer (the Streams standard's TransferArrayBuffer,
 *   design.md "The sandbox"). Duktape 2.7 has no detach, and doing one needs its internal
 *   duk_hbufobj/duk_hbuffer layout.
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
#include "duk_extras.h"

#include <stdbool.h>

/* The mark a detach leaves on the backing buffer. Duktape uses two of the 25 user flags of a
 * heap header on buffers (DUK_HBUFFER_FLAG_DYNAMIC and _EXTERNAL, user flags 0 and 1) and
 * none of the others: the third is the library's. */
#define EDGEFN_HBUFFER_FLAG_DETACHED DUK_HEAPHDR_USER_FLAG(2)

static void mark_detached(duk_hbuffer *h) {
  if (h != NULL)
    DUK_HEAPHDR_SET_FLAG_BITS(&h->hdr, EDGEFN_HBUFFER_FLAG_DETACHED);
}

duk_bool_t edgefn__duk_is_array_buffer(duk_context *ctx, duk_idx_t idx) {
  duk_tval *tv = duk_get_tval((duk_hthread *)ctx, idx);
  if (tv == NULL || !DUK_TVAL_IS_OBJECT(tv))
    return 0;
  duk_hobject *o = DUK_TVAL_GET_OBJECT(tv);
  return DUK_HOBJECT_IS_BUFOBJ(o) &&
         DUK_HOBJECT_GET_CLASS_NUMBER(o) == DUK_HOBJECT_CLASS_ARRAYBUFFER;
}

duk_bool_t edgefn__duk_is_error_object(duk_context *ctx, duk_idx_t idx) {
  duk_tval *tv = duk_get_tval((duk_hthread *)ctx, idx);
  return tv != NULL && DUK_TVAL_IS_OBJECT(tv) &&
         DUK_HOBJECT_GET_CLASS_NUMBER(DUK_TVAL_GET_OBJECT(tv)) == DUK_HOBJECT_CLASS_ERROR;
}

duk_bool_t edgefn__duk_is_uint8_array(duk_context *ctx, duk_idx_t idx) {
  duk_tval *tv = duk_get_tval((duk_hthread *)ctx, idx);
  if (tv == NULL || !DUK_TVAL_IS_OBJECT(tv))
    return 0;
  duk_hobject *o = DUK_TVAL_GET_OBJECT(tv);
  return DUK_HOBJECT_IS_BUFOBJ(o) &&
         DUK_HOBJECT_GET_CLASS_NUMBER(o) == DUK_HOBJECT_CLASS_UINT8ARRAY;
}

duk_bool_t edgefn__duk_buffer_is_detached(duk_context *ctx, duk_idx_t idx) {
  duk_tval *tv = duk_get_tval((duk_hthread *)ctx, idx);
  if (tv == NULL || !DUK_TVAL_IS_OBJECT(tv) || !DUK_HOBJECT_IS_BUFOBJ(DUK_TVAL_GET_OBJECT(tv)))
    return 0;
  duk_hbufobj *b = (duk_hbufobj *)DUK_TVAL_GET_OBJECT(tv);
  return b->buf != NULL &&
         DUK_HEAPHDR_CHECK_FLAG_BITS(&b->buf->hdr, EDGEFN_HBUFFER_FLAG_DETACHED);
}

duk_bool_t edgefn__duk_typed_bytes(duk_context *ctx, duk_idx_t idx, unsigned char **data,
                                   duk_size_t *elem_size, duk_size_t *count) {
  duk_hthread *thr = (duk_hthread *)ctx;
  duk_tval *tv = duk_get_tval(thr, idx);
  if (tv == NULL || !DUK_TVAL_IS_OBJECT(tv) || !DUK_HOBJECT_IS_BUFOBJ(DUK_TVAL_GET_OBJECT(tv)))
    return 0;
  duk_hbufobj *b = (duk_hbufobj *)DUK_TVAL_GET_OBJECT(tv);
  if (!b->is_typedarray || b->buf == NULL || !DUK_HBUFOBJ_VALID_SLICE(b) ||
      DUK_HEAPHDR_CHECK_FLAG_BITS(&b->buf->hdr, EDGEFN_HBUFFER_FLAG_DETACHED))
    return 0;
  *data = DUK_HBUFOBJ_GET_SLICE_BASE(thr->heap, b);
  *elem_size = (duk_size_t)1 << b->shift;
  *count = b->length >> b->shift;
  return 1;
}

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
  mark_detached(b->buf);
  b->offset = 0;
  b->length = 0;
  /* A view given here also empties the ArrayBuffer object it exposes as .buffer. */
  if (b->buf_prop != NULL && DUK_HOBJECT_IS_BUFOBJ(b->buf_prop)) {
    duk_hbufobj *ab = (duk_hbufobj *)b->buf_prop;
    if (ab->buf != NULL)
      DUK_HBUFFER_SET_SIZE(ab->buf, 0);
    mark_detached(ab->buf);
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

duk_bool_t edgefn__duk_transfer_buffer_resized(duk_context *ctx, duk_idx_t ab_idx,
                                               duk_idx_t view_idx, duk_size_t new_len) {
  duk_hthread *thr = (duk_hthread *)ctx;
  ab_idx = duk_normalize_index(ctx, ab_idx);
  view_idx = duk_normalize_index(ctx, view_idx);
  if (!edgefn__duk_is_array_buffer(ctx, ab_idx))
    return 0;
  duk_hobject *o = DUK_TVAL_GET_OBJECT(duk_get_tval(thr, ab_idx));
  duk_hbufobj *ab = (duk_hbufobj *)o;
  duk_size_t len = 0;
  if (ab->buf != NULL && DUK_HBUFOBJ_VALID_SLICE(ab))
    len = ab->length;
  if (new_len == (duk_size_t)-1)
    new_len = len;
  /* Always a copy, never a move of the allocation: a C function that fetched the old data
   * pointer and then ran script (a getter, a valueOf) that transferred the buffer still
   * points into memory that lives as long as the old buffer, which the function's own
   * value stack keeps alive. Moving the allocation would hand it to a buffer the script
   * can drop and the collector free under that pointer. The allocation comes first: when
   * it fails (it throws), nothing is detached. */
  uint8_t *q = duk_push_fixed_buffer(ctx, new_len);
  duk_size_t keep = len < new_len ? len : new_len;
  duk_hbuffer *h = ab->buf; /* reread: the allocation may have run a collection */
  if (keep > 0 && h != NULL && DUK_HBUFOBJ_VALID_SLICE(ab))
    memcpy(q, DUK_HBUFOBJ_GET_SLICE_BASE(thr->heap, ab), keep);
  if (new_len > keep)
    memset(q + keep, 0, new_len - keep);
  if (h != NULL)
    DUK_HBUFFER_SET_SIZE(h, 0);
  mark_detached(h);
  empty_view(thr, view_idx, h, o);
  ab->offset = 0;
  ab->length = 0;
  duk_push_buffer_object(ctx, -1, 0, new_len, DUK_BUFOBJ_ARRAYBUFFER);
  duk_remove(ctx, -2);
  return 1;
}

duk_bool_t edgefn__duk_transfer_buffer(duk_context *ctx, duk_idx_t ab_idx, duk_idx_t view_idx) {
  return edgefn__duk_transfer_buffer_resized(ctx, ab_idx, view_idx, (duk_size_t)-1);
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

/* ---- duk_extras.h ---- */

void edgefn__duk_pack(duk_context *ctx, duk_idx_t count) {
  duk_pack((duk_hthread *)ctx, count);
}

void edgefn__duk_json_stringify(duk_context *ctx, duk_idx_t idx) {
  duk_hthread *thr = (duk_hthread *)ctx;
  idx = duk_require_normalize_index(ctx, idx);
  if (duk_get_top(ctx) != idx + 3)
    (void)duk_error(ctx, DUK_ERR_ERROR, "edgefn__duk_json_stringify: bad stack");
  /* The helper replaces everything from the top it was entered with by its result. */
  duk_bi_json_stringify_helper(thr, idx, idx + 1, idx + 2, 0);
}

duk_bool_t edgefn__duk_get_prop_lstring(duk_context *ctx, duk_idx_t obj_idx, const char *key,
                                        duk_size_t key_len) {
  duk_hthread *thr = (duk_hthread *)ctx;
  duk_hobject *h = duk_get_hobject(ctx, obj_idx);
  if (h == NULL || key_len > DUK_HSTRING_MAX_BYTELEN)
    return duk_get_prop_literal_raw(ctx, obj_idx, key, key_len);
  duk_hstring *k = duk_heap_strtable_intern_literal_checked(thr, (const duk_uint8_t *)key,
                                                            (duk_uint32_t)key_len);
  /* Interning may run a garbage collection, which may run finalizers: the object is
   * looked at only from here on (it stays reachable from the value stack). Array-index
   * keys may live in an array part, not the entry part; "caller" has a special check on
   * functions. */
  if (DUK_HSTRING_HAS_ARRIDX(k) || k == DUK_HTHREAD_STRING_CALLER(thr))
    return duk_get_prop_literal_raw(ctx, obj_idx, key, key_len);
  /* [[Get]] on ordinary objects: the first object along the prototype chain that has the
   * key answers. Exotic objects (arrays, arguments, String objects, buffers, Proxies) may
   * answer from somewhere other than their entry part, and an accessor must be called:
   * both go the generic way. Nothing below allocates or calls out. */
  for (int depth = 0; h != NULL && depth < DUK_HOBJECT_PROTOTYPE_CHAIN_SANITY; depth++) {
    if (DUK_HOBJECT_HAS_EXOTIC_BEHAVIOR(h) || DUK_HOBJECT_HAS_VIRTUAL_PROPERTIES(h) ||
        DUK_HOBJECT_IS_PROXY(h))
      break;
    duk_int_t e_idx, h_idx;
    if (duk_hobject_find_entry(thr->heap, h, k, &e_idx, &h_idx)) {
      if (DUK_HOBJECT_E_SLOT_IS_ACCESSOR(thr->heap, h, e_idx))
        break;
      duk_push_tval(ctx, DUK_HOBJECT_E_GET_VALUE_TVAL_PTR(thr->heap, h, e_idx));
      return 1;
    }
    h = DUK_HOBJECT_GET_PROTOTYPE(thr->heap, h);
    if (h == NULL) {
      duk_push_undefined(ctx);
      return 0;
    }
  }
  return duk_get_prop_literal_raw(ctx, obj_idx, key, key_len);
}

duk_bool_t edgefn__duk_get_own_hidden_lstring(duk_context *ctx, duk_idx_t obj_idx,
                                              const char *key, duk_size_t key_len) {
  duk_hthread *thr = (duk_hthread *)ctx;
  duk_hobject *h = duk_get_hobject(ctx, obj_idx);
  if (h == NULL) {
    duk_push_undefined(ctx);
    return 0;
  }
  if (DUK_HOBJECT_HAS_EXOTIC_BEHAVIOR(h) || DUK_HOBJECT_HAS_VIRTUAL_PROPERTIES(h) ||
      DUK_HOBJECT_IS_PROXY(h) || key_len > DUK_HSTRING_MAX_BYTELEN)
    return duk_get_prop_literal_raw(ctx, obj_idx, key, key_len);
  duk_hstring *k = duk_heap_strtable_intern_literal_checked(thr, (const duk_uint8_t *)key,
                                                            (duk_uint32_t)key_len);
  duk_int_t e_idx, h_idx;
  if (duk_hobject_find_entry(thr->heap, h, k, &e_idx, &h_idx)) {
    if (DUK_HOBJECT_E_SLOT_IS_ACCESSOR(thr->heap, h, e_idx))
      return duk_get_prop_literal_raw(ctx, obj_idx, key, key_len);
    duk_push_tval(ctx, DUK_HOBJECT_E_GET_VALUE_TVAL_PTR(thr->heap, h, e_idx));
    return 1;
  }
  duk_push_undefined(ctx);
  return 0;
}

duk_bool_t edgefn__duk_may_define_own(duk_context *ctx, duk_idx_t idx, const char *key,
                                     duk_size_t key_len) {
  duk_hthread *thr = (duk_hthread *)ctx;
  duk_hobject *h = duk_get_hobject(ctx, idx);
  if (h == NULL || DUK_HOBJECT_HAS_EXOTIC_BEHAVIOR(h) || DUK_HOBJECT_HAS_VIRTUAL_PROPERTIES(h) ||
      DUK_HOBJECT_IS_PROXY(h) || !DUK_HOBJECT_HAS_EXTENSIBLE(h) ||
      key_len > DUK_HSTRING_MAX_BYTELEN)
    return 0;
  /* Interning may run a garbage collection: the object stays reachable from the stack, and
   * nothing between the lookup and the answer allocates. */
  duk_hstring *k = duk_heap_strtable_intern_literal_checked(thr, (const duk_uint8_t *)key,
                                                            (duk_uint32_t)key_len);
  if (DUK_HSTRING_HAS_ARRIDX(k))
    return 0;
  duk_int_t e_idx, h_idx;
  return !duk_hobject_find_entry(thr->heap, h, k, &e_idx, &h_idx);
}

const char *edgefn__duk_get_plain_lstring(duk_context *ctx, duk_idx_t idx, duk_size_t *len) {
  duk_tval *tv = duk_get_tval((duk_hthread *)ctx, idx);
  if (tv == NULL || !DUK_TVAL_IS_STRING(tv) || DUK_TVAL_STRING_IS_SYMBOL(tv))
    return NULL;
  duk_hstring *h = DUK_TVAL_GET_STRING(tv);
  if (len)
    *len = DUK_HSTRING_GET_BYTELEN(h);
  return (const char *)DUK_HSTRING_GET_DATA(h);
}

duk_bool_t edgefn__duk_referenced_elsewhere(duk_context *ctx, duk_idx_t idx, duk_uint_t others) {
  duk_tval *tv = duk_get_tval((duk_hthread *)ctx, idx);
  if (tv == NULL || !DUK_TVAL_IS_HEAP_ALLOCATED(tv))
    return 0;
  /* The value stack slot at idx is one reference. */
  return DUK_HEAPHDR_GET_REFCOUNT(DUK_TVAL_GET_HEAPHDR(tv)) > (duk_size_t)others + 1;
}

duk_bool_t edgefn__duk_reset_own_props(duk_context *ctx, duk_idx_t idx, void *proto,
                                      const char *key, duk_size_t key_len) {
  duk_hthread *thr = (duk_hthread *)ctx;
  duk_hobject *h = duk_get_hobject(ctx, idx);
  if (h == NULL || key_len > DUK_HSTRING_MAX_BYTELEN)
    return 0;
  /* Interning may run a garbage collection (which may compact the object): the object is
   * looked at only from here on. Nothing below allocates or calls out. */
  duk_hstring *k = duk_heap_strtable_intern_literal_checked(thr, (const duk_uint8_t *)key,
                                                            (duk_uint32_t)key_len);
  if (DUK_HOBJECT_GET_CLASS_NUMBER(h) != DUK_HOBJECT_CLASS_OBJECT ||
      DUK_HOBJECT_HAS_EXOTIC_BEHAVIOR(h) || DUK_HOBJECT_HAS_VIRTUAL_PROPERTIES(h) ||
      DUK_HOBJECT_IS_PROXY(h) || !DUK_HOBJECT_HAS_EXTENSIBLE(h) ||
      DUK_HOBJECT_HAS_HAVE_FINALIZER(h) ||
      DUK_HOBJECT_GET_PROTOTYPE(thr->heap, h) != (duk_hobject *)proto ||
      DUK_HOBJECT_GET_ASIZE(h) != 0 || DUK_HOBJECT_GET_HSIZE(h) != 0 ||
      DUK_HOBJECT_GET_ENEXT(h) < 1 || DUK_HOBJECT_E_GET_KEY(thr->heap, h, 0) != k ||
      DUK_HOBJECT_E_SLOT_IS_ACCESSOR(thr->heap, h, 0))
    return 0;
  /* As duk_hobject_delprop_raw removes an entry, from the last one down: the entry leaves
   * the table before its key and value are released, and releasing them runs no code (the
   * NORZ macros queue what needs a finalizer) until all are gone. */
  for (duk_uint32_t i = DUK_HOBJECT_GET_ENEXT(h); i-- > 1;) {
    duk_hstring *ki = DUK_HOBJECT_E_GET_KEY(thr->heap, h, i);
    DUK_HOBJECT_SET_ENEXT(h, i);
    if (ki == NULL) /* a deleted entry */
      continue;
    DUK_HOBJECT_E_SET_KEY(thr->heap, h, i, NULL);
    if (DUK_HOBJECT_E_SLOT_IS_ACCESSOR(thr->heap, h, i)) {
      duk_hobject *get = DUK_HOBJECT_E_GET_VALUE_GETTER(thr->heap, h, i);
      duk_hobject *set = DUK_HOBJECT_E_GET_VALUE_SETTER(thr->heap, h, i);
      DUK_HOBJECT_E_SET_VALUE_GETTER(thr->heap, h, i, NULL);
      DUK_HOBJECT_E_SET_VALUE_SETTER(thr->heap, h, i, NULL);
      DUK_HOBJECT_DECREF_NORZ_ALLOWNULL(thr, get);
      DUK_HOBJECT_DECREF_NORZ_ALLOWNULL(thr, set);
    } else {
      duk_tval *tv = DUK_HOBJECT_E_GET_VALUE_TVAL_PTR(thr->heap, h, i);
      DUK_TVAL_SET_UNDEFINED_UPDREF_NORZ(thr, tv);
    }
    DUK_HSTRING_DECREF_NORZ(thr, ki);
  }
  DUK_REFZERO_CHECK_SLOW(thr);
  return 1;
}

duk_bool_t edgefn__duk_get_prop_index(duk_context *ctx, duk_idx_t obj_idx, duk_uarridx_t arr_idx) {
  duk_hthread *thr = (duk_hthread *)ctx;
  duk_hobject *h = duk_get_hobject(ctx, obj_idx);
  /* Arguments objects map elements to variables, Proxies trap them, and a hole in the
   * array part (an unused slot) is looked up along the prototype chain: all go the
   * generic way. Arrays keep their elements in the array part like ordinary objects. */
  if (h != NULL && DUK_HOBJECT_HAS_ARRAY_PART(h) && !DUK_HOBJECT_HAS_EXOTIC_ARGUMENTS(h) &&
      !DUK_HOBJECT_IS_PROXY(h) && arr_idx < DUK_HOBJECT_GET_ASIZE(h)) {
    duk_tval *tv = DUK_HOBJECT_A_GET_VALUE_PTR(thr->heap, h, arr_idx);
    if (!DUK_TVAL_IS_UNUSED(tv)) {
      duk_push_tval(ctx, tv);
      return 1;
    }
  }
  return (duk_get_prop_index)(ctx, obj_idx, arr_idx);
}

const void *edgefn__duk_heap_block(duk_context *ctx) { return ((duk_hthread *)ctx)->heap; }

void edgefn__duk_request_interrupt(const void *heap_block) {
  duk_heap *heap = (duk_heap *)(uintptr_t)heap_block;
  /* The executor reads the counter before every instruction and runs the check at zero. */
  if (heap->curr_thread != NULL)
    heap->curr_thread->interrupt_counter = 0;
}

duk_bool_t edgefn__duk_interrupt_at_entry(const void *heap_block) {
  const duk_heap *heap = heap_block;
  /* duk_heap_switch_thread zeroes both the counter and its initial value for an entry from
   * C; every other interrupt leaves the length of the interval just run in the latter. */
  return heap->curr_thread != NULL && heap->curr_thread->interrupt_init == 0;
}

void edgefn__duk_push_global_stash(duk_context *ctx) {
  duk_hthread *thr = (duk_hthread *)ctx;
  duk_hobject *global = thr->builtins[DUK_BIDX_GLOBAL];
  duk_tval *tv = global != NULL ? duk_hobject_find_entry_tval_ptr_stridx(
                                      thr->heap, global, DUK_STRIDX_INT_VALUE)
                                : NULL;
  if (tv != NULL && DUK_TVAL_IS_OBJECT(tv))
    duk_push_tval(ctx, tv);
  else
    duk_push_global_stash(ctx);
}

void edgefn__duk_reserve_props(duk_context *ctx, duk_idx_t idx, duk_uint_t count) {
  duk_hthread *thr = (duk_hthread *)ctx;
  duk_hobject *obj = duk_require_hobject(thr, idx);
  if (DUK_HOBJECT_GET_ESIZE(obj) >= count)
    return;
#if defined(DUK_USE_HOBJECT_LAYOUT_2) && defined(DUK_USE_HOBJECT_HASH_PART)
  /* A new object without properties, and a table too small for a hash part: the table is
   * allocated as duk_hobject_realloc_props would (the same size, the same guards around the
   * allocation: no finalizers, no compaction), without its generic copying. */
  if (DUK_HOBJECT_GET_PROPS(thr->heap, obj) == NULL && DUK_HOBJECT_GET_ESIZE(obj) == 0 &&
      DUK_HOBJECT_GET_ASIZE(obj) == 0 && DUK_HOBJECT_GET_HSIZE(obj) == 0 &&
      count < DUK_USE_HOBJECT_HASH_PROP_LIMIT) {
    duk_small_uint_t prev_ms_base_flags = thr->heap->ms_base_flags;
    thr->heap->ms_base_flags |= DUK_MS_FLAG_NO_OBJECT_COMPACTION;
    thr->heap->pf_prevent_count++;
    duk_uint8_t *p = (duk_uint8_t *)DUK_ALLOC(thr->heap, DUK_HOBJECT_P_COMPUTE_SIZE(count, 0, 0));
    thr->heap->pf_prevent_count--;
    thr->heap->ms_base_flags = prev_ms_base_flags;
    if (p == NULL) {
      DUK_ERROR_ALLOC_FAILED(thr);
      return;
    }
    DUK_HOBJECT_SET_PROPS(thr->heap, obj, p);
    DUK_HOBJECT_SET_ESIZE(obj, (duk_uint32_t)count);
    DUK_HOBJECT_SET_ENEXT(obj, 0);
    return;
  }
#endif
  duk_hobject_resize_entrypart(thr, obj, (duk_uint32_t)count);
}

/* The short path of the two writers below, for an ordinary object and a key that is not an
 * array index: what duk_hobject_define_property_internal does for such an object, without
 * the API calls and the generic descriptor lookup around it. On success the value on the
 * stack top is moved into the table ([ ... value ] -> [ ... ]) and true is returned; the
 * stack is left as it was when the generic way must be taken. A new property gets
 * `new_flags`; an existing data property gets `new_flags` too when `reset_flags` is set,
 * and otherwise keeps its own (a write past a freeze that leaves the object frozen). */
static bool own_write_fast(duk_hthread *thr, duk_hobject *h, const char *key, duk_size_t key_len,
                           duk_small_uint_t new_flags, bool reset_flags) {
  duk_context *ctx = (duk_context *)thr;
  if (DUK_HOBJECT_HAS_EXOTIC_BEHAVIOR(h) || DUK_HOBJECT_HAS_VIRTUAL_PROPERTIES(h) ||
      key_len > DUK_HSTRING_MAX_BYTELEN)
    return false;
  /* When the key exists, or the table has room for it, nothing allocates between interning
   * the key and the table's reference to it (or its own), so the key need not be on the
   * stack. Updating a value may free the old one, but the key is held by the table. */
  duk_hstring *ki = duk_heap_strtable_intern_literal_checked(thr, (const duk_uint8_t *)key,
                                                             (duk_uint32_t)key_len);
  if (!DUK_HSTRING_HAS_ARRIDX(ki)) {
    duk_int_t e_idx, h_idx;
    if (duk_hobject_find_entry(thr->heap, h, ki, &e_idx, &h_idx)) { /* an existing key */
      if (DUK_HOBJECT_E_SLOT_IS_ACCESSOR(thr->heap, h, e_idx))
        return false;
      if (reset_flags)
        DUK_HOBJECT_E_SET_FLAGS(thr->heap, h, e_idx, new_flags);
      duk_tval *tv = DUK_HOBJECT_E_GET_VALUE_TVAL_PTR(thr->heap, h, e_idx);
      duk_tval *val = thr->valstack_top - 1;
      duk_tval old;
      DUK_TVAL_SET_TVAL(&old, tv);
      DUK_TVAL_SET_TVAL(tv, val); /* the reference moves from the stack to the table */
      DUK_TVAL_SET_UNDEFINED(val);
      thr->valstack_top--;
      DUK_TVAL_DECREF(thr, &old); /* (last: it may free, and finalizers may run) */
      return true;
    }
    if (DUK_HOBJECT_GET_ENEXT(h) < DUK_HOBJECT_GET_ESIZE(h)) {
      e_idx = duk__hobject_alloc_entry_checked(thr, h, ki); /* (no growth: no allocation) */
      DUK_HOBJECT_E_SET_FLAGS(thr->heap, h, e_idx, new_flags);
      duk_tval *tv = DUK_HOBJECT_E_GET_VALUE_TVAL_PTR(thr->heap, h, e_idx);
      duk_tval *val = thr->valstack_top - 1;
      DUK_TVAL_SET_TVAL(tv, val);
      DUK_TVAL_SET_UNDEFINED(val);
      thr->valstack_top--;
      return true;
    }
  }
  if (DUK_HSTRING_HAS_ARRIDX(ki))
    return false;
  /* A new key and a full table. The key goes on the stack: growing the table allocates, an
   * allocation may run a mark-and-sweep, and that frees unreachable strings, pinned literals
   * included. Duktape keeps finalizers from running while the table grows, and the object
   * (below the value on the stack) and the value stay reachable. */
  duk_push_literal_raw(ctx, key, key_len); /* [ ... value key ] */
  duk_hstring *k = DUK_TVAL_GET_STRING(thr->valstack_top - 1);
  duk_int_t e_idx = duk__hobject_alloc_entry_checked(thr, h, k);
  DUK_HOBJECT_E_SET_FLAGS(thr->heap, h, e_idx, new_flags);
  duk_tval *tv = DUK_HOBJECT_E_GET_VALUE_TVAL_PTR(thr->heap, h, e_idx);
  duk_tval *val = thr->valstack_top - 2;
  DUK_TVAL_SET_TVAL(tv, val); /* the reference moves from the stack to the table */
  DUK_TVAL_SET_UNDEFINED(val);
  duk_pop_2(ctx); /* the key (the table holds its own reference) and the moved slot */
  return true;
}

void edgefn__duk_put_own_lstring(duk_context *ctx, duk_idx_t obj_idx, const char *key,
                                 duk_size_t key_len) {
  duk_hthread *thr = (duk_hthread *)ctx;
  duk_hobject *h = duk_require_hobject(ctx, obj_idx);
  (void)duk_require_tval(ctx, -1);
  if (own_write_fast(thr, h, key, key_len, DUK_PROPDESC_FLAGS_WEC, true))
    return;
  obj_idx = duk_require_normalize_index(ctx, obj_idx);
  duk_push_literal_raw(ctx, key, key_len);
  duk_swap_top(ctx, -2);
  duk_xdef_prop(thr, obj_idx, DUK_PROPDESC_FLAGS_WEC);
}

/* (declared in lib/compiler/ast.h) */
bool edgefn__duk_unicode_identifier(long cp, bool start);
bool edgefn__duk_unicode_identifier(long cp, bool start) {
  if (cp < 0 || cp > 0x10FFFF)
    return false;
  return start ? duk_unicode_is_identifier_start((duk_codepoint_t)cp) != 0
               : duk_unicode_is_identifier_part((duk_codepoint_t)cp) != 0;
}

duk_bool_t edgefn__duk_put_hidden_lstring(duk_context *ctx, duk_idx_t obj_idx, const char *key,
                                         duk_size_t key_len) {
  duk_hthread *thr = (duk_hthread *)ctx;
  duk_hobject *h = duk_get_hobject(ctx, obj_idx);
  (void)duk_require_tval(ctx, -1);
  /* A new key on an object that is not extensible is added as frozen properties are. */
  if (h && own_write_fast(thr, h, key, key_len,
                          DUK_HOBJECT_HAS_EXTENSIBLE(h) ? DUK_PROPDESC_FLAGS_WEC : 0, false))
    return 1;
  return duk_put_prop_literal_raw(ctx, obj_idx, key, key_len);
}

duk_int_t edgefn__duk_push_own_pairs(duk_context *ctx, duk_idx_t idx) {
  duk_hthread *thr = (duk_hthread *)ctx;
  duk_hobject *h = duk_get_hobject(ctx, idx);
  /* Only an ordinary object whose own properties are all data properties in the entry
   * part: there, insertion order is the enumeration order. Anything else (array index
   * keys, which enumerate first in numeric order; accessors; exotic objects; Proxies)
   * is left to duk_enum. */
  if (h == NULL || DUK_HOBJECT_GET_CLASS_NUMBER(h) != DUK_HOBJECT_CLASS_OBJECT ||
      DUK_HOBJECT_HAS_EXOTIC_BEHAVIOR(h) || DUK_HOBJECT_HAS_VIRTUAL_PROPERTIES(h) ||
      DUK_HOBJECT_IS_PROXY(h) || DUK_HOBJECT_GET_ASIZE(h) != 0)
    return -1;
  duk_uint_fast32_t n = DUK_HOBJECT_GET_ENEXT(h);
  for (duk_uint_fast32_t i = 0; i < n; i++) {
    duk_hstring *key = DUK_HOBJECT_E_GET_KEY(thr->heap, h, i);
    if (key == NULL || DUK_HSTRING_HAS_SYMBOL(key))
      continue;
    if (DUK_HSTRING_HAS_ARRIDX(key) || DUK_HOBJECT_E_SLOT_IS_ACCESSOR(thr->heap, h, i))
      return -1;
  }
  /* The stack is reserved first: nothing below allocates, so the object cannot change
   * while it is read. */
  duk_require_stack(ctx, (duk_idx_t)(2 * n + 1));
  duk_int_t count = 0;
  for (duk_uint_fast32_t i = 0; i < n; i++) {
    duk_hstring *key = DUK_HOBJECT_E_GET_KEY(thr->heap, h, i);
    if (key == NULL || DUK_HSTRING_HAS_SYMBOL(key) ||
        !DUK_HOBJECT_E_SLOT_IS_ENUMERABLE(thr->heap, h, i))
      continue;
    duk_push_hstring(thr, key);
    duk_push_tval(thr, DUK_HOBJECT_E_GET_VALUE_TVAL_PTR(thr->heap, h, i));
    count++;
  }
  return count;
}

duk_bool_t edgefn__duk_push_proxy_parts(duk_context *ctx, duk_idx_t idx) {
  duk_hthread *thr = (duk_hthread *)ctx;
  duk_hobject *h = duk_get_hobject(ctx, idx);
  if (h == NULL || !DUK_HOBJECT_IS_PROXY(h))
    return 0;
  duk_hproxy *p = (duk_hproxy *)h;
  if (p->target == NULL || p->handler == NULL) /* revoked */
    return 0;
  duk_push_hobject(thr, p->target);
  duk_push_hobject(thr, p->handler);
  return 1;
}

void edgefn__duk_push_regexp_copy(duk_context *ctx, duk_idx_t tmpl_idx, duk_uint_t extra_props) {
  duk_hthread *thr = (duk_hthread *)ctx;
  tmpl_idx = duk_require_normalize_index(ctx, tmpl_idx);
  duk_hobject *t = duk_require_hobject(thr, tmpl_idx);
  if (DUK_HOBJECT_GET_CLASS_NUMBER(t) != DUK_HOBJECT_CLASS_REGEXP)
    (void)duk_type_error(ctx, "not a RegExp");
  /* What duk_regexp_create_instance makes, its internal properties taken from the
   * template instead of from a compilation. */
  duk_push_object(ctx);
  duk_hobject *h = duk_known_hobject(thr, -1);
  duk_hobject_resize_entrypart(thr, h, (duk_uint32_t)(3 + extra_props));
  DUK_HOBJECT_SET_CLASS_NUMBER(h, DUK_HOBJECT_CLASS_REGEXP);
  DUK_HOBJECT_SET_PROTOTYPE_UPDREF(thr, h, DUK_HOBJECT_GET_PROTOTYPE(thr->heap, t));
  (void)duk_xget_owndataprop_stridx(thr, tmpl_idx, DUK_STRIDX_INT_BYTECODE);
  duk_xdef_prop_stridx_short(thr, -2, DUK_STRIDX_INT_BYTECODE, DUK_PROPDESC_FLAGS_NONE);
  (void)duk_xget_owndataprop_stridx(thr, tmpl_idx, DUK_STRIDX_INT_SOURCE);
  duk_xdef_prop_stridx_short(thr, -2, DUK_STRIDX_INT_SOURCE, DUK_PROPDESC_FLAGS_NONE);
  duk_push_int(ctx, 0);
  duk_xdef_prop_stridx_short(thr, -2, DUK_STRIDX_LAST_INDEX, DUK_PROPDESC_FLAGS_W);
}

/* ES2022's InstallErrorCause for Duktape's native error constructors (Error, EvalError,
 * RangeError, ReferenceError, SyntaxError, TypeError, URIError), which take only a message.
 * The same function objects keep their identity, prototypes and `length`; only the C
 * function behind them changes, so `instanceof`, subclassing and errors Duktape makes
 * itself are untouched. */
static duk_ret_t error_ctor_with_cause(duk_hthread *thr) {
  duk_idx_t nargs = duk_get_top(thr);
  if (nargs == 0)
    duk_push_undefined(thr); /* the shared constructor reads its message at index 0 */
  duk_bi_error_constructor_shared(thr); /* pushes the error */
  /* After the message, as the standard orders it: HasProperty(options, "cause"), then
   * Get, both observable through a Proxy or a getter. */
  if (nargs >= 2 && duk_is_object(thr, 1) && duk_has_prop_literal(thr, 1, "cause")) {
    duk_push_literal(thr, "cause");
    duk_get_prop_literal(thr, 1, "cause");
    duk_def_prop(thr, -3,
                 DUK_DEFPROP_HAVE_VALUE | DUK_DEFPROP_SET_WRITABLE |
                     DUK_DEFPROP_CLEAR_ENUMERABLE | DUK_DEFPROP_SET_CONFIGURABLE);
  }
  return 1;
}

duk_bool_t edgefn__duk_error_ctor_add_cause(duk_context *ctx, duk_idx_t idx) {
  duk_hobject *h = duk_get_hobject(ctx, idx);
  if (h == NULL || !DUK_HOBJECT_IS_NATFUNC(h))
    return 0;
  duk_hnatfunc *f = (duk_hnatfunc *)h;
  if (f->func != duk_bi_error_constructor_shared)
    return f->func == error_ctor_with_cause;
  f->func = error_ctor_with_cause;
  f->nargs = DUK_HNATFUNC_NARGS_VARARGS; /* the options argument must reach it */
  return 1;
}

duk_double_t edgefn__duk_this_time_value(duk_context *ctx, duk_idx_t idx, duk_bool_t number) {
  duk_hthread *thr = (duk_hthread *)ctx;
  duk_tval *tv = duk_get_tval(thr, idx);
  if (tv != NULL && number && DUK_TVAL_IS_NUMBER(tv))
    return DUK_TVAL_GET_NUMBER(tv);
  duk_hobject *h = duk_get_hobject(ctx, idx);
  duk_small_uint_t want = number ? DUK_HOBJECT_CLASS_NUMBER : DUK_HOBJECT_CLASS_DATE;
  if (h == NULL || DUK_HOBJECT_GET_CLASS_NUMBER(h) != want)
    (void)duk_type_error(ctx, number ? "this is not a Number" : "this is not a Date object.");
  duk_xget_owndataprop_stridx_short(thr, idx, DUK_STRIDX_INT_VALUE);
  duk_double_t d = duk_to_number_m1(thr);
  duk_pop_unsafe(thr);
  return d;
}

duk_bool_t edgefn__duk_weak_finalizer(duk_context *ctx, duk_idx_t idx, duk_c_function fn) {
  duk_hthread *thr = (duk_hthread *)ctx;
  idx = duk_require_normalize_index(ctx, idx);
  duk_hobject *h = duk_get_hobject(ctx, idx);
  /* Duktape never finalizes a Proxy (duk_heap_run_finalizer skips them). */
  if (h == NULL || DUK_HOBJECT_IS_PROXY(h))
    return 0;
  duk_get_finalizer(ctx, idx); /* own or inherited */
  duk_bool_t other = 0;
  if (!duk_is_undefined(ctx, -1)) {
    duk_hobject *f = duk_get_hobject(ctx, -1);
    other = f == NULL || !DUK_HOBJECT_IS_NATFUNC(f) || ((duk_hnatfunc *)f)->func != fn;
  }
  duk_pop(ctx);
  if (other)
    return 0;
  /* duk_set_finalizer writes with [[Put]], which a frozen object refuses; the internal
   * definition does not look at extensibility. */
  duk_push_c_function(ctx, fn, 2);
  duk_xdef_prop_stridx_short(thr, idx, DUK_STRIDX_INT_FINALIZER, DUK_PROPDESC_FLAGS_NONE);
  DUK_HOBJECT_SET_HAVE_FINALIZER(h);
  return 1;
}

/* ---- Duktape's Array.prototype methods on huge sparse arrays ---- */

#include <stdatomic.h>

/* EDGEFN_NATIVE_ARRAY_SPARSE_MAX, given by the installer (this file does not include the
 * public headers, so that changing them does not recompile Duktape); every heap passes
 * the same value. */
static _Atomic duk_uint32_t sparse_max = 1u << 24;

/* Throws when the value at tv is an object whose `length` (an Array's, or an own data
 * property's) is above sparse_max while its storage holds fewer slots:
 * Duktape's loop over it would run for minutes with no chance for the CPU limit. */
/* Returns the length the method will walk (0 when it cannot tell: a Proxy, a buffer). */
static double sparse_guard_value(duk_hthread *thr, duk_tval *tv, const char *method) {
  if (tv == NULL || !DUK_TVAL_IS_OBJECT(tv))
    return 0;
  duk_hobject *h = DUK_TVAL_GET_OBJECT(tv);
  double len;
  if (DUK_HOBJECT_HAS_EXOTIC_ARRAY(h)) {
    len = (double)((duk_harray *)h)->length;
  } else if (DUK_HOBJECT_IS_PROXY(h) || DUK_HOBJECT_IS_BUFOBJ(h)) {
    return 0; /* a Proxy runs script per access; a buffer's length is its storage */
  } else {
    duk_tval *lv = duk_hobject_find_entry_tval_ptr(thr->heap, h, DUK_HTHREAD_STRING_LENGTH(thr));
    if (lv == NULL || !DUK_TVAL_IS_NUMBER(lv))
      return 0;
    len = DUK_TVAL_GET_NUMBER(lv);
  }
  duk_uint32_t max = atomic_load_explicit(&sparse_max, memory_order_relaxed);
  if (!(len > (double)max))
    return len;
  double storage = (double)DUK_HOBJECT_GET_ASIZE(h) + (double)DUK_HOBJECT_GET_ENEXT(h);
  if (storage >= len)
    return len;
  if (method == NULL) { /* the library's own method: the one running */
    duk_push_current_function(thr);
    duk_get_prop_string(thr, -1, "name");
    method = duk_is_string(thr, -1) ? duk_get_string(thr, -1) : "method";
  }
  (void)duk_range_error(thr,
                        "Array.prototype.%s on a sparse array of length %.0f: longer than "
                        "the %u this runtime allows for that (the loop could not be stopped "
                        "by the CPU limit)",
                        method, len, (unsigned)max);
  return len;
}

void edgefn__duk_sparse_guard(duk_context *ctx, duk_idx_t idx, const char *method) {
  (void)sparse_guard_value((duk_hthread *)ctx, duk_get_tval((duk_hthread *)ctx, idx), method);
}

static double sparse_guard(duk_hthread *thr, const char *method, duk_bool_t args) {
  double len = sparse_guard_value(thr, duk_get_borrowed_this_tval(thr), method);
  if (args) /* concat also walks its array arguments */
    for (duk_idx_t i = 0, n = duk_get_top(thr); i < n; i++)
      len += sparse_guard_value(thr, duk_get_tval(thr, i), method);
  return len;
}

/* Past this many elements a call of one of Duktape's array methods takes a millisecond or
 * more (reverse of a million elements: 22 ms), and a loop around it few bytecode
 * instructions per call: the CPU check is asked for at the next instruction. */
#define EDGEFN_LONG_WALK_ELEMENTS 65536.0

#define EDGEFN_GUARDED(name, fn, args)                                                         \
  static duk_ret_t guarded_##name(duk_hthread *thr) {                                          \
    double walk = sparse_guard(thr, #name, args);                                              \
    duk_ret_t rc = fn(thr);                                                                    \
    if (walk >= EDGEFN_LONG_WALK_ELEMENTS)                                                     \
      thr->interrupt_counter = 0;                                                              \
    return rc;                                                                                 \
  }
EDGEFN_GUARDED(join, duk_bi_array_prototype_join_shared, 0)
EDGEFN_GUARDED(toLocaleString, duk_bi_array_prototype_join_shared, 0)
EDGEFN_GUARDED(concat, duk_bi_array_prototype_concat, 1)
EDGEFN_GUARDED(reverse, duk_bi_array_prototype_reverse, 0)
EDGEFN_GUARDED(shift, duk_bi_array_prototype_shift, 0)
EDGEFN_GUARDED(unshift, duk_bi_array_prototype_unshift, 0)
EDGEFN_GUARDED(splice, duk_bi_array_prototype_splice, 0)
EDGEFN_GUARDED(forEach, duk_bi_array_prototype_iter_shared, 0)
EDGEFN_GUARDED(map, duk_bi_array_prototype_iter_shared, 0)
EDGEFN_GUARDED(filter, duk_bi_array_prototype_iter_shared, 0)
EDGEFN_GUARDED(every, duk_bi_array_prototype_iter_shared, 0)
EDGEFN_GUARDED(some, duk_bi_array_prototype_iter_shared, 0)
EDGEFN_GUARDED(reduce, duk_bi_array_prototype_reduce_shared, 0)
EDGEFN_GUARDED(reduceRight, duk_bi_array_prototype_reduce_shared, 0)

void edgefn__duk_guard_array_natives(duk_context *ctx, duk_uint32_t max_sparse_length) {
  atomic_store_explicit(&sparse_max, max_sparse_length, memory_order_relaxed);
  static const struct {
    const char *name;
    duk_c_function orig, guard;
  } g[] = {
      {"join", duk_bi_array_prototype_join_shared, guarded_join},
      {"toLocaleString", duk_bi_array_prototype_join_shared, guarded_toLocaleString},
      {"concat", duk_bi_array_prototype_concat, guarded_concat},
      {"reverse", duk_bi_array_prototype_reverse, guarded_reverse},
      {"shift", duk_bi_array_prototype_shift, guarded_shift},
      {"unshift", duk_bi_array_prototype_unshift, guarded_unshift},
      {"splice", duk_bi_array_prototype_splice, guarded_splice},
      {"forEach", duk_bi_array_prototype_iter_shared, guarded_forEach},
      {"map", duk_bi_array_prototype_iter_shared, guarded_map},
      {"filter", duk_bi_array_prototype_iter_shared, guarded_filter},
      {"every", duk_bi_array_prototype_iter_shared, guarded_every},
      {"some", duk_bi_array_prototype_iter_shared, guarded_some},
      {"reduce", duk_bi_array_prototype_reduce_shared, guarded_reduce},
      {"reduceRight", duk_bi_array_prototype_reduce_shared, guarded_reduceRight},
  };
  duk_hthread *thr = (duk_hthread *)ctx;
  duk_push_hobject(thr, thr->builtins[DUK_BIDX_ARRAY_PROTOTYPE]);
  for (size_t i = 0; i < sizeof(g) / sizeof(g[0]); i++) {
    duk_get_prop_string(ctx, -1, g[i].name);
    duk_hobject *f = duk_get_hobject(ctx, -1);
    if (f != NULL && DUK_HOBJECT_IS_NATFUNC(f) && ((duk_hnatfunc *)f)->func == g[i].orig)
      ((duk_hnatfunc *)f)->func = g[i].guard;
    duk_pop(ctx);
  }
  duk_pop(ctx);
}
