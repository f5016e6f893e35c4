/* Statistics against values computed by hand; each expected value carries its computation. */
#include <criterion/criterion.h>

#include "rng.h"
#include "stats.h"

#include <math.h>
#include <string.h>

#define EPS 1e-12

static void assert_close(double actual, double expected, double tolerance, const char *what)
{
    cr_assert(fabs(actual - expected) <= tolerance, "%s: got %.17g, expected %.17g", what, actual,
              expected);
}

static struct hp_summary summarize_or_fail(const double *x, size_t n, double level)
{
    struct hp_summary s;
    memset(&s, 0xff, sizeof s);
    cr_assert_eq(hp_summarize(x, n, level, &s), 0);
    return s;
}

/* ---- summaries ---- */

Test(summary, odd_n)
{
    const double x[] = {3, 1, 4, 1, 5}; /* sorted: 1 1 3 4 5 */
    struct hp_summary s = summarize_or_fail(x, 5, 0.95);
    cr_assert_eq(s.n, 5);
    assert_close(s.min, 1, 0, "min");
    assert_close(s.max, 5, 0, "max");
    assert_close(s.mean, 2.8, EPS, "mean"); /* 14 / 5 */
    assert_close(s.median, 3, 0, "median"); /* middle of 1 1 [3] 4 5 */
    /* deviations from 2.8: -1.8 -1.8 0.2 1.2 2.2; squares 3.24 3.24 0.04 1.44 4.84 = 12.8;
     * 12.8 / (5-1) = 3.2; sqrt(3.2) = 1.7888543819998317 */
    assert_close(s.stddev, 1.7888543819998317, EPS, "stddev");
    /* |x - 3| = 2 2 0 1 2 -> sorted 0 1 [2] 2 2 -> 2 */
    assert_close(s.mad, 2, 0, "mad");
    assert_close(s.mad_sigma, 2 * 1.4826, EPS, "mad_sigma");
    /* n = 5: even the full range covers only 1 - 2 * (1/2)^5 = 30/32 = 0.9375 < 0.95 */
    cr_assert_eq(s.ci_method, HP_CI_FULL_RANGE_BELOW_LEVEL);
    assert_close(s.ci_low, 1, 0, "ci_low");
    assert_close(s.ci_high, 5, 0, "ci_high");
    assert_close(s.ci_level, 0.9375, EPS, "ci_level");
}

Test(summary, even_n)
{
    const double x[] = {60, 10, 40, 30, 20, 50};
    struct hp_summary s = summarize_or_fail(x, 6, 0.95);
    assert_close(s.median, 35, 0, "median"); /* (30 + 40) / 2 */
    assert_close(s.mean, 35, EPS, "mean");   /* 210 / 6 */
    /* deviations +-5 +-15 +-25; squares 2 * (25 + 225 + 625) = 1750; 1750 / 5 = 350;
     * sqrt(350) = 18.708286933869708 */
    assert_close(s.stddev, 18.708286933869708, EPS, "stddev");
    /* |x - 35| = 25 15 5 5 15 25 -> sorted 5 5 15 15 25 25 -> (15 + 15) / 2 = 15 */
    assert_close(s.mad, 15, 0, "mad");
    /* n = 6: ranks (1, 6) cover 1 - 2 * (1/64) = 62/64 = 0.96875 >= 0.95; ranks (2, 5) cover
     * 1 - 2 * (1 + 6) / 64 = 50/64 = 0.78125 < 0.95 */
    cr_assert_eq(s.ci_method, HP_CI_ORDER_STATISTIC);
    assert_close(s.ci_low, 10, 0, "ci_low");
    assert_close(s.ci_high, 60, 0, "ci_high");
    assert_close(s.ci_level, 0.96875, EPS, "ci_level");
}

Test(summary, ties)
{
    const double x[] = {2, 7, 2, 2, 2};
    struct hp_summary s = summarize_or_fail(x, 5, 0.95);
    assert_close(s.median, 2, 0, "median"); /* 2 2 [2] 2 7 */
    assert_close(s.mean, 3, EPS, "mean");   /* 15 / 5 */
    /* deviations -1 -1 -1 -1 4; squares 4 * 1 + 16 = 20; 20 / 4 = 5 -> sqrt(5) */
    assert_close(s.stddev, sqrt(5.0), EPS, "stddev");
    /* |x - 2| = 0 0 0 0 5 -> median 0: MAD ignores the single outlier entirely */
    assert_close(s.mad, 0, 0, "mad");
    assert_close(s.mad_sigma, 0, 0, "mad_sigma");
}

Test(summary, one_sample_is_degenerate)
{
    const double x[] = {42};
    struct hp_summary s = summarize_or_fail(x, 1, 0.95);
    assert_close(s.min, 42, 0, "min");
    assert_close(s.max, 42, 0, "max");
    assert_close(s.median, 42, 0, "median");
    assert_close(s.mean, 42, 0, "mean");
    assert_close(s.stddev, 0, 0, "stddev"); /* no n-1 divisor to speak of: defined as 0 */
    assert_close(s.mad, 0, 0, "mad");
    assert_close(s.ci_low, 42, 0, "ci_low");
    assert_close(s.ci_high, 42, 0, "ci_high");
    /* [x(1), x(1)] contains a continuous population's median with probability 0 */
    assert_close(s.ci_level, 0, 0, "ci_level");
    cr_assert_eq(s.ci_method, HP_CI_FULL_RANGE_BELOW_LEVEL);
}

Test(summary, two_samples)
{
    const double x[] = {3, 1};
    struct hp_summary s = summarize_or_fail(x, 2, 0.95);
    assert_close(s.median, 2, 0, "median"); /* (1 + 3) / 2 */
    assert_close(s.mean, 2, 0, "mean");
    /* deviations -1 1; squares 2; 2 / 1 = 2 -> sqrt(2) */
    assert_close(s.stddev, sqrt(2.0), EPS, "stddev");
    assert_close(s.mad, 1, 0, "mad"); /* |x - 2| = 1 1 */
    /* full range of 2 samples: 1 - 2 * (1/4) = 0.5 */
    cr_assert_eq(s.ci_method, HP_CI_FULL_RANGE_BELOW_LEVEL);
    assert_close(s.ci_low, 1, 0, "ci_low");
    assert_close(s.ci_high, 3, 0, "ci_high");
    assert_close(s.ci_level, 0.5, EPS, "ci_level");
}

Test(summary, ten_samples_use_second_order_statistics)
{
    const double x[] = {7, 3, 10, 1, 9, 5, 2, 8, 6, 4};
    struct hp_summary s = summarize_or_fail(x, 10, 0.95);
    assert_close(s.median, 5.5, 0, "median"); /* (5 + 6) / 2 */
    /* ranks (2, 9): coverage 1 - 2 * (1 + 10) / 1024 = 1002/1024 = 0.978515625 */
    cr_assert_eq(s.ci_method, HP_CI_ORDER_STATISTIC);
    assert_close(s.ci_low, 2, 0, "ci_low");
    assert_close(s.ci_high, 9, 0, "ci_high");
    assert_close(s.ci_level, 0.978515625, EPS, "ci_level");
    /* |x - 5.5| = 0.5 0.5 1.5 1.5 2.5 2.5 3.5 3.5 4.5 4.5 -> (2.5 + 2.5) / 2 = 2.5 */
    assert_close(s.mad, 2.5, 0, "mad");
}

Test(summary, input_is_not_modified)
{
    double x[] = {5, 4, 3, 2, 1, 0.5};
    const double before[] = {5, 4, 3, 2, 1, 0.5};
    summarize_or_fail(x, 6, 0.95);
    cr_assert_eq(memcmp(x, before, sizeof x), 0);
}

Test(summary, refuses_bad_input)
{
    const double x[] = {1, 2, 3};
    const double with_nan[] = {1, NAN, 3};
    const double with_inf[] = {1, INFINITY, 3};
    struct hp_summary s;
    cr_assert_eq(hp_summarize(x, 0, 0.95, &s), -1);
    cr_assert_eq(hp_summarize(with_nan, 3, 0.95, &s), -1);
    cr_assert_eq(hp_summarize(with_inf, 3, 0.95, &s), -1);
    cr_assert_eq(hp_summarize(x, 3, 0.0, &s), -1);
    cr_assert_eq(hp_summarize(x, 3, 1.0, &s), -1);
    cr_assert_eq(hp_summarize(x, 3, NAN, &s), -1);
}

/* ---- quantiles ---- */

Test(quantile, type7_interpolation)
{
    const double x[] = {1, 2, 3, 4};
    assert_close(hp_quantile_sorted(x, 4, 0.0), 1, 0, "q0");
    assert_close(hp_quantile_sorted(x, 4, 1.0), 4, 0, "q1");
    assert_close(hp_quantile_sorted(x, 4, 0.5), 2.5, 0, "q.5");      /* h = 3 * 0.5 = 1.5 */
    assert_close(hp_quantile_sorted(x, 4, 0.25), 1.75, EPS, "q.25"); /* h = 0.75: 1 + 0.75 */
    assert_close(hp_quantile_sorted(x, 4, 0.9), 3.7, EPS, "q.9");    /* h = 2.7: 3 + 0.7 */
    const double one[] = {8};
    assert_close(hp_quantile_sorted(one, 1, 0.3), 8, 0, "single");
    cr_assert(isnan(hp_quantile_sorted(x, 0, 0.5)));
    cr_assert(isnan(hp_quantile_sorted(x, 4, -0.1)));
    cr_assert(isnan(hp_quantile_sorted(x, 4, 1.1)));
    cr_assert(isnan(hp_quantile_sorted(x, 4, NAN)));
}

/* ---- order-statistic interval ranks ---- */

static void assert_ranks(size_t n, double level, int method, size_t lo, size_t hi, double coverage)
{
    size_t got_lo = 0, got_hi = 0;
    double got_coverage = -1;
    int got_method = hp_median_ci_ranks(n, level, &got_lo, &got_hi, &got_coverage);
    cr_assert_eq(got_method, method, "n=%zu: method %d", n, got_method);
    cr_assert_eq(got_lo, lo, "n=%zu: lo rank %zu, expected %zu", n, got_lo, lo);
    cr_assert_eq(got_hi, hi, "n=%zu: hi rank %zu, expected %zu", n, got_hi, hi);
    assert_close(got_coverage, coverage, 1e-12, "coverage");
}

/* Coverage of ranks (j, n+1-j) is 1 - 2 * sum_{k<j} C(n,k) / 2^n. */
Test(median_ci, ranks_and_coverage_at_95)
{
    /* n = 5: j = 1 gives 1 - 2/32 = 0.9375 < 0.95, so no pair reaches 95% */
    assert_ranks(5, 0.95, HP_CI_FULL_RANGE_BELOW_LEVEL, 1, 5, 0.9375);
    /* n = 6: j = 1: 1 - 2/64 = 0.96875; j = 2: 1 - 2*7/64 = 0.78125 */
    assert_ranks(6, 0.95, HP_CI_ORDER_STATISTIC, 1, 6, 0.96875);
    /* n = 10: tail(j=2) = C(10,0)+C(10,1) = 11 -> 1 - 22/1024 = 0.978515625;
     *         tail(j=3) = 11 + 45 = 56 -> 1 - 112/1024 = 0.890625 */
    assert_ranks(10, 0.95, HP_CI_ORDER_STATISTIC, 2, 9, 0.978515625);
    /* n = 20: C(20,k), k=0..6: 1 20 190 1140 4845 15504 38760
     *   tail(j=6) = 1+20+190+1140+4845+15504 = 21700 -> 1 - 43400/1048576 = 0.95861053466796875
     *   tail(j=7) = 21700 + 38760 = 60460 -> 1 - 120920/1048576 = 0.8846817... */
    assert_ranks(20, 0.95, HP_CI_ORDER_STATISTIC, 6, 15, 0.95861053466796875);
    /* n = 30: C(30,k), k=0..10: 1 30 435 4060 27405 142506 593775 2035800 5852925 14307150
     *   30045015
     *   tail(j=10) = sum k=0..9 = 22964087 -> 1 - 45928174/1073741824 = 0.95722605474293232
     *   tail(j=11) = 22964087 + 30045015 = 53009102 -> 1 - 106018204/1073741824 = 0.90126... */
    assert_ranks(30, 0.95, HP_CI_ORDER_STATISTIC, 10, 21, 0.95722605474293232);
}

Test(median_ci, other_levels_and_edges)
{
    /* n = 10 at 80%: j = 3 covers 0.890625 (above); j = 4: tail = 56 + 120 = 176 ->
     * 1 - 352/1024 = 0.65625 (below) */
    assert_ranks(10, 0.80, HP_CI_ORDER_STATISTIC, 3, 8, 0.890625);
    /* a level met exactly by a pair is accepted: n = 6, level 31/32 */
    assert_ranks(6, 0.96875, HP_CI_ORDER_STATISTIC, 1, 6, 0.96875);
    /* n = 1: [x(1), x(1)] covers 1 - 2 * (1/2) = 0 */
    assert_ranks(1, 0.95, HP_CI_FULL_RANGE_BELOW_LEVEL, 1, 1, 0.0);
    size_t lo, hi;
    double coverage;
    cr_assert_eq(hp_median_ci_ranks(0, 0.95, &lo, &hi, &coverage), -1);
    cr_assert_eq(hp_median_ci_ranks(10, 1.5, &lo, &hi, &coverage), -1);
}

Test(median_ci, large_n_does_not_underflow)
{
    /* 2^-5000 underflows a double; the walk must still find ranks. Normal approximation:
     * j ~ n/2 - 1.96 * sqrt(n)/2 = 2500 - 69.3, so j is within a few ranks of 2430. */
    size_t lo, hi;
    double coverage;
    cr_assert_eq(hp_median_ci_ranks(5000, 0.95, &lo, &hi, &coverage), HP_CI_ORDER_STATISTIC);
    cr_assert(lo >= 2425 && lo <= 2436, "lo rank %zu", lo);
    cr_assert_eq(hi, 5001 - lo);
    cr_assert(coverage >= 0.95 && coverage < 0.96, "coverage %g", coverage);
}

/* ---- noise rule ---- */

Test(noise, relative_width_against_threshold)
{
    struct hp_summary s = {.n = 10, .median = 100, .ci_low = 98, .ci_high = 104};
    /* (104 - 98) / 100 = 0.06 */
    cr_assert(hp_summary_is_noisy(&s, HP_NOISE_DEFAULT_RELATIVE_CI_WIDTH));
    cr_assert_not(hp_summary_is_noisy(&s, 0.10));
    s.ci_high = 101; /* (101 - 98) / 100 = 0.03 */
    cr_assert_not(hp_summary_is_noisy(&s, HP_NOISE_DEFAULT_RELATIVE_CI_WIDTH));
    struct hp_summary zero = {.n = 10, .median = 0, .ci_low = 0, .ci_high = 0};
    cr_assert_not(hp_summary_is_noisy(&zero, 0.05));
    zero.ci_high = 1;
    cr_assert(hp_summary_is_noisy(&zero, 0.05));
}

/* ---- bootstrap of the ratio of medians ---- */

static void fill_timings(double *x, size_t n, double centre, uint64_t seed)
{
    /* skewed like timings: uniform jitter up to 5% plus a rare 30% outlier */
    struct hp_rng rng;
    hp_rng_seed(&rng, seed);
    for (size_t i = 0; i < n; i++) {
        double jitter = 0.05 * hp_rng_unit(&rng);
        double outlier = hp_rng_below(&rng, 20) == 0 ? 0.3 : 0.0;
        x[i] = centre * (1.0 + jitter + outlier);
    }
}

Test(bootstrap, deterministic_given_seed)
{
    double old[10], new_[10];
    fill_timings(old, 10, 100, 1);
    fill_timings(new_, 10, 110, 2);
    double r1, lo1, hi1, r2, lo2, hi2, r3, lo3, hi3;
    cr_assert_eq(hp_bootstrap_ratio_ci(old, 10, new_, 10, 0.95, 2000, 7, &r1, &lo1, &hi1), 0);
    cr_assert_eq(hp_bootstrap_ratio_ci(old, 10, new_, 10, 0.95, 2000, 7, &r2, &lo2, &hi2), 0);
    cr_assert_eq(memcmp(&lo1, &lo2, sizeof lo1), 0);
    cr_assert_eq(memcmp(&hi1, &hi2, sizeof hi1), 0);
    cr_assert_eq(r1, r2);
    /* another seed resamples differently; the point estimate does not depend on it */
    cr_assert_eq(hp_bootstrap_ratio_ci(old, 10, new_, 10, 0.95, 2000, 8, &r3, &lo3, &hi3), 0);
    cr_assert_eq(r1, r3);
    cr_assert(lo1 != lo3 || hi1 != hi3);
}

Test(bootstrap, point_ratio_and_containment)
{
    const double old[] = {100, 104, 101, 103, 102};      /* median 102 */
    const double new_[] = {112, 110.5, 111, 113, 112.2}; /* median 112 */
    double ratio, lo, hi;
    cr_assert_eq(hp_bootstrap_ratio_ci(old, 5, new_, 5, 0.95, 4000, 1, &ratio, &lo, &hi), 0);
    assert_close(ratio, 112.0 / 102.0, EPS, "ratio");
    cr_assert(lo <= ratio && ratio <= hi, "[%g, %g] misses %g", lo, hi, ratio);
    /* every resampled median lies in [min, max] of its side: 110.5/104 .. 113/100 */
    cr_assert(lo >= 110.5 / 104 - EPS && hi <= 113.0 / 100 + EPS, "[%g, %g]", lo, hi);

    double same_lo, same_hi;
    cr_assert_eq(hp_bootstrap_ratio_ci(old, 5, old, 5, 0.95, 4000, 1, &ratio, &same_lo, &same_hi),
                 0);
    assert_close(ratio, 1.0, 0, "identical ratio");
    cr_assert(same_lo <= 1.0 && 1.0 <= same_hi);
}

Test(bootstrap, resampled_medians_follow_the_resampling_distribution)
{
    /* old = {1}: every resampled median is 1. new = {2, 4}: a resample is {2,2}, {2,4}, {4,2}
     * or {4,4}, medians 2, 3, 3, 4 - so the ratio is 2 w.p. 1/4, 3 w.p. 1/2, 4 w.p. 1/4. The
     * 0.4 and 0.6 quantiles (level 0.2) sit well inside the mass at 3 (which spans 0.25..0.75,
     * give or take 0.01 over 4000 rounds); a resampled median that took one middle value instead
     * of their mean would put them at 2 or 4. */
    const double old[] = {1}, new_[] = {2, 4};
    double ratio, lo, hi;
    cr_assert_eq(hp_bootstrap_ratio_ci(old, 1, new_, 2, 0.2, 4000, 21, &ratio, &lo, &hi), 0);
    assert_close(ratio, 3, 0, "ratio"); /* (2 + 4) / 2 / 1 */
    assert_close(lo, 3, 0, "lo");
    assert_close(hi, 3, 0, "hi");
    /* level 0.9: quantiles 0.05 and 0.95 land in the masses at 2 and 4 */
    cr_assert_eq(hp_bootstrap_ratio_ci(old, 1, new_, 2, 0.9, 4000, 21, &ratio, &lo, &hi), 0);
    assert_close(lo, 2, 0, "lo 90%");
    assert_close(hi, 4, 0, "hi 90%");
}

Test(bootstrap, narrows_as_samples_grow)
{
    static double old[400], new_[400];
    fill_timings(old, 400, 100, 11);
    fill_timings(new_, 400, 120, 12);
    double r_small, lo_small, hi_small, r_big, lo_big, hi_big;
    cr_assert_eq(
        hp_bootstrap_ratio_ci(old, 10, new_, 10, 0.95, 2000, 3, &r_small, &lo_small, &hi_small), 0);
    cr_assert_eq(
        hp_bootstrap_ratio_ci(old, 400, new_, 400, 0.95, 2000, 3, &r_big, &lo_big, &hi_big), 0);
    cr_assert(lo_small <= r_small && r_small <= hi_small);
    cr_assert(lo_big <= r_big && r_big <= hi_big);
    cr_assert(hi_big - lo_big < 0.5 * (hi_small - lo_small), "small [%g, %g], big [%g, %g]",
              lo_small, hi_small, lo_big, hi_big);
    /* both centred near the true 1.2 */
    cr_assert(lo_big < 1.2 * 1.01 && hi_big > 1.2 * 0.99, "[%g, %g]", lo_big, hi_big);
}

Test(bootstrap, refuses_bad_input)
{
    const double x[] = {1, 2, 3};
    const double with_zero[] = {0, 2, 3};
    double r, lo, hi;
    cr_assert_eq(hp_bootstrap_ratio_ci(x, 0, x, 3, 0.95, 100, 1, &r, &lo, &hi), -1);
    cr_assert_eq(hp_bootstrap_ratio_ci(x, 3, x, 0, 0.95, 100, 1, &r, &lo, &hi), -1);
    cr_assert_eq(hp_bootstrap_ratio_ci(x, 3, x, 3, 0.95, 0, 1, &r, &lo, &hi), -1);
    cr_assert_eq(hp_bootstrap_ratio_ci(x, 3, x, 3, 1.0, 100, 1, &r, &lo, &hi), -1);
    cr_assert_eq(hp_bootstrap_ratio_ci(with_zero, 3, x, 3, 0.95, 100, 1, &r, &lo, &hi), -1);
}

/* ---- Mann-Whitney U ---- */

Test(mann_whitney, exact_tiny_samples)
{
    double u;
    /* a = {1,2,3} below b = {4,5,6}: U_a = 0. Of C(6,3) = 20 equally likely rank sets only one
     * gives U = 0, so P(U <= 0) = 1/20 and the two-sided p = 2/20 = 0.1 */
    const double a[] = {1, 2, 3}, b[] = {4, 5, 6};
    assert_close(hp_mann_whitney_p(a, 3, b, 3, &u), 0.1, EPS, "p");
    assert_close(u, 0, 0, "U");
    /* swapped: U_a = 9 = 3 * 3, the other tail, same p */
    assert_close(hp_mann_whitney_p(b, 3, a, 3, &u), 0.1, EPS, "p swapped");
    assert_close(u, 9, 0, "U swapped");

    /* a = {1,3}, b = {2,4,5}: U_a = 1 (3 > 2). m=2, n=3: C(5,2) = 10 rank sets with
     * U = 0,1,2,3,4,5,6 counted 1,1,2,2,2,1,1. P(U <= 1) = 2/10, p = 0.4 */
    const double c[] = {1, 3}, d[] = {2, 4, 5};
    assert_close(hp_mann_whitney_p(c, 2, d, 3, &u), 0.4, EPS, "p 2x3");
    assert_close(u, 1, 0, "U 2x3");

    /* interleaved a = {1,3,5}, b = {2,4,6}: U_a = 3 (3>2, 5>2, 5>4). m = n = 3: U = 0..9
     * counted 1 1 2 3 3 3 3 2 1 1 (sum 20). P(U <= 3) = 7/20, P(U >= 3) = 16/20,
     * p = 2 * 7/20 = 0.7 */
    const double e[] = {1, 3, 5}, f[] = {2, 4, 6};
    assert_close(hp_mann_whitney_p(e, 3, f, 3, &u), 0.7, EPS, "p interleaved");
    assert_close(u, 3, 0, "U interleaved");
}

Test(mann_whitney, identical_samples_give_one)
{
    double u;
    const double same[] = {5, 5, 5};
    assert_close(hp_mann_whitney_p(same, 3, same, 3, &u), 1.0, 0, "all equal");
    assert_close(u, 4.5, 0, "U all equal"); /* 9 pairs, each a tie worth 1/2 */
    const double a[] = {1, 2, 3};
    /* ties across the samples -> normal approximation; U = 4.5 = mn/2 exactly -> p = 1 */
    assert_close(hp_mann_whitney_p(a, 3, a, 3, &u), 1.0, 0, "same values");
    assert_close(u, 4.5, 0, "U same values");
}

Test(mann_whitney, ties_use_corrected_normal)
{
    /* a = {1,2,2}, b = {2,3,4}. Pooled: 1(a) 2(a) 2(a) 2(b) 3(b) 4(b); the three 2s share
     * mid-rank (2+3+4)/3 = 3. R_a = 1 + 3 + 3 = 7, U_a = 7 - 3*4/2 = 1.
     * mean = 9/2 = 4.5; tie term sum(t^3 - t) = 27 - 3 = 24;
     * var = 9/12 * (7 - 24/(6*5)) = 0.75 * 6.2 = 4.65;
     * z = (|1 - 4.5| - 0.5) / sqrt(4.65) = 3 / 2.1563858652847827 = 1.3912166872805047;
     * p = erfc(z / sqrt 2) = 0.16415972847851523 */
    const double a[] = {1, 2, 2}, b[] = {2, 3, 4};
    double u;
    assert_close(hp_mann_whitney_p(a, 3, b, 3, &u), 0.16415972847851523, 1e-12, "p ties");
    assert_close(u, 1, 0, "U ties");
    cr_assert(isnan(hp_mann_whitney_p_with(a, 3, b, 3, HP_RANK_TEST_EXACT, &u)),
              "exact null distribution assumes no ties");
}

static void shuffled_distinct(double *x, size_t n, double offset, struct hp_rng *rng)
{
    /* distinct values: index + offset + jitter in [0, 0.5) keeps them apart */
    for (size_t i = 0; i < n; i++)
        x[i] = (double)i + offset + 0.5 * hp_rng_unit(rng);
    for (size_t i = n - 1; i > 0; i--) {
        size_t j = hp_rng_below(rng, i + 1);
        double t = x[i];
        x[i] = x[j];
        x[j] = t;
    }
}

Test(mann_whitney, exact_and_normal_agree_for_moderate_n)
{
    struct hp_rng rng;
    hp_rng_seed(&rng, 99);
    const size_t sizes[] = {20, 35, 50};
    const double shifts[] = {0.25, 2.75, 5.25, 8.75};
    for (size_t si = 0; si < 3; si++) {
        for (size_t sh = 0; sh < 4; sh++) {
            double a[50], b[50];
            size_t n = sizes[si];
            shuffled_distinct(a, n, 0.0, &rng);
            /* continuous jitter makes a tie practically impossible; the !isnan check below
             * would catch one (the exact method refuses ties) */
            shuffled_distinct(b, n, shifts[sh], &rng);
            double u_exact, u_normal;
            double exact = hp_mann_whitney_p_with(a, n, b, n, HP_RANK_TEST_EXACT, &u_exact);
            double normal = hp_mann_whitney_p_with(a, n, b, n, HP_RANK_TEST_NORMAL, &u_normal);
            cr_assert(!isnan(exact));
            cr_assert_eq(u_exact, u_normal);
            cr_assert(fabs(exact - normal) < 0.01, "n=%zu shift=%g: exact %g normal %g", n,
                      shifts[sh], exact, normal);
            cr_assert_eq(hp_mann_whitney_p(a, n, b, n, NULL), exact, "auto is exact here");
        }
    }
}

Test(mann_whitney, above_limit_uses_normal)
{
    struct hp_rng rng;
    hp_rng_seed(&rng, 5);
    double a[60], b[60];
    shuffled_distinct(a, 60, 0.0, &rng);
    shuffled_distinct(b, 60, 3.75, &rng);
    double normal = hp_mann_whitney_p_with(a, 60, b, 60, HP_RANK_TEST_NORMAL, NULL);
    cr_assert_eq(hp_mann_whitney_p(a, 60, b, 60, NULL), normal);
    cr_assert(isnan(hp_mann_whitney_p_with(a, 60, b, 60, HP_RANK_TEST_EXACT, NULL)));
    /* far apart samples: U_a = 0 -> z = (1800 - 0.5) / sqrt(3600 * 121 / 12) is about 9.8 */
    for (size_t i = 0; i < 60; i++)
        b[i] = a[i] + 1000;
    double u;
    cr_assert(hp_mann_whitney_p(a, 60, b, 60, &u) < 1e-15);
    assert_close(u, 0, 0, "U separated");
}

Test(mann_whitney, refuses_bad_input)
{
    const double a[] = {1, 2, 3}, with_nan[] = {1, NAN};
    double u = 0;
    cr_assert(isnan(hp_mann_whitney_p(a, 0, a, 3, &u)));
    cr_assert(isnan(u));
    cr_assert(isnan(hp_mann_whitney_p(a, 3, a, 0, NULL)));
    cr_assert(isnan(hp_mann_whitney_p(a, 3, with_nan, 2, NULL)));
}
