/* The compiler part's internal interface: compiled scripts as the runtime sees them. */
#ifndef EDGEFN_COMPILER_INTERNAL_H
#define EDGEFN_COMPILER_INTERNAL_H

#include "core/core.h"

/* Duktape bytecode of the script's top level, as made by duk_dump_function. */
EDGEFN_INTERNAL const uint8_t *edgefn__script_bytecode(const edgefn_script *s, size_t *len);

/* A bundle (edgefn_script_options.modules, or a source that imports): its files' function
 * bytecode (0 is the entry) and the link graph, JSON for the helpers' __edgefn$link. A
 * plain script has no files (count 0) and uses edgefn__script_bytecode. */
EDGEFN_INTERNAL size_t edgefn__script_module_count(const edgefn_script *s);
EDGEFN_INTERNAL const uint8_t *edgefn__script_module_bytecode(const edgefn_script *s, size_t i,
                                                              size_t *len);
EDGEFN_INTERNAL const char *edgefn__script_graph(const edgefn_script *s);

/* Reference counting: edgefn_script_new returns one reference; runtimes take their own. */
EDGEFN_INTERNAL edgefn_script *edgefn__script_ref(const edgefn_script *s);

#endif
