/* ES2025 iterator helpers: the Iterator constructor, Iterator.from and the methods of
 * %IteratorPrototype% (map, filter, take, drop, flatMap, reduce, toArray, forEach, some,
 * every, find); and ES2024's Array.fromAsync, which shares the module. The methods are on the prototype from the start (a runtime's iterators
 * inherit them), as small C functions that load lib/js/iterator.js, which implements them,
 * the first time one is called: a runtime that never uses them pays one property each. */
#include "js/js.h"

#include "iterator-js.h" /* generated from iterator.js: edgefn__iterator_js[] */

#define S_MODULE DUK_HIDDEN_SYMBOL("edgefn.iterator.module")
#define S_CTOR DUK_HIDDEN_SYMBOL("edgefn.iterator.ctor")
#define K_SLOTS DUK_HIDDEN_SYMBOL("hs")

/* The methods: name, the module's function, length. */
static const struct {
  const char *name;
  duk_idx_t length;
} methods[] = {{"map", 1},     {"filter", 1},  {"take", 1},  {"drop", 1},
               {"flatMap", 1}, {"reduce", 1},  {"toArray", 0}, {"forEach", 1},
               {"some", 1},    {"every", 1},   {"find", 1}};
enum { M_REDUCE = 5, M_FROM = 11, M_FROM_ASYNC = 12 };

/* isIterator(o): OrdinaryHasInstance(%Iterator%, o), whatever a script did to the
 * constructor's prototype property or Symbol.hasInstance */
static duk_ret_t n_is_iterator(duk_context *ctx) {
  edgefn__iter_push_proto(ctx);
  void *proto = duk_get_heapptr(ctx, -1);
  bool found = false;
  duk_dup(ctx, 0);
  for (int depth = 0; !found && duk_is_object(ctx, -1) && depth < 10000; depth++) {
    duk_get_prototype(ctx, -1);
    found = duk_get_heapptr(ctx, -1) == proto;
    duk_remove(ctx, -2);
  }
  duk_push_boolean(ctx, found);
  return 1;
}

/* toObject(v): ToObject (a TypeError for undefined and null) */
static duk_ret_t n_to_object(duk_context *ctx) {
  if (duk_is_null_or_undefined(ctx, 0))
    return duk_type_error(ctx, "Cannot convert undefined or null to object");
  duk_to_object(ctx, 0);
  return 1;
}

/* lengthOf(o): LengthOfArrayLike, ToLength(o.length) */
static duk_ret_t n_length_of(duk_context *ctx) {
  duk_get_prop_literal(ctx, 0, "length");
  double d = duk_to_number(ctx, -1);
  if (!(d > 0)) /* NaN, negative, zero */
    d = 0;
  else if (d > 9007199254740991.0)
    d = 9007199254740991.0;
  duk_push_number(ctx, d < 1 ? 0 : (double)(uint64_t)d);
  return 1;
}

/* newArray(len): ArrayCreate(len), a RangeError past 2^32 - 1 */
static duk_ret_t n_new_array(duk_context *ctx) {
  double d = duk_to_number(ctx, 0);
  if (d > 4294967295.0)
    return duk_range_error(ctx, "Invalid array length");
  duk_push_array(ctx);
  duk_dup(ctx, 0);
  duk_put_prop_literal(ctx, -2, "length");
  return 1;
}

static const edgefn__embedded_native natives[] = {
    {"isIterator", n_is_iterator, 1, 0},
    {"toObject", n_to_object, 1, 0},
    {"lengthOf", n_length_of, 1, 0},
    {"newArray", n_new_array, 1, 0},
};

static void push_natives(duk_context *ctx) {
  duk_idx_t n =
      edgefn__embedded_push_natives(ctx, natives, EDGEFN_ARRAY_LEN(natives), K_SLOTS);
  edgefn__iter_push_proto(ctx);
  duk_put_prop_literal(ctx, n, "iterProto");
  duk_push_literal(ctx, DUK_WELLKNOWN_SYMBOL("Symbol.iterator"));
  duk_put_prop_literal(ctx, n, "iteratorSymbol");
  duk_push_literal(ctx, DUK_WELLKNOWN_SYMBOL("Symbol.asyncIterator"));
  duk_put_prop_literal(ctx, n, "asyncIteratorSymbol");
}

static edgefn__embedded_js module = EDGEFN_EMBEDDED_JS("iterator.js", edgefn__iterator_js,
                                                     S_MODULE, push_natives);

/* A method of %IteratorPrototype% (magic: its index), or Iterator.from (M_FROM): the
 * module's function with this and the arguments; reduce learns whether an initial value
 * was given. */
static duk_ret_t method(duk_context *ctx) {
  int m = duk_get_current_magic(ctx);
  duk_idx_t nargs = duk_get_top(ctx);
  if (m == M_FROM_ASYNC) { /* Array.fromAsync(items, mapfn, thisArg): fromAsync(C, isCtor, ...) */
    duk_set_top(ctx, 3);
    edgefn__embedded_push_module(ctx, &module);
    duk_get_prop_literal(ctx, -1, "fromAsync");
    duk_push_undefined(ctx);
    duk_push_this(ctx);
    duk_push_boolean(ctx, duk_is_constructable(ctx, -1));
    duk_dup(ctx, 0);
    duk_dup(ctx, 1);
    duk_dup(ctx, 2);
    duk_call_method(ctx, 5);
    return 1;
  }
  if (nargs == 0)
    duk_push_undefined(ctx); /* the module's functions take one argument */
  edgefn__embedded_push_module(ctx, &module);
  duk_get_prop_string(ctx, -1, m == M_FROM ? "from" : methods[m].name);
  duk_push_undefined(ctx);
  if (m != M_FROM)
    duk_push_this(ctx);
  duk_dup(ctx, 0);
  duk_idx_t n = m == M_FROM ? 1 : 2;
  if (m == M_REDUCE) {
    duk_dup(ctx, 1);
    duk_push_boolean(ctx, nargs >= 2);
    n += 2;
  }
  duk_call_method(ctx, n);
  return 1;
}

static void def_method(duk_context *ctx, duk_idx_t obj, const char *name, duk_idx_t length,
                       int magic) {
  obj = duk_normalize_index(ctx, obj);
  duk_push_string(ctx, name);
  /* Varargs, with length an own property as on any built-in (Duktape's virtual length of a
   * fixed-count C function has no property descriptor); reduce needs the count anyway. */
  duk_push_c_function(ctx, method, DUK_VARARGS);
  duk_set_magic(ctx, -1, magic);
  duk_push_literal(ctx, "name");
  duk_push_string(ctx, name);
  duk_def_prop(ctx, -3, DUK_DEFPROP_HAVE_VALUE | DUK_DEFPROP_CLEAR_WRITABLE |
                            DUK_DEFPROP_CLEAR_ENUMERABLE | DUK_DEFPROP_SET_CONFIGURABLE |
                            DUK_DEFPROP_FORCE);
  duk_push_literal(ctx, "length");
  duk_push_int(ctx, length);
  duk_def_prop(ctx, -3, DUK_DEFPROP_HAVE_VALUE | DUK_DEFPROP_CLEAR_WRITABLE |
                            DUK_DEFPROP_CLEAR_ENUMERABLE | DUK_DEFPROP_SET_CONFIGURABLE |
                            DUK_DEFPROP_FORCE);
  duk_def_prop(ctx, obj, DUK_DEFPROP_HAVE_VALUE | DUK_DEFPROP_SET_WRITABLE |
                             DUK_DEFPROP_CLEAR_ENUMERABLE | DUK_DEFPROP_SET_CONFIGURABLE);
}

/* Iterator is abstract: `new Iterator()` is a TypeError, and a subclass's super() (which
 * calls it with the object being made, EDGEFN_K_CALLED_BY_SUPER) does nothing. A plain call
 * without such an object is the TypeError of a missing `new`. */
static duk_ret_t iterator_ctor(duk_context *ctx) {
  if (duk_is_constructor_call(ctx))
    return duk_type_error(ctx, "Abstract class Iterator not directly constructable");
  duk_push_this(ctx);
  if (duk_is_object(ctx, -1)) {
    edgefn__iter_push_proto(ctx);
    void *proto = duk_get_heapptr(ctx, -1);
    duk_pop(ctx);
    for (int depth = 0; duk_is_object(ctx, -1) && depth < 10000; depth++) {
      duk_get_prototype(ctx, -1);
      if (duk_get_heapptr(ctx, -1) == proto)
        return 0;
      duk_remove(ctx, -2);
    }
  }
  return duk_type_error(ctx, "Constructor Iterator requires 'new'");
}

/* Pushes %Iterator%, made the first time it is needed (the global, or the prototype's
 * constructor accessor). */
static void push_ctor(duk_context *ctx) {
  duk_push_global_stash(ctx);
  if (duk_get_prop_literal(ctx, -1, S_CTOR)) {
    duk_remove(ctx, -2);
    return;
  }
  duk_pop(ctx);
  duk_push_c_function(ctx, iterator_ctor, 0);
  duk_idx_t ctor = duk_get_top_index(ctx);
  duk_push_literal(ctx, "name");
  duk_push_literal(ctx, "Iterator");
  duk_def_prop(ctx, ctor, DUK_DEFPROP_HAVE_VALUE | DUK_DEFPROP_FORCE |
                              DUK_DEFPROP_SET_CONFIGURABLE);
  duk_push_literal(ctx, "prototype");
  edgefn__iter_push_proto(ctx);
  duk_def_prop(ctx, ctor, DUK_DEFPROP_HAVE_VALUE | DUK_DEFPROP_FORCE | DUK_DEFPROP_CLEAR_WEC);
  def_method(ctx, ctor, "from", 1, M_FROM);
  duk_push_true(ctx);
  duk_put_prop_literal(ctx, ctor, EDGEFN_K_CALLED_BY_SUPER);
  duk_dup(ctx, ctor);
  duk_put_prop_literal(ctx, -3, S_CTOR);
  duk_remove(ctx, -2);
}

/* Iterator.prototype.constructor and [Symbol.toStringTag] are accessors (ES2025): the
 * getter gives %Iterator% or "Iterator"; the setter (SetterThatIgnoresPrototypeProperties)
 * refuses to write on %IteratorPrototype% itself and defines an own property on any other
 * object, so that `Sub.prototype.constructor = Sub` keeps working. magic: 0 constructor,
 * 1 toStringTag. */
static duk_ret_t weird_get(duk_context *ctx) {
  if (duk_get_current_magic(ctx))
    duk_push_literal(ctx, "Iterator");
  else
    push_ctor(ctx);
  return 1;
}

static duk_ret_t weird_set(duk_context *ctx) { /* (value) */
  duk_push_this(ctx);
  if (!duk_is_object(ctx, -1))
    return duk_type_error(ctx, "Cannot set a property of a primitive");
  edgefn__iter_push_proto(ctx);
  if (duk_strict_equals(ctx, -1, -2))
    return duk_type_error(ctx, "Cannot assign to read only property of Iterator.prototype");
  duk_pop(ctx);
  if (duk_get_current_magic(ctx))
    duk_push_literal(ctx, DUK_WELLKNOWN_SYMBOL("Symbol.toStringTag"));
  else
    duk_push_literal(ctx, "constructor");
  duk_dup(ctx, 0);
  duk_def_prop(ctx, -3, DUK_DEFPROP_HAVE_VALUE | DUK_DEFPROP_SET_WEC);
  return 0;
}

void edgefn__iterator_helpers_install(duk_context *ctx, duk_idx_t proto) {
  proto = duk_normalize_index(ctx, proto);
  /* Array.fromAsync (ES2024) lives in the same module (made with the heap, before any
   * script could replace the Array global). */
  duk_get_global_literal(ctx, "Array");
  def_method(ctx, -1, "fromAsync", 1, M_FROM_ASYNC);
  duk_pop(ctx);
  for (size_t i = 0; i < EDGEFN_ARRAY_LEN(methods); i++)
    def_method(ctx, proto, methods[i].name, methods[i].length, (int)i);
  for (int magic = 0; magic < 2; magic++) {
    if (magic)
      duk_push_literal(ctx, DUK_WELLKNOWN_SYMBOL("Symbol.toStringTag"));
    else
      duk_push_literal(ctx, "constructor");
    duk_push_c_function(ctx, weird_get, 0);
    duk_set_magic(ctx, -1, magic);
    duk_push_c_function(ctx, weird_set, 1);
    duk_set_magic(ctx, -1, magic);
    duk_def_prop(ctx, proto, DUK_DEFPROP_HAVE_GETTER | DUK_DEFPROP_HAVE_SETTER |
                                 DUK_DEFPROP_CLEAR_ENUMERABLE | DUK_DEFPROP_SET_CONFIGURABLE);
  }
}

void edgefn__iterator_install(duk_context *ctx) {
  duk_push_global_object(ctx);
  duk_push_literal(ctx, "Iterator");
  push_ctor(ctx);
  duk_def_prop(ctx, -3, DUK_DEFPROP_HAVE_VALUE | DUK_DEFPROP_SET_WRITABLE |
                            DUK_DEFPROP_CLEAR_ENUMERABLE | DUK_DEFPROP_SET_CONFIGURABLE);
  duk_pop(ctx);
}
