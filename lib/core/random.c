/* Strong random bytes for crypto.getRandomValues and friends: a per-thread mbedTLS
 * CTR_DRBG seeded from the OS entropy source, so no lock is taken on the hot path. */
#include "core.h"

#include <mbedtls/ctr_drbg.h>
#include <mbedtls/entropy.h>
#include <pthread.h>
#include <stdlib.h>

typedef struct drbg_state {
  mbedtls_entropy_context entropy;
  mbedtls_ctr_drbg_context drbg;
} drbg_state;

static pthread_key_t drbg_key;
static pthread_once_t drbg_once = PTHREAD_ONCE_INIT;

static void drbg_destroy(void *p) {
  drbg_state *s = p;
  mbedtls_ctr_drbg_free(&s->drbg);
  mbedtls_entropy_free(&s->entropy);
  free(s);
}

static void drbg_key_init(void) { (void)pthread_key_create(&drbg_key, drbg_destroy); }

static drbg_state *drbg_get(void) {
  pthread_once(&drbg_once, drbg_key_init);
  drbg_state *s = pthread_getspecific(drbg_key);
  if (s)
    return s;
  s = calloc(1, sizeof(*s));
  if (!s)
    return NULL;
  mbedtls_entropy_init(&s->entropy);
  mbedtls_ctr_drbg_init(&s->drbg);
  static const unsigned char pers[] = "libedgefn";
  if (mbedtls_ctr_drbg_seed(&s->drbg, mbedtls_entropy_func, &s->entropy, pers,
                            sizeof(pers) - 1) != 0 ||
      pthread_setspecific(drbg_key, s) != 0) {
    drbg_destroy(s);
    return NULL;
  }
  return s;
}

int edgefn__random_bytes(void *buf, size_t len) {
  drbg_state *s = drbg_get();
  if (!s)
    return EDGEFN_ESYSTEM;
  unsigned char *p = buf;
  while (len > 0) {
    size_t n = len > MBEDTLS_CTR_DRBG_MAX_REQUEST ? MBEDTLS_CTR_DRBG_MAX_REQUEST : len;
    if (mbedtls_ctr_drbg_random(&s->drbg, p, n) != 0)
      return EDGEFN_ESYSTEM;
    p += n;
    len -= n;
  }
  return 0;
}
