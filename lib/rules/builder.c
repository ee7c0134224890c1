/* The rules builder: checks each condition when it is added, keeps copies, and lays the
 * whole set out in one immutable block at build time. */
#include "rules.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* The first published layout of edgefn_rule_condition ends at value_count. */
#define COND_MIN_OK(c) EDGEFN_MIN_SIZE_OK(c, edgefn_rule_condition, value_count)

typedef struct bcond {
  int field, op;
  uint32_t flags;
  char *name;
  char **values;
  size_t value_count;
  unsigned cost;
} bcond;

typedef struct bgroup {
  bcond *conds;
  size_t count, cap;
} bgroup;

typedef struct brule {
  char *function;
  bgroup *groups;
  size_t count, cap;
} brule;

struct edgefn_rules_builder {
  brule *rules;
  size_t count, cap;
  /* Set by the first failed add: such a builder never builds, so a rule cannot silently lose
   * a condition and then match more requests than its author meant. */
  int failed;
  char error[512];
};

static int grow(void **items, size_t *cap, size_t count, size_t size) {
  if (count < *cap)
    return 0;
  size_t n = *cap ? *cap * 2 : 4;
  void *p = realloc(*items, n * size);
  if (!p)
    return -1;
  *items = p;
  *cap = n;
  return 0;
}

static int fail(edgefn_rules_builder *b, int code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static int fail(edgefn_rules_builder *b, int code, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(b->error, sizeof(b->error), fmt, ap);
  va_end(ap);
  b->failed = code;
  return code;
}

int edgefn_rules_builder_new(edgefn_rules_builder **out) {
  if (!out)
    return EDGEFN_EINVAL;
  *out = calloc(1, sizeof(**out));
  return *out ? 0 : EDGEFN_ENOMEM;
}

static void bcond_clear(bcond *c) {
  free(c->name);
  for (size_t i = 0; i < c->value_count; i++)
    free(c->values[i]);
  free(c->values);
}

void edgefn_rules_builder_free(edgefn_rules_builder *b) {
  if (!b)
    return;
  for (size_t r = 0; r < b->count; r++) {
    brule *rule = &b->rules[r];
    for (size_t g = 0; g < rule->count; g++) {
      for (size_t c = 0; c < rule->groups[g].count; c++)
        bcond_clear(&rule->groups[g].conds[c]);
      free(rule->groups[g].conds);
    }
    free(rule->groups);
    free(rule->function);
  }
  free(b->rules);
  free(b);
}

const char *edgefn_rules_builder_last_error(const edgefn_rules_builder *b) {
  return b ? b->error : "builder is NULL";
}

int edgefn_rules_builder_add_rule(edgefn_rules_builder *b, const char *function_name) {
  if (!b)
    return EDGEFN_EINVAL;
  if (!function_name || !*function_name)
    return fail(b, EDGEFN_EINVAL, "rule %zu: function: a function name is needed", b->count);
  if (grow((void **)&b->rules, &b->cap, b->count, sizeof(brule)) != 0)
    return fail(b, EDGEFN_ENOMEM, "rule %zu: out of memory", b->count);
  brule *r = &b->rules[b->count];
  memset(r, 0, sizeof(*r));
  r->function = strdup(function_name);
  r->groups = calloc(1, sizeof(bgroup));
  if (!r->function || !r->groups) {
    free(r->function);
    free(r->groups);
    return fail(b, EDGEFN_ENOMEM, "rule %zu: out of memory", b->count);
  }
  r->count = r->cap = 1;
  b->count++;
  return 0;
}

int edgefn_rules_builder_add_group(edgefn_rules_builder *b) {
  if (!b)
    return EDGEFN_EINVAL;
  if (b->count == 0)
    return fail(b, EDGEFN_ESTATE, "add_group: no rule yet (call add_rule first)");
  brule *r = &b->rules[b->count - 1];
  /* The group add_rule opened is still empty: use it rather than leave an empty group behind,
   * which would match every request. */
  if (r->groups[r->count - 1].count == 0)
    return 0;
  if (grow((void **)&r->groups, &r->cap, r->count, sizeof(bgroup)) != 0)
    return fail(b, EDGEFN_ENOMEM, "rule %zu: out of memory", b->count - 1);
  memset(&r->groups[r->count++], 0, sizeof(bgroup));
  return 0;
}

const char *edgefn__rl_field_name(int field) {
  static const char *const names[] = {NULL,     "host",      "path",     "url",
                                      "query",  "extension", "filename", "header",
                                      "method", "country",   "region",   "clientIp"};
  return field >= 1 && field < (int)EDGEFN_ARRAY_LEN(names) ? names[field] : "?";
}

/* RFC 9110 token characters, for header names. */
static int is_tchar(unsigned char c) { return edgefn__is_tchar(c); }

/* Where in the condition a problem lies, and why; filled by check_condition. */
typedef struct problem {
  char where[32];
  char why[400];
} problem;

static int bad(problem *p, int code, const char *where, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static int bad(problem *p, int code, const char *where, const char *fmt, ...) {
  snprintf(p->where, sizeof(p->where), "%s", where);
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(p->why, sizeof(p->why), fmt, ap);
  va_end(ap);
  return code;
}

static uint32_t regex_options(int field, uint32_t flags) {
  uint32_t o = PCRE2_UTF | PCRE2_MATCH_INVALID_UTF;
  if ((flags & EDGEFN_RULE_CASELESS) || field == EDGEFN_RULE_HOST)
    o |= PCRE2_CASELESS;
  return o;
}

static int check_value(const edgefn_rule_condition *c, size_t i, problem *p) {
  char where[32];
  snprintf(where, sizeof(where), "values[%zu]", i);
  const char *v = c->values[i];
  if (!v)
    return bad(p, EDGEFN_EINVAL, where, "value is NULL");
  size_t len = strlen(v);
  if (len > UINT32_MAX / 2)
    return bad(p, EDGEFN_EINVAL, where, "value is too long");
  if (c->field == EDGEFN_RULE_CLIENT_IP) {
    rl_cidr cidr;
    if (edgefn__rl_parse_cidr(v, len, &cidr) != 0)
      return bad(p, EDGEFN_EINVAL, where, "'%.80s' is not an IP address or CIDR block", v);
    return 0;
  }
  if (c->op == EDGEFN_RULE_REGEX) {
    if (len == 0)
      return bad(p, EDGEFN_EINVAL, where, "an empty regex matches everything; use exists");
    int ec;
    PCRE2_SIZE off;
    pcre2_code *re =
        pcre2_compile((PCRE2_SPTR)v, len, regex_options(c->field, c->flags), &ec, &off, NULL);
    if (!re) {
      PCRE2_UCHAR msg[256];
      if (pcre2_get_error_message(ec, msg, sizeof(msg)) < 0)
        snprintf((char *)msg, sizeof(msg), "error %d", ec);
      return bad(p, ec == PCRE2_ERROR_NOMEMORY ? EDGEFN_ENOMEM : EDGEFN_EINVAL, where,
                 "bad regex at offset %zu: %s", (size_t)off, (const char *)msg);
    }
    pcre2_code_free(re);
    return 0;
  }
  if (c->op == EDGEFN_RULE_PREFIX && len == 0)
    return bad(p, EDGEFN_EINVAL, where, "an empty prefix matches everything; use exists");
  /* Values that can never match are typos; say so rather than build a dead rule. */
  int literal =
      c->op == EDGEFN_RULE_EQUALS || c->op == EDGEFN_RULE_NOT_EQUALS || c->op == EDGEFN_RULE_PREFIX;
  if (literal && c->field == EDGEFN_RULE_PATH && v[0] != '/')
    return bad(p, EDGEFN_EINVAL, where, "'%.80s': path values begin with '/'", v);
  if (literal && c->field == EDGEFN_RULE_EXTENSION && v[0] == '.')
    return bad(p, EDGEFN_EINVAL, where, "'%.80s': extensions are given without the dot", v);
  if (literal && c->field == EDGEFN_RULE_HOST && v[0] != '[' && strchr(v, ':'))
    return bad(p, EDGEFN_EINVAL, where, "'%.80s': the host field has no port", v);
  return 0;
}

/* Checks everything about a condition that can be checked without the request. */
static int check_condition(const edgefn_rule_condition *c, problem *p) {
  if (c->field < EDGEFN_RULE_HOST || c->field > EDGEFN_RULE_CLIENT_IP)
    return bad(p, EDGEFN_EINVAL, "field", "unknown field %d", c->field);
  if (c->op < EDGEFN_RULE_EQUALS || c->op > EDGEFN_RULE_REGEX)
    return bad(p, EDGEFN_EINVAL, "operator", "unknown operator %d", c->op);
  if (c->flags & ~EDGEFN_RULE_CASELESS)
    return bad(p, EDGEFN_EINVAL, "flags", "unknown flags 0x%x", (unsigned)c->flags);
  int named = c->field == EDGEFN_RULE_QUERY || c->field == EDGEFN_RULE_HEADER;
  if (named && (!c->name || !*c->name))
    return bad(p, EDGEFN_EINVAL, "name", "%s conditions need a name",
               edgefn__rl_field_name(c->field));
  if (!named && c->name)
    return bad(p, EDGEFN_EINVAL, "name", "only query and header conditions take a name");
  if (c->field == EDGEFN_RULE_HEADER)
    for (const char *s = c->name; *s; s++)
      if (!is_tchar((unsigned char)*s))
        return bad(p, EDGEFN_EINVAL, "name", "'%.80s' is not a valid header name", c->name);
  if (c->field == EDGEFN_RULE_CLIENT_IP && c->op != EDGEFN_RULE_EQUALS &&
      c->op != EDGEFN_RULE_NOT_EQUALS && c->op != EDGEFN_RULE_EXISTS &&
      c->op != EDGEFN_RULE_NOT_EXISTS)
    return bad(p, EDGEFN_EINVAL, "operator",
               "clientIp takes equals or notEquals with addresses or CIDR blocks, or exists");
  if (c->op == EDGEFN_RULE_EXISTS || c->op == EDGEFN_RULE_NOT_EXISTS) {
    if (c->value_count)
      return bad(p, EDGEFN_EINVAL, "values", "%s takes no values",
                 c->op == EDGEFN_RULE_EXISTS ? "exists" : "notExists");
    return 0;
  }
  if (c->value_count == 0 || !c->values)
    return bad(p, EDGEFN_EINVAL, "values", "at least one value is needed");
  for (size_t i = 0; i < c->value_count; i++) {
    int rc = check_value(c, i, p);
    if (rc)
      return rc;
  }
  return 0;
}

/* A rough cost so that a group tests cheap conditions first (AND does not care about
 * order). Lookups by name cost more than URL parts; regexes cost most. */
static unsigned cond_cost(const edgefn_rule_condition *c) {
  static const unsigned field_cost[] = {0, 2, 2, 3, 6, 2, 2, 5, 1, 1, 1, 4};
  unsigned cost = field_cost[c->field] * 4;
  if (c->op == EDGEFN_RULE_REGEX)
    cost += 100 * (unsigned)(c->value_count < 10 ? c->value_count : 10);
  else if (c->op == EDGEFN_RULE_WILDCARD)
    cost += 8 * (unsigned)(c->value_count < 10 ? c->value_count : 10);
  else
    cost += (unsigned)(c->value_count < 10 ? c->value_count : 10);
  return cost;
}

int edgefn_rules_builder_add_condition(edgefn_rules_builder *b, const edgefn_rule_condition *c) {
  if (!b)
    return EDGEFN_EINVAL;
  if (b->count == 0)
    return fail(b, EDGEFN_ESTATE, "add_condition: no rule yet (call add_rule first)");
  brule *r = &b->rules[b->count - 1];
  bgroup *g = &r->groups[r->count - 1];
  size_t ri = b->count - 1, gi = r->count - 1, ci = g->count;
  if (!c)
    return fail(b, EDGEFN_EINVAL, "rule %zu: match[%zu][%zu]: condition is NULL", ri, gi, ci);
  if (!COND_MIN_OK(c))
    return fail(b, EDGEFN_EVERSION, "rule %zu: match[%zu][%zu]: struct_size %u is too small", ri,
                gi, ci, (unsigned)c->struct_size);
  problem p = {"", ""};
  int rc = check_condition(c, &p);
  if (rc)
    return fail(b, rc, "rule %zu: match[%zu][%zu].%s: %s", ri, gi, ci, p.where, p.why);
  if (grow((void **)&g->conds, &g->cap, g->count, sizeof(bcond)) != 0)
    return fail(b, EDGEFN_ENOMEM, "rule %zu: out of memory", ri);
  bcond *bc = &g->conds[g->count];
  memset(bc, 0, sizeof(*bc));
  bc->field = c->field;
  bc->op = c->op;
  bc->flags = c->flags;
  bc->cost = cond_cost(c);
  int oom = 0;
  if (c->name && !(bc->name = strdup(c->name)))
    oom = 1;
  if (!oom && c->value_count) {
    bc->values = calloc(c->value_count, sizeof(char *));
    oom = !bc->values;
    for (size_t i = 0; !oom && i < c->value_count; i++) {
      bc->values[i] = strdup(c->values[i]);
      oom = !bc->values[i];
      bc->value_count = i + 1;
    }
  }
  if (oom) {
    bcond_clear(bc);
    return fail(b, EDGEFN_ENOMEM, "rule %zu: out of memory", ri);
  }
  g->count++;
  return 0;
}

/* ---- build ---- */

/* Bump allocation inside the block; sizes were added up beforehand with the same calls. */
typedef struct layout {
  char *base;
  size_t used;
} layout;

static void *take(layout *l, size_t size, size_t align) {
  l->used = (l->used + align - 1) & ~(align - 1);
  void *p = l->base ? l->base + l->used : NULL;
  l->used += size;
  return p;
}

static const char *take_str(layout *l, const char *s, size_t len, int lower) {
  char *p = take(l, len + 1, 1);
  if (p) {
    for (size_t i = 0; i < len; i++)
      p[i] = lower ? (char)edgefn__ascii_lower((unsigned char)s[i]) : s[i];
    p[len] = '\0';
  }
  return p;
}

/* Distinct header and query names, collected before the layout. */
typedef struct keyset {
  const char **names;
  size_t count, cap;
} keyset;

static int key_index(keyset *k, const char *name, int caseless, size_t *index) {
  for (size_t i = 0; i < k->count; i++)
    if (caseless ? strcasecmp(k->names[i], name) == 0 : strcmp(k->names[i], name) == 0) {
      *index = i;
      return 0;
    }
  if (grow((void **)&k->names, &k->cap, k->count, sizeof(char *)) != 0)
    return -1;
  k->names[k->count] = name;
  *index = k->count++;
  return 0;
}

static void classify_wildcard(const char *v, size_t len, rl_value *out) {
  size_t stars = 0, star_at = 0;
  for (size_t i = 0; i < len; i++) {
    if (v[i] == '?') {
      out->kind = RL_V_WILDCARD;
      return;
    }
    if (v[i] == '*') {
      stars++;
      star_at = i;
    }
  }
  if (stars == 0)
    out->kind = RL_V_EQUALS;
  else if (stars == 1 && star_at == len - 1)
    out->kind = RL_V_PREFIX, out->len = (uint32_t)(len - 1);
  else if (stars == 1 && star_at == 0)
    out->kind = RL_V_SUFFIX, out->s++, out->len = (uint32_t)(len - 1);
  else
    out->kind = RL_V_WILDCARD;
}

static void rules_destroy(edgefn_rules *r) {
  for (size_t i = 0; i < r->regex_count; i++)
    pcre2_code_free(r->regexes[i]);
  pcre2_match_context_free(r->mctx);
  free(r);
}

/* For a pattern "^lit..." whose literal start every match must begin with, the length of
 * that literal; 0 when there is none or the pattern could match otherwise. Conservative: any
 * '|' (alternation may escape the anchor) or metacharacter ends or cancels it, and a literal
 * followed by a quantifier loses its last character. */
static size_t anchored_literal(const char *p) {
  if (p[0] != '^' || strchr(p, '|'))
    return 0;
  size_t n = 0;
  while (p[1 + n] && !strchr("\\^$.|?*+()[]{}#", p[1 + n]))
    n++;
  char next = p[1 + n];
  if (n && (next == '?' || next == '*' || next == '+' || next == '{')) {
    n--;
    /* Never split a UTF-8 character: drop continuation bytes the quantifier also owns. */
    while (n && ((unsigned char)p[1 + n] & 0xc0) == 0x80)
      n--;
  }
  return n;
}

static int cmp_u64(const void *a, const void *b) {
  uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
  return x < y ? -1 : x > y;
}

/* One pass of the layout: with l->base NULL it only adds up sizes. Returns 0, or the error
 * of a regex that failed to compile again (only when memory runs out). */
static int lay_out(const edgefn_rules_builder *b, layout *l, keyset *hk, keyset *qk,
                   uint64_t *order, edgefn_rules **out, size_t *regex_i) {
  edgefn_rules *set = take(l, sizeof(edgefn_rules), _Alignof(edgefn_rules));
  rl_rule *rules = take(l, b->count * sizeof(rl_rule), _Alignof(rl_rule));
  rl_key *hkeys = take(l, hk->count * sizeof(rl_key), _Alignof(rl_key));
  rl_key *qkeys = take(l, qk->count * sizeof(rl_key), _Alignof(rl_key));
  size_t nregex = 0;
  uint32_t fields = 0;
  for (size_t r = 0; r < b->count; r++)
    for (size_t g = 0; g < b->rules[r].count; g++)
      for (size_t c = 0; c < b->rules[r].groups[g].count; c++) {
        const bcond *bc = &b->rules[r].groups[g].conds[c];
        fields |= 1u << bc->field;
        if (bc->op == EDGEFN_RULE_REGEX)
          nregex += bc->value_count;
      }
  pcre2_code **regexes = take(l, nregex * sizeof(pcre2_code *), _Alignof(pcre2_code *));
  if (set) {
    set->rules = rules;
    set->rule_count = b->count;
    set->header_keys = hkeys;
    set->header_key_count = hk->count;
    set->query_keys = qkeys;
    set->query_key_count = qk->count;
    set->regexes = regexes;
    set->fields = fields;
    *out = set;
  }
  for (size_t i = 0; i < hk->count; i++) {
    const char *s = take_str(l, hk->names[i], strlen(hk->names[i]), 1);
    if (hkeys)
      hkeys[i] = (rl_key){s, strlen(hk->names[i])};
  }
  for (size_t i = 0; i < qk->count; i++) {
    const char *s = take_str(l, qk->names[i], strlen(qk->names[i]), 0);
    if (qkeys)
      qkeys[i] = (rl_key){s, strlen(qk->names[i])};
  }
  for (size_t r = 0; r < b->count; r++) {
    const brule *br = &b->rules[r];
    rl_group *groups = take(l, br->count * sizeof(rl_group), _Alignof(rl_group));
    const char *fn = take_str(l, br->function, strlen(br->function), 0);
    if (set)
      rules[r] = (rl_rule){fn, groups, br->count};
    for (size_t g = 0; g < br->count; g++) {
      const bgroup *bg = &br->groups[g];
      rl_cond *conds = take(l, bg->count * sizeof(rl_cond), _Alignof(rl_cond));
      if (set)
        groups[g] = (rl_group){conds, bg->count};
      /* Cheapest first; the index in the low bits keeps equal costs in the author's order. */
      for (size_t i = 0; i < bg->count; i++)
        order[i] = (uint64_t)bg->conds[i].cost << 32 | (uint64_t)i;
      qsort(order, bg->count, sizeof(uint64_t), cmp_u64);
      for (size_t ci = 0; ci < bg->count; ci++) {
        const bcond *bc = &bg->conds[(uint32_t)order[ci]];
        rl_cond rc = {.field = (uint8_t)bc->field, .count = (uint32_t)bc->value_count};
        int caseless = (bc->flags & EDGEFN_RULE_CASELESS) != 0;
        /* The host is lower-cased in every request, so its values are too. */
        int lower_values = caseless || bc->field == EDGEFN_RULE_HOST;
        rc.caseless = (uint8_t)(caseless && bc->field != EDGEFN_RULE_HOST);
        rc.negate = bc->op == EDGEFN_RULE_NOT_EQUALS;
        if (bc->field == EDGEFN_RULE_HEADER) {
          size_t k = 0;
          key_index(hk, bc->name, 1, &k);
          rc.key = (uint32_t)k;
        } else if (bc->field == EDGEFN_RULE_QUERY) {
          size_t k = 0;
          key_index(qk, bc->name, 0, &k);
          rc.key = (uint32_t)k;
        }
        if (bc->op == EDGEFN_RULE_EXISTS || bc->op == EDGEFN_RULE_NOT_EXISTS) {
          rc.kind = bc->op == EDGEFN_RULE_EXISTS ? RL_C_EXISTS : RL_C_NOT_EXISTS;
        } else if (bc->field == EDGEFN_RULE_CLIENT_IP) {
          rc.kind = RL_C_CIDRS;
          rl_cidr *cidrs = take(l, bc->value_count * sizeof(rl_cidr), _Alignof(rl_cidr));
          for (size_t v = 0; cidrs && v < bc->value_count; v++)
            edgefn__rl_parse_cidr(bc->values[v], strlen(bc->values[v]), &cidrs[v]);
          rc.u.cidrs = cidrs;
        } else if (bc->op == EDGEFN_RULE_REGEX) {
          rc.kind = RL_C_REGEX;
          rl_regex *res = take(l, bc->value_count * sizeof(rl_regex), _Alignof(rl_regex));
          rc.u.regexes = res;
          for (size_t v = 0; v < bc->value_count; v++) {
            size_t n =
                rc.caseless || bc->field == EDGEFN_RULE_HOST ? 0 : anchored_literal(bc->values[v]);
            const char *hs = take_str(l, bc->values[v] + 1, n, 0);
            if (!res)
              continue;
            res[v].hint = (rl_value){hs, (uint32_t)n, RL_V_PREFIX};
            int ec;
            PCRE2_SIZE off;
            pcre2_code *re = pcre2_compile((PCRE2_SPTR)bc->values[v], strlen(bc->values[v]),
                                           regex_options(bc->field, bc->flags), &ec, &off, NULL);
            if (!re)
              return EDGEFN_ENOMEM;
            /* JIT is an optimisation: when it is missing or fails, the interpreter runs the
             * same pattern under the same limits. */
            pcre2_jit_compile(re, PCRE2_JIT_COMPLETE);
            res[v].re = re;
            regexes[(*regex_i)++] = re;
            set->regex_count = *regex_i;
          }
        } else {
          rc.kind = RL_C_STRINGS;
          rl_value *vals = take(l, bc->value_count * sizeof(rl_value), _Alignof(rl_value));
          rc.u.values = vals;
          for (size_t v = 0; v < bc->value_count; v++) {
            size_t len = strlen(bc->values[v]);
            const char *s = take_str(l, bc->values[v], len, lower_values);
            if (!vals)
              continue;
            vals[v] = (rl_value){s, (uint32_t)len,
                                 bc->op == EDGEFN_RULE_PREFIX ? RL_V_PREFIX : RL_V_EQUALS};
            if (bc->op == EDGEFN_RULE_WILDCARD)
              classify_wildcard(s, len, &vals[v]);
          }
        }
        if (conds)
          conds[ci] = rc;
      }
    }
  }
  return 0;
}

/* Also finds the largest group, for the sort's scratch space. */
static int collect_keys(const edgefn_rules_builder *b, keyset *hk, keyset *qk, size_t *max_group) {
  *max_group = 1;
  for (size_t r = 0; r < b->count; r++)
    for (size_t g = 0; g < b->rules[r].count; g++)
      if (b->rules[r].groups[g].count > *max_group)
        *max_group = b->rules[r].groups[g].count;
  for (size_t r = 0; r < b->count; r++)
    for (size_t g = 0; g < b->rules[r].count; g++)
      for (size_t c = 0; c < b->rules[r].groups[g].count; c++) {
        const bcond *bc = &b->rules[r].groups[g].conds[c];
        size_t k;
        if (bc->field == EDGEFN_RULE_HEADER && key_index(hk, bc->name, 1, &k) != 0)
          return -1;
        if (bc->field == EDGEFN_RULE_QUERY && key_index(qk, bc->name, 0, &k) != 0)
          return -1;
      }
  return 0;
}

int edgefn_rules_build(edgefn_rules_builder *b, edgefn_rules **out, edgefn_error_info *err) {
  if (!b || !out) {
    edgefn__error_set(err, EDGEFN_EINVAL, NULL, 0, 0, "builder or out is NULL");
    return EDGEFN_EINVAL;
  }
  *out = NULL;
  if (b->failed) {
    edgefn__error_set(err, EDGEFN_ESTATE, NULL, 0, 0, "an earlier add failed: %s", b->error);
    return EDGEFN_ESTATE;
  }
  keyset hk = {0}, qk = {0};
  int rc = EDGEFN_ENOMEM;
  edgefn_rules *set = NULL;
  size_t max_group = 1;
  uint64_t *order = NULL;
  if (collect_keys(b, &hk, &qk, &max_group) == 0 &&
      (order = malloc(max_group * sizeof(uint64_t))) != NULL) {
    layout l = {NULL, 0};
    size_t regex_i = 0;
    lay_out(b, &l, &hk, &qk, order, NULL, &regex_i);
    l.base = calloc(1, l.used);
    l.used = 0;
    if (l.base) {
      rc = lay_out(b, &l, &hk, &qk, order, &set, &regex_i);
      set->mctx = pcre2_match_context_create(NULL);
      if (rc == 0 && !set->mctx)
        rc = EDGEFN_ENOMEM;
      if (rc == 0) {
        pcre2_set_match_limit(set->mctx, EDGEFN_RULES_REGEX_MATCH_LIMIT);
        pcre2_set_depth_limit(set->mctx, EDGEFN_RULES_REGEX_DEPTH_LIMIT);
        pcre2_set_heap_limit(set->mctx, EDGEFN_RULES_REGEX_HEAP_LIMIT_KB);
        atomic_init(&set->refs, 1);
      } else {
        rules_destroy(set);
        set = NULL;
      }
    }
  }
  free(order);
  free(hk.names);
  free(qk.names);
  if (rc) {
    edgefn__error_set(err, rc, NULL, 0, 0, "out of memory");
    return rc;
  }
  *out = set;
  return 0;
}

edgefn_rules *edgefn_rules_ref(edgefn_rules *rules) {
  if (rules)
    atomic_fetch_add_explicit(&rules->refs, 1, memory_order_relaxed);
  return rules;
}

void edgefn_rules_free(edgefn_rules *rules) {
  if (!rules)
    return;
  /* Release so this owner's reads happen before the free; acquire on the last drop. */
  if (atomic_fetch_sub_explicit(&rules->refs, 1, memory_order_acq_rel) == 1)
    rules_destroy(rules);
}

size_t edgefn_rules_count(const edgefn_rules *rules) { return rules ? rules->rule_count : 0; }

const char *edgefn_rules_function(const edgefn_rules *rules, size_t index) {
  return rules && index < rules->rule_count ? rules->rules[index].function : NULL;
}
