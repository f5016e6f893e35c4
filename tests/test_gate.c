/* The regression gate on constructed results files: its decisions (clear win, clear loss, a loss
 * within noise or within the threshold, missing and new cases, an extra allocation, instruction
 * growth, other machines), its exit codes and its refusals. */
#include "results_fixture.h"

#include "gate.h"
#include "results_merge.h"

/* Every test has its own temp dir (fixtures per test: the Tsan build's Criterion stand-in has no
 * suite-level fixtures). */

static double base10[10], faster10[10], slower10[10], slightly_slower10[10], noisy_slower10[10];

static void make_samples(void)
{
    fx_samples(base10, 10, 100, 1);
    fx_samples(faster10, 10, 80, 1);
    fx_samples(slower10, 10, 120, 1);
    fx_samples(slightly_slower10, 10, 103, 0.5); /* significant, but under the 5% threshold */
    fx_samples(noisy_slower10, 10, 110, 60);     /* slower on average, lost in the noise */
}

/* One case "demo/x/threads=1" with the given samples and metrics. */
static void write_one(const char *dir, const double *samples, double allocs, double bytes,
                      double instructions, const char *fingerprint)
{
    struct fx_case c = {.workload = "demo/x",
                        .samples = samples,
                        .n = 10,
                        .allocs = allocs,
                        .bytes = bytes,
                        .instructions = instructions};
    struct fx_run run = {.fingerprint = fingerprint};
    fx_write(dir, &run, &c, 1);
}

static int gate(const char *args)
{
    return fx_hotpath(args);
}

/* Evaluates the gate in-process and returns the status of the single row. */
static enum hp_gate_status gate_status_of(const char *old_dir, const char *new_dir,
                                          struct hp_gate_result *keep)
{
    struct hp_results a, b;
    struct hp_error err = {{0}};
    cr_assert_eq(hp_results_read(fx_path(old_dir), &a, &err), 0, "%s", err.message);
    cr_assert_eq(hp_results_read(fx_path(new_dir), &b, &err), 0, "%s", err.message);
    struct hp_gate_config config;
    hp_gate_config_defaults(&config);
    struct hp_gate_result r;
    cr_assert_eq(hp_gate_evaluate(&a, &b, &config, &r, &err), 0, "%s", err.message);
    cr_assert_geq(r.row_count, 1);
    enum hp_gate_status s = r.rows[0].status;
    if (keep) {
        keep->failed = r.failed;
        keep->time_gated = r.time_gated;
        keep->note_count = r.note_count;
    }
    hp_gate_result_free(&r);
    hp_results_free(&a);
    hp_results_free(&b);
    return s;
}

Test(gate, clear_win_is_improved_and_passes, .init = fx_setup, .fini = fx_teardown)
{
    make_samples();
    write_one("old", base10, 0, 0, 0, NULL);
    write_one("new", faster10, 0, 0, 0, NULL);
    cr_assert_eq(gate_status_of("old", "new", NULL), HP_GATE_IMPROVED);
    cr_assert_eq(gate("gate old new"), 0, "%s", fx_read("err"));
    cr_assert(strstr(fx_read("out"), "improved") != NULL);
}

Test(gate, clear_loss_regresses_and_exits_1, .init = fx_setup, .fini = fx_teardown)
{
    make_samples();
    write_one("old", base10, 0, 0, 0, NULL);
    write_one("new", slower10, 0, 0, 0, NULL);
    cr_assert_eq(gate_status_of("old", "new", NULL), HP_GATE_REGRESSED);
    cr_assert_eq(gate("gate old new"), 1);
    cr_assert(strstr(fx_read("out"), "REGRESSED") != NULL);
    cr_assert(strstr(fx_read("out"), "FAILED") != NULL);
}

Test(gate, loss_under_the_threshold_or_within_noise_passes, .init = fx_setup, .fini = fx_teardown)
{
    make_samples();
    write_one("old", base10, 0, 0, 0, NULL);
    write_one("small", slightly_slower10, 0, 0, 0, NULL);
    write_one("noisy", noisy_slower10, 0, 0, 0, NULL);
    cr_assert_eq(gate_status_of("old", "small", NULL), HP_GATE_UNCHANGED);
    cr_assert_eq(gate_status_of("old", "noisy", NULL), HP_GATE_UNCHANGED);
    cr_assert_eq(gate("gate old small"), 0);
    cr_assert_eq(gate("gate old noisy"), 0);
}

Test(gate, threshold_is_configurable_per_case, .init = fx_setup, .fini = fx_teardown)
{
    make_samples();
    write_one("old", base10, 0, 0, 0, NULL);
    write_one("new", slower10, 0, 0, 0, NULL);
    fx_write_text("loose.ini", "; a case that may be 25% slower\n[case demo/*]\nthreshold = 25%\n");
    cr_assert_eq(gate("gate old new --config loose.ini"), 0, "%s", fx_read("out"));
    fx_write_text("tight.ini", "[gate]\nthreshold = 0.01\n");
    write_one("small", slightly_slower10, 0, 0, 0, NULL);
    cr_assert_eq(gate("gate old small --config tight.ini"), 1);
    /* 8% slower, significant, but the interval reaches below 1.05: the point rule fails it, the
     * bound rule does not */
    double wide[10];
    fx_samples(wide, 10, 108, 6);
    write_one("wide", wide, 0, 0, 0, NULL);
    cr_assert_eq(gate("gate old wide"), 1, "%s", fx_read("out"));
    fx_write_text("bound.ini", "[gate]\ntime_rule = bound\n");
    cr_assert_eq(gate("gate old wide --config bound.ini"), 0, "%s", fx_read("out"));
    fx_write_text("ignore.ini", "[case demo/x/threads=1]\nignore = yes\n");
    cr_assert_eq(gate("gate old new --config ignore.ini"), 0);
    cr_assert(strstr(fx_read("out"), "ignored") != NULL);
}

Test(gate, missing_and_new_cases_are_listed, .init = fx_setup, .fini = fx_teardown)
{
    make_samples();
    struct fx_case old_cases[] = {
        {.workload = "demo/kept", .samples = base10, .n = 10},
        {.workload = "demo/gone", .samples = base10, .n = 10},
    };
    struct fx_case new_cases[] = {
        {.workload = "demo/kept", .samples = base10, .n = 10},
        {.workload = "demo/added", .samples = base10, .n = 10},
    };
    fx_write("old", NULL, old_cases, 2);
    fx_write("new", NULL, new_cases, 2);
    cr_assert_eq(gate("gate old new"), 0, "%s", fx_read("err"));
    const char *out = fx_read("out");
    cr_assert(strstr(out, "demo/gone/threads=1") && strstr(out, "missing"), "%s", out);
    cr_assert(strstr(out, "demo/added/threads=1") && strstr(out, "new"), "%s", out);
    fx_write_text("strict.ini", "[gate]\nfail_on_missing = yes\n");
    cr_assert_eq(gate("gate old new --config strict.ini"), 1);
}

Test(gate, an_extra_allocation_fails_unless_budgeted, .init = fx_setup, .fini = fx_teardown)
{
    make_samples();
    write_one("old", base10, 0, 0, 0, NULL);
    write_one("new", base10, 1, 64, 0, NULL);
    cr_assert_eq(gate_status_of("old", "new", NULL), HP_GATE_REGRESSED);
    cr_assert_eq(gate("gate old new"), 1);
    cr_assert(strstr(fx_read("out"), "allocs/op 0 -> 1") != NULL, "%s", fx_read("out"));
    fx_write_text("budget.ini", "[case demo/x/*]\nallocs_budget = 1\nbytes_budget = 64\n");
    cr_assert_eq(gate("gate old new --config budget.ini"), 0, "%s", fx_read("out"));
    /* amortized growth below the resolution is not a regression */
    write_one("amortized", base10, 0.001, 0.5, 0, NULL);
    cr_assert_eq(gate("gate old amortized"), 0, "%s", fx_read("out"));
}

Test(gate, instruction_growth_beyond_one_percent_fails, .init = fx_setup, .fini = fx_teardown)
{
    make_samples();
    write_one("old", base10, 0, 0, 1000, NULL);
    write_one("same", base10, 0, 0, 1000, NULL);
    write_one("plus09", base10, 0, 0, 1009, NULL);
    write_one("plus11", base10, 0, 0, 1011, NULL);
    cr_assert_eq(gate("gate old same"), 0);
    cr_assert_eq(gate("gate old plus09"), 0);
    cr_assert_eq(gate("gate old plus11"), 1);
    cr_assert(strstr(fx_read("out"), "instructions/op") != NULL);
    /* counts from different sources are not compared */
    struct fx_case perf = {.workload = "demo/x",
                           .samples = base10,
                           .n = 10,
                           .instructions = 2000,
                           .instr_source = "perf"};
    fx_write("perf", NULL, &perf, 1);
    cr_assert_eq(gate("gate old perf"), 0);
    cr_assert(strstr(fx_read("out"), "not gated") != NULL);
}

Test(gate, other_machines_gate_only_deterministic_metrics, .init = fx_setup, .fini = fx_teardown)
{
    make_samples();
    write_one("old", base10, 0, 0, 0, "machine-a");
    write_one("slow_elsewhere", slower10, 0, 0, 0, "machine-b");
    struct hp_gate_result r;
    cr_assert_eq(gate_status_of("old", "slow_elsewhere", &r), HP_GATE_UNCHANGED);
    cr_assert_not(r.time_gated);
    cr_assert_eq(r.note_count, 1);
    cr_assert_eq(gate("gate old slow_elsewhere"), 0);
    cr_assert(strstr(fx_read("out"), "different machines") != NULL);
    write_one("alloc_elsewhere", base10, 1, 64, 0, "machine-b");
    cr_assert_eq(gate("gate old alloc_elsewhere"), 1);
    /* --deterministic: the same on one machine */
    write_one("slow_here", slower10, 0, 0, 0, "machine-a");
    cr_assert_eq(gate("gate --deterministic old slow_here"), 0);
}

Test(gate, writes_a_json_verdict_and_markdown, .init = fx_setup, .fini = fx_teardown)
{
    make_samples();
    write_one("old", base10, 0, 0, 0, NULL);
    write_one("new", slower10, 0, 0, 0, NULL);
    cr_assert_eq(gate("gate old new --format md --json verdict.json"), 1);
    cr_assert(strstr(fx_read("out"), "| case | status |") != NULL);
    json_error_t jerr;
    json_t *v = json_load_file(fx_path("verdict.json"), 0, &jerr);
    cr_assert_not_null(v, "%s", jerr.text);
    cr_assert_str_eq(json_string_value(json_object_get(v, "verdict")), "fail");
    json_t *counts = json_object_get(v, "counts");
    cr_assert_eq(json_integer_value(json_object_get(counts, "compared")), 1,
                 "the verdict counts the cases it compared");
    json_t *c0 = json_array_get(json_object_get(v, "cases"), 0);
    cr_assert_str_eq(json_string_value(json_object_get(c0, "status")), "REGRESSED");
    double ratio = json_real_value(json_object_get(json_object_get(c0, "time"), "ratio"));
    cr_assert_float_eq(ratio, 120.0 / 100.0, 1e-9);
    json_decref(v);
}

Test(gate, pooled_runs_concatenate_samples, .init = fx_setup, .fini = fx_teardown)
{
    make_samples();
    write_one("a1", base10, 0, 0, 0, NULL);
    write_one("a2", faster10, 2, 0, 0, NULL);
    struct hp_results r;
    struct hp_error err = {{0}};
    char list[1200];
    snprintf(list, sizeof list, "%s,%s", fx_path("a1"), fx_path("a2"));
    cr_assert_eq(hp_results_read_merged(list, &r, &err), 0, "%s", err.message);
    cr_assert_eq(r.cases[0].samples, 20);
    cr_assert_float_eq(r.cases[0].allocs_per_op, 1.0, 1e-12); /* equal ops on both sides */
    cr_assert_float_eq(r.cases[0].summary.median, (80.0 + 1 + 99.0) / 2, 1e-9);
    hp_results_free(&r);
    struct fx_case other = {.workload = "demo/other", .samples = base10, .n = 10};
    fx_write("a3", NULL, &other, 1);
    snprintf(list, sizeof list, "%s,%s", fx_path("a1"), fx_path("a3"));
    cr_assert_eq(hp_results_read_merged(list, &r, &err), -1);
    cr_assert(strstr(err.message, "demo/other") != NULL, "%s", err.message);
    hp_results_free(&r);
}

Test(gate, refuses_bad_input_with_exit_2, .init = fx_setup, .fini = fx_teardown)
{
    make_samples();
    write_one("old", base10, 0, 0, 0, NULL);
    cr_assert_eq(gate("gate old nowhere"), 2);
    cr_assert(strstr(fx_read("err"), "nowhere") != NULL, "%s", fx_read("err"));

    mkdir(fx_path("broken"), 0755);
    fx_write_text("broken/results.json", "{\"format\": \"hotpath-results\",\n \"version\": 1,\n");
    cr_assert_eq(gate("gate old broken"), 2);
    cr_assert(strstr(fx_read("err"), "broken/results.json") != NULL, "%s", fx_read("err"));

    struct fx_case c = {.workload = "demo/x", .samples = base10, .n = 10};
    struct fx_run debug = {.build_type = "Debug"};
    fx_write("debug", &debug, &c, 1);
    cr_assert_eq(gate("gate old debug"), 2);
    cr_assert(strstr(fx_read("err"), "build type") != NULL, "%s", fx_read("err"));

    struct fx_run partial = {.incomplete = true};
    fx_write("partial", &partial, &c, 1);
    cr_assert_eq(gate("gate old partial"), 2);
    cr_assert(strstr(fx_read("err"), "interrupted") != NULL, "%s", fx_read("err"));

    /* A negative allocs/op is no improvement but an impossible file. */
    write_one("negative", base10, -1, 0, 0, NULL);
    cr_assert_eq(gate("gate old negative"), 2);
    cr_assert(strstr(fx_read("err"), "negative/results.json: cases[0].allocations.allocs_per_op: "
                                     "is negative") != NULL,
              "%s", fx_read("err"));

    /* A run without cases (the reader accepts "cases": []): nothing to gate, said once. */
    fx_write("empty", NULL, NULL, 0);
    cr_assert_eq(gate("gate old empty"), 2);
    cr_assert_str_eq(fx_read("err"), "hotpath: empty/results.json: cases: is empty: the run "
                                     "measured no case, so there is nothing to compare\n");
    cr_assert_eq(gate("gate empty,empty old"), 2);
    cr_assert(strstr(fx_read("err"), "empty/results.json: cases: is empty") != NULL, "%s",
              fx_read("err"));

    struct fx_case unrelated = {.workload = "demo/y", .samples = base10, .n = 10};
    fx_write("unrelated", NULL, &unrelated, 1);
    cr_assert_eq(gate("gate old unrelated"), 2);
    cr_assert(strstr(fx_read("err"), "no case in common") != NULL, "%s", fx_read("err"));

    fx_write_text("bad_key.ini", "[gate]\nthreshold = 5%\n\n[case demo/*]\nthreshhold = 10%\n");
    cr_assert_eq(gate("gate old old --config bad_key.ini"), 2);
    cr_assert(strstr(fx_read("err"), "bad_key.ini:5:") != NULL, "%s", fx_read("err"));
    cr_assert(strstr(fx_read("err"), "threshhold") != NULL, "%s", fx_read("err"));

    /* A section is judged at its header's line; a key outside any names itself. */
    fx_write_text("bad_section.ini", "[gates]\nthreshold = 5%\n");
    cr_assert_eq(gate("gate old old --config bad_section.ini"), 2);
    cr_assert(strstr(fx_read("err"), "bad_section.ini:1: unknown section [gates]") != NULL, "%s",
              fx_read("err"));
    fx_write_text("no_pattern.ini", "[case ]\nthreshold = 5%\n");
    cr_assert_eq(gate("gate old old --config no_pattern.ini"), 2);
    cr_assert(strstr(fx_read("err"), "no_pattern.ini:1: unknown section [case]") != NULL, "%s",
              fx_read("err"));
    fx_write_text("no_section.ini", "threshold = 5%\n[gate]\n");
    cr_assert_eq(gate("gate old old --config no_section.ini"), 2);
    cr_assert(strstr(fx_read("err"), "no_section.ini:1: 'threshold' before any section") != NULL,
              "%s", fx_read("err"));
    fx_write_text("bad_bool.ini", "[case demo/*]\nignore = perhaps\n");
    cr_assert_eq(gate("gate old old --config bad_bool.ini"), 2);
    cr_assert(strstr(fx_read("err"), "bad_bool.ini:2: ignore 'perhaps': not yes or no") != NULL,
              "%s", fx_read("err"));

    fx_write_text("bad_value.ini", "[gate]\nthreshold = fast\n");
    cr_assert_eq(gate("gate old old --config bad_value.ini"), 2);
    cr_assert(strstr(fx_read("err"), "bad_value.ini:2:") != NULL, "%s", fx_read("err"));

    fx_write_text("bad_line.ini", "[gate]\nthreshold 5%\n");
    cr_assert_eq(gate("gate old old --config bad_line.ini"), 2);
    cr_assert(strstr(fx_read("err"), "bad_line.ini:2:") != NULL, "%s", fx_read("err"));

    cr_assert_eq(gate("gate old"), 2);
    cr_assert_eq(gate("gate old old --format html"), 2);
    cr_assert_eq(gate("gate old old --frobnicate"), 2);
    /* nothing on stdout after a refusal */
    cr_assert_str_eq(fx_read("out"), "");
}

Test(gate, a_run_against_itself_passes, .init = fx_setup, .fini = fx_teardown)
{
    make_samples();
    write_one("old", base10, 1, 64, 500, NULL);
    cr_assert_eq(gate("gate old old"), 0);
    cr_assert(strstr(fx_read("out"), "passed") != NULL);
}

/* Every run has the overhead probe: two runs of unrelated workloads share it, and sharing it
 * alone must not pass as a comparison. The probe is known by the flag results.json (version 2)
 * gives its cases, not by its name; version 1 files, which have no flag, by the workload name
 * "null" they were all written with. */
Test(gate, runs_sharing_only_the_overhead_probe_are_refused, .init = fx_setup, .fini = fx_teardown)
{
    make_samples();
    struct fx_run v2 = {.version = 2};
    struct fx_case old_cases[] = {
        {.workload = "demo/a", .samples = base10, .n = 10},
        {.workload = "probe", .samples = base10, .n = 10, .overhead_probe = true}};
    struct fx_case new_cases[] = {
        {.workload = "demo/b", .samples = base10, .n = 10},
        {.workload = "probe", .samples = base10, .n = 10, .overhead_probe = true}};
    fx_write("a", &v2, old_cases, 2);
    fx_write("b", &v2, new_cases, 2);
    cr_assert_eq(gate("gate a b"), 2, "%s", fx_read("out"));
    cr_assert(strstr(fx_read("err"), "no case in common besides the overhead probe") != NULL, "%s",
              fx_read("err"));
    cr_assert_str_eq(fx_read("out"), "");

    /* Version 1: the workload named "null" is the probe. */
    struct fx_case old_v1[] = {{.workload = "demo/a", .samples = base10, .n = 10},
                               {.workload = "null", .samples = base10, .n = 10}};
    struct fx_case new_v1[] = {{.workload = "demo/b", .samples = base10, .n = 10},
                               {.workload = "null", .samples = base10, .n = 10}};
    fx_write("a1", NULL, old_v1, 2);
    fx_write("b1", NULL, new_v1, 2);
    cr_assert_eq(gate("gate a1 b1"), 2);
    cr_assert(strstr(fx_read("err"), "besides the overhead probe") != NULL, "%s", fx_read("err"));

    /* Version 2 decides by the flag alone: a case of a workload named "null" without it is an
     * ordinary case, and the gate says how many it compared. */
    fx_write("a2", &v2, old_v1, 2);
    fx_write("b2", &v2, new_v1, 2);
    cr_assert_eq(gate("gate a2 b2"), 0, "%s", fx_read("err"));
    cr_assert(strstr(fx_read("out"), "passed: compared 1 case besides the overhead probe") != NULL,
              "%s", fx_read("out"));

    /* A real case in common besides the probe: compared and counted. */
    struct fx_case shared[] = {
        {.workload = "demo/a", .samples = base10, .n = 10},
        {.workload = "demo/c", .samples = base10, .n = 10},
        {.workload = "probe", .samples = base10, .n = 10, .overhead_probe = true}};
    fx_write("c", &v2, shared, 3);
    cr_assert_eq(gate("gate a c --format md"), 0, "%s", fx_read("err"));
    cr_assert(strstr(fx_read("out"), "passed: compared 1 case besides the overhead probe") != NULL,
              "%s", fx_read("out"));
}

Test(gate, config_reader_refuses_what_inih_would_misread, .init = fx_setup, .fini = fx_teardown)
{
    make_samples();
    write_one("old", base10, 0, 0, 0, NULL);

    fx_write_text("repeated.ini", "[gate]\nthreshold = 5%\nlevel = 0.9\nthreshold = 10%\n");
    cr_assert_eq(gate("gate old old --config repeated.ini"), 2);
    cr_assert(strstr(fx_read("err"), "repeated.ini:4: 'threshold' is set again (first at line 2)"),
              "%s", fx_read("err"));
    fx_write_text("repeated_case.ini",
                  "[gate]\nthreshold = 5%\n[case demo/*]\nthreshold = 9%\nignore = yes\n"
                  "ignore = no\n");
    cr_assert_eq(gate("gate old old --config repeated_case.ini"), 2);
    cr_assert(
        strstr(fx_read("err"), "repeated_case.ini:6: 'ignore' is set again (first at line 5)"),
        "%s", fx_read("err"));
    /* One key in [gate] and in a [case] is no repetition. */
    fx_write_text("both.ini", "[gate]\nthreshold = 5%\n[case demo/*]\nthreshold = 9%\n");
    cr_assert_eq(gate("gate old old --config both.ini"), 0, "%s", fx_read("err"));

    /* inih reads a line in pieces of 199 characters and counts each piece as a line. */
    char long_line[512];
    snprintf(long_line, sizeof long_line, "[gate]\nthreshold = 5%%  ; %0230d\nlevel = x\n", 0);
    fx_write_text("long.ini", long_line);
    cr_assert_eq(gate("gate old old --config long.ini"), 2);
    cr_assert(strstr(fx_read("err"), "long.ini:2: line too long: 248 characters, the limit is 199"),
              "%s", fx_read("err"));
    snprintf(long_line, sizeof long_line, "[gate]\nthreshold = 5%%  ; %0181d\nlevel = x\n", 0);
    fx_write_text("longest.ini", long_line); /* 199 characters: read whole */
    cr_assert_eq(gate("gate old old --config longest.ini"), 2);
    cr_assert(strstr(fx_read("err"), "longest.ini:3: level 'x'"), "%s", fx_read("err"));

    /* Inputs that never end, or are no file. */
    cr_assert_eq(fx_hotpath_with("timeout 60", "gate old old --config /dev/zero", "out"), 2);
    cr_assert(strstr(fx_read("err"), "/dev/zero: longer than 64 KiB"), "%s", fx_read("err"));
    cr_assert_eq(gate("gate old old --config ."), 2);
    cr_assert(strstr(fx_read("err"), ".: is a directory"), "%s", fx_read("err"));
}

Test(gate, a_verdict_or_table_that_cannot_be_written_fails, .init = fx_setup, .fini = fx_teardown)
{
    make_samples();
    write_one("old", base10, 0, 0, 0, NULL);
    /* 512 bytes per file at most (dash counts 512-byte blocks); the verdict is longer. */
    cr_assert_eq(fx_hotpath_with("trap '' XFSZ; ulimit -f 1;", "gate old old --json v.json", "out"),
                 2);
    cr_assert(strstr(fx_read("err"), "cannot write v.json: File too large"), "%s", fx_read("err"));
    struct stat st;
    cr_assert_neq(stat(fx_path("v.json"), &st), 0, "a partial verdict was left");
    cr_assert_neq(stat(fx_path(".v.json.tmp"), &st), 0, "the temporary was left");
    /* A device is written in place, never replaced. */
    cr_assert_eq(gate("gate old old --json /dev/full"), 2);
    cr_assert(strstr(fx_read("err"), "cannot write /dev/full: No space left on device"), "%s",
              fx_read("err"));
    cr_assert_eq(stat("/dev/full", &st), 0);
    cr_assert(S_ISCHR(st.st_mode), "/dev/full was replaced");
    /* The table to a full device. */
    cr_assert_eq(fx_hotpath_with("", "gate old old", "/dev/full"), 2);
    cr_assert_str_eq(fx_read("err"), "hotpath: cannot write standard output: No space left on "
                                     "device\n");
    cr_assert_eq(gate("gate old old --json v.json"), 0, "%s", fx_read("err"));
    cr_assert(strstr(fx_read("v.json"), "\"verdict\": \"pass\""));
}

/* One case "demo/x/threads=1" in a version-5 file whose run marked itself unreliable or not. */
static void write_validity(const char *dir, const double *samples, double allocs, bool unreliable)
{
    struct fx_case c = {.workload = "demo/x", .samples = samples, .n = 10, .allocs = allocs};
    struct fx_run run = {.version = 6, .unreliable = unreliable};
    fx_write(dir, &run, &c, 1);
}

Test(gate, an_unreliable_run_has_its_times_left_out_but_not_its_allocations, .init = fx_setup,
     .fini = fx_teardown)
{
    make_samples();
    write_validity("old", base10, 0, false);
    write_validity("slow_reliable", slower10, 0, false);
    write_validity("slow_unreliable", slower10, 0, true);
    write_validity("alloc_unreliable", slower10, 1, true);
    cr_assert_eq(gate("gate old slow_reliable"), 1, "the control: a reliable slower run fails");
    cr_assert_eq(gate("gate old slow_unreliable --json v.json"), 3, "%s", fx_read("out"));
    const char *out = fx_read("out");
    cr_assert_not_null(strstr(out, "unreliable (steal 12% during samples 4-7)"), "%s", out);
    cr_assert_not_null(strstr(out, "NOT gated"), "%s", out);
    cr_assert_not_null(strstr(out, "INCONCLUSIVE: a run is unreliable"), "%s", out);
    cr_assert_not_null(strstr(fx_read("v.json"), "\"time_gated\": false"));
    cr_assert_not_null(strstr(fx_read("v.json"), "\"verdict\": \"inconclusive\""));
    cr_assert_eq(gate("gate slow_unreliable old"), 3, "an unreliable baseline too");
    cr_assert_eq(gate("gate old slow_unreliable --deterministic"), 0, "no times asked for");
    cr_assert_eq(gate("gate old alloc_unreliable"), 1, "allocations are still gated");
    cr_assert_not_null(strstr(fx_read("out"), "allocs/op 0 -> 1"), "%s", fx_read("out"));
}

/* A pair for the machine-drift rule: the overhead probe (null), three cases and the floors, each
 * scaled by its own factor in the new run; case "demo/a" may carry instructions per op. */
struct drift_scales {
    double probe, floors, cases[3];
    double instructions_a; /* new instructions per op of demo/a (old: 1000) */
};

static void write_drift_pair(const struct drift_scales *s)
{
    static double samples[2][4][10];
    static const char *const names[4] = {"null", "demo/a", "demo/b", "demo/c"};
    static const double centers[4] = {0.3, 100, 40, 250};
    for (int side = 0; side < 2; side++) {
        struct fx_case cases[4];
        memset(cases, 0, sizeof cases);
        for (int i = 0; i < 4; i++) {
            double scale = side == 0 ? 1 : i == 0 ? s->probe : s->cases[i - 1];
            fx_samples(samples[side][i], 10, centers[i] * scale, centers[i] * scale * 0.01);
            cases[i].workload = names[i];
            cases[i].samples = samples[side][i];
            cases[i].n = 10;
            cases[i].overhead_probe = i == 0;
            cases[i].instructions = i == 1 ? (side == 0 ? 1000 : s->instructions_a) : 0;
        }
        struct fx_run run = {.version = 6, .floors_scale = side == 0 ? 1 : s->floors};
        fx_write(side == 0 ? "old" : "new", &run, cases, 4);
    }
}

Test(gate, machine_drift_is_inconclusive_not_a_regression, .init = fx_setup, .fini = fx_teardown)
{
    /* Every case, the probe and the floors x1.2: the machine, not the code. */
    write_drift_pair(&(struct drift_scales){1.2, 1.2, {1.2, 1.2, 1.2}, 1000});
    cr_assert_eq(gate("gate old new --json v.json"), 3, "%s%s", fx_read("out"), fx_read("err"));
    const char *out = fx_read("out");
    cr_assert_not_null(strstr(out, "INCONCLUSIVE: the machine drifted"), "%s", out);
    cr_assert_not_null(strstr(out, "the overhead probe x1.200"), "%s", out);
    cr_assert_not_null(strstr(out, "the floors x1.200"), "%s", out);
    cr_assert_null(strstr(out, "REGRESSED"), "%s", out);
    cr_assert_not_null(strstr(out, "drifted"), "%s", out);
    const char *json = fx_read("v.json");
    cr_assert_not_null(strstr(json, "\"verdict\": \"inconclusive\""), "%s", json);
    cr_assert_not_null(strstr(json, "\"drifted\": 4"), "every case and the probe: %s", json);
    /* compare says the same, in its words */
    cr_assert_eq(fx_hotpath("compare old new"), 0);
    cr_assert_not_null(strstr(fx_read("out"), "the machine drifted"), "%s", fx_read("out"));
}

Test(gate, a_slower_case_is_caught_whatever_the_machine_did, .init = fx_setup, .fini = fx_teardown)
{
    /* One case alone x1.2: the probe and the floors stayed. */
    write_drift_pair(&(struct drift_scales){1, 1, {1.2, 1, 1}, 1000});
    cr_assert_eq(gate("gate old new"), 1, "%s", fx_read("out"));
    cr_assert_not_null(strstr(fx_read("out"), "REGRESSED"));
    /* Every case x1.2 while the probe and the floors stay put: the code. */
    write_drift_pair(&(struct drift_scales){1, 1, {1.2, 1.2, 1.2}, 1000});
    cr_assert_eq(gate("gate old new"), 1, "%s", fx_read("out"));
    cr_assert_null(strstr(fx_read("out"), "INCONCLUSIVE"));
    cr_assert_eq(fx_hotpath("compare old new"), 0);
    cr_assert_null(strstr(fx_read("out"), "the machine drifted"), "%s", fx_read("out"));
    /* The probe moved but not the floors: judged as the code, and said so. */
    write_drift_pair(&(struct drift_scales){1.2, 1, {1.2, 1.2, 1.2}, 1000});
    cr_assert_eq(gate("gate old new"), 1, "%s", fx_read("out"));
    cr_assert_not_null(strstr(fx_read("out"), "did not move together"), "%s", fx_read("out"));
    /* The machine drifted x1.2 and one case moved x1.5: beyond the machine, a regression. */
    write_drift_pair(&(struct drift_scales){1.2, 1.2, {1.5, 1.2, 1.2}, 1000});
    cr_assert_eq(gate("gate old new"), 1, "%s", fx_read("out"));
    cr_assert_not_null(strstr(fx_read("out"), "drifted"), "the others are the machine's");
    /* Instructions per op grown on a case: fails whatever the drift. */
    write_drift_pair(&(struct drift_scales){1.2, 1.2, {1.2, 1.2, 1.2}, 1050});
    cr_assert_eq(gate("gate old new"), 1, "%s", fx_read("out"));
    cr_assert_not_null(strstr(fx_read("out"), "instructions/op 1000 -> 1050"), "%s",
                       fx_read("out"));
}

/* scripts/gate-interleaved.sh with a stand-in hotpath whose gate answers 3 (inconclusive) the
 * first K times: the script runs fresh attempts, and gives up with 3 after its retries. */
static int interleaved_with_inconclusive_gates(int k)
{
    char script[600], cmd[2400];
    snprintf(script, sizeof script, "%s/fake-hotpath", fx_dir);
    FILE *f = fopen(script, "w");
    cr_assert_not_null(f);
    fprintf(f,
            "#!/bin/sh\n"
            "case \"$1\" in\n"
            "run) while [ $# -gt 0 ]; do [ \"$1\" = --out ] && out=$2; shift; done\n"
            "  [ -z \"$out\" ] || mkdir -p \"$out\"; exit 0 ;;\n"
            "gate) n=$(cat '%s/gates' 2>/dev/null || echo 0); n=$((n + 1))\n"
            "  echo $n >'%s/gates'\n"
            "  if [ $n -le %d ]; then echo 'INCONCLUSIVE: the machine drifted'; exit 3; fi\n"
            "  echo passed; exit 0 ;;\n"
            "esac\n",
            fx_dir, fx_dir, k);
    cr_assert_eq(fclose(f), 0);
    snprintf(cmd, sizeof cmd,
             "chmod +x '%s' && rm -f '%s/gates' && scripts/gate-interleaved.sh '%s' '%s' "
             "'%s/gi-%d' 1 -- --workload null >'%s/gi.out' 2>&1",
             script, fx_dir, script, script, fx_dir, k, fx_dir);
    int raw = system(cmd);
    cr_assert(WIFEXITED(raw));
    return WEXITSTATUS(raw);
}

Test(gate, the_interleaved_script_retries_an_inconclusive_verdict, .init = fx_setup,
     .fini = fx_teardown)
{
    cr_assert_eq(interleaved_with_inconclusive_gates(1), 0, "%s", fx_read("gi.out"));
    cr_assert_not_null(strstr(fx_read("gi.out"), "retry 1 of 2"), "%s", fx_read("gi.out"));
    cr_assert_str_eq(fx_read("gi-1/deciding"), "retry-1\n");
    cr_assert_eq(interleaved_with_inconclusive_gates(5), 3, "%s", fx_read("gi.out"));
    cr_assert_str_eq(fx_read("gi-5/deciding"), "retry-2\n");
    cr_assert_str_eq(fx_read("gates"), "3\n", "the first attempt and two retries");
}

Test(gate, an_unreliable_run_is_left_out_of_a_pool_with_reliable_ones, .init = fx_setup,
     .fini = fx_teardown)
{
    make_samples();
    write_validity("a1", base10, 0, false);
    write_validity("a2", base10, 0, false);
    write_validity("b1", slower10, 0, false);
    write_validity("b2", faster10, 0, true); /* disturbed: its samples must not count */
    write_validity("b3", slower10, 0, false);
    cr_assert_eq(gate("gate a1,a2 b1,b2,b3"), 1, "%s", fx_read("out"));
    const char *out = fx_read("out");
    cr_assert_not_null(strstr(out, "1 unreliable run of the current pool left out"), "%s", out);
    cr_assert_not_null(strstr(out, "REGRESSED"), "%s", out);
    /* Every run of a side unreliable: nothing left to judge the times with. */
    write_validity("c1", slower10, 0, true);
    write_validity("c2", slower10, 0, true);
    cr_assert_eq(gate("gate a1,a2 c1,c2"), 3, "%s", fx_read("out"));
}
