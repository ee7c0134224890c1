/*
 * ngx_http_edgefn_module: libedgefn edge functions inside nginx.
 *
 * Each worker process runs one edgefn_loop inside nginx's own event loop: the loop's epoll
 * descriptor is registered as a read event and its next deadline as an nginx timer, so the
 * library's timers, fetches and cache work advance between nginx's own events and nothing
 * blocks. A location with `edgefn_pass` hands its requests to an edgefn_edge built from the
 * http block's directives: the trigger rules pick a function (or none), the function runs in
 * the worker's runtime for it, and what no function answers goes through the worker's HTTP
 * cache to the origin configured for the request's host. Responses are passed to nginx's
 * output filters as the library delivers them.
 *
 * Scripts and rules are compiled once, when the configuration is read (a bad script or rule
 * file fails `nginx -t` with its location); edges, loops and caches are per worker process.
 *
 * Directives (http block):
 *   edgefn_function NAME FILE [cpu_ms=N] [memory=SIZE] [wall_ms=N];
 *   edgefn_rules FILE;                      trigger rules, docs/rules.md's JSON format
 *   edgefn_origin HOST ADDRESS:PORT [tls] [host_header=NAME];
 *   edgefn_cache SIZE | off;                per worker; default off
 *   edgefn_fetch_allow loopback | private ...;   subrequests to hosts without an origin
 *   edgefn_kv NAME memory | sqlite:PATH | redis:HOST:PORT [NAMESPACE];
 *                                           a KV namespace bound to every function
 *   edgefn_env NAME VALUE;                  an environment value for every function
 * Location:
 *   edgefn_pass;                            the content handler
 */
#include <ngx_config.h>
#include <ngx_core.h>
#include <ngx_http.h>

#include <edgefn/edgefn.h>

typedef struct {
  ngx_str_t name;
  edgefn_script *script;
  edgefn_runtime_options options;
} ngx_http_edgefn_function_t;

typedef struct {
  ngx_str_t host, address, host_header;
  ngx_flag_t tls;
} ngx_http_edgefn_origin_t;

typedef struct {
  ngx_str_t name, spec, ns; /* spec: memory, sqlite:PATH, redis:HOST:PORT */
} ngx_http_edgefn_kv_t;

typedef struct {
  ngx_array_t *functions; /* ngx_http_edgefn_function_t */
  ngx_array_t *origins;   /* ngx_http_edgefn_origin_t */
  ngx_array_t *kvs;       /* ngx_http_edgefn_kv_t */
  ngx_array_t *envs;      /* edgefn_env_var, strings NUL-terminated in the conf pool */
  edgefn_rules *rules;
  size_t cache_size;      /* 0: no cache */
  ngx_flag_t cache_set;
  uint32_t fetch_policy;
  ngx_flag_t used;        /* some location has edgefn_pass */
} ngx_http_edgefn_main_conf_t;

typedef struct {
  ngx_flag_t pass;
} ngx_http_edgefn_loc_conf_t;

/* The worker's state. */
typedef struct {
  edgefn_loop *loop;
  edgefn_cache *cache;
  edgefn_edge *edge;
  edgefn_kv **stores; /* one per edgefn_kv; SQLite and Redis stores belong to the loop */
  ngx_uint_t store_count;
  ngx_connection_t *conn; /* wraps the loop's epoll descriptor */
  ngx_event_t timer;
  ngx_log_t *log;
  ngx_uint_t in_flight; /* requests handed to the edge whose on_end has not come */
  void *spare_ctx; /* the last request's ngx_http_edgefn_ctx_t, for the next (one malloc less) */
} ngx_http_edgefn_worker_t;

static ngx_http_edgefn_worker_t worker;

/* One request handed to the edge. Allocated outside the request's pool: the edge may call
 * back after nginx has freed the request (the client went away), and then only marks it. */
typedef struct {
  ngx_http_request_t *r; /* NULL once nginx freed the request */
  unsigned head_sent : 1;
  unsigned ended : 1;
  unsigned last_sent : 1; /* the body's last byte went out in a last_buf buffer */
  ngx_int_t status;
  off_t remaining; /* body bytes still to come when the head gave a length, else -1 */
} ngx_http_edgefn_ctx_t;

static ngx_http_edgefn_ctx_t *ngx_http_edgefn_ctx_new(ngx_log_t *log) {
  ngx_http_edgefn_ctx_t *ctx = worker.spare_ctx;
  if (ctx == NULL)
    return ngx_calloc(sizeof(*ctx), log);
  worker.spare_ctx = NULL;
  ngx_memzero(ctx, sizeof(*ctx));
  return ctx;
}

static void ngx_http_edgefn_ctx_free(ngx_http_edgefn_ctx_t *ctx) {
  if (ctx != NULL && worker.spare_ctx == NULL)
    worker.spare_ctx = ctx;
  else
    ngx_free(ctx);
}

static void *ngx_http_edgefn_create_main_conf(ngx_conf_t *cf);
static void *ngx_http_edgefn_create_loc_conf(ngx_conf_t *cf);
static char *ngx_http_edgefn_merge_loc_conf(ngx_conf_t *cf, void *parent, void *child);
static char *ngx_http_edgefn_function(ngx_conf_t *cf, ngx_command_t *cmd, void *conf);
static char *ngx_http_edgefn_rules(ngx_conf_t *cf, ngx_command_t *cmd, void *conf);
static char *ngx_http_edgefn_origin(ngx_conf_t *cf, ngx_command_t *cmd, void *conf);
static char *ngx_http_edgefn_cache(ngx_conf_t *cf, ngx_command_t *cmd, void *conf);
static char *ngx_http_edgefn_fetch_allow(ngx_conf_t *cf, ngx_command_t *cmd, void *conf);
static char *ngx_http_edgefn_pass(ngx_conf_t *cf, ngx_command_t *cmd, void *conf);
static char *ngx_http_edgefn_kv(ngx_conf_t *cf, ngx_command_t *cmd, void *conf);
static char *ngx_http_edgefn_env(ngx_conf_t *cf, ngx_command_t *cmd, void *conf);
static ngx_int_t ngx_http_edgefn_init_process(ngx_cycle_t *cycle);
static void ngx_http_edgefn_exit_process(ngx_cycle_t *cycle);

static ngx_command_t ngx_http_edgefn_commands[] = {
    {ngx_string("edgefn_function"), NGX_HTTP_MAIN_CONF | NGX_CONF_2MORE,
     ngx_http_edgefn_function, NGX_HTTP_MAIN_CONF_OFFSET, 0, NULL},
    {ngx_string("edgefn_rules"), NGX_HTTP_MAIN_CONF | NGX_CONF_TAKE1, ngx_http_edgefn_rules,
     NGX_HTTP_MAIN_CONF_OFFSET, 0, NULL},
    {ngx_string("edgefn_origin"), NGX_HTTP_MAIN_CONF | NGX_CONF_2MORE, ngx_http_edgefn_origin,
     NGX_HTTP_MAIN_CONF_OFFSET, 0, NULL},
    {ngx_string("edgefn_cache"), NGX_HTTP_MAIN_CONF | NGX_CONF_TAKE1, ngx_http_edgefn_cache,
     NGX_HTTP_MAIN_CONF_OFFSET, 0, NULL},
    {ngx_string("edgefn_fetch_allow"), NGX_HTTP_MAIN_CONF | NGX_CONF_1MORE,
     ngx_http_edgefn_fetch_allow, NGX_HTTP_MAIN_CONF_OFFSET, 0, NULL},
    {ngx_string("edgefn_kv"), NGX_HTTP_MAIN_CONF | NGX_CONF_TAKE23, ngx_http_edgefn_kv,
     NGX_HTTP_MAIN_CONF_OFFSET, 0, NULL},
    {ngx_string("edgefn_env"), NGX_HTTP_MAIN_CONF | NGX_CONF_TAKE2, ngx_http_edgefn_env,
     NGX_HTTP_MAIN_CONF_OFFSET, 0, NULL},
    {ngx_string("edgefn_pass"), NGX_HTTP_LOC_CONF | NGX_CONF_NOARGS, ngx_http_edgefn_pass,
     NGX_HTTP_LOC_CONF_OFFSET, 0, NULL},
    ngx_null_command};

static ngx_http_module_t ngx_http_edgefn_module_ctx = {
    NULL,                             /* preconfiguration */
    NULL,                             /* postconfiguration */
    ngx_http_edgefn_create_main_conf, /* create main configuration */
    NULL,                             /* init main configuration */
    NULL,                             /* create server configuration */
    NULL,                             /* merge server configuration */
    ngx_http_edgefn_create_loc_conf,  /* create location configuration */
    ngx_http_edgefn_merge_loc_conf    /* merge location configuration */
};

ngx_module_t ngx_http_edgefn_module = {NGX_MODULE_V1,
                                       &ngx_http_edgefn_module_ctx,
                                       ngx_http_edgefn_commands,
                                       NGX_HTTP_MODULE,
                                       NULL,                         /* init master */
                                       NULL,                         /* init module */
                                       ngx_http_edgefn_init_process, /* init process */
                                       NULL,                         /* init thread */
                                       NULL,                         /* exit thread */
                                       ngx_http_edgefn_exit_process, /* exit process */
                                       NULL,                         /* exit master */
                                       NGX_MODULE_V1_PADDING};

/* ---- configuration ---- */

static void ngx_http_edgefn_conf_cleanup(void *data) {
  ngx_http_edgefn_main_conf_t *mcf = data;
  ngx_http_edgefn_function_t *fn = mcf->functions->elts;
  for (ngx_uint_t i = 0; i < mcf->functions->nelts; i++)
    edgefn_script_free(fn[i].script);
  edgefn_rules_free(mcf->rules);
}

static void *ngx_http_edgefn_create_main_conf(ngx_conf_t *cf) {
  ngx_http_edgefn_main_conf_t *mcf = ngx_pcalloc(cf->pool, sizeof(*mcf));
  if (mcf == NULL)
    return NULL;
  mcf->functions = ngx_array_create(cf->pool, 4, sizeof(ngx_http_edgefn_function_t));
  mcf->origins = ngx_array_create(cf->pool, 4, sizeof(ngx_http_edgefn_origin_t));
  mcf->kvs = ngx_array_create(cf->pool, 2, sizeof(ngx_http_edgefn_kv_t));
  mcf->envs = ngx_array_create(cf->pool, 4, sizeof(edgefn_env_var));
  ngx_pool_cleanup_t *cln = ngx_pool_cleanup_add(cf->pool, 0);
  if (mcf->functions == NULL || mcf->origins == NULL || mcf->kvs == NULL ||
      mcf->envs == NULL || cln == NULL)
    return NULL;
  cln->handler = ngx_http_edgefn_conf_cleanup;
  cln->data = mcf;
  return mcf;
}

static void *ngx_http_edgefn_create_loc_conf(ngx_conf_t *cf) {
  ngx_http_edgefn_loc_conf_t *lcf = ngx_pcalloc(cf->pool, sizeof(*lcf));
  if (lcf == NULL)
    return NULL;
  lcf->pass = NGX_CONF_UNSET;
  return lcf;
}

static char *ngx_http_edgefn_merge_loc_conf(ngx_conf_t *cf, void *parent, void *child) {
  ngx_http_edgefn_loc_conf_t *prev = parent, *conf = child;
  ngx_conf_merge_value(conf->pass, prev->pass, 0);
  return NGX_CONF_OK;
}

/* Reads a whole file named relative to nginx's prefix into the configuration pool. */
static ngx_int_t ngx_http_edgefn_read_file(ngx_conf_t *cf, ngx_str_t *name, ngx_str_t *out) {
  if (ngx_conf_full_name(cf->cycle, name, 1) != NGX_OK)
    return NGX_ERROR;
  ngx_file_t file;
  ngx_memzero(&file, sizeof(file));
  file.name = *name;
  file.log = cf->log;
  file.fd = ngx_open_file(name->data, NGX_FILE_RDONLY, NGX_FILE_OPEN, 0);
  if (file.fd == NGX_INVALID_FILE) {
    ngx_conf_log_error(NGX_LOG_EMERG, cf, ngx_errno, ngx_open_file_n " \"%V\" failed", name);
    return NGX_ERROR;
  }
  ngx_file_info_t fi;
  ngx_int_t rc = NGX_ERROR;
  if (ngx_fd_info(file.fd, &fi) == NGX_FILE_ERROR) {
    ngx_conf_log_error(NGX_LOG_EMERG, cf, ngx_errno, ngx_fd_info_n " \"%V\" failed", name);
  } else {
    size_t size = (size_t)ngx_file_size(&fi);
    out->data = ngx_pnalloc(cf->pool, size + 1);
    if (out->data != NULL) {
      ssize_t n = ngx_read_file(&file, out->data, size, 0);
      if (n == (ssize_t)size) {
        out->data[size] = '\0';
        out->len = size;
        rc = NGX_OK;
      } else {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0, "could not read \"%V\"", name);
      }
    }
  }
  ngx_close_file(file.fd);
  return rc;
}

static char *ngx_http_edgefn_function(ngx_conf_t *cf, ngx_command_t *cmd, void *conf) {
  ngx_http_edgefn_main_conf_t *mcf = conf;
  ngx_str_t *value = cf->args->elts;
  ngx_http_edgefn_function_t *fn = mcf->functions->elts;
  for (ngx_uint_t i = 0; i < mcf->functions->nelts; i++)
    if (fn[i].name.len == value[1].len &&
        ngx_strncmp(fn[i].name.data, value[1].data, value[1].len) == 0)
      return "names a function twice";
  ngx_http_edgefn_function_t *f = ngx_array_push(mcf->functions);
  if (f == NULL)
    return NGX_CONF_ERROR;
  ngx_memzero(f, sizeof(*f));
  f->options = (edgefn_runtime_options)EDGEFN_RUNTIME_OPTIONS_INIT;
  /* NUL-terminated copies: the library takes C strings. */
  f->name.data = ngx_pnalloc(cf->pool, value[1].len + 1);
  if (f->name.data == NULL)
    return NGX_CONF_ERROR;
  ngx_memcpy(f->name.data, value[1].data, value[1].len);
  f->name.data[value[1].len] = '\0';
  f->name.len = value[1].len;
  f->options.name = (const char *)f->name.data;
  for (ngx_uint_t i = 3; i < cf->args->nelts; i++) {
    ngx_str_t *a = &value[i];
    if (a->len > 7 && ngx_strncmp(a->data, "cpu_ms=", 7) == 0) {
      ngx_int_t n = ngx_atoi(a->data + 7, a->len - 7);
      if (n <= 0)
        return "has an invalid cpu_ms";
      f->options.cpu_limit_ms = (uint32_t)n;
    } else if (a->len > 8 && ngx_strncmp(a->data, "wall_ms=", 8) == 0) {
      ngx_int_t n = ngx_atoi(a->data + 8, a->len - 8);
      if (n <= 0)
        return "has an invalid wall_ms";
      f->options.wall_limit_ms = (uint32_t)n;
    } else if (a->len > 7 && ngx_strncmp(a->data, "memory=", 7) == 0) {
      ngx_str_t s = {a->len - 7, a->data + 7};
      ssize_t n = ngx_parse_size(&s);
      if (n <= 0)
        return "has an invalid memory size";
      f->options.memory_limit = (size_t)n;
    } else {
      ngx_conf_log_error(NGX_LOG_EMERG, cf, 0, "unknown edgefn_function parameter \"%V\"", a);
      return NGX_CONF_ERROR;
    }
  }
  ngx_str_t file = value[2], source;
  if (ngx_http_edgefn_read_file(cf, &file, &source) != NGX_OK)
    return NGX_CONF_ERROR;
  edgefn_script_options so = EDGEFN_SCRIPT_OPTIONS_INIT;
  so.source = (const char *)source.data;
  so.source_len = source.len;
  so.filename = (const char *)file.data; /* ngx_conf_full_name made it NUL-terminated */
  edgefn_error_info err = EDGEFN_ERROR_INFO_INIT;
  int rc = edgefn_script_new(&f->script, &so, &err);
  if (rc != 0) {
    ngx_conf_log_error(NGX_LOG_EMERG, cf, 0, "edgefn_function \"%V\": %s:%d:%d: %s", &value[1],
                       err.file[0] ? err.file : (const char *)file.data, err.line, err.column,
                       err.message[0] ? err.message : edgefn_strerror(rc));
    mcf->functions->nelts--;
    return NGX_CONF_ERROR;
  }
  return NGX_CONF_OK;
}

static char *ngx_http_edgefn_rules(ngx_conf_t *cf, ngx_command_t *cmd, void *conf) {
  ngx_http_edgefn_main_conf_t *mcf = conf;
  if (mcf->rules != NULL)
    return "is duplicate";
  ngx_str_t *value = cf->args->elts;
  ngx_str_t file = value[1], json;
  if (ngx_http_edgefn_read_file(cf, &file, &json) != NGX_OK)
    return NGX_CONF_ERROR;
  edgefn_error_info err = EDGEFN_ERROR_INFO_INIT;
  int rc = edgefn_rules_from_json(&mcf->rules, (const char *)json.data, json.len,
                                  (const char *)file.data, &err);
  if (rc != 0) {
    ngx_conf_log_error(NGX_LOG_EMERG, cf, 0, "edgefn_rules: %s", err.message[0] ? err.message
                                                                               : edgefn_strerror(rc));
    return NGX_CONF_ERROR;
  }
  return NGX_CONF_OK;
}

static u_char *ngx_http_edgefn_cstr(ngx_conf_t *cf, ngx_str_t *s) {
  u_char *p = ngx_pnalloc(cf->pool, s->len + 1);
  if (p != NULL) {
    ngx_memcpy(p, s->data, s->len);
    p[s->len] = '\0';
  }
  return p;
}

static char *ngx_http_edgefn_origin(ngx_conf_t *cf, ngx_command_t *cmd, void *conf) {
  ngx_http_edgefn_main_conf_t *mcf = conf;
  ngx_str_t *value = cf->args->elts;
  ngx_http_edgefn_origin_t *o = ngx_array_push(mcf->origins);
  if (o == NULL)
    return NGX_CONF_ERROR;
  ngx_memzero(o, sizeof(*o));
  o->host.data = ngx_http_edgefn_cstr(cf, &value[1]);
  o->host.len = value[1].len;
  o->address.data = ngx_http_edgefn_cstr(cf, &value[2]);
  o->address.len = value[2].len;
  if (o->host.data == NULL || o->address.data == NULL)
    return NGX_CONF_ERROR;
  for (ngx_uint_t i = 3; i < cf->args->nelts; i++) {
    if (value[i].len == 3 && ngx_strncmp(value[i].data, "tls", 3) == 0) {
      o->tls = 1;
    } else if (value[i].len > 12 && ngx_strncmp(value[i].data, "host_header=", 12) == 0) {
      ngx_str_t h = {value[i].len - 12, value[i].data + 12};
      o->host_header.data = ngx_http_edgefn_cstr(cf, &h);
      o->host_header.len = h.len;
      if (o->host_header.data == NULL)
        return NGX_CONF_ERROR;
    } else {
      ngx_conf_log_error(NGX_LOG_EMERG, cf, 0, "unknown edgefn_origin parameter \"%V\"",
                         &value[i]);
      return NGX_CONF_ERROR;
    }
  }
  return NGX_CONF_OK;
}

static char *ngx_http_edgefn_cache(ngx_conf_t *cf, ngx_command_t *cmd, void *conf) {
  ngx_http_edgefn_main_conf_t *mcf = conf;
  if (mcf->cache_set)
    return "is duplicate";
  mcf->cache_set = 1;
  ngx_str_t *value = cf->args->elts;
  if (value[1].len == 3 && ngx_strncmp(value[1].data, "off", 3) == 0)
    return NGX_CONF_OK;
  ssize_t n = ngx_parse_size(&value[1]);
  if (n <= 0)
    return "has an invalid size";
  mcf->cache_size = (size_t)n;
  return NGX_CONF_OK;
}

static char *ngx_http_edgefn_fetch_allow(ngx_conf_t *cf, ngx_command_t *cmd, void *conf) {
  ngx_http_edgefn_main_conf_t *mcf = conf;
  ngx_str_t *value = cf->args->elts;
  for (ngx_uint_t i = 1; i < cf->args->nelts; i++) {
    if (value[i].len == 8 && ngx_strncmp(value[i].data, "loopback", 8) == 0)
      mcf->fetch_policy |= EDGEFN_FETCH_ALLOW_LOOPBACK;
    else if (value[i].len == 7 && ngx_strncmp(value[i].data, "private", 7) == 0)
      mcf->fetch_policy |= EDGEFN_FETCH_ALLOW_PRIVATE;
    else
      return "takes \"loopback\" and \"private\"";
  }
  return NGX_CONF_OK;
}

static char *ngx_http_edgefn_kv(ngx_conf_t *cf, ngx_command_t *cmd, void *conf) {
  ngx_http_edgefn_main_conf_t *mcf = conf;
  ngx_str_t *value = cf->args->elts;
  ngx_str_t spec = value[2];
  if (!(spec.len == 6 && ngx_strncmp(spec.data, "memory", 6) == 0) &&
      !(spec.len > 7 && ngx_strncmp(spec.data, "sqlite:", 7) == 0) &&
      !(spec.len > 6 && ngx_strncmp(spec.data, "redis:", 6) == 0))
    return "takes memory, sqlite:PATH or redis:HOST:PORT";
  ngx_http_edgefn_kv_t *k = ngx_array_push(mcf->kvs);
  if (k == NULL)
    return NGX_CONF_ERROR;
  ngx_str_t ns = cf->args->nelts == 4 ? value[3] : value[1];
  k->name.data = ngx_http_edgefn_cstr(cf, &value[1]);
  k->name.len = value[1].len;
  k->spec.data = ngx_http_edgefn_cstr(cf, &spec);
  k->spec.len = spec.len;
  k->ns.data = ngx_http_edgefn_cstr(cf, &ns);
  k->ns.len = ns.len;
  return k->name.data && k->spec.data && k->ns.data ? NGX_CONF_OK : NGX_CONF_ERROR;
}

static char *ngx_http_edgefn_env(ngx_conf_t *cf, ngx_command_t *cmd, void *conf) {
  ngx_http_edgefn_main_conf_t *mcf = conf;
  ngx_str_t *value = cf->args->elts;
  edgefn_env_var *v = ngx_array_push(mcf->envs);
  if (v == NULL)
    return NGX_CONF_ERROR;
  ngx_memzero(v, sizeof(*v));
  v->name = (const char *)ngx_http_edgefn_cstr(cf, &value[1]);
  v->value = (const char *)ngx_http_edgefn_cstr(cf, &value[2]);
  v->value_len = value[2].len;
  return v->name && v->value ? NGX_CONF_OK : NGX_CONF_ERROR;
}

static ngx_int_t ngx_http_edgefn_handler(ngx_http_request_t *r);

static char *ngx_http_edgefn_pass(ngx_conf_t *cf, ngx_command_t *cmd, void *conf) {
  ngx_http_edgefn_loc_conf_t *lcf = conf;
  if (lcf->pass != NGX_CONF_UNSET)
    return "is duplicate";
  lcf->pass = 1;
  ngx_http_core_loc_conf_t *clcf = ngx_http_conf_get_module_loc_conf(cf, ngx_http_core_module);
  clcf->handler = ngx_http_edgefn_handler;
  ngx_http_edgefn_main_conf_t *mcf = ngx_http_conf_get_module_main_conf(cf, ngx_http_edgefn_module);
  mcf->used = 1;
  return NGX_CONF_OK;
}

/* ---- the worker's loop inside nginx's ---- */

static void ngx_http_edgefn_pump(void);

static void ngx_http_edgefn_loop_event(ngx_event_t *ev) { ngx_http_edgefn_pump(); }

/* Runs what the library has ready, then arms the timer for its next deadline. */
static void ngx_http_edgefn_arm(void);

static void ngx_http_edgefn_pump(void) {
  if (worker.loop == NULL)
    return;
  if (edgefn_loop_process(worker.loop) != 0)
    ngx_log_error(NGX_LOG_ALERT, worker.log, ngx_errno, "edgefn: polling the loop failed");
  ngx_http_edgefn_arm();
}

/* Arms nginx's timer for the library's next deadline (0 when callbacks are queued: they
 * run from the timer in this same pass of nginx's loop). */
static void ngx_http_edgefn_arm(void) {
  int t = edgefn_loop_timeout(worker.loop);
  /* A cancelable timer does not hold a gracefully exiting worker back: only while no
   * request is waiting on the library (a function's setTimeout, a fetch). */
  worker.timer.cancelable = worker.in_flight == 0;
  if (t < 0) {
    if (worker.timer.timer_set)
      ngx_del_timer(&worker.timer);
  } else {
    ngx_add_timer(&worker.timer, (ngx_msec_t)t);
  }
}

static void ngx_http_edgefn_log(void *data, int level, const char *fn, const char *msg,
                                size_t len) {
  ngx_uint_t l = level <= EDGEFN_LOG_ERROR  ? NGX_LOG_ERR
                 : level == EDGEFN_LOG_WARN ? NGX_LOG_WARN
                 : level == EDGEFN_LOG_INFO ? NGX_LOG_INFO
                                            : NGX_LOG_DEBUG;
  ngx_log_error(l, worker.log, 0, "edgefn %s: %*s", fn ? fn : "-", (int)len, msg);
}

/* Opens the store an edgefn_kv directive names, on this worker's loop. */
static edgefn_kv *ngx_http_edgefn_open_store(ngx_http_edgefn_kv_t *k, ngx_log_t *log) {
  edgefn_kv *kv = NULL;
  edgefn_error_info err = EDGEFN_ERROR_INFO_INIT;
  int rc;
  if (k->spec.len == 6) {
    rc = edgefn_kv_memory_new(&kv);
  } else if (k->spec.data[0] == 's') {
    rc = edgefn_kv_sqlite_new(&kv, worker.loop, (const char *)k->spec.data + 7, &err);
  } else {
    char host[256];
    const char *h = (const char *)k->spec.data + 6, *colon = strrchr(h, ':');
    size_t hl = colon ? (size_t)(colon - h) : ngx_strlen(h);
    if (hl == 0 || hl >= sizeof(host)) {
      ngx_log_error(NGX_LOG_EMERG, log, 0, "edgefn_kv %V: bad redis address", &k->name);
      return NULL;
    }
    ngx_memcpy(host, h, hl);
    host[hl] = '\0';
    edgefn_kv_redis_options o = EDGEFN_KV_REDIS_OPTIONS_INIT;
    o.host = host;
    if (colon)
      o.port = atoi(colon + 1);
    rc = edgefn_kv_redis_new(&kv, worker.loop, &o);
  }
  if (rc != 0) {
    ngx_log_error(NGX_LOG_EMERG, log, 0, "edgefn_kv %V: %s", &k->name,
                  err.message[0] ? err.message : edgefn_strerror(rc));
    return NULL;
  }
  return kv;
}

static ngx_int_t ngx_http_edgefn_init_process(ngx_cycle_t *cycle) {
  ngx_http_edgefn_main_conf_t *mcf =
      ngx_http_cycle_get_module_main_conf(cycle, ngx_http_edgefn_module);
  if (mcf == NULL || !mcf->used)
    return NGX_OK;
  worker.log = cycle->log;
  int rc = edgefn_loop_new(&worker.loop, NULL);
  if (rc == 0 && mcf->cache_size) {
    edgefn_cache_options co = EDGEFN_CACHE_OPTIONS_INIT;
    co.memory_budget = mcf->cache_size;
    rc = edgefn_cache_new(&worker.cache, &co);
  }
  /* KV stores and their bindings, shared by every function of this worker. */
  size_t nk = mcf->kvs->nelts;
  worker.stores = ngx_pcalloc(cycle->pool, (nk ? nk : 1) * sizeof(edgefn_kv *));
  edgefn_kv_binding *binds = ngx_pcalloc(cycle->pool, (nk ? nk : 1) * sizeof(*binds));
  if (worker.stores == NULL || binds == NULL)
    return NGX_ERROR;
  ngx_http_edgefn_kv_t *kvs = mcf->kvs->elts;
  for (size_t i = 0; rc == 0 && i < nk; i++) {
    worker.stores[i] = ngx_http_edgefn_open_store(&kvs[i], cycle->log);
    if (worker.stores[i] == NULL)
      return NGX_ERROR;
    worker.store_count++;
    binds[i].name = (const char *)kvs[i].name.data;
    binds[i].kv = worker.stores[i];
    binds[i].ns = (const char *)kvs[i].ns.data;
  }
  size_t nf = mcf->functions->nelts, no = mcf->origins->nelts;
  edgefn_function *fns = ngx_pcalloc(cycle->pool, (nf ? nf : 1) * sizeof(*fns));
  edgefn_origin *ors = ngx_pcalloc(cycle->pool, (no ? no : 1) * sizeof(*ors));
  if (fns == NULL || ors == NULL)
    return NGX_ERROR;
  ngx_http_edgefn_function_t *f = mcf->functions->elts;
  for (size_t i = 0; i < nf; i++) {
    fns[i] = (edgefn_function)EDGEFN_FUNCTION_INIT;
    fns[i].name = (const char *)f[i].name.data;
    fns[i].script = f[i].script;
    f[i].options.log = ngx_http_edgefn_log;
    f[i].options.kv_bindings = binds;
    f[i].options.kv_binding_count = nk;
    f[i].options.env_vars = mcf->envs->elts;
    f[i].options.env_var_count = mcf->envs->nelts;
    fns[i].options = &f[i].options;
  }
  ngx_http_edgefn_origin_t *o = mcf->origins->elts;
  for (size_t i = 0; i < no; i++) {
    ors[i] = (edgefn_origin)EDGEFN_ORIGIN_INIT;
    ors[i].host = (const char *)o[i].host.data;
    ors[i].address = (const char *)o[i].address.data;
    ors[i].tls = (int)o[i].tls;
    ors[i].host_header = o[i].host_header.len ? (const char *)o[i].host_header.data : NULL;
  }
  edgefn_edge_options eo = EDGEFN_EDGE_OPTIONS_INIT;
  eo.rules = mcf->rules;
  eo.functions = fns;
  eo.function_count = nf;
  eo.origins = ors;
  eo.origin_count = no;
  eo.cache = worker.cache;
  eo.public_fetch_policy = mcf->fetch_policy;
  eo.log = ngx_http_edgefn_log;
  edgefn_error_info err = EDGEFN_ERROR_INFO_INIT;
  if (rc == 0)
    rc = edgefn_edge_new(&worker.edge, &eo, &err);
  if (rc == 0)
    rc = edgefn_edge_attach(worker.edge, worker.loop);
  if (rc != 0) {
    ngx_log_error(NGX_LOG_EMERG, cycle->log, 0, "edgefn: could not start: %s",
                  err.message[0] ? err.message : edgefn_strerror(rc));
    return NGX_ERROR;
  }
  worker.conn = ngx_get_connection(edgefn_loop_fd(worker.loop), cycle->log);
  if (worker.conn == NULL)
    return NGX_ERROR;
  worker.conn->read->handler = ngx_http_edgefn_loop_event;
  worker.conn->read->log = cycle->log;
  worker.conn->write->log = cycle->log;
  worker.conn->data = NULL;
  /* Level-triggered: the loop's epoll descriptor stays readable while events are pending. */
  if (ngx_add_event(worker.conn->read, NGX_READ_EVENT, 0) != NGX_OK)
    return NGX_ERROR;
  worker.timer.handler = ngx_http_edgefn_loop_event;
  worker.timer.log = cycle->log;
  worker.timer.data = &worker;
  worker.timer.cancelable = 1;
  return NGX_OK;
}

static void ngx_http_edgefn_exit_process(ngx_cycle_t *cycle) {
  if (worker.loop == NULL)
    return;
  if (worker.timer.timer_set)
    ngx_del_timer(&worker.timer);
  if (worker.conn != NULL) {
    ngx_del_conn(worker.conn, NGX_CLOSE_EVENT);
    /* The descriptor is the loop's: nginx must not close it. */
    worker.conn->fd = (ngx_socket_t)-1;
    ngx_free_connection(worker.conn);
    worker.conn = NULL;
  }
  edgefn_edge_detach(worker.edge, worker.loop);
  edgefn_edge_free(worker.edge);
  for (ngx_uint_t i = 0; i < worker.store_count; i++)
    edgefn_kv_free(worker.stores[i]);
  edgefn_cache_free(worker.cache);
  edgefn_loop_free(worker.loop);
  worker.loop = NULL;
  ngx_free(worker.spare_ctx);
  worker.spare_ctx = NULL;
}

/* ---- requests ---- */

static void ngx_http_edgefn_request_cleanup(void *data) {
  ngx_http_edgefn_ctx_t *ctx = data;
  if (ctx->ended)
    ngx_http_edgefn_ctx_free(ctx);
  else
    ctx->r = NULL; /* the edge still holds it: on_end frees it */
}

/* What the module does with a response header, by its name (compared only where the
 * lengths match). */
enum { NGX_HTTP_EDGEFN_KEEP, NGX_HTTP_EDGEFN_DROP, NGX_HTTP_EDGEFN_TYPE, NGX_HTTP_EDGEFN_DATE,
       NGX_HTTP_EDGEFN_SERVER };

static ngx_uint_t ngx_http_edgefn_header_kind(const edgefn_header *h) {
#define NGX_HTTP_EDGEFN_NAME(s) s, sizeof(s) - 1
  static const struct {
    const char *name;
    size_t len;
    ngx_uint_t kind;
  } known[] = {
      /* Framing belongs to nginx's connection: content_length_n says the length, and
       * nginx chooses chunked or not itself. */
      {NGX_HTTP_EDGEFN_NAME("content-length"), NGX_HTTP_EDGEFN_DROP},
      {NGX_HTTP_EDGEFN_NAME("transfer-encoding"), NGX_HTTP_EDGEFN_DROP},
      {NGX_HTTP_EDGEFN_NAME("connection"), NGX_HTTP_EDGEFN_DROP},
      {NGX_HTTP_EDGEFN_NAME("keep-alive"), NGX_HTTP_EDGEFN_DROP},
      {NGX_HTTP_EDGEFN_NAME("content-type"), NGX_HTTP_EDGEFN_TYPE},
      /* nginx adds its own Date and Server unless these slots are set. */
      {NGX_HTTP_EDGEFN_NAME("date"), NGX_HTTP_EDGEFN_DATE},
      {NGX_HTTP_EDGEFN_NAME("server"), NGX_HTTP_EDGEFN_SERVER},
  };
#undef NGX_HTTP_EDGEFN_NAME
  for (size_t i = 0; i < sizeof(known) / sizeof(known[0]); i++)
    if (h->name_len == known[i].len &&
        ngx_strncasecmp((u_char *)h->name, (u_char *)known[i].name, known[i].len) == 0)
      return known[i].kind;
  return NGX_HTTP_EDGEFN_KEEP;
}

static void ngx_http_edgefn_on_head(void *data, const edgefn_response_head *head) {
  ngx_http_edgefn_ctx_t *ctx = data;
  ngx_http_request_t *r = ctx->r;
  if (r == NULL)
    return;
  r->headers_out.status = (ngx_uint_t)head->status;
  r->headers_out.content_length_n = head->content_length;
  ctx->remaining = head->content_length;
  for (size_t i = 0; i < head->header_count; i++) {
    const edgefn_header *h = &head->headers[i];
    ngx_uint_t kind = ngx_http_edgefn_header_kind(h);
    if (kind == NGX_HTTP_EDGEFN_DROP)
      continue;
    u_char *v = ngx_pnalloc(r->pool, h->value_len + 1);
    if (v == NULL)
      return;
    ngx_memcpy(v, h->value, h->value_len);
    v[h->value_len] = '\0';
    if (kind == NGX_HTTP_EDGEFN_TYPE) {
      r->headers_out.content_type.data = v;
      r->headers_out.content_type.len = h->value_len;
      r->headers_out.content_type_len = h->value_len;
      continue;
    }
    ngx_table_elt_t *e = ngx_list_push(&r->headers_out.headers);
    if (e == NULL)
      return;
    e->hash = 1;
    e->key.data = ngx_pnalloc(r->pool, h->name_len);
    if (e->key.data == NULL) {
      e->hash = 0;
      return;
    }
    ngx_memcpy(e->key.data, h->name, h->name_len);
    e->key.len = h->name_len;
    e->value.data = v;
    e->value.len = h->value_len;
    if (kind == NGX_HTTP_EDGEFN_DATE)
      r->headers_out.date = e;
    else if (kind == NGX_HTTP_EDGEFN_SERVER)
      r->headers_out.server = e;
  }
  ctx->head_sent = 1;
  ctx->status = ngx_http_send_header(r);
}

static void ngx_http_edgefn_on_body(void *data, const uint8_t *p, size_t len) {
  ngx_http_edgefn_ctx_t *ctx = data;
  ngx_http_request_t *r = ctx->r;
  if (r == NULL || r->header_only || ctx->status == NGX_ERROR || ctx->status > NGX_OK)
    return;
  ngx_buf_t *b = ngx_create_temp_buf(r->pool, len);
  if (b == NULL) {
    ctx->status = NGX_ERROR;
    return;
  }
  b->last = ngx_cpymem(b->last, p, len);
  /* The chunk that completes a body of known length ends the response in the same pass
   * through the output filters (as ngx_http_send_response does); on_end then only
   * finalizes. Otherwise the chunk is flushed and on_end sends the last buffer. */
  if (ctx->remaining >= 0 && (off_t)len >= ctx->remaining) {
    ctx->remaining = 0;
    b->last_buf = 1;
    ctx->last_sent = 1;
  } else {
    if (ctx->remaining > 0)
      ctx->remaining -= (off_t)len;
    b->flush = 1;
  }
  ngx_chain_t out = {b, NULL};
  ctx->status = ngx_http_output_filter(r, &out);
}

static void ngx_http_edgefn_on_end(void *data, int result) {
  ngx_http_edgefn_ctx_t *ctx = data;
  ngx_http_request_t *r = ctx->r;
  ctx->ended = 1;
  worker.in_flight--;
  if (r == NULL) {
    ngx_http_edgefn_ctx_free(ctx); /* nginx already freed the request */
    return;
  }
  ngx_int_t rc;
  if (result != 0 && !ctx->head_sent) {
    ngx_log_error(NGX_LOG_ERR, r->connection->log, 0, "edgefn: %s", edgefn_strerror(result));
    rc = NGX_HTTP_BAD_GATEWAY;
  } else if (result != 0 || ctx->status == NGX_ERROR) {
    rc = NGX_ERROR; /* cut short after the head: close rather than end the message */
  } else if (ctx->last_sent) {
    rc = ctx->status; /* NGX_OK, or NGX_AGAIN while nginx still writes the body out */
  } else {
    rc = ngx_http_send_special(r, NGX_HTTP_LAST);
  }
  /* ctx is freed by the pool cleanup the finalization runs. */
  ngx_http_finalize_request(r, rc);
}

static const edgefn_response_handler ngx_http_edgefn_handler_ops = {
    sizeof(edgefn_response_handler), ngx_http_edgefn_on_head, ngx_http_edgefn_on_body,
    ngx_http_edgefn_on_end};

/* The request body as one block (nginx may hold it in several buffers or a temp file). */
static ngx_int_t ngx_http_edgefn_body(ngx_http_request_t *r, u_char **body, size_t *len) {
  *body = NULL;
  *len = 0;
  if (r->request_body == NULL || r->request_body->bufs == NULL)
    return NGX_OK;
  size_t total = 0;
  for (ngx_chain_t *cl = r->request_body->bufs; cl; cl = cl->next)
    total += (size_t)ngx_buf_size(cl->buf);
  u_char *p = ngx_pnalloc(r->pool, total ? total : 1);
  if (p == NULL)
    return NGX_ERROR;
  size_t off = 0;
  for (ngx_chain_t *cl = r->request_body->bufs; cl; cl = cl->next) {
    ngx_buf_t *b = cl->buf;
    if (b->in_file) {
      size_t n = (size_t)(b->file_last - b->file_pos);
      if (ngx_read_file(b->file, p + off, n, b->file_pos) != (ssize_t)n)
        return NGX_ERROR;
      off += n;
    } else {
      off = (size_t)(ngx_cpymem(p + off, b->pos, b->last - b->pos) - p);
    }
  }
  *body = p;
  *len = off;
  return NGX_OK;
}

static void ngx_http_edgefn_body_read(ngx_http_request_t *r) {
  u_char *body;
  size_t body_len;
  if (ngx_http_edgefn_body(r, &body, &body_len) != NGX_OK) {
    ngx_http_finalize_request(r, NGX_HTTP_INTERNAL_SERVER_ERROR);
    return;
  }
  /* The URL the function sees: scheme, the Host header (or the server name), the
   * request target as the client sent it. */
  ngx_str_t host = r->headers_in.server;
  if (host.len == 0) {
    ngx_http_core_srv_conf_t *cscf = ngx_http_get_module_srv_conf(r, ngx_http_core_module);
    host = cscf->server_name;
  }
#if (NGX_HTTP_SSL)
  const char *scheme = r->connection->ssl ? "https://" : "http://";
#else
  const char *scheme = "http://";
#endif
  size_t slen = ngx_strlen(scheme);
  size_t url_len = slen + host.len + r->unparsed_uri.len;
  u_char *url = ngx_pnalloc(r->pool, url_len + 1);
  if (url == NULL) {
    ngx_http_finalize_request(r, NGX_HTTP_INTERNAL_SERVER_ERROR);
    return;
  }
  u_char *q = ngx_cpymem(url, scheme, slen);
  q = ngx_cpymem(q, host.data, host.len);
  q = ngx_cpymem(q, r->unparsed_uri.data, r->unparsed_uri.len);
  *q = '\0';
  ngx_uint_t nh = 0;
  for (ngx_list_part_t *part = &r->headers_in.headers.part; part; part = part->next)
    nh += part->nelts;
  edgefn_header *hs = ngx_palloc(r->pool, (nh ? nh : 1) * sizeof(*hs));
  u_char *ip = ngx_pnalloc(r->pool, r->connection->addr_text.len + 1);
  ngx_http_edgefn_ctx_t *ctx = ngx_http_edgefn_ctx_new(r->connection->log);
  if (ctx != NULL)
    ctx->remaining = -1;
  ngx_pool_cleanup_t *cln = ngx_pool_cleanup_add(r->pool, 0);
  if (hs == NULL || ip == NULL || ctx == NULL || cln == NULL) {
    ngx_http_edgefn_ctx_free(ctx);
    ngx_http_finalize_request(r, NGX_HTTP_INTERNAL_SERVER_ERROR);
    return;
  }
  ngx_uint_t k = 0;
  for (ngx_list_part_t *part = &r->headers_in.headers.part; part; part = part->next) {
    ngx_table_elt_t *e = part->elts;
    for (ngx_uint_t i = 0; i < part->nelts; i++, k++) {
      hs[k].name = (const char *)e[i].key.data;
      hs[k].name_len = e[i].key.len;
      hs[k].value = (const char *)e[i].value.data;
      hs[k].value_len = e[i].value.len;
    }
  }
  ngx_memcpy(ip, r->connection->addr_text.data, r->connection->addr_text.len);
  ip[r->connection->addr_text.len] = '\0';
  ctx->r = r;
  cln->handler = ngx_http_edgefn_request_cleanup;
  cln->data = ctx;
  edgefn_request req = EDGEFN_REQUEST_INIT;
  req.method = (const char *)r->method_name.data;
  req.method_len = r->method_name.len;
  req.url = (const char *)url;
  req.url_len = url_len;
  req.headers = hs;
  req.header_count = nh;
  req.body = body;
  req.body_len = body_len;
  req.client_ip = (const char *)ip;
  /* The body reader counted this request once; it is finalized from on_end. */
  worker.in_flight++;
  int rc = edgefn_edge_handle(worker.edge, worker.loop, &req, &ngx_http_edgefn_handler_ops, ctx);
  if (rc != 0) {
    worker.in_flight--;
    ctx->ended = 1; /* no callback will come: the pool cleanup frees it */
    ngx_log_error(NGX_LOG_ERR, r->connection->log, 0, "edgefn: %s", edgefn_strerror(rc));
    ngx_http_finalize_request(r, NGX_HTTP_INTERNAL_SERVER_ERROR);
    return;
  }
  /* Not a full pump: descriptors the call made ready keep the loop's (level-triggered)
   * descriptor readable for nginx's next wait, and queued callbacks make the deadline 0.
   * Polling here would cost an epoll_wait per request (a tenth of the request's time). */
  ngx_http_edgefn_arm();
}

static ngx_int_t ngx_http_edgefn_handler(ngx_http_request_t *r) {
  if (worker.edge == NULL)
    return NGX_HTTP_INTERNAL_SERVER_ERROR;
  ngx_int_t rc = ngx_http_read_client_request_body(r, ngx_http_edgefn_body_read);
  if (rc >= NGX_HTTP_SPECIAL_RESPONSE)
    return rc;
  return NGX_DONE;
}
