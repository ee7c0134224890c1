/* Duktape as the library uses it: the project's configured duktape.h plus helpers shared by
 * every part that touches a heap. */
#ifndef EDGEFN_DUK_H
#define EDGEFN_DUK_H

#include "core/core.h"
#include "duktape.h"

/* The exec-timeout hook Duktape calls while running bytecode (lib/duktape/duk_config.h).
 * udata is the heap's user data: an edgefn__heap_ctl, or NULL for heaps without limits. */
typedef struct edgefn__heap_ctl {
  size_t mem_used;
  size_t mem_limit;
  bool mem_exceeded; /* an allocation was refused since the flag was last cleared */
  uint64_t cpu_deadline_ns; /* thread CPU time at which running JS must stop; 0 = none */
  bool cpu_exceeded;
  edgefn_log_fn log; /* NULL: stderr */
  void *log_data;
  const char *name; /* function name for log lines; NULL = "" */
} edgefn__heap_ctl;

/* Creates a heap whose allocations are counted against ctl->mem_limit (ctl may be NULL
 * for an unlimited compile-only heap). */
EDGEFN_INTERNAL duk_context *edgefn__heap_new(edgefn__heap_ctl *ctl);

#endif
