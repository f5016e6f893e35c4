/* `hotpath run --phases FILE`: the cases of a phase plan. */
#ifndef HOTPATH_PHASE_RUN_H
#define HOTPATH_PHASE_RUN_H

#include <stddef.h>

#include "phases.h"
#include "runner.h"
#include "selection.h"

/* The workloads a phase plan runs on when no --workload is given. */
extern const char *const hp_phase_default_workloads[];
extern const size_t hp_phase_default_workload_count;

/* Every phase of the plan on every workload `sel` matches, with sel's threads and modes: one
 * case per phase x workload x threads x mode, each naming its phase (sel's per-axis choices are
 * ignored: the phases choose). The null case, when sel asks for it, once and without a phase.
 * Refuses, before anything runs, a phase that names no implementation on an axis a workload
 * needs ("FILE:LINE: phase 'x' names no context implementation, which request/static needs"). */
int hp_phase_expand(const struct hp_phase_plan *plan, const struct hp_selection *sel,
                    struct hp_case **cases, size_t *count, struct hp_error *err);

#endif
