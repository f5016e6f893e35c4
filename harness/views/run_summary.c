/* The summary of a run (run_summary.h). */
#include "run_summary.h"

#include <jansson.h>

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "compare.h"
#include "format.h"
#include "phase_tables.h"
#include "render.h"

/* The case's name, and under it the figures its workload measured itself. */
static void add_name_cell(struct hp_table *t, const struct hp_result_case *c)
{
    char *metrics = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&metrics, &len);
    for (size_t m = 0; f && m < c->metric_count; m++)
        fprintf(f, " %s=%.6g", c->metrics[m].name, c->metrics[m].value);
    if (f)
        fclose(f);
    hp_table_text(t, "%s%s%s", c->name, metrics && *metrics ? "\n" : "", metrics ? metrics : "");
    free(metrics);
}

static void add_case_row(struct hp_table *t, const struct hp_result_case *c)
{
    hp_table_row(t);
    add_name_cell(t, c);
    if (c->samples == 0) {
        hp_table_number(t, NAN, "(not run)");
        return;
    }
    char allocs[32], bytes[32];
    hp_format_figure(allocs, sizeof allocs, c->allocs_per_op);
    hp_format_figure(bytes, sizeof bytes, c->bytes_per_op);
    hp_table_number(t, c->summary.median, "%.4g", c->summary.median);
    hp_table_text(t, "[%.4g, %.4g]", c->summary.ci_low, c->summary.ci_high);
    hp_table_number(t, c->allocs_per_op, "%s", allocs);
    hp_table_number(t, c->bytes_per_op, "%s", bytes);
    if (c->has_latency && c->latency.below_resolution)
        hp_table_text(t, "below resolution");
    else if (c->has_latency && c->latency.count > 0)
        hp_table_text(t, "%.0f/%.0f/%.0f", c->latency.p50_ns, c->latency.p99_ns,
                      c->latency.p999_ns);
    else
        hp_table_text(t, "%s", c->peer ? "n/a (batch only)" : ""); /* an external case */
    hp_table_text(t, "%s", c->noisy ? "noisy" : "");
}

void hp_validity_doc(struct hp_doc *doc, const struct hp_results *r)
{
    const struct hp_result_validity *v = &r->validity;
    struct hp_text *head = hp_doc_paragraph(doc);
    hp_text_strong(head, "Run validity:");
    if (!v->recorded) {
        hp_text_add(head, " not recorded (results format version %d; recorded from version 6)",
                    r->version);
        return;
    }
    if (v->reliable)
        hp_text_add(head, " reliable%s", v->finding_count ? "; findings:" : ", no findings");
    else {
        hp_text_add(head, " ");
        hp_text_strong(head, "UNRELIABLE");
    }
    if (!v->reliable)
        hp_text_add(head, ": the gate does not judge its times (deterministic metrics still); "
                          "findings:");
    if (v->finding_count == 0)
        return;
    hp_doc_list(doc);
    for (size_t i = 0; i < v->finding_count; i++) {
        struct hp_text *item = hp_doc_item(doc);
        if (strcmp(v->findings[i].severity, "info") == 0)
            hp_text_add(item, "%s: ", v->findings[i].severity);
        else
            hp_text_strong(item, "%s:", v->findings[i].severity);
        hp_text_add(item, "%s%s", strcmp(v->findings[i].severity, "info") == 0 ? "" : " ",
                    v->findings[i].text);
    }
}

/* The warm case a cold one (cache "cold") pairs with: the same name without "/cold". */
static const struct hp_result_case *warm_partner(const struct hp_results *r,
                                                 const struct hp_result_case *cold)
{
    char name[512];
    snprintf(name, sizeof name, "%s", cold->name);
    char *suffix = strstr(name, "/cold");
    if (!suffix)
        return NULL;
    memmove(suffix, suffix + 5, strlen(suffix + 5) + 1);
    const struct hp_result_case *warm = hp_results_find(r, name);
    return warm && !warm->cold ? warm : NULL;
}

static void add_cache_row(struct hp_table *t, const struct hp_results *r,
                          const struct hp_result_case *warm, const struct hp_result_case *cold)
{
    struct hp_compare_options options;
    hp_compare_options_defaults(&options);
    struct hp_case_comparison cmp;
    struct hp_error err;
    bool compared = hp_compare_cases(warm, cold, &options, &cmp, &err) == 0;
    hp_table_row(t);
    hp_table_text(t, "%s", warm->name);
    hp_table_number(t, warm->summary.median, "%.4g [%.4g, %.4g]", warm->summary.median,
                    warm->summary.ci_low, warm->summary.ci_high);
    hp_table_number(t, cold->summary.median, "%.4g [%.4g, %.4g]", cold->summary.median,
                    cold->summary.ci_low, cold->summary.ci_high);
    if (compared)
        hp_table_number(t, cmp.ratio, "x%.3g [%.3g, %.3g]", cmp.ratio, cmp.ratio_low,
                        cmp.ratio_high);
    else
        hp_table_number(t, NAN, "-");
    hp_table_text(t, "%llu x %.3g KiB = %.3g MiB%s", (unsigned long long)cold->cold_instances,
                  cold->cold_instances
                      ? (double)cold->cold_working_set_bytes / cold->cold_instances / 1024
                      : 0.0,
                  (double)cold->cold_working_set_bytes / (1 << 20),
                  cold->cold_exceeds_llc              ? ""
                  : cold->cold_working_set_bytes == 0 ? " (no data)"
                                                      : " (NOT above the LLC)");
    (void)r;
}

void hp_cache_table_doc(struct hp_doc *doc, const struct hp_results *r)
{
    struct hp_table *t = NULL;
    for (size_t i = 0; i < r->case_count; i++) {
        const struct hp_result_case *cold = &r->cases[i];
        const struct hp_result_case *warm = cold->cold ? warm_partner(r, cold) : NULL;
        if (!warm || warm->samples == 0 || cold->samples == 0)
            continue;
        if (!t) {
            hp_doc_para(doc,
                        "Warm and cold caches (cold: each op on the next of many instances, "
                        "together above the last-level cache of %.3g MiB, from %s):",
                        (double)r->llc_bytes / (1 << 20), r->llc_source ? r->llc_source : "?");
            t = hp_doc_table(doc);
            hp_table_column(t, "case", "case", HP_COLUMN_CODE);
            hp_table_column(t, "warm ns/op [95% CI]", "warm_ns", HP_COLUMN_NUMERIC);
            hp_table_column(t, "cold ns/op [95% CI]", "cold_ns", HP_COLUMN_NUMERIC);
            hp_table_column(t, "cold / warm [95% CI]", "cold_over_warm", HP_COLUMN_NUMERIC);
            hp_table_column(t, "cold working set", "working_set", 0);
        }
        add_cache_row(t, r, warm, cold);
    }
}

void hp_run_summary_doc(struct hp_doc *doc, const struct hp_results *r)
{
    struct hp_table *t = hp_doc_table(doc);
    hp_table_column(t, "case", "case", HP_COLUMN_CODE);
    hp_table_column(t, "ns/op", "median_ns", HP_COLUMN_RIGHT | HP_COLUMN_NUMERIC);
    hp_table_column(t, "95% CI of median", "ci", HP_COLUMN_SHOWN);
    hp_table_column(t, "allocs/op", "allocs_per_op", HP_COLUMN_RIGHT | HP_COLUMN_NUMERIC);
    hp_table_column(t, "B/op", "bytes_per_op", HP_COLUMN_RIGHT | HP_COLUMN_NUMERIC);
    hp_table_column(t, "p50/p99/p99.9 ns", "latency_percentiles", 0);
    hp_table_column(t, "", "noisy", 0);
    for (size_t i = 0; i < r->case_count; i++)
        add_case_row(t, &r->cases[i]);
    /* External cases without samples (results v4): their status in place of numbers. */
    size_t k;
    json_t *u;
    json_array_foreach(
        json_object_get(json_object_get((json_t *)r->json, "external"), "unmeasured"), k, u)
    {
        hp_table_row(t);
        hp_table_text(t, "%s", json_string_value(json_object_get(u, "name")));
        hp_table_number(t, NAN, "%s", json_string_value(json_object_get(u, "status")));
        for (int column = 0; column < 5; column++)
            hp_table_text(t, "%s", "");
    }
    if (isfinite(r->harness_overhead_ns))
        hp_doc_para(doc, "harness overhead (null case): %.3g ns/op", r->harness_overhead_ns);
    hp_cache_table_doc(doc, r);
    hp_validity_doc(doc, r);
    struct hp_text *where = hp_doc_paragraph(doc);
    hp_text_add(where, "%s: ", r->complete ? "results" : "interrupted; partial results");
    hp_text_code(where, "%s", r->dir);
    hp_text_add(where, " (%.1f s)", r->duration_s);
}

int hp_run_summary_print(FILE *f, const char *dir, struct hp_error *err)
{
    struct hp_results r;
    if (hp_results_read(dir, &r, err) != 0)
        return -1;
    struct hp_doc doc;
    hp_doc_init(&doc, "hotpath run");
    hp_run_summary_doc(&doc, &r);
    bool phases = false;
    for (size_t i = 0; i < r.case_count; i++)
        phases |= r.cases[i].phase != NULL;
    struct hp_phase_view v;
    int rc = 0;
    if (phases && (rc = hp_phase_view_build(&r, &v, err)) == 0) {
        rc = hp_phase_tables_doc(&doc, &r, &v, err);
        hp_phase_view_free(&v);
    }
    if (rc == 0) {
        fputc('\n', f);
        rc = hp_doc_render(f, &doc, HP_RENDER_TEXT, err);
    }
    hp_doc_free(&doc);
    hp_results_free(&r);
    return rc;
}
