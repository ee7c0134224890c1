/* The compiler part's internal interface: compiled scripts as the runtime sees them. */
#ifndef EDGEFN_COMPILER_INTERNAL_H
#define EDGEFN_COMPILER_INTERNAL_H

#include "core/core.h"

/* Duktape bytecode of the script's top level, as made by duk_dump_function. */
EDGEFN_INTERNAL const uint8_t *edgefn__script_bytecode(const edgefn_script *s, size_t *len);

/* Reference counting: edgefn_script_new returns one reference; runtimes take their own. */
EDGEFN_INTERNAL edgefn_script *edgefn__script_ref(const edgefn_script *s);

#endif
