/* Entry points over Duktape internals (lib/duktape/internals.c). Internal to libedgefn. */
#ifndef EDGEFN_DUKTAPE_EXTRAS_H
#define EDGEFN_DUKTAPE_EXTRAS_H

#include "duktape.h"

/* Replaces the top `count` values of the value stack with one array holding them in order,
 * allocated at its final size (Duktape's internal duk_pack). Throws RangeError when the
 * stack holds fewer values. */
void edgefn__duk_pack(duk_context *ctx, duk_idx_t count);

/* Duktape's own JSON.stringify(value, replacer, space) on the values at idx, idx + 1 and
 * idx + 2 (the top of the stack must be idx + 3): pushes its result (a string, or undefined)
 * without the function call the built-in would cost. */
void edgefn__duk_json_stringify(duk_context *ctx, duk_idx_t idx);

/* Makes the heap's running thread (if any) run its exec-timeout check at its next bytecode
 * instruction. heap_block is the heap (edgefn__duk_heap_block). Allocates nothing and never
 * throws: the allocator calls it. */
void edgefn__duk_request_interrupt(const void *heap_block);

/* The bytes of the typed array at idx: where its elements start, the size of one and how
 * many there are. False for anything else (a DataView, an ArrayBuffer, a plain object) and
 * for a view whose bytes are gone (its buffer detached, or shorter than the view). */
duk_bool_t edgefn__duk_typed_bytes(duk_context *ctx, duk_idx_t idx, unsigned char **data,
                                   duk_size_t *elem_size, duk_size_t *count);

/* Whether a new own property `key` can be added to the object at idx as a plain data
 * property: an ordinary extensible object without an own `key` (data or accessor). Exotic
 * objects, Proxies and array-index keys answer 0. Nothing is called out to. */
duk_bool_t edgefn__duk_may_define_own(duk_context *ctx, duk_idx_t idx, const char *key,
                                     duk_size_t key_len);

/* True when the value at idx is an object with an error's internal slot (Duktape's Error
 * class): what Error.isError asks, whatever its prototype is. */
duk_bool_t edgefn__duk_is_error_object(duk_context *ctx, duk_idx_t idx);
/* Grows the property table of the object at idx so that `count` own properties fit without
 * reallocating (an object made property by property otherwise grows its table several
 * times). Never shrinks. */
void edgefn__duk_reserve_props(duk_context *ctx, duk_idx_t idx, duk_uint_t count);
/* Pops the value on top and makes it the own data property `key` (a string literal: its
 * storage must live as long as the program, as duk_push_literal requires) of the object at
 * obj_idx, writable, enumerable and configurable. Unlike duk_put_prop it neither walks the
 * prototype chain looking for a setter nor checks extensibility: only for objects the
 * library is building, and keys no prototype defines as accessors. */
void edgefn__duk_put_own_lstring(duk_context *ctx, duk_idx_t obj_idx, const char *key,
                                 duk_size_t key_len);
/* Pops the value on top into the hidden-symbol property `key` (a literal) of the object at
 * obj_idx, the library's internal state: an existing own data property gets the value
 * whatever its attributes (a script's Object.freeze must not break the object's own
 * machinery, as an engine's internal slots are not frozen either) and keeps them; a new
 * one is added even to a non-extensible object, non-writable and non-configurable there
 * so that Object.isFrozen and isSealed still hold. Exotic objects, and an accessor of that
 * name, take Duktape's generic [[Put]]. Returns 1. */
duk_bool_t edgefn__duk_put_hidden_lstring(duk_context *ctx, duk_idx_t obj_idx, const char *key,
                                         duk_size_t key_len);
#define EDGEFN_PUT_OWN_LITERAL(ctx, obj_idx, key)                                             \
  edgefn__duk_put_own_lstring((ctx), (obj_idx), (key), sizeof(key) - 1)
/* Same as duk_get_prop_literal_raw (pushes the value or undefined, returns whether the
 * property exists), but when the object and its prototypes are ordinary objects and the
 * key is a data property or absent, the answer is read straight from their property tables
 * instead of through Duktape's generic [[Get]], which costs about 350 instructions per
 * lookup: the Fetch classes read their hidden slots, and init dictionaries their members,
 * this way many times per request. Anything else (accessors, arrays, Proxies, other exotic
 * objects, non-objects, array-index keys) takes the generic path: the result is the same. */
duk_bool_t edgefn__duk_get_prop_lstring(duk_context *ctx, duk_idx_t obj_idx, const char *key,
                                        duk_size_t key_len);
/* Pushes the library's internal slot `key` (a hidden-symbol literal) of the object at
 * obj_idx, or undefined, and returns whether it is there: an own data property only, never
 * one inherited, since the library defines its slots on the objects it makes (an object
 * made with Object.create(response) has none, as a platform object's internal slots are
 * not inherited either). A slot that is absent costs no walk along the prototype chain.
 * Non-objects push undefined; exotic objects and accessors take the generic [[Get]]. */
duk_bool_t edgefn__duk_get_own_hidden_lstring(duk_context *ctx, duk_idx_t obj_idx,
                                              const char *key, duk_size_t key_len);
#define EDGEFN_GET_OWN_LITERAL(ctx, obj_idx, key)                                             \
  edgefn__duk_get_own_hidden_lstring((ctx), (obj_idx), (key), sizeof(key) - 1)
/* True when something besides the value stack and `others` references holds the heap
 * object at idx (its reference count exceeds others + 1): a way to tell whether a script
 * kept an object the library is about to let go of. False for non-objects. */
duk_bool_t edgefn__duk_referenced_elsewhere(duk_context *ctx, duk_idx_t idx, duk_uint_t others);
/* The bytes and byte length of the value at idx when it is a string and not a Symbol (which
 * Duktape keeps as a string); NULL for anything else. What `duk_is_string && !duk_is_symbol`
 * and then duk_get_lstring answer, in one call. */
const char *edgefn__duk_get_plain_lstring(duk_context *ctx, duk_idx_t idx, duk_size_t *len);
/* Makes the object at idx what it was just after its first own property `key` (a literal)
 * was defined on it: every later own property is removed, and what they held is released.
 * Only for an object nothing else references (the caller checks, for instance with
 * edgefn__duk_referenced_elsewhere), so that no script can tell it from a new one. Returns
 * 0 and changes nothing unless the object is an ordinary extensible object without a
 * finalizer whose prototype is `proto`, whose properties are all in its entry part (no
 * array or hash part), and whose first own property is the data property `key`. */
duk_bool_t edgefn__duk_reset_own_props(duk_context *ctx, duk_idx_t idx, void *proto,
                                      const char *key, duk_size_t key_len);
/* Same as duk_get_prop_index, but an element in the array part of an ordinary object or
 * Array is read straight from it (the generic path costs about 170 instructions). */
duk_bool_t edgefn__duk_get_prop_index(duk_context *ctx, duk_idx_t obj_idx, duk_uarridx_t arr_idx);
/* Whether the interrupt now running (the exec-timeout check) is the one Duktape forces before
 * the first instruction of an entry from C. heap_block as for edgefn__duk_request_interrupt. */
duk_bool_t edgefn__duk_interrupt_at_entry(const void *heap_block);
/* Same as duk_push_global_stash, reading the stash straight from the global object's
 * property table (duk_push_global_stash goes through three API calls). */
void edgefn__duk_push_global_stash(duk_context *ctx);
/* The block Duktape allocated for the heap of ctx: the last one duk_destroy_heap frees. */
const void *edgefn__duk_heap_block(duk_context *ctx);
/* For an ordinary object whose own properties are data properties with string keys (no
 * array-index keys): pushes key and value of each enumerable one, in enumeration order,
 * and returns how many pairs it pushed. Returns -1, pushing nothing, for any other value
 * (the caller then uses duk_enum). Same result as duk_enum with DUK_ENUM_OWN_PROPERTIES_ONLY,
 * without the enumerator object. */
duk_int_t edgefn__duk_push_own_pairs(duk_context *ctx, duk_idx_t idx);
/* When the value at idx is a Proxy (not revoked): pushes its target and its handler and
 * returns 1. Otherwise pushes nothing and returns 0. */
duk_bool_t edgefn__duk_push_proxy_parts(duk_context *ctx, duk_idx_t idx);
/* Pushes a new RegExp-class object like the RegExp at tmpl_idx would be if created afresh
 * from the same literal: same prototype, same internal bytecode and source, lastIndex 0,
 * with room for `extra_props` more properties. Throws TypeError when tmpl_idx is not a
 * RegExp-class object. (A Duktape function returning a literal does the same, for the cost
 * of a call.) */
void edgefn__duk_push_regexp_copy(duk_context *ctx, duk_idx_t tmpl_idx, duk_uint_t extra_props);
/* Makes the native error constructor at idx (Error or one of Duktape's NativeErrors) install
 * ES2022's `cause` from its options argument: `new Error(msg, { cause })`. Returns 1 when the
 * constructor has it (now or already), 0 when idx is not one of those constructors. */
duk_bool_t edgefn__duk_error_ctor_add_cause(duk_context *ctx, duk_idx_t idx);
/* thisNumberValue (number: a number or a Number object) or thisTimeValue (a Date object)
 * of the value at idx, read from the object's internal slot, so a script's own valueOf or
 * getTime does not answer for it; TypeError for anything else. */
duk_double_t edgefn__duk_this_time_value(duk_context *ctx, duk_idx_t idx, duk_bool_t number);
/* Makes fn (a C function taking the object and the heap-destruction flag) the finalizer of
 * the object at idx, even when the object is frozen, so that a weak reference learns of
 * its collection. Returns 0, changing nothing, when that cannot work: not an object (or a
 * Proxy, which Duktape never finalizes), or an object that already has (or inherits) a
 * different finalizer. */
duk_bool_t edgefn__duk_weak_finalizer(duk_context *ctx, duk_idx_t idx, duk_c_function fn);
/* Makes Duktape's Array.prototype methods that visit every index up to `length` refuse, with
 * a RangeError, an array longer than max_sparse_length whose storage holds fewer slots
 * (EDGEFN_NATIVE_ARRAY_SPARSE_MAX): the CPU limit cannot interrupt their native loops. The
 * same function objects are kept. */
void edgefn__duk_guard_array_natives(duk_context *ctx, duk_uint32_t max_sparse_length);
/* The same check for the library's own Array methods, on the value at idx. */
void edgefn__duk_sparse_guard(duk_context *ctx, duk_idx_t idx, const char *method);

#endif
