/* Placeholder while Promise is written; replaced by the real implementation. */
#include "js/js.h"

void edgefn__promise_install(duk_context *ctx) { (void)ctx; }
size_t edgefn__microtasks_drain(duk_context *ctx) { (void)ctx; return 0; }
void edgefn__microtasks_clear(duk_context *ctx) { (void)ctx; }
void edgefn__promise_push_resolved(duk_context *ctx, duk_idx_t idx) { duk_dup(ctx, idx); }
void edgefn__promise_push_rejected(duk_context *ctx, duk_idx_t idx) { duk_dup(ctx, idx); }
bool edgefn__is_thenable(duk_context *ctx, duk_idx_t idx) { (void)ctx; (void)idx; return false; }
