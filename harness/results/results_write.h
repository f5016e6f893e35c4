/* The results directory of one run: the data every table, chart, comparison and gate is
 * rendered from. See docs/results-format.md for the files and the JSON schema.
 *
 * Written safely: DIR.partial/ is created before anything is measured, the run writes into it,
 * every file through a temporary name and a rename, and only a complete run renames
 * DIR.partial/ to DIR/. An interrupted run (Ctrl-C) leaves DIR.partial/ with complete files
 * whose results.json says "complete": false; a run that fails (a case refused, a full disk)
 * removes it. No file is ever left half-written under its final name.
 */
#ifndef HOTPATH_RESULTS_H
#define HOTPATH_RESULTS_H

#include <jansson.h>
#include <time.h>

#include "common/error.h"
#include "phases.h"
#include "runner.h"

#define HP_RESULTS_FORMAT  "hotpath-results"
/* Every change to results.json bumps it; readers accept every earlier version
 * (docs/results-format.md lists what each added). */
#define HP_RESULTS_VERSION 8

struct hp_machine {
    char cpu_model[256];
    unsigned cpus_online;
    char kernel[256];
    char hostname[256];
    unsigned long long memory_bytes;
    char fingerprint[17]; /* hex of a hash over the fields above */
};

void hp_machine_describe(struct hp_machine *m);

/* The default directory name for a run started at `when` (local time, to the millisecond):
 * results/YYYYmmdd-HHMMSS-mmm, or with -01, -02, ... appended while a directory of that name
 * (or its .partial) exists already, so that two runs started in the same second, even the same
 * millisecond, get two names, and the names sort by start time. hp_results_default_dir: the
 * same, now. (Two processes choosing in the same millisecond may pick one name: DIR.partial is
 * created exclusively by hp_results_dir_reserve, and `run` chooses again when it fails.) */
void hp_results_dir_name_at(const struct timespec *when, char *out, size_t size);
void hp_results_default_dir(char *out, size_t size);

enum { HP_RESULTS_PATH_MAX = 4096 };

/* The output directory of a run, reserved before anything is measured, so that a bad --out
 * costs nothing: a bad name, an existing DIR or DIR.partial, a parent that is not a directory
 * or cannot be created, DIR.partial itself not creatable (a read-only or virtual file system). */
struct hp_results_dir {
    char path[HP_RESULTS_PATH_MAX];    /* DIR, trailing slashes removed */
    char partial[HP_RESULTS_PATH_MAX]; /* DIR.partial; empty once released */
    size_t kept_prefix; /* path[0..kept_prefix) existed before; deeper parents were created */
};

/* Checks the name and creates the missing parents and DIR.partial (empty). Returns 0, or -1
 * with err set ("--out DIR: problem") and nothing created. */
int hp_results_dir_reserve(struct hp_results_dir *d, const char *dir, struct hp_error *err);

/* Removes DIR.partial with everything in it and the parents reserve created: for a run that
 * ends without results (a case refused at setup, a failure before writing). */
void hp_results_dir_release(struct hp_results_dir *d);

/* The file name of a case's file in a results directory: the case name with '/' as '_' and '='
 * as '-', then suffix (".hlog", ".folded", ...). */
void hp_results_case_file_name(const char *case_name, const char *suffix, char *out, size_t size);

/* The "machine" and "build" objects every results file records (docs/results-format.md). */
json_t *hp_results_machine_json(void);
json_t *hp_results_build_json(void);

/* Refuses, before anything is measured, cases whose .hlog file would not fit a directory entry
 * or would be another case's. */
int hp_results_check_file_names(const struct hp_case *cases, size_t count, struct hp_error *err);

/* Writes the .hlog files, results.txt, results.csv and results.json (last) into DIR.partial,
 * reads results.json back with the reader every view uses, and renames DIR.partial to DIR
 * (an interrupted run stays DIR.partial, "complete": false). `command` is the command line
 * that produced the run, recorded verbatim. On any failure (a full disk, the reader refusing)
 * it releases the directory, so nothing half-written is left, and returns -1 with err set. On
 * success *final_dir_out (may be NULL) gets the directory written: DIR or DIR.partial. */
int hp_results_write(const struct hp_run *run, struct hp_results_dir *d, const char *command,
                     char *final_dir_out, size_t final_dir_size, struct hp_error *err);
/* The same for a `run --phases`, recording the plan (what the phase and claims tables need
 * besides the cases). */
int hp_results_write_phases(const struct hp_run *run, const struct hp_phase_plan *plan,
                            struct hp_results_dir *d, const char *command, char *final_dir_out,
                            size_t final_dir_size, struct hp_error *err);

/* "router/github/all/router=radix/threads=2" -> "BenchmarkRouter/github/all/router=radix-2",
 * the name Go's benchmark format (and so benchstat) expects. */
void hp_results_go_name(const struct hp_case *c, char *out, size_t size);

#endif
