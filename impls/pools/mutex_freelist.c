/* mutex_freelist: one free list shared by every thread, guarded by one pthread mutex.
 *
 * Technique: the simplest shared pool (what a Go sync.Pool degenerates to without its per-P
 * caches, and what FasterAPI's mutex-guarded buffer pool does).
 * Claims: C7's "one shared pool" (mutex_freelist -> percpu splits it per CPU; Bolt's own pool
 * is sync.Pool: tls_cache), C13/C14 (pool tier).
 * Difference from its reference (malloc): idle objects are kept on a list and reused instead of
 * going back to the allocator; the list is never trimmed, so it holds at most the peak number
 * of objects in use. */
#include "pools/pool_common.h"

#include <pthread.h>

struct hp_pool {
    pthread_mutex_t lock;
    struct hp_pool_node *free_list; /* guarded by lock */
    uint64_t pooled;                /* guarded by lock */
    uint64_t created;               /* guarded by lock */
    size_t object_size;
};

static struct hp_pool *mutex_freelist_create(const struct hp_pool_config *config,
                                             struct hp_error *err)
{
    struct hp_pool_config cfg;
    if (hp_pool_config_check(config, &cfg, err))
        return NULL;
    struct hp_pool *pool = calloc(1, sizeof *pool);
    if (!pool) {
        hp_error_set(err, "pool mutex_freelist: out of memory");
        return NULL;
    }
    pthread_mutex_init(&pool->lock, NULL);
    pool->object_size = cfg.object_size;
    return pool;
}

static void *mutex_freelist_get(struct hp_pool *pool)
{
    pthread_mutex_lock(&pool->lock);
    struct hp_pool_node *node = pool->free_list;
    if (node) {
        pool->free_list = hp_pool_node_next(node);
        pool->pooled--;
        pthread_mutex_unlock(&pool->lock);
        return hp_pool_node_object(node);
    }
    pthread_mutex_unlock(&pool->lock);
    node = hp_pool_node_new(pool->object_size);
    if (!node)
        return NULL;
    pthread_mutex_lock(&pool->lock);
    pool->created++;
    pthread_mutex_unlock(&pool->lock);
    return hp_pool_node_object(node);
}

static void mutex_freelist_put(struct hp_pool *pool, void *object)
{
    struct hp_pool_node *node = hp_pool_node_of(object);
    pthread_mutex_lock(&pool->lock);
    hp_pool_node_set_next(node, pool->free_list);
    pool->free_list = node;
    pool->pooled++;
    pthread_mutex_unlock(&pool->lock);
}

static void mutex_freelist_stats(struct hp_pool *pool, struct hp_pool_stats *out)
{
    pthread_mutex_lock(&pool->lock);
    *out = (struct hp_pool_stats){.created = pool->created, .pooled = pool->pooled};
    pthread_mutex_unlock(&pool->lock);
}

static void mutex_freelist_destroy(struct hp_pool *pool)
{
    if (!pool)
        return;
    hp_pool_node_free_list(pool->free_list);
    pthread_mutex_destroy(&pool->lock);
    free(pool);
}

const struct hp_pool_ops hp_pool_mutex_freelist = {
    .info =
        {
            .name = "mutex_freelist",
            .summary = "one free list behind one pthread mutex",
            .models = "one shared pool behind one lock (FasterAPI's mutex-guarded buffer pool, "
                      "seed 003; a sync.Pool without its per-P caches)",
            .reference = "malloc",
            .bound = HP_GAIN_LOWER_BOUND,
            .bound_reason = "the malloc it replaces is cheaper here (jemalloc's thread cache, no "
                            "GC) than the heaps it models; the mutex costs what std::mutex costs",
        },
    .create = mutex_freelist_create,
    .get = mutex_freelist_get,
    .put = mutex_freelist_put,
    .stats = mutex_freelist_stats,
    .destroy = mutex_freelist_destroy,
};
