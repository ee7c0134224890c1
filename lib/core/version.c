/* Version queries and the header/library match check. */
#include "core.h"

const char *edgefn_version(void) { return EDGEFN_VERSION_STRING; }

int edgefn_version_number(void) { return EDGEFN_VERSION_NUMBER; }

int edgefn_version_check(int major, int minor) {
  if (major != EDGEFN_VERSION_MAJOR || minor > EDGEFN_VERSION_MINOR || minor < 0)
    return EDGEFN_EVERSION;
  return 0;
}
