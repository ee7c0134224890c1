/* The js part's internal interface: what the runtime and the Web API files share. */
#ifndef EDGEFN_JS_INTERNAL_H
#define EDGEFN_JS_INTERNAL_H

#include "js/duk.h"

/* ---- Promise and the microtask queue (lib/js/promise.c) ---- */

/* Defines the global Promise constructor and queueMicrotask on ctx's global object. Must be
 * called from inside a protected call (it may throw on out-of-memory). */
EDGEFN_INTERNAL void edgefn__promise_install(duk_context *ctx);

/* Runs queued microtasks until the queue is empty, or until the heap's CPU or memory limit
 * is breached (edgefn__heap_ctl flags), in which case the remaining jobs stay queued and
 * the caller decides. Must be called from inside a protected call. Returns the number of
 * jobs run. Unhandled rejections noticed after the queue empties are logged at
 * EDGEFN_LOG_ERROR through edgefn__js_log. */
EDGEFN_INTERNAL size_t edgefn__microtasks_drain(duk_context *ctx);

/* Drops every queued microtask (a runtime being torn down or recycled). */
EDGEFN_INTERNAL void edgefn__microtasks_clear(duk_context *ctx);

/* Pushes Promise.resolve(value at idx) / a promise rejected with the value at idx. */
EDGEFN_INTERNAL void edgefn__promise_push_resolved(duk_context *ctx, duk_idx_t idx);
EDGEFN_INTERNAL void edgefn__promise_push_rejected(duk_context *ctx, duk_idx_t idx);

/* True when the value at idx is an object or function with a callable `then`. */
EDGEFN_INTERNAL bool edgefn__is_thenable(duk_context *ctx, duk_idx_t idx);

/* ---- Logging from JS-facing code (lib/js/heap.c) ---- */

/* Logs through the heap's log callback (edgefn__heap_ctl.log), or stderr. */
EDGEFN_INTERNAL void edgefn__js_log(duk_context *ctx, int level, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

#endif
