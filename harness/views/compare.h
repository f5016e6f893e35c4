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

#include <stdbool.h>
#include <stddef.h>
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

/* Machine drift: when the host gets slower (or faster) between two runs, every case moves, the
 * overhead probe (the `null` case: nothing but the harness's loop) and the floors (a clock
 * read, a TSC read, an L1 load, a CAS, measured at each run's start) with them. A change in the
 * code moves its cases, not the probe and the floors. So two runs whose probe moved
 * significantly beyond the threshold and whose floors moved beyond it the same way are said to
 * differ by the machine: a case slower by no more than the machine (its ratio over the
 * machine's within 1 + threshold) is not blamed on the code. The machine's ratio is the
 * geometric mean of the probe's and the floors'. docs/ci.md. */
/* compare's threshold for it (the gate uses its configured one). */
#define HP_MACHINE_DRIFT_THRESHOLD 0.05

struct hp_machine_drift {
    double probe_ratio;     /* the probe's median new/old; NAN when a side has no probe */
    bool probe_significant; /* the probe's comparison called it slower or faster */
    double floors_ratio;    /* geometric mean of the floors' ratios new/old; NAN when < 2 */
    size_t floors_compared;
    int direction;        /* +1 both slower, -1 both faster beyond the threshold, 0 neither */
    double machine_ratio; /* sqrt(probe_ratio * floors_ratio) when direction != 0, else NAN */
};

/* probe: the comparison of the overhead probe's case (the gate's clock), or NULL when the runs
 * do not share one. */
void hp_machine_drift_assess(const struct hp_results *old, const struct hp_results *new_,
                             const struct hp_case_comparison *probe, double threshold,
                             struct hp_machine_drift *out);

/* Whether a case that changed by case_ratio moved no more than the machine did (same
 * direction, ratio over the machine's within 1 +- threshold). */
bool hp_machine_drift_explains(const struct hp_machine_drift *d, double case_ratio,
                               double threshold);

/* "the overhead probe x1.200 and the floors x1.198 (4 floors)" */
void hp_machine_drift_describe(const struct hp_machine_drift *d, char *out, size_t size);

#endif
