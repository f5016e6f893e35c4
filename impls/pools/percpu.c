/* percpu: one free list per CPU, picked with sched_getcpu(), each behind its own spin lock.
 *
 * Technique: Bolt's phase 3.2/3.3 per-CPU context pools (one sync.Pool per P, picked by
 * procPin). glibc 2.35+ (Debian 12 has 2.36) answers sched_getcpu() from the rseq area the
 * kernel keeps up to date, so asking costs a load, not a system call.
 * Claims: C7 (per-CPU pool vs one shared pool vs thread-local cache).
 * Difference from its reference (mutex_freelist): the free list and its lock are split per CPU,
 * so threads on different CPUs never touch the same lock or list.
 *
 * Why a spin lock per CPU: a thread can be migrated (or preempted, and another thread run on
 * that CPU) between reading its CPU number and touching that CPU's list, so the list must
 * stay correct under concurrent access; it just almost never is accessed concurrently. An
 * uncontended test-and-test-and-set lock costs one atomic exchange and one store, less than a
 * lock-free per-CPU stack, which would need the 128-bit tagged CAS of `treiber` against ABA.
 * (A true rseq critical section would need neither, but means hand-written assembly per
 * architecture.) A waiter spins briefly and then yields, because on an oversubscribed machine
 * the holder may have been preempted inside its few-instruction critical section.
 * Lists are 64-byte aligned so two CPUs' lists never share a cache line.
 *
 * Balance: objects freed on one CPU and wanted on another (producer/consumer handoffs) would
 * pile up on the freeing CPU. A get that finds its own list empty therefore steals the whole
 * list of the first other CPU it can trylock (holding its own lock; trylock cannot deadlock),
 * and only then allocates.
 *
 * Memory orders: the lock's exchange is an acquire and its unlock store a release, so all
 * list and object accesses of successive holders are ordered.
 */
#define _GNU_SOURCE /* sched_getcpu */
#include "pools/pool_common.h"

#include <sched.h>
#include <stdalign.h>
#include <stdbool.h>
#include <sys/rseq.h>
#include <sys/sysinfo.h>

struct cpu_list {
    alignas(HP_CACHE_LINE) int lock; /* 0 free, 1 held; __atomic builtins */
    struct hp_pool_node *head;       /* guarded by lock */
    uint64_t count;                  /* guarded by lock */
};

struct hp_pool {
    struct cpu_list *cpus;
    unsigned cpu_count;
    size_t object_size;
    alignas(HP_CACHE_LINE) uint64_t created; /* atomic RMW, allocation path only */
};

static inline void cpu_relax(void)
{
#if defined(__x86_64__) || defined(__i386__)
    __builtin_ia32_pause();
#endif
}

static inline void spin_lock(int *lock)
{
    unsigned spins = 0;
    while (__atomic_exchange_n(lock, 1, __ATOMIC_ACQUIRE)) {
        while (__atomic_load_n(lock, __ATOMIC_RELAXED)) {
            if (++spins < 64) {
                cpu_relax();
            } else {
                spins = 0;
                sched_yield();
            }
        }
    }
}

static inline bool spin_trylock(int *lock)
{
    return !__atomic_load_n(lock, __ATOMIC_RELAXED) &&
           !__atomic_exchange_n(lock, 1, __ATOMIC_ACQUIRE);
}

static inline void spin_unlock(int *lock)
{
    __atomic_store_n(lock, 0, __ATOMIC_RELEASE);
}

/* The CPU this thread runs on. glibc (2.35+) registers an rseq area per thread and exports where
 * it is (__rseq_offset from the thread pointer); reading its cpu_id inline saves the call into
 * sched_getcpu(), which reads the same field. cpu_id is negative when registration failed or is
 * disabled (valgrind, GLIBC_TUNABLES=glibc.pthread.rseq=0): then ask sched_getcpu(). The value
 * may be stale by the time it is used (migration): the per-list lock makes that harmless. */
static inline int current_cpu(void)
{
    if (__rseq_size > 0) {
        const struct rseq *area =
            (const struct rseq *)((char *)__builtin_thread_pointer() + __rseq_offset);
        int cpu = (int)__atomic_load_n(&area->cpu_id, __ATOMIC_RELAXED);
        if (cpu >= 0)
            return cpu;
    }
    return sched_getcpu();
}

static inline struct cpu_list *current_list(struct hp_pool *pool, unsigned *cpu_out)
{
    int cpu = current_cpu();
    unsigned index = cpu < 0 ? 0 : (unsigned)cpu % pool->cpu_count;
    *cpu_out = index;
    return &pool->cpus[index];
}

static struct hp_pool *percpu_create(const struct hp_pool_config *config, struct hp_error *err)
{
    struct hp_pool_config cfg;
    if (hp_pool_config_check(config, &cfg, err))
        return NULL;
    struct hp_pool *pool = aligned_alloc(HP_CACHE_LINE, sizeof *pool);
    if (!pool) {
        hp_error_set(err, "pool percpu: out of memory");
        return NULL;
    }
    int cpus = get_nprocs_conf();
    *pool = (struct hp_pool){.cpu_count = cpus > 0 ? (unsigned)cpus : 1,
                             .object_size = cfg.object_size};
    pool->cpus = aligned_alloc(HP_CACHE_LINE, pool->cpu_count * sizeof(struct cpu_list));
    if (!pool->cpus) {
        free(pool);
        hp_error_set(err, "pool percpu: out of memory");
        return NULL;
    }
    for (unsigned i = 0; i < pool->cpu_count; i++)
        pool->cpus[i] = (struct cpu_list){0};
    return pool;
}

/* With own locked and empty: takes the whole list of another CPU, if one can be had now. */
static void steal_into(struct hp_pool *pool, struct cpu_list *own, unsigned own_cpu)
{
    for (unsigned i = 1; i < pool->cpu_count; i++) {
        struct cpu_list *victim = &pool->cpus[(own_cpu + i) % pool->cpu_count];
        if (!spin_trylock(&victim->lock))
            continue;
        if (victim->head) {
            own->head = victim->head;
            own->count = victim->count;
            victim->head = NULL;
            victim->count = 0;
            spin_unlock(&victim->lock);
            return;
        }
        spin_unlock(&victim->lock);
    }
}

static void *percpu_get(struct hp_pool *pool)
{
    unsigned cpu;
    struct cpu_list *own = current_list(pool, &cpu);
    spin_lock(&own->lock);
    if (!own->head && pool->cpu_count > 1)
        steal_into(pool, own, cpu);
    struct hp_pool_node *node = own->head;
    if (node) {
        own->head = hp_pool_node_next(node);
        own->count--;
        spin_unlock(&own->lock);
        return hp_pool_node_object(node);
    }
    spin_unlock(&own->lock);
    node = hp_pool_node_new(pool->object_size);
    if (!node)
        return NULL;
    __atomic_fetch_add(&pool->created, 1, __ATOMIC_RELAXED);
    return hp_pool_node_object(node);
}

static void percpu_put(struct hp_pool *pool, void *object)
{
    struct hp_pool_node *node = hp_pool_node_of(object);
    unsigned cpu;
    struct cpu_list *own = current_list(pool, &cpu);
    spin_lock(&own->lock);
    hp_pool_node_set_next(node, own->head);
    own->head = node;
    own->count++;
    spin_unlock(&own->lock);
}

static void percpu_stats(struct hp_pool *pool, struct hp_pool_stats *out)
{
    *out = (struct hp_pool_stats){.created = __atomic_load_n(&pool->created, __ATOMIC_RELAXED)};
    for (unsigned i = 0; i < pool->cpu_count; i++) {
        spin_lock(&pool->cpus[i].lock);
        out->pooled += pool->cpus[i].count;
        spin_unlock(&pool->cpus[i].lock);
    }
}

static void percpu_destroy(struct hp_pool *pool)
{
    if (!pool)
        return;
    for (unsigned i = 0; i < pool->cpu_count; i++)
        hp_pool_node_free_list(pool->cpus[i].head);
    free(pool->cpus);
    free(pool);
}

const struct hp_pool_ops hp_pool_percpu = {
    .info = {"percpu", "one spin-locked free list per CPU (sched_getcpu), steals when empty"},
    .create = percpu_create,
    .get = percpu_get,
    .put = percpu_put,
    .stats = percpu_stats,
    .destroy = percpu_destroy,
};
