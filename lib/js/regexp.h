/* Regular expressions on PCRE2 (lib/js/regexp.c, lib/js/regexp-translate.c): the pure
 * translation of ECMAScript 2022 pattern syntax into PCRE2 syntax, and the check the
 * compiler uses to reject invalid regex literals at compile time.
 *
 * Patterns without the u flag run on the 16-bit library without UTF (one code unit per
 * character, as JavaScript matches them). Patterns with u run on the 32-bit library,
 * also without UTF, over the subject's code points: surrogate pairs joined, lone
 * surrogates kept as values. PCRE2's own UTF mode cannot match a lone surrogate (even
 * with PCRE2_MATCH_INVALID_UTF such a unit matches nothing), which JavaScript allows. */
#ifndef EDGEFN_JS_REGEXP_H
#define EDGEFN_JS_REGEXP_H

#include "core/core.h"

#include <stdint.h>

/* The flags of a RegExp, one bit each. */
enum {
  EDGEFN_RE_D = 1u << 0,
  EDGEFN_RE_G = 1u << 1,
  EDGEFN_RE_I = 1u << 2,
  EDGEFN_RE_M = 1u << 3,
  EDGEFN_RE_S = 1u << 4,
  EDGEFN_RE_U = 1u << 5,
  EDGEFN_RE_Y = 1u << 6,
};

/* Parses a flags string ("dgimsuy" in any order, no repeats) of len bytes. Returns the
 * bit set, or -1 when a flag is unknown or repeated. */
EDGEFN_INTERNAL int edgefn__re_parse_flags(const char *flags, size_t len);

/* One named group: its name (UTF-8, NUL-terminated, inside the translation's block) and
 * its group number. */
typedef struct edgefn__re_name {
  const char *name;
  uint32_t group;
} edgefn__re_name;

/* A translated pattern. `pattern` is ASCII PCRE2 syntax (every non-ASCII or special
 * character written as \x{...}); names are in group order. Everything lives in `block`
 * (malloc), freed by edgefn__re_translation_free. */
typedef struct edgefn__re_translation {
  const char *pattern;
  size_t pattern_len;
  uint32_t options; /* PCRE2 compile options to add */
  uint32_t groups;  /* capturing groups, not counting the whole match */
  const edgefn__re_name *names;
  size_t name_count;
  void *block;
} edgefn__re_translation;

/* Translates src[0..len) — UTF-16 code units without the u flag, code points with it —
 * under `flags` (EDGEFN_RE_*). Returns 0, or -1 with JavaScript's wording of the syntax
 * error in msg (e.g. "Unterminated group"; the caller adds the "Invalid regular
 * expression: /p/f: " prefix). Out of memory is reported as "Regular expression too
 * large". */
EDGEFN_INTERNAL int edgefn__re_translate(const uint32_t *src, size_t len, unsigned flags,
                                         edgefn__re_translation *out, char *msg,
                                         size_t msglen);
EDGEFN_INTERNAL void edgefn__re_translation_free(edgefn__re_translation *t);

/* Decodes Duktape's internal string form (CESU-8 / extended UTF-8) into UTF-16 code units:
 * returns a malloc'd array (NULL on out of memory; a 1-element array for an empty input)
 * and its length in *out_len. A 4-byte sequence becomes a surrogate pair. */
EDGEFN_INTERNAL uint16_t *edgefn__re_utf16_from_internal(const char *s, size_t len,
                                                         size_t *out_len);

/* For the compiler: checks the regex literal /pattern/flags (pattern in the internal
 * string form, as the lexer saw it; flags NUL-terminated, NULL for none). Returns 0 when it
 * is valid, or -1 with the whole SyntaxError message ("Invalid regular expression: /p/f:
 * ..." or "Invalid regular expression flags") in msg. Runs without a heap and may be called
 * from any thread; compiles the pattern with PCRE2 so that what PCRE2 cannot run is
 * rejected too. */
EDGEFN_INTERNAL int edgefn__regexp_check(const char *pattern, size_t len, const char *flags,
                                         char *msg, size_t msglen);

#endif
