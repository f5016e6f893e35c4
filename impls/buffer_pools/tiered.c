/* tiered: three size classes, 512 B / 4 KiB / 16 KiB, each keeping at most retain_per_class
 * idle buffers; a response takes the smallest class that fits, larger ones are malloc'd at
 * their size and freed on put.
 *
 * Technique: the skill document's SmartBufferPool (three sync.Pools of 512 B, 4 KB, 16 KB,
 * oversized buffers not pooled); Shockwave's 2/4 KB pools are the same idea with two tiers.
 * Claims: C11 (80% memory saving at 1000 concurrent requests).
 * Difference from its reference (single_class): the same class mechanics and retain limit,
 * with two smaller classes in front of the 16 KiB one.
 */
#include "buffer_pools/buffer_class.h"

enum { CLASS_COUNT = 3 };
static const size_t class_bytes[CLASS_COUNT] = {512, 4 * 1024, 16 * 1024};

struct hp_buffer_pool {
    struct hp_buffer_pool_stats stats;
    struct hp_buffer_class classes[CLASS_COUNT];
};

static void tiered_destroy(struct hp_buffer_pool *pool);

static struct hp_buffer_pool *tiered_create(const struct hp_buffer_pool_config *config,
                                            struct hp_error *err)
{
    size_t retain =
        config && config->retain_per_class ? config->retain_per_class : HP_BUFFER_DEFAULT_RETAIN;
    struct hp_buffer_pool *pool = calloc(1, sizeof *pool);
    if (!pool) {
        hp_error_set(err, "buffer_pool tiered: out of memory");
        return NULL;
    }
    for (int i = 0; i < CLASS_COUNT; i++) {
        if (hp_buffer_class_init(&pool->classes[i], class_bytes[i], retain)) {
            tiered_destroy(pool);
            hp_error_set(err, "buffer_pool tiered: out of memory");
            return NULL;
        }
    }
    return pool;
}

static inline int class_for_size(size_t size)
{
    for (int i = 0; i < CLASS_COUNT; i++)
        if (size <= class_bytes[i])
            return i;
    return -1;
}

static int tiered_get(struct hp_buffer_pool *pool, size_t size, struct hp_buffer *out)
{
    int c = class_for_size(size);
    if (c >= 0)
        return hp_buffer_class_get(&pool->classes[c], &pool->stats, out);
    return hp_buffer_oversize_get(&pool->stats, size, out);
}

static void tiered_put(struct hp_buffer_pool *pool, struct hp_buffer buffer)
{
    for (int i = 0; i < CLASS_COUNT; i++) {
        if (buffer.capacity == class_bytes[i]) {
            hp_buffer_class_put(&pool->classes[i], &pool->stats, buffer);
            return;
        }
    }
    hp_buffer_oversize_put(&pool->stats, buffer);
}

static void tiered_stats(struct hp_buffer_pool *pool, struct hp_buffer_pool_stats *out)
{
    *out = pool->stats;
}

static void tiered_destroy(struct hp_buffer_pool *pool)
{
    if (!pool)
        return;
    for (int i = 0; i < CLASS_COUNT; i++)
        hp_buffer_class_fini(&pool->classes[i]);
    free(pool);
}

const struct hp_buffer_pool_ops hp_buffer_pool_tiered = {
    .info =
        {
            .name = "tiered",
            .summary = "512 B / 4 KiB / 16 KiB classes with a retain limit; larger: malloc",
            .models = "the skill document's SmartBufferPool (seed 002: sync.Pools of 512 B, 4 KB, "
                      "16 KB, oversized not pooled)",
            .reference = "single_class",
            .bound = HP_GAIN_LIKE_FOR_LIKE,
            .bound_reason = "the seed's classes and retain rule; a retain limit where sync.Pool "
                            "drops buffers at GC",
        },
    .create = tiered_create,
    .get = tiered_get,
    .put = tiered_put,
    .stats = tiered_stats,
    .destroy = tiered_destroy,
};
