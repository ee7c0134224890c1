/* Client addresses and CIDR blocks in one 128-bit form, so a match is two masked compares. */
#include "rules.h"

#include <arpa/inet.h>
#include <string.h>

/* inet_pton wants a NUL-terminated string; no textual address is longer than this. */
#define RL_ADDR_MAX 64

static void from_bytes(const uint8_t b[16], uint64_t out[2]) {
  out[0] = out[1] = 0;
  for (int i = 0; i < 8; i++) {
    out[0] = (out[0] << 8) | b[i];
    out[1] = (out[1] << 8) | b[8 + i];
  }
}

/* Parses exactly `len` bytes of `s` as an IPv4 or IPv6 address. Sets *v4 for IPv4. */
static int parse_addr_n(const char *s, size_t len, uint64_t out[2], int *v4) {
  char buf[RL_ADDR_MAX];
  if (len == 0 || len >= sizeof(buf))
    return -1;
  memcpy(buf, s, len);
  buf[len] = '\0';
  uint8_t b[16] = {0};
  if (inet_pton(AF_INET, buf, b + 12) == 1) {
    b[10] = b[11] = 0xff;
    *v4 = 1;
  } else if (inet_pton(AF_INET6, buf, b) == 1) {
    *v4 = 0;
  } else {
    return -1;
  }
  from_bytes(b, out);
  return 0;
}

int edgefn__rl_parse_cidr(const char *s, size_t len, rl_cidr *out) {
  const char *slash = memchr(s, '/', len);
  size_t alen = slash ? (size_t)(slash - s) : len;
  int v4 = 0;
  if (parse_addr_n(s, alen, out->net, &v4) != 0)
    return -1;
  unsigned max = v4 ? 32 : 128, prefix = max;
  if (slash) {
    const char *p = slash + 1, *end = s + len;
    /* Digits only: "/+8", "/ 8" and "/" are typos, not prefixes. */
    if (p == end || end - p > 3)
      return -1;
    prefix = 0;
    for (; p < end; p++) {
      if (*p < '0' || *p > '9')
        return -1;
      prefix = prefix * 10 + (unsigned)(*p - '0');
    }
    if (prefix > max)
      return -1;
  }
  if (v4)
    prefix += 96;
  out->mask[0] = prefix >= 64 ? ~UINT64_C(0) : prefix ? ~UINT64_C(0) << (64 - prefix) : 0;
  out->mask[1] = prefix <= 64 ? 0 : prefix >= 128 ? ~UINT64_C(0) : ~UINT64_C(0) << (128 - prefix);
  out->net[0] &= out->mask[0];
  out->net[1] &= out->mask[1];
  return 0;
}

int edgefn__rl_parse_addr(const char *s, uint64_t out[2]) {
  size_t len = strlen(s);
  if (len >= 2 && s[0] == '[' && s[len - 1] == ']') {
    s++;
    len -= 2;
  }
  /* A zone ("%eth0") names an interface, not part of the address. */
  const char *pct = memchr(s, '%', len);
  if (pct)
    len = (size_t)(pct - s);
  int v4;
  return parse_addr_n(s, len, out, &v4);
}
