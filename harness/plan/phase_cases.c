#include "phase_cases.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "claims.h"
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
 * in the phase part of their names only. Such a workload (a part measured alone: the parser,
 * header lookup) is measured by the claim judged on it, on the measuring step that names the
 * claim (append_claim_cases), which this refusal does not reach. An anchor (another server)
 * is measured once, outside the phases, as the overhead probe is. */
static int refuse_workloads_without_axes(const struct hp_selection *sel, struct hp_error *err)
{
    for (const struct hp_workload *const *it = hp_workload_table; *it; it++) {
        if (!hp_selection_matches(sel, *it) || (*it)->axes != 0 ||
            ((*it)->flags & HP_WORKLOAD_ANCHOR))
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
                            "the phases set (e.g. request/static), and measure it through a "
                            "target claim judged on it, named by a measuring step",
                            (*it)->name);
    }
    return 0;
}

/* Appends the cases of `s` for phase p to *all, leaving out those of a name already there
 * (a claim's workload the plan measures anyway). */
static int append_cases(const struct hp_phase_plan *plan, const struct hp_phase *p,
                        const struct hp_selection *s, struct hp_case **all, size_t *total,
                        struct hp_error *err)
{
    struct hp_case *mine;
    size_t n;
    if (hp_selection_expand(s, &mine, &n, err) != 0) {
        char reason[sizeof err->message];
        snprintf(reason, sizeof reason, "%s", err->message);
        return hp_error_set(err, "%s:%u: phase '%s': %s", plan->path, p->line, p->name, reason);
    }
    struct hp_case *grown = realloc(*all, (*total + n) * sizeof *grown);
    if (!grown) {
        free(mine);
        return hp_error_set(err, "out of memory building the case list");
    }
    *all = grown;
    for (size_t k = 0; k < n; k++) {
        struct hp_case c = mine[k];
        if (!(c.workload->flags & (HP_WORKLOAD_OVERHEAD_PROBE | HP_WORKLOAD_ANCHOR))) {
            c.phase = p->name;
            hp_case_name(&c);
        }
        bool known = false;
        for (size_t i = 0; i < *total && !known; i++)
            known = strcmp((*all)[i].name, c.name) == 0;
        if (!known)
            (*all)[(*total)++] = c;
    }
    free(mine);
    return 0;
}

/* The cases that judge claim c on phase p: each judgment's workloads at the thread counts it
 * allows, in batch mode (latency mode too for a p99 judgment). A target's tiers only on the
 * step whose composition has them. */
static int append_claim_cases(const struct hp_phase_plan *plan, const struct hp_phase *p,
                              const struct hp_claim *c, const struct hp_selection *base_sel,
                              struct hp_case **all, size_t *total, struct hp_error *err)
{
    for (size_t k = 0; k < hp_claim_judgment_count(c); k++) {
        const struct hp_claim_judgment *j = &c->judgments[k];
        if (c->type == HP_CLAIM_TARGET && !hp_phase_has_tier(p, j))
            continue;
        struct hp_selection s = *base_sel;
        s.add_overhead_probe = false;
        s.param_count = 0; /* --param is for the plan's workloads; a claim's run as declared */
        s.workload_patterns[0] = j->workloads;
        s.workload_pattern_count = 1;
        s.thread_count = 0;
        for (size_t t = 0; t < base_sel->thread_count; t++) {
            unsigned threads = base_sel->threads[t];
            if ((!j->min_threads || threads >= j->min_threads) &&
                (!j->max_threads || threads <= j->max_threads))
                s.threads[s.thread_count++] = threads;
        }
        if (s.thread_count == 0)
            s.threads[s.thread_count++] = j->min_threads ? j->min_threads : 1;
        s.batch = true;
        s.latency = j->metric == HP_JUDGED_P99_NS;
        if (check_phase_covers(plan, p, &s, err) != 0) {
            size_t used = strlen(err->message);
            snprintf(err->message + used, sizeof err->message - used, " to judge %s", c->id);
            return -1;
        }
        if (append_cases(plan, p, &s, all, total, err) != 0)
            return -1;
    }
    return 0;
}

/* Whether the plan's workloads are measured on phase p: not on a measuring step (its base's
 * composition); and when the plan groups its steps, only on the first phase and the grouped
 * steps, so that a side step (outside every group) costs only its claim's cases. */
static bool measures_plan_workloads(const struct hp_phase_plan *plan, const struct hp_phase *p)
{
    if (p->base[0] && hp_phase_changed_axes(plan, p, NULL) == 0)
        return false;
    bool grouped = false;
    for (size_t i = 0; i < plan->count; i++)
        grouped |= plan->phases[i].group[0] != '\0';
    return !grouped || p == &plan->phases[0] || p->group[0];
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
        if (measures_plan_workloads(plan, p) && append_cases(plan, p, &s, &all, &total, err) != 0)
            goto fail;
        /* A change claim is judged on the step and on its base; a target on the step. */
        for (size_t k = 0; k < p->claim_count; k++)
            if (append_claim_cases(plan, p, hp_claim_find(p->claims[k]), &s, &all, &total, err) !=
                0)
                goto fail;
        for (size_t q = 0; q < plan->count; q++) {
            const struct hp_phase *step = &plan->phases[q];
            if (strcmp(step->base, p->name) != 0)
                continue;
            for (size_t k = 0; k < step->claim_count; k++) {
                const struct hp_claim *c = hp_claim_find(step->claims[k]);
                if (c->type == HP_CLAIM_CHANGE &&
                    append_claim_cases(plan, p, c, &s, &all, &total, err) != 0)
                    goto fail;
            }
        }
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
