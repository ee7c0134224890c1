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
  EDGEFN_RE_V = 1u << 7, /* unicodeSets (ES2024): u's matching, with set notation in classes */
};
/* The flags under which a pattern matches code points (u or v). */
#define EDGEFN_RE_UNICODE (EDGEFN_RE_U | EDGEFN_RE_V)

/* Parses a flags string ("dgimsuvy" in any order, no repeats, not both u and v) of len
 * bytes. Returns the bit set, or -1 when a flag is unknown or repeated, or u comes with v. */
EDGEFN_INTERNAL int edgefn__re_parse_flags(const char *flags, size_t len);

/* One named group: its name (UTF-8, NUL-terminated, inside the translation's block) and
 * its group number. */
typedef struct edgefn__re_name {
  const char *name;
  uint32_t group;
} edgefn__re_name;

/* The structure of a translated pattern, one event per syntactic item in pattern order,
 * for the backtracking matcher (lib/js/regexp-bt.c), which builds its own program from it
 * instead of parsing JavaScript syntax a second time. A quantifier follows its atom (a
 * group's atom is its CLOSE event). */
enum {
  EDGEFN_RE_EV_ALT,     /* '|' */
  EDGEFN_RE_EV_OPEN,    /* '(': kind is one of EDGEFN_RE_GROUP_*; value the group number */
  EDGEFN_RE_EV_CLOSE,   /* ')' */
  EDGEFN_RE_EV_CHAR,    /* a literal: value is the character (unit, or code point under u) */
  EDGEFN_RE_EV_SET,     /* a class, \d \w \s \p{..} or '.': kind is '.' for a dot */
  EDGEFN_RE_EV_BOL,     /* ^ */
  EDGEFN_RE_EV_EOL,     /* $ */
  EDGEFN_RE_EV_WORDB,   /* \b */
  EDGEFN_RE_EV_NWORDB,  /* \B */
  EDGEFN_RE_EV_BACKREF, /* \n or \k<name>: value is the group number */
  EDGEFN_RE_EV_QUANT,   /* min, max (-1: none), kind 1 when greedy */
};
enum {
  EDGEFN_RE_GROUP_CAPTURE,
  EDGEFN_RE_GROUP_PLAIN,
  EDGEFN_RE_GROUP_AHEAD,
  EDGEFN_RE_GROUP_NOT_AHEAD,
  EDGEFN_RE_GROUP_BEHIND,
  EDGEFN_RE_GROUP_NOT_BEHIND,
};
typedef struct edgefn__re_event {
  uint8_t type, kind;
  uint32_t value;
  double min, max;
  /* CHAR and SET: the PCRE2 text the atom became, pattern[out_start, out_end) */
  size_t out_start, out_end;
} edgefn__re_event;

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
  edgefn__re_event *events; /* malloc'd, freed with the translation */
  size_t event_count;
  /* the PCRE2 text does not mean the same as the pattern (a repetition count above what
   * PCRE2 can count): only the backtracking matcher can run it */
  bool inexact;
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
/* Frees only the events (the caller keeps the block, which holds the names). */
EDGEFN_INTERNAL void edgefn__re_translation_free_events(edgefn__re_translation *t);

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

/* ---- the backtracking matcher (regexp-bt.c) ---- */

struct edgefn__heap_ctl; /* js/duk.h */

/* A pattern compiled for the backtracking matcher. */
typedef struct edgefn__re_bt edgefn__re_bt;

/* Whether PCRE2 would not run the translated pattern as JavaScript does (so the
 * backtracking matcher must): a capture inside a repeated group that an iteration can
 * skip, a repeated group that can match empty, a backreference into its own repeated
 * group or inside a lookbehind, any backreference under i (PCRE2 folds only ASCII there),
 * a lookbehind whose captures depend on matching order, a count above 65535. A pattern PCRE2 refuses to compile goes to the matcher as well. */
EDGEFN_INTERNAL bool edgefn__re_bt_needed(const edgefn__re_translation *t);

/* Compiles t (translated under flags). NULL with the message in msg when out of memory. */
EDGEFN_INTERNAL edgefn__re_bt *edgefn__re_bt_compile(const edgefn__re_translation *t,
                                                     unsigned flags, char *msg,
                                                     size_t msglen);
EDGEFN_INTERNAL void edgefn__re_bt_free(edgefn__re_bt *p);
/* Bytes the compiled pattern holds (counted against the runtime's memory). */
EDGEFN_INTERNAL size_t edgefn__re_bt_size(const edgefn__re_bt *p);

enum {
  EDGEFN_RE_BT_ECPU = -1,   /* the request's CPU budget ran out */
  EDGEFN_RE_BT_ESTACK = -2, /* the backtrack stack (or, with no budget, the steps) ran out */
  EDGEFN_RE_BT_ENOMEM = -3,
};

/* Searches (p keeps caches of what single characters matched) s[0..n) (UTF-16) from `start` (only there when sticky). Returns 1 with
 * ov[2k], ov[2k+1] set to group k's UTF-16 positions (SIZE_MAX when unset), 0 when there
 * is no match, or an EDGEFN_RE_BT_E* error. ctl (may be NULL) gives the CPU budget and
 * the memory the backtrack stack is counted in; with no budget running, max_steps (0: the
 * default, EDGEFN_REGEXP_BACKTRACK_STEPS_UNBUDGETED) bounds the work. */
EDGEFN_INTERNAL int edgefn__re_bt_exec(edgefn__re_bt *p, const uint16_t *s, size_t n,
                                       size_t start, struct edgefn__heap_ctl *ctl,
                                       uint64_t max_steps, size_t *ov);

#endif
