#include "compare_chart.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "files.h"
#include "gnuplot.h"

void hp_compare_rows_free(struct hp_compare_rows *rows)
{
    for (size_t i = 0; i < rows->count; i++)
        free(rows->rows[i].label);
    free(rows->rows);
    rows->rows = NULL;
    rows->count = 0;
}

static long bar_colour(enum hp_change change)
{
    switch (change) {
    case HP_CHANGE_SLOWER:
        return 0xd62728; /* red: a regression */
    case HP_CHANGE_FASTER:
        return 0x2ca02c;
    default:
        return 0x9e9e9e;
    }
}

int hp_compare_chart_write(const struct hp_compare_rows *rows, const char *prefix,
                           struct hp_error *err)
{
    if (hp_gnuplot_check(err) != 0)
        return -1;
    char data_path[4096];
    snprintf(data_path, sizeof data_path, "%s.dat", prefix);
    FILE *f = fopen(data_path, "w");
    if (!f)
        return hp_error_set(err, "%s: cannot write: %s", data_path, strerror(errno));
    /* Only what was measured on both sides, with an interval: a chart never shows a number the
     * runs did not produce. */
    size_t plotted = 0;
    for (size_t i = 0; i < rows->count; i++) {
        const struct hp_compare_row *row = &rows->rows[i];
        if (!row->compared || isnan(row->cmp.ratio_low) || isnan(row->cmp.ratio_high))
            continue;
        fprintf(f, "%zu\t%s\t%.6f\t%.6f\t%.6f\t%ld\n", plotted, row->label,
                100 * (row->cmp.ratio - 1), 100 * (row->cmp.ratio_low - 1),
                100 * (row->cmp.ratio_high - 1), bar_colour(row->cmp.change));
        plotted++;
    }
    if (hp_file_close(f, data_path, err) != 0) {
        remove(data_path);
        return -1;
    }
    if (plotted == 0) {
        remove(data_path);
        return hp_error_set(err, "--chart: no case was compared on both sides with enough samples "
                                 "for an interval: nothing to plot");
    }

    char script[4096], rows_text[32], height[32], footnote[512], title[1200];
    hp_gnuplot_script_path("compare_change.gp", script, sizeof script);
    snprintf(rows_text, sizeof rows_text, "%zu", plotted);
    snprintf(height, sizeof height, "%zu", 160 + 26 * plotted);
    snprintf(footnote, sizeof footnote, "old: %.150s; new: %.150s; measured on %.100s, %.40s",
             rows->old_short, rows->new_short, rows->machine, rows->date);
    snprintf(title, sizeof title,
             "hotpath compare: change of median ns/op per case, new vs old (%zu cases)", plotted);
    const struct hp_gnuplot_var vars[] = {
        {"data", data_path},    {"out", prefix},     {"chart_title", title},
        {"footnote", footnote}, {"rows", rows_text}, {"height", height},
    };
    if (hp_gnuplot_run(script, vars, sizeof vars / sizeof vars[0], NULL, err) == 0)
        return 0;
    /* No chart rather than part of one. */
    static const char *const extensions[] = {"dat", "png", "svg"};
    for (size_t i = 0; i < 3; i++) {
        char path[4200];
        snprintf(path, sizeof path, "%s.%s", prefix, extensions[i]);
        remove(path);
    }
    return -1;
}
