/* The error log (levels, timestamps) and the access log. Each write is one stdio call of a
 * whole line, so lines from several workers never interleave. */
#include "gateway.h"

#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <string.h>
#include <time.h>

const char *const gw_level_names[4] = {"error", "warn", "info", "debug"};

static FILE *error_file; /* NULL = stderr */
static FILE *access_file; /* NULL = off */
static atomic_int log_level = EDGEFN_LOG_INFO;

uint64_t gw_now_us(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}

uint64_t gw_now_ms(void) { return gw_now_us() / 1000u; }

int gw_level_from_name(const char *name) {
  for (int i = 0; i < 4; i++)
    if (strcmp(name, gw_level_names[i]) == 0)
      return i;
  return -1;
}

int gw_log_open(const char *error_log, const char *access_log, int level) {
  atomic_store(&log_level, level);
  if (error_log && strcmp(error_log, "-") != 0) {
    error_file = fopen(error_log, "a");
    if (!error_file) {
      fprintf(stderr, "edgefn-gateway: cannot open error log %s: %s\n", error_log,
              strerror(errno));
      return -1;
    }
    setvbuf(error_file, NULL, _IOLBF, 0);
  }
  if (access_log && strcmp(access_log, "-") == 0) {
    access_file = stdout;
    setvbuf(stdout, NULL, _IOLBF, 0);
  } else if (access_log) {
    access_file = fopen(access_log, "a");
    if (!access_file) {
      fprintf(stderr, "edgefn-gateway: cannot open access log %s: %s\n", access_log,
              strerror(errno));
      return -1;
    }
    setvbuf(access_file, NULL, _IOLBF, 0);
  }
  return 0;
}

void gw_log_close(void) {
  if (error_file)
    fclose(error_file);
  if (access_file && access_file != stdout)
    fclose(access_file);
  error_file = access_file = NULL;
}

void gw_log_set_level(int level) { atomic_store(&log_level, level); }

static void write_line(int level, const char *who, const char *msg, size_t len) {
  char ts[32];
  struct timespec now;
  clock_gettime(CLOCK_REALTIME, &now);
  struct tm tm;
  gmtime_r(&now.tv_sec, &tm);
  strftime(ts, sizeof(ts), "%Y-%m-%dT%H:%M:%S", &tm);
  if (len > INT_MAX)
    len = INT_MAX;
  fprintf(error_file ? error_file : stderr, "%s.%03ldZ [%s] %s%s%.*s\n", ts,
          now.tv_nsec / 1000000L, gw_level_names[level], who, who[0] ? ": " : "", (int)len,
          msg);
}

void gw_log(int level, const char *fmt, ...) {
  if (level < 0 || level > atomic_load(&log_level))
    return;
  char msg[1024];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(msg, sizeof(msg), fmt, ap);
  va_end(ap);
  write_line(level, "gateway", msg, strlen(msg));
}

/* Limit breaches are only reported through the library's log, as text: they are counted
 * here by the phrases the runtime writes (lib/js/runtime.c). */
static void count_breach(const char *m, size_t n) {
  static const struct {
    const char *phrase;
    gw_breach_kind kind;
  } phrases[] = {
      {"CPU time limit", GW_BREACH_CPU},
      {"memory limit", GW_BREACH_MEMORY},
      {"wall time limit", GW_BREACH_WALL},
  };
  for (size_t i = 0; i < sizeof(phrases) / sizeof(phrases[0]); i++) {
    size_t pl = strlen(phrases[i].phrase);
    for (size_t j = 0; j + pl <= n; j++)
      if (memcmp(m + j, phrases[i].phrase, pl) == 0) {
        gw_metrics_breach(phrases[i].kind);
        return;
      }
  }
}

void gw_library_log(void *user_data, int level, const char *function_name, const char *message,
                    size_t message_len) {
  (void)user_data;
  if (level == EDGEFN_LOG_ERROR)
    count_breach(message, message_len);
  if (level < EDGEFN_LOG_ERROR || level > EDGEFN_LOG_DEBUG || level > atomic_load(&log_level))
    return;
  write_line(level, function_name && function_name[0] ? function_name : "edgefn", message,
             message_len);
}

bool gw_access_log_enabled(void) { return access_file != NULL; }

void gw_access_log_write(const char *line, size_t len) {
  if (access_file && len <= INT_MAX)
    fprintf(access_file, "%.*s\n", (int)len, line);
}
