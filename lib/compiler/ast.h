/* The compiler's syntax tree, arena and lexer/parser interface (lib/compiler/parse.c),
 * shared with the lowering pass (lib/compiler/lower.c). */
#ifndef EDGEFN_COMPILER_AST_H
#define EDGEFN_COMPILER_AST_H

#include "core/core.h"

#include <setjmp.h>

#include <edgefn/limits.h>

/* Whether Duktape, which compiles the lowered text, takes code point cp as an identifier's
 * first character (start) or a later one: its own Unicode tables (lib/duktape/internals.c),
 * so that an escape the compiler decodes into an identifier is one Duktape reads back as
 * part of that identifier. */
bool edgefn__duk_unicode_identifier(long cp, bool start);

/* Everything the compiler allocates lives in one arena freed at the end. */
typedef struct arena_block arena_block;
typedef struct arena {
  arena_block *head;
  char *cur, *end;
  jmp_buf *oom; /* longjmp target when malloc fails */
} arena;
void *edgefn__arena_alloc(arena *a, size_t n);
void edgefn__arena_free(arena *a);

enum node_type {
  N_PROGRAM = 1,
  /* statements */
  N_VAR,      /* op: K_VAR/K_LET/K_CONST; list: N_DECLARATOR(a target, b init) */
  N_DECLARATOR,
  N_FUNC,     /* a: id or NULL; list: params; b: body (N_BLOCK, or expression if F_EXPR_BODY) */
  N_CLASS,    /* a: id; b: superclass; list: members */
  N_MEMBER_DEF, /* a: key; b: value (function or field initializer); flags M_* */
  N_STATIC_BLOCK, /* list: statements */
  N_RETURN, N_IF, N_FOR, N_FOR_IN, N_FOR_OF, N_WHILE, N_DO, N_BREAK, N_CONTINUE, N_THROW,
  N_TRY,      /* a: block; b: catch param or NULL; c: catch body or NULL; d: finally */
  N_SWITCH,   /* a: discriminant; list: N_CASE(a test or NULL, list body) */
  N_CASE,
  N_LABELED,  /* s: label; a: statement */
  N_BLOCK, N_EXPR_STMT, N_EMPTY, N_DEBUGGER,
  N_EXPORT_DEFAULT, /* a: expression or declaration */
  N_EXPORT_NAMED,   /* a: declaration, or list: N_SPECIFIER(a local, b exported) */
  N_IMPORT,         /* s: module; list: N_SPECIFIER(a imported or NULL for default/ns, b local) */
  N_SPECIFIER,
  /* expressions */
  N_IDENT, N_NUM, N_STR, N_TEMPLATE, /* TEMPLATE: list alternating N_QUASI and expressions; a: tag */
  N_QUASI,  /* s: cooked (NULL if invalid escape), s2: raw */
  N_REGEX,  /* s: pattern, s2: flags */
  N_THIS, N_SUPER, N_NULL, N_TRUE, N_FALSE, N_NEW_TARGET,
  N_ARRAY,  /* list; N_HOLE for elisions */
  N_HOLE,
  N_OBJECT, /* list: N_PROP(a key, b value; flags P_*) */
  N_PROP,
  N_UNARY,  /* op, a */
  N_UPDATE, /* op, a, flags F_PREFIX */
  N_BINARY, /* op, a, b (includes && || ??) */
  N_ASSIGN, /* op, a, b */
  N_COND, N_CALL, /* a callee; list args; F_OPTIONAL */
  N_NEW,     /* a callee; list args */
  N_MEMBER,  /* a object; b property (N_IDENT name, N_PRIVATE, or expression if F_COMPUTED) */
  N_PRIVATE, /* s: name without # */
  N_CHAIN,   /* a: an optional chain's outermost link */
  N_SEQ, N_SPREAD, N_YIELD, N_AWAIT, N_PAREN,
  N_PRIVATE_IN, /* a: N_PRIVATE; b: object */
  N_IMPORT_CALL, /* import(a) */
  N_IMPORT_META, /* import.meta (modules only) */
};

/* node flags */
#define F_ASYNC 0x1u
#define F_GENERATOR 0x2u
#define F_ARROW 0x4u
#define F_EXPR_BODY 0x8u
#define F_METHOD 0x10u      /* function is a method (object literal or class) */
#define F_DECL 0x20u        /* function/class declaration */
#define F_COMPUTED 0x40u
#define F_OPTIONAL 0x80u    /* ?. on this link */
#define F_PREFIX 0x100u
#define F_DELEGATE 0x200u   /* yield* */
#define F_AWAIT 0x400u      /* for await */
#define F_SHORTHAND 0x800u
#define F_STATIC 0x1000u
#define F_GET 0x2000u
#define F_SET 0x4000u
#define F_FIELD 0x8000u
#define F_TAIL 0x10000u
#define F_CTOR 0x20000u     /* class constructor */
#define F_SPREAD_PROP 0x40000u
#define F_STRICT 0x80000u   /* function body has "use strict" */
/* on N_PROGRAM: what the program uses */
#define F_TOP_AWAIT 0x100000u     /* await or for await at the top level (module goal) */
#define F_MODULE_SYNTAX 0x200000u /* import or export declarations */
#define F_IMPORT_META 0x400000u
#define F_DYNAMIC_IMPORT 0x800000u

enum { K_VAR = 1, K_LET, K_CONST };

typedef struct node node;
struct node {
  uint16_t type;
  uint16_t op;
  uint32_t flags;
  uint32_t depth; /* height of the subtree, bounded by EDGEFN_COMPILER_MAX_DEPTH */
  int line, col;
  node *a, *b, *c, *d;
  node *list, *next;
  const char *s, *s2;
  uint32_t n, n2;
  void *aux; /* the lowering pass's per-node data */
};

/* Punctuator ids: single characters are their own code; multi-character ones follow. */
enum {
  P_ELLIPSIS = 256, P_EQ3, P_NE3, P_EQ2, P_NE2, P_LE, P_GE, P_AND, P_OR, P_NULLISH,
  P_OPT_DOT, P_INC, P_DEC, P_SHL, P_SHR, P_USHR, P_EXP, P_ARROW,
  P_ADD_ASSIGN, P_SUB_ASSIGN, P_MUL_ASSIGN, P_DIV_ASSIGN, P_MOD_ASSIGN, P_AND_ASSIGN,
  P_OR_ASSIGN, P_XOR_ASSIGN, P_SHL_ASSIGN, P_SHR_ASSIGN, P_USHR_ASSIGN, P_EXP_ASSIGN,
  P_LAND_ASSIGN, P_LOR_ASSIGN, P_NULLISH_ASSIGN,
  /* word operators in N_UNARY / N_BINARY */
  P_TYPEOF, P_VOID, P_DELETE, P_IN, P_INSTANCEOF,
  P_LAST
};
const char *edgefn__punct_text(int p);

typedef struct parse_error {
  int line, col;
  char msg[256];
  bool module_syntax; /* an import or export declaration came before the error */
} parse_error;

/* Parses a whole source text as a script or (module) with the module goal: top-level
 * await and import.meta. NULL on error with *e filled. */
node *edgefn__parse(arena *a, const char *src, size_t len, bool module, parse_error *e);

#endif
