/* Duktape heaps with a counting allocator (the memory cap) and the exec-timeout hook (the
 * CPU budget). */
#include "js/js.h"

#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Each block carries its size in a header so that free and realloc can keep the count;
 * 16 bytes keeps the payload aligned for any type. */
#define ALLOC_HDR 16u

/* Whether the heap may grow by `grow` bytes. The first time it may not, the breach is
 * recorded and the running script is stopped like a CPU breach (the exec-timeout check
 * keeps failing, so catch and finally cannot go on allocating), and the heap gets a reserve
 * (EDGEFN_MEMORY_UNWIND_RESERVE) so that unwinding, error objects and logging succeed:
 * without it every allocation on the way out would fail only after Duktape's ten
 * garbage-collection retries over a full heap, seconds of CPU outside any budget. The
 * runtime recycles a heap that went over its limit. */
static bool may_grow(edgefn__heap_ctl *ctl, size_t grow) {
  if (!ctl)
    return true;
  size_t limit = ctl->mem_limit;
  if (ctl->over_limit)
    limit = limit > SIZE_MAX - EDGEFN_MEMORY_UNWIND_RESERVE ? SIZE_MAX
                                                            : limit + EDGEFN_MEMORY_UNWIND_RESERVE;
  if (grow <= limit && ctl->mem_used <= limit - grow)
    return true;
  ctl->mem_exceeded = true;
  ctl->cpu_exceeded = true;
  if (ctl->over_limit)
    return false;
  ctl->over_limit = true;
  return may_grow(ctl, grow);
}

/* The block cache: a freed block of up to POOL_MAX bytes goes on its size class's list
 * (at most POOL_DEPTH per class) instead of back to malloc. Blocks of a class are all
 * allocated at the class size, so any of them serves any request of the class. Cached
 * blocks are not counted in mem_used; a heap keeps at most
 * EDGEFN__HEAP_POOL_CLASSES * POOL_DEPTH of them (about 40 KB), released with the heap. */
#define POOL_STEP 16u
#define POOL_MAX (POOL_STEP * EDGEFN__HEAP_POOL_CLASSES)
#define POOL_DEPTH 32u

static unsigned pool_class(size_t size) { return (unsigned)((size + POOL_STEP - 1) / POOL_STEP) - 1; }

/* Duktape checks the CPU budget only between bytecode instructions: once a native call has
 * allocated about EDGEFN__ALLOC_CHECK_BYTES from malloc (each allocation counting at least
 * 1 KiB, its call's own cost), ask for a check at the next instruction, so that the call is
 * followed by one. Blocks from the heap's cache are not counted: a request's own few dozen
 * come from there, and a long native call soon empties it. */
static void alloc_tick(edgefn__heap_ctl *ctl, size_t size) {
  if (!ctl || !ctl->cpu_active)
    return;
  size_t weight = size + 1024;
  if (ctl->alloc_credit > weight) {
    ctl->alloc_credit -= weight;
    return;
  }
  ctl->alloc_credit = EDGEFN__ALLOC_CHECK_BYTES;
  if (ctl->heap_block)
    edgefn__duk_request_interrupt(ctl->heap_block);
}

static void *counting_alloc(void *udata, duk_size_t size) {
  edgefn__heap_ctl *ctl = udata;
  if (!may_grow(ctl, size))
    return NULL;
  unsigned char *p;
  if (ctl && size > 0 && size <= POOL_MAX) {
    unsigned c = pool_class(size);
    p = ctl->pool[c];
    if (p) {
      EDGEFN_UNPOISON(p + ALLOC_HDR, (c + 1) * POOL_STEP);
      ctl->pool[c] = *(void **)(p + ALLOC_HDR);
      ctl->pool_count[c]--;
    } else {
      p = malloc((c + 1) * POOL_STEP + ALLOC_HDR);
      if (!p)
        return NULL;
      alloc_tick(ctl, size);
    }
  } else {
    p = malloc(size + ALLOC_HDR);
    if (!p)
      return NULL;
    alloc_tick(ctl, size);
  }
  *(size_t *)p = size;
  if (ctl)
    ctl->mem_used += size;
  return p + ALLOC_HDR;
}

static void pool_release(edgefn__heap_ctl *ctl) {
  for (unsigned c = 0; c < EDGEFN__HEAP_POOL_CLASSES; c++) {
    unsigned char *p = ctl->pool[c];
    while (p) {
      EDGEFN_UNPOISON(p + ALLOC_HDR, (c + 1) * POOL_STEP);
      unsigned char *next = *(void **)(p + ALLOC_HDR);
      free(p);
      p = next;
    }
    ctl->pool[c] = NULL;
    ctl->pool_count[c] = 0;
  }
}

void edgefn__heap_ctl_forget(edgefn__heap_ctl *ctl) {
  pool_release(ctl);
  ctl->heap_block = NULL;
  ctl->promise = NULL;
}

static void counting_free(void *udata, void *ptr) {
  if (!ptr)
    return;
  edgefn__heap_ctl *ctl = udata;
  unsigned char *p = (unsigned char *)ptr - ALLOC_HDR;
  size_t size = *(size_t *)p;
  if (ctl && ptr == ctl->heap_block) { /* the end of duk_destroy_heap */
    ctl->mem_used -= size;
    ctl->heap_block = NULL;
    free(p);
    pool_release(ctl);
    return;
  }
  if (ctl) {
    ctl->mem_used -= size;
    if (size > 0 && size <= POOL_MAX) {
      unsigned c = pool_class(size);
      if (ctl->pool_count[c] < POOL_DEPTH) {
        *(void **)ptr = ctl->pool[c];
        EDGEFN_POISON(ptr, (c + 1) * POOL_STEP);
        ctl->pool[c] = p;
        ctl->pool_count[c]++;
        return;
      }
    }
  }
  free(p);
}

static void *counting_realloc(void *udata, void *ptr, duk_size_t size) {
  if (!ptr)
    return counting_alloc(udata, size);
  if (size == 0) {
    counting_free(udata, ptr);
    return NULL;
  }
  edgefn__heap_ctl *ctl = udata;
  unsigned char *p = (unsigned char *)ptr - ALLOC_HDR;
  size_t old = *(size_t *)p;
  if (ctl && ((old > 0 && old <= POOL_MAX) || size <= POOL_MAX)) {
    /* A class-sized block, or one that becomes one: within the class it stays where it
     * is; otherwise it moves, so that blocks of a class keep the class size. */
    if (old > 0 && old <= POOL_MAX && size <= POOL_MAX && pool_class(old) == pool_class(size)) {
      if (size > old && !may_grow(ctl, size - old))
        return NULL;
      *(size_t *)p = size;
      ctl->mem_used = ctl->mem_used - old + size;
      return ptr;
    }
    void *q = counting_alloc(udata, size);
    if (!q)
      return NULL;
    memcpy(q, ptr, old < size ? old : size);
    counting_free(udata, ptr);
    return q;
  }
  if (size > old && !may_grow(ctl, size - old))
    return NULL;
  unsigned char *q = realloc(p, size + ALLOC_HDR);
  if (!q)
    return NULL;
  *(size_t *)q = size;
  if (ctl)
    ctl->mem_used = ctl->mem_used - old + size;
  if (size > old)
    alloc_tick(ctl, size - old);
  return q + ALLOC_HDR;
}

/* ---- fatal errors (issue 7) ----
 * Duktape calls the fatal handler for an error thrown with no catcher (a Duktape call from C
 * outside any protected call that throws: a type error, a value stack that cannot grow, out
 * of memory) and for internal assertion failures. The handler must not return; Duktape's
 * documented way out is a longjmp, which this file provides: each host entry into a heap
 * (lib/js/runtime.c, the compilers) runs under a recovery point, a sigjmp_buf on this
 * thread's stack of points, and the handler jumps to the innermost one. The heap is then in
 * an unknown state: its owner never touches it again and hands it to edgefn__heap_leak. */
struct edgefn__fatal_point {
  sigjmp_buf jb;
  edgefn__fatal_point *prev;
  void *udata; /* the allocator udata of the heap the point protects */
  char *msg;
  size_t msg_size;
};

static _Thread_local edgefn__fatal_point *fatal_top;

bool edgefn__fatal_guard(void *udata, void (*fn)(void *), void *arg, char *msg,
                         size_t msg_size) {
  edgefn__fatal_point p = {.prev = fatal_top, .udata = udata, .msg = msg, .msg_size = msg_size};
  if (sigsetjmp(p.jb, 0) != 0)
    return false; /* fatal_handler has popped the point */
  fatal_top = &p;
  fn(arg);
  fatal_top = p.prev;
  return true;
}

/* Jumps to the innermost recovery point when it protects the heap that failed. Any other
 * case is a heap entered without a point of its own (a bug): jumping would unwind frames
 * that are not this heap's (host callbacks among them), so the process stops as before. */
static void fatal_handler(void *udata, const char *msg) {
  edgefn__fatal_point *p = fatal_top;
  if (p && p->udata == udata) {
    if (p->msg && p->msg_size)
      snprintf(p->msg, p->msg_size, "%s", msg ? msg : "(no message)");
    fatal_top = p->prev;
    siglongjmp(p->jb, 1);
  }
  fprintf(stderr, "libedgefn: fatal Duktape error outside a recovery point: %s\n",
          msg ? msg : "(none)");
  abort();
}

/* Heaps abandoned after a fatal error, process-wide. Each stays referenced from this list
 * for the life of the process: it is never freed (its state is unknown: freeing it could
 * run finalizers over broken structures), and a leak checker sees its blocks as reachable
 * rather than lost. */
typedef struct leaked_heap {
  struct leaked_heap *next;
  duk_context *ctx;
  size_t bytes;
} leaked_heap;

static pthread_mutex_t leak_lock = PTHREAD_MUTEX_INITIALIZER;
static leaked_heap *leaked_heaps;
static uint64_t leaked_count;
static size_t leaked_bytes;

size_t edgefn__heap_leak(duk_context *ctx, size_t bytes) {
  /* malloc, not the heap's allocator: the node must outlive any runtime. If it fails the
   * heap is leaked all the same, only not listed. */
  leaked_heap *node = malloc(sizeof(*node));
  pthread_mutex_lock(&leak_lock);
  if (node) {
    node->ctx = ctx;
    node->bytes = bytes;
    node->next = leaked_heaps;
    leaked_heaps = node;
  }
  leaked_count++;
  leaked_bytes = bytes > SIZE_MAX - leaked_bytes ? SIZE_MAX : leaked_bytes + bytes;
  size_t total = leaked_bytes;
  pthread_mutex_unlock(&leak_lock);
  return total;
}

void edgefn__heap_leaked(uint64_t *count, size_t *bytes) {
  pthread_mutex_lock(&leak_lock);
  if (count)
    *count = leaked_count;
  if (bytes)
    *bytes = leaked_bytes;
  pthread_mutex_unlock(&leak_lock);
}

/* The exec-timeout check runs every `interval` bytecode instructions; native calls between
 * them are not counted by Duktape, so the interval adapts: cut to what would have taken
 * CHECK_SLOW_NS at the rate just seen when the instructions since the last check took
 * longer (costly native calls; down to a check at every instruction), doubled when they
 * took under CHECK_FAST_NS. The maximum keeps a check within tens of microseconds of cheap
 * code, so that an entry whose first instructions are costly is still checked soon (Duktape
 * takes the next interval only at a check). Native calls that allocate also bring the next
 * check forward (EDGEFN__ALLOC_CHECK_BYTES): a loop around a call that takes milliseconds
 * (JSON.parse of a large text) is then checked after one call rather than after the
 * interval's worth of them, which ran 2 s past a 50 ms limit. */
#define CHECK_INTERVAL_MIN 1L
#define CHECK_INTERVAL_START 256L
#define CHECK_INTERVAL_MAX 4096L
#define CHECK_SLOW_NS 500000u
#define CHECK_FAST_NS 50000u
#define CHECK_FIRST_SKIP_NS 1000000u

/* A recent reading of this thread's CPU clock and the monotonic time it was taken at,
 * shared by every heap the thread runs (a loop's runtimes). An entry that has run for a
 * while without a CPU reading (the first EDGEFN_CPU_SAMPLE_AFTER_NS, charged monotonic time)
 * cannot tell CPU time from time the OS ran other threads; the CPU the thread used since the
 * anchor bounds it. The anchor is renewed at the start of an entry once it is older than
 * CPU_ANCHOR_EVERY_NS, a system call every 10 ms at most, so the bound over-counts by at
 * most that much of other work. */
#define CPU_ANCHOR_EVERY_NS 10000000u
static _Thread_local uint64_t anchor_mono, anchor_cpu;

static void anchor_renew(uint64_t now) {
  anchor_mono = now;
  anchor_cpu = edgefn__thread_cpu_ns();
}

void edgefn__cpu_begin(edgefn__heap_ctl *ctl, uint64_t budget_ns) {
  edgefn__cpu_begin_at(ctl, budget_ns, edgefn__now_ns());
}

void edgefn__cpu_begin_at(edgefn__heap_ctl *ctl, uint64_t budget_ns, uint64_t now_ns) {
  ctl->cpu_active = true;
  ctl->cpu_exceeded = false;
  ctl->cpu_sampled = false;
  ctl->cpu_budget_ns = budget_ns;
  ctl->mono_start = now_ns;
  if (anchor_mono == 0 || ctl->mono_start - anchor_mono > CPU_ANCHOR_EVERY_NS)
    anchor_renew(ctl->mono_start);
  /* A short interval first: the instructions of this entry may be costly native calls. */
  ctl->interrupt_interval = CHECK_INTERVAL_START;
}

/* Switches the entry to the thread CPU clock. What it used so far is the smaller of its
 * monotonic time and the thread's CPU time since the anchor: a thread preempted (or
 * blocked in the host) before the first check is not charged for it. */
static uint64_t start_sampling(edgefn__heap_ctl *ctl, uint64_t now) {
  uint64_t wall = now - ctl->mono_start, cpu = edgefn__thread_cpu_ns();
  uint64_t since_anchor = cpu >= anchor_cpu ? cpu - anchor_cpu : wall;
  anchor_mono = now;
  anchor_cpu = cpu;
  ctl->cpu_sampled = true;
  ctl->first_phase_ns = wall < since_anchor ? wall : since_anchor;
  ctl->cpu_base = cpu;
  ctl->cpu_read_mono = now;
  ctl->cpu_read_used = ctl->first_phase_ns;
  return ctl->first_phase_ns;
}

/* The CPU time of the entry. Before sampling, its monotonic time, until that reaches
 * EDGEFN_CPU_SAMPLE_AFTER_NS or the budget (no limit is ever declared breached on monotonic
 * time alone). Once sampling, the thread CPU clock (a system call) is read at most every
 * EDGEFN_CPU_READ_EVERY_NS of monotonic time; in between, the monotonic time since the
 * last read is added (an overestimate only when the OS ran other threads). */
#define EDGEFN_CPU_READ_EVERY_NS 250000u
static uint64_t cpu_used(edgefn__heap_ctl *ctl, uint64_t now, bool exact) {
  if (!ctl->cpu_sampled) {
    uint64_t wall = now - ctl->mono_start;
    if (wall < EDGEFN_CPU_SAMPLE_AFTER_NS && wall < ctl->cpu_budget_ns)
      return wall;
    return start_sampling(ctl, now);
  }
  if (!exact && now - ctl->cpu_read_mono < EDGEFN_CPU_READ_EVERY_NS)
    return ctl->cpu_read_used + (now - ctl->cpu_read_mono);
  ctl->cpu_read_mono = now;
  ctl->cpu_read_used = ctl->first_phase_ns + (edgefn__thread_cpu_ns() - ctl->cpu_base);
  return ctl->cpu_read_used;
}

void edgefn__cpu_exclude(edgefn__heap_ctl *ctl, uint64_t mono_ns, uint64_t cpu_ns) {
  if (!ctl || !ctl->cpu_active)
    return;
  if (ctl->cpu_sampled) {
    ctl->cpu_base += cpu_ns;
  } else {
    ctl->mono_start += mono_ns;
    anchor_cpu += cpu_ns; /* not this entry's either */
  }
}

uint64_t edgefn__cpu_end(edgefn__heap_ctl *ctl) {
  uint64_t used = cpu_used(ctl, edgefn__now_ns(), true);
  ctl->cpu_active = false;
  return used;
}

long edgefn__duk_interrupt_interval(void *udata) {
  edgefn__heap_ctl *ctl = udata;
  if (!ctl)
    return CHECK_INTERVAL_MAX;
  if (ctl->interrupt_interval == 0)
    ctl->interrupt_interval = CHECK_INTERVAL_START;
  return ctl->interrupt_interval;
}

int edgefn__duk_exec_timeout_check(void *udata) {
  edgefn__heap_ctl *ctl = udata;
  if (!ctl || !ctl->cpu_active)
    return 0;
  if (ctl->cpu_exceeded)
    return 1;
  /* An entry from C always starts with a check, which Duktape forces before its first
   * instruction: the clock was read at edgefn__cpu_begin a moment before, with only library
   * code run since, so an entry with at least CHECK_FIRST_SKIP_NS of budget counts that
   * reading as its first check (one clock read less per entry) and is checked next after
   * CHECK_INTERVAL_START instructions. A smaller budget is checked now. */
  if (ctl->last_check_ns < ctl->mono_start && ctl->cpu_budget_ns >= CHECK_FIRST_SKIP_NS &&
      ctl->heap_block && edgefn__duk_interrupt_at_entry(ctl->heap_block)) {
    ctl->last_check_ns = ctl->mono_start;
    return 0;
  }
  uint64_t now = edgefn__now_ns();
  if (ctl->last_check_ns >= ctl->mono_start) { /* a check earlier in this entry */
    uint64_t dt = now - ctl->last_check_ns;
    if (dt > CHECK_SLOW_NS && ctl->interrupt_interval > CHECK_INTERVAL_MIN)
      ctl->interrupt_interval =
          (long)((double)ctl->interrupt_interval * CHECK_SLOW_NS / (double)dt);
    else if (dt < CHECK_FAST_NS && ctl->interrupt_interval < CHECK_INTERVAL_MAX)
      ctl->interrupt_interval *= 2;
    if (ctl->interrupt_interval < CHECK_INTERVAL_MIN)
      ctl->interrupt_interval = CHECK_INTERVAL_MIN;
  }
  ctl->last_check_ns = now;
  uint64_t used = cpu_used(ctl, now, false);
  if (used >= ctl->cpu_budget_ns) {
    ctl->cpu_exceeded = true;
    return 1;
  }
  return 0;
}

void edgefn__cpu_tick(duk_context *ctx) {
  duk_memory_functions mf;
  duk_get_memory_functions(ctx, &mf);
  edgefn__heap_ctl *ctl = mf.udata;
  if (!ctl || !ctl->cpu_active || (++ctl->native_ticks & (EDGEFN__CPU_TICK_EVERY - 1)) != 0)
    return;
  if (ctl->cpu_exceeded || edgefn__cpu_remaining_ns(ctl) == 0) {
    ctl->cpu_exceeded = true; /* the request's breach, whoever catches the RangeError */
    (void)duk_range_error(ctx, "CPU time limit exceeded in a native loop");
  }
}

void edgefn__cpu_check_soon(duk_context *ctx) {
  edgefn__duk_request_interrupt(edgefn__duk_heap_block(ctx));
}

uint64_t edgefn__cpu_remaining_ns(edgefn__heap_ctl *ctl) {
  if (!ctl || !ctl->cpu_active)
    return UINT64_MAX;
  if (edgefn__duk_exec_timeout_check(ctl))
    return 0;
  /* The clock moved on since that check: a budget spent in between is a breach too (it
   * used to answer 0 without recording one, so a native loop stopped here threw its
   * RangeError while the request went on as if within its limit). */
  uint64_t used = cpu_used(ctl, edgefn__now_ns(), false);
  if (used >= ctl->cpu_budget_ns) {
    ctl->cpu_exceeded = true;
    return 0;
  }
  return ctl->cpu_budget_ns - used;
}
/* DUK_USE_CALLSTACK_LIMIT reads the depth limit through the heap's udata pointer. */
_Static_assert((EDGEFN__CPU_TICK_EVERY & (EDGEFN__CPU_TICK_EVERY - 1)) == 0,
               "EDGEFN__CPU_TICK_EVERY must be a power of two");
_Static_assert(offsetof(edgefn__heap_ctl, call_depth_limit) == 0,
               "call_depth_limit must be the first field of edgefn__heap_ctl");
_Static_assert(sizeof(((edgefn__heap_ctl *)0)->call_depth_limit) == sizeof(duk_size_t),
               "call_depth_limit must be a duk_size_t");
_Static_assert(DUK_USE_NATIVE_CALL_RECLIMIT == EDGEFN_NATIVE_CALL_DEPTH_LIMIT ||
                   DUK_USE_NATIVE_CALL_RECLIMIT == EDGEFN_NATIVE_CALL_DEPTH_LIMIT / 2,
               "lib/duktape/duk_config.h.in and limits.h disagree on the native call depth");

duk_context *edgefn__heap_new(edgefn__heap_ctl *ctl) {
  if (ctl && ctl->call_depth_limit == 0)
    ctl->call_depth_limit = EDGEFN_DEFAULT_CALL_DEPTH_LIMIT;
  if (ctl)
    ctl->promise = NULL; /* a previous heap's engine (promise.c sets this one's) */
  duk_context *ctx =
      duk_create_heap(counting_alloc, counting_realloc, counting_free, ctl, fatal_handler);
  if (ctx && ctl)
    ctl->heap_block = edgefn__duk_heap_block(ctx);
  else if (ctl)
    pool_release(ctl); /* a heap that could not be made has freed its blocks */
  return ctx;
}

void edgefn__js_log(duk_context *ctx, int level, const char *fmt, ...) {
  duk_memory_functions mf;
  duk_get_memory_functions(ctx, &mf);
  edgefn__heap_ctl *ctl = mf.udata;
  va_list ap;
  va_start(ap, fmt);
  edgefn__vlog(ctl ? ctl->log : NULL, ctl ? ctl->log_data : NULL, level, ctl ? ctl->name : NULL,
               fmt, ap);
  va_end(ap);
}

bool edgefn__heap_charge(void *udata, size_t bytes) {
  edgefn__heap_ctl *ctl = udata;
  if (!ctl)
    return true;
  if (!may_grow(ctl, bytes))
    return false;
  ctl->mem_used += bytes;
  return true;
}

void edgefn__heap_uncharge(void *udata, size_t bytes) {
  edgefn__heap_ctl *ctl = udata;
  if (ctl)
    ctl->mem_used -= bytes < ctl->mem_used ? bytes : ctl->mem_used;
}
