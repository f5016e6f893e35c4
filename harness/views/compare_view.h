/* `hotpath compare`: two runs (or two phases of one run) case by case, in the spirit of
 * benchstat: per case the two medians, the ratio new/old with its bootstrap interval, the
 * Mann-Whitney p-value, the verdict of compare.h, allocations and bytes per op on both sides.
 * Cases present on one side only are listed, never dropped. Rendered in any format (render.h);
 * with a chart prefix, also the change chart (compare_chart.h), drawn before anything is
 * printed so that a missing gnuplot refuses with nothing on stdout. */
#ifndef HOTPATH_COMPARE_VIEW_H
#define HOTPATH_COMPARE_VIEW_H

#include <stdio.h>

#include "common/error.h"
#include "render.h"

struct hp_compare_request {
    const char *old, *new_;            /* results (merged lists: results_merge.h) */
    const char *results;               /* with phases: the one run whose phases are compared */
    const char *old_phase, *new_phase; /* NULL: compare two runs */
    const struct hp_renderer *format;
    const char *chart; /* PREFIX of PREFIX.png and PREFIX.svg, or NULL */
};

/* Reads, matches, compares and prints to f. 0, or -1 with err set (unreadable results, nothing
 * in common, a chart that cannot be drawn). */
int hp_compare_view(const struct hp_compare_request *req, FILE *f, struct hp_error *err);

#endif
