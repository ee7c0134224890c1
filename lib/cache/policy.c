/* RFC 9111 as pure functions: Cache-Control parsing, HTTP dates, what may be stored, how long
 * it stays fresh and how old it is. No I/O and no clock of its own, so every rule is unit
 * tested with plain values. */
#include "cache/cache.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* ---- header lists ---- */

int cache__hlist_add(cache__hlist *l, const char *name, size_t name_len, const char *value,
                     size_t value_len) {
  if (l->n == l->cap) {
    size_t cap = l->cap ? l->cap * 2 : 16;
    edgefn_header *h = realloc(l->h, cap * sizeof(*h));
    if (!h)
      return EDGEFN_ENOMEM;
    l->h = h;
    l->cap = cap;
  }
  char *n = edgefn__strndup(name, name_len);
  char *v = value ? edgefn__strndup(value, value_len) : NULL;
  if (!n || (value && !v)) {
    free(n);
    free(v);
    return EDGEFN_ENOMEM;
  }
  l->h[l->n++] = (edgefn_header){n, name_len, v, value ? value_len : 0};
  return 0;
}

void cache__hlist_remove(cache__hlist *l, const char *name) {
  size_t o = 0;
  for (size_t i = 0; i < l->n; i++) {
    if (cache__name_eq(l->h[i].name, l->h[i].name_len, name)) {
      free((char *)l->h[i].name);
      free((char *)l->h[i].value);
    } else {
      l->h[o++] = l->h[i];
    }
  }
  l->n = o;
}

void cache__hlist_free(cache__hlist *l) {
  for (size_t i = 0; i < l->n; i++) {
    free((char *)l->h[i].name);
    free((char *)l->h[i].value);
  }
  free(l->h);
  memset(l, 0, sizeof(*l));
}

static int lower(int c) { return c >= 'A' && c <= 'Z' ? c + 32 : c; }

bool cache__name_eq(const char *a, size_t alen, const char *b) {
  size_t blen = strlen(b);
  if (alen != blen)
    return false;
  for (size_t i = 0; i < alen; i++)
    if (lower((unsigned char)a[i]) != lower((unsigned char)b[i]))
      return false;
  return true;
}

const edgefn_header *cache__hfind(const edgefn_header *h, size_t n, const char *name) {
  for (size_t i = 0; i < n; i++)
    if (cache__name_eq(h[i].name, h[i].name_len, name))
      return &h[i];
  return NULL;
}

char *cache__hjoin(const edgefn_header *h, size_t n, const char *name, size_t *len) {
  size_t total = 0, count = 0;
  for (size_t i = 0; i < n; i++)
    if (cache__name_eq(h[i].name, h[i].name_len, name))
      total += h[i].value_len + 2, count++;
  if (!count)
    return NULL;
  char *out = malloc(total + 1);
  if (!out)
    return NULL;
  size_t o = 0;
  for (size_t i = 0; i < n; i++) {
    if (!cache__name_eq(h[i].name, h[i].name_len, name))
      continue;
    if (o) {
      out[o++] = ',';
      out[o++] = ' ';
    }
    if (h[i].value_len)
      memcpy(out + o, h[i].value, h[i].value_len);
    o += h[i].value_len;
  }
  out[o] = '\0';
  if (len)
    *len = o;
  return out;
}

/* ---- Cache-Control ---- */

void cache__cc_init(cache__cc *cc) {
  memset(cc, 0, sizeof(*cc));
  cc->max_age = cc->s_maxage = cc->max_stale = cc->min_fresh = -1;
  cc->stale_while_revalidate = cc->stale_if_error = -1;
}

/* delta-seconds (RFC 9111 §1.2.2): digits only; anything else is invalid and gives 0 so the
 * response counts as stale. Values beyond 2^31 are capped there, as the RFC asks. */
static int64_t delta_seconds(const char *v, size_t len) {
  if (len == 0)
    return 0;
  int64_t n = 0;
  for (size_t i = 0; i < len; i++) {
    if (v[i] < '0' || v[i] > '9')
      return 0;
    if (n < 2147483648LL)
      n = n * 10 + (v[i] - '0');
  }
  return n > 2147483648LL ? 2147483648LL : n;
}

static bool is_ws(char c) { return c == ' ' || c == '\t'; }

static void set_delta(int64_t *field, const char *v, size_t len, bool has_value) {
  if (*field < 0)
    *field = has_value ? delta_seconds(v, len) : 0;
}

static void copy_fields(char *dst, size_t cap, const char *v, size_t len) {
  size_t o = strlen(dst);
  if (o && o + 1 < cap)
    dst[o++] = ',';
  for (size_t i = 0; i < len && o + 1 < cap; i++)
    dst[o++] = (char)lower((unsigned char)v[i]);
  dst[o] = '\0';
}

void cache__cc_parse(cache__cc *cc, const char *v, size_t len) {
  size_t i = 0;
  while (i < len) {
    while (i < len && (is_ws(v[i]) || v[i] == ','))
      i++;
    size_t ns = i;
    while (i < len && v[i] != '=' && v[i] != ',' && !is_ws(v[i]))
      i++;
    size_t nlen = i - ns;
    while (i < len && is_ws(v[i]))
      i++;
    const char *val = NULL;
    size_t vlen = 0;
    bool has_value = false;
    if (i < len && v[i] == '=') {
      i++;
      while (i < len && is_ws(v[i]))
        i++;
      has_value = true;
      if (i < len && v[i] == '"') {
        val = v + ++i;
        while (i < len && v[i] != '"') {
          if (v[i] == '\\' && i + 1 < len)
            i++;
          i++;
        }
        vlen = (size_t)(v + i - val);
        if (i < len)
          i++;
      } else {
        val = v + i;
        while (i < len && v[i] != ',' && !is_ws(v[i]))
          i++;
        vlen = (size_t)(v + i - val);
      }
    }
    /* Skip whatever follows up to the next comma (junk after a value). */
    while (i < len && v[i] != ',')
      i++;
    if (nlen == 0)
      continue;
    const char *n = v + ns;
    cc->any = true;
    if (cache__name_eq(n, nlen, "max-age"))
      set_delta(&cc->max_age, val, vlen, has_value);
    else if (cache__name_eq(n, nlen, "s-maxage"))
      set_delta(&cc->s_maxage, val, vlen, has_value);
    else if (cache__name_eq(n, nlen, "max-stale")) {
      if (cc->max_stale < 0)
        cc->max_stale = has_value ? delta_seconds(val, vlen) : INT64_MAX;
    } else if (cache__name_eq(n, nlen, "min-fresh"))
      set_delta(&cc->min_fresh, val, vlen, has_value);
    else if (cache__name_eq(n, nlen, "stale-while-revalidate"))
      set_delta(&cc->stale_while_revalidate, val, vlen, has_value);
    else if (cache__name_eq(n, nlen, "stale-if-error"))
      set_delta(&cc->stale_if_error, val, vlen, has_value);
    else if (cache__name_eq(n, nlen, "no-store"))
      cc->no_store = true;
    else if (cache__name_eq(n, nlen, "no-cache")) {
      if (has_value && vlen) {
        cc->no_cache_fields_set = true;
        copy_fields(cc->no_cache_fields, sizeof(cc->no_cache_fields), val, vlen);
      } else {
        cc->no_cache = true;
      }
    } else if (cache__name_eq(n, nlen, "private")) {
      if (has_value && vlen) {
        cc->private_fields_set = true;
        copy_fields(cc->private_fields, sizeof(cc->private_fields), val, vlen);
      } else {
        cc->private_ = true;
      }
    } else if (cache__name_eq(n, nlen, "public"))
      cc->public_ = true;
    else if (cache__name_eq(n, nlen, "must-revalidate"))
      cc->must_revalidate = true;
    else if (cache__name_eq(n, nlen, "proxy-revalidate"))
      cc->proxy_revalidate = true;
    else if (cache__name_eq(n, nlen, "only-if-cached"))
      cc->only_if_cached = true;
    else if (cache__name_eq(n, nlen, "immutable"))
      cc->immutable = true;
    else if (cache__name_eq(n, nlen, "must-understand"))
      cc->must_understand = true;
  }
}

void cache__cc_from_headers(cache__cc *cc, const edgefn_header *h, size_t n, const char *name) {
  cache__cc_init(cc);
  for (size_t i = 0; i < n; i++)
    if (cache__name_eq(h[i].name, h[i].name_len, name))
      cache__cc_parse(cc, h[i].value, h[i].value_len);
}

bool cache__field_listed(const char *list, const char *name, size_t name_len) {
  const char *p = list;
  while (*p) {
    while (*p == ',' || is_ws(*p))
      p++;
    const char *s = p;
    while (*p && *p != ',' && !is_ws(*p))
      p++;
    if ((size_t)(p - s) == name_len && name_len) {
      size_t k = 0; /* the list was lower-cased when parsed */
      while (k < name_len && lower((unsigned char)name[k]) == (unsigned char)s[k])
        k++;
      if (k == name_len)
        return true;
    }
    while (*p && *p != ',')
      p++;
  }
  return false;
}

/* ---- HTTP dates (RFC 9110 §5.6.7) ---- */

static int month_index(const char *s) {
  static const char names[] = "janfebmaraprmayjunjulaugsepoctnovdec";
  char m[3] = {(char)lower((unsigned char)s[0]), (char)lower((unsigned char)s[1]),
               (char)lower((unsigned char)s[2])};
  for (int i = 0; i < 12; i++)
    if (memcmp(names + i * 3, m, 3) == 0)
      return i;
  return -1;
}

static bool read_int(const char **p, const char *end, int digits_min, int digits_max, int *out) {
  int n = 0, d = 0;
  while (*p < end && **p >= '0' && **p <= '9' && d < digits_max)
    n = n * 10 + (*(*p)++ - '0'), d++;
  *out = n;
  return d >= digits_min;
}

static bool read_time(const char **p, const char *end, int *h, int *mi, int *s) {
  if (!read_int(p, end, 2, 2, h) || *p >= end || *(*p)++ != ':' ||
      !read_int(p, end, 2, 2, mi) || *p >= end || *(*p)++ != ':' || !read_int(p, end, 2, 2, s))
    return false;
  return *h < 24 && *mi < 60 && *s < 61;
}

int64_t cache__http_date(const char *s, size_t len) {
  const char *p = s, *end = s + len;
  while (p < end && is_ws(*p))
    p++;
  while (end > p && is_ws(end[-1]))
    end--;
  const char *comma = memchr(p, ',', (size_t)(end - p));
  int day, mon, year, h, mi, sec;
  if (comma) {
    p = comma + 1;
    while (p < end && *p == ' ')
      p++;
    if (!read_int(&p, end, 1, 2, &day) || p >= end)
      return CACHE_NO_DATE;
    char sep = *p;
    if (sep != ' ' && sep != '-')
      return CACHE_NO_DATE;
    p++;
    if (end - p < 3 || (mon = month_index(p)) < 0)
      return CACHE_NO_DATE;
    p += 3;
    /* IMF-fixdate has a four-digit year after spaces, RFC 850 a two-digit one after dashes;
     * mixtures are not dates. */
    int ydigits = sep == '-' ? 2 : 4;
    if (p >= end || *p++ != sep || !read_int(&p, end, ydigits, ydigits, &year))
      return CACHE_NO_DATE;
    if (sep == '-' && year < 100) /* RFC 850: two-digit years, within 50 years of now */
      year += year < 70 ? 2000 : 1900;
    if (p >= end || *p++ != ' ' || !read_time(&p, end, &h, &mi, &sec))
      return CACHE_NO_DATE;
    while (p < end && *p == ' ')
      p++;
    if (end - p != 3 || !cache__name_eq(p, 3, "GMT"))
      return CACHE_NO_DATE;
  } else { /* asctime: "Sun Nov  6 08:49:37 1994" */
    if (end - p < 24)
      return CACHE_NO_DATE;
    p += 4;
    if ((mon = month_index(p)) < 0)
      return CACHE_NO_DATE;
    p += 4;
    if (*p == ' ')
      p++;
    if (!read_int(&p, end, 1, 2, &day) || p >= end || *p++ != ' ' ||
        !read_time(&p, end, &h, &mi, &sec) || p >= end || *p++ != ' ' ||
        !read_int(&p, end, 4, 4, &year) || p != end)
      return CACHE_NO_DATE;
  }
  if (day < 1 || day > 31)
    return CACHE_NO_DATE;
  struct tm tm = {0};
  tm.tm_year = year - 1900;
  tm.tm_mon = mon;
  tm.tm_mday = day;
  tm.tm_hour = h;
  tm.tm_min = mi;
  tm.tm_sec = sec;
  return (int64_t)timegm(&tm);
}

void cache__format_date(int64_t t, char out[30]) {
  static const char days[] = "SunMonTueWedThuFriSat";
  static const char months[] = "JanFebMarAprMayJunJulAugSepOctNovDec";
  time_t tt = (time_t)t;
  struct tm tm;
  gmtime_r(&tt, &tm);
  /* Fields are bounded by gmtime_r; the years 0..9999 keep this within 29 characters. */
  snprintf(out, 30, "%.3s, %02u %.3s %04u %02u:%02u:%02u GMT", days + tm.tm_wday * 3,
           (unsigned)tm.tm_mday % 100u, months + tm.tm_mon * 3,
           (unsigned)(tm.tm_year + 1900) % 10000u, (unsigned)tm.tm_hour % 100u,
           (unsigned)tm.tm_min % 100u, (unsigned)tm.tm_sec % 100u);
}

/* ---- decisions ---- */

static int64_t date_field(const edgefn_header *h, size_t n, const char *name, bool *present) {
  const edgefn_header *f = cache__hfind(h, n, name);
  if (present)
    *present = f != NULL;
  return f ? cache__http_date(f->value, f->value_len) : CACHE_NO_DATE;
}

/* CDN-Cache-Control is a Structured Field dictionary (RFC 9213): one that does not parse as
 * one, or gives a directive a string where an integer belongs, is ignored as a whole. */
static bool cdn_cc_valid(const edgefn_header *h, size_t n) {
  for (size_t i = 0; i < n; i++) {
    if (!cache__name_eq(h[i].name, h[i].name_len, "cdn-cache-control"))
      continue;
    for (size_t k = 0; k < h[i].value_len; k++) {
      char c = h[i].value[k];
      bool ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_' ||
                c == '.' || c == '*' || c == ',' || c == '=' || c == ' ' || c == '\t';
      if (!ok)
        return false;
    }
  }
  return true;
}

void cache__resp_parse(cache__resp *r, int status, const edgefn_header *h, size_t n,
                       bool shared) {
  memset(r, 0, sizeof(*r));
  r->status = status;
  cache__cc_init(&r->cc);
  if (shared && cdn_cc_valid(h, n)) {
    cache__cc_from_headers(&r->cc, h, n, "cdn-cache-control");
    r->from_cdn_cc = r->cc.any;
  }
  if (!r->from_cdn_cc)
    cache__cc_from_headers(&r->cc, h, n, "cache-control");
  /* Pragma: no-cache in a response has no defined meaning (RFC 9111 §5.4); ignored. */
  r->expires = date_field(h, n, "expires", &r->has_expires);
  r->date = date_field(h, n, "date", NULL);
  r->last_modified = date_field(h, n, "last-modified", &r->has_last_modified);
  if (r->last_modified == CACHE_NO_DATE)
    r->has_last_modified = false;
  r->has_etag = cache__hfind(h, n, "etag") != NULL;
  const edgefn_header *age = cache__hfind(h, n, "age");
  r->age = 0;
  if (age) { /* a list ("7200, 0") is invalid; its first value is the safer reading */
    size_t k = 0;
    while (k < age->value_len && age->value[k] >= '0' && age->value[k] <= '9')
      k++;
    bool list = k == age->value_len || age->value[k] == ',' || age->value[k] == ' ';
    r->age = list ? delta_seconds(age->value, k) : 0; /* "3.5" is not an age at all */
  }
  for (size_t i = 0; i < n; i++) {
    if (!cache__name_eq(h[i].name, h[i].name_len, "vary"))
      continue;
    for (size_t k = 0; k < h[i].value_len; k++)
      if (h[i].value[k] == '*')
        r->vary_star = true;
  }
}

bool cache__heuristic_status(int status) {
  switch (status) {
  case 200: case 203: case 204: case 206: case 300: case 301: case 308: case 404: case 405:
  case 410: case 414: case 501:
    return true;
  default:
    return false;
  }
}

bool cache__storable(const cache__resp *r, const cache__cc *req_cc, bool req_has_authorization,
                     bool shared) {
  /* Final statuses only; 206 and 304 need combining or updating, not storing as they are. */
  if (r->status < 200 || r->status == 206 || r->status == 304 || r->status > 599)
    return false;
  if (r->cc.no_store || (req_cc && req_cc->no_store))
    return false;
  if (shared && r->cc.private_)
    return false;
  if (shared && req_has_authorization && !r->cc.must_revalidate && !r->cc.public_ &&
      r->cc.s_maxage < 0)
    return false;
  if (r->vary_star)
    return false; /* it could never be reused */
  bool explicit_fresh = (!r->from_cdn_cc && r->has_expires) || r->cc.max_age >= 0 ||
                        (shared && r->cc.s_maxage >= 0);
  return explicit_fresh || r->cc.public_ || (!shared && r->cc.private_) ||
         cache__heuristic_status(r->status) || r->cc.no_cache;
}

int64_t cache__freshness_ms(const cache__resp *r, bool shared, int64_t response_time_ms) {
  if (shared && r->cc.s_maxage >= 0)
    return r->cc.s_maxage * 1000;
  if (r->cc.max_age >= 0)
    return r->cc.max_age * 1000;
  int64_t date_ms = r->date != CACHE_NO_DATE ? r->date * 1000 : response_time_ms;
  if (r->has_expires && !r->from_cdn_cc) {
    if (r->expires == CACHE_NO_DATE)
      return 0;
    int64_t d = r->expires * 1000 - date_ms;
    return d > 0 ? d : 0;
  }
  if (r->has_last_modified && (cache__heuristic_status(r->status) || r->cc.public_)) {
    int64_t d = date_ms - r->last_modified * 1000;
    return d > 0 ? d / 10 : 0;
  }
  return 0;
}

int64_t cache__current_age_ms(const cache__resp *r, int64_t request_time_ms,
                              int64_t response_time_ms, int64_t now_ms) {
  int64_t apparent = 0;
  if (r->date != CACHE_NO_DATE && response_time_ms > r->date * 1000)
    apparent = response_time_ms - r->date * 1000;
  int64_t delay = response_time_ms - request_time_ms;
  if (delay < 0)
    delay = 0;
  int64_t corrected_age = r->age * 1000 + delay;
  int64_t initial = apparent > corrected_age ? apparent : corrected_age;
  int64_t resident = now_ms - response_time_ms;
  return initial + (resident > 0 ? resident : 0);
}

bool cache__must_revalidate(const cache__resp *r, bool shared) {
  return r->cc.must_revalidate ||
         (shared && (r->cc.proxy_revalidate || r->cc.s_maxage >= 0));
}
