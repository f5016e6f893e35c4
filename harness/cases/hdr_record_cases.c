/* Measures the harness's own latency recorder: one hp_hdr_record into a 1 ns .. 1 h histogram
 * with 3 significant figures (the configuration the harness records latencies with). The values
 * are precomputed log-uniform latencies (100 ns .. 10 ms) in a small ring, so the measured loop
 * does no RNG work and the counts slots it touches are spread like real latencies. */
#include "hdr_histogram.h"
#include "rng.h"
#include "workload.h"

#include <math.h>
#include <stdlib.h>

#define HOUR_NS INT64_C(3600000000000)

enum { RING_SIZE = 1024 }; /* 8 KiB of values: stays in L1 next to the touched counts */

struct hdr_record_shared {
    uint64_t seed;
    int64_t counts_bytes;
};

struct hdr_record_local {
    struct hp_hdr histogram;
    uint64_t position;
    int64_t values[RING_SIZE];
};

static int hdr_record_setup(const struct hp_case_params *params, void **shared,
                            struct hp_error *err)
{
    struct hdr_record_shared *s = calloc(1, sizeof *s);
    if (!s)
        return hp_error_set(err, "harness/hdr_record: out of memory");
    s->seed = params->seed;
    /* Sized here, once, so worker threads never write shared state. */
    struct hp_hdr probe;
    if (hp_hdr_init(&probe, 1, HOUR_NS, 3, err) != 0) {
        free(s);
        return -1;
    }
    s->counts_bytes = (int64_t)probe.counts_len * (int64_t)sizeof(int64_t);
    hp_hdr_destroy(&probe);
    *shared = s;
    return 0;
}

static int hdr_record_thread_setup(void *shared, unsigned thread_index, void **local,
                                   struct hp_error *err)
{
    struct hdr_record_shared *s = shared;
    struct hdr_record_local *l = calloc(1, sizeof *l);
    if (!l)
        return hp_error_set(err, "harness/hdr_record: out of memory");
    if (hp_hdr_init(&l->histogram, 1, HOUR_NS, 3, err) != 0) {
        free(l);
        return -1;
    }
    struct hp_rng rng;
    hp_rng_seed(&rng, s->seed + thread_index);
    for (int i = 0; i < RING_SIZE; i++)
        l->values[i] = (int64_t)exp(log(100.0) + hp_rng_unit(&rng) * (log(1e7) - log(100.0)));
    *local = l;
    return 0;
}

static uint64_t hdr_record_run(void *local, uint64_t n)
{
    struct hdr_record_local *l = local;
    uint64_t position = l->position;
    for (uint64_t i = 0; i < n; i++)
        hp_hdr_record(&l->histogram, l->values[(position + i) & (RING_SIZE - 1)]);
    l->position = position + n;
    return (uint64_t)l->histogram.total_count;
}

static void hdr_record_thread_teardown(void *local)
{
    struct hdr_record_local *l = local;
    hp_hdr_destroy(&l->histogram);
    free(l);
}

static void hdr_record_report(void *shared, struct hp_metrics *out)
{
    struct hdr_record_shared *s = shared;
    hp_metrics_add(out, "hdr_counts_bytes", "bytes", (double)s->counts_bytes);
}

static void hdr_record_teardown(void *shared)
{
    free(shared);
}

const struct hp_workload hp_workload_hdr_record = {
    .name = "harness/hdr_record",
    .summary = "recording one value into the HDR histogram",
    .setup = hdr_record_setup,
    .thread_setup = hdr_record_thread_setup,
    .run = hdr_record_run,
    .thread_teardown = hdr_record_thread_teardown,
    .report = hdr_record_report,
    .teardown = hdr_record_teardown,
};
