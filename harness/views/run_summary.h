/* What `hotpath run` prints when it ends, rendered from the results files it just wrote (as every
 * other view is): a table of every case (median ns/op with its interval, allocations and bytes
 * per op, latency percentiles, the workload's own figures), the harness overhead, where the
 * results are; for a `run --phases`, the phase and claims tables after it. */
#ifndef HOTPATH_RUN_SUMMARY_H
#define HOTPATH_RUN_SUMMARY_H

#include <stdio.h>

#include "common/error.h"
#include "doc.h"
#include "results_read.h"

/* Appends the run's validity (results v6: validity.h): reliable or UNRELIABLE, and every
 * finding, one per line; older files say it was not recorded. */
void hp_validity_doc(struct hp_doc *doc, const struct hp_results *r);

/* Appends, when r has cold cases (results v6: cold.h), a table of each beside its warm twin:
 * both medians with their intervals, the ratio cold / warm with its bootstrap interval, and the
 * cold working set. */
void hp_cache_table_doc(struct hp_doc *doc, const struct hp_results *r);

/* Appends the summary of r to doc. */
void hp_run_summary_doc(struct hp_doc *doc, const struct hp_results *r);

/* Reads the results directory `dir` and prints its summary (and its phase tables, when the run
 * had phases) as text to f. 0, or -1 with err set. */
int hp_run_summary_print(FILE *f, const char *dir, struct hp_error *err);

#endif
