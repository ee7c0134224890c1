/* console: log/info/debug/trace/warn/error to the host's log callback with the level.
 *
 * Arguments are formatted the way Node's console (util.inspect with its defaults) does,
 * since that is what function authors compare against: strings print raw at the top level,
 * `%s %d %i %f %j %o %O %c %%` in a first string argument consume arguments, and other
 * values are inspected — nested strings quoted, objects to depth 2, circular references
 * marked `<ref *N>` / `[Circular *N]`, lines broken at 80 columns with Node's rules
 * (including its grouping of long arrays into columns). `%o` is `%O` with depth 4 (Node
 * also shows hidden properties there). */
#include "js/js.h"

#include <math.h>
#include <string.h>

#define INSPECT_DEPTH 2
#define BREAK_LENGTH 80
#define MAX_ARRAY_LENGTH 100
#define MAX_STRING_LENGTH 10000
#define MAX_BUFFER_BYTES 50
#define KEY_COLLECT DUK_HIDDEN_SYMBOL("cCollect")

typedef struct insp {
  duk_idx_t seen;     /* array: the objects on the path being formatted */
  duk_idx_t circular; /* array: objects referred to circularly; the ref is index + 1 */
  int depth;          /* objects nested deeper print as [Object] */
  int indent;         /* Node's indentationLvl */
} insp;

static void fmt_value(duk_context *ctx, insp *in, duk_idx_t v, int rt, bool nested);

/* Pushes Object.prototype.toString.call(v), e.g. "[object Map]". */
static const char *push_class_tag(duk_context *ctx, duk_idx_t v) {
  v = duk_normalize_index(ctx, v);
  duk_get_global_string(ctx, "Object");
  duk_get_prop_string(ctx, -1, "prototype");
  duk_get_prop_string(ctx, -1, "toString");
  duk_dup(ctx, v);
  duk_call_method(ctx, 0);
  duk_replace(ctx, -3);
  duk_pop(ctx);
  return duk_get_string(ctx, -1);
}

static bool is_ident(const char *s, size_t n) {
  if (n == 0 || !((s[0] >= 'a' && s[0] <= 'z') || (s[0] >= 'A' && s[0] <= 'Z') || s[0] == '_'))
    return false;
  for (size_t i = 1; i < n; i++) {
    char c = s[i];
    if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_'))
      return false;
  }
  return true;
}

/* Pushes the string at idx quoted as Node does: single quotes unless the text holds one
 * (then double quotes, then backticks), control characters escaped. */
static void push_quoted(duk_context *ctx, duk_idx_t idx) {
  duk_size_t n;
  const char *s = duk_get_lstring(ctx, idx, &n);
  char q = '\'';
  if (memchr(s, '\'', n)) {
    if (!memchr(s, '"', n))
      q = '"';
    else if (!memchr(s, '`', n) && !strstr(s, "${"))
      q = '`';
  }
  char *out = duk_push_fixed_buffer(ctx, n * 4 + 2);
  size_t o = 0;
  out[o++] = q;
  for (size_t i = 0; i < n; i++) {
    unsigned char c = (unsigned char)s[i];
    static const char hex[] = "0123456789ABCDEF";
    if (c == (unsigned char)q || c == '\\') {
      out[o++] = '\\';
      out[o++] = (char)c;
    } else if (c < 0x20 || c == 0x7f) {
      const char *esc = c == '\b'   ? "\\b"
                        : c == '\t' ? "\\t"
                        : c == '\n' ? "\\n"
                        : c == '\f' ? "\\f"
                        : c == '\r' ? "\\r"
                                    : NULL;
      if (esc) {
        out[o++] = esc[0];
        out[o++] = esc[1];
      } else {
        out[o++] = '\\';
        out[o++] = 'x';
        out[o++] = hex[c >> 4];
        out[o++] = hex[c & 15];
      }
    } else {
      out[o++] = (char)c;
    }
  }
  out[o++] = q;
  duk_push_lstring(ctx, out, o);
  duk_remove(ctx, -2);
}

/* String(v): unlike ToString, it accepts symbols. */
static void push_string_of(duk_context *ctx, duk_idx_t v) {
  v = duk_normalize_index(ctx, v);
  duk_get_global_string(ctx, "String");
  duk_dup(ctx, v);
  if (duk_pcall(ctx, 1) != DUK_EXEC_SUCCESS || !duk_is_string(ctx, -1)) {
    duk_pop(ctx);
    duk_push_string(ctx, "[unprintable]");
  }
}

static void push_number(duk_context *ctx, double d) {
  if (d == 0 && signbit(d))
    duk_push_string(ctx, "-0");
  else {
    duk_push_number(ctx, d);
    duk_to_string(ctx, -1);
  }
}

static void push_primitive(duk_context *ctx, duk_idx_t v, bool nested) {
  /* Duktape's symbols are strings internally: test them first. */
  if (duk_is_symbol(ctx, v)) {
    push_string_of(ctx, v);
  } else if (duk_is_string(ctx, v)) {
    duk_size_t n;
    duk_get_lstring(ctx, v, &n);
    if (!nested) {
      duk_dup(ctx, v);
      return;
    }
    if (duk_get_length(ctx, v) > MAX_STRING_LENGTH) {
      duk_size_t total = duk_get_length(ctx, v);
      duk_dup(ctx, v);
      duk_substring(ctx, -1, 0, MAX_STRING_LENGTH);
      push_quoted(ctx, -1);
      duk_remove(ctx, -2);
      duk_push_sprintf(ctx, "... %lu more characters", (unsigned long)(total - MAX_STRING_LENGTH));
      duk_concat(ctx, 2);
      return;
    }
    push_quoted(ctx, v);
  } else if (duk_is_number(ctx, v)) {
    push_number(ctx, duk_get_number(ctx, v));
  } else {
    push_string_of(ctx, v);
  }
}

/* Appends the string on the stack top to the array at arr and pops it. */
static void arr_push(duk_context *ctx, duk_idx_t arr) {
  arr = duk_normalize_index(ctx, arr);
  duk_put_prop_index(ctx, arr, (duk_uarridx_t)duk_get_length(ctx, arr));
}

static size_t str_len_at(duk_context *ctx, duk_idx_t arr, duk_uarridx_t i) {
  duk_get_prop_index(ctx, arr, i);
  size_t n = duk_get_length(ctx, -1);
  duk_pop(ctx);
  return n;
}

/* Node's groupArrayElements: many short entries are laid out in aligned columns. Replaces
 * the array at out when it groups. `numeric` right-aligns (all entries are numbers). */
static void group_array_elements(duk_context *ctx, insp *in, duk_idx_t out, bool numeric,
                                 bool has_more) {
  size_t total = 0, max_len = 0, len = duk_get_length(ctx, out);
  size_t out_len = has_more ? len - 1 : len;
  const size_t sep = 2;
  size_t data_len[MAX_ARRAY_LENGTH + 1];
  if (out_len > MAX_ARRAY_LENGTH + 1)
    return;
  for (size_t i = 0; i < out_len; i++) {
    data_len[i] = str_len_at(ctx, out, (duk_uarridx_t)i);
    total += data_len[i] + sep;
    if (data_len[i] > max_len)
      max_len = data_len[i];
  }
  size_t actual_max = max_len + sep;
  if (!(actual_max * 3 + (size_t)in->indent < BREAK_LENGTH &&
        ((double)total / (double)actual_max > 5 || max_len <= 6)))
    return;
  double average_bias = sqrt((double)actual_max - (double)total / (double)len);
  double biased_max = fmax((double)actual_max - 3 - average_bias, 1);
  double c1 = round(sqrt(2.5 * biased_max * (double)out_len) / biased_max);
  double c2 = floor((double)(BREAK_LENGTH - in->indent) / (double)actual_max);
  size_t columns = (size_t)fmin(fmin(c1, c2), fmin(3 * 4, 15));
  if (columns <= 1)
    return;
  size_t max_line[16];
  for (size_t i = 0; i < columns; i++) {
    size_t w = 0;
    for (size_t j = i; j < out_len; j += columns)
      if (data_len[j] > w)
        w = data_len[j];
    max_line[i] = w + sep;
  }
  duk_push_array(ctx);
  duk_idx_t rows = duk_get_top_index(ctx);
  for (size_t i = 0; i < out_len; i += columns) {
    size_t max = i + columns < out_len ? i + columns : out_len;
    duk_idx_t base = duk_get_top(ctx);
    for (size_t j = i; j < max; j++) {
      bool last = j == max - 1;
      size_t width = max_line[j - i] - (last ? sep : 0);
      size_t pad =
          width > data_len[j] + (last ? 0 : sep) ? width - data_len[j] - (last ? 0 : sep) : 0;
      if (last && !numeric)
        pad = 0;
      char spaces[96];
      if (pad >= sizeof(spaces))
        pad = sizeof(spaces) - 1;
      memset(spaces, ' ', pad);
      if (numeric)
        duk_push_lstring(ctx, spaces, pad);
      duk_get_prop_index(ctx, out, (duk_uarridx_t)j);
      if (!last)
        duk_push_string(ctx, ", ");
      if (!numeric)
        duk_push_lstring(ctx, spaces, pad);
    }
    duk_concat(ctx, duk_get_top(ctx) - base);
    arr_push(ctx, rows);
  }
  if (has_more) {
    duk_get_prop_index(ctx, out, (duk_uarridx_t)(len - 1));
    arr_push(ctx, rows);
  }
  duk_replace(ctx, out);
}

/* Node's reduceToSingleString: one line when it fits in 80 columns, else one entry per
 * line indented. Pushes the result. */
static void reduce(duk_context *ctx, insp *in, duk_idx_t out, const char *base, const char *open,
                   const char *close, bool array_type, bool numeric, bool has_more) {
  size_t entries = duk_get_length(ctx, out);
  if (array_type && entries > 6)
    group_array_elements(ctx, in, out, numeric, has_more);
  size_t n = duk_get_length(ctx, out);
  if (entries == n) {
    size_t start = n + (size_t)in->indent + strlen(open) + strlen(base) + 10;
    size_t total = n + start;
    bool fits = total + n <= BREAK_LENGTH && !strchr(base, '\n');
    for (size_t i = 0; fits && i < n; i++) {
      total += str_len_at(ctx, out, (duk_uarridx_t)i);
      fits = total <= BREAK_LENGTH;
    }
    if (fits) {
      duk_get_prop_string(ctx, out, "join");
      duk_dup(ctx, out);
      duk_push_string(ctx, ", ");
      duk_call_method(ctx, 1);
      if (!strchr(duk_get_string(ctx, -1), '\n')) {
        duk_push_sprintf(ctx, "%s%s%s ", base, *base ? " " : "", open);
        duk_swap_top(ctx, -2);
        duk_push_sprintf(ctx, " %s", close);
        duk_concat(ctx, 3);
        return;
      }
      duk_pop(ctx);
    }
  }
  char ind[128];
  int w = in->indent < 120 ? in->indent : 120;
  memset(ind, ' ', (size_t)w);
  ind[w] = '\0';
  duk_get_prop_string(ctx, out, "join");
  duk_dup(ctx, out);
  duk_push_sprintf(ctx, ",\n%s  ", ind);
  duk_call_method(ctx, 1);
  duk_push_sprintf(ctx, "%s%s%s\n%s  ", base, *base ? " " : "", open, ind);
  duk_swap_top(ctx, -2);
  duk_push_sprintf(ctx, "\n%s%s", ind, close);
  duk_concat(ctx, 3);
}

/* Pushes the constructor name found on v's prototype chain, or null for a null
 * prototype; an object whose chain has no named constructor gives "Object". */
static void push_constructor_name(duk_context *ctx, duk_idx_t v) {
  v = duk_normalize_index(ctx, v);
  duk_get_prototype(ctx, v);
  if (duk_is_undefined(ctx, -1) || duk_is_null(ctx, -1)) {
    duk_pop(ctx);
    duk_push_null(ctx);
    return;
  }
  for (int guard = 0; guard < 100 && duk_is_object(ctx, -1); guard++) {
    duk_push_string(ctx, "constructor");
    duk_get_prop_desc(ctx, -2, 0);
    if (duk_is_object(ctx, -1)) {
      duk_get_prop_string(ctx, -1, "value");
      if (duk_is_function(ctx, -1)) {
        duk_get_prop_string(ctx, -1, "name");
        if (duk_is_string(ctx, -1) && duk_get_length(ctx, -1) > 0) {
          duk_replace(ctx, -4);
          duk_pop_2(ctx);
          return;
        }
        duk_pop(ctx);
      }
      duk_pop(ctx);
    }
    duk_pop(ctx);
    duk_get_prototype(ctx, -1);
    duk_remove(ctx, -2);
  }
  duk_pop(ctx);
  duk_push_string(ctx, "Object");
}

/* Formats property key (at key) of obj as "key: value" (or just the value for array
 * elements) and appends it to out. */
static void fmt_property(duk_context *ctx, insp *in, duk_idx_t obj, duk_idx_t key, int rt,
                         duk_idx_t out, bool value_only) {
  duk_dup(ctx, key);
  duk_get_prop_desc(ctx, obj, 0);
  duk_idx_t desc = duk_get_top_index(ctx);
  if (!duk_is_object(ctx, desc)) {
    duk_pop(ctx);
    return;
  }
  duk_get_prop_string(ctx, desc, "get");
  duk_get_prop_string(ctx, desc, "set");
  bool has_get = duk_is_function(ctx, -2), has_set = duk_is_function(ctx, -1);
  duk_pop_2(ctx);
  duk_idx_t base = duk_get_top(ctx);
  if (!value_only) {
    if (duk_is_symbol(ctx, key)) {
      duk_push_string(ctx, "[");
      push_string_of(ctx, key);
      duk_push_string(ctx, "]");
    } else {
      duk_size_t n;
      const char *s = duk_get_lstring(ctx, key, &n);
      if (is_ident(s, n))
        duk_dup(ctx, key);
      else
        push_quoted(ctx, key);
    }
    duk_push_string(ctx, ": ");
  }
  if (has_get || has_set) {
    duk_push_string(ctx, has_get && has_set ? "[Getter/Setter]"
                         : has_get          ? "[Getter]"
                                            : "[Setter]");
  } else {
    duk_get_prop_string(ctx, desc, "value");
    in->indent += 2;
    fmt_value(ctx, in, -1, rt, true);
    in->indent -= 2;
    duk_remove(ctx, -2);
  }
  duk_concat(ctx, duk_get_top(ctx) - base);
  arr_push(ctx, out);
  duk_pop(ctx);
}

static bool is_index_key(duk_context *ctx, duk_idx_t key, duk_size_t len) {
  if (!duk_is_string(ctx, key) || duk_is_symbol(ctx, key))
    return false;
  duk_size_t n;
  const char *s = duk_get_lstring(ctx, key, &n);
  if (n == 0 || n > 10 || (n > 1 && s[0] == '0'))
    return false;
  double v = 0;
  for (size_t i = 0; i < n; i++) {
    if (s[i] < '0' || s[i] > '9')
      return false;
    v = v * 10 + (s[i] - '0');
  }
  return v < (double)len;
}

/* Appends "key: value" for v's own enumerable keys (indices below skip_below excluded). */
static void fmt_keys(duk_context *ctx, insp *in, duk_idx_t v, int rt, duk_idx_t out,
                     duk_size_t skip_below) {
  duk_enum(ctx, v, DUK_ENUM_OWN_PROPERTIES_ONLY | DUK_ENUM_INCLUDE_SYMBOLS);
  while (duk_next(ctx, -1, 0)) {
    if (!is_index_key(ctx, -1, skip_below))
      fmt_property(ctx, in, v, duk_get_top_index(ctx), rt, out, false);
    duk_pop(ctx);
  }
  duk_pop(ctx);
}

static duk_ret_t collect_cb(duk_context *ctx) {
  duk_push_current_function(ctx);
  duk_get_prop_string(ctx, -1, KEY_COLLECT);
  duk_size_t n = duk_get_length(ctx, -1);
  duk_dup(ctx, 1);
  duk_put_prop_index(ctx, -2, (duk_uarridx_t)n);
  duk_dup(ctx, 0);
  duk_put_prop_index(ctx, -2, (duk_uarridx_t)n + 1);
  return 0;
}

/* Pushes [k0, v0, k1, v1, ...] of a Map or Set (through its forEach). */
static void push_collection(duk_context *ctx, duk_idx_t v) {
  v = duk_normalize_index(ctx, v);
  duk_push_array(ctx);
  duk_get_prop_string(ctx, v, "forEach");
  if (!duk_is_function(ctx, -1)) {
    duk_pop(ctx);
    return;
  }
  duk_dup(ctx, v);
  duk_push_c_function(ctx, collect_cb, 2);
  duk_dup(ctx, -4);
  duk_put_prop_literal(ctx, -2, KEY_COLLECT);
  duk_call_method(ctx, 1);
  duk_pop(ctx);
}

static int circular_ref(duk_context *ctx, insp *in, duk_idx_t v, bool add) {
  duk_size_t n = duk_get_length(ctx, in->circular);
  for (duk_size_t i = 0; i < n; i++) {
    duk_get_prop_index(ctx, in->circular, (duk_uarridx_t)i);
    bool same = duk_strict_equals(ctx, -1, v);
    duk_pop(ctx);
    if (same)
      return (int)i + 1;
  }
  if (!add)
    return 0;
  duk_dup(ctx, v);
  duk_put_prop_index(ctx, in->circular, (duk_uarridx_t)n);
  return (int)n + 1;
}

static bool in_seen(duk_context *ctx, insp *in, duk_idx_t v) {
  duk_size_t n = duk_get_length(ctx, in->seen);
  for (duk_size_t i = 0; i < n; i++) {
    duk_get_prop_index(ctx, in->seen, (duk_uarridx_t)i);
    bool same = duk_strict_equals(ctx, -1, v);
    duk_pop(ctx);
    if (same)
      return true;
  }
  return false;
}

/* Pushes the error's stack (or "[Name: message]") with continuation lines indented. */
static void push_error_base(duk_context *ctx, insp *in, duk_idx_t v) {
  duk_get_prop_string(ctx, v, "stack");
  if (!duk_is_string(ctx, -1) || duk_get_length(ctx, -1) == 0) {
    duk_pop(ctx);
    duk_push_string(ctx, "[");
    duk_dup(ctx, v);
    duk_safe_to_string(ctx, -1);
    duk_push_string(ctx, "]");
    duk_concat(ctx, 3);
    return;
  }
  if (in->indent > 0) {
    duk_get_prop_string(ctx, -1, "split");
    duk_dup(ctx, -2);
    duk_push_string(ctx, "\n");
    duk_call_method(ctx, 1);
    duk_get_prop_string(ctx, -1, "join");
    duk_swap_top(ctx, -2);
    char sep[130] = "\n";
    int w = in->indent < 120 ? in->indent : 120;
    memset(sep + 1, ' ', (size_t)w);
    sep[w + 1] = '\0';
    duk_push_string(ctx, sep);
    duk_call_method(ctx, 1);
    duk_remove(ctx, -2);
  }
}

/* Node's formatRaw for objects and functions; pushes the text. */
static void fmt_object(duk_context *ctx, insp *in, duk_idx_t v, int rt) {
  const char *tag = push_class_tag(ctx, v);
  duk_idx_t tag_idx = duk_get_top_index(ctx);
  push_constructor_name(ctx, v);
  duk_idx_t ctor_idx = duk_get_top_index(ctx);
  const char *ctor = duk_is_null(ctx, ctor_idx) ? NULL : duk_get_string(ctx, ctor_idx);
  bool is_array = duk_is_array(ctx, v);
  bool is_fn = duk_is_function(ctx, v);
  bool is_err = !is_fn && duk_is_error(ctx, v);
  bool is_map = strcmp(tag, "[object Map]") == 0, is_set = strcmp(tag, "[object Set]") == 0;
  bool is_ab = strcmp(tag, "[object ArrayBuffer]") == 0;
  bool is_typed =
      !is_ab && !is_array && duk_is_buffer_data(ctx, v) && strstr(tag, "Array]") != NULL;

  if (rt > in->depth) {
    const char *name = is_array ? "Array" : ctor ? ctor : "Object: null prototype";
    duk_push_sprintf(ctx, "[%s]", name);
    duk_replace(ctx, tag_idx);
    duk_set_top(ctx, tag_idx + 1);
    return;
  }
  rt++;
  duk_dup(ctx, v);
  arr_push(ctx, in->seen);

  duk_push_array(ctx);
  duk_idx_t out = duk_get_top_index(ctx);
  char base[256] = "";
  char open[160] = "{";
  const char *close = "}";
  bool array_type = false, numeric = true, has_more = false, done = false;
  const char *prefix = ctor && strcmp(ctor, "Object") != 0 ? ctor : NULL;
  duk_idx_t base_str = 0; /* a base too long for `base` (an error stack) */

  if (is_array || is_typed) {
    duk_size_t len = duk_get_length(ctx, v);
    array_type = true;
    strcpy(open, "[");
    close = "]";
    if (is_typed)
      snprintf(open, sizeof(open), "%.100s(%lu) [", ctor ? ctor : "TypedArray", (unsigned long)len);
    else if (prefix && strcmp(prefix, "Array") != 0)
      snprintf(open, sizeof(open), "%.100s(%lu) [", prefix, (unsigned long)len);
    duk_size_t i = 0;
    size_t shown = 0;
    while (i < len && shown < MAX_ARRAY_LENGTH) {
      if (!is_typed && !duk_has_prop_index(ctx, v, (duk_uarridx_t)i)) {
        duk_size_t j = i;
        while (j < len && !duk_has_prop_index(ctx, v, (duk_uarridx_t)j))
          j++;
        duk_push_sprintf(ctx, "<%lu empty item%s>", (unsigned long)(j - i), j - i == 1 ? "" : "s");
        arr_push(ctx, out);
        numeric = false;
        i = j;
      } else {
        duk_get_prop_index(ctx, v, (duk_uarridx_t)i);
        if (!duk_is_number(ctx, -1))
          numeric = false;
        in->indent += 2;
        fmt_value(ctx, in, -1, rt, true);
        in->indent -= 2;
        arr_push(ctx, out);
        duk_pop(ctx);
        i++;
      }
      shown++;
    }
    if (i < len) {
      duk_push_sprintf(ctx, "... %lu more item%s", (unsigned long)(len - i),
                       len - i == 1 ? "" : "s");
      arr_push(ctx, out);
      has_more = true;
    }
    fmt_keys(ctx, in, v, rt, out, len);
  } else if (is_map || is_set) {
    push_collection(ctx, v);
    duk_size_t n = duk_get_length(ctx, -1) / 2;
    snprintf(open, sizeof(open), "%.100s(%lu) {",
             ctor     ? ctor
             : is_map ? "Map"
                      : "Set",
             (unsigned long)n);
    in->indent += 2;
    for (duk_size_t i = 0; i < n; i++) {
      duk_get_prop_index(ctx, -1, (duk_uarridx_t)(2 * i));
      fmt_value(ctx, in, -1, rt, true);
      duk_remove(ctx, -2);
      if (is_map) {
        duk_push_string(ctx, " => ");
        duk_get_prop_index(ctx, -3, (duk_uarridx_t)(2 * i + 1));
        fmt_value(ctx, in, -1, rt, true);
        duk_remove(ctx, -2);
        duk_concat(ctx, 3);
      }
      arr_push(ctx, out);
    }
    in->indent -= 2;
    duk_pop(ctx);
    fmt_keys(ctx, in, v, rt, out, 0);
  } else {
    if (is_fn) {
      duk_get_prop_string(ctx, v, "name");
      if (duk_is_string(ctx, -1) && duk_get_length(ctx, -1) > 0)
        snprintf(base, sizeof(base), "[Function: %.200s]", duk_get_string(ctx, -1));
      else
        strcpy(base, "[Function (anonymous)]");
      duk_pop(ctx);
      prefix = NULL;
    } else if (is_err) {
      push_error_base(ctx, in, v);
      base_str = duk_get_top_index(ctx);
      prefix = NULL;
    } else if (strcmp(tag, "[object Date]") == 0) {
      duk_get_prop_string(ctx, v, "getTime");
      duk_dup(ctx, v);
      duk_call_method(ctx, 0);
      bool valid = !isnan(duk_get_number(ctx, -1));
      duk_pop(ctx);
      if (valid) {
        duk_get_prop_string(ctx, v, "toISOString");
        duk_dup(ctx, v);
        duk_call_method(ctx, 0);
      } else {
        duk_push_string(ctx, "Invalid Date");
      }
      base_str = duk_get_top_index(ctx);
      prefix = NULL;
    } else if (strcmp(tag, "[object RegExp]") == 0) {
      duk_dup(ctx, v);
      duk_safe_to_string(ctx, -1);
      base_str = duk_get_top_index(ctx);
      prefix = NULL;
    } else if (strcmp(tag, "[object Number]") == 0 || strcmp(tag, "[object String]") == 0 ||
               strcmp(tag, "[object Boolean]") == 0) {
      duk_get_prop_string(ctx, v, "valueOf");
      duk_dup(ctx, v);
      duk_call_method(ctx, 0);
      duk_push_sprintf(ctx, "[%.*s: ", (int)(strlen(tag) - 9), tag + 8);
      fmt_value(ctx, in, -2, rt, true);
      duk_push_string(ctx, "]");
      duk_concat(ctx, 3);
      duk_remove(ctx, -2);
      base_str = duk_get_top_index(ctx);
      prefix = NULL;
    } else if (is_ab) {
      duk_size_t n;
      const uint8_t *b = duk_get_buffer_data(ctx, v, &n);
      duk_push_string(ctx, "[Uint8Contents]: <");
      for (duk_size_t i = 0; i < n && i < MAX_BUFFER_BYTES; i++)
        duk_push_sprintf(ctx, "%s%02x", i ? " " : "", b[i]);
      if (n > MAX_BUFFER_BYTES)
        duk_push_sprintf(ctx, " ... %lu more byte%s", (unsigned long)(n - MAX_BUFFER_BYTES),
                         n - MAX_BUFFER_BYTES == 1 ? "" : "s");
      duk_push_string(ctx, ">");
      duk_concat(ctx, duk_get_top(ctx) - out - 1);
      arr_push(ctx, out);
      duk_push_sprintf(ctx, "byteLength: %lu", (unsigned long)n);
      arr_push(ctx, out);
    }
    if (prefix)
      snprintf(open, sizeof(open), "%.100s {", prefix);
    else if (!ctor && !is_fn && !is_err && base_str == 0)
      strcpy(open, "[Object: null prototype] {");
    fmt_keys(ctx, in, v, rt, out, strcmp(tag, "[object String]") == 0 ? duk_get_length(ctx, v) : 0);
    if ((is_fn || base_str) && duk_get_length(ctx, out) == 0) {
      if (base_str)
        duk_dup(ctx, base_str);
      else
        duk_push_string(ctx, base);
      done = true;
    }
  }
  /* The object is off the path again. */
  duk_push_int(ctx, (duk_int_t)duk_get_length(ctx, in->seen) - 1);
  duk_put_prop_string(ctx, in->seen, "length");

  if (!done) {
    int ref = circular_ref(ctx, in, v, false);
    char refs[32] = "";
    if (ref)
      snprintf(refs, sizeof(refs), "<ref *%d>", ref);
    if (base_str) {
      /* A long base (an error stack) is joined in JS to keep its full length. */
      if (ref) {
        duk_push_sprintf(ctx, "%s ", refs);
        duk_dup(ctx, base_str);
        duk_concat(ctx, 2);
        duk_replace(ctx, base_str);
      }
      reduce(ctx, in, out, "", open, close, array_type, numeric, has_more);
      duk_dup(ctx, base_str);
      duk_push_string(ctx, " ");
      duk_dup(ctx, -3);
      duk_concat(ctx, 3);
      duk_remove(ctx, -2);
    } else {
      char b2[300];
      snprintf(b2, sizeof(b2), "%s%s%s", refs, *refs && *base ? " " : "", base);
      if (duk_get_length(ctx, out) == 0) {
        duk_push_sprintf(ctx, "%s%s%s%s", b2, *b2 ? " " : "", open, close);
      } else {
        reduce(ctx, in, out, b2, open, close, array_type, numeric, has_more);
      }
    }
  }
  duk_replace(ctx, tag_idx);
  duk_set_top(ctx, tag_idx + 1);
}

static void fmt_value(duk_context *ctx, insp *in, duk_idx_t v, int rt, bool nested) {
  v = duk_normalize_index(ctx, v);
  if (!duk_is_object(ctx, v) || duk_is_symbol(ctx, v)) {
    push_primitive(ctx, v, nested);
    return;
  }
  if (in_seen(ctx, in, v)) {
    duk_push_sprintf(ctx, "[Circular *%d]", circular_ref(ctx, in, v, true));
    return;
  }
  fmt_object(ctx, in, v, rt);
}

/* Pushes the inspection of the value at idx (a top-level string stays raw). */
static void push_inspect(duk_context *ctx, duk_idx_t idx, int depth) {
  idx = duk_normalize_index(ctx, idx);
  duk_push_array(ctx);
  duk_push_array(ctx);
  insp in = {duk_get_top_index(ctx) - 1, duk_get_top_index(ctx), depth, 0};
  fmt_value(ctx, &in, idx, 0, false);
  duk_insert(ctx, -3);
  duk_pop_2(ctx);
}

static bool has_user_to_string(duk_context *ctx, duk_idx_t idx) {
  duk_get_prop_string(ctx, idx, "toString");
  bool user = duk_is_ecmascript_function(ctx, -1);
  duk_pop(ctx);
  return user;
}

static void push_json(duk_context *ctx, duk_idx_t idx) {
  idx = duk_normalize_index(ctx, idx);
  duk_get_global_string(ctx, "JSON");
  duk_get_prop_string(ctx, -1, "stringify");
  duk_dup(ctx, idx);
  /* A cycle makes JSON.stringify throw: Node prints '[Circular]' then. */
  if (duk_pcall(ctx, 1) != DUK_EXEC_SUCCESS) {
    duk_pop(ctx);
    duk_push_string(ctx, "[Circular]");
  } else if (!duk_is_string(ctx, -1)) {
    duk_pop(ctx);
    duk_push_string(ctx, "undefined");
  }
  duk_remove(ctx, -2);
}

/* Node's formatWithOptions over the call's arguments; pushes the message. */
static void push_format(duk_context *ctx) {
  duk_idx_t n = duk_get_top(ctx);
  duk_idx_t base = n;
  duk_idx_t a = 0;
  if (n > 1 && duk_is_string(ctx, 0) && !duk_is_symbol(ctx, 0)) {
    duk_size_t len;
    const char *f = duk_get_lstring(ctx, 0, &len);
    size_t last = 0;
    for (size_t i = 0; i + 1 < len; i++) {
      if (f[i] != '%')
        continue;
      char c = f[++i];
      if (a + 1 != n) {
        duk_idx_t arg = a + 1;
        switch (c) {
        case 's':
          if (duk_is_number(ctx, arg)) {
            push_number(ctx, duk_get_number(ctx, arg));
          } else if (!duk_is_object(ctx, arg) || duk_is_symbol(ctx, arg) ||
                     has_user_to_string(ctx, arg)) {
            push_string_of(ctx, arg);
          } else {
            push_inspect(ctx, arg, 0);
          }
          break;
        case 'j':
          push_json(ctx, arg);
          break;
        case 'd':
        case 'i':
        case 'f':
          if (duk_is_symbol(ctx, arg)) {
            duk_push_string(ctx, "NaN");
          } else {
            duk_get_global_string(ctx, c == 'd' ? "Number" : c == 'i' ? "parseInt" : "parseFloat");
            duk_dup(ctx, arg);
            duk_call(ctx, 1);
            double d = duk_get_number(ctx, -1);
            duk_pop(ctx);
            push_number(ctx, d);
          }
          break;
        case 'O':
          push_inspect(ctx, arg, INSPECT_DEPTH);
          break;
        case 'o':
          push_inspect(ctx, arg, 4);
          break;
        case 'c':
          duk_push_string(ctx, "");
          break;
        case '%':
          duk_push_lstring(ctx, f + last, i - last);
          last = i + 1;
          continue;
        default:
          continue;
        }
        a++;
        duk_push_lstring(ctx, f + last, i - 1 - last);
        duk_swap_top(ctx, -2);
        last = i + 1;
      } else if (c == '%') {
        duk_push_lstring(ctx, f + last, i - last);
        last = i + 1;
      }
    }
    if (last != 0) {
      a++;
      if (last < len)
        duk_push_lstring(ctx, f + last, len - last);
      if (a < n)
        duk_push_string(ctx, " ");
    }
  }
  for (duk_idx_t i = a; i < n; i++) {
    if (i > a)
      duk_push_string(ctx, " ");
    if (duk_is_string(ctx, i) && !duk_is_symbol(ctx, i))
      duk_dup(ctx, i);
    else
      push_inspect(ctx, i, INSPECT_DEPTH);
  }
  duk_concat(ctx, duk_get_top(ctx) - base);
}

static duk_ret_t console_print(duk_context *ctx) {
  if (!edgefn__rt_console_allow(ctx)) /* the console call limit (lib/js/runtime.c) */
    return 0;
  int level = duk_get_current_magic(ctx);
  push_format(ctx);
  /* The host's log takes UTF-8: Duktape's form writes a character outside the BMP as two
   * 3-byte surrogates, which a log would show as six replacement characters. */
  size_t len;
  const char *msg = edgefn__push_utf8_buffer(ctx, -1, &len);
  if (len > 65536) /* cut on a character boundary */
    for (len = 65536; len > 0 && ((unsigned char)msg[len] & 0xc0) == 0x80; len--)
      ;
  edgefn__js_log(ctx, level, "%.*s", (int)len, msg);
  return 0;
}

void edgefn__console_install(duk_context *ctx) {
  static const struct {
    const char *name;
    int level;
  } methods[] = {{"log", EDGEFN_LOG_INFO},    {"info", EDGEFN_LOG_INFO},
                 {"debug", EDGEFN_LOG_DEBUG}, {"trace", EDGEFN_LOG_DEBUG},
                 {"warn", EDGEFN_LOG_WARN},   {"error", EDGEFN_LOG_ERROR}};
  duk_push_global_object(ctx);
  duk_push_object(ctx);
  for (size_t i = 0; i < EDGEFN_ARRAY_LEN(methods); i++) {
    duk_push_c_function(ctx, console_print, DUK_VARARGS);
    duk_set_magic(ctx, -1, methods[i].level);
    duk_put_prop_string(ctx, -2, methods[i].name);
  }
  duk_put_prop_string(ctx, -2, "console");
  duk_pop(ctx);
}
