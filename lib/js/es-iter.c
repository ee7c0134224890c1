/* The iteration protocol on built-ins (ES2024 §27.1, §23.1.5, §22.1.5): %IteratorPrototype%,
 * array iterators (arrays, array-likes, typed arrays, `arguments`), string iterators (by code
 * point), Symbol.asyncIterator, and the C helpers other files use to consume iterables.
 *
 * Duktape creates `arguments` objects without the own @@iterator the spec gives them: the
 * compiler adds it in each function that names `arguments` (__edgefn$argi, helpers.js.h). */
#include "js/js.h"

#include <string.h>

#define SYM_ITERATOR DUK_WELLKNOWN_SYMBOL("Symbol.iterator")
#define SYM_ASYNC_ITERATOR DUK_WELLKNOWN_SYMBOL("Symbol.asyncIterator")
#define SYM_TO_STRING_TAG DUK_WELLKNOWN_SYMBOL("Symbol.toStringTag")

#define S_ITER_PROTO DUK_HIDDEN_SYMBOL("edgefn.iter.proto")
#define S_ARRAY_ITER_PROTO DUK_HIDDEN_SYMBOL("edgefn.iter.aproto")
#define S_STRING_ITER_PROTO DUK_HIDDEN_SYMBOL("edgefn.iter.sproto")

/* On array and string iterators: the iterated value (undefined once done), the next index
 * and, for array iterators, the kind. */
#define K_TARGET DUK_HIDDEN_SYMBOL("it")
#define K_INDEX DUK_HIDDEN_SYMBOL("ii")
#define K_KIND DUK_HIDDEN_SYMBOL("ik")

enum { KIND_KEYS, KIND_VALUES, KIND_ENTRIES };

#define DEFPROP_HIDDEN_VALUE                                                                      \
  (DUK_DEFPROP_HAVE_VALUE | DUK_DEFPROP_CLEAR_WRITABLE | DUK_DEFPROP_CLEAR_ENUMERABLE |           \
   DUK_DEFPROP_SET_CONFIGURABLE)

static void push_stashed(duk_context *ctx, const char *key) {
  duk_push_global_stash(ctx);
  duk_get_prop_string(ctx, -1, key);
  duk_remove(ctx, -2);
}

void edgefn__iter_push_proto(duk_context *ctx) {
  push_stashed(ctx, S_ITER_PROTO);
}

void edgefn__iter_result(duk_context *ctx, bool done) {
  duk_push_object(ctx);
  duk_swap_top(ctx, -2);
  duk_put_prop_literal(ctx, -2, "value");
  duk_push_boolean(ctx, done);
  duk_put_prop_literal(ctx, -2, "done");
}

void edgefn__iter_open(duk_context *ctx, duk_idx_t idx) {
  idx = duk_normalize_index(ctx, idx);
  if (duk_is_null_or_undefined(ctx, idx))
    (void)duk_type_error(ctx, "%s is not iterable", duk_safe_to_string(ctx, idx));
  duk_push_literal(ctx, SYM_ITERATOR);
  duk_get_prop(ctx, idx);
  if (!duk_is_callable(ctx, -1))
    (void)duk_type_error(ctx, "%s is not iterable", duk_safe_to_string(ctx, idx));
  edgefn__iter_open_with(ctx, idx);
}

void edgefn__iter_open_with(duk_context *ctx, duk_idx_t idx) {
  idx = duk_normalize_index(ctx, idx);
  duk_dup(ctx, idx);
  duk_call_method(ctx, 0);
  if (!duk_is_object(ctx, -1))
    (void)duk_type_error(ctx, "Result of the Symbol.iterator method is not an object");
  duk_get_prop_literal(ctx, -1, "next");
}

bool edgefn__iter_step(duk_context *ctx, duk_idx_t it) {
  it = duk_normalize_index(ctx, it);
  edgefn__cpu_tick(ctx); /* the iterator and the consumer may both be native */
  duk_dup(ctx, it + 1);
  duk_dup(ctx, it);
  duk_call_method(ctx, 0);
  if (!duk_is_object(ctx, -1))
    (void)duk_type_error(ctx, "Iterator result %s is not an object", duk_safe_to_string(ctx, -1));
  duk_get_prop_literal(ctx, -1, "done");
  if (duk_to_boolean(ctx, -1)) {
    duk_pop_2(ctx);
    return false;
  }
  duk_pop(ctx);
  duk_get_prop_literal(ctx, -1, "value");
  duk_remove(ctx, -2);
  return true;
}

static duk_ret_t close_unsafe(duk_context *ctx, void *udata) {
  (void)udata;
  duk_get_prop_literal(ctx, -1, "return");
  if (!duk_is_null_or_undefined(ctx, -1)) {
    duk_dup(ctx, -2);
    duk_call_method(ctx, 0);
  }
  return 0;
}

typedef struct each_frame {
  duk_ret_t (*body)(duk_context *ctx, void *udata);
  void *udata;
} each_frame;

static duk_ret_t each_body_unsafe(duk_context *ctx, void *udata) {
  each_frame *f = udata;
  (void)f->body(ctx, f->udata);
  return 0;
}

void edgefn__iter_each(duk_context *ctx, duk_idx_t idx,
                       duk_ret_t (*body)(duk_context *ctx, void *udata), void *udata) {
  edgefn__iter_open(ctx, idx);
  duk_idx_t it = duk_get_top(ctx) - 2;
  each_frame f = {body, udata};
  while (edgefn__iter_step(ctx, it)) {
    if (duk_safe_call(ctx, each_body_unsafe, &f, 1, 1) != DUK_EXEC_SUCCESS) {
      /* The body's error wins over anything the iterator's return method does. */
      duk_dup(ctx, it);
      (void)duk_safe_call(ctx, close_unsafe, NULL, 1, 1);
      duk_pop(ctx);
      (void)duk_throw(ctx);
    }
    duk_pop(ctx);
  }
  duk_pop_2(ctx);
}

/* ---- array iterators ---- */

static void push_array_iterator(duk_context *ctx, duk_idx_t target, int kind) {
  target = duk_normalize_index(ctx, target);
  duk_push_object(ctx);
  push_stashed(ctx, S_ARRAY_ITER_PROTO);
  duk_set_prototype(ctx, -2);
  duk_dup(ctx, target);
  duk_put_prop_literal(ctx, -2, K_TARGET);
  duk_push_uint(ctx, 0);
  duk_put_prop_literal(ctx, -2, K_INDEX);
  duk_push_int(ctx, kind);
  duk_put_prop_literal(ctx, -2, K_KIND);
}

static bool is_typed_array(duk_context *ctx, duk_idx_t idx) {
  return duk_is_buffer_data(ctx, idx) && duk_is_object(ctx, idx) &&
         duk_has_prop_literal(ctx, idx, "BYTES_PER_ELEMENT");
}

/* Array.prototype.keys/values/entries (magic = kind); magic | 4: the typed-array versions,
 * which require a typed array. */
static duk_ret_t array_iter_method(duk_context *ctx) {
  int magic = duk_get_current_magic(ctx);
  duk_push_this(ctx);
  if (magic & 4) {
    if (!is_typed_array(ctx, -1))
      return duk_type_error(ctx, "this is not a typed array.");
  } else {
    duk_to_object(ctx, -1);
  }
  push_array_iterator(ctx, -1, magic & 3);
  return 1;
}

static duk_ret_t array_iter_next(duk_context *ctx) {
  duk_push_this(ctx);
  if (!duk_is_object(ctx, -1) || !duk_has_prop_literal(ctx, -1, K_KIND))
    return duk_type_error(ctx, "next method called on incompatible receiver");
  duk_idx_t self = duk_get_top_index(ctx);
  duk_get_prop_literal(ctx, self, K_TARGET);
  if (duk_is_undefined(ctx, -1)) {
    edgefn__iter_result(ctx, true);
    return 1;
  }
  duk_idx_t target = duk_get_top_index(ctx);
  duk_get_prop_literal(ctx, self, K_INDEX);
  double index = duk_get_number(ctx, -1);
  duk_get_prop_literal(ctx, self, K_KIND);
  int kind = duk_get_int(ctx, -1);
  duk_pop_2(ctx);
  /* The length is read on every step: the array may grow or shrink while iterated. */
  duk_get_prop_literal(ctx, target, "length");
  double len = duk_to_number(ctx, -1);
  duk_pop(ctx);
  if (!(index < len)) {
    duk_push_undefined(ctx);
    duk_put_prop_literal(ctx, self, K_TARGET);
    duk_push_undefined(ctx);
    edgefn__iter_result(ctx, true);
    return 1;
  }
  duk_push_number(ctx, index + 1);
  duk_put_prop_literal(ctx, self, K_INDEX);
  if (kind == KIND_KEYS) {
    duk_push_number(ctx, index);
  } else {
    duk_push_number(ctx, index);
    duk_get_prop(ctx, target);
    if (kind == KIND_ENTRIES) {
      duk_push_array(ctx);
      duk_push_number(ctx, index);
      duk_put_prop_index(ctx, -2, 0);
      duk_swap_top(ctx, -2);
      duk_put_prop_index(ctx, -2, 1);
    }
  }
  edgefn__iter_result(ctx, false);
  return 1;
}

/* ---- string iterators ---- */

/* Pushes s[a, b) (duk_substring replaces in place). */
static void push_substring(duk_context *ctx, duk_idx_t s, duk_size_t a, duk_size_t b) {
  duk_dup(ctx, s);
  duk_substring(ctx, -1, a, b);
}


static duk_ret_t string_iter_method(duk_context *ctx) {
  duk_push_this(ctx);
  if (duk_is_null_or_undefined(ctx, -1))
    return duk_type_error(ctx, "String.prototype[Symbol.iterator] called on null or undefined");
  duk_to_string(ctx, -1);
  duk_push_object(ctx);
  push_stashed(ctx, S_STRING_ITER_PROTO);
  duk_set_prototype(ctx, -2);
  duk_swap_top(ctx, -2);
  duk_put_prop_literal(ctx, -2, K_TARGET);
  duk_push_uint(ctx, 0);
  duk_put_prop_literal(ctx, -2, K_INDEX);
  return 1;
}

static duk_ret_t string_iter_next(duk_context *ctx) {
  duk_push_this(ctx);
  if (!duk_is_object(ctx, -1) || !duk_has_prop_literal(ctx, -1, K_INDEX))
    return duk_type_error(ctx, "next method called on incompatible receiver");
  duk_idx_t self = duk_get_top_index(ctx);
  duk_get_prop_literal(ctx, self, K_TARGET);
  if (!duk_is_string(ctx, -1)) {
    edgefn__iter_result(ctx, true);
    return 1;
  }
  duk_idx_t str = duk_get_top_index(ctx);
  duk_get_prop_literal(ctx, self, K_INDEX);
  duk_size_t i = (duk_size_t)duk_get_number(ctx, -1);
  duk_pop(ctx);
  duk_size_t len = duk_get_length(ctx, str);
  if (i >= len) {
    duk_push_undefined(ctx);
    duk_put_prop_literal(ctx, self, K_TARGET);
    duk_push_undefined(ctx);
    edgefn__iter_result(ctx, true);
    return 1;
  }
  duk_codepoint_t c = duk_char_code_at(ctx, str, i);
  duk_size_t n = 1;
  if (c >= 0xD800 && c <= 0xDBFF && i + 1 < len) {
    duk_codepoint_t d = duk_char_code_at(ctx, str, i + 1);
    if (d >= 0xDC00 && d <= 0xDFFF)
      n = 2;
  }
  duk_push_number(ctx, (double)(i + n));
  duk_put_prop_literal(ctx, self, K_INDEX);
  push_substring(ctx, str, i, i + n);
  edgefn__iter_result(ctx, false);
  return 1;
}

static duk_ret_t iter_proto_iterator(duk_context *ctx) {
  duk_push_this(ctx);
  return 1;
}

/* ---- arguments objects (see the top of the file) ---- */

/* ---- installation ---- */

static void def_tag(duk_context *ctx, duk_idx_t obj, const char *tag) {
  obj = duk_normalize_index(ctx, obj);
  duk_push_literal(ctx, SYM_TO_STRING_TAG);
  duk_push_string(ctx, tag);
  duk_def_prop(ctx, obj, DEFPROP_HIDDEN_VALUE);
}

/* Defines obj[@@iterator] = the function on top of the stack (consumed). */
static void def_iterator(duk_context *ctx, duk_idx_t obj) {
  obj = duk_normalize_index(ctx, obj);
  duk_push_literal(ctx, SYM_ITERATOR);
  duk_swap_top(ctx, -2);
  duk_def_prop(ctx, obj,
               DUK_DEFPROP_HAVE_VALUE | DUK_DEFPROP_SET_WRITABLE | DUK_DEFPROP_CLEAR_ENUMERABLE |
                   DUK_DEFPROP_SET_CONFIGURABLE);
}

static void push_method(duk_context *ctx, duk_c_function fn, duk_idx_t nargs, const char *name,
                        int magic) {
  duk_push_c_function(ctx, fn, nargs);
  duk_set_magic(ctx, -1, magic);
  duk_push_literal(ctx, "name");
  duk_push_string(ctx, name);
  duk_def_prop(ctx, -3, DEFPROP_HIDDEN_VALUE | DUK_DEFPROP_FORCE);
}

static const edgefn__es_method next_array[] = {{"next", array_iter_next, 0, 0, 0}};
static const edgefn__es_method next_string[] = {{"next", string_iter_next, 0, 0, 0}};

/* The three iteration methods on Array.prototype (typed = 0) or %TypedArray%.prototype. */
static void install_array_methods(duk_context *ctx, duk_idx_t proto, int typed) {
  static const edgefn__es_method m[2][3] = {
      {{"keys", array_iter_method, 0, 0, KIND_KEYS},
       {"values", array_iter_method, 0, 0, KIND_VALUES},
       {"entries", array_iter_method, 0, 0, KIND_ENTRIES}},
      {{"keys", array_iter_method, 0, 0, 4 | KIND_KEYS},
       {"values", array_iter_method, 0, 0, 4 | KIND_VALUES},
       {"entries", array_iter_method, 0, 0, 4 | KIND_ENTRIES}},
  };
  proto = duk_normalize_index(ctx, proto);
  edgefn__es_def_methods(ctx, proto, m[typed], 3);
  duk_get_prop_literal(ctx, proto, "values");
  def_iterator(ctx, proto);
}

void edgefn__es_iter_install(duk_context *ctx) {
  duk_push_global_stash(ctx);
  duk_idx_t stash = duk_get_top_index(ctx);
  if (duk_has_prop_literal(ctx, stash, S_ITER_PROTO)) {
    duk_pop(ctx);
    return;
  }

  /* Symbol.asyncIterator: Duktape lacks it; a well-known symbol spelled as Duktape spells
   * its own. */
  duk_get_global_literal(ctx, "Symbol");
  duk_push_literal(ctx, "asyncIterator");
  duk_push_literal(ctx, SYM_ASYNC_ITERATOR);
  duk_def_prop(ctx, -3,
               DUK_DEFPROP_HAVE_VALUE | DUK_DEFPROP_CLEAR_WEC | DUK_DEFPROP_FORCE);
  duk_pop(ctx);

  duk_idx_t iter_proto = duk_push_object(ctx);
  push_method(ctx, iter_proto_iterator, 0, "[Symbol.iterator]", 0);
  def_iterator(ctx, iter_proto);
  edgefn__iterator_helpers_install(ctx, iter_proto);
  duk_dup(ctx, iter_proto);
  duk_put_prop_literal(ctx, stash, S_ITER_PROTO);

  duk_idx_t aproto = duk_push_object(ctx);
  duk_dup(ctx, iter_proto);
  duk_set_prototype(ctx, aproto);
  edgefn__es_def_methods(ctx, aproto, next_array, 1);
  def_tag(ctx, aproto, "Array Iterator");
  duk_put_prop_literal(ctx, stash, S_ARRAY_ITER_PROTO);

  duk_idx_t sproto = duk_push_object(ctx);
  duk_dup(ctx, iter_proto);
  duk_set_prototype(ctx, sproto);
  edgefn__es_def_methods(ctx, sproto, next_string, 1);
  def_tag(ctx, sproto, "String Iterator");
  duk_put_prop_literal(ctx, stash, S_STRING_ITER_PROTO);
  duk_pop(ctx);

  duk_get_global_literal(ctx, "Array");
  duk_get_prop_literal(ctx, -1, "prototype");
  install_array_methods(ctx, -1, 0);
  duk_pop_2(ctx);

  duk_get_global_literal(ctx, "Uint8Array");
  duk_get_prototype(ctx, -1);
  duk_get_prop_literal(ctx, -1, "prototype");
  install_array_methods(ctx, -1, 1);
  duk_pop_3(ctx);

  duk_get_global_literal(ctx, "String");
  duk_get_prop_literal(ctx, -1, "prototype");
  push_method(ctx, string_iter_method, 0, "[Symbol.iterator]", 0);
  def_iterator(ctx, -2);
  duk_pop_2(ctx);

  duk_pop(ctx);
}
