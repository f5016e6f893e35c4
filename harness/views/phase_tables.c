#include "phase_tables.h"

#include <fnmatch.h>
#include <jansson.h>
#include <math.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "format.h"
#include "registry.h"
#include "workload_table.h"

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
    p->group = "";
    p->base = -1;
    return (int)v->phase_count++;
}

static const char *string_of(json_t *o, const char *key)
{
    json_t *value = json_object_get(o, key);
    return json_is_string(value) ? json_string_value(value) : NULL;
}

/* The plan recorded by `run --phases` (results.json "phases"): order, bases, groups,
 * summaries, claims, implementations. Bases are resolved once every phase is known. */
static int read_plan(const struct hp_results *r, struct hp_phase_view *v, const char **bases,
                     struct hp_error *err)
{
    json_t *phases = r->json ? json_object_get((json_t *)r->json, "phases") : NULL;
    if (!json_is_object(phases))
        return 0;
    v->file = string_of(phases, "file");
    json_t *order = json_object_get(phases, "order");
    size_t i;
    json_t *phase;
    json_array_foreach(order, i, phase)
    {
        const char *name = string_of(phase, "name");
        if (!name)
            return hp_error_set(err, "%s: phases.order[%zu]: no name", r->path, i);
        int index = add_phase(v, name, err);
        if (index < 0)
            return -1;
        struct hp_view_phase *p = &v->phases[index];
        bases[index] = string_of(phase, "base");
        if (string_of(phase, "summary"))
            p->summary = string_of(phase, "summary");
        if (string_of(phase, "group"))
            p->group = string_of(phase, "group");
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
        json_t *impls = json_object_get(phase, "implementations");
        for (int axis = 0; axis < HP_AXIS_COUNT; axis++)
            p->impl[axis] = string_of(impls, hp_axis_get(axis)->name);
    }
    return 0;
}

static bool same_name(const char *a, const char *b)
{
    return a == b || (a && b && strcmp(a, b) == 0);
}

/* Bases by index; a measuring step: a base and the same implementation on every axis. */
static void resolve_plan(struct hp_phase_view *v, const char **bases)
{
    for (size_t i = 0; i < v->phase_count; i++) {
        struct hp_view_phase *p = &v->phases[i];
        for (size_t k = 0; k < v->phase_count && bases[i]; k++)
            if (k != i && strcmp(v->phases[k].name, bases[i]) == 0)
                p->base = (int)k;
        if (p->base < 0)
            continue;
        p->measuring = true;
        for (int axis = 0; axis < HP_AXIS_COUNT; axis++)
            p->measuring &= same_name(p->impl[axis], v->phases[p->base].impl[axis]);
    }
}

/* The phase table's columns: the steps that measured the plan's workloads themselves. */
static void choose_columns(struct hp_phase_view *v)
{
    for (size_t i = 0; i < v->phase_count; i++) {
        bool measured = false;
        for (size_t k = 0; k < v->row_count && !measured; k++)
            measured = v->rows[k].plan && v->rows[k].cell[i];
        if (measured && !v->phases[i].measuring)
            v->columns[v->column_count++] = i;
    }
}

static struct hp_view_row *find_row(struct hp_phase_view *v, const struct hp_result_case *c,
                                    size_t *capacity, struct hp_error *err)
{
    for (size_t k = 0; k < v->row_count; k++)
        if (strcmp(v->rows[k].workload, c->workload) == 0 && v->rows[k].threads == c->threads)
            return &v->rows[k];
    if (v->row_count == *capacity) {
        *capacity = *capacity ? 2 * *capacity : 8;
        struct hp_view_row *grown = realloc(v->rows, *capacity * sizeof *grown);
        if (!grown) {
            hp_error_set(err, "out of memory");
            return NULL;
        }
        v->rows = grown;
    }
    struct hp_view_row *row = &v->rows[v->row_count++];
    memset(row, 0, sizeof *row);
    row->workload = c->workload;
    row->threads = c->threads;
    return row;
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
    const char *bases[HP_VIEW_PHASES_MAX] = {NULL};
    if (read_plan(r, v, bases, err) != 0)
        return -1;
    size_t capacity = 0;
    for (size_t i = 0; i < r->case_count; i++) {
        const struct hp_result_case *c = &r->cases[i];
        if (!c->phase || c->peer)
            continue;
        int phase = add_phase(v, c->phase, err);
        if (phase < 0)
            goto fail;
        struct hp_view_row *row = find_row(v, c, &capacity, err);
        if (!row)
            goto fail;
        if (c->latency_mode)
            row->latency[phase] = c;
        else
            row->cell[phase] = c;
    }
    resolve_plan(v, bases);
    size_t plan_rows = 0;
    for (size_t k = 0; k < v->row_count; k++) {
        v->rows[k].plan = v->rows[k].cell[0] != NULL;
        plan_rows += v->rows[k].plan;
    }
    choose_columns(v);
    if (plan_rows == 0) {
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

/* The case of a row for phase p in one mode, following a measuring step to its base. */
static const struct hp_result_case *
follow_measuring(const struct hp_phase_view *v, const struct hp_result_case *const *cells, size_t p)
{
    for (size_t depth = 0; depth <= v->phase_count; depth++) {
        if (cells[p] || !v->phases[p].measuring)
            return cells[p];
        p = (size_t)v->phases[p].base;
    }
    return NULL;
}

const struct hp_result_case *hp_view_cell(const struct hp_phase_view *v,
                                          const struct hp_view_row *row, size_t p)
{
    return follow_measuring(v, row->cell, p);
}

static const struct hp_result_case *view_latency(const struct hp_phase_view *v,
                                                 const struct hp_view_row *row, size_t p)
{
    return follow_measuring(v, row->latency, p);
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

void hp_view_row_label(const struct hp_view_row *row, char *out, size_t size)
{
    snprintf(out, size, "%s, %u thread%s", row->workload, row->threads,
             row->threads == 1 ? "" : "s");
}

static void phase_title(const struct hp_view_phase *p, char *out, size_t size)
{
    if (*p->group)
        snprintf(out, size, "%s: %s", p->group, p->name);
    else
        snprintf(out, size, "%s", p->name);
}

/* ---- headline table --------------------------------------------------------------------- */

/* Each group's last step, in order of the groups' first steps. */
static size_t group_heads(const struct hp_phase_view *v, size_t *last)
{
    size_t n = 0;
    for (size_t p = 0; p < v->phase_count; p++) {
        if (!*v->phases[p].group)
            continue;
        size_t g = 0;
        while (g < n && strcmp(v->phases[last[g]].group, v->phases[p].group) != 0)
            g++;
        last[g] = p;
        if (g == n)
            n++;
    }
    return n;
}

/* The row of the seed's benchmark a workload mirrors: its fewest threads measured. */
static bool headline_row(const struct hp_view_row *row, const struct hp_view_row *previous)
{
    if (!row->plan || (previous && strcmp(previous->workload, row->workload) == 0))
        return false;
    const struct hp_workload *w = hp_workload_find(row->workload);
    return w && w->headline;
}

/* With Gin measured on a headline row (an external peer, results v4), a "gin (Go)" column and
 * in each group's cell the ratio step/Gin with its bootstrap interval, as the phase table's
 * "vs gin" line; without it no column (the report says once why there is none). */
static int add_headline(struct hp_doc *doc, struct hp_phase_view *v, struct hp_error *err)
{
    size_t last[HP_VIEW_PHASES_MAX];
    size_t groups = group_heads(v, last);
    size_t rows = 0;
    bool gin = false;
    for (size_t r = 0; r < v->row_count; r++) {
        bool headline = headline_row(&v->rows[r], r ? &v->rows[r - 1] : NULL);
        rows += headline;
        gin |= headline && reference_peer(v, &v->rows[r]);
    }
    if (groups == 0 || rows == 0)
        return 0;
    hp_doc_heading(doc, 2, "Headline");
    struct hp_text *legend = hp_doc_paragraph(doc);
    hp_text_add(legend, "The seed's benchmarks per phase of its plan (a group of steps), each "
                        "from the group's last step:");
    for (size_t g = 0; g < groups; g++)
        hp_text_add(legend, "%s %s = step %s", g ? "," : "", v->phases[last[g]].group,
                    v->phases[last[g]].name);
    hp_text_add(legend, ". ns/op: median [95%% confidence interval].");
    if (gin)
        hp_text_add(legend, " " HP_VIEW_REFERENCE_PEER " (Go): the same workload in Gin, measured "
                            "in the same rounds; \"vs " HP_VIEW_REFERENCE_PEER "\": the step's "
                            "median / Gin's with its 95%% bootstrap interval (below 1: the step "
                            "is faster).");
    struct hp_table *t = hp_doc_table(doc);
    hp_table_column(t, "benchmark", "benchmark", 0);
    for (size_t g = 0; g < groups; g++)
        hp_table_column(t, v->phases[last[g]].group, v->phases[last[g]].group, HP_COLUMN_NUMERIC);
    if (gin)
        hp_table_column(t, HP_VIEW_REFERENCE_PEER " (Go)", HP_VIEW_REFERENCE_PEER,
                        HP_COLUMN_NUMERIC);
    for (size_t r = 0; r < v->row_count; r++) {
        const struct hp_view_row *row = &v->rows[r];
        if (!headline_row(row, r ? &v->rows[r - 1] : NULL))
            continue;
        const struct hp_result_case *peer = reference_peer(v, row);
        char label[160];
        hp_view_row_label(row, label, sizeof label);
        hp_table_row(t);
        hp_table_text(t, "%s (%s)", hp_workload_find(row->workload)->headline, label);
        for (size_t g = 0; g < groups; g++) {
            const struct hp_result_case *c = hp_view_cell(v, row, last[g]);
            char ns[160], vs_gin[96] = "";
            if (!c) {
                hp_table_text(t, "not measured");
                continue;
            }
            format_cell_ns(ns, sizeof ns, c);
            if (peer) {
                struct hp_case_comparison cmp;
                if (compare(v, peer, c, &cmp, err) != 0)
                    return -1;
                format_ratio(vs_gin, sizeof vs_gin, &cmp);
            }
            hp_table_number(t, c->summary.median, "%s%s%s", ns,
                            peer ? "\nvs " HP_VIEW_REFERENCE_PEER " " : "", vs_gin);
        }
        if (!gin)
            continue;
        char ns[160];
        if (!peer) {
            hp_table_text(t, "not measured");
            continue;
        }
        format_cell_ns(ns, sizeof ns, peer);
        hp_table_number(t, peer->summary.median, "%s", ns);
    }
    return 0;
}

/* ---- phase table ------------------------------------------------------------------------ */

/* The lines of a cell: ns/op, the change against the step's base, against the first phase,
 * allocs/op ("-" where there is nothing to say), and with a Gin column the ratio to Gin. */
static int add_phase_cell(struct hp_table *t, struct hp_phase_view *v,
                          const struct hp_view_row *row, size_t p, struct hp_error *err)
{
    const struct hp_result_case *c = hp_view_cell(v, row, p);
    const struct hp_result_case *gin = reference_peer(v, row);
    if (!c) {
        hp_table_text(t, "not measured\n-\n-\n-%s", gin ? "\n-" : "");
        return 0;
    }
    char ns[160], vs_base[96] = "-", vs_first[96] = "-", allocs[64], vs_gin[96] = "";
    format_cell_ns(ns, sizeof ns, c);
    format_count(allocs, sizeof allocs, c->allocs_per_op);
    int b = v->phases[p].base;
    const struct hp_result_case *base = b >= 0 ? hp_view_cell(v, row, (size_t)b) : NULL;
    const struct hp_result_case *first = row->cell[0];
    struct hp_case_comparison cmp;
    if (base) {
        if (compare(v, base, c, &cmp, err) != 0)
            return -1;
        format_change(vs_base, sizeof vs_base, &cmp);
    }
    if (first && first != c && first != base) {
        if (compare(v, first, c, &cmp, err) != 0)
            return -1;
        format_change(vs_first, sizeof vs_first, &cmp);
    } else if (first && first == base) {
        snprintf(vs_first, sizeof vs_first, "%s", vs_base);
    }
    if (gin) {
        if (compare(v, gin, c, &cmp, err) != 0)
            return -1;
        format_ratio(vs_gin, sizeof vs_gin, &cmp);
    }
    hp_table_number(t, c->summary.median, "%s\n%s\n%s\n%s%s%s", ns, vs_base, vs_first, allocs,
                    gin ? "\n" : "", vs_gin);
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
    for (size_t k = 0; k < v->column_count; k++) {
        char title[2 * HP_VIEW_PHASES_MAX + 160];
        phase_title(&v->phases[v->columns[k]], title, sizeof title);
        hp_table_column(t, title, v->phases[v->columns[k]].name, 0);
    }
    for (size_t p = 0; p < v->peer_count; p++) {
        char title[64];
        snprintf(title, sizeof title, "%s (Go)", v->peers[p]);
        hp_table_column(t, title, v->peers[p], 0);
    }
    for (size_t r = 0; r < v->row_count; r++) {
        const struct hp_view_row *row = &v->rows[r];
        if (!row->plan)
            continue;
        char label[160];
        bool vs_line = reference_peer(v, row) != NULL;
        hp_view_row_label(row, label, sizeof label);
        hp_table_row(t);
        hp_table_text(t, "%s\n  vs its base\n  vs %s\n  allocs/op%s", label, v->phases[0].name,
                      vs_line ? "\n  vs " HP_VIEW_REFERENCE_PEER " (ratio)" : "");
        for (size_t k = 0; k < v->column_count; k++)
            if (add_phase_cell(t, v, row, v->columns[k], err) != 0)
                return -1;
        for (size_t p = 0; p < v->peer_count; p++)
            add_peer_cell(t, row, p, vs_line);
    }
    return 0;
}

/* ---- claims table ----------------------------------------------------------------------- */

/* Counts are exact, so these are decided with a tolerance for rounding only. */
static const double count_tolerance = 0.005;

/* hp_phase_has_tier for a phase as the results record it. */
static bool phase_has_tier(const struct hp_view_phase *p, const struct hp_claim_judgment *j)
{
    const char *impl;
    int axis = hp_judgment_when(j, &impl);
    if (!j->when)
        return true;
    return axis >= 0 && p->impl[axis] && strcmp(p->impl[axis], impl) == 0;
}

static bool threads_allowed(const struct hp_claim_judgment *j, unsigned threads)
{
    return (!j->min_threads || threads >= j->min_threads) &&
           (!j->max_threads || threads <= j->max_threads);
}

/* An exact figure of a case (counts, bytes, a workload metric, a p99), NAN when absent. */
static double exact_value(const struct hp_claim_judgment *j, const struct hp_phase_view *v,
                          const struct hp_view_row *row, size_t p)
{
    const struct hp_result_case *c = hp_view_cell(v, row, p);
    switch (j->metric) {
    case HP_JUDGED_ALLOCS_PER_OP:
        return c ? c->allocs_per_op : NAN;
    case HP_JUDGED_BYTES_PER_OP:
        return c ? c->bytes_per_op : NAN;
    case HP_JUDGED_PEAK_BYTES: {
        const struct hp_result_metric *m =
            c ? hp_result_case_metric(c, hp_judged_metric_source(j->metric)) : NULL;
        return m ? m->value : NAN;
    }
    case HP_JUDGED_P99_NS: {
        const struct hp_result_case *l = view_latency(v, row, p);
        return l && l->has_latency ? l->latency.p99_ns : NAN;
    }
    default:
        return NAN;
    }
}

struct judged {
    char measured[256];
    const char *verdict;
};

/* A change judged on ns/op: the bootstrap interval of the ratio, as a saving. */
static int judge_ns_change(struct hp_phase_view *v, const struct hp_claim_judgment *j,
                           const struct hp_result_case *old, const struct hp_result_case *cur,
                           struct judged *out, struct hp_error *err)
{
    struct hp_case_comparison cmp;
    if (compare(v, old, cur, &cmp, err) != 0)
        return -1;
    if (cmp.change == HP_CHANGE_TOO_FEW_SAMPLES) {
        snprintf(out->measured, sizeof out->measured, "-");
        out->verdict = "too few samples";
        return 0;
    }
    enum hp_direction direction = cmp.change == HP_CHANGE_FASTER   ? HP_DIRECTION_BETTER
                                  : cmp.change == HP_CHANGE_SLOWER ? HP_DIRECTION_WORSE
                                                                   : HP_DIRECTION_NONE;
    double low, high;
    char a[32], b[32];
    format_ns(a, sizeof a, cmp.old_median);
    format_ns(b, sizeof b, cmp.new_median);
    if (j->figure == HP_FIGURE_SAVED_FRACTION) {
        low = 1 - cmp.ratio_high, high = 1 - cmp.ratio_low;
        snprintf(out->measured, sizeof out->measured,
                 "%s -> %s ns/op: saved %.1f%% [%.1f%%, %.1f%%]", a, b, 100 * (1 - cmp.ratio),
                 100 * low, 100 * high);
    } else if (j->figure == HP_FIGURE_AT_MOST_AFTER) {
        low = cur->summary.ci_low, high = cur->summary.ci_high;
        snprintf(out->measured, sizeof out->measured, "%s -> %s ns/op [%.4g, %.4g]", a, b, low,
                 high);
    } else {
        double old_ns = cmp.old_median;
        low = old_ns * (1 - cmp.ratio_high), high = old_ns * (1 - cmp.ratio_low);
        snprintf(out->measured, sizeof out->measured, "%s -> %s ns/op: saved %.1f ns [%.1f, %.1f]",
                 a, b, old_ns * (1 - cmp.ratio), low, high);
    }
    out->verdict = hp_verdict_name(hp_judge(j, direction, low, high));
    return 0;
}

/* A change judged on an exact figure: the interval is a point. */
static void judge_exact_change(const struct hp_claim_judgment *j, double old_v, double new_v,
                               struct judged *out)
{
    char a[32], b[32];
    format_count(a, sizeof a, old_v);
    format_count(b, sizeof b, new_v);
    const char *unit = hp_judged_metric_name(j->metric);
    if (isnan(old_v) || isnan(new_v)) {
        snprintf(out->measured, sizeof out->measured, "%s %s -> %s", unit, a, b);
        out->verdict = "not measured";
        return;
    }
    double tolerance = j->metric == HP_JUDGED_ALLOCS_PER_OP ? count_tolerance : 0.5;
    double diff = old_v - new_v;
    enum hp_direction direction = diff > tolerance    ? HP_DIRECTION_BETTER
                                  : diff < -tolerance ? HP_DIRECTION_WORSE
                                                      : HP_DIRECTION_NONE;
    double point = diff;
    if (j->figure == HP_FIGURE_SAVED_FRACTION) {
        point = old_v > 0 ? diff / old_v : 0;
        snprintf(out->measured, sizeof out->measured, "%s %s -> %s: saved %.1f%%", unit, a, b,
                 100 * point);
    } else if (j->figure == HP_FIGURE_AT_MOST_AFTER) {
        point = new_v;
        snprintf(out->measured, sizeof out->measured, "%s %s -> %s", unit, a, b);
    } else {
        char d[32];
        format_count(d, sizeof d, diff);
        snprintf(out->measured, sizeof out->measured, "%s %s -> %s: saved %s", unit, a, b, d);
    }
    out->verdict = hp_verdict_name(hp_judge(j, direction, point, point));
}

/* A target: the level measured on the step, with its interval where it has one. */
static void judge_target(const struct hp_claim_judgment *j, const struct hp_phase_view *v,
                         const struct hp_view_row *row, size_t p, struct judged *out)
{
    const struct hp_result_case *c = hp_view_cell(v, row, p);
    double low, high;
    if (j->metric == HP_JUDGED_NS_PER_OP) {
        low = c->summary.ci_low, high = c->summary.ci_high;
        format_cell_ns(out->measured, sizeof out->measured, c);
    } else if (j->metric == HP_JUDGED_REQ_PER_S) {
        low = 1e9 / c->summary.ci_high, high = 1e9 / c->summary.ci_low;
        snprintf(out->measured, sizeof out->measured, "%.4g req/s [%.4g, %.4g]",
                 1e9 / c->summary.median, low, high);
    } else {
        low = high = exact_value(j, v, row, p);
        char a[32];
        format_count(a, sizeof a, low);
        snprintf(out->measured, sizeof out->measured, "%s %s", a, hp_judged_metric_name(j->metric));
    }
    out->verdict =
        isnan(low) ? "not measured" : hp_verdict_name(hp_judge(j, HP_DIRECTION_NONE, low, high));
}

static void add_shown_metric(const struct hp_claim_judgment *j, const struct hp_result_case *c,
                             struct judged *out)
{
    if (!j->shown_metric)
        return;
    const struct hp_result_metric *m = hp_result_case_metric(c, j->shown_metric);
    size_t used = strlen(out->measured);
    if (m)
        snprintf(out->measured + used, sizeof out->measured - used, "; %s %.3g (claimed %g)",
                 j->shown_metric, m->value, j->shown_claimed);
}

static void claim_cells(struct hp_table *t, const struct hp_claim *c,
                        const struct hp_claim_judgment *j, const struct hp_view_phase *phase,
                        const struct hp_phase_view *v)
{
    char figure[160];
    hp_judgment_describe(j, figure, sizeof figure);
    hp_table_row(t);
    hp_table_text(t, "%s", c->id);
    if (j->label)
        hp_table_text(t, "%s: %s", c->technique, j->label);
    else
        hp_table_text(t, "%s", c->technique);
    hp_table_text(t, "%s, %s", hp_claim_type_name(c->type), hp_claim_scope_name(c->scope));
    hp_table_text(t, "%s (%s)", figure, c->claimed);
    if (phase->base >= 0 && c->type == HP_CLAIM_CHANGE)
        hp_table_text(t, "%s vs %s", phase->name, v->phases[phase->base].name);
    else
        hp_table_text(t, "%s", phase->name);
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

/* The rows of claim c named by phase p: per judgment, workload and thread count. */
static int add_claim_rows(struct hp_table *t, struct hp_phase_view *v, const struct hp_results *r,
                          size_t p, const struct hp_claim *c, struct hp_error *err)
{
    const struct hp_view_phase *phase = &v->phases[p];
    bool change = c->type == HP_CLAIM_CHANGE;
    for (size_t k = 0; k < hp_claim_judgment_count(c); k++) {
        const struct hp_claim_judgment *j = &c->judgments[k];
        if (!change && !phase_has_tier(phase, j))
            continue;
        size_t rows = 0;
        for (size_t k_row = 0; k_row < v->row_count; k_row++) {
            const struct hp_view_row *row = &v->rows[k_row];
            if (fnmatch(j->workloads, row->workload, 0) != 0 || !threads_allowed(j, row->threads))
                continue;
            /* A p99 is judged on the latency case (a latency-only workload has no other). */
            const struct hp_result_case *(*cell)(const struct hp_phase_view *,
                                                 const struct hp_view_row *, size_t) =
                j->metric == HP_JUDGED_P99_NS ? view_latency : hp_view_cell;
            const struct hp_result_case *cur = cell(v, row, p);
            const struct hp_result_case *old =
                phase->base >= 0 ? cell(v, row, (size_t)phase->base) : NULL;
            if (!cur || (change && !old))
                continue;
            struct judged out = {.verdict = "not measured"};
            if (!change)
                judge_target(j, v, row, p, &out);
            else if (j->metric == HP_JUDGED_NS_PER_OP) {
                if (judge_ns_change(v, j, old, cur, &out, err) != 0)
                    return -1;
            } else
                judge_exact_change(j, exact_value(j, v, row, (size_t)phase->base),
                                   exact_value(j, v, row, p), &out);
            add_shown_metric(j, cur, &out);
            /* The twin is compared with the step's change in ns/op, whatever the claim's metric. */
            struct hp_case_comparison step;
            if (change && compare(v, old, cur, &step, err) != 0)
                return -1;
            char twin[200] = "", agreement[96] = "";
            if (any_twins(r) && format_twin(twin, sizeof twin, agreement, sizeof agreement, v, r, c,
                                            change ? &step : NULL, err) != 0)
                return -1;
            char label[160];
            hp_view_row_label(row, label, sizeof label);
            claim_cells(t, c, j, phase, v);
            hp_table_text(t, "%s", label);
            hp_table_text(t, "%s", out.measured);
            hp_table_text(t, "%s", out.verdict);
            if (any_twins(r)) {
                hp_table_text(t, "%s", twin);
                hp_table_text(t, "%s", agreement);
            }
            rows++;
        }
        if (rows == 0) {
            claim_cells(t, c, j, phase, v);
            hp_table_text(t, "%s", j->workloads);
            hp_table_text(t, "-");
            hp_table_text(t, "not measured (no case of these workloads on %s%s)",
                          change && phase->base >= 0 ? "the step and its base" : "the step",
                          change && phase->base < 0 ? ": the step has no base" : "");
            if (any_twins(r)) {
                char twin[200], agreement[96];
                if (format_twin(twin, sizeof twin, agreement, sizeof agreement, v, r, c, NULL,
                                err) != 0)
                    return -1;
                hp_table_text(t, "%s", twin);
                hp_table_text(t, "%s", agreement);
            }
        }
    }
    return 0;
}

static bool any_claims(const struct hp_phase_view *v)
{
    for (size_t p = 0; p < v->phase_count; p++)
        if (v->phases[p].claim_count)
            return true;
    return false;
}

static int add_claims_table(struct hp_doc *doc, struct hp_phase_view *v, const struct hp_results *r,
                            struct hp_error *err)
{
    hp_doc_heading(doc, 2, "Claims");
    struct hp_text *legend = hp_doc_paragraph(doc);
    hp_text_add(legend, "Each claim (the claims catalogue: ");
    hp_text_code(legend, "hotpath list --claims");
    hp_text_add(legend, ") judged on its own workloads and metric, from the step that names it. "
                        "A change claim: the change measured between the step and its base, "
                        "as the interval of what it saved (ns/op: from the 95%% interval of "
                        "new/old; counts and bytes are exact). Verdicts: ");
    hp_text_em(legend, "confirmed");
    hp_text_add(legend, " (the interval overlaps the claimed range, edges included), ");
    hp_text_em(legend, "smaller than claimed");
    hp_text_add(legend, " (better, but wholly below it), ");
    hp_text_em(legend, "larger than claimed");
    hp_text_add(legend, " (wholly beyond it: check that the reference does no more work than "
                        "the system it models), ");
    hp_text_em(legend, "no effect");
    hp_text_add(legend, " (no significant change), ");
    hp_text_em(legend, "made it worse");
    hp_text_add(legend, ". A target claim: the level measured on the step, ");
    hp_text_em(legend, "meets");
    hp_text_add(legend, " when its interval reaches the claimed level, else ");
    hp_text_em(legend, "misses");
    hp_text_add(legend, ".");
    if (any_twins(r))
        hp_doc_para(doc, "Go twin: the same single decision made in Go (peers/twins.go), "
                         "measured in the same rounds; where its change and the C step's "
                         "(in ns/op, between the step and its base) differ by more than 2x "
                         "either way (or go opposite ways), the row says so.");
    struct hp_table *t = hp_doc_table(doc);
    static const char *const columns[][2] = {
        {"claim", "claim"},       {"technique", "technique"},
        {"kind", "kind"},         {"judged as (the seed's claim)", "claimed"},
        {"step", "step"},         {"workload", "workload"},
        {"measured", "measured"}, {"verdict", "verdict"},
    };
    for (size_t c = 0; c < sizeof columns / sizeof columns[0]; c++)
        hp_table_column(t, columns[c][0], columns[c][1], 0);
    if (any_twins(r)) {
        hp_table_column(t, "the Go twin's change (reference -> improved)", "go_twin", 0);
        hp_table_column(t, "C vs Go", "c_vs_go", 0);
    }
    for (size_t p = 0; p < v->phase_count; p++)
        for (size_t k = 0; k < v->phases[p].claim_count; k++)
            if (add_claim_rows(t, v, r, p, v->phases[p].claims[k], err) != 0)
                return -1;
    return 0;
}

/* ---- fidelity --------------------------------------------------------------------------- */

/* Why a step's gain is bounded as it is: the declaration of the side whose reference is the
 * other, else both sides' own. */
static void bound_reason(const struct hp_impl_info *from, const struct hp_impl_info *to, char *out,
                         size_t size)
{
    if (to->reference && strcmp(to->reference, from->name) == 0)
        snprintf(out, size, "%s", to->bound_reason);
    else if (from->reference && strcmp(from->reference, to->name) == 0)
        snprintf(out, size, "%s", from->bound_reason);
    else
        snprintf(out, size, "%s: %s; %s: %s", from->name, from->bound_reason, to->name,
                 to->bound_reason);
}

static void add_fidelity(struct hp_doc *doc, const struct hp_phase_view *v)
{
    bool any = false;
    for (size_t p = 0; p < v->phase_count; p++)
        any |= v->phases[p].base >= 0;
    if (!any)
        return;
    hp_doc_heading(doc, 2, "Fidelity");
    hp_doc_para(doc, "Per step: what the implementations on each side model, and what the "
                     "measured gain is for the systems they model: like-for-like, a lower bound "
                     "(they would gain more) or an upper bound (they would gain less). Taken "
                     "from the implementations' own declarations (`hotpath list`).");
    struct hp_table *t = hp_doc_table(doc);
    static const char *const columns[][2] = {
        {"step", "step"},
        {"change", "change"},
        {"the step models", "models"},
        {"its base models", "base_models"},
        {"the gain is", "bound"},
    };
    for (size_t c = 0; c < sizeof columns / sizeof columns[0]; c++)
        hp_table_column(t, columns[c][0], columns[c][1], 0);
    for (size_t p = 0; p < v->phase_count; p++) {
        const struct hp_view_phase *phase = &v->phases[p];
        if (phase->base < 0)
            continue;
        const struct hp_view_phase *base = &v->phases[phase->base];
        if (phase->measuring) {
            hp_table_row(t);
            hp_table_text(t, "%s", phase->name);
            hp_table_text(t, "none: measures %s's composition", base->name);
            hp_table_text(t, "-");
            hp_table_text(t, "-");
            hp_table_text(t, "a level, not a gain");
            continue;
        }
        for (int axis = 0; axis < HP_AXIS_COUNT; axis++) {
            if (same_name(phase->impl[axis], base->impl[axis]))
                continue;
            const struct hp_impl_info *from =
                base->impl[axis] ? hp_impl_find(axis, base->impl[axis]) : NULL;
            const struct hp_impl_info *to =
                phase->impl[axis] ? hp_impl_find(axis, phase->impl[axis]) : NULL;
            hp_table_row(t);
            hp_table_text(t, "%s", phase->name);
            hp_table_text(t, "%s: %s -> %s", hp_axis_get(axis)->name,
                          base->impl[axis] ? base->impl[axis] : "none",
                          phase->impl[axis] ? phase->impl[axis] : "none");
            hp_table_text(t, "%s", to ? to->models : "(not in this build)");
            hp_table_text(t, "%s", from ? from->models : "(not in this build)");
            if (from && to) {
                char why[1024];
                bound_reason(from, to, why, sizeof why);
                hp_table_text(t, "%s (%s)", hp_gain_bound_name(hp_step_bound(axis, from, to)), why);
            } else {
                hp_table_text(t, "undeclared");
            }
        }
    }
}

/* ---- the document ----------------------------------------------------------------------- */

static void add_phase_list(struct hp_doc *doc, const struct hp_phase_view *v)
{
    hp_doc_list(doc);
    for (size_t p = 0; p < v->phase_count; p++) {
        const struct hp_view_phase *phase = &v->phases[p];
        struct hp_text *item = hp_doc_item(doc);
        hp_text_strong(item, "%s", phase->name);
        if (*phase->group)
            hp_text_add(item, " [%s]", phase->group);
        if (phase->base >= 0)
            hp_text_add(item, " (on %s)", v->phases[phase->base].name);
        if (*phase->summary)
            hp_text_add(item, ": %s", phase->summary);
        if (phase->claim_count) {
            hp_text_add(item, " (claim");
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
    if (add_headline(doc, v, err) != 0)
        return -1;
    hp_doc_heading(doc, 2, "Steps");
    hp_doc_para(doc, "ns/op: median [95%% confidence interval]; changes: new/old - 1 with its "
                     "95%% interval, or \"no significant change\" when the interval includes "
                     "zero or the rank test does not reject; allocs/op exact. Each step is "
                     "compared with its base; measuring steps (no change) and side steps (outside "
                     "every group) have no column: the claims table judges them.");
    if (v->peer_count)
        hp_doc_para(doc, "Peer columns: the same workload in Go, measured in the same rounds by "
                         "an external case (docs/external-cases.md); \"vs " HP_VIEW_REFERENCE_PEER
                         "\": the step's median / Gin's, with its 95%% bootstrap interval "
                         "(below 1: the step is faster). Go's allocs/op are its runtime's "
                         "(runtime.MemStats), hotpath's are malloc calls.");
    if (add_phase_table(doc, v, err) != 0)
        return -1;
    if (any_claims(v) && add_claims_table(doc, v, r, err) != 0)
        return -1;
    add_fidelity(doc, v);
    return 0;
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
