/* Every unit test, registered in one place. The runner runs them in this order. Each part
 * has its own line so the list reads by part; a test is added to its part's line. */
#define TEST_LIST_CORE(X) X(core_version) X(core_strerror)
#define TEST_LIST_LOOP(X)     /* tests/loop/test-loop.c */
#define TEST_LIST_COMPILER(X) /* tests/compiler/test-script.c */
#define TEST_LIST_PROMISE(X)  /* tests/js/test-promise.c */
#define TEST_LIST_RUNTIME(X)  /* tests/js/test-runtime.c */

#define TEST_LIST(X)    \
  TEST_LIST_CORE(X)     \
  TEST_LIST_LOOP(X)     \
  TEST_LIST_COMPILER(X) \
  TEST_LIST_PROMISE(X)  \
  TEST_LIST_RUNTIME(X)

#define TEST_DECLARE(name) int test_##name(void);
TEST_LIST(TEST_DECLARE)
#undef TEST_DECLARE
