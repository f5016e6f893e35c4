/* The pool axis contract (impls/pools/pool.h), checked on every implementation. */
#include <criterion/criterion.h>
#include <pthread.h>
#include <stdint.h>
#include <string.h>
#include <unistd.h>

#include "alloc_count.h"
#include "pools/pool.h"
#include "rng.h"
#include "soak.h"

#define FOR_EACH_POOL(ops)                                                                         \
    for (const struct hp_impl_info *const *it_ = hp_pool_table; *it_; it_++)                       \
        for (const struct hp_pool_ops *ops = hp_pool_ops_of(*it_); ops; ops = NULL)

static struct hp_pool *make_pool(const struct hp_pool_ops *ops, size_t object_size, size_t capacity,
                                 unsigned max_threads)
{
    struct hp_pool_config config = {object_size, capacity, max_threads};
    struct hp_error err = {{0}};
    struct hp_pool *pool = ops->create(&config, &err);
    cr_assert_not_null(pool, "%s: create failed: %s", ops->info.name, err.message);
    return pool;
}

static void end_request(const struct hp_pool_ops *ops, struct hp_pool *pool)
{
    if (ops->request_end)
        ops->request_end(pool);
}

static void attach(const struct hp_pool_ops *ops, struct hp_pool *pool)
{
    if (ops->thread_attach)
        ops->thread_attach(pool);
}

static void detach(const struct hp_pool_ops *ops, struct hp_pool *pool)
{
    if (ops->thread_detach)
        ops->thread_detach(pool);
}

static struct hp_pool_stats pool_stats(const struct hp_pool_ops *ops, struct hp_pool *pool)
{
    struct hp_pool_stats s;
    ops->stats(pool, &s);
    cr_assert_geq(s.created, s.released + s.pooled, "%s: created %lu < released %lu + pooled %lu",
                  ops->info.name, (unsigned long)s.created, (unsigned long)s.released,
                  (unsigned long)s.pooled);
    return s;
}

static uint64_t in_use(const struct hp_pool_ops *ops, struct hp_pool *pool)
{
    struct hp_pool_stats s = pool_stats(ops, pool);
    return hp_pool_in_use(&s);
}

Test(pools, table_lists_all_eight)
{
    const char *expected[] = {"malloc",    "mutex_freelist", "treiber",      "bounded_cas",
                              "tls_cache", "percpu",         "percpu_cache", "arena"};
    size_t n = 0;
    FOR_EACH_POOL(ops)
    {
        cr_assert_lt(n, 8);
        cr_assert_str_eq(ops->info.name, expected[n]);
        cr_assert_not_null(ops->create);
        cr_assert_not_null(ops->get);
        cr_assert_not_null(ops->put);
        cr_assert_not_null(ops->stats);
        cr_assert_not_null(ops->destroy);
        n++;
    }
    cr_assert_eq(n, 8);
}

Test(pools, create_refuses_zero_object_size)
{
    FOR_EACH_POOL(ops)
    {
        struct hp_pool_config config = {0, 16, 4};
        struct hp_error err = {{0}};
        cr_assert_null(ops->create(&config, &err), "%s accepted object_size 0", ops->info.name);
        cr_assert(strstr(err.message, "object_size") != NULL, "%s: message '%s'", ops->info.name,
                  err.message);
    }
}

Test(pools, round_trip)
{
    FOR_EACH_POOL(ops)
    {
        struct hp_pool *pool = make_pool(ops, 200, 16, 4);
        attach(ops, pool);
        for (int round = 0; round < 3; round++) {
            unsigned char *object = ops->get(pool);
            cr_assert_not_null(object, "%s: get returned NULL", ops->info.name);
            cr_assert_eq((uintptr_t)object % 16, 0, "%s: object not 16-byte aligned",
                         ops->info.name);
            memset(object, 0xA5, 200);
            cr_assert_eq(in_use(ops, pool), 1, "%s: one object held", ops->info.name);
            ops->put(pool, object);
            end_request(ops, pool);
            cr_assert_eq(in_use(ops, pool), 0, "%s: nothing held after put", ops->info.name);
        }
        /* Objects held at quiesce are counted as in use, not lost. */
        void *held[5];
        for (int i = 0; i < 5; i++)
            held[i] = ops->get(pool);
        cr_assert_eq(in_use(ops, pool), 5, "%s: five held", ops->info.name);
        for (int i = 0; i < 5; i++)
            ops->put(pool, held[i]);
        end_request(ops, pool);
        cr_assert_eq(in_use(ops, pool), 0, "%s", ops->info.name);
        detach(ops, pool);
        ops->destroy(pool);
    }
}

enum { DISTINCT_COUNT = 200, DISTINCT_SIZE = 48 };

Test(pools, objects_distinct_while_held)
{
    FOR_EACH_POOL(ops)
    {
        /* Capacity 64 < 200 held, so bounded_cas falls back and the others grow. */
        struct hp_pool *pool = make_pool(ops, DISTINCT_SIZE, 64, 4);
        for (int round = 0; round < 2; round++) {
            unsigned char *held[DISTINCT_COUNT];
            for (int i = 0; i < DISTINCT_COUNT; i++) {
                held[i] = ops->get(pool);
                cr_assert_not_null(held[i], "%s", ops->info.name);
                memset(held[i], i, DISTINCT_SIZE);
            }
            /* Overlapping objects would have overwritten each other's pattern. */
            for (int i = 0; i < DISTINCT_COUNT; i++)
                for (int b = 0; b < DISTINCT_SIZE; b++)
                    cr_assert_eq(held[i][b], (unsigned char)i, "%s: object %d byte %d changed",
                                 ops->info.name, i, b);
            cr_assert_eq(in_use(ops, pool), DISTINCT_COUNT, "%s", ops->info.name);
            for (int i = 0; i < DISTINCT_COUNT; i++)
                ops->put(pool, held[i]);
            end_request(ops, pool);
            cr_assert_eq(in_use(ops, pool), 0, "%s", ops->info.name);
        }
        detach(ops, pool);
        ops->destroy(pool);
    }
}

/* --- cross-thread give-back: one thread gets, another puts ------------------------------ */

enum { HANDOFF_COUNT = 100, HANDOFF_SIZE = 64 };

struct handoff {
    const struct hp_pool_ops *ops;
    struct hp_pool *pool;
    pthread_barrier_t got, given_back;
    unsigned char *objects[HANDOFF_COUNT];
    int bad_contents;
};

static void *handoff_getter(void *arg)
{
    struct handoff *h = arg;
    attach(h->ops, h->pool);
    for (int i = 0; i < HANDOFF_COUNT; i++) {
        h->objects[i] = h->ops->get(h->pool);
        if (h->objects[i])
            memset(h->objects[i], i + 1, HANDOFF_SIZE);
    }
    pthread_barrier_wait(&h->got);
    pthread_barrier_wait(&h->given_back);
    end_request(h->ops, h->pool); /* the request that took them is over */
    detach(h->ops, h->pool);
    return NULL;
}

static void *handoff_putter(void *arg)
{
    struct handoff *h = arg;
    attach(h->ops, h->pool);
    pthread_barrier_wait(&h->got);
    for (int i = 0; i < HANDOFF_COUNT; i++) {
        if (!h->objects[i] || h->objects[i][0] != i + 1 || h->objects[i][HANDOFF_SIZE - 1] != i + 1)
            h->bad_contents++;
        else
            h->ops->put(h->pool, h->objects[i]);
    }
    pthread_barrier_wait(&h->given_back);
    detach(h->ops, h->pool);
    return NULL;
}

Test(pools, cross_thread_give_back)
{
    FOR_EACH_POOL(ops)
    {
        struct handoff h = {.ops = ops, .pool = make_pool(ops, HANDOFF_SIZE, 32, 4)};
        for (int round = 0; round < 3; round++) {
            pthread_barrier_init(&h.got, NULL, 2);
            pthread_barrier_init(&h.given_back, NULL, 2);
            pthread_t getter, putter;
            pthread_create(&getter, NULL, handoff_getter, &h);
            pthread_create(&putter, NULL, handoff_putter, &h);
            pthread_join(getter, NULL);
            pthread_join(putter, NULL);
            pthread_barrier_destroy(&h.got);
            pthread_barrier_destroy(&h.given_back);
            cr_assert_eq(h.bad_contents, 0, "%s: objects arrived damaged or NULL", ops->info.name);
            cr_assert_eq(in_use(ops, h.pool), 0, "%s: round %d lost objects", ops->info.name,
                         round);
        }
        /* The pool still works on a third thread (here the main one). */
        void *object = ops->get(h.pool);
        cr_assert_not_null(object, "%s", ops->info.name);
        ops->put(h.pool, object);
        end_request(ops, h.pool);
        detach(ops, h.pool);
        cr_assert_eq(in_use(ops, h.pool), 0, "%s", ops->info.name);
        ops->destroy(h.pool);
    }
}

/* --- concurrent stress with owner tags ------------------------------------------------ */

enum {
    STRESS_THREADS = 4,
    STRESS_ITERATIONS = 20000,
    STRESS_MAX_HELD = 8,
    STRESS_MAILBOXES = 16,
};

#define MAILBOX_TAG 0x4d41494c424f5821ull /* the owner of an object parked in a mailbox */

/* Every object starts with this: written by its holder on get, checked and cleared on put.
 * Plain (volatile) accesses on purpose: under TSan they also check that the pool orders one
 * holder's put before the next holder's get. */
struct tagged {
    volatile uint64_t owner;
    volatile uint64_t check;
};

struct stress {
    const struct hp_pool_ops *ops;
    struct hp_pool *pool;
    int handoffs; /* 0 for request-scoped pools: an object must not outlive its request */
    struct tagged *mailboxes[STRESS_MAILBOXES]; /* __atomic builtins */
    uint64_t failures;                          /* __atomic builtins */
    bool soaking;                               /* run until stop, not STRESS_ITERATIONS */
    int stop;                                   /* __atomic builtins */
    uint64_t iterations;                        /* __atomic builtins: all threads */
};

struct stress_thread {
    struct stress *shared;
    unsigned index;
};

static void fail(struct stress *s)
{
    __atomic_fetch_add(&s->failures, 1, __ATOMIC_RELAXED);
}

static void take(struct tagged *object, uint64_t tag)
{
    object->owner = tag;
    object->check = ~tag;
}

static void verify(struct stress *s, struct tagged *object, uint64_t tag)
{
    if (object->owner != tag || object->check != ~tag)
        fail(s);
}

static void *stress_worker(void *arg)
{
    struct stress_thread *self = arg;
    struct stress *s = self->shared;
    const struct hp_pool_ops *ops = s->ops;
    struct hp_rng rng;
    hp_rng_seed(&rng, 1000 + self->index);
    struct tagged *held[STRESS_MAX_HELD];
    uint64_t tags[STRESS_MAX_HELD];
    unsigned held_count = 0;
    uint64_t sequence = 0;
    attach(ops, s->pool);
    uint64_t it = 0;
    for (; s->soaking ? !__atomic_load_n(&s->stop, __ATOMIC_RELAXED) : it < STRESS_ITERATIONS;
         it++) {
        uint64_t r = hp_rng_below(&rng, 100);
        if (r < 40 && held_count < STRESS_MAX_HELD) {
            struct tagged *object = ops->get(s->pool);
            if (!object) {
                fail(s);
                continue;
            }
            uint64_t tag = ((uint64_t)(self->index + 1) << 48) | ++sequence;
            take(object, tag);
            held[held_count] = object;
            tags[held_count++] = tag;
        } else if (r < 70 && held_count > 0) {
            unsigned i = (unsigned)hp_rng_below(&rng, held_count);
            verify(s, held[i], tags[i]);
            held[i]->owner = 0;
            ops->put(s->pool, held[i]);
            held[i] = held[--held_count];
            tags[i] = tags[held_count];
        } else if (r < 80 && s->handoffs && held_count > 0) {
            /* Swap one held object with whatever sits in a random mailbox. */
            unsigned i = (unsigned)hp_rng_below(&rng, held_count);
            verify(s, held[i], tags[i]);
            take(held[i], MAILBOX_TAG);
            unsigned box = (unsigned)hp_rng_below(&rng, STRESS_MAILBOXES);
            struct tagged *received =
                __atomic_exchange_n(&s->mailboxes[box], held[i], __ATOMIC_ACQ_REL);
            if (received) {
                verify(s, received, MAILBOX_TAG);
                uint64_t tag = ((uint64_t)(self->index + 1) << 48) | ++sequence;
                take(received, tag);
                held[i] = received;
                tags[i] = tag;
            } else {
                held[i] = held[--held_count];
                tags[i] = tags[held_count];
            }
        } else if (r < 95) {
            /* Hold for a while, so that other threads' operations interleave. */
            uint64_t spins = hp_rng_below(&rng, 200);
            for (uint64_t k = 0; k < spins; k++)
                __asm__ volatile("" ::: "memory");
            for (unsigned i = 0; i < held_count; i++)
                verify(s, held[i], tags[i]);
        } else if (held_count == 0) {
            end_request(ops, s->pool);
        }
    }
    for (unsigned i = 0; i < held_count; i++) {
        verify(s, held[i], tags[i]);
        held[i]->owner = 0;
        ops->put(s->pool, held[i]);
    }
    end_request(ops, s->pool);
    if (self->index % 2 == 0)
        detach(ops, s->pool); /* odd threads exit attached: their state must not be lost */
    __atomic_fetch_add(&s->iterations, it, __ATOMIC_RELAXED);
    return NULL;
}

Test(pools, concurrent_stress_no_double_ownership_none_lost)
{
    FOR_EACH_POOL(ops)
    {
        struct stress s = {.ops = ops,
                           .pool = make_pool(ops, 64, 32, STRESS_THREADS + 1),
                           .handoffs = ops->request_end == NULL};
        pthread_t threads[STRESS_THREADS];
        struct stress_thread args[STRESS_THREADS];
        struct soak soak;
        s.soaking = soak_start(&soak, "pool_owner_tags", ops->info.name);
        for (unsigned i = 0; i < STRESS_THREADS; i++) {
            args[i] = (struct stress_thread){&s, i};
            pthread_create(&threads[i], NULL, stress_worker, &args[i]);
        }
        while (soak_more(&soak))
            usleep(10000);
        __atomic_store_n(&s.stop, 1, __ATOMIC_RELAXED);
        for (unsigned i = 0; i < STRESS_THREADS; i++)
            pthread_join(threads[i], NULL);
        for (unsigned box = 0; box < STRESS_MAILBOXES; box++) {
            struct tagged *object = s.mailboxes[box];
            if (object) {
                verify(&s, object, MAILBOX_TAG);
                ops->put(s.pool, object);
            }
        }
        end_request(ops, s.pool);
        soak_report(&soak, s.iterations, s.failures);
        cr_assert_eq(s.failures, 0, "%s: %lu ownership violations", ops->info.name,
                     (unsigned long)s.failures);
        struct hp_pool_stats st = pool_stats(ops, s.pool);
        cr_assert_eq(hp_pool_in_use(&st), 0,
                     "%s: created %lu != released %lu + pooled %lu at quiesce", ops->info.name,
                     (unsigned long)st.created, (unsigned long)st.released,
                     (unsigned long)st.pooled);
        cr_assert_gt(st.created, 0, "%s", ops->info.name);
        detach(ops, s.pool);
        ops->destroy(s.pool);
    }
}

/* --- implementation-specific behaviour ------------------------------------------------ */

Test(pools, arena_request_end_releases_everything_at_once)
{
    const struct hp_pool_ops *ops = &hp_pool_arena;
    struct hp_pool *pool = make_pool(ops, 100, 16, 2);
    void *first_round[300];
    for (int i = 0; i < 300; i++) /* > one 64 KiB chunk of 112-byte strides */
        first_round[i] = ops->get(pool);
    for (int i = 0; i < 300; i++)
        ops->put(pool, first_round[i]); /* no-op */
    struct hp_pool_stats s = pool_stats(ops, pool);
    cr_assert_eq(s.created, 300);
    cr_assert_eq(s.released, 0, "put alone releases nothing");
    ops->request_end(pool);
    s = pool_stats(ops, pool);
    cr_assert_eq(s.released, 300);
    cr_assert_eq(hp_pool_in_use(&s), 0);

    struct hp_alloc_counts before, after;
    hp_alloc_counts_read(&before);
    for (int i = 0; i < 300; i++) {
        void *object = ops->get(pool);
        cr_assert_eq(object, first_round[i], "request 2 reuses request 1's memory in order");
    }
    hp_alloc_counts_read(&after);
    cr_assert_eq(after.allocs - before.allocs, 0, "chunks are kept across requests");
    ops->request_end(pool);
    ops->destroy(pool);
}

Test(pools, bounded_cas_falls_back_to_malloc_once_all_slots_are_taken)
{
    const struct hp_pool_ops *ops = &hp_pool_bounded_cas;
    struct hp_pool *pool = make_pool(ops, 64, 64, 2);
    struct hp_pool_stats s = pool_stats(ops, pool);
    cr_assert_eq(s.created, 64, "slots are prefilled");
    cr_assert_eq(s.pooled, 64);

    void *held[74];
    struct hp_alloc_counts before, after;
    hp_alloc_counts_read(&before);
    for (int i = 0; i < 64; i++)
        held[i] = ops->get(pool);
    hp_alloc_counts_read(&after);
    cr_assert_eq(after.allocs - before.allocs, 0, "the first 64 gets come from slots");
    cr_assert_eq(pool_stats(ops, pool).pooled, 0);

    before = after;
    for (int i = 64; i < 74; i++)
        held[i] = ops->get(pool);
    hp_alloc_counts_read(&after);
    cr_assert_eq(after.allocs - before.allocs, 10, "each get past the slots mallocs once");
    cr_assert_eq(pool_stats(ops, pool).created, 74);

    before = after;
    for (int i = 0; i < 74; i++)
        ops->put(pool, held[i]);
    hp_alloc_counts_read(&after);
    cr_assert_eq(after.frees - before.frees, 10, "puts past the free slots free the object");
    s = pool_stats(ops, pool);
    cr_assert_eq(s.pooled, 64);
    cr_assert_eq(s.released, 10);
    cr_assert_eq(hp_pool_in_use(&s), 0);
    ops->destroy(pool);
}

Test(pools, steady_state_allocation_counts)
{
    FOR_EACH_POOL(ops)
    {
        struct hp_pool *pool = make_pool(ops, 128, 64, 2);
        attach(ops, pool);
        void *held[8];
        for (int warm = 0; warm < 4; warm++) { /* fill caches, slots, arena chunks */
            for (int i = 0; i < 8; i++)
                held[i] = ops->get(pool);
            for (int i = 0; i < 8; i++)
                ops->put(pool, held[i]);
            end_request(ops, pool);
        }
        struct hp_alloc_counts before, after;
        hp_alloc_counts_read(&before);
        uint64_t gets = 0;
        for (int round = 0; round < 500; round++) {
            void *object = ops->get(pool);
            ops->put(pool, object);
            end_request(ops, pool);
            for (int i = 0; i < 8; i++)
                held[i] = ops->get(pool);
            for (int i = 0; i < 8; i++)
                ops->put(pool, held[i]);
            end_request(ops, pool);
            gets += 9;
        }
        hp_alloc_counts_read(&after);
        struct hp_alloc_counts d = hp_alloc_counts_delta(&before, &after);
        if (strcmp(ops->info.name, "malloc") == 0) {
            cr_assert_eq(d.allocs, gets, "malloc: exactly one malloc per get (%lu for %lu)",
                         (unsigned long)d.allocs, (unsigned long)gets);
            cr_assert_eq(d.frees, gets, "malloc: exactly one free per put");
        } else {
            cr_assert_eq(d.allocs, 0, "%s: %lu allocations in steady state", ops->info.name,
                         (unsigned long)d.allocs);
            cr_assert_eq(d.frees, 0, "%s: %lu frees in steady state", ops->info.name,
                         (unsigned long)d.frees);
        }
        detach(ops, pool);
        ops->destroy(pool);
    }
}

Test(pools, tls_cache_detach_returns_cached_objects_to_the_depot)
{
    const struct hp_pool_ops *ops = &hp_pool_tls_cache;
    struct hp_pool *pool = make_pool(ops, 64, 64, 1); /* one thread slot */
    void *held[20];
    for (int i = 0; i < 20; i++)
        held[i] = ops->get(pool);
    for (int i = 0; i < 20; i++)
        ops->put(pool, held[i]);
    cr_assert_eq(pool_stats(ops, pool).pooled, 20);
    ops->thread_detach(pool);
    struct hp_pool_stats s = pool_stats(ops, pool);
    cr_assert_eq(s.pooled, 20, "detach moved them to the depot, none lost");
    cr_assert_eq(s.created, 20);
    /* Re-attaching (the slot is free again) gets them back without allocating. */
    struct hp_alloc_counts before, after;
    hp_alloc_counts_read(&before);
    for (int i = 0; i < 20; i++)
        held[i] = ops->get(pool);
    hp_alloc_counts_read(&after);
    cr_assert_eq(after.allocs - before.allocs, 0);
    for (int i = 0; i < 20; i++)
        ops->put(pool, held[i]);
    ops->thread_detach(pool);
    ops->destroy(pool);
}
