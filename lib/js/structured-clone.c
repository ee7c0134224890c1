/* structuredClone (HTML §2.7, StructuredSerialize + StructuredDeserialize in one pass).
 *
 * Supported: primitives, Boolean/Number/String objects, Date, RegExp, ArrayBuffer, typed
 * arrays and DataView (a view's buffer is cloned once and shared as in the source), Map, Set,
 * Array, plain objects and the native Error types. The memory of already-cloned objects is
 * a native Map, so cycles and shared references come out as they went in. Anything else that
 * cannot be cloned (functions, symbols, Promise, WeakMap, ...) throws a DataCloneError: a
 * DOMException when that global exists, else an Error named DataCloneError.
 * `{transfer: [...]}` moves ArrayBuffers (the only transferable objects here) into the
 * clone: the originals are detached once the whole value has been cloned, so a clone that
 * fails detaches nothing (HTML's StructuredSerializeWithTransfer). */
#include "js/js.h"

#include "detach.h"

#include <string.h>

#define S_TO_STRING DUK_HIDDEN_SYMBOL("edgefn.clone.tostring")

typedef struct clone_frame {
  duk_idx_t memory;
  int depth;
} clone_frame;

#define MAX_DEPTH 1000

static void throw_data_clone_error(duk_context *ctx, duk_idx_t v, const char *what) {
  const char *desc = what ? what : duk_safe_to_string(ctx, v);
  duk_push_sprintf(ctx, "%s could not be cloned.", desc);
  duk_get_global_literal(ctx, "DOMException");
  if (duk_is_constructable(ctx, -1)) {
    duk_dup(ctx, -2);
    duk_push_literal(ctx, "DataCloneError");
    duk_new(ctx, 2);
    (void)duk_throw(ctx);
  }
  duk_pop(ctx);
  duk_push_error_object(ctx, DUK_ERR_ERROR, "%s", duk_get_string(ctx, -1));
  duk_push_literal(ctx, "name");
  duk_push_literal(ctx, "DataCloneError");
  duk_def_prop(ctx, -3,
               DUK_DEFPROP_HAVE_VALUE | DUK_DEFPROP_SET_WRITABLE | DUK_DEFPROP_CLEAR_ENUMERABLE |
                   DUK_DEFPROP_SET_CONFIGURABLE);
  (void)duk_throw(ctx);
}

/* Pushes the built-in class of the object at v ("Date", "Uint8Array", ...). */
static const char *push_class(duk_context *ctx, duk_idx_t v) {
  duk_push_global_stash(ctx);
  duk_get_prop_literal(ctx, -1, S_TO_STRING);
  duk_remove(ctx, -2);
  duk_dup(ctx, v);
  duk_call_method(ctx, 0);
  const char *s = duk_get_string_default(ctx, -1, "[object Object]");
  size_t n = strlen(s);
  if (n > 9)
    duk_push_lstring(ctx, s + 8, n - 9);
  else
    duk_push_literal(ctx, "Object");
  duk_remove(ctx, -2);
  return duk_get_string(ctx, -1);
}

static void clone_value(duk_context *ctx, clone_frame *f, duk_idx_t v);

/* new global[ctor](args on top of the stack). */
static void construct_global(duk_context *ctx, const char *ctor, duk_idx_t nargs) {
  duk_get_global_string(ctx, ctor);
  duk_insert(ctx, -1 - nargs);
  duk_new(ctx, nargs);
}

/* Calls global[ctor].prototype[method] on the object at v. */
static void call_intrinsic(duk_context *ctx, const char *ctor, const char *method, duk_idx_t v) {
  duk_get_global_string(ctx, ctor);
  duk_get_prop_literal(ctx, -1, "prototype");
  duk_get_prop_string(ctx, -1, method);
  duk_dup(ctx, v);
  duk_call_method(ctx, 0);
  duk_remove(ctx, -2);
  duk_remove(ctx, -2);
}

static void remember(duk_context *ctx, clone_frame *f, duk_idx_t v, duk_idx_t clone) {
  edgefn__collection_add(ctx, f->memory, v, clone);
}

/* Copies the enumerable own string-keyed properties of src into dst, cloning each value. */
static void clone_properties(duk_context *ctx, clone_frame *f, duk_idx_t src, duk_idx_t dst) {
  duk_enum(ctx, src, DUK_ENUM_OWN_PROPERTIES_ONLY | DUK_ENUM_SORT_ARRAY_INDICES);
  while (duk_next(ctx, -1, 0)) {
    duk_idx_t k = duk_get_top_index(ctx);
    duk_dup(ctx, k);
    duk_get_prop(ctx, src);
    clone_value(ctx, f, -1);
    duk_dup(ctx, k);
    duk_swap_top(ctx, -2);
    duk_def_prop(ctx, dst,
                 DUK_DEFPROP_HAVE_VALUE | DUK_DEFPROP_SET_WRITABLE | DUK_DEFPROP_SET_ENUMERABLE |
                     DUK_DEFPROP_SET_CONFIGURABLE);
    duk_pop_2(ctx);
  }
  duk_pop(ctx);
}

static bool is_error_name(const char *name) {
  static const char *const names[] = {"Error",       "EvalError", "RangeError", "ReferenceError",
                                      "SyntaxError", "TypeError", "URIError"};
  for (size_t i = 0; i < EDGEFN_ARRAY_LEN(names); i++)
    if (strcmp(name, names[i]) == 0)
      return true;
  return false;
}

static void clone_buffer(duk_context *ctx, clone_frame *f, duk_idx_t v) {
  duk_size_t len;
  const void *data = duk_get_buffer_data(ctx, v, &len);
  void *copy = duk_push_fixed_buffer(ctx, len);
  if (len)
    memcpy(copy, data, len);
  duk_push_buffer_object(ctx, -1, 0, len, DUK_BUFOBJ_ARRAYBUFFER);
  duk_remove(ctx, -2);
  remember(ctx, f, v, -1);
}

/* Pushes the clone of the object at v (not yet in memory). */
static void clone_object(duk_context *ctx, clone_frame *f, duk_idx_t v) {
  const char *cls = push_class(ctx, v);
  duk_idx_t cls_idx = duk_get_top_index(ctx);
  int kind = edgefn__collection_kind(ctx, v);
  if (kind) {
    edgefn__collection_push_new(ctx, kind);
    duk_idx_t out = duk_get_top_index(ctx);
    remember(ctx, f, v, out);
    edgefn__collection_push_entries(ctx, v);
    duk_idx_t ents = duk_get_top_index(ctx);
    duk_size_t n = duk_get_length(ctx, ents);
    for (duk_size_t i = 0; i < n; i += kind == 1 ? 2 : 1) {
      duk_get_prop_index(ctx, ents, (duk_uarridx_t)i);
      clone_value(ctx, f, -1);
      if (kind == 1) {
        duk_get_prop_index(ctx, ents, (duk_uarridx_t)i + 1);
        clone_value(ctx, f, -1);
      } else {
        duk_dup_top(ctx);
      }
      edgefn__collection_add(ctx, out, kind == 1 ? -3 : -2, -1);
      duk_pop_n(ctx, kind == 1 ? 4 : 3);
    }
    duk_pop(ctx);
  } else if (strcmp(cls, "Boolean") == 0 || strcmp(cls, "Number") == 0 ||
             strcmp(cls, "String") == 0) {
    call_intrinsic(ctx, cls, "valueOf", v);
    duk_to_object(ctx, -1);
    remember(ctx, f, v, -1);
  } else if (strcmp(cls, "Date") == 0) {
    call_intrinsic(ctx, "Date", "getTime", v);
    construct_global(ctx, "Date", 1);
    remember(ctx, f, v, -1);
  } else if (strcmp(cls, "RegExp") == 0) {
    duk_get_prop_literal(ctx, v, "source");
    duk_get_prop_literal(ctx, v, "flags");
    construct_global(ctx, "RegExp", 2);
    remember(ctx, f, v, -1);
  } else if (strcmp(cls, "ArrayBuffer") == 0) {
    clone_buffer(ctx, f, v);
  } else if (duk_is_buffer_data(ctx, v) && (strcmp(cls, "DataView") == 0 ||
                                            duk_has_prop_literal(ctx, v, "BYTES_PER_ELEMENT"))) {
    duk_get_prop_literal(ctx, v, "buffer");
    clone_value(ctx, f, -1);
    duk_remove(ctx, -2);
    duk_get_prop_literal(ctx, v, "byteOffset");
    duk_get_prop_string(ctx, v, strcmp(cls, "DataView") == 0 ? "byteLength" : "length");
    construct_global(ctx, cls, 3);
    remember(ctx, f, v, -1);
  } else if (duk_is_array(ctx, v)) {
    duk_idx_t out = duk_push_array(ctx);
    duk_get_prop_literal(ctx, v, "length");
    duk_put_prop_literal(ctx, out, "length");
    remember(ctx, f, v, out);
    clone_properties(ctx, f, v, out);
  } else if (strcmp(cls, "Error") == 0) {
    duk_get_prop_literal(ctx, v, "name");
    const char *name = duk_get_string_default(ctx, -1, "Error");
    if (!is_error_name(name))
      name = "Error";
    duk_push_string(ctx, name);
    duk_remove(ctx, -2);
    const char *ctor = duk_get_string(ctx, -1);
    duk_push_literal(ctx, "message");
    duk_get_prop_desc(ctx, v, 0);
    bool has_message = duk_is_object(ctx, -1);
    duk_pop(ctx);
    if (has_message) {
      duk_get_prop_literal(ctx, v, "message");
      duk_to_string(ctx, -1);
    }
    construct_global(ctx, ctor, has_message ? 1 : 0);
    duk_remove(ctx, -2);
    remember(ctx, f, v, -1);
  } else if (duk_is_function(ctx, v) || strcmp(cls, "Promise") == 0 ||
             strcmp(cls, "WeakMap") == 0 || strcmp(cls, "WeakSet") == 0 ||
             strcmp(cls, "Symbol") == 0) {
    throw_data_clone_error(ctx, v, strcmp(cls, "Object") == 0 ? NULL : cls);
  } else {
    duk_idx_t out = duk_push_object(ctx);
    remember(ctx, f, v, out);
    clone_properties(ctx, f, v, out);
  }
  duk_remove(ctx, cls_idx);
}

/* Pushes the clone of the value at v. */
static void clone_value(duk_context *ctx, clone_frame *f, duk_idx_t v) {
  v = duk_normalize_index(ctx, v);
  if (duk_is_symbol(ctx, v))
    throw_data_clone_error(ctx, v, "Symbol()");
  if (duk_is_lightfunc(ctx, v) || duk_is_pointer(ctx, v))
    throw_data_clone_error(ctx, v, NULL);
  if (!duk_is_object(ctx, v)) {
    duk_dup(ctx, v);
    return;
  }
  if (edgefn__collection_get(ctx, f->memory, v))
    return;
  if (++f->depth > MAX_DEPTH)
    (void)duk_range_error(ctx, "structuredClone: object graph nested too deeply");
  duk_require_stack(ctx, 16);
  clone_object(ctx, f, v);
  f->depth--;
}

typedef struct transfer_list {
  duk_idx_t list;
} transfer_list;

/* One value of options.transfer (a WebIDL sequence<object>: any iterable). */
static duk_ret_t collect_transfer(duk_context *ctx, void *udata) {
  const transfer_list *t = udata;
  if (!duk_is_object(ctx, -1))
    return duk_type_error(ctx, "structuredClone: transfer must hold only objects");
  duk_put_prop_index(ctx, t->list, (duk_uarridx_t)duk_get_length(ctx, t->list));
  return 0;
}

static duk_ret_t structured_clone(duk_context *ctx) {
  if (duk_get_top(ctx) == 0)
    return duk_type_error(ctx, "structuredClone: 1 argument required, but only 0 present.");
  duk_set_top(ctx, 2); /* 0: value, 1: options */
  duk_push_array(ctx); /* 2: the transfer list */
  duk_push_array(ctx); /* 3: the ArrayBuffer each one becomes in the clone */
  if (!duk_is_undefined(ctx, 1) && !duk_is_null(ctx, 1)) {
    if (!duk_is_object(ctx, 1))
      return duk_type_error(ctx, "structuredClone: options must be an object");
    duk_get_prop_literal(ctx, 1, "transfer");
    if (!duk_is_undefined(ctx, -1)) {
      transfer_list t = {2};
      edgefn__iter_each(ctx, -1, collect_transfer, &t);
    }
    duk_pop(ctx);
  }
  edgefn__collection_push_new(ctx, 1); /* 4: memory */
  clone_frame f = {4, 0};
  duk_uarridx_t n = (duk_uarridx_t)duk_get_length(ctx, 2);
  for (duk_uarridx_t i = 0; i < n; i++) {
    duk_get_prop_index(ctx, 2, i);
    if (!edgefn__duk_is_array_buffer(ctx, -1))
      throw_data_clone_error(ctx, -1, "A transfer list value that is not an ArrayBuffer");
    for (duk_uarridx_t j = 0; j < i; j++) {
      duk_get_prop_index(ctx, 2, j);
      bool same = duk_strict_equals(ctx, -1, -2);
      duk_pop(ctx);
      if (same)
        throw_data_clone_error(ctx, -1, "An ArrayBuffer listed twice in transfer");
    }
    if (edgefn__duk_buffer_is_detached(ctx, -1))
      throw_data_clone_error(ctx, -1, "A detached ArrayBuffer");
    duk_size_t len = 0;
    (void)duk_get_buffer_data(ctx, -1, &len);
    (void)duk_push_fixed_buffer(ctx, len);
    duk_push_buffer_object(ctx, -1, 0, len, DUK_BUFOBJ_ARRAYBUFFER);
    duk_remove(ctx, -2);
    remember(ctx, &f, -2, -1); /* the clone refers to the new buffer wherever it met the old */
    duk_put_prop_index(ctx, 3, i);
    duk_pop(ctx);
  }
  clone_value(ctx, &f, 0); /* 5 */
  /* Only now do the bytes move: the clone went through. A getter run while cloning may have
   * detached a listed buffer meanwhile. */
  for (duk_uarridx_t i = 0; i < n; i++) {
    duk_get_prop_index(ctx, 2, i);
    if (edgefn__duk_buffer_is_detached(ctx, -1))
      throw_data_clone_error(ctx, -1, "A detached ArrayBuffer");
    duk_pop(ctx);
  }
  for (duk_uarridx_t i = 0; i < n; i++) { /* nothing below runs script or throws */
    duk_get_prop_index(ctx, 2, i);
    duk_get_prop_index(ctx, 3, i);
    duk_size_t from_len = 0, to_len = 0;
    const void *from = duk_get_buffer_data(ctx, -2, &from_len);
    void *to = duk_get_buffer_data(ctx, -1, &to_len);
    if (from_len && to_len == from_len)
      memcpy(to, from, from_len);
    (void)edgefn__duk_detach_buffer(ctx, -2);
    duk_pop_2(ctx);
  }
  return 1;
}

void edgefn__structured_clone_install(duk_context *ctx) {
  duk_push_global_stash(ctx);
  duk_get_global_literal(ctx, "Object");
  duk_get_prop_literal(ctx, -1, "prototype");
  duk_get_prop_literal(ctx, -1, "toString");
  duk_put_prop_literal(ctx, -4, S_TO_STRING);
  duk_pop_3(ctx);
  duk_push_global_object(ctx);
  static const edgefn__es_method m[] = {{"structuredClone", structured_clone, DUK_VARARGS, 1, 0}};
  edgefn__es_def_methods(ctx, -1, m, 1);
  duk_pop(ctx);
}

void edgefn__structured_clone_push_fn(duk_context *ctx) {
  duk_push_global_stash(ctx);
  bool ready = duk_has_prop_literal(ctx, -1, S_TO_STRING);
  duk_pop(ctx);
  if (!ready) {
    duk_push_global_stash(ctx);
    duk_get_global_literal(ctx, "Object");
    duk_get_prop_literal(ctx, -1, "prototype");
    duk_get_prop_literal(ctx, -1, "toString");
    duk_put_prop_literal(ctx, -4, S_TO_STRING);
    duk_pop_3(ctx);
  }
  duk_push_c_function(ctx, structured_clone, DUK_VARARGS);
}
