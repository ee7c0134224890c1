/* Tests of edgefn_loop: the public driver (fd, timeout, run, stop) and the internal timers,
 * deferred callbacks and fd watches other parts attach to it (lib/loop/loop.h). */
#include "loop/loop.h"

#include "test.h"

#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <stdint.h>
#include <sys/epoll.h>
#include <time.h>
#include <unistd.h>

/* Callbacks append their tag (the `data` pointer, an int) to this record. */
static int fired[32];
static int nfired;

static void record(int tag) {
  if (nfired < (int)(sizeof(fired) / sizeof(fired[0])))
    fired[nfired++] = tag;
}

static void on_timer(edgefn__timer *t) { record((int)(intptr_t)t->data); }

static void on_defer(edgefn__defer *d) { record((int)(intptr_t)d->data); }

static void sleep_ms(int ms) {
  struct timespec ts = {ms / 1000, (long)(ms % 1000) * 1000000L};
  while (nanosleep(&ts, &ts) != 0) {
  }
}

TEST(loop_new_free) {
  edgefn_loop *loop = NULL;
  ASSERT_EQ(edgefn_loop_new(NULL, NULL), EDGEFN_EINVAL);
  ASSERT_EQ(edgefn_loop_new(&loop, NULL), 0);
  ASSERT(loop != NULL);
  ASSERT(edgefn_loop_user_data(loop) == NULL);
  edgefn_loop_free(loop);

  int tag = 0;
  edgefn_loop_options opts = EDGEFN_LOOP_OPTIONS_INIT;
  opts.user_data = &tag;
  ASSERT_EQ(edgefn_loop_new(&loop, &opts), 0);
  ASSERT(edgefn_loop_user_data(loop) == &tag);
  edgefn_loop_set_user_data(loop, NULL);
  ASSERT(edgefn_loop_user_data(loop) == NULL);
  edgefn_loop_free(loop);

  /* A struct from an older, smaller layout than the first published one is refused. */
  opts.struct_size = 4;
  loop = (edgefn_loop *)&tag;
  ASSERT_EQ(edgefn_loop_new(&loop, &opts), EDGEFN_EVERSION);
  ASSERT(loop == NULL);

  edgefn_loop_free(NULL);
  return 0;
}

TEST(loop_fd_and_idle_timeout) {
  edgefn_loop *loop = NULL;
  ASSERT_EQ(edgefn_loop_new(&loop, NULL), 0);
  int fd = edgefn_loop_fd(loop);
  ASSERT(fd >= 0);
  ASSERT_EQ(edgefn_loop_fd(loop), fd); /* stable for the loop's life */
  int fdflags = fcntl(fd, F_GETFD);
  ASSERT(fdflags != -1 && (fdflags & FD_CLOEXEC)); /* not leaked into the host's children */
  /* Nothing pending: no timeout, not alive, processing does nothing. */
  ASSERT_EQ(edgefn_loop_timeout(loop), -1);
  ASSERT_EQ(edgefn_loop_alive(loop), 0);
  ASSERT_EQ(edgefn_loop_process(loop), 0);
  ASSERT_EQ(edgefn_loop_run(loop, EDGEFN_RUN_DEFAULT), 0);
  ASSERT_EQ(edgefn_loop_run(loop, EDGEFN_RUN_ONCE), 0);
  ASSERT_EQ(edgefn_loop_run(loop, EDGEFN_RUN_NOWAIT), 0);
  ASSERT_EQ(edgefn_loop_fd(NULL), -1);
  ASSERT_EQ(edgefn_loop_timeout(NULL), -1);
  ASSERT_EQ(edgefn_loop_process(NULL), EDGEFN_EINVAL);
  ASSERT_EQ(edgefn_loop_run(NULL, EDGEFN_RUN_DEFAULT), EDGEFN_EINVAL);
  edgefn_loop_free(loop);
  return 0;
}

TEST(loop_timer_order) {
  edgefn_loop *loop = NULL;
  ASSERT_EQ(edgefn_loop_new(&loop, NULL), 0);
  edgefn__timer t[4];
  static const int delays[4] = {30, 10, 0, 20};
  for (int i = 0; i < 4; i++) {
    edgefn__timer_init(&t[i], on_timer, (void *)(intptr_t)i);
    ASSERT(!edgefn__timer_active(&t[i]));
    ASSERT_EQ(edgefn__timer_start(loop, &t[i], (uint64_t)delays[i]), 0);
    ASSERT(edgefn__timer_active(&t[i]));
  }
  ASSERT(edgefn_loop_alive(loop));
  int timeout = edgefn_loop_timeout(loop);
  ASSERT(timeout >= 0 && timeout <= 1);
  nfired = 0;
  ASSERT_EQ(edgefn_loop_run(loop, EDGEFN_RUN_DEFAULT), 0);
  ASSERT_EQ(nfired, 4);
  ASSERT_EQ(fired[0], 2);
  ASSERT_EQ(fired[1], 1);
  ASSERT_EQ(fired[2], 3);
  ASSERT_EQ(fired[3], 0);
  for (int i = 0; i < 4; i++)
    ASSERT(!edgefn__timer_active(&t[i]));
  ASSERT_EQ(edgefn_loop_alive(loop), 0);
  ASSERT_EQ(edgefn_loop_timeout(loop), -1);
  edgefn_loop_free(loop);
  return 0;
}

TEST(loop_timer_fifo) {
  edgefn_loop *loop = NULL;
  ASSERT_EQ(edgefn_loop_new(&loop, NULL), 0);
  enum { N = 9 };
  edgefn__timer t[N];
  for (int i = 0; i < N; i++) {
    edgefn__timer_init(&t[i], on_timer, (void *)(intptr_t)i);
    ASSERT_EQ(edgefn__timer_start(loop, &t[i], 0), 0);
  }
  /* Force every due time to be identical so only the start order can break the tie. All
   * keys equal keeps the heap valid (the seq order already satisfies it). */
  for (int i = 0; i < N; i++)
    t[i].due_ns = t[0].due_ns;
  nfired = 0;
  ASSERT_EQ(edgefn_loop_process(loop), 0);
  ASSERT_EQ(nfired, N);
  for (int i = 0; i < N; i++)
    ASSERT_EQ(fired[i], i);
  edgefn_loop_free(loop);
  return 0;
}

static edgefn_loop *rearm_loop;
static edgefn__timer *stop_target;

/* Re-arms itself with no delay: it must run once per pass, not starve the pass. */
static void on_rearm(edgefn__timer *t) {
  record(100);
  if (nfired < 5)
    (void)edgefn__timer_start(rearm_loop, t, 0);
}

/* Stops another timer that is due in the same pass. */
static void on_stopper(edgefn__timer *t) {
  record((int)(intptr_t)t->data);
  edgefn__timer_stop(rearm_loop, stop_target);
}

TEST(loop_timer_stop_restart) {
  edgefn_loop *loop = NULL;
  ASSERT_EQ(edgefn_loop_new(&loop, NULL), 0);
  rearm_loop = loop;

  /* Stopped before it is due: never fires; stopping twice is harmless. */
  edgefn__timer a, b, c;
  edgefn__timer_init(&a, on_timer, (void *)(intptr_t)1);
  edgefn__timer_stop(loop, &a); /* not scheduled: no-op */
  ASSERT_EQ(edgefn__timer_start(loop, &a, 0), 0);
  edgefn__timer_stop(loop, &a);
  edgefn__timer_stop(loop, &a);
  ASSERT(!edgefn__timer_active(&a));
  ASSERT_EQ(edgefn_loop_alive(loop), 0);
  nfired = 0;
  ASSERT_EQ(edgefn_loop_run(loop, EDGEFN_RUN_DEFAULT), 0);
  ASSERT_EQ(nfired, 0);

  /* Restart moves the due time (here: from far away to now) and fires once. */
  ASSERT_EQ(edgefn__timer_start(loop, &a, 60000), 0);
  ASSERT(edgefn_loop_timeout(loop) > 1000);
  ASSERT_EQ(edgefn__timer_start(loop, &a, 0), 0);
  ASSERT(edgefn_loop_timeout(loop) <= 1);
  ASSERT_EQ(edgefn_loop_run(loop, EDGEFN_RUN_DEFAULT), 0);
  ASSERT_EQ(nfired, 1);
  ASSERT_EQ(fired[0], 1);

  /* A callback that stops a timer due in the same pass prevents it from firing. */
  edgefn__timer_init(&b, on_stopper, (void *)(intptr_t)2);
  edgefn__timer_init(&c, on_timer, (void *)(intptr_t)3);
  stop_target = &c;
  ASSERT_EQ(edgefn__timer_start(loop, &b, 0), 0);
  ASSERT_EQ(edgefn__timer_start(loop, &c, 0), 0);
  c.due_ns = b.due_ns;
  nfired = 0;
  ASSERT_EQ(edgefn_loop_run(loop, EDGEFN_RUN_DEFAULT), 0);
  ASSERT_EQ(nfired, 1);
  ASSERT_EQ(fired[0], 2);

  /* Removing from the middle of a larger heap keeps the order of the rest. */
  edgefn__timer t[8];
  for (int i = 0; i < 8; i++) {
    edgefn__timer_init(&t[i], on_timer, (void *)(intptr_t)(10 + i));
    ASSERT_EQ(edgefn__timer_start(loop, &t[i], (uint64_t)(8 - i) * 5), 0);
  }
  edgefn__timer_stop(loop, &t[3]);
  edgefn__timer_stop(loop, &t[6]);
  nfired = 0;
  ASSERT_EQ(edgefn_loop_run(loop, EDGEFN_RUN_DEFAULT), 0);
  ASSERT_EQ(nfired, 6);
  static const int want[6] = {17, 15, 14, 12, 11, 10};
  for (int i = 0; i < 6; i++)
    ASSERT_EQ(fired[i], want[i]);

  /* A zero-delay timer re-armed by its own callback waits for the next pass. */
  edgefn__timer r;
  edgefn__timer_init(&r, on_rearm, NULL);
  ASSERT_EQ(edgefn__timer_start(loop, &r, 0), 0);
  nfired = 0;
  ASSERT_EQ(edgefn_loop_process(loop), 0);
  ASSERT_EQ(nfired, 1);
  ASSERT_EQ(edgefn_loop_process(loop), 0);
  ASSERT_EQ(nfired, 2);
  ASSERT_EQ(edgefn_loop_run(loop, EDGEFN_RUN_DEFAULT), 0);
  ASSERT_EQ(nfired, 5);
  ASSERT_EQ(edgefn_loop_alive(loop), 0);

  /* Freeing a loop with a timer still scheduled releases it. */
  ASSERT_EQ(edgefn__timer_start(loop, &a, 60000), 0);
  edgefn_loop_free(loop);
  ASSERT(!edgefn__timer_active(&a));
  return 0;
}

static edgefn_loop *defer_loop;
static edgefn__defer *defer_later;

static void on_defer_queue_more(edgefn__defer *d) {
  record((int)(intptr_t)d->data);
  edgefn__defer_queue(defer_loop, defer_later);
  edgefn__defer_queue(defer_loop, d); /* itself again: next pass too */
}

TEST(loop_defer) {
  edgefn_loop *loop = NULL;
  ASSERT_EQ(edgefn_loop_new(&loop, NULL), 0);
  defer_loop = loop;
  edgefn__defer d[4];
  for (int i = 0; i < 4; i++)
    edgefn__defer_init(&d[i], on_defer, (void *)(intptr_t)i);

  /* FIFO; queuing twice before the pass runs it once. */
  edgefn__defer_queue(loop, &d[2]);
  edgefn__defer_queue(loop, &d[0]);
  edgefn__defer_queue(loop, &d[2]);
  edgefn__defer_queue(loop, &d[1]);
  ASSERT(edgefn_loop_alive(loop));
  ASSERT_EQ(edgefn_loop_timeout(loop), 0);
  nfired = 0;
  ASSERT_EQ(edgefn_loop_process(loop), 0);
  ASSERT_EQ(nfired, 3);
  ASSERT_EQ(fired[0], 2);
  ASSERT_EQ(fired[1], 0);
  ASSERT_EQ(fired[2], 1);
  ASSERT_EQ(edgefn_loop_alive(loop), 0);
  ASSERT_EQ(edgefn_loop_timeout(loop), -1);

  /* Cancel: head, middle and tail; the queue stays usable afterwards. */
  for (int i = 0; i < 4; i++)
    edgefn__defer_queue(loop, &d[i]);
  edgefn__defer_cancel(loop, &d[0]);
  edgefn__defer_cancel(loop, &d[2]);
  edgefn__defer_cancel(loop, &d[3]);
  edgefn__defer_cancel(loop, &d[3]); /* not queued: no-op */
  edgefn__defer_queue(loop, &d[3]);
  nfired = 0;
  ASSERT_EQ(edgefn_loop_process(loop), 0);
  ASSERT_EQ(nfired, 2);
  ASSERT_EQ(fired[0], 1);
  ASSERT_EQ(fired[1], 3);
  edgefn__defer_queue(loop, &d[0]);
  edgefn__defer_cancel(loop, &d[0]);
  ASSERT_EQ(edgefn_loop_alive(loop), 0);

  /* What a callback queues during a pass runs on the next pass, not this one. */
  edgefn__defer first, later;
  edgefn__defer_init(&first, on_defer_queue_more, (void *)(intptr_t)7);
  edgefn__defer_init(&later, on_defer, (void *)(intptr_t)8);
  defer_later = &later;
  edgefn__defer_queue(loop, &first);
  nfired = 0;
  ASSERT_EQ(edgefn_loop_process(loop), 0);
  ASSERT_EQ(nfired, 1);
  ASSERT_EQ(fired[0], 7);
  ASSERT(edgefn_loop_alive(loop));
  ASSERT_EQ(edgefn_loop_process(loop), 0);
  ASSERT_EQ(nfired, 3); /* in the order they were queued during the first pass */
  ASSERT_EQ(fired[1], 8);
  ASSERT_EQ(fired[2], 7);
  edgefn__defer_cancel(loop, &first);
  edgefn__defer_cancel(loop, &later);
  ASSERT_EQ(edgefn_loop_alive(loop), 0);
  edgefn_loop_free(loop);
  return 0;
}

static edgefn_loop *watch_loop;
static uint32_t watch_events;
static int watch_calls;

static void on_readable(edgefn__watch *w, uint32_t events) {
  char buf[16];
  watch_calls++;
  watch_events = events;
  ssize_t n = read(w->fd, buf, sizeof(buf));
  (void)n;
}

TEST(loop_watch_pipe) {
  edgefn_loop *loop = NULL;
  ASSERT_EQ(edgefn_loop_new(&loop, NULL), 0);
  watch_loop = loop;
  int p[2];
  ASSERT_EQ(pipe(p), 0);
  edgefn__watch w;
  edgefn__watch_init(&w, on_readable, NULL);
  ASSERT_EQ(w.fd, -1);
  ASSERT(!w.active);
  ASSERT_EQ(edgefn__watch_set(loop, &w, p[0], EPOLLIN), 0);
  ASSERT(w.active);
  ASSERT(edgefn_loop_alive(loop));
  ASSERT_EQ(edgefn_loop_timeout(loop), -1); /* a watch alone has no deadline */

  /* Nothing written: processing does not call back, and the loop fd is not readable. */
  ASSERT_EQ(edgefn_loop_process(loop), 0);
  ASSERT_EQ(watch_calls, 0);
  struct pollfd pfd = {edgefn_loop_fd(loop), POLLIN, 0};
  ASSERT_EQ(poll(&pfd, 1, 0), 0);

  /* Written: the loop fd becomes readable for the host, and processing calls back. */
  ASSERT_EQ(write(p[1], "x", 1), 1);
  ASSERT_EQ(poll(&pfd, 1, 1000), 1);
  ASSERT_EQ(edgefn_loop_process(loop), 0);
  ASSERT_EQ(watch_calls, 1);
  ASSERT(watch_events & EPOLLIN);

  /* The blocking run wakes up for the write too. */
  ASSERT_EQ(write(p[1], "y", 1), 1);
  ASSERT_EQ(edgefn_loop_run(loop, EDGEFN_RUN_ONCE), 0);
  ASSERT_EQ(watch_calls, 2);

  /* Changing the events of an active watch, then stopping it. */
  ASSERT_EQ(edgefn__watch_set(loop, &w, p[0], EPOLLIN | EPOLLRDHUP), 0);
  edgefn__watch_stop(loop, &w);
  edgefn__watch_stop(loop, &w); /* twice: no-op */
  ASSERT(!w.active);
  ASSERT_EQ(edgefn_loop_alive(loop), 0);
  ASSERT_EQ(write(p[1], "z", 1), 1);
  ASSERT_EQ(edgefn_loop_process(loop), 0);
  ASSERT_EQ(watch_calls, 2);

  /* A closed descriptor cannot be watched. */
  edgefn__watch bad;
  edgefn__watch_init(&bad, on_readable, NULL);
  ASSERT_EQ(edgefn__watch_set(loop, &bad, -1, EPOLLIN), EDGEFN_ESYSTEM);
  ASSERT(!bad.active);
  ASSERT_EQ(edgefn_loop_alive(loop), 0);

  close(p[0]);
  close(p[1]);
  edgefn_loop_free(loop);
  return 0;
}

static edgefn_loop *chain_loop;
static edgefn__timer chain_second;

static void on_chain_first(edgefn__timer *t) {
  record(1);
  (void)edgefn__timer_start(chain_loop, &chain_second, 5);
}

TEST(loop_run_until_idle) {
  edgefn_loop *loop = NULL;
  ASSERT_EQ(edgefn_loop_new(&loop, NULL), 0);
  chain_loop = loop;
  edgefn__timer first;
  edgefn__timer_init(&first, on_chain_first, NULL);
  edgefn__timer_init(&chain_second, on_timer, (void *)(intptr_t)2);
  ASSERT_EQ(edgefn__timer_start(loop, &first, 10), 0);
  nfired = 0;
  uint64_t t0 = edgefn__now_ns();
  ASSERT_EQ(edgefn_loop_run(loop, EDGEFN_RUN_DEFAULT), 0);
  uint64_t elapsed_ms = (edgefn__now_ns() - t0) / 1000000u;
  /* Both timers ran (the second was started by the first), then run returned by itself. */
  ASSERT_EQ(nfired, 2);
  ASSERT_EQ(fired[0], 1);
  ASSERT_EQ(fired[1], 2);
  ASSERT(elapsed_ms >= 15);
  ASSERT(elapsed_ms < 5000);
  ASSERT_EQ(edgefn_loop_alive(loop), 0);
  edgefn_loop_free(loop);
  return 0;
}

static void *stop_later(void *arg) {
  sleep_ms(50);
  edgefn_loop_stop(arg);
  return NULL;
}

TEST(loop_stop_from_thread) {
  edgefn_loop *loop = NULL;
  ASSERT_EQ(edgefn_loop_new(&loop, NULL), 0);
  /* A watch on a pipe nobody writes keeps the loop alive forever. */
  int p[2];
  ASSERT_EQ(pipe(p), 0);
  edgefn__watch w;
  edgefn__watch_init(&w, on_readable, NULL);
  ASSERT_EQ(edgefn__watch_set(loop, &w, p[0], EPOLLIN), 0);

  pthread_t th;
  ASSERT_EQ(pthread_create(&th, NULL, stop_later, loop), 0);
  uint64_t t0 = edgefn__now_ns();
  ASSERT_EQ(edgefn_loop_run(loop, EDGEFN_RUN_DEFAULT), 0);
  uint64_t elapsed_ms = (edgefn__now_ns() - t0) / 1000000u;
  ASSERT_EQ(pthread_join(th, NULL), 0);
  ASSERT(elapsed_ms >= 40);
  ASSERT(elapsed_ms < 5000);
  ASSERT(edgefn_loop_alive(loop));

  /* A stop requested before run makes that run return at once, and only that run. */
  edgefn_loop_stop(loop);
  ASSERT_EQ(edgefn_loop_timeout(loop), 0);
  ASSERT_EQ(edgefn_loop_run(loop, EDGEFN_RUN_DEFAULT), 0);
  edgefn__timer t;
  edgefn__timer_init(&t, on_timer, (void *)(intptr_t)5);
  ASSERT_EQ(edgefn__timer_start(loop, &t, 0), 0);
  nfired = 0;
  edgefn__watch_stop(loop, &w);
  ASSERT_EQ(edgefn_loop_run(loop, EDGEFN_RUN_DEFAULT), 0);
  ASSERT_EQ(nfired, 1);
  edgefn_loop_stop(NULL); /* no-op */

  close(p[0]);
  close(p[1]);
  edgefn_loop_free(loop);
  return 0;
}
