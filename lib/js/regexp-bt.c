/* A backtracking matcher with JavaScript's pattern semantics (ECMA-262 §22.2.2), for the
 * patterns PCRE2 cannot run exactly: captures of a quantified group are reset at each
 * iteration, an iteration that matches empty once the minimum is reached is rejected
 * (RepeatMatcher's empty check), lookbehind matches right to left with any length and
 * with backward backreferences, and repetition counts go past PCRE2's 65535.
 *
 * The pattern is not parsed again: the translator (regexp-translate.c) records its
 * structure as events, built here into a tree, analysed (edgefn__re_bt_needed decides
 * whether PCRE2 would differ) and compiled to a small program. What a single character
 * matches is left to PCRE2: every class, escape set and case-insensitive literal is the
 * translator's PCRE2 text for that atom, compiled on its own and run on one character, so
 * \p{..}, case folding and JavaScript's sets mean exactly what they mean on the PCRE2 path.
 *
 * Matching runs on the UTF-16 subject (code points read across surrogate pairs under u)
 * with an explicit backtrack stack: choice points, and undo records for every capture or
 * counter written, so nothing recurses on the C stack while matching. The stack has a
 * size limit (EDGEFN_REGEXP_BACKTRACK_MAX_BYTES, counted against the runtime's memory)
 * and the loop checks the request's CPU budget every few thousand steps. */
#define PCRE2_CODE_UNIT_WIDTH 0
#include <pcre2.h>

#include "js/js.h"
#include "js/regexp.h"

#include <stdlib.h>
#include <string.h>

#define UNSET SIZE_MAX
#define NONE UINT32_MAX /* no upper bound */
#define CHECK_EVERY 4096u /* steps between two looks at the CPU clock */

/* ---- the tree ---- */

enum { N_CHAR, N_SET, N_DOT, N_BOL, N_EOL, N_WORDB, N_NWORDB, N_BACKREF, N_GROUP, N_SEQ, N_ALT,
       N_QUANT };

typedef struct node {
  uint8_t type, kind; /* kind: the group kind */
  bool greedy;
  uint32_t value;    /* CHAR: the character; BACKREF and capturing GROUP: the group number */
  uint32_t atom;     /* SET, and CHAR under i: the atom's index; NONE otherwise */
  size_t out_start, out_end;
  uint32_t min, max; /* QUANT */
  uint32_t cap_lo, cap_hi; /* the capturing groups inside: [cap_lo, cap_hi) */
  struct node **kid;
  size_t nkid, kcap;
} node;

typedef struct builder {
  const edgefn__re_event *ev;
  size_t n, i;
  node **all;
  size_t nall, call;
  bool oom;
} builder;

static node *new_node(builder *b, uint8_t type) {
  if (b->oom)
    return NULL;
  if (b->nall == b->call) {
    size_t cap = b->call ? b->call * 2 : 32;
    node **a = realloc(b->all, cap * sizeof(*a));
    if (!a) {
      b->oom = true;
      return NULL;
    }
    b->all = a;
    b->call = cap;
  }
  node *n = calloc(1, sizeof(*n));
  if (!n) {
    b->oom = true;
    return NULL;
  }
  n->type = type;
  n->atom = NONE;
  b->all[b->nall++] = n;
  return n;
}

static void add_kid(builder *b, node *p, node *k) {
  if (!p || !k || b->oom)
    return;
  if (p->nkid == p->kcap) {
    size_t cap = p->kcap ? p->kcap * 2 : 4;
    node **a = realloc(p->kid, cap * sizeof(*a));
    if (!a) {
      b->oom = true;
      return;
    }
    p->kid = a;
    p->kcap = cap;
  }
  p->kid[p->nkid++] = k;
}

static void free_tree(builder *b) {
  for (size_t k = 0; k < b->nall; k++) {
    free(b->all[k]->kid);
    free(b->all[k]);
  }
  free(b->all);
}

static node *build_alt(builder *b);

/* Terms up to '|', ')' or the end. Nesting is bounded by the translator (MAX_NESTING). */
static node *build_seq(builder *b) {
  node *seq = new_node(b, N_SEQ);
  while (seq && b->i < b->n && !b->oom) {
    const edgefn__re_event *e = &b->ev[b->i];
    if (e->type == EDGEFN_RE_EV_ALT || e->type == EDGEFN_RE_EV_CLOSE)
      break;
    node *atom = NULL;
    b->i++;
    switch (e->type) {
    case EDGEFN_RE_EV_OPEN:
      atom = new_node(b, N_GROUP);
      if (!atom)
        return NULL;
      atom->kind = e->kind;
      atom->value = e->value;
      add_kid(b, atom, build_alt(b));
      if (b->i < b->n && b->ev[b->i].type == EDGEFN_RE_EV_CLOSE)
        b->i++;
      break;
    case EDGEFN_RE_EV_CHAR:
    case EDGEFN_RE_EV_SET:
      atom = new_node(b, e->type == EDGEFN_RE_EV_CHAR ? N_CHAR : e->kind == '.' ? N_DOT : N_SET);
      if (atom) {
        atom->value = e->value;
        atom->out_start = e->out_start;
        atom->out_end = e->out_end;
      }
      break;
    case EDGEFN_RE_EV_BOL: atom = new_node(b, N_BOL); break;
    case EDGEFN_RE_EV_EOL: atom = new_node(b, N_EOL); break;
    case EDGEFN_RE_EV_WORDB: atom = new_node(b, N_WORDB); break;
    case EDGEFN_RE_EV_NWORDB: atom = new_node(b, N_NWORDB); break;
    case EDGEFN_RE_EV_BACKREF:
      atom = new_node(b, N_BACKREF);
      if (atom)
        atom->value = e->value;
      break;
    default: /* a quantifier without an atom cannot come from the translator */
      b->oom = true;
      return NULL;
    }
    if (b->i < b->n && b->ev[b->i].type == EDGEFN_RE_EV_QUANT) {
      const edgefn__re_event *q = &b->ev[b->i++];
      node *qn = new_node(b, N_QUANT);
      if (!qn)
        return NULL;
      qn->min = (uint32_t)q->min;
      qn->max = q->max < 0 ? NONE : (uint32_t)q->max;
      qn->greedy = q->kind != 0;
      add_kid(b, qn, atom);
      atom = qn;
    }
    add_kid(b, seq, atom);
  }
  return b->oom ? NULL : seq;
}

static node *build_alt(builder *b) {
  node *first = build_seq(b);
  if (!first || b->i >= b->n || b->ev[b->i].type != EDGEFN_RE_EV_ALT)
    return first;
  node *alt = new_node(b, N_ALT);
  add_kid(b, alt, first);
  while (!b->oom && b->i < b->n && b->ev[b->i].type == EDGEFN_RE_EV_ALT) {
    b->i++;
    add_kid(b, alt, build_seq(b));
  }
  return b->oom ? NULL : alt;
}

/* Fills cap_lo/cap_hi bottom-up. */
static void count_caps(node *n) {
  uint32_t lo = NONE, hi = 0;
  if (n->type == N_GROUP && n->kind == EDGEFN_RE_GROUP_CAPTURE) {
    lo = n->value;
    hi = n->value + 1;
  }
  for (size_t k = 0; k < n->nkid; k++) {
    count_caps(n->kid[k]);
    if (n->kid[k]->cap_hi) {
      if (n->kid[k]->cap_lo < lo)
        lo = n->kid[k]->cap_lo;
      if (n->kid[k]->cap_hi > hi)
        hi = n->kid[k]->cap_hi;
    }
  }
  n->cap_lo = hi ? lo : 0;
  n->cap_hi = hi;
}

/* ---- deciding ---- */

/* Whether n can match the empty string. */
static bool nullable(const node *n) {
  switch (n->type) {
  case N_CHAR: case N_SET: case N_DOT:
    return false;
  case N_SEQ:
    for (size_t k = 0; k < n->nkid; k++)
      if (!nullable(n->kid[k]))
        return false;
    return true;
  case N_ALT:
    for (size_t k = 0; k < n->nkid; k++)
      if (nullable(n->kid[k]))
        return true;
    return false;
  case N_GROUP:
    if (n->kind == EDGEFN_RE_GROUP_CAPTURE || n->kind == EDGEFN_RE_GROUP_PLAIN)
      return n->nkid && nullable(n->kid[0]);
    return true;
  case N_QUANT:
    return n->min == 0 || nullable(n->kid[0]);
  default: /* assertions, and a backreference (which may be empty) */
    return true;
  }
}

/* Whether n or a node inside it is a choice point: an alternation, a backreference, a group
 * other than a plain or capturing one, or a quantifier that `quant_is_choice` says is. */
static bool has_choice(const node *n, bool (*quant_is_choice)(const node *)) {
  switch (n->type) {
  case N_ALT: case N_BACKREF:
    return true;
  case N_QUANT:
    if (quant_is_choice(n))
      return true;
    break;
  case N_GROUP:
    if (n->kind != EDGEFN_RE_GROUP_CAPTURE && n->kind != EDGEFN_RE_GROUP_PLAIN)
      return true;
    break;
  default:
    break;
  }
  for (size_t k = 0; k < n->nkid; k++)
    if (has_choice(n->kid[k], quant_is_choice))
      return true;
  return false;
}

static bool quant_varies(const node *n) { return n->min != n->max; }
static bool quant_lazy(const node *n) { return !n->greedy; }

/* Whether a lookbehind's body leaves PCRE2 a choice whose order (left to right, where
 * JavaScript goes right to left) could change the captures. */
static bool order_matters(const node *n) { return has_choice(n, quant_varies); }

/* Whether n may try an empty match before a longer one (a lazy quantifier, an
 * alternation, an assertion): then JavaScript's empty check, rejecting the empty iteration,
 * makes the body backtrack to the longer match where PCRE2 stops at the empty one. */
static bool empty_first(const node *n) { return has_choice(n, quant_lazy); }

typedef struct actx {
  bool in_rep;       /* inside the body of a quantifier that may iterate more than once */
  uint32_t rep_lo, rep_hi; /* the groups such bodies reset */
  bool optional;     /* on a path some successful match of that body can skip */
  bool in_behind;
  bool caseless;
} actx;

static bool differs(const node *n, actx c) {
  switch (n->type) {
  case N_BACKREF:
    /* PCRE2's caseless backreference folds only ASCII without UTF mode */
    if (c.caseless)
      return true;
    /* right-to-left order decides which group a backreference sees first; inside a
     * repeated body, JavaScript has cleared the group an iteration has not set yet */
    return c.in_behind || (c.in_rep && n->value >= c.rep_lo && n->value < c.rep_hi);
  case N_GROUP:
    if (n->kind == EDGEFN_RE_GROUP_CAPTURE && c.in_rep && c.optional)
      return true; /* kept from an earlier iteration by PCRE2, cleared by JavaScript */
    if (n->kind == EDGEFN_RE_GROUP_BEHIND || n->kind == EDGEFN_RE_GROUP_NOT_BEHIND) {
      if (n->cap_hi && n->nkid && order_matters(n->kid[0]))
        return true;
      c.in_behind = true;
    }
    if (n->kind == EDGEFN_RE_GROUP_NOT_AHEAD || n->kind == EDGEFN_RE_GROUP_NOT_BEHIND)
      c.optional = true;
    break;
  case N_ALT:
    c.optional = true;
    break;
  case N_QUANT: {
    const node *body = n->kid[0];
    /* PCRE2 accepts an empty iteration and stops; JavaScript rejects it and backtracks
     * (and leaves the body's groups unset) */
    if (body->type == N_GROUP && nullable(body) &&
        (n->max > 1 || body->cap_hi || empty_first(body)))
      return true;
    /* within an enclosing repeated body, an optional quantifier can skip its own body;
     * its own iterations set what its body always sets */
    if (n->min == 0 && c.in_rep)
      c.optional = true;
    if (n->max > 1) {
      if (!c.in_rep) {
        c.rep_lo = body->cap_lo;
        c.rep_hi = body->cap_hi;
        c.optional = false; /* what skips matters from here down */
      } else if (body->cap_hi) {
        if (body->cap_lo < c.rep_lo || !c.rep_hi)
          c.rep_lo = body->cap_lo;
        if (body->cap_hi > c.rep_hi)
          c.rep_hi = body->cap_hi;
      }
      c.in_rep = true;
    }
    break;
  }
  default:
    break;
  }
  for (size_t k = 0; k < n->nkid; k++)
    if (differs(n->kid[k], c))
      return true;
  return false;
}

static node *build_tree(builder *b, const edgefn__re_translation *t) {
  memset(b, 0, sizeof(*b));
  b->ev = t->events;
  b->n = t->event_count;
  node *root = build_alt(b);
  if (!root || b->oom || b->i != b->n)
    return NULL;
  count_caps(root);
  return root;
}

bool edgefn__re_bt_needed(const edgefn__re_translation *t) {
  if (t->inexact)
    return true;
  builder b;
  node *root = build_tree(&b, t);
  actx c;
  memset(&c, 0, sizeof(c));
  c.caseless = (t->options & PCRE2_CASELESS) != 0;
  bool r = root && differs(root, c);
  free_tree(&b);
  return r;
}

/* ---- the program ---- */

enum {
  OP_CHAR,     /* c */
  OP_ATOM,     /* atom */
  OP_DOT,
  OP_BOL,
  OP_EOL,
  OP_WORDB,
  OP_NWORDB,
  OP_BACKREF,  /* group */
  OP_SAVE,     /* slot */
  OP_RESET,    /* lo hi: groups [lo, hi) unset */
  OP_JMP,      /* target */
  OP_SPLIT,    /* alt: go on, with a choice point at alt */
  OP_REP_INIT, /* r */
  OP_REP_LOOP, /* r min max greedy exit */
  OP_REP_POS,  /* r */
  OP_REP_END,  /* r rp min loop */
  OP_LOOK,     /* kind r end */
  OP_LOOK_END, /* r */
  OP_MATCH,
  OP_STAR, /* kind arg min max: a greedy repetition of one character (kind: OP_CHAR,
              OP_ATOM or OP_DOT, arg its operand) */
};
#define OP_BACK 0x100u /* on CHAR ATOM DOT BACKREF: read right to left */

typedef struct bt_atom {
  pcre2_code_16 *c16;
  pcre2_code_32 *c32;
  uint8_t cache[256]; /* 0 not known, 1 no, 2 yes */
} bt_atom;

struct edgefn__re_bt {
  unsigned flags;
  uint32_t groups, nregs;
  uint32_t *code;
  size_t ncode, ccap;
  bt_atom *atoms;
  size_t natoms;
  /* under i, a backreference compares characters as the literal atoms do: the last
   * character it compiled as a literal */
  uint32_t eq_char;
  pcre2_code_16 *eq16;
  pcre2_code_32 *eq32;
  pcre2_match_data_16 *md16;
  pcre2_match_data_32 *md32;
  bool oom;
  const char *err;
};

static size_t emit(edgefn__re_bt *p, uint32_t w) {
  if (p->ncode == p->ccap) {
    size_t cap = p->ccap ? p->ccap * 2 : 64;
    uint32_t *c = realloc(p->code, cap * sizeof(*c));
    if (!c) {
      p->oom = true;
      return p->ncode;
    }
    p->code = c;
    p->ccap = cap;
  }
  p->code[p->ncode] = w;
  return p->ncode++;
}

static void patch(edgefn__re_bt *p, size_t at, uint32_t v) {
  if (!p->oom && at < p->ncode)
    p->code[at] = v;
}

/* Compiles PCRE2 text (ASCII) for one atom. */
static bool compile_text(edgefn__re_bt *p, const char *txt, size_t len, uint32_t opts,
                         pcre2_code_16 **c16, pcre2_code_32 **c32) {
  int err;
  PCRE2_SIZE eo;
  opts |= PCRE2_NEVER_BACKSLASH_C | PCRE2_ANCHORED | PCRE2_MATCH_UNSET_BACKREF;
  if (p->flags & EDGEFN_RE_U) {
    PCRE2_UCHAR32 *w = malloc((len + 1) * sizeof(*w));
    if (!w)
      return false;
    for (size_t i = 0; i < len; i++)
      w[i] = (unsigned char)txt[i];
    *c32 = pcre2_compile_32(w, len, opts, &err, &eo, NULL);
    free(w);
    return *c32 != NULL;
  }
  PCRE2_UCHAR16 *w = malloc((len + 1) * sizeof(*w));
  if (!w)
    return false;
  for (size_t i = 0; i < len; i++)
    w[i] = (unsigned char)txt[i];
  *c16 = pcre2_compile_16(w, len, opts, &err, &eo, NULL);
  free(w);
  return *c16 != NULL;
}

static uint32_t add_atom(edgefn__re_bt *p, const edgefn__re_translation *t, const node *n) {
  bt_atom *a = realloc(p->atoms, (p->natoms + 1) * sizeof(*a));
  if (!a) {
    p->oom = true;
    return 0;
  }
  p->atoms = a;
  a = &p->atoms[p->natoms];
  memset(a, 0, sizeof(*a));
  if (!compile_text(p, t->pattern + n->out_start, n->out_end - n->out_start, t->options,
                    &a->c16, &a->c32)) {
    p->err = "Regular expression too large";
    return 0;
  }
  return (uint32_t)p->natoms++;
}

static uint32_t reg_count(edgefn__re_bt *p, uint32_t k) {
  uint32_t r = p->nregs;
  p->nregs += k;
  return r;
}

static void gen(edgefn__re_bt *p, const edgefn__re_translation *t, const node *n, bool back) {
  if (p->oom || p->err)
    return;
  uint32_t bk = back ? OP_BACK : 0;
  switch (n->type) {
  case N_CHAR:
    if (p->flags & EDGEFN_RE_I) {
      emit(p, OP_ATOM | bk);
      emit(p, add_atom(p, t, n));
    } else {
      emit(p, OP_CHAR | bk);
      emit(p, n->value);
    }
    break;
  case N_SET:
    emit(p, OP_ATOM | bk);
    emit(p, add_atom(p, t, n));
    break;
  case N_DOT: emit(p, OP_DOT | bk); break;
  case N_BOL: emit(p, OP_BOL); break;
  case N_EOL: emit(p, OP_EOL); break;
  case N_WORDB: emit(p, OP_WORDB); break;
  case N_NWORDB: emit(p, OP_NWORDB); break;
  case N_BACKREF:
    emit(p, OP_BACKREF | bk);
    emit(p, n->value);
    break;
  case N_SEQ:
    for (size_t k = 0; k < n->nkid; k++)
      gen(p, t, n->kid[back ? n->nkid - 1 - k : k], back);
    break;
  case N_ALT: {
    /* SPLIT next; alt1; JMP end; next: SPLIT next2; alt2; JMP end; ... altN; end: */
    size_t *jumps = calloc(n->nkid, sizeof(*jumps));
    if (!jumps) {
      p->oom = true;
      return;
    }
    for (size_t k = 0; k < n->nkid; k++) {
      size_t split = 0;
      if (k + 1 < n->nkid) {
        emit(p, OP_SPLIT);
        split = emit(p, 0);
      }
      gen(p, t, n->kid[k], back);
      if (k + 1 < n->nkid) {
        emit(p, OP_JMP);
        jumps[k] = emit(p, 0);
        patch(p, split, (uint32_t)p->ncode);
      }
    }
    for (size_t k = 0; k + 1 < n->nkid; k++)
      patch(p, jumps[k], (uint32_t)p->ncode);
    free(jumps);
    break;
  }
  case N_GROUP:
    switch (n->kind) {
    case EDGEFN_RE_GROUP_CAPTURE:
      /* right to left, the end is reached first */
      emit(p, OP_SAVE);
      emit(p, 2 * n->value + (back ? 1 : 0));
      if (n->nkid)
        gen(p, t, n->kid[0], back);
      emit(p, OP_SAVE);
      emit(p, 2 * n->value + (back ? 0 : 1));
      break;
    case EDGEFN_RE_GROUP_PLAIN:
      if (n->nkid)
        gen(p, t, n->kid[0], back);
      break;
    default: {
      uint32_t r = reg_count(p, 1);
      emit(p, OP_LOOK);
      emit(p, n->kind);
      emit(p, r);
      size_t end = emit(p, 0);
      bool b2 = n->kind == EDGEFN_RE_GROUP_BEHIND || n->kind == EDGEFN_RE_GROUP_NOT_BEHIND;
      if (n->nkid)
        gen(p, t, n->kid[0], b2);
      emit(p, OP_LOOK_END);
      emit(p, r);
      patch(p, end, (uint32_t)p->ncode);
      break;
    }
    }
    break;
  case N_QUANT: {
    if (n->max == 0)
      break;
    const node *body = n->kid[0];
    if (n->greedy && (body->type == N_CHAR || body->type == N_SET || body->type == N_DOT)) {
      /* one character at a time: no captures to reset, never empty; matched in a loop
       * with one choice point that gives characters back (REP_* would push three
       * entries per character) */
      emit(p, OP_STAR | bk);
      if (body->type == N_DOT) {
        emit(p, OP_DOT);
        emit(p, 0);
      } else if (body->type == N_SET || (p->flags & EDGEFN_RE_I)) {
        emit(p, OP_ATOM);
        emit(p, add_atom(p, t, body));
      } else {
        emit(p, OP_CHAR);
        emit(p, body->value);
      }
      emit(p, n->min);
      emit(p, n->max);
      break;
    }
    uint32_t r = reg_count(p, 2);
    emit(p, OP_REP_INIT);
    emit(p, r);
    size_t loop = emit(p, OP_REP_LOOP);
    emit(p, r);
    emit(p, n->min);
    emit(p, n->max);
    emit(p, n->greedy);
    size_t exit = emit(p, 0);
    emit(p, OP_REP_POS);
    emit(p, r + 1);
    if (body->cap_hi) {
      emit(p, OP_RESET);
      emit(p, body->cap_lo);
      emit(p, body->cap_hi);
    }
    gen(p, t, body, back);
    emit(p, OP_REP_END);
    emit(p, r);
    emit(p, r + 1);
    emit(p, n->min);
    emit(p, (uint32_t)loop);
    patch(p, exit, (uint32_t)p->ncode);
    break;
  }
  default:
    break;
  }
}

void edgefn__re_bt_free(edgefn__re_bt *p) {
  if (!p)
    return;
  for (size_t k = 0; k < p->natoms; k++) {
    pcre2_code_free_16(p->atoms[k].c16);
    pcre2_code_free_32(p->atoms[k].c32);
  }
  free(p->atoms);
  pcre2_code_free_16(p->eq16);
  pcre2_code_free_32(p->eq32);
  pcre2_match_data_free_16(p->md16);
  pcre2_match_data_free_32(p->md32);
  free(p->code);
  free(p);
}

/* Equality of characters under i for a backreference: c as a literal atom, as the
 * pattern \u{c} would match it (PCRE2's own caseless backreference does not fold
 * non-ASCII characters without UTF mode). */
static bool compile_eq(edgefn__re_bt *p, uint32_t c) {
  pcre2_code_free_16(p->eq16);
  pcre2_code_free_32(p->eq32);
  p->eq16 = NULL;
  p->eq32 = NULL;
  char hex[16];
  int n = snprintf(hex, sizeof(hex), (p->flags & EDGEFN_RE_U) ? "\\u{%x}" : "\\u%04x",
                   (unsigned)c);
  uint32_t src[16];
  for (int i = 0; i < n; i++)
    src[i] = (unsigned char)hex[i];
  edgefn__re_translation t;
  char msg[64];
  if (edgefn__re_translate(src, (size_t)n, p->flags & (EDGEFN_RE_I | EDGEFN_RE_U), &t, msg,
                           sizeof(msg)))
    return false;
  bool ok = compile_text(p, t.pattern, t.pattern_len, t.options, &p->eq16, &p->eq32);
  edgefn__re_translation_free(&t);
  p->eq_char = c;
  return ok;
}

edgefn__re_bt *edgefn__re_bt_compile(const edgefn__re_translation *t, unsigned flags, char *msg,
                                     size_t msglen) {
  /* \k<name> for a name that several groups carry (in different alternatives) stays with
   * PCRE2, which picks the group that took part; this matcher knows one group per
   * reference, */
  for (size_t k = 0; k < t->event_count; k++) {
    const edgefn__re_event *e = &t->events[k];
    if (e->type == EDGEFN_RE_EV_BACKREF && e->kind == 1) {
      snprintf(msg, msglen,
               "a backreference to a duplicated group name is not supported in this pattern");
      return NULL;
    }
    /* nor modifier groups, (?i:...): its atoms follow the pattern's flags */
    if (e->type == EDGEFN_RE_EV_OPEN && e->kind == EDGEFN_RE_GROUP_PLAIN && e->value == 1) {
      snprintf(msg, msglen, "modifiers are not supported in this pattern");
      return NULL;
    }
  }
  edgefn__re_bt *p = calloc(1, sizeof(*p));
  builder b;
  node *root = p ? build_tree(&b, t) : NULL;
  if (!root) {
    if (p)
      free_tree(&b);
    free(p);
    snprintf(msg, msglen, "Regular expression too large");
    return NULL;
  }
  /* v matches as u does (its set notation is already translated into the atoms' text) */
  p->flags = flags & EDGEFN_RE_V ? (flags & ~(unsigned)EDGEFN_RE_V) | EDGEFN_RE_U : flags;
  p->groups = t->groups;
  emit(p, OP_SAVE);
  emit(p, 0);
  gen(p, t, root, false);
  emit(p, OP_SAVE);
  emit(p, 1);
  emit(p, OP_MATCH);
  free_tree(&b);
  if (!p->oom && !p->err) {
    if (p->flags & EDGEFN_RE_U)
      p->md32 = pcre2_match_data_create_32(1, NULL);
    else
      p->md16 = pcre2_match_data_create_16(1, NULL);
    if (!p->md16 && !p->md32)
      p->oom = true;
  }
  if (p->oom || p->err) {
    snprintf(msg, msglen, "%s", p->err ? p->err : "Regular expression too large");
    edgefn__re_bt_free(p);
    return NULL;
  }
  return p;
}

size_t edgefn__re_bt_size(const edgefn__re_bt *p) {
  return sizeof(*p) + p->ccap * sizeof(uint32_t) + p->natoms * (sizeof(bt_atom) + 256);
}

/* ---- matching ---- */

/* E_STAR: a greedy OP_STAR that can give a character back (idx its pc, val where it
 * stands now); E_STAR_MIN, just below it, holds the position it cannot go back past. */
enum { E_CHOICE, E_CAP, E_REG, E_LOOK, E_STAR, E_STAR_MIN };

typedef struct bt_entry {
  uint32_t type, idx; /* CHOICE: pc; CAP: slot; REG: register; LOOK: pc of the OP_LOOK */
  size_t val;         /* CHOICE and LOOK: position; CAP and REG: the old value */
} bt_entry;

typedef struct vm {
  edgefn__re_bt *p;
  const uint16_t *s;
  size_t n;
  size_t *caps, *regs;
  bt_entry *stack;
  size_t sp, cap;
  edgefn__heap_ctl *ctl;
  size_t charged;
  uint64_t max_steps; /* with no CPU budget running */
} vm;

static bool push(vm *m, uint32_t type, uint32_t idx, size_t val) {
  if (m->sp == m->cap) {
    size_t cap = m->cap ? m->cap * 2 : 256;
    size_t max = EDGEFN_REGEXP_BACKTRACK_MAX_BYTES / sizeof(bt_entry);
    if (cap > max)
      cap = max;
    if (cap <= m->cap)
      return false;
    size_t more = (cap - m->cap) * sizeof(bt_entry);
    if (m->ctl && (more > m->ctl->mem_limit || m->ctl->mem_used > m->ctl->mem_limit - more))
      return false;
    bt_entry *s = realloc(m->stack, cap * sizeof(*s));
    if (!s)
      return false;
    if (m->ctl) {
      m->ctl->mem_used += more;
      m->charged += more;
    }
    m->stack = s;
    m->cap = cap;
  }
  m->stack[m->sp].type = type;
  m->stack[m->sp].idx = idx;
  m->stack[m->sp].val = val;
  m->sp++;
  return true;
}

static bool is_high(uint32_t c) { return c >= 0xd800 && c <= 0xdbff; }
static bool is_low(uint32_t c) { return c >= 0xdc00 && c <= 0xdfff; }

/* Reads the character after (or, back, before) pos: its value and width, false at the
 * edge. Under u a surrogate pair is one character. */
static bool read_fwd(const uint16_t *s, size_t n, bool u, size_t pos, uint32_t *c, size_t *w) {
  if (pos >= n)
    return false;
  uint32_t hi = s[pos];
  if (u && is_high(hi) && pos + 1 < n && is_low(s[pos + 1])) {
    *c = 0x10000 + ((hi - 0xd800u) << 10) + (s[pos + 1] - 0xdc00u);
    *w = 2;
    return true;
  }
  *c = hi;
  *w = 1;
  return true;
}

static bool read_char(const vm *m, size_t pos, bool back, uint32_t *c, size_t *w) {
  bool u = (m->p->flags & EDGEFN_RE_U) != 0;
  if (!back)
    return read_fwd(m->s, m->n, u, pos, c, w);
  if (pos == 0)
    return false;
  uint32_t lo = m->s[pos - 1];
  if (u && is_low(lo) && pos >= 2 && is_high(m->s[pos - 2])) {
    *c = 0x10000 + ((m->s[pos - 2] - 0xd800u) << 10) + (lo - 0xdc00u);
    *w = 2;
    return true;
  }
  *c = lo;
  *w = 1;
  return true;
}

static bool atom_test(edgefn__re_bt *p, bt_atom *a, uint32_t c) {
  if (c < 256 && a->cache[c])
    return a->cache[c] == 2;
  int rc;
  if (a->c32) {
    PCRE2_UCHAR32 s[1] = {c};
    rc = pcre2_match_32(a->c32, s, 1, 0, 0, p->md32, NULL);
  } else {
    PCRE2_UCHAR16 s[1] = {(PCRE2_UCHAR16)c};
    rc = pcre2_match_16(a->c16, s, 1, 0, 0, p->md16, NULL);
  }
  if (c < 256)
    a->cache[c] = rc > 0 ? 2 : 1;
  return rc > 0;
}

static bool compile_eq(edgefn__re_bt *p, uint32_t c);

static bool chars_equal(edgefn__re_bt *p, uint32_t a, uint32_t b) {
  if (a == b)
    return true;
  if (!(p->flags & EDGEFN_RE_I))
    return false;
  if (a < 128 && b < 128)
    return ((a | 0x20) >= 'a' && (a | 0x20) <= 'z') && (a | 0x20) == (b | 0x20);
  if ((!p->eq16 && !p->eq32) || p->eq_char != a) {
    if (!compile_eq(p, a))
      return false;
  }
  int rc;
  if (p->eq32) {
    PCRE2_UCHAR32 s[1] = {b};
    rc = pcre2_match_32(p->eq32, s, 1, 0, 0, p->md32, NULL);
  } else {
    PCRE2_UCHAR16 s[1] = {(PCRE2_UCHAR16)b};
    rc = pcre2_match_16(p->eq16, s, 1, 0, 0, p->md16, NULL);
  }
  return rc > 0;
}

static bool is_line_term(uint32_t c) { return c == 10 || c == 13 || c == 0x2028 || c == 0x2029; }
static bool is_word(const vm *m, size_t i) {
  if (i >= m->n)
    return false;
  uint32_t c = m->s[i];
  if ((m->p->flags & (EDGEFN_RE_I | EDGEFN_RE_U)) == (EDGEFN_RE_I | EDGEFN_RE_U) &&
      (c == 0x17f || c == 0x212a))
    return true; /* they fold onto s and k */
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}

/* Matches the backreference to group g at *pos; moves *pos past it. */
static bool backref(const vm *m, uint32_t g, bool back, size_t *pos) {
  size_t a = m->caps[2 * g], b = m->caps[2 * g + 1];
  if (a == UNSET || b == UNSET)
    return true;
  size_t len = b - a;
  size_t at;
  if (back) {
    if (*pos < len)
      return false;
    at = *pos - len;
  } else {
    if (m->n - *pos < len)
      return false;
    at = *pos;
  }
  for (size_t i = 0; i < len;) {
    uint32_t x = 0, y = 0; /* read_fwd sets them (initialised for -O3's flow analysis) */
    size_t wx = 1, wy = 1;
    /* within each substring, read forward (a pair is one character under u) */
    bool u = (m->p->flags & EDGEFN_RE_U) != 0;
    (void)read_fwd(m->s, at + len, u, at + i, &y, &wy);
    (void)read_fwd(m->s, b, u, a + i, &x, &wx);
    if (wx != wy || !chars_equal(m->p, x, y))
      return false;
    i += wx;
  }
  *pos = back ? at : at + len;
  return true;
}

static bool set_cap(vm *m, uint32_t slot, size_t v) {
  if (!push(m, E_CAP, slot, m->caps[slot]))
    return false;
  m->caps[slot] = v;
  return true;
}

static bool set_reg(vm *m, uint32_t r, size_t v) {
  if (!push(m, E_REG, r, m->regs[r]))
    return false;
  m->regs[r] = v;
  return true;
}

/* Counts a step; every CHECK_EVERY steps, looks at the CPU budget. Returns 0 or an error. */
static int step(const vm *m, uint64_t *steps) {
  if ((++*steps & (CHECK_EVERY - 1)) == 0) {
    if (m->ctl && m->ctl->cpu_active) {
      if (edgefn__cpu_remaining_ns(m->ctl) == 0)
        return EDGEFN_RE_BT_ECPU;
    } else if (*steps >= m->max_steps) {
      return EDGEFN_RE_BT_ESTACK;
    }
  }
  return 0;
}

/* Whether one character of kind (OP_CHAR, OP_ATOM, OP_DOT) with operand arg is at pos;
 * its width in *w. */
static bool match_one(const vm *m, uint32_t kind, uint32_t arg, size_t pos, bool back,
                      size_t *w) {
  uint32_t c;
  if (!read_char(m, pos, back, &c, w))
    return false;
  if (kind == OP_CHAR)
    return c == arg;
  if (kind == OP_ATOM)
    return atom_test(m->p, &m->p->atoms[arg], c);
  return (m->p->flags & EDGEFN_RE_S) || !is_line_term(c);
}

/* The position one character before pos (after it, for a loop matching right to left),
 * not past bound. */
static size_t give_back(const vm *m, size_t pos, bool back, size_t bound) {
  bool u = (m->p->flags & EDGEFN_RE_U) != 0;
  if (back) {
    size_t np = pos + 1;
    if (u && np < bound && is_high(m->s[pos]) && is_low(m->s[pos + 1]))
      np++;
    return np;
  }
  size_t np = pos - 1;
  if (u && np > bound && is_low(m->s[np]) && is_high(m->s[np - 1]))
    np--;
  return np;
}

/* Runs the program from `start`: 1 matched (caps set), 0 not here, or a negative error. */
static int run_at(vm *m, size_t start, uint64_t *steps) {
  const uint32_t *code = m->p->code;
  const unsigned flags = m->p->flags;
  size_t pc = 0, pos = start;
  m->sp = 0;
  for (size_t k = 0; k < 2 * ((size_t)m->p->groups + 1); k++)
    m->caps[k] = UNSET;
  for (;;) {
    int err = step(m, steps);
    if (err)
      return err;
    uint32_t op = code[pc];
    bool back = (op & OP_BACK) != 0;
    uint32_t c;
    size_t w;
    switch (op & ~OP_BACK) {
    case OP_CHAR:
      if (!read_char(m, pos, back, &c, &w) || c != code[pc + 1])
        goto fail;
      pos = back ? pos - w : pos + w;
      pc += 2;
      continue;
    case OP_ATOM:
      if (!read_char(m, pos, back, &c, &w) || !atom_test(m->p, &m->p->atoms[code[pc + 1]], c))
        goto fail;
      pos = back ? pos - w : pos + w;
      pc += 2;
      continue;
    case OP_DOT:
      if (!read_char(m, pos, back, &c, &w) || (!(flags & EDGEFN_RE_S) && is_line_term(c)))
        goto fail;
      pos = back ? pos - w : pos + w;
      pc += 1;
      continue;
    case OP_BOL:
      if (!(pos == 0 || ((flags & EDGEFN_RE_M) && is_line_term(m->s[pos - 1]))))
        goto fail;
      pc += 1;
      continue;
    case OP_EOL:
      if (!(pos == m->n || ((flags & EDGEFN_RE_M) && is_line_term(m->s[pos]))))
        goto fail;
      pc += 1;
      continue;
    case OP_WORDB:
    case OP_NWORDB: {
      bool a = pos > 0 && is_word(m, pos - 1), b = is_word(m, pos);
      if ((a != b) != (op == OP_WORDB))
        goto fail;
      pc += 1;
      continue;
    }
    case OP_BACKREF:
      if (!backref(m, code[pc + 1], back, &pos))
        goto fail;
      pc += 2;
      continue;
    case OP_SAVE:
      if (!set_cap(m, code[pc + 1], pos))
        return EDGEFN_RE_BT_ESTACK;
      pc += 2;
      continue;
    case OP_RESET:
      for (uint32_t g = code[pc + 1]; g < code[pc + 2]; g++)
        for (uint32_t k = 2 * g; k < 2 * g + 2; k++)
          if (m->caps[k] != UNSET && !set_cap(m, k, UNSET))
            return EDGEFN_RE_BT_ESTACK;
      pc += 3;
      continue;
    case OP_JMP:
      pc = code[pc + 1];
      continue;
    case OP_SPLIT:
      if (!push(m, E_CHOICE, code[pc + 1], pos))
        return EDGEFN_RE_BT_ESTACK;
      pc += 2;
      continue;
    case OP_REP_INIT:
      if (!set_reg(m, code[pc + 1], 0))
        return EDGEFN_RE_BT_ESTACK;
      pc += 2;
      continue;
    case OP_REP_LOOP: {
      size_t cnt = m->regs[code[pc + 1]];
      uint32_t min = code[pc + 2], max = code[pc + 3];
      size_t body = pc + 6, exit = code[pc + 5];
      if (cnt < min) {
        pc = body;
      } else if (max != NONE && cnt >= max) {
        pc = exit;
      } else if (code[pc + 4]) { /* greedy: the body first */
        if (!push(m, E_CHOICE, (uint32_t)exit, pos))
          return EDGEFN_RE_BT_ESTACK;
        pc = body;
      } else {
        if (!push(m, E_CHOICE, (uint32_t)body, pos))
          return EDGEFN_RE_BT_ESTACK;
        pc = exit;
      }
      continue;
    }
    case OP_REP_POS:
      if (!set_reg(m, code[pc + 1], pos))
        return EDGEFN_RE_BT_ESTACK;
      pc += 2;
      continue;
    case OP_REP_END: {
      size_t cnt = m->regs[code[pc + 1]];
      /* the empty check: once the minimum is met, an empty iteration fails */
      if (cnt >= code[pc + 3] && pos == m->regs[code[pc + 2]])
        goto fail;
      if (!set_reg(m, code[pc + 1], cnt + 1))
        return EDGEFN_RE_BT_ESTACK;
      pc = code[pc + 4];
      continue;
    }
    case OP_LOOK: {
      uint32_t r = code[pc + 2];
      if (!set_reg(m, r, m->sp + 1) || !push(m, E_LOOK, (uint32_t)pc, pos))
        return EDGEFN_RE_BT_ESTACK;
      pc += 4;
      continue;
    }
    case OP_LOOK_END: {
      size_t b = m->regs[code[pc + 1]];
      bt_entry look = m->stack[b];
      uint32_t kind = code[look.idx + 1];
      if (kind == EDGEFN_RE_GROUP_AHEAD || kind == EDGEFN_RE_GROUP_BEHIND) {
        /* matched: no backtracking into it, but what it captured stays (with its undo
         * records, for when the match backtracks past the assertion) */
        size_t j = b;
        for (size_t k = b + 1; k < m->sp; k++)
          if (m->stack[k].type == E_CAP || m->stack[k].type == E_REG)
            m->stack[j++] = m->stack[k];
        m->sp = j;
        pos = look.val;
        pc += 2;
        continue;
      }
      /* a negative assertion whose body matched: undo the body, then fail */
      while (m->sp > b) {
        bt_entry *e = &m->stack[--m->sp];
        if (e->type == E_CAP)
          m->caps[e->idx] = e->val;
        else if (e->type == E_REG)
          m->regs[e->idx] = e->val;
      }
      goto fail;
    }
    case OP_STAR: {
      uint32_t kind = code[pc + 1], arg = code[pc + 2], min = code[pc + 3], max = code[pc + 4];
      size_t cnt = 0, bound = pos;
      while ((max == NONE || cnt < max) && match_one(m, kind, arg, pos, back, &w)) {
        pos = back ? pos - w : pos + w;
        if (++cnt == min)
          bound = pos;
        if ((err = step(m, steps)) != 0)
          return err;
      }
      if (cnt < min)
        goto fail;
      if (pos != bound &&
          (!push(m, E_STAR_MIN, (uint32_t)pc, bound) || !push(m, E_STAR, (uint32_t)pc, pos)))
        return EDGEFN_RE_BT_ESTACK;
      pc += 5;
      continue;
    }
    case OP_MATCH:
      return 1;
    default:
      return EDGEFN_RE_BT_ESTACK;
    }
  fail:
    for (;;) {
      if (m->sp == 0)
        return 0;
      bt_entry *e = &m->stack[--m->sp];
      if (e->type == E_CAP) {
        m->caps[e->idx] = e->val;
      } else if (e->type == E_REG) {
        m->regs[e->idx] = e->val;
      } else if (e->type == E_CHOICE) {
        pc = e->idx;
        pos = e->val;
        break;
      } else if (e->type == E_STAR) {
        /* one character fewer, and keep the entry while more can be given back */
        size_t bound = m->stack[m->sp - 1].val;
        pos = give_back(m, e->val, (code[e->idx] & OP_BACK) != 0, bound);
        pc = e->idx + 5;
        if (pos == bound) {
          m->sp--; /* its E_STAR_MIN */
        } else {
          e->val = pos;
          m->sp++;
        }
        break;
      } else if (e->type == E_STAR_MIN) {
        continue;
      } else { /* E_LOOK: its body failed */
        uint32_t kind = code[e->idx + 1];
        if (kind == EDGEFN_RE_GROUP_NOT_AHEAD || kind == EDGEFN_RE_GROUP_NOT_BEHIND) {
          pos = e->val;
          pc = code[e->idx + 3];
          break;
        }
      }
    }
  }
}

int edgefn__re_bt_exec(edgefn__re_bt *p, const uint16_t *s, size_t n, size_t start,
                       edgefn__heap_ctl *ctl, uint64_t max_steps, size_t *ov) {
  vm m;
  memset(&m, 0, sizeof(m));
  m.p = p;
  m.s = s;
  m.n = n;
  m.ctl = ctl;
  m.max_steps = max_steps ? max_steps : EDGEFN_REGEXP_BACKTRACK_STEPS_UNBUDGETED;
  size_t ncaps = 2 * ((size_t)p->groups + 1);
  m.caps = malloc((ncaps + p->nregs + 1) * sizeof(size_t));
  if (!m.caps)
    return EDGEFN_RE_BT_ENOMEM;
  m.regs = m.caps + ncaps;
  for (size_t k = 0; k < p->nregs; k++)
    m.regs[k] = 0;
  bool u = (p->flags & EDGEFN_RE_U) != 0;
  /* inside a surrogate pair, a u pattern starts at the pair, as the PCRE2 path does */
  if (u && start > 0 && start < n && is_low(s[start]) && is_high(s[start - 1]))
    start--;
  uint64_t steps = 0;
  int rc = 0;
  for (size_t at = start; at <= n;) {
    rc = run_at(&m, at, &steps);
    if (rc != 0)
      break;
    if (p->flags & EDGEFN_RE_Y)
      break;
    at += u && at + 1 < n && is_high(s[at]) && is_low(s[at + 1]) ? 2 : 1;
  }
  if (rc == 1)
    memcpy(ov, m.caps, ncaps * sizeof(size_t));
  free(m.stack);
  if (ctl)
    ctl->mem_used -= m.charged;
  free(m.caps);
  return rc;
}
