/* `hotpath report RESULTS_DIR`: report.md and a self-contained report.html written beside the
 * results, with charts drawn by gnuplot (the templates in scripts/) as PNG and SVG in
 * RESULTS_DIR/charts/:
 *   1. phase_bars        ns/op per phase and workload, with confidence-interval error bars
 *   2. latency_spectrum  the latency percentile spectrum of every latency-mode variant, one
 *                        chart per workload (from the .hlog files, or the recorded percentiles)
 *   3. thread_scaling    ops/s against threads with the ideal line, one chart per workload
 *   4. allocations       allocations and bytes per op per phase and workload
 * plus phases.md (the phase and claims tables) for a `run --phases` results directory.
 * A chart the run has no data for is left out, and the report says why; no chart shows a
 * number the run did not measure. Everything is rendered from the results files. A .hlog that
 * is missing or unreadable gives a warning naming it, and its case's spectrum falls back to
 * the five percentiles results.json records.
 */
#ifndef HOTPATH_REPORT_H
#define HOTPATH_REPORT_H

#include <stddef.h>

#include "common/error.h"

enum { HP_REPORT_MAX_WARNINGS = 16 };

struct hp_report_outcome {
    size_t charts_drawn;   /* chart files written (each as .png and .svg) */
    size_t charts_omitted; /* charts left out for lack of data */
    char report_md[4096];
    char report_html[4096];
    /* What the report had to do without (an unreadable .hlog: which file, what was used
     * instead), also said in report.md where it matters. The first HP_REPORT_MAX_WARNINGS. */
    size_t warning_count;
    char warnings[HP_REPORT_MAX_WARNINGS][1400];
};

/* Writes the report. Refuses (-1, err) a directory that is not a readable results directory,
 * an entry in the way (charts not a directory, report.md, report.html or phases.md not a
 * regular file: refused before anything is drawn), a machine where gnuplot cannot be started, a
 * gnuplot that fails or runs out of time, and any write that fails (a full disk): then charts/,
 * report.md, report.html and phases.md are all as the earlier report left them (or absent),
 * and no temporary is left. */
int hp_report_write(const char *results_dir, struct hp_report_outcome *outcome,
                    struct hp_error *err);

#endif
