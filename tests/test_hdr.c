/* HDR histogram semantics against exact computations on the same samples. */
#include <criterion/criterion.h>

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "hdr_histogram.h"
#include "rng.h"

#define HOUR_NS INT64_C(3600000000000)

static int compare_int64(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return (x > y) - (x < y);
}

/* Nearest-rank percentile of a sorted sample: the ceil(p/100 * n)-th smallest value. */
static int64_t exact_percentile(const int64_t *sorted, size_t n, double p)
{
    double fp = p / 100.0 * (double)n;
    size_t rank = (size_t)ceil(fp - (nextafter(fp, INFINITY) - fp));
    if (rank < 1)
        rank = 1;
    return sorted[rank - 1];
}

static void check_percentiles_against_sample(int sigfigs, uint64_t seed)
{
    enum { N = 1000000 };
    int64_t *sample = malloc(N * sizeof *sample);
    cr_assert_not_null(sample);
    struct hp_hdr h;
    struct hp_error err;
    cr_assert_eq(hp_hdr_init(&h, 1, HOUR_NS, sigfigs, &err), 0, "%s", err.message);
    struct hp_rng rng;
    hp_rng_seed(&rng, seed);
    double sum = 0;
    for (size_t i = 0; i < N; i++) {
        /* Log-uniform 1 ns .. 10 s: every bucket size gets exercised. */
        sample[i] = (int64_t)exp(hp_rng_unit(&rng) * log(1e10));
        sum += (double)sample[i];
        cr_assert(hp_hdr_record(&h, sample[i]));
    }
    qsort(sample, N, sizeof *sample, compare_int64);

    double precision = pow(10.0, -sigfigs);
    static const double percentiles[] = {0.001, 1,  10,   25,    50,     75,
                                         90,    99, 99.9, 99.99, 99.999, 100};
    for (size_t i = 0; i < sizeof percentiles / sizeof percentiles[0]; i++) {
        double p = percentiles[i];
        int64_t exact = exact_percentile(sample, N, p);
        int64_t got = hp_hdr_value_at_percentile(&h, p);
        cr_assert(hp_hdr_values_are_equivalent(&h, exact, got),
                  "p%g: histogram %lld, exact %lld are not in the same slot", p, (long long)got,
                  (long long)exact);
        cr_assert_leq(fabs((double)got - (double)exact), (double)exact * precision,
                      "p%g: histogram %lld, exact %lld, beyond 1e-%d", p, (long long)got,
                      (long long)exact, sigfigs);
    }
    cr_assert_eq(hp_hdr_total_count(&h), N);
    cr_assert_eq(hp_hdr_min(&h), hp_hdr_lowest_equivalent_value(&h, sample[0]));
    cr_assert_eq(hp_hdr_max(&h), hp_hdr_highest_equivalent_value(&h, sample[N - 1]));
    double exact_mean = sum / N;
    cr_assert_leq(fabs(hp_hdr_mean(&h) - exact_mean), exact_mean * precision, "mean %f vs %f",
                  hp_hdr_mean(&h), exact_mean);
    hp_hdr_destroy(&h);
    free(sample);
}

Test(hdr, percentiles_match_exact_sample_3_sigfigs)
{
    check_percentiles_against_sample(3, 42);
}

Test(hdr, percentiles_match_exact_sample_2_sigfigs)
{
    check_percentiles_against_sample(2, 7);
}

Test(hdr, init_validates_arguments)
{
    struct hp_hdr h;
    struct hp_error err;
    cr_assert_eq(hp_hdr_init(&h, 0, 1000, 3, &err), -1);
    cr_assert(strstr(err.message, "lowest discernible"), "%s", err.message);
    cr_assert_eq(hp_hdr_init(&h, 1, 1000, 0, &err), -1);
    cr_assert(strstr(err.message, "significant figures"), "%s", err.message);
    cr_assert_eq(hp_hdr_init(&h, 1, 1000, 6, &err), -1);
    cr_assert_eq(hp_hdr_init(&h, 100, 199, 3, &err), -1);
    cr_assert(strstr(err.message, "highest trackable"), "%s", err.message);
    cr_assert_eq(hp_hdr_init(&h, 100, 200, 3, &err), 0, "%s", err.message);
    hp_hdr_destroy(&h);
    cr_assert_eq(hp_hdr_init(&h, 1, INT64_MAX, 5, &err), 0, "%s", err.message);
    cr_assert(hp_hdr_record(&h, INT64_MAX));
    cr_assert_eq(hp_hdr_value_at_percentile(&h, 100), INT64_MAX);
    hp_hdr_destroy(&h);
}

Test(hdr, configuration_matches_hdrhistogram)
{
    /* 1 .. 3600e9 at 3 figures: HdrHistogram uses 2048 sub-buckets, unit magnitude 0. */
    struct hp_hdr h;
    cr_assert_eq(hp_hdr_init(&h, 1, HOUR_NS, 3, NULL), 0);
    cr_assert_eq(h.sub_bucket_count, 2048);
    cr_assert_eq(h.unit_magnitude, 0);
    /* 2048 << 30 = 2.2e12 < 3.6e12 <= 2048 << 31, so 32 buckets. */
    cr_assert_eq(h.bucket_count, 32);
    cr_assert_eq(h.counts_len, 33 * 1024);
    /* Unit resolution below 2048; then slots of 2, 4, ... */
    cr_assert_eq(hp_hdr_lowest_equivalent_value(&h, 2047), 2047);
    cr_assert_eq(hp_hdr_lowest_equivalent_value(&h, 2049), 2048);
    cr_assert_eq(hp_hdr_highest_equivalent_value(&h, 2048), 2049);
    cr_assert_eq(hp_hdr_highest_equivalent_value(&h, 10001), 10007);
    cr_assert(hp_hdr_values_are_equivalent(&h, 10000, 10007));
    cr_assert(!hp_hdr_values_are_equivalent(&h, 10007, 10008));
    hp_hdr_destroy(&h);

    /* A lowest discernible value of 1000 makes slots 512 wide (unit magnitude 9). */
    cr_assert_eq(hp_hdr_init(&h, 1000, HOUR_NS, 2, NULL), 0);
    cr_assert_eq(h.unit_magnitude, 9);
    cr_assert_eq(h.sub_bucket_count, 256);
    cr_assert_eq(hp_hdr_lowest_equivalent_value(&h, 1500), 1024);
    hp_hdr_destroy(&h);
}

Test(hdr, min_max_mean_stddev_small)
{
    struct hp_hdr h;
    cr_assert_eq(hp_hdr_init(&h, 1, 1000000, 3, NULL), 0);
    cr_assert_eq(hp_hdr_min(&h), 0);
    cr_assert_eq(hp_hdr_max(&h), 0);
    cr_assert_eq(hp_hdr_value_at_percentile(&h, 50), 0);
    cr_assert_eq(hp_hdr_mean(&h), 0.0);
    for (int64_t v = 1; v <= 1000; v++)
        hp_hdr_record(&h, v);
    cr_assert_eq(hp_hdr_min(&h), 1);
    cr_assert_eq(hp_hdr_max(&h), 1000);
    cr_assert_float_eq(hp_hdr_mean(&h), 500.5, 1e-9);
    cr_assert_float_eq(hp_hdr_stddev(&h), sqrt((1000.0 * 1000.0 - 1) / 12.0), 1e-6);
    cr_assert_eq(hp_hdr_value_at_percentile(&h, 50), 500);
    cr_assert_eq(hp_hdr_value_at_percentile(&h, 99.9), 999);
    cr_assert_eq(hp_hdr_value_at_percentile(&h, 0), 1);
    hp_hdr_record(&h, 0);
    cr_assert_eq(hp_hdr_min(&h), 0);
    /* Large values report slot bounds. */
    hp_hdr_record(&h, 100007);
    cr_assert_eq(hp_hdr_max(&h), hp_hdr_highest_equivalent_value(&h, 100007));
    cr_assert_gt(hp_hdr_max(&h), 100007);
    hp_hdr_reset(&h);
    cr_assert_eq(hp_hdr_total_count(&h), 0);
    cr_assert_eq(hp_hdr_max(&h), 0);
    cr_assert_eq(hp_hdr_count_at_value(&h, 500), 0);
    hp_hdr_destroy(&h);
}

Test(hdr, out_of_range_counted_not_recorded)
{
    struct hp_hdr h;
    cr_assert_eq(hp_hdr_init(&h, 1, 10000, 3, NULL), 0);
    cr_assert(!hp_hdr_record(&h, -1));
    cr_assert(!hp_hdr_record(&h, INT64_MIN));
    cr_assert(!hp_hdr_record(&h, 10001));
    cr_assert(!hp_hdr_record_n(&h, INT64_MAX, 5));
    cr_assert(hp_hdr_record(&h, 10000));
    cr_assert_eq(h.out_of_range, 8);
    cr_assert_eq(hp_hdr_total_count(&h), 1);
    cr_assert_eq(hp_hdr_min(&h), hp_hdr_lowest_equivalent_value(&h, 10000));
    int64_t sum = 0;
    for (int32_t i = 0; i < h.counts_len; i++)
        sum += h.counts[i];
    cr_assert_eq(sum, 1);
    hp_hdr_destroy(&h);
}

Test(hdr, record_n_adds_counts)
{
    struct hp_hdr h;
    cr_assert_eq(hp_hdr_init(&h, 1, 10000, 3, NULL), 0);
    cr_assert(hp_hdr_record_n(&h, 42, 1000));
    cr_assert(hp_hdr_record(&h, 42));
    cr_assert_eq(hp_hdr_count_at_value(&h, 42), 1001);
    cr_assert_eq(hp_hdr_total_count(&h), 1001);
    hp_hdr_destroy(&h);
}

Test(hdr, corrected_recording_backfills)
{
    struct hp_hdr h, expected;
    cr_assert_eq(hp_hdr_init(&h, 1, 1000000, 3, NULL), 0);
    cr_assert_eq(hp_hdr_init(&expected, 1, 1000000, 3, NULL), 0);
    /* 1000 with interval 100: 1000, 900, ..., 100 (ten values). */
    cr_assert(hp_hdr_record_corrected(&h, 1000, 100));
    for (int64_t v = 100; v <= 1000; v += 100)
        hp_hdr_record(&expected, v);
    /* 250 with interval 100: 250, 150 (50 is below the interval). */
    cr_assert(hp_hdr_record_corrected(&h, 250, 100));
    hp_hdr_record(&expected, 250);
    hp_hdr_record(&expected, 150);
    /* At or below the interval, and with no interval: just the value. */
    cr_assert(hp_hdr_record_corrected(&h, 100, 100));
    hp_hdr_record(&expected, 100);
    cr_assert(hp_hdr_record_corrected(&h, 5000, 0));
    hp_hdr_record(&expected, 5000);
    cr_assert_eq(hp_hdr_total_count(&h), 14);
    cr_assert_eq(memcmp(h.counts, expected.counts, (size_t)h.counts_len * sizeof *h.counts), 0);
    cr_assert(!hp_hdr_record_corrected(&h, -5, 100));
    hp_hdr_destroy(&h);
    hp_hdr_destroy(&expected);
}

Test(hdr, merge_adds_counts_and_reports_dropped)
{
    struct hp_hdr a, b, narrow;
    cr_assert_eq(hp_hdr_init(&a, 1, HOUR_NS, 3, NULL), 0);
    cr_assert_eq(hp_hdr_init(&b, 1, HOUR_NS, 3, NULL), 0);
    cr_assert_eq(hp_hdr_init(&narrow, 1, 100000, 3, NULL), 0);
    struct hp_rng rng;
    hp_rng_seed(&rng, 9);
    for (int i = 0; i < 10000; i++) {
        hp_hdr_record(&a, (int64_t)hp_rng_below(&rng, 1000000));
        hp_hdr_record(&b, (int64_t)hp_rng_below(&rng, 1000000));
    }
    int64_t *before = malloc((size_t)a.counts_len * sizeof *before);
    memcpy(before, a.counts, (size_t)a.counts_len * sizeof *before);
    cr_assert_eq(hp_hdr_merge(&a, &b), 0);
    for (int32_t i = 0; i < a.counts_len; i++)
        cr_assert_eq(a.counts[i], before[i] + b.counts[i], "slot %d", i);
    cr_assert_eq(hp_hdr_total_count(&a), 20000);
    int64_t above = 0;
    for (int32_t i = 0; i < b.counts_len; i++)
        if (b.counts[i] && hp_hdr_value_at_index(&b, i) > 100000)
            above += b.counts[i];
    cr_assert_gt(above, 0);
    cr_assert_eq(hp_hdr_merge(&narrow, &b), above);
    cr_assert_eq(hp_hdr_total_count(&narrow), 10000 - above);
    cr_assert_eq(hp_hdr_max(&narrow) <= hp_hdr_highest_equivalent_value(&narrow, 100000), 1);
    free(before);
    hp_hdr_destroy(&a);
    hp_hdr_destroy(&b);
    hp_hdr_destroy(&narrow);
}

Test(hdr, percentile_iteration_monotone_and_ends_at_100)
{
    struct hp_hdr h;
    cr_assert_eq(hp_hdr_init(&h, 1, HOUR_NS, 3, NULL), 0);
    struct hp_rng rng;
    hp_rng_seed(&rng, 3);
    for (int i = 0; i < 100000; i++)
        hp_hdr_record(&h, (int64_t)exp(hp_rng_unit(&rng) * log(1e8)));
    struct hp_hdr_iter it;
    hp_hdr_iter_percentile_init(&it, &h, 5);
    double last_percentile = -1;
    int64_t last_value = -1, last_cumulative = -1;
    int steps = 0;
    bool saw_50 = false, saw_55 = false;
    while (hp_hdr_iter_next(&it)) {
        steps++;
        cr_assert_geq(it.percentile, last_percentile);
        cr_assert_geq(it.value_iterated_to, last_value);
        cr_assert_geq(it.cumulative_count, last_cumulative);
        /* The value reported at a level is what value_at_percentile says for it. */
        if (it.percentile > 0 && it.percentile < 100)
            cr_assert_eq(it.value_iterated_to, hp_hdr_value_at_percentile(&h, it.percentile),
                         "at %f", it.percentile);
        saw_50 |= it.percentile == 50.0;
        saw_55 |= fabs(it.percentile - 55.0) < 1e-9;
        last_percentile = it.percentile;
        last_value = it.value_iterated_to;
        last_cumulative = it.cumulative_count;
    }
    cr_assert(saw_50 && saw_55, "ticks of 10 below 50%%, then 5");
    cr_assert_eq(last_percentile, 100.0);
    cr_assert_eq(last_value, hp_hdr_max(&h));
    cr_assert_eq(last_cumulative, 100000);
    cr_assert_gt(steps, 50);

    hp_hdr_reset(&h);
    hp_hdr_iter_percentile_init(&it, &h, 5);
    cr_assert(!hp_hdr_iter_next(&it), "an empty histogram has no percentiles");
    hp_hdr_destroy(&h);
}

Test(hdr, recorded_iteration_visits_nonzero_slots)
{
    struct hp_hdr h;
    cr_assert_eq(hp_hdr_init(&h, 1, 1000000, 3, NULL), 0);
    hp_hdr_record_n(&h, 0, 2);
    hp_hdr_record_n(&h, 7, 3);
    hp_hdr_record_n(&h, 500000, 4);
    struct hp_hdr_iter it;
    hp_hdr_iter_recorded_init(&it, &h);
    cr_assert(hp_hdr_iter_next(&it));
    cr_assert_eq(it.value, 0);
    cr_assert_eq(it.count, 2);
    cr_assert(hp_hdr_iter_next(&it));
    cr_assert_eq(it.value, 7);
    cr_assert_eq(it.count, 3);
    cr_assert_eq(it.cumulative_count, 5);
    cr_assert(hp_hdr_iter_next(&it));
    cr_assert_eq(it.value, hp_hdr_lowest_equivalent_value(&h, 500000));
    cr_assert_eq(it.highest_equivalent_value, hp_hdr_highest_equivalent_value(&h, 500000));
    cr_assert_eq(it.count, 4);
    cr_assert(!hp_hdr_iter_next(&it));
    hp_hdr_destroy(&h);
}
