/* ngx_http_edgefn_module — runs libedgefn edge functions inside nginx.
 *
 * Configuration (http block) describes one libedgefn pipeline (include/edgefn/edge.h):
 *
 *   edgefn_function NAME /path/script.js;      a function the rules can name
 *   edgefn_rules /path/rules.json;             trigger rules (docs/rules.md)
 *   edgefn_origin HOST ADDRESS:PORT [tls];     where a site's requests go when no function
 *                                              answers (and its subrequests)
 *   edgefn_cache SIZE;                         HTTP cache per worker (0 = off, the default)
 *   edgefn_kv NAME memory|sqlite:PATH|redis:HOST:PORT [NAMESPACE];
 *                                              a KV namespace bound to every function
 *   edgefn_env NAME VALUE;                     an environment value for every function
 *   edgefn_cpu_limit MS; edgefn_memory_limit SIZE;
 *
 * and `edgefn;` in a location hands its requests to the pipeline.
 *
 * Each worker process has its own edgefn_loop, registered with nginx's event loop: the
 * loop's descriptor as a level-triggered read event on a fake connection and its timeout as
 * an nginx timer (a 0 timeout becomes a posted event). Scripts and rules are compiled once
 * in the master while the configuration is read and shared by the workers after fork; the
 * edge, the cache and the KV stores are made in each worker (SQLite and Redis stores belong
 * to one loop). A function's response streams back through nginx's output filters as it
 * arrives. */
#include <ngx_config.h>
#include <ngx_core.h>
#include <ngx_http.h>

#include <edgefn/edgefn.h>

typedef struct {
  ngx_str_t name;
  edgefn_script *script;
} edgefn_ngx_function;

typedef struct {
  ngx_str_t name, spec, ns; /* spec: memory, sqlite:PATH, redis:HOST:PORT */
} edgefn_ngx_kv;

typedef struct {
  ngx_array_t functions; /* edgefn_ngx_function */
  ngx_array_t origins;   /* edgefn_origin, strings in the cycle pool */
  ngx_array_t kvs;       /* edgefn_ngx_kv */
  ngx_array_t envs;      /* edgefn_env_var */
  edgefn_rules *rules;
  size_t cache_size;
  ngx_msec_t cpu_limit;
  size_t memory_limit;
  ngx_flag_t used;
} edgefn_ngx_main_conf;

typedef struct {
  ngx_flag_t enable;
} edgefn_ngx_loc_conf;

/* The worker's pipeline. */
static struct {
  edgefn_loop *loop;
  edgefn_edge *edge;
  edgefn_cache *cache;
  edgefn_kv **stores;
  ngx_uint_t store_count;
  ngx_connection_t *conn; /* the loop's descriptor in nginx's event loop */
  ngx_event_t timer, posted;
  ngx_log_t *log;
} worker;

static ngx_int_t edgefn_ngx_init_process(ngx_cycle_t *cycle);
static void edgefn_ngx_exit_process(ngx_cycle_t *cycle);
static void *create_main_conf(ngx_conf_t *cf);
static void *create_loc_conf(ngx_conf_t *cf);
static char *merge_loc_conf(ngx_conf_t *cf, void *parent, void *child);
static char *set_function(ngx_conf_t *cf, ngx_command_t *cmd, void *conf);
static char *set_rules(ngx_conf_t *cf, ngx_command_t *cmd, void *conf);
static char *set_origin(ngx_conf_t *cf, ngx_command_t *cmd, void *conf);
static char *set_kv(ngx_conf_t *cf, ngx_command_t *cmd, void *conf);
static char *set_env(ngx_conf_t *cf, ngx_command_t *cmd, void *conf);
static char *set_enable(ngx_conf_t *cf, ngx_command_t *cmd, void *conf);

static ngx_command_t edgefn_commands[] = {
    {ngx_string("edgefn_function"), NGX_HTTP_MAIN_CONF | NGX_CONF_TAKE2, set_function,
     NGX_HTTP_MAIN_CONF_OFFSET, 0, NULL},
    {ngx_string("edgefn_rules"), NGX_HTTP_MAIN_CONF | NGX_CONF_TAKE1, set_rules,
     NGX_HTTP_MAIN_CONF_OFFSET, 0, NULL},
    {ngx_string("edgefn_origin"), NGX_HTTP_MAIN_CONF | NGX_CONF_TAKE23, set_origin,
     NGX_HTTP_MAIN_CONF_OFFSET, 0, NULL},
    {ngx_string("edgefn_cache"), NGX_HTTP_MAIN_CONF | NGX_CONF_TAKE1, ngx_conf_set_size_slot,
     NGX_HTTP_MAIN_CONF_OFFSET, offsetof(edgefn_ngx_main_conf, cache_size), NULL},
    {ngx_string("edgefn_kv"), NGX_HTTP_MAIN_CONF | NGX_CONF_TAKE23, set_kv,
     NGX_HTTP_MAIN_CONF_OFFSET, 0, NULL},
    {ngx_string("edgefn_env"), NGX_HTTP_MAIN_CONF | NGX_CONF_TAKE2, set_env,
     NGX_HTTP_MAIN_CONF_OFFSET, 0, NULL},
    {ngx_string("edgefn_cpu_limit"), NGX_HTTP_MAIN_CONF | NGX_CONF_TAKE1,
     ngx_conf_set_msec_slot, NGX_HTTP_MAIN_CONF_OFFSET,
     offsetof(edgefn_ngx_main_conf, cpu_limit), NULL},
    {ngx_string("edgefn_memory_limit"), NGX_HTTP_MAIN_CONF | NGX_CONF_TAKE1,
     ngx_conf_set_size_slot, NGX_HTTP_MAIN_CONF_OFFSET,
     offsetof(edgefn_ngx_main_conf, memory_limit), NULL},
    {ngx_string("edgefn"), NGX_HTTP_LOC_CONF | NGX_CONF_NOARGS, set_enable,
     NGX_HTTP_LOC_CONF_OFFSET, 0, NULL},
    ngx_null_command};

static ngx_http_module_t edgefn_module_ctx = {
    NULL, NULL, create_main_conf, NULL, NULL, NULL, create_loc_conf, merge_loc_conf};

ngx_module_t ngx_http_edgefn_module = {NGX_MODULE_V1,
                                       &edgefn_module_ctx,
                                       edgefn_commands,
                                       NGX_HTTP_MODULE,
                                       NULL,
                                       NULL,
                                       edgefn_ngx_init_process,
                                       NULL,
                                       NULL,
                                       edgefn_ngx_exit_process,
                                       NULL,
                                       NGX_MODULE_V1_PADDING};

/* ---- configuration ---- */

static void cleanup_main_conf(void *data) {
  edgefn_ngx_main_conf *mc = data;
  edgefn_ngx_function *f = mc->functions.elts;
  for (ngx_uint_t i = 0; i < mc->functions.nelts; i++)
    edgefn_script_free(f[i].script);
  edgefn_rules_free(mc->rules);
}

static void *create_main_conf(ngx_conf_t *cf) {
  edgefn_ngx_main_conf *mc = ngx_pcalloc(cf->pool, sizeof(*mc));
  if (!mc)
    return NULL;
  if (ngx_array_init(&mc->functions, cf->pool, 4, sizeof(edgefn_ngx_function)) != NGX_OK ||
      ngx_array_init(&mc->origins, cf->pool, 4, sizeof(edgefn_origin)) != NGX_OK ||
      ngx_array_init(&mc->kvs, cf->pool, 2, sizeof(edgefn_ngx_kv)) != NGX_OK ||
      ngx_array_init(&mc->envs, cf->pool, 4, sizeof(edgefn_env_var)) != NGX_OK)
    return NULL;
  mc->cache_size = NGX_CONF_UNSET_SIZE;
  mc->memory_limit = NGX_CONF_UNSET_SIZE;
  mc->cpu_limit = NGX_CONF_UNSET_MSEC;
  ngx_pool_cleanup_t *cln = ngx_pool_cleanup_add(cf->pool, 0);
  if (!cln)
    return NULL;
  cln->handler = cleanup_main_conf;
  cln->data = mc;
  return mc;
}

/* A NUL-terminated copy in the configuration pool. */
static char *cstr(ngx_conf_t *cf, ngx_str_t *s) {
  char *p = ngx_pnalloc(cf->pool, s->len + 1);
  if (p) {
    ngx_memcpy(p, s->data, s->len);
    p[s->len] = '\0';
  }
  return p;
}

static char *read_file(ngx_conf_t *cf, ngx_str_t *name, size_t *len) {
  if (ngx_conf_full_name(cf->cycle, name, 1) != NGX_OK)
    return NULL;
  char *path = cstr(cf, name);
  FILE *f = path ? fopen(path, "rb") : NULL;
  if (!f) {
    ngx_conf_log_error(NGX_LOG_EMERG, cf, ngx_errno, "edgefn: cannot open \"%V\"", name);
    return NULL;
  }
  char *buf = NULL;
  size_t n = 0, cap = 0;
  for (;;) {
    if (n == cap) {
      cap = cap ? cap * 2 : 65536;
      char *nb = ngx_alloc(cap + 1, cf->log);
      if (!nb)
        break;
      if (n)
        ngx_memcpy(nb, buf, n);
      ngx_free(buf);
      buf = nb;
    }
    size_t r = fread(buf + n, 1, cap - n, f);
    n += r;
    if (r == 0)
      break;
  }
  fclose(f);
  if (buf) {
    buf[n] = '\0';
    *len = n;
  }
  return buf;
}

static char *set_function(ngx_conf_t *cf, ngx_command_t *cmd, void *conf) {
  edgefn_ngx_main_conf *mc = conf;
  ngx_str_t *args = cf->args->elts;
  size_t len = 0;
  char *src = read_file(cf, &args[2], &len);
  if (!src)
    return NGX_CONF_ERROR;
  edgefn_script_options so = EDGEFN_SCRIPT_OPTIONS_INIT;
  so.source = src;
  so.source_len = len;
  so.filename = cstr(cf, &args[2]);
  edgefn_error_info err = EDGEFN_ERROR_INFO_INIT;
  edgefn_script *script = NULL;
  int rc = edgefn_script_new(&script, &so, &err);
  ngx_free(src);
  if (rc != 0) {
    ngx_conf_log_error(NGX_LOG_EMERG, cf, 0, "edgefn: %s:%d:%d: %s", err.file, err.line,
                       err.column, err.message[0] ? err.message : edgefn_strerror(rc));
    return NGX_CONF_ERROR;
  }
  edgefn_ngx_function *f = ngx_array_push(&mc->functions);
  if (!f) {
    edgefn_script_free(script);
    return NGX_CONF_ERROR;
  }
  f->name = args[1];
  f->script = script;
  return NGX_CONF_OK;
}

static char *set_rules(ngx_conf_t *cf, ngx_command_t *cmd, void *conf) {
  edgefn_ngx_main_conf *mc = conf;
  ngx_str_t *args = cf->args->elts;
  if (mc->rules)
    return "is duplicate";
  size_t len = 0;
  char *json = read_file(cf, &args[1], &len);
  if (!json)
    return NGX_CONF_ERROR;
  edgefn_error_info err = EDGEFN_ERROR_INFO_INIT;
  int rc = edgefn_rules_from_json(&mc->rules, json, len, cstr(cf, &args[1]), &err);
  ngx_free(json);
  if (rc != 0) {
    ngx_conf_log_error(NGX_LOG_EMERG, cf, 0, "edgefn: %s:%d:%d: %s", err.file, err.line,
                       err.column, err.message);
    return NGX_CONF_ERROR;
  }
  return NGX_CONF_OK;
}

static char *set_origin(ngx_conf_t *cf, ngx_command_t *cmd, void *conf) {
  edgefn_ngx_main_conf *mc = conf;
  ngx_str_t *args = cf->args->elts;
  edgefn_origin *o = ngx_array_push(&mc->origins);
  if (!o)
    return NGX_CONF_ERROR;
  edgefn_origin init = EDGEFN_ORIGIN_INIT;
  *o = init;
  o->host = cstr(cf, &args[1]);
  o->address = cstr(cf, &args[2]);
  if (cf->args->nelts == 4) {
    if (args[3].len != 3 || ngx_strncmp(args[3].data, "tls", 3) != 0)
      return "takes \"tls\" as its third argument";
    o->tls = 1;
  }
  return o->host && o->address ? NGX_CONF_OK : NGX_CONF_ERROR;
}

static char *set_kv(ngx_conf_t *cf, ngx_command_t *cmd, void *conf) {
  edgefn_ngx_main_conf *mc = conf;
  ngx_str_t *args = cf->args->elts;
  ngx_str_t spec = args[2];
  if (!(spec.len == 6 && ngx_strncmp(spec.data, "memory", 6) == 0) &&
      !(spec.len > 7 && ngx_strncmp(spec.data, "sqlite:", 7) == 0) &&
      !(spec.len > 6 && ngx_strncmp(spec.data, "redis:", 6) == 0))
    return "takes memory, sqlite:PATH or redis:HOST:PORT";
  edgefn_ngx_kv *k = ngx_array_push(&mc->kvs);
  if (!k)
    return NGX_CONF_ERROR;
  k->name = args[1];
  k->spec = spec;
  k->ns = cf->args->nelts == 4 ? args[3] : args[1];
  return NGX_CONF_OK;
}

static char *set_env(ngx_conf_t *cf, ngx_command_t *cmd, void *conf) {
  edgefn_ngx_main_conf *mc = conf;
  ngx_str_t *args = cf->args->elts;
  edgefn_env_var *v = ngx_array_push(&mc->envs);
  if (!v)
    return NGX_CONF_ERROR;
  v->name = cstr(cf, &args[1]);
  v->value = cstr(cf, &args[2]);
  v->value_len = args[2].len;
  return v->name && v->value ? NGX_CONF_OK : NGX_CONF_ERROR;
}

static void *create_loc_conf(ngx_conf_t *cf) {
  edgefn_ngx_loc_conf *lc = ngx_pcalloc(cf->pool, sizeof(*lc));
  if (lc)
    lc->enable = NGX_CONF_UNSET;
  return lc;
}

static char *merge_loc_conf(ngx_conf_t *cf, void *parent, void *child) {
  edgefn_ngx_loc_conf *prev = parent, *conf = child;
  ngx_conf_merge_value(conf->enable, prev->enable, 0);
  return NGX_CONF_OK;
}

static ngx_int_t edgefn_ngx_handler(ngx_http_request_t *r);

static char *set_enable(ngx_conf_t *cf, ngx_command_t *cmd, void *conf) {
  edgefn_ngx_loc_conf *lc = conf;
  lc->enable = 1;
  ngx_http_core_loc_conf_t *clcf = ngx_http_conf_get_module_loc_conf(cf, ngx_http_core_module);
  clcf->handler = edgefn_ngx_handler;
  edgefn_ngx_main_conf *mc = ngx_http_conf_get_module_main_conf(cf, ngx_http_edgefn_module);
  mc->used = 1;
  return NGX_CONF_OK;
}

/* ---- the worker's loop in nginx's event loop ---- */

static void loop_rearm(void) {
  int ms = edgefn_loop_timeout(worker.loop);
  if (worker.timer.timer_set) {
    ngx_del_timer(&worker.timer);
  }
  if (ms == 0) {
    ngx_post_event(&worker.posted, &ngx_posted_events); /* once, however often asked */
  } else if (ms > 0) {
    ngx_add_timer(&worker.timer, (ngx_msec_t)ms);
  }
}

static void loop_run(ngx_event_t *ev) {
  if (edgefn_loop_process(worker.loop) != 0)
    ngx_log_error(NGX_LOG_ALERT, worker.log, ngx_errno, "edgefn: loop processing failed");
  loop_rearm();
}

static void edge_log(void *ud, int level, const char *fn, const char *msg, size_t len) {
  static const ngx_uint_t levels[] = {NGX_LOG_ERR, NGX_LOG_WARN, NGX_LOG_INFO, NGX_LOG_DEBUG};
  ngx_uint_t l = level >= 0 && level <= 3 ? levels[level] : NGX_LOG_ERR;
  ngx_log_error(l, worker.log, 0, "edgefn %s: %*s", fn && fn[0] ? fn : "-", len, msg);
}

static edgefn_kv *open_store(edgefn_ngx_kv *k, ngx_log_t *log) {
  edgefn_kv *kv = NULL;
  int rc;
  char buf[1024];
  if (k->spec.len == 6) {
    rc = edgefn_kv_memory_new(&kv);
  } else if (k->spec.data[0] == 's') {
    ngx_snprintf((u_char *)buf, sizeof(buf) - 1, "%V%Z", &k->spec);
    edgefn_error_info err = EDGEFN_ERROR_INFO_INIT;
    rc = edgefn_kv_sqlite_new(&kv, worker.loop, buf + 7, &err);
    if (rc)
      ngx_log_error(NGX_LOG_EMERG, log, 0, "edgefn_kv %V: %s", &k->name, err.message);
  } else {
    ngx_snprintf((u_char *)buf, sizeof(buf) - 1, "%V%Z", &k->spec);
    char *host = buf + 6, *colon = strrchr(host, ':');
    edgefn_kv_redis_options o = EDGEFN_KV_REDIS_OPTIONS_INIT;
    if (colon) {
      *colon = '\0';
      o.port = atoi(colon + 1);
    }
    o.host = host;
    rc = edgefn_kv_redis_new(&kv, worker.loop, &o);
  }
  if (rc) {
    ngx_log_error(NGX_LOG_EMERG, log, 0, "edgefn_kv %V: %s", &k->name, edgefn_strerror(rc));
    return NULL;
  }
  return kv;
}

static ngx_int_t edgefn_ngx_init_process(ngx_cycle_t *cycle) {
  edgefn_ngx_main_conf *mc = ngx_http_cycle_get_module_main_conf(cycle, ngx_http_edgefn_module);
  if (!mc || !mc->used)
    return NGX_OK;
  worker.log = cycle->log;
  if (edgefn_loop_new(&worker.loop, NULL) != 0)
    return NGX_ERROR;
  if (mc->cache_size != NGX_CONF_UNSET_SIZE && mc->cache_size > 0) {
    edgefn_cache_options co = EDGEFN_CACHE_OPTIONS_INIT;
    co.memory_budget = mc->cache_size;
    if (edgefn_cache_new(&worker.cache, &co) != 0)
      return NGX_ERROR;
  }
  /* KV stores and bindings; SQLite and Redis stores belong to this worker's loop. */
  edgefn_ngx_kv *kvs = mc->kvs.elts;
  worker.stores = ngx_pcalloc(cycle->pool, sizeof(edgefn_kv *) * (mc->kvs.nelts + 1));
  edgefn_kv_binding *binds = ngx_pcalloc(cycle->pool, sizeof(*binds) * (mc->kvs.nelts + 1));
  if (!worker.stores || !binds)
    return NGX_ERROR;
  for (ngx_uint_t i = 0; i < mc->kvs.nelts; i++) {
    worker.stores[i] = open_store(&kvs[i], cycle->log);
    if (!worker.stores[i])
      return NGX_ERROR;
    worker.store_count++;
    ngx_str_t name = kvs[i].name, ns = kvs[i].ns;
    char *n = ngx_pnalloc(cycle->pool, name.len + 1), *s = ngx_pnalloc(cycle->pool, ns.len + 1);
    if (!n || !s)
      return NGX_ERROR;
    ngx_memcpy(n, name.data, name.len);
    n[name.len] = '\0';
    ngx_memcpy(s, ns.data, ns.len);
    s[ns.len] = '\0';
    binds[i].name = n;
    binds[i].kv = worker.stores[i];
    binds[i].ns = s;
  }
  /* The edge copies these options shallowly: they live in the cycle pool. */
  edgefn_runtime_options *ro = ngx_pcalloc(cycle->pool, sizeof(*ro));
  edgefn_function *fns =
      ngx_pcalloc(cycle->pool, sizeof(edgefn_function) * (mc->functions.nelts + 1));
  if (!ro || !fns)
    return NGX_ERROR;
  edgefn_runtime_options ro_init = EDGEFN_RUNTIME_OPTIONS_INIT;
  *ro = ro_init;
  ro->log = edge_log;
  if (mc->cpu_limit != NGX_CONF_UNSET_MSEC)
    ro->cpu_limit_ms = (uint32_t)mc->cpu_limit;
  if (mc->memory_limit != NGX_CONF_UNSET_SIZE)
    ro->memory_limit = mc->memory_limit;
  ro->kv_bindings = binds;
  ro->kv_binding_count = mc->kvs.nelts;
  ro->env_vars = mc->envs.elts;
  ro->env_var_count = mc->envs.nelts;
  edgefn_ngx_function *f = mc->functions.elts;
  for (ngx_uint_t i = 0; i < mc->functions.nelts; i++) {
    char *name = ngx_pnalloc(cycle->pool, f[i].name.len + 1);
    if (!name)
      return NGX_ERROR;
    ngx_memcpy(name, f[i].name.data, f[i].name.len);
    name[f[i].name.len] = '\0';
    edgefn_function init = EDGEFN_FUNCTION_INIT;
    fns[i] = init;
    fns[i].name = name;
    fns[i].script = f[i].script;
    fns[i].options = ro;
  }
  edgefn_edge_options eo = EDGEFN_EDGE_OPTIONS_INIT;
  eo.rules = mc->rules;
  eo.functions = fns;
  eo.function_count = mc->functions.nelts;
  eo.origins = mc->origins.elts;
  eo.origin_count = mc->origins.nelts;
  eo.cache = worker.cache;
  eo.log = edge_log;
  edgefn_error_info err = EDGEFN_ERROR_INFO_INIT;
  if (edgefn_edge_new(&worker.edge, &eo, &err) != 0) {
    ngx_log_error(NGX_LOG_EMERG, cycle->log, 0, "edgefn: %s", err.message);
    return NGX_ERROR;
  }
  if (edgefn_edge_attach(worker.edge, worker.loop) != 0)
    return NGX_ERROR;

  ngx_connection_t *c = ngx_get_connection(edgefn_loop_fd(worker.loop), cycle->log);
  if (!c)
    return NGX_ERROR;
  c->read->handler = loop_run;
  c->read->log = cycle->log;
  c->write->log = cycle->log;
  /* Level-triggered: the loop's descriptor stays readable until processed. */
  if (ngx_add_event(c->read, NGX_READ_EVENT, NGX_LEVEL_EVENT) != NGX_OK) {
    ngx_free_connection(c);
    return NGX_ERROR;
  }
  worker.conn = c;
  worker.timer.handler = loop_run;
  worker.timer.log = cycle->log;
  worker.timer.cancelable = 1; /* pending library timers do not delay a graceful exit */
  worker.posted.handler = loop_run;
  worker.posted.log = cycle->log;
  loop_rearm();
  return NGX_OK;
}

static void edgefn_ngx_exit_process(ngx_cycle_t *cycle) {
  if (!worker.loop)
    return;
  if (worker.conn) {
    ngx_del_event(worker.conn->read, NGX_READ_EVENT, 0);
    worker.conn->fd = (ngx_socket_t)-1; /* the loop owns the descriptor */
    ngx_free_connection(worker.conn);
  }
  if (worker.timer.timer_set) {
    ngx_del_timer(&worker.timer);
  }
  if (worker.posted.posted) {
    ngx_delete_posted_event(&worker.posted);
  }
  if (worker.edge) {
    edgefn_edge_detach(worker.edge, worker.loop);
    edgefn_edge_free(worker.edge);
  }
  for (ngx_uint_t i = 0; i < worker.store_count; i++)
    edgefn_kv_free(worker.stores[i]);
  edgefn_cache_free(worker.cache);
  edgefn_loop_free(worker.loop);
  worker.loop = NULL;
}

/* ---- requests ---- */

/* Lives until on_end, which always comes exactly once; r is NULL once nginx dropped the
 * request (client gone) so that later callbacks touch nothing of it. */
typedef struct {
  ngx_http_request_t *r;
  ngx_int_t send_rc;
  ngx_flag_t head_sent;
  ngx_flag_t last_sent;  /* the body's last buffer went out with its final chunk */
  off_t remaining;       /* bytes of a body of known length still to come; -1: streamed */
} edgefn_ngx_ctx;

static void request_gone(void *data) {
  edgefn_ngx_ctx *ctx = data;
  ctx->r = NULL;
}

static void on_head(void *ud, const edgefn_response_head *head) {
  edgefn_ngx_ctx *ctx = ud;
  ngx_http_request_t *r = ctx->r;
  if (!r)
    return;
  r->headers_out.status = head->status;
  r->headers_out.content_length_n = head->content_length;
  for (size_t i = 0; i < head->header_count; i++) {
    const edgefn_header *h = &head->headers[i];
    if ((h->name_len == 14 && ngx_strncasecmp((u_char *)h->name, (u_char *)"content-length", 14) == 0) ||
        (h->name_len == 17 &&
         ngx_strncasecmp((u_char *)h->name, (u_char *)"transfer-encoding", 17) == 0) ||
        (h->name_len == 10 && ngx_strncasecmp((u_char *)h->name, (u_char *)"connection", 10) == 0))
      continue; /* nginx frames the response itself */
    u_char *copy = ngx_pnalloc(r->pool, h->name_len + h->value_len);
    if (!copy)
      continue;
    ngx_memcpy(copy, h->name, h->name_len);
    ngx_memcpy(copy + h->name_len, h->value, h->value_len);
    if (h->name_len == 12 && ngx_strncasecmp(copy, (u_char *)"content-type", 12) == 0) {
      r->headers_out.content_type.data = copy + h->name_len;
      r->headers_out.content_type.len = h->value_len;
      r->headers_out.content_type_len = h->value_len;
      continue;
    }
    ngx_table_elt_t *e = ngx_list_push(&r->headers_out.headers);
    if (!e)
      continue;
    e->hash = 1;
    e->key.data = copy;
    e->key.len = h->name_len;
    e->value.data = copy + h->name_len;
    e->value.len = h->value_len;
  }
  ctx->head_sent = 1;
  ctx->remaining = head->content_length;
  ctx->send_rc = ngx_http_send_header(r);
}

static void on_body(void *ud, const uint8_t *data, size_t len) {
  edgefn_ngx_ctx *ctx = ud;
  ngx_http_request_t *r = ctx->r;
  if (!r || ctx->send_rc == NGX_ERROR || r->header_only)
    return;
  ngx_buf_t *b = ngx_create_temp_buf(r->pool, len);
  if (!b) {
    ctx->send_rc = NGX_ERROR;
    return;
  }
  b->last = ngx_cpymem(b->pos, data, len);
  if (ctx->remaining >= 0) {
    /* A body of known length: its final chunk carries the end of the response, so head,
     * body and end leave in one write. */
    ctx->remaining -= (off_t)len;
    if (ctx->remaining <= 0) {
      b->last_buf = 1;
      ctx->last_sent = 1;
    }
  } else {
    b->flush = 1; /* a streamed body reaches the client as it is produced */
  }
  ngx_chain_t out = {b, NULL};
  ctx->send_rc = ngx_http_output_filter(r, &out);
}

static void on_end(void *ud, int result) {
  edgefn_ngx_ctx *ctx = ud;
  ngx_http_request_t *r = ctx->r;
  if (r) {
    ngx_pool_cleanup_t *cln;
    for (cln = r->pool->cleanup; cln; cln = cln->next)
      if (cln->handler == request_gone && cln->data == ctx)
        cln->handler = NULL; /* ctx is freed below */
    ngx_int_t rc;
    if (result != 0 && !ctx->head_sent) {
      rc = NGX_HTTP_BAD_GATEWAY;
    } else if (result != 0 || ctx->send_rc == NGX_ERROR) {
      rc = NGX_ERROR; /* cut short after the head: close rather than end the message */
    } else if (r->header_only || ctx->last_sent) {
      rc = ctx->send_rc;
    } else {
      rc = ngx_http_send_special(r, NGX_HTTP_LAST);
    }
    ngx_http_finalize_request(r, rc);
  }
  ngx_free(ctx);
}

static const edgefn_response_handler ngx_handler = {sizeof(edgefn_response_handler), on_head,
                                                    on_body, on_end};

/* Called with the whole request body read (in memory). */
static void dispatch(ngx_http_request_t *r) {
  ngx_int_t fail = NGX_HTTP_INTERNAL_SERVER_ERROR;
  edgefn_ngx_ctx *ctx = ngx_calloc(sizeof(*ctx), r->connection->log);
  ngx_pool_cleanup_t *cln = ctx ? ngx_pool_cleanup_add(r->pool, 0) : NULL;
  if (!cln) {
    ngx_free(ctx);
    ngx_http_finalize_request(r, fail);
    return;
  }
  ctx->r = r;
  cln->handler = request_gone;
  cln->data = ctx;

  /* The body, joined into one buffer: nginx may hand it over as the part read with the
   * head plus the rest, and a body larger than client_body_buffer_size sits in a file. */
  u_char *body = NULL;
  size_t body_len = 0;
  if (r->request_body && r->request_body->bufs) {
    ngx_chain_t *cl;
    for (cl = r->request_body->bufs; cl; cl = cl->next)
      body_len += (size_t)ngx_buf_size(cl->buf);
    body = ngx_pnalloc(r->pool, body_len + 1);
    u_char *p = body;
    for (cl = r->request_body->bufs; body && cl; cl = cl->next) {
      ngx_buf_t *b = cl->buf;
      if (b->in_file) {
        ssize_t n = ngx_read_file(b->file, p, (size_t)(b->file_last - b->file_pos), b->file_pos);
        if (n != b->file_last - b->file_pos)
          body = NULL;
        else
          p += n;
      } else {
        p = ngx_cpymem(p, b->pos, b->last - b->pos);
      }
    }
    if (!body) {
      cln->handler = NULL;
      ngx_free(ctx);
      ngx_http_finalize_request(r, fail);
      return;
    }
  }
  /* The absolute URL: scheme, the Host the client sent, the request target as received. */
  ngx_str_t host = r->headers_in.server;
  int tls = 0;
#if (NGX_HTTP_SSL)
  tls = r->connection->ssl != NULL;
#endif
  size_t url_cap = 8 + host.len + r->unparsed_uri.len;
  u_char *url = ngx_pnalloc(r->pool, url_cap);
  ngx_uint_t n = 0;
  ngx_list_part_t *part = &r->headers_in.headers.part;
  for (; part; part = part->next)
    n += part->nelts;
  edgefn_header *hdrs = ngx_pcalloc(r->pool, sizeof(edgefn_header) * (n + 1));
  u_char *ip = ngx_pnalloc(r->pool, r->connection->addr_text.len + 1);
  if (!url || !hdrs || !ip) {
    cln->handler = NULL;
    ngx_free(ctx);
    ngx_http_finalize_request(r, fail);
    return;
  }
  u_char *e = ngx_snprintf(url, url_cap, "%s://%V%V", tls ? "https" : "http", &host,
                           &r->unparsed_uri);
  ngx_uint_t k = 0;
  for (part = &r->headers_in.headers.part; part; part = part->next) {
    ngx_table_elt_t *h = part->elts;
    for (ngx_uint_t i = 0; i < part->nelts; i++, k++)
      hdrs[k] = (edgefn_header){(const char *)h[i].key.data, h[i].key.len,
                                (const char *)h[i].value.data, h[i].value.len};
  }
  ngx_memcpy(ip, r->connection->addr_text.data, r->connection->addr_text.len);
  ip[r->connection->addr_text.len] = '\0';
  edgefn_request req = EDGEFN_REQUEST_INIT;
  req.method = (const char *)r->method_name.data;
  req.method_len = r->method_name.len;
  req.url = (const char *)url;
  req.url_len = (size_t)(e - url);
  req.headers = hdrs;
  req.header_count = k;
  req.body = body;
  req.body_len = body_len;
  req.client_ip = (const char *)ip;
  int rc = edgefn_edge_handle(worker.edge, worker.loop, &req, &ngx_handler, ctx);
  if (rc != 0) {
    cln->handler = NULL;
    ngx_free(ctx);
    ngx_http_finalize_request(r, fail);
    return;
  }
  loop_rearm(); /* the call may have queued work no descriptor announces */
}

static void body_read(ngx_http_request_t *r) {
  dispatch(r);
}

static ngx_int_t edgefn_ngx_handler(ngx_http_request_t *r) {
  if (!worker.edge)
    return NGX_HTTP_SERVICE_UNAVAILABLE;
  ngx_int_t rc = ngx_http_read_client_request_body(r, body_read);
  if (rc >= NGX_HTTP_SPECIAL_RESPONSE)
    return rc;
  return NGX_DONE;
}
