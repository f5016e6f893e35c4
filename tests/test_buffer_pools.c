/* The buffer_pool axis contract (impls/buffer_pools/buffer_pool.h). */
#include <criterion/criterion.h>
#include <string.h>

#include "alloc_count.h"
#include "buffer_pools/buffer_pool.h"

#define FOR_EACH_BUFFER_POOL(ops)                                                                  \
    for (const struct hp_impl_info *const *it_ = hp_buffer_pool_table; *it_; it_++)                \
        for (const struct hp_buffer_pool_ops *ops = hp_buffer_pool_ops_of(*it_); ops; ops = NULL)

static struct hp_buffer_pool *make(const struct hp_buffer_pool_ops *ops, size_t retain)
{
    struct hp_buffer_pool_config config = {.retain_per_class = retain};
    struct hp_error err = {{0}};
    struct hp_buffer_pool *pool = ops->create(&config, &err);
    cr_assert_not_null(pool, "%s: %s", ops->info.name, err.message);
    return pool;
}

static struct hp_buffer get(const struct hp_buffer_pool_ops *ops, struct hp_buffer_pool *pool,
                            size_t size)
{
    struct hp_buffer b = {0};
    cr_assert_eq(ops->get(pool, size, &b), 0, "%s: get(%zu) failed", ops->info.name, size);
    cr_assert_not_null(b.data);
    return b;
}

static struct hp_buffer_pool_stats stats(const struct hp_buffer_pool_ops *ops,
                                         struct hp_buffer_pool *pool)
{
    struct hp_buffer_pool_stats s;
    ops->stats(pool, &s);
    return s;
}

static const size_t sizes[] = {0, 1, 100, 512, 513, 4096, 4097, 16384, 16385, 100000};
enum { SIZE_COUNT = sizeof sizes / sizeof sizes[0] };

Test(buffer_pools, capacity_at_least_requested_and_writable)
{
    FOR_EACH_BUFFER_POOL(ops)
    {
        struct hp_buffer_pool *pool = make(ops, 4);
        struct hp_buffer held[SIZE_COUNT];
        for (int i = 0; i < SIZE_COUNT; i++) {
            held[i] = get(ops, pool, sizes[i]);
            cr_assert_geq(held[i].capacity, sizes[i], "%s: capacity %zu < %zu", ops->info.name,
                          held[i].capacity, sizes[i]);
            memset(held[i].data, i, held[i].capacity); /* ASan checks the claim */
        }
        for (int i = 0; i < SIZE_COUNT; i++)
            ops->put(pool, held[i]);
        cr_assert_eq(stats(ops, pool).bytes_outstanding, 0, "%s", ops->info.name);
        ops->destroy(pool);
    }
}

Test(buffer_pools, class_choice)
{
    struct hp_buffer_pool *tiered = make(&hp_buffer_pool_tiered, 4);
    struct hp_buffer_pool *single = make(&hp_buffer_pool_single_class, 4);
    struct hp_buffer_pool *plain = make(&hp_buffer_pool_malloc, 4);
    const size_t expected_tiered[SIZE_COUNT] = {512,  512,   512,   512,   4096,
                                                4096, 16384, 16384, 16385, 100000};
    const size_t expected_single[SIZE_COUNT] = {16384, 16384, 16384, 16384, 16384,
                                                16384, 16384, 16384, 16385, 100000};
    for (int i = 0; i < SIZE_COUNT; i++) {
        struct hp_buffer t = get(&hp_buffer_pool_tiered, tiered, sizes[i]);
        struct hp_buffer s = get(&hp_buffer_pool_single_class, single, sizes[i]);
        struct hp_buffer m = get(&hp_buffer_pool_malloc, plain, sizes[i]);
        cr_assert_eq(t.capacity, expected_tiered[i], "tiered %zu -> %zu", sizes[i], t.capacity);
        cr_assert_eq(s.capacity, expected_single[i], "single %zu -> %zu", sizes[i], s.capacity);
        cr_assert_eq(m.capacity, sizes[i], "malloc gives exactly the size");
        hp_buffer_pool_tiered.put(tiered, t);
        hp_buffer_pool_single_class.put(single, s);
        hp_buffer_pool_malloc.put(plain, m);
    }
    hp_buffer_pool_tiered.destroy(tiered);
    hp_buffer_pool_single_class.destroy(single);
    hp_buffer_pool_malloc.destroy(plain);
}

Test(buffer_pools, pooled_buffers_are_reused)
{
    FOR_EACH_BUFFER_POOL(ops)
    {
        if (ops == &hp_buffer_pool_malloc)
            continue;
        struct hp_buffer_pool *pool = make(ops, 4);
        struct hp_buffer first = get(ops, pool, 300);
        ops->put(pool, first);
        struct hp_alloc_counts before, after;
        hp_alloc_counts_read(&before);
        for (int i = 0; i < 100; i++) {
            struct hp_buffer again = get(ops, pool, 300);
            cr_assert_eq(again.data, first.data, "%s: not reused", ops->info.name);
            ops->put(pool, again);
        }
        hp_alloc_counts_read(&after);
        cr_assert_eq(after.allocs - before.allocs, 0, "%s", ops->info.name);
        cr_assert_eq(stats(ops, pool).allocations, 1, "%s", ops->info.name);
        ops->destroy(pool);
    }
    /* The reference allocates every time. */
    struct hp_buffer_pool *pool = make(&hp_buffer_pool_malloc, 4);
    for (int i = 0; i < 10; i++)
        hp_buffer_pool_malloc.put(pool, get(&hp_buffer_pool_malloc, pool, 300));
    cr_assert_eq(stats(&hp_buffer_pool_malloc, pool).allocations, 10);
    cr_assert_eq(stats(&hp_buffer_pool_malloc, pool).bytes_retained, 0);
    hp_buffer_pool_malloc.destroy(pool);
}

Test(buffer_pools, retain_limit_honoured)
{
    const struct hp_buffer_pool_ops *all[] = {&hp_buffer_pool_single_class, &hp_buffer_pool_tiered};
    const size_t class_of_1000[] = {16384, 4096};
    for (int p = 0; p < 2; p++) {
        const struct hp_buffer_pool_ops *ops = all[p];
        struct hp_buffer_pool *pool = make(ops, 4);
        struct hp_buffer held[10];
        for (int i = 0; i < 10; i++)
            held[i] = get(ops, pool, 1000);
        struct hp_alloc_counts before, after;
        hp_alloc_counts_read(&before);
        for (int i = 0; i < 10; i++)
            ops->put(pool, held[i]);
        hp_alloc_counts_read(&after);
        cr_assert_eq(after.frees - before.frees, 6, "%s: 10 puts, 4 kept, 6 freed", ops->info.name);
        struct hp_buffer_pool_stats s = stats(ops, pool);
        cr_assert_eq(s.bytes_retained, 4 * class_of_1000[p], "%s", ops->info.name);
        cr_assert_eq(s.allocations, 10);
        for (int i = 0; i < 10; i++)
            held[i] = get(ops, pool, 1000);
        cr_assert_eq(stats(ops, pool).allocations, 16, "%s: 4 reused, 6 new", ops->info.name);
        for (int i = 0; i < 10; i++)
            ops->put(pool, held[i]);
        /* Oversized buffers are never retained. */
        ops->put(pool, get(ops, pool, 20000));
        cr_assert_eq(stats(ops, pool).bytes_retained, 4 * class_of_1000[p]);
        ops->destroy(pool);
    }
}

Test(buffer_pools, stats_track_outstanding_retained_and_peak)
{
    /* malloc: peak is the most bytes outstanding at once, nothing is retained. */
    const struct hp_buffer_pool_ops *m = &hp_buffer_pool_malloc;
    struct hp_buffer_pool *pool = make(m, 4);
    struct hp_buffer a = get(m, pool, 100), b = get(m, pool, 200), c = get(m, pool, 300);
    cr_assert_eq(stats(m, pool).bytes_outstanding, 600);
    m->put(pool, a);
    m->put(pool, b);
    struct hp_buffer d = get(m, pool, 50);
    struct hp_buffer_pool_stats s = stats(m, pool);
    cr_assert_eq(s.bytes_outstanding, 350);
    cr_assert_eq(s.peak_bytes, 600);
    m->put(pool, c);
    m->put(pool, d);
    s = stats(m, pool);
    cr_assert_eq(s.bytes_outstanding, 0);
    cr_assert_eq(s.bytes_retained, 0);
    cr_assert_eq(s.peak_bytes, 600);
    m->destroy(pool);

    /* tiered: retained buffers count toward the peak. */
    const struct hp_buffer_pool_ops *t = &hp_buffer_pool_tiered;
    pool = make(t, 4);
    a = get(t, pool, 100);  /* 512 */
    b = get(t, pool, 5000); /* 16384 */
    cr_assert_eq(stats(t, pool).bytes_outstanding, 512 + 16384);
    t->put(pool, a);
    t->put(pool, b);
    s = stats(t, pool);
    cr_assert_eq(s.bytes_outstanding, 0);
    cr_assert_eq(s.bytes_retained, 512 + 16384);
    cr_assert_eq(s.peak_bytes, 512 + 16384);
    c = get(t, pool, 3000); /* a new 4096: retained + outstanding = 20992 */
    s = stats(t, pool);
    cr_assert_eq(s.bytes_outstanding, 4096);
    cr_assert_eq(s.bytes_retained, 512 + 16384);
    cr_assert_eq(s.peak_bytes, 512 + 16384 + 4096);
    t->put(pool, c);
    t->destroy(pool);
}
