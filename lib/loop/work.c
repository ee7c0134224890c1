/* Work that would block a loop (RSA key generation) runs on a small process-wide pool of
 * worker threads and finishes on the loop that asked for it.
 *
 * Each job carries an eventfd the submitting loop watches; the worker writes it when the
 * job's function has returned, and the loop then calls the job's completion. Threads are
 * started on demand, at most EDGEFN_WORK_THREADS at once, and exit when the queue is empty,
 * so an idle process holds none. A cancelled job never calls its completion: if its function
 * is still running (or queued) the worker frees it when done. */
#include "loop/loop.h"

#include <pthread.h>
#include <stdlib.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <unistd.h>

struct edgefn__work {
  edgefn__work *next; /* queue */
  edgefn_loop *loop;
  edgefn__work_fn fn;
  edgefn__work_done_cb done;
  void (*free_data)(void *data); /* set by cancel: the worker frees the job */
  void *data;
  edgefn__watch watch;
  int efd;
  bool finished;  /* fn has returned (under pool.lock) */
  bool cancelled; /* under pool.lock */
};

static struct {
  pthread_mutex_t lock;
  edgefn__work *head, *tail;
  unsigned threads;
} pool = {PTHREAD_MUTEX_INITIALIZER, NULL, NULL, 0};

static void job_destroy(edgefn__work *w) {
  if (w->efd >= 0)
    close(w->efd);
  free(w);
}

static void *worker(void *unused) {
  (void)unused;
  for (;;) {
    pthread_mutex_lock(&pool.lock);
    edgefn__work *w = pool.head;
    if (!w) {
      pool.threads--;
      pthread_mutex_unlock(&pool.lock);
      return NULL;
    }
    pool.head = w->next;
    if (!pool.head)
      pool.tail = NULL;
    bool skip = w->cancelled;
    pthread_mutex_unlock(&pool.lock);
    if (!skip)
      w->fn(w->data);
    pthread_mutex_lock(&pool.lock);
    w->finished = true;
    bool orphan = w->cancelled;
    if (!orphan) {
      uint64_t one = 1;
      /* An eventfd write of 1 cannot fail short of a counter overflow. */
      (void)!write(w->efd, &one, sizeof(one));
    }
    pthread_mutex_unlock(&pool.lock);
    if (orphan) {
      if (w->free_data)
        w->free_data(w->data);
      job_destroy(w);
    }
  }
}

static void on_ready(edgefn__watch *watch, uint32_t events) {
  (void)events;
  edgefn__work *w = watch->data;
  edgefn__watch_stop(w->loop, &w->watch);
  edgefn__work_done_cb done = w->done;
  void *data = w->data;
  job_destroy(w); /* finished: the worker no longer touches it */
  done(data);
}

int edgefn__work_submit(edgefn_loop *loop, edgefn__work_fn fn, edgefn__work_done_cb done,
                        void *data, edgefn__work **out) {
  edgefn__work *w = calloc(1, sizeof(*w));
  if (!w)
    return EDGEFN_ENOMEM;
  w->loop = loop;
  w->fn = fn;
  w->done = done;
  w->data = data;
  w->efd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
  edgefn__watch_init(&w->watch, on_ready, w);
  if (w->efd < 0 || edgefn__watch_set(loop, &w->watch, w->efd, EPOLLIN) != 0) {
    edgefn__watch_stop(loop, &w->watch);
    job_destroy(w);
    return EDGEFN_ESYSTEM;
  }
  pthread_mutex_lock(&pool.lock);
  if (pool.tail)
    pool.tail->next = w;
  else
    pool.head = w;
  pool.tail = w;
  int rc = 0;
  if (pool.threads < EDGEFN_WORK_THREADS) {
    pthread_t t;
    pthread_attr_t attr;
    pthread_attr_init(&attr);
    pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
    if (pthread_create(&t, &attr, worker, NULL) == 0)
      pool.threads++;
    else if (pool.threads == 0)
      rc = EDGEFN_ESYSTEM; /* nobody would ever run it */
    pthread_attr_destroy(&attr);
  }
  if (rc != 0) {
    /* Take it back out: it is the only job, since no thread is running. */
    pool.head = pool.tail = NULL;
  }
  pthread_mutex_unlock(&pool.lock);
  if (rc != 0) {
    edgefn__watch_stop(loop, &w->watch);
    job_destroy(w);
    return rc;
  }
  *out = w;
  return 0;
}

void edgefn__work_cancel(edgefn__work *w, void (*free_data)(void *data)) {
  edgefn__watch_stop(w->loop, &w->watch);
  pthread_mutex_lock(&pool.lock);
  bool finished = w->finished;
  w->cancelled = true;
  w->free_data = free_data;
  pthread_mutex_unlock(&pool.lock);
  if (finished) { /* done but its completion not run yet: nobody else holds it */
    if (free_data)
      free_data(w->data);
    job_destroy(w);
  }
}
