/* Reading results.json back into plain structs. See results_read.h.
 *
 * Errors name the file and the JSON path of the offending value ("cases[3].ns_per_op[2]"), the
 * closest a JSON document comes to a line number once parsed; jansson's own parse errors carry
 * the line and column.
 */
#include "results_read.h"

#include <jansson.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "files.h"
#include "results_write.h"

struct reader {
    const char *file;
    struct hp_error *err;
    int version; /* the document's format version, once read */
};

static int fail(const struct reader *rd, const char *where, const char *problem)
{
    return hp_error_set(rd->err, "%s: %s: %s", rd->file, where, problem);
}

static json_t *member(const struct reader *rd, json_t *obj, const char *where, const char *key,
                      json_type type, bool optional, int *status)
{
    json_t *v = json_object_get(obj, key);
    if (!v || (optional && json_is_null(v)))
        return NULL;
    if (json_typeof(v) != type && !(type == JSON_REAL && json_is_integer(v)) &&
        !(type == JSON_TRUE && json_is_boolean(v))) {
        char path[256], problem[128];
        snprintf(path, sizeof path, "%s%s%s", where, *where ? "." : "", key);
        snprintf(problem, sizeof problem, "has the wrong type");
        *status = fail(rd, path, problem);
        return NULL;
    }
    return v;
}

/* Required members: absent is an error too. */
static json_t *required(const struct reader *rd, json_t *obj, const char *where, const char *key,
                        json_type type, int *status)
{
    if (*status != 0)
        return NULL;
    json_t *v = member(rd, obj, where, key, type, false, status);
    if (!v && *status == 0) {
        char path[256];
        snprintf(path, sizeof path, "%s%s%s", where, *where ? "." : "", key);
        *status = fail(rd, path, "missing");
    }
    return v;
}

static char *required_string(const struct reader *rd, json_t *obj, const char *where,
                             const char *key, int *status)
{
    json_t *v = required(rd, obj, where, key, JSON_STRING, status);
    return v ? strdup(json_string_value(v)) : NULL;
}

static char *optional_string(const struct reader *rd, json_t *obj, const char *where,
                             const char *key, int *status)
{
    if (*status != 0)
        return NULL;
    json_t *v = member(rd, obj, where, key, JSON_STRING, true, status);
    return v ? strdup(json_string_value(v)) : NULL;
}

/* A number, or NAN for null or absent. */
static double optional_number(const struct reader *rd, json_t *obj, const char *where,
                              const char *key, int *status)
{
    if (*status != 0 || !obj)
        return NAN;
    json_t *v = member(rd, obj, where, key, JSON_REAL, true, status);
    return v ? json_number_value(v) : NAN;
}

/* A figure no measurement can make negative (a count or a time per op), or NAN for null or
 * absent: a negative one would be read as an improvement by the gate. */
static double optional_nonnegative(const struct reader *rd, json_t *obj, const char *where,
                                   const char *key, int *status)
{
    double v = optional_number(rd, obj, where, key, status);
    if (*status == 0 && v < 0) {
        char path[256];
        snprintf(path, sizeof path, "%s%s%s", where, *where ? "." : "", key);
        *status = fail(rd, path, "is negative, which no measurement can be");
    }
    return v;
}

static double required_number(const struct reader *rd, json_t *obj, const char *where,
                              const char *key, int *status)
{
    json_t *v = required(rd, obj, where, key, JSON_REAL, status);
    return v ? json_number_value(v) : NAN;
}

static uint64_t required_count(const struct reader *rd, json_t *obj, const char *where,
                               const char *key, int *status)
{
    json_t *v = required(rd, obj, where, key, JSON_INTEGER, status);
    if (!v)
        return 0;
    if (json_integer_value(v) < 0) {
        char path[256];
        snprintf(path, sizeof path, "%s.%s", where, key);
        *status = fail(rd, path, "is negative");
        return 0;
    }
    return (uint64_t)json_integer_value(v);
}

static bool optional_bool(const struct reader *rd, json_t *obj, const char *where, const char *key,
                          int *status)
{
    if (*status != 0 || !obj)
        return false;
    json_t *v = member(rd, obj, where, key, JSON_TRUE, true, status);
    return v ? json_is_true(v) : false;
}

static int read_samples(const struct reader *rd, json_t *c, const char *where, const char *key,
                        bool must_be_positive, double **out, size_t *count)
{
    int status = 0;
    json_t *a = required(rd, c, where, key, JSON_ARRAY, &status);
    if (!a)
        return status;
    size_t n = json_array_size(a);
    if (*count != (size_t)-1 && n != *count) {
        char path[256];
        snprintf(path, sizeof path, "%s.%s", where, key);
        return fail(rd, path, "has a different length than ns_per_op");
    }
    *out = calloc(n ? n : 1, sizeof **out);
    if (!*out)
        return fail(rd, where, "out of memory");
    for (size_t i = 0; i < n; i++) {
        json_t *v = json_array_get(a, i);
        double x = json_is_number(v) ? json_number_value(v) : NAN;
        if (!isfinite(x) || (must_be_positive && x <= 0)) {
            char path[256];
            snprintf(path, sizeof path, "%s.%s[%zu]", where, key, i);
            return fail(rd, path,
                        must_be_positive ? "is not a positive number" : "is not a finite number");
        }
        (*out)[i] = x;
    }
    *count = n;
    return 0;
}

/* Version 1 files do not say which case is the overhead probe; every one of them was written
 * when the probe was the workload named "null", so for those files alone the name decides.
 * From version 2 on the per-case "overhead_probe" flag is the only source: absent means false. */
static bool overhead_probe(const struct reader *rd, json_t *c, const char *where,
                           const char *workload, int *status)
{
    if (*status != 0)
        return false;
    if (json_object_get(c, "overhead_probe"))
        return optional_bool(rd, c, where, "overhead_probe", status);
    return rd->version == 1 && workload && strcmp(workload, "null") == 0;
}

/* What the case is: name, workload, phase, implementations, threads, mode, ops. */
static int read_case_identity(const struct reader *rd, json_t *c, const char *where,
                              struct hp_result_case *out)
{
    int st = 0;
    out->name = required_string(rd, c, where, "name", &st);
    out->workload = required_string(rd, c, where, "workload", &st);
    out->overhead_probe = overhead_probe(rd, c, where, out->workload, &st);
    out->phase = optional_string(rd, c, where, "phase", &st);
    json_t *impls = required(rd, c, where, "implementations", JSON_OBJECT, &st);
    out->threads = (unsigned)required_count(rd, c, where, "threads", &st);
    char *mode = required_string(rd, c, where, "mode", &st);
    if (st == 0 && strcmp(mode, "batch") != 0 && strcmp(mode, "latency") != 0)
        st = fail(rd, where, "mode is neither \"batch\" nor \"latency\"");
    out->latency_mode = mode && strcmp(mode, "latency") == 0;
    free(mode);
    char *cache = optional_string(rd, c, where, "cache", &st);
    if (st == 0 && cache && strcmp(cache, "warm") != 0 && strcmp(cache, "cold") != 0)
        st = fail(rd, where, "cache is neither \"warm\" nor \"cold\"");
    out->cold = cache && strcmp(cache, "cold") == 0;
    free(cache);
    out->time_sliced = optional_bool(rd, c, where, "time_sliced", &st);
    json_t *fairness = member(rd, c, where, "fairness", JSON_OBJECT, true, &st);
    out->thread_spread = optional_nonnegative(rd, fairness, where, "spread", &st);
    json_t *cold = member(rd, c, where, "cold", JSON_OBJECT, true, &st);
    if (cold) {
        char sub[96];
        snprintf(sub, sizeof sub, "%s.cold", where);
        out->cold_instances = required_count(rd, cold, sub, "instances", &st);
        out->cold_working_set_bytes = required_count(rd, cold, sub, "working_set_bytes", &st);
        out->cold_exceeds_llc = optional_bool(rd, cold, sub, "exceeds_llc", &st);
    }
    out->ops_per_thread_per_sample = required_count(rd, c, where, "ops_per_thread_per_sample", &st);
    out->measured_ops = required_count(rd, c, where, "measured_ops", &st);
    if (st != 0)
        return st;
    if (out->threads == 0)
        return fail(rd, where, "threads is 0");
    if (!*out->name)
        return fail(rd, where, "name is empty: every case has a name");
    out->impl_count = json_object_size(impls);
    out->impls = calloc(out->impl_count ? out->impl_count : 1, sizeof *out->impls);
    if (!out->impls)
        return fail(rd, where, "out of memory");
    size_t k = 0;
    const char *axis;
    json_t *impl;
    json_object_foreach(impls, axis, impl)
    {
        if (!json_is_string(impl))
            return fail(rd, where, "an implementation name is not a string");
        out->impls[k].axis = strdup(axis);
        out->impls[k].name = strdup(json_string_value(impl));
        k++;
    }
    return 0;
}

/* Version 5: "parameters": {name: whole number}. */
static int read_case_params(const struct reader *rd, json_t *c, const char *where,
                            struct hp_result_case *out)
{
    int st = 0;
    json_t *params = member(rd, c, where, "parameters", JSON_OBJECT, true, &st);
    if (st != 0 || !params)
        return st;
    out->params = calloc(json_object_size(params) + 1, sizeof *out->params);
    if (!out->params)
        return fail(rd, where, "out of memory");
    const char *key;
    json_t *v;
    json_object_foreach(params, key, v)
    {
        if (!json_is_integer(v) || json_integer_value(v) < 0)
            return fail(rd, where, "a parameter's value is not a whole number");
        out->params[out->param_count].name = strdup(key);
        out->params[out->param_count++].value = (uint64_t)json_integer_value(v);
    }
    return 0;
}

/* The case's own count of its samples ("samples", optional: the arrays are the data) and its
 * per-thread rates (one array of n numbers or nulls per thread, when recorded) must agree with
 * the n samples of ns_per_op. */
static int check_sample_count(const struct reader *rd, json_t *c, const char *where, size_t n,
                              unsigned threads)
{
    int st = 0;
    char path[96], problem[160];
    json_t *count = member(rd, c, where, "samples", JSON_INTEGER, true, &st);
    if (st != 0)
        return st;
    snprintf(path, sizeof path, "%s.samples", where);
    if (count && (json_integer_value(count) < 0 || (uintmax_t)json_integer_value(count) != n)) {
        snprintf(problem, sizeof problem, "is %lld, but ns_per_op holds %zu values",
                 (long long)json_integer_value(count), n);
        return fail(rd, path, problem);
    }
    json_t *per_thread = member(rd, c, where, "thread_ops_per_sec", JSON_ARRAY, true, &st);
    snprintf(path, sizeof path, "%s.thread_ops_per_sec", where);
    if (st != 0 || !per_thread)
        return st;
    if (json_array_size(per_thread) != threads)
        return fail(rd, path, "does not hold one array per thread");
    size_t t;
    json_t *a;
    json_array_foreach(per_thread, t, a)
    {
        bool numbers = json_is_array(a) && json_array_size(a) == n;
        for (size_t k = 0; numbers && k < n; k++)
            numbers = json_is_number(json_array_get(a, k)) || json_is_null(json_array_get(a, k));
        if (!numbers) {
            snprintf(problem, sizeof problem,
                     "[%zu] is not an array of %zu numbers (one per sample)", t, n);
            return fail(rd, path, problem);
        }
    }
    return 0;
}

/* The samples (per op, per second, CPU time) and their summary, recomputed. */
static int read_case_samples(const struct reader *rd, json_t *c, const char *where, bool complete,
                             struct hp_result_case *out)
{
    size_t n = (size_t)-1;
    if (read_samples(rd, c, where, "ns_per_op", true, &out->ns_per_op, &n) != 0 ||
        read_samples(rd, c, where, "ops_per_sec", true, &out->ops_per_sec, &n) != 0)
        return -1;
    out->samples = n;
    if (json_is_array(json_object_get(c, "cpu_ns_per_op")) &&
        read_samples(rd, c, where, "cpu_ns_per_op", true, &out->cpu_ns_per_op, &n) != 0)
        return -1;
    if (check_sample_count(rd, c, where, n, out->threads) != 0)
        return -1;
    if (n == 0 && complete)
        return fail(rd, where, "has no samples in a complete run");
    if (n > 0 && hp_summarize(out->ns_per_op, n, 0.95, &out->summary) != 0)
        return fail(rd, where, "its samples cannot be summarised");
    int st = 0;
    json_t *stats = member(rd, c, where, "stats", JSON_OBJECT, true, &st);
    out->noisy = optional_bool(rd, stats, where, "noisy", &st);
    return st;
}

/* What was counted: allocations, perf events, instructions (a dedicated count, from callgrind
 * or recorded by --instructions, wins over perf's). */
static int read_case_counts(const struct reader *rd, json_t *c, const char *where,
                            struct hp_result_case *out)
{
    int st = 0;
    char sub[96]; /* "cases[3].allocations": where an inner figure is, for messages */
    json_t *alloc = member(rd, c, where, "allocations", JSON_OBJECT, true, &st);
    snprintf(sub, sizeof sub, "%s.allocations", where);
    static const char *const counts[] = {"allocs", "bytes", "frees"}; /* when recorded */
    for (size_t i = 0; i < sizeof counts / sizeof counts[0]; i++)
        optional_nonnegative(rd, alloc, sub, counts[i], &st);
    out->allocs_per_op = optional_nonnegative(rd, alloc, sub, "allocs_per_op", &st);
    out->bytes_per_op = optional_nonnegative(rd, alloc, sub, "bytes_per_op", &st);
    out->frees_per_op = optional_nonnegative(rd, alloc, sub, "frees_per_op", &st);

    json_t *perf = member(rd, c, where, "perf", JSON_OBJECT, true, &st);
    snprintf(sub, sizeof sub, "%s.perf", where);
    out->has_perf = perf != NULL;
    out->cycles_per_op = optional_nonnegative(rd, perf, sub, "cycles_per_op", &st);
    out->instructions_per_op = optional_nonnegative(rd, perf, sub, "instructions_per_op", &st);
    out->branch_misses_per_op = optional_nonnegative(rd, perf, sub, "branch_misses_per_op", &st);
    out->cache_misses_per_op = optional_nonnegative(rd, perf, sub, "cache_misses_per_op", &st);

    json_t *ins = member(rd, c, where, "instructions", JSON_OBJECT, true, &st);
    snprintf(sub, sizeof sub, "%s.instructions", where);
    out->instructions = optional_nonnegative(rd, ins, sub, "per_op", &st);
    out->instructions_source = optional_string(rd, ins, where, "source", &st);
    if (isnan(out->instructions) && !isnan(out->instructions_per_op)) {
        out->instructions = out->instructions_per_op;
        out->instructions_source = strdup("perf");
    }
    return st;
}

static int read_case_latency(const struct reader *rd, json_t *c, const char *where,
                             struct hp_result_case *out)
{
    int st = 0;
    json_t *lat = member(rd, c, where, "latency", JSON_OBJECT, true, &st);
    out->has_latency = lat != NULL;
    if (!lat)
        return st;
    struct hp_result_latency *l = &out->latency;
    char sub[96];
    snprintf(sub, sizeof sub, "%s.latency", where);
    l->count = required_count(rd, lat, sub, "count", &st);
    l->min_ns = optional_nonnegative(rd, lat, sub, "min_ns", &st);
    l->mean_ns = optional_nonnegative(rd, lat, sub, "mean_ns", &st);
    l->p50_ns = optional_nonnegative(rd, lat, sub, "p50_ns", &st);
    l->p90_ns = optional_nonnegative(rd, lat, sub, "p90_ns", &st);
    l->p99_ns = optional_nonnegative(rd, lat, sub, "p99_ns", &st);
    l->p999_ns = optional_nonnegative(rd, lat, sub, "p999_ns", &st);
    l->p9999_ns = optional_nonnegative(rd, lat, sub, "p9999_ns", &st);
    l->max_ns = optional_nonnegative(rd, lat, sub, "max_ns", &st);
    l->timer_overhead_ns_per_op =
        optional_nonnegative(rd, lat, sub, "timer_overhead_ns_per_op", &st);
    l->hlog = optional_string(rd, lat, sub, "hlog", &st);
    if (st == 0 && l->hlog &&
        (!*l->hlog || strchr(l->hlog, '/') || strcmp(l->hlog, ".") == 0 ||
         strcmp(l->hlog, "..") == 0)) {
        char path[128];
        snprintf(path, sizeof path, "%s.hlog", sub);
        st = fail(rd, path, "is not the name of a file in the results directory");
    }
    l->below_resolution = optional_bool(rd, lat, sub, "below_resolution", &st);
    return st;
}

/* The workload's own figures. */
static int read_case_metrics(const struct reader *rd, json_t *c, const char *where,
                             struct hp_result_case *out)
{
    int st = 0;
    json_t *metrics = member(rd, c, where, "metrics", JSON_OBJECT, true, &st);
    if (st != 0 || !metrics)
        return st;
    out->metric_count = json_object_size(metrics);
    out->metrics = calloc(out->metric_count ? out->metric_count : 1, sizeof *out->metrics);
    if (!out->metrics)
        return fail(rd, where, "out of memory");
    const char *key;
    json_t *m;
    size_t i = 0;
    json_object_foreach(metrics, key, m)
    {
        if (!json_is_object(m))
            return fail(rd, where, "a metric is not an object");
        out->metrics[i].name = strdup(key);
        out->metrics[i].value = optional_number(rd, m, where, "value", &st);
        out->metrics[i].unit = optional_string(rd, m, where, "unit", &st);
        i++;
    }
    return st;
}

/* Version 4: "external": {"source", "peer", ["claim", "variant"], "facts"}. */
static int read_case_external(const struct reader *rd, json_t *c, const char *where,
                              struct hp_result_case *out)
{
    int st = 0;
    json_t *x = member(rd, c, where, "external", JSON_OBJECT, true, &st);
    if (st != 0 || !x)
        return st;
    char sub[96];
    snprintf(sub, sizeof sub, "%s.external", where);
    out->source = required_string(rd, x, sub, "source", &st);
    out->peer = required_string(rd, x, sub, "peer", &st);
    out->claim = optional_string(rd, x, sub, "claim", &st);
    out->variant = optional_string(rd, x, sub, "variant", &st);
    return st;
}

static int read_case(const struct reader *rd, json_t *c, size_t index, bool complete,
                     struct hp_result_case *out)
{
    char where[64];
    snprintf(where, sizeof where, "cases[%zu]", index);
    if (!json_is_object(c))
        return fail(rd, where, "is not an object");
    if (read_case_identity(rd, c, where, out) != 0 ||
        read_case_samples(rd, c, where, complete, out) != 0 ||
        read_case_counts(rd, c, where, out) != 0 || read_case_latency(rd, c, where, out) != 0 ||
        read_case_external(rd, c, where, out) != 0 || read_case_params(rd, c, where, out) != 0)
        return -1;
    return read_case_metrics(rd, c, where, out);
}

static int compare_names(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static int refuse_duplicate_names(const struct reader *rd, const struct hp_results *r)
{
    char **names = malloc((r->case_count ? r->case_count : 1) * sizeof *names);
    if (!names)
        return fail(rd, "cases", "out of memory");
    for (size_t i = 0; i < r->case_count; i++)
        names[i] = r->cases[i].name;
    qsort(names, r->case_count, sizeof *names, compare_names);
    for (size_t i = 1; i < r->case_count; i++)
        if (strcmp(names[i - 1], names[i]) == 0) {
            char problem[400];
            snprintf(problem, sizeof problem, "two cases are named \"%s\"", names[i]);
            free(names);
            return fail(rd, "cases", problem);
        }
    free(names);
    return 0;
}

static int read_finding(const struct reader *rd, json_t *f, size_t index,
                        struct hp_result_finding *out)
{
    char where[64];
    snprintf(where, sizeof where, "validity.findings[%zu]", index);
    if (!json_is_object(f))
        return fail(rd, where, "is not an object");
    int st = 0;
    out->severity = required_string(rd, f, where, "severity", &st);
    out->check = required_string(rd, f, where, "check", &st);
    out->text = required_string(rd, f, where, "text", &st);
    if (st != 0)
        return st;
    if (strcmp(out->severity, "info") != 0 && strcmp(out->severity, "warning") != 0 &&
        strcmp(out->severity, "unreliable") != 0)
        return fail(rd, where, "severity is none of \"info\", \"warning\", \"unreliable\"");
    json_t *samples = member(rd, f, where, "samples", JSON_ARRAY, true, &st);
    if (st != 0 || !samples)
        return st;
    json_t *a = json_array_get(samples, 0), *b = json_array_get(samples, 1);
    if (json_array_size(samples) != 2 || !json_is_integer(a) || !json_is_integer(b) ||
        json_integer_value(a) < 1 || json_integer_value(b) < json_integer_value(a))
        return fail(rd, where, "samples is not [first, last], 1 <= first <= last");
    out->first_sample = (unsigned)json_integer_value(a);
    out->last_sample = (unsigned)json_integer_value(b);
    return 0;
}

/* Version 5: "validity": {"reliable", "findings": [...], ...}; absent before. */
static int read_validity(const struct reader *rd, json_t *root, struct hp_result_validity *v)
{
    int st = 0;
    v->reliable = true;
    json_t *o = member(rd, root, "", "validity", JSON_OBJECT, true, &st);
    if (st != 0 || !o)
        return st;
    v->recorded = true;
    json_t *reliable = required(rd, o, "validity", "reliable", JSON_TRUE, &st);
    json_t *findings = required(rd, o, "validity", "findings", JSON_ARRAY, &st);
    if (st != 0)
        return st;
    v->reliable = json_is_true(reliable);
    v->finding_count = json_array_size(findings);
    v->findings = calloc(v->finding_count ? v->finding_count : 1, sizeof *v->findings);
    if (!v->findings)
        return fail(rd, "validity", "out of memory");
    for (size_t i = 0; i < v->finding_count; i++)
        if (read_finding(rd, json_array_get(findings, i), i, &v->findings[i]) != 0)
            return -1;
    return 0;
}

/* One shape's name, as complexity.h names them; -1 after a failure. */
static int read_shape(const struct reader *rd, json_t *o, const char *where, const char *key,
                      int *st)
{
    json_t *v = required(rd, o, where, key, JSON_STRING, st);
    int shape = v ? hp_big_o_find(json_string_value(v)) : -1;
    if (*st == 0 && shape < 0)
        *st = fail(rd, where, "names a shape that is not O(1), O(log n), O(n) or O(n log n)");
    return shape;
}

/* The fit's cases, by name: each must be a case of the file with the fitted parameter. */
static int read_fit_cases(const struct reader *rd, const struct hp_results *r, json_t *names,
                          const char *where, struct hp_result_fit *out)
{
    out->cases = calloc(json_array_size(names) + 1, sizeof *out->cases);
    if (!out->cases)
        return fail(rd, where, "out of memory");
    size_t i;
    json_t *name;
    json_array_foreach(names, i, name)
    {
        const struct hp_result_case *c =
            json_is_string(name) ? hp_results_find(r, json_string_value(name)) : NULL;
        uint64_t value;
        if (!c || !hp_result_case_param(c, out->parameter, &value))
            return fail(rd, where,
                        "names a case the file does not have, or one without the "
                        "fitted parameter");
        out->cases[out->case_count++] = c;
    }
    return 0;
}

static int read_fit(const struct reader *rd, const struct hp_results *r, json_t *f, size_t index,
                    struct hp_result_fit *out)
{
    char where[64];
    snprintf(where, sizeof where, "complexity[%zu]", index);
    if (!json_is_object(f))
        return fail(rd, where, "is not an object");
    int st = 0;
    for (int s = 0; s < HP_BIG_O_COUNT; s++)
        out->shape_coefficient[s] = out->shape_rms[s] = NAN;
    out->workload = required_string(rd, f, where, "workload", &st);
    out->parameter = required_string(rd, f, where, "parameter", &st);
    json_t *names = required(rd, f, where, "cases", JSON_ARRAY, &st);
    int best = read_shape(rd, f, where, "best", &st);
    out->coefficient = required_number(rd, f, where, "coefficient", &st);
    out->rms = optional_nonnegative(rd, f, where, "rms", &st);
    out->ambiguous = optional_bool(rd, f, where, "ambiguous", &st);
    int runner_up =
        json_object_get(f, "runner_up") ? read_shape(rd, f, where, "runner_up", &st) : best;
    if (st != 0 || read_fit_cases(rd, r, names, where, out) != 0)
        return -1;
    out->best = (enum hp_big_o)best;
    out->runner_up = (enum hp_big_o)runner_up;
    json_t *shapes = member(rd, f, where, "fits", JSON_ARRAY, true, &st);
    size_t i;
    json_t *s;
    json_array_foreach(shapes, i, s)
    {
        int shape = json_is_object(s) ? read_shape(rd, s, where, "shape", &st) : -1;
        if (st != 0 || shape < 0)
            return st ? st : fail(rd, where, "a fit is not an object");
        out->shape_coefficient[shape] = required_number(rd, s, where, "coefficient", &st);
        out->shape_rms[shape] = optional_nonnegative(rd, s, where, "rms", &st);
    }
    return st;
}

static int read_fits(const struct reader *rd, json_t *root, struct hp_results *r)
{
    int st = 0;
    json_t *fits = member(rd, root, "", "complexity", JSON_ARRAY, true, &st);
    if (st != 0 || !fits)
        return st;
    r->fits = calloc(json_array_size(fits) + 1, sizeof *r->fits);
    if (!r->fits)
        return fail(rd, "complexity", "out of memory");
    for (size_t i = 0; i < json_array_size(fits); i++) {
        r->fit_count++;
        if (read_fit(rd, r, json_array_get(fits, i), i, &r->fits[i]) != 0)
            return -1;
    }
    return 0;
}

/* The machine floors, every one optional (absent or null reads as NAN). */
static void read_floors(const struct reader *rd, json_t *root, struct hp_result_floors *f, int *st)
{
    json_t *floors = member(rd, root, "", "floors", JSON_OBJECT, true, st);
    f->monotonic_read_ns = optional_nonnegative(rd, floors, "floors", "monotonic_read_ns", st);
    f->tsc_read_ns = optional_nonnegative(rd, floors, "floors", "tsc_read_ns", st);
    f->l1_load_ns = optional_nonnegative(rd, floors, "floors", "l1_load_ns", st);
    f->cas_ns = optional_nonnegative(rd, floors, "floors", "cas_ns", st);
    f->handoff_ns = optional_nonnegative(rd, floors, "floors", "handoff_ns", st);
    f->syscall_ns = optional_nonnegative(rd, floors, "floors", "syscall_ns", st);
    f->wakeup_ns = optional_nonnegative(rd, floors, "floors", "wakeup_ns", st);
}

static int read_document(struct reader *rd, json_t *root, struct hp_results *r)
{
    int st = 0;
    if (!json_is_object(root))
        return fail(rd, "(top level)", "is not a JSON object");
    json_t *format = json_object_get(root, "format");
    if (!json_is_string(format) || strcmp(json_string_value(format), HP_RESULTS_FORMAT) != 0)
        return fail(rd, "format", "is not \"" HP_RESULTS_FORMAT "\": not a hotpath results file");
    json_t *version = required(rd, root, "", "version", JSON_INTEGER, &st);
    if (st != 0)
        return st;
    if (json_integer_value(version) < 1 || json_integer_value(version) > HP_RESULTS_VERSION) {
        char problem[128];
        snprintf(problem, sizeof problem, "is %lld; this hotpath reads versions 1 to %d",
                 (long long)json_integer_value(version), HP_RESULTS_VERSION);
        return fail(rd, "version", problem);
    }
    rd->version = (int)json_integer_value(version);
    r->version = rd->version;
    json_t *complete = required(rd, root, "", "complete", JSON_TRUE, &st);
    r->complete = complete && json_is_true(complete);
    r->started = required_string(rd, root, "", "started", &st);
    r->started_epoch_s = required_number(rd, root, "", "started_epoch_s", &st);
    r->duration_s = required_number(rd, root, "", "duration_s", &st);
    if (st == 0 && r->duration_s < 0)
        return fail(rd, "duration_s", "is negative, which no run can last");
    r->command = required_string(rd, root, "", "command", &st);

    json_t *machine = required(rd, root, "", "machine", JSON_OBJECT, &st);
    r->machine_fingerprint = required_string(rd, machine, "machine", "fingerprint", &st);
    r->cpu_model = required_string(rd, machine, "machine", "cpu_model", &st);
    r->kernel = optional_string(rd, machine, "machine", "kernel", &st);
    r->hostname = optional_string(rd, machine, "machine", "hostname", &st);
    r->cpus_online = (unsigned)required_count(rd, machine, "machine", "cpus_online", &st);

    json_t *build = required(rd, root, "", "build", JSON_OBJECT, &st);
    r->build_type = required_string(rd, build, "build", "type", &st);
    r->compiler = optional_string(rd, build, "build", "compiler", &st);
    r->git_commit = optional_string(rd, build, "build", "git_commit", &st);
    r->allocator = optional_string(rd, build, "build", "allocator", &st);
    r->git_dirty = optional_bool(rd, build, "build", "git_dirty", &st);

    json_t *config = required(rd, root, "", "config", JSON_OBJECT, &st);
    r->seed = required_count(rd, config, "config", "seed", &st);
    r->config_samples = (unsigned)required_count(rd, config, "config", "samples", &st);
    r->target_sample_ns = required_number(rd, config, "config", "target_sample_ns", &st);
    if (st == 0 && r->target_sample_ns <= 0)
        return fail(rd, "config.target_sample_ns", "is not a positive time");

    read_floors(rd, root, &r->floors, &st);
    json_t *perf = member(rd, root, "", "perf_counters", JSON_OBJECT, true, &st);
    r->perf_available = optional_bool(rd, perf, "perf_counters", "available", &st);
    r->harness_overhead_ns = optional_nonnegative(rd, root, "", "harness_overhead_ns_per_op", &st);
    if (st == 0)
        st = read_validity(rd, root, &r->validity);
    json_t *cache = member(rd, root, "", "cache", JSON_OBJECT, true, &st);
    if (cache) {
        r->llc_bytes = required_count(rd, cache, "cache", "llc_bytes", &st);
        r->llc_source = optional_string(rd, cache, "cache", "llc_source", &st);
    }

    json_t *cases = required(rd, root, "", "cases", JSON_ARRAY, &st);
    if (st != 0)
        return st;
    r->case_count = json_array_size(cases);
    r->cases = calloc(r->case_count ? r->case_count : 1, sizeof *r->cases);
    if (!r->cases)
        return fail(rd, "cases", "out of memory");
    for (size_t i = 0; i < r->case_count; i++)
        if (read_case(rd, json_array_get(cases, i), i, r->complete, &r->cases[i]) != 0)
            return -1;
    if (refuse_duplicate_names(rd, r) != 0)
        return -1;
    return read_fits(rd, root, r);
}

/* The document of FILE, read whole (a regular file of at most HP_RESULTS_MAX_BYTES) and parsed
 * with duplicate keys refused; NULL with err set. */
static json_t *load_json(const char *file, struct hp_error *err)
{
    char *text;
    size_t len;
    if (hp_file_read_regular(file, HP_RESULTS_MAX_BYTES, &text, &len, err) != 0)
        return NULL;
    const char *nul = memchr(text, '\0', len);
    if (nul) { /* jansson would take it for the end of the text */
        int line = 1;
        for (const char *p = text; p < nul; p++)
            line += *p == '\n';
        hp_error_set(err, "%s:%d: invalid JSON: a NUL byte, which JSON text cannot hold", file,
                     line);
        free(text);
        return NULL;
    }
    json_error_t jerr;
    json_t *root = json_loadb(text, len, JSON_REJECT_DUPLICATES, &jerr);
    free(text);
    if (root)
        return root;
    if (jerr.line > 0)
        hp_error_set(err, "%s:%d:%d: invalid JSON: %s", file, jerr.line, jerr.column, jerr.text);
    else
        hp_error_set(err, "%s: invalid JSON: %s", file, jerr.text);
    return NULL;
}

int hp_results_read(const char *path, struct hp_results *out, struct hp_error *err)
{
    memset(out, 0, sizeof *out);
    struct stat st;
    if (stat(path, &st) != 0)
        return hp_error_set(err, "%s: cannot read: no such file or directory", path);
    size_t len = strlen(path);
    char *file = malloc(len + sizeof "/results.json");
    if (!file)
        return hp_error_set(err, "%s: out of memory", path);
    if (S_ISDIR(st.st_mode)) {
        snprintf(file, len + sizeof "/results.json", "%s%sresults.json", path,
                 len > 0 && path[len - 1] == '/' ? "" : "/");
        out->dir = strdup(path);
    } else {
        memcpy(file, path, len + 1);
        const char *slash = strrchr(path, '/');
        out->dir = slash ? strndup(path, (size_t)(slash - path) + (slash == path)) : strdup(".");
    }
    out->path = file;

    json_t *root = load_json(file, err);
    if (!root) {
        hp_results_free(out);
        return -1;
    }
    out->json = root;
    struct reader rd = {.file = file, .err = err};
    if (read_document(&rd, root, out) != 0) {
        hp_results_free(out);
        return -1;
    }
    return 0;
}

int hp_results_need_cases(const struct hp_results *r, const char *what, struct hp_error *err)
{
    if (r->case_count > 0)
        return 0;
    return hp_error_set(err,
                        "%s: cases: is empty: the run measured no case, so there is nothing to %s",
                        r->path, what);
}

static void free_case(struct hp_result_case *c)
{
    free(c->name);
    free(c->workload);
    free(c->phase);
    free(c->source);
    free(c->peer);
    free(c->claim);
    free(c->variant);
    for (size_t i = 0; i < c->impl_count; i++) {
        free(c->impls[i].axis);
        free(c->impls[i].name);
    }
    free(c->impls);
    free(c->ns_per_op);
    free(c->ops_per_sec);
    free(c->cpu_ns_per_op);
    free(c->instructions_source);
    free(c->latency.hlog);
    for (size_t i = 0; i < c->metric_count; i++) {
        free(c->metrics[i].name);
        free(c->metrics[i].unit);
    }
    free(c->metrics);
    for (size_t i = 0; i < c->param_count; i++)
        free(c->params[i].name);
    free(c->params);
}

void hp_results_free(struct hp_results *r)
{
    for (size_t i = 0; r->validity.findings && i < r->validity.finding_count; i++) {
        free(r->validity.findings[i].severity);
        free(r->validity.findings[i].check);
        free(r->validity.findings[i].text);
    }
    free(r->validity.findings);
    free(r->llc_source);
    for (size_t i = 0; r->cases && i < r->case_count; i++)
        free_case(&r->cases[i]);
    free(r->cases);
    for (size_t i = 0; r->fits && i < r->fit_count; i++) {
        free(r->fits[i].workload);
        free(r->fits[i].parameter);
        free(r->fits[i].cases);
    }
    free(r->fits);
    free(r->dir);
    free(r->path);
    free(r->started);
    free(r->command);
    free(r->machine_fingerprint);
    free(r->cpu_model);
    free(r->kernel);
    free(r->hostname);
    free(r->build_type);
    free(r->compiler);
    free(r->git_commit);
    free(r->allocator);
    if (r->json)
        json_decref(r->json);
    memset(r, 0, sizeof *r);
}

const struct hp_result_case *hp_results_find(const struct hp_results *r, const char *name)
{
    for (size_t i = 0; i < r->case_count; i++)
        if (strcmp(r->cases[i].name, name) == 0)
            return &r->cases[i];
    return NULL;
}

const char *hp_result_case_impl(const struct hp_result_case *c, const char *axis)
{
    for (size_t i = 0; i < c->impl_count; i++)
        if (strcmp(c->impls[i].axis, axis) == 0)
            return c->impls[i].name;
    return NULL;
}

bool hp_result_case_param(const struct hp_result_case *c, const char *name, uint64_t *value)
{
    for (size_t i = 0; i < c->param_count; i++)
        if (strcmp(c->params[i].name, name) == 0) {
            *value = c->params[i].value;
            return true;
        }
    return false;
}

const struct hp_result_metric *hp_result_case_metric(const struct hp_result_case *c,
                                                     const char *name)
{
    for (size_t i = 0; i < c->metric_count; i++)
        if (strcmp(c->metrics[i].name, name) == 0)
            return &c->metrics[i];
    return NULL;
}
