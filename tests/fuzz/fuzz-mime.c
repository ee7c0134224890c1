/* MIME types (plain C): parse the input as bytes and as UTF-8, serialize, and check that a
 * serialization parses back to itself (the WHATWG algorithms are idempotent). */
#include "js/js.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Serializes m into a malloc'd string. */
static char *serialize(const edgefn__mime *m) {
  size_t n = edgefn__mime_serialize(m, NULL, 0);
  char *s = malloc(n + 1);
  if (!s)
    abort();
  if (edgefn__mime_serialize(m, s, n + 1) != n || strlen(s) != n)
    abort();
  return s;
}

static void check(const char *in, size_t len, bool utf8) {
  edgefn__mime m;
  bool ok = utf8 ? edgefn__mime_parse_utf8(in, len, &m) : edgefn__mime_parse(in, len, &m);
  if (!ok)
    return;
  char small[8];
  size_t ess = edgefn__mime_essence(&m, small, sizeof(small));
  char *ebuf = malloc(ess + 1);
  if (!ebuf || edgefn__mime_essence(&m, ebuf, ess + 1) != ess)
    abort();
  free(ebuf);
  for (size_t i = 0; i < m.param_count; i++)
    if (edgefn__mime_param(&m, m.params[i].name) == NULL)
      abort();
  (void)edgefn__mime_param(&m, "charset");
  (void)edgefn__mime_serialize(&m, small, sizeof(small));
  char *s1 = serialize(&m);
  edgefn__mime m2;
  bool ok2 = utf8 ? edgefn__mime_parse_utf8(s1, strlen(s1), &m2)
                  : edgefn__mime_parse(s1, strlen(s1), &m2);
  if (!ok2) {
    fprintf(stderr, "fuzz-mime: serialization '%s' does not parse\n", s1);
    abort();
  }
  char *s2 = serialize(&m2);
  if (strcmp(s1, s2) != 0) {
    fprintf(stderr, "fuzz-mime: '%s' serializes back as '%s'\n", s1, s2);
    abort();
  }
  free(s1);
  free(s2);
  edgefn__mime_free(&m2);
  edgefn__mime_free(&m);
  edgefn__mime_free(&m);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size > 4096)
    return 0;
  /* An exact-size copy: ASan then catches a read one past the end. */
  char *in = malloc(size ? size : 1);
  if (!in)
    return 0;
  memcpy(in, data, size);
  check(in, size, false);
  check(in, size, true);
  free(in);
  return 0;
}
