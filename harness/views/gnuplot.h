/* Running gnuplot as a child process, for the charts of `hotpath report` and `hotpath compare`.
 *
 * The charts are gnuplot scripts in scripts/ (one .gp file per chart, installed in DATA/gnuplot/);
 * the C side writes the data files and passes their names and the labels as gnuplot string
 * variables (`-e "name='value'"`), so a script can also be run by hand:
 *     gnuplot -e "data='x.dat'; out='x'" scripts/phase_bars.gp
 *
 * The program run is $HOTPATH_GNUPLOT when set and non-empty (tests point it at a missing
 * program to check the refusal, or at one that hangs), else `gnuplot` from PATH. Every gnuplot
 * run has a time limit: $HOTPATH_GNUPLOT_TIMEOUT, default 60s.
 */
#ifndef HOTPATH_GNUPLOT_H
#define HOTPATH_GNUPLOT_H

#include <stddef.h>
#include <sys/types.h>

#include "common/error.h"

/* The program that will be run: $HOTPATH_GNUPLOT or "gnuplot". */
const char *hp_gnuplot_program(void);

/* Checks that the program can be started (runs it with --version, within the time limit),
 * that $HOTPATH_GNUPLOT_TIMEOUT, when set, is a duration, and that the chart templates are there
 * (DATA/gnuplot/, data_dir.h). Returns 0, or -1 with a message naming the program and how to
 * install it, the bad limit, or where the templates were looked for. */
int hp_gnuplot_check(struct hp_error *err);

/* The path of a chart template: DATA/gnuplot/name (data_dir.h). */
void hp_gnuplot_script_path(const char *name, char *out, size_t size);

struct hp_gnuplot_var {
    const char *name;  /* a gnuplot identifier */
    const char *value; /* passed as a single-quoted gnuplot string */
};

/* Runs `program -e "name='value'; ..." script` in directory `workdir` (NULL: the current one),
 * waits for it and returns 0 when it exited 0 and, when a variable "out" is given, left both
 * out.png and out.svg complete (a full disk leaves them empty while gnuplot exits 0).
 * Otherwise -1 with err naming the script and quoting the last lines gnuplot printed, or naming
 * the missing or incomplete file. A gnuplot still running after HOTPATH_GNUPLOT_TIMEOUT (a
 * duration such as 30s; default 60s) is killed and named. */
int hp_gnuplot_run(const char *script, const struct hp_gnuplot_var *vars, size_t var_count,
                   const char *workdir, struct hp_error *err);

/* The same, in two steps, so that several charts can be drawn at once: start returns as soon
 * as gnuplot is running (or -1 with err when it cannot be started); finish waits for it and
 * gives run's result. Every started job must be finished. */
struct hp_gnuplot_job {
    pid_t pid;
    int output_fd; /* gnuplot's stdout and stderr */
    char script[512];
    char out[4096];             /* the "out" variable: the chart drawn, as out.png and out.svg */
    double timeout_s, deadline; /* deadline: CLOCK_MONOTONIC seconds */
};
int hp_gnuplot_start(const char *script, const struct hp_gnuplot_var *vars, size_t var_count,
                     const char *workdir, struct hp_gnuplot_job *job, struct hp_error *err);
int hp_gnuplot_finish(struct hp_gnuplot_job *job, struct hp_error *err);

#endif
