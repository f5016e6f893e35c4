/* Reading a results directory back: the one loader behind `compare`, `report`, the phase and
 * claims tables and the gate, so that every view of a run is rendered from its files.
 *
 * hp_results_read accepts a results directory (DIR/results.json is read) or the path of a
 * results.json itself. It refuses, with one message naming the file (and the JSON line where
 * jansson knows it), anything that is not a complete "hotpath-results" document of a version it
 * knows: a missing or wrong-typed required key, a case without samples, a non-finite or
 * non-positive sample, a negative count or time per op (allocations, perf, instructions,
 * latency, floors), duplicate case names, a duplicate key in any object. results.json must be
 * a regular file of at most HP_RESULTS_MAX_BYTES (a directory, FIFO or device is refused without
 * reading it). A run interrupted by Ctrl-C (complete: false) is read, with `complete` false, so
 * a caller can decide whether to refuse it.
 *
 * Numbers the run could not measure are stored in the file as null; here they are NAN (test
 * with isnan), and the has_* flags say whether an optional block was present.
 */
#ifndef HOTPATH_RESULTS_READ_H
#define HOTPATH_RESULTS_READ_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/error.h"
#include "complexity.h"
#include "registry.h"
#include "stats.h"

struct hp_result_impl {
    char *axis; /* "router", "pool", ... as in the registry */
    char *name; /* the implementation's name */
};

struct hp_result_metric {
    char *name;
    char *unit;
    double value;
};

/* A workload parameter's value in a case (version 7, workload.h). */
struct hp_result_param {
    char *name;
    uint64_t value;
};

struct hp_result_latency {
    uint64_t count;
    double min_ns, mean_ns, p50_ns, p90_ns, p99_ns, p999_ns, p9999_ns, max_ns;
    double timer_overhead_ns_per_op;
    char *hlog; /* file name relative to the results directory, or NULL */
    /* (version 6) the median sits below what the timer resolves: not a measurement. */
    bool below_resolution;
};

struct hp_result_case {
    char *name;     /* unique in the run */
    char *workload; /* e.g. "router/github/all" */
    char *phase;    /* the phase this case ran for (run --phases), or NULL */
    /* A case of the overhead probe (workload.h): it measures the harness, not an
     * implementation, so it does not count as a comparison in compare and gate. */
    bool overhead_probe;
    size_t impl_count;
    struct hp_result_impl *impls; /* in the order the file lists them */
    size_t param_count;           /* version 7: the workload's parameters; 0 when it has none */
    struct hp_result_param *params;
    unsigned threads;
    bool latency_mode; /* mode "latency" (else "batch") */
    /* (version 6) cache "cold" (cold.h): its instances and their working set, against the
     * run's llc_bytes; warm when absent. */
    bool cold;
    uint64_t cold_instances, cold_working_set_bytes;
    bool cold_exceeds_llc;
    /* (version 6) more threads than the CPUs the run could use; and the spread of the threads'
     * own rates, (max - min) / mean of their medians (NAN: one thread, or not recorded). */
    bool time_sliced;
    double thread_spread;
    uint64_t ops_per_thread_per_sample;

    size_t samples;
    double *ns_per_op;   /* [samples], each finite and > 0 */
    double *ops_per_sec; /* [samples] */
    /* [samples]: CPU time of the case's threads / ops (runner.h), NULL when the file has none
     * (files written before it was recorded). */
    double *cpu_ns_per_op;
    struct hp_summary summary; /* recomputed from ns_per_op at 95%, not trusted from the file */
    bool noisy;                /* as the file says */

    uint64_t measured_ops;
    double allocs_per_op, bytes_per_op, frees_per_op; /* NAN when not recorded */

    bool has_perf;
    double cycles_per_op, instructions_per_op, branch_misses_per_op, cache_misses_per_op;

    /* Instructions per op from whichever source measured them ("perf" or "callgrind"), NAN and
     * NULL when none did. */
    double instructions;
    char *instructions_source;

    bool has_latency;
    struct hp_result_latency latency;

    size_t metric_count;
    struct hp_result_metric *metrics;

    /* An external case (version 4, docs/external-cases.md): the source and peer its figures
     * come from ("go", "gin"), and for a Go twin the claim and variant ("C1", "reference");
     * NULL for hotpath's own cases. */
    char *source, *peer, *claim, *variant;
};

/* A complexity fit over a swept parameter (version 7, complexity.h). */
struct hp_result_fit {
    char *workload, *parameter;
    size_t case_count;
    const struct hp_result_case **cases; /* the fitted cases, which differ in `parameter` only */
    enum hp_big_o best, runner_up;
    double coefficient, rms; /* of the best shape */
    bool ambiguous;
    double shape_coefficient[HP_BIG_O_COUNT], shape_rms[HP_BIG_O_COUNT]; /* NAN when absent */
};

struct hp_result_floors {
    double monotonic_read_ns, tsc_read_ns, l1_load_ns, cas_ns, handoff_ns; /* NAN when null */
    double syscall_ns, wakeup_ns; /* version 8; NAN when absent (wakeup_ns: or null) */
};

/* One finding of the run's validity checks (version 6; validity.h). */
struct hp_result_finding {
    char *severity; /* "info", "warning", "unreliable" */
    char *check;    /* "steal", "drift", ... */
    char *text;
    unsigned first_sample, last_sample; /* 0, 0: the whole run */
};

struct hp_result_validity {
    bool recorded; /* the file has a validity block (version 6 on) */
    bool reliable; /* no finding of severity unreliable; true when not recorded */
    size_t finding_count;
    struct hp_result_finding *findings;
};

struct hp_results {
    char *dir;   /* the directory the file is in */
    char *path;  /* the results.json read */
    int version; /* the file's format version (1 .. HP_RESULTS_VERSION) */
    bool complete;
    char *started; /* ISO 8601 UTC */
    double started_epoch_s, duration_s;
    char *command;

    char *machine_fingerprint, *cpu_model, *kernel, *hostname;
    unsigned cpus_online;

    char *build_type, *compiler, *git_commit, *allocator;
    bool git_dirty;

    uint64_t seed;
    unsigned config_samples;
    double target_sample_ns;

    struct hp_result_floors floors;
    bool perf_available;
    double harness_overhead_ns; /* NAN when unknown */
    struct hp_result_validity validity;
    unsigned pooled_runs; /* runs pooled into this one (results_merge.h); 0 or 1: one run */
    /* Pooled runs left out because they marked themselves unreliable while others did not
     * (results_merge.h), and the first one's reason. */
    unsigned pooled_left_out;
    char left_out_why[480];
    /* (version 6) the last-level cache cold cases filled, and where its size came from; 0 and
     * NULL when no case ran cold. */
    uint64_t llc_bytes;
    char *llc_source;

    size_t case_count;
    struct hp_result_case *cases;

    size_t fit_count; /* version 7: "complexity"; 0 when absent */
    struct hp_result_fit *fits;

    void *json; /* the parsed document (a jansson json_t *), for keys this struct does not map */
};

/* What every view of a run with complete: false says beside its tables. */
#define HP_PARTIAL_RESULTS_WARNING                                                                 \
    "The run was interrupted (complete: false): cases hold only the samples taken before it "      \
    "stopped, some perhaps none, and comparisons of them are weaker than a full run's."

/* The largest results.json read: a real run's is under 1 MiB (92 cases, 160 KiB), so this
 * leaves room for runs hundreds of times larger and refuses a runaway file before parsing it. */
#define HP_RESULTS_MAX_BYTES ((size_t)256 << 20)

/* Reads `path` (a results directory or a results.json). Returns 0, or -1 with err set and *out
 * left empty (safe to free). */
int hp_results_read(const char *path, struct hp_results *out, struct hp_error *err);

/* A results file may hold no case ("cases": [], a run interrupted before its first case, or
 * one whose every case declined): the reader accepts it, and a view that needs cases calls
 * this. 0 when r has a case, else -1 with err "FILE: cases: is empty: ... nothing to WHAT". */
int hp_results_need_cases(const struct hp_results *r, const char *what, struct hp_error *err);

void hp_results_free(struct hp_results *r);

/* The case named `name`, or NULL. */
const struct hp_result_case *hp_results_find(const struct hp_results *r, const char *name);

/* The implementation chosen on `axis` in case c, or NULL when the case does not use the axis. */
const char *hp_result_case_impl(const struct hp_result_case *c, const char *axis);

/* The value of parameter `name` of case c; false when it has none of that name. */
bool hp_result_case_param(const struct hp_result_case *c, const char *name, uint64_t *value);

/* The metric `name` of case c, or NULL. */
const struct hp_result_metric *hp_result_case_metric(const struct hp_result_case *c,
                                                     const char *name);

#endif
