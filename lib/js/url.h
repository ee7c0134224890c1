/* The WHATWG URL Standard's URL records, parser and serializer, shared by the URL files
 * (url-parse.c, url-host.c, url.c) and the conformance runner. Pure C: nothing here touches a
 * Duktape heap or throws, so a parse can never leak through a longjmp. Strings are UTF-8;
 * a serialized URL is always ASCII. */
#ifndef EDGEFN_JS_URL_H
#define EDGEFN_JS_URL_H

#include "core/core.h"

#include <stdint.h>

/* A growable byte string (malloc'd; NUL-terminated when cap > 0). */
typedef struct edgefn__ustr {
  char *p;
  size_t len, cap;
} edgefn__ustr;

/* A URL record. A non-opaque path is kept serialized: each segment preceded by '/', so
 * "appending a segment" appends "/seg" and "shortening" truncates at the last '/'. */
typedef struct edgefn__url {
  edgefn__ustr scheme, username, password, host, path, query, fragment;
  bool has_host, has_query, has_fragment, opaque_path;
  int32_t port; /* -1: null */
} edgefn__url;

/* State overrides of the basic URL parser (the setters' entry points). */
enum {
  EDGEFN_URL_NO_OVERRIDE = 0,
  EDGEFN_URL_SCHEME_START,
  EDGEFN_URL_HOST,
  EDGEFN_URL_HOSTNAME,
  EDGEFN_URL_PORT,
  EDGEFN_URL_PATH_START,
  EDGEFN_URL_QUERY,
  EDGEFN_URL_FRAGMENT,
};

/* Results of the parser and host parser. */
enum { EDGEFN_URL_OK = 0, EDGEFN_URL_FAILURE = 1, EDGEFN_URL_NOMEM = -1 };

/* Where each component sits in a serialized URL (href), so getters are substrings. */
typedef struct edgefn__url_offsets {
  uint32_t scheme_end; /* href[0, scheme_end) is the scheme; ':' follows */
  uint32_t username_start, username_end, password_start, password_end;
  uint32_t host_start, host_end, path_start, path_end;
  uint32_t query_start, query_end, fragment_start, href_len;
  int32_t port;
  bool has_host, has_query, has_fragment, opaque_path;
} edgefn__url_offsets;

EDGEFN_INTERNAL void edgefn__url_init(edgefn__url *u);
EDGEFN_INTERNAL void edgefn__url_free(edgefn__url *u);

/* The basic URL parser on UTF-8 `input`. Without a state override, *url is initialized
 * here (free it even on failure); with one, *url is the record to modify. base may be
 * NULL. Returns EDGEFN_URL_OK, _FAILURE or _NOMEM. */
EDGEFN_INTERNAL int edgefn__url_parse(const char *input, size_t len, const edgefn__url *base,
                                      edgefn__url *url, int state_override);

/* Serializes url into out (which it resets) and fills *off when not NULL. */
EDGEFN_INTERNAL int edgefn__url_serialize(const edgefn__url *url, edgefn__ustr *out,
                                          edgefn__url_offsets *off);
/* Rebuilds the record that serialized to href with offsets off. */
EDGEFN_INTERNAL int edgefn__url_from_href(edgefn__url *url, const char *href,
                                          const edgefn__url_offsets *off);
/* Appends the ASCII serialization of url's origin ("null" for an opaque origin). */
EDGEFN_INTERNAL int edgefn__url_origin(const edgefn__url *url, edgefn__ustr *out);

/* The scheme's default port, or -1 (also for non-special schemes). */
EDGEFN_INTERNAL int edgefn__url_default_port(const char *scheme, size_t len);
EDGEFN_INTERNAL bool edgefn__url_is_special(const char *scheme, size_t len);

/* Host parser: the serialized host of UTF-8 `input` into out (reset first). */
EDGEFN_INTERNAL int edgefn__url_host_parse(const char *input, size_t len, bool is_opaque,
                                           edgefn__ustr *out);

/* Percent-encode sets, as a bit mask per ASCII byte (non-ASCII is always encoded). */
enum {
  EDGEFN_PE_C0 = 1,
  EDGEFN_PE_FRAGMENT = 2,
  EDGEFN_PE_QUERY = 4,
  EDGEFN_PE_SPECIAL_QUERY = 8,
  EDGEFN_PE_PATH = 16,
  EDGEFN_PE_USERINFO = 32,
  EDGEFN_PE_COMPONENT = 64,
  EDGEFN_PE_FORM = 128,
};
/* UTF-8 percent-encodes the bytes of s with `set`; with space_as_plus, ' ' becomes '+'. */
EDGEFN_INTERNAL int edgefn__url_pct_encode(edgefn__ustr *out, const char *s, size_t len,
                                           int set, bool space_as_plus);
/* Percent-decodes s (bytes) onto out. */
EDGEFN_INTERNAL int edgefn__url_pct_decode(edgefn__ustr *out, const char *s, size_t len);

/* Growable strings. Each returns 0 or EDGEFN_URL_NOMEM. */
EDGEFN_INTERNAL int edgefn__ustr_reserve(edgefn__ustr *s, size_t extra);
EDGEFN_INTERNAL int edgefn__ustr_append(edgefn__ustr *s, const char *p, size_t n);
EDGEFN_INTERNAL int edgefn__ustr_set(edgefn__ustr *s, const char *p, size_t n);
static inline int edgefn__ustr_putc(edgefn__ustr *s, char c) {
  if (s->len + 1 >= s->cap && edgefn__ustr_reserve(s, 1))
    return EDGEFN_URL_NOMEM;
  s->p[s->len++] = c;
  s->p[s->len] = '\0';
  return 0;
}
EDGEFN_INTERNAL void edgefn__ustr_free(edgefn__ustr *s);

#endif
