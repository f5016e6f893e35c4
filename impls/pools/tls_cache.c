/* tls_cache: a small per-thread cache of idle objects in front of a shared, mutex-guarded
 * depot, refilled and flushed in batches.
 *
 * Models: Go's sync.Pool (sync/pool.go: Get and Put pin the P and use its private slot, then
 * its shared chain, then steal or the victim cache), which is Gin's engine.pool and Bolt's
 * context pool; also jemalloc's tcache (per-thread bins, filled and flushed half a bin at a
 * time). A get or put that stays within the thread's cache touches no shared cache line and
 * makes no atomic RMW, as Get/Put on the P's private slot.
 * Claims: the reference of C7 as Bolt had it (tls_cache -> percpu_cache); the thread-local
 * cache of C7's three-way comparison.
 * Difference from its reference (mutex_freelist): the same mutex-guarded free list, reached
 * only once per BATCH objects through a CACHE_SIZE-entry per-thread array.
 * Like sync.Pool on the fast path; its slow path is a mutex depot where Go steals from other
 * Ps' lock-free chains, and nothing is dropped at GC.
 *
 * Each thread's cache is a slot of the pool (see pool_common.h), 64-byte aligned so two
 * threads' caches never share a cache line. Only the owning thread touches its cache between
 * attach and detach; the depot mutex orders every hand-over of objects between threads. A
 * thread that gets more slots than config.max_threads allows goes straight to the depot.
 */
#include "pools/pool_common.h"

#include <pthread.h>
#include <stdalign.h>

enum { CACHE_SIZE = 32, BATCH = CACHE_SIZE / 2 };

struct thread_cache {
    alignas(HP_CACHE_LINE) unsigned count; /* owner only */
    struct hp_pool_node *objects[CACHE_SIZE];
};

struct hp_pool {
    struct hp_pool_threads threads;
    struct thread_cache *caches; /* threads.count entries */
    size_t object_size;
    alignas(HP_CACHE_LINE) pthread_mutex_t depot_lock;
    struct hp_pool_node *depot;              /* guarded by depot_lock */
    uint64_t depot_count;                    /* guarded by depot_lock */
    alignas(HP_CACHE_LINE) uint64_t created; /* atomic RMW, allocation path only */
};

static struct hp_pool *tls_cache_create(const struct hp_pool_config *config, struct hp_error *err)
{
    struct hp_pool_config cfg;
    if (hp_pool_config_check(config, &cfg, err))
        return NULL;
    struct hp_pool *pool = aligned_alloc(HP_CACHE_LINE, sizeof *pool);
    if (!pool) {
        hp_error_set(err, "pool tls_cache: out of memory");
        return NULL;
    }
    *pool = (struct hp_pool){.object_size = cfg.object_size};
    pool->caches = aligned_alloc(HP_CACHE_LINE, cfg.max_threads * sizeof(struct thread_cache));
    if (!pool->caches || hp_pool_threads_init(&pool->threads, cfg.max_threads, err)) {
        if (!pool->caches)
            hp_error_set(err, "pool tls_cache: out of memory for %u caches", cfg.max_threads);
        free(pool->caches);
        free(pool);
        return NULL;
    }
    for (unsigned i = 0; i < cfg.max_threads; i++)
        pool->caches[i].count = 0;
    pthread_mutex_init(&pool->depot_lock, NULL);
    return pool;
}

static void *new_object(struct hp_pool *pool)
{
    struct hp_pool_node *node = hp_pool_node_new(pool->object_size);
    if (!node)
        return NULL;
    __atomic_fetch_add(&pool->created, 1, __ATOMIC_RELAXED);
    return hp_pool_node_object(node);
}

/* Moves up to BATCH objects from the depot into an empty cache. */
static void refill(struct hp_pool *pool, struct thread_cache *cache)
{
    pthread_mutex_lock(&pool->depot_lock);
    struct hp_pool_node *node = pool->depot;
    unsigned n = 0;
    while (node && n < BATCH) {
        cache->objects[n++] = node;
        node = hp_pool_node_next(node);
    }
    pool->depot = node;
    pool->depot_count -= n;
    pthread_mutex_unlock(&pool->depot_lock);
    cache->count = n;
}

/* Moves the n oldest (bottom) objects of a cache to the depot; the hot top stays. */
static void flush(struct hp_pool *pool, struct thread_cache *cache, unsigned n)
{
    pthread_mutex_lock(&pool->depot_lock);
    for (unsigned i = 0; i < n; i++) {
        hp_pool_node_set_next(cache->objects[i], pool->depot);
        pool->depot = cache->objects[i];
    }
    pool->depot_count += n;
    pthread_mutex_unlock(&pool->depot_lock);
    cache->count -= n;
    for (unsigned i = 0; i < cache->count; i++)
        cache->objects[i] = cache->objects[i + n];
}

static void *tls_cache_get(struct hp_pool *pool)
{
    int slot = hp_pool_threads_slot(&pool->threads);
    if (slot < 0) {
        pthread_mutex_lock(&pool->depot_lock);
        struct hp_pool_node *node = pool->depot;
        if (node) {
            pool->depot = hp_pool_node_next(node);
            pool->depot_count--;
        }
        pthread_mutex_unlock(&pool->depot_lock);
        return node ? hp_pool_node_object(node) : new_object(pool);
    }
    struct thread_cache *cache = &pool->caches[slot];
    if (cache->count == 0) {
        refill(pool, cache);
        if (cache->count == 0)
            return new_object(pool);
    }
    return hp_pool_node_object(cache->objects[--cache->count]);
}

static void tls_cache_put(struct hp_pool *pool, void *object)
{
    struct hp_pool_node *node = hp_pool_node_of(object);
    int slot = hp_pool_threads_slot(&pool->threads);
    if (slot < 0) {
        pthread_mutex_lock(&pool->depot_lock);
        hp_pool_node_set_next(node, pool->depot);
        pool->depot = node;
        pool->depot_count++;
        pthread_mutex_unlock(&pool->depot_lock);
        return;
    }
    struct thread_cache *cache = &pool->caches[slot];
    if (cache->count == CACHE_SIZE)
        flush(pool, cache, BATCH);
    cache->objects[cache->count++] = node;
}

static void tls_cache_thread_detach(struct hp_pool *pool)
{
    int slot = hp_pool_threads_detach(&pool->threads);
    if (slot < 0)
        return;
    struct thread_cache *cache = &pool->caches[slot];
    flush(pool, cache, cache->count);
    hp_pool_threads_release_slot(&pool->threads, slot);
}

static void tls_cache_stats(struct hp_pool *pool, struct hp_pool_stats *out)
{
    pthread_mutex_lock(&pool->depot_lock);
    *out = (struct hp_pool_stats){.pooled = pool->depot_count};
    pthread_mutex_unlock(&pool->depot_lock);
    out->created = __atomic_load_n(&pool->created, __ATOMIC_RELAXED);
    for (unsigned i = 0; i < pool->threads.count; i++)
        out->pooled += pool->caches[i].count; /* quiesce: see pool.h */
}

static void tls_cache_destroy(struct hp_pool *pool)
{
    if (!pool)
        return;
    for (unsigned i = 0; i < pool->threads.count; i++)
        for (unsigned j = 0; j < pool->caches[i].count; j++)
            free(pool->caches[i].objects[j]);
    hp_pool_node_free_list(pool->depot);
    pthread_mutex_destroy(&pool->depot_lock);
    hp_pool_threads_fini(&pool->threads);
    free(pool->caches);
    free(pool);
}

const struct hp_pool_ops hp_pool_tls_cache = {
    .info =
        {
            .name = "tls_cache",
            .summary = "per-thread cache (32) over a mutex depot, batch refill/flush (16)",
            .models = "Go sync.Pool Get/Put (sync/pool.go: pin, the P's private slot and shared "
                      "chain, victim cache): Gin's engine.pool and Bolt's context pool",
            .reference = "mutex_freelist",
            .bound = HP_GAIN_LIKE_FOR_LIKE,
            .bound_reason = "no atomic RMW on the fast path, as Get/Put on the P's private slot; a "
                            "mutex depot where Go steals lock-free",
        },
    .create = tls_cache_create,
    .get = tls_cache_get,
    .put = tls_cache_put,
    .thread_detach = tls_cache_thread_detach,
    .stats = tls_cache_stats,
    .destroy = tls_cache_destroy,
};
