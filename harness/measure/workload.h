/* The benchmark case interface.
 *
 * A workload is something to measure ("route every GitHub API path once", "get and put a pool
 * object"). A case is a workload with one implementation chosen on each axis it uses, a thread
 * count and a mode. The harness drives every case the same way:
 *
 *     setup(params)                      once, on the main thread; may allocate and be slow
 *     thread_setup(shared, i)            once per worker thread, on that thread
 *     run(local, n)  ... many times      the measured region: perform exactly n operations
 *     thread_teardown(local)             on the worker thread
 *     report(shared, metrics)            optional: extra figures the case measured itself
 *     teardown(shared)
 *
 * `run` must do nothing but the n operations: no timing, no counting, no allocation of its own
 * beyond what the operation under test allocates. It returns a value derived from the work (a
 * checksum, a handler id) that the harness consumes, so the compiler cannot delete the work.
 * Worker thread i is the same OS thread for the whole run, so thread-local state set up in
 * thread_setup is still there in run.
 */
#ifndef HOTPATH_WORKLOAD_H
#define HOTPATH_WORKLOAD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/error.h"
#include "hdr_histogram.h"
#include "registry.h"

/* A number a workload lets the user choose per case (`hotpath run --param NAME=LIST`): a route
 * count, a payload size, work per op. Each value given is a case of its own, in the same
 * interleaved rounds; the name and value join the case's name (`WORKLOAD/routes=1000/...`) and
 * its results, and a parameter swept over three values or more gets a complexity fit
 * (complexity.h). Without --param a case runs at default_value. */
enum { HP_WORKLOAD_PARAMS_MAX = 4 };

struct hp_workload_param {
    const char *name;    /* a lower-case identifier: "routes" */
    const char *summary; /* one line for `hotpath list` */
    uint64_t min, max, default_value;
};

struct hp_case_params {
    const struct hp_composition *composition;
    unsigned threads; /* worker threads that will call run concurrently */
    uint64_t seed;    /* for request streams and anything else random */
    /* Path to the workloads/ directory, for workloads that read route sets or request lists. */
    const char *workloads_dir;
    /* Where setup records figures it found while preparing the case (found_share below); they
     * join the case's metrics in the results. NULL outside a run: nothing is recorded. */
    struct hp_metrics *metrics;
    /* The value of each parameter the workload declares (hp_workload.params, same order). */
    uint64_t param[HP_WORKLOAD_PARAMS_MAX];
};

enum { HP_METRICS_MAX = 16 };

struct hp_metric {
    char name[48]; /* snake_case, e.g. "writer_p99_ns" */
    char unit[16]; /* "ns", "bytes", "ops/s", ... */
    double value;
};

struct hp_metrics {
    struct hp_metric items[HP_METRICS_MAX];
    size_t count;
};

/* Adds a metric (ignored past HP_METRICS_MAX, or when m is NULL). */
void hp_metrics_add(struct hp_metrics *m, const char *name, const char *unit, double value);

struct hp_alloc_held;
/* Adds held_bytes, held_usable_bytes and held_blocks, and when units > 0 the first two per
 * unit ("route": held_bytes_per_route, held_usable_bytes_per_route). */
void hp_metrics_add_held(struct hp_metrics *m, const struct hp_alloc_held *held, const char *unit,
                         uint64_t units);

struct hp_workload;
/* How many parameters w declares (its params up to the first without a name). */
size_t hp_workload_param_count(const struct hp_workload *w);

/* The share of a case's requests that find a route (status found), for the workloads that look
 * requests up (the router and request workloads): measured at setup by looking every request up
 * once, and recorded as this metric. Setup refuses a case where no request finds a route (it would
 * measure nothing but misses); the run header and the report warn below
 * HP_FOUND_SHARE_WARN_BELOW. */
#define HP_METRIC_FOUND_SHARE "found_share"

/* What a case's structure holds (alloc_count.h's window around its making: a router built from
 * its routes, a pool holding HP_HELD_POOL_OBJECTS idle objects, a context environment after one
 * request, a queue as created), recorded by hp_metrics_add_held as held_bytes (as requested),
 * held_usable_bytes (as the allocator gave them), held_blocks, and per unit (held_bytes_per_route,
 * ...). */
#define HP_METRIC_HELD_BYTES        "held_bytes"
#define HP_METRIC_HELD_USABLE_BYTES "held_usable_bytes"
enum { HP_HELD_POOL_OBJECTS = 64 };
#define HP_FOUND_SHARE_WARN_BELOW 0.5

/* Capabilities and roles of a workload (struct hp_workload.flags), so that the harness decides
 * by flag, never by a workload's name. */
enum {
    /* The overhead probe (the `null` workload): an empty operation whose ns/op is what the
     * harness itself costs per op. Every run measures it (batch, one thread) and records it as
     * harness_overhead_ns_per_op; its cases are marked "overhead_probe" in results.json, and a
     * comparison or gate needs a case in common besides them. It uses no axis, so a phase run
     * measures it once, outside every phase. */
    HP_WORKLOAD_OVERHEAD_PROBE = 1u << 0,
    /* An anchor: another program measured beside the compositions (nginx under the same load
     * as `hotpath serve`). It uses no axis, and a phase run measures it once, outside every
     * phase, as it does the overhead probe. */
    HP_WORKLOAD_ANCHOR = 1u << 1,
    /* Measured in one mode only, whatever --mode asks: a closed loop's figure is its rate
     * (batch), an open loop's its latency (latency: in batch mode it would only measure the
     * rate it was given). */
    HP_WORKLOAD_BATCH_ONLY = 1u << 2,
    HP_WORKLOAD_LATENCY_ONLY = 1u << 3,
    /* Independent instances: setup may be called many times for one case, each call making a
     * structure that shares nothing with the others, and run(local, 1) on any instance in any
     * order is one op. Cold mode (`run --cache cold`, cold.h) needs it: it sets up instances
     * filling twice the last-level cache and runs each op on the next one. A workload whose
     * threads hand work to each other, or with background activity, does not declare it. */
    HP_WORKLOAD_INSTANCES = 1u << 4,
};

/* What setup returns to decline a case it cannot run here (a program that is not installed):
 * the run goes on without it, and the results say why (err's message) as the case's status. */
enum { HP_SETUP_DECLINED = 1 };

struct hp_workload {
    const char *name;     /* "null", "router/github/all", ...; slash-separated */
    const char *summary;  /* one line for `hotpath list` */
    uint32_t axes;        /* HP_AXIS_BIT() of every axis the workload needs an implementation of */
    unsigned min_threads; /* 0 or 1: any; 2: a case that needs two threads (a handoff) */
    /* The seeds' headline benchmark the workload mirrors ("static", "dynamic", "concurrent"),
     * for the phase headline table; NULL for the others. */
    const char *headline;
    /* 0: latency mode picks the group size from the op's cost. Otherwise the ops per timed
     * group (--latency-group still overrides): for workloads whose percentiles are compared
     * with a sibling's, which must time groups of the same size. */
    unsigned latency_group;
    uint32_t flags; /* HP_WORKLOAD_* */
    /* The parameters it accepts, the first with a NULL name ending the list (none: no --param). */
    struct hp_workload_param params[HP_WORKLOAD_PARAMS_MAX];

    /* 0, -1 with err set (the run is refused), or HP_SETUP_DECLINED with err set. */
    int (*setup)(const struct hp_case_params *params, void **shared, struct hp_error *err);
    /* Optional: without it, every thread's local is the shared state. */
    int (*thread_setup)(void *shared, unsigned thread_index, void **local, struct hp_error *err);
    uint64_t (*run)(void *local, uint64_t n);
    /* Optional, for a workload that times each op itself (an open-loop load generator, whose
     * latencies run from each request's intended send time, which no timer around run() can
     * see): in latency mode the runner calls it instead of timing groups of run(): perform
     * exactly n ops, recording each op's latency in ns into `latency`. */
    uint64_t (*run_recorded)(void *local, uint64_t n, struct hp_hdr *latency);
    /* Optional, for a workload that cannot do an exact number of ops (wrk, which runs for whole
     * seconds and counts what it did): replaces run in batch mode; performs about n ops and
     * returns how many it did, which the runner divides the sample's time by. */
    uint64_t (*run_about)(void *local, uint64_t n);
    void (*thread_teardown)(void *local);                 /* optional */
    void (*report)(void *shared, struct hp_metrics *out); /* optional */
    /* Optional: called on the main thread just before the worker threads start a sample (a
     * measured one or one of the calibration runs that choose n) and just after they have all
     * finished it, outside the timed region. For background activity that belongs to this
     * case alone (read_with_writer's writer), which must not run during other cases' samples:
     * the runner sets every case up at once and interleaves their samples. */
    void (*sample_begin)(void *shared);
    void (*sample_end)(void *shared);
    void (*teardown)(void *shared); /* optional */
    /* Optional: the requests the case times, in its order, each with the whole response the
     * case gives it, passed to each() (which returns non-zero to stop): the expected-responses
     * file that a peer of the workload checks itself against (expected_responses.h). Called on
     * the main thread, after setup and outside every sample. */
    int (*exchanges)(void *shared,
                     int (*each)(void *ctx, const char *request, size_t request_len,
                                 const char *response, size_t response_len),
                     void *ctx, struct hp_error *err);
    /* Optional: false for compositions the workload cannot run (a writer workload needs a
     * router that supports remove). Such compositions are skipped when an axis is expanded to
     * all its implementations, and refused when named explicitly. */
    bool (*supports)(const struct hp_composition *composition);
    /* With supports: what a composition must offer, for the refusal ("a router that accepts
     * registrations during lookups"); the refusal also lists the implementations that do. */
    const char *requirement;
    /* Optional, per axis: the implementation (by name) used when the user names none on that
     * axis, for workloads with so many axes that running every combination by default makes
     * no sense (the request workloads: 2,646). NULL: every implementation. `--AXIS all` still
     * expands. */
    const char *axis_default[HP_AXIS_COUNT];
};

#endif
