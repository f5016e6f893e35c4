/* The measurement core against facts: exact allocation counts, the batch-size rule, case
 * expansion, the timer and floors, and the results directory. */
#include <criterion/criterion.h>

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "alloc_count.h"
#include "hlog.h"
#include "results_write.h"
#include "runner.h"
#include "selection.h"
#include "workload_table.h"

/* ---- allocation counter ----------------------------------------------------------------- */

Test(alloc_count, every_allocation_function_counts_once)
{
    struct hp_alloc_counts before, after;
    hp_alloc_counts_read(&before);
    void *a = malloc(10);
    void *b = calloc(4, 8);
    a = realloc(a, 100);
    void *c = aligned_alloc(64, 128);
    void *d = NULL;
    cr_assert_eq(posix_memalign(&d, 64, 256), 0);
    char *e = strdup("hello");
    char *f = strndup("hello world", 5);
    __asm__ volatile("" : : "r"(a), "r"(b), "r"(c), "r"(d), "r"(e), "r"(f) : "memory");
    free(a);
    free(b);
    free(c);
    free(d);
    free(e);
    free(f);
    free(NULL);
    hp_alloc_counts_read(&after);
    struct hp_alloc_counts delta = hp_alloc_counts_delta(&before, &after);
    cr_assert_eq(delta.allocs, 7, "allocs %llu", (unsigned long long)delta.allocs);
    cr_assert_eq(delta.bytes, 10 + 32 + 100 + 128 + 256 + 6 + 6);
    cr_assert_eq(delta.frees, 6, "free(NULL) is not a free");
}

Test(alloc_count, counts_are_per_thread)
{
    struct hp_alloc_counts before, after;
    hp_alloc_counts_read(&before);
    hp_alloc_counts_read(&after);
    cr_assert_eq(after.allocs - before.allocs, 0, "reading the counter allocates nothing");
}

/* ---- batch-size rule -------------------------------------------------------------------- */

Test(predict_n, grows_toward_target_with_headroom_and_rounds_up)
{
    /* 1 op took 1 us, target 10 ms: 10 ms * 1.2 / 1 us = 12000, but growth is capped at 100x. */
    cr_assert_eq(hp_predict_n(1, 1000, 10e6), 100);
    /* 100 ops took 100 us: want 12000, capped at 100x = 10000. */
    cr_assert_eq(hp_predict_n(100, 100e3, 10e6), 10000);
    /* 1000 ops took 1 ms: want 12000 -> rounded up to 20000 (1, 2, 3, 5 x 10^k). */
    cr_assert_eq(hp_predict_n(1000, 1e6, 10e6), 20000);
    /* 20000 ops took 5 ms: want 48000 -> 50000. */
    cr_assert_eq(hp_predict_n(20000, 5e6, 10e6), 50000);
    /* Slower than the target already: still grows by at least one. */
    cr_assert_eq(hp_predict_n(7, 50e6, 10e6), 10);
    /* A zero elapsed time (too fast to see) grows by the cap. */
    cr_assert_eq(hp_predict_n(3, 0, 10e6), 300);
    /* want 2500 -> 3000 */
    cr_assert_eq(hp_predict_n(1000, 4.8e6, 10e6), 3000);
}

/* ---- case expansion --------------------------------------------------------------------- */

Test(selection, expands_workloads_threads_and_modes)
{
    struct hp_selection sel;
    memset(&sel, 0, sizeof sel);
    sel.workload_patterns[0] = "demo/allocs-*";
    sel.workload_pattern_count = 1;
    sel.threads[0] = 1;
    sel.threads[1] = 2;
    sel.thread_count = 2;
    sel.batch = sel.latency = true;
    sel.add_overhead_probe = true;
    struct hp_case *cases;
    size_t count;
    struct hp_error err;
    cr_assert_eq(hp_selection_expand(&sel, &cases, &count, &err), 0, "%s", err.message);
    /* 3 workloads x 2 thread counts x 2 modes + the null case */
    cr_assert_eq(count, 13);
    cr_assert_str_eq(cases[0].name, "demo/allocs-0/threads=1");
    cr_assert_str_eq(cases[3].name, "demo/allocs-0/threads=2/latency");
    cr_assert_str_eq(cases[12].name, "null/threads=1");
    free(cases);
}

/* A workload's axis defaults stand in for axes the user did not name; `all` or a list
 * replaces them. */
Test(selection, axis_defaults_apply_unless_the_axis_is_named)
{
    struct hp_selection sel;
    memset(&sel, 0, sizeof sel);
    sel.workload_patterns[0] = "request/static";
    sel.workload_pattern_count = 1;
    sel.threads[0] = 1;
    sel.thread_count = 1;
    sel.batch = true;
    struct hp_case *cases;
    size_t count;
    struct hp_error err;
    cr_assert_eq(hp_selection_expand(&sel, &cases, &count, &err), 0, "%s", err.message);
    cr_assert_eq(count, 1, "one composition: every axis has a default");
    const struct hp_workload *w = hp_workload_find("request/static");
    cr_assert_not_null(w);
    for (int axis = 0; axis < HP_AXIS_COUNT; axis++)
        if (w->axes & HP_AXIS_BIT(axis))
            cr_assert_str_eq(cases[0].composition.impl[axis]->name, w->axis_default[axis]);
    free(cases);

    char all[] = "all";
    cr_assert_eq(hp_selection_set_impls(&sel, HP_AXIS_ROUTER, all, &err), 0);
    char two[] = "tls_cache,treiber";
    cr_assert_eq(hp_selection_set_impls(&sel, HP_AXIS_POOL, two, &err), 0);
    cr_assert_eq(hp_selection_expand(&sel, &cases, &count, &err), 0, "%s", err.message);
    cr_assert_eq(count, hp_axis_impl_count(HP_AXIS_ROUTER) * 2);
    free(cases);
}

Test(selection, refuses_a_pattern_that_matches_nothing)
{
    struct hp_selection sel;
    memset(&sel, 0, sizeof sel);
    sel.workload_patterns[0] = "no/such/*";
    sel.workload_pattern_count = 1;
    sel.threads[0] = 1;
    sel.thread_count = 1;
    sel.batch = true;
    struct hp_case *cases = NULL;
    size_t count = 0;
    struct hp_error err;
    cr_assert_neq(hp_selection_expand(&sel, &cases, &count, &err), 0);
    cr_assert(strstr(err.message, "no/such/*") != NULL, "%s", err.message);
}

/* ---- timer and floors ------------------------------------------------------------------- */

Test(timer, calibrates_and_measures_itself)
{
    struct hp_timer t;
    hp_timer_init(&t, false);
    cr_assert_gt(t.ns_per_tick, 0);
    cr_assert_gt(t.overhead_ns, 0);
    cr_assert_gt(t.resolution_ns, 0);
    cr_assert_not_null(t.why);
    if (t.source == HP_TIMER_TSC)
        cr_assert(hp_tsc_is_invariant(), "the TSC is used only when invariant");
    hp_timer_init(&t, true);
    cr_assert_eq(t.source, HP_TIMER_MONOTONIC);
    cr_assert_float_eq(t.ns_per_tick, 1.0, 1e-12);
}

Test(floors, every_floor_is_measured)
{
    struct hp_floors f;
    hp_floors_measure(&f);
    cr_assert_gt(f.monotonic_read_ns, 0);
    cr_assert_gt(f.l1_load_ns, 0);
    cr_assert_gt(f.cas_ns, 0);
    cr_assert_gt(f.syscall_ns, f.l1_load_ns, "a system call costs more than an L1 load");
    if (sysconf(_SC_NPROCESSORS_ONLN) > 1) {
        cr_assert_gt(f.handoff_ns, 0);
        /* A wake-up is two system calls and a sleeping thread scheduled again: dearer than
         * either a system call or a line moved between caches. */
        cr_assert_gt(f.wakeup_ns, f.syscall_ns, "wake-up %g ns, system call %g ns", f.wakeup_ns,
                     f.syscall_ns);
        cr_assert_gt(f.wakeup_ns, f.handoff_ns);
    }
}

/* ---- running cases ---------------------------------------------------------------------- */

static void quick_config(struct hp_run *run)
{
    memset(run, 0, sizeof *run);
    hp_run_config_defaults(&run->config);
    run->config.target_sample_ns = 1e6;
    run->config.samples = 3;
    run->config.quiet = true;
}

/* Runs `cases` with quick_config and asserts that the run succeeded; release `run` after. */
static void run_quick(struct hp_run *run, struct hp_case *cases, size_t n)
{
    quick_config(run);
    run->cases = cases;
    run->case_count = n;
    struct hp_error err;
    cr_assert_eq(hp_run_execute(run, &err), 0, "%s", err.message);
}

static struct hp_case make_case(const char *workload, unsigned threads, enum hp_mode mode)
{
    struct hp_case c;
    memset(&c, 0, sizeof c);
    c.workload = hp_workload_find(workload);
    cr_assert_not_null(c.workload, "workload %s", workload);
    c.threads = threads;
    c.mode = mode;
    hp_case_name(&c);
    return c;
}

Test(runner, allocation_counts_are_exact_on_one_and_several_threads)
{
    static const struct {
        const char *workload;
        uint64_t allocs_per_op;
    } expected[] = {{"demo/allocs-0", 0}, {"demo/allocs-1", 1}, {"demo/allocs-3", 3}};
    struct hp_case cases[12];
    size_t n = 0;
    for (size_t i = 0; i < 3; i++)
        for (unsigned threads = 1; threads <= 2; threads++)
            for (int mode = 0; mode < 2; mode++)
                cases[n++] = make_case(expected[i].workload, threads, (enum hp_mode)mode);
    struct hp_run run;
    quick_config(&run);
    run.cases = cases;
    run.case_count = n;
    struct hp_error err;
    cr_assert_eq(hp_run_execute(&run, &err), 0, "%s", err.message);
    for (size_t i = 0; i < n; i++) {
        const struct hp_case *c = &cases[i];
        uint64_t k = expected[i / 4].allocs_per_op;
        cr_assert_eq(c->samples_taken, 3, "%s", c->name);
        cr_assert_gt(c->measured_ops, 0);
        cr_assert_eq(c->allocs.allocs, k * c->measured_ops, "%s: %llu allocs for %llu ops", c->name,
                     (unsigned long long)c->allocs.allocs, (unsigned long long)c->measured_ops);
        cr_assert_eq(c->allocs.bytes, 64 * k * c->measured_ops, "%s", c->name);
        cr_assert_eq(c->allocs.frees, k * c->measured_ops, "%s", c->name);
        cr_assert_gt(c->summary.median, 0);
        cr_assert_leq(c->summary.ci_low, c->summary.median);
        cr_assert_geq(c->summary.ci_high, c->summary.median);
        if (c->mode == HP_MODE_LATENCY) {
            cr_assert(c->has_latency);
            cr_assert_eq((uint64_t)hp_hdr_total_count(&c->latency), c->measured_ops / c->group,
                         "%s: one value per timed group", c->name);
        }
    }
    hp_run_release(&run);
}

static uint64_t thread_local_setups;

static int counting_setup(const struct hp_case_params *p, void **shared, struct hp_error *err)
{
    (void)p;
    (void)err;
    *shared = NULL;
    return 0;
}

static int counting_thread_setup(void *shared, unsigned i, void **local, struct hp_error *err)
{
    (void)shared;
    (void)err;
    __atomic_add_fetch(&thread_local_setups, 1, __ATOMIC_RELAXED);
    *local = (void *)(uintptr_t)(i + 1);
    return 0;
}

static uint64_t checking_run(void *local, uint64_t n)
{
    /* Each thread must see the local state its own thread_setup made. */
    cr_assert_neq(local, NULL);
    return n;
}

static int failing_setup(const struct hp_case_params *p, void **shared, struct hp_error *err)
{
    (void)p;
    (void)shared;
    return hp_error_set(err, "routes/x.routes:3: broken on purpose");
}

Test(runner, thread_setup_runs_once_per_worker_and_setup_errors_refuse_the_run)
{
    struct hp_workload ok = {.name = "t/ok",
                             .setup = counting_setup,
                             .thread_setup = counting_thread_setup,
                             .run = checking_run};
    struct hp_workload bad = {.name = "t/bad", .setup = failing_setup, .run = checking_run};
    struct hp_case cases[2];
    memset(cases, 0, sizeof cases);
    cases[0].workload = &ok;
    cases[0].threads = 3;
    hp_case_name(&cases[0]);
    struct hp_run run;
    quick_config(&run);
    run.cases = cases;
    run.case_count = 1;
    struct hp_error err;
    cr_assert_eq(hp_run_execute(&run, &err), 0, "%s", err.message);
    cr_assert_eq(thread_local_setups, 3);
    hp_run_release(&run);

    cases[1].workload = &bad;
    cases[1].threads = 1;
    hp_case_name(&cases[1]);
    quick_config(&run);
    run.cases = cases;
    run.case_count = 2;
    memset(&cases[0].summary, 0, sizeof cases[0].summary);
    cases[0].samples_taken = 0;
    cases[0].measured_ops = 0;
    cr_assert_neq(hp_run_execute(&run, &err), 0);
    cr_assert(strstr(err.message, "routes/x.routes:3: broken on purpose") != NULL, "%s",
              err.message);
    cr_assert_eq(cases[0].samples_taken, 0, "nothing is measured when a case cannot be set up");
    hp_run_release(&run);
}

/* sample_begin/sample_end bracket every run() call of their own case, on both modes and
 * several threads, and never another case's. */
struct bracket_state {
    int open;         /* atomic: 1 between sample_begin and sample_end */
    int begins, ends; /* main thread only */
    int runs_outside; /* atomic */
    int runs_inside;  /* atomic */
};

static struct bracket_state bracketed, unbracketed;

static int bracket_setup(const struct hp_case_params *p, void **shared, struct hp_error *err)
{
    (void)err;
    (void)p;
    *shared = &bracketed;
    return 0;
}

static int plain_setup(const struct hp_case_params *p, void **shared, struct hp_error *err)
{
    (void)p;
    (void)err;
    *shared = &unbracketed;
    return 0;
}

static uint64_t bracket_run(void *local, uint64_t n)
{
    /* The other case's run must find the bracketed case closed: samples never overlap. */
    (void)local;
    bool open = __atomic_load_n(&bracketed.open, __ATOMIC_ACQUIRE);
    __atomic_add_fetch(open ? &bracketed.runs_inside : &bracketed.runs_outside, 1,
                       __ATOMIC_RELAXED);
    return n;
}

static uint64_t plain_run(void *local, uint64_t n)
{
    (void)local;
    if (__atomic_load_n(&bracketed.open, __ATOMIC_ACQUIRE))
        __atomic_add_fetch(&unbracketed.runs_inside, 1, __ATOMIC_RELAXED);
    return n;
}

static void bracket_begin(void *shared)
{
    struct bracket_state *b = shared;
    b->begins++;
    __atomic_store_n(&b->open, 1, __ATOMIC_RELEASE);
}

static void bracket_end(void *shared)
{
    struct bracket_state *b = shared;
    b->ends++;
    __atomic_store_n(&b->open, 0, __ATOMIC_RELEASE);
}

Test(runner, sample_hooks_bracket_every_sample_of_their_case_only)
{
    struct hp_workload hooked = {.name = "t/hooked",
                                 .setup = bracket_setup,
                                 .run = bracket_run,
                                 .sample_begin = bracket_begin,
                                 .sample_end = bracket_end};
    struct hp_workload plain = {.name = "t/plain", .setup = plain_setup, .run = plain_run};
    struct hp_case cases[3];
    memset(cases, 0, sizeof cases);
    cases[0].workload = &hooked;
    cases[0].threads = 2;
    cases[1].workload = &hooked;
    cases[1].threads = 1;
    cases[1].mode = HP_MODE_LATENCY;
    cases[2].workload = &plain;
    cases[2].threads = 2;
    for (int i = 0; i < 3; i++)
        hp_case_name(&cases[i]);
    struct hp_run run;
    run_quick(&run, cases, 3);
    cr_assert_gt(bracketed.begins, 2 * 3, "every measured sample of both hooked cases");
    cr_assert_eq(bracketed.begins, bracketed.ends);
    cr_assert_gt(bracketed.runs_inside, 0);
    cr_assert_eq(bracketed.runs_outside, 0, "a run of the hooked case outside its bracket");
    cr_assert_eq(unbracketed.runs_inside, 0, "another case ran inside the hooked case's bracket");
    hp_run_release(&run);
}

Test(runner, a_workload_latency_group_is_used_unless_the_run_names_one)
{
    struct hp_workload fixed = {
        .name = "t/fixed", .setup = plain_setup, .run = plain_run, .latency_group = 3};
    struct hp_case c;
    memset(&c, 0, sizeof c);
    c.workload = &fixed;
    c.threads = 1;
    c.mode = HP_MODE_LATENCY;
    hp_case_name(&c);
    struct hp_run run;
    run_quick(&run, &c, 1);
    cr_assert_eq(c.group, 3, "the workload's group, not the automatic one");
    cr_assert_eq((uint64_t)hp_hdr_total_count(&c.latency), c.measured_ops / 3);
    hp_run_release(&run);

    memset(&c, 0, sizeof c);
    c.workload = &fixed;
    c.threads = 1;
    c.mode = HP_MODE_LATENCY;
    hp_case_name(&c);
    quick_config(&run);
    run.config.latency_group = 5;
    run.cases = &c;
    run.case_count = 1;
    struct hp_error err;
    cr_assert_eq(hp_run_execute(&run, &err), 0, "%s", err.message);
    cr_assert_eq(c.group, 5, "--latency-group overrides the workload's");
    hp_run_release(&run);
}

/* ---- results directory ------------------------------------------------------------------ */

static int count_interval(const struct hp_hlog_interval *interval, void *ctx)
{
    (*(int64_t *)ctx) += hp_hdr_total_count(interval->histogram);
    return 0;
}

static void run_and_write(struct hp_run *run, struct hp_case *cases, size_t n, const char *dir,
                          bool interrupted, char *written, size_t written_size)
{
    quick_config(run);
    run->cases = cases;
    run->case_count = n;
    struct hp_error err;
    cr_assert_eq(hp_run_execute(run, &err), 0, "%s", err.message);
    run->interrupted = interrupted;
    static struct hp_results_dir out;
    cr_assert_eq(hp_results_dir_reserve(&out, dir, &err), 0, "%s", err.message);
    cr_assert_eq(hp_results_write(run, &out, "hotpath run (test)", written, written_size, &err), 0,
                 "%s", err.message);
}

Test(results, a_complete_run_writes_every_file)
{
    char base[] = "/tmp/hotpath-test-XXXXXX";
    cr_assert_not_null(mkdtemp(base));
    char dir[256];
    snprintf(dir, sizeof dir, "%s/run", base);
    struct hp_case cases[3] = {make_case("null", 1, HP_MODE_BATCH),
                               make_case("demo/allocs-1", 2, HP_MODE_BATCH),
                               make_case("demo/allocs-1", 1, HP_MODE_LATENCY)};
    struct hp_run run;
    char written[512];
    run_and_write(&run, cases, 3, dir, false, written, sizeof written);
    cr_assert_str_eq(written, dir);

    char path[512];
    json_error_t jerr;
    snprintf(path, sizeof path, "%s/results.json", dir);
    json_t *root = json_load_file(path, 0, &jerr);
    cr_assert_not_null(root, "%s: %s", path, jerr.text);
    cr_assert_str_eq(json_string_value(json_object_get(root, "format")), HP_RESULTS_FORMAT);
    cr_assert_eq(json_integer_value(json_object_get(root, "version")), HP_RESULTS_VERSION);
    cr_assert(json_is_true(json_object_get(root, "complete")));
    cr_assert_not_null(json_object_get(json_object_get(root, "machine"), "cpu_model"));
    cr_assert_not_null(json_object_get(json_object_get(root, "floors"), "l1_load_ns"));
    cr_assert_not_null(json_object_get(json_object_get(root, "timer"), "overhead_ns"));
    cr_assert(json_is_real(json_object_get(root, "harness_overhead_ns_per_op")));
    json_t *jcases = json_object_get(root, "cases");
    cr_assert_eq(json_array_size(jcases), 3);
    json_t *alloc_case = json_array_get(jcases, 1);
    cr_assert_eq(json_array_size(json_object_get(alloc_case, "ns_per_op")), 3);
    cr_assert_float_eq(json_real_value(json_object_get(json_object_get(alloc_case, "allocations"),
                                                       "allocs_per_op")),
                       1.0, 1e-12);
    json_t *latency = json_object_get(json_array_get(jcases, 2), "latency");
    cr_assert(json_is_object(latency));
    const char *hlog_value = json_string_value(json_object_get(latency, "hlog"));
    cr_assert_not_null(hlog_value);
    char hlog_name[200];
    snprintf(hlog_name, sizeof hlog_name, "%.150s", hlog_value);
    json_int_t recorded = json_integer_value(json_object_get(latency, "count"));
    json_decref(root);

    snprintf(path, sizeof path, "%s/%s", dir, hlog_name);
    FILE *f = fopen(path, "r");
    cr_assert_not_null(f, "%s", path);
    int64_t total = 0;
    struct hp_error err;
    cr_assert_eq(hp_hlog_read(f, path, count_interval, &total, &err), 0, "%s", err.message);
    fclose(f);
    cr_assert_eq(total, recorded, "the .hlog holds every recorded value");

    snprintf(path, sizeof path, "%s/results.txt", dir);
    f = fopen(path, "r");
    cr_assert_not_null(f);
    char line[512];
    int benchmark_lines = 0;
    while (fgets(line, sizeof line, f))
        if (strncmp(line, "BenchmarkDemo/allocs-1-2\t", 25) == 0) {
            benchmark_lines++;
            cr_assert(strstr(line, " ns/op\t") && strstr(line, "64 B/op") &&
                          strstr(line, "1 allocs/op"),
                      "%s", line);
        }
    fclose(f);
    cr_assert_eq(benchmark_lines, 3, "one Go-format line per sample");

    snprintf(path, sizeof path, "%s/results.csv", dir);
    struct stat st;
    cr_assert_eq(stat(path, &st), 0);
    snprintf(path, sizeof path, "%s.partial", dir);
    cr_assert_neq(stat(path, &st), 0, "no .partial directory is left behind");
    hp_run_release(&run);

    struct hp_error check;
    static struct hp_results_dir again;
    cr_assert_neq(hp_results_dir_reserve(&again, dir, &check), 0,
                  "an existing directory is refused");
}

Test(results, an_interrupted_run_is_marked_partial)
{
    char base[] = "/tmp/hotpath-test-XXXXXX";
    cr_assert_not_null(mkdtemp(base));
    char dir[256];
    snprintf(dir, sizeof dir, "%s/run", base);
    struct hp_case cases[1] = {make_case("null", 1, HP_MODE_BATCH)};
    struct hp_run run;
    char written[512];
    run_and_write(&run, cases, 1, dir, true, written, sizeof written);
    char partial[300];
    snprintf(partial, sizeof partial, "%s.partial", dir);
    cr_assert_str_eq(written, partial);
    char path[512];
    snprintf(path, sizeof path, "%s/results.json", partial);
    json_error_t jerr;
    json_t *root = json_load_file(path, 0, &jerr);
    cr_assert_not_null(root, "%s", jerr.text);
    cr_assert(json_is_false(json_object_get(root, "complete")));
    json_decref(root);
    struct stat st;
    cr_assert_neq(stat(dir, &st), 0, "the final name is kept for complete runs");
    hp_run_release(&run);
}

Test(results, go_names_put_threads_in_the_suffix)
{
    struct hp_case c = make_case("demo/allocs-3", 2, HP_MODE_LATENCY);
    char name[300];
    hp_results_go_name(&c, name, sizeof name);
    cr_assert_str_eq(name, "BenchmarkDemo/allocs-3/latency-2");
}
