/* RegExp on PCRE2: the constructor, RegExp.prototype (exec, test, the flag getters,
 * toString and the Symbol.match/matchAll/replace/search/split methods), the String methods
 * that take a regular expression, and the __edgefn$re(source, flags) global the compiler
 * lowers regex literals to.
 *
 * Objects: a RegExp is an object of Duktape's RegExp class (instantiated from a
 * precompiled /(?:)/ literal, so Object.prototype.toString and the class checks stay
 * right) carrying hidden properties: a pointer to its compiled pattern and the object that
 * owns it (which also holds the source; the flags are in the compiled pattern). Regex
 * literals Duktape compiles itself are adopted on first use: their source and flags are
 * read from Duktape's internal properties.
 *
 * Compiled patterns live in a per-heap cache keyed by flags and source; each is a small
 * object whose finalizer frees the PCRE2 code, so a RegExp keeps its pattern alive even
 * after the cache dropped it. PCRE2's allocations go through the heap's counting allocator;
 * JIT code (mapped by PCRE2 itself) is added to the count by hand.
 *
 * Matching is bounded by the request's CPU budget: PCRE2 cannot be interrupted, so a match
 * runs with a match limit; when the limit is hit, the time that attempt took sizes the next
 * attempt to the CPU time left, and when nothing is left the request ends with the CPU-limit
 * error (see run_match). */
#define PCRE2_CODE_UNIT_WIDTH 0
#include <pcre2.h>

#include "js/js.h"

#include "duk_extras.h"
#include "js/regexp.h"

#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define KEY_RE DUK_HIDDEN_SYMBOL("re")
#define KEY_SRC DUK_HIDDEN_SYMBOL("reSrc") /* on the compiled-pattern object */
/* On a RegExp: a fixed buffer holding an re_info. */
#define KEY_INFO DUK_HIDDEN_SYMBOL("reInfo")
#define KEY_PTR DUK_HIDDEN_SYMBOL("p")
#define KEY_DUK_SOURCE DUK_INTERNAL_SYMBOL("Source")
#define KEY_DUK_BYTECODE DUK_INTERNAL_SYMBOL("Bytecode")
#define STASH_STATE "reState"
#define STASH_CACHE "reCache"
#define STASH_LITERALS "reLiterals"
#define STASH_FACTORY "reFactory"
#define STASH_ORIG_SPLIT "reDukSplit"
#define STASH_ORIG_REPLACE "reDukReplace"
#define STASH_ITER_PROTO "reIterProto"

#define SYM_MATCH DUK_WELLKNOWN_SYMBOL("Symbol.match")
#define SYM_MATCH_ALL DUK_WELLKNOWN_SYMBOL("Symbol.matchAll")
#define SYM_REPLACE DUK_WELLKNOWN_SYMBOL("Symbol.replace")
#define SYM_SEARCH DUK_WELLKNOWN_SYMBOL("Symbol.search")
#define SYM_SPLIT DUK_WELLKNOWN_SYMBOL("Symbol.split")

/* Duktape's regex bytecode starts with its flags. */
#define DUK_RE_FLAG_GLOBAL 1u
#define DUK_RE_FLAG_IGNORE_CASE 2u
#define DUK_RE_FLAG_MULTILINE 4u

#define NO_POS SIZE_MAX

/* ---- compiled patterns ---- */

typedef struct re_compiled {
  unsigned flags;
  uint32_t groups;
  const edgefn__re_name *names;
  size_t name_count;
  void *names_block;
  pcre2_code_16 *c16;
  pcre2_match_data_16 *md16;
  pcre2_code_32 *c32;
  pcre2_match_data_32 *md32;
  /* set instead of c16/c32 when PCRE2 would not match as JavaScript does */
  edgefn__re_bt *bt;
  size_t jit_bytes; /* JIT code, or the backtracking program */
  edgefn__heap_ctl *ctl;
  /* PCRE2's allocator data: the heap's memory functions, not the compiling context, which
   * may be a coroutine (an async function, a module body) freed before the pattern */
  duk_memory_functions mf;
} re_compiled;

/* Per heap: match contexts, JIT stacks, the converted subject and the match positions. */
typedef struct re_state {
  pcre2_match_context_16 *mc16;
  pcre2_match_context_32 *mc32;
  pcre2_jit_stack_16 *js16;
  pcre2_jit_stack_32 *js32;
  /* the subject last converted (pinned by the state object's "s" property) */
  void *subj;
  const char *bytes; /* its internal form */
  size_t nbytes;
  bool ascii;
  uint16_t *u16;
  size_t n16;
  uint32_t *u32; /* code points, for u patterns (built on demand) */
  size_t n32;
  size_t *cp16; /* UTF-16 index of each code point (NULL when there is no pair) */
  bool have32;
  /* the last match: ov[2k], ov[2k+1] in UTF-16 units, NO_POS when group k is unset */
  size_t *ov;
  size_t ov_cap;
  char *scratch;
  size_t scratch_cap;
  size_t cache_count;
  /* In front of the cache: the entry last found for a (source string, flags), keyed by the
   * source string's heap pointer, so that a literal evaluated in a loop finds its pattern
   * without building the cache key. The source string stays alive (and its pointer valid)
   * while its entry is in the cache, which holds it; emptied when the cache is. */
  struct {
    void *src;
    void *entry;
    struct re_compiled *re; /* the entry's compiled pattern */
    unsigned flags;
  } fast[64];
  void *tmpl; /* the RegExp object new ones are copied from (kept by the heap stash) */
  edgefn__heap_ctl *ctl;
  size_t charged; /* bytes of the subject's buffers counted in ctl->mem_used */
  void *proto; /* the intrinsic RegExp.prototype (kept by the stash) */
  void *obj; /* the state object in the stash: its "s" property pins the subject */
} re_state;

static edgefn__heap_ctl *heap_ctl(duk_context *ctx) {
  duk_memory_functions mf;
  duk_get_memory_functions(ctx, &mf);
  return mf.udata;
}

static void *re_malloc(PCRE2_SIZE size, void *data) {
  const duk_memory_functions *mf = data;
  return mf->alloc_func(mf->udata, size);
}
static void re_free(void *ptr, void *data) {
  const duk_memory_functions *mf = data;
  mf->free_func(mf->udata, ptr);
}

static void compiled_free(re_compiled *re, duk_context *ctx) {
  if (!re)
    return;
  pcre2_match_data_free_16(re->md16);
  pcre2_code_free_16(re->c16);
  pcre2_match_data_free_32(re->md32);
  pcre2_code_free_32(re->c32);
  edgefn__re_bt_free(re->bt);
  if (re->ctl && re->ctl->mem_used >= re->jit_bytes)
    re->ctl->mem_used -= re->jit_bytes;
  free(re->names_block);
  duk_free_raw(ctx, re);
}

static duk_ret_t compiled_finalizer(duk_context *ctx) {
  duk_get_prop_literal(ctx, 0, KEY_PTR);
  re_compiled *re = duk_get_pointer(ctx, -1);
  if (re) {
    compiled_free(re, ctx);
    duk_push_pointer(ctx, NULL);
    duk_put_prop_literal(ctx, 0, KEY_PTR);
  }
  return 0;
}

static void state_free(re_state *st) {
  if (st->ctl && st->ctl->regexp == st)
    st->ctl->regexp = NULL;
  if (st->ctl && st->ctl->mem_used >= st->charged)
    st->ctl->mem_used -= st->charged;
  pcre2_match_context_free_16(st->mc16);
  pcre2_match_context_free_32(st->mc32);
  pcre2_jit_stack_free_16(st->js16);
  pcre2_jit_stack_free_32(st->js32);
  free(st->u16);
  free(st->u32);
  free(st->cp16);
  free(st->ov);
  free(st->scratch);
  free(st);
}

static duk_ret_t state_finalizer(duk_context *ctx) {
  duk_get_prop_literal(ctx, 0, KEY_PTR);
  re_state *st = duk_get_pointer(ctx, -1);
  if (st) {
    state_free(st);
    duk_push_pointer(ctx, NULL);
    duk_put_prop_literal(ctx, 0, KEY_PTR);
  }
  return 0;
}

/* The heap's state. The runtime's heaps keep a pointer to it in their control block
 * (one lookup less on every match); others find it in the stash. */
static re_state *get_state(duk_context *ctx) {
  edgefn__heap_ctl *ctl = heap_ctl(ctx);
  if (ctl && ctl->regexp)
    return ctl->regexp;
  duk_push_heap_stash(ctx);
  if (duk_get_prop_literal(ctx, -1, STASH_STATE)) {
    duk_get_prop_literal(ctx, -1, KEY_PTR);
    re_state *st = duk_get_pointer(ctx, -1);
    duk_pop_3(ctx);
    return st;
  }
  duk_pop(ctx);
  re_state *st = calloc(1, sizeof(*st));
  if (!st) {
    (void)duk_error(ctx, DUK_ERR_RANGE_ERROR, "out of memory");
    return NULL; /* not reached: duk_error throws */
  }
  st->ctl = heap_ctl(ctx);
  duk_push_heap_stash(ctx);
  duk_get_prop_literal(ctx, -1, "reProto");
  st->proto = duk_get_heapptr(ctx, -1); /* kept alive by the stash */
  duk_pop_2(ctx);
  duk_push_object(ctx);
  duk_push_pointer(ctx, st);
  duk_put_prop_literal(ctx, -2, KEY_PTR);
  duk_push_c_function(ctx, state_finalizer, 1);
  duk_set_finalizer(ctx, -2);
  st->obj = duk_get_heapptr(ctx, -1); /* reachable from the stash */
  duk_put_prop_literal(ctx, -2, STASH_STATE);
  duk_pop(ctx);
  if (st->ctl)
    st->ctl->regexp = st;
  return st;
}

/* The pattern as error messages quote it: a long one is cut (at a character boundary) so
 * that the reason after it survives a host's log line, as V8 quotes it otherwise. */
#define QUOTED_PATTERN_MAX 256u

static duk_ret_t throw_syntax(duk_context *ctx, const char *src, size_t srclen,
                              const char *flags, const char *msg) {
  const char *more = "";
  if (srclen > QUOTED_PATTERN_MAX) {
    srclen = QUOTED_PATTERN_MAX;
    while (srclen > 0 && ((unsigned char)src[srclen] & 0xc0) == 0x80)
      srclen--;
    more = "...";
  }
  return duk_error(ctx, DUK_ERR_SYNTAX_ERROR, "Invalid regular expression: /%.*s%s/%s: %s",
                   (int)srclen, src, more, flags, msg);
}

/* Compiles a translated pattern (ASCII) with the width the flags need. Returns 0 or the
 * PCRE2 error code, with the PCRE2 message in msg. */
static int pcre2_compile_any(const edgefn__re_translation *t, unsigned flags, void *alloc_data,
                             re_compiled *out, char *msg, size_t msglen) {
  uint32_t opts = t->options | PCRE2_MATCH_UNSET_BACKREF | PCRE2_NEVER_BACKSLASH_C;
  if (flags & EDGEFN_RE_Y) /* sticky: anchored at lastIndex; compiled so, the JIT keeps it */
    opts |= PCRE2_ANCHORED;
  int err = 0;
  PCRE2_SIZE eo;
  if (flags & EDGEFN_RE_UNICODE) {
    PCRE2_UCHAR32 *w = malloc((t->pattern_len + 1) * sizeof(*w));
    pcre2_general_context_32 *g =
        alloc_data ? pcre2_general_context_create_32(re_malloc, re_free, alloc_data) : NULL;
    pcre2_compile_context_32 *cc = pcre2_compile_context_create_32(g);
    if (w && cc && (g || !alloc_data)) {
      for (size_t i = 0; i < t->pattern_len; i++)
        w[i] = (unsigned char)t->pattern[i];
      out->c32 = pcre2_compile_32(w, t->pattern_len, opts, &err, &eo, cc);
      if (out->c32 && alloc_data) {
        out->md32 = pcre2_match_data_create_from_pattern_32(out->c32, g);
        if (!out->md32)
          err = PCRE2_ERROR_NOMEMORY;
      }
    } else {
      err = PCRE2_ERROR_NOMEMORY;
    }
    free(w);
    pcre2_compile_context_free_32(cc);
    pcre2_general_context_free_32(g);
  } else {
    PCRE2_UCHAR16 *w = malloc((t->pattern_len + 1) * sizeof(*w));
    pcre2_general_context_16 *g =
        alloc_data ? pcre2_general_context_create_16(re_malloc, re_free, alloc_data) : NULL;
    pcre2_compile_context_16 *cc = pcre2_compile_context_create_16(g);
    if (w && cc && (g || !alloc_data)) {
      for (size_t i = 0; i < t->pattern_len; i++)
        w[i] = (unsigned char)t->pattern[i];
      out->c16 = pcre2_compile_16(w, t->pattern_len, opts, &err, &eo, cc);
      if (out->c16 && alloc_data) {
        out->md16 = pcre2_match_data_create_from_pattern_16(out->c16, g);
        if (!out->md16)
          err = PCRE2_ERROR_NOMEMORY;
      }
    } else {
      err = PCRE2_ERROR_NOMEMORY;
    }
    free(w);
    pcre2_compile_context_free_16(cc);
    pcre2_general_context_free_16(g);
  }
  if (out->c16 || out->c32) {
    if (err == PCRE2_ERROR_NOMEMORY) {
      snprintf(msg, msglen, "Regular expression too large");
      return err;
    }
    return 0;
  }
  if (err == PCRE2_ERROR_NOMEMORY || err == 0) {
    snprintf(msg, msglen, "Regular expression too large");
    return PCRE2_ERROR_NOMEMORY;
  }
  PCRE2_UCHAR16 m16[160];
  int n = pcre2_get_error_message_16(err, m16, EDGEFN_ARRAY_LEN(m16));
  char m[160];
  for (int i = 0; i < n && i < (int)sizeof(m) - 1; i++)
    m[i] = (char)m16[i];
  m[n > 0 ? (n < (int)sizeof(m) ? n : (int)sizeof(m) - 1) : 0] = '\0';
  if (err == 125) /* "lookbehind assertion is not fixed length" */
    snprintf(msg, msglen, "Lookbehind of variable length is not supported");
  else if (err == 147) /* unknown property */
    snprintf(msg, msglen, "Invalid property name");
  else
    snprintf(msg, msglen, "%s", m);
  return err;
}

/* Patterns JavaScript allows that PCRE2 10.42 refuses go to the backtracking matcher:
 * lookbehind of variable length, and PCRE2's own size limits, which a counted repeat of a
 * group reaches quickly since PCRE2 copies the group for each count (marked's
 * `(?:\\[\s\S]|[^\[\]\\]){1,999}` compiles to more than its 64K code units). The
 * backtracking matcher counts repetitions instead; its size grows with the pattern's text,
 * so a text longer than EDGEFN_REGEXP_FALLBACK_MAX_PATTERN stays a SyntaxError. */
static bool pcre2_refused(int err, size_t pattern_len) {
  if (err == PCRE2_ERROR_PATTERN_TOO_LARGE || err == PCRE2_ERROR_PATTERN_TOO_COMPLICATED)
    return pattern_len <= EDGEFN_REGEXP_FALLBACK_MAX_PATTERN;
  return err == PCRE2_ERROR_LOOKBEHIND_NOT_FIXED_LENGTH ||
         err == PCRE2_ERROR_LOOKBEHIND_TOO_COMPLICATED || err == PCRE2_ERROR_LOOKBEHIND_TOO_LONG;
}

/* The pattern as the matcher reads it: UTF-16 units, or code points under u. Returns a
 * malloc'd array of units (as uint32_t). */
static uint32_t *pattern_units(const char *src, size_t len, bool u, size_t *n) {
  size_t n16;
  uint16_t *w = edgefn__re_utf16_from_internal(src, len, &n16);
  if (!w)
    return NULL;
  uint32_t *o = malloc((n16 + 1) * sizeof(*o));
  if (!o) {
    free(w);
    return NULL;
  }
  size_t k = 0;
  for (size_t i = 0; i < n16; i++) {
    uint32_t c = w[i];
    if (u && c >= 0xd800 && c <= 0xdbff && i + 1 < n16 && w[i + 1] >= 0xdc00 &&
        w[i + 1] <= 0xdfff) {
      c = 0x10000 + ((c - 0xd800) << 10) + (w[i + 1] - 0xdc00u);
      i++;
    }
    o[k++] = c;
  }
  free(w);
  *n = k;
  return o;
}

static void flags_string(unsigned f, char *out) {
  static const struct {
    unsigned bit;
    char letter;
  } order[] = {{EDGEFN_RE_D, 'd'}, {EDGEFN_RE_G, 'g'}, {EDGEFN_RE_I, 'i'}, {EDGEFN_RE_M, 'm'},
               {EDGEFN_RE_S, 's'}, {EDGEFN_RE_U, 'u'}, {EDGEFN_RE_V, 'v'}, {EDGEFN_RE_Y, 'y'}};
  size_t k = 0;
  for (size_t i = 0; i < EDGEFN_ARRAY_LEN(order); i++)
    if (f & order[i].bit)
      out[k++] = order[i].letter;
  out[k] = '\0';
}

int edgefn__regexp_check(const char *pattern, size_t len, const char *flags, char *msg,
                         size_t msglen) {
  if (!flags)
    flags = "";
  if (!pattern && len) {
    snprintf(msg, msglen, "Invalid regular expression: no pattern");
    return -1;
  }
  int f = edgefn__re_parse_flags(flags, strlen(flags));
  if (f < 0) {
    snprintf(msg, msglen, "Invalid regular expression flags");
    return -1;
  }
  size_t n;
  uint32_t *units = pattern_units(pattern, len, (f & EDGEFN_RE_UNICODE) != 0, &n);
  if (!units) {
    snprintf(msg, msglen, "out of memory");
    return -1;
  }
  edgefn__re_translation t;
  char why[160];
  int rc = edgefn__re_translate(units, n, (unsigned)f, &t, why, sizeof(why));
  free(units);
  if (rc == 0) {
    re_compiled c;
    memset(&c, 0, sizeof(c));
    bool bt = edgefn__re_bt_needed(&t);
    if (!bt) {
      int err = pcre2_compile_any(&t, (unsigned)f, NULL, &c, why, sizeof(why));
      bt = pcre2_refused(err, t.pattern_len);
      rc = err && !bt ? -1 : 0;
    }
    pcre2_code_free_16(c.c16);
    pcre2_code_free_32(c.c32);
    if (bt) {
      edgefn__re_bt *p = edgefn__re_bt_compile(&t, (unsigned)f, why, sizeof(why));
      rc = p ? 0 : -1;
      edgefn__re_bt_free(p);
    }
    edgefn__re_translation_free(&t);
  }
  if (rc) {
    char fl[8];
    flags_string((unsigned)f, fl);
    size_t shown = len;
    const char *more = "";
    if (shown > QUOTED_PATTERN_MAX) {
      shown = QUOTED_PATTERN_MAX;
      while (shown > 0 && ((unsigned char)pattern[shown] & 0xc0) == 0x80)
        shown--;
      more = "...";
    }
    snprintf(msg, msglen, "Invalid regular expression: /%.*s%s/%s: %s", (int)shown, pattern, more,
             fl, why);
    return -1;
  }
  return 0;
}

static re_compiled *compiled_of_entry(duk_context *ctx, duk_idx_t entry);

/* Pushes the compiled-pattern object (the entry) for (source at src, flags), from the cache
 * or newly compiled, and returns its compiled pattern (alive while the entry is); throws a
 * SyntaxError for an invalid pattern. */
static re_compiled *push_compiled(duk_context *ctx, duk_idx_t src, unsigned flags) {
  src = duk_normalize_index(ctx, src);
  re_state *fst = get_state(ctx);
  void *sp = duk_get_heapptr(ctx, src);
  size_t slot = (((uintptr_t)sp >> 4) ^ flags) & (EDGEFN_ARRAY_LEN(fst->fast) - 1);
  if (sp && fst->fast[slot].src == sp && fst->fast[slot].flags == flags) {
    duk_push_heapptr(ctx, fst->fast[slot].entry);
    return fst->fast[slot].re;
  }
  char fl[8];
  flags_string(flags, fl);
  duk_push_heap_stash(ctx);
  if (!duk_get_prop_literal(ctx, -1, STASH_CACHE)) {
    duk_pop(ctx);
    duk_push_bare_object(ctx);
    duk_dup_top(ctx);
    duk_put_prop_literal(ctx, -3, STASH_CACHE);
  }
  duk_push_string(ctx, fl);
  duk_push_literal(ctx, "/");
  duk_dup(ctx, src);
  duk_concat(ctx, 3);
  duk_dup_top(ctx);
  if (duk_get_prop(ctx, -3)) { /* [stash cache key entry] */
    duk_replace(ctx, -4);
    duk_pop_2(ctx);
    fst->fast[slot].src = sp;
    fst->fast[slot].entry = duk_get_heapptr(ctx, -1);
    fst->fast[slot].re = compiled_of_entry(ctx, -1);
    fst->fast[slot].flags = flags;
    return fst->fast[slot].re;
  }
  duk_pop(ctx);

  duk_size_t slen;
  const char *s = duk_get_lstring(ctx, src, &slen);
  size_t n;
  uint32_t *units = pattern_units(s, slen, (flags & EDGEFN_RE_UNICODE) != 0, &n);
  if (!units)
    (void)duk_error(ctx, DUK_ERR_RANGE_ERROR, "out of memory");
  edgefn__re_translation t;
  char why[160];
  int rc = edgefn__re_translate(units, n, flags, &t, why, sizeof(why));
  free(units);
  if (rc)
    (void)throw_syntax(ctx, s, slen, fl, why);
  re_compiled *re = duk_alloc_raw(ctx, sizeof(*re));
  if (!re) {
    edgefn__re_translation_free(&t);
    (void)duk_error(ctx, DUK_ERR_RANGE_ERROR, "out of memory");
  }
  memset(re, 0, sizeof(*re));
  re->flags = flags;
  re->groups = t.groups;
  re->ctl = heap_ctl(ctx);
  duk_get_memory_functions(ctx, &re->mf);
  /* PCRE2 (with its JIT) for every pattern it runs exactly as JavaScript does; the
   * backtracking matcher for the rest, and for what PCRE2 refuses to compile */
  bool use_bt = edgefn__re_bt_needed(&t);
  int err = use_bt ? 0 : pcre2_compile_any(&t, flags, &re->mf, re, why, sizeof(why));
  if (err && !pcre2_refused(err, t.pattern_len)) {
    edgefn__re_translation_free(&t);
    compiled_free(re, ctx);
    (void)throw_syntax(ctx, s, slen, fl, why);
  }
  if (err) {
    pcre2_code_free_16(re->c16);
    pcre2_code_free_32(re->c32);
    pcre2_match_data_free_16(re->md16);
    pcre2_match_data_free_32(re->md32);
    re->c16 = NULL;
    re->c32 = NULL;
    re->md16 = NULL;
    re->md32 = NULL;
    use_bt = true;
  }
  if (use_bt) {
    re->bt = edgefn__re_bt_compile(&t, flags, why, sizeof(why));
    if (!re->bt) {
      edgefn__re_translation_free(&t);
      compiled_free(re, ctx);
      (void)throw_syntax(ctx, s, slen, fl, why);
    }
  }
  edgefn__re_translation_free_events(&t);
  re->names = t.names;
  re->name_count = t.name_count;
  re->names_block = t.block;
  size_t jit = re->bt ? edgefn__re_bt_size(re->bt) : 0;
  if (re->c16 && pcre2_jit_compile_16(re->c16, PCRE2_JIT_COMPLETE) == 0)
    pcre2_pattern_info_16(re->c16, PCRE2_INFO_JITSIZE, &jit);
  if (re->c32 && pcre2_jit_compile_32(re->c32, PCRE2_JIT_COMPLETE) == 0)
    pcre2_pattern_info_32(re->c32, PCRE2_INFO_JITSIZE, &jit);
  re->jit_bytes = jit;
  if (re->ctl)
    re->ctl->mem_used += jit;

  duk_push_bare_object(ctx);
  duk_push_pointer(ctx, re);
  duk_put_prop_literal(ctx, -2, KEY_PTR);
  duk_dup(ctx, src);
  duk_put_prop_literal(ctx, -2, KEY_SRC);
  duk_push_c_function(ctx, compiled_finalizer, 1);
  duk_set_finalizer(ctx, -2);
  /* [stash cache key entry] */
  re_state *st = get_state(ctx);
  if (st->cache_count >= EDGEFN_REGEXP_CACHE_MAX) {
    /* Full: start over rather than keep LRU order on every lookup. */
    st->cache_count = 0;
    memset(st->fast, 0, sizeof(st->fast));
    duk_push_bare_object(ctx);
    duk_dup_top(ctx);
    duk_put_prop_literal(ctx, -6, STASH_CACHE);
    duk_replace(ctx, -4);
  }
  st->cache_count++;
  duk_dup(ctx, -2);
  duk_dup(ctx, -2);
  duk_put_prop(ctx, -5);
  duk_replace(ctx, -4);
  duk_pop_2(ctx);
  st->fast[slot].src = sp;
  st->fast[slot].entry = duk_get_heapptr(ctx, -1);
  st->fast[slot].re = re;
  st->fast[slot].flags = flags;
  return re;
}

/* ---- RegExp objects ---- */

static re_compiled *compiled_of_entry(duk_context *ctx, duk_idx_t entry) {
  duk_get_prop_literal(ctx, entry, KEY_PTR);
  re_compiled *re = duk_get_pointer(ctx, -1);
  duk_pop(ctx);
  return re;
}

/* A RegExp carries a pointer to its compiled pattern (KEY_INFO, read on every exec) and,
 * unless it is an adopted literal, the compiled-pattern object that owns it (KEY_RE). */

/* Gives the object at obj the compiled pattern at entry, kept alive by KEY_RE unless
 * `immortal` (an adopted literal: the literal cache holds its entry for the heap's life). */
static re_compiled *attach_compiled(duk_context *ctx, duk_idx_t obj, duk_idx_t entry,
                                    bool immortal) {
  obj = duk_normalize_index(ctx, obj);
  entry = duk_normalize_index(ctx, entry);
  re_compiled *re = compiled_of_entry(ctx, entry);
  duk_push_pointer(ctx, re);
  EDGEFN_PUT_OWN_LITERAL(ctx, obj, KEY_INFO);
  if (!immortal) {
    duk_dup(ctx, entry);
    EDGEFN_PUT_OWN_LITERAL(ctx, obj, KEY_RE);
  }
  return re;
}

/* The compiled pattern of an object that has its own; NULL otherwise. */
static re_compiled *own_compiled(duk_context *ctx, duk_idx_t idx) {
  re_compiled *re = NULL;
  if (duk_get_prop_literal(ctx, idx, KEY_INFO)) {
    re = duk_get_pointer(ctx, -1);
    /* Own or inherited? The intrinsic prototype never carries one, so an object whose
     * prototype it is has its own; otherwise compare with what the prototype gives. */
    duk_get_prototype(ctx, idx);
    void *proto = duk_get_heapptr(ctx, -1);
    re_state *st = get_state(ctx);
    if (re && proto && proto != st->proto) {
      duk_get_prop_literal(ctx, -1, KEY_INFO);
      if (duk_get_pointer(ctx, -1) == re)
        re = NULL;
      duk_pop(ctx);
    }
    duk_pop(ctx);
  }
  duk_pop(ctx);
  return re;
}


/* Duktape keeps a literal's bytecode in an own property: an object inheriting from a
 * literal has none of its own. */
static bool own_duk_regexp(duk_context *ctx, duk_idx_t idx) {
  duk_idx_t top = duk_get_top(ctx);
  idx = duk_normalize_index(ctx, idx);
  duk_get_prototype(ctx, idx);
  bool own = true;
  re_state *st = get_state(ctx);
  if (st->proto && duk_get_heapptr(ctx, -1) == st->proto) {
    /* the usual case: RegExp.prototype carries no bytecode */
  } else if (duk_is_object(ctx, -1)) {
    duk_get_prop_literal(ctx, -1, KEY_DUK_BYTECODE);
    duk_get_prop_literal(ctx, idx, KEY_DUK_BYTECODE);
    own = !duk_strict_equals(ctx, -1, -2);
  }
  duk_set_top(ctx, top);
  return own;
}

/* Is the value at idx a RegExp object (Duktape's class), ours or a Duktape literal? */
static bool is_regexp_object(duk_context *ctx, duk_idx_t idx) {
  if (!duk_is_object(ctx, idx) || duk_is_function(ctx, idx))
    return false;
  if (own_compiled(ctx, idx))
    return true;
  duk_get_prop_literal(ctx, idx, KEY_DUK_BYTECODE);
  bool yes = duk_is_string(ctx, -1);
  duk_pop(ctx);
  return yes && own_duk_regexp(ctx, idx);
}

/* The compiled pattern of the RegExp at idx, adopting a Duktape literal on first use;
 * NULL when the value is not a RegExp. */
static re_compiled *regexp_compiled(duk_context *ctx, duk_idx_t idx) {
  if (!duk_is_object(ctx, idx))
    return NULL;
  idx = duk_normalize_index(ctx, idx);
  re_compiled *own = own_compiled(ctx, idx);
  if (own)
    return own;
  duk_get_prop_literal(ctx, idx, KEY_DUK_BYTECODE);
  if (!duk_is_string(ctx, -1) || duk_is_function(ctx, idx) || !own_duk_regexp(ctx, idx)) {
    duk_pop(ctx);
    return NULL;
  }
  /* Each evaluation of a literal is a new object sharing the literal's bytecode string:
   * the cache of adopted literals is keyed by that string. It is never emptied: its size
   * is bounded by the script's literals (and by the memory limit when eval is allowed),
   * so adopted literals need not hold their entry themselves. */
  duk_push_heap_stash(ctx);
  if (duk_get_prop_literal(ctx, -1, STASH_LITERALS)) {
    duk_dup(ctx, -3);
    if (duk_get_prop(ctx, -2)) { /* [bc stash lits entry] */
      re_compiled *re = attach_compiled(ctx, idx, -1, true);
      duk_pop_n(ctx, 4);
      return re;
    }
    duk_pop(ctx);
  } else {
    duk_pop(ctx);
    duk_push_bare_object(ctx);
    duk_dup_top(ctx);
    duk_put_prop_literal(ctx, -3, STASH_LITERALS);
  }
  duk_remove(ctx, -2); /* [bc lits] */
  duk_size_t bl;
  const unsigned char *bc = (const unsigned char *)duk_get_lstring(ctx, -2, &bl);
  unsigned df = bl ? bc[0] : 0, f = 0;
  if (df & DUK_RE_FLAG_GLOBAL)
    f |= EDGEFN_RE_G;
  if (df & DUK_RE_FLAG_IGNORE_CASE)
    f |= EDGEFN_RE_I;
  if (df & DUK_RE_FLAG_MULTILINE)
    f |= EDGEFN_RE_M;
  duk_get_prop_literal(ctx, idx, KEY_DUK_SOURCE);
  if (!duk_is_string(ctx, -1)) {
    duk_pop_3(ctx);
    return NULL;
  }
  push_compiled(ctx, -1, f); /* [bc lits src entry] */
  re_compiled *re = attach_compiled(ctx, idx, -1, true);
  duk_dup(ctx, -4);
  duk_dup(ctx, -2);
  duk_put_prop(ctx, -5);
  duk_pop_n(ctx, 4);
  return re;
}

/* Pushes the original source of the RegExp at idx (regexp_compiled must have succeeded). */
static void push_source(duk_context *ctx, duk_idx_t idx) {
  if (duk_get_prop_literal(ctx, idx, KEY_RE)) {
    duk_get_prop_literal(ctx, -1, KEY_SRC);
    duk_remove(ctx, -2);
    return;
  }
  duk_pop(ctx); /* an adopted literal: Duktape keeps the source */
  duk_get_prop_literal(ctx, idx, KEY_DUK_SOURCE);
}

static re_compiled *require_regexp(duk_context *ctx, duk_idx_t idx, const char *method) {
  re_compiled *re = regexp_compiled(ctx, idx);
  if (!re)
    (void)duk_type_error(ctx, "Method RegExp.prototype.%s called on incompatible receiver",
                         method);
  return re;
}

/* Pushes a new RegExp for the source string at src and the flags string at fl (both
 * already strings). proto: the prototype to give it, or DUK_INVALID_INDEX for the
 * intrinsic one. */
static void push_new_regexp(duk_context *ctx, duk_idx_t src, duk_idx_t fl, duk_idx_t proto) {
  src = duk_normalize_index(ctx, src);
  fl = duk_normalize_index(ctx, fl);
  if (proto != DUK_INVALID_INDEX)
    proto = duk_normalize_index(ctx, proto);
  duk_size_t flen;
  const char *fs = duk_get_lstring(ctx, fl, &flen);
  int f = edgefn__re_parse_flags(fs, flen);
  if (f < 0)
    (void)duk_error(ctx, DUK_ERR_SYNTAX_ERROR,
                    "Invalid flags supplied to RegExp constructor '%s'", fs);
  re_compiled *re = push_compiled(ctx, src, (unsigned)f);
  re_state *st = get_state(ctx);
  /* A RegExp-class object with lastIndex 0, as Duktape makes for a literal: copied from a
   * template instance of `/(?:)/` (a Duktape function returning the literal would make
   * the same object for three times the cost; RegExp() would compile a pattern). */
  if (!st->tmpl) { /* made on first use: start-up cost */
    duk_push_heap_stash(ctx);
    duk_push_literal(ctx, "(function () { return /(?:)/; })");
    duk_push_literal(ctx, "regexp");
    duk_compile(ctx, DUK_COMPILE_EVAL);
    duk_call(ctx, 0);
    duk_call(ctx, 0);
    st->tmpl = duk_get_heapptr(ctx, -1);
    duk_put_prop_literal(ctx, -2, STASH_FACTORY); /* keeps it alive */
    duk_pop(ctx);
  }
  duk_push_heapptr(ctx, st->tmpl);
  edgefn__duk_push_regexp_copy(ctx, -1, 2); /* room for KEY_INFO and KEY_RE */
  duk_remove(ctx, -2); /* [entry obj] */
  if (proto != DUK_INVALID_INDEX) {
    duk_dup(ctx, proto);
    duk_set_prototype(ctx, -2);
  }
  duk_push_pointer(ctx, re);
  EDGEFN_PUT_OWN_LITERAL(ctx, -2, KEY_INFO);
  duk_dup(ctx, -2);
  EDGEFN_PUT_OWN_LITERAL(ctx, -2, KEY_RE);
  duk_remove(ctx, -2);
}

/* IsRegExp (ES2022 7.2.8). */
static bool is_regexp(duk_context *ctx, duk_idx_t idx) {
  if (!duk_is_object(ctx, idx))
    return false;
  duk_get_prop_string(ctx, idx, SYM_MATCH);
  if (!duk_is_undefined(ctx, -1)) {
    bool b = duk_to_boolean(ctx, -1);
    duk_pop(ctx);
    return b;
  }
  duk_pop(ctx);
  return is_regexp_object(ctx, idx);
}

static duk_ret_t regexp_constructor(duk_context *ctx) { /* (pattern, flags) */
  bool construct = duk_is_constructor_call(ctx);
  bool pattern_is_regexp = is_regexp(ctx, 0);
  if (!construct && pattern_is_regexp && duk_is_undefined(ctx, 1)) {
    duk_get_prop_literal(ctx, 0, "constructor");
    duk_push_current_function(ctx);
    bool same = duk_strict_equals(ctx, -1, -2);
    duk_pop_2(ctx);
    if (same) {
      duk_dup(ctx, 0);
      return 1;
    }
  }
  if (is_regexp_object(ctx, 0)) {
    re_compiled *re = regexp_compiled(ctx, 0);
    push_source(ctx, 0);
    if (duk_is_undefined(ctx, 1)) {
      char fl[8];
      flags_string(re->flags, fl);
      duk_push_string(ctx, fl);
    } else {
      duk_dup(ctx, 1);
    }
  } else if (pattern_is_regexp) {
    duk_get_prop_literal(ctx, 0, "source");
    if (duk_is_undefined(ctx, 1))
      duk_get_prop_literal(ctx, 0, "flags");
    else
      duk_dup(ctx, 1);
  } else {
    duk_dup(ctx, 0);
    duk_dup(ctx, 1);
  }
  /* [pattern flags P F] */
  if (duk_is_undefined(ctx, 2))
    duk_push_literal(ctx, "");
  else
    duk_dup(ctx, 2);
  duk_to_string(ctx, -1);
  if (duk_is_undefined(ctx, 3))
    duk_push_literal(ctx, "");
  else
    duk_dup(ctx, 3);
  duk_to_string(ctx, -1);
  duk_idx_t proto = DUK_INVALID_INDEX;
  if (construct) {
    duk_push_this(ctx);
    duk_get_prototype(ctx, -1);
    proto = duk_get_top_index(ctx);
  }
  push_new_regexp(ctx, 4, 5, proto);
  return 1;
}

/* The global the compiler lowers /p/f to. */
static duk_ret_t regexp_literal(duk_context *ctx) { /* (source, flags) */
  duk_to_string(ctx, 0);
  duk_to_string(ctx, 1);
  push_new_regexp(ctx, 0, 1, DUK_INVALID_INDEX);
  return 1;
}

/* ---- subjects and matching ---- */

static void *xrealloc(duk_context *ctx, void *p, size_t n) {
  void *q = realloc(p, n ? n : 1);
  if (!q)
    (void)duk_error(ctx, DUK_ERR_RANGE_ERROR, "out of memory");
  return q;
}

/* Makes the string at idx the state's subject (converted once per string). */
/* The converted subject's buffers count against the runtime's memory limit like the heap:
 * refuses (RangeError, the limit marked as reached) when `need` more bytes would pass it,
 * else records the buffers' size now held. */
static void charge_subject(duk_context *ctx, re_state *st, size_t need) {
  edgefn__heap_ctl *ctl = st->ctl;
  if (!ctl)
    return;
  if (need > ctl->mem_limit || ctl->mem_used > ctl->mem_limit - need) {
    ctl->mem_exceeded = true;
    (void)duk_error(ctx, DUK_ERR_RANGE_ERROR, "out of memory");
  }
}

static void recharge_subject(re_state *st) {
  if (!st->ctl)
    return;
  size_t now = (st->u16 ? (st->n16 + 1) * sizeof(uint16_t) : 0) +
               (st->have32 ? (st->n16 + 1) * sizeof(uint32_t) : 0) +
               (st->cp16 ? (st->n32 + 1) * sizeof(size_t) : 0);
  st->ctl->mem_used = st->ctl->mem_used - st->charged + now;
  st->charged = now;
}

static void set_subject(duk_context *ctx, re_state *st, duk_idx_t idx, bool need32) {
  void *hp = duk_get_heapptr(ctx, idx);
  if (hp != st->subj) {
    duk_size_t nb;
    const char *b = duk_get_lstring(ctx, idx, &nb);
    charge_subject(ctx, st, (nb + 1) * sizeof(uint16_t));
    size_t nchars = duk_get_length(ctx, idx);
    st->subj = NULL;
    st->have32 = false;
    free(st->cp16);
    st->cp16 = NULL;
    st->ascii = nchars == nb;
    if (st->ascii) {
      st->u16 = xrealloc(ctx, st->u16, (nb + 1) * sizeof(uint16_t));
      for (size_t i = 0; i < nb; i++)
        st->u16[i] = (unsigned char)b[i];
      st->n16 = nb;
    } else {
      size_t n;
      uint16_t *w = edgefn__re_utf16_from_internal(b, nb, &n);
      if (!w)
        (void)duk_error(ctx, DUK_ERR_RANGE_ERROR, "out of memory");
      free(st->u16);
      st->u16 = w;
      st->n16 = n;
    }
    st->bytes = b;
    st->nbytes = nb;
    st->subj = hp;
    recharge_subject(st);
    idx = duk_normalize_index(ctx, idx);
    duk_push_heapptr(ctx, st->obj);
    duk_dup(ctx, idx);
    EDGEFN_PUT_OWN_LITERAL(ctx, -2, "s"); /* the state's own bare object: no setter */
    duk_pop(ctx);
  }
  if (need32 && !st->have32) {
    charge_subject(ctx, st, (st->n16 + 1) * (sizeof(uint32_t) + sizeof(size_t)));
    st->u32 = xrealloc(ctx, st->u32, (st->n16 + 1) * sizeof(uint32_t));
    size_t k = 0;
    bool pairs = false;
    for (size_t i = 0; i < st->n16; i++) {
      uint32_t c = st->u16[i];
      if (c >= 0xd800 && c <= 0xdbff && i + 1 < st->n16 && st->u16[i + 1] >= 0xdc00 &&
          st->u16[i + 1] <= 0xdfff) {
        c = 0x10000 + ((c - 0xd800) << 10) + (st->u16[i + 1] - 0xdc00u);
        pairs = true;
        i++;
      }
      st->u32[k++] = c;
    }
    st->n32 = k;
    if (pairs) {
      st->cp16 = xrealloc(ctx, NULL, (k + 1) * sizeof(size_t));
      size_t pos = 0;
      for (size_t j = 0; j < k; j++) {
        st->cp16[j] = pos;
        pos += st->u32[j] >= 0x10000 ? 2 : 1;
      }
      st->cp16[k] = pos;
    }
    st->have32 = true;
    recharge_subject(st);
  }
}

/* The code point index of UTF-16 index i (a low surrogate of a pair counts as its pair). */
static size_t cp_index(const re_state *st, size_t i) {
  if (!st->cp16)
    return i;
  size_t lo = 0, hi = st->n32;
  while (lo < hi) {
    size_t mid = (lo + hi) / 2;
    if (st->cp16[mid] < i)
      lo = mid + 1;
    else
      hi = mid;
  }
  /* inside a pair: the pair's code point, as V8 backs up to it */
  if (lo < st->n32 && st->cp16[lo] != i && lo > 0)
    lo--;
  else if (lo == st->n32 && st->cp16[lo] != i && lo > 0)
    lo--;
  return lo;
}


static duk_ret_t cpu_breach(duk_context *ctx, re_state *st) {
  if (st->ctl)
    st->ctl->cpu_exceeded = true;
  return duk_error(ctx, DUK_ERR_RANGE_ERROR, "CPU time limit exceeded in a regular expression");
}

/* Match contexts and JIT stacks are made for the first match (the JIT stacks map address
 * space: a runtime that never matches should not pay for them). */
static void ensure_match_contexts(duk_context *ctx, re_state *st) {
  if (st->mc16)
    return;
  st->mc16 = pcre2_match_context_create_16(NULL);
  st->mc32 = pcre2_match_context_create_32(NULL);
  if (!st->mc16 || !st->mc32) {
    pcre2_match_context_free_16(st->mc16);
    pcre2_match_context_free_32(st->mc32);
    st->mc16 = NULL;
    st->mc32 = NULL;
    (void)duk_error(ctx, DUK_ERR_RANGE_ERROR, "out of memory");
    return;
  }
  st->js16 =
      pcre2_jit_stack_create_16(EDGEFN_REGEXP_JIT_STACK_MIN, EDGEFN_REGEXP_JIT_STACK_MAX, NULL);
  st->js32 =
      pcre2_jit_stack_create_32(EDGEFN_REGEXP_JIT_STACK_MIN, EDGEFN_REGEXP_JIT_STACK_MAX, NULL);
  if (st->js16)
    pcre2_jit_stack_assign_16(st->mc16, NULL, st->js16);
  if (st->js32)
    pcre2_jit_stack_assign_32(st->mc32, NULL, st->js32);
  pcre2_set_heap_limit_16(st->mc16, EDGEFN_REGEXP_HEAP_LIMIT_KIB);
  pcre2_set_heap_limit_32(st->mc32, EDGEFN_REGEXP_HEAP_LIMIT_KIB);
}

/* The backtracking matcher's run_match: it watches the CPU budget itself. */
static bool run_bt(duk_context *ctx, re_state *st, re_compiled *re, size_t from) {
  size_t n = (size_t)re->groups + 1;
  if (st->ov_cap < 2 * n) {
    st->ov = xrealloc(ctx, st->ov, 2 * n * sizeof(size_t));
    st->ov_cap = 2 * n;
  }
  int rc = edgefn__re_bt_exec(re->bt, st->u16, st->n16, from, st->ctl, 0, st->ov);
  switch (rc) {
  case 1:
    return true;
  case 0:
    return false;
  case EDGEFN_RE_BT_ECPU:
    (void)cpu_breach(ctx, st);
    return false;
  case EDGEFN_RE_BT_ESTACK:
    (void)duk_error(ctx, DUK_ERR_RANGE_ERROR, "Maximum call stack size exceeded");
    return false;
  default:
    (void)duk_error(ctx, DUK_ERR_RANGE_ERROR, "out of memory");
    return false;
  }
}

/* Runs re on the state's subject from UTF-16 index `from`. On a match, fills st->ov and
 * returns true. PCRE2 cannot be interrupted, so each attempt runs under a match limit: the
 * first is small; when it is hit, the time it took gives the cost of one unit of the limit
 * and the next attempt gets what the CPU time left can pay for. An attempt that could not
 * be given more than the last one would fail the same way, so the request's CPU limit is
 * declared breached then, before the budget is even spent. */
static bool run_match(duk_context *ctx, re_state *st, re_compiled *re, size_t from) {
  if (re->bt) {
    if (st->ctl && st->ctl->cpu_active && st->ctl->cpu_exceeded)
      (void)cpu_breach(ctx, st);
    return run_bt(ctx, st, re, from);
  }
  bool u = re->c32 != NULL;
  size_t start = u ? cp_index(st, from) : from;
  if (st->ctl && st->ctl->cpu_active && st->ctl->cpu_exceeded) /* a breach was caught */
    (void)cpu_breach(ctx, st);
  ensure_match_contexts(ctx, st);
  uint64_t limit = EDGEFN_REGEXP_FIRST_MATCH_LIMIT;
  const uint32_t opts = 0;
  bool retry = false;
  int rc;
  for (;;) {
    /* Most matches end in the first attempt, which is not timed; the later ones are timed
     * with the thread's CPU clock, as the budget is counted. */
    uint64_t t0 = retry ? edgefn__thread_cpu_ns() : 0;
    if (u) {
      pcre2_set_match_limit_32(st->mc32, (uint32_t)limit);
      rc = pcre2_match_32(re->c32, st->u32, st->n32, start, opts, re->md32, st->mc32);
    } else {
      pcre2_set_match_limit_16(st->mc16, (uint32_t)limit);
      rc = pcre2_match_16(re->c16, st->u16, st->n16, start, opts, re->md16, st->mc16);
    }
    if (rc != PCRE2_ERROR_MATCHLIMIT)
      break;
    if (!retry) {
      /* Rerun the first attempt on the CPU clock: its wall time may include time the
       * thread was not running, and would make the estimate too pessimistic. */
      retry = true;
      continue;
    }
    uint64_t took = edgefn__thread_cpu_ns() - t0;
    uint64_t left = edgefn__cpu_remaining_ns(st->ctl);
    if (left == UINT64_MAX) { /* no budget running: grow until PCRE2's own maximum */
      if (limit >= UINT32_MAX)
        (void)duk_error(ctx, DUK_ERR_RANGE_ERROR, "Maximum call stack size exceeded");
      limit = limit * 16 > UINT32_MAX ? UINT32_MAX : limit * 16;
      continue;
    }
    double per = took ? (double)took / (double)limit : 0.001;
    /* Aim at 60% of what is left: an attempt's cost per unit was measured up to 1.55 times the
     * one before it (a virtual machine charges the time its CPU was taken away to the running
     * thread, and a long attempt meets more of that), and with 80% such an attempt ended 40 ms
     * past a 100 ms budget. The price is a breach declared earlier, at about 75 ms of 100. */
    double next = (double)left * 0.6 / per;
    if (left == 0 || next <= (double)limit)
      (void)cpu_breach(ctx, st);
    /* grow at most 64-fold per attempt, so the cost estimate is refined on the way (the
     * work redone by restarting stays under 2%) */
    if (next > (double)limit * 64)
      next = (double)limit * 64;
    limit = next >= (double)UINT32_MAX ? UINT32_MAX : (uint64_t)next;
  }
  if (rc == PCRE2_ERROR_NOMATCH)
    return false;
  if (rc < 0) {
    if (rc == PCRE2_ERROR_JIT_STACKLIMIT || rc == PCRE2_ERROR_DEPTHLIMIT ||
        rc == PCRE2_ERROR_HEAPLIMIT)
      (void)duk_error(ctx, DUK_ERR_RANGE_ERROR, "Maximum call stack size exceeded");
    if (rc == PCRE2_ERROR_NOMEMORY)
      (void)duk_error(ctx, DUK_ERR_RANGE_ERROR, "out of memory");
    (void)duk_error(ctx, DUK_ERR_ERROR, "regular expression match failed (PCRE2 error %d)", rc);
  }
  size_t n = (size_t)re->groups + 1;
  if (st->ov_cap < 2 * n) {
    st->ov = xrealloc(ctx, st->ov, 2 * n * sizeof(size_t));
    st->ov_cap = 2 * n;
  }
  if (u) {
    PCRE2_SIZE *ov = pcre2_get_ovector_pointer_32(re->md32);
    uint32_t cnt = pcre2_get_ovector_count_32(re->md32);
    for (size_t k = 0; k < 2 * n; k++) {
      PCRE2_SIZE v = k / 2 < cnt ? ov[k] : PCRE2_UNSET;
      st->ov[k] = v == PCRE2_UNSET ? NO_POS : st->cp16 ? st->cp16[v] : v;
    }
  } else {
    PCRE2_SIZE *ov = pcre2_get_ovector_pointer_16(re->md16);
    uint32_t cnt = pcre2_get_ovector_count_16(re->md16);
    for (size_t k = 0; k < 2 * n; k++) {
      PCRE2_SIZE v = k / 2 < cnt ? ov[k] : PCRE2_UNSET;
      st->ov[k] = v == PCRE2_UNSET ? NO_POS : v;
    }
  }
  return true;
}

static duk_ret_t unpin_subject_safe(duk_context *ctx, void *udata) {
  re_state *st = udata;
  duk_push_heapptr(ctx, st->obj);
  duk_push_undefined(ctx);
  EDGEFN_PUT_OWN_LITERAL(ctx, -2, "s");
  return 0;
}

void edgefn__regexp_trim(duk_context *ctx) {
  edgefn__heap_ctl *ctl = heap_ctl(ctx);
  re_state *st = ctl ? ctl->regexp : NULL;
  if (!st || (st->charged < EDGEFN_REGEXP_KEEP_SUBJECT_BYTES &&
              st->scratch_cap < EDGEFN_REGEXP_KEEP_SUBJECT_BYTES))
    return;
  st->subj = NULL;
  st->bytes = NULL;
  st->nbytes = 0;
  st->have32 = false;
  free(st->u16);
  free(st->u32);
  free(st->cp16);
  free(st->scratch);
  st->u16 = NULL;
  st->u32 = NULL;
  st->cp16 = NULL;
  st->scratch = NULL;
  st->n16 = st->n32 = st->scratch_cap = 0;
  recharge_subject(st);
  /* Overwrites an existing own property: nothing to allocate. */
  (void)duk_safe_call(ctx, unpin_subject_safe, st, 0, 1);
  duk_pop(ctx);
}

/* Pushes S[a, b) of the string at s (UTF-16 indices). */
static void push_sub(duk_context *ctx, re_state *st, duk_idx_t s, size_t a, size_t b) {
  if (st && st->subj && st->subj == duk_get_heapptr(ctx, s) && b <= st->n16) {
    if (st->ascii) {
      duk_push_lstring(ctx, st->bytes + a, b - a);
      return;
    }
    size_t need = (b - a) * 3 + 1;
    if (st->scratch_cap < need) {
      st->scratch = xrealloc(ctx, st->scratch, need);
      st->scratch_cap = need;
    }
    size_t o = 0;
    for (size_t i = a; i < b; i++)
      o += edgefn__utf8_put((uint8_t *)st->scratch + o, st->u16[i]);
    duk_push_lstring(ctx, st->scratch, o);
    return;
  }
  duk_dup(ctx, s);
  duk_substring(ctx, -1, a, b);
}

static double to_length(duk_context *ctx, duk_idx_t idx) {
  double d = duk_to_number(ctx, idx);
  if (isnan(d) || d <= 0)
    return 0;
  if (d > 9007199254740991.0)
    return 9007199254740991.0;
  return floor(d);
}

static void set_last_index(duk_context *ctx, duk_idx_t rx, double v) {
  duk_push_number(ctx, v);
  duk_put_prop_literal(ctx, rx, "lastIndex");
}

/* groups[name] = the value on the stack top, popped. A name several groups share (in
 * different alternatives, ES2025) keeps the place of its first group and the value of the
 * one that took part: undefined never replaces a value. */
static void put_group(duk_context *ctx, const char *name) {
  if (duk_is_undefined(ctx, -1) && duk_has_prop_string(ctx, -2, name)) {
    duk_pop(ctx);
    return;
  }
  duk_put_prop_string(ctx, -2, name);
}

/* Pushes the groups object of the last match (or undefined). */
static void push_groups(duk_context *ctx, re_state *st, re_compiled *re, duk_idx_t s) {
  if (!re->name_count) {
    duk_push_undefined(ctx);
    return;
  }
  duk_push_bare_object(ctx);
  for (size_t k = 0; k < re->name_count; k++) {
    size_t g = re->names[k].group;
    if (st->ov[2 * g] == NO_POS)
      duk_push_undefined(ctx);
    else
      push_sub(ctx, st, s, st->ov[2 * g], st->ov[2 * g + 1]);
    put_group(ctx, re->names[k].name);
  }
}

/* RegExpBuiltinExec (ES2022 22.2.5.2.2) on the RegExp at rx with the string at s. Returns
 * whether it matched (st->ov holds the positions); when want_array, pushes the result
 * array or null. */
static bool builtin_exec(duk_context *ctx, duk_idx_t rx, duk_idx_t s, re_compiled *re,
                         bool want_array) {
  rx = duk_normalize_index(ctx, rx);
  s = duk_normalize_index(ctx, s);
  bool gy = (re->flags & (EDGEFN_RE_G | EDGEFN_RE_Y)) != 0;
  duk_get_prop_literal(ctx, rx, "lastIndex");
  double li = to_length(ctx, -1);
  duk_pop(ctx);
  if (!gy)
    li = 0;
  re_state *st = get_state(ctx);
  set_subject(ctx, st, s, re->c32 != NULL);
  bool ok = li <= (double)st->n16 && run_match(ctx, st, re, (size_t)li);
  if (!ok) {
    if (gy)
      set_last_index(ctx, rx, 0);
    if (want_array)
      duk_push_null(ctx);
    return false;
  }
  if (gy)
    set_last_index(ctx, rx, (double)st->ov[1]);
  if (!want_array)
    return true;
  /* Setting lastIndex cannot run script (a non-writable one throws), so st->ov stands. */
  duk_idx_t arr = duk_push_array(ctx);
  size_t n = (size_t)re->groups + 1;
  for (size_t k = 0; k < n; k++) {
    if (st->ov[2 * k] == NO_POS)
      duk_push_undefined(ctx);
    else
      push_sub(ctx, st, s, st->ov[2 * k], st->ov[2 * k + 1]);
    duk_put_prop_index(ctx, arr, (duk_uarridx_t)k);
  }
  duk_push_number(ctx, (double)st->ov[0]);
  duk_put_prop_literal(ctx, arr, "index");
  duk_dup(ctx, s);
  duk_put_prop_literal(ctx, arr, "input");
  push_groups(ctx, st, re, s);
  duk_put_prop_literal(ctx, arr, "groups");
  if (re->flags & EDGEFN_RE_D) {
    duk_idx_t ind = duk_push_array(ctx);
    for (size_t k = 0; k < n; k++) {
      if (st->ov[2 * k] == NO_POS) {
        duk_push_undefined(ctx);
      } else {
        duk_push_array(ctx);
        duk_push_number(ctx, (double)st->ov[2 * k]);
        duk_put_prop_index(ctx, -2, 0);
        duk_push_number(ctx, (double)st->ov[2 * k + 1]);
        duk_put_prop_index(ctx, -2, 1);
      }
      duk_put_prop_index(ctx, ind, (duk_uarridx_t)k);
    }
    if (re->name_count) {
      duk_push_bare_object(ctx);
      for (size_t k = 0; k < re->name_count; k++) {
        duk_get_prop_index(ctx, ind, re->names[k].group);
        put_group(ctx, re->names[k].name);
      }
    } else {
      duk_push_undefined(ctx);
    }
    duk_put_prop_literal(ctx, ind, "groups");
    duk_put_prop_literal(ctx, arr, "indices");
  }
  return true;
}

static duk_ret_t regexp_exec(duk_context *ctx);

/* True when the value on top of the stack is the intrinsic exec. */
static bool is_builtin_exec(duk_context *ctx, duk_idx_t idx) {
  return duk_is_c_function(ctx, idx) && duk_get_c_function(ctx, idx) == regexp_exec;
}

/* RegExpExec (ES2022 22.2.5.2.1): pushes the result object or null. */
static void regexp_exec_abstract(duk_context *ctx, duk_idx_t rx, duk_idx_t s) {
  rx = duk_normalize_index(ctx, rx);
  s = duk_normalize_index(ctx, s);
  duk_get_prop_literal(ctx, rx, "exec");
  if (duk_is_callable(ctx, -1) && !is_builtin_exec(ctx, -1)) {
    duk_dup(ctx, rx);
    duk_dup(ctx, s);
    duk_call_method(ctx, 1);
    if (!duk_is_object(ctx, -1) && !duk_is_null(ctx, -1))
      (void)duk_type_error(ctx, "object or null expected as the result of exec");
    return;
  }
  duk_pop(ctx);
  re_compiled *re = require_regexp(ctx, rx, "exec");
  builtin_exec(ctx, rx, s, re, true);
}

/* Pushes the RegExp's exec; true when it is the intrinsic one (the fast paths may then use
 * builtin_exec directly). */
static bool uses_builtin_exec(duk_context *ctx, duk_idx_t rx) {
  duk_get_prop_literal(ctx, rx, "exec");
  bool b = is_builtin_exec(ctx, -1);
  duk_pop(ctx);
  return b && regexp_compiled(ctx, rx) != NULL;
}

static duk_size_t advance_index(duk_context *ctx, duk_idx_t s, duk_size_t i, bool unicode) {
  duk_size_t len = duk_get_length(ctx, s);
  if (!unicode || i + 1 >= len)
    return i + 1;
  duk_codepoint_t a = duk_char_code_at(ctx, s, i);
  duk_codepoint_t b = duk_char_code_at(ctx, s, i + 1);
  if (a >= 0xd800 && a <= 0xdbff && b >= 0xdc00 && b <= 0xdfff)
    return i + 2;
  return i + 1;
}

static void require_object_this(duk_context *ctx, const char *method) {
  duk_push_this(ctx);
  if (!duk_is_object(ctx, -1))
    (void)duk_type_error(ctx, "Method RegExp.prototype.%s called on incompatible receiver",
                         method);
}

static bool get_bool_prop(duk_context *ctx, duk_idx_t obj, const char *name) {
  duk_get_prop_string(ctx, obj, name);
  bool b = duk_to_boolean(ctx, -1);
  duk_pop(ctx);
  return b;
}

/* Pushes ToString(Get(rx, "flags")) and returns it. */
static const char *push_flags_of(duk_context *ctx, duk_idx_t rx) {
  duk_get_prop_literal(ctx, rx, "flags");
  return duk_to_string(ctx, -1);
}

/* For the library's modules (lib/js/urlpattern.c): a RegExp the intrinsic constructor
 * makes from the strings at src and flags, and RegExpBuiltinExec, neither reachable
 * through globals or prototypes a script may have replaced. */
void edgefn__regexp_push_new(duk_context *ctx, duk_idx_t src, duk_idx_t flags) {
  push_new_regexp(ctx, src, flags, DUK_INVALID_INDEX);
}

void edgefn__regexp_push_exec(duk_context *ctx, duk_idx_t rx, duk_idx_t s) {
  re_compiled *re = require_regexp(ctx, rx, "exec");
  builtin_exec(ctx, rx, s, re, true);
}

/* ---- RegExp.prototype ---- */

static duk_ret_t regexp_exec(duk_context *ctx) { /* (string) */
  duk_push_this(ctx);
  re_compiled *re = require_regexp(ctx, -1, "exec");
  duk_to_string(ctx, 0);
  builtin_exec(ctx, 1, 0, re, true);
  return 1;
}

static duk_ret_t regexp_test(duk_context *ctx) { /* (string) */
  require_object_this(ctx, "test");
  duk_to_string(ctx, 0);
  duk_get_prop_literal(ctx, 1, "exec");
  bool builtin = is_builtin_exec(ctx, -1);
  duk_pop(ctx);
  re_compiled *re = builtin ? regexp_compiled(ctx, 1) : NULL;
  if (re) {
    duk_push_boolean(ctx, builtin_exec(ctx, 1, 0, re, false));
    return 1;
  }
  regexp_exec_abstract(ctx, 1, 0);
  duk_push_boolean(ctx, !duk_is_null(ctx, -1));
  return 1;
}

static duk_ret_t regexp_to_string(duk_context *ctx) {
  require_object_this(ctx, "toString");
  duk_push_literal(ctx, "/");
  duk_get_prop_literal(ctx, 0, "source");
  duk_to_string(ctx, -1);
  duk_push_literal(ctx, "/");
  duk_get_prop_literal(ctx, 0, "flags");
  duk_to_string(ctx, -1);
  duk_concat(ctx, 4);
  return 1;
}

static bool is_intrinsic_proto(duk_context *ctx, duk_idx_t idx) {
  duk_push_heap_stash(ctx);
  duk_get_prop_literal(ctx, -1, "reProto");
  bool b = duk_strict_equals(ctx, -1, idx);
  duk_pop_2(ctx);
  return b;
}

/* The flag getters; magic is the flag's bit. */
static duk_ret_t regexp_flag_getter(duk_context *ctx) {
  duk_push_this(ctx);
  unsigned bit = (unsigned)duk_get_current_magic(ctx);
  re_compiled *re = regexp_compiled(ctx, 0);
  if (!re) {
    if (is_intrinsic_proto(ctx, 0))
      return 0;
    return duk_type_error(ctx, "RegExp.prototype flag getter called on a non-RegExp");
  }
  duk_push_boolean(ctx, (re->flags & bit) != 0);
  return 1;
}

static duk_ret_t regexp_flags_getter(duk_context *ctx) {
  static const char *const names[] = {"hasIndices", "global",  "ignoreCase",  "multiline",
                                      "dotAll",     "unicode", "unicodeSets", "sticky"};
  static const char letters[] = "dgimsuvy";
  require_object_this(ctx, "flags");
  char out[9];
  size_t k = 0;
  for (size_t i = 0; i < 8; i++) {
    duk_get_prop_string(ctx, 0, names[i]);
    if (duk_to_boolean(ctx, -1))
      out[k++] = letters[i];
    duk_pop(ctx);
  }
  duk_push_lstring(ctx, out, k);
  return 1;
}

/* EscapeRegExpPattern as V8 does it: '/' outside a class and line terminators escaped. */
static duk_ret_t regexp_source_getter(duk_context *ctx) {
  duk_push_this(ctx);
  if (!regexp_compiled(ctx, 0)) {
    if (is_intrinsic_proto(ctx, 0)) {
      duk_push_literal(ctx, "(?:)");
      return 1;
    }
    return duk_type_error(ctx, "RegExp.prototype.source getter called on a non-RegExp");
  }
  push_source(ctx, 0);
  duk_size_t n;
  const char *s = duk_get_lstring(ctx, -1, &n);
  if (n == 0) {
    duk_push_literal(ctx, "(?:)");
    return 1;
  }
  bool need = false;
  for (size_t i = 0; i < n && !need; i++)
    need = s[i] == '/' || s[i] == '\n' || s[i] == '\r' ||
           ((unsigned char)s[i] == 0xe2 && i + 2 < n && (unsigned char)s[i + 1] == 0x80 &&
            ((unsigned char)s[i + 2] == 0xa8 || (unsigned char)s[i + 2] == 0xa9));
  if (!need)
    return 1;
  duk_push_dynamic_buffer(ctx, 0);
  char *o = duk_resize_buffer(ctx, -1, n * 6 + 1);
  size_t k = 0;
  bool in_class = false;
  for (size_t i = 0; i < n; i++) {
    char c = s[i];
    if (c == '\\' && i + 1 < n) {
      o[k++] = c;
      o[k++] = s[++i];
      if ((unsigned char)s[i] >= 0x80) { /* copy the rest of a multi-byte character */
        while (i + 1 < n && ((unsigned char)s[i + 1] & 0xc0) == 0x80)
          o[k++] = s[++i];
      }
      continue;
    }
    if (c == '[')
      in_class = true;
    else if (c == ']')
      in_class = false;
    if (c == '/' && !in_class) {
      o[k++] = '\\';
      o[k++] = '/';
    } else if (c == '\n') {
      memcpy(o + k, "\\n", 2);
      k += 2;
    } else if (c == '\r') {
      memcpy(o + k, "\\r", 2);
      k += 2;
    } else if ((unsigned char)c == 0xe2 && i + 2 < n && (unsigned char)s[i + 1] == 0x80 &&
               ((unsigned char)s[i + 2] == 0xa8 || (unsigned char)s[i + 2] == 0xa9)) {
      memcpy(o + k, (unsigned char)s[i + 2] == 0xa8 ? "\\u2028" : "\\u2029", 6);
      k += 6;
      i += 2;
    } else {
      o[k++] = c;
    }
  }
  duk_push_lstring(ctx, o, k);
  return 1;
}

/* RegExp.prototype[Symbol.match] (ES2022 22.2.5.8). */
static duk_ret_t regexp_symbol_match(duk_context *ctx) { /* (string) */
  require_object_this(ctx, "[Symbol.match]");
  duk_to_string(ctx, 0);
  /* Node 20's V8 reads global and unicode here (ES2021), not flags (ES2024). */
  if (!get_bool_prop(ctx, 1, "global")) {
    regexp_exec_abstract(ctx, 1, 0);
    return 1;
  }
  bool unicode = get_bool_prop(ctx, 1, "unicode") || get_bool_prop(ctx, 1, "unicodeSets");
  set_last_index(ctx, 1, 0);
  duk_idx_t arr = duk_push_array(ctx);
  duk_uarridx_t n = 0;
  if (uses_builtin_exec(ctx, 1)) {
    re_compiled *re = regexp_compiled(ctx, 1);
    re_state *st = get_state(ctx);
    while (builtin_exec(ctx, 1, 0, re, false)) {
      size_t a = st->ov[0], b = st->ov[1];
      push_sub(ctx, st, 0, a, b);
      duk_put_prop_index(ctx, arr, n++);
      if (a == b) {
        duk_get_prop_literal(ctx, 1, "lastIndex");
        double li = to_length(ctx, -1);
        duk_pop(ctx);
        set_last_index(ctx, 1, (double)advance_index(ctx, 0, (duk_size_t)li, unicode));
      }
    }
  } else {
    for (;;) {
      regexp_exec_abstract(ctx, 1, 0);
      if (duk_is_null(ctx, -1)) {
        duk_pop(ctx);
        break;
      }
      duk_get_prop_index(ctx, -1, 0);
      duk_to_string(ctx, -1);
      bool empty = duk_get_length(ctx, -1) == 0;
      duk_put_prop_index(ctx, arr, n++);
      duk_pop(ctx);
      if (empty) {
        duk_get_prop_literal(ctx, 1, "lastIndex");
        double li = to_length(ctx, -1);
        duk_pop(ctx);
        set_last_index(ctx, 1, (double)advance_index(ctx, 0, (duk_size_t)li, unicode));
      }
    }
  }
  if (n == 0)
    duk_push_null(ctx);
  return 1;
}

/* GetSubstitution (ES2022 22.1.3.18.1, with V8's reading of $nn): pushes the replacement
 * for a match. The captures are at caps .. caps + m - 1 (strings or undefined); named is
 * the groups object or undefined; tmpl is the template string. */
static void get_substitution(duk_context *ctx, duk_idx_t matched, duk_idx_t str,
                             size_t position, duk_idx_t caps, size_t m, duk_idx_t named,
                             duk_idx_t tmpl) {
  duk_size_t tn;
  const char *t = duk_get_lstring(ctx, tmpl, &tn);
  duk_idx_t base = duk_get_top(ctx);
  size_t lit = 0;
  size_t mlen = duk_get_length(ctx, matched);
  size_t slen = duk_get_length(ctx, str);
  for (size_t i = 0; i + 1 < tn; i++) {
    if (t[i] != '$')
      continue;
    char c = t[i + 1];
    size_t consumed = 0;
    if (c == '$') {
      duk_push_literal(ctx, "$");
      consumed = 2;
    } else if (c == '&') {
      duk_dup(ctx, matched);
      consumed = 2;
    } else if (c == '`') {
      duk_dup(ctx, str);
      duk_substring(ctx, -1, 0, position);
      consumed = 2;
    } else if (c == '\'') {
      size_t tail = position + mlen < slen ? position + mlen : slen;
      duk_dup(ctx, str);
      duk_substring(ctx, -1, tail, slen);
      consumed = 2;
    } else if (c >= '0' && c <= '9') {
      size_t d1 = (size_t)(c - '0');
      if (i + 2 < tn && t[i + 2] >= '0' && t[i + 2] <= '9') {
        size_t d2 = d1 * 10 + (size_t)(t[i + 2] - '0');
        if (d2 >= 1 && d2 <= m) {
          duk_dup(ctx, caps + (duk_idx_t)d2 - 1);
          consumed = 3;
        }
      }
      if (!consumed && d1 >= 1 && d1 <= m) {
        duk_dup(ctx, caps + (duk_idx_t)d1 - 1);
        consumed = 2;
      }
      if (consumed && duk_is_undefined(ctx, -1)) {
        duk_pop(ctx);
        duk_push_literal(ctx, "");
      }
    } else if (c == '<' && !duk_is_undefined(ctx, named)) {
      const char *gt = memchr(t + i + 2, '>', tn - (i + 2));
      if (gt) {
        duk_push_lstring(ctx, t + i + 2, (size_t)(gt - (t + i + 2)));
        duk_get_prop(ctx, named);
        if (duk_is_undefined(ctx, -1)) {
          duk_pop(ctx);
          duk_push_literal(ctx, "");
        } else {
          duk_to_string(ctx, -1);
        }
        consumed = (size_t)(gt - (t + i)) + 1;
      }
    }
    if (!consumed)
      continue;
    /* keep the literal text before the $ (it was pushed after the value: swap) */
    duk_push_lstring(ctx, t + lit, i - lit);
    duk_swap_top(ctx, -2);
    i += consumed - 1;
    lit = i + 1;
    t = duk_get_lstring(ctx, tmpl, &tn);
  }
  duk_push_lstring(ctx, t + lit, tn - lit);
  duk_concat(ctx, duk_get_top(ctx) - base);
}

/* The result of a replace, built in a dynamic buffer at `buf` in Duktape's internal string
 * form (the pieces' bytes concatenated are the result's). Capacity doubles, so the cost is
 * linear in the result whatever the number of pieces. */
typedef struct builder {
  duk_idx_t buf;
  size_t len, cap;
} builder;

/* Appends the string on top of the stack and pops it. */
static void builder_take(duk_context *ctx, builder *b) {
  duk_size_t n;
  const char *p = duk_get_lstring(ctx, -1, &n);
  if (b->len + n > b->cap) {
    size_t cap = b->cap ? b->cap : 64;
    while (cap < b->len + n)
      cap *= 2;
    duk_resize_buffer(ctx, b->buf, cap);
    b->cap = cap;
  }
  if (n)
    memcpy((char *)duk_get_buffer(ctx, b->buf, NULL) + b->len, p, n);
  b->len += n;
  duk_pop(ctx);
}

/* One replacement step: the match's values are on the stack from `vals`: matched,
 * captures (m), position, groups. Pushes the replacement string (and removes nothing). */
static void replacement_for(duk_context *ctx, duk_idx_t vals, size_t m, duk_idx_t str,
                            duk_idx_t repl, bool functional) {
  duk_idx_t matched = vals, caps = vals + 1, posi = vals + 1 + (duk_idx_t)m,
            named = posi + 1;
  size_t position = (size_t)duk_get_number(ctx, posi);
  if (functional) {
    duk_dup(ctx, repl);
    duk_push_undefined(ctx);
    for (duk_idx_t k = 0; k < (duk_idx_t)m + 2; k++)
      duk_dup(ctx, matched + k);
    duk_dup(ctx, str);
    duk_idx_t nargs = (duk_idx_t)m + 3;
    if (!duk_is_undefined(ctx, named)) {
      duk_dup(ctx, named);
      nargs++;
    }
    duk_call_method(ctx, nargs);
    duk_to_string(ctx, -1);
    return;
  }
  if (!duk_is_undefined(ctx, named))
    duk_to_object(ctx, named);
  get_substitution(ctx, matched, str, position, caps, m, named, repl);
}

/* RegExp.prototype[Symbol.replace] (ES2022 22.2.5.10). */
static duk_ret_t regexp_symbol_replace(duk_context *ctx) { /* (string, replaceValue) */
  duk_set_top(ctx, 2);
  require_object_this(ctx, "[Symbol.replace]"); /* 2 */
  duk_to_string(ctx, 0);
  bool functional = duk_is_callable(ctx, 1);
  if (!functional)
    duk_to_string(ctx, 1);
  bool global = get_bool_prop(ctx, 2, "global"), unicode = false;
  if (global) {
    unicode = get_bool_prop(ctx, 2, "unicode") || get_bool_prop(ctx, 2, "unicodeSets");
    set_last_index(ctx, 2, 0);
  }
  duk_push_undefined(ctx); /* 3: keeps the layout below */
  size_t slen = duk_get_length(ctx, 0);
  bool fast = uses_builtin_exec(ctx, 2);
  /* Collect every match before replacing: a replacer function must not see later matches
   * change. Fast path: positions only, in a buffer; else the result objects. */
  duk_idx_t results = duk_get_top(ctx); /* 4 */
  size_t count = 0, per = 0, cap = 0;
  re_compiled *re = NULL;
  re_state *st = NULL;
  if (fast) {
    re = regexp_compiled(ctx, 2);
    per = 2 * ((size_t)re->groups + 1);
    duk_push_dynamic_buffer(ctx, 0);
    st = get_state(ctx);
    for (;;) {
      if (!builtin_exec(ctx, 2, 0, re, false))
        break;
      if (count == cap) { /* grow geometrically: one copy per doubling */
        cap = cap ? cap * 2 : 8;
        duk_resize_buffer(ctx, results, cap * per * sizeof(size_t));
      }
      size_t *rec = duk_get_buffer(ctx, results, NULL);
      memcpy(rec + count * per, st->ov, per * sizeof(size_t));
      count++;
      if (!global)
        break;
      if (st->ov[0] == st->ov[1]) {
        duk_get_prop_literal(ctx, 2, "lastIndex");
        double li = to_length(ctx, -1);
        duk_pop(ctx);
        set_last_index(ctx, 2, (double)advance_index(ctx, 0, (duk_size_t)li, unicode));
      }
    }
  } else {
    duk_push_array(ctx);
    for (;;) {
      regexp_exec_abstract(ctx, 2, 0);
      if (duk_is_null(ctx, -1)) {
        duk_pop(ctx);
        break;
      }
      duk_put_prop_index(ctx, results, (duk_uarridx_t)count++);
      if (!global)
        break;
      duk_get_prop_index(ctx, results, (duk_uarridx_t)count - 1);
      duk_get_prop_index(ctx, -1, 0);
      duk_to_string(ctx, -1);
      bool empty = duk_get_length(ctx, -1) == 0;
      duk_pop_2(ctx);
      if (empty) {
        duk_get_prop_literal(ctx, 2, "lastIndex");
        double li = to_length(ctx, -1);
        duk_pop(ctx);
        set_last_index(ctx, 2, (double)advance_index(ctx, 0, (duk_size_t)li, unicode));
      }
    }
  }
  builder out = {duk_get_top(ctx), 0, 0};
  duk_push_dynamic_buffer(ctx, 0);
  size_t next_pos = 0;
  for (size_t r = 0; r < count; r++) {
    duk_idx_t vals = duk_get_top(ctx);
    size_t m, position, mlen;
    if (fast) {
      size_t *rec = (size_t *)duk_get_buffer(ctx, results, NULL) + r * per;
      m = re->groups;
      st = get_state(ctx);
      for (size_t k = 0; k <= m; k++) {
        if (rec[2 * k] == NO_POS)
          duk_push_undefined(ctx);
        else
          push_sub(ctx, st, 0, rec[2 * k], rec[2 * k + 1]);
      }
      position = rec[0];
      duk_push_number(ctx, (double)position);
      if (re->name_count) {
        duk_push_bare_object(ctx);
        for (size_t k = 0; k < re->name_count; k++) {
          size_t g = re->names[k].group;
          duk_dup(ctx, vals + (duk_idx_t)g);
          put_group(ctx, re->names[k].name);
        }
      } else {
        duk_push_undefined(ctx);
      }
    } else {
      duk_get_prop_index(ctx, results, (duk_uarridx_t)r);
      duk_idx_t res = duk_get_top_index(ctx);
      duk_get_prop_literal(ctx, res, "length");
      double nc = to_length(ctx, -1) - 1;
      duk_pop(ctx);
      m = nc > 0 ? (size_t)nc : 0;
      duk_get_prop_index(ctx, res, 0);
      duk_to_string(ctx, -1);
      for (size_t k = 1; k <= m; k++) {
        duk_get_prop_index(ctx, res, (duk_uarridx_t)k);
        if (!duk_is_undefined(ctx, -1))
          duk_to_string(ctx, -1);
      }
      duk_get_prop_literal(ctx, res, "index");
      double p = duk_to_number(ctx, -1);
      p = isnan(p) ? 0 : p < 0 ? 0 : p > (double)slen ? (double)slen : floor(p);
      duk_pop(ctx);
      position = (size_t)p;
      duk_push_number(ctx, p);
      duk_get_prop_literal(ctx, res, "groups");
      duk_remove(ctx, res);
    }
    mlen = duk_get_length(ctx, vals);
    replacement_for(ctx, vals, m, 0, 1, functional);
    /* [.. pieces vals... replacement] */
    if (position >= next_pos) {
      duk_dup(ctx, 0);
      duk_substring(ctx, -1, next_pos, position);
      builder_take(ctx, &out);
      builder_take(ctx, &out);
      next_pos = position + mlen;
    }
    duk_set_top(ctx, vals);
  }
  if (next_pos < slen) {
    duk_dup(ctx, 0);
    duk_substring(ctx, -1, next_pos, slen);
    builder_take(ctx, &out);
  }
  duk_push_lstring(ctx, duk_get_buffer(ctx, out.buf, NULL), out.len);
  return 1;
}

/* RegExp.prototype[Symbol.search] (ES2022 22.2.5.11). */
static duk_ret_t regexp_symbol_search(duk_context *ctx) { /* (string) */
  require_object_this(ctx, "[Symbol.search]");
  duk_to_string(ctx, 0);
  duk_get_prop_literal(ctx, 1, "lastIndex"); /* 2: previous */
  duk_push_int(ctx, 0);
  if (!duk_samevalue(ctx, 2, 3))
    set_last_index(ctx, 1, 0);
  duk_pop(ctx);
  regexp_exec_abstract(ctx, 1, 0); /* 3 */
  duk_get_prop_literal(ctx, 1, "lastIndex");
  if (!duk_samevalue(ctx, -1, 2)) {
    duk_dup(ctx, 2);
    duk_put_prop_literal(ctx, 1, "lastIndex");
  }
  duk_pop(ctx);
  if (duk_is_null(ctx, 3)) {
    duk_push_int(ctx, -1);
    return 1;
  }
  duk_get_prop_literal(ctx, 3, "index");
  return 1;
}

/* Pushes new %RegExp%(rx, flags) (the species constructor is always %RegExp%). */
static void push_regexp_like(duk_context *ctx, duk_idx_t rx, const char *flags) {
  rx = duk_normalize_index(ctx, rx);
  duk_push_heap_stash(ctx);
  duk_get_prop_literal(ctx, -1, "reCtor");
  duk_remove(ctx, -2);
  duk_dup(ctx, rx);
  duk_push_string(ctx, flags);
  duk_new(ctx, 2);
}

/* RegExp.prototype[Symbol.split] (ES2022 22.2.5.13). */
static duk_ret_t regexp_symbol_split(duk_context *ctx) { /* (string, limit) */
  duk_set_top(ctx, 2);
  require_object_this(ctx, "[Symbol.split]"); /* 2 */
  duk_to_string(ctx, 0);
  const char *fl = push_flags_of(ctx, 2); /* 3 */
  bool unicode = strchr(fl, 'u') != NULL || strchr(fl, 'v') != NULL;
  char nf[16];
  snprintf(nf, sizeof(nf), "%s%s", fl, strchr(fl, 'y') ? "" : "y");
  push_regexp_like(ctx, 2, nf); /* 4: splitter */
  duk_idx_t arr = duk_push_array(ctx); /* 5 */
  duk_uarridx_t len = 0;
  uint32_t lim = duk_is_undefined(ctx, 1) ? UINT32_MAX : duk_to_uint32(ctx, 1);
  if (lim == 0)
    return 1;
  size_t size = duk_get_length(ctx, 0);
  if (size == 0) {
    regexp_exec_abstract(ctx, 4, 0);
    if (!duk_is_null(ctx, -1)) {
      duk_pop(ctx);
      return 1;
    }
    duk_pop(ctx);
    duk_dup(ctx, 0);
    duk_put_prop_index(ctx, arr, 0);
    return 1;
  }
  size_t p = 0, q = 0;
  if (uses_builtin_exec(ctx, 4)) {
    /* Searching forward from q finds the first position where the sticky splitter would
     * match, with the same match: one PCRE2 call per piece instead of one per position. */
    re_compiled *sre = regexp_compiled(ctx, 4);
    push_source(ctx, 4);
    /* the entry stays on the stack, keeping the pattern alive */
    re_compiled *re = push_compiled(ctx, -1, sre->flags & ~(unsigned)(EDGEFN_RE_Y | EDGEFN_RE_G));
    re_state *st = get_state(ctx);
    while (q < size) {
      set_subject(ctx, st, 0, re->c32 != NULL);
      if (!run_match(ctx, st, re, q))
        break;
      size_t at = st->ov[0], e = st->ov[1] < size ? st->ov[1] : size;
      if (at >= size)
        break;
      if (e == p) {
        q = advance_index(ctx, 0, at, unicode);
        continue;
      }
      push_sub(ctx, st, 0, p, at);
      duk_put_prop_index(ctx, arr, len++);
      if (len == lim)
        goto done;
      p = e;
      size_t caps = re->groups;
      size_t ov[2 * 64];
      size_t *ovp = caps < 64 ? ov : NULL;
      if (ovp)
        memcpy(ovp, st->ov, 2 * (caps + 1) * sizeof(size_t));
      for (size_t k = 1; k <= caps; k++) {
        size_t a = ovp ? ovp[2 * k] : st->ov[2 * k], b = ovp ? ovp[2 * k + 1] : st->ov[2 * k + 1];
        if (a == NO_POS)
          duk_push_undefined(ctx);
        else
          push_sub(ctx, st, 0, a, b);
        duk_put_prop_index(ctx, arr, len++);
        if (len == lim)
          goto done;
      }
      q = p;
    }
    duk_set_top(ctx, 6);
  } else {
    while (q < size) {
      set_last_index(ctx, 4, (double)q);
      regexp_exec_abstract(ctx, 4, 0);
      if (duk_is_null(ctx, -1)) {
        duk_pop(ctx);
        q = advance_index(ctx, 0, q, unicode);
        continue;
      }
      duk_idx_t z = duk_get_top_index(ctx);
      duk_get_prop_literal(ctx, 4, "lastIndex");
      double e = to_length(ctx, -1);
      duk_pop(ctx);
      if (e > (double)size)
        e = (double)size;
      if ((size_t)e == p) {
        duk_pop(ctx);
        q = advance_index(ctx, 0, q, unicode);
        continue;
      }
      duk_dup(ctx, 0);
      duk_substring(ctx, -1, p, q);
      duk_put_prop_index(ctx, arr, len++);
      if (len == lim)
        goto done;
      p = (size_t)e;
      duk_get_prop_literal(ctx, z, "length");
      double nc = to_length(ctx, -1) - 1;
      duk_pop(ctx);
      for (double k = 1; k <= nc; k++) {
        duk_get_prop_index(ctx, z, (duk_uarridx_t)k);
        duk_put_prop_index(ctx, arr, len++);
        if (len == lim)
          goto done;
      }
      duk_pop(ctx);
      q = p;
    }
  }
  duk_dup(ctx, 0);
  duk_substring(ctx, -1, p, size);
  duk_put_prop_index(ctx, arr, len);
done:
  duk_dup(ctx, arr);
  return 1;
}

/* ---- RegExp String Iterator (matchAll) ---- */

static duk_ret_t regexp_iter_next(duk_context *ctx) {
  duk_push_this(ctx); /* 0 */
  if (!duk_get_prop_literal(ctx, 0, DUK_HIDDEN_SYMBOL("rx")))
    return duk_type_error(ctx, "not a RegExp String Iterator");
  duk_get_prop_literal(ctx, 0, DUK_HIDDEN_SYMBOL("s"));     /* 2 */
  duk_get_prop_literal(ctx, 0, DUK_HIDDEN_SYMBOL("g"));     /* 3 */
  duk_get_prop_literal(ctx, 0, DUK_HIDDEN_SYMBOL("u"));     /* 4 */
  duk_get_prop_literal(ctx, 0, DUK_HIDDEN_SYMBOL("done"));  /* 5 */
  if (duk_to_boolean(ctx, 5)) {
    duk_push_undefined(ctx);
    edgefn__iter_result(ctx, true);
    return 1;
  }
  regexp_exec_abstract(ctx, 1, 2); /* 6 */
  if (duk_is_null(ctx, 6)) {
    duk_push_true(ctx);
    duk_put_prop_literal(ctx, 0, DUK_HIDDEN_SYMBOL("done"));
    duk_push_undefined(ctx);
    edgefn__iter_result(ctx, true);
    return 1;
  }
  if (duk_to_boolean(ctx, 3)) {
    duk_get_prop_index(ctx, 6, 0);
    duk_to_string(ctx, -1);
    if (duk_get_length(ctx, -1) == 0) {
      duk_get_prop_literal(ctx, 1, "lastIndex");
      double li = to_length(ctx, -1);
      duk_pop(ctx);
      set_last_index(ctx, 1, (double)advance_index(ctx, 2, (duk_size_t)li, duk_to_boolean(ctx, 4)));
    }
    duk_pop(ctx);
  } else {
    duk_push_true(ctx);
    duk_put_prop_literal(ctx, 0, DUK_HIDDEN_SYMBOL("done"));
  }
  duk_dup(ctx, 6);
  edgefn__iter_result(ctx, false);
  return 1;
}

/* RegExp.prototype[Symbol.matchAll] (ES2022 22.2.5.9). */
static duk_ret_t regexp_symbol_match_all(duk_context *ctx) { /* (string) */
  require_object_this(ctx, "[Symbol.matchAll]"); /* 1 */
  duk_to_string(ctx, 0);
  const char *fl = push_flags_of(ctx, 1); /* 2 */
  bool g = strchr(fl, 'g') != NULL, u = strchr(fl, 'u') != NULL || strchr(fl, 'v') != NULL;
  push_regexp_like(ctx, 1, fl); /* 3 */
  duk_get_prop_literal(ctx, 1, "lastIndex");
  set_last_index(ctx, 3, to_length(ctx, -1));
  duk_pop(ctx);
  duk_push_object(ctx);
  duk_push_heap_stash(ctx);
  duk_get_prop_literal(ctx, -1, STASH_ITER_PROTO);
  duk_remove(ctx, -2);
  duk_set_prototype(ctx, -2);
  duk_dup(ctx, 3);
  duk_put_prop_literal(ctx, -2, DUK_HIDDEN_SYMBOL("rx"));
  duk_dup(ctx, 0);
  duk_put_prop_literal(ctx, -2, DUK_HIDDEN_SYMBOL("s"));
  duk_push_boolean(ctx, g);
  duk_put_prop_literal(ctx, -2, DUK_HIDDEN_SYMBOL("g"));
  duk_push_boolean(ctx, u);
  duk_put_prop_literal(ctx, -2, DUK_HIDDEN_SYMBOL("u"));
  return 1;
}

/* ---- String.prototype ---- */

static void this_coercible(duk_context *ctx, const char *method) {
  duk_push_this(ctx);
  if (duk_is_null_or_undefined(ctx, -1))
    (void)duk_type_error(ctx, "String.prototype.%s called on null or undefined", method);
}

/* GetMethod(value at idx, key): pushes the method and returns true, or pushes nothing and
 * returns false when it is undefined or null. */
static bool get_method(duk_context *ctx, duk_idx_t idx, const char *key) {
  if (duk_is_null_or_undefined(ctx, idx))
    return false;
  duk_get_prop_string(ctx, idx, key);
  if (duk_is_null_or_undefined(ctx, -1)) {
    duk_pop(ctx);
    return false;
  }
  if (!duk_is_callable(ctx, -1))
    (void)duk_type_error(ctx, "%s is not a function", "the regular expression method");
  return true;
}

/* match and search: magic 0 = match, 1 = search. */
static duk_ret_t string_match_search(duk_context *ctx) { /* (regexp) */
  duk_set_top(ctx, 1);
  int search = duk_get_current_magic(ctx);
  const char *sym = search ? SYM_SEARCH : SYM_MATCH;
  this_coercible(ctx, search ? "search" : "match"); /* 1 */
  if (get_method(ctx, 0, sym)) {
    duk_dup(ctx, 0);
    duk_dup(ctx, 1);
    duk_call_method(ctx, 1);
    return 1;
  }
  duk_to_string(ctx, 1);
  if (duk_is_undefined(ctx, 0))
    duk_push_literal(ctx, "");
  else
    duk_dup(ctx, 0);
  duk_to_string(ctx, -1);
  duk_push_literal(ctx, "");
  push_new_regexp(ctx, 2, 3, DUK_INVALID_INDEX); /* 4 */
  duk_get_prop_string(ctx, 4, sym);
  duk_dup(ctx, 4);
  duk_dup(ctx, 1);
  duk_call_method(ctx, 1);
  return 1;
}

/* The flags of a RegExp argument of matchAll/replaceAll must include g. */
static void require_global(duk_context *ctx, duk_idx_t rx, const char *method) {
  duk_get_prop_literal(ctx, rx, "flags");
  if (duk_is_null_or_undefined(ctx, -1))
    (void)duk_type_error(ctx, "String.prototype.%s called with flags null or undefined",
                         method);
  if (!strchr(duk_to_string(ctx, -1), 'g'))
    (void)duk_type_error(ctx, "%s must be called with a global RegExp", method);
  duk_pop(ctx);
}

static duk_ret_t string_match_all(duk_context *ctx) { /* (regexp) */
  duk_set_top(ctx, 1);
  this_coercible(ctx, "matchAll"); /* 1 */
  if (!duk_is_null_or_undefined(ctx, 0)) {
    if (is_regexp(ctx, 0))
      require_global(ctx, 0, "matchAll");
    if (get_method(ctx, 0, SYM_MATCH_ALL)) {
      duk_dup(ctx, 0);
      duk_dup(ctx, 1);
      duk_call_method(ctx, 1);
      return 1;
    }
  }
  duk_to_string(ctx, 1);
  if (duk_is_undefined(ctx, 0))
    duk_push_literal(ctx, "");
  else
    duk_dup(ctx, 0);
  duk_to_string(ctx, -1);
  duk_push_literal(ctx, "g");
  push_new_regexp(ctx, 2, 3, DUK_INVALID_INDEX); /* 4 */
  duk_get_prop_string(ctx, 4, SYM_MATCH_ALL);
  duk_dup(ctx, 4);
  duk_dup(ctx, 1);
  duk_call_method(ctx, 1);
  return 1;
}

/* Calls the function stashed under key with this = ToString(this value at this_idx) and
 * the arguments 0 .. nargs - 1. */
static duk_ret_t call_stashed(duk_context *ctx, const char *key, duk_idx_t this_idx,
                              duk_idx_t nargs) {
  duk_push_heap_stash(ctx);
  duk_get_prop_string(ctx, -1, key);
  duk_remove(ctx, -2);
  duk_dup(ctx, this_idx);
  duk_to_string(ctx, -1);
  for (duk_idx_t i = 0; i < nargs; i++)
    duk_dup(ctx, i);
  duk_call_method(ctx, nargs);
  return 1;
}

/* replace and replaceAll: magic 0 = replace, 1 = replaceAll. */
static duk_ret_t string_replace(duk_context *ctx) { /* (searchValue, replaceValue) */
  duk_set_top(ctx, 2);
  int all = duk_get_current_magic(ctx);
  this_coercible(ctx, all ? "replaceAll" : "replace"); /* 2 */
  if (!duk_is_null_or_undefined(ctx, 0)) {
    if (all && is_regexp(ctx, 0))
      require_global(ctx, 0, "replaceAll");
    if (get_method(ctx, 0, SYM_REPLACE)) {
      duk_dup(ctx, 0);
      duk_dup(ctx, 2);
      duk_dup(ctx, 1);
      duk_call_method(ctx, 2);
      return 1;
    }
  }
  /* A string pattern: Duktape's replace and the library's replaceAll do it. */
  duk_to_string(ctx, 0);
  if (!duk_is_callable(ctx, 1))
    duk_to_string(ctx, 1);
  return call_stashed(ctx, all ? "reStrReplaceAll" : STASH_ORIG_REPLACE, 2, 2);
}

static duk_ret_t string_split(duk_context *ctx) { /* (separator, limit) */
  duk_set_top(ctx, 2);
  this_coercible(ctx, "split"); /* 2 */
  if (get_method(ctx, 0, SYM_SPLIT)) {
    duk_dup(ctx, 0);
    duk_dup(ctx, 2);
    duk_dup(ctx, 1);
    duk_call_method(ctx, 2);
    return 1;
  }
  if (!duk_is_undefined(ctx, 0))
    duk_to_string(ctx, 0);
  return call_stashed(ctx, STASH_ORIG_SPLIT, 2, 2);
}

/* ---- installation ---- */

static const edgefn__es_method proto_methods[] = {
    {"exec", regexp_exec, 1, 1, 0},
    {"test", regexp_test, 1, 1, 0},
    {"toString", regexp_to_string, 0, 0, 0},
};

static const edgefn__es_method string_methods[] = {
    {"match", string_match_search, 1, 1, 0},
    {"search", string_match_search, 1, 1, 1},
    {"matchAll", string_match_all, 1, 1, 0},
    {"replace", string_replace, 2, 2, 0},
    {"replaceAll", string_replace, 2, 2, 1},
    {"split", string_split, 2, 2, 0},
};

static void def_symbol(duk_context *ctx, const char *name, const char *sym) {
  duk_get_global_literal(ctx, "Symbol");
  duk_push_string(ctx, name);
  duk_push_string(ctx, sym);
  duk_def_prop(ctx, -3, DUK_DEFPROP_HAVE_VALUE | DUK_DEFPROP_CLEAR_WEC | DUK_DEFPROP_FORCE);
  duk_pop(ctx);
}

static void def_symbol_method(duk_context *ctx, duk_idx_t obj, const char *sym,
                              const char *name, duk_c_function fn, duk_idx_t nargs) {
  duk_push_string(ctx, sym);
  duk_push_c_function(ctx, fn, nargs);
  duk_push_literal(ctx, "name");
  duk_push_string(ctx, name);
  duk_def_prop(ctx, -3, DUK_DEFPROP_HAVE_VALUE | DUK_DEFPROP_SET_CONFIGURABLE |
                            DUK_DEFPROP_FORCE);
  duk_def_prop(ctx, obj, DUK_DEFPROP_HAVE_VALUE | DUK_DEFPROP_SET_WRITABLE |
                             DUK_DEFPROP_SET_CONFIGURABLE | DUK_DEFPROP_FORCE);
}

static void def_getter(duk_context *ctx, duk_idx_t obj, const char *name, duk_c_function fn,
                       int magic) {
  obj = duk_normalize_index(ctx, obj);
  duk_push_string(ctx, name);
  duk_push_c_function(ctx, fn, 0);
  duk_set_magic(ctx, -1, magic);
  duk_push_literal(ctx, "name"); /* "get flags", as for every built-in getter */
  duk_push_sprintf(ctx, "get %s", name);
  duk_def_prop(ctx, -3,
               DUK_DEFPROP_HAVE_VALUE | DUK_DEFPROP_CLEAR_WRITABLE | DUK_DEFPROP_CLEAR_ENUMERABLE |
                   DUK_DEFPROP_SET_CONFIGURABLE | DUK_DEFPROP_FORCE);
  duk_def_prop(ctx, obj, DUK_DEFPROP_HAVE_GETTER | DUK_DEFPROP_SET_CONFIGURABLE |
                             DUK_DEFPROP_CLEAR_ENUMERABLE | DUK_DEFPROP_FORCE);
}

/* ---- RegExp.escape (ES2025) ---- */

static void esc_unit(char *out, size_t *o, uint32_t u) { /* one UTF-16 unit, CESU-8 */
  if (u < 0x80) {
    out[(*o)++] = (char)u;
  } else if (u < 0x800) {
    out[(*o)++] = (char)(0xC0 | (u >> 6));
    out[(*o)++] = (char)(0x80 | (u & 0x3F));
  } else {
    out[(*o)++] = (char)(0xE0 | (u >> 12));
    out[(*o)++] = (char)(0x80 | ((u >> 6) & 0x3F));
    out[(*o)++] = (char)(0x80 | (u & 0x3F));
  }
}

static void esc_hex(char *out, size_t *o, const char *prefix, uint32_t v, int digits) {
  static const char hex[] = "0123456789abcdef";
  while (*prefix)
    out[(*o)++] = *prefix++;
  for (int d = digits - 1; d >= 0; d--)
    out[(*o)++] = hex[(v >> (4 * d)) & 0xF];
}

static bool esc_white_or_line(uint32_t c) {
  return c == 0x09 || c == 0x0B || c == 0x0C || c == 0x20 || c == 0xA0 || c == 0x1680 ||
         (c >= 0x2000 && c <= 0x200A) || c == 0x202F || c == 0x205F || c == 0x3000 ||
         c == 0xFEFF || c == 0x0A || c == 0x0D || c == 0x2028 || c == 0x2029;
}

/* RegExp.escape(string): the string with every character that could mean something in a
 * pattern escaped, so that new RegExp(RegExp.escape(s)) matches s literally, whatever
 * comes before or after it in the pattern (EncodeForRegExpEscape). */
static duk_ret_t regexp_escape(duk_context *ctx) {
  if (!duk_is_string(ctx, 0) || duk_is_symbol(ctx, 0))
    return duk_type_error(ctx, "RegExp.escape requires a string");
  duk_size_t blen;
  const char *b = duk_get_lstring(ctx, 0, &blen);
  /* At most 4 bytes out per byte in: an ASCII character becomes "\\xhh"; a 3-byte one at
   * most "\\uhhhh"; a 4-byte one a 6-byte pair. The output lives on the JavaScript heap, so
   * the memory limit bounds it (an allocation past the limit throws here, before anything
   * needs freeing). */
  if (blen > SIZE_MAX / 4 - 1)
    return duk_error(ctx, DUK_ERR_RANGE_ERROR, "string too long to escape");
  char *out = duk_push_fixed_buffer(ctx, blen * 4 + 1);
  size_t n;
  uint16_t *u = edgefn__re_utf16_from_internal(b, blen, &n);
  if (!u)
    return duk_error(ctx, DUK_ERR_RANGE_ERROR, "out of memory");
  size_t o = 0;
  for (size_t i = 0; i < n;) {
    uint32_t c = u[i];
    size_t width = 1;
    if (c >= 0xD800 && c <= 0xDBFF && i + 1 < n && u[i + 1] >= 0xDC00 && u[i + 1] <= 0xDFFF) {
      c = 0x10000 + ((c - 0xD800) << 10) + (u[i + 1] - 0xDC00);
      width = 2;
    }
    if (i == 0 && ((c >= '0' && c <= '9') || ((c | 0x20) >= 'a' && (c | 0x20) <= 'z'))) {
      esc_hex(out, &o, "\\x", c, 2); /* a leading digit or letter: after \0, \1 or \c */
    } else if (c < 0x80 && strchr("^$\\.*+?()[]{}|/", (int)c) && c != 0) {
      out[o++] = '\\';
      out[o++] = (char)c;
    } else if (c >= 0x09 && c <= 0x0D) {
      out[o++] = '\\';
      out[o++] = "tnvfr"[c - 0x09];
    } else if ((c < 0x80 && c != 0 && strchr(",-=<>#&!%:;@~'`\"", (int)c)) ||
               esc_white_or_line(c) || (c >= 0xD800 && c <= 0xDFFF)) {
      if (c <= 0xFF)
        esc_hex(out, &o, "\\x", c, 2);
      else
        esc_hex(out, &o, "\\u", c, 4); /* (a lone surrogate or a BMP space: one unit) */
    } else {
      for (size_t k = 0; k < width; k++)
        esc_unit(out, &o, u[i + k]);
    }
    i += width;
  }
  free(u);
  duk_push_lstring(ctx, out, o);
  return 1;
}

void edgefn__regexp_install(duk_context *ctx) {
  duk_push_heap_stash(ctx);
  duk_idx_t stash = duk_get_top_index(ctx);
  duk_get_global_literal(ctx, "RegExp");
  duk_idx_t dctor = duk_get_top_index(ctx);

  duk_get_prop_literal(ctx, dctor, "prototype");
  duk_idx_t proto = duk_get_top_index(ctx);
  duk_dup(ctx, proto);
  duk_put_prop_literal(ctx, stash, "reProto");
  duk_get_global_literal(ctx, "String");
  duk_get_prop_literal(ctx, -1, "prototype");
  duk_idx_t sproto = duk_get_top_index(ctx);
  duk_get_prop_literal(ctx, sproto, "split");
  duk_put_prop_literal(ctx, stash, STASH_ORIG_SPLIT);
  duk_get_prop_literal(ctx, sproto, "replace");
  duk_put_prop_literal(ctx, stash, STASH_ORIG_REPLACE);
  duk_get_prop_literal(ctx, sproto, "replaceAll");
  duk_put_prop_literal(ctx, stash, "reStrReplaceAll");

  def_symbol(ctx, "match", SYM_MATCH);
  def_symbol(ctx, "matchAll", SYM_MATCH_ALL);
  def_symbol(ctx, "replace", SYM_REPLACE);
  def_symbol(ctx, "search", SYM_SEARCH);
  def_symbol(ctx, "split", SYM_SPLIT);

  /* The constructor. */
  duk_push_c_function(ctx, regexp_constructor, 2);
  duk_idx_t ctor = duk_get_top_index(ctx);
  duk_push_literal(ctx, "name");
  duk_push_literal(ctx, "RegExp");
  duk_def_prop(ctx, ctor, DUK_DEFPROP_HAVE_VALUE | DUK_DEFPROP_SET_CONFIGURABLE |
                              DUK_DEFPROP_FORCE);
  duk_push_literal(ctx, "prototype");
  duk_dup(ctx, proto);
  duk_def_prop(ctx, ctor, DUK_DEFPROP_HAVE_VALUE | DUK_DEFPROP_CLEAR_WEC | DUK_DEFPROP_FORCE);
  duk_push_literal(ctx, "constructor");
  duk_dup(ctx, ctor);
  duk_def_prop(ctx, proto, DUK_DEFPROP_HAVE_VALUE | DUK_DEFPROP_SET_WRITABLE |
                               DUK_DEFPROP_SET_CONFIGURABLE | DUK_DEFPROP_FORCE);
  duk_dup(ctx, ctor);
  duk_put_prop_literal(ctx, stash, "reCtor");
  static const edgefn__es_method statics[] = {{"escape", regexp_escape, 1, 1, 0}};
  edgefn__es_def_methods(ctx, ctor, statics, 1);

  /* The prototype. */
  edgefn__es_def_methods(ctx, proto, proto_methods, EDGEFN_ARRAY_LEN(proto_methods));
  def_getter(ctx, proto, "source", regexp_source_getter, 0);
  def_getter(ctx, proto, "flags", regexp_flags_getter, 0);
  def_getter(ctx, proto, "hasIndices", regexp_flag_getter, EDGEFN_RE_D);
  def_getter(ctx, proto, "global", regexp_flag_getter, EDGEFN_RE_G);
  def_getter(ctx, proto, "ignoreCase", regexp_flag_getter, EDGEFN_RE_I);
  def_getter(ctx, proto, "multiline", regexp_flag_getter, EDGEFN_RE_M);
  def_getter(ctx, proto, "dotAll", regexp_flag_getter, EDGEFN_RE_S);
  def_getter(ctx, proto, "unicode", regexp_flag_getter, EDGEFN_RE_U);
  def_getter(ctx, proto, "unicodeSets", regexp_flag_getter, EDGEFN_RE_V);
  def_getter(ctx, proto, "sticky", regexp_flag_getter, EDGEFN_RE_Y);
  def_symbol_method(ctx, proto, SYM_MATCH, "[Symbol.match]", regexp_symbol_match, 1);
  def_symbol_method(ctx, proto, SYM_MATCH_ALL, "[Symbol.matchAll]", regexp_symbol_match_all, 1);
  def_symbol_method(ctx, proto, SYM_REPLACE, "[Symbol.replace]", regexp_symbol_replace, 2);
  def_symbol_method(ctx, proto, SYM_SEARCH, "[Symbol.search]", regexp_symbol_search, 1);
  def_symbol_method(ctx, proto, SYM_SPLIT, "[Symbol.split]", regexp_symbol_split, 2);

  /* %RegExpStringIteratorPrototype% */
  duk_push_object(ctx);
  edgefn__iter_push_proto(ctx);
  duk_set_prototype(ctx, -2);
  static const edgefn__es_method next[] = {{"next", regexp_iter_next, 0, 0, 0}};
  edgefn__es_def_methods(ctx, -1, next, 1);
  duk_push_literal(ctx, DUK_WELLKNOWN_SYMBOL("Symbol.toStringTag"));
  duk_push_literal(ctx, "RegExp String Iterator");
  duk_def_prop(ctx, -3, DUK_DEFPROP_HAVE_VALUE | DUK_DEFPROP_SET_CONFIGURABLE |
                            DUK_DEFPROP_FORCE);
  duk_put_prop_literal(ctx, stash, STASH_ITER_PROTO);

  edgefn__es_def_methods(ctx, sproto, string_methods, EDGEFN_ARRAY_LEN(string_methods));

  duk_push_global_object(ctx);
  duk_push_literal(ctx, "RegExp");
  duk_dup(ctx, ctor);
  duk_def_prop(ctx, -3, DUK_DEFPROP_HAVE_VALUE | DUK_DEFPROP_SET_WRITABLE |
                            DUK_DEFPROP_SET_CONFIGURABLE | DUK_DEFPROP_CLEAR_ENUMERABLE |
                            DUK_DEFPROP_FORCE);
  duk_push_literal(ctx, "__edgefn$re");
  duk_push_c_function(ctx, regexp_literal, 2);
  duk_def_prop(ctx, -3, DUK_DEFPROP_HAVE_VALUE | DUK_DEFPROP_CLEAR_WEC | DUK_DEFPROP_FORCE);
  duk_set_top(ctx, stash);
}
