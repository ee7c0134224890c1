/* edgefn-gateway: command line, the configuration's three sources (--config, --script,
 * --demo), listening sockets, worker threads, and the signals: SIGHUP reloads, SIGTERM and
 * SIGINT drain. The main thread does nothing else: it waits for signals with sigwaitinfo. */
#include "gateway.h"

#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

gw_limits gw_lim;
atomic_uint gw_app_generation;
atomic_bool gw_app_stopping;
atomic_bool gw_app_force_exit;
atomic_size_t gw_app_connections;
gw_server *gw_app_workers;
size_t gw_app_nworkers;

static pthread_mutex_t site_lock = PTHREAD_MUTEX_INITIALIZER;
static gw_site *current_site;

gw_site *gw_app_current_site(void) {
  pthread_mutex_lock(&site_lock);
  gw_site *s = current_site ? gw_site_ref(current_site) : NULL;
  pthread_mutex_unlock(&site_lock);
  return s;
}

/* Replaces the current site; workers move to it between requests. */
static void publish_site(gw_site *s) {
  pthread_mutex_lock(&site_lock);
  gw_site *old = current_site;
  current_site = s;
  pthread_mutex_unlock(&site_lock);
  atomic_fetch_add(&gw_app_generation, 1);
  for (size_t i = 0; i < gw_app_nworkers; i++)
    gw_server_wake(&gw_app_workers[i]);
  gw_site_unref(old);
}

/* ---- options ---- */

typedef struct options {
  const char *config_path;
  const char *check_path;
  const char *listen_addr;
  const char *script_path;
  const char *name;
  bool demo;
  bool quiet;
  int log_level; /* -1 = from the configuration */
  unsigned long cpu_ms, mem_mb, workers;
  uint32_t fetch_policy;
  char demo_origin[300]; /* the demo origin listener's bound address, once listening */
} options;

static void usage(FILE *f) {
  fprintf(f,
          "usage: edgefn-gateway [--config FILE | --script FILE | --demo] [options]\n"
          "       edgefn-gateway --check FILE\n"
          "  --config FILE           JSON configuration (README.md describes it)\n"
          "  --check FILE            validate a configuration, print every error, exit\n"
          "  --script FILE           serve one function for every request (ES5,\n"
          "                          service-worker style)\n"
          "  --demo                  the built-in demo site (the default)\n"
          "  --listen HOST:PORT      address to serve with --script/--demo (default %s)\n"
          "  --name NAME             function name with --script\n"
          "  --workers N             worker threads (default: the number of cores)\n"
          "  --cpu-limit-ms N        CPU time per request with --script (default %u)\n"
          "  --memory-limit-mb N     JavaScript heap limit with --script (default %u)\n"
          "  --log-level LEVEL       error, warn, info (default) or debug\n"
          "  --fetch-allow-loopback  let functions' fetch() reach 127.0.0.0/8 and ::1\n"
          "  --fetch-allow-private   let fetch() reach private and link-local networks\n"
          "  --quiet                 no access log\n"
          "  --no-io-uring           plain recv()/send() per request instead of io_uring\n"
          "                          batches (also when io_uring is unavailable)\n"
          "  --help                  this text\n"
          "signals: SIGHUP reloads the configuration and scripts, SIGTERM/SIGINT drain and "
          "exit\n",
          GW_DEFAULT_LISTEN, EDGEFN_DEFAULT_CPU_LIMIT_MS,
          EDGEFN_DEFAULT_MEMORY_LIMIT / (1024u * 1024u));
}

static int parse_uint(const char *s, unsigned long max, unsigned long *out) {
  char *end;
  errno = 0;
  unsigned long v = strtoul(s, &end, 10);
  if (errno || end == s || *end || s[0] == '-' || v == 0 || v > max)
    return -1;
  *out = v;
  return 0;
}

/* The configuration --script stands for: one function, one rule matching everything. */
static gw_config *script_config(const options *o, gw_errors *errs) {
  gw_config *c = gw_config_new();
  if (!c)
    return NULL;
  char desc[4200];
  snprintf(desc, sizeof(desc), "--script %s", o->script_path);
  const char *name = o->name ? o->name : o->script_path;
  c->path = gw_strdup(desc);
  c->listeners = calloc(1, sizeof(*c->listeners));
  c->functions = calloc(1, sizeof(*c->functions));
  if (!c->path || !c->listeners || !c->functions) {
    gw_config_free(c);
    return NULL;
  }
  c->nlisteners = 1;
  c->listeners[0].address = gw_strdup(o->listen_addr ? o->listen_addr : GW_DEFAULT_LISTEN);
  c->nfunctions = 1;
  c->functions[0].name = gw_strdup(name);
  c->functions[0].script_path = gw_strdup(o->script_path);
  c->functions[0].cpu_ms = (uint32_t)o->cpu_ms;
  c->functions[0].memory_bytes = (size_t)o->mem_mb * 1024u * 1024u;
  /* The function answers everything; its declines have no origin to go to. */
  char *rules = NULL;
  size_t n = strlen(name) * 2 + 64;
  rules = malloc(n);
  if (rules) {
    /* A JSON string: the name is escaped for the two characters JSON needs. */
    size_t k = (size_t)snprintf(rules, n, "{\"rules\":[{\"function\":\"");
    for (const char *p = name; *p && k + 32 < n; p++) {
      if (*p == '"' || *p == '\\')
        rules[k++] = '\\';
      rules[k++] = *p;
    }
    k += (size_t)snprintf(rules + k, n - k, "\",\"match\":[]}]}");
    c->rules_json = rules;
    c->rules_json_len = k;
    c->rules_name = gw_strdup("--script rules");
  }
  c->cache_bytes = 0;
  c->access_log = gw_strdup("-");
  (void)errs;
  return c;
}

/* Builds the configuration from the command line's source; used at start and on SIGHUP. */
static gw_config *load_config(const options *o, gw_errors *errs) {
  gw_config *c;
  if (o->config_path)
    c = gw_config_load(o->config_path, errs);
  else if (o->script_path)
    c = script_config(o, errs);
  else
    c = gw_demo_config(o->listen_addr ? o->listen_addr : GW_DEFAULT_LISTEN, o->demo_origin);
  if (!c) {
    if (errs->count == 0)
      gw_errors_add(errs, "out of memory");
    return NULL;
  }
  if (o->workers)
    c->workers = (unsigned)o->workers;
  if (o->quiet) {
    free(c->access_log);
    c->access_log = NULL;
  }
  if (o->log_level >= 0)
    c->log_level = o->log_level;
  c->fetch_policy |= o->fetch_policy;
  return c;
}

static int check_only(const char *path) {
  gw_errors errs = {0};
  gw_config *c = gw_config_load_partial(path, &errs);
  /* Goes on past configuration errors to compile the scripts and rules that are there, so
   * one run lists everything to fix. */
  /* Certificates and keys are parsed too, not only found: a bad PEM shows here, not at
   * start. */
  for (size_t i = 0; c && i < c->nlisteners; i++) {
    bool complete = c->listeners[i].address != NULL;
    for (size_t k = 0; k < c->listeners[i].ncerts; k++)
      complete = complete && c->listeners[i].certs[k].cert && c->listeners[i].certs[k].key;
    gw_tls_ctx *t = NULL;
    if (complete && c->listeners[i].ncerts > 0 && gw_tls_ctx_new(&t, &c->listeners[i], &errs) == 0)
      gw_tls_ctx_free(t);
  }
  gw_site *s = c ? gw_site_build(c, NULL, &errs) : NULL;
  if (errs.count) {
    gw_errors_print(&errs, stderr);
    fprintf(stderr, "%s: %zu error(s)\n", path, errs.count);
  } else {
    printf("%s: configuration OK (%zu function(s), %zu origin(s), %zu listener(s))\n", path,
           s->cfg->nfunctions, s->cfg->norigins, s->cfg->nlisteners);
  }
  int rc = errs.count ? 1 : 0;
  gw_site_unref(s);
  gw_errors_free(&errs);
  return rc;
}

/* ---- listeners ---- */

/* Opens every listener once per worker (SO_REUSEPORT). Port 0 binds the first socket to a
 * port of the kernel's choosing and the other workers' sockets to that port. */
static int open_listeners(gw_config *cfg, options *o, size_t nworkers, gw_listener **per_worker) {
  gw_errors errs = {0};
  for (size_t w = 0; w < nworkers; w++) {
    per_worker[w] = calloc(cfg->nlisteners, sizeof(gw_listener));
    if (!per_worker[w])
      return -1;
    for (size_t i = 0; i < cfg->nlisteners; i++)
      per_worker[w][i].fd = -1;
  }
  for (size_t i = 0; i < cfg->nlisteners; i++) {
    const gw_listener_cfg *lc = &cfg->listeners[i];
    for (size_t w = 0; w < nworkers; w++) {
      gw_listener *l = &per_worker[w][i];
      const char *addr = w == 0 ? lc->address : per_worker[0][i].host;
      l->fd = gw_listen_open(addr, true, l->host, sizeof(l->host));
      if (l->fd < 0)
        return -1;
      l->kind = lc->kind;
      if (lc->ncerts > 0 && gw_tls_ctx_new(&l->tls, lc, &errs) != 0) {
        gw_errors_log(&errs, EDGEFN_LOG_ERROR);
        gw_errors_free(&errs);
        return -1;
      }
    }
    const gw_listener *l0 = &per_worker[0][i];
    static const char *const kinds[] = {"", " (metrics)", " (demo origin)"};
    gw_log(EDGEFN_LOG_INFO, "listening on %s://%s/%s", lc->ncerts ? "https" : "http", l0->host,
           kinds[lc->kind]);
    if (lc->kind == GW_LISTEN_DEMO_ORIGIN)
      snprintf(o->demo_origin, sizeof(o->demo_origin), "%s", l0->host);
  }
  return 0;
}

/* ---- signals ---- */

static void handled_signals(sigset_t *set) {
  sigemptyset(set);
  sigaddset(set, SIGINT);
  sigaddset(set, SIGTERM);
  sigaddset(set, SIGHUP);
}

static void reload(options *o) {
  gw_errors errs = {0};
  gw_config *c = load_config(o, &errs);
  gw_site *cur = gw_app_current_site();
  gw_site *s = c ? gw_site_build(c, cur, &errs) : NULL;
  if (!s) {
    gw_log(EDGEFN_LOG_ERROR, "reload refused; the running configuration keeps serving:");
    gw_errors_log(&errs, EDGEFN_LOG_ERROR);
  } else {
    /* Sockets, threads and HTTP limits belong to the process: they stay as started. */
    bool same = s->cfg->nlisteners == cur->cfg->nlisteners;
    for (size_t i = 0; same && i < s->cfg->nlisteners; i++)
      same = strcmp(s->cfg->listeners[i].address, cur->cfg->listeners[i].address) == 0 &&
             s->cfg->listeners[i].kind == cur->cfg->listeners[i].kind;
    if (!same || memcmp(&s->cfg->limits, &cur->cfg->limits, sizeof(gw_limits)) != 0)
      gw_log(EDGEFN_LOG_WARN, "reload: listeners and http limits changes take effect only "
                              "after a restart");
    gw_log_set_level(s->cfg->log_level);
    gw_log(EDGEFN_LOG_INFO, "reloaded %s (%zu function(s), %zu origin(s))", s->cfg->path,
           s->cfg->nfunctions, s->cfg->norigins);
    publish_site(s);
  }
  gw_site_unref(cur);
  gw_errors_free(&errs);
}

int main(int argc, char **argv) {
  enum { OPT_LISTEN = 256, OPT_SCRIPT, OPT_NAME, OPT_CPU, OPT_MEM, OPT_DEMO, OPT_LEVEL,
         OPT_QUIET, OPT_HELP, OPT_FETCH_LOOPBACK, OPT_FETCH_PRIVATE, OPT_CONFIG, OPT_CHECK,
         OPT_WORKERS, OPT_NO_URING };
  static const struct option longopts[] = {
      {"config", required_argument, NULL, OPT_CONFIG},
      {"check", required_argument, NULL, OPT_CHECK},
      {"listen", required_argument, NULL, OPT_LISTEN},
      {"script", required_argument, NULL, OPT_SCRIPT},
      {"name", required_argument, NULL, OPT_NAME},
      {"workers", required_argument, NULL, OPT_WORKERS},
      {"cpu-limit-ms", required_argument, NULL, OPT_CPU},
      {"memory-limit-mb", required_argument, NULL, OPT_MEM},
      {"demo", no_argument, NULL, OPT_DEMO},
      {"log-level", required_argument, NULL, OPT_LEVEL},
      {"quiet", no_argument, NULL, OPT_QUIET},
      {"no-io-uring", no_argument, NULL, OPT_NO_URING},
      {"fetch-allow-loopback", no_argument, NULL, OPT_FETCH_LOOPBACK},
      {"fetch-allow-private", no_argument, NULL, OPT_FETCH_PRIVATE},
      {"help", no_argument, NULL, OPT_HELP},
      {NULL, 0, NULL, 0},
  };
  static options o = {.log_level = -1};
  int opt;
  while ((opt = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
    switch (opt) {
    case OPT_CONFIG: o.config_path = optarg; break;
    case OPT_CHECK: o.check_path = optarg; break;
    case OPT_LISTEN: o.listen_addr = optarg; break;
    case OPT_SCRIPT: o.script_path = optarg; break;
    case OPT_NAME: o.name = optarg; break;
    case OPT_DEMO: o.demo = true; break;
    case OPT_QUIET: o.quiet = true; break;
    case OPT_NO_URING: gw_use_io_uring = false; break;
    case OPT_FETCH_LOOPBACK: o.fetch_policy |= EDGEFN_FETCH_ALLOW_LOOPBACK; break;
    case OPT_FETCH_PRIVATE: o.fetch_policy |= EDGEFN_FETCH_ALLOW_PRIVATE; break;
    case OPT_HELP: usage(stdout); return 0;
    case OPT_WORKERS:
      if (parse_uint(optarg, GW_MAX_WORKERS, &o.workers) != 0) {
        fprintf(stderr, "edgefn-gateway: --workers wants 1 to %u\n", GW_MAX_WORKERS);
        return 2;
      }
      break;
    case OPT_CPU:
      if (parse_uint(optarg, 3600u * 1000u, &o.cpu_ms) != 0) {
        fprintf(stderr, "edgefn-gateway: --cpu-limit-ms wants a positive number\n");
        return 2;
      }
      break;
    case OPT_MEM:
      if (parse_uint(optarg, 65536, &o.mem_mb) != 0) {
        fprintf(stderr, "edgefn-gateway: --memory-limit-mb wants a positive number\n");
        return 2;
      }
      break;
    case OPT_LEVEL:
      o.log_level = gw_level_from_name(optarg);
      if (o.log_level < 0) {
        fprintf(stderr, "edgefn-gateway: --log-level wants error, warn, info or debug\n");
        return 2;
      }
      break;
    default: usage(stderr); return 2;
    }
  }
  if (optind < argc) {
    fprintf(stderr, "edgefn-gateway: unexpected argument '%s'\n", argv[optind]);
    usage(stderr);
    return 2;
  }
  if ((o.demo ? 1 : 0) + (o.script_path ? 1 : 0) + (o.config_path ? 1 : 0) > 1) {
    fprintf(stderr, "edgefn-gateway: --config, --script and --demo exclude each other\n");
    return 2;
  }
  if (o.config_path && o.listen_addr) {
    fprintf(stderr, "edgefn-gateway: with --config the listeners come from the file\n");
    return 2;
  }
  if (EDGEFN_VERSION_CHECK() != 0) {
    fprintf(stderr, "edgefn-gateway: libedgefn %s is older than the headers (%s)\n",
            edgefn_version(), EDGEFN_VERSION_STRING);
    return 1;
  }
  if (o.check_path)
    return check_only(o.check_path);

  signal(SIGPIPE, SIG_IGN);
  /* Blocked before any thread starts, so every thread inherits the mask and the signals
   * reach sigwaitinfo below. */
  sigset_t sigs;
  handled_signals(&sigs);
  pthread_sigmask(SIG_BLOCK, &sigs, NULL);

  gw_errors errs = {0};
  gw_config *cfg = load_config(&o, &errs);
  if (!cfg) {
    gw_errors_print(&errs, stderr);
    gw_errors_free(&errs);
    return 1;
  }
  gw_lim = cfg->limits;
  if (gw_log_open(cfg->error_log, cfg->access_log, cfg->log_level) != 0) {
    gw_config_free(cfg);
    return 1;
  }
  gw_http_global_init();
  long ncpu = sysconf(_SC_NPROCESSORS_ONLN);
  size_t nworkers = cfg->workers ? cfg->workers : ncpu > 0 ? (size_t)ncpu : 1;
  if (nworkers > GW_MAX_WORKERS)
    nworkers = GW_MAX_WORKERS;

  int status = 0;
  gw_listener **per_worker = calloc(nworkers, sizeof(*per_worker));
  gw_app_workers = calloc(nworkers, sizeof(gw_server));
  if (!per_worker || !gw_app_workers || open_listeners(cfg, &o, nworkers, per_worker) != 0) {
    status = 1;
  } else if (!o.config_path && !o.script_path) {
    /* The demo's origin address is known only now that its listener is bound. */
    gw_config_free(cfg);
    cfg = load_config(&o, &errs);
  }
  gw_site *site = status == 0 && cfg ? gw_site_build(cfg, NULL, &errs) : NULL;
  cfg = NULL; /* the site owns it now (or freed it) */
  if (status == 0 && !site) {
    gw_errors_print(&errs, stderr);
    status = 1;
  }
  gw_errors_free(&errs);

  size_t started = 0;
  size_t nlisteners = site ? site->cfg->nlisteners : 0;
  bool *joined = calloc(nworkers, sizeof(bool));
  if (!joined)
    status = 1;
  if (status == 0) {
    publish_site(site);
    for (size_t w = 0; w < nworkers; w++) {
      if (gw_server_init(&gw_app_workers[w], (unsigned)w, per_worker[w], site->cfg->nlisteners) != 0) {
        status = 1;
        break;
      }
      per_worker[w] = NULL; /* the worker owns its listeners now */
      gw_app_nworkers = w + 1;
    }
    /* Before the workers start, so whoever sees the port open also sees the list. */
    if (status == 0 && !o.config_path && !o.script_path)
      gw_demo_print_urls(gw_app_workers[0].listeners[0].host);
    for (size_t w = 0; status == 0 && w < nworkers; w++) {
      if (pthread_create(&gw_app_workers[w].thread, NULL, gw_server_thread,
                         &gw_app_workers[w]) != 0) {
        gw_log(EDGEFN_LOG_ERROR, "cannot start worker %zu", w);
        status = 1;
        break;
      }
      started++;
    }
    if (status == 0)
      gw_log(EDGEFN_LOG_INFO, "%zu worker(s) serving %s", nworkers, site->cfg->path);
  }

  /* The main thread only waits for signals. */
  bool stopping = status != 0;
  if (stopping) {
    atomic_store(&gw_app_stopping, true);
    for (size_t i = 0; i < gw_app_nworkers; i++)
      gw_server_wake(&gw_app_workers[i]);
  }
  while (!stopping || started > 0) {
    if (stopping) {
      /* Draining: a second SIGTERM/SIGINT exits at once. */
      struct timespec tick = {0, 100 * 1000 * 1000};
      siginfo_t si;
      int sig = sigtimedwait(&sigs, &si, &tick);
      if (sig == SIGINT || sig == SIGTERM) {
        atomic_store(&gw_app_force_exit, true);
        for (size_t i = 0; i < gw_app_nworkers; i++)
          gw_server_wake(&gw_app_workers[i]);
      }
      bool all_done = true;
      for (size_t i = 0; i < started; i++) {
        if (!joined[i])
          joined[i] = pthread_tryjoin_np(gw_app_workers[i].thread, NULL) == 0;
        all_done &= joined[i];
      }
      if (all_done)
        break;
      continue;
    }
    siginfo_t si;
    int sig = sigwaitinfo(&sigs, &si);
    if (sig == SIGHUP) {
      gw_log(EDGEFN_LOG_INFO, "SIGHUP: reloading");
      reload(&o);
    } else if (sig == SIGINT || sig == SIGTERM) {
      gw_log(EDGEFN_LOG_INFO, "%s: draining connections, then exiting",
             sig == SIGINT ? "SIGINT" : "SIGTERM");
      stopping = true;
      atomic_store(&gw_app_stopping, true);
      for (size_t i = 0; i < gw_app_nworkers; i++)
        gw_server_wake(&gw_app_workers[i]);
    }
  }
  for (size_t i = 0; i < gw_app_nworkers; i++)
    if (gw_app_workers[i].exit_status)
      status = 1;
  for (size_t i = 0; i < gw_app_nworkers; i++)
    gw_server_free(&gw_app_workers[i]);
  for (size_t w = 0; per_worker && w < nworkers; w++) {
    if (!per_worker[w])
      continue;
    for (size_t i = 0; i < nlisteners; i++) {
      if (per_worker[w][i].fd >= 0)
        close(per_worker[w][i].fd);
      gw_tls_ctx_free(per_worker[w][i].tls);
    }
    free(per_worker[w]);
  }
  free(per_worker);
  free(joined);
  free(gw_app_workers);
  gw_app_workers = NULL;
  gw_app_nworkers = 0;
  pthread_mutex_lock(&site_lock);
  gw_site *last = current_site;
  current_site = NULL;
  pthread_mutex_unlock(&site_lock);
  gw_site_unref(last);
  if (status == 0)
    gw_log(EDGEFN_LOG_INFO, "stopped");
  gw_log_close();
  return status;
}
