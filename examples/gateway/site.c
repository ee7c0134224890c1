/* A site: one configuration made live. Everything in it is immutable once built (scripts,
 * rules, the edge) or thread-safe (the cache), so every worker uses the same site; a reload
 * builds a whole new site beside the old one, and each worker moves to it between requests. */
#include "gateway.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

static atomic_uint next_generation = 1;

static void script_error(gw_errors *errs, const edgefn_error_info *ei, const char *file, int rc) {
  const char *f = ei->file[0] ? ei->file : file;
  const char *msg = ei->message[0] ? ei->message : edgefn_strerror(rc);
  if (ei->line > 0)
    gw_errors_add(errs, "%s:%d:%d: %s", f, ei->line, ei->column > 0 ? ei->column : 1, msg);
  else
    gw_errors_add(errs, "%s: %s", f, msg);
}

gw_site *gw_site_build(gw_config *cfg, const gw_site *prev, gw_errors *errs) {
  size_t before = errs->count;
  gw_site *s = calloc(1, sizeof(*s));
  edgefn_script **scripts = calloc(cfg->nfunctions ? cfg->nfunctions : 1, sizeof(*scripts));
  edgefn_function *fns = calloc(cfg->nfunctions ? cfg->nfunctions : 1, sizeof(*fns));
  edgefn_runtime_options *ros = calloc(cfg->nfunctions ? cfg->nfunctions : 1, sizeof(*ros));
  edgefn_origin *origins = calloc(cfg->norigins ? cfg->norigins : 1, sizeof(*origins));
  if (!s || !scripts || !fns || !ros || !origins) {
    gw_errors_add(errs, "out of memory");
    goto done;
  }
  atomic_init(&s->refs, 1);
  s->cfg = cfg;

  /* Every script is compiled even after one failed, so --check reports them all. */
  for (size_t i = 0; i < cfg->nfunctions; i++) {
    gw_function_cfg *f = &cfg->functions[i];
    if (f->broken)
      continue;
    size_t len = f->source_len;
    char *text = NULL;
    const char *src = f->source;
    if (f->script_path) {
      text = gw_read_file(f->script_path, GW_MAX_SCRIPT_BYTES, &len, "script", errs);
      if (!text)
        continue;
      src = text;
    }
    edgefn_script_options so = EDGEFN_SCRIPT_OPTIONS_INIT;
    so.source = src;
    so.source_len = len;
    so.filename = f->script_path ? f->script_path : f->name;
    edgefn_error_info ei = EDGEFN_ERROR_INFO_INIT;
    int rc = edgefn_script_new(&scripts[i], &so, &ei);
    if (rc != 0)
      script_error(errs, &ei, so.filename, rc);
    free(text);
    edgefn_runtime_options *ro = &ros[i];
    *ro = (edgefn_runtime_options)EDGEFN_RUNTIME_OPTIONS_INIT;
    ro->name = f->name;
    ro->cpu_limit_ms = f->cpu_ms;
    ro->wall_limit_ms = f->wall_ms;
    ro->memory_limit = f->memory_bytes;
    ro->subrequest_limit = f->subrequests;
    ro->log = gw_library_log;
    fns[i] = (edgefn_function)EDGEFN_FUNCTION_INIT;
    fns[i].name = f->name;
    fns[i].script = scripts[i];
    fns[i].options = ro;
  }

  if (cfg->rules_json) {
    edgefn_error_info ei = EDGEFN_ERROR_INFO_INIT;
    int rc = edgefn_rules_from_json(&s->rules, cfg->rules_json, cfg->rules_json_len,
                                    cfg->rules_name, &ei);
    if (rc != 0)
      script_error(errs, &ei, cfg->rules_name ? cfg->rules_name : "rules", rc);
  }

  if (cfg->cache_bytes > 0) {
    if (prev && prev->cache && prev->cfg->cache_bytes == cfg->cache_bytes) {
      s->cache = edgefn_cache_ref(prev->cache);
    } else {
      edgefn_cache_options co = EDGEFN_CACHE_OPTIONS_INIT;
      co.memory_budget = cfg->cache_bytes;
      int rc = edgefn_cache_new(&s->cache, &co);
      if (rc != 0)
        gw_errors_add(errs, "%s: cache: %s", cfg->path, edgefn_strerror(rc));
    }
  }

  for (size_t i = 0; i < cfg->norigins; i++) {
    origins[i] = (edgefn_origin)EDGEFN_ORIGIN_INIT;
    origins[i].host = cfg->origins[i].host;
    origins[i].address = cfg->origins[i].address;
    origins[i].tls = cfg->origins[i].tls;
    origins[i].host_header = cfg->origins[i].host_header;
  }

  if (errs->count == before) {
    edgefn_edge_options eo = EDGEFN_EDGE_OPTIONS_INIT;
    eo.rules = s->rules;
    eo.functions = fns;
    eo.function_count = cfg->nfunctions;
    eo.origins = origins;
    eo.origin_count = cfg->norigins;
    eo.cache = s->cache;
    eo.public_fetch_policy = cfg->fetch_policy;
    eo.log = gw_library_log;
    edgefn_error_info ei = EDGEFN_ERROR_INFO_INIT;
    int rc = edgefn_edge_new(&s->edge, &eo, &ei);
    if (rc != 0)
      gw_errors_add(errs, "%s: %s", cfg->path, ei.message[0] ? ei.message : edgefn_strerror(rc));
  }

done:
  /* The edge holds its own references to the scripts. */
  for (size_t i = 0; scripts && i < cfg->nfunctions; i++)
    edgefn_script_free(scripts[i]);
  free(scripts);
  free(fns);
  free(ros);
  free(origins);
  if (!s || errs->count != before) {
    if (s) {
      edgefn_edge_free(s->edge);
      edgefn_rules_free(s->rules);
      edgefn_cache_free(s->cache);
      free(s);
    }
    gw_config_free(cfg);
    return NULL;
  }
  s->generation = atomic_fetch_add(&next_generation, 1);
  return s;
}

gw_site *gw_site_ref(gw_site *s) {
  atomic_fetch_add(&s->refs, 1);
  return s;
}

void gw_site_unref(gw_site *s) {
  if (!s || atomic_fetch_sub(&s->refs, 1) != 1)
    return;
  edgefn_edge_free(s->edge);
  edgefn_rules_free(s->rules);
  edgefn_cache_free(s->cache);
  gw_config_free(s->cfg);
  free(s);
}

int gw_site_function_index(const gw_site *s, const char *name) {
  for (size_t i = 0; i < s->cfg->nfunctions; i++)
    if (strcmp(s->cfg->functions[i].name, name) == 0)
      return (int)i;
  return -1;
}

