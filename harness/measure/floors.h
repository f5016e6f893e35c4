/* Machine floors: the cost of the few primitive operations every hot path is made of, measured
 * at the start of every run and written into its results file. A later comparison across
 * machines reads "this router costs 9 L1 loads" rather than "9 ns on some box".
 */
#ifndef HOTPATH_FLOORS_H
#define HOTPATH_FLOORS_H

#include "timer.h"

struct hp_floors {
    double monotonic_read_ns; /* one clock_gettime(CLOCK_MONOTONIC) */
    double tsc_read_ns;       /* one rdtscp + lfence; 0 when there is no TSC */
    double l1_load_ns;        /* one load whose address depends on the previous load, in L1 */
    double cas_ns;            /* one uncontended lock cmpxchg on a line this core owns */
    double syscall_ns;        /* one system call that does nothing (getppid): the entry and exit
                                 every read, write and epoll_wait pays, which a virtual machine
                                 can make dear */
    double handoff_ns;        /* a cache line passed from one core to another (half a round
                                 trip, the median batch of 100 round trips); negative when the
                                 machine has a single CPU */
    double wakeup_ns;         /* a thread asleep in read() on a pipe, woken by a write from
                                 another core (half a blocking round trip, the median batch);
                                 what a loopback request pays when its receiver sleeps;
                                 negative on a single CPU */
};

void hp_floors_measure(struct hp_floors *out);

#endif
