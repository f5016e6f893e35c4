/* Run validity: what can make a run's times wrong, recorded and checked by every run.
 *
 * Read once at the start: the CPU frequency governor and boost state (where the machine shows
 * them), ASLR, the load average, the build type. Read at every round boundary: /proc/stat's
 * CPU times, so that steal (time the hypervisor gave our virtual CPUs to someone else) and the
 * load of other processes are known per round, i.e. per sample: a finding says "steal 12%
 * during samples 4-7". At the end: the load average again, and the drift check (the first
 * cases measured again after the last round and compared with their first samples).
 *
 * Each finding has a severity: `unreliable` (the run's times must not be judged: `gate` leaves
 * them out), `warning` (worth knowing, times still judged) or `info` (recorded so a reader can
 * tell it was checked). The run header, results.json (`validity`) and the report list them in
 * one place.
 *
 * The files are read under two roots, /proc and /sys, which $HOTPATH_PROC_DIR and
 * $HOTPATH_SYS_DIR replace (tests point them at fixture files).
 */
#ifndef HOTPATH_VALIDITY_H
#define HOTPATH_VALIDITY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct hp_system_paths {
    char proc[512]; /* "/proc" */
    char sys[512];  /* "/sys" */
};

/* The roots from $HOTPATH_PROC_DIR and $HOTPATH_SYS_DIR, else /proc and /sys. */
void hp_system_paths_default(struct hp_system_paths *p);

/* Reads PROC/sub (at most size - 1 bytes, NUL-terminated, trailing newline removed). 0 or -1. */
int hp_system_read(const char *root, const char *sub, char *out, size_t size);

/* The machine-wide CPU times of /proc/stat's "cpu" line, in clock ticks, with our process's
 * CPU time and the monotonic clock read at the same moment. */
struct hp_cpu_times {
    bool ok;
    uint64_t busy;  /* user + nice + system + irq + softirq (guest time is inside user) */
    uint64_t steal; /* the hypervisor ran someone else on our virtual CPU */
    uint64_t total; /* every field but guest and guest_nice */
    double process_cpu_ns;
    double monotonic_ns;
};

int hp_cpu_times_read(const struct hp_system_paths *p, struct hp_cpu_times *out);

/* One round (one sample of every case) as the machine saw it. */
struct hp_validity_window {
    bool known;             /* /proc/stat was readable at both ends and ticked between them */
    double steal_share;     /* of all CPU time of the machine */
    double other_load_cpus; /* CPUs' worth of busy time not ours */
    double duration_s;
};

/* From two snapshots: ticks_per_s is sysconf(_SC_CLK_TCK). */
struct hp_validity_window hp_validity_window_between(const struct hp_cpu_times *a,
                                                     const struct hp_cpu_times *b,
                                                     double ticks_per_s);

enum hp_finding_severity { HP_FINDING_INFO, HP_FINDING_WARNING, HP_FINDING_UNRELIABLE };

/* "info", "warning", "unreliable". */
const char *hp_finding_severity_name(enum hp_finding_severity s);

struct hp_finding {
    enum hp_finding_severity severity;
    char check[24]; /* "steal", "other_load", "governor", "boost", "aslr", "load_average",
                       "build", "drift", "below_resolution", "cold" */
    char text[320]; /* one sentence, as printed */
    unsigned first_sample, last_sample; /* 1-based samples it concerns; 0, 0: the whole run */
};

enum { HP_VALIDITY_MAX_FINDINGS = 48, HP_DRIFT_MAX_CASES = 3, HP_DRIFT_SAMPLES = 3 };

/* A case measured again at the end of the run. */
struct hp_drift_case {
    char name[256];
    bool cpu_clock;         /* compared in CPU time (one-thread cases), else wall time */
    double early_median_ns; /* its first HP_DRIFT_SAMPLES measured samples */
    double late_median_ns;  /* the samples taken after the last round */
    double ratio;           /* late / early */
};

/* Beyond these ratios (or their inverses) the drift check reports a warning, then marks the run
 * unreliable. */
#define HP_DRIFT_WARNING_RATIO    1.05
#define HP_DRIFT_UNRELIABLE_RATIO 1.10
/* Steal over a span of samples at or above these shares: a warning, then unreliable. */
#define HP_STEAL_WARNING_SHARE    0.03
#define HP_STEAL_UNRELIABLE_SHARE 0.10

struct hp_validity {
    struct hp_system_paths paths;
    /* The environment, read at the start. Unknown: "" / -1 / NAN. */
    char governor[32]; /* cpu0's scaling_governor; "mixed" when the CPUs differ */
    int boost;         /* 1 on, 0 off */
    int aslr;          /* randomize_va_space: 0 off, 1 stack and libraries, 2 also the heap */
    double load_start[3], load_end[3];
    unsigned cpus;
    char build_type[16];
    /* Per measured round (sample): windows[k] is sample k + 1. */
    struct hp_validity_window *windows;
    size_t window_count, window_capacity;
    struct hp_drift_case drift[HP_DRIFT_MAX_CASES];
    size_t drift_count;
    bool drift_checked;
    struct hp_finding findings[HP_VALIDITY_MAX_FINDINGS];
    size_t finding_count;
    bool unreliable;      /* any finding of severity unreliable */
    unsigned max_threads; /* the most threads a case ran (hp_validity_assess) */
};

/* Reads the environment (governor, boost, ASLR, load average) under v->paths, which the caller
 * set (hp_system_paths_default), and records build_type. */
void hp_validity_begin(struct hp_validity *v, const char *build_type, unsigned cpus);

/* Appends a window (grows the array; a failed allocation drops it). */
void hp_validity_add_window(struct hp_validity *v, const struct hp_validity_window *w);

/* Reads the load average again and turns everything recorded into findings (replacing any made
 * before). max_threads: the most threads any case ran, for the other-load check. */
void hp_validity_assess(struct hp_validity *v, unsigned max_threads);

/* Adds one finding (dropped past HP_VALIDITY_MAX_FINDINGS); marks the run unreliable for that
 * severity. */
void hp_validity_add(struct hp_validity *v, enum hp_finding_severity severity, const char *check,
                     unsigned first_sample, unsigned last_sample, const char *fmt, ...)
    __attribute__((format(printf, 6, 7)));

void hp_validity_free(struct hp_validity *v);

/* Whether a latency-mode case's values sit below what the timer resolves: a group's median
 * time (p50 per op x group) under the timer's resolution, or p50 under the histogram's 1 ns
 * unit. */
bool hp_latency_below_resolution(double p50_ns_per_op, unsigned group, double resolution_ns);

#endif
