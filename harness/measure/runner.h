/* The measurement core: runs a list of cases and fills in their samples.
 *
 * Batch mode (as `go test -bench`): per case, grow n until one sample of n operations per thread
 * lasts at least the target time, warm up, then take R samples. The cases of a run are
 * interleaved: every round runs one sample of every case, in a freshly shuffled order, so slow
 * drift (thermal, another tenant on the host) lands on all cases alike instead of on whichever
 * ran last.
 *
 * Latency mode: time single operations, or groups of g operations when one is too cheap to time
 * (the recorded value is the group's time / g), with the latency timer (timer.h), into one HDR
 * histogram per case.
 *
 * Threads: a case on T threads runs on workers 0..T-1, released together from a spinning start
 * gate. Workers are created once per run and worker i is always the same OS thread, so per-thread
 * state (thread-local caches, RCU registration) made in thread_setup is valid in every sample.
 * A sample's time is from the earliest start to the latest finish (wall time); ns/op is that time
 * over all operations of all threads, ops/s the inverse, and each thread's own rate is kept too.
 *
 * Allocation counts are read on each worker right before and after its run(), so they cover
 * exactly the measured region, summed over the case's threads.
 */
#ifndef HOTPATH_RUNNER_H
#define HOTPATH_RUNNER_H

#include <signal.h>
#include <stdbool.h>
#include <stdint.h>

#include "alloc_count.h"
#include "cold.h"
#include "floors.h"
#include "hdr_histogram.h"
#include "perf_counters.h"
#include "sampler.h"
#include "stats.h"
#include "timer.h"
#include "validity.h"
#include "workload.h"

enum hp_mode { HP_MODE_BATCH, HP_MODE_LATENCY };

enum { HP_MAX_THREADS = 64 };

struct hp_run_config {
    double target_sample_ns; /* batch: minimum duration of one sample */
    unsigned samples;        /* R: measured rounds */
    unsigned warmup_rounds;  /* rounds run and thrown away after calibration */
    unsigned latency_group;  /* latency: ops per timed group; 0 chooses per case */
    uint64_t seed;           /* case order shuffling and workloads' random streams */
    bool pin;                /* pin worker i to the i-th CPU this process may run on */
    bool quiet;              /* no progress line */
    bool force_monotonic;    /* latency timer: CLOCK_MONOTONIC even with an invariant TSC */
    const char *workloads_dir;
    /* Instruction counting under callgrind (`run --instructions`, cmd_run.c): every case runs
     * exactly fixed_n ops per thread per sample instead of calibrating, and with `callgrind` set
     * collection is switched on only around run() of measured samples and each case's count is
     * dumped under its name after its sample. */
    uint64_t fixed_n; /* 0: calibrate */
    bool callgrind;
    /* `hotpath profile --source sampling` (sampler.h): the event every worker samples around
     * run() of measured samples, into its case's sample_chains; NULL: no sampling. */
    const struct hp_sampler_event *sampling;
    /* The build measuring ("Release", "Debug", ...), for the validity checks (validity.h);
     * NULL: not checked. */
    const char *build_type;
    uint64_t llc_bytes; /* --llc-size: the last-level cache cold mode fills; 0: detect (cold.h) */
};

void hp_run_config_defaults(struct hp_run_config *c);

/* Latency histograms cover 1 ns .. 100 s at 3 significant figures (0.1% precision). */
#define HP_LATENCY_LOWEST_NS  1
#define HP_LATENCY_HIGHEST_NS 100000000000LL
#define HP_LATENCY_SIGFIGS    3

/* An external case (docs/external-cases.md): another program measures the op and answers each
 * sample with its own figures; the runner only chooses n and the order, as for any case. */
struct hp_external_answer {
    double ns_per_op, cpu_ns_per_op;
    double allocs_per_op, bytes_per_op; /* < 0: the program cannot count them */
    double wall_ns;
    uint64_t ops; /* all threads */
};

struct hp_case_external {
    /* One sample of n ops per thread: 0 with *out filled, or -1 with why set (the case is then
     * dropped: its samples are discarded and `status` says why). */
    int (*sample)(void *ctx, uint64_t n, struct hp_external_answer *out, char *why,
                  size_t why_size);
    /* NULL for a one-shot case: its samples were taken before the run (the caller filled
     * ns_per_op and the rest, malloc'ed; the runner only summarizes them). */
    void *ctx;
    const char *source;          /* the .external section: "go" */
    const char *peer;            /* what the case's figures are of: "gin", "httprouter", "go" */
    const char *claim, *variant; /* a twin of a claim (claims.h): "C1", "reference"; or NULL */
    char facts[1024];            /* key=value facts the program gave (hello, case) */
};

/* What became of each source of external cases, for the results (a source that did not run
 * has no cases to carry its status). */
enum { HP_EXTERNAL_SOURCE_STATUS_MAX = 16 };
struct hp_external_source_status {
    char name[40];
    char file[512];   /* FILE:LINE of its section */
    char status[640]; /* "ok", "not run: ...", "failed: ..." */
    char facts[1024]; /* the hello answer's facts */
};
struct hp_external_summary {
    struct hp_external_source_status sources[HP_EXTERNAL_SOURCE_STATUS_MAX];
    size_t count;
};

struct hp_case {
    /* What to run (filled by the caller). */
    const struct hp_workload *workload;
    struct hp_composition composition;
    unsigned threads;
    enum hp_mode mode;
    /* --cache cold (cold.h): cold_instances instances, each op on the next of a random order;
     * batch mode, workloads flagged HP_WORKLOAD_INSTANCES. The name ends in "/cold". */
    bool cold;
    const char *phase; /* run --phases: the phase this case measures (in the name too); else NULL */
    /* The value of each parameter the workload declares (workload.h), in its order; they follow
     * the workload in the name: "router/generated/realistic/routes=1000/depth=5/...". */
    uint64_t param[HP_WORKLOAD_PARAMS_MAX];
    /* An external case: samples from another program; workload names what it stands beside
     * (its setup and run are not called) and the caller writes name. NULL for a C case. */
    const struct hp_case_external *external;
    /* Non-empty: the case was not measured, or was dropped, and why ("refused: ...", "failed in
     * round 3: ..."); it has no samples. Only external cases fail during a run. */
    char status[512];

    /* Filled by hp_case_name(): "router/github/all/router=radix/threads=2" (+"/latency"). */
    char name[256];

    /* Filled by the runner. */
    uint64_t n;     /* ops per thread per sample (batch), groups per sample (latency) */
    unsigned group; /* latency: ops per timed group */
    unsigned samples_taken;
    double *ns_per_op;          /* [samples]: wall time / all ops of all threads */
    double *ops_per_sec;        /* [samples]: aggregate */
    double *thread_ops_per_sec; /* [samples * threads]: each thread's own rate */
    /* [samples]: CPU time of all the case's threads in the measured region
     * (CLOCK_THREAD_CPUTIME_ID) / all ops. Unlike wall time it leaves out the time a thread
     * waited for a CPU, so another tenant on a shared machine barely moves it; it also leaves
     * out time spent blocked, so it is the gate's clock for one-thread cases only (gate.h). */
    double *cpu_ns_per_op;
    struct hp_summary summary; /* of ns_per_op */
    bool noisy;

    uint64_t measured_ops;         /* over every measured sample and thread */
    struct hp_alloc_counts allocs; /* over the same region */
    bool allocs_unknown;           /* an external program that cannot count them */
    bool perf_ok;
    struct hp_perf_values perf; /* over the same region, when perf_ok */
    /* Instructions per op counted by callgrind (run --instructions); source NULL when none. */
    double instructions_per_op;
    const char *instructions_source;

    struct hp_sample_chains sample_chains[HP_MAX_THREADS]; /* per thread, when sampling */

    struct hp_hdr latency; /* latency mode: every recorded group, all threads */
    bool has_latency;
    /* Latency mode: its median sits below what the timer resolves (validity.h), so its
     * percentiles are labelled "below resolution" rather than reported as measured. */
    bool below_resolution;
    struct hp_metrics metrics; /* the workload's own report */

    /* Cold mode, filled by the runner: the instances, each one's size and where it came from
     * (cold.h), and whether together they exceed the last-level cache. */
    size_t cold_instances;
    uint64_t cold_instance_bytes;
    const char *cold_bytes_source; /* "allocated" or "requested" */
    bool cold_exceeds_llc;

    /* Private to the runner. */
    void **cold_shared;   /* [cold_instances]; [0] is shared */
    void **cold_local;    /* [threads][cold_instances] */
    uint32_t *cold_visit; /* a random cyclic order of the instances */
    size_t cold_pos[HP_MAX_THREADS];
    void *shared;
    void *local[HP_MAX_THREADS];
    struct hp_hdr thread_latency[HP_MAX_THREADS];
};

/* Writes c->name from its workload, parameters, composition, threads and mode. */
void hp_case_name(struct hp_case *c);

/* The case whose median is the run's harness overhead: the overhead probe (workload.h), batch
 * mode, one thread. */
bool hp_case_is_overhead_measure(const struct hp_case *c);

struct hp_run {
    struct hp_run_config config;
    struct hp_timer timer;
    struct hp_floors floors;
    bool perf_available;
    const char *perf_why;
    double started_epoch_s; /* wall clock at the start, for results and logs */
    double duration_s;
    bool machine_measured;      /* timer, floors and perf probe done (hp_run_measure_machine) */
    bool interrupted;           /* SIGINT/SIGTERM arrived: samples stop, results are partial */
    double harness_overhead_ns; /* hp_case_is_overhead_measure's median ns/op; <0 unknown */
    bool set_up;                /* hp_run_setup done, hp_run_execute not yet */
    uint64_t started_ns;        /* monotonic clock at the start (hp_run_setup) */

    struct hp_case *cases;
    size_t case_count;
    const struct hp_external_summary *external; /* run --external, else NULL */
    /* Cold mode's last-level cache (cold.h), when a case runs cold. */
    uint64_t llc_bytes;
    char llc_source[640];
    /* What can make the run's times wrong (validity.h): filled by hp_run_setup and
     * hp_run_execute. validity.paths may be set before hp_run_setup (tests); when empty, the
     * defaults. */
    struct hp_validity validity;
};

/* Calibrates the latency timer, measures the floors and probes the perf counters (about 0.3 s).
 * hp_run_execute does it when it was not done, so a caller may do it first to print them. */
void hp_run_measure_machine(struct hp_run *run);

/* Measures the timer and floors (unless done), starts the worker threads and sets every case
 * up (all of them before any measurement, so a bad case refuses the run before time is spent).
 * Returns 0, or -1 with err set and everything torn down. A caller may call it first to print
 * what setup found (the cases' setup metrics, e.g. found_share) before the long part. */
int hp_run_setup(struct hp_run *run, struct hp_error *err);

/* Sets the run up (unless hp_run_setup did), calibrates, warms up, runs the rounds, collects
 * reports and tears everything down. Returns 0, or -1 with err set when a case could not be
 * set up (nothing has been measured then). */
int hp_run_execute(struct hp_run *run, struct hp_error *err);

/* Frees what hp_run_execute allocated in the cases. */
void hp_run_release(struct hp_run *run);

/* Go's testing package's rule, kept testable: the next n to try after n ops took elapsed_ns,
 * aiming at target_ns with 20% headroom, growing at most 100x and at least by one, rounded up
 * to 1, 2, 3 or 5 times a power of ten. */
uint64_t hp_predict_n(uint64_t n, double elapsed_ns, double target_ns);

/* From now on SIGINT and SIGTERM set hp_run_stop_requested instead of killing the process:
 * hp_run_execute then stops at the next sample boundary (or takes no sample at all), marks the
 * run interrupted and keeps what was measured, so a partial results directory can be written. */
void hp_run_catch_stop_signals(void);
extern volatile sig_atomic_t hp_run_stop_requested;

#endif
