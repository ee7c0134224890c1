/* Lowering: walks the tree from parse.c and writes ES5 that Duktape compiles.
 *
 * Line numbers: output is written on the source line of each statement and expression
 * (newlines are only ever inserted to catch up with the source), so Duktape's lineNumber
 * and stack traces name the author's lines without a separate map.
 *
 * Names the output introduces: `$$`-prefixed temporaries and aliases local to each
 * function, renamed block-scoped bindings (`name$N`), and `__edgefn$*` helpers installed
 * once per heap by helpers.c (non-writable, non-enumerable globals). */
#include "compiler/ast.h"
#include "compiler/lower.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct buf {
  char *d;
  size_t n, cap;
};
typedef struct buf buf;

typedef struct binding binding;
struct binding {
  const char *name;
  uint32_t n;
  const char *out; /* emitted name */
  bool is_const;
  /* Temporal dead zone: a let/const/class binding of a block (tdz) is uninitialised until
   * its declaration has been written (initialized). A reference written before that, or
   * from inside a function declaration (hoisted: callable before the declaration runs), or
   * to a switch case's binding (always), reads through a check; the binding then holds
   * __edgefn$tdz from the start of its block (checked). */
  bool tdz, initialized, always_check, checked;
  struct scope *sc;
  struct fn_ctx *fn;
  binding *shadowed, *next_in_scope;
};

typedef struct scope scope;
struct scope {
  scope *parent;
  binding *list;
  buf *tdz_buf;    /* where the block's statements start: the sentinel goes there */
  size_t tdz_off;
  bool tdz_expr;   /* that place is inside an expression (switch discriminant) */
};

enum jump_kind { J_LOOP, J_SWITCH, J_LABEL };
typedef struct jump {
  int kind;
  const char *label; /* labels applying to this statement (J_LABEL: the label) */
  uint32_t label_n;
} jump;

typedef struct class_ctx class_ctx;
typedef struct fn_ctx fn_ctx;
struct fn_ctx {
  fn_ctx *parent;
  node *fn;       /* NULL for the program */
  bool lexical;   /* arrow or loop body: this/arguments come from the enclosing function */
  bool loop_body; /* the per-iteration function of a loop */
  bool generator, async, derived_ctor, class_ctor, static_ctx;
  bool uses_this, uses_args, has_name_for_nt;
  bool args_iterated; /* `arguments` is used as a value that may be iterated */
  const char *home; /* object-literal methods using super: the variable holding the object */
  class_ctx *cls;
  int ntemps;
  buf decls; /* names to declare at the top of the function: ",a,b" */
  jump jumps[64];
  int njumps;
  /* loop bodies: what the dispatch after the call must handle */
  const char *wrapped_label; /* labels of the wrapped loop, "\0"-separated list */
  bool used_break, used_return;
  buf outer_jumps; /* "b:L\n" / "c:L\n" codes used */
};

struct class_ctx {
  class_ctx *parent;
  int id;
  const char *name_out; /* the class's inner name */
  bool derived, has_fields;
  node *privates; /* list of N_MEMBER_DEF with private keys */
  node *members;  /* the class body */
};

typedef struct lowerer {
  arena *ar;
  buf *out;
  /* The identifier emitted next, if it is `arguments`, is only read as an object (a member
   * access, or the array of an `.apply` call): it needs no @@iterator (see end_fn_body). */
  bool args_plain;
  int line; /* the output's current line (1-based) */
  fn_ctx *fn;
  scope *sc;
  binding **table; /* hash: name -> innermost binding */
  size_t table_cap, table_used;
  int uniq;
  int ntemps;
  bool module_exports;
  buf exports; /* "name:expr," pairs */
  /* Module mode (a file of a bundle): imports resolve through `resolve` to module indices;
   * deps[k] is the module whose namespace the code reads as $$i<k>. meta collects the
   * JSON the linker checks (script.c) and runs (helpers' link). */
  edgefn__resolve_fn resolve;
  void *resolve_ud;
  int *deps;
  size_t ndeps, deps_cap;
  buf meta_stars, meta_exports, meta_wants, meta_reexports, tdz_init;
  buf fixed;   /* exports no function can write: plain values once the module has run */
  node *prog;
  buf *prog_decls;
  jmp_buf *oom;
  parse_error *err;
  bool initializing; /* writing a declaration: consts may be assigned */
  bool private_write; /* the N_MEMBER about to be emitted is an assignment's target */
  const char *obj_home;     /* emitting an object literal whose methods use super */
  const char *pending_home; /* the next function emitted is a method of that literal */
  bool lvalue;              /* the identifier about to be emitted is assigned, not read */
  bool chain_delete;        /* the optional chain about to be emitted is delete's operand */
  node *class_name_hint;    /* `const X = class {}`: the anonymous class is named X */
  /* Every output buffer's memory, so that an error (a longjmp out of any depth of
   * emission) frees the buffers on the C stack between here and the setjmp. */
  char **live;
  size_t nlive, live_cap;
} lowerer;

/* ---- output ---- */

/* The registry slot of a buffer's memory, or L->nlive when it is not registered (which
 * does not happen: every buffer's memory comes from b_put). The search runs from the
 * newest entry, which is almost always the one. */
static size_t live_find(lowerer *L, const char *d) {
  for (size_t i = L->nlive; i > 0; i--)
    if (L->live[i - 1] == d)
      return i - 1;
  return L->nlive;
}

static void b_put(lowerer *L, buf *b, const char *s, size_t n) {
  if (b->n + n + 1 > b->cap) {
    size_t cap = b->cap ? b->cap * 2 : 256;
    while (cap < b->n + n + 1)
      cap *= 2;
    size_t slot = b->d ? live_find(L, b->d) : L->nlive;
    if (slot == L->nlive && L->nlive == L->live_cap) {
      size_t lc = L->live_cap ? L->live_cap * 2 : 32;
      char **nl = realloc(L->live, lc * sizeof(*nl));
      if (!nl)
        longjmp(*L->oom, 1);
      L->live = nl;
      L->live_cap = lc;
    }
    char *d = realloc(b->d, cap);
    if (!d)
      longjmp(*L->oom, 1);
    L->live[slot] = d;
    if (slot == L->nlive)
      L->nlive++;
    b->d = d;
    b->cap = cap;
  }
  memcpy(b->d + b->n, s, n);
  b->n += n;
  b->d[b->n] = '\0';
}

/* Frees a buffer's memory and forgets it. */
static void buf_release(lowerer *L, buf *b) {
  if (b->d) {
    size_t i = live_find(L, b->d);
    if (i < L->nlive)
      L->live[i] = L->live[--L->nlive];
    free(b->d);
  }
  b->d = NULL;
  b->n = b->cap = 0;
}

static void put(lowerer *L, const char *s) { b_put(L, L->out, s, strlen(s)); }
static void putn(lowerer *L, const char *s, size_t n) { b_put(L, L->out, s, n); }
static void putf(lowerer *L, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static char *afmt_v(lowerer *L, const char *fmt, va_list ap, size_t *len)
    __attribute__((format(printf, 2, 0)));
/* Formatted output of any length: a name or a source slice in the arguments can be long
 * (an identifier has no length limit), and cutting it would change the program. */
static void putf(lowerer *L, const char *fmt, ...) {
  char tmp[512];
  va_list ap;
  va_start(ap, fmt);
  int n = vsnprintf(tmp, sizeof(tmp), fmt, ap);
  va_end(ap);
  if (n <= 0)
    return;
  if ((size_t)n < sizeof(tmp)) {
    putn(L, tmp, (size_t)n);
    return;
  }
  size_t len;
  va_start(ap, fmt);
  const char *s = afmt_v(L, fmt, ap, &len);
  va_end(ap);
  putn(L, s, len);
}

static void sync(lowerer *L, int line) {
  while (L->line < line) {
    put(L, "\n");
    L->line++;
  }
}

/* A byte that can continue an identifier in the output (escapes and UTF-8 included). */
static bool is_ident_char(unsigned char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
         c == '$' || c == '\\' || c >= 0x80;
}

static char *astrdup(lowerer *L, const char *s, size_t n) {
  char *d = edgefn__arena_alloc(L->ar, n + 1);
  memcpy(d, s, n);
  d[n] = '\0';
  return d;
}

static char *afmt(lowerer *L, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Formats into the arena, whatever the length (*len: the length without the NUL). */
static char *afmt_v(lowerer *L, const char *fmt, va_list ap, size_t *len) {
  char tmp[256];
  va_list again;
  va_copy(again, ap);
  int n = vsnprintf(tmp, sizeof(tmp), fmt, ap);
  if (n < 0)
    n = 0;
  char *d;
  if ((size_t)n < sizeof(tmp)) {
    d = astrdup(L, tmp, (size_t)n);
  } else {
    d = edgefn__arena_alloc(L->ar, (size_t)n + 1);
    vsnprintf(d, (size_t)n + 1, fmt, again);
  }
  va_end(again);
  *len = (size_t)n;
  return d;
}

static char *afmt(lowerer *L, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  size_t n;
  char *d = afmt_v(L, fmt, ap, &n);
  va_end(ap);
  return d;
}

/* A JS string literal for UTF-8 bytes (non-ASCII written as \u escapes, so Duktape reads
 * exactly these UTF-16 code units). */
static void put_str_lit(lowerer *L, const char *s, size_t n) {
  put(L, "\"");
  size_t run = 0;
  for (size_t i = 0; i < n;) {
    unsigned char c = (unsigned char)s[i];
    if (c >= 0x20 && c < 0x7F && c != '"' && c != '\\') {
      i++;
      run++;
      continue;
    }
    if (run)
      putn(L, s + i - run, run);
    run = 0;
    if (c == '"' || c == '\\') {
      char esc[2] = {'\\', (char)c};
      putn(L, esc, 2);
      i++;
      continue;
    }
    if (c < 0x80) {
      putf(L, "\\u%04x", c);
      i++;
      continue;
    }
    uint32_t cp;
    size_t len;
    if ((c & 0xE0) == 0xC0 && i + 1 < n) {
      cp = ((uint32_t)(c & 0x1F) << 6) | ((unsigned char)s[i + 1] & 0x3F);
      len = 2;
    } else if ((c & 0xF0) == 0xE0 && i + 2 < n) {
      cp = ((uint32_t)(c & 0x0F) << 12) | ((uint32_t)((unsigned char)s[i + 1] & 0x3F) << 6) |
           ((unsigned char)s[i + 2] & 0x3F);
      len = 3;
    } else if ((c & 0xF8) == 0xF0 && i + 3 < n) {
      cp = ((uint32_t)(c & 0x07) << 18) | ((uint32_t)((unsigned char)s[i + 1] & 0x3F) << 12) |
           ((uint32_t)((unsigned char)s[i + 2] & 0x3F) << 6) | ((unsigned char)s[i + 3] & 0x3F);
      len = 4;
    } else {
      cp = 0xFFFD;
      len = 1;
    }
    i += len;
    if (cp >= 0x10000) {
      cp -= 0x10000;
      putf(L, "\\u%04x\\u%04x", 0xD800 + (cp >> 10), 0xDC00 + (cp & 0x3FF));
    } else {
      putf(L, "\\u%04x", cp);
    }
  }
  if (run)
    putn(L, s + n - run, run);
  put(L, "\"");
}


/* Emitting into a side buffer: returns the previous buffer. */
static buf *capture_begin(lowerer *L, buf *b) {
  buf *prev = L->out;
  memset(b, 0, sizeof(*b));
  L->out = b;
  return prev;
}
static char *capture_end(lowerer *L, buf *b, buf *prev) {
  L->out = prev;
  char *s = astrdup(L, b->d ? b->d : "", b->n);
  buf_release(L, b);
  return s;
}

/* ---- names ---- */

static size_t hash_name(const char *s, size_t n) {
  size_t h = 2166136261u;
  for (size_t i = 0; i < n; i++)
    h = (h ^ (unsigned char)s[i]) * 16777619u;
  return h;
}

static binding **slot_for(lowerer *L, const char *s, size_t n) {
  size_t mask = L->table_cap - 1;
  size_t i = hash_name(s, n) & mask;
  for (;;) {
    binding **slot = &L->table[i];
    /* a slot belongs to a name forever once used, even when its chain empties */
    if (!*slot)
      return slot;
    if ((*slot)->n == n && memcmp((*slot)->name, s, n) == 0)
      return slot;
    i = (i + 1) & mask;
  }
}

/* Slots whose chain emptied keep a sentinel binding with out == NULL. */
static binding *lookup(lowerer *L, const char *s, size_t n) {
  binding *b = *slot_for(L, s, n);
  return b && b->out ? b : NULL;
}

static void grow_table(lowerer *L) {
  binding **old = L->table;
  size_t old_cap = L->table_cap;
  L->table_cap *= 2;
  L->table = calloc(L->table_cap, sizeof(binding *));
  if (!L->table)
    longjmp(*L->oom, 1);
  L->table_used = 0;
  for (size_t i = 0; i < old_cap; i++)
    if (old[i]) {
      *slot_for(L, old[i]->name, old[i]->n) = old[i];
      L->table_used++;
    }
  free(old);
}

static void declare(lowerer *L, const char *name, size_t n, const char *out, bool is_const) {
  if ((L->table_used + 1) * 2 > L->table_cap)
    grow_table(L);
  binding **slot = slot_for(L, name, n);
  if (*slot && (*slot)->out == NULL) { /* sentinel: reuse */
    *slot = NULL;
    L->table_used--;
  }
  if (!*slot)
    L->table_used++;
  binding *b = edgefn__arena_alloc(L->ar, sizeof(*b));
  memset(b, 0, sizeof(*b));
  b->name = name;
  b->n = (uint32_t)n;
  b->out = out;
  b->is_const = is_const;
  b->shadowed = *slot;
  *slot = b;
  b->next_in_scope = L->sc->list;
  L->sc->list = b;
}

static void scope_push(lowerer *L) {
  scope *s = edgefn__arena_alloc(L->ar, sizeof(*s));
  memset(s, 0, sizeof(*s));
  s->parent = L->sc;
  L->sc = s;
}

static void scope_pop(lowerer *L) {
  for (binding *b = L->sc->list; b; b = b->next_in_scope) {
    binding **slot = slot_for(L, b->name, b->n);
    if (b->shadowed) {
      *slot = b->shadowed;
    } else {
      binding *sent = edgefn__arena_alloc(L->ar, sizeof(*sent));
      memset(sent, 0, sizeof(*sent));
      sent->name = b->name;
      sent->n = b->n;
      *slot = sent;
    }
  }
  L->sc = L->sc->parent;
}

/* Temporaries are numbered across the whole file: a loop body's function refers to the
 * temporaries of the function around it. */
static const char *temp(lowerer *L) {
  fn_ctx *f = L->fn;
  f->ntemps++;
  const char *name = afmt(L, "$$%d", L->ntemps++);
  b_put(L, &f->decls, ",", 1);
  b_put(L, &f->decls, name, strlen(name));
  return name;
}

/* The function that owns `var`s (loop bodies hoist theirs out). */
static fn_ctx *var_owner(lowerer *L) {
  fn_ctx *f = L->fn;
  while (f->loop_body)
    f = f->parent;
  return f;
}

static void add_decl(fn_ctx *f, lowerer *L, const char *name) {
  b_put(L, &f->decls, ",", 1);
  b_put(L, &f->decls, name, strlen(name));
}

/* ---- forward declarations ---- */

static void emit_expr(lowerer *L, node *n);
static void emit_stmt(lowerer *L, node *n);
static void emit_stmts(lowerer *L, node *list, bool function_top);
static void emit_function(lowerer *L, node *fn, const char *name_out);
static void emit_class(lowerer *L, node *c, const char *name_out);

static _Noreturn void unsupported(lowerer *L, node *n, const char *what);
static void pv_open(lowerer *L, node *m);
static void pv_close(lowerer *L, node *m, bool write);

/* ---- this / arguments ---- */

static fn_ctx *this_owner(lowerer *L) {
  fn_ctx *f = L->fn;
  while (f->lexical && f->parent)
    f = f->parent;
  return f;
}

static void emit_this(lowerer *L) {
  fn_ctx *o = this_owner(L);
  if (o->derived_ctor) {
    put(L, "$$this");
    return;
  }
  if (o == L->fn) {
    put(L, "this");
    return;
  }
  o->uses_this = true;
  put(L, "$$this");
}

/* ---- patterns (destructuring) ---- */

static void pattern_names(node *p, void (*fn)(lowerer *, node *, void *), lowerer *L, void *ud) {
  if (!p)
    return;
  switch (p->type) {
  case N_IDENT:
    fn(L, p, ud);
    break;
  case N_ASSIGN:
    pattern_names(p->a, fn, L, ud);
    break;
  case N_SPREAD:
    pattern_names(p->a, fn, L, ud);
    break;
  case N_ARRAY:
    for (node *e = p->list; e; e = e->next)
      if (e->type != N_HOLE)
        pattern_names(e, fn, L, ud);
    break;
  case N_OBJECT:
    for (node *e = p->list; e; e = e->next)
      pattern_names(e->b, fn, L, ud);
    break;
  default:
    break;
  }
}

static bool is_arguments(const node *n) {
  return n && n->type == N_IDENT && n->n == 9 && memcmp(n->s, "arguments", 9) == 0;
}

static void emit_ident_ref(lowerer *L, node *id) {
  bool plain = L->args_plain;
  L->args_plain = false;
  binding *b = lookup(L, id->s, id->n);
  if (b)
    put(L, b->out);
  else if (is_arguments(id) && this_owner(L) != L->fn) {
    this_owner(L)->uses_args = true;
    if (!plain)
      this_owner(L)->args_iterated = true;
    put(L, "$$args");
  } else {
    if (is_arguments(id) && !plain)
      L->fn->args_iterated = true;
    putn(L, id->s, id->n);
  }
}

/* ---- temporal dead zone ---- */

/* Inserts text at the start of a block's statements, written earlier in a buffer that is
 * still being written (the block is open); later-starting open blocks in the same buffer
 * move along. */
static void tdz_insert(lowerer *L, scope *sc, const char *text) {
  buf *b = sc->tdz_buf;
  size_t n = strlen(text), at = sc->tdz_off;
  b_put(L, b, text, n); /* grows the buffer; the bytes are moved into place below */
  memmove(b->d + at + n, b->d + at, b->n - n - at);
  memcpy(b->d + at, text, n);
  for (scope *o = L->sc; o; o = o->parent)
    if (o != sc && o->tdz_buf == b && o->tdz_off > at)
      o->tdz_off += n;
}

static bool tdz_needs_check(lowerer *L, binding *b) {
  if (!b || !b->tdz || !b->sc || !b->sc->tdz_buf)
    return false;
  if (b->always_check || !b->initialized)
    return true;
  for (fn_ctx *f = L->fn; f && f != b->fn; f = f->parent)
    if (f->fn && f->fn->type == N_FUNC && (f->fn->flags & F_DECL))
      return true;
  return false;
}

/* The binding needs checks: it holds the sentinel from the start of its block. */
static void tdz_use(lowerer *L, binding *b) {
  if (b->checked)
    return;
  b->checked = true;
  tdz_insert(L, b->sc, afmt(L, b->sc->tdz_expr ? "%s = __edgefn$tdz, " : "%s = __edgefn$tdz;", b->out));
}

/* A read of an identifier: through the check when it may be uninitialised. */
static void emit_ident_read(lowerer *L, node *id) {
  binding *b = lookup(L, id->s, id->n);
  if (L->lvalue || !tdz_needs_check(L, b)) {
    emit_ident_ref(L, id);
    return;
  }
  tdz_use(L, b);
  putf(L, "(%s === __edgefn$tdz ? __edgefn$tdze(", b->out);
  put_str_lit(L, id->s, id->n);
  putf(L, ") : %s)", b->out);
}

/* Before an assignment to an identifier: "check, " when it may be uninitialised (the
 * caller wraps the assignment in parentheses). */
static bool emit_tdz_write_check(lowerer *L, node *id) {
  while (id->type == N_PAREN)
    id = id->a;
  if (id->type != N_IDENT)
    return false;
  binding *b = lookup(L, id->s, id->n);
  if (!tdz_needs_check(L, b))
    return false;
  tdz_use(L, b);
  putf(L, "(%s === __edgefn$tdz && __edgefn$tdze(", b->out);
  put_str_lit(L, id->s, id->n);
  put(L, "), ");
  return true;
}

static void tdz_init_cb(lowerer *L, node *id, void *ud) {
  (void)ud;
  binding *b = lookup(L, id->s, id->n);
  if (b)
    b->initialized = true;
}

/* Emits "target = value" for an assignment target (identifier or member). */
static void emit_target_assign(lowerer *L, node *t, const char *value) {
  if (t->type == N_IDENT) {
    binding *b = lookup(L, t->s, t->n);
    if (b && b->is_const && !L->initializing) {
      putf(L, "(%s, __edgefn$ce(", value);
      put_str_lit(L, t->s, t->n);
      put(L, "))");
      return;
    }
    emit_ident_ref(L, t);
  } else {
    emit_expr(L, t);
  }
  put(L, " = ");
  put(L, value);
}

/* Writes the pieces of a destructuring of `src` (a name or temporary) into `pattern` as
 * a comma-separated list: "a = $$0.a, b = ...". first tracks the separator. */
static void destructure(lowerer *L, node *pat, const char *src, bool *first);

static void sep(lowerer *L, bool *first) {
  if (!*first)
    put(L, ", ");
  *first = false;
}

static void destructure_element(lowerer *L, node *target, const char *value_expr, bool *first) {
  node *def = NULL;
  if (target->type == N_ASSIGN) {
    def = target->b;
    target = target->a;
  }
  const char *v = value_expr;
  if (def) {
    const char *t = temp(L);
    buf b, *prev = capture_begin(L, &b);
    putf(L, "(%s = %s) === void 0 ? (", t, value_expr);
    emit_expr(L, def);
    putf(L, ") : %s", t);
    v = capture_end(L, &b, prev);
    if (target->type == N_IDENT || target->type == N_MEMBER)
      v = afmt(L, "(%s)", v);
  }
  if (target->type == N_IDENT || target->type == N_MEMBER) {
    sep(L, first);
    emit_target_assign(L, target, v);
    return;
  }
  const char *t = temp(L);
  sep(L, first);
  putf(L, "%s = %s", t, v);
  destructure(L, target, t, first);
}

/* Whether an array pattern must step its iterator element by element, interleaved with
 * the defaults and target assignments (a default that is not a literal, a member target,
 * or such a nested pattern); otherwise the values are read in one helper call. */
static bool pattern_order_visible(node *e) {
  if (e->type == N_SPREAD)
    e = e->a;
  if (e->type == N_ASSIGN) {
    int t = e->b->type;
    if (t != N_NUM && t != N_STR && t != N_NULL && t != N_TRUE && t != N_FALSE)
      return true;
    e = e->a;
  }
  if (e->type == N_MEMBER)
    return true;
  if (e->type == N_ARRAY || e->type == N_OBJECT)
    for (node *x = e->list; x; x = x->next)
      if (pattern_order_visible(e->type == N_OBJECT && !(x->flags & F_SPREAD_PROP) ? x->b : x))
        return true;
  return false;
}

static void destructure(lowerer *L, node *pat, const char *src, bool *first) {
  if (pat->type == N_ARRAY && pattern_order_visible(pat)) {
    /* statements here may be declarators (var a = …, b = …): each piece assigns */
    const char *rec = temp(L), *junk = NULL;
    bool rest = false;
    sep(L, first);
    putf(L, "%s = __edgefn$ai(%s)", rec, src);
    for (node *e = pat->list; e; e = e->next) {
      if (e->type == N_HOLE) {
        sep(L, first);
        junk = junk ? junk : temp(L);
        putf(L, "%s = __edgefn$an(%s)", junk, rec);
      } else if (e->type == N_SPREAD) {
        rest = true;
        destructure_element(L, e->a, afmt(L, "__edgefn$arest(%s)", rec), first);
      } else {
        destructure_element(L, e, afmt(L, "__edgefn$an(%s)", rec), first);
      }
    }
    if (!rest) {
      sep(L, first);
      putf(L, "%s = __edgefn$aend(%s)", junk ? junk : temp(L), rec);
    }
    return;
  }
  if (pat->type == N_ARRAY) {
    int count = 0;
    bool rest = false;
    for (node *e = pat->list; e; e = e->next) {
      if (e->type == N_SPREAD)
        rest = true;
      else
        count++;
    }
    const char *arr = temp(L);
    sep(L, first);
    putf(L, "%s = __edgefn$ad(%s, %d, %s)", arr, src, count, rest ? "true" : "false");
    int i = 0;
    for (node *e = pat->list; e; e = e->next, i++) {
      if (e->type == N_HOLE)
        continue;
      if (e->type == N_SPREAD) {
        destructure_element(L, e->a, afmt(L, "%s[%d]", arr, i), first);
        continue;
      }
      destructure_element(L, e, afmt(L, "%s[%d]", arr, i), first);
    }
    return;
  }
  if (pat->type == N_OBJECT) {
    buf keys = {0};
    bool has_rest = false;
    if (!pat->list) { /* {} = v still requires an object-coercible value */
      sep(L, first);
      putf(L, "%s = __edgefn$oc(%s)", temp(L), src);
    }
    for (node *p = pat->list; p; p = p->next)
      if (p->flags & F_SPREAD_PROP)
        has_rest = true;
    for (node *p = pat->list; p; p = p->next) {
      if (p->flags & F_SPREAD_PROP) {
        buf b, *prev = capture_begin(L, &b);
        putf(L, "__edgefn$or(%s, [%s])", src, keys.d ? keys.d + 1 : "");
        char *v = capture_end(L, &b, prev);
        destructure_element(L, p->b, v, first);
        continue;
      }
      const char *access;
      if (p->flags & F_COMPUTED) {
        const char *k = temp(L);
        sep(L, first);
        putf(L, "%s = __edgefn$pk(", k);
        emit_expr(L, p->a);
        put(L, ")");
        access = afmt(L, "%s[%s]", src, k);
        if (has_rest) {
          buf *prev = L->out;
          L->out = &keys;
          putf(L, ",%s", k);
          L->out = prev;
        }
      } else {
        buf b, *prev = capture_begin(L, &b);
        put(L, src);
        put(L, "[");
        if (p->a->type == N_NUM)
          putn(L, p->a->s, p->a->n);
        else
          put_str_lit(L, p->a->s, p->a->n);
        put(L, "]");
        access = capture_end(L, &b, prev);
        if (has_rest) {
          buf *pv = L->out;
          L->out = &keys;
          put(L, ",");
          if (p->a->type == N_NUM) {
            put(L, "String(");
            putn(L, p->a->s, p->a->n);
            put(L, ")");
          } else {
            put_str_lit(L, p->a->s, p->a->n);
          }
          L->out = pv;
        }
      }
      destructure_element(L, p->b, access, first);
    }
    buf_release(L, &keys);
    return;
  }
  destructure_element(L, pat, src, first);
}

/* ---- expressions ---- */


static bool list_has_spread(node *list) {
  for (node *e = list; e; e = e->next)
    if (e->type == N_SPREAD)
      return true;
  return false;
}

/* An array value from elements that may contain spreads: [a, b].concat(__edgefn$sa(c), [d]) */
static void emit_spread_array(lowerer *L, node *list) {
  bool started = false, open = false;
  int groups = 0;
  for (node *e = list; e; e = e->next) {
    if (e->type == N_SPREAD) {
      if (open) {
        put(L, "]");
        open = false;
      }
      if (!started) {
        put(L, "__edgefn$sa(");
        emit_expr(L, e->a);
        put(L, ")");
        started = true;
      } else {
        put(L, groups == 1 ? ".concat(" : ", ");
        put(L, "__edgefn$sa(");
        emit_expr(L, e->a);
        put(L, ")");
      }
      groups++;
    } else {
      if (!open) {
        if (started)
          put(L, groups == 1 ? ".concat([" : ", [");
        else
          put(L, "[");
        open = true;
        started = true;
        groups++;
      } else {
        put(L, ", ");
      }
      if (e->type == N_HOLE)
        put(L, "void 0");
      else
        emit_expr(L, e);
    }
  }
  if (open)
    put(L, "]");
  if (groups > 1)
    put(L, ")");
  if (!started)
    put(L, "[]");
}

static void emit_args(lowerer *L, node *list) {
  put(L, "(");
  for (node *e = list; e; e = e->next) {
    if (e != list)
      put(L, ", ");
    emit_expr(L, e);
  }
  put(L, ")");
}

static void emit_member_key(lowerer *L, node *m) {
  if (m->flags & F_COMPUTED) {
    put(L, "[");
    emit_expr(L, m->b);
    put(L, "]");
  } else if (m->b->type == N_PRIVATE) {
    put(L, "[");
    emit_expr(L, m->b);
    put(L, "]");
  } else {
    put(L, ".");
    putn(L, m->b->s, m->b->n);
  }
}

static class_ctx *cur_class(lowerer *L) {
  for (fn_ctx *f = L->fn; f; f = f->parent)
    if (f->cls)
      return f->cls;
  return NULL;
}

static fn_ctx *home_fn(lowerer *L) {
  fn_ctx *f = L->fn;
  while (f && (f->lexical) && f->parent)
    f = f->parent;
  return f;
}

/* super.x: the object to look x up on. */
static void emit_super_base(lowerer *L, node *at) {
  fn_ctx *h = home_fn(L);
  if (h && h->home) {
    putf(L, "Object.getPrototypeOf(%s)", h->home);
    return;
  }
  class_ctx *c = cur_class(L);
  if (!c || !h)
    unsupported(L, at, "'super' outside a class method");
  bool is_static = false;
  for (fn_ctx *f = L->fn; f; f = f->parent) {
    is_static = is_static || f->static_ctx;
    if (f->cls)
      break;
  }
  if (is_static)
    putf(L, "Object.getPrototypeOf(%s)", c->name_out);
  else
    putf(L, "Object.getPrototypeOf(%s.prototype)", c->name_out);
}

static void emit_super_key(lowerer *L, node *m) {
  if (m->flags & F_COMPUTED)
    emit_expr(L, m->b);
  else
    put_str_lit(L, m->b->s, m->b->n);
}

/* Calls: keeps `this` for member callees, lowers spread and super. */
static void emit_call(lowerer *L, node *n) {
  node *callee = n->a;
  bool spread = list_has_spread(n->list);
  if (callee->type == N_SUPER) {
    fn_ctx *h = home_fn(L);
    class_ctx *c = cur_class(L);
    if (!c || !h || !h->derived_ctor)
      unsupported(L, n, "'super' call outside a derived class constructor");
    putf(L, "($$this = __edgefn$sc($$super%d, this, ", c->id);
    emit_spread_array(L, n->list);
    if (c->has_fields)
      putf(L, "), $$fi%d.call($$this), $$this)", c->id);
    else
      put(L, "))");
    return;
  }
  if (callee->type == N_MEMBER && callee->a->type == N_SUPER) {
    put(L, "__edgefn$sg(");
    emit_super_base(L, callee);
    put(L, ", ");
    emit_super_key(L, callee);
    put(L, ", ");
    emit_this(L);
    put(L, ")");
    if (spread) {
      put(L, ".apply(");
      emit_this(L);
      put(L, ", ");
      emit_spread_array(L, n->list);
      put(L, ")");
    } else {
      put(L, ".call(");
      emit_this(L);
      for (node *e = n->list; e; e = e->next) {
        put(L, ", ");
        emit_expr(L, e);
      }
      put(L, ")");
    }
    return;
  }
  if (!spread) {
    emit_expr(L, callee);
    /* f.apply(x, arguments): Function.prototype.apply reads it as an array-like */
    if (callee->type == N_MEMBER && !(callee->flags & F_COMPUTED) && callee->b &&
        callee->b->type == N_IDENT && callee->b->n == 5 && memcmp(callee->b->s, "apply", 5) == 0 &&
        n->list && is_arguments(n->list->next) && !n->list->next->next) {
      put(L, "(");
      emit_expr(L, n->list);
      put(L, ", ");
      L->args_plain = true;
      emit_expr(L, n->list->next);
      put(L, ")");
      return;
    }
    emit_args(L, n->list);
    return;
  }
  if (callee->type == N_MEMBER) {
    const char *t = temp(L);
    putf(L, "(%s = ", t);
    pv_open(L, callee);
    emit_expr(L, callee->a);
    pv_close(L, callee, false);
    put(L, ")");
    emit_member_key(L, callee);
    putf(L, ".apply(%s, ", t);
    emit_spread_array(L, n->list);
    put(L, ")");
    return;
  }
  emit_expr(L, callee);
  put(L, ".apply(void 0, ");
  emit_spread_array(L, n->list);
  put(L, ")");
}

/* Optional chains: the links are applied left to right; at each optional link the value so
 * far goes into a temporary tested against null, and everything after sits in the else
 * branch ("(t = a) == null ? void 0 : (u = t.b) == null ? void 0 : u.c"). A call right
 * after an optional test of a member keeps that member's object as `this`. */
static char *cap_expr(lowerer *L, node *n) {
  buf b, *prev = capture_begin(L, &b);
  emit_expr(L, n);
  return capture_end(L, &b, prev);
}

static char *cap_key(lowerer *L, node *m) {
  buf b, *prev = capture_begin(L, &b);
  emit_member_key(L, m);
  return capture_end(L, &b, prev);
}

static char *cap_args_rest(lowerer *L, node *list) {
  buf b, *prev = capture_begin(L, &b);
  for (node *e = list; e; e = e->next) {
    put(L, ", ");
    emit_expr(L, e);
  }
  return capture_end(L, &b, prev);
}

static void emit_chain(lowerer *L, node *n) {
  bool del = L->chain_delete;
  L->chain_delete = false;
  node *links[1024];
  int nl = 0;
  node *x = n->a;
  while ((x->type == N_MEMBER || x->type == N_CALL) && x->a->type != N_SUPER) {
    if (nl == (int)EDGEFN_ARRAY_LEN(links))
      unsupported(L, n, "an optional chain this long");
    links[nl++] = x;
    x = x->a;
  }
  /* links[nl-1] is applied first, to the base x */
  buf out, *prev = capture_begin(L, &out);
  put(L, "(");
  char *acc = cap_expr(L, x);
  const char *obj = NULL; /* the object of acc when acc is a member access */
  for (int i = nl - 1; i >= 0; i--) {
    node *k = links[i];
    bool next_is_opt_call = i > 0 && links[i - 1]->type == N_CALL &&
                            ((links[i - 1]->flags & F_OPTIONAL) || list_has_spread(links[i - 1]->list));
    if (k->flags & F_OPTIONAL) {
      const char *t = temp(L);
      putf(L, "(%s = %s) == null ? %s : ", t, acc, del ? "true" : "void 0");
      acc = (char *)t;
      if (k->type == N_CALL) {
        char *args;
        if (list_has_spread(k->list)) {
          buf b, *p2 = capture_begin(L, &b);
          putf(L, "%s.apply(%s, ", t, obj ? obj : "void 0");
          emit_spread_array(L, k->list);
          put(L, ")");
          acc = capture_end(L, &b, p2);
        } else {
          args = cap_args_rest(L, k->list);
          acc = obj ? afmt(L, "%s.call(%s%s)", t, obj, args)
                    : afmt(L, "%s(%s)", t, *args ? args + 2 : "");
        }
        obj = NULL;
        continue;
      }
    }
    if (k->type == N_MEMBER) {
      if (next_is_opt_call) {
        const char *o = temp(L);
        acc = afmt(L, "(%s = %s)", o, acc);
        obj = o;
      } else {
        obj = NULL;
      }
      if (k->b->type == N_PRIVATE && !(k->flags & F_COMPUTED)) {
        buf b, *p2 = capture_begin(L, &b);
        putf(L, "__edgefn$pv(%s", acc);
        pv_close(L, k, false);
        acc = capture_end(L, &b, p2);
      }
      char *key = cap_key(L, k);
      size_t al = strlen(acc), kl = strlen(key);
      char *j = edgefn__arena_alloc(L->ar, al + kl + 1);
      memcpy(j, acc, al);
      memcpy(j + al, key, kl + 1);
      acc = j;
    } else { /* a call that is not itself optional: acc(args) keeps a member's this */
      buf b, *p2 = capture_begin(L, &b);
      if (list_has_spread(k->list)) {
        putf(L, "%s.apply(%s, ", acc, obj ? obj : "void 0");
        emit_spread_array(L, k->list);
        put(L, ")");
      } else {
        put(L, acc);
        emit_args(L, k->list);
      }
      acc = capture_end(L, &b, p2);
      obj = NULL;
    }
  }
  if (del && nl > 0 && links[0]->type == N_MEMBER)
    put(L, "delete ");
  put(L, acc);
  put(L, ")");
  char *text = capture_end(L, &out, prev);
  put(L, text);
}

/* Member target split into object temp and key text, for compound assignments. */
static void member_parts(lowerer *L, node *m, const char **obj, const char **key) {
  const char *o = temp(L);
  buf b, *prev = capture_begin(L, &b);
  putf(L, "%s = ", o);
  pv_open(L, m);
  emit_expr(L, m->a);
  pv_close(L, m, false);
  char *oinit = capture_end(L, &b, prev);
  put(L, oinit);
  put(L, ", ");
  if ((m->flags & F_COMPUTED)) {
    const char *k = temp(L);
    putf(L, "%s = ", k);
    emit_expr(L, m->b);
    put(L, ", ");
    *key = afmt(L, "[%s]", k);
  } else if (m->b->type == N_PRIVATE) {
    buf b2, *p2 = capture_begin(L, &b2);
    put(L, "[");
    emit_expr(L, m->b);
    put(L, "]");
    *key = capture_end(L, &b2, p2);
  } else {
    *key = afmt(L, ".%.*s", (int)m->b->n, m->b->s);
  }
  *obj = o;
}

static void emit_assign_inner(lowerer *L, node *n, node *t, int op);

static void emit_assign(lowerer *L, node *n) {
  int op = n->op;
  node *t = n->a;
  if (op == '=' && (t->type == N_ARRAY || t->type == N_OBJECT)) {
    const char *src = temp(L);
    putf(L, "(%s = ", src);
    emit_expr(L, n->b);
    bool first = false;
    destructure(L, t, src, &first);
    putf(L, ", %s)", src);
    return;
  }
  bool is_const = false;
  if (t->type == N_IDENT) {
    binding *b = lookup(L, t->s, t->n);
    is_const = b && b->is_const;
  }
  if (t->type == N_PAREN)
    t = t->a;
  if (is_const) {
    put(L, "(");
    if (op != '=') {
      emit_ident_ref(L, t);
      put(L, ", ");
    }
    emit_expr(L, n->b);
    put(L, ", __edgefn$ce(");
    put_str_lit(L, t->s, t->n);
    put(L, "))");
    return;
  }
  if (op == '=' && t->type == N_MEMBER && t->a->type == N_SUPER) {
    put(L, "__edgefn$ss(");
    emit_super_base(L, t);
    put(L, ", ");
    emit_super_key(L, t);
    put(L, ", ");
    emit_expr(L, n->b);
    put(L, ", ");
    emit_this(L);
    put(L, ")");
    return;
  }
  bool tdz_checked = emit_tdz_write_check(L, t);
  if (tdz_checked) {
    emit_assign_inner(L, n, t, op);
    put(L, ")");
    return;
  }
  emit_assign_inner(L, n, t, op);
}

static void emit_assign_inner(lowerer *L, node *n, node *t, int op) {
  if (op == '=' || (op >= P_ADD_ASSIGN && op <= P_USHR_ASSIGN)) {
    put(L, "(");
    L->private_write = op == '=';
    L->lvalue = t->type == N_IDENT;
    emit_expr(L, t);
    L->private_write = false;
    L->lvalue = false;
    put(L, " ");
    put(L, edgefn__punct_text(op));
    put(L, " ");
    emit_expr(L, n->b);
    put(L, ")");
    return;
  }
  /* **=, &&=, ||=, ??= */
  const char *ref;
  put(L, "(");
  if (t->type == N_MEMBER) {
    const char *o, *k;
    if (t->a->type == N_SUPER)
      unsupported(L, t, "compound assignment to a super property");
    member_parts(L, t, &o, &k);
    ref = afmt(L, "%s%s", o, k);
  } else {
    buf b, *prev = capture_begin(L, &b);
    emit_ident_ref(L, t);
    ref = capture_end(L, &b, prev);
  }
  if (op == P_EXP_ASSIGN) {
    putf(L, "%s = Math.pow(%s, ", ref, ref);
    emit_expr(L, n->b);
    put(L, "))");
    return;
  }
  const char *v = temp(L);
  if (op == P_LAND_ASSIGN)
    putf(L, "(%s = %s) ? (%s = ", v, ref, ref);
  else if (op == P_LOR_ASSIGN)
    putf(L, "(%s = %s) ? %s : (%s = ", v, ref, v, ref);
  else
    putf(L, "(%s = %s) != null ? %s : (%s = ", v, ref, v, ref);
  emit_expr(L, n->b);
  if (op == P_LAND_ASSIGN)
    putf(L, ") : %s)", v);
  else
    put(L, "))");
}

static void emit_template(lowerer *L, node *n) {
  if (n->a) { /* tagged: tag(strings, ...subs) with the strings object made once per site */
    const char *site = afmt(L, "$$tpl%d", L->uniq++);
    b_put(L, L->prog_decls, ",", 1);
    b_put(L, L->prog_decls, site, strlen(site));
    node *tag = n->a;
    bool member = tag->type == N_MEMBER && tag->a->type != N_SUPER;
    const char *self = NULL;
    if (member) {
      self = temp(L);
      putf(L, "(%s = ", self);
      emit_expr(L, tag->a);
      put(L, ")");
      emit_member_key(L, tag);
      putf(L, ".call(%s, ", self);
    } else {
      emit_expr(L, tag);
      put(L, "(");
    }
    putf(L, "%s || (%s = __edgefn$tpl([", site, site);
    bool first = true;
    for (node *q = n->list; q; q = q->next) {
      if (q->type != N_QUASI)
        continue;
      if (!first)
        put(L, ",");
      first = false;
      if (q->s)
        put_str_lit(L, q->s, q->n);
      else
        put(L, "void 0");
    }
    put(L, "], [");
    first = true;
    for (node *q = n->list; q; q = q->next) {
      if (q->type != N_QUASI)
        continue;
      if (!first)
        put(L, ",");
      first = false;
      put_str_lit(L, q->s2, q->n2);
    }
    put(L, "]))");
    for (node *q = n->list; q; q = q->next) {
      if (q->type == N_QUASI)
        continue;
      put(L, ", ");
      emit_expr(L, q);
    }
    put(L, ")");
    return;
  }
  /* "a".concat(x, "b"): ToString of each substitution, as the spec does */
  node *q = n->list;
  if (!q->next) {
    put_str_lit(L, q->s, q->n);
    return;
  }
  put(L, "(");
  put_str_lit(L, q->s, q->n);
  put(L, ".concat(");
  bool first = true;
  for (node *x = q->next; x; x = x->next) {
    if (x->type == N_QUASI && x->n == 0)
      continue;
    if (!first)
      put(L, ", ");
    first = false;
    if (x->type == N_QUASI)
      put_str_lit(L, x->s, x->n);
    else
      emit_expr(L, x);
  }
  put(L, "))");
}

static void emit_prop_key(lowerer *L, node *k) {
  if (k->type == N_IDENT)
    put_str_lit(L, k->s, k->n);
  else if (k->type == N_STR)
    put_str_lit(L, k->s, k->n);
  else if (k->type == N_NUM)
    putn(L, k->s, k->n);
  else
    emit_expr(L, k);
}

/* `__proto__: v` in a literal sets the prototype (Duktape would make an own property). */
static bool is_proto_prop(node *p) {
  return p->a && !(p->flags & (F_COMPUTED | F_SHORTHAND | F_METHOD | F_GET | F_SET | F_SPREAD_PROP)) &&
         (p->a->type == N_IDENT || p->a->type == N_STR) && p->a->n == 9 &&
         memcmp(p->a->s, "__proto__", 9) == 0;
}

static bool needs_object_lowering(node *obj) {
  for (node *p = obj->list; p; p = p->next)
    if ((p->flags & (F_COMPUTED | F_SPREAD_PROP)) || is_proto_prop(p))
      return true;
  return false;
}

static bool contains_type(node *n, int type, int depth);
static void emit_object_props(lowerer *L, node *n);
static void begin_fn(lowerer *L, fn_ctx *f, node *fn);
static void end_fn_body(lowerer *L, fn_ctx *f, buf *body, buf *prev);

/* An object literal whose methods use super is built inside a function of its own, so
 * each evaluation has its own variable holding the object (the methods' home object);
 * the function is lexical, so this and arguments in property values are the outer ones. */
static void emit_object(lowerer *L, node *n) {
  bool super = false;
  for (node *p = n->list; p && !super; p = p->next)
    super = (p->flags & (F_METHOD | F_GET | F_SET)) && p->b && p->b->type == N_FUNC &&
            contains_type(p->b->b, N_SUPER, 1);
  const char *saved = L->obj_home;
  L->obj_home = NULL;
  if (!super) {
    emit_object_props(L, n);
    L->obj_home = saved;
    return;
  }
  fn_ctx f;
  put(L, "(function() {");
  begin_fn(L, &f, NULL);
  f.lexical = true;
  buf body, *prev = capture_begin(L, &body);
  L->obj_home = temp(L);
  put(L, "return ");
  emit_object_props(L, n);
  put(L, ";");
  end_fn_body(L, &f, &body, prev);
  put(L, "})()");
  L->obj_home = saved;
}

static void emit_obj_method(lowerer *L, node *fn, const char *name_out) {
  L->pending_home = L->obj_home;
  emit_function(L, fn, name_out);
}

static void emit_object_props(lowerer *L, node *n) {
  if (!needs_object_lowering(n) && !L->obj_home) {
    put(L, "{");
    for (node *p = n->list; p; p = p->next) {
      if (p != n->list)
        put(L, ", ");
      sync(L, p->line);
      if (p->flags & (F_GET | F_SET)) {
        put(L, p->flags & F_GET ? "get " : "set ");
        emit_prop_key(L, p->a);
        fn_ctx *saved = L->fn;
        (void)saved;
        emit_function(L, p->b, "");
        continue;
      }
      emit_prop_key(L, p->a);
      put(L, ": ");
      if (p->flags & F_METHOD)
        emit_function(L, p->b, NULL);
      else
        emit_expr(L, p->b);
    }
    put(L, "}");
    return;
  }
  /* ($$t = {...plain prefix}, $$t[k] = v, __edgefn$os($$t, src), ..., $$t); with a
   * `__proto__: v`, the last is __edgefn$pw($$t) (a Proxy prototype, see helpers.js.h). */
  bool proto = false;
  for (node *q = n->list; q && !proto; q = q->next)
    proto = is_proto_prop(q);
  const char *t = L->obj_home ? L->obj_home : temp(L);
  putf(L, "(%s = {", t);
  node *p = n->list;
  bool first = true;
  for (; p && !(p->flags & (F_COMPUTED | F_SPREAD_PROP)) && !is_proto_prop(p); p = p->next) {
    if (!first)
      put(L, ", ");
    first = false;
    if (p->flags & (F_GET | F_SET)) {
      put(L, p->flags & F_GET ? "get " : "set ");
      emit_prop_key(L, p->a);
      emit_obj_method(L, p->b, "");
      continue;
    }
    emit_prop_key(L, p->a);
    put(L, ": ");
    if (p->flags & F_METHOD)
      emit_obj_method(L, p->b, NULL);
    else
      emit_expr(L, p->b);
  }
  put(L, "}");
  for (; p; p = p->next) {
    put(L, ", ");
    sync(L, p->line);
    if (p->flags & F_SPREAD_PROP) {
      putf(L, "__edgefn$os(%s, ", t);
      emit_expr(L, p->b);
      put(L, ")");
      continue;
    }
    if (is_proto_prop(p)) {
      putf(L, "__edgefn$setproto(%s, ", t);
      emit_expr(L, p->b);
      put(L, ")");
      continue;
    }
    if (p->flags & (F_GET | F_SET)) {
      putf(L, "__edgefn$acc(%s, ", t);
      if (p->flags & F_COMPUTED)
        emit_expr(L, p->a);
      else
        emit_prop_key(L, p->a);
      putf(L, ", %d, ", p->flags & F_GET ? 1 : 2);
      emit_obj_method(L, p->b, NULL);
      put(L, ")");
      continue;
    }
    putf(L, "__edgefn$dp(%s, ", t);
    if (p->flags & F_COMPUTED)
      emit_expr(L, p->a);
    else
      emit_prop_key(L, p->a);
    put(L, ", ");
    if (p->flags & F_METHOD)
      emit_obj_method(L, p->b, NULL);
    else
      emit_expr(L, p->b);
    put(L, ")");
  }
  if (proto)
    putf(L, ", __edgefn$pw(%s))", t);
  else
    putf(L, ", %s)", t);
}

static const char *private_lookup(lowerer *L, node *pn, node **def, class_ctx **cls) {
  for (fn_ctx *f = L->fn; f; f = f->parent) {
    if (!f->cls)
      continue;
    for (class_ctx *c = f->cls; c; c = c->parent)
      for (node *m = c->privates; m; m = m->aux ? (node *)m->aux : NULL) {
        if (m->a->n == pn->n && memcmp(m->a->s, pn->s, pn->n) == 0) {
          if (def)
            *def = m;
          if (cls)
            *cls = c;
          return afmt(L, "$$p%d_%.*s", c->id, (int)pn->n, pn->s);
        }
      }
    break;
  }
  unsupported(L, pn, "undeclared private name");
}

static const char *private_name(lowerer *L, node *pn) { return private_lookup(L, pn, NULL, NULL); }

/* obj.#x: the object goes through __edgefn$pv, which throws the TypeError V8 throws when
 * the object lacks the private name (a hidden-symbol property would just read undefined).
 * Fields and static members are checked by their own key, instance methods and accessors
 * (which live on the prototype) by the brand key every instance gets. */
static void pv_open(lowerer *L, node *m) {
  if (m->type == N_MEMBER && m->b->type == N_PRIVATE && !(m->flags & F_COMPUTED))
    put(L, "__edgefn$pv(");
}

static void pv_close_mode(lowerer *L, node *pn, int write_or_in) {
  node *def;
  class_ctx *c;
  const char *key = private_lookup(L, pn, &def, &c);
  int mode;
  if (write_or_in == 4)
    mode = 4;
  else if (def->flags & F_FIELD)
    mode = write_or_in ? 1 : 0;
  else
    mode = (def->flags & F_STATIC ? 3 : 2) |
           (write_or_in && !(def->flags & (F_GET | F_SET)) ? 8 : 0);
  if (write_or_in == 1 && (def->flags & F_GET)) { /* a getter without a setter */
    bool setter = false;
    for (node *m = c->members; m; m = m->next)
      if (m->type == N_MEMBER_DEF && (m->flags & F_SET) && m->a && m->a->type == N_PRIVATE &&
          m->a->n == pn->n && memcmp(m->a->s, pn->s, pn->n) == 0)
        setter = true;
    if (!setter)
      mode |= 16;
  }
  if ((mode & 7) == 2 || (mode == 4 && !(def->flags & (F_FIELD | F_STATIC))))
    key = afmt(L, "$$pb%d", c->id);
  putf(L, ", %s, \"%.*s\", %d, %s)", key, (int)pn->n, pn->s, mode, c->name_out);
}

static void pv_close(lowerer *L, node *m, bool write) {
  if (m->type == N_MEMBER && m->b->type == N_PRIVATE && !(m->flags & F_COMPUTED))
    pv_close_mode(L, m->b, write);
}

static void emit_expr(lowerer *L, node *n) {
  if (n->line > L->line)
    sync(L, n->line);
  switch (n->type) {
  case N_IDENT:
    emit_ident_read(L, n);
    return;
  case N_NUM:
    putn(L, n->s, n->n);
    if (n->n && n->s[n->n - 1] == '.')
      put(L, "0");
    return;
  case N_STR:
    put_str_lit(L, n->s, n->n);
    return;
  case N_TEMPLATE:
    emit_template(L, n);
    return;
  case N_REGEX:
    put(L, "__edgefn$re(");
    put_str_lit(L, n->s, n->n);
    put(L, ", ");
    put_str_lit(L, n->s2, n->n2);
    put(L, ")");
    return;
  case N_THIS:
    emit_this(L);
    return;
  case N_NULL:
    put(L, "null");
    return;
  case N_TRUE:
    put(L, "true");
    return;
  case N_FALSE:
    put(L, "false");
    return;
  case N_NEW_TARGET: {
    fn_ctx *o = this_owner(L);
    if (o->class_ctor)
      put(L, "$$nt");
    else if (o->fn && o->fn->aux)
      putf(L, "(this instanceof %s ? this.constructor : void 0)", (const char *)o->fn->aux);
    else
      put(L, "void 0");
    return;
  }
  case N_PAREN:
    put(L, "(");
    emit_expr(L, n->a);
    put(L, ")");
    return;
  case N_ARRAY:
    if (list_has_spread(n->list)) {
      emit_spread_array(L, n->list);
      return;
    }
    put(L, "[");
    for (node *e = n->list; e; e = e->next) {
      if (e != n->list)
        put(L, ", ");
      if (e->type != N_HOLE)
        emit_expr(L, e);
      else if (!e->next)
        put(L, ",");
    }
    put(L, "]");
    return;
  case N_OBJECT:
    put(L, "(");
    emit_object(L, n);
    put(L, ")");
    return;
  case N_FUNC:
    put(L, "(");
    emit_function(L, n, n->a && !(n->flags & F_ARROW) ? afmt(L, "%.*s", (int)n->a->n, n->a->s) : NULL);
    put(L, ")");
    return;
  case N_CLASS:
    emit_class(L, n, NULL);
    return;
  case N_UNARY:
    put(L, "(");
    put(L, edgefn__punct_text(n->op));
    put(L, n->op >= P_TYPEOF ? " " : " ");
    if (n->op == P_DELETE && n->a->type == N_CHAIN) {
      L->chain_delete = true; /* delete a?.b: true when short-circuited */
      emit_chain(L, n->a);
    } else {
      emit_expr(L, n->a);
    }
    put(L, ")");
    return;
  case N_UPDATE: {
    node *t = n->a;
    while (t->type == N_PAREN)
      t = t->a;
    if (t->type == N_IDENT) {
      binding *b = lookup(L, t->s, t->n);
      if (b && b->is_const) {
        put(L, "(+");
        emit_ident_ref(L, t);
        put(L, ", __edgefn$ce(");
        put_str_lit(L, t->s, t->n);
        put(L, "))");
        return;
      }
    }
    bool tdz_checked = emit_tdz_write_check(L, t);
    put(L, "(");
    L->lvalue = t->type == N_IDENT;
    if (n->flags & F_PREFIX) {
      put(L, edgefn__punct_text(n->op));
      emit_expr(L, t);
    } else {
      emit_expr(L, t);
      put(L, edgefn__punct_text(n->op));
    }
    L->lvalue = false;
    put(L, tdz_checked ? "))" : ")");
    return;
  }
  case N_BINARY:
    if (n->op == P_EXP) {
      put(L, "Math.pow(");
      emit_expr(L, n->a);
      put(L, ", ");
      emit_expr(L, n->b);
      put(L, ")");
      return;
    }
    if (n->op == P_NULLISH) {
      const char *t = temp(L);
      putf(L, "((%s = ", t);
      emit_expr(L, n->a);
      putf(L, ") != null ? %s : ", t);
      emit_expr(L, n->b);
      put(L, ")");
      return;
    }
    put(L, "(");
    emit_expr(L, n->a);
    put(L, " ");
    put(L, edgefn__punct_text(n->op));
    put(L, " ");
    emit_expr(L, n->b);
    put(L, ")");
    return;
  case N_PRIVATE_IN:
    put(L, "__edgefn$pv(");
    emit_expr(L, n->b);
    pv_close_mode(L, n->a, 4);
    return;
  case N_PRIVATE:
    put(L, private_name(L, n));
    return;
  case N_ASSIGN:
    emit_assign(L, n);
    return;
  case N_COND:
    put(L, "(");
    emit_expr(L, n->a);
    put(L, " ? ");
    emit_expr(L, n->b);
    put(L, " : ");
    emit_expr(L, n->c);
    put(L, ")");
    return;
  case N_CALL:
    emit_call(L, n);
    return;
  case N_NEW:
    if (list_has_spread(n->list)) {
      put(L, "__edgefn$new(");
      emit_expr(L, n->a);
      put(L, ", ");
      emit_spread_array(L, n->list);
      put(L, ")");
      return;
    }
    put(L, "new ");
    if (n->a->type == N_CALL || n->a->type == N_CHAIN || n->a->type == N_CLASS) {
      put(L, "(");
      emit_expr(L, n->a);
      put(L, ")");
    } else {
      emit_expr(L, n->a);
    }
    emit_args(L, n->list);
    return;
  case N_MEMBER:
    if (n->a->type == N_SUPER) {
      put(L, "__edgefn$sg(");
      emit_super_base(L, n);
      put(L, ", ");
      emit_super_key(L, n);
      put(L, ", ");
      emit_this(L);
      put(L, ")");
      return;
    }
    {
      bool write = L->private_write;
      L->private_write = false;
      if (n->a->type == N_NUM) {
        put(L, "(");
        emit_expr(L, n->a);
        put(L, ")");
      } else {
        pv_open(L, n);
        L->args_plain = is_arguments(n->a);
        emit_expr(L, n->a);
        pv_close(L, n, write);
      }
    }
    emit_member_key(L, n);
    return;
  case N_CHAIN:
    emit_chain(L, n);
    return;
  case N_SEQ:
    put(L, "(");
    for (node *e = n->list; e; e = e->next) {
      if (e != n->list)
        put(L, ", ");
      emit_expr(L, e);
    }
    put(L, ")");
    return;
  case N_YIELD: {
    fn_ctx *o = L->fn;
    while (o->lexical && o->parent)
      o = o->parent;
    bool agen = o->async;
    if (n->flags & F_DELEGATE)
      put(L, agen ? "__edgefn$aydel(" : "__edgefn$ydel(");
    else
      put(L, agen ? "__edgefn$ayield(" : "__edgefn$yield(");
    if (n->a)
      emit_expr(L, n->a);
    put(L, ")");
    return;
  }
  case N_AWAIT:
    put(L, "__edgefn$await(");
    emit_expr(L, n->a);
    put(L, ")");
    return;
  case N_IMPORT_CALL:
    /* a bundle file resolves against its own name (the linker's $$dimp); a script has no
     * files to import, so the helper only rejects */
    put(L, L->resolve ? "$$dimp(" : "__edgefn$dimport(");
    emit_expr(L, n->a);
    put(L, ")");
    return;
  case N_IMPORT_META:
    put(L, "$$meta");
    return;
  case N_SPREAD:
    unsupported(L, n, "spread here");
  default:
    unsupported(L, n, "this expression");
  }
}

/* ---- functions ---- */

static bool params_simple(node *params) {
  for (node *p = params; p; p = p->next)
    if (p->type != N_IDENT)
      return false;
  return true;
}

static void collect_var_names(lowerer *L, node *n, fn_ctx *f);

static void declare_name_cb(lowerer *L, node *id, void *ud) {
  (void)ud;
  /* function-level names shadow outer renamed or const bindings */
  if (lookup(L, id->s, id->n))
    declare(L, id->s, id->n, astrdup(L, id->s, id->n), false);
}

/* Walks a function body's statements (not nested functions) for `var` names and function
 * declarations. */
static void collect_vars(lowerer *L, node *n) {
  for (; n; n = n->next) {
    switch (n->type) {
    case N_VAR:
      if (n->op == K_VAR)
        for (node *d = n->list; d; d = d->next)
          pattern_names(d->a, declare_name_cb, L, NULL);
      break;
    case N_FUNC:
      if ((n->flags & F_DECL) && n->a)
        declare_name_cb(L, n->a, NULL);
      break;
    case N_IF:
      collect_vars(L, n->b);
      if (n->c)
        collect_vars(L, n->c);
      break;
    case N_FOR:
      if (n->a && n->a->type == N_VAR)
        collect_vars(L, n->a);
      collect_vars(L, n->d);
      break;
    case N_FOR_IN:
    case N_FOR_OF:
      if (n->a && n->a->type == N_VAR)
        collect_vars(L, n->a);
      collect_vars(L, n->c);
      break;
    case N_WHILE:
    case N_DO:
      collect_vars(L, n->b);
      break;
    case N_TRY:
      collect_vars(L, n->a->list);
      if (n->c)
        collect_vars(L, n->c->list);
      if (n->d)
        collect_vars(L, n->d->list);
      break;
    case N_SWITCH:
      for (node *c = n->list; c; c = c->next)
        collect_vars(L, c->list);
      break;
    case N_LABELED:
      collect_vars(L, n->a);
      break;
    case N_BLOCK:
      collect_vars(L, n->list);
      break;
    case N_EXPORT_NAMED:
    case N_EXPORT_DEFAULT:
      if (n->a)
        collect_vars(L, n->a);
      break;
    default:
      break;
    }
  }
}

static void collect_var_names(lowerer *L, node *n, fn_ctx *f) {
  (void)f;
  collect_vars(L, n);
}

/* Function body: declarations of temps and aliases go first, written once the body is
 * known. */
static void begin_fn(lowerer *L, fn_ctx *f, node *fn) {
  memset(f, 0, sizeof(*f));
  f->parent = L->fn;
  f->fn = fn;
  L->fn = f;
}

static void end_fn_body(lowerer *L, fn_ctx *f, buf *body, buf *prev) {
  L->out = prev;
  buf head = {0};
  buf *save = L->out;
  L->out = &head;
  if (f->uses_this)
    put(L, "var $$this = this;");
  /* An arguments object is iterable (ES2022 10.4.4.6 gives it an own @@iterator); Duktape
   * makes it without one, so a function that lets its `arguments` out as a value (spread,
   * for-of, passed along) adds it (__edgefn$argi) before its body runs. One that only reads
   * arguments.length, arguments[i] or passes it to .apply pays nothing. */
  if (f->uses_args)
    put(L, f->args_iterated ? "var $$args = __edgefn$argi(arguments);" : "var $$args = arguments;");
  else if (f->args_iterated && f->fn)
    put(L, "__edgefn$argi(arguments);");
  if (f->decls.n) {
    put(L, "var ");
    putn(L, f->decls.d + 1, f->decls.n - 1);
    put(L, ";");
  }
  L->out = save;
  if (head.n)
    putn(L, head.d, head.n);
  if (body->n)
    putn(L, body->d, body->n);
  buf_release(L, &head);
  buf_release(L, body);
  buf_release(L, &f->decls);
  buf_release(L, &f->outer_jumps);
  L->fn = f->parent;
}

static void emit_params_prologue(lowerer *L, node *params, bool *names_simple_out);

/* Writes the parameter list and returns whether a prologue is needed. Only the parameters
 * before the first default or rest are formal (so `length` is the spec's); the others are
 * read from `arguments` in the prologue. */
static bool emit_param_list(lowerer *L, node *params) {
  bool prologue = false;
  int i = 0;
  put(L, "(");
  for (node *p = params; p; p = p->next, i++) {
    if (p->type == N_SPREAD || p->type == N_ASSIGN) {
      prologue = true;
      break;
    }
    if (p != params)
      put(L, ", ");
    if (p->type == N_IDENT) {
      binding *b = lookup(L, p->s, p->n);
      put(L, b ? b->out : astrdup(L, p->s, p->n));
    } else {
      putf(L, "$$a%d", i);
      prologue = true;
    }
  }
  put(L, ")");
  return prologue;
}

static void declare_param_cb(lowerer *L, node *id, void *ud) {
  (void)ud;
  declare(L, id->s, id->n, astrdup(L, id->s, id->n), false);
}

static void emit_params_prologue(lowerer *L, node *params, bool *unused) {
  (void)unused;
  int i = 0;
  bool formal = true;
  for (node *p = params; p; p = p->next, i++) {
    if (p->type == N_SPREAD || p->type == N_ASSIGN)
      formal = false;
    if (p->type == N_SPREAD) {
      bool first = true;
      put(L, "var ");
      const char *src = afmt(L, "Array.prototype.slice.call(arguments, %d)", i);
      if (p->a->type == N_IDENT) {
        emit_ident_ref(L, p->a);
        putf(L, " = %s", src);
      } else {
        const char *t = afmt(L, "$$a%d", i);
        putf(L, "%s = %s", t, src);
        first = false;
        destructure(L, p->a, t, &first);
      }
      put(L, ";");
      break;
    }
    if (formal && p->type == N_IDENT)
      continue;
    const char *arg = formal ? afmt(L, "$$a%d", i) : afmt(L, "arguments[%d]", i);
    if (p->type == N_IDENT) {
      put(L, "var ");
      emit_ident_ref(L, p);
      putf(L, " = %s;", arg);
      continue;
    }
    if (!formal) { /* read once: a default or pattern refers to it twice */
      putf(L, "var $$a%d = %s;", i, arg);
      arg = afmt(L, "$$a%d", i);
    }
    if (p->type == N_ASSIGN && p->a->type == N_IDENT) {
      put(L, "var ");
      emit_ident_ref(L, p->a);
      putf(L, " = %s === void 0 ? (", arg);
      emit_expr(L, p->b);
      putf(L, ") : %s;", arg);
      continue;
    }
    put(L, "var ");
    bool first = true;
    destructure_element(L, p, arg, &first);
    put(L, ";");
  }
}

static void fn_declare_names(lowerer *L, node *fn) {
  for (node *p = fn->list; p; p = p->next)
    pattern_names(p, declare_param_cb, L, NULL);
}

static bool contains_lexical_decl_or_closure(node *n, bool want_closure);

/* Whether a subtree has a node of this type, not looking into nested non-arrow functions. */
static bool contains_type(node *n, int type, int depth) {
  if (!n || depth > (int)EDGEFN_COMPILER_MAX_DEPTH * 10)
    return false;
  if (n->type == type)
    return true;
  if (n->type == N_FUNC && !(n->flags & F_ARROW) && depth > 0)
    return false;
  if (contains_type(n->a, type, depth + 1) || contains_type(n->b, type, depth + 1) ||
      contains_type(n->c, type, depth + 1) || contains_type(n->d, type, depth + 1))
    return true;
  for (node *x = n->list; x; x = x->next)
    if (contains_type(x, type, depth + 1))
      return true;
  return false;
}

/* Emits a function as an ES5 function expression or declaration body:
 * "function name(params){...}". name_out NULL = anonymous. */
static void emit_function(lowerer *L, node *fn, const char *name_out) {
  bool arrow = (fn->flags & F_ARROW) != 0;
  bool wrap = (fn->flags & (F_ASYNC | F_GENERATOR)) != 0;
  if (!name_out || *name_out || wrap)
    put(L, "function"); /* "" = accessor in an object literal: get x() {...} */
  if (name_out && *name_out) {
    put(L, " ");
    put(L, name_out);
  }
  scope_push(L);
  /* The outer (wrapper) parameter names are only for .length; the real ones are inner. */
  bool prologue_needed;
  fn_ctx f;
  if (wrap) {
    put(L, "(");
    if (params_simple(fn->list)) {
      for (node *p = fn->list; p; p = p->next) {
        if (p != fn->list)
          put(L, ", ");
        putn(L, p->s, p->n);
      }
    }
    put(L, ") {");
    const char *helper = (fn->flags & F_ASYNC) && (fn->flags & F_GENERATOR) ? "__edgefn$agen"
                         : (fn->flags & F_ASYNC)                          ? "__edgefn$async"
                                                                          : "__edgefn$gen";
    putf(L, "return %s(this, arguments, function", helper);
  }
  begin_fn(L, &f, fn);
  f.lexical = arrow;
  f.home = arrow ? NULL : L->pending_home;
  L->pending_home = NULL;
  f.generator = (fn->flags & F_GENERATOR) != 0;
  f.async = (fn->flags & F_ASYNC) != 0;
  if (!arrow && name_out && *name_out)
    fn->aux = (void *)name_out;
  if (fn->a && !(fn->flags & F_DECL) && name_out && *name_out)
    declare(L, fn->a->s, fn->a->n, name_out, false); /* a function expression's own name */
  fn_declare_names(L, fn);
  prologue_needed = emit_param_list(L, fn->list);
  put(L, " {");
  buf body, *prev = capture_begin(L, &body);
  if (fn->flags & F_STRICT)
    put(L, "\"use strict\";");
  if (prologue_needed)
    emit_params_prologue(L, fn->list, NULL);
  if (fn->flags & F_EXPR_BODY) {
    if (fn->b->line > L->line)
      sync(L, fn->b->line);
    put(L, "return ");
    emit_expr(L, fn->b);
    put(L, ";");
  } else {
    collect_var_names(L, fn->b->list, &f);
    emit_stmts(L, fn->b->list, true);
  }
  end_fn_body(L, &f, &body, prev);
  put(L, "}");
  if (wrap)
    put(L, ")}");
  scope_pop(L);
}

/* ---- classes ---- */

static _Noreturn void unsupported(lowerer *L, node *n, const char *what) {
  parse_error *e = L->err;
  e->line = n->line;
  e->col = n->col;
  snprintf(e->msg, sizeof(e->msg), "%s is not supported", what);
  longjmp(*L->oom, 2);
}

static void emit_member_fn(lowerer *L, node *m) { emit_function(L, m->b, NULL); }

static void emit_key_value(lowerer *L, node *m) {
  if (m->a->type == N_PRIVATE)
    put(L, private_name(L, m->a));
  else if (m->flags & F_COMPUTED) {
    put(L, "__edgefn$pk(");
    emit_expr(L, m->a);
    put(L, ")");
  } else
    emit_prop_key(L, m->a);
}

static void emit_class(lowerer *L, node *c, const char *name_out) {
  class_ctx cc;
  memset(&cc, 0, sizeof(cc));
  cc.id = ++L->uniq;
  cc.derived = c->b != NULL;
  node *hint = L->class_name_hint;
  L->class_name_hint = NULL;
  const char *cname = c->a ? astrdup(L, c->a->s, c->a->n) : afmt(L, "$$C%d", cc.id);
  if (c->a && (c->a->n > 2 && c->a->s[0] == '$' && c->a->s[1] == '$'))
    cname = afmt(L, "$$C%d", cc.id);
  cc.name_out = cname;
  cc.members = c->list;
  (void)name_out;
  /* privates list: chain via aux */
  node *last_priv = NULL;
  for (node *m = c->list; m; m = m->next) {
    if (m->type == N_MEMBER_DEF && m->a && m->a->type == N_PRIVATE) {
      bool dup = false;
      for (node *q = cc.privates; q; q = q->aux)
        if (q->a->n == m->a->n && memcmp(q->a->s, m->a->s, m->a->n) == 0)
          dup = true;
      if (dup)
        continue;
      m->aux = NULL;
      if (last_priv)
        last_priv->aux = m;
      else
        cc.privates = m;
      last_priv = m;
    }
  }
  /* The class body runs in its own function: (function($$superN){ ... return C; })(Base) */
  fn_ctx f;
  put(L, "(function(");
  if (cc.derived)
    putf(L, "$$super%d", cc.id);
  put(L, ") {");
  begin_fn(L, &f, NULL);
  f.lexical = true; /* this in computed keys is the outer this */
  cc.parent = cur_class(L);
  f.cls = &cc;
  scope_push(L);
  if (c->a)
    declare(L, c->a->s, c->a->n, cname, true);
  buf body, *prev = capture_begin(L, &body);
  for (node *q = cc.privates; q; q = q->aux)
    putf(L, "var $$p%d_%.*s = __edgefn$pn(\"%.*s\");", cc.id, (int)q->a->n, q->a->s,
         (int)q->a->n, q->a->s);
  /* computed field keys are evaluated once, in order, before the class exists */
  node *ctor = NULL;
  for (node *m = c->list; m; m = m->next)
    if (m->type == N_MEMBER_DEF && (m->flags & F_CTOR))
      ctor = m;
  int fk = 0;
  for (node *m = c->list; m; m = m->next) {
    if (m->type == N_MEMBER_DEF && (m->flags & F_FIELD) && (m->flags & F_COMPUTED)) {
      putf(L, "var $$fk%d_%d = __edgefn$pk(", cc.id, fk);
      emit_expr(L, m->a);
      put(L, ");");
      m->aux = (void *)(intptr_t)(fk + 1);
      fk++;
    }
  }
  /* instance field initializer (only when there are instance fields or private methods,
   * whose brand every instance carries) */
  bool has_fields = false, has_brand = false;
  for (node *m = c->list; m; m = m->next) {
    if (m->type == N_MEMBER_DEF && !(m->flags & F_STATIC) && (m->flags & F_FIELD))
      has_fields = true;
    if (m->type == N_MEMBER_DEF && !(m->flags & (F_STATIC | F_FIELD)) && m->a &&
        m->a->type == N_PRIVATE)
      has_brand = true;
  }
  if (has_brand)
    putf(L, "var $$pb%d = __edgefn$pn(\"brand\");", cc.id);
  has_fields = has_fields || has_brand;
  cc.has_fields = has_fields;
  putf(L, "var $$fi%d = %s", cc.id, has_fields ? "function() {" : "null;");
  if (has_fields) {
    fn_ctx ff;
    begin_fn(L, &ff, NULL);
    ff.cls = NULL;
    buf fb, *fprev = capture_begin(L, &fb);
    if (has_brand)
      putf(L, "__edgefn$df(this, $$pb%d, true);", cc.id);
    for (node *m = c->list; m; m = m->next) {
      if (m->type != N_MEMBER_DEF || (m->flags & F_STATIC))
        continue;
      if (m->a && m->a->type == N_PRIVATE && !(m->flags & F_FIELD))
        continue;
      if (!(m->flags & F_FIELD))
        continue;
      put(L, "__edgefn$df(this, ");
      if (m->flags & F_COMPUTED)
        putf(L, "$$fk%d_%d", cc.id, (int)(intptr_t)m->aux - 1);
      else
        emit_key_value(L, m);
      put(L, ", ");
      if (m->b)
        emit_expr(L, m->b);
      else
        put(L, "void 0");
      put(L, ");");
    }
    end_fn_body(L, &ff, &fb, fprev);
    put(L, "};");
  }
  /* constructor */
  {
    fn_ctx cf;
    scope_push(L);
    putf(L, "function %s", cname);
    begin_fn(L, &cf, ctor ? ctor->b : NULL);
    cf.class_ctor = true;
    cf.derived_ctor = cc.derived;
    bool prologue = false;
    if (ctor) {
      fn_declare_names(L, ctor->b);
      prologue = emit_param_list(L, ctor->b->list);
    } else {
      put(L, "()");
    }
    put(L, " {");
    buf cb, *cprev = capture_begin(L, &cb);
    putf(L, "if (!(this instanceof %s)) __edgefn$cc(this, %s);", cname, cname);
    if (ctor && contains_type(ctor->b->b, N_NEW_TARGET, 0))
      put(L, "var $$nt = this.constructor;");
    if (cc.derived)
      put(L, "var $$this;");
    else if (has_fields)
      putf(L, "$$fi%d.call(this);", cc.id);
    if (prologue)
      emit_params_prologue(L, ctor->b->list, NULL);
    if (ctor) {
      collect_var_names(L, ctor->b->b->list, &cf);
      emit_stmts(L, ctor->b->b->list, true);
    } else if (cc.derived) {
      putf(L, "$$this = __edgefn$sc($$super%d, this, arguments);", cc.id);
      if (has_fields)
        putf(L, "$$fi%d.call($$this);", cc.id);
    }
    if (cc.derived)
      put(L, "return $$this;");
    end_fn_body(L, &cf, &cb, cprev);
    put(L, "}");
    scope_pop(L);
  }
  /* methods */
  for (int pass = 0; pass < 2; pass++) {
    put(L, pass == 0 ? "var $$pm = [" : "var $$sm = [");
    bool first = true;
    for (node *m = c->list; m; m = m->next) {
      if (m->type != N_MEMBER_DEF || (m->flags & (F_FIELD | F_CTOR)))
        continue;
      if (((m->flags & F_STATIC) != 0) != (pass == 1))
        continue;
      if (!first)
        put(L, ", ");
      first = false;
      sync(L, m->line);
      emit_key_value(L, m);
      put(L, ", ");
      fn_ctx *saved = L->fn;
      saved->static_ctx = pass == 1;
      emit_member_fn(L, m);
      putf(L, ", %d", m->flags & F_GET ? 1 : m->flags & F_SET ? 2 : 0);
    }
    put(L, "];");
  }
  L->fn->static_ctx = false;
  if (cc.derived)
    putf(L, "__edgefn$cls(%s, $$super%d, $$pm, $$sm);", cname, cc.id);
  else
    putf(L, "__edgefn$cls(%s, void 0, $$pm, $$sm);", cname);
  if (!c->a) { /* an anonymous class is named after its binding, or "" (not $$C1) */
    putf(L, "__edgefn$nm(%s, ", cname);
    if (hint)
      put_str_lit(L, hint->s, hint->n);
    else
      put(L, "\"\"");
    put(L, ");");
  }
  /* static fields and blocks, in order, with this = the class */
  for (node *m = c->list; m; m = m->next) {
    if (m->type == N_STATIC_BLOCK) {
      put(L, "(function() {");
      fn_ctx sf;
      begin_fn(L, &sf, NULL);
      L->fn->static_ctx = true;
      scope_push(L);
      buf sb, *sprev = capture_begin(L, &sb);
      collect_var_names(L, m->list, &sf);
      emit_stmts(L, m->list, true);
      end_fn_body(L, &sf, &sb, sprev);
      scope_pop(L);
      putf(L, "}).call(%s);", cname);
      continue;
    }
    if (m->type != N_MEMBER_DEF || !(m->flags & F_STATIC) || !(m->flags & F_FIELD))
      continue;
    put(L, "(function() {");
    fn_ctx sf;
    begin_fn(L, &sf, NULL);
    L->fn->static_ctx = true;
    buf sb, *sprev = capture_begin(L, &sb);
    put(L, "__edgefn$df(this, ");
    if (m->flags & F_COMPUTED)
      putf(L, "$$fk%d_%d", cc.id, (int)(intptr_t)m->aux - 1);
    else
      emit_key_value(L, m);
    put(L, ", ");
    if (m->b)
      emit_expr(L, m->b);
    else
      put(L, "void 0");
    put(L, ");");
    end_fn_body(L, &sf, &sb, sprev);
    putf(L, "}).call(%s);", cname);
  }
  putf(L, "return %s;", cname);
  end_fn_body(L, &f, &body, prev);
  scope_pop(L);
  put(L, "})(");
  if (c->b)
    emit_expr(L, c->b);
  put(L, ")");
}

/* ---- statements ---- */

static void emit_var_decl_names(lowerer *L, node *id, void *ud) {
  /* block-level let/const/class: renamed so each block's binding is its own */
  bool *info = ud; /* [0]: rename, [1]: const */
  const char *out = info[0] ? afmt(L, "%.*s$%d", (int)id->n, id->s, ++L->uniq)
                            : astrdup(L, id->s, id->n);
  declare(L, id->s, id->n, out, info[1]);
}

static void declare_lexicals_inner(lowerer *L, node *list, bool rename);

/* Declares the lexical bindings of a statement list (before emitting it: they are in
 * scope for the whole block), in their temporal dead zone. */
static void declare_lexicals(lowerer *L, node *list, bool rename) {
  binding *before = L->sc->list;
  if (!L->sc->tdz_buf) {
    L->sc->tdz_buf = L->out;
    L->sc->tdz_off = L->out->n;
  }
  declare_lexicals_inner(L, list, rename);
  for (binding *b = L->sc->list; b && b != before; b = b->next_in_scope) {
    b->tdz = true;
    b->sc = L->sc;
    b->fn = L->fn;
  }
}

static void declare_lexicals_inner(lowerer *L, node *list, bool rename) {
  for (node *s = list; s; s = s->next) {
    node *d = s;
    if (d->type == N_EXPORT_NAMED && d->a)
      d = d->a;
    if (d->type == N_VAR && d->op != K_VAR) {
      bool info[2] = {rename, d->op == K_CONST};
      for (node *x = d->list; x; x = x->next)
        pattern_names(x->a, emit_var_decl_names, L, info);
    } else if (d->type == N_CLASS && (d->flags & F_DECL)) {
      bool info[2] = {rename, false};
      emit_var_decl_names(L, d->a, info);
    }
  }
}

static void decl_name_cb(lowerer *L, node *id, void *ud) {
  fn_ctx *owner = ud;
  binding *b = lookup(L, id->s, id->n);
  add_decl(owner, L, b ? b->out : astrdup(L, id->s, id->n));
}

/* var/let/const as ES5: `var` for all (hoisting in loop bodies to the owner function). */
static void emit_var(lowerer *L, node *n, bool as_expression) {
  fn_ctx *owner = n->op == K_VAR ? var_owner(L) : L->fn;
  bool hoist = owner != L->fn || as_expression;
  bool saved_init = L->initializing;
  L->initializing = true;
  if (hoist) {
    for (node *d = n->list; d; d = d->next)
      pattern_names(d->a, decl_name_cb, L, owner);
  }
  bool first = true;
  if (!hoist)
    put(L, "var ");
  for (node *d = n->list; d; d = d->next) {
    sync(L, d->line);
    if (d->a->type == N_IDENT) {
      if (!d->b && n->op == K_VAR) {
        if (!hoist) {
          sep(L, &first);
          emit_ident_ref(L, d->a);
        }
        continue;
      }
      sep(L, &first);
      emit_ident_ref(L, d->a);
      put(L, " = ");
      if (d->b && d->b->type == N_CLASS && !d->b->a)
        L->class_name_hint = d->a;
      if (d->b)
        emit_expr(L, d->b);
      else
        put(L, "void 0");
      tdz_init_cb(L, d->a, NULL);
      continue;
    }
    const char *t = temp(L);
    sep(L, &first);
    putf(L, "%s = ", t);
    emit_expr(L, d->b);
    destructure(L, d->a, t, &first);
    pattern_names(d->a, tdz_init_cb, L, NULL);
  }
  if (first && !hoist) { /* nothing written after "var " */
    put(L, "$$unused");
  }
  if (!as_expression)
    put(L, ";");
  L->initializing = saved_init;
}

static void push_jump(lowerer *L, int kind, const char *label, uint32_t n) {
  fn_ctx *f = L->fn;
  if (f->njumps == (int)EDGEFN_ARRAY_LEN(f->jumps))
    return; /* deeper nesting than 64 loops: jumps beyond resolve as plain statements */
  f->jumps[f->njumps].kind = kind;
  f->jumps[f->njumps].label = label;
  f->jumps[f->njumps].label_n = n;
  f->njumps++;
}

static bool labels_has(const char *labels, const char *l, size_t n) {
  if (!labels)
    return false;
  for (const char *p = labels; *p; p += strlen(p) + 1)
    if (strlen(p) == n && memcmp(p, l, n) == 0)
      return true;
  return false;
}

/* break/continue: plain when the target is in this function; from a loop body function,
 * a code the loop dispatches on. */
static void emit_jump(lowerer *L, bool is_break, const char *label, size_t n) {
  fn_ctx *f = L->fn;
  bool local = false;
  for (int i = f->njumps - 1; i >= 0 && !local; i--) {
    jump *j = &f->jumps[i];
    if (!label) {
      if (j->kind == J_LOOP || (is_break && j->kind == J_SWITCH))
        local = true;
    } else if (j->kind == J_LABEL && j->label_n == n && memcmp(j->label, label, n) == 0) {
      local = true;
    }
  }
  if (local || !f->loop_body) {
    put(L, is_break ? "break" : "continue");
    if (label) {
      put(L, " ");
      putn(L, label, n);
    }
    put(L, ";");
    return;
  }
  /* leaving the loop body function */
  if (!label || labels_has(f->wrapped_label, label, n)) {
    if (is_break) {
      f->used_break = true;
      put(L, "return \"b\";");
    } else {
      put(L, "return;");
    }
    return;
  }
  const char *code = afmt(L, "%c:%.*s", is_break ? 'b' : 'c', (int)n, label);
  b_put(L, &f->outer_jumps, code, strlen(code) + 1);
  putf(L, "return \"%s\";", code);
}

static void emit_return(lowerer *L, node *n) {
  fn_ctx *f = L->fn;
  if (n->a && n->a->line > L->line)
    sync(L, n->a->line);
  if (f->loop_body) {
    f->used_return = true;
    put(L, "return {v: ");
    if (n->a)
      emit_expr(L, n->a);
    else
      put(L, "void 0");
    put(L, "};");
    return;
  }
  fn_ctx *o = this_owner(L);
  if (o->derived_ctor && o == f) {
    if (n->a) {
      const char *t = temp(L);
      putf(L, "return (%s = ", t);
      emit_expr(L, n->a);
      putf(L, ") !== null && (typeof %s === \"object\" || typeof %s === \"function\") ? %s : $$this;",
           t, t, t);
    } else {
      put(L, "return $$this;");
    }
    return;
  }
  put(L, "return");
  if (n->a) {
    put(L, " ");
    emit_expr(L, n->a);
  }
  put(L, ";");
}

static bool walk_finds(node *n, bool want_closure, int depth);

static bool walk_list_finds(node *n, bool want_closure, int depth) {
  for (; n; n = n->next)
    if (walk_finds(n, want_closure, depth))
      return true;
  return false;
}

/* want_closure: any function or class; otherwise: any let/const/class declaration outside
 * nested functions. */
static bool walk_finds(node *n, bool want_closure, int depth) {
  if (!n || depth > (int)EDGEFN_COMPILER_MAX_DEPTH * 10)
    return false;
  if (want_closure && (n->type == N_FUNC || n->type == N_CLASS))
    return true;
  if (!want_closure) {
    if (n->type == N_FUNC)
      return false;
    if (n->type == N_VAR && n->op != K_VAR)
      return true;
    if (n->type == N_CLASS && (n->flags & F_DECL))
      return true;
  }
  if (walk_finds(n->a, want_closure, depth + 1) || walk_finds(n->b, want_closure, depth + 1) ||
      walk_finds(n->c, want_closure, depth + 1) || walk_finds(n->d, want_closure, depth + 1))
    return true;
  return walk_list_finds(n->list, want_closure, depth + 1);
}

static bool contains_lexical_decl_or_closure(node *n, bool want_closure) {
  return walk_finds(n, want_closure, 0);
}

typedef struct loop_head_vars {
  const char *names[32];
  node *ids[32];
  int n;
  bool copy_back; /* the body assigns a head variable: copy it to the next iteration */
} loop_head_vars;

static void head_var_cb(lowerer *L, node *id, void *ud) {
  loop_head_vars *h = ud;
  binding *b = lookup(L, id->s, id->n);
  if (h->n < 32) {
    h->ids[h->n] = id;
    h->names[h->n++] = b ? b->out : astrdup(L, id->s, id->n);
  }
}

/* Whether n may assign the identifier id (by name, ignoring shadowing, so it errs towards
 * yes): `id = …`, `id++`, a destructuring or for-in/of target naming it. */
static bool assigns_ident(node *n, node *id, bool target, int depth) {
  if (!n || depth > (int)EDGEFN_COMPILER_MAX_DEPTH * 10)
    return false;
  switch (n->type) {
  case N_IDENT:
    return target && n->n == id->n && memcmp(n->s, id->s, id->n) == 0;
  case N_ASSIGN:
    return assigns_ident(n->a, id, true, depth + 1) || assigns_ident(n->b, id, false, depth + 1);
  case N_UPDATE:
    return assigns_ident(n->a, id, true, depth + 1);
  case N_FOR_IN:
  case N_FOR_OF:
    return assigns_ident(n->a, id, n->a && n->a->type != N_VAR, depth + 1) ||
           assigns_ident(n->b, id, false, depth + 1) || assigns_ident(n->d, id, false, depth + 1);
  case N_ARRAY:
  case N_OBJECT:
  case N_PROP:
  case N_SPREAD:
  case N_PAREN:
    break; /* a pattern's parts are targets when the pattern is */
  default:
    target = false;
  }
  if (assigns_ident(n->a, id, target, depth + 1) || assigns_ident(n->b, id, target, depth + 1) ||
      assigns_ident(n->c, id, false, depth + 1) || assigns_ident(n->d, id, false, depth + 1))
    return true;
  for (node *e = n->list; e; e = e->next)
    if (assigns_ident(e, id, target, depth + 1))
      return true;
  return false;
}

/* The body of a loop whose iterations need their own bindings (closures capture them):
 * an immediately called function per iteration, and a dispatch on what it returns.
 * pre_text: statements run inside at the start (for-of/in variable assignment). */
static void emit_loop_body(lowerer *L, node *body, bool wrap, const char *labels,
                           loop_head_vars *params, void (*pre)(lowerer *, void *), void *pre_ud) {
  if (!wrap) {
    put(L, "{");
    if (pre)
      pre(L, pre_ud);
    scope_push(L);
    if (body->type == N_BLOCK) {
      declare_lexicals(L, body->list, true);
      emit_stmts(L, body->list, false);
    } else {
      emit_stmt(L, body);
    }
    scope_pop(L);
    put(L, "}");
    return;
  }
  fn_ctx f;
  const char *r = temp(L);
  const char *back[32];
  bool copy_back = params && params->copy_back;
  for (int i = 0; copy_back && i < params->n; i++)
    back[i] = temp(L);
  put(L, "{");
  putf(L, "%s = (function(", r);
  for (int i = 0; params && i < params->n; i++)
    putf(L, "%s%s", i ? ", " : "", params->names[i]);
  put(L, ") {");
  begin_fn(L, &f, NULL);
  f.lexical = true;
  f.loop_body = true;
  f.wrapped_label = labels;
  buf b, *prev = capture_begin(L, &b);
  if (pre)
    pre(L, pre_ud);
  /* for (let i …) whose body assigns i: the iteration's value of i (however the body ends)
   * is what the next iteration's copy starts from */
  if (copy_back)
    put(L, "try {");
  scope_push(L);
  if (body->type == N_BLOCK) {
    declare_lexicals(L, body->list, true);
    emit_stmts(L, body->list, false);
  } else {
    emit_stmt(L, body);
  }
  scope_pop(L);
  if (copy_back) {
    put(L, "} finally {");
    for (int i = 0; i < params->n; i++)
      putf(L, "%s = %s;", back[i], params->names[i]);
    put(L, "}");
  }
  bool used_break = f.used_break, used_return = f.used_return;
  buf outer = f.outer_jumps;
  f.outer_jumps.d = NULL;
  end_fn_body(L, &f, &b, prev);
  put(L, "})");
  put(L, "(");
  for (int i = 0; params && i < params->n; i++)
    putf(L, "%s%s", i ? ", " : "", params->names[i]);
  put(L, ");");
  for (int i = 0; copy_back && i < params->n; i++)
    putf(L, "%s = %s;", params->names[i], back[i]);
  if (used_break || used_return || outer.n) {
    putf(L, "if (%s !== void 0) {", r);
    if (used_break)
      putf(L, "if (%s === \"b\") break;", r);
    for (const char *p = outer.d; p && p < outer.d + outer.n; p += strlen(p) + 1) {
      putf(L, "if (%s === \"%s\") ", r, p);
      emit_jump(L, p[0] == 'b', p + 2, strlen(p + 2));
    }
    if (used_return) {
      if (L->fn->loop_body) {
        L->fn->used_return = true;
        putf(L, "if (typeof %s === \"object\") return %s;", r, r);
      } else {
        putf(L, "if (typeof %s === \"object\") return %s.v;", r, r);
      }
    }
    put(L, "}");
  }
  buf_release(L, &outer);
  put(L, "}");
}

static bool loop_needs_wrap(node *head, node *body) {
  bool lex = (head && head->type == N_VAR && head->op != K_VAR) ||
             contains_lexical_decl_or_closure(body, false);
  if (!lex)
    return false;
  return contains_lexical_decl_or_closure(body, true) ||
         (head && contains_lexical_decl_or_closure(head, true));
}

typedef struct forof_pre {
  node *left;
  const char *value;
} forof_pre;

static void forof_assign_inner(lowerer *L, forof_pre *fp);
static void forof_assign(lowerer *L, void *ud) {
  bool saved = L->initializing;
  L->initializing = ((forof_pre *)ud)->left->type == N_VAR;
  forof_assign_inner(L, ud);
  L->initializing = saved;
}
static void forof_assign_inner(lowerer *L, forof_pre *fp) {
  node *left = fp->left;
  if (left->type == N_VAR) {
    node *d = left->list;
    if (d->a->type == N_IDENT) {
      if (left->op != K_VAR && L->fn->loop_body) {
        put(L, "var ");
        emit_ident_ref(L, d->a);
        putf(L, " = %s;", fp->value);
      } else {
        emit_ident_ref(L, d->a);
        putf(L, " = %s;", fp->value);
      }
      return;
    }
    bool first = true;
    if (left->op != K_VAR && L->fn->loop_body)
      put(L, "var ");
    else {
      /* assignments to already declared names */
    }
    bool decl = left->op != K_VAR && L->fn->loop_body;
    if (!decl) {
      destructure(L, d->a, fp->value, &first);
    } else {
      destructure(L, d->a, fp->value, &first);
    }
    put(L, ";");
    return;
  }
  if (left->type == N_ARRAY || left->type == N_OBJECT) {
    bool first = true;
    destructure(L, left, fp->value, &first);
    put(L, ";");
    return;
  }
  emit_target_assign(L, left, fp->value);
  put(L, ";");
}

static void put_labels(lowerer *L, const char *labels) {
  for (const char *p = labels; p && *p; p += strlen(p) + 1)
    putf(L, "%s: ", p);
}

static void push_loop_labels(lowerer *L, const char *labels) {
  push_jump(L, J_LOOP, NULL, 0);
  for (const char *p = labels; p && *p; p += strlen(p) + 1)
    push_jump(L, J_LABEL, p, (uint32_t)strlen(p));
}

static void pop_loop_labels(lowerer *L, const char *labels) {
  L->fn->njumps--;
  for (const char *p = labels; p && *p; p += strlen(p) + 1)
    L->fn->njumps--;
}

static void declare_head(lowerer *L, node *head) {
  if (head && head->type == N_VAR && head->op != K_VAR) {
    bool info[2] = {true, head->op == K_CONST};
    for (node *x = head->list; x; x = x->next)
      pattern_names(x->a, emit_var_decl_names, L, info);
  }
}

static void emit_for_of(lowerer *L, node *n, const char *labels) {
  bool is_await = (n->flags & F_AWAIT) != 0;
  scope_push(L);
  declare_head(L, n->a);
  node *left = n->a;
  bool wrap = loop_needs_wrap(left, n->c);
  /* declare the loop variables in the function unless the body function declares them */
  if (left->type == N_VAR && !(wrap && left->op != K_VAR)) {
    fn_ctx *owner = var_owner(L);
    pattern_names(left->list->a, decl_name_cb, L, owner);
  }
  const char *it = temp(L), *st = temp(L), *ok = temp(L);
  const char *value;
  if (is_await) {
    putf(L, "%s = __edgefn$aiter(", it);
    emit_expr(L, n->b);
    putf(L, "); %s = false; try {", ok);
    put_labels(L, labels);
    putf(L, "for (;;) {%s = true; %s = __edgefn$await(%s.next()); __edgefn$io(%s); if (%s.done) break; %s = false;",
         ok, st, it, st, st, ok);
    value = afmt(L, "%s.value", st);
  } else {
    /* Arrays whose iteration nobody replaced are walked by index (what their iterator
     * does, without a call and a result object per value); anything else through its
     * iterator. */
    const char *arr = temp(L), *idx = temp(L), *v = temp(L);
    putf(L, "%s = __edgefn$fa(%s = ", arr, it);
    emit_expr(L, n->b);
    putf(L, "); %s = %s ? null : __edgefn$iter(%s); %s = 0; %s = !!%s; try {", it, arr, it, idx,
         ok, arr);
    put_labels(L, labels);
    putf(L, "for (;;) {if (%s) { if (%s >= %s.length) break; %s = %s[%s++]; } else { %s = true; "
            "%s = %s.next(); __edgefn$io(%s); if (%s.done) break; %s = false; %s = %s.value; }",
         arr, idx, arr, v, arr, idx, ok, st, it, st, st, ok, v, st);
    value = v;
  }
  push_loop_labels(L, labels);
  forof_pre fp = {left, value};
  emit_loop_body(L, n->c, wrap, labels, NULL, forof_assign, &fp);
  pop_loop_labels(L, labels);
  if (is_await)
    putf(L, "}} catch ($$e) { if (!%s) { %s = true; try { __edgefn$aclose(%s); } catch ($$e2) {} } throw $$e; } finally { if (!%s) __edgefn$await(__edgefn$aclose(%s)); }",
         ok, ok, it, ok, it);
  else
    putf(L, "}} catch ($$e) { if (!%s) { %s = true; try { __edgefn$close(%s); } catch ($$e2) {} } throw $$e; } finally { if (!%s) __edgefn$close(%s); }",
         ok, ok, it, ok, it);
  scope_pop(L);
}

static void emit_for_in(lowerer *L, node *n, const char *labels) {
  scope_push(L);
  declare_head(L, n->a);
  node *left = n->a;
  bool wrap = loop_needs_wrap(left, n->c);
  if (left->type == N_VAR && !(wrap && left->op != K_VAR)) {
    fn_ctx *owner = var_owner(L);
    pattern_names(left->list->a, decl_name_cb, L, owner);
  }
  const char *k = temp(L);
  put_labels(L, labels);
  putf(L, "for (%s in ", k);
  emit_expr(L, n->b);
  put(L, ") ");
  push_loop_labels(L, labels);
  forof_pre fp = {left, k};
  emit_loop_body(L, n->c, wrap, labels, NULL, forof_assign, &fp);
  pop_loop_labels(L, labels);
  scope_pop(L);
}

static void emit_for(lowerer *L, node *n, const char *labels) {
  scope_push(L);
  declare_head(L, n->a);
  bool wrap = n->a && n->a->type == N_VAR && n->a->op != K_VAR
                  ? loop_needs_wrap(n->a, n->d) || contains_lexical_decl_or_closure(n->b, true) ||
                        contains_lexical_decl_or_closure(n->c, true)
                  : loop_needs_wrap(NULL, n->d);
  loop_head_vars hv = {{0}, {0}, 0, false};
  if (wrap && n->a && n->a->type == N_VAR && n->a->op != K_VAR) {
    for (node *d = n->a->list; d; d = d->next)
      pattern_names(d->a, head_var_cb, L, &hv);
    for (int i = 0; i < hv.n; i++)
      hv.copy_back = hv.copy_back || assigns_ident(n->d, hv.ids[i], false, 0);
  }
  put_labels(L, labels);
  put(L, "for (");
  if (n->a) {
    if (n->a->type == N_VAR) {
      emit_var(L, n->a, true);
    } else {
      emit_expr(L, n->a);
    }
  }
  put(L, "; ");
  if (n->b)
    emit_expr(L, n->b);
  put(L, "; ");
  if (n->c)
    emit_expr(L, n->c);
  put(L, ") ");
  push_loop_labels(L, labels);
  emit_loop_body(L, n->d, wrap, labels, &hv, NULL, NULL);
  pop_loop_labels(L, labels);
  scope_pop(L);
}

static void emit_sub_stmt(lowerer *L, node *s) {
  /* a statement in a position that is its own scope (if/else branches, labels) */
  if (s->type == N_BLOCK) {
    emit_stmt(L, s);
    return;
  }
  put(L, "{");
  scope_push(L);
  node one = *s;
  one.next = NULL;
  declare_lexicals(L, &one, true);
  emit_stmt(L, s);
  scope_pop(L);
  put(L, "}");
}

static void emit_catch_prefix(lowerer *L, const char *name) {
  fn_ctx *o = L->fn;
  while (o->lexical && o->parent)
    o = o->parent;
  if (o->generator)
    putf(L, "__edgefn$gr(%s);", name);
}

static void emit_labeled_stmt(lowerer *L, node *n, const char *labels);

/* Whether code that may run after the module's top level finished (inside any function or
 * class) can write `name`: assignments, updates, declarations and parameters of that name
 * anywhere in such code count, shadowing ones too (conservative). Writes by the top level
 * itself do not matter: it has finished before the value is fixed. */
static bool written_later(node *n, const char *s, uint32_t len, bool target, bool deferred) {
  for (; n; n = NULL) {
    switch (n->type) {
    case N_IDENT:
      return target && deferred && n->n == len && memcmp(n->s, s, len) == 0;
    case N_ASSIGN:
    case N_DECLARATOR:
      return written_later(n->a, s, len, true, deferred) ||
             written_later(n->b, s, len, false, deferred);
    case N_UPDATE:
    case N_FOR_IN:
    case N_FOR_OF:
      return written_later(n->a, s, len, true, deferred) ||
             written_later(n->b, s, len, false, deferred) ||
             written_later(n->c, s, len, false, deferred);
    case N_FUNC:
    case N_CLASS:
      /* the declaration's own name is written when its scope starts, not later */
      if (written_later(n->a, s, len, true, deferred))
        return true;
      deferred = true;
      for (node *x = n->list; x; x = x->next)
        if (written_later(x, s, len, true, true))
          return true;
      return written_later(n->b, s, len, false, true);
    case N_TRY:
      return written_later(n->a, s, len, false, deferred) ||
             written_later(n->b, s, len, true, deferred) ||
             written_later(n->c, s, len, false, deferred) ||
             written_later(n->d, s, len, false, deferred);
    default: {
      /* patterns pass the target on; anything else (member, call) is not a binding */
      bool t = target && (n->type == N_ARRAY || n->type == N_OBJECT || n->type == N_PROP ||
                          n->type == N_SPREAD || n->type == N_PAREN || n->type == N_VAR);
      if (written_later(n->a, s, len, t, deferred) || written_later(n->b, s, len, t, deferred) ||
          written_later(n->c, s, len, t, deferred) || written_later(n->d, s, len, t, deferred))
        return true;
      for (node *x = n->list; x; x = x->next)
        if (written_later(x, s, len, t, deferred))
          return true;
      return false;
    }
    }
  }
  return false;
}

/* In module mode an export is a getter (the binding stays live for importers); b, when
 * not NULL, is the local binding, read through a TDZ check when it has one: the sentinel
 * is set before the module registers its getters, so a cycle reaching it early throws. */
static void add_export_b(lowerer *L, const char *exported, size_t en, const char *local,
                         binding *b) {
  L->module_exports = true;
  buf *prev = L->out;
  if (L->resolve) {
    L->out = &L->meta_exports;
    put(L, L->meta_exports.n ? "," : "");
    put_str_lit(L, exported, en);
  }
  L->out = &L->exports;
  if (L->exports.n)
    put(L, ", ");
  put_str_lit(L, exported, en);
  put(L, ": ");
  if (!L->resolve) {
    put(L, local);
  } else if (b && b->tdz && b->sc && b->sc->tdz_buf && b->sc->parent == NULL) {
    b->checked = true;
    L->out = &L->tdz_init;
    putf(L, "%s = __edgefn$tdz;", b->out);
    L->out = &L->exports;
    putf(L, "function () { return %s === __edgefn$tdz ? __edgefn$tdze(", b->out);
    put_str_lit(L, b->name, b->n);
    putf(L, ") : %s; }", b->out);
  } else {
    putf(L, "function () { return %s; }", local);
  }
  /* A local binding no later code writes (and the default expression's $$default) keeps
   * the value it has when the module finished: the linker then makes it a plain property,
   * so importers read it at the cost of a property read, not a getter call. */
  bool import_binding = b && strncmp(b->out, "(0, $$i", 7) == 0;
  if (L->resolve && !import_binding &&
      ((b && !written_later(L->prog, b->name, b->n, false, false)) ||
       (!b && strcmp(local, "$$default") == 0))) {
    L->out = &L->fixed;
    put(L, L->fixed.n ? "," : "");
    put_str_lit(L, exported, en);
  }
  L->out = prev;
}

static void add_export(lowerer *L, const char *exported, size_t en, const char *local) {
  add_export_b(L, exported, en, local, NULL);
}

static void export_name_cb(lowerer *L, node *id, void *ud) {
  (void)ud;
  binding *b = lookup(L, id->s, id->n);
  add_export_b(L, id->s, id->n, b ? b->out : astrdup(L, id->s, id->n), b);
}

/* The $$i<k> slot of the module a declaration names; a name no file of the bundle has is
 * a compile error at the specifier. */
static int module_slot(lowerer *L, node *n) {
  int m = L->resolve ? L->resolve(L->resolve_ud, n->s, n->n) : -1;
  if (m < 0) {
    parse_error *e = L->err;
    e->line = n->line;
    e->col = n->col;
    snprintf(e->msg, sizeof(e->msg), "Cannot find module '%.*s'%s", (int)(n->n > 120 ? 120 : n->n),
             n->s, L->resolve ? "" : " (the function is a single file)");
    longjmp(*L->oom, 2);
  }
  for (size_t k = 0; k < L->ndeps; k++)
    if (L->deps[k] == m)
      return (int)k;
  if (L->ndeps == L->deps_cap) {
    size_t cap = L->deps_cap ? L->deps_cap * 2 : 8;
    int *nd = edgefn__arena_alloc(L->ar, cap * sizeof(int));
    if (L->ndeps)
      memcpy(nd, L->deps, L->ndeps * sizeof(int));
    L->deps = nd;
    L->deps_cap = cap;
  }
  L->deps[L->ndeps] = m;
  return (int)L->ndeps++;
}

/* Records that this module needs `name` from its dependency k (checked at link time
 * against what that module exports, with the position for the error). */
static void want_name(lowerer *L, int k, node *spec_decl, node *name) {
  buf *prev = L->out;
  L->out = &L->meta_wants;
  putf(L, "%s[%d,", L->meta_wants.n ? "," : "", k);
  put_str_lit(L, name->s, name->n);
  putf(L, ",%d,%d,", name->line, name->col);
  put_str_lit(L, spec_decl->s, spec_decl->n);
  put(L, "]");
  L->out = prev;
}

/* The expression reading export `name` of dependency k: a property of its namespace,
 * whose getter keeps the binding live. */
static const char *import_ref(lowerer *L, int k, node *name) {
  bool ident = name->n > 0;
  for (uint32_t i = 0; i < name->n; i++) {
    char c = name->s[i];
    if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == '$' ||
          (i > 0 && c >= '0' && c <= '9')))
      ident = false;
  }
  if (ident)
    return afmt(L, "$$i%d.%.*s", k, (int)name->n, name->s);
  buf b = {0}, *prev = L->out;
  L->out = &b;
  putf(L, "$$i%d[", k);
  put_str_lit(L, name->s, name->n);
  put(L, "]");
  L->out = prev;
  char *r = astrdup(L, b.d, b.n);
  buf_release(L, &b);
  return r;
}

/* import declarations bind before anything runs: every local is a read of the exporter's
 * namespace, constant (assigning to it is a TypeError, as in ES). */
static void declare_imports(lowerer *L, node *list) {
  for (node *s = list; s; s = s->next) {
    if (s->type != N_IMPORT)
      continue;
    int k = module_slot(L, s);
    for (node *sp = s->list; sp; sp = sp->next) {
      const char *out;
      if (!sp->a) {
        out = afmt(L, "$$i%d", k);
      } else {
        want_name(L, k, s, sp->a);
        out = afmt(L, "(0, %s)", import_ref(L, k, sp->a));
      }
      declare(L, sp->b->s, sp->b->n, out, true);
    }
  }
}

static void emit_stmt(lowerer *L, node *n) {
  sync(L, n->line);
  switch (n->type) {
  case N_EMPTY:
    put(L, ";");
    return;
  case N_DEBUGGER:
    put(L, "debugger;");
    return;
  case N_EXPR_STMT: {
    node *e = n->a;
    bool wrap = e->type == N_FUNC || e->type == N_OBJECT || e->type == N_CLASS;
    if (n->c && e->type == N_STR) { /* directive: keep as written */
      put_str_lit(L, e->s, e->n);
      put(L, ";");
      return;
    }
    if (wrap) {
      put(L, "(");
      emit_expr(L, e);
      put(L, ")");
      put(L, ";");
      return;
    }
    /* Sloppy code may start a statement with an identifier named `let` (`let;`,
     * `let = 1;`); Duktape reads a statement that starts with `let` as a declaration and
     * rejects it, so such a statement is parenthesized. */
    buf b, *prev = capture_begin(L, &b);
    emit_expr(L, e);
    const char *text = capture_end(L, &b, prev);
    const char *t = text;
    while (*t == '\n' || *t == ' ')
      t++;
    bool let_first = strncmp(t, "let", 3) == 0 && !is_ident_char((unsigned char)t[3]);
    if (let_first) {
      putn(L, text, (size_t)(t - text));
      put(L, "(");
      put(L, t);
      put(L, ")");
    } else {
      put(L, text);
    }
    put(L, ";");
    return;
  }
  case N_VAR:
    emit_var(L, n, false);
    return;
  case N_FUNC: {
    binding *b = lookup(L, n->a->s, n->a->n);
    emit_function(L, n, b ? b->out : astrdup(L, n->a->s, n->a->n));
    return;
  }
  case N_CLASS: {
    binding *b = lookup(L, n->a->s, n->a->n);
    const char *out = b ? b->out : astrdup(L, n->a->s, n->a->n);
    fn_ctx *owner = var_owner(L);
    if (owner != L->fn)
      add_decl(owner, L, out);
    else
      put(L, "var ");
    putf(L, "%s = ", out);
    emit_class(L, n, out);
    put(L, ";");
    if (b)
      b->initialized = true;
    return;
  }
  case N_RETURN:
    emit_return(L, n);
    return;
  case N_IF:
    put(L, "if (");
    emit_expr(L, n->a);
    put(L, ") ");
    emit_sub_stmt(L, n->b);
    if (n->c) {
      put(L, " else ");
      emit_sub_stmt(L, n->c);
    }
    return;
  case N_FOR:
    emit_for(L, n, NULL);
    return;
  case N_FOR_IN:
    emit_for_in(L, n, NULL);
    return;
  case N_FOR_OF:
    emit_for_of(L, n, NULL);
    return;
  case N_WHILE: {
    bool wrap = loop_needs_wrap(NULL, n->b);
    put(L, "while (");
    emit_expr(L, n->a);
    put(L, ") ");
    push_loop_labels(L, NULL);
    emit_loop_body(L, n->b, wrap, NULL, NULL, NULL, NULL);
    pop_loop_labels(L, NULL);
    return;
  }
  case N_DO: {
    bool wrap = loop_needs_wrap(NULL, n->b);
    put(L, "do ");
    push_loop_labels(L, NULL);
    emit_loop_body(L, n->b, wrap, NULL, NULL, NULL, NULL);
    pop_loop_labels(L, NULL);
    put(L, " while (");
    emit_expr(L, n->a);
    put(L, ");");
    return;
  }
  case N_BREAK:
  case N_CONTINUE:
    emit_jump(L, n->type == N_BREAK, n->s, n->n);
    return;
  case N_THROW:
    if (n->a->line > L->line)
      sync(L, n->a->line);
    put(L, "throw ");
    emit_expr(L, n->a);
    put(L, ";");
    return;
  case N_TRY:
    put(L, "try ");
    emit_stmt(L, n->a);
    if (n->c) {
      scope_push(L);
      if (!n->b || n->b->type != N_IDENT) {
        const char *e = afmt(L, "$$c%d", ++L->uniq);
        putf(L, " catch (%s) {", e);
        emit_catch_prefix(L, e);
        if (n->b) {
          bool info[2] = {true, false};
          pattern_names(n->b, emit_var_decl_names, L, info);
          fn_ctx *owner = var_owner(L);
          pattern_names(n->b, decl_name_cb, L, owner);
          bool first = true;
          destructure(L, n->b, e, &first);
          put(L, ";");
        }
      } else {
        /* the catch parameter is block scoped in ES5 too */
        declare(L, n->b->s, n->b->n, astrdup(L, n->b->s, n->b->n), false);
        put(L, " catch (");
        putn(L, n->b->s, n->b->n);
        put(L, ") {");
        emit_catch_prefix(L, astrdup(L, n->b->s, n->b->n));
      }
      scope_push(L);
      declare_lexicals(L, n->c->list, true);
      emit_stmts(L, n->c->list, false);
      scope_pop(L);
      scope_pop(L);
      put(L, "}");
    }
    if (n->d) {
      put(L, " finally ");
      emit_stmt(L, n->d);
    }
    return;
  case N_SWITCH:
    put(L, "switch (");
    scope_push(L);
    /* a case's binding may be read in a later case whose declaration never ran: always
     * checked; the sentinel goes before the discriminant */
    L->sc->tdz_buf = L->out;
    L->sc->tdz_off = L->out->n;
    L->sc->tdz_expr = true;
    emit_expr(L, n->a);
    put(L, ") {");
    push_jump(L, J_SWITCH, NULL, 0);
    for (node *c = n->list; c; c = c->next)
      declare_lexicals(L, c->list, true);
    for (binding *b = L->sc->list; b; b = b->next_in_scope)
      b->always_check = true;
    for (node *c = n->list; c; c = c->next) {
      sync(L, c->line);
      if (c->a) {
        put(L, "case ");
        emit_expr(L, c->a);
        put(L, ": ");
      } else {
        put(L, "default: ");
      }
      emit_stmts(L, c->list, false);
    }
    scope_pop(L);
    L->fn->njumps--;
    put(L, "}");
    return;
  case N_LABELED:
    emit_labeled_stmt(L, n, NULL);
    return;
  case N_BLOCK:
    put(L, "{");
    scope_push(L);
    declare_lexicals(L, n->list, true);
    emit_stmts(L, n->list, false);
    scope_pop(L);
    put(L, "}");
    return;
  case N_EXPORT_DEFAULT: {
    node *x = n->a;
    if ((x->type == N_FUNC || x->type == N_CLASS) && (x->flags & F_DECL)) {
      emit_stmt(L, x);
      binding *b = lookup(L, x->a->s, x->a->n);
      add_export_b(L, "default", 7, b ? b->out : astrdup(L, x->a->s, x->a->n), b);
      return;
    }
    put(L, "var $$default = ");
    emit_expr(L, x);
    put(L, ";");
    /* an anonymous function or class exported as default is named "default", as in ES */
    if ((x->type == N_FUNC || x->type == N_CLASS) && !x->a)
      put(L, "__edgefn$nm($$default, \"default\");");
    add_export(L, "default", 7, "$$default");
    return;
  }
  case N_IMPORT:
    put(L, ";");
    return;
  case N_EXPORT_NAMED:
    if (n->s) { /* export ... from 'm' */
      int k = module_slot(L, n);
      if ((n->flags & F_SPREAD_PROP) && !n->list) {
        buf *prev = L->out;
        L->out = &L->meta_stars;
        putf(L, "%s%d", L->meta_stars.n ? "," : "", k);
        L->out = prev;
      } else if (n->flags & F_SPREAD_PROP) {
        add_export(L, n->list->b->s, n->list->b->n, afmt(L, "$$i%d", k));
      } else {
        for (node *sp = n->list; sp; sp = sp->next) {
          want_name(L, k, n, sp->a);
          add_export(L, sp->b->s, sp->b->n, import_ref(L, k, sp->a));
          /* [exported, dep slot, imported, line, col, specifier]: the linker follows
           * chains of these to refuse a cycle, which no module would ever resolve */
          buf *prev = L->out;
          L->out = &L->meta_reexports;
          put(L, L->meta_reexports.n ? ",[" : "[");
          put_str_lit(L, sp->b->s, sp->b->n);
          putf(L, ",%d,", k);
          put_str_lit(L, sp->a->s, sp->a->n);
          putf(L, ",%d,%d,", sp->a->line, sp->a->col);
          put_str_lit(L, n->s, n->n);
          put(L, "]");
          L->out = prev;
        }
      }
      put(L, ";");
      return;
    }
    if (n->a) {
      emit_stmt(L, n->a);
      if (n->a->type == N_VAR) {
        for (node *d = n->a->list; d; d = d->next)
          pattern_names(d->a, export_name_cb, L, NULL);
      } else {
        export_name_cb(L, n->a->a, NULL);
      }
      return;
    }
    for (node *s = n->list; s; s = s->next) {
      binding *b = lookup(L, s->a->s, s->a->n);
      add_export_b(L, s->b->s, s->b->n, b ? b->out : astrdup(L, s->a->s, s->a->n), b);
    }
    return;
  default:
    unsupported(L, n, "this statement");
  }
}

/* Labels collect onto the statement they label; loops put them on the real loop. */
static void emit_labeled_stmt(lowerer *L, node *n, const char *labels) {
  buf lb = {0};
  if (labels) {
    size_t len = 0;
    for (const char *p = labels; *p; p += strlen(p) + 1)
      len += strlen(p) + 1;
    b_put(L, &lb, labels, len);
  }
  node *s = n;
  while (s->type == N_LABELED) {
    b_put(L, &lb, s->s, s->n);
    b_put(L, &lb, "", 1);
    s = s->a;
  }
  b_put(L, &lb, "", 1); /* list terminator */
  char *list = astrdup(L, lb.d, lb.n);
  buf_release(L, &lb);
  sync(L, s->line);
  switch (s->type) {
  case N_FOR:
    emit_for(L, s, list);
    return;
  case N_FOR_IN:
    emit_for_in(L, s, list);
    return;
  case N_FOR_OF:
    emit_for_of(L, s, list);
    return;
  case N_WHILE:
  case N_DO: {
    bool wrap = loop_needs_wrap(NULL, s->b);
    put_labels(L, list);
    if (s->type == N_WHILE) {
      put(L, "while (");
      emit_expr(L, s->a);
      put(L, ") ");
    } else {
      put(L, "do ");
    }
    push_loop_labels(L, list);
    emit_loop_body(L, s->b, wrap, list, NULL, NULL, NULL);
    pop_loop_labels(L, list);
    if (s->type == N_DO) {
      put(L, " while (");
      emit_expr(L, s->a);
      put(L, ");");
    }
    return;
  }
  default: {
    int pushed = 0;
    for (const char *p = list; *p; p += strlen(p) + 1) {
      push_jump(L, J_LABEL, p, (uint32_t)strlen(p));
      pushed++;
    }
    put_labels(L, list);
    emit_sub_stmt(L, s);
    L->fn->njumps -= pushed;
    return;
  }
  }
}

static void emit_stmts(lowerer *L, node *list, bool function_top) {
  if (function_top)
    declare_lexicals(L, list, false);
  node *s = list;
  if (function_top) {
    /* the directive prologue ("use strict") stays first: TDZ sentinels go after it */
    while (s && s->type == N_EXPR_STMT && s->a && s->a->type == N_STR) {
      emit_stmt(L, s);
      s = s->next;
    }
    if (L->sc->tdz_buf == L->out)
      L->sc->tdz_off = L->out->n;
  }
  for (; s; s = s->next)
    emit_stmt(L, s);
}

/* ---- entry ---- */

typedef struct lower_job {
  lowerer *L;
  parse_error *err;
} lower_job;


/* Whether the source is UTF-8 as Duktape decodes it (1-4 byte sequences, code points up to
 * U+10FFFF): bytes it cannot decode are a SyntaxError here, at their position, rather than
 * passing through the compiler into text Duktape then refuses without a location. */
static bool utf8_source_ok(const char *src, size_t len, parse_error *pe) {
  const unsigned char *p = (const unsigned char *)src, *end = p + len;
  int line = 1, col = 1;
  while (p < end) {
    unsigned x = *p;
    if (x < 0x80) {
      p++;
      if (x == '\n' || (x == '\r' && (p >= end || *p != '\n'))) {
        line++;
        col = 1;
      } else {
        col++;
      }
      continue;
    }
    int cont = x < 0xc0 ? -1 : x < 0xe0 ? 1 : x < 0xf0 ? 2 : x < 0xf8 ? 3 : -1;
    uint32_t cp = x & (cont == 1 ? 0x1fu : cont == 2 ? 0x0fu : 0x07u);
    bool ok = cont > 0 && (size_t)(end - p) > (size_t)cont;
    for (int i = 1; ok && i <= cont; i++) {
      ok = (p[i] & 0xc0u) == 0x80u;
      cp = (cp << 6) | (p[i] & 0x3fu);
    }
    if (!ok || cp > 0x10ffffu) {
      pe->line = line;
      pe->col = col;
      snprintf(pe->msg, sizeof(pe->msg), "invalid UTF-8 in the source (byte 0x%02x)", x);
      return false;
    }
    p += cont + 1;
    col++;
  }
  return true;
}

/* Whether a single source is parsed with the module goal: a name ending in .mjs says so (as
 * for Node); otherwise the source decides. It is a module when it has import or export
 * declarations; when it has none, it is a script, unless only the module goal parses it
 * (then the script's error stands: top-level await and import.meta belong to modules). */
static node *parse_single(arena *ar, const char *src, size_t len, const char *filename,
                          parse_error *pe, bool *module) {
  size_t fl = filename ? strlen(filename) : 0;
  *module = true;
  if (fl > 4 && strcmp(filename + fl - 4, ".mjs") == 0)
    return edgefn__parse(ar, src, len, true, pe);
  parse_error mpe;
  memset(&mpe, 0, sizeof(mpe));
  node *prog = edgefn__parse(ar, src, len, true, &mpe);
  if (prog && (prog->flags & F_MODULE_SYNTAX))
    return prog;
  if (prog && !(prog->flags & (F_TOP_AWAIT | F_IMPORT_META))) {
    *module = false;
    return prog; /* the same tree as the script goal gives */
  }
  *module = false;
  node *sprog = edgefn__parse(ar, src, len, false, pe);
  if (sprog && !(sprog->flags & F_MODULE_SYNTAX))
    return sprog;
  if (sprog) { /* a module after all, which only the script goal parsed */
    *pe = mpe;
    return NULL;
  }
  if (prog && (prog->flags & F_TOP_AWAIT) && prog->n) {
    /* what Node says of a classic script's top-level await, at that await */
    pe->line = (int)prog->n;
    pe->col = (int)prog->n2;
    snprintf(pe->msg, sizeof(pe->msg),
             "await is only valid in async functions and the top level bodies of modules");
  } else if (!prog && mpe.module_syntax) {
    *pe = mpe; /* it is a module with an error: the module goal's error is the one */
  }
  return NULL;
}

/* Whether a module's import or export-from declarations name a built-in module. */
static bool imports_builtin(const node *prog) {
  for (const node *n = prog->list; n; n = n->next)
    if ((n->type == N_IMPORT || n->type == N_EXPORT_NAMED) && n->s &&
        edgefn__builtin_module(n->s, n->n, NULL))
      return true;
  return false;
}

static int lower_impl(const char *src, size_t len, const char *filename,
                      edgefn__resolve_fn resolve, void *resolve_ud, char **out, size_t *out_len,
                      char **meta, bool *needs_link, edgefn_error_info *err) {
  *out = NULL;
  *out_len = 0;
  arena ar;
  memset(&ar, 0, sizeof(ar));
  jmp_buf jb;
  parse_error pe;
  memset(&pe, 0, sizeof(pe));
  lowerer L;
  memset(&L, 0, sizeof(L));
  buf output = {0}, prog_decls = {0};
  fn_ctx top;
  memset(&top, 0, sizeof(top));
  int rc = setjmp(jb);
  if (rc) {
    /* Every buffer still allocated, wherever on the stack it was. */
    for (size_t i = 0; i < L.nlive; i++)
      free(L.live[i]);
    free(L.live);
    free(L.table);
    edgefn__arena_free(&ar);
    if (rc == 1) {
      edgefn__error_set(err, EDGEFN_ENOMEM, filename, 0, 0, "out of memory while compiling");
      return EDGEFN_ENOMEM;
    }
    edgefn__error_set(err, EDGEFN_ESYNTAX, filename, pe.line, pe.col, "%s", pe.msg);
    return EDGEFN_ESYNTAX;
  }
  ar.oom = &jb;
  if (!utf8_source_ok(src, len, &pe)) {
    edgefn__error_set(err, EDGEFN_ESYNTAX, filename, pe.line, pe.col, "%s", pe.msg);
    return EDGEFN_ESYNTAX;
  }
  bool module = true;
  node *prog = resolve ? edgefn__parse(&ar, src, len, true, &pe)
                       : parse_single(&ar, src, len, filename, &pe, &module);
  if (prog && !resolve && needs_link && module &&
      ((prog->flags & (F_TOP_AWAIT | F_IMPORT_META | F_DYNAMIC_IMPORT)) ||
       imports_builtin(prog))) {
    /* only the linker evaluates a module asynchronously and gives it import.meta */
    edgefn__arena_free(&ar);
    *needs_link = true;
    return 0;
  }
  if (!prog) {
    edgefn__arena_free(&ar);
    edgefn__error_set(err, EDGEFN_ESYNTAX, filename, pe.line, pe.col, "%s", pe.msg);
    return EDGEFN_ESYNTAX;
  }
  L.ar = &ar;
  L.oom = &jb;
  L.line = 1;
  L.table_cap = 256;
  L.table = calloc(L.table_cap, sizeof(binding *));
  if (!L.table)
    longjmp(jb, 1);
  L.err = &pe;
  L.prog_decls = &prog_decls;
  scope *root = edgefn__arena_alloc(&ar, sizeof(scope));
  memset(root, 0, sizeof(*root));
  L.sc = root;
  L.fn = &top;
  L.resolve = resolve;
  L.resolve_ud = resolve_ud;
  L.prog = prog;
  buf body = {0};
  L.out = &body;
  declare_imports(&L, prog->list);
  emit_stmts(&L, prog->list, true);
  if (L.module_exports && !resolve) {
    put(&L, "__edgefn$module({");
    putn(&L, L.exports.d, L.exports.n);
    put(&L, "});");
  }
  L.out = &output;
  /* A module is a function of its dependencies' namespaces and of the linker's register
   * callback, which takes the export getters and returns once every module of the bundle
   * has registered (so cycles see hoisted functions); all of it on line 1. */
  if (resolve) {
    put(&L, "function ($$imp, $$reg, $$meta, $$dimp) {\"use strict\";");
    for (size_t k = 0; k < L.ndeps; k++)
      putf(&L, "var $$i%zu = $$imp[%zu];", k, k);
  }
  /* program-level declarations go on line 1 */
  if (top.uses_this)
    put(&L, "var $$this = this;");
  if (top.uses_args)
    put(&L, "var $$args = void 0;");
  if (top.decls.n || prog_decls.n) {
    put(&L, "var ");
    bool any = false;
    if (top.decls.n) {
      putn(&L, top.decls.d + 1, top.decls.n - 1);
      any = true;
    }
    if (prog_decls.n) {
      if (any)
        put(&L, ",");
      putn(&L, prog_decls.d + 1, prog_decls.n - 1);
    }
    put(&L, ";");
  }
  if (resolve) {
    if (L.tdz_init.n)
      putn(&L, L.tdz_init.d, L.tdz_init.n);
    put(&L, "$$reg({");
    if (L.exports.n)
      putn(&L, L.exports.d, L.exports.n);
    put(&L, "}, [");
    if (L.fixed.n)
      putn(&L, L.fixed.d, L.fixed.n);
    put(&L, "]);");
  }
  if (body.n)
    putn(&L, body.d, body.n);
  put(&L, resolve ? "\n}" : "\n");
  if (resolve) {
    buf m = {0};
    L.out = &m;
    put(&L, "{\"deps\":[");
    for (size_t k = 0; k < L.ndeps; k++)
      putf(&L, "%s%d", k ? "," : "", L.deps[k]);
    put(&L, "],\"stars\":[");
    if (L.meta_stars.n)
      putn(&L, L.meta_stars.d, L.meta_stars.n);
    put(&L, "],\"exports\":[");
    if (L.meta_exports.n)
      putn(&L, L.meta_exports.d, L.meta_exports.n);
    put(&L, "],\"wants\":[");
    if (L.meta_wants.n)
      putn(&L, L.meta_wants.d, L.meta_wants.n);
    put(&L, "],\"reexports\":[");
    if (L.meta_reexports.n)
      putn(&L, L.meta_reexports.d, L.meta_reexports.n);
    put(&L, (prog->flags & F_TOP_AWAIT) ? "],\"tla\":true}" : "]}");
    size_t i = live_find(&L, m.d);
    if (i < L.nlive)
      L.live[i] = L.live[--L.nlive];
    *meta = m.d;
  }
  buf_release(&L, &L.meta_stars);
  buf_release(&L, &L.meta_exports);
  buf_release(&L, &L.meta_wants);
  buf_release(&L, &L.meta_reexports);
  buf_release(&L, &L.tdz_init);
  buf_release(&L, &L.fixed);
  buf_release(&L, &body);
  buf_release(&L, &prog_decls);
  buf_release(&L, &L.exports);
  buf_release(&L, &top.decls);
  free(L.table);
  edgefn__arena_free(&ar);
  /* The output goes to the caller; anything else still registered is a leak avoided. */
  if (output.d) {
    size_t i = live_find(&L, output.d);
    if (i < L.nlive)
      L.live[i] = L.live[--L.nlive];
  }
  for (size_t i = 0; i < L.nlive; i++)
    free(L.live[i]);
  free(L.live);
  *out = output.d ? output.d : calloc(1, 1);
  if (!*out)
    return EDGEFN_ENOMEM;
  *out_len = output.n;
  return 0;
}

int edgefn__lower_single(const char *src, size_t len, const char *filename, char **out,
                         size_t *out_len, bool *needs_link, edgefn_error_info *err) {
  *needs_link = false;
  return lower_impl(src, len, filename, NULL, NULL, out, out_len, NULL, needs_link, err);
}

/* `node:buffer`: what Node's module of that name exports that this runtime has (its
 * default export, as Node's, is an object of them). */
static const char builtin_buffer[] =
    "const Buffer = globalThis.Buffer, atob = globalThis.atob, btoa = globalThis.btoa,\n"
    "  Blob = globalThis.Blob, File = globalThis.File;\n"
    "export { Buffer, atob, btoa, Blob, File };\n"
    "export default { Buffer, atob, btoa, Blob, File };\n";

/* `cloudflare:workers`: the class entrypoint (an instance per request, made with
 * (ctx, env); lib/compiler/helpers.js.h `module`) and the env object, the same one handlers
 * get. Durable Objects, Workflows and RPC are not part of this runtime. */
static const char builtin_workers[] =
    "export class WorkerEntrypoint {\n"
    "  constructor(ctx, env) { this.ctx = ctx; this.env = env; }\n"
    "}\n"
    "export const env = globalThis.__edgefn$env;\n";

const char *edgefn__builtin_module(const char *spec, size_t len, const char **name) {
  static const struct {
    const char *spec, *name, *src;
  } builtins[] = {
      {"node:buffer", "node:buffer", builtin_buffer},
      {"buffer", "node:buffer", builtin_buffer},
      {"cloudflare:workers", "cloudflare:workers", builtin_workers},
  };
  for (size_t i = 0; i < sizeof(builtins) / sizeof(builtins[0]); i++)
    if (len == strlen(builtins[i].spec) && memcmp(spec, builtins[i].spec, len) == 0) {
      if (name)
        *name = builtins[i].name;
      return builtins[i].src;
    }
  return NULL;
}

static int resolve_nothing(void *ud, const char *spec, size_t len) {
  (void)ud;
  (void)spec;
  (void)len;
  return -1;
}

int edgefn__lower(const char *src, size_t len, const char *filename, char **out, size_t *out_len,
                  edgefn_error_info *err) {
  bool link = false;
  int rc = edgefn__lower_single(src, len, filename, out, out_len, &link, err);
  if (rc != 0 || !link)
    return rc;
  char *meta = NULL;
  rc = edgefn__lower_module(src, len, filename, resolve_nothing, NULL, out, out_len, &meta, err);
  free(meta);
  return rc;
}

int edgefn__lower_module(const char *src, size_t len, const char *filename,
                         edgefn__resolve_fn resolve, void *resolve_ud, char **out,
                         size_t *out_len, char **meta, edgefn_error_info *err) {
  *meta = NULL;
  return lower_impl(src, len, filename, resolve, resolve_ud, out, out_len, meta, NULL, err);
}
