/* The results.json reader (results/results_read.h, hp_results_read). Properties: a refusal is
 * one message naming the file; a file that loads has unique case names and finite positive
 * samples, and the document it loaded, written back, loads to an equal run (every field the
 * reader maps, the parameters and complexity fits of version 7 among them, absent numbers
 * staying absent). */
#include "fuzz_check.h"

#include <jansson.h>
#include <math.h>

#include "results_read.h"

static int same_number(double a, double b)
{
    return (isnan(a) && isnan(b)) || a == b;
}

static int same_string(const char *a, const char *b)
{
    return (!a && !b) || (a && b && strcmp(a, b) == 0);
}

static int same_samples(const double *a, const double *b, size_t n)
{
    if (!a || !b)
        return a == b;
    for (size_t i = 0; i < n; i++)
        if (!same_number(a[i], b[i]))
            return 0;
    return 1;
}

static int same_latency(const struct hp_result_latency *a, const struct hp_result_latency *b)
{
    return a->count == b->count && same_number(a->min_ns, b->min_ns) &&
           same_number(a->mean_ns, b->mean_ns) && same_number(a->p50_ns, b->p50_ns) &&
           same_number(a->p99_ns, b->p99_ns) && same_number(a->p9999_ns, b->p9999_ns) &&
           same_number(a->max_ns, b->max_ns) && same_string(a->hlog, b->hlog);
}

static int same_case(const struct hp_result_case *a, const struct hp_result_case *b)
{
    if (!same_string(a->name, b->name) || !same_string(a->workload, b->workload) ||
        !same_string(a->phase, b->phase) || a->overhead_probe != b->overhead_probe ||
        a->impl_count != b->impl_count || a->threads != b->threads ||
        a->latency_mode != b->latency_mode || a->samples != b->samples || a->noisy != b->noisy ||
        a->measured_ops != b->measured_ops ||
        !same_samples(a->ns_per_op, b->ns_per_op, a->samples) ||
        !same_samples(a->ops_per_sec, b->ops_per_sec, a->samples) ||
        !same_samples(a->cpu_ns_per_op, b->cpu_ns_per_op, a->samples) ||
        !same_number(a->allocs_per_op, b->allocs_per_op) ||
        !same_number(a->bytes_per_op, b->bytes_per_op) || a->has_perf != b->has_perf ||
        !same_number(a->instructions, b->instructions) ||
        !same_string(a->instructions_source, b->instructions_source) ||
        a->has_latency != b->has_latency || !same_latency(&a->latency, &b->latency) ||
        a->metric_count != b->metric_count)
        return 0;
    for (size_t i = 0; i < a->impl_count; i++)
        if (!same_string(a->impls[i].axis, b->impls[i].axis) ||
            !same_string(a->impls[i].name, b->impls[i].name))
            return 0;
    for (size_t i = 0; i < a->metric_count; i++)
        if (!same_string(a->metrics[i].name, b->metrics[i].name) ||
            !same_string(a->metrics[i].unit, b->metrics[i].unit) ||
            !same_number(a->metrics[i].value, b->metrics[i].value))
            return 0;
    return 1;
}

static int same_params(const struct hp_result_case *a, const struct hp_result_case *b)
{
    if (a->param_count != b->param_count)
        return 0;
    for (size_t i = 0; i < a->param_count; i++)
        if (!same_string(a->params[i].name, b->params[i].name) ||
            a->params[i].value != b->params[i].value)
            return 0;
    return 1;
}

static int same_fit(const struct hp_result_fit *a, const struct hp_result_fit *b)
{
    if (!same_string(a->workload, b->workload) || !same_string(a->parameter, b->parameter) ||
        a->case_count != b->case_count || a->best != b->best || a->runner_up != b->runner_up ||
        a->ambiguous != b->ambiguous || !same_number(a->coefficient, b->coefficient) ||
        !same_number(a->rms, b->rms))
        return 0;
    for (size_t i = 0; i < a->case_count; i++)
        if (!same_string(a->cases[i]->name, b->cases[i]->name))
            return 0;
    for (int s = 0; s < HP_BIG_O_COUNT; s++)
        if (!same_number(a->shape_coefficient[s], b->shape_coefficient[s]) ||
            !same_number(a->shape_rms[s], b->shape_rms[s]))
            return 0;
    return 1;
}

static int same_run(const struct hp_results *a, const struct hp_results *b)
{
    if (a->complete != b->complete || !same_string(a->started, b->started) ||
        !same_number(a->duration_s, b->duration_s) || !same_string(a->command, b->command) ||
        !same_string(a->machine_fingerprint, b->machine_fingerprint) ||
        !same_string(a->build_type, b->build_type) || !same_string(a->compiler, b->compiler) ||
        a->git_dirty != b->git_dirty || a->seed != b->seed ||
        a->config_samples != b->config_samples ||
        !same_number(a->floors.cas_ns, b->floors.cas_ns) ||
        !same_number(a->floors.syscall_ns, b->floors.syscall_ns) ||
        !same_number(a->floors.wakeup_ns, b->floors.wakeup_ns) ||
        !same_number(a->harness_overhead_ns, b->harness_overhead_ns) ||
        a->case_count != b->case_count || a->fit_count != b->fit_count)
        return 0;
    for (size_t i = 0; i < a->case_count; i++)
        if (!same_case(&a->cases[i], &b->cases[i]) || !same_params(&a->cases[i], &b->cases[i]))
            return 0;
    for (size_t i = 0; i < a->fit_count; i++)
        if (!same_fit(&a->fits[i], &b->fits[i]))
            return 0;
    return 1;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *path = fuzz_file(0, data, size);
    struct hp_results r;
    struct hp_error err = {{0}};
    if (hp_results_read(path, &r, &err) != 0) {
        FUZZ_CHECK(strncmp(err.message, path, strlen(path)) == 0, "message: %s", err.message);
        return 0;
    }
    for (size_t i = 0; i < r.case_count; i++) {
        const struct hp_result_case *c = &r.cases[i];
        FUZZ_CHECK(hp_results_find(&r, c->name) == c, "case name %s twice", c->name);
        for (size_t s = 0; s < c->samples; s++)
            FUZZ_CHECK(isfinite(c->ns_per_op[s]) && c->ns_per_op[s] > 0, "%s: sample %zu", c->name,
                       s);
    }
    char *text = json_dumps(r.json, JSON_COMPACT);
    FUZZ_CHECK(text != NULL, "the document does not dump");
    const char *again_path = fuzz_file(1, text, strlen(text));
    struct hp_results again;
    FUZZ_CHECK(hp_results_read(again_path, &again, &err) == 0, "written back, refused: %s",
               err.message);
    FUZZ_CHECK(same_run(&r, &again), "written back, it loads to another run");
    hp_results_free(&again);
    free(text);
    hp_results_free(&r);
    return 0;
}
