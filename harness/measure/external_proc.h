/* Child processes of external cases (docs/external-cases.md): an adapter kept running and
 * spoken to one line at a time, and a command run once for its output (a build, a one-shot
 * benchmark).
 *
 * Every child is started in its own process group, with its stderr appended to a file, so that
 * it can be stopped with everything it started and its last words quoted. Every wait has a time
 * limit and every read a size limit: a child that hangs, floods or exits is reported, never
 * waited for. Time limits are multiplied by HOTPATH_EXTERNAL_TIME_SCALE when it is set to a
 * positive number (for tests of the limits themselves).
 */
#ifndef HOTPATH_EXTERNAL_PROC_H
#define HOTPATH_EXTERNAL_PROC_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "common/error.h"

enum { HP_EXTERNAL_LINE_MAX = 65536, HP_EXTERNAL_ARGS_MAX = 64 };

struct hp_external_proc {
    pid_t pid; /* also its process group; 0 when none */
    int to_child, from_child;
    char *buffer; /* bytes read but not yet returned as lines */
    size_t buffered;
    bool stopped; /* killed or exited: no further request is sent */
};

/* The time limit `seconds` with HOTPATH_EXTERNAL_TIME_SCALE applied. */
double hp_external_limit(double seconds);

/* Splits `command` at spaces into argv (at most HP_EXTERNAL_ARGS_MAX - 1 words; `storage` holds
 * the words and must outlive argv). 0, or -1 with err set (empty, too many words). */
int hp_external_split(const char *command, char *storage, size_t storage_size,
                      char *argv[HP_EXTERNAL_ARGS_MAX], struct hp_error *err);

/* Starts argv in `dir`, stdin and stdout pipes to us, stderr appended to stderr_path. 0, or -1
 * with err set. */
int hp_external_start(struct hp_external_proc *p, char *const argv[], const char *dir,
                      const char *stderr_path, struct hp_error *err);

/* Sends `line` (a newline is added) and reads one answer line into out (NUL-terminated, the
 * newline and a CR before it dropped) within timeout_s. 0, or -1 with err set to what happened
 * ("no answer within 10 s", "the adapter exited with status 2", "a line longer than 64 KiB")
 * and the process stopped. */
int hp_external_ask(struct hp_external_proc *p, const char *line, double timeout_s, char *out,
                    size_t out_size, struct hp_error *err);

/* Reads one more line (after an answer that announced more, as `list` does). Same contract. */
int hp_external_read_line(struct hp_external_proc *p, double timeout_s, char *out, size_t out_size,
                          struct hp_error *err);

/* Asks `quit`, waits quit_timeout_s for the exit, then SIGTERM to the group, 2 s, SIGKILL.
 * Returns the exit status when the process exited by itself after quit, else -1 (the process
 * is gone either way). Safe on a stopped or never started process. */
int hp_external_proc_finish(struct hp_external_proc *p, double quit_timeout_s);

/* Kills the process group at once and reaps it. */
void hp_external_kill(struct hp_external_proc *p);

/* Runs argv in dir once, stdin from /dev/null, stderr appended to stderr_path, stdout read into
 * *out (malloc'ed, NUL-terminated; caller frees) up to max_out bytes. Kills the group after
 * timeout_s. 0 when it exited with status 0, else -1 with err saying why ("exit status 2",
 * "no exit within 300 s", "more than 16 MiB of output"); *out is freed and NULL then. */
int hp_external_run_once(char *const argv[], const char *dir, const char *stderr_path,
                         double timeout_s, size_t max_out, char **out, size_t *out_len,
                         struct hp_error *err);

/* The last `lines` lines of the file at path (at most 1 KiB of them) into out, joined by " | ",
 * or "" when it is empty or missing: what a failed child said last. */
void hp_external_stderr_tail(const char *path, unsigned lines, char *out, size_t size);

#endif
