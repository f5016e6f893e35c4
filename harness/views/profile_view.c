/* Function tables and per-function changes of profiles (profile_view.h). */
#include "profile_view.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The sum of a cost vector's events by name; NAN when the profile lacks one. */
static double event_sum(const struct hp_profile *p, const double *cost, const char *const *names,
                        size_t count)
{
    double sum = 0;
    for (size_t i = 0; i < count; i++) {
        int e = hp_profile_event(p, names[i]);
        if (e < 0)
            return NAN;
        sum += cost[e];
    }
    return sum;
}

static const char *const l1_misses[] = {"I1mr", "D1mr", "D1mw"};
static const char *const ll_misses[] = {"ILmr", "DLmr", "DLmw"};
static const char *const mispredicts[] = {"Bcm", "Bim"};

/* The simulated columns of a cost: L1 misses, LL misses, mispredicted branches, est. cycles. */
static void simulated(const struct hp_profile *p, const double *cost, double out[4])
{
    out[0] = event_sum(p, cost, l1_misses, 3);
    out[1] = event_sum(p, cost, ll_misses, 3);
    out[2] = event_sum(p, cost, mispredicts, 2);
    out[3] = hp_profile_estimated_cycles(p, cost);
}

static void number(struct hp_table *t, double v, int decimals)
{
    if (isnan(v))
        hp_table_number(t, v, "-");
    else
        hp_table_number(t, v, "%.*f", decimals, v);
}

static void case_columns(struct hp_table *t, const struct hp_profile *p, bool simulation)
{
    char title[64];
    hp_table_column(t, "function", "function", HP_COLUMN_CODE);
    snprintf(title, sizeof title, "self %s/op", p->events[0]);
    hp_table_column(t, title, "self_per_op", HP_COLUMN_RIGHT | HP_COLUMN_NUMERIC);
    hp_table_column(t, "self %", "self_share", HP_COLUMN_RIGHT | HP_COLUMN_NUMERIC);
    snprintf(title, sizeof title, "inclusive %s/op", p->events[0]);
    hp_table_column(t, title, "inclusive_per_op", HP_COLUMN_RIGHT | HP_COLUMN_NUMERIC);
    hp_table_column(t, "inclusive %", "inclusive_share", HP_COLUMN_RIGHT | HP_COLUMN_NUMERIC);
    if (p->calls_known)
        hp_table_column(t, "calls/op", "calls_per_op", HP_COLUMN_RIGHT | HP_COLUMN_NUMERIC);
    if (!simulation)
        return;
    hp_table_column(t, "L1 misses/op", "l1_misses_per_op", HP_COLUMN_RIGHT | HP_COLUMN_NUMERIC);
    hp_table_column(t, "LL misses/op", "ll_misses_per_op", HP_COLUMN_RIGHT | HP_COLUMN_NUMERIC);
    hp_table_column(t, "mispredicts/op", "mispredicts_per_op", HP_COLUMN_RIGHT | HP_COLUMN_NUMERIC);
    hp_table_column(t, "est. cycles/op (self)", "estimated_cycles_per_op",
                    HP_COLUMN_RIGHT | HP_COLUMN_NUMERIC);
}

void hp_profile_doc_case(struct hp_doc *doc, const struct hp_profile *p, size_t top)
{
    hp_doc_heading(doc, 3, "%s", p->case_name);
    double total = p->total[0], sim[4];
    simulated(p, p->total, sim);
    bool simulation = !isnan(sim[0]) || !isnan(sim[2]);
    struct hp_text *para = hp_doc_paragraph(doc);
    hp_text_add(para, "%.1f %s per op over %.0f ops (source: %s", total, p->events[0], p->ops,
                p->source);
    if (p->samples > 0)
        hp_text_add(para, ", %.0f samples", p->samples);
    hp_text_add(para, ")");
    if (!isnan(sim[0]))
        hp_text_add(para, "; %.3f L1 and %.3f LL misses per op", sim[0], sim[1]);
    if (!isnan(sim[2]))
        hp_text_add(para, "; %.3f mispredicted branches per op", sim[2]);
    if (!isnan(sim[3]))
        hp_text_add(para,
                    "; an estimated %.1f cycles per op (an estimate from the cache "
                    "simulation: L1 hits + 5 x LL hits + 35 x RAM hits, see "
                    "docs/profiling.md)",
                    sim[3]);
    hp_text_add(para, ".");
    struct hp_table *t = hp_doc_table(doc);
    case_columns(t, p, simulation);
    for (size_t i = 0; i < p->function_count && i < top; i++) {
        const struct hp_profile_function *f = &p->functions[i];
        hp_table_row(t);
        hp_table_text(t, "%s", f->name);
        number(t, f->self[0], 1);
        number(t, total > 0 ? 100 * f->self[0] / total : NAN, 1);
        number(t, f->inclusive[0], 1);
        number(t, total > 0 ? 100 * f->inclusive[0] / total : NAN, 1);
        if (p->calls_known)
            number(t, f->calls, f->calls < 0.1 && f->calls > 0 ? 4 : 2);
        if (!simulation)
            continue;
        simulated(p, f->self, sim);
        for (size_t k = 0; k < 4; k++)
            number(t, sim[k], k == 3 ? 1 : 3);
    }
}

/* ---- changes ---- */

static int add_side(struct hp_profile_change **changes, size_t *count, size_t *capacity,
                    const struct hp_profile *p, bool is_new)
{
    for (size_t i = 0; i < p->function_count; i++) {
        const struct hp_profile_function *f = &p->functions[i];
        size_t at = 0;
        while (at < *count && strcmp((*changes)[at].name, f->name) != 0)
            at++;
        if (at == *count) {
            if (*count == *capacity) {
                size_t next = *capacity ? *capacity * 2 : 64;
                struct hp_profile_change *more = realloc(*changes, next * sizeof *more);
                if (!more)
                    return -1;
                *changes = more;
                *capacity = next;
            }
            memset(&(*changes)[at], 0, sizeof **changes);
            (*changes)[at].name = f->name;
            (*count)++;
        }
        struct hp_profile_change *c = &(*changes)[at];
        memcpy(is_new ? c->new_self : c->old_self, f->self, sizeof f->self);
        *(is_new ? &c->new_inclusive : &c->old_inclusive) = f->inclusive[0];
    }
    return 0;
}

static int by_effect(const void *a, const void *b)
{
    const struct hp_profile_change *x = a, *y = b;
    double dx = fabs(x->new_self[0] - x->old_self[0]), dy = fabs(y->new_self[0] - y->old_self[0]);
    if (dx != dy)
        return dx < dy ? 1 : -1;
    return strcmp(x->name, y->name);
}

int hp_profile_diff(const struct hp_profile *old, const struct hp_profile *new_,
                    struct hp_profile_change **changes, size_t *count)
{
    *changes = NULL;
    *count = 0;
    if (old->event_count != new_->event_count)
        return -1;
    for (size_t e = 0; e < old->event_count; e++)
        if (strcmp(old->events[e], new_->events[e]) != 0)
            return -1;
    size_t capacity = 0;
    if (add_side(changes, count, &capacity, old, false) != 0 ||
        add_side(changes, count, &capacity, new_, true) != 0) {
        free(*changes);
        *changes = NULL;
        return -1;
    }
    size_t kept = 0;
    for (size_t i = 0; i < *count; i++) {
        bool moved = false;
        for (size_t e = 0; e < old->event_count; e++)
            moved |= (*changes)[i].new_self[e] != (*changes)[i].old_self[e];
        if (moved)
            (*changes)[kept++] = (*changes)[i];
    }
    *count = kept;
    qsort(*changes, *count, sizeof **changes, by_effect);
    return 0;
}

static void diff_columns(struct hp_table *t, const struct hp_profile *p, bool misses)
{
    char title[64];
    hp_table_column(t, "function", "function", HP_COLUMN_CODE);
    snprintf(title, sizeof title, "self %s/op old", p->events[0]);
    hp_table_column(t, title, "old_self_per_op", HP_COLUMN_RIGHT | HP_COLUMN_NUMERIC);
    hp_table_column(t, "new", "new_self_per_op", HP_COLUMN_RIGHT | HP_COLUMN_NUMERIC);
    hp_table_column(t, "change", "change_per_op", HP_COLUMN_RIGHT | HP_COLUMN_NUMERIC);
    hp_table_column(t, "share of the change", "change_share", HP_COLUMN_RIGHT | HP_COLUMN_NUMERIC);
    hp_table_column(t, "inclusive change", "inclusive_change_per_op",
                    HP_COLUMN_RIGHT | HP_COLUMN_NUMERIC);
    if (misses) {
        hp_table_column(t, "L1 misses change", "l1_misses_change_per_op",
                        HP_COLUMN_RIGHT | HP_COLUMN_NUMERIC);
        hp_table_column(t, "LL misses change", "ll_misses_change_per_op",
                        HP_COLUMN_RIGHT | HP_COLUMN_NUMERIC);
    }
}

static void diff_row(struct hp_table *t, const struct hp_profile *p,
                     const struct hp_profile_change *c, double total_change, bool misses)
{
    double change = c->new_self[0] - c->old_self[0];
    hp_table_row(t);
    hp_table_text(t, "%s", c->name);
    number(t, c->old_self[0], 1);
    number(t, c->new_self[0], 1);
    hp_table_number(t, change, "%+.1f", change);
    number(t, total_change != 0 ? 100 * change / total_change : NAN, 1);
    hp_table_number(t, c->new_inclusive - c->old_inclusive, "%+.1f",
                    c->new_inclusive - c->old_inclusive);
    if (misses) {
        double d =
            event_sum(p, c->new_self, l1_misses, 3) - event_sum(p, c->old_self, l1_misses, 3);
        hp_table_number(t, d, "%+.3f", d);
        d = event_sum(p, c->new_self, ll_misses, 3) - event_sum(p, c->old_self, ll_misses, 3);
        hp_table_number(t, d, "%+.3f", d);
    }
}

void hp_profile_doc_diff(struct hp_doc *doc, const char *title, const struct hp_profile *old,
                         const struct hp_profile *new_, size_t top)
{
    hp_doc_heading(doc, 3, "%s", title);
    struct hp_profile_change *changes;
    size_t count;
    if (hp_profile_diff(old, new_, &changes, &count) != 0) {
        hp_text_add(hp_doc_warning(doc, NULL),
                    "not comparable: the two profiles count different events (one with "
                    "--cache-sim, one without?)");
        return;
    }
    double total_change = new_->total[0] - old->total[0], sum = 0;
    hp_doc_para(doc, "%.1f -> %.1f %s per op (%+.1f, %+.2f%%); %zu function%s changed.",
                old->total[0], new_->total[0], new_->events[0], total_change,
                old->total[0] > 0 ? 100 * total_change / old->total[0] : 0.0, count,
                count == 1 ? "" : "s");
    if (count == 0) {
        free(changes);
        return;
    }
    bool misses = !isnan(event_sum(new_, new_->total, l1_misses, 3));
    struct hp_table *t = hp_doc_table(doc);
    diff_columns(t, new_, misses);
    for (size_t i = 0; i < count; i++) {
        sum += changes[i].new_self[0] - changes[i].old_self[0];
        if (i < top)
            diff_row(t, new_, &changes[i], total_change, misses);
    }
    hp_table_row(t);
    hp_table_text(t, "(all %zu functions)", count);
    hp_table_text(t, "%s", "");
    hp_table_text(t, "%s", "");
    hp_table_number(t, sum, "%+.1f", sum);
    number(t, total_change != 0 ? 100 * sum / total_change : NAN, 1);
    hp_table_text(t, "%s", "");
    for (size_t k = 0; misses && k < 2; k++)
        hp_table_text(t, "%s", "");
    free(changes);
}
