#include "compare_chart.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

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

static const char *const chart_extensions[] = {"dat", "png", "svg"};

/* PREFIX.dat, .png and .svg may each be replaced: missing, or a regular file. */
static int check_destinations(const char *prefix, struct hp_error *err)
{
    for (size_t i = 0; i < 3; i++) {
        char path[4200];
        snprintf(path, sizeof path, "%s.%s", prefix, chart_extensions[i]);
        struct stat st;
        if (stat(path, &st) != 0) {
            if (errno == ENOENT)
                continue;
            return hp_error_set(err, "%s: %s", path, strerror(errno));
        }
        if (S_ISDIR(st.st_mode))
            return hp_error_set(err, "%s: is a directory", path);
        if (!S_ISREG(st.st_mode))
            return hp_error_set(err, "%s: not a regular file", path);
    }
    return 0;
}

/* The plotted numbers into path; how many rows were plotted in *plotted. Only what was
 * measured on both sides, with an interval: a chart never shows a number the runs did not
 * produce. */
static int write_data(const struct hp_compare_rows *rows, const char *path, size_t *plotted,
                      struct hp_error *err)
{
    FILE *f = fopen(path, "w");
    if (!f)
        return hp_error_set(err, "%s: cannot write: %s", path, strerror(errno));
    *plotted = 0;
    for (size_t i = 0; i < rows->count; i++) {
        const struct hp_compare_row *row = &rows->rows[i];
        if (!row->compared || isnan(row->cmp.ratio_low) || isnan(row->cmp.ratio_high))
            continue;
        fprintf(f, "%zu\t%s\t%.6f\t%.6f\t%.6f\t%ld\n", *plotted, row->label,
                100 * (row->cmp.ratio - 1), 100 * (row->cmp.ratio_low - 1),
                100 * (row->cmp.ratio_high - 1), bar_colour(row->cmp.change));
        (*plotted)++;
    }
    if (hp_file_close(f, path, err) != 0)
        return -1;
    if (*plotted == 0)
        return hp_error_set(err, "--chart: no case was compared on both sides with enough samples "
                                 "for an interval: nothing to plot");
    return 0;
}

/* The data and the chart drawn as `out` (.dat, .png, .svg). */
static int draw(const struct hp_compare_rows *rows, const char *out, struct hp_error *err)
{
    char data_path[4300];
    snprintf(data_path, sizeof data_path, "%s.dat", out);
    size_t plotted;
    if (write_data(rows, data_path, &plotted, err) != 0)
        return -1;
    char script[4096], rows_text[32], height[32], footnote[512], title[1200];
    hp_gnuplot_script_path("compare_change.gp", script, sizeof script);
    snprintf(rows_text, sizeof rows_text, "%zu", plotted);
    snprintf(height, sizeof height, "%zu", 160 + 26 * plotted);
    snprintf(footnote, sizeof footnote, "old: %.150s; new: %.150s; measured on %.100s, %.40s",
             rows->old_short, rows->new_short, rows->machine, rows->date);
    snprintf(title, sizeof title,
             "hotpath compare: change of median ns/op per case, new vs old (%zu cases)", plotted);
    const struct hp_gnuplot_var vars[] = {
        {"data", data_path},    {"out", out},        {"chart_title", title},
        {"footnote", footnote}, {"rows", rows_text}, {"height", height},
    };
    return hp_gnuplot_run(script, vars, sizeof vars / sizeof vars[0], NULL, err);
}

/* Moves the three files drawn as `out` to PREFIX.*; -1 with err when one cannot be moved. */
static int install(const char *out, const char *prefix, struct hp_error *err)
{
    for (size_t i = 0; i < 3; i++) {
        char from[4300], to[4300];
        snprintf(from, sizeof from, "%s.%s", out, chart_extensions[i]);
        snprintf(to, sizeof to, "%s.%s", prefix, chart_extensions[i]);
        if (rename(from, to) != 0)
            return hp_error_set(err, "cannot move %s to %s: %s", from, to, strerror(errno));
    }
    return 0;
}

int hp_compare_chart_write(const struct hp_compare_rows *rows, const char *prefix,
                           struct hp_error *err)
{
    if (check_destinations(prefix, err) != 0 || hp_gnuplot_check(err) != 0)
        return -1;
    /* Drawn in a directory of its own beside PREFIX, then moved into place: a failure leaves
     * the earlier PREFIX.* as they were and no part of new ones. */
    const char *slash = strrchr(prefix, '/');
    const char *base = slash ? slash + 1 : prefix;
    char tmp_dir[4096], out[4200];
    snprintf(tmp_dir, sizeof tmp_dir, "%.*s.%s.XXXXXX", slash ? (int)(base - prefix) : 0, prefix,
             base);
    if (!mkdtemp(tmp_dir))
        return hp_error_set(err, "%s.png: cannot write: %s", prefix, strerror(errno));
    snprintf(out, sizeof out, "%s/%s", tmp_dir, base);
    int rc = draw(rows, out, err) == 0 && install(out, prefix, err) == 0 ? 0 : -1;
    for (size_t i = 0; i < 3; i++) { /* what was not moved */
        char path[4300];
        snprintf(path, sizeof path, "%s.%s", out, chart_extensions[i]);
        unlink(path);
    }
    rmdir(tmp_dir);
    return rc;
}
