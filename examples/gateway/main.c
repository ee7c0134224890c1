/* edgefn-gateway: command line, logging, and the wiring of loop, script, runtime and
 * server. */
#include "gateway.h"

#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

int gw_log_level = EDGEFN_LOG_INFO;
bool gw_access_log = true;

static const char *const level_names[] = {"error", "warn", "info", "debug"};

uint64_t gw_now_us(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}

uint64_t gw_now_ms(void) { return gw_now_us() / 1000u; }

void gw_shutdown_signals(sigset_t *set) {
  sigemptyset(set);
  sigaddset(set, SIGINT);
  sigaddset(set, SIGTERM);
}

void gw_log(int level, const char *fmt, ...) {
  if (level > gw_log_level)
    return;
  char msg[1024];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(msg, sizeof(msg), fmt, ap);
  va_end(ap);
  fprintf(stderr, "edgefn-gateway: %s: %s\n", level_names[level], msg);
}

/* The library's diagnostics and the function's console output. */
static void library_log(void *user_data, int level, const char *function_name,
                        const char *message, size_t message_len) {
  if (level < EDGEFN_LOG_ERROR || level > EDGEFN_LOG_DEBUG || level > gw_log_level)
    return;
  if (message_len > INT_MAX)
    message_len = INT_MAX;
  fprintf(stderr, "[%s] %s%s%.*s\n", level_names[level], function_name ? function_name : "",
          function_name && function_name[0] ? ": " : "", (int)message_len, message);
}

static void usage(FILE *f) {
  fprintf(f,
          "usage: edgefn-gateway [options]\n"
          "  --listen HOST:PORT      address to serve (default %s; [::1]:8080 for IPv6)\n"
          "  --script FILE           edge function to run (ES5 service-worker style)\n"
          "  --demo                  run the built-in demo function (the default)\n"
          "  --name NAME             function name shown in logs\n"
          "  --cpu-limit-ms N        CPU time per request (default %u)\n"
          "  --memory-limit-mb N     JavaScript heap limit (default %u)\n"
          "  --log-level LEVEL       error, warn, info (default) or debug\n"
          "  --fetch-allow-loopback  let the function's fetch() reach 127.0.0.0/8 and ::1\n"
          "  --fetch-allow-private   let fetch() reach private and link-local networks\n"
          "  --quiet                 no access log on stdout\n"
          "  --help                  this text\n",
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

static char *read_file(const char *path, size_t *len) {
  FILE *f = fopen(path, "rb");
  if (!f) {
    gw_log(EDGEFN_LOG_ERROR, "%s: %s", path, strerror(errno));
    return NULL;
  }
  struct stat st;
  if (fstat(fileno(f), &st) != 0 || !S_ISREG(st.st_mode) ||
      (unsigned long long)st.st_size > GW_MAX_SCRIPT_BYTES) {
    gw_log(EDGEFN_LOG_ERROR, "%s: not a regular file of at most %u bytes", path,
           GW_MAX_SCRIPT_BYTES);
    fclose(f);
    return NULL;
  }
  char *buf = malloc((size_t)st.st_size + 1);
  size_t n = buf ? fread(buf, 1, (size_t)st.st_size, f) : 0;
  if (!buf || ferror(f)) {
    gw_log(EDGEFN_LOG_ERROR, "%s: cannot read", path);
    free(buf);
    fclose(f);
    return NULL;
  }
  fclose(f);
  buf[n] = '\0';
  *len = n;
  return buf;
}

static void print_error_info(const edgefn_error_info *ei, const char *fallback_file, int rc) {
  const char *file = ei->file[0] ? ei->file : fallback_file;
  const char *msg = ei->message[0] ? ei->message : edgefn_strerror(rc);
  if (ei->line > 0)
    fprintf(stderr, "%s:%d:%d: %s\n", file, ei->line, ei->column > 0 ? ei->column : 1, msg);
  else
    fprintf(stderr, "%s: %s\n", file, msg);
}

int main(int argc, char **argv) {
  enum { OPT_LISTEN = 256, OPT_SCRIPT, OPT_NAME, OPT_CPU, OPT_MEM, OPT_DEMO, OPT_LEVEL,
         OPT_QUIET, OPT_HELP, OPT_FETCH_LOOPBACK, OPT_FETCH_PRIVATE };
  static const struct option longopts[] = {
      {"listen", required_argument, NULL, OPT_LISTEN},
      {"script", required_argument, NULL, OPT_SCRIPT},
      {"name", required_argument, NULL, OPT_NAME},
      {"cpu-limit-ms", required_argument, NULL, OPT_CPU},
      {"memory-limit-mb", required_argument, NULL, OPT_MEM},
      {"demo", no_argument, NULL, OPT_DEMO},
      {"log-level", required_argument, NULL, OPT_LEVEL},
      {"quiet", no_argument, NULL, OPT_QUIET},
      {"fetch-allow-loopback", no_argument, NULL, OPT_FETCH_LOOPBACK},
      {"fetch-allow-private", no_argument, NULL, OPT_FETCH_PRIVATE},
      {"help", no_argument, NULL, OPT_HELP},
      {NULL, 0, NULL, 0},
  };
  const char *listen_addr = GW_DEFAULT_LISTEN, *script_path = NULL, *name = NULL;
  bool demo = false;
  unsigned long cpu_ms = 0, mem_mb = 0;
  uint32_t fetch_policy = 0;
  int opt;
  while ((opt = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
    switch (opt) {
    case OPT_LISTEN: listen_addr = optarg; break;
    case OPT_SCRIPT: script_path = optarg; break;
    case OPT_NAME: name = optarg; break;
    case OPT_DEMO: demo = true; break;
    case OPT_QUIET: gw_access_log = false; break;
    case OPT_FETCH_LOOPBACK: fetch_policy |= EDGEFN_FETCH_ALLOW_LOOPBACK; break;
    case OPT_FETCH_PRIVATE: fetch_policy |= EDGEFN_FETCH_ALLOW_PRIVATE; break;
    case OPT_HELP: usage(stdout); return 0;
    case OPT_CPU:
      if (parse_uint(optarg, 3600u * 1000u, &cpu_ms) != 0) {
        fprintf(stderr, "edgefn-gateway: --cpu-limit-ms wants a positive number\n");
        return 2;
      }
      break;
    case OPT_MEM:
      if (parse_uint(optarg, SIZE_MAX / (1024u * 1024u), &mem_mb) != 0) {
        fprintf(stderr, "edgefn-gateway: --memory-limit-mb wants a positive number\n");
        return 2;
      }
      break;
    case OPT_LEVEL: {
      int found = -1;
      for (int i = 0; i < 4; i++)
        if (strcmp(optarg, level_names[i]) == 0)
          found = i;
      if (found < 0) {
        fprintf(stderr, "edgefn-gateway: --log-level wants error, warn, info or debug\n");
        return 2;
      }
      gw_log_level = found;
      break;
    }
    default: usage(stderr); return 2;
    }
  }
  if (optind < argc) {
    fprintf(stderr, "edgefn-gateway: unexpected argument '%s'\n", argv[optind]);
    usage(stderr);
    return 2;
  }
  if (demo && script_path) {
    fprintf(stderr, "edgefn-gateway: --demo and --script exclude each other\n");
    return 2;
  }
  if (EDGEFN_VERSION_CHECK() != 0) {
    fprintf(stderr, "edgefn-gateway: libedgefn %s is older than the headers (%s)\n",
            edgefn_version(), EDGEFN_VERSION_STRING);
    return 1;
  }
  /* The access log is read line by line by whoever watches it. */
  setvbuf(stdout, NULL, _IOLBF, 0);
  signal(SIGPIPE, SIG_IGN);
  /* Blocked before the library can start any thread, so every thread inherits the mask and
   * the signals reach the server's signalfd instead of killing the process. */
  sigset_t shutdown_set;
  gw_shutdown_signals(&shutdown_set);
  sigprocmask(SIG_BLOCK, &shutdown_set, NULL);

  char *source = NULL;
  size_t source_len = 0;
  const char *filename = "demo/hello.js";
  if (script_path) {
    source = read_file(script_path, &source_len);
    if (!source)
      return 1;
    filename = script_path;
  }
  if (!name)
    name = script_path ? script_path : "demo";

  edgefn_script_options so = EDGEFN_SCRIPT_OPTIONS_INIT;
  so.source = source ? source : gw_demo_script;
  so.source_len = source ? source_len : gw_demo_script_len;
  so.filename = filename;
  edgefn_script *script = NULL;
  edgefn_error_info ei = EDGEFN_ERROR_INFO_INIT;
  int rc = edgefn_script_new(&script, &so, &ei);
  free(source);
  if (rc != 0) {
    print_error_info(&ei, filename, rc);
    return 1;
  }

  edgefn_loop *loop = NULL;
  rc = edgefn_loop_new(&loop, NULL);
  if (rc != 0) {
    gw_log(EDGEFN_LOG_ERROR, "edgefn_loop_new: %s", edgefn_strerror(rc));
    edgefn_script_free(script);
    return 1;
  }
  /* The function's fetch() goes out through libcurl on this loop. */
  edgefn_curl_options co = EDGEFN_CURL_OPTIONS_INIT;
  co.policy = fetch_policy;
  void *fetcher = NULL;
  rc = edgefn_curl_backend_new(&fetcher, loop, &co);
  if (rc != 0) {
    gw_log(EDGEFN_LOG_ERROR, "edgefn_curl_backend_new: %s", edgefn_strerror(rc));
    edgefn_script_free(script);
    edgefn_loop_free(loop);
    return 1;
  }
  edgefn_runtime_options ro = EDGEFN_RUNTIME_OPTIONS_INIT;
  ro.fetch_ops = edgefn_curl_fetch_ops();
  ro.fetch_backend = fetcher;
  ro.name = name;
  ro.cpu_limit_ms = (uint32_t)cpu_ms;
  ro.memory_limit = (size_t)mem_mb * 1024u * 1024u;
  ro.log = library_log;
  edgefn_runtime *rt = NULL;
  ei = (edgefn_error_info)EDGEFN_ERROR_INFO_INIT;
  rc = edgefn_runtime_new(&rt, loop, script, &ro, &ei);
  /* The runtime keeps its own reference. */
  edgefn_script_free(script);
  if (rc != 0) {
    print_error_info(&ei, filename, rc);
    edgefn_curl_backend_free(fetcher);
    edgefn_loop_free(loop);
    return 1;
  }

  gw_server srv;
  int status = 0;
  if (gw_server_init(&srv, listen_addr, loop, rt) != 0 || gw_server_run(&srv) != 0)
    status = 1;
  gw_server_close_all(&srv);
  edgefn_runtime_free(rt);
  edgefn_curl_backend_free(fetcher);
  gw_server_free(&srv);
  edgefn_loop_free(loop);
  return status;
}
