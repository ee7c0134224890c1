/* TextEncoder and TextDecoder (WHATWG Encoding Standard). They replace Duktape's built-in
 * pair, which knows only UTF-8 and has no streaming BOM handling. The decoder supports
 * UTF-8, UTF-16LE, UTF-16BE and windows-1252 (the encoding every latin1/iso-8859-1/ascii
 * label maps to), with `fatal`, `ignoreBOM` and `decode(chunk, {stream: true})`. */
#include "js/js.h"

#include <string.h>

#define KEY_STATE DUK_HIDDEN_SYMBOL("tdState")
#define KEY_IS_ENCODER DUK_HIDDEN_SYMBOL("teBrand")

enum { ENC_UTF8, ENC_UTF16LE, ENC_UTF16BE, ENC_WINDOWS1252 };

static const char *const encoding_names[] = {"utf-8", "utf-16le", "utf-16be", "windows-1252"};

/* The labels of the Encoding Standard's table for the encodings supported here. */
static const struct {
  const char *label;
  int enc;
} labels[] = {
    {"unicode-1-1-utf-8", ENC_UTF8},
    {"unicode11utf8", ENC_UTF8},
    {"unicode20utf8", ENC_UTF8},
    {"utf-8", ENC_UTF8},
    {"utf8", ENC_UTF8},
    {"x-unicode20utf8", ENC_UTF8},
    {"unicodefffe", ENC_UTF16BE},
    {"utf-16be", ENC_UTF16BE},
    {"csunicode", ENC_UTF16LE},
    {"iso-10646-ucs-2", ENC_UTF16LE},
    {"ucs-2", ENC_UTF16LE},
    {"unicode", ENC_UTF16LE},
    {"unicodefeff", ENC_UTF16LE},
    {"utf-16", ENC_UTF16LE},
    {"utf-16le", ENC_UTF16LE},
    {"ansi_x3.4-1968", ENC_WINDOWS1252},
    {"ascii", ENC_WINDOWS1252},
    {"cp1252", ENC_WINDOWS1252},
    {"cp819", ENC_WINDOWS1252},
    {"csisolatin1", ENC_WINDOWS1252},
    {"ibm819", ENC_WINDOWS1252},
    {"iso-8859-1", ENC_WINDOWS1252},
    {"iso-ir-100", ENC_WINDOWS1252},
    {"iso8859-1", ENC_WINDOWS1252},
    {"iso88591", ENC_WINDOWS1252},
    {"iso_8859-1", ENC_WINDOWS1252},
    {"iso_8859-1:1987", ENC_WINDOWS1252},
    {"l1", ENC_WINDOWS1252},
    {"latin1", ENC_WINDOWS1252},
    {"us-ascii", ENC_WINDOWS1252},
    {"windows-1252", ENC_WINDOWS1252},
    {"x-cp1252", ENC_WINDOWS1252},
};

/* windows-1252 bytes 0x80..0x9F (the index-windows-1252 table); the rest are Latin-1. */
static const uint16_t cp1252_high[32] = {
    0x20ac, 0x0081, 0x201a, 0x0192, 0x201e, 0x2026, 0x2020, 0x2021, 0x02c6, 0x2030, 0x0160,
    0x2039, 0x0152, 0x008d, 0x017d, 0x008f, 0x0090, 0x2018, 0x2019, 0x201c, 0x201d, 0x2022,
    0x2013, 0x2014, 0x02dc, 0x2122, 0x0161, 0x203a, 0x0153, 0x009d, 0x017e, 0x0178};

/* The decoder's state between streaming calls, kept in a hidden buffer on the object. */
typedef struct decoder_state {
  uint8_t enc;
  bool fatal, ignore_bom;
  bool bom_seen;    /* the first code point of the stream has been seen */
  uint8_t pend_len; /* bytes of an incomplete sequence carried to the next call */
  uint8_t pend[3];
  uint16_t lead; /* UTF-16: a lead surrogate waiting for its trail (0 = none) */
} decoder_state;

/* Output in Duktape's internal form: code points above U+FFFF as two 3-byte surrogates. */
static size_t put_internal(uint8_t *out, uint32_t c) {
  if (c < 0x10000)
    return edgefn__utf8_put(out, c);
  c -= 0x10000;
  size_t n = edgefn__utf8_put(out, 0xd800 + (c >> 10));
  return n + edgefn__utf8_put(out + n, 0xdc00 + (c & 0x3ff));
}

typedef struct out_buf {
  uint8_t *p;
  size_t len;
  decoder_state *st;
} out_buf;

/* Emits one decoded code point, dropping a leading BOM unless ignoreBOM (the "serialize
 * I/O queue" step of TextDecoder.decode). */
static void emit(out_buf *o, uint32_t c) {
  if (!o->st->bom_seen) {
    o->st->bom_seen = true;
    if (c == 0xfeff && !o->st->ignore_bom && o->st->enc != ENC_WINDOWS1252)
      return;
  }
  o->len += put_internal(o->p + o->len, c);
}

static duk_ret_t decode_error(duk_context *ctx, decoder_state *st) {
  int enc = st->enc;
  st->pend_len = 0;
  st->lead = 0;
  st->bom_seen = false;
  return duk_error(ctx, DUK_ERR_TYPE_ERROR, "The encoded data was not valid for encoding %s",
                   encoding_names[enc]);
}

/* Length of the UTF-8 sequence a lead byte starts and the allowed range of its second
 * byte; 0 for a byte that cannot start a sequence. */
static int utf8_need(uint8_t b, uint8_t *lo, uint8_t *hi) {
  *lo = 0x80;
  *hi = 0xbf;
  if (b >= 0xc2 && b <= 0xdf)
    return 1;
  if (b >= 0xe0 && b <= 0xef) {
    if (b == 0xe0)
      *lo = 0xa0;
    if (b == 0xed)
      *hi = 0x9f;
    return 2;
  }
  if (b >= 0xf0 && b <= 0xf4) {
    if (b == 0xf0)
      *lo = 0x90;
    if (b == 0xf4)
      *hi = 0x8f;
    return 3;
  }
  return 0;
}

/* Decodes in[0..n) into o. Returns false on the first error when fatal. An incomplete
 * sequence at the end is kept in the state when streaming, an error otherwise. */
static bool decode_utf8(out_buf *o, const uint8_t *in, size_t n, bool stream) {
  decoder_state *st = o->st;
  size_t i = 0;
  while (i < n) {
    uint8_t b = in[i];
    if (b < 0x80) {
      emit(o, b);
      i++;
      continue;
    }
    uint8_t lo, hi;
    int need = utf8_need(b, &lo, &hi);
    if (need == 0) {
      if (st->fatal)
        return false;
      emit(o, 0xfffd);
      i++;
      continue;
    }
    uint32_t c = b & (need == 1 ? 0x1f : need == 2 ? 0x0f : 0x07);
    size_t j = i + 1;
    int got = 0;
    bool bad = false;
    while (got < need) {
      if (j >= n)
        break;
      if (in[j] < lo || in[j] > hi) {
        bad = true;
        break;
      }
      c = (c << 6) | (in[j] & 0x3f);
      lo = 0x80;
      hi = 0xbf;
      j++;
      got++;
    }
    if (got == need) {
      emit(o, c);
      i = j;
      continue;
    }
    if (!bad && stream) {
      st->pend_len = (uint8_t)(n - i);
      memcpy(st->pend, in + i, n - i);
      return true;
    }
    /* The maximal subpart is replaced by one U+FFFD; the offending byte is reprocessed. */
    if (st->fatal)
      return false;
    emit(o, 0xfffd);
    i = j;
  }
  return true;
}

static bool decode_utf16(out_buf *o, const uint8_t *in, size_t n, bool stream, bool be) {
  decoder_state *st = o->st;
  size_t i = 0;
  for (; i + 1 < n; i += 2) {
    uint32_t u = be ? (uint32_t)(in[i] << 8 | in[i + 1]) : (uint32_t)(in[i + 1] << 8 | in[i]);
    if (st->lead) {
      uint32_t lead = st->lead;
      st->lead = 0;
      if (u >= 0xdc00 && u <= 0xdfff) {
        emit(o, 0x10000 + ((lead - 0xd800) << 10) + (u - 0xdc00));
        continue;
      }
      if (st->fatal)
        return false;
      emit(o, 0xfffd);
    }
    if (u >= 0xd800 && u <= 0xdbff) {
      st->lead = (uint16_t)u;
    } else if (u >= 0xdc00 && u <= 0xdfff) {
      if (st->fatal)
        return false;
      emit(o, 0xfffd);
    } else {
      emit(o, u);
    }
  }
  if (i < n) {
    st->pend[0] = in[i];
    st->pend_len = 1;
  }
  if (!stream && (st->lead || st->pend_len)) {
    st->lead = 0;
    st->pend_len = 0;
    if (st->fatal)
      return false;
    emit(o, 0xfffd);
  }
  return true;
}

static void decode_cp1252(out_buf *o, const uint8_t *in, size_t n) {
  for (size_t i = 0; i < n; i++)
    emit(o, in[i] >= 0x80 && in[i] < 0xa0 ? cp1252_high[in[i] - 0x80] : in[i]);
}

static decoder_state *state_of_this(duk_context *ctx) {
  duk_push_this(ctx);
  decoder_state *st = NULL;
  duk_size_t size = 0;
  if (duk_get_prop_string(ctx, -1, KEY_STATE))
    st = duk_get_buffer(ctx, -1, &size);
  duk_pop_2(ctx);
  if (!st || size != sizeof(*st))
    (void)duk_error(ctx, DUK_ERR_TYPE_ERROR, "Illegal invocation: not a TextDecoder");
  return st;
}

/* Reads the bytes of a BufferSource argument (ArrayBuffer, typed array, DataView). */
static const uint8_t *require_buffer_source(duk_context *ctx, duk_idx_t idx, size_t *len,
                                            const char *what) {
  duk_size_t n = 0;
  if (duk_is_undefined(ctx, idx)) {
    *len = 0;
    return (const uint8_t *)"";
  }
  if (!duk_is_buffer_data(ctx, idx))
    (void)duk_error(ctx, DUK_ERR_TYPE_ERROR,
                    "%s: The \"input\" argument must be an instance of ArrayBuffer or "
                    "ArrayBufferView",
                    what);
  const uint8_t *p = duk_get_buffer_data(ctx, idx, &n);
  *len = n;
  return p ? p : (const uint8_t *)"";
}

static bool get_bool_option(duk_context *ctx, duk_idx_t opts, const char *name) {
  if (!duk_is_object(ctx, opts))
    return false;
  duk_get_prop_string(ctx, opts, name);
  bool v = duk_to_boolean(ctx, -1);
  duk_pop(ctx);
  return v;
}

static duk_ret_t decoder_ctor(duk_context *ctx) {
  if (!duk_is_constructor_call(ctx))
    return duk_error(ctx, DUK_ERR_TYPE_ERROR,
                     "Failed to construct 'TextDecoder': Please use the 'new' operator");
  int enc = ENC_UTF8;
  if (!duk_is_undefined(ctx, 0)) {
    duk_size_t len;
    const char *s = duk_to_lstring(ctx, 0, &len);
    /* Labels are matched ASCII case-insensitively after trimming ASCII whitespace. */
    size_t a = 0, b = len;
    while (a < b && strchr("\t\n\f\r ", s[a]) && s[a])
      a++;
    while (b > a && strchr("\t\n\f\r ", s[b - 1]) && s[b - 1])
      b--;
    char label[32];
    int found = -1;
    if (b - a < sizeof(label)) {
      for (size_t i = a; i < b; i++) {
        char c = s[i];
        label[i - a] = (char)(c >= 'A' && c <= 'Z' ? c + 32 : c);
      }
      label[b - a] = '\0';
      for (size_t i = 0; i < EDGEFN_ARRAY_LEN(labels); i++)
        if (strlen(labels[i].label) == b - a && strcmp(labels[i].label, label) == 0)
          found = labels[i].enc;
    }
    if (found < 0)
      return duk_error(ctx, DUK_ERR_RANGE_ERROR,
                       "Failed to construct 'TextDecoder': The encoding label provided ('%s') "
                       "is invalid.",
                       s);
    enc = found;
  }
  decoder_state st = {0};
  st.enc = (uint8_t)enc;
  st.fatal = get_bool_option(ctx, 1, "fatal");
  st.ignore_bom = get_bool_option(ctx, 1, "ignoreBOM");
  duk_push_this(ctx);
  void *buf = duk_push_fixed_buffer(ctx, sizeof(st));
  memcpy(buf, &st, sizeof(st));
  duk_put_prop_literal(ctx, -2, KEY_STATE);
  return 0;
}

static duk_ret_t decoder_decode(duk_context *ctx) {
  decoder_state *st = state_of_this(ctx);
  size_t n;
  const uint8_t *in = require_buffer_source(ctx, 0, &n, "TextDecoder.decode");
  bool stream = get_bool_option(ctx, 1, "stream");
  /* Bytes carried over from the previous call come first. */
  size_t total = st->pend_len + n;
  uint8_t *work = NULL;
  if (st->pend_len) {
    work = duk_push_fixed_buffer(ctx, total);
    memcpy(work, st->pend, st->pend_len);
    if (n)
      memcpy(work + st->pend_len, in, n);
    in = work;
    st->pend_len = 0;
  }
  /* Every input byte yields at most 3 output bytes (U+FFFD), a 4-byte sequence 6. */
  out_buf o = {duk_push_fixed_buffer(ctx, total * 3 + 8), 0, st};
  bool ok = true;
  switch (st->enc) {
  case ENC_UTF8:
    ok = decode_utf8(&o, in, total, stream);
    if (ok && !stream && st->pend_len) {
      st->pend_len = 0;
      ok = !st->fatal;
      if (ok)
        emit(&o, 0xfffd);
    }
    break;
  case ENC_UTF16LE:
  case ENC_UTF16BE:
    ok = decode_utf16(&o, in, total, stream, st->enc == ENC_UTF16BE);
    break;
  default:
    decode_cp1252(&o, in, total);
    break;
  }
  if (!ok)
    return decode_error(ctx, st);
  if (!stream) {
    st->bom_seen = false;
    st->pend_len = 0;
    st->lead = 0;
  }
  duk_push_lstring(ctx, (const char *)o.p, o.len);
  return 1;
}

static duk_ret_t decoder_get(duk_context *ctx) {
  decoder_state *st = state_of_this(ctx);
  switch (duk_get_current_magic(ctx)) {
  case 0:
    duk_push_string(ctx, encoding_names[st->enc]);
    break;
  case 1:
    duk_push_boolean(ctx, st->fatal);
    break;
  default:
    duk_push_boolean(ctx, st->ignore_bom);
    break;
  }
  return 1;
}

static void check_encoder(duk_context *ctx) {
  duk_push_this(ctx);
  bool ok = duk_is_object(ctx, -1) && duk_has_prop_string(ctx, -1, KEY_IS_ENCODER);
  duk_pop(ctx);
  if (!ok)
    (void)duk_error(ctx, DUK_ERR_TYPE_ERROR, "Illegal invocation: not a TextEncoder");
}

static duk_ret_t encoder_ctor(duk_context *ctx) {
  if (!duk_is_constructor_call(ctx))
    return duk_error(ctx, DUK_ERR_TYPE_ERROR,
                     "Failed to construct 'TextEncoder': Please use the 'new' operator");
  duk_push_this(ctx);
  duk_push_true(ctx);
  duk_put_prop_literal(ctx, -2, KEY_IS_ENCODER);
  return 0;
}

static duk_ret_t encoder_encoding(duk_context *ctx) {
  check_encoder(ctx);
  duk_push_string(ctx, "utf-8");
  return 1;
}

static duk_ret_t encoder_encode(duk_context *ctx) {
  check_encoder(ctx);
  if (duk_is_undefined(ctx, 0))
    duk_push_string(ctx, "");
  else
    duk_dup(ctx, 0);
  duk_to_string(ctx, -1);
  size_t len;
  edgefn__push_utf8_buffer(ctx, -1, &len);
  duk_push_buffer_object(ctx, -1, 0, len, DUK_BUFOBJ_UINT8ARRAY);
  return 1;
}

/* Decodes one character of Duktape's internal string form (CESU-8 with lone surrogates
 * allowed); Duktape strings are always well formed. */
static uint32_t next_internal(const uint8_t **pp, const uint8_t *end) {
  const uint8_t *p = *pp;
  uint32_t c = p[0];
  int n = c < 0x80 ? 0 : c < 0xe0 ? 1 : c < 0xf0 ? 2 : 3;
  if (n && p + n >= end) {
    *pp = end;
    return 0xfffd;
  }
  if (n)
    c &= n == 1 ? 0x1f : n == 2 ? 0x0f : 0x07;
  for (int i = 1; i <= n; i++)
    c = (c << 6) | (p[i] & 0x3f);
  *pp = p + n + 1;
  return c;
}

/* encodeInto(source, destination): writes whole UTF-8 sequences while they fit and
 * reports UTF-16 code units read and bytes written. */
static duk_ret_t encoder_encode_into(duk_context *ctx) {
  check_encoder(ctx);
  duk_to_string(ctx, 0);
  if (!duk_is_buffer_data(ctx, 1) || !duk_is_object(ctx, 1))
    return duk_error(ctx, DUK_ERR_TYPE_ERROR,
                     "TextEncoder.encodeInto: The \"dest\" argument must be a Uint8Array");
  duk_size_t cap;
  uint8_t *dst = duk_get_buffer_data(ctx, 1, &cap);
  duk_size_t slen;
  const uint8_t *s = (const uint8_t *)duk_get_lstring(ctx, 0, &slen);
  const uint8_t *p = s, *end = s + slen;
  size_t read = 0, written = 0;
  uint8_t tmp[8];
  while (p < end) {
    const uint8_t *q = p;
    uint32_t c = next_internal(&q, end);
    size_t units = 1;
    if (c >= 0xd800 && c <= 0xdbff && q < end) {
      const uint8_t *r = q;
      uint32_t lo = next_internal(&r, end);
      if (lo >= 0xdc00 && lo <= 0xdfff) {
        c = 0x10000 + ((c - 0xd800) << 10) + (lo - 0xdc00);
        q = r;
        units = 2;
      }
    }
    if (c >= 0xd800 && c <= 0xdfff)
      c = 0xfffd;
    size_t n;
    if (c >= 0x10000) {
      tmp[0] = (uint8_t)(0xf0 | (c >> 18));
      tmp[1] = (uint8_t)(0x80 | ((c >> 12) & 0x3f));
      tmp[2] = (uint8_t)(0x80 | ((c >> 6) & 0x3f));
      tmp[3] = (uint8_t)(0x80 | (c & 0x3f));
      n = 4;
    } else {
      n = put_internal(tmp, c);
    }
    if (written + n > cap)
      break;
    memcpy(dst + written, tmp, n);
    written += n;
    read += units;
    p = q;
  }
  duk_push_object(ctx);
  duk_push_uint(ctx, (duk_uint_t)read);
  duk_put_prop_string(ctx, -2, "read");
  duk_push_uint(ctx, (duk_uint_t)written);
  duk_put_prop_string(ctx, -2, "written");
  return 1;
}

static void def_getter(duk_context *ctx, duk_idx_t obj, const char *name, duk_c_function fn,
                       int magic) {
  obj = duk_normalize_index(ctx, obj);
  duk_push_string(ctx, name);
  duk_push_c_function(ctx, fn, 0);
  duk_set_magic(ctx, -1, magic);
  duk_def_prop(ctx, obj,
               DUK_DEFPROP_HAVE_GETTER | DUK_DEFPROP_SET_CONFIGURABLE | DUK_DEFPROP_SET_ENUMERABLE);
}

/* Pushes a constructor and its prototype object (linked both ways). */
static void push_class(duk_context *ctx, duk_c_function ctor, duk_idx_t nargs,
                       const duk_function_list_entry *methods) {
  duk_push_c_function(ctx, ctor, nargs);
  duk_push_object(ctx);
  duk_put_function_list(ctx, -1, methods);
  duk_dup(ctx, -2);
  duk_put_prop_string(ctx, -2, "constructor");
  duk_dup(ctx, -1);
  duk_put_prop_string(ctx, -3, "prototype");
}

void edgefn__encoding_install(duk_context *ctx) {
  static const duk_function_list_entry encoder_methods[] = {
      {"encode", encoder_encode, 1}, {"encodeInto", encoder_encode_into, 2}, {NULL, NULL, 0}};
  static const duk_function_list_entry decoder_methods[] = {{"decode", decoder_decode, 2},
                                                            {NULL, NULL, 0}};
  duk_push_global_object(ctx);

  push_class(ctx, encoder_ctor, 0, encoder_methods);
  def_getter(ctx, -1, "encoding", encoder_encoding, 0);
  edgefn__def_to_string_tag(ctx, -1, "TextEncoder");
  duk_pop(ctx);
  duk_put_prop_string(ctx, -2, "TextEncoder");

  push_class(ctx, decoder_ctor, 2, decoder_methods);
  def_getter(ctx, -1, "encoding", decoder_get, 0);
  def_getter(ctx, -1, "fatal", decoder_get, 1);
  def_getter(ctx, -1, "ignoreBOM", decoder_get, 2);
  edgefn__def_to_string_tag(ctx, -1, "TextDecoder");
  duk_pop(ctx);
  duk_put_prop_string(ctx, -2, "TextDecoder");

  duk_pop(ctx);
}

/* A TextDecoder of a class private to native code, so that a TextDecoderStream's decoder
 * cannot be reached or patched through the global's prototype. */
void edgefn__text_decoder_push_new(duk_context *ctx, duk_idx_t label, duk_idx_t options) {
  static const duk_function_list_entry decoder_methods[] = {{"decode", decoder_decode, 2},
                                                            {NULL, NULL, 0}};
  label = duk_normalize_index(ctx, label);
  options = duk_normalize_index(ctx, options);
  duk_push_global_stash(ctx);
  if (!duk_get_prop_literal(ctx, -1, DUK_HIDDEN_SYMBOL("privateTextDecoder"))) {
    duk_pop(ctx);
    push_class(ctx, decoder_ctor, 2, decoder_methods);
    def_getter(ctx, -1, "encoding", decoder_get, 0);
    def_getter(ctx, -1, "fatal", decoder_get, 1);
    def_getter(ctx, -1, "ignoreBOM", decoder_get, 2);
    duk_pop(ctx);
    duk_dup_top(ctx);
    duk_put_prop_literal(ctx, -3, DUK_HIDDEN_SYMBOL("privateTextDecoder"));
  }
  duk_remove(ctx, -2);
  duk_dup(ctx, label);
  duk_dup(ctx, options);
  duk_new(ctx, 2);
}
