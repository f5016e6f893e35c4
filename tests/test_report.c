/* hotpath report and the phase/claims tables, from the committed results fixture
 * tests/fixtures/report_run (a real `run --phases tests/fixtures/report.phases --workload
 * router/github/static --samples 5 --target-time 1ms` run, trimmed to results.json, results.csv
 * and the .hlog files), and the claim verdicts against hand-made comparisons. */
#include <criterion/criterion.h>

#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "claims.h"
#include "hlog.h"
#include "phase_tables.h"
#include "report.h"
#include "results_read.h"

static const char *const fixture = "tests/fixtures/report_run";
/* The charts a report of the fixture draws. */
static const char *const fixture_charts[4] = {"phase_bars", "latency_spectrum-1",
                                              "thread_scaling-1", "allocations"};

/* A fresh copy of the fixture (report writes beside the results). */
static void copy_fixture(char *dir, size_t size)
{
    snprintf(dir, size, "/tmp/hotpath-report-XXXXXX");
    cr_assert_not_null(mkdtemp(dir));
    char cmd[1024];
    snprintf(cmd, sizeof cmd, "cp -r %s/. %s/", fixture, dir);
    cr_assert_eq(system(cmd), 0);
}

static void remove_tree(const char *dir)
{
    char cmd[1024];
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    cr_assert_eq(system(cmd), 0);
}

static char *slurp(const char *dir, const char *name, size_t *len)
{
    char path[1024];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "rb");
    cr_assert_not_null(f, "%s was not written", path);
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    rewind(f);
    char *buf = malloc((size_t)n + 1);
    cr_assert_eq(fread(buf, 1, (size_t)n, f), (size_t)n);
    buf[n] = '\0';
    fclose(f);
    *len = (size_t)n;
    return buf;
}

static bool exists(const char *dir, const char *name)
{
    char path[1024];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    struct stat st;
    return stat(path, &st) == 0;
}

/* A report of a fresh copy of the fixture, in dir. */
static void report_of_fixture(char *dir, size_t size, struct hp_report_outcome *outcome)
{
    copy_fixture(dir, size);
    struct hp_error err = {{0}};
    cr_assert_eq(hp_report_write(dir, outcome, &err), 0, "%s", err.message);
}

static size_t count(const char *haystack, const char *needle)
{
    size_t n = 0;
    for (const char *p = haystack; (p = strstr(p, needle)); p += strlen(needle))
        n++;
    return n;
}

Test(report, draws_every_chart_from_the_fixture)
{
    char dir[64];
    struct hp_report_outcome outcome;
    report_of_fixture(dir, sizeof dir, &outcome);
    cr_assert_eq(outcome.charts_drawn, 4, "drawn %zu", outcome.charts_drawn);
    cr_assert_eq(outcome.charts_omitted, 0);
    for (size_t i = 0; i < 4; i++) {
        char name[128];
        size_t len;
        snprintf(name, sizeof name, "charts/%s.png", fixture_charts[i]);
        char *png = slurp(dir, name, &len);
        cr_assert_gt(len, 1000, "%s is too small to be a chart", name);
        cr_assert_eq(memcmp(png, "\x89PNG", 4), 0, "%s is not a PNG", name);
        free(png);
        snprintf(name, sizeof name, "charts/%s.svg", fixture_charts[i]);
        char *svg = slurp(dir, name, &len);
        cr_assert_not_null(strstr(svg, "<svg"), "%s is not an SVG", name);
        cr_assert_not_null(strstr(svg, "machine: "), "%s has no machine footnote", name);
        cr_assert_not_null(strstr(svg, "2026-"), "%s has no date in its footnote", name);
        free(svg);
        snprintf(name, sizeof name, "charts/%s.dat", fixture_charts[i]);
        cr_assert(exists(dir, name), "%s missing", name);
    }
    size_t len;
    char *md = slurp(dir, "report.md", &len);
    cr_assert_eq(count(md, "](charts/"), 12, "report.md links each chart's PNG, SVG and data");
    cr_assert_not_null(strstr(md, "| C3 |"), "report.md has the claims table");
    cr_assert_null(strstr(md, "Not drawn"));
    free(md);
    char *html = slurp(dir, "report.html", &len);
    cr_assert_eq(count(html, "src=\"data:image/png;base64,"), 4, "every chart embedded");
    cr_assert_null(strstr(html, "src=\"charts/"), "report.html must not need the chart files");
    cr_assert_not_null(strstr(html, "<table>"));
    free(html);
    char *phases = slurp(dir, "phases.md", &len);
    cr_assert_not_null(strstr(phases, "| workload | base | fast |"), "%s", phases);
    free(phases);
    remove_tree(dir);
}

Test(report, refuses_clearly_without_gnuplot)
{
    char dir[64];
    copy_fixture(dir, sizeof dir);
    setenv("HOTPATH_GNUPLOT", "/nonexistent/bin/gnuplot", 1);
    struct hp_report_outcome outcome;
    struct hp_error err = {{0}};
    cr_assert_eq(hp_report_write(dir, &outcome, &err), -1);
    cr_assert_not_null(strstr(err.message, "cannot run /nonexistent/bin/gnuplot"), "%s",
                       err.message);
    cr_assert_not_null(strstr(err.message, "HOTPATH_GNUPLOT"), "%s", err.message);
    cr_assert(!exists(dir, "report.md") && !exists(dir, "report.html") && !exists(dir, "charts"),
              "a refused report left files behind");
    remove_tree(dir);
}

Test(report, the_command_exits_2_without_gnuplot)
{
    char dir[64];
    copy_fixture(dir, sizeof dir);
    char cmd[1024];
    snprintf(cmd, sizeof cmd,
             "HOTPATH_GNUPLOT=/nonexistent/gnuplot %s report %s >/dev/null 2>%s/err",
             HOTPATH_BINARY, dir, dir);
    int raw = system(cmd);
    cr_assert(WIFEXITED(raw) && WEXITSTATUS(raw) == 2, "exit %d", WEXITSTATUS(raw));
    size_t len;
    char *text = slurp(dir, "err", &len);
    cr_assert_not_null(strstr(text, "hotpath: cannot run /nonexistent/gnuplot"), "%s", text);
    free(text);
    remove_tree(dir);
}

Test(report, refuses_a_directory_without_results)
{
    struct hp_report_outcome outcome;
    struct hp_error err = {{0}};
    cr_assert_eq(hp_report_write("/nonexistent/results", &outcome, &err), -1);
    cr_assert_not_null(strstr(err.message, "/nonexistent/results"), "%s", err.message);
}

Test(report, leaves_out_charts_it_has_no_data_for)
{
    char dir[] = "/tmp/hotpath-report-plain-XXXXXX";
    cr_assert_not_null(mkdtemp(dir));
    char cmd[1024];
    snprintf(cmd, sizeof cmd,
             "%s run --workload null --samples 3 --target-time 100us --out %s/run >/dev/null "
             "2>&1",
             HOTPATH_BINARY, dir);
    cr_assert_eq(system(cmd), 0);
    char run[128];
    snprintf(run, sizeof run, "%s/run", dir);
    struct hp_report_outcome outcome;
    struct hp_error err = {{0}};
    cr_assert_eq(hp_report_write(run, &outcome, &err), 0, "%s", err.message);
    cr_assert_eq(outcome.charts_drawn, 0);
    cr_assert_eq(outcome.charts_omitted, 4);
    size_t len;
    char *md = slurp(run, "report.md", &len);
    cr_assert_eq(count(md, "*Not drawn: "), 4, "%s", md);
    cr_assert_not_null(strstr(md, "--mode latency"), "the note says how to get the chart");
    free(md);
    cr_assert(!exists(run, "phases.md"));
    remove_tree(dir);
}

Test(phase_tables, view_of_the_fixture)
{
    struct hp_results r;
    struct hp_error err = {{0}};
    cr_assert_eq(hp_results_read(fixture, &r, &err), 0, "%s", err.message);
    struct hp_phase_view v;
    cr_assert_eq(hp_phase_view_build(&r, &v, &err), 0, "%s", err.message);
    cr_assert_eq(v.phase_count, 2);
    cr_assert_str_eq(v.phases[0].name, "base");
    cr_assert_str_eq(v.phases[1].name, "fast");
    cr_assert_eq(v.phases[1].claim_count, 1);
    cr_assert_str_eq(v.phases[1].claims[0]->id, "C3");
    cr_assert_eq(v.row_count, 2, "one row per thread count");
    cr_assert_eq(v.rows[0].threads, 1);
    cr_assert_eq(v.rows[1].threads, 2);
    for (size_t i = 0; i < 2; i++) {
        cr_assert_not_null(v.rows[i].cell[0]);
        cr_assert_not_null(v.rows[i].cell[1]);
        cr_assert(!v.rows[i].cell[1]->latency_mode, "cells are batch cases");
        cr_assert_str_eq(hp_result_case_impl(v.rows[i].cell[1], "router"), "radix_static_first");
    }
    char *text = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);
    cr_assert_eq(hp_phase_tables_write(f, &r, &v, HP_RENDER_TEXT, &err), 0, "%s", err.message);
    fclose(f);
    cr_assert_not_null(strstr(text, "router/github/static, 2 threads"), "%s", text);
    cr_assert_not_null(strstr(text, "vs previous phase"), "%s", text);
    cr_assert_not_null(strstr(text, "10-15 ns"), "the seed's claim beside the measurement");
    free(text);
    hp_phase_view_free(&v);
    hp_results_free(&r);
}

static struct hp_case_comparison faster(double old, double ratio_low, double ratio_high)
{
    struct hp_case_comparison c = {0};
    c.old_median = old;
    c.ratio_low = ratio_low;
    c.ratio_high = ratio_high;
    c.ratio = (ratio_low + ratio_high) / 2;
    c.new_median = old * c.ratio;
    c.change = ratio_high < 1  ? HP_CHANGE_FASTER
               : ratio_low > 1 ? HP_CHANGE_SLOWER
                               : HP_CHANGE_NONE;
    c.old_allocs_per_op = c.new_allocs_per_op = NAN;
    c.old_bytes_per_op = c.new_bytes_per_op = NAN;
    return c;
}

Test(claims, verdicts_on_ns_claims)
{
    const struct hp_claim *c3 = hp_claim_find("C3"); /* 10-15 ns */
    cr_assert_not_null(c3);
    struct hp_case_comparison c = faster(100, 0.80, 0.90); /* saved 10..20 ns */
    cr_assert_str_eq(hp_claim_verdict(c3, &c, 10, 15), "confirmed");
    c = faster(100, 0.95, 0.97); /* saved 3..5 ns */
    cr_assert_str_eq(hp_claim_verdict(c3, &c, 10, 15), "smaller than claimed");
    /* Judged against the phase's total when it tests several claims: 5..8 ns saved is short
     * of C1+C3's 70 ns but would reach C3's own 10 ns only if it were bigger. */
    c = faster(100, 0.92, 0.95);
    cr_assert_str_eq(hp_claim_verdict(c3, &c, 70, 95), "smaller than claimed");
    c = faster(100, 0.97, 1.02);
    cr_assert_str_eq(hp_claim_verdict(c3, &c, 10, 15), "no effect");
    c = faster(100, 1.05, 1.10);
    cr_assert_str_eq(hp_claim_verdict(c3, &c, 10, 15), "made it worse");
    c.change = HP_CHANGE_TOO_FEW_SAMPLES;
    cr_assert_str_eq(hp_claim_verdict(c3, &c, 10, 15), "too few samples");
    const struct hp_claim *c13 = hp_claim_find("C13"); /* ~50 vs ~500 ns: ratio 0.1 */
    c = faster(500, 0.08, 0.12);
    cr_assert_str_eq(hp_claim_verdict(c13, &c, 0, 0), "confirmed");
    c = faster(500, 0.5, 0.6);
    cr_assert_str_eq(hp_claim_verdict(c13, &c, 0, 0), "smaller than claimed");
}

Test(claims, verdicts_on_counts)
{
    const struct hp_claim *c9 = hp_claim_find("C9"); /* 3 allocations saved */
    struct hp_case_comparison c = faster(100, 0.97, 1.02);
    c.old_allocs_per_op = 3, c.new_allocs_per_op = 0;
    cr_assert_str_eq(hp_claim_verdict(c9, &c, 0, 0), "confirmed");
    c.new_allocs_per_op = 2;
    cr_assert_str_eq(hp_claim_verdict(c9, &c, 0, 0), "smaller than claimed");
    c.new_allocs_per_op = 3;
    cr_assert_str_eq(hp_claim_verdict(c9, &c, 0, 0), "no effect");
    c.new_allocs_per_op = 4;
    cr_assert_str_eq(hp_claim_verdict(c9, &c, 0, 0), "made it worse");
    const struct hp_claim *c15 = hp_claim_find("C15"); /* 0 allocs */
    c.old_allocs_per_op = 1, c.new_allocs_per_op = 0;
    cr_assert_str_eq(hp_claim_verdict(c15, &c, 0, 0), "confirmed");
    c.old_allocs_per_op = 0;
    cr_assert_str_eq(hp_claim_verdict(c15, &c, 0, 0), "confirmed", "the state holds");
    c.old_allocs_per_op = 2, c.new_allocs_per_op = 1;
    cr_assert_str_eq(hp_claim_verdict(c15, &c, 0, 0), "smaller than claimed");
    const struct hp_claim *c11 = hp_claim_find("C11"); /* 80% saving */
    c.old_bytes_per_op = 1000, c.new_bytes_per_op = 150;
    cr_assert_str_eq(hp_claim_verdict(c11, &c, 0, 0), "confirmed");
    c.new_bytes_per_op = 500;
    cr_assert_str_eq(hp_claim_verdict(c11, &c, 0, 0), "smaller than claimed");
    c.new_bytes_per_op = 1000;
    cr_assert_str_eq(hp_claim_verdict(c11, &c, 0, 0), "no effect");
}

Test(claims, every_claim_is_complete)
{
    /* C1..C16 in order, each with its technique, a source document and section, the figure,
     * the comparison and the metric; a figure a verdict can read where the kind has one. */
    cr_assert_eq(hp_claim_count, 16);
    for (size_t i = 0; i < hp_claim_count; i++) {
        const struct hp_claim *c = &hp_claims[i];
        char id[32];
        snprintf(id, sizeof id, "C%zu", i + 1);
        cr_assert_str_eq(c->id, id);
        cr_assert_eq(hp_claim_find(id), c);
        cr_expect(c->technique && *c->technique, "%s: no technique", id);
        cr_expect(c->sources[0].section && *c->sources[0].section, "%s: no source", id);
        for (int k = 0; k < HP_CLAIM_SOURCES_MAX && c->sources[k].section; k++)
            cr_expect(c->sources[k].document < HP_DOC_COUNT, "%s: unknown document", id);
        cr_expect(c->claimed && *c->claimed, "%s: no claimed figure", id);
        cr_expect(c->variants && *c->variants, "%s: no comparison", id);
        cr_expect(c->metric && *c->metric, "%s: no metric", id);
        cr_expect(c->low <= c->high, "%s: range %g..%g", id, c->low, c->high);
        if (c->kind == HP_CLAIM_NS_SAVED || c->kind == HP_CLAIM_ALLOCS_SAVED ||
            c->kind == HP_CLAIM_RATIO || c->kind == HP_CLAIM_BYTES_RATIO)
            cr_expect_gt(c->high, 0, "%s: no figure for the verdict", id);
    }
    cr_expect_null(hp_claim_find("C17"));
    cr_expect_null(hp_claim_find("c1"));
    for (int d = 0; d < HP_DOC_COUNT; d++)
        cr_expect(hp_documents[d].title && *hp_documents[d].title && hp_documents[d].cited_as &&
                      hp_documents[d].about,
                  "document %d has no title, short name or description", d);
}

Test(claims, docs_claims_md_is_what_list_claims_prints)
{
    char dir[] = "/tmp/hotpath-claims-XXXXXX";
    cr_assert_not_null(mkdtemp(dir));
    char cmd[1024];
    snprintf(cmd, sizeof cmd, "%s list --claims > %s/claims.md", HOTPATH_BINARY, dir);
    int raw = system(cmd);
    cr_assert(WIFEXITED(raw) && WEXITSTATUS(raw) == 0, "list --claims failed");
    size_t printed_len, committed_len;
    char *printed = slurp(dir, "claims.md", &printed_len);
    char *committed = slurp("docs", "claims.md", &committed_len);
    size_t at = 0, line = 1;
    while (at < printed_len && at < committed_len && printed[at] == committed[at])
        line += printed[at++] == '\n';
    bool same = printed_len == committed_len && at == printed_len;
    bool has_every_id = true;
    for (size_t i = 0; i < hp_claim_count; i++) {
        char heading[32];
        snprintf(heading, sizeof heading, "\n### %s: ", hp_claims[i].id);
        has_every_id = has_every_id && strstr(printed, heading);
    }
    free(printed);
    free(committed);
    remove_tree(dir);
    cr_expect(has_every_id, "list --claims leaves out a claim");
    cr_expect(same,
              "docs/claims.md is not what `hotpath list --claims` prints (first difference on "
              "line %zu); regenerate it: build/hotpath list --claims > docs/claims.md",
              line);
}

/* A copy of the case named `from` as an external case of `peer` (results v4), its samples
 * scaled by `scale`: what `run --external` writes for a peer beside that workload. */
static void add_external_case(json_t *root, const char *from, const char *name, const char *peer,
                              const char *claim, const char *variant, double scale)
{
    json_t *cases = json_object_get(root, "cases"), *source = NULL;
    size_t i;
    json_t *c;
    json_array_foreach(cases, i, c)
    {
        if (strcmp(json_string_value(json_object_get(c, "name")), from) == 0)
            source = c;
    }
    cr_assert_not_null(source, "no case %s in the fixture", from);
    json_t *copy = json_deep_copy(source);
    json_object_set_new(copy, "name", json_string(name));
    json_object_del(copy, "phase");
    json_object_set_new(copy, "implementations", json_object());
    json_t *ns = json_object_get(copy, "ns_per_op");
    json_array_foreach(ns, i, c)
    {
        json_array_set_new(ns, i, json_real(json_number_value(c) * scale));
    }
    json_t *x = json_object();
    json_object_set_new(x, "source", json_string("go"));
    json_object_set_new(x, "peer", json_string(peer));
    if (claim) {
        json_object_set_new(x, "claim", json_string(claim));
        json_object_set_new(x, "variant", json_string(variant));
    }
    json_object_set_new(copy, "external", x);
    json_array_append_new(cases, copy);
}

static json_t *fixture_json(const char *dir)
{
    char path[256];
    snprintf(path, sizeof path, "%s/results.json", dir);
    json_error_t jerr;
    json_t *root = json_load_file(path, 0, &jerr);
    cr_assert_not_null(root, "%s", jerr.text);
    json_object_set_new(root, "version", json_integer(4));
    return root;
}

static void save_json(json_t *root, const char *dir)
{
    char path[256];
    snprintf(path, sizeof path, "%s/results.json", dir);
    cr_assert_eq(json_dump_file(root, path, JSON_INDENT(1)), 0);
    json_decref(root);
}

Test(report, gin_column_vs_gin_ratio_and_go_twin_beside_the_claim)
{
    char dir[64];
    copy_fixture(dir, sizeof dir);
    json_t *root = fixture_json(dir);
    const char *base = "router/github/static/router=radix/threads=1/phase=base";
    add_external_case(root, base, "router/github/static/peer=gin", "gin", NULL, NULL, 10);
    /* The fixture's C3 step; its Go twin changes nothing (the same samples twice). */
    add_external_case(root, base, "twin/C3/reference/peer=go", "go", "C3", "reference", 1);
    add_external_case(root, base, "twin/C3/improved/peer=go", "go", "C3", "improved", 1);
    save_json(root, dir);
    struct hp_report_outcome outcome;
    struct hp_error err = {{0}};
    cr_assert_eq(hp_report_write(dir, &outcome, &err), 0, "%s", err.message);
    size_t len;
    char *md = slurp(dir, "report.md", &len);
    cr_expect_not_null(strstr(md, "| workload | base | fast | gin (Go) |"), "%s", md);
    cr_expect_not_null(strstr(md, "router/github/static, 1 thread<br>  vs previous phase<br>  vs "
                                  "baseline<br>  allocs/op<br>  vs gin (ratio)"),
                       "%s", md);
    /* The base phase is the Gin case's samples / 10. */
    cr_expect_not_null(strstr(md, "<br>0.1x ["), "%s", md);
    cr_expect_not_null(strstr(md, "the Go twin's change (reference -> improved)"), "%s", md);
    cr_expect_not_null(strstr(md, "(no significant change), allocs/op"), "%s", md);
    char *dat = slurp(dir, "charts/phase_bars.dat", &len);
    cr_expect_not_null(strstr(dat, "then per external peer"), "%s", dat);
    /* A line: the label, then median and interval for base, fast and gin. */
    const char *line = strstr(dat, "router/github/static, 1 thread\t");
    cr_assert_not_null(line, "%s", dat);
    size_t fields = 0;
    for (const char *p = line; *p && *p != '\n'; p++)
        fields += *p == '\t';
    cr_expect_eq(fields, 9, "%s", line);
    free(dat);
    free(md);
    remove_tree(dir);
}

Test(report, says_once_which_external_columns_are_missing_and_why)
{
    char dir[64];
    copy_fixture(dir, sizeof dir);
    json_t *root = fixture_json(dir);
    json_t *source = json_object();
    json_object_set_new(source, "name", json_string("go"));
    json_object_set_new(source, "file", json_string("peers/go.external:5"));
    json_object_set_new(source, "status", json_string("not run: declined (HOTPATH_NO_GO=1)"));
    json_t *external = json_object(), *sources = json_array();
    json_array_append_new(sources, source);
    json_object_set_new(external, "sources", sources);
    json_object_set_new(external, "unmeasured", json_array());
    json_object_set_new(root, "external", external);
    save_json(root, dir);
    struct hp_report_outcome outcome;
    struct hp_error err = {{0}};
    cr_assert_eq(hp_report_write(dir, &outcome, &err), 0, "%s", err.message);
    size_t len;
    char *md = slurp(dir, "report.md", &len);
    cr_expect_eq(count(md, "missing columns"), 1, "%s", md);
    cr_expect_not_null(strstr(md, "not run: declined (HOTPATH_NO_GO=1)"), "%s", md);
    cr_expect_null(strstr(md, "(Go) |"), "a peer column without a peer");
    free(md);
    remove_tree(dir);
}

/* Runs `ENV hotpath report DIR` through sh (ENV: shell words before the command); its stderr
 * into *stderr_text (a static buffer), its exit status returned. */
static int report_command(const char *env, const char *dir, char **stderr_text)
{
    char err_path[128], cmd[2048];
    snprintf(err_path, sizeof err_path, "%s.err", dir);
    snprintf(cmd, sizeof cmd, "%s %s report %s >/dev/null 2>%s", env, HOTPATH_BINARY, dir,
             err_path);
    int raw = system(cmd);
    cr_assert(WIFEXITED(raw), "%s did not exit", cmd);
    FILE *f = fopen(err_path, "r");
    cr_assert_not_null(f);
    static char text[16384];
    size_t n = fread(text, 1, sizeof text - 1, f);
    text[n] = '\0';
    fclose(f);
    unlink(err_path);
    *stderr_text = text;
    return WEXITSTATUS(raw);
}

static void write_text(const char *dir, const char *name, const char *text)
{
    char path[1024];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "w");
    cr_assert_not_null(f);
    fputs(text, f);
    cr_assert_eq(fclose(f), 0);
}

/* The .hlog files of the fixture, in results.json order (each latency case names one). */
static size_t fixture_hlogs(char names[][256], size_t max)
{
    json_error_t jerr;
    json_t *root = json_load_file("tests/fixtures/report_run/results.json", 0, &jerr);
    cr_assert_not_null(root, "%s", jerr.text);
    size_t n = 0, i;
    json_t *c;
    json_array_foreach(json_object_get(root, "cases"), i, c)
    {
        const char *hlog =
            json_string_value(json_object_get(json_object_get(c, "latency"), "hlog"));
        if (hlog && n < max)
            snprintf(names[n++], 256, "%s", hlog);
    }
    json_decref(root);
    return n;
}

Test(report, names_each_bad_hlog_and_what_it_used_instead)
{
    char dir[64];
    copy_fixture(dir, sizeof dir);
    char hlogs[8][256];
    cr_assert_geq(fixture_hlogs(hlogs, 8), 3);
    char path[1024], cmd[2048];
    snprintf(path, sizeof path, "%s/%s", dir, hlogs[0]);
    cr_assert_eq(unlink(path), 0);                                             /* missing */
    snprintf(cmd, sizeof cmd, "sed -i 's/HISTF/HXSTF/' %s/%s", dir, hlogs[1]); /* corrupt */
    cr_assert_eq(system(cmd), 0);
    snprintf(path, sizeof path, "%s/%s", dir, hlogs[2]);
    cr_assert_eq(truncate(path, 300), 0); /* cut inside its header */
    char *stderr_text;
    cr_assert_eq(report_command("", dir, &stderr_text), 0, "%s", stderr_text);
    size_t len;
    char *md = slurp(dir, "report.md", &len);
    for (size_t i = 0; i < 3; i++) {
        char *line = strstr(stderr_text, hlogs[i]);
        cr_assert_not_null(line, "stderr does not name %s: %s", hlogs[i], stderr_text);
        cr_assert_not_null(strstr(md, hlogs[i]), "report.md does not name %s", hlogs[i]);
    }
    cr_assert_eq(count(stderr_text, "hotpath: warning: "), 3, "%s", stderr_text);
    cr_assert_eq(count(stderr_text, "five percentiles results.json records"), 3, "%s", stderr_text);
    cr_assert_eq(count(md, "**Warning:** "), 3, "%s", md);
    cr_assert_not_null(strstr(stderr_text, "No such file"), "%s", stderr_text);
    free(md);
    remove_tree(dir);
}

/* results.json of dir with every latency figure set to 0 (a case faster than the timer). */
static void zero_latencies(const char *dir)
{
    char path[1024];
    snprintf(path, sizeof path, "%s/results.json", dir);
    json_error_t jerr;
    json_t *root = json_load_file(path, 0, &jerr);
    cr_assert_not_null(root, "%s", jerr.text);
    size_t i;
    json_t *c;
    json_array_foreach(json_object_get(root, "cases"), i, c)
    {
        json_t *lat = json_object_get(c, "latency");
        if (!json_is_object(lat))
            continue;
        static const char *const keys[] = {"min_ns", "mean_ns", "p50_ns",   "p90_ns",
                                           "p99_ns", "p999_ns", "p9999_ns", "max_ns"};
        for (size_t k = 0; k < sizeof keys / sizeof keys[0]; k++)
            json_object_set_new(lat, keys[k], json_real(0));
    }
    cr_assert_eq(json_dump_file(root, path, JSON_INDENT(1)), 0);
    json_decref(root);
}

Test(report, leaves_out_a_spectrum_of_zeros_and_says_why)
{
    char dir[64];
    copy_fixture(dir, sizeof dir);
    zero_latencies(dir);
    char hlogs[8][256];
    size_t n = fixture_hlogs(hlogs, 8);
    for (size_t i = 0; i < n; i++) {
        char path[1024];
        snprintf(path, sizeof path, "%s/%s", dir, hlogs[i]);
        cr_assert_eq(truncate(path, 0), 0);
    }
    char *stderr_text;
    cr_assert_eq(report_command("", dir, &stderr_text), 0, "%s", stderr_text);
    cr_assert_eq(count(stderr_text, "hotpath: warning: "), n, "%s", stderr_text);
    size_t len;
    char *md = slurp(dir, "report.md", &len);
    cr_assert_not_null(strstr(md, "*Not drawn: every latency recorded for this workload is 0 ns"),
                       "%s", md);
    cr_assert(!exists(dir, "charts/latency_spectrum-1.png"));
    cr_assert(exists(dir, "charts/phase_bars.png"), "the other charts are drawn");
    free(md);
    remove_tree(dir);
}

/* Fails the test when dir (or charts/ in it) holds an empty file or a leftover temporary. */
static void assert_no_debris(const char *dir)
{
    char cmd[1024];
    snprintf(cmd, sizeof cmd,
             "test -z \"$(find %s -empty -type f; find %s -name '*.tmp*' -o -name '.*.tmp')\"", dir,
             dir);
    cr_assert_eq(system(cmd), 0, "empty files or temporaries left in %s", dir);
}

Test(report, a_full_disk_leaves_the_earlier_charts_and_no_part_of_new_ones)
{
    char dir[64];
    struct hp_report_outcome outcome;
    report_of_fixture(dir, sizeof dir, &outcome);
    size_t old_len, len;
    char *old_png = slurp(dir, "charts/phase_bars.png", &old_len);
    char *old_md = slurp(dir, "report.md", &len);
    free(old_md);
    write_text(dir, "report.md", "the earlier report\n");
    /* Files may not grow past 8 KiB (dash counts 512-byte blocks): the data files fit, the
     * charts do not; writes past the limit fail with EFBIG as they would with ENOSPC. */
    char *stderr_text;
    int status = report_command("trap '' XFSZ; ulimit -f 16;", dir, &stderr_text);
    cr_assert_eq(status, 2, "%s", stderr_text);
    cr_assert_eq(count(stderr_text, "\n"), 1, "one message: %s", stderr_text);
    cr_assert_not_null(strstr(stderr_text, "incomplete"), "%s", stderr_text);
    cr_assert_null(strstr(stderr_text, "gnuplot failed"), "%s", stderr_text);
    char *md = slurp(dir, "report.md", &len);
    cr_assert_str_eq(md, "the earlier report\n", "report.md was replaced by a failed report");
    free(md);
    char *png = slurp(dir, "charts/phase_bars.png", &len);
    cr_assert(len == old_len && memcmp(png, old_png, len) == 0, "the earlier chart was touched");
    free(png);
    free(old_png);
    assert_no_debris(dir);
    /* Without earlier charts, none at all. */
    char cmd[256];
    snprintf(cmd, sizeof cmd, "rm -r %s/charts", dir);
    cr_assert_eq(system(cmd), 0);
    cr_assert_eq(report_command("trap '' XFSZ; ulimit -f 16;", dir, &stderr_text), 2);
    cr_assert(!exists(dir, "charts"), "a failed report left charts/");
    assert_no_debris(dir);
    remove_tree(dir);
}

Test(report, a_hung_gnuplot_is_killed_and_named)
{
    char dir[64];
    copy_fixture(dir, sizeof dir);
    char script[128], env[512];
    snprintf(script, sizeof script, "%s/hung-gnuplot", dir);
    write_text(dir, "hung-gnuplot",
               "#!/bin/sh\n[ \"$1\" = --version ] && { echo 'gnuplot 5.4'; exit 0; }\n"
               "exec sleep 20\n");
    cr_assert_eq(chmod(script, 0755), 0);
    snprintf(env, sizeof env, "HOTPATH_GNUPLOT=%s HOTPATH_GNUPLOT_TIMEOUT=1s", script);
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    char *stderr_text;
    int status = report_command(env, dir, &stderr_text);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    cr_assert_eq(status, 2, "%s", stderr_text);
    cr_assert_lt(t1.tv_sec - t0.tv_sec, 10, "the report waited for the hung gnuplot");
    cr_assert_not_null(strstr(stderr_text, "did not finish the chart phase_bars"), "%s",
                       stderr_text);
    cr_assert_not_null(strstr(stderr_text, "killed"), "%s", stderr_text);
    cr_assert(!exists(dir, "charts") && !exists(dir, "report.md"));
    unlink(script);
    assert_no_debris(dir);
    remove_tree(dir);
}

/* ---- report.html through a small HTML parser ---------------------------------------------- */

static bool is_void_element(const char *tag)
{
    static const char *const voids[] = {"br", "img", "meta", "hr", "input", "link", "wbr"};
    for (size_t i = 0; i < sizeof voids / sizeof voids[0]; i++)
        if (strcmp(tag, voids[i]) == 0)
            return true;
    return false;
}

/* The value of attribute `name` in the tag text [p, end), copied into out; false if absent. */
static bool attribute(const char *p, const char *end, const char *name, char **out)
{
    size_t n = strlen(name);
    for (; p + n + 2 < end; p++) {
        if ((p[-1] == ' ') && strncmp(p, name, n) == 0 && p[n] == '=' && p[n + 1] == '"') {
            const char *v = p + n + 2, *close = memchr(v, '"', (size_t)(end - v));
            cr_assert_not_null(close, "unterminated attribute %s", name);
            *out = strndup(v, (size_t)(close - v));
            return true;
        }
    }
    return false;
}

static bool same_as_a_chart(const char *dir, const unsigned char *png, size_t len)
{
    for (size_t i = 0; i < 4; i++) {
        char name[128];
        size_t file_len;
        snprintf(name, sizeof name, "charts/%s.png", fixture_charts[i]);
        if (!exists(dir, name))
            continue;
        char *file = slurp(dir, name, &file_len);
        bool same = file_len == len && memcmp(file, png, len) == 0;
        free(file);
        if (same)
            return true;
    }
    return false;
}

Test(report, html_renders_the_tables_markup_and_every_chart)
{
    char dir[64];
    struct hp_report_outcome outcome;
    report_of_fixture(dir, sizeof dir, &outcome);
    size_t len;
    char *html = slurp(dir, "report.html", &len);
    char stack[64][16];
    size_t depth = 0, cells = 0, breaks_in_cells = 0, images = 0, links = 0;
    const char *cell_start = NULL;
    for (const char *p = html; (p = strchr(p, '<'));) {
        const char *end = strchr(p, '>');
        cr_assert_not_null(end, "unterminated tag at offset %td", p - html);
        if (p[1] == '!') { /* <!DOCTYPE html> */
            p = end + 1;
            continue;
        }
        bool closing = p[1] == '/';
        const char *name = p + (closing ? 2 : 1);
        size_t name_len = strcspn(name, " >/");
        char tag[16];
        cr_assert_lt(name_len, sizeof tag, "tag name too long at offset %td", p - html);
        memcpy(tag, name, name_len);
        tag[name_len] = '\0';
        if (closing) {
            cr_assert_gt(depth, 0, "</%s> closes nothing", tag);
            cr_assert_str_eq(stack[depth - 1], tag, "</%s> closes <%s>", tag, stack[depth - 1]);
            depth--;
            if (cell_start && (strcmp(tag, "td") == 0 || strcmp(tag, "th") == 0)) {
                char *cell = strndup(cell_start, (size_t)(p - cell_start));
                cr_assert_null(strstr(cell, "&lt;"), "escaped markup in a table cell: %s", cell);
                free(cell);
                cell_start = NULL;
                cells++;
            }
        } else if (is_void_element(tag)) {
            breaks_in_cells += strcmp(tag, "br") == 0 && cell_start;
            char *src = NULL;
            if (strcmp(tag, "img") == 0 && attribute(name, end, "src", &src)) {
                static const char data_png[] = "data:image/png;base64,";
                if (strncmp(src, data_png, sizeof data_png - 1) == 0) {
                    unsigned char *png;
                    size_t png_len;
                    struct hp_error err = {{0}};
                    const char *b64 = src + sizeof data_png - 1;
                    cr_assert_eq(hp_base64_decode(b64, strlen(b64), &png, &png_len, &err), 0, "%s",
                                 err.message);
                    cr_assert(same_as_a_chart(dir, png, png_len),
                              "an embedded image is none of the charts in %s/charts", dir);
                    free(png);
                } else {
                    cr_assert(exists(dir, src), "<img src=\"%s\"> is not in %s", src, dir);
                }
                images++;
            }
            free(src);
        } else {
            cr_assert_lt(depth, 64, "nesting too deep");
            snprintf(stack[depth++], sizeof stack[0], "%s", tag);
            if (strcmp(tag, "td") == 0 || strcmp(tag, "th") == 0)
                cell_start = end + 1;
            char *href = NULL;
            if (strcmp(tag, "a") == 0 && attribute(name, end, "href", &href)) {
                cr_assert(strstr(href, "://") || exists(dir, href), "a link to %s, not in %s", href,
                          dir);
                links++;
            }
            free(href);
        }
        p = end + 1;
    }
    cr_assert_eq(depth, 0, "<%s> is never closed", depth ? stack[depth - 1] : "");
    cr_assert_gt(cells, 20, "report.html has its tables");
    cr_assert_gt(breaks_in_cells, 0, "the phase table's line breaks are <br> tags");
    cr_assert_eq(images, 4, "one image per chart");
    cr_assert_eq(links, 8, "each chart links its SVG and its data");
    free(html);
    remove_tree(dir);
}

/* The claims table's flag: a C step and its Go twin more than 2x apart, either way. */
Test(report, c_step_and_go_twin_disagree_beyond_2x_either_way)
{
    struct hp_case_comparison c = {.ratio = 0.7, .change = HP_CHANGE_FASTER};
    struct hp_case_comparison go = {.ratio = 0.8, .change = HP_CHANGE_FASTER};
    cr_expect_not(hp_changes_disagree(&c, &go), "-30%% vs -20%%: within 2x");
    go.ratio = 0.9;
    cr_expect(hp_changes_disagree(&c, &go), "-30%% vs -10%%: 3x apart");
    cr_expect(hp_changes_disagree(&go, &c), "either way");
    go.ratio = 1.2;
    go.change = HP_CHANGE_SLOWER;
    cr_expect(hp_changes_disagree(&c, &go), "opposite directions");
    c.change = go.change = HP_CHANGE_NONE;
    c.ratio = 0.99, go.ratio = 1.01;
    cr_expect_not(hp_changes_disagree(&c, &go), "two changes within noise are not a disagreement");
}
