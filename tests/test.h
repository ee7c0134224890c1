/* The unit-test harness: every test is `TEST(name) { ... return 0; }` in
 * tests/<part>/test-*.c and is registered once in tests/list.h. A failing ASSERT prints
 * the location and returns non-zero; the runner runs each test in its own process. */
#ifndef EDGEFN_TEST_H
#define EDGEFN_TEST_H

#include <stdio.h>
#include <string.h>

#define TEST(name) int test_##name(void)

#define ASSERT(cond)                                                              \
  do {                                                                            \
    if (!(cond)) {                                                                \
      fprintf(stderr, "%s:%d: assertion failed: %s\n", __FILE__, __LINE__, #cond); \
      return 1;                                                                   \
    }                                                                             \
  } while (0)

#define ASSERT_EQ(a, b)                                                                    \
  do {                                                                                     \
    long long a_ = (long long)(a), b_ = (long long)(b);                                    \
    if (a_ != b_) {                                                                        \
      fprintf(stderr, "%s:%d: %s == %s failed: %lld != %lld\n", __FILE__, __LINE__, #a, #b, \
              a_, b_);                                                                     \
      return 1;                                                                            \
    }                                                                                      \
  } while (0)

#define ASSERT_STREQ(a, b)                                                                 \
  do {                                                                                     \
    const char *a_ = (a), *b_ = (b);                                                       \
    if (!a_ || !b_ || strcmp(a_, b_) != 0) {                                               \
      fprintf(stderr, "%s:%d: %s == %s failed: \"%s\" != \"%s\"\n", __FILE__, __LINE__, #a, \
              #b, a_ ? a_ : "(null)", b_ ? b_ : "(null)");                                 \
      return 1;                                                                            \
    }                                                                                      \
  } while (0)

#endif
