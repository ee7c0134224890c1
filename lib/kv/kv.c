/* edgefn_kv: a reference-counted wrapper around a backend ops table, so that a runtime's
 * calls still in a backend keep the store alive after the host dropped its reference. */
#include "kv/kv.h"

#include <stdatomic.h>
#include <stdlib.h>
#include <time.h>

struct edgefn_kv {
  atomic_int refs;
  const edgefn_kv_ops *ops;
  void *backend;
};

int64_t kv__now_s(void) {
  struct timespec ts;
  clock_gettime(CLOCK_REALTIME, &ts);
  return (int64_t)ts.tv_sec;
}

int edgefn_kv_new(edgefn_kv **out, const edgefn_kv_ops *ops, void *backend) {
  if (!out)
    return EDGEFN_EINVAL;
  *out = NULL;
  if (!ops)
    return EDGEFN_EINVAL;
  if (ops->version < 1)
    return EDGEFN_EVERSION;
  if (!ops->get || !ops->put || !ops->remove || !ops->list)
    return EDGEFN_EINVAL;
  edgefn_kv *kv = calloc(1, sizeof(*kv));
  if (!kv)
    return EDGEFN_ENOMEM;
  atomic_init(&kv->refs, 1);
  kv->ops = ops;
  kv->backend = backend;
  *out = kv;
  return 0;
}

edgefn_kv *edgefn_kv_ref(edgefn_kv *kv) {
  if (kv)
    atomic_fetch_add(&kv->refs, 1);
  return kv;
}

void edgefn_kv_free(edgefn_kv *kv) {
  if (!kv || atomic_fetch_sub(&kv->refs, 1) != 1)
    return;
  if (kv->ops->release)
    kv->ops->release(kv->backend);
  free(kv);
}

const edgefn_kv_ops *edgefn_kv_backend(const edgefn_kv *kv, void **backend) {
  if (backend)
    *backend = kv ? kv->backend : NULL;
  return kv ? kv->ops : NULL;
}
