/* Pool workloads (claims C7, C13, C14): per-request objects taken from and given back to the
 * pool chosen on the pool axis.
 *
 *   pool/get_put      op = one request: get one object, write it, put it, end the request.
 *                     Every thread works on its own objects; with T threads all T share the
 *                     one pool, which is what C7 (contention) is about.
 *   pool/hold8        op = one request holding 8 objects: 8 gets, 8 puts, end the request.
 *   pool/remote_free  op = one object handed over. Threads are paired (0->1, 2->3, ...): the
 *                     even thread gets an object, writes it and pushes it into an SPSC ring;
 *                     the odd thread pops it, reads it and puts it back, so every put is a
 *                     remote free. Both threads count one op per object, so the per-thread
 *                     ns/op is the time per object through the pipeline (the slower side sets
 *                     it); an aggregate ops/s summed over threads counts each object twice.
 *                     Needs the harness to give both threads of a pair the same n per batch
 *                     (otherwise the consumer would wait for objects never produced). An odd
 *                     last thread does local get_put operations. Refuses `arena`: its objects
 *                     die at the producer's request end, they cannot outlive it in a ring.
 *
 * Objects are 256 bytes (the size of a lean request context, seeds: Gin ~200 B), the pool's
 * capacity hint is 1024 and max_threads the case's thread count plus one.
 */
#include <pthread.h>
#include <sched.h>
#include <stdalign.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "pools/pool.h"
#include "alloc_count.h"
#include "workload.h"

enum { OBJECT_SIZE = 256, POOL_CAPACITY = 1024, HOLD = 8, RING_SIZE = 1024 };

/* Single-producer single-consumer ring (Lamport): the producer owns tail, the consumer owns
 * head, each on its own cache line. push stores the slot, then publishes it with a release
 * store of tail; pop reads tail with acquire, so it sees the slot (and the object's contents
 * written before the push), then frees the slot with a release store of head that the
 * producer's acquire load of head pairs with before it reuses the slot. */
struct spsc_ring {
    alignas(64) uint64_t head; /* next slot to pop; written by the consumer */
    alignas(64) uint64_t tail; /* next slot to push; written by the producer */
    alignas(64) void *slots[RING_SIZE];
};

static bool ring_push(struct spsc_ring *ring, void *object)
{
    uint64_t tail = __atomic_load_n(&ring->tail, __ATOMIC_RELAXED);
    if (tail - __atomic_load_n(&ring->head, __ATOMIC_ACQUIRE) == RING_SIZE)
        return false;
    __atomic_store_n(&ring->slots[tail % RING_SIZE], object, __ATOMIC_RELAXED);
    __atomic_store_n(&ring->tail, tail + 1, __ATOMIC_RELEASE);
    return true;
}

static void *ring_pop(struct spsc_ring *ring)
{
    uint64_t head = __atomic_load_n(&ring->head, __ATOMIC_RELAXED);
    if (head == __atomic_load_n(&ring->tail, __ATOMIC_ACQUIRE))
        return NULL;
    void *object = __atomic_load_n(&ring->slots[head % RING_SIZE], __ATOMIC_RELAXED);
    __atomic_store_n(&ring->head, head + 1, __ATOMIC_RELEASE);
    return object;
}

/* Waiting on the other side of a ring: spin briefly, then yield (the machine may have fewer
 * cores than threads). */
static void ring_wait(unsigned *spins)
{
    if (++*spins < 100) {
#if defined(__x86_64__) || defined(__i386__)
        __builtin_ia32_pause();
#endif
    } else {
        *spins = 0;
        sched_yield();
    }
}

struct pool_case {
    const struct hp_pool_ops *ops;
    struct hp_pool *pool;
    unsigned threads;
    struct spsc_ring *rings; /* remote_free: threads / 2 rings */
};

enum role { ROLE_LOCAL, ROLE_PRODUCER, ROLE_CONSUMER };

struct pool_thread {
    alignas(64) const struct hp_pool_ops *ops;
    struct hp_pool *pool;
    struct spsc_ring *ring;
    enum role role;
};

/* What a pool of this implementation holds after HP_HELD_POOL_OBJECTS objects were taken and
 * given back on this thread (workload.h), measured on a pool of its own, destroyed after, so
 * that the case's pool starts as every other's. */
static void record_held(const struct hp_pool_ops *ops, const struct hp_pool_config *config,
                        struct hp_metrics *metrics)
{
    void *objects[HP_HELD_POOL_OBJECTS];
    struct hp_error err;
    if (!metrics || hp_alloc_held_begin() != 0)
        return;
    struct hp_pool *pool = ops->create(config, &err);
    size_t taken = 0;
    if (pool && ops->thread_attach)
        ops->thread_attach(pool);
    while (pool && taken < HP_HELD_POOL_OBJECTS && (objects[taken] = ops->get(pool)))
        taken++;
    for (size_t i = 0; i < taken; i++)
        ops->put(pool, objects[i]);
    if (pool && ops->request_end)
        ops->request_end(pool);
    struct hp_alloc_held held;
    hp_alloc_held_end(&held);
    if (!pool)
        return;
    if (taken == HP_HELD_POOL_OBJECTS)
        hp_metrics_add_held(metrics, &held, "object", HP_HELD_POOL_OBJECTS);
    if (ops->thread_detach)
        ops->thread_detach(pool);
    ops->destroy(pool);
}

static int pool_case_setup(const struct hp_case_params *params, bool remote, void **shared,
                           struct hp_error *err)
{
    const struct hp_impl_info *info = params->composition->impl[HP_AXIS_POOL];
    if (!info)
        return hp_error_set(err, "pool workload: no pool implementation chosen (--pool NAME)");
    const struct hp_pool_ops *ops = hp_pool_ops_of(info);
    if (remote && ops->request_end)
        return hp_error_set(err,
                            "pool/remote_free: pool '%s' frees objects at the end of the "
                            "producer's request, so they cannot wait in a ring for another "
                            "thread; this workload does not apply to it",
                            info->name);
    struct pool_case *c = calloc(1, sizeof *c);
    if (!c)
        return hp_error_set(err, "pool workload: out of memory");
    c->ops = ops;
    c->threads = params->threads ? params->threads : 1;
    struct hp_pool_config config = {OBJECT_SIZE, POOL_CAPACITY, c->threads + 1};
    record_held(ops, &config, params->metrics);
    c->pool = ops->create(&config, err);
    if (!c->pool) {
        free(c);
        return -1;
    }
    if (remote && c->threads >= 2) {
        c->rings = aligned_alloc(64, (c->threads / 2) * sizeof *c->rings);
        if (!c->rings) {
            ops->destroy(c->pool);
            free(c);
            return hp_error_set(err, "pool/remote_free: out of memory for rings");
        }
        memset(c->rings, 0, (c->threads / 2) * sizeof *c->rings);
    }
    *shared = c;
    return 0;
}

static int get_put_setup(const struct hp_case_params *params, void **shared, struct hp_error *err)
{
    return pool_case_setup(params, false, shared, err);
}

static int remote_free_setup(const struct hp_case_params *params, void **shared,
                             struct hp_error *err)
{
    return pool_case_setup(params, true, shared, err);
}

static int pool_thread_setup(void *shared, unsigned index, void **local, struct hp_error *err)
{
    struct pool_case *c = shared;
    struct pool_thread *t = aligned_alloc(64, sizeof *t);
    if (!t)
        return hp_error_set(err, "pool workload: out of memory");
    *t = (struct pool_thread){.ops = c->ops, .pool = c->pool, .role = ROLE_LOCAL};
    if (c->rings && index / 2 < c->threads / 2) {
        t->ring = &c->rings[index / 2];
        t->role = index % 2 == 0 ? ROLE_PRODUCER : ROLE_CONSUMER;
    }
    if (c->ops->thread_attach)
        c->ops->thread_attach(c->pool);
    *local = t;
    return 0;
}

static void pool_thread_teardown(void *local)
{
    struct pool_thread *t = local;
    if (t->ops->thread_detach)
        t->ops->thread_detach(t->pool);
    free(t);
}

static void pool_teardown(void *shared)
{
    struct pool_case *c = shared;
    if (c->rings) { /* objects a consumer never got to (harness stopped mid-pipeline) */
        for (unsigned r = 0; r < c->threads / 2; r++)
            for (void *object; (object = ring_pop(&c->rings[r]));)
                c->ops->put(c->pool, object);
        free(c->rings);
    }
    c->ops->destroy(c->pool);
    free(c);
}

static uint64_t local_get_put(struct pool_thread *t, uint64_t n)
{
    const struct hp_pool_ops *ops = t->ops;
    uint64_t sum = 0;
    for (uint64_t i = 0; i < n; i++) {
        uint64_t *object = ops->get(t->pool);
        object[0] = i; /* the request initialises its object */
        sum += (uintptr_t)object;
        ops->put(t->pool, object);
        if (ops->request_end)
            ops->request_end(t->pool);
    }
    return sum;
}

static uint64_t get_put_run(void *local, uint64_t n)
{
    return local_get_put(local, n);
}

static uint64_t hold8_run(void *local, uint64_t n)
{
    struct pool_thread *t = local;
    const struct hp_pool_ops *ops = t->ops;
    uint64_t sum = 0;
    uint64_t *held[HOLD];
    for (uint64_t i = 0; i < n; i++) {
        for (int k = 0; k < HOLD; k++) {
            held[k] = ops->get(t->pool);
            held[k][0] = i;
        }
        for (int k = 0; k < HOLD; k++) {
            sum += (uintptr_t)held[k];
            ops->put(t->pool, held[k]);
        }
        if (ops->request_end)
            ops->request_end(t->pool);
    }
    return sum;
}

static uint64_t remote_free_run(void *local, uint64_t n)
{
    struct pool_thread *t = local;
    const struct hp_pool_ops *ops = t->ops;
    uint64_t sum = 0;
    unsigned spins = 0;
    switch (t->role) {
    case ROLE_LOCAL:
        return local_get_put(t, n);
    case ROLE_PRODUCER:
        for (uint64_t i = 0; i < n; i++) {
            uint64_t *object = ops->get(t->pool);
            object[0] = i;
            while (!ring_push(t->ring, object))
                ring_wait(&spins);
        }
        return n;
    case ROLE_CONSUMER:
        for (uint64_t i = 0; i < n; i++) {
            uint64_t *object;
            while (!(object = ring_pop(t->ring)))
                ring_wait(&spins);
            sum += object[0];
            ops->put(t->pool, object);
        }
        return sum;
    }
    return sum;
}

const struct hp_workload hp_workload_pool_get_put = {
    .name = "pool/get_put",
    .summary = "one request: get one 256-byte object, write it, put it back",
    .axes = HP_AXIS_BIT(HP_AXIS_POOL),
    .setup = get_put_setup,
    .thread_setup = pool_thread_setup,
    .run = get_put_run,
    .thread_teardown = pool_thread_teardown,
    .teardown = pool_teardown,
};

const struct hp_workload hp_workload_pool_hold8 = {
    .name = "pool/hold8",
    .summary = "one request holding 8 objects: 8 gets, then 8 puts",
    .axes = HP_AXIS_BIT(HP_AXIS_POOL),
    .setup = get_put_setup,
    .thread_setup = pool_thread_setup,
    .run = hold8_run,
    .thread_teardown = pool_thread_teardown,
    .teardown = pool_teardown,
};

/* Objects of a pool with request_end die at the end of the producer's request; they cannot wait
 * in a ring for another thread, so the workload does not apply to such a pool. */
static bool remote_free_supports(const struct hp_composition *composition)
{
    return !hp_pool_ops_of(composition->impl[HP_AXIS_POOL])->request_end;
}

const struct hp_workload hp_workload_pool_remote_free = {
    .name = "pool/remote_free",
    .summary = "objects got on one thread, handed over an SPSC ring, put on another",
    .axes = HP_AXIS_BIT(HP_AXIS_POOL),
    .min_threads = 2,
    .setup = remote_free_setup,
    .thread_setup = pool_thread_setup,
    .run = remote_free_run,
    .thread_teardown = pool_thread_teardown,
    .teardown = pool_teardown,
    .supports = remote_free_supports,
    .requirement = "a pool whose objects outlive their request (no request_end)",
};
