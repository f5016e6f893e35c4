/* `hotpath report` (report.h): one document (doc.h) built from the results files, rendered as
 * report.md and report.html by the Markdown and HTML renderers; the charts drawn by gnuplot
 * jobs side by side (gnuplot.h). */
#define _GNU_SOURCE
#include "report.h"

#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "doc.h"
#include "files.h"
#include "gnuplot.h"
#include "hdr_histogram.h"
#include "hlog.h"
#include "load_view.h"
#include "phase_tables.h"
#include "profile_report.h"
#include "render.h"
#include "replace_set.h"
#include "results_read.h"
#include "run_summary.h"
#include "runner.h"
#include "stats.h"
#include "workload.h"

struct report {
    const struct hp_results *r;
    const char *dir;
    /* What the report replaces, each made whole under its temporary name first and moved into
     * place together (replace_set.h): charts/ (the charts are drawn into charts_tmp, its
     * temporary), phases.md when there are phases, report.html, report.md. A failure leaves
     * the earlier report (or none), never a part or a mix. */
    struct hp_replace_entry entries[4];
    size_t entry_count;
    const char *charts_tmp;
    char footnote[768];
    struct hp_doc doc; /* report.md and report.html */
    struct hp_phase_view view;
    bool has_view;
    struct hp_profile_set profiles; /* RESULTS/profile/profile.json, when there is one */
    bool has_profiles;
    struct hp_report_outcome *outcome;
    /* Charts are drawn by gnuplot processes running side by side, finished at the end. */
    struct hp_gnuplot_job *jobs;
    size_t job_count;
};

enum {
    MAX_CHARTS = 64,
    HLOG_MAX_BYTES = 64 << 20,
};

/* Waits for every started gnuplot; the first failure is reported. */
static int finish_jobs(struct report *rep, struct hp_error *err)
{
    int rc = 0;
    for (size_t i = 0; i < rep->job_count; i++) {
        struct hp_error job_err;
        if (hp_gnuplot_finish(&rep->jobs[i], &job_err) != 0) {
            if (rc == 0)
                *err = job_err;
            rc = -1;
        } else {
            rep->outcome->charts_drawn++;
        }
    }
    rep->job_count = 0;
    return rc;
}

/* ---- charts ----------------------------------------------------------------------------- */

static int draw(struct report *rep, const char *template_name, const char *out_name,
                const char *title, const struct hp_gnuplot_var *extra, size_t extra_count,
                struct hp_error *err)
{
    char script[4096], common[4096], out[4200], data[4200];
    hp_gnuplot_script_path(template_name, script, sizeof script);
    hp_gnuplot_script_path("chart_common.gp", common, sizeof common);
    snprintf(out, sizeof out, "%s/%s", rep->charts_tmp, out_name);
    snprintf(data, sizeof data, "%s/%s.dat", rep->charts_tmp, out_name);
    struct hp_gnuplot_var vars[16] = {
        {"common", common},          {"out", out}, {"data", data}, {"chart_title", title},
        {"footnote", rep->footnote},
    };
    size_t n = 5;
    for (size_t i = 0; i < extra_count && n < 16; i++)
        vars[n++] = extra[i];
    if (rep->job_count == MAX_CHARTS)
        return hp_error_set(err, "too many charts (at most %d)", MAX_CHARTS);
    if (hp_gnuplot_start(script, vars, n, NULL, &rep->jobs[rep->job_count], err) != 0)
        return -1;
    rep->job_count++;
    return 0;
}

static FILE *open_data(struct report *rep, const char *out_name, struct hp_error *err)
{
    char path[4200];
    snprintf(path, sizeof path, "%s/%s.dat", rep->charts_tmp, out_name);
    FILE *f = fopen(path, "w");
    if (!f)
        hp_error_set(err, "cannot write %s: %s", path, strerror(errno));
    return f;
}

static int close_data(struct report *rep, const char *out_name, FILE *f, struct hp_error *err)
{
    char path[4200];
    snprintf(path, sizeof path, "%s/%s.dat", rep->charts_tmp, out_name);
    return hp_file_close(f, path, err);
}

/* A drawn chart in the document: the PNG (embedded by the HTML renderer, read from where it is
 * drawn), then links to its SVG and its data. */
static void add_chart(struct report *rep, const char *out_name, const char *alt)
{
    char href[128], file[4300], svg[128], data[128];
    snprintf(href, sizeof href, "charts/%s.png", out_name);
    snprintf(file, sizeof file, "%s/%s.png", rep->charts_tmp, out_name);
    snprintf(svg, sizeof svg, "charts/%s.svg", out_name);
    snprintf(data, sizeof data, "charts/%s.dat", out_name);
    hp_doc_image(&rep->doc, alt, href, file);
    struct hp_text *links = hp_doc_paragraph(&rep->doc);
    hp_text_link(links, svg, "SVG");
    hp_text_add(links, " · ");
    hp_text_link(links, data, "data");
}

static void omitted(struct report *rep, const char *why)
{
    hp_text_em(hp_doc_paragraph(&rep->doc), "Not drawn: %s", why);
    rep->outcome->charts_omitted++;
}

/* The bars' titles, space-separated (gnuplot's word()): the phases, then the peers ("gin-Go"),
 * and their count. */
static void phase_titles(const struct hp_phase_view *v, char *out, size_t size, char *count,
                         size_t count_size)
{
    size_t used = 0;
    out[0] = '\0';
    for (size_t k = 0; k < v->column_count && used < size; k++)
        used += (size_t)snprintf(out + used, size - used, "%s%s", k ? " " : "",
                                 v->phases[v->columns[k]].name);
    for (size_t p = 0; p < v->peer_count && used < size; p++)
        used += (size_t)snprintf(out + used, size - used, " %s-Go", v->peers[p]);
    snprintf(count, count_size, "%zu", v->column_count + v->peer_count);
}

static void put_value(FILE *f, double v)
{
    if (isfinite(v))
        fprintf(f, "\t%.6g", v);
    else
        fputs("\tNaN", f);
}

/* The figures a per-phase chart plots for one case (NAN where it has none). */
static size_t phase_bar_figures(const struct hp_result_case *c, double *out)
{
    out[0] = c ? c->summary.median : NAN;
    out[1] = c ? c->summary.ci_low : NAN;
    out[2] = c ? c->summary.ci_high : NAN;
    return 3;
}

static size_t allocation_figures(const struct hp_result_case *c, double *out)
{
    out[0] = c ? c->allocs_per_op : NAN;
    out[1] = c ? c->bytes_per_op : NAN;
    return 2;
}

/* The data of a per-phase chart: a line per row of the phase table, the figures of each phase's
 * case side by side. */
static int write_phase_data(struct report *rep, const char *name, const char *columns,
                            size_t (*figures)(const struct hp_result_case *, double *),
                            struct hp_error *err)
{
    FILE *f = open_data(rep, name, err);
    if (!f)
        return -1;
    fprintf(f, "# workload\tthen per phase, then per external peer: %s\n", columns);
    for (size_t r = 0; r < rep->view.row_count; r++) {
        const struct hp_view_row *row = &rep->view.rows[r];
        if (!row->plan)
            continue;
        char label[160];
        hp_view_row_label(row, label, sizeof label);
        fputs(label, f);
        for (size_t k = 0; k < rep->view.column_count + rep->view.peer_count; k++) {
            double v[4];
            size_t n = figures(k < rep->view.column_count
                                   ? hp_view_cell(&rep->view, row, rep->view.columns[k])
                                   : row->peer[k - rep->view.column_count],
                               v);
            for (size_t i = 0; i < n; i++)
                put_value(f, v[i]);
        }
        fputc('\n', f);
    }
    return close_data(rep, name, f, err);
}

static int chart_phase_bars(struct report *rep, struct hp_error *err)
{
    hp_doc_heading(&rep->doc, 3, "1. ns/op per phase");
    if (!rep->has_view) {
        omitted(rep, "this run has no phases (it was not a hotpath run --phases FILE run).");
        return 0;
    }
    if (write_phase_data(rep, "phase_bars", "median ns/op, CI low, CI high", phase_bar_figures,
                         err) != 0)
        return -1;
    double low = INFINITY, high = 0;
    for (size_t r = 0; r < rep->view.row_count; r++)
        for (size_t k = 0;
             k < rep->view.column_count + rep->view.peer_count && rep->view.rows[r].plan; k++) {
            const struct hp_result_case *c =
                k < rep->view.column_count
                    ? hp_view_cell(&rep->view, &rep->view.rows[r], rep->view.columns[k])
                    : rep->view.rows[r].peer[k - rep->view.column_count];
            if (c && c->summary.median > 0) {
                low = fmin(low, c->summary.median);
                high = fmax(high, c->summary.median);
            }
        }
    char titles[2048], count[16];
    phase_titles(&rep->view, titles, sizeof titles, count, sizeof count);
    struct hp_gnuplot_var extra[] = {
        {"titles", titles}, {"nphases", count}, {"logy", high > 30 * low ? "1" : "0"}};
    if (draw(rep, "phase_bars.gp", "phase_bars",
             "ns per op by phase (median, 95% confidence interval)", extra, 3, err) != 0)
        return -1;
    add_chart(rep, "phase_bars", "ns per op by phase and workload");
    return 0;
}

static int chart_allocations(struct report *rep, struct hp_error *err)
{
    hp_doc_heading(&rep->doc, 3, "4. Allocations per op per phase");
    if (!rep->has_view) {
        omitted(rep, "this run has no phases (it was not a hotpath run --phases FILE run).");
        return 0;
    }
    if (write_phase_data(rep, "allocations", "allocs/op, bytes/op", allocation_figures, err) != 0)
        return -1;
    char titles[2048], count[16];
    phase_titles(&rep->view, titles, sizeof titles, count, sizeof count);
    struct hp_gnuplot_var extra[] = {{"titles", titles}, {"nphases", count}};
    if (draw(rep, "allocations.gp", "allocations",
             "allocations and bytes allocated per op, by phase (exact counts)", extra, 2, err) != 0)
        return -1;
    add_chart(rep, "allocations", "allocations and bytes per op by phase");
    return 0;
}

/* A short label of a case within its workload, without spaces (gnuplot's word() splits on
 * them): the phase, else the implementations; then the thread count. */
static void variant_label(const struct hp_result_case *c, bool with_threads, char *out, size_t size)
{
    size_t used = 0;
    if (c->phase) {
        used = (size_t)snprintf(out, size, "%s", c->phase);
    } else {
        out[0] = '\0';
        for (size_t i = 0; i < c->impl_count && used < size; i++)
            used += (size_t)snprintf(out + used, size - used, "%s%s", used ? "," : "",
                                     c->impls[i].name);
        if (!used)
            used = (size_t)snprintf(out, size, "%s", c->workload);
    }
    if (with_threads && used < size)
        snprintf(out + used, size - used, "/%ut", c->threads);
    for (char *p = out; *p; p++)
        if (*p == ' ')
            *p = '_';
}

/* Distinct workloads of the cases `want` accepts, in order of first appearance. */
static size_t workloads_of(const struct hp_results *r, bool (*want)(const struct hp_result_case *),
                           const char **out, size_t max)
{
    size_t n = 0;
    for (size_t i = 0; i < r->case_count; i++) {
        if (!want(&r->cases[i]))
            continue;
        bool seen = false;
        for (size_t k = 0; k < n && !seen; k++)
            seen = strcmp(out[k], r->cases[i].workload) == 0;
        if (!seen && n < max)
            out[n++] = r->cases[i].workload;
    }
    return n;
}

static bool is_latency_case(const struct hp_result_case *c)
{
    return c->latency_mode && c->has_latency && c->latency.count > 0;
}

struct merge_ctx {
    struct hp_hdr *h;
};

static int merge_interval(const struct hp_hlog_interval *interval, void *ctx)
{
    struct merge_ctx *m = ctx;
    hp_hdr_merge(m->h, interval->histogram);
    return 0;
}

/* Reads the .hlog of c into h (initialized here; the caller destroys it on success). On
 * failure err says what is wrong with the file. */
static int read_hlog(const struct report *rep, const struct hp_result_case *c, struct hp_hdr *h,
                     struct hp_error *err)
{
    char path[4200];
    snprintf(path, sizeof path, "%s/%s", rep->r->dir, c->latency.hlog);
    char *text;
    size_t len;
    if (hp_file_read_regular(path, HLOG_MAX_BYTES, &text, &len, err) != 0)
        return -1;
    FILE *log = len ? fmemopen(text, len, "r") : NULL;
    struct hp_error inner;
    int rc = -1;
    if (!log) {
        hp_error_set(err, "%s: %s", path, len ? "out of memory" : "empty");
    } else if (hp_hdr_init(h, HP_LATENCY_LOWEST_NS, HP_LATENCY_HIGHEST_NS, HP_LATENCY_SIGFIGS,
                           &inner) != 0) {
        hp_error_set(err, "%s: %s", path, inner.message);
    } else {
        struct merge_ctx m = {h};
        if (hp_hlog_read(log, path, merge_interval, &m, err) == 0) {
            int64_t count = hp_hdr_total_count(h);
            if (count == (int64_t)c->latency.count)
                rc = 0;
            else
                hp_error_set(err, "%s: holds %lld latencies where results.json records %llu", path,
                             (long long)count, (unsigned long long)c->latency.count);
        }
        if (rc != 0)
            hp_hdr_destroy(h);
    }
    if (log)
        fclose(log);
    free(text);
    return rc;
}

/* A .hlog that could not be used: said in the document where the chart is, and to the caller
 * (the command prints it on stderr). */
static void warn_spectrum(struct report *rep, const char *why, const char *case_name)
{
    struct hp_text *w = hp_doc_warning(&rep->doc, NULL);
    hp_text_add(w, "%s; the spectrum of ", why);
    hp_text_code(w, "%s", case_name);
    hp_text_add(w, " shows instead the five percentiles results.json records (p50, p90, p99, "
                   "p99.9, p99.99).");
    struct hp_report_outcome *o = rep->outcome;
    char *text = hp_text_plain(w);
    if (text && o->warning_count < HP_REPORT_MAX_WARNINGS)
        snprintf(o->warnings[o->warning_count], sizeof o->warnings[0], "%s", text);
    free(text);
    o->warning_count++;
}

/* The spectrum of one case into f: from its .hlog, else (with a warning) from the five
 * percentiles results.json records. Returns the largest x written; *positive is set when a
 * latency above 0 was written (the y axis is logarithmic). */
static double write_spectrum(struct report *rep, const struct hp_result_case *c, FILE *f,
                             bool *positive)
{
    double xmax = 1;
    struct hp_error why;
    struct hp_hdr h;
    if (!c->latency.hlog) {
        hp_error_set(&why, "results.json names no .hlog file for `%s`", c->name);
    } else if (read_hlog(rep, c, &h, &why) == 0) {
        /* Twenty points per decade of 1/(1-p), up to where the count still resolves the
         * percentile (beyond 1/(1-p) = count every value is the maximum). */
        double count = (double)hp_hdr_total_count(&h);
        double limit = count < 1e6 ? count : 1e6;
        for (int k = 0;; k++) {
            double x = pow(10, k / 20.0);
            if (x > limit)
                break;
            int64_t v = hp_hdr_value_at_percentile(&h, 100.0 * (1 - 1 / x));
            fprintf(f, "%.6g\t%lld\n", x, (long long)v);
            *positive |= v > 0;
            xmax = x;
        }
        hp_hdr_destroy(&h);
        return xmax;
    }
    warn_spectrum(rep, why.message, c->name);
    const double xs[] = {2, 10, 100, 1000, 10000};
    const double vs[] = {c->latency.p50_ns, c->latency.p90_ns, c->latency.p99_ns,
                         c->latency.p999_ns, c->latency.p9999_ns};
    for (size_t i = 0; i < 5; i++)
        if (isfinite(vs[i]) && xs[i] <= (double)c->latency.count) {
            fprintf(f, "%g\t%g\n", xs[i], vs[i]);
            *positive |= vs[i] > 0;
            xmax = xs[i];
        }
    return xmax;
}

/* One spectrum chart: every latency-mode variant of `workload` (the w-th). */
static int chart_latency_workload(struct report *rep, const char *workload, size_t w,
                                  struct hp_error *err)
{
    char name[64];
    snprintf(name, sizeof name, "latency_spectrum-%zu", w + 1);
    hp_doc_heading(&rep->doc, 4, "%s", workload);
    FILE *f = open_data(rep, name, err);
    if (!f)
        return -1;
    char titles[4096];
    size_t used = 0, variants = 0;
    double xmax = 2;
    bool positive = false;
    for (size_t i = 0; i < rep->r->case_count; i++) {
        const struct hp_result_case *c = &rep->r->cases[i];
        if (!is_latency_case(c) || strcmp(c->workload, workload) != 0)
            continue;
        char label[256];
        variant_label(c, true, label, sizeof label);
        fprintf(f, "%s# %s\n", variants ? "\n\n" : "", c->name);
        double x = write_spectrum(rep, c, f, &positive);
        if (x > xmax)
            xmax = x;
        if (used < sizeof titles)
            used += (size_t)snprintf(titles + used, sizeof titles - used, "%s%s",
                                     variants ? " " : "", label);
        variants++;
    }
    if (close_data(rep, name, f, err) != 0)
        return -1;
    if (!positive) {
        char data[4200];
        snprintf(data, sizeof data, "%s/%s.dat", rep->charts_tmp, name);
        unlink(data);
        omitted(rep, "every latency recorded for this workload is 0 ns (below what the timer "
                     "resolves): a logarithmic axis has nothing to show.");
        return 0;
    }
    char count[16], xmax_text[32], title[256];
    snprintf(count, sizeof count, "%zu", variants);
    snprintf(xmax_text, sizeof xmax_text, "%g", xmax);
    snprintf(title, sizeof title, "latency percentile spectrum: %s", workload);
    struct hp_gnuplot_var extra[] = {{"titles", titles}, {"nvariants", count}, {"xmax", xmax_text}};
    if (draw(rep, "latency_spectrum.gp", name, title, extra, 3, err) != 0)
        return -1;
    add_chart(rep, name, title);
    return 0;
}

static int chart_latency(struct report *rep, struct hp_error *err)
{
    hp_doc_heading(&rep->doc, 3, "2. Latency percentile spectrum");
    const char *workloads[64];
    size_t nw = workloads_of(rep->r, is_latency_case, workloads, 64);
    if (nw == 0) {
        omitted(rep, "this run has no latency-mode cases (run with --mode latency or --mode "
                     "both).");
        return 0;
    }
    struct hp_text *about = hp_doc_paragraph(&rep->doc);
    hp_text_add(about, "Latency per op of every latency-mode variant; values include the timer's "
                       "own cost (each case's ");
    hp_text_code(about, "timer_overhead_ns_per_op");
    hp_text_add(about, " in results.json), and a value timed over a group of ops is the group's "
                       "time divided by its size.");
    for (size_t w = 0; w < nw; w++)
        if (chart_latency_workload(rep, workloads[w], w, err) != 0)
            return -1;
    return 0;
}

static bool is_batch_case(const struct hp_result_case *c)
{
    return !c->latency_mode && c->samples > 0;
}

/* The case name without its "/threads=N" part: cases with the same key differ in threads
 * only. */
static void scaling_key(const struct hp_result_case *c, char *out, size_t size)
{
    snprintf(out, size, "%s", c->name);
    char *t = strstr(out, "/threads=");
    if (t) {
        char *rest = strchr(t + 1, '/');
        memmove(t, rest ? rest : t + strlen(t), rest ? strlen(rest) + 1 : 1);
    }
}

static double median_ops_per_sec(const struct hp_result_case *c)
{
    struct hp_summary s;
    if (hp_summarize(c->ops_per_sec, c->samples, 0.95, &s) != 0)
        return NAN;
    return s.median;
}

/* The batch cases that share the key of case i (they differ in threads only), by threads; 0
 * when case i is not the first of its key. */
static size_t scaling_members(const struct hp_results *r, const char *keys, size_t i,
                              const struct hp_result_case **members, size_t max)
{
    const char *key = keys + 256 * i;
    for (size_t k = 0; k < i; k++)
        if (is_batch_case(&r->cases[k]) && strcmp(keys + 256 * k, key) == 0)
            return 0;
    size_t m = 0;
    for (size_t k = i; k < r->case_count && m < max; k++)
        if (is_batch_case(&r->cases[k]) && strcmp(keys + 256 * k, key) == 0)
            members[m++] = &r->cases[k];
    for (size_t a = 1; a < m; a++) /* by threads */
        for (size_t b = a; b > 0 && members[b - 1]->threads > members[b]->threads; b--) {
            const struct hp_result_case *t = members[b];
            members[b] = members[b - 1];
            members[b - 1] = t;
        }
    return m;
}

struct scaling_chart {
    char name[64];
    FILE *data; /* opened with the first variant */
    char titles[4096];
    size_t used, variants;
};

/* One variant (a key measured at two thread counts or more) into the chart's data. */
static int add_scaling_variant(struct report *rep, struct scaling_chart *chart, const char *key,
                               const struct hp_result_case *const *members, size_t m,
                               struct hp_error *err)
{
    if (!chart->data && !(chart->data = open_data(rep, chart->name, err)))
        return -1;
    double base = median_ops_per_sec(members[0]);
    fprintf(chart->data, "%s# %s\n", chart->variants ? "\n\n" : "", key);
    for (size_t k = 0; k < m; k++)
        fprintf(chart->data, "%u\t%.6g\t%.6g\n", members[k]->threads,
                median_ops_per_sec(members[k]), base * members[k]->threads / members[0]->threads);
    char label[256];
    variant_label(members[0], false, label, sizeof label);
    if (chart->used < sizeof chart->titles)
        chart->used +=
            (size_t)snprintf(chart->titles + chart->used, sizeof chart->titles - chart->used,
                             "%s%s", chart->variants ? " " : "", label);
    chart->variants++;
    return 0;
}

/* One variant's scaling in numbers: per thread count the throughput, the speedup over the
 * fewest threads, the efficiency (speedup per thread), the spread of the threads' own rates,
 * time-slicing; then the Universal Scalability Law fit over the counts up to the CPUs (stats.h),
 * or why there is none. */
static void doc_scaling_table(struct report *rep, const struct hp_result_case *const *members,
                              size_t m)
{
    const struct hp_results *r = rep->r;
    char label[256];
    variant_label(members[0], false, label, sizeof label);
    struct hp_table *t = hp_doc_table(&rep->doc);
    hp_table_column(t, label, "variant", HP_COLUMN_CODE);
    hp_table_column(t, "threads", "threads", HP_COLUMN_RIGHT | HP_COLUMN_NUMERIC);
    hp_table_column(t, "ops/s", "ops_per_sec", HP_COLUMN_RIGHT | HP_COLUMN_NUMERIC);
    hp_table_column(t, "speedup", "speedup", HP_COLUMN_RIGHT | HP_COLUMN_NUMERIC);
    hp_table_column(t, "efficiency", "efficiency", HP_COLUMN_RIGHT | HP_COLUMN_NUMERIC);
    hp_table_column(t, "thread spread", "thread_spread", HP_COLUMN_RIGHT | HP_COLUMN_NUMERIC);
    hp_table_column(t, "", "note", 0);
    unsigned threads[64], cpus = r->cpus_online ? r->cpus_online : 1;
    double rates[64];
    double base = median_ops_per_sec(members[0]);
    for (size_t k = 0; k < m && k < 64; k++) {
        const struct hp_result_case *c = members[k];
        double x = median_ops_per_sec(c);
        double speedup = x / base * members[0]->threads;
        threads[k] = c->threads;
        rates[k] = x;
        bool sliced = r->version >= 6 ? c->time_sliced : c->threads > cpus;
        if (sliced && c->threads <= cpus)
            cpus = c->threads - 1; /* fewer usable than online (affinity) */
        hp_table_row(t);
        hp_table_text(t, "%s", "");
        hp_table_number(t, c->threads, "%u", c->threads);
        hp_table_number(t, x, "%.4g", x);
        hp_table_number(t, speedup, "%.3g", speedup);
        hp_table_number(t, speedup / c->threads, "%.0f%%", 100 * speedup / c->threads);
        if (isnan(c->thread_spread))
            hp_table_number(t, NAN, "-");
        else
            hp_table_number(t, c->thread_spread, "%.1f%%", 100 * c->thread_spread);
        hp_table_text(t, "%s", sliced ? "time-sliced: more threads than CPUs" : "");
    }
    struct hp_usl_fit fit;
    char peak[64] = "no peak (kappa 0)";
    if (hp_usl_fit(threads, rates, m < 64 ? m : 64, cpus, &fit) == 0) {
        if (fit.peak_threads)
            snprintf(peak, sizeof peak, "throughput peaks near %u threads", fit.peak_threads);
        hp_doc_para(&rep->doc,
                    "Universal Scalability Law over %zu thread counts up to %u: contention sigma "
                    "%.4f, coherency kappa %.6f, %s; RMS error %.1f%%",
                    fit.points, cpus, fit.sigma, fit.kappa, peak, fit.rms_relative_error * 100);
    } else
        hp_doc_para(&rep->doc,
                    "No Universal Scalability Law fit: %zu thread count%s up to the %u CPUs "
                    "(it needs %d, one of them 1 thread; time-sliced counts are left out).",
                    fit.points, fit.points == 1 ? "" : "s", cpus, HP_USL_MIN_POINTS);
}

/* The scaling chart of one workload; *drawn counts the charts drawn. */
static int chart_scaling_workload(struct report *rep, const char *keys, const char *workload,
                                  size_t *drawn, struct hp_error *err)
{
    const struct hp_results *r = rep->r;
    struct scaling_chart chart = {0};
    snprintf(chart.name, sizeof chart.name, "thread_scaling-%zu", *drawn + 1);
    for (size_t i = 0; i < r->case_count; i++) {
        const struct hp_result_case *members[64];
        if (!is_batch_case(&r->cases[i]) || strcmp(r->cases[i].workload, workload) != 0)
            continue;
        size_t m = scaling_members(r, keys, i, members, 64);
        if (m >= 2 && add_scaling_variant(rep, &chart, keys + 256 * i, members, m, err) != 0)
            return -1;
    }
    if (!chart.data)
        return 0;
    if (close_data(rep, chart.name, chart.data, err) != 0)
        return -1;
    char count[16], title[256];
    snprintf(count, sizeof count, "%zu", chart.variants);
    snprintf(title, sizeof title, "thread scaling: %s (ops/s, all threads)", workload);
    struct hp_gnuplot_var extra[] = {{"titles", chart.titles}, {"nvariants", count}};
    if (draw(rep, "thread_scaling.gp", chart.name, title, extra, 2, err) != 0)
        return -1;
    hp_doc_heading(&rep->doc, 4, "%s", workload);
    add_chart(rep, chart.name, title);
    for (size_t i = 0; i < r->case_count; i++) {
        const struct hp_result_case *members[64];
        if (!is_batch_case(&r->cases[i]) || strcmp(r->cases[i].workload, workload) != 0)
            continue;
        size_t m = scaling_members(r, keys, i, members, 64);
        if (m >= 2)
            doc_scaling_table(rep, members, m);
    }
    (*drawn)++;
    return 0;
}

static int chart_scaling(struct report *rep, struct hp_error *err)
{
    hp_doc_heading(&rep->doc, 3, "3. Thread scaling");
    const struct hp_results *r = rep->r;
    const char *workloads[64];
    size_t nw = workloads_of(r, is_batch_case, workloads, 64);
    size_t drawn = 0;
    char *keys = calloc(r->case_count ? r->case_count : 1, 256);
    if (!keys)
        return hp_error_set(err, "out of memory");
    for (size_t i = 0; i < r->case_count; i++)
        scaling_key(&r->cases[i], keys + 256 * i, 256);
    int rc = 0;
    for (size_t w = 0; w < nw && rc == 0; w++)
        rc = chart_scaling_workload(rep, keys, workloads[w], &drawn, err);
    free(keys);
    if (rc == 0 && drawn == 0)
        omitted(rep, "every case of this run was measured at one thread count only (run with "
                     "--threads 1,2).");
    return rc;
}

/* The load runs' hockey stick (load_view.h): p99 against the rate achieved, per server. */
static int chart_load(struct report *rep, struct hp_error *err)
{
    if (!hp_load_present(rep->r))
        return 0;
    hp_doc_heading(&rep->doc, 3, "Load: latency against throughput");
    FILE *f = open_data(rep, "load_hockey_stick", err);
    if (!f)
        return -1;
    char titles[4096], count[24];
    size_t servers = hp_load_hockey_data(f, rep->r, titles, sizeof titles);
    if (close_data(rep, "load_hockey_stick", f, err) != 0)
        return -1;
    if (servers == 0) {
        omitted(rep, "no open-loop latency cases (load/*/open/Npct --mode latency) in this run.");
        return 0;
    }
    snprintf(count, sizeof count, "%zu", servers);
    const char *title = "p99 latency against requests per second (open loop, 32 connections)";
    struct hp_gnuplot_var extra[] = {{"titles", titles}, {"nservers", count}};
    if (draw(rep, "hockey_stick.gp", "load_hockey_stick", title, extra, 2, err) != 0)
        return -1;
    add_chart(rep, "load_hockey_stick", title);
    return 0;
}

/* ---- complexity and memory (results v7) ----------------------------------------------- */

/* A fitted variant's label for a chart key, without spaces: the implementations and threads,
 * the mode when latency, the other parameters' values, then its best fit ("radix/1t:O(log_n)"). */
static void fit_label(const struct hp_result_fit *f, char *out, size_t size)
{
    const struct hp_result_case *c = f->cases[0];
    variant_label(c, true, out, size);
    size_t used = strlen(out);
    if (c->latency_mode && used < size)
        used += (size_t)snprintf(out + used, size - used, "/latency");
    for (size_t i = 0; i < c->param_count && used < size; i++)
        if (strcmp(c->params[i].name, f->parameter) != 0)
            used += (size_t)snprintf(out + used, size - used, "/%s=%llu", c->params[i].name,
                                     (unsigned long long)c->params[i].value);
    if (used < size)
        snprintf(out + used, size - used, ":%s", hp_big_o_name(f->best));
    for (char *p = out; *p; p++)
        if (*p == ' ')
            *p = '_';
}

static uint64_t fit_value(const struct hp_result_fit *f, size_t k)
{
    uint64_t v = 0;
    hp_result_case_param(f->cases[k], f->parameter, &v);
    return v;
}

/* The fit's cases by the parameter's value. */
static void sort_fit_cases(const struct hp_result_fit *f, size_t *order)
{
    for (size_t k = 0; k < f->case_count; k++)
        order[k] = k;
    for (size_t a = 1; a < f->case_count; a++)
        for (size_t b = a; b > 0 && fit_value(f, order[b - 1]) > fit_value(f, order[b]); b--) {
            size_t t = order[b];
            order[b] = order[b - 1];
            order[b - 1] = t;
        }
}

static void doc_complexity(struct report *rep)
{
    const struct hp_results *r = rep->r;
    if (r->fit_count == 0)
        return;
    hp_doc_heading(&rep->doc, 2, "Complexity");
    hp_doc_para(&rep->doc,
                "How ns/op grows with each swept parameter: per variant, the best of O(1), O(log "
                "n), O(n) and O(n log n) (log base 2) as a curve t = c g(n) through the origin, "
                "fitted to the medians in relative error; RMS is the typical relative error of "
                "that curve. Ambiguous: another shape fits within 0.05 as well (the sweep cannot "
                "tell them apart). Chart 5 draws them.");
    struct hp_table *t = hp_doc_table(&rep->doc);
    hp_table_column(t, "workload", "workload", HP_COLUMN_CODE);
    hp_table_column(t, "parameter", "parameter", HP_COLUMN_CODE);
    hp_table_column(t, "variant", "variant", HP_COLUMN_CODE);
    hp_table_column(t, "values", "values", 0);
    hp_table_column(t, "best fit", "best", 0);
    hp_table_column(t, "coefficient (ns)", "coefficient", HP_COLUMN_NUMERIC);
    hp_table_column(t, "RMS", "rms", HP_COLUMN_NUMERIC);
    for (size_t i = 0; i < r->fit_count; i++) {
        const struct hp_result_fit *f = &r->fits[i];
        size_t order[256];
        if (f->case_count == 0 || f->case_count > 256)
            continue;
        sort_fit_cases(f, order);
        char label[256];
        fit_label(f, label, sizeof label);
        *strrchr(label, ':') = '\0';
        hp_table_row(t);
        hp_table_text(t, "%s", f->workload);
        hp_table_text(t, "%s", f->parameter);
        hp_table_text(t, "%s", label);
        hp_table_text(t, "%llu .. %llu (%zu values)", (unsigned long long)fit_value(f, order[0]),
                      (unsigned long long)fit_value(f, order[f->case_count - 1]), f->case_count);
        if (f->ambiguous)
            hp_table_text(t, "%s (ambiguous: %s fits about as well)", hp_big_o_name(f->best),
                          hp_big_o_name(f->runner_up));
        else
            hp_table_text(t, "%s", hp_big_o_name(f->best));
        hp_table_number(t, f->coefficient, "%.4g", f->coefficient);
        hp_table_number(t, f->rms, "%.3f", f->rms);
    }
}

/* One chart per workload and parameter: every fit of that pair a line. */
static int chart_complexity_pair(struct report *rep, size_t first, size_t chart_index,
                                 struct hp_error *err)
{
    const struct hp_results *r = rep->r;
    const struct hp_result_fit *lead = &r->fits[first];
    char name[64], titles[4096], title[256], count[24];
    snprintf(name, sizeof name, "complexity-%zu", chart_index);
    FILE *f = open_data(rep, name, err);
    if (!f)
        return -1;
    size_t used = 0, variants = 0;
    titles[0] = '\0';
    for (size_t i = first; i < r->fit_count; i++) {
        const struct hp_result_fit *fit = &r->fits[i];
        size_t order[256];
        if (strcmp(fit->workload, lead->workload) != 0 ||
            strcmp(fit->parameter, lead->parameter) != 0 || fit->case_count > 256)
            continue;
        sort_fit_cases(fit, order);
        char label[256];
        fit_label(fit, label, sizeof label);
        fprintf(f, "%s# %s\n", variants ? "\n\n" : "", label);
        for (size_t k = 0; k < fit->case_count; k++) {
            const struct hp_result_case *c = fit->cases[order[k]];
            double n = (double)fit_value(fit, order[k]);
            fprintf(f, "%.17g\t%.6g\t%.6g\t%.6g\t%.6g\n", n, c->summary.median, c->summary.ci_low,
                    c->summary.ci_high, fit->coefficient * hp_big_o_eval(fit->best, n));
        }
        if (used < sizeof titles)
            used += (size_t)snprintf(titles + used, sizeof titles - used, "%s%s",
                                     variants ? " " : "", label);
        variants++;
    }
    if (close_data(rep, name, f, err) != 0)
        return -1;
    snprintf(count, sizeof count, "%zu", variants);
    snprintf(title, sizeof title, "ns/op against %s: %s (log-log; dashed: best fit)",
             lead->parameter, lead->workload);
    struct hp_gnuplot_var extra[] = {
        {"titles", titles}, {"nvariants", count}, {"parameter", lead->parameter}};
    if (draw(rep, "complexity.gp", name, title, extra, 3, err) != 0)
        return -1;
    hp_doc_heading(&rep->doc, 4, "%s, over %s", lead->workload, lead->parameter);
    add_chart(rep, name, title);
    return 0;
}

static int chart_complexity(struct report *rep, struct hp_error *err)
{
    hp_doc_heading(&rep->doc, 3, "5. Cost against a swept parameter");
    const struct hp_results *r = rep->r;
    size_t charts = 0;
    for (size_t i = 0; i < r->fit_count; i++) {
        bool seen = false;
        for (size_t k = 0; k < i && !seen; k++)
            seen = strcmp(r->fits[k].workload, r->fits[i].workload) == 0 &&
                   strcmp(r->fits[k].parameter, r->fits[i].parameter) == 0;
        if (!seen && chart_complexity_pair(rep, i, ++charts, err) != 0)
            return -1;
    }
    if (charts == 0)
        omitted(rep, "no parameter of this run was swept over 3 values or more (hotpath run "
                     "--param NAME=LIST, e.g. --param routes=10..100k).");
    return 0;
}

static double held_usable_bytes(const struct hp_result_case *c)
{
    const struct hp_result_metric *m = hp_result_case_metric(c, HP_METRIC_HELD_USABLE_BYTES);
    return m && isfinite(m->value) && m->value > 0 ? m->value : NAN;
}

static bool is_held_case(const struct hp_result_case *c)
{
    return is_batch_case(c) && !isnan(held_usable_bytes(c));
}

/* The time/space chart of one workload: a line per variant (its cases that differ in their
 * parameters only), by held bytes. */
static int chart_time_space_workload(struct report *rep, const char *workload, size_t w,
                                     struct hp_error *err)
{
    const struct hp_results *r = rep->r;
    char name[64], titles[4096], title[256], count[24];
    snprintf(name, sizeof name, "time_space-%zu", w + 1);
    FILE *f = open_data(rep, name, err);
    if (!f)
        return -1;
    size_t used = 0, variants = 0;
    titles[0] = '\0';
    bool *done = calloc(r->case_count + 1, sizeof *done);
    for (size_t i = 0; done && i < r->case_count; i++) {
        const struct hp_result_case *c = &r->cases[i];
        if (done[i] || !is_held_case(c) || strcmp(c->workload, workload) != 0)
            continue;
        char label[256], other[256];
        variant_label(c, true, label, sizeof label);
        fprintf(f, "%s# %s\n", variants ? "\n\n" : "", label);
        for (size_t k = i; k < r->case_count; k++) { /* in file order: the sweep's order */
            const struct hp_result_case *m = &r->cases[k];
            if (done[k] || !is_held_case(m) || strcmp(m->workload, workload) != 0)
                continue;
            variant_label(m, true, other, sizeof other);
            if (strcmp(label, other) != 0 || (m->phase && c->phase && strcmp(m->phase, c->phase)))
                continue;
            done[k] = true;
            fprintf(f, "%.6g\t%.6g\n", held_usable_bytes(m), m->summary.median);
        }
        if (used < sizeof titles)
            used += (size_t)snprintf(titles + used, sizeof titles - used, "%s%s",
                                     variants ? " " : "", label);
        variants++;
    }
    free(done);
    if (close_data(rep, name, f, err) != 0)
        return -1;
    if (variants == 0)
        return hp_error_set(err, "out of memory");
    snprintf(count, sizeof count, "%zu", variants);
    snprintf(title, sizeof title, "time and space: %s (ns/op against bytes held)", workload);
    struct hp_gnuplot_var extra[] = {{"titles", titles}, {"nvariants", count}};
    if (draw(rep, "time_space.gp", name, title, extra, 2, err) != 0)
        return -1;
    hp_doc_heading(&rep->doc, 4, "%s", workload);
    add_chart(rep, name, title);
    return 0;
}

static int chart_time_space(struct report *rep, struct hp_error *err)
{
    hp_doc_heading(&rep->doc, 3, "6. Time and space per implementation");
    const char *workloads[64];
    size_t nw = workloads_of(rep->r, is_held_case, workloads, 64);
    if (nw == 0) {
        omitted(rep, "no batch case of this run records what its structure holds (held_bytes: "
                     "the router, pool and context workloads do).");
        return 0;
    }
    struct hp_text *about = hp_doc_paragraph(&rep->doc);
    hp_text_add(about, "Each implementation's ns/op against the bytes its structure holds (");
    hp_text_code(about, "held_usable_bytes");
    hp_text_add(about,
                ": a router built from its routes, a pool holding %d idle objects, a "
                "context environment after one request; as the allocator gave them).",
                HP_HELD_POOL_OBJECTS);
    for (size_t w = 0; w < nw; w++)
        if (chart_time_space_workload(rep, workloads[w], w, err) != 0)
            return -1;
    return 0;
}

/* ---- the document's text ---------------------------------------------------------------- */

static void doc_header(struct report *rep)
{
    const struct hp_results *r = rep->r;
    struct hp_doc *doc = &rep->doc;
    hp_doc_heading(doc, 1, "hotpath report");
    struct hp_text *run = hp_doc_paragraph(doc);
    hp_text_add(run, "Results: ");
    hp_text_code(run, "%s", r->dir);
    if (!r->complete) {
        hp_text_add(run, " (");
        hp_text_strong(run, "incomplete");
        hp_text_add(run, ": the run was interrupted)");
    }
    hp_text_add(run, ". Run started %s, took %.1f s: ", r->started, r->duration_s);
    hp_text_code(run, "%s", r->command);
    hp_text_add(run, ".");
    hp_doc_list(doc);
    hp_text_add(hp_doc_item(doc), "Machine: %s, %u CPUs, %s, host %s (fingerprint %s)",
                r->cpu_model, r->cpus_online, r->kernel, r->hostname, r->machine_fingerprint);
    hp_text_add(hp_doc_item(doc), "Build: %s, %s, allocator %s, commit %.12s%s", r->build_type,
                r->compiler, r->allocator, r->git_commit, r->git_dirty ? "-dirty" : "");
    hp_text_add(hp_doc_item(doc), "%u samples per case, target %.3g ms per sample, seed %llu",
                r->config_samples, r->target_sample_ns / 1e6, (unsigned long long)r->seed);
    if (isfinite(r->harness_overhead_ns))
        hp_text_add(hp_doc_item(doc), "Harness overhead (null case): %.3g ns/op",
                    r->harness_overhead_ns);
    hp_validity_doc(doc, r);
    for (size_t i = 0; i < r->case_count; i++) { /* requests that mostly miss (workload.h) */
        const struct hp_result_metric *m =
            hp_result_case_metric(&r->cases[i], HP_METRIC_FOUND_SHARE);
        if (!m || m->value >= HP_FOUND_SHARE_WARN_BELOW)
            continue;
        struct hp_text *item = hp_doc_item(doc);
        hp_text_strong(item, "Warning:");
        hp_text_add(item, " ");
        hp_text_code(item, "%s", r->cases[i].name);
        hp_text_add(item,
                    ": only %.1f%% of its requests find a route (%s %.3g); the rest measure "
                    "misses (404, 405, redirects)",
                    100 * m->value, HP_METRIC_FOUND_SHARE, m->value);
    }
}

static void doc_cases(struct report *rep)
{
    const struct hp_results *r = rep->r;
    hp_cache_table_doc(&rep->doc, r);
    hp_doc_heading(&rep->doc, 2, "Every case");
    struct hp_table *t = hp_doc_table(&rep->doc);
    hp_table_column(t, "case", "case", HP_COLUMN_CODE);
    hp_table_column(t, "ns/op median [95% CI]", "median_ns", HP_COLUMN_NUMERIC);
    hp_table_column(t, "allocs/op", "allocs_per_op", HP_COLUMN_NUMERIC);
    hp_table_column(t, "B/op", "bytes_per_op", HP_COLUMN_NUMERIC);
    hp_table_column(t, "p50 / p99 / p99.9 ns", "latency_percentiles", 0);
    hp_table_column(t, "held B (as allocated)", "held_bytes", HP_COLUMN_NUMERIC);
    for (size_t i = 0; i < r->case_count; i++) {
        const struct hp_result_case *c = &r->cases[i];
        hp_table_row(t);
        hp_table_text(t, "%s", c->name);
        hp_table_number(t, c->summary.median, "%.4g [%.4g, %.4g]%s", c->summary.median,
                        c->summary.ci_low, c->summary.ci_high, c->noisy ? " noisy" : "");
        hp_table_number(t, c->allocs_per_op, "%.3g", c->allocs_per_op);
        hp_table_number(t, c->bytes_per_op, "%.3g", c->bytes_per_op);
        if (c->has_latency && c->latency.below_resolution)
            hp_table_text(t, "below resolution");
        else if (c->has_latency)
            hp_table_text(t, "%.0f / %.0f / %.0f", c->latency.p50_ns, c->latency.p99_ns,
                          c->latency.p999_ns);
        else
            hp_table_text(t, "%s", c->peer ? "n/a (batch only)" : "");
        const struct hp_result_metric *held = hp_result_case_metric(c, HP_METRIC_HELD_BYTES);
        double usable = held_usable_bytes(c);
        if (held && !isnan(usable))
            hp_table_number(t, held->value, "%.0f (%.0f)", held->value, usable);
        else
            hp_table_number(t, NAN, "%s", "");
    }
}

/* The external sources of the run (results v4, docs/external-cases.md): said once when one did
 * not run (its columns are missing, and why), and every external case without samples with its
 * status. A phase run without any: said once, with how to get the Gin columns. */
static void doc_external(struct report *rep)
{
    json_t *external = json_object_get((json_t *)rep->r->json, "external");
    if (!json_is_object(external)) {
        if (rep->has_view)
            hp_doc_para(&rep->doc,
                        "No external cases in this run: the headline table, the phase table and "
                        "the charts have no Gin or httprouter columns (run with --external "
                        "peers/go.external, as "
                        "scripts/setup.sh does; docs/external-cases.md).");
        return;
    }
    json_t *sources = json_object_get(external, "sources");
    json_t *unmeasured = json_object_get(external, "unmeasured");
    bool any = false;
    size_t i;
    json_t *s;
    json_array_foreach(sources, i, s)
    {
        const char *status = json_string_value(json_object_get(s, "status"));
        any |= status && strcmp(status, "ok") != 0;
    }
    if (!any && json_array_size(unmeasured) == 0)
        return;
    hp_doc_heading(&rep->doc, 2, "External cases not measured");
    json_array_foreach(sources, i, s)
    {
        const char *status = json_string_value(json_object_get(s, "status"));
        if (!status || strcmp(status, "ok") == 0)
            continue;
        struct hp_text *t = hp_doc_warning(&rep->doc, "missing columns.");
        hp_text_add(t, " Every case of external source [%s] (",
                    json_string_value(json_object_get(s, "name")));
        hp_text_code(t, "%s", json_string_value(json_object_get(s, "file")));
        hp_text_add(t, ") is missing from the tables and charts: %s.", status);
    }
    if (json_array_size(unmeasured) == 0)
        return;
    struct hp_table *t = hp_doc_table(&rep->doc);
    hp_table_column(t, "case", "case", HP_COLUMN_CODE);
    hp_table_column(t, "status", "status", 0);
    json_array_foreach(unmeasured, i, s)
    {
        hp_table_row(t);
        hp_table_text(t, "%s", json_string_value(json_object_get(s, "name")));
        hp_table_text(t, "%s", json_string_value(json_object_get(s, "status")));
    }
}

/* Everything but the charts' images comes first; the charts are drawn while the rest is built. */
static int build_document(struct report *rep, struct hp_error *err)
{
    doc_header(rep);
    doc_external(rep);
    if (rep->has_view && hp_phase_tables_doc(&rep->doc, rep->r, &rep->view, err) != 0)
        return -1;
    if (rep->has_profiles)
        hp_profile_doc_steps(&rep->doc, &rep->profiles);
    if (hp_load_present(rep->r))
        hp_load_doc(&rep->doc, rep->r);
    doc_complexity(rep);
    hp_doc_heading(&rep->doc, 2, "Charts");
    struct hp_text *about = hp_doc_paragraph(&rep->doc);
    hp_text_add(about, "Every chart is drawn from this directory's files; its data is beside it (");
    hp_text_code(about, ".dat");
    hp_text_add(about, ").");
    if (chart_phase_bars(rep, err) != 0 || chart_latency(rep, err) != 0 ||
        chart_scaling(rep, err) != 0 || chart_allocations(rep, err) != 0 ||
        chart_load(rep, err) != 0 || chart_complexity(rep, err) != 0 ||
        chart_time_space(rep, err) != 0)
        return -1;
    if (finish_jobs(rep, err) != 0)
        return -1;
    if (rep->has_profiles)
        hp_profile_doc_flames(&rep->doc, &rep->profiles, rep->dir);
    doc_cases(rep);
    return 0;
}

/* ---- the files -------------------------------------------------------------------------- */

/* The document rendered by r into memory (*text, malloc'ed). */
static int render_to_memory(const struct hp_doc *doc, const struct hp_renderer *r, char **text,
                            size_t *len, struct hp_error *err)
{
    FILE *f = open_memstream(text, len);
    if (!f)
        return hp_error_set(err, "out of memory");
    int rc = hp_doc_render(f, doc, r, err);
    fclose(f);
    return rc;
}

/* The entry of `name` among those the report replaces. */
static struct hp_replace_entry *entry(struct report *rep, const char *name)
{
    for (size_t i = 0; i < rep->entry_count; i++) {
        const char *slash = strrchr(rep->entries[i].dest, '/');
        if (strcmp(slash ? slash + 1 : rep->entries[i].dest, name) == 0)
            return &rep->entries[i];
    }
    return NULL;
}

/* The rendered text into the temporary of `name` (none when text is NULL). */
static int stage(struct report *rep, const char *name, const char *text, size_t len,
                 struct hp_error *err)
{
    const struct hp_replace_entry *e = entry(rep, name);
    return text && e ? hp_file_write_text(e->tmp, text, len, err) : 0;
}

/* phases.md (the phase and claims tables alone), report.html, report.md: rendered whole in
 * memory, written under their temporary names, then moved into place with the charts. */
static int write_files(struct report *rep, struct hp_error *err)
{
    char *md = NULL, *html = NULL, *phases = NULL;
    size_t md_len = 0, html_len = 0, phases_len = 0;
    int rc = -1;
    struct hp_doc phase_doc;
    hp_doc_init(&phase_doc, "hotpath phases");
    if (rep->has_view && hp_phase_tables_doc(&phase_doc, rep->r, &rep->view, err) != 0)
        goto done;
    if (rep->has_view && rep->has_profiles)
        hp_profile_doc_steps(&phase_doc, &rep->profiles);
    if (rep->has_view && render_to_memory(&phase_doc, HP_RENDER_MD, &phases, &phases_len, err))
        goto done;
    if (render_to_memory(&rep->doc, HP_RENDER_MD, &md, &md_len, err) != 0 ||
        render_to_memory(&rep->doc, hp_renderer_find("html"), &html, &html_len, err) != 0)
        goto done;
    if (stage(rep, "phases.md", phases, phases_len, err) != 0 ||
        stage(rep, "report.html", html, html_len, err) != 0 ||
        stage(rep, "report.md", md, md_len, err) != 0 ||
        hp_replace_install(rep->entries, rep->entry_count, err) != 0)
        goto done;
    struct hp_report_outcome *o = rep->outcome;
    snprintf(o->report_html, sizeof o->report_html, "%s", entry(rep, "report.html")->dest);
    snprintf(o->report_md, sizeof o->report_md, "%s", entry(rep, "report.md")->dest);
    rc = 0;
done:
    hp_doc_free(&phase_doc);
    free(md);
    free(html);
    free(phases);
    return rc;
}

/* What the report replaces, checked before anything is drawn: a destination in the way (a
 * charts file, a report.md directory) refuses the report with nothing changed. Then
 * charts_tmp, empty, for this report's charts. */
static int prepare(struct report *rep, struct hp_error *err)
{
    const struct hp_results *r = rep->r;
    hp_replace_entry_init(&rep->entries[rep->entry_count++], r->dir, "charts", true);
    if (rep->has_view)
        hp_replace_entry_init(&rep->entries[rep->entry_count++], r->dir, "phases.md", false);
    hp_replace_entry_init(&rep->entries[rep->entry_count++], r->dir, "report.html", false);
    hp_replace_entry_init(&rep->entries[rep->entry_count++], r->dir, "report.md", false);
    rep->charts_tmp = rep->entries[0].tmp;
    snprintf(rep->footnote, sizeof rep->footnote,
             "machine: %s, %u CPUs, %s, host %s; run %s; %s build %.12s", r->cpu_model,
             r->cpus_online, r->kernel, r->hostname, r->started, r->build_type, r->git_commit);
    rep->jobs = calloc(MAX_CHARTS, sizeof *rep->jobs);
    if (!rep->jobs)
        return hp_error_set(err, "out of memory");
    if (hp_replace_check(rep->entries, rep->entry_count, err) != 0) {
        rep->entry_count = 0; /* refused: nothing of this report to clean up */
        return -1;
    }
    hp_replace_cleanup(rep->entries, rep->entry_count); /* left by a report that was killed */
    if (mkdir(rep->charts_tmp, 0777) != 0)
        return hp_error_set(err, "cannot create %s: %s", rep->charts_tmp, strerror(errno));
    return 0;
}

int hp_report_write(const char *results_dir, struct hp_report_outcome *outcome,
                    struct hp_error *err)
{
    memset(outcome, 0, sizeof *outcome);
    struct hp_results r;
    if (hp_results_read(results_dir, &r, err) != 0)
        return -1;
    if (hp_results_need_cases(&r, "report", err) != 0 || hp_gnuplot_check(err) != 0) {
        hp_results_free(&r);
        return -1;
    }
    struct report rep = {.r = &r, .dir = r.dir, .outcome = outcome};
    hp_doc_init(&rep.doc, "hotpath report");
    struct hp_error view_err;
    rep.has_view = hp_phase_view_build(&r, &rep.view, &view_err) == 0;
    struct hp_error profile_err;
    int profiles = hp_profile_report_read(r.dir, &rep.profiles, &profile_err);
    rep.has_profiles = profiles == 0;
    if (profiles < 0 && outcome->warning_count < HP_REPORT_MAX_WARNINGS)
        snprintf(outcome->warnings[outcome->warning_count++], sizeof outcome->warnings[0],
                 "the profiles are left out: %s", profile_err.message);
    int rc = -1;
    if (prepare(&rep, err) == 0 && build_document(&rep, err) == 0 && write_files(&rep, err) == 0)
        rc = 0;
    if (rep.job_count) {
        struct hp_error ignored;
        finish_jobs(&rep, &ignored);
    }
    hp_replace_cleanup(rep.entries, rep.entry_count);
    free(rep.jobs);
    hp_doc_free(&rep.doc);
    if (rep.has_view)
        hp_phase_view_free(&rep.view);
    if (rep.has_profiles)
        hp_profile_set_free(&rep.profiles);
    hp_results_free(&r);
    return rc;
}
