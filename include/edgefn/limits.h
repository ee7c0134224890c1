/*
 * Every default limit of libedgefn, in one place. A runtime option left at 0 takes the
 * default listed here. docs/limits.md explains each one.
 */
#ifndef EDGEFN_LIMITS_H
#define EDGEFN_LIMITS_H

/* CPU time a request may use running JavaScript (including the timers and microtasks it
 * schedules); time spent waiting for I/O does not count. EdgeOne's default. */
#define EDGEFN_DEFAULT_CPU_LIMIT_MS 200u

/* Time the script's top level may run when a runtime is created. */
#define EDGEFN_DEFAULT_INIT_CPU_LIMIT_MS 1000u

/* Memory a runtime's JavaScript heap may hold, counted by the runtime's allocator. */
#define EDGEFN_DEFAULT_MEMORY_LIMIT (128u * 1024u * 1024u)

/* Time from dispatch until a function must have produced its response head. */
#define EDGEFN_DEFAULT_WALL_LIMIT_MS 30000u

/* Timers (setTimeout) one runtime may have pending at once. */
#define EDGEFN_DEFAULT_TIMER_LIMIT 1000u

/* Outbound fetches through the curl backend (include/edgefn/fetch.h). */
#define EDGEFN_DEFAULT_FETCH_CONNECT_TIMEOUT_MS 10000u
#define EDGEFN_DEFAULT_FETCH_TIMEOUT_MS 30000u
#define EDGEFN_DEFAULT_FETCH_MAX_BODY (32u * 1024u * 1024u)

/* Subrequests (fetch() calls) one request may make, and redirects one fetch() follows
 * (the Fetch standard's limit). */
#define EDGEFN_DEFAULT_SUBREQUEST_LIMIT 50u
#define EDGEFN_FETCH_MAX_REDIRECTS 20u

/* Trigger-rule regexes (docs/rules.md): PCRE2's match limit (calls of its internal match
 * function, JIT included), depth limit (backtracking depth, interpreter) and heap limit in
 * KiB (interpreter). A match that reaches a limit counts as "no match", so a pathological
 * pattern on a hostile subject costs a bounded time (about a millisecond) per rule. */
#define EDGEFN_RULES_REGEX_MATCH_LIMIT 100000u
#define EDGEFN_RULES_REGEX_DEPTH_LIMIT 10000u
#define EDGEFN_RULES_REGEX_HEAP_LIMIT_KB 1024u

/* The HTTP cache's built-in memory backend (include/edgefn/cache.h): bytes it may hold in all
 * (entries' keys, heads and bodies; the least recently used go first), the number of
 * independently locked shards that budget is split across, and the largest single response
 * body it stores (a larger one is still streamed to the client, just not kept). */
#define EDGEFN_DEFAULT_CACHE_MEMORY (64u * 1024u * 1024u)
#define EDGEFN_DEFAULT_CACHE_SHARDS 16u
#define EDGEFN_DEFAULT_CACHE_MAX_ENTRY (16u * 1024u * 1024u)

/* Largest script source edgefn_script_new accepts. */
#define EDGEFN_MAX_SCRIPT_SIZE (16u * 1024u * 1024u)

/* The ES2022 compiler (edgefn_script_new): the deepest nesting of statements and
 * expressions it accepts (deeper source is a SyntaxError, so hostile input cannot exhaust the
 * C stack), and the memory it keeps between compilations for its syntax trees (fresh pages
 * cost more than the parse itself on some hosts). */
#define EDGEFN_COMPILER_MAX_DEPTH 400u
#define EDGEFN_COMPILER_ARENA_CACHE (16u * 1024u * 1024u)

#endif /* EDGEFN_LIMITS_H */
