/* Pieces every free-list pool shares, so two pools differ only in how they synchronise.
 *
 * A pooled object carries a hidden 16-byte node header in front of the bytes the caller sees.
 * The free-list link lives there, never inside the caller's bytes: a lock-free pop may read
 * the link of an object another thread has just taken (it then fails its CAS), and that read
 * must not race with the new holder writing its own object. 16 bytes keep the caller's
 * object 16-byte aligned behind a malloc'd block.
 */
#ifndef HOTPATH_POOL_COMMON_H
#define HOTPATH_POOL_COMMON_H

#include <stdlib.h>

#include "pools/pool.h"

#define HP_CACHE_LINE            64
#define HP_POOL_DEFAULT_CAPACITY 1024
#define HP_POOL_DEFAULT_THREADS  64

struct hp_pool_node {
    struct hp_pool_node *next; /* accessed only with __atomic builtins */
    uint64_t unused;           /* keeps the object 16-byte aligned */
};

static inline void *hp_pool_node_object(struct hp_pool_node *node)
{
    return node + 1;
}

static inline struct hp_pool_node *hp_pool_node_of(void *object)
{
    return (struct hp_pool_node *)object - 1;
}

static inline struct hp_pool_node *hp_pool_node_new(size_t object_size)
{
    return malloc(sizeof(struct hp_pool_node) + object_size);
}

/* Relaxed is enough for the link itself: every pool publishes a node through a release
 * (mutex unlock, CAS) after writing its link, and reads the link after an acquire. */
static inline struct hp_pool_node *hp_pool_node_next(struct hp_pool_node *node)
{
    return __atomic_load_n(&node->next, __ATOMIC_RELAXED);
}

static inline void hp_pool_node_set_next(struct hp_pool_node *node, struct hp_pool_node *next)
{
    __atomic_store_n(&node->next, next, __ATOMIC_RELAXED);
}

/* Frees a NULL-terminated list, returns how many nodes it held. */
static inline uint64_t hp_pool_node_free_list(struct hp_pool_node *head)
{
    uint64_t n = 0;
    while (head) {
        struct hp_pool_node *next = hp_pool_node_next(head);
        free(head);
        head = next;
        n++;
    }
    return n;
}

static inline int hp_pool_config_check(const struct hp_pool_config *config,
                                       struct hp_pool_config *out, struct hp_error *err)
{
    /* Explicit -1 (not hp_error_set's value): lets the compiler see *out is set on 0. */
    if (!config || config->object_size == 0) {
        hp_error_set(err, "pool: object_size must be > 0");
        return -1;
    }
    if (config->object_size > ((size_t)1 << 30)) {
        hp_error_set(err, "pool: object_size %zu is larger than 1 GiB", config->object_size);
        return -1;
    }
    *out = *config;
    if (out->capacity == 0)
        out->capacity = HP_POOL_DEFAULT_CAPACITY;
    if (out->max_threads == 0)
        out->max_threads = HP_POOL_DEFAULT_THREADS;
    return 0;
}

/* Per-thread slots of one pool (tls_cache, arena, malloc's counters).
 *
 * A pool owns `count` slots; a thread claims one on first use and keeps it until
 * thread_detach. The thread finds its slot through a small thread-local map keyed by pool id
 * (ids are never reused, so a map entry of a destroyed pool can never match a new pool at the
 * same address). The map's first entry is the most recently used pool, checked inline. */
struct hp_pool_threads {
    uint64_t pool_id;
    unsigned count;
    uint64_t *claimed; /* count owners (a thread's token, 0 = free), __atomic builtins */
};

enum { HP_POOL_THREAD_MAP_SIZE = 8 };

struct hp_pool_thread_map_entry {
    uint64_t pool_id; /* 0: empty */
    int slot;
};

extern __thread struct hp_pool_thread_map_entry hp_pool_thread_map[HP_POOL_THREAD_MAP_SIZE];

int hp_pool_threads_init(struct hp_pool_threads *threads, unsigned count, struct hp_error *err);
void hp_pool_threads_fini(struct hp_pool_threads *threads);
int hp_pool_threads_slot_slow(struct hp_pool_threads *threads);
/* Forgets the calling thread's slot and returns it (-1: it had none). The caller then empties
 * the slot's state and hands the slot back with hp_pool_threads_release_slot. */
int hp_pool_threads_detach(struct hp_pool_threads *threads);
void hp_pool_threads_release_slot(struct hp_pool_threads *threads, int slot);

/* The calling thread's slot in this pool, claimed on first use; -1 when every slot is taken. */
static inline int hp_pool_threads_slot(struct hp_pool_threads *threads)
{
    if (__builtin_expect(hp_pool_thread_map[0].pool_id == threads->pool_id, 1))
        return hp_pool_thread_map[0].slot;
    return hp_pool_threads_slot_slow(threads);
}

/* Whether slot i is claimed right now (for stats and destroy, at quiesce). */
static inline int hp_pool_threads_claimed(const struct hp_pool_threads *threads, unsigned i)
{
    return __atomic_load_n(&threads->claimed[i], __ATOMIC_ACQUIRE) != 0;
}

#endif
