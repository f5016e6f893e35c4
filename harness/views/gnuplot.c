#define _GNU_SOURCE
#include "gnuplot.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/statvfs.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "values.h"
#include "data_dir.h"
#include "files.h"

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

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

enum { TIMED_OUT = -2 };

/* Collects up to capture_size - 1 bytes of the output (the rest is read and dropped), closes
 * it, waits, and returns the exit status (128 + signal when killed, -1 if waiting failed). A
 * child still running at `deadline` (CLOCK_MONOTONIC seconds) is killed: TIMED_OUT. */
static int collect(pid_t pid, int output_fd, char *capture, size_t capture_size, double deadline)
{
    size_t used = 0;
    char scratch[4096];
    bool timed_out = false;
    for (;;) {
        double left = deadline - now_s();
        if (left <= 0) {
            timed_out = true;
            break;
        }
        struct pollfd ready = {.fd = output_fd, .events = POLLIN};
        int polled = poll(&ready, 1, (int)(left * 1000) + 1);
        if (polled < 0 && errno != EINTR)
            break;
        if (polled <= 0)
            continue;
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
    /* The output closed; the child may still linger (or have closed it and hung). */
    int status;
    for (;;) {
        pid_t done = timed_out ? 0 : waitpid(pid, &status, WNOHANG);
        if (done == pid)
            break;
        if (done < 0 && errno != EINTR)
            return -1;
        if (timed_out || now_s() >= deadline) {
            kill(pid, SIGKILL);
            while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
                ;
            return TIMED_OUT;
        }
        nanosleep(&(struct timespec){.tv_nsec = 5 * 1000 * 1000}, NULL);
    }
    if (WIFEXITED(status))
        return WEXITSTATUS(status);
    return 128 + (WIFSIGNALED(status) ? WTERMSIG(status) : 0);
}

/* How long one gnuplot may take: HOTPATH_GNUPLOT_TIMEOUT (a duration such as 30s), else a
 * minute, far above the second a chart takes. */
static int timeout_s(double *out, struct hp_error *err)
{
    const char *env = getenv("HOTPATH_GNUPLOT_TIMEOUT");
    double ns = 60e9;
    if (env && *env &&
        hp_parse_duration_ns("HOTPATH_GNUPLOT_TIMEOUT", env, 1e6, 86400e9, &ns, err) != 0)
        return -1;
    *out = ns / 1e9;
    return 0;
}

static int not_startable(const char *program, int errnum, struct hp_error *err)
{
    return hp_error_set(err,
                        "cannot run %s: %s (charts need gnuplot: apt-get install gnuplot-nox, "
                        "or set HOTPATH_GNUPLOT to its path)",
                        program, strerror(errnum));
}

/* A --version that failed, in one line: the program, the exit status, and the first line it
 * printed (not gnuplot's banner: what the program is, or why it could not start). */
static int version_failed(const char *program, int status, const char *output, struct hp_error *err)
{
    output += strspn(output, " \t\n");
    int first_line = (int)strcspn(output, "\n");
    if (first_line > 120)
        first_line = 120;
    return hp_error_set(err, "gnuplot '%s': --version failed (exit %d)%s%.*s", program, status,
                        first_line ? ": " : "", first_line, output);
}

int hp_gnuplot_check(struct hp_error *err)
{
    const char *program = hp_gnuplot_program();
    double timeout;
    if (timeout_s(&timeout, err) != 0)
        return -1;
    char *argv[] = {(char *)program, "--version", NULL};
    char output[512];
    pid_t pid;
    int fd;
    if (spawn(argv, NULL, &pid, &fd) != 0)
        return not_startable(program, errno, err);
    int rc = collect(pid, fd, output, sizeof output, now_s() + timeout);
    if (rc == TIMED_OUT)
        return hp_error_set(err,
                            "gnuplot '%s': --version did not answer within %g s and was killed",
                            program, timeout);
    if (rc != 0)
        return version_failed(program, rc, output, err);
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
    memset(job, 0, sizeof *job);
    snprintf(job->script, sizeof job->script, "%s", script);
    if (timeout_s(&job->timeout_s, err) != 0)
        return -1;
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
        if (strcmp(vars[i].name, "out") == 0)
            snprintf(job->out, sizeof job->out, "%s", vars[i].value);
    }
    char *argv[] = {(char *)program, "-e", assignments, (char *)script, NULL};
    job->deadline = now_s() + job->timeout_s;
    int rc = spawn(argv, workdir, &job->pid, &job->output_fd);
    int saved_errno = errno;
    free(assignments);
    if (rc != 0)
        return not_startable(program, saved_errno, err);
    return 0;
}

/* A chart file gnuplot said it wrote: present and complete (a full disk leaves it empty or cut
 * short while gnuplot still exits 0), and on disk before it is renamed into place. */
static int check_output(const struct hp_gnuplot_job *job, const char *extension,
                        struct hp_error *err)
{
    static const char png_end[] = "IEND\xae\x42\x60\x82";
    char path[sizeof job->out + 8];
    snprintf(path, sizeof path, "%s.%s", job->out, extension);
    char *bytes = NULL;
    size_t len = 0;
    struct hp_error read_err;
    bool readable = hp_file_read(path, (size_t)1 << 28, &bytes, &len, &read_err) == 0;
    bool complete = false;
    if (readable && strcmp(extension, "png") == 0) {
        complete = len > 16 && memcmp(bytes, "\x89PNG", 4) == 0 &&
                   memcmp(bytes + len - 8, png_end, 8) == 0;
    } else if (readable) {
        while (len && (bytes[len - 1] == '\n' || bytes[len - 1] == ' '))
            len--;
        complete = len >= 6 && memcmp(bytes + len - 6, "</svg>", 6) == 0;
    }
    free(bytes);
    if (complete) {
        int fd = open(path, O_RDONLY | O_CLOEXEC);
        bool synced = fd >= 0 && fsync(fd) == 0;
        if (fd >= 0)
            close(fd);
        if (synced)
            return 0;
    }
    char dir[sizeof path];
    snprintf(dir, sizeof dir, "%s", path);
    char *slash = strrchr(dir, '/');
    if (slash)
        *slash = '\0';
    struct statvfs fs;
    bool full = statvfs(slash ? dir : ".", &fs) == 0 && fs.f_bavail == 0;
    if (!readable)
        return hp_error_set(err, "gnuplot (%s) exited 0 but %s is missing%s", job->script, path,
                            full ? ": the file system holding it is full" : "");
    return hp_error_set(err, "gnuplot (%s) exited 0 but %s is incomplete (%zu bytes)%s",
                        job->script, path, len, full ? ": the file system holding it is full" : "");
}

int hp_gnuplot_finish(struct hp_gnuplot_job *job, struct hp_error *err)
{
    char output[2048];
    int rc = collect(job->pid, job->output_fd, output, sizeof output, job->deadline);
    if (rc == TIMED_OUT) {
        const char *chart = strrchr(job->out, '/');
        return hp_error_set(err,
                            "gnuplot did not finish the chart %s (%s) within %g s and was "
                            "killed (HOTPATH_GNUPLOT_TIMEOUT sets the limit)",
                            chart         ? chart + 1
                            : job->out[0] ? job->out
                                          : "?",
                            job->script, job->timeout_s);
    }
    if (rc < 0)
        return hp_error_set(err, "gnuplot on %s: cannot wait for it: %s", job->script,
                            strerror(errno));
    if (rc == 0) {
        if (job->out[0] &&
            (check_output(job, "png", err) != 0 || check_output(job, "svg", err) != 0))
            return -1;
        return 0;
    }
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
