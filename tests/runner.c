/* The one test runner: runs every test in tests/list.h (or those whose name contains one
 * of the arguments), each in a child process with a time limit, and ends with the line
 * "N passed, N failed". Exit status is non-zero when any test failed. */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "list.h"

#if defined(__SANITIZE_ADDRESS__)
/* Children end with _exit(), which skips LeakSanitizer's exit-time check: run it here so a
 * test that leaks fails. */
#include <sanitizer/lsan_interface.h>
#define LEAK_CHECK() __lsan_do_recoverable_leak_check()
#else
#define LEAK_CHECK() 0
#endif

#define TEST_TIMEOUT_S 60

typedef struct test_entry {
  const char *name;
  int (*fn)(void);
} test_entry;

static const test_entry tests[] = {
#define TEST_ENTRY(name) {#name, test_##name},
    TEST_LIST(TEST_ENTRY)
#undef TEST_ENTRY
};

static int selected(const char *name, int argc, char **argv) {
  if (argc <= 1)
    return 1;
  for (int i = 1; i < argc; i++)
    if (strstr(name, argv[i]))
      return 1;
  return 0;
}

static int run_one(const test_entry *t) {
  fflush(NULL);
  pid_t pid = fork();
  if (pid < 0)
    return -1;
  if (pid == 0) {
    alarm(TEST_TIMEOUT_S);
    int rc = t->fn();
    if (rc == 0 && LEAK_CHECK() != 0)
      rc = 1;
    fflush(NULL);
    _exit(rc == 0 ? 0 : 1);
  }
  int status = 0;
  while (waitpid(pid, &status, 0) < 0) {
  }
  if (WIFEXITED(status))
    return WEXITSTATUS(status);
  fprintf(stderr, "  %s: killed by signal %d%s\n", t->name, WTERMSIG(status),
          WTERMSIG(status) == SIGALRM ? " (timeout)" : "");
  return 1;
}

int main(int argc, char **argv) {
  int passed = 0, failed = 0;
  for (size_t i = 0; i < sizeof(tests) / sizeof(tests[0]); i++) {
    if (!selected(tests[i].name, argc, argv))
      continue;
    int rc = run_one(&tests[i]);
    if (rc == 0) {
      passed++;
      printf("ok     %s\n", tests[i].name);
    } else {
      failed++;
      printf("FAILED %s\n", tests[i].name);
    }
    fflush(stdout);
  }
  printf("%d passed, %d failed\n", passed, failed);
  return failed ? 1 : 0;
}
