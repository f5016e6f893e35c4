/* HDR histogram: configuration, queries and iteration (recording is inline in the header). */
#include "hdr_histogram.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

int hp_hdr_init(struct hp_hdr *h, int64_t lowest_discernible_value, int64_t highest_trackable_value,
                int significant_figures, struct hp_error *err)
{
    memset(h, 0, sizeof *h);
    if (lowest_discernible_value < 1)
        return hp_error_set(err, "hdr histogram: lowest discernible value %lld must be >= 1",
                            (long long)lowest_discernible_value);
    if (significant_figures < 1 || significant_figures > 5)
        return hp_error_set(err, "hdr histogram: significant figures %d must be in 1..5",
                            significant_figures);
    if (lowest_discernible_value > INT64_MAX / 2 ||
        highest_trackable_value < 2 * lowest_discernible_value)
        return hp_error_set(err,
                            "hdr histogram: highest trackable value %lld must be >= 2 * lowest "
                            "discernible value %lld",
                            (long long)highest_trackable_value,
                            (long long)lowest_discernible_value);

    /* Smallest power of two >= 2 * 10^sigfigs sub-buckets: unit resolution up to that value. */
    int64_t single_unit_limit = 2;
    for (int i = 0; i < significant_figures; i++)
        single_unit_limit *= 10;
    int32_t sub_bucket_count_magnitude = 64 - __builtin_clzll((uint64_t)single_unit_limit - 1);
    int32_t unit_magnitude = 63 - __builtin_clzll((uint64_t)lowest_discernible_value);
    int32_t half_magnitude = (sub_bucket_count_magnitude > 1 ? sub_bucket_count_magnitude : 1) - 1;
    if (unit_magnitude + half_magnitude > 61)
        return hp_error_set(err,
                            "hdr histogram: lowest discernible value %lld too large for %d "
                            "significant figures",
                            (long long)lowest_discernible_value, significant_figures);

    h->lowest_discernible_value = lowest_discernible_value;
    h->highest_trackable_value = highest_trackable_value;
    h->significant_figures = significant_figures;
    h->unit_magnitude = unit_magnitude;
    h->sub_bucket_half_count_magnitude = half_magnitude;
    h->sub_bucket_count = (int32_t)1 << (half_magnitude + 1);
    h->sub_bucket_half_count = h->sub_bucket_count / 2;
    h->sub_bucket_mask = ((int64_t)h->sub_bucket_count - 1) << unit_magnitude;
    h->leading_zero_count_base = 64 - unit_magnitude - (half_magnitude + 1);

    /* Buckets until sub_bucket_count << (unit_magnitude + buckets - 1) exceeds highest. */
    int64_t smallest_untrackable = (int64_t)h->sub_bucket_count << unit_magnitude;
    int32_t buckets = 1;
    while (smallest_untrackable <= highest_trackable_value) {
        if (smallest_untrackable > INT64_MAX / 2) {
            buckets++;
            break;
        }
        smallest_untrackable <<= 1;
        buckets++;
    }
    h->bucket_count = buckets;
    h->counts_len = (buckets + 1) * h->sub_bucket_half_count;

    h->counts = calloc((size_t)h->counts_len, sizeof *h->counts);
    if (!h->counts)
        return hp_error_set(err, "hdr histogram: out of memory for %d counts", h->counts_len);
    h->min_value = INT64_MAX;
    return 0;
}

void hp_hdr_destroy(struct hp_hdr *h)
{
    free(h->counts);
    h->counts = NULL;
}

void hp_hdr_reset(struct hp_hdr *h)
{
    memset(h->counts, 0, (size_t)h->counts_len * sizeof *h->counts);
    h->total_count = 0;
    h->out_of_range = 0;
    h->min_value = INT64_MAX;
    h->max_value = 0;
}

bool hp_hdr_record_corrected(struct hp_hdr *h, int64_t value, int64_t expected_interval)
{
    if (!hp_hdr_record(h, value))
        return false;
    if (expected_interval <= 0 || value <= expected_interval)
        return true;
    for (int64_t missing = value - expected_interval; missing >= expected_interval;
         missing -= expected_interval)
        if (!hp_hdr_record(h, missing))
            return false;
    return true;
}

/* --- value <-> slot ------------------------------------------------------------------------ */

int64_t hp_hdr_value_at_index(const struct hp_hdr *h, int32_t index)
{
    int32_t bucket = (index >> h->sub_bucket_half_count_magnitude) - 1;
    int32_t sub_bucket = (index & (h->sub_bucket_half_count - 1)) + h->sub_bucket_half_count;
    if (bucket < 0) {
        sub_bucket -= h->sub_bucket_half_count;
        bucket = 0;
    }
    return (int64_t)sub_bucket << (bucket + h->unit_magnitude);
}

int64_t hp_hdr_size_of_equivalent_range(const struct hp_hdr *h, int64_t value)
{
    int32_t bucket = hp_hdr_bucket_index(h, value);
    int32_t sub_bucket = (int32_t)(value >> (bucket + h->unit_magnitude));
    /* A sub-bucket index past the bucket's end only happens for values rounded up into the next
     * bucket; its slots are twice as wide. */
    int32_t adjusted = sub_bucket >= h->sub_bucket_count ? bucket + 1 : bucket;
    return (int64_t)1 << (h->unit_magnitude + adjusted);
}

int64_t hp_hdr_lowest_equivalent_value(const struct hp_hdr *h, int64_t value)
{
    int32_t bucket = hp_hdr_bucket_index(h, value);
    int32_t sub_bucket = (int32_t)(value >> (bucket + h->unit_magnitude));
    return (int64_t)sub_bucket << (bucket + h->unit_magnitude);
}

int64_t hp_hdr_highest_equivalent_value(const struct hp_hdr *h, int64_t value)
{
    return hp_hdr_lowest_equivalent_value(h, value) +
           (hp_hdr_size_of_equivalent_range(h, value) - 1);
}

int64_t hp_hdr_median_equivalent_value(const struct hp_hdr *h, int64_t value)
{
    return hp_hdr_lowest_equivalent_value(h, value) +
           (hp_hdr_size_of_equivalent_range(h, value) >> 1);
}

bool hp_hdr_values_are_equivalent(const struct hp_hdr *h, int64_t a, int64_t b)
{
    return hp_hdr_lowest_equivalent_value(h, a) == hp_hdr_lowest_equivalent_value(h, b);
}

int64_t hp_hdr_count_at_value(const struct hp_hdr *h, int64_t value)
{
    if ((uint64_t)value > (uint64_t)h->highest_trackable_value)
        return 0;
    return h->counts[hp_hdr_counts_index(h, value)];
}

void hp_hdr_reset_internal_counters(struct hp_hdr *h)
{
    int32_t min_nonzero_index = -1, max_index = -1;
    int64_t total = 0;
    for (int32_t i = 0; i < h->counts_len; i++) {
        if (h->counts[i] > 0) {
            total += h->counts[i];
            max_index = i;
            if (min_nonzero_index == -1 && i != 0)
                min_nonzero_index = i;
        }
    }
    h->max_value = max_index == -1
                       ? 0
                       : hp_hdr_highest_equivalent_value(h, hp_hdr_value_at_index(h, max_index));
    h->min_value =
        min_nonzero_index == -1 ? INT64_MAX : hp_hdr_value_at_index(h, min_nonzero_index);
    h->total_count = total;
}

/* --- queries --------------------------------------------------------------------------------- */

int64_t hp_hdr_total_count(const struct hp_hdr *h)
{
    return h->total_count;
}

int64_t hp_hdr_min(const struct hp_hdr *h)
{
    /* Java's getMinValue: 0 if zero was recorded or nothing was. */
    if (h->total_count == 0 || h->counts[0] > 0 || h->min_value == INT64_MAX)
        return 0;
    return hp_hdr_lowest_equivalent_value(h, h->min_value);
}

int64_t hp_hdr_max(const struct hp_hdr *h)
{
    if (h->max_value == 0)
        return 0;
    return hp_hdr_highest_equivalent_value(h, h->max_value);
}

double hp_hdr_mean(const struct hp_hdr *h)
{
    if (h->total_count == 0)
        return 0.0;
    double sum = 0.0;
    struct hp_hdr_iter it;
    hp_hdr_iter_recorded_init(&it, h);
    while (hp_hdr_iter_next(&it))
        sum += (double)it.count * (double)it.median_equivalent_value;
    return sum / (double)h->total_count;
}

double hp_hdr_stddev(const struct hp_hdr *h)
{
    if (h->total_count == 0)
        return 0.0;
    double mean = hp_hdr_mean(h);
    double sum_sq = 0.0;
    struct hp_hdr_iter it;
    hp_hdr_iter_recorded_init(&it, h);
    while (hp_hdr_iter_next(&it)) {
        double dev = (double)it.median_equivalent_value - mean;
        sum_sq += dev * dev * (double)it.count;
    }
    return sqrt(sum_sq / (double)h->total_count);
}

int64_t hp_hdr_value_at_percentile(const struct hp_hdr *h, double percentile)
{
    double requested = percentile < 0.0 ? 0.0 : percentile > 100.0 ? 100.0 : percentile;
    double fp_count = requested / 100.0 * (double)h->total_count;
    /* Java rounds up after stepping back one ulp, so that fp noise in p/100 * total (one ulp above
     * an exact integer) does not skip to the next count. */
    double ulp = nextafter(fp_count, INFINITY) - fp_count;
    int64_t count_at_percentile = (int64_t)ceil(fp_count - ulp);
    if (count_at_percentile < 1)
        count_at_percentile = 1;
    int64_t cumulative = 0;
    for (int32_t i = 0; i < h->counts_len; i++) {
        cumulative += h->counts[i];
        if (cumulative >= count_at_percentile) {
            int64_t value = hp_hdr_value_at_index(h, i);
            return percentile == 0.0 ? hp_hdr_lowest_equivalent_value(h, value)
                                     : hp_hdr_highest_equivalent_value(h, value);
        }
    }
    return 0;
}

int64_t hp_hdr_merge(struct hp_hdr *dst, const struct hp_hdr *src)
{
    int64_t dropped = 0;
    struct hp_hdr_iter it;
    hp_hdr_iter_recorded_init(&it, src);
    while (hp_hdr_iter_next(&it)) {
        /* hp_hdr_record_n counts refusals in out_of_range; the merge reports them separately. */
        if ((uint64_t)it.value > (uint64_t)dst->highest_trackable_value)
            dropped += it.count;
        else
            hp_hdr_record_n(dst, it.value, it.count);
    }
    return dropped;
}

/* --- iteration ------------------------------------------------------------------------------- */

static void iter_init(struct hp_hdr_iter *it, const struct hp_hdr *h, enum hp_hdr_iter_kind kind)
{
    memset(it, 0, sizeof *it);
    it->h = h;
    it->kind = kind;
    it->counts_index = -1;
    it->total_count = h->total_count;
}

void hp_hdr_iter_recorded_init(struct hp_hdr_iter *it, const struct hp_hdr *h)
{
    iter_init(it, h, HP_HDR_ITER_RECORDED);
}

void hp_hdr_iter_percentile_init(struct hp_hdr_iter *it, const struct hp_hdr *h,
                                 int32_t ticks_per_half_distance)
{
    iter_init(it, h, HP_HDR_ITER_PERCENTILE);
    it->ticks_per_half_distance = ticks_per_half_distance > 0 ? ticks_per_half_distance : 1;
}

/* Steps to the next slot while any recorded count remains beyond the current one. */
static bool step_slot(struct hp_hdr_iter *it)
{
    if (it->cumulative_count >= it->total_count || it->counts_index + 1 >= it->h->counts_len)
        return false;
    it->counts_index++;
    it->count = it->h->counts[it->counts_index];
    it->cumulative_count += it->count;
    it->value = hp_hdr_value_at_index(it->h, it->counts_index);
    int64_t size = hp_hdr_size_of_equivalent_range(it->h, it->value);
    it->lowest_equivalent_value = hp_hdr_lowest_equivalent_value(it->h, it->value);
    it->highest_equivalent_value = it->lowest_equivalent_value + (size - 1);
    it->median_equivalent_value = it->lowest_equivalent_value + (size >> 1);
    return true;
}

static bool recorded_next(struct hp_hdr_iter *it)
{
    while (step_slot(it)) {
        if (it->count != 0) {
            it->value_iterated_to = it->value;
            return true;
        }
    }
    return false;
}

static bool percentile_next(struct hp_hdr_iter *it)
{
    if (it->total_count == 0)
        return false;
    if (it->cumulative_count >= it->total_count && it->counts_index >= 0) {
        /* One last step at exactly 100%, on the slot of the largest value (as Java does). */
        if (it->seen_last_value)
            return false;
        it->seen_last_value = true;
        it->percentile = 100.0;
        return true;
    }
    if (it->counts_index == -1 && !step_slot(it))
        return false;
    do {
        double current = 100.0 * (double)it->cumulative_count / (double)it->total_count;
        if (it->count != 0 && it->percentile_to_iterate_to <= current) {
            it->value_iterated_to = it->highest_equivalent_value;
            it->percentile = it->percentile_to_iterate_to;
            /* Each halving of the distance to 100% gets ticks_per_half_distance steps. */
            double remaining = 100.0 - it->percentile_to_iterate_to;
            if (remaining > 0.0) {
                double halvings = floor(log2(100.0 / remaining)) + 1.0;
                if (halvings > 62.0)
                    halvings = 62.0; /* keeps the tick count finite; levels are already ~100 */
                double ticks = (double)it->ticks_per_half_distance * ldexp(1.0, (int)halvings);
                it->percentile_to_iterate_to += 100.0 / ticks;
            }
            return true;
        }
    } while (step_slot(it));
    /* Only reachable if fp rounding pushed the level past 100: finish with the 100% step. */
    it->seen_last_value = true;
    it->percentile = 100.0;
    return true;
}

bool hp_hdr_iter_next(struct hp_hdr_iter *it)
{
    return it->kind == HP_HDR_ITER_PERCENTILE ? percentile_next(it) : recorded_next(it);
}
