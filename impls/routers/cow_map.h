/* cow_map's test instrumentation (see cow_map.c). In builds with HOTPATH_COW_POISON (implied
 * by the Debug/ASan and Tsan builds) every retired snapshot is poisoned before it is freed and
 * every lookup checks the snapshot's magic before and after using it (abort() on poison). */
#ifndef HOTPATH_COW_MAP_H
#define HOTPATH_COW_MAP_H

#include <stdbool.h>
#include <stdint.h>

/* Whether this build poisons retired snapshots. */
bool hp_cow_map_poisoning_enabled(void);
/* Snapshots poisoned and freed so far, by every cow_map router of the process. */
uint64_t hp_cow_map_snapshots_poisoned(void);

#endif
