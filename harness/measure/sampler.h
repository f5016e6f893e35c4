/* Sampling profiles of the measured region (`hotpath profile --source sampling`): each worker
 * thread opens one perf_event_open sampling event on itself, user space only (exclude_kernel,
 * which kernel.perf_event_paranoid 2 allows a process on itself), enabled around exactly the
 * workload's run() of measured samples (runner.c, as callgrind's collection is). Every sample
 * records its user call chain (PERF_SAMPLE_CALLCHAIN: the kernel walks the frame pointers, which
 * the Release build keeps, -fno-omit-frame-pointer); the worker copies the chains out of the
 * ring buffer after each sample, outside the timed region, into its case's buffer. Symbols come
 * from symbols.h; the chains become a profile in hp_sampler_profile.
 *
 * The event: `cycles` where the machine has hardware counters, else the `cpu-clock` software
 * event (a timer, so it works in virtual machines without a PMU): each sample weighs its period
 * (ns of CPU time, or cycles), so a profile's costs are ns (or cycles) per op.
 */
#ifndef HOTPATH_SAMPLER_H
#define HOTPATH_SAMPLER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/error.h"
#include "profile.h"

/* The sampled event: its name in profiles ("cpu-clock ns", "cycles"), perf's type, config and
 * sampling period (ns for cpu-clock, cycles for cycles). */
struct hp_sampler_event {
    const char *name;
    uint32_t type;
    uint64_t config;
    uint64_t period;
};

/* Chains as the workers collected them: records of [n, word0, word1, ip0 (the sampled
 * instruction), return address 1, ..., return address n-1], leaf first, word0 and word1 being
 * the two words at the stack pointer (x86-64; else 0). One buffer per thread of a case. */
struct hp_sample_chains {
    uint64_t *data;
    size_t used, capacity;
    uint64_t samples, lost, throttled; /* lost: records the kernel dropped (ring full) */
    bool unsampled; /* the thread's event or ring could not be opened: it took no samples */
};

/* One thread's sampling event and its ring buffer; fd -1 when closed. */
struct hp_sampler {
    int fd;
    void *ring;
    size_t ring_bytes;
};

/* Chooses the event (cycles, else cpu-clock) by opening it on the calling thread once. true
 * with *event set; false with why set to one sentence naming the refusal and the setting that
 * decides it (perf_event_paranoid). HOTPATH_TEST_REFUSE_SAMPLING=1 in the environment makes it
 * refuse as a machine at perf_event_paranoid 3 would (the tests' way to reach that path). */
bool hp_sampler_probe(struct hp_sampler_event *event, char *why, size_t why_size);

/* Opens the event on the calling thread, disabled, with its ring buffer. 0, or -1. */
int hp_sampler_open(struct hp_sampler *s, const struct hp_sampler_event *event);
void hp_sampler_start(struct hp_sampler *s);
void hp_sampler_stop(struct hp_sampler *s);
/* Moves the ring buffer's records into out (call after stop); -1 when out of memory. */
int hp_sampler_drain(struct hp_sampler *s, struct hp_sample_chains *out);
void hp_sampler_close(struct hp_sampler *s);
void hp_sample_chains_free(struct hp_sample_chains *c);

/* The profile of a case from its threads' chains: each chain cut at HP_PROFILE_ROOT_FRAME
 * (kept as the root) and weighed event->period / ops. A chain that does not reach the root (a
 * frame without a frame pointer on the way, e.g. in a library) keeps its leaf only, under
 * "ROOT;[stack not walked]". 0, or -1 with err set. */
int hp_sampler_profile(const char *case_name, const struct hp_sample_chains *chains, size_t threads,
                       double ops, const struct hp_sampler_event *event, struct hp_profile *p,
                       struct hp_error *err);

#endif
