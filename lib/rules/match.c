/* Matching a request against a rule set. The URL is split once per call into slices of the
 * caller's string; header and query values are looked up on first use and remembered for the
 * rest of the call. Nothing is allocated unless a value has to be rebuilt (a repeated header,
 * a percent-encoded query value, an upper-case host longer than the stack buffer), and that
 * memory comes from a per-thread scratch area that is kept between calls. */
#include "rules.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

/* ---- per-thread state: PCRE2 match data and scratch memory ---- */

typedef struct chunk {
  struct chunk *next;
  size_t cap, used;
  char data[];
} chunk;

typedef struct rl_thread {
  pcre2_match_data *md;
  chunk *chunks; /* newest (largest) first */
} rl_thread;

/* Scratch kept between calls is capped so one huge request does not pin memory forever. */
#define RL_SCRATCH_MIN 4096u
#define RL_SCRATCH_KEEP (64u * 1024u)

static pthread_once_t key_once = PTHREAD_ONCE_INIT;
static pthread_key_t key;
static int key_ok;
static __thread rl_thread *tls;

static void free_chunks(chunk *c) {
  while (c) {
    chunk *next = c->next;
    free(c);
    c = next;
  }
}

static void thread_free(void *p) {
  rl_thread *t = p;
  pcre2_match_data_free(t->md);
  free_chunks(t->chunks);
  free(t);
  tls = NULL;
}

static void make_key(void) { key_ok = pthread_key_create(&key, thread_free) == 0; }

static rl_thread *thread_state(void) {
  if (tls)
    return tls;
  pthread_once(&key_once, make_key);
  rl_thread *t = calloc(1, sizeof(*t));
  if (!t)
    return NULL;
  /* One pair is enough: rules ask whether a pattern matches, never for its groups. */
  t->md = pcre2_match_data_create(1, NULL);
  if (!t->md) {
    free(t);
    return NULL;
  }
  /* The key only exists to free the state when the thread exits. */
  if (key_ok)
    pthread_setspecific(key, t);
  tls = t;
  return t;
}

static char *scratch(rl_thread *t, size_t n) {
  chunk *c = t->chunks;
  if (c && c->cap - c->used >= n) {
    char *p = c->data + c->used;
    c->used += n;
    return p;
  }
  size_t cap = c ? c->cap * 2 : RL_SCRATCH_MIN;
  if (cap < n)
    cap = n;
  chunk *nc = malloc(sizeof(chunk) + cap);
  if (!nc)
    return NULL;
  nc->next = c;
  nc->cap = cap;
  nc->used = n;
  t->chunks = nc;
  return nc->data;
}

static void scratch_reset(rl_thread *t) {
  chunk *c = t->chunks;
  if (!c)
    return;
  free_chunks(c->next);
  c->next = NULL;
  c->used = 0;
  if (c->cap > RL_SCRATCH_KEEP) {
    free(c);
    t->chunks = NULL;
  }
}

/* ---- the request as the rules see it ---- */

typedef struct slice {
  const char *p; /* NULL: the field is absent */
  size_t len;
} slice;

typedef struct view {
  const edgefn_rules *rules;
  const edgefn_request *req;
  rl_thread *thread; /* fetched on first need */
  slice host, path, query, filename, ext;
  /* Every field that needs no lookup, by edgefn_rule_field, filled once per call so that a
   * condition reads its subject without a branch on the field. */
  slice direct[EDGEFN_RULE_CLIENT_IP + 1];
  int ip_state; /* 0 not parsed yet, 1 present, -1 absent */
  uint64_t ip[2];
  uint32_t hdr_known, qry_known; /* bit k: hdr[k] / qry[k] holds the value */
  slice hdr[RL_KEY_CACHE], qry[RL_KEY_CACHE];
  char host_buf[256];
} view;

static rl_thread *view_thread(view *v) {
  if (!v->thread)
    v->thread = thread_state();
  return v->thread;
}

static char *view_scratch(view *v, size_t n) {
  rl_thread *t = view_thread(v);
  return t ? scratch(t, n) : NULL;
}

static int is_scheme_char(unsigned char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '+' ||
         c == '-' || c == '.';
}

static int set_host(view *v, const char *h, size_t n) {
  if (n == 0)
    return 0;
  size_t i = 0;
  while (i < n && (unsigned)(h[i] - 'A') >= 26u)
    i++;
  if (i == n) {
    v->host = (slice){h, n};
    return 0;
  }
  char *buf = n <= sizeof(v->host_buf) ? v->host_buf : view_scratch(v, n);
  if (!buf)
    return EDGEFN_ENOMEM;
  for (i = 0; i < n; i++)
    buf[i] = (char)edgefn__ascii_lower((unsigned char)h[i]);
  v->host = (slice){buf, n};
  return 0;
}

#define BIT(f) (1u << (f))
#define PATH_FIELDS (BIT(EDGEFN_RULE_PATH) | BIT(EDGEFN_RULE_QUERY) | FILE_FIELDS)
#define FILE_FIELDS (BIT(EDGEFN_RULE_FILENAME) | BIT(EDGEFN_RULE_EXTENSION))

/* Splits the URL: scheme ":" ["//" authority] path ["?" query] ["#" fragment]. Only the
 * parts the rule set tests (`fields`, bits of edgefn_rule_field) are looked for: a set that
 * tests only the path neither folds the host nor looks for the file name. */
static int parse_url(view *v, const char *u, size_t n, uint32_t fields) {
  if (!(fields & (BIT(EDGEFN_RULE_HOST) | PATH_FIELDS)))
    return 0;
  size_t i = 0;
  if (n && ((unsigned)(u[0] | 0x20) - 'a') < 26u) {
    size_t s = 1;
    while (s < n && is_scheme_char((unsigned char)u[s]))
      s++;
    if (s < n && u[s] == ':')
      i = s + 1;
  }
  if (i + 1 < n && u[i] == '/' && u[i + 1] == '/') {
    size_t a = i + 2, e = a;
    while (e < n && u[e] != '/' && u[e] != '?' && u[e] != '#')
      e++;
    if (fields & BIT(EDGEFN_RULE_HOST)) {
      size_t h = a;
      for (size_t k = a; k < e; k++)
        if (u[k] == '@')
          h = k + 1;
      size_t he = h;
      if (h < e && u[h] == '[') {
        while (he < e && u[he] != ']')
          he++;
        if (he < e)
          he++;
      } else {
        while (he < e && u[he] != ':')
          he++;
      }
      int rc = set_host(v, u + h, he - h);
      if (rc)
        return rc;
    }
    i = e;
  }
  if (!(fields & PATH_FIELDS))
    return 0;
  size_t p = i;
  while (i < n && u[i] != '?' && u[i] != '#')
    i++;
  v->path = i > p ? (slice){u + p, i - p} : (slice){"/", 1};
  if (i < n && u[i] == '?') {
    size_t q = ++i;
    while (i < n && u[i] != '#')
      i++;
    v->query = (slice){u + q, i - q};
  }
  if (!(fields & FILE_FIELDS))
    return 0;
  const char *path = v->path.p, *end = path + v->path.len, *name = end;
  while (name > path && name[-1] != '/')
    name--;
  if (name < end) {
    v->filename = (slice){name, (size_t)(end - name)};
    /* Leading dots make a hidden name (".htaccess"), not an extension. */
    const char *stem = name;
    while (stem < end && *stem == '.')
      stem++;
    const char *dot = NULL;
    for (const char *c = stem; c < end; c++)
      if (*c == '.')
        dot = c;
    if (dot && dot + 1 < end)
      v->ext = (slice){dot + 1, (size_t)(end - dot - 1)};
  }
  return 0;
}

/* One decoded byte of a query component at s[*i]: '+' is a space and "%XY" a byte; a '%'
 * without two hex digits stays itself (as URLSearchParams does). */
static unsigned char decode_at(const char *s, size_t n, size_t *i) {
  unsigned char c = (unsigned char)s[*i];
  if (c == '+') {
    (*i)++;
    return ' ';
  }
  if (c == '%' && *i + 2 < n) {
    int hi = edgefn__hex_value((unsigned char)s[*i + 1]), lo = edgefn__hex_value((unsigned char)s[*i + 2]);
    if (hi >= 0 && lo >= 0) {
      *i += 3;
      return (unsigned char)(hi << 4 | lo);
    }
  }
  (*i)++;
  return c;
}

static int decoded_equals(const char *raw, size_t n, const char *want, size_t want_len) {
  size_t i = 0, j = 0;
  while (i < n) {
    if (j == want_len || decode_at(raw, n, &i) != (unsigned char)want[j])
      return 0;
    j++;
  }
  return j == want_len;
}

/* The first value of query parameter `k`, decoded. Returns 1, 0 (absent) or an error. */
static int query_value(view *v, const rl_key *k, slice *out) {
  if (!v->query.p)
    return 0;
  const char *q = v->query.p, *end = q + v->query.len;
  while (q <= end) {
    const char *amp = memchr(q, '&', (size_t)(end - q));
    const char *pe = amp ? amp : end;
    const char *eq = memchr(q, '=', (size_t)(pe - q));
    const char *ne = eq ? eq : pe;
    if (ne > q && decoded_equals(q, (size_t)(ne - q), k->s, k->len)) {
      const char *val = eq ? eq + 1 : pe;
      size_t len = (size_t)(pe - val);
      if (!memchr(val, '%', len) && !memchr(val, '+', len)) {
        *out = (slice){val, len};
        return 1;
      }
      char *buf = view_scratch(v, len ? len : 1);
      if (!buf)
        return EDGEFN_ENOMEM;
      size_t o = 0;
      for (size_t i = 0; i < len;)
        buf[o++] = (char)decode_at(val, len, &i);
      *out = (slice){buf, o};
      return 1;
    }
    if (!amp)
      break;
    q = amp + 1;
  }
  return 0;
}

static int name_is(const edgefn_header *h, const rl_key *k) {
  if (h->name_len != k->len || !h->name)
    return 0;
  for (size_t i = 0; i < k->len; i++)
    if (edgefn__ascii_lower((unsigned char)h->name[i]) != (unsigned char)k->s[i])
      return 0;
  return 1;
}

/* Header `k`; repeats are joined with ", " as a Headers object would. */
static int header_value(view *v, const rl_key *k, slice *out) {
  const edgefn_request *r = v->req;
  size_t count = 0, total = 0, first = 0;
  for (size_t i = 0; i < r->header_count; i++)
    if (name_is(&r->headers[i], k)) {
      if (count++ == 0)
        first = i;
      total += r->headers[i].value_len + 2;
    }
  if (count == 0)
    return 0;
  const edgefn_header *h = &r->headers[first];
  if (count == 1) {
    *out = (slice){h->value ? h->value : "", h->value ? h->value_len : 0};
    return 1;
  }
  char *buf = view_scratch(v, total);
  if (!buf)
    return EDGEFN_ENOMEM;
  size_t o = 0;
  for (size_t i = first; i < r->header_count; i++) {
    h = &r->headers[i];
    if (!name_is(h, k))
      continue;
    if (o) {
      buf[o++] = ',';
      buf[o++] = ' ';
    }
    if (h->value && h->value_len) {
      memcpy(buf + o, h->value, h->value_len);
      o += h->value_len;
    }
  }
  *out = (slice){buf, o};
  return 1;
}

static int geo_string(const edgefn_request *r, int region, slice *out) {
  if (!EDGEFN_HAS_FIELD(r, edgefn_request, geo) || !r->geo)
    return 0;
  const edgefn_geo *g = r->geo;
  const char *s = NULL;
  if (region && EDGEFN_HAS_FIELD(g, edgefn_geo, region_code))
    s = g->region_code;
  else if (!region && EDGEFN_HAS_FIELD(g, edgefn_geo, country_alpha2))
    s = g->country_alpha2;
  if (!s)
    return 0;
  *out = (slice){s, strlen(s)};
  return 1;
}

/* A header or query parameter: 1 with *out set, 0 when absent, or an error. */
static int field_value(view *v, const rl_cond *c, slice *out) {
  switch (c->field) {
  case EDGEFN_RULE_HEADER:
  case EDGEFN_RULE_QUERY: {
    int hdr = c->field == EDGEFN_RULE_HEADER;
    uint32_t *known = hdr ? &v->hdr_known : &v->qry_known;
    slice *cache = hdr ? v->hdr : v->qry;
    const rl_key *k = hdr ? &v->rules->header_keys[c->key] : &v->rules->query_keys[c->key];
    if (c->key < RL_KEY_CACHE && (*known >> c->key & 1u)) {
      *out = cache[c->key];
      break;
    }
    slice s = {NULL, 0};
    int rc = hdr ? header_value(v, k, &s) : query_value(v, k, &s);
    if (rc < 0)
      return rc;
    if (c->key < RL_KEY_CACHE) {
      cache[c->key] = s;
      *known |= 1u << c->key;
    }
    *out = s;
    break;
  }
  default:
    return 0;
  }
  return out->p != NULL;
}

static int same_folded(const char *s, const char *lower, size_t n) {
  for (size_t i = 0; i < n; i++)
    if (edgefn__ascii_lower((unsigned char)s[i]) != (unsigned char)lower[i])
      return 0;
  return 1;
}

/* Rule values and request fields are short and near misses usually differ early, so a
 * byte loop with an early exit beats a call to memcmp until strings get long. */
static inline int same_bytes(const char *a, const char *b, size_t n) {
  if (n > 32)
    return a[0] == b[0] && memcmp(a, b, n) == 0;
  for (size_t i = 0; i < n; i++)
    if (a[i] != b[i])
      return 0;
  return 1;
}

static inline int same(const char *s, const char *v, size_t n, int fold) {
  return fold ? same_folded(s, v, n) : same_bytes(s, v, n);
}

static int strings_match(const rl_cond *c, const char *s, size_t n) {
  int fold = c->caseless;
  for (uint32_t i = 0; i < c->count; i++) {
    const rl_value *val = &c->u.values[i];
    size_t len = val->len;
    /* Plain branches, not a switch: a jump table's indirect branch mispredicts as rules
     * alternate between kinds. */
    if (val->kind == RL_V_EQUALS) {
      if (n == len && same(s, val->s, n, fold))
        return 1;
    } else if (val->kind == RL_V_PREFIX) {
      if (n >= len && same(s, val->s, len, fold))
        return 1;
    } else if (val->kind == RL_V_SUFFIX) {
      if (n >= len && same(s + n - len, val->s, len, fold))
        return 1;
    } else if (edgefn__rl_wildcard(val->s, len, s, n, fold)) {
      return 1;
    }
  }
  return 0;
}

static int regex_match(view *v, const rl_cond *c, const char *s, size_t n) {
  rl_thread *t = view_thread(v);
  if (!t)
    return EDGEFN_ENOMEM;
  for (uint32_t i = 0; i < c->count; i++) {
    const rl_regex *x = &c->u.regexes[i];
    if (x->hint.len && (n < x->hint.len || !same_bytes(s, x->hint.s, x->hint.len)))
      continue;
    /* Errors, including the match and depth limits, count as "no match": a pattern that
     * cannot decide within its budget does not pick the function. */
    if (pcre2_match(x->re, (PCRE2_SPTR)s, n, 0, 0, t->md, v->rules->mctx) >= 0)
      return 1;
  }
  return 0;
}

static int ip_match(view *v, const rl_cond *c) {
  if (v->ip_state == 0) {
    const char *ip = v->req->client_ip;
    v->ip_state = ip && edgefn__rl_parse_addr(ip, v->ip) == 0 ? 1 : -1;
  }
  int present = v->ip_state > 0;
  if (c->kind == RL_C_EXISTS)
    return present;
  if (c->kind == RL_C_NOT_EXISTS)
    return !present;
  if (!present)
    return c->negate;
  for (uint32_t i = 0; i < c->count; i++) {
    const rl_cidr *b = &c->u.cidrs[i];
    if ((v->ip[0] & b->mask[0]) == b->net[0] && (v->ip[1] & b->mask[1]) == b->net[1])
      return !c->negate;
  }
  return c->negate;
}

#define DIRECT_FIELDS                                                                              \
  (1u << EDGEFN_RULE_HOST | 1u << EDGEFN_RULE_PATH | 1u << EDGEFN_RULE_URL |                       \
   1u << EDGEFN_RULE_EXTENSION | 1u << EDGEFN_RULE_FILENAME | 1u << EDGEFN_RULE_METHOD |           \
   1u << EDGEFN_RULE_COUNTRY | 1u << EDGEFN_RULE_REGION)

/* 1 when the condition holds, 0 when not, or an error. */
static int eval(view *v, const rl_cond *c) {
  if (c->field == EDGEFN_RULE_CLIENT_IP)
    return ip_match(v, c);
  slice s;
  int present;
  if ((1u << c->field) & DIRECT_FIELDS) {
    s = v->direct[c->field];
    present = s.p != NULL;
  } else if ((present = field_value(v, c, &s)) < 0) {
    return present;
  }
  if (c->kind == RL_C_EXISTS)
    return present;
  if (c->kind == RL_C_NOT_EXISTS)
    return !present;
  if (!present)
    return c->negate;
  int any = c->kind == RL_C_REGEX ? regex_match(v, c, s.p, s.len) : strings_match(c, s.p, s.len);
  if (any < 0)
    return any;
  return any ^ c->negate;
}

int edgefn_rules_match(const edgefn_rules *rules, const edgefn_request *req,
                       const char **function_name, size_t *rule_index) {
  if (!rules || !req)
    return EDGEFN_EINVAL;
  if (!EDGEFN_MIN_SIZE_OK(req, edgefn_request, client_ip))
    return EDGEFN_EVERSION;
  if (!req->url || req->url_len == 0 || (req->header_count && !req->headers))
    return EDGEFN_EINVAL;
  view v;
  v.rules = rules;
  v.req = req;
  v.thread = NULL;
  v.host = v.path = v.query = v.filename = v.ext = (slice){NULL, 0};
  v.ip_state = 0;
  v.hdr_known = v.qry_known = 0;
  int result = parse_url(&v, req->url, req->url_len, rules->fields);
  memset(v.direct, 0, sizeof(v.direct));
  v.direct[EDGEFN_RULE_HOST] = v.host;
  v.direct[EDGEFN_RULE_PATH] = v.path;
  v.direct[EDGEFN_RULE_URL] = (slice){req->url, req->url_len};
  v.direct[EDGEFN_RULE_EXTENSION] = v.ext;
  v.direct[EDGEFN_RULE_FILENAME] = v.filename;
  v.direct[EDGEFN_RULE_METHOD] =
      req->method && req->method_len ? (slice){req->method, req->method_len} : (slice){"GET", 3};
  if (rules->fields & BIT(EDGEFN_RULE_COUNTRY))
    geo_string(req, 0, &v.direct[EDGEFN_RULE_COUNTRY]);
  if (rules->fields & BIT(EDGEFN_RULE_REGION))
    geo_string(req, 1, &v.direct[EDGEFN_RULE_REGION]);
  for (size_t r = 0; result == 0 && r < rules->rule_count; r++) {
    const rl_rule *rule = &rules->rules[r];
    for (size_t g = 0; g < rule->group_count; g++) {
      const rl_group *grp = &rule->groups[g];
      int all = 1;
      for (size_t c = 0; c < grp->count; c++) {
        int e = eval(&v, &grp->conds[c]);
        if (e <= 0) {
          result = e;
          all = 0;
          break;
        }
      }
      if (result < 0)
        break;
      if (all) {
        if (function_name)
          *function_name = rule->function;
        if (rule_index)
          *rule_index = r;
        result = 1;
        break;
      }
    }
  }
  if (v.thread)
    scratch_reset(v.thread);
  return result;
}
