/* Statistics behind every hotpath report and the regression gate.
 *
 * Benchmark timings are right-skewed and their outliers are real (preemption, page faults,
 * frequency changes), so the summary centres on the median and brackets it with a
 * distribution-free order-statistic interval instead of mean +- t*sd. Comparisons use a
 * bootstrap interval of the ratio of medians (how big is the change) and the Mann-Whitney U test
 * (is there a change at all). docs/statistics.md explains each choice and its limits.
 *
 * Nothing here is on a measured path: functions may allocate, never print, and never modify
 * their inputs. Invalid arguments (no samples, NaN or infinite samples, a level outside (0, 1))
 * are refused with -1 (or NaN for functions returning a value); the caller knows where the
 * samples came from and writes the "FILE:LINE: problem" message.
 */
#ifndef HOTPATH_STATS_H
#define HOTPATH_STATS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* How the interval of the median in a summary was obtained. */
enum hp_ci_method {
    /* [x(j), x(n+1-j)] with the narrowest symmetric rank pair whose exact binomial(n, 1/2)
     * coverage reaches the requested level; ci_level is that coverage (>= level). */
    HP_CI_ORDER_STATISTIC = 0,
    /* Too few samples for any rank pair to reach the level (n <= 5 at 95%): the interval is the
     * full range [min, max] and ci_level is its coverage 1 - 2^(1-n), below the requested
     * level. Reports must flag it. */
    HP_CI_FULL_RANGE_BELOW_LEVEL = 1,
};

struct hp_summary {
    size_t n;
    double min, max, mean, median;
    double stddev;          /* sample standard deviation (divisor n-1); 0 when n == 1 */
    double mad;             /* raw median absolute deviation from the median, unscaled */
    double mad_sigma;       /* 1.4826 * mad: estimates the standard deviation for normal data */
    double ci_low, ci_high; /* interval of the median */
    double ci_level;        /* coverage actually achieved, e.g. 0.9785 for n = 10 at 95% */
    int ci_method;          /* enum hp_ci_method */
};

/* Scale factor from MAD to a normal standard deviation: 1 / Phi^-1(3/4). */
#define HP_MAD_TO_SIGMA 1.4826

/* A summary is "noisy" when its median interval is wider than this fraction of the median.
 * With the default 10 samples the 95% interval is [x(2), x(9)], so 5% means the middle eight runs
 * lie within a band 5% of the median wide: tight enough that a 10% change stands clear of the
 * noise, loose enough that a quiet machine passes. See docs/statistics.md. */
#define HP_NOISE_DEFAULT_RELATIVE_CI_WIDTH 0.05

/* Largest sample size (each side) for which the Mann-Whitney p-value is computed exactly. */
#define HP_MANN_WHITNEY_EXACT_LIMIT 50

/* Fills *out from n samples (copied and sorted internally; the input is not modified).
 * level is the requested coverage of the median interval, 0 < level < 1 (typically 0.95).
 * Returns 0, or -1 when n == 0, a sample is not finite, level is out of range, or memory runs
 * out. */
int hp_summarize(const double *samples, size_t n, double level, struct hp_summary *out);

/* Ranks (1-based, lo_rank <= hi_rank = n + 1 - lo_rank) of the order-statistic interval of the
 * median for n samples at the requested level, and its exact coverage. Returns the
 * enum hp_ci_method used, or -1 when n == 0 or level is out of range. Depends only on n and
 * level, so reports can say how many samples a level needs. */
int hp_median_ci_ranks(size_t n, double level, size_t *lo_rank, size_t *hi_rank, double *coverage);

/* Quantile q in [0, 1] of n ascending samples by linear interpolation between order statistics
 * (Hyndman & Fan type 7, the default of R and NumPy). NaN when n == 0 or q is out of range. */
double hp_quantile_sorted(const double *sorted, size_t n, double q);

/* True when (ci_high - ci_low) / median > max_relative_ci_width. A summary whose median is not
 * positive is noisy as soon as its interval has any width. Callers should also flag
 * ci_method == HP_CI_FULL_RANGE_BELOW_LEVEL separately: too few samples is not the same as
 * noise. */
bool hp_summary_is_noisy(const struct hp_summary *s, double max_relative_ci_width);

/* Percentile-bootstrap interval of median(new_) / median(old): each of `iterations` rounds
 * resamples both sides independently with replacement (hp_rng seeded with `seed`, so the result
 * is a pure function of the arguments) and the interval is the type-7 quantiles
 * (1 - level) / 2 and (1 + level) / 2 of the resampled ratios. *ratio is the point estimate
 * from the original samples. Samples must be finite and those of `old` positive (the ratio
 * divides by them). Returns 0, or -1 on invalid arguments (empty side, iterations == 0, level
 * out of range) or when memory runs out. */
int hp_bootstrap_ratio_ci(const double *old, size_t n_old, const double *new_, size_t n_new,
                          double level, unsigned iterations, uint64_t seed, double *ratio,
                          double *lo, double *hi);

/* Which null distribution the Mann-Whitney p-value comes from. */
enum hp_rank_test_method {
    /* Exact when there are no ties and both sides have <= HP_MANN_WHITNEY_EXACT_LIMIT samples,
     * normal approximation otherwise. */
    HP_RANK_TEST_AUTO = 0,
    /* Exact enumeration of the U distribution; refused (NaN) with ties or above the limit. */
    HP_RANK_TEST_EXACT,
    /* Normal approximation with tie and continuity corrections. */
    HP_RANK_TEST_NORMAL,
};

/* Two-sided Mann-Whitney U test (Wilcoxon rank-sum test) of "a and b come from the same
 * distribution" against a location shift in either direction. Returns the p-value, or NaN when
 * a side is empty or a sample is not finite. *u_out (may be NULL) receives U for `a`: the number
 * of pairs (a_i, b_j) with a_i > b_j, ties counting 1/2 (so U_a + U_b = na * nb). */
double hp_mann_whitney_p(const double *a, size_t na, const double *b, size_t nb, double *u_out);

/* The same test with the null distribution chosen by the caller (tests compare the two). */
double hp_mann_whitney_p_with(const double *a, size_t na, const double *b, size_t nb,
                              enum hp_rank_test_method method, double *u_out);

/* The Universal Scalability Law (Gunther): throughput on N threads
 *
 *     X(N) = lambda N / (1 + sigma (N - 1) + kappa N (N - 1))
 *
 * sigma the contention (the serialised share), kappa the coherency cost (crosstalk between every
 * pair of threads). Fitted by least squares on the linear form N / C(N) - 1 = sigma (N - 1) +
 * kappa N (N - 1), C(N) = X(N) / X(1), over the points with N <= max_threads only (beyond the
 * CPUs, threads are time-sliced: the law's model of contention does not hold), and only with at
 * least HP_USL_MIN_POINTS of them, one of them N = 1. A coefficient the fit makes negative is
 * set to 0 and the other refitted alone. */
enum { HP_USL_MIN_POINTS = 4 };

struct hp_usl_fit {
    double sigma, kappa, lambda; /* lambda = X(1) */
    double rms_relative_error;   /* of the fitted X(N) against the measured, over the points */
    size_t points;
    unsigned peak_threads; /* N of the fitted curve's maximum (sqrt((1 - sigma) / kappa)), 0 when
                              kappa is 0 (no maximum) */
};

/* 0 with *out filled, or -1 when too few points qualify (out->points says how many did). */
int hp_usl_fit(const unsigned *threads, const double *throughput, size_t n, unsigned max_threads,
               struct hp_usl_fit *out);

#endif
