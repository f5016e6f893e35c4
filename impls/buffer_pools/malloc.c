/* malloc: no buffer pool. Every response gets malloc(size) of exactly its size, freed on put.
 *
 * Technique: the allocator is the pool (jemalloc in Release builds, itself size-classed).
 * Claims: the reference of C11.
 * Difference from its reference: it is the reference.
 */
#include "buffer_pools/buffer_class.h"

struct hp_buffer_pool {
    struct hp_buffer_pool_stats stats;
};

static struct hp_buffer_pool *malloc_create(const struct hp_buffer_pool_config *config,
                                            struct hp_error *err)
{
    (void)config;
    struct hp_buffer_pool *pool = calloc(1, sizeof *pool);
    if (!pool)
        hp_error_set(err, "buffer_pool malloc: out of memory");
    return pool;
}

static int malloc_get(struct hp_buffer_pool *pool, size_t size, struct hp_buffer *out)
{
    return hp_buffer_oversize_get(&pool->stats, size, out);
}

static void malloc_put(struct hp_buffer_pool *pool, struct hp_buffer buffer)
{
    hp_buffer_oversize_put(&pool->stats, buffer);
}

static void malloc_stats(struct hp_buffer_pool *pool, struct hp_buffer_pool_stats *out)
{
    *out = pool->stats;
}

static void malloc_destroy(struct hp_buffer_pool *pool)
{
    free(pool);
}

const struct hp_buffer_pool_ops hp_buffer_pool_malloc = {
    .info =
        {
            .name = "malloc",
            .summary = "no pool: malloc(size) per response, free on put (the reference)",
            .models = "no buffer pool: make([]byte, n) per response (or new[] in C++)",
            .reference = NULL,
            .bound = HP_GAIN_LOWER_BOUND,
            .bound_reason = "jemalloc frees at once where a GC keeps dead buffers until the next "
                            "cycle: its peak is lower than Go's",
        },
    .create = malloc_create,
    .get = malloc_get,
    .put = malloc_put,
    .stats = malloc_stats,
    .destroy = malloc_destroy,
};
