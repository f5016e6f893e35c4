#define _GNU_SOURCE
#include "report.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "files.h"
#include "gnuplot.h"
#include "hdr_histogram.h"
#include "hlog.h"
#include "phase_tables.h"
#include "results_read.h"
#include "runner.h"
#include "stats.h"

struct report {
    const struct hp_results *r;
    const char *dir;
    /* The charts are drawn into charts_tmp, which replaces charts_dir once every chart is
     * complete: a failure leaves the earlier charts (or none), never a part. */
    char charts_dir[4096], charts_tmp[4096];
    char footnote[768];
    FILE *md; /* report.md, built in memory */
    struct hp_phase_view view;
    bool has_view;
    struct hp_report_outcome *outcome;
    /* Charts are drawn by gnuplot processes running side by side, finished at the end. */
    struct hp_gnuplot_job *jobs;
    size_t job_count;
};

enum {
    MAX_CHARTS = 64,
    HLOG_MAX_BYTES = 64 << 20,
    PNG_MAX_BYTES = 64 << 20,
    PEERS_MAX_BYTES = 16 << 20,
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

/* ---- files ------------------------------------------------------------------------------ */

/* Swaps the finished charts into place (renameat2's exchange is atomic), then removes the old
 * ones. */
static int install_charts(const struct report *rep, struct hp_error *err)
{
    if (renameat2(AT_FDCWD, rep->charts_tmp, AT_FDCWD, rep->charts_dir, RENAME_EXCHANGE) == 0) {
        hp_dir_remove(rep->charts_tmp); /* now the old charts */
        return 0;
    }
    if (errno == ENOENT && rename(rep->charts_tmp, rep->charts_dir) == 0)
        return 0;
    if (errno == EINVAL) { /* a file system without the exchange: move the old charts aside */
        char old[4200];
        snprintf(old, sizeof old, "%s.old", rep->charts_tmp);
        hp_dir_remove(old);
        if (rename(rep->charts_dir, old) == 0 && rename(rep->charts_tmp, rep->charts_dir) == 0) {
            hp_dir_remove(old);
            return 0;
        }
    }
    return hp_error_set(err, "cannot move the charts from %s to %s: %s", rep->charts_tmp,
                        rep->charts_dir, strerror(errno));
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

static void md_image(struct report *rep, const char *out_name, const char *alt)
{
    fprintf(rep->md, "![%s](charts/%s.png)\n\n[SVG](charts/%s.svg) · [data](charts/%s.dat)\n\n",
            alt, out_name, out_name, out_name);
}

static void omitted(struct report *rep, const char *why)
{
    fprintf(rep->md, "*Not drawn: %s*\n\n", why);
    rep->outcome->charts_omitted++;
}

static void phase_titles(const struct hp_phase_view *v, char *out, size_t size)
{
    size_t used = 0;
    out[0] = '\0';
    for (size_t p = 0; p < v->phase_count && used < size; p++)
        used += (size_t)snprintf(out + used, size - used, "%s%s", p ? " " : "", v->phases[p].name);
}

static void put_value(FILE *f, double v)
{
    if (isfinite(v))
        fprintf(f, "\t%.6g", v);
    else
        fputs("\tNaN", f);
}

static int chart_phase_bars(struct report *rep, struct hp_error *err)
{
    fprintf(rep->md, "### 1. ns/op per phase\n\n");
    if (!rep->has_view) {
        omitted(rep, "this run has no phases (it was not a `hotpath run --phases FILE` run).");
        return 0;
    }
    FILE *f = open_data(rep, "phase_bars", err);
    if (!f)
        return -1;
    fprintf(f, "# workload\tthen per phase: median ns/op, CI low, CI high\n");
    for (size_t r = 0; r < rep->view.row_count; r++) {
        char label[160];
        hp_view_row_label(&rep->view.rows[r], label, sizeof label);
        fputs(label, f);
        for (size_t p = 0; p < rep->view.phase_count; p++) {
            const struct hp_result_case *c = rep->view.rows[r].cell[p];
            put_value(f, c ? c->summary.median : NAN);
            put_value(f, c ? c->summary.ci_low : NAN);
            put_value(f, c ? c->summary.ci_high : NAN);
        }
        fputc('\n', f);
    }
    if (close_data(rep, "phase_bars", f, err) != 0)
        return -1;
    double low = INFINITY, high = 0;
    for (size_t r = 0; r < rep->view.row_count; r++)
        for (size_t p = 0; p < rep->view.phase_count; p++) {
            const struct hp_result_case *c = rep->view.rows[r].cell[p];
            if (c && c->summary.median > 0) {
                low = fmin(low, c->summary.median);
                high = fmax(high, c->summary.median);
            }
        }
    char titles[2048], count[16];
    phase_titles(&rep->view, titles, sizeof titles);
    snprintf(count, sizeof count, "%zu", rep->view.phase_count);
    struct hp_gnuplot_var extra[] = {
        {"titles", titles}, {"nphases", count}, {"logy", high > 30 * low ? "1" : "0"}};
    if (draw(rep, "phase_bars.gp", "phase_bars",
             "ns per op by phase (median, 95% confidence interval)", extra, 3, err) != 0)
        return -1;
    md_image(rep, "phase_bars", "ns per op by phase and workload");
    return 0;
}

static int chart_allocations(struct report *rep, struct hp_error *err)
{
    fprintf(rep->md, "### 4. Allocations per op per phase\n\n");
    if (!rep->has_view) {
        omitted(rep, "this run has no phases (it was not a `hotpath run --phases FILE` run).");
        return 0;
    }
    FILE *f = open_data(rep, "allocations", err);
    if (!f)
        return -1;
    fprintf(f, "# workload\tthen per phase: allocs/op, bytes/op\n");
    for (size_t r = 0; r < rep->view.row_count; r++) {
        char label[160];
        hp_view_row_label(&rep->view.rows[r], label, sizeof label);
        fputs(label, f);
        for (size_t p = 0; p < rep->view.phase_count; p++) {
            const struct hp_result_case *c = rep->view.rows[r].cell[p];
            put_value(f, c ? c->allocs_per_op : NAN);
            put_value(f, c ? c->bytes_per_op : NAN);
        }
        fputc('\n', f);
    }
    if (close_data(rep, "allocations", f, err) != 0)
        return -1;
    char titles[2048], count[16];
    phase_titles(&rep->view, titles, sizeof titles);
    snprintf(count, sizeof count, "%zu", rep->view.phase_count);
    struct hp_gnuplot_var extra[] = {{"titles", titles}, {"nphases", count}};
    if (draw(rep, "allocations.gp", "allocations",
             "allocations and bytes allocated per op, by phase (exact counts)", extra, 2, err) != 0)
        return -1;
    md_image(rep, "allocations", "allocations and bytes per op by phase");
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
    if (hp_file_read(path, HLOG_MAX_BYTES, &text, &len, err) != 0)
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

__attribute__((format(printf, 3, 4))) static void warn(struct report *rep, FILE *notes,
                                                       const char *fmt, ...)
{
    char text[sizeof rep->outcome->warnings[0]];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(text, sizeof text, fmt, ap);
    va_end(ap);
    fprintf(notes, "**Warning:** %s\n\n", text);
    struct hp_report_outcome *o = rep->outcome;
    if (o->warning_count < HP_REPORT_MAX_WARNINGS)
        memcpy(o->warnings[o->warning_count], text, sizeof text);
    o->warning_count++;
}

/* The spectrum of one case into f: from its .hlog, else (with a warning in notes) from the five
 * percentiles results.json records. Returns the largest x written; *positive is set when a
 * latency above 0 was written (the y axis is logarithmic). */
static double write_spectrum(struct report *rep, const struct hp_result_case *c, FILE *f,
                             FILE *notes, bool *positive)
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
    warn(rep, notes,
         "%s; the spectrum of `%s` shows instead the five percentiles results.json records "
         "(p50, p90, p99, p99.9, p99.99).",
         why.message, c->name);
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

static int chart_latency(struct report *rep, struct hp_error *err)
{
    fprintf(rep->md, "### 2. Latency percentile spectrum\n\n");
    const char *workloads[64];
    size_t nw = workloads_of(rep->r, is_latency_case, workloads, 64);
    if (nw == 0) {
        omitted(rep, "this run has no latency-mode cases (run with `--mode latency` or "
                     "`--mode both`).");
        return 0;
    }
    fprintf(rep->md, "Latency per op of every latency-mode variant; values include the timer's "
                     "own cost (each case's `timer_overhead_ns_per_op` in results.json), and a "
                     "value timed over a group of ops is the group's time divided by its "
                     "size.\n\n");
    for (size_t w = 0; w < nw; w++) {
        char name[64];
        snprintf(name, sizeof name, "latency_spectrum-%zu", w + 1);
        FILE *f = open_data(rep, name, err);
        if (!f)
            return -1;
        char *notes_text = NULL;
        size_t notes_len = 0;
        FILE *notes = open_memstream(&notes_text, &notes_len);
        if (!notes) {
            fclose(f);
            return hp_error_set(err, "out of memory");
        }
        char titles[4096];
        size_t used = 0, variants = 0;
        double xmax = 2;
        bool positive = false;
        for (size_t i = 0; i < rep->r->case_count; i++) {
            const struct hp_result_case *c = &rep->r->cases[i];
            if (!is_latency_case(c) || strcmp(c->workload, workloads[w]) != 0)
                continue;
            char label[256];
            variant_label(c, true, label, sizeof label);
            fprintf(f, "%s# %s\n", variants ? "\n\n" : "", c->name);
            double x = write_spectrum(rep, c, f, notes, &positive);
            if (x > xmax)
                xmax = x;
            if (used < sizeof titles)
                used += (size_t)snprintf(titles + used, sizeof titles - used, "%s%s",
                                         variants ? " " : "", label);
            variants++;
        }
        fclose(notes);
        fprintf(rep->md, "#### %s\n\n%s", workloads[w], notes_text);
        free(notes_text);
        if (close_data(rep, name, f, err) != 0)
            return -1;
        if (!positive) {
            char data[4200];
            snprintf(data, sizeof data, "%s/%s.dat", rep->charts_tmp, name);
            unlink(data);
            omitted(rep, "every latency recorded for this workload is 0 ns (below what the timer "
                         "resolves): a logarithmic axis has nothing to show.");
            continue;
        }
        char count[16], xmax_text[32], title[256];
        snprintf(count, sizeof count, "%zu", variants);
        snprintf(xmax_text, sizeof xmax_text, "%g", xmax);
        snprintf(title, sizeof title, "latency percentile spectrum: %s", workloads[w]);
        struct hp_gnuplot_var extra[] = {
            {"titles", titles}, {"nvariants", count}, {"xmax", xmax_text}};
        if (draw(rep, "latency_spectrum.gp", name, title, extra, 3, err) != 0)
            return -1;
        md_image(rep, name, title);
    }
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

static int chart_scaling(struct report *rep, struct hp_error *err)
{
    fprintf(rep->md, "### 3. Thread scaling\n\n");
    const struct hp_results *r = rep->r;
    const char *workloads[64];
    size_t nw = workloads_of(r, is_batch_case, workloads, 64);
    size_t drawn = 0;
    char *keys = calloc(r->case_count ? r->case_count : 1, 256);
    if (!keys)
        return hp_error_set(err, "out of memory");
    for (size_t i = 0; i < r->case_count; i++)
        scaling_key(&r->cases[i], keys + 256 * i, 256);
    for (size_t w = 0; w < nw; w++) {
        char name[64];
        snprintf(name, sizeof name, "thread_scaling-%zu", drawn + 1);
        FILE *f = NULL;
        char titles[4096];
        size_t used = 0, variants = 0;
        for (size_t i = 0; i < r->case_count; i++) {
            const struct hp_result_case *c = &r->cases[i];
            if (!is_batch_case(c) || strcmp(c->workload, workloads[w]) != 0)
                continue;
            /* The first case of each key gathers the key's thread counts. */
            bool first = true;
            for (size_t k = 0; k < i && first; k++)
                first =
                    !(is_batch_case(&r->cases[k]) && strcmp(keys + 256 * k, keys + 256 * i) == 0);
            if (!first)
                continue;
            const struct hp_result_case *members[64];
            size_t m = 0;
            for (size_t k = i; k < r->case_count && m < 64; k++)
                if (is_batch_case(&r->cases[k]) && strcmp(keys + 256 * k, keys + 256 * i) == 0)
                    members[m++] = &r->cases[k];
            if (m < 2)
                continue;
            for (size_t a = 1; a < m; a++) /* by threads */
                for (size_t b = a; b > 0 && members[b - 1]->threads > members[b]->threads; b--) {
                    const struct hp_result_case *t = members[b];
                    members[b] = members[b - 1];
                    members[b - 1] = t;
                }
            if (!f && !(f = open_data(rep, name, err))) {
                free(keys);
                return -1;
            }
            double base = median_ops_per_sec(members[0]);
            fprintf(f, "%s# %s\n", variants ? "\n\n" : "", keys + 256 * i);
            for (size_t k = 0; k < m; k++)
                fprintf(f, "%u\t%.6g\t%.6g\n", members[k]->threads, median_ops_per_sec(members[k]),
                        base * members[k]->threads / members[0]->threads);
            char label[256];
            variant_label(c, false, label, sizeof label);
            if (used < sizeof titles)
                used += (size_t)snprintf(titles + used, sizeof titles - used, "%s%s",
                                         variants ? " " : "", label);
            variants++;
        }
        if (!f)
            continue;
        if (close_data(rep, name, f, err) != 0) {
            free(keys);
            return -1;
        }
        char count[16], title[256];
        snprintf(count, sizeof count, "%zu", variants);
        snprintf(title, sizeof title, "thread scaling: %s (ops/s, all threads)", workloads[w]);
        struct hp_gnuplot_var extra[] = {{"titles", titles}, {"nvariants", count}};
        if (draw(rep, "thread_scaling.gp", name, title, extra, 2, err) != 0) {
            free(keys);
            return -1;
        }
        fprintf(rep->md, "#### %s\n\n", workloads[w]);
        md_image(rep, name, title);
        drawn++;
    }
    free(keys);
    if (drawn == 0)
        omitted(rep, "every case of this run was measured at one thread count only (run with "
                     "`--threads 1,2`).");
    return 0;
}

/* ---- report.md -------------------------------------------------------------------------- */

static void md_header(struct report *rep)
{
    const struct hp_results *r = rep->r;
    fprintf(rep->md, "# hotpath report\n\n");
    fprintf(rep->md, "Results: `%s`%s. Run started %s, took %.1f s: `%s`.\n\n", r->dir,
            r->complete ? "" : " (**incomplete**: the run was interrupted)", r->started,
            r->duration_s, r->command);
    fprintf(rep->md, "- Machine: %s, %u CPUs, %s, host %s (fingerprint %s)\n", r->cpu_model,
            r->cpus_online, r->kernel, r->hostname, r->machine_fingerprint);
    fprintf(rep->md, "- Build: %s, %s, allocator %s, commit %.12s%s\n", r->build_type, r->compiler,
            r->allocator, r->git_commit, r->git_dirty ? "-dirty" : "");
    fprintf(rep->md, "- %u samples per case, target %.3g ms per sample, seed %llu\n",
            r->config_samples, r->target_sample_ns / 1e6, (unsigned long long)r->seed);
    if (isfinite(r->harness_overhead_ns))
        fprintf(rep->md, "- Harness overhead (null case): %.3g ns/op\n", r->harness_overhead_ns);
    for (size_t i = 0; i < r->case_count; i++) { /* requests that mostly miss (workload.h) */
        const struct hp_result_metric *m =
            hp_result_case_metric(&r->cases[i], HP_METRIC_FOUND_SHARE);
        if (m && m->value < HP_FOUND_SHARE_WARN_BELOW)
            fprintf(rep->md,
                    "- **Warning:** `%s`: only %.1f%% of its requests find a route (%s %.3g); "
                    "the rest measure misses (404, 405, redirects)\n",
                    r->cases[i].name, 100 * m->value, HP_METRIC_FOUND_SHARE, m->value);
    }
    fprintf(rep->md, "\n");
}

static void md_cases(struct report *rep)
{
    const struct hp_results *r = rep->r;
    fprintf(rep->md, "## Every case\n\n| case | ns/op median [95%% CI] | allocs/op | B/op | "
                     "p50 / p99 / p99.9 ns |\n|---|---|---|---|---|\n");
    for (size_t i = 0; i < r->case_count; i++) {
        const struct hp_result_case *c = &r->cases[i];
        fprintf(rep->md, "| `%s` | %.4g [%.4g, %.4g]%s | %.3g | %.3g | ", c->name,
                c->summary.median, c->summary.ci_low, c->summary.ci_high, c->noisy ? " noisy" : "",
                c->allocs_per_op, c->bytes_per_op);
        if (c->has_latency)
            fprintf(rep->md, "%.0f / %.0f / %.0f", c->latency.p50_ns, c->latency.p99_ns,
                    c->latency.p999_ns);
        fprintf(rep->md, " |\n");
    }
    fprintf(rep->md, "\n");
}

/* Peers (scripts/peers/run.sh): RESULTS_DIR/peers.txt in Go's benchmark format, one line per
 * sample; shown as the median ns/op of each benchmark with its B/op and allocs/op. */
struct peer_row {
    char name[160];
    double ns[256];
    size_t samples;
    double bytes, allocs;
};

static int by_value(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static int md_peers(struct report *rep, struct hp_error *err)
{
    char path[4200];
    snprintf(path, sizeof path, "%s/peers.txt", rep->dir);
    if (access(path, F_OK) != 0)
        return 0;
    char *text;
    size_t len;
    if (hp_file_read(path, PEERS_MAX_BYTES, &text, &len, err) != 0)
        return -1;
    static struct peer_row rows[64];
    size_t n = 0;
    for (char *line = text, *next; *line; line = next) {
        next = line + strcspn(line, "\n");
        if (*next)
            *next++ = '\0';
        char name[160];
        unsigned long long iterations;
        double ns, bytes = NAN, allocs = NAN;
        int got = sscanf(line, "%159s %llu %lf ns/op %lf B/op %lf allocs/op", name, &iterations,
                         &ns, &bytes, &allocs);
        if (got < 3 || strncmp(name, "Benchmark", 9) != 0)
            continue;
        struct peer_row *row = NULL;
        for (size_t i = 0; i < n && !row; i++)
            if (strcmp(rows[i].name, name) == 0)
                row = &rows[i];
        if (!row && n < 64) {
            row = &rows[n++];
            memset(row, 0, sizeof *row);
            snprintf(row->name, sizeof row->name, "%s", name);
        }
        if (!row || row->samples == 256)
            continue;
        row->ns[row->samples++] = ns;
        row->bytes = bytes;
        row->allocs = allocs;
    }
    free(text);
    if (n == 0)
        return 0;
    fprintf(rep->md, "## Peers (Go)\n\nGin and httprouter routing the same GitHub route set and "
                     "request lists, measured on this machine by `scripts/peers/run.sh` into "
                     "`peers.txt` (Go's benchmark format; the `-N` suffix is GOMAXPROCS). Each op "
                     "is one request through the router with a handler that sets one header and "
                     "writes a small body.\n\n| benchmark | ns/op (median) | samples | B/op | "
                     "allocs/op |\n|---|---|---|---|---|\n");
    for (size_t i = 0; i < n; i++) {
        qsort(rows[i].ns, rows[i].samples, sizeof rows[i].ns[0], by_value);
        fprintf(rep->md, "| `%s` | %.4g | %zu | %.4g | %.4g |\n", rows[i].name,
                hp_quantile_sorted(rows[i].ns, rows[i].samples, 0.5), rows[i].samples,
                rows[i].bytes, rows[i].allocs);
    }
    fprintf(rep->md, "\n");
    return 0;
}

/* ---- report.html: the subset of Markdown report.md uses ---------------------------------- */

static void html_escape(FILE *out, const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '<') {
            fputs("&lt;", out);
        } else if (s[i] == '>') {
            fputs("&gt;", out);
        } else if (s[i] == '&') {
            fputs("&amp;", out);
        } else if (s[i] == '"') {
            fputs("&quot;", out);
        } else {
            fputc(s[i], out);
        }
    }
}

/* Embeds a chart drawn for this report (a "charts/" link, read from where it is drawn). */
static void html_image(FILE *out, const struct report *rep, const char *alt, size_t alt_len,
                       const char *path, size_t path_len)
{
    static const char prefix[] = "charts/";
    char full[4400];
    if (path_len > sizeof prefix - 1 && memcmp(path, prefix, sizeof prefix - 1) == 0)
        snprintf(full, sizeof full, "%s/%.*s", rep->charts_tmp, (int)(path_len - sizeof prefix + 1),
                 path + sizeof prefix - 1);
    else
        snprintf(full, sizeof full, "%s/%.*s", rep->dir, (int)path_len, path);
    size_t len = 0;
    char *bytes = NULL;
    struct hp_error ignored;
    if (hp_file_read(full, PNG_MAX_BYTES, &bytes, &len, &ignored) != 0) {
        fputs("<em>chart missing</em>", out);
        return;
    }
    char *b64 = malloc(hp_base64_encoded_len(len) + 1);
    if (b64) {
        hp_base64_encode((const unsigned char *)bytes, len, b64);
        fputs("<img src=\"data:image/png;base64,", out);
        fputs(b64, out);
        fputs("\" alt=\"", out);
        html_escape(out, alt, alt_len);
        fputs("\">", out);
        free(b64);
    }
    free(bytes);
}

/* Inline Markdown: `code`, **bold**, *em*, ![alt](png) embedded, [text](link), and the one
 * HTML tag the tables use, <br>. */
static void html_inline(FILE *out, const struct report *rep, const char *s, size_t n)
{
    size_t i = 0;
    while (i < n) {
        const char *rest = s + i;
        size_t left = n - i;
        if (*rest == '`') {
            const char *close = memchr(rest + 1, '`', left - 1);
            if (close) {
                fputs("<code>", out);
                html_escape(out, rest + 1, (size_t)(close - rest - 1));
                fputs("</code>", out);
                i += (size_t)(close - rest) + 1;
                continue;
            }
        }
        if (left > 2 && rest[0] == '*' && rest[1] == '*') {
            const char *close = memmem(rest + 2, left - 2, "**", 2);
            if (close) {
                fputs("<b>", out);
                html_inline(out, rep, rest + 2, (size_t)(close - rest - 2));
                fputs("</b>", out);
                i += (size_t)(close - rest) + 2;
                continue;
            }
        }
        if (*rest == '*' && left > 1 && rest[1] != ' ') {
            const char *close = memchr(rest + 1, '*', left - 1);
            if (close) {
                fputs("<em>", out);
                html_inline(out, rep, rest + 1, (size_t)(close - rest - 1));
                fputs("</em>", out);
                i += (size_t)(close - rest) + 1;
                continue;
            }
        }
        bool image = *rest == '!' && left > 1 && rest[1] == '[';
        if (*rest == '[' || image) {
            const char *text = rest + (image ? 2 : 1);
            const char *mid = memmem(text, left - (size_t)(text - rest), "](", 2);
            const char *close = mid ? memchr(mid, ')', left - (size_t)(mid - rest)) : NULL;
            if (mid && close) {
                const char *link = mid + 2;
                if (image) {
                    html_image(out, rep, text, (size_t)(mid - text), link, (size_t)(close - link));
                } else {
                    fputs("<a href=\"", out);
                    html_escape(out, link, (size_t)(close - link));
                    fputs("\">", out);
                    html_escape(out, text, (size_t)(mid - text));
                    fputs("</a>", out);
                }
                i += (size_t)(close - rest) + 1;
                continue;
            }
        }
        if (left >= 4 && memcmp(rest, "<br>", 4) == 0) {
            fputs("<br>", out);
            i += 4;
            continue;
        }
        html_escape(out, rest, 1);
        i++;
    }
}

static void html_table_row(FILE *out, const struct report *rep, const char *line, size_t len,
                           bool header)
{
    fputs("<tr>", out);
    const char *p = line + 1, *end = line + len;
    while (p < end) {
        const char *bar = memchr(p, '|', (size_t)(end - p));
        if (!bar)
            break;
        const char *a = p, *b = bar;
        while (a < b && *a == ' ')
            a++;
        while (b > a && b[-1] == ' ')
            b--;
        fputs(header ? "<th>" : "<td>", out);
        html_inline(out, rep, a, (size_t)(b - a));
        fputs(header ? "</th>" : "</td>", out);
        p = bar + 1;
    }
    fputs("</tr>\n", out);
}

static void markdown_to_html(const struct report *rep, const char *md, FILE *out)
{
    fputs("<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>hotpath report</title>\n"
          "<style>body{font-family:sans-serif;max-width:1200px;margin:2em auto;padding:0 1em}"
          "table{border-collapse:collapse;font-size:90%}td,th{border:1px solid #ccc;"
          "padding:3px 6px;vertical-align:top}th{background:#f4f4f4}img{max-width:100%}"
          "code{background:#f4f4f4}</style></head><body>\n",
          out);
    enum { NONE, PARA, LIST, TABLE } block = NONE;
    bool table_header = false;
    const char *line = md;
    while (*line) {
        const char *nl = strchr(line, '\n');
        size_t len = nl ? (size_t)(nl - line) : strlen(line);
        bool is_table = len > 0 && line[0] == '|';
        bool is_item = len > 1 && line[0] == '-' && line[1] == ' ';
        bool is_heading = len > 0 && line[0] == '#';
        if ((block == TABLE && !is_table) || (block == LIST && !is_item) ||
            (block == PARA && (len == 0 || is_table || is_item || is_heading))) {
            fputs(block == TABLE ? "</table>\n" : block == LIST ? "</ul>\n" : "</p>\n", out);
            block = NONE;
        }
        if (is_heading) {
            int level = 0;
            while ((size_t)level < len && line[level] == '#')
                level++;
            fprintf(out, "<h%d>", level);
            html_inline(out, rep, line + level + 1, len > (size_t)level ? len - level - 1 : 0);
            fprintf(out, "</h%d>\n", level);
        } else if (is_table) {
            if (block != TABLE) {
                fputs("<table>\n", out);
                block = TABLE;
                table_header = true;
            }
            if (strncmp(line, "|---", 4) != 0)
                html_table_row(out, rep, line, len, table_header);
            table_header = false;
        } else if (is_item) {
            if (block != LIST) {
                fputs("<ul>\n", out);
                block = LIST;
            }
            fputs("<li>", out);
            html_inline(out, rep, line + 2, len - 2);
            fputs("</li>\n", out);
        } else if (len > 0) {
            if (block != PARA) {
                fputs("<p>", out);
                block = PARA;
            } else {
                fputc('\n', out);
            }
            html_inline(out, rep, line, len);
        }
        line += len + (nl ? 1 : 0);
    }
    if (block != NONE)
        fputs(block == TABLE ? "</table>\n" : block == LIST ? "</ul>\n" : "</p>\n", out);
    fputs("</body></html>\n", out);
}

/* ---- the report ------------------------------------------------------------------------- */

int hp_report_write(const char *results_dir, struct hp_report_outcome *outcome,
                    struct hp_error *err)
{
    memset(outcome, 0, sizeof *outcome);
    struct hp_results r;
    if (hp_results_read(results_dir, &r, err) != 0)
        return -1;
    if (hp_gnuplot_check(err) != 0) {
        hp_results_free(&r);
        return -1;
    }
    struct report rep = {.r = &r, .dir = r.dir, .outcome = outcome};
    snprintf(rep.charts_dir, sizeof rep.charts_dir, "%s/charts", r.dir);
    snprintf(rep.charts_tmp, sizeof rep.charts_tmp, "%s/.charts.tmp", r.dir);
    snprintf(rep.footnote, sizeof rep.footnote,
             "machine: %s, %u CPUs, %s, host %s; run %s; %s build %.12s", r.cpu_model,
             r.cpus_online, r.kernel, r.hostname, r.started, r.build_type, r.git_commit);
    struct hp_error view_err;
    rep.has_view = hp_phase_view_build(&r, &rep.view, &view_err) == 0;
    char *md_text = NULL, *phases_text = NULL, *html_text = NULL;
    size_t md_len = 0, phases_len = 0, html_len = 0;
    int rc = -1;
    bool charts_installed = false;
    rep.jobs = calloc(MAX_CHARTS, sizeof *rep.jobs);
    if (!rep.jobs) {
        hp_error_set(err, "out of memory");
        goto done;
    }
    hp_dir_remove(rep.charts_tmp); /* left by a report that was killed */
    if (mkdir(rep.charts_tmp, 0777) != 0) {
        hp_error_set(err, "cannot create %s: %s", rep.charts_tmp, strerror(errno));
        goto done;
    }
    rep.md = open_memstream(&md_text, &md_len);
    if (!rep.md) {
        hp_error_set(err, "out of memory");
        goto done;
    }
    md_header(&rep);
    if (rep.has_view) {
        FILE *phases = open_memstream(&phases_text, &phases_len);
        if (!phases || hp_phase_tables_write(phases, &r, &rep.view, HP_RENDER_MD, err) != 0) {
            if (phases)
                fclose(phases);
            goto done;
        }
        fclose(phases);
        fputs(phases_text, rep.md);
        fputc('\n', rep.md);
    }
    fprintf(rep.md, "## Charts\n\nEvery chart is drawn from this directory's files; its data is "
                    "beside it (`.dat`).\n\n");
    if (chart_phase_bars(&rep, err) != 0 || chart_latency(&rep, err) != 0 ||
        chart_scaling(&rep, err) != 0 || chart_allocations(&rep, err) != 0)
        goto done;
    if (finish_jobs(&rep, err) != 0)
        goto done;
    if (md_peers(&rep, err) != 0)
        goto done;
    md_cases(&rep);
    fclose(rep.md);
    rep.md = NULL;

    FILE *html = open_memstream(&html_text, &html_len);
    if (!html) {
        hp_error_set(err, "out of memory");
        goto done;
    }
    markdown_to_html(&rep, md_text, html);
    fclose(html);

    /* The charts, then the texts, report.md last: each file is whole or absent. */
    if (install_charts(&rep, err) != 0)
        goto done;
    charts_installed = true;
    char path[4200];
    if (phases_text) {
        snprintf(path, sizeof path, "%s/phases.md", r.dir);
        if (hp_file_write_text(path, phases_text, phases_len, err) != 0)
            goto done;
    }
    snprintf(outcome->report_html, sizeof outcome->report_html, "%s/report.html", r.dir);
    if (hp_file_write_text(outcome->report_html, html_text, html_len, err) != 0)
        goto done;
    snprintf(outcome->report_md, sizeof outcome->report_md, "%s/report.md", r.dir);
    if (hp_file_write_text(outcome->report_md, md_text, md_len, err) != 0)
        goto done;
    rc = 0;
done:
    if (rep.job_count) {
        struct hp_error ignored;
        finish_jobs(&rep, &ignored);
    }
    if (!charts_installed)
        hp_dir_remove(rep.charts_tmp);
    free(rep.jobs);
    if (rep.md)
        fclose(rep.md);
    free(md_text);
    free(phases_text);
    free(html_text);
    if (rep.has_view)
        hp_phase_view_free(&rep.view);
    hp_results_free(&r);
    return rc;
}
