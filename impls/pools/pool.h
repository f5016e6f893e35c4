/* The pool axis: where per-request objects (contexts, param maps) come from and go back to.
 *
 * Every implementation hands out fixed-size objects of `config.object_size` bytes, aligned to
 * 16, and takes them back. The contract every implementation keeps:
 *
 *   - get returns an object no one else holds (NULL only when memory runs out, or for `arena`
 *     when more threads use it than config.max_threads);
 *   - an object taken on one thread may be given back on any other thread;
 *   - the pool never reads or writes the bytes of an object while it is held;
 *   - put of an object happens-before the get that hands the same memory out again (so a
 *     caller's plain writes before put never race with the next holder's plain writes).
 *
 * Threads: a thread MAY call thread_attach (when not NULL) before its first get/put and
 * thread_detach when it stops using the pool; pools with per-thread state (tls_cache, arena,
 * malloc's counters) claim a per-thread slot lazily on first use anyway, and detach gives the
 * slot (and, for tls_cache, the cached objects) back to the pool. A thread that exits without
 * detaching loses nothing: its slot and its objects stay in the pool, counted in stats.
 *
 * Requests: request_end (when not NULL) marks the end of the calling thread's request. For
 * `arena` it releases every object that thread took since its previous request_end, all at
 * once; objects of that request must not be used afterwards, whichever thread holds them.
 */
#ifndef HOTPATH_POOL_H
#define HOTPATH_POOL_H

#include <stddef.h>
#include <stdint.h>

#include "common/error.h"
#include "registry.h"

struct hp_pool_config {
    size_t object_size;   /* bytes per object, > 0 */
    size_t capacity;      /* how many idle objects the pool expects to keep (a hint; 0: 1024) */
    unsigned max_threads; /* threads that will use the pool at once (0: 64) */
};

/* Object accounting. Only exact at quiesce (no thread inside get/put/request_end, and every
 * thread that used the pool has synchronised with the caller, e.g. by pthread_join); then
 *
 *     created - released == pooled + in use
 *
 * where "in use" is the number of objects callers hold. hp_pool_in_use() computes it. */
struct hp_pool_stats {
    uint64_t created;  /* objects obtained from the allocator, cumulative */
    uint64_t released; /* objects given back to the allocator or reclaimed by request_end */
    uint64_t pooled;   /* idle objects the pool holds now, ready for get */
};

struct hp_pool; /* each implementation defines its own */

struct hp_pool_ops {
    struct hp_impl_info info;
    struct hp_pool *(*create)(const struct hp_pool_config *config, struct hp_error *err);
    void *(*get)(struct hp_pool *pool);
    void (*put)(struct hp_pool *pool, void *object);
    void (*request_end)(struct hp_pool *pool);   /* optional (NULL: nothing to do) */
    void (*thread_attach)(struct hp_pool *pool); /* optional */
    void (*thread_detach)(struct hp_pool *pool); /* optional */
    void (*stats)(struct hp_pool *pool, struct hp_pool_stats *out);
    void (*destroy)(struct hp_pool *pool); /* frees every object still pooled */
};

static inline uint64_t hp_pool_in_use(const struct hp_pool_stats *s)
{
    return s->created - s->released - s->pooled;
}

/* The implementations (pool_list.h), for the table and for the code that names one. */
#define HP_IMPL(symbol) extern const struct hp_pool_ops symbol;
#include "pools/pool_list.h"
#undef HP_IMPL

/* The ops of an implementation found through the registry (info is the first member). */
static inline const struct hp_pool_ops *hp_pool_ops_of(const struct hp_impl_info *info)
{
    return (const struct hp_pool_ops *)info;
}

#endif
