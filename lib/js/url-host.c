/* The URL Standard's host parser: IPv6 and IPv4 addresses, opaque hosts, and domains, which
 * go through "domain to ASCII" (UTS #46 processing, done by Debian's libidn2). */
#include "js/url.h"

#include <idn2.h>
#include <stdlib.h>
#include <string.h>

static bool forbidden_host(unsigned char c) {
  return c == 0 || c == '\t' || c == '\n' || c == '\r' || c == ' ' || c == '#' || c == '/' ||
         c == ':' || c == '<' || c == '>' || c == '?' || c == '@' || c == '[' || c == '\\' ||
         c == ']' || c == '^' || c == '|';
}

static bool forbidden_domain(unsigned char c) {
  return forbidden_host(c) || c <= 0x1f || c == '%' || c == 0x7f;
}

/* ---- IPv6 ---- */

static int ipv6_parse(const char *s, size_t n, uint16_t addr[8]) {
  memset(addr, 0, 8 * sizeof(uint16_t));
  size_t p = 0;
  int piece = 0, compress = -1;
#define AT(i) ((i) < n ? (unsigned char)s[i] : 0)
  if (AT(p) == ':') {
    if (AT(p + 1) != ':')
      return EDGEFN_URL_FAILURE;
    p += 2;
    compress = ++piece;
  }
  while (p < n) {
    if (piece == 8)
      return EDGEFN_URL_FAILURE;
    if (AT(p) == ':') {
      if (compress >= 0)
        return EDGEFN_URL_FAILURE;
      p++;
      compress = ++piece;
      continue;
    }
    unsigned value = 0, length = 0;
    while (length < 4 && p < n && edgefn__hex_value(AT(p)) >= 0) {
      value = value * 16 + (unsigned)edgefn__hex_value(AT(p));
      p++;
      length++;
    }
    if (AT(p) == '.' && p < n) {
      if (length == 0)
        return EDGEFN_URL_FAILURE;
      p -= length;
      if (piece > 6)
        return EDGEFN_URL_FAILURE;
      int numbers_seen = 0;
      while (p < n) {
        int v4 = -1;
        if (numbers_seen > 0) {
          if (AT(p) == '.' && numbers_seen < 4)
            p++;
          else
            return EDGEFN_URL_FAILURE;
        }
        if (p >= n || AT(p) < '0' || AT(p) > '9')
          return EDGEFN_URL_FAILURE;
        while (p < n && AT(p) >= '0' && AT(p) <= '9') {
          int d = AT(p) - '0';
          if (v4 < 0)
            v4 = d;
          else if (v4 == 0)
            return EDGEFN_URL_FAILURE;
          else
            v4 = v4 * 10 + d;
          if (v4 > 255)
            return EDGEFN_URL_FAILURE;
          p++;
        }
        addr[piece] = (uint16_t)(addr[piece] * 0x100 + v4);
        numbers_seen++;
        if (numbers_seen == 2 || numbers_seen == 4)
          piece++;
      }
      if (numbers_seen != 4)
        return EDGEFN_URL_FAILURE;
      break;
    } else if (p < n && AT(p) == ':') {
      p++;
      if (p >= n)
        return EDGEFN_URL_FAILURE;
    } else if (p < n) {
      return EDGEFN_URL_FAILURE;
    }
    addr[piece++] = (uint16_t)value;
  }
#undef AT
  if (compress >= 0) {
    int swaps = piece - compress;
    piece = 7;
    while (piece != 0 && swaps > 0) {
      uint16_t t = addr[piece];
      addr[piece] = addr[compress + swaps - 1];
      addr[compress + swaps - 1] = t;
      piece--;
      swaps--;
    }
  } else if (piece != 8) {
    return EDGEFN_URL_FAILURE;
  }
  return EDGEFN_URL_OK;
}

static int ipv6_serialize(const uint16_t addr[8], edgefn__ustr *out) {
  /* The first longest run of two or more zero pieces is compressed. */
  int best = -1, best_len = 1;
  for (int i = 0; i < 8;) {
    int j = i;
    while (j < 8 && addr[j] == 0)
      j++;
    if (j - i > best_len) {
      best = i;
      best_len = j - i;
    }
    i = j > i ? j : i + 1;
  }
  char tmp[48];
  size_t o = 0;
  tmp[o++] = '[';
  bool ignore0 = false;
  for (int i = 0; i < 8; i++) {
    if (ignore0 && addr[i] == 0)
      continue;
    ignore0 = false;
    if (best == i) {
      if (i == 0)
        tmp[o++] = ':';
      tmp[o++] = ':';
      ignore0 = true;
      continue;
    }
    static const char hex[] = "0123456789abcdef";
    bool started = false;
    for (int shift = 12; shift >= 0; shift -= 4) {
      int d = (addr[i] >> shift) & 15;
      if (d || started || shift == 0) {
        tmp[o++] = hex[d];
        started = true;
      }
    }
    if (i != 7)
      tmp[o++] = ':';
  }
  tmp[o++] = ']';
  return edgefn__ustr_set(out, tmp, o);
}

/* ---- IPv4 ---- */

/* Parses one IPv4 number; 0 on success with *out saturated at 2^32. */
static int ipv4_number(const char *s, size_t n, uint64_t *out) {
  if (n == 0)
    return EDGEFN_URL_FAILURE;
  unsigned radix = 10;
  if (n >= 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
    s += 2;
    n -= 2;
    radix = 16;
  } else if (n >= 2 && s[0] == '0') {
    s++;
    n--;
    radix = 8;
  }
  uint64_t v = 0;
  for (size_t i = 0; i < n; i++) {
    int d = edgefn__hex_value((unsigned char)s[i]);
    if (d < 0 || (unsigned)d >= radix)
      return EDGEFN_URL_FAILURE;
    v = v * radix + (unsigned)d;
    if (v > 0xffffffffull)
      v = 0x100000000ull; /* stays "too large" however many digits follow */
  }
  *out = v;
  return EDGEFN_URL_OK;
}

/* The "ends in a number" checker. */
static bool ends_in_number(const char *s, size_t n) {
  if (n && s[n - 1] == '.')
    n--;
  size_t start = n;
  while (start > 0 && s[start - 1] != '.')
    start--;
  const char *last = s + start;
  size_t len = n - start;
  if (len == 0)
    return false;
  bool digits = true;
  for (size_t i = 0; i < len; i++)
    if (last[i] < '0' || last[i] > '9')
      digits = false;
  if (digits)
    return true;
  uint64_t v;
  return ipv4_number(last, len, &v) == EDGEFN_URL_OK;
}

static int ipv4_parse(const char *s, size_t n, edgefn__ustr *out) {
  if (n && s[n - 1] == '.')
    n--;
  uint64_t nums[4];
  int count = 0;
  size_t start = 0;
  for (size_t i = 0; i <= n; i++) {
    if (i < n && s[i] != '.')
      continue;
    if (count == 4)
      return EDGEFN_URL_FAILURE;
    if (ipv4_number(s + start, i - start, &nums[count]))
      return EDGEFN_URL_FAILURE;
    count++;
    start = i + 1;
  }
  for (int i = 0; i < count - 1; i++)
    if (nums[i] > 255)
      return EDGEFN_URL_FAILURE;
  if (nums[count - 1] >= (1ull << (8 * (5 - count))))
    return EDGEFN_URL_FAILURE;
  uint64_t v = nums[count - 1];
  for (int i = 0; i < count - 1; i++)
    v += nums[i] << (8 * (3 - i));
  char tmp[16];
  size_t o = 0;
  for (int i = 3; i >= 0; i--) {
    unsigned octet = (unsigned)(v >> (8 * i)) & 255;
    if (octet >= 100)
      tmp[o++] = (char)('0' + octet / 100);
    if (octet >= 10)
      tmp[o++] = (char)('0' + octet / 10 % 10);
    tmp[o++] = (char)('0' + octet % 10);
    if (i)
      tmp[o++] = '.';
  }
  return edgefn__ustr_set(out, tmp, o);
}

/* ---- domain to ASCII ---- */

static bool valid_utf8(const unsigned char *p, size_t n) {
  size_t i = 0;
  while (i < n) {
    unsigned c = p[i];
    size_t k;
    unsigned lo = 0x80, hi = 0xbf;
    if (c < 0x80) {
      i++;
      continue;
    } else if (c >= 0xc2 && c <= 0xdf) {
      k = 1;
    } else if (c >= 0xe0 && c <= 0xef) {
      k = 2;
      if (c == 0xe0)
        lo = 0xa0;
      if (c == 0xed)
        hi = 0x9f;
    } else if (c >= 0xf0 && c <= 0xf4) {
      k = 3;
      if (c == 0xf0)
        lo = 0x90;
      if (c == 0xf4)
        hi = 0x8f;
    } else {
      return false;
    }
    for (size_t j = 1; j <= k; j++) {
      if (i + j >= n || p[i + j] < lo || p[i + j] > hi)
        return false;
      lo = 0x80;
      hi = 0xbf;
    }
    i += k + 1;
  }
  return true;
}

/* True for the label separators UTS #46 maps to '.': U+002E, U+3002, U+FF0E, U+FF61. */
static size_t separator_len(const char *s, size_t i, size_t n) {
  const unsigned char *p = (const unsigned char *)s + i;
  if (p[0] == '.')
    return 1;
  if (i + 3 <= n && ((p[0] == 0xe3 && p[1] == 0x80 && p[2] == 0x82) ||
                     (p[0] == 0xef && p[1] == 0xbc && p[2] == 0x8e) ||
                     (p[0] == 0xef && p[1] == 0xbd && p[2] == 0xa1)))
    return 3;
  return 0;
}

static bool has_deviation(const char *s, size_t n) {
  /* U+00DF, U+03C2, U+200C, U+200D: where transitional and nontransitional differ. */
  for (size_t i = 0; i + 1 < n; i++) {
    const unsigned char *p = (const unsigned char *)s + i;
    if ((p[0] == 0xc3 && p[1] == 0x9f) || (p[0] == 0xcf && p[1] == 0x82) ||
        (i + 2 < n && p[0] == 0xe2 && p[1] == 0x80 && (p[2] == 0x8c || p[2] == 0x8d)))
      return true;
  }
  return false;
}

static int label_to_ascii(const char *label, size_t n, edgefn__ustr *out);

/* UTS #46 processing of one non-ASCII label (NUL-terminated) with libidn2. libidn2 also
 * applies IDNA2008's stricter rules (it refuses symbols such as U+2603 that UTS #46 allows);
 * for labels without deviation characters transitional processing maps identically and
 * does not apply them, so it is the fallback. */
static int unicode_label_to_ascii(const char *label, size_t n, edgefn__ustr *out,
                                  int *idn2_rc) {
  char *res = NULL;
  int rc = idn2_to_ascii_8z(label, &res, IDN2_NONTRANSITIONAL);
  if (rc == IDN2_DISALLOWED && !has_deviation(label, n)) {
    free(res);
    res = NULL;
    rc = idn2_to_ascii_8z(label, &res, IDN2_TRANSITIONAL);
  }
  *idn2_rc = rc;
  if (rc == IDN2_MALLOC)
    return EDGEFN_URL_NOMEM;
  if (rc != IDN2_OK) {
    free(res);
    return EDGEFN_URL_FAILURE;
  }
  rc = edgefn__ustr_append(out, res, strlen(res));
  idn2_free(res);
  return rc;
}

/* An ASCII "xn--" label of a non-ASCII domain must decode to a label that is valid as it
 * stands: converting the decoded form back must give the label again. */
static int punycode_label_check(const char *label, size_t n, edgefn__ustr *out) {
  edgefn__ustr lower = {0}, again = {0};
  char *uni = NULL;
  int rc = edgefn__ustr_set(&lower, label, n);
  if (rc)
    goto done;
  for (size_t i = 0; i < n; i++)
    if (lower.p[i] >= 'A' && lower.p[i] <= 'Z')
      lower.p[i] = (char)(lower.p[i] + 32);
  int irc = idn2_to_unicode_8z8z(lower.p, &uni, 0);
  if (irc == IDN2_MALLOC) {
    rc = EDGEFN_URL_NOMEM;
    goto done;
  }
  bool ascii = true;
  for (const char *p = uni; irc == IDN2_OK && *p; p++)
    if ((unsigned char)*p >= 0x80)
      ascii = false;
  if (irc != IDN2_OK || ascii) {
    rc = EDGEFN_URL_FAILURE;
    goto done;
  }
  rc = label_to_ascii(uni, strlen(uni), &again);
  if (rc == 0 && (again.len != lower.len || memcmp(again.p, lower.p, lower.len) != 0))
    rc = EDGEFN_URL_FAILURE;
  if (rc == 0)
    rc = edgefn__ustr_append(out, lower.p, lower.len);
done:
  idn2_free(uni);
  edgefn__ustr_free(&lower);
  edgefn__ustr_free(&again);
  return rc;
}

/* RFC 3492 Punycode encoding of code points onto out. */
static uint32_t puny_adapt(uint64_t delta, uint64_t points, bool first) {
  delta = first ? delta / 700 : delta / 2;
  delta += delta / points;
  uint32_t k = 0;
  while (delta > 455) {
    delta /= 35;
    k += 36;
  }
  return (uint32_t)(k + (36 * delta) / (delta + 38));
}

static char puny_digit(uint64_t d) { return (char)(d < 26 ? 'a' + d : '0' + d - 26); }

static int punycode_encode(const uint32_t *cp, size_t n, edgefn__ustr *out) {
  size_t basic = 0;
  for (size_t i = 0; i < n; i++)
    if (cp[i] < 0x80) {
      if (edgefn__ustr_putc(out, (char)cp[i]))
        return EDGEFN_URL_NOMEM;
      basic++;
    }
  if (basic && edgefn__ustr_putc(out, '-'))
    return EDGEFN_URL_NOMEM;
  uint64_t delta = 0, h = basic;
  uint32_t next = 128, bias = 72;
  while (h < n) {
    uint32_t m = UINT32_MAX;
    for (size_t i = 0; i < n; i++)
      if (cp[i] >= next && cp[i] < m)
        m = cp[i];
    delta += (uint64_t)(m - next) * (h + 1);
    next = m;
    for (size_t i = 0; i < n; i++) {
      if (cp[i] < next)
        delta++;
      if (cp[i] != next)
        continue;
      uint64_t q = delta;
      for (uint32_t k = 36;; k += 36) {
        uint32_t t = k <= bias ? 1 : k >= bias + 26 ? 26 : k - bias;
        if (q < t)
          break;
        if (edgefn__ustr_putc(out, puny_digit(t + (q - t) % (36 - t))))
          return EDGEFN_URL_NOMEM;
        q = (q - t) / (36 - t);
      }
      if (edgefn__ustr_putc(out, puny_digit(q)))
        return EDGEFN_URL_NOMEM;
      bias = puny_adapt(delta, h + 1, h == basic);
      delta = 0;
      h++;
    }
    delta++;
    next++;
  }
  return 0;
}

/* Appends the UTS #46 mapping of one non-ASCII run (NUL-terminated), as Unicode. */
static int map_run(const char *run, edgefn__ustr *mapped) {
  edgefn__ustr ace = {0};
  char *uni = NULL;
  int idn2_rc;
  int rc = unicode_label_to_ascii(run, strlen(run), &ace, &idn2_rc);
  if (rc == 0 && ace.len >= 4 && memcmp(ace.p, "xn--", 4) == 0) {
    int irc = idn2_to_unicode_8z8z(ace.p, &uni, 0);
    rc = irc == IDN2_MALLOC ? EDGEFN_URL_NOMEM : irc != IDN2_OK ? EDGEFN_URL_FAILURE : 0;
    if (rc == 0)
      rc = edgefn__ustr_append(mapped, uni, strlen(uni));
  } else if (rc == 0) {
    rc = edgefn__ustr_append(mapped, ace.p, ace.len);
  }
  idn2_free(uni);
  edgefn__ustr_free(&ace);
  return rc;
}

/* For labels libidn2 refuses only for rules the URL Standard turns off (CheckHyphens and
 * VerifyDnsLength are false): maps the label piece by piece, splitting at hyphens and
 * before ASCII characters (starters that mapping and NFC leave alone), then encodes the
 * whole label with Punycode. Each non-ASCII run is mapped with the ASCII character before
 * it, so that a combining mark composes as it would in the whole label. */
static int label_by_pieces(const char *label, size_t n, edgefn__ustr *out) {
  edgefn__ustr mapped = {0}, run = {0};
  uint32_t *cps = NULL;
  int rc = edgefn__ustr_set(&mapped, "", 0);
  size_t i = 0;
  while (rc == 0 && i < n) {
    if ((unsigned char)label[i] < 0x80) {
      char c = label[i++];
      rc = edgefn__ustr_putc(&mapped, c >= 'A' && c <= 'Z' ? (char)(c + 32) : c);
      continue;
    }
    size_t j = i;
    while (j < n && (unsigned char)label[j] >= 0x80)
      j++;
    bool prefixed = i > 0 && label[i - 1] != '-';
    size_t from = prefixed ? i - 1 : i;
    rc = edgefn__ustr_set(&run, label + from, j - from);
    if (rc)
      break;
    size_t before = mapped.len;
    if (prefixed)
      mapped.len--; /* the prefix comes back through map_run */
    rc = map_run(run.p, &mapped);
    if (rc == 0 && prefixed && mapped.len < before)
      rc = EDGEFN_URL_FAILURE;
    i = j;
  }
  size_t ncp = 0;
  bool ascii = true;
  if (rc == 0) {
    cps = malloc((mapped.len + 1) * sizeof(uint32_t));
    if (!cps)
      rc = EDGEFN_URL_NOMEM;
  }
  for (size_t k = 0; rc == 0 && k < mapped.len;) {
    unsigned char c = (unsigned char)mapped.p[k];
    int extra = c < 0x80 ? 0 : c < 0xe0 ? 1 : c < 0xf0 ? 2 : 3;
    uint32_t v = extra ? c & (0x3f >> extra) : c;
    for (int e = 1; e <= extra && k + (size_t)e < mapped.len; e++)
      v = (v << 6) | ((unsigned char)mapped.p[k + (size_t)e] & 0x3f);
    k += (size_t)extra + 1;
    cps[ncp++] = v;
    if (v >= 0x80)
      ascii = false;
  }
  if (rc == 0 && ascii)
    rc = edgefn__ustr_append(out, mapped.p, mapped.len);
  else if (rc == 0 && !(rc = edgefn__ustr_append(out, "xn--", 4)))
    rc = punycode_encode(cps, ncp, out);
  free(cps);
  edgefn__ustr_free(&mapped);
  edgefn__ustr_free(&run);
  return rc;
}

static int label_to_ascii(const char *label, size_t n, edgefn__ustr *out) {
  bool ascii = true;
  for (size_t i = 0; i < n; i++)
    if ((unsigned char)label[i] >= 0x80)
      ascii = false;
  if (ascii && n >= 4 && (label[0] | 0x20) == 'x' && (label[1] | 0x20) == 'n' &&
      label[2] == '-' && label[3] == '-')
    return punycode_label_check(label, n, out);
  if (ascii) {
    size_t start = out->len;
    if (edgefn__ustr_append(out, label, n))
      return EDGEFN_URL_NOMEM;
    for (size_t i = start; i < out->len; i++)
      if (out->p[i] >= 'A' && out->p[i] <= 'Z')
        out->p[i] = (char)(out->p[i] + 32);
    return 0;
  }
  edgefn__ustr z = {0};
  size_t start = out->len;
  int idn2_rc = IDN2_OK;
  int rc = edgefn__ustr_set(&z, label, n);
  if (rc == 0)
    rc = unicode_label_to_ascii(z.p, n, out, &idn2_rc);
  if (rc == EDGEFN_URL_FAILURE &&
      (idn2_rc == IDN2_TOO_BIG_LABEL || idn2_rc == IDN2_TOO_BIG_DOMAIN ||
       idn2_rc == IDN2_PUNYCODE_BIG_OUTPUT || idn2_rc == IDN2_2HYPHEN ||
       idn2_rc == IDN2_HYPHEN_STARTEND)) {
    out->len = start;
    rc = label_by_pieces(label, n, out);
  }
  edgefn__ustr_free(&z);
  return rc;
}

/* Domain to ASCII with beStrict false. */
static int domain_to_ascii(const char *d, size_t n, edgefn__ustr *out) {
  bool ascii = true;
  for (size_t i = 0; i < n; i++)
    if ((unsigned char)d[i] >= 0x80)
      ascii = false;
  out->len = 0;
  if (ascii) {
    /* The Standard: an ASCII domain is only lower-cased (even "xn--" labels). */
    if (edgefn__ustr_set(out, d, n))
      return EDGEFN_URL_NOMEM;
    for (size_t i = 0; i < n; i++)
      if (out->p[i] >= 'A' && out->p[i] <= 'Z')
        out->p[i] = (char)(out->p[i] + 32);
  } else {
    if (edgefn__ustr_set(out, "", 0))
      return EDGEFN_URL_NOMEM;
    size_t start = 0;
    for (size_t i = 0; i <= n;) {
      size_t sep = i < n ? separator_len(d, i, n) : 1;
      if (!sep) {
        i++;
        continue;
      }
      int rc = label_to_ascii(d + start, i - start, out);
      if (rc)
        return rc;
      if (i < n && edgefn__ustr_putc(out, '.'))
        return EDGEFN_URL_NOMEM;
      i += sep;
      start = i;
    }
  }
  if (out->len == 0)
    return EDGEFN_URL_FAILURE;
  for (size_t i = 0; i < out->len; i++)
    if (forbidden_domain((unsigned char)out->p[i]))
      return EDGEFN_URL_FAILURE;
  return EDGEFN_URL_OK;
}

int edgefn__url_host_parse(const char *s, size_t n, bool is_opaque, edgefn__ustr *out) {
  out->len = 0;
  if (n && s[0] == '[') {
    if (s[n - 1] != ']' || n < 2)
      return EDGEFN_URL_FAILURE;
    uint16_t addr[8];
    if (ipv6_parse(s + 1, n - 2, addr))
      return EDGEFN_URL_FAILURE;
    return ipv6_serialize(addr, out);
  }
  if (is_opaque) {
    for (size_t i = 0; i < n; i++)
      if (forbidden_host((unsigned char)s[i]))
        return EDGEFN_URL_FAILURE;
    return edgefn__url_pct_encode(out, s, n, EDGEFN_PE_C0, false);
  }
  edgefn__ustr domain = {0}, ascii = {0};
  int rc = edgefn__url_pct_decode(&domain, s, n);
  if (rc)
    goto done;
  /* Invalid UTF-8 decodes to U+FFFD, which UTS #46 disallows. */
  if (!valid_utf8((const unsigned char *)domain.p, domain.len) ||
      memchr(domain.p, 0, domain.len)) {
    rc = EDGEFN_URL_FAILURE;
    goto done;
  }
  rc = domain_to_ascii(domain.p, domain.len, &ascii);
  if (rc)
    goto done;
  if (ends_in_number(ascii.p, ascii.len))
    rc = ipv4_parse(ascii.p, ascii.len, out);
  else
    rc = edgefn__ustr_set(out, ascii.p, ascii.len);
done:
  edgefn__ustr_free(&domain);
  edgefn__ustr_free(&ascii);
  return rc;
}
