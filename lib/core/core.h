/* Internal helpers shared by every part of libedgefn. Not installed. */
#ifndef EDGEFN_CORE_H
#define EDGEFN_CORE_H

#include <edgefn/edgefn.h>

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#define EDGEFN_INTERNAL __attribute__((visibility("hidden")))

/* True when a caller-filled struct is large enough to contain `field`. */
#define EDGEFN_HAS_FIELD(s, type, field) \
  ((s)->struct_size >= offsetof(type, field) + sizeof(((type *)0)->field))

/* The smallest struct_size accepted for a struct: its first published layout ends at
 * `last_field`. */
#define EDGEFN_MIN_SIZE_OK(s, type, last_field) EDGEFN_HAS_FIELD(s, type, last_field)

#define EDGEFN_ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

/* A block the library keeps for reuse instead of freeing it is poisoned under
 * AddressSanitizer while it waits, so that a use after "free" is still reported. */
#if defined(__SANITIZE_ADDRESS__)
#include <sanitizer/asan_interface.h>
#define EDGEFN_POISON(p, n) ASAN_POISON_MEMORY_REGION((p), (n))
#define EDGEFN_UNPOISON(p, n) ASAN_UNPOISON_MEMORY_REGION((p), (n))
#else
#define EDGEFN_POISON(p, n) ((void)(p), (void)(n))
#define EDGEFN_UNPOISON(p, n) ((void)(p), (void)(n))
#endif

/* A one-block cache for a struct made and freed once per request: edgefn__spare_take
 * returns *spare zeroed (as calloc's) or a new zeroed block; edgefn__spare_put keeps p in
 * *spare when it is empty (poisoned while it waits), else frees it. The owner frees what
 * is left with edgefn__spare_free. */
static inline void *edgefn__spare_take(void **spare, size_t size) {
  void *p = *spare;
  if (!p)
    return calloc(1, size);
  *spare = NULL;
  EDGEFN_UNPOISON(p, size);
  memset(p, 0, size);
  return p;
}

static inline void edgefn__spare_put(void **spare, void *p, size_t size) {
  if (*spare) {
    free(p);
    return;
  }
  EDGEFN_POISON(p, size);
  *spare = p;
}

static inline void edgefn__spare_free(void **spare, size_t size) {
  if (*spare) {
    EDGEFN_UNPOISON(*spare, size);
    free(*spare);
    *spare = NULL;
  }
}

/* Fills *err (when not NULL and large enough) with a code, location and message. */
EDGEFN_INTERNAL void edgefn__error_set(edgefn_error_info *err, int code, const char *file,
                                       int line, int column, const char *fmt, ...)
    __attribute__((format(printf, 6, 7)));

/* Calls `log` (or writes to stderr when NULL) with a formatted message. */
EDGEFN_INTERNAL void edgefn__log(edgefn_log_fn log, void *log_data, int level,
                                 const char *function_name, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));
EDGEFN_INTERNAL void edgefn__vlog(edgefn_log_fn log, void *log_data, int level,
                                  const char *function_name, const char *fmt, va_list ap)
    __attribute__((format(printf, 5, 0)));
EDGEFN_INTERNAL void edgefn__log_raw(edgefn_log_fn log, void *log_data, int level,
                                     const char *function_name, const char *msg, size_t len);

/* Monotonic and thread-CPU clocks in nanoseconds. */
EDGEFN_INTERNAL uint64_t edgefn__now_ns(void);
EDGEFN_INTERNAL uint64_t edgefn__thread_cpu_ns(void);

/* The value of an ASCII hex digit, or -1. */
static inline int edgefn__hex_value(int c) {
  if (c >= '0' && c <= '9')
    return c - '0';
  c |= 0x20;
  return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

/* RFC 9110's tchar, the characters of a token (header names, methods, media types):
 * ALPHA / DIGIT / "!#$%&'*+-.^_`|~", as a bitmap. */
static inline bool edgefn__is_tchar(unsigned char c) {
  static const uint8_t tchar[32] = {0x00, 0x00, 0x00, 0x00, 0xfa, 0x6c, 0xff, 0x03,
                                    0xfe, 0xff, 0xff, 0xc7, 0xff, 0xff, 0xff, 0x57};
  return (tchar[c >> 3] >> (c & 7)) & 1;
}

/* c with an ASCII upper-case letter lower-cased (no locale, no branch). */
static inline unsigned char edgefn__ascii_lower(unsigned char c) {
  return (unsigned char)(c + (((unsigned)(c - 'A') < 26u) << 5));
}

/* True when s[0..len) is a non-empty token. */
static inline bool edgefn__is_token(const char *s, size_t len) {
  if (len == 0)
    return false;
  for (size_t i = 0; i < len; i++)
    if (!edgefn__is_tchar((unsigned char)s[i]))
      return false;
  return true;
}

/* Writes code point cp (at most U+10FFFF) as UTF-8 into out (room for 4 bytes); returns the
 * number of bytes. Surrogates are written as their 3-byte form, which is how Duktape keeps
 * characters outside the BMP internally. */
EDGEFN_INTERNAL size_t edgefn__utf8_put(uint8_t *out, uint32_t cp);

/* strndup that never returns NULL for NULL input of length 0 ("" instead). */
EDGEFN_INTERNAL char *edgefn__strndup(const char *s, size_t len);

/* Fills `buf` with cryptographically strong random bytes from a per-thread DRBG
 * (mbedTLS CTR_DRBG seeded from the OS). Returns 0 or EDGEFN_ESYSTEM. */
EDGEFN_INTERNAL int edgefn__random_bytes(void *buf, size_t len);

/* The flow-control handle of a streamed response body (edgefn_response_head.flow). Every
 * part that streams a body to a host embeds one: the runtime for a script's stream, the
 * edge for a body it forwards from a fetch backend. edgefn_body_flow_pause/_resume
 * (core/flow.c) set `paused` and then call `set`, which returns 0 or a negative code. */
struct edgefn_body_flow {
  int (*set)(edgefn_body_flow *flow, bool paused);
  void *owner;
  bool paused;
};

#endif
