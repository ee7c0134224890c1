/* Duktape heaps with a counting allocator (the memory cap) and the exec-timeout hook (the
 * CPU budget). */
#include "js/js.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

/* Each block carries its size in a header so that free and realloc can keep the count;
 * 16 bytes keeps the payload aligned for any type. */
#define ALLOC_HDR 16u

static void *counting_alloc(void *udata, duk_size_t size) {
  edgefn__heap_ctl *ctl = udata;
  if (ctl && (size > ctl->mem_limit || ctl->mem_used > ctl->mem_limit - size)) {
    ctl->mem_exceeded = true;
    return NULL;
  }
  unsigned char *p = malloc(size + ALLOC_HDR);
  if (!p)
    return NULL;
  *(size_t *)p = size;
  if (ctl)
    ctl->mem_used += size;
  return p + ALLOC_HDR;
}

static void counting_free(void *udata, void *ptr) {
  if (!ptr)
    return;
  edgefn__heap_ctl *ctl = udata;
  unsigned char *p = (unsigned char *)ptr - ALLOC_HDR;
  if (ctl)
    ctl->mem_used -= *(size_t *)p;
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
  if (ctl && size > old &&
      (size - old > ctl->mem_limit || ctl->mem_used > ctl->mem_limit - (size - old))) {
    ctl->mem_exceeded = true;
    return NULL;
  }
  unsigned char *q = realloc(p, size + ALLOC_HDR);
  if (!q)
    return NULL;
  *(size_t *)q = size;
  if (ctl)
    ctl->mem_used = ctl->mem_used - old + size;
  return q + ALLOC_HDR;
}

/* Duktape calls this only for errors outside any protected call, which the library never
 * makes, or for internal assertion failures: there is no safe way to continue. */
static void fatal_handler(void *udata, const char *msg) {
  (void)udata;
  fprintf(stderr, "libedgefn: fatal Duktape error: %s\n", msg ? msg : "(none)");
  abort();
}

void edgefn__cpu_begin(edgefn__heap_ctl *ctl, uint64_t budget_ns) {
  ctl->cpu_active = true;
  ctl->cpu_exceeded = false;
  ctl->cpu_sampled = false;
  ctl->cpu_budget_ns = budget_ns;
  ctl->mono_start = edgefn__now_ns();
}

static uint64_t cpu_used(const edgefn__heap_ctl *ctl, uint64_t now) {
  if (!ctl->cpu_sampled)
    return now - ctl->mono_start;
  return (ctl->mono_base - ctl->mono_start) + (edgefn__thread_cpu_ns() - ctl->cpu_base);
}

void edgefn__cpu_exclude(edgefn__heap_ctl *ctl, uint64_t mono_ns, uint64_t cpu_ns) {
  if (!ctl || !ctl->cpu_active)
    return;
  if (ctl->cpu_sampled)
    ctl->cpu_base += cpu_ns;
  else
    ctl->mono_start += mono_ns;
}

uint64_t edgefn__cpu_end(edgefn__heap_ctl *ctl) {
  uint64_t used = cpu_used(ctl, edgefn__now_ns());
  ctl->cpu_active = false;
  return used;
}

int edgefn__duk_exec_timeout_check(void *udata) {
  edgefn__heap_ctl *ctl = udata;
  if (!ctl || !ctl->cpu_active)
    return 0;
  if (ctl->cpu_exceeded)
    return 1;
  uint64_t now = edgefn__now_ns();
  uint64_t used = cpu_used(ctl, now);
  if (!ctl->cpu_sampled && used >= EDGEFN_CPU_SAMPLE_AFTER_NS) {
    ctl->cpu_sampled = true;
    ctl->mono_base = now;
    ctl->cpu_base = edgefn__thread_cpu_ns();
  }
  if (used >= ctl->cpu_budget_ns) {
    ctl->cpu_exceeded = true;
    return 1;
  }
  return 0;
}

duk_context *edgefn__heap_new(edgefn__heap_ctl *ctl) {
  return duk_create_heap(counting_alloc, counting_realloc, counting_free, ctl, fatal_handler);
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
