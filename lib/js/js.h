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

/* ---- The ES2015+ library Duktape lacks (lib/js/es-*.c, lib/js/structured-clone.c) ---- */

/* One native method: `length` is the spec's (it may differ from nargs, e.g. for
 * DUK_VARARGS); magic is passed to the function. */
typedef struct edgefn__es_method {
  const char *name;
  duk_c_function fn;
  duk_int_t nargs;
  duk_int_t length;
  duk_int_t magic;
} edgefn__es_method;

/* Defines each method on the object at obj as the spec defines built-in methods:
 * writable, configurable, non-enumerable, with `name` and `length`. */
EDGEFN_INTERNAL void edgefn__es_def_methods(duk_context *ctx, duk_idx_t obj,
                                            const edgefn__es_method *methods, size_t n);

/* Eager: Array/Object/String/Number/Math/typed-array additions and the iterator protocol
 * on built-ins (lib/js/es-builtins.c, lib/js/es-iter.c). */
EDGEFN_INTERNAL void edgefn__es_builtins_install(duk_context *ctx);
EDGEFN_INTERNAL void edgefn__es_iter_install(duk_context *ctx);
/* Lazy: Map, Set, WeakMap, WeakSet (lib/js/es-collections.c); structuredClone. */
EDGEFN_INTERNAL void edgefn__es_collections_install(duk_context *ctx);
EDGEFN_INTERNAL void edgefn__structured_clone_install(duk_context *ctx);

/* Pushes %IteratorPrototype% (its @@iterator returns this). */
EDGEFN_INTERNAL void edgefn__iter_push_proto(duk_context *ctx);
/* Replaces the value on top of the stack with an iterator result { value, done }. */
EDGEFN_INTERNAL void edgefn__iter_result(duk_context *ctx, bool done);
/* GetIterator(value at idx): pushes the iterator and its next method; TypeError when the
 * value is not iterable. */
EDGEFN_INTERNAL void edgefn__iter_open(duk_context *ctx, duk_idx_t idx);
/* IteratorStep on the iterator at it (its next method at it + 1): pushes the next value and
 * returns true, or returns false when done (nothing pushed). */
EDGEFN_INTERNAL bool edgefn__iter_step(duk_context *ctx, duk_idx_t it);
/* Calls body for every value of the iterable at idx with the value on top of the stack
 * (the body may leave anything; the stack is reset after it). When body throws, the
 * iterator is closed (IteratorClose) and the error rethrown. */
EDGEFN_INTERNAL void edgefn__iter_each(duk_context *ctx, duk_idx_t idx,
                                       duk_ret_t (*body)(duk_context *ctx, void *udata),
                                       void *udata);

/* Map and Set internals for structuredClone: kind 1 = Map, 2 = Set, 0 = neither. */
EDGEFN_INTERNAL int edgefn__collection_kind(duk_context *ctx, duk_idx_t idx);
/* Pushes the live entries as a flat array: [k0, v0, k1, v1, ...] for a Map, [v0, ...] for
 * a Set. */
EDGEFN_INTERNAL void edgefn__collection_push_entries(duk_context *ctx, duk_idx_t idx);
/* Pushes a new empty Map (kind 1) or Set (kind 2) with the intrinsic prototype. */
EDGEFN_INTERNAL void edgefn__collection_push_new(duk_context *ctx, int kind);
/* Adds key (and value, for a Map) to the collection at coll without calling JS. */
EDGEFN_INTERNAL void edgefn__collection_add(duk_context *ctx, duk_idx_t coll, duk_idx_t key,
                                            duk_idx_t value);

/* ---- Logging from JS-facing code (lib/js/heap.c) ---- */

/* Logs through the heap's log callback (edgefn__heap_ctl.log), or stderr. */
EDGEFN_INTERNAL void edgefn__js_log(duk_context *ctx, int level, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* ---- Text (lib/js/text.c) ---- */

/* Pushes a buffer holding the string at idx as UTF-8 (surrogate pairs joined, lone
 * surrogates as U+FFFD); returns its data and sets *len. */
EDGEFN_INTERNAL void *edgefn__push_utf8_buffer(duk_context *ctx, duk_idx_t idx, size_t *len);
/* Pushes the string decoded from UTF-8 bytes (invalid sequences become U+FFFD). */
EDGEFN_INTERNAL void edgefn__push_string_from_utf8(duk_context *ctx, const uint8_t *data,
                                                   size_t len);

/* ---- The runtime (lib/js/runtime.c) as the Web API files see it ---- */

/* Hidden property keys shared between files. */
#define EDGEFN_KEY_HEADERS_LIST DUK_HIDDEN_SYMBOL("hl")
#define EDGEFN_KEY_HEADERS_GUARD DUK_HIDDEN_SYMBOL("hg")
#define EDGEFN_KEY_BODY DUK_HIDDEN_SYMBOL("body")
#define EDGEFN_KEY_BODY_USED DUK_HIDDEN_SYMBOL("bu")

/* Installs every global of the sandbox (lib/js/globals.c holds the table): eager ones now,
 * lazy ones as accessors that install on first use. Inside a protected call. */
EDGEFN_INTERNAL void edgefn__globals_install(duk_context *ctx);

/* Installers: each defines its globals on ctx's global object with plain data properties
 * (duk_put_prop_string on the global). Called inside a protected call, at most once per
 * heap; register new ones in lib/js/globals.c. */
EDGEFN_INTERNAL void edgefn__headers_install(duk_context *ctx);
EDGEFN_INTERNAL void edgefn__fetch_install(duk_context *ctx);
EDGEFN_INTERNAL void edgefn__console_install(duk_context *ctx);
EDGEFN_INTERNAL void edgefn__timers_install(duk_context *ctx);
EDGEFN_INTERNAL void edgefn__crypto_install(duk_context *ctx);

/* Headers guards (Fetch standard): "immutable" headers throw on modification. */
enum { EDGEFN_GUARD_NONE = 0, EDGEFN_GUARD_IMMUTABLE = 1 };

/* Pushes a new empty Headers object with the given guard. */
EDGEFN_INTERNAL void edgefn__headers_push(duk_context *ctx, int guard);
/* Appends a header to the Headers object at idx without validation (trusted input from the
 * host, already split into name and value). The name is lower-cased. */
EDGEFN_INTERNAL void edgefn__headers_append_raw(duk_context *ctx, duk_idx_t idx,
                                                const char *name, size_t name_len,
                                                const char *value, size_t value_len);
/* Pushes a new Headers (guard none) filled from the HeadersInit at init, as the constructor
 * would (validating names and values). */
EDGEFN_INTERNAL void edgefn__headers_push_init(duk_context *ctx, duk_idx_t init);
/* True when the Headers object at idx has a header with this lower-case name. */
EDGEFN_INTERNAL bool edgefn__headers_has_raw(duk_context *ctx, duk_idx_t idx,
                                             const char *lower_name);
/* Pushes the flat [name0, value0, name1, value1, ...] list (lower-case names, insertion
 * order) of the Headers object at idx. */
EDGEFN_INTERNAL void edgefn__headers_push_list(duk_context *ctx, duk_idx_t idx);

/* Pushes a Request for an incoming host request (headers immutable). */
EDGEFN_INTERNAL void edgefn__request_push_incoming(duk_context *ctx, const edgefn_request *req);
/* A Response read out of the heap for delivery: everything lives in one malloc block. */
typedef struct edgefn__response_parts {
  int status;
  const char *status_text;
  edgefn_header *headers;
  size_t header_count;
  const uint8_t *body;
  size_t body_len;
  void *block;
} edgefn__response_parts;

/* Reads the Response at idx into *parts (may throw; parts->block is then NULL or owned by
 * parts, so edgefn__response_parts_free is always safe). */
EDGEFN_INTERNAL void edgefn__response_extract(duk_context *ctx, duk_idx_t idx,
                                              edgefn__response_parts *parts);
EDGEFN_INTERNAL void edgefn__response_parts_free(edgefn__response_parts *parts);

/* True when the value at idx is a Response made by this heap's constructor. */
EDGEFN_INTERNAL bool edgefn__is_response(duk_context *ctx, duk_idx_t idx);

/* The JS timers of a runtime: fire and clear (lib/js/timers.c). */
EDGEFN_INTERNAL void edgefn__timers_cancel_for(edgefn_runtime *rt, uint32_t exchange_id);
EDGEFN_INTERNAL void edgefn__timers_free_all(edgefn_runtime *rt);

/* Offers an unhandled rejection to the runtime's "unhandledrejection" listeners; returns
 * true when one of them called preventDefault() (the rejection is then not logged). The
 * promise and reason are at the given indices. Inside a protected call. */
EDGEFN_INTERNAL bool edgefn__js_unhandled_rejection(duk_context *ctx, duk_idx_t promise,
                                                    duk_idx_t reason);

/* The runtime a heap belongs to (NULL for compile-only heaps). */
EDGEFN_INTERNAL edgefn_runtime *edgefn__rt_from_ctx(duk_context *ctx);

#endif
