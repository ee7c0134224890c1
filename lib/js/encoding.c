/* TextEncoder and TextDecoder (WHATWG Encoding Standard). They replace Duktape's built-in
 * pair, which knows only UTF-8 and has no streaming BOM handling. The decoder supports
 * every encoding of the standard (except "replacement", which the constructor refuses as
 * the standard says), with `fatal`, `ignoreBOM` and `decode(chunk, {stream: true})`:
 * UTF-8, UTF-16LE/BE, windows-1252 (which every latin1/iso-8859-1/ascii label names) and
 * x-user-defined here, the other legacy single- and multi-byte encodings (gbk, gb18030,
 * big5, shift_jis, euc-jp, iso-2022-jp, euc-kr, the ISO-8859 and Windows code pages, ...)
 * through the C library's iconv converters (glibc's gconv modules). */
#include "js/js.h"

#include <iconv.h>
#include <pthread.h>
#include <string.h>

#define KEY_STATE DUK_HIDDEN_SYMBOL("tdState")
#define KEY_IS_ENCODER DUK_HIDDEN_SYMBOL("teBrand")

enum { ENC_UTF8, ENC_UTF16LE, ENC_UTF16BE, ENC_WINDOWS1252, ENC_X_USER_DEFINED, ENC_LEGACY };

static const char *const encoding_names[] = {"utf-8", "utf-16le", "utf-16be", "windows-1252",
                                             "x-user-defined"};

/* The legacy encodings: the standard's name, the glibc converter its index is made from
 * (once per process, at first use), and which of the standard's decoders reads it. The
 * decoders are the standard's algorithms, written here, so that errors, the bytes an error
 * consumes and streaming behave as the standard says; only the indexes come from glibc.
 * Converters chosen for the standard's definitions: its shift_jis is Microsoft's
 * windows-31j (CP932), whose index jis0208 euc-jp and iso-2022-jp share; its euc-kr is
 * windows-949 (UHC); its big5 Big5-HKSCS; its gbk the gb18030 decoder. */
enum { DEC_SINGLE, DEC_GB18030, DEC_BIG5, DEC_EUC_JP, DEC_ISO2022JP, DEC_SHIFT_JIS, DEC_EUC_KR };
static const struct legacy_enc {
  const char *name;
  const char *iconv; /* the converter its index is made from */
  uint8_t decoder;   /* DEC_* */
} legacy[] = {
    {"ibm866", "IBM866", DEC_SINGLE},
    {"iso-8859-2", "ISO-8859-2", DEC_SINGLE},
    {"iso-8859-3", "ISO-8859-3", DEC_SINGLE},
    {"iso-8859-4", "ISO-8859-4", DEC_SINGLE},
    {"iso-8859-5", "ISO-8859-5", DEC_SINGLE},
    {"iso-8859-6", "ISO-8859-6", DEC_SINGLE},
    {"iso-8859-7", "ISO-8859-7", DEC_SINGLE},
    {"iso-8859-8", "ISO-8859-8", DEC_SINGLE},
    {"iso-8859-8-i", "ISO-8859-8", DEC_SINGLE},
    {"iso-8859-10", "ISO-8859-10", DEC_SINGLE},
    {"iso-8859-13", "ISO-8859-13", DEC_SINGLE},
    {"iso-8859-14", "ISO-8859-14", DEC_SINGLE},
    {"iso-8859-15", "ISO-8859-15", DEC_SINGLE},
    {"iso-8859-16", "ISO-8859-16", DEC_SINGLE},
    {"koi8-r", "KOI8-R", DEC_SINGLE},
    {"koi8-u", "KOI8-U", DEC_SINGLE},
    {"macintosh", "MACINTOSH", DEC_SINGLE},
    {"windows-874", "CP874", DEC_SINGLE},
    {"windows-1250", "CP1250", DEC_SINGLE},
    {"windows-1251", "CP1251", DEC_SINGLE},
    {"windows-1253", "CP1253", DEC_SINGLE},
    {"windows-1254", "CP1254", DEC_SINGLE},
    {"windows-1255", "CP1255", DEC_SINGLE},
    {"windows-1256", "CP1256", DEC_SINGLE},
    {"windows-1257", "CP1257", DEC_SINGLE},
    {"windows-1258", "CP1258", DEC_SINGLE},
    {"x-mac-cyrillic", "MAC-CYRILLIC", DEC_SINGLE},
    {"gbk", "GB18030", DEC_GB18030},
    {"gb18030", "GB18030", DEC_GB18030},
    {"big5", "BIG5-HKSCS", DEC_BIG5},
    {"euc-jp", "CP932", DEC_EUC_JP},
    {"iso-2022-jp", "CP932", DEC_ISO2022JP},
    {"shift_jis", "CP932", DEC_SHIFT_JIS},
    {"euc-kr", "CP949", DEC_EUC_KR},
};

/* The index of the legacy encoding named `name`. */
static int legacy_index(const char *name) {
  for (size_t i = 0; i < EDGEFN_ARRAY_LEN(legacy); i++)
    if (strcmp(legacy[i].name, name) == 0)
      return (int)i;
  return -1000; /* not reached: every L() names an entry */
}

static const char *enc_name(int enc) {
  return enc < ENC_LEGACY ? encoding_names[enc] : legacy[enc - ENC_LEGACY].name;
}

/* The labels of the Encoding Standard's table for the encodings supported here. */
static const struct {
  const char *label;
  int enc; /* ENC_*, or -1: the legacy encoding named `legacy_name` */
  const char *legacy_name;
} labels[] = {
    {"unicode-1-1-utf-8", ENC_UTF8, NULL},
    {"unicode11utf8", ENC_UTF8, NULL},
    {"unicode20utf8", ENC_UTF8, NULL},
    {"utf-8", ENC_UTF8, NULL},
    {"utf8", ENC_UTF8, NULL},
    {"x-unicode20utf8", ENC_UTF8, NULL},
    {"unicodefffe", ENC_UTF16BE, NULL},
    {"utf-16be", ENC_UTF16BE, NULL},
    {"csunicode", ENC_UTF16LE, NULL},
    {"iso-10646-ucs-2", ENC_UTF16LE, NULL},
    {"ucs-2", ENC_UTF16LE, NULL},
    {"unicode", ENC_UTF16LE, NULL},
    {"unicodefeff", ENC_UTF16LE, NULL},
    {"utf-16", ENC_UTF16LE, NULL},
    {"utf-16le", ENC_UTF16LE, NULL},
    {"ansi_x3.4-1968", ENC_WINDOWS1252, NULL},
    {"ascii", ENC_WINDOWS1252, NULL},
    {"cp1252", ENC_WINDOWS1252, NULL},
    {"cp819", ENC_WINDOWS1252, NULL},
    {"csisolatin1", ENC_WINDOWS1252, NULL},
    {"ibm819", ENC_WINDOWS1252, NULL},
    {"iso-8859-1", ENC_WINDOWS1252, NULL},
    {"iso-ir-100", ENC_WINDOWS1252, NULL},
    {"iso8859-1", ENC_WINDOWS1252, NULL},
    {"iso88591", ENC_WINDOWS1252, NULL},
    {"iso_8859-1", ENC_WINDOWS1252, NULL},
    {"iso_8859-1:1987", ENC_WINDOWS1252, NULL},
    {"l1", ENC_WINDOWS1252, NULL},
    {"latin1", ENC_WINDOWS1252, NULL},
    {"us-ascii", ENC_WINDOWS1252, NULL},
    {"windows-1252", ENC_WINDOWS1252, NULL},
    {"x-cp1252", ENC_WINDOWS1252, NULL},
    {"x-user-defined", ENC_X_USER_DEFINED, NULL},
/* The labels of one encoding stay together. */
/* clang-format off */
#define LEG(label, name) {label, -1, name}
    LEG("866", "ibm866"), LEG("cp866", "ibm866"), LEG("csibm866", "ibm866"),
    LEG("ibm866", "ibm866"),
    LEG("csisolatin2", "iso-8859-2"), LEG("iso-8859-2", "iso-8859-2"),
    LEG("iso-ir-101", "iso-8859-2"), LEG("iso8859-2", "iso-8859-2"),
    LEG("iso88592", "iso-8859-2"), LEG("iso_8859-2", "iso-8859-2"),
    LEG("iso_8859-2:1987", "iso-8859-2"), LEG("l2", "iso-8859-2"), LEG("latin2", "iso-8859-2"),
    LEG("csisolatin3", "iso-8859-3"), LEG("iso-8859-3", "iso-8859-3"),
    LEG("iso-ir-109", "iso-8859-3"), LEG("iso8859-3", "iso-8859-3"),
    LEG("iso88593", "iso-8859-3"), LEG("iso_8859-3", "iso-8859-3"),
    LEG("iso_8859-3:1988", "iso-8859-3"), LEG("l3", "iso-8859-3"), LEG("latin3", "iso-8859-3"),
    LEG("csisolatin4", "iso-8859-4"), LEG("iso-8859-4", "iso-8859-4"),
    LEG("iso-ir-110", "iso-8859-4"), LEG("iso8859-4", "iso-8859-4"),
    LEG("iso88594", "iso-8859-4"), LEG("iso_8859-4", "iso-8859-4"),
    LEG("iso_8859-4:1988", "iso-8859-4"), LEG("l4", "iso-8859-4"), LEG("latin4", "iso-8859-4"),
    LEG("csisolatincyrillic", "iso-8859-5"), LEG("cyrillic", "iso-8859-5"),
    LEG("iso-8859-5", "iso-8859-5"), LEG("iso-ir-144", "iso-8859-5"),
    LEG("iso8859-5", "iso-8859-5"), LEG("iso88595", "iso-8859-5"),
    LEG("iso_8859-5", "iso-8859-5"), LEG("iso_8859-5:1988", "iso-8859-5"),
    LEG("arabic", "iso-8859-6"), LEG("asmo-708", "iso-8859-6"), LEG("csiso88596e", "iso-8859-6"),
    LEG("csiso88596i", "iso-8859-6"), LEG("csisolatinarabic", "iso-8859-6"),
    LEG("ecma-114", "iso-8859-6"), LEG("iso-8859-6", "iso-8859-6"),
    LEG("iso-8859-6-e", "iso-8859-6"), LEG("iso-8859-6-i", "iso-8859-6"),
    LEG("iso-ir-127", "iso-8859-6"), LEG("iso8859-6", "iso-8859-6"),
    LEG("iso88596", "iso-8859-6"), LEG("iso_8859-6", "iso-8859-6"),
    LEG("iso_8859-6:1987", "iso-8859-6"),
    LEG("csisolatingreek", "iso-8859-7"), LEG("ecma-118", "iso-8859-7"),
    LEG("elot_928", "iso-8859-7"), LEG("greek", "iso-8859-7"), LEG("greek8", "iso-8859-7"),
    LEG("iso-8859-7", "iso-8859-7"), LEG("iso-ir-126", "iso-8859-7"),
    LEG("iso8859-7", "iso-8859-7"), LEG("iso88597", "iso-8859-7"),
    LEG("iso_8859-7", "iso-8859-7"), LEG("iso_8859-7:1987", "iso-8859-7"),
    LEG("sun_eu_greek", "iso-8859-7"),
    LEG("csiso88598e", "iso-8859-8"), LEG("csisolatinhebrew", "iso-8859-8"),
    LEG("hebrew", "iso-8859-8"), LEG("iso-8859-8", "iso-8859-8"),
    LEG("iso-8859-8-e", "iso-8859-8"), LEG("iso-ir-138", "iso-8859-8"),
    LEG("iso8859-8", "iso-8859-8"), LEG("iso88598", "iso-8859-8"),
    LEG("iso_8859-8", "iso-8859-8"), LEG("iso_8859-8:1988", "iso-8859-8"),
    LEG("visual", "iso-8859-8"),
    LEG("csiso88598i", "iso-8859-8-i"), LEG("iso-8859-8-i", "iso-8859-8-i"),
    LEG("logical", "iso-8859-8-i"),
    LEG("csisolatin6", "iso-8859-10"), LEG("iso-8859-10", "iso-8859-10"),
    LEG("iso-ir-157", "iso-8859-10"), LEG("iso8859-10", "iso-8859-10"),
    LEG("iso885910", "iso-8859-10"), LEG("l6", "iso-8859-10"), LEG("latin6", "iso-8859-10"),
    LEG("iso-8859-13", "iso-8859-13"), LEG("iso8859-13", "iso-8859-13"),
    LEG("iso885913", "iso-8859-13"),
    LEG("iso-8859-14", "iso-8859-14"), LEG("iso8859-14", "iso-8859-14"),
    LEG("iso885914", "iso-8859-14"),
    LEG("csisolatin9", "iso-8859-15"), LEG("iso-8859-15", "iso-8859-15"),
    LEG("iso8859-15", "iso-8859-15"), LEG("iso885915", "iso-8859-15"),
    LEG("iso_8859-15", "iso-8859-15"), LEG("l9", "iso-8859-15"),
    LEG("iso-8859-16", "iso-8859-16"),
    LEG("cskoi8r", "koi8-r"), LEG("koi", "koi8-r"), LEG("koi8", "koi8-r"),
    LEG("koi8-r", "koi8-r"), LEG("koi8_r", "koi8-r"),
    LEG("koi8-ru", "koi8-u"), LEG("koi8-u", "koi8-u"),
    LEG("csmacintosh", "macintosh"), LEG("mac", "macintosh"), LEG("macintosh", "macintosh"),
    LEG("x-mac-roman", "macintosh"),
    LEG("dos-874", "windows-874"), LEG("iso-8859-11", "windows-874"),
    LEG("iso8859-11", "windows-874"), LEG("iso885911", "windows-874"),
    LEG("tis-620", "windows-874"), LEG("windows-874", "windows-874"),
    LEG("cp1250", "windows-1250"), LEG("windows-1250", "windows-1250"),
    LEG("x-cp1250", "windows-1250"),
    LEG("cp1251", "windows-1251"), LEG("windows-1251", "windows-1251"),
    LEG("x-cp1251", "windows-1251"),
    LEG("cp1253", "windows-1253"), LEG("windows-1253", "windows-1253"),
    LEG("x-cp1253", "windows-1253"),
    LEG("cp1254", "windows-1254"), LEG("csisolatin5", "windows-1254"),
    LEG("iso-8859-9", "windows-1254"), LEG("iso-ir-148", "windows-1254"),
    LEG("iso8859-9", "windows-1254"), LEG("iso88599", "windows-1254"),
    LEG("iso_8859-9", "windows-1254"), LEG("iso_8859-9:1989", "windows-1254"),
    LEG("l5", "windows-1254"), LEG("latin5", "windows-1254"),
    LEG("windows-1254", "windows-1254"), LEG("x-cp1254", "windows-1254"),
    LEG("cp1255", "windows-1255"), LEG("windows-1255", "windows-1255"),
    LEG("x-cp1255", "windows-1255"),
    LEG("cp1256", "windows-1256"), LEG("windows-1256", "windows-1256"),
    LEG("x-cp1256", "windows-1256"),
    LEG("cp1257", "windows-1257"), LEG("windows-1257", "windows-1257"),
    LEG("x-cp1257", "windows-1257"),
    LEG("cp1258", "windows-1258"), LEG("windows-1258", "windows-1258"),
    LEG("x-cp1258", "windows-1258"),
    LEG("x-mac-cyrillic", "x-mac-cyrillic"), LEG("x-mac-ukrainian", "x-mac-cyrillic"),
    LEG("chinese", "gbk"), LEG("csgb2312", "gbk"), LEG("csiso58gb231280", "gbk"),
    LEG("gb2312", "gbk"), LEG("gb_2312", "gbk"), LEG("gb_2312-80", "gbk"), LEG("gbk", "gbk"),
    LEG("iso-ir-58", "gbk"), LEG("x-gbk", "gbk"),
    LEG("gb18030", "gb18030"),
    LEG("big5", "big5"), LEG("big5-hkscs", "big5"), LEG("cn-big5", "big5"),
    LEG("csbig5", "big5"), LEG("x-x-big5", "big5"),
    LEG("cseucpkdfmtjapanese", "euc-jp"), LEG("euc-jp", "euc-jp"), LEG("x-euc-jp", "euc-jp"),
    LEG("csiso2022jp", "iso-2022-jp"), LEG("iso-2022-jp", "iso-2022-jp"),
    LEG("csshiftjis", "shift_jis"), LEG("ms932", "shift_jis"), LEG("ms_kanji", "shift_jis"),
    LEG("shift-jis", "shift_jis"), LEG("shift_jis", "shift_jis"), LEG("sjis", "shift_jis"),
    LEG("windows-31j", "shift_jis"), LEG("x-sjis", "shift_jis"),
    LEG("cseuckr", "euc-kr"), LEG("csksc56011987", "euc-kr"), LEG("euc-kr", "euc-kr"),
    LEG("iso-ir-149", "euc-kr"), LEG("korean", "euc-kr"), LEG("ks_c_5601-1987", "euc-kr"),
    LEG("ks_c_5601-1989", "euc-kr"), LEG("ksc5601", "euc-kr"), LEG("ksc_5601", "euc-kr"),
    LEG("windows-949", "euc-kr"),
#undef LEG
    /* clang-format on */
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
  uint8_t gb_first, gb_second, gb_third; /* gb18030: the bytes of a sequence so far */
  uint8_t jp_lead;                       /* euc-jp: the lead byte read, and whether a */
  bool jp_0212;                          /* 0x8F said JIS X 0212 */
  uint8_t mb_lead;                       /* big5, shift_jis, euc-kr: the lead byte read */
  uint8_t j_state, j_out, j_lead;        /* iso-2022-jp: decoder and output states, lead */
  bool j_flag;                           /* iso-2022-jp: the output flag */
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
    if (c == 0xfeff && !o->st->ignore_bom && o->st->enc <= ENC_UTF16BE)
      return; /* a BOM is stripped by the UTF-8 and UTF-16 decoders only */
  }
  o->len += put_internal(o->p + o->len, c);
}

static duk_ret_t decode_error(duk_context *ctx, decoder_state *st) {
  int enc = st->enc;
  st->pend_len = 0;
  st->lead = 0;
  st->bom_seen = false;
  st->gb_first = st->gb_second = st->gb_third = 0;
  st->jp_lead = 0;
  st->jp_0212 = false;
  st->mb_lead = 0;
  st->j_state = st->j_out = st->j_lead = 0;
  st->j_flag = false;
  return duk_error(ctx, DUK_ERR_TYPE_ERROR, "The encoded data was not valid for encoding %s",
                   enc_name(enc));
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

/* The single-byte encodings' tables, bytes 0x80..0xFF (0: no character), made once per
 * process from glibc's converters, one byte at a time (so that CP1255's and CP1258's
 * combining logic, which holds a base letter back for a following accent, never applies:
 * the standard's decoders map each byte on its own). Where the standard's index differs
 * from glibc's table: the windows-* and windows-874 code pages map their unassigned bytes
 * 0x80..0x9F to the C1 controls of the same value, koi8-u is KOI8-U with the Belarusian
 * and Ukrainian letters U+045E/U+040E at 0xAE/0xBE, macintosh has U+2206 at 0xC6 and Apple's
 * U+F8FF at 0xF0, x-mac-cyrillic the euro sign at 0xFF, windows-1255 U+05BA at 0xCA. */
static uint16_t single_tables[EDGEFN_ARRAY_LEN(legacy)][128];
static pthread_once_t single_once = PTHREAD_ONCE_INIT;

static uint32_t iconv_one_byte(iconv_t cd, uint8_t b) {
  uint8_t out[16];
  char *ip = (char *)&b, *op = (char *)out;
  size_t il = 1, ol = sizeof(out);
  iconv(cd, NULL, NULL, NULL, NULL);
  if (iconv(cd, &ip, &il, &op, &ol) == (size_t)-1 && il)
    return 0;
  if (iconv(cd, NULL, NULL, &op, &ol) == (size_t)-1) /* what a stateful converter held */
    return 0;
  size_t n = (size_t)(op - (char *)out);
  if (n == 0)
    return 0;
  uint32_t c = out[0];
  int k = c < 0x80 ? 0 : c < 0xe0 ? 1 : c < 0xf0 ? 2 : 3;
  if ((size_t)k + 1 != n) /* more than one character: not a single-byte mapping */
    return 0;
  c = k == 0 ? c : k == 1 ? c & 0x1fu : k == 2 ? c & 0x0fu : c & 0x07u;
  for (int j = 1; j <= k; j++)
    c = c << 6 | (out[j] & 0x3fu);
  return c <= 0xffff ? c : 0;
}

static void build_single_tables(void) {
  for (size_t e = 0; e < EDGEFN_ARRAY_LEN(legacy); e++) {
    if (legacy[e].decoder != DEC_SINGLE)
      continue;
    iconv_t cd = iconv_open("UTF-8", legacy[e].iconv);
    if (cd == (iconv_t)-1)
      continue; /* all zero: every byte above 0x7F decodes as an error */
    const char *name = legacy[e].name;
    bool windows = strncmp(name, "windows-", 8) == 0;
    for (unsigned b = 0x80; b < 0x100; b++) {
      uint32_t c = iconv_one_byte(cd, (uint8_t)b);
      if (!c && windows && b < 0xa0)
        c = b;
      single_tables[e][b - 0x80] = (uint16_t)c;
    }
    iconv_close(cd);
    uint16_t *t = single_tables[e];
    if (strcmp(name, "koi8-u") == 0) {
      t[0xae - 0x80] = 0x045e;
      t[0xbe - 0x80] = 0x040e;
    } else if (strcmp(name, "macintosh") == 0) {
      t[0xc6 - 0x80] = 0x2206;
      t[0xf0 - 0x80] = 0xf8ff;
    } else if (strcmp(name, "x-mac-cyrillic") == 0) {
      t[0xff - 0x80] = 0x20ac;
    } else if (strcmp(name, "windows-1255") == 0) {
      t[0xca - 0x80] = 0x05ba;
    }
  }
}

static bool decode_single(out_buf *o, const uint8_t *in, size_t n) {
  pthread_once(&single_once, build_single_tables);
  const uint16_t *t = single_tables[o->st->enc - ENC_LEGACY];
  for (size_t i = 0; i < n; i++) {
    uint32_t c = in[i] < 0x80 ? in[i] : t[in[i] - 0x80];
    if (!c) {
      if (o->st->fatal)
        return false;
      c = 0xfffd;
    }
    emit(o, c);
  }
  return true;
}

/* gb18030 (and gbk, whose decoder it is): the Encoding Standard's decoder over its two
 * indexes, which are made once per process from glibc's GB18030 converter. glibc follows
 * GB18030-2005; the standard follows GB18030-2022 and keeps a few Private Use mappings, so
 * these entries are set as the standard's index has them: 0xA3A0 is U+3000; 0xFE51, 0xFE52,
 * 0xFE53, 0xFE6C, 0xFE76 and 0xFE91 stay in the Private Use Area (glibc maps them to CJK
 * Extension B); the four-byte codes for U+9FB4..U+9FBB and U+FE10..U+FE19, which glibc
 * refuses since GB18030-2005 gave those characters two-byte codes, decode to them. */
#define GB2_COUNT (126u * 190u)
#define GB4_BMP_COUNT 39420u
static uint16_t gb2[GB2_COUNT];     /* pointer (lead − 0x81) × 190 + trail offset */
static uint16_t gb4[GB4_BMP_COUNT]; /* four-byte pointer → BMP code point */
static pthread_once_t gb_once = PTHREAD_ONCE_INIT;

static uint32_t iconv_bytes(iconv_t cd, const uint8_t *b, size_t n) {
  uint8_t out[16];
  char *ip = (char *)(uintptr_t)b, *op = (char *)out;
  size_t il = n, ol = sizeof(out);
  iconv(cd, NULL, NULL, NULL, NULL);
  if (iconv(cd, &ip, &il, &op, &ol) == (size_t)-1 || il)
    return 0;
  size_t len = (size_t)(op - (char *)out);
  uint32_t c = len ? out[0] : 0;
  int k = c < 0x80 ? 0 : c < 0xe0 ? 1 : c < 0xf0 ? 2 : 3;
  if (len == 0 || (size_t)k + 1 != len)
    return 0;
  c = k == 0 ? c : k == 1 ? c & 0x1fu : k == 2 ? c & 0x0fu : c & 0x07u;
  for (int j = 1; j <= k; j++)
    c = c << 6 | (out[j] & 0x3fu);
  return c;
}

static void build_gb_tables(void) {
  iconv_t cd = iconv_open("UTF-8", "GB18030");
  if (cd == (iconv_t)-1)
    return; /* all zero: every non-ASCII sequence decodes as an error */
  for (uint32_t p = 0; p < GB2_COUNT; p++) {
    uint8_t b[2] = {(uint8_t)(0x81 + p / 190), (uint8_t)(p % 190)};
    b[1] = (uint8_t)(b[1] < 0x3f ? b[1] + 0x40 : b[1] + 0x41);
    uint32_t c = iconv_bytes(cd, b, 2);
    gb2[p] = c <= 0xffff ? (uint16_t)c : 0;
  }
  for (uint32_t p = 0; p < GB4_BMP_COUNT; p++) {
    uint8_t b[4] = {(uint8_t)(0x81 + p / 12600), (uint8_t)(0x30 + p / 1260 % 10),
                    (uint8_t)(0x81 + p / 10 % 126), (uint8_t)(0x30 + p % 10)};
    uint32_t c = iconv_bytes(cd, b, 4);
    gb4[p] = c <= 0xffff ? (uint16_t)c : 0;
  }
  iconv_close(cd);
  static const struct {
    uint8_t lead, trail;
    uint16_t cp;
  } two[] = {{0xa3, 0xa0, 0x3000}, {0xfe, 0x51, 0xe816}, {0xfe, 0x52, 0xe817}, {0xfe, 0x53, 0xe818},
             {0xfe, 0x6c, 0xe831}, {0xfe, 0x76, 0xe83b}, {0xfe, 0x91, 0xe855}};
  for (size_t i = 0; i < EDGEFN_ARRAY_LEN(two); i++)
    gb2[(two[i].lead - 0x81) * 190 + two[i].trail - (two[i].trail < 0x7f ? 0x40 : 0x41)] =
        two[i].cp;
  /* 0x82 0x35 0x90 0x37 and on: U+9FB4..; 0x84 0x31 0x82 0x36 and on: U+FE10.. */
  for (uint32_t k = 0; k < 8; k++)
    gb4[(0x82 - 0x81) * 12600 + 5 * 1260 + (0x90 - 0x81) * 10 + 7 + k] = (uint16_t)(0x9fb4 + k);
  for (uint32_t k = 0; k < 10; k++)
    gb4[3 * 12600 + 1 * 1260 + (0x82 - 0x81) * 10 + 6 + k] = (uint16_t)(0xfe10 + k);
}

/* The standard's "index gb18030 ranges code point" for a four-byte pointer (0 = none). */
static uint32_t gb_ranges(uint32_t p) {
  if (p < GB4_BMP_COUNT) /* pointers 0..39419 */
    return gb4[p];
  if (p >= 189000 && p <= 1237575)
    return 0x10000 + p - 189000;
  return 0;
}

/* The gb18030 decoder of the Encoding Standard over in[0..n); at the end of the stream a
 * sequence left open is one error. */
static bool decode_gb18030(out_buf *o, const uint8_t *in, size_t n, bool stream) {
  pthread_once(&gb_once, build_gb_tables);
  decoder_state *st = o->st;
  /* Bytes the standard "prepends" (puts back to read again) come from here first. */
  uint8_t back[3];
  size_t nback = 0;
  size_t i = 0;
  for (;;) {
    uint8_t b;
    if (nback) {
      b = back[0];
      memmove(back, back + 1, --nback);
    } else if (i < n) {
      b = in[i++];
    } else {
      break;
    }
    uint32_t c = 0;
    bool error = false;
    if (st->gb_third) {
      if (b < 0x30 || b > 0x39) {
        back[0] = st->gb_second, back[1] = st->gb_third, back[2] = b;
        nback = 3;
        error = true;
      } else {
        c = gb_ranges((uint32_t)(st->gb_first - 0x81) * 12600 +
                      (uint32_t)(st->gb_second - 0x30) * 1260 +
                      (uint32_t)(st->gb_third - 0x81) * 10 + b - 0x30);
        error = c == 0;
      }
      st->gb_first = st->gb_second = st->gb_third = 0;
    } else if (st->gb_second) {
      if (b >= 0x81 && b <= 0xfe) {
        st->gb_third = b;
        continue;
      }
      back[0] = st->gb_second, back[1] = b;
      nback = 2;
      st->gb_first = st->gb_second = 0;
      error = true;
    } else if (st->gb_first) {
      if (b >= 0x30 && b <= 0x39) {
        st->gb_second = b;
        continue;
      }
      uint8_t lead = st->gb_first;
      st->gb_first = 0;
      if ((b >= 0x40 && b <= 0x7e) || (b >= 0x80 && b <= 0xfe))
        c = gb2[(lead - 0x81) * 190 + b - (b < 0x7f ? 0x40 : 0x41)];
      if (!c) {
        if (b < 0x80) {
          back[0] = b;
          nback = 1;
        }
        error = true;
      }
    } else if (b < 0x80) {
      c = b;
    } else if (b == 0x80) {
      c = 0x20ac;
    } else if (b <= 0xfe) {
      st->gb_first = b;
      continue;
    } else {
      error = true;
    }
    if (error) {
      if (st->fatal)
        return false;
      c = 0xfffd;
    }
    emit(o, c);
  }
  if (!stream && (st->gb_first || st->gb_second || st->gb_third)) {
    st->gb_first = st->gb_second = st->gb_third = 0;
    if (st->fatal)
      return false;
    emit(o, 0xfffd);
  }
  return true;
}

/* euc-jp, shift_jis and iso-2022-jp: the Encoding Standard's decoders over its jis0208
 * index, made here from glibc's CP932 (windows-31j, the standard's shift_jis: so rows
 * 89..92 hold the NEC-selected IBM extensions and rows 115..119 the IBM ones, as the index
 * does), and, for euc-jp, JIS X 0212 from glibc's EUC-JP. */
#define JIS_COUNT (94u * 94u)
#define JIS0208_COUNT 11280u /* shift_jis pointers reach 11279 (lead 0xFC) */
static uint16_t jis0208[JIS0208_COUNT], jis0212[JIS_COUNT];
static pthread_once_t jis_once = PTHREAD_ONCE_INIT;

static void build_jis_tables(void) {
  iconv_t cd = iconv_open("UTF-8", "CP932");
  if (cd != (iconv_t)-1) {
    for (uint32_t p = 0; p < JIS0208_COUNT; p++) {
      uint32_t lead = p / 188, trail = p % 188;
      uint8_t b[2] = {(uint8_t)(lead + (lead < 0x1f ? 0x81 : 0xc1)),
                      (uint8_t)(trail + (trail < 0x3f ? 0x40 : 0x41))};
      uint32_t c = iconv_bytes(cd, b, 2);
      jis0208[p] = c <= 0xffff ? (uint16_t)c : 0;
    }
    iconv_close(cd);
  }
  cd = iconv_open("UTF-8", "EUC-JP");
  if (cd != (iconv_t)-1) {
    for (uint32_t p = 0; p < JIS_COUNT; p++) {
      uint8_t b[3] = {0x8f, (uint8_t)(0xa1 + p / 94), (uint8_t)(0xa1 + p % 94)};
      uint32_t c = iconv_bytes(cd, b, 3);
      jis0212[p] = c <= 0xffff ? (uint16_t)c : 0;
    }
    iconv_close(cd);
  }
}

static bool decode_euc_jp(out_buf *o, const uint8_t *in, size_t n, bool stream) {
  pthread_once(&jis_once, build_jis_tables);
  decoder_state *st = o->st;
  size_t i = 0;
  bool again = false; /* the byte at i-1 is read once more (the standard's "prepend") */
  while (again || i < n) {
    uint8_t b = again ? in[i - 1] : in[i++];
    again = false;
    uint32_t c = 0;
    uint8_t lead = st->jp_lead;
    if (lead == 0x8e && b >= 0xa1 && b <= 0xdf) {
      st->jp_lead = 0;
      c = 0xff61 - 0xa1 + b;
    } else if (lead == 0x8f && b >= 0xa1 && b <= 0xfe) {
      st->jp_0212 = true;
      st->jp_lead = b;
      continue;
    } else if (lead) {
      st->jp_lead = 0;
      if (lead >= 0xa1 && lead <= 0xfe && b >= 0xa1 && b <= 0xfe) {
        uint32_t p = (uint32_t)(lead - 0xa1) * 94 + b - 0xa1;
        c = st->jp_0212 ? jis0212[p] : jis0208[p];
      }
      st->jp_0212 = false;
      if (!c && b < 0x80)
        again = true;
    } else if (b < 0x80) {
      c = b;
    } else if (b == 0x8e || b == 0x8f || (b >= 0xa1 && b <= 0xfe)) {
      st->jp_lead = b;
      continue;
    }
    if (!c && !(b == 0 && !lead)) {
      if (st->fatal)
        return false;
      c = 0xfffd;
    }
    emit(o, c);
  }
  if (!stream && st->jp_lead) {
    st->jp_lead = 0;
    st->jp_0212 = false;
    if (st->fatal)
      return false;
    emit(o, 0xfffd);
  }
  return true;
}

/* The standard's two-byte decoders (big5, shift_jis, euc-kr) share a shape: a byte is a
 * character on its own, an error or a lead; a lead and the next byte are a character or an
 * error, and an ASCII byte that ends such an error is read again; a lead left at the end of
 * the stream is one error. `single` classifies a byte; `pair` gives the character (or emits
 * it itself, TB_DONE). */
#define TB_ERROR 0xffffffffu
#define TB_LEAD 0xfffffffeu
#define TB_DONE 0xfffffffdu

static bool decode_two_byte(out_buf *o, const uint8_t *in, size_t n, bool stream,
                            uint32_t (*single)(uint8_t b),
                            uint32_t (*pair)(out_buf *o, uint8_t lead, uint8_t b)) {
  decoder_state *st = o->st;
  size_t i = 0;
  bool again = false;
  while (again || i < n) {
    uint8_t b = again ? in[i - 1] : in[i++];
    again = false;
    uint32_t c;
    if (st->mb_lead) {
      uint8_t lead = st->mb_lead;
      st->mb_lead = 0;
      c = pair(o, lead, b);
      if (c == TB_ERROR && b < 0x80)
        again = true;
    } else {
      c = single(b);
      if (c == TB_LEAD) {
        st->mb_lead = b;
        continue;
      }
    }
    if (c == TB_DONE)
      continue;
    if (c == TB_ERROR) {
      if (st->fatal)
        return false;
      c = 0xfffd;
    }
    emit(o, c);
  }
  if (!stream && st->mb_lead) {
    st->mb_lead = 0;
    if (st->fatal)
      return false;
    emit(o, 0xfffd);
  }
  return true;
}

/* big5: the Encoding Standard's decoder over its index (Big5 with the HKSCS additions),
 * made from glibc's BIG5-HKSCS. Four pointers decode to two code points each (a letter and
 * a combining mark), as the standard's decoder writes them. Eleven punctuation codes get
 * the standard's (Microsoft's) mappings instead of glibc's; 131 HKSCS codes in rows
 * 0x8E..0xA0 that glibc does not map decode as errors (docs/javascript.md). */
#define BIG5_COUNT (126u * 157u)
static uint32_t big5_index[BIG5_COUNT];
static pthread_once_t big5_once = PTHREAD_ONCE_INIT;

static void build_big5_table(void) {
  iconv_t cd = iconv_open("UTF-8", "BIG5-HKSCS");
  if (cd == (iconv_t)-1)
    return;
  for (uint32_t p = 0; p < BIG5_COUNT; p++) {
    uint32_t t = p % 157;
    uint8_t b[2] = {(uint8_t)(0x81 + p / 157), (uint8_t)(t + (t < 0x3f ? 0x40 : 0x62))};
    big5_index[p] = iconv_bytes(cd, b, 2);
  }
  iconv_close(cd);
  static const struct {
    uint8_t lead, trail;
    uint16_t cp;
  } fix[] = {{0xa1, 0x45, 0x2027}, {0xa1, 0x4e, 0xfe51}, {0xa1, 0xc2, 0x00af}, {0xa1, 0xe3, 0xff5e},
             {0xa1, 0xf2, 0x2295}, {0xa1, 0xf3, 0x2299}, {0xa2, 0x41, 0x2215}, {0xa2, 0x42, 0xfe68},
             {0xa2, 0x44, 0xffe5}, {0xa2, 0x46, 0xffe0}, {0xa2, 0x47, 0xffe1}};
  for (size_t i = 0; i < EDGEFN_ARRAY_LEN(fix); i++)
    big5_index[(fix[i].lead - 0x81) * 157 + fix[i].trail - (fix[i].trail < 0x7f ? 0x40 : 0x62)] =
        fix[i].cp;
}

/* big5's pair: its index, and the four entries that are a letter and a combining mark */
static uint32_t big5_pair(out_buf *o, uint8_t lead, uint8_t b) {
  if (!((b >= 0x40 && b <= 0x7e) || (b >= 0xa1 && b <= 0xfe)))
    return TB_ERROR;
  uint32_t p = (uint32_t)(lead - 0x81) * 157 + b - (b < 0x7f ? 0x40 : 0x62);
  static const struct {
    uint32_t p, a, b;
  } two[] = {{1133, 0x00ca, 0x0304},
             {1135, 0x00ca, 0x030c},
             {1164, 0x00ea, 0x0304},
             {1166, 0x00ea, 0x030c}};
  for (size_t k = 0; k < EDGEFN_ARRAY_LEN(two); k++)
    if (two[k].p == p) {
      emit(o, two[k].a);
      emit(o, two[k].b);
      return TB_DONE;
    }
  return big5_index[p] ? big5_index[p] : TB_ERROR;
}

static uint32_t big5_single(uint8_t b) {
  return b < 0x80 ? b : b >= 0x81 && b <= 0xfe ? TB_LEAD : TB_ERROR;
}

/* shift_jis's pair: jis0208, with the user-defined rows as the Private Use Area */
static uint32_t sjis_pair(out_buf *o, uint8_t lead, uint8_t b) {
  (void)o;
  if (!((b >= 0x40 && b <= 0x7e) || (b >= 0x80 && b <= 0xfc)))
    return TB_ERROR;
  uint32_t p = (uint32_t)(lead - (lead < 0xa0 ? 0x81 : 0xc1)) * 188 + b - (b < 0x7f ? 0x40 : 0x41);
  uint32_t c = p >= 8836 && p <= 10715 ? 0xe000 - 8836 + p : p < JIS0208_COUNT ? jis0208[p] : 0;
  return c ? c : TB_ERROR;
}

/* U+0080 and half-width katakana stand alone */
static uint32_t sjis_single(uint8_t b) {
  if (b <= 0x80)
    return b;
  if (b >= 0xa1 && b <= 0xdf)
    return 0xff61 - 0xa1 + b;
  return (b >= 0x81 && b <= 0x9f) || (b >= 0xe0 && b <= 0xfc) ? TB_LEAD : TB_ERROR;
}

/* euc-kr: the standard's decoder over its index (windows-949), made from glibc's CP949. */
#define EUCKR_COUNT (126u * 190u)
static uint16_t euckr_index[EUCKR_COUNT];
static pthread_once_t euckr_once = PTHREAD_ONCE_INIT;

static void build_euckr_table(void) {
  iconv_t cd = iconv_open("UTF-8", "CP949");
  if (cd == (iconv_t)-1)
    return;
  for (uint32_t p = 0; p < EUCKR_COUNT; p++) {
    uint8_t b[2] = {(uint8_t)(0x81 + p / 190), (uint8_t)(0x41 + p % 190)};
    uint32_t c = iconv_bytes(cd, b, 2);
    euckr_index[p] = c <= 0xffff ? (uint16_t)c : 0;
  }
  iconv_close(cd);
}

static uint32_t euckr_pair(out_buf *o, uint8_t lead, uint8_t b) {
  (void)o;
  if (b < 0x41 || b > 0xfe)
    return TB_ERROR;
  uint32_t c = euckr_index[(uint32_t)(lead - 0x81) * 190 + b - 0x41];
  return c ? c : TB_ERROR;
}

static uint32_t euckr_single(uint8_t b) {
  return b < 0x80 ? b : b >= 0x81 && b <= 0xfe ? TB_LEAD : TB_ERROR;
}

/* iso-2022-jp: the standard's decoder, a state machine over escape sequences (ASCII, JIS X
 * 0201 Roman and Katakana, JIS X 0208 through jis0208). */
enum { J_ASCII, J_ROMAN, J_KATAKANA, J_LEAD, J_TRAIL, J_ESC_START, J_ESC };

static bool decode_iso2022jp(out_buf *o, const uint8_t *in, size_t n, bool stream) {
  pthread_once(&jis_once, build_jis_tables);
  decoder_state *st = o->st;
  uint8_t back[2];
  size_t nback = 0, i = 0;
  for (;;) {
    int b; /* -1: the end of the stream */
    if (nback) {
      b = back[0];
      back[0] = back[1];
      nback--;
    } else if (i < n) {
      b = in[i++];
    } else if (!stream &&
               (st->j_state == J_TRAIL || st->j_state == J_ESC_START || st->j_state == J_ESC)) {
      b = -1;
    } else {
      break;
    }
    uint32_t c = 0;
    bool error = false;
    switch (st->j_state) {
    case J_ASCII:
    case J_ROMAN:
    case J_KATAKANA:
    case J_LEAD:
      if (b == 0x1b) {
        st->j_state = J_ESC_START;
        continue;
      }
      st->j_flag = false;
      if (st->j_state == J_ASCII && b <= 0x7f && b != 0x0e && b != 0x0f) {
        c = (uint32_t)b;
      } else if (st->j_state == J_ROMAN && b <= 0x7f && b != 0x0e && b != 0x0f) {
        c = b == 0x5c ? 0xa5 : b == 0x7e ? 0x203e : (uint32_t)b;
      } else if (st->j_state == J_KATAKANA && b >= 0x21 && b <= 0x5f) {
        c = 0xff61 - 0x21 + (uint32_t)b;
      } else if (st->j_state == J_LEAD && b >= 0x21 && b <= 0x7e) {
        st->j_lead = (uint8_t)b;
        st->j_state = J_TRAIL;
        continue;
      } else {
        error = true;
      }
      break;
    case J_TRAIL:
      st->j_state = J_LEAD;
      if (b == 0x1b) {
        st->j_state = J_ESC_START;
        error = true;
      } else if (b >= 0x21 && b <= 0x7e) {
        c = jis0208[(st->j_lead - 0x21) * 94 + (uint32_t)b - 0x21];
        error = c == 0;
      } else {
        error = true;
      }
      break;
    case J_ESC_START:
      if (b == 0x24 || b == 0x28) {
        st->j_lead = (uint8_t)b;
        st->j_state = J_ESC;
        continue;
      }
      if (b >= 0 && nback < sizeof(back)) /* nback is 0 here: see below */
        back[nback++] = (uint8_t)b;
      st->j_flag = false;
      st->j_state = st->j_out;
      error = true;
      break;
    default: { /* J_ESC */
      uint8_t lead = st->j_lead;
      st->j_lead = 0;
      int next = -1;
      if (lead == 0x28 && b == 0x42)
        next = J_ASCII;
      else if (lead == 0x28 && b == 0x4a)
        next = J_ROMAN;
      else if (lead == 0x28 && b == 0x49)
        next = J_KATAKANA;
      else if (lead == 0x24 && (b == 0x40 || b == 0x42))
        next = J_LEAD;
      if (next >= 0) {
        st->j_state = st->j_out = (uint8_t)next;
        bool was = st->j_flag;
        st->j_flag = true;
        if (!was)
          continue;
        error = true;
        break;
      }
      /* Bytes are put back only while none are waiting: a put-back byte is a plain
       * character or an ESC in the state the error restored, never another error. */
      nback = 0;
      back[nback++] = lead;
      if (b >= 0)
        back[nback++] = (uint8_t)b;
      st->j_flag = false;
      st->j_state = st->j_out;
      error = true;
      break;
    }
    }
    if (error) {
      if (st->fatal)
        return false;
      c = 0xfffd;
    }
    emit(o, c);
  }
  return true;
}

static void decode_x_user_defined(out_buf *o, const uint8_t *in, size_t n) {
  for (size_t i = 0; i < n; i++)
    emit(o, in[i] < 0x80 ? in[i] : 0xf780u + in[i] - 0x80u);
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
      for (size_t i = 0; i < EDGEFN_ARRAY_LEN(labels) && found < 0; i++)
        if (strlen(labels[i].label) == b - a && strcmp(labels[i].label, label) == 0)
          found =
              labels[i].enc >= 0 ? labels[i].enc : ENC_LEGACY + legacy_index(labels[i].legacy_name);
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
  case ENC_WINDOWS1252:
    decode_cp1252(&o, in, total);
    break;
  case ENC_X_USER_DEFINED:
    decode_x_user_defined(&o, in, total);
    break;
  default: {
    switch (legacy[st->enc - ENC_LEGACY].decoder) {
    case DEC_SINGLE:
      ok = decode_single(&o, in, total);
      break;
    case DEC_GB18030:
      ok = decode_gb18030(&o, in, total, stream);
      break;
    case DEC_BIG5:
      pthread_once(&big5_once, build_big5_table);
      ok = decode_two_byte(&o, in, total, stream, big5_single, big5_pair);
      break;
    case DEC_EUC_JP:
      ok = decode_euc_jp(&o, in, total, stream);
      break;
    case DEC_ISO2022JP:
      ok = decode_iso2022jp(&o, in, total, stream);
      break;
    case DEC_SHIFT_JIS:
      pthread_once(&jis_once, build_jis_tables);
      ok = decode_two_byte(&o, in, total, stream, sjis_single, sjis_pair);
      break;
    default:
      pthread_once(&euckr_once, build_euckr_table);
      ok = decode_two_byte(&o, in, total, stream, euckr_single, euckr_pair);
      break;
    }
    break;
  }
  }
  if (!ok)
    return decode_error(ctx, st);
  if (!stream) {
    st->bom_seen = false;
    st->pend_len = 0;
    st->lead = 0;
    st->gb_first = st->gb_second = st->gb_third = 0;
    st->jp_lead = 0;
    st->jp_0212 = false;
    st->mb_lead = 0;
    st->j_state = st->j_out = st->j_lead = 0;
    st->j_flag = false;
  }
  duk_push_lstring(ctx, (const char *)o.p, o.len);
  return 1;
}

static duk_ret_t decoder_get(duk_context *ctx) {
  decoder_state *st = state_of_this(ctx);
  switch (duk_get_current_magic(ctx)) {
  case 0:
    duk_push_string(ctx, enc_name(st->enc));
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
