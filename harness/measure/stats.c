/* Summaries, median intervals, the ratio bootstrap and the Mann-Whitney U test.
 * The methods and their limits are described in docs/statistics.md. */
#include "stats.h"

#include "rng.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* Coverages are sums of binomial probabilities accumulated in floating point; a pair whose exact
 * coverage equals the requested level must not be rejected for a rounding error. */
#define COVERAGE_TOLERANCE 1e-12

static int compare_doubles(const void *pa, const void *pb)
{
    double a = *(const double *)pa, b = *(const double *)pb;
    return (a > b) - (a < b);
}

static bool all_finite(const double *x, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (!isfinite(x[i]))
            return false;
    return true;
}

static bool level_is_valid(double level)
{
    return level > 0.0 && level < 1.0; /* also false for NaN */
}

static double *sorted_copy(const double *x, size_t n)
{
    double *copy = malloc(n * sizeof *copy);
    if (!copy)
        return NULL;
    memcpy(copy, x, n * sizeof *copy);
    qsort(copy, n, sizeof *copy, compare_doubles);
    return copy;
}

double hp_quantile_sorted(const double *sorted, size_t n, double q)
{
    if (n == 0 || !(q >= 0.0 && q <= 1.0))
        return NAN;
    double h = (double)(n - 1) * q;
    size_t lo = (size_t)h;
    if (lo >= n - 1)
        return sorted[n - 1];
    double fraction = h - (double)lo;
    return sorted[lo] + fraction * (sorted[lo + 1] - sorted[lo]);
}

int hp_median_ci_ranks(size_t n, double level, size_t *lo_rank, size_t *hi_rank, double *coverage)
{
    if (n == 0 || !level_is_valid(level))
        return -1;
    /* [x(j), x(n+1-j)] misses the population median exactly when fewer than j samples fall on
     * one side of it, so its coverage is 1 - 2 * P(B <= j-1) with B ~ binomial(n, 1/2). Walk j
     * up from 1 while the tail stays within the allowed miss probability. The pmf is carried in
     * log space because 2^-n underflows for n > 1074. */
    double log_pmf = -(double)n * M_LN2; /* log P(B = 0) */
    double tail = 0.0;                   /* P(B <= j - 1) */
    size_t best = 0;
    double best_coverage = 0.0;
    for (size_t j = 1; 2 * j <= n + 1; j++) {
        size_t k = j - 1; /* fold P(B = k) into the tail */
        if (k > 0)
            log_pmf += log((double)(n - k + 1) / (double)k);
        tail += exp(log_pmf);
        double cov = 1.0 - 2.0 * tail;
        if (cov + COVERAGE_TOLERANCE < level)
            break;
        best = j;
        best_coverage = cov;
    }
    if (best == 0) {
        /* Even the full range falls short: report it with its true coverage 1 - 2^(1-n). */
        *lo_rank = 1;
        *hi_rank = n;
        *coverage = n == 1 ? 0.0 : 1.0 - 2.0 * exp(-(double)n * M_LN2);
        return HP_CI_FULL_RANGE_BELOW_LEVEL;
    }
    *lo_rank = best;
    *hi_rank = n + 1 - best;
    *coverage = best_coverage;
    return HP_CI_ORDER_STATISTIC;
}

int hp_summarize(const double *samples, size_t n, double level, struct hp_summary *out)
{
    if (n == 0 || !samples || !out || !level_is_valid(level) || !all_finite(samples, n))
        return -1;
    double *sorted = sorted_copy(samples, n);
    double *deviations = malloc(n * sizeof *deviations);
    if (!sorted || !deviations) {
        free(sorted);
        free(deviations);
        return -1;
    }

    struct hp_summary s = {.n = n, .min = sorted[0], .max = sorted[n - 1]};
    double sum = 0.0;
    for (size_t i = 0; i < n; i++)
        sum += sorted[i];
    s.mean = sum / (double)n;
    /* Two passes: subtracting the mean first avoids the cancellation of sum(x^2) - n*mean^2,
     * which is severe for timings that differ only in their last digits. */
    double squares = 0.0;
    for (size_t i = 0; i < n; i++)
        squares += (sorted[i] - s.mean) * (sorted[i] - s.mean);
    s.stddev = n > 1 ? sqrt(squares / (double)(n - 1)) : 0.0;

    s.median = hp_quantile_sorted(sorted, n, 0.5);
    for (size_t i = 0; i < n; i++)
        deviations[i] = fabs(sorted[i] - s.median);
    qsort(deviations, n, sizeof *deviations, compare_doubles);
    s.mad = hp_quantile_sorted(deviations, n, 0.5);
    s.mad_sigma = HP_MAD_TO_SIGMA * s.mad;

    size_t lo_rank, hi_rank;
    s.ci_method = hp_median_ci_ranks(n, level, &lo_rank, &hi_rank, &s.ci_level);
    s.ci_low = sorted[lo_rank - 1];
    s.ci_high = sorted[hi_rank - 1];

    free(sorted);
    free(deviations);
    *out = s;
    return 0;
}

bool hp_summary_is_noisy(const struct hp_summary *s, double max_relative_ci_width)
{
    double width = s->ci_high - s->ci_low;
    if (!(s->median > 0.0))
        return width > 0.0;
    return width / s->median > max_relative_ci_width;
}

/* Median of a resample of `sorted` drawn with replacement. Counting how often each index is
 * drawn and walking the counts finds the middle order statistics in O(n) without sorting. */
static double resampled_median(const double *sorted, size_t n, unsigned *counts, struct hp_rng *rng)
{
    memset(counts, 0, n * sizeof *counts);
    for (size_t i = 0; i < n; i++)
        counts[hp_rng_below(rng, n)]++;
    size_t lower_pos = (n - 1) / 2, upper_pos = n / 2; /* 0-based positions of the middle */
    double lower = NAN, upper = NAN;
    size_t seen = 0;
    for (size_t i = 0; i < n; i++) {
        if (counts[i] == 0)
            continue;
        size_t next = seen + counts[i];
        if (lower_pos >= seen && lower_pos < next)
            lower = sorted[i];
        if (upper_pos >= seen && upper_pos < next) {
            upper = sorted[i];
            break;
        }
        seen = next;
    }
    return lower + 0.5 * (upper - lower);
}

static bool all_positive(const double *x, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (!(x[i] > 0.0))
            return false;
    return true;
}

int hp_bootstrap_ratio_ci(const double *old, size_t n_old, const double *new_, size_t n_new,
                          double level, unsigned iterations, uint64_t seed, double *ratio,
                          double *lo, double *hi)
{
    if (!old || !new_ || n_old == 0 || n_new == 0 || iterations == 0 || !level_is_valid(level) ||
        !all_finite(old, n_old) || !all_finite(new_, n_new) || !all_positive(old, n_old))
        return -1;
    double *old_sorted = sorted_copy(old, n_old);
    double *new_sorted = sorted_copy(new_, n_new);
    unsigned *counts = malloc((n_old > n_new ? n_old : n_new) * sizeof *counts);
    double *ratios = malloc(iterations * sizeof *ratios);
    int rc = -1;
    if (!old_sorted || !new_sorted || !counts || !ratios)
        goto out;

    *ratio =
        hp_quantile_sorted(new_sorted, n_new, 0.5) / hp_quantile_sorted(old_sorted, n_old, 0.5);
    struct hp_rng rng;
    hp_rng_seed(&rng, seed);
    for (unsigned i = 0; i < iterations; i++) {
        /* Old side first, then new: the draw order is part of the seed's meaning. */
        double old_median = resampled_median(old_sorted, n_old, counts, &rng);
        double new_median = resampled_median(new_sorted, n_new, counts, &rng);
        ratios[i] = new_median / old_median;
    }
    qsort(ratios, iterations, sizeof *ratios, compare_doubles);
    *lo = hp_quantile_sorted(ratios, iterations, (1.0 - level) / 2.0);
    *hi = hp_quantile_sorted(ratios, iterations, (1.0 + level) / 2.0);
    rc = 0;
out:
    free(old_sorted);
    free(new_sorted);
    free(counts);
    free(ratios);
    return rc;
}

struct labelled {
    double value;
    bool from_a;
};

static int compare_labelled(const void *pa, const void *pb)
{
    const struct labelled *a = pa, *b = pb;
    return (a->value > b->value) - (a->value < b->value);
}

/* Two-sided exact p-value of U = u for sizes (na, nb) without ties. Under the null every choice
 * of which na of the na+nb ranks belong to `a` is equally likely; count the choices by their
 * rank sum W = U + na(na+1)/2 (subset-sum counting over ranks 1..N, largest subset size first
 * so each rank is used at most once). The counts reach C(100, 50) ~ 1e29: doubles hold them
 * with full relative precision because only additions of positive numbers are involved. */
static double exact_two_sided_p(size_t na, size_t nb, double u)
{
    size_t total = na + nb;
    size_t max_sum = na * total; /* loose upper bound of any rank sum of na ranks */
    size_t width = max_sum + 1;
    double *ways = calloc((na + 1) * width, sizeof *ways); /* ways[k * width + w] */
    if (!ways)
        return NAN;
    ways[0] = 1.0;
    for (size_t rank = 1; rank <= total; rank++) {
        size_t k_max = rank < na ? rank : na;
        for (size_t k = k_max; k >= 1; k--) {
            double *row = ways + k * width;
            const double *prev = ways + (k - 1) * width;
            for (size_t w = max_sum; w >= rank; w--)
                row[w] += prev[w - rank];
        }
    }
    const double *full = ways + na * width;
    size_t offset = na * (na + 1) / 2; /* W of U = 0 */
    size_t u_max = na * nb;
    double all = 0.0, at_or_below = 0.0, at_or_above = 0.0;
    for (size_t x = 0; x <= u_max; x++) {
        double count = full[x + offset];
        all += count;
        if ((double)x <= u)
            at_or_below += count;
        if ((double)x >= u)
            at_or_above += count;
    }
    free(ways);
    double one_tail = (at_or_below < at_or_above ? at_or_below : at_or_above) / all;
    double p = 2.0 * one_tail;
    return p > 1.0 ? 1.0 : p;
}

double hp_mann_whitney_p_with(const double *a, size_t na, const double *b, size_t nb,
                              enum hp_rank_test_method method, double *u_out)
{
    if (u_out)
        *u_out = NAN;
    if (!a || !b || na == 0 || nb == 0 || !all_finite(a, na) || !all_finite(b, nb))
        return NAN;
    size_t total = na + nb;
    struct labelled *all = malloc(total * sizeof *all);
    if (!all)
        return NAN;
    for (size_t i = 0; i < na; i++)
        all[i] = (struct labelled){a[i], true};
    for (size_t i = 0; i < nb; i++)
        all[na + i] = (struct labelled){b[i], false};
    qsort(all, total, sizeof *all, compare_labelled);

    /* Mid-ranks: a run of t equal values at 1-based ranks r+1..r+t all get r + (t+1)/2. The
     * runs also give the tie term sum(t^3 - t) of the variance correction. */
    double rank_sum_a = 0.0, tie_term = 0.0;
    bool ties = false;
    for (size_t start = 0; start < total;) {
        size_t end = start + 1;
        while (end < total && all[end].value == all[start].value)
            end++;
        double t = (double)(end - start);
        double mid_rank = (double)start + (t + 1.0) / 2.0;
        for (size_t i = start; i < end; i++)
            if (all[i].from_a)
                rank_sum_a += mid_rank;
        if (end - start > 1) {
            ties = true;
            tie_term += t * t * t - t;
        }
        start = end;
    }
    free(all);

    double m = (double)na, n = (double)nb;
    double u = rank_sum_a - m * (m + 1.0) / 2.0;
    if (u_out)
        *u_out = u;

    bool exact_possible =
        !ties && na <= HP_MANN_WHITNEY_EXACT_LIMIT && nb <= HP_MANN_WHITNEY_EXACT_LIMIT;
    if (method == HP_RANK_TEST_EXACT && !exact_possible)
        return NAN;
    if (method == HP_RANK_TEST_EXACT || (method == HP_RANK_TEST_AUTO && exact_possible))
        return exact_two_sided_p(na, nb, u);

    double N = m + n;
    double mean = m * n / 2.0;
    double variance = m * n / 12.0 * ((N + 1.0) - tie_term / (N * (N - 1.0)));
    if (!(variance > 0.0))
        return 1.0; /* every value equal: no evidence of any difference */
    /* Continuity correction: U is discrete, so the normal tail is started half a unit closer to
     * the mean (never past it), which keeps the approximation from overstating significance. */
    double distance = fabs(u - mean) - 0.5;
    if (distance < 0.0)
        distance = 0.0;
    double z = distance / sqrt(variance);
    return erfc(z / M_SQRT2); /* 2 * (1 - Phi(z)) */
}

double hp_mann_whitney_p(const double *a, size_t na, const double *b, size_t nb, double *u_out)
{
    return hp_mann_whitney_p_with(a, na, b, nb, HP_RANK_TEST_AUTO, u_out);
}

/* ---- Universal Scalability Law --------------------------------------------------------- */

/* Least squares of y = a u + b v (no intercept) over k points; one coefficient forced to 0 when
 * `only` is 1 (a alone) or 2 (b alone). */
static void fit_two(const double *u, const double *v, const double *y, size_t k, int only,
                    double *a, double *b)
{
    double uu = 0, vv = 0, uv = 0, uy = 0, vy = 0;
    for (size_t i = 0; i < k; i++) {
        uu += u[i] * u[i];
        vv += v[i] * v[i];
        uv += u[i] * v[i];
        uy += u[i] * y[i];
        vy += v[i] * y[i];
    }
    double det = uu * vv - uv * uv;
    if (only == 0 && fabs(det) > 1e-12 * uu * vv) {
        *a = (uy * vv - vy * uv) / det;
        *b = (vy * uu - uy * uv) / det;
    } else if (only == 2) {
        *a = 0;
        *b = vv > 0 ? vy / vv : 0;
    } else {
        *a = uu > 0 ? uy / uu : 0;
        *b = 0;
    }
}

int hp_usl_fit(const unsigned *threads, const double *throughput, size_t n, unsigned max_threads,
               struct hp_usl_fit *out)
{
    memset(out, 0, sizeof *out);
    double x1 = NAN;
    for (size_t i = 0; i < n; i++) {
        if (threads[i] < 1 || threads[i] > max_threads || !(throughput[i] > 0))
            continue;
        out->points++;
        if (threads[i] == 1)
            x1 = throughput[i];
    }
    if (out->points < HP_USL_MIN_POINTS || isnan(x1))
        return -1;
    double *u = calloc(3 * out->points, sizeof *u), *v = u + out->points, *y = v + out->points;
    if (!u)
        return -1;
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        if (threads[i] < 1 || threads[i] > max_threads || !(throughput[i] > 0))
            continue;
        double N = threads[i];
        u[k] = N - 1;
        v[k] = N * (N - 1);
        y[k] = N / (throughput[i] / x1) - 1;
        k++;
    }
    fit_two(u, v, y, k, 0, &out->sigma, &out->kappa);
    if (out->kappa < 0)
        fit_two(u, v, y, k, 1, &out->sigma, &out->kappa);
    if (out->sigma < 0) {
        fit_two(u, v, y, k, 2, &out->sigma, &out->kappa);
        if (out->kappa < 0)
            out->kappa = 0;
        out->sigma = 0;
    }
    out->lambda = x1;
    double sq = 0;
    for (size_t i = 0; i < n; i++) {
        if (threads[i] < 1 || threads[i] > max_threads || !(throughput[i] > 0))
            continue;
        double N = threads[i];
        double fitted = x1 * N / (1 + out->sigma * (N - 1) + out->kappa * N * (N - 1));
        sq += (fitted / throughput[i] - 1) * (fitted / throughput[i] - 1);
    }
    out->rms_relative_error = sqrt(sq / (double)k);
    out->peak_threads =
        out->kappa > 0 ? (unsigned)lround(sqrt((1 - fmin(out->sigma, 1)) / out->kappa)) : 0;
    free(u);
    return 0;
}
