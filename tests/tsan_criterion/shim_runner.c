/* The runner behind tests/tsan_criterion/criterion/criterion.h (ThreadSanitizer build only):
 * runs every registered test in a forked child and reports like Criterion's synthesis line. */
#include <criterion/criterion.h>
#include <criterion/parameterized.h>

#include <stdarg.h>
#include <sys/wait.h>
#include <unistd.h>

static struct shim_test *tests;
static bool expect_failed;

void shim_register(struct shim_test *t)
{
    t->next = tests;
    tests = t;
}

void shim_fail(bool fatal, const char *file, int line, const char *what, const char *fmt, ...)
{
    fprintf(stderr, "[----] %s:%d: Assertion failed: %s", file, line, what);
    if (fmt && *fmt) {
        va_list ap;
        va_start(ap, fmt);
        fputs(": ", stderr);
        vfprintf(stderr, fmt, ap);
        va_end(ap);
    }
    fputc('\n', stderr);
    expect_failed = true;
    if (fatal)
        exit(1);
}

void shim_run_parameter(void (*fn)(void *), void *param, size_t index)
{
    fflush(NULL);
    pid_t pid = fork();
    if (pid == 0) {
        fn(param);
        exit(expect_failed ? 1 : 0);
    }
    int status = 0;
    waitpid(pid, &status, 0);
    if (!(WIFEXITED(status) && (WEXITSTATUS(status) == 0 || WEXITSTATUS(status) == 77)))
        shim_fail(false, __FILE__, __LINE__, "parameter", "parameter %zu failed (status %d)",
                  index, status);
}

void shim_log(const char *level, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "[%s] ", level);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
}

void shim_skip(const char *fmt, ...)
{
    fprintf(stderr, "[SKIP] %s\n", fmt ? fmt : "");
    exit(77);
}

int main(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    /* Registration order is reversed by the list; run in source order. */
    struct shim_test *ordered = NULL;
    while (tests) {
        struct shim_test *t = tests;
        tests = t->next;
        t->next = ordered;
        ordered = t;
    }
    int passed = 0, failed = 0, crashed = 0, skipped = 0;
    for (struct shim_test *t = ordered; t; t = t->next) {
        if (t->options.disabled) {
            skipped++;
            continue;
        }
        fflush(NULL);
        pid_t pid = fork();
        if (pid == 0) {
            if (t->options.init)
                t->options.init();
            t->fn();
            if (t->options.fini)
                t->options.fini();
            exit(expect_failed ? 1 : 0);
        }
        int status = 0;
        waitpid(pid, &status, 0);
        if (WIFEXITED(status) && WEXITSTATUS(status) == 0) {
            passed++;
        } else if (WIFEXITED(status) && WEXITSTATUS(status) == 77) {
            skipped++;
        } else if (WIFEXITED(status)) {
            failed++;
            fprintf(stderr, "[FAIL] %s::%s\n", t->suite, t->name);
        } else {
            crashed++;
            fprintf(stderr, "[CRASH] %s::%s (signal %d)\n", t->suite, t->name,
                    WIFSIGNALED(status) ? WTERMSIG(status) : 0);
        }
    }
    fprintf(stderr, "[====] Synthesis: Tested: %d | Passing: %d | Failing: %d | Crashing: %d\n",
            passed + failed + crashed, passed, failed, crashed);
    return failed + crashed > 0 ? 1 : 0;
}
