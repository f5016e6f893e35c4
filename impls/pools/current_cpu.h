/* The CPU the calling thread runs on, for the per-CPU pools (percpu, percpu_cache). The
 * includer defines _GNU_SOURCE before its first system header (sched_getcpu). */
#ifndef HOTPATH_CURRENT_CPU_H
#define HOTPATH_CURRENT_CPU_H

#include <sched.h>
#include <sys/rseq.h>

/* The CPU this thread runs on. glibc (2.35+) registers an rseq area per thread and exports where
 * it is (__rseq_offset from the thread pointer); reading its cpu_id inline saves the call into
 * sched_getcpu(), which reads the same field. cpu_id is negative when registration failed or is
 * disabled (valgrind, GLIBC_TUNABLES=glibc.pthread.rseq=0): then ask sched_getcpu(). The value
 * may be stale by the time it is used (migration): a caller stays correct whatever CPU it is
 * told (percpu locks the list it picks; percpu_cache's pools are per thread). Relaxed: the
 * kernel writes the field; any recent value will do. */
static inline int hp_current_cpu(void)
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

#endif
