/* The short paths over Duktape internals (lib/duktape/internals.c) must give exactly what
 * Duktape's own API gives. edgefn__duk_get_prop_lstring replaces every duk_get_prop_literal
 * in the library (lib/js/duk.h): each case reads a key from an object of some shape with it
 * and with Duktape's duk_get_prop_literal_raw, and compares the return value, the value
 * pushed, whether an error was thrown, and how many times getters and Proxy traps ran. */
#include <stdio.h>
#include <string.h>

#include "duk_extras.h"
#include "js/js.h"
#include "test.h"

static const char setup[] =
    "var calls = 0;\n"
    "var proto = { inherited: 'p', shadowed: 'p', get getterInherited() { calls++; return this.own; } };\n"
    "var objs = {\n"
    "  plain: { own: 1, shadowed: 'o', undef: undefined, get getterOwn() { calls++; return 7; } },\n"
    "  child: Object.create(proto, { own: { value: 2, enumerable: false } }),\n"
    "  nullProto: Object.create(null),\n"
    "  array: [10, 20],\n"
    "  args: (function (a) { return arguments; })('x'),\n"
    "  string: new String('ab'),\n"
    "  bytes: new Uint8Array([3, 4]),\n"
    "  proxy: new Proxy({ own: 'target' }, { get: function (t, k) { calls++; return 'trap:' + String(k); } }),\n"
    "  strictFn: function () { 'use strict'; },\n"
    "  sloppyFn: function () {},\n"
    "  frozen: Object.freeze({ own: 'f' }),\n"
    "  setterOnly: { set own(v) {} },\n"
    "  big: (function () { var o = {}; for (var i = 0; i < 40; i++) o['k' + i] = i; o.own = 'big'; return o; })(),\n"
    "  deep: (function () { var o = { own: 'bottom' }; for (var i = 0; i < 60; i++) o = Object.create(o); return o; })(),\n"
    "  polluted: {}\n"
    "};\n"
    "objs.nullProto.own = 'np';\n"
    "Object.prototype.pollution = 'op';\n"
    "objs.poisoned = Object.create({ get own() { throw new Error('getter threw'); } });\n";

static const char *const object_names[] = {
    "plain", "child", "nullProto", "array", "args", "string", "bytes", "proxy", "strictFn",
    "sloppyFn", "frozen", "setterOnly", "big", "deep", "polluted", "poisoned"};

#define KEY_CASES(X)                                                                         \
  X("own") X("inherited") X("shadowed") X("undef") X("getterOwn") X("getterInherited")      \
  X("missing") X("pollution") X("0") X("1") X("length") X("caller") X("callee") X("name")   \
  X("__proto__") X("constructor") X("toString") X("k39") X(DUK_HIDDEN_SYMBOL("slot"))

typedef struct outcome {
  int threw;
  duk_bool_t rc;
  int calls;
  char value[160]; /* for messages; values are compared with duk_strict_equals */
} outcome;

typedef struct probe {
  const char *key;
  duk_size_t key_len;
  int fast;
  duk_bool_t rc;
} probe;

static duk_ret_t probe_safe(duk_context *ctx, void *udata) {
  probe *p = udata;
  /* [ ... obj ]: a safe call sees the caller's whole value stack */
  p->rc = p->fast ? edgefn__duk_get_prop_lstring(ctx, -1, p->key, p->key_len)
                  : duk_get_prop_literal_raw(ctx, -1, p->key, p->key_len);
  return 1;
}

/* Reads objs[obj][key] one way or the other and leaves the value (or the error) on the
 * stack. */
static void run_probe(duk_context *ctx, const char *obj, const char *key, duk_size_t key_len,
                      int fast, outcome *o) {
  memset(o, 0, sizeof(*o));
  duk_eval_string_noresult(ctx, "calls = 0;");
  duk_get_global_string(ctx, "objs");
  duk_get_prop_string(ctx, -1, obj);
  duk_remove(ctx, -2);
  probe p = {key, key_len, fast, 0};
  duk_int_t prc = duk_safe_call(ctx, probe_safe, &p, 1, 1);
  o->threw = prc != DUK_EXEC_SUCCESS;
  o->rc = o->threw ? 0 : p.rc;
  duk_dup_top(ctx);
  snprintf(o->value, sizeof(o->value), "type %d: %s", (int)duk_get_type(ctx, -1),
           duk_safe_to_string(ctx, -1));
  duk_pop(ctx);
  duk_eval_string(ctx, "calls");
  o->calls = duk_get_int(ctx, -1);
  duk_pop(ctx);
}

TEST(duk_fast_get_matches_generic) {
  duk_context *ctx = duk_create_heap_default();
  ASSERT(ctx != NULL);
  duk_eval_string_noresult(ctx, setup);
  /* A hidden slot on an ordinary object, set from C as the library sets its slots. */
  duk_get_global_string(ctx, "objs");
  duk_get_prop_string(ctx, -1, "plain");
  duk_push_string(ctx, "hidden value");
  duk_put_prop_string(ctx, -2, DUK_HIDDEN_SYMBOL("slot"));
  duk_pop_2(ctx);
  duk_idx_t top = duk_get_top(ctx);

  static const struct {
    const char *key;
    duk_size_t len;
  } keys[] = {
#define KEY_ENTRY(k) {k, sizeof(k) - 1},
      KEY_CASES(KEY_ENTRY)
#undef KEY_ENTRY
  };
  int compared = 0, found = 0, getter_runs = 0, errors = 0;
  for (size_t i = 0; i < sizeof(object_names) / sizeof(object_names[0]); i++) {
    for (size_t j = 0; j < sizeof(keys) / sizeof(keys[0]); j++) {
      outcome slow, fast;
      run_probe(ctx, object_names[i], keys[j].key, keys[j].len, 0, &slow);
      run_probe(ctx, object_names[i], keys[j].key, keys[j].len, 1, &fast);
      /* Errors are new objects each time: compare their messages; values by identity. */
      int same_value = slow.threw ? strcmp(slow.value, fast.value) == 0
                                  : duk_strict_equals(ctx, -1, -2);
      duk_pop_2(ctx);
      if (slow.threw != fast.threw || slow.rc != fast.rc || slow.calls != fast.calls ||
          !same_value) {
        fprintf(stderr,
                "objs.%s[%s]: generic threw=%d rc=%d calls=%d %s; short path threw=%d rc=%d "
                "calls=%d %s\n",
                object_names[i], (unsigned char)keys[j].key[0] == 0xFF ? "(hidden slot)" : keys[j].key,
                slow.threw, (int)slow.rc, slow.calls, slow.value, fast.threw, (int)fast.rc,
                fast.calls, fast.value);
        return 1;
      }
      ASSERT_EQ(duk_get_top(ctx), top);
      compared++;
      found += fast.rc != 0;
      getter_runs += fast.calls;
      errors += fast.threw;
    }
  }
  /* The cases reach every kind of answer: found and absent, getters and traps that run,
   * and errors (a throwing getter, a strict function's caller). */
  ASSERT(compared == 16 * 19);
  ASSERT(found > 100 && found < compared);
  ASSERT(getter_runs >= 20);
  ASSERT(errors >= 2);

  /* The value read is the value stored, also for a hidden slot and through a long chain. */
  duk_get_global_string(ctx, "objs");
  duk_get_prop_string(ctx, -1, "plain");
  ASSERT(edgefn__duk_get_prop_lstring(ctx, -1, DUK_HIDDEN_SYMBOL("slot"),
                                      sizeof(DUK_HIDDEN_SYMBOL("slot")) - 1));
  ASSERT_STREQ(duk_get_string(ctx, -1), "hidden value");
  duk_pop_2(ctx);
  duk_get_prop_string(ctx, -1, "deep");
  ASSERT(edgefn__duk_get_prop_lstring(ctx, -1, "own", 3));
  ASSERT_STREQ(duk_get_string(ctx, -1), "bottom");
  duk_pop_3(ctx);

  /* The stash: the same object Duktape's duk_push_global_stash pushes (the parentheses
   * reach the function under lib/js/duk.h's macro), also when it is made on first use. */
  edgefn__duk_push_global_stash(ctx);
  (duk_push_global_stash)(ctx);
  ASSERT(duk_is_object(ctx, -1));
  ASSERT(duk_strict_equals(ctx, -1, -2));
  duk_pop_2(ctx);
  duk_destroy_heap(ctx);

  ctx = duk_create_heap_default();
  ASSERT(ctx != NULL);
  edgefn__duk_push_global_stash(ctx); /* none yet: made now */
  duk_push_int(ctx, 42);
  duk_put_prop_string(ctx, -2, "mark");
  (duk_push_global_stash)(ctx);
  duk_get_prop_string(ctx, -1, "mark");
  ASSERT_EQ(duk_get_int(ctx, -1), 42);
  ASSERT(duk_strict_equals(ctx, -2, -3));
  duk_destroy_heap(ctx);
  return 0;
}

/* edgefn__duk_put_own_lstring: the key becomes an own data property holding the value,
 * writable, enumerable and configurable, whatever it was before (except an accessor, which
 * is refused), appended after the existing keys when new; the other properties and the
 * prototype chain are untouched (no setter runs); exotic objects take Duktape's path. */
static const char put_setup[] =
    "var setterRuns = 0;\n"
    "function shapes() { return {\n"
    "  empty: {},\n"
    "  some: { a: 1, b: 2 },\n"
    "  big: (function () { var o = {}; for (var i = 0; i < 40; i++) o['k' + i] = i; return o; })(),\n"
    "  readOnly: Object.defineProperty({ a: 1 }, 'key', { value: 'old', writable: false, enumerable: false }),\n"
    "  frozen: Object.freeze({ a: 1 }),\n"
    "  inheritsSetter: Object.create({ set key(v) { setterRuns++; } }),\n"
    "  deleted: (function () { var o = { key: 1, z: 2 }; delete o.key; return o; })(),\n"
    "  array: [1, 2],\n"
    "  fn: function () {}\n"
    "}; }\n"
    "function describe(o) {\n"
    "  return JSON.stringify(Object.getOwnPropertyNames(o).map(function (k) {\n"
    "    var d = Object.getOwnPropertyDescriptor(o, k);\n"
    "    return [k, 'value' in d ? String(d.value) : 'accessor', d.writable, d.enumerable, d.configurable];\n"
    "  }));\n"
    "}\n"
    "function expected(o, key, v) {\n"
    "  var names = Object.getOwnPropertyNames(o), had = names.indexOf(key) >= 0;\n"
    "  var rows = names.map(function (k) {\n"
    "    if (k === key) return [k, v, true, true, true];\n"
    "    var d = Object.getOwnPropertyDescriptor(o, k);\n"
    "    return [k, 'value' in d ? String(d.value) : 'accessor', d.writable, d.enumerable, d.configurable];\n"
    "  });\n"
    "  if (!had) rows.push([key, v, true, true, true]);\n"
    "  var isIdx = function (r) { return /^(0|[1-9][0-9]*)$/.test(r[0]); };\n"
    "  rows = rows.filter(isIdx).sort(function (x, y) { return x[0] - y[0]; })\n"
    "    .concat(rows.filter(function (r) { return !isIdx(r); }));\n"
    "  return JSON.stringify(rows);\n"
    "}\n";

typedef struct put_probe {
  const char *key;
  duk_size_t key_len;
} put_probe;

static duk_ret_t put_safe(duk_context *ctx, void *udata) {
  put_probe *p = udata;
  /* [ ... obj value ] */
  edgefn__duk_put_own_lstring(ctx, -2, p->key, p->key_len);
  return 0;
}

TEST(duk_fast_put_own_defines_data_property) {
  duk_context *ctx = duk_create_heap_default();
  ASSERT(ctx != NULL);
  duk_eval_string_noresult(ctx, put_setup);
  static const char *const shapes[] = {"empty", "some", "big", "readOnly", "frozen",
                                       "inheritsSetter", "deleted", "array", "fn"};
  static const struct {
    const char *key;
    duk_size_t len;
  } keys[] = {{"key", 3}, {"a", 1}, {"k7", 2}, {"length", 6}, {"0", 1}, {"name", 4}};
  int checked = 0;
  for (size_t i = 0; i < sizeof(shapes) / sizeof(shapes[0]); i++) {
    for (size_t j = 0; j < sizeof(keys) / sizeof(keys[0]); j++) {
      if (strcmp(shapes[i], "array") == 0 && strcmp(keys[j].key, "length") == 0)
        continue; /* Duktape's own path sets an array's length: a different contract */
      duk_eval_string(ctx, "shapes()");
      duk_get_prop_string(ctx, -1, shapes[i]); /* [ all obj ] */
      duk_get_global_string(ctx, "expected");
      duk_dup(ctx, -2);
      duk_push_string(ctx, keys[j].key);
      duk_push_string(ctx, "new value");
      duk_call(ctx, 3);
      char want[2048];
      snprintf(want, sizeof(want), "%s", duk_get_string(ctx, -1));
      duk_pop(ctx);
      duk_push_string(ctx, "new value");
      put_probe p = {keys[j].key, keys[j].len};
      duk_int_t rc = duk_safe_call(ctx, put_safe, &p, 2, 0); /* consumes obj and value */
      ASSERT_EQ(rc, DUK_EXEC_SUCCESS);
      duk_get_prop_string(ctx, -1, shapes[i]);
      duk_get_global_string(ctx, "describe");
      duk_dup(ctx, -2);
      duk_call(ctx, 1);
      if (strcmp(duk_get_string(ctx, -1), want) != 0) {
        fprintf(stderr, "%s.%s: got %s\nwant %s\n", shapes[i], keys[j].key,
                duk_get_string(ctx, -1), want);
        return 1;
      }
      duk_pop_3(ctx);
      checked++;
    }
  }
  ASSERT_EQ(checked, 9 * 6 - 1);
  duk_eval_string(ctx, "setterRuns");
  ASSERT_EQ(duk_get_int(ctx, -1), 0);
  duk_pop(ctx);

  /* An own accessor is refused (an error, the object unchanged). */
  duk_eval_string(ctx, "var acc = { get key() { return 1; } }; acc");
  duk_push_string(ctx, "v");
  put_probe p = {"key", 3};
  ASSERT(duk_safe_call(ctx, put_safe, &p, 2, 1) != DUK_EXEC_SUCCESS);
  duk_pop(ctx); /* the error */
  duk_eval_string(ctx, "acc.key === 1 && typeof Object.getOwnPropertyDescriptor(acc, 'key').get");
  ASSERT_STREQ(duk_get_string(ctx, -1), "function");
  duk_pop(ctx);

  /* The value's reference moves into the object: it survives a collection after every
   * other reference is gone, and the old value of a replaced property is released. */
  duk_eval_string(ctx, "var holder = {}; holder");
  for (int i = 0; i < 200; i++) {
    duk_push_sprintf(ctx, "value %d", i);
    EDGEFN_PUT_OWN_LITERAL(ctx, -2, DUK_HIDDEN_SYMBOL("slot"));
    duk_push_object(ctx);
    duk_push_int(ctx, i);
    duk_put_prop_string(ctx, -2, "n");
    EDGEFN_PUT_OWN_LITERAL(ctx, -2, "obj");
  }
  duk_pop(ctx);
  duk_gc(ctx, 0);
  duk_eval_string(ctx, "holder.obj.n");
  ASSERT_EQ(duk_get_int(ctx, -1), 199);
  duk_pop(ctx);
  duk_destroy_heap(ctx);
  return 0;
}

/* edgefn__duk_get_prop_index against Duktape's duk_get_prop_index (reached through the
 * parentheses, past lib/js/duk.h's macro) on every kind of indexed object. */
static const char index_setup[] =
    "var calls = 0;\n"
    "Array.prototype[3] = 'from Array.prototype';\n"
    "var idx = {\n"
    "  dense: [10, 20, 30],\n"
    "  holes: [, 'b', , ],\n"
    "  getter: (function () { var a = [1, 2]; Object.defineProperty(a, 1, { get: function () { calls++; return 'g'; } }); return a; })(),\n"
    "  args: (function (a, b) { arguments[0] = 'changed'; return arguments; })('x', 'y'),\n"
    "  proxy: new Proxy([1, 2], { get: function (t, k) { calls++; return 'trap' + String(k); } }),\n"
    "  string: new String('abc'),\n"
    "  bytes: new Uint8Array([7, 8]),\n"
    "  plain: { 0: 'zero', 2: 'two' },\n"
    "  inherits: Object.create(['p0', 'p1']),\n"
    "  shrunk: (function () { var a = [1, 2, 3, 4]; a.length = 1; return a; })(),\n"
    "  big: (function () { var a = []; for (var i = 0; i < 100; i++) a.push(i * 2); return a; })()\n"
    "};\n";

typedef struct index_probe {
  duk_uarridx_t i;
  int fast;
  duk_bool_t rc;
} index_probe;

static duk_ret_t index_safe(duk_context *ctx, void *udata) {
  index_probe *p = udata;
  p->rc = p->fast ? edgefn__duk_get_prop_index(ctx, -1, p->i)
                  : (duk_get_prop_index)(ctx, -1, p->i);
  return 1;
}

TEST(duk_fast_get_index_matches_generic) {
  duk_context *ctx = duk_create_heap_default();
  ASSERT(ctx != NULL);
  duk_eval_string_noresult(ctx, index_setup);
  static const char *const names[] = {"dense", "holes",  "getter", "args",
                                      "proxy", "string", "bytes",  "plain",
                                      "inherits", "shrunk", "big"};
  static const duk_uarridx_t indices[] = {0, 1, 2, 3, 4, 99, 100, 1000000};
  int compared = 0, found = 0;
  for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
    for (size_t j = 0; j < sizeof(indices) / sizeof(indices[0]); j++) {
      index_probe p[2];
      int calls[2];
      for (int fast = 0; fast < 2; fast++) {
        duk_eval_string_noresult(ctx, "calls = 0;");
        duk_get_global_string(ctx, "idx");
        duk_get_prop_string(ctx, -1, names[i]);
        duk_remove(ctx, -2);
        p[fast] = (index_probe){indices[j], fast, 0};
        ASSERT_EQ(duk_safe_call(ctx, index_safe, &p[fast], 1, 1), DUK_EXEC_SUCCESS);
        duk_eval_string(ctx, "calls");
        calls[fast] = duk_get_int(ctx, -1);
        duk_pop(ctx);
      }
      if (p[0].rc != p[1].rc || calls[0] != calls[1] || !duk_strict_equals(ctx, -1, -2)) {
        fprintf(stderr, "idx.%s[%u]: generic rc=%d calls=%d %s; short path rc=%d calls=%d %s\n",
                names[i], (unsigned)indices[j], (int)p[0].rc, calls[0],
                duk_safe_to_string(ctx, -2), (int)p[1].rc, calls[1], duk_safe_to_string(ctx, -1));
        return 1;
      }
      found += p[1].rc != 0;
      duk_pop_2(ctx);
      compared++;
    }
  }
  ASSERT_EQ(compared, 11 * 8);
  ASSERT(found > 30 && found < compared);
  duk_destroy_heap(ctx);
  return 0;
}

/* edgefn__duk_get_own_hidden_lstring: an own hidden slot is read whatever the object's
 * state (frozen, big enough for a hash part); one only on the prototype is absent;
 * non-objects and missing slots push undefined and return 0. */
TEST(duk_own_hidden_reads_own_slots_only) {
  duk_context *ctx = duk_create_heap_default();
  ASSERT(ctx != NULL);
  static const char slot[] = DUK_HIDDEN_SYMBOL("slot");
  /* 0: own, 1: frozen own, 2: inherits the slot only, 3: big object with the slot,
   * 4: a number, 5: no slot */
  duk_eval_string(ctx, "({})");
  duk_push_int(ctx, 1);
  duk_put_prop_string(ctx, -2, slot);
  duk_eval_string(ctx, "({ a: 1 })");
  duk_push_int(ctx, 2);
  duk_put_prop_string(ctx, -2, slot);
  duk_eval_string(ctx, "(function (o) { return Object.freeze(o); })");
  duk_dup(ctx, -2);
  duk_call(ctx, 1);
  duk_remove(ctx, -2);
  duk_push_object(ctx);
  duk_dup(ctx, 0);
  duk_set_prototype(ctx, -2);
  duk_eval_string(ctx, "(function () { var o = {}; for (var i = 0; i < 64; i++) o['k' + i] = i;"
                       " return o; })()");
  duk_push_int(ctx, 4);
  duk_put_prop_string(ctx, -2, slot);
  duk_push_int(ctx, 7);
  duk_push_object(ctx);
  static const int want[] = {1, 2, 0, 4, 0, 0};
  for (duk_idx_t i = 0; i < 6; i++) {
    duk_bool_t found = EDGEFN_GET_OWN_LITERAL(ctx, i, DUK_HIDDEN_SYMBOL("slot"));
    ASSERT_EQ(found ? 1 : 0, want[i] ? 1 : 0);
    if (want[i])
      ASSERT_EQ(duk_get_int(ctx, -1), want[i]);
    else
      ASSERT(duk_is_undefined(ctx, -1));
    duk_pop(ctx);
  }
  /* The generic [[Get]] does see the inherited one: the difference is deliberate. */
  ASSERT(duk_get_prop_string(ctx, 2, slot));
  duk_destroy_heap(ctx);
  return 0;
}
