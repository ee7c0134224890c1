/* console: log/info/debug/warn/error to the host's log callback. Arguments are joined by
 * spaces; strings print as they are, errors with their stack, other values as JSON when
 * they have a JSON form. */
#include "js/js.h"

#include <string.h>

static void push_formatted(duk_context *ctx, duk_idx_t idx) {
  if (duk_is_string(ctx, idx)) {
    duk_dup(ctx, idx);
    return;
  }
  if (duk_is_error(ctx, idx)) {
    duk_get_prop_string(ctx, idx, "stack");
    if (duk_is_string(ctx, -1))
      return;
    duk_pop(ctx);
  } else if (duk_is_object(ctx, idx) && !duk_is_function(ctx, idx)) {
    duk_dup(ctx, idx);
    /* JSON.stringify may throw (cycles, BigInt-like values, getters): fall back to
     * String(). The CPU budget still applies inside. */
    duk_push_global_object(ctx);
    duk_get_prop_string(ctx, -1, "JSON");
    duk_get_prop_string(ctx, -1, "stringify");
    duk_dup(ctx, -4);
    if (duk_pcall(ctx, 1) == DUK_EXEC_SUCCESS && duk_is_string(ctx, -1)) {
      duk_replace(ctx, -4);
      duk_pop_2(ctx);
      return;
    }
    duk_pop_n(ctx, 4);
  }
  duk_dup(ctx, idx);
  duk_safe_to_string(ctx, -1);
}

static duk_ret_t console_print(duk_context *ctx) {
  int level = duk_get_current_magic(ctx);
  duk_idx_t n = duk_get_top(ctx);
  for (duk_idx_t i = 0; i < n; i++) {
    if (i > 0)
      duk_push_string(ctx, " ");
    push_formatted(ctx, i);
  }
  duk_concat(ctx, n > 0 ? 2 * n - 1 : 0);
  duk_size_t len;
  const char *msg = duk_get_lstring(ctx, -1, &len);
  edgefn__js_log(ctx, level, "%.*s", (int)(len > 65536 ? 65536 : len), msg);
  return 0;
}

void edgefn__console_install(duk_context *ctx) {
  static const struct {
    const char *name;
    int level;
  } methods[] = {{"log", EDGEFN_LOG_INFO},   {"info", EDGEFN_LOG_INFO},
                 {"debug", EDGEFN_LOG_DEBUG}, {"trace", EDGEFN_LOG_DEBUG},
                 {"warn", EDGEFN_LOG_WARN},   {"error", EDGEFN_LOG_ERROR}};
  duk_push_global_object(ctx);
  duk_push_object(ctx);
  for (size_t i = 0; i < EDGEFN_ARRAY_LEN(methods); i++) {
    duk_push_c_function(ctx, console_print, DUK_VARARGS);
    duk_set_magic(ctx, -1, methods[i].level);
    duk_put_prop_string(ctx, -2, methods[i].name);
  }
  duk_put_prop_string(ctx, -2, "console");
  duk_pop(ctx);
}
