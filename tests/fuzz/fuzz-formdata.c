/* Body.formData()'s parsers: the first byte picks a multipart body with a fixed boundary, an
 * urlencoded body, or a content type given by the input's first line; the rest is the body.
 * Every entry of the result is read back. */
#include "fuzz-js.h"

static const char driver[] =
    "(function (fd) {\n"
    "  var out = '';\n"
    "  fd.forEach(function (v, k) {\n"
    "    out += k;\n"
    "    if (typeof v == 'string') out += v;\n"
    "    else out += v.name + v.size + v.type + v.lastModified;\n"
    "  });\n"
    "  var it = fd.entries();\n"
    "  for (var r = it.next(); !r.done; r = it.next()) out += r.value[0];\n"
    "  if (fd.has('a')) fd.getAll('a');\n"
    "  return out;\n"
    "})";

typedef struct parse_args {
  const uint8_t *body;
  size_t len;
  const char *content_type;
} parse_args;

static void push_parsed(duk_context *ctx, void *udata) {
  const parse_args *a = udata;
  edgefn__formdata_push_parsed(ctx, a->body, a->len, a->content_type);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size < 1 || size > FUZZ_MAX_INPUT)
    return 0;
  char ct[512];
  const uint8_t *body = data + 1, *end = data + size;
  switch (data[0] % 3) {
  case 0:
    snprintf(ct, sizeof(ct), "multipart/form-data; boundary=XyZ");
    break;
  case 1:
    snprintf(ct, sizeof(ct), "application/x-www-form-urlencoded;charset=UTF-8");
    break;
  default: {
    const uint8_t *nl = memchr(body, '\n', (size_t)(end - body));
    size_t n = (size_t)((nl ? nl : end) - body);
    if (n >= sizeof(ct))
      n = sizeof(ct) - 1;
    memcpy(ct, body, n);
    ct[n] = '\0';
    body = nl ? nl + 1 : end;
  }
  }
  /* An exact-size copy: ASan then catches a read one past the end. */
  size_t len = (size_t)(end - body);
  uint8_t *copy = malloc(len ? len : 1);
  if (!copy)
    return 0;
  memcpy(copy, body, len);
  duk_context *ctx = fuzz_heap(driver, NULL);
  parse_args a = {copy, len, ct};
  fuzz_call c = {push_parsed, &a, 1};
  fuzz_heap_call(ctx, &c);
  free(copy);
  return 0;
}
