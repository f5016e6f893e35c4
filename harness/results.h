/* The results directory of one run: the data every table, chart, comparison and gate is
 * rendered from. See docs/results-format.md for the files and the JSON schema.
 *
 * Written safely: the run writes into DIR.partial/, every file through a temporary name and a
 * rename, and only a complete run renames DIR.partial/ to DIR/. An interrupted run (Ctrl-C)
 * leaves DIR.partial/ with complete files whose results.json says "complete": false. No file
 * is ever left half-written under its final name.
 */
#ifndef HOTPATH_RESULTS_H
#define HOTPATH_RESULTS_H

#include <time.h>

#include "error.h"
#include "runner.h"

#define HP_RESULTS_FORMAT  "hotpath-results"
#define HP_RESULTS_VERSION 1

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
 * millisecond, get two names, and the names sort by start time. (Two processes choosing in the
 * same millisecond can still pick one name; the second then fails at its write, not silently.)
 * hp_results_default_dir: the same, now. */
void hp_results_dir_name_at(const struct timespec *when, char *out, size_t size);
void hp_results_default_dir(char *out, size_t size);

/* Refuses (before anything runs) a directory that exists already, or whose .partial does, or
 * whose parent cannot be created. */
int hp_results_check_dir(const char *dir, struct hp_error *err);

/* Writes results.json, results.txt, results.csv and one .hlog per latency case. `command` is
 * the command line that produced the run, recorded verbatim. On success *final_dir_out (may be
 * NULL) gets the directory actually written: DIR, or DIR.partial for an interrupted run. */
int hp_results_write(const struct hp_run *run, const char *dir, const char *command,
                     char *final_dir_out, size_t final_dir_size, struct hp_error *err);

/* "router/github/all/router=radix/threads=2" -> "BenchmarkRouter/github/all/router=radix-2",
 * the name Go's benchmark format (and so benchstat) expects. */
void hp_results_go_name(const struct hp_case *c, char *out, size_t size);

#endif
