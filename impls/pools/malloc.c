/* malloc: no pool at all. get is malloc(object_size), put is free().
 *
 * Technique: the allocator (jemalloc in Release builds) is the pool.
 * Claims: the reference of C7, C13 and C14 (the "heap 50-500 ns" tier).
 * Difference from its reference: it is the reference.
 *
 * The only extra work is accounting (created/released), kept in per-thread counters that only
 * their owner writes, so the figure is not distorted by a shared atomic counter. */
#include "pools/pool_common.h"

#include <stdalign.h>

struct thread_counters {
    alignas(HP_CACHE_LINE) uint64_t created; /* written by the owner only */
    uint64_t released;
};

struct hp_pool {
    size_t object_size;
    struct hp_pool_threads threads;
    struct thread_counters *per_thread;               /* threads.count entries */
    alignas(HP_CACHE_LINE) uint64_t overflow_created; /* threads without a slot: atomic RMW */
    uint64_t overflow_released;
};

/* Owner-only increment: a relaxed load and store (plain instructions) instead of a locked RMW;
 * atomics only so that stats may read them without a data race. */
static inline void bump(uint64_t *counter)
{
    __atomic_store_n(counter, __atomic_load_n(counter, __ATOMIC_RELAXED) + 1, __ATOMIC_RELAXED);
}

static struct hp_pool *malloc_create(const struct hp_pool_config *config, struct hp_error *err)
{
    struct hp_pool_config cfg;
    if (hp_pool_config_check(config, &cfg, err))
        return NULL;
    struct hp_pool *pool = aligned_alloc(HP_CACHE_LINE, sizeof *pool);
    if (!pool) {
        hp_error_set(err, "pool malloc: out of memory");
        return NULL;
    }
    *pool = (struct hp_pool){.object_size = cfg.object_size};
    pool->per_thread =
        aligned_alloc(HP_CACHE_LINE, cfg.max_threads * sizeof(struct thread_counters));
    if (!pool->per_thread || hp_pool_threads_init(&pool->threads, cfg.max_threads, err)) {
        if (!pool->per_thread)
            hp_error_set(err, "pool malloc: out of memory");
        free(pool->per_thread);
        free(pool);
        return NULL;
    }
    for (unsigned i = 0; i < cfg.max_threads; i++)
        pool->per_thread[i] = (struct thread_counters){0};
    return pool;
}

static void *malloc_get(struct hp_pool *pool)
{
    void *object = malloc(pool->object_size);
    if (!object)
        return NULL;
    int slot = hp_pool_threads_slot(&pool->threads);
    if (slot >= 0)
        bump(&pool->per_thread[slot].created);
    else
        __atomic_fetch_add(&pool->overflow_created, 1, __ATOMIC_RELAXED);
    return object;
}

static void malloc_put(struct hp_pool *pool, void *object)
{
    free(object);
    int slot = hp_pool_threads_slot(&pool->threads);
    if (slot >= 0)
        bump(&pool->per_thread[slot].released);
    else
        __atomic_fetch_add(&pool->overflow_released, 1, __ATOMIC_RELAXED);
}

static void malloc_thread_detach(struct hp_pool *pool)
{
    int slot = hp_pool_threads_detach(&pool->threads);
    if (slot >= 0)
        hp_pool_threads_release_slot(&pool->threads, slot); /* counters stay for stats */
}

static void malloc_stats(struct hp_pool *pool, struct hp_pool_stats *out)
{
    out->created = __atomic_load_n(&pool->overflow_created, __ATOMIC_RELAXED);
    out->released = __atomic_load_n(&pool->overflow_released, __ATOMIC_RELAXED);
    for (unsigned i = 0; i < pool->threads.count; i++) {
        out->created += __atomic_load_n(&pool->per_thread[i].created, __ATOMIC_RELAXED);
        out->released += __atomic_load_n(&pool->per_thread[i].released, __ATOMIC_RELAXED);
    }
    out->pooled = 0;
}

static void malloc_destroy(struct hp_pool *pool)
{
    if (!pool)
        return;
    hp_pool_threads_fini(&pool->threads);
    free(pool->per_thread);
    free(pool);
}

const struct hp_pool_ops hp_pool_malloc = {
    .info =
        {
            .name = "malloc",
            .summary = "no pool: malloc on get, free on put (the reference)",
            .models = "no pool: a fresh object per request (Go new(Context); FasterAPI's "
                      "PyDict_New; Shockwave's heap tier)",
            .reference = NULL,
            .bound = HP_GAIN_LOWER_BOUND,
            .bound_reason = "jemalloc's thread cache without GC is cheaper than mallocgc + GC, and "
                            "than PyDict_New (C13's ~500 ns includes building a dict)",
        },
    .create = malloc_create,
    .get = malloc_get,
    .put = malloc_put,
    .thread_detach = malloc_thread_detach,
    .stats = malloc_stats,
    .destroy = malloc_destroy,
};
