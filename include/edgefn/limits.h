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

/* Wall time a module's top-level await may take (the first request waits for it): after it
 * the runtime fails every request with 500. Not configurable. */
#define EDGEFN_DEFAULT_INIT_WALL_LIMIT_MS 10000u

/* Memory a runtime's JavaScript heap may hold, counted by the runtime's allocator. */
#define EDGEFN_DEFAULT_MEMORY_LIMIT (128u * 1024u * 1024u)

/* Bytes a heap may hold beyond its memory limit once it has reached it, while the script
 * that reached it is being stopped (error objects, unwinding, logging): without this room
 * every allocation on the way out would fail after Duktape's rounds of garbage collection
 * over a full heap. The runtime is recycled afterwards. Not configurable. */
#define EDGEFN_MEMORY_UNWIND_RESERVE (2u * 1024u * 1024u)

/* Bytes of JavaScript heaps the process may hold abandoned after fatal engine errors (each
 * such heap is leaked, never freed: include/edgefn/runtime.h). Beyond it, a runtime whose
 * heap is lost this way is not restarted and answers 503, so that a script that can
 * provoke the failure again and again cannot exhaust the host's memory. */
#define EDGEFN_MAX_LEAKED_HEAP_BYTES (1024u * 1024u * 1024u)

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
/* Idle connections a curl backend keeps open for reuse (all hosts together). libcurl's
 * own default follows the number of transfers running at the moment, which under steady
 * concurrent load closed about one connection in ten and opened a new one. */
#define EDGEFN_FETCH_MAX_IDLE_CONNECTIONS 256u

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

/* Regular expressions in function code (docs/javascript.md): compiled patterns a runtime
 * keeps (source + flags → PCRE2 code; a full cache is emptied and refilled), the match
 * limit of a first attempt (later attempts are sized to the request's CPU time left, so a
 * catastrophic pattern ends with the CPU-limit error), PCRE2's JIT stack (bytes, start and
 * largest) and the interpreter's backtracking memory (KiB). */
#define EDGEFN_REGEXP_CACHE_MAX 256u
#define EDGEFN_REGEXP_FIRST_MATCH_LIMIT 200000u
#define EDGEFN_REGEXP_JIT_STACK_MIN (32u * 1024u)
#define EDGEFN_REGEXP_JIT_STACK_MAX (8u * 1024u * 1024u)
#define EDGEFN_REGEXP_HEAP_LIMIT_KIB (32u * 1024u)
/* The backtracking matcher that runs the patterns PCRE2 cannot run exactly (lib/js/
 * regexp-bt.c): the most its backtrack stack may hold (bytes, also counted against the
 * runtime's memory limit), and the steps a match may take when no CPU budget is running
 * (as PCRE2's largest match limit; under a budget the budget decides). */
#define EDGEFN_REGEXP_BACKTRACK_MAX_BYTES (16u * 1024u * 1024u)
#define EDGEFN_REGEXP_BACKTRACK_STEPS_UNBUDGETED 4294967295u
/* A pattern PCRE2 refuses as too large or too complicated (it copies a repeated group once
 * per count, so `(?:a|b){1,999}` is already too large) runs on the backtracking matcher
 * instead when its text is at most this many bytes; a longer one stays a SyntaxError, as
 * that matcher's size and compile time grow with the pattern's text. */
#define EDGEFN_REGEXP_FALLBACK_MAX_PATTERN (32u * 1024u)

/* Duktape's own Array.prototype methods (join, reverse, forEach and the other iteration
 * methods, concat, shift, unshift, splice, reduce) visit every index up to `length`, and the
 * CPU limit cannot stop a native loop. On an array whose length is above this and whose
 * elements do not fill it (a.length = 2**32 - 1), they throw a RangeError instead of
 * running for minutes; under the default memory limit no array holds this many elements. */
#define EDGEFN_NATIVE_ARRAY_SPARSE_MAX (1u << 22)

/* The HTTP cache's built-in memory backend (include/edgefn/cache.h): bytes it may hold in all
 * (entries' keys, heads and bodies; the least recently used go first), the number of
 * independently locked shards that budget is split across, and the largest single response
 * body it stores (a larger one is still streamed to the client, just not kept). */
#define EDGEFN_DEFAULT_CACHE_MEMORY (64u * 1024u * 1024u)
#define EDGEFN_DEFAULT_CACHE_SHARDS 16u
#define EDGEFN_DEFAULT_CACHE_MAX_ENTRY (16u * 1024u * 1024u)

/* Worker threads the library starts (on demand, process-wide) for work that would block a
 * loop: RSA key generation. They exit when there is no work. */
#define EDGEFN_WORK_THREADS 2u

/* RSA key generations (crypto.subtle.generateKey) one runtime may have running at once;
 * beyond it generateKey rejects with an OperationError rather than queue without bound. */
#define EDGEFN_MAX_PENDING_KEYGEN 4u
/* Runtime management per loop (include/edgefn/edge.h, docs/limits.md): the JS heap bytes
 * all runtimes of one loop may hold before idle ones are evicted; how many runtimes one
 * function may have on a loop; the requests in flight on a function's least busy runtime
 * before another is started; the requests of one function a loop runs at once and the
 * ones that may wait beyond those (more are shed with a 503); the Retry-After of that 503;
 * and how often a loop looks again at replaced runtimes that still run waitUntil work. */
#define EDGEFN_DEFAULT_RUNTIME_MEMORY_BUDGET (256u * 1024u * 1024u)
#define EDGEFN_DEFAULT_MAX_RUNTIMES_PER_FUNCTION 4u
#define EDGEFN_DEFAULT_RUNTIME_CONCURRENCY 32u
#define EDGEFN_DEFAULT_FUNCTION_CONCURRENCY 128u
#define EDGEFN_DEFAULT_FUNCTION_QUEUE 256u
#define EDGEFN_DEFAULT_RETRY_AFTER_S 1u
#define EDGEFN_RETIRED_SWEEP_MS 100u
/* Streams in the sandbox: the largest ArrayBuffer a byte stream allocates for one chunk
 * (autoAllocateChunkSize), and the most bytes a body read from a stream (text(), json(),
 * arrayBuffer() ... on a stream body) may gather; past it the read rejects with RangeError. */
#define EDGEFN_STREAM_MAX_CHUNK (16u * 1024u * 1024u)
#define EDGEFN_STREAM_MAX_BODY (64u * 1024u * 1024u)
/* A detached ArrayBuffer (a BYOB read, a byte stream's enqueue) keeps its old allocation
 * until it is collected, and garbage in reference cycles waits for a mark-and-sweep, which
 * Duktape times by allocation count, not bytes: after this many bytes of buffers detached
 * (or 1/16 of the runtime's memory limit, if smaller) the runtime runs a collection. */
#define EDGEFN_STREAM_DETACHED_GC_BYTES (8u * 1024u * 1024u)
/* A fetch() response body stream's high-water mark in bytes: past it the fetch backend is
 * paused (edgefn_fetch_ops.pause) until the script reads. */
#define EDGEFN_FETCH_BODY_HWM (256u * 1024u)

/* Largest script source edgefn_script_new accepts. */
#define EDGEFN_MAX_SCRIPT_SIZE (16u * 1024u * 1024u)
/* Files in one bundle (edgefn_script_options.module_count + the entry): bounds the
 * linker's work and the per-file bytecode kept with a script. */
#define EDGEFN_MAX_SCRIPT_MODULES 1024u

/* KV storage (include/edgefn/kv.h): the longest key and value put() accepts (bytes of UTF-8
 * / of the value), the largest metadata (bytes of its JSON text), and the most keys one
 * list() call returns (also its default). EdgeOne's and Workers' limits. */
#define EDGEFN_KV_MAX_KEY_SIZE 512u
#define EDGEFN_KV_MAX_VALUE_SIZE (25u * 1024u * 1024u)
#define EDGEFN_KV_MAX_METADATA_SIZE 1024u
#define EDGEFN_KV_MAX_LIST_KEYS 256u

/* The Redis KV backend: time a command may take before the connection is dropped. */
#define EDGEFN_DEFAULT_KV_REDIS_TIMEOUT_MS 5000u
/* The ES2022 compiler (edgefn_script_new): the deepest nesting of statements and
 * expressions it accepts (deeper source is a SyntaxError, so hostile input cannot exhaust the
 * C stack), and the memory it keeps between compilations for its syntax trees (fresh pages
 * cost more than the parse itself on some hosts). */
#define EDGEFN_COMPILER_MAX_DEPTH 400u
#define EDGEFN_COMPILER_ARENA_CACHE (16u * 1024u * 1024u)

#endif /* EDGEFN_LIMITS_H */
