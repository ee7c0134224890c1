/* Wildcard patterns: '*' matches any run of characters, '?' one character. The matcher keeps
 * only the most recent '*' to return to, which is enough for this pattern language and
 * bounds the work by pattern length × subject length (no exponential backtracking). */
#include "rules.h"

/* Bytes in the UTF-8 character starting at s[i] (1 for a stray or invalid byte), so that '?'
 * and the '*' retry both step over whole characters. */
static size_t char_len(const char *s, size_t i, size_t n) {
  size_t j = i + 1;
  if ((unsigned char)s[i] >= 0xc0)
    while (j < n && j - i < 4 && ((unsigned char)s[j] & 0xc0) == 0x80)
      j++;
  return j - i;
}

int edgefn__rl_wildcard(const char *pat, size_t plen, const char *s, size_t slen, int fold) {
  size_t p = 0, i = 0, star = SIZE_MAX, mark = 0;
  while (i < slen) {
    if (p < plen && pat[p] == '*') {
      star = ++p;
      mark = i;
      continue;
    }
    if (p < plen && pat[p] == '?') {
      p++;
      i += char_len(s, i, slen);
      continue;
    }
    if (p < plen) {
      unsigned char c = (unsigned char)s[i];
      if (fold)
        c = edgefn__ascii_lower(c);
      if ((unsigned char)pat[p] == c) {
        p++;
        i++;
        continue;
      }
    }
    if (star == SIZE_MAX)
      return 0;
    mark += char_len(s, mark, slen);
    i = mark;
    p = star;
  }
  while (p < plen && pat[p] == '*')
    p++;
  return p == plen;
}
