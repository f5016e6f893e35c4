#define _GNU_SOURCE
#include "external_proc.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

double hp_external_limit(double seconds)
{
    const char *scale = getenv("HOTPATH_EXTERNAL_TIME_SCALE");
    double s = scale ? strtod(scale, NULL) : 1;
    return s > 0 ? seconds * s : seconds;
}

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int hp_external_split(const char *command, char *storage, size_t storage_size,
                      char *argv[HP_EXTERNAL_ARGS_MAX], struct hp_error *err)
{
    if (strlen(command) >= storage_size)
        return hp_error_set(err, "command longer than %zu bytes", storage_size - 1);
    strcpy(storage, command);
    size_t argc = 0;
    char *save = NULL;
    for (char *word = strtok_r(storage, " \t", &save); word; word = strtok_r(NULL, " \t", &save)) {
        if (argc == HP_EXTERNAL_ARGS_MAX - 1)
            return hp_error_set(err, "command of more than %d words", HP_EXTERNAL_ARGS_MAX - 1);
        argv[argc++] = word;
    }
    if (argc == 0)
        return hp_error_set(err, "empty command");
    argv[argc] = NULL;
    return 0;
}

/* Spawns argv in its own process group; stdin/stdout as given (-1: /dev/null), stderr appended
 * to stderr_path. */
static int spawn(pid_t *pid, char *const argv[], const char *dir, int in_fd, int out_fd,
                 const char *stderr_path, struct hp_error *err)
{
    posix_spawn_file_actions_t actions;
    posix_spawnattr_t attr;
    posix_spawn_file_actions_init(&actions);
    posix_spawnattr_init(&attr);
    posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGDEF |
                                        POSIX_SPAWN_SETSIGMASK);
    posix_spawnattr_setpgroup(&attr, 0);
    sigset_t all, none;
    sigfillset(&all);
    sigemptyset(&none);
    posix_spawnattr_setsigdefault(&attr, &all);
    posix_spawnattr_setsigmask(&attr, &none);
    if (in_fd >= 0)
        posix_spawn_file_actions_adddup2(&actions, in_fd, STDIN_FILENO);
    else
        posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
    if (out_fd >= 0)
        posix_spawn_file_actions_adddup2(&actions, out_fd, STDOUT_FILENO);
    else
        posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, "/dev/null", O_WRONLY, 0);
    posix_spawn_file_actions_addopen(&actions, STDERR_FILENO, stderr_path,
                                     O_WRONLY | O_CREAT | O_APPEND, 0644);
    if (dir)
        posix_spawn_file_actions_addchdir_np(&actions, dir);
    int rc = posix_spawnp(pid, argv[0], &actions, &attr, argv, environ);
    posix_spawn_file_actions_destroy(&actions);
    posix_spawnattr_destroy(&attr);
    if (rc != 0)
        return hp_error_set(err, "cannot start %s: %s", argv[0], strerror(rc));
    return 0;
}

int hp_external_start(struct hp_external_proc *p, char *const argv[], const char *dir,
                      const char *stderr_path, struct hp_error *err)
{
    memset(p, 0, sizeof *p);
    p->to_child = p->from_child = -1;
    /* A write to an adapter that died must be an error we report, not a signal that kills us. */
    signal(SIGPIPE, SIG_IGN);
    int in[2], out[2];
    if (pipe2(in, O_CLOEXEC) != 0)
        return hp_error_set(err, "cannot make a pipe: %s", strerror(errno));
    if (pipe2(out, O_CLOEXEC) != 0) {
        close(in[0]);
        close(in[1]);
        return hp_error_set(err, "cannot make a pipe: %s", strerror(errno));
    }
    p->buffer = malloc(HP_EXTERNAL_LINE_MAX + 2);
    int rc = p->buffer ? spawn(&p->pid, argv, dir, in[0], out[1], stderr_path, err)
                       : hp_error_set(err, "out of memory");
    close(in[0]);
    close(out[1]);
    if (rc != 0) {
        close(in[1]);
        close(out[0]);
        free(p->buffer);
        memset(p, 0, sizeof *p);
        return -1;
    }
    p->to_child = in[1];
    p->from_child = out[0];
    return 0;
}

static void close_fds(struct hp_external_proc *p)
{
    if (p->to_child >= 0)
        close(p->to_child);
    if (p->from_child >= 0)
        close(p->from_child);
    p->to_child = p->from_child = -1;
}

/* Waits up to timeout_s for pid to exit; its status, or -1 when it did not. */
static int wait_exit(pid_t pid, double timeout_s)
{
    double deadline = now_s() + timeout_s;
    for (;;) {
        int status;
        pid_t done = waitpid(pid, &status, WNOHANG);
        if (done == pid)
            return status;
        if (done < 0 && errno != EINTR)
            return 0; /* already reaped */
        if (now_s() >= deadline)
            return -1;
        struct timespec pause = {0, 10 * 1000 * 1000};
        nanosleep(&pause, NULL);
    }
}

void hp_external_kill(struct hp_external_proc *p)
{
    if (p->pid > 0) {
        kill(-p->pid, SIGKILL);
        while (waitpid(p->pid, NULL, 0) < 0 && errno == EINTR)
            ;
        p->pid = 0;
    }
    close_fds(p);
    free(p->buffer);
    p->buffer = NULL;
    p->stopped = true;
}

/* What an exit status says, for messages. */
static void describe_status(int status, char *out, size_t size)
{
    if (WIFEXITED(status))
        snprintf(out, size, "exited with status %d", WEXITSTATUS(status));
    else if (WIFSIGNALED(status))
        snprintf(out, size, "was killed by signal %d (%s)", WTERMSIG(status),
                 strsignal(WTERMSIG(status)));
    else
        snprintf(out, size, "stopped");
}

/* The child closed its stdout: why, when it exited meanwhile. Stops it. */
static int closed(struct hp_external_proc *p, struct hp_error *err)
{
    char why[96] = "closed its output";
    int status = p->pid > 0 ? wait_exit(p->pid, hp_external_limit(1)) : -1;
    if (status >= 0) {
        describe_status(status, why, sizeof why);
        p->pid = 0;
    }
    hp_external_kill(p);
    return hp_error_set(err, "the adapter %s", why);
}

int hp_external_read_line(struct hp_external_proc *p, double timeout_s, char *out, size_t out_size,
                          struct hp_error *err)
{
    if (p->stopped || !p->buffer)
        return hp_error_set(err, "the adapter was stopped before");
    double deadline = now_s() + timeout_s;
    for (;;) {
        char *nl = memchr(p->buffer, '\n', p->buffered);
        if (nl) {
            size_t len = (size_t)(nl - p->buffer);
            size_t keep = len > 0 && p->buffer[len - 1] == '\r' ? len - 1 : len;
            if (memchr(p->buffer, '\0', keep)) {
                hp_external_kill(p);
                return hp_error_set(err, "the adapter printed a NUL byte");
            }
            if (keep >= out_size)
                keep = out_size - 1;
            memcpy(out, p->buffer, keep);
            out[keep] = '\0';
            p->buffered -= len + 1;
            memmove(p->buffer, nl + 1, p->buffered);
            return 0;
        }
        if (p->buffered > HP_EXTERNAL_LINE_MAX) {
            hp_external_kill(p);
            return hp_error_set(err, "the adapter printed a line longer than 64 KiB");
        }
        double left = deadline - now_s();
        if (left <= 0) {
            hp_external_kill(p);
            return hp_error_set(err, "no answer within %.3g s", timeout_s);
        }
        struct pollfd ready = {.fd = p->from_child, .events = POLLIN};
        int polled = poll(&ready, 1, (int)(left * 1000) + 1);
        if (polled < 0 && errno == EINTR)
            continue;
        if (polled <= 0)
            continue; /* the deadline check above decides */
        ssize_t got =
            read(p->from_child, p->buffer + p->buffered, HP_EXTERNAL_LINE_MAX + 1 - p->buffered);
        if (got < 0 && errno == EINTR)
            continue;
        if (got <= 0)
            return closed(p, err);
        p->buffered += (size_t)got;
    }
}

int hp_external_ask(struct hp_external_proc *p, const char *line, double timeout_s, char *out,
                    size_t out_size, struct hp_error *err)
{
    if (p->stopped || !p->buffer)
        return hp_error_set(err, "the adapter was stopped before");
    size_t len = strlen(line);
    char *msg = malloc(len + 1);
    if (!msg)
        return hp_error_set(err, "out of memory");
    memcpy(msg, line, len);
    msg[len] = '\n';
    size_t sent = 0;
    while (sent <= len) {
        ssize_t w = write(p->to_child, msg + sent, len + 1 - sent);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0) {
            free(msg);
            return closed(p, err);
        }
        sent += (size_t)w;
    }
    free(msg);
    return hp_external_read_line(p, timeout_s, out, out_size, err);
}

int hp_external_proc_finish(struct hp_external_proc *p, double quit_timeout_s)
{
    if (p->pid <= 0) {
        hp_external_kill(p);
        return -1;
    }
    int status = -1;
    if (!p->stopped && p->to_child >= 0) {
        char answer[256];
        struct hp_error ignored;
        if (write(p->to_child, "quit\n", 5) == 5)
            (void)hp_external_read_line(p, quit_timeout_s, answer, sizeof answer, &ignored);
        close_fds(p);
        if (p->pid > 0)
            status = wait_exit(p->pid, quit_timeout_s);
    }
    if (status < 0 && p->pid > 0) {
        kill(-p->pid, SIGTERM);
        if (wait_exit(p->pid, hp_external_limit(2)) >= 0)
            p->pid = 0;
    } else {
        p->pid = 0;
    }
    hp_external_kill(p);
    return status;
}

/* Reads the child's stdout until it closes, the limit or the deadline. 0, or -1 with err. */
static int drain(int fd, double deadline, double timeout_s, size_t max_out, char **out,
                 size_t *out_len, struct hp_error *err)
{
    size_t capacity = 65536, used = 0;
    char *text = malloc(capacity + 1);
    if (!text)
        return hp_error_set(err, "out of memory");
    for (;;) {
        double left = deadline - now_s();
        if (left <= 0) {
            free(text);
            return hp_error_set(err, "no exit within %.3g s", timeout_s);
        }
        struct pollfd ready = {.fd = fd, .events = POLLIN};
        int polled = poll(&ready, 1, (int)(left * 1000) + 1);
        if (polled <= 0)
            continue;
        if (used == capacity) {
            if (capacity >= max_out) {
                free(text);
                return hp_error_set(err, "more than %zu bytes of output", max_out);
            }
            capacity = capacity * 2 < max_out ? capacity * 2 : max_out;
            char *grown = realloc(text, capacity + 1);
            if (!grown) {
                free(text);
                return hp_error_set(err, "out of memory");
            }
            text = grown;
        }
        ssize_t got = read(fd, text + used, capacity - used);
        if (got < 0 && errno == EINTR)
            continue;
        if (got <= 0)
            break;
        used += (size_t)got;
    }
    text[used] = '\0';
    *out = text;
    *out_len = used;
    return 0;
}

int hp_external_run_once(char *const argv[], const char *dir, const char *stderr_path,
                         double timeout_s, size_t max_out, char **out, size_t *out_len,
                         struct hp_error *err)
{
    *out = NULL;
    *out_len = 0;
    int fds[2];
    if (pipe2(fds, O_CLOEXEC) != 0)
        return hp_error_set(err, "cannot make a pipe: %s", strerror(errno));
    pid_t pid;
    if (spawn(&pid, argv, dir, -1, fds[1], stderr_path, err) != 0) {
        close(fds[0]);
        close(fds[1]);
        return -1;
    }
    close(fds[1]);
    double deadline = now_s() + timeout_s;
    int rc = drain(fds[0], deadline, timeout_s, max_out, out, out_len, err);
    close(fds[0]);
    int status = rc == 0 ? wait_exit(pid, deadline - now_s() > 0 ? deadline - now_s() : 0) : -1;
    if (status < 0) {
        kill(-pid, SIGKILL);
        while (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
            ;
        if (rc == 0)
            rc = hp_error_set(err, "no exit within %.3g s", timeout_s);
    } else if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
        char why[96];
        describe_status(status, why, sizeof why);
        rc = hp_error_set(err, "%s", why);
    }
    if (rc != 0) {
        free(*out);
        *out = NULL;
        *out_len = 0;
    }
    return rc;
}

void hp_external_stderr_tail(const char *path, unsigned lines, char *out, size_t size)
{
    out[0] = '\0';
    FILE *f = fopen(path, "r");
    if (!f)
        return;
    char tail[1025];
    long start = 0;
    if (fseek(f, 0, SEEK_END) == 0) {
        long end = ftell(f);
        start = end > 1024 ? end - 1024 : 0;
    }
    fseek(f, start, SEEK_SET);
    size_t got = fread(tail, 1, sizeof tail - 1, f);
    fclose(f);
    tail[got] = '\0';
    while (got > 0 && (tail[got - 1] == '\n' || tail[got - 1] == '\r'))
        tail[--got] = '\0';
    /* Back from the end over `lines` lines. */
    size_t from = got;
    for (unsigned seen = 0; from > 0; from--)
        if (tail[from - 1] == '\n' && ++seen == lines)
            break;
    size_t used = 0;
    for (size_t i = from; i < got && used + 4 < size; i++) {
        if (tail[i] == '\n') {
            used += (size_t)snprintf(out + used, size - used, " | ");
        } else if (tail[i] != '\r') {
            out[used++] = (unsigned char)tail[i] < 0x20 ? ' ' : tail[i];
            out[used] = '\0';
        }
    }
}
