#define _GNU_SOURCE
#include "floors.h"

#include <pthread.h>
#include <sched.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "rng.h"

enum { REPEATS = 7 };

static int compare_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static double median_of(double *v, int n)
{
    qsort(v, (size_t)n, sizeof v[0], compare_double);
    return v[n / 2];
}

static double monotonic_read_once(uint64_t iterations)
{
    uint64_t start = hp_monotonic_ns(), sink = 0;
    for (uint64_t i = 0; i < iterations; i++)
        sink += hp_monotonic_ns();
    __asm__ volatile("" : : "r"(sink));
    return (double)(hp_monotonic_ns() - start) / (double)iterations;
}

static double tsc_read_once(uint64_t iterations)
{
    uint64_t start = hp_monotonic_ns(), sink = 0;
    for (uint64_t i = 0; i < iterations; i++)
        sink += hp_tsc_read();
    __asm__ volatile("" : : "r"(sink));
    return (double)(hp_monotonic_ns() - start) / (double)iterations;
}

/* A random cyclic permutation of 64 slots (512 bytes: in L1 on anything), walked pointer by
 * pointer so each load waits for the previous one. */
static double l1_load_once(uint64_t iterations)
{
    enum { SLOTS = 64 };
    static void *ring[SLOTS];
    unsigned order[SLOTS];
    struct hp_rng rng;
    hp_rng_seed(&rng, 42);
    for (unsigned i = 0; i < SLOTS; i++)
        order[i] = i;
    for (unsigned i = SLOTS - 1; i > 0; i--) {
        unsigned j = (unsigned)hp_rng_below(&rng, i + 1), t = order[i];
        order[i] = order[j];
        order[j] = t;
    }
    for (unsigned i = 0; i < SLOTS; i++)
        ring[order[i]] = &ring[order[(i + 1) % SLOTS]];
    void **p = &ring[order[0]];
    uint64_t start = hp_monotonic_ns();
    for (uint64_t i = 0; i < iterations; i++)
        p = (void **)*p;
    uint64_t elapsed = hp_monotonic_ns() - start;
    __asm__ volatile("" : : "r"(p));
    return (double)elapsed / (double)iterations;
}

static double cas_once(uint64_t iterations)
{
    static uint64_t word;
    uint64_t start = hp_monotonic_ns();
    for (uint64_t i = 0; i < iterations; i++) {
        uint64_t expected = i;
        __atomic_compare_exchange_n(&word, &expected, i + 1, false, __ATOMIC_SEQ_CST,
                                    __ATOMIC_SEQ_CST);
    }
    uint64_t elapsed = hp_monotonic_ns() - start;
    word = 0;
    return (double)elapsed / (double)iterations;
}

/* getppid through syscall(): the C library caches nothing of it, and the kernel does no work
 * but the entry and exit. */
static double syscall_once(uint64_t iterations)
{
    uint64_t start = hp_monotonic_ns();
    for (uint64_t i = 0; i < iterations; i++)
        syscall(SYS_getppid);
    return (double)(hp_monotonic_ns() - start) / (double)iterations;
}

/* Ping-pong: the main thread writes odd values, the partner answers with the next even one.
 * Each write moves the line to the other core, so a round trip is two handoffs. */
struct pingpong {
    _Alignas(64) uint64_t turn;
    uint64_t rounds;
    int partner_cpu;
};

static void pin_to(int cpu)
{
    if (cpu < 0)
        return;
    cpu_set_t set;
    CPU_ZERO(&set);
    CPU_SET(cpu, &set);
    pthread_setaffinity_np(pthread_self(), sizeof set, &set);
}

static void *pingpong_partner(void *arg)
{
    struct pingpong *pp = arg;
    pin_to(pp->partner_cpu);
    for (uint64_t i = 0; i < pp->rounds; i++) {
        uint64_t want = 2 * i + 1;
        while (__atomic_load_n(&pp->turn, __ATOMIC_ACQUIRE) != want)
            __builtin_ia32_pause();
        __atomic_store_n(&pp->turn, want + 1, __ATOMIC_RELEASE);
    }
    return NULL;
}

static int two_allowed_cpus(int *a, int *b)
{
    cpu_set_t set;
    if (sched_getaffinity(0, sizeof set, &set) != 0)
        return -1;
    int found = 0;
    for (int cpu = 0; cpu < CPU_SETSIZE && found < 2; cpu++)
        if (CPU_ISSET(cpu, &set))
            *(found++ == 0 ? a : b) = cpu;
    return found == 2 ? 0 : -1;
}

/* The median over batches of HANDOFF_BATCH round trips: a batch during which either thread
 * lost its CPU to another process is an outlier, not a tenth of the figure (on a loaded
 * machine one long timing read 5 us where the hardware takes 0.2 us). */
enum { HANDOFF_BATCH = 100, HANDOFF_MAX_BATCHES = 256 };

static double handoff_once(uint64_t rounds, int cpu_a, int cpu_b)
{
    struct pingpong pp = {.turn = 0, .rounds = rounds, .partner_cpu = cpu_b};
    pthread_t partner;
    cpu_set_t saved;
    pthread_getaffinity_np(pthread_self(), sizeof saved, &saved);
    pin_to(cpu_a);
    if (pthread_create(&partner, NULL, pingpong_partner, &pp) != 0)
        return -1;
    double batch_ns[HANDOFF_MAX_BATCHES];
    int batches = 0;
    uint64_t start = hp_monotonic_ns();
    for (uint64_t i = 0; i < rounds; i++) {
        __atomic_store_n(&pp.turn, 2 * i + 1, __ATOMIC_RELEASE);
        while (__atomic_load_n(&pp.turn, __ATOMIC_ACQUIRE) != 2 * i + 2)
            __builtin_ia32_pause();
        if ((i + 1) % HANDOFF_BATCH == 0 && batches < HANDOFF_MAX_BATCHES) {
            uint64_t end = hp_monotonic_ns();
            batch_ns[batches++] = (double)(end - start) / (2.0 * HANDOFF_BATCH);
            start = end;
        }
    }
    pthread_join(partner, NULL);
    pthread_setaffinity_np(pthread_self(), sizeof saved, &saved);
    return batches > 0 ? median_of(batch_ns, batches) : -1;
}

/* Blocking ping-pong through two pipes: each side sleeps in read() until the other writes, so
 * every round trip is two wake-ups across cores (each with its write and read). Median over
 * batches, as for the handoff. */
enum { WAKEUP_BATCH = 20, WAKEUP_BATCHES = 25 };

struct wakeup_pair {
    int to_partner[2], to_main[2];
    int partner_cpu;
};

static void *wakeup_partner(void *arg)
{
    struct wakeup_pair *w = arg;
    pin_to(w->partner_cpu);
    char byte;
    while (read(w->to_partner[0], &byte, 1) == 1 && byte != 0)
        if (write(w->to_main[1], &byte, 1) != 1)
            break;
    return NULL;
}

static double wakeup_once(int cpu_a, int cpu_b)
{
    struct wakeup_pair w = {.partner_cpu = cpu_b};
    if (pipe(w.to_partner) != 0)
        return -1;
    if (pipe(w.to_main) != 0) {
        close(w.to_partner[0]);
        close(w.to_partner[1]);
        return -1;
    }
    cpu_set_t saved;
    pthread_getaffinity_np(pthread_self(), sizeof saved, &saved);
    pin_to(cpu_a);
    pthread_t partner;
    double result = -1;
    if (pthread_create(&partner, NULL, wakeup_partner, &w) == 0) {
        double batch_ns[WAKEUP_BATCHES];
        int batches = 0;
        char byte = 1;
        bool ok = true;
        for (int b = 0; b < WAKEUP_BATCHES && ok; b++) {
            uint64_t start = hp_monotonic_ns();
            for (int i = 0; i < WAKEUP_BATCH && ok; i++)
                ok = write(w.to_partner[1], &byte, 1) == 1 && read(w.to_main[0], &byte, 1) == 1;
            batch_ns[batches++] = (double)(hp_monotonic_ns() - start) / (2.0 * WAKEUP_BATCH);
        }
        /* The partner stops at a zero byte, or at end of file when even that write failed. */
        byte = 0;
        if (write(w.to_partner[1], &byte, 1) != 1) {
            close(w.to_partner[1]);
            w.to_partner[1] = -1;
        }
        pthread_join(partner, NULL);
        if (ok)
            result = median_of(batch_ns, batches);
    }
    pthread_setaffinity_np(pthread_self(), sizeof saved, &saved);
    int fds[] = {w.to_partner[0], w.to_partner[1], w.to_main[0], w.to_main[1]};
    for (size_t i = 0; i < sizeof fds / sizeof fds[0]; i++)
        if (fds[i] >= 0)
            close(fds[i]);
    return result;
}

void hp_floors_measure(struct hp_floors *out)
{
    double v[REPEATS];
    for (int i = 0; i < REPEATS; i++)
        v[i] = monotonic_read_once(20000);
    out->monotonic_read_ns = median_of(v, REPEATS);
    out->tsc_read_ns = 0;
    if (HP_HAVE_TSC) {
        for (int i = 0; i < REPEATS; i++)
            v[i] = tsc_read_once(20000);
        out->tsc_read_ns = median_of(v, REPEATS);
    }
    for (int i = 0; i < REPEATS; i++)
        v[i] = l1_load_once(1000000);
    out->l1_load_ns = median_of(v, REPEATS);
    for (int i = 0; i < REPEATS; i++)
        v[i] = cas_once(200000);
    out->cas_ns = median_of(v, REPEATS);
    for (int i = 0; i < REPEATS; i++)
        v[i] = syscall_once(5000);
    out->syscall_ns = median_of(v, REPEATS);
    int cpu_a = -1, cpu_b = -1;
    out->handoff_ns = -1;
    out->wakeup_ns = -1;
    if (two_allowed_cpus(&cpu_a, &cpu_b) == 0) {
        for (int i = 0; i < REPEATS; i++)
            v[i] = handoff_once(20000, cpu_a, cpu_b);
        out->handoff_ns = median_of(v, REPEATS);
        out->wakeup_ns = wakeup_once(cpu_a, cpu_b);
    }
}
