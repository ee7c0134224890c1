/* ECMAScript 2022 pattern syntax → PCRE2 syntax. A single pass over the pattern (after a
 * pre-scan that counts capturing groups and collects their names, since JavaScript allows
 * forward references). Everything whose meaning differs between the two dialects is
 * written out explicitly: \d \w \s and `.` as JavaScript's character sets, ^ and $ as
 * JavaScript's line terminators, named groups as plain numbered groups (JavaScript names
 * allow characters PCRE2's do not; the names are kept here), every non-alphanumeric
 * literal as \x{...} so no PCRE2-only syntax can slip through. */
#include "js/regexp.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unictype.h>

#define MAX_NESTING 200 /* below PCRE2's default parenthesis nesting limit (250) */

/* JavaScript's WhiteSpace and LineTerminator (\s), as class contents. */
#define JS_SPACE \
  "\\x{9}-\\x{d}\\x{20}\\x{a0}\\x{1680}\\x{2000}-\\x{200a}\\x{2028}\\x{2029}\\x{202f}" \
  "\\x{205f}\\x{3000}\\x{feff}"
#define JS_DIGIT "0-9"
#define JS_WORD "A-Za-z0-9_"
#define JS_WORD_IU "A-Za-z0-9_\\x{17f}\\x{212a}"
#define JS_LINE_TERM "\\x{a}\\x{d}\\x{2028}\\x{2029}"
/* Characters PCRE2's caseless matching relates to others that JavaScript's Canonicalize
 * without u does not: long s, Kelvin sign, dotted and dotless i, sharp s and capital
 * sharp s. */
#define NONU_SPECIAL "[\\x{17f}\\x{212a}\\x{130}\\x{131}\\x{df}\\x{1e9e}]"

int edgefn__re_parse_flags(const char *flags, size_t len) {
  static const char order[] = "dgimsuyv"; /* the bit order of EDGEFN_RE_* */
  int bits = 0;
  for (size_t i = 0; i < len; i++) {
    const char *p = flags[i] ? strchr(order, flags[i]) : NULL;
    if (!p)
      return -1;
    int bit = 1 << (p - order);
    if (bits & bit)
      return -1;
    bits |= bit;
  }
  if ((bits & EDGEFN_RE_UNICODE) == EDGEFN_RE_UNICODE)
    return -1;
  return bits;
}

typedef struct sbuf {
  char *p;
  size_t len, cap;
  bool oom;
} sbuf;

static void sb_add(sbuf *b, const char *s, size_t n) {
  if (b->oom)
    return;
  if (b->len + n + 1 > b->cap) {
    size_t cap = b->cap ? b->cap * 2 : 64;
    while (cap < b->len + n + 1)
      cap *= 2;
    char *q = realloc(b->p, cap);
    if (!q) {
      b->oom = true;
      return;
    }
    b->p = q;
    b->cap = cap;
  }
  memcpy(b->p + b->len, s, n);
  b->len += n;
  b->p[b->len] = '\0';
}

static void sb_str(sbuf *b, const char *s) { sb_add(b, s, strlen(s)); }

static void sb_hex(sbuf *b, uint32_t c) {
  char tmp[16];
  int n = snprintf(tmp, sizeof(tmp), "\\x{%x}", (unsigned)c);
  sb_add(b, tmp, (size_t)n);
}

/* Where a group stands: for each enclosing disjunction, from the outside in, its number and
 * the alternative the group is in. Two groups of one name are allowed (ES2025) when some
 * disjunction has them in different alternatives: they can never both take part. */
typedef struct alt_step {
  uint32_t disjunction, alternative;
} alt_step;

typedef struct group_name {
  char *name; /* UTF-8 */
  uint32_t group;
  alt_step *path;
  size_t depth;
} group_name;

static bool might_both_participate(const group_name *a, const group_name *b) {
  for (size_t k = 0; k < a->depth && k < b->depth; k++) {
    if (a->path[k].disjunction != b->path[k].disjunction)
      return true;
    if (a->path[k].alternative != b->path[k].alternative)
      return false;
  }
  return true;
}

typedef struct parser {
  const uint32_t *s;
  size_t n, i;
  unsigned flags;
  bool u, ic, named; /* named: \k is a reference (u, or the pattern has named groups) */
  bool v;            /* unicodeSets: classes use set notation (u is set too) */
  bool ucp;          /* a modifier group turns i on: PCRE2_UCP, as under a global i */
  uint32_t total_groups, next_group;
  group_name *names;
  size_t name_count;
  int depth;
  sbuf out;
  const char *err;
  /* the structure, for the backtracking matcher: events so far, and what the atom being
   * read turned out to be (set by emit_literal, atom_escape, ...) */
  edgefn__re_event *ev;
  size_t ev_count, ev_cap;
  bool ev_oom, inexact;
  uint8_t atom_type, atom_kind;
  uint32_t atom_value;
} parser;

static edgefn__re_event *add_event(parser *p, uint8_t type) {
  if (p->ev_count == p->ev_cap) {
    size_t cap = p->ev_cap ? p->ev_cap * 2 : 16;
    edgefn__re_event *e = realloc(p->ev, cap * sizeof(*e));
    if (!e) {
      p->ev_oom = true;
      return NULL;
    }
    p->ev = e;
    p->ev_cap = cap;
  }
  edgefn__re_event *e = &p->ev[p->ev_count++];
  memset(e, 0, sizeof(*e));
  e->type = type;
  return e;
}

static bool fail(parser *p, const char *msg) {
  if (!p->err)
    p->err = msg;
  return false;
}

static bool at(parser *p, uint32_t c) { return p->i < p->n && p->s[p->i] == c; }
static bool is_digit(uint32_t c) { return c >= '0' && c <= '9'; }
static bool is_alpha(uint32_t c) { return (c | 0x20) >= 'a' && (c | 0x20) <= 'z'; }
static int hexv(uint32_t c) { return c < 128 ? edgefn__hex_value((int)c) : -1; }
static bool is_syntax_char(uint32_t c) { return c < 128 && strchr("^$\\.*+?()[]{}|/", (int)c); }

/* Appends UTF-8 of cp (surrogates in their 3-byte form) to b. */
static void sb_utf8(sbuf *b, uint32_t cp) {
  uint8_t tmp[4];
  size_t n = edgefn__utf8_put(tmp, cp);
  sb_add(b, (const char *)tmp, n);
}

/* Identifier characters of group names, approximated: any non-ASCII character except
 * surrogates (PCRE2 never sees the names, so this only decides what is rejected). */
static bool id_start(uint32_t c) {
  return is_alpha(c) || c == '$' || c == '_' || (c >= 0x80 && (c < 0xd800 || c > 0xdfff));
}
static bool id_part(uint32_t c) {
  return id_start(c) || is_digit(c) || c == 0x200c || c == 0x200d;
}

/* Reads \uXXXX (after the `\u`) or, when braces are allowed, \u{...}; joins a following
 * \uDCxx to a leading high surrogate under u. Returns false when the escape is malformed. */
static bool read_unicode_escape(parser *p, bool braces, uint32_t *out) {
  size_t i = p->i;
  if (braces && i < p->n && p->s[i] == '{') {
    uint32_t v = 0;
    size_t j = i + 1, start = j;
    while (j < p->n && hexv(p->s[j]) >= 0) {
      v = v * 16 + (uint32_t)hexv(p->s[j]);
      if (v > 0x10ffff)
        return false;
      j++;
    }
    if (j == start || j >= p->n || p->s[j] != '}')
      return false;
    p->i = j + 1;
    *out = v;
    return true;
  }
  if (i + 4 > p->n)
    return false;
  uint32_t v = 0;
  for (size_t k = 0; k < 4; k++) {
    int h = hexv(p->s[i + k]);
    if (h < 0)
      return false;
    v = v * 16 + (uint32_t)h;
  }
  p->i = i + 4;
  if (braces && v >= 0xd800 && v <= 0xdbff && p->i + 6 <= p->n && p->s[p->i] == '\\' &&
      p->s[p->i + 1] == 'u') {
    uint32_t lo = 0;
    bool ok = true;
    for (size_t k = 0; k < 4; k++) {
      int h = hexv(p->s[p->i + 2 + k]);
      if (h < 0) {
        ok = false;
        break;
      }
      lo = lo * 16 + (uint32_t)h;
    }
    if (ok && lo >= 0xdc00 && lo <= 0xdfff) {
      p->i += 6;
      v = 0x10000 + ((v - 0xd800) << 10) + (lo - 0xdc00);
    }
  }
  *out = v;
  return true;
}

/* A group name after `(?<` or `\k<`, up to and including `>`; returns its UTF-8 form in
 * b (cleared first). */
static bool read_group_name(parser *p, sbuf *b) {
  b->len = 0;
  bool first = true;
  for (;;) {
    if (p->i >= p->n)
      return false;
    uint32_t c = p->s[p->i++];
    if (c == '>')
      return !first;
    if (c == '\\') {
      if (!at(p, 'u'))
        return false;
      p->i++;
      if (!read_unicode_escape(p, true, &c))
        return false;
    } else if (!p->u && c >= 0xd800 && c <= 0xdbff && p->i < p->n && p->s[p->i] >= 0xdc00 &&
               p->s[p->i] <= 0xdfff) {
      c = 0x10000 + ((c - 0xd800) << 10) + (p->s[p->i++] - 0xdc00);
    }
    if (first ? !id_start(c) : !id_part(c))
      return false;
    first = false;
    sb_utf8(b, c);
    if (b->oom)
      return false;
  }
}

/* The pre-scan: counts capturing groups and records their names in order. */
static bool prescan(parser *p) {
  int in_class = 0; /* nesting depth: under v a class may hold classes */
  sbuf name = {0};
  /* the disjunctions around the scan position; [0] is the pattern's own */
  alt_step stack[MAX_NESTING + 2];
  size_t depth = 1;
  uint32_t disjunctions = 1;
  stack[0] = (alt_step){0, 0};
  for (size_t i = 0; i < p->n; i++) {
    uint32_t c = p->s[i];
    if (c == '\\') {
      i++;
      continue;
    }
    if (in_class) {
      if (c == ']')
        in_class--;
      else if (c == '[' && p->v)
        in_class++;
      continue;
    }
    if (c == '|') {
      stack[depth - 1].alternative++;
      continue;
    }
    if (c == ')') {
      if (depth > 1)
        depth--;
      continue;
    }
    if (c == '[') {
      in_class = 1;
    } else if (c == '(') {
      /* a group is a new disjunction inside the current alternative (too deep a nesting
       * fails later, in the parser) */
      bool push = depth < EDGEFN_ARRAY_LEN(stack);
      /* (?i...: or (?mi-s: — a modifier group that turns case folding on */
      if (i + 1 < p->n && p->s[i + 1] == '?')
        for (size_t j = i + 2; j < p->n && p->s[j] < 128 && strchr("ims", (int)p->s[j]); j++)
          if (p->s[j] == 'i')
            p->ucp = true;
      if (i + 1 < p->n && p->s[i + 1] == '?') {
        if (i + 2 < p->n && p->s[i + 2] == '<' && i + 3 < p->n && p->s[i + 3] != '=' &&
            p->s[i + 3] != '!') {
          p->total_groups++;
          size_t save = p->i;
          p->i = i + 3;
          if (!read_group_name(p, &name)) {
            p->i = save;
            free(name.p);
            return fail(p, name.oom ? "Regular expression too large"
                                    : "Invalid capture group name");
          }
          p->i = save;
          group_name *nn = realloc(p->names, (p->name_count + 1) * sizeof(*nn));
          char *copy = nn ? edgefn__strndup(name.p, name.len) : NULL;
          alt_step *path = copy ? malloc(depth * sizeof(*path)) : NULL;
          if (!nn || !copy || !path) {
            if (nn)
              p->names = nn;
            free(copy);
            free(path);
            free(name.p);
            return fail(p, "Regular expression too large");
          }
          memcpy(path, stack, depth * sizeof(*path));
          p->names = nn;
          group_name *g = &p->names[p->name_count++];
          *g = (group_name){copy, p->total_groups, path, depth};
          for (size_t k = 0; k + 1 < p->name_count; k++)
            if (strcmp(p->names[k].name, copy) == 0 && might_both_participate(&p->names[k], g)) {
              free(name.p);
              return fail(p, "Duplicate capture group name");
            }
        }
      } else {
        p->total_groups++;
      }
      if (push)
        stack[depth++] = (alt_step){disjunctions++, 0};
    }
  }
  free(name.p);
  return true;
}

static void emit_literal(parser *p, uint32_t c) {
  p->atom_type = EDGEFN_RE_EV_CHAR;
  p->atom_value = c;
  /* PCRE2 folds k/s with the Kelvin sign and long s, and i/I with dotted/dotless i under
   * Unicode rules; JavaScript's Canonicalize without u never maps a non-ASCII character to
   * an ASCII one (and with u, case folding leaves the Turkish i's alone). */
  if (p->ic) {
    uint32_t l = c | 0x20;
    if (c < 128 && (l == 'i' || (!p->u && (l == 'k' || l == 's')))) {
      char tmp[16];
      snprintf(tmp, sizeof(tmp), "(?-i:[%c%c])", (char)l, (char)(l - 32));
      sb_str(&p->out, tmp);
      return;
    }
    if (c == 0x130 || c == 0x131 ||
        (!p->u && (c == 0x17f || c == 0x212a || c == 0xdf || c == 0x1e9e))) {
      sb_str(&p->out, "(?-i:");
      sb_hex(&p->out, c);
      sb_str(&p->out, ")");
      return;
    }
  }
  if (c < 128 && (is_alpha(c) || is_digit(c))) {
    char ch = (char)c;
    sb_add(&p->out, &ch, 1);
  } else {
    sb_hex(&p->out, c);
  }
}

/* ---- Unicode properties (\p{...} under u) ---- */

static const char *const gc_names[][2] = {
    {"Cased_Letter", "L&"},        {"Close_Punctuation", "Pe"},
    {"Combining_Mark", "M"},       {"Connector_Punctuation", "Pc"},
    {"Control", "Cc"},             {"cntrl", "Cc"},
    {"Currency_Symbol", "Sc"},     {"Dash_Punctuation", "Pd"},
    {"Decimal_Number", "Nd"},      {"digit", "Nd"},
    {"Enclosing_Mark", "Me"},      {"Final_Punctuation", "Pf"},
    {"Format", "Cf"},              {"Initial_Punctuation", "Pi"},
    {"Letter", "L"},               {"Letter_Number", "Nl"},
    {"Line_Separator", "Zl"},      {"Lowercase_Letter", "Ll"},
    {"Mark", "M"},                 {"Math_Symbol", "Sm"},
    {"Modifier_Letter", "Lm"},     {"Modifier_Symbol", "Sk"},
    {"Nonspacing_Mark", "Mn"},     {"Number", "N"},
    {"Open_Punctuation", "Ps"},    {"Other", "C"},
    {"Other_Letter", "Lo"},        {"Other_Number", "No"},
    {"Other_Punctuation", "Po"},   {"Other_Symbol", "So"},
    {"Paragraph_Separator", "Zp"}, {"Private_Use", "Co"},
    {"Punctuation", "P"},          {"punct", "P"},
    {"Separator", "Z"},            {"Space_Separator", "Zs"},
    {"Spacing_Mark", "Mc"},        {"Surrogate", "Cs"},
    {"Symbol", "S"},               {"Titlecase_Letter", "Lt"},
    {"Unassigned", "Cn"},          {"Uppercase_Letter", "Lu"},
    {"LC", "L&"},
};

static const char *const gc_short[] = {"C",  "Cc", "Cf", "Cn", "Co", "Cs", "L",  "Ll", "Lm",
                                       "Lo", "Lt", "Lu", "M",  "Mc", "Me", "Mn", "N",  "Nd",
                                       "Nl", "No", "P",  "Pc", "Pd", "Pe", "Pf", "Pi", "Po",
                                       "Ps", "S",  "Sc", "Sk", "Sm", "So", "Z",  "Zl", "Zp",
                                       "Zs"};

/* ECMA-262 table 67 (binary Unicode properties), long and short names. */
static const char *const binary_props[] = {
    "ASCII_Hex_Digit", "AHex", "Alphabetic", "Alpha", "Bidi_Control", "Bidi_C",
    "Bidi_Mirrored", "Bidi_M", "Case_Ignorable", "CI", "Cased", "Changes_When_Casefolded",
    "CWCF", "Changes_When_Casemapped", "CWCM", "Changes_When_Lowercased", "CWL",
    "Changes_When_NFKC_Casefolded", "CWKCF", "Changes_When_Titlecased", "CWT",
    "Changes_When_Uppercased", "CWU", "Dash", "Default_Ignorable_Code_Point", "DI",
    "Deprecated", "Dep", "Diacritic", "Dia", "Emoji", "Emoji_Component", "EComp",
    "Emoji_Modifier", "EMod", "Emoji_Modifier_Base", "EBase", "Emoji_Presentation", "EPres",
    "Extended_Pictographic", "ExtPict", "Extender", "Ext", "Grapheme_Base", "Gr_Base",
    "Grapheme_Extend", "Gr_Ext", "Hex_Digit", "Hex", "IDS_Binary_Operator", "IDSB",
    "IDS_Trinary_Operator", "IDST", "ID_Continue", "IDC", "ID_Start", "IDS", "Ideographic",
    "Ideo", "Join_Control", "Join_C", "Logical_Order_Exception", "LOE", "Lowercase", "Lower",
    "Math", "Noncharacter_Code_Point", "NChar", "Pattern_Syntax", "Pat_Syn",
    "Pattern_White_Space", "Pat_WS", "Quotation_Mark", "QMark", "Radical",
    "Regional_Indicator", "RI", "Sentence_Terminal", "STerm", "Soft_Dotted", "SD",
    "Terminal_Punctuation", "Term", "Unified_Ideograph", "UIdeo", "Uppercase", "Upper",
    "Variation_Selector", "VS", "White_Space", "space", "XID_Continue", "XIDC", "XID_Start",
    "XIDS"};

static const char *gc_lookup(const char *v) {
  for (size_t k = 0; k < EDGEFN_ARRAY_LEN(gc_short); k++)
    if (strcmp(gc_short[k], v) == 0)
      return gc_short[k];
  for (size_t k = 0; k < EDGEFN_ARRAY_LEN(gc_names); k++)
    if (strcmp(gc_names[k][0], v) == 0)
      return gc_names[k][1];
  return NULL;
}

/* ---- case-dependent properties under iu ----
 * JavaScript matches \p{Lu} under iu as "some character of Lu has the same case fold", so
 * /\p{Lu}/iu matches 'a'; PCRE2 never folds its \p items. These properties are therefore
 * written as explicit ranges (the complement's ranges for \P), which PCRE2's caseless class
 * matching folds exactly so. The ranges come from libunistring, once per process and
 * property. (Under v the standard folds the set before complementing: not done here.) */
static const struct {
  const char *pcre2, *alias; /* the names read_property writes for it */
  bool (*has)(ucs4_t c);
} case_props[] = {
    {"Lu", "Lu", NULL},
    {"Ll", "Ll", NULL},
    {"Lt", "Lt", NULL},
    {"Uppercase", "Upper", uc_is_property_uppercase},
    {"Lowercase", "Lower", uc_is_property_lowercase},
    {"Changes_When_Lowercased", "CWL", uc_is_property_changes_when_lowercased},
    {"Changes_When_Uppercased", "CWU", uc_is_property_changes_when_uppercased},
    {"Changes_When_Titlecased", "CWT", uc_is_property_changes_when_titlecased},
    {"Changes_When_Casefolded", "CWCF", uc_is_property_changes_when_casefolded},
};
#define CASE_PROP_COUNT (sizeof(case_props) / sizeof(case_props[0]))
static char *case_ranges[CASE_PROP_COUNT][2]; /* [prop][negate]: PCRE2 class body, or NULL */
static pthread_mutex_t case_ranges_lock = PTHREAD_MUTEX_INITIALIZER;

static bool case_prop_has(size_t k, ucs4_t c) {
  switch (k) {
  case 0: return uc_is_general_category(c, UC_CATEGORY_Lu);
  case 1: return uc_is_general_category(c, UC_CATEGORY_Ll);
  case 2: return uc_is_general_category(c, UC_CATEGORY_Lt);
  default: return case_props[k].has(c);
  }
}

/* The class body of property k's ranges (or its complement's), made at first use. */
static const char *case_prop_ranges(size_t k, bool negate) {
  pthread_mutex_lock(&case_ranges_lock);
  char *r = case_ranges[k][negate];
  if (!r) {
    sbuf b = {0};
    uint32_t start = 0;
    bool in = false;
    for (uint32_t c = 0; c <= 0x110000; c++) {
      bool has = c <= 0x10ffff && case_prop_has(k, c) != negate;
      if (has && !in) {
        start = c;
        in = true;
      } else if (!has && in) {
        sb_hex(&b, start);
        if (c - 1 > start) {
          sb_str(&b, "-");
          sb_hex(&b, c - 1);
        }
        in = false;
      }
    }
    if (!b.oom && b.len) {
      sb_add(&b, "", 1); /* the terminator */
      r = case_ranges[k][negate] = b.p;
    } else {
      free(b.p);
    }
  }
  pthread_mutex_unlock(&case_ranges_lock);
  return r;
}

/* Writes `item` (a property's PCRE2 name) as \p{item} / \P{item}, or under iu / iv as
 * ranges when it is case-dependent. \P under iu is the complement's ranges (some case
 * variant outside the property); under iv the standard complements after folding (no case
 * variant inside): a negative lookahead over the property's ranges, which v's classes build
 * themselves (v_operand) and which is written here outside a class. */
static void put_property(parser *p, sbuf *b, const char *item, bool negate, bool in_class) {
  if (p->ic && p->u)
    for (size_t k = 0; k < CASE_PROP_COUNT; k++)
      if (strcmp(case_props[k].pcre2, item) == 0 || strcmp(case_props[k].alias, item) == 0) {
        bool lookahead = negate && p->v && !in_class;
        const char *r = case_prop_ranges(k, negate && !lookahead);
        if (!r)
          break; /* out of memory: the plain item */
        sb_str(b, lookahead ? "(?:(?![" : in_class ? "" : "[");
        sb_str(b, r);
        sb_str(b, lookahead ? "])(?s:.))" : in_class ? "" : "]");
        return;
      }
  sb_str(b, negate ? "\\P{" : "\\p{");
  sb_str(b, item);
  sb_str(b, "}");
}

/* Reads {name} or {name=value} after \p / \P and appends the PCRE2 item (a \p{...} or a
 * class) to b. In a class (in_class) the item must be usable inside [...]. */
static bool read_property(parser *p, bool negate, sbuf *b, bool in_class) {
  char name[64], value[64];
  size_t nl = 0, vl = 0;
  bool has_value = false;
  if (!at(p, '{'))
    return fail(p, "Invalid property name");
  p->i++;
  for (;;) {
    if (p->i >= p->n)
      return fail(p, "Invalid property name");
    uint32_t c = p->s[p->i++];
    if (c == '}')
      break;
    if (c == '=' && !has_value) {
      has_value = true;
      continue;
    }
    if (!(is_alpha(c) || is_digit(c) || c == '_'))
      return fail(p, "Invalid property name");
    if (has_value) {
      if (vl + 1 >= sizeof(value))
        return fail(p, "Invalid property name");
      value[vl++] = (char)c;
    } else {
      if (nl + 1 >= sizeof(name))
        return fail(p, "Invalid property name");
      name[nl++] = (char)c;
    }
  }
  name[nl] = '\0';
  value[vl] = '\0';
  if (nl == 0 || (has_value && vl == 0))
    return fail(p, "Invalid property name");
  const char *pfx = negate ? "\\P{" : "\\p{";
  if (has_value) {
    const char *kind;
    if (!strcmp(name, "General_Category") || !strcmp(name, "gc")) {
      const char *gc = gc_lookup(value);
      if (!gc)
        return fail(p, "Invalid property name");
      put_property(p, b, gc, negate, in_class);
      return true;
    }
    if (!strcmp(name, "Script") || !strcmp(name, "sc"))
      kind = "sc:";
    else if (!strcmp(name, "Script_Extensions") || !strcmp(name, "scx"))
      kind = "scx:";
    else
      return fail(p, "Invalid property name");
    sb_str(b, pfx);
    sb_str(b, kind);
    sb_str(b, value);
    sb_str(b, "}");
    return true;
  }
  const char *gc = gc_lookup(name);
  if (gc) {
    put_property(p, b, gc, negate, in_class);
    return true;
  }
  if (!strcmp(name, "Any") || !strcmp(name, "ASCII") || !strcmp(name, "Assigned")) {
    const char *set = !strcmp(name, "Any")     ? (negate ? NULL : "\\x{0}-\\x{10ffff}")
                      : !strcmp(name, "ASCII") ? "\\x{0}-\\x{7f}"
                                               : NULL;
    if (!strcmp(name, "Assigned")) {
      sb_str(b, negate ? "\\p{Cn}" : "\\P{Cn}");
      return true;
    }
    if (!set) { /* \P{Any}: nothing */
      sb_str(b, in_class ? "" : "(?!)");
      return true;
    }
    if (in_class) {
      if (negate && !strcmp(name, "ASCII"))
        sb_str(b, "\\x{80}-\\x{10ffff}");
      else
        sb_str(b, set);
    } else {
      sb_str(b, negate ? "[^" : "[");
      sb_str(b, set);
      sb_str(b, "]");
    }
    return true;
  }
  for (size_t k = 0; k < EDGEFN_ARRAY_LEN(binary_props); k++)
    if (!strcmp(binary_props[k], name)) {
      put_property(p, b, name, negate, in_class);
      return true;
    }
  return fail(p, "Invalid property name");
}

/* ---- character classes ---- */

/* A class atom: a single character (set = 0) or one of the sets d D w W s S p (set = the
 * letter; for p, prop holds the PCRE2 item). */
typedef struct class_atom {
  uint32_t c;
  char set;
} class_atom;

static bool class_escape(parser *p, class_atom *a, sbuf *prop) {
  if (p->i >= p->n)
    return fail(p, "\\ at end of pattern");
  uint32_t c = p->s[p->i++];
  a->set = 0;
  switch (c) {
  case 'd': case 'D': case 'w': case 'W': case 's': case 'S':
    a->set = (char)c;
    return true;
  case 'p': case 'P':
    if (p->u) {
      prop->len = 0;
      a->set = 'p';
      return read_property(p, c == 'P', prop, true);
    }
    a->c = c;
    return true;
  case 'b': a->c = 8; return true;
  case 'f': a->c = 12; return true;
  case 'n': a->c = 10; return true;
  case 'r': a->c = 13; return true;
  case 't': a->c = 9; return true;
  case 'v': a->c = 11; return true;
  case '-':
    a->c = '-';
    return true;
  case 'c':
    if (p->i < p->n && (is_alpha(p->s[p->i]) ||
                        (!p->u && (is_digit(p->s[p->i]) || p->s[p->i] == '_')))) {
      a->c = p->s[p->i++] % 32;
      return true;
    }
    if (p->u)
      return fail(p, "Invalid class escape");
    p->i--; /* Annex B: a literal backslash; the c is read next */
    a->c = '\\';
    return true;
  case 'x':
    if (p->i + 2 <= p->n && hexv(p->s[p->i]) >= 0 && hexv(p->s[p->i + 1]) >= 0) {
      a->c = (uint32_t)(hexv(p->s[p->i]) * 16 + hexv(p->s[p->i + 1]));
      p->i += 2;
      return true;
    }
    if (p->u)
      return fail(p, "Invalid escape");
    a->c = 'x';
    return true;
  case 'u':
    if (read_unicode_escape(p, p->u, &a->c))
      return true;
    if (p->u)
      return fail(p, "Invalid Unicode escape");
    a->c = 'u';
    return true;
  default:
    break;
  }
  if (is_digit(c)) {
    if (p->u) {
      if (c == '0' && !(p->i < p->n && is_digit(p->s[p->i]))) {
        a->c = 0;
        return true;
      }
      return fail(p, "Invalid class escape");
    }
    if (c >= '8') {
      a->c = c;
      return true;
    }
    uint32_t v = c - '0';
    for (int k = 0; k < 2 && p->i < p->n && p->s[p->i] >= '0' && p->s[p->i] <= '7'; k++) {
      uint32_t nv = v * 8 + (p->s[p->i] - '0');
      if (nv > 0377)
        break;
      v = nv;
      p->i++;
    }
    a->c = v;
    return true;
  }
  if (p->u && !is_syntax_char(c))
    return fail(p, "Invalid escape");
  a->c = c;
  return true;
}

static void class_set_body(sbuf *b, char set) {
  switch (set) {
  case 'd': sb_str(b, JS_DIGIT); break;
  case 'w': sb_str(b, JS_WORD); break;
  case 's': sb_str(b, JS_SPACE); break;
  default: break;
  }
}

/* The characters JavaScript's case folding without u leaves alone (their upper case is
 * several characters, or ASCII from non-ASCII) while PCRE2 folds them with others. */
static const uint32_t nonu_special[] = {0xdf, 0x130, 0x131, 0x17f, 0x1e9e, 0x212a};

/* Appends lo..hi without the special characters to b. */
static void sb_range_no_special(sbuf *b, uint32_t lo, uint32_t hi) {
  for (size_t k = 0; k <= EDGEFN_ARRAY_LEN(nonu_special) && lo <= hi; k++) {
    uint32_t sp = k < EDGEFN_ARRAY_LEN(nonu_special) ? nonu_special[k] : 0x110000;
    if (sp < lo)
      continue;
    uint32_t end = sp > hi ? hi : sp - 1;
    if (sp > lo) {
      sb_hex(b, lo);
      if (end > lo) {
        sb_str(b, "-");
        sb_hex(b, end);
      }
    }
    if (sp > hi)
      break;
    lo = sp + 1;
  }
}

static bool parse_class(parser *p) {
  /* p->i is just after '[' */
  bool negate = false;
  if (at(p, '^')) {
    negate = true;
    p->i++;
  }
  sbuf body = {0}, comp = {0}, prop = {0};
  sbuf body_ns = {0}; /* under i without u: body without the special characters */
  size_t ncomp = 0;
  bool ok = true;
  for (;;) {
    if (p->i >= p->n) {
      ok = fail(p, "Unterminated character class");
      break;
    }
    if (p->s[p->i] == ']') {
      p->i++;
      break;
    }
    class_atom a = {0, 0}, b2 = {0, 0};
    uint32_t c = p->s[p->i++];
    if (c == '\\') {
      if (!class_escape(p, &a, &prop)) {
        ok = false;
        break;
      }
    } else {
      a.c = c;
    }
    bool range = false;
    if (p->i + 1 < p->n && p->s[p->i] == '-' && p->s[p->i + 1] != ']') {
      size_t save = p->i;
      p->i++;
      uint32_t c2 = p->s[p->i++];
      sbuf prop2 = {0};
      if (c2 == '\\') {
        if (!class_escape(p, &b2, &prop2)) {
          free(prop2.p);
          ok = false;
          break;
        }
      } else {
        b2.c = c2;
      }
      free(prop2.p);
      if (a.set || b2.set) {
        if (p->u) {
          ok = fail(p, "Invalid character class");
          break;
        }
        p->i = save; /* Annex B: the '-' is literal */
      } else {
        if (a.c > b2.c) {
          ok = fail(p, "Range out of order in character class");
          break;
        }
        range = true;
      }
    }
    if (a.set == 'p') {
      sb_add(&body, prop.p ? prop.p : "", prop.len);
    } else if (a.set == 'd' || a.set == 'w' || a.set == 's') {
      class_set_body(&body, a.set);
      class_set_body(&body_ns, a.set);
    } else if (a.set) {
      /* \D \W \S: a complement, matched as an alternative */
      if (ncomp++)
        sb_str(&comp, "|");
      sb_str(&comp, "[^");
      class_set_body(&comp, (char)(a.set | 0x20));
      sb_str(&comp, "]");
    } else {
      sb_hex(&body, a.c);
      if (range) {
        sb_str(&body, "-");
        sb_hex(&body, b2.c);
      }
      sb_range_no_special(&body_ns, a.c, range ? b2.c : a.c);
    }
  }
  if (ok && (body.oom || comp.oom || prop.oom || body_ns.oom))
    ok = fail(p, "Regular expression too large");
  if (ok) {
    sbuf *o = &p->out;
    if (!ncomp) {
      if (body.len == 0)
        sb_str(o, negate ? "(?s:.)" : "(?!)");
      else if (p->ic && !p->u) {
        /* Without u, JavaScript never folds these onto ASCII (or ß onto ẞ) as PCRE2's
         * caseless classes do: a special character matches the class only as itself, and
         * another character is folded against the class without them (k against [K] but
         * not against the Kelvin sign). */
        sb_str(o, "(?:(?!(?-i:" NONU_SPECIAL "))");
        if (body_ns.len) {
          sb_str(o, negate ? "[^" : "[");
          sb_add(o, body_ns.p, body_ns.len);
          sb_str(o, "]");
        } else {
          sb_str(o, negate ? "(?s:.)" : "(?!)");
        }
        sb_str(o, negate ? "|(?-i:(?=" NONU_SPECIAL ")[^" : "|(?-i:[");
        sb_add(o, body.p, body.len);
        sb_str(o, "]))");
      } else {
        sb_str(o, negate ? "[^" : "[");
        sb_add(o, body.p, body.len);
        sb_str(o, "]");
      }
    } else {
      sb_str(o, negate ? "(?:(?!" : "(?:");
      if (body.len && p->ic && !p->u) { /* as above, for the class's own members */
        sb_str(o, "(?!(?-i:" NONU_SPECIAL "))");
        if (body_ns.len) {
          sb_str(o, "[");
          sb_add(o, body_ns.p, body_ns.len);
          sb_str(o, "]");
        } else {
          sb_str(o, "(?!)");
        }
        sb_str(o, "|(?-i:[");
        sb_add(o, body.p, body.len);
        sb_str(o, "])|");
      } else if (body.len) {
        sb_str(o, "[");
        sb_add(o, body.p, body.len);
        sb_str(o, "]|");
      }
      /* \D \W \S: without u, their sets are closed under JavaScript's folding, and PCRE2's
       * would take the long s and the Kelvin sign out of \W (they fold onto word characters) */
      if (p->ic && !p->u)
        sb_str(o, "(?-i:");
      sb_add(o, comp.p, comp.len);
      if (p->ic && !p->u)
        sb_str(o, ")");
      sb_str(o, negate ? ")(?s:.))" : ")");
    }
  }
  free(body.p);
  free(body_ns.p);
  free(comp.p);
  free(prop.p);
  return ok;
}

/* ---- classes under v (ES2024 unicodeSets): nested classes, set operations, strings ----
 * A class becomes PCRE2 text that matches one code point of its set (`m`; empty when the
 * set has none) and a list of strings of other lengths, from \q{...}. Union is
 * alternation, intersection `(?=B)A`, subtraction `(?!B)A`, a complement `(?!A)(?s:.)`:
 * each operand matches exactly one code point, so these are exact. Strings take part in
 * the operations as whole strings. Not supported: properties of strings (\p{RGI_Emoji} and
 * the like), which are a SyntaxError here. */

typedef struct vstr {
  uint32_t *c;
  size_t n;
} vstr;

typedef struct vset {
  sbuf m;
  vstr *strs;
  size_t nstr, strs_cap; /* grown by doubling: one more each time copied the whole list */
  bool oom;
  uint32_t *tab; /* a hash index of strs (index + 1 per slot, 0 empty); NULL: not built */
  size_t tab_cap;
} vset;

static void vset_free(vset *v) {
  free(v->m.p);
  for (size_t k = 0; k < v->nstr; k++)
    free(v->strs[k].c);
  free(v->strs);
  free(v->tab);
  memset(v, 0, sizeof(*v));
}

static uint32_t vstr_hash(const uint32_t *c, size_t n) {
  uint32_t h = 2166136261u ^ (uint32_t)n;
  for (size_t k = 0; k < n; k++)
    h = (h ^ c[k]) * 16777619u;
  return h;
}

static bool vstr_equal(const vstr *s, const uint32_t *c, size_t n) {
  return s->n == n && (n == 0 || memcmp(s->c, c, n * sizeof(*c)) == 0);
}

/* (Re)builds the hash index for at least `want` strings; false when out of memory. */
static bool vset_index(vset *v, size_t want) {
  if (v->tab && v->tab_cap >= 2 * want)
    return true;
  size_t cap = 16;
  while (cap < 2 * want)
    cap *= 2;
  uint32_t *tab = calloc(cap, sizeof(*tab));
  if (!tab)
    return false;
  for (size_t k = 0; k < v->nstr; k++) {
    size_t at = vstr_hash(v->strs[k].c, v->strs[k].n) & (cap - 1);
    while (tab[at])
      at = (at + 1) & (cap - 1);
    tab[at] = (uint32_t)k + 1;
  }
  free(v->tab);
  v->tab = tab;
  v->tab_cap = cap;
  return true;
}

static bool vset_has_str(vset *v, const uint32_t *c, size_t n) {
  if (!v->nstr)
    return false;
  if (!vset_index(v, v->nstr)) { /* out of memory: the slow way */
    for (size_t k = 0; k < v->nstr; k++)
      if (vstr_equal(&v->strs[k], c, n))
        return true;
    return false;
  }
  for (size_t at = vstr_hash(c, n) & (v->tab_cap - 1); v->tab[at]; at = (at + 1) & (v->tab_cap - 1))
    if (vstr_equal(&v->strs[v->tab[at] - 1], c, n))
      return true;
  return false;
}

/* At most this many strings in one class (each is hashed once, compared with the strings of
 * the same hash): a bound on the pattern text a class becomes. More is "Regular expression
 * too large". */
#define VSET_MAX_STRINGS 4096u

static void vset_add_str(vset *v, const uint32_t *c, size_t n) {
  if (v->oom || v->nstr >= VSET_MAX_STRINGS) {
    v->oom = true;
    return;
  }
  if (vset_has_str(v, c, n))
    return;
  vstr *ns = v->strs;
  if (v->nstr == v->strs_cap) {
    size_t cap = v->strs_cap ? v->strs_cap * 2 : 8;
    ns = realloc(v->strs, cap * sizeof(*ns));
    if (ns) {
      v->strs = ns;
      v->strs_cap = cap;
    }
  }
  uint32_t *copy = malloc((n ? n : 1) * sizeof(*copy));
  if (!ns || !copy) {
    if (ns)
      v->strs = ns;
    free(copy);
    v->oom = true;
    return;
  }
  if (n)
    memcpy(copy, c, n * sizeof(*c));
  v->strs = ns;
  v->strs[v->nstr].c = copy;
  v->strs[v->nstr].n = n;
  v->nstr++;
  if (v->tab) { /* keep the index: grow it, or enter the new string */
    if (v->tab_cap < 2 * v->nstr) {
      free(v->tab);
      v->tab = NULL;
    } else {
      size_t at = vstr_hash(copy, n) & (v->tab_cap - 1);
      while (v->tab[at])
        at = (at + 1) & (v->tab_cap - 1);
      v->tab[at] = (uint32_t)v->nstr;
    }
  }
}

static bool is_reserved_punct(uint32_t c) { return c < 128 && strchr("&-!#%,:;<=>@`~", (int)c) && c; }
static bool is_reserved_double(uint32_t c) {
  return c < 128 && c && strchr("&!#$%*+,.:;<=>?@^`~", (int)c);
}

/* A ClassSetCharacter at p->i. */
static bool v_char(parser *p, uint32_t *out) {
  if (p->i >= p->n)
    return fail(p, "Unterminated character class");
  uint32_t c = p->s[p->i];
  if (c == '\\') {
    p->i++;
    if (p->i < p->n && p->s[p->i] == 'b') {
      p->i++;
      *out = 8;
      return true;
    }
    if (p->i < p->n && is_reserved_punct(p->s[p->i])) {
      *out = p->s[p->i++];
      return true;
    }
    class_atom a = {0, 0};
    sbuf prop = {0};
    bool ok = class_escape(p, &a, &prop);
    free(prop.p);
    if (!ok)
      return false;
    if (a.set)
      return fail(p, "Invalid set operation in character class");
    *out = a.c;
    return true;
  }
  if (c < 128 && strchr("()[]{}/-|", (int)c))
    return fail(p, "Invalid set operation in character class");
  if (is_reserved_double(c) && p->i + 1 < p->n && p->s[p->i + 1] == c)
    return fail(p, "Invalid set operation in character class");
  p->i++;
  *out = c;
  return true;
}

static bool v_contents(parser *p, vset *res);

/* A nested class ('[' read): its set, complemented for [^...]. */
static bool v_class(parser *p, vset *res) {
  bool negate = false;
  if (at(p, '^')) {
    negate = true;
    p->i++;
  }
  if (++p->depth > MAX_NESTING)
    return fail(p, "Regular expression too large");
  if (!v_contents(p, res))
    return false;
  if (!at(p, ']'))
    return fail(p, "Unterminated character class");
  p->i++;
  p->depth--;
  if (negate) {
    if (res->nstr)
      return fail(p, "Negated character class may contain strings");
    sbuf m = {0};
    if (res->m.len) {
      sb_str(&m, "(?:(?!");
      sb_add(&m, res->m.p, res->m.len);
      sb_str(&m, ")(?s:.))");
    } else {
      sb_str(&m, "(?s:.)");
    }
    free(res->m.p);
    res->m = m;
  }
  return true;
}

/* \q{a|bc|...}: "\q{" already read. Strings of one character join the set's characters
 * (written to body). */
static bool v_strings(parser *p, vset *res, sbuf *body) {
  uint32_t buf[256];
  size_t n = 0;
  for (;;) {
    if (p->i >= p->n)
      return fail(p, "Invalid escape");
    uint32_t c = p->s[p->i];
    if (c == '|' || c == '}') {
      p->i++;
      if (n == 1)
        sb_hex(body, buf[0]);
      else
        vset_add_str(res, buf, n);
      n = 0;
      if (c == '}')
        return true;
      continue;
    }
    uint32_t ch;
    if (!v_char(p, &ch))
      return false;
    if (n == EDGEFN_ARRAY_LEN(buf))
      return fail(p, "Regular expression too large");
    buf[n++] = ch;
  }
}

/* One ClassSetOperand into *op (m and strings), or a single character (*single set). */
static bool v_operand(parser *p, vset *op, bool *single, uint32_t *ch) {
  *single = false;
  if (at(p, '[')) {
    p->i++;
    return v_class(p, op);
  }
  if (at(p, '\\') && p->i + 1 < p->n) {
    uint32_t e = p->s[p->i + 1];
    if (e == 'q' && p->i + 2 < p->n && p->s[p->i + 2] == '{') {
      p->i += 3;
      sbuf body = {0};
      bool ok = v_strings(p, op, &body);
      if (ok && body.len) {
        sb_str(&op->m, "[");
        sb_add(&op->m, body.p, body.len);
        sb_str(&op->m, "]");
      }
      op->oom |= body.oom;
      free(body.p);
      return ok;
    }
    if ((e == 'P' || e == 'p') && p->ic) {
      /* under iv, \P is what the positive property does not match after folding */
      p->i += 2;
      sbuf prop = {0};
      bool ok = read_property(p, false, &prop, true);
      if (ok && e == 'p' && prop.len) {
        sb_str(&op->m, "[");
        sb_add(&op->m, prop.p, prop.len);
        sb_str(&op->m, "]");
      } else if (ok && e == 'P') {
        if (prop.len) {
          sb_str(&op->m, "(?:(?![");
          sb_add(&op->m, prop.p, prop.len);
          sb_str(&op->m, "])(?s:.))");
        } else {
          sb_str(&op->m, "(?s:.)");
        }
      }
      op->oom |= prop.oom;
      free(prop.p);
      return ok;
    }
    if (e < 128 && strchr("dDsSwWpP", (int)e)) {
      p->i++;
      class_atom a = {0, 0};
      sbuf prop = {0};
      bool ok = class_escape(p, &a, &prop);
      if (ok) {
        if (a.set == 'p') {
          if (prop.len) {
            sb_str(&op->m, "[");
            sb_add(&op->m, prop.p, prop.len);
            sb_str(&op->m, "]");
          }
        } else if (a.set == 'd' || a.set == 'w' || a.set == 's') {
          sb_str(&op->m, "[");
          class_set_body(&op->m, a.set);
          sb_str(&op->m, "]");
        } else {
          sb_str(&op->m, "[^");
          class_set_body(&op->m, (char)(a.set | 0x20));
          sb_str(&op->m, "]");
        }
      }
      free(prop.p);
      return ok;
    }
  }
  *single = true;
  return v_char(p, ch);
}

static void v_single(vset *op, uint32_t c) {
  sb_str(&op->m, "[");
  sb_hex(&op->m, c);
  sb_str(&op->m, "]");
}

/* A & B (keep = true: intersection) or A -- B (keep = false), into a. */
static void v_combine(vset *a, vset *b, bool keep) {
  sbuf m = {0};
  if (a->m.len && (b->m.len || !keep)) {
    if (!b->m.len) {
      sb_add(&m, a->m.p, a->m.len);
    } else {
      sb_str(&m, keep ? "(?:(?=" : "(?:(?!");
      sb_add(&m, b->m.p, b->m.len);
      sb_str(&m, ")");
      sb_add(&m, a->m.p, a->m.len);
      sb_str(&m, ")");
    }
  }
  free(a->m.p);
  a->m = m;
  size_t k = 0;
  for (size_t j = 0; j < a->nstr; j++) {
    bool in_b = vset_has_str(b, a->strs[j].c, a->strs[j].n);
    if (in_b == keep)
      a->strs[k++] = a->strs[j];
    else
      free(a->strs[j].c);
  }
  a->nstr = k;
  free(a->tab); /* the indexes moved */
  a->tab = NULL;
  a->oom |= b->oom || m.oom;
}

static bool v_contents(parser *p, vset *res) {
  sbuf body = {0}; /* characters, ranges and simple escapes of a union */
  sbuf alts = {0}; /* the other members of a union, each followed by '|' */
  bool ok = true;
  size_t items = 0;
  int mode = 0; /* 0 union, 1 intersection, 2 subtraction */
  while (ok && p->i < p->n && p->s[p->i] != ']') {
    if (items > 0) {
      bool amp = at(p, '&') && p->i + 1 < p->n && p->s[p->i + 1] == '&';
      bool dash = at(p, '-') && p->i + 1 < p->n && p->s[p->i + 1] == '-';
      if (amp || dash) {
        int want = amp ? 1 : 2;
        if ((mode != 0 && mode != want) || (mode == 0 && items > 1)) {
          ok = fail(p, "Invalid set operation in character class");
          break;
        }
        if (mode == 0) {
          /* the first operand, gathered as a union of one, becomes the left side */
          mode = want;
          if (body.len) { /* one operand: body and alts are not both set */
            sb_str(&alts, "[");
            sb_add(&alts, body.p, body.len);
            sb_str(&alts, "]|");
            body.len = 0;
          }
          if (alts.len) {
            sb_str(&res->m, "(?:");
            sb_add(&res->m, alts.p, alts.len - 1);
            sb_str(&res->m, ")");
            alts.len = 0;
          }
        }
        p->i += 2;
        if (amp && at(p, '&')) {
          ok = fail(p, "Invalid set operation in character class");
          break;
        }
        vset op = {0};
        bool single;
        uint32_t ch;
        ok = v_operand(p, &op, &single, &ch);
        if (ok && single)
          v_single(&op, ch);
        if (ok)
          v_combine(res, &op, amp);
        vset_free(&op);
        items++;
        continue;
      }
      if (mode != 0) {
        ok = fail(p, "Invalid set operation in character class");
        break;
      }
    }
    vset op = {0};
    bool single;
    uint32_t ch;
    ok = v_operand(p, &op, &single, &ch);
    if (ok && single) {
      /* a range a-b (not the start of a "--") */
      if (at(p, '-') && !(p->i + 1 < p->n && p->s[p->i + 1] == '-')) {
        p->i++;
        uint32_t hi;
        ok = v_char(p, &hi);
        if (ok && hi < ch)
          ok = fail(p, "Range out of order in character class");
        if (ok) {
          sb_hex(&body, ch);
          sb_str(&body, "-");
          sb_hex(&body, hi);
          items += 2; /* a range is never the left side of an operation */
        }
      } else {
        sb_hex(&body, ch);
        items++;
      }
    } else if (ok) {
      if (op.m.len) {
        sb_add(&alts, op.m.p, op.m.len);
        sb_str(&alts, "|");
      }
      for (size_t k = 0; k < op.nstr; k++)
        vset_add_str(res, op.strs[k].c, op.strs[k].n);
      res->oom |= op.oom;
      items++;
    }
    vset_free(&op);
  }
  if (ok && mode == 0) {
    if (body.len) {
      sb_str(&alts, "[");
      sb_add(&alts, body.p, body.len);
      sb_str(&alts, "]|");
    }
    if (alts.len) {
      sb_str(&res->m, "(?:");
      sb_add(&res->m, alts.p, alts.len - 1);
      sb_str(&res->m, ")");
    }
  }
  if (ok && (body.oom || alts.oom || res->m.oom || res->oom))
    ok = fail(p, "Regular expression too large");
  free(body.p);
  free(alts.p);
  return ok;
}

static int cmp_vstr_len_desc(const void *a, const void *b) {
  const vstr *x = a, *y = b;
  return x->n < y->n ? 1 : x->n > y->n ? -1 : 0;
}

/* A class under v ('[' read): one code-point atom, or a group of the strings (longest
 * first), then the code points, then the empty string. */
static bool parse_class_v(parser *p) {
  vset set = {0};
  bool ok = v_class(p, &set);
  sbuf *o = &p->out;
  if (ok && set.nstr == 0) {
    if (set.m.len)
      sb_add(o, set.m.p, set.m.len);
    else
      sb_str(o, "(?!)");
  } else if (ok) {
    qsort(set.strs, set.nstr, sizeof(*set.strs), cmp_vstr_len_desc);
    edgefn__re_event *open = add_event(p, EDGEFN_RE_EV_OPEN);
    if (open)
      open->kind = EDGEFN_RE_GROUP_PLAIN;
    sb_str(o, "(?:");
    bool first = true, empty = false;
    for (size_t k = 0; k < set.nstr; k++) {
      if (set.strs[k].n == 0) {
        empty = true;
        continue;
      }
      if (!first) {
        sb_str(o, "|");
        (void)add_event(p, EDGEFN_RE_EV_ALT);
      }
      first = false;
      for (size_t j = 0; j < set.strs[k].n; j++) {
        size_t st = o->len;
        emit_literal(p, set.strs[k].c[j]);
        edgefn__re_event *e = add_event(p, EDGEFN_RE_EV_CHAR);
        if (e) {
          e->value = set.strs[k].c[j];
          e->out_start = st;
          e->out_end = o->len;
        }
      }
    }
    if (set.m.len) {
      if (!first) {
        sb_str(o, "|");
        (void)add_event(p, EDGEFN_RE_EV_ALT);
      }
      first = false;
      size_t st = o->len;
      sb_add(o, set.m.p, set.m.len);
      edgefn__re_event *e = add_event(p, EDGEFN_RE_EV_SET);
      if (e) {
        e->out_start = st;
        e->out_end = o->len;
      }
    }
    if (empty) {
      sb_str(o, "|");
      (void)add_event(p, EDGEFN_RE_EV_ALT);
    }
    sb_str(o, ")");
    p->atom_type = EDGEFN_RE_EV_CLOSE;
  }
  vset_free(&set);
  return ok;
}

/* ---- atoms, quantifiers, alternatives ---- */

/* Reads a {n}, {n,} or {n,m} quantifier at p->i without consuming it when not valid. */
static bool read_braces(parser *p, size_t *end, double *lo, double *hi) {
  size_t i = p->i;
  if (i >= p->n || p->s[i] != '{')
    return false;
  i++;
  double a = 0, b;
  size_t st = i;
  while (i < p->n && is_digit(p->s[i]))
    a = a * 10 + (p->s[i++] - '0');
  if (i == st)
    return false;
  b = a;
  if (i < p->n && p->s[i] == ',') {
    i++;
    st = i;
    b = -1;
    if (i < p->n && is_digit(p->s[i])) {
      b = 0;
      while (i < p->n && is_digit(p->s[i]))
        b = b * 10 + (p->s[i++] - '0');
    }
  }
  if (i >= p->n || p->s[i] != '}')
    return false;
  *end = i + 1;
  *lo = a;
  *hi = b;
  return true;
}

static bool is_quantifier_start(parser *p) {
  if (p->i >= p->n)
    return false;
  uint32_t c = p->s[p->i];
  if (c == '*' || c == '+' || c == '?')
    return true;
  size_t e;
  double lo, hi;
  return c == '{' && read_braces(p, &e, &lo, &hi);
}

static bool parse_quantifier(parser *p) {
  uint32_t c = p->s[p->i];
  char tmp[48];
  if (c == '{') {
    size_t e;
    double lo, hi;
    (void)read_braces(p, &e, &lo, &hi);
    p->i = e;
    if (hi >= 0 && hi < lo)
      return fail(p, "numbers out of order in {} quantifier");
    /* PCRE2 counts up to 65535; a larger upper bound is as good as none for subjects a
     * request can hold, a larger lower bound is refused. */
    edgefn__re_event *qe = add_event(p, EDGEFN_RE_EV_QUANT);
    if (qe) {
      /* beyond any subject a request can hold, as V8 clamps them */
      qe->min = lo > 2147483647.0 ? 2147483647.0 : lo;
      qe->max = hi > 2147483647.0 ? 2147483647.0 : hi;
    }
    if (lo > 65535 || hi > 65535) {
      p->inexact = true;
      lo = 0;
      hi = -1;
    }
    if (hi < 0)
      snprintf(tmp, sizeof(tmp), "{%u,}", (unsigned)lo);
    else if (hi == lo)
      snprintf(tmp, sizeof(tmp), "{%u}", (unsigned)lo);
    else
      snprintf(tmp, sizeof(tmp), "{%u,%u}", (unsigned)lo, (unsigned)hi);
    sb_str(&p->out, tmp);
  } else {
    p->i++;
    tmp[0] = (char)c;
    sb_add(&p->out, tmp, 1);
    edgefn__re_event *e = add_event(p, EDGEFN_RE_EV_QUANT);
    if (e) {
      e->min = c == '+' ? 1 : 0;
      e->max = c == '?' ? 1 : -1;
    }
  }
  bool greedy = true;
  if (at(p, '?')) {
    p->i++;
    sb_str(&p->out, "?");
    greedy = false;
  }
  if (p->ev_count && p->ev[p->ev_count - 1].type == EDGEFN_RE_EV_QUANT)
    p->ev[p->ev_count - 1].kind = greedy;
  /* Never let PCRE2 read a following '+' as possessive: JavaScript has none. */
  if (is_quantifier_start(p))
    return fail(p, "Nothing to repeat");
  return true;
}

static bool parse_disjunction(parser *p);

static bool named_ref(parser *p) {
  sbuf name = {0};
  if (!at(p, '<')) {
    return fail(p, "Invalid named reference");
  }
  p->i++;
  if (!read_group_name(p, &name)) {
    free(name.p);
    return fail(p, "Invalid capture group name");
  }
  /* One group: \g{n}. Several (one name in different alternatives): the one that took
   * part, through PCRE2's conditions on a group being set, (?(n)\g{n}|...); none set
   * matches empty, as a reference to a group that did not take part does. */
  size_t found = 0;
  uint32_t first = 0;
  for (size_t k = 0; k < p->name_count; k++)
    if (strcmp(p->names[k].name, name.p) == 0) {
      if (!found++)
        first = p->names[k].group;
    }
  if (found == 0) {
    free(name.p);
    return fail(p, "Invalid named capture referenced");
  }
  char tmp[48];
  if (found == 1) {
    snprintf(tmp, sizeof(tmp), "(?:\\g{%u})", (unsigned)first);
    sb_str(&p->out, tmp);
  } else {
    sb_str(&p->out, "(?:");
    size_t open = 0;
    for (size_t k = 0; k < p->name_count; k++)
      if (strcmp(p->names[k].name, name.p) == 0) {
        snprintf(tmp, sizeof(tmp), "(?(%u)\\g{%u}|", (unsigned)p->names[k].group,
                 (unsigned)p->names[k].group);
        sb_str(&p->out, tmp);
        open++;
      }
    for (size_t k = 0; k < open; k++)
      sb_str(&p->out, ")");
    sb_str(&p->out, ")");
  }
  p->atom_type = EDGEFN_RE_EV_BACKREF;
  p->atom_value = first;
  p->atom_kind = found > 1; /* the backtracking matcher knows one group per reference */
  free(name.p);
  return true;
}

/* An escape outside a class. *assertion is set for \b and \B. */
static bool atom_escape(parser *p, bool *assertion) {
  if (p->i >= p->n)
    return fail(p, "\\ at end of pattern");
  uint32_t c = p->s[p->i++];
  sbuf *o = &p->out;
  p->atom_type = EDGEFN_RE_EV_SET; /* unless it turns out to be something else */
  switch (c) {
  case 'b':
  case 'B':
    *assertion = true;
    p->atom_type = c == 'b' ? EDGEFN_RE_EV_WORDB : EDGEFN_RE_EV_NWORDB;
    /* PCRE2_UCP is on under i: its \b would use Unicode's word characters, and a
     * caseless [A-Za-z0-9_] takes in the long s and the Kelvin sign, which JavaScript's
     * word characters include only under u. */
    /* Under iu, JavaScript's word characters also take in the two that case folding maps
     * onto ASCII ones: long s and the Kelvin sign. */
    if (p->ic && p->u)
      sb_str(o, c == 'b' ? "(?-i:(?<=[" JS_WORD_IU "])(?![" JS_WORD_IU "])|(?<![" JS_WORD_IU
                           "])(?=[" JS_WORD_IU "]))"
                         : "(?-i:(?<=[" JS_WORD_IU "])(?=[" JS_WORD_IU "])|(?<![" JS_WORD_IU
                           "])(?![" JS_WORD_IU "]))");
    else if (p->ic || p->ucp)
      sb_str(o, c == 'b' ? "(?-i:(?<=[" JS_WORD "])(?![" JS_WORD "])|(?<![" JS_WORD
                           "])(?=[" JS_WORD "]))"
                         : "(?-i:(?<=[" JS_WORD "])(?=[" JS_WORD "])|(?<![" JS_WORD
                           "])(?![" JS_WORD "]))");
    else
      sb_str(o, c == 'b' ? "\\b" : "\\B");
    return true;
  case 'd': sb_str(o, "[" JS_DIGIT "]"); return true;
  case 'D': sb_str(o, "[^" JS_DIGIT "]"); return true;
  case 'w': sb_str(o, p->ic && !p->u ? "(?-i:[" JS_WORD "])" : "[" JS_WORD "]"); return true;
  case 'W': sb_str(o, p->ic && !p->u ? "(?-i:[^" JS_WORD "])" : "[^" JS_WORD "]"); return true;
  case 's': sb_str(o, "[" JS_SPACE "]"); return true;
  case 'S': sb_str(o, "[^" JS_SPACE "]"); return true;
  case 'f': emit_literal(p, 12); return true;
  case 'n': emit_literal(p, 10); return true;
  case 'r': emit_literal(p, 13); return true;
  case 't': emit_literal(p, 9); return true;
  case 'v': emit_literal(p, 11); return true;
  case 'k':
    if (p->named)
      return named_ref(p);
    emit_literal(p, 'k');
    return true;
  case 'p':
  case 'P':
    if (p->u)
      return read_property(p, c == 'P', o, false);
    emit_literal(p, c);
    return true;
  case 'c':
    if (p->i < p->n && is_alpha(p->s[p->i])) {
      emit_literal(p, p->s[p->i++] % 32);
      return true;
    }
    if (p->u)
      return fail(p, "Invalid Unicode escape");
    p->i--; /* Annex B: "\c" is a backslash followed by c */
    emit_literal(p, '\\');
    return true;
  case 'x':
    if (p->i + 2 <= p->n && hexv(p->s[p->i]) >= 0 && hexv(p->s[p->i + 1]) >= 0) {
      emit_literal(p, (uint32_t)(hexv(p->s[p->i]) * 16 + hexv(p->s[p->i + 1])));
      p->i += 2;
      return true;
    }
    if (p->u)
      return fail(p, "Invalid escape");
    emit_literal(p, 'x');
    return true;
  case 'u': {
    uint32_t v;
    if (read_unicode_escape(p, p->u, &v)) {
      emit_literal(p, v);
      return true;
    }
    if (p->u)
      return fail(p, "Invalid Unicode escape");
    emit_literal(p, 'u');
    return true;
  }
  default:
    break;
  }
  if (is_digit(c)) {
    if (c == '0') {
      if (p->i < p->n && is_digit(p->s[p->i])) {
        if (p->u)
          return fail(p, "Invalid decimal escape");
      } else {
        emit_literal(p, 0);
        return true;
      }
    } else {
      /* A decimal escape is a backreference when the pattern has that many groups. */
      size_t j = p->i - 1;
      double v = 0;
      while (j < p->n && is_digit(p->s[j]))
        v = v * 10 + (p->s[j++] - '0');
      if (v <= p->total_groups) {
        char tmp[32];
        snprintf(tmp, sizeof(tmp), "(?:\\g{%u})", (unsigned)v);
        sb_str(o, tmp);
        p->i = j;
        p->atom_type = EDGEFN_RE_EV_BACKREF;
        p->atom_value = (uint32_t)v;
        return true;
      }
      if (p->u)
        return fail(p, "Invalid escape");
      if (c >= '8') {
        emit_literal(p, c);
        return true;
      }
    }
    /* Annex B legacy octal: up to three digits, at most \377 */
    uint32_t v = c - '0';
    for (int k = 0; k < 2 && p->i < p->n && p->s[p->i] >= '0' && p->s[p->i] <= '7'; k++) {
      uint32_t nv = v * 8 + (p->s[p->i] - '0');
      if (nv > 0377)
        break;
      v = nv;
      p->i++;
    }
    emit_literal(p, v);
    return true;
  }
  if (p->u && !is_syntax_char(c) && c != '-')
    return fail(p, "Invalid escape");
  if (p->u && c == '-')
    return fail(p, "Invalid escape");
  emit_literal(p, c);
  return true;
}

/* One term: an assertion or an atom with its quantifier. */
static bool parse_term(parser *p) {
  sbuf *o = &p->out;
  uint32_t c = p->s[p->i];
  bool quantifiable = true, assertion = false;
  size_t out_start = o->len;
  p->atom_type = EDGEFN_RE_EV_SET;
  p->atom_kind = 0;
  p->atom_value = 0;
  switch (c) {
  case '^':
    p->atom_type = EDGEFN_RE_EV_BOL;
    p->i++;
    sb_str(o, p->flags & EDGEFN_RE_M ? "(?<![^" JS_LINE_TERM "])" : "\\A");
    assertion = true;
    break;
  case '$':
    p->atom_type = EDGEFN_RE_EV_EOL;
    p->i++;
    sb_str(o, p->flags & EDGEFN_RE_M ? "(?![^" JS_LINE_TERM "])" : "\\z");
    assertion = true;
    break;
  case '.':
    p->atom_kind = '.';
    p->i++;
    sb_str(o, p->flags & EDGEFN_RE_S ? "(?s:.)" : "[^" JS_LINE_TERM "]");
    break;
  case '[':
    p->i++;
    if (!(p->v ? parse_class_v(p) : parse_class(p)))
      return false;
    break;
  case '\\':
    p->i++;
    if (!atom_escape(p, &assertion))
      return false;
    break;
  case '(': {
    p->i++;
    if (++p->depth > MAX_NESTING)
      return fail(p, "Regular expression too large");
    edgefn__re_event *open = add_event(p, EDGEFN_RE_EV_OPEN);
    uint8_t kind = EDGEFN_RE_GROUP_CAPTURE;
    bool modified = false, saved_ic = false;
    unsigned saved_flags = 0;
    if (at(p, '?')) {
      p->i++;
      uint32_t k = p->i < p->n ? p->s[p->i] : 0;
      if (k == ':') {
        p->i++;
        sb_str(o, "(?:");
        kind = EDGEFN_RE_GROUP_PLAIN;
      } else if (k == '=' || k == '!') {
        p->i++;
        sb_str(o, k == '=' ? "(?=" : "(?!");
        kind = k == '=' ? EDGEFN_RE_GROUP_AHEAD : EDGEFN_RE_GROUP_NOT_AHEAD;
        quantifiable = !p->u;
        assertion = p->u;
      } else if (k == '<' && p->i + 1 < p->n &&
                 (p->s[p->i + 1] == '=' || p->s[p->i + 1] == '!')) {
        sb_str(o, p->s[p->i + 1] == '=' ? "(?<=" : "(?<!");
        kind = p->s[p->i + 1] == '=' ? EDGEFN_RE_GROUP_BEHIND : EDGEFN_RE_GROUP_NOT_BEHIND;
        p->i += 2;
        assertion = true;
      } else if (k == 'i' || k == 'm' || k == 's' || k == '-') {
        /* modifiers (ES2025): (?ims-ims:...) changes i, m and s for the group's contents */
        unsigned add = 0, remove = 0;
        bool minus = false;
        for (;;) {
          uint32_t f = p->i < p->n ? p->s[p->i] : 0;
          unsigned bit = f == 'i' ? EDGEFN_RE_I : f == 'm' ? EDGEFN_RE_M : f == 's' ? EDGEFN_RE_S : 0;
          if (bit) {
            if ((add | remove) & bit)
              return fail(p, "Repeated flag in modifiers");
            if (minus)
              remove |= bit;
            else
              add |= bit;
          } else if (f == '-' && !minus) {
            minus = true;
          } else if (f == ':') {
            break;
          } else {
            return fail(p, "Invalid group");
          }
          p->i++;
        }
        if (minus && !add && !remove)
          return fail(p, "Invalid group");
        p->i++; /* ':' */
        modified = true;
        saved_flags = p->flags;
        saved_ic = p->ic;
        p->flags = (p->flags | add) & ~remove;
        p->ic = (p->flags & EDGEFN_RE_I) != 0;
        sb_str(o, p->ic == saved_ic ? "(?:" : p->ic ? "(?i:" : "(?-i:");
        kind = EDGEFN_RE_GROUP_PLAIN;
      } else if (k == '<') {
        p->i++;
        sbuf name = {0};
        bool ok = read_group_name(p, &name);
        free(name.p);
        if (!ok)
          return fail(p, "Invalid capture group name");
        p->next_group++;
        sb_str(o, "(");
      } else {
        return fail(p, "Invalid group");
      }
    } else {
      p->next_group++;
      sb_str(o, "(");
    }
    if (open) { /* the array may move: find the event again */
      open = &p->ev[p->ev_count - 1];
      open->kind = kind;
      /* a modifier group is marked 1: the backtracking matcher does not change flags */
      open->value = kind == EDGEFN_RE_GROUP_CAPTURE ? p->next_group : modified;
    }
    if (!parse_disjunction(p))
      return false;
    if (!at(p, ')'))
      return fail(p, "Unterminated group");
    p->i++;
    p->depth--;
    if (modified) {
      p->flags = saved_flags;
      p->ic = saved_ic;
    }
    sb_str(o, ")");
    p->atom_type = EDGEFN_RE_EV_CLOSE;
    break;
  }
  case ')':
    return fail(p, "Unmatched ')'");
  case '*':
  case '+':
  case '?':
    return fail(p, "Nothing to repeat");
  case '{': {
    if (is_quantifier_start(p))
      return fail(p, "Nothing to repeat");
    if (p->u)
      return fail(p, "Lone quantifier brackets");
    p->i++;
    emit_literal(p, c);
    break;
  }
  case '}':
  case ']':
    if (p->u)
      return fail(p, "Lone quantifier brackets");
    p->i++;
    emit_literal(p, c);
    break;
  default:
    p->i++;
    emit_literal(p, c);
    break;
  }
  edgefn__re_event *e = add_event(p, p->atom_type);
  if (e) {
    e->kind = p->atom_kind;
    e->value = p->atom_value;
    e->out_start = out_start;
    e->out_end = o->len;
  }
  if (is_quantifier_start(p)) {
    if (!quantifiable || (assertion && c == '('))
      return fail(p, "Invalid quantifier");
    if (assertion)
      return fail(p, "Nothing to repeat");
    return parse_quantifier(p);
  }
  if (p->u && at(p, '{') && !assertion)
    return fail(p, "Incomplete quantifier");
  return true;
}

static bool parse_disjunction(parser *p) {
  while (p->i < p->n) {
    uint32_t c = p->s[p->i];
    if (c == '|') {
      p->i++;
      sb_str(&p->out, "|");
      (void)add_event(p, EDGEFN_RE_EV_ALT);
      continue;
    }
    if (c == ')') {
      if (p->depth == 0)
        return fail(p, "Unmatched ')'");
      return true;
    }
    if (!parse_term(p))
      return false;
  }
  return true;
}

int edgefn__re_translate(const uint32_t *src, size_t len, unsigned flags,
                         edgefn__re_translation *out, char *msg, size_t msglen) {
  memset(out, 0, sizeof(*out));
  parser p;
  memset(&p, 0, sizeof(p));
  p.s = src;
  p.n = len;
  p.flags = flags;
  p.u = (flags & EDGEFN_RE_UNICODE) != 0;
  p.v = (flags & EDGEFN_RE_V) != 0;
  p.ic = (flags & EDGEFN_RE_I) != 0;
  bool ok = prescan(&p);
  if (ok) {
    p.named = p.u || p.name_count > 0;
    ok = parse_disjunction(&p);
    if (ok && (p.out.oom || p.ev_oom))
      ok = fail(&p, "Regular expression too large");
  }
  if (ok) {
    /* One block: the translation struct's names, then their strings, then the pattern. */
    size_t strs = 0;
    for (size_t k = 0; k < p.name_count; k++)
      strs += strlen(p.names[k].name) + 1;
    size_t total = p.name_count * sizeof(edgefn__re_name) + strs + p.out.len + 1;
    char *block = malloc(total);
    if (!block) {
      ok = fail(&p, "Regular expression too large");
    } else {
      edgefn__re_name *names = (edgefn__re_name *)(void *)block;
      char *q = block + p.name_count * sizeof(edgefn__re_name);
      for (size_t k = 0; k < p.name_count; k++) {
        size_t l = strlen(p.names[k].name) + 1;
        memcpy(q, p.names[k].name, l);
        names[k].name = q;
        names[k].group = p.names[k].group;
        q += l;
      }
      if (p.out.len)
        memcpy(q, p.out.p, p.out.len);
      q[p.out.len] = '\0';
      out->pattern = q;
      out->pattern_len = p.out.len;
      out->names = names;
      out->name_count = p.name_count;
      out->groups = p.total_groups;
      out->block = block;
      out->events = p.ev;
      out->event_count = p.ev_count;
      p.ev = NULL;
      out->inexact = p.inexact;
      out->options = (p.ic ? 0x00000008u /* PCRE2_CASELESS */ : 0) |
                     (p.ic || p.ucp ? 0x00020000u /* PCRE2_UCP */ : 0);
    }
  }
  for (size_t k = 0; k < p.name_count; k++) {
    free(p.names[k].name);
    free(p.names[k].path);
  }
  free(p.names);
  free(p.out.p);
  free(p.ev);
  if (!ok) {
    if (msg && msglen)
      snprintf(msg, msglen, "%s", p.err ? p.err : "Invalid regular expression");
    return -1;
  }
  return 0;
}

void edgefn__re_translation_free_events(edgefn__re_translation *t) {
  free(t->events);
  t->events = NULL;
  t->event_count = 0;
}

void edgefn__re_translation_free(edgefn__re_translation *t) {
  if (!t)
    return;
  free(t->block);
  free(t->events);
  memset(t, 0, sizeof(*t));
}

uint16_t *edgefn__re_utf16_from_internal(const char *str, size_t len, size_t *out_len) {
  const uint8_t *s = (const uint8_t *)str;
  uint16_t *o = malloc((len + 1) * sizeof(uint16_t));
  if (!o)
    return NULL;
  size_t n = 0;
  for (size_t i = 0; i < len;) {
    uint8_t b = s[i];
    uint32_t cp;
    size_t k;
    if (b < 0x80) {
      cp = b;
      k = 1;
    } else if ((b & 0xe0) == 0xc0) {
      cp = b & 0x1f;
      k = 2;
    } else if ((b & 0xf0) == 0xe0) {
      cp = b & 0x0f;
      k = 3;
    } else if ((b & 0xf8) == 0xf0) {
      cp = b & 0x07;
      k = 4;
    } else {
      cp = 0xfffd;
      k = 1;
      goto put;
    }
    if (i + k > len) {
      cp = 0xfffd;
      k = 1;
      goto put;
    }
    for (size_t j = 1; j < k; j++)
      cp = (cp << 6) | (s[i + j] & 0x3f);
  put:
    i += k;
    if (cp >= 0x10000 && cp <= 0x10ffff) {
      o[n++] = (uint16_t)(0xd800 + ((cp - 0x10000) >> 10));
      o[n++] = (uint16_t)(0xdc00 + ((cp - 0x10000) & 0x3ff));
    } else {
      o[n++] = (uint16_t)(cp > 0xffff ? 0xfffd : cp);
    }
  }
  *out_len = n;
  return o;
}
