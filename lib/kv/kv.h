/* The kv part's internal interface: the handle shared by the backends and the script API. */
#ifndef EDGEFN_KV_INTERNAL_H
#define EDGEFN_KV_INTERNAL_H

#include "core/core.h"

/* Unix time in seconds (the clock expirations are measured against). */
EDGEFN_INTERNAL int64_t kv__now_s(void);

/* True when a value with this expiration (0 = never) is gone at `now`. */
static inline bool kv__expired(int64_t expiration, int64_t now) {
  return expiration != 0 && expiration <= now;
}

#endif
