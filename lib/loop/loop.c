/* edgefn_loop: an epoll descriptor for I/O, a binary min-heap of timers, a FIFO of deferred
 * callbacks and an eventfd that lets any thread stop the loop. */
#include "loop/loop.h"

#include <assert.h>
#include <errno.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <unistd.h>

#define LOOP_MAX_EVENTS 64

struct edgefn_loop {
  int epfd;
  int wakefd;
  atomic_int stop_requested;
  void *user_data;
  edgefn__timer **heap;
  size_t heap_len, heap_cap;
  uint64_t timer_seq;
  edgefn__defer *defer_head, *defer_tail;
  uint64_t defer_pass;
  size_t watches;
  int runtimes;
  /* The epoll batch being dispatched: a watch stopped (and maybe freed) by a callback must
   * not receive the events still pending for it in this batch. */
  struct epoll_event *batch;
  int batch_len;
};

/* Stands in for a stopped watch in the current batch. */
static char stopped_watch;

int edgefn_loop_new(edgefn_loop **out, const edgefn_loop_options *opts) {
  if (!out)
    return EDGEFN_EINVAL;
  *out = NULL;
  if (opts && !EDGEFN_MIN_SIZE_OK(opts, edgefn_loop_options, user_data))
    return EDGEFN_EVERSION;
  edgefn_loop *loop = calloc(1, sizeof(*loop));
  if (!loop)
    return EDGEFN_ENOMEM;
  loop->epfd = epoll_create1(EPOLL_CLOEXEC);
  loop->wakefd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
  if (loop->epfd < 0 || loop->wakefd < 0) {
    if (loop->epfd >= 0)
      close(loop->epfd);
    if (loop->wakefd >= 0)
      close(loop->wakefd);
    free(loop);
    return EDGEFN_ESYSTEM;
  }
  struct epoll_event ev = {.events = EPOLLIN, .data.ptr = NULL};
  if (epoll_ctl(loop->epfd, EPOLL_CTL_ADD, loop->wakefd, &ev) != 0) {
    close(loop->epfd);
    close(loop->wakefd);
    free(loop);
    return EDGEFN_ESYSTEM;
  }
  if (opts)
    loop->user_data = opts->user_data;
  *out = loop;
  return 0;
}

void edgefn_loop_free(edgefn_loop *loop) {
  if (!loop)
    return;
  assert(loop->runtimes == 0 && "edgefn_loop_free: runtimes still attached");
  for (size_t i = 0; i < loop->heap_len; i++)
    loop->heap[i]->heap_index = SIZE_MAX;
  free(loop->heap);
  close(loop->epfd);
  close(loop->wakefd);
  free(loop);
}

int edgefn_loop_fd(const edgefn_loop *loop) { return loop ? loop->epfd : -1; }

void *edgefn_loop_user_data(const edgefn_loop *loop) { return loop ? loop->user_data : NULL; }

void edgefn_loop_set_user_data(edgefn_loop *loop, void *user_data) {
  if (loop)
    loop->user_data = user_data;
}

void edgefn__loop_attach(edgefn_loop *loop, int delta) { loop->runtimes += delta; }

/* ---- timers ---- */

static bool timer_less(const edgefn__timer *a, const edgefn__timer *b) {
  return a->due_ns < b->due_ns || (a->due_ns == b->due_ns && a->seq < b->seq);
}

static void heap_swap(edgefn_loop *loop, size_t i, size_t j) {
  edgefn__timer *t = loop->heap[i];
  loop->heap[i] = loop->heap[j];
  loop->heap[j] = t;
  loop->heap[i]->heap_index = i;
  loop->heap[j]->heap_index = j;
}

static void heap_up(edgefn_loop *loop, size_t i) {
  while (i > 0) {
    size_t parent = (i - 1) / 2;
    if (!timer_less(loop->heap[i], loop->heap[parent]))
      break;
    heap_swap(loop, i, parent);
    i = parent;
  }
}

static void heap_down(edgefn_loop *loop, size_t i) {
  for (;;) {
    size_t l = 2 * i + 1, r = l + 1, m = i;
    if (l < loop->heap_len && timer_less(loop->heap[l], loop->heap[m]))
      m = l;
    if (r < loop->heap_len && timer_less(loop->heap[r], loop->heap[m]))
      m = r;
    if (m == i)
      return;
    heap_swap(loop, i, m);
    i = m;
  }
}

void edgefn__timer_init(edgefn__timer *t, edgefn__timer_cb cb, void *data) {
  memset(t, 0, sizeof(*t));
  t->heap_index = SIZE_MAX;
  t->cb = cb;
  t->data = data;
}

bool edgefn__timer_active(const edgefn__timer *t) { return t->heap_index != SIZE_MAX; }

void edgefn__timer_stop(edgefn_loop *loop, edgefn__timer *t) {
  size_t i = t->heap_index;
  if (i == SIZE_MAX)
    return;
  t->heap_index = SIZE_MAX;
  loop->heap_len--;
  if (i == loop->heap_len)
    return;
  loop->heap[i] = loop->heap[loop->heap_len];
  loop->heap[i]->heap_index = i;
  heap_down(loop, i);
  heap_up(loop, i);
}

int edgefn__timer_start(edgefn_loop *loop, edgefn__timer *t, uint64_t delay_ms) {
  return edgefn__timer_start_at(loop, t, edgefn__now_ns(), delay_ms);
}

int edgefn__timer_start_at(edgefn_loop *loop, edgefn__timer *t, uint64_t now_ns,
                           uint64_t delay_ms) {
  edgefn__timer_stop(loop, t);
  if (loop->heap_len == loop->heap_cap) {
    size_t cap = loop->heap_cap ? loop->heap_cap * 2 : 16;
    edgefn__timer **h = realloc(loop->heap, cap * sizeof(*h));
    if (!h)
      return EDGEFN_ENOMEM;
    loop->heap = h;
    loop->heap_cap = cap;
  }
  if (delay_ms > UINT64_MAX / 2000000u)
    delay_ms = UINT64_MAX / 2000000u;
  t->due_ns = now_ns + delay_ms * 1000000u;
  t->seq = loop->timer_seq++;
  t->heap_index = loop->heap_len;
  loop->heap[loop->heap_len++] = t;
  heap_up(loop, t->heap_index);
  return 0;
}

static void run_timers(edgefn_loop *loop) {
  uint64_t now = edgefn__now_ns();
  /* Timers started by a callback in this pass get a later seq and wait for the next pass,
   * so a zero-delay timer that re-arms itself cannot starve I/O. */
  uint64_t seq_limit = loop->timer_seq;
  while (loop->heap_len > 0) {
    edgefn__timer *t = loop->heap[0];
    if (t->due_ns > now || t->seq >= seq_limit)
      break;
    edgefn__timer_stop(loop, t);
    t->cb(t);
  }
}

/* ---- deferred callbacks ---- */

void edgefn__defer_init(edgefn__defer *d, edgefn__defer_cb cb, void *data) {
  memset(d, 0, sizeof(*d));
  d->cb = cb;
  d->data = data;
}

void edgefn__defer_queue(edgefn_loop *loop, edgefn__defer *d) {
  if (d->queued)
    return;
  d->queued = true;
  d->next = NULL;
  d->pass = loop->defer_pass;
  if (loop->defer_tail)
    loop->defer_tail->next = d;
  else
    loop->defer_head = d;
  loop->defer_tail = d;
}

void edgefn__defer_cancel(edgefn_loop *loop, edgefn__defer *d) {
  if (!d->queued)
    return;
  edgefn__defer **pp = &loop->defer_head, *prev = NULL;
  while (*pp && *pp != d) {
    prev = *pp;
    pp = &(*pp)->next;
  }
  if (*pp) {
    *pp = d->next;
    if (loop->defer_tail == d)
      loop->defer_tail = prev;
  }
  d->queued = false;
  d->next = NULL;
}

static void run_deferred(edgefn_loop *loop) {
  /* Only what was queued before this pass; callbacks may queue more for the next one. */
  uint64_t pass = ++loop->defer_pass;
  while (loop->defer_head && loop->defer_head->pass < pass) {
    edgefn__defer *d = loop->defer_head;
    loop->defer_head = d->next;
    if (!loop->defer_head)
      loop->defer_tail = NULL;
    d->queued = false;
    d->next = NULL;
    d->cb(d);
  }
}

/* ---- fd watches ---- */

void edgefn__watch_init(edgefn__watch *w, edgefn__watch_cb cb, void *data) {
  memset(w, 0, sizeof(*w));
  w->fd = -1;
  w->cb = cb;
  w->data = data;
}

int edgefn__watch_set(edgefn_loop *loop, edgefn__watch *w, int fd, uint32_t events) {
  if (w->active && w->fd != fd)
    edgefn__watch_stop(loop, w);
  struct epoll_event ev = {.events = events, .data.ptr = w};
  int op = w->active ? EPOLL_CTL_MOD : EPOLL_CTL_ADD;
  if (epoll_ctl(loop->epfd, op, fd, &ev) != 0)
    return EDGEFN_ESYSTEM;
  if (!w->active)
    loop->watches++;
  w->active = true;
  w->fd = fd;
  w->events = events;
  return 0;
}

void edgefn__watch_stop(edgefn_loop *loop, edgefn__watch *w) {
  if (!w->active)
    return;
  (void)epoll_ctl(loop->epfd, EPOLL_CTL_DEL, w->fd, NULL);
  w->active = false;
  loop->watches--;
  for (int i = 0; i < loop->batch_len; i++)
    if (loop->batch[i].data.ptr == w)
      loop->batch[i].data.ptr = &stopped_watch;
}

/* ---- driving ---- */

int edgefn_loop_timeout(const edgefn_loop *loop) {
  if (!loop)
    return -1;
  if (loop->defer_head || atomic_load(&loop->stop_requested))
    return 0;
  if (loop->heap_len == 0)
    return -1;
  uint64_t now = edgefn__now_ns(), due = loop->heap[0]->due_ns;
  if (due <= now)
    return 0;
  uint64_t ms = (due - now + 999999u) / 1000000u;
  return ms > INT32_MAX ? INT32_MAX : (int)ms;
}

int edgefn_loop_alive(const edgefn_loop *loop) {
  return loop && (loop->heap_len > 0 || loop->watches > 0 || loop->defer_head != NULL);
}

static int poll_once(edgefn_loop *loop, int timeout_ms) {
  struct epoll_event evs[LOOP_MAX_EVENTS];
  int n = epoll_wait(loop->epfd, evs, LOOP_MAX_EVENTS, timeout_ms);
  if (n < 0)
    return errno == EINTR ? 0 : EDGEFN_ESYSTEM;
  loop->batch = evs;
  loop->batch_len = n;
  for (int i = 0; i < n; i++) {
    edgefn__watch *w = evs[i].data.ptr;
    if (!w) {
      uint64_t v;
      while (read(loop->wakefd, &v, sizeof(v)) > 0) {
      }
      continue;
    }
    if (w != (edgefn__watch *)(void *)&stopped_watch)
      w->cb(w, evs[i].events);
  }
  loop->batch = NULL;
  loop->batch_len = 0;
  run_timers(loop);
  run_deferred(loop);
  return 0;
}

int edgefn_loop_process(edgefn_loop *loop) {
  if (!loop)
    return EDGEFN_EINVAL;
  return poll_once(loop, 0);
}

int edgefn_loop_run(edgefn_loop *loop, edgefn_run_mode mode) {
  if (!loop)
    return EDGEFN_EINVAL;
  if (mode == EDGEFN_RUN_NOWAIT)
    return poll_once(loop, 0);
  if (mode == EDGEFN_RUN_ONCE) {
    int rc = poll_once(loop, edgefn_loop_alive(loop) ? edgefn_loop_timeout(loop) : 0);
    atomic_store(&loop->stop_requested, 0);
    return rc;
  }
  int rc = 0;
  while (rc == 0 && !atomic_load(&loop->stop_requested) && edgefn_loop_alive(loop))
    rc = poll_once(loop, edgefn_loop_timeout(loop));
  atomic_store(&loop->stop_requested, 0);
  return rc;
}

void edgefn_loop_stop(edgefn_loop *loop) {
  if (!loop)
    return;
  atomic_store(&loop->stop_requested, 1);
  uint64_t one = 1;
  ssize_t r = write(loop->wakefd, &one, sizeof(one));
  (void)r;
}
