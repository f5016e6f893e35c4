/* `hotpath run`'s work, once its command line is parsed (cmd_run.c): choose the cases, reserve
 * the results directory, measure, count instructions when asked, write the results and print
 * their summary (rendered from the files just written). */
#ifndef HOTPATH_RUN_JOB_H
#define HOTPATH_RUN_JOB_H

#include <stdbool.h>
#include <stdint.h>

#include "common/error.h"
#include "runner.h"
#include "selection.h"

struct hp_run_options {
    struct hp_selection sel;     /* workloads, implementations, threads, modes */
    struct hp_run_config config; /* samples, target time, warm-up, timer, seed, ... */
    unsigned given;              /* HP_GIVEN_* (phase_cases.h): set on the command line */
    const char *axis_flag;       /* the last --AXIS given, or NULL (refused with --phases) */
    const char *out_dir;         /* NULL: results/DATE-TIME-MS */
    const char *phases_file;     /* a path or a shipped plan's name, or NULL */
    const char *external_file;   /* --external: sources of external cases, or NULL */
    bool count_instructions;
    uint64_t instructions_ops;
    const char *callgrind_child; /* the hidden --callgrind-child DIR (instructions.h) */
    /* The command line, recorded in the results, and the arguments as given, for the callgrind
     * child (getopt permutes argv and lists are split in place). */
    const char *command;
    int argc;
    char **argv;
};

enum hp_run_outcome {
    HP_RUN_DONE,
    HP_RUN_INTERRUPTED, /* Ctrl-C: the partial results were written */
    HP_RUN_REFUSED,     /* bad input or a case refused at setup (err set): nothing measured */
    HP_RUN_FAILED,      /* measured, but the results or the instruction counts failed (err) */
};

/* The cases o selects (the phase plan read, the main job when no workload is named), in
 * run->cases, without setting them up. 0, or -1 with err set (bad input). */
int hp_run_job_cases(struct hp_run_options *o, struct hp_run *run, struct hp_error *err);

enum hp_run_outcome hp_run_job(struct hp_run_options *o, struct hp_error *err);

#endif
