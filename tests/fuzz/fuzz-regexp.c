/* The regular-expression translator (JavaScript pattern syntax → PCRE2): the first byte
 * picks the flags (v among them), the rest is the pattern. Translates it both as code units
 * and through edgefn__regexp_check (which also compiles with PCRE2), and checks that a
 * translation is plain ASCII — every other character is written as \x{...}, so no
 * PCRE2-only syntax can come from the input.
 *
 * The backtracking matcher (regexp-bt.c) is fuzzed on every translated pattern, whichever
 * matcher the pattern would get: it runs on subjects made from the input (under a step
 * bound), its positions must be sane, and where PCRE2 runs the pattern exactly (no u, not
 * needing the backtracker) both must find the same match. */
#define PCRE2_CODE_UNIT_WIDTH 16
#include <pcre2.h>

#include "js/regexp.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define STEPS 50000u

/* Runs the backtracker on s and checks what it reports; compares with PCRE2 (c, may be
 * NULL) when that ran to completion. */
static void run_subject(edgefn__re_bt *bt, pcre2_code *c, pcre2_match_data *md,
                        pcre2_match_context *mc, uint32_t groups, const uint16_t *s, size_t n,
                        size_t start) {
  size_t ov[2 * 65];
  if (groups > 64)
    return;
  int rc = edgefn__re_bt_exec(bt, s, n, start, NULL, STEPS, ov);
  if (rc == EDGEFN_RE_BT_ECPU || rc > 1 || rc < EDGEFN_RE_BT_ENOMEM)
    abort(); /* no budget was running; only these results exist */
  if (rc == 1) {
    if (ov[0] == SIZE_MAX || ov[0] > ov[1] || ov[1] > n || ov[0] < (start > 0 ? start - 1 : 0))
      abort();
    for (uint32_t g = 1; g <= groups; g++)
      if ((ov[2 * g] == SIZE_MAX) != (ov[2 * g + 1] == SIZE_MAX) ||
          (ov[2 * g] != SIZE_MAX && (ov[2 * g] > ov[2 * g + 1] || ov[2 * g + 1] > n)))
        abort();
  }
  if (!c || rc < 0)
    return;
  int prc = pcre2_match(c, s, n, start, 0, md, mc);
  if (prc == PCRE2_ERROR_NOMATCH) {
    if (rc != 0)
      abort();
    return;
  }
  if (prc <= 0)
    return; /* a limit: nothing to compare */
  if (rc != 1)
    abort();
  PCRE2_SIZE *pov = pcre2_get_ovector_pointer(md);
  uint32_t cnt = pcre2_get_ovector_count(md);
  for (uint32_t k = 0; k < 2 * (groups + 1); k++) {
    size_t v = k / 2 < cnt && pov[k] != PCRE2_UNSET ? pov[k] : SIZE_MAX;
    if (v != ov[k]) {
      fprintf(stderr, "backtracker and PCRE2 differ at ovector[%u]: %zu vs %zu\n", k, ov[k], v);
      abort();
    }
  }
}

static void fuzz_backtracker(const edgefn__re_translation *t, unsigned f, const uint8_t *p,
                             size_t n) {
  char msg[160];
  edgefn__re_bt *bt = edgefn__re_bt_compile(t, f, msg, sizeof(msg));
  if (!bt)
    return; /* only out of memory, or an atom PCRE2 cannot compile alone */
  pcre2_code *c = NULL;
  pcre2_match_data *md = NULL;
  pcre2_match_context *mc = NULL;
  if (!(f & EDGEFN_RE_U) && !edgefn__re_bt_needed(t)) {
    PCRE2_UCHAR *w = malloc((t->pattern_len + 1) * sizeof(*w));
    if (w) {
      for (size_t i = 0; i < t->pattern_len; i++)
        w[i] = (unsigned char)t->pattern[i];
      int err;
      PCRE2_SIZE eo;
      uint32_t opts = t->options | PCRE2_MATCH_UNSET_BACKREF | PCRE2_NEVER_BACKSLASH_C |
                      ((f & EDGEFN_RE_Y) ? PCRE2_ANCHORED : 0);
      c = pcre2_compile(w, t->pattern_len, opts, &err, &eo, NULL);
      free(w);
    }
    if (c) {
      md = pcre2_match_data_create_from_pattern(c, NULL);
      mc = pcre2_match_context_create(NULL);
      if (mc)
        pcre2_set_match_limit(mc, 100000);
      if (!md || !mc) {
        pcre2_code_free(c);
        c = NULL;
      }
    }
  }
  /* subjects: the input's bytes as units, and the same with pairs of bytes as units */
  uint16_t *s = malloc((n + 1) * sizeof(*s));
  if (s) {
    for (size_t i = 0; i < n; i++)
      s[i] = p[i];
    run_subject(bt, c, md, mc, t->groups, s, n, 0);
    if (n > 2)
      run_subject(bt, c, md, mc, t->groups, s, n, n / 2);
    size_t m = 0;
    for (size_t i = 0; i + 1 < n; i += 2)
      s[m++] = (uint16_t)(p[i] << 8 | p[i + 1]);
    run_subject(bt, c, md, mc, t->groups, s, m, 0);
    free(s);
  }
  pcre2_match_context_free(mc);
  pcre2_match_data_free(md);
  pcre2_code_free(c);
  edgefn__re_bt_free(bt);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size < 1 || size > 4096)
    return 0;
  /* bit 4 of the first byte picks v (unicodeSets: set notation in classes) */
  static const char *const flag_sets[] = {"",  "i",  "u",  "iu",   "m",   "s",  "imsu", "dgy",
                                          "v", "iv", "mv", "sv", "imsv", "dgv", "gv",  "ivy"};
  const char *flags = flag_sets[(data[0] & 7) | ((data[0] & 0x10) >> 1)];
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
    fuzz_backtracker(&t, (unsigned)f, p, n);
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
