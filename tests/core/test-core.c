#include <edgefn/edgefn.h>

#include "test.h"

TEST(core_version) {
  ASSERT_STREQ(edgefn_version(), EDGEFN_VERSION_STRING);
  ASSERT_EQ(edgefn_version_number(), EDGEFN_VERSION_NUMBER);
  ASSERT_EQ(EDGEFN_VERSION_CHECK(), 0);
  ASSERT_EQ(edgefn_version_check(EDGEFN_VERSION_MAJOR + 1, 0), EDGEFN_EVERSION);
  ASSERT_EQ(edgefn_version_check(EDGEFN_VERSION_MAJOR, EDGEFN_VERSION_MINOR + 1),
            EDGEFN_EVERSION);
  return 0;
}

TEST(core_strerror) {
  ASSERT_STREQ(edgefn_strerror(0), "success");
  ASSERT_STREQ(edgefn_strerror(EDGEFN_ECPU_LIMIT), "CPU time limit exceeded");
  ASSERT_STREQ(edgefn_err_name(EDGEFN_ENOMEM), "NOMEM");
  ASSERT_STREQ(edgefn_strerror(-9999), "unknown error");
  ASSERT_STREQ(edgefn_err_name(12345), "UNKNOWN");
  /* Every code in the list has distinct text and a name. */
  int codes[] = {
#define C(name, code, text) code,
      EDGEFN_ERRNO_MAP(C)
#undef C
  };
  for (size_t i = 0; i < sizeof(codes) / sizeof(codes[0]); i++) {
    ASSERT(strcmp(edgefn_strerror(codes[i]), "unknown error") != 0);
    for (size_t j = 0; j < i; j++)
      ASSERT(codes[i] != codes[j]);
  }
  return 0;
}
