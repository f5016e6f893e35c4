/* One comparison of two measured cases. See compare.h. */
#include "compare.h"

#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

void hp_compare_options_defaults(struct hp_compare_options *o)
{
    o->level = 0.95;
    o->iterations = 10000;
    o->seed = 1;
}

const char *hp_change_name(enum hp_change c)
{
    switch (c) {
    case HP_CHANGE_NONE:
        return "no significant change";
    case HP_CHANGE_FASTER:
        return "faster";
    case HP_CHANGE_SLOWER:
        return "slower";
    case HP_CHANGE_TOO_FEW_SAMPLES:
        return "too few samples";
    }
    return "?";
}

int hp_compare_cases(const struct hp_result_case *old, const struct hp_result_case *new_,
                     const struct hp_compare_options *options, struct hp_case_comparison *out,
                     struct hp_error *err)
{
    *out = (struct hp_case_comparison){
        .old_median = old->samples ? old->summary.median : NAN,
        .new_median = new_->samples ? new_->summary.median : NAN,
        .ratio = NAN,
        .ratio_low = NAN,
        .ratio_high = NAN,
        .p_value = NAN,
        .change = HP_CHANGE_TOO_FEW_SAMPLES,
        .old_allocs_per_op = old->allocs_per_op,
        .new_allocs_per_op = new_->allocs_per_op,
        .old_bytes_per_op = old->bytes_per_op,
        .new_bytes_per_op = new_->bytes_per_op,
    };
    if (old->samples == 0 || new_->samples == 0)
        return 0;
    out->ratio = out->new_median / out->old_median;
    if (old->samples < HP_COMPARE_MIN_SAMPLES || new_->samples < HP_COMPARE_MIN_SAMPLES)
        return 0;

    double ratio;
    if (hp_bootstrap_ratio_ci(old->ns_per_op, old->samples, new_->ns_per_op, new_->samples,
                              options->level, options->iterations, options->seed, &ratio,
                              &out->ratio_low, &out->ratio_high) != 0)
        return hp_error_set(err, "%s: the ratio interval could not be computed", new_->name);
    out->p_value =
        hp_mann_whitney_p(old->ns_per_op, old->samples, new_->ns_per_op, new_->samples, NULL);
    /* Both must agree: the bootstrap interval of a median under-covers with ~10 samples, and
     * the rank test alone says nothing about the size (docs/statistics.md). */
    bool rank_test_rejects = !isnan(out->p_value) && out->p_value < 1.0 - options->level;
    if (rank_test_rejects && out->ratio_low > 1.0)
        out->change = HP_CHANGE_SLOWER;
    else if (rank_test_rejects && out->ratio_high < 1.0)
        out->change = HP_CHANGE_FASTER;
    else
        out->change = HP_CHANGE_NONE;
    return 0;
}

/* ---- machine drift ---------------------------------------------------------------------- */

void hp_machine_drift_assess(const struct hp_results *old, const struct hp_results *new_,
                             const struct hp_case_comparison *probe, double threshold,
                             struct hp_machine_drift *out)
{
    memset(out, 0, sizeof *out);
    out->probe_ratio = probe ? probe->ratio : NAN;
    out->probe_significant =
        probe && (probe->change == HP_CHANGE_SLOWER || probe->change == HP_CHANGE_FASTER);
    /* The handoff floor is left out: it depends on where the scheduler put two threads. */
    const double a[] = {old->floors.monotonic_read_ns, old->floors.tsc_read_ns,
                        old->floors.l1_load_ns, old->floors.cas_ns};
    const double b[] = {new_->floors.monotonic_read_ns, new_->floors.tsc_read_ns,
                        new_->floors.l1_load_ns, new_->floors.cas_ns};
    double log_sum = 0;
    for (size_t i = 0; i < sizeof a / sizeof a[0]; i++)
        if (a[i] > 0 && b[i] > 0) {
            log_sum += log(b[i] / a[i]);
            out->floors_compared++;
        }
    out->floors_ratio = out->floors_compared >= 2 ? exp(log_sum / out->floors_compared) : NAN;
    out->machine_ratio = NAN;
    if (!out->probe_significant || isnan(out->floors_ratio))
        return;
    if (out->probe_ratio > 1 + threshold && out->floors_ratio > 1 + threshold)
        out->direction = 1;
    else if (out->probe_ratio < 1 - threshold && out->floors_ratio < 1 - threshold)
        out->direction = -1;
    if (out->direction != 0)
        out->machine_ratio = sqrt(out->probe_ratio * out->floors_ratio);
}

bool hp_machine_drift_explains(const struct hp_machine_drift *d, double case_ratio,
                               double threshold)
{
    if (d->direction == 0 || !(case_ratio > 0))
        return false;
    double beyond = case_ratio / d->machine_ratio;
    return d->direction > 0 ? case_ratio > 1 && beyond <= 1 + threshold
                            : case_ratio < 1 && beyond >= 1 - threshold;
}

void hp_machine_drift_describe(const struct hp_machine_drift *d, char *out, size_t size)
{
    char probe[48], floors[64];
    if (isnan(d->probe_ratio))
        snprintf(probe, sizeof probe, "not in both runs");
    else
        snprintf(probe, sizeof probe, "x%.3f%s", d->probe_ratio,
                 d->probe_significant ? "" : " (not significant)");
    if (isnan(d->floors_ratio))
        snprintf(floors, sizeof floors, "not recorded in both runs");
    else
        snprintf(floors, sizeof floors, "x%.3f (geometric mean of %zu)", d->floors_ratio,
                 d->floors_compared);
    snprintf(out, size, "the overhead probe %s and the floors %s", probe, floors);
}
