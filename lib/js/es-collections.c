/* Map, Set, WeakMap and WeakSet (ES2024 §24), natively.
 *
 * A Map or Set owns a store: a JS array holding the keys (and values) of its entries in
 * insertion order, `slots` array elements per entry, so that the values stay reachable;
 * and, under a hidden key of that array, a fixed buffer with the hash table over the same
 * entries. A key is hashed and compared in C by SameValueZero: strings and symbols are
 * interned by Duktape, so their heap pointer is their identity, as it is for objects;
 * numbers by their value with -0 folded into +0 (which is also how the key is stored).
 *
 * Deleting marks an entry empty and releases its values; a store is never compacted in
 * place. When it fills up, a new store is built from the live entries and the old one is
 * marked obsolete with a link to the new one (clear() does the same with an empty store).
 * An iterator keeps its store and an entry index; when it finds its store obsolete it moves
 * to the next one, its index becoming the number of live entries that preceded it (0 after
 * a clear). So entries added during iteration are visited, deleted ones are not, and an
 * abandoned iterator pins nothing but a store's metadata.
 *
 * WeakMap and WeakSet need no table: an entry lives on the key object itself, under a
 * hidden key unique to the collection, as a cell [value, address of the key]. The entry
 * then dies with the key, which gives weak semantics with Duktape's ordinary GC. The
 * address tells an own cell from one inherited through the prototype chain. Keys that
 * cannot take a property (non-extensible objects, symbols) go into an ordinary Map store
 * owned by the collection: held strongly, which is the one departure from the spec. */
#include "js/js.h"

#include <math.h>
#include <stdint.h>
#include <string.h>

#define SYM_ITERATOR DUK_WELLKNOWN_SYMBOL("Symbol.iterator")
#define SYM_TO_STRING_TAG DUK_WELLKNOWN_SYMBOL("Symbol.toStringTag")

/* On a Map or Set instance: its current store. */
#define K_MAP DUK_HIDDEN_SYMBOL("cm")
#define K_SET DUK_HIDDEN_SYMBOL("cs")
/* On a store: its table, and the store that replaced it. */
#define K_TABLE DUK_HIDDEN_SYMBOL("ct")
#define K_NEXT DUK_HIDDEN_SYMBOL("cn")
/* On a collection iterator: store (undefined once done), entry index, kind. */
#define K_IT_STORE DUK_HIDDEN_SYMBOL("cis")
#define K_IT_INDEX DUK_HIDDEN_SYMBOL("cii")
#define K_IT_KIND DUK_HIDDEN_SYMBOL("cik")
/* On a WeakMap/WeakSet: the hidden key of its cells, and the store for other keys. */
#define K_WEAK_MAP DUK_HIDDEN_SYMBOL("cwm")
#define K_WEAK_SET DUK_HIDDEN_SYMBOL("cws")
#define K_WEAK_STRONG DUK_HIDDEN_SYMBOL("cwx")

#define S_MAP_PROTO DUK_HIDDEN_SYMBOL("edgefn.coll.map")
#define S_SET_PROTO DUK_HIDDEN_SYMBOL("edgefn.coll.set")
#define S_MAP_ITER_PROTO DUK_HIDDEN_SYMBOL("edgefn.coll.mapiter")
#define S_SET_ITER_PROTO DUK_HIDDEN_SYMBOL("edgefn.coll.setiter")
#define S_WEAK_COUNTER DUK_HIDDEN_SYMBOL("edgefn.coll.weakid")

#define MIN_CAP 8u

enum { KIND_KEYS, KIND_VALUES, KIND_ENTRIES };
enum { COLL_MAP = 1, COLL_SET = 2 };

/* Key tags; T_EMPTY marks a deleted entry. */
enum { T_EMPTY, T_UNDEFINED, T_NULL, T_FALSE, T_TRUE, T_NUMBER, T_HEAP, T_POINTER, T_LIGHTFUNC };

typedef struct key {
  uint32_t hash;
  int32_t chain; /* next entry in the bucket, -1 at the end */
  uint32_t tag;
  union {
    void *p;
    double d;
  } u;
} key;

typedef struct table {
  uint32_t cap;  /* entries */
  uint32_t used; /* entries appended, deleted ones included */
  uint32_t live;
  uint32_t mask;     /* buckets - 1 */
  uint32_t slots;    /* array elements per entry: 1 (Set) or 2 (Map) */
  uint32_t obsolete; /* replaced by the store under K_NEXT */
} table;

static int32_t *buckets(table *t) {
  return (int32_t *)(t + 1);
}

static key *entries(table *t) {
  return (key *)(buckets(t) + t->mask + 1);
}

static uint32_t mix(uint64_t x) {
  x ^= x >> 33;
  x *= 0xff51afd7ed558ccdULL;
  x ^= x >> 33;
  return (uint32_t)x;
}

/* Reads the value at idx as a key (SameValueZero identity). */
static void key_of(duk_context *ctx, duk_idx_t idx, key *k) {
  memset(k, 0, sizeof(*k));
  switch (duk_get_type(ctx, idx)) {
  case DUK_TYPE_UNDEFINED:
    k->tag = T_UNDEFINED;
    break;
  case DUK_TYPE_NULL:
    k->tag = T_NULL;
    break;
  case DUK_TYPE_BOOLEAN:
    k->tag = duk_get_boolean(ctx, idx) ? T_TRUE : T_FALSE;
    break;
  case DUK_TYPE_NUMBER: {
    double d = duk_get_number(ctx, idx);
    if (d == 0)
      d = 0;
    if (isnan(d))
      d = NAN;
    uint64_t bits;
    memcpy(&bits, &d, sizeof(bits));
    k->tag = T_NUMBER;
    k->u.d = d;
    k->hash = mix(bits);
    return;
  }
  case DUK_TYPE_POINTER:
    k->tag = T_POINTER;
    k->u.p = duk_get_pointer(ctx, idx);
    k->hash = mix((uintptr_t)k->u.p);
    return;
  case DUK_TYPE_LIGHTFUNC:
    k->tag = T_LIGHTFUNC;
    break;
  default:
    k->tag = T_HEAP;
    k->u.p = duk_get_heapptr(ctx, idx);
    k->hash = mix((uintptr_t)k->u.p);
    return;
  }
  k->hash = mix(k->tag);
}

static bool key_eq(const key *a, const key *b) {
  if (a->tag != b->tag || a->hash != b->hash)
    return false;
  switch (a->tag) {
  case T_NUMBER:
    return a->u.d == b->u.d || (isnan(a->u.d) && isnan(b->u.d));
  case T_HEAP:
  case T_POINTER:
    return a->u.p == b->u.p;
  default:
    return true;
  }
}

/* Pushes a key as stored: numbers normalized (-0 becomes +0). */
static void push_key(duk_context *ctx, duk_idx_t idx, const key *k) {
  if (k->tag == T_NUMBER)
    duk_push_number(ctx, k->u.d);
  else
    duk_dup(ctx, idx);
}

/* ---- stores ---- */

static table *store_table(duk_context *ctx, duk_idx_t store) {
  duk_get_prop_literal(ctx, store, K_TABLE);
  table *t = duk_get_buffer(ctx, -1, NULL);
  duk_pop(ctx);
  return t;
}

/* Pushes a new empty store with room for cap entries. */
static table *push_store(duk_context *ctx, uint32_t cap, uint32_t slots) {
  uint32_t nb = MIN_CAP;
  while (nb < cap)
    nb *= 2;
  if (cap > UINT32_MAX / 4 / sizeof(key))
    (void)duk_range_error(ctx, "collection too large");
  duk_push_array(ctx);
  size_t size = sizeof(table) + nb * sizeof(int32_t) + cap * sizeof(key);
  table *t = duk_push_fixed_buffer(ctx, size);
  t->cap = cap;
  t->mask = nb - 1;
  t->slots = slots;
  memset(buckets(t), 0xff, nb * sizeof(int32_t));
  duk_put_prop_literal(ctx, -2, K_TABLE);
  return t;
}

static int32_t find(table *t, const key *k) {
  key *e = entries(t);
  for (int32_t i = buckets(t)[k->hash & t->mask]; i >= 0; i = e[i].chain)
    if (key_eq(&e[i], k))
      return i;
  return -1;
}

/* Finds a lightfunc key, which Duktape does not expose an identity for. */
static int32_t find_lightfunc(duk_context *ctx, duk_idx_t store, table *t, duk_idx_t kidx) {
  key *e = entries(t);
  for (uint32_t i = 0; i < t->used; i++) {
    if (e[i].tag != T_LIGHTFUNC)
      continue;
    duk_get_prop_index(ctx, store, i * t->slots);
    bool same = duk_samevalue(ctx, -1, kidx);
    duk_pop(ctx);
    if (same)
      return (int32_t)i;
  }
  return -1;
}

static int32_t store_find(duk_context *ctx, duk_idx_t store, table *t, duk_idx_t kidx,
                          const key *k) {
  return k->tag == T_LIGHTFUNC ? find_lightfunc(ctx, store, t, kidx) : find(t, k);
}

/* Appends to a store that has room; the array is written first so that an out-of-memory
 * error leaves the table unchanged. */
static void append(duk_context *ctx, duk_idx_t store, table *t, const key *k, duk_idx_t kidx,
                   duk_idx_t vidx) {
  uint32_t i = t->used;
  push_key(ctx, kidx, k);
  duk_put_prop_index(ctx, store, i * t->slots);
  if (t->slots == 2) {
    duk_dup(ctx, vidx);
    duk_put_prop_index(ctx, store, i * 2 + 1);
  }
  key *e = entries(t);
  e[i] = *k;
  e[i].chain = buckets(t)[k->hash & t->mask];
  buckets(t)[k->hash & t->mask] = (int32_t)i;
  t->used++;
  t->live++;
}

/* Replaces the store at *store_idx (the instance's K_* property on obj) with a new one
 * with the live entries (cap 0: an empty one, for clear()). */
static table *replace_store(duk_context *ctx, duk_idx_t obj, const char *prop, duk_idx_t store,
                            uint32_t cap) {
  table *old = store_table(ctx, store);
  uint32_t slots = old->slots;
  duk_idx_t nstore = duk_get_top(ctx);
  table *t = push_store(ctx, cap ? cap : MIN_CAP, slots);
  if (cap) {
    key *e = entries(old);
    for (uint32_t i = 0; i < old->used; i++) {
      if (e[i].tag == T_EMPTY)
        continue;
      duk_get_prop_index(ctx, store, i * slots);
      if (slots == 2)
        duk_get_prop_index(ctx, store, i * 2 + 1);
      key k = e[i];
      append(ctx, nstore, t, &k, slots == 2 ? -2 : -1, -1);
      duk_pop_n(ctx, (duk_idx_t)slots);
    }
  } else {
    memset(entries(old), 0, old->used * sizeof(key));
    old->live = 0;
  }
  duk_dup(ctx, nstore);
  duk_put_prop_literal(ctx, store, K_NEXT);
  duk_dup(ctx, nstore);
  duk_put_prop_string(ctx, obj, prop);
  old->obsolete = 1;
  /* Iterators of the old store need its metadata only. */
  duk_set_length(ctx, store, 0);
  duk_replace(ctx, store);
  return t;
}

static void store_add(duk_context *ctx, duk_idx_t obj, const char *prop, duk_idx_t store,
                      duk_idx_t kidx, duk_idx_t vidx) {
  store = duk_normalize_index(ctx, store);
  kidx = duk_normalize_index(ctx, kidx);
  vidx = duk_normalize_index(ctx, vidx);
  table *t = store_table(ctx, store);
  key k;
  key_of(ctx, kidx, &k);
  int32_t i = store_find(ctx, store, t, kidx, &k);
  if (i >= 0) {
    if (t->slots == 2) {
      duk_dup(ctx, vidx);
      duk_put_prop_index(ctx, store, (duk_uarridx_t)i * 2 + 1);
    }
    return;
  }
  if (t->used == t->cap) {
    uint32_t cap = t->live * 2 >= t->cap ? t->cap * 2 : t->cap;
    if (cap < t->cap)
      (void)duk_range_error(ctx, "collection too large");
    t = replace_store(ctx, obj, prop, store, cap);
  }
  append(ctx, store, t, &k, kidx, vidx);
}

static bool store_delete(duk_context *ctx, duk_idx_t store, duk_idx_t kidx) {
  store = duk_normalize_index(ctx, store);
  kidx = duk_normalize_index(ctx, kidx);
  table *t = store_table(ctx, store);
  key k;
  key_of(ctx, kidx, &k);
  int32_t i = store_find(ctx, store, t, kidx, &k);
  if (i < 0)
    return false;
  for (uint32_t s = 0; s < t->slots; s++) {
    duk_push_undefined(ctx);
    duk_put_prop_index(ctx, store, (duk_uarridx_t)i * t->slots + s);
  }
  /* Left in its bucket's chain: an empty tag never matches, and rebuilding drops it. */
  entries(t)[i].tag = T_EMPTY;
  t->live--;
  return true;
}

/* Moves the cursor (store at stack index store, entry index *idx) to the next live entry
 * at or after *idx, following obsolete stores; false at the end. */
static bool cursor_next(duk_context *ctx, duk_idx_t store, uint32_t *idx, table **out) {
  table *t = store_table(ctx, store);
  while (t->obsolete) {
    uint32_t n = 0;
    key *e = entries(t);
    for (uint32_t i = 0; i < *idx && i < t->used; i++)
      n += e[i].tag != T_EMPTY;
    *idx = n;
    duk_get_prop_literal(ctx, store, K_NEXT);
    duk_replace(ctx, store);
    t = store_table(ctx, store);
  }
  key *e = entries(t);
  while (*idx < t->used && e[*idx].tag == T_EMPTY)
    (*idx)++;
  *out = t;
  return *idx < t->used;
}

/* ---- Map and Set ---- */

/* Pushes this's store; magic says which brand is required. */
static duk_idx_t push_this_store(duk_context *ctx, int kind, const char *method) {
  duk_push_this(ctx);
  if (duk_is_object(ctx, -1) &&
      duk_get_prop_string(ctx, -1, kind == COLL_MAP ? K_MAP : K_SET) &&
      duk_is_array(ctx, -1))
    return duk_get_top_index(ctx);
  return duk_type_error(ctx, "Method %s.prototype.%s called on incompatible receiver",
                        kind == COLL_MAP ? "Map" : "Set", method);
}

static const char *brand_prop(int kind) {
  return kind == COLL_MAP ? K_MAP : K_SET;
}

static duk_ret_t coll_get(duk_context *ctx) {
  duk_idx_t store = push_this_store(ctx, COLL_MAP, "get");
  table *t = store_table(ctx, store);
  key k;
  key_of(ctx, 0, &k);
  int32_t i = store_find(ctx, store, t, 0, &k);
  if (i < 0)
    return 0;
  duk_get_prop_index(ctx, store, (duk_uarridx_t)i * 2 + 1);
  return 1;
}

/* has (both kinds: magic = kind). */
static duk_ret_t coll_has(duk_context *ctx) {
  duk_idx_t store = push_this_store(ctx, duk_get_current_magic(ctx), "has");
  table *t = store_table(ctx, store);
  key k;
  key_of(ctx, 0, &k);
  duk_push_boolean(ctx, store_find(ctx, store, t, 0, &k) >= 0);
  return 1;
}

/* Map.prototype.set and Set.prototype.add. */
static duk_ret_t coll_set(duk_context *ctx) {
  int kind = duk_get_current_magic(ctx);
  duk_idx_t store = push_this_store(ctx, kind, kind == COLL_MAP ? "set" : "add");
  store_add(ctx, store - 1, brand_prop(kind), store, 0, 1);
  duk_dup(ctx, store - 1);
  return 1;
}

static duk_ret_t coll_delete(duk_context *ctx) {
  duk_idx_t store = push_this_store(ctx, duk_get_current_magic(ctx), "delete");
  duk_push_boolean(ctx, store_delete(ctx, store, 0));
  return 1;
}

static duk_ret_t coll_clear(duk_context *ctx) {
  int kind = duk_get_current_magic(ctx);
  duk_idx_t store = push_this_store(ctx, kind, "clear");
  (void)replace_store(ctx, store - 1, brand_prop(kind), store, 0);
  return 0;
}

static duk_ret_t coll_size(duk_context *ctx) {
  duk_idx_t store = push_this_store(ctx, duk_get_current_magic(ctx), "size");
  duk_push_uint(ctx, store_table(ctx, store)->live);
  return 1;
}

static duk_ret_t coll_for_each(duk_context *ctx) {
  int kind = duk_get_current_magic(ctx);
  duk_idx_t store = push_this_store(ctx, kind, "forEach");
  if (!duk_is_callable(ctx, 0))
    return duk_type_error(ctx, "%s is not a function", duk_safe_to_string(ctx, 0));
  duk_idx_t self = store - 1;
  uint32_t idx = 0;
  table *t;
  while (cursor_next(ctx, store, &idx, &t)) {
    duk_dup(ctx, 0);
    duk_dup(ctx, 1);
    if (t->slots == 2) {
      duk_get_prop_index(ctx, store, idx * 2 + 1);
      duk_get_prop_index(ctx, store, idx * 2);
    } else {
      duk_get_prop_index(ctx, store, idx);
      duk_dup_top(ctx);
    }
    duk_dup(ctx, self);
    duk_call_method(ctx, 3);
    duk_pop(ctx);
    idx++;
  }
  return 0;
}

/* keys/values/entries (magic = kind << 2 | collection kind). */
static duk_ret_t coll_iter_method(duk_context *ctx) {
  int magic = duk_get_current_magic(ctx);
  int kind = magic & 3;
  duk_idx_t store = push_this_store(ctx, kind, "entries");
  duk_push_object(ctx);
  duk_push_global_stash(ctx);
  duk_get_prop_string(ctx, -1, kind == COLL_MAP ? S_MAP_ITER_PROTO : S_SET_ITER_PROTO);
  duk_set_prototype(ctx, -3);
  duk_pop(ctx);
  duk_dup(ctx, store);
  duk_put_prop_literal(ctx, -2, K_IT_STORE);
  duk_push_uint(ctx, 0);
  duk_put_prop_literal(ctx, -2, K_IT_INDEX);
  duk_push_int(ctx, magic >> 2);
  duk_put_prop_literal(ctx, -2, K_IT_KIND);
  return 1;
}

static duk_ret_t coll_iter_next(duk_context *ctx) {
  duk_push_this(ctx);
  duk_idx_t self = duk_get_top_index(ctx);
  if (!duk_is_object(ctx, self) || !duk_get_prop_literal(ctx, self, K_IT_KIND))
    return duk_type_error(ctx, "next method called on incompatible receiver");
  int kind = duk_get_int(ctx, -1);
  duk_get_prop_literal(ctx, self, K_IT_STORE);
  duk_idx_t store = duk_get_top_index(ctx);
  if (!duk_is_array(ctx, store)) {
    duk_push_undefined(ctx);
    edgefn__iter_result(ctx, true);
    return 1;
  }
  duk_get_prop_literal(ctx, self, K_IT_INDEX);
  uint32_t idx = (uint32_t)duk_get_number(ctx, -1);
  duk_pop(ctx);
  table *t;
  if (!cursor_next(ctx, store, &idx, &t)) {
    duk_push_undefined(ctx);
    duk_put_prop_literal(ctx, self, K_IT_STORE);
    duk_push_undefined(ctx);
    edgefn__iter_result(ctx, true);
    return 1;
  }
  duk_dup(ctx, store);
  duk_put_prop_literal(ctx, self, K_IT_STORE);
  duk_push_uint(ctx, idx + 1);
  duk_put_prop_literal(ctx, self, K_IT_INDEX);
  uint32_t slots = t->slots;
  if (kind == KIND_ENTRIES) {
    duk_push_array(ctx);
    duk_get_prop_index(ctx, store, idx * slots);
    duk_put_prop_index(ctx, -2, 0);
    duk_get_prop_index(ctx, store, idx * slots + slots - 1);
    duk_put_prop_index(ctx, -2, 1);
  } else {
    duk_get_prop_index(ctx, store, idx * slots + (kind == KIND_VALUES ? slots - 1 : 0));
  }
  edgefn__iter_result(ctx, false);
  return 1;
}

/* ---- the ES2025 Set methods: union, intersection, difference, symmetricDifference,
 * isSubsetOf, isSupersetOf, isDisjointFrom ---- */

enum { SM_UNION, SM_INTERSECTION, SM_DIFFERENCE, SM_SYMMETRIC, SM_SUBSET, SM_SUPERSET,
       SM_DISJOINT };

static const char *const set_method_names[] = {"union",      "intersection", "difference",
                                               "symmetricDifference", "isSubsetOf",
                                               "isSupersetOf", "isDisjointFrom"};

/* GetSetRecord: the argument at 0 with its size, has and keys; has and keys are pushed
 * (at the returned index and the one after). */
static duk_idx_t push_set_record(duk_context *ctx, double *size) {
  if (!duk_is_object(ctx, 0))
    return duk_type_error(ctx, "The 'other' argument must be an object (a set-like)");
  duk_get_prop_literal(ctx, 0, "size");
  double n = duk_to_number(ctx, -1);
  duk_pop(ctx);
  if (isnan(n))
    return duk_type_error(ctx, "The 'other' argument's size is not a number");
  n = trunc(n);
  if (n < 0)
    return duk_range_error(ctx, "The 'other' argument's size is negative");
  *size = n == 0 ? 0 : n;
  duk_idx_t has = duk_get_top(ctx);
  duk_get_prop_literal(ctx, 0, "has");
  if (!duk_is_callable(ctx, -1))
    return duk_type_error(ctx, "The 'other' argument's has is not a function");
  duk_get_prop_literal(ctx, 0, "keys");
  if (!duk_is_callable(ctx, -1))
    return duk_type_error(ctx, "The 'other' argument's keys is not a function");
  return has;
}

/* GetIteratorFromMethod(other, keys): pushes the iterator and its next method. */
static duk_idx_t push_keys_iterator(duk_context *ctx, duk_idx_t has) {
  duk_dup(ctx, has + 1);
  duk_dup(ctx, 0);
  duk_call_method(ctx, 0);
  if (!duk_is_object(ctx, -1))
    return duk_type_error(ctx, "The 'other' argument's keys() did not return an object");
  duk_get_prop_literal(ctx, -1, "next");
  return duk_get_top_index(ctx) - 1;
}

/* IteratorStepValue: pushes the next value (-0 made +0) and returns true, or returns false
 * when the iterator is done. */
static bool keys_step(duk_context *ctx, duk_idx_t it) {
  edgefn__cpu_tick(ctx);
  duk_dup(ctx, it + 1);
  duk_dup(ctx, it);
  duk_call_method(ctx, 0);
  if (!duk_is_object(ctx, -1))
    (void)duk_type_error(ctx, "Iterator result %s is not an object",
                         duk_safe_to_string(ctx, -1));
  duk_get_prop_literal(ctx, -1, "done");
  bool done = duk_to_boolean(ctx, -1);
  duk_pop(ctx);
  if (done) {
    duk_pop(ctx);
    return false;
  }
  duk_get_prop_literal(ctx, -1, "value");
  duk_remove(ctx, -2);
  if (duk_is_number(ctx, -1) && duk_get_number(ctx, -1) == 0) {
    duk_pop(ctx);
    duk_push_int(ctx, 0);
  }
  return true;
}

/* IteratorClose with a normal completion. */
static void keys_close(duk_context *ctx, duk_idx_t it) {
  duk_get_prop_literal(ctx, it, "return");
  if (duk_is_null_or_undefined(ctx, -1)) {
    duk_pop(ctx);
    return;
  }
  if (!duk_is_callable(ctx, -1))
    (void)duk_type_error(ctx, "The iterator's return is not a function");
  duk_dup(ctx, it);
  duk_call_method(ctx, 0);
  if (!duk_is_object(ctx, -1))
    (void)duk_type_error(ctx, "Iterator result %s is not an object",
                         duk_safe_to_string(ctx, -1));
  duk_pop(ctx);
}

/* Pushes this Set's current store (callbacks into the other set may have replaced it). */
static duk_idx_t push_set_store(duk_context *ctx, duk_idx_t self) {
  duk_get_prop_literal(ctx, self, K_SET);
  return duk_get_top_index(ctx);
}

static bool set_has(duk_context *ctx, duk_idx_t self, duk_idx_t v) {
  v = duk_normalize_index(ctx, v);
  duk_idx_t store = push_set_store(ctx, self);
  key k;
  key_of(ctx, v, &k);
  bool found = store_find(ctx, store, store_table(ctx, store), v, &k) >= 0;
  duk_pop(ctx);
  return found;
}

/* ToBoolean(Call(other.has, other, v)) */
static bool other_has(duk_context *ctx, duk_idx_t has, duk_idx_t v) {
  v = duk_normalize_index(ctx, v);
  duk_dup(ctx, has);
  duk_dup(ctx, 0);
  duk_dup(ctx, v);
  duk_call_method(ctx, 1);
  bool r = duk_to_boolean(ctx, -1);
  duk_pop(ctx);
  return r;
}

/* Pushes a new Set holding this Set's elements (copy) or none. */
static duk_idx_t push_result(duk_context *ctx, duk_idx_t self, bool copy) {
  edgefn__collection_push_new(ctx, COLL_SET);
  duk_idx_t out = duk_get_top_index(ctx);
  if (copy) {
    duk_idx_t store = push_set_store(ctx, self);
    table *t = store_table(ctx, store);
    for (uint32_t i = 0; i < t->used; i++) {
      if (entries(t)[i].tag == T_EMPTY)
        continue;
      duk_get_prop_index(ctx, store, i);
      edgefn__collection_add(ctx, out, -1, -1);
      duk_pop(ctx);
      t = store_table(ctx, store); /* no script ran: the same store, maybe moved */
    }
    duk_pop(ctx);
  }
  return out;
}

static void result_add(duk_context *ctx, duk_idx_t out, duk_idx_t v) {
  edgefn__collection_add(ctx, out, v, v);
}

static void result_delete(duk_context *ctx, duk_idx_t out, duk_idx_t v) {
  v = duk_normalize_index(ctx, v);
  duk_get_prop_literal(ctx, out, K_SET);
  (void)store_delete(ctx, -1, v);
  duk_pop(ctx);
}

/* Walks this Set's elements as the standard's index loop over O.[[SetData]] does, following
 * additions and clears made by the callbacks (the forEach cursor); calls other.has on each
 * and stops when it answers `stop_on`. Returns whether it stopped. With out set, an element
 * other.has accepts is added to out (intersection). */
static bool walk_this(duk_context *ctx, duk_idx_t self, duk_idx_t has, bool stop_on,
                      duk_idx_t out) {
  duk_idx_t store = push_set_store(ctx, self);
  uint32_t idx = 0;
  table *t;
  while (cursor_next(ctx, store, &idx, &t)) {
    duk_get_prop_index(ctx, store, idx);
    bool in = other_has(ctx, has, -1);
    if (out >= 0) {
      if (in)
        result_add(ctx, out, -1);
    } else if (in == stop_on) {
      duk_pop_2(ctx);
      return true;
    }
    duk_pop(ctx);
    idx++;
  }
  duk_pop(ctx);
  return false;
}

/* Walks the other set's keys() and stops, closing the iterator, at the first key whose
 * presence in this Set is `stop_on`. Returns whether it stopped. */
static bool walk_other(duk_context *ctx, duk_idx_t self, duk_idx_t has, bool stop_on) {
  duk_idx_t it = push_keys_iterator(ctx, has);
  while (keys_step(ctx, it)) {
    if (set_has(ctx, self, -1) == stop_on) {
      keys_close(ctx, it);
      duk_pop_n(ctx, 3);
      return true;
    }
    duk_pop(ctx);
  }
  duk_pop_2(ctx);
  return false;
}

static duk_ret_t set_method(duk_context *ctx) {
  int m = duk_get_current_magic(ctx);
  duk_set_top(ctx, 1);
  duk_idx_t self = push_this_store(ctx, COLL_SET, set_method_names[m]) - 1;
  double other_size = 0;
  duk_idx_t has = push_set_record(ctx, &other_size);
  double this_size = store_table(ctx, push_set_store(ctx, self))->live;
  duk_pop(ctx);
  duk_idx_t out, it;
  switch (m) {
  case SM_UNION:
    it = push_keys_iterator(ctx, has);
    out = push_result(ctx, self, true);
    while (keys_step(ctx, it)) {
      result_add(ctx, out, -1);
      duk_pop(ctx);
    }
    return 1;
  case SM_INTERSECTION:
    out = push_result(ctx, self, false);
    if (this_size <= other_size) {
      (void)walk_this(ctx, self, has, false, out);
      return 1;
    }
    it = push_keys_iterator(ctx, has);
    while (keys_step(ctx, it)) {
      if (set_has(ctx, self, -1))
        result_add(ctx, out, -1);
      duk_pop(ctx);
    }
    duk_dup(ctx, out);
    return 1;
  case SM_DIFFERENCE:
    out = push_result(ctx, self, true);
    if (this_size <= other_size) {
      duk_get_prop_literal(ctx, out, K_SET);
      duk_idx_t store = duk_get_top_index(ctx);
      uint32_t used = store_table(ctx, store)->used;
      for (uint32_t i = 0; i < used; i++) {
        if (entries(store_table(ctx, store))[i].tag == T_EMPTY)
          continue;
        duk_get_prop_index(ctx, store, i);
        if (other_has(ctx, has, -1))
          (void)store_delete(ctx, store, -1);
        duk_pop(ctx);
      }
      duk_pop(ctx);
      return 1;
    }
    it = push_keys_iterator(ctx, has);
    while (keys_step(ctx, it)) {
      result_delete(ctx, out, -1);
      duk_pop(ctx);
    }
    duk_dup(ctx, out);
    return 1;
  case SM_SYMMETRIC:
    it = push_keys_iterator(ctx, has);
    out = push_result(ctx, self, true);
    while (keys_step(ctx, it)) {
      bool in_result = set_has(ctx, out, -1);
      if (set_has(ctx, self, -1)) {
        if (in_result)
          result_delete(ctx, out, -1);
      } else if (!in_result) {
        result_add(ctx, out, -1);
      }
      duk_pop(ctx);
    }
    return 1;
  case SM_SUBSET:
    duk_push_boolean(ctx, this_size <= other_size && !walk_this(ctx, self, has, false, -1));
    return 1;
  case SM_SUPERSET:
    if (this_size < other_size) {
      duk_push_false(ctx);
      return 1;
    }
    duk_push_boolean(ctx, !walk_other(ctx, self, has, false));
    return 1;
  default: /* SM_DISJOINT */
    if (this_size <= other_size) {
      duk_push_boolean(ctx, !walk_this(ctx, self, has, true, -1));
      return 1;
    }
    duk_push_boolean(ctx, !walk_other(ctx, self, has, true));
    return 1;
  }
}

typedef struct ctor_frame {
  duk_idx_t self, adder;
  bool pairs;
} ctor_frame;

static duk_ret_t ctor_add_unsafe(duk_context *ctx, void *udata) {
  ctor_frame *f = udata;
  duk_idx_t item = duk_get_top_index(ctx);
  duk_dup(ctx, f->adder);
  duk_dup(ctx, f->self);
  if (f->pairs) {
    if (!duk_is_object(ctx, item))
      return duk_type_error(ctx, "Iterator value %s is not an entry object",
                            duk_safe_to_string(ctx, item));
    duk_get_prop_index(ctx, item, 0);
    duk_get_prop_index(ctx, item, 1);
    duk_call_method(ctx, 2);
  } else {
    duk_dup(ctx, item);
    duk_call_method(ctx, 1);
  }
  return 0;
}

/* Fills the collection at self from the iterable at 0 through its adder method. */
static void fill_from_iterable(duk_context *ctx, duk_idx_t self, const char *adder_name,
                               bool pairs) {
  if (duk_is_null_or_undefined(ctx, 0))
    return;
  duk_get_prop_string(ctx, self, adder_name);
  if (!duk_is_callable(ctx, -1))
    (void)duk_type_error(ctx, "'%s' returned for property '%s' of object is not a function",
                         duk_safe_to_string(ctx, -1), adder_name);
  ctor_frame f = {self, duk_get_top_index(ctx), pairs};
  edgefn__iter_each(ctx, 0, ctor_add_unsafe, &f);
  duk_pop(ctx);
}

static void require_new(duk_context *ctx, const char *name) {
  if (!duk_is_constructor_call(ctx))
    (void)duk_type_error(ctx, "Constructor %s requires 'new'", name);
}

static void init_coll(duk_context *ctx, duk_idx_t self, int kind) {
  self = duk_normalize_index(ctx, self);
  push_store(ctx, MIN_CAP, kind == COLL_MAP ? 2 : 1);
  duk_put_prop_string(ctx, self, brand_prop(kind));
}

static duk_ret_t coll_ctor(duk_context *ctx) {
  int kind = duk_get_current_magic(ctx);
  require_new(ctx, kind == COLL_MAP ? "Map" : "Set");
  duk_push_this(ctx);
  init_coll(ctx, 1, kind);
  fill_from_iterable(ctx, 1, kind == COLL_MAP ? "set" : "add", kind == COLL_MAP);
  return 0;
}

/* ---- WeakMap and WeakSet ---- */

static duk_idx_t push_this_weak(duk_context *ctx, int kind, const char *method) {
  duk_push_this(ctx);
  if (duk_is_object(ctx, -1) &&
      duk_get_prop_string(ctx, -1, kind == COLL_MAP ? K_WEAK_MAP : K_WEAK_SET) &&
      duk_is_string(ctx, -1))
    return duk_get_top_index(ctx);
  return duk_type_error(ctx, "Method %s.prototype.%s called on incompatible receiver",
                        kind == COLL_MAP ? "WeakMap" : "WeakSet", method);
}

/* CanBeHeldWeakly: objects and symbols not made by Symbol.for. */
static bool can_be_held_weakly(duk_context *ctx, duk_idx_t idx) {
  if (duk_is_object(ctx, idx))
    return true;
  if (duk_is_symbol(ctx, idx)) {
    duk_size_t n;
    const unsigned char *s = (const unsigned char *)duk_get_lstring(ctx, idx, &n);
    return n > 0 && s[0] != 0x80;
  }
  return false;
}

/* Pushes the own cell of key for the weak collection whose hidden key is at hkey, or
 * undefined. */
static void push_cell(duk_context *ctx, duk_idx_t key_idx, duk_idx_t hkey) {
  if (!duk_is_object(ctx, key_idx)) {
    duk_push_undefined(ctx);
    return;
  }
  duk_dup(ctx, hkey);
  duk_get_prop(ctx, key_idx);
  if (duk_is_array(ctx, -1)) {
    duk_get_prop_index(ctx, -1, 1);
    bool own = duk_get_pointer(ctx, -1) == duk_get_heapptr(ctx, key_idx);
    duk_pop(ctx);
    if (own)
      return;
  }
  duk_pop(ctx);
  duk_push_undefined(ctx);
}

/* Pushes the strong store of the weak collection at self (creating it when create), or
 * undefined. */
static void push_strong(duk_context *ctx, duk_idx_t self, bool create) {
  if (duk_get_prop_literal(ctx, self, K_WEAK_STRONG) || !create)
    return;
  duk_pop(ctx);
  push_store(ctx, MIN_CAP, 2);
  duk_dup_top(ctx);
  duk_put_prop_literal(ctx, self, K_WEAK_STRONG);
}

static duk_ret_t def_cell_unsafe(duk_context *ctx, void *udata) {
  (void)udata;
  /* key, hidden key, cell */
  duk_def_prop(ctx, -3,
               DUK_DEFPROP_HAVE_VALUE | DUK_DEFPROP_SET_WRITABLE | DUK_DEFPROP_SET_CONFIGURABLE);
  return 0;
}

/* Looks key up: pushes the cell (array whose [0] is the value) or the strong store with
 * *strong_idx set to the entry, or undefined. */
static int weak_lookup(duk_context *ctx, duk_idx_t self, duk_idx_t hkey, duk_idx_t key_idx,
                       int32_t *strong_idx) {
  push_cell(ctx, key_idx, hkey);
  if (!duk_is_undefined(ctx, -1))
    return 1;
  duk_pop(ctx);
  push_strong(ctx, self, false);
  if (duk_is_array(ctx, -1)) {
    key k;
    key_of(ctx, key_idx, &k);
    *strong_idx = find(store_table(ctx, -1), &k);
    if (*strong_idx >= 0)
      return 2;
  }
  duk_pop(ctx);
  duk_push_undefined(ctx);
  return 0;
}

/* get/has/delete (magic: kind | op << 2 with op 0 get, 1 has, 2 delete). */
static duk_ret_t weak_query(duk_context *ctx) {
  int magic = duk_get_current_magic(ctx);
  int kind = magic & 3, op = magic >> 2;
  static const char *const names[] = {"get", "has", "delete"};
  duk_idx_t hkey = push_this_weak(ctx, kind, names[op]);
  duk_idx_t self = hkey - 1;
  if (!can_be_held_weakly(ctx, 0)) {
    if (op == 0)
      return 0;
    duk_push_false(ctx);
    return 1;
  }
  int32_t si = -1;
  int where = weak_lookup(ctx, self, hkey, 0, &si);
  if (op == 0) {
    if (where == 1)
      duk_get_prop_index(ctx, -1, 0);
    else if (where == 2)
      duk_get_prop_index(ctx, -1, (duk_uarridx_t)si * 2 + 1);
    else
      return 0;
    return 1;
  }
  if (op == 2 && where == 1) {
    /* Emptied rather than removed: the property may have become non-configurable. */
    duk_set_length(ctx, -1, 0);
  } else if (op == 2 && where == 2) {
    (void)store_delete(ctx, -1, 0);
  }
  duk_push_boolean(ctx, where != 0);
  return 1;
}

/* WeakMap.prototype.set / WeakSet.prototype.add. */
static duk_ret_t weak_set(duk_context *ctx) {
  int kind = duk_get_current_magic(ctx);
  duk_idx_t hkey = push_this_weak(ctx, kind, kind == COLL_MAP ? "set" : "add");
  duk_idx_t self = hkey - 1;
  if (!can_be_held_weakly(ctx, 0))
    return duk_type_error(ctx, "Invalid value used %s", kind == COLL_MAP ? "as weak map key"
                                                                         : "in weak set");
  if (kind == COLL_SET) {
    duk_push_true(ctx);
    duk_replace(ctx, 1);
  }
  push_cell(ctx, 0, hkey);
  if (duk_is_array(ctx, -1)) {
    /* A cell emptied by delete is refilled. */
    duk_dup(ctx, 1);
    duk_put_prop_index(ctx, -2, 0);
    duk_push_pointer(ctx, duk_get_heapptr(ctx, 0));
    duk_put_prop_index(ctx, -2, 1);
    duk_dup(ctx, self);
    return 1;
  }
  duk_pop(ctx);
  if (duk_is_object(ctx, 0)) {
    duk_dup(ctx, 0);
    duk_dup(ctx, hkey);
    duk_push_array(ctx);
    duk_dup(ctx, 1);
    duk_put_prop_index(ctx, -2, 0);
    duk_push_pointer(ctx, duk_get_heapptr(ctx, 0));
    duk_put_prop_index(ctx, -2, 1);
    if (duk_safe_call(ctx, def_cell_unsafe, NULL, 3, 1) == DUK_EXEC_SUCCESS) {
      duk_dup(ctx, self);
      return 1;
    }
    duk_pop(ctx);
  }
  push_strong(ctx, self, true);
  store_add(ctx, self, K_WEAK_STRONG, duk_get_top_index(ctx), 0, 1);
  duk_dup(ctx, self);
  return 1;
}

static duk_ret_t weak_ctor(duk_context *ctx) {
  int kind = duk_get_current_magic(ctx);
  require_new(ctx, kind == COLL_MAP ? "WeakMap" : "WeakSet");
  duk_push_this(ctx);
  /* A per-heap counter names the collection's hidden key: an address could be reused by
   * a later collection while stale cells of a dead one remain on live keys. */
  duk_push_global_stash(ctx);
  duk_get_prop_literal(ctx, -1, S_WEAK_COUNTER);
  double id = duk_get_number_default(ctx, -1, 0) + 1;
  duk_pop(ctx);
  duk_push_number(ctx, id);
  duk_put_prop_literal(ctx, -2, S_WEAK_COUNTER);
  duk_pop(ctx);
  duk_push_sprintf(ctx, "\xFF" "w%.0f", id);
  duk_put_prop_string(ctx, 1, kind == COLL_MAP ? K_WEAK_MAP : K_WEAK_SET);
  fill_from_iterable(ctx, 1, kind == COLL_MAP ? "set" : "add", kind == COLL_MAP);
  return 0;
}

/* ---- the interface for structuredClone ---- */

int edgefn__collection_kind(duk_context *ctx, duk_idx_t idx) {
  if (!duk_is_object(ctx, idx))
    return 0;
  idx = duk_normalize_index(ctx, idx);
  int kind = 0;
  if (duk_get_prop_literal(ctx, idx, K_MAP) && duk_is_array(ctx, -1))
    kind = COLL_MAP;
  duk_pop(ctx);
  if (!kind) {
    if (duk_get_prop_literal(ctx, idx, K_SET) && duk_is_array(ctx, -1))
      kind = COLL_SET;
    duk_pop(ctx);
  }
  return kind;
}

void edgefn__collection_push_entries(duk_context *ctx, duk_idx_t idx) {
  idx = duk_normalize_index(ctx, idx);
  int kind = edgefn__collection_kind(ctx, idx);
  duk_idx_t out = duk_push_array(ctx);
  if (!kind)
    return;
  duk_get_prop_string(ctx, idx, brand_prop(kind));
  duk_idx_t store = duk_get_top_index(ctx);
  table *t = store_table(ctx, store);
  key *e = entries(t);
  duk_uarridx_t n = 0;
  for (uint32_t i = 0; i < t->used; i++) {
    if (e[i].tag == T_EMPTY)
      continue;
    for (uint32_t s = 0; s < t->slots; s++) {
      duk_get_prop_index(ctx, store, i * t->slots + s);
      duk_put_prop_index(ctx, out, n++);
    }
  }
  duk_pop(ctx);
}

void edgefn__collection_push_new(duk_context *ctx, int kind) {
  duk_push_global_stash(ctx);
  bool installed = duk_has_prop_literal(ctx, -1, S_MAP_PROTO);
  duk_pop(ctx);
  /* structuredClone may make a Map before any script touched the lazy global. */
  if (!installed)
    edgefn__es_collections_install(ctx);
  duk_push_object(ctx);
  duk_push_global_stash(ctx);
  duk_get_prop_string(ctx, -1, kind == COLL_MAP ? S_MAP_PROTO : S_SET_PROTO);
  duk_set_prototype(ctx, -3);
  duk_pop(ctx);
  init_coll(ctx, -1, kind);
}

void edgefn__collection_add(duk_context *ctx, duk_idx_t coll, duk_idx_t k, duk_idx_t v) {
  coll = duk_normalize_index(ctx, coll);
  k = duk_normalize_index(ctx, k);
  v = duk_normalize_index(ctx, v);
  int kind = edgefn__collection_kind(ctx, coll);
  if (!kind)
    return;
  duk_get_prop_string(ctx, coll, brand_prop(kind));
  store_add(ctx, coll, brand_prop(kind), duk_get_top_index(ctx), k, v);
  duk_pop(ctx);
}

bool edgefn__collection_delete(duk_context *ctx, duk_idx_t coll, duk_idx_t k) {
  coll = duk_normalize_index(ctx, coll);
  k = duk_normalize_index(ctx, k);
  int kind = edgefn__collection_kind(ctx, coll);
  if (!kind)
    return false;
  duk_get_prop_string(ctx, coll, brand_prop(kind));
  bool found = store_delete(ctx, -1, k);
  duk_pop(ctx);
  return found;
}

bool edgefn__collection_get(duk_context *ctx, duk_idx_t coll, duk_idx_t k) {
  coll = duk_normalize_index(ctx, coll);
  k = duk_normalize_index(ctx, k);
  if (edgefn__collection_kind(ctx, coll) != COLL_MAP)
    return false;
  duk_get_prop_literal(ctx, coll, K_MAP);
  duk_idx_t store = duk_get_top_index(ctx);
  key kk;
  key_of(ctx, k, &kk);
  int32_t i = store_find(ctx, store, store_table(ctx, store), k, &kk);
  if (i >= 0)
    duk_get_prop_index(ctx, store, (duk_uarridx_t)i * 2 + 1);
  duk_remove(ctx, store);
  return i >= 0;
}

/* ---- installation ---- */

#define DEFPROP_TAG                                                                               \
  (DUK_DEFPROP_HAVE_VALUE | DUK_DEFPROP_CLEAR_WRITABLE | DUK_DEFPROP_CLEAR_ENUMERABLE |           \
   DUK_DEFPROP_SET_CONFIGURABLE)

static void def_tag(duk_context *ctx, duk_idx_t obj, const char *tag) {
  obj = duk_normalize_index(ctx, obj);
  duk_push_literal(ctx, SYM_TO_STRING_TAG);
  duk_push_string(ctx, tag);
  duk_def_prop(ctx, obj, DEFPROP_TAG);
}

static void def_alias(duk_context *ctx, duk_idx_t obj, const char *from, const char *to_sym) {
  obj = duk_normalize_index(ctx, obj);
  duk_push_string(ctx, to_sym);
  duk_get_prop_string(ctx, obj, from);
  duk_def_prop(ctx, obj,
               DUK_DEFPROP_HAVE_VALUE | DUK_DEFPROP_SET_WRITABLE | DUK_DEFPROP_CLEAR_ENUMERABLE |
                   DUK_DEFPROP_SET_CONFIGURABLE);
}

static void def_size(duk_context *ctx, duk_idx_t proto, int kind) {
  proto = duk_normalize_index(ctx, proto);
  duk_push_literal(ctx, "size");
  duk_push_c_function(ctx, coll_size, 0);
  duk_set_magic(ctx, -1, kind);
  duk_push_literal(ctx, "name");
  duk_push_literal(ctx, "get size");
  duk_def_prop(ctx, -3, DEFPROP_TAG | DUK_DEFPROP_FORCE);
  duk_def_prop(ctx, proto,
               DUK_DEFPROP_HAVE_GETTER | DUK_DEFPROP_CLEAR_ENUMERABLE |
                   DUK_DEFPROP_SET_CONFIGURABLE);
}

static const edgefn__es_method map_methods[] = {
    {"get", coll_get, 1, 1, COLL_MAP},
    {"set", coll_set, 2, 2, COLL_MAP},
    {"has", coll_has, 1, 1, COLL_MAP},
    {"delete", coll_delete, 1, 1, COLL_MAP},
    {"clear", coll_clear, 0, 0, COLL_MAP},
    {"entries", coll_iter_method, 0, 0, KIND_ENTRIES << 2 | COLL_MAP},
    {"forEach", coll_for_each, 2, 1, COLL_MAP},
    {"keys", coll_iter_method, 0, 0, KIND_KEYS << 2 | COLL_MAP},
    {"values", coll_iter_method, 0, 0, KIND_VALUES << 2 | COLL_MAP},
};

static const edgefn__es_method set_methods[] = {
    {"has", coll_has, 1, 1, COLL_SET},
    {"add", coll_set, 1, 1, COLL_SET},
    {"delete", coll_delete, 1, 1, COLL_SET},
    {"clear", coll_clear, 0, 0, COLL_SET},
    {"entries", coll_iter_method, 0, 0, KIND_ENTRIES << 2 | COLL_SET},
    {"forEach", coll_for_each, 2, 1, COLL_SET},
    {"values", coll_iter_method, 0, 0, KIND_VALUES << 2 | COLL_SET},
    {"union", set_method, 1, 1, SM_UNION},
    {"intersection", set_method, 1, 1, SM_INTERSECTION},
    {"difference", set_method, 1, 1, SM_DIFFERENCE},
    {"symmetricDifference", set_method, 1, 1, SM_SYMMETRIC},
    {"isSubsetOf", set_method, 1, 1, SM_SUBSET},
    {"isSupersetOf", set_method, 1, 1, SM_SUPERSET},
    {"isDisjointFrom", set_method, 1, 1, SM_DISJOINT},
};

static const edgefn__es_method weak_map_methods[] = {
    {"delete", weak_query, 1, 1, 2 << 2 | COLL_MAP},
    {"get", weak_query, 1, 1, 0 << 2 | COLL_MAP},
    {"set", weak_set, 2, 2, COLL_MAP},
    {"has", weak_query, 1, 1, 1 << 2 | COLL_MAP},
};

static const edgefn__es_method weak_set_methods[] = {
    {"add", weak_set, 2, 1, COLL_SET},
    {"delete", weak_query, 1, 1, 2 << 2 | COLL_SET},
    {"has", weak_query, 1, 1, 1 << 2 | COLL_SET},
};

static const edgefn__es_method iter_next[] = {{"next", coll_iter_next, 0, 0, 0}};

/* Makes a constructor with its prototype and defines it on the global; leaves proto on the
 * stack. */
static duk_idx_t make_class(duk_context *ctx, const char *name, duk_c_function ctor, int magic,
                            const edgefn__es_method *methods, size_t n) {
  duk_push_c_function(ctx, ctor, 1);
  duk_set_magic(ctx, -1, magic);
  duk_idx_t c = duk_get_top_index(ctx);
  duk_push_literal(ctx, "name");
  duk_push_string(ctx, name);
  duk_def_prop(ctx, c, DEFPROP_TAG | DUK_DEFPROP_FORCE);
  duk_push_literal(ctx, "length");
  duk_push_int(ctx, 0);
  duk_def_prop(ctx, c, DEFPROP_TAG | DUK_DEFPROP_FORCE);
  duk_idx_t proto = duk_push_object(ctx);
  edgefn__es_def_methods(ctx, proto, methods, n);
  duk_push_literal(ctx, "constructor");
  duk_dup(ctx, c);
  duk_def_prop(ctx, proto,
               DUK_DEFPROP_HAVE_VALUE | DUK_DEFPROP_SET_WRITABLE | DUK_DEFPROP_CLEAR_ENUMERABLE |
                   DUK_DEFPROP_SET_CONFIGURABLE);
  duk_push_literal(ctx, "prototype");
  duk_dup(ctx, proto);
  duk_def_prop(ctx, c, DUK_DEFPROP_HAVE_VALUE | DUK_DEFPROP_CLEAR_WEC | DUK_DEFPROP_FORCE);
  def_tag(ctx, proto, name);
  duk_push_global_object(ctx);
  duk_push_string(ctx, name);
  duk_dup(ctx, c);
  duk_def_prop(ctx, -3,
               DUK_DEFPROP_HAVE_VALUE | DUK_DEFPROP_SET_WRITABLE | DUK_DEFPROP_CLEAR_ENUMERABLE |
                   DUK_DEFPROP_SET_CONFIGURABLE);
  duk_pop(ctx);
  duk_remove(ctx, c);
  return duk_get_top_index(ctx);
}

static void make_iter_proto(duk_context *ctx, duk_idx_t stash, const char *tag,
                            const char *stash_key) {
  duk_idx_t p = duk_push_object(ctx);
  edgefn__iter_push_proto(ctx);
  duk_set_prototype(ctx, p);
  edgefn__es_def_methods(ctx, p, iter_next, 1);
  def_tag(ctx, p, tag);
  duk_put_prop_string(ctx, stash, stash_key);
}

void edgefn__es_collections_install(duk_context *ctx) {
  duk_push_global_stash(ctx);
  duk_idx_t stash = duk_get_top_index(ctx);

  duk_idx_t proto = make_class(ctx, "Map", coll_ctor, COLL_MAP, map_methods,
                               EDGEFN_ARRAY_LEN(map_methods));
  def_size(ctx, proto, COLL_MAP);
  def_alias(ctx, proto, "entries", SYM_ITERATOR);
  duk_get_prop_literal(ctx, proto, "constructor");
  edgefn__es_def_methods(ctx, -1, &edgefn__es_map_group_by, 1);
  duk_pop(ctx);
  duk_put_prop_literal(ctx, stash, S_MAP_PROTO);

  proto = make_class(ctx, "Set", coll_ctor, COLL_SET, set_methods,
                     EDGEFN_ARRAY_LEN(set_methods));
  def_size(ctx, proto, COLL_SET);
  def_alias(ctx, proto, "values", "keys");
  def_alias(ctx, proto, "values", SYM_ITERATOR);
  duk_put_prop_literal(ctx, stash, S_SET_PROTO);

  make_class(ctx, "WeakMap", weak_ctor, COLL_MAP, weak_map_methods,
             EDGEFN_ARRAY_LEN(weak_map_methods));
  duk_pop(ctx);
  make_class(ctx, "WeakSet", weak_ctor, COLL_SET, weak_set_methods,
             EDGEFN_ARRAY_LEN(weak_set_methods));
  duk_pop(ctx);

  make_iter_proto(ctx, stash, "Map Iterator", S_MAP_ITER_PROTO);
  make_iter_proto(ctx, stash, "Set Iterator", S_SET_ITER_PROTO);
  duk_pop(ctx);
}
