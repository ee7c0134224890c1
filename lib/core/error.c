/* Error codes to text, and the error-info struct filled on failed constructors. */
#include "core.h"

#include <stdio.h>
#include <string.h>

const char *edgefn_strerror(int code) {
  switch (code) {
  case EDGEFN_OK:
    return "success";
#define EDGEFN__ERRNO_TEXT(name, value, text) \
  case EDGEFN_E##name:                        \
    return text;
    EDGEFN_ERRNO_MAP(EDGEFN__ERRNO_TEXT)
#undef EDGEFN__ERRNO_TEXT
  }
  return "unknown error";
}

const char *edgefn_err_name(int code) {
  switch (code) {
  case EDGEFN_OK:
    return "OK";
#define EDGEFN__ERRNO_NAME(name, value, text) \
  case EDGEFN_E##name:                        \
    return #name;
    EDGEFN_ERRNO_MAP(EDGEFN__ERRNO_NAME)
#undef EDGEFN__ERRNO_NAME
  }
  return "UNKNOWN";
}

void edgefn__error_set(edgefn_error_info *err, int code, const char *file, int line,
                       int column, const char *fmt, ...) {
  if (!err || err->struct_size < sizeof(edgefn_error_info))
    return;
  err->code = code;
  err->line = line;
  err->column = column;
  snprintf(err->file, sizeof(err->file), "%s", file ? file : "");
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(err->message, sizeof(err->message), fmt, ap);
  va_end(ap);
}
