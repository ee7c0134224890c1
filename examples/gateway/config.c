/* The gateway's JSON configuration (README.md documents the format). Parsing does not stop at
 * the first problem: --check is most useful when it lists every mistake at once, each with
 * the file and the JSON path of the value at fault (jansson keeps no line numbers for values
 * it has parsed, so the path is the location; syntax errors do carry line and column). */
#include "gateway.h"

#include <errno.h>
#include <jansson.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* ---- errors ---- */

void gw_errors_add(gw_errors *e, const char *fmt, ...) {
  char msg[1024];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(msg, sizeof(msg), fmt, ap);
  va_end(ap);
  char **m = realloc(e->msgs, (e->count + 1) * sizeof(*m));
  if (!m)
    return;
  e->msgs = m;
  e->msgs[e->count] = gw_strdup(msg);
  if (e->msgs[e->count])
    e->count++;
}

void gw_errors_print(const gw_errors *e, FILE *f) {
  for (size_t i = 0; i < e->count; i++)
    fprintf(f, "%s\n", e->msgs[i]);
}

void gw_errors_log(const gw_errors *e, int level) {
  for (size_t i = 0; i < e->count; i++)
    gw_log(level, "%s", e->msgs[i]);
}

void gw_errors_free(gw_errors *e) {
  for (size_t i = 0; i < e->count; i++)
    free(e->msgs[i]);
  free(e->msgs);
  e->msgs = NULL;
  e->count = 0;
}

char *gw_strdup(const char *s) {
  if (!s)
    return NULL;
  size_t n = strlen(s);
  char *d = malloc(n + 1);
  if (d)
    memcpy(d, s, n + 1);
  return d;
}

char *gw_read_file(const char *path, size_t max, size_t *len, const char *what,
                   gw_errors *errs) {
  FILE *f = fopen(path, "rb");
  if (!f) {
    gw_errors_add(errs, "%s: cannot open %s: %s", path, what, strerror(errno));
    return NULL;
  }
  struct stat st;
  if (fstat(fileno(f), &st) != 0 || !S_ISREG(st.st_mode) ||
      (unsigned long long)st.st_size > max) {
    gw_errors_add(errs, "%s: %s is not a regular file of at most %zu bytes", path, what, max);
    fclose(f);
    return NULL;
  }
  char *buf = malloc((size_t)st.st_size + 1);
  size_t n = buf ? fread(buf, 1, (size_t)st.st_size, f) : 0;
  if (!buf || ferror(f)) {
    gw_errors_add(errs, "%s: cannot read %s", path, what);
    free(buf);
    fclose(f);
    return NULL;
  }
  fclose(f);
  buf[n] = '\0';
  *len = n;
  return buf;
}

/* ---- the configuration object ---- */

void gw_limits_default(gw_limits *l) {
  l->max_connections = GW_MAX_CONNECTIONS;
  l->max_header_bytes = GW_MAX_HEADER_BYTES;
  l->max_header_count = GW_MAX_HEADER_COUNT;
  l->max_uri_bytes = GW_MAX_URI_BYTES;
  l->max_body_bytes = GW_MAX_BODY_BYTES;
  l->header_timeout_ms = GW_HEADER_TIMEOUT_MS;
  l->body_timeout_ms = GW_BODY_TIMEOUT_MS;
  l->idle_timeout_ms = GW_IDLE_TIMEOUT_MS;
  l->send_timeout_ms = GW_SEND_TIMEOUT_MS;
  l->shutdown_grace_ms = GW_SHUTDOWN_GRACE_MS;
}

gw_config *gw_config_new(void) {
  gw_config *c = calloc(1, sizeof(*c));
  if (!c)
    return NULL;
  c->log_level = EDGEFN_LOG_INFO;
  c->cache_bytes = (size_t)GW_DEFAULT_CACHE_MB * 1024u * 1024u;
  gw_limits_default(&c->limits);
  return c;
}

void gw_config_free(gw_config *c) {
  if (!c)
    return;
  for (size_t i = 0; i < c->nlisteners; i++) {
    free(c->listeners[i].address);
    for (size_t j = 0; j < c->listeners[i].ncerts; j++) {
      free(c->listeners[i].certs[j].cert);
      free(c->listeners[i].certs[j].key);
    }
    free(c->listeners[i].certs);
  }
  for (size_t i = 0; i < c->norigins; i++) {
    free(c->origins[i].host);
    free(c->origins[i].address);
    free(c->origins[i].host_header);
  }
  for (size_t i = 0; i < c->nfunctions; i++) {
    gw_function_cfg *f = &c->functions[i];
    free(f->name);
    free(f->script_path);
    for (size_t j = 0; j < f->nenv; j++) {
      free(f->env[j].name);
      free(f->env[j].value);
    }
    free(f->env);
  }
  free(c->listeners);
  free(c->origins);
  free(c->functions);
  free(c->rules_json);
  free(c->rules_name);
  free(c->access_log);
  free(c->error_log);
  free(c->metrics_path);
  free(c->geo_country_header);
  free(c->path);
  free(c);
}

/* ---- checking helpers: each reports "FILE: PATH: message" and returns false ---- */

typedef struct ctx {
  const char *file;
  char dir[4096]; /* the configuration's folder, for relative paths */
  gw_errors *errs;
  bool bad;
} ctx;

static void err(ctx *x, const char *path, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void err(ctx *x, const char *path, const char *fmt, ...) {
  char msg[768];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(msg, sizeof(msg), fmt, ap);
  va_end(ap);
  gw_errors_add(x->errs, "%s: %s: %s", x->file, path, msg);
  x->bad = true;
}

/* Refuses keys the format does not have: a misspelt key must not be silently ignored. */
static void check_keys(ctx *x, json_t *obj, const char *path, const char *const *allowed) {
  const char *key;
  json_t *v;
  json_object_foreach(obj, key, v) {
    bool ok = false;
    for (const char *const *a = allowed; *a && !ok; a++)
      ok = strcmp(*a, key) == 0;
    if (!ok)
      err(x, path, "unknown key '%s'", key);
  }
}

static bool get_string(ctx *x, json_t *obj, const char *key, const char *path, bool required,
                       char **out) {
  json_t *v = json_object_get(obj, key);
  if (!v) {
    if (required)
      err(x, path, "missing '%s'", key);
    return !required;
  }
  if (!json_is_string(v) || json_string_length(v) == 0 ||
      strlen(json_string_value(v)) != json_string_length(v)) {
    err(x, path, "'%s' must be a non-empty string", key);
    return false;
  }
  free(*out);
  *out = gw_strdup(json_string_value(v));
  return *out != NULL;
}

static bool get_uint(ctx *x, json_t *obj, const char *key, const char *path, uint64_t min,
                     uint64_t max, uint64_t *out) {
  json_t *v = json_object_get(obj, key);
  if (!v)
    return true;
  if (!json_is_integer(v) || json_integer_value(v) < 0 ||
      (uint64_t)json_integer_value(v) < min || (uint64_t)json_integer_value(v) > max) {
    err(x, path, "'%s' must be an integer from %llu to %llu", key, (unsigned long long)min,
        (unsigned long long)max);
    return false;
  }
  *out = (uint64_t)json_integer_value(v);
  return true;
}

static bool get_bool(ctx *x, json_t *obj, const char *key, const char *path, bool *out) {
  json_t *v = json_object_get(obj, key);
  if (!v)
    return true;
  if (!json_is_boolean(v)) {
    err(x, path, "'%s' must be true or false", key);
    return false;
  }
  *out = json_is_true(v);
  return true;
}

/* "HOST:PORT" or "[V6]:PORT" with a port from 0 (listeners: kernel's choice) to 65535. */
static bool valid_address(const char *a, bool allow_port0) {
  const char *colon;
  if (a[0] == '[') {
    const char *rb = strchr(a, ']');
    if (!rb || rb[1] != ':' || rb == a + 1)
      return false;
    colon = rb + 1;
  } else {
    colon = strrchr(a, ':');
    if (!colon || colon == a || memchr(a, ':', (size_t)(colon - a)))
      return false;
  }
  const char *p = colon + 1;
  if (!*p || strlen(p) > 5)
    return false;
  unsigned long port = 0;
  for (; *p; p++) {
    if (*p < '0' || *p > '9')
      return false;
    port = port * 10 + (unsigned long)(*p - '0');
  }
  return port <= 65535 && (allow_port0 || port > 0);
}

static char *resolve_path(ctx *x, const char *p) {
  if (p[0] == '/' || x->dir[0] == '\0')
    return gw_strdup(p);
  size_t n = strlen(x->dir) + strlen(p) + 2;
  char *r = malloc(n);
  if (r)
    snprintf(r, n, "%s/%s", x->dir, p);
  return r;
}

static bool readable_file(ctx *x, const char *path, const char *file, const char *what) {
  struct stat st;
  if (stat(file, &st) != 0) {
    err(x, path, "%s '%s': %s", what, file, strerror(errno));
    return false;
  }
  if (!S_ISREG(st.st_mode)) {
    err(x, path, "%s '%s' is not a regular file", what, file);
    return false;
  }
  return true;
}

/* ---- sections ---- */

static void parse_listeners(ctx *x, json_t *arr, gw_config *c) {
  if (!json_is_array(arr) || json_array_size(arr) == 0 ||
      json_array_size(arr) > GW_MAX_LISTENERS) {
    err(x, "listeners", "must be an array of 1 to %u listeners", GW_MAX_LISTENERS);
    return;
  }
  c->listeners = calloc(json_array_size(arr), sizeof(*c->listeners));
  if (!c->listeners)
    return;
  size_t i;
  json_t *l;
  json_array_foreach(arr, i, l) {
    char path[64];
    snprintf(path, sizeof(path), "listeners[%zu]", i);
    gw_listener_cfg *d = &c->listeners[c->nlisteners++];
    if (!json_is_object(l)) {
      err(x, path, "must be an object");
      continue;
    }
    static const char *const keys[] = {"address", "tls", "kind", NULL};
    check_keys(x, l, path, keys);
    if (get_string(x, l, "address", path, true, &d->address) && d->address &&
        !valid_address(d->address, true))
      err(x, path, "address '%s' is not HOST:PORT or [IPV6]:PORT", d->address);
    char *kind = NULL;
    if (get_string(x, l, "kind", path, false, &kind) && kind) {
      if (strcmp(kind, "edge") == 0)
        d->kind = GW_LISTEN_EDGE;
      else if (strcmp(kind, "metrics") == 0)
        d->kind = GW_LISTEN_METRICS;
      else if (strcmp(kind, "demo-origin") == 0)
        d->kind = GW_LISTEN_DEMO_ORIGIN;
      else
        err(x, path, "kind '%s' is not one of edge, metrics, demo-origin", kind);
    }
    free(kind);
    json_t *tls = json_object_get(l, "tls");
    if (!tls)
      continue;
    char tpath[96];
    snprintf(tpath, sizeof(tpath), "%s.tls", path);
    /* One certificate ({"cert","key"}) or several ([{...}, ...]) picked by SNI. */
    size_t n = json_is_array(tls) ? json_array_size(tls) : 1;
    if ((!json_is_array(tls) && !json_is_object(tls)) || n == 0) {
      err(x, tpath, "must be an object {\"cert\", \"key\"} or a non-empty array of them");
      continue;
    }
    d->certs = calloc(n, sizeof(*d->certs));
    if (!d->certs)
      continue;
    for (size_t k = 0; k < n; k++) {
      json_t *o = json_is_array(tls) ? json_array_get(tls, k) : tls;
      char cpath[128];
      if (json_is_array(tls))
        snprintf(cpath, sizeof(cpath), "%s[%zu]", tpath, k);
      else
        snprintf(cpath, sizeof(cpath), "%s", tpath);
      gw_cert_cfg *cc = &d->certs[d->ncerts++];
      if (!json_is_object(o)) {
        err(x, cpath, "must be an object with 'cert' and 'key'");
        continue;
      }
      static const char *const tkeys[] = {"cert", "key", NULL};
      check_keys(x, o, cpath, tkeys);
      char *cert = NULL, *key = NULL;
      if (get_string(x, o, "cert", cpath, true, &cert) && cert) {
        cc->cert = resolve_path(x, cert);
        if (cc->cert && !readable_file(x, cpath, cc->cert, "certificate")) {
          free(cc->cert);
          cc->cert = NULL;
        }
      }
      if (get_string(x, o, "key", cpath, true, &key) && key) {
        cc->key = resolve_path(x, key);
        if (cc->key && !readable_file(x, cpath, cc->key, "key")) {
          free(cc->key);
          cc->key = NULL;
        }
      }
      free(cert);
      free(key);
    }
  }
}

static void parse_origins(ctx *x, json_t *arr, gw_config *c) {
  if (!json_is_array(arr)) {
    err(x, "origins", "must be an array");
    return;
  }
  c->origins = calloc(json_array_size(arr) ? json_array_size(arr) : 1, sizeof(*c->origins));
  if (!c->origins)
    return;
  size_t i;
  json_t *o;
  json_array_foreach(arr, i, o) {
    char path[64];
    snprintf(path, sizeof(path), "origins[%zu]", i);
    gw_origin_cfg *d = &c->origins[c->norigins++];
    if (!json_is_object(o)) {
      err(x, path, "must be an object");
      continue;
    }
    static const char *const keys[] = {"host", "address", "tls", "host_header", NULL};
    check_keys(x, o, path, keys);
    if (get_string(x, o, "host", path, true, &d->host) && d->host) {
      if (strchr(d->host, '/') || strchr(d->host, ' ') ||
          (strchr(d->host, ':') && d->host[0] != '['))
        err(x, path, "host '%s' must be a bare host name without port", d->host);
      for (size_t j = 0; j + 1 < c->norigins; j++)
        if (c->origins[j].host && strcasecmp(c->origins[j].host, d->host) == 0)
          err(x, path, "host '%s' already has an origin (origins[%zu])", d->host, j);
    }
    if (get_string(x, o, "address", path, true, &d->address) && d->address &&
        !valid_address(d->address, false))
      err(x, path, "address '%s' is not ADDRESS:PORT or [IPV6]:PORT", d->address);
    get_bool(x, o, "tls", path, &d->tls);
    get_string(x, o, "host_header", path, false, &d->host_header);
  }
}

static void parse_function(ctx *x, json_t *f, const char *path, gw_function_cfg *d) {
  if (!json_is_object(f)) {
    err(x, path, "must be an object");
    d->broken = true;
    return;
  }
  static const char *const keys[] = {"name", "script", "env", "limits", NULL};
  check_keys(x, f, path, keys);
  if (!get_string(x, f, "name", path, true, &d->name) || !d->name)
    d->broken = true;
  char *script = NULL;
  if (get_string(x, f, "script", path, true, &script) && script) {
    d->script_path = resolve_path(x, script);
    if (!d->script_path || !readable_file(x, path, d->script_path, "script"))
      d->broken = true;
  } else {
    d->broken = true;
  }
  free(script);
  json_t *env = json_object_get(f, "env");
  if (env) {
    char epath[128];
    snprintf(epath, sizeof(epath), "%s.env", path);
    if (!json_is_object(env)) {
      err(x, epath, "must be an object of strings");
    } else {
      d->env = calloc(json_object_size(env) ? json_object_size(env) : 1, sizeof(*d->env));
      const char *k;
      json_t *v;
      json_object_foreach(env, k, v) {
        if (!json_is_string(v)) {
          err(x, epath, "'%s' must be a string", k);
          continue;
        }
        if (!d->env)
          continue;
        d->env[d->nenv].name = gw_strdup(k);
        d->env[d->nenv].value = gw_strdup(json_string_value(v));
        d->nenv++;
      }
    }
  }
  json_t *lim = json_object_get(f, "limits");
  if (lim) {
    char lpath[128];
    snprintf(lpath, sizeof(lpath), "%s.limits", path);
    if (!json_is_object(lim)) {
      err(x, lpath, "must be an object");
      return;
    }
    static const char *const lkeys[] = {"cpu_ms", "wall_ms", "memory_mb", "subrequests", NULL};
    check_keys(x, lim, lpath, lkeys);
    uint64_t v = 0;
    if (get_uint(x, lim, "cpu_ms", lpath, 1, 3600000, &v))
      d->cpu_ms = (uint32_t)v;
    v = 0;
    if (get_uint(x, lim, "wall_ms", lpath, 1, 3600000, &v))
      d->wall_ms = (uint32_t)v;
    v = 0;
    if (get_uint(x, lim, "memory_mb", lpath, 1, 65536, &v))
      d->memory_bytes = (size_t)v * 1024u * 1024u;
    v = 0;
    if (get_uint(x, lim, "subrequests", lpath, 1, 100000, &v))
      d->subrequests = (uint32_t)v;
  }
}

static void parse_functions(ctx *x, json_t *arr, gw_config *c) {
  if (!json_is_array(arr)) {
    err(x, "functions", "must be an array");
    return;
  }
  c->functions = calloc(json_array_size(arr) ? json_array_size(arr) : 1, sizeof(*c->functions));
  if (!c->functions)
    return;
  size_t i;
  json_t *f;
  json_array_foreach(arr, i, f) {
    char path[64];
    snprintf(path, sizeof(path), "functions[%zu]", i);
    gw_function_cfg *d = &c->functions[c->nfunctions++];
    parse_function(x, f, path, d);
    for (size_t j = 0; d->name && j + 1 < c->nfunctions; j++)
      if (c->functions[j].name && strcmp(c->functions[j].name, d->name) == 0)
        err(x, path, "function name '%s' is already used by functions[%zu]", d->name, j);
  }
}

static void parse_http(ctx *x, json_t *h, gw_limits *l) {
  if (!json_is_object(h)) {
    err(x, "http", "must be an object");
    return;
  }
  static const char *const keys[] = {
      "max_connections", "max_header_bytes", "max_header_count", "max_uri_bytes",
      "max_body_bytes", "header_timeout_ms", "body_timeout_ms", "idle_timeout_ms",
      "send_timeout_ms", "shutdown_grace_ms", NULL};
  check_keys(x, h, "http", keys);
  uint64_t v;
#define SZ(key, min, max)                           \
  v = l->key;                                       \
  if (get_uint(x, h, #key, "http", min, max, &v))   \
    l->key = (size_t)v;
#define MS(key)                                         \
  v = l->key;                                           \
  if (get_uint(x, h, #key, "http", 10, 3600000, &v))    \
    l->key = (uint32_t)v;
  SZ(max_connections, 1, 1000000)
  SZ(max_header_bytes, 256, 1024 * 1024)
  SZ(max_header_count, 1, 10000)
  SZ(max_uri_bytes, 16, 1024 * 1024)
  SZ(max_body_bytes, 0, (uint64_t)1 << 32)
  MS(header_timeout_ms)
  MS(body_timeout_ms)
  MS(idle_timeout_ms)
  MS(send_timeout_ms)
  MS(shutdown_grace_ms)
#undef SZ
#undef MS
}

static void parse_rules(ctx *x, json_t *root, gw_config *c) {
  json_t *inline_rules = json_object_get(root, "rules");
  json_t *file = json_object_get(root, "rules_file");
  if (inline_rules && file) {
    err(x, "rules_file", "give either 'rules' or 'rules_file', not both");
    return;
  }
  if (file) {
    char *name = NULL;
    if (!get_string(x, root, "rules_file", "rules_file", true, &name) || !name)
      return;
    c->rules_name = resolve_path(x, name);
    free(name);
    if (!c->rules_name)
      return;
    size_t len = 0;
    gw_errors e = {0};
    c->rules_json = gw_read_file(c->rules_name, GW_MAX_CONFIG_BYTES, &len, "rules file", &e);
    c->rules_json_len = len;
    for (size_t i = 0; i < e.count; i++)
      err(x, "rules_file", "%s", e.msgs[i]);
    gw_errors_free(&e);
    return;
  }
  if (!inline_rules)
    return;
  /* The rules' own format (docs/rules.md): an array of rules, or the whole document. */
  json_t *doc = json_is_array(inline_rules) ? json_pack("{sO}", "rules", inline_rules)
                                           : json_incref(inline_rules);
  if (!doc)
    return;
  c->rules_json = json_dumps(doc, JSON_COMPACT);
  c->rules_json_len = c->rules_json ? strlen(c->rules_json) : 0;
  json_decref(doc);
  size_t n = strlen(x->file) + 16;
  c->rules_name = malloc(n);
  if (c->rules_name)
    snprintf(c->rules_name, n, "%s: rules", x->file);
}

static void parse_root(ctx *x, json_t *root, gw_config *c) {
  if (!json_is_object(root)) {
    err(x, "$", "the configuration must be a JSON object");
    return;
  }
  static const char *const keys[] = {"version", "workers", "listeners", "origins", "cache",
                                     "functions", "rules", "rules_file", "fetch", "log",
                                     "metrics", "http", "geo_country_header", NULL};
  check_keys(x, root, "$", keys);
  uint64_t v = 1;
  if (get_uint(x, root, "version", "version", 1, 1, &v)) {
  }
  v = 0;
  if (get_uint(x, root, "workers", "workers", 0, GW_MAX_WORKERS, &v))
    c->workers = (unsigned)v;
  json_t *j;
  if ((j = json_object_get(root, "listeners")))
    parse_listeners(x, j, c);
  else
    err(x, "$", "missing 'listeners'");
  if ((j = json_object_get(root, "origins")))
    parse_origins(x, j, c);
  if ((j = json_object_get(root, "functions")))
    parse_functions(x, j, c);
  parse_rules(x, root, c);
  if ((j = json_object_get(root, "cache"))) {
    if (json_is_false(j)) {
      c->cache_bytes = 0;
    } else if (!json_is_object(j)) {
      err(x, "cache", "must be an object or false");
    } else {
      static const char *const ckeys[] = {"memory_mb", NULL};
      check_keys(x, j, "cache", ckeys);
      v = GW_DEFAULT_CACHE_MB;
      if (get_uint(x, j, "memory_mb", "cache", 0, 1024 * 1024, &v))
        c->cache_bytes = (size_t)v * 1024u * 1024u;
    }
  }
  if ((j = json_object_get(root, "fetch"))) {
    if (!json_is_object(j)) {
      err(x, "fetch", "must be an object");
    } else {
      static const char *const fkeys[] = {"allow_loopback", "allow_private", NULL};
      check_keys(x, j, "fetch", fkeys);
      bool lo = false, pr = false;
      get_bool(x, j, "allow_loopback", "fetch", &lo);
      get_bool(x, j, "allow_private", "fetch", &pr);
      c->fetch_policy = (lo ? EDGEFN_FETCH_ALLOW_LOOPBACK : 0) |
                        (pr ? EDGEFN_FETCH_ALLOW_PRIVATE : 0);
    }
  }
  if ((j = json_object_get(root, "log"))) {
    if (!json_is_object(j)) {
      err(x, "log", "must be an object");
    } else {
      static const char *const lkeys[] = {"level", "error_log", "access_log", NULL};
      check_keys(x, j, "log", lkeys);
      char *level = NULL;
      if (get_string(x, j, "level", "log", false, &level) && level) {
        int lv = gw_level_from_name(level);
        if (lv < 0)
          err(x, "log.level", "'%s' is not error, warn, info or debug", level);
        else
          c->log_level = lv;
      }
      free(level);
      /* Log files are named like scripts: relative to the configuration's folder. */
      char *name = NULL;
      if (get_string(x, j, "error_log", "log", false, &name) && name) {
        free(c->error_log);
        c->error_log = strcmp(name, "-") == 0 ? gw_strdup(name) : resolve_path(x, name);
      }
      free(name);
      name = NULL;
      json_t *al = json_object_get(j, "access_log");
      if (al && json_is_false(al)) {
        free(c->access_log);
        c->access_log = NULL;
      } else if (al && get_string(x, j, "access_log", "log", false, &name) && name) {
        free(c->access_log);
        c->access_log = strcmp(name, "-") == 0 ? gw_strdup(name) : resolve_path(x, name);
      }
      free(name);
    }
  }
  if ((j = json_object_get(root, "metrics"))) {
    if (!json_is_object(j)) {
      err(x, "metrics", "must be an object");
    } else {
      static const char *const mkeys[] = {"path", NULL};
      check_keys(x, j, "metrics", mkeys);
      if (get_string(x, j, "path", "metrics", true, &c->metrics_path) && c->metrics_path &&
          c->metrics_path[0] != '/')
        err(x, "metrics.path", "must start with '/'");
    }
  }
  if ((j = json_object_get(root, "http")))
    parse_http(x, j, &c->limits);
  get_string(x, root, "geo_country_header", "geo_country_header", false,
             &c->geo_country_header);
  bool any_edge = false;
  for (size_t i = 0; i < c->nlisteners; i++)
    any_edge |= c->listeners[i].kind == GW_LISTEN_EDGE;
  if (c->nlisteners && !any_edge)
    err(x, "listeners", "no listener of kind 'edge'");
}

static gw_config *load(const char *path, gw_errors *errs, bool partial) {
  ctx x = {.file = path, .errs = errs};
  const char *slash = strrchr(path, '/');
  if (slash && (size_t)(slash - path) < sizeof(x.dir))
    snprintf(x.dir, sizeof(x.dir), "%.*s", (int)(slash - path), path);
  if (slash == path)
    snprintf(x.dir, sizeof(x.dir), "/");
  size_t len = 0;
  char *text = gw_read_file(path, GW_MAX_CONFIG_BYTES, &len, "configuration", errs);
  if (!text)
    return NULL;
  json_error_t je;
  json_t *root = json_loadb(text, len, JSON_REJECT_DUPLICATES, &je);
  free(text);
  if (!root) {
    gw_errors_add(errs, "%s:%d:%d: %s", path, je.line, je.column, je.text);
    return NULL;
  }
  gw_config *c = gw_config_new();
  if (!c) {
    json_decref(root);
    return NULL;
  }
  c->path = gw_strdup(path);
  c->access_log = gw_strdup("-");
  parse_root(&x, root, c);
  json_decref(root);
  if (x.bad && !partial) {
    gw_config_free(c);
    return NULL;
  }
  return c;
}

gw_config *gw_config_load(const char *path, gw_errors *errs) { return load(path, errs, false); }

gw_config *gw_config_load_partial(const char *path, gw_errors *errs) {
  return load(path, errs, true);
}
