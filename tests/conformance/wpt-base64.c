/* Conformance runner: WPT's data-urls/base64.json through the sandbox's atob(). Each case
 * is [input, expected bytes] or [input, null] (atob must throw InvalidCharacterError).
 * argv[1] is the conformance folder (default ../shared/conformance, relative to the
 * project root where meson runs the test). */
#include <jansson.h>
#include <stdio.h>
#include <string.h>

#include "js/js.h"

typedef struct run_case {
  const char *input;
  size_t input_len;
  char result[4096]; /* "b0,b1,..." or "throws <name>" */
} run_case;

static duk_ret_t run_atob(duk_context *ctx, void *udata) {
  run_case *rc = udata;
  edgefn__base64_install(ctx);
  duk_get_global_string(ctx, "atob");
  edgefn__push_string_from_utf8(ctx, (const uint8_t *)rc->input, rc->input_len);
  if (duk_pcall(ctx, 1) != DUK_EXEC_SUCCESS) {
    duk_get_prop_string(ctx, -1, "name");
    snprintf(rc->result, sizeof(rc->result), "throws %s", duk_safe_to_string(ctx, -1));
    return 0;
  }
  duk_size_t n;
  const uint8_t *s = (const uint8_t *)duk_get_lstring(ctx, -1, &n);
  size_t o = 0;
  rc->result[0] = '\0';
  for (size_t i = 0; i < n && o + 8 < sizeof(rc->result); i++) {
    /* atob's result has code units up to U+00FF: one or two bytes internally. */
    unsigned v = s[i];
    if (v >= 0x80 && i + 1 < n) {
      v = (v & 0x1f) << 6 | (s[i + 1] & 0x3f);
      i++;
    }
    o += (size_t)snprintf(rc->result + o, sizeof(rc->result) - o, "%s%u", o ? "," : "", v);
  }
  return 0;
}

int main(int argc, char **argv) {
  const char *dir = argc > 1 ? argv[1] : "../shared/conformance";
  char path[1024];
  snprintf(path, sizeof(path), "%s/wpt/data-urls/base64.json", dir);
  json_error_t jerr;
  json_t *root = json_load_file(path, JSON_ALLOW_NUL, &jerr);
  if (!root) {
    printf("skipped: cannot read %s (%s)\n", path, jerr.text);
    printf("0 passed, 0 failed, 1 skipped\n");
    return 0;
  }
  duk_context *ctx = edgefn__heap_new(NULL);
  if (!ctx) {
    fprintf(stderr, "cannot create a heap\n");
    return 1;
  }
  size_t passed = 0, total = 0;
  size_t i;
  json_t *item;
  char failures[65536];
  size_t flen = 0;
  failures[0] = '\0';
  json_array_foreach(root, i, item) {
    json_t *in = json_array_get(item, 0), *want = json_array_get(item, 1);
    if (!json_is_string(in))
      continue;
    total++;
    run_case rc = {json_string_value(in), json_string_length(in), {0}};
    char expected[4096] = "throws InvalidCharacterError";
    if (json_is_array(want)) {
      size_t o = 0, j;
      json_t *b;
      expected[0] = '\0';
      json_array_foreach(want, j, b) {
        o += (size_t)snprintf(expected + o, sizeof(expected) - o, "%s%lld", o ? "," : "",
                              (long long)json_integer_value(b));
        if (o >= sizeof(expected))
          break;
      }
    }
    if (duk_safe_call(ctx, run_atob, &rc, 0, 1) != DUK_EXEC_SUCCESS)
      snprintf(rc.result, sizeof(rc.result), "harness error: %s", duk_safe_to_string(ctx, -1));
    duk_pop(ctx);
    if (strcmp(rc.result, expected) == 0) {
      passed++;
    } else if (flen < sizeof(failures) - 512) {
      flen += (size_t)snprintf(failures + flen, sizeof(failures) - flen,
                               "  FAIL atob(%s): expected [%.100s], got [%.100s]\n",
                               json_string_value(in), expected, rc.result);
    }
  }
  printf("base64.json: %zu/%zu passed\n%s", passed, total, failures);
  printf("%zu passed, %zu failed\n", passed, total - passed);
  duk_destroy_heap(ctx);
  json_decref(root);
  return passed == total ? 0 : 1;
}
