/* The buffer_pool axis: where response buffers come from.
 *
 * get(size) returns a buffer of at least `size` bytes; put gives it back. The implementations
 * differ in how much memory they keep and hand out for a given mix of response sizes (claim
 * C11: a three-tier pool saves most of the memory a one-size pool wastes on small responses).
 *
 * Threads: a buffer pool instance belongs to one thread (one event loop's response buffers),
 * like Shockwave's per-connection buffers; a multi-threaded benchmark gives each thread its
 * own instance. That keeps the comparison about memory, not about synchronisation (the pool
 * axis measures synchronisation).
 */
#ifndef HOTPATH_BUFFER_POOL_H
#define HOTPATH_BUFFER_POOL_H

#include <stddef.h>
#include <stdint.h>

#include "common/error.h"
#include "registry.h"

struct hp_buffer {
    unsigned char *data;
    size_t capacity; /* >= the size asked for; pass the buffer back to put unchanged */
};

struct hp_buffer_pool_config {
    /* Idle buffers a pool keeps per size class; a put beyond it frees the buffer (0: 1024,
     * enough to keep a wave of 1000 in-flight responses, as an unbounded sync.Pool would). */
    size_t retain_per_class;
};

/* Byte accounting, in buffer capacities (what the memory actually costs). */
struct hp_buffer_pool_stats {
    uint64_t bytes_outstanding; /* capacity of buffers handed out and not yet put back */
    uint64_t bytes_retained;    /* capacity of idle buffers the pool keeps */
    uint64_t peak_bytes;        /* max over time of bytes_outstanding + bytes_retained */
    uint64_t allocations;       /* buffers obtained from malloc */
};

struct hp_buffer_pool;

struct hp_buffer_pool_ops {
    struct hp_impl_info info;
    struct hp_buffer_pool *(*create)(const struct hp_buffer_pool_config *config,
                                     struct hp_error *err);
    /* 0, or -1 when memory runs out (out untouched). size may be 0. */
    int (*get)(struct hp_buffer_pool *pool, size_t size, struct hp_buffer *out);
    void (*put)(struct hp_buffer_pool *pool, struct hp_buffer buffer);
    void (*stats)(struct hp_buffer_pool *pool, struct hp_buffer_pool_stats *out);
    void (*destroy)(struct hp_buffer_pool *pool); /* frees the retained buffers */
};

/* The implementations (buffer_pool_list.h), for the table and for the code that names one. */
#define HP_IMPL(symbol) extern const struct hp_buffer_pool_ops symbol;
#include "buffer_pools/buffer_pool_list.h"
#undef HP_IMPL

static inline const struct hp_buffer_pool_ops *
hp_buffer_pool_ops_of(const struct hp_impl_info *info)
{
    return (const struct hp_buffer_pool_ops *)info;
}

#endif
