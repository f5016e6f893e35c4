/* The queue axis: bounded FIFO queues of 64-bit items between threads (an acceptor handing
 * connections to workers, a request handed to another thread).
 *
 * The contract every implementation keeps:
 *   - exactly once, in order: every item pushed is popped once, and the items one producer
 *     pushed are popped in the order it pushed them;
 *   - try_push and try_pop never wait: try_push returns false when the queue holds capacity()
 *     items, try_pop returns false when it holds none;
 *   - a push happens-before the pop that returns its item (a producer's plain writes before the
 *     push, to an object the item points to, are visible to the consumer after the pop);
 *   - at most config.producers threads push and config.consumers threads pop at once; more
 *     than one of either only when the flags say so (create refuses the rest).
 *
 * Waits: a caller waits for room or for an item either by polling try_push / try_pop
 * (hp_queue_push_spinning and hp_queue_pop_spinning below), or, when the implementation is
 * flagged HP_QUEUE_BLOCKING, in push / pop, which sleep until the other side makes room or
 * brings an item. Whether a case spins or blocks is the workload's choice, named in the case.
 *
 * Positions: producers and consumers count pushes and pops with 64-bit counters (ck_ring:
 * 32-bit, the low half) that start at config.first_position, so that tests can start them just
 * below 2^64 and watch them wrap.
 */
#ifndef HOTPATH_QUEUE_H
#define HOTPATH_QUEUE_H

#include <sched.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/error.h"
#include "registry.h"

enum { HP_QUEUE_MAX_CAPACITY = 1u << 30 };

struct hp_queue_config {
    size_t capacity;         /* slots: a power of two, 2 .. HP_QUEUE_MAX_CAPACITY */
    unsigned producers;      /* threads that push at once, >= 1 */
    unsigned consumers;      /* threads that pop at once, >= 1 */
    uint64_t first_position; /* where the push and pop counters start (0 but in tests) */
};

/* Capabilities (struct hp_queue_ops.flags): callers decide by flag, never by a queue's name. */
enum {
    HP_QUEUE_MULTI_PRODUCER = 1u << 0, /* several threads may push at once */
    HP_QUEUE_MULTI_CONSUMER = 1u << 1, /* several threads may pop at once */
    HP_QUEUE_BLOCKING = 1u << 2,       /* push and pop sleep while full / empty */
};

struct hp_queue; /* each implementation defines its own */

struct hp_queue_ops {
    struct hp_impl_info info;
    uint32_t flags; /* HP_QUEUE_* */
    struct hp_queue *(*create)(const struct hp_queue_config *config, struct hp_error *err);
    bool (*try_push)(struct hp_queue *q, uint64_t item);
    bool (*try_pop)(struct hp_queue *q, uint64_t *item);
    /* HP_QUEUE_BLOCKING only (NULL otherwise): wait, asleep, for room / for an item. */
    void (*push)(struct hp_queue *q, uint64_t item);
    uint64_t (*pop)(struct hp_queue *q);
    /* The items the queue holds when full: config.capacity, or one less (ck_ring keeps a slot
     * empty to tell full from empty). */
    size_t (*capacity)(const struct hp_queue *q);
    void (*destroy)(struct hp_queue *q); /* items still queued are dropped */
};

/* The implementations (queue_list.h), for the table and for the code that names one. */
#define HP_IMPL(symbol) extern const struct hp_queue_ops symbol;
#include "queues/queue_list.h"
#undef HP_IMPL

/* The ops of an implementation found through the registry (info is the first member). */
static inline const struct hp_queue_ops *hp_queue_ops_of(const struct hp_impl_info *info)
{
    return (const struct hp_queue_ops *)info;
}

/* What every create checks first: capacity, thread counts against the flags. 0, or -1 with err
 * naming the implementation and the problem. */
int hp_queue_config_check(const struct hp_queue_ops *ops, const struct hp_queue_config *config,
                          struct hp_error *err);

/* One poll of a spinning wait: a pause, and every 64th poll (a few microseconds) the CPU given
 * up, for a peer that lost its CPU to another process. */
static inline void hp_queue_relax(unsigned *polls)
{
    if (++*polls % 64 == 0) {
        sched_yield();
        return;
    }
#if defined(__x86_64__) || defined(__i386__)
    __builtin_ia32_pause();
#endif
}

static inline void hp_queue_push_spinning(const struct hp_queue_ops *ops, struct hp_queue *q,
                                          uint64_t item)
{
    unsigned polls = 0;
    while (!ops->try_push(q, item))
        hp_queue_relax(&polls);
}

static inline uint64_t hp_queue_pop_spinning(const struct hp_queue_ops *ops, struct hp_queue *q)
{
    unsigned polls = 0;
    uint64_t item;
    while (!ops->try_pop(q, &item))
        hp_queue_relax(&polls);
    return item;
}

#endif
