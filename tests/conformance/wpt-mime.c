/* Conformance runner: WPT's mimesniff/mime-types.json and generated-mime-types.json through
 * the MIME C API (lib/js/mime.c). Each object is {input, output}: output is the serialized
 * MIME type, or null when parsing must fail; string entries are comments. Inputs are
 * checked as UTF-8 text (edgefn__mime_parse_utf8, what Duktape strings hold) and, when
 * every code point fits in a byte, also as a byte string (edgefn__mime_parse, what header
 * values are). argv[1] is the conformance folder (default ../shared/conformance, relative
 * to the project root where meson runs the test). */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "js/js.h"

/* Converts UTF-8 to one byte per code point; false when a code point exceeds U+00FF. */
static bool to_latin1(const char *s, size_t len, char *out, size_t *out_len) {
  size_t n = 0;
  for (size_t i = 0; i < len; i++) {
    unsigned char c = (unsigned char)s[i];
    if (c < 0x80) {
      out[n++] = (char)c;
    } else if ((c == 0xc2 || c == 0xc3) && i + 1 < len) {
      out[n++] = (char)(((c & 0x03) << 6) | ((unsigned char)s[i + 1] & 0x3f));
      i++;
    } else {
      return false;
    }
  }
  *out_len = n;
  return true;
}

static size_t from_latin1(const char *s, size_t len, char *out) {
  size_t n = 0;
  for (size_t i = 0; i < len; i++) {
    unsigned char c = (unsigned char)s[i];
    if (c < 0x80) {
      out[n++] = (char)c;
    } else {
      out[n++] = (char)(0xc0 | (c >> 6));
      out[n++] = (char)(0x80 | (c & 0x3f));
    }
  }
  out[n] = '\0';
  return n;
}

/* Parses and serializes; *got is malloc'd (NULL when the parse failed). */
static char *run(const char *in, size_t len, bool utf8) {
  edgefn__mime m;
  if (!(utf8 ? edgefn__mime_parse_utf8 : edgefn__mime_parse)(in, len, &m))
    return NULL;
  size_t n = edgefn__mime_serialize(&m, NULL, 0);
  char *out = malloc(n + 1);
  edgefn__mime_serialize(&m, out, n + 1);
  edgefn__mime_free(&m);
  return out;
}

static void print_escaped(FILE *f, const char *s, size_t len) {
  for (size_t i = 0; i < len; i++) {
    unsigned char c = (unsigned char)s[i];
    if (c < 0x20 || c == 0x7f)
      fprintf(f, "\\x%02x", c);
    else
      fputc(c, f);
  }
}

/* Returns true when the case passes; prints why it does not. */
static bool check(const char *file, const char *in, size_t len, const char *want) {
  bool ok = true;
  char *got = run(in, len, true);
  if (want ? !got || strcmp(got, want) != 0 : got != NULL) {
    printf("  FAIL %s (utf-8) [", file);
    print_escaped(stdout, in, len);
    printf("]: expected [%s], got [%s]\n", want ? want : "failure", got ? got : "failure");
    ok = false;
  }
  free(got);
  char *latin = malloc(len + 1), *expanded = NULL;
  size_t llen;
  if (to_latin1(in, len, latin, &llen)) {
    got = run(latin, llen, false);
    if (got) {
      expanded = malloc(2 * strlen(got) + 1);
      from_latin1(got, strlen(got), expanded);
    }
    if (want ? !expanded || strcmp(expanded, want) != 0 : got != NULL) {
      printf("  FAIL %s (bytes) [", file);
      print_escaped(stdout, in, len);
      printf("]: expected [%s], got [%s]\n", want ? want : "failure",
             expanded ? expanded : "failure");
      ok = false;
    }
    free(got);
    free(expanded);
  }
  free(latin);
  return ok;
}

int main(int argc, char **argv) {
  const char *dir = argc > 1 ? argv[1] : "../shared/conformance";
  static const char *const files[] = {"mime-types.json", "generated-mime-types.json"};
  size_t all_passed = 0, all_failed = 0;
  for (size_t f = 0; f < sizeof(files) / sizeof(files[0]); f++) {
    char path[1024];
    snprintf(path, sizeof(path), "%s/wpt/mimesniff/%s", dir, files[f]);
    json_error_t jerr;
    json_t *root = json_load_file(path, JSON_ALLOW_NUL, &jerr);
    if (!root) {
      printf("skipped: cannot read %s (%s)\n", path, jerr.text);
      printf("0 passed, 0 failed, 1 skipped\n");
      return 0;
    }
    size_t passed = 0, total = 0, i;
    json_t *item;
    json_array_foreach(root, i, item) {
      if (!json_is_object(item))
        continue; /* a comment */
      json_t *in = json_object_get(item, "input"), *out = json_object_get(item, "output");
      if (!json_is_string(in))
        continue;
      total++;
      passed += check(files[f], json_string_value(in), json_string_length(in),
                      json_is_string(out) ? json_string_value(out) : NULL);
    }
    printf("%s: %zu/%zu passed\n", files[f], passed, total);
    all_passed += passed;
    all_failed += total - passed;
    json_decref(root);
  }
  printf("%zu passed, %zu failed\n", all_passed, all_failed);
  return all_failed ? 1 : 0;
}
