/* The ES2015..ES2024 methods Duktape 2.7 lacks on Array, typed arrays, Object, String and
 * Math, natively (an audit against Node 20 listed what is missing; what Duktape has and
 * gets right is left alone). Installed eagerly: they are prototype properties, which a lazy
 * global cannot provide, and a few dozen native functions cost little. */
#include "js/js.h"
#include "js/regexp.h"
#include "detach.h"
#include "duk_extras.h"

#include <uninorm.h>

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define SYM_ITERATOR DUK_WELLKNOWN_SYMBOL("Symbol.iterator")
#define SYM_TO_STRING_TAG DUK_WELLKNOWN_SYMBOL("Symbol.toStringTag")
#define S_REGEXP_ITER_PROTO DUK_HIDDEN_SYMBOL("edgefn.es.rxiter")
#define K_RX_MATCHER DUK_HIDDEN_SYMBOL("rxm")
#define K_RX_STRING DUK_HIDDEN_SYMBOL("rxs")
#define K_RX_FLAGS DUK_HIDDEN_SYMBOL("rxf")
#define K_SYMBOL_VALUE_OF DUK_HIDDEN_SYMBOL("svo")

#define MAX_SAFE 9007199254740991.0

#define DEFPROP_METHOD                                                                            \
  (DUK_DEFPROP_HAVE_VALUE | DUK_DEFPROP_SET_WRITABLE | DUK_DEFPROP_CLEAR_ENUMERABLE |             \
   DUK_DEFPROP_SET_CONFIGURABLE)
#define DEFPROP_FIXED                                                                             \
  (DUK_DEFPROP_HAVE_VALUE | DUK_DEFPROP_CLEAR_WRITABLE | DUK_DEFPROP_CLEAR_ENUMERABLE |           \
   DUK_DEFPROP_SET_CONFIGURABLE | DUK_DEFPROP_FORCE)
#define DEFPROP_DATA                                                                              \
  (DUK_DEFPROP_HAVE_VALUE | DUK_DEFPROP_SET_WRITABLE | DUK_DEFPROP_SET_ENUMERABLE |               \
   DUK_DEFPROP_SET_CONFIGURABLE)

void edgefn__es_def_methods(duk_context *ctx, duk_idx_t obj, const edgefn__es_method *m,
                            size_t n) {
  obj = duk_normalize_index(ctx, obj);
  for (size_t i = 0; i < n; i++) {
    duk_push_string(ctx, m[i].name);
    duk_push_c_function(ctx, m[i].fn, m[i].nargs);
    if (m[i].magic)
      duk_set_magic(ctx, -1, m[i].magic);
    duk_push_literal(ctx, "name");
    duk_dup(ctx, -3);
    duk_def_prop(ctx, -3, DEFPROP_FIXED);
    if (m[i].length != (m[i].nargs == DUK_VARARGS ? 0 : m[i].nargs)) {
      duk_push_literal(ctx, "length");
      duk_push_int(ctx, m[i].length);
      duk_def_prop(ctx, -3, DEFPROP_FIXED);
    }
    duk_def_prop(ctx, obj, DEFPROP_METHOD);
  }
}

/* ---- abstract operations ---- */

/* Pushes s[a, b) (duk_substring replaces in place). */
static void push_substring(duk_context *ctx, duk_idx_t s, duk_size_t a, duk_size_t b) {
  duk_dup(ctx, s);
  duk_substring(ctx, -1, a, b);
}


static double to_integer_or_infinity(duk_context *ctx, duk_idx_t idx) {
  double d = duk_to_number(ctx, idx);
  if (isnan(d))
    return 0;
  return trunc(d) + 0.0;
}

/* The start/end arguments of slice-like methods: relative to len when negative. */
static double relative_index(duk_context *ctx, duk_idx_t idx, double len, double dflt) {
  if (duk_is_undefined(ctx, idx))
    return dflt;
  double r = to_integer_or_infinity(ctx, idx);
  if (r < 0)
    return r + len < 0 ? 0 : r + len;
  return r > len ? len : r;
}

static double to_length(duk_context *ctx, duk_idx_t idx) {
  double len = to_integer_or_infinity(ctx, idx);
  return len <= 0 ? 0 : len > MAX_SAFE ? MAX_SAFE : len;
}

static double length_of(duk_context *ctx, duk_idx_t obj) {
  duk_get_prop_literal(ctx, obj, "length");
  double len = to_length(ctx, -1);
  duk_pop(ctx);
  return len;
}

static bool is_typed_array(duk_context *ctx, duk_idx_t idx) {
  return duk_is_buffer_data(ctx, idx) && duk_is_object(ctx, idx) &&
         duk_has_prop_literal(ctx, idx, "BYTES_PER_ELEMENT");
}

/* Pushes ToObject(this) (magic & TYPED: this must be a typed array); returns its index. */
#define TYPED 0x100
static duk_idx_t push_this_obj(duk_context *ctx) {
  duk_push_this(ctx);
  if (duk_get_current_magic(ctx) & TYPED) {
    if (!is_typed_array(ctx, -1))
      (void)duk_type_error(ctx, "this is not a typed array.");
  } else {
    duk_to_object(ctx, -1);
  }
  return duk_get_top_index(ctx);
}

/* Every loop below over an array's indices comes here once per element: the CPU budget is
 * looked at every EDGEFN__CPU_TICK_EVERY of them (a typed array of 128 M elements is a dense
 * one the sparse guard lets through, and no bytecode runs in between). */
static void push_index_key(duk_context *ctx, double i) {
  edgefn__cpu_tick(ctx);
  duk_push_number(ctx, i);
}

static void get_index(duk_context *ctx, duk_idx_t obj, double i) {
  push_index_key(ctx, i);
  duk_get_prop(ctx, obj);
}

static bool same_value_zero(duk_context *ctx, duk_idx_t a, duk_idx_t b) {
  if (duk_is_number(ctx, a) && duk_is_number(ctx, b)) {
    double x = duk_get_number(ctx, a), y = duk_get_number(ctx, b);
    return x == y || (isnan(x) && isnan(y));
  }
  return duk_strict_equals(ctx, a, b);
}

static void to_property_key(duk_context *ctx, duk_idx_t idx) {
  if (!duk_is_symbol(ctx, idx))
    duk_to_string(ctx, idx);
}

static void require_callable(duk_context *ctx, duk_idx_t idx) {
  if (!duk_is_callable(ctx, idx))
    (void)duk_type_error(ctx, "%s is not a function", duk_safe_to_string(ctx, idx));
}

/* ---- Array.prototype (and %TypedArray%.prototype with magic TYPED) ---- */

static duk_ret_t array_at(duk_context *ctx) {
  duk_idx_t o = push_this_obj(ctx);
  double len = length_of(ctx, o);
  double k = to_integer_or_infinity(ctx, 0);
  if (k < 0)
    k += len;
  if (k < 0 || k >= len)
    return 0;
  get_index(ctx, o, k);
  return 1;
}

static duk_ret_t array_includes(duk_context *ctx) {
  duk_idx_t o = push_this_obj(ctx);
  edgefn__duk_sparse_guard(ctx, o, NULL); /* a native loop: see limits.h */
  double len = length_of(ctx, o);
  bool found = false;
  if (len > 0) {
    double k = to_integer_or_infinity(ctx, 1);
    if (k < 0)
      k = k + len < 0 ? 0 : k + len;
    for (; k < len && !found; k++) {
      get_index(ctx, o, k);
      found = same_value_zero(ctx, -1, 0);
      duk_pop(ctx);
    }
  }
  duk_push_boolean(ctx, found);
  return 1;
}

/* find (magic 0), findIndex (1), findLast (2), findLastIndex (3). */
static duk_ret_t array_find(duk_context *ctx) {
  int magic = duk_get_current_magic(ctx) & 3;
  duk_idx_t o = push_this_obj(ctx);
  double len = length_of(ctx, o);
  require_callable(ctx, 0);
  bool last = magic & 2;
  for (double i = 0; i < len; i++) {
    double k = last ? len - 1 - i : i;
    get_index(ctx, o, k);
    duk_dup(ctx, 0);
    duk_dup(ctx, 1);
    duk_dup(ctx, -3);
    duk_push_number(ctx, k);
    duk_dup(ctx, o);
    duk_call_method(ctx, 3);
    if (duk_to_boolean(ctx, -1)) {
      duk_pop(ctx);
      if (magic & 1)
        duk_push_number(ctx, k);
      return 1;
    }
    duk_pop_2(ctx);
  }
  if (magic & 1)
    duk_push_int(ctx, -1);
  else
    duk_push_undefined(ctx);
  return 1;
}

static duk_ret_t array_fill(duk_context *ctx) {
  duk_idx_t o = push_this_obj(ctx);
  edgefn__duk_sparse_guard(ctx, o, NULL); /* a native loop: see limits.h */
  if (duk_get_current_magic(ctx) & TYPED)
    duk_to_number(ctx, 0);
  double len = length_of(ctx, o);
  double k = relative_index(ctx, 1, len, 0);
  double end = relative_index(ctx, 2, len, len);
  if ((duk_get_current_magic(ctx) & TYPED) && end - k >= 2) {
    /* The first element written the ordinary way (the number is converted to the element
     * type as any write converts it), then its bytes copied over the rest, doubling: a fill
     * of 16 M bytes took 380 ms element by element. The value is a number already, so the
     * write runs no script; a view that shrank meanwhile takes the loop below. */
    push_index_key(ctx, k);
    duk_dup(ctx, 0);
    duk_put_prop(ctx, o);
    unsigned char *data;
    duk_size_t es, count;
    if (edgefn__duk_typed_bytes(ctx, o, &data, &es, &count) && end <= (double)count) {
      size_t a = (size_t)k * es, b = (size_t)end * es, have = es;
      while (a + have < b) {
        size_t n = b - a - have < have ? b - a - have : have;
        memcpy(data + a + have, data + a, n);
        have += n;
      }
      duk_dup(ctx, o);
      return 1;
    }
    k++;
  }
  for (; k < end; k++) {
    push_index_key(ctx, k);
    duk_dup(ctx, 0);
    duk_put_prop(ctx, o);
  }
  duk_dup(ctx, o);
  return 1;
}

static duk_ret_t array_copy_within(duk_context *ctx) {
  duk_idx_t o = push_this_obj(ctx);
  edgefn__duk_sparse_guard(ctx, o, NULL); /* a native loop: see limits.h */
  double len = length_of(ctx, o);
  double to = relative_index(ctx, 0, len, 0);
  double from = relative_index(ctx, 1, len, 0);
  double final = relative_index(ctx, 2, len, len);
  double count = fmin(final - from, len - to);
  double dir = 1;
  if (from < to && to < from + count) {
    dir = -1;
    from += count - 1;
    to += count - 1;
  }
  for (; count > 0; count--, from += dir, to += dir) {
    push_index_key(ctx, from);
    if (duk_has_prop(ctx, o)) {
      get_index(ctx, o, from);
      push_index_key(ctx, to);
      duk_swap_top(ctx, -2);
      duk_put_prop(ctx, o);
    } else {
      push_index_key(ctx, to);
      duk_del_prop(ctx, o);
    }
  }
  duk_dup(ctx, o);
  return 1;
}

typedef struct flat_frame {
  duk_idx_t target, mapper, this_arg;
  double n;
} flat_frame;

static void flatten(duk_context *ctx, flat_frame *f, duk_idx_t source, double depth,
                    bool map) {
  duk_require_stack(ctx, 8);
  source = duk_normalize_index(ctx, source);
  edgefn__duk_sparse_guard(ctx, source, "flat");
  double len = length_of(ctx, source);
  for (double i = 0; i < len; i++) {
    push_index_key(ctx, i);
    if (!duk_has_prop(ctx, source))
      continue;
    get_index(ctx, source, i);
    if (map) {
      duk_dup(ctx, f->mapper);
      duk_dup(ctx, f->this_arg);
      duk_dup(ctx, -3);
      duk_push_number(ctx, i);
      duk_dup(ctx, source);
      duk_call_method(ctx, 3);
      duk_remove(ctx, -2);
    }
    if (depth > 0 && duk_is_array(ctx, -1)) {
      flatten(ctx, f, -1, depth - 1, false);
    } else {
      if (f->n >= MAX_SAFE)
        (void)duk_type_error(ctx, "array too long");
      push_index_key(ctx, f->n++);
      duk_dup(ctx, -2);
      duk_def_prop(ctx, f->target, DEFPROP_DATA);
    }
    duk_pop(ctx);
  }
}

static duk_ret_t array_flat(duk_context *ctx) {
  duk_idx_t o = push_this_obj(ctx);
  double depth = duk_is_undefined(ctx, 0) ? 1 : to_integer_or_infinity(ctx, 0);
  flat_frame f = {duk_push_array(ctx), 0, 0, 0};
  flatten(ctx, &f, o, depth < 0 ? 0 : depth, false);
  return 1;
}

static duk_ret_t array_flat_map(duk_context *ctx) {
  duk_idx_t o = push_this_obj(ctx);
  require_callable(ctx, 0);
  flat_frame f = {duk_push_array(ctx), 0, 1, 0};
  flatten(ctx, &f, o, 1, true);
  return 1;
}

/* ---- Array.from / Array.of ---- */

/* Pushes a new array-like for Array.from/of: `new C(len...)` when this is a constructor
 * other than Array, else a plain array. */
static duk_idx_t push_array_for(duk_context *ctx, duk_idx_t c, double len, bool with_len) {
  duk_get_global_literal(ctx, "Array");
  bool plain = !duk_is_constructable(ctx, c) || duk_strict_equals(ctx, -1, c);
  duk_pop(ctx);
  if (plain)
    return duk_push_array(ctx);
  duk_dup(ctx, c);
  if (with_len)
    duk_push_number(ctx, len);
  duk_new(ctx, with_len ? 1 : 0);
  return duk_get_top_index(ctx);
}

typedef struct from_frame {
  duk_idx_t target;
  bool map;
  double k;
} from_frame;

/* Stack: mapfn at 1, thisArg at 2; the value on top. */
static duk_ret_t from_add_unsafe(duk_context *ctx, void *udata) {
  from_frame *f = udata;
  if (f->k >= MAX_SAFE)
    return duk_type_error(ctx, "array too long");
  if (f->map) {
    duk_dup(ctx, 1);
    duk_dup(ctx, 2);
    duk_dup(ctx, -3);
    duk_push_number(ctx, f->k);
    duk_call_method(ctx, 2);
    duk_remove(ctx, -2);
  }
  push_index_key(ctx, f->k);
  duk_swap_top(ctx, -2);
  duk_def_prop(ctx, f->target, DEFPROP_DATA);
  f->k++;
  return 0;
}

static duk_ret_t array_from(duk_context *ctx) {
  duk_push_this(ctx);
  duk_idx_t c = 3;
  bool map = !duk_is_undefined(ctx, 1);
  if (map)
    require_callable(ctx, 1);
  if (duk_is_null_or_undefined(ctx, 0))
    return duk_type_error(ctx, "%s is not iterable", duk_safe_to_string(ctx, 0));
  duk_push_literal(ctx, SYM_ITERATOR);
  duk_get_prop(ctx, 0);
  bool iterable = !duk_is_null_or_undefined(ctx, -1);
  duk_pop(ctx);
  if (iterable) {
    from_frame f = {push_array_for(ctx, c, 0, false), map, 0};
    edgefn__iter_each(ctx, 0, from_add_unsafe, &f);
    duk_push_number(ctx, f.k);
    duk_put_prop_literal(ctx, f.target, "length");
    return 1;
  }
  duk_to_object(ctx, 0);
  double len = length_of(ctx, 0);
  from_frame f = {push_array_for(ctx, c, len, true), map, 0};
  for (double k = 0; k < len; k++) {
    edgefn__cpu_tick(ctx);
    get_index(ctx, 0, k);
    from_add_unsafe(ctx, &f);
  }
  duk_push_number(ctx, len);
  duk_put_prop_literal(ctx, f.target, "length");
  return 1;
}

static duk_ret_t array_of(duk_context *ctx) {
  duk_idx_t n = duk_get_top(ctx);
  duk_push_this(ctx);
  duk_idx_t a = push_array_for(ctx, n, n, true);
  for (duk_idx_t i = 0; i < n; i++) {
    duk_push_int(ctx, i);
    duk_dup(ctx, i);
    duk_def_prop(ctx, a, DEFPROP_DATA);
  }
  duk_push_int(ctx, n);
  duk_put_prop_literal(ctx, a, "length");
  return 1;
}

/* ---- typed arrays: the methods that must build a typed array ---- */

/* Pushes new (the constructor of the typed array at o)(len). */
static duk_idx_t push_typed_like(duk_context *ctx, duk_idx_t o, double len) {
  duk_get_prop_literal(ctx, o, "constructor");
  duk_push_number(ctx, len);
  duk_new(ctx, 1);
  return duk_get_top_index(ctx);
}

static duk_ret_t typed_slice(duk_context *ctx) {
  duk_idx_t o = push_this_obj(ctx);
  double len = length_of(ctx, o);
  double k = relative_index(ctx, 0, len, 0);
  double end = relative_index(ctx, 1, len, len);
  double n = end > k ? end - k : 0;
  duk_idx_t a = push_typed_like(ctx, o, n);
  for (double i = 0; i < n; i++) {
    get_index(ctx, o, k + i);
    duk_put_prop_index(ctx, a, (duk_uarridx_t)i);
  }
  return 1;
}

/* map (magic 0) and filter (1). */
static duk_ret_t typed_map_filter(duk_context *ctx) {
  bool filter = duk_get_current_magic(ctx) & 1;
  duk_idx_t o = push_this_obj(ctx);
  double len = length_of(ctx, o);
  require_callable(ctx, 0);
  duk_idx_t kept = filter ? duk_push_array(ctx) : push_typed_like(ctx, o, len);
  duk_uarridx_t n = 0;
  for (double k = 0; k < len; k++) {
    get_index(ctx, o, k);
    duk_dup(ctx, 0);
    duk_dup(ctx, 1);
    duk_dup(ctx, -3);
    duk_push_number(ctx, k);
    duk_dup(ctx, o);
    duk_call_method(ctx, 3);
    if (!filter) {
      duk_put_prop_index(ctx, kept, (duk_uarridx_t)k);
    } else if (duk_to_boolean(ctx, -1)) {
      duk_pop(ctx);
      duk_put_prop_index(ctx, kept, n++);
      continue;
    } else {
      duk_pop(ctx);
    }
    duk_pop(ctx);
  }
  if (!filter)
    return 1;
  duk_idx_t a = push_typed_like(ctx, o, n);
  for (duk_uarridx_t i = 0; i < n; i++) {
    duk_get_prop_index(ctx, kept, i);
    duk_put_prop_index(ctx, a, i);
  }
  return 1;
}

/* Pushes new C(len) for the constructor at c, which must make a typed array of at least
 * len elements (TypedArrayCreate). */
static duk_idx_t push_typed_create(duk_context *ctx, duk_idx_t c, double len) {
  if (!duk_is_constructable(ctx, c))
    (void)duk_type_error(ctx, "%s is not a constructor", duk_safe_to_string(ctx, c));
  duk_dup(ctx, c);
  duk_push_number(ctx, len);
  duk_new(ctx, 1);
  if (!is_typed_array(ctx, -1))
    (void)duk_type_error(ctx, "the constructor did not make a typed array");
  if ((double)duk_get_length(ctx, -1) < len)
    (void)duk_type_error(ctx, "the constructor made a typed array that is too short");
  return duk_get_top_index(ctx);
}

/* %TypedArray%.of(...items) */
static duk_ret_t typed_of(duk_context *ctx) {
  duk_idx_t n = duk_get_top(ctx);
  duk_push_this(ctx);
  duk_idx_t a = push_typed_create(ctx, n, n);
  for (duk_idx_t i = 0; i < n; i++) {
    duk_dup(ctx, i);
    duk_put_prop_index(ctx, a, (duk_uarridx_t)i);
  }
  return 1;
}

static duk_ret_t array_from(duk_context *ctx);

/* %TypedArray%.from(source, mapfn, thisArg): the source's values (through its iterator when
 * it has one, else as an array-like), then the typed array, then each value mapped. */
static duk_ret_t typed_from(duk_context *ctx) {
  duk_set_top(ctx, 3);
  duk_push_this(ctx); /* 3 */
  bool map = !duk_is_undefined(ctx, 1);
  if (map)
    require_callable(ctx, 1);
  if (!duk_is_constructable(ctx, 3))
    return duk_type_error(ctx, "%s is not a constructor", duk_safe_to_string(ctx, 3));
  duk_push_c_function(ctx, array_from, 3);
  duk_push_undefined(ctx); /* no constructor: Array.from makes a plain array */
  duk_dup(ctx, 0);
  duk_call_method(ctx, 1); /* 4: the values */
  double len = (double)duk_get_length(ctx, 4);
  duk_idx_t a = push_typed_create(ctx, 3, len);
  for (double k = 0; k < len; k++) {
    edgefn__cpu_tick(ctx);
    duk_get_prop_index(ctx, 4, (duk_uarridx_t)k);
    if (map) {
      duk_dup(ctx, 1);
      duk_dup(ctx, 2);
      duk_dup(ctx, -3);
      duk_push_number(ctx, k);
      duk_call_method(ctx, 2);
      duk_remove(ctx, -2);
    }
    duk_put_prop_index(ctx, a, (duk_uarridx_t)k);
  }
  return 1;
}

/* ---- change array by copy (ES2023): toReversed, toSorted, toSpliced, with ---- */


/* Pushes the new array of len elements: an Array, or (magic & TYPED) a typed array of the
 * same kind as the one at o. */
static duk_idx_t push_copy_target(duk_context *ctx, duk_idx_t o, double len) {
  if (duk_get_current_magic(ctx) & TYPED)
    return push_typed_like(ctx, o, len);
  if (len > 4294967295.0)
    (void)duk_range_error(ctx, "Invalid array length");
  duk_push_array(ctx);
  return duk_get_top_index(ctx);
}

static duk_ret_t array_to_reversed(duk_context *ctx) {
  duk_idx_t o = push_this_obj(ctx);
  edgefn__duk_sparse_guard(ctx, o, NULL); /* a native loop: see limits.h */
  double len = length_of(ctx, o);
  duk_idx_t a = push_copy_target(ctx, o, len);
  for (double k = 0; k < len; k++) {
    get_index(ctx, o, len - k - 1);
    duk_put_prop_index(ctx, a, (duk_uarridx_t)k);
  }
  return 1;
}

static duk_ret_t typed_sort(duk_context *ctx);

/* The copy (holes read as undefined), sorted by sort() of its own kind: Duktape's
 * Array.prototype.sort as it was at startup, or this library's typed-array sort. */
/* ---- Array.prototype.sort: stable, as ES2019 requires (Duktape's is not) ---- */

typedef struct sorter {
  duk_idx_t items; /* the values to sort (holes and undefined left out) */
  duk_idx_t keys;  /* without a comparator: their ToString, same indices */
  duk_idx_t cmp;   /* the comparator, or -1 */
} sorter;

/* SortCompare of items a and b: <0, 0 or >0. */
static int sort_compare(duk_context *ctx, const sorter *s, uint32_t a, uint32_t b) {
  if (s->cmp >= 0) {
    duk_dup(ctx, s->cmp);
    duk_push_undefined(ctx);
    duk_get_prop_index(ctx, s->items, a);
    duk_get_prop_index(ctx, s->items, b);
    duk_call_method(ctx, 2);
    double v = duk_to_number(ctx, -1);
    duk_pop(ctx);
    return v < 0 ? -1 : v > 0 ? 1 : 0; /* NaN counts as 0 */
  }
  /* Strings in Duktape's form compare bytewise in UTF-16 code unit order: every unit is
   * its own sequence, and a sequence's lead byte orders like the unit it encodes. */
  duk_get_prop_index(ctx, s->keys, a);
  duk_get_prop_index(ctx, s->keys, b);
  duk_size_t an, bn;
  const char *x = duk_get_lstring(ctx, -2, &an), *y = duk_get_lstring(ctx, -1, &bn);
  int c = memcmp(x, y, an < bn ? an : bn);
  if (c == 0)
    c = an < bn ? -1 : an > bn ? 1 : 0;
  duk_pop_2(ctx);
  return c;
}

/* Sorts perm[0..n) (indices into the items) stably: insertion sort on runs of 8, then
 * bottom-up merges through tmp, taking from the left run on ties. */
static void merge_sort(duk_context *ctx, const sorter *s, uint32_t *perm, uint32_t *tmp,
                       uint32_t n) {
  enum { RUN = 8 };
  for (uint32_t lo = 0; lo < n; lo += RUN) {
    uint32_t hi = lo + RUN < n ? lo + RUN : n;
    for (uint32_t i = lo + 1; i < hi; i++) {
      uint32_t v = perm[i], j = i;
      while (j > lo && sort_compare(ctx, s, perm[j - 1], v) > 0) {
        perm[j] = perm[j - 1];
        j--;
      }
      perm[j] = v;
    }
  }
  uint32_t *src = perm, *dst = tmp;
  for (uint32_t width = RUN; width < n; width *= 2) {
    for (uint32_t lo = 0; lo < n; lo += 2 * width) {
      uint32_t mid = lo + width < n ? lo + width : n;
      uint32_t hi = lo + 2 * width < n ? lo + 2 * width : n;
      uint32_t i = lo, j = mid, k = lo;
      /* already in order: copy (a sorted input costs one comparison per run) */
      if (mid < hi && sort_compare(ctx, s, src[mid - 1], src[mid]) <= 0) {
        memcpy(dst + lo, src + lo, (hi - lo) * sizeof(uint32_t));
        continue;
      }
      while (i < mid && j < hi)
        dst[k++] = sort_compare(ctx, s, src[i], src[j]) <= 0 ? src[i++] : src[j++];
      while (i < mid)
        dst[k++] = src[i++];
      while (j < hi)
        dst[k++] = src[j++];
    }
    uint32_t *t = src;
    src = dst;
    dst = t;
  }
  if (src != perm)
    memcpy(perm, src, n * sizeof(uint32_t));
}

/* Sorts the array-like at o in place (SortIndexedProperties with SKIP-HOLES, then the
 * write-back of Array.prototype.sort); cmp is the comparator's index or -1. */
static void sort_in_place(duk_context *ctx, duk_idx_t o, duk_idx_t cmp) {
  edgefn__duk_sparse_guard(ctx, o, "sort");
  double len = length_of(ctx, o);
  sorter s = {duk_push_array(ctx), -1, cmp};
  uint32_t n = 0;
  double undefs = 0;
  for (double k = 0; k < len; k++) {
    push_index_key(ctx, k);
    if (!duk_has_prop(ctx, o))
      continue;
    get_index(ctx, o, k);
    if (duk_is_undefined(ctx, -1)) {
      duk_pop(ctx);
      undefs++;
      continue;
    }
    if (n == UINT32_MAX)
      (void)duk_range_error(ctx, "Invalid array length");
    duk_put_prop_index(ctx, s.items, n++);
  }
  if (cmp < 0) {
    s.keys = duk_push_array(ctx);
    for (uint32_t i = 0; i < n; i++) {
      duk_get_prop_index(ctx, s.items, i);
      duk_to_string(ctx, -1);
      duk_put_prop_index(ctx, s.keys, i);
    }
  }
  uint32_t *perm = duk_push_fixed_buffer(ctx, (size_t)n * sizeof(uint32_t) + 1);
  uint32_t *tmp = duk_push_fixed_buffer(ctx, (size_t)n * sizeof(uint32_t) + 1);
  for (uint32_t i = 0; i < n; i++)
    perm[i] = i;
  merge_sort(ctx, &s, perm, tmp, n);
  double j = 0;
  for (uint32_t i = 0; i < n; i++, j++) {
    duk_get_prop_index(ctx, s.items, perm[i]);
    push_index_key(ctx, j);
    duk_swap_top(ctx, -2);
    duk_put_prop(ctx, o);
  }
  for (double u = 0; u < undefs; u++, j++) {
    push_index_key(ctx, j);
    duk_push_undefined(ctx);
    duk_put_prop(ctx, o);
  }
  for (; j < len; j++) { /* the holes, moved to the end */
    push_index_key(ctx, j);
    duk_del_prop(ctx, o);
  }
  duk_pop_n(ctx, cmp < 0 ? 4 : 3);
}

static duk_ret_t array_sort(duk_context *ctx) {
  if (!duk_is_undefined(ctx, 0))
    require_callable(ctx, 0);
  duk_set_top(ctx, 1);
  duk_idx_t o = push_this_obj(ctx);
  sort_in_place(ctx, o, duk_is_undefined(ctx, 0) ? -1 : 0);
  return 1;
}

static duk_ret_t array_to_sorted(duk_context *ctx) {
  if (!duk_is_undefined(ctx, 0))
    require_callable(ctx, 0);
  duk_idx_t o = push_this_obj(ctx);
  edgefn__duk_sparse_guard(ctx, o, NULL); /* a native loop: see limits.h */
  double len = length_of(ctx, o);
  duk_idx_t a = push_copy_target(ctx, o, len);
  for (double k = 0; k < len; k++) {
    get_index(ctx, o, k);
    duk_put_prop_index(ctx, a, (duk_uarridx_t)k);
  }
  if (!(duk_get_current_magic(ctx) & TYPED)) {
    sort_in_place(ctx, a, duk_is_undefined(ctx, 0) ? -1 : 0);
    return 1;
  }
  duk_push_c_function(ctx, typed_sort, 1);
  duk_set_magic(ctx, -1, TYPED);
  duk_dup(ctx, a);
  duk_dup(ctx, 0);
  duk_call_method(ctx, 1);
  duk_pop(ctx);
  return 1;
}

static duk_ret_t array_with(duk_context *ctx) {
  duk_idx_t o = push_this_obj(ctx);
  edgefn__duk_sparse_guard(ctx, o, NULL); /* a native loop: see limits.h */
  double len = length_of(ctx, o);
  double rel = to_integer_or_infinity(ctx, 0);
  double actual = rel >= 0 ? rel : len + rel;
  if (duk_get_current_magic(ctx) & TYPED)
    duk_to_number(ctx, 1);
  if (actual >= len || actual < 0)
    return duk_range_error(ctx, "Invalid index : %s", duk_safe_to_string(ctx, 0));
  duk_idx_t a = push_copy_target(ctx, o, len);
  for (double k = 0; k < len; k++) {
    if (k == actual)
      duk_dup(ctx, 1);
    else
      get_index(ctx, o, k);
    duk_put_prop_index(ctx, a, (duk_uarridx_t)k);
  }
  return 1;
}

static duk_ret_t array_to_spliced(duk_context *ctx) {
  duk_idx_t nargs = duk_get_top(ctx);
  duk_idx_t o = push_this_obj(ctx);
  edgefn__duk_sparse_guard(ctx, o, NULL); /* a native loop: see limits.h */
  double len = length_of(ctx, o);
  double start = nargs > 0 ? relative_index(ctx, 0, len, 0) : 0;
  double skip = 0;
  if (nargs == 1) {
    skip = len - start;
  } else if (nargs > 1) {
    skip = to_integer_or_infinity(ctx, 1);
    skip = skip < 0 ? 0 : skip > len - start ? len - start : skip;
  }
  double insert = nargs > 2 ? (double)(nargs - 2) : 0;
  double new_len = len + insert - skip;
  if (new_len > MAX_SAFE)
    return duk_type_error(ctx, "Invalid array length");
  duk_idx_t a = push_copy_target(ctx, o, new_len);
  double i = 0;
  for (double k = 0; k < start; k++, i++) {
    get_index(ctx, o, k);
    duk_put_prop_index(ctx, a, (duk_uarridx_t)i);
  }
  for (duk_idx_t j = 2; j < nargs; j++, i++) {
    duk_dup(ctx, j);
    duk_put_prop_index(ctx, a, (duk_uarridx_t)i);
  }
  for (double k = start + skip; k < len; k++, i++) {
    get_index(ctx, o, k);
    duk_put_prop_index(ctx, a, (duk_uarridx_t)i);
  }
  return 1;
}

/* The default typed-array order: numeric, -0 before +0, NaN last. */
static int cmp_numbers(const void *pa, const void *pb) {
  double a = *(const double *)pa, b = *(const double *)pb;
  if (isnan(a))
    return isnan(b) ? 0 : 1;
  if (isnan(b))
    return -1;
  if (a < b)
    return -1;
  if (a > b)
    return 1;
  if (a == 0 && b == 0)
    return signbit(a) && !signbit(b) ? -1 : !signbit(a) && signbit(b) ? 1 : 0;
  return 0;
}

static bool call_less(duk_context *ctx, double a, double b) {
  duk_dup(ctx, 0);
  duk_push_undefined(ctx);
  duk_push_number(ctx, a);
  duk_push_number(ctx, b);
  duk_call_method(ctx, 2);
  double r = duk_to_number(ctx, -1);
  duk_pop(ctx);
  return r < 0;
}

static duk_ret_t typed_sort(duk_context *ctx) {
  if (!duk_is_undefined(ctx, 0))
    require_callable(ctx, 0);
  duk_idx_t o = push_this_obj(ctx);
  size_t len = (size_t)length_of(ctx, o);
  double *v = duk_push_fixed_buffer(ctx, (len ? len : 1) * 2 * sizeof(double));
  for (size_t i = 0; i < len; i++) {
    duk_get_prop_index(ctx, o, (duk_uarridx_t)i);
    v[i] = duk_get_number(ctx, -1);
    duk_pop(ctx);
  }
  if (duk_is_undefined(ctx, 0)) {
    qsort(v, len, sizeof(double), cmp_numbers);
  } else {
    /* A stable bottom-up merge sort: the comparator is user code. */
    double *src = v, *dst = v + len;
    for (size_t w = 1; w < len; w *= 2) {
      for (size_t lo = 0; lo < len; lo += 2 * w) {
        size_t mid = lo + w < len ? lo + w : len, hi = lo + 2 * w < len ? lo + 2 * w : len;
        size_t i = lo, j = mid, k = lo;
        while (i < mid && j < hi)
          dst[k++] = call_less(ctx, src[j], src[i]) ? src[j++] : src[i++];
        while (i < mid)
          dst[k++] = src[i++];
        while (j < hi)
          dst[k++] = src[j++];
      }
      double *t = src;
      src = dst;
      dst = t;
    }
    v = src;
  }
  for (size_t i = 0; i < len; i++) {
    duk_push_number(ctx, v[i]);
    duk_put_prop_index(ctx, o, (duk_uarridx_t)i);
  }
  duk_dup(ctx, o);
  return 1;
}

/* ---- Object ---- */

/* Object.keys (magic 0), values (1), entries (2) share the enumeration; 3 is
 * getOwnPropertyDescriptors. */
static duk_ret_t object_enum(duk_context *ctx) {
  int magic = duk_get_current_magic(ctx);
  duk_to_object(ctx, 0);
  duk_idx_t out = magic == 3 ? duk_push_object(ctx) : duk_push_array(ctx);
  duk_uint_t flags = DUK_ENUM_OWN_PROPERTIES_ONLY | DUK_ENUM_SORT_ARRAY_INDICES;
  if (magic == 3)
    flags |= DUK_ENUM_INCLUDE_NONENUMERABLE | DUK_ENUM_INCLUDE_SYMBOLS;
  duk_enum(ctx, 0, flags);
  duk_uarridx_t n = 0;
  while (duk_next(ctx, -1, 0)) {
    duk_idx_t k = duk_get_top_index(ctx);
    if (magic == 3) {
      duk_dup(ctx, k);
      duk_get_prop_desc(ctx, 0, 0);
      if (duk_is_undefined(ctx, -1)) {
        duk_pop_2(ctx);
        continue;
      }
      duk_def_prop(ctx, out, DEFPROP_DATA);
      continue;
    }
    duk_dup(ctx, k);
    duk_get_prop(ctx, 0);
    if (magic == 2) {
      duk_push_array(ctx);
      duk_dup(ctx, k);
      duk_put_prop_index(ctx, -2, 0);
      duk_swap_top(ctx, -2);
      duk_put_prop_index(ctx, -2, 1);
    }
    duk_put_prop_index(ctx, out, n++);
    duk_pop(ctx);
  }
  duk_pop(ctx);
  return 1;
}

static duk_ret_t from_entries_unsafe(duk_context *ctx, void *udata) {
  duk_idx_t *out = udata;
  duk_idx_t item = duk_get_top_index(ctx);
  if (!duk_is_object(ctx, item))
    return duk_type_error(ctx, "Iterator value %s is not an entry object",
                          duk_safe_to_string(ctx, item));
  duk_get_prop_index(ctx, item, 0);
  to_property_key(ctx, -1);
  duk_get_prop_index(ctx, item, 1);
  duk_def_prop(ctx, *out, DEFPROP_DATA);
  return 0;
}

static duk_ret_t object_from_entries(duk_context *ctx) {
  if (duk_is_null_or_undefined(ctx, 0))
    return duk_type_error(ctx, "%s is not iterable", duk_safe_to_string(ctx, 0));
  duk_idx_t out = duk_push_object(ctx);
  edgefn__iter_each(ctx, 0, from_entries_unsafe, &out);
  return 1;
}

static duk_ret_t object_has_own(duk_context *ctx) {
  duk_to_object(ctx, 0);
  to_property_key(ctx, 1);
  duk_dup(ctx, 1);
  duk_get_prop_desc(ctx, 0, 0);
  duk_push_boolean(ctx, !duk_is_undefined(ctx, -1));
  return 1;
}

/* ---- String.prototype ---- */

static duk_idx_t push_this_string(duk_context *ctx, const char *method) {
  duk_push_this(ctx);
  if (duk_is_null_or_undefined(ctx, -1))
    (void)duk_type_error(ctx, "String.prototype.%s called on null or undefined", method);
  duk_to_string(ctx, -1);
  return duk_get_top_index(ctx);
}

/* padStart (magic 0) and padEnd (1). */
static duk_ret_t string_pad(duk_context *ctx) {
  bool end = duk_get_current_magic(ctx);
  duk_idx_t s = push_this_string(ctx, end ? "padEnd" : "padStart");
  duk_dup(ctx, 0);
  double max = to_length(ctx, -1);
  duk_pop(ctx);
  double len = (double)duk_get_length(ctx, s);
  if (max <= len)
    return 1;
  if (duk_is_undefined(ctx, 1))
    duk_push_literal(ctx, " ");
  else
    duk_dup(ctx, 1);
  duk_to_string(ctx, -1);
  double flen = (double)duk_get_length(ctx, -1);
  if (flen == 0) {
    duk_dup(ctx, s);
    return 1;
  }
  if (max > 1 << 29)
    return duk_range_error(ctx, "Invalid string length");
  duk_size_t fill = (duk_size_t)(max - len);
  /* The filler repeated, then cut to length (on code units, as the spec says). */
  duk_idx_t filler = duk_get_top_index(ctx);
  duk_size_t reps = fill / (duk_size_t)flen + 1;
  duk_push_literal(ctx, "");
  for (duk_size_t i = 0; i < reps; i++) {
    duk_dup(ctx, filler);
    duk_concat(ctx, 2);
  }
  push_substring(ctx, -1, 0, fill);
  if (end) {
    duk_dup(ctx, s);
    duk_swap_top(ctx, -2);
  } else {
    duk_dup(ctx, s);
  }
  duk_concat(ctx, 2);
  return 1;
}

static bool is_js_space(duk_codepoint_t c) {
  switch (c) {
  case 0x09: case 0x0A: case 0x0B: case 0x0C: case 0x0D: case 0x20: case 0xA0: case 0x1680:
  case 0x2028: case 0x2029: case 0x202F: case 0x205F: case 0x3000: case 0xFEFF:
    return true;
  default:
    return c >= 0x2000 && c <= 0x200A;
  }
}

/* trimStart (magic 0) and trimEnd (1). */
static duk_ret_t string_trim_side(duk_context *ctx) {
  bool end = duk_get_current_magic(ctx);
  duk_idx_t s = push_this_string(ctx, end ? "trimEnd" : "trimStart");
  duk_size_t len = duk_get_length(ctx, s), a = 0, b = len;
  if (!end)
    while (a < b && is_js_space(duk_char_code_at(ctx, s, a)))
      a++;
  else
    while (b > a && is_js_space(duk_char_code_at(ctx, s, b - 1)))
      b--;
  push_substring(ctx, s, a, b);
  return 1;
}

/* ---- JSON.stringify, well-formed (ES2019) ---- */

static bool is_high_at(const unsigned char *p, size_t i, size_t n) {
  return i + 2 < n && p[i] == 0xed && p[i + 1] >= 0xa0 && p[i + 1] <= 0xaf;
}
static bool is_low_at(const unsigned char *p, size_t i, size_t n) {
  return i + 2 < n && p[i] == 0xed && p[i + 1] >= 0xb0 && p[i + 1] <= 0xbf;
}

/* The lone surrogates of a string in Duktape's form (a pair is two in a row). */
static size_t count_lone_surrogates(const unsigned char *p, size_t n) {
  size_t lone = 0;
  for (size_t i = 0; i < n; i++) {
    if (is_high_at(p, i, n) && is_low_at(p, i + 3, n))
      i += 5;
    else if (is_high_at(p, i, n) || is_low_at(p, i, n))
      lone++, i += 2;
  }
  return lone;
}

/* At p[i], a backslash that starts an escape: whether it is "\u2028" or "\u2029", which
 * Duktape writes and ES2019 (JSON ⊂ ECMAScript) does not: V8 writes the characters. */
static bool is_separator_escape(const unsigned char *p, size_t i, size_t n) {
  return i + 5 < n && p[i + 1] == 'u' && p[i + 2] == '2' && p[i + 3] == '0' && p[i + 4] == '2' &&
         (p[i + 5] == '8' || p[i + 5] == '9');
}

/* Duktape's JSON.stringify, then the ES2019 fixes of its output (edgefn__json_well_formed). */
static duk_ret_t json_stringify(duk_context *ctx) {
  duk_set_top(ctx, 3);
  edgefn__duk_json_stringify(ctx, 0); /* 3: the result */
  edgefn__json_well_formed(ctx, 3);
  return 1;
}

void edgefn__json_well_formed(duk_context *ctx, duk_idx_t idx) {
  idx = duk_normalize_index(ctx, idx);
  if (!duk_is_string(ctx, idx))
    return;
  duk_size_t n;
  const unsigned char *p = (const unsigned char *)duk_get_lstring(ctx, idx, &n);
  /* Most output has neither: a backslash starts every escape, and every surrogate (paired
   * or lone) starts with the byte 0xED in Duktape's encoding. */
  if (memchr(p, '\\', n) == NULL && memchr(p, 0xed, n) == NULL)
    return;
  /* Only string contents can hold a lone surrogate or an escape; a backslash always starts
   * one ("\\\\" is one, so the text \u2028 after it is not). */
  size_t lone = 0, seps = 0;
  for (size_t i = 0; i < n; i++) {
    if (p[i] == '\\') {
      if (is_separator_escape(p, i, n))
        seps++, i += 5;
      else
        i++;
    } else if (is_high_at(p, i, n) && is_low_at(p, i + 3, n)) {
      i += 5;
    } else if (is_high_at(p, i, n) || is_low_at(p, i, n)) {
      lone++, i += 2;
    }
  }
  if (lone == 0 && seps == 0)
    return;
  /* each lone surrogate: 3 bytes become the 6 of "\udxxx"; each separator the reverse */
  unsigned char *o = duk_push_fixed_buffer(ctx, n + 3 * lone);
  size_t w = 0;
  for (size_t i = 0; i < n; i++) {
    if (p[i] == '\\') {
      if (is_separator_escape(p, i, n)) {
        o[w++] = 0xe2;
        o[w++] = 0x80;
        o[w++] = p[i + 5] == '8' ? 0xa8 : 0xa9;
        i += 5;
      } else {
        o[w++] = p[i];
        if (i + 1 < n)
          o[w++] = p[++i];
      }
    } else if (is_high_at(p, i, n) && is_low_at(p, i + 3, n)) {
      memcpy(o + w, p + i, 6);
      w += 6;
      i += 5;
    } else if (is_high_at(p, i, n) || is_low_at(p, i, n)) {
      unsigned unit = 0xd000u | ((p[i + 1] & 0x3fu) << 6) | (p[i + 2] & 0x3fu);
      static const char hex[] = "0123456789abcdef";
      o[w++] = '\\';
      o[w++] = 'u';
      o[w++] = 'd';
      o[w++] = (unsigned char)hex[(unit >> 8) & 0xf];
      o[w++] = (unsigned char)hex[(unit >> 4) & 0xf];
      o[w++] = (unsigned char)hex[unit & 0xf];
      i += 2;
    } else {
      o[w++] = p[i];
    }
  }
  duk_push_lstring(ctx, (const char *)o, w);
  duk_replace(ctx, idx);
  duk_pop(ctx);
}

/* ---- String.prototype.isWellFormed, toWellFormed (ES2024) ---- */

/* magic 0: isWellFormed (no lone surrogate), 1: toWellFormed (each lone one as U+FFFD). In
 * Duktape's form a surrogate is a 3-byte sequence ED A0..BF xx, a pair two in a row. */
static duk_ret_t string_well_formed(duk_context *ctx) {
  bool fix = duk_get_current_magic(ctx) == 1;
  duk_idx_t s = push_this_string(ctx, fix ? "toWellFormed" : "isWellFormed");
  duk_size_t n;
  const unsigned char *p = (const unsigned char *)duk_get_lstring(ctx, s, &n);
  size_t lone = count_lone_surrogates(p, n);
  if (!fix) {
    duk_push_boolean(ctx, lone == 0);
    return 1;
  }
  if (lone == 0)
    return 1;
  unsigned char *o = duk_push_fixed_buffer(ctx, n); /* U+FFFD is 3 bytes too */
  for (size_t i = 0; i < n; i++) {
    if (is_high_at(p, i, n) && is_low_at(p, i + 3, n)) {
      memcpy(o + i, p + i, 6);
      i += 5;
    } else if (is_high_at(p, i, n) || is_low_at(p, i, n)) {
      o[i] = 0xef, o[i + 1] = 0xbf, o[i + 2] = 0xbd;
      i += 2;
    } else {
      o[i] = p[i];
    }
  }
  duk_push_lstring(ctx, (const char *)o, n);
  return 1;
}

/* ---- Error.captureStackTrace (V8; Workers and Node have it) ---- */

/* Defines targetObject.stack: the object's own "name: message" header (Error.prototype.
 * toString) and the current call stack as this engine writes it. The second argument
 * (frames to hide above a function) is accepted and ignored. */
static duk_ret_t error_capture_stack_trace(duk_context *ctx) {
  if (!duk_is_object(ctx, 0))
    return duk_type_error(ctx, "Invalid argument");
  duk_set_top(ctx, 1);
  duk_get_global_literal(ctx, "Error");
  duk_get_prop_literal(ctx, -1, "prototype");
  duk_get_prop_literal(ctx, -1, "toString");
  duk_dup(ctx, 0);
  duk_call_method(ctx, 0); /* 3: the header */
  duk_push_error_object(ctx, DUK_ERR_ERROR, "x");
  duk_get_prop_literal(ctx, -1, "stack");
  duk_size_t n;
  const char *st = duk_get_lstring(ctx, -1, &n);
  const char *nl = st ? memchr(st, '\n', n) : NULL;
  /* The frames start after this function's own (the error made here, then the call). */
  const char *own = st ? strstr(st, "at captureStackTrace ") : NULL;
  if (own) {
    const char *after = memchr(own, '\n', (size_t)(st + n - own));
    nl = after ? after : st + n;
  }
  duk_push_literal(ctx, "stack");
  if (nl) {
    duk_dup(ctx, 3);
    duk_push_lstring(ctx, nl, (duk_size_t)(st + n - nl));
    duk_concat(ctx, 2);
  } else {
    duk_dup(ctx, 3);
  }
  duk_def_prop(ctx, 0,
               DUK_DEFPROP_HAVE_VALUE | DUK_DEFPROP_SET_WRITABLE | DUK_DEFPROP_CLEAR_ENUMERABLE |
                   DUK_DEFPROP_SET_CONFIGURABLE);
  return 0;
}

/* ---- Symbol.prototype.description (ES2019) ---- */

/* Duktape keeps a symbol as a string of internal bytes: 0x80 then the key for Symbol.for;
 * 0x81, the description, 0xFF and a unique suffix for Symbol(desc), and one more 0xFF at
 * the end when the description is undefined; the well-known symbols are 0x81, their
 * description and a single 0xFF. */
/* ---- ArrayBuffer (ES2024): transfer, transferToFixedLength, detached; resizable and
 * maxByteLength report a fixed-length buffer, the only kind this engine makes ---- */

static void require_array_buffer(duk_context *ctx, const char *what) {
  duk_push_this(ctx);
  if (!edgefn__duk_is_array_buffer(ctx, -1))
    (void)duk_error(ctx, DUK_ERR_TYPE_ERROR,
                    "Method ArrayBuffer.prototype.%s called on incompatible receiver", what);
}

/* ArrayBufferCopyAndDetach: the new length is read (ToIndex, which may run script) before
 * the detached check, as the specification orders them. */
static duk_ret_t array_buffer_copy_and_detach(duk_context *ctx, const char *what) {
  require_array_buffer(ctx, what); /* [newLength this] */
  duk_size_t new_len = (duk_size_t)-1;
  if (!duk_is_undefined(ctx, 0)) {
    double d = duk_to_number(ctx, 0);
    d = d != d ? 0 : trunc(d);
    if (!(d >= 0 && d <= MAX_SAFE))
      return duk_error(ctx, DUK_ERR_RANGE_ERROR, "Invalid array buffer length");
    if (d > 2147483646.0) /* Duktape's largest buffer; the memory limit is far below */
      return duk_error(ctx, DUK_ERR_RANGE_ERROR, "Array buffer allocation failed");
    new_len = (duk_size_t)d;
  }
  if (edgefn__duk_buffer_is_detached(ctx, 1))
    return duk_error(ctx, DUK_ERR_TYPE_ERROR,
                     "Cannot perform ArrayBuffer.prototype.%s on a detached ArrayBuffer", what);
  (void)edgefn__duk_transfer_buffer_resized(ctx, 1, 1, new_len);
  return 1;
}

static duk_ret_t array_buffer_transfer(duk_context *ctx) {
  return array_buffer_copy_and_detach(ctx, "transfer");
}

static duk_ret_t array_buffer_transfer_fixed(duk_context *ctx) {
  return array_buffer_copy_and_detach(ctx, "transferToFixedLength");
}

static duk_ret_t array_buffer_detached(duk_context *ctx) {
  require_array_buffer(ctx, "detached");
  duk_push_boolean(ctx, edgefn__duk_buffer_is_detached(ctx, -1));
  return 1;
}

static duk_ret_t array_buffer_resizable(duk_context *ctx) {
  require_array_buffer(ctx, "resizable");
  duk_push_false(ctx);
  return 1;
}

static duk_ret_t array_buffer_max_byte_length(duk_context *ctx) {
  require_array_buffer(ctx, "maxByteLength");
  duk_get_prop_literal(ctx, -1, "byteLength");
  return 1;
}

static void install_array_buffer(duk_context *ctx) {
  static const edgefn__es_method methods[] = {
      {"transfer", array_buffer_transfer, 1, 0, 0}, /* newLength is optional: length 0 */
      {"transferToFixedLength", array_buffer_transfer_fixed, 1, 0, 0}};
  static const struct {
    const char *name;
    duk_c_function get;
  } getters[] = {{"detached", array_buffer_detached},
                 {"resizable", array_buffer_resizable},
                 {"maxByteLength", array_buffer_max_byte_length}};
  duk_get_global_literal(ctx, "ArrayBuffer");
  duk_get_prop_literal(ctx, -1, "prototype");
  edgefn__es_def_methods(ctx, -1, methods, EDGEFN_ARRAY_LEN(methods));
  for (size_t i = 0; i < EDGEFN_ARRAY_LEN(getters); i++) {
    duk_push_string(ctx, getters[i].name);
    duk_push_c_function(ctx, getters[i].get, 0);
    duk_push_literal(ctx, "name");
    duk_push_sprintf(ctx, "get %s", getters[i].name);
    duk_def_prop(ctx, -3, DEFPROP_FIXED);
    duk_def_prop(ctx, -3,
                 DUK_DEFPROP_HAVE_GETTER | DUK_DEFPROP_CLEAR_ENUMERABLE |
                     DUK_DEFPROP_SET_CONFIGURABLE);
  }
  duk_pop_2(ctx);
}

static duk_ret_t symbol_description(duk_context *ctx) {
  duk_push_this(ctx);
  if (!duk_is_symbol(ctx, -1)) { /* a Symbol object; anything else: valueOf's TypeError */
    duk_push_current_function(ctx);
    duk_get_prop_literal(ctx, -1, K_SYMBOL_VALUE_OF); /* the original, not the script's */
    duk_dup(ctx, -3);
    duk_call_method(ctx, 0);
  }
  duk_size_t n = 0;
  const unsigned char *p = (const unsigned char *)duk_get_lstring(ctx, -1, &n);
  if (p == NULL || n == 0)
    return 0;
  if (p[0] == 0x80) {
    duk_push_lstring(ctx, (const char *)p + 1, n - 1);
    return 1;
  }
  if (p[0] != 0x81)
    return 0;
  const unsigned char *ff = memchr(p + 1, 0xff, n - 1);
  if (ff == NULL)
    return 0;
  if (p[n - 1] == 0xff && ff != p + n - 1)
    return 0; /* Symbol() */
  duk_push_lstring(ctx, (const char *)p + 1, (duk_size_t)(ff - (p + 1)));
  return 1;
}

/* ---- Object.groupBy, Map.groupBy (ES2024) ---- */

typedef struct group_frame {
  bool map;
  double k;
} group_frame;

/* Stack: items 0, callback 1, the result 2; the value on top. */
static duk_ret_t group_add_unsafe(duk_context *ctx, void *udata) {
  group_frame *f = udata;
  if (f->k >= MAX_SAFE)
    return duk_type_error(ctx, "too many items");
  duk_idx_t v = duk_get_top_index(ctx);
  duk_dup(ctx, 1);
  duk_push_undefined(ctx);
  duk_dup(ctx, v);
  duk_push_number(ctx, f->k++);
  duk_call_method(ctx, 2); /* the key */
  duk_idx_t key = duk_get_top_index(ctx);
  if (f->map) {
    if (duk_is_number(ctx, key) && duk_get_number(ctx, key) == 0) { /* -0 becomes +0 */
      duk_pop(ctx);
      duk_push_int(ctx, 0);
    }
    duk_push_literal(ctx, "get");
    duk_dup(ctx, key);
    duk_call_prop(ctx, 2, 1);
    if (duk_is_undefined(ctx, -1)) {
      duk_pop(ctx);
      duk_push_array(ctx);
      duk_push_literal(ctx, "set");
      duk_dup(ctx, key);
      duk_dup(ctx, -3);
      duk_call_prop(ctx, 2, 2);
      duk_pop(ctx);
    }
  } else {
    to_property_key(ctx, key);
    duk_dup(ctx, key);
    duk_get_prop(ctx, 2);
    if (duk_is_undefined(ctx, -1)) {
      duk_pop(ctx);
      duk_push_array(ctx);
      duk_dup(ctx, key);
      duk_dup(ctx, -2);
      duk_def_prop(ctx, 2, DUK_DEFPROP_HAVE_VALUE | DUK_DEFPROP_SET_WEC);
    }
  }
  duk_dup(ctx, v);
  duk_put_prop_index(ctx, -2, (duk_uarridx_t)duk_get_length(ctx, -2));
  return 0;
}

/* magic 0: Object.groupBy (a null-prototype object of arrays), 1: Map.groupBy (a Map; it
 * is defined with Map, lib/js/es-collections.c, from edgefn__es_map_group_by). */
static duk_ret_t group_by(duk_context *ctx) {
  duk_set_top(ctx, 2);
  if (duk_is_null_or_undefined(ctx, 0))
    return duk_type_error(ctx, "%s is not iterable", duk_safe_to_string(ctx, 0));
  require_callable(ctx, 1);
  group_frame f = {duk_get_current_magic(ctx) == 1, 0};
  if (f.map) {
    duk_get_global_literal(ctx, "Map");
    duk_new(ctx, 0);
  } else {
    duk_push_bare_object(ctx);
  }
  edgefn__iter_each(ctx, 0, group_add_unsafe, &f);
  return 1;
}

const edgefn__es_method edgefn__es_map_group_by = {"groupBy", group_by, 2, 2, 1};

/* ---- String.prototype.normalize (libunistring's normalization) ---- */

typedef struct bytes_arg {
  const uint8_t *p;
  size_t n;
} bytes_arg;

static duk_ret_t push_lstring_unsafe(duk_context *ctx, void *udata) {
  const bytes_arg *a = udata;
  duk_push_lstring(ctx, (const char *)a->p, a->n);
  return 1;
}

/* Appends n UTF-16 units to *out (capacity *cap, length *len); false on out of memory. */
static bool u16_append(uint16_t **out, size_t *len, size_t *cap, const uint16_t *u, size_t n) {
  if (*len + n > *cap) {
    size_t want = (*len + n) * 2 + 16;
    uint16_t *grown = realloc(*out, want * sizeof(**out));
    if (!grown)
      return false;
    *out = grown;
    *cap = want;
  }
  memcpy(*out + *len, u, n * sizeof(*u));
  *len += n;
  return true;
}

/* The string's code points normalized to NFC, NFD, NFKC or NFKD. A lone surrogate is a
 * code point of its own that no normalization changes: the well-formed runs between them
 * are normalized one by one (a surrogate is a starter, so nothing composes across it). */
static duk_ret_t string_normalize(duk_context *ctx) {
  duk_idx_t s = push_this_string(ctx, "normalize");
  uninorm_t form = UNINORM_NFC;
  if (!duk_is_undefined(ctx, 0)) {
    const char *f = duk_to_string(ctx, 0);
    if (strcmp(f, "NFC") == 0)
      form = UNINORM_NFC;
    else if (strcmp(f, "NFD") == 0)
      form = UNINORM_NFD;
    else if (strcmp(f, "NFKC") == 0)
      form = UNINORM_NFKC;
    else if (strcmp(f, "NFKD") == 0)
      form = UNINORM_NFKD;
    else
      return duk_range_error(ctx, "The normalization form should be one of NFC, NFD, NFKC, NFKD.");
  }
  duk_size_t blen;
  const char *b = duk_get_lstring(ctx, s, &blen);
  bool ascii = true;
  for (duk_size_t i = 0; i < blen && ascii; i++)
    ascii = (unsigned char)b[i] < 0x80;
  if (ascii) { /* no normalization changes ASCII */
    duk_dup(ctx, s);
    return 1;
  }
  /* From here to the push nothing calls Duktape, so nothing can throw past the mallocs. */
  size_t n;
  uint16_t *u = edgefn__re_utf16_from_internal(b, blen, &n);
  uint16_t *out = NULL;
  size_t out_len = 0, out_cap = 0;
  bool ok = u != NULL;
  for (size_t i = 0; ok && i < n;) {
    size_t j = i;
    while (j < n) { /* the well-formed run from i */
      uint16_t c = u[j];
      if (c >= 0xd800 && c <= 0xdbff && j + 1 < n && u[j + 1] >= 0xdc00 && u[j + 1] <= 0xdfff)
        j += 2;
      else if (c >= 0xd800 && c <= 0xdfff)
        break;
      else
        j++;
    }
    if (j > i) {
      size_t rl = 0;
      uint16_t *r = u16_normalize(form, u + i, j - i, NULL, &rl);
      ok = r != NULL && u16_append(&out, &out_len, &out_cap, r, rl);
      free(r);
    }
    if (ok && j < n) /* a lone surrogate, as it is */
      ok = u16_append(&out, &out_len, &out_cap, u + j, 1);
    i = j < n ? j + 1 : j;
  }
  free(u);
  /* Duktape's form: each unit as its own (up to 3-byte) sequence, pairs as CESU-8. */
  uint8_t *bytes = ok ? malloc(out_len * 3 + 1) : NULL;
  size_t nb = 0;
  if (bytes)
    for (size_t i = 0; i < out_len; i++)
      nb += edgefn__utf8_put(bytes + nb, out[i]);
  free(out);
  if (!bytes)
    return duk_error(ctx, DUK_ERR_RANGE_ERROR, "normalize: out of memory");
  bytes_arg a = {bytes, nb};
  duk_int_t rc = duk_safe_call(ctx, push_lstring_unsafe, &a, 0, 1);
  free(bytes);
  if (rc != DUK_EXEC_SUCCESS)
    return duk_throw(ctx);
  return 1;
}

static duk_ret_t string_at(duk_context *ctx) {
  duk_idx_t s = push_this_string(ctx, "at");
  double len = (double)duk_get_length(ctx, s);
  double k = to_integer_or_infinity(ctx, 0);
  if (k < 0)
    k += len;
  if (k < 0 || k >= len)
    return 0;
  push_substring(ctx, s, (duk_size_t)k, (duk_size_t)k + 1);
  return 1;
}

/* IsRegExp: an object whose class is RegExp (Duktape has no Symbol.match). */
static bool is_regexp(duk_context *ctx, duk_idx_t idx) {
  if (!duk_is_object(ctx, idx))
    return false;
  idx = duk_normalize_index(ctx, idx);
  duk_get_global_literal(ctx, "RegExp");
  bool yes = duk_is_function(ctx, -1) && duk_instanceof(ctx, idx, -1);
  duk_pop(ctx);
  return yes;
}

static bool regexp_is_global(duk_context *ctx, duk_idx_t rx) {
  duk_get_prop_literal(ctx, rx, "flags");
  if (duk_is_null_or_undefined(ctx, -1))
    (void)duk_type_error(ctx, "flags of the RegExp is null or undefined");
  bool g = strchr(duk_to_string(ctx, -1), 'g') != NULL;
  duk_pop(ctx);
  return g;
}

/* GetSubstitution for a match without captures: $$, $&, $`, $' (anything else is kept). */
static void push_substitution(duk_context *ctx, duk_idx_t str, duk_size_t pos, duk_size_t mlen,
                              duk_idx_t repl) {
  duk_size_t rlen = duk_get_length(ctx, repl);
  duk_size_t slen = duk_get_length(ctx, str);
  duk_idx_t base = duk_get_top(ctx);
  duk_size_t lit = 0;
  for (duk_size_t i = 0; i < rlen; i++) {
    if (duk_char_code_at(ctx, repl, i) != '$' || i + 1 >= rlen)
      continue;
    duk_codepoint_t c = duk_char_code_at(ctx, repl, i + 1);
    if (c != '$' && c != '&' && c != '`' && c != '\'')
      continue;
    push_substring(ctx, repl, lit, i);
    if (c == '$')
      duk_push_literal(ctx, "$");
    else if (c == '&')
      push_substring(ctx, str, pos, pos + mlen);
    else if (c == '`')
      push_substring(ctx, str, 0, pos);
    else
      push_substring(ctx, str, pos + mlen < slen ? pos + mlen : slen, slen);
    i++;
    lit = i + 1;
  }
  push_substring(ctx, repl, lit, rlen);
  duk_concat(ctx, duk_get_top(ctx) - base);
}

/* Finds needle (at n) in s from index from: the index or -1 (code units). */
static double string_index_of(duk_context *ctx, duk_idx_t s, duk_idx_t n, double from) {
  duk_get_global_literal(ctx, "String");
  duk_get_prop_literal(ctx, -1, "prototype");
  duk_get_prop_literal(ctx, -1, "indexOf");
  duk_dup(ctx, s);
  duk_dup(ctx, n);
  duk_push_number(ctx, from);
  duk_call_method(ctx, 2);
  double r = duk_get_number(ctx, -1);
  duk_pop_3(ctx);
  return r;
}

static duk_ret_t string_replace_all(duk_context *ctx) {
  duk_push_this(ctx);
  if (duk_is_null_or_undefined(ctx, -1))
    return duk_type_error(ctx, "String.prototype.replaceAll called on null or undefined");
  if (is_regexp(ctx, 0)) {
    if (!regexp_is_global(ctx, 0))
      return duk_type_error(ctx, "replaceAll must be called with a global RegExp");
    /* Duktape's replace already does what @@replace of a global RegExp does. */
    duk_to_string(ctx, -1);
    duk_get_global_literal(ctx, "String");
    duk_get_prop_literal(ctx, -1, "prototype");
    duk_get_prop_literal(ctx, -1, "replace");
    duk_dup(ctx, 2);
    duk_dup(ctx, 0);
    duk_dup(ctx, 1);
    duk_call_method(ctx, 2);
    return 1;
  }
  duk_idx_t s = duk_get_top_index(ctx);
  duk_to_string(ctx, s);
  duk_to_string(ctx, 0);
  bool functional = duk_is_callable(ctx, 1);
  if (!functional)
    duk_to_string(ctx, 1);
  duk_size_t slen = duk_get_length(ctx, s), nlen = duk_get_length(ctx, 0);
  duk_size_t adv = nlen ? nlen : 1;
  duk_idx_t base = duk_get_top(ctx);
  duk_size_t end = 0;
  double pos = string_index_of(ctx, s, 0, 0);
  while (pos >= 0) {
    duk_size_t p = (duk_size_t)pos;
    push_substring(ctx, s, end, p);
    if (functional) {
      duk_dup(ctx, 1);
      duk_push_undefined(ctx);
      duk_dup(ctx, 0);
      duk_push_number(ctx, pos);
      duk_dup(ctx, s);
      duk_call_method(ctx, 3);
      duk_to_string(ctx, -1);
    } else {
      push_substitution(ctx, s, p, nlen, 1);
    }
    end = p + nlen;
    duk_concat(ctx, 2);
    if (p + adv > slen)
      break;
    pos = string_index_of(ctx, s, 0, (double)(p + adv));
  }
  if (end < slen || duk_get_top(ctx) == base)
    push_substring(ctx, s, end, slen);
  duk_concat(ctx, duk_get_top(ctx) - base);
  return 1;
}

static duk_ret_t regexp_iter_next(duk_context *ctx) {
  duk_push_this(ctx);
  if (!duk_is_object(ctx, -1) || !duk_get_prop_literal(ctx, -1, K_RX_FLAGS))
    return duk_type_error(ctx, "next method called on incompatible receiver");
  duk_idx_t self = duk_get_top_index(ctx) - 1;
  int flags = duk_get_int(ctx, -1); /* 1 global, 2 unicode, 4 done */
  if (flags & 4) {
    duk_push_undefined(ctx);
    edgefn__iter_result(ctx, true);
    return 1;
  }
  duk_get_prop_literal(ctx, self, K_RX_MATCHER);
  duk_idx_t rx = duk_get_top_index(ctx);
  duk_get_prop_literal(ctx, self, K_RX_STRING);
  duk_idx_t s = duk_get_top_index(ctx);
  /* RegExpExec through exec, so that the regex engine stays replaceable. */
  duk_get_prop_literal(ctx, rx, "exec");
  require_callable(ctx, -1);
  duk_dup(ctx, rx);
  duk_dup(ctx, s);
  duk_call_method(ctx, 1);
  if (duk_is_null(ctx, -1)) {
    duk_push_int(ctx, flags | 4);
    duk_put_prop_literal(ctx, self, K_RX_FLAGS);
    duk_push_undefined(ctx);
    edgefn__iter_result(ctx, true);
    return 1;
  }
  if (!(flags & 1)) {
    duk_push_int(ctx, flags | 4);
    duk_put_prop_literal(ctx, self, K_RX_FLAGS);
  } else {
    duk_get_prop_index(ctx, -1, 0);
    duk_to_string(ctx, -1);
    bool empty = duk_get_length(ctx, -1) == 0;
    duk_pop(ctx);
    if (empty) {
      duk_get_prop_literal(ctx, rx, "lastIndex");
      double li = to_integer_or_infinity(ctx, -1);
      duk_pop(ctx);
      double next = li + 1;
      if ((flags & 2) && li + 1 < (double)duk_get_length(ctx, s)) {
        duk_codepoint_t c = duk_char_code_at(ctx, s, (duk_size_t)li);
        duk_codepoint_t d = duk_char_code_at(ctx, s, (duk_size_t)li + 1);
        if (c >= 0xD800 && c <= 0xDBFF && d >= 0xDC00 && d <= 0xDFFF)
          next = li + 2;
      }
      duk_push_number(ctx, next);
      duk_put_prop_literal(ctx, rx, "lastIndex");
    }
  }
  edgefn__iter_result(ctx, false);
  return 1;
}

static const edgefn__es_method regexp_iter_methods[] = {{"next", regexp_iter_next, 0, 0, 0}};

static void push_regexp_iter_proto(duk_context *ctx) {
  duk_push_global_stash(ctx);
  if (!duk_get_prop_literal(ctx, -1, S_REGEXP_ITER_PROTO)) {
    duk_pop(ctx);
    duk_idx_t p = duk_push_object(ctx);
    edgefn__iter_push_proto(ctx);
    duk_set_prototype(ctx, p);
    edgefn__es_def_methods(ctx, p, regexp_iter_methods, 1);
    duk_push_literal(ctx, SYM_TO_STRING_TAG);
    duk_push_literal(ctx, "RegExp String Iterator");
    duk_def_prop(ctx, p, DEFPROP_FIXED);
    duk_dup(ctx, p);
    duk_put_prop_literal(ctx, -3, S_REGEXP_ITER_PROTO);
  }
  duk_remove(ctx, -2);
}

static duk_ret_t string_match_all(duk_context *ctx) {
  duk_push_this(ctx);
  if (duk_is_null_or_undefined(ctx, -1))
    return duk_type_error(ctx, "String.prototype.matchAll called on null or undefined");
  duk_idx_t s = duk_get_top_index(ctx);
  duk_get_global_literal(ctx, "RegExp");
  duk_idx_t ctor = duk_get_top_index(ctx);
  if (is_regexp(ctx, 0)) {
    if (!regexp_is_global(ctx, 0))
      return duk_type_error(ctx, "matchAll must be called with a global RegExp");
    duk_to_string(ctx, s);
    /* %RegExp.prototype[@@matchAll]%: a copy, so the argument's lastIndex is untouched. */
    duk_get_prop_literal(ctx, 0, "flags");
    duk_idx_t flags = duk_get_top_index(ctx);
    duk_to_string(ctx, flags);
    duk_get_prop_literal(ctx, 0, "source");
    duk_dup(ctx, ctor);
    duk_swap_top(ctx, -2);
    duk_dup(ctx, flags);
    duk_new(ctx, 2);
    duk_get_prop_literal(ctx, 0, "lastIndex");
    duk_push_number(ctx, to_length(ctx, -1));
    duk_put_prop_literal(ctx, -3, "lastIndex");
    duk_pop(ctx);
    duk_swap_top(ctx, -2);
  } else {
    duk_to_string(ctx, s);
    duk_dup(ctx, ctor);
    if (duk_is_undefined(ctx, 0))
      duk_push_literal(ctx, "(?:)");
    else
      duk_dup(ctx, 0);
    duk_push_literal(ctx, "g");
    duk_new(ctx, 2);
    duk_push_literal(ctx, "g");
  }
  duk_idx_t flags = duk_get_top_index(ctx);
  const char *f = duk_to_string(ctx, flags);
  int bits = (strchr(f, 'g') ? 1 : 0) | (strchr(f, 'u') ? 2 : 0);
  duk_idx_t rx = flags - 1;
  duk_push_object(ctx);
  push_regexp_iter_proto(ctx);
  duk_set_prototype(ctx, -2);
  duk_dup(ctx, rx);
  duk_put_prop_literal(ctx, -2, K_RX_MATCHER);
  duk_dup(ctx, s);
  duk_put_prop_literal(ctx, -2, K_RX_STRING);
  duk_push_int(ctx, bits);
  duk_put_prop_literal(ctx, -2, K_RX_FLAGS);
  return 1;
}

static duk_ret_t string_raw(duk_context *ctx) {
  duk_idx_t nsubs = duk_get_top(ctx) - 1;
  if (nsubs < 0) {
    duk_push_undefined(ctx);
    nsubs = 0;
  }
  duk_to_object(ctx, 0);
  duk_get_prop_literal(ctx, 0, "raw");
  duk_to_object(ctx, -1);
  duk_idx_t raw = duk_get_top_index(ctx);
  double len = length_of(ctx, raw);
  duk_idx_t base = duk_get_top(ctx);
  for (double i = 0; i < len; i++) {
    get_index(ctx, raw, i);
    duk_to_string(ctx, -1);
    if (i + 1 < len && i < nsubs) {
      duk_dup(ctx, (duk_idx_t)i + 1);
      duk_to_string(ctx, -1);
    }
  }
  duk_concat(ctx, duk_get_top(ctx) - base);
  return 1;
}

/* ---- Math ---- */

enum { M_CBRT, M_LOG1P, M_EXPM1, M_FROUND, M_SINH, M_COSH, M_TANH, M_ASINH, M_ACOSH, M_ATANH };

static duk_ret_t math_fn(duk_context *ctx) {
  double x = duk_to_number(ctx, 0), r;
  switch (duk_get_current_magic(ctx)) {
  case M_CBRT:
    /* glibc's cbrt is not correctly rounded (cbrt(-27) is -3.0000000000000004); exact
     * cubes must come out exact. */
    r = cbrt(x);
    if (isfinite(r) && nearbyint(r) * nearbyint(r) * nearbyint(r) == x)
      r = nearbyint(r);
    break;
  case M_LOG1P: r = log1p(x); break;
  case M_EXPM1: r = expm1(x); break;
  case M_FROUND: r = (double)(float)x; break;
  case M_SINH: r = sinh(x); break;
  case M_COSH: r = cosh(x); break;
  case M_TANH: r = tanh(x); break;
  case M_ASINH: r = asinh(x); break;
  case M_ACOSH: r = acosh(x); break;
  default: r = atanh(x); break;
  }
  duk_push_number(ctx, r);
  return 1;
}

/* ---- installation ---- */

static const edgefn__es_method array_proto[] = {
    {"at", array_at, 1, 1, 0},
    {"copyWithin", array_copy_within, 3, 2, 0},
    {"fill", array_fill, 3, 1, 0},
    {"find", array_find, 2, 1, 0},
    {"findIndex", array_find, 2, 1, 1},
    {"findLast", array_find, 2, 1, 2},
    {"findLastIndex", array_find, 2, 1, 3},
    {"flat", array_flat, 1, 0, 0},
    {"flatMap", array_flat_map, 2, 1, 0},
    {"includes", array_includes, 2, 1, 0},
    {"sort", array_sort, 1, 1, 0},
    {"toReversed", array_to_reversed, 0, 0, 0},
    {"toSorted", array_to_sorted, 1, 1, 0},
    {"toSpliced", array_to_spliced, DUK_VARARGS, 2, 0},
    {"with", array_with, 2, 2, 0},
};

static const edgefn__es_method typed_proto[] = {
    {"at", array_at, 1, 1, TYPED},
    {"copyWithin", array_copy_within, 3, 2, TYPED},
    {"fill", array_fill, 3, 1, TYPED},
    {"find", array_find, 2, 1, TYPED | 0},
    {"findIndex", array_find, 2, 1, TYPED | 1},
    {"findLast", array_find, 2, 1, TYPED | 2},
    {"findLastIndex", array_find, 2, 1, TYPED | 3},
    {"includes", array_includes, 2, 1, TYPED},
    {"slice", typed_slice, 2, 2, TYPED},
    {"map", typed_map_filter, 2, 1, TYPED | 0},
    {"filter", typed_map_filter, 2, 1, TYPED | 1},
    {"sort", typed_sort, 1, 1, TYPED},
    {"toReversed", array_to_reversed, 0, 0, TYPED},
    {"toSorted", array_to_sorted, 1, 1, TYPED},
    {"with", array_with, 2, 2, TYPED},
};

/* Duktape's generic Array.prototype versions behave as the typed-array ones do on a typed
 * array; shared rather than written again. */
static const char *const typed_shared[] = {"every", "forEach", "indexOf", "join", "lastIndexOf",
                                           "reduce", "reduceRight", "reverse", "some",
                                           "toLocaleString", "toString"};

static const edgefn__es_method array_ctor[] = {
    {"from", array_from, 3, 1, 0},
    {"of", array_of, DUK_VARARGS, 0, 0},
};

static const edgefn__es_method typed_ctor[] = {
    {"from", typed_from, 3, 1, 0},
    {"of", typed_of, DUK_VARARGS, 0, 0},
};

/* Error.isError (ES2026): whether the argument has an error's internal slot; a prototype
 * chain through Error.prototype does not make one. */
static duk_ret_t error_is_error(duk_context *ctx) {
  duk_push_boolean(ctx, edgefn__duk_is_error_object(ctx, 0));
  return 1;
}

static const edgefn__es_method error_ctor[] = {
    {"captureStackTrace", error_capture_stack_trace, 2, 2, 0},
    {"isError", error_is_error, 1, 1, 0},
};

static const edgefn__es_method json[] = {
    {"stringify", json_stringify, 3, 3, 0},
};

static const edgefn__es_method object_ctor[] = {
    {"entries", object_enum, 1, 1, 2},
    {"groupBy", group_by, 2, 2, 0},
    {"fromEntries", object_from_entries, 1, 1, 0},
    {"getOwnPropertyDescriptors", object_enum, 1, 1, 3},
    {"hasOwn", object_has_own, 2, 2, 0},
    {"values", object_enum, 1, 1, 1},
};

static const edgefn__es_method string_proto[] = {
    {"at", string_at, 1, 1, 0},
    {"matchAll", string_match_all, 1, 1, 0},
    {"isWellFormed", string_well_formed, 0, 0, 0},
    {"normalize", string_normalize, 1, 0, 0},
    {"toWellFormed", string_well_formed, 0, 0, 1},
    {"padEnd", string_pad, 2, 1, 1},
    {"padStart", string_pad, 2, 1, 0},
    {"replaceAll", string_replace_all, 2, 2, 0},
    {"trimEnd", string_trim_side, 0, 0, 1},
    {"trimStart", string_trim_side, 0, 0, 0},
};

static const edgefn__es_method string_ctor[] = {
    {"raw", string_raw, DUK_VARARGS, 1, 0},
};

static const edgefn__es_method math[] = {
    {"cbrt", math_fn, 1, 1, M_CBRT},   {"log1p", math_fn, 1, 1, M_LOG1P},
    {"expm1", math_fn, 1, 1, M_EXPM1}, {"fround", math_fn, 1, 1, M_FROUND},
    {"sinh", math_fn, 1, 1, M_SINH},   {"cosh", math_fn, 1, 1, M_COSH},
    {"tanh", math_fn, 1, 1, M_TANH},   {"asinh", math_fn, 1, 1, M_ASINH},
    {"acosh", math_fn, 1, 1, M_ACOSH}, {"atanh", math_fn, 1, 1, M_ATANH},
};

/* Defines the methods on global[name] (proto: on its prototype). */
static void install_on(duk_context *ctx, const char *name, bool proto,
                       const edgefn__es_method *m, size_t n) {
  duk_get_global_string(ctx, name);
  if (proto)
    duk_get_prop_literal(ctx, -1, "prototype");
  edgefn__es_def_methods(ctx, -1, m, n);
  duk_pop_n(ctx, proto ? 2 : 1);
}

void edgefn__es_builtins_install(duk_context *ctx) {
  install_on(ctx, "Array", true, array_proto, EDGEFN_ARRAY_LEN(array_proto));
  install_on(ctx, "Array", false, array_ctor, EDGEFN_ARRAY_LEN(array_ctor));
  install_on(ctx, "Object", false, object_ctor, EDGEFN_ARRAY_LEN(object_ctor));
  install_on(ctx, "String", true, string_proto, EDGEFN_ARRAY_LEN(string_proto));
  install_on(ctx, "String", false, string_ctor, EDGEFN_ARRAY_LEN(string_ctor));
  install_on(ctx, "Math", false, math, EDGEFN_ARRAY_LEN(math));
  install_on(ctx, "JSON", false, json, EDGEFN_ARRAY_LEN(json));
  install_on(ctx, "Error", false, error_ctor, EDGEFN_ARRAY_LEN(error_ctor));
  static const char *const native_errors[] = {"Error",          "EvalError",   "RangeError",
                                              "ReferenceError", "SyntaxError", "TypeError",
                                              "URIError"};
  for (size_t i = 0; i < EDGEFN_ARRAY_LEN(native_errors); i++) {
    duk_get_global_string(ctx, native_errors[i]);
    (void)edgefn__duk_error_ctor_add_cause(ctx, -1);
    duk_pop(ctx);
  }
  duk_get_global_literal(ctx, "Symbol");
  duk_get_prop_literal(ctx, -1, "prototype");
  duk_push_literal(ctx, "description");
  duk_push_c_function(ctx, symbol_description, 0);
  duk_get_prop_literal(ctx, -3, "valueOf");
  duk_put_prop_literal(ctx, -2, K_SYMBOL_VALUE_OF);
  duk_def_prop(ctx, -3,
               DUK_DEFPROP_HAVE_GETTER | DUK_DEFPROP_CLEAR_ENUMERABLE |
                   DUK_DEFPROP_SET_CONFIGURABLE);
  duk_pop_2(ctx);

  duk_get_global_literal(ctx, "Array");
  duk_get_prop_literal(ctx, -1, "prototype");
  duk_get_global_literal(ctx, "Uint8Array");
  duk_get_prototype(ctx, -1);
  duk_get_prop_literal(ctx, -1, "prototype");
  duk_idx_t tproto = duk_get_top_index(ctx);
  edgefn__es_def_methods(ctx, tproto, typed_proto, EDGEFN_ARRAY_LEN(typed_proto));
  edgefn__es_def_methods(ctx, tproto - 1, typed_ctor, EDGEFN_ARRAY_LEN(typed_ctor));
  for (size_t i = 0; i < EDGEFN_ARRAY_LEN(typed_shared); i++) {
    duk_push_string(ctx, typed_shared[i]);
    duk_get_prop_string(ctx, tproto - 3, typed_shared[i]);
    duk_def_prop(ctx, tproto, DEFPROP_METHOD);
  }
  duk_pop_n(ctx, 5);

  install_array_buffer(ctx);
  edgefn__uint8_array_base64_install(ctx);
  edgefn__node_buffer_install(ctx);
  edgefn__es_iter_install(ctx);
  edgefn__intl_install_locale_methods(ctx);
  edgefn__duk_guard_array_natives(ctx, EDGEFN_NATIVE_ARRAY_SPARSE_MAX);
}
