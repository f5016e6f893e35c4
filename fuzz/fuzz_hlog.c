/* The .hlog reader (results/hlog.h, hp_hlog_read) and the V2 histogram decoding inside it.
 * Properties: a refusal is one "NAME:LINE: problem" message; every interval read has a line
 * number that grows, a histogram whose total is the sum of its counts, and a histogram that
 * encodes (compressed) and decodes back to the same counts. */
#include "fuzz_check.h"

#include "hlog.h"

struct seen {
    int last_line;
    size_t intervals;
};

static int64_t sum_counts(const struct hp_hdr *h)
{
    int64_t sum = 0;
    for (int32_t i = 0; i < h->counts_len; i++) {
        FUZZ_CHECK(h->counts[i] >= 0, "count %d is negative", (int)i);
        FUZZ_CHECK(!__builtin_add_overflow(sum, h->counts[i], &sum), "counts overflow");
    }
    return sum;
}

static int on_interval(const struct hp_hlog_interval *interval, void *ctx)
{
    struct seen *seen = ctx;
    FUZZ_CHECK(interval->line > seen->last_line, "line %d after %d", interval->line,
               seen->last_line);
    seen->last_line = interval->line;
    seen->intervals++;
    const struct hp_hdr *h = interval->histogram;
    FUZZ_CHECK(h != NULL, "an interval without a histogram");
    FUZZ_CHECK(hp_hdr_total_count(h) == sum_counts(h), "total %lld",
               (long long)hp_hdr_total_count(h));
    unsigned char *encoded;
    size_t len;
    FUZZ_CHECK(hp_hdr_encode_compressed(h, &encoded, &len) == 0, "encoding failed");
    struct hp_hdr back;
    struct hp_error err = {{0}};
    FUZZ_CHECK(hp_hdr_decode_compressed(encoded, len, &back, &err) == 0, "%s", err.message);
    FUZZ_CHECK(back.counts_len == h->counts_len &&
                   memcmp(back.counts, h->counts, (size_t)h->counts_len * sizeof *h->counts) == 0,
               "the histogram does not decode to its own counts");
    hp_hdr_destroy(&back);
    free(encoded);
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size == 0)
        return 0;
    char *copy = fuzz_copy(data, size);
    FILE *f = fmemopen(copy, size, "r");
    FUZZ_CHECK(f != NULL, "fmemopen failed");
    struct seen seen = {0};
    struct hp_error err = {{0}};
    if (hp_hlog_read(f, "fuzz.hlog", on_interval, &seen, &err) != 0)
        FUZZ_CHECK(strncmp(err.message, "fuzz.hlog:", 10) == 0, "message: %s", err.message);
    fclose(f);
    free(copy);
    return 0;
}
