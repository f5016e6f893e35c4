/* One comparison of two measured cases: the statistics behind `hotpath compare`, the phase
 * table, the claims verdicts and the gate, so that all of them call a change the same way.
 *
 * The size of a change is the ratio new/old of the medians of ns/op, with a percentile-bootstrap
 * interval (stats.h). A change is significant when that interval excludes 1 AND the two-sided
 * Mann-Whitney test rejects "same distribution" at alpha = 1 - level: the bootstrap interval of
 * a median under-covers with ~10 samples, and the rank test alone does not say how big a change
 * is. "No significant change" means the run cannot tell the two apart, not that they are equal.
 * With fewer than HP_COMPARE_MIN_SAMPLES samples on a side no verdict is given.
 * docs/statistics.md explains the choice.
 */
#ifndef HOTPATH_COMPARE_H
#define HOTPATH_COMPARE_H

#include <stdint.h>

#include "common/error.h"
#include "results_read.h"

enum { HP_COMPARE_MIN_SAMPLES = 3 };

struct hp_compare_options {
    double level;        /* coverage of the ratio interval (0.95) */
    unsigned iterations; /* bootstrap rounds (10000) */
    uint64_t seed;       /* bootstrap stream: a comparison is a pure function of its inputs */
};

void hp_compare_options_defaults(struct hp_compare_options *o);

enum hp_change {
    HP_CHANGE_NONE,   /* the ratio interval contains 1 */
    HP_CHANGE_FASTER, /* the whole interval is below 1 */
    HP_CHANGE_SLOWER, /* the whole interval is above 1 */
    HP_CHANGE_TOO_FEW_SAMPLES,
};

/* "no significant change", "faster", "slower", "too few samples". */
const char *hp_change_name(enum hp_change c);

struct hp_case_comparison {
    double old_median, new_median;       /* ns/op */
    double ratio, ratio_low, ratio_high; /* new / old, and its interval */
    double p_value;                      /* two-sided Mann-Whitney; NAN when not computable */
    enum hp_change change;
    /* Allocations and bytes per op, old and new (NAN when a file did not record them). */
    double old_allocs_per_op, new_allocs_per_op;
    double old_bytes_per_op, new_bytes_per_op;
};

/* Compares the ns/op samples of two cases. Returns 0, or -1 with err set when the statistics
 * cannot be computed (out of memory; invalid samples are refused by the reader already). */
int hp_compare_cases(const struct hp_result_case *old, const struct hp_result_case *new_,
                     const struct hp_compare_options *options, struct hp_case_comparison *out,
                     struct hp_error *err);

#endif
