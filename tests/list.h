/* Every unit test, registered in one place (tests/runner.c runs them in this order). */
#define TEST_LIST(X) \
  X(core_version)    \
  X(core_strerror)

#define TEST_DECLARE(name) int test_##name(void);
TEST_LIST(TEST_DECLARE)
#undef TEST_DECLARE
