/* The runtime's internals that the Web API files of the js part use. */
#ifndef EDGEFN_RUNTIME_INTERNAL_H
#define EDGEFN_RUNTIME_INTERNAL_H

#include "js/js.h"
#include "loop/loop.h"

typedef struct edgefn__js_timer edgefn__js_timer;

struct edgefn_runtime {
  edgefn__heap_ctl ctl; /* first: the heap's allocator udata is the runtime itself */
  duk_context *ctx;
  edgefn_loop *loop;
  edgefn_script *script;
  char *name;
  uint64_t cpu_limit_ns;
  uint32_t wall_limit_ms;
  void *user_data;
  struct edgefn__exchange *exchanges; /* requests in flight, newest first */
  size_t pending;
  uint32_t next_exchange_id;
  uint32_t *free_slots; /* recycled stash slots; capacity >= slot_count */
  size_t free_slot_count, free_slot_cap;
  uint32_t slot_count;
  uint32_t current_exchange; /* the request whose JavaScript is running; 0 = none */
  edgefn__js_timer *timers;
  size_t timer_count;
  uint32_t next_timer_id;
  bool freeing;
  int breach; /* EDGEFN_ECPU_LIMIT / EDGEFN_EMEMORY_LIMIT if the last entry into JS hit one */
  char last_error[512];
};

/* Calls the function stored in the stash under `key` (with no arguments) on behalf of the
 * request `exchange_id` (0 = none), charging its CPU to that request, then drains
 * microtasks and delivers responses that became ready. */
EDGEFN_INTERNAL void edgefn__rt_call_stashed(edgefn_runtime *rt, uint32_t exchange_id,
                                             const char *key);

/* Records a message as the runtime's last error and logs it. */
EDGEFN_INTERNAL void edgefn__rt_error(edgefn_runtime *rt, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

#endif
