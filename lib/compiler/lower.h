/* The ES2022 -> ES5 compiler's entry point (lib/compiler/parse.c, lower.c) and the small
 * runtime its output calls (lib/compiler/helpers.c). */
#ifndef EDGEFN_COMPILER_LOWER_H
#define EDGEFN_COMPILER_LOWER_H

#include "core/core.h"
#include "js/duk.h"

/* Parses src[0..len) as an ES2022 script or module (a name ending in .mjs, or a source with
 * import/export declarations; a module with top-level await, import.meta or import() is
 * lowered as edgefn__lower_module does, resolving no other file) and writes the ES5 text Duktape
 * compiles to *out (malloc'd, NUL-terminated, freed by the caller). The output keeps each
 * statement on its source line, so Duktape's line numbers are the source's. On a syntax
 * error returns EDGEFN_ESYNTAX with the position in *err (err may be NULL); on allocation
 * failure EDGEFN_ENOMEM. */
EDGEFN_INTERNAL int edgefn__lower(const char *src, size_t len, const char *filename, char **out,
                                  size_t *out_len, edgefn_error_info *err);

/* edgefn__lower for edgefn_script_new: when the source is a module that only the bundle
 * linker can run (top-level await, import.meta, import(), an import of a built-in module),
 * sets *needs_link and writes no output; the caller compiles it as a bundle. */
EDGEFN_INTERNAL int edgefn__lower_single(const char *src, size_t len, const char *filename,
                                         char **out, size_t *out_len, bool *needs_link,
                                         edgefn_error_info *err);

/* Module mode: the index of the bundle file a specifier names, or -1 (lower.c reports it
 * as "Cannot find module" at the specifier). */
typedef int (*edgefn__resolve_fn)(void *ud, const char *spec, size_t len);

/* The built-in modules a script may import without shipping them (`node:buffer`, which
 * Workers' nodejs_compat scripts import, and `cloudflare:workers`): the canonical name and
 * ES module source of the one spec[0..len) names (`node:buffer` or `buffer`,
 * `cloudflare:workers`), or NULL. The bundle compiler adds the
 * source as a file of the bundle when a file imports it (lib/compiler/script.c); a single
 * file that imports one is compiled as a bundle for that. */
EDGEFN_INTERNAL const char *edgefn__builtin_module(const char *spec, size_t len,
                                                   const char **name);
/* How many distinct built-in modules there are (the canonical names). */
#define EDGEFN__BUILTIN_MODULES 2

/* Lowers one file of a bundle to the text of a function expression
 * `function ($$imp, $$reg, $$meta, $$dimp) {...}` (import.meta and import() are the last
 * two; lines kept as edgefn__lower does) and writes *meta, a malloc'd JSON object
 * {"deps":[file index...], "stars":[dep slot...], "exports":[name...],
 * "wants":[[dep slot, name, line, col, specifier]...], "reexports":[[exported, dep slot,
 * imported, line, col, specifier]...], "tla":true when it awaits at its top level} that the
 * linker checks and runs (script.c adds the file's "name"). */
EDGEFN_INTERNAL int edgefn__lower_module(const char *src, size_t len, const char *filename,
                                         edgefn__resolve_fn resolve, void *resolve_ud,
                                         char **out, size_t *out_len, char **meta,
                                         edgefn_error_info *err);

/* Installs the runtime helpers the lowered code calls (non-writable hidden globals) into a
 * heap. Their bytecode is compiled once per process. Call inside a protected call. */
EDGEFN_INTERNAL void edgefn__lower_helpers_install(duk_context *ctx);

#endif
