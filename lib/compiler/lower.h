/* The ES2022 -> ES5 compiler's entry point (lib/compiler/parse.c, lower.c) and the small
 * runtime its output calls (lib/compiler/helpers.c). */
#ifndef EDGEFN_COMPILER_LOWER_H
#define EDGEFN_COMPILER_LOWER_H

#include "core/core.h"
#include "js/duk.h"

/* Parses src[0..len) as an ES2022 script or module and writes the ES5 text Duktape
 * compiles to *out (malloc'd, NUL-terminated, freed by the caller). The output keeps each
 * statement on its source line, so Duktape's line numbers are the source's. On a syntax
 * error returns EDGEFN_ESYNTAX with the position in *err (err may be NULL); on allocation
 * failure EDGEFN_ENOMEM. */
EDGEFN_INTERNAL int edgefn__lower(const char *src, size_t len, const char *filename, char **out,
                                  size_t *out_len, edgefn_error_info *err);

/* Installs the runtime helpers the lowered code calls (non-writable hidden globals) into a
 * heap. Their bytecode is compiled once per process. Call inside a protected call. */
EDGEFN_INTERNAL void edgefn__lower_helpers_install(duk_context *ctx);

#endif
