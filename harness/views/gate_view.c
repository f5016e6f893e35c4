/* The gate's verdict for people (a document: render.h) and for machines (JSON), and the
 * command's work: read both sides, gate, write, print (gate.h). */
#include <jansson.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "files.h"
#include "format.h"
#include "formats.h"
#include "gate.h"
#include "results_merge.h"

static double allocs_of(const struct hp_result_case *c)
{
    return c ? c->allocs_per_op : NAN;
}

static double bytes_of(const struct hp_result_case *c)
{
    return c ? c->bytes_per_op : NAN;
}

static double instructions_of(const struct hp_result_case *c)
{
    return c ? c->instructions : NAN;
}

/* ---- the document ----------------------------------------------------------------------- */

/* The median the time rule compared (CPU time marked "c"), or the wall-time median of a case
 * present on one side only. */
static void add_median(struct hp_table *t, const struct hp_gate_row *row, bool old_side)
{
    const struct hp_result_case *c = old_side ? row->old : row->new_;
    if (!c || c->samples == 0) {
        hp_table_number(t, NAN, "-");
    } else if (row->has_comparison) {
        double v = old_side ? row->cmp.old_median : row->cmp.new_median;
        hp_table_number(t, v, "%.4g%s", v, row->cpu_clock ? "c" : "");
    } else {
        hp_table_number(t, c->summary.median, "%.4g", c->summary.median);
    }
}

static void add_change(struct hp_table *t, const struct hp_gate_row *row)
{
    char text[96];
    if (!row->has_comparison || isnan(row->cmp.ratio))
        snprintf(text, sizeof text, "-");
    else if (row->cmp.change == HP_CHANGE_TOO_FEW_SAMPLES)
        snprintf(text, sizeof text, "%+.1f%% (too few samples)", 100 * (row->cmp.ratio - 1));
    else
        hp_format_change(text, sizeof text, row->cmp.ratio, row->cmp.ratio_low, row->cmp.ratio_high,
                         1);
    hp_table_number(t, row->has_comparison ? row->cmp.ratio : NAN, "%s", text);
}

static void add_pair(struct hp_table *t, double a, double b, int digits)
{
    char text[96];
    hp_format_pair(text, sizeof text, a, b, digits);
    hp_table_text(t, "%s", text);
}

static void add_gate_table(struct hp_doc *doc, const struct hp_gate_result *r)
{
    struct hp_table *t = hp_doc_table(doc);
    hp_table_column(t, "case", "case", HP_COLUMN_CODE);
    hp_table_column(t, "status", "status", 0);
    hp_table_column(t, "old ns/op", "old_ns_per_op", HP_COLUMN_RIGHT | HP_COLUMN_NUMERIC);
    hp_table_column(t, "new ns/op", "new_ns_per_op", HP_COLUMN_RIGHT | HP_COLUMN_NUMERIC);
    hp_table_column(t, "change [95% CI]", "ratio", 0);
    hp_table_column(t, "allocs/op", "allocs_per_op", 0);
    hp_table_column(t, "B/op", "bytes_per_op", 0);
    hp_table_column(t, "instructions/op", "instructions_per_op", 0);
    hp_table_column(t, "why", "why", 0);
    for (size_t i = 0; i < r->row_count; i++) {
        const struct hp_gate_row *row = &r->rows[i];
        hp_table_row(t);
        hp_table_text(t, "%s", row->name);
        hp_table_text(t, "%s", hp_gate_status_name(row->status));
        if (row->status == HP_GATE_REGRESSED)
            hp_table_strong(t);
        add_median(t, row, true);
        add_median(t, row, false);
        add_change(t, row);
        add_pair(t, allocs_of(row->old), allocs_of(row->new_), 4);
        add_pair(t, bytes_of(row->old), bytes_of(row->new_), 4);
        add_pair(t, instructions_of(row->old), instructions_of(row->new_), 8);
        hp_table_text(t, "%s", row->why);
    }
}

static const char *verdict_title(const struct hp_gate_result *r)
{
    return r->failed         ? "FAILED"
           : r->unreliable   ? "INCONCLUSIVE: a run is unreliable"
           : r->inconclusive ? "INCONCLUSIVE: the machine drifted"
                             : "passed";
}

void hp_gate_doc(struct hp_doc *doc, const struct hp_gate_result *r)
{
    hp_text_strong(hp_doc_heading(doc, 3, "hotpath gate: "), "%s", verdict_title(r));
    struct hp_text *sides = hp_doc_paragraph(doc);
    hp_text_add(sides, "Baseline ");
    hp_text_code(sides, "%s", r->baseline->path);
    hp_text_add(sides, " (commit %.12s), current ",
                r->baseline->git_commit ? r->baseline->git_commit : "?");
    hp_text_code(sides, "%s", r->current->path);
    hp_text_add(sides, " (commit %.12s).", r->current->git_commit ? r->current->git_commit : "?");
    for (size_t i = 0; i < r->note_count; i++)
        hp_text_add(hp_doc_note(doc), "%s", r->notes[i]);
    add_gate_table(doc, r);
    hp_doc_para(doc,
                "%s: compared %zu case%s besides the overhead probe; %zu regressed, %zu improved, "
                "%zu unchanged, %zu new, %zu missing, %zu ignored, %zu drifted; time %s "
                "(regression: slower at %.0f%% confidence and by more than the threshold)",
                verdict_title(r), r->compared, r->compared == 1 ? "" : "s", r->regressed,
                r->improved, r->unchanged, r->added, r->missing, r->ignored, r->drifted,
                r->time_gated ? "gated" : "NOT gated", 100 * r->level);
    if (r->inconclusive && r->drifted > 0)
        hp_doc_para(doc, "drifted: slower by no more than the overhead probe and the floors, "
                         "which moved together: the machine changed between the runs, so the "
                         "gate cannot tell whether the code did (exit status 3); run both "
                         "again. Allocations, bytes and instructions per op (where recorded) "
                         "were gated and passed.");
    else if (r->inconclusive)
        hp_doc_para(doc, "a run is unreliable (the notes say why): its times were not judged "
                         "(exit status 3); run again. Allocations, bytes and instructions per op "
                         "(where recorded) were gated and passed.");
    if (r->time_gated)
        hp_doc_para(doc, "ns/op marked c: CPU time per op (one-thread cases that recorded it on "
                         "both sides; --clock wall compares wall time)");
}

/* ---- JSON ------------------------------------------------------------------------------- */

static const char *metric_state_name(enum hp_gate_metric_state s)
{
    switch (s) {
    case HP_METRIC_NOT_GATED:
        return "not gated";
    case HP_METRIC_OK:
        return "unchanged";
    case HP_METRIC_IMPROVED:
        return "improved";
    case HP_METRIC_REGRESSED:
        return "regressed";
    case HP_METRIC_DRIFTED:
        return "drifted";
    }
    return "?";
}

static int write_verdict(FILE *f, const void *root)
{
    return json_dumpf(root, f, JSON_INDENT(2) | JSON_REAL_PRECISION(10));
}

int hp_gate_write_json(const char *path, const struct hp_gate_result *r, struct hp_error *err)
{
    json_t *root = json_object();
    json_object_set_new(root, "format", json_string("hotpath-gate"));
    json_object_set_new(root, "version", json_integer(3));
    json_object_set_new(root, "verdict",
                        json_string(r->failed         ? "fail"
                                    : r->inconclusive ? "inconclusive"
                                                      : "pass"));
    json_object_set_new(root, "unreliable", json_boolean(r->unreliable));
    json_t *drift = json_object();
    json_object_set_new(drift, "probe_ratio", hp_json_real_or_null(r->drift.probe_ratio));
    json_object_set_new(drift, "floors_ratio", hp_json_real_or_null(r->drift.floors_ratio));
    json_object_set_new(drift, "machine_ratio", hp_json_real_or_null(r->drift.machine_ratio));
    json_object_set_new(drift, "drifted", json_boolean(r->drift.direction != 0));
    json_object_set_new(root, "machine_drift", drift);
    json_object_set_new(root, "baseline", json_string(r->baseline->path));
    json_object_set_new(root, "current", json_string(r->current->path));
    json_object_set_new(root, "time_gated", json_boolean(r->time_gated));
    json_t *notes = json_array();
    for (size_t i = 0; i < r->note_count; i++)
        json_array_append_new(notes, json_string(r->notes[i]));
    json_object_set_new(root, "notes", notes);
    json_t *counts = json_object();
    json_object_set_new(counts, "compared", json_integer((json_int_t)r->compared));
    json_object_set_new(counts, "regressed", json_integer((json_int_t)r->regressed));
    json_object_set_new(counts, "improved", json_integer((json_int_t)r->improved));
    json_object_set_new(counts, "unchanged", json_integer((json_int_t)r->unchanged));
    json_object_set_new(counts, "new", json_integer((json_int_t)r->added));
    json_object_set_new(counts, "missing", json_integer((json_int_t)r->missing));
    json_object_set_new(counts, "ignored", json_integer((json_int_t)r->ignored));
    json_object_set_new(counts, "drifted", json_integer((json_int_t)r->drifted));
    json_object_set_new(root, "counts", counts);
    json_t *cases = json_array();
    for (size_t i = 0; i < r->row_count; i++) {
        const struct hp_gate_row *row = &r->rows[i];
        json_t *o = json_object();
        json_object_set_new(o, "name", json_string(row->name));
        json_object_set_new(o, "status", json_string(hp_gate_status_name(row->status)));
        json_object_set_new(o, "threshold", json_real(row->limits.threshold));
        json_t *t = json_object();
        json_object_set_new(t, "state", json_string(metric_state_name(row->time)));
        json_object_set_new(t, "clock", json_string(row->cpu_clock ? "cpu" : "wall"));
        json_object_set_new(t, "old_median_ns",
                            hp_json_real_or_null(row->has_comparison ? row->cmp.old_median : NAN));
        json_object_set_new(t, "new_median_ns",
                            hp_json_real_or_null(row->has_comparison ? row->cmp.new_median : NAN));
        json_object_set_new(t, "ratio",
                            hp_json_real_or_null(row->has_comparison ? row->cmp.ratio : NAN));
        json_object_set_new(t, "ratio_low",
                            hp_json_real_or_null(row->has_comparison ? row->cmp.ratio_low : NAN));
        json_object_set_new(t, "ratio_high",
                            hp_json_real_or_null(row->has_comparison ? row->cmp.ratio_high : NAN));
        json_object_set_new(t, "p_value",
                            hp_json_real_or_null(row->has_comparison ? row->cmp.p_value : NAN));
        json_object_set_new(o, "time", t);
        struct {
            const char *key;
            enum hp_gate_metric_state state;
            double old, new_;
        } det[] = {
            {"allocs_per_op", row->allocs, allocs_of(row->old), allocs_of(row->new_)},
            {"bytes_per_op", row->bytes, bytes_of(row->old), bytes_of(row->new_)},
            {"instructions_per_op", row->instructions, instructions_of(row->old),
             instructions_of(row->new_)},
        };
        for (size_t k = 0; k < sizeof det / sizeof det[0]; k++) {
            json_t *m = json_object();
            json_object_set_new(m, "state", json_string(metric_state_name(det[k].state)));
            json_object_set_new(m, "old", hp_json_real_or_null(det[k].old));
            json_object_set_new(m, "new", hp_json_real_or_null(det[k].new_));
            json_object_set_new(o, det[k].key, m);
        }
        json_object_set_new(o, "why", json_string(row->why));
        json_array_append_new(cases, o);
    }
    json_object_set_new(root, "cases", cases);
    int rc = hp_file_write(path, write_verdict, root, err);
    json_decref(root);
    return rc;
}

/* ---- the command's work ----------------------------------------------------------------- */

static int gate_and_print(const struct hp_gate_request *req, const struct hp_results *baseline,
                          const struct hp_results *current, const struct hp_gate_config *config,
                          FILE *f, struct hp_error *err)
{
    struct hp_gate_result result;
    if (hp_gate_evaluate(baseline, current, config, &result, err) != 0)
        return -1;
    int rc = req->json_path ? hp_gate_write_json(req->json_path, &result, err) : 0;
    struct hp_doc doc;
    hp_doc_init(&doc, "hotpath gate");
    if (rc == 0) {
        hp_gate_doc(&doc, &result);
        rc = hp_doc_render(f, &doc, req->format, err);
    }
    if (rc == 0)
        rc = result.failed ? 1 : result.inconclusive ? 3 : 0;
    hp_doc_free(&doc);
    hp_gate_result_free(&result);
    return rc;
}

int hp_gate_view(const struct hp_gate_request *req, FILE *f, struct hp_error *err)
{
    struct hp_gate_config config;
    hp_gate_config_defaults(&config);
    if (req->config_path && hp_gate_config_read(req->config_path, &config, err) != 0)
        return -1;
    if (req->deterministic)
        config.deterministic_only = true;
    if (req->clock_set)
        config.clock = req->clock; /* the command line wins over the config */
    struct hp_results baseline, current;
    if (hp_results_read_merged(req->baseline, &baseline, err) != 0)
        return -1;
    if (hp_results_read_merged(req->current, &current, err) != 0) {
        hp_results_free(&baseline);
        return -1;
    }
    int rc = gate_and_print(req, &baseline, &current, &config, f, err);
    hp_results_free(&baseline);
    hp_results_free(&current);
    return rc;
}
