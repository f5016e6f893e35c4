/* Every workload `hotpath run` knows (the cases of harness/cases/), in `hotpath list` order.
 *
 * To add a workload: write harness/cases/NAME_cases.c defining a `const struct hp_workload`
 * (measure/workload.h says what each field means), and add one HP_WORKLOAD(symbol) line to
 * workload_list.h. Selection, `hotpath list`, phase runs, results and every view pick it up;
 * nothing else changes. A workload that reads a route set or a request list finds it under
 * params->workloads_dir (workloads/routes/, workloads/requests/: data, not code).
 */
#ifndef HOTPATH_WORKLOAD_TABLE_H
#define HOTPATH_WORKLOAD_TABLE_H

#include "workload.h"

/* The table, NULL-terminated. */
extern const struct hp_workload *const hp_workload_table[];
/* NULL when no workload has that name. */
const struct hp_workload *hp_workload_find(const char *name);
/* The workload flagged HP_WORKLOAD_OVERHEAD_PROBE, or NULL. */
const struct hp_workload *hp_workload_overhead_probe(void);

#endif
