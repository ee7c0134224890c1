/* Host logging: one callback per runtime, stderr when the host gives none. */
#include "core.h"

#include <stdio.h>

static const char *level_name(int level) {
  switch (level) {
  case EDGEFN_LOG_ERROR:
    return "error";
  case EDGEFN_LOG_WARN:
    return "warn";
  case EDGEFN_LOG_INFO:
    return "info";
  default:
    return "debug";
  }
}

void edgefn__log_raw(edgefn_log_fn log, void *log_data, int level, const char *function_name,
                     const char *msg, size_t len) {
  if (!function_name)
    function_name = "";
  if (log) {
    log(log_data, level, function_name, msg, len);
    return;
  }
  fprintf(stderr, "edgefn %s [%s] %.*s\n", level_name(level), function_name, (int)len, msg);
}

void edgefn__vlog(edgefn_log_fn log, void *log_data, int level, const char *function_name,
                  const char *fmt, va_list ap) {
  char buf[1024];
  int n = vsnprintf(buf, sizeof(buf), fmt, ap);
  if (n < 0)
    return;
  if ((size_t)n >= sizeof(buf))
    n = (int)sizeof(buf) - 1;
  edgefn__log_raw(log, log_data, level, function_name, buf, (size_t)n);
}

void edgefn__log(edgefn_log_fn log, void *log_data, int level, const char *function_name,
                 const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  edgefn__vlog(log, log_data, level, function_name, fmt, ap);
  va_end(ap);
}
