/* Rule files in JSON (docs/rules.md): read with jansson, checked key by key, and fed through
 * the builder so that both ways of making rules accept and refuse the same things. */
#include "rules.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct name_code {
  const char *name;
  int code;
} name_code;

/* camelCase names first; snake_case aliases after (docs/rules.md lists both). */
static const name_code field_names[] = {
    {"host", EDGEFN_RULE_HOST},
    {"path", EDGEFN_RULE_PATH},
    {"url", EDGEFN_RULE_URL},
    {"query", EDGEFN_RULE_QUERY},
    {"extension", EDGEFN_RULE_EXTENSION},
    {"filename", EDGEFN_RULE_FILENAME},
    {"header", EDGEFN_RULE_HEADER},
    {"method", EDGEFN_RULE_METHOD},
    {"country", EDGEFN_RULE_COUNTRY},
    {"region", EDGEFN_RULE_REGION},
    {"clientIp", EDGEFN_RULE_CLIENT_IP},
    {"client_ip", EDGEFN_RULE_CLIENT_IP},
    {"file_extension", EDGEFN_RULE_EXTENSION},
    {"file_name", EDGEFN_RULE_FILENAME},
    {"request_header", EDGEFN_RULE_HEADER},
};

static const name_code op_names[] = {
    {"equals", EDGEFN_RULE_EQUALS},         {"notEquals", EDGEFN_RULE_NOT_EQUALS},
    {"exists", EDGEFN_RULE_EXISTS},         {"notExists", EDGEFN_RULE_NOT_EXISTS},
    {"prefix", EDGEFN_RULE_PREFIX},         {"wildcard", EDGEFN_RULE_WILDCARD},
    {"regex", EDGEFN_RULE_REGEX},           {"not_equals", EDGEFN_RULE_NOT_EQUALS},
    {"not_exists", EDGEFN_RULE_NOT_EXISTS},
};

static int lookup(const name_code *t, size_t n, const char *name) {
  for (size_t i = 0; i < n; i++)
    if (strcmp(t[i].name, name) == 0)
      return t[i].code;
  return 0;
}

typedef struct loader {
  edgefn_error_info *err;
  const char *file;
  char where[96]; /* "rule 3: match[0][1]" */
} loader;

static int fail(loader *ld, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int fail(loader *ld, const char *fmt, ...) {
  char msg[512];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(msg, sizeof(msg), fmt, ap);
  va_end(ap);
  edgefn__error_set(ld->err, EDGEFN_EINVAL, ld->file, 0, 0, "%s", msg);
  return EDGEFN_EINVAL;
}

/* Refuses keys outside `allowed`, so that a misspelt key cannot silently drop a condition. */
static int check_keys(loader *ld, json_t *obj, const char *const *allowed) {
  const char *key;
  json_t *val;
  json_object_foreach(obj, key, val) {
    int ok = 0;
    for (const char *const *a = allowed; *a && !ok; a++)
      ok = strcmp(*a, key) == 0;
    if (!ok)
      return fail(ld, "%s: unknown key '%.80s'", ld->where, key);
  }
  return 0;
}

static int add_condition(loader *ld, edgefn_rules_builder *b, json_t *jc) {
  static const char *const keys[] = {"field",      "name",        "operator", "values",
                                     "ignoreCase", "ignore_case", NULL};
  if (!json_is_object(jc))
    return fail(ld, "%s: a condition is an object", ld->where);
  int rc = check_keys(ld, jc, keys);
  if (rc)
    return rc;
  edgefn_rule_condition c = EDGEFN_RULE_CONDITION_INIT;
  json_t *field = json_object_get(jc, "field"), *op = json_object_get(jc, "operator");
  json_t *name = json_object_get(jc, "name"), *values = json_object_get(jc, "values");
  json_t *ic = json_object_get(jc, "ignoreCase");
  if (!ic)
    ic = json_object_get(jc, "ignore_case");
  if (!field)
    return fail(ld, "%s.field: missing", ld->where);
  if (!json_is_string(field))
    return fail(ld, "%s.field: must be a string", ld->where);
  c.field = lookup(field_names, EDGEFN_ARRAY_LEN(field_names), json_string_value(field));
  if (!c.field)
    return fail(ld, "%s.field: unknown field '%.80s'", ld->where, json_string_value(field));
  if (!op)
    return fail(ld, "%s.operator: missing", ld->where);
  if (!json_is_string(op))
    return fail(ld, "%s.operator: must be a string", ld->where);
  c.op = lookup(op_names, EDGEFN_ARRAY_LEN(op_names), json_string_value(op));
  if (!c.op)
    return fail(ld, "%s.operator: unknown operator '%.80s'", ld->where, json_string_value(op));
  if (name && !json_is_string(name))
    return fail(ld, "%s.name: must be a string", ld->where);
  c.name = name ? json_string_value(name) : NULL;
  if (ic && !json_is_boolean(ic))
    return fail(ld, "%s.ignoreCase: must be true or false", ld->where);
  c.flags = ic && json_is_true(ic) ? EDGEFN_RULE_CASELESS : 0;
  if (values && !json_is_array(values))
    return fail(ld, "%s.values: must be an array of strings", ld->where);
  size_t n = values ? json_array_size(values) : 0;
  const char **vals = n ? calloc(n, sizeof(char *)) : NULL;
  if (n && !vals)
    return EDGEFN_ENOMEM;
  for (size_t i = 0; i < n; i++) {
    json_t *v = json_array_get(values, i);
    if (!json_is_string(v)) {
      free(vals);
      return fail(ld, "%s.values[%zu]: must be a string", ld->where, i);
    }
    vals[i] = json_string_value(v);
  }
  c.values = vals;
  c.value_count = n;
  rc = edgefn_rules_builder_add_condition(b, &c);
  free(vals);
  if (rc == EDGEFN_ENOMEM)
    return rc;
  /* The builder numbers rules, groups and conditions as the file does (JSON refuses empty
   * groups), so its message already reads "rule N: match[G][C].key: reason". */
  if (rc)
    return fail(ld, "%s", edgefn_rules_builder_last_error(b));
  return 0;
}

static int add_rule(loader *ld, edgefn_rules_builder *b, json_t *jr, size_t index) {
  static const char *const keys[] = {"function", "match", "description", NULL};
  snprintf(ld->where, sizeof(ld->where), "rule %zu", index);
  if (!json_is_object(jr))
    return fail(ld, "rule %zu: a rule is an object", index);
  int rc = check_keys(ld, jr, keys);
  if (rc)
    return rc;
  json_t *fn = json_object_get(jr, "function"), *match = json_object_get(jr, "match");
  json_t *desc = json_object_get(jr, "description");
  if (!fn)
    return fail(ld, "rule %zu: function: missing", index);
  if (!json_is_string(fn) || json_string_length(fn) == 0)
    return fail(ld, "rule %zu: function: must be a non-empty string", index);
  if (desc && !json_is_string(desc))
    return fail(ld, "rule %zu: description: must be a string", index);
  if (!match)
    return fail(ld, "rule %zu: match: missing (use [] for a rule that matches every request)",
                index);
  if (!json_is_array(match))
    return fail(ld, "rule %zu: match: must be an array of groups", index);
  rc = edgefn_rules_builder_add_rule(b, json_string_value(fn));
  if (rc)
    return rc == EDGEFN_ENOMEM ? rc : fail(ld, "%s", edgefn_rules_builder_last_error(b));
  for (size_t g = 0; g < json_array_size(match); g++) {
    json_t *group = json_array_get(match, g);
    if (!json_is_array(group))
      return fail(ld, "rule %zu: match[%zu]: a group is an array of conditions", index, g);
    if (json_array_size(group) == 0)
      return fail(ld,
                  "rule %zu: match[%zu]: an empty group would match every request "
                  "(use \"match\": [] for that)",
                  index, g);
    if (g > 0 && (rc = edgefn_rules_builder_add_group(b)) != 0)
      return rc;
    for (size_t c = 0; c < json_array_size(group); c++) {
      snprintf(ld->where, sizeof(ld->where), "rule %zu: match[%zu][%zu]", index, g, c);
      rc = add_condition(ld, b, json_array_get(group, c));
      if (rc)
        return rc;
    }
  }
  return 0;
}

static int load(loader *ld, edgefn_rules_builder *b, json_t *root) {
  static const char *const keys[] = {"rules", "version", NULL};
  snprintf(ld->where, sizeof(ld->where), "top level");
  if (!json_is_object(root))
    return fail(ld, "top level: a rule file is an object with a \"rules\" array");
  int rc = check_keys(ld, root, keys);
  if (rc)
    return rc;
  json_t *version = json_object_get(root, "version"), *rules = json_object_get(root, "rules");
  if (version && !(json_is_integer(version) && json_integer_value(version) == 1))
    return fail(ld, "version: only version 1 is known");
  if (!rules)
    return fail(ld, "rules: missing");
  if (!json_is_array(rules))
    return fail(ld, "rules: must be an array");
  for (size_t i = 0; i < json_array_size(rules); i++)
    if ((rc = add_rule(ld, b, json_array_get(rules, i), i)) != 0)
      return rc;
  return 0;
}

int edgefn_rules_from_json(edgefn_rules **out, const char *json, size_t json_len,
                           const char *filename, edgefn_error_info *err) {
  if (out)
    *out = NULL;
  if (!out || (!json && json_len)) {
    edgefn__error_set(err, EDGEFN_EINVAL, filename, 0, 0, "out or json is NULL");
    return EDGEFN_EINVAL;
  }
  json_error_t jerr;
  /* Duplicate keys are refused: the second "values" of a condition would otherwise win
   * silently. */
  json_t *root = json_loadb(json ? json : "", json_len, JSON_REJECT_DUPLICATES, &jerr);
  if (!root) {
    int oom = json_error_code(&jerr) == json_error_out_of_memory;
    edgefn__error_set(err, oom ? EDGEFN_ENOMEM : EDGEFN_EINVAL, filename,
                      jerr.line > 0 ? jerr.line : 0, jerr.column > 0 ? jerr.column : 0, "%s",
                      jerr.text);
    return oom ? EDGEFN_ENOMEM : EDGEFN_EINVAL;
  }
  edgefn_rules_builder *b = NULL;
  int rc = edgefn_rules_builder_new(&b);
  loader ld = {err, filename, ""};
  if (rc == 0)
    rc = load(&ld, b, root);
  if (rc == EDGEFN_ENOMEM)
    edgefn__error_set(err, rc, filename, 0, 0, "out of memory");
  if (rc == 0)
    rc = edgefn_rules_build(b, out, err);
  edgefn_rules_builder_free(b);
  json_decref(root);
  return rc;
}
