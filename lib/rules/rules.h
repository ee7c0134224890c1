/* The rules part's internal header: the compiled form of a rule set that builder.c lays out
 * and match.c walks, and the small helpers (addresses, wildcards) both use. Not installed. */
#ifndef EDGEFN_RULES_INTERNAL_H
#define EDGEFN_RULES_INTERNAL_H

#include "core/core.h"

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#include <stdatomic.h>

/* Header and query names a rule set uses are numbered at build time; a match call remembers
 * the value it found for the first RL_KEY_CACHE of each kind so that many rules testing the
 * same header look it up once. Names beyond that are looked up every time they are tested. */
#define RL_KEY_CACHE 32u

/* How one value of a condition is compared. Wildcards without metacharacters and the common
 * "lit*" and "*lit" shapes are turned into the cheaper kinds at build time. */
enum rl_value_kind { RL_V_EQUALS, RL_V_PREFIX, RL_V_SUFFIX, RL_V_WILDCARD };

typedef struct rl_value {
  const char *s; /* lower-cased when the condition is caseless (or the field is host) */
  uint32_t len;
  uint32_t kind; /* rl_value_kind */
} rl_value;

/* A compiled pattern and, for a "^literal..." pattern, the literal every match must start
 * with (hint.len 0: none known), checked before PCRE2 runs. */
typedef struct rl_regex {
  pcre2_code *re;
  rl_value hint;
} rl_regex;

/* An address block in IPv6 form; IPv4 blocks are stored as ::ffff:a.b.c.d/(96+n) so that
 * IPv4 clients and IPv4-mapped IPv6 clients both fall into them. */
typedef struct rl_cidr {
  uint64_t net[2];
  uint64_t mask[2];
} rl_cidr;

/* What a compiled condition does with the field's value. */
enum rl_cond_kind {
  RL_C_EXISTS,
  RL_C_NOT_EXISTS,
  RL_C_STRINGS, /* rl_value list: equals / prefix / wildcard, any may match */
  RL_C_REGEX,   /* rl_regex list */
  RL_C_CIDRS    /* rl_cidr list */
};

typedef struct rl_cond {
  uint8_t field;    /* edgefn_rule_field */
  uint8_t kind;     /* rl_cond_kind */
  uint8_t negate;   /* NOT_EQUALS: true when no value matches (or the field is absent) */
  uint8_t caseless; /* fold the subject's ASCII case before comparing */
  uint32_t key;     /* header or query name index */
  uint32_t count;
  union {
    const rl_value *values;
    const rl_regex *regexes;
    const rl_cidr *cidrs;
  } u;
} rl_cond;

typedef struct rl_group {
  const rl_cond *conds; /* cheapest first */
  size_t count;
} rl_group;

typedef struct rl_rule {
  const char *function;
  const rl_group *groups;
  size_t group_count;
} rl_rule;

typedef struct rl_key {
  const char *s; /* header names lower-cased; query names as given */
  size_t len;
} rl_key;

/* One block of memory holds the struct and everything it points to except the compiled
 * regexes, which PCRE2 allocates. */
struct edgefn_rules {
  atomic_size_t refs;
  const rl_rule *rules;
  size_t rule_count;
  const rl_key *header_keys;
  size_t header_key_count;
  const rl_key *query_keys;
  size_t query_key_count;
  pcre2_code **regexes;
  size_t regex_count;
  pcre2_match_context *mctx;
  uint32_t fields; /* bit (1u << edgefn_rule_field) for every field a condition tests */
};

/* Parses an address or CIDR block ("10.0.0.0/8", "2001:db8::/32", "192.0.2.1") into *out.
 * Host bits beyond the prefix are cleared. Returns 0, or -1 when `s` is not one. */
EDGEFN_INTERNAL int edgefn__rl_parse_cidr(const char *s, size_t len, rl_cidr *out);

/* Parses a client address ("192.0.2.1", "2001:db8::1", "[::1]", "fe80::1%eth0") into IPv6
 * form (IPv4 mapped). Returns 0, or -1 when it is not an address. */
EDGEFN_INTERNAL int edgefn__rl_parse_addr(const char *s, uint64_t out[2]);

/* Matches `s` against a wildcard pattern ('*' any run, '?' one UTF-8 character). With
 * `fold`, the subject's ASCII letters are lower-cased first (the pattern already is). Time is
 * O(pattern × subject) at worst; there is no recursion. */
EDGEFN_INTERNAL int edgefn__rl_wildcard(const char *pat, size_t plen, const char *s, size_t slen,
                                        int fold);


/* The JSON name of an edgefn_rule_field ("clientIp"), for messages; "?" when unknown. */
EDGEFN_INTERNAL const char *edgefn__rl_field_name(int field);

#endif
