/* The regression gate: decides, case by case, whether CURRENT is worse than BASELINE, so that a
 * CI job can refuse a slower or more allocating change without crying wolf on noise.
 *
 * Time: a case regressed when compare.h calls it "slower" (the two-sided rank test rejects at
 * 1 - level AND the bootstrap interval of the ratio new/old of the medians excludes 1) and the
 * slowdown is larger than the threshold (5% by default, per case in the config): the ratio of
 * medians above 1 + threshold (time_rule = point, the default), or the whole interval above it
 * (time_rule = bound, stricter). For two runs of the same code the rank test says "slower" at
 * most (1 - level) / 2 of the time, and the threshold cuts that further; on a shared machine the
 * real source of false alarms is load landing on one side, which scripts/gate-interleaved.sh
 * answers with a confirmation. One-thread cases are compared in CPU time (enum hp_gate_clock).
 * docs/ci.md gives the measured false-alarm and detection rates. Time is not gated when the two
 * runs come from different machines (fingerprints differ), when a side's run marked itself
 * unreliable (its validity checks: steal, drift, a Debug build; validity.h) or a side has too
 * few samples.
 *
 * Machine drift (compare.h): when the overhead probe and the floors moved together beyond the
 * threshold, a case slower by no more than they are is "drifted", not REGRESSED, and a verdict
 * with drifted cases and no regression is inconclusive (exit status 3), for the caller to run
 * again (scripts/gate-interleaved.sh does). Deterministic metrics are gated whatever the drift.
 *
 * Deterministic metrics, no statistics: allocations per op and bytes per op may not grow beyond
 * their budget (0 by default), instructions per op (when both runs measured them with the same
 * source) may not grow by more than 1%. Allocations per op below HP_GATE_ALLOC_RESOLUTION are
 * amortized growth whose per-op figure depends on how many ops a run measured, so changes below
 * it are not regressions.
 *
 * Config (INI, read with inih; docs/ci.md):
 *
 *     [gate]                      ; defaults for every case
 *     threshold = 5%              ; time slowdown tolerated (also "0.05")
 *     level = 0.95                ; coverage of the ratio interval
 *     allocs_budget = 0           ; allocs/op growth tolerated
 *     bytes_budget = 0            ; B/op growth tolerated
 *     instructions_tolerance = 1% ; instructions/op growth tolerated
 *     fail_on_missing = no        ; a baseline case absent from CURRENT fails the gate
 *     clock = auto                ; auto, wall or cpu (enum hp_gate_clock)
 *     time_rule = point           ; point or bound (enum hp_gate_time_rule)
 *
 *     [case router/github/ *]     ; fnmatch pattern (no space) over case names
 *     threshold = 10%
 *     ignore = yes                ; listed, never gated
 */
#ifndef HOTPATH_GATE_H
#define HOTPATH_GATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "common/error.h"
#include "compare.h"
#include "doc.h"
#include "render.h"
#include "results_read.h"

#define HP_GATE_DEFAULT_THRESHOLD              0.05
#define HP_GATE_DEFAULT_INSTRUCTIONS_TOLERANCE 0.01
#define HP_GATE_ALLOC_RESOLUTION               0.01 /* allocs/op */
#define HP_GATE_BYTES_RESOLUTION               1.0  /* B/op */

/* The limits applied to one case. */
struct hp_gate_limits {
    double threshold;              /* time: tolerated slowdown, fraction */
    double allocs_budget;          /* allocs/op growth tolerated */
    double bytes_budget;           /* B/op growth tolerated */
    double instructions_tolerance; /* instructions/op growth tolerated, fraction */
    bool ignore;
};

enum { HP_GATE_MAX_RULES = 64 };

/* How large a significant slowdown must be to fail the gate. */
enum hp_gate_time_rule {
    HP_GATE_RULE_POINT, /* the ratio of medians beyond 1 + threshold (default) */
    HP_GATE_RULE_BOUND, /* the whole ratio interval beyond 1 + threshold */
};

/* Which samples the time rule compares. */
enum hp_gate_clock {
    /* CPU time (cpu_ns_per_op) for one-thread cases when both runs recorded it, wall time
     * otherwise: CPU time leaves out the time a thread waited for a CPU, so another tenant on a
     * shared machine barely moves it, but it also leaves out blocking, which matters only when
     * threads wait for each other. */
    HP_GATE_CLOCK_AUTO,
    HP_GATE_CLOCK_WALL, /* ns_per_op always */
    HP_GATE_CLOCK_CPU,  /* cpu_ns_per_op whenever both runs recorded it, any thread count */
};

struct hp_gate_config {
    struct hp_gate_limits defaults;
    double level;
    bool fail_on_missing;
    bool deterministic_only; /* gate allocations, bytes and instructions only (--deterministic) */
    enum hp_gate_clock clock;
    enum hp_gate_time_rule time_rule;
    size_t rule_count;
    struct {
        char pattern[256];
        /* Which keys the section set; the others come from the defaults (or earlier rules). */
        bool has_threshold, has_allocs_budget, has_bytes_budget, has_instructions_tolerance,
            has_ignore;
        struct hp_gate_limits limits;
    } rules[HP_GATE_MAX_RULES];
};

void hp_gate_config_defaults(struct hp_gate_config *c);

/* "auto", "wall", "cpu". Returns 0, or -1 for anything else. */
int hp_gate_clock_parse(const char *text, enum hp_gate_clock *out);

/* Reads an INI config into *c (which should hold the defaults). Refuses unknown sections and
 * keys, bad values and syntax errors with "FILE:LINE: problem". */
int hp_gate_config_read(const char *path, struct hp_gate_config *c, struct hp_error *err);

/* The limits for one case name: the defaults, overridden by every matching [case] section in
 * file order. */
struct hp_gate_limits hp_gate_limits_for(const struct hp_gate_config *c, const char *case_name);

enum hp_gate_status {
    HP_GATE_UNCHANGED,
    HP_GATE_IMPROVED,
    HP_GATE_REGRESSED,
    HP_GATE_NEW,     /* only in CURRENT: listed, not gated */
    HP_GATE_MISSING, /* only in BASELINE: fails only with fail_on_missing */
    HP_GATE_IGNORED, /* the config says so */
    /* Slower by no more than the machine drifted (compare.h, hp_machine_drift): not blamed on
     * the code; the verdict is inconclusive unless another case regressed. */
    HP_GATE_DRIFTED,
};

/* "unchanged", "improved", "REGRESSED", "new", "missing", "ignored", "drifted". */
const char *hp_gate_status_name(enum hp_gate_status s);

/* What happened to one metric of one case. */
enum hp_gate_metric_state {
    HP_METRIC_NOT_GATED, /* not measured on both sides, or not comparable */
    HP_METRIC_OK,
    HP_METRIC_IMPROVED,
    HP_METRIC_REGRESSED,
    HP_METRIC_DRIFTED, /* time: slower, but by no more than the machine drifted */
};

struct hp_gate_row {
    const char *name;
    const struct hp_result_case *old, *new_; /* NULL on the side the case is missing from */
    struct hp_gate_limits limits;
    enum hp_gate_status status;

    enum hp_gate_metric_state time, allocs, bytes, instructions;
    bool has_comparison;
    bool cpu_clock; /* cmp compares CPU-time samples (else wall time) */
    struct hp_case_comparison cmp;
    double old_instructions, new_instructions; /* NAN when not compared */
    char why[512]; /* the reasons, e.g. "time x1.12 [1.08, 1.15] > 1.05; allocs/op 0 -> 1" */
};

struct hp_gate_result {
    const struct hp_results *baseline, *current;
    bool time_gated; /* false across machines, or when a side is unreliable */
    bool unreliable; /* a side's run marked itself unreliable (results v6: validity.h) */
    double level;    /* of the ratio intervals */
    bool failed;     /* any REGRESSED (or MISSING with fail_on_missing) */
    /* Not failed, but a case was slower only as much as the machine drifted: the gate cannot
     * tell (exit status 3: run again). */
    bool inconclusive;
    struct hp_machine_drift drift; /* the overhead probe and the floors, old against new */
    size_t regressed, improved, unchanged, added, missing, ignored, drifted;
    size_t compared;     /* cases in both runs, the overhead probe's not counted; never 0 */
    char notes[4][1024]; /* run-level remarks ("different machines: ...") */
    size_t note_count;
    size_t row_count;
    struct hp_gate_row *rows; /* baseline's cases in order, then the new ones */
};

/* Gates `current` against `baseline`. Refuses (-1, err) incompatible runs: different build
 * types, an interrupted run, no case in common besides the overhead probe (every run has it).
 * The result points into both results. */
int hp_gate_evaluate(const struct hp_results *baseline, const struct hp_results *current,
                     const struct hp_gate_config *config, struct hp_gate_result *out,
                     struct hp_error *err);

void hp_gate_result_free(struct hp_gate_result *r);

/* The verdict as a document: the sides, the notes, a row per case, the counts. */
void hp_gate_doc(struct hp_doc *doc, const struct hp_gate_result *r);

/* Writes the verdict as JSON (format "hotpath-gate", version 1; docs/ci.md). */
int hp_gate_write_json(const char *path, const struct hp_gate_result *r, struct hp_error *err);

/* `hotpath gate BASELINE CURRENT`: what the command asked for. */
struct hp_gate_request {
    const char *baseline, *current; /* results (merged lists: results_merge.h) */
    const char *config_path;        /* INI, or NULL */
    const char *json_path;          /* the verdict as JSON, or NULL */
    const struct hp_renderer *format;
    bool deterministic; /* --deterministic */
    bool clock_set;     /* --clock given: it wins over the config's */
    enum hp_gate_clock clock;
};

/* Reads the config and both sides, gates, writes the JSON verdict and prints the document to
 * f. 0 when no case regressed, 1 when one did, 3 when the only slower cases moved with the
 * machine (inconclusive: the machine drifted), -1 with err set on bad input (nothing printed). */
int hp_gate_view(const struct hp_gate_request *req, FILE *f, struct hp_error *err);

#endif
