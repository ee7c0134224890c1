/* FormData (XMLHttpRequest standard) and the two body formats it travels in:
 * multipart/form-data (serialized as HTML's multipart/form-data encoding algorithm does,
 * parsed as RFC 7578 describes) and application/x-www-form-urlencoded (the URL standard's
 * parser). The entry list is one hidden flat array [name0, value0, name1, value1, ...]
 * whose values are strings or File objects. */
#define _GNU_SOURCE /* memmem */
#include "js/js.h"

#include <stdlib.h>
#include <string.h>

#define KEY_ENTRIES DUK_HIDDEN_SYMBOL("fe")
#define KEY_ITER_TARGET DUK_HIDDEN_SYMBOL("it")
#define KEY_ITER_POS DUK_HIDDEN_SYMBOL("ip")
#define KEY_ITER_KIND DUK_HIDDEN_SYMBOL("ik")
#define STASH_FORMDATA_PROTO "formDataProto"
#define STASH_FORMDATA_ITER_PROTO "formDataIterProto"

/* The random part of a multipart boundary: 24 characters of 62 (about 143 bits). */
#define BOUNDARY_RANDOM_CHARS 24

bool edgefn__is_formdata(duk_context *ctx, duk_idx_t idx) {
  if (!duk_is_object(ctx, idx))
    return false;
  bool is = duk_get_prop_literal(ctx, idx, KEY_ENTRIES) && duk_is_array(ctx, -1);
  duk_pop(ctx);
  return is;
}

/* Pushes this FormData's entry list; throws when `this` is not a FormData. */
static duk_idx_t push_this_entries(duk_context *ctx) {
  duk_push_this(ctx);
  if (!duk_get_prop_literal(ctx, -1, KEY_ENTRIES) || !duk_is_array(ctx, -1))
    (void)duk_error(ctx, DUK_ERR_TYPE_ERROR, "Illegal invocation: not a FormData object");
  duk_remove(ctx, -2);
  return duk_get_top_index(ctx);
}

static void require_args(duk_context *ctx, const char *method, int n) {
  if (duk_get_top(ctx) < n)
    (void)duk_error(ctx, DUK_ERR_TYPE_ERROR,
                    "Failed to execute '%s' on 'FormData': %d argument%s required, but only %d "
                    "present.",
                    method, n, n == 1 ? "" : "s", (int)duk_get_top(ctx));
}

/* "Create an entry": replaces the name at 0 with its USVString and the value at 1 with a
 * USVString or a File (a Blob becomes a File named "blob"; a filename at 2, when given,
 * renames the File). */
static void create_entry(duk_context *ctx, const char *method) {
  int nargs = duk_get_top(ctx);
  require_args(ctx, method, 2);
  duk_set_top(ctx, 3);
  bool blob = edgefn__is_blob(ctx, 1);
  if (nargs > 2 && !blob)
    (void)duk_error(ctx, DUK_ERR_TYPE_ERROR,
                    "Failed to execute '%s' on 'FormData': parameter 2 is not of type 'Blob'.",
                    method);
  edgefn__to_usv_string(ctx, 0);
  if (!blob) {
    edgefn__to_usv_string(ctx, 1);
    return;
  }
  bool file = edgefn__is_file(ctx, 1);
  if (file && nargs <= 2)
    return;
  if (nargs > 2)
    edgefn__to_usv_string(ctx, 2);
  else
    duk_push_literal(ctx, "blob");
  double mtime = file ? edgefn__file_last_modified(ctx, 1) : edgefn__now_ms(ctx);
  edgefn__file_push_from(ctx, 1, nargs > 2 ? 2 : -1, mtime);
  duk_replace(ctx, 1);
}

static void list_append(duk_context *ctx, duk_idx_t list, duk_idx_t name, duk_idx_t value) {
  list = duk_normalize_index(ctx, list);
  name = duk_normalize_index(ctx, name);
  value = duk_normalize_index(ctx, value);
  duk_uarridx_t n = (duk_uarridx_t)duk_get_length(ctx, list);
  duk_dup(ctx, name);
  duk_put_prop_index(ctx, list, n);
  duk_dup(ctx, value);
  duk_put_prop_index(ctx, list, n + 1);
}

static duk_ret_t fd_append_entry(duk_context *ctx) {
  create_entry(ctx, "append");
  duk_idx_t list = push_this_entries(ctx);
  list_append(ctx, list, 0, 1);
  return 0;
}

/* Removes the entries named like the string at name, except that with `keep_value` >= 0 the
 * first match is replaced by that value instead (FormData.set). Returns whether one matched. */
static bool list_remove(duk_context *ctx, duk_idx_t list, duk_idx_t name, duk_idx_t keep_value) {
  duk_uarridx_t n = (duk_uarridx_t)duk_get_length(ctx, list), w = 0;
  bool found = false;
  for (duk_uarridx_t r = 0; r + 1 < n; r += 2) {
    duk_get_prop_index(ctx, list, r);
    bool match = duk_strict_equals(ctx, -1, name);
    duk_pop(ctx);
    if (match && (found || keep_value < 0))
      continue;
    if (match) {
      found = true;
      duk_dup(ctx, keep_value);
      duk_put_prop_index(ctx, list, r + 1);
    }
    if (w != r) {
      duk_get_prop_index(ctx, list, r);
      duk_put_prop_index(ctx, list, w);
      duk_get_prop_index(ctx, list, r + 1);
      duk_put_prop_index(ctx, list, w + 1);
    }
    w += 2;
  }
  if (w != n) {
    duk_push_uint(ctx, w);
    duk_put_prop_literal(ctx, list, "length");
  }
  return found;
}

static duk_ret_t fd_set_entry(duk_context *ctx) {
  create_entry(ctx, "set");
  duk_idx_t list = push_this_entries(ctx);
  if (!list_remove(ctx, list, 0, 1))
    list_append(ctx, list, 0, 1);
  return 0;
}

static duk_ret_t fd_delete(duk_context *ctx) {
  require_args(ctx, "delete", 1);
  edgefn__to_usv_string(ctx, 0);
  duk_idx_t list = push_this_entries(ctx);
  list_remove(ctx, list, 0, -1);
  return 0;
}

/* magic: 0 get, 1 getAll, 2 has */
static duk_ret_t fd_lookup(duk_context *ctx) {
  int magic = duk_get_current_magic(ctx);
  require_args(ctx, magic == 0 ? "get" : magic == 1 ? "getAll" : "has", 1);
  duk_set_top(ctx, 1);
  edgefn__to_usv_string(ctx, 0);
  duk_idx_t list = push_this_entries(ctx);
  if (magic == 1)
    duk_push_array(ctx);
  duk_uarridx_t n = (duk_uarridx_t)duk_get_length(ctx, list), k = 0;
  for (duk_uarridx_t r = 0; r + 1 < n; r += 2) {
    duk_get_prop_index(ctx, list, r);
    bool match = duk_strict_equals(ctx, -1, 0);
    duk_pop(ctx);
    if (!match)
      continue;
    if (magic == 2) {
      duk_push_true(ctx);
      return 1;
    }
    duk_get_prop_index(ctx, list, r + 1);
    if (magic == 0)
      return 1;
    duk_put_prop_index(ctx, -2, k++);
  }
  if (magic == 0)
    duk_push_null(ctx);
  else if (magic == 2)
    duk_push_false(ctx);
  return 1;
}

static duk_ret_t fd_for_each(duk_context *ctx) {
  require_args(ctx, "forEach", 1);
  duk_set_top(ctx, 2);
  if (!duk_is_callable(ctx, 0))
    return duk_error(ctx, DUK_ERR_TYPE_ERROR,
                     "Failed to execute 'forEach' on 'FormData': The callback provided as "
                     "parameter 1 is not a function.");
  duk_idx_t list = push_this_entries(ctx);
  /* Live over the list, as WebIDL's iterable forEach: the callback may change it. */
  for (duk_uarridx_t i = 0; i + 1 < (duk_uarridx_t)duk_get_length(ctx, list); i += 2) {
    duk_dup(ctx, 0);
    duk_dup(ctx, 1);
    duk_get_prop_index(ctx, list, i + 1);
    duk_get_prop_index(ctx, list, i);
    duk_push_this(ctx);
    duk_call_method(ctx, 3);
    duk_pop(ctx);
  }
  return 0;
}

/* ---- iterators: keys, values, entries ---- */

static duk_ret_t iter_next(duk_context *ctx) {
  duk_push_this(ctx);
  if (!duk_get_prop_literal(ctx, -1, KEY_ITER_TARGET) || !edgefn__is_formdata(ctx, -1))
    return duk_error(ctx, DUK_ERR_TYPE_ERROR, "Illegal invocation: not a FormData iterator");
  duk_get_prop_literal(ctx, -1, KEY_ENTRIES);
  duk_get_prop_literal(ctx, 0, KEY_ITER_POS);
  duk_uarridx_t pos = duk_get_uint(ctx, -1);
  duk_get_prop_literal(ctx, 0, KEY_ITER_KIND);
  int kind = duk_get_int(ctx, -1);
  duk_pop_2(ctx); /* 0 this, 1 target, 2 list */
  duk_push_object(ctx);
  if (2 * pos + 1 >= duk_get_length(ctx, 2)) {
    duk_push_undefined(ctx);
    duk_put_prop_literal(ctx, -2, "value");
    duk_push_true(ctx);
    duk_put_prop_literal(ctx, -2, "done");
    return 1;
  }
  if (kind == 2) {
    duk_push_array(ctx);
    duk_get_prop_index(ctx, 2, 2 * pos);
    duk_put_prop_index(ctx, -2, 0);
    duk_get_prop_index(ctx, 2, 2 * pos + 1);
    duk_put_prop_index(ctx, -2, 1);
  } else {
    duk_get_prop_index(ctx, 2, 2 * pos + (duk_uarridx_t)kind);
  }
  duk_put_prop_literal(ctx, -2, "value");
  duk_push_false(ctx);
  duk_put_prop_literal(ctx, -2, "done");
  duk_push_uint(ctx, pos + 1);
  duk_put_prop_literal(ctx, 0, KEY_ITER_POS);
  return 1;
}

/* magic: 0 keys, 1 values, 2 entries */
static duk_ret_t fd_iterator(duk_context *ctx) {
  push_this_entries(ctx);
  duk_push_object(ctx);
  duk_push_global_stash(ctx);
  duk_get_prop_literal(ctx, -1, STASH_FORMDATA_ITER_PROTO);
  duk_set_prototype(ctx, -3);
  duk_pop(ctx);
  duk_push_this(ctx);
  duk_put_prop_literal(ctx, -2, KEY_ITER_TARGET);
  duk_push_uint(ctx, 0);
  duk_put_prop_literal(ctx, -2, KEY_ITER_POS);
  duk_push_int(ctx, duk_get_current_magic(ctx));
  duk_put_prop_literal(ctx, -2, KEY_ITER_KIND);
  return 1;
}

static duk_ret_t iter_self(duk_context *ctx) {
  duk_push_this(ctx);
  return 1;
}

static duk_ret_t fd_ctor(duk_context *ctx) {
  if (!duk_is_constructor_call(ctx))
    return duk_error(ctx, DUK_ERR_TYPE_ERROR,
                     "Failed to construct 'FormData': Please use the 'new' operator");
  if (!duk_is_undefined(ctx, 0))
    return duk_error(ctx, DUK_ERR_TYPE_ERROR,
                     "Failed to construct 'FormData': parameter 1 is not of type "
                     "'HTMLFormElement'.");
  duk_push_this(ctx);
  duk_push_array(ctx);
  duk_put_prop_literal(ctx, -2, KEY_ENTRIES);
  return 0;
}

static void push_new_formdata(duk_context *ctx) {
  edgefn__blob_classes_ensure(ctx);
  duk_push_object(ctx);
  duk_push_global_stash(ctx);
  duk_get_prop_literal(ctx, -1, STASH_FORMDATA_PROTO);
  duk_set_prototype(ctx, -3);
  duk_pop(ctx);
  duk_push_array(ctx);
  duk_put_prop_literal(ctx, -2, KEY_ENTRIES);
}

/* Defines the method on top of the stack (popped) as obj[Symbol.iterator]. */
static void def_iterator_method(duk_context *ctx, duk_idx_t obj) {
  obj = duk_normalize_index(ctx, obj);
  duk_push_literal(ctx, DUK_WELLKNOWN_SYMBOL("Symbol.iterator"));
  duk_swap_top(ctx, -2);
  duk_def_prop(ctx, obj,
               DUK_DEFPROP_HAVE_VALUE | DUK_DEFPROP_SET_WRITABLE | DUK_DEFPROP_SET_CONFIGURABLE);
}

static const duk_function_list_entry fd_methods[] = {{"append", fd_append_entry, DUK_VARARGS},
                                                     {"set", fd_set_entry, DUK_VARARGS},
                                                     {"delete", fd_delete, DUK_VARARGS},
                                                     {"forEach", fd_for_each, DUK_VARARGS},
                                                     {NULL, NULL, 0}};

static void def_magic_method(duk_context *ctx, duk_idx_t obj, const char *name, duk_c_function fn,
                             int magic) {
  obj = duk_normalize_index(ctx, obj);
  duk_push_c_function(ctx, fn, DUK_VARARGS);
  duk_set_magic(ctx, -1, magic);
  duk_put_prop_string(ctx, obj, name);
}

void edgefn__formdata_class_create(duk_context *ctx, duk_idx_t stash) {
  stash = duk_normalize_index(ctx, stash);
  duk_push_object(ctx); /* the iterator prototype */
  edgefn__iter_push_proto(ctx); /* WebIDL: an iterator prototype inherits %IteratorPrototype% */
  duk_set_prototype(ctx, -2);
  duk_push_c_function(ctx, iter_next, 0);
  duk_put_prop_literal(ctx, -2, "next");
  duk_push_c_function(ctx, iter_self, 0);
  def_iterator_method(ctx, -2);
  duk_push_literal(ctx, DUK_WELLKNOWN_SYMBOL("Symbol.toStringTag"));
  duk_push_literal(ctx, "FormData Iterator");
  duk_def_prop(ctx, -3, DUK_DEFPROP_HAVE_VALUE | DUK_DEFPROP_SET_CONFIGURABLE);
  duk_put_prop_literal(ctx, stash, STASH_FORMDATA_ITER_PROTO);

  duk_push_c_function(ctx, fd_ctor, 1);
  duk_push_object(ctx);
  duk_put_function_list(ctx, -1, fd_methods);
  def_magic_method(ctx, -1, "get", fd_lookup, 0);
  def_magic_method(ctx, -1, "getAll", fd_lookup, 1);
  def_magic_method(ctx, -1, "has", fd_lookup, 2);
  def_magic_method(ctx, -1, "keys", fd_iterator, 0);
  def_magic_method(ctx, -1, "values", fd_iterator, 1);
  def_magic_method(ctx, -1, "entries", fd_iterator, 2);
  duk_get_prop_literal(ctx, -1, "entries");
  def_iterator_method(ctx, -2);
  edgefn__def_class_name(ctx, -2, -1, "FormData");
  duk_put_prop_literal(ctx, stash, STASH_FORMDATA_PROTO);
  duk_put_prop_literal(ctx, stash, EDGEFN_STASH_FORMDATA_CTOR);
}

/* ---- serializing: multipart/form-data ---- */

/* A growing byte buffer kept on the value stack, so that a throw frees it. */
typedef struct out_buf {
  duk_idx_t idx;
  uint8_t *p;
  size_t len, cap;
} out_buf;

static void out_init(duk_context *ctx, out_buf *o) {
  o->cap = 256;
  o->len = 0;
  o->p = duk_push_dynamic_buffer(ctx, o->cap);
  o->idx = duk_get_top_index(ctx);
}

static void out_put(duk_context *ctx, out_buf *o, const void *data, size_t len) {
  if (o->len + len > o->cap) {
    while (o->len + len > o->cap)
      o->cap *= 2;
    o->p = duk_resize_buffer(ctx, o->idx, o->cap);
  }
  if (len)
    memcpy(o->p + o->len, data, len);
  o->len += len;
}

static void out_str(duk_context *ctx, out_buf *o, const char *s) { out_put(ctx, o, s, strlen(s)); }

/* Writes the string at idx as UTF-8; with `crlf`, line breaks become CRLF; with `escape`,
 * CR, LF and '"' are percent-encoded (HTML's rule for names and filenames). */
static void out_text(duk_context *ctx, out_buf *o, duk_idx_t idx, bool crlf, bool escape) {
  size_t len;
  const uint8_t *s = edgefn__push_utf8_buffer(ctx, idx, &len);
  for (size_t i = 0; i < len; i++) {
    uint8_t c = s[i];
    if (crlf && (c == '\r' || c == '\n')) {
      out_str(ctx, o, escape ? "%0D%0A" : "\r\n");
      if (c == '\r' && i + 1 < len && s[i + 1] == '\n')
        i++;
    } else if (escape && c == '\n') {
      out_str(ctx, o, "%0A");
    } else if (escape && c == '\r') {
      out_str(ctx, o, "%0D");
    } else if (escape && c == '"') {
      out_str(ctx, o, "%22");
    } else {
      out_put(ctx, o, &c, 1);
    }
  }
  duk_pop(ctx);
}

void edgefn__formdata_push_body(duk_context *ctx, duk_idx_t fd) {
  fd = duk_normalize_index(ctx, fd);
  static const char alphabet[] = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
  uint8_t rnd[BOUNDARY_RANDOM_CHARS];
  if (edgefn__random_bytes(rnd, sizeof(rnd)) != 0)
    (void)duk_error(ctx, DUK_ERR_ERROR, "no random bytes for a multipart boundary");
  char boundary[32 + BOUNDARY_RANDOM_CHARS];
  size_t b = (size_t)snprintf(boundary, sizeof(boundary), "----edgefnFormBoundary");
  for (size_t i = 0; i < sizeof(rnd); i++)
    boundary[b++] = alphabet[rnd[i] % (sizeof(alphabet) - 1)];
  boundary[b] = '\0';

  duk_get_prop_literal(ctx, fd, KEY_ENTRIES);
  duk_idx_t list = duk_get_top_index(ctx);
  out_buf o;
  out_init(ctx, &o);
  for (duk_uarridx_t i = 0; i + 1 < (duk_uarridx_t)duk_get_length(ctx, list); i += 2) {
    duk_get_prop_index(ctx, list, i);
    duk_get_prop_index(ctx, list, i + 1);
    out_str(ctx, &o, "--");
    out_str(ctx, &o, boundary);
    out_str(ctx, &o, "\r\nContent-Disposition: form-data; name=\"");
    out_text(ctx, &o, -2, true, true);
    out_str(ctx, &o, "\"");
    if (edgefn__is_blob(ctx, -1)) {
      if (edgefn__is_file(ctx, -1)) {
        out_str(ctx, &o, "; filename=\"");
        duk_get_prop_literal(ctx, -1, "name");
        out_text(ctx, &o, -1, false, true);
        duk_pop(ctx);
        out_str(ctx, &o, "\"");
      }
      const char *type = edgefn__blob_type(ctx, -1);
      out_str(ctx, &o, "\r\nContent-Type: ");
      out_str(ctx, &o, *type ? type : "application/octet-stream");
      out_str(ctx, &o, "\r\n\r\n");
      size_t len;
      const uint8_t *data = edgefn__blob_data(ctx, -1, &len);
      /* The Blob's own buffer: growing `o` cannot move it. */
      out_put(ctx, &o, data, len);
    } else {
      out_str(ctx, &o, "\r\n\r\n");
      out_text(ctx, &o, -1, true, false);
    }
    out_str(ctx, &o, "\r\n");
    duk_pop_2(ctx);
  }
  out_str(ctx, &o, "--");
  out_str(ctx, &o, boundary);
  out_str(ctx, &o, "--\r\n");
  duk_resize_buffer(ctx, o.idx, o.len);
  duk_to_fixed_buffer(ctx, o.idx, NULL);
  duk_remove(ctx, list);
  duk_push_sprintf(ctx, "multipart/form-data; boundary=%s", boundary);
}

/* ---- parsing ---- */

static void append_entry(duk_context *ctx, duk_idx_t fd) {
  duk_get_prop_literal(ctx, fd, KEY_ENTRIES);
  list_append(ctx, -1, -3, -2);
  duk_pop_3(ctx);
}

/* Pushes the string for one urlencoded name or value: '+' is a space, %XX a byte, and the
 * bytes are UTF-8 decoded (without BOM handling; bad sequences become U+FFFD). */
static void push_form_decoded(duk_context *ctx, const uint8_t *s, size_t len) {
  uint8_t *buf = duk_push_fixed_buffer(ctx, len ? len : 1);
  size_t w = 0;
  for (size_t i = 0; i < len; i++) {
    int hi, lo;
    if (s[i] == '+') {
      buf[w++] = ' ';
    } else if (s[i] == '%' && i + 2 < len && (hi = edgefn__hex_value(s[i + 1])) >= 0 &&
               (lo = edgefn__hex_value(s[i + 2])) >= 0) {
      buf[w++] = (uint8_t)(hi * 16 + lo);
      i += 2;
    } else {
      buf[w++] = s[i];
    }
  }
  edgefn__push_string_from_utf8(ctx, buf, w);
  duk_remove(ctx, -2);
}

static void parse_urlencoded(duk_context *ctx, duk_idx_t fd, const uint8_t *body, size_t len) {
  size_t pos = 0;
  while (pos < len) {
    const uint8_t *amp = memchr(body + pos, '&', len - pos);
    size_t end = amp ? (size_t)(amp - body) : len;
    if (end > pos) {
      const uint8_t *eq = memchr(body + pos, '=', end - pos);
      size_t name_end = eq ? (size_t)(eq - body) : end;
      push_form_decoded(ctx, body + pos, name_end - pos);
      if (eq)
        push_form_decoded(ctx, body + name_end + 1, end - name_end - 1);
      else
        duk_push_literal(ctx, "");
      append_entry(ctx, fd);
    }
    pos = end + 1;
  }
}

/* Throws (duk_error longjmps): marked noreturn so callers' NULL checks read as guards. */
__attribute__((noreturn)) static void malformed(duk_context *ctx, const char *why) {
  (void)duk_error(ctx, DUK_ERR_TYPE_ERROR, "Failed to parse body as FormData: %s", why);
  abort(); /* not reached */
}

static bool ieq(const uint8_t *s, size_t len, const char *lit) {
  return strlen(lit) == len && strncasecmp((const char *)s, lit, len) == 0;
}

static bool is_lws(uint8_t c) { return c == ' ' || c == '\t'; }

/* The parameters of a Content-Disposition value we look at: name and filename, pushed as
 * strings (undefined when absent) at the two given stack slots. */
static void parse_disposition(duk_context *ctx, const uint8_t *s, size_t len, duk_idx_t name,
                              duk_idx_t filename) {
  size_t pos = 0;
  while (pos < len && s[pos] != ';')
    pos++;
  if (!ieq(s, pos, "form-data")) {
    size_t a = 0, b = pos;
    while (a < b && is_lws(s[a]))
      a++;
    while (b > a && is_lws(s[b - 1]))
      b--;
    if (!ieq(s + a, b - a, "form-data"))
      malformed(ctx, "a part's Content-Disposition is not form-data");
  }
  while (pos < len) {
    pos++; /* ';' */
    while (pos < len && is_lws(s[pos]))
      pos++;
    size_t k = pos;
    while (pos < len && s[pos] != '=' && s[pos] != ';')
      pos++;
    size_t k_end = pos;
    while (k_end > k && is_lws(s[k_end - 1]))
      k_end--;
    if (pos >= len || s[pos] == ';')
      continue;
    pos++; /* '=' */
    while (pos < len && is_lws(s[pos]))
      pos++;
    uint8_t *val = duk_push_fixed_buffer(ctx, len - pos + 1);
    size_t vl = 0;
    if (pos < len && s[pos] == '"') {
      pos++;
      while (pos < len && s[pos] != '"') {
        if (s[pos] == '\\' && pos + 1 < len)
          pos++;
        val[vl++] = s[pos++];
      }
      if (pos >= len)
        malformed(ctx, "unterminated quoted string in Content-Disposition");
      pos++;
      while (pos < len && s[pos] != ';')
        pos++;
    } else {
      while (pos < len && s[pos] != ';')
        val[vl++] = s[pos++];
      while (vl > 0 && is_lws(val[vl - 1]))
        vl--;
    }
    duk_idx_t slot = ieq(s + k, k_end - k, "name")       ? name
                     : ieq(s + k, k_end - k, "filename") ? filename
                                                         : -1;
    if (slot >= 0 && duk_is_undefined(ctx, slot)) {
      edgefn__push_string_from_utf8(ctx, val, vl);
      duk_replace(ctx, slot);
    }
    duk_pop(ctx);
  }
}

static const uint8_t *find(const uint8_t *hay, size_t hay_len, const uint8_t *needle,
                           size_t needle_len) {
  return memmem(hay, hay_len, needle, needle_len);
}

static void parse_multipart(duk_context *ctx, duk_idx_t fd, const uint8_t *body, size_t len,
                            const uint8_t *boundary, size_t blen) {
  /* delim = CRLF "--" boundary; the first delimiter may also start the body. */
  uint8_t *delim = duk_push_fixed_buffer(ctx, blen + 4);
  memcpy(delim, "\r\n--", 4);
  memcpy(delim + 4, boundary, blen);
  size_t dlen = blen + 4;
  size_t pos;
  if (len >= dlen - 2 && memcmp(body, delim + 2, dlen - 2) == 0) {
    pos = dlen - 2;
  } else {
    const uint8_t *d = find(body, len, delim, dlen);
    if (!d)
      malformed(ctx, "no multipart boundary found");
    pos = (size_t)(d - body) + dlen;
  }
  duk_idx_t base = duk_get_top(ctx);
  for (;;) {
    if (len - pos >= 2 && body[pos] == '-' && body[pos + 1] == '-')
      break; /* the close delimiter; an epilogue may follow */
    while (pos < len && is_lws(body[pos]))
      pos++;
    if (len - pos < 2 || body[pos] != '\r' || body[pos + 1] != '\n')
      malformed(ctx, "bad multipart delimiter line");
    pos += 2;
    duk_set_top(ctx, base);
    duk_push_undefined(ctx); /* base: name */
    duk_push_undefined(ctx); /* base + 1: filename */
    duk_push_undefined(ctx); /* base + 2: content type */
    for (;;) {
      const uint8_t *eol = find(body + pos, len - pos, (const uint8_t *)"\r\n", 2);
      if (!eol)
        malformed(ctx, "unterminated part headers");
      size_t line_end = (size_t)(eol - body);
      if (line_end == pos) {
        pos += 2;
        break;
      }
      const uint8_t *colon = memchr(body + pos, ':', line_end - pos);
      if (!colon)
        malformed(ctx, "bad part header line");
      size_t name_end = (size_t)(colon - body);
      while (name_end > pos && is_lws(body[name_end - 1]))
        name_end--;
      size_t v = (size_t)(colon - body) + 1, v_end = line_end;
      while (v < v_end && is_lws(body[v]))
        v++;
      while (v_end > v && is_lws(body[v_end - 1]))
        v_end--;
      if (ieq(body + pos, name_end - pos, "content-disposition")) {
        parse_disposition(ctx, body + v, v_end - v, base, base + 1);
      } else if (ieq(body + pos, name_end - pos, "content-type")) {
        duk_push_lstring(ctx, (const char *)body + v, v_end - v);
        duk_replace(ctx, base + 2);
      }
      pos = line_end + 2;
    }
    if (duk_is_undefined(ctx, base))
      malformed(ctx, "a part has no name");
    const uint8_t *end = find(body + pos, len - pos, delim, dlen);
    if (!end)
      malformed(ctx, "no closing multipart boundary");
    size_t part_end = (size_t)(end - body);
    duk_dup(ctx, base);
    if (duk_is_undefined(ctx, base + 1)) {
      edgefn__push_string_from_utf8(ctx, body + pos, part_end - pos);
    } else {
      edgefn__blob_push(ctx, body + pos, part_end - pos,
                        duk_is_undefined(ctx, base + 2) ? "text/plain"
                                                        : duk_get_string(ctx, base + 2));
      edgefn__file_push_from(ctx, -1, base + 1, edgefn__now_ms(ctx));
      duk_remove(ctx, -2);
    }
    append_entry(ctx, fd);
    pos = part_end + dlen;
  }
  duk_set_top(ctx, base - 1); /* and the delimiter */
}

/* Copies the UTF-8 text s to an isomorphic byte string (code points up to U+00FF as one
 * byte each), as a header value travels on the wire; returns false for anything else. */
static bool isomorphic_encode(const char *s, uint8_t *out, size_t *out_len) {
  size_t n = 0;
  for (const uint8_t *p = (const uint8_t *)s; *p; p++) {
    if (*p < 0x80) {
      out[n++] = *p;
    } else if ((*p == 0xc2 || *p == 0xc3) && (p[1] & 0xc0) == 0x80) {
      out[n++] = (uint8_t)(((p[0] & 0x03) << 6) | (p[1] & 0x3f));
      p++;
    } else {
      return false;
    }
  }
  *out_len = n;
  return true;
}

void edgefn__formdata_push_parsed(duk_context *ctx, const uint8_t *body, size_t len,
                                  const char *content_type) {
  if (!content_type)
    (void)duk_error(ctx, DUK_ERR_TYPE_ERROR, "Failed to parse body as FormData: no Content-Type");
  edgefn__mime mime;
  if (!edgefn__mime_parse_utf8(content_type, strlen(content_type), &mime))
    (void)duk_error(ctx, DUK_ERR_TYPE_ERROR,
                    "Failed to parse body as FormData: invalid Content-Type");
  int kind = 0; /* 1 multipart, 2 urlencoded */
  if (!strcmp(mime.type, "multipart") && !strcmp(mime.subtype, "form-data"))
    kind = 1;
  else if (!strcmp(mime.type, "application") && !strcmp(mime.subtype, "x-www-form-urlencoded"))
    kind = 2;
  /* The boundary moves to the value stack before anything can throw (mime is malloc'd). */
  const char *bnd = kind == 1 ? edgefn__mime_param(&mime, "boundary") : NULL;
  size_t blen = 0;
  bool bnd_ok = bnd && *bnd;
  uint8_t *bbuf = duk_push_fixed_buffer(ctx, bnd ? strlen(bnd) + 1 : 1);
  if (bnd_ok)
    bnd_ok = isomorphic_encode(bnd, bbuf, &blen);
  edgefn__mime_free(&mime);
  if (kind == 0)
    (void)duk_error(ctx, DUK_ERR_TYPE_ERROR,
                    "Failed to parse body as FormData: unsupported Content-Type");
  if (kind == 1 && !bnd_ok)
    (void)duk_error(ctx, DUK_ERR_TYPE_ERROR,
                    "Failed to parse body as FormData: no multipart boundary");
  push_new_formdata(ctx);
  duk_idx_t fd = duk_get_top_index(ctx);
  if (kind == 1)
    parse_multipart(ctx, fd, body ? body : (const uint8_t *)"", len, bbuf, blen);
  else
    parse_urlencoded(ctx, fd, body ? body : (const uint8_t *)"", len);
  duk_remove(ctx, -2); /* the boundary */
}
