/* mutex_queue: a bounded ring of slots under one pthread mutex, with two condition variables.
 *
 * Technique: every push and pop takes the one mutex; push sleeps on `not_full` while the ring
 * is full, pop on `not_empty` while it is empty. A condition variable is broadcast only when
 * the ring goes from empty to non-empty (not_empty) or from full to non-full (not_full), after
 * the mutex is released. Broadcast, not signal: with signals only on those transitions, two
 * sleeping consumers and two quick pushes would wake one of them, and the other could sleep on
 * beside an item. With no sleeper, glibc's broadcast is one load.
 * Claim: C12, the reference side ("500-1000 ns with mutex").
 * Models: FasterAPI's mutex-guarded queue, the "500-1000 ns with mutex" of seed 003 (a
 * std::queue under a std::mutex, a condition variable to wait on); std::mutex is this mutex.
 * Difference from its model: the items live in a preallocated bounded ring, where std::queue's
 * deque allocates a 512-byte block per 64 items of 8 bytes and frees it once they are popped,
 * and grows where the ring makes push wait: cheaper by that allocation, so a gain measured
 * against it is a lower bound.
 * Memory orders: none of its own; the mutex orders every access to the ring, so a push
 * happens-before the pop of its item. try_push / try_pop never sleep but broadcast on the same
 * transitions, so a blocking peer is woken whichever call the other side uses. */
#include <pthread.h>
#include <stdlib.h>

#include "queues/queue.h"

struct hp_queue {
    pthread_mutex_t lock;
    pthread_cond_t not_empty;
    pthread_cond_t not_full;
    uint64_t head; /* next position to pop; guarded by lock */
    uint64_t tail; /* next position to push; guarded by lock */
    uint64_t capacity;
    uint64_t *slots;
};

static struct hp_queue *mutex_queue_create(const struct hp_queue_config *config,
                                           struct hp_error *err)
{
    if (hp_queue_config_check(&hp_queue_mutex_queue, config, err))
        return NULL;
    struct hp_queue *q = calloc(1, sizeof *q);
    uint64_t *slots = calloc(config->capacity, sizeof *slots);
    if (!q || !slots) {
        free(q);
        free(slots);
        hp_error_set(err, "queue mutex_queue: out of memory");
        return NULL;
    }
    pthread_mutex_init(&q->lock, NULL);
    pthread_cond_init(&q->not_empty, NULL);
    pthread_cond_init(&q->not_full, NULL);
    q->head = q->tail = config->first_position;
    q->capacity = config->capacity;
    q->slots = slots;
    return q;
}

/* Under the lock, with room: stores the item; true when the ring was empty. */
static inline bool store_locked(struct hp_queue *q, uint64_t item)
{
    bool was_empty = q->tail == q->head;
    q->slots[q->tail & (q->capacity - 1)] = item;
    q->tail++;
    return was_empty;
}

/* Under the lock, with an item: takes it; true when the ring was full. */
static inline bool take_locked(struct hp_queue *q, uint64_t *item)
{
    bool was_full = q->tail - q->head == q->capacity;
    *item = q->slots[q->head & (q->capacity - 1)];
    q->head++;
    return was_full;
}

static bool mutex_queue_try_push(struct hp_queue *q, uint64_t item)
{
    pthread_mutex_lock(&q->lock);
    if (q->tail - q->head == q->capacity) {
        pthread_mutex_unlock(&q->lock);
        return false;
    }
    bool was_empty = store_locked(q, item);
    pthread_mutex_unlock(&q->lock);
    if (was_empty)
        pthread_cond_broadcast(&q->not_empty);
    return true;
}

static bool mutex_queue_try_pop(struct hp_queue *q, uint64_t *item)
{
    pthread_mutex_lock(&q->lock);
    if (q->tail == q->head) {
        pthread_mutex_unlock(&q->lock);
        return false;
    }
    bool was_full = take_locked(q, item);
    pthread_mutex_unlock(&q->lock);
    if (was_full)
        pthread_cond_broadcast(&q->not_full);
    return true;
}

static void mutex_queue_push(struct hp_queue *q, uint64_t item)
{
    pthread_mutex_lock(&q->lock);
    while (q->tail - q->head == q->capacity)
        pthread_cond_wait(&q->not_full, &q->lock);
    bool was_empty = store_locked(q, item);
    pthread_mutex_unlock(&q->lock);
    if (was_empty)
        pthread_cond_broadcast(&q->not_empty);
}

static uint64_t mutex_queue_pop(struct hp_queue *q)
{
    uint64_t item;
    pthread_mutex_lock(&q->lock);
    while (q->tail == q->head)
        pthread_cond_wait(&q->not_empty, &q->lock);
    bool was_full = take_locked(q, &item);
    pthread_mutex_unlock(&q->lock);
    if (was_full)
        pthread_cond_broadcast(&q->not_full);
    return item;
}

static size_t mutex_queue_capacity(const struct hp_queue *q)
{
    return q->capacity;
}

static void mutex_queue_destroy(struct hp_queue *q)
{
    if (!q)
        return;
    pthread_cond_destroy(&q->not_full);
    pthread_cond_destroy(&q->not_empty);
    pthread_mutex_destroy(&q->lock);
    free(q->slots);
    free(q);
}

const struct hp_queue_ops hp_queue_mutex_queue = {
    .info =
        {
            .name = "mutex_queue",
            .summary = "a bounded ring under one mutex; condition variables to sleep on",
            .models = "FasterAPI's mutex-guarded queue (seed 003: a std::queue under a "
                      "std::mutex, a condition variable to wait on)",
            .reference = NULL,
            .bound = HP_GAIN_LOWER_BOUND,
            .bound_reason = "the ring here allocates nothing, where std::queue's deque allocates "
                            "a block per 64 items: the modelled queue is dearer",
        },
    .flags = HP_QUEUE_MULTI_PRODUCER | HP_QUEUE_MULTI_CONSUMER | HP_QUEUE_BLOCKING,
    .create = mutex_queue_create,
    .try_push = mutex_queue_try_push,
    .try_pop = mutex_queue_try_pop,
    .push = mutex_queue_push,
    .pop = mutex_queue_pop,
    .capacity = mutex_queue_capacity,
    .destroy = mutex_queue_destroy,
};
