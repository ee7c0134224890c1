/* Helpers that need Duktape's internal functions, which duktape.c declares DUK_INTERNAL
 * (static to its translation unit in a single-file build). This file is that translation
 * unit: it includes Debian's duktape.c (copied into the build folder, see meson.build) and
 * adds a few entry points, hidden like the rest of Duktape inside libedgefn.
 * Nothing here changes Duktape's behaviour; each helper is a public-API-shaped wrapper over
 * an internal function Duktape's own built-ins use. */
#include "duktape-src.h"

#include "duk_extras.h"

void edgefn__duk_pack(duk_context *ctx, duk_idx_t count) {
  duk_pack((duk_hthread *)ctx, count);
}

void edgefn__duk_reserve_props(duk_context *ctx, duk_idx_t idx, duk_uint_t count) {
  duk_hthread *thr = (duk_hthread *)ctx;
  duk_hobject *obj = duk_require_hobject(thr, idx);
  if (DUK_HOBJECT_GET_ESIZE(obj) < count)
    duk_hobject_resize_entrypart(thr, obj, (duk_uint32_t)count);
}

void edgefn__duk_put_own_lstring(duk_context *ctx, duk_idx_t obj_idx, const char *key,
                                 duk_size_t key_len) {
  duk_hthread *thr = (duk_hthread *)ctx;
  obj_idx = duk_require_normalize_index(ctx, obj_idx);
  duk_push_literal_raw(ctx, key, key_len);
  duk_swap_top(ctx, -2);
  duk_xdef_prop(thr, obj_idx, DUK_PROPDESC_FLAGS_WEC);
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
