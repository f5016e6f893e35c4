/* `hotpath compare` on constructed results files: the statistics against hand-computed values
 * (medians, ratios, exact and tie-corrected Mann-Whitney p-values, tiny samples), a file against
 * itself, cases on one side only, two phases of one file, the formats and the refusals. */
#include "results_fixture.h"

/* Fixtures per test, as in test_gate.c. */

/* The CSV row of `name` in fx_dir/out, split into fields (no quoting in these names). */
static int csv_row(const char *name, char fields[16][64])
{
    const char *text = fx_read("out");
    char line[1024];
    const char *p = text;
    while (*p) {
        size_t len = strcspn(p, "\n");
        if (len >= sizeof line)
            len = sizeof line - 1;
        memcpy(line, p, len);
        line[len] = '\0';
        p += len + (p[len] == '\n');
        size_t name_len = strlen(name);
        if (strncmp(line, name, name_len) != 0 || line[name_len] != ',')
            continue;
        int n = 0;
        char *cursor = line; /* split by hand: strtok would merge empty fields */
        while (n < 16) {
            char *comma = strchr(cursor, ',');
            size_t flen = comma ? (size_t)(comma - cursor) : strlen(cursor);
            if (flen >= 64)
                flen = 63;
            memcpy(fields[n], cursor, flen);
            fields[n][flen] = '\0';
            n++;
            if (!comma)
                break;
            cursor = comma + 1;
        }
        return n;
    }
    cr_assert_fail("no CSV row for %s in:\n%s", name, text);
    return 0;
}

static double field_number(const char *f)
{
    return *f ? strtod(f, NULL) : NAN;
}

enum {
    F_CASE,
    F_OLD,
    F_NEW,
    F_RATIO,
    F_LOW,
    F_HIGH,
    F_P,
    F_CHANGE,
    F_OLD_ALLOCS,
    F_NEW_ALLOCS,
    F_OLD_BYTES,
    F_NEW_BYTES
};

Test(compare_cmd, separated_tiny_samples_match_hand_computed_values, .init = fx_setup,
     .fini = fx_teardown)
{
    /* medians 2 and 5: ratio 2.5. Complete separation of 3 vs 3: exact two-sided p = 2 / C(6,3)
     * = 0.1, so even a 2.5x change is "no significant change" at 95% with three samples. */
    const double old_s[] = {3, 1, 2}, new_s[] = {6, 4, 5};
    struct fx_case o = {.workload = "demo/x", .samples = old_s, .n = 3, .allocs = 1, .bytes = 64};
    struct fx_case n = {.workload = "demo/x", .samples = new_s, .n = 3, .allocs = 2, .bytes = 96};
    fx_write("old", NULL, &o, 1);
    fx_write("new", NULL, &n, 1);
    cr_assert_eq(fx_hotpath("compare old new --format csv"), 0, "%s", fx_read("err"));
    char f[16][64];
    cr_assert_eq(csv_row("demo/x/threads=1", f), 12);
    cr_assert_float_eq(field_number(f[F_OLD]), 2.0, 1e-12);
    cr_assert_float_eq(field_number(f[F_NEW]), 5.0, 1e-12);
    cr_assert_float_eq(field_number(f[F_RATIO]), 2.5, 1e-9);
    cr_assert_float_eq(field_number(f[F_P]), 0.1, 1e-9);
    cr_assert_str_eq(f[F_CHANGE], "no significant change");
    /* every bootstrap ratio lies between min(new)/max(old) and max(new)/min(old) */
    cr_assert_geq(field_number(f[F_LOW]), 4.0 / 3.0 - 1e-9);
    cr_assert_leq(field_number(f[F_HIGH]), 6.0 + 1e-9);
    cr_assert_float_eq(field_number(f[F_OLD_ALLOCS]), 1, 1e-12);
    cr_assert_float_eq(field_number(f[F_NEW_ALLOCS]), 2, 1e-12);
    cr_assert_float_eq(field_number(f[F_OLD_BYTES]), 64, 1e-12);
    cr_assert_float_eq(field_number(f[F_NEW_BYTES]), 96, 1e-12);
}

Test(compare_cmd, ties_use_the_tie_corrected_normal_approximation, .init = fx_setup,
     .fini = fx_teardown)
{
    /* old {1,1,2,2}, new {2,2,3,3}: U(old) = 2 of 16 pairs. Ties (1 x2, 2 x4, 3 x2):
     * var = n1 n2 / 12 * ((N + 1) - sum(t^3 - t) / (N (N - 1))) = 16/12 * (9 - 72/56);
     * z = (|U - 8| - 0.5) / sqrt(var) (continuity correction); p = erfc(z / sqrt 2). */
    const double old_s[] = {1, 1, 2, 2}, new_s[] = {2, 2, 3, 3};
    struct fx_case o = {.workload = "demo/t", .samples = old_s, .n = 4};
    struct fx_case n = {.workload = "demo/t", .samples = new_s, .n = 4};
    fx_write("old", NULL, &o, 1);
    fx_write("new", NULL, &n, 1);
    cr_assert_eq(fx_hotpath("compare old new --format csv"), 0, "%s", fx_read("err"));
    char f[16][64];
    csv_row("demo/t/threads=1", f);
    double var = 16.0 / 12.0 * (9.0 - 72.0 / 56.0);
    double z = (6.0 - 0.5) / sqrt(var);
    double expected = erfc(z / sqrt(2.0));
    cr_assert_float_eq(field_number(f[F_P]), expected, 1e-6, "p %s, expected %.6f", f[F_P],
                       expected);
    cr_assert_float_eq(field_number(f[F_OLD]), 1.5, 1e-12);
    cr_assert_float_eq(field_number(f[F_NEW]), 2.5, 1e-12);
    cr_assert_float_eq(field_number(f[F_RATIO]), 2.5 / 1.5, 1e-9);
}

Test(compare_cmd, two_samples_give_a_point_ratio_and_no_verdict, .init = fx_setup,
     .fini = fx_teardown)
{
    const double old_s[] = {10, 12}, new_s[] = {20, 22};
    struct fx_case o = {.workload = "demo/two", .samples = old_s, .n = 2};
    struct fx_case n = {.workload = "demo/two", .samples = new_s, .n = 2};
    fx_write("old", NULL, &o, 1);
    fx_write("new", NULL, &n, 1);
    cr_assert_eq(fx_hotpath("compare old new --format csv"), 0, "%s", fx_read("err"));
    char f[16][64];
    csv_row("demo/two/threads=1", f);
    cr_assert_float_eq(field_number(f[F_RATIO]), 21.0 / 11.0, 1e-9);
    cr_assert(isnan(field_number(f[F_LOW])), "no interval with two samples: %s", f[F_LOW]);
    cr_assert_str_eq(f[F_CHANGE], "too few samples");
}

Test(compare_cmd, a_file_against_itself_has_no_significant_change_anywhere, .init = fx_setup,
     .fini = fx_teardown)
{
    double a[10], b[10], c[10];
    fx_samples(a, 10, 100, 5);
    fx_samples(b, 10, 7, 0.1);
    fx_samples(c, 10, 3000, 900);
    struct fx_case cases[] = {
        {.workload = "demo/a", .samples = a, .n = 10},
        {.workload = "demo/b", .samples = b, .n = 10, .allocs = 1, .bytes = 8},
        {.workload = "demo/c", .samples = c, .n = 10, .threads = 2},
    };
    fx_write("run", NULL, cases, 3);
    cr_assert_eq(fx_hotpath("compare run run --format csv"), 0, "%s", fx_read("err"));
    const char *names[] = {"demo/a/threads=1", "demo/b/threads=1", "demo/c/threads=2"};
    for (size_t i = 0; i < 3; i++) {
        char f[16][64];
        csv_row(names[i], f);
        cr_assert_str_eq(f[F_CHANGE], "no significant change", "%s: %s", names[i], f[F_CHANGE]);
        cr_assert_float_eq(field_number(f[F_RATIO]), 1.0, 1e-12);
        cr_assert_leq(field_number(f[F_LOW]), 1.0);
        cr_assert_geq(field_number(f[F_HIGH]), 1.0);
    }
    cr_assert_eq(fx_hotpath("compare run run"), 0);
    cr_assert(strstr(fx_read("out"), "faster") == NULL && strstr(fx_read("out"), "slower") == NULL,
              "%s", fx_read("out"));
}

Test(compare_cmd, cases_on_one_side_are_listed, .init = fx_setup, .fini = fx_teardown)
{
    double a[5];
    fx_samples(a, 5, 50, 1);
    struct fx_case old_cases[] = {{.workload = "demo/kept", .samples = a, .n = 5},
                                  {.workload = "demo/gone", .samples = a, .n = 5}};
    struct fx_case new_cases[] = {{.workload = "demo/kept", .samples = a, .n = 5},
                                  {.workload = "demo/added", .samples = a, .n = 5}};
    fx_write("old", NULL, old_cases, 2);
    fx_write("new", NULL, new_cases, 2);
    cr_assert_eq(fx_hotpath("compare old new --format csv"), 0);
    char f[16][64];
    csv_row("demo/gone/threads=1", f);
    cr_assert_str_eq(f[F_CHANGE], "old only");
    cr_assert_str_eq(f[F_NEW], "");
    csv_row("demo/added/threads=1", f);
    cr_assert_str_eq(f[F_CHANGE], "new only");
    cr_assert_str_eq(f[F_OLD], "");
    cr_assert_eq(fx_hotpath("compare old new --format md"), 0);
    cr_assert(strstr(fx_read("out"), "| `demo/gone/threads=1` |") != NULL, "%s", fx_read("out"));
}

Test(compare_cmd, two_phases_of_one_file_are_matched_by_workload_threads_and_mode, .init = fx_setup,
     .fini = fx_teardown)
{
    double slow[10], fast[10];
    fx_samples(slow, 10, 100, 1);
    fx_samples(fast, 10, 50, 1);
    struct fx_case cases[] = {
        {.name = "request/static/phase=base/threads=1",
         .workload = "request/static",
         .phase = "base",
         .samples = slow,
         .n = 10},
        {.name = "request/static/phase=p1/threads=1",
         .workload = "request/static",
         .phase = "p1",
         .samples = fast,
         .n = 10},
        {.name = "request/dynamic/phase=base/threads=1",
         .workload = "request/dynamic",
         .phase = "base",
         .samples = slow,
         .n = 10},
        {.name = "request/dynamic/phase=p1/threads=2",
         .workload = "request/dynamic",
         .phase = "p1",
         .threads = 2,
         .samples = fast,
         .n = 10},
    };
    fx_write("phased", NULL, cases, 4);
    cr_assert_eq(fx_hotpath("compare phased --phases base p1 --format csv"), 0, "%s",
                 fx_read("err"));
    char f[16][64];
    csv_row("request/static/threads=1", f);
    cr_assert_float_eq(field_number(f[F_RATIO]), 0.5, 1e-9);
    cr_assert_str_eq(f[F_CHANGE], "faster");
    csv_row("request/dynamic/threads=1", f);
    cr_assert_str_eq(f[F_CHANGE], "old only");
    csv_row("request/dynamic/threads=2", f);
    cr_assert_str_eq(f[F_CHANGE], "new only");
    cr_assert_eq(fx_hotpath("compare phased --phases base p9"), 2);
    cr_assert(strstr(fx_read("err"), "p9") != NULL, "%s", fx_read("err"));
}

Test(compare_cmd, refuses_bad_input_with_exit_2, .init = fx_setup, .fini = fx_teardown)
{
    double a[5];
    fx_samples(a, 5, 50, 1);
    struct fx_case c = {.workload = "demo/x", .samples = a, .n = 5};
    fx_write("run", NULL, &c, 1);
    cr_assert_eq(fx_hotpath("compare run missing"), 2);
    cr_assert(strstr(fx_read("err"), "missing") != NULL, "%s", fx_read("err"));
    mkdir(fx_path("bad"), 0755);
    fx_write_text("bad/results.json", "{\"format\": \"something-else\", \"version\": 1}\n");
    cr_assert_eq(fx_hotpath("compare run bad"), 2);
    cr_assert(strstr(fx_read("err"), "bad/results.json") != NULL, "%s", fx_read("err"));
    /* A run without cases (the reader accepts "cases": []): nothing to compare, said once. */
    fx_write("empty", NULL, NULL, 0);
    static const char *const with_empty[] = {"compare run empty", "compare empty run",
                                             "compare run,empty run", "compare empty --phases a b"};
    for (size_t i = 0; i < sizeof with_empty / sizeof with_empty[0]; i++) {
        cr_assert_eq(fx_hotpath(with_empty[i]), 2, "%s", with_empty[i]);
        cr_assert_str_eq(fx_read("err"), "hotpath: empty/results.json: cases: is empty: the run "
                                         "measured no case, so there is nothing to compare\n");
        cr_assert_str_eq(fx_read("out"), "");
    }
    cr_assert_eq(fx_hotpath("compare run run --format xml"), 2);
    cr_assert_eq(fx_hotpath("compare run"), 2);
    cr_assert_eq(fx_hotpath("compare run run extra"), 2);
    cr_assert_str_eq(fx_read("out"), "");
    /* `compare a, b`: the shell gives "a," and "b"; an empty list item is a typo. */
    cr_assert_eq(fx_hotpath("compare run, run"), 2);
    cr_assert(strstr(fx_read("err"), "'run,': an empty item in the list of results") != NULL, "%s",
              fx_read("err"));
    cr_assert_eq(fx_hotpath("compare run ,run"), 2);
    cr_assert_eq(fx_hotpath("compare run,,run run"), 2);
    cr_assert_str_eq(fx_read("out"), "");
}

Test(compare_cmd, chart_writes_png_and_svg_and_fails_clearly_without_gnuplot, .init = fx_setup,
     .fini = fx_teardown)
{
    double old_s[8], slow[8], fast[8];
    fx_samples(old_s, 8, 100, 1);
    fx_samples(slow, 8, 130, 1);
    fx_samples(fast, 8, 60, 1);
    struct fx_case old_cases[] = {{.workload = "demo/a", .samples = old_s, .n = 8},
                                  {.workload = "demo/b", .samples = old_s, .n = 8}};
    struct fx_case new_cases[] = {{.workload = "demo/a", .samples = slow, .n = 8},
                                  {.workload = "demo/b", .samples = fast, .n = 8}};
    fx_write("old", NULL, old_cases, 2);
    fx_write("new", NULL, new_cases, 2);
    cr_assert_eq(fx_hotpath("compare old new --chart change"), 0, "%s", fx_read("err"));
    struct stat st;
    cr_assert_eq(stat(fx_path("change.png"), &st), 0);
    cr_assert_gt(st.st_size, 1000);
    cr_assert_eq(stat(fx_path("change.svg"), &st), 0);
    const char *svg = fx_read("change.svg");
    cr_assert(strstr(svg, "demo/a/threads=1") != NULL, "the case is labelled");
    cr_assert(strstr(svg, "Test CPU") != NULL, "the machine is in the footnote");
    /* the plotted data: the slower case red, the faster one green */
    const char *dat = fx_read("change.dat");
    cr_assert(strstr(dat, "demo/a/threads=1\t30.000000") != NULL, "%s", dat);
    char red[32], green[32];
    snprintf(red, sizeof red, "\t%ld\n", 0xd62728L);
    snprintf(green, sizeof green, "\t%ld\n", 0x2ca02cL);
    cr_assert(strstr(dat, red) != NULL && strstr(dat, green) != NULL, "%s", dat);

    char args[512];
    snprintf(args, sizeof args, "compare old new --chart nochart");
    setenv("HOTPATH_GNUPLOT", "/nonexistent/gnuplot", 1);
    int status = fx_hotpath(args);
    unsetenv("HOTPATH_GNUPLOT");
    cr_assert_neq(status, 0);
    cr_assert(strstr(fx_read("err"), "gnuplot") != NULL, "%s", fx_read("err"));
    cr_assert_str_eq(fx_read("out"), "", "no table when the chart cannot be drawn");
    cr_assert_neq(stat(fx_path("nochart.png"), &st), 0);
}

/* Two runs of unrelated workloads share only the overhead probe (every run has it): nothing is
 * compared, and compare says so instead of printing a table. */
Test(compare_cmd, runs_sharing_only_the_overhead_probe_are_refused, .init = fx_setup,
     .fini = fx_teardown)
{
    double a[5];
    fx_samples(a, 5, 50, 1);
    struct fx_run v2 = {.version = 2};
    struct fx_case old_cases[] = {
        {.workload = "demo/a", .samples = a, .n = 5},
        {.workload = "probe", .samples = a, .n = 5, .overhead_probe = true}};
    struct fx_case new_cases[] = {
        {.workload = "demo/b", .samples = a, .n = 5},
        {.workload = "probe", .samples = a, .n = 5, .overhead_probe = true}};
    fx_write("a", &v2, old_cases, 2);
    fx_write("b", &v2, new_cases, 2);
    cr_assert_eq(fx_hotpath("compare a b"), 2);
    cr_assert(strstr(fx_read("err"), "no case in common besides the overhead probe") != NULL, "%s",
              fx_read("err"));
    cr_assert_str_eq(fx_read("out"), "");
    /* Nothing in common at all: the same refusal. */
    fx_write("c", &v2, new_cases, 1);
    cr_assert_eq(fx_hotpath("compare a c --format csv"), 2);
    cr_assert_str_eq(fx_read("out"), "");
}

/* A partial run (Ctrl-C, complete: false) is compared, with a warning in every format. */
Test(compare_cmd, a_partial_run_is_compared_with_a_warning, .init = fx_setup, .fini = fx_teardown)
{
    double a[5];
    fx_samples(a, 5, 50, 1);
    struct fx_case c = {.workload = "demo/x", .samples = a, .n = 5};
    struct fx_run partial = {.incomplete = true};
    fx_write("full", NULL, &c, 1);
    fx_write("cut", &partial, &c, 1);
    cr_assert_eq(fx_hotpath("compare full cut"), 0, "%s", fx_read("err"));
    cr_assert(strstr(fx_read("out"), "WARNING: partial results in") != NULL, "%s", fx_read("out"));
    cr_assert(strstr(fx_read("out"), "cut/results.json") != NULL, "%s", fx_read("out"));
    cr_assert_eq(fx_hotpath("compare full cut --format md"), 0);
    cr_assert(strstr(fx_read("out"), "> **Warning: partial results**") != NULL, "%s",
              fx_read("out"));
    cr_assert_eq(fx_hotpath("compare full cut --format csv"), 0);
    cr_assert(strstr(fx_read("err"), "WARNING: partial results") != NULL, "%s", fx_read("err"));
    cr_assert(strstr(fx_read("out"), "WARNING") == NULL, "the CSV stays CSV: %s", fx_read("out"));
    cr_assert_eq(fx_hotpath("compare full full"), 0);
    cr_assert(strstr(fx_read("out"), "WARNING") == NULL, "%s", fx_read("out"));
}

/* Runs whose cache-line handoff floors differ (a host that placed the two CPUs farther apart:
 * 98 ns and 295 ns on one VM) are compared with a warning; a few percent apart, without. */
Test(compare_cmd, runs_on_different_cache_line_handoffs_are_compared_with_a_warning,
     .init = fx_setup, .fini = fx_teardown)
{
    double a[5];
    fx_samples(a, 5, 50, 1);
    struct fx_case c = {.workload = "queue/spsc/spin", .threads = 2, .samples = a, .n = 5};
    struct fx_run near = {.handoff_ns = 98}, far = {.handoff_ns = 295},
                  far_again = {.handoff_ns = 291};
    fx_write("near", &near, &c, 1);
    fx_write("far", &far, &c, 1);
    fx_write("far2", &far_again, &c, 1);
    fx_write("none", NULL, &c, 1);
    cr_assert_eq(fx_hotpath("compare near far"), 0, "%s", fx_read("err"));
    cr_assert(strstr(fx_read("out"),
                     "WARNING: cache-line handoff differs: old 98 ns, new 295 ns") != NULL,
              "%s", fx_read("out"));
    cr_assert_eq(fx_hotpath("compare far near --format csv"), 0);
    cr_assert(strstr(fx_read("err"), "cache-line handoff differs: old 295 ns, new 98 ns") != NULL,
              "%s", fx_read("err"));
    cr_assert_eq(fx_hotpath("compare far far2"), 0);
    cr_assert(strstr(fx_read("out"), "WARNING") == NULL, "%s", fx_read("out"));
    cr_assert_eq(fx_hotpath("compare near none"), 0);
    cr_assert(strstr(fx_read("out"), "handoff differs") == NULL, "no floor, no warning: %s",
              fx_read("out"));
}

Test(compare, a_table_that_cannot_be_written_fails, .init = fx_setup, .fini = fx_teardown)
{
    double samples[10];
    fx_samples(samples, 10, 100, 1);
    struct fx_case c = {.workload = "demo/x", .samples = samples, .n = 10};
    fx_write("old", NULL, &c, 1);
    for (int i = 0; i < 3; i++) {
        static const char *const formats[] = {"text", "md", "csv"};
        char args[128];
        snprintf(args, sizeof args, "compare old old --format %s", formats[i]);
        cr_assert_eq(fx_hotpath_with("", args, "/dev/full"), 2, "%s", formats[i]);
        cr_assert_str_eq(fx_read("err"),
                         "hotpath: cannot write standard output: No space left on device\n");
    }
}

/* Two runs with one case that slowed down, for the chart tests: fx_dir/old and fx_dir/new. */
static void write_slower_pair(void)
{
    static double old_s[8], slow[8];
    fx_samples(old_s, 8, 100, 1);
    fx_samples(slow, 8, 130, 1);
    struct fx_case old_case = {.workload = "demo/a", .samples = old_s, .n = 8};
    struct fx_case new_case = {.workload = "demo/a", .samples = slow, .n = 8};
    fx_write("old", NULL, &old_case, 1);
    fx_write("new", NULL, &new_case, 1);
}

Test(compare_cmd, a_chart_that_cannot_be_written_leaves_nothing, .init = fx_setup,
     .fini = fx_teardown)
{
    write_slower_pair();
    /* Files may not grow past 8 KiB (dash counts 512-byte blocks): the chart does not fit. */
    cr_assert_eq(
        fx_hotpath_with("trap '' XFSZ; ulimit -f 16;", "compare old new --chart change", "out"), 2);
    cr_assert(strstr(fx_read("err"), "change.png is incomplete"), "%s", fx_read("err"));
    struct stat st;
    static const char *const files[] = {"change.png", "change.svg", "change.dat"};
    for (size_t i = 0; i < 3; i++)
        cr_assert_neq(stat(fx_path(files[i]), &st), 0, "%s was left", files[i]);
}

/* Fails unless fx_dir holds exactly the names listed (hidden ones included), space-separated
 * and sorted. */
static void assert_fx_dir_holds(const char *names)
{
    char cmd[1024];
    snprintf(cmd, sizeof cmd, "cd '%s' && test \"$(ls -A | tr '\\n' ' ')\" = '%s '", fx_dir, names);
    if (system(cmd) != 0) {
        snprintf(cmd, sizeof cmd, "ls -A '%s' >&2", fx_dir);
        cr_assert_eq(system(cmd), 0);
        cr_assert_fail("%s does not hold just: %s", fx_dir, names);
    }
}

/* An empty --chart (or one naming a directory) would write .png, .svg and .dat: hidden files
 * named by nothing. */
Test(compare_cmd, a_chart_prefix_must_name_a_file, .init = fx_setup, .fini = fx_teardown)
{
    write_slower_pair();
    cr_assert_eq(mkdir(fx_path("sub"), 0755), 0);
    static const char *const prefixes[] = {"''", "sub/"};
    for (size_t i = 0; i < 2; i++) {
        char args[128];
        snprintf(args, sizeof args, "compare old new --chart %s", prefixes[i]);
        cr_assert_eq(fx_hotpath(args), 2, "%s", prefixes[i]);
        const char *err = fx_read("err");
        cr_assert(strstr(err, "--chart") &&
                      strstr(err, i == 0 ? "not an empty one" : "PREFIX must name a file"),
                  "%s", err);
        cr_assert_eq(strchr(err, '\n'), err + strlen(err) - 1, "one line: %s", err);
        cr_assert_str_eq(fx_read("out"), "");
        assert_fx_dir_holds("err new old out sub");
        cr_assert_eq(rmdir(fx_path("sub")), 0, "sub/ is no longer empty");
        cr_assert_eq(mkdir(fx_path("sub"), 0755), 0);
    }
}

/* PREFIX.png (or .svg, .dat) a directory: refused before gnuplot runs, and left as it was. */
Test(compare_cmd, a_chart_file_that_is_a_directory_is_refused_and_kept, .init = fx_setup,
     .fini = fx_teardown)
{
    write_slower_pair();
    static const char *const taken[] = {"change.png", "change.svg", "change.dat"};
    for (size_t i = 0; i < 3; i++) {
        cr_assert_eq(mkdir(fx_path(taken[i]), 0755), 0);
        cr_assert_eq(fx_hotpath("compare old new --chart change"), 2, "%s", taken[i]);
        char expected[128];
        snprintf(expected, sizeof expected, "hotpath: %s: is a directory\n", taken[i]);
        cr_assert_str_eq(fx_read("err"), expected);
        cr_assert_str_eq(fx_read("out"), "");
        char names[128];
        snprintf(names, sizeof names, "%s err new old out", taken[i]);
        assert_fx_dir_holds(names);
        cr_assert_eq(rmdir(fx_path(taken[i])), 0, "%s was removed or filled", taken[i]);
    }
}

/* The whole of fx_dir/NAME, malloc'ed, its length in *len. */
static char *read_bytes(const char *name, size_t *len)
{
    FILE *f = fopen(fx_path(name), "rb");
    cr_assert_not_null(f, "cannot read %s", name);
    char *bytes = NULL;
    size_t size = 0;
    FILE *copy = open_memstream(&bytes, &size);
    cr_assert_not_null(copy);
    for (int c; (c = fgetc(f)) != EOF;)
        fputc(c, copy);
    fclose(f);
    fclose(copy);
    *len = size;
    return bytes;
}

/* A chart that cannot be drawn leaves the earlier one as it was, and no temporary. */
Test(compare_cmd, a_failed_chart_keeps_the_earlier_one, .init = fx_setup, .fini = fx_teardown)
{
    write_slower_pair();
    cr_assert_eq(fx_hotpath("compare old new --chart change"), 0, "%s", fx_read("err"));
    static const char *const files[] = {"change.dat", "change.png", "change.svg"};
    char *earlier[3];
    size_t earlier_len[3];
    for (size_t i = 0; i < 3; i++)
        earlier[i] = read_bytes(files[i], &earlier_len[i]);
    cr_assert_eq(
        fx_hotpath_with("trap '' XFSZ; ulimit -f 16;", "compare old new --chart change", "out"), 2);
    cr_assert(strstr(fx_read("err"), "change.png is incomplete"), "%s", fx_read("err"));
    for (size_t i = 0; i < 3; i++) {
        size_t len;
        char *now = read_bytes(files[i], &len);
        cr_assert(len == earlier_len[i] && memcmp(now, earlier[i], len) == 0, "%s was changed",
                  files[i]);
        free(now);
        free(earlier[i]);
    }
    assert_fx_dir_holds("change.dat change.png change.svg err new old out");
}
