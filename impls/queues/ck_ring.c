/* ck_ring: Concurrency Kit's ring (ck_ring.h, Debian's libck-dev) behind the queue ops, the
 * well-kept outside reference the project's own rings must at least match.
 *
 * Technique: ck's pointer ring; a queue made for one producer and one consumer uses the
 * _spsc calls (no atomic read-modify-write, each side reading the other's counter every call,
 * its two counters on separate lines), any other the _mpmc calls (producers claim a slot by
 * CAS on p_head and publish in order through p_tail, each spinning until the one before it has
 * published, so a preempted producer stalls the others; consumers claim by CAS on c_head).
 * One predictable branch per call picks the calls. An item is stored as the slot's pointer.
 * Claim: C12, as the yardstick: `spsc_ring` against it on queue/spsc.
 * Models: ck_ring itself, unchanged.
 * Differences from the project's rings, all ck's own: 32-bit counters (the low half of
 * first_position), a slot always left empty to tell full from empty (capacity() is one less),
 * and no cached counters (the _spsc calls have spsc_ring_uncached's shape). It cannot sleep.
 * Memory orders: ck's, on x86-64 plain loads and stores of its counters (ck_pr, total store
 * order) with compiler barriers where its fences are no-ops; the _mpmc calls' CAS are locked
 * instructions. ThreadSanitizer cannot see ck_pr's inline assembly, so under HOTPATH_TSAN the
 * ring's own accesses are hidden from it and the ordering the queue contract promises is
 * declared instead: a release on the queue before each push, an acquire after each pop that
 * got an item (with several producers, a pop then inherits every producer's history, which
 * hides no race in ck but may hide one in a caller). */
#include <ck_ring.h>
#include <stdalign.h>
#include <stdlib.h>

#include "queues/queue.h"

#if defined(HOTPATH_TSAN)
void __tsan_acquire(void *addr);
void __tsan_release(void *addr);
void __tsan_ignore_thread_begin(void);
void __tsan_ignore_thread_end(void);
#define tsan_release(p) __tsan_release(p)
#define tsan_acquire(p) __tsan_acquire(p)
#define tsan_hide_begin __tsan_ignore_thread_begin
#define tsan_hide_end   __tsan_ignore_thread_end
#else
#define tsan_release(p)   ((void)(p))
#define tsan_acquire(p)   ((void)(p))
#define tsan_hide_begin() ((void)0)
#define tsan_hide_end()   ((void)0)
#endif

struct hp_queue {
    struct ck_ring ring; /* ck pads its consumer and producer counters to lines of their own */
    alignas(64) ck_ring_buffer_t *buffer;
    bool multi; /* more than one producer or consumer: the _mpmc calls */
};

static struct hp_queue *ck_queue_create(const struct hp_queue_config *config, struct hp_error *err)
{
    if (hp_queue_config_check(&hp_queue_ck_ring, config, err))
        return NULL;
    struct hp_queue *q = aligned_alloc(64, sizeof *q);
    ck_ring_buffer_t *buffer = aligned_alloc(64, config->capacity * sizeof *buffer);
    if (!q || !buffer) {
        free(q);
        free(buffer);
        hp_error_set(err, "queue ck_ring: out of memory");
        return NULL;
    }
    ck_ring_init(&q->ring, (unsigned int)config->capacity);
    /* ck_ring_init starts every counter at 0; they are ck's public fields. */
    q->ring.c_head = q->ring.p_head = q->ring.p_tail = (unsigned int)config->first_position;
    q->buffer = buffer;
    q->multi = config->producers > 1 || config->consumers > 1;
    return q;
}

static bool ck_queue_try_push(struct hp_queue *q, uint64_t item)
{
    void *value = (void *)(uintptr_t)item;
    bool pushed;
    tsan_release(q);
    tsan_hide_begin();
    if (q->multi)
        pushed = ck_ring_enqueue_mpmc(&q->ring, q->buffer, value);
    else
        pushed = ck_ring_enqueue_spsc(&q->ring, q->buffer, value);
    tsan_hide_end();
    return pushed;
}

static bool ck_queue_try_pop(struct hp_queue *q, uint64_t *item)
{
    void *value;
    bool popped;
    tsan_hide_begin();
    if (q->multi)
        popped = ck_ring_dequeue_mpmc(&q->ring, q->buffer, &value);
    else
        popped = ck_ring_dequeue_spsc(&q->ring, q->buffer, &value);
    tsan_hide_end();
    if (!popped)
        return false;
    tsan_acquire(q);
    *item = (uintptr_t)value;
    return true;
}

static size_t ck_queue_capacity(const struct hp_queue *q)
{
    return ck_ring_capacity(&q->ring) - 1;
}

static void ck_queue_destroy(struct hp_queue *q)
{
    if (!q)
        return;
    free(q->buffer);
    free(q);
}

const struct hp_queue_ops hp_queue_ck_ring = {
    .info =
        {
            .name = "ck_ring",
            .summary = "Concurrency Kit's ck_ring: _spsc calls for 1:1, _mpmc calls otherwise",
            .models = "Concurrency Kit's ck_ring (Debian's libck-dev), unchanged",
            .reference = NULL,
            .bound = HP_GAIN_LIKE_FOR_LIKE,
            .bound_reason = "it is the library itself, called as its users call it",
        },
    .flags = HP_QUEUE_MULTI_PRODUCER | HP_QUEUE_MULTI_CONSUMER,
    .create = ck_queue_create,
    .try_push = ck_queue_try_push,
    .try_pop = ck_queue_try_pop,
    .capacity = ck_queue_capacity,
    .destroy = ck_queue_destroy,
};
