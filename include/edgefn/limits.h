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

/* Largest script source edgefn_script_new accepts. */
#define EDGEFN_MAX_SCRIPT_SIZE (16u * 1024u * 1024u)

#endif /* EDGEFN_LIMITS_H */
