/* The command line as a user meets it: every refusal is one message on stderr, exit status 2,
 * nothing on stdout and no results directory; a run interrupted by Ctrl-C leaves a marked
 * partial directory. */
#include <criterion/criterion.h>

#include <jansson.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "results.h"

struct outcome {
    int status;
    char out[65536];
    char err[65536];
};

static void slurp(const char *path, char *buf, size_t size)
{
    FILE *f = fopen(path, "r");
    size_t n = f ? fread(buf, 1, size - 1, f) : 0;
    buf[n] = '\0';
    if (f)
        fclose(f);
}

static void run_hotpath(const char *args, struct outcome *o)
{
    char dir[] = "/tmp/hotpath-cli-XXXXXX";
    cr_assert_not_null(mkdtemp(dir));
    char cmd[4096];
    snprintf(cmd, sizeof cmd, "cd %s && %s %s >out 2>err </dev/null", dir, HOTPATH_BINARY, args);
    int raw = system(cmd);
    o->status = WIFEXITED(raw) ? WEXITSTATUS(raw) : -1;
    char path[256];
    snprintf(path, sizeof path, "%s/out", dir);
    slurp(path, o->out, sizeof o->out);
    snprintf(path, sizeof path, "%s/err", dir);
    slurp(path, o->err, sizeof o->err);
    snprintf(path, sizeof path, "%s/results", dir);
    struct stat st;
    cr_assert_neq(stat(path, &st), 0, "`hotpath %s` created a results directory", args);
}

static int count_lines(const char *s)
{
    int n = 0;
    for (; *s; s++)
        n += *s == '\n';
    return n;
}

static void expect_refusal(const char *args, const char *needle)
{
    struct outcome o;
    run_hotpath(args, &o);
    cr_assert_eq(o.status, 2, "`hotpath %s`: exit %d, stderr: %s", args, o.status, o.err);
    cr_assert_str_empty(o.out, "`hotpath %s` printed on stdout: %s", args, o.out);
    cr_assert_eq(count_lines(o.err), 1, "`hotpath %s`: one message, got: %s", args, o.err);
    cr_assert(strstr(o.err, needle) != NULL, "`hotpath %s`: expected '%s' in: %s", args, needle,
              o.err);
}

Test(cli, no_command_and_unknown_command)
{
    struct outcome o;
    run_hotpath("", &o);
    cr_assert_eq(o.status, 2);
    expect_refusal("frobnicate", "unknown command 'frobnicate' (valid: list run");
}

Test(cli, run_refuses_bad_flags_and_values)
{
    expect_refusal("run --frob", "unknown option '--frob'");
    expect_refusal("run --samples", "--samples needs a value");
    expect_refusal("run --samples 0", "--samples '0': out of range");
    expect_refusal("run --samples ten", "--samples 'ten': not a whole number");
    expect_refusal("run --threads 1,,2", "--threads: empty item");
    expect_refusal("run --threads 65", "--threads '65': out of range");
    expect_refusal("run --target-time 10", "--target-time '10': unknown or missing unit");
    expect_refusal("run --target-time 10parsecs", "(valid: ns, us, ms, s)");
    expect_refusal("run --mode fast", "--mode 'fast': unknown (valid: batch, latency, both)");
    expect_refusal("run --timer sundial", "--timer 'sundial': unknown (valid: auto, monotonic)");
    expect_refusal("run --workload 'no/such/*'", "--workload 'no/such/*' matches no workload");
    expect_refusal("run extra", "unexpected argument 'extra'");
}

Test(cli, run_refuses_unknown_implementations_listing_valid_ones)
{
    struct outcome o;
    run_hotpath("run --router nonesuch", &o);
    cr_assert_eq(o.status, 2, "%s", o.err);
    cr_assert(strstr(o.err, "--router: unknown implementation 'nonesuch' (valid: ") != NULL, "%s",
              o.err);
    cr_assert_str_empty(o.out);
}

Test(cli, run_refuses_an_existing_output_directory)
{
    char dir[] = "/tmp/hotpath-cli-out-XXXXXX";
    cr_assert_not_null(mkdtemp(dir));
    char args[256];
    snprintf(args, sizeof args, "run --workload null --out %s", dir);
    expect_refusal(args, "already exists");
}

static void remove_tree(const char *dir)
{
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    cr_assert_eq(system(cmd), 0);
}

/* Default results names: a name taken by a finished run or by an interrupted one (.partial) is
 * never chosen again, even for a run started in the same millisecond, and names sort by start. */
Test(cli, default_results_names_are_unique_and_sort_by_start)
{
    char dir[] = "/tmp/hotpath-cli-names-XXXXXX";
    cr_assert_not_null(mkdtemp(dir));
    cr_assert_eq(chdir(dir), 0);
    cr_assert_eq(mkdir("results", 0777), 0);
    struct timespec start = {.tv_sec = 1764780000, .tv_nsec = 123456789};
    char first[256], second[256], third[256], later[256], partial[300];
    hp_results_dir_name_at(&start, first, sizeof first);
    cr_assert_eq(strlen(first), strlen("results/YYYYmmdd-HHMMSS-mmm"), "%s", first);
    cr_assert_str_eq(first + strlen(first) - 4, "-123", "%s: the milliseconds", first);
    cr_assert_eq(mkdir(first, 0777), 0);
    hp_results_dir_name_at(&start, second, sizeof second);
    cr_assert_str_neq(second, first);
    snprintf(partial, sizeof partial, "%s.partial", second);
    cr_assert_eq(mkdir(partial, 0777), 0);
    hp_results_dir_name_at(&start, third, sizeof third);
    cr_assert_str_neq(third, second);
    cr_assert_str_neq(third, first);
    start.tv_nsec += 1000000;
    hp_results_dir_name_at(&start, later, sizeof later);
    cr_assert(strcmp(first, second) < 0 && strcmp(second, third) < 0 && strcmp(third, later) < 0,
              "not in start order: %s %s %s %s", first, second, third, later);
    remove_tree(dir);
}

Test(cli, two_runs_without_out_both_write_their_results)
{
    char dir[] = "/tmp/hotpath-cli-default-XXXXXX";
    cr_assert_not_null(mkdtemp(dir));
    char cmd[1024];
    snprintf(cmd, sizeof cmd,
             "cd %s && for i in 1 2; do %s run --workload null --samples 2 --target-time 1ms "
             "--quiet >/dev/null || exit 1; done && test $(ls results | wc -l) -eq 2",
             dir, HOTPATH_BINARY);
    int raw = system(cmd);
    remove_tree(dir);
    cr_assert(WIFEXITED(raw) && WEXITSTATUS(raw) == 0, "two default-named runs: exit %d", raw);
}

Test(cli, list_names_every_axis_and_workload)
{
    struct outcome o;
    run_hotpath("list", &o);
    cr_assert_eq(o.status, 0, "%s", o.err);
    const char *expected[] = {"router",  "pool",          "buffer_pool",
                              "context", "header_writer", "response_writer",
                              "queue",   "null",          "demo/allocs-1"};
    for (size_t i = 0; i < sizeof expected / sizeof expected[0]; i++)
        cr_assert(strstr(o.out, expected[i]) != NULL, "list lacks %s", expected[i]);
    expect_refusal("list extra", "list takes no arguments");
}

Test(cli, a_small_run_writes_a_results_directory)
{
    char dir[] = "/tmp/hotpath-cli-run-XXXXXX";
    cr_assert_not_null(mkdtemp(dir));
    char cmd[1024];
    snprintf(cmd, sizeof cmd,
             "%s run --workload null,demo/allocs-1 --mode both --samples 2 --target-time 1ms "
             "--out %s/r --quiet >%s/out 2>%s/err",
             HOTPATH_BINARY, dir, dir, dir);
    int raw = system(cmd);
    cr_assert(WIFEXITED(raw) && WEXITSTATUS(raw) == 0, "exit %d", raw);
    const char *files[] = {"results.json", "results.txt", "results.csv",
                           "demo_allocs-1_threads-1_latency.hlog"};
    for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
        char path[512];
        snprintf(path, sizeof path, "%s/r/%s", dir, files[i]);
        struct stat st;
        cr_assert_eq(stat(path, &st), 0, "missing %s", path);
        cr_assert_gt(st.st_size, 0, "empty %s", path);
    }
    char path[512], err[4096];
    snprintf(path, sizeof path, "%s/err", dir);
    slurp(path, err, sizeof err);
    cr_assert_str_empty(err, "--quiet and a non-terminal stderr print no progress: %s", err);
}

Test(cli, ctrl_c_leaves_a_marked_partial_directory)
{
    char dir[] = "/tmp/hotpath-cli-int-XXXXXX";
    cr_assert_not_null(mkdtemp(dir));
    char out_dir[300];
    snprintf(out_dir, sizeof out_dir, "%s/r", dir);
    char stdout_path[300];
    snprintf(stdout_path, sizeof stdout_path, "%s/out", dir);
    pid_t pid = fork();
    if (pid == 0) {
        if (!freopen(stdout_path, "w", stdout))
            _exit(126);
        execl(HOTPATH_BINARY, "hotpath", "run", "--workload", "null", "--samples", "100000",
              "--target-time", "10ms", "--quiet", "--out", out_dir, (char *)NULL);
        _exit(127);
    }
    /* The header line is printed after the stop handler is installed: from then on Ctrl-C
     * must give a partial directory, whatever the run is doing. */
    char header[4096] = "";
    while (!strstr(header, "hotpath run:")) {
        usleep(10 * 1000);
        slurp(stdout_path, header, sizeof header);
    }
    usleep(200 * 1000); /* let it get into the measured rounds, the usual case */
    kill(pid, SIGINT);
    int status;
    waitpid(pid, &status, 0);
    cr_assert(WIFEXITED(status), "hotpath died from a signal instead of stopping cleanly");
    cr_assert_eq(WEXITSTATUS(status), 130);
    char path[512];
    snprintf(path, sizeof path, "%s.partial/results.json", out_dir);
    json_error_t jerr;
    json_t *root = json_load_file(path, 0, &jerr);
    cr_assert_not_null(root, "%s: %s", path, jerr.text);
    cr_assert(json_is_false(json_object_get(root, "complete")));
    json_decref(root);
    struct stat st;
    cr_assert_neq(stat(out_dir, &st), 0, "an interrupted run never takes the final name");
}
