/* Hardware counters per op (cycles, instructions, branch misses, cache misses) through
 * perf_event_open, counted on each worker thread around its measured region.
 *
 * Many machines (VMs, containers, CI runners, this one) refuse perf_event_open. Then
 * hp_perf_probe says why once, the run carries on without counters, and the results file
 * records that they were unavailable and why. Instruction counts that do not depend on the
 * machine allowing perf come from `hotpath run --instructions` (valgrind), not from here.
 */
#ifndef HOTPATH_PERF_COUNTERS_H
#define HOTPATH_PERF_COUNTERS_H

#include <stdbool.h>
#include <stdint.h>

enum hp_perf_event {
    HP_PERF_CYCLES,
    HP_PERF_INSTRUCTIONS,
    HP_PERF_BRANCH_MISSES,
    HP_PERF_CACHE_MISSES,
    HP_PERF_EVENT_COUNT
};

extern const char *const hp_perf_event_names[HP_PERF_EVENT_COUNT];

struct hp_perf_values {
    uint64_t value[HP_PERF_EVENT_COUNT];
};

/* One group of counters on the calling thread. */
struct hp_perf_group {
    int leader_fd; /* -1 when not open */
    int fds[HP_PERF_EVENT_COUNT];
};

/* Whether this machine lets us count; *why says why not (static string). Cheap after the first
 * call. */
bool hp_perf_probe(const char **why);

/* Opens the group on the calling thread, disabled. Returns 0, or -1 (group left closed). */
int hp_perf_open(struct hp_perf_group *g);
void hp_perf_start(struct hp_perf_group *g);
/* Stops counting and adds the counts since start to *acc. */
void hp_perf_stop(struct hp_perf_group *g, struct hp_perf_values *acc);
void hp_perf_close(struct hp_perf_group *g);

#endif
