/* Pooling several runs of one build into one set of samples: `scripts/ci-compare.sh` alternates
 * short runs of two builds (A B A B ...) so that drift on a shared machine lands on both alike,
 * and the gate then compares all of A's samples with all of B's. Pooling across processes also
 * puts the process-to-process variation (memory layout, ASLR) into the samples, where the
 * interval of the ratio sees it, instead of into an unexplained offset between two runs.
 */
#ifndef HOTPATH_RESULTS_MERGE_H
#define HOTPATH_RESULTS_MERGE_H

#include "common/error.h"
#include "results_read.h"

/* Reads `list`: one results directory (or results.json), or several separated by commas. Runs
 * that marked themselves unreliable (results v6: validity) are left out of the pool while at
 * least one reliable run remains (out->pooled_left_out counts them). With
 * several, every run must hold the same case names and build type; each case's samples are
 * concatenated in list order, its summary recomputed, its allocation and byte counts per op
 * averaged over all measured ops, and its instruction count taken from the first run that has
 * one. out->path becomes the list. A run without cases is refused: there is nothing to compare
 * (hp_results_need_cases). Returns 0, or -1 with err set (out left safe to free). */
int hp_results_read_merged(const char *list, struct hp_results *out, struct hp_error *err);

/* Appends the samples of `more` to the matching cases of `into` (see above). */
int hp_results_merge(struct hp_results *into, const struct hp_results *more, struct hp_error *err);

#endif
