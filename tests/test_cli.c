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

#include "results_write.h"
#include "routers/router.h"
#include "run_captured.h"

struct outcome {
    int status;
    char out[65536];
    char err[65536];
};

static void run_hotpath(const char *args, struct outcome *o)
{
    char dir[] = "/tmp/hotpath-cli-XXXXXX";
    cr_assert_not_null(mkdtemp(dir));
    char cmd[8192];
    snprintf(cmd, sizeof cmd, "cd %s && %s %s", dir, HOTPATH_BINARY, args);
    o->status = run_captured(cmd, dir, o->out, sizeof o->out, o->err, sizeof o->err);
    char path[256];
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

/* Every command's options go through one reader: an empty value names no file, and a refusal
 * points to the command's own --help. */
Test(cli, empty_values_and_each_commands_own_help)
{
    expect_refusal("run --out ''", "--out needs a value, not an empty one (see `hotpath run");
    expect_refusal("run --workloads-dir=", "--workloads-dir needs a value, not an empty one");
    expect_refusal("serve --routes ''", "--routes needs a value, not an empty one");
    expect_refusal("gate a b --json ''", "--json needs a value, not an empty one");
    expect_refusal("profile --frob", "unknown option '--frob' (see `hotpath profile --help`)");
    expect_refusal("profile --diff a b --out", "--out needs a value");
    expect_refusal("serve --bind nowhere --print-response x", "--bind 'nowhere': not an IPv4");
    expect_refusal("list --claims extra", "(got 'extra')");
    expect_refusal("route --routes ''", "'': an empty file name");
    const char *helps[] = {"list --help", "route --help", "gen --help", "gen routes --help"};
    for (size_t i = 0; i < sizeof helps / sizeof helps[0]; i++) {
        struct outcome o;
        run_hotpath(helps[i], &o);
        cr_expect_eq(o.status, 0, "`hotpath %s`: exit %d: %s", helps[i], o.status, o.err);
        cr_expect(strncmp(o.out, "usage: hotpath ", 15) == 0, "`hotpath %s`: %s", helps[i], o.out);
    }
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

/* Two cases of one name make a results file that report, compare and gate refuse: such a run
 * is refused before anything is measured, whichever way the duplicate comes. */
Test(cli, run_refuses_what_would_give_two_cases_one_name)
{
    expect_refusal("run --workload router/github/static --router radix,radix",
                   "--router: 'radix' is listed twice");
    expect_refusal("run --phases bolt.phases --workload null",
                   "workload null is the overhead probe, measured once in every run");
    expect_refusal("run --phases bolt.phases --workload demo/fnv64",
                   "workload demo/fnv64 uses no implementation axis");
}

/* A workload that cannot run the named implementation says what it needs and which
 * implementations have it (by their capability flag), not the case name it never made. */
Test(cli, run_says_why_a_composition_is_refused_and_what_would_do)
{
    struct outcome o;
    run_hotpath("run --workload router/github/read_with_writer --router radix", &o);
    cr_assert_eq(o.status, 2, "%s", o.err);
    cr_assert_not_null(strstr(o.err, "workload router/github/read_with_writer cannot run "
                                     "router=radix: it needs a router that accepts "
                                     "registrations during lookups (valid: --router "),
                       "%s", o.err);
    cr_assert_null(strstr(o.err, "threads="), "%s", o.err);
    for (const struct hp_impl_info *const *it = hp_router_table; *it; it++) {
        const struct hp_router_ops *ops = (const struct hp_router_ops *)*it;
        bool can = (ops->flags & HP_ROUTER_CONCURRENT_WRITES) && ops->remove;
        const char *valid = strstr(o.err, "(valid: ");
        char word[80]; /* the name as a word of the list: " NAME," or " NAME)" */
        snprintf(word, sizeof word, " %s", ops->info.name);
        bool shown = false;
        for (const char *p = valid; p && (p = strstr(p, word)); p += strlen(word))
            shown |= p[strlen(word)] == ',' || p[strlen(word)] == ')';
        cr_assert_eq(shown, can, "%s %s listed: %s", ops->info.name, can ? "not" : "wrongly",
                     o.err);
    }
}

/* "all" names every implementation: a list holding it is a typo, and every name is checked. */
Test(cli, run_refuses_all_in_a_list_and_unknown_names_beside_it)
{
    expect_refusal("run --pool all,nope", "--pool: 'all' stands alone");
    expect_refusal("run --pool nope,all", "--pool: unknown implementation 'nope'");
    expect_refusal("run --router all,radix", "--router: 'all' stands alone");
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

/* A bad --out is refused before anything is measured (exit 2, nothing created); the name
 * "DIR/" is DIR. */
Test(cli, run_checks_the_output_location_before_measuring)
{
    char dir[] = "/tmp/hotpath-cli-out-XXXXXX";
    cr_assert_not_null(mkdtemp(dir));
    char args[6000], file[300];
    snprintf(file, sizeof file, "%s/file", dir);
    FILE *f = fopen(file, "w");
    cr_assert_not_null(f);
    fclose(f);
    expect_refusal("run --workload null --out /proc/x", "--out /proc/x: cannot create");
    snprintf(args, sizeof args, "run --workload null --out %s/x", file);
    expect_refusal(args, "Not a directory");
    expect_refusal("run --workload null --out ''", "--out needs a value, not an empty one");
    /* 2,500 levels: refused whole, no directory made. */
    size_t used = (size_t)snprintf(args, sizeof args, "run --workload null --out %s/", dir);
    for (int i = 0; i < 2500; i++)
        used += (size_t)snprintf(args + used, sizeof args - used, "d/");
    expect_refusal(args, "too long");
    char path[400];
    snprintf(path, sizeof path, "%s/d", dir);
    struct stat st;
    cr_assert_neq(stat(path, &st), 0, "a refused --out created directories");

    /* An existing DIR.partial: an interrupted run when it holds results, else a killed (or
     * running) one; either way refused. */
    snprintf(path, sizeof path, "%s/killed.partial", dir);
    cr_assert_eq(mkdir(path, 0777), 0);
    snprintf(args, sizeof args, "run --workload null --out %s/killed", dir);
    expect_refusal(args, "without results");
    snprintf(path, sizeof path, "%s/stopped.partial", dir);
    cr_assert_eq(mkdir(path, 0777), 0);
    snprintf(path, sizeof path, "%s/stopped.partial/results.json", dir);
    f = fopen(path, "w");
    cr_assert_not_null(f);
    fclose(f);
    snprintf(args, sizeof args, "run --workload null --out %s/stopped", dir);
    expect_refusal(args, "(an interrupted run)");

    /* A case refused at setup: exit 2, and the directories made for --out are gone again. */
    snprintf(args, sizeof args,
             "run --workload router/github/static --router radix --workloads-dir %s --out "
             "%s/new/parents/r",
             dir, dir);
    expect_refusal(args, "github.routes");
    snprintf(path, sizeof path, "%s/new", dir);
    cr_assert_neq(stat(path, &st), 0, "a run refused at setup left %s", path);

    /* A trailing slash names the directory itself. */
    char cmd[1200];
    snprintf(cmd, sizeof cmd,
             "%s run --workload null --samples 2 --target-time 1ms --quiet --out %s/slash/ "
             ">/dev/null 2>&1",
             HOTPATH_BINARY, dir);
    cr_assert_eq(system(cmd), 0);
    snprintf(path, sizeof path, "%s/slash/results.json", dir);
    cr_assert_eq(stat(path, &st), 0, "--out DIR/ writes DIR");
    snprintf(path, sizeof path, "%s/slash.partial", dir);
    cr_assert_neq(stat(path, &st), 0);
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    cr_assert_eq(system(cmd), 0);
}

/* A full disk while the results are written: one message, a non-zero exit, and nothing left
 * that a later run would take for an interrupted one. The disk is a 64 KiB tmpfs filled up
 * first (needs root; the test says so and skips otherwise). */
Test(cli, a_write_failure_leaves_nothing_behind)
{
    if (geteuid() != 0)
        cr_skip_test("mounting a small tmpfs to fill needs root");
    char dir[] = "/tmp/hotpath-cli-full-XXXXXX";
    cr_assert_not_null(mkdtemp(dir));
    char cmd[1200];
    snprintf(cmd, sizeof cmd, "mount -t tmpfs -o size=64k hotpath-test '%s' 2>/dev/null", dir);
    if (system(cmd) != 0) {
        rmdir(dir);
        cr_skip_test("cannot mount a tmpfs here (a container without the capability?)");
    }
    char filler[300];
    snprintf(filler, sizeof filler, "%s/filler", dir);
    FILE *f = fopen(filler, "w");
    static const char block[4096];
    while (f && fwrite(block, 1, sizeof block, f) == sizeof block && fflush(f) == 0)
        ;
    if (f)
        fclose(f);
    snprintf(cmd, sizeof cmd,
             "%s run --workload null,demo/allocs-1 --mode both --samples 2 --target-time 1ms "
             "--quiet --out %s/r >/dev/null 2>%s.err",
             HOTPATH_BINARY, dir, dir);
    int full = system(cmd);
    char path[400];
    struct stat st;
    snprintf(path, sizeof path, "%s/r", dir);
    bool final_left = stat(path, &st) == 0;
    snprintf(path, sizeof path, "%s/r.partial", dir);
    bool partial_left = stat(path, &st) == 0;
    unlink(filler);
    snprintf(cmd, sizeof cmd,
             "%s run --workload null --samples 2 --target-time 1ms --quiet --out %s/r "
             ">/dev/null 2>&1",
             HOTPATH_BINARY, dir);
    int again = system(cmd);
    snprintf(cmd, sizeof cmd, "umount '%s'", dir);
    int unmounted = system(cmd);
    rmdir(dir);
    char err[4096];
    snprintf(path, sizeof path, "%s.err", dir);
    slurp(path, err, sizeof err);
    unlink(path);

    cr_assert_eq(unmounted, 0);
    cr_assert(WIFEXITED(full) && WEXITSTATUS(full) == 1, "exit %d on a full disk", full);
    cr_assert_eq(count_lines(err), 1, "one message: %s", err);
    cr_assert(strstr(err, "No space left on device") && strstr(err, "nothing was kept"), "%s", err);
    cr_assert_not(final_left, "a failed write took the final name");
    cr_assert_not(partial_left, "a failed write left r.partial for the next run to refuse");
    cr_assert(WIFEXITED(again) && WEXITSTATUS(again) == 0,
              "the same --out, with room again, works: exit %d", again);
}

static void write_text(const char *dir, const char *name, const char *text)
{
    char path[512];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "w");
    cr_assert_not_null(f, "%s", path);
    fputs(text, f);
    cr_assert_eq(fclose(f), 0);
}

/* A workloads directory holding one route set and request lists. */
static void make_workloads_dir(char *dir, const char *routes, const char *static_requests)
{
    cr_assert_not_null(mkdtemp(dir));
    char path[400];
    snprintf(path, sizeof path, "%s/routes", dir);
    cr_assert_eq(mkdir(path, 0777), 0);
    snprintf(path, sizeof path, "%s/requests", dir);
    cr_assert_eq(mkdir(path, 0777), 0);
    write_text(dir, "routes/github.routes", routes);
    write_text(dir, "requests/github-static.requests", static_requests);
    write_text(dir, "requests/github-param2.requests", static_requests);
}

/* Router and request workloads looking up requests that find no route time nothing but 404s:
 * the share that finds one is recorded (found_share), a share of 0 is refused at setup, and a
 * share below one half is warned about in the run header and in the report. */
Test(cli, lookups_that_mostly_miss_are_warned_about_and_all_misses_refused)
{
    char args[2048];
    char none[] = "/tmp/hotpath-cli-wl-XXXXXX";
    make_workloads_dir(none, "GET /elsewhere\n", "GET /a\nGET /x\n");
    snprintf(args, sizeof args, "run --workload router/github/static --workloads-dir %s", none);
    expect_refusal(args, "none of the 2 requests of");
    expect_refusal(args, "finds a route");

    char no_slash[] = "/tmp/hotpath-cli-wl-XXXXXX";
    make_workloads_dir(no_slash, "GET /a\nGET /b\n", "GET a\nGET b\n");
    snprintf(args, sizeof args, "run --workload router/github/static --workloads-dir %s", no_slash);
    expect_refusal(args, "every lookup would be a miss");
    snprintf(args, sizeof args, "run --workload request/param2 --workloads-dir %s", no_slash);
    expect_refusal(args, "would be answered 404");

    char few[] = "/tmp/hotpath-cli-wl-XXXXXX";
    make_workloads_dir(few, "GET /a\nGET /b\n", "GET /a\nGET /x\nGET /y\n");
    char cmd[4096];
    snprintf(cmd, sizeof cmd,
             "%s run --workload router/github/static --router radix --samples 2 --target-time "
             "1ms --quiet --workloads-dir %s --out %s/r >%s/out 2>%s/err && %s report %s/r "
             ">/dev/null 2>>%s/err",
             HOTPATH_BINARY, few, few, few, few, HOTPATH_BINARY, few, few);
    int raw = system(cmd);
    char path[400], text[65536];
    snprintf(path, sizeof path, "%s/err", few);
    slurp(path, text, sizeof text);
    cr_assert(WIFEXITED(raw) && WEXITSTATUS(raw) == 0, "exit %d: %s", raw, text);
    snprintf(path, sizeof path, "%s/out", few);
    slurp(path, text, sizeof text);
    cr_assert_not_null(strstr(text, "WARNING: router/github/static/router=radix/threads=1: only "
                                    "33.3% of its requests find a route"),
                       "%s", text);
    cr_assert_lt(strstr(text, "WARNING"), strstr(text, "found_share="), "in the header: %s", text);
    snprintf(path, sizeof path, "%s/r/report.md", few);
    slurp(path, text, sizeof text);
    cr_assert_not_null(strstr(text, "**Warning:** `router/github/static/router=radix/threads=1`: "
                                    "only 33.3%"),
                       "%s", text);
    snprintf(path, sizeof path, "%s/r/results.json", few);
    json_error_t jerr;
    json_t *root = json_load_file(path, 0, &jerr);
    cr_assert_not_null(root, "%s", jerr.text);
    json_t *share = json_object_get(
        json_object_get(
            json_object_get(json_array_get(json_object_get(root, "cases"), 0), "metrics"),
            "found_share"),
        "value");
    cr_assert_float_eq(json_number_value(share), 1.0 / 3, 1e-9);
    json_decref(root);

    const char *dirs[] = {none, no_slash, few};
    for (size_t i = 0; i < 3; i++) {
        snprintf(cmd, sizeof cmd, "rm -rf '%s'", dirs[i]);
        cr_assert_eq(system(cmd), 0);
    }
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
