/* Duktape as the library uses it: the project's configured duktape.h plus helpers shared by
 * every part that touches a heap. */
#ifndef EDGEFN_DUK_H
#define EDGEFN_DUK_H

#include "core/core.h"
#include "duktape.h"
#include "duk_extras.h"

/* Every duk_get_prop_literal, duk_get_prop_index and duk_push_global_stash in the library
 * takes the short path
 * of lib/duktape/internals.c: the same results, without Duktape's generic property lookup
 * (about 350 instructions each; a hello-world request made 25 of them and 7 stash lookups,
 * a third of its cost). */
#undef duk_get_prop_literal
#define duk_get_prop_literal(ctx, obj_idx, key)                                               \
  edgefn__duk_get_prop_lstring((ctx), (obj_idx), (key), sizeof(key) - 1U)
#undef duk_push_global_stash
#define duk_push_global_stash(ctx) edgefn__duk_push_global_stash(ctx)
#define duk_get_prop_index(ctx, obj_idx, arr_idx)                                             \
  edgefn__duk_get_prop_index((ctx), (obj_idx), (arr_idx))

/* A literal key that is a hidden symbol (DUK_HIDDEN_SYMBOL) is the library's internal
 * state: written past a script's Object.freeze or preventExtensions, and without the
 * generic [[Put]] (a prototype walk and property-table growth one key at a time cost about
 * 650 instructions a write). Other keys keep duk_put_prop's semantics. */
#undef duk_put_prop_literal
#define duk_put_prop_literal(ctx, obj_idx, key)                                               \
  ((key)[0] == '\xff'                                                                         \
       ? edgefn__duk_put_hidden_lstring((ctx), (obj_idx), (key), sizeof(key) - 1U)           \
       : duk_put_prop_literal_raw((ctx), (obj_idx), (key), sizeof(key) - 1U))

/* Size classes of the block cache: 16, 32, ... bytes up to 16 * EDGEFN__HEAP_POOL_CLASSES. */
#define EDGEFN__HEAP_POOL_CLASSES 8

/* The exec-timeout hook Duktape calls while running bytecode (lib/duktape/duk_config.h).
 * udata is the heap's user data: an edgefn__heap_ctl, or NULL for heaps without limits. */
typedef struct edgefn__heap_ctl {
  /* First: read by DUK_USE_CALLSTACK_LIMIT (lib/duktape/duk_config.h.in) on every call. */
  size_t call_depth_limit;
  size_t mem_used;
  size_t mem_limit;
  bool mem_exceeded; /* the heap went over its limit since the flag was last cleared */
  bool over_limit;   /* it did at some point: the unwind reserve is in use (lib/js/heap.c) */
  /* The CPU budget of the JavaScript now running (see edgefn__cpu_begin). */
  bool cpu_active;
  bool cpu_exceeded;
  bool cpu_sampled;    /* the thread CPU clock has been read during this entry */
  uint64_t cpu_budget_ns;
  uint64_t mono_start; /* monotonic time at entry */
  uint64_t first_phase_ns; /* CPU charged for the entry before the thread CPU clock was read */
  uint64_t cpu_base;   /* thread CPU time when it was first read */
  uint64_t cpu_read_mono; /* monotonic time of the last thread CPU clock read */
  uint64_t cpu_read_used; /* the entry's CPU time computed then */
  edgefn_log_fn log; /* NULL: stderr */
  void *log_data;
  const char *name; /* function name for log lines; NULL = "" */
  struct edgefn_runtime *owner; /* the runtime of this heap, NULL for other heaps */
  void *regexp; /* lib/js/regexp.c's per-heap state, set and cleared there */
  void *promise; /* lib/js/promise.c's engine (in the stash; reset with each new heap) */
  uint32_t job_tag; /* microtasks queued now belong to this request (0: none) */
  /* Instructions between exec-timeout checks, adapted to their cost (lib/js/heap.c). */
  long interrupt_interval;
  uint64_t last_check_ns;
  uint32_t native_ticks; /* steps counted by edgefn__cpu_tick */
  size_t alloc_credit; /* bytes malloc may give until a CPU check is asked for (heap.c) */
  /* Bytes of ArrayBuffers detached by streams since the last collection this counter
   * asked for (lib/js/streams.c, EDGEFN_STREAM_DETACHED_GC_BYTES). */
  size_t detached_bytes;
  /* Freed small blocks kept for reuse (lib/js/heap.c): a request allocates and frees a few
   * dozen of them, and a free list is several times cheaper than malloc and free. Only
   * the heap's own thread touches it, like everything else in the heap. */
  void *pool[EDGEFN__HEAP_POOL_CLASSES];
  uint16_t pool_count[EDGEFN__HEAP_POOL_CLASSES];
  const void *heap_block; /* freed last by duk_destroy_heap: the cache is released then */
} edgefn__heap_ctl;

/* CPU accounting for one entry into JavaScript. Reading the thread CPU clock is a system
 * call (about 1.5 µs on a virtual machine, more than a hello-world request should cost), so
 * short entries are charged the monotonic time they took (a vDSO read); once an entry has
 * run for EDGEFN_CPU_SAMPLE_AFTER_NS, the exec-timeout check switches to the thread CPU clock
 * so that time the OS spent elsewhere is not charged to a long-running script. */
#define EDGEFN_CPU_SAMPLE_AFTER_NS 1000000u
EDGEFN_INTERNAL void edgefn__cpu_begin(edgefn__heap_ctl *ctl, uint64_t budget_ns);
/* The same, the entry starting at now_ns (an edgefn__now_ns() reading just taken). */
EDGEFN_INTERNAL void edgefn__cpu_begin_at(edgefn__heap_ctl *ctl, uint64_t budget_ns,
                                          uint64_t now_ns);
/* Leaves out of the current entry's charge work done for the process rather than for the
 * request (a one-time compile): mono_ns of monotonic and cpu_ns of thread CPU time. */
EDGEFN_INTERNAL void edgefn__cpu_exclude(edgefn__heap_ctl *ctl, uint64_t mono_ns,
                                         uint64_t cpu_ns);
/* Ends the entry and returns the CPU time to charge for it. */
EDGEFN_INTERNAL uint64_t edgefn__cpu_end(edgefn__heap_ctl *ctl);

/* The CPU time left to the JavaScript now running: 0 once the budget is spent (the entry
 * is then marked exceeded), UINT64_MAX when no budget is active. For long native work
 * (regular expression matching) that Duktape's exec-timeout hook cannot interrupt. */
EDGEFN_INTERNAL uint64_t edgefn__cpu_remaining_ns(edgefn__heap_ctl *ctl);
/* For loops in C that can run long without running bytecode, where Duktape's exec-timeout
 * check never comes (a Set built from the iterator of an array of length 2^32 - 1 calls
 * only native functions): counts a step and, every EDGEFN__CPU_TICK_EVERY steps, throws a
 * RangeError when the CPU budget is spent or a limit was breached. */
/* Asks for the exec-timeout check at the next bytecode instruction: for the end of a
 * native call that may have taken long (it ran over a large input) without allocating
 * through the heap, so that a loop around it is stopped after one such call rather than
 * after the check interval's worth of them. */
EDGEFN_INTERNAL void edgefn__cpu_check_soon(duk_context *ctx);
/* What counts as a large input for that, in bytes or elements. */
#define EDGEFN__LONG_INPUT 65536u
#define EDGEFN__CPU_TICK_EVERY 1024u
/* Every this many bytes allocated from malloc while a CPU budget is active (each
 * allocation counting at least 1 KiB), the allocator asks Duktape for an exec-timeout check
 * at the next bytecode instruction (lib/js/heap.c). */
#define EDGEFN__ALLOC_CHECK_BYTES (256u * 1024u)
EDGEFN_INTERNAL void edgefn__cpu_tick(duk_context *ctx);

/* Fatal errors (lib/js/heap.c). Runs fn(arg) under a recovery point for the heap whose
 * allocator udata is `udata` (a runtime's edgefn__heap_ctl, or NULL for the compilers'
 * heaps): a fatal Duktape error in that heap during fn jumps back here, its message is
 * copied into msg[0..msg_size), and the result is false. The heap must then never be used
 * again (not even destroyed): pass it to edgefn__heap_leak. Points nest; each thread has its
 * own. True when fn returned normally. */
typedef struct edgefn__fatal_point edgefn__fatal_point;
#define EDGEFN__FATAL_MSG_MAX 256
EDGEFN_INTERNAL bool edgefn__fatal_guard(void *udata, void (*fn)(void *), void *arg, char *msg,
                                         size_t msg_size);
/* Keeps an abandoned heap referenced for the life of the process (never freed) and counts
 * it with `bytes` it held; returns the bytes of every heap leaked so far. Any thread. */
EDGEFN_INTERNAL size_t edgefn__heap_leak(duk_context *ctx, size_t bytes);
/* After edgefn__heap_leak of the heap made with ctl: releases the blocks ctl kept for reuse
 * (free blocks, not the heap's) and forgets the heap, so that ctl can serve a new one. */
EDGEFN_INTERNAL void edgefn__heap_ctl_forget(edgefn__heap_ctl *ctl);
/* The number and bytes of the heaps leaked so far in the process. */
EDGEFN_INTERNAL void edgefn__heap_leaked(uint64_t *count, size_t *bytes);

/* Creates a heap whose allocations are counted against ctl->mem_limit (ctl may be NULL
 * for an unlimited compile-only heap). */
EDGEFN_INTERNAL duk_context *edgefn__heap_new(edgefn__heap_ctl *ctl);
/* duk_destroy_heap on a heap made with ctl also releases the blocks it kept for reuse. */

/* Memory a heap's objects hold outside its allocator (an ICU formatter behind an Intl
 * object): counted against the heap's limit like its own blocks. udata is the heap's
 * allocator udata (duk_get_memory_functions). edgefn__heap_charge fails, counting nothing,
 * when the limit does not allow it (a breach, as for a failed allocation); every
 * successful charge is later given back with edgefn__heap_uncharge. */
EDGEFN_INTERNAL bool edgefn__heap_charge(void *udata, size_t bytes);
EDGEFN_INTERNAL void edgefn__heap_uncharge(void *udata, size_t bytes);

#endif
