/* Instruction counts per op that repeat to the last digit on any machine: `hotpath run
 * --instructions` re-executes itself under valgrind's callgrind with the same selection and a
 * hidden --callgrind-child flag. The child runs every case for a small fixed number of ops per
 * thread (one warm-up sample, one measured sample), switches collection on around exactly the
 * workload's run() of the measured sample (CALLGRIND_TOGGLE_COLLECT, as iai-callgrind does) and
 * dumps each case's count under the case's name (CALLGRIND_DUMP_STATS_AT). The parent reads the
 * dump files back and divides each case's instruction count by its ops.
 *
 * The count covers the workload's loop and its operations, not the harness: the per-op loop
 * overhead of run() (a compare and a branch) is included, as it is in the time.
 */
#ifndef HOTPATH_INSTRUCTIONS_H
#define HOTPATH_INSTRUCTIONS_H

#include <stdbool.h>
#include <stdint.h>

#include "common/error.h"
#include "runner.h"

#define HP_INSTRUCTIONS_DEFAULT_OPS 1000

/* Whether `valgrind` can be run (found in PATH). */
bool hp_instructions_available(void);

/* Runs this executable's `run` again under callgrind with `run_args` (the arguments after
 * "hotpath", argv[0] being "run") plus --callgrind-child, and fills instructions_per_op and
 * instructions_source ("callgrind") of every case of `run` whose count came back. Returns 0,
 * or -1 with err set when valgrind could not run or its output could not be read. */
int hp_instructions_measure(struct hp_run *run, int run_argc, char **run_argv, uint64_t ops,
                            struct hp_error *err);

/* How long one callgrind run may take before it is killed: HOTPATH_CALLGRIND_TIMEOUT (whole
 * seconds) when set to a valid number, else HP_CALLGRIND_TIMEOUT_S. */
#define HP_CALLGRIND_TIMEOUT_S 3600
unsigned hp_callgrind_timeout_s(void);

/* Runs this executable's `run` under callgrind with `run_args` plus --callgrind-child DIR and
 * --instructions-ops OPS, writing the dumps (DIR/callgrind.out*) into DIR, with the extra
 * valgrind options given (e.g. --cache-sim=yes). Kills it after hp_callgrind_timeout_s().
 * 0; HP_CALLGRIND_REFUSED with err the child's own message when it refused its input (exit 2:
 * a bad route file, say); or -1 with err set (valgrind missing, failed or killed). */
enum { HP_CALLGRIND_REFUSED = -2 };
int hp_callgrind_run(const char *dir, const char *const *tool_options, size_t option_count,
                     int run_argc, char **run_argv, uint64_t ops, struct hp_error *err);

/* Reads the callgrind dump files in dir (names starting with "callgrind.out") and sets the
 * counts of the cases whose names they carry; ops_per_thread is the fixed n of the child.
 * Exposed for tests. */
int hp_instructions_read_dumps(const char *dir, struct hp_run *run, uint64_t ops_per_thread,
                               struct hp_error *err);

#endif
