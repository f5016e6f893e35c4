/* buffer_pool/inflight_1000 (claim C11): 1000 responses in flight at once, then all released.
 *
 * op = one response buffer: a get of a response-sized buffer (its first and last requested
 * byte written), and, amortised, its put: every 1000th op releases the whole wave. Each
 * thread has its own buffer pool (buffer_pool.h: a pool belongs to one event loop) and its
 * own wave of 1000.
 *
 * Response sizes, drawn once from the case seed (4096 of them, cycled): 60% 64-512 B, 30%
 * 513 B-4 KiB, 9% 4-16 KiB, 1% 16-64 KiB (the seed's 600/300/100 small/medium/large mix, plus
 * a tail larger than every class).
 *
 * report adds, summed over threads: buffer_bytes_retained (idle bytes kept after the run),
 * buffer_peak_bytes (max of outstanding + retained capacity), buffer_peak_requested_bytes
 * (the bytes the responses of the largest wave actually asked for: the floor no pool can go
 * under) and buffer_allocations (buffers obtained from malloc over the whole run).
 */
#include <pthread.h>
#include <stdlib.h>

#include "buffer_pools/buffer_pool.h"
#include "rng.h"
#include "workload.h"

enum { INFLIGHT = 1000, SIZE_COUNT = 4096 };

struct inflight_case {
    const struct hp_buffer_pool_ops *ops;
    size_t sizes[SIZE_COUNT];
    pthread_mutex_t totals_lock;
    struct hp_buffer_pool_stats totals; /* guarded by totals_lock; filled by thread_teardown */
    uint64_t peak_requested;            /* guarded by totals_lock */
};

struct inflight_thread {
    struct inflight_case *shared;
    struct hp_buffer_pool *pool;
    unsigned next_size;
    unsigned held_count;
    uint64_t requested;      /* bytes asked for by the wave in flight */
    uint64_t peak_requested; /* the largest wave's */
    struct hp_buffer held[INFLIGHT];
};

static size_t response_size(struct hp_rng *rng)
{
    uint64_t r = hp_rng_below(rng, 100);
    if (r < 60)
        return 64 + hp_rng_below(rng, 512 - 64 + 1);
    if (r < 90)
        return 513 + hp_rng_below(rng, 4096 - 513 + 1);
    if (r < 99)
        return 4097 + hp_rng_below(rng, 16384 - 4097 + 1);
    return 16385 + hp_rng_below(rng, 65536 - 16385 + 1);
}

static int inflight_setup(const struct hp_case_params *params, void **shared, struct hp_error *err)
{
    const struct hp_impl_info *info = params->composition->impl[HP_AXIS_BUFFER_POOL];
    if (!info)
        return hp_error_set(err, "buffer_pool/inflight_1000: no buffer pool chosen "
                                 "(--buffer_pool NAME)");
    struct inflight_case *c = calloc(1, sizeof *c);
    if (!c)
        return hp_error_set(err, "buffer_pool/inflight_1000: out of memory");
    c->ops = hp_buffer_pool_ops_of(info);
    struct hp_rng rng;
    hp_rng_seed(&rng, params->seed);
    for (int i = 0; i < SIZE_COUNT; i++)
        c->sizes[i] = response_size(&rng);
    pthread_mutex_init(&c->totals_lock, NULL);
    *shared = c;
    return 0;
}

static int inflight_thread_setup(void *shared, unsigned index, void **local, struct hp_error *err)
{
    struct inflight_case *c = shared;
    struct inflight_thread *t = calloc(1, sizeof *t);
    if (!t)
        return hp_error_set(err, "buffer_pool/inflight_1000: out of memory");
    struct hp_buffer_pool_config config = {0}; /* default retain limit */
    t->pool = c->ops->create(&config, err);
    if (!t->pool) {
        free(t);
        return -1;
    }
    t->shared = c;
    t->next_size = (index * 997u) % SIZE_COUNT; /* threads start at different responses */
    *local = t;
    return 0;
}

static void release_wave(struct inflight_thread *t)
{
    if (t->requested > t->peak_requested)
        t->peak_requested = t->requested;
    for (unsigned i = 0; i < t->held_count; i++)
        t->shared->ops->put(t->pool, t->held[i]);
    t->held_count = 0;
    t->requested = 0;
}

static uint64_t inflight_run(void *local, uint64_t n)
{
    struct inflight_thread *t = local;
    const struct hp_buffer_pool_ops *ops = t->shared->ops;
    uint64_t sum = 0;
    for (uint64_t i = 0; i < n; i++) {
        size_t size = t->shared->sizes[t->next_size];
        t->next_size = (t->next_size + 1) % SIZE_COUNT;
        struct hp_buffer *b = &t->held[t->held_count];
        if (ops->get(t->pool, size, b))
            abort(); /* out of memory in the measured region: nothing sensible to report */
        b->data[0] = (unsigned char)i;
        b->data[size - 1] = (unsigned char)i; /* sizes are >= 64 */
        sum += b->capacity;
        t->requested += size;
        if (++t->held_count == INFLIGHT)
            release_wave(t);
    }
    return sum;
}

static void inflight_thread_teardown(void *local)
{
    struct inflight_thread *t = local;
    struct inflight_case *c = t->shared;
    release_wave(t);
    struct hp_buffer_pool_stats s;
    c->ops->stats(t->pool, &s);
    pthread_mutex_lock(&c->totals_lock);
    c->totals.bytes_retained += s.bytes_retained;
    c->totals.peak_bytes += s.peak_bytes;
    c->totals.allocations += s.allocations;
    c->peak_requested += t->peak_requested;
    pthread_mutex_unlock(&c->totals_lock);
    c->ops->destroy(t->pool);
    free(t);
}

static void inflight_report(void *shared, struct hp_metrics *out)
{
    struct inflight_case *c = shared;
    pthread_mutex_lock(&c->totals_lock);
    hp_metrics_add(out, "buffer_bytes_retained", "bytes", (double)c->totals.bytes_retained);
    hp_metrics_add(out, "buffer_peak_bytes", "bytes", (double)c->totals.peak_bytes);
    hp_metrics_add(out, "buffer_peak_requested_bytes", "bytes", (double)c->peak_requested);
    hp_metrics_add(out, "buffer_allocations", "count", (double)c->totals.allocations);
    pthread_mutex_unlock(&c->totals_lock);
}

static void inflight_teardown(void *shared)
{
    struct inflight_case *c = shared;
    pthread_mutex_destroy(&c->totals_lock);
    free(c);
}

const struct hp_workload hp_workload_buffer_pool_inflight_1000 = {
    .name = "buffer_pool/inflight_1000",
    .summary = "1000 responses of mixed sizes in flight, then all released",
    .axes = HP_AXIS_BIT(HP_AXIS_BUFFER_POOL),
    .setup = inflight_setup,
    .thread_setup = inflight_thread_setup,
    .run = inflight_run,
    .thread_teardown = inflight_thread_teardown,
    .report = inflight_report,
    .teardown = inflight_teardown,
};
