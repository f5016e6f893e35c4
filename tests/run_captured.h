/* Running the hotpath executable from a test as a user does: the exit status, what it printed on
 * stdout and on stderr. Header-only, for the test programs (each includes it once). */
#ifndef HOTPATH_TESTS_RUN_CAPTURED_H
#define HOTPATH_TESTS_RUN_CAPTURED_H

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>

/* Up to size - 1 bytes of the file at path into buf, NUL-terminated; false (and buf "") when the
 * file cannot be opened. */
static inline bool slurp(const char *path, char *buf, size_t size)
{
    FILE *f = fopen(path, "r");
    size_t n = f ? fread(buf, 1, size - 1, f) : 0;
    buf[n] = '\0';
    if (f)
        fclose(f);
    return f != NULL;
}

/* Runs the shell command line `command` with stdin from /dev/null, stdout into dir/out and stderr
 * into dir/err, then reads both files into out and err. Returns the exit status, -1 when the
 * command did not exit (a signal) or did not fit the line. */
static inline int run_captured(const char *command, const char *dir, char *out, size_t out_size,
                               char *err, size_t err_size)
{
    char line[16384], path[512];
    out[0] = err[0] = '\0';
    if ((size_t)snprintf(line, sizeof line, "%s >%s/out 2>%s/err </dev/null", command, dir, dir) >=
        sizeof line)
        return -1;
    int raw = system(line);
    snprintf(path, sizeof path, "%s/out", dir);
    slurp(path, out, out_size);
    snprintf(path, sizeof path, "%s/err", dir);
    slurp(path, err, err_size);
    return WIFEXITED(raw) ? WEXITSTATUS(raw) : -1;
}

#endif
