/* mpmc_ring: Dmitry Vyukov's bounded multi-producer multi-consumer queue: a sequence number
 * per slot, producers and consumers each claiming positions with a CAS.
 *
 * Technique: slot i of lap L carries sequence L*capacity + i when free for the push of that
 * position, and position + 1 once written. A producer reads `enqueue_pos`, and if the slot's
 * sequence equals the position, claims it by CAS on `enqueue_pos`, writes the item and sets
 * the sequence to position + 1. A consumer does the same with `dequeue_pos` and sequence
 * position + 1, then frees the slot for the next lap (position + capacity). A sequence behind
 * the position means full (producer) or empty (consumer). Differences are taken as signed
 * 64-bit, so the positions may wrap.
 * Claim: C12's third row ("MPMC queue: sequence-based, slower").
 * Models: FasterAPI's MPMCQueue, its worker pool's task queue (core/worker_pool.h: a sequence
 * per cell, cells unpadded as in Vyukov's; lockfree_queue.h's variant pads each cell to a line).
 * Difference from its reference (mutex_queue): positions claimed by CAS and slots handed over
 * by their sequence numbers instead of under a mutex; it cannot sleep (waits are the caller's
 * polling). The two positions and the slot array pointer sit on lines of their own.
 * Memory orders:
 *  - a slot's sequence is loaded with acquire and stored with release: the producer's release
 *    (position + 1) pairs with the consumer's acquire, so the item written plain before it is
 *    visible; the consumer's release (position + capacity) pairs with the next lap's producer
 *    acquire, so the item was read before it is overwritten.
 *  - the positions are loaded and CAS'd relaxed: they only choose who owns which slot; the
 *    slot's sequence carries every ordering the items need. */
#include <stdalign.h>
#include <stdlib.h>

#include "queues/queue.h"

struct cell {
    uint64_t sequence; /* atomic */
    uint64_t item;     /* plain: ordered by sequence */
};

struct hp_queue {
    alignas(64) struct cell *cells; /* read-only from here on */
    uint64_t mask;
    alignas(64) uint64_t enqueue_pos;
    alignas(64) uint64_t dequeue_pos;
};

static struct hp_queue *mpmc_ring_create(const struct hp_queue_config *config, struct hp_error *err)
{
    if (hp_queue_config_check(&hp_queue_mpmc_ring, config, err))
        return NULL;
    struct hp_queue *q = aligned_alloc(64, sizeof *q);
    struct cell *cells = aligned_alloc(64, config->capacity * sizeof *cells);
    if (!q || !cells) {
        free(q);
        free(cells);
        hp_error_set(err, "queue mpmc_ring: out of memory");
        return NULL;
    }
    uint64_t first = config->first_position, mask = config->capacity - 1;
    for (uint64_t i = 0; i <= mask; i++)
        cells[(first + i) & mask] = (struct cell){.sequence = first + i};
    *q =
        (struct hp_queue){.cells = cells, .mask = mask, .enqueue_pos = first, .dequeue_pos = first};
    return q;
}

static bool mpmc_ring_try_push(struct hp_queue *q, uint64_t item)
{
    uint64_t pos = __atomic_load_n(&q->enqueue_pos, __ATOMIC_RELAXED);
    struct cell *cell;
    for (;;) {
        cell = &q->cells[pos & q->mask];
        /* acquire: pairs with the consumer's release of the previous lap (slot read). */
        int64_t diff = (int64_t)(__atomic_load_n(&cell->sequence, __ATOMIC_ACQUIRE) - pos);
        if (diff == 0) {
            if (__atomic_compare_exchange_n(&q->enqueue_pos, &pos, pos + 1, true, __ATOMIC_RELAXED,
                                            __ATOMIC_RELAXED))
                break;
        } else if (diff < 0) {
            return false; /* the slot still holds last lap's item: full */
        } else {
            pos = __atomic_load_n(&q->enqueue_pos, __ATOMIC_RELAXED);
        }
    }
    cell->item = item;
    /* release: pairs with the consumer's acquire of this sequence (publishes the item). */
    __atomic_store_n(&cell->sequence, pos + 1, __ATOMIC_RELEASE);
    return true;
}

static bool mpmc_ring_try_pop(struct hp_queue *q, uint64_t *item)
{
    uint64_t pos = __atomic_load_n(&q->dequeue_pos, __ATOMIC_RELAXED);
    struct cell *cell;
    for (;;) {
        cell = &q->cells[pos & q->mask];
        /* acquire: pairs with the producer's release (the item is written). */
        int64_t diff = (int64_t)(__atomic_load_n(&cell->sequence, __ATOMIC_ACQUIRE) - (pos + 1));
        if (diff == 0) {
            if (__atomic_compare_exchange_n(&q->dequeue_pos, &pos, pos + 1, true, __ATOMIC_RELAXED,
                                            __ATOMIC_RELAXED))
                break;
        } else if (diff < 0) {
            return false; /* not written yet: empty */
        } else {
            pos = __atomic_load_n(&q->dequeue_pos, __ATOMIC_RELAXED);
        }
    }
    *item = cell->item;
    /* release: pairs with the next lap's producer acquire (the item was read). */
    __atomic_store_n(&cell->sequence, pos + q->mask + 1, __ATOMIC_RELEASE);
    return true;
}

static size_t mpmc_ring_capacity(const struct hp_queue *q)
{
    return q->mask + 1;
}

static void mpmc_ring_destroy(struct hp_queue *q)
{
    if (!q)
        return;
    free(q->cells);
    free(q);
}

const struct hp_queue_ops hp_queue_mpmc_ring = {
    .info =
        {
            .name = "mpmc_ring",
            .summary = "lock-free MPMC ring, a sequence number per slot (Vyukov)",
            .models = "FasterAPI's MPMCQueue (core/worker_pool.h, its task queue: Vyukov's "
                      "bounded MPMC queue, a sequence per cell, CAS)",
            .reference = "mutex_queue",
            .bound = HP_GAIN_LOWER_BOUND,
            .bound_reason = "one CAS and two sequence accesses per call, as Vyukov's queue; the "
                            "mutex_queue it replaces is cheaper than the std::queue it models",
        },
    .flags = HP_QUEUE_MULTI_PRODUCER | HP_QUEUE_MULTI_CONSUMER,
    .create = mpmc_ring_create,
    .try_push = mpmc_ring_try_push,
    .try_pop = mpmc_ring_try_pop,
    .capacity = mpmc_ring_capacity,
    .destroy = mpmc_ring_destroy,
};
