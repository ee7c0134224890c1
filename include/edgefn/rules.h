/*
 * edgefn_rules — ordered trigger rules that decide which function handles a request.
 *
 * Rules are tried in order; the first rule that matches names the function (EdgeOne's
 * semantics); no match sends the request down the default path (cache, then origin). A
 * rule is an OR of condition groups; a group is an AND of conditions. A condition tests one
 * field of the request with one operator against one or more values (any value may match;
 * for the negative operators, none may). A field the request lacks (no such header or query
 * parameter, no geo data, no client IP) matches NOT_EQUALS and NOT_EXISTS and nothing else.
 *
 * Rules are built once — through the builder below or from JSON (docs/rules.md gives the
 * format) — and are then immutable: one edgefn_rules may be used from any number of threads
 * at the same time. Regular expressions are compiled once at build time (PCRE2, JIT where
 * available).
 */
#ifndef EDGEFN_RULES_H
#define EDGEFN_RULES_H

#include <edgefn/common.h>

#ifdef __cplusplus
extern "C" {
#endif

/* What a condition looks at. URL parts come from edgefn_request.url; country and region
 * from edgefn_request.geo (country_alpha2, region_code); the client IP from
 * edgefn_request.client_ip. */
typedef enum edgefn_rule_field {
  EDGEFN_RULE_HOST = 1,      /* host of the URL, without port, lower-case; always compared
                                without regard to case */
  EDGEFN_RULE_PATH = 2,      /* path of the URL, percent-encoded as received, no query */
  EDGEFN_RULE_URL = 3,       /* the whole URL */
  EDGEFN_RULE_QUERY = 4,     /* the query parameter `name` (decoded) */
  EDGEFN_RULE_EXTENSION = 5, /* file extension of the last path segment, without the dot */
  EDGEFN_RULE_FILENAME = 6,  /* last path segment */
  EDGEFN_RULE_HEADER = 7,    /* the request header `name` (values of repeats joined by ", ") */
  EDGEFN_RULE_METHOD = 8,
  EDGEFN_RULE_COUNTRY = 9,   /* ISO 3166-1 alpha-2 of the client */
  EDGEFN_RULE_REGION = 10,   /* ISO 3166-2 code of the client's region */
  EDGEFN_RULE_CLIENT_IP = 11 /* values are addresses or CIDR blocks, IPv4 or IPv6 */
} edgefn_rule_field;

typedef enum edgefn_rule_op {
  EDGEFN_RULE_EQUALS = 1,
  EDGEFN_RULE_NOT_EQUALS = 2,
  EDGEFN_RULE_EXISTS = 3,     /* the field is present (no values) */
  EDGEFN_RULE_NOT_EXISTS = 4, /* the field is absent (no values) */
  EDGEFN_RULE_PREFIX = 5,
  EDGEFN_RULE_WILDCARD = 6, /* '*' matches any run of characters, '?' one character */
  EDGEFN_RULE_REGEX = 7     /* PCRE2 pattern, unanchored unless the pattern anchors itself */
} edgefn_rule_op;

/* Condition flags. */
#define EDGEFN_RULE_CASELESS 1u /* compare without regard to ASCII case */

typedef struct edgefn_rule_condition {
  uint32_t struct_size;
  int field;                 /* edgefn_rule_field */
  const char *name;          /* query parameter or header name for those fields, else NULL */
  int op;                    /* edgefn_rule_op */
  uint32_t flags;            /* EDGEFN_RULE_* flags */
  const char *const *values; /* NUL-terminated strings (copied) */
  size_t value_count;
} edgefn_rule_condition;
#define EDGEFN_RULE_CONDITION_INIT {sizeof(edgefn_rule_condition), 0, NULL, 0, 0, NULL, 0}

typedef struct edgefn_rules_builder edgefn_rules_builder;

/* Creates an empty builder. Errors: EDGEFN_EINVAL, EDGEFN_ENOMEM. Builders are used by one
 * thread at a time. */
EDGEFN_API int edgefn_rules_builder_new(edgefn_rules_builder **out);
/* NULL is a no-op. */
EDGEFN_API void edgefn_rules_builder_free(edgefn_rules_builder *b);

/* Starts a new rule that picks the function `function_name` (copied), with one empty group.
 * Errors: EDGEFN_EINVAL, EDGEFN_ENOMEM. */
EDGEFN_API int edgefn_rules_builder_add_rule(edgefn_rules_builder *b, const char *function_name);
/* Starts a new group (OR) in the current rule. When the current group is still empty it is
 * kept as the new group instead, so add_rule followed by add_group opens one group, not an
 * empty (match-all) one and another. Errors: EDGEFN_ESTATE (no rule yet). */
EDGEFN_API int edgefn_rules_builder_add_group(edgefn_rules_builder *b);
/* Adds a condition (AND) to the current group; everything it points to is copied. The
 * condition is checked (field, operator, values, name, regex syntax) when added: on error
 * nothing is added and edgefn_rules_builder_last_error() tells why. Errors: EDGEFN_EINVAL,
 * EDGEFN_EVERSION, EDGEFN_ESTATE, EDGEFN_ENOMEM. */
EDGEFN_API int edgefn_rules_builder_add_condition(edgefn_rules_builder *b,
                                                  const edgefn_rule_condition *c);
/* Why the last call on the builder failed (NUL-terminated, owned by the builder). */
EDGEFN_API const char *edgefn_rules_builder_last_error(const edgefn_rules_builder *b);

/* Builds the immutable rule set from everything added so far; the builder may then be freed,
 * or given more rules and built again (each build is an independent copy). A rule or group
 * without conditions matches every request. Errors: EDGEFN_EINVAL, EDGEFN_ESTATE (an earlier
 * add on this builder failed: such a builder never builds, so a rule cannot silently lose a
 * condition and match more than meant; start a new builder), EDGEFN_ENOMEM; detail in *err
 * (may be NULL). */
EDGEFN_API int edgefn_rules_build(edgefn_rules_builder *b, edgefn_rules **out,
                                  edgefn_error_info *err);

/* Parses a JSON rule file (docs/rules.md) of json_len bytes (no NUL terminator needed);
 * `filename` (may be NULL) only names the file in *err. The whole file is rejected on the
 * first error; *err then gives the line and column (JSON syntax) or, with line 0, the rule,
 * group and condition (0-based) and the reason (err->message like
 * "rule 3: match[0][1].operator: unknown operator 'startswith'"). Errors: EDGEFN_EINVAL (bad
 * file), EDGEFN_ENOMEM. */
EDGEFN_API int edgefn_rules_from_json(edgefn_rules **out, const char *json, size_t json_len,
                                      const char *filename, edgefn_error_info *err);

/* Drops the caller's reference; the set is freed when the last reference goes. NULL is a
 * no-op. Any thread. */
EDGEFN_API void edgefn_rules_free(edgefn_rules *rules);
/* Takes another reference (for another owner, e.g. another thread's pipeline). */
EDGEFN_API edgefn_rules *edgefn_rules_ref(edgefn_rules *rules);

/* Number of rules. */
EDGEFN_API size_t edgefn_rules_count(const edgefn_rules *rules);
/* The function rule `index` picks (NUL-terminated, owned by the rules), or NULL when index
 * is out of range. */
EDGEFN_API const char *edgefn_rules_function(const edgefn_rules *rules, size_t index);

/* Finds the first rule that matches `req` (req->url is required). Returns 1 and sets
 * *function_name (owned by the rules, valid while they live) and *rule_index (either may be
 * NULL) on a match, 0 when no rule matches, or a negative EDGEFN_E* code (EDGEFN_EINVAL,
 * EDGEFN_EVERSION, EDGEFN_ENOMEM). Allocates nothing on the common path: a thread's first
 * call sets up per-thread state (freed when the thread exits), and repeated headers or
 * percent-encoded query values are rebuilt in per-thread scratch memory kept between calls.
 * Any thread, concurrently. */
EDGEFN_API int edgefn_rules_match(const edgefn_rules *rules, const edgefn_request *req,
                                  const char **function_name, size_t *rule_index);

#ifdef __cplusplus
}
#endif
#endif /* EDGEFN_RULES_H */
