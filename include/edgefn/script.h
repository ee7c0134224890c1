/*
 * edgefn_script — compiled function code.
 *
 * A script is compiled once from JavaScript source into Duktape bytecode and is then
 * immutable: any number of runtimes on any threads may be created from it at the same time.
 * Source is ES2022 (docs/javascript.md): the library's compiler lowers it to the ES5 Duktape
 * runs, keeping the source's line numbers, and syntax errors report line and column.
 * Bytecode is only ever produced by this library; it is never accepted from outside,
 * because Duktape does not validate bytecode it loads.
 */
#ifndef EDGEFN_SCRIPT_H
#define EDGEFN_SCRIPT_H

#include <edgefn/common.h>

#ifdef __cplusplus
extern "C" {
#endif

/* One more file of a multi-file function (a bundle): the entry module (the options' source)
 * and these import each other with relative specifiers ("./util.js", "../lib/x"), resolved
 * against the importer's name; the entry is at the bundle's root. */
typedef struct edgefn_script_source {
  const char *name;   /* NUL-terminated path in the bundle, e.g. "lib/util.js" (also the
                         filename in errors and stack traces) */
  const char *source; /* UTF-8 source text (copied) */
  size_t source_len;
} edgefn_script_source;

typedef struct edgefn_script_options {
  uint32_t struct_size;
  const char *source; /* UTF-8 source text (copied) */
  size_t source_len;
  const char *filename; /* NUL-terminated name used in errors and stack traces; NULL =
                           "<script>" */
  /* Appended: the other files of a bundle (module_count of them; names and sources copied).
   * With any, every file is an ES module (strict; import/export). At most
   * EDGEFN_MAX_SCRIPT_MODULES files in all, the entry included (EDGEFN_EINVAL beyond), and
   * EDGEFN_MAX_SCRIPT_SIZE bytes of source in all. */
  const edgefn_script_source *modules;
  size_t module_count;
} edgefn_script_options;
#define EDGEFN_SCRIPT_OPTIONS_INIT {sizeof(edgefn_script_options), NULL, 0, NULL, NULL, 0}

/* Compiles a script. On success *out owns a new script (free with edgefn_script_free).
 * On failure *out is NULL and, when err is not NULL, *err holds the code, file, line,
 * column and message. Errors: EDGEFN_EINVAL, EDGEFN_EVERSION, EDGEFN_ENOMEM,
 * EDGEFN_ESYNTAX (source does not compile), EDGEFN_EENGINE (a fatal error in the JavaScript
 * engine while compiling; the process goes on, see include/edgefn/runtime.h).
 * Any thread. */
EDGEFN_API int edgefn_script_new(edgefn_script **out, const edgefn_script_options *opts,
                                 edgefn_error_info *err);

/* Drops the caller's reference. Runtimes created from the script keep what they need, so
 * a script may be freed while they run. NULL is a no-op. Any thread. */
EDGEFN_API void edgefn_script_free(edgefn_script *script);

/* Size in bytes of the compiled bytecode. Any thread. */
EDGEFN_API size_t edgefn_script_bytecode_size(const edgefn_script *script);

/* The filename the script was compiled with (NUL-terminated, owned by the script). */
EDGEFN_API const char *edgefn_script_filename(const edgefn_script *script);

#ifdef __cplusplus
}
#endif
#endif /* EDGEFN_SCRIPT_H */
