/* ArrayBuffer detach, compiled inside Duktape's translation unit (internals.c). */
#ifndef EDGEFN_DUKTAPE_DETACH_H
#define EDGEFN_DUKTAPE_DETACH_H

#include "duktape.h"

/* Detaches the ArrayBuffer at idx (or the buffer under the view at idx): its byteLength,
 * and the given view's byteOffset and byteLength, become 0, and every other view onto the
 * same bytes reads 0 and ignores writes (their nominal length is unchanged: Duktape keeps
 * no list of a buffer's views). Returns 0, doing nothing, when idx is not a buffer object. */
duk_bool_t edgefn__duk_detach_buffer(duk_context *ctx, duk_idx_t idx);

/* TransferArrayBuffer: pushes a new ArrayBuffer with the bytes of the ArrayBuffer at ab_idx
 * and detaches that one (and the view at view_idx, if it is a view onto it: pass any index,
 * e.g. one holding undefined, when there is none). The bytes are copied (the old
 * allocation stays with the old buffer until it is collected). Returns 0, pushing nothing,
 * when ab_idx is not an ArrayBuffer. */
duk_bool_t edgefn__duk_transfer_buffer(duk_context *ctx, duk_idx_t ab_idx, duk_idx_t view_idx);

/* TransferArrayBuffer with a new length (ArrayBuffer.prototype.transfer): as above, but the
 * new ArrayBuffer holds new_len bytes, the first min(new_len, old length) copied and the
 * rest zero. Throws (RangeError) when new_len bytes cannot be allocated; the old buffer is
 * then left attached. */
duk_bool_t edgefn__duk_transfer_buffer_resized(duk_context *ctx, duk_idx_t ab_idx,
                                               duk_idx_t view_idx, duk_size_t new_len);

/* True when the value at idx is an ArrayBuffer object (its internal class, not its
 * prototype: a subclass instance is one, an object inheriting from one is not). */
duk_bool_t edgefn__duk_is_array_buffer(duk_context *ctx, duk_idx_t idx);

/* True when the value at idx is a Uint8Array (its internal class: a subclass instance is
 * one, a Uint8ClampedArray or an object inheriting from one is not). */
duk_bool_t edgefn__duk_is_uint8_array(duk_context *ctx, duk_idx_t idx);

/* True when the buffer object at idx (an ArrayBuffer or a view) is over bytes that a
 * detach or transfer took away. Duktape keeps no such state: both mark the backing
 * buffer with a flag of their own (see internals.c), which every object over those bytes
 * sees, including an ArrayBuffer object Duktape makes later for a view's .buffer. */
duk_bool_t edgefn__duk_buffer_is_detached(duk_context *ctx, duk_idx_t idx);

/* Buffer.prototype.fill with the bounds check Duktape's lacks (installed by
 * lib/js/sandbox.c over the original, which a detached buffer would make write out of
 * bounds). */
duk_ret_t edgefn__duk_buffer_fill_checked(duk_context *ctx);

#endif
