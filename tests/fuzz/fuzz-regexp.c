/* The regular-expression translator (JavaScript pattern syntax → PCRE2): the first byte
 * picks the flags, the rest is the pattern. Translates it both as code units and through
 * edgefn__regexp_check (which also compiles with PCRE2), and checks that a translation is
 * plain ASCII — every other character is written as \x{...}, so no PCRE2-only syntax can
 * come from the input. */
#include "js/regexp.h"

#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size < 1 || size > 4096)
    return 0;
  static const char *const flag_sets[] = {"", "i", "u", "iu", "m", "s", "imsu", "dgy"};
  const char *flags = flag_sets[data[0] & 7];
  const uint8_t *p = data + 1;
  size_t n = size - 1;

  int f = edgefn__re_parse_flags(flags, strlen(flags));
  if (f < 0)
    abort();
  uint32_t *units = malloc((n + 1) * sizeof(uint32_t));
  if (!units)
    return 0;
  /* bytes as code units, and pairs of bytes as wider ones (surrogates included) */
  for (size_t i = 0; i < n; i++)
    units[i] = (data[0] & 8) && i + 1 < n ? (uint32_t)p[i] << 8 | p[i + 1] : p[i];
  edgefn__re_translation t;
  char msg[256];
  if (edgefn__re_translate(units, n, (unsigned)f, &t, msg, sizeof(msg)) == 0) {
    for (size_t i = 0; i < t.pattern_len; i++)
      if ((unsigned char)t.pattern[i] >= 128 || t.pattern[i] == '\0')
        abort();
    if (strlen(t.pattern) != t.pattern_len)
      abort();
    for (size_t k = 0; k < t.name_count; k++)
      if (t.names[k].group == 0 || t.names[k].group > t.groups)
        abort();
    edgefn__re_translation_free(&t);
  } else if (msg[0] == '\0') {
    abort();
  }
  free(units);

  msg[0] = '\0';
  if (edgefn__regexp_check((const char *)p, n, flags, msg, sizeof(msg)) != 0 && msg[0] == '\0')
    abort();
  return 0;
}
