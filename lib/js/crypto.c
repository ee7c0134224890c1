/* crypto.getRandomValues and crypto.randomUUID from the library's DRBG (mbedTLS CTR_DRBG
 * seeded by the OS); crypto.subtle and CryptoKey come from lib/js/subtle.c. */
#include "js/js.h"

#include <stdio.h>

/* Web Crypto: at most 65536 bytes per call (QuotaExceededError). */
#define GET_RANDOM_VALUES_MAX 65536u

static duk_ret_t get_random_values(duk_context *ctx) {
  if (!duk_is_buffer_data(ctx, 0) || duk_is_undefined(ctx, 0))
    return duk_error(ctx, DUK_ERR_TYPE_ERROR,
                     "TypeMismatchError: getRandomValues needs an integer typed array");
  duk_size_t len;
  void *p = duk_get_buffer_data(ctx, 0, &len);
  if (len > GET_RANDOM_VALUES_MAX)
    return duk_error(ctx, DUK_ERR_RANGE_ERROR,
                     "QuotaExceededError: getRandomValues accepts at most %u bytes",
                     GET_RANDOM_VALUES_MAX);
  if (len && edgefn__random_bytes(p, len) != 0)
    return duk_error(ctx, DUK_ERR_ERROR, "OperationError: no random bytes available");
  duk_dup(ctx, 0);
  return 1;
}

static duk_ret_t random_uuid(duk_context *ctx) {
  unsigned char b[16];
  if (edgefn__random_bytes(b, sizeof(b)) != 0)
    return duk_error(ctx, DUK_ERR_ERROR, "OperationError: no random bytes available");
  b[6] = (unsigned char)((b[6] & 0x0f) | 0x40); /* version 4 */
  b[8] = (unsigned char)((b[8] & 0x3f) | 0x80); /* RFC 4122 variant */
  char s[37];
  snprintf(s, sizeof(s),
           "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x", b[0], b[1],
           b[2], b[3], b[4], b[5], b[6], b[7], b[8], b[9], b[10], b[11], b[12], b[13], b[14],
           b[15]);
  duk_push_string(ctx, s);
  return 1;
}

void edgefn__crypto_install(duk_context *ctx) {
  duk_push_global_object(ctx);
  duk_push_object(ctx);
  duk_push_c_function(ctx, get_random_values, 1);
  duk_put_prop_string(ctx, -2, "getRandomValues");
  duk_push_c_function(ctx, random_uuid, 0);
  duk_put_prop_string(ctx, -2, "randomUUID");
  edgefn__subtle_install(ctx, -1);
  edgefn__digest_stream_install(ctx, -1);
  duk_put_prop_string(ctx, -2, "crypto");
  duk_pop(ctx);
}
