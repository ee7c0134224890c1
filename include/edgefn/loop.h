/*
 * edgefn_loop — the per-thread driver of libedgefn.
 *
 * A loop owns the timers, I/O watches and completions of the runtimes attached to it. It
 * fits any host event loop: watch edgefn_loop_fd() for readability, wake up no later than
 * edgefn_loop_timeout() milliseconds, and call edgefn_loop_process() when either happens.
 * Simple hosts call edgefn_loop_run() instead.
 *
 * Threads: a loop and everything attached to it are used from one thread at a time, the
 * thread that runs it; edgefn_loop_stop() is the exception and may be called from any
 * thread.
 */
#ifndef EDGEFN_LOOP_H
#define EDGEFN_LOOP_H

#include <edgefn/common.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct edgefn_loop_options {
  uint32_t struct_size;
  void *user_data; /* returned by edgefn_loop_user_data() */
} edgefn_loop_options;
#define EDGEFN_LOOP_OPTIONS_INIT {sizeof(edgefn_loop_options), NULL}

/* Creates a loop. opts may be NULL for defaults. On success *out owns a new loop, freed
 * with edgefn_loop_free(). Errors: EDGEFN_EINVAL, EDGEFN_EVERSION, EDGEFN_ENOMEM,
 * EDGEFN_ESYSTEM (no file descriptors left). */
EDGEFN_API int edgefn_loop_new(edgefn_loop **out, const edgefn_loop_options *opts);

/* Frees a loop. Every runtime attached to it must have been freed first; timers and watches
 * the library still holds are released. NULL is a no-op. */
EDGEFN_API void edgefn_loop_free(edgefn_loop *loop);

/* The file descriptor the host polls for readability (an epoll descriptor). It stays the
 * same for the loop's life; the host must not read, write or close it. */
EDGEFN_API int edgefn_loop_fd(const edgefn_loop *loop);

/* Milliseconds until the loop next needs edgefn_loop_process() even without fd activity:
 * -1 when no timer is pending, 0 when work is ready now. */
EDGEFN_API int edgefn_loop_timeout(const edgefn_loop *loop);

/* Runs what is ready without blocking: I/O events, expired timers and queued completions.
 * Returns 0, or EDGEFN_ESYSTEM if polling failed. */
EDGEFN_API int edgefn_loop_process(edgefn_loop *loop);

typedef enum edgefn_run_mode {
  EDGEFN_RUN_DEFAULT = 0, /* block and process until no timer, watch or completion remains,
                             or edgefn_loop_stop() */
  EDGEFN_RUN_ONCE = 1,    /* block until something happens, process it, return */
  EDGEFN_RUN_NOWAIT = 2   /* same as edgefn_loop_process() */
} edgefn_run_mode;

/* Blocking driver for hosts without an event loop of their own. Returns 0, or
 * EDGEFN_ESYSTEM. */
EDGEFN_API int edgefn_loop_run(edgefn_loop *loop, edgefn_run_mode mode);

/* Makes a running edgefn_loop_run() return soon. Any thread; async-signal-safe. */
EDGEFN_API void edgefn_loop_stop(edgefn_loop *loop);

/* Non-zero while timers, watches or completions are pending. */
EDGEFN_API int edgefn_loop_alive(const edgefn_loop *loop);

EDGEFN_API void *edgefn_loop_user_data(const edgefn_loop *loop);
EDGEFN_API void edgefn_loop_set_user_data(edgefn_loop *loop, void *user_data);

#ifdef __cplusplus
}
#endif
#endif /* EDGEFN_LOOP_H */
