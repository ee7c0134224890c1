/* HTMLRewriter (Cloudflare Workers): the natives of lib/js/htmlrewriter.js and its loader.
 *
 * htmlrewriter.js tokenizes HTML, matches selectors and runs the handlers; the functions
 * here give it what a script could otherwise have replaced (String.prototype methods,
 * Function.prototype.call, the Response constructor and body getter, TextDecoder) and what
 * is slow in ES5 on Duktape: the code units of a chunk, searching and joining in one pass,
 * UTF-8 encoding of the output. */
#include "js/js.h"

#include <stdlib.h>
#include <string.h>

#include "htmlrewriter-js.h" /* generated from htmlrewriter.js: edgefn__htmlrewriter_js[] */

#define S_MODULE DUK_HIDDEN_SYMBOL("edgefn.htmlrewriter.module")
#define K_SLOTS DUK_HIDDEN_SYMBOL("hr")

/* codes(s): the UTF-16 code units of s as a Uint16Array (indexed reads never reach a
 * prototype; one native call per chunk instead of one per character) */
static duk_ret_t n_codes(duk_context *ctx) {
  duk_to_string(ctx, 0);
  duk_size_t n = duk_get_length(ctx, 0);
  uint16_t *out = duk_push_fixed_buffer(ctx, (n ? n : 1) * sizeof(uint16_t));
  for (duk_size_t i = 0; i < n; i++)
    out[i] = (uint16_t)duk_char_code_at(ctx, 0, i);
  duk_push_buffer_object(ctx, -1, 0, n * sizeof(uint16_t), DUK_BUFOBJ_UINT16ARRAY);
  return 1;
}

/* find(codes, from, c): the first index >= from of the code unit c in the Uint16Array, or
 * -1: the data state skips text to the next '<' at C speed */
static duk_ret_t n_find(duk_context *ctx) {
  duk_size_t size = 0;
  const uint16_t *p = duk_require_buffer_data(ctx, 0, &size);
  size /= sizeof(uint16_t);
  duk_size_t from = duk_to_uint32(ctx, 1);
  uint16_t c = (uint16_t)duk_to_uint32(ctx, 2);
  for (duk_size_t i = from; i < size; i++) {
    if (p[i] == c) {
      duk_push_number(ctx, (double)i);
      return 1;
    }
  }
  duk_push_int(ctx, -1);
  return 1;
}

static bool is_ws(uint16_t c) { return c == 32 || c == 9 || c == 10 || c == 12 || c == 13; }

/* scanTag(codes, a): the rest of a start or end tag whose name starts at a, scanned at C
 * speed (the per-character loop was most of the rewriter's time on tag-dense markup):
 * null when the input ends first, else an Int32Array [end, selfClosing, nameEnd, then for
 * each attribute: start, nameEnd, valueStart, valueEnd (-1 -1 without a value), rawEnd].
 * The rules are the tokenizer's in htmlrewriter.js (Tokenizer.prototype.tag). */
static duk_ret_t n_scan_tag(duk_context *ctx) {
  duk_size_t n = 0;
  const uint16_t *cs = duk_require_buffer_data(ctx, 0, &n);
  n /= sizeof(uint16_t);
  duk_size_t k = duk_to_uint32(ctx, 1);
  while (k < n && !is_ws(cs[k]) && cs[k] != '/' && cs[k] != '>')
    k++;
  if (k >= n)
    return 0; /* undefined: more input needed */
  duk_size_t name_end = k;
  bool self_closing = false;
  duk_idx_t out = duk_push_array(ctx);
  duk_uarridx_t m = 3;
  for (;;) {
    while (k < n && is_ws(cs[k]))
      k++;
    if (k >= n)
      return 0;
    uint16_t c = cs[k];
    if (c == '>') {
      k++;
      break;
    }
    if (c == '/') {
      if (k + 1 >= n)
        return 0;
      if (cs[k + 1] == '>') {
        self_closing = true;
        k += 2;
        break;
      }
      k++;
      continue;
    }
    duk_size_t s = k++; /* a first '=' belongs to the name */
    while (k < n && !is_ws(cs[k]) && cs[k] != '/' && cs[k] != '>' && cs[k] != '=')
      k++;
    duk_size_t ne = k;
    double vs = -1, ve = -1;
    while (k < n && is_ws(cs[k]))
      k++;
    if (k >= n)
      return 0;
    if (cs[k] == '=') {
      k++;
      while (k < n && is_ws(cs[k]))
        k++;
      if (k >= n)
        return 0;
      uint16_t q = cs[k];
      if (q == '"' || q == '\'') {
        vs = (double)(k + 1);
        k++;
        while (k < n && cs[k] != q)
          k++;
        if (k >= n)
          return 0;
        ve = (double)k;
        k++;
      } else if (q != '>') {
        vs = (double)k;
        while (k < n && !is_ws(cs[k]) && cs[k] != '>')
          k++;
        if (k >= n)
          return 0;
        ve = (double)k;
      }
    } else {
      k = ne; /* no value: what follows the whitespace is the next attribute */
    }
    if (vs < 0 && k > ne && cs[k - 1] != '=')
      k = ne;
    double fields[5] = {(double)s, (double)ne, vs, ve, (double)k};
    for (int f = 0; f < 5; f++) {
      duk_push_number(ctx, fields[f]);
      duk_put_prop_index(ctx, out, m++);
    }
  }
  double head[3] = {(double)k, self_closing ? 1 : 0, (double)name_end};
  for (int f = 0; f < 3; f++) {
    duk_push_number(ctx, head[f]);
    duk_put_prop_index(ctx, out, (duk_uarridx_t)f);
  }
  return 1;
}

/* lower(s): s with ASCII letters lowercased (tag and attribute names, as lol-html) */
static duk_ret_t n_lower(duk_context *ctx) {
  duk_size_t n;
  const char *s = duk_to_lstring(ctx, 0, &n);
  size_t i = 0;
  while (i < n && !(s[i] >= 'A' && s[i] <= 'Z'))
    i++;
  if (i == n)
    return 1;
  char *out = duk_push_fixed_buffer(ctx, n);
  memcpy(out, s, n);
  for (; i < n; i++)
    if (out[i] >= 'A' && out[i] <= 'Z')
      out[i] = (char)(out[i] - 'A' + 'a');
  duk_buffer_to_string(ctx, -1);
  return 1;
}

/* escape(s, attr): content inserted as text (attr 0: & < > become references, as lol-html
 * escapes text) or an attribute value written in double quotes (attr 1: " becomes &quot;) */
static duk_ret_t n_escape(duk_context *ctx) {
  bool attr = duk_to_boolean(ctx, 1);
  duk_set_top(ctx, 1);
  duk_size_t n;
  const char *s = duk_to_lstring(ctx, 0, &n);
  size_t extra = 0;
  for (size_t i = 0; i < n; i++) {
    if (attr)
      extra += s[i] == '"' ? 5 : 0;
    else
      extra += s[i] == '&' ? 4 : (s[i] == '<' || s[i] == '>') ? 3 : 0;
  }
  if (extra == 0)
    return 1;
  char *out = duk_push_fixed_buffer(ctx, n + extra);
  size_t k = 0;
  for (size_t i = 0; i < n; i++) {
    const char *rep = NULL;
    if (attr && s[i] == '"')
      rep = "&quot;";
    else if (!attr && s[i] == '&')
      rep = "&amp;";
    else if (!attr && s[i] == '<')
      rep = "&lt;";
    else if (!attr && s[i] == '>')
      rep = "&gt;";
    if (rep) {
      size_t l = strlen(rep);
      memcpy(out + k, rep, l);
      k += l;
    } else {
      out[k++] = s[i];
    }
  }
  duk_buffer_to_string(ctx, -1);
  return 1;
}

/* encode(s): the UTF-8 bytes of s as a Uint8Array (output chunks) */
static duk_ret_t n_encode(duk_context *ctx) {
  duk_to_string(ctx, 0);
  size_t len = 0;
  (void)edgefn__push_utf8_buffer(ctx, 0, &len);
  duk_push_buffer_object(ctx, -1, 0, len, DUK_BUFOBJ_UINT8ARRAY);
  return 1;
}

/* decoder(): a streaming UTF-8 TextDecoder that keeps a BOM (output preserves the input) of
 * a class only native code reaches */
static duk_ret_t n_decoder(duk_context *ctx) {
  duk_push_literal(ctx, "utf-8");
  duk_push_object(ctx);
  duk_push_true(ctx);
  duk_put_prop_literal(ctx, -2, "ignoreBOM");
  edgefn__text_decoder_push_new(ctx, -2, -1);
  return 1;
}

/* isResponse(x) */
static duk_ret_t n_is_response(duk_context *ctx) {
  duk_push_boolean(ctx, edgefn__is_response(ctx, 0));
  return 1;
}

/* body(response): the body stream (or null), as the intrinsic getter gives it */
static duk_ret_t n_body(duk_context *ctx) {
  edgefn__message_push_body(ctx, 0);
  return 1;
}

/* derive(response, stream): the transformed Response */
static duk_ret_t n_derive(duk_context *ctx) {
  edgefn__response_push_derived(ctx, 0, 1);
  return 1;
}

/* streams(): the library's stream module (nativeSource, pump) */
static duk_ret_t n_streams(duk_context *ctx) {
  edgefn__streams_push_module(ctx);
  return 1;
}

/* accessor(obj, name, get, set): a configurable, enumerable accessor (set may be undefined),
 * as WebIDL attributes are */
static duk_ret_t n_accessor(duk_context *ctx) {
  duk_uint_t flags = DUK_DEFPROP_HAVE_GETTER | DUK_DEFPROP_SET_ENUMERABLE |
                     DUK_DEFPROP_SET_CONFIGURABLE;
  bool has_set = duk_is_function(ctx, 3);
  if (has_set)
    flags |= DUK_DEFPROP_HAVE_SETTER;
  duk_dup(ctx, 1);
  duk_dup(ctx, 2);
  if (has_set)
    duk_dup(ctx, 3);
  duk_def_prop(ctx, 0, flags);
  return 0;
}

static const edgefn__embedded_native natives[] = {
    {"codes", n_codes, 1, 0},
    {"find", n_find, 3, 0},
    {"scanTag", n_scan_tag, 2, 0},
    {"lower", n_lower, 1, 0},
    {"escape", n_escape, 2, 0},
    {"encode", n_encode, 1, 0},
    {"decoder", n_decoder, 0, 0},
    {"isResponse", n_is_response, 1, 0},
    {"body", n_body, 1, 0},
    {"derive", n_derive, 2, 0},
    {"streams", n_streams, 0, 0},
    {"accessor", n_accessor, 4, 0},
};

static void push_natives(duk_context *ctx) {
  (void)edgefn__embedded_push_natives(ctx, natives, EDGEFN_ARRAY_LEN(natives), K_SLOTS);
}

static edgefn__embedded_js module = EDGEFN_EMBEDDED_JS("htmlrewriter.js", edgefn__htmlrewriter_js,
                                                     S_MODULE, push_natives);

/* new HTMLRewriter(): the module's init on the new object */
static duk_ret_t htmlrewriter_ctor(duk_context *ctx) {
  if (!duk_is_constructor_call(ctx))
    return duk_type_error(ctx, "Failed to construct 'HTMLRewriter': Please use the 'new' "
                               "operator");
  edgefn__embedded_push_module(ctx, &module);
  duk_get_prop_literal(ctx, -1, "init");
  duk_push_this(ctx);
  duk_call(ctx, 1);
  return 0;
}

void edgefn__htmlrewriter_install(duk_context *ctx) {
  edgefn__embedded_install_class(ctx, &module, "HTMLRewriter", htmlrewriter_ctor, 0);
}
