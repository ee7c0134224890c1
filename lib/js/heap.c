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

int edgefn__duk_exec_timeout_check(void *udata) {
  edgefn__heap_ctl *ctl = udata;
  if (!ctl || ctl->cpu_deadline_ns == 0)
    return 0;
  if (ctl->cpu_exceeded || edgefn__thread_cpu_ns() >= ctl->cpu_deadline_ns) {
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
  char buf[1024];
  va_list ap;
  va_start(ap, fmt);
  int n = vsnprintf(buf, sizeof(buf), fmt, ap);
  va_end(ap);
  if (n < 0)
    return;
  if ((size_t)n >= sizeof(buf))
    n = (int)sizeof(buf) - 1;
  edgefn__log_raw(ctl ? ctl->log : NULL, ctl ? ctl->log_data : NULL, level,
                  ctl ? ctl->name : NULL, buf, (size_t)n);
}
