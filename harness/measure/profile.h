/* A profile of one case's measured region: cost by call stack and by function, per op.
 *
 * Made from a callgrind dump of `hotpath profile` (the --instructions child run with
 * --separate-callers, so every function context callgrind reports is a whole call chain:
 * "leaf'caller'caller's caller..."). The chain is cut at the runner's frame that calls the
 * workload's run() (HP_PROFILE_ROOT_FRAME, kept as the root), so a stack reads
 * "run_batch_job;router_run;radix_lookup;...". Each stack's self cost is exact, hence:
 *   self(f)      = the self cost of the stacks whose leaf is f
 *   inclusive(f) = the self cost of the stacks that contain f (once, however often it recurs)
 *   total        = the sum of every stack's self cost = callgrind's own total
 * Costs are vectors over the dump's events (Ir; with cache and branch simulation also
 * Dr Dw I1mr D1mr D1mw ILmr DLmr DLmw Bc Bcm Bi Bim), divided by the ops the region ran.
 * A sampled profile (sampler.h) has one event, the sampled one ("cpu-clock ns" or "cycles"),
 * each sample weighing its period, and the same stacks, rooted at the same frame.
 */
#ifndef HOTPATH_PROFILE_H
#define HOTPATH_PROFILE_H

#include <stdbool.h>
#include <stddef.h>

#include "common/error.h"

#define HP_PROFILE_ROOT_FRAME     "run_batch_job"
/* The trigger of the dump the runner takes just before a measured sample under callgrind, only
 * to zero callgrind's call counts (runner.c): a dump of no case, which readers skip. */
#define HP_PROFILE_DISCARDED_DUMP "hotpath: calls before the measured sample"
enum { HP_PROFILE_MAX_EVENTS = 16, HP_PROFILE_EVENT_NAME = 16 };
/* The largest callgrind dump read (a few MB is typical for one case). */
#define HP_PROFILE_MAX_DUMP_BYTES ((size_t)256 << 20)

struct hp_profile_stack {
    char *frames; /* folded: "root;...;leaf" */
    double self[HP_PROFILE_MAX_EVENTS];
};

struct hp_profile_function {
    char *name;
    double self[HP_PROFILE_MAX_EVENTS];
    double inclusive[HP_PROFILE_MAX_EVENTS];
    /* Calls into it per op made inside the measured region (meaningful when calls_known). */
    double calls;
};

struct hp_profile {
    char case_name[256];
    char source[32]; /* "callgrind" or "sampling" */
    /* Whether the functions' calls are counted (callgrind counts them; sampling cannot, nor
     * could the callgrind profiles of profile.json version 1, whose counts included calls
     * outside the measured region). */
    bool calls_known;
    double samples; /* sampling: the samples the profile is made of; 0 otherwise */
    size_t event_count;
    char events[HP_PROFILE_MAX_EVENTS][HP_PROFILE_EVENT_NAME];
    double ops; /* the ops the counts were divided by */
    double total[HP_PROFILE_MAX_EVENTS];
    struct hp_profile_stack *stacks;
    size_t stack_count, stack_capacity;
    struct hp_profile_function *functions; /* by inclusive Ir, descending */
    size_t function_count, function_capacity;
};

/* Reads one callgrind dump (bounded by HP_PROFILE_MAX_DUMP_BYTES) into p (zeroed first): the
 * case from its trigger line, the stacks and call counts, then the function table
 * (hp_profile_finish) with every cost divided by ops. 0; 1 for a dump with no case (the one
 * callgrind writes at exit); -1 with err naming PATH:LINE for a malformed file. */
int hp_profile_read_callgrind(const char *path, double ops, struct hp_profile *p,
                              struct hp_error *err);

/* Adds cost to the stack of that name (created when new); 0 or -1 (out of memory). */
int hp_profile_add_stack(struct hp_profile *p, const char *frames, const double *self);

/* Adds calls to the function of that name (created when new); 0 or -1. */
int hp_profile_add_calls(struct hp_profile *p, const char *name, double calls);

/* Builds the function table from the stacks (self, inclusive), keeping the call counts
 * already added, and sorts it by inclusive cost of the first event. 0 or -1. */
int hp_profile_finish(struct hp_profile *p);

/* The index of an event by name, or -1. */
int hp_profile_event(const struct hp_profile *p, const char *name);

/* The estimated cycles of a cost vector, as iai-callgrind estimates them from callgrind's cache
 * simulation: L1 hits + 5 x LL hits + 35 x RAM hits, where L1 hits = Ir + Dr + Dw - I1mr - D1mr
 * - D1mw, LL hits = I1mr + D1mr + D1mw - ILmr - DLmr - DLmw, RAM hits = ILmr + DLmr + DLmw.
 * NAN when the profile has no cache simulation. An estimate, not a measurement. */
double hp_profile_estimated_cycles(const struct hp_profile *p, const double *cost);

void hp_profile_free(struct hp_profile *p);

#endif
