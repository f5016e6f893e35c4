/* The rows of a comparison (`hotpath compare`) and its change chart: one bar per case, the
 * ratio new/old as a percentage change with its interval, regressions (a "slower" verdict) in
 * red, improvements in green, no significant change in grey. */
#ifndef HOTPATH_COMPARE_CHART_H
#define HOTPATH_COMPARE_CHART_H

#include <stdbool.h>
#include <stddef.h>

#include "compare.h"
#include "common/error.h"
#include "results_read.h"

struct hp_compare_row {
    char *label;
    const struct hp_result_case *old, *new_; /* NULL on the side the case is missing from */
    bool compared;                           /* both sides present: cmp is filled */
    struct hp_case_comparison cmp;
};

struct hp_compare_rows {
    struct hp_compare_row *rows;
    size_t count;
    char old_label[512], new_label[512];
    char old_short[200], new_short[200]; /* run directory and commit, for the chart */
    char machine[300];                   /* for the chart's footnote */
    char date[64];
};

void hp_compare_rows_free(struct hp_compare_rows *rows);

/* Writes PREFIX.png and PREFIX.svg (and PREFIX.dat, the plotted numbers) with gnuplot. Cases
 * compared on both sides only. The three are drawn in a temporary directory beside PREFIX and
 * moved into place once complete. Returns 0, or -1 with err set and the earlier PREFIX.* as
 * they were (one of them a directory or not a regular file, refused before gnuplot runs;
 * gnuplot missing or failing, no case to plot, a file that cannot be written). */
int hp_compare_chart_write(const struct hp_compare_rows *rows, const char *prefix,
                           struct hp_error *err);

#endif
