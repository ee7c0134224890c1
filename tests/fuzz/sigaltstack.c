/* Linked into every fuzz target: sigaltstack() answered from a per-thread copy.
 *
 * Before every call that does not return (a longjmp, or a call to a noreturn function such as
 * Duktape's duk_error_raw), AddressSanitizer runs __asan_handle_no_return, which asks the
 * kernel for the thread's signal stack (sigaltstack(NULL, &old)) to know which stack to
 * unpoison. Every JavaScript exception therefore costs system calls, and system calls are slow
 * on this project's VMs: `perf record` on a `headers` campaign (whose driver catches an
 * exception for most invalid lines) put 40 % of the samples under that query. The signal stack
 * changes only when someone sets it, so this copy forwards every call that sets it (and the
 * first query on each thread) to the kernel and answers later queries itself, as the kernel
 * would: whether the thread runs on the signal stack (SS_ONSTACK) is worked out from the
 * current frame, as the kernel does from the stack pointer. The kernel itself changes a
 * thread's signal stack only under SS_AUTODISARM, which nothing in these processes sets.
 * A campaign's speed, not what it checks, is what this changes: with it, replaying the same
 * 4 000 `headers` inputs took 5.4-5.8 s of CPU against 7.8-9.6 s without (two runs each,
 * beside two campaigns). */
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/syscall.h>
#include <unistd.h>

static __thread bool known;
static __thread stack_t current; /* the signal stack as the kernel last reported it, without
                                    SS_ONSTACK */

int sigaltstack(const stack_t *ss, stack_t *old) {
  if (ss || !known) {
    stack_t prev;
    if (syscall(SYS_sigaltstack, ss, &prev) != 0)
      return -1;
    if (old)
      *old = prev;
    stack_t now;
    if (syscall(SYS_sigaltstack, NULL, &now) == 0) {
      now.ss_flags &= ~SS_ONSTACK;
      current = now;
      known = true;
    }
    return 0;
  }
  if (old) {
    *old = current;
    if (!(current.ss_flags & SS_DISABLE)) {
      uintptr_t sp = (uintptr_t)__builtin_frame_address(0);
      uintptr_t lo = (uintptr_t)current.ss_sp;
      if (sp >= lo && sp - lo < current.ss_size)
        old->ss_flags |= SS_ONSTACK;
    }
  }
  return 0;
}
