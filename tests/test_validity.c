/* Run validity (validity.h): fixture /proc and /sys files give the expected findings (governor,
 * boost, ASLR, load average, steal per sample span), a slowdown injected into the repeated
 * cases is caught by the drift check, latency medians under the timer's resolution are labelled,
 * and a run's results carry its findings. */
#include "results_fixture.h"

#include <errno.h>
#include <stdint.h>

#include "runner.h"
#include "validity.h"

/* Writes ROOT/SUB (relative to fx_dir), making its directories. */
static void write_fixture(const char *sub, const char *text)
{
    char path[1024], cmd[1200];
    snprintf(path, sizeof path, "%s/%s", fx_dir, sub);
    char *slash = strrchr(path, '/');
    *slash = '\0';
    snprintf(cmd, sizeof cmd, "mkdir -p '%s'", path);
    cr_assert_eq(system(cmd), 0);
    *slash = '/';
    FILE *f = fopen(path, "w");
    cr_assert_not_null(f, "%s: %s", path, strerror(errno));
    fputs(text, f);
    cr_assert_eq(fclose(f), 0);
}

static void fixture_paths(struct hp_validity *v)
{
    memset(v, 0, sizeof *v);
    snprintf(v->paths.proc, sizeof v->paths.proc, "%s/proc", fx_dir);
    snprintf(v->paths.sys, sizeof v->paths.sys, "%s/sys", fx_dir);
}

/* The finding of `check`, or NULL. */
static const struct hp_finding *finding(const struct hp_validity *v, const char *check)
{
    for (size_t i = 0; i < v->finding_count; i++)
        if (strcmp(v->findings[i].check, check) == 0)
            return &v->findings[i];
    return NULL;
}

Test(validity, fixture_governor_boost_aslr_and_load_give_their_findings, .init = fx_setup,
     .fini = fx_teardown)
{
    write_fixture("sys/devices/system/cpu/cpu0/cpufreq/scaling_governor", "powersave\n");
    write_fixture("sys/devices/system/cpu/cpu1/cpufreq/scaling_governor", "powersave\n");
    write_fixture("sys/devices/system/cpu/cpufreq/boost", "1\n");
    write_fixture("proc/sys/kernel/randomize_va_space", "0\n");
    write_fixture("proc/loadavg", "7.50 3.00 1.00 2/300 1234\n");
    struct hp_validity v;
    fixture_paths(&v);
    hp_validity_begin(&v, "Release", 2);
    hp_validity_assess(&v, 1);
    cr_assert_str_eq(v.governor, "powersave");
    const struct hp_finding *f = finding(&v, "governor");
    cr_assert_not_null(f);
    cr_assert_eq(f->severity, HP_FINDING_WARNING);
    cr_assert_not_null(strstr(f->text, "'powersave'"), "%s", f->text);
    cr_assert_not_null(f = finding(&v, "boost"));
    cr_assert_eq(f->severity, HP_FINDING_WARNING);
    cr_assert_not_null(f = finding(&v, "aslr"));
    cr_assert_eq(f->severity, HP_FINDING_INFO);
    cr_assert_not_null(strstr(f->text, "ASLR off"), "%s", f->text);
    cr_assert_not_null(f = finding(&v, "load_average"));
    cr_assert_not_null(strstr(f->text, "7.50"), "%s", f->text);
    cr_assert_null(finding(&v, "build"));
    cr_assert(!v.unreliable, "nothing here makes a run's times wrong");
    hp_validity_free(&v);

    /* A governor that holds the clock is no finding; a Debug build makes the run unreliable. */
    write_fixture("sys/devices/system/cpu/cpu0/cpufreq/scaling_governor", "performance\n");
    write_fixture("sys/devices/system/cpu/cpu1/cpufreq/scaling_governor", "performance\n");
    fixture_paths(&v);
    hp_validity_begin(&v, "Debug", 2);
    hp_validity_assess(&v, 1);
    cr_assert_null(finding(&v, "governor"));
    cr_assert_not_null(f = finding(&v, "build"));
    cr_assert_eq(f->severity, HP_FINDING_UNRELIABLE);
    cr_assert(v.unreliable);
    hp_validity_free(&v);
}

Test(validity, unreadable_files_are_said_not_guessed, .init = fx_setup, .fini = fx_teardown)
{
    struct hp_validity v;
    fixture_paths(&v); /* empty directories */
    hp_validity_begin(&v, "Release", 2);
    struct hp_validity_window w = {.known = false, .duration_s = 0.1};
    hp_validity_add_window(&v, &w);
    hp_validity_assess(&v, 1);
    cr_assert_eq(v.boost, -1);
    cr_assert_eq(v.aslr, -1);
    cr_assert(isnan(v.load_start[0]));
    const struct hp_finding *f = finding(&v, "governor");
    cr_assert_not_null(f);
    cr_assert_eq(f->severity, HP_FINDING_INFO);
    cr_assert_not_null(strstr(f->text, "not readable"), "%s", f->text);
    cr_assert_not_null(f = finding(&v, "steal"));
    cr_assert_not_null(strstr(f->text, "not measured"), "%s", f->text);
    cr_assert_null(finding(&v, "aslr"));
    cr_assert(!v.unreliable);
    hp_validity_free(&v);
}

/* /proc/stat's first line with these tick counts (user nice system idle iowait irq softirq
 * steal guest guest_nice). */
static void write_stat(uint64_t idle, uint64_t steal)
{
    char text[256];
    snprintf(text, sizeof text, "cpu  1000 0 500 %llu 0 0 0 %llu 0 0\ncpu0 0 0 0 0 0 0 0 0 0 0\n",
             (unsigned long long)idle, (unsigned long long)steal);
    write_fixture("proc/stat", text);
}

Test(validity, steal_during_samples_4_to_7_is_found_and_named, .init = fx_setup,
     .fini = fx_teardown)
{
    struct hp_validity v;
    fixture_paths(&v);
    hp_validity_begin(&v, "Release", 2);
    /* Ten rounds of 100 ticks each: 12 of them stolen in rounds 4-7, 4 in round 9. */
    uint64_t idle = 100000, steal = 50;
    struct hp_cpu_times before, after;
    write_stat(idle, steal);
    cr_assert_eq(hp_cpu_times_read(&v.paths, &before), 0);
    for (unsigned sample = 1; sample <= 10; sample++) {
        uint64_t stolen = sample >= 4 && sample <= 7 ? 12 : sample == 9 ? 4 : 0;
        idle += 100 - stolen;
        steal += stolen;
        write_stat(idle, steal);
        cr_assert_eq(hp_cpu_times_read(&v.paths, &after), 0);
        struct hp_validity_window w = hp_validity_window_between(&before, &after, 100);
        cr_assert(w.known);
        hp_validity_add_window(&v, &w);
        before = after;
    }
    hp_validity_assess(&v, 1);
    const struct hp_finding *span = NULL, *single = NULL;
    for (size_t i = 0; i < v.finding_count; i++)
        if (strcmp(v.findings[i].check, "steal") == 0) {
            if (v.findings[i].first_sample == 4)
                span = &v.findings[i];
            else if (v.findings[i].first_sample == 9)
                single = &v.findings[i];
            else
                cr_assert_fail("unexpected steal finding: %s", v.findings[i].text);
        }
    cr_assert_not_null(span);
    cr_assert_eq(span->last_sample, 7);
    cr_assert_eq(span->severity, HP_FINDING_UNRELIABLE);
    cr_assert_not_null(strstr(span->text, "steal 12% during samples 4-7"), "%s", span->text);
    cr_assert_not_null(single);
    cr_assert_eq(single->severity, HP_FINDING_WARNING);
    cr_assert_not_null(strstr(single->text, "steal 4% during sample 9"), "%s", single->text);
    cr_assert(v.unreliable);
    hp_validity_free(&v);
}

/* A workload whose op gets three times dearer once the run's rounds are over: the samples the
 * drift check takes after the last round. With a fixed n there is no calibration, so the k-th
 * sample_begin is the k-th sample: warm-up, then the measured rounds, then the drift check. */
static unsigned samples_begun, slow_after;

static int plain_setup(const struct hp_case_params *p, void **shared, struct hp_error *err)
{
    (void)p;
    (void)err;
    *shared = NULL;
    return 0;
}

static void count_sample(void *shared)
{
    (void)shared;
    samples_begun++;
}

static uint64_t work(uint64_t n, unsigned rounds)
{
    uint64_t h = 1469598103934665603ull;
    for (uint64_t i = 0; i < n; i++)
        for (unsigned r = 0; r < rounds; r++)
            h = (h ^ i) * 1099511628211ull;
    return h;
}

static uint64_t slowing_run(void *local, uint64_t n)
{
    (void)local;
    return work(n, samples_begun > slow_after ? 120 : 40);
}

static uint64_t steady_run(void *local, uint64_t n)
{
    (void)local;
    return work(n, 40);
}

Test(validity, drift_check_flags_a_slowdown_injected_in_the_repeated_cases)
{
    struct hp_workload slowing = {.name = "t/slows_down",
                                  .setup = plain_setup,
                                  .run = slowing_run,
                                  .sample_begin = count_sample};
    struct hp_workload steady = {.name = "t/steady", .setup = plain_setup, .run = steady_run};
    struct hp_case cases[2];
    memset(cases, 0, sizeof cases);
    cases[0].workload = &slowing;
    cases[1].workload = &steady;
    for (int i = 0; i < 2; i++) {
        cases[i].threads = 1;
        hp_case_name(&cases[i]);
    }
    static struct hp_run run;
    memset(&run, 0, sizeof run);
    hp_run_config_defaults(&run.config);
    run.config.samples = 5;
    run.config.warmup_rounds = 1;
    run.config.fixed_n = 20000;
    run.config.quiet = true;
    run.config.build_type = "Release";
    run.cases = cases;
    run.case_count = 2;
    slow_after = run.config.warmup_rounds + run.config.samples;
    samples_begun = 0;
    struct hp_error err;
    cr_assert_eq(hp_run_execute(&run, &err), 0, "%s", err.message);
    const struct hp_validity *v = &run.validity;
    cr_assert(v->drift_checked);
    cr_assert_eq(v->drift_count, 2, "both cases are measured again");
    cr_assert_eq(samples_begun, slow_after + HP_DRIFT_SAMPLES, "%u", samples_begun);
    const struct hp_drift_case *slowed = NULL;
    for (size_t i = 0; i < v->drift_count; i++)
        if (strcmp(v->drift[i].name, cases[0].name) == 0)
            slowed = &v->drift[i];
    cr_assert_not_null(slowed);
    cr_assert(slowed->cpu_clock);
    cr_assert_gt(slowed->ratio, 2, "three times the work: x%.3f", slowed->ratio);
    const struct hp_finding *f = finding(v, "drift");
    cr_assert_not_null(f);
    cr_assert_eq(f->severity, HP_FINDING_UNRELIABLE);
    cr_assert_not_null(strstr(f->text, "t/slows_down"), "%s", f->text);
    cr_assert(v->unreliable);
    hp_run_release(&run);
}

Test(validity, latency_medians_under_the_timer_resolution_are_labelled)
{
    /* groups of 8 at 2 ns per op: 16 ns per read pair, under a 20 ns resolution */
    cr_assert(hp_latency_below_resolution(2, 8, 20));
    cr_assert(!hp_latency_below_resolution(3, 8, 20));
    /* under the histogram's 1 ns unit, whatever the timer */
    cr_assert(hp_latency_below_resolution(0, 256, 0.3));
    cr_assert(!hp_latency_below_resolution(40, 1, 20));
    cr_assert(!hp_latency_below_resolution(NAN, 1, 20));
}

Test(validity, a_run_records_its_findings_in_its_results, .init = fx_setup, .fini = fx_teardown)
{
    write_fixture("sys/devices/system/cpu/cpu0/cpufreq/scaling_governor", "schedutil\n");
    write_fixture("proc/sys/kernel/randomize_va_space", "2\n");
    char prefix[1200];
    snprintf(prefix, sizeof prefix, "HOTPATH_SYS_DIR='%s/sys' HOTPATH_PROC_DIR='%s/proc'", fx_dir,
             fx_dir);
    cr_assert_eq(fx_hotpath_with(prefix,
                                 "run --workload null --samples 3 --target-time 1ms --quiet "
                                 "--out r",
                                 "out"),
                 0, "%s", fx_read("err"));
    const char *out = fx_read("out");
    cr_assert_not_null(strstr(out, "governor schedutil"), "the header: %s", out);
    cr_assert_not_null(strstr(out, "Run validity:"), "%s", out);
    cr_assert_not_null(strstr(out, "frequency governor 'schedutil'"), "%s", out);
    json_error_t jerr;
    json_t *root = json_load_file(fx_path("r/results.json"), 0, &jerr);
    cr_assert_not_null(root, "%s", jerr.text);
    json_t *validity = json_object_get(root, "validity");
    cr_assert(json_is_object(validity));
    json_t *env = json_object_get(validity, "environment");
    cr_assert_str_eq(json_string_value(json_object_get(env, "governor")), "schedutil");
    cr_assert_eq(json_integer_value(json_object_get(env, "aslr")), 2);
    cr_assert_eq(json_array_size(json_object_get(validity, "samples")), 3, "one window a sample");
    bool governor = false, steal_unmeasured = false;
    size_t i;
    json_t *f;
    json_array_foreach(json_object_get(validity, "findings"), i, f)
    {
        const char *check = json_string_value(json_object_get(f, "check"));
        const char *text = json_string_value(json_object_get(f, "text"));
        governor |= strcmp(check, "governor") == 0 && strstr(text, "schedutil");
        steal_unmeasured |= strcmp(check, "steal") == 0 && strstr(text, "not measured");
    }
    cr_assert(governor);
    cr_assert(steal_unmeasured, "the fixture has no stat file");
    cr_assert(json_is_array(json_object_get(validity, "drift")), "the drift check ran");
    json_decref(root);
}
