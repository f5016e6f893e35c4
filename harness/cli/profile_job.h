/* `hotpath profile`'s work, once its command line is parsed (cmd_profile.c).
 *
 * Profiling: the cases `run` would select run under callgrind (the --instructions child, with
 * --separate-callers so every context is a whole call stack, and with cache and branch
 * simulation when asked); each case's dump is read into a profile (measure/profile.h) and the
 * results directory gets, per case, NAME.callgrind.out (the raw dump, for kcachegrind or
 * callgrind_annotate), NAME.folded (folded stacks) and NAME.svg (the flame graph), and
 * profile.json (results/profile_json.h), written last; then the function tables are printed,
 * rendered from profile.json.
 *
 * Sampling (--source sampling): the cases run in this process as `run` runs them (calibrated,
 * warm-up, --samples rounds of --target-time), sampled around run() of the measured samples
 * (measure/sampler.h); the same files but the dump, from the chains. Refused (exit 2, one
 * message, nothing written) where perf_event_open may not sample.
 *
 * Differential: two profile.json (two directories, or two phases of one), case by case: the
 * change per function (profile_view.h) printed, and with --out a diff flame graph per case.
 */
#ifndef HOTPATH_PROFILE_JOB_H
#define HOTPATH_PROFILE_JOB_H

#include <stdbool.h>
#include <stddef.h>

#include "common/error.h"
#include "run_job.h"

struct hp_profile_options {
    struct hp_run_options run; /* the selection; out_dir; instructions_ops: ops per thread */
    bool cache_sim;            /* --cache-sim: cache and branch simulation */
    bool sampling;             /* --source sampling: perf_event_open instead of callgrind */
    size_t top;                /* functions per table */
    /* --diff: OLD and NEW profile directories, or one directory and two phases. */
    const char *diff_old, *diff_new;
    const char *diff_dir, *old_phase, *new_phase;
};

/* 0 done, 2 refused input (err set, nothing written), 1 failed (err set). */
int hp_profile_job(struct hp_profile_options *o, struct hp_error *err);
int hp_profile_diff_job(const struct hp_profile_options *o, struct hp_error *err);

#endif
