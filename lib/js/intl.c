/* ECMA-402 (Intl) on ICU: the natives of lib/js/intl.js and its loader.
 *
 * intl.js reads and checks the options as ECMA-402 orders it and turns them into what ICU
 * takes (a number skeleton, a date-time skeleton or styles, collation attributes); the
 * functions here open the ICU service objects and format with them. Each ICU object sits
 * behind a handle: a Duktape object whose fixed buffer holds the pointer, with a finalizer
 * that closes it. ICU allocates with malloc, outside the heap's allocator, so a handle
 * charges an estimate of its object's size to the heap's memory limit (edgefn__heap_charge)
 * for as long as it lives: a script cannot hold more ICU memory than its limit allows.
 *
 * Strings cross as UTF-16, ICU's form; Duktape's own form is converted each way. */
#include "js/js.h"
#include "js/regexp.h"

#include <math.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include <unicode/ucal.h>
#include <unicode/ucol.h>
#include <unicode/ucurr.h>
#include <unicode/udat.h>
#include <unicode/udatpg.h>
#include <unicode/uformattedvalue.h>
#include <unicode/ulistformatter.h>
#include <unicode/ubrk.h>
#include <unicode/uldnames.h>
#include <unicode/uloc.h>
#include <unicode/unumberformatter.h>
#include <unicode/upluralrules.h>
#include <unicode/ureldatefmt.h>
#include <unicode/ustring.h>

#include "intl-js.h" /* generated from intl.js: edgefn__intl_js[] */

#define S_MODULE DUK_HIDDEN_SYMBOL("edgefn.intl.module")
#define K_HANDLE DUK_HIDDEN_SYMBOL("ih")
#define K_SLOTS DUK_HIDDEN_SYMBOL("is")
#define S_DEFAULT_COLLATOR DUK_HIDDEN_SYMBOL("edgefn.intl.collator")

enum { H_NUMBER, H_DATE, H_COLLATOR, H_PLURAL, H_RELTIME, H_LIST, H_SEGMENTER, H_DISPLAY };

/* Bytes each kind of ICU object holds, rounded up from mallinfo2 measurements around
 * opening 50 of them for each of en-US, de-DE, ja-JP, ar-EG and zh-Hant-TW once ICU's
 * process-wide caches were warm (ICU 72): number formatters about 0.5 KB, date formatters
 * 55 KB, collators and relative-time formatters 0.3 KB, plural rules 0.5-3 KB, list
 * formatters under 0.1 KB; break iterators are given 16 KB. */
static const size_t charge_of[] = {
    [H_NUMBER] = 4 * 1024u, [H_DATE] = 64 * 1024u,  [H_COLLATOR] = 4 * 1024u,
    [H_PLURAL] = 4 * 1024u, [H_RELTIME] = 4 * 1024u, [H_LIST] = 1024u,
    [H_SEGMENTER] = 16 * 1024u, [H_DISPLAY] = 4 * 1024u,
};

typedef struct handle {
  int kind;
  bool charged; /* charge_of[kind] is counted against the heap's limit */
  void *p;      /* the ICU object, NULL until opened and once closed */
  void *udata;  /* the heap's allocator udata, for the charge */
} handle;

static void handle_close(handle *h) {
  if (h->charged) { /* also when opening the ICU object failed */
    h->charged = false;
    edgefn__heap_uncharge(h->udata, charge_of[h->kind]);
  }
  if (!h->p)
    return;
  switch (h->kind) {
  case H_NUMBER: unumf_close(h->p); break;
  case H_DATE: udat_close(h->p); break;
  case H_COLLATOR: ucol_close(h->p); break;
  case H_PLURAL: uplrules_close(h->p); break;
  case H_RELTIME: ureldatefmt_close(h->p); break;
  case H_SEGMENTER: ubrk_close(h->p); break;
  case H_DISPLAY: uldn_close(h->p); break;
  default: ulistfmt_close(h->p); break;
  }
  h->p = NULL;
}

static duk_ret_t handle_finalize(duk_context *ctx) {
  duk_get_prop_literal(ctx, 0, K_HANDLE);
  handle *h = duk_get_buffer(ctx, -1, NULL);
  if (h)
    handle_close(h);
  return 0;
}

/* Pushes an empty handle of `kind`, charged to the heap; the caller stores the ICU object
 * in the returned struct (and must not throw before doing so, or the object leaks). */
static handle *push_handle(duk_context *ctx, int kind) {
  duk_memory_functions mf;
  duk_get_memory_functions(ctx, &mf);
  /* Everything that can throw first, then the charge: no path leaves it counted twice or
   * never given back. */
  duk_push_object(ctx);
  handle *h = duk_push_fixed_buffer(ctx, sizeof(handle));
  h->kind = kind;
  h->charged = false;
  h->p = NULL;
  h->udata = mf.udata;
  duk_put_prop_literal(ctx, -2, K_HANDLE);
  duk_push_c_function(ctx, handle_finalize, 1);
  duk_set_finalizer(ctx, -2);
  if (!edgefn__heap_charge(mf.udata, charge_of[kind]))
    (void)duk_range_error(ctx, "Intl: the function's memory limit does not allow another "
                               "formatter");
  h->charged = true;
  return h;
}

static void *require_handle(duk_context *ctx, duk_idx_t idx, int kind) {
  handle *h = NULL;
  if (duk_is_object(ctx, idx) && duk_get_prop_literal(ctx, idx, K_HANDLE))
    h = duk_get_buffer(ctx, -1, NULL);
  duk_pop(ctx);
  if (!h || h->kind != kind || !h->p)
    (void)duk_type_error(ctx, "Intl: internal error (bad handle)");
  return h->p;
}

/* Throws for a failed ICU call. */
static void check(duk_context *ctx, UErrorCode st, const char *what) {
  if (U_FAILURE(st))
    (void)duk_error(ctx, st == U_MEMORY_ALLOCATION_ERROR ? DUK_ERR_RANGE_ERROR : DUK_ERR_ERROR,
                    "Intl: %s failed (%s)", what, u_errorName(st));
}

/* ---- strings ---- */

/* Pushes UTF-16 text as a string (Duktape's form: every unit its own sequence). */
static void push_u16(duk_context *ctx, const UChar *s, int32_t n) {
  char stackbuf[256] = {0};
  size_t need = (size_t)n * 3u;
  char *buf = need <= sizeof(stackbuf) ? stackbuf : duk_push_fixed_buffer(ctx, need);
  size_t len = 0;
  for (int32_t i = 0; i < n; i++)
    len += edgefn__utf8_put((uint8_t *)buf + len, s[i]);
  duk_push_lstring(ctx, buf, len);
  if (buf != stackbuf)
    duk_remove(ctx, -2);
}

/* The string at idx as UTF-16 in a Duktape buffer pushed on the stack (freed with it). */
static UChar *push_utf16_of(duk_context *ctx, duk_idx_t idx, int32_t *n) {
  duk_size_t blen;
  const char *b = duk_get_lstring(ctx, idx, &blen);
  /* Duktape's form has at most one UTF-16 unit per byte. */
  UChar *out = duk_push_fixed_buffer(ctx, (blen + 1) * sizeof(UChar));
  size_t len;
  uint16_t *u = edgefn__re_utf16_from_internal(b ? b : "", b ? blen : 0, &len);
  if (!u)
    (void)duk_range_error(ctx, "Intl: out of memory");
  memcpy(out, u, len * sizeof(UChar));
  free(u);
  *n = (int32_t)len;
  return out;
}

/* Reads a string argument into a char buffer (for locale tags, skeletons: ASCII). */
static const char *ascii_arg(duk_context *ctx, duk_idx_t idx, char *buf, size_t cap) {
  duk_size_t n;
  const char *s = duk_to_lstring(ctx, idx, &n);
  if (n >= cap)
    (void)duk_range_error(ctx, "Intl: value too long");
  memcpy(buf, s, n);
  buf[n] = 0;
  return buf;
}

/* The ICU locale id of a BCP 47 tag. */
static void icu_locale(duk_context *ctx, duk_idx_t idx, char *out, size_t cap) {
  char tag[ULOC_FULLNAME_CAPACITY];
  ascii_arg(ctx, idx, tag, sizeof(tag));
  UErrorCode st = U_ZERO_ERROR;
  int32_t parsed = 0;
  uloc_forLanguageTag(tag, out, (int32_t)cap, &parsed, &st);
  if (U_FAILURE(st) || st == U_STRING_NOT_TERMINATED_WARNING)
    (void)duk_range_error(ctx, "Incorrect locale information provided");
}

/* ---- locales ---- */

/* canonicalize(tag): the canonical form of a well-formed BCP 47 tag; RangeError otherwise. */
static duk_ret_t n_canonicalize(duk_context *ctx) {
  char tag[ULOC_FULLNAME_CAPACITY], id[ULOC_FULLNAME_CAPACITY], out[ULOC_FULLNAME_CAPACITY];
  if (!duk_is_string(ctx, 0))
    return duk_type_error(ctx, "Language ID should be string or object.");
  duk_size_t n;
  const char *s = duk_get_lstring(ctx, 0, &n);
  bool ok = n > 0 && n < sizeof(tag);
  for (duk_size_t i = 0; ok && i < n; i++) {
    unsigned char c = (unsigned char)s[i];
    ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-';
  }
  if (!ok)
    return duk_range_error(ctx, "Incorrect locale information provided");
  memcpy(tag, s, n);
  tag[n] = 0;
  UErrorCode st = U_ZERO_ERROR;
  int32_t parsed = 0;
  uloc_forLanguageTag(tag, id, sizeof(id), &parsed, &st);
  if (U_FAILURE(st) || parsed != (int32_t)n)
    return duk_range_error(ctx, "Incorrect locale information provided");
  if (id[0] == 0) { /* "und", which ICU's id leaves empty */
    duk_push_literal(ctx, "und");
    return 1;
  }
  st = U_ZERO_ERROR;
  int32_t len = uloc_toLanguageTag(id, out, sizeof(out), 1, &st);
  if (U_FAILURE(st) || len <= 0)
    return duk_range_error(ctx, "Incorrect locale information provided");
  duk_push_lstring(ctx, out, (duk_size_t)len);
  return 1;
}

/* maximize(tag) / minimize(tag) (magic 1): ICU's likely subtags (CLDR) added to or taken
 * out of a canonical tag, its extensions kept. */
static duk_ret_t n_likely(duk_context *ctx) {
  char id[ULOC_FULLNAME_CAPACITY], out_id[ULOC_FULLNAME_CAPACITY], out[ULOC_FULLNAME_CAPACITY];
  icu_locale(ctx, 0, id, sizeof(id));
  UErrorCode st = U_ZERO_ERROR;
  if (duk_get_current_magic(ctx))
    uloc_minimizeSubtags(id, out_id, sizeof(out_id), &st);
  else
    uloc_addLikelySubtags(id, out_id, sizeof(out_id), &st);
  if (U_FAILURE(st) || st == U_STRING_NOT_TERMINATED_WARNING)
    return duk_range_error(ctx, "Incorrect locale information provided");
  st = U_ZERO_ERROR;
  int32_t len = uloc_toLanguageTag(out_id, out, sizeof(out), 1, &st);
  if (U_FAILURE(st) || len <= 0)
    return duk_range_error(ctx, "Incorrect locale information provided");
  duk_push_lstring(ctx, out, (duk_size_t)len);
  return 1;
}

/* The locales ICU has data for, as BCP 47 tags, sorted: made once per process. */
static pthread_once_t available_once = PTHREAD_ONCE_INIT;
static char (*available)[ULOC_FULLNAME_CAPACITY];
static int32_t available_count;

static int cmp_tag(const void *a, const void *b) {
  return strcmp(a, b);
}

static void available_init(void) {
  int32_t n = uloc_countAvailable();
  available = calloc((size_t)(n > 0 ? n : 1), sizeof(*available));
  if (!available)
    return;
  int32_t k = 0;
  for (int32_t i = 0; i < n; i++) {
    UErrorCode st = U_ZERO_ERROR;
    int32_t len = uloc_toLanguageTag(uloc_getAvailable(i), available[k], ULOC_FULLNAME_CAPACITY,
                                     0, &st);
    if (U_SUCCESS(st) && len > 0 && len < ULOC_FULLNAME_CAPACITY)
      k++;
  }
  qsort(available, (size_t)k, sizeof(*available), cmp_tag);
  available_count = k;
}

static bool is_available(const char *tag) {
  pthread_once(&available_once, available_init);
  if (!available)
    return false;
  return bsearch(tag, available, (size_t)available_count, sizeof(*available), cmp_tag) != NULL;
}

/* bestAvailable(tag): ECMA-402 BestAvailableLocale over ICU's locales, for a canonical tag
 * without extensions: the tag, or the longest prefix ICU has ("de-CH-1996" -> "de-CH"),
 * or undefined. */
static duk_ret_t n_best_available(duk_context *ctx) {
  char tag[ULOC_FULLNAME_CAPACITY];
  ascii_arg(ctx, 0, tag, sizeof(tag));
  for (;;) {
    if (is_available(tag)) {
      duk_push_string(ctx, tag);
      return 1;
    }
    char *dash = strrchr(tag, '-');
    if (!dash)
      return 0;
    if (dash >= tag + 2 && dash[-2] == '-') /* "-x-" style singleton before it goes too */
      dash -= 2;
    *dash = 0;
  }
}

/* ---- time zones ---- */

/* canonicalTimeZone(name): ICU's canonical id of a time zone name (case-insensitive as
 * ECMA-402 asks), "UTC" for its aliases, or undefined when ICU does not know it. */
static duk_ret_t n_canonical_time_zone(duk_context *ctx) {
  int32_t n;
  UChar *in = push_utf16_of(ctx, 0, &n);
  UChar id[128];
  UBool system = 0;
  UErrorCode st = U_ZERO_ERROR;
  int32_t len = ucal_getCanonicalTimeZoneID(in, n, id, 128, &system, &st);
  if (U_FAILURE(st) || len <= 0 || len >= 128 || !system) {
    /* ICU's ids are case-sensitive: retry with the usual capitalisation of each part. */
    if (n <= 0 || n >= 128)
      return 0;
    UChar fixed[128];
    bool start = true;
    for (int32_t i = 0; i < n; i++) {
      UChar c = in[i];
      if (c >= 'a' && c <= 'z' && start)
        c = (UChar)(c - 32);
      else if (c >= 'A' && c <= 'Z' && !start)
        c = (UChar)(c + 32);
      fixed[i] = c;
      start = c == '/' || c == '_' || c == '-';
    }
    st = U_ZERO_ERROR;
    len = ucal_getCanonicalTimeZoneID(fixed, n, id, 128, &system, &st);
    if (U_FAILURE(st) || len <= 0 || len >= 128 || !system) {
      /* all-capitals names: UTC, GMT, EST, ... */
      for (int32_t i = 0; i < n; i++)
        fixed[i] = in[i] >= 'a' && in[i] <= 'z' ? (UChar)(in[i] - 32) : in[i];
      st = U_ZERO_ERROR;
      len = ucal_getCanonicalTimeZoneID(fixed, n, id, 128, &system, &st);
      if (U_FAILURE(st) || len <= 0 || len >= 128 || !system)
        return 0;
    }
  }
  static const char *const utc[] = {"Etc/UTC", "Etc/GMT", "Etc/UCT", "Etc/Universal",
                                    "Etc/Zulu", "UTC", "GMT"};
  char a[128];
  u_austrncpy(a, id, len);
  a[len] = 0;
  for (size_t i = 0; i < EDGEFN_ARRAY_LEN(utc); i++)
    if (strcmp(a, utc[i]) == 0) {
      duk_push_literal(ctx, "UTC");
      return 1;
    }
  push_u16(ctx, id, len);
  return 1;
}

static duk_ret_t n_default_time_zone(duk_context *ctx) {
  UChar id[128];
  UErrorCode st = U_ZERO_ERROR;
  int32_t len = ucal_getDefaultTimeZone(id, 128, &st);
  if (U_FAILURE(st) || len <= 0 || len >= 128) {
    duk_push_literal(ctx, "UTC");
    return 1;
  }
  duk_push_c_function(ctx, n_canonical_time_zone, 1);
  push_u16(ctx, id, len);
  duk_call(ctx, 1);
  if (duk_is_undefined(ctx, -1)) {
    duk_pop(ctx);
    duk_push_literal(ctx, "UTC");
  }
  return 1;
}

/* currencyDigits(code): ISO 4217 minor units (2 for unknown codes, as ECMA-402 says). */
static duk_ret_t n_currency_digits(duk_context *ctx) {
  int32_t n;
  UChar *code = push_utf16_of(ctx, 0, &n);
  if (n != 3) {
    duk_push_int(ctx, 2);
    return 1;
  }
  UChar z[4] = {code[0], code[1], code[2], 0};
  UErrorCode st = U_ZERO_ERROR;
  int32_t d = ucurr_getDefaultFractionDigits(z, &st);
  duk_push_int(ctx, U_SUCCESS(st) ? d : 2);
  return 1;
}

/* ---- formatted values: the string, or ECMA-402's parts ---- */

typedef struct span {
  int32_t field, start, end;
} span;

/* Part type names of ICU's number fields (UNumberFormatFields). */
static const char *number_part(int32_t field, const UChar *s, int32_t start) {
  switch (field) {
  case UNUM_INTEGER_FIELD: return "integer";
  case UNUM_FRACTION_FIELD: return "fraction";
  case UNUM_DECIMAL_SEPARATOR_FIELD: return "decimal";
  case UNUM_EXPONENT_SYMBOL_FIELD: return "exponentSeparator";
  case UNUM_EXPONENT_SIGN_FIELD: return "exponentMinusSign";
  case UNUM_EXPONENT_FIELD: return "exponentInteger";
  case UNUM_GROUPING_SEPARATOR_FIELD: return "group";
  case UNUM_CURRENCY_FIELD: return "currency";
  case UNUM_PERCENT_FIELD:
  case UNUM_PERMILL_FIELD: return "percentSign";
  case UNUM_SIGN_FIELD: return s[start] == '+' ? "plusSign" : "minusSign";
  case UNUM_MEASURE_UNIT_FIELD: return "unit";
  case UNUM_COMPACT_FIELD: return "compact";
  case UNUM_APPROXIMATELY_SIGN_FIELD: return "approximatelySign";
  default: return "literal";
  }
}

static const char *date_part(int32_t field) {
  switch (field) {
  case UDAT_ERA_FIELD: return "era";
  case UDAT_YEAR_FIELD:
  case UDAT_EXTENDED_YEAR_FIELD:
  case UDAT_YEAR_WOY_FIELD: return "year";
  case UDAT_RELATED_YEAR_FIELD: return "relatedYear";
  case UDAT_YEAR_NAME_FIELD: return "yearName";
  case UDAT_MONTH_FIELD:
  case UDAT_STANDALONE_MONTH_FIELD: return "month";
  case UDAT_DATE_FIELD: return "day";
  case UDAT_HOUR_OF_DAY1_FIELD:
  case UDAT_HOUR_OF_DAY0_FIELD:
  case UDAT_HOUR1_FIELD:
  case UDAT_HOUR0_FIELD: return "hour";
  case UDAT_MINUTE_FIELD: return "minute";
  case UDAT_SECOND_FIELD: return "second";
  case UDAT_FRACTIONAL_SECOND_FIELD: return "fractionalSecond";
  case UDAT_DAY_OF_WEEK_FIELD:
  case UDAT_DOW_LOCAL_FIELD:
  case UDAT_STANDALONE_DAY_FIELD: return "weekday";
  case UDAT_AM_PM_FIELD:
  case UDAT_AM_PM_MIDNIGHT_NOON_FIELD:
  case UDAT_FLEXIBLE_DAY_PERIOD_FIELD: return "dayPeriod";
  case UDAT_TIMEZONE_FIELD:
  case UDAT_TIMEZONE_RFC_FIELD:
  case UDAT_TIMEZONE_GENERIC_FIELD:
  case UDAT_TIMEZONE_SPECIAL_FIELD:
  case UDAT_TIMEZONE_LOCALIZED_GMT_OFFSET_FIELD:
  case UDAT_TIMEZONE_ISO_FIELD:
  case UDAT_TIMEZONE_ISO_LOCAL_FIELD: return "timeZoneName";
  default: return "literal";
  }
}

/* Pushes [[type, value], ...] for s[0..n): each position takes the type of the innermost
 * span covering it (a group separator inside an integer is "group"), runs of one type are
 * one part, and positions no span covers are "literal". NaN and infinity (number parts)
 * are named as ECMA-402 does. */
static void push_parts(duk_context *ctx, const UChar *s, int32_t n, const span *sp, int count,
                       bool number, double x) {
  duk_idx_t arr = duk_push_array(ctx);
  duk_uarridx_t k = 0;
  int32_t i = 0;
  while (i < n) {
    const span *best = NULL;
    for (int j = 0; j < count; j++)
      if (sp[j].start <= i && i < sp[j].end &&
          (!best || sp[j].end - sp[j].start < best->end - best->start))
        best = &sp[j];
    const char *type = !best ? "literal"
                       : number ? number_part(best->field, s, best->start)
                                : date_part(best->field);
    if (number && best && best->field == UNUM_INTEGER_FIELD && isnan(x))
      type = "nan";
    else if (number && best && best->field == UNUM_INTEGER_FIELD && isinf(x))
      type = "infinity";
    int32_t j = i + 1;
    while (j < n) {
      const span *b2 = NULL;
      for (int q = 0; q < count; q++)
        if (sp[q].start <= j && j < sp[q].end &&
            (!b2 || sp[q].end - sp[q].start < b2->end - b2->start))
          b2 = &sp[q];
      if (b2 != best)
        break;
      j++;
    }
    duk_push_array(ctx);
    duk_push_string(ctx, type);
    duk_put_prop_index(ctx, -2, 0);
    push_u16(ctx, s + i, j - i);
    duk_put_prop_index(ctx, -2, 1);
    duk_put_prop_index(ctx, arr, k++);
    i = j;
  }
}

#define MAX_SPANS 256 /* a number of 309 digits has 103 group separators */

/* ---- NumberFormat ---- */

/* nf(locale, skeleton) */
static duk_ret_t n_nf(duk_context *ctx) {
  char loc[ULOC_FULLNAME_CAPACITY];
  icu_locale(ctx, 0, loc, sizeof(loc));
  int32_t n;
  UChar *skel = push_utf16_of(ctx, 1, &n);
  handle *h = push_handle(ctx, H_NUMBER);
  UErrorCode st = U_ZERO_ERROR;
  UParseError pe;
  h->p = unumf_openForSkeletonAndLocaleWithError(skel, n, loc, &pe, &st);
  if (U_FAILURE(st)) {
    handle_close(h);
    h->p = NULL;
    return duk_range_error(ctx, "Intl.NumberFormat: these options are not supported (%s)",
                           u_errorName(st));
  }
  return 1;
}

/* Formats x with f into out[0..cap) (its length, possibly more than cap, in *len) and
 * collects the field spans when parts; opens and closes its own ICU result, so nothing is
 * left to free whatever happens next. */
static UErrorCode nf_run(const UNumberFormatter *f, double x, UChar *out, int32_t cap,
                         int32_t *len, span *sp, int *count, bool parts) {
  UErrorCode st = U_ZERO_ERROR;
  UFormattedNumber *r = unumf_openResult(&st);
  if (U_FAILURE(st))
    return st;
  unumf_formatDouble(f, x, r, &st);
  const UFormattedValue *v = U_SUCCESS(st) ? unumf_resultAsValue(r, &st) : NULL;
  const UChar *s = v ? ufmtval_getString(v, len, &st) : NULL;
  if (U_SUCCESS(st) && s) {
    memcpy(out, s, (size_t)(*len < cap ? *len : cap) * sizeof(UChar));
    *count = 0;
    UConstrainedFieldPosition *pos = parts ? ucfpos_open(&st) : NULL;
    if (pos) {
      ucfpos_constrainCategory(pos, UFIELD_CATEGORY_NUMBER, &st);
      while (U_SUCCESS(st) && *count < MAX_SPANS && ufmtval_nextPosition(v, pos, &st)) {
        int32_t a = 0, b = 0;
        ucfpos_getIndexes(pos, &a, &b, &st);
        sp[(*count)++] = (span){ucfpos_getField(pos, &st), a, b};
      }
      ucfpos_close(pos);
    }
  }
  unumf_closeResult(r);
  return st;
}

/* nfFormat(h, x, parts) */
static duk_ret_t n_nf_format(duk_context *ctx) {
  const UNumberFormatter *f = require_handle(ctx, 0, H_NUMBER);
  double x = duk_to_number(ctx, 1);
  bool parts = duk_to_boolean(ctx, 2);
  UChar small[256];
  UChar *out = small;
  int32_t len = 0;
  span sp[MAX_SPANS];
  int count = 0;
  check(ctx, nf_run(f, x, out, 256, &len, sp, &count, parts), "NumberFormat");
  if (len > 256) { /* a long result (a huge number of digits): again, into a buffer */
    out = duk_push_fixed_buffer(ctx, (size_t)len * sizeof(UChar));
    int32_t cap = len;
    check(ctx, nf_run(f, x, out, cap, &len, sp, &count, parts), "NumberFormat");
    if (len > cap)
      len = cap;
  }
  if (parts)
    push_parts(ctx, out, len, sp, count, true, x);
  else
    push_u16(ctx, out, len);
  return 1;
}

/* ---- DateTimeFormat ---- */

static UDateFormatStyle date_style(duk_context *ctx, duk_idx_t idx) {
  const char *s = duk_get_string(ctx, idx);
  if (!s || !*s)
    return UDAT_NONE;
  if (strcmp(s, "full") == 0)
    return UDAT_FULL;
  if (strcmp(s, "long") == 0)
    return UDAT_LONG;
  if (strcmp(s, "medium") == 0)
    return UDAT_MEDIUM;
  return UDAT_SHORT;
}

/* dtf(locale, skeleton, dateStyle, timeStyle, timeZone, hourChar): a skeleton gives the
 * locale's best pattern for those fields (hourChar, when not empty, replaces the hour
 * letters of that pattern: the hour cycle asked for); otherwise the styles. */
static duk_ret_t n_dtf(duk_context *ctx) {
  char loc[ULOC_FULLNAME_CAPACITY];
  icu_locale(ctx, 0, loc, sizeof(loc));
  int32_t sn, tzn;
  UChar *skel = push_utf16_of(ctx, 1, &sn);
  UChar *tz = push_utf16_of(ctx, 4, &tzn);
  const char *hc = duk_get_string(ctx, 5);
  UDateFormatStyle ds = date_style(ctx, 2), ts = date_style(ctx, 3);
  UErrorCode st = U_ZERO_ERROR;
  UChar pattern[256];
  int32_t pn = 0;
  if (sn > 0) {
    UDateTimePatternGenerator *g = udatpg_open(loc, &st);
    check(ctx, st, "DateTimeFormat");
    pn = udatpg_getBestPatternWithOptions(g, skel, sn, UDATPG_MATCH_HOUR_FIELD_LENGTH, pattern,
                                          255, &st);
    udatpg_close(g);
    check(ctx, st, "DateTimeFormat");
    if (pn >= 255)
      return duk_range_error(ctx, "Intl.DateTimeFormat: pattern too long");
    if (hc && *hc) {
      bool quoted = false;
      for (int32_t i = 0; i < pn; i++) {
        if (pattern[i] == '\'')
          quoted = !quoted;
        else if (!quoted && (pattern[i] == 'h' || pattern[i] == 'H' || pattern[i] == 'k' ||
                             pattern[i] == 'K'))
          pattern[i] = (UChar)hc[0];
      }
      /* a 24-hour cycle has no day period: drop "a" and the space before it */
      if (hc[0] == 'H' || hc[0] == 'k') {
        int32_t w = 0;
        quoted = false;
        for (int32_t i = 0; i < pn; i++) {
          if (pattern[i] == '\'')
            quoted = !quoted;
          if (!quoted && (pattern[i] == 'a' || pattern[i] == 'b' || pattern[i] == 'B')) {
            while (w > 0 && (pattern[w - 1] == ' ' || pattern[w - 1] == 0x202f ||
                             pattern[w - 1] == 0xa0))
              w--;
            continue;
          }
          pattern[w++] = pattern[i];
        }
        pn = w;
        while (pn > 0 && pattern[0] == ' ')
          memmove(pattern, pattern + 1, (size_t)--pn * sizeof(UChar));
      }
    }
  }
  handle *h = push_handle(ctx, H_DATE);
  if (sn > 0)
    h->p = udat_open(UDAT_PATTERN, UDAT_PATTERN, loc, tz, tzn, pattern, pn, &st);
  else
    h->p = udat_open(ts, ds, loc, tz, tzn, NULL, 0, &st);
  if (U_FAILURE(st)) {
    h->p = NULL;
    return duk_range_error(ctx, "Intl.DateTimeFormat: these options are not supported (%s)",
                           u_errorName(st));
  }
  /* ECMA-402's proleptic Gregorian calendar (ICU switches to Julian before 1582). */
  UCalendar *cal = (UCalendar *)udat_getCalendar(h->p);
  if (cal) {
    UCalendar *c = ucal_clone(cal, &st);
    if (U_SUCCESS(st)) {
      ucal_setGregorianChange(c, -8.64e15, &st);
      udat_setCalendar(h->p, c);
      ucal_close(c);
    }
  }
  return 1;
}

/* dtfPattern(h): the pattern in use (resolvedOptions reads the hour cycle from it) */
static duk_ret_t n_dtf_pattern(duk_context *ctx) {
  const UDateFormat *f = require_handle(ctx, 0, H_DATE);
  UChar buf[256];
  UErrorCode st = U_ZERO_ERROR;
  int32_t n = udat_toPattern(f, 0, buf, 256, &st);
  check(ctx, st, "DateTimeFormat");
  push_u16(ctx, buf, n < 256 ? n : 255);
  return 1;
}

/* dtfFormat(h, ms, parts) */
static duk_ret_t n_dtf_format(duk_context *ctx) {
  const UDateFormat *f = require_handle(ctx, 0, H_DATE);
  double ms = duk_to_number(ctx, 1);
  bool parts = duk_to_boolean(ctx, 2);
  UChar buf[512];
  UErrorCode st = U_ZERO_ERROR;
  UFieldPositionIterator *it = parts ? ufieldpositer_open(&st) : NULL;
  check(ctx, st, "DateTimeFormat");
  int32_t n = udat_formatForFields(f, ms, buf, 512, it, &st);
  span sp[MAX_SPANS];
  int count = 0;
  if (it) {
    int32_t a, b, field;
    while (count < MAX_SPANS && (field = ufieldpositer_next(it, &a, &b)) >= 0)
      sp[count++] = (span){field, a, b};
    ufieldpositer_close(it);
  }
  check(ctx, st, "DateTimeFormat");
  if (n > 511)
    n = 511;
  /* CLDR 42 put U+202F (narrow no-break space) before the day period ("1:05 PM"); V8
   * writes a plain space there (crbug.com/1414292), and scripts compare against that. */
  for (int32_t i = 0; i < n; i++)
    if (buf[i] == 0x202f)
      buf[i] = ' ';
  if (parts)
    push_parts(ctx, buf, n, sp, count, false, 0);
  else
    push_u16(ctx, buf, n);
  return 1;
}

/* ---- Collator ---- */

/* coll(locale, sensitivity, numeric, caseFirst, ignorePunctuation, usage) */
static duk_ret_t n_coll(duk_context *ctx) {
  char loc[ULOC_FULLNAME_CAPACITY];
  icu_locale(ctx, 0, loc, sizeof(loc));
  const char *sens = duk_to_string(ctx, 1);
  bool numeric = duk_to_boolean(ctx, 2);
  const char *case_first = duk_to_string(ctx, 3);
  bool ignore_punct = duk_to_boolean(ctx, 4);
  const char *usage = duk_to_string(ctx, 5);
  if (strcmp(usage, "search") == 0) {
    /* the "search" collation of the locale */
    size_t l = strlen(loc);
    if (l + 20 < sizeof(loc))
      strcat(loc, strchr(loc, '@') ? ";collation=search" : "@collation=search");
  }
  handle *h = push_handle(ctx, H_COLLATOR);
  UErrorCode st = U_ZERO_ERROR;
  UCollator *c = ucol_open(loc, &st);
  if (U_FAILURE(st))
    return duk_range_error(ctx, "Intl.Collator: %s", u_errorName(st));
  h->p = c;
  if (strcmp(sens, "base") == 0) {
    ucol_setStrength(c, UCOL_PRIMARY);
  } else if (strcmp(sens, "accent") == 0) {
    ucol_setStrength(c, UCOL_SECONDARY);
  } else if (strcmp(sens, "case") == 0) {
    ucol_setStrength(c, UCOL_PRIMARY);
    ucol_setAttribute(c, UCOL_CASE_LEVEL, UCOL_ON, &st);
  } else {
    ucol_setStrength(c, UCOL_TERTIARY);
  }
  ucol_setAttribute(c, UCOL_NUMERIC_COLLATION, numeric ? UCOL_ON : UCOL_OFF, &st);
  if (strcmp(case_first, "upper") == 0)
    ucol_setAttribute(c, UCOL_CASE_FIRST, UCOL_UPPER_FIRST, &st);
  else if (strcmp(case_first, "lower") == 0)
    ucol_setAttribute(c, UCOL_CASE_FIRST, UCOL_LOWER_FIRST, &st);
  else
    ucol_setAttribute(c, UCOL_CASE_FIRST, UCOL_OFF, &st);
  if (ignore_punct)
    ucol_setAttribute(c, UCOL_ALTERNATE_HANDLING, UCOL_SHIFTED, &st);
  check(ctx, st, "Collator");
  return 1;
}

/* Whether a string in Duktape's form holds a UTF-16 surrogate (a 3-byte sequence ED A0..BF),
 * which UTF-8 cannot carry. */
static bool has_surrogate(const char *s, size_t n) {
  for (const char *p = s; (p = memchr(p, 0xed, (size_t)(s + n - p))) != NULL; p++)
    if (p + 1 < s + n && (unsigned char)p[1] >= 0xa0)
      return true;
  return false;
}

/* Compares the strings at a and b (converted in place) with collator c: -1, 0 or 1. */
static int collate(duk_context *ctx, const UCollator *c, duk_idx_t a_idx, duk_idx_t b_idx) {
  a_idx = duk_normalize_index(ctx, a_idx);
  b_idx = duk_normalize_index(ctx, b_idx);
  duk_size_t an8, bn8;
  const char *a8 = duk_to_lstring(ctx, a_idx, &an8), *b8 = duk_to_lstring(ctx, b_idx, &bn8);
  UCollationResult r;
  if (!has_surrogate(a8, an8) && !has_surrogate(b8, bn8) && an8 <= INT32_MAX &&
      bn8 <= INT32_MAX) {
    /* without surrogates Duktape's form is UTF-8: compared as it is, no copy */
    UErrorCode st = U_ZERO_ERROR;
    r = ucol_strcollUTF8(c, a8, (int32_t)an8, b8, (int32_t)bn8, &st);
    check(ctx, st, "Collator");
  } else {
    int32_t an, bn;
    UChar *a = push_utf16_of(ctx, a_idx, &an);
    UChar *b = push_utf16_of(ctx, b_idx, &bn);
    r = ucol_strcoll(c, a, an, b, bn);
    duk_pop_2(ctx);
  }
  return r == UCOL_LESS ? -1 : r == UCOL_GREATER ? 1 : 0;
}

/* collCompare(h, a, b): -1, 0 or 1 */
static duk_ret_t n_coll_compare(duk_context *ctx) {
  const UCollator *c = require_handle(ctx, 0, H_COLLATOR);
  duk_push_int(ctx, collate(ctx, c, 1, 2));
  return 1;
}

/* The function Collator.prototype.compare's getter returns: (a, b) compared with the
 * collator behind the handle it keeps. */
static duk_ret_t coll_bound_call(duk_context *ctx) {
  duk_push_current_function(ctx);
  duk_get_prop_literal(ctx, -1, K_SLOTS);
  const UCollator *c = require_handle(ctx, -1, H_COLLATOR);
  duk_push_int(ctx, collate(ctx, c, 0, 1));
  return 1;
}

/* collBound(h) */
static duk_ret_t n_coll_bound(duk_context *ctx) {
  duk_push_c_function(ctx, coll_bound_call, 2);
  duk_dup(ctx, 0);
  duk_put_prop_literal(ctx, -2, K_SLOTS);
  duk_push_literal(ctx, "name");
  duk_push_literal(ctx, "");
  duk_def_prop(ctx, -3, DUK_DEFPROP_HAVE_VALUE | DUK_DEFPROP_CLEAR_WRITABLE |
                            DUK_DEFPROP_CLEAR_ENUMERABLE | DUK_DEFPROP_SET_CONFIGURABLE |
                            DUK_DEFPROP_FORCE);
  return 1;
}

/* ---- PluralRules ---- */

/* pr(locale, ordinal) */
static duk_ret_t n_pr(duk_context *ctx) {
  char loc[ULOC_FULLNAME_CAPACITY];
  icu_locale(ctx, 0, loc, sizeof(loc));
  handle *h = push_handle(ctx, H_PLURAL);
  UErrorCode st = U_ZERO_ERROR;
  h->p = uplrules_openForType(loc, duk_to_boolean(ctx, 1) ? UPLURAL_TYPE_ORDINAL
                                                          : UPLURAL_TYPE_CARDINAL, &st);
  if (U_FAILURE(st)) {
    h->p = NULL;
    return duk_range_error(ctx, "Intl.PluralRules: %s", u_errorName(st));
  }
  return 1;
}

/* prSelect(h, nf, x): the category of x as the number formatter nf would show it */
static duk_ret_t n_pr_select(duk_context *ctx) {
  const UPluralRules *p = require_handle(ctx, 0, H_PLURAL);
  const UNumberFormatter *f = require_handle(ctx, 1, H_NUMBER);
  double x = duk_to_number(ctx, 2);
  UErrorCode st = U_ZERO_ERROR;
  UFormattedNumber *r = unumf_openResult(&st);
  check(ctx, st, "PluralRules");
  unumf_formatDouble(f, x, r, &st);
  UChar kw[32];
  int32_t n = U_SUCCESS(st) ? uplrules_selectFormatted(p, r, kw, 32, &st) : 0;
  unumf_closeResult(r);
  check(ctx, st, "PluralRules");
  push_u16(ctx, kw, n < 32 ? n : 31);
  return 1;
}

/* prCategories(h): the keywords, in ECMA-402's order */
static duk_ret_t n_pr_categories(duk_context *ctx) {
  const UPluralRules *p = require_handle(ctx, 0, H_PLURAL);
  static const char *const order[] = {"zero", "one", "two", "few", "many", "other"};
  bool has[6] = {false};
  UErrorCode st = U_ZERO_ERROR;
  UEnumeration *e = uplrules_getKeywords(p, &st);
  check(ctx, st, "PluralRules");
  const char *kw;
  int32_t len;
  while ((kw = uenum_next(e, &len, &st)) != NULL && U_SUCCESS(st))
    for (int i = 0; i < 6; i++)
      if (strcmp(kw, order[i]) == 0)
        has[i] = true;
  uenum_close(e);
  duk_idx_t arr = duk_push_array(ctx);
  duk_uarridx_t k = 0;
  for (int i = 0; i < 6; i++)
    if (has[i]) {
      duk_push_string(ctx, order[i]);
      duk_put_prop_index(ctx, arr, k++);
    }
  return 1;
}

/* ---- RelativeTimeFormat ---- */

static const struct {
  const char *name;
  URelativeDateTimeUnit unit;
} rel_units[] = {
    {"second", UDAT_REL_UNIT_SECOND}, {"minute", UDAT_REL_UNIT_MINUTE},
    {"hour", UDAT_REL_UNIT_HOUR},     {"day", UDAT_REL_UNIT_DAY},
    {"week", UDAT_REL_UNIT_WEEK},     {"month", UDAT_REL_UNIT_MONTH},
    {"quarter", UDAT_REL_UNIT_QUARTER}, {"year", UDAT_REL_UNIT_YEAR},
};

/* rtf(locale, style, nf) */
static duk_ret_t n_rtf(duk_context *ctx) {
  char loc[ULOC_FULLNAME_CAPACITY];
  icu_locale(ctx, 0, loc, sizeof(loc));
  const char *style = duk_to_string(ctx, 1);
  UDateRelativeDateTimeFormatterStyle w = strcmp(style, "short") == 0   ? UDAT_STYLE_SHORT
                                          : strcmp(style, "narrow") == 0 ? UDAT_STYLE_NARROW
                                                                         : UDAT_STYLE_LONG;
  handle *h = push_handle(ctx, H_RELTIME);
  UErrorCode st = U_ZERO_ERROR;
  h->p = ureldatefmt_open(loc, NULL, w, UDISPCTX_CAPITALIZATION_NONE, &st);
  if (U_FAILURE(st)) {
    h->p = NULL;
    return duk_range_error(ctx, "Intl.RelativeTimeFormat: %s", u_errorName(st));
  }
  return 1;
}

/* rtfFormat(h, value, unit, numeric) */
static duk_ret_t n_rtf_format(duk_context *ctx) {
  const URelativeDateTimeFormatter *f = require_handle(ctx, 0, H_RELTIME);
  double v = duk_to_number(ctx, 1);
  const char *unit = duk_to_string(ctx, 2);
  bool numeric = duk_to_boolean(ctx, 3);
  URelativeDateTimeUnit u = UDAT_REL_UNIT_SECOND;
  bool found = false;
  for (size_t i = 0; i < EDGEFN_ARRAY_LEN(rel_units); i++)
    if (strcmp(unit, rel_units[i].name) == 0) {
      u = rel_units[i].unit;
      found = true;
    }
  if (!found)
    return duk_range_error(ctx, "Invalid unit argument for format() '%s'", unit);
  UChar small[256];
  UChar *buf = small;
  int32_t cap = 256;
  for (;;) { /* a value of 300 digits needs more than the first buffer */
    UErrorCode st = U_ZERO_ERROR;
    int32_t n = numeric ? ureldatefmt_formatNumeric(f, v, u, buf, cap, &st)
                        : ureldatefmt_format(f, v, u, buf, cap, &st);
    if (st == U_BUFFER_OVERFLOW_ERROR && buf == small && n > cap) {
      cap = n;
      buf = duk_push_fixed_buffer(ctx, (size_t)cap * sizeof(UChar));
      continue;
    }
    check(ctx, st, "RelativeTimeFormat");
    push_u16(ctx, buf, n < cap ? n : cap);
    return 1;
  }
}

/* ---- ListFormat ---- */

/* lf(locale, type, style) */
static duk_ret_t n_lf(duk_context *ctx) {
  char loc[ULOC_FULLNAME_CAPACITY];
  icu_locale(ctx, 0, loc, sizeof(loc));
  const char *type = duk_to_string(ctx, 1), *style = duk_to_string(ctx, 2);
  UListFormatterType t = strcmp(type, "disjunction") == 0 ? ULISTFMT_TYPE_OR
                         : strcmp(type, "unit") == 0     ? ULISTFMT_TYPE_UNITS
                                                         : ULISTFMT_TYPE_AND;
  UListFormatterWidth w = strcmp(style, "short") == 0    ? ULISTFMT_WIDTH_SHORT
                          : strcmp(style, "narrow") == 0 ? ULISTFMT_WIDTH_NARROW
                                                         : ULISTFMT_WIDTH_WIDE;
  handle *h = push_handle(ctx, H_LIST);
  UErrorCode st = U_ZERO_ERROR;
  h->p = ulistfmt_openForType(loc, t, w, &st);
  if (U_FAILURE(st)) {
    h->p = NULL;
    return duk_range_error(ctx, "Intl.ListFormat: %s", u_errorName(st));
  }
  return 1;
}

/* lfFormat(h, strings) */
static duk_ret_t n_lf_format(duk_context *ctx) {
  const UListFormatter *f = require_handle(ctx, 0, H_LIST);
  duk_size_t count = duk_get_length(ctx, 1);
  if (count > 100000)
    return duk_range_error(ctx, "Intl.ListFormat: too many items");
  const UChar **items = duk_push_fixed_buffer(ctx, (count + 1) * sizeof(UChar *));
  int32_t *lens = duk_push_fixed_buffer(ctx, (count + 1) * sizeof(int32_t));
  for (duk_size_t i = 0; i < count; i++) {
    duk_get_prop_index(ctx, 1, (duk_uarridx_t)i);
    int32_t n;
    items[i] = push_utf16_of(ctx, -1, &n);
    lens[i] = n;
    duk_remove(ctx, -2); /* the buffer stays on the stack, the string goes */
  }
  UErrorCode st = U_ZERO_ERROR;
  int32_t need = ulistfmt_format(f, items, lens, (int32_t)count, NULL, 0, &st);
  if (st != U_BUFFER_OVERFLOW_ERROR)
    check(ctx, st, "ListFormat");
  UChar *out = duk_push_fixed_buffer(ctx, ((size_t)need + 1) * sizeof(UChar));
  st = U_ZERO_ERROR;
  int32_t n = ulistfmt_format(f, items, lens, (int32_t)count, out, need + 1, &st);
  check(ctx, st, "ListFormat");
  push_u16(ctx, out, n);
  return 1;
}

/* ---- Segmenter ---- */

/* seg(locale, granularity) */
static duk_ret_t n_seg(duk_context *ctx) {
  char loc[ULOC_FULLNAME_CAPACITY];
  icu_locale(ctx, 0, loc, sizeof(loc));
  const char *g = duk_to_string(ctx, 1);
  UBreakIteratorType t = strcmp(g, "word") == 0       ? UBRK_WORD
                         : strcmp(g, "sentence") == 0 ? UBRK_SENTENCE
                                                      : UBRK_CHARACTER;
  handle *h = push_handle(ctx, H_SEGMENTER);
  UErrorCode st = U_ZERO_ERROR;
  h->p = ubrk_open(t, loc, NULL, 0, &st);
  if (U_FAILURE(st)) {
    h->p = NULL;
    return duk_range_error(ctx, "Intl.Segmenter: %s", u_errorName(st));
  }
  return 1;
}

/* segBreaks(h, string): [boundaries, wordLike]: the boundaries from 0 to the length, in
 * UTF-16 units, and for each segment whether a word iterator calls it word-like (its rule
 * status is not "none"). */
static duk_ret_t n_seg_breaks(duk_context *ctx) {
  UBreakIterator *bi = require_handle(ctx, 0, H_SEGMENTER);
  duk_to_string(ctx, 1);
  int32_t n;
  UChar *text = push_utf16_of(ctx, 1, &n); /* kept on the stack while bi points at it */
  UErrorCode st = U_ZERO_ERROR;
  ubrk_setText(bi, text, n, &st);
  check(ctx, st, "Segmenter");
  duk_idx_t bounds = duk_push_array(ctx);
  duk_idx_t words = duk_push_array(ctx);
  duk_uarridx_t k = 0;
  for (int32_t b = ubrk_first(bi); b != UBRK_DONE; b = ubrk_next(bi)) {
    if (k > 0) {
      int32_t status = ubrk_getRuleStatus(bi);
      duk_push_boolean(ctx, status >= UBRK_WORD_NONE_LIMIT);
      duk_put_prop_index(ctx, words, k - 1);
    }
    duk_push_int(ctx, b);
    duk_put_prop_index(ctx, bounds, k++);
  }
  /* bi must not keep pointing at the buffer this call frees */
  ubrk_setText(bi, NULL, 0, &st);
  duk_push_array(ctx);
  duk_dup(ctx, bounds);
  duk_put_prop_index(ctx, -2, 0);
  duk_dup(ctx, words);
  duk_put_prop_index(ctx, -2, 1);
  return 1;
}

/* ---- DisplayNames ---- */

/* dn(locale, short, dialect, fallbackCode) */
static duk_ret_t n_dn(duk_context *ctx) {
  char loc[ULOC_FULLNAME_CAPACITY];
  icu_locale(ctx, 0, loc, sizeof(loc));
  UDisplayContext c[3] = {
      duk_to_boolean(ctx, 2) ? UDISPCTX_DIALECT_NAMES : UDISPCTX_STANDARD_NAMES,
      duk_to_boolean(ctx, 1) ? UDISPCTX_LENGTH_SHORT : UDISPCTX_LENGTH_FULL,
      duk_to_boolean(ctx, 3) ? UDISPCTX_SUBSTITUTE : UDISPCTX_NO_SUBSTITUTE};
  handle *h = push_handle(ctx, H_DISPLAY);
  UErrorCode st = U_ZERO_ERROR;
  h->p = uldn_openForContext(loc, c, 3, &st);
  if (U_FAILURE(st)) {
    h->p = NULL;
    return duk_range_error(ctx, "Intl.DisplayNames: %s", u_errorName(st));
  }
  return 1;
}

static const struct {
  const char *name;
  UDateTimePatternField field;
} dt_fields[] = {
    {"era", UDATPG_ERA_FIELD},         {"year", UDATPG_YEAR_FIELD},
    {"quarter", UDATPG_QUARTER_FIELD}, {"month", UDATPG_MONTH_FIELD},
    {"weekOfYear", UDATPG_WEEK_OF_YEAR_FIELD}, {"weekday", UDATPG_WEEKDAY_FIELD},
    {"day", UDATPG_DAY_FIELD},         {"dayPeriod", UDATPG_DAYPERIOD_FIELD},
    {"hour", UDATPG_HOUR_FIELD},       {"minute", UDATPG_MINUTE_FIELD},
    {"second", UDATPG_SECOND_FIELD},   {"timeZoneName", UDATPG_ZONE_FIELD},
};

/* dnOf(h, type, code, locale, style, fallbackCode): the display name, or undefined when
 * there is none and the fallback is "none". code is already checked (intl.js). */
static duk_ret_t n_dn_of(duk_context *ctx) {
  const ULocaleDisplayNames *d = require_handle(ctx, 0, H_DISPLAY);
  const char *type = duk_to_string(ctx, 1);
  char code[ULOC_FULLNAME_CAPACITY], loc[ULOC_FULLNAME_CAPACITY];
  ascii_arg(ctx, 2, code, sizeof(code));
  icu_locale(ctx, 3, loc, sizeof(loc));
  const char *style = duk_to_string(ctx, 4);
  bool fallback_code = duk_to_boolean(ctx, 5);
  UChar buf[256];
  int32_t n = 0;
  UErrorCode st = U_ZERO_ERROR;
  if (strcmp(type, "region") == 0) {
    n = uldn_regionDisplayName(d, code, buf, 256, &st);
  } else if (strcmp(type, "script") == 0) {
    n = uldn_scriptDisplayName(d, code, buf, 256, &st);
  } else if (strcmp(type, "calendar") == 0) {
    const char *legacy = uloc_toLegacyType("calendar", code); /* gregory -> gregorian */
    n = uldn_keyValueDisplayName(d, "calendar", legacy ? legacy : code, buf, 256, &st);
  } else if (strcmp(type, "language") == 0) {
    char id[ULOC_FULLNAME_CAPACITY];
    int32_t parsed = 0;
    uloc_forLanguageTag(code, id, sizeof(id), &parsed, &st);
    if (U_SUCCESS(st))
      n = uldn_localeDisplayName(d, id, buf, 256, &st);
  } else if (strcmp(type, "currency") == 0) {
    UChar cur[4];
    u_charsToUChars(code, cur, 4);
    UBool choice = 0;
    int32_t len = 0;
    /* the long name whatever the style, as V8 gives it */
    const UChar *name = ucurr_getName(cur, loc, UCURR_LONG_NAME, &choice, &len, &st);
    /* ICU answers the code itself for a currency it has no name for */
    if (U_SUCCESS(st) && name && !(len == 3 && u_strncmp(name, cur, 3) == 0)) {
      push_u16(ctx, name, len);
      return 1;
    }
    n = 0;
    st = U_ZERO_ERROR;
  } else { /* dateTimeField */
    for (size_t i = 0; i < EDGEFN_ARRAY_LEN(dt_fields); i++)
      if (strcmp(code, dt_fields[i].name) == 0) {
        UDateTimePatternGenerator *g = udatpg_open(loc, &st);
        if (U_SUCCESS(st)) {
          UDateTimePGDisplayWidth w = strcmp(style, "short") == 0    ? UDATPG_ABBREVIATED
                                      : strcmp(style, "narrow") == 0 ? UDATPG_NARROW
                                                                     : UDATPG_WIDE;
          n = udatpg_getFieldDisplayName(g, dt_fields[i].field, w, buf, 256, &st);
          udatpg_close(g);
        }
      }
  }
  if (U_SUCCESS(st) && n > 0 && n < 256) {
    push_u16(ctx, buf, n);
    return 1;
  }
  if (!fallback_code)
    return 0;
  duk_push_string(ctx, code);
  return 1;
}

/* ---- supportedValuesOf ---- */

static int cmp_cstr(const void *a, const void *b) {
  return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static UEnumeration *open_values(bool tz, UErrorCode *st) {
  return tz ? ucal_openTimeZoneIDEnumeration(UCAL_ZONE_TYPE_CANONICAL_LOCATION, NULL, NULL, st)
            : ucurr_openISOCurrencies(UCURR_COMMON | UCURR_NON_DEPRECATED, st);
}

/* values(kind): "timeZone" (ICU's canonical location zones, as V8 lists them) or "currency"
 * (ISO 4217 codes in common use), sorted. The enumeration is read twice, once to size the
 * Duktape buffers and once to fill them, so that nothing that can throw runs while an ICU
 * object is open. */
static duk_ret_t n_values(duk_context *ctx) {
  bool tz = strcmp(duk_to_string(ctx, 0), "timeZone") == 0;
  UErrorCode st = U_ZERO_ERROR;
  UEnumeration *e = open_values(tz, &st);
  size_t total = 0, n = 0;
  const char *v;
  int32_t len;
  while (U_SUCCESS(st) && (v = uenum_next(e, &len, &st)) != NULL && n < 100000) {
    total += (size_t)len + 1;
    n++;
  }
  uenum_close(e);
  check(ctx, st, "supportedValuesOf");
  char *buf = duk_push_fixed_buffer(ctx, total + 1);
  char **ptrs = duk_push_fixed_buffer(ctx, (n + 1) * sizeof(char *));
  e = open_values(tz, &st);
  size_t k = 0, off = 0;
  while (U_SUCCESS(st) && k < n && (v = uenum_next(e, &len, &st)) != NULL &&
         off + (size_t)len + 1 <= total) {
    memcpy(buf + off, v, (size_t)len + 1);
    ptrs[k++] = buf + off;
    off += (size_t)len + 1;
  }
  uenum_close(e);
  check(ctx, st, "supportedValuesOf");
  qsort(ptrs, k, sizeof(char *), cmp_cstr);
  duk_idx_t arr = duk_push_array(ctx);
  for (size_t i = 0; i < k; i++) {
    duk_push_string(ctx, ptrs[i]);
    duk_put_prop_index(ctx, arr, (duk_uarridx_t)i);
  }
  return 1;
}

/* ---- loading ---- */

/* getter(obj, name, fn): an accessor, non-enumerable, as ECMA-402's prototype members */
static duk_ret_t n_getter(duk_context *ctx) {
  duk_dup(ctx, 1);
  duk_dup(ctx, 2);
  duk_def_prop(ctx, 0, DUK_DEFPROP_HAVE_GETTER | DUK_DEFPROP_CLEAR_ENUMERABLE |
                           DUK_DEFPROP_SET_CONFIGURABLE);
  return 0;
}

/* define(obj, key, value): a non-enumerable data property */
static duk_ret_t n_define(duk_context *ctx) {
  duk_dup(ctx, 1);
  duk_dup(ctx, 2);
  duk_def_prop(ctx, 0, DUK_DEFPROP_HAVE_VALUE | DUK_DEFPROP_SET_WRITABLE |
                           DUK_DEFPROP_CLEAR_ENUMERABLE | DUK_DEFPROP_SET_CONFIGURABLE);
  return 0;
}

/* thisValue(x, number): thisNumberValue(x) or thisTimeValue(x) */
static duk_ret_t n_this_value(duk_context *ctx) {
  duk_push_number(ctx, edgefn__duk_this_time_value(ctx, 0, duk_to_boolean(ctx, 1)));
  return 1;
}

/* now(): the wall clock in milliseconds, for format() without a date */
static duk_ret_t n_now(duk_context *ctx) {
  duk_push_number(ctx, edgefn__now_ms(ctx));
  return 1;
}

static const edgefn__embedded_native natives[] = {
    {"canonicalize", n_canonicalize, 1, 0},
    {"maximize", n_likely, 1, 0},
    {"minimize", n_likely, 1, 1},
    {"bestAvailable", n_best_available, 1, 0},
    {"canonicalTimeZone", n_canonical_time_zone, 1, 0},
    {"defaultTimeZone", n_default_time_zone, 0, 0},
    {"currencyDigits", n_currency_digits, 1, 0},
    {"nf", n_nf, 2, 0},
    {"nfFormat", n_nf_format, 3, 0},
    {"dtf", n_dtf, 6, 0},
    {"dtfPattern", n_dtf_pattern, 1, 0},
    {"dtfFormat", n_dtf_format, 3, 0},
    {"coll", n_coll, 6, 0},
    {"collCompare", n_coll_compare, 3, 0},
    {"collBound", n_coll_bound, 1, 0},
    {"pr", n_pr, 2, 0},
    {"prSelect", n_pr_select, 3, 0},
    {"prCategories", n_pr_categories, 1, 0},
    {"rtf", n_rtf, 2, 0},
    {"rtfFormat", n_rtf_format, 4, 0},
    {"lf", n_lf, 3, 0},
    {"lfFormat", n_lf_format, 2, 0},
    {"seg", n_seg, 2, 0},
    {"segBreaks", n_seg_breaks, 2, 0},
    {"dn", n_dn, 4, 0},
    {"dnOf", n_dn_of, 6, 0},
    {"values", n_values, 1, 0},
    {"getter", n_getter, 3, 0},
    {"now", n_now, 0, 0},
    {"define", n_define, 3, 0},
    {"thisValue", n_this_value, 2, 0},
};

static void push_natives(duk_context *ctx) {
  duk_idx_t n =
      edgefn__embedded_push_natives(ctx, natives, EDGEFN_ARRAY_LEN(natives), K_SLOTS);
  edgefn__iter_push_proto(ctx); /* %IteratorPrototype% */
  duk_put_prop_literal(ctx, n, "iteratorProto");
}

static edgefn__embedded_js module = EDGEFN_EMBEDDED_JS("intl.js", edgefn__intl_js, S_MODULE,
                                                     push_natives);

void edgefn__intl_push_module(duk_context *ctx) {
  edgefn__embedded_push_module(ctx, &module);
}

void edgefn__intl_install(duk_context *ctx) {
  edgefn__intl_push_module(ctx);
  duk_push_global_object(ctx);
  duk_push_literal(ctx, "Intl");
  duk_get_prop_literal(ctx, -3, "Intl");
  duk_def_prop(ctx, -3, DUK_DEFPROP_HAVE_VALUE | DUK_DEFPROP_SET_WRITABLE |
                            DUK_DEFPROP_CLEAR_ENUMERABLE | DUK_DEFPROP_SET_CONFIGURABLE);
  duk_pop_2(ctx);
}

/* Number.prototype.toLocaleString, Date.prototype.toLocale{,Date,Time}String and
 * String.prototype.localeCompare: through the module's functions of the same purpose
 * (magic: which). The module is loaded on the first call. */
static duk_ret_t to_locale(duk_context *ctx) {
  static const char *const fn[] = {"numberToLocaleString", "dateToLocaleString",
                                   "localeCompare"};
  int which = duk_get_current_magic(ctx);
  duk_idx_t nargs = duk_get_top(ctx);
  if (which == 2 && (nargs < 2 || (duk_is_undefined(ctx, 1) &&
                                   (nargs < 3 || duk_is_undefined(ctx, 2))))) {
    /* a.localeCompare(b), the usual form (sort comparators): the default collator,
     * without going through the module's JavaScript */
    duk_push_this(ctx);
    if (duk_is_null_or_undefined(ctx, -1))
      return duk_type_error(ctx, "String.prototype.localeCompare called on null or undefined");
    duk_to_string(ctx, -1);
    if (nargs > 0)
      duk_dup(ctx, 0);
    else
      duk_push_undefined(ctx); /* compared as "undefined", as ToString gives */
    duk_to_string(ctx, -1);
    duk_push_global_stash(ctx);
    if (!duk_get_prop_literal(ctx, -1, S_DEFAULT_COLLATOR)) {
      duk_pop(ctx);
      edgefn__intl_push_module(ctx);
      duk_get_prop_literal(ctx, -1, "defaultCollator");
      duk_call(ctx, 0);
      duk_dup_top(ctx);
      duk_put_prop_literal(ctx, -4, S_DEFAULT_COLLATOR);
      duk_remove(ctx, -2);
    }
    const UCollator *c = require_handle(ctx, -1, H_COLLATOR);
    if (duk_get_length(ctx, -4) + duk_get_length(ctx, -3) >= EDGEFN__LONG_INPUT)
      edgefn__cpu_check_soon(ctx); /* milliseconds of ICU, where no check comes */
    duk_push_int(ctx, collate(ctx, c, -4, -3));
    return 1;
  }
  edgefn__intl_push_module(ctx);
  duk_get_prop_string(ctx, -1, fn[which & 3]);
  duk_push_this(ctx);
  duk_push_int(ctx, which >> 2); /* for dates: all, date or time */
  for (duk_idx_t i = 0; i < nargs; i++)
    duk_dup(ctx, i);
  duk_call(ctx, nargs + 2);
  return 1;
}

void edgefn__intl_install_locale_methods(duk_context *ctx) {
  static const struct {
    const char *ctor, *name;
    int magic, length;
  } m[] = {
      {"Number", "toLocaleString", 0, 0},
      {"Date", "toLocaleString", 1 | 0 << 2, 0},
      {"Date", "toLocaleDateString", 1 | 1 << 2, 0},
      {"Date", "toLocaleTimeString", 1 | 2 << 2, 0},
      {"String", "localeCompare", 2, 1},
  };
  for (size_t i = 0; i < EDGEFN_ARRAY_LEN(m); i++) {
    duk_get_global_string(ctx, m[i].ctor);
    duk_get_prop_literal(ctx, -1, "prototype");
    duk_push_string(ctx, m[i].name);
    duk_push_c_function(ctx, to_locale, DUK_VARARGS);
    duk_set_magic(ctx, -1, m[i].magic);
    duk_push_literal(ctx, "name");
    duk_push_string(ctx, m[i].name);
    duk_def_prop(ctx, -3, DUK_DEFPROP_HAVE_VALUE | DUK_DEFPROP_CLEAR_WRITABLE |
                              DUK_DEFPROP_CLEAR_ENUMERABLE | DUK_DEFPROP_SET_CONFIGURABLE |
                              DUK_DEFPROP_FORCE);
    duk_push_literal(ctx, "length");
    duk_push_int(ctx, m[i].length);
    duk_def_prop(ctx, -3, DUK_DEFPROP_HAVE_VALUE | DUK_DEFPROP_CLEAR_WRITABLE |
                              DUK_DEFPROP_CLEAR_ENUMERABLE | DUK_DEFPROP_SET_CONFIGURABLE |
                              DUK_DEFPROP_FORCE);
    duk_def_prop(ctx, -3, DUK_DEFPROP_HAVE_VALUE | DUK_DEFPROP_SET_WRITABLE |
                              DUK_DEFPROP_CLEAR_ENUMERABLE | DUK_DEFPROP_SET_CONFIGURABLE);
    duk_pop_2(ctx);
  }
}
