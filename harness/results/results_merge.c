#define _GNU_SOURCE
#include "results_merge.h"

#include <stdio.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

static bool same_string(const char *a, const char *b)
{
    return (!a && !b) || (a && b && strcmp(a, b) == 0);
}

/* a * wa + b * wb over wa + wb, where NAN on one side means "not recorded there". */
static double weighted(double a, double wa, double b, double wb)
{
    if (isnan(a))
        return b;
    if (isnan(b))
        return a;
    if (wa + wb <= 0)
        return a;
    return (a * wa + b * wb) / (wa + wb);
}

/* The floors of pooled runs: the mean over the runs (each run measured them once, at its
 * start), what the gate's drift check compares (gate.h). */
static void merge_floors(struct hp_results *into, const struct hp_results *more)
{
    double k = into->pooled_runs > 0 ? into->pooled_runs : 1;
    double *a[] = {&into->floors.monotonic_read_ns, &into->floors.tsc_read_ns,
                   &into->floors.l1_load_ns,        &into->floors.cas_ns,
                   &into->floors.handoff_ns,        &into->floors.syscall_ns,
                   &into->floors.wakeup_ns};
    const double b[] = {more->floors.monotonic_read_ns, more->floors.tsc_read_ns,
                        more->floors.l1_load_ns,        more->floors.cas_ns,
                        more->floors.handoff_ns,        more->floors.syscall_ns,
                        more->floors.wakeup_ns};
    for (size_t i = 0; i < sizeof b / sizeof b[0]; i++)
        *a[i] = isnan(*a[i]) || isnan(b[i]) ? NAN : (*a[i] * k + b[i]) / (k + 1);
    into->pooled_runs = (unsigned)k + 1;
}

/* Pooled runs are as reliable as the least reliable of them: the findings of each later run
 * are appended, naming it. */
static int merge_validity(struct hp_results *into, const struct hp_results *more,
                          struct hp_error *err)
{
    const struct hp_result_validity *src = &more->validity;
    struct hp_result_validity *dst = &into->validity;
    if (!src->recorded)
        return 0;
    dst->recorded = true;
    dst->reliable = dst->reliable && src->reliable;
    size_t total = dst->finding_count + src->finding_count;
    struct hp_result_finding *f = realloc(dst->findings, (total ? total : 1) * sizeof *f);
    if (!f)
        return hp_error_set(err, "out of memory");
    dst->findings = f;
    for (size_t i = 0; i < src->finding_count; i++) {
        struct hp_result_finding *to = &f[dst->finding_count];
        const struct hp_result_finding *from = &src->findings[i];
        *to = *from;
        to->severity = strdup(from->severity);
        to->check = strdup(from->check);
        if (asprintf(&to->text, "%s: %s", more->path, from->text) < 0)
            to->text = NULL;
        dst->finding_count++;
        if (!to->severity || !to->check || !to->text)
            return hp_error_set(err, "out of memory");
    }
    return 0;
}

int hp_results_merge(struct hp_results *into, const struct hp_results *more, struct hp_error *err)
{
    if (into->case_count != more->case_count)
        return hp_error_set(err,
                            "%s: %zu cases, but %s has %zu: pooled runs must hold the same "
                            "cases",
                            more->path, more->case_count, into->path, into->case_count);
    if (!same_string(into->build_type, more->build_type))
        return hp_error_set(err, "%s: build type %s, but %s is %s: pooled runs must share it",
                            more->path, more->build_type ? more->build_type : "?", into->path,
                            into->build_type ? into->build_type : "?");
    for (size_t i = 0; i < more->case_count; i++)
        if (!hp_results_find(into, more->cases[i].name))
            return hp_error_set(err,
                                "%s: case %s is not in %s: pooled runs must hold the same "
                                "cases",
                                more->path, more->cases[i].name, into->path);
    for (size_t i = 0; i < more->case_count; i++) {
        const struct hp_result_case *src = &more->cases[i];
        struct hp_result_case *dst = (struct hp_result_case *)hp_results_find(into, src->name);
        size_t total = dst->samples + src->samples;
        double *ns = realloc(dst->ns_per_op, total * sizeof *ns);
        if (!ns)
            return hp_error_set(err, "out of memory");
        dst->ns_per_op = ns;
        double *ops = realloc(dst->ops_per_sec, total * sizeof *ops);
        if (!ops)
            return hp_error_set(err, "out of memory");
        dst->ops_per_sec = ops;
        if (dst->cpu_ns_per_op && src->cpu_ns_per_op) {
            double *cpu = realloc(dst->cpu_ns_per_op, total * sizeof *cpu);
            if (!cpu)
                return hp_error_set(err, "out of memory");
            dst->cpu_ns_per_op = cpu;
            memcpy(cpu + dst->samples, src->cpu_ns_per_op, src->samples * sizeof *cpu);
        } else {
            free(dst->cpu_ns_per_op); /* only where every pooled run recorded it */
            dst->cpu_ns_per_op = NULL;
        }
        memcpy(ns + dst->samples, src->ns_per_op, src->samples * sizeof *ns);
        memcpy(ops + dst->samples, src->ops_per_sec, src->samples * sizeof *ops);
        dst->samples = total;
        if (hp_summarize(dst->ns_per_op, dst->samples, 0.95, &dst->summary) != 0)
            return hp_error_set(err, "%s: cannot summarize the pooled samples", dst->name);
        dst->noisy = dst->noisy || src->noisy;
        double wa = (double)dst->measured_ops, wb = (double)src->measured_ops;
        dst->allocs_per_op = weighted(dst->allocs_per_op, wa, src->allocs_per_op, wb);
        dst->bytes_per_op = weighted(dst->bytes_per_op, wa, src->bytes_per_op, wb);
        dst->frees_per_op = weighted(dst->frees_per_op, wa, src->frees_per_op, wb);
        dst->measured_ops += src->measured_ops;
        if (isnan(dst->instructions) && !isnan(src->instructions) && src->instructions_source) {
            char *source = strdup(src->instructions_source);
            if (!source)
                return hp_error_set(err, "out of memory");
            free(dst->instructions_source);
            dst->instructions_source = source;
            dst->instructions = src->instructions;
        }
    }
    into->complete = into->complete && more->complete;
    merge_floors(into, more);
    return merge_validity(into, more, err);
}

/* Whether `item` reads as a run that marked itself unreliable; *why gets its first unreliable
 * finding. A file that does not read is not (the pooling loop then says why). */
static bool unreliable_run(const char *item, char *why, size_t size)
{
    struct hp_results r;
    struct hp_error ignored;
    if (hp_results_read(item, &r, &ignored) != 0)
        return false;
    bool unreliable = !r.validity.reliable;
    for (size_t i = 0; unreliable && i < r.validity.finding_count; i++)
        if (strcmp(r.validity.findings[i].severity, "unreliable") == 0) {
            snprintf(why, size, "%s: %s", item, r.validity.findings[i].text);
            break;
        }
    hp_results_free(&r);
    return unreliable;
}

/* Counts the list's runs that are unreliable; copies the list for strsep. */
static size_t count_unreliable(const char *list, size_t *runs, char *why, size_t size)
{
    char *copy = strdup(list), *rest = copy;
    size_t unreliable = 0;
    *runs = 0;
    for (char *item = copy ? strsep(&rest, ",") : NULL; item; item = strsep(&rest, ",")) {
        (*runs)++;
        if (*item && unreliable_run(item, why, size))
            unreliable++;
    }
    free(copy);
    return unreliable;
}

int hp_results_read_merged(const char *list, struct hp_results *out, struct hp_error *err)
{
    memset(out, 0, sizeof *out);
    /* Pooled runs that marked themselves unreliable are left out while a reliable one remains:
     * one disturbed run of many must not void the others' samples. */
    char why[sizeof out->left_out_why];
    size_t runs, unreliable = count_unreliable(list, &runs, why, sizeof why);
    bool leave_out = runs > 1 && unreliable > 0 && unreliable < runs;
    char *copy = strdup(list);
    if (!copy)
        return hp_error_set(err, "out of memory");
    char *rest = copy;
    int index = 0;
    int status = 0;
    char ignored[8];
    for (char *item = strsep(&rest, ","); item; item = strsep(&rest, ",")) {
        if (!*item) { /* "a," or "a,,b": a typo, not a list of one */
            status = hp_error_set(err,
                                  "'%s': an empty item in the list of results (a stray comma?); "
                                  "pooled runs are written RUN1,RUN2 with no space",
                                  list);
            break;
        }
        if (leave_out && unreliable_run(item, ignored, sizeof ignored))
            continue;
        if (index++ == 0) {
            if (hp_results_read(item, out, err) != 0 ||
                hp_results_need_cases(out, "compare", err) != 0) {
                status = -1;
                break;
            }
            continue;
        }
        struct hp_results more;
        if (hp_results_read(item, &more, err) != 0) {
            status = -1;
            break;
        }
        if (hp_results_need_cases(&more, "compare", err) != 0) {
            hp_results_free(&more);
            status = -1;
            break;
        }
        status = hp_results_merge(out, &more, err);
        hp_results_free(&more);
        if (status != 0)
            break;
    }
    if (status == 0 && index == 0)
        status = hp_error_set(err, "'%s': no results directory named", list);
    if (status == 0 && leave_out) {
        out->pooled_left_out = (unsigned)unreliable;
        snprintf(out->left_out_why, sizeof out->left_out_why, "%s", why);
    }
    if (status == 0 && runs > 1) {
        char *path = strdup(list);
        if (!path) {
            status = hp_error_set(err, "out of memory");
        } else {
            free(out->path);
            out->path = path;
        }
    }
    free(copy);
    if (status != 0)
        hp_results_free(out);
    return status;
}
