/* `hotpath run`'s work (run_job.h). */
#include "run_job.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "build_info.h"
#include "data_dir.h"
#include "instructions.h"
#include "phase_cases.h"
#include "phases.h"
#include "results_write.h"
#include "run_external.h"
#include "run_summary.h"

/* Found before anything is measured; the run keeps pointing at them. */
static char workloads_dir[4096], phases_path[4200];
static struct hp_phase_plan plan; /* large; lives as long as the run */

/* The data directory, the phase plan and its defaults, the quick tour when no workload is
 * named. */
static int resolve_selection(struct hp_run_options *o, const struct hp_phase_plan **plan_out,
                             struct hp_error *err)
{
    struct hp_run_config *cfg = &o->config;
    *plan_out = NULL;
    if (!cfg->workloads_dir) {
        if (hp_data_path("workloads", workloads_dir, sizeof workloads_dir, err) != 0)
            return -1;
        cfg->workloads_dir = workloads_dir;
    }
    if (o->phases_file) {
        if (hp_data_find_phases(o->phases_file, cfg->workloads_dir, phases_path, sizeof phases_path,
                                err) != 0)
            return -1;
        if (o->axis_flag)
            return hp_error_set(err,
                                "--%s cannot be combined with --phases: the phase file chooses "
                                "the implementations",
                                o->axis_flag);
        if (o->sel.cache != HP_CACHE_WARM)
            return hp_error_set(err, "--cache cannot be combined with --phases (a phase run "
                                     "measures warm caches)");
        if (hp_phases_read(phases_path, &plan, err) != 0)
            return -1;
        hp_phase_defaults(&o->sel, cfg, o->given);
        *plan_out = &plan;
    }
    if (o->sel.workload_pattern_count == 0)
        hp_selection_main_job(&o->sel);
    if (o->external_file && hp_external_load(o->external_file, err) != 0)
        return -1;
    return 0;
}

static int expand(const struct hp_run_options *o, const struct hp_phase_plan *p, struct hp_run *run,
                  struct hp_error *err)
{
    return p ? hp_phase_expand(p, &o->sel, &run->cases, &run->case_count, err)
             : hp_selection_expand(&o->sel, &run->cases, &run->case_count, err);
}

/* The process valgrind runs for --instructions: the same cases, batch mode, a fixed n, one
 * warm-up and one measured sample each, counted by callgrind around run(); no results written. */
static enum hp_run_outcome run_callgrind_child(const struct hp_run_options *o,
                                               const struct hp_phase_plan *p, struct hp_run *run,
                                               struct hp_error *err)
{
    if (expand(o, p, run, err) != 0)
        return HP_RUN_REFUSED;
    for (size_t i = 0; i < run->case_count; i++) {
        run->cases[i].mode = HP_MODE_BATCH; /* the name keeps "/latency": same op, same count */
        run->cases[i].cold = false;         /* and "/cold": the same instructions, one instance */
    }
    run->config.fixed_n = o->instructions_ops;
    run->config.samples = 1;
    run->config.warmup_rounds = 1;
    run->config.callgrind = true;
    run->config.quiet = true;
    /* The timer and floors are not needed and slow under valgrind. */
    hp_timer_init(&run->timer, true);
    run->perf_available = false;
    run->perf_why = "not counted under valgrind";
    run->machine_measured = true;
    enum hp_run_outcome outcome = hp_run_execute(run, err) == 0 ? HP_RUN_DONE : HP_RUN_REFUSED;
    hp_run_release(run);
    free(run->cases);
    return outcome;
}

/* Reserves a results/ directory of a default name; a name that another run took between the
 * choice and the reservation (one that chose in the same millisecond) is replaced by the next. */
static int reserve_default_dir(struct hp_results_dir *out, struct hp_error *err)
{
    char name[256];
    for (int attempt = 0;; attempt++) {
        hp_results_default_dir(name, sizeof name);
        if (hp_results_dir_reserve(out, name, err) == 0)
            return 0;
        if (attempt == 10)
            return -1;
    }
}

/* The cases whose requests mostly miss (workload.h): measured at setup, so said before the
 * long part. */
static void warn_low_found_share(const struct hp_run *run)
{
    for (size_t i = 0; i < run->case_count; i++) {
        const struct hp_case *c = &run->cases[i];
        for (size_t m = 0; m < c->metrics.count; m++)
            if (strcmp(c->metrics.items[m].name, HP_METRIC_FOUND_SHARE) == 0 &&
                c->metrics.items[m].value < HP_FOUND_SHARE_WARN_BELOW)
                printf("WARNING: %s: only %.1f%% of its requests find a route (%s %.3g); the "
                       "rest measure misses (404, 405, redirects)\n",
                       c->name, 100 * c->metrics.items[m].value, HP_METRIC_FOUND_SHARE,
                       c->metrics.items[m].value);
    }
}

/* What the validity checks read before the run (validity.h); the findings, with steal, other
 * load and drift, come with the results. */
static void print_environment(const struct hp_validity *v)
{
    char load[32] = "unknown", aslr[32] = "unknown";
    if (v->load_start[0] == v->load_start[0])
        snprintf(load, sizeof load, "%.2f", v->load_start[0]);
    if (v->aslr >= 0)
        snprintf(aslr, sizeof aslr, "%s (%d)", v->aslr ? "on" : "off", v->aslr);
    printf("validity: governor %s, boost %s, ASLR %s, load average %s on %u CPUs, %s build\n",
           v->governor[0] ? v->governor : "not readable",
           v->boost < 0 ? "not readable"
           : v->boost   ? "on"
                        : "off",
           aslr, load, v->cpus, v->build_type);
}

/* What is about to be measured, and on what: said before the long part. */
static void print_header(const struct hp_run *run)
{
    const struct hp_run_config *cfg = &run->config;
    printf("hotpath run: %zu cases, %u samples each after %u warm-up round%s, target %.3g ms per "
           "sample, seed %llu\n",
           run->case_count, cfg->samples, cfg->warmup_rounds, cfg->warmup_rounds == 1 ? "" : "s",
           cfg->target_sample_ns / 1e6, (unsigned long long)cfg->seed);
    struct hp_machine m;
    hp_machine_describe(&m);
    printf("machine: %s, %u CPUs, %s; build %s, commit %.12s%s\n", m.cpu_model, m.cpus_online,
           m.kernel, HOTPATH_BUILD_TYPE, HOTPATH_GIT_COMMIT, HOTPATH_GIT_DIRTY ? "-dirty" : "");
    printf("timer: %s (%s); overhead %.1f ns, resolution %.2f ns\n",
           run->timer.source == HP_TIMER_TSC ? "TSC" : "CLOCK_MONOTONIC", run->timer.why,
           run->timer.overhead_ns, run->timer.resolution_ns);
    printf("floors: clock_gettime %.1f ns, rdtscp %.1f ns, L1 load %.2f ns, uncontended CAS "
           "%.2f ns, system call %.0f ns, ",
           run->floors.monotonic_read_ns, run->floors.tsc_read_ns, run->floors.l1_load_ns,
           run->floors.cas_ns, run->floors.syscall_ns);
    if (run->floors.handoff_ns >= 0)
        printf("cache-line handoff %.1f ns, ", run->floors.handoff_ns);
    else
        printf("cache-line handoff n/a (one CPU), ");
    if (run->floors.wakeup_ns >= 0)
        printf("wake-up across CPUs %.1f us\n", run->floors.wakeup_ns / 1e3);
    else
        printf("wake-up across CPUs n/a (one CPU)\n");
    printf("hardware counters: %s%s\n", run->perf_available ? "" : "unavailable: ", run->perf_why);
    print_environment(&run->validity);
    if (run->llc_bytes > 0)
        printf("cold caches: last-level cache %.4g MiB (%s); each cold case set up instances "
               "holding twice that\n",
               (double)run->llc_bytes / (1 << 20), run->llc_source);
    warn_low_found_share(run);
    fflush(stdout);
}

/* After the measurement: instructions (when asked), the results files, their summary. */
static enum hp_run_outcome finish(const struct hp_run_options *o, const struct hp_phase_plan *p,
                                  struct hp_run *run, struct hp_results_dir *out,
                                  struct hp_error *err)
{
    if (o->count_instructions && !run->interrupted) {
        printf("counting instructions under callgrind (%llu ops per thread per case)\n",
               (unsigned long long)o->instructions_ops);
        if (hp_instructions_measure(run, o->argc, o->argv, o->instructions_ops, err) != 0) {
            hp_results_dir_release(out);
            return HP_RUN_FAILED;
        }
    }
    char written[HP_RESULTS_PATH_MAX];
    if (hp_results_write_phases(run, p, out, o->command, written, sizeof written, err) != 0)
        return HP_RUN_FAILED;
    /* Rendered from the files just written, as every later view is. */
    if (hp_run_summary_print(stdout, written, err) != 0)
        return HP_RUN_FAILED;
    return run->interrupted ? HP_RUN_INTERRUPTED : HP_RUN_DONE;
}

/* Sets every case up (a case refused there costs nothing more), then measures. */
static enum hp_run_outcome measure(const struct hp_run_options *o, const struct hp_phase_plan *p,
                                   struct hp_run *run, struct hp_results_dir *out,
                                   struct hp_error *err)
{
    hp_run_measure_machine(run);
    if (o->external_file && hp_external_prepare(run, p, out->partial, err) != 0) {
        hp_external_finish(run);
        hp_results_dir_release(out);
        return HP_RUN_FAILED;
    }
    if (hp_run_setup(run, err) != 0) {
        hp_external_finish(run);
        hp_results_dir_release(out);
        return HP_RUN_REFUSED;
    }
    if (o->external_file)
        hp_external_setup_cases(run, out->partial);
    print_header(run);
    if (hp_run_execute(run, err) != 0) {
        hp_external_finish(run);
        hp_results_dir_release(out);
        return HP_RUN_REFUSED;
    }
    hp_external_finish(run);
    return finish(o, p, run, out, err);
}

int hp_run_job_cases(struct hp_run_options *o, struct hp_run *run, struct hp_error *err)
{
    const struct hp_phase_plan *p;
    if (resolve_selection(o, &p, err) != 0)
        return -1;
    run->config = o->config;
    return expand(o, p, run, err);
}

enum hp_run_outcome hp_run_job(struct hp_run_options *o, struct hp_error *err)
{
    static struct hp_run run; /* large */
    static struct hp_results_dir out;
    memset(&run, 0, sizeof run);
    const struct hp_phase_plan *p;
    if (resolve_selection(o, &p, err) != 0)
        return HP_RUN_REFUSED;
    run.config = o->config;
    run.config.build_type = HOTPATH_BUILD_TYPE;
    if (o->callgrind_child)
        return run_callgrind_child(o, p, &run, err);
    if (o->count_instructions && !hp_instructions_available()) {
        hp_error_set(err, "--instructions needs valgrind (not found in PATH; the Debian package "
                          "is valgrind)");
        return HP_RUN_REFUSED;
    }
    if (expand(o, p, &run, err) != 0)
        return HP_RUN_REFUSED;
    /* The output location is checked, and DIR.partial created, before anything is measured;
     * from then on Ctrl-C ends in a marked partial directory. */
    hp_run_catch_stop_signals();
    enum hp_run_outcome outcome = HP_RUN_REFUSED;
    if (hp_results_check_file_names(run.cases, run.case_count, err) == 0 &&
        (o->out_dir ? hp_results_dir_reserve(&out, o->out_dir, err)
                    : reserve_default_dir(&out, err)) == 0)
        outcome = measure(o, p, &run, &out, err);
    hp_run_release(&run);
    free(run.cases);
    return outcome;
}
