/* single_class: one size class of 16 KiB buffers, up to retain_per_class kept idle.
 *
 * Technique: the one-size pool (FasterAPI's 8 KB RefCountedBuffer pool, Shockwave's fixed-size
 * buffer pools): every response, however small, takes a full class buffer. Larger responses
 * are malloc'd at their size and freed on put.
 * Claims: C11 (the "one-size pool" side).
 * Difference from its reference (malloc): buffers are reused from one 16 KiB class instead of
 * being allocated at their size per response.
 */
#include "buffer_pools/buffer_class.h"

enum { CLASS_BYTES = 16 * 1024 };

struct hp_buffer_pool {
    struct hp_buffer_pool_stats stats;
    struct hp_buffer_class class;
};

static struct hp_buffer_pool *single_class_create(const struct hp_buffer_pool_config *config,
                                                  struct hp_error *err)
{
    size_t retain =
        config && config->retain_per_class ? config->retain_per_class : HP_BUFFER_DEFAULT_RETAIN;
    struct hp_buffer_pool *pool = calloc(1, sizeof *pool);
    if (!pool || hp_buffer_class_init(&pool->class, CLASS_BYTES, retain)) {
        free(pool);
        hp_error_set(err, "buffer_pool single_class: out of memory");
        return NULL;
    }
    return pool;
}

static int single_class_get(struct hp_buffer_pool *pool, size_t size, struct hp_buffer *out)
{
    if (size <= CLASS_BYTES)
        return hp_buffer_class_get(&pool->class, &pool->stats, out);
    return hp_buffer_oversize_get(&pool->stats, size, out);
}

static void single_class_put(struct hp_buffer_pool *pool, struct hp_buffer buffer)
{
    if (buffer.capacity == CLASS_BYTES)
        hp_buffer_class_put(&pool->class, &pool->stats, buffer);
    else
        hp_buffer_oversize_put(&pool->stats, buffer);
}

static void single_class_stats(struct hp_buffer_pool *pool, struct hp_buffer_pool_stats *out)
{
    *out = pool->stats;
}

static void single_class_destroy(struct hp_buffer_pool *pool)
{
    if (!pool)
        return;
    hp_buffer_class_fini(&pool->class);
    free(pool);
}

const struct hp_buffer_pool_ops hp_buffer_pool_single_class = {
    .info =
        {
            .name = "single_class",
            .summary = "one 16 KiB buffer class with a retain limit; larger: malloc",
            .models =
                "a one-size buffer pool: the 16 KB class the skill document's 80% saving is "
                "measured against (seed 002), FasterAPI's 8 KB RefCountedBuffer pool (seed 003)",
            .reference = "malloc",
            .bound = HP_GAIN_LOWER_BOUND,
            .bound_reason = "the malloc it replaces frees at once where a GC keeps dead buffers "
                            "until its next cycle",
        },
    .create = single_class_create,
    .get = single_class_get,
    .put = single_class_put,
    .stats = single_class_stats,
    .destroy = single_class_destroy,
};
