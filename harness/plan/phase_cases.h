/* `hotpath run --phases FILE`: the cases of a phase plan. */
#ifndef HOTPATH_PHASE_RUN_H
#define HOTPATH_PHASE_RUN_H

#include <stddef.h>

#include "phases.h"
#include "runner.h"
#include "selection.h"

/* What the command line left unset, for a phase run (enum hp_run_given says what was set):
 * threads 1 and 2, both modes, 20 samples of 10 ms, and the workloads request/static,
 * request/dynamic and request/concurrent; so every chart of the report has data and the
 * default plan (bolt.phases) stays within a few minutes on a 2-core machine. */
enum hp_run_given {
    HP_GIVEN_THREADS = 1u << 0,
    HP_GIVEN_MODE = 1u << 1,
    HP_GIVEN_SAMPLES = 1u << 2,
    HP_GIVEN_TARGET = 1u << 3,
};
void hp_phase_defaults(struct hp_selection *sel, struct hp_run_config *config, unsigned given);

/* Every phase of the plan on every workload `sel` matches, with sel's threads and modes: one
 * case per phase x workload x threads x mode, each naming its phase (sel's per-axis choices are
 * ignored: the phases choose). A measuring step (one that changes no axis) is its base's
 * composition and skips these; so does a side step (outside every group) of a plan that groups
 * its steps. Then each claim's own workloads (claims.h, its judgments) at the
 * thread counts they allow: a change claim's on its step and on the step's base, a target's
 * on its step, for the tiers its composition has. The null case, when sel asks for it, once
 * and without a phase.
 * Refuses, before anything runs, a phase that names no implementation on an axis a workload
 * needs ("FILE:LINE: phase 'x' names no context implementation, which request/static needs"). */
int hp_phase_expand(const struct hp_phase_plan *plan, const struct hp_selection *sel,
                    struct hp_case **cases, size_t *count, struct hp_error *err);

#endif
