/* treiber: a lock-free Treiber stack of idle objects, ABA-safe by a 64-bit version counter.
 *
 * Technique: the head is {top pointer, 64-bit tag} in one 16-byte aligned word, swapped with a
 * double-width compare-and-swap (cmpxchg16b). Every successful push or pop increments the
 * tag, so a pop that read {A, t} cannot succeed after A was popped and pushed back (the head is
 * then {A, t+2} or later): the classic ABA failure, where the pop would install A's stale next,
 * is impossible until the tag wraps after 2^64 operations.
 * Claims: C7 (a shared pool without a lock), C13/C14 (pool tier).
 * Difference from its reference (mutex_freelist): the same shared free list, but pushed and
 * popped with CAS instead of under a mutex.
 * Memory safety: nodes are only freed by destroy, so a pop may always read the link of the top
 * node it saw, even if another thread popped it meanwhile (the link sits in the hidden node
 * header, not in the caller's bytes, see pool_common.h).
 * Memory orders:
 *  - push writes node->next (relaxed), then publishes the node with the CAS; __sync builtins
 *    are full barriers, so the CAS is a release for the link and for the caller's writes to the
 *    object before put.
 *  - pop reads the head halves with acquire loads; reading the top written by a push's CAS
 *    synchronises with it, so the relaxed load of top->next sees that push's link (or a later
 *    one, in which case the tag has moved and the CAS fails). The successful CAS is also an
 *    acquire, so the new holder's writes come after the previous holder's.
 *  - the halves are read separately (tag first, then top); a torn pair never equals the current
 *    head because tags only grow, so the CAS rejects it and the loop retries.
 */
#include "pools/pool_common.h"

#include <stdalign.h>
#include <stdbool.h>

union stack_head {
    struct {
        struct hp_pool_node *top;
        uint64_t tag;
    };
    unsigned __int128 word;
};

struct hp_pool {
    alignas(HP_CACHE_LINE) union stack_head head;
    alignas(HP_CACHE_LINE) uint64_t created; /* atomic RMW, only on the allocation path */
    size_t object_size;
};

static inline union stack_head load_head(union stack_head *head)
{
    union stack_head h;
    h.tag = __atomic_load_n(&head->tag, __ATOMIC_ACQUIRE);
    h.top = __atomic_load_n(&head->top, __ATOMIC_ACQUIRE);
    return h;
}

/* GCC turns a 16-byte __atomic_compare_exchange into a libatomic call, which the project does
 * not link; __sync_bool_compare_and_swap on an unsigned __int128 is inlined as `lock cmpxchg16b`
 * when the function is compiled for the cx16 target, hence target("cx16") on the functions that
 * swap the head instead of a global -mcx16. Every x86-64 CPU since 2006 but the very first has
 * cx16. ThreadSanitizer instruments the builtin as a 128-bit atomic. */
__attribute__((target("cx16"))) static inline bool
cas_head(union stack_head *head, union stack_head expected, union stack_head desired)
{
    return __sync_bool_compare_and_swap(&head->word, expected.word, desired.word);
}

static struct hp_pool *treiber_create(const struct hp_pool_config *config, struct hp_error *err)
{
    struct hp_pool_config cfg;
    if (hp_pool_config_check(config, &cfg, err))
        return NULL;
    struct hp_pool *pool = aligned_alloc(HP_CACHE_LINE, sizeof *pool);
    if (!pool) {
        hp_error_set(err, "pool treiber: out of memory");
        return NULL;
    }
    *pool = (struct hp_pool){.object_size = cfg.object_size};
    return pool;
}

/* Every successful CAS moves the tag on; the sabotage build (CMakeLists.txt, HOTPATH_SABOTAGE)
 * keeps it, for the soak to prove it notices ABA. */
#ifdef HOTPATH_SABOTAGE_NO_ABA_TAG
#define NEXT_TAG(tag) (tag)
#else
#define NEXT_TAG(tag) ((tag) + 1)
#endif

__attribute__((target("cx16"))) static void *treiber_get(struct hp_pool *pool)
{
    for (;;) {
        union stack_head old = load_head(&pool->head);
        if (!old.top)
            break;
        union stack_head new = {.top = hp_pool_node_next(old.top), .tag = NEXT_TAG(old.tag)};
        if (cas_head(&pool->head, old, new))
            return hp_pool_node_object(old.top);
    }
    struct hp_pool_node *node = hp_pool_node_new(pool->object_size);
    if (!node)
        return NULL;
    __atomic_fetch_add(&pool->created, 1, __ATOMIC_RELAXED);
    return hp_pool_node_object(node);
}

__attribute__((target("cx16"))) static void treiber_put(struct hp_pool *pool, void *object)
{
    struct hp_pool_node *node = hp_pool_node_of(object);
    for (;;) {
        union stack_head old = load_head(&pool->head);
        hp_pool_node_set_next(node, old.top);
        union stack_head new = {.top = node, .tag = NEXT_TAG(old.tag)};
        if (cas_head(&pool->head, old, new))
            return;
    }
}

static void treiber_stats(struct hp_pool *pool, struct hp_pool_stats *out)
{
    *out = (struct hp_pool_stats){.created = __atomic_load_n(&pool->created, __ATOMIC_RELAXED)};
    for (struct hp_pool_node *n = load_head(&pool->head).top; n; n = hp_pool_node_next(n))
        out->pooled++;
}

static void treiber_destroy(struct hp_pool *pool)
{
    if (!pool)
        return;
    hp_pool_node_free_list(load_head(&pool->head).top);
    free(pool);
}

const struct hp_pool_ops hp_pool_treiber = {
    .info =
        {
            .name = "treiber",
            .summary = "lock-free Treiber stack, ABA-safe with a 128-bit tagged CAS",
            .models = "a lock-free shared free list (Treiber stack with a tagged 128-bit CAS)",
            .reference = "mutex_freelist",
            .bound = HP_GAIN_LIKE_FOR_LIKE,
            .bound_reason = "one CAS per op, as any Treiber stack",
        },
    .create = treiber_create,
    .get = treiber_get,
    .put = treiber_put,
    .stats = treiber_stats,
    .destroy = treiber_destroy,
};
