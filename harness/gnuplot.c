#define _GNU_SOURCE
#include "gnuplot.h"

#include <errno.h>
#include <fcntl.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "data_dir.h"

extern char **environ;

const char *hp_gnuplot_program(void)
{
    const char *env = getenv("HOTPATH_GNUPLOT");
    return env && *env ? env : "gnuplot";
}

void hp_gnuplot_script_path(const char *name, char *out, size_t size)
{
    char relative[256];
    snprintf(relative, sizeof relative, "gnuplot/%s", name);
    /* hp_gnuplot_check found the data directory first; were it gone since, gnuplot names the
     * template it cannot open. */
    if (hp_data_path(relative, out, size, NULL) != 0)
        snprintf(out, size, "%s", relative);
}

/* Appends value to out as a gnuplot single-quoted string ('' stands for one quote). */
static size_t append_quoted(char *out, size_t used, size_t size, const char *value)
{
    if (used < size)
        out[used] = '\'';
    used++;
    for (const char *p = value; *p; p++) {
        if (*p == '\'') {
            if (used < size)
                out[used] = '\'';
            used++;
        }
        if (used < size)
            out[used] = *p;
        used++;
    }
    if (used < size)
        out[used] = '\'';
    used++;
    if (used < size)
        out[used] = '\0';
    return used;
}

/* Starts argv with stdout and stderr into one pipe (stdin from /dev/null). Returns 0, or -1
 * with errno set when the program could not be started. */
static int spawn(char *const argv[], const char *workdir, pid_t *pid, int *output_fd)
{
    int fds[2];
    if (pipe2(fds, O_CLOEXEC) != 0)
        return -1;
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_adddup2(&actions, fds[1], STDOUT_FILENO);
    posix_spawn_file_actions_adddup2(&actions, fds[1], STDERR_FILENO);
    posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
    if (workdir)
        posix_spawn_file_actions_addchdir_np(&actions, workdir);
    int rc = posix_spawnp(pid, argv[0], &actions, NULL, argv, environ);
    posix_spawn_file_actions_destroy(&actions);
    close(fds[1]);
    if (rc != 0) {
        close(fds[0]);
        errno = rc;
        return -1;
    }
    *output_fd = fds[0];
    return 0;
}

/* Collects up to capture_size - 1 bytes of the output (the rest is read and dropped), closes
 * it, waits, and returns the exit status (128 + signal when killed, -1 if waiting failed). */
static int collect(pid_t pid, int output_fd, char *capture, size_t capture_size)
{
    size_t used = 0;
    char scratch[4096];
    for (;;) {
        ssize_t n = read(output_fd, scratch, sizeof scratch);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            break;
        size_t take = (size_t)n;
        if (used + take >= capture_size)
            take = capture_size - used - 1;
        memcpy(capture + used, scratch, take);
        used += take;
    }
    capture[used] = '\0';
    close(output_fd);
    int status;
    while (waitpid(pid, &status, 0) < 0)
        if (errno != EINTR)
            return -1;
    if (WIFEXITED(status))
        return WEXITSTATUS(status);
    return 128 + (WIFSIGNALED(status) ? WTERMSIG(status) : 0);
}

static int spawn_and_wait(char *const argv[], const char *workdir, char *capture,
                          size_t capture_size)
{
    pid_t pid;
    int fd;
    if (spawn(argv, workdir, &pid, &fd) != 0)
        return -1;
    return collect(pid, fd, capture, capture_size);
}

static int not_startable(const char *program, int errnum, struct hp_error *err)
{
    return hp_error_set(err,
                        "cannot run %s: %s (charts need gnuplot: apt-get install gnuplot-nox, "
                        "or set HOTPATH_GNUPLOT to its path)",
                        program, strerror(errnum));
}

int hp_gnuplot_check(struct hp_error *err)
{
    const char *program = hp_gnuplot_program();
    char *argv[] = {(char *)program, "--version", NULL};
    char output[512];
    int rc = spawn_and_wait(argv, NULL, output, sizeof output);
    if (rc < 0)
        return not_startable(program, errno, err);
    if (rc != 0)
        return hp_error_set(err, "%s --version failed (exit %d): %.200s", program, rc, output);
    char templates[4096];
    if (hp_data_path("gnuplot", templates, sizeof templates, err) != 0)
        return -1;
    if (access(templates, R_OK) != 0)
        return hp_error_set(err, "%s: the chart templates are missing (%s)", templates,
                            strerror(errno));
    return 0;
}

int hp_gnuplot_start(const char *script, const struct hp_gnuplot_var *vars, size_t var_count,
                     const char *workdir, struct hp_gnuplot_job *job, struct hp_error *err)
{
    const char *program = hp_gnuplot_program();
    snprintf(job->script, sizeof job->script, "%s", script);
    size_t size = 256;
    for (size_t i = 0; i < var_count; i++)
        size += strlen(vars[i].name) + 2 * strlen(vars[i].value) + 8;
    char *assignments = malloc(size);
    if (!assignments)
        return hp_error_set(err, "out of memory running gnuplot");
    size_t used = 0;
    assignments[0] = '\0';
    for (size_t i = 0; i < var_count; i++) {
        used += (size_t)snprintf(assignments + used, size - used, "%s=", vars[i].name);
        used = append_quoted(assignments, used, size, vars[i].value);
        used += (size_t)snprintf(assignments + used, size - used, "; ");
    }
    char *argv[] = {(char *)program, "-e", assignments, (char *)script, NULL};
    int rc = spawn(argv, workdir, &job->pid, &job->output_fd);
    int saved_errno = errno;
    free(assignments);
    if (rc != 0)
        return not_startable(program, saved_errno, err);
    return 0;
}

int hp_gnuplot_finish(struct hp_gnuplot_job *job, struct hp_error *err)
{
    char output[2048];
    int rc = collect(job->pid, job->output_fd, output, sizeof output);
    if (rc == 0)
        return 0;
    if (rc < 0)
        return hp_error_set(err, "gnuplot on %s: cannot wait for it: %s", job->script,
                            strerror(errno));
    /* gnuplot's message ends with the line it stopped at; quote it. */
    size_t len = strlen(output);
    while (len && (output[len - 1] == '\n' || output[len - 1] == ' '))
        output[--len] = '\0';
    const char *tail = len > 600 ? output + len - 600 : output;
    return hp_error_set(err, "gnuplot failed on %s (exit %d): %s", job->script, rc, tail);
}

int hp_gnuplot_run(const char *script, const struct hp_gnuplot_var *vars, size_t var_count,
                   const char *workdir, struct hp_error *err)
{
    struct hp_gnuplot_job job;
    if (hp_gnuplot_start(script, vars, var_count, workdir, &job, err) != 0)
        return -1;
    return hp_gnuplot_finish(&job, err);
}
