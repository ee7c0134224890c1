/* CPU accounting of an entry into JavaScript (lib/js/heap.c): time the thread did not run
 * (preempted, or blocked in the host) is not charged, also before the entry's first read of
 * the thread CPU clock; CPU the script burns is. A native sleepMs() stands in for the OS
 * running other threads: it passes monotonic time without using CPU. */
#include <stdint.h>
#include <time.h>

#include "core/core.h"
#include "js/js.h"
#include "test.h"

static duk_ret_t sleep_ms(duk_context *ctx) {
  long ms = (long)duk_require_int(ctx, 0);
  struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
  while (nanosleep(&ts, &ts) != 0) {
  }
  return 0;
}

typedef struct run {
  const char *src;
} run;

static duk_ret_t run_safe(duk_context *ctx, void *udata) {
  const run *r = udata;
  duk_eval_string_noresult(ctx, r->src);
  return 0;
}

/* Runs src with a budget; returns 1 when the budget was breached, 0 when the script ended,
 * -1 on another error. *charged_ns gets what the entry was charged. */
static int run_with_budget(const char *src, uint64_t budget_ns, uint64_t *charged_ns) {
  edgefn__heap_ctl ctl;
  memset(&ctl, 0, sizeof(ctl));
  ctl.mem_limit = 64u * 1024u * 1024u;
  duk_context *ctx = edgefn__heap_new(&ctl);
  if (!ctx)
    return -1;
  duk_push_c_function(ctx, sleep_ms, 1);
  duk_put_global_string(ctx, "sleepMs");
  run r = {src};
  edgefn__cpu_begin(&ctl, budget_ns);
  int rc = duk_safe_call(ctx, run_safe, &r, 0, 1);
  *charged_ns = edgefn__cpu_end(&ctl);
  int out = ctl.cpu_exceeded ? 1 : rc == DUK_EXEC_SUCCESS ? 0 : -1;
  duk_destroy_heap(ctx);
  return out;
}

TEST(cpu_clock_preemption_before_first_check_is_not_charged) {
  uint64_t charged = 0;
  /* 150 ms without running, then a little work (a few ms, more under ASan): within a
   * 100 ms budget. Before the fix the first check charged the whole 150 ms of monotonic
   * time and ended the entry. */
  ASSERT_EQ(run_with_budget("sleepMs(150); for (var i = 0; i < 10000; i++) {}",
                            100u * 1000000u, &charged),
            0);
  ASSERT(charged < 100u * 1000000u);
  /* The same after the entry already switched to the thread CPU clock. */
  ASSERT_EQ(run_with_budget("var t = Date.now(); while (Date.now() - t < 5) {}"
                            "sleepMs(150); for (var i = 0; i < 10000; i++) {}",
                            100u * 1000000u, &charged),
            0);
  ASSERT(charged < 100u * 1000000u);
  return 0;
}

TEST(cpu_clock_busy_script_is_stopped_near_its_budget) {
  uint64_t charged = 0;
  uint64_t t0 = edgefn__now_ns();
  ASSERT_EQ(run_with_budget("for (;;) {}", 30u * 1000000u, &charged), 1);
  uint64_t wall = edgefn__now_ns() - t0;
  ASSERT(charged >= 30u * 1000000u);
  /* Stopped within the budget plus a margin (the machine may be loaded: wall time only
   * bounds from above what the thread could have used). */
  ASSERT(charged < 30u * 1000000u + 20u * 1000000u || charged <= wall);
  /* A sleep first does not eat the budget of the busy part that follows. */
  t0 = edgefn__now_ns();
  ASSERT_EQ(run_with_budget("sleepMs(60); for (;;) {}", 30u * 1000000u, &charged), 1);
  wall = edgefn__now_ns() - t0;
  ASSERT(wall >= 60u * 1000000u + 25u * 1000000u); /* it did run busy for most of 30 ms */
  return 0;
}
