/* Cold caches (`run --cache cold`): each op on data that is not in cache.
 *
 * A warm case is a microbenchmark loop: one structure, its request list, run again and again,
 * everything in L1/L2 after the first pass. A cold case models a busy server with many tenants
 * (many routers, many sites, many connections): the runner sets up K independent instances of
 * the case's structure, K large enough that together they hold twice the last-level cache, and
 * every op runs on the next instance of a random cyclic order, so that between two visits of one
 * instance all the others were visited and pushed it out. Only workloads that declare
 * HP_WORKLOAD_INSTANCES (workload.h) run cold, in batch mode.
 *
 * The last-level cache: --llc-size when given; else the highest data or unified cache level under
 * SYS/devices/system/cpu/cpu0/cache/ (validity.h's system root); else the CPU's own figure
 * (sysconf _SC_LEVEL3_CACHE_SIZE, cpuid). A VM may report its host's whole L3 there: the source
 * is recorded with the size, and --llc-size overrides it.
 *
 * An instance's size: the bytes its setup left allocated (jemalloc's stats.allocated in the
 * Release build); where that is not available, the bytes its setup requested (an upper bound,
 * which makes K smaller, so a finding says when the working set may not exceed the cache).
 */
#ifndef HOTPATH_COLD_H
#define HOTPATH_COLD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "validity.h"

/* K is chosen for a working set of HP_COLD_LLC_MULTIPLE x the last-level cache, at least
 * HP_COLD_MIN_INSTANCES, at most HP_COLD_MAX_INSTANCES and HP_COLD_MAX_BYTES in all. */
#define HP_COLD_LLC_MULTIPLE  2
#define HP_COLD_MIN_INSTANCES 2
#define HP_COLD_MAX_INSTANCES 65536
#define HP_COLD_MAX_BYTES     (4ull << 30)

/* The last-level cache size and where it came from ("--llc-size", "SYS/.../index3/size",
 * "cpuid (sysconf _SC_LEVEL3_CACHE_SIZE)"). override > 0 wins. 0, or -1 when none is known. */
int hp_llc_detect(const struct hp_system_paths *p, uint64_t override, uint64_t *bytes, char *source,
                  size_t size);

/* Bytes the allocator holds for the process now (jemalloc's stats.allocated), or 0 when not
 * known (other builds). */
uint64_t hp_heap_allocated(void);

/* K for instances of instance_bytes each. */
size_t hp_cold_instance_count(uint64_t llc_bytes, uint64_t instance_bytes);

#endif
