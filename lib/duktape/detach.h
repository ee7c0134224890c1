/* The one helper compiled inside Duktape's translation unit (detach.c). */
#ifndef EDGEFN_DUKTAPE_DETACH_H
#define EDGEFN_DUKTAPE_DETACH_H

#include "duktape.h"

/* Detaches the ArrayBuffer at idx (or the buffer under the view at idx): its byteLength,
 * and the given view's byteOffset and byteLength, become 0, and every other view onto the
 * same bytes reads 0 and ignores writes (their nominal length is unchanged: Duktape keeps
 * no list of a buffer's views). Returns 0, doing nothing, when idx is not a buffer object. */
duk_bool_t edgefn__duk_detach_buffer(duk_context *ctx, duk_idx_t idx);

/* Buffer.prototype.fill with the bounds check Duktape's lacks (installed by
 * lib/js/sandbox.c over the original, which a detached buffer would make write out of
 * bounds). */
duk_ret_t edgefn__duk_buffer_fill_checked(duk_context *ctx);

#endif
