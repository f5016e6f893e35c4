/* The results loader and the case comparison: a real run read back, every refusal, and the
 * verdicts of hp_compare_cases on constructed samples. */
#include <criterion/criterion.h>

#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "compare.h"
#include "results_read.h"

/* Each test makes and removes its own directory (the Tsan build's Criterion stand-in has no
 * suite fixtures). */
static char tmp_dir[64];

static void make_tmp(void)
{
    strcpy(tmp_dir, "/tmp/hotpath-results-read-XXXXXX");
    cr_assert_not_null(mkdtemp(tmp_dir));
}

static void remove_tmp(void)
{
    char cmd[300];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmp_dir);
    cr_assert_eq(system(cmd), 0);
}

static void write_file(const char *name, const char *text)
{
    char path[512];
    snprintf(path, sizeof path, "%s/%s", tmp_dir, name);
    FILE *f = fopen(path, "w");
    cr_assert_not_null(f);
    fputs(text, f);
    cr_assert_eq(fclose(f), 0);
}

/* A minimal valid document with one case; `case_extra` is spliced into the case object and
 * `samples` is its ns_per_op array (ops_per_sec gets the same length). */
static void write_results_version(const char *name, int version, const char *samples,
                                  const char *case_extra)
{
    /* The defaults for keys case_extra does not give (a duplicate key is refused). */
    char defaults[256] = "";
    if (!strstr(case_extra, "\"threads\""))
        strcat(defaults, "\"threads\": 1, ");
    if (!strstr(case_extra, "\"allocations\""))
        strcat(defaults, "\"allocations\": {\"allocs_per_op\": 0.5, \"bytes_per_op\": 16}, ");
    char text[4096];
    snprintf(
        text, sizeof text,
        "{\"format\": \"hotpath-results\", \"version\": %d, \"complete\": true,\n"
        " \"started\": \"2026-11-23T12:00:00Z\", \"started_epoch_s\": 1.0, \"duration_s\": 2.5,\n"
        " \"command\": \"hotpath run\",\n"
        " \"machine\": {\"fingerprint\": \"abc\", \"cpu_model\": \"cpu\", \"cpus_online\": 2},\n"
        " \"build\": {\"type\": \"Release\", \"git_dirty\": false},\n"
        " \"config\": {\"seed\": 1, \"samples\": 3, \"target_sample_ns\": 1e7},\n"
        " \"floors\": {\"cas_ns\": 5.5, \"handoff_ns\": null},\n"
        " \"cases\": [{\"name\": \"null/threads=1\", \"workload\": \"null\",\n"
        "   \"implementations\": {\"router\": \"radix\"},\n"
        "   \"ops_per_thread_per_sample\": 100, \"measured_ops\": 300,\n"
        "   \"ns_per_op\": %s, \"ops_per_sec\": %s,\n"
        "   %s\"mode\": \"batch\"%s}]}\n",
        version, samples, samples, defaults, case_extra);
    write_file(name, text);
}

static void write_results(const char *name, const char *samples, const char *case_extra)
{
    write_results_version(name, 1, samples, case_extra);
}

static void expect_refusal(const char *name, const char *fragment)
{
    char path[512];
    snprintf(path, sizeof path, "%s/%s", tmp_dir, name);
    struct hp_results r;
    struct hp_error err = {{0}};
    cr_assert_eq(hp_results_read(path, &r, &err), -1, "%s was accepted", name);
    cr_assert(strstr(err.message, path) != NULL, "message names the file: %s", err.message);
    cr_assert(strstr(err.message, fragment) != NULL, "expected \"%s\" in: %s", fragment,
              err.message);
    hp_results_free(&r);
}

Test(results_read, reads_a_constructed_document)
{
    make_tmp();
    write_results("results.json", "[10, 11, 12]",
                  ", \"phase\": \"phase 1\", \"metrics\": {\"retained\": {\"value\": 4096, "
                  "\"unit\": \"bytes\"}}");
    struct hp_results r;
    struct hp_error err = {{0}};
    cr_assert_eq(hp_results_read(tmp_dir, &r, &err), 0, "%s", err.message);
    cr_assert(r.complete);
    cr_assert_str_eq(r.machine_fingerprint, "abc");
    cr_assert_eq(r.cpus_online, 2);
    cr_assert_float_eq(r.floors.cas_ns, 5.5, 1e-12);
    cr_assert(isnan(r.floors.handoff_ns), "null is NAN");
    cr_assert(isnan(r.floors.syscall_ns), "absent (before version 8) is NAN");
    cr_assert(isnan(r.floors.wakeup_ns), "absent (before version 8) is NAN");
    cr_assert(isnan(r.harness_overhead_ns), "absent is NAN");
    cr_assert_eq(r.case_count, 1);
    const struct hp_result_case *c = hp_results_find(&r, "null/threads=1");
    cr_assert_not_null(c);
    cr_assert_str_eq(c->phase, "phase 1");
    cr_assert_str_eq(hp_result_case_impl(c, "router"), "radix");
    cr_assert_null(hp_result_case_impl(c, "pool"));
    cr_assert_eq(c->samples, 3);
    cr_assert_float_eq(c->summary.median, 11.0, 1e-12, "the median is recomputed");
    cr_assert_float_eq(c->allocs_per_op, 0.5, 1e-12);
    cr_assert(isnan(c->instructions));
    const struct hp_result_metric *m = hp_result_case_metric(c, "retained");
    cr_assert_not_null(m);
    cr_assert_float_eq(m->value, 4096.0, 1e-9);
    cr_assert_str_eq(m->unit, "bytes");
    cr_assert_null(hp_results_find(&r, "nothing"));
    hp_results_free(&r);
    remove_tmp();
}

Test(results_read, reads_what_the_run_command_wrote)
{
    make_tmp();
    char out[400], cmd[1000];
    snprintf(out, sizeof out, "%s/run", tmp_dir);
    snprintf(cmd, sizeof cmd,
             "%s run --workload null --samples 3 --target-time 1ms --warmup 0 --quiet --out %s "
             ">/dev/null",
             HOTPATH_BINARY, out);
    cr_assert_eq(system(cmd), 0);
    struct hp_results r;
    struct hp_error err = {{0}};
    cr_assert_eq(hp_results_read(out, &r, &err), 0, "%s", err.message);
    cr_assert_eq(r.case_count, 1);
    cr_assert_eq(r.cases[0].samples, 3);
    cr_assert_null(r.cases[0].phase);
    cr_assert_eq(r.cases[0].allocs_per_op, 0.0);
    cr_assert(r.cases[0].overhead_probe, "the run marks the overhead probe's case");
    hp_results_free(&r);
    remove_tmp();
}

/* Which case is the overhead probe: from version 2 on the per-case flag alone says so (absent:
 * not the probe); version 1 files have no flag, and their probe is the workload named "null". */
Test(results_read, the_overhead_probe_is_the_flagged_case)
{
    make_tmp();
    struct hp_results r;
    struct hp_error err = {{0}};
    char path[512];
    snprintf(path, sizeof path, "%s/results.json", tmp_dir);

    write_results("results.json", "[10, 11, 12]", "");
    cr_assert_eq(hp_results_read(path, &r, &err), 0, "%s", err.message);
    cr_assert(r.cases[0].overhead_probe, "version 1: the null workload is the probe");
    hp_results_free(&r);

    write_results_version("results.json", 2, "[10, 11, 12]", "");
    cr_assert_eq(hp_results_read(path, &r, &err), 0, "%s", err.message);
    cr_assert_not(r.cases[0].overhead_probe, "version 2 without the flag: not the probe");
    hp_results_free(&r);

    write_results_version("results.json", 2, "[10, 11, 12]", ", \"overhead_probe\": true");
    cr_assert_eq(hp_results_read(path, &r, &err), 0, "%s", err.message);
    cr_assert(r.cases[0].overhead_probe);
    hp_results_free(&r);

    write_results_version("bad.json", 2, "[10, 11, 12]", ", \"overhead_probe\": \"yes\"");
    expect_refusal("bad.json", "cases[0].overhead_probe");
    remove_tmp();
}

/* Readers accept every earlier version: the committed CI baseline (version 1) among them. */
Test(results_read, reads_the_committed_version_1_baseline)
{
    struct hp_results r;
    struct hp_error err = {{0}};
    cr_assert_eq(hp_results_read("ci/baselines/results.json", &r, &err), 0, "%s", err.message);
    size_t probes = 0;
    for (size_t i = 0; i < r.case_count; i++)
        probes += r.cases[i].overhead_probe;
    cr_assert_eq(probes, 1, "the baseline's null case is its overhead probe");
    hp_results_free(&r);
}

Test(results_read, refuses_what_is_not_a_complete_valid_document)
{
    make_tmp();
    write_file("not_json.json", "{\"format\": \n  oops}");
    expect_refusal("not_json.json", ":2:");
    write_file("other_format.json", "{\"format\": \"something\"}");
    expect_refusal("other_format.json", "not a hotpath results file");
    write_file("newer.json", "{\"format\": \"hotpath-results\", \"version\": 99}");
    expect_refusal("newer.json", "reads versions 1 to");
    write_results("negative.json", "[10, -1, 12]", "");
    expect_refusal("negative.json", "cases[0].ns_per_op[1]");
    write_results("empty.json", "[]", "");
    expect_refusal("empty.json", "no samples");
    write_results("bad_type.json", "[10, 11, 12]", ", \"latency\": 7");
    expect_refusal("bad_type.json", "cases[0].latency");
    write_file("missing.json", "{\"format\": \"hotpath-results\", \"version\": 1}");
    expect_refusal("missing.json", "complete: missing");
    /* Impossible figures: a negative count or time per op would gate as an improvement. */
    static const struct {
        const char *case_extra, *fragment;
    } impossible[] = {
        {", \"allocations\": {\"allocs_per_op\": -1, \"bytes_per_op\": 0}",
         "cases[0].allocations.allocs_per_op: is negative"},
        {", \"allocations\": {\"allocs_per_op\": 0, \"bytes\": -64}",
         "cases[0].allocations.bytes: is negative"},
        {", \"instructions\": {\"per_op\": -5, \"source\": \"callgrind\"}",
         "cases[0].instructions.per_op: is negative"},
        {", \"latency\": {\"count\": 3, \"p99_ns\": -2}", "cases[0].latency.p99_ns: is negative"},
        {", \"perf\": {\"cycles_per_op\": -1}", "cases[0].perf.cycles_per_op: is negative"},
        {", \"threads\": -1", "cases[0].threads: is negative"},
        /* An .hlog is a file of the results directory, not a path out of it. */
        {", \"latency\": {\"count\": 3, \"hlog\": \"../other/x.hlog\"}",
         "cases[0].latency.hlog: is not the name of a file in the results directory"},
        {", \"latency\": {\"count\": 3, \"hlog\": \"..\"}", "cases[0].latency.hlog: is not"},
    };
    for (size_t i = 0; i < sizeof impossible / sizeof impossible[0]; i++) {
        write_results("impossible.json", "[10, 11, 12]", impossible[i].case_extra);
        expect_refusal("impossible.json", impossible[i].fragment);
    }
    write_file("nan.json", "{\"format\": \"hotpath-results\", \"version\": 1, \"complete\": NaN}");
    expect_refusal("nan.json", "invalid JSON");

    struct hp_results r;
    struct hp_error err = {{0}};
    char path[512];
    snprintf(path, sizeof path, "%s/absent", tmp_dir);
    cr_assert_eq(hp_results_read(path, &r, &err), -1);
    cr_assert(strstr(err.message, "absent") != NULL);
    remove_tmp();
}

/* results.json is read only as a regular file of at most HP_RESULTS_MAX_BYTES: what is not one
 * is refused before anything is parsed, and a FIFO without a writer does not block the read. */
Test(results_read, refuses_what_is_not_a_bounded_regular_file, .timeout = 20)
{
    make_tmp();
    char path[512];
    snprintf(path, sizeof path, "%s/dir", tmp_dir);
    cr_assert_eq(mkdir(path, 0700), 0);
    snprintf(path, sizeof path, "%s/dir/results.json", tmp_dir);
    cr_assert_eq(mkdir(path, 0700), 0);
    expect_refusal("dir", "dir/results.json: is a directory");
    snprintf(path, sizeof path, "%s/fifo.json", tmp_dir);
    cr_assert_eq(mkfifo(path, 0600), 0);
    expect_refusal("fifo.json", "is not a regular file");
    snprintf(path, sizeof path, "%s/huge.json", tmp_dir);
    int fd = open(path, O_WRONLY | O_CREAT, 0600);
    cr_assert_geq(fd, 0);
    cr_assert_eq(ftruncate(fd, (off_t)HP_RESULTS_MAX_BYTES + 1), 0); /* sparse: no disk used */
    close(fd);
    expect_refusal("huge.json", "longer than 256 MiB, the limit for this file");

    write_results("dup_key.json", "[10, 11, 12]", ", \"mode\": \"latency\"");
    expect_refusal("dup_key.json", "duplicate object key");
    write_file("nul.json", "{\"format\":\n \"hotpath-results\"}\n");
    snprintf(path, sizeof path, "%s/nul.json", tmp_dir);
    FILE *f = fopen(path, "r+");
    cr_assert_not_null(f);
    cr_assert_eq(fseek(f, 12, SEEK_SET), 0); /* inside the string on line 2 */
    cr_assert_eq(fputc('\0', f), 0);
    cr_assert_eq(fclose(f), 0);
    expect_refusal("nul.json", "nul.json:2: invalid JSON: a NUL byte");

    struct hp_results r;
    struct hp_error err = {{0}};
    cr_assert_eq(hp_results_read("/dev/zero", &r, &err), -1);
    cr_assert_not_null(strstr(err.message, "/dev/zero: is not a regular file"), "%s", err.message);
    remove_tmp();
}

/* What the file says of a case must agree with itself: its sample count with the samples it
 * holds, its per-thread rates with its threads and samples; and a case has a name. */
Test(results_read, refuses_a_case_that_contradicts_itself)
{
    make_tmp();
    static const struct {
        const char *case_extra, *fragment;
    } bad[] = {
        {", \"samples\": 1000", "cases[0].samples: is 1000, but ns_per_op holds 3 values"},
        {", \"samples\": 2", "cases[0].samples: is 2, but ns_per_op holds 3 values"},
        {", \"samples\": -3", "cases[0].samples: is -3"},
        {", \"samples\": \"3\"", "cases[0].samples: has the wrong type"},
        {", \"thread_ops_per_sec\": [[1, 2, 3], [1, 2, 3]]",
         "cases[0].thread_ops_per_sec: does not hold one array per thread"},
        {", \"thread_ops_per_sec\": [[1, 2]]",
         "cases[0].thread_ops_per_sec: [0] is not an array of 3 numbers"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        write_results("bad.json", "[10, 11, 12]", bad[i].case_extra);
        expect_refusal("bad.json", bad[i].fragment);
    }
    write_results("good.json", "[10, 11, 12]",
                  ", \"samples\": 3, \"thread_ops_per_sec\": [[1e8, null, 1e8]]");
    struct hp_results r;
    struct hp_error err = {{0}};
    char path[512];
    snprintf(path, sizeof path, "%s/good.json", tmp_dir);
    cr_assert_eq(hp_results_read(path, &r, &err), 0, "%s", err.message);
    cr_assert_eq(r.cases[0].samples, 3);
    hp_results_free(&r);

    /* The name: the helper's case is "null/threads=1"; an empty one is spliced over it. */
    write_results("unnamed.json", "[10, 11, 12]", "");
    snprintf(path, sizeof path, "%s/unnamed.json", tmp_dir);
    char cmd[700];
    snprintf(cmd, sizeof cmd, "sed -i 's|\"name\": \"null/threads=1\"|\"name\": \"\"|' '%s'", path);
    cr_assert_eq(system(cmd), 0);
    expect_refusal("unnamed.json", "cases[0]: name is empty");
    remove_tmp();
}

Test(results_read, refuses_duplicate_case_names)
{
    make_tmp();
    char text[2048];
    const char *one = "{\"name\": \"a\", \"workload\": \"null\", \"implementations\": {}, "
                      "\"threads\": 1, \"mode\": \"batch\", \"ops_per_thread_per_sample\": 1, "
                      "\"measured_ops\": 1, \"ns_per_op\": [1], \"ops_per_sec\": [1]}";
    snprintf(text, sizeof text,
             "{\"format\": \"hotpath-results\", \"version\": 1, \"complete\": true,"
             " \"started\": \"x\", \"started_epoch_s\": 1, \"duration_s\": 1, \"command\": \"c\","
             " \"machine\": {\"fingerprint\": \"f\", \"cpu_model\": \"m\", \"cpus_online\": 1},"
             " \"build\": {\"type\": \"Release\"}, \"config\": {\"seed\": 1, \"samples\": 1,"
             " \"target_sample_ns\": 1}, \"cases\": [%s, %s]}",
             one, one);
    write_file("dup.json", text);
    expect_refusal("dup.json", "two cases are named \"a\"");
    remove_tmp();
}

/* ---- hp_compare_cases ------------------------------------------------------------------- */

static struct hp_result_case make_case(double *samples, size_t n)
{
    struct hp_result_case c = {
        .name = "case", .ns_per_op = samples, .samples = n, .allocs_per_op = 0, .bytes_per_op = 0};
    cr_assert_eq(hp_summarize(samples, n, 0.95, &c.summary), 0);
    return c;
}

Test(compare, a_case_against_itself_is_no_significant_change)
{
    double s[] = {10.0, 10.2, 9.9, 10.1, 10.4, 9.8, 10.0, 10.3, 9.7, 10.05};
    struct hp_result_case a = make_case(s, 10);
    struct hp_compare_options o;
    hp_compare_options_defaults(&o);
    struct hp_case_comparison cmp;
    struct hp_error err;
    cr_assert_eq(hp_compare_cases(&a, &a, &o, &cmp, &err), 0);
    cr_assert_eq(cmp.change, HP_CHANGE_NONE);
    cr_assert_float_eq(cmp.ratio, 1.0, 1e-12);
    cr_assert(cmp.ratio_low <= 1.0 && cmp.ratio_high >= 1.0);
    cr_assert_float_eq(cmp.p_value, 1.0, 1e-9, "identical samples: p = 1");
    cr_assert_str_eq(hp_change_name(cmp.change), "no significant change");
}

Test(compare, separated_samples_are_a_significant_change_both_ways)
{
    /* No ties, so the exact null distribution applies. */
    double slow[] = {15.0, 15.2, 14.9, 15.1, 15.4, 14.8, 15.01, 15.3, 14.7, 15.05};
    double fast[] = {10.0, 10.2, 9.9, 10.1, 10.4, 9.8, 10.01, 10.3, 9.7, 10.05};
    struct hp_result_case a = make_case(fast, 10), b = make_case(slow, 10);
    struct hp_compare_options o;
    hp_compare_options_defaults(&o);
    struct hp_case_comparison cmp;
    struct hp_error err;
    cr_assert_eq(hp_compare_cases(&a, &b, &o, &cmp, &err), 0);
    cr_assert_eq(cmp.change, HP_CHANGE_SLOWER);
    cr_assert_float_eq(cmp.ratio, 15.03 / 10.03, 1e-9);
    cr_assert(cmp.ratio_low > 1.0);
    /* Complete separation of 10 and 10 samples: exact two-sided p = 2 / C(20, 10). */
    cr_assert_float_eq(cmp.p_value, 2.0 / 184756.0, 1e-12);
    cr_assert_eq(hp_compare_cases(&b, &a, &o, &cmp, &err), 0);
    cr_assert_eq(cmp.change, HP_CHANGE_FASTER);
    cr_assert(cmp.ratio_high < 1.0);
}

Test(compare, two_samples_give_no_verdict)
{
    double x[] = {10, 11}, y[] = {20, 21};
    struct hp_result_case a = make_case(x, 2), b = make_case(y, 2);
    struct hp_compare_options o;
    hp_compare_options_defaults(&o);
    struct hp_case_comparison cmp;
    struct hp_error err;
    cr_assert_eq(hp_compare_cases(&a, &b, &o, &cmp, &err), 0);
    cr_assert_eq(cmp.change, HP_CHANGE_TOO_FEW_SAMPLES);
    cr_assert_float_eq(cmp.ratio, 20.5 / 10.5, 1e-12, "the point ratio is still given");
    cr_assert(isnan(cmp.ratio_low));
}
