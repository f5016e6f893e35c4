/* hotpath report and the phase/claims tables, from the committed results fixture
 * tests/fixtures/report_run (a real `run --phases tests/fixtures/report.phases --workload
 * router/github/static --samples 5 --target-time 1ms` run, trimmed to results.json, results.csv
 * and the .hlog files), and the claim verdicts against hand-made comparisons. */
#include <criterion/criterion.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "claims.h"
#include "phase_tables.h"
#include "report.h"
#include "results_read.h"

static const char *const fixture = "tests/fixtures/report_run";

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
    copy_fixture(dir, sizeof dir);
    struct hp_report_outcome outcome;
    struct hp_error err = {{0}};
    cr_assert_eq(hp_report_write(dir, &outcome, &err), 0, "%s", err.message);
    cr_assert_eq(outcome.charts_drawn, 4, "drawn %zu", outcome.charts_drawn);
    cr_assert_eq(outcome.charts_omitted, 0);
    static const char *const charts[] = {"phase_bars", "latency_spectrum-1", "thread_scaling-1",
                                         "allocations"};
    for (size_t i = 0; i < 4; i++) {
        char name[128];
        size_t len;
        snprintf(name, sizeof name, "charts/%s.png", charts[i]);
        char *png = slurp(dir, name, &len);
        cr_assert_gt(len, 1000, "%s is too small to be a chart", name);
        cr_assert_eq(memcmp(png, "\x89PNG", 4), 0, "%s is not a PNG", name);
        free(png);
        snprintf(name, sizeof name, "charts/%s.svg", charts[i]);
        char *svg = slurp(dir, name, &len);
        cr_assert_not_null(strstr(svg, "<svg"), "%s is not an SVG", name);
        cr_assert_not_null(strstr(svg, "machine: "), "%s has no machine footnote", name);
        cr_assert_not_null(strstr(svg, "2026-"), "%s has no date in its footnote", name);
        free(svg);
        snprintf(name, sizeof name, "charts/%s.dat", charts[i]);
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
    cr_assert_eq(hp_phase_tables_write(f, &r, &v, HP_TABLE_TEXT, &err), 0, "%s", err.message);
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
        cr_expect(hp_documents[d].title && *hp_documents[d].title && hp_documents[d].about,
                  "document %d has no title", d);
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

Test(report, shows_peer_benchmarks_when_peers_txt_is_there)
{
    char dir[64];
    copy_fixture(dir, sizeof dir);
    char path[128];
    snprintf(path, sizeof path, "%s/peers.txt", dir);
    FILE *f = fopen(path, "w");
    cr_assert_not_null(f);
    fputs("goos: linux\npkg: peers\n"
          "BenchmarkGin/static-1   \t 5000000\t       230.0 ns/op\t       0 B/op\t       0 "
          "allocs/op\n"
          "BenchmarkGin/static-1   \t 5000000\t       226.0 ns/op\t       0 B/op\t       0 "
          "allocs/op\n"
          "BenchmarkGin/static-1   \t 5000000\t       240.0 ns/op\t       0 B/op\t       0 "
          "allocs/op\n"
          "BenchmarkHttprouter/param2-2 \t 100\t 99.5 ns/op\t 64 B/op\t 1 allocs/op\n"
          "PASS\n",
          f);
    fclose(f);
    struct hp_report_outcome outcome;
    struct hp_error err = {{0}};
    cr_assert_eq(hp_report_write(dir, &outcome, &err), 0, "%s", err.message);
    size_t len;
    char *md = slurp(dir, "report.md", &len);
    cr_assert_not_null(strstr(md, "## Peers (Go)"), "%s", md);
    cr_assert_not_null(strstr(md, "| `BenchmarkGin/static-1` | 230 | 3 | 0 | 0 |"), "%s", md);
    cr_assert_not_null(strstr(md, "| `BenchmarkHttprouter/param2-2` | 99.5 | 1 | 64 | 1 |"), "%s",
                       md);
    free(md);
    remove_tree(dir);
}

Test(report, no_peers_section_without_peers_txt)
{
    char dir[64];
    copy_fixture(dir, sizeof dir);
    struct hp_report_outcome outcome;
    struct hp_error err = {{0}};
    cr_assert_eq(hp_report_write(dir, &outcome, &err), 0, "%s", err.message);
    size_t len;
    char *md = slurp(dir, "report.md", &len);
    cr_assert_null(strstr(md, "Peers"), "a peer row the run did not measure");
    free(md);
    remove_tree(dir);
}
