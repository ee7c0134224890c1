/* crypto.subtle (W3C Web Cryptography API) on mbedTLS 2.28, and the CryptoKey class.
 *
 * Every method runs its work synchronously inside a protected call and returns a promise
 * settled with the result or the error, so scripts never see a synchronous throw. RSA key
 * generation is the one slow operation (hundreds of milliseconds for 2048 bits); it also runs
 * synchronously and counts against the request's CPU budget.
 *
 * A CryptoKey keeps its material in a hidden buffer: raw bytes for secret keys, a private key
 * as mbedTLS writes it (PKCS#1 RSAPrivateKey / SEC 1 ECPrivateKey), a public key as
 * SubjectPublicKeyInfo. A second hidden buffer holds a key_info struct, the key's internal
 * slots; the `algorithm` and `usages` objects scripts see are copies made once. */
#include "js/runtime.h"

#include <mbedtls/aes.h>
#include <mbedtls/asn1write.h>
#include <mbedtls/constant_time.h>
#include <mbedtls/ecdh.h>
#include <mbedtls/ecdsa.h>
#include <mbedtls/gcm.h>
#include <mbedtls/hkdf.h>
#include <mbedtls/md.h>
#include <mbedtls/oid.h>
#include <mbedtls/pk.h>
#include <mbedtls/pkcs5.h>
#include <mbedtls/rsa.h>
#include <nettle/curve25519.h>
#include <nettle/eddsa.h>

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define STASH_KEY_PROTO "cryptoKeyProto"
#define KEY_DATA DUK_HIDDEN_SYMBOL("ckd")
#define KEY_INFO DUK_HIDDEN_SYMBOL("cki")
#define KEY_ALG DUK_HIDDEN_SYMBOL("cka")
#define KEY_USAGES DUK_HIDDEN_SYMBOL("cku")

/* Room for any DER this file writes: an 8192-bit RSA private key takes about 4.7 KB. */
#define DER_MAX 8192u
#define RSA_MIN_BITS 512u
#define RSA_MAX_BITS 8192u

enum alg {
  A_NONE,
  A_SHA1,
  A_SHA256,
  A_SHA384,
  A_SHA512,
  A_MD5,
  A_HMAC,
  A_AES_CTR,
  A_AES_CBC,
  A_AES_GCM,
  A_AES_KW,
  A_RSASSA,
  A_RSA_PSS,
  A_RSA_OAEP,
  A_ECDSA,
  A_ECDH,
  A_HKDF,
  A_PBKDF2,
  A_ED25519,
  A_X25519,
  A_COUNT
};

static const char *const alg_names[A_COUNT] = {
    "",        "SHA-1",    "SHA-256", "SHA-384", "SHA-512", "MD5",
    "HMAC",    "AES-CTR",  "AES-CBC", "AES-GCM", "AES-KW",  "RSASSA-PKCS1-v1_5",
    "RSA-PSS", "RSA-OAEP", "ECDSA",   "ECDH",    "HKDF",    "PBKDF2",  "Ed25519", "X25519"};

/* The operations of the spec's algorithm registry. */
enum op {
  OP_DIGEST = 1 << 0,
  OP_IMPORT = 1 << 1,
  OP_GENERATE = 1 << 2,
  OP_SIGN = 1 << 3,
  OP_VERIFY = 1 << 4,
  OP_ENCRYPT = 1 << 5,
  OP_DECRYPT = 1 << 6,
  OP_DERIVE = 1 << 7,
  OP_KEY_LENGTH = 1 << 8,
  OP_WRAP = 1 << 9,
  OP_UNWRAP = 1 << 10
};

#define OPS_HASH OP_DIGEST
#define OPS_SIG (OP_IMPORT | OP_GENERATE | OP_SIGN | OP_VERIFY)
#define OPS_AES (OP_IMPORT | OP_GENERATE | OP_ENCRYPT | OP_DECRYPT | OP_KEY_LENGTH)
#define OPS_KDF (OP_IMPORT | OP_DERIVE | OP_KEY_LENGTH)

static const uint16_t alg_ops[A_COUNT] = {0,
                                          OPS_HASH,
                                          OPS_HASH,
                                          OPS_HASH,
                                          OPS_HASH,
                                          OPS_HASH,
                                          OPS_SIG | OP_KEY_LENGTH,
                                          OPS_AES,
                                          OPS_AES,
                                          OPS_AES,
                                          OP_IMPORT | OP_GENERATE | OP_WRAP | OP_UNWRAP |
                                              OP_KEY_LENGTH,
                                          OPS_SIG,
                                          OPS_SIG,
                                          OP_IMPORT | OP_GENERATE | OP_ENCRYPT | OP_DECRYPT,
                                          OPS_SIG,
                                          OP_IMPORT | OP_GENERATE | OP_DERIVE,
                                          OPS_KDF,
                                          OPS_KDF,
                                          OPS_SIG,
                                          OP_IMPORT | OP_GENERATE | OP_DERIVE};

enum usage {
  U_ENCRYPT = 1,
  U_DECRYPT = 2,
  U_SIGN = 4,
  U_VERIFY = 8,
  U_DERIVE_KEY = 16,
  U_DERIVE_BITS = 32,
  U_WRAP = 64,
  U_UNWRAP = 128
};
static const char *const usage_names[] = {"encrypt",   "decrypt",    "sign",    "verify",
                                          "deriveKey", "deriveBits", "wrapKey", "unwrapKey"};

enum key_type { KT_SECRET, KT_PUBLIC, KT_PRIVATE };
static const char *const type_names[] = {"secret", "public", "private"};

enum format { F_RAW, F_SPKI, F_PKCS8, F_JWK };

/* The usages each kind of key may have: [secret, public, private]. */
static void allowed_usages(int alg, unsigned out[3]) {
  out[0] = out[1] = out[2] = 0;
  switch (alg) {
  case A_HMAC:
    out[0] = U_SIGN | U_VERIFY;
    break;
  case A_AES_CTR:
  case A_AES_CBC:
  case A_AES_GCM:
    out[0] = U_ENCRYPT | U_DECRYPT | U_WRAP | U_UNWRAP;
    break;
  case A_AES_KW:
    out[0] = U_WRAP | U_UNWRAP;
    break;
  case A_HKDF:
  case A_PBKDF2:
    out[0] = U_DERIVE_KEY | U_DERIVE_BITS;
    break;
  case A_RSASSA:
  case A_RSA_PSS:
  case A_ECDSA:
  case A_ED25519:
    out[1] = U_VERIFY;
    out[2] = U_SIGN;
    break;
  case A_RSA_OAEP:
    out[1] = U_ENCRYPT | U_WRAP;
    out[2] = U_DECRYPT | U_UNWRAP;
    break;
  case A_ECDH:
  case A_X25519:
    out[2] = U_DERIVE_KEY | U_DERIVE_BITS;
    break;
  default:
    break;
  }
}

/* key_info.curve of an Ed25519 key made under Workers' name NODE-ED25519 */
#define OKP_NODE_NAME 1

/* A key's internal slots. */
typedef struct key_info {
  uint8_t type, extractable, alg, hash;
  uint16_t usages, curve; /* curve: an mbedtls_ecp_group_id */
  uint32_t bits;          /* HMAC/AES key length, RSA modulus length */
} key_info;

typedef struct bytes {
  const uint8_t *p;
  size_t n;
} bytes;

/* A normalized algorithm: the members the spec's dictionaries define. */
typedef struct params {
  int alg, hash;
  int curve;
  bool has_length;
  uint32_t length; /* HMAC/AES key length, AES-CTR counter length */
  uint32_t modulus_bits, exponent, salt_length, tag_length, iterations;
  bytes iv, aad, label, salt, info;
  duk_idx_t public_key; /* ECDH: the peer's CryptoKey */
} params;

static const uint8_t empty_bytes[1];

/* Marked noreturn so that the compiler and cppcheck read the guards that call them. */
__attribute__((noreturn)) static duk_ret_t dom_error(duk_context *ctx, const char *name,
                                                     const char *message) {
  (void)edgefn__throw_dom_exception(ctx, name, message);
  __builtin_unreachable();
}

__attribute__((noreturn)) static duk_ret_t not_supported(duk_context *ctx, const char *what) {
  dom_error(ctx, "NotSupportedError", what);
}

static int rng(void *unused, unsigned char *buf, size_t len) {
  (void)unused;
  return edgefn__random_bytes(buf, len) == 0 ? 0 : MBEDTLS_ERR_MD_BAD_INPUT_DATA;
}

static mbedtls_md_type_t md_type(int hash) {
  switch (hash) {
  case A_SHA1:
    return MBEDTLS_MD_SHA1;
  case A_SHA256:
    return MBEDTLS_MD_SHA256;
  case A_SHA384:
    return MBEDTLS_MD_SHA384;
  case A_SHA512:
    return MBEDTLS_MD_SHA512;
  case A_MD5:
    return MBEDTLS_MD_MD5;
  default:
    return MBEDTLS_MD_NONE;
  }
}

static const mbedtls_md_info_t *md_info(int hash) {
  return mbedtls_md_info_from_type(md_type(hash));
}

/* ---- Small JS helpers ---- */

static uint8_t *push_array_buffer(duk_context *ctx, const void *data, size_t len) {
  uint8_t *p = duk_push_fixed_buffer(ctx, len);
  if (data && len)
    memcpy(p, data, len);
  duk_push_buffer_object(ctx, -1, 0, len, DUK_BUFOBJ_ARRAYBUFFER);
  duk_remove(ctx, -2);
  return p;
}

static bytes get_buffer_source(duk_context *ctx, duk_idx_t idx, const char *what) {
  if (!duk_is_buffer_data(ctx, idx))
    (void)duk_error(ctx, DUK_ERR_TYPE_ERROR, "%s is not a BufferSource", what);
  duk_size_t n;
  bytes b = {duk_get_buffer_data(ctx, idx, &n), 0};
  b.n = n;
  if (!b.p)
    b.p = empty_bytes;
  return b;
}

/* WebIDL [EnforceRange] unsigned integer conversion with the given maximum. */
static uint32_t to_enforced(duk_context *ctx, duk_idx_t idx, const char *what, double max) {
  double d = duk_to_number(ctx, idx);
  if (!isfinite(d))
    (void)duk_error(ctx, DUK_ERR_TYPE_ERROR, "%s is not a finite number", what);
  d = trunc(d);
  if (d < 0 || d > max)
    (void)duk_error(ctx, DUK_ERR_TYPE_ERROR, "%s is outside the accepted range", what);
  return (uint32_t)d;
}

/* Pushes dict[name]; returns false (value undefined) when absent. */
static bool member(duk_context *ctx, duk_idx_t dict, const char *name) {
  duk_get_prop_string(ctx, dict, name);
  return !duk_is_undefined(ctx, -1);
}

static void require_member(duk_context *ctx, duk_idx_t dict, const char *name) {
  if (!member(ctx, dict, name))
    (void)duk_error(ctx, DUK_ERR_TYPE_ERROR, "Algorithm: member %s is required", name);
}

/* ---- Algorithm normalization ---- */

static int lookup_alg(const char *name) {
  for (int i = 1; i < A_COUNT; i++)
    if (strcasecmp(alg_names[i], name) == 0)
      return i;
  return A_NONE;
}

static void normalize(duk_context *ctx, duk_idx_t idx, unsigned op, params *p);

/* A HashAlgorithmIdentifier member (required): SHA family only. */
static int hash_member(duk_context *ctx, duk_idx_t dict) {
  require_member(ctx, dict, "hash");
  params h;
  normalize(ctx, -1, OP_DIGEST, &h);
  if (h.alg == A_MD5)
    (void)not_supported(ctx, "MD5 is available for digest only");
  return h.alg;
}

static int curve_member(duk_context *ctx, duk_idx_t dict) {
  require_member(ctx, dict, "namedCurve");
  const char *c = duk_to_string(ctx, -1);
  if (strcmp(c, "P-256") == 0)
    return MBEDTLS_ECP_DP_SECP256R1;
  if (strcmp(c, "P-384") == 0)
    return MBEDTLS_ECP_DP_SECP384R1;
  if (strcmp(c, "P-521") == 0)
    return MBEDTLS_ECP_DP_SECP521R1;
  (void)not_supported(ctx, "Unsupported namedCurve");
  return 0;
}

static bytes buffer_member(duk_context *ctx, duk_idx_t dict, const char *name, bool required,
                           bool *present) {
  bytes b = {empty_bytes, 0};
  if (!member(ctx, dict, name)) {
    if (required)
      (void)duk_error(ctx, DUK_ERR_TYPE_ERROR, "Algorithm: member %s is required", name);
    if (present)
      *present = false;
    return b;
  }
  if (present)
    *present = true;
  return get_buffer_source(ctx, -1, name);
}

/* The spec's "normalize an algorithm" for one operation. Values the result points to stay on
 * the value stack (nothing is popped), so they live as long as the call. */
static void normalize(duk_context *ctx, duk_idx_t idx, unsigned op, params *p) {
  memset(p, 0, sizeof(*p));
  p->iv = p->aad = p->label = p->salt = p->info = (bytes){empty_bytes, 0};
  idx = duk_normalize_index(ctx, idx);
  if (duk_is_string(ctx, idx)) {
    duk_push_object(ctx);
    duk_dup(ctx, idx);
    duk_put_prop_string(ctx, -2, "name");
    idx = duk_get_top_index(ctx);
  } else if (!duk_is_object(ctx, idx)) {
    (void)duk_error(ctx, DUK_ERR_TYPE_ERROR, "Algorithm must be a string or an object");
  }
  require_member(ctx, idx, "name");
  /* Workers' name from before Ed25519 was standard ({name: 'NODE-ED25519', namedCurve:
   * 'NODE-ED25519'}, in its Discord and webhook examples): Ed25519, and keys made with it
   * report that name (curve OKP_NODE_NAME). */
  if (strcasecmp(duk_to_string(ctx, -1), "NODE-ED25519") == 0) {
    p->alg = A_ED25519;
    p->curve = OKP_NODE_NAME;
    if ((op & (OP_IMPORT | OP_GENERATE)) && member(ctx, idx, "namedCurve") &&
        strcmp(duk_to_string(ctx, -1), "NODE-ED25519") != 0)
      (void)not_supported(ctx, "NODE-ED25519 takes the namedCurve 'NODE-ED25519'");
    return;
  }
  p->alg = lookup_alg(duk_to_string(ctx, -1));
  if (p->alg == A_NONE || !(alg_ops[p->alg] & op))
    (void)not_supported(ctx, "Unrecognized or unsupported algorithm name for this operation");
  switch (p->alg) {
  case A_HMAC:
    if (op & (OP_IMPORT | OP_GENERATE | OP_KEY_LENGTH)) {
      p->hash = hash_member(ctx, idx);
      if (member(ctx, idx, "length")) {
        p->has_length = true;
        p->length = to_enforced(ctx, -1, "length", 4294967295.0);
      }
    }
    break;
  case A_AES_CTR:
  case A_AES_CBC:
  case A_AES_GCM:
  case A_AES_KW:
    if (op & (OP_GENERATE | OP_KEY_LENGTH)) {
      require_member(ctx, idx, "length");
      p->length = to_enforced(ctx, -1, "length", 65535.0);
      p->has_length = true;
    } else if (op & (OP_ENCRYPT | OP_DECRYPT)) {
      if (p->alg == A_AES_CTR) {
        p->iv = buffer_member(ctx, idx, "counter", true, NULL);
        require_member(ctx, idx, "length");
        p->length = to_enforced(ctx, -1, "length", 255.0);
      } else {
        p->iv = buffer_member(ctx, idx, "iv", true, NULL);
      }
      if (p->alg == A_AES_GCM) {
        p->aad = buffer_member(ctx, idx, "additionalData", false, NULL);
        p->tag_length = 128;
        if (member(ctx, idx, "tagLength"))
          p->tag_length = to_enforced(ctx, -1, "tagLength", 255.0);
      }
    }
    break;
  case A_RSASSA:
  case A_RSA_PSS:
  case A_RSA_OAEP:
    if (op & OP_GENERATE) {
      require_member(ctx, idx, "modulusLength");
      p->modulus_bits = to_enforced(ctx, -1, "modulusLength", 4294967295.0);
      require_member(ctx, idx, "publicExponent");
      if (!duk_is_buffer_data(ctx, -1))
        (void)duk_error(ctx, DUK_ERR_TYPE_ERROR, "publicExponent must be a Uint8Array");
      bytes e = get_buffer_source(ctx, -1, "publicExponent");
      uint64_t v = 0;
      for (size_t i = 0; i < e.n; i++) {
        v = (v << 8) | e.p[i];
        if (v > 0x7fffffff)
          (void)dom_error(ctx, "OperationError", "publicExponent is too large");
      }
      p->exponent = (uint32_t)v;
    }
    if (op & (OP_GENERATE | OP_IMPORT))
      p->hash = hash_member(ctx, idx);
    if (p->alg == A_RSA_PSS && (op & (OP_SIGN | OP_VERIFY))) {
      require_member(ctx, idx, "saltLength");
      p->salt_length = to_enforced(ctx, -1, "saltLength", 4294967295.0);
    }
    if (p->alg == A_RSA_OAEP && (op & (OP_ENCRYPT | OP_DECRYPT)))
      p->label = buffer_member(ctx, idx, "label", false, NULL);
    break;
  case A_ECDSA:
  case A_ECDH:
    if (op & (OP_GENERATE | OP_IMPORT))
      p->curve = curve_member(ctx, idx);
    if (p->alg == A_ECDSA && (op & (OP_SIGN | OP_VERIFY)))
      p->hash = hash_member(ctx, idx);
    if (p->alg == A_ECDH && (op & OP_DERIVE)) {
      require_member(ctx, idx, "public");
      p->public_key = duk_get_top_index(ctx);
    }
    break;
  case A_X25519:
    if (op & OP_DERIVE) {
      require_member(ctx, idx, "public");
      p->public_key = duk_get_top_index(ctx);
    }
    break;
  case A_HKDF:
    if (op & OP_DERIVE) {
      p->hash = hash_member(ctx, idx);
      p->salt = buffer_member(ctx, idx, "salt", true, NULL);
      p->info = buffer_member(ctx, idx, "info", true, NULL);
    }
    break;
  case A_PBKDF2:
    if (op & OP_DERIVE) {
      p->salt = buffer_member(ctx, idx, "salt", true, NULL);
      require_member(ctx, idx, "iterations");
      p->iterations = to_enforced(ctx, -1, "iterations", 4294967295.0);
      p->hash = hash_member(ctx, idx);
    }
    break;
  default:
    break;
  }
}

/* ---- CryptoKey ---- */

static key_info *get_key(duk_context *ctx, duk_idx_t idx, bytes *material) {
  key_info *ki = NULL;
  if (duk_is_object(ctx, idx) && duk_get_prop_string(ctx, idx, KEY_INFO))
    ki = duk_get_buffer(ctx, -1, NULL);
  duk_pop(ctx);
  if (!ki)
    (void)duk_error(ctx, DUK_ERR_TYPE_ERROR, "parameter is not of type 'CryptoKey'");
  if (material) {
    duk_get_prop_string(ctx, idx, KEY_DATA);
    duk_size_t n;
    material->p = duk_get_buffer(ctx, -1, &n);
    material->n = n;
    if (!material->p)
      material->p = empty_bytes;
    duk_pop(ctx); /* the key object keeps the buffer alive */
  }
  return ki;
}

static duk_ret_t key_getter(duk_context *ctx) {
  duk_push_this(ctx);
  key_info *ki = get_key(ctx, -1, NULL);
  switch (duk_get_current_magic(ctx)) {
  case 0:
    duk_push_string(ctx, type_names[ki->type]);
    break;
  case 1:
    duk_push_boolean(ctx, ki->extractable);
    break;
  case 2:
    duk_get_prop_string(ctx, -1, KEY_ALG);
    break;
  default:
    duk_get_prop_string(ctx, -1, KEY_USAGES);
    break;
  }
  return 1;
}

static duk_ret_t key_ctor(duk_context *ctx) {
  return duk_error(ctx, DUK_ERR_TYPE_ERROR, "Illegal constructor");
}

static void push_key_proto(duk_context *ctx) {
  duk_push_global_stash(ctx);
  duk_get_prop_string(ctx, -1, STASH_KEY_PROTO);
  duk_remove(ctx, -2);
}

static void push_hash_dict(duk_context *ctx, int hash) {
  duk_push_object(ctx);
  duk_push_string(ctx, alg_names[hash]);
  duk_put_prop_string(ctx, -2, "name");
}

static const char *curve_name(int curve) {
  return curve == MBEDTLS_ECP_DP_SECP256R1   ? "P-256"
         : curve == MBEDTLS_ECP_DP_SECP384R1 ? "P-384"
                                             : "P-521";
}

/* Pushes a new CryptoKey holding a copy of material; exponent is the RSA public exponent
 * (big-endian) for the algorithm dictionary. */
static void push_key(duk_context *ctx, const key_info *info, bytes material, bytes exponent) {
  duk_push_object(ctx);
  duk_idx_t key = duk_get_top_index(ctx);
  push_key_proto(ctx);
  duk_set_prototype(ctx, key);
  memcpy(duk_push_fixed_buffer(ctx, sizeof(key_info)), info, sizeof(key_info));
  duk_put_prop_literal(ctx, key, KEY_INFO);
  uint8_t *m = duk_push_fixed_buffer(ctx, material.n);
  if (material.n)
    memcpy(m, material.p, material.n);
  duk_put_prop_literal(ctx, key, KEY_DATA);

  duk_push_object(ctx);
  bool node_name = info->alg == A_ED25519 && info->curve == OKP_NODE_NAME;
  duk_push_string(ctx, node_name ? "NODE-ED25519" : alg_names[info->alg]);
  duk_put_prop_string(ctx, -2, "name");
  if (node_name) {
    duk_push_literal(ctx, "NODE-ED25519");
    duk_put_prop_string(ctx, -2, "namedCurve");
  }
  switch (info->alg) {
  case A_HMAC:
    push_hash_dict(ctx, info->hash);
    duk_put_prop_string(ctx, -2, "hash");
    duk_push_uint(ctx, info->bits);
    duk_put_prop_string(ctx, -2, "length");
    break;
  case A_AES_CTR:
  case A_AES_CBC:
  case A_AES_GCM:
  case A_AES_KW:
    duk_push_uint(ctx, info->bits);
    duk_put_prop_string(ctx, -2, "length");
    break;
  case A_RSASSA:
  case A_RSA_PSS:
  case A_RSA_OAEP:
    duk_push_uint(ctx, info->bits);
    duk_put_prop_string(ctx, -2, "modulusLength");
    push_array_buffer(ctx, exponent.p, exponent.n);
    duk_push_buffer_object(ctx, -1, 0, exponent.n, DUK_BUFOBJ_UINT8ARRAY);
    duk_remove(ctx, -2);
    duk_put_prop_string(ctx, -2, "publicExponent");
    push_hash_dict(ctx, info->hash);
    duk_put_prop_string(ctx, -2, "hash");
    break;
  case A_ECDSA:
  case A_ECDH:
    duk_push_string(ctx, curve_name(info->curve));
    duk_put_prop_string(ctx, -2, "namedCurve");
    break;
  default:
    break;
  }
  duk_put_prop_literal(ctx, key, KEY_ALG);

  duk_push_array(ctx);
  duk_uarridx_t k = 0;
  for (unsigned i = 0; i < EDGEFN_ARRAY_LEN(usage_names); i++)
    if (info->usages & (1u << i)) {
      duk_push_string(ctx, usage_names[i]);
      duk_put_prop_index(ctx, -2, k++);
    }
  duk_put_prop_literal(ctx, key, KEY_USAGES);
}

/* sequence<KeyUsage> → bit set (TypeError for anything else). */
static unsigned parse_usages(duk_context *ctx, duk_idx_t idx) {
  if (!duk_is_object(ctx, idx))
    (void)duk_error(ctx, DUK_ERR_TYPE_ERROR, "keyUsages must be a sequence");
  unsigned u = 0;
  duk_size_t n = duk_get_length(ctx, idx);
  for (duk_size_t i = 0; i < n; i++) {
    duk_get_prop_index(ctx, idx, (duk_uarridx_t)i);
    const char *s = duk_to_string(ctx, -1);
    unsigned bit = 0;
    for (unsigned j = 0; j < EDGEFN_ARRAY_LEN(usage_names); j++)
      if (strcmp(usage_names[j], s) == 0)
        bit = 1u << j;
    if (!bit)
      (void)duk_error(ctx, DUK_ERR_TYPE_ERROR, "'%s' is not a valid KeyUsage", s);
    u |= bit;
    duk_pop(ctx);
  }
  return u;
}

static void check_usages(duk_context *ctx, unsigned usages, unsigned allowed, bool need_one) {
  if (usages & ~allowed)
    (void)dom_error(ctx, "SyntaxError", "Cannot create a key using the specified key usages.");
  if (need_one && !usages)
    (void)dom_error(ctx, "SyntaxError", "Usages cannot be empty when creating a key.");
}

static int parse_format(duk_context *ctx, duk_idx_t idx) {
  static const char *const names[] = {"raw", "spki", "pkcs8", "jwk"};
  const char *s = duk_to_string(ctx, idx);
  for (int i = 0; i < 4; i++)
    if (strcmp(s, names[i]) == 0)
      return i;
  return duk_error(ctx, DUK_ERR_TYPE_ERROR, "'%s' is not a valid KeyFormat", s);
}

/* ---- base64url (RFC 7515 §2: no padding) ---- */

static void push_b64url(duk_context *ctx, const uint8_t *p, size_t n) {
  static const char abc[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  char *out = duk_push_fixed_buffer(ctx, (n + 2) / 3 * 4 + 1);
  size_t o = 0;
  for (size_t i = 0; i < n; i += 3) {
    uint32_t v = (uint32_t)p[i] << 16;
    if (i + 1 < n)
      v |= (uint32_t)p[i + 1] << 8;
    if (i + 2 < n)
      v |= p[i + 2];
    out[o++] = abc[(v >> 18) & 63];
    out[o++] = abc[(v >> 12) & 63];
    if (i + 1 < n)
      out[o++] = abc[(v >> 6) & 63];
    if (i + 2 < n)
      out[o++] = abc[v & 63];
  }
  duk_push_lstring(ctx, out, o);
  duk_remove(ctx, -2);
}

static int b64_value(int c) {
  if (c >= 'A' && c <= 'Z')
    return c - 'A';
  if (c >= 'a' && c <= 'z')
    return c - 'a' + 26;
  if (c >= '0' && c <= '9')
    return c - '0' + 52;
  return c == '-' ? 62 : c == '_' ? 63 : -1;
}

/* Pushes the bytes of the base64url string jwk[name] (DataError when absent or invalid). */
static bytes jwk_bytes(duk_context *ctx, duk_idx_t jwk, const char *name) {
  if (!member(ctx, jwk, name) || !duk_is_string(ctx, -1))
    (void)dom_error(ctx, "DataError", "JWK member missing or not a string");
  duk_size_t n;
  const char *s = duk_get_lstring(ctx, -1, &n);
  while (n && s[n - 1] == '=')
    n--;
  uint8_t *out = duk_push_fixed_buffer(ctx, n * 3 / 4 + 1);
  size_t o = 0;
  uint32_t acc = 0;
  int bits = 0;
  for (size_t i = 0; i < n; i++) {
    int v = b64_value((unsigned char)s[i]);
    if (v < 0)
      (void)dom_error(ctx, "DataError", "JWK member is not valid base64url");
    acc = (acc << 6) | (uint32_t)v;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out[o++] = (uint8_t)(acc >> bits);
    }
  }
  if (n % 4 == 1)
    (void)dom_error(ctx, "DataError", "JWK member is not valid base64url");
  return (bytes){out, o};
}

static void put_b64url(duk_context *ctx, duk_idx_t obj, const char *name, const uint8_t *p,
                       size_t n) {
  obj = duk_normalize_index(ctx, obj);
  push_b64url(ctx, p, n);
  duk_put_prop_string(ctx, obj, name);
}

/* The JWK checks every algorithm shares: kty, use, key_ops, ext, alg. */
static void jwk_common(duk_context *ctx, duk_idx_t jwk, const char *kty, const char *use,
                       const char *alg, unsigned usages, bool extractable) {
  if (!member(ctx, jwk, "kty") || strcmp(duk_to_string(ctx, -1), kty) != 0)
    (void)dom_error(ctx, "DataError", "The JWK 'kty' member was not the expected value");
  if (usages && member(ctx, jwk, "use") && strcmp(duk_to_string(ctx, -1), use) != 0)
    (void)dom_error(ctx, "DataError", "The JWK 'use' member was not the expected value");
  if (member(ctx, jwk, "key_ops")) {
    if (!duk_is_array(ctx, -1))
      (void)dom_error(ctx, "DataError", "The JWK 'key_ops' member must be an array");
    unsigned ops = parse_usages(ctx, -1);
    if (usages & ~ops)
      (void)dom_error(ctx, "DataError", "The JWK 'key_ops' member does not allow the usages");
  }
  if (member(ctx, jwk, "ext") && !duk_to_boolean(ctx, -1) && extractable)
    (void)dom_error(ctx, "DataError", "The JWK 'ext' member was false but the key is extractable");
  if (alg && member(ctx, jwk, "alg") && strcmp(duk_to_string(ctx, -1), alg) != 0)
    (void)dom_error(ctx, "DataError", "The JWK 'alg' member was not the expected value");
}

static const char *jwk_alg_name(const key_info *ki) {
  static const char *const hmac[] = {"HS1", "HS256", "HS384", "HS512"};
  static const char *const rs[] = {"RS1", "RS256", "RS384", "RS512"};
  static const char *const ps[] = {"PS1", "PS256", "PS384", "PS512"};
  static const char *const oaep[] = {"RSA-OAEP", "RSA-OAEP-256", "RSA-OAEP-384", "RSA-OAEP-512"};
  int h = ki->hash >= A_SHA1 && ki->hash <= A_SHA512 ? ki->hash - A_SHA1 : 0;
  switch (ki->alg) {
  case A_HMAC:
    return hmac[h];
  case A_RSASSA:
    return rs[h];
  case A_RSA_PSS:
    return ps[h];
  case A_RSA_OAEP:
    return oaep[h];
  case A_AES_CTR:
  case A_AES_CBC:
  case A_AES_GCM:
  case A_AES_KW: {
    static const char *const aes[4][3] = {{"A128CTR", "A192CTR", "A256CTR"},
                                          {"A128CBC", "A192CBC", "A256CBC"},
                                          {"A128GCM", "A192GCM", "A256GCM"},
                                          {"A128KW", "A192KW", "A256KW"}};
    int size = ki->bits == 128 ? 0 : ki->bits == 192 ? 1 : ki->bits == 256 ? 2 : -1;
    return size < 0 ? NULL : aes[ki->alg - A_AES_CTR][size];
  }
  case A_ECDSA:
    return ki->curve == MBEDTLS_ECP_DP_SECP256R1   ? "ES256"
           : ki->curve == MBEDTLS_ECP_DP_SECP384R1 ? "ES384"
                                                   : "ES512";
  default:
    return NULL;
  }
}

static void put_key_ops(duk_context *ctx, duk_idx_t obj, const key_info *ki) {
  obj = duk_normalize_index(ctx, obj);
  duk_push_array(ctx);
  duk_uarridx_t k = 0;
  for (unsigned i = 0; i < EDGEFN_ARRAY_LEN(usage_names); i++)
    if (ki->usages & (1u << i)) {
      duk_push_string(ctx, usage_names[i]);
      duk_put_prop_index(ctx, -2, k++);
    }
  duk_put_prop_string(ctx, obj, "key_ops");
  duk_push_boolean(ctx, ki->extractable);
  duk_put_prop_string(ctx, obj, "ext");
}

/* ---- Asymmetric keys through mbedtls_pk ---- */

static int load_pk(mbedtls_pk_context *pk, const key_info *ki, bytes der) {
  mbedtls_pk_init(pk);
  return ki->type == KT_PRIVATE ? mbedtls_pk_parse_key(pk, der.p, der.n, NULL, 0)
                                : mbedtls_pk_parse_public_key(pk, der.p, der.n);
}

static size_t ec_coord_len(const mbedtls_ecp_group *grp) { return (grp->pbits + 7) / 8; }

/* Checks an imported mbedtls key against the algorithm, re-encodes it in the stored form and
 * pushes the CryptoKey. Returns NULL on success or the DOMException name to throw (the
 * caller frees pk first). */
static const char *finish_pk_key(duk_context *ctx, mbedtls_pk_context *pk, const params *p,
                                 int type, bool extractable, unsigned usages) {
  key_info ki = {
      (uint8_t)type, extractable, (uint8_t)p->alg, (uint8_t)p->hash, (uint16_t)usages, 0, 0};
  uint8_t exp[8];
  bytes exponent = {exp, 0};
  if (p->alg == A_ECDSA || p->alg == A_ECDH) {
    if (!mbedtls_pk_can_do(pk, MBEDTLS_PK_ECKEY) || (int)mbedtls_pk_ec(*pk)->grp.id != p->curve)
      return "DataError";
    ki.curve = (uint16_t)p->curve;
  } else {
    if (mbedtls_pk_get_type(pk) != MBEDTLS_PK_RSA)
      return "DataError";
    mbedtls_rsa_context *rsa = mbedtls_pk_rsa(*pk);
    ki.bits = (uint32_t)mbedtls_pk_get_bitlen(pk);
    mbedtls_mpi e;
    mbedtls_mpi_init(&e);
    int rc = mbedtls_rsa_export(rsa, NULL, NULL, NULL, NULL, &e);
    exponent.n = mbedtls_mpi_size(&e);
    if (rc == 0 && exponent.n <= sizeof(exp))
      rc = mbedtls_mpi_write_binary(&e, exp, exponent.n);
    mbedtls_mpi_free(&e);
    if (rc != 0 || exponent.n > sizeof(exp))
      return "DataError";
  }
  uint8_t *buf = malloc(DER_MAX);
  if (!buf)
    return "OperationError";
  int n = type == KT_PRIVATE ? mbedtls_pk_write_key_der(pk, buf, DER_MAX)
                             : mbedtls_pk_write_pubkey_der(pk, buf, DER_MAX);
  if (n <= 0) {
    free(buf);
    return "DataError";
  }
  /* push_key copies the DER; an out-of-memory throw here would leak buf, so copy it into a
   * Duktape buffer first. */
  uint8_t *copy = duk_push_fixed_buffer(ctx, (duk_size_t)n);
  memcpy(copy, buf + DER_MAX - (size_t)n, (size_t)n);
  free(buf);
  mbedtls_pk_free(pk);
  push_key(ctx, &ki, (bytes){copy, (size_t)n}, exponent);
  duk_remove(ctx, -2);
  return NULL;
}

/* Wraps a stored private key (RSAPrivateKey / ECPrivateKey) as PKCS#8 PrivateKeyInfo. */
static int write_pkcs8(const key_info *ki, bytes inner, uint8_t *buf, size_t size) {
  uint8_t *p = buf + size;
  int len = 0, r;
#define W(call)                                                                                    \
  do {                                                                                             \
    if ((r = (call)) < 0)                                                                          \
      return r;                                                                                    \
    len += r;                                                                                      \
  } while (0)
  W(mbedtls_asn1_write_raw_buffer(&p, buf, inner.p, inner.n));
  W(mbedtls_asn1_write_len(&p, buf, inner.n));
  W(mbedtls_asn1_write_tag(&p, buf, MBEDTLS_ASN1_OCTET_STRING));
  int par;
  if (ki->alg == A_ECDSA || ki->alg == A_ECDH) {
    const char *oid;
    size_t oid_len;
    if (mbedtls_oid_get_oid_by_ec_grp((mbedtls_ecp_group_id)ki->curve, &oid, &oid_len) != 0)
      return -1;
    /* The algorithm identifier's length includes the parameters written before it. */
    if ((par = mbedtls_asn1_write_oid(&p, buf, oid, oid_len)) < 0)
      return par;
    W(mbedtls_asn1_write_algorithm_identifier(&p, buf, MBEDTLS_OID_EC_ALG_UNRESTRICTED,
                                              MBEDTLS_OID_SIZE(MBEDTLS_OID_EC_ALG_UNRESTRICTED),
                                              (size_t)par));
  } else {
    if ((par = mbedtls_asn1_write_null(&p, buf)) < 0)
      return par;
    W(mbedtls_asn1_write_algorithm_identifier(
        &p, buf, MBEDTLS_OID_PKCS1_RSA, MBEDTLS_OID_SIZE(MBEDTLS_OID_PKCS1_RSA), (size_t)par));
  }
  W(mbedtls_asn1_write_int(&p, buf, 0));
  W(mbedtls_asn1_write_len(&p, buf, (size_t)len));
  W(mbedtls_asn1_write_tag(&p, buf, MBEDTLS_ASN1_CONSTRUCTED | MBEDTLS_ASN1_SEQUENCE));
#undef W
  return len;
}

/* ---- importKey ---- */

static size_t hash_block_bits(int hash) {
  return hash == A_SHA384 || hash == A_SHA512 ? 1024 : 512;
}

static void import_secret(duk_context *ctx, int fmt, duk_idx_t data, const params *p,
                          bool extractable, unsigned usages) {
  unsigned allowed[3];
  allowed_usages(p->alg, allowed);
  check_usages(ctx, usages, allowed[0], false);
  bytes k;
  key_info ki = {KT_SECRET, extractable, (uint8_t)p->alg, (uint8_t)p->hash, (uint16_t)usages, 0, 0};
  if (fmt == F_RAW) {
    k = get_buffer_source(ctx, data, "keyData");
  } else if (fmt == F_JWK && p->alg != A_HKDF && p->alg != A_PBKDF2) {
    k = jwk_bytes(ctx, data, "k");
    ki.bits = (uint32_t)(k.n * 8);
    const char *alg = jwk_alg_name(&ki);
    jwk_common(ctx, data, "oct", p->alg == A_HMAC ? "sig" : "enc", alg, usages, extractable);
  } else {
    (void)not_supported(ctx, "Unsupported key format for this algorithm");
    return;
  }
  ki.bits = (uint32_t)(k.n * 8);
  switch (p->alg) {
  case A_HMAC:
    if (k.n == 0)
      (void)dom_error(ctx, "DataError", "HMAC key data must not be empty");
    if (p->has_length) {
      if (p->length > ki.bits || p->length <= ki.bits - 8)
        (void)dom_error(ctx, "DataError", "The key length does not match the key data");
      ki.bits = p->length;
    }
    break;
  case A_AES_CTR:
  case A_AES_CBC:
  case A_AES_GCM:
  case A_AES_KW:
    if (k.n != 16 && k.n != 24 && k.n != 32)
      (void)dom_error(ctx, "DataError", "AES key data must be 128, 192 or 256 bits");
    break;
  default: /* HKDF, PBKDF2 */
    if (extractable)
      (void)dom_error(ctx, "SyntaxError", "Derivation keys cannot be extractable");
    ki.bits = 0;
    break;
  }
  push_key(ctx, &ki, k, (bytes){empty_bytes, 0});
}

static const char *import_rsa_jwk(duk_context *ctx, duk_idx_t jwk, mbedtls_pk_context *pk,
                                  bool priv) {
  bytes n = jwk_bytes(ctx, jwk, "n"), e = jwk_bytes(ctx, jwk, "e"), d = {NULL, 0};
  bytes pp = {NULL, 0}, q = {NULL, 0};
  if (priv) {
    d = jwk_bytes(ctx, jwk, "d");
    if (member(ctx, jwk, "p")) {
      pp = jwk_bytes(ctx, jwk, "p");
      q = jwk_bytes(ctx, jwk, "q");
    }
  }
  if (mbedtls_pk_setup(pk, mbedtls_pk_info_from_type(MBEDTLS_PK_RSA)) != 0)
    return "OperationError";
  mbedtls_rsa_context *rsa = mbedtls_pk_rsa(*pk);
  if (mbedtls_rsa_import_raw(rsa, n.p, n.n, pp.p, pp.n, q.p, q.n, d.p, d.n, e.p, e.n) != 0 ||
      mbedtls_rsa_complete(rsa) != 0 ||
      (priv ? mbedtls_rsa_check_privkey(rsa) : mbedtls_rsa_check_pubkey(rsa)) != 0)
    return "DataError";
  return NULL;
}

static const char *import_ec_point(const params *p, mbedtls_pk_context *pk, bytes point) {
  if (mbedtls_pk_setup(pk, mbedtls_pk_info_from_type(MBEDTLS_PK_ECKEY)) != 0)
    return "OperationError";
  mbedtls_ecp_keypair *ec = mbedtls_pk_ec(*pk);
  if (mbedtls_ecp_group_load(&ec->grp, (mbedtls_ecp_group_id)p->curve) != 0)
    return "OperationError";
  if (mbedtls_ecp_point_read_binary(&ec->grp, &ec->Q, point.p, point.n) != 0 ||
      mbedtls_ecp_check_pubkey(&ec->grp, &ec->Q) != 0)
    return "DataError";
  return NULL;
}

static const char *import_ec_jwk(duk_context *ctx, duk_idx_t jwk, const params *p,
                                 mbedtls_pk_context *pk, bool priv) {
  if (!member(ctx, jwk, "crv") || strcmp(duk_to_string(ctx, -1), curve_name(p->curve)) != 0)
    return "DataError";
  bytes x = jwk_bytes(ctx, jwk, "x"), y = jwk_bytes(ctx, jwk, "y");
  bytes d = priv ? jwk_bytes(ctx, jwk, "d") : (bytes){NULL, 0};
  size_t cl = p->curve == MBEDTLS_ECP_DP_SECP256R1   ? 32
              : p->curve == MBEDTLS_ECP_DP_SECP384R1 ? 48
                                                     : 66;
  if (x.n != cl || y.n != cl || (priv && d.n != cl))
    return "DataError";
  uint8_t *pt = duk_push_fixed_buffer(ctx, 1 + 2 * cl);
  pt[0] = 4;
  memcpy(pt + 1, x.p, cl);
  memcpy(pt + 1 + cl, y.p, cl);
  const char *err = import_ec_point(p, pk, (bytes){pt, 1 + 2 * cl});
  if (err || !priv)
    return err;
  mbedtls_ecp_keypair *ec = mbedtls_pk_ec(*pk);
  if (mbedtls_mpi_read_binary(&ec->d, d.p, d.n) != 0 ||
      mbedtls_ecp_check_privkey(&ec->grp, &ec->d) != 0)
    return "DataError";
  return NULL;
}

static void import_asym(duk_context *ctx, int fmt, duk_idx_t data, const params *p,
                        bool extractable, unsigned usages) {
  unsigned allowed[3];
  allowed_usages(p->alg, allowed);
  bool ec = p->alg == A_ECDSA || p->alg == A_ECDH;
  int type;
  if (fmt == F_SPKI || (fmt == F_RAW && ec)) {
    type = KT_PUBLIC;
  } else if (fmt == F_PKCS8) {
    type = KT_PRIVATE;
  } else if (fmt == F_JWK) {
    type = member(ctx, data, "d") ? KT_PRIVATE : KT_PUBLIC;
    duk_pop(ctx);
    const char *alg = NULL;
    if (!ec) {
      key_info tmp = {0, 0, (uint8_t)p->alg, (uint8_t)p->hash, 0, 0, 0};
      alg = jwk_alg_name(&tmp);
    }
    jwk_common(ctx, data, ec ? "EC" : "RSA", p->alg == A_RSA_OAEP ? "enc" : "sig", alg, usages,
               extractable);
  } else {
    (void)not_supported(ctx, "Unsupported key format for this algorithm");
    return;
  }
  check_usages(ctx, usages, allowed[type], type == KT_PRIVATE);
  mbedtls_pk_context pk;
  mbedtls_pk_init(&pk);
  const char *err = NULL;
  if (fmt == F_JWK) {
    err = ec ? import_ec_jwk(ctx, data, p, &pk, type == KT_PRIVATE)
             : import_rsa_jwk(ctx, data, &pk, type == KT_PRIVATE);
  } else {
    bytes b = get_buffer_source(ctx, data, "keyData");
    if (fmt == F_RAW)
      err = import_ec_point(p, &pk, b);
    else if (fmt == F_SPKI)
      err = mbedtls_pk_parse_public_key(&pk, b.p, b.n) == 0 ? NULL : "DataError";
    else
      err = mbedtls_pk_parse_key(&pk, b.p, b.n, NULL, 0) == 0 ? NULL : "DataError";
  }
  if (!err)
    err = finish_pk_key(ctx, &pk, p, type, extractable, usages);
  mbedtls_pk_free(&pk);
  if (err)
    (void)dom_error(ctx, err, "The key data could not be imported");
}

/* ---- Ed25519 and X25519 (Secure Curves in the Web Cryptography API) on Nettle ----
 *
 * A public key's material is its 32 bytes; a private key's is the 32-byte private key (the
 * Ed25519 seed, the X25519 scalar) followed by the public key. The DER forms are fixed:
 * SubjectPublicKeyInfo and PKCS #8 (RFC 8410) with the curve's OID (1.3.101.112 for
 * Ed25519, .110 for X25519) and no parameters, so they are written and matched byte for
 * byte, the OID's last byte put in place. */

#define ED_LEN 32u
#define SPKI_OID_AT 8u
#define PKCS8_OID_AT 11u
static const uint8_t okp_spki_prefix[] = {0x30, 0x2a, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65,
                                          0x70, 0x03, 0x21, 0x00};
static const uint8_t okp_pkcs8_prefix[] = {0x30, 0x2e, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06,
                                           0x03, 0x2b, 0x65, 0x70, 0x04, 0x22, 0x04, 0x20};

static uint8_t okp_oid_byte(int alg) { return alg == A_ED25519 ? 0x70 : 0x6e; }
static const char *okp_crv(int alg) { return alg == A_ED25519 ? "Ed25519" : "X25519"; }

/* The public key of a private key: Ed25519's from its seed, X25519's (RFC 7748, the
 * scalar clamped by Nettle) from its scalar. */
static void okp_public(int alg, uint8_t pub[ED_LEN], const uint8_t priv[ED_LEN]) {
  if (alg == A_ED25519)
    ed25519_sha512_public_key(pub, priv);
  else
    curve25519_mul_g(pub, priv);
}

/* Pushes an OKP CryptoKey: pub (32 bytes) and, for a private key, the private key. */
static void push_okp_key(duk_context *ctx, int alg, int naming, int type, const uint8_t *pub,
                         const uint8_t *priv, bool extractable, unsigned usages) {
  uint8_t m[2 * ED_LEN];
  size_t n = 0;
  if (priv) {
    memcpy(m, priv, ED_LEN);
    n = ED_LEN;
  }
  memcpy(m + n, pub, ED_LEN);
  n += ED_LEN;
  key_info ki = {(uint8_t)type, extractable, (uint8_t)alg, 0, (uint16_t)usages,
                 (uint16_t)naming, 256};
  push_key(ctx, &ki, (bytes){m, n}, (bytes){empty_bytes, 0});
}

static bool okp_prefix_is(bytes b, const uint8_t *prefix, size_t n, size_t oid_at, int alg) {
  return b.n == n + ED_LEN && memcmp(b.p, prefix, oid_at) == 0 &&
         b.p[oid_at] == okp_oid_byte(alg) &&
         memcmp(b.p + oid_at + 1, prefix + oid_at + 1, n - oid_at - 1) == 0;
}

static void import_okp(duk_context *ctx, int alg, int naming, int fmt, duk_idx_t data,
                       bool extractable, unsigned usages) {
  unsigned allowed[3];
  allowed_usages(alg, allowed);
  uint8_t pub[ED_LEN], priv_key[ED_LEN];
  bool priv = false;
  if (fmt == F_JWK) {
    priv = member(ctx, data, "d");
    duk_pop(ctx);
    jwk_common(ctx, data, "OKP", alg == A_ED25519 ? "sig" : "enc", NULL, usages, extractable);
    if (!member(ctx, data, "crv") || strcmp(duk_to_string(ctx, -1), okp_crv(alg)) != 0)
      (void)dom_error(ctx, "DataError", "The JWK 'crv' member was not the expected value");
    if (alg == A_ED25519 && member(ctx, data, "alg") &&
        strcmp(duk_to_string(ctx, -1), "Ed25519") != 0 &&
        strcmp(duk_to_string(ctx, -1), "EdDSA") != 0)
      (void)dom_error(ctx, "DataError", "The JWK 'alg' member was not the expected value");
    check_usages(ctx, usages, allowed[priv ? 2 : 1], priv);
    bytes x = jwk_bytes(ctx, data, "x");
    if (x.n != ED_LEN)
      (void)dom_error(ctx, "DataError", "Invalid public key");
    memcpy(pub, x.p, ED_LEN);
    if (priv) {
      bytes d = jwk_bytes(ctx, data, "d");
      if (d.n != ED_LEN)
        (void)dom_error(ctx, "DataError", "Invalid private key");
      memcpy(priv_key, d.p, ED_LEN);
      uint8_t derived[ED_LEN];
      okp_public(alg, derived, priv_key);
      if (memcmp(derived, pub, ED_LEN) != 0)
        (void)dom_error(ctx, "DataError", "The JWK 'x' member does not match 'd'");
    }
  } else {
    bytes b = get_buffer_source(ctx, data, "keyData");
    if (fmt == F_RAW) {
      check_usages(ctx, usages, allowed[1], false);
      if (b.n != ED_LEN)
        (void)dom_error(ctx, "DataError", "Invalid public key");
      memcpy(pub, b.p, ED_LEN);
    } else if (fmt == F_SPKI) {
      check_usages(ctx, usages, allowed[1], false);
      if (!okp_prefix_is(b, okp_spki_prefix, sizeof(okp_spki_prefix), SPKI_OID_AT, alg))
        (void)dom_error(ctx, "DataError", "Invalid SubjectPublicKeyInfo");
      memcpy(pub, b.p + sizeof(okp_spki_prefix), ED_LEN);
    } else {
      priv = true;
      check_usages(ctx, usages, allowed[2], true);
      if (!okp_prefix_is(b, okp_pkcs8_prefix, sizeof(okp_pkcs8_prefix), PKCS8_OID_AT, alg))
        (void)dom_error(ctx, "DataError", "Invalid PKCS #8 key");
      memcpy(priv_key, b.p + sizeof(okp_pkcs8_prefix), ED_LEN);
      okp_public(alg, pub, priv_key);
    }
  }
  push_okp_key(ctx, alg, naming, priv ? KT_PRIVATE : KT_PUBLIC, pub, priv ? priv_key : NULL,
               extractable, usages);
}

static void export_okp(duk_context *ctx, int fmt, const key_info *ki, bytes m) {
  bool priv = ki->type == KT_PRIVATE;
  const uint8_t *pub = m.p + (priv ? ED_LEN : 0);
  if (fmt == F_JWK) {
    duk_push_object(ctx);
    put_key_ops(ctx, -1, ki);
    duk_push_string(ctx, okp_crv(ki->alg));
    duk_put_prop_string(ctx, -2, "crv");
    if (priv)
      put_b64url(ctx, -1, "d", m.p, ED_LEN);
    put_b64url(ctx, -1, "x", pub, ED_LEN);
    duk_push_literal(ctx, "OKP");
    duk_put_prop_string(ctx, -2, "kty");
    if (ki->alg == A_ED25519) {
      duk_push_literal(ctx, "Ed25519");
      duk_put_prop_string(ctx, -2, "alg");
    }
    return;
  }
  if ((fmt == F_PKCS8) != priv)
    (void)dom_error(ctx, "InvalidAccessError", "The key type does not match the format");
  uint8_t out[sizeof(okp_pkcs8_prefix) + ED_LEN];
  if (fmt == F_RAW) {
    push_array_buffer(ctx, pub, ED_LEN);
  } else if (fmt == F_SPKI) {
    memcpy(out, okp_spki_prefix, sizeof(okp_spki_prefix));
    out[SPKI_OID_AT] = okp_oid_byte(ki->alg);
    memcpy(out + sizeof(okp_spki_prefix), pub, ED_LEN);
    push_array_buffer(ctx, out, sizeof(okp_spki_prefix) + ED_LEN);
  } else {
    memcpy(out, okp_pkcs8_prefix, sizeof(okp_pkcs8_prefix));
    out[PKCS8_OID_AT] = okp_oid_byte(ki->alg);
    memcpy(out + sizeof(okp_pkcs8_prefix), m.p, ED_LEN);
    push_array_buffer(ctx, out, sizeof(out));
  }
}

/* Pushes the CryptoKey imported from the value at data. */
static void import_key(duk_context *ctx, int fmt, duk_idx_t data, const params *p, bool extractable,
                       unsigned usages) {
  data = duk_normalize_index(ctx, data);
  if (fmt == F_JWK ? !duk_is_object(ctx, data) || duk_is_buffer_data(ctx, data)
                   : !duk_is_buffer_data(ctx, data))
    (void)duk_error(ctx, DUK_ERR_TYPE_ERROR, "keyData does not match the format");
  switch (p->alg) {
  case A_RSASSA:
  case A_RSA_PSS:
  case A_RSA_OAEP:
  case A_ECDSA:
  case A_ECDH:
    import_asym(ctx, fmt, data, p, extractable, usages);
    break;
  case A_ED25519:
  case A_X25519:
    import_okp(ctx, p->alg, p->curve, fmt, data, extractable, usages);
    break;
  default:
    import_secret(ctx, fmt, data, p, extractable, usages);
    break;
  }
  key_info *ki = get_key(ctx, -1, NULL);
  if ((ki->type == KT_SECRET || ki->type == KT_PRIVATE) && !usages)
    (void)dom_error(ctx, "SyntaxError", "Usages cannot be empty when creating a key.");
}

/* ---- exportKey ---- */

static void put_mpi(duk_context *ctx, duk_idx_t obj, const char *name, const mbedtls_mpi *m,
                    size_t len) {
  obj = duk_normalize_index(ctx, obj);
  if (!len)
    len = mbedtls_mpi_size(m);
  uint8_t *b = duk_push_fixed_buffer(ctx, len ? len : 1);
  if (mbedtls_mpi_write_binary(m, b, len) != 0)
    (void)dom_error(ctx, "OperationError", "Key export failed");
  put_b64url(ctx, obj, name, b, len);
  duk_pop(ctx);
}

/* Fills the JWK object at obj with the members of an RSA or EC key. Throws only after
 * the mbedtls objects it made are released. */
static void export_asym_jwk(duk_context *ctx, duk_idx_t obj, const key_info *ki, bytes der) {
  mbedtls_pk_context pk;
  if (load_pk(&pk, ki, der) != 0) {
    mbedtls_pk_free(&pk);
    (void)dom_error(ctx, "OperationError", "Stored key is unreadable");
  }
  /* The values are copied into fixed buffers first so that nothing below throws while pk
   * and the MPIs are alive. */
  mbedtls_mpi v[8];
  for (int i = 0; i < 8; i++)
    mbedtls_mpi_init(&v[i]);
  int rc;
  size_t cl = 0;
  if (ki->alg == A_ECDSA || ki->alg == A_ECDH) {
    mbedtls_ecp_keypair *ec = mbedtls_pk_ec(pk);
    cl = ec_coord_len(&ec->grp);
    rc = mbedtls_mpi_copy(&v[0], &ec->Q.X);
    if (rc == 0)
      rc = mbedtls_mpi_copy(&v[1], &ec->Q.Y);
    if (rc == 0 && ki->type == KT_PRIVATE)
      rc = mbedtls_mpi_copy(&v[2], &ec->d);
  } else {
    mbedtls_rsa_context *rsa = mbedtls_pk_rsa(pk);
    rc = ki->type == KT_PRIVATE ? mbedtls_rsa_export(rsa, &v[0], &v[3], &v[4], &v[2], &v[1])
                                : mbedtls_rsa_export(rsa, &v[0], NULL, NULL, NULL, &v[1]);
    if (rc == 0 && ki->type == KT_PRIVATE)
      rc = mbedtls_rsa_export_crt(rsa, &v[5], &v[6], &v[7]);
  }
  mbedtls_pk_free(&pk);
  if (rc == 0) {
    if (cl) {
      static const char *const names[] = {"x", "y", "d"};
      duk_push_string(ctx, "EC");
      duk_put_prop_string(ctx, obj, "kty");
      duk_push_string(ctx, curve_name(ki->curve));
      duk_put_prop_string(ctx, obj, "crv");
      for (int i = 0; i < (ki->type == KT_PRIVATE ? 3 : 2); i++)
        put_mpi(ctx, obj, names[i], &v[i], cl);
    } else {
      static const char *const names[] = {"n", "e", "d", "p", "q", "dp", "dq", "qi"};
      duk_push_string(ctx, "RSA");
      duk_put_prop_string(ctx, obj, "kty");
      for (int i = 0; i < (ki->type == KT_PRIVATE ? 8 : 2); i++)
        put_mpi(ctx, obj, names[i], &v[i], 0);
    }
  }
  for (int i = 0; i < 8; i++)
    mbedtls_mpi_free(&v[i]);
  if (rc != 0)
    (void)dom_error(ctx, "OperationError", "Key export failed");
}

/* Pushes the exported key: an ArrayBuffer, or an object for jwk. */
static void export_key(duk_context *ctx, int fmt, duk_idx_t key) {
  bytes m;
  key_info *ki = get_key(ctx, key, &m);
  if (!ki->extractable)
    (void)dom_error(ctx, "InvalidAccessError", "key is not extractable");
  if (ki->alg == A_HKDF || ki->alg == A_PBKDF2)
    (void)not_supported(ctx, "Derivation keys cannot be exported");
  if (ki->alg == A_ED25519 || ki->alg == A_X25519) {
    export_okp(ctx, fmt, ki, m);
    return;
  }
  if (ki->type == KT_SECRET) {
    if (fmt == F_RAW) {
      push_array_buffer(ctx, m.p, m.n);
    } else if (fmt == F_JWK) {
      duk_push_object(ctx);
      duk_push_string(ctx, "oct");
      duk_put_prop_string(ctx, -2, "kty");
      put_b64url(ctx, -1, "k", m.p, m.n);
      duk_push_string(ctx, jwk_alg_name(ki));
      duk_put_prop_string(ctx, -2, "alg");
      put_key_ops(ctx, -1, ki);
    } else {
      (void)not_supported(ctx, "Unsupported export format for a secret key");
    }
    return;
  }
  bool ec = ki->alg == A_ECDSA || ki->alg == A_ECDH;
  if (fmt == F_JWK) {
    duk_push_object(ctx);
    export_asym_jwk(ctx, duk_get_top_index(ctx), ki, m);
    const char *alg = jwk_alg_name(ki);
    if (alg) {
      duk_push_string(ctx, alg);
      duk_put_prop_string(ctx, -2, "alg");
    }
    put_key_ops(ctx, -1, ki);
    return;
  }
  if (fmt == F_RAW && !ec)
    (void)not_supported(ctx, "RSA keys have no raw format");
  if ((fmt == F_SPKI || fmt == F_RAW) != (ki->type == KT_PUBLIC))
    (void)dom_error(ctx, "InvalidAccessError", "The key type does not match the format");
  if (fmt == F_SPKI) {
    push_array_buffer(ctx, m.p, m.n);
    return;
  }
  uint8_t buf[160];
  int n = -1;
  if (fmt == F_RAW) {
    mbedtls_pk_context pk;
    size_t olen = 0;
    if (load_pk(&pk, ki, m) == 0 &&
        mbedtls_ecp_point_write_binary(&mbedtls_pk_ec(pk)->grp, &mbedtls_pk_ec(pk)->Q,
                                       MBEDTLS_ECP_PF_UNCOMPRESSED, &olen, buf, sizeof(buf)) == 0)
      n = (int)olen;
    mbedtls_pk_free(&pk);
    if (n < 0)
      (void)dom_error(ctx, "OperationError", "Key export failed");
    push_array_buffer(ctx, buf, (size_t)n);
    return;
  }
  size_t size = m.n + 64;
  uint8_t *out = duk_push_fixed_buffer(ctx, size);
  n = write_pkcs8(ki, m, out, size);
  if (n < 0)
    (void)dom_error(ctx, "OperationError", "Key export failed");
  push_array_buffer(ctx, out + size - (size_t)n, (size_t)n);
  duk_remove(ctx, -2);
}

/* ---- generateKey ---- */

/* Generates an asymmetric key for p (RSA or EC) and writes both halves' DER at the ends of
 * buf[0..DER_MAX) and buf[DER_MAX..2*DER_MAX); *pub_n / *priv_n get their lengths, or stay
 * <= 0 on failure. Touches no Duktape state, so it may run on a worker thread. */
static void write_generated_der(const params *p, uint8_t *buf, int *pub_n, int *priv_n) {
  bool ec = p->alg == A_ECDSA || p->alg == A_ECDH;
  mbedtls_pk_context pk;
  mbedtls_pk_init(&pk);
  int rc = mbedtls_pk_setup(&pk, mbedtls_pk_info_from_type(ec ? MBEDTLS_PK_ECKEY : MBEDTLS_PK_RSA));
  if (rc == 0)
    rc = ec ? mbedtls_ecp_gen_key((mbedtls_ecp_group_id)p->curve, mbedtls_pk_ec(pk), rng, NULL)
            : mbedtls_rsa_gen_key(mbedtls_pk_rsa(pk), rng, NULL, p->modulus_bits, (int)p->exponent);
  if (rc == 0) {
    *pub_n = mbedtls_pk_write_pubkey_der(&pk, buf, DER_MAX);
    *priv_n = mbedtls_pk_write_key_der(&pk, buf + DER_MAX, DER_MAX);
  }
  mbedtls_pk_free(&pk);
}

/* Pushes {publicKey, privateKey} from what write_generated_der wrote. Both halves are
 * imported from DER so that they go through the same checks as imported keys. */
static void push_pair_from_der(duk_context *ctx, const params *p, bool extractable,
                               unsigned usages, const uint8_t *buf, int pub_n, int priv_n) {
  if (pub_n <= 0 || priv_n <= 0)
    dom_error(ctx, "OperationError", "Key generation failed");
  unsigned allowed[3];
  allowed_usages(p->alg, allowed);
  const uint8_t *pub = buf + DER_MAX - pub_n, *priv = buf + 2 * DER_MAX - priv_n;
  duk_push_object(ctx);
  duk_idx_t pair = duk_get_top_index(ctx);
  const char *err = NULL;
  mbedtls_pk_context pk;
  mbedtls_pk_init(&pk);
  if (mbedtls_pk_parse_public_key(&pk, pub, (size_t)pub_n) != 0)
    err = "OperationError";
  if (!err)
    err = finish_pk_key(ctx, &pk, p, KT_PUBLIC, true, usages & allowed[1]);
  mbedtls_pk_free(&pk);
  if (!err) {
    duk_put_prop_string(ctx, pair, "publicKey");
    if (mbedtls_pk_parse_key(&pk, priv, (size_t)priv_n, NULL, 0) != 0)
      err = "OperationError";
  }
  if (!err)
    err = finish_pk_key(ctx, &pk, p, KT_PRIVATE, extractable, usages & allowed[2]);
  mbedtls_pk_free(&pk);
  if (err)
    (void)dom_error(ctx, err, "Key generation failed");
  duk_put_prop_string(ctx, pair, "privateKey");
}

/* RSA key generation takes from tens of milliseconds to seconds and cannot be interrupted,
 * so it runs on a worker thread (loop/work.c) and settles a promise when done: the loop
 * keeps serving other requests meanwhile. */
struct edgefn__keygen {
  edgefn__keygen *next, *prev;
  edgefn_runtime *rt;
  uint32_t id, exchange_id;
  edgefn__work *work;
  params p;
  bool extractable;
  unsigned usages;
  int pub_n, priv_n;
  uint8_t der[2 * DER_MAX];
};

static void keygen_stash_key(char *buf, size_t size, uint32_t id) {
  snprintf(buf, size, "k%u", id);
}

static void keygen_unlink(edgefn__keygen *k) {
  edgefn_runtime *rt = k->rt;
  if (k->prev)
    k->prev->next = k->next;
  else
    rt->keygens = k->next;
  if (k->next)
    k->next->prev = k->prev;
  rt->keygen_count--;
}

static void keygen_run(void *data) {
  edgefn__keygen *k = data;
  k->pub_n = k->priv_n = -1;
  write_generated_der(&k->p, k->der, &k->pub_n, &k->priv_n);
}

static duk_ret_t keygen_pair_safe(duk_context *ctx, void *udata) {
  edgefn__keygen *k = udata;
  push_pair_from_der(ctx, &k->p, k->extractable, k->usages, k->der, k->pub_n, k->priv_n);
  return 1;
}

static duk_ret_t keygen_settle_safe(duk_context *ctx, void *udata) {
  edgefn__keygen *k = udata;
  char key[16];
  keygen_stash_key(key, sizeof(key), k->id);
  duk_push_global_stash(ctx);
  duk_get_prop_string(ctx, -1, key);
  duk_del_prop_string(ctx, -2, key);
  duk_remove(ctx, -2); /* [entry] */
  if (!duk_is_object(ctx, -1))
    return 0;
  duk_int_t rc = duk_safe_call(ctx, keygen_pair_safe, k, 0, 1);
  duk_get_prop_literal(ctx, -2, rc == DUK_EXEC_SUCCESS ? "resolve" : "reject");
  duk_dup(ctx, -2);
  duk_call(ctx, 1);
  return 0;
}

static void keygen_done(void *data) {
  edgefn__keygen *k = data;
  edgefn_runtime *rt = k->rt;
  keygen_unlink(k);
  edgefn__rt_invoke(rt, k->exchange_id, keygen_settle_safe, k, "crypto.subtle.generateKey");
  free(k);
}

void edgefn__subtle_free_all(edgefn_runtime *rt) {
  while (rt->keygens) {
    edgefn__keygen *k = rt->keygens;
    keygen_unlink(k);
    edgefn__work_cancel(k->work, free); /* the worker frees it if still generating */
  }
}

/* Pushes a promise for an RSA key pair generated off the loop. */
static void start_rsa_keygen(duk_context *ctx, const params *p, bool extractable,
                             unsigned usages) {
  edgefn_runtime *rt = edgefn__rt_from_ctx(ctx);
  if (!rt)
    (void)dom_error(ctx, "OperationError", "Key generation needs a runtime");
  if (rt->keygen_count >= EDGEFN_MAX_PENDING_KEYGEN)
    (void)dom_error(ctx, "OperationError",
                    "Too many RSA key generations in progress (limit "
                    "EDGEFN_MAX_PENDING_KEYGEN)");
  /* The promise first: nothing below may throw once the job exists. */
  duk_get_global_literal(ctx, "Promise");
  duk_push_literal(ctx, "withResolvers");
  duk_call_prop(ctx, -2, 0);
  edgefn__keygen *k = malloc(sizeof(*k));
  if (!k)
    (void)duk_error(ctx, DUK_ERR_ERROR, "out of memory");
  memset(k, 0, offsetof(edgefn__keygen, der));
  k->rt = rt;
  k->id = rt->next_keygen_id++;
  k->exchange_id = rt->current_exchange;
  k->p = *p;
  /* Only the numbers are used off the loop; no pointer into the heap goes with the job. */
  k->p.iv = k->p.aad = k->p.label = k->p.salt = k->p.info = (bytes){empty_bytes, 0};
  k->extractable = extractable;
  k->usages = usages;
  int rc = edgefn__work_submit(rt->loop, keygen_run, keygen_done, k, &k->work);
  if (rc != 0) {
    free(k);
    (void)dom_error(ctx, "OperationError", "Key generation could not start");
  }
  k->next = rt->keygens;
  if (k->next)
    k->next->prev = k;
  rt->keygens = k;
  rt->keygen_count++;
  char key[16];
  keygen_stash_key(key, sizeof(key), k->id);
  duk_push_global_stash(ctx);
  duk_dup(ctx, -2);
  duk_put_prop_string(ctx, -2, key);
  duk_pop(ctx);
  duk_get_prop_literal(ctx, -1, "promise");
}

static void generate_key(duk_context *ctx, const params *p, bool extractable, unsigned usages) {
  unsigned allowed[3];
  allowed_usages(p->alg, allowed);
  if (p->alg == A_HMAC || (p->alg >= A_AES_CTR && p->alg <= A_AES_KW)) {
    check_usages(ctx, usages, allowed[0], true);
    size_t bits = p->alg == A_HMAC && !p->has_length ? hash_block_bits(p->hash) : p->length;
    if (p->alg != A_HMAC && bits != 128 && bits != 192 && bits != 256)
      (void)dom_error(ctx, "OperationError", "AES key length must be 128, 192 or 256 bits");
    if (bits == 0)
      (void)dom_error(ctx, "OperationError", "The key length must not be zero");
    uint8_t *k = duk_push_fixed_buffer(ctx, (bits + 7) / 8);
    if (edgefn__random_bytes(k, (bits + 7) / 8) != 0)
      (void)dom_error(ctx, "OperationError", "no random bytes available");
    key_info ki = {KT_SECRET,        extractable, (uint8_t)p->alg, (uint8_t)p->hash,
                   (uint16_t)usages, 0,           (uint32_t)bits};
    push_key(ctx, &ki, (bytes){k, (bits + 7) / 8}, (bytes){empty_bytes, 0});
    return;
  }
  check_usages(ctx, usages, allowed[1] | allowed[2], false);
  if (!(usages & allowed[2]))
    (void)dom_error(ctx, "SyntaxError", "Usages cannot be empty when creating a key.");
  if (p->alg == A_ED25519 || p->alg == A_X25519) {
    uint8_t priv[ED_LEN], pub[ED_LEN];
    if (edgefn__random_bytes(priv, ED_LEN) != 0)
      (void)dom_error(ctx, "OperationError", "no random bytes available");
    okp_public(p->alg, pub, priv);
    duk_push_object(ctx);
    push_okp_key(ctx, p->alg, p->curve, KT_PUBLIC, pub, NULL, true, usages & allowed[1]);
    duk_put_prop_string(ctx, -2, "publicKey");
    push_okp_key(ctx, p->alg, p->curve, KT_PRIVATE, pub, priv, extractable,
                 usages & allowed[2]);
    duk_put_prop_string(ctx, -2, "privateKey");
    return;
  }
  bool ec = p->alg == A_ECDSA || p->alg == A_ECDH;
  if (!ec && (p->modulus_bits < RSA_MIN_BITS || p->modulus_bits > RSA_MAX_BITS ||
              p->modulus_bits % 8 || p->exponent < 3 || !(p->exponent & 1)))
    (void)dom_error(ctx, "OperationError", "Unsupported RSA modulus length or exponent");
  if (!ec) {
    start_rsa_keygen(ctx, p, extractable, usages);
    return;
  }
  /* EC keys take about a millisecond: made here. The DER of both halves is written into a
   * Duktape buffer pushed before any mbedtls allocation, so nothing below can throw while
   * the generated key is held in C. */
  uint8_t *buf = duk_push_fixed_buffer(ctx, 2 * DER_MAX);
  int pub_n = -1, priv_n = -1;
  write_generated_der(p, buf, &pub_n, &priv_n);
  push_pair_from_der(ctx, p, extractable, usages, buf, pub_n, priv_n);
}

/* ---- sign / verify ---- */

static void check_key_for(duk_context *ctx, const key_info *ki, int alg, unsigned usage) {
  if (ki->alg != alg)
    (void)dom_error(ctx, "InvalidAccessError",
                    "The requested operation is not valid for the provided key");
  if (!(ki->usages & usage))
    (void)dom_error(ctx, "InvalidAccessError",
                    "The requested operation is not valid for the provided key");
}

/* Signs or verifies with an asymmetric key. For signing, sig receives the signature and
 * *sig_len its length; for verifying, sig/sig_len hold the signature. Returns 1 = done/valid,
 * 0 = invalid signature, -1 = failure. */
static int pk_sign_verify(const key_info *ki, bytes der, const params *p, bytes msg, uint8_t *sig,
                          size_t *sig_len, bool sign) {
  int hash = ki->alg == A_ECDSA ? p->hash : ki->hash;
  const mbedtls_md_info_t *md = md_info(hash);
  uint8_t h[MBEDTLS_MD_MAX_SIZE];
  unsigned hl = mbedtls_md_get_size(md);
  if (mbedtls_md(md, msg.p, msg.n, h) != 0)
    return -1;
  mbedtls_pk_context pk;
  int result = -1;
  if (load_pk(&pk, ki, der) != 0)
    goto done;
  if (ki->alg == A_ECDSA) {
    mbedtls_ecp_keypair *ec = mbedtls_pk_ec(pk);
    size_t cl = ec_coord_len(&ec->grp);
    mbedtls_mpi r, s;
    mbedtls_mpi_init(&r);
    mbedtls_mpi_init(&s);
    if (sign) {
      if (mbedtls_ecdsa_sign(&ec->grp, &r, &s, &ec->d, h, hl, rng, NULL) == 0 &&
          mbedtls_mpi_write_binary(&r, sig, cl) == 0 &&
          mbedtls_mpi_write_binary(&s, sig + cl, cl) == 0) {
        *sig_len = 2 * cl;
        result = 1;
      }
    } else if (*sig_len != 2 * cl) {
      result = 0;
    } else if (mbedtls_mpi_read_binary(&r, sig, cl) == 0 &&
               mbedtls_mpi_read_binary(&s, sig + cl, cl) == 0) {
      result = mbedtls_ecdsa_verify(&ec->grp, h, hl, &ec->Q, &r, &s) == 0;
    }
    mbedtls_mpi_free(&r);
    mbedtls_mpi_free(&s);
    goto done;
  }
  mbedtls_rsa_context *rsa = mbedtls_pk_rsa(pk);
  mbedtls_md_type_t mt = md_type(hash);
  size_t klen = mbedtls_rsa_get_len(rsa);
  if (!sign && *sig_len != klen) {
    result = 0;
    goto done;
  }
  if (ki->alg == A_RSASSA) {
    mbedtls_rsa_set_padding(rsa, MBEDTLS_RSA_PKCS_V15, MBEDTLS_MD_NONE);
    if (sign)
      result = mbedtls_rsa_rsassa_pkcs1_v15_sign(rsa, rng, NULL, MBEDTLS_RSA_PRIVATE, mt, hl, h,
                                                 sig) == 0
                   ? 1
                   : -1;
    else
      result = mbedtls_rsa_rsassa_pkcs1_v15_verify(rsa, NULL, NULL, MBEDTLS_RSA_PUBLIC, mt, hl, h,
                                                   sig) == 0;
  } else {
    mbedtls_rsa_set_padding(rsa, MBEDTLS_RSA_PKCS_V21, mt);
    if (p->salt_length > klen) {
      result = sign ? -1 : 0;
    } else if (sign) {
      result =
          mbedtls_rsa_rsassa_pss_sign_ext(rsa, rng, NULL, mt, hl, h, (int)p->salt_length, sig) == 0
              ? 1
              : -1;
    } else {
      result = mbedtls_rsa_rsassa_pss_verify_ext(rsa, NULL, NULL, MBEDTLS_RSA_PUBLIC, mt, hl, h, mt,
                                                 (int)p->salt_length, sig) == 0;
    }
  }
  if (sign && result == 1)
    *sig_len = klen;
done:
  mbedtls_pk_free(&pk);
  return result;
}

static duk_ret_t do_sign_verify(duk_context *ctx, void *udata) {
  bool sign = udata != NULL;
  /* sign(algorithm, key, data) / verify(algorithm, key, signature, data) */
  params p;
  normalize(ctx, 0, sign ? OP_SIGN : OP_VERIFY, &p);
  bytes key;
  key_info *ki = get_key(ctx, 1, &key);
  bytes sig = {NULL, 0};
  if (!sign)
    sig = get_buffer_source(ctx, 2, "signature");
  bytes data = get_buffer_source(ctx, sign ? 2 : 3, "data");
  check_key_for(ctx, ki, p.alg, sign ? U_SIGN : U_VERIFY);
  if (p.alg == A_HMAC) {
    const mbedtls_md_info_t *md = md_info(ki->hash);
    uint8_t mac[MBEDTLS_MD_MAX_SIZE];
    size_t ml = mbedtls_md_get_size(md);
    if (mbedtls_md_hmac(md, key.p, key.n, data.p, data.n, mac) != 0)
      return dom_error(ctx, "OperationError", "HMAC failed");
    if (sign) {
      push_array_buffer(ctx, mac, ml);
    } else {
      unsigned diff = sig.n != ml;
      for (size_t i = 0; !diff && i < ml; i++)
        diff |= mac[i] ^ sig.p[i];
      duk_push_boolean(ctx, !diff);
    }
    return 1;
  }
  if (p.alg == A_ED25519) {
    bool priv = ki->type == KT_PRIVATE;
    const uint8_t *pub = key.p + (priv ? ED_LEN : 0);
    if (sign) {
      uint8_t s64[2 * ED_LEN];
      ed25519_sha512_sign(pub, key.p, data.n, data.p, s64);
      push_array_buffer(ctx, s64, sizeof(s64));
    } else {
      duk_push_boolean(ctx, sig.n == 2 * ED_LEN && ed25519_sha512_verify(pub, data.n, data.p,
                                                                          sig.p) == 1);
    }
    return 1;
  }
  uint8_t out[MBEDTLS_MPI_MAX_SIZE];
  size_t out_len = sign ? 0 : sig.n;
  int r;
  if (sign) {
    r = pk_sign_verify(ki, key, &p, data, out, &out_len, true);
  } else {
    /* The verifier reads up to the key size from the signature; sizes differing from it are
     * rejected before reading. */
    if (sig.n > sizeof(out)) {
      duk_push_false(ctx);
      return 1;
    }
    memcpy(out, sig.p, sig.n);
    r = pk_sign_verify(ki, key, &p, data, out, &out_len, false);
  }
  if (r < 0)
    return dom_error(ctx, "OperationError",
                     "The operation failed for an operation-specific reason");
  if (sign)
    push_array_buffer(ctx, out, out_len);
  else
    duk_push_boolean(ctx, r == 1);
  return 1;
}

/* ---- encrypt / decrypt ---- */

/* AES-CTR with the spec's counter: the rightmost `bits` bits of the block count up and wrap,
 * the rest is a fixed nonce. */
static bool aes_ctr(const uint8_t *key, size_t klen, const uint8_t iv[16], unsigned bits,
                    const uint8_t *in, size_t n, uint8_t *out) {
  mbedtls_aes_context aes;
  mbedtls_aes_init(&aes);
  if (mbedtls_aes_setkey_enc(&aes, key, (unsigned)(klen * 8)) != 0)
    return false;
  uint8_t cb[16], ks[16];
  memcpy(cb, iv, 16);
  for (size_t off = 0; off < n; off += 16) {
    mbedtls_aes_crypt_ecb(&aes, MBEDTLS_AES_ENCRYPT, cb, ks);
    for (size_t i = 0; i < 16 && off + i < n; i++)
      out[off + i] = in[off + i] ^ ks[i];
    unsigned carry = 1;
    for (int i = 15; i >= 0; i--) {
      int low = (int)bits - 8 * (15 - i); /* counter bits in this byte */
      if (low <= 0)
        break;
      unsigned mask = low >= 8 ? 0xffu : (1u << low) - 1;
      unsigned v = (cb[i] & mask) + carry;
      carry = v > mask;
      cb[i] = (uint8_t)((cb[i] & ~mask) | (v & mask));
    }
  }
  mbedtls_aes_free(&aes);
  return true;
}

/* RFC 3394 key wrap with the default IV. */
static bool aes_kw(const uint8_t *key, size_t klen, bool wrap, const uint8_t *in, size_t n,
                   uint8_t *out) {
  mbedtls_aes_context aes;
  mbedtls_aes_init(&aes);
  int rc = wrap ? mbedtls_aes_setkey_enc(&aes, key, (unsigned)(klen * 8))
                : mbedtls_aes_setkey_dec(&aes, key, (unsigned)(klen * 8));
  if (rc != 0)
    return false;
  uint8_t a[8], b[16];
  size_t blocks = wrap ? n / 8 : n / 8 - 1;
  uint8_t *r = out + (wrap ? 8 : 0);
  if (wrap) {
    memset(a, 0xa6, 8);
    memmove(r, in, n);
  } else {
    memcpy(a, in, 8);
    memmove(r, in + 8, n - 8);
  }
  for (int j = 0; j < 6; j++) {
    int jj = wrap ? j : 5 - j;
    for (size_t k = 0; k < blocks; k++) {
      size_t i = wrap ? k : blocks - 1 - k;
      uint64_t t = (uint64_t)blocks * (uint64_t)jj + i + 1;
      if (wrap) {
        memcpy(b, a, 8);
        memcpy(b + 8, r + 8 * i, 8);
        mbedtls_aes_crypt_ecb(&aes, MBEDTLS_AES_ENCRYPT, b, b);
        for (int x = 0; x < 8; x++)
          b[7 - x] ^= (uint8_t)(t >> (8 * x));
      } else {
        for (int x = 0; x < 8; x++)
          a[7 - x] ^= (uint8_t)(t >> (8 * x));
        memcpy(b, a, 8);
        memcpy(b + 8, r + 8 * i, 8);
        mbedtls_aes_crypt_ecb(&aes, MBEDTLS_AES_DECRYPT, b, b);
      }
      memcpy(a, b, 8);
      memcpy(r + 8 * i, b + 8, 8);
    }
  }
  mbedtls_aes_free(&aes);
  if (wrap) {
    memcpy(out, a, 8);
    return true;
  }
  unsigned diff = 0;
  for (int x = 0; x < 8; x++)
    diff |= a[x] ^ 0xa6u;
  return diff == 0;
}

/* Pushes the ArrayBuffer result of encrypting (or decrypting) data with the key. */
static void cipher(duk_context *ctx, const params *p, const key_info *ki, bytes key, bytes in,
                   bool enc) {
  const char *err = NULL;
  size_t out_len = 0;
  uint8_t *out;
  switch (p->alg) {
  case A_AES_CTR:
    if (p->iv.n != 16 || p->length == 0 || p->length > 128)
      (void)dom_error(ctx, "OperationError", "AES-CTR needs a 16-byte counter and length 1-128");
    if (p->length < 64 && (in.n + 15) / 16 > (1ull << p->length))
      (void)dom_error(ctx, "OperationError", "The data is too long for the counter length");
    out = duk_push_fixed_buffer(ctx, in.n ? in.n : 1);
    if (!aes_ctr(key.p, key.n, p->iv.p, p->length, in.p, in.n, out))
      err = "OperationError";
    out_len = in.n;
    break;
  case A_AES_CBC: {
    if (p->iv.n != 16)
      (void)dom_error(ctx, "OperationError", "AES-CBC needs a 16-byte iv");
    if (!enc && (in.n == 0 || in.n % 16))
      (void)dom_error(ctx, "OperationError", "The data is not a whole number of blocks");
    size_t pad = enc ? 16 - in.n % 16 : 0;
    out = duk_push_fixed_buffer(ctx, in.n + pad);
    memcpy(out, in.p, in.n);
    memset(out + in.n, (int)pad, pad);
    uint8_t iv[16];
    memcpy(iv, p->iv.p, 16);
    mbedtls_aes_context aes;
    mbedtls_aes_init(&aes);
    int rc = enc ? mbedtls_aes_setkey_enc(&aes, key.p, (unsigned)(key.n * 8))
                 : mbedtls_aes_setkey_dec(&aes, key.p, (unsigned)(key.n * 8));
    if (rc == 0)
      rc = mbedtls_aes_crypt_cbc(&aes, enc ? MBEDTLS_AES_ENCRYPT : MBEDTLS_AES_DECRYPT, in.n + pad,
                                 iv, out, out);
    mbedtls_aes_free(&aes);
    out_len = in.n + pad;
    if (rc != 0) {
      err = "OperationError";
    } else if (!enc) {
      unsigned last = out[in.n - 1], bad = last == 0 || last > 16;
      for (unsigned i = 0; !bad && i < last; i++)
        bad |= out[in.n - 1 - i] != last;
      if (bad)
        err = "OperationError";
      else
        out_len = in.n - last;
    }
    break;
  }
  case A_AES_GCM: {
    static const unsigned ok[] = {32, 64, 96, 104, 112, 120, 128};
    bool tag_ok = false;
    for (size_t i = 0; i < EDGEFN_ARRAY_LEN(ok); i++)
      tag_ok |= p->tag_length == ok[i];
    if (!tag_ok)
      (void)dom_error(ctx, "OperationError", "Invalid AES-GCM tagLength");
    size_t tl = p->tag_length / 8;
    if (!enc && in.n < tl)
      (void)dom_error(ctx, "OperationError", "The data is shorter than the tag");
    if (p->iv.n == 0)
      (void)dom_error(ctx, "OperationError", "AES-GCM needs an iv");
    out_len = enc ? in.n + tl : in.n - tl;
    out = duk_push_fixed_buffer(ctx, out_len ? out_len : 1);
    mbedtls_gcm_context gcm;
    mbedtls_gcm_init(&gcm);
    int rc = mbedtls_gcm_setkey(&gcm, MBEDTLS_CIPHER_ID_AES, key.p, (unsigned)(key.n * 8));
    if (rc == 0 && enc)
      rc = mbedtls_gcm_crypt_and_tag(&gcm, MBEDTLS_GCM_ENCRYPT, in.n, p->iv.p, p->iv.n, p->aad.p,
                                     p->aad.n, in.p, out, tl, out + in.n);
    else if (rc == 0)
      rc = mbedtls_gcm_auth_decrypt(&gcm, out_len, p->iv.p, p->iv.n, p->aad.p, p->aad.n,
                                    in.p + out_len, tl, in.p, out);
    mbedtls_gcm_free(&gcm);
    if (rc != 0)
      err = "OperationError";
    break;
  }
  case A_AES_KW:
    if (enc ? in.n < 16 || in.n % 8 : in.n < 24 || in.n % 8)
      (void)dom_error(ctx, "OperationError", "AES-KW data must be a multiple of 8 bytes");
    out_len = enc ? in.n + 8 : in.n - 8;
    out = duk_push_fixed_buffer(ctx, in.n + 8);
    if (!aes_kw(key.p, key.n, enc, in.p, in.n, out))
      err = "OperationError";
    break;
  default: { /* RSA-OAEP */
    out = duk_push_fixed_buffer(ctx, MBEDTLS_MPI_MAX_SIZE);
    mbedtls_pk_context pk;
    int rc = load_pk(&pk, ki, key);
    if (rc == 0) {
      mbedtls_rsa_context *rsa = mbedtls_pk_rsa(pk);
      mbedtls_rsa_set_padding(rsa, MBEDTLS_RSA_PKCS_V21, md_type(ki->hash));
      if (enc) {
        out_len = mbedtls_rsa_get_len(rsa);
        rc = mbedtls_rsa_rsaes_oaep_encrypt(rsa, rng, NULL, MBEDTLS_RSA_PUBLIC, p->label.p,
                                            p->label.n, in.n, in.p, out);
      } else if (in.n != mbedtls_rsa_get_len(rsa)) {
        rc = -1;
      } else {
        rc = mbedtls_rsa_rsaes_oaep_decrypt(rsa, rng, NULL, MBEDTLS_RSA_PRIVATE, p->label.p,
                                            p->label.n, &out_len, in.p, out, MBEDTLS_MPI_MAX_SIZE);
      }
    }
    mbedtls_pk_free(&pk);
    if (rc != 0)
      err = "OperationError";
    break;
  }
  }
  if (err)
    (void)dom_error(ctx, err, "The operation failed for an operation-specific reason");
  duk_push_buffer_object(ctx, -1, 0, out_len, DUK_BUFOBJ_ARRAYBUFFER);
  duk_remove(ctx, -2);
}

static duk_ret_t do_encrypt_decrypt(duk_context *ctx, void *udata) {
  bool enc = udata != NULL;
  params p;
  normalize(ctx, 0, enc ? OP_ENCRYPT : OP_DECRYPT, &p);
  bytes key;
  key_info *ki = get_key(ctx, 1, &key);
  bytes data = get_buffer_source(ctx, 2, "data");
  check_key_for(ctx, ki, p.alg, enc ? U_ENCRYPT : U_DECRYPT);
  cipher(ctx, &p, ki, key, data, enc);
  return 1;
}

/* ---- deriveBits / deriveKey ---- */

/* Pushes an ArrayBuffer of `bits` derived bits (has_length false = the algorithm's full
 * output, for ECDH only). */
static void derive_bits(duk_context *ctx, const params *p, duk_idx_t key_idx, bool has_length,
                        uint32_t bits) {
  bytes key;
  key_info *ki = get_key(ctx, key_idx, &key);
  if (ki->alg != p->alg)
    (void)dom_error(ctx, "InvalidAccessError", "The key is not for this algorithm");
  if (p->alg == A_X25519) {
    bytes pub;
    key_info *pi = get_key(ctx, p->public_key, &pub);
    if (pi->type != KT_PUBLIC || pi->alg != A_X25519)
      (void)dom_error(ctx, "InvalidAccessError", "The public key is not an X25519 key");
    if (ki->type != KT_PRIVATE)
      (void)dom_error(ctx, "InvalidAccessError", "The base key is not a private key");
    uint8_t z[ED_LEN];
    curve25519_mul(z, key.p, pub.p);
    uint8_t any = 0;
    for (unsigned i = 0; i < ED_LEN; i++)
      any |= z[i];
    if (!any) /* a small-order public key (RFC 7748 section 6.1) */
      (void)dom_error(ctx, "OperationError", "The shared secret is all zero");
    if (!has_length)
      bits = ED_LEN * 8;
    if (bits > ED_LEN * 8)
      (void)dom_error(ctx, "OperationError", "length is larger than the shared secret");
    uint8_t *out = push_array_buffer(ctx, z, (bits + 7) / 8);
    if (bits % 8)
      out[bits / 8] &= (uint8_t)(0xff00u >> (bits % 8));
    return;
  }
  if (p->alg == A_ECDH) {
    bytes pub;
    key_info *pi = get_key(ctx, p->public_key, &pub);
    if (pi->type != KT_PUBLIC || pi->alg != A_ECDH || pi->curve != ki->curve)
      (void)dom_error(ctx, "InvalidAccessError", "The public key is not an ECDH key of this curve");
    uint8_t z[80];
    size_t zl = 0;
    mbedtls_pk_context priv_pk, pub_pk;
    int rc = load_pk(&priv_pk, ki, key);
    int rc2 = load_pk(&pub_pk, pi, pub);
    mbedtls_mpi s;
    mbedtls_mpi_init(&s);
    if (rc == 0 && rc2 == 0) {
      mbedtls_ecp_keypair *a = mbedtls_pk_ec(priv_pk), *b = mbedtls_pk_ec(pub_pk);
      zl = ec_coord_len(&a->grp);
      rc = mbedtls_ecdh_compute_shared(&a->grp, &s, &b->Q, &a->d, rng, NULL);
      if (rc == 0)
        rc = mbedtls_mpi_write_binary(&s, z, zl);
    }
    mbedtls_mpi_free(&s);
    mbedtls_pk_free(&priv_pk);
    mbedtls_pk_free(&pub_pk);
    if (rc != 0 || rc2 != 0)
      (void)dom_error(ctx, "OperationError", "ECDH failed");
    if (!has_length)
      bits = (uint32_t)(zl * 8);
    if (bits > zl * 8)
      (void)dom_error(ctx, "OperationError", "length is larger than the shared secret");
    uint8_t *out = push_array_buffer(ctx, z, (bits + 7) / 8);
    if (bits % 8)
      out[bits / 8] &= (uint8_t)(0xff00u >> (bits % 8));
    return;
  }
  if (!has_length || bits % 8)
    (void)dom_error(ctx, "OperationError", "length must be a multiple of 8");
  uint8_t *out = duk_push_fixed_buffer(ctx, bits / 8 ? bits / 8 : 1);
  const mbedtls_md_info_t *md = md_info(p->hash);
  int rc;
  if (p->alg == A_HKDF) {
    rc = mbedtls_hkdf(md, p->salt.p, p->salt.n, key.p, key.n, p->info.p, p->info.n, out, bits / 8);
  } else {
    if (p->iterations == 0)
      (void)dom_error(ctx, "OperationError", "iterations must not be zero");
    mbedtls_md_context_t mc;
    mbedtls_md_init(&mc);
    rc = mbedtls_md_setup(&mc, md, 1);
    if (rc == 0)
      rc = mbedtls_pkcs5_pbkdf2_hmac(&mc, key.p, key.n, p->salt.p, p->salt.n, p->iterations,
                                     bits / 8, out);
    mbedtls_md_free(&mc);
  }
  if (rc != 0)
    (void)dom_error(ctx, "OperationError", "Derivation failed");
  duk_push_buffer_object(ctx, -1, 0, bits / 8, DUK_BUFOBJ_ARRAYBUFFER);
  duk_remove(ctx, -2);
}

static duk_ret_t do_derive_bits(duk_context *ctx, void *udata) {
  (void)udata;
  params p;
  normalize(ctx, 0, OP_DERIVE, &p);
  key_info *ki = get_key(ctx, 1, NULL);
  bool has_length = !duk_is_null_or_undefined(ctx, 2);
  uint32_t bits = has_length ? to_enforced(ctx, 2, "length", 4294967295.0) : 0;
  check_key_for(ctx, ki, p.alg, U_DERIVE_BITS);
  derive_bits(ctx, &p, 1, has_length, bits);
  return 1;
}

static duk_ret_t do_derive_key(duk_context *ctx, void *udata) {
  (void)udata;
  /* (algorithm, baseKey, derivedKeyType, extractable, keyUsages) */
  params p, imp, len;
  normalize(ctx, 0, OP_DERIVE, &p);
  key_info *ki = get_key(ctx, 1, NULL);
  normalize(ctx, 2, OP_IMPORT, &imp);
  normalize(ctx, 2, OP_KEY_LENGTH, &len);
  bool extractable = duk_to_boolean(ctx, 3);
  unsigned usages = parse_usages(ctx, 4);
  check_key_for(ctx, ki, p.alg, U_DERIVE_KEY);
  bool has_length = true;
  uint32_t bits;
  if (len.alg == A_HMAC) {
    bits = len.has_length ? len.length : (uint32_t)hash_block_bits(len.hash);
    if (bits == 0)
      return dom_error(ctx, "TypeError", "HMAC length must not be zero");
  } else if (len.alg == A_HKDF || len.alg == A_PBKDF2) {
    has_length = false;
    bits = 0;
  } else {
    bits = len.length;
    if (bits != 128 && bits != 192 && bits != 256)
      return dom_error(ctx, "OperationError", "AES key length must be 128, 192 or 256 bits");
  }
  derive_bits(ctx, &p, 1, has_length, bits);
  import_key(ctx, F_RAW, -1, &imp, extractable, usages);
  return 1;
}

/* ---- wrapKey / unwrapKey ---- */

/* Normalizes the wrapping algorithm: the wrap operation first (AES-KW), else encrypt. */
static void normalize_wrap(duk_context *ctx, duk_idx_t idx, bool wrap, params *p) {
  duk_idx_t top = duk_get_top(ctx);
  duk_dup(ctx, idx);
  if (duk_is_object(ctx, -1) || duk_is_string(ctx, -1)) {
    duk_get_prop_string(ctx, -1, "name");
    const char *name = duk_is_string(ctx, idx) ? duk_get_string(ctx, idx) : duk_get_string(ctx, -1);
    bool kw = name && strcasecmp(name, "AES-KW") == 0;
    duk_set_top(ctx, top);
    if (kw) {
      normalize(ctx, idx, wrap ? OP_WRAP : OP_UNWRAP, p);
      return;
    }
  }
  duk_set_top(ctx, top);
  normalize(ctx, idx, wrap ? OP_ENCRYPT : OP_DECRYPT, p);
}

static duk_ret_t do_wrap_key(duk_context *ctx, void *udata) {
  (void)udata;
  /* (format, key, wrappingKey, wrapAlgorithm) */
  int fmt = parse_format(ctx, 0);
  params p;
  normalize_wrap(ctx, 3, true, &p);
  bytes wk;
  key_info *wki = get_key(ctx, 2, &wk);
  get_key(ctx, 1, NULL);
  check_key_for(ctx, wki, p.alg, U_WRAP);
  export_key(ctx, fmt, 1);
  if (fmt == F_JWK) {
    duk_json_encode(ctx, -1);
    size_t n;
    edgefn__push_utf8_buffer(ctx, -1, &n);
  }
  bytes data = get_buffer_source(ctx, -1, "key");
  cipher(ctx, &p, wki, wk, data, true);
  return 1;
}

static duk_ret_t json_decode(duk_context *ctx, void *udata) {
  (void)udata;
  duk_json_decode(ctx, -1);
  return 1;
}

static duk_ret_t do_unwrap_key(duk_context *ctx, void *udata) {
  (void)udata;
  /* (format, wrappedKey, unwrappingKey, unwrapAlgorithm, unwrappedKeyAlgorithm,
   *  extractable, keyUsages) */
  int fmt = parse_format(ctx, 0);
  bytes wrapped = get_buffer_source(ctx, 1, "wrappedKey");
  params p, imp;
  normalize_wrap(ctx, 3, false, &p);
  normalize(ctx, 4, OP_IMPORT, &imp);
  bool extractable = duk_to_boolean(ctx, 5);
  unsigned usages = parse_usages(ctx, 6);
  bytes uk;
  key_info *uki = get_key(ctx, 2, &uk);
  check_key_for(ctx, uki, p.alg, U_UNWRAP);
  cipher(ctx, &p, uki, uk, wrapped, false);
  if (fmt == F_JWK) {
    duk_size_t n;
    const uint8_t *b = duk_get_buffer_data(ctx, -1, &n);
    edgefn__push_string_from_utf8(ctx, b ? b : empty_bytes, n);
    if (duk_safe_call(ctx, json_decode, NULL, 1, 1) != DUK_EXEC_SUCCESS)
      return dom_error(ctx, "DataError", "The unwrapped key is not valid JSON");
  }
  import_key(ctx, fmt, -1, &imp, extractable, usages);
  return 1;
}

/* ---- The methods ---- */

static duk_ret_t do_digest(duk_context *ctx, void *udata) {
  (void)udata;
  params p;
  normalize(ctx, 0, OP_DIGEST, &p);
  bytes data = get_buffer_source(ctx, 1, "data");
  const mbedtls_md_info_t *md = md_info(p.alg);
  uint8_t h[MBEDTLS_MD_MAX_SIZE];
  if (mbedtls_md(md, data.p, data.n, h) != 0)
    return dom_error(ctx, "OperationError", "digest failed");
  push_array_buffer(ctx, h, mbedtls_md_get_size(md));
  return 1;
}

static duk_ret_t do_import_key(duk_context *ctx, void *udata) {
  (void)udata;
  /* (format, keyData, algorithm, extractable, keyUsages) */
  int fmt = parse_format(ctx, 0);
  if (fmt == F_JWK ? !duk_is_object(ctx, 1) || duk_is_buffer_data(ctx, 1)
                   : !duk_is_buffer_data(ctx, 1))
    return duk_error(ctx, DUK_ERR_TYPE_ERROR, "keyData does not match the format");
  params p;
  normalize(ctx, 2, OP_IMPORT, &p);
  bool extractable = duk_to_boolean(ctx, 3);
  unsigned usages = parse_usages(ctx, 4);
  import_key(ctx, fmt, 1, &p, extractable, usages);
  return 1;
}

static duk_ret_t do_export_key(duk_context *ctx, void *udata) {
  (void)udata;
  int fmt = parse_format(ctx, 0);
  export_key(ctx, fmt, 1);
  return 1;
}

static duk_ret_t do_generate_key(duk_context *ctx, void *udata) {
  (void)udata;
  params p;
  normalize(ctx, 0, OP_GENERATE, &p);
  bool extractable = duk_to_boolean(ctx, 1);
  unsigned usages = parse_usages(ctx, 2);
  generate_key(ctx, &p, extractable, usages);
  return 1;
}

typedef struct method {
  const char *name;
  duk_safe_call_function fn;
  duk_idx_t nargs;
  bool flag; /* passed as udata: sign vs verify, encrypt vs decrypt */
} method;

static const method methods[] = {
    {"encrypt", do_encrypt_decrypt, 3, true}, {"decrypt", do_encrypt_decrypt, 3, false},
    {"sign", do_sign_verify, 3, true},        {"verify", do_sign_verify, 4, false},
    {"digest", do_digest, 2, false},          {"generateKey", do_generate_key, 3, false},
    {"deriveKey", do_derive_key, 5, false},   {"deriveBits", do_derive_bits, 3, false},
    {"importKey", do_import_key, 5, false},   {"exportKey", do_export_key, 2, false},
    {"wrapKey", do_wrap_key, 4, false},       {"unwrapKey", do_unwrap_key, 7, false},
};

/* crypto.subtle.timingSafeEqual(a, b) (Workers): whether two BufferSources of the same
 * byte length hold the same bytes, in time that depends on the length only (mbedTLS's
 * constant-time compare). Synchronous. */
static duk_ret_t subtle_timing_safe_equal(duk_context *ctx) {
  duk_set_top(ctx, 2);
  bytes a = get_buffer_source(ctx, 0, "a");
  bytes b = get_buffer_source(ctx, 1, "b");
  if (a.n != b.n)
    return duk_error(ctx, DUK_ERR_TYPE_ERROR, "Input buffers must have the same byte length");
  duk_push_boolean(ctx, a.n == 0 || mbedtls_ct_memcmp(a.p, b.p, a.n) == 0);
  return 1;
}

/* Every method: the work in a protected call, its result or error settling a promise. */
static duk_ret_t subtle_method(duk_context *ctx) {
  const method *m = &methods[duk_get_current_magic(ctx)];
  duk_set_top(ctx, m->nargs);
  static const char flag = 1;
  duk_int_t rc = duk_safe_call(ctx, m->fn, m->flag ? (void *)&flag : NULL, m->nargs, 1);
  /* The operation ran here, in C (a digest of megabytes takes milliseconds): a chain of
   * them is checked against the CPU budget after each one. */
  edgefn__cpu_check_soon(ctx);
  if (rc == DUK_EXEC_SUCCESS)
    edgefn__promise_push_resolved(ctx, -1);
  else
    edgefn__promise_push_rejected(ctx, -1);
  return 1;
}

int edgefn__subtle_digest_alg(duk_context *ctx, duk_idx_t idx) {
  params p;
  normalize(ctx, idx, OP_DIGEST, &p);
  static const int map[] = {[A_SHA1] = EDGEFN_DIGEST_SHA1, [A_SHA256] = EDGEFN_DIGEST_SHA256,
                            [A_SHA384] = EDGEFN_DIGEST_SHA384, [A_SHA512] = EDGEFN_DIGEST_SHA512,
                            [A_MD5] = EDGEFN_DIGEST_MD5};
  return map[p.alg];
}

void edgefn__subtle_install(duk_context *ctx, duk_idx_t crypto) {
  crypto = duk_normalize_index(ctx, crypto);
  duk_push_object(ctx);
  for (size_t i = 0; i < EDGEFN_ARRAY_LEN(methods); i++) {
    duk_push_c_function(ctx, subtle_method, DUK_VARARGS);
    duk_set_magic(ctx, -1, (duk_int_t)i);
    duk_put_prop_string(ctx, -2, methods[i].name);
  }
  duk_push_c_function(ctx, subtle_timing_safe_equal, 2);
  duk_put_prop_string(ctx, -2, "timingSafeEqual");
  duk_put_prop_string(ctx, crypto, "subtle");

  /* CryptoKey: not constructible; its getters read the internal slots. */
  static const char *const getters[] = {"type", "extractable", "algorithm", "usages"};
  duk_push_c_function(ctx, key_ctor, 0);
  duk_push_object(ctx);
  for (int i = 0; i < 4; i++) {
    duk_push_string(ctx, getters[i]);
    duk_push_c_function(ctx, key_getter, 0);
    duk_set_magic(ctx, -1, i);
    duk_def_prop(ctx, -3,
                 DUK_DEFPROP_HAVE_GETTER | DUK_DEFPROP_SET_CONFIGURABLE |
                     DUK_DEFPROP_SET_ENUMERABLE);
  }
  edgefn__def_class_name(ctx, -2, -1, "CryptoKey");
  duk_push_global_stash(ctx);
  duk_dup(ctx, -2);
  duk_put_prop_string(ctx, -2, STASH_KEY_PROTO);
  duk_pop_2(ctx);
  duk_push_global_object(ctx);
  duk_dup(ctx, -2);
  duk_put_prop_string(ctx, -2, "CryptoKey");
  duk_pop_2(ctx);
}
