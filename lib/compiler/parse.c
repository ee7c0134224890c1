/* Lexer and parser for ES2022 scripts and modules, producing the tree in ast.h.
 * Regex-vs-division and template continuations are decided by the parser, which asks the
 * lexer to re-read the current token as a regex or a template chunk where the grammar
 * expects one. Errors longjmp out with the position of the offending token. */
#include "compiler/ast.h"

#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <math.h>
#include <string.h>

/* ---- arena ---- */

struct arena_block {
  arena_block *next;
  size_t size;
  char data[];
};

#define ARENA_BLOCK 65536u

/* Freed standard-size blocks, shared by all threads, up to EDGEFN_COMPILER_ARENA_CACHE. */
static pthread_mutex_t cache_mu = PTHREAD_MUTEX_INITIALIZER;
static arena_block *cache_head;
static size_t cache_bytes;

static arena_block *block_new(size_t size) {
  if (size == ARENA_BLOCK) {
    pthread_mutex_lock(&cache_mu);
    arena_block *b = cache_head;
    if (b) {
      cache_head = b->next;
      cache_bytes -= ARENA_BLOCK;
    }
    pthread_mutex_unlock(&cache_mu);
    if (b)
      return b;
  }
  return malloc(sizeof(arena_block) + size);
}

void *edgefn__arena_alloc(arena *a, size_t n) {
  n = (n + 15u) & ~(size_t)15u;
  if ((size_t)(a->end - a->cur) < n) {
    size_t size = n > ARENA_BLOCK ? n : ARENA_BLOCK;
    arena_block *b = block_new(size);
    if (!b)
      longjmp(*a->oom, 1);
    b->next = a->head;
    b->size = size;
    a->head = b;
    a->cur = b->data;
    a->end = b->data + size;
  }
  void *p = a->cur;
  a->cur += n;
  return p;
}

void edgefn__arena_free(arena *a) {
  while (a->head) {
    arena_block *b = a->head;
    a->head = b->next;
    if (b->size == ARENA_BLOCK) {
      pthread_mutex_lock(&cache_mu);
      bool keep = cache_bytes + ARENA_BLOCK <= EDGEFN_COMPILER_ARENA_CACHE;
      if (keep) {
        b->next = cache_head;
        cache_head = b;
        cache_bytes += ARENA_BLOCK;
      }
      pthread_mutex_unlock(&cache_mu);
      if (keep)
        continue;
    }
    free(b);
  }
  a->cur = a->end = NULL;
}

static const char *const punct_multi[] = {
    "...", "===", "!==", "==", "!=", "<=", ">=", "&&", "||", "??", "?.", "++", "--", "<<",
    ">>", ">>>", "**", "=>", "+=", "-=", "*=", "/=", "%=", "&=", "|=", "^=", "<<=", ">>=",
    ">>>=", "**=", "&&=", "||=", "?\?=", "typeof", "void", "delete", "in", "instanceof"};

/* Single-character punctuators, each followed by its terminator; an empty entry ends it. */
static const char singles[] = "!\0%\0&\0(\0)\0*\0+\0,\0-\0.\0/\0:\0;\0<\0=\0>\0?\0@\0[\0]\0^\0{\0|\0}"
                              "\0~\0";

const char *edgefn__punct_text(int p) {
  if (p >= P_ELLIPSIS && p < P_LAST)
    return punct_multi[p - P_ELLIPSIS];
  for (const char *c = singles; *c; c += 2)
    if (*c == p)
      return c;
  return "?";
}

/* ---- lexer ---- */

enum tok_type { T_EOF = 0, T_NAME = 1, T_PRIVATE, T_NUM, T_STR, T_TEMPLATE, T_REGEX, T_PUNCT };

typedef struct token {
  int type;
  int punct;
  size_t start, end; /* byte offsets */
  int line, col;
  bool nl_before;
  bool escaped;      /* identifier written with \u escapes */
  const char *value; /* identifier name (decoded), number text, cooked template, ... */
  uint32_t value_len;
  const char *raw; /* template raw text */
  uint32_t raw_len;
  bool tail;        /* template chunk ends with ` */
  bool invalid_esc; /* template chunk has an invalid escape (cooked undefined) */
} token;

typedef struct parser {
  arena *ar;
  const char *src;
  size_t len, pos;
  int line;
  size_t line_start;
  token tok;
  size_t prev_end; /* end of the previous token */
  int prev_line;
  parse_error *err;
  jmp_buf jb;
  int depth;
  size_t cc_line_start, cc_pos; /* col_of's cache: the last position measured */
  int cc_col;
  /* context */
  bool in_function, in_async, in_generator, in_class_field;
  bool strict; /* strict code: a 'use strict' prologue, a module, or a class body */
  int in_method; /* > 0 inside a method, accessor, constructor or class field (super.x) */
  /* Module goal: `await` is an operator at the top level too, import.meta exists. What the
   * program turned out to use goes on the N_PROGRAM node's flags (F_TOP_AWAIT, ...). */
  bool module;
  uint32_t prog_flags;
  int tla_line, tla_col;
} parser;

/* The first top-level await's position, for a script's error message. */
static void top_await(parser *p) {
  if (!(p->prog_flags & F_TOP_AWAIT)) {
    p->tla_line = p->tok.line;
    p->tla_col = p->tok.col;
  }
  p->prog_flags |= F_TOP_AWAIT;
}

static _Noreturn void fail_at(parser *p, int line, int col, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static _Noreturn void fail_at(parser *p, int line, int col, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(p->err->msg, sizeof(p->err->msg), fmt, ap);
  va_end(ap);
  p->err->line = line;
  p->err->col = col;
  p->err->module_syntax = (p->prog_flags & F_MODULE_SYNTAX) != 0;
  longjmp(p->jb, 1);
}

/* 1-based column in characters. Tokens arrive in order along a line, so counting goes on
 * from the last position measured (lines of any length stay linear). */
static int col_of(parser *p, size_t at) {
  size_t i = p->line_start;
  int col = 1;
  if (p->cc_line_start == p->line_start && p->cc_pos <= at && p->cc_pos >= i) {
    i = p->cc_pos;
    col = p->cc_col;
  }
  for (; i < at && i < p->len; i++)
    if (((unsigned char)p->src[i] & 0xC0) != 0x80)
      col++;
  p->cc_line_start = p->line_start;
  p->cc_pos = at;
  p->cc_col = col;
  return col;
}

#define FAIL_HERE(p, ...) fail_at(p, (p)->line, col_of(p, (p)->pos), __VA_ARGS__)
#define FAIL_TOK(p, ...) fail_at(p, (p)->tok.line, (p)->tok.col, __VA_ARGS__)

static char *dupz(parser *p, const char *s, size_t n) {
  char *d = edgefn__arena_alloc(p->ar, n + 1);
  memcpy(d, s, n);
  d[n] = '\0';
  return d;
}

/* A growable byte buffer in the arena (for decoded strings). */
typedef struct sbuf {
  char *d;
  size_t n, cap;
} sbuf;

static void sb_put(parser *p, sbuf *b, const char *s, size_t n) {
  if (b->n + n + 1 > b->cap) {
    size_t cap = b->cap ? b->cap * 2 : 64;
    while (cap < b->n + n + 1)
      cap *= 2;
    char *d = edgefn__arena_alloc(p->ar, cap);
    if (b->n)
      memcpy(d, b->d, b->n);
    b->d = d;
    b->cap = cap;
  }
  memcpy(b->d + b->n, s, n);
  b->n += n;
  b->d[b->n] = '\0';
}

static void sb_utf8(parser *p, sbuf *b, uint32_t cp) {
  char u[4];
  size_t n;
  if (cp < 0x80) {
    u[0] = (char)cp;
    n = 1;
  } else if (cp < 0x800) {
    u[0] = (char)(0xC0 | (cp >> 6));
    u[1] = (char)(0x80 | (cp & 0x3F));
    n = 2;
  } else if (cp < 0x10000) {
    u[0] = (char)(0xE0 | (cp >> 12));
    u[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
    u[2] = (char)(0x80 | (cp & 0x3F));
    n = 3;
  } else {
    u[0] = (char)(0xF0 | (cp >> 18));
    u[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
    u[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
    u[3] = (char)(0x80 | (cp & 0x3F));
    n = 4;
  }
  sb_put(p, b, u, n);
}

static int peekc(parser *p, size_t off) {
  return p->pos + off < p->len ? (unsigned char)p->src[p->pos + off] : -1;
}

/* Decodes one UTF-8 sequence at pos (lenient); returns the code point and its length. */
static uint32_t utf8_at(parser *p, size_t pos, size_t *n) {
  const unsigned char *s = (const unsigned char *)p->src + pos;
  size_t left = p->len - pos;
  if (s[0] < 0x80 || left < 2) {
    *n = 1;
    return s[0];
  }
  if ((s[0] & 0xE0) == 0xC0) {
    *n = 2;
    return ((uint32_t)(s[0] & 0x1F) << 6) | (s[1] & 0x3F);
  }
  if ((s[0] & 0xF0) == 0xE0 && left >= 3) {
    *n = 3;
    return ((uint32_t)(s[0] & 0x0F) << 12) | ((uint32_t)(s[1] & 0x3F) << 6) | (s[2] & 0x3F);
  }
  if ((s[0] & 0xF8) == 0xF0 && left >= 4) {
    *n = 4;
    return ((uint32_t)(s[0] & 0x07) << 18) | ((uint32_t)(s[1] & 0x3F) << 12) |
           ((uint32_t)(s[2] & 0x3F) << 6) | (s[3] & 0x3F);
  }
  *n = 1;
  return s[0];
}

static bool is_space_cp(uint32_t c) {
  return c == 0xA0 || c == 0xFEFF || c == 0x1680 || (c >= 0x2000 && c <= 0x200A) ||
         c == 0x202F || c == 0x205F || c == 0x3000;
}

static bool is_id_start_ascii(int c) {
  return c == '$' || c == '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}
static bool is_id_part_ascii(int c) { return is_id_start_ascii(c) || (c >= '0' && c <= '9'); }

static void newline(parser *p, size_t next) {
  p->line++;
  p->line_start = next;
}

static void skip_space(parser *p) {
  for (;;) {
    int c = peekc(p, 0);
    if (c == '\n') {
      p->pos++;
      newline(p, p->pos);
      p->tok.nl_before = true;
    } else if (c == ' ' || c == '\t' || c == '\r' || c == '\v' || c == '\f') {
      p->pos++;
    } else if (c == '/' && peekc(p, 1) == '/') {
      while (p->pos < p->len && p->src[p->pos] != '\n') {
        size_t n;
        uint32_t cp = utf8_at(p, p->pos, &n);
        if (cp == 0x2028 || cp == 0x2029)
          break;
        p->pos += n;
      }
    } else if (c == '/' && peekc(p, 1) == '*') {
      int sl = p->line, sc = col_of(p, p->pos);
      p->pos += 2;
      for (;;) {
        if (p->pos >= p->len)
          fail_at(p, sl, sc, "unterminated comment");
        if (p->src[p->pos] == '*' && peekc(p, 1) == '/') {
          p->pos += 2;
          break;
        }
        if (p->src[p->pos] == '\n') {
          p->pos++;
          newline(p, p->pos);
          p->tok.nl_before = true;
        } else {
          p->pos++;
        }
      }
    } else if ((c == '<' && peekc(p, 1) == '!' && peekc(p, 2) == '-' && peekc(p, 3) == '-') ||
               (c == '-' && peekc(p, 1) == '-' && peekc(p, 2) == '>' &&
                (p->tok.nl_before || p->pos == 0))) {
      /* Annex B HTML-like comments: <!-- anywhere, --> at the start of a line */
      while (p->pos < p->len && p->src[p->pos] != '\n')
        p->pos++;
    } else if (c >= 0x80) {
      size_t n;
      uint32_t cp = utf8_at(p, p->pos, &n);
      if (cp == 0x2028 || cp == 0x2029) {
        p->pos += n;
        newline(p, p->pos);
        p->tok.nl_before = true;
      } else if (is_space_cp(cp)) {
        p->pos += n;
      } else {
        return;
      }
    } else {
      return;
    }
  }
}

static int hexval(int c) {
  if (c >= '0' && c <= '9')
    return c - '0';
  if (c >= 'a' && c <= 'f')
    return c - 'a' + 10;
  if (c >= 'A' && c <= 'F')
    return c - 'A' + 10;
  return -1;
}

/* Reads \uXXXX or \u{X...} after the backslash-u at pos; -1 when malformed. */
static long read_unicode_escape(parser *p, size_t *pos) {
  size_t i = *pos;
  if (i < p->len && p->src[i] == '{') {
    long v = 0;
    i++;
    size_t digits = 0;
    while (i < p->len && hexval((unsigned char)p->src[i]) >= 0) {
      v = v * 16 + hexval((unsigned char)p->src[i]);
      if (v > 0x10FFFF)
        return -1;
      i++;
      digits++;
    }
    if (!digits || i >= p->len || p->src[i] != '}')
      return -1;
    *pos = i + 1;
    return v;
  }
  if (i + 4 > p->len)
    return -1;
  long v = 0;
  for (int k = 0; k < 4; k++) {
    int h = hexval((unsigned char)p->src[i + (size_t)k]);
    if (h < 0)
      return -1;
    v = v * 16 + h;
  }
  *pos = i + 4;
  return v;
}

static void lex_identifier(parser *p, token *t) {
  size_t start = p->pos;
  bool escaped = false;
  sbuf b = {0};
  for (;;) {
    int c = peekc(p, 0);
    if (c < 0)
      break;
    if (is_id_part_ascii(c)) {
      p->pos++;
      continue;
    }
    if (c == '\\') {
      if (peekc(p, 1) != 'u')
        FAIL_HERE(p, "invalid escape in identifier");
      escaped = true;
      size_t esc = p->pos;
      p->pos += 2;
      long cp = read_unicode_escape(p, &p->pos);
      /* The character must belong in an identifier where it stands: decoded, it is
       * written into the lowered text as it is (an escaped U+200A would become a space). */
      if (cp < 0 ||
          !(cp == '$' || cp == '_' ||
            (cp < 0x80 ? is_id_part_ascii((int)cp) && !(esc == start && cp >= '0' && cp <= '9')
                       : edgefn__duk_unicode_identifier(cp, esc == start))))
        fail_at(p, p->line, col_of(p, esc), "invalid unicode escape in identifier");
      continue;
    }
    if (c >= 0x80) {
      size_t n;
      uint32_t cp = utf8_at(p, p->pos, &n);
      if (cp == 0x2028 || cp == 0x2029 || is_space_cp(cp))
        break;
      p->pos += n;
      continue;
    }
    break;
  }
  t->escaped = escaped;
  if (!escaped) {
    t->value = p->src + start;
    t->value_len = (uint32_t)(p->pos - start);
    return;
  }
  for (size_t i = start; i < p->pos;) {
    if (p->src[i] == '\\') {
      i += 2;
      long cp = read_unicode_escape(p, &i);
      sb_utf8(p, &b, (uint32_t)cp);
    } else {
      sb_put(p, &b, p->src + i, 1);
      i++;
    }
  }
  t->value = b.d;
  t->value_len = (uint32_t)b.n;
}

/* Numbers: the value is written out in a form ES5 accepts (separators dropped, 0o/0b
 * converted to decimal). */
static void lex_number(parser *p, token *t) {
  size_t start = p->pos;
  sbuf b = {0};
  int c = peekc(p, 0);
  int base = 10;
  if (c == '0' && (peekc(p, 1) | 0x20) == 'x')
    base = 16;
  else if (c == '0' && (peekc(p, 1) | 0x20) == 'o')
    base = 8;
  else if (c == '0' && (peekc(p, 1) | 0x20) == 'b')
    base = 2;
  if (base != 10) {
    p->pos += 2;
    double v = 0;
    size_t digits = 0;
    bool last_sep = false;
    for (;;) {
      int d = peekc(p, 0);
      if (d == '_') {
        if (!digits || last_sep)
          FAIL_HERE(p, "invalid numeric separator");
        last_sep = true;
        p->pos++;
        continue;
      }
      int h = d < 0 ? -1 : hexval(d);
      if (h < 0 || h >= base)
        break;
      v = v * base + h;
      digits++;
      last_sep = false;
      p->pos++;
    }
    if (!digits || last_sep)
      fail_at(p, t->line, t->col, "invalid number");
    if (peekc(p, 0) == 'n')
      fail_at(p, t->line, t->col, "BigInt literals are not supported");
    char num[64];
    snprintf(num, sizeof(num), "%.17g", v);
    t->value = dupz(p, num, strlen(num));
    t->value_len = (uint32_t)strlen(num);
  } else {
    bool legacy_octal = c == '0' && peekc(p, 1) >= '0' && peekc(p, 1) <= '9';
    if (c == '0' && peekc(p, 1) == '_') { /* 0_1: no separator after a leading zero */
      p->pos++;
      FAIL_HERE(p, "invalid numeric separator");
    }
    if (legacy_octal) {
      while (peekc(p, 0) >= '0' && peekc(p, 0) <= '9')
        p->pos++;
      t->value = p->src + start;
      t->value_len = (uint32_t)(p->pos - start);
    } else {
      bool seen_dot = false, seen_exp = false, last_sep = false, digit = false;
      for (;;) {
        int d = peekc(p, 0);
        if (d >= '0' && d <= '9') {
          sb_put(p, &b, p->src + p->pos, 1);
          digit = true;
          last_sep = false;
        } else if (d == '_') {
          if (!digit || last_sep)
            FAIL_HERE(p, "invalid numeric separator");
          last_sep = true;
          digit = false;
        } else if (d == '.' && !seen_dot && !seen_exp) {
          if (last_sep)
            FAIL_HERE(p, "invalid numeric separator");
          seen_dot = true;
          digit = false;
          sb_put(p, &b, ".", 1);
        } else if ((d | 0x20) == 'e' && !seen_exp) {
          if (last_sep)
            FAIL_HERE(p, "invalid numeric separator");
          seen_exp = true;
          digit = false;
          sb_put(p, &b, "e", 1);
          if (peekc(p, 1) == '+' || peekc(p, 1) == '-') {
            p->pos++;
            sb_put(p, &b, p->src + p->pos, 1);
          }
          if (!(peekc(p, 1) >= '0' && peekc(p, 1) <= '9'))
            FAIL_HERE(p, "invalid number");
        } else {
          break;
        }
        p->pos++;
      }
      if (last_sep)
        FAIL_HERE(p, "invalid numeric separator");
      if (peekc(p, 0) == 'n')
        fail_at(p, t->line, t->col, "BigInt literals are not supported");
      t->value = b.d;
      t->value_len = (uint32_t)b.n;
      /* Duktape refuses exponents past a few digits ("exponent too large") where the value is
       * simply Infinity or 0: write such a literal as the number it is */
      const char *e = memchr(b.d, 'e', b.n);
      if (e && b.n - (size_t)(e - b.d) > 6) {
        double v = strtod(b.d, NULL);
        char num[64];
        if (isinf(v))
          snprintf(num, sizeof(num), "1e400");
        else
          snprintf(num, sizeof(num), "%.17g", v);
        t->value = dupz(p, num, strlen(num));
        t->value_len = (uint32_t)strlen(num);
      }
    }
  }
  c = peekc(p, 0);
  if (c >= 0 && (is_id_start_ascii(c) || (c >= '0' && c <= '9') || c == '\\'))
    FAIL_HERE(p, "identifier starts immediately after numeric literal");
}

/* Decodes the escape after a backslash at p->pos (which points past the backslash) into
 * b. Returns false on an invalid escape (for templates: cooked becomes undefined). */
static bool decode_escape(parser *p, sbuf *b, bool in_template) {
  int c = peekc(p, 0);
  if (c < 0)
    return false;
  p->pos++;
  switch (c) {
  case 'n': sb_put(p, b, "\n", 1); return true;
  case 't': sb_put(p, b, "\t", 1); return true;
  case 'r': sb_put(p, b, "\r", 1); return true;
  case 'b': sb_put(p, b, "\b", 1); return true;
  case 'f': sb_put(p, b, "\f", 1); return true;
  case 'v': sb_put(p, b, "\v", 1); return true;
  case '\r':
    if (peekc(p, 0) == '\n')
      p->pos++;
    newline(p, p->pos);
    return true;
  case '\n':
    newline(p, p->pos);
    return true;
  case 'x': {
    int h1 = peekc(p, 0) < 0 ? -1 : hexval(peekc(p, 0));
    int h2 = peekc(p, 1) < 0 ? -1 : hexval(peekc(p, 1));
    if (h1 < 0 || h2 < 0)
      return false;
    p->pos += 2;
    sb_utf8(p, b, (uint32_t)(h1 * 16 + h2));
    return true;
  }
  case 'u': {
    long cp = read_unicode_escape(p, &p->pos);
    if (cp < 0)
      return false;
    /* A surrogate pair written as two escapes becomes one code point. */
    if (cp >= 0xD800 && cp <= 0xDBFF && peekc(p, 0) == '\\' && peekc(p, 1) == 'u') {
      size_t save = p->pos;
      p->pos += 2;
      long lo = read_unicode_escape(p, &p->pos);
      if (lo >= 0xDC00 && lo <= 0xDFFF)
        cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
      else
        p->pos = save;
    }
    sb_utf8(p, b, (uint32_t)cp); /* lone surrogates: encoded as CESU-8-like 3 bytes */
    return true;
  }
  default:
    if (c >= '0' && c <= '7') {
      if (c == '0' && !(peekc(p, 0) >= '0' && peekc(p, 0) <= '9')) {
        sb_put(p, b, "\0", 1);
        return true;
      }
      if (in_template)
        return false;
      int v = c - '0';
      for (int k = 0; k < 2 && peekc(p, 0) >= '0' && peekc(p, 0) <= '7' && v * 8 < 256; k++)
        v = v * 8 + (p->src[p->pos++] - '0');
      sb_utf8(p, b, (uint32_t)v);
      return true;
    }
    if ((c == '8' || c == '9') && in_template)
      return false;
    if (c >= 0x80) {
      size_t n;
      uint32_t cp = utf8_at(p, p->pos - 1, &n);
      p->pos += n - 1;
      if (cp == 0x2028 || cp == 0x2029)
        return true;
      sb_utf8(p, b, cp);
      return true;
    }
    sb_put(p, b, (const char *)&p->src[p->pos - 1], 1);
    return true;
  }
}

static void lex_string(parser *p, token *t) {
  int q = p->src[p->pos++];
  sbuf b = {0};
  sb_put(p, &b, "", 0);
  for (;;) {
    int c = peekc(p, 0);
    if (c < 0 || c == '\n' || c == '\r')
      fail_at(p, t->line, t->col, "unterminated string");
    if (c == q) {
      p->pos++;
      break;
    }
    if (c == '\\') {
      size_t esc = p->pos;
      p->pos++;
      if (!decode_escape(p, &b, false))
        fail_at(p, p->line, col_of(p, esc), "invalid escape in string");
      continue;
    }
    sb_put(p, &b, p->src + p->pos, 1);
    p->pos++;
  }
  t->value = b.d;
  t->value_len = (uint32_t)b.n;
}

/* A template chunk from just after ` or } up to and including ` or ${. */
static void lex_template_chunk(parser *p, token *t) {
  sbuf cooked = {0}, raw = {0};
  sb_put(p, &cooked, "", 0);
  sb_put(p, &raw, "", 0);
  t->invalid_esc = false;
  for (;;) {
    int c = peekc(p, 0);
    if (c < 0)
      fail_at(p, t->line, t->col, "unterminated template literal");
    if (c == '`') {
      p->pos++;
      t->tail = true;
      break;
    }
    if (c == '$' && peekc(p, 1) == '{') {
      p->pos += 2;
      t->tail = false;
      break;
    }
    if (c == '\\') {
      size_t s = p->pos;
      p->pos++;
      if (!decode_escape(p, &cooked, true))
        t->invalid_esc = true;
      /* raw keeps the escape as written, with CR LF and CR read as LF */
      for (size_t i = s; i < p->pos; i++) {
        if (p->src[i] == '\r') {
          sb_put(p, &raw, "\n", 1);
          if (i + 1 < p->pos && p->src[i + 1] == '\n')
            i++;
        } else {
          sb_put(p, &raw, p->src + i, 1);
        }
      }
      continue;
    }
    if (c == '\r') {
      p->pos++;
      if (peekc(p, 0) == '\n')
        p->pos++;
      newline(p, p->pos);
      sb_put(p, &cooked, "\n", 1);
      sb_put(p, &raw, "\n", 1);
      continue;
    }
    if (c == '\n') {
      p->pos++;
      newline(p, p->pos);
      sb_put(p, &cooked, "\n", 1);
      sb_put(p, &raw, "\n", 1);
      continue;
    }
    sb_put(p, &cooked, p->src + p->pos, 1);
    sb_put(p, &raw, p->src + p->pos, 1);
    p->pos++;
  }
  t->type = T_TEMPLATE;
  t->value = cooked.d;
  t->value_len = (uint32_t)cooked.n;
  t->raw = raw.d;
  t->raw_len = (uint32_t)raw.n;
}

static const char *const puncts_by_len[] = {">>>=", "...", "===", "!==", "**=", "<<=", ">>=", ">>>",
                                           "&&=", "||=", "?\?=", "=>", "==", "!=", "<=", ">=",
                                           "&&", "||", "??", "?.", "++", "--", "+=", "-=", "*=",
                                           "/=", "%=", "&=", "|=", "^=", "<<", ">>", "**"};

static int punct_id(const char *s) {
  for (int i = 0; i < (int)EDGEFN_ARRAY_LEN(punct_multi); i++)
    if (strcmp(punct_multi[i], s) == 0)
      return P_ELLIPSIS + i;
  return -1;
}

static void next(parser *p) {
  p->prev_end = p->tok.end;
  p->prev_line = p->line;
  token *t = &p->tok;
  t->nl_before = false;
  skip_space(p);
  t->start = p->pos;
  t->line = p->line;
  t->col = col_of(p, p->pos);
  t->escaped = false;
  t->value = NULL;
  t->value_len = 0;
  if (p->pos >= p->len) {
    t->type = T_EOF;
    t->end = p->pos;
    return;
  }
  int c = peekc(p, 0);
  if (is_id_start_ascii(c) || c == '\\' || c >= 0x80) {
    t->type = T_NAME;
    lex_identifier(p, t);
  } else if (c == '#') {
    if (t->start == 0 && peekc(p, 1) == '!') { /* hashbang */
      while (p->pos < p->len && p->src[p->pos] != '\n')
        p->pos++;
      next(p);
      return;
    }
    p->pos++;
    int d = peekc(p, 0);
    if (!(d >= 0 && (is_id_start_ascii(d) || d == '\\' || d >= 0x80)))
      FAIL_HERE(p, "invalid character '#'");
    t->type = T_PRIVATE;
    lex_identifier(p, t);
  } else if ((c >= '0' && c <= '9') || (c == '.' && peekc(p, 1) >= '0' && peekc(p, 1) <= '9')) {
    t->type = T_NUM;
    lex_number(p, t);
  } else if (c == '"' || c == '\'') {
    t->type = T_STR;
    lex_string(p, t);
  } else if (c == '`') {
    p->pos++;
    lex_template_chunk(p, t);
  } else {
    t->type = T_PUNCT;
    t->punct = 0;
    /* multi-character punctuators start with one of these and go on with one of them */
    int c2 = peekc(p, 1);
    bool multi = c2 >= 0 && strchr(".=!<>&|?+-*/%^", c) && strchr(".=<>&|?+-*/%^", c2);
    for (size_t i = 0; multi && i < EDGEFN_ARRAY_LEN(puncts_by_len); i++) {
      size_t n = strlen(puncts_by_len[i]);
      if (p->pos + n <= p->len && memcmp(p->src + p->pos, puncts_by_len[i], n) == 0) {
        if (n == 2 && puncts_by_len[i][0] == '?' && puncts_by_len[i][1] == '.' &&
            peekc(p, 2) >= '0' && peekc(p, 2) <= '9')
          continue; /* a ?.5 : b */
        t->punct = punct_id(puncts_by_len[i]);
        p->pos += n;
        break;
      }
    }
    if (!t->punct) {
      if (!strchr("{}()[];,<>+-*/%&|^!~?:=.@", c))
        FAIL_HERE(p, "invalid character '%c'", c >= 32 && c < 127 ? c : '?');
      t->punct = c;
      p->pos++;
    }
  }
  t->end = p->pos;
}

/* Re-reads the current '/' or '/=' token as a regular expression literal. */
static void rescan_regex(parser *p) {
  token *t = &p->tok;
  p->pos = t->start + 1;
  bool in_class = false;
  for (;;) {
    int c = peekc(p, 0);
    if (c < 0 || c == '\n' || c == '\r')
      fail_at(p, t->line, t->col, "unterminated regular expression");
    p->pos++;
    if (c == '\\') {
      if (peekc(p, 0) < 0 || peekc(p, 0) == '\n')
        fail_at(p, t->line, t->col, "unterminated regular expression");
      p->pos++;
    } else if (c == '[') {
      in_class = true;
    } else if (c == ']') {
      in_class = false;
    } else if (c == '/' && !in_class) {
      break;
    }
  }
  size_t pat_end = p->pos - 1;
  while (p->pos < p->len && is_id_part_ascii((unsigned char)p->src[p->pos]))
    p->pos++;
  t->type = T_REGEX;
  t->value = p->src + t->start + 1;
  t->value_len = (uint32_t)(pat_end - t->start - 1);
  t->raw = p->src + pat_end + 1;
  t->raw_len = (uint32_t)(p->pos - pat_end - 1);
  for (uint32_t i = 0; i < t->raw_len; i++)
    if (!strchr("dgimsuvy", t->raw[i]) || memchr(t->raw, t->raw[i], i) ||
        (t->raw[i] == 'v' && memchr(t->raw, 'u', t->raw_len)))
      fail_at(p, t->line, t->col, "invalid regular expression flags");
  t->end = p->pos;
}

/* Re-reads the current '}' token as the continuation of a template. */
static void rescan_template(parser *p) {
  token *t = &p->tok;
  p->pos = t->start + 1;
  lex_template_chunk(p, t);
  t->end = p->pos;
}

/* ---- parser helpers ---- */

static node *mk(parser *p, int type, const token *at) {
  node *n = edgefn__arena_alloc(p->ar, sizeof(node));
  memset(n, 0, sizeof(*n));
  n->type = (uint16_t)type;
  n->line = at->line;
  n->col = at->col;
  return n;
}

static node *mk_at(parser *p, int type, const node *at) {
  node *n = edgefn__arena_alloc(p->ar, sizeof(node));
  memset(n, 0, sizeof(*n));
  n->type = (uint16_t)type;
  n->line = at->line;
  n->col = at->col;
  return n;
}

/* Trees built by loops (a + b + c ..., a.b.c ...) are checked here for height. */
static node *heighten(parser *p, node *n, const node *child) {
  n->depth = (child ? child->depth : 0) + 1;
  if (n->depth > (int)EDGEFN_COMPILER_MAX_DEPTH * 8)
    fail_at(p, n->line, n->col, "expression nested too deeply");
  return n;
}

static bool is_p(parser *p, int punct) { return p->tok.type == T_PUNCT && p->tok.punct == punct; }

#define is_name(p, lit) is_name_n(p, lit, sizeof(lit) - 1)
static bool is_name_n(parser *p, const char *name, size_t n) {
  return p->tok.type == T_NAME && !p->tok.escaped && p->tok.value_len == n &&
         memcmp(p->tok.value, name, n) == 0;
}

static bool eat(parser *p, int punct) {
  if (is_p(p, punct)) {
    next(p);
    return true;
  }
  return false;
}

#define eat_name(p, lit) eat_name_n(p, lit, sizeof(lit) - 1)
static bool eat_name_n(parser *p, const char *name, size_t n) {
  if (is_name_n(p, name, n)) {
    next(p);
    return true;
  }
  return false;
}

static _Noreturn void unexpected(parser *p) {
  token *t = &p->tok;
  if (t->type == T_EOF)
    FAIL_TOK(p, "unexpected end of input");
  int len = (int)(t->end - t->start);
  if (len > 40)
    len = 40;
  FAIL_TOK(p, "unexpected token '%.*s'", len, p->src + t->start);
}

static void expect(parser *p, int punct) {
  if (!eat(p, punct)) {
    token *t = &p->tok;
    if (t->type == T_EOF)
      FAIL_TOK(p, "unexpected end of input, expected '%s'", edgefn__punct_text(punct));
    int len = (int)(t->end - t->start);
    if (len > 40)
      len = 40;
    FAIL_TOK(p, "unexpected token '%.*s', expected '%s'", len, p->src + t->start,
             edgefn__punct_text(punct));
  }
}

static void semicolon(parser *p) {
  if (eat(p, ';'))
    return;
  if (is_p(p, '}') || p->tok.type == T_EOF || p->tok.nl_before)
    return;
  unexpected(p);
}

static void enter(parser *p) {
  if (++p->depth > (int)EDGEFN_COMPILER_MAX_DEPTH)
    FAIL_TOK(p, "program nested too deeply (more than %d levels)", EDGEFN_COMPILER_MAX_DEPTH);
}
static void leave(parser *p) { p->depth--; }

static const char *const reserved[] = {
    "break",  "case",    "catch",  "class",  "const",      "continue", "debugger",
    "default", "delete", "do",     "else",   "export",     "extends",  "finally",
    "for",    "function", "if",    "import", "in",         "instanceof", "new",
    "return", "super",   "switch", "this",   "throw",      "try",      "typeof",
    "var",    "void",    "while",  "with",   "null",       "true",     "false", "enum"};

static bool tok_is_reserved(parser *p) {
  if (p->tok.type != T_NAME || p->tok.value_len < 2 || p->tok.value_len > 10)
    return false;
  char c = p->tok.value[0];
  if (c < 'b' || c > 'w')
    return false;
  for (size_t i = 0; i < EDGEFN_ARRAY_LEN(reserved); i++)
    if (reserved[i][0] == c && strlen(reserved[i]) == p->tok.value_len &&
        memcmp(reserved[i], p->tok.value, p->tok.value_len) == 0)
      return true;
  return false;
}

/* The names strict code reserves (ES2022 12.7.2; `yield` is handled with generators). */
static bool strict_reserved(const char *s, size_t n) {
  static const char *const names[] = {"implements", "interface", "let",    "package",
                                      "private",    "protected", "public", "static"};
  for (size_t i = 0; i < EDGEFN_ARRAY_LEN(names); i++)
    if (strlen(names[i]) == n && memcmp(names[i], s, n) == 0)
      return true;
  return false;
}

static void check_strict_name(parser *p) {
  if (p->strict && p->tok.type == T_NAME &&
      (strict_reserved(p->tok.value, p->tok.value_len) ||
       (p->tok.value_len == 5 && memcmp(p->tok.value, "yield", 5) == 0)))
    FAIL_TOK(p, "Unexpected strict mode reserved word");
}

/* Skips white space and comments from i; returns where the next token starts. */
static size_t skip_space_raw(const parser *p, size_t i, bool *newline) {
  while (i < p->len) {
    char c = p->src[i];
    if (c == '\n' || c == '\r') {
      *newline = true;
      i++;
    } else if (c == ' ' || c == '\t' || c == '\v' || c == '\f') {
      i++;
    } else if (c == '/' && i + 1 < p->len && p->src[i + 1] == '/') {
      while (i < p->len && p->src[i] != '\n')
        i++;
    } else if (c == '/' && i + 1 < p->len && p->src[i + 1] == '*') {
      i += 2;
      while (i + 1 < p->len && !(p->src[i] == '*' && p->src[i + 1] == '/')) {
        if (p->src[i] == '\n')
          *newline = true;
        i++;
      }
      i += 2;
    } else {
      break;
    }
  }
  return i < p->len ? i : p->len;
}

/* Whether the directive prologue starting at byte i (the start of a program or just after
 * a function body's `{`) holds a raw 'use strict': known before the body is parsed, so
 * that the body's own names are checked as strict code. */
static bool prologue_is_strict(const parser *p, size_t i) {
  for (;;) {
    bool nl = false;
    i = skip_space_raw(p, i, &nl);
    if (i >= p->len || (p->src[i] != '\'' && p->src[i] != '"'))
      return false;
    char q = p->src[i];
    size_t start = ++i;
    bool escaped = false;
    while (i < p->len && p->src[i] != q && p->src[i] != '\n') {
      if (p->src[i] == '\\') {
        escaped = true;
        i++;
      }
      i++;
    }
    if (i >= p->len || p->src[i] != q)
      return false;
    size_t end = i++;
    nl = false;
    size_t after = skip_space_raw(p, i, &nl);
    /* The string must be a whole statement: `;`, `}` or the end, or a line break before a
     * token that cannot continue the expression. */
    bool whole = after >= p->len || p->src[after] == ';' || p->src[after] == '}' ||
                 (nl && !strchr("+-*/%=.,?[(<>&|^`!", p->src[after]));
    if (!whole)
      return false;
    if (!escaped && end - start == 10 && memcmp(p->src + start, "use strict", 10) == 0)
      return true;
    i = after < p->len && p->src[after] == ';' ? after + 1 : after;
  }
}

static node *ident_from_tok(parser *p) {
  node *n = mk(p, N_IDENT, &p->tok);
  n->s = dupz(p, p->tok.value, p->tok.value_len);
  n->n = p->tok.value_len;
  return n;
}

static node *binding_ident(parser *p) {
  if (p->tok.type != T_NAME || tok_is_reserved(p))
    unexpected(p);
  check_strict_name(p);
  if ((p->in_generator && is_name(p, "yield")) || (p->in_async && is_name(p, "await")))
    unexpected(p);
  node *n = ident_from_tok(p);
  next(p);
  return n;
}

static void append(node **head, node **tail, node *n) {
  if (*tail)
    (*tail)->next = n;
  else
    *head = n;
  *tail = n;
}

static node *parse_assign(parser *p, bool no_in);
static node *parse_expr(parser *p, bool no_in);
static node *parse_statement(parser *p);
static node *parse_block(parser *p);
static node *parse_function_rest(parser *p, node *fn, bool is_async, bool is_gen, bool is_method);
static node *parse_class(parser *p, bool is_decl);
static node *parse_binding_target(parser *p);
static node *parse_unary(parser *p);
static node *parse_lhs(parser *p);

/* Converts an expression parsed as a cover grammar into a pattern (arrow parameters,
 * destructuring assignment). */
static void to_pattern(parser *p, node *n, bool binding) {
  switch (n->type) {
  case N_IDENT:
    return;
  case N_MEMBER:
    if (binding)
      fail_at(p, n->line, n->col, "invalid destructuring target");
    return;
  case N_ARRAY:
    for (node *e = n->list; e; e = e->next) {
      if (e->type == N_SPREAD) {
        if (e->next)
          fail_at(p, e->line, e->col, "rest element must be last");
        to_pattern(p, e->a, binding);
      } else if (e->type != N_HOLE) {
        to_pattern(p, e, binding);
      }
    }
    return;
  case N_OBJECT:
    for (node *e = n->list; e; e = e->next) {
      if (e->flags & F_SPREAD_PROP) {
        if (e->next)
          fail_at(p, e->line, e->col, "rest element must be last");
        to_pattern(p, e->b, binding);
      } else if (e->flags & (F_METHOD | F_GET | F_SET)) {
        fail_at(p, e->line, e->col, "invalid destructuring target");
      } else {
        to_pattern(p, e->b, binding);
      }
    }
    return;
  case N_ASSIGN:
    if (n->op != '=')
      fail_at(p, n->line, n->col, "invalid destructuring target");
    to_pattern(p, n->a, binding);
    return;
  case N_PAREN:
    if (binding)
      fail_at(p, n->line, n->col, "invalid destructuring target");
    to_pattern(p, n->a, binding);
    if (n->a->type != N_IDENT && n->a->type != N_MEMBER)
      fail_at(p, n->line, n->col, "invalid destructuring target");
    *n = *n->a;
    return;
  default:
    fail_at(p, n->line, n->col, "invalid destructuring target");
  }
}

/* ---- expressions ---- */

static node *parse_template(parser *p, node *tag) {
  node *t = mk(p, N_TEMPLATE, &p->tok);
  t->a = tag;
  node *head = NULL, *tail = NULL;
  for (;;) {
    node *q = mk(p, N_QUASI, &p->tok);
    if (p->tok.invalid_esc) {
      if (!tag)
        FAIL_TOK(p, "invalid escape sequence in template");
      q->s = NULL;
    } else {
      q->s = p->tok.value;
      q->n = p->tok.value_len;
    }
    q->s2 = p->tok.raw;
    q->n2 = p->tok.raw_len;
    append(&head, &tail, q);
    if (p->tok.tail) {
      next(p);
      break;
    }
    next(p);
    enter(p);
    node *e = parse_expr(p, false);
    leave(p);
    append(&head, &tail, e);
    if (!is_p(p, '}'))
      unexpected(p);
    rescan_template(p);
  }
  t->list = head;
  return t;
}

/* Property name: identifier, string, number, computed [expr], or #private (classes). */
static node *parse_prop_name(parser *p, uint32_t *flags, bool allow_private) {
  node *k;
  if (p->tok.type == T_NAME) {
    k = ident_from_tok(p);
    next(p);
  } else if (p->tok.type == T_STR) {
    k = mk(p, N_STR, &p->tok);
    k->s = p->tok.value;
    k->n = p->tok.value_len;
    next(p);
  } else if (p->tok.type == T_NUM) {
    k = mk(p, N_NUM, &p->tok);
    k->s = p->tok.value;
    k->n = p->tok.value_len;
    next(p);
  } else if (allow_private && p->tok.type == T_PRIVATE) {
    k = mk(p, N_PRIVATE, &p->tok);
    k->s = dupz(p, p->tok.value, p->tok.value_len);
    k->n = p->tok.value_len;
    next(p);
  } else if (is_p(p, '[')) {
    next(p);
    k = parse_assign(p, false);
    expect(p, ']');
    *flags |= F_COMPUTED;
  } else {
    unexpected(p);
  }
  return k;
}

static node *parse_method(parser *p, node *at_key, bool is_async, bool is_gen) {
  node *fn = mk_at(p, N_FUNC, at_key);
  p->in_method++;
  fn = parse_function_rest(p, fn, is_async, is_gen, true);
  p->in_method--;
  return fn;
}

static bool prop_name_follows(parser *p) {
  return p->tok.type == T_NAME || p->tok.type == T_STR || p->tok.type == T_NUM ||
         p->tok.type == T_PRIVATE || is_p(p, '[');
}

static node *parse_object(parser *p) {
  node *obj = mk(p, N_OBJECT, &p->tok);
  expect(p, '{');
  node *head = NULL, *tail = NULL;
  while (!eat(p, '}')) {
    node *prop = mk(p, N_PROP, &p->tok);
    if (eat(p, P_ELLIPSIS)) {
      prop->flags |= F_SPREAD_PROP;
      prop->b = parse_assign(p, false);
    } else {
      bool is_async = false, is_gen = false;
      uint32_t kind = 0;
      if (is_name(p, "async") || is_name(p, "get") || is_name(p, "set")) {
        token save = p->tok;
        size_t save_pos = p->pos;
        int save_line = p->line;
        size_t save_ls = p->line_start;
        next(p);
        if (prop_name_follows(p) || (save.value[0] == 'a' && is_p(p, '*'))) {
          if (save.value[0] == 'a') {
            if (p->tok.nl_before)
              unexpected(p);
            is_async = true;
          } else {
            kind = save.value[0] == 'g' ? F_GET : F_SET;
          }
        } else {
          p->tok = save;
          p->pos = save_pos;
          p->line = save_line;
          p->line_start = save_ls;
        }
      }
      if (eat(p, '*'))
        is_gen = true;
      uint32_t flags = 0;
      bool was_name = p->tok.type == T_NAME;
      bool reserved_name = tok_is_reserved(p);
      token key_tok = p->tok;
      prop->a = parse_prop_name(p, &flags, false);
      prop->flags |= flags;
      if (kind || is_async || is_gen || is_p(p, '(')) {
        prop->flags |= kind ? kind : F_METHOD;
        prop->b = parse_method(p, prop->a, is_async, is_gen);
        if (kind == F_GET && prop->b->list)
          fail_at(p, prop->line, prop->col, "getter must not have parameters");
        if (kind == F_SET && (!prop->b->list || prop->b->list->next))
          fail_at(p, prop->line, prop->col, "setter must have exactly one parameter");
      } else if (eat(p, ':')) {
        prop->b = parse_assign(p, false);
      } else if (was_name && !(flags & F_COMPUTED) && !reserved_name) {
        if ((p->in_async && prop->a->n == 5 && memcmp(prop->a->s, "await", 5) == 0) ||
            (p->in_generator && prop->a->n == 5 && memcmp(prop->a->s, "yield", 5) == 0))
          fail_at(p, key_tok.line, key_tok.col, "unexpected reserved word");
        prop->flags |= F_SHORTHAND;
        node *id = mk(p, N_IDENT, &key_tok);
        id->s = prop->a->s;
        id->n = prop->a->n;
        if (is_p(p, '=')) { /* only valid as a pattern: { a = 1 } = obj */
          node *as = mk(p, N_ASSIGN, &p->tok);
          next(p);
          as->op = '=';
          as->a = id;
          as->b = parse_assign(p, false);
          prop->b = as;
        } else {
          prop->b = id;
        }
      } else {
        unexpected(p);
      }
    }
    append(&head, &tail, prop);
    if (!is_p(p, '}'))
      expect(p, ',');
  }
  obj->list = head;
  return obj;
}

static node *parse_array(parser *p) {
  node *arr = mk(p, N_ARRAY, &p->tok);
  expect(p, '[');
  node *head = NULL, *tail = NULL;
  while (!eat(p, ']')) {
    node *e;
    if (is_p(p, ',')) {
      e = mk(p, N_HOLE, &p->tok);
    } else if (is_p(p, P_ELLIPSIS)) {
      e = mk(p, N_SPREAD, &p->tok);
      next(p);
      e->a = parse_assign(p, false);
    } else {
      e = parse_assign(p, false);
    }
    append(&head, &tail, e);
    if (!is_p(p, ']'))
      expect(p, ',');
  }
  arr->list = head;
  return arr;
}

static node *parse_args(parser *p) {
  expect(p, '(');
  node *head = NULL, *tail = NULL;
  while (!eat(p, ')')) {
    node *e;
    if (is_p(p, P_ELLIPSIS)) {
      e = mk(p, N_SPREAD, &p->tok);
      next(p);
      e->a = parse_assign(p, false);
    } else {
      e = parse_assign(p, false);
    }
    append(&head, &tail, e);
    if (!is_p(p, ')'))
      expect(p, ',');
  }
  return head;
}

/* Arrow function after its parameters: the body. */
static node *parse_arrow_body(parser *p, node *fn) {
  bool sa = p->in_async, sg = p->in_generator, sf = p->in_function, scf = p->in_class_field;
  p->in_async = (fn->flags & F_ASYNC) != 0;
  p->in_generator = false;
  p->in_function = true;
  p->in_class_field = false;
  if (is_p(p, '{')) {
    bool ss = p->strict;
    if (prologue_is_strict(p, p->pos))
      p->strict = true;
    fn->b = parse_block(p);
    p->strict = ss;
  } else {
    fn->flags |= F_EXPR_BODY;
    fn->b = parse_assign(p, false);
  }
  p->in_async = sa;
  p->in_generator = sg;
  p->in_function = sf;
  p->in_class_field = scf;
  return fn;
}

/* The parameter list of an arrow from a parenthesized expression (or NULL for `()`). */
static node *params_from_expr(parser *p, node *e) {
  node *head = NULL, *tail = NULL;
  if (!e)
    return NULL;
  node *items = e->type == N_SEQ ? e->list : e;
  for (node *it = items, *nx; it; it = nx) {
    nx = e->type == N_SEQ ? it->next : NULL;
    it->next = NULL;
    if (it->type == N_SPREAD) {
      to_pattern(p, it->a, true);
      if (nx)
        fail_at(p, it->line, it->col, "rest parameter must be last");
    } else {
      to_pattern(p, it, true);
    }
    append(&head, &tail, it);
  }
  return head;
}

static node *parse_paren_or_arrow(parser *p, bool is_async, const token *start) {
  token open = p->tok;
  expect(p, '(');
  node *head = NULL, *tail = NULL;
  int count = 0;
  bool trailing_comma = false, has_rest = false;
  while (!is_p(p, ')')) {
    node *e;
    if (is_p(p, P_ELLIPSIS)) {
      e = mk(p, N_SPREAD, &p->tok);
      next(p);
      e->a = parse_binding_target(p);
      has_rest = true;
    } else {
      e = parse_assign(p, false);
    }
    append(&head, &tail, e);
    count++;
    if (!is_p(p, ')')) {
      expect(p, ',');
      if (is_p(p, ')'))
        trailing_comma = true;
    }
  }
  next(p);
  if (is_p(p, P_ARROW) && !p->tok.nl_before) {
    next(p);
    node *fn = mk(p, N_FUNC, start);
    fn->flags |= F_ARROW | (is_async ? F_ASYNC : 0);
    node *seq = NULL;
    if (head) {
      seq = mk(p, N_SEQ, &open);
      seq->list = head;
    }
    fn->list = params_from_expr(p, seq);
    for (node *q = fn->list; q; q = q->next) /* await is no parameter of an async arrow */
      if (is_async && q->type == N_IDENT && q->n == 5 && memcmp(q->s, "await", 5) == 0)
        fail_at(p, q->line, q->col, "unexpected reserved word");
    return parse_arrow_body(p, fn);
  }
  if (is_async) { /* async(...) is a call */
    node *callee = mk(p, N_IDENT, start);
    callee->s = "async";
    callee->n = 5;
    node *call = mk(p, N_CALL, start);
    call->a = callee;
    call->list = head;
    return call;
  }
  if (count == 0 || has_rest || trailing_comma)
    fail_at(p, open.line, open.col, count == 0 ? "unexpected token ')'" : "unexpected token");
  node *inner;
  if (count == 1) {
    inner = head;
  } else {
    inner = mk(p, N_SEQ, &open);
    inner->list = head;
  }
  node *paren = mk(p, N_PAREN, &open);
  paren->a = inner;
  paren->depth = inner->depth + 1;
  return paren;
}

static node *parse_primary(parser *p) {
  token *t = &p->tok;
  node *n;
  switch (t->type) {
  case T_NUM:
    n = mk(p, N_NUM, t);
    n->s = t->value;
    n->n = t->value_len;
    next(p);
    return n;
  case T_STR:
    n = mk(p, N_STR, t);
    n->s = t->value;
    n->n = t->value_len;
    next(p);
    return n;
  case T_TEMPLATE:
    return parse_template(p, NULL);
  case T_PRIVATE: { /* #x in obj */
    n = mk(p, N_PRIVATE_IN, t);
    n->a = mk(p, N_PRIVATE, t);
    n->a->s = dupz(p, t->value, t->value_len);
    n->a->n = t->value_len;
    next(p);
    if (!is_name(p, "in"))
      fail_at(p, n->line, n->col, "unexpected private name #%s", n->a->s);
    return n; /* the caller's binary loop reads `in obj` */
  }
  case T_PUNCT:
    if (t->punct == '(')
      return parse_paren_or_arrow(p, false, t);
    if (t->punct == '[')
      return parse_array(p);
    if (t->punct == '{')
      return parse_object(p);
    if (t->punct == '/' || t->punct == P_DIV_ASSIGN) {
      rescan_regex(p);
      n = mk(p, N_REGEX, t);
      n->s = dupz(p, t->value, t->value_len);
      n->n = t->value_len;
      n->s2 = dupz(p, t->raw, t->raw_len);
      n->n2 = t->raw_len;
      next(p);
      return n;
    }
    unexpected(p);
  case T_NAME:
    if (!t->escaped) {
      if (is_name(p, "function")) {
        n = mk(p, N_FUNC, t);
        next(p);
        bool gen = eat(p, '*');
        if (p->tok.type == T_NAME && !is_p(p, '(')) {
          bool sa = p->in_async, sg = p->in_generator;
          p->in_generator = gen;
          p->in_async = false;
          n->a = binding_ident(p);
          p->in_async = sa;
          p->in_generator = sg;
        }
        return parse_function_rest(p, n, false, gen, false);
      }
      if (is_name(p, "async")) {
        token start = *t;
        size_t save_pos = p->pos;
        int save_line = p->line;
        size_t save_ls = p->line_start;
        next(p);
        if (is_name(p, "function") && !p->tok.nl_before) {
          n = mk(p, N_FUNC, &start);
          next(p);
          bool gen = eat(p, '*');
          if (p->tok.type == T_NAME && !is_p(p, '(')) {
            bool sa = p->in_async, sg = p->in_generator;
            p->in_generator = gen;
            p->in_async = true;
            n->a = binding_ident(p);
            p->in_async = sa;
            p->in_generator = sg;
          }
          return parse_function_rest(p, n, true, gen, false);
        }
        if (is_p(p, '(') && !p->tok.nl_before)
          return parse_paren_or_arrow(p, true, &start);
        if (p->tok.type == T_NAME && !p->tok.nl_before && !tok_is_reserved(p)) {
          /* async x => ... */
          node *param = binding_ident(p);
          if (!is_p(p, P_ARROW) || p->tok.nl_before)
            unexpected(p);
          next(p);
          n = mk(p, N_FUNC, &start);
          n->flags |= F_ARROW | F_ASYNC;
          n->list = param;
          return parse_arrow_body(p, n);
        }
        p->tok = start;
        p->pos = save_pos;
        p->line = save_line;
        p->line_start = save_ls;
        n = ident_from_tok(p);
        next(p);
        return n;
      }
      if (is_name(p, "class"))
        return parse_class(p, false);
      if (is_name(p, "this")) {
        n = mk(p, N_THIS, t);
        next(p);
        return n;
      }
      if (is_name(p, "null") || is_name(p, "true") || is_name(p, "false")) {
        n = mk(p, t->value[0] == 'n' ? N_NULL : t->value[0] == 't' ? N_TRUE : N_FALSE, t);
        next(p);
        return n;
      }
      if (is_name(p, "new")) {
        token start = *t;
        next(p);
        if (eat(p, '.')) {
          if (!is_name(p, "target"))
            unexpected(p);
          if (!p->in_function)
            fail_at(p, start.line, start.col, "new.target outside a function");
          next(p);
          return mk(p, N_NEW_TARGET, &start);
        }
        n = mk(p, N_NEW, &start);
        enter(p);
        /* the callee: a member expression without calls */
        node *callee;
        if (is_name(p, "new"))
          callee = parse_primary(p);
        else
          callee = parse_primary(p);
        if (callee->type == N_IMPORT_CALL) /* import() is no constructor call's callee */
          fail_at(p, callee->line, callee->col, "Cannot use new with import");
        for (;;) {
          if (is_p(p, '.')) {
            next(p);
            node *m = mk(p, N_MEMBER, &p->tok);
            m->a = callee;
            if (p->tok.type == T_PRIVATE) {
              m->b = mk(p, N_PRIVATE, &p->tok);
              m->b->s = dupz(p, p->tok.value, p->tok.value_len);
              m->b->n = p->tok.value_len;
            } else if (p->tok.type == T_NAME) {
              m->b = ident_from_tok(p);
            } else {
              unexpected(p);
            }
            next(p);
            callee = heighten(p, m, callee);
          } else if (is_p(p, '[')) {
            node *m = mk(p, N_MEMBER, &p->tok);
            next(p);
            m->a = callee;
            m->b = parse_expr(p, false);
            m->flags |= F_COMPUTED;
            expect(p, ']');
            callee = heighten(p, m, callee);
          } else if (p->tok.type == T_TEMPLATE) {
            callee = parse_template(p, callee);
          } else {
            break;
          }
        }
        leave(p);
        if (callee->type == N_CHAIN)
          fail_at(p, start.line, start.col, "invalid optional chain in new expression");
        n->a = callee;
        if (is_p(p, '('))
          n->list = parse_args(p);
        return heighten(p, n, callee);
      }
      if (is_name(p, "super")) {
        if (p->in_method <= 0)
          FAIL_TOK(p, "'super' keyword unexpected here");
        n = mk(p, N_SUPER, t);
        next(p);
        if (!is_p(p, '(') && !is_p(p, '.') && !is_p(p, '['))
          unexpected(p);
        return n;
      }
      if (is_name(p, "import")) {
        token start = *t;
        next(p);
        if (eat(p, '.')) {
          if (!is_name(p, "meta"))
            unexpected(p);
          if (!p->module)
            fail_at(p, start.line, start.col, "Cannot use 'import.meta' outside a module");
          next(p);
          p->prog_flags |= F_IMPORT_META;
          return mk(p, N_IMPORT_META, &start);
        }
        if (!is_p(p, '('))
          unexpected(p);
        next(p);
        /* import(specifier): one argument (ES2022; a trailing comma is allowed since) */
        n = mk(p, N_IMPORT_CALL, &start);
        if (is_p(p, ')'))
          FAIL_TOK(p, "import() requires a specifier");
        enter(p);
        n->a = parse_assign(p, false);
        leave(p);
        eat(p, ',');
        expect(p, ')');
        p->prog_flags |= F_DYNAMIC_IMPORT;
        return heighten(p, n, n->a);
      }
      if (tok_is_reserved(p))
        unexpected(p);
    }
    if (p->in_async && is_name(p, "await"))
      unexpected(p);
    if (p->in_generator && is_name(p, "yield"))
      unexpected(p);
    if (p->in_class_field && is_name(p, "arguments"))
      FAIL_TOK(p, "'arguments' is not allowed in class field initializer or static block");
    check_strict_name(p);
    n = ident_from_tok(p);
    next(p);
    if (is_p(p, P_ARROW) && !p->tok.nl_before) {
      next(p);
      node *fn = mk_at(p, N_FUNC, n);
      fn->flags |= F_ARROW;
      fn->list = n;
      return parse_arrow_body(p, fn);
    }
    return n;
  default:
    unexpected(p);
  }
}

/* Member accesses, calls, optional chains and tagged templates after a primary. */
static node *parse_subscripts(parser *p, node *e) {
  bool chain = false;
  for (;;) {
    if (is_p(p, '.') || is_p(p, P_OPT_DOT)) {
      bool opt = is_p(p, P_OPT_DOT);
      next(p);
      if (opt && is_p(p, '(')) {
        node *c = mk_at(p, N_CALL, e);
        c->a = e;
        c->flags |= F_OPTIONAL;
        c->list = parse_args(p);
        e = heighten(p, c, e);
        chain = true;
        continue;
      }
      if (opt && is_p(p, '[')) {
        next(p);
        node *m = mk_at(p, N_MEMBER, e);
        m->a = e;
        m->b = parse_expr(p, false);
        m->flags |= F_COMPUTED | F_OPTIONAL;
        expect(p, ']');
        e = heighten(p, m, e);
        chain = true;
        continue;
      }
      if (opt && p->tok.type == T_TEMPLATE)
        FAIL_TOK(p, "tagged template in an optional chain");
      node *m = mk_at(p, N_MEMBER, e);
      m->a = e;
      if (opt) {
        m->flags |= F_OPTIONAL;
        chain = true;
      }
      if (p->tok.type == T_PRIVATE) {
        m->b = mk(p, N_PRIVATE, &p->tok);
        m->b->s = dupz(p, p->tok.value, p->tok.value_len);
        m->b->n = p->tok.value_len;
      } else if (p->tok.type == T_NAME) {
        m->b = ident_from_tok(p);
      } else {
        unexpected(p);
      }
      next(p);
      e = heighten(p, m, e);
    } else if (is_p(p, '[')) {
      node *m = mk_at(p, N_MEMBER, e);
      next(p);
      m->a = e;
      m->b = parse_expr(p, false);
      m->flags |= F_COMPUTED;
      expect(p, ']');
      e = heighten(p, m, e);
    } else if (is_p(p, '(')) {
      node *c = mk_at(p, N_CALL, e);
      c->a = e;
      c->list = parse_args(p);
      e = heighten(p, c, e);
    } else if (p->tok.type == T_TEMPLATE) {
      if (chain)
        FAIL_TOK(p, "tagged template in an optional chain");
      e = parse_template(p, e);
    } else {
      break;
    }
  }
  if (chain) {
    node *c = mk_at(p, N_CHAIN, e);
    c->a = e;
    e = heighten(p, c, e);
  }
  return e;
}

static node *parse_lhs(parser *p) {
  enter(p);
  node *e = parse_primary(p);
  if (e->type == N_PRIVATE_IN) {
    leave(p);
    return e;
  }
  if (e->type == N_FUNC && (e->flags & F_ARROW)) {
    leave(p);
    return e;
  }
  e = parse_subscripts(p, e);
  leave(p);
  return e;
}

static bool is_assign_target(node *e) {
  return e->type == N_IDENT || e->type == N_MEMBER ||
         (e->type == N_PAREN && is_assign_target(e->a));
}

/* `#x in obj` is only ever the whole left operand of `in`: an operator that took `#x` as
 * its operand (`!#x in o`) would leave the `in` half unparsed (a fuzz finding: the
 * lowering then read a missing node and crashed). */
static node *no_private_in(parser *p, node *e) {
  if (e->type == N_PRIVATE_IN && !e->b)
    fail_at(p, e->line, e->col, "unexpected private name #%s", e->a->s);
  return e;
}

static node *parse_unary(parser *p) {
  token *t = &p->tok;
  int op = 0;
  if (t->type == T_PUNCT && (t->punct == '!' || t->punct == '~' || t->punct == '+' ||
                             t->punct == '-'))
    op = t->punct;
  else if (is_name(p, "typeof"))
    op = P_TYPEOF;
  else if (is_name(p, "void"))
    op = P_VOID;
  else if (is_name(p, "delete"))
    op = P_DELETE;
  if (op) {
    node *n = mk(p, N_UNARY, t);
    n->op = (uint16_t)op;
    next(p);
    enter(p);
    n->a = no_private_in(p, parse_unary(p));
    leave(p);
    if (is_p(p, P_EXP))
      unexpected(p);
    return heighten(p, n, n->a);
  }
  if (is_p(p, P_INC) || is_p(p, P_DEC)) {
    node *n = mk(p, N_UPDATE, t);
    n->op = (uint16_t)t->punct;
    n->flags |= F_PREFIX;
    next(p);
    enter(p);
    n->a = no_private_in(p, parse_unary(p));
    leave(p);
    if (!is_assign_target(n->a))
      fail_at(p, n->line, n->col, "invalid increment/decrement operand");
    return heighten(p, n, n->a);
  }
  if (p->in_async && is_name(p, "await")) {
    node *n = mk(p, N_AWAIT, t);
    if (!p->in_function)
      top_await(p);
    next(p);
    enter(p);
    n->a = no_private_in(p, parse_unary(p));
    leave(p);
    return heighten(p, n, n->a);
  }
  node *e = parse_lhs(p);
  if ((is_p(p, P_INC) || is_p(p, P_DEC)) && !p->tok.nl_before) {
    if (!is_assign_target(e))
      FAIL_TOK(p, "invalid increment/decrement operand");
    node *n = mk_at(p, N_UPDATE, e);
    n->op = (uint16_t)p->tok.punct;
    n->a = e;
    next(p);
    return heighten(p, n, e);
  }
  return e;
}

/* Binding power of a binary operator: ?? 1, || 2, && 3, | 4, ^ 5, & 6, equality 7,
 * relational 8, shift 9, additive 10, multiplicative 11, ** 12; 0 when not one. */
static int binary_prec(parser *p, bool no_in, int *op) {
  token *t = &p->tok;
  if (t->type == T_NAME && !t->escaped) {
    if (is_name(p, "instanceof")) {
      *op = P_INSTANCEOF;
      return 8;
    }
    if (!no_in && is_name(p, "in")) {
      *op = P_IN;
      return 8;
    }
    return 0;
  }
  if (t->type != T_PUNCT)
    return 0;
  *op = t->punct;
  switch (t->punct) {
  case P_NULLISH: return 1;
  case P_OR: return 2;
  case P_AND: return 3;
  case '|': return 4;
  case '^': return 5;
  case '&': return 6;
  case P_EQ2: case P_NE2: case P_EQ3: case P_NE3: return 7;
  case '<': case '>': case P_LE: case P_GE: return 8;
  case P_SHL: case P_SHR: case P_USHR: return 9;
  case '+': case '-': return 10;
  case '*': case '/': case '%': return 11;
  case P_EXP: return 12;
  default: return 0;
  }
}

static node *parse_binary(parser *p, int min_level, bool no_in) {
  node *left = parse_unary(p);
  for (;;) {
    int op = 0;
    int prec = binary_prec(p, no_in, &op);
    if (!prec)
      break;
    int level = prec;
    if (level < min_level)
      break;
    if (left->type == N_PRIVATE_IN && op != P_IN)
      unexpected(p);
    token at = p->tok;
    next(p);
    node *right;
    enter(p);
    if (op == P_EXP) {
      if (left->type == N_UNARY || left->type == N_AWAIT)
        fail_at(p, at.line, at.col, "unary operator before ** needs parentheses");
      right = parse_binary(p, level, no_in); /* right-associative */
    } else {
      right = parse_binary(p, level + 1, no_in);
    }
    leave(p);
    /* ?? does not mix with && or || without parentheses */
    if ((op == P_NULLISH && ((left->type == N_BINARY && (left->op == P_AND || left->op == P_OR)) ||
                             (right->type == N_BINARY && (right->op == P_AND || right->op == P_OR)))) ||
        ((op == P_AND || op == P_OR) &&
         ((left->type == N_BINARY && left->op == P_NULLISH) ||
          (right->type == N_BINARY && right->op == P_NULLISH))))
      fail_at(p, at.line, at.col, "cannot mix ?? with && or || without parentheses");
    if (left->type == N_PRIVATE_IN) {
      left->b = right;
      left->depth = right->depth + 1;
      continue;
    }
    node *b = mk(p, N_BINARY, &at);
    b->line = left->line;
    b->col = left->col;
    b->op = (uint16_t)op;
    b->a = left;
    b->b = right;
    heighten(p, b, left->depth > right->depth ? left : right);
    left = b;
  }
  if (left->type == N_PRIVATE_IN && !left->b)
    unexpected(p);
  return left;
}

static node *parse_conditional(parser *p, bool no_in) {
  node *test = parse_binary(p, 1, no_in);
  if (!is_p(p, '?'))
    return test;
  node *c = mk_at(p, N_COND, test);
  next(p);
  c->a = test;
  enter(p);
  c->b = parse_assign(p, false);
  expect(p, ':');
  c->c = parse_assign(p, no_in);
  leave(p);
  return c;
}

static bool is_assign_op(int punct) {
  return punct == '=' || (punct >= P_ADD_ASSIGN && punct <= P_NULLISH_ASSIGN);
}

static node *parse_assign(parser *p, bool no_in) {
  enter(p);
  if (p->in_generator && is_name(p, "yield")) {
    node *y = mk(p, N_YIELD, &p->tok);
    next(p);
    if (!p->tok.nl_before && eat(p, '*')) {
      y->flags |= F_DELEGATE;
      y->a = parse_assign(p, no_in);
    } else if (!p->tok.nl_before && !is_p(p, ')') && !is_p(p, ']') && !is_p(p, '}') &&
               !is_p(p, ',') && !is_p(p, ';') && !is_p(p, ':') && p->tok.type != T_EOF &&
               !(no_in && is_name(p, "in"))) {
      y->a = parse_assign(p, no_in);
    }
    leave(p);
    return y;
  }
  node *left = parse_conditional(p, no_in);
  if (p->tok.type == T_PUNCT && is_assign_op(p->tok.punct)) {
    int op = p->tok.punct;
    if (op == '=' && (left->type == N_OBJECT || left->type == N_ARRAY)) {
      to_pattern(p, left, false);
    } else if (!is_assign_target(left)) {
      fail_at(p, left->line, left->col, "invalid assignment target");
    }
    node *a = mk_at(p, N_ASSIGN, left);
    next(p);
    a->op = (uint16_t)op;
    a->a = left;
    a->b = parse_assign(p, no_in);
    a->depth = a->b->depth + 1;
    left = a;
  }
  leave(p);
  return left;
}

static node *parse_expr(parser *p, bool no_in) {
  node *e = parse_assign(p, no_in);
  if (!is_p(p, ','))
    return e;
  node *seq = mk_at(p, N_SEQ, e);
  node *head = e, *tail = e;
  uint32_t depth = e->depth;
  while (eat(p, ',')) {
    node *x = parse_assign(p, no_in);
    append(&head, &tail, x);
    if (x->depth > depth)
      depth = x->depth;
  }
  seq->list = head;
  seq->depth = depth + 1;
  return seq;
}

/* ---- patterns and functions ---- */

static node *parse_binding_target(parser *p) {
  enter(p);
  node *n;
  if (is_p(p, '[')) {
    n = parse_array(p);
    to_pattern(p, n, true);
  } else if (is_p(p, '{')) {
    n = parse_object(p);
    to_pattern(p, n, true);
  } else {
    n = binding_ident(p);
  }
  leave(p);
  return n;
}

/* A binding element: target with an optional default. */
static node *parse_binding_element(parser *p) {
  node *t = parse_binding_target(p);
  if (is_p(p, '=')) {
    node *a = mk(p, N_ASSIGN, &p->tok);
    next(p);
    a->op = '=';
    a->a = t;
    a->b = parse_assign(p, false);
    return a;
  }
  return t;
}

static bool body_has_use_strict(node *body) {
  for (node *s = body->list; s; s = s->next) {
    if (s->type != N_EXPR_STMT || s->a->type != N_STR)
      return false;
    if (s->a->n == 10 && memcmp(s->a->s, "use strict", 10) == 0 && s->c)
      return true;
  }
  return false;
}

static node *parse_function_rest(parser *p, node *fn, bool is_async, bool is_gen, bool is_method) {
  int saved_method = p->in_method;
  if (!is_method)
    p->in_method = 0;
  fn->flags |= (is_async ? F_ASYNC : 0) | (is_gen ? F_GENERATOR : 0) | (is_method ? F_METHOD : 0);
  bool sa = p->in_async, sg = p->in_generator, sf = p->in_function, scf = p->in_class_field;
  p->in_async = is_async;
  p->in_generator = is_gen;
  p->in_function = true;
  p->in_class_field = false;
  expect(p, '(');
  node *head = NULL, *tail = NULL;
  while (!eat(p, ')')) {
    node *e;
    if (is_p(p, P_ELLIPSIS)) {
      e = mk(p, N_SPREAD, &p->tok);
      next(p);
      e->a = parse_binding_target(p);
      append(&head, &tail, e);
      expect(p, ')');
      break;
    }
    e = parse_binding_element(p);
    append(&head, &tail, e);
    if (!is_p(p, ')'))
      expect(p, ',');
  }
  fn->list = head;
  bool ss = p->strict;
  if (is_p(p, '{') && prologue_is_strict(p, p->pos))
    p->strict = true;
  fn->b = parse_block(p);
  p->strict = ss;
  if (body_has_use_strict(fn->b))
    fn->flags |= F_STRICT;
  p->in_async = sa;
  p->in_generator = sg;
  p->in_function = sf;
  p->in_class_field = scf;
  p->in_method = saved_method;
  return fn;
}

static node *parse_class(parser *p, bool is_decl) {
  node *c = mk(p, N_CLASS, &p->tok);
  bool ss = p->strict; /* all of a class is strict code */
  p->strict = true;
  next(p); /* class */
  if (p->tok.type == T_NAME && !is_name(p, "extends"))
    c->a = binding_ident(p);
  else if (is_decl)
    unexpected(p);
  if (eat_name(p, "extends")) {
    enter(p);
    c->b = parse_lhs(p);
    leave(p);
  }
  expect(p, '{');
  node *head = NULL, *tail = NULL;
  while (!eat(p, '}')) {
    if (eat(p, ';'))
      continue;
    node *m = mk(p, N_MEMBER_DEF, &p->tok);
    bool is_async = false, is_gen = false;
    uint32_t kind = 0;
    /* modifiers are names only when a property name follows */
    if (is_name(p, "static")) {
      token save = p->tok;
      size_t sp = p->pos, sls = p->line_start;
      int sl = p->line;
      next(p);
      if (is_p(p, '{')) { /* static block */
        m->type = N_STATIC_BLOCK;
        bool sa = p->in_async, sg = p->in_generator, sf = p->in_function,
             scf = p->in_class_field;
        p->in_async = p->in_generator = false;
        p->in_function = true;
        p->in_class_field = true;
        p->in_method++;
        node *blk = parse_block(p);
        p->in_method--;
        p->in_async = sa;
        p->in_generator = sg;
        p->in_function = sf;
        p->in_class_field = scf;
        m->list = blk->list;
        append(&head, &tail, m);
        continue;
      }
      if (prop_name_follows(p) || is_p(p, '*'))
        m->flags |= F_STATIC;
      else {
        p->tok = save;
        p->pos = sp;
        p->line = sl;
        p->line_start = sls;
      }
    }
    if (is_name(p, "async") || is_name(p, "get") || is_name(p, "set")) {
      token save = p->tok;
      size_t sp = p->pos, sls = p->line_start;
      int sl = p->line;
      next(p);
      if ((prop_name_follows(p) || (save.value[0] == 'a' && is_p(p, '*'))) &&
          !(save.value[0] == 'a' && p->tok.nl_before)) {
        if (save.value[0] == 'a')
          is_async = true;
        else
          kind = save.value[0] == 'g' ? F_GET : F_SET;
      } else {
        p->tok = save;
        p->pos = sp;
        p->line = sl;
        p->line_start = sls;
      }
    }
    if (eat(p, '*'))
      is_gen = true;
    uint32_t flags = 0;
    m->a = parse_prop_name(p, &flags, true);
    m->flags |= flags;
    if (is_p(p, '(')) {
      m->flags |= kind ? kind : F_METHOD;
      bool is_ctor = !(m->flags & (F_STATIC | F_COMPUTED)) && m->a->type == N_IDENT &&
                     m->a->n == 11 && memcmp(m->a->s, "constructor", 11) == 0;
      if (is_ctor) {
        if (kind || is_async || is_gen)
          fail_at(p, m->line, m->col, "class constructor may not be an accessor, async or generator");
        m->flags |= F_CTOR;
      }
      m->b = parse_method(p, m->a, is_async, is_gen);
      if (is_ctor)
        m->b->flags |= F_CTOR;
      if (kind == F_GET && m->b->list)
        fail_at(p, m->line, m->col, "getter must not have parameters");
      if (kind == F_SET && (!m->b->list || m->b->list->next))
        fail_at(p, m->line, m->col, "setter must have exactly one parameter");
    } else {
      if (kind || is_async || is_gen)
        unexpected(p);
      m->flags |= F_FIELD;
      if (eat(p, '=')) {
        bool sa = p->in_async, sg = p->in_generator, sf = p->in_function,
             scf = p->in_class_field;
        p->in_async = p->in_generator = false;
        p->in_function = true;
        p->in_class_field = true;
        p->in_method++;
        m->b = parse_assign(p, false);
        p->in_method--;
        p->in_async = sa;
        p->in_generator = sg;
        p->in_function = sf;
        p->in_class_field = scf;
      }
      semicolon(p);
    }
    append(&head, &tail, m);
  }
  c->list = head;
  if (is_decl)
    c->flags |= F_DECL;
  p->strict = ss;
  return c;
}

/* ---- statements ---- */

static node *parse_block(parser *p) {
  node *b = mk(p, N_BLOCK, &p->tok);
  expect(p, '{');
  node *head = NULL, *tail = NULL;
  enter(p);
  while (!eat(p, '}')) {
    if (p->tok.type == T_EOF)
      unexpected(p);
    append(&head, &tail, parse_statement(p));
  }
  leave(p);
  b->list = head;
  return b;
}

static node *parse_var(parser *p, int kind, bool no_in, bool in_for) {
  node *v = mk(p, N_VAR, &p->tok);
  v->op = (uint16_t)kind;
  next(p);
  node *head = NULL, *tail = NULL;
  do {
    node *d = mk(p, N_DECLARATOR, &p->tok);
    d->a = parse_binding_target(p);
    if (eat(p, '='))
      d->b = parse_assign(p, no_in);
    else if (!in_for && (kind == K_CONST || d->a->type != N_IDENT))
      fail_at(p, d->line, d->col, kind == K_CONST ? "missing initializer in const declaration"
                                                   : "missing initializer in destructuring declaration");
    append(&head, &tail, d);
  } while (eat(p, ','));
  v->list = head;
  return v;
}

/* `let` starts a declaration when followed by an identifier, [ or {. */
static bool let_starts_decl(parser *p) {
  if (!is_name(p, "let"))
    return false;
  size_t i = p->pos;
  while (i < p->len && (p->src[i] == ' ' || p->src[i] == '\t' || p->src[i] == '\n' ||
                        p->src[i] == '\r'))
    i++;
  if (i >= p->len)
    return false;
  unsigned char c = (unsigned char)p->src[i];
  if (c == '[' || c == '{')
    return true;
  if (!(is_id_start_ascii(c) || c == '\\' || c >= 0x80))
    return false;
  static const char *const not_decl[] = {"in", "instanceof"};
  size_t j = i;
  while (j < p->len && is_id_part_ascii((unsigned char)p->src[j]))
    j++;
  for (size_t k = 0; k < EDGEFN_ARRAY_LEN(not_decl); k++)
    if (j - i == strlen(not_decl[k]) && memcmp(p->src + i, not_decl[k], j - i) == 0)
      return false;
  return true;
}

static node *parse_for(parser *p) {
  node *f = mk(p, N_FOR, &p->tok);
  next(p);
  bool is_await = false;
  if (is_name(p, "await")) {
    if (!p->in_async)
      unexpected(p);
    if (!p->in_function)
      top_await(p);
    is_await = true;
    next(p);
  }
  expect(p, '(');
  node *init = NULL;
  if (is_p(p, ';')) {
    /* no init */
  } else if (is_name(p, "var")) {
    init = parse_var(p, K_VAR, true, true);
  } else if (is_name(p, "const")) {
    init = parse_var(p, K_CONST, true, true);
  } else if (let_starts_decl(p)) {
    init = parse_var(p, K_LET, true, true);
  } else {
    bool starts_let = is_name(p, "let");
    bool starts_async = is_name(p, "async");
    init = parse_expr(p, true);
    if (is_name(p, "of")) {
      if (starts_let)
        unexpected(p);
      if (starts_async && init->type == N_IDENT && !is_await)
        fail_at(p, init->line, init->col, "for (async of ...) is not allowed");
    }
    if ((is_name(p, "of") || is_name(p, "in"))) {
      if (init->type == N_OBJECT || init->type == N_ARRAY)
        to_pattern(p, init, false);
      else if (!is_assign_target(init))
        fail_at(p, init->line, init->col, "invalid left-hand side in for loop");
    }
  }
  if (init && (is_name(p, "of") || is_name(p, "in"))) {
    bool of = is_name(p, "of");
    if (init->type == N_VAR) {
      if (init->list->next)
        fail_at(p, init->line, init->col, "only one variable may be declared in a for-%s loop",
                of ? "of" : "in");
      if (init->list->b && (of || init->op != K_VAR || init->list->a->type != N_IDENT))
        fail_at(p, init->line, init->col, "for-%s loop variable may not have an initializer",
                of ? "of" : "in");
    }
    next(p);
    f->type = of ? N_FOR_OF : N_FOR_IN;
    f->a = init;
    f->b = of ? parse_assign(p, false) : parse_expr(p, false);
    expect(p, ')');
    if (is_await)
      f->flags |= F_AWAIT;
    f->c = parse_statement(p);
    return f;
  }
  if (is_await)
    unexpected(p);
  if (init && init->type == N_VAR)
    for (node *d = init->list; d; d = d->next)
      if (!d->b && (init->op == K_CONST || d->a->type != N_IDENT))
        fail_at(p, d->line, d->col, "missing initializer in declaration");
  expect(p, ';');
  f->a = init;
  if (!is_p(p, ';'))
    f->b = parse_expr(p, false);
  expect(p, ';');
  if (!is_p(p, ')'))
    f->c = parse_expr(p, false);
  expect(p, ')');
  f->d = parse_statement(p);
  return f;
}

static void module_specifier(parser *p, node *n);

static node *parse_export(parser *p) {
  token at = p->tok;
  next(p);
  if (eat_name(p, "default")) {
    node *e = mk(p, N_EXPORT_DEFAULT, &at);
    if (is_name(p, "function") || is_name(p, "class") ||
        (is_name(p, "async") && p->pos < p->len)) {
      node *x = parse_assign(p, false);
      if (x->type == N_FUNC && !(x->flags & F_ARROW) && x->a) {
        x->flags |= F_DECL;
      } else if (x->type == N_CLASS && x->a) {
        x->flags |= F_DECL;
      } else {
        if (x->type == N_FUNC || x->type == N_CLASS) {
          /* anonymous default function/class: no semicolon needed */
        } else {
          semicolon(p);
        }
      }
      e->a = x;
      return e;
    }
    e->a = parse_assign(p, false);
    semicolon(p);
    return e;
  }
  node *e = mk(p, N_EXPORT_NAMED, &at);
  if (is_p(p, '{')) {
    next(p);
    node *head = NULL, *tail = NULL;
    node *reserved_local = NULL; /* the first local name that is a reserved word */
    while (!eat(p, '}')) {
      node *s = mk(p, N_SPECIFIER, &p->tok);
      if (p->tok.type != T_NAME)
        unexpected(p);
      s->a = ident_from_tok(p);
      if (!reserved_local &&
          (tok_is_reserved(p) || strict_reserved(p->tok.value, p->tok.value_len) ||
           is_name(p, "yield") || is_name(p, "await")))
        reserved_local = s->a;
      next(p);
      if (eat_name(p, "as")) {
        if (p->tok.type != T_NAME && p->tok.type != T_STR)
          unexpected(p);
        s->b = ident_from_tok(p);
        next(p);
      } else {
        s->b = s->a;
      }
      append(&head, &tail, s);
      if (!is_p(p, '}'))
        expect(p, ',');
    }
    e->list = head;
    if (eat_name(p, "from")) {
      module_specifier(p, e);
    } else if (reserved_local) {
      /* Without `from` the names are the module's own bindings (ES2022 16.2.3.1): a
       * reserved word cannot be one. With `from` they name another module's exports. */
      fail_at(p, reserved_local->line, reserved_local->col, "Unexpected reserved word");
    }
    semicolon(p);
    return e;
  }
  if (eat(p, '*')) {
    /* export * from 'm' (list empty) or export * as ns from 'm' (one specifier, a NULL) */
    e->flags |= F_SPREAD_PROP;
    if (eat_name(p, "as")) {
      node *s = mk(p, N_SPECIFIER, &p->tok);
      if (p->tok.type != T_NAME && p->tok.type != T_STR)
        unexpected(p);
      s->b = ident_from_tok(p);
      next(p);
      e->list = s;
    }
    if (!eat_name(p, "from"))
      unexpected(p);
    module_specifier(p, e);
    semicolon(p);
    return e;
  }
  node *decl = parse_statement(p);
  if (!((decl->type == N_VAR) || (decl->type == N_FUNC && decl->a) ||
        (decl->type == N_CLASS && decl->a)))
    fail_at(p, decl->line, decl->col, "unexpected export");
  e->a = decl;
  return e;
}

/* The module a declaration names: n->s/n->n, its position n->line/n->col. */
static void module_specifier(parser *p, node *n) {
  if (p->tok.type != T_STR)
    unexpected(p);
  n->s = dupz(p, p->tok.value, p->tok.value_len);
  n->n = p->tok.value_len;
  n->line = p->tok.line;
  n->col = p->tok.col;
  next(p);
}

/* import 'm'; import d, {a as b, c} from 'm'; import d, * as ns from 'm'. A default
 * import is the named import of "default"; a namespace import has a NULL imported name. */
static node *parse_import(parser *p) {
  node *e = mk(p, N_IMPORT, &p->tok);
  next(p);
  if (p->tok.type == T_STR) {
    module_specifier(p, e);
    semicolon(p);
    return e;
  }
  node *head = NULL, *tail = NULL;
  if (p->tok.type == T_NAME) {
    node *s = mk(p, N_SPECIFIER, &p->tok);
    s->a = mk(p, N_IDENT, &p->tok); /* at the local name: where errors point */
    s->b = binding_ident(p);
    s->a->s = "default";
    s->a->n = 7;
    append(&head, &tail, s);
    if (!eat(p, ','))
      goto from;
  }
  if (eat(p, '*')) {
    node *s = mk(p, N_SPECIFIER, &p->tok);
    if (!eat_name(p, "as"))
      unexpected(p);
    s->b = binding_ident(p);
    append(&head, &tail, s);
  } else {
    expect(p, '{');
    while (!eat(p, '}')) {
      node *s = mk(p, N_SPECIFIER, &p->tok);
      if (p->tok.type != T_NAME && p->tok.type != T_STR)
        unexpected(p);
      bool str = p->tok.type == T_STR;
      s->a = ident_from_tok(p);
      next(p);
      if (eat_name(p, "as")) {
        s->b = binding_ident(p);
      } else {
        if (str)
          unexpected(p);
        s->b = s->a;
      }
      append(&head, &tail, s);
      if (!is_p(p, '}'))
        expect(p, ',');
    }
  }
from:
  if (!eat_name(p, "from"))
    unexpected(p);
  e->list = head;
  module_specifier(p, e);
  semicolon(p);
  return e;
}

static node *parse_statement(parser *p) {
  enter(p);
  token *t = &p->tok;
  node *s = NULL;
  if (t->type == T_PUNCT) {
    if (t->punct == '{') {
      s = parse_block(p);
    } else if (t->punct == ';') {
      s = mk(p, N_EMPTY, t);
      next(p);
    }
  } else if (t->type == T_NAME && !t->escaped) {
    if (is_name(p, "var")) {
      s = parse_var(p, K_VAR, false, false);
      semicolon(p);
    } else if (is_name(p, "const")) {
      s = parse_var(p, K_CONST, false, false);
      semicolon(p);
    } else if (let_starts_decl(p)) {
      s = parse_var(p, K_LET, false, false);
      semicolon(p);
    } else if (is_name(p, "function")) {
      s = parse_primary(p);
      if (!s->a)
        fail_at(p, s->line, s->col, "function declaration needs a name");
      s->flags |= F_DECL;
    } else if (is_name(p, "async")) {
      /* async function declaration, or an expression statement starting with async */
      size_t i = p->pos;
      while (i < p->len && (p->src[i] == ' ' || p->src[i] == '\t'))
        i++;
      if (p->len - i >= 8 && memcmp(p->src + i, "function", 8) == 0 &&
          !(i + 8 < p->len && is_id_part_ascii((unsigned char)p->src[i + 8]))) {
        s = parse_primary(p);
        if (!s->a)
          fail_at(p, s->line, s->col, "function declaration needs a name");
        s->flags |= F_DECL;
      }
    } else if (is_name(p, "class")) {
      s = parse_class(p, true);
    } else if (is_name(p, "if")) {
      s = mk(p, N_IF, t);
      next(p);
      expect(p, '(');
      s->a = parse_expr(p, false);
      expect(p, ')');
      s->b = parse_statement(p);
      if (eat_name(p, "else"))
        s->c = parse_statement(p);
    } else if (is_name(p, "for")) {
      s = parse_for(p);
    } else if (is_name(p, "while")) {
      s = mk(p, N_WHILE, t);
      next(p);
      expect(p, '(');
      s->a = parse_expr(p, false);
      expect(p, ')');
      s->b = parse_statement(p);
    } else if (is_name(p, "do")) {
      s = mk(p, N_DO, t);
      next(p);
      s->b = parse_statement(p);
      if (!eat_name(p, "while"))
        unexpected(p);
      expect(p, '(');
      s->a = parse_expr(p, false);
      expect(p, ')');
      eat(p, ';');
    } else if (is_name(p, "return")) {
      if (!p->in_function)
        FAIL_TOK(p, "return outside a function");
      s = mk(p, N_RETURN, t);
      next(p);
      if (!is_p(p, ';') && !is_p(p, '}') && !p->tok.nl_before && p->tok.type != T_EOF)
        s->a = parse_expr(p, false);
      semicolon(p);
    } else if (is_name(p, "break") || is_name(p, "continue")) {
      s = mk(p, t->value[0] == 'b' ? N_BREAK : N_CONTINUE, t);
      next(p);
      if (p->tok.type == T_NAME && !p->tok.nl_before && !tok_is_reserved(p)) {
        s->s = dupz(p, p->tok.value, p->tok.value_len);
        s->n = p->tok.value_len;
        next(p);
      }
      semicolon(p);
    } else if (is_name(p, "throw")) {
      s = mk(p, N_THROW, t);
      next(p);
      if (p->tok.nl_before)
        FAIL_TOK(p, "illegal newline after throw");
      s->a = parse_expr(p, false);
      semicolon(p);
    } else if (is_name(p, "try")) {
      s = mk(p, N_TRY, t);
      next(p);
      s->a = parse_block(p);
      if (eat_name(p, "catch")) {
        if (eat(p, '(')) {
          s->b = parse_binding_target(p);
          expect(p, ')');
        }
        s->c = parse_block(p);
      }
      if (eat_name(p, "finally"))
        s->d = parse_block(p);
      if (!s->c && !s->d)
        FAIL_TOK(p, "missing catch or finally after try");
    } else if (is_name(p, "switch")) {
      s = mk(p, N_SWITCH, t);
      next(p);
      expect(p, '(');
      s->a = parse_expr(p, false);
      expect(p, ')');
      expect(p, '{');
      node *head = NULL, *tail = NULL;
      bool seen_default = false;
      while (!eat(p, '}')) {
        node *c = mk(p, N_CASE, &p->tok);
        if (eat_name(p, "case")) {
          c->a = parse_expr(p, false);
        } else if (is_name(p, "default")) {
          if (seen_default)
            FAIL_TOK(p, "more than one default clause in switch");
          seen_default = true;
          next(p);
        } else {
          unexpected(p);
        }
        expect(p, ':');
        node *bh = NULL, *bt = NULL;
        while (!is_p(p, '}') && !is_name(p, "case") && !is_name(p, "default")) {
          if (p->tok.type == T_EOF)
            unexpected(p);
          append(&bh, &bt, parse_statement(p));
        }
        c->list = bh;
        append(&head, &tail, c);
      }
      s->list = head;
    } else if (is_name(p, "debugger")) {
      s = mk(p, N_DEBUGGER, t);
      next(p);
      semicolon(p);
    } else if (is_name(p, "with")) {
      FAIL_TOK(p, "'with' statements are not supported");
    } else if (is_name(p, "export")) {
      if (p->in_function || p->depth > 1)
        FAIL_TOK(p, "export is only allowed at the top level of a module");
      s = parse_export(p);
      p->prog_flags |= F_MODULE_SYNTAX;
    } else if (is_name(p, "import") && p->pos < p->len && p->src[p->pos] != '(' &&
               p->src[p->pos] != '.') {
      if (p->in_function || p->depth > 1)
        FAIL_TOK(p, "import is only allowed at the top level of a module");
      s = parse_import(p);
      p->prog_flags |= F_MODULE_SYNTAX;
    } else if (!tok_is_reserved(p)) {
      /* label? */
      size_t i = p->pos;
      while (i < p->len && (p->src[i] == ' ' || p->src[i] == '\t'))
        i++;
      if (i < p->len && p->src[i] == ':' && !(p->in_async && is_name(p, "await")) &&
          !(p->in_generator && is_name(p, "yield"))) {
        s = mk(p, N_LABELED, t);
        s->s = dupz(p, t->value, t->value_len);
        s->n = t->value_len;
        next(p);
        expect(p, ':');
        if (is_name(p, "function"))
          FAIL_TOK(p, "labelled function declarations are not supported");
        s->a = parse_statement(p);
      }
    }
  }
  if (!s) {
    s = mk(p, N_EXPR_STMT, t);
    bool directive_candidate = t->type == T_STR;
    size_t str_start = t->start, str_end = t->end;
    s->a = parse_expr(p, false);
    /* a string alone is a directive candidate; c marks it raw-unescaped */
    if (directive_candidate && s->a->type == N_STR && str_end - str_start == s->a->n + 2 &&
        memcmp(p->src + str_start + 1, s->a->s, s->a->n) == 0)
      s->c = s->a;
    semicolon(p);
  }
  leave(p);
  return s;
}

node *edgefn__parse(arena *a, const char *src, size_t len, bool module, parse_error *e) {
  parser p;
  memset(&p, 0, sizeof(p));
  p.module = module;
  p.in_async = module; /* top-level await */
  p.ar = a;
  p.src = src;
  p.len = len;
  p.line = 1;
  p.cc_col = 1;
  p.err = e;
  jmp_buf *saved = a->oom;
  if (setjmp(p.jb)) {
    a->oom = saved;
    return NULL;
  }
  a->oom = saved ? saved : &p.jb;
  /* The source must be UTF-8 (Duktape reads the lowered text as UTF-8 too); surrogates
   * encoded on their own (CESU-8) are accepted, as Duktape does. */
  for (size_t i = 0; i < len;) {
    unsigned char c = (unsigned char)src[i];
    size_t n = c < 0x80 ? 1 : (c >= 0xC2 && c <= 0xDF) ? 2 : (c >= 0xE0 && c <= 0xEF) ? 3
                                                   : (c >= 0xF0 && c <= 0xF4) ? 4 : 0;
    bool ok = n > 0 && i + n <= len;
    for (size_t k = 1; ok && k < n; k++)
      ok = ((unsigned char)src[i + k] & 0xC0) == 0x80;
    /* No overlong forms (a fuzz finding: E0 80 AF, a 3-byte '/', reached Duktape, which
     * decoded it as a slash) and nothing above U+10FFFF. */
    if (ok && n > 2) {
      unsigned char c1 = (unsigned char)src[i + 1];
      ok = !(c == 0xE0 && c1 < 0xA0) && !(c == 0xF0 && c1 < 0x90) && !(c == 0xF4 && c1 > 0x8F);
    }
    if (!ok) {
      p.pos = i;
      fail_at(&p, p.line, col_of(&p, i), "invalid UTF-8 in source");
    }
    if (c == '\n') {
      p.line++;
      p.line_start = i + 1;
    }
    i += n;
  }
  p.line = 1;
  p.line_start = 0;
  p.cc_line_start = 0;
  p.cc_pos = 0;
  p.cc_col = 1;
  /* A byte-order mark is whitespace. */
  if (len >= 3 && memcmp(src, "\xEF\xBB\xBF", 3) == 0)
    p.pos = 3;
  p.line_start = 0;
  p.strict = module || prologue_is_strict(&p, p.pos);
  next(&p);
  node *prog = mk(&p, N_PROGRAM, &p.tok);
  node *head = NULL, *tail = NULL;
  while (p.tok.type != T_EOF)
    append(&head, &tail, parse_statement(&p));
  prog->list = head;
  prog->flags |= p.prog_flags;
  prog->n = (uint32_t)p.tla_line; /* the first top-level await, when F_TOP_AWAIT */
  prog->n2 = (uint32_t)p.tla_col;
  a->oom = saved;
  return prog;
}
