/* High Dynamic Range histogram with HdrHistogram's semantics (Gil Tene's design; the bucket math
 * follows HdrHistogram_c / the Java AbstractHistogram, the code is our own).
 *
 * Values are bucketed so that every recorded value is kept to `significant_figures` decimal
 * digits of precision relative to itself: bucket b covers [2^(b+u) * half, 2^(b+u+1) * half)
 * with `sub_bucket_count` linear sub-buckets, u = log2(lowest_discernible_value). Two values are
 * "equivalent" when they land in the same counts slot; queries report the lowest/highest/median
 * equivalent value exactly as HdrHistogram does, so percentiles, min, max and mean agree with
 * HdrHistogram's own tools reading the same counts (see hlog.h for the interchange format).
 *
 * Recording is a handful of integer instructions: one clz, two shifts, one add to the counts
 * array and two conditional moves for min/max, all inline. Not thread-safe: one histogram per
 * writer thread, merged afterwards with hp_hdr_merge.
 */
#ifndef HOTPATH_HDR_HISTOGRAM_H
#define HOTPATH_HDR_HISTOGRAM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/error.h"

struct hp_hdr {
    int64_t lowest_discernible_value;
    int64_t highest_trackable_value;
    int32_t significant_figures;
    int32_t unit_magnitude;                  /* floor(log2(lowest_discernible_value)) */
    int32_t sub_bucket_half_count_magnitude; /* log2(sub_bucket_count) - 1 */
    int32_t sub_bucket_half_count;
    int32_t sub_bucket_count;
    int32_t bucket_count;
    int32_t counts_len;
    /* 64 - unit_magnitude - log2(sub_bucket_count): bucket index = this - clz(value | mask). */
    int32_t leading_zero_count_base;
    int64_t sub_bucket_mask; /* (sub_bucket_count - 1) << unit_magnitude */

    int64_t total_count;
    int64_t out_of_range; /* values refused because < 0 or > highest_trackable_value */
    int64_t min_value;    /* smallest non-zero recorded value (INT64_MAX when none) */
    int64_t max_value;    /* largest recorded value (0 when none) */
    int64_t *counts;      /* counts_len slots */
};

/* Validates like HdrHistogram (lowest >= 1, highest >= 2 * lowest, 1 <= sigfigs <= 5) and
 * allocates the counts array. Returns 0, or -1 with err set. */
int hp_hdr_init(struct hp_hdr *h, int64_t lowest_discernible_value, int64_t highest_trackable_value,
                int significant_figures, struct hp_error *err);
void hp_hdr_destroy(struct hp_hdr *h);
/* Forgets every recorded value (and the out-of-range counter); keeps the configuration. */
void hp_hdr_reset(struct hp_hdr *h);

static inline int32_t hp_hdr_bucket_index(const struct hp_hdr *h, int64_t value)
{
    /* OR-ing the mask makes every value below sub_bucket_count << unit_magnitude land in
     * bucket 0 and keeps clz's argument non-zero. */
    return h->leading_zero_count_base -
           __builtin_clzll((uint64_t)value | (uint64_t)h->sub_bucket_mask);
}

static inline int32_t hp_hdr_counts_index(const struct hp_hdr *h, int64_t value)
{
    int32_t bucket = hp_hdr_bucket_index(h, value);
    int32_t sub_bucket = (int32_t)(value >> (bucket + h->unit_magnitude));
    /* Bucket 0 uses all sub_bucket_count slots; every later bucket only its upper half (the
     * lower half is covered by the previous bucket at finer resolution). */
    return ((bucket + 1) << h->sub_bucket_half_count_magnitude) + sub_bucket -
           h->sub_bucket_half_count;
}

/* Records `count` occurrences of value. Returns false (and adds count to out_of_range) when value
 * is negative or above highest_trackable_value. */
static inline bool hp_hdr_record_n(struct hp_hdr *h, int64_t value, int64_t count)
{
    /* One unsigned compare catches both value < 0 and value > highest. */
    if (__builtin_expect((uint64_t)value > (uint64_t)h->highest_trackable_value, 0)) {
        h->out_of_range += count;
        return false;
    }
    h->counts[hp_hdr_counts_index(h, value)] += count;
    h->total_count += count;
    /* Written as selects so the compiler emits cmov rather than data-dependent branches. */
    int64_t max = h->max_value;
    h->max_value = value > max ? value : max;
    int64_t nonzero = value != 0 ? value : INT64_MAX;
    int64_t min = h->min_value;
    h->min_value = nonzero < min ? nonzero : min;
    return true;
}

static inline bool hp_hdr_record(struct hp_hdr *h, int64_t value)
{
    return hp_hdr_record_n(h, value, 1);
}

/* recordValueWithExpectedInterval: records value, then, if expected_interval > 0 and value
 * exceeds it, the values that coordinated omission hid: value - k*interval for k = 1, 2, ... as
 * long as they are >= expected_interval. Returns false if any of them was out of range. */
bool hp_hdr_record_corrected(struct hp_hdr *h, int64_t value, int64_t expected_interval);

/* Adds every count of src into dst (value by value, so the configurations may differ). Returns how
 * many values were dropped because they are outside dst's trackable range. */
int64_t hp_hdr_merge(struct hp_hdr *dst, const struct hp_hdr *src);

/* Queries. On an empty histogram min, max and value_at_percentile are 0, mean and stddev 0. */
int64_t hp_hdr_total_count(const struct hp_hdr *h);
int64_t hp_hdr_min(const struct hp_hdr *h); /* lowest equivalent of the smallest value */
int64_t hp_hdr_max(const struct hp_hdr *h); /* highest equivalent of the largest value */
double hp_hdr_mean(const struct hp_hdr *h); /* over median-equivalent values, as HdrHistogram */
double hp_hdr_stddev(const struct hp_hdr *h);
/* The highest equivalent value of the slot where the cumulative count first reaches
 * ceil(p/100 * total) (at least 1); p = 0 gives the lowest equivalent value instead. */
int64_t hp_hdr_value_at_percentile(const struct hp_hdr *h, double percentile);
int64_t hp_hdr_count_at_value(const struct hp_hdr *h, int64_t value);

int64_t hp_hdr_value_at_index(const struct hp_hdr *h, int32_t index);
int64_t hp_hdr_size_of_equivalent_range(const struct hp_hdr *h, int64_t value);
int64_t hp_hdr_lowest_equivalent_value(const struct hp_hdr *h, int64_t value);
int64_t hp_hdr_highest_equivalent_value(const struct hp_hdr *h, int64_t value);
int64_t hp_hdr_median_equivalent_value(const struct hp_hdr *h, int64_t value);
bool hp_hdr_values_are_equivalent(const struct hp_hdr *h, int64_t a, int64_t b);

/* Recomputes total_count, min and max from the counts array (after filling counts directly, as a
 * decoder does). min/max become slot bounds, as in HdrHistogram's establishInternalTackingValues.
 */
void hp_hdr_reset_internal_counters(struct hp_hdr *h);

/* Iteration. Both iterators are used the same way:
 *     struct hp_hdr_iter it;
 *     hp_hdr_iter_percentile_init(&it, h, 5);
 *     while (hp_hdr_iter_next(&it)) use(it.value_iterated_to, it.percentile, it.cumulative_count);
 */
enum hp_hdr_iter_kind { HP_HDR_ITER_RECORDED, HP_HDR_ITER_PERCENTILE };

struct hp_hdr_iter {
    const struct hp_hdr *h;
    enum hp_hdr_iter_kind kind;
    int32_t counts_index;
    int64_t total_count;
    int64_t count;            /* count in the current slot */
    int64_t cumulative_count; /* counts up to and including the current slot */
    int64_t value;            /* lowest equivalent value of the current slot */
    int64_t lowest_equivalent_value;
    int64_t highest_equivalent_value;
    int64_t median_equivalent_value;
    /* Recorded iterator: the slot's value. Percentile iterator: highest equivalent value of the
     * slot where the percentile level was reached (what HdrHistogram prints). */
    int64_t value_iterated_to;
    double percentile; /* percentile iterator: the level just iterated to (0..100) */
    /* Percentile iterator state (Java's PercentileIterator). */
    int32_t ticks_per_half_distance;
    double percentile_to_iterate_to;
    bool seen_last_value;
};

/* Visits every non-zero slot in value order. */
void hp_hdr_iter_recorded_init(struct hp_hdr_iter *it, const struct hp_hdr *h);
/* Visits percentile levels with ticks_per_half_distance steps per halving of the distance to
 * 100% (0, 10, 20, ... 50, 55, 60, ... 75, 77.5, ...), ending with one step at exactly 100. */
void hp_hdr_iter_percentile_init(struct hp_hdr_iter *it, const struct hp_hdr *h,
                                 int32_t ticks_per_half_distance);
bool hp_hdr_iter_next(struct hp_hdr_iter *it);

#endif
