#define _GNU_SOURCE
#include "instructions.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "files.h"

extern char **environ;

bool hp_instructions_available(void)
{
    const char *path = getenv("PATH");
    if (!path)
        return false;
    char *copy = strdup(path);
    if (!copy)
        return false;
    bool found = false;
    char *save = NULL;
    for (char *dir = strtok_r(copy, ":", &save); dir && !found; dir = strtok_r(NULL, ":", &save)) {
        char candidate[4096];
        snprintf(candidate, sizeof candidate, "%s/valgrind", dir);
        found = access(candidate, X_OK) == 0;
    }
    free(copy);
    return found;
}

static const char trigger_prefix[] = "desc: Trigger: Client Request: ";

/* One dump file: the case name of its trigger and its total instruction count. */
static int read_dump(const char *path, char *name, size_t name_size, unsigned long long *total)
{
    FILE *f = fopen(path, "r");
    if (!f)
        return -1;
    char line[4096];
    bool have_name = false, have_total = false;
    while (fgets(line, sizeof line, f)) {
        line[strcspn(line, "\n")] = '\0';
        if (strncmp(line, trigger_prefix, sizeof trigger_prefix - 1) == 0) {
            const char *found = line + sizeof trigger_prefix - 1;
            size_t length = strlen(found);
            if (length >= name_size)
                length = name_size - 1;
            memcpy(name, found, length);
            name[length] = '\0';
            have_name = true;
        } else if (strncmp(line, "totals: ", 8) == 0 || strncmp(line, "summary: ", 9) == 0) {
            const char *number = strchr(line, ' ') + 1;
            char *end;
            *total = strtoull(number, &end, 10);
            have_total = end != number;
        }
    }
    fclose(f);
    return have_name && have_total ? 0 : 1;
}

int hp_instructions_read_dumps(const char *dir, struct hp_run *run, uint64_t ops_per_thread,
                               struct hp_error *err)
{
    DIR *d = opendir(dir);
    if (!d)
        return hp_error_set(err, "%s: cannot read callgrind's output: %s", dir, strerror(errno));
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (strncmp(e->d_name, "callgrind.out", 13) != 0)
            continue;
        char path[4096], name[512];
        unsigned long long total = 0;
        snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
        if (read_dump(path, name, sizeof name, &total) != 0)
            continue; /* the final dump at exit carries no case */
        for (size_t i = 0; i < run->case_count; i++) {
            struct hp_case *c = &run->cases[i];
            if (strcmp(c->name, name) != 0)
                continue;
            c->instructions_per_op = (double)total / ((double)ops_per_thread * c->threads);
            c->instructions_source = "callgrind";
        }
    }
    closedir(d);
    return 0;
}

/* Waits for pid at most timeout_s seconds, then kills it; its status, or -1 when killed. */
static int wait_bounded(pid_t pid, unsigned timeout_s, int *status)
{
    struct timespec tick = {0, 20 * 1000 * 1000};
    for (unsigned long waited_ms = 0;; waited_ms += 20) {
        pid_t done = waitpid(pid, status, WNOHANG);
        if (done == pid)
            return 0;
        if (done < 0 && errno != EINTR)
            return -1;
        if (waited_ms >= timeout_s * 1000ul) {
            kill(pid, SIGKILL);
            while (waitpid(pid, status, 0) < 0 && errno == EINTR)
                ;
            return -1;
        }
        nanosleep(&tick, NULL);
    }
}

/* The last non-empty line of PATH (read at most its last 4 KB), or "". */
static void last_line(const char *path, char *out, size_t size)
{
    out[0] = '\0';
    FILE *f = fopen(path, "r");
    if (!f)
        return;
    char tail[4097];
    fseek(f, 0, SEEK_END);
    long length = ftell(f);
    fseek(f, length > 4096 ? length - 4096 : 0, SEEK_SET);
    size_t n = fread(tail, 1, sizeof tail - 1, f);
    fclose(f);
    tail[n] = '\0';
    while (n > 0 && (tail[n - 1] == '\n' || tail[n - 1] == '\r'))
        tail[--n] = '\0';
    const char *start = strrchr(tail, '\n');
    snprintf(out, size, "%.500s", start ? start + 1 : tail);
}

unsigned hp_callgrind_timeout_s(void)
{
    const char *env = getenv("HOTPATH_CALLGRIND_TIMEOUT");
    char *end;
    unsigned long s = env ? strtoul(env, &end, 10) : 0;
    return env && *env && *end == '\0' && s > 0 && s < 86400 * 7 ? (unsigned)s
                                                                 : HP_CALLGRIND_TIMEOUT_S;
}

int hp_callgrind_run(const char *dir, const char *const *tool_options, size_t option_count,
                     int run_argc, char **run_argv, uint64_t ops, struct hp_error *err)
{
    char self[4096];
    ssize_t len = readlink("/proc/self/exe", self, sizeof self - 1);
    if (len <= 0)
        return hp_error_set(err, "callgrind: cannot find this executable: %s", strerror(errno));
    self[len] = '\0';
    char out_file[4200], ops_text[32];
    snprintf(out_file, sizeof out_file, "--callgrind-out-file=%s/callgrind.out", dir);
    snprintf(ops_text, sizeof ops_text, "%llu", (unsigned long long)ops);
    char **args = calloc(option_count + (size_t)run_argc + 12, sizeof *args);
    if (!args)
        return hp_error_set(err, "out of memory");
    size_t n = 0;
    const char *fixed[] = {"valgrind", "--tool=callgrind", "--collect-atstart=no", "-q", out_file};
    for (size_t i = 0; i < sizeof fixed / sizeof fixed[0]; i++)
        args[n++] = (char *)fixed[i];
    for (size_t i = 0; i < option_count; i++)
        args[n++] = (char *)tool_options[i];
    args[n++] = self;
    for (int i = 0; i < run_argc; i++)
        args[n++] = run_argv[i];
    args[n++] = "--callgrind-child";
    args[n++] = (char *)dir;
    args[n++] = "--instructions-ops";
    args[n++] = ops_text;
    args[n] = NULL;

    fflush(stdout);
    fflush(stderr);
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, "/dev/null", O_WRONLY, 0);
    /* valgrind's warnings and the child's messages: said only when the run fails */
    char log[4300];
    snprintf(log, sizeof log, "%s/valgrind.log", dir);
    posix_spawn_file_actions_addopen(&actions, STDERR_FILENO, log, O_WRONLY | O_CREAT | O_TRUNC,
                                     0600);
    pid_t pid;
    int rc = posix_spawnp(&pid, "valgrind", &actions, NULL, args, environ);
    posix_spawn_file_actions_destroy(&actions);
    free(args);
    if (rc != 0)
        return hp_error_set(err, "cannot run valgrind: %s", strerror(rc));
    int status = 0;
    unsigned timeout = hp_callgrind_timeout_s();
    if (wait_bounded(pid, timeout, &status) != 0)
        return hp_error_set(err,
                            "the callgrind run took longer than %u s and was killed "
                            "(HOTPATH_CALLGRIND_TIMEOUT sets the limit in seconds)",
                            timeout);
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
        char last[600];
        last_line(log, last, sizeof last);
        remove(log);
        if (WIFEXITED(status) && WEXITSTATUS(status) == HP_EXIT_USAGE && last[0]) {
            /* The child refused its input (a route file, say): its own message is the one. */
            hp_error_set(err, "%s", strncmp(last, "hotpath: ", 9) == 0 ? last + 9 : last);
            return HP_CALLGRIND_REFUSED;
        }
        return hp_error_set(err, "the callgrind run failed (%s %d)%s%s",
                            WIFEXITED(status) ? "exit status" : "signal",
                            WIFEXITED(status) ? WEXITSTATUS(status) : WTERMSIG(status),
                            last[0] ? ": " : "", last);
    }
    remove(log);
    return 0;
}

int hp_instructions_measure(struct hp_run *run, int run_argc, char **run_argv, uint64_t ops,
                            struct hp_error *err)
{
    char dir[] = "/tmp/hotpath-callgrind-XXXXXX";
    if (!mkdtemp(dir))
        return hp_error_set(err, "--instructions: cannot make a temporary directory: %s",
                            strerror(errno));
    int result = hp_callgrind_run(dir, NULL, 0, run_argc, run_argv, ops, err);
    if (result != 0) {
        char message[sizeof err->message];
        snprintf(message, sizeof message, "%s", err->message);
        hp_error_set(err, "--instructions: %s", message);
    } else {
        result = hp_instructions_read_dumps(dir, run, ops, err);
    }
    hp_dir_remove(dir);
    return result;
}
