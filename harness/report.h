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
 * number the run did not measure. Everything is rendered from the results files.
 */
#ifndef HOTPATH_REPORT_H
#define HOTPATH_REPORT_H

#include <stddef.h>

#include "error.h"

struct hp_report_outcome {
    size_t charts_drawn;   /* chart files written (each as .png and .svg) */
    size_t charts_omitted; /* chart kinds left out for lack of data */
    char report_md[4096];
    char report_html[4096];
};

/* Writes the report. Refuses (-1, err, nothing written) a directory that is not a readable
 * results directory, and a machine where gnuplot cannot be started. */
int hp_report_write(const char *results_dir, struct hp_report_outcome *outcome,
                    struct hp_error *err);

#endif
