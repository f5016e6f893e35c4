#define _GNU_SOURCE
#include "server_proc.h"

#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

enum { LIVE_MAX = 64 };

/* Process groups of the servers running now, for the exit handler. */
static pid_t live[LIVE_MAX];
static pthread_mutex_t live_lock = PTHREAD_MUTEX_INITIALIZER;
static bool exit_handler_set;

static void kill_live_servers(void)
{
    for (size_t i = 0; i < LIVE_MAX; i++)
        if (live[i] > 0) {
            kill(-live[i], SIGKILL);
            waitpid(live[i], NULL, 0);
            live[i] = 0;
        }
}

/* Replaces `from` with `to` in the table (0 stands for a free slot). */
static void live_set(pid_t from, pid_t to)
{
    pthread_mutex_lock(&live_lock);
    if (!exit_handler_set) {
        atexit(kill_live_servers);
        exit_handler_set = true;
    }
    for (size_t i = 0; i < LIVE_MAX; i++)
        if (live[i] == from) {
            live[i] = to;
            break;
        }
    pthread_mutex_unlock(&live_lock);
}

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

void hp_thread_pin(int cpu, void *saved, size_t saved_size)
{
    if (saved_size < sizeof(cpu_set_t))
        return;
    pthread_getaffinity_np(pthread_self(), sizeof(cpu_set_t), (cpu_set_t *)saved);
    if (cpu < 0)
        return;
    cpu_set_t one;
    CPU_ZERO(&one);
    CPU_SET(cpu, &one);
    pthread_setaffinity_np(pthread_self(), sizeof one, &one);
}

void hp_thread_unpin(const void *saved, size_t saved_size)
{
    if (saved_size >= sizeof(cpu_set_t))
        pthread_setaffinity_np(pthread_self(), sizeof(cpu_set_t), (const cpu_set_t *)saved);
}

unsigned hp_load_cpus(unsigned generators, int *server_cpu, int *generator_cpu)
{
    cpu_set_t allowed;
    *server_cpu = -1;
    for (unsigned k = 0; generator_cpu && k < generators; k++)
        generator_cpu[k] = -1;
    if (sched_getaffinity(0, sizeof allowed, &allowed) != 0 || CPU_COUNT(&allowed) < 2)
        return 1;
    int cpus[CPU_SETSIZE];
    unsigned count = 0;
    for (int cpu = 0; cpu < CPU_SETSIZE; cpu++)
        if (CPU_ISSET(cpu, &allowed))
            cpus[count++] = cpu;
    *server_cpu = cpus[--count]; /* the last; the first count are the generators' */
    for (unsigned k = 0; generator_cpu && k < generators; k++)
        generator_cpu[k] = cpus[k % count];
    return generators < count ? generators : count;
}

int hp_free_port(void)
{
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return -1;
    struct sockaddr_in addr = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    socklen_t len = sizeof addr;
    int port = -1;
    if (bind(fd, (struct sockaddr *)&addr, sizeof addr) == 0 &&
        getsockname(fd, (struct sockaddr *)&addr, &len) == 0)
        port = ntohs(addr.sin_port);
    close(fd);
    return port;
}

static bool port_accepts(int port)
{
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return false;
    struct sockaddr_in addr = {.sin_family = AF_INET,
                               .sin_port = htons((uint16_t)port),
                               .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    bool ok = connect(fd, (struct sockaddr *)&addr, sizeof addr) == 0;
    close(fd);
    return ok;
}

static bool exited(struct hp_server_proc *s, char *why, size_t size)
{
    int status;
    if (waitpid(s->proc.pid, &status, WNOHANG) != s->proc.pid)
        return false;
    if (WIFEXITED(status))
        snprintf(why, size, "exited with status %d", WEXITSTATUS(status));
    else
        snprintf(why, size, "was killed by signal %d", WIFSIGNALED(status) ? WTERMSIG(status) : 0);
    live_set(s->proc.pid, 0);
    s->proc.pid = 0;
    hp_external_kill(&s->proc);
    return true;
}

static int wait_ready(struct hp_server_proc *s, double timeout_s, struct hp_error *err)
{
    double deadline = now_s() + timeout_s;
    char why[96];
    while (s->port > 0) {
        if (port_accepts(s->port))
            return 0;
        if (exited(s, why, sizeof why))
            return hp_error_set(err, "it %s before accepting connections", why);
        if (now_s() >= deadline)
            return hp_error_set(err, "no connection accepted on port %d within %.0f s", s->port,
                                timeout_s);
        struct timespec pause = {0, 5 * 1000 * 1000};
        nanosleep(&pause, NULL);
    }
    char line[512];
    for (;;) {
        double left = deadline - now_s();
        if (hp_external_read_line(&s->proc, left > 0 ? left : 0.001, line, sizeof line, err) != 0)
            return -1;
        const char *ready = strstr(line, HP_SERVE_READY_PREFIX);
        const char *colon = ready ? strrchr(line, ':') : NULL;
        if (colon && atoi(colon + 1) > 0) {
            s->port = atoi(colon + 1);
            return 0;
        }
    }
}

int hp_server_proc_start(struct hp_server_proc *s, char *const argv[], const char *log_path,
                         int cpu, int port, double timeout_s, struct hp_error *err)
{
    memset(s, 0, sizeof *s);
    s->port = port;
    cpu_set_t saved;
    hp_thread_pin(cpu, &saved, sizeof saved);
    int rc = hp_external_start(&s->proc, argv, NULL, log_path, err);
    hp_thread_unpin(&saved, sizeof saved);
    if (rc != 0)
        return -1;
    live_set(0, s->proc.pid);
    struct hp_error why;
    if (wait_ready(s, timeout_s, &why) != 0) {
        char tail[600];
        hp_server_proc_stop(s, 1);
        hp_external_stderr_tail(log_path, 2, tail, sizeof tail);
        return hp_error_set(err, "%s: %s%s%s", argv[0], why.message, tail[0] ? ": " : "", tail);
    }
    return 0;
}

/* Reads the rest of the server's stdout until it is closed or the deadline; keeps the last
 * line. */
static void read_tail(struct hp_server_proc *s, double deadline)
{
    char buf[4096];
    size_t kept = s->proc.buffered < sizeof buf ? s->proc.buffered : 0;
    if (kept)
        memcpy(buf, s->proc.buffer, kept);
    for (;;) {
        double left = deadline - now_s();
        struct pollfd pfd = {.fd = s->proc.from_child, .events = POLLIN};
        if (left <= 0 || poll(&pfd, 1, (int)(left * 1000) + 1) <= 0)
            break;
        if (kept == sizeof buf) { /* keep the last half */
            memmove(buf, buf + sizeof buf / 2, sizeof buf / 2);
            kept = sizeof buf / 2;
        }
        ssize_t r = read(s->proc.from_child, buf + kept, sizeof buf - kept);
        if (r <= 0)
            break;
        kept += (size_t)r;
    }
    while (kept > 0 && (buf[kept - 1] == '\n' || buf[kept - 1] == '\r'))
        kept--;
    size_t start = kept;
    while (start > 0 && buf[start - 1] != '\n')
        start--;
    snprintf(s->stdout_tail, sizeof s->stdout_tail, "%.*s", (int)(kept - start), buf + start);
}

int hp_server_proc_stop(struct hp_server_proc *s, double timeout_s)
{
    if (s->proc.pid <= 0) {
        hp_external_kill(&s->proc);
        return -1;
    }
    pid_t pid = s->proc.pid;
    double deadline = now_s() + timeout_s;
    kill(-pid, SIGTERM);
    if (s->proc.from_child >= 0)
        read_tail(s, deadline);
    int status = -1;
    for (;;) {
        int st;
        pid_t done = waitpid(pid, &st, WNOHANG);
        if (done == pid) {
            status = st;
            break;
        }
        if ((done < 0 && errno != EINTR) || now_s() >= deadline)
            break;
        struct timespec pause = {0, 5 * 1000 * 1000};
        nanosleep(&pause, NULL);
    }
    kill(-pid, SIGKILL); /* whatever of its group is left (an nginx worker) */
    if (status == -1)
        s->proc.pid = pid; /* hp_external_kill reaps it */
    else
        s->proc.pid = 0;
    hp_external_kill(&s->proc);
    live_set(pid, 0);
    return status;
}

/* utime + stime of one process (all its threads), in clock ticks; 0 when unreadable. */
static uint64_t stat_ticks(const char *path)
{
    FILE *f = fopen(path, "r");
    if (!f)
        return 0;
    char line[1024];
    size_t len = fread(line, 1, sizeof line - 1, f);
    fclose(f);
    line[len] = '\0';
    char *p = strrchr(line, ')'); /* the command name may hold spaces */
    unsigned long long utime = 0, stime = 0;
    if (!p ||
        sscanf(p + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %llu %llu", &utime, &stime) != 2)
        return 0;
    return utime + stime;
}

static uint64_t ticks_to_ns(uint64_t ticks)
{
    long hz = sysconf(_SC_CLK_TCK);
    return ticks * (1000000000ull / (uint64_t)(hz > 0 ? hz : 100));
}

static uint64_t tree_ticks(pid_t pid, int depth)
{
    char path[96];
    snprintf(path, sizeof path, "/proc/%d/stat", (int)pid);
    uint64_t ticks = stat_ticks(path);
    if (depth == 0)
        return ticks;
    snprintf(path, sizeof path, "/proc/%d/task/%d/children", (int)pid, (int)pid);
    FILE *f = fopen(path, "r");
    if (!f)
        return ticks;
    int child;
    while (fscanf(f, "%d", &child) == 1)
        ticks += tree_ticks(child, depth - 1);
    fclose(f);
    return ticks;
}

uint64_t hp_process_tree_cpu_ns(pid_t pid)
{
    return pid > 0 ? ticks_to_ns(tree_ticks(pid, 2)) : 0;
}

uint64_t hp_thread_cpu_ns(void)
{
    return ticks_to_ns(stat_ticks("/proc/thread-self/stat"));
}
