/* `hotpath compare` (compare_view.h). */
#define _GNU_SOURCE
#include "compare_view.h"

#include <math.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "compare.h"
#include "compare_chart.h"
#include "format.h"
#include "results_fields.h"
#include "results_merge.h"

/* ---- matching --------------------------------------------------------------------------- */

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

/* The cases of one side of a phase comparison; side 1 lists only those without a partner. */
static int match_phase_side(const struct hp_results *r, int side, const char *mine,
                            const char *other, struct hp_compare_rows *rows, struct hp_error *err)
{
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
        int rc = side == 0 ? add_row(rows, key, c, partner, err) : add_row(rows, key, NULL, c, err);
        free(key);
        if (rc != 0)
            return -1;
    }
    return 0;
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
    if (match_phase_side(r, 0, old_phase, new_phase, rows, err) != 0)
        return -1;
    return match_phase_side(r, 1, new_phase, old_phase, rows, err);
}

/* ---- labels ----------------------------------------------------------------------------- */

static void short_label(char *out, size_t size, const struct hp_results *r, const char *phase)
{
    const char *dir = r->dir ? r->dir : r->path;
    const char *base = strrchr(dir, '/');
    base = base && base[1] ? base + 1 : dir;
    snprintf(out, size, "%s%s (commit %.12s)", phase ? "phase " : "", phase ? phase : base,
             r->git_commit ? r->git_commit : "?");
}

static void run_label(char *out, size_t size, const struct hp_results *r, const char *phase)
{
    snprintf(out, size, "%s%s%s (commit %.12s%s, %s, %s)", r->path, phase ? " phase " : "",
             phase ? phase : "", r->git_commit ? r->git_commit : "?", r->git_dirty ? "-dirty" : "",
             r->started ? r->started : "?", r->cpu_model ? r->cpu_model : "?");
}

/* The labels of both sides, and the machine and date of the newer, for the table and chart. */
static void label_rows(struct hp_compare_rows *rows, const struct hp_results *old,
                       const struct hp_results *new_, const struct hp_compare_request *req)
{
    run_label(rows->old_label, sizeof rows->old_label, old, req->old_phase);
    run_label(rows->new_label, sizeof rows->new_label, new_, req->new_phase);
    short_label(rows->old_short, sizeof rows->old_short, old, req->old_phase);
    short_label(rows->new_short, sizeof rows->new_short, new_, req->new_phase);
    snprintf(rows->machine, sizeof rows->machine, "%s, %u CPUs",
             new_->cpu_model ? new_->cpu_model : "?", new_->cpus_online);
    snprintf(rows->date, sizeof rows->date, "%s", new_->started ? new_->started : "?");
}

/* ---- the document ----------------------------------------------------------------------- */

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

static void add_number(struct hp_table *t, double v)
{
    char text[32];
    hp_format_figure(text, sizeof text, v);
    hp_table_number(t, v, "%s", text);
}

static void add_compare_row(struct hp_table *t, const struct hp_compare_row *row)
{
    const struct hp_case_comparison *cmp = &row->cmp;
    double ratio = row->compared ? cmp->ratio : NAN;
    double p = row->compared ? cmp->p_value : NAN;
    char change[96];
    hp_format_change(change, sizeof change, ratio, cmp->ratio_low, cmp->ratio_high, 2);
    hp_table_row(t);
    hp_table_text(t, "%s", row->label);
    add_number(t, median_of(row->old));
    add_number(t, median_of(row->new_));
    hp_table_text(t, "%s", change);
    hp_table_number(t, ratio, "%s", "");
    hp_table_number(t, row->compared ? cmp->ratio_low : NAN, "%s", "");
    hp_table_number(t, row->compared ? cmp->ratio_high : NAN, "%s", "");
    if (isnan(p))
        hp_table_number(t, p, "-");
    else
        hp_table_number(t, p, "%.3g", p);
    hp_table_text(t, "%s", row_verdict(row));
    add_number(t, row->old ? row->old->allocs_per_op : NAN);
    add_number(t, row->new_ ? row->new_->allocs_per_op : NAN);
    add_number(t, row->old ? row->old->bytes_per_op : NAN);
    add_number(t, row->new_ ? row->new_->bytes_per_op : NAN);
}

static void add_compare_table(struct hp_doc *doc, const struct hp_compare_rows *rows)
{
    struct hp_table *t = hp_doc_table(doc);
    const unsigned number = HP_COLUMN_RIGHT | HP_COLUMN_NUMERIC;
    hp_table_column(t, "case", "case", HP_COLUMN_CODE);
    hp_table_column(t, "old ns/op", "old_ns_per_op", number);
    hp_table_column(t, "new ns/op", "new_ns_per_op", number);
    hp_table_column(t, "change [95% CI]", "change", HP_COLUMN_SHOWN);
    hp_table_column(t, "ratio", "ratio", number | HP_COLUMN_DATA);
    hp_table_column(t, "ratio low", "ratio_low", number | HP_COLUMN_DATA);
    hp_table_column(t, "ratio high", "ratio_high", number | HP_COLUMN_DATA);
    hp_table_column(t, "p", "p_value", number);
    hp_table_column(t, "verdict", "change", 0);
    hp_table_column(t, "old allocs/op", "old_allocs_per_op", number);
    hp_table_column(t, "new allocs/op", "new_allocs_per_op", number);
    hp_table_column(t, "old B/op", "old_bytes_per_op", number);
    hp_table_column(t, "new B/op", "new_bytes_per_op", number);
    for (size_t i = 0; i < rows->count; i++)
        add_compare_row(t, &rows->rows[i]);
}

static void add_partial_warning(struct hp_doc *doc, const struct hp_results *r)
{
    if (!r || r->complete)
        return;
    struct hp_text *w = hp_doc_warning(doc, "partial results");
    hp_text_add(w, " in ");
    hp_text_code(w, "%s", r->path);
    hp_text_add(w, ". %s", HP_PARTIAL_RESULTS_WARNING);
}

/* Figures of threads on two CPUs (a queue's handoff, a cross-thread pool) are multiples of the
 * cache-line handoff between them, which a virtual machine's host can change between runs by
 * placing the CPUs nearer or farther (3x on the README's machine): such runs are not compared
 * silently. The floor moves by a few percent between runs on one placement. */
#define HANDOFF_FLOOR_TOLERANCE 1.25

static void add_handoff_warning(struct hp_doc *doc, const struct hp_results *old,
                                const struct hp_results *new_)
{
    double a = old->floors.handoff_ns, b = new_->floors.handoff_ns;
    if (!(a > 0 && b > 0) || (a > b ? a / b : b / a) <= HANDOFF_FLOOR_TOLERANCE)
        return;
    hp_text_add(hp_doc_warning(doc, "cache-line handoff differs"),
                ": old %.0f ns, new %.0f ns (floors.handoff_ns). Cases whose threads run on two "
                "CPUs (queue/*, cross-thread pools, concurrent requests) cost multiples of it: "
                "their changes here are the machine's as much as the code's; compare them within "
                "one run.",
                a, b);
}

/* Two runs whose overhead probe and floors moved together (compare.h): the machine changed,
 * and "slower" rows within its movement are the machine's, not the code's. */
static void add_drift_warning(struct hp_doc *doc, const struct hp_compare_rows *rows,
                              const struct hp_results *old, const struct hp_results *new_)
{
    const struct hp_case_comparison *probe = NULL;
    for (size_t i = 0; i < rows->count; i++) {
        const struct hp_compare_row *row = &rows->rows[i];
        if (row->compared && row->old->overhead_probe && row->old->threads == 1 &&
            !row->old->latency_mode && !row->old->cold)
            probe = &row->cmp;
    }
    struct hp_machine_drift drift;
    hp_machine_drift_assess(old, new_, probe, HP_MACHINE_DRIFT_THRESHOLD, &drift);
    if (drift.direction == 0)
        return;
    size_t within = 0;
    for (size_t i = 0; i < rows->count; i++)
        within +=
            rows->rows[i].compared &&
            hp_machine_drift_explains(&drift, rows->rows[i].cmp.ratio, HP_MACHINE_DRIFT_THRESHOLD);
    char what[256];
    hp_machine_drift_describe(&drift, what, sizeof what);
    hp_text_add(hp_doc_warning(doc, "the machine drifted"),
                ": %s moved together (x%.3f): the machine changed between the runs, and the %zu "
                "case%s that moved no more than it did (within %.0f%%) tell nothing about the "
                "code; run both again.",
                what, drift.machine_ratio, within, within == 1 ? "" : "s",
                100 * HP_MACHINE_DRIFT_THRESHOLD);
}

static void compare_doc(struct hp_doc *doc, const struct hp_compare_rows *rows,
                        const struct hp_results *old, const struct hp_results *new_)
{
    hp_doc_list(doc);
    hp_text_add(hp_doc_item(doc), "old: %s", rows->old_label);
    hp_text_add(hp_doc_item(doc), "new: %s", rows->new_label);
    add_partial_warning(doc, old);
    add_partial_warning(doc, new_ == old ? NULL : new_);
    if (new_ && new_ != old)
        add_handoff_warning(doc, old, new_);
    char fields[1024];
    if (new_ && new_ != old &&
        hp_results_fields_note(old, new_, "old", "new", fields, sizeof fields))
        hp_text_add(hp_doc_warning(doc, "results format"), ": %s.", fields);
    if (new_ && new_ != old)
        add_drift_warning(doc, rows, old, new_);
    add_compare_table(doc, rows);
    double log_sum = 0;
    size_t log_count = 0;
    for (size_t i = 0; i < rows->count; i++)
        if (rows->rows[i].compared && rows->rows[i].cmp.ratio > 0 &&
            isfinite(rows->rows[i].cmp.ratio)) {
            log_sum += log(rows->rows[i].cmp.ratio);
            log_count++;
        }
    if (log_count > 0)
        hp_doc_para(doc, "geomean of new/old over %zu cases: %+.2f%%", log_count,
                    100 * (exp(log_sum / (double)log_count) - 1));
    hp_doc_para(doc, "change: ratio new/old of median ns/op, 95%% bootstrap interval; p: "
                     "two-sided Mann-Whitney; a verdict needs both (docs/statistics.md)");
}

/* ---- the command's work ----------------------------------------------------------------- */

static int compare_and_print(const struct hp_compare_request *req, const struct hp_results *old,
                             const struct hp_results *new_, FILE *f, struct hp_error *err)
{
    struct hp_compare_rows rows;
    memset(&rows, 0, sizeof rows);
    int rc = req->old_phase ? match_phases(old, req->old_phase, req->new_phase, &rows, err)
                            : match_runs(old, new_, &rows, err);
    label_rows(&rows, old, new_, req);
    /* The chart first: a missing gnuplot refuses before any table is printed. */
    if (rc == 0 && req->chart)
        rc = hp_compare_chart_write(&rows, req->chart, err);
    struct hp_doc doc;
    hp_doc_init(&doc, "hotpath compare");
    if (rc == 0) {
        compare_doc(&doc, &rows, old, new_);
        if (!req->format->prose) /* no room for a remark in the data: say it on stderr */
            hp_doc_warnings_to(stderr, &doc);
        rc = hp_doc_render(f, &doc, req->format, err);
    }
    hp_doc_free(&doc);
    hp_compare_rows_free(&rows);
    return rc;
}

int hp_compare_view(const struct hp_compare_request *req, FILE *f, struct hp_error *err)
{
    struct hp_results a, b;
    memset(&b, 0, sizeof b);
    if (hp_results_read_merged(req->old_phase ? req->results : req->old, &a, err) != 0)
        return -1;
    if (!req->old_phase && hp_results_read_merged(req->new_, &b, err) != 0) {
        hp_results_free(&a);
        return -1;
    }
    int rc = compare_and_print(req, &a, req->old_phase ? &a : &b, f, err);
    hp_results_free(&a);
    hp_results_free(&b);
    return rc;
}
