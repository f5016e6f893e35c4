/* percpu: mutex_freelist split per CPU: one free list per CPU, picked by the CPU the calling
 * thread runs on, each behind its own pthread mutex.
 *
 * Models: a per-CPU split of one locked pool (Bolt 3.2/3.3's "one pool per CPU" idea applied
 * to a shared, locked pool; FasterAPI's mutex-guarded pools split per core).
 * Claims: C7 (one shared pool vs a pool per CPU), against mutex_freelist.
 * Difference from its reference (mutex_freelist): the list and its lock are split per CPU (the
 * same pthread mutex type), so threads on different CPUs never touch the same lock or list.
 * What the split needs comes with it: the CPU number (glibc 2.35+ keeps it in the thread's rseq
 * area: one load, sched_getcpu() when rseq is off) and a way back for objects freed on another
 * CPU: a get that finds its own list empty steals the whole list of the first other CPU it can
 * trylock (holding its own lock; trylock cannot deadlock), and only then allocates; without it
 * a producer/consumer handoff would grow one list without bound.
 * A thread can be migrated between reading its CPU and locking that list, so the lock stays;
 * it is just almost never contended. Lists are 64-byte aligned: two never share a cache line.
 * Memory orders: the mutex orders every list and object access of successive holders (lock is
 * an acquire, unlock a release); the CPU number is a relaxed load (a hint: a stale one only
 * picks another list).
 */
#define _GNU_SOURCE /* sched_getcpu */
#include "pools/current_cpu.h"
#include "pools/pool_common.h"

#include <pthread.h>
#include <stdalign.h>
#include <sys/sysinfo.h>

struct cpu_list {
    alignas(HP_CACHE_LINE) pthread_mutex_t lock;
    struct hp_pool_node *head; /* guarded by lock */
    uint64_t count;            /* guarded by lock */
};

struct hp_pool {
    struct cpu_list *cpus;
    unsigned cpu_count;
    size_t object_size;
    alignas(HP_CACHE_LINE) uint64_t created; /* atomic RMW, allocation path only */
};

static inline struct cpu_list *current_list(struct hp_pool *pool, unsigned *cpu_out)
{
    int cpu = hp_current_cpu();
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
    for (unsigned i = 0; i < pool->cpu_count; i++) {
        pool->cpus[i].head = NULL;
        pool->cpus[i].count = 0;
        pthread_mutex_init(&pool->cpus[i].lock, NULL);
    }
    return pool;
}

/* With own locked and empty: takes the whole list of another CPU, if one can be had now. */
static void steal_into(struct hp_pool *pool, struct cpu_list *own, unsigned own_cpu)
{
    for (unsigned i = 1; i < pool->cpu_count; i++) {
        struct cpu_list *victim = &pool->cpus[(own_cpu + i) % pool->cpu_count];
        if (pthread_mutex_trylock(&victim->lock) != 0)
            continue;
        if (victim->head) {
            own->head = victim->head;
            own->count = victim->count;
            victim->head = NULL;
            victim->count = 0;
            pthread_mutex_unlock(&victim->lock);
            return;
        }
        pthread_mutex_unlock(&victim->lock);
    }
}

static void *percpu_get(struct hp_pool *pool)
{
    unsigned cpu;
    struct cpu_list *own = current_list(pool, &cpu);
    pthread_mutex_lock(&own->lock);
    if (!own->head && pool->cpu_count > 1)
        steal_into(pool, own, cpu);
    struct hp_pool_node *node = own->head;
    if (node) {
        own->head = hp_pool_node_next(node);
        own->count--;
        pthread_mutex_unlock(&own->lock);
        return hp_pool_node_object(node);
    }
    pthread_mutex_unlock(&own->lock);
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
    pthread_mutex_lock(&own->lock);
    hp_pool_node_set_next(node, own->head);
    own->head = node;
    own->count++;
    pthread_mutex_unlock(&own->lock);
}

static void percpu_stats(struct hp_pool *pool, struct hp_pool_stats *out)
{
    *out = (struct hp_pool_stats){.created = __atomic_load_n(&pool->created, __ATOMIC_RELAXED)};
    for (unsigned i = 0; i < pool->cpu_count; i++) {
        pthread_mutex_lock(&pool->cpus[i].lock);
        out->pooled += pool->cpus[i].count;
        pthread_mutex_unlock(&pool->cpus[i].lock);
    }
}

static void percpu_destroy(struct hp_pool *pool)
{
    if (!pool)
        return;
    for (unsigned i = 0; i < pool->cpu_count; i++) {
        hp_pool_node_free_list(pool->cpus[i].head);
        pthread_mutex_destroy(&pool->cpus[i].lock);
    }
    free(pool->cpus);
    free(pool);
}

const struct hp_pool_ops hp_pool_percpu = {
    .info =
        {
            .name = "percpu",
            .summary = "mutex_freelist split per CPU: one mutex-guarded list per CPU (rseq CPU "
                       "number), steals when empty",
            .models = "one locked pool split per CPU (Bolt 3.2's per-CPU pools applied to a "
                      "shared locked pool)",
            .reference = "mutex_freelist",
            .bound = HP_GAIN_LIKE_FOR_LIKE,
            .bound_reason = "the same pthread mutex on both sides; the CPU number is one load",
        },
    .create = percpu_create,
    .get = percpu_get,
    .put = percpu_put,
    .stats = percpu_stats,
    .destroy = percpu_destroy,
};
