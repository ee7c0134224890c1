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

/* Buffer.prototype.fill with the bounds check Duktape's lacks (installed by
 * lib/js/sandbox.c over the original, which a detached buffer would make write out of
 * bounds). */
duk_ret_t edgefn__duk_buffer_fill_checked(duk_context *ctx);

#endif
