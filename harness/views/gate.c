/* The gate's decision, case by case (gate.h). */
#include "gate.h"

#include <math.h>
#include <stdio.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "results_fields.h"

/* ---- evaluation ------------------------------------------------------------------------- */

const char *hp_gate_status_name(enum hp_gate_status s)
{
    switch (s) {
    case HP_GATE_UNCHANGED:
        return "unchanged";
    case HP_GATE_IMPROVED:
        return "improved";
    case HP_GATE_REGRESSED:
        return "REGRESSED";
    case HP_GATE_NEW:
        return "new";
    case HP_GATE_MISSING:
        return "missing";
    case HP_GATE_IGNORED:
        return "ignored";
    case HP_GATE_DRIFTED:
        return "drifted";
    }
    return "?";
}

static void add_why(struct hp_gate_row *row, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void add_why(struct hp_gate_row *row, const char *fmt, ...)
{
    size_t used = strlen(row->why);
    if (used + 3 >= sizeof row->why)
        return;
    if (used > 0) {
        strcpy(row->why + used, "; ");
        used += 2;
    }
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(row->why + used, sizeof row->why - used, fmt, ap);
    va_end(ap);
}

static void add_note(struct hp_gate_result *r, const char *text)
{
    if (r->note_count < sizeof r->notes / sizeof r->notes[0])
        snprintf(r->notes[r->note_count++], sizeof r->notes[0], "%s", text);
}

static bool same_string(const char *a, const char *b)
{
    return a && b && strcmp(a, b) == 0;
}

static bool use_cpu_clock(const struct hp_gate_row *row, enum hp_gate_clock clock)
{
    if (clock == HP_GATE_CLOCK_WALL || !row->old->cpu_ns_per_op || !row->new_->cpu_ns_per_op)
        return false;
    return clock == HP_GATE_CLOCK_CPU || (row->old->threads == 1 && row->new_->threads == 1);
}

/* A shallow copy of c whose ns/op samples are its CPU-time samples. */
static int cpu_view(const struct hp_result_case *c, struct hp_result_case *view)
{
    *view = *c;
    view->ns_per_op = c->cpu_ns_per_op;
    if (c->samples == 0)
        return 0;
    return hp_summarize(view->ns_per_op, view->samples, 0.95, &view->summary);
}

static void gate_time(struct hp_gate_row *row, const struct hp_gate_config *config, bool time_gated,
                      struct hp_error *err, int *failed)
{
    struct hp_compare_options options;
    hp_compare_options_defaults(&options);
    options.level = config->level;
    const struct hp_result_case *old = row->old, *new_ = row->new_;
    struct hp_result_case old_cpu, new_cpu;
    row->cpu_clock = use_cpu_clock(row, config->clock);
    if (row->cpu_clock) {
        if (cpu_view(row->old, &old_cpu) != 0 || cpu_view(row->new_, &new_cpu) != 0) {
            hp_error_set(err, "%s: the CPU-time samples cannot be summarised", row->name);
            *failed = 1;
            return;
        }
        old = &old_cpu;
        new_ = &new_cpu;
    }
    if (hp_compare_cases(old, new_, &options, &row->cmp, err) != 0) {
        *failed = 1;
        return;
    }
    row->has_comparison = true;
    if (!time_gated)
        return;
    if (row->cmp.change == HP_CHANGE_TOO_FEW_SAMPLES) {
        add_why(row, "time not gated: fewer than %d samples", HP_COMPARE_MIN_SAMPLES);
        return;
    }
    double t = row->limits.threshold;
    /* Significant: compare.h's verdict (the rank test below alpha and the ratio interval
     * excluding 1). Large enough: the point estimate beyond the threshold (rule "point"), or
     * the whole interval beyond it (rule "bound", stricter, needs narrower intervals). */
    bool slower_beyond = config->time_rule == HP_GATE_RULE_BOUND ? row->cmp.ratio_low > 1 + t
                                                                 : row->cmp.ratio > 1 + t;
    bool faster_beyond = config->time_rule == HP_GATE_RULE_BOUND ? row->cmp.ratio_high < 1 - t
                                                                 : row->cmp.ratio < 1 - t;
    if (row->cmp.change == HP_CHANGE_SLOWER && slower_beyond) {
        row->time = HP_METRIC_REGRESSED;
        add_why(row, "time x%.3f [%.3f, %.3f] p=%.2g: slower, beyond x%.3f", row->cmp.ratio,
                row->cmp.ratio_low, row->cmp.ratio_high, row->cmp.p_value, 1 + t);
    } else if (row->cmp.change == HP_CHANGE_FASTER && faster_beyond) {
        row->time = HP_METRIC_IMPROVED;
        add_why(row, "time x%.3f [%.3f, %.3f]", row->cmp.ratio, row->cmp.ratio_low,
                row->cmp.ratio_high);
    } else {
        row->time = HP_METRIC_OK;
    }
}

static enum hp_gate_metric_state gate_growth(double old, double new_, double allowed,
                                             double resolution)
{
    if (isnan(old) || isnan(new_))
        return HP_METRIC_NOT_GATED;
    if (new_ - old > allowed + resolution)
        return HP_METRIC_REGRESSED;
    if (old - new_ > resolution)
        return HP_METRIC_IMPROVED;
    return HP_METRIC_OK;
}

static void gate_deterministic(struct hp_gate_row *row)
{
    const struct hp_result_case *o = row->old, *n = row->new_;
    row->allocs = gate_growth(o->allocs_per_op, n->allocs_per_op, row->limits.allocs_budget,
                              HP_GATE_ALLOC_RESOLUTION);
    if (row->allocs == HP_METRIC_REGRESSED)
        add_why(row, "allocs/op %.4g -> %.4g", o->allocs_per_op, n->allocs_per_op);
    row->bytes = gate_growth(
        o->bytes_per_op, n->bytes_per_op, row->limits.bytes_budget,
        fmax(HP_GATE_BYTES_RESOLUTION, 0.01 * (isnan(o->bytes_per_op) ? 0 : o->bytes_per_op)));
    if (row->bytes == HP_METRIC_REGRESSED)
        add_why(row, "B/op %.4g -> %.4g", o->bytes_per_op, n->bytes_per_op);

    row->old_instructions = row->new_instructions = NAN;
    if (!isnan(o->instructions) && !isnan(n->instructions)) {
        if (!same_string(o->instructions_source, n->instructions_source)) {
            add_why(row, "instructions not gated: measured by %s and by %s",
                    o->instructions_source ? o->instructions_source : "?",
                    n->instructions_source ? n->instructions_source : "?");
        } else {
            row->old_instructions = o->instructions;
            row->new_instructions = n->instructions;
            double limit = o->instructions * (1 + row->limits.instructions_tolerance);
            if (n->instructions > limit) {
                row->instructions = HP_METRIC_REGRESSED;
                add_why(row, "instructions/op %.6g -> %.6g (+%.2f%%)", o->instructions,
                        n->instructions, 100 * (n->instructions / o->instructions - 1));
            } else if (n->instructions <
                       o->instructions * (1 - row->limits.instructions_tolerance)) {
                row->instructions = HP_METRIC_IMPROVED;
            } else {
                row->instructions = HP_METRIC_OK;
            }
        }
    }
}

static void settle_status(struct hp_gate_row *row)
{
    enum hp_gate_metric_state m[] = {row->time, row->allocs, row->bytes, row->instructions};
    bool regressed = false, improved = false;
    for (size_t i = 0; i < sizeof m / sizeof m[0]; i++) {
        regressed |= m[i] == HP_METRIC_REGRESSED;
        improved |= m[i] == HP_METRIC_IMPROVED;
    }
    row->status = regressed                        ? HP_GATE_REGRESSED
                  : row->time == HP_METRIC_DRIFTED ? HP_GATE_DRIFTED
                  : improved                       ? HP_GATE_IMPROVED
                                                   : HP_GATE_UNCHANGED;
}

/* The overhead probe's row (batch, one thread) when both runs measured it and its time was
 * compared, else NULL. */
static const struct hp_gate_row *probe_row(const struct hp_gate_result *out)
{
    for (size_t i = 0; i < out->row_count; i++) {
        const struct hp_gate_row *row = &out->rows[i];
        if (row->old && row->new_ && row->has_comparison && row->old->overhead_probe &&
            row->old->threads == 1 && !row->old->latency_mode && !row->old->cold)
            return row;
    }
    return NULL;
}

/* Machine drift (compare.h): a time regression no larger than the machine's own movement is
 * "drifted"; the notes say what moved. */
static void apply_machine_drift(struct hp_gate_result *out, const struct hp_gate_config *config)
{
    const struct hp_gate_row *probe = probe_row(out);
    double t = config->defaults.threshold;
    hp_machine_drift_assess(out->baseline, out->current, probe ? &probe->cmp : NULL, t,
                            &out->drift);
    char what[256], note[sizeof out->notes[0]];
    hp_machine_drift_describe(&out->drift, what, sizeof what);
    if (out->drift.direction == 0) {
        if (probe && out->drift.probe_significant && fabs(out->drift.probe_ratio - 1) > t) {
            snprintf(note, sizeof note,
                     "%s: they did not move together beyond x%.3f, so slower cases are judged "
                     "as the code's",
                     what, 1 + t);
            add_note(out, note);
        }
        return;
    }
    snprintf(note, sizeof note,
             "the machine drifted: %s moved together (x%.3f); a case slower by no more than that "
             "is 'drifted', not a regression of the code",
             what, out->drift.machine_ratio);
    add_note(out, note);
    if (out->drift.direction < 0)
        return; /* a faster machine blames nothing on the code */
    for (size_t i = 0; i < out->row_count; i++) {
        struct hp_gate_row *row = &out->rows[i];
        if (row->time != HP_METRIC_REGRESSED ||
            !hp_machine_drift_explains(&out->drift, row->cmp.ratio, row->limits.threshold))
            continue;
        row->time = HP_METRIC_DRIFTED;
        add_why(row, "within the machine's drift x%.3f", out->drift.machine_ratio);
        if (row->status != HP_GATE_IGNORED)
            settle_status(row);
    }
}

/* Whether times can be gated: the same machine, and not --deterministic; the note says why
 * not. */
static void decide_time_gated(struct hp_gate_result *out, const struct hp_results *baseline,
                              const struct hp_results *current, const struct hp_gate_config *config)
{
    out->time_gated = same_string(baseline->machine_fingerprint, current->machine_fingerprint);
    if (config->deterministic_only) {
        out->time_gated = false;
        add_note(out, "--deterministic: times are not gated, only allocations, bytes and "
                      "instructions per op");
    } else if (!out->time_gated) {
        char note[256];
        snprintf(note, sizeof note,
                 "different machines (fingerprints %.16s and %.16s): times are not gated, only "
                 "allocations, bytes and instructions per op",
                 baseline->machine_fingerprint ? baseline->machine_fingerprint : "?",
                 current->machine_fingerprint ? current->machine_fingerprint : "?");
        add_note(out, note);
    }
}

/* The first unreliable finding of r's validity checks, or NULL (results v6: validity.h). */
static const char *first_unreliable(const struct hp_results *r)
{
    for (size_t i = 0; i < r->validity.finding_count; i++)
        if (strcmp(r->validity.findings[i].severity, "unreliable") == 0)
            return r->validity.findings[i].text;
    return "marked unreliable";
}

/* A side whose run marked itself unreliable (steal, drift, a Debug build...) has times no rule
 * can judge: they are left out, the deterministic metrics are still gated. */
static void refuse_unreliable_times(struct hp_gate_result *out, const struct hp_results *baseline,
                                    const struct hp_results *current)
{
    const struct hp_results *sides[2] = {baseline, current};
    const char *names[2] = {"baseline", "current"};
    for (int i = 0; i < 2; i++) {
        if (sides[i]->pooled_left_out > 0) {
            char note[sizeof out->notes[0]];
            snprintf(note, sizeof note,
                     "%u unreliable run%s of the %s pool left out (%s); the others' times are "
                     "gated",
                     sides[i]->pooled_left_out, sides[i]->pooled_left_out == 1 ? "" : "s", names[i],
                     sides[i]->left_out_why);
            add_note(out, note);
        }
        if (sides[i]->validity.reliable)
            continue;
        char note[sizeof out->notes[0]];
        snprintf(note, sizeof note,
                 "the %s run %s is unreliable (%s): times are not gated, only allocations, bytes "
                 "and instructions per op",
                 names[i], sides[i]->path, first_unreliable(sides[i]));
        add_note(out, note);
        out->time_gated = false;
        out->unreliable = true;
    }
}

/* Refuses what cannot be gated: an interrupted run, two build types. */
static int refuse_incomparable(const struct hp_results *baseline, const struct hp_results *current,
                               struct hp_error *err)
{
    const struct hp_results *sides[2] = {baseline, current};
    for (int i = 0; i < 2; i++)
        if (!sides[i]->complete)
            return hp_error_set(err, "%s: an interrupted run (complete: false) cannot be gated",
                                sides[i]->path);
    if (!same_string(baseline->build_type, current->build_type))
        return hp_error_set(err,
                            "%s: build type %s, but %s is %s: only runs of the same build type "
                            "can be gated",
                            current->path, current->build_type ? current->build_type : "?",
                            baseline->path, baseline->build_type ? baseline->build_type : "?");
    return 0;
}

/* The row of the baseline's case `old`: gated against its namesake in current, or missing. */
static int gate_baseline_case(struct hp_gate_result *out, const struct hp_result_case *old,
                              const struct hp_results *current, const struct hp_gate_config *config,
                              struct hp_error *err)
{
    struct hp_gate_row *row = &out->rows[out->row_count++];
    row->old = old;
    row->name = old->name;
    row->new_ = hp_results_find(current, row->name);
    row->limits = hp_gate_limits_for(config, row->name);
    row->old_instructions = row->new_instructions = NAN;
    if (!row->new_) {
        row->status = HP_GATE_MISSING;
        add_why(row, "in the baseline only%s",
                config->fail_on_missing ? " (fail_on_missing)" : ", not gated");
        return 0;
    }
    if (!old->overhead_probe)
        out->compared++;
    int failed = 0;
    gate_time(row, config, out->time_gated, err, &failed);
    if (failed)
        return -1;
    gate_deterministic(row);
    if (row->limits.ignore)
        row->status = HP_GATE_IGNORED;
    else
        settle_status(row);
    return 0;
}

static void add_new_cases(struct hp_gate_result *out, const struct hp_results *baseline,
                          const struct hp_results *current, const struct hp_gate_config *config)
{
    for (size_t i = 0; i < current->case_count; i++) {
        if (hp_results_find(baseline, current->cases[i].name))
            continue;
        struct hp_gate_row *row = &out->rows[out->row_count++];
        row->new_ = &current->cases[i];
        row->name = row->new_->name;
        row->limits = hp_gate_limits_for(config, row->name);
        row->status = HP_GATE_NEW;
        row->old_instructions = row->new_instructions = NAN;
        add_why(row, "in the current run only, not gated");
    }
}

static void count_statuses(struct hp_gate_result *out, const struct hp_gate_config *config)
{
    for (size_t i = 0; i < out->row_count; i++) {
        switch (out->rows[i].status) {
        case HP_GATE_REGRESSED:
            out->regressed++;
            out->failed = true;
            break;
        case HP_GATE_IMPROVED:
            out->improved++;
            break;
        case HP_GATE_UNCHANGED:
            out->unchanged++;
            break;
        case HP_GATE_NEW:
            out->added++;
            break;
        case HP_GATE_MISSING:
            out->missing++;
            if (config->fail_on_missing)
                out->failed = true;
            break;
        case HP_GATE_IGNORED:
            out->ignored++;
            break;
        case HP_GATE_DRIFTED:
            out->drifted++;
            break;
        }
    }
}

int hp_gate_evaluate(const struct hp_results *baseline, const struct hp_results *current,
                     const struct hp_gate_config *config, struct hp_gate_result *out,
                     struct hp_error *err)
{
    memset(out, 0, sizeof *out);
    out->baseline = baseline;
    out->current = current;
    out->level = config->level;
    out->drift.probe_ratio = out->drift.floors_ratio = out->drift.machine_ratio = NAN;
    if (refuse_incomparable(baseline, current, err) != 0)
        return -1;
    decide_time_gated(out, baseline, current, config);
    if (!config->deterministic_only)
        refuse_unreliable_times(out, baseline, current);
    char fields[sizeof out->notes[0] - 32];
    if (hp_results_fields_note(baseline, current, "baseline", "current", fields, sizeof fields) >
        0) {
        char note[sizeof out->notes[0]];
        snprintf(note, sizeof note, "results format: %s", fields);
        add_note(out, note);
    }
    out->rows = calloc(baseline->case_count + current->case_count + 1, sizeof *out->rows);
    if (!out->rows)
        return hp_error_set(err, "out of memory");
    for (size_t i = 0; i < baseline->case_count; i++)
        if (gate_baseline_case(out, &baseline->cases[i], current, config, err) != 0) {
            hp_gate_result_free(out);
            return -1;
        }
    add_new_cases(out, baseline, current, config);
    if (out->compared == 0) {
        hp_gate_result_free(out);
        return hp_error_set(err,
                            "%s and %s have no case in common besides the overhead probe: "
                            "nothing to gate",
                            baseline->path, current->path);
    }
    if (out->time_gated)
        apply_machine_drift(out, config);
    count_statuses(out, config);
    /* Times the gate could not judge (the machine drifted between the runs, or a run marked
     * itself unreliable during its own) leave the verdict open: exit status 3. */
    out->inconclusive = !out->failed && (out->drifted > 0 || out->unreliable);
    return 0;
}

void hp_gate_result_free(struct hp_gate_result *r)
{
    free(r->rows);
    r->rows = NULL;
    r->row_count = 0;
}
