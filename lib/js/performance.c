/* performance (High Resolution Time): `now()` counts milliseconds on the monotonic clock
 * from the runtime's creation, its time origin, so it never goes backwards when the wall
 * clock is adjusted. Replaces Duktape's built-in `performance`, whose origin is the boot
 * of the machine. */
#include "js/runtime.h"

#include <time.h>

#define STASH_ORIGIN "perfOrigin"

/* The time origin in monotonic nanoseconds: the runtime's creation, or for a heap without
 * a runtime the first call. */
static uint64_t origin_ns(duk_context *ctx) {
  edgefn_runtime *rt = edgefn__rt_from_ctx(ctx);
  if (rt)
    return rt->created_ns;
  duk_push_global_stash(ctx);
  if (!duk_get_prop_string(ctx, -1, STASH_ORIGIN)) {
    duk_pop(ctx);
    duk_push_number(ctx, (double)edgefn__now_ns());
    duk_dup_top(ctx);
    duk_put_prop_string(ctx, -3, STASH_ORIGIN);
  }
  uint64_t o = (uint64_t)duk_get_number(ctx, -1);
  duk_pop_2(ctx);
  return o;
}

double edgefn__perf_now(duk_context *ctx) {
  return (double)(edgefn__now_ns() - origin_ns(ctx)) / 1e6;
}

static duk_ret_t perf_now(duk_context *ctx) {
  duk_push_number(ctx, edgefn__perf_now(ctx));
  return 1;
}

static duk_ret_t perf_time_origin(duk_context *ctx) {
  struct timespec ts;
  clock_gettime(CLOCK_REALTIME, &ts);
  double wall_ms = (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
  duk_push_number(ctx, wall_ms - edgefn__perf_now(ctx));
  return 1;
}

static duk_ret_t perf_to_json(duk_context *ctx) {
  duk_push_object(ctx);
  duk_push_this(ctx);
  duk_get_prop_string(ctx, -1, "timeOrigin");
  duk_remove(ctx, -2);
  duk_put_prop_string(ctx, -2, "timeOrigin");
  return 1;
}

void edgefn__performance_install(duk_context *ctx) {
  static const duk_function_list_entry methods[] = {
      {"now", perf_now, 0}, {"toJSON", perf_to_json, 0}, {NULL, NULL, 0}};
  duk_push_global_object(ctx);
  duk_push_object(ctx);
  duk_put_function_list(ctx, -1, methods);
  /* timeOrigin is fixed for the runtime: computed once here. */
  duk_push_string(ctx, "timeOrigin");
  perf_time_origin(ctx);
  duk_def_prop(ctx, -3, DUK_DEFPROP_HAVE_VALUE | DUK_DEFPROP_SET_ENUMERABLE);
  edgefn__def_to_string_tag(ctx, -1, "Performance");
  duk_put_prop_string(ctx, -2, "performance");
  duk_pop(ctx);
}
