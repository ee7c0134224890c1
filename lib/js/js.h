/* The js part's internal interface: what the runtime and the Web API files share. */
#ifndef EDGEFN_JS_INTERNAL_H
#define EDGEFN_JS_INTERNAL_H

#include "js/duk.h"

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

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

/* True when a drain has anything to do (queued jobs or rejections to report). Cheap: lets
 * callers skip the protected call a drain needs. */
EDGEFN_INTERNAL bool edgefn__microtasks_pending(duk_context *ctx);

/* Draining on behalf of requests: every job carries the tag (edgefn__heap_ctl.job_tag) that
 * was current when it was queued. before(tag) runs ahead of each job (and ahead of the
 * unhandled-rejection report, with tag 0) and after(tag) behind it; either returning false
 * stops the drain, leaving the rest queued. Inside a protected call; returns the jobs run. */
typedef struct edgefn__drain_hooks {
  bool (*before)(void *ud, uint32_t tag);
  bool (*after)(void *ud, uint32_t tag);
  void *ud;
} edgefn__drain_hooks;
EDGEFN_INTERNAL size_t edgefn__microtasks_drain_hooked(duk_context *ctx,
                                                       const edgefn__drain_hooks *h);
/* Drops the queued jobs with this tag, keeping the others in order; returns how many. */
EDGEFN_INTERNAL size_t edgefn__microtasks_drop_tag(duk_context *ctx, uint32_t tag);

/* Drops every queued microtask (a runtime being torn down or recycled). */
EDGEFN_INTERNAL void edgefn__microtasks_clear(duk_context *ctx);

/* Pushes Promise.resolve(value at idx) / a promise rejected with the value at idx. */
EDGEFN_INTERNAL void edgefn__promise_push_resolved(duk_context *ctx, duk_idx_t idx);
EDGEFN_INTERNAL void edgefn__promise_push_rejected(duk_context *ctx, duk_idx_t idx);

/* Promises for native code that must not go through script-reachable methods (a script
 * may have replaced Promise.prototype.then): a new pending promise; settling one (the
 * first settle of a promise made here wins, later ones do nothing; throws a TypeError for a
 * non-promise); PerformPromiseThen with the intrinsic machinery (pushes the derived promise
 * when derive, else nothing: a throwing handler is then ignored); marking a rejection
 * handled; the pending test. */
EDGEFN_INTERNAL void edgefn__promise_push_new(duk_context *ctx);
EDGEFN_INTERNAL bool edgefn__is_promise(duk_context *ctx, duk_idx_t idx);
EDGEFN_INTERNAL void edgefn__promise_settle(duk_context *ctx, duk_idx_t p, duk_idx_t v,
                                            bool reject);
EDGEFN_INTERNAL void edgefn__promise_then(duk_context *ctx, duk_idx_t p, duk_idx_t on_ful,
                                          duk_idx_t on_rej, bool derive);
EDGEFN_INTERNAL void edgefn__promise_mark_handled(duk_context *ctx, duk_idx_t p);
EDGEFN_INTERNAL bool edgefn__promise_is_pending(duk_context *ctx, duk_idx_t p);
/* queueMicrotask(function at fn) without the global. */
EDGEFN_INTERNAL void edgefn__queue_microtask(duk_context *ctx, duk_idx_t fn);

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
/* Map.groupBy, for the Map constructor (its implementation is Object.groupBy's). */
EDGEFN_INTERNAL extern const edgefn__es_method edgefn__es_map_group_by;
/* Lazy: Map, Set, WeakMap, WeakSet (lib/js/es-collections.c); structuredClone. */
EDGEFN_INTERNAL void edgefn__es_collections_install(duk_context *ctx);
EDGEFN_INTERNAL void edgefn__structured_clone_install(duk_context *ctx);

/* Pushes %IteratorPrototype% (its @@iterator returns this). */
EDGEFN_INTERNAL void edgefn__iter_push_proto(duk_context *ctx);
/* The ES2025 iterator helpers (lib/js/iterator.c): the methods on %IteratorPrototype% at
 * proto (eager, with edgefn__es_iter_install) and the lazy global Iterator. */
EDGEFN_INTERNAL void edgefn__iterator_helpers_install(duk_context *ctx, duk_idx_t proto);
/* On a C constructor that a subclass's super() calls with the new object as this, as for
 * an ECMAScript constructor: Duktape's Reflect.construct has no newTarget, so a C
 * constructor constructed by super() cannot tell the subclass from itself (Iterator,
 * which only refuses to be constructed directly). */
#define EDGEFN_K_CALLED_BY_SUPER DUK_HIDDEN_SYMBOL("edgefn.superCall")
EDGEFN_INTERNAL void edgefn__iterator_install(duk_context *ctx);
/* Replaces the value on top of the stack with an iterator result { value, done }. */
EDGEFN_INTERNAL void edgefn__iter_result(duk_context *ctx, bool done);
/* GetIterator(value at idx): pushes the iterator and its next method; TypeError when the
 * value is not iterable. */
EDGEFN_INTERNAL void edgefn__iter_open(duk_context *ctx, duk_idx_t idx);
/* The same with the @@iterator method already read (on top of the stack, replaced). */
EDGEFN_INTERNAL void edgefn__iter_open_with(duk_context *ctx, duk_idx_t idx);
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
/* Deletes key from the Map or Set at coll without calling JS; whether it was there. */
EDGEFN_INTERNAL bool edgefn__collection_delete(duk_context *ctx, duk_idx_t coll, duk_idx_t key);
/* Pushes map.get(key) and returns true when the Map at coll has key; else pushes nothing. */
EDGEFN_INTERNAL bool edgefn__collection_get(duk_context *ctx, duk_idx_t coll, duk_idx_t key);

/* RegExp on PCRE2 and the String methods that take one (lib/js/regexp.c); eager, after
 * edgefn__es_builtins_install (it replaces some of that installer's String methods). */
EDGEFN_INTERNAL void edgefn__regexp_install(duk_context *ctx);
/* A RegExp from the intrinsic constructor for the strings at src and flags (throws a
 * SyntaxError for an invalid pattern), and RegExpBuiltinExec of the RegExp at rx on the
 * string at s (pushes the match array or null): for library modules, which must not
 * reach through globals a script may have replaced. */
EDGEFN_INTERNAL void edgefn__regexp_push_new(duk_context *ctx, duk_idx_t src, duk_idx_t flags);
EDGEFN_INTERNAL void edgefn__regexp_push_exec(duk_context *ctx, duk_idx_t rx, duk_idx_t s);
/* Lets go of the last subject's converted buffers, and of the string they pin, when they
 * hold over EDGEFN_REGEXP_KEEP_SUBJECT_BYTES: they make repeated matches against one string
 * cheap within a request, and would otherwise stay charged to the heap after it (a 400 KB
 * subject kept 1.2 MB). Called when a runtime has no request left in flight. Never throws. */
#define EDGEFN_REGEXP_KEEP_SUBJECT_BYTES (64u * 1024u)
EDGEFN_INTERNAL void edgefn__regexp_trim(duk_context *ctx);
/* ---- The sandbox (lib/js/sandbox.c) ---- */

/* Removes what a script must not reach: eval and the Function constructor (unless
 * allow_eval) and Duktape's finalizer and error hooks. After the globals are installed,
 * inside a protected call. */
EDGEFN_INTERNAL void edgefn__sandbox_harden(duk_context *ctx, bool allow_eval);

/* ---- Logging from JS-facing code (lib/js/heap.c) ---- */

/* Logs through the heap's log callback (edgefn__heap_ctl.log), or stderr. */
EDGEFN_INTERNAL void edgefn__js_log(duk_context *ctx, int level, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* ---- Text (lib/js/text.c) ---- */

/* Pushes a buffer holding the string at idx as UTF-8 (surrogate pairs joined, lone
 * surrogates as U+FFFD); returns its data and sets *len. */
EDGEFN_INTERNAL void *edgefn__push_utf8_buffer(duk_context *ctx, duk_idx_t idx, size_t *len);
/* Pushes a string made from bytes the host gave (header names and values, a method): as
 * they are when ASCII, else decoded as UTF-8 with U+FFFD for invalid sequences. Raw bytes
 * must never become a Duktape string unchecked: Duktape takes a string starting with 0x80,
 * 0x81, 0x82 or 0xFF for a symbol, so a client's header value could name the library's
 * hidden properties, and malformed sequences break the conversions back to UTF-8. */
EDGEFN_INTERNAL void edgefn__push_host_string(duk_context *ctx, const char *p, size_t len);
/* Pushes the string decoded from UTF-8 bytes (invalid sequences become U+FFFD). */
EDGEFN_INTERNAL void edgefn__push_string_from_utf8(duk_context *ctx, const uint8_t *data,
                                                   size_t len);

/* ---- The runtime (lib/js/runtime.c) as the Web API files see it ---- */

/* Hidden property keys shared between files. */
#define EDGEFN_KEY_HEADERS_LIST DUK_HIDDEN_SYMBOL("hl")
#define EDGEFN_KEY_HEADERS_GUARD DUK_HIDDEN_SYMBOL("hg")
#define EDGEFN_KEY_BODY DUK_HIDDEN_SYMBOL("body")
#define EDGEFN_KEY_BODY_USED DUK_HIDDEN_SYMBOL("bu")
/* A body is EDGEFN_KEY_BODY: undefined (none), a plain buffer (bytes), or a ReadableStream
 * (a stream body). For a bytes body, `body` makes a stream over the bytes on first use and
 * keeps it here; the bytes stay the fast path while that stream is untouched. */
#define EDGEFN_KEY_BODY_STREAM DUK_HIDDEN_SYMBOL("bs")

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
EDGEFN_INTERNAL void edgefn__crypto_install(duk_context *ctx); /* crypto, CryptoKey */
/* Defines `subtle` on the crypto object at idx and the global CryptoKey (lib/js/subtle.c). */
EDGEFN_INTERNAL void edgefn__subtle_install(duk_context *ctx, duk_idx_t crypto);
/* Web Crypto's "normalize an algorithm" for digest on the AlgorithmIdentifier at idx (a
 * name or {name}): one of EDGEFN_DIGEST_*, or a NotSupportedError / TypeError thrown. */
enum { EDGEFN_DIGEST_SHA1 = 1, EDGEFN_DIGEST_SHA256, EDGEFN_DIGEST_SHA384, EDGEFN_DIGEST_SHA512,
       EDGEFN_DIGEST_MD5 };
EDGEFN_INTERNAL int edgefn__subtle_digest_alg(duk_context *ctx, duk_idx_t idx);
/* Defines crypto.DigestStream on the crypto object at idx (lib/js/digest-stream.c): an
 * accessor until first used, so that the streams module loads only when it is. */
EDGEFN_INTERNAL void edgefn__digest_stream_install(duk_context *ctx, duk_idx_t crypto);
EDGEFN_INTERNAL void edgefn__subrequest_install(duk_context *ctx);
EDGEFN_INTERNAL void edgefn__encoding_install(duk_context *ctx); /* TextEncoder, TextDecoder */
EDGEFN_INTERNAL void edgefn__base64_install(duk_context *ctx); /* atob, btoa, *UTF8 */
/* Pushes data[0..len) in base64 (url: the URL-safe alphabet; pad: with '=') or in lowercase
 * hex, as a string (lib/js/base64.c). */
EDGEFN_INTERNAL void edgefn__push_base64(duk_context *ctx, const uint8_t *data, size_t len,
                                         bool url, bool pad);
EDGEFN_INTERNAL void edgefn__push_hex(duk_context *ctx, const uint8_t *data, size_t len);
/* Uint8Array.fromBase64/fromHex and .prototype.toBase64/toHex/setFromBase64/setFromHex
 * (ES2026; lib/js/base64.c), installed with the other built-in additions. */
EDGEFN_INTERNAL void edgefn__uint8_array_base64_install(duk_context *ctx);
/* Buffer.from/alloc/allocUnsafe and the encodings of toString/byteLength/isEncoding over
 * Duktape's Node.js Buffer (lib/js/node-buffer.c), installed with the built-in additions. */
EDGEFN_INTERNAL void edgefn__node_buffer_install(duk_context *ctx);
/* DOMException, Event, CustomEvent, EventTarget, AbortController, AbortSignal */
EDGEFN_INTERNAL void edgefn__events_install(duk_context *ctx);
EDGEFN_INTERNAL void edgefn__performance_install(duk_context *ctx);
EDGEFN_INTERNAL void edgefn__navigator_install(duk_context *ctx);
/* scheduler.wait (Workers), in lib/js/timers.c: a lazy global. */
EDGEFN_INTERNAL void edgefn__scheduler_install(duk_context *ctx);
EDGEFN_INTERNAL void edgefn__cookies_install(duk_context *ctx);
EDGEFN_INTERNAL void edgefn__cache_api_install(duk_context *ctx); /* caches */

/* ---- KV namespaces and environment values (lib/js/kv-api.c) ----
 * The host's kv_bindings and env_vars (runtime options) are globals and the properties of
 * one `env` object, kept in the global stash under EDGEFN_STASH_ENV. Handler styles that
 * receive env (module syntax `fetch(request, env, ctx)`, Pages `context.env`) get it with
 * edgefn__env_push. */
#define EDGEFN_STASH_ENV "env"
/* The same object as the hidden global the module-syntax dispatch and `cloudflare:workers`
 * read (an empty object when the host bound nothing). */
#define EDGEFN_GLOBAL_ENV "__edgefn$env"
/* Eager installer: defines the bindings and values as globals and builds env. */
EDGEFN_INTERNAL void edgefn__kv_env_install(duk_context *ctx);
/* Pushes the runtime's env object (an empty object when the host bound nothing; the same
 * object on every call). Inside a protected call. */
EDGEFN_INTERNAL void edgefn__env_push(duk_context *ctx);

/* Pushes new DOMException(message, name) made by the heap's own constructor, whether or
 * not a script has used the global yet (lib/js/events.c). */
EDGEFN_INTERNAL void edgefn__push_dom_exception(duk_context *ctx, const char *name,
                                                const char *message);
/* Throws new DOMException(message, name); never returns. */
EDGEFN_INTERNAL duk_ret_t edgefn__throw_dom_exception(duk_context *ctx, const char *name,
                                                      const char *message);

/* AbortSignal for native code (lib/js/events.c): whether the value at idx is one; its
 * aborted flag and reason (pushed); adding an abort algorithm (the function at fn, run
 * before the 'abort' event); a new signal that is not aborted; signal abort with the
 * reason at reason (undefined: an AbortError DOMException). */
EDGEFN_INTERNAL bool edgefn__is_abort_signal(duk_context *ctx, duk_idx_t idx);
EDGEFN_INTERNAL bool edgefn__abort_signal_aborted(duk_context *ctx, duk_idx_t sig);
EDGEFN_INTERNAL void edgefn__abort_signal_push_reason(duk_context *ctx, duk_idx_t sig);
EDGEFN_INTERNAL void edgefn__abort_signal_add_algorithm(duk_context *ctx, duk_idx_t sig,
                                                        duk_idx_t fn);
EDGEFN_INTERNAL void edgefn__abort_signal_push_new(duk_context *ctx);
EDGEFN_INTERNAL void edgefn__abort_signal_abort(duk_context *ctx, duk_idx_t sig,
                                                duk_idx_t reason);

/* performance.now(): milliseconds since the runtime was created (lib/js/performance.c). */
EDGEFN_INTERNAL double edgefn__perf_now(duk_context *ctx);
EDGEFN_INTERNAL void edgefn__url_install(duk_context *ctx); /* URL, URLSearchParams */
EDGEFN_INTERNAL void edgefn__urlpattern_install(duk_context *ctx); /* URLPattern */
EDGEFN_INTERNAL void edgefn__htmlrewriter_install(duk_context *ctx); /* HTMLRewriter */
/* True when the value at idx is a URLSearchParams made by this heap (a fetch body). */
EDGEFN_INTERNAL bool edgefn__is_search_params(duk_context *ctx, duk_idx_t idx);

/* Headers guards (Fetch standard): "immutable" headers throw on modification. */
enum { EDGEFN_GUARD_NONE = 0, EDGEFN_GUARD_IMMUTABLE = 1 };

/* Pushes a new empty Headers object with the given guard. */
EDGEFN_INTERNAL void edgefn__headers_push(duk_context *ctx, int guard);
/* Appends a header to the Headers object at idx without validation (trusted input from the
 * host, already split into name and value). The name is lower-cased. */
EDGEFN_INTERNAL void edgefn__headers_append_raw(duk_context *ctx, duk_idx_t idx,
                                                const char *name, size_t name_len,
                                                const char *value, size_t value_len);
/* Pushes a new Headers object with the given guard holding the host's headers (trusted,
 * not validated; names lower-cased), in order. */
EDGEFN_INTERNAL void edgefn__headers_push_host(duk_context *ctx, int guard,
                                               const edgefn_header *headers, size_t count);
/* Incoming request headers are kept as one packed buffer until a script reads them (most
 * handlers never do): this pushes that block (names lower-cased), and the next function
 * pushes a Headers object made from the block at index `block`. */
EDGEFN_INTERNAL void edgefn__headers_push_packed_block(duk_context *ctx,
                                                       const edgefn_header *headers,
                                                       size_t count);
EDGEFN_INTERNAL void edgefn__headers_push_from_block(duk_context *ctx, int guard,
                                                     duk_idx_t block);
/* The packed block's format: per header a 4-byte name length and a 4-byte value length (host
 * byte order), then the name and the value. edgefn__block_put writes one header at p and
 * returns the end; edgefn__block_next reads the next one at it->p (false at the end). */
typedef struct edgefn__block_iter {
  const uint8_t *p, *end;
} edgefn__block_iter;

static inline uint8_t *edgefn__block_put(uint8_t *p, const char *name, size_t nl,
                                         const char *value, size_t vl) {
  uint32_t n32 = (uint32_t)nl, v32 = (uint32_t)vl;
  memcpy(p, &n32, 4);
  memcpy(p + 4, &v32, 4);
  if (nl)
    memcpy(p + 8, name, nl);
  if (vl)
    memcpy(p + 8 + nl, value, vl);
  return p + 8 + nl + vl;
}

static inline bool edgefn__block_next(edgefn__block_iter *it, const char **name, size_t *nl,
                                      const char **value, size_t *vl) {
  if (it->end - it->p < 8)
    return false; /* (a block of no header is one byte long) */
  uint32_t n32, v32;
  memcpy(&n32, it->p, 4);
  memcpy(&v32, it->p + 4, 4);
  if ((size_t)(it->end - it->p) - 8 < (size_t)n32 + v32)
    return false; /* cannot happen: the library wrote the block */
  *name = (const char *)it->p + 8;
  *nl = n32;
  *value = *name + n32;
  *vl = v32;
  it->p += 8 + (size_t)n32 + v32;
  return true;
}

/* Pushes a new Headers (guard none) filled from the HeadersInit at init, as the constructor
 * would (validating names and values). */
EDGEFN_INTERNAL void edgefn__headers_push_init(duk_context *ctx, duk_idx_t init);
/* Pushes the flat [name0, value0, ...] list a Headers object made from the HeadersInit at
 * init would hold (validated and normalized as the constructor does; an empty array for
 * none), without the object: a Response keeps it so until a script asks for its headers. */
EDGEFN_INTERNAL void edgefn__headers_push_init_list(duk_context *ctx, duk_idx_t init);
/* Pushes the normalized (lower-case name, trimmed value) pairs of the HeadersInit at init,
 * validated as the constructor does; returns how many values it pushed (twice the pairs). */
EDGEFN_INTERNAL duk_idx_t edgefn__headers_push_init_pairs(duk_context *ctx, duk_idx_t init);
/* Pushes a packed block (the format of edgefn__headers_push_packed_block) of the `count`
 * normalized name and value strings at base, left where they are; when content_type is not
 * NULL and no pair is named content-type, the block ends with that header. */
EDGEFN_INTERNAL void edgefn__headers_push_block_from_pairs(duk_context *ctx, duk_idx_t base,
                                                           duk_idx_t count,
                                                           const char *content_type,
                                                           size_t ct_len);
/* Replaces the list on top of the stack with a new Headers object that owns it. */
EDGEFN_INTERNAL void edgefn__headers_wrap_list(duk_context *ctx, int guard);
/* True when the flat list at list has a header with this lower-case name. */
EDGEFN_INTERNAL bool edgefn__headers_list_has(duk_context *ctx, duk_idx_t list,
                                              const char *lower_name);
/* Appends to the flat list at list, without validation; the name is lower-cased. */
EDGEFN_INTERNAL void edgefn__headers_list_append_raw(duk_context *ctx, duk_idx_t list,
                                                     const char *name, size_t name_len,
                                                     const char *value, size_t value_len);
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
  bool body_stream; /* the body is a ReadableStream (EDGEFN_KEY_BODY): body_len is 0 */
  int64_t stream_length; /* a stream body's announced length (FixedLengthStream), or -1 */
  void *block;
} edgefn__response_parts;

/* Reads the Response at idx into *parts (may throw; parts->block is then NULL or owned by
 * parts, so edgefn__response_parts_free is always safe). */
EDGEFN_INTERNAL void edgefn__response_extract(duk_context *ctx, duk_idx_t idx,
                                              edgefn__response_parts *parts);
EDGEFN_INTERNAL void edgefn__response_parts_free(edgefn__response_parts *parts);

/* A Request read out of the heap for a backend: everything lives in one malloc block
 * (free it with free(parts->block)); method and url are also NUL-terminated. */
typedef struct edgefn__request_parts {
  const char *method;
  size_t method_len;
  const char *url;
  size_t url_len;
  edgefn_header *headers;
  size_t header_count;
  const uint8_t *body;
  size_t body_len;
  bool body_stream; /* the body is a ReadableStream (EDGEFN_KEY_BODY): body_len is 0 */
  int64_t stream_length; /* a stream body's announced length (FixedLengthStream), or -1 */
  void *block;
} edgefn__request_parts;
EDGEFN_INTERNAL bool edgefn__is_request(duk_context *ctx, duk_idx_t idx);
/* Reads the Request at idx (may throw; parts->block is then NULL or owned by parts). */
/* Pushes the AbortSignal the Request at idx was made with (its init's or the Request it
 * copied), or undefined: what fetch() follows. Unlike the `signal` getter it makes none
 * (a signal made on demand has no controller and can never fire). */
EDGEFN_INTERNAL void edgefn__request_push_signal(duk_context *ctx, duk_idx_t idx);
EDGEFN_INTERNAL void edgefn__request_extract(duk_context *ctx, duk_idx_t idx,
                                             edgefn__request_parts *parts);
/* Pushes a Response received from a backend (immutable headers, as fetch() gives them);
 * the string at url becomes response.url. */
EDGEFN_INTERNAL void edgefn__response_push_raw(duk_context *ctx, int status,
                                               const char *status_text,
                                               const edgefn_header *headers, size_t header_count,
                                               const uint8_t *body, size_t body_len,
                                               duk_idx_t url, bool redirected);

/* Pushes the body of the Request or Response at idx as its `body` getter gives it (null, or
 * a ReadableStream), whatever a script did to the getter. */
EDGEFN_INTERNAL void edgefn__message_push_body(duk_context *ctx, duk_idx_t idx);
/* Pushes a new Response with the status, status text and headers (minus Content-Length) of
 * the Response at src and the ReadableStream at body (no body when undefined). */
EDGEFN_INTERNAL void edgefn__response_push_derived(duk_context *ctx, duk_idx_t src,
                                                   duk_idx_t body);
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

/* Bytes of the incoming request body the body methods may read whole: called by the body
 * methods (lib/js/fetch.c) with the body's buffer at idx. When that buffer is a request's
 * incoming body larger than the runtime's request_body_limit, fails that request (413) and
 * throws a TypeError; otherwise does nothing. */
EDGEFN_INTERNAL void edgefn__rt_check_body_read(duk_context *ctx, duk_idx_t idx);

/* console.* calls: true when the current request may log one more line (counts it). */
EDGEFN_INTERNAL bool edgefn__rt_console_allow(duk_context *ctx);

/* The runtime a heap belongs to (NULL for compile-only heaps). */
EDGEFN_INTERNAL edgefn_runtime *edgefn__rt_from_ctx(duk_context *ctx);

/* ---- MIME types (lib/js/mime.c): WHATWG MIME Sniffing "parse a MIME type" and
 * "serialize a MIME type". Plain C, no heap: usable by the cache and the rules. ---- */

typedef struct edgefn__mime_parameter {
  const char *name;  /* lower-case, NUL-terminated (a MIME parameter never holds NUL) */
  const char *value; /* unquoted and unescaped, NUL-terminated */
} edgefn__mime_parameter;

/* A parsed MIME type. Every string and the params array live in `block`, owned by the
 * struct and released by edgefn__mime_free; nothing points into the parsed input. */
typedef struct edgefn__mime {
  const char *type;    /* lower-case */
  const char *subtype; /* lower-case */
  const edgefn__mime_parameter *params; /* in input order, first occurrence of a name only */
  size_t param_count;
  void *block;
} edgefn__mime;

/* Parses in[0..len) as a byte string (each byte one code point, as HTTP header values
 * are). Returns false (and leaves *out empty, nothing to free) when the input is not a
 * MIME type or memory runs out; on true the caller owns *out and calls edgefn__mime_free. */
EDGEFN_INTERNAL bool edgefn__mime_parse(const char *in, size_t len, edgefn__mime *out);
/* The same for UTF-8 text (Duktape strings): code points beyond U+00FF never qualify, and
 * the strings in *out are UTF-8. */
EDGEFN_INTERNAL bool edgefn__mime_parse_utf8(const char *in, size_t len, edgefn__mime *out);
/* Releases what a successful parse allocated; safe on NULL and on an emptied struct. */
EDGEFN_INTERNAL void edgefn__mime_free(edgefn__mime *m);
/* The value of parameter `name` (compared ASCII case-insensitively), or NULL. The pointer
 * lives as long as *m. */
EDGEFN_INTERNAL const char *edgefn__mime_param(const edgefn__mime *m, const char *name);
/* Write "type/subtype" / the full serialization into buf like snprintf: at most size - 1
 * bytes and a NUL when size > 0; return the length the whole text needs. */
EDGEFN_INTERNAL size_t edgefn__mime_essence(const edgefn__mime *m, char *buf, size_t size);
EDGEFN_INTERNAL size_t edgefn__mime_serialize(const edgefn__mime *m, char *buf, size_t size);

/* Pushes new TextDecoder(label, options) of a class only native code can reach (its
 * decode(input, {stream}) and getters behave as the global's) (lib/js/encoding.c). */
EDGEFN_INTERNAL void edgefn__text_decoder_push_new(duk_context *ctx, duk_idx_t label,
                                                   duk_idx_t options);
/* Pushes the structuredClone function (lib/js/structured-clone.c). */
EDGEFN_INTERNAL void edgefn__structured_clone_push_fn(duk_context *ctx);

/* ---- Modules written in ES5 (lib/js/embedded.c) ---- */

/* One module: its text (a function expression taking the natives object push_natives
 * pushes) and where a heap keeps the loaded result. Defined statically with
 * EDGEFN_EMBEDDED_JS; the other fields are the process's compile, made under lock. */
typedef struct edgefn__embedded_js {
  const char *filename;
  const unsigned char *src;
  size_t src_len;
  const char *stash_key;
  void (*push_natives)(duk_context *ctx);
  pthread_mutex_t lock;
  bool tried;
  uint8_t *bytecode;
  size_t bytecode_len;
  duk_context *compile_heap;
} edgefn__embedded_js;
#define EDGEFN_EMBEDDED_JS(filename, text, stash_key, push_natives)                          \
  {(filename), (text), sizeof(text) - 1, (stash_key), (push_natives),                       \
   PTHREAD_MUTEX_INITIALIZER, false, NULL, 0, NULL}
/* Pushes the module's result for this heap, loading it the first time (and compiling it
 * the first time in the process, outside the CPU budget of the script that needed it). */
EDGEFN_INTERNAL void edgefn__embedded_push_module(duk_context *ctx, edgefn__embedded_js *m);
/* Defines the global class `name` of a module that returns { proto, ... }: the C
 * constructor ctor (nargs, as for duk_push_c_function) with the module's proto as its
 * prototype (read-only, as WebIDL's) and proto.constructor pointing back. */
EDGEFN_INTERNAL void edgefn__embedded_install_class(duk_context *ctx, edgefn__embedded_js *m,
                                                    const char *name, duk_c_function ctor,
                                                    duk_idx_t nargs);
/* One native function a module's natives object carries. */
typedef struct edgefn__embedded_native {
  const char *name;
  duk_c_function fn;
  duk_idx_t nargs;
  int magic;
} edgefn__embedded_native;
/* Pushes a natives object: the n functions of table, the ones every module uses
 * (typeError(msg), rangeError(msg), create(proto), setProto(obj, proto), call(f, this,
 * args...), method(obj, name, fn, length) as built-in methods are, operation(...) as WebIDL
 * operations are (enumerable), tag(obj, name) for @@toStringTag, put(obj, key, value) as
 * CreateDataProperty, sub(s, a, b) a substring, join(list, n) the strings list[0, n) in one
 * copy), K (the module's hidden slots key) and iterator (@@iterator). Returns its index. */
EDGEFN_INTERNAL duk_idx_t edgefn__embedded_push_natives(duk_context *ctx,
                                                        const edgefn__embedded_native *table,
                                                        size_t n, const char *slots_key);

/* Replaces the JSON text at idx (a string; anything else is left), as Duktape's
 * JSON.stringify wrote it, with what ES2019's writes (lib/js/es-builtins.c): each lone
 * surrogate as a \uXXXX escape, and U+2028/U+2029 as the characters, not escapes. */
EDGEFN_INTERNAL void edgefn__json_well_formed(duk_context *ctx, duk_idx_t idx);

/* ---- WeakRef and FinalizationRegistry (lib/js/es-weak.c) ---- */

/* Lazy globals WeakRef and FinalizationRegistry. */
EDGEFN_INTERNAL void edgefn__es_weak_install(duk_context *ctx);
/* Work a drain of the microtask queue owes when it empties: EDGEFN_WEAK_KEPT, the objects
 * WeakRefs keep alive until the end of the job (ClearKeptObjects); EDGEFN_WEAK_PENDING,
 * cleanup callbacks of FinalizationRegistry whose targets were collected (queued as jobs).
 * Noted with edgefn__microtasks_note_weak (lib/js/promise.c), run by the drain through
 * edgefn__weak_after_drain. */
#define EDGEFN_WEAK_KEPT 1u
#define EDGEFN_WEAK_PENDING 2u
EDGEFN_INTERNAL void edgefn__microtasks_note_weak(duk_context *ctx, unsigned flags);
EDGEFN_INTERNAL void edgefn__weak_after_drain(duk_context *ctx, unsigned flags);

/* ---- Intl (lib/js/intl.c, lib/js/intl.js) ---- */

/* The Intl global (lazy). */
EDGEFN_INTERNAL void edgefn__intl_install(duk_context *ctx);
/* Pushes the loaded Intl module (loading it on first use). */
EDGEFN_INTERNAL void edgefn__intl_push_module(duk_context *ctx);
/* Number.prototype.toLocaleString, Date.prototype.toLocaleString/DateString/TimeString and
 * String.prototype.localeCompare over Intl, replacing Duktape's locale-less versions (the
 * module itself loads at the first call). */
EDGEFN_INTERNAL void edgefn__intl_install_locale_methods(duk_context *ctx);

/* ---- Streams (lib/js/streams.c, lib/js/streams.js, lib/js/compression.c) ---- */

/* Defines the stream globals (ReadableStream ... DecompressionStream). */
EDGEFN_INTERNAL void edgefn__streams_install(duk_context *ctx);
/* Pushes the object of internal stream helpers of this heap (loads the module on first
 * use): fromBytes(u8), readAllBytes(rs), pump(rs, onChunk, onEnd), isDisturbed(rs),
 * isLocked(rs), isReadable(x), tee(rs). */
EDGEFN_INTERNAL void edgefn__streams_push_module(duk_context *ctx);
/* Pushes a ReadableStream (a byte stream) that yields a copy of data[0..len) then closes. */
EDGEFN_INTERNAL void edgefn__stream_push_from_bytes(duk_context *ctx, const uint8_t *data,
                                                    size_t len);
/* Calls the stream module's function `fn` with the nargs values on top of the stack
 * (consumed) and leaves its result. */
EDGEFN_INTERNAL void edgefn__streams_call(duk_context *ctx, const char *fn, duk_idx_t nargs);
/* True when the ReadableStream at idx is neither disturbed nor locked. */
EDGEFN_INTERNAL bool edgefn__stream_is_usable(duk_context *ctx, duk_idx_t idx);
/* True when the value at idx is a Uint8Array (or a subclass instance). */
EDGEFN_INTERNAL bool edgefn__is_uint8array(duk_context *ctx, duk_idx_t idx);
/* True when the value at idx is a ReadableStream of this heap. */
EDGEFN_INTERNAL bool edgefn__is_readable_stream(duk_context *ctx, duk_idx_t idx);
/* The zlib natives of CompressionStream/DecompressionStream: pushes a new codec object for
 * the format string at format ("gzip", "deflate", "deflate-raw"); pushes the output
 * (a Uint8Array, or null when there is none) of feeding the BufferSource at chunk (or, when
 * finish, ending the stream). Throw TypeError on corrupt or truncated input. */
EDGEFN_INTERNAL void edgefn__zlib_push_new(duk_context *ctx, duk_idx_t format, bool inflate);
EDGEFN_INTERNAL void edgefn__zlib_push_output(duk_context *ctx, duk_idx_t codec,
                                              duk_idx_t chunk, bool finish);

/* ---- Blob, File, FormData (lib/js/blob.c, lib/js/formdata.c) ----
 * The helpers work whether or not a script has touched the globals: they create the
 * classes (kept in the global stash) on first use. Inside a protected call; they may throw. */

/* Defines the globals Blob, File and FormData (the lazy installer of all three). */
EDGEFN_INTERNAL void edgefn__blob_install(duk_context *ctx);
/* True when the value at idx is a Blob (or File) made by this heap. */
EDGEFN_INTERNAL bool edgefn__is_blob(duk_context *ctx, duk_idx_t idx);
EDGEFN_INTERNAL bool edgefn__is_file(duk_context *ctx, duk_idx_t idx);
/* The bytes and the type of the Blob at idx. Both stay valid while the Blob is reachable
 * (its bytes are never modified); the caller must not write through them. */
EDGEFN_INTERNAL const uint8_t *edgefn__blob_data(duk_context *ctx, duk_idx_t idx, size_t *len);
EDGEFN_INTERNAL const char *edgefn__blob_type(duk_context *ctx, duk_idx_t idx);
/* Pushes a new Blob holding a copy of data[0..len) with the given type (normalized as the
 * constructor does; NULL = ""). */
EDGEFN_INTERNAL void edgefn__blob_push(duk_context *ctx, const uint8_t *data, size_t len,
                                       const char *type);
/* True when the value at idx is a FormData made by this heap. */
EDGEFN_INTERNAL bool edgefn__is_formdata(duk_context *ctx, duk_idx_t idx);
/* Serializes the FormData at fd as multipart/form-data with a fresh random boundary:
 * pushes the body (a fixed buffer), then its Content-Type string. */
EDGEFN_INTERNAL void edgefn__formdata_push_body(duk_context *ctx, duk_idx_t fd);
/* Pushes a new FormData parsed from body[0..len) (copied; need not outlive the call) as the
 * UTF-8 content_type says: multipart/form-data (with a boundary parameter) or
 * application/x-www-form-urlencoded. Throws a TypeError for a NULL, invalid or other content
 * type and for malformed multipart, as Body.formData() rejects. */
EDGEFN_INTERNAL void edgefn__formdata_push_parsed(duk_context *ctx, const uint8_t *body,
                                                  size_t len, const char *content_type);

/* Between blob.c and formdata.c. */
#define EDGEFN_STASH_FORMDATA_CTOR "formDataCtor"
EDGEFN_INTERNAL void edgefn__blob_classes_ensure(duk_context *ctx);
EDGEFN_INTERNAL void edgefn__formdata_class_create(duk_context *ctx, duk_idx_t stash);
/* Pushes a new File sharing the bytes and type of the Blob at blob, named by the string at
 * name. */
EDGEFN_INTERNAL void edgefn__file_push_from(duk_context *ctx, duk_idx_t blob, duk_idx_t name,
                                            double last_modified);
EDGEFN_INTERNAL double edgefn__file_last_modified(duk_context *ctx, duk_idx_t idx);
/* Date.now() of this heap. */
EDGEFN_INTERNAL double edgefn__now_ms(duk_context *ctx);
/* Replaces the value at idx with ToString of it as a USVString (lone surrogates U+FFFD). */
EDGEFN_INTERNAL void edgefn__to_usv_string(duk_context *ctx, duk_idx_t idx);
/* Defines an enumerable, configurable getter on the object at obj. */
EDGEFN_INTERNAL void edgefn__def_getter(duk_context *ctx, duk_idx_t obj, const char *name,
                                        duk_c_function fn);
/* Defines obj[@@toStringTag] = tag as WebIDL does (read-only, not enumerable,
 * configurable), with the well-known symbol itself: installers that run when a script first
 * touches a lazy global must not read the global Symbol, which the script may have replaced. */
EDGEFN_INTERNAL void edgefn__def_to_string_tag(duk_context *ctx, duk_idx_t obj, const char *tag);
/* Links constructor and prototype (prototype, constructor) and sets the constructor's name
 * and the prototype's Symbol.toStringTag. */
EDGEFN_INTERNAL void edgefn__def_class_name(duk_context *ctx, duk_idx_t ctor, duk_idx_t proto,
                                            const char *name);

#endif
