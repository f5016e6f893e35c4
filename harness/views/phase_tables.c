#include "phase_tables.h"

#include <jansson.h>
#include <math.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

/* ---- the view --------------------------------------------------------------------------- */

static int add_phase(struct hp_phase_view *v, const char *name, struct hp_error *err)
{
    for (size_t i = 0; i < v->phase_count; i++)
        if (strcmp(v->phases[i].name, name) == 0)
            return (int)i;
    if (v->phase_count == HP_VIEW_PHASES_MAX)
        return hp_error_set(err, "more than %d phases", HP_VIEW_PHASES_MAX);
    struct hp_view_phase *p = &v->phases[v->phase_count];
    memset(p, 0, sizeof *p);
    p->name = name;
    p->summary = "";
    return (int)v->phase_count++;
}

/* The plan recorded by `run --phases` (results.json "phases"): order, summaries, claims. */
static int read_plan(const struct hp_results *r, struct hp_phase_view *v, struct hp_error *err)
{
    json_t *phases = r->json ? json_object_get((json_t *)r->json, "phases") : NULL;
    if (!json_is_object(phases))
        return 0;
    json_t *file = json_object_get(phases, "file");
    if (json_is_string(file))
        v->file = json_string_value(file);
    json_t *order = json_object_get(phases, "order");
    size_t i;
    json_t *phase;
    json_array_foreach(order, i, phase)
    {
        json_t *name = json_object_get(phase, "name");
        if (!json_is_string(name))
            return hp_error_set(err, "%s: phases.order[%zu]: no name", r->path, i);
        int index = add_phase(v, json_string_value(name), err);
        if (index < 0)
            return -1;
        struct hp_view_phase *p = &v->phases[index];
        json_t *summary = json_object_get(phase, "summary");
        if (json_is_string(summary))
            p->summary = json_string_value(summary);
        size_t k;
        json_t *claim;
        json_array_foreach(json_object_get(phase, "claims"), k, claim)
        {
            const struct hp_claim *c =
                json_is_string(claim) ? hp_claim_find(json_string_value(claim)) : NULL;
            if (!c)
                return hp_error_set(err, "%s: phases.order[%zu].claims[%zu]: unknown claim",
                                    r->path, i, k);
            if (p->claim_count < HP_VIEW_CLAIMS_MAX)
                p->claims[p->claim_count++] = c;
        }
    }
    return 0;
}

int hp_phase_view_build(const struct hp_results *r, struct hp_phase_view *v, struct hp_error *err)
{
    memset(v, 0, sizeof *v);
    if (read_plan(r, v, err) != 0)
        return -1;
    size_t capacity = 0;
    for (size_t i = 0; i < r->case_count; i++) {
        const struct hp_result_case *c = &r->cases[i];
        if (!c->phase || c->latency_mode)
            continue;
        int phase = add_phase(v, c->phase, err);
        if (phase < 0)
            goto fail;
        struct hp_view_row *row = NULL;
        for (size_t k = 0; k < v->row_count && !row; k++)
            if (strcmp(v->rows[k].workload, c->workload) == 0 && v->rows[k].threads == c->threads)
                row = &v->rows[k];
        if (!row) {
            if (v->row_count == capacity) {
                capacity = capacity ? 2 * capacity : 8;
                struct hp_view_row *grown = realloc(v->rows, capacity * sizeof *grown);
                if (!grown) {
                    hp_error_set(err, "out of memory");
                    goto fail;
                }
                v->rows = grown;
            }
            row = &v->rows[v->row_count++];
            memset(row, 0, sizeof *row);
            row->workload = c->workload;
            row->threads = c->threads;
        }
        row->cell[phase] = c;
    }
    if (v->row_count == 0) {
        hp_error_set(err,
                     "%s: no phase cases (batch mode) in this run; the phase table comes from "
                     "`hotpath run --phases FILE`",
                     r->path);
        goto fail;
    }
    /* Rows by workload (in order of first appearance), then threads. */
    for (size_t i = 1; i < v->row_count; i++) {
        struct hp_view_row row = v->rows[i];
        size_t j = i;
        while (j > 0 && strcmp(v->rows[j - 1].workload, row.workload) == 0 &&
               v->rows[j - 1].threads > row.threads) {
            v->rows[j] = v->rows[j - 1];
            j--;
        }
        v->rows[j] = row;
    }
    return 0;
fail:
    hp_phase_view_free(v);
    return -1;
}

void hp_phase_view_free(struct hp_phase_view *v)
{
    free(v->rows);
    free(v->memo);
    memset(v, 0, sizeof *v);
}

/* ---- verdicts --------------------------------------------------------------------------- */

/* Counts are exact, so these are decided with a tolerance for rounding only. */
static const double count_tolerance = 0.005;

const char *hp_claim_verdict(const struct hp_claim *claim, const struct hp_case_comparison *cmp,
                             double phase_claim_low, double phase_claim_high)
{
    (void)phase_claim_high;
    switch (claim->kind) {
    case HP_CLAIM_ALLOCS_SAVED: {
        double saved = cmp->old_allocs_per_op - cmp->new_allocs_per_op;
        if (isnan(saved))
            return "not measured";
        if (saved < -count_tolerance)
            return "made it worse";
        if (saved <= count_tolerance)
            return "no effect";
        return saved >= claim->low - count_tolerance ? "confirmed" : "smaller than claimed";
    }
    case HP_CLAIM_ZERO_ALLOCS:
        if (isnan(cmp->new_allocs_per_op))
            return "not measured";
        if (cmp->new_allocs_per_op <= count_tolerance)
            return "confirmed";
        if (cmp->new_allocs_per_op > cmp->old_allocs_per_op + count_tolerance)
            return "made it worse";
        if (cmp->new_allocs_per_op < cmp->old_allocs_per_op - count_tolerance)
            return "smaller than claimed";
        return "no effect";
    case HP_CLAIM_BYTES_RATIO: {
        double old_b = cmp->old_bytes_per_op, new_b = cmp->new_bytes_per_op;
        if (isnan(old_b) || isnan(new_b))
            return "not measured";
        if (new_b > old_b + count_tolerance)
            return "made it worse";
        if (new_b >= old_b - count_tolerance)
            return "no effect";
        return new_b / old_b <= claim->high ? "confirmed" : "smaller than claimed";
    }
    default:
        break;
    }
    switch (cmp->change) {
    case HP_CHANGE_TOO_FEW_SAMPLES:
        return "too few samples";
    case HP_CHANGE_SLOWER:
        return "made it worse";
    case HP_CHANGE_NONE:
        return "no effect";
    case HP_CHANGE_FASTER:
        break;
    }
    if (claim->kind == HP_CLAIM_RATIO)
        return cmp->ratio_low <= claim->high ? "confirmed" : "smaller than claimed";
    if (claim->kind == HP_CLAIM_NS_SAVED) {
        /* The most the run allows the phase to have saved, against the least it claimed. */
        double saved_high = cmp->old_median * (1 - cmp->ratio_low);
        return saved_high >= phase_claim_low ? "confirmed" : "smaller than claimed";
    }
    return "confirmed"; /* HP_CLAIM_FASTER: only the direction is claimed */
}

/* ---- formatting ------------------------------------------------------------------------- */

static void format_ns(char *out, size_t size, double v)
{
    if (isnan(v))
        snprintf(out, size, "n/a");
    else if (v >= 100)
        snprintf(out, size, "%.0f", v);
    else if (v >= 10)
        snprintf(out, size, "%.1f", v);
    else
        snprintf(out, size, "%.2f", v);
}

static void format_cell_ns(char *out, size_t size, const struct hp_result_case *c)
{
    char m[32], lo[32], hi[32];
    format_ns(m, sizeof m, c->summary.median);
    format_ns(lo, sizeof lo, c->summary.ci_low);
    format_ns(hi, sizeof hi, c->summary.ci_high);
    snprintf(out, size, "%s ns [%s, %s]%s", m, lo, hi, c->noisy ? " noisy" : "");
}

static void format_change(char *out, size_t size, const struct hp_case_comparison *cmp)
{
    if (cmp->change == HP_CHANGE_NONE || cmp->change == HP_CHANGE_TOO_FEW_SAMPLES) {
        snprintf(out, size, "%s", hp_change_name(cmp->change));
        return;
    }
    snprintf(out, size, "%+.1f%% [%+.1f%%, %+.1f%%]", (cmp->ratio - 1) * 100,
             (cmp->ratio_low - 1) * 100, (cmp->ratio_high - 1) * 100);
}

static void format_count(char *out, size_t size, double v)
{
    if (isnan(v))
        snprintf(out, size, "n/a");
    else if (fabs(v - round(v)) < 1e-9)
        snprintf(out, size, "%.0f", v);
    else
        snprintf(out, size, "%.3g", v);
}

/* Whether two cases ran the same implementation on every axis (a phase that changes nothing
 * this workload uses: any difference between them is noise). */
static bool same_implementations(const struct hp_result_case *a, const struct hp_result_case *b)
{
    if (a->impl_count != b->impl_count)
        return false;
    for (size_t i = 0; i < a->impl_count; i++) {
        const char *other = hp_result_case_impl(b, a->impls[i].axis);
        if (!other || strcmp(other, a->impls[i].name) != 0)
            return false;
    }
    return true;
}

struct hp_view_comparison {
    const struct hp_result_case *old, *new_;
    struct hp_case_comparison result;
};

static int compare(struct hp_phase_view *v, const struct hp_result_case *old,
                   const struct hp_result_case *new_, struct hp_case_comparison *cmp,
                   struct hp_error *err)
{
    for (size_t i = 0; i < v->memo_count; i++)
        if (v->memo[i].old == old && v->memo[i].new_ == new_) {
            *cmp = v->memo[i].result;
            return 0;
        }
    struct hp_compare_options options;
    hp_compare_options_defaults(&options);
    if (hp_compare_cases(old, new_, &options, cmp, err) != 0)
        return -1;
    if (v->memo_count == v->memo_capacity) {
        size_t capacity = v->memo_capacity ? 2 * v->memo_capacity : 32;
        struct hp_view_comparison *grown = realloc(v->memo, capacity * sizeof *grown);
        if (!grown)
            return 0; /* the result stands; only the memo is lost */
        v->memo = grown;
        v->memo_capacity = capacity;
    }
    v->memo[v->memo_count++] = (struct hp_view_comparison){old, new_, *cmp};
    return 0;
}

/* The cell of `row` for phase p, and the nearest measured phase before p (NULL for none). */
static const struct hp_result_case *previous_cell(const struct hp_view_row *row, size_t p)
{
    while (p-- > 0)
        if (row->cell[p])
            return row->cell[p];
    return NULL;
}

/* The four lines of one cell. */
struct cell_text {
    char ns[160], vs_previous[96], vs_baseline[96], allocs[64];
};

static int cell_text(struct hp_phase_view *v, const struct hp_view_row *row, size_t p,
                     struct cell_text *t, struct hp_error *err)
{
    memset(t, 0, sizeof *t);
    const struct hp_result_case *c = row->cell[p];
    if (!c) {
        snprintf(t->ns, sizeof t->ns, "not measured");
        return 0;
    }
    format_cell_ns(t->ns, sizeof t->ns, c);
    format_count(t->allocs, sizeof t->allocs, c->allocs_per_op);
    const struct hp_result_case *prev = previous_cell(row, p);
    const struct hp_result_case *base = row->cell[0];
    struct hp_case_comparison cmp;
    if (prev) {
        if (compare(v, prev, c, &cmp, err) != 0)
            return -1;
        format_change(t->vs_previous, sizeof t->vs_previous, &cmp);
    }
    if (base && base != c && base != prev) {
        if (compare(v, base, c, &cmp, err) != 0)
            return -1;
        format_change(t->vs_baseline, sizeof t->vs_baseline, &cmp);
    } else if (base && base == prev) {
        snprintf(t->vs_baseline, sizeof t->vs_baseline, "%s", t->vs_previous);
    }
    return 0;
}

static void row_label(const struct hp_view_row *row, char *out, size_t size)
{
    snprintf(out, size, "%s, %u thread%s", row->workload, row->threads,
             row->threads == 1 ? "" : "s");
}

/* ---- phase table ------------------------------------------------------------------------ */

static int write_phase_table_text(FILE *f, struct hp_phase_view *v, struct hp_error *err)
{
    struct cell_text *texts = calloc(v->row_count * v->phase_count, sizeof *texts);
    if (!texts)
        return hp_error_set(err, "out of memory");
    int label_width = 24, cell_width = 12;
    for (size_t r = 0; r < v->row_count; r++) {
        char label[160];
        row_label(&v->rows[r], label, sizeof label);
        if ((int)strlen(label) > label_width)
            label_width = (int)strlen(label);
        for (size_t p = 0; p < v->phase_count; p++) {
            struct cell_text *t = &texts[r * v->phase_count + p];
            if (cell_text(v, &v->rows[r], p, t, err) != 0) {
                free(texts);
                return -1;
            }
            const char *parts[] = {t->ns, t->vs_previous, t->vs_baseline, t->allocs};
            for (int k = 0; k < 4; k++)
                if ((int)strlen(parts[k]) > cell_width)
                    cell_width = (int)strlen(parts[k]);
        }
    }
    for (size_t p = 0; p < v->phase_count; p++)
        if ((int)strlen(v->phases[p].name) > cell_width)
            cell_width = (int)strlen(v->phases[p].name);
    fprintf(f, "%-*s", label_width, "ns/op: median [95% CI]");
    for (size_t p = 0; p < v->phase_count; p++)
        fprintf(f, "  %-*s", cell_width, v->phases[p].name);
    fputc('\n', f);
    static const char *const line_names[] = {NULL, "  vs previous phase", "  vs baseline",
                                             "  allocs/op"};
    for (size_t r = 0; r < v->row_count; r++) {
        char label[160];
        row_label(&v->rows[r], label, sizeof label);
        for (int line = 0; line < 4; line++) {
            fprintf(f, "%-*s", label_width, line == 0 ? label : line_names[line]);
            for (size_t p = 0; p < v->phase_count; p++) {
                const struct cell_text *t = &texts[r * v->phase_count + p];
                const char *s = line == 0   ? t->ns
                                : line == 1 ? t->vs_previous
                                : line == 2 ? t->vs_baseline
                                            : t->allocs;
                fprintf(f, "  %-*s", cell_width, *s ? s : (line == 0 ? "" : "-"));
            }
            fputc('\n', f);
        }
    }
    free(texts);
    return 0;
}

static int write_phase_table_markdown(FILE *f, struct hp_phase_view *v, struct hp_error *err)
{
    fprintf(f, "| workload |");
    for (size_t p = 0; p < v->phase_count; p++)
        fprintf(f, " %s |", v->phases[p].name);
    fprintf(f, "\n|---|");
    for (size_t p = 0; p < v->phase_count; p++)
        fprintf(f, "---|");
    fputc('\n', f);
    for (size_t r = 0; r < v->row_count; r++) {
        char label[160];
        row_label(&v->rows[r], label, sizeof label);
        fprintf(f, "| %s |", label);
        for (size_t p = 0; p < v->phase_count; p++) {
            struct cell_text t;
            if (cell_text(v, &v->rows[r], p, &t, err) != 0)
                return -1;
            fprintf(f, " %s", t.ns);
            if (*t.vs_previous)
                fprintf(f, "<br>vs previous: %s", t.vs_previous);
            if (*t.vs_baseline)
                fprintf(f, "<br>vs baseline: %s", t.vs_baseline);
            if (*t.allocs)
                fprintf(f, "<br>%s allocs/op", t.allocs);
            fprintf(f, " |");
        }
        fputc('\n', f);
    }
    return 0;
}

/* ---- claims table ----------------------------------------------------------------------- */

static void phase_claim_sum(const struct hp_view_phase *p, double *low, double *high)
{
    *low = *high = 0;
    for (size_t k = 0; k < p->claim_count; k++)
        if (p->claims[k]->kind == HP_CLAIM_NS_SAVED) {
            *low += p->claims[k]->low;
            *high += p->claims[k]->high;
        }
}

static void format_measured(char *out, size_t size, const struct hp_claim *claim,
                            const struct hp_case_comparison *cmp)
{
    char a[32], b[32];
    switch (claim->kind) {
    case HP_CLAIM_ALLOCS_SAVED:
    case HP_CLAIM_ZERO_ALLOCS:
        format_count(a, sizeof a, cmp->old_allocs_per_op);
        format_count(b, sizeof b, cmp->new_allocs_per_op);
        snprintf(out, size, "allocs/op %s -> %s", a, b);
        return;
    case HP_CLAIM_BYTES_RATIO:
        format_count(a, sizeof a, cmp->old_bytes_per_op);
        format_count(b, sizeof b, cmp->new_bytes_per_op);
        snprintf(out, size, "B/op %s -> %s", a, b);
        return;
    case HP_CLAIM_RATIO:
        snprintf(out, size, "new/old %.3g [%.3g, %.3g]", cmp->ratio, cmp->ratio_low,
                 cmp->ratio_high);
        return;
    default:
        break;
    }
    double old = cmp->old_median;
    snprintf(out, size, "%+.1f ns [%+.1f, %+.1f] (%+.1f%%)", old * (cmp->ratio - 1),
             old * (cmp->ratio_low - 1), old * (cmp->ratio_high - 1), (cmp->ratio - 1) * 100);
}

static bool any_claims(const struct hp_phase_view *v)
{
    for (size_t p = 1; p < v->phase_count; p++)
        if (v->phases[p].claim_count)
            return true;
    return false;
}

struct claim_row {
    const struct hp_claim *claim;
    const char *phase;
    char claimed[160], label[160], measured[128];
    const char *verdict;
};

static int width_of(const struct claim_row *rows, size_t n, size_t offset, int min)
{
    int w = min;
    for (size_t i = 0; i < n; i++) {
        int len = (int)strlen((const char *)&rows[i] + offset);
        if (len > w)
            w = len;
    }
    return w;
}

static int write_claims_table(FILE *f, struct hp_phase_view *v, enum hp_table_format fmt,
                              struct hp_error *err)
{
    size_t capacity = 0;
    for (size_t p = 1; p < v->phase_count; p++)
        capacity += v->phases[p].claim_count * v->row_count;
    struct claim_row *rows = calloc(capacity ? capacity : 1, sizeof *rows);
    if (!rows)
        return hp_error_set(err, "out of memory");
    size_t n = 0;
    for (size_t p = 1; p < v->phase_count; p++) {
        const struct hp_view_phase *phase = &v->phases[p];
        double low, high;
        phase_claim_sum(phase, &low, &high);
        for (size_t k = 0; k < phase->claim_count; k++) {
            const struct hp_claim *claim = phase->claims[k];
            for (size_t r = 0; r < v->row_count; r++) {
                struct claim_row *out = &rows[n++];
                out->claim = claim;
                out->phase = phase->name;
                if (claim->kind == HP_CLAIM_NS_SAVED && (low != claim->low || high != claim->high))
                    snprintf(out->claimed, sizeof out->claimed, "%s (phase total %g-%g ns)",
                             claim->claimed, low, high);
                else
                    snprintf(out->claimed, sizeof out->claimed, "%s", claim->claimed);
                const struct hp_view_row *row = &v->rows[r];
                const struct hp_result_case *prev = previous_cell(row, p), *cur = row->cell[p];
                row_label(row, out->label, sizeof out->label);
                out->verdict = "not measured";
                if (prev && cur && same_implementations(prev, cur)) {
                    snprintf(out->measured, sizeof out->measured, "-");
                    out->verdict = "not tested here (the phase changes nothing this workload "
                                   "uses)";
                } else if (prev && cur) {
                    struct hp_case_comparison cmp;
                    if (compare(v, prev, cur, &cmp, err) != 0) {
                        free(rows);
                        return -1;
                    }
                    format_measured(out->measured, sizeof out->measured, claim, &cmp);
                    out->verdict = hp_claim_verdict(claim, &cmp, low, high);
                }
            }
        }
    }
    if (fmt == HP_TABLE_MARKDOWN) {
        fprintf(f, "| claim | technique | the seed's claim | phase | workload | measured change "
                   "(vs the phase before) | verdict |\n|---|---|---|---|---|---|---|\n");
        for (size_t i = 0; i < n; i++)
            fprintf(f, "| %s | %s | %s | %s | %s | %s | %s |\n", rows[i].claim->id,
                    rows[i].claim->technique, rows[i].claimed, rows[i].phase, rows[i].label,
                    rows[i].measured, rows[i].verdict);
    } else {
        int wc = width_of(rows, n, offsetof(struct claim_row, claimed), 16);
        int wl = width_of(rows, n, offsetof(struct claim_row, label), 8);
        int wm = width_of(rows, n, offsetof(struct claim_row, measured), 8);
        int wp = 5;
        for (size_t i = 0; i < n; i++)
            if ((int)strlen(rows[i].phase) > wp)
                wp = (int)strlen(rows[i].phase);
        fprintf(f, "%-5s  %-*s  %-*s  %-*s  %-*s  %s\n", "claim", wc, "the seed's claim", wp,
                "phase", wl, "workload", wm, "measured", "verdict");
        for (size_t i = 0; i < n; i++)
            fprintf(f, "%-5s  %-*s  %-*s  %-*s  %-*s  %s\n", rows[i].claim->id, wc, rows[i].claimed,
                    wp, rows[i].phase, wl, rows[i].label, wm, rows[i].measured, rows[i].verdict);
    }
    free(rows);
    return 0;
}

int hp_phase_tables_write(FILE *f, const struct hp_results *r, struct hp_phase_view *v,
                          enum hp_table_format format, struct hp_error *err)
{
    bool md = format == HP_TABLE_MARKDOWN;
    fprintf(f, md ? "## Phases%s%s\n\n" : "\nphases%s%s\n", v->file ? " of " : "",
            v->file ? v->file : "");
    if (!r->complete)
        fprintf(f, md ? "> **Warning: partial results.** %s\n\n" : "WARNING: partial results. %s\n",
                HP_PARTIAL_RESULTS_WARNING);
    for (size_t p = 0; p < v->phase_count; p++) {
        const struct hp_view_phase *phase = &v->phases[p];
        fprintf(f, md ? "- **%s**%s%s" : "  %s%s%s", phase->name, *phase->summary ? ": " : "",
                phase->summary);
        if (phase->claim_count) {
            fprintf(f, " (claims");
            for (size_t k = 0; k < phase->claim_count; k++)
                fprintf(f, " %s", phase->claims[k]->id);
            fprintf(f, ")");
        }
        fputc('\n', f);
    }
    fprintf(f, md ? "\nns/op: median [95%% confidence interval]; changes: new/old - 1 with its "
                    "95%% interval, or \"no significant change\" when the interval includes "
                    "zero or the rank test does not reject; allocs/op exact.\n\n"
                  : "\n");
    int rc = md ? write_phase_table_markdown(f, v, err) : write_phase_table_text(f, v, err);
    if (rc != 0)
        return -1;
    if (!any_claims(v))
        return 0;
    fprintf(f, md ? "\n## Claims\n\nThe claimed gain (the claims catalogue: "
                    "`hotpath list --claims`) beside the change measured between the phase "
                    "and the phase before it. A phase that tests several claims is measured as "
                    "one change, so its ns claims are judged together (phase total). Verdicts: "
                    "*confirmed* (the measured interval reaches the claim), *smaller than "
                    "claimed* (significantly better, but the whole interval falls short), *no "
                    "effect* (no significant change), *made it worse* (significantly slower); "
                    "allocation claims are judged on exact counts.\n\n"
                  : "\nclaims (the seed's claim beside the change measured against the phase "
                    "before)\n");
    return write_claims_table(f, v, format, err);
}

int hp_phase_print_tables(FILE *f, const char *dir, struct hp_error *err)
{
    struct hp_results r;
    if (hp_results_read(dir, &r, err) != 0)
        return -1;
    struct hp_phase_view v;
    int rc = hp_phase_view_build(&r, &v, err);
    if (rc == 0) {
        rc = hp_phase_tables_write(f, &r, &v, HP_TABLE_TEXT, err);
        hp_phase_view_free(&v);
    }
    hp_results_free(&r);
    return rc;
}
