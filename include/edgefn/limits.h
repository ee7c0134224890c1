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

/* Bytes a heap may hold beyond its memory limit once it has reached it, while the script
 * that reached it is being stopped (error objects, unwinding, logging): without this room
 * every allocation on the way out would fail after Duktape's rounds of garbage collection
 * over a full heap. The runtime is recycled afterwards. Not configurable. */
#define EDGEFN_MEMORY_UNWIND_RESERVE (2u * 1024u * 1024u)

/* Time from dispatch until a function must have produced its response head. */
#define EDGEFN_DEFAULT_WALL_LIMIT_MS 30000u

/* Timers (setTimeout, setInterval, setImmediate) one runtime may have pending at once;
 * one more throws RangeError. */
#define EDGEFN_DEFAULT_TIMER_LIMIT 1000u

/* Bytes of the incoming request body that request.text(), json(), arrayBuffer(), bytes(),
 * blob() and formData() may read at once (EdgeOne's 1 MB). A larger body fails the request
 * with 413 when the script reads it whole; streaming reads (request.body) are not limited by
 * this. */
#define EDGEFN_DEFAULT_REQUEST_BODY_LIMIT (1024u * 1024u)

/* Bytes of response body a function may answer with; beyond it the request fails with 500.
 * The same order as a subrequest's body limit (EDGEFN_DEFAULT_FETCH_MAX_BODY). */
#define EDGEFN_DEFAULT_RESPONSE_BODY_LIMIT (32u * 1024u * 1024u)

/* console.* calls one request may make; later calls in that request are dropped (one line
 * in the host log says so) and the request goes on. Bounded so that a logging loop cannot
 * flood the host's log. */
#define EDGEFN_DEFAULT_CONSOLE_LIMIT 1000u

/* Nested ECMAScript calls (the call stack depth); a deeper call throws RangeError. Calls
 * through native functions (getters run by C code, Array.prototype.map, toString from a
 * host conversion, ...) are also bounded by EDGEFN_NATIVE_CALL_DEPTH_LIMIT, which protects
 * the host thread's C stack (about 0.5 MiB at the limit in an optimized build; builds with
 * AddressSanitizer use half of it) and is fixed at build time. */
#define EDGEFN_DEFAULT_CALL_DEPTH_LIMIT 10000u
#define EDGEFN_NATIVE_CALL_DEPTH_LIMIT 500u

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

#endif /* EDGEFN_LIMITS_H */
