/* Blob and File (W3C File API). A Blob's bytes are one Duktape buffer that nothing ever
 * writes after construction, so slices and the File objects FormData makes share it (a
 * slice keeps the buffer with an offset and a length). */
#include "js/js.h"

#include <math.h>
#include <string.h>

#define KEY_DATA DUK_HIDDEN_SYMBOL("bd")   /* a plain buffer */
#define KEY_OFFSET DUK_HIDDEN_SYMBOL("bo") /* a slice's window into it (absent: all of it) */
#define KEY_LENGTH DUK_HIDDEN_SYMBOL("bl")
#define KEY_TYPE DUK_HIDDEN_SYMBOL("bt")  /* the normalized type string */
#define KEY_NAME DUK_HIDDEN_SYMBOL("fn")  /* File only */
#define KEY_MTIME DUK_HIDDEN_SYMBOL("lm") /* File only: milliseconds since the epoch */
#define STASH_BLOB_PROTO "blobProto"
#define STASH_FILE_PROTO "fileProto"
#define STASH_BLOB_CTOR "blobCtor"
#define STASH_FILE_CTOR "fileCtor"

bool edgefn__is_blob(duk_context *ctx, duk_idx_t idx) {
  if (!duk_is_object(ctx, idx))
    return false;
  bool is = duk_get_prop_literal(ctx, idx, KEY_DATA) && duk_is_buffer(ctx, -1);
  duk_pop(ctx);
  return is;
}

bool edgefn__is_file(duk_context *ctx, duk_idx_t idx) {
  if (!edgefn__is_blob(ctx, idx))
    return false;
  bool is = duk_get_prop_literal(ctx, idx, KEY_NAME) && duk_is_string(ctx, -1);
  duk_pop(ctx);
  return is;
}

const uint8_t *edgefn__blob_data(duk_context *ctx, duk_idx_t idx, size_t *len) {
  idx = duk_normalize_index(ctx, idx);
  duk_get_prop_literal(ctx, idx, KEY_DATA);
  duk_size_t n = 0;
  const uint8_t *p = duk_get_buffer(ctx, -1, &n);
  duk_pop(ctx); /* the Blob keeps the buffer alive */
  if (!p)
    p = (const uint8_t *)"";
  if (duk_get_prop_literal(ctx, idx, KEY_OFFSET)) {
    p += (size_t)duk_get_number(ctx, -1);
    duk_get_prop_literal(ctx, idx, KEY_LENGTH);
    n = (duk_size_t)duk_get_number(ctx, -1);
    duk_pop(ctx);
  }
  duk_pop(ctx);
  *len = n;
  return p;
}

const char *edgefn__blob_type(duk_context *ctx, duk_idx_t idx) {
  duk_get_prop_literal(ctx, idx, KEY_TYPE);
  const char *t = duk_get_string(ctx, -1);
  duk_pop(ctx); /* interned and referenced by the Blob */
  return t ? t : "";
}

/* Replaces the string at idx with the File API's normalized type: lower-cased when every
 * character is in U+0020..U+007E, else "". */
static void normalize_type(duk_context *ctx, duk_idx_t idx) {
  idx = duk_normalize_index(ctx, idx);
  duk_size_t len;
  const char *s = duk_to_lstring(ctx, idx, &len);
  bool upper = false;
  for (duk_size_t i = 0; i < len; i++) {
    unsigned char c = (unsigned char)s[i];
    if (c < 0x20 || c > 0x7e) {
      duk_push_string(ctx, "");
      duk_replace(ctx, idx);
      return;
    }
    upper |= c >= 'A' && c <= 'Z';
  }
  if (upper) {
    char *buf = duk_push_fixed_buffer(ctx, len);
    for (duk_size_t i = 0; i < len; i++)
      buf[i] = (char)(s[i] >= 'A' && s[i] <= 'Z' ? s[i] + 32 : s[i]);
    duk_push_lstring(ctx, buf, len);
    duk_replace(ctx, idx);
    duk_pop(ctx);
  }
}

/* Sets the hidden fields of the Blob at obj: bytes from the buffer (or view) at data and the
 * type from the string at type (already normalized). */
static void blob_init(duk_context *ctx, duk_idx_t obj, duk_idx_t data, duk_idx_t type) {
  obj = duk_normalize_index(ctx, obj);
  type = duk_normalize_index(ctx, type);
  duk_dup(ctx, data);
  duk_put_prop_literal(ctx, obj, KEY_DATA);
  duk_dup(ctx, type);
  duk_put_prop_literal(ctx, obj, KEY_TYPE);
}

static void push_with_proto(duk_context *ctx, const char *stash_key) {
  edgefn__blob_classes_ensure(ctx);
  duk_push_object(ctx);
  duk_push_global_stash(ctx);
  duk_get_prop_string(ctx, -1, stash_key);
  duk_set_prototype(ctx, -3);
  duk_pop(ctx);
}

void edgefn__blob_push(duk_context *ctx, const uint8_t *data, size_t len, const char *type) {
  push_with_proto(ctx, STASH_BLOB_PROTO);
  void *buf = duk_push_fixed_buffer(ctx, len);
  if (len)
    memcpy(buf, data, len);
  duk_push_string(ctx, type ? type : "");
  normalize_type(ctx, -1);
  blob_init(ctx, -3, -2, -1);
  duk_pop_2(ctx);
}

void edgefn__file_push_from(duk_context *ctx, duk_idx_t blob, duk_idx_t name,
                            double last_modified) {
  blob = duk_normalize_index(ctx, blob);
  name = duk_normalize_index(ctx, name);
  push_with_proto(ctx, STASH_FILE_PROTO);
  static const char *const keys[] = {KEY_DATA, KEY_OFFSET, KEY_LENGTH};
  for (size_t i = 0; i < EDGEFN_ARRAY_LEN(keys); i++) {
    if (duk_get_prop_string(ctx, blob, keys[i]))
      duk_put_prop_string(ctx, -2, keys[i]);
    else
      duk_pop(ctx);
  }
  duk_get_prop_literal(ctx, blob, KEY_TYPE);
  duk_put_prop_literal(ctx, -2, KEY_TYPE);
  duk_dup(ctx, name);
  duk_put_prop_literal(ctx, -2, KEY_NAME);
  duk_push_number(ctx, last_modified);
  duk_put_prop_literal(ctx, -2, KEY_MTIME);
}

double edgefn__file_last_modified(duk_context *ctx, duk_idx_t idx) {
  duk_get_prop_literal(ctx, idx, KEY_MTIME);
  double t = duk_get_number_default(ctx, -1, 0);
  duk_pop(ctx);
  return t;
}

double edgefn__now_ms(duk_context *ctx) { return floor(duk_get_now(ctx)); }

/* ---- the constructors ---- */

/* Converts "\r\n" and lone "\r" to "\n" in place (native line endings on this platform);
 * returns the new length. */
static size_t native_endings(uint8_t *p, size_t len) {
  size_t w = 0;
  for (size_t r = 0; r < len; r++) {
    if (p[r] == '\r') {
      p[w++] = '\n';
      if (r + 1 < len && p[r + 1] == '\n')
        r++;
    } else {
      p[w++] = p[r];
    }
  }
  return w;
}

/* Appends the bytes of one blob part (the value on top, consumed) to the array at parts. */
static void add_part(duk_context *ctx, duk_idx_t parts, bool native) {
  duk_uarridx_t n = (duk_uarridx_t)duk_get_length(ctx, parts);
  if (duk_is_buffer_data(ctx, -1)) {
    duk_size_t len;
    void *src = duk_get_buffer_data(ctx, -1, &len); /* script may change it later: copy */
    void *dst = duk_push_fixed_buffer(ctx, len);
    if (len)
      memcpy(dst, src, len);
  } else if (edgefn__is_blob(ctx, -1) && !duk_has_prop_literal(ctx, -1, KEY_OFFSET)) {
    duk_get_prop_literal(ctx, -1, KEY_DATA); /* immutable: shared */
  } else if (edgefn__is_blob(ctx, -1)) {
    size_t len;
    const uint8_t *src = edgefn__blob_data(ctx, -1, &len);
    void *dst = duk_push_fixed_buffer(ctx, len);
    if (len)
      memcpy(dst, src, len);
  } else {
    duk_to_string(ctx, -1);
    size_t len;
    uint8_t *p = edgefn__push_utf8_buffer(ctx, -1, &len);
    if (native) {
      size_t nl = native_endings(p, len);
      if (nl != len) { /* the buffer may be fixed: move the shorter text to a new one */
        void *q = duk_push_fixed_buffer(ctx, nl);
        memcpy(q, p, nl);
        duk_remove(ctx, -2);
      }
    }
  }
  duk_put_prop_index(ctx, parts, n);
  duk_pop(ctx);
}

/* Pushes one buffer holding the bytes of the blob parts sequence at idx (undefined = none). */
static void push_parts_bytes(duk_context *ctx, duk_idx_t idx, bool native, const char *what) {
  idx = duk_normalize_index(ctx, idx);
  duk_push_array(ctx);
  duk_idx_t parts = duk_get_top_index(ctx);
  if (!duk_is_undefined(ctx, idx)) {
    if (!duk_is_object(ctx, idx) || duk_is_function(ctx, idx))
      (void)duk_error(ctx, DUK_ERR_TYPE_ERROR,
                      "Failed to construct '%s': The provided value cannot be converted to a "
                      "sequence.",
                      what);
    if (duk_is_array(ctx, idx)) {
      for (duk_uarridx_t i = 0; i < (duk_uarridx_t)duk_get_length(ctx, idx); i++) {
        edgefn__cpu_tick(ctx);
        duk_get_prop_index(ctx, idx, i);
        add_part(ctx, parts, native);
      }
    } else {
      duk_get_prop_literal(ctx, idx, DUK_WELLKNOWN_SYMBOL("Symbol.iterator"));
      if (!duk_is_function(ctx, -1))
        (void)duk_error(ctx, DUK_ERR_TYPE_ERROR,
                        "Failed to construct '%s': The object must have a callable "
                        "[Symbol.iterator] property.",
                        what);
      edgefn__iter_open_with(ctx, idx);
      duk_idx_t it = duk_get_top(ctx) - 2;
      while (edgefn__iter_step(ctx, it))
        add_part(ctx, parts, native);
      duk_pop_2(ctx);
    }
  }
  duk_uarridx_t n = (duk_uarridx_t)duk_get_length(ctx, parts);
  if (n == 1) { /* one part: a fresh copy or an immutable Blob buffer, usable as is */
    duk_get_prop_index(ctx, parts, 0);
    duk_remove(ctx, parts);
    return;
  }
  size_t total = 0;
  for (duk_uarridx_t i = 0; i < n; i++) {
    duk_get_prop_index(ctx, parts, i);
    duk_size_t len;
    duk_get_buffer_data(ctx, -1, &len);
    total += len;
    duk_pop(ctx);
  }
  uint8_t *out = duk_push_fixed_buffer(ctx, total);
  size_t o = 0;
  for (duk_uarridx_t i = 0; i < n; i++) {
    duk_get_prop_index(ctx, parts, i);
    duk_size_t len;
    const void *p = duk_get_buffer_data(ctx, -1, &len);
    if (len)
      memcpy(out + o, p, len);
    o += len;
    duk_pop(ctx);
  }
  duk_remove(ctx, parts);
}

/* Reads a BlobPropertyBag at opts: sets *native and pushes the normalized type. */
static void read_blob_options(duk_context *ctx, duk_idx_t opts, bool *native, const char *what) {
  *native = false;
  if (duk_is_undefined(ctx, opts) || duk_is_null(ctx, opts)) {
    duk_push_string(ctx, "");
    return;
  }
  if (!duk_is_object(ctx, opts))
    (void)duk_error(ctx, DUK_ERR_TYPE_ERROR,
                    "Failed to construct '%s': The provided value is not of type "
                    "'BlobPropertyBag'.",
                    what);
  duk_get_prop_literal(ctx, opts, "endings");
  if (!duk_is_undefined(ctx, -1)) {
    const char *e = duk_to_string(ctx, -1);
    if (strcmp(e, "native") == 0)
      *native = true;
    else if (strcmp(e, "transparent") != 0)
      (void)duk_error(ctx, DUK_ERR_TYPE_ERROR,
                      "Failed to construct '%s': The provided value '%s' is not a valid enum "
                      "value of type EndingType.",
                      what, e);
  }
  duk_pop(ctx);
  duk_get_prop_literal(ctx, opts, "type");
  if (duk_is_undefined(ctx, -1)) {
    duk_pop(ctx);
    duk_push_string(ctx, "");
  } else {
    normalize_type(ctx, -1);
  }
}

static duk_ret_t blob_ctor(duk_context *ctx) {
  if (!duk_is_constructor_call(ctx))
    return duk_error(ctx, DUK_ERR_TYPE_ERROR,
                     "Failed to construct 'Blob': Please use the 'new' operator");
  bool native;
  read_blob_options(ctx, 1, &native, "Blob"); /* 2: type */
  push_parts_bytes(ctx, 0, native, "Blob");   /* 3: bytes */
  duk_push_this(ctx);
  blob_init(ctx, -1, 3, 2);
  return 0;
}

/* Replaces the string at idx with its USVString form (lone surrogates become U+FFFD). */
static void to_usv(duk_context *ctx, duk_idx_t idx) {
  idx = duk_normalize_index(ctx, idx);
  duk_size_t len;
  const char *s = duk_to_lstring(ctx, idx, &len);
  bool ascii = true;
  for (duk_size_t i = 0; i < len && ascii; i++)
    ascii = !((unsigned char)s[i] & 0x80);
  if (ascii)
    return;
  size_t n;
  const uint8_t *p = edgefn__push_utf8_buffer(ctx, idx, &n);
  edgefn__push_string_from_utf8(ctx, p, n);
  duk_replace(ctx, idx);
  duk_pop(ctx);
}

void edgefn__to_usv_string(duk_context *ctx, duk_idx_t idx) { to_usv(ctx, idx); }

static duk_ret_t file_ctor(duk_context *ctx) {
  if (!duk_is_constructor_call(ctx))
    return duk_error(ctx, DUK_ERR_TYPE_ERROR,
                     "Failed to construct 'File': Please use the 'new' operator");
  if (duk_get_top(ctx) < 2)
    return duk_error(ctx, DUK_ERR_TYPE_ERROR,
                     "Failed to construct 'File': 2 arguments required, but only %d present.",
                     (int)duk_get_top(ctx));
  duk_set_top(ctx, 3);
  to_usv(ctx, 1);
  bool native;
  read_blob_options(ctx, 2, &native, "File"); /* 3: type */
  double mtime = edgefn__now_ms(ctx);
  if (duk_is_object(ctx, 2)) {
    duk_get_prop_literal(ctx, 2, "lastModified");
    if (!duk_is_undefined(ctx, -1)) {
      double d = duk_to_number(ctx, -1);
      mtime = isfinite(d) ? trunc(d) : 0; /* WebIDL long long */
      if (mtime == 0)
        mtime = 0; /* no -0 */
    }
    duk_pop(ctx);
  }
  push_parts_bytes(ctx, 0, native, "File"); /* 4: bytes */
  duk_push_this(ctx);
  blob_init(ctx, -1, 4, 3);
  duk_dup(ctx, 1);
  duk_put_prop_literal(ctx, -2, KEY_NAME);
  duk_push_number(ctx, mtime);
  duk_put_prop_literal(ctx, -2, KEY_MTIME);
  return 0;
}

/* ---- Blob.prototype ---- */

static void require_this_blob(duk_context *ctx) {
  duk_push_this(ctx);
  if (!edgefn__is_blob(ctx, -1))
    (void)duk_error(ctx, DUK_ERR_TYPE_ERROR, "Illegal invocation");
}

static duk_ret_t blob_size(duk_context *ctx) {
  require_this_blob(ctx);
  size_t len;
  edgefn__blob_data(ctx, -1, &len);
  duk_push_number(ctx, (double)len);
  return 1;
}

static duk_ret_t blob_type(duk_context *ctx) {
  require_this_blob(ctx);
  duk_get_prop_literal(ctx, -1, KEY_TYPE);
  return 1;
}

/* A slice() position: WebIDL [Clamp] long long (rounded half to even), then made relative
 * to size as the File API says. */
static size_t relative_pos(duk_context *ctx, duk_idx_t idx, size_t size, size_t dflt) {
  if (duk_is_undefined(ctx, idx))
    return dflt;
  double d = duk_to_number(ctx, idx);
  if (isnan(d))
    d = 0;
  d = nearbyint(d); /* the default rounding mode rounds half to even */
  if (d < 0)
    return d + (double)size > 0 ? (size_t)(d + (double)size) : 0;
  return d < (double)size ? (size_t)d : size;
}

static duk_ret_t blob_slice(duk_context *ctx) {
  duk_set_top(ctx, 3);
  require_this_blob(ctx); /* 3 */
  size_t size;
  edgefn__blob_data(ctx, 3, &size);
  size_t start = relative_pos(ctx, 0, size, 0);
  size_t end = relative_pos(ctx, 1, size, size);
  size_t span = end > start ? end - start : 0;
  if (duk_is_undefined(ctx, 2))
    duk_push_string(ctx, "");
  else {
    duk_dup(ctx, 2);
    normalize_type(ctx, -1);
  }                                       /* 4 */
  push_with_proto(ctx, STASH_BLOB_PROTO); /* 5 */
  duk_get_prop_literal(ctx, 3, KEY_DATA); /* 6 */
  blob_init(ctx, 5, 6, 4);
  if (start != 0 || span != size) {
    /* The same buffer with a window: the bytes are shared, never copied. */
    duk_get_prop_literal(ctx, 3, KEY_OFFSET);
    double base = duk_get_number_default(ctx, -1, 0);
    duk_pop(ctx);
    duk_push_number(ctx, base + (double)start);
    duk_put_prop_literal(ctx, 5, KEY_OFFSET);
    duk_push_number(ctx, (double)span);
    duk_put_prop_literal(ctx, 5, KEY_LENGTH);
  }
  duk_pop(ctx);
  return 1;
}

/* Conversions run in a protected call so that an error rejects the promise. */
typedef void (*blob_convert_fn)(duk_context *ctx, const uint8_t *p, size_t len);

static void convert_text(duk_context *ctx, const uint8_t *p, size_t len) {
  if (len >= 3 && p[0] == 0xef && p[1] == 0xbb && p[2] == 0xbf) { /* UTF-8 decode drops a BOM */
    p += 3;
    len -= 3;
  }
  edgefn__push_string_from_utf8(ctx, p, len);
}

static void push_array_buffer_copy(duk_context *ctx, const uint8_t *p, size_t len) {
  void *copy = duk_push_fixed_buffer(ctx, len);
  if (len)
    memcpy(copy, p, len);
  duk_push_buffer_object(ctx, -1, 0, len, DUK_BUFOBJ_ARRAYBUFFER);
  duk_remove(ctx, -2);
}

static void convert_bytes(duk_context *ctx, const uint8_t *p, size_t len) {
  push_array_buffer_copy(ctx, p, len);
  duk_push_buffer_object(ctx, -1, 0, len, DUK_BUFOBJ_UINT8ARRAY);
  duk_remove(ctx, -2);
}

static duk_ret_t convert_safe(duk_context *ctx, void *udata) {
  require_this_blob(ctx);
  size_t len;
  const uint8_t *p = edgefn__blob_data(ctx, -1, &len);
  ((blob_convert_fn)udata)(ctx, p, len);
  return 1;
}

static duk_ret_t blob_promise(duk_context *ctx, blob_convert_fn convert) {
  if (duk_safe_call(ctx, convert_safe, (void *)convert, 0, 1) == DUK_EXEC_SUCCESS)
    edgefn__promise_push_resolved(ctx, -1);
  else
    edgefn__promise_push_rejected(ctx, -1);
  return 1;
}

static duk_ret_t blob_text(duk_context *ctx) { return blob_promise(ctx, convert_text); }
static duk_ret_t blob_array_buffer(duk_context *ctx) {
  return blob_promise(ctx, push_array_buffer_copy);
}
static duk_ret_t blob_bytes(duk_context *ctx) { return blob_promise(ctx, convert_bytes); }

static void require_this_file(duk_context *ctx) {
  duk_push_this(ctx);
  if (!edgefn__is_file(ctx, -1))
    (void)duk_error(ctx, DUK_ERR_TYPE_ERROR, "Illegal invocation");
}

static duk_ret_t file_name(duk_context *ctx) {
  require_this_file(ctx);
  duk_get_prop_literal(ctx, -1, KEY_NAME);
  return 1;
}

static duk_ret_t file_last_modified(duk_context *ctx) {
  require_this_file(ctx);
  duk_get_prop_literal(ctx, -1, KEY_MTIME);
  return 1;
}

/* ---- installation ---- */

void edgefn__def_getter(duk_context *ctx, duk_idx_t obj, const char *name, duk_c_function fn) {
  obj = duk_normalize_index(ctx, obj);
  duk_push_string(ctx, name);
  duk_push_c_function(ctx, fn, 0);
  duk_def_prop(ctx, obj,
               DUK_DEFPROP_HAVE_GETTER | DUK_DEFPROP_SET_CONFIGURABLE | DUK_DEFPROP_SET_ENUMERABLE);
}

void edgefn__def_to_string_tag(duk_context *ctx, duk_idx_t obj, const char *tag) {
  obj = duk_normalize_index(ctx, obj);
  duk_push_literal(ctx, DUK_WELLKNOWN_SYMBOL("Symbol.toStringTag"));
  duk_push_string(ctx, tag);
  duk_def_prop(ctx, obj, DUK_DEFPROP_HAVE_VALUE | DUK_DEFPROP_SET_CONFIGURABLE);
}

void edgefn__def_class_name(duk_context *ctx, duk_idx_t ctor, duk_idx_t proto, const char *name) {
  ctor = duk_normalize_index(ctx, ctor);
  proto = duk_normalize_index(ctx, proto);
  duk_push_literal(ctx, "name");
  duk_push_string(ctx, name);
  duk_def_prop(ctx, ctor,
               DUK_DEFPROP_HAVE_VALUE | DUK_DEFPROP_FORCE | DUK_DEFPROP_SET_CONFIGURABLE);
  edgefn__def_to_string_tag(ctx, proto, name);
  duk_dup(ctx, proto);
  duk_put_prop_literal(ctx, ctor, "prototype");
  duk_push_literal(ctx, "constructor");
  duk_dup(ctx, ctor);
  duk_def_prop(ctx, proto,
               DUK_DEFPROP_HAVE_VALUE | DUK_DEFPROP_SET_WRITABLE | DUK_DEFPROP_SET_CONFIGURABLE);
}

/* Blob.prototype.stream(): a byte stream over the Blob's bytes (shared, never modified, so
 * the stream copies them only as chunks are read). */
static duk_ret_t blob_stream(duk_context *ctx) {
  require_this_blob(ctx);
  size_t len;
  const uint8_t *p = edgefn__blob_data(ctx, -1, &len);
  edgefn__stream_push_from_bytes(ctx, p, len);
  return 1;
}

static const duk_function_list_entry blob_methods[] = {{"slice", blob_slice, DUK_VARARGS},
                                                       {"text", blob_text, 0},
                                                       {"stream", blob_stream, 0},
                                                       {"arrayBuffer", blob_array_buffer, 0},
                                                       {"bytes", blob_bytes, 0},
                                                       {NULL, NULL, 0}};

void edgefn__blob_classes_ensure(duk_context *ctx) {
  duk_push_global_stash(ctx);
  bool have = duk_has_prop_literal(ctx, -1, STASH_BLOB_PROTO);
  duk_pop(ctx);
  if (have)
    return;
  duk_push_global_stash(ctx);
  duk_idx_t stash = duk_get_top_index(ctx);
  duk_push_c_function(ctx, blob_ctor, 2);
  duk_push_object(ctx);
  duk_put_function_list(ctx, -1, blob_methods);
  edgefn__def_getter(ctx, -1, "size", blob_size);
  edgefn__def_getter(ctx, -1, "type", blob_type);
  edgefn__def_class_name(ctx, -2, -1, "Blob");
  duk_put_prop_literal(ctx, stash, STASH_BLOB_PROTO);
  duk_push_c_function(ctx, file_ctor, DUK_VARARGS);
  duk_dup(ctx, -2);
  duk_set_prototype(ctx, -2); /* File.__proto__ === Blob */
  duk_push_object(ctx);
  duk_push_global_stash(ctx);
  duk_get_prop_literal(ctx, -1, STASH_BLOB_PROTO);
  duk_set_prototype(ctx, -3);
  duk_pop(ctx);
  edgefn__def_getter(ctx, -1, "name", file_name);
  edgefn__def_getter(ctx, -1, "lastModified", file_last_modified);
  edgefn__def_class_name(ctx, -2, -1, "File");
  duk_put_prop_literal(ctx, stash, STASH_FILE_PROTO);
  duk_put_prop_literal(ctx, stash, STASH_FILE_CTOR);
  duk_put_prop_literal(ctx, stash, STASH_BLOB_CTOR);
  edgefn__formdata_class_create(ctx, stash);
  duk_pop(ctx);
}

void edgefn__blob_install(duk_context *ctx) {
  edgefn__blob_classes_ensure(ctx);
  duk_push_global_object(ctx);
  duk_push_global_stash(ctx);
  duk_get_prop_literal(ctx, -1, STASH_BLOB_CTOR);
  duk_put_prop_literal(ctx, -3, "Blob");
  duk_get_prop_literal(ctx, -1, STASH_FILE_CTOR);
  duk_put_prop_literal(ctx, -3, "File");
  duk_get_prop_literal(ctx, -1, EDGEFN_STASH_FORMDATA_CTOR);
  duk_put_prop_literal(ctx, -3, "FormData");
  duk_pop_2(ctx);
}
