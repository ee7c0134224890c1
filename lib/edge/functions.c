/* The edge's function table: reference-counted function versions in immutable snapshots
 * with a name index, so that 10,000 functions cost one hash probe per request. */
#include "compiler/compiler.h"
#include "edge/manager.h"

#include <stdlib.h>
#include <string.h>

static char *dup_str(const char *s) { return s ? edgefn__strndup(s, strlen(s)) : NULL; }

static uint32_t or_default(uint32_t v, uint32_t def) { return v ? v : def; }

int edge__fn_new(edge_fn **out, const edgefn_function *f, const edge_settings *s,
                 edgefn_error_info *err) {
  *out = NULL;
  if (!f->name || !f->script) {
    edgefn__error_set(err, EDGEFN_EINVAL, NULL, 0, 0, "%s", !f->name ? "no name" : "no script");
    return EDGEFN_EINVAL;
  }
  edge_fn *fn = calloc(1, sizeof(*fn));
  if (!fn)
    return EDGEFN_ENOMEM;
  atomic_init(&fn->refs, 1);
  fn->name = dup_str(f->name);
  fn->script = edgefn__script_ref(f->script);
  edgefn_runtime_options o = EDGEFN_RUNTIME_OPTIONS_INIT;
  if (f->options) {
    size_t n = f->options->struct_size < sizeof(o) ? f->options->struct_size : sizeof(o);
    memcpy(&o, f->options, n);
    o.struct_size = sizeof(o);
  }
  o.name = dup_str(o.name ? o.name : f->name);
  fn->options = o;
  fn->max_runtimes = s->max_runtimes;
  fn->concurrency = s->concurrency;
  fn->queue = s->queue;
  if (EDGEFN_HAS_FIELD(f, edgefn_function, max_runtimes))
    fn->max_runtimes = or_default(f->max_runtimes, s->max_runtimes);
  if (EDGEFN_HAS_FIELD(f, edgefn_function, concurrency))
    fn->concurrency = or_default(f->concurrency, s->concurrency);
  if (EDGEFN_HAS_FIELD(f, edgefn_function, queue))
    fn->queue = or_default(f->queue, s->queue);
  if (!fn->name || !fn->options.name) {
    edge__fn_unref(fn);
    return EDGEFN_ENOMEM;
  }
  *out = fn;
  return 0;
}

edge_fn *edge__fn_ref(edge_fn *fn) {
  atomic_fetch_add_explicit(&fn->refs, 1, memory_order_relaxed);
  return fn;
}

void edge__fn_unref(edge_fn *fn) {
  if (!fn || atomic_fetch_sub_explicit(&fn->refs, 1, memory_order_acq_rel) != 1)
    return;
  free(fn->name);
  free((char *)fn->options.name);
  edgefn_script_free(fn->script);
  free(fn);
}

edge_fntab *edge__fntab_new(size_t count) {
  edge_fntab *t = calloc(1, sizeof(*t));
  if (!t)
    return NULL;
  atomic_init(&t->refs, 1);
  t->count = count;
  size_t slots = 16;
  while (slots < count * 2)
    slots *= 2;
  t->slot_mask = slots - 1;
  t->fns = calloc(count ? count : 1, sizeof(*t->fns));
  t->slots = calloc(slots, sizeof(*t->slots));
  if (!t->fns || !t->slots) {
    free(t->fns);
    free(t->slots);
    free(t);
    return NULL;
  }
  return t;
}

/* FNV-1a: names are short and the table is built rarely. */
static size_t name_hash(const char *s, size_t len) {
  uint64_t h = 1469598103934665603ull;
  for (size_t i = 0; i < len; i++)
    h = (h ^ (unsigned char)s[i]) * 1099511628211ull;
  return (size_t)h;
}

int edge__fntab_index(edge_fntab *t, size_t *dup) {
  memset(t->slots, 0, (t->slot_mask + 1) * sizeof(*t->slots));
  for (size_t i = 0; i < t->count; i++) {
    const char *name = t->fns[i]->name;
    size_t len = strlen(name), at;
    if (edge__fntab_find(t, name, len, &at)) {
      *dup = i;
      return EDGEFN_EINVAL;
    }
    size_t s = name_hash(name, len) & t->slot_mask;
    while (t->slots[s])
      s = (s + 1) & t->slot_mask;
    t->slots[s] = (uint32_t)(i + 1);
  }
  return 0;
}

bool edge__fntab_find(const edge_fntab *t, const char *name, size_t len, size_t *index) {
  for (size_t s = name_hash(name, len) & t->slot_mask; t->slots[s]; s = (s + 1) & t->slot_mask) {
    size_t i = t->slots[s] - 1;
    const char *n = t->fns[i]->name;
    if (strncmp(n, name, len) == 0 && n[len] == '\0') {
      *index = i;
      return true;
    }
  }
  return false;
}

edge_fntab *edge__fntab_ref(edge_fntab *t) {
  atomic_fetch_add_explicit(&t->refs, 1, memory_order_relaxed);
  return t;
}

void edge__fntab_unref(edge_fntab *t) {
  if (!t || atomic_fetch_sub_explicit(&t->refs, 1, memory_order_acq_rel) != 1)
    return;
  for (size_t i = 0; i < t->count; i++)
    edge__fn_unref(t->fns[i]);
  free(t->fns);
  free(t->slots);
  free(t);
}
