/* spsc_ring_uncached: a lock-free single-producer single-consumer ring (Lamport's), its two
 * positions on cache lines of their own, each side reading the other's position every call.
 *
 * Technique: the producer alone writes `tail`, the consumer alone writes `head`; a push checks
 * for room against `head`, writes the slot and publishes it by advancing `tail`; a pop checks
 * for an item against `tail`, reads the slot and frees it by advancing `head`. `head`, `tail`
 * and the read-only fields (slots, mask) sit on three lines, so that neither side's writes
 * evict what the other only reads.
 * Claim: C12, a step toward spsc_ring: the lock removed, the cached positions not yet added.
 * Models: the SPSC ring without the cached-index decision (Folly's ProducerConsumerQueue has
 * this shape; FasterAPI's and Aeron's add the caches: spsc_ring).
 * Difference from its reference (mutex_queue): one producer and one consumer synchronised by
 * two positions with release/acquire, instead of any number of them under a mutex; it cannot
 * sleep, so waiting is the caller's polling.
 * Memory orders:
 *  - push: `head` loaded with acquire, pairing with the pop's release store of `head`: the
 *    consumer's read of a slot comes before the producer overwrites it; the slot written plain,
 *    then `tail` stored with release, pairing with the pop's acquire load of `tail`.
 *  - pop: `tail` loaded with acquire (the slot's contents, and the producer's writes before the
 *    push, are visible), the slot read plain, `head` stored with release (pairs as above).
 *  - each side loads its own position relaxed: only it writes it. */
#include <stdalign.h>
#include <stdlib.h>

#include "queues/queue.h"

struct hp_queue {
    alignas(64) uint64_t head; /* next position to pop; written by the consumer */
    alignas(64) uint64_t tail; /* next position to push; written by the producer */
    alignas(64) uint64_t mask; /* read-only from here on */
    uint64_t *slots;
};

static struct hp_queue *spsc_ring_uncached_create(const struct hp_queue_config *config,
                                                  struct hp_error *err)
{
    if (hp_queue_config_check(&hp_queue_spsc_ring_uncached, config, err))
        return NULL;
    struct hp_queue *q = aligned_alloc(64, sizeof *q);
    uint64_t *slots = aligned_alloc(64, config->capacity * sizeof *slots);
    if (!q || !slots) {
        free(q);
        free(slots);
        hp_error_set(err, "queue spsc_ring_uncached: out of memory");
        return NULL;
    }
    *q = (struct hp_queue){.head = config->first_position,
                           .tail = config->first_position,
                           .mask = config->capacity - 1,
                           .slots = slots};
    return q;
}

static bool spsc_ring_uncached_try_push(struct hp_queue *q, uint64_t item)
{
    uint64_t tail = __atomic_load_n(&q->tail, __ATOMIC_RELAXED); /* our own */
    /* acquire: pairs with the pop's release of head (the slot was read before we reuse it). */
    if (tail - __atomic_load_n(&q->head, __ATOMIC_ACQUIRE) > q->mask)
        return false;
    q->slots[tail & q->mask] = item;
    /* release: pairs with the pop's acquire of tail (publishes the slot). */
    __atomic_store_n(&q->tail, tail + 1, __ATOMIC_RELEASE);
    return true;
}

static bool spsc_ring_uncached_try_pop(struct hp_queue *q, uint64_t *item)
{
    uint64_t head = __atomic_load_n(&q->head, __ATOMIC_RELAXED); /* our own */
    /* acquire: pairs with the push's release of tail (the slot is written). */
    if (head == __atomic_load_n(&q->tail, __ATOMIC_ACQUIRE))
        return false;
    *item = q->slots[head & q->mask];
    /* release: pairs with the push's acquire of head (the slot may be reused). */
    __atomic_store_n(&q->head, head + 1, __ATOMIC_RELEASE);
    return true;
}

static size_t spsc_ring_uncached_capacity(const struct hp_queue *q)
{
    return q->mask + 1;
}

static void spsc_ring_uncached_destroy(struct hp_queue *q)
{
    if (!q)
        return;
    free(q->slots);
    free(q);
}

const struct hp_queue_ops hp_queue_spsc_ring_uncached = {
    .info =
        {
            .name = "spsc_ring_uncached",
            .summary = "lock-free SPSC ring, padded positions, no cached copies",
            .models = "an SPSC ring without cached indices (Lamport's ring; Folly's "
                      "ProducerConsumerQueue)",
            .reference = "mutex_queue",
            .bound = HP_GAIN_LOWER_BOUND,
            .bound_reason = "the ring costs what any Lamport ring costs; the mutex_queue it "
                            "replaces is cheaper than the std::queue it models (no allocation)",
        },
    .flags = 0,
    .create = spsc_ring_uncached_create,
    .try_push = spsc_ring_uncached_try_push,
    .try_pop = spsc_ring_uncached_try_pop,
    .capacity = spsc_ring_uncached_capacity,
    .destroy = spsc_ring_uncached_destroy,
};
