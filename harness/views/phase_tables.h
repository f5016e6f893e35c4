/* The tables of a `run --phases` results directory, rendered from the results files
 * (results_read.h), never from a live run.
 *
 * Headline table: the seed's benchmarks (static, dynamic, concurrent: the workloads that say
 * which they mirror) per group of steps (a phase of the seed), each from the group's last step,
 * and with Gin measured beside them (an external peer) a Gin column and each step's ratio to it.
 *
 * Phase table: one row per workload and thread count the plan measures on every step (batch
 * cases), one column per step in plan order that measured them (not a measuring step, which
 * changes no axis and is its base's composition, nor a side step of a grouped plan); each cell the
 * median ns/op with its confidence interval, the change against the step's base and against the
 * first phase (compare.h: a change whose ratio interval includes 1 reads "no significant change"),
 * and allocs/op. External peers of the same workload (Gin, httprouter: docs/external-cases.md)
 * get a column each after the steps, and each step cell a line "vs gin": the ratio step/Gin of
 * the medians with its bootstrap interval.
 *
 * Claims table: one row per claim (per tier), workload and thread count its judgments
 * (claims.h) select, each from the step that names the claim: a change claim's measured
 * change against the step's base, a target claim's level on the step, and the verdict
 * (hp_judge). No row repeats another's measurement. When the run has Go twins (results v4),
 * each row also shows the twin's change and whether it differs from the C step's by over 2x.
 *
 * Fidelity: per step, what the implementations on each side model and whether the measured
 * gain is a lower bound, an upper bound or like-for-like for the systems they model, from the
 * implementations' own declarations (registry.h, hp_impl_info).
 */
#ifndef HOTPATH_PHASE_TABLES_H
#define HOTPATH_PHASE_TABLES_H

#include <stdbool.h>
#include <stdio.h>

#include "claims.h"
#include "compare.h"
#include "doc.h"
#include "render.h"
#include "results_read.h"

enum { HP_VIEW_PHASES_MAX = 32, HP_VIEW_CLAIMS_MAX = 16, HP_VIEW_PEERS_MAX = 8 };

struct hp_view_comparison; /* phase_tables.c */

struct hp_view_phase {
    const char *name;
    const char *summary; /* "" when none */
    const char *group;   /* "" when none */
    int base;            /* index of its base in phases, -1 for a root */
    const struct hp_claim *claims[HP_VIEW_CLAIMS_MAX];
    size_t claim_count;
    /* The implementation name per axis, as recorded; NULL where none. */
    const char *impl[HP_AXIS_COUNT];
    bool measuring; /* a step with a base that changes no axis */
};

struct hp_view_row {
    const char *workload;
    unsigned threads;
    const struct hp_result_case *cell[HP_VIEW_PHASES_MAX];    /* batch; NULL: not measured */
    const struct hp_result_case *latency[HP_VIEW_PHASES_MAX]; /* latency mode, or NULL */
    bool plan; /* measured on the first phase: a row of the phase table */
    /* The external peers of the same workload and threads (gin, httprouter: results v4), by
     * the view's peer index; NULL: not measured. */
    const struct hp_result_case *peer[HP_VIEW_PEERS_MAX];
};

/* The phases and rows of a results directory. */
struct hp_phase_view {
    const char *file; /* the phase file, NULL when the results do not say */
    struct hp_view_phase phases[HP_VIEW_PHASES_MAX];
    size_t phase_count;
    /* The phase table's columns: indices into phases, in plan order (the steps that measured
     * the plan's workloads). */
    size_t columns[HP_VIEW_PHASES_MAX];
    size_t column_count;
    /* Every (workload, threads) measured; the phase table's rows are those with `plan`. */
    struct hp_view_row *rows;
    size_t row_count;
    /* The peers with a cell in some row, in order of appearance; the "vs" line of the phase
     * table compares with HP_VIEW_REFERENCE_PEER when present. */
    const char *peers[HP_VIEW_PEERS_MAX];
    size_t peer_count;
    /* Comparisons already made (a bootstrap is not free; the tables ask for many twice). */
    struct hp_view_comparison *memo;
    size_t memo_count, memo_capacity;
};

#define HP_VIEW_REFERENCE_PEER "gin"

/* Builds the view. Phases in the order the results record (their `phases` block), else in the
 * order the cases name them. Refuses (-1, err) results without any phase case. */
int hp_phase_view_build(const struct hp_results *r, struct hp_phase_view *v, struct hp_error *err);
void hp_phase_view_free(struct hp_phase_view *v);

/* The case of `row` for phase p: its own, or for a measuring step its base's. */
const struct hp_result_case *hp_view_cell(const struct hp_phase_view *v,
                                          const struct hp_view_row *row, size_t p);

/* Appends the headline table, the phase table, the claims table (when any phase names claims)
 * and the fidelity section, with their headings and legends, to doc. */
int hp_phase_tables_doc(struct hp_doc *doc, const struct hp_results *r, struct hp_phase_view *v,
                        struct hp_error *err);
/* The same, rendered by `format` (render.h: HP_RENDER_TEXT, HP_RENDER_MD, ...) to f. */
int hp_phase_tables_write(FILE *f, const struct hp_results *r, struct hp_phase_view *v,
                          const struct hp_renderer *format, struct hp_error *err);

/* "router/github/static, 2 threads": a row's label, in the tables and the charts. */
void hp_view_row_label(const struct hp_view_row *row, char *out, size_t size);

/* Whether a C step's change and its Go twin's differ by more than 2x either way, or go in
 * opposite directions, when at least one is significant. Exposed for tests. */
bool hp_changes_disagree(const struct hp_case_comparison *c_step,
                         const struct hp_case_comparison *twin);

#endif
