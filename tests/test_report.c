/* hotpath report and the phase/claims tables, from the committed results fixture
 * tests/fixtures/report_run (a real `run --phases tests/fixtures/report.phases --workload
 * router/github/static --samples 5 --target-time 1ms` run, trimmed to results.json, results.csv
 * and the .hlog files), and the claim verdicts against hand-made comparisons. */
#define _GNU_SOURCE
#include <criterion/criterion.h>

#include <fnmatch.h>

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
#include "registry.h"
#include "workload_table.h"
#include "replace_set.h"
#include "report.h"
#include "results_read.h"
#include "results_fixture.h"

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
    /* the fixture swept no parameter and predates the held-bytes metrics */
    cr_assert_eq(outcome.charts_omitted, 2);
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
    cr_assert_eq(count(md, "*Not drawn: "), 2, "%s", md);
    cr_assert_not_null(strstr(md, "Not drawn: no parameter of this run was swept"));
    cr_assert_not_null(strstr(md, "Not drawn: no batch case of this run records what"));
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

Test(report, the_command_refuses_an_empty_results_directory_name)
{
    char dir[] = "/tmp/hotpath-report-empty-XXXXXX", cmd[1024];
    cr_assert_not_null(mkdtemp(dir));
    snprintf(cmd, sizeof cmd, "cd %s && %s report '' >out 2>err", dir, HOTPATH_BINARY);
    int raw = system(cmd);
    cr_assert(WIFEXITED(raw) && WEXITSTATUS(raw) == 2, "exit %d", WEXITSTATUS(raw));
    size_t len;
    char *text = slurp(dir, "err", &len);
    cr_assert_str_eq(text, "hotpath: report: the results directory is an empty name\n");
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
    cr_assert_eq(outcome.charts_omitted, 6);
    size_t len;
    char *md = slurp(run, "report.md", &len);
    cr_assert_eq(count(md, "*Not drawn: "), 6, "%s", md);
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
    cr_assert_not_null(strstr(text, "vs its base"), "%s", text);
    cr_assert_not_null(strstr(text, "10-15 ns"), "the seed's claim beside the measurement");
    free(text);
    hp_phase_view_free(&v);
    hp_results_free(&r);
}

/* The verdict function on hand-made intervals: a judgment of 10 to 15 saved. */
static const struct hp_claim_judgment saved_10_15 = {.workloads = "w",
                                                     .metric = HP_JUDGED_NS_PER_OP,
                                                     .figure = HP_FIGURE_SAVED,
                                                     .low = 10,
                                                     .high = 15};

static const char *judged(const struct hp_claim_judgment *j, enum hp_direction d, double low,
                          double high)
{
    return hp_verdict_name(hp_judge(j, d, low, high));
}

Test(claims, change_verdicts_with_both_bounds)
{
    const struct hp_claim_judgment *j = &saved_10_15;
    enum hp_direction better = HP_DIRECTION_BETTER;
    cr_assert_str_eq(judged(j, better, 11, 14), "confirmed", "inside");
    cr_assert_str_eq(judged(j, better, 5, 30), "confirmed", "around the range");
    cr_assert_str_eq(judged(j, better, 5, 10), "confirmed", "touching the lower edge");
    cr_assert_str_eq(judged(j, better, 15, 40), "confirmed", "touching the upper edge");
    cr_assert_str_eq(judged(j, better, 5, 9.99), "smaller than claimed", "just below");
    cr_assert_str_eq(judged(j, better, 15.01, 40), "larger than claimed: check the reference",
                     "just beyond");
    cr_assert_str_eq(judged(j, better, 30, 45), "larger than claimed: check the reference");
    cr_assert_str_eq(judged(j, HP_DIRECTION_NONE, 11, 14), "no effect",
                     "an interval inside the range is no verdict without significance");
    cr_assert_str_eq(judged(j, HP_DIRECTION_WORSE, -8, -2), "made it worse");
    /* A fraction saved (C11, C13: a point claim) and exact counts (a point interval). */
    struct hp_claim_judgment f = {.workloads = "w",
                                  .metric = HP_JUDGED_PEAK_BYTES,
                                  .figure = HP_FIGURE_SAVED_FRACTION,
                                  .low = 0.8,
                                  .high = 0.8};
    cr_assert_str_eq(judged(&f, better, 0.8, 0.8), "confirmed");
    cr_assert_str_eq(judged(&f, better, 0.731, 0.731), "smaller than claimed");
    cr_assert_str_eq(judged(&f, better, 0.9, 0.9), "larger than claimed: check the reference");
    /* At most a level after the change (C10: allocs/op). */
    struct hp_claim_judgment after = {.workloads = "w",
                                      .metric = HP_JUDGED_ALLOCS_PER_OP,
                                      .figure = HP_FIGURE_AT_MOST_AFTER,
                                      .high = 0.1};
    cr_assert_str_eq(judged(&after, better, 0.02, 0.02), "confirmed");
    cr_assert_str_eq(judged(&after, better, 0.1, 0.1), "confirmed", "the edge");
    cr_assert_str_eq(judged(&after, better, 0.3, 0.3), "smaller than claimed");
    cr_assert_str_eq(judged(&after, HP_DIRECTION_NONE, 0, 0), "no effect",
                     "already at the level before: the change did nothing");
    cr_assert_str_eq(judged(&after, HP_DIRECTION_WORSE, 0.5, 0.5), "made it worse");
}

Test(claims, target_verdicts_meets_or_misses)
{
    struct hp_claim_judgment at_most = {
        .workloads = "w", .metric = HP_JUDGED_NS_PER_OP, .figure = HP_FIGURE_AT_MOST, .high = 50};
    cr_assert_str_eq(judged(&at_most, HP_DIRECTION_NONE, 20, 30), "meets");
    cr_assert_str_eq(judged(&at_most, HP_DIRECTION_NONE, 45, 60), "meets", "reaches it");
    cr_assert_str_eq(judged(&at_most, HP_DIRECTION_NONE, 50, 60), "meets", "the edge");
    cr_assert_str_eq(judged(&at_most, HP_DIRECTION_NONE, 50.1, 60), "misses");
    cr_assert_str_eq(judged(&at_most, HP_DIRECTION_WORSE, 20, 30), "meets",
                     "a target is a level: no direction");
    struct hp_claim_judgment at_least = {.workloads = "w",
                                         .metric = HP_JUDGED_REQ_PER_S,
                                         .figure = HP_FIGURE_AT_LEAST,
                                         .low = 500000};
    cr_assert_str_eq(judged(&at_least, HP_DIRECTION_NONE, 400000, 500000), "meets");
    cr_assert_str_eq(judged(&at_least, HP_DIRECTION_NONE, 400000, 499999), "misses");
    struct hp_claim_judgment within = {.workloads = "w",
                                       .metric = HP_JUDGED_NS_PER_OP,
                                       .figure = HP_FIGURE_WITHIN,
                                       .low = 5,
                                       .high = 10};
    cr_assert_str_eq(judged(&within, HP_DIRECTION_NONE, 6, 7), "meets");
    cr_assert_str_eq(judged(&within, HP_DIRECTION_NONE, 4, 5), "meets", "lower edge");
    cr_assert_str_eq(judged(&within, HP_DIRECTION_NONE, 10, 12), "meets", "upper edge");
    cr_assert_str_eq(judged(&within, HP_DIRECTION_NONE, 3, 4.99), "misses", "below");
    cr_assert_str_eq(judged(&within, HP_DIRECTION_NONE, 10.01, 11), "misses", "above");
}

Test(claims, every_claim_is_complete)
{
    /* C1..C16 in order, each with its technique, a source document and section, the figure,
     * its kind and scope, and judgments on workloads that exist (or a reason why none). */
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
        size_t n = hp_claim_judgment_count(c);
        cr_expect(n > 0 || (c->why_not_judged && *c->why_not_judged),
                  "%s: neither judged nor said why not", id);
        for (size_t k = 0; k < n; k++) {
            const struct hp_claim_judgment *j = &c->judgments[k];
            cr_expect(j->low <= j->high, "%s: range %g..%g", id, j->low, j->high);
            bool change = j->figure == HP_FIGURE_SAVED || j->figure == HP_FIGURE_SAVED_FRACTION ||
                          j->figure == HP_FIGURE_AT_MOST_AFTER;
            cr_expect_eq(change, c->type == HP_CLAIM_CHANGE, "%s: figure of the other kind", id);
            cr_expect(!j->when || c->type == HP_CLAIM_TARGET, "%s: a tier on a change", id);
            bool matched = false;
            for (const struct hp_workload *const *w = hp_workload_table; *w; w++)
                matched |= fnmatch(j->workloads, (*w)->name, 0) == 0;
            cr_expect(matched, "%s: %s matches no workload", id, j->workloads);
            if (j->when) {
                const char *impl = NULL;
                int a = hp_judgment_when(j, &impl);
                cr_expect(a >= 0 && hp_impl_find((enum hp_axis_id)a, impl),
                          "%s: when '%s' names no implementation", id, j->when);
            }
        }
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
    cr_expect_not_null(strstr(md, "router/github/static, 1 thread<br>  vs its base<br>  vs "
                                  "base<br>  allocs/op<br>  vs gin (ratio)"),
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

/* A run without cases ("cases": [], which the reader accepts: an interrupted run may write it)
 * has nothing to report: one message naming the file, exit 2, and no report written. */
Test(report, refuses_a_run_without_cases)
{
    char dir[64];
    copy_fixture(dir, sizeof dir);
    char path[1024];
    snprintf(path, sizeof path, "%s/results.json", dir);
    json_error_t jerr;
    json_t *root = json_load_file(path, 0, &jerr);
    cr_assert_not_null(root, "%s", jerr.text);
    json_object_set_new(root, "cases", json_array());
    json_object_set_new(root, "complexity", json_array());
    cr_assert_eq(json_dump_file(root, path, JSON_INDENT(1)), 0);
    json_decref(root);
    char *stderr_text;
    cr_assert_eq(report_command("", dir, &stderr_text), 2, "%s", stderr_text);
    char expected[1200];
    snprintf(expected, sizeof expected,
             "hotpath: %s: cases: is empty: the run measured no case, so there is nothing to "
             "report\n",
             path);
    cr_assert_str_eq(stderr_text, expected);
    cr_assert_not(exists(dir, "report.md"));
    cr_assert_not(exists(dir, "report.html"));
    remove_tree(dir);
}

/* Documented (README, `hotpath report`): a missing or unreadable .hlog is a warning naming it,
 * not a refusal; a FIFO in its place is refused unread, so the report does not block. */
Test(report, names_each_bad_hlog_and_what_it_used_instead, .timeout = 120)
{
    char dir[64];
    copy_fixture(dir, sizeof dir);
    char hlogs[8][256];
    cr_assert_geq(fixture_hlogs(hlogs, 8), 4);
    char path[1024], cmd[2048];
    snprintf(path, sizeof path, "%s/%s", dir, hlogs[0]);
    cr_assert_eq(unlink(path), 0);                                             /* missing */
    snprintf(cmd, sizeof cmd, "sed -i 's/HISTF/HXSTF/' %s/%s", dir, hlogs[1]); /* corrupt */
    cr_assert_eq(system(cmd), 0);
    snprintf(path, sizeof path, "%s/%s", dir, hlogs[2]);
    cr_assert_eq(truncate(path, 300), 0); /* cut inside its header */
    snprintf(path, sizeof path, "%s/%s", dir, hlogs[3]);
    cr_assert_eq(unlink(path), 0);
    cr_assert_eq(mkfifo(path, 0600), 0); /* no writer: reading it would block */
    char *stderr_text;
    cr_assert_eq(report_command("", dir, &stderr_text), 0, "%s", stderr_text);
    size_t len;
    char *md = slurp(dir, "report.md", &len);
    for (size_t i = 0; i < 4; i++) {
        char *line = strstr(stderr_text, hlogs[i]);
        cr_assert_not_null(line, "stderr does not name %s: %s", hlogs[i], stderr_text);
        cr_assert_not_null(strstr(md, hlogs[i]), "report.md does not name %s", hlogs[i]);
    }
    cr_assert_eq(count(stderr_text, "hotpath: warning: "), 4, "%s", stderr_text);
    cr_assert_eq(count(stderr_text, "five percentiles results.json records"), 4, "%s", stderr_text);
    cr_assert_eq(count(md, "**Warning:** "), 4, "%s", md);
    cr_assert_not_null(strstr(stderr_text, "No such file"), "%s", stderr_text);
    char corrupt[600], fifo[600];
    snprintf(corrupt, sizeof corrupt, "%s:6: ", hlogs[1]); /* the file and its line */
    snprintf(fifo, sizeof fifo, "%s: is not a regular file", hlogs[3]);
    cr_assert_not_null(strstr(stderr_text, corrupt), "%s", stderr_text);
    cr_assert_not_null(strstr(stderr_text, fifo), "%s", stderr_text);
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

/* A program that fails --version: one line naming it and the failure, not its output. */
Test(report, a_gnuplot_failing_its_version_check_is_named_in_one_line)
{
    char dir[64];
    copy_fixture(dir, sizeof dir);
    char *stderr_text;
    cr_assert_eq(report_command("HOTPATH_GNUPLOT=/bin/false", dir, &stderr_text), 2);
    cr_assert_eq(count(stderr_text, "\n"), 1, "one line: %s", stderr_text);
    cr_assert_eq(strstr(stderr_text, "hotpath: gnuplot '/bin/false': --version failed (exit 1)"),
                 stderr_text, "%s", stderr_text);
    cr_assert(!exists(dir, "charts") && !exists(dir, "report.md"));
    remove_tree(dir);
}

/* Every entry under dir, its type, and every file's checksum, as one text (malloc'ed). */
static char *snapshot(const char *dir)
{
    char cmd[1024];
    snprintf(cmd, sizeof cmd,
             "cd %s && { find . -printf '%%y %%p\\n'; find . -type f -exec md5sum {} +; } | sort",
             dir);
    FILE *p = popen(cmd, "r");
    cr_assert_not_null(p);
    char *text = NULL;
    size_t size = 0;
    FILE *out = open_memstream(&text, &size);
    for (int c; (c = fgetc(p)) != EOF;)
        fputc(c, out);
    fclose(out);
    cr_assert_eq(pclose(p), 0, "%s failed", cmd);
    return text;
}

/* `hotpath report DIR` with an entry in the way: exit 2, the one message expected, and DIR
 * exactly as it was. */
static void assert_refused_unchanged(const char *dir, const char *name, const char *problem)
{
    char *before = snapshot(dir), *stderr_text, expected[256];
    cr_assert_eq(report_command("", dir, &stderr_text), 2, "%s: %s", name, stderr_text);
    snprintf(expected, sizeof expected, "hotpath: %s/%s: %s\n", dir, name, problem);
    cr_assert_str_eq(stderr_text, expected);
    char *after = snapshot(dir);
    cr_assert_str_eq(after, before, "a refused report changed %s", dir);
    free(before);
    free(after);
}

/* report.md, report.html or phases.md a directory: refused before anything is drawn or written;
 * the earlier report, its charts included, as it was. */
Test(report, a_directory_in_place_of_a_report_file_refuses_with_nothing_changed)
{
    char dir[64];
    struct hp_report_outcome outcome;
    report_of_fixture(dir, sizeof dir, &outcome);
    static const char *const files[] = {"report.md", "report.html", "phases.md"};
    for (size_t i = 0; i < 3; i++) {
        char path[256];
        snprintf(path, sizeof path, "%s/%s", dir, files[i]);
        cr_assert_eq(unlink(path), 0, "%s was not written", path);
        cr_assert_eq(mkdir(path, 0755), 0);
        assert_refused_unchanged(dir, files[i], "is a directory");
        cr_assert_eq(rmdir(path), 0);
    }
    remove_tree(dir);
}

/* charts a file: refused, the file left where it is (it was moved to .charts.tmp and left). */
Test(report, a_file_in_place_of_charts_refuses_with_nothing_changed)
{
    char dir[64];
    struct hp_report_outcome outcome;
    report_of_fixture(dir, sizeof dir, &outcome);
    char charts[128];
    snprintf(charts, sizeof charts, "%s/charts", dir);
    remove_tree(charts);
    write_text(dir, "charts", "not the charts\n");
    assert_refused_unchanged(dir, "charts", "not a directory");
    /* and with no earlier report at all */
    remove_tree(dir);
    copy_fixture(dir, sizeof dir);
    write_text(dir, "charts", "not the charts\n");
    assert_refused_unchanged(dir, "charts", "not a directory");
    remove_tree(dir);
}

/* The install itself: an entry that cannot be moved into place moves back those already moved
 * (here the new charts/ was moved, then report.md's temporary is missing). */
Test(report, an_install_that_fails_midway_moves_back_what_it_moved)
{
    char dir[64];
    copy_fixture(dir, sizeof dir);
    struct hp_replace_entry entries[2];
    hp_replace_entry_init(&entries[0], dir, "charts", true);
    hp_replace_entry_init(&entries[1], dir, "report.md", false);
    char path[512];
    snprintf(path, sizeof path, "%s/charts", dir);
    cr_assert_eq(mkdir(path, 0755), 0);
    write_text(dir, "charts/old.png", "old chart\n");
    write_text(dir, "report.md", "old report\n");
    cr_assert_eq(mkdir(entries[0].tmp, 0755), 0);
    write_text(dir, ".charts.tmp/new.png", "new chart\n");
    char *before = snapshot(dir);
    struct hp_error err = {{0}};
    cr_assert_eq(hp_replace_install(entries, 2, &err), -1);
    cr_assert_not_null(strstr(err.message, entries[1].tmp), "%s", err.message);
    char *after = snapshot(dir);
    cr_assert_str_eq(after, before, "the charts were left half installed");
    hp_replace_cleanup(entries, 2);
    cr_assert(!exists(dir, ".charts.tmp") && exists(dir, "charts/old.png"));
    free(before);
    free(after);
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

/* ---- a branching plan, from a constructed results file ----------------------------------- */

static json_t *phase_json(const char *name, const char *base, const char *group, const char *claim,
                          const char *router, const char *pool)
{
    json_t *p = json_object();
    json_object_set_new(p, "name", json_string(name));
    json_object_set_new(p, "base", base ? json_string(base) : json_null());
    json_object_set_new(p, "group", group ? json_string(group) : json_null());
    json_object_set_new(p, "summary", json_string(""));
    json_t *claims = json_array();
    if (claim)
        json_array_append_new(claims, json_string(claim));
    json_object_set_new(p, "claims", claims);
    json_t *impls = json_object();
    json_object_set_new(impls, "router", json_string(router));
    json_object_set_new(impls, "pool", json_string(pool));
    json_object_set_new(p, "implementations", impls);
    return p;
}

static void samples_around(double *out, double centre)
{
    static const double jitter[10] = {0, 0.2, -0.2, 0.1, -0.1, 0.3, -0.3, 0.05, -0.05, 0.15};
    for (int i = 0; i < 10; i++)
        out[i] = centre + jitter[i];
}

/* base -> main (C5) and base -> side (C6, a side step), then a measuring step on side (C15).
 * Each step is judged against its base: side saved ~17 ns against base (C6 claims 15-20),
 * though it is ~12 ns faster than main, the section before it. */
static char *branching_tables(struct hp_phase_view *v, struct hp_results *r, bool with_gin)
{
    fx_setup();
    static double base[10], main_[10], side[10], parse[10];
    samples_around(base, 100), samples_around(main_, 95), samples_around(side, 83);
    samples_around(parse, 30);
    const struct fx_case cases[] = {
        {.name = "request/static/threads=1/phase=base",
         .workload = "request/static",
         .phase = "base",
         .samples = base,
         .n = 10},
        {.name = "request/static/threads=1/phase=main",
         .workload = "request/static",
         .phase = "main",
         .samples = main_,
         .n = 10},
        {.name = "request/static/threads=1/phase=side",
         .workload = "request/static",
         .phase = "side",
         .samples = side,
         .n = 10},
        {.name = "http/parse/line3/threads=1/phase=measure",
         .workload = "http/parse/line3",
         .phase = "measure",
         .samples = parse,
         .n = 10},
    };
    const struct fx_run run = {.version = 3};
    fx_write("run", &run, cases, sizeof cases / sizeof cases[0]);
    const char *path = fx_path("run/results.json");
    json_error_t jerr;
    json_t *root = json_load_file(path, 0, &jerr);
    cr_assert_not_null(root, "%s", jerr.text);
    json_t *order = json_array();
    json_array_append_new(order,
                          phase_json("base", NULL, "before", NULL, "rwlock_map", "tls_cache"));
    json_array_append_new(order,
                          phase_json("main", "base", "p1", "C5", "rwlock_split", "tls_cache"));
    json_array_append_new(order, phase_json("side", "base", "p1", "C6", "cow_map", "tls_cache"));
    json_array_append_new(order,
                          phase_json("measure", "side", NULL, "C15", "cow_map", "tls_cache"));
    json_t *phases = json_object();
    json_object_set_new(phases, "file", json_string("branching.phases"));
    json_object_set_new(phases, "order", order);
    json_object_set_new(root, "phases", phases);
    if (with_gin) {
        /* Gin beside request/static at twice the base's samples (results v4). */
        json_object_set_new(root, "version", json_integer(4));
        add_external_case(root, "request/static/threads=1/phase=base", "request/static/peer=gin",
                          "gin", NULL, NULL, 2);
    }
    cr_assert_eq(json_dump_file(root, path, JSON_INDENT(1)), 0);
    json_decref(root);
    struct hp_error err = {{0}};
    cr_assert_eq(hp_results_read(fx_path("run"), r, &err), 0, "%s", err.message);
    cr_assert_eq(hp_phase_view_build(r, v, &err), 0, "%s", err.message);
    char *text = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);
    cr_assert_eq(hp_phase_tables_write(f, r, v, HP_RENDER_MD, &err), 0, "%s", err.message);
    fclose(f);
    return text;
}

/* The Markdown table row that contains all of `needles`, or NULL. */
static const char *row_with(const char *text, const char *a, const char *b)
{
    for (const char *line = text; line && *line;
         line = strchr(line, '\n') ? strchr(line, '\n') + 1 : NULL) {
        const char *end = strchr(line, '\n');
        size_t n = end ? (size_t)(end - line) : strlen(line);
        const char *x = memmem(line, n, a, strlen(a)), *y = memmem(line, n, b, strlen(b));
        if (x && y)
            return line;
    }
    return NULL;
}

Test(phase_tables, each_step_is_judged_against_its_base)
{
    struct hp_phase_view v;
    struct hp_results r;
    char *text = branching_tables(&v, &r, false);
    cr_assert_eq(v.phases[2].base, 0, "side's base is base, not the section before it");
    cr_assert(v.phases[3].measuring);
    cr_assert_eq(v.column_count, 3, "a measuring step has no column");
    const char *side = row_with(text, "| side vs base |", "| C6 ");
    cr_assert_not_null(side, "%s", text);
    cr_assert_not_null(strstr(side, "100 -> 83.0 ns/op: saved 17.0 ns"), "%.300s", side);
    cr_assert_not_null(row_with(side, "confirmed", "C6"), "%.300s", side);
    const char *main_ = row_with(text, "| main vs base |", "| C5 ");
    cr_assert_not_null(main_, "%s", text);
    cr_assert_not_null(row_with(main_, "saved 5.0 ns", "confirmed"), "%.300s", main_);
    /* The target: judged on the measuring step's own case. */
    const char *target = row_with(text, "| measure |", "| C15 ");
    cr_assert_not_null(target, "%s", text);
    cr_assert_not_null(row_with(target, "http/parse/line3, 1 thread", "| meets |"), "%.300s",
                       target);
    /* One row per judgment, workload and thread count: C6 has none at 2 threads here, and
     * nothing repeats a row. */
    cr_assert_null(row_with(text, "C6 ", "2 threads"));
    /* The headline: the group's last step (p1 = side), and the fidelity of each step from the
     * implementations' declarations. */
    const char *headline = row_with(text, "static (request/static, 1 thread)", "83.0 ns");
    cr_assert_not_null(headline, "%s", text);
    cr_assert_not_null(strstr(text, "p1 = step side"), "%s", text);
    const struct hp_impl_info *split = hp_impl_find(HP_AXIS_ROUTER, "rwlock_split");
    const char *fidelity = row_with(text, "| main |", "router: rwlock_map -> rwlock_split");
    cr_assert_not_null(fidelity, "%s", text);
    cr_assert_not_null(row_with(fidelity, split->models, "like-for-like"), "%.600s", fidelity);
    free(text);
    hp_phase_view_free(&v);
    hp_results_free(&r);
    fx_teardown();
}

/* The headline compares each group's last step with Gin (the phase table's peer data and
 * comparison); without Gin it has no Gin column. */
Test(phase_tables, headline_has_gin_column_with_each_groups_ratio)
{
    struct hp_phase_view v;
    struct hp_results r;
    char *text = branching_tables(&v, &r, true);
    cr_assert_not_null(strstr(text, "| benchmark | before | p1 | gin (Go) |"), "%s", text);
    const char *headline = row_with(text, "static (request/static, 1 thread)", "83.0 ns");
    cr_assert_not_null(headline, "%s", text);
    /* side (p1) ~83 ns and base (before) ~100 ns against Gin's ~200 ns. */
    cr_assert_not_null(row_with(headline, "<br>vs gin 0.415x [", "<br>vs gin 0.5x ["), "%.400s",
                       headline);
    cr_assert_not_null(row_with(headline, "| 200 ns [", "| 200 ns ["), "%.400s", headline);
    /* The phase table's "vs gin" line: the same comparison. */
    cr_assert_not_null(row_with(text, "vs gin (ratio)", "<br>0.415x ["), "%s", text);
    free(text);
    hp_phase_view_free(&v);
    hp_results_free(&r);
    fx_teardown();

    text = branching_tables(&v, &r, false);
    cr_assert_not_null(strstr(text, "| benchmark | before | p1 |\n"), "%s", text);
    cr_assert_null(strstr(text, "vs gin"), "%s", text);
    free(text);
    hp_phase_view_free(&v);
    hp_results_free(&r);
    fx_teardown();
}
