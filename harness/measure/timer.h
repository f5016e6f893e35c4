/* The clocks the harness reads.
 *
 * Batch mode times samples of 10 ms and more with CLOCK_MONOTONIC: its ~20 ns read cost is
 * nothing against that. Latency mode times single operations (or small groups), where the read
 * cost is the floor of every figure, so it uses the TSC when the CPU says the TSC is invariant
 * (constant_tsc and nonstop_tsc in /proc/cpuinfo: same rate in every P-state, ticking in deep
 * C-states) and calibrates its rate against CLOCK_MONOTONIC; otherwise it falls back to
 * CLOCK_MONOTONIC. Either way the timer's own overhead and resolution are measured and written
 * into the results file, so a reader knows what a latency figure can resolve.
 */
#ifndef HOTPATH_TIMER_H
#define HOTPATH_TIMER_H

#include <stdbool.h>
#include <stdint.h>
#include <time.h>

enum hp_timer_source { HP_TIMER_TSC, HP_TIMER_MONOTONIC };

struct hp_timer {
    enum hp_timer_source source;
    double ns_per_tick;   /* 1.0 for CLOCK_MONOTONIC */
    double overhead_ns;   /* median cost of one back-to-back read pair, in ns */
    double resolution_ns; /* smallest non-zero difference seen between two reads */
    const char *why;      /* why this source was chosen, for the results file */
};

/* Chooses and calibrates the latency timer (takes about 50 ms). `force_monotonic` skips the TSC. */
void hp_timer_init(struct hp_timer *t, bool force_monotonic);

static inline uint64_t hp_monotonic_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

#if defined(__x86_64__) || defined(__i386__)
#include <x86intrin.h>
/* rdtscp waits for earlier instructions to retire, so the operation timed cannot leak past the
 * second read; the lfence after it keeps later instructions from starting before it. */
static inline uint64_t hp_tsc_read(void)
{
    unsigned aux;
    uint64_t t = __rdtscp(&aux);
    _mm_lfence();
    return t;
}
#define HP_HAVE_TSC 1
#else
static inline uint64_t hp_tsc_read(void)
{
    return hp_monotonic_ns();
}
#define HP_HAVE_TSC 0
#endif

/* A reading of the latency timer, in its own ticks. */
static inline uint64_t hp_timer_read(const struct hp_timer *t)
{
    return t->source == HP_TIMER_TSC ? hp_tsc_read() : hp_monotonic_ns();
}

static inline double hp_timer_ticks_to_ns(const struct hp_timer *t, uint64_t ticks)
{
    return (double)ticks * t->ns_per_tick;
}

/* True when /proc/cpuinfo lists both constant_tsc and nonstop_tsc. */
bool hp_tsc_is_invariant(void);

#endif
