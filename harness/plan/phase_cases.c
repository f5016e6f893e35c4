#include "phase_cases.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "workload_table.h"

void hp_phase_defaults(struct hp_selection *sel, struct hp_run_config *config, unsigned given)
{
    static const char *const workloads[] = {"request/static", "request/dynamic",
                                            "request/concurrent"};
    if (!(given & HP_GIVEN_THREADS)) {
        sel->threads[0] = 1, sel->threads[1] = 2;
        sel->thread_count = 2;
    }
    if (!(given & HP_GIVEN_MODE))
        sel->batch = true, sel->latency = true;
    if (!(given & HP_GIVEN_SAMPLES))
        config->samples = 20;
    if (!(given & HP_GIVEN_TARGET))
        config->target_sample_ns = 10e6;
    if (sel->workload_pattern_count == 0)
        for (size_t i = 0; i < sizeof workloads / sizeof workloads[0]; i++)
            sel->workload_patterns[sel->workload_pattern_count++] = workloads[i];
}

static int check_phase_covers(const struct hp_phase_plan *plan, const struct hp_phase *p,
                              const struct hp_selection *sel, struct hp_error *err)
{
    for (const struct hp_workload *const *it = hp_workload_table; *it; it++) {
        if (!hp_selection_matches(sel, *it))
            continue;
        for (int axis = 0; axis < HP_AXIS_COUNT; axis++)
            if (((*it)->axes & HP_AXIS_BIT(axis)) && !p->impl[axis])
                return hp_error_set(err,
                                    "%s:%u: phase '%s' names no %s implementation (nor do its "
                                    "bases), which workload %s needs",
                                    plan->path, p->line, p->name, hp_axis_get(axis)->name,
                                    (*it)->name);
    }
    return 0;
}

/* A workload that uses no axis measures the same thing in every phase: its cases would differ
 * in the phase part of their names only. */
static int refuse_workloads_without_axes(const struct hp_selection *sel, struct hp_error *err)
{
    for (const struct hp_workload *const *it = hp_workload_table; *it; it++) {
        if (!hp_selection_matches(sel, *it) || (*it)->axes != 0)
            continue;
        if ((*it)->flags & HP_WORKLOAD_OVERHEAD_PROBE)
            return hp_error_set(err,
                                "--phases: workload %s is the overhead probe, measured once in "
                                "every run already; choose workloads that use an axis the "
                                "phases set (e.g. request/static)",
                                (*it)->name);
        return hp_error_set(err,
                            "--phases: workload %s uses no implementation axis, so every phase "
                            "would measure the same thing; choose workloads that use an axis "
                            "the phases set (e.g. request/static)",
                            (*it)->name);
    }
    return 0;
}

int hp_phase_expand(const struct hp_phase_plan *plan, const struct hp_selection *sel,
                    struct hp_case **cases, size_t *count, struct hp_error *err)
{
    struct hp_case *all = NULL;
    size_t total = 0;
    if (refuse_workloads_without_axes(sel, err) != 0)
        return -1;
    for (size_t i = 0; i < plan->count; i++) {
        const struct hp_phase *p = &plan->phases[i];
        if (check_phase_covers(plan, p, sel, err) != 0)
            goto fail;
        struct hp_selection s = *sel;
        s.add_overhead_probe = sel->add_overhead_probe && i == 0;
        for (int axis = 0; axis < HP_AXIS_COUNT; axis++) {
            s.impl_count[axis] = p->impl[axis] ? 1 : 0;
            s.impls[axis][0] = p->impl[axis];
        }
        struct hp_case *mine;
        size_t n;
        if (hp_selection_expand(&s, &mine, &n, err) != 0) {
            char reason[sizeof err->message];
            snprintf(reason, sizeof reason, "%s", err->message);
            hp_error_set(err, "%s:%u: phase '%s': %s", plan->path, p->line, p->name, reason);
            goto fail;
        }
        struct hp_case *grown = realloc(all, (total + n) * sizeof *grown);
        if (!grown) {
            free(mine);
            hp_error_set(err, "out of memory building the case list");
            goto fail;
        }
        all = grown;
        for (size_t k = 0; k < n; k++) {
            struct hp_case *c = &all[total++];
            *c = mine[k];
            if (!(c->workload->flags & HP_WORKLOAD_OVERHEAD_PROBE)) {
                c->phase = p->name;
                hp_case_name(c);
            }
        }
        free(mine);
    }
    if (hp_cases_refuse_duplicate_names(all, total, err) != 0)
        goto fail;
    *cases = all;
    *count = total;
    return 0;
fail:
    free(all);
    return -1;
}
