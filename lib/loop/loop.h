/* The loop part's internal interface: timers, fd watches and deferred callbacks that other
 * parts (runtime timers, fetch backends) attach to an edgefn_loop. Loop thread only. */
#ifndef EDGEFN_LOOP_INTERNAL_H
#define EDGEFN_LOOP_INTERNAL_H

#include "core/core.h"

typedef struct edgefn__timer edgefn__timer;
typedef void (*edgefn__timer_cb)(edgefn__timer *t);
struct edgefn__timer {
  uint64_t due_ns;
  uint64_t seq;      /* FIFO order among timers due at the same time */
  size_t heap_index; /* SIZE_MAX when not scheduled */
  edgefn__timer_cb cb;
  void *data;
};

EDGEFN_INTERNAL void edgefn__timer_init(edgefn__timer *t, edgefn__timer_cb cb, void *data);
/* Schedules (or reschedules) t to fire once after delay_ms. Returns 0 or EDGEFN_ENOMEM. */
EDGEFN_INTERNAL int edgefn__timer_start(edgefn_loop *loop, edgefn__timer *t,
                                        uint64_t delay_ms);
/* The same, counted from now_ns (an edgefn__now_ns() reading the caller just took), to save
 * a second clock read. */
EDGEFN_INTERNAL int edgefn__timer_start_at(edgefn_loop *loop, edgefn__timer *t, uint64_t now_ns,
                                           uint64_t delay_ms);
/* Unschedules t; a no-op when it is not scheduled. */
EDGEFN_INTERNAL void edgefn__timer_stop(edgefn_loop *loop, edgefn__timer *t);
EDGEFN_INTERNAL bool edgefn__timer_active(const edgefn__timer *t);

typedef struct edgefn__watch edgefn__watch;
typedef void (*edgefn__watch_cb)(edgefn__watch *w, uint32_t events);
struct edgefn__watch {
  int fd;
  uint32_t events; /* EPOLLIN / EPOLLOUT */
  bool active;
  edgefn__watch_cb cb;
  void *data;
};

EDGEFN_INTERNAL void edgefn__watch_init(edgefn__watch *w, edgefn__watch_cb cb, void *data);
/* Starts or changes watching fd for `events`. Returns 0 or EDGEFN_ESYSTEM. */
EDGEFN_INTERNAL int edgefn__watch_set(edgefn_loop *loop, edgefn__watch *w, int fd,
                                      uint32_t events);
EDGEFN_INTERNAL void edgefn__watch_stop(edgefn_loop *loop, edgefn__watch *w);

typedef struct edgefn__defer edgefn__defer;
typedef void (*edgefn__defer_cb)(edgefn__defer *d);
struct edgefn__defer {
  edgefn__defer *next;
  uint64_t pass; /* the loop pass it was queued in */
  bool queued;
  edgefn__defer_cb cb;
  void *data;
};

EDGEFN_INTERNAL void edgefn__defer_init(edgefn__defer *d, edgefn__defer_cb cb, void *data);
/* Runs d's callback on the next loop pass (once, however often it is queued before). */
EDGEFN_INTERNAL void edgefn__defer_queue(edgefn_loop *loop, edgefn__defer *d);
EDGEFN_INTERNAL void edgefn__defer_cancel(edgefn_loop *loop, edgefn__defer *d);

/* Work that would block the loop, run on a worker thread (work.c). fn runs on a worker,
 * then done runs on the loop's thread from the loop (never before submit returns). */
typedef struct edgefn__work edgefn__work;
typedef void (*edgefn__work_fn)(void *data);
typedef void (*edgefn__work_done_cb)(void *data);
/* Queues fn(data); *out is the job until done runs or it is cancelled. Returns 0,
 * EDGEFN_ENOMEM or EDGEFN_ESYSTEM (then nothing is called). The job keeps the loop alive. */
EDGEFN_INTERNAL int edgefn__work_submit(edgefn_loop *loop, edgefn__work_fn fn,
                                        edgefn__work_done_cb done, void *data,
                                        edgefn__work **out);
/* Cancels a job whose done has not run: done is never called, and free_data(data) (may be
 * NULL) runs once fn is no longer running — now, or later on the worker thread. */
EDGEFN_INTERNAL void edgefn__work_cancel(edgefn__work *w, void (*free_data)(void *data));

/* Runtimes attached to a loop are counted so that freeing a loop that still has some is
 * caught in debug builds. */
EDGEFN_INTERNAL void edgefn__loop_attach(edgefn_loop *loop, int delta);

#endif
