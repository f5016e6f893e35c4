#include "timer.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

bool hp_tsc_is_invariant(void)
{
    FILE *f = fopen("/proc/cpuinfo", "r");
    if (!f)
        return false;
    char line[4096];
    bool constant = false, nonstop = false;
    while (fgets(line, sizeof line, f)) {
        if (strncmp(line, "flags", 5) != 0)
            continue;
        constant = strstr(line, " constant_tsc") != NULL;
        nonstop = strstr(line, " nonstop_tsc") != NULL;
        break; /* the first CPU's flags; every CPU of one machine has the same */
    }
    fclose(f);
    return constant && nonstop;
}

static int compare_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* Ticks per ns from two spans of ~20 ms each; the ratio over the longer span wins, it carries
 * the smaller relative error from the bracketing clock_gettime calls. */
static double calibrate_tsc_ns_per_tick(void)
{
    uint64_t ns0 = hp_monotonic_ns(), t0 = hp_tsc_read();
    uint64_t target = ns0 + 40 * 1000 * 1000;
    uint64_t ns1;
    while ((ns1 = hp_monotonic_ns()) < target)
        ;
    uint64_t t1 = hp_tsc_read();
    return (double)(ns1 - ns0) / (double)(t1 - t0);
}

static void measure_overhead(struct hp_timer *t)
{
    enum { ROUNDS = 2001 };
    static double cost[ROUNDS];
    double smallest_step = 0;
    for (int i = 0; i < ROUNDS; i++) {
        uint64_t a = hp_timer_read(t);
        uint64_t b = hp_timer_read(t);
        cost[i] = hp_timer_ticks_to_ns(t, b - a);
        if (b > a && (smallest_step == 0 || cost[i] < smallest_step))
            smallest_step = cost[i];
    }
    qsort(cost, ROUNDS, sizeof cost[0], compare_double);
    t->overhead_ns = cost[ROUNDS / 2];
    /* The resolution is the tick unless one read costs less than a tick, in which case reads
     * can return equal values and the smallest observed step is the truth. */
    t->resolution_ns = t->ns_per_tick > smallest_step ? t->ns_per_tick : smallest_step;
    if (t->source == HP_TIMER_MONOTONIC) {
        struct timespec res;
        clock_getres(CLOCK_MONOTONIC, &res);
        double declared = (double)res.tv_sec * 1e9 + (double)res.tv_nsec;
        if (declared > t->resolution_ns)
            t->resolution_ns = declared;
    }
}

void hp_timer_init(struct hp_timer *t, bool force_monotonic)
{
    memset(t, 0, sizeof *t);
    if (force_monotonic) {
        t->source = HP_TIMER_MONOTONIC;
        t->why = "CLOCK_MONOTONIC requested";
    } else if (!HP_HAVE_TSC) {
        t->source = HP_TIMER_MONOTONIC;
        t->why = "no TSC on this architecture: CLOCK_MONOTONIC";
    } else if (!hp_tsc_is_invariant()) {
        t->source = HP_TIMER_MONOTONIC;
        t->why = "TSC not invariant (constant_tsc/nonstop_tsc missing): CLOCK_MONOTONIC";
    } else {
        t->source = HP_TIMER_TSC;
        t->why = "invariant TSC (constant_tsc, nonstop_tsc), calibrated against CLOCK_MONOTONIC";
    }
    t->ns_per_tick = t->source == HP_TIMER_TSC ? calibrate_tsc_ns_per_tick() : 1.0;
    measure_overhead(t);
}
