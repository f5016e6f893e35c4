/* Parameter sweeps (`run --param`), complexity fits and what structures hold:
 *   - the --param syntax and its refusals, on the parser and on the command line;
 *   - fits recover known shapes from synthetic data, exact and noisy, and say when the points
 *     cannot tell two shapes apart; a demo case whose work is linear in n fits O(n);
 *   - the held-memory window reports exactly the bytes the allocation counter saw for a known
 *     structure, as requested and as the allocator gave them, and the results carry them.
 */
#include <criterion/criterion.h>

#include <malloc.h>
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "alloc_count.h"
#include "complexity.h"
#include "results_read.h"
#include "run_captured.h"
#include "values.h"

/* ---- --param ---------------------------------------------------------------------------- */

static void parse_ok(const char *text, const char *name, const uint64_t *expected, size_t count)
{
    struct hp_param_values v;
    struct hp_error err = {{0}};
    cr_assert_eq(hp_parse_param(text, &v, &err), 0, "%s: %s", text, err.message);
    cr_assert_str_eq(v.name, name);
    cr_assert_eq(v.count, count, "%s: %zu values", text, v.count);
    for (size_t i = 0; i < count; i++)
        cr_assert_eq(v.values[i], expected[i], "%s: value %zu is %llu", text, i,
                     (unsigned long long)v.values[i]);
}

static void parse_refused(const char *text, const char *needle)
{
    struct hp_param_values v;
    struct hp_error err = {{0}};
    cr_assert_neq(hp_parse_param(text, &v, &err), 0, "%s was accepted", text);
    cr_assert(strstr(err.message, needle), "%s: expected '%s' in: %s", text, needle, err.message);
}

Test(sweeps, param_lists_ranges_and_suffixes)
{
    parse_ok("routes=10,100,1k,10k,100k", "routes", (uint64_t[]){10, 100, 1000, 10000, 100000}, 5);
    parse_ok("routes=10..100k", "routes", (uint64_t[]){10, 100, 1000, 10000, 100000}, 5);
    parse_ok("n=1k..8k*2", "n", (uint64_t[]){1000, 2000, 4000, 8000}, 4);
    parse_ok("depth=2..8+2", "depth", (uint64_t[]){2, 4, 6, 8}, 4);
    parse_ok("n=10..50k", "n", (uint64_t[]){10, 100, 1000, 10000, 50000}, 5); /* B included */
    parse_ok("n=2M,7", "n", (uint64_t[]){2000000, 7}, 2);
    parse_ok("n=5..5", "n", (uint64_t[]){5}, 1);
}

Test(sweeps, param_refusals_name_the_problem)
{
    parse_refused("routes", "expected NAME=LIST");
    parse_refused("Routes=1", "lower-case identifier");
    parse_refused("routes=", "an empty item");
    parse_refused("routes=1,,2", "an empty item");
    parse_refused("routes=1x", "'1x' is not a number");
    parse_refused("routes=k", "'k' is not a number");
    parse_refused("routes=100..10", "runs backwards");
    parse_refused("routes=0..10", "never grows");
    parse_refused("routes=1..10*1", "never grows");
    parse_refused("routes=1..10+0", "never grows");
    parse_refused("routes=10,1k,10", "listed twice");
    parse_refused("routes=1..1M+1", "more than 32 values");
    parse_refused("routes=2000000M", "too large");
}

struct outcome {
    int status;
    char out[1 << 16], err[1 << 16];
};

/* Runs hotpath in a fresh directory (*dir, kept for the caller to read). */
static void run_in(char *dir, const char *args, struct outcome *o)
{
    strcpy(dir, "/tmp/hotpath-sweeps-XXXXXX");
    cr_assert_not_null(mkdtemp(dir));
    char cmd[4096];
    snprintf(cmd, sizeof cmd, "cd %s && %s %s", dir, HOTPATH_BINARY, args);
    o->status = run_captured(cmd, dir, o->out, sizeof o->out, o->err, sizeof o->err);
}

static void remove_dir(const char *dir)
{
    char cmd[512];
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    cr_assert_eq(system(cmd), 0);
}

static struct outcome shared_outcome;

static void expect_refusal(const char *args, const char *needle)
{
    char dir[64];
    struct outcome *o = &shared_outcome;
    run_in(dir, args, o);
    cr_assert_eq(o->status, 2, "`hotpath %s`: exit %d, stderr: %s", args, o->status, o->err);
    cr_assert_str_empty(o->out, "`hotpath %s` printed: %s", args, o->out);
    cr_assert_eq(strchr(o->err, '\n'), o->err + strlen(o->err) - 1, "one line: %s", o->err);
    cr_assert(strstr(o->err, needle), "`hotpath %s`: expected '%s' in: %s", args, needle, o->err);
    char results[128];
    snprintf(results, sizeof results, "%s/r", dir);
    cr_assert_neq(access(results, F_OK), 0, "`hotpath %s` wrote results", args);
    remove_dir(dir);
}

Test(sweeps, run_refuses_an_unknown_parameter_once_with_exit_2)
{
    expect_refusal("run --workload router/github/all --param routes=10,100 --out r",
                   "--param routes: no selected workload takes a parameter 'routes' "
                   "(router/github/all takes none;");
    expect_refusal("run --workload demo/steps --param routes=10 --out r", "(demo/steps takes n;");
    expect_refusal("run --workload demo/steps --param n=0,10 --out r",
                   "--param n: 0 is out of range for workload demo/steps");
    expect_refusal("run --workload demo/steps --param n=10 --param n=20 --out r",
                   "--param n is given twice");
    expect_refusal("run --workload demo/steps --param n=1..x --out r", "'x' is not a number");
}

/* ---- fits ------------------------------------------------------------------------------- */

static const double sweep[] = {10, 100, 1000, 10000, 100000};

static void expect_fit(enum hp_big_o shape, double noise, bool expect_ambiguous)
{
    double t[5];
    uint64_t state = 12345;
    for (size_t i = 0; i < 5; i++) {
        state = state * 6364136223846793005ull + 1442695040888963407ull;
        double u = (double)(state >> 11) / 9007199254740992.0; /* [0, 1) */
        t[i] = 3.5 * hp_big_o_eval(shape, sweep[i]) * (1 + noise * (2 * u - 1));
    }
    struct hp_fit fit;
    cr_assert_eq(hp_fit_complexity(sweep, t, 5, &fit), 0);
    cr_assert_eq(fit.best, shape, "%s%s data fitted as %s", noise ? "noisy " : "",
                 hp_big_o_name(shape), hp_big_o_name(fit.best));
    if (noise == 0) {
        cr_assert_float_eq(fit.shapes[shape].coefficient, 3.5, 1e-9);
        cr_assert_float_eq(fit.shapes[shape].rms, 0, 1e-12);
    } else {
        cr_assert_lt(fit.shapes[shape].rms, noise);
        cr_assert_float_eq(fit.shapes[shape].coefficient, 3.5, 3.5 * noise);
    }
    cr_assert_eq(fit.ambiguous, expect_ambiguous, "%s: ambiguous %d", hp_big_o_name(shape),
                 fit.ambiguous);
}

Test(sweeps, fits_recover_every_shape_exactly)
{
    for (int s = 0; s < HP_BIG_O_COUNT; s++)
        expect_fit((enum hp_big_o)s, 0, false);
}

Test(sweeps, fits_recover_every_shape_through_5_percent_noise)
{
    for (int s = 0; s < HP_BIG_O_COUNT; s++)
        expect_fit((enum hp_big_o)s, 0.05, false);
}

Test(sweeps, a_range_too_narrow_to_tell_shapes_apart_is_ambiguous)
{
    /* O(n) over 1000..1200: n log n differs by 2.6% across it, so both fit within 0.05. */
    const double n[] = {1000, 1100, 1200};
    double t[3];
    for (size_t i = 0; i < 3; i++)
        t[i] = 2 * n[i];
    struct hp_fit fit;
    cr_assert_eq(hp_fit_complexity(n, t, 3, &fit), 0);
    cr_assert_eq(fit.best, HP_O_N);
    cr_assert(fit.ambiguous);
    cr_assert_eq(fit.runner_up, HP_O_N_LOG_N, "runner-up %s", hp_big_o_name(fit.runner_up));
    /* ...while one slow point on top of a linear sweep does not make it n log n. */
    double t2[5];
    for (size_t i = 0; i < 5; i++)
        t2[i] = 1.1 * sweep[i] * (i == 4 ? 1.7 : 1);
    cr_assert_eq(hp_fit_complexity(sweep, t2, 5, &fit), 0);
    cr_assert_eq(fit.best, HP_O_N, "one slow top point: %s", hp_big_o_name(fit.best));
}

Test(sweeps, fits_refuse_too_few_points_and_bad_values)
{
    struct hp_fit fit;
    cr_assert_neq(hp_fit_complexity((double[]){10, 100}, (double[]){1, 2}, 2, &fit), 0);
    cr_assert_neq(hp_fit_complexity((double[]){10, 10, 100}, (double[]){1, 1, 2}, 3, &fit), 0);
    cr_assert_neq(hp_fit_complexity((double[]){0, 10, 100}, (double[]){1, 1, 2}, 3, &fit), 0);
    cr_assert_neq(hp_fit_complexity((double[]){1, 10, 100}, (double[]){1, 0, 2}, 3, &fit), 0);
    cr_assert_neq(hp_fit_complexity((double[]){1, 10, 100}, (double[]){1, NAN, 2}, 3, &fit), 0);
}

/* The demo case doing n dependent steps per op, swept over three decades: its fit in the
 * results file is O(n), its cases carry n, and the report draws the sweep. */
Test(sweeps, a_demo_case_with_linear_work_fits_o_n, .timeout = 300)
{
    char dir[64], path[128];
    struct outcome *o = &shared_outcome;
    run_in(dir,
           "run --workload demo/steps --param n=100..100k --samples 5 --target-time 2ms --quiet "
           "--out r",
           o);
    cr_assert_eq(o->status, 0, "%s", o->err);
    cr_assert(strstr(o->out, "demo/steps/n=1000/threads=1"), "%s", o->out);
    snprintf(path, sizeof path, "%s/r", dir);
    struct hp_results r;
    struct hp_error err = {{0}};
    cr_assert_eq(hp_results_read(path, &r, &err), 0, "%s", err.message);
    cr_assert_eq(r.fit_count, 1);
    const struct hp_result_fit *f = &r.fits[0];
    cr_assert_str_eq(f->workload, "demo/steps");
    cr_assert_str_eq(f->parameter, "n");
    cr_assert_eq(f->case_count, 4);
    cr_assert_eq(f->best, HP_O_N, "fitted %s (rms %.3f)", hp_big_o_name(f->best), f->rms);
    uint64_t n;
    const struct hp_result_case *c = hp_results_find(&r, "demo/steps/n=10000/threads=1");
    cr_assert_not_null(c);
    cr_assert(hp_result_case_param(c, "n", &n));
    cr_assert_eq(n, 10000);
    hp_results_free(&r);
    snprintf(path, sizeof path, "report %s/r", dir);
    struct outcome *rep = malloc(sizeof *rep);
    char report_dir[64];
    run_in(report_dir, path, rep);
    cr_assert_eq(rep->status, 0, "%s", rep->err);
    remove_dir(report_dir);
    free(rep);
    char md[1 << 16];
    snprintf(path, sizeof path, "%s/r/report.md", dir);
    slurp(path, md, sizeof md);
    cr_assert(
        strstr(md, "| `demo/steps` | `n` | `demo/steps/1t` | 100 .. 100000 (4 values) | O(n)"),
        "%s", md);
    snprintf(path, sizeof path, "%s/r/charts/complexity-1.svg", dir);
    cr_assert_eq(access(path, F_OK), 0, "no complexity chart");
    remove_dir(dir);
}

/* ---- held memory ------------------------------------------------------------------------ */

static void *free_on_other_thread(void *p)
{
    free(p);
    return NULL;
}

Test(sweeps, held_bytes_are_the_counters_exact_bytes_of_a_known_structure)
{
    void *before_window = malloc(40);
    struct hp_alloc_counts c0, c1;
    cr_assert_eq(hp_alloc_held_begin(), 0);
    cr_assert_neq(hp_alloc_held_begin(), 0, "a second window opened inside the first");
    hp_alloc_counts_read(&c0);
    /* The structure: an array of 100 pointers and 100 blocks of 3 sizes. */
    enum { N = 100 };
    void **blocks = malloc(N * sizeof *blocks);
    size_t usable = malloc_usable_size(blocks);
    for (size_t i = 0; i < N; i++) {
        blocks[i] = i % 3 == 0 ? malloc(24) : i % 3 == 1 ? calloc(5, 20) : aligned_alloc(64, 192);
        usable += malloc_usable_size(blocks[i]);
    }
    hp_alloc_counts_read(&c1);
    struct hp_alloc_counts made = hp_alloc_counts_delta(&c0, &c1);
    /* Transient work the structure does not keep: made and freed, here and on another thread. */
    free(malloc(1000));
    char *grown = malloc(10);
    grown = realloc(grown, 5000);
    free(grown);
    void *elsewhere = malloc(77);
    pthread_t t;
    cr_assert_eq(pthread_create(&t, NULL, free_on_other_thread, elsewhere), 0);
    pthread_join(t, NULL);
    free(before_window); /* made before the window: ignored */
    struct hp_alloc_held held;
    hp_alloc_held_end(&held);
    cr_assert_eq(made.frees, 0);
    cr_assert_eq(held.blocks, made.allocs);
    cr_assert_eq(held.blocks, N + 1);
    cr_assert_eq(held.requested_bytes, made.bytes, "held %llu, counted %llu",
                 (unsigned long long)held.requested_bytes, (unsigned long long)made.bytes);
    cr_assert_eq(held.requested_bytes, N * 8 + 34 * 24 + 33 * 100 + 33 * 192);
    cr_assert_eq(held.usable_bytes, usable);
    cr_assert_geq(held.usable_bytes, held.requested_bytes);
    for (size_t i = 0; i < N; i++)
        free(blocks[i]);
    free(blocks);
    /* Closed: nothing is recorded any more. */
    cr_assert_eq(hp_alloc_held_begin(), 0);
    hp_alloc_held_end(&held);
    cr_assert_eq(held.blocks, 0);
}

static double metric(const struct hp_result_case *c, const char *name)
{
    const struct hp_result_metric *m = hp_result_case_metric(c, name);
    cr_assert_not_null(m, "%s has no metric %s", c->name, name);
    return m->value;
}

/* The same figures through a run: demo/held builds n blocks of 64 bytes and an array of n
 * pointers; every router, pool, context and header-writer case records what it holds. */
Test(sweeps, results_carry_held_bytes_per_case, .timeout = 300)
{
    char dir[64], path[128];
    struct outcome *o = &shared_outcome;
    run_in(dir,
           "run --workload demo/held,router/github/static,pool/get_put,context/acquire_release,"
           "header/set_serialize --router linear,radix --pool malloc,tls_cache --context inline "
           "--header_writer preallocated,prebuilt --param n=10,1000 "
           "--samples 2 --target-time 1ms --quiet --out r",
           o);
    cr_assert_eq(o->status, 0, "%s", o->err);
    snprintf(path, sizeof path, "%s/r", dir);
    struct hp_results r;
    struct hp_error err = {{0}};
    cr_assert_eq(hp_results_read(path, &r, &err), 0, "%s", err.message);
    const uint64_t ns[] = {10, 1000};
    for (size_t i = 0; i < 2; i++) {
        char name[64];
        snprintf(name, sizeof name, "demo/held/n=%llu/threads=1", (unsigned long long)ns[i]);
        const struct hp_result_case *c = hp_results_find(&r, name);
        cr_assert_not_null(c, "%s missing", name);
        cr_assert_eq(metric(c, "held_bytes"), 64.0 * ns[i] + 8.0 * ns[i]);
        cr_assert_eq(metric(c, "held_blocks"), ns[i] + 1);
        cr_assert_float_eq(metric(c, "held_bytes_per_block"), 72.0, 1e-9);
        cr_assert_geq(metric(c, "held_usable_bytes"), metric(c, "held_bytes"));
    }
    for (size_t i = 0; i < r.case_count; i++) {
        const struct hp_result_case *c = &r.cases[i];
        if (c->overhead_probe)
            continue;
        cr_assert_gt(metric(c, "held_bytes"), 0, "%s", c->name);
        cr_assert_geq(metric(c, "held_usable_bytes"), metric(c, "held_bytes"), "%s", c->name);
    }
    const struct hp_result_case *linear =
        hp_results_find(&r, "router/github/static/router=linear/threads=1"); /* 203 routes */
    cr_assert_not_null(linear);
    cr_assert_float_eq(metric(linear, "held_bytes_per_route") * 203, metric(linear, "held_bytes"),
                       1e-6);
    /* A header writer's route plan: one block each; prebuilt's holds the header lines besides
     * the names and values both copy. */
    const struct hp_result_case *preallocated =
        hp_results_find(&r, "header/set_serialize/header_writer=preallocated/threads=1");
    const struct hp_result_case *prebuilt =
        hp_results_find(&r, "header/set_serialize/header_writer=prebuilt/threads=1");
    cr_assert(preallocated && prebuilt, "the header writer cases are missing");
    cr_assert_eq(metric(preallocated, "held_blocks"), 1);
    cr_assert_eq(metric(prebuilt, "held_blocks"), 1);
    cr_assert_eq(metric(prebuilt, "held_bytes_per_plan"), metric(prebuilt, "held_bytes"));
    cr_assert_gt(metric(prebuilt, "held_bytes"), metric(preallocated, "held_bytes"));
    hp_results_free(&r);
    remove_dir(dir);
}
