/* One comparison of two measured cases. See compare.h. */
#include "compare.h"

#include <math.h>
#include <stdbool.h>

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
