#define _GNU_SOURCE
/* `hotpath compare OLD NEW` and `hotpath compare RESULTS --phases OLD NEW`: per case, the two
 * medians, the ratio new/old with its bootstrap interval, the Mann-Whitney p-value, the verdict
 * of compare.h, and allocations and bytes per op on both sides, in the spirit of benchstat.
 * Cases present on one side only are listed, never dropped. */
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "values.h"
#include "commands.h"
#include "compare.h"
#include "compare_chart.h"
#include "results_merge.h"

enum compare_format { FORMAT_TEXT, FORMAT_MD, FORMAT_CSV };

static void print_compare_usage(FILE *f)
{
    fprintf(f, "usage: hotpath compare OLD NEW [options]\n"
               "       hotpath compare RESULTS --phases OLD_PHASE NEW_PHASE [options]\n"
               "  OLD, NEW, RESULTS    results directories (or results.json); several runs of one\n"
               "                       build separated by commas are pooled\n"
               "  --phases OLD NEW     compare two phases of one run: cases matched by workload,\n"
               "                       threads and mode\n"
               "  --format text|md|csv (default text)\n"
               "  --chart PREFIX       also write PREFIX.png and PREFIX.svg: the change per case\n"
               "                       with its interval, regressions in red (needs gnuplot)\n");
}

static char *case_key(const struct hp_result_case *c)
{
    char *key = NULL;
    if (asprintf(&key, "%s/threads=%u%s", c->workload, c->threads,
                 c->latency_mode ? "/latency" : "") < 0)
        return NULL;
    return key;
}

static int add_row(struct hp_compare_rows *rows, const char *label,
                   const struct hp_result_case *old, const struct hp_result_case *new_,
                   struct hp_error *err)
{
    struct hp_compare_row *grown = realloc(rows->rows, (rows->count + 1) * sizeof *grown);
    if (!grown)
        return hp_error_set(err, "out of memory");
    rows->rows = grown;
    struct hp_compare_row *row = &rows->rows[rows->count];
    memset(row, 0, sizeof *row);
    row->label = strdup(label);
    if (!row->label)
        return hp_error_set(err, "out of memory");
    rows->count++;
    row->old = old;
    row->new_ = new_;
    if (old && new_) {
        struct hp_compare_options options;
        hp_compare_options_defaults(&options);
        if (hp_compare_cases(old, new_, &options, &row->cmp, err) != 0)
            return -1;
        row->compared = true;
    }
    return 0;
}

static int match_runs(const struct hp_results *a, const struct hp_results *b,
                      struct hp_compare_rows *rows, struct hp_error *err)
{
    size_t compared = 0;
    for (size_t i = 0; i < a->case_count; i++) {
        const struct hp_result_case *partner = hp_results_find(b, a->cases[i].name);
        compared += partner && !a->cases[i].overhead_probe;
        if (add_row(rows, a->cases[i].name, &a->cases[i], partner, err) != 0)
            return -1;
    }
    /* Every run has the overhead probe: sharing it alone compares nothing. */
    if (compared == 0)
        return hp_error_set(err,
                            "%s and %s have no case in common besides the overhead probe: "
                            "nothing to compare",
                            a->path, b->path);
    for (size_t i = 0; i < b->case_count; i++)
        if (!hp_results_find(a, b->cases[i].name) &&
            add_row(rows, b->cases[i].name, NULL, &b->cases[i], err) != 0)
            return -1;
    return 0;
}

static bool in_phase(const struct hp_result_case *c, const char *phase)
{
    return c->phase && strcmp(c->phase, phase) == 0;
}

/* The case of `phase` with the same workload, threads and mode as c, or NULL. */
static const struct hp_result_case *phase_partner(const struct hp_results *r,
                                                  const struct hp_result_case *c, const char *phase)
{
    for (size_t i = 0; i < r->case_count; i++) {
        const struct hp_result_case *o = &r->cases[i];
        if (in_phase(o, phase) && strcmp(o->workload, c->workload) == 0 &&
            o->threads == c->threads && o->latency_mode == c->latency_mode)
            return o;
    }
    return NULL;
}

static int match_phases(const struct hp_results *r, const char *old_phase, const char *new_phase,
                        struct hp_compare_rows *rows, struct hp_error *err)
{
    bool seen_old = false, seen_new = false;
    for (size_t i = 0; i < r->case_count; i++) {
        seen_old |= in_phase(&r->cases[i], old_phase);
        seen_new |= in_phase(&r->cases[i], new_phase);
    }
    if (!seen_old || !seen_new)
        return hp_error_set(err, "%s: no case of phase '%s' (the run %s)", r->path,
                            seen_old ? new_phase : old_phase,
                            seen_old || seen_new ? "has other phases" : "has no phases at all");
    for (int side = 0; side < 2; side++) {
        const char *mine = side == 0 ? old_phase : new_phase;
        const char *other = side == 0 ? new_phase : old_phase;
        for (size_t i = 0; i < r->case_count; i++) {
            const struct hp_result_case *c = &r->cases[i];
            if (!in_phase(c, mine))
                continue;
            const struct hp_result_case *partner = phase_partner(r, c, other);
            if (side == 1 && partner)
                continue; /* listed with its old partner */
            char *key = case_key(c);
            if (!key)
                return hp_error_set(err, "out of memory");
            int rc =
                side == 0 ? add_row(rows, key, c, partner, err) : add_row(rows, key, NULL, c, err);
            free(key);
            if (rc != 0)
                return -1;
        }
    }
    return 0;
}

/* ---- output ----------------------------------------------------------------------------- */

static void fmt_num(char *out, size_t size, double v)
{
    if (isnan(v))
        snprintf(out, size, "-");
    else
        snprintf(out, size, "%.4g", v);
}

static void fmt_ratio(char *out, size_t size, const struct hp_compare_row *row)
{
    if (!row->compared || isnan(row->cmp.ratio))
        snprintf(out, size, "-");
    else if (isnan(row->cmp.ratio_low))
        snprintf(out, size, "%+.2f%%", 100 * (row->cmp.ratio - 1));
    else
        snprintf(out, size, "%+.2f%% [%+.2f%%, %+.2f%%]", 100 * (row->cmp.ratio - 1),
                 100 * (row->cmp.ratio_low - 1), 100 * (row->cmp.ratio_high - 1));
}

static const char *row_verdict(const struct hp_compare_row *row)
{
    if (!row->old)
        return "new only";
    if (!row->new_)
        return "old only";
    return hp_change_name(row->cmp.change);
}

static double median_of(const struct hp_result_case *c)
{
    return c && c->samples ? c->summary.median : NAN;
}

static void csv_field(FILE *f, const char *s)
{
    if (strpbrk(s, ",\"\n")) {
        fputc('"', f);
        for (; *s; s++) {
            if (*s == '"')
                fputc('"', f);
            fputc(*s, f);
        }
        fputc('"', f);
    } else {
        fputs(s, f);
    }
}

static void csv_number(FILE *f, double v)
{
    if (isnan(v))
        fputs(",", f);
    else
        fprintf(f, ",%.10g", v);
}

/* One line per side that is a partial run (its results.json says complete: false). */
static void warn_partial(FILE *f, const struct hp_results *const sides[2], bool md)
{
    for (int i = 0; i < 2; i++)
        if (sides[i] && !sides[i]->complete)
            fprintf(f,
                    md ? "> **Warning: partial results** in `%s`. %s\n\n"
                       : "WARNING: partial results in %s. %s\n",
                    sides[i]->path, HP_PARTIAL_RESULTS_WARNING);
}

static void print_csv(FILE *f, const struct hp_compare_rows *rows)
{
    fprintf(f, "case,old_ns_per_op,new_ns_per_op,ratio,ratio_low,ratio_high,p_value,change,"
               "old_allocs_per_op,new_allocs_per_op,old_bytes_per_op,new_bytes_per_op\n");
    for (size_t i = 0; i < rows->count; i++) {
        const struct hp_compare_row *row = &rows->rows[i];
        csv_field(f, row->label);
        csv_number(f, median_of(row->old));
        csv_number(f, median_of(row->new_));
        csv_number(f, row->compared ? row->cmp.ratio : NAN);
        csv_number(f, row->compared ? row->cmp.ratio_low : NAN);
        csv_number(f, row->compared ? row->cmp.ratio_high : NAN);
        csv_number(f, row->compared ? row->cmp.p_value : NAN);
        fputc(',', f);
        csv_field(f, row_verdict(row));
        csv_number(f, row->old ? row->old->allocs_per_op : NAN);
        csv_number(f, row->new_ ? row->new_->allocs_per_op : NAN);
        csv_number(f, row->old ? row->old->bytes_per_op : NAN);
        csv_number(f, row->new_ ? row->new_->bytes_per_op : NAN);
        fputc('\n', f);
    }
}

static void print_table(FILE *f, const struct hp_compare_rows *rows, bool md)
{
    size_t width = 4;
    for (size_t i = 0; i < rows->count; i++)
        if (strlen(rows->rows[i].label) > width)
            width = strlen(rows->rows[i].label);
    fprintf(f, "old: %s\nnew: %s\n\n", rows->old_label, rows->new_label);
    if (md) {
        fprintf(f, "| case | old ns/op | new ns/op | change [95%% CI] | p | verdict | allocs/op "
                   "old | new | B/op old | new |\n"
                   "|---|---:|---:|---:|---:|---|---:|---:|---:|---:|\n");
    } else {
        fprintf(f, "%-*s %10s %10s  %-32s %7s  %-21s %9s %9s %9s %9s\n", (int)width, "case",
                "old ns/op", "new ns/op", "change [95% CI]", "p", "verdict", "allocs/op", "(new)",
                "B/op", "(new)");
    }
    double log_sum = 0;
    size_t log_count = 0;
    for (size_t i = 0; i < rows->count; i++) {
        const struct hp_compare_row *row = &rows->rows[i];
        char old_ns[32], new_ns[32], change[96], p[32], oa[32], na[32], ob[32], nb[32];
        fmt_num(old_ns, sizeof old_ns, median_of(row->old));
        fmt_num(new_ns, sizeof new_ns, median_of(row->new_));
        fmt_ratio(change, sizeof change, row);
        if (row->compared && !isnan(row->cmp.p_value))
            snprintf(p, sizeof p, "%.3g", row->cmp.p_value);
        else
            snprintf(p, sizeof p, "-");
        fmt_num(oa, sizeof oa, row->old ? row->old->allocs_per_op : NAN);
        fmt_num(na, sizeof na, row->new_ ? row->new_->allocs_per_op : NAN);
        fmt_num(ob, sizeof ob, row->old ? row->old->bytes_per_op : NAN);
        fmt_num(nb, sizeof nb, row->new_ ? row->new_->bytes_per_op : NAN);
        if (md)
            fprintf(f, "| `%s` | %s | %s | %s | %s | %s | %s | %s | %s | %s |\n", row->label,
                    old_ns, new_ns, change, p, row_verdict(row), oa, na, ob, nb);
        else
            fprintf(f, "%-*s %10s %10s  %-32s %7s  %-21s %9s %9s %9s %9s\n", (int)width, row->label,
                    old_ns, new_ns, change, p, row_verdict(row), oa, na, ob, nb);
        if (row->compared && row->cmp.ratio > 0 && isfinite(row->cmp.ratio)) {
            log_sum += log(row->cmp.ratio);
            log_count++;
        }
    }
    if (log_count > 0)
        fprintf(f, "%sgeomean of new/old over %zu cases: %+.2f%%\n", md ? "\n" : "\n", log_count,
                100 * (exp(log_sum / (double)log_count) - 1));
    fprintf(f, "change: ratio new/old of median ns/op, 95%% bootstrap interval; p: two-sided "
               "Mann-Whitney; a verdict needs both (docs/statistics.md)\n");
}

static void short_label(char *out, size_t size, const struct hp_results *r, const char *phase)
{
    const char *dir = r->dir ? r->dir : r->path;
    const char *base = strrchr(dir, '/');
    base = base && base[1] ? base + 1 : dir;
    snprintf(out, size, "%s%s%s (commit %.12s)", phase ? "phase " : "", phase ? phase : base, "",
             r->git_commit ? r->git_commit : "?");
}

static void run_label(char *out, size_t size, const struct hp_results *r, const char *phase)
{
    snprintf(out, size, "%s%s%s (commit %.12s%s, %s, %s)", r->path, phase ? " phase " : "",
             phase ? phase : "", r->git_commit ? r->git_commit : "?", r->git_dirty ? "-dirty" : "",
             r->started ? r->started : "?", r->cpu_model ? r->cpu_model : "?");
}

enum { OPT_PHASES = 256, OPT_FORMAT, OPT_CHART, OPT_HELP };

int hp_cmd_compare(int argc, char **argv)
{
    static const struct option options[] = {
        {"phases", no_argument, NULL, OPT_PHASES},
        {"format", required_argument, NULL, OPT_FORMAT},
        {"chart", required_argument, NULL, OPT_CHART},
        {"help", no_argument, NULL, OPT_HELP},
        {0},
    };
    struct hp_error err;
    enum compare_format format = FORMAT_TEXT;
    bool phases = false;
    const char *chart = NULL;
    opterr = 0;
    optind = 1;
    int opt;
    while ((opt = getopt_long(argc, argv, ":", options, NULL)) != -1) {
        switch (opt) {
        case OPT_PHASES:
            phases = true;
            break;
        case OPT_FORMAT:
            if (strcmp(optarg, "text") == 0) {
                format = FORMAT_TEXT;
            } else if (strcmp(optarg, "md") == 0 || strcmp(optarg, "markdown") == 0) {
                format = FORMAT_MD;
            } else if (strcmp(optarg, "csv") == 0) {
                format = FORMAT_CSV;
            } else {
                hp_error_set(&err, "--format '%s': unknown (valid: text, md, csv)", optarg);
                return hp_usage_error(&err);
            }
            break;
        case OPT_CHART:
            chart = optarg;
            break;
        case OPT_HELP:
            print_compare_usage(stdout);
            return 0;
        case ':':
            hp_error_set(&err, "%s needs a value (see `hotpath compare --help`)", argv[optind - 1]);
            return hp_usage_error(&err);
        default:
            hp_error_set(&err, "unknown option '%s' (see `hotpath compare --help`)",
                         argv[optind - 1]);
            return hp_usage_error(&err);
        }
    }
    /* --phases takes two values; getopt permutes them behind the options, so they arrive as
     * the 2nd and 3rd positional arguments: RESULTS OLD NEW. */
    int want = phases ? 3 : 2;
    if (argc - optind != want) {
        hp_error_set(&err, phases ? "compare --phases needs RESULTS OLD_PHASE NEW_PHASE"
                                  : "compare needs OLD and NEW results (see `hotpath compare "
                                    "--help`)");
        return hp_usage_error(&err);
    }

    struct hp_results a, b;
    memset(&b, 0, sizeof b);
    if (hp_results_read_merged(argv[optind], &a, &err) != 0)
        return hp_usage_error(&err);
    if (!phases && hp_results_read_merged(argv[optind + 1], &b, &err) != 0) {
        hp_results_free(&a);
        return hp_usage_error(&err);
    }

    struct hp_compare_rows rows;
    memset(&rows, 0, sizeof rows);
    int rc;
    if (phases) {
        rc = match_phases(&a, argv[optind + 1], argv[optind + 2], &rows, &err);
        run_label(rows.old_label, sizeof rows.old_label, &a, argv[optind + 1]);
        run_label(rows.new_label, sizeof rows.new_label, &a, argv[optind + 2]);
        short_label(rows.old_short, sizeof rows.old_short, &a, argv[optind + 1]);
        short_label(rows.new_short, sizeof rows.new_short, &a, argv[optind + 2]);
    } else {
        rc = match_runs(&a, &b, &rows, &err);
        run_label(rows.old_label, sizeof rows.old_label, &a, NULL);
        run_label(rows.new_label, sizeof rows.new_label, &b, NULL);
        short_label(rows.old_short, sizeof rows.old_short, &a, NULL);
        short_label(rows.new_short, sizeof rows.new_short, &b, NULL);
    }
    const struct hp_results *newer = phases ? &a : &b;
    snprintf(rows.machine, sizeof rows.machine, "%s, %u CPUs",
             newer->cpu_model ? newer->cpu_model : "?", newer->cpus_online);
    snprintf(rows.date, sizeof rows.date, "%s", newer->started ? newer->started : "?");

    int status = 0;
    if (rc != 0) {
        status = hp_usage_error(&err);
    } else {
        /* The chart first: a missing gnuplot refuses before any table is printed. */
        if (chart && hp_compare_chart_write(&rows, chart, &err) != 0) {
            status = hp_usage_error(&err);
        } else {
            /* CSV has no room for a remark: the warning goes to stderr there. */
            const struct hp_results *sides[2] = {&a, phases ? NULL : &b};
            warn_partial(format == FORMAT_CSV ? stderr : stdout, sides, format == FORMAT_MD);
            if (format == FORMAT_CSV)
                print_csv(stdout, &rows);
            else
                print_table(stdout, &rows, format == FORMAT_MD);
        }
    }
    hp_compare_rows_free(&rows);
    hp_results_free(&a);
    hp_results_free(&b);
    return status;
}
