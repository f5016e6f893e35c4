#include "phase_tables.h"

#include <jansson.h>
#include <math.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "format.h"

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

/* The external peers' cases (not the twins of claims) beside the rows of their workload. */
static void add_peers(const struct hp_results *r, struct hp_phase_view *v)
{
    for (size_t i = 0; i < r->case_count; i++) {
        const struct hp_result_case *c = &r->cases[i];
        if (!c->peer || c->claim || c->latency_mode)
            continue;
        for (size_t k = 0; k < v->row_count; k++) {
            struct hp_view_row *row = &v->rows[k];
            if (strcmp(row->workload, c->workload) != 0 || row->threads != c->threads)
                continue;
            size_t p = 0;
            while (p < v->peer_count && strcmp(v->peers[p], c->peer) != 0)
                p++;
            if (p == v->peer_count) {
                if (p == HP_VIEW_PEERS_MAX)
                    continue;
                /* The reference peer's column comes first. */
                if (strcmp(c->peer, HP_VIEW_REFERENCE_PEER) == 0 && v->peer_count > 0) {
                    memmove(&v->peers[1], &v->peers[0], v->peer_count * sizeof v->peers[0]);
                    for (size_t q = 0; q < v->row_count; q++)
                        memmove(&v->rows[q].peer[1], &v->rows[q].peer[0],
                                v->peer_count * sizeof v->rows[q].peer[0]),
                            v->rows[q].peer[0] = NULL;
                    p = 0;
                }
                v->peers[p] = c->peer;
                v->peer_count++;
            }
            row->peer[p] = c;
        }
    }
}

/* The reference peer's case of a row (Gin), or NULL. */
static const struct hp_result_case *reference_peer(const struct hp_phase_view *v,
                                                   const struct hp_view_row *row)
{
    return v->peer_count > 0 && strcmp(v->peers[0], HP_VIEW_REFERENCE_PEER) == 0 ? row->peer[0]
                                                                                 : NULL;
}

int hp_phase_view_build(const struct hp_results *r, struct hp_phase_view *v, struct hp_error *err)
{
    memset(v, 0, sizeof *v);
    if (read_plan(r, v, err) != 0)
        return -1;
    size_t capacity = 0;
    for (size_t i = 0; i < r->case_count; i++) {
        const struct hp_result_case *c = &r->cases[i];
        if (!c->phase || c->latency_mode || c->peer)
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
    add_peers(r, v);
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

/* ns/op in the phase table: as many decimals as a reader of ns needs. */
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
    if (cmp->change == HP_CHANGE_NONE || cmp->change == HP_CHANGE_TOO_FEW_SAMPLES)
        snprintf(out, size, "%s", hp_change_name(cmp->change));
    else
        hp_format_change(out, size, cmp->ratio, cmp->ratio_low, cmp->ratio_high, 1);
}

/* "0.021x [0.020, 0.022]": new/old of the medians with its bootstrap interval. */
static void format_ratio(char *out, size_t size, const struct hp_case_comparison *cmp)
{
    if (cmp->change == HP_CHANGE_TOO_FEW_SAMPLES)
        snprintf(out, size, "%s", hp_change_name(cmp->change));
    else
        snprintf(out, size, "%.3gx [%.3g, %.3g]", cmp->ratio, cmp->ratio_low, cmp->ratio_high);
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

void hp_view_row_label(const struct hp_view_row *row, char *out, size_t size)
{
    snprintf(out, size, "%s, %u thread%s", row->workload, row->threads,
             row->threads == 1 ? "" : "s");
}

/* ---- phase table ------------------------------------------------------------------------ */

/* The four lines of a cell: ns/op, the change against the previous phase, against the
 * baseline, allocs/op ("-" where there is nothing to say). */
static int add_phase_cell(struct hp_table *t, struct hp_phase_view *v,
                          const struct hp_view_row *row, size_t p, struct hp_error *err)
{
    const struct hp_result_case *c = row->cell[p];
    const struct hp_result_case *gin = reference_peer(v, row);
    if (!c) {
        hp_table_text(t, "not measured\n-\n-\n-%s", gin ? "\n-" : "");
        return 0;
    }
    char ns[160], vs_previous[96] = "-", vs_baseline[96] = "-", allocs[64], vs_gin[96] = "";
    format_cell_ns(ns, sizeof ns, c);
    format_count(allocs, sizeof allocs, c->allocs_per_op);
    const struct hp_result_case *prev = previous_cell(row, p);
    const struct hp_result_case *base = row->cell[0];
    struct hp_case_comparison cmp;
    if (prev) {
        if (compare(v, prev, c, &cmp, err) != 0)
            return -1;
        format_change(vs_previous, sizeof vs_previous, &cmp);
    }
    if (base && base != c && base != prev) {
        if (compare(v, base, c, &cmp, err) != 0)
            return -1;
        format_change(vs_baseline, sizeof vs_baseline, &cmp);
    } else if (base && base == prev) {
        snprintf(vs_baseline, sizeof vs_baseline, "%s", vs_previous);
    }
    if (gin) {
        if (compare(v, gin, c, &cmp, err) != 0)
            return -1;
        format_ratio(vs_gin, sizeof vs_gin, &cmp);
    }
    hp_table_number(t, c->summary.median, "%s\n%s\n%s\n%s%s%s", ns, vs_previous, vs_baseline,
                    allocs, gin ? "\n" : "", vs_gin);
    return 0;
}

/* A peer's cell: its ns/op and allocs/op; it has no phases to change between. */
static void add_peer_cell(struct hp_table *t, const struct hp_view_row *row, size_t p, bool vs_line)
{
    const struct hp_result_case *c = row->peer[p];
    if (!c) {
        hp_table_text(t, "not measured\n-\n-\n-%s", vs_line ? "\n-" : "");
        return;
    }
    char ns[160], allocs[64];
    format_cell_ns(ns, sizeof ns, c);
    format_count(allocs, sizeof allocs, c->allocs_per_op);
    hp_table_number(t, c->summary.median, "%s\n-\n-\n%s%s", ns, allocs, vs_line ? "\n-" : "");
}

static int add_phase_table(struct hp_doc *doc, struct hp_phase_view *v, struct hp_error *err)
{
    struct hp_table *t = hp_doc_table(doc);
    hp_table_column(t, "workload", "workload", 0);
    for (size_t p = 0; p < v->phase_count; p++)
        hp_table_column(t, v->phases[p].name, v->phases[p].name, 0);
    for (size_t p = 0; p < v->peer_count; p++) {
        char title[64];
        snprintf(title, sizeof title, "%s (Go)", v->peers[p]);
        hp_table_column(t, title, v->peers[p], 0);
    }
    for (size_t r = 0; r < v->row_count; r++) {
        char label[160];
        const struct hp_view_row *row = &v->rows[r];
        bool vs_line = reference_peer(v, row) != NULL;
        hp_view_row_label(row, label, sizeof label);
        hp_table_row(t);
        hp_table_text(t, "%s\n  vs previous phase\n  vs baseline\n  allocs/op%s", label,
                      vs_line ? "\n  vs " HP_VIEW_REFERENCE_PEER " (ratio)" : "");
        for (size_t p = 0; p < v->phase_count; p++)
            if (add_phase_cell(t, v, row, p, err) != 0)
                return -1;
        for (size_t p = 0; p < v->peer_count; p++)
            add_peer_cell(t, row, p, vs_line);
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

/* The Go twin of a claim (results v4: external cases with claim and variant), or false. */
static bool find_twin(const struct hp_results *r, const char *claim,
                      const struct hp_result_case **reference,
                      const struct hp_result_case **improved)
{
    *reference = *improved = NULL;
    for (size_t i = 0; i < r->case_count; i++) {
        const struct hp_result_case *c = &r->cases[i];
        if (!c->claim || !c->variant || strcmp(c->claim, claim) != 0 || c->latency_mode)
            continue;
        /* Several thread counts (a parallel twin): the fewest threads, as the rows begin. */
        const struct hp_result_case **slot = strcmp(c->variant, "reference") == 0  ? reference
                                             : strcmp(c->variant, "improved") == 0 ? improved
                                                                                   : NULL;
        if (slot && (!*slot || c->threads < (*slot)->threads))
            *slot = c;
    }
    return *reference && *improved;
}

static bool any_twins(const struct hp_results *r)
{
    for (size_t i = 0; i < r->case_count; i++)
        if (r->cases[i].claim)
            return true;
    return false;
}

/* Whether the C step's change and the Go twin's differ by more than 2x either way (or go in
 * opposite directions), when at least one of them is a significant change. */
bool hp_changes_disagree(const struct hp_case_comparison *c_step,
                         const struct hp_case_comparison *twin)
{
    bool c_sig = c_step->change == HP_CHANGE_FASTER || c_step->change == HP_CHANGE_SLOWER;
    bool go_sig = twin->change == HP_CHANGE_FASTER || twin->change == HP_CHANGE_SLOWER;
    if (!c_sig && !go_sig)
        return false;
    double a = c_step->ratio - 1, b = twin->ratio - 1;
    if (a * b < 0)
        return c_sig && go_sig;
    double big = fmax(fabs(a), fabs(b)), small = fmin(fabs(a), fabs(b));
    return big > 2 * small;
}

/* The twin's change and whether it agrees with the C step's (cmp NULL: the C step was not
 * measured on this row). */
static int format_twin(char *change, size_t change_size, char *agreement, size_t agreement_size,
                       struct hp_phase_view *v, const struct hp_results *r,
                       const struct hp_claim *claim, const struct hp_case_comparison *c_step,
                       struct hp_error *err)
{
    const struct hp_result_case *reference, *improved;
    snprintf(change, change_size, "no Go twin in this run");
    snprintf(agreement, agreement_size, "-");
    if (!find_twin(r, claim->id, &reference, &improved))
        return 0;
    struct hp_case_comparison twin;
    if (compare(v, reference, improved, &twin, err) != 0)
        return -1;
    char a[32], b[32], ratio[96];
    format_count(a, sizeof a, twin.old_allocs_per_op);
    format_count(b, sizeof b, twin.new_allocs_per_op);
    format_change(ratio, sizeof ratio, &twin);
    snprintf(change, change_size, "%.1f -> %.1f ns (%s), allocs/op %s -> %s", twin.old_median,
             twin.new_median, ratio, a, b);
    if (c_step)
        snprintf(agreement, agreement_size, "%s",
                 hp_changes_disagree(c_step, &twin)
                     ? "differ > 2x: the C analogue or the seed's estimate needs a look"
                     : "within 2x");
    return 0;
}

/* One row: a claim of phase p on one row of the phase table. */
static int add_claim_row(struct hp_table *t, struct hp_phase_view *v, const struct hp_results *r,
                         size_t p, const struct hp_claim *claim, const struct hp_view_row *row,
                         struct hp_error *err)
{
    const struct hp_view_phase *phase = &v->phases[p];
    double low, high;
    phase_claim_sum(phase, &low, &high);
    char label[160], measured[128] = "", *verdict = "not measured";
    hp_view_row_label(row, label, sizeof label);
    const struct hp_result_case *prev = previous_cell(row, p), *cur = row->cell[p];
    struct hp_case_comparison cmp;
    bool compared = false;
    if (prev && cur && same_implementations(prev, cur)) {
        snprintf(measured, sizeof measured, "-");
        verdict = "not tested here (the phase changes nothing this workload uses)";
    } else if (prev && cur) {
        if (compare(v, prev, cur, &cmp, err) != 0)
            return -1;
        compared = true;
        format_measured(measured, sizeof measured, claim, &cmp);
        verdict = (char *)hp_claim_verdict(claim, &cmp, low, high);
    }
    char twin[200] = "", agreement[96] = "";
    if (any_twins(r) && format_twin(twin, sizeof twin, agreement, sizeof agreement, v, r, claim,
                                    compared ? &cmp : NULL, err) != 0)
        return -1;
    hp_table_row(t);
    hp_table_text(t, "%s", claim->id);
    hp_table_text(t, "%s", claim->technique);
    if (claim->kind == HP_CLAIM_NS_SAVED && (low != claim->low || high != claim->high))
        hp_table_text(t, "%s (phase total %g-%g ns)", claim->claimed, low, high);
    else
        hp_table_text(t, "%s", claim->claimed);
    hp_table_text(t, "%s", phase->name);
    hp_table_text(t, "%s", label);
    hp_table_text(t, "%s", measured);
    hp_table_text(t, "%s", verdict);
    if (any_twins(r)) {
        hp_table_text(t, "%s", twin);
        hp_table_text(t, "%s", agreement);
    }
    return 0;
}

static int add_claims_table(struct hp_doc *doc, struct hp_phase_view *v, const struct hp_results *r,
                            struct hp_error *err)
{
    hp_doc_heading(doc, 2, "Claims");
    struct hp_text *legend = hp_doc_paragraph(doc);
    hp_text_add(legend, "The claimed gain (the claims catalogue: ");
    hp_text_code(legend, "hotpath list --claims");
    hp_text_add(legend, ") beside the change measured between the phase and the phase before it. "
                        "A phase that tests several claims is measured as one change, so its ns "
                        "claims are judged together (phase total). Verdicts: ");
    hp_text_em(legend, "confirmed");
    hp_text_add(legend, " (the measured interval reaches the claim), ");
    hp_text_em(legend, "smaller than claimed");
    hp_text_add(legend, " (significantly better, but the whole interval falls short), ");
    hp_text_em(legend, "no effect");
    hp_text_add(legend, " (no significant change), ");
    hp_text_em(legend, "made it worse");
    hp_text_add(legend, " (significantly slower); allocation claims are judged on exact counts.");
    if (any_twins(r))
        hp_doc_para(doc, "Go twin: the same single decision made in Go (peers/twins.go), "
                         "measured in the same rounds; where its change and the C step's "
                         "differ by more than 2x either way (or go opposite ways), the row "
                         "says so.");
    struct hp_table *t = hp_doc_table(doc);
    static const char *const columns[][2] = {
        {"claim", "claim"},
        {"technique", "technique"},
        {"the seed's claim", "claimed"},
        {"phase", "phase"},
        {"workload", "workload"},
        {"measured change (vs the phase before)", "measured"},
        {"verdict", "verdict"},
    };
    for (size_t c = 0; c < sizeof columns / sizeof columns[0]; c++)
        hp_table_column(t, columns[c][0], columns[c][1], 0);
    if (any_twins(r)) {
        hp_table_column(t, "the Go twin's change (reference -> improved)", "go_twin", 0);
        hp_table_column(t, "C vs Go", "c_vs_go", 0);
    }
    for (size_t p = 1; p < v->phase_count; p++)
        for (size_t k = 0; k < v->phases[p].claim_count; k++)
            for (size_t row = 0; row < v->row_count; row++)
                if (add_claim_row(t, v, r, p, v->phases[p].claims[k], &v->rows[row], err) != 0)
                    return -1;
    return 0;
}

/* ---- the document ----------------------------------------------------------------------- */

static void add_phase_list(struct hp_doc *doc, const struct hp_phase_view *v)
{
    hp_doc_list(doc);
    for (size_t p = 0; p < v->phase_count; p++) {
        const struct hp_view_phase *phase = &v->phases[p];
        struct hp_text *item = hp_doc_item(doc);
        hp_text_strong(item, "%s", phase->name);
        if (*phase->summary)
            hp_text_add(item, ": %s", phase->summary);
        if (phase->claim_count) {
            hp_text_add(item, " (claims");
            for (size_t k = 0; k < phase->claim_count; k++)
                hp_text_add(item, " %s", phase->claims[k]->id);
            hp_text_add(item, ")");
        }
    }
}

int hp_phase_tables_doc(struct hp_doc *doc, const struct hp_results *r, struct hp_phase_view *v,
                        struct hp_error *err)
{
    hp_doc_heading(doc, 2, "Phases%s%s", v->file ? " of " : "", v->file ? v->file : "");
    if (!r->complete)
        hp_text_add(hp_doc_warning(doc, "partial results."), " %s", HP_PARTIAL_RESULTS_WARNING);
    add_phase_list(doc, v);
    hp_doc_para(doc, "ns/op: median [95%% confidence interval]; changes: new/old - 1 with its "
                     "95%% interval, or \"no significant change\" when the interval includes "
                     "zero or the rank test does not reject; allocs/op exact.");
    if (v->peer_count)
        hp_doc_para(doc, "Peer columns: the same workload in Go, measured in the same rounds by "
                         "an external case (docs/external-cases.md); \"vs " HP_VIEW_REFERENCE_PEER
                         "\": the phase's median / Gin's, with its 95%% bootstrap interval "
                         "(below 1: the phase is faster). Go's allocs/op are its runtime's "
                         "(runtime.MemStats), hotpath's are malloc calls.");
    if (add_phase_table(doc, v, err) != 0)
        return -1;
    return any_claims(v) ? add_claims_table(doc, v, r, err) : 0;
}

int hp_phase_tables_write(FILE *f, const struct hp_results *r, struct hp_phase_view *v,
                          const struct hp_renderer *format, struct hp_error *err)
{
    struct hp_doc doc;
    hp_doc_init(&doc, "hotpath phases");
    int rc = hp_phase_tables_doc(&doc, r, v, err);
    if (rc == 0)
        rc = hp_doc_render(f, &doc, format, err);
    hp_doc_free(&doc);
    return rc;
}
