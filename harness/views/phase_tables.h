/* The phase table and the claims table of a `run --phases` results directory, rendered from the
 * results files (results_read.h), never from a live run.
 *
 * Phase table: one row per workload and thread count (batch cases), one column per phase in
 * plan order; each cell the median ns/op with its confidence interval, the change against the
 * previous phase and against the baseline (compare.h: a change whose ratio interval includes 1
 * reads "no significant change"), and allocs/op. External peers of the same workload (Gin,
 * httprouter: docs/external-cases.md) get a column each after the phases, and each phase cell a
 * line "vs gin": the ratio phase/Gin of the medians with its bootstrap interval.
 *
 * Claims table: each claim a phase tests (its `claims` key), the seed's claimed gain
 * (claims.h) beside the change measured between that phase and the one before it, per row of
 * the phase table, and a verdict decided by the statistics: confirmed, smaller than claimed, no
 * effect, made it worse (or "too few samples").
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
    const struct hp_claim *claims[HP_VIEW_CLAIMS_MAX];
    size_t claim_count;
};

struct hp_view_row {
    const char *workload;
    unsigned threads;
    const struct hp_result_case *cell[HP_VIEW_PHASES_MAX]; /* NULL: not measured */
    /* The external peers of the same workload and threads (gin, httprouter: results v4), by
     * the view's peer index; NULL: not measured. */
    const struct hp_result_case *peer[HP_VIEW_PEERS_MAX];
};

/* The phases and rows of a results directory. */
struct hp_phase_view {
    const char *file; /* the phase file, NULL when the results do not say */
    struct hp_view_phase phases[HP_VIEW_PHASES_MAX];
    size_t phase_count;
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

/* Appends the phase table, then the claims table (when any phase names claims), with their
 * headings and legends, to doc. */
int hp_phase_tables_doc(struct hp_doc *doc, const struct hp_results *r, struct hp_phase_view *v,
                        struct hp_error *err);
/* The same, rendered by `format` (render.h: HP_RENDER_TEXT, HP_RENDER_MD, ...) to f. */
int hp_phase_tables_write(FILE *f, const struct hp_results *r, struct hp_phase_view *v,
                          const struct hp_renderer *format, struct hp_error *err);

/* "router/github/static, 2 threads": a row's label, in the tables and the charts. */
void hp_view_row_label(const struct hp_view_row *row, char *out, size_t size);

/* The verdict on one claim given the comparison of the phase before and the phase, and the sum
 * of the ns claims the phase makes (for HP_CLAIM_NS_SAVED: low..high of the whole phase, since
 * its change is the joint effect of all of them). Exposed for tests. */
const char *hp_claim_verdict(const struct hp_claim *claim, const struct hp_case_comparison *cmp,
                             double phase_claim_low, double phase_claim_high);

/* Whether a C step's change and its Go twin's differ by more than 2x either way, or go in
 * opposite directions, when at least one is significant. Exposed for tests. */
bool hp_changes_disagree(const struct hp_case_comparison *c_step,
                         const struct hp_case_comparison *twin);

#endif
