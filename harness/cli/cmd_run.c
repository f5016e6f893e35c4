/* `hotpath run`: choose cases, measure them, write a results directory, print a summary. */
#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "build_info.h"
#include "values.h"
#include "commands.h"
#include "data_dir.h"
#include "instructions.h"
#include "phase_cases.h"
#include "phase_tables.h"
#include "phases.h"
#include "results_write.h"
#include "runner.h"
#include "selection.h"

/* The main job: what `hotpath run` measures when no --workload is given. */
static const char *const default_workloads[] = {
    "null",         "router/github/all", "router/github/static", "router/github/param2",
    "pool/get_put", "http/parse/line3",
};

static void print_run_usage(FILE *f)
{
    fprintf(f, "usage: hotpath run [options]\n"
               "  --workload PATTERN[,...]  workloads to run (glob; '*' crosses '/'); repeatable\n"
               "                            (default: the main job, see README)\n"
               "  --AXIS NAME[,...]|all     implementations of an axis (default: all, or the\n"
               "                            workload's default: see `hotpath list`); axes:");
    for (int axis = 0; axis < HP_AXIS_COUNT; axis++)
        fprintf(f, " --%s", hp_axis_get(axis)->name);
    fprintf(f,
            "\n"
            "  --threads N[,N...]        thread counts (default 1)\n"
            "  --mode batch|latency|both (default batch)\n"
            "  --samples N               measured rounds per case (default 10)\n"
            "  --target-time DURATION    minimum time of one batch sample (default 10ms)\n"
            "  --warmup N                rounds run and discarded (default 1)\n"
            "  --latency-group N         ops per timed group in latency mode (default: auto)\n"
            "  --timer auto|monotonic    latency timer (default auto: TSC when invariant)\n"
            "  --seed N                  case order and request streams (default 1)\n"
            "  --pin                     pin worker i to the i-th allowed CPU\n"
            "  --out DIR                 results directory (default results/DATE-TIME-MS)\n"
            "  --workloads-dir DIR       route sets, request lists and phase files (default:\n"
            "                            the data directory's workloads/, see README)\n"
            "  --quiet                   no progress line\n"
            "  --phases FILE             run every phase of a phase file (a path, or the name\n"
            "                            of a shipped one: `hotpath list`)\n"
            "                            on request/static, request/dynamic and\n"
            "                            request/concurrent (or the --workload given) and print\n"
            "                            the phase and claims tables; defaults then: --threads\n"
            "                            1,2 --mode both --samples 20 --target-time 10ms\n"
            "  --instructions            also count instructions per op under valgrind's\n"
            "                            callgrind (exact, repeatable; see docs/ci.md)\n"
            "  --instructions-ops N      ops per thread counted per case (default %d)\n",
            HP_INSTRUCTIONS_DEFAULT_OPS);
}

enum {
    OPT_WORKLOAD = 256,
    OPT_THREADS,
    OPT_MODE,
    OPT_SAMPLES,
    OPT_TARGET,
    OPT_WARMUP,
    OPT_GROUP,
    OPT_TIMER,
    OPT_SEED,
    OPT_PIN,
    OPT_OUT,
    OPT_WORKLOADS_DIR,
    OPT_QUIET,
    OPT_INSTRUCTIONS,
    OPT_INSTRUCTIONS_OPS,
    OPT_CALLGRIND_CHILD,
    OPT_HELP,
    OPT_PHASES,
    OPT_AXIS_FIRST = 512 /* + axis id */
};

static void join_command(int argc, char **argv, char *out, size_t size)
{
    size_t used = (size_t)snprintf(out, size, "hotpath");
    for (int i = 0; i < argc && used < size; i++)
        used += (size_t)snprintf(out + used, size - used, " %s", argv[i]);
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

static void print_header(const struct hp_run *run, size_t case_count)
{
    const struct hp_run_config *cfg = &run->config;
    printf("hotpath run: %zu cases, %u samples each after %u warm-up round%s, target %.3g ms per "
           "sample, seed %llu\n",
           case_count, cfg->samples, cfg->warmup_rounds, cfg->warmup_rounds == 1 ? "" : "s",
           cfg->target_sample_ns / 1e6, (unsigned long long)cfg->seed);
    struct hp_machine m;
    hp_machine_describe(&m);
    printf("machine: %s, %u CPUs, %s; build %s, commit %.12s%s\n", m.cpu_model, m.cpus_online,
           m.kernel, HOTPATH_BUILD_TYPE, HOTPATH_GIT_COMMIT, HOTPATH_GIT_DIRTY ? "-dirty" : "");
    printf("timer: %s (%s); overhead %.1f ns, resolution %.2f ns\n",
           run->timer.source == HP_TIMER_TSC ? "TSC" : "CLOCK_MONOTONIC", run->timer.why,
           run->timer.overhead_ns, run->timer.resolution_ns);
    printf("floors: clock_gettime %.1f ns, rdtscp %.1f ns, L1 load %.2f ns, uncontended CAS "
           "%.2f ns, ",
           run->floors.monotonic_read_ns, run->floors.tsc_read_ns, run->floors.l1_load_ns,
           run->floors.cas_ns);
    if (run->floors.handoff_ns >= 0)
        printf("cache-line handoff %.1f ns\n", run->floors.handoff_ns);
    else
        printf("cache-line handoff n/a (one CPU)\n");
    printf("hardware counters: %s%s\n", run->perf_available ? "" : "unavailable: ", run->perf_why);
    warn_low_found_share(run);
    fflush(stdout);
}

static void print_summary(const struct hp_run *run, const char *dir)
{
    size_t width = 4;
    for (size_t i = 0; i < run->case_count; i++)
        if (strlen(run->cases[i].name) > width)
            width = strlen(run->cases[i].name);
    printf("\n%-*s %12s  %-23s %10s %10s  %s\n", (int)width, "case", "ns/op", "95% CI of median",
           "allocs/op", "B/op", "p50/p99/p99.9 ns");
    for (size_t i = 0; i < run->case_count; i++) {
        const struct hp_case *c = &run->cases[i];
        if (c->samples_taken == 0) {
            printf("%-*s %12s\n", (int)width, c->name, "(not run)");
            continue;
        }
        double ops = (double)c->measured_ops;
        char ci[64];
        snprintf(ci, sizeof ci, "[%.4g, %.4g]", c->summary.ci_low, c->summary.ci_high);
        printf("%-*s %12.4g  %-23s %10.4g %10.4g", (int)width, c->name, c->summary.median, ci,
               (double)c->allocs.allocs / ops, (double)c->allocs.bytes / ops);
        if (c->has_latency && hp_hdr_total_count(&c->latency) > 0)
            printf("  %lld/%lld/%lld", (long long)hp_hdr_value_at_percentile(&c->latency, 50),
                   (long long)hp_hdr_value_at_percentile(&c->latency, 99),
                   (long long)hp_hdr_value_at_percentile(&c->latency, 99.9));
        if (c->noisy)
            printf("  noisy");
        putchar('\n');
        if (c->metrics.count > 0) { /* the workload's own figures (report), one line */
            printf("%-*s ", (int)width, "");
            for (size_t m = 0; m < c->metrics.count; m++)
                printf(" %s=%.6g", c->metrics.items[m].name, c->metrics.items[m].value);
            putchar('\n');
        }
    }
    if (run->harness_overhead_ns >= 0)
        printf("harness overhead (null case): %.3g ns/op\n", run->harness_overhead_ns);
    printf("%s: %s (%.1f s)\n", run->interrupted ? "interrupted; partial results" : "results", dir,
           run->duration_s);
}

/* The process valgrind runs for --instructions: the same cases, batch mode, a fixed n, one
 * warm-up and one measured sample each, counted by callgrind around run(); no results written. */
static int run_callgrind_child(struct hp_run *run, const struct hp_phase_plan *plan,
                               const struct hp_selection *sel, uint64_t ops, struct hp_error *err)
{
    if (plan ? hp_phase_expand(plan, sel, &run->cases, &run->case_count, err) != 0
             : hp_selection_expand(sel, &run->cases, &run->case_count, err) != 0)
        return hp_usage_error(err);
    for (size_t i = 0; i < run->case_count; i++)
        run->cases[i].mode = HP_MODE_BATCH; /* the name keeps "/latency": same op, same count */
    run->config.fixed_n = ops;
    run->config.samples = 1;
    run->config.warmup_rounds = 1;
    run->config.callgrind = true;
    run->config.quiet = true;
    /* The timer and floors are not needed and slow under valgrind. */
    hp_timer_init(&run->timer, true);
    run->perf_available = false;
    run->perf_why = "not counted under valgrind";
    run->machine_measured = true;
    int status = 0;
    if (hp_run_execute(run, err) != 0)
        status = hp_usage_error(err);
    hp_run_release(run);
    free(run->cases);
    return status;
}

/* Reserves a results/ directory of a default name; a name that another run took between the
 * choice and the reservation (one that chose in the same millisecond) is replaced by the next. */
static int reserve_default_dir(struct hp_results_dir *out, char *name, size_t size,
                               struct hp_error *err)
{
    for (int attempt = 0;; attempt++) {
        hp_results_default_dir(name, size);
        if (hp_results_dir_reserve(out, name, err) == 0)
            return 0;
        if (attempt == 10)
            return -1;
    }
}

int hp_cmd_run(int argc, char **argv)
{
    struct hp_error err;
    struct hp_run run;
    memset(&run, 0, sizeof run);
    hp_run_config_defaults(&run.config);
    struct hp_run_config *cfg = &run.config;

    struct hp_selection sel;
    memset(&sel, 0, sizeof sel);
    sel.threads[0] = 1;
    sel.thread_count = 1;
    sel.batch = true;
    sel.add_overhead_probe = true;
    const char *out_dir = NULL;
    const char *phases_file = NULL;
    bool threads_given = false, mode_given = false, samples_given = false, target_given = false;
    const char *axis_flag_given = NULL;

    struct option options[32 + HP_AXIS_COUNT];
    static const struct option fixed[] = {
        {"workload", required_argument, NULL, OPT_WORKLOAD},
        {"threads", required_argument, NULL, OPT_THREADS},
        {"mode", required_argument, NULL, OPT_MODE},
        {"samples", required_argument, NULL, OPT_SAMPLES},
        {"target-time", required_argument, NULL, OPT_TARGET},
        {"warmup", required_argument, NULL, OPT_WARMUP},
        {"latency-group", required_argument, NULL, OPT_GROUP},
        {"timer", required_argument, NULL, OPT_TIMER},
        {"seed", required_argument, NULL, OPT_SEED},
        {"pin", no_argument, NULL, OPT_PIN},
        {"out", required_argument, NULL, OPT_OUT},
        {"workloads-dir", required_argument, NULL, OPT_WORKLOADS_DIR},
        {"quiet", no_argument, NULL, OPT_QUIET},
        {"instructions", no_argument, NULL, OPT_INSTRUCTIONS},
        {"instructions-ops", required_argument, NULL, OPT_INSTRUCTIONS_OPS},
        /* Hidden: the process valgrind runs for --instructions (instructions.h). */
        {"callgrind-child", required_argument, NULL, OPT_CALLGRIND_CHILD},
        {"help", no_argument, NULL, OPT_HELP},
        {"phases", required_argument, NULL, OPT_PHASES},
    };
    size_t n_options = sizeof fixed / sizeof fixed[0];
    memcpy(options, fixed, sizeof fixed);
    for (int axis = 0; axis < HP_AXIS_COUNT; axis++)
        options[n_options++] = (struct option){hp_axis_get(axis)->name, required_argument, NULL,
                                               OPT_AXIS_FIRST + axis};
    options[n_options] = (struct option){0};

    /* Keep argv intact for the command line recorded in the results. */
    char command[4096];
    join_command(argc, argv, command, sizeof command);
    /* getopt permutes argv and list values are split in place; --instructions hands the
     * original arguments to the child, so keep a copy (on the stack: early returns free it). */
    size_t argv_bytes = 0;
    for (int i = 0; i < argc; i++)
        argv_bytes += strlen(argv[i]) + 1;
    char argv_text[argv_bytes + 1];
    char *original_argv[argc + 1];
    for (int i = 0, used = 0; i < argc; i++) {
        original_argv[i] = strcpy(argv_text + used, argv[i]);
        used += (int)strlen(argv[i]) + 1;
    }
    original_argv[argc] = NULL;
    bool count_instructions = false;
    const char *callgrind_child = NULL;
    uint64_t instructions_ops = HP_INSTRUCTIONS_DEFAULT_OPS;

    opterr = 0;
    optind = 1;
    int opt;
    uint64_t value;
    char *items[HP_SELECTION_MAX_ITEMS];
    while ((opt = getopt_long(argc, argv, ":", options, NULL)) != -1) {
        switch (opt) {
        case OPT_WORKLOAD: {
            int n = hp_split_list("--workload", optarg, items, HP_SELECTION_MAX_ITEMS, &err);
            if (n < 0)
                return hp_usage_error(&err);
            for (int i = 0; i < n; i++) {
                if (sel.workload_pattern_count == HP_SELECTION_MAX_ITEMS) {
                    hp_error_set(&err, "--workload: too many patterns");
                    return hp_usage_error(&err);
                }
                sel.workload_patterns[sel.workload_pattern_count++] = items[i];
            }
            break;
        }
        case OPT_THREADS: {
            int n = hp_split_list("--threads", optarg, items, HP_SELECTION_MAX_ITEMS, &err);
            if (n < 0)
                return hp_usage_error(&err);
            for (int i = 0; i < n; i++) {
                if (hp_parse_u64("--threads", items[i], 1, HP_MAX_THREADS, &value, &err) != 0)
                    return hp_usage_error(&err);
                sel.threads[i] = (unsigned)value;
            }
            sel.thread_count = (size_t)n;
            threads_given = true;
            break;
        }
        case OPT_MODE:
            mode_given = true;
            if (strcmp(optarg, "batch") == 0) {
                sel.batch = true, sel.latency = false;
            } else if (strcmp(optarg, "latency") == 0) {
                sel.batch = false, sel.latency = true;
            } else if (strcmp(optarg, "both") == 0) {
                sel.batch = true, sel.latency = true;
            } else {
                hp_error_set(&err, "--mode '%s': unknown (valid: batch, latency, both)", optarg);
                return hp_usage_error(&err);
            }
            break;
        case OPT_SAMPLES:
            if (hp_parse_u64("--samples", optarg, 1, 100000, &value, &err) != 0)
                return hp_usage_error(&err);
            cfg->samples = (unsigned)value;
            samples_given = true;
            break;
        case OPT_TARGET:
            if (hp_parse_duration_ns("--target-time", optarg, 1e3, 60e9, &cfg->target_sample_ns,
                                     &err) != 0)
                return hp_usage_error(&err);
            target_given = true;
            break;
        case OPT_WARMUP:
            if (hp_parse_u64("--warmup", optarg, 0, 1000, &value, &err) != 0)
                return hp_usage_error(&err);
            cfg->warmup_rounds = (unsigned)value;
            break;
        case OPT_GROUP:
            if (hp_parse_u64("--latency-group", optarg, 1, 1u << 20, &value, &err) != 0)
                return hp_usage_error(&err);
            cfg->latency_group = (unsigned)value;
            break;
        case OPT_TIMER:
            if (strcmp(optarg, "auto") == 0) {
                cfg->force_monotonic = false;
            } else if (strcmp(optarg, "monotonic") == 0) {
                cfg->force_monotonic = true;
            } else {
                hp_error_set(&err, "--timer '%s': unknown (valid: auto, monotonic)", optarg);
                return hp_usage_error(&err);
            }
            break;
        case OPT_SEED:
            if (hp_parse_u64("--seed", optarg, 0, UINT64_MAX, &cfg->seed, &err) != 0)
                return hp_usage_error(&err);
            break;
        case OPT_PIN:
            cfg->pin = true;
            break;
        case OPT_OUT:
            out_dir = optarg;
            break;
        case OPT_WORKLOADS_DIR:
            cfg->workloads_dir = optarg;
            break;
        case OPT_QUIET:
            cfg->quiet = true;
            break;
        case OPT_INSTRUCTIONS:
            count_instructions = true;
            break;
        case OPT_INSTRUCTIONS_OPS:
            if (hp_parse_u64("--instructions-ops", optarg, 1, 100000000, &instructions_ops, &err) !=
                0)
                return hp_usage_error(&err);
            break;
        case OPT_CALLGRIND_CHILD:
            callgrind_child = optarg;
            break;
        case OPT_HELP:
            print_run_usage(stdout);
            return 0;
        case OPT_PHASES:
            phases_file = optarg;
            break;
        case ':':
            hp_error_set(&err, "%s needs a value (see `hotpath run --help`)", argv[optind - 1]);
            return hp_usage_error(&err);
        case '?':
            hp_error_set(&err, "unknown option '%s' (see `hotpath run --help`)", argv[optind - 1]);
            return hp_usage_error(&err);
        default:
            if (opt >= OPT_AXIS_FIRST && opt < OPT_AXIS_FIRST + HP_AXIS_COUNT) {
                if (hp_selection_set_impls(&sel, opt - OPT_AXIS_FIRST, optarg, &err) != 0)
                    return hp_usage_error(&err);
                axis_flag_given = hp_axis_get(opt - OPT_AXIS_FIRST)->name;
                break;
            }
            hp_error_set(&err, "unexpected option");
            return hp_usage_error(&err);
        }
    }
    if (optind < argc) {
        hp_error_set(&err, "unexpected argument '%s' (see `hotpath run --help`)", argv[optind]);
        return hp_usage_error(&err);
    }
    /* Found before anything is measured; the run keeps pointing at it. */
    char workloads_dir[4096], phases_path[4200];
    if (!cfg->workloads_dir) {
        if (hp_data_path("workloads", workloads_dir, sizeof workloads_dir, &err) != 0)
            return hp_usage_error(&err);
        cfg->workloads_dir = workloads_dir;
    }
    if (phases_file) {
        if (hp_data_find_phases(phases_file, cfg->workloads_dir, phases_path, sizeof phases_path,
                                &err) != 0)
            return hp_usage_error(&err);
        phases_file = phases_path;
    }
    static struct hp_phase_plan plan; /* large; lives as long as the run */
    if (phases_file) {
        if (axis_flag_given) {
            hp_error_set(&err,
                         "--%s cannot be combined with --phases: the phase file chooses "
                         "the implementations",
                         axis_flag_given);
            return hp_usage_error(&err);
        }
        if (hp_phases_read(phases_file, &plan, &err) != 0)
            return hp_usage_error(&err);
        run.plan = &plan;
        /* Defaults that give every chart of the report data (latency spectrum, scaling) and
         * keep the default job (bolt.phases) within a few minutes on a 2-core machine. */
        if (!threads_given) {
            sel.threads[0] = 1, sel.threads[1] = 2;
            sel.thread_count = 2;
        }
        if (!mode_given)
            sel.batch = true, sel.latency = true;
        if (!samples_given)
            cfg->samples = 20;
        if (!target_given)
            cfg->target_sample_ns = 10e6;
        if (sel.workload_pattern_count == 0)
            for (size_t i = 0; i < hp_phase_default_workload_count; i++)
                sel.workload_patterns[sel.workload_pattern_count++] = hp_phase_default_workloads[i];
    }
    if (sel.workload_pattern_count == 0)
        for (size_t i = 0; i < sizeof default_workloads / sizeof default_workloads[0]; i++)
            sel.workload_patterns[sel.workload_pattern_count++] = default_workloads[i];

    if (callgrind_child) {
        return run_callgrind_child(&run, phases_file ? &plan : NULL, &sel, instructions_ops, &err);
    }
    if (count_instructions && !hp_instructions_available()) {
        hp_error_set(&err, "--instructions needs valgrind (not found in PATH; the Debian "
                           "package is valgrind)");
        return hp_usage_error(&err);
    }

    if (phases_file ? hp_phase_expand(&plan, &sel, &run.cases, &run.case_count, &err) != 0
                    : hp_selection_expand(&sel, &run.cases, &run.case_count, &err) != 0)
        return hp_usage_error(&err);
    /* The output location is checked, and DIR.partial created, before anything is measured;
     * from then on Ctrl-C ends in a marked partial directory. */
    hp_run_catch_stop_signals();
    static struct hp_results_dir out; /* large */
    char default_dir[256];
    if (hp_results_check_file_names(run.cases, run.case_count, &err) != 0 ||
        (out_dir ? hp_results_dir_reserve(&out, out_dir, &err)
                 : reserve_default_dir(&out, default_dir, sizeof default_dir, &err)) != 0) {
        free(run.cases);
        return hp_usage_error(&err);
    }
    hp_run_measure_machine(&run);
    /* Every case is set up before the header: a case refused there costs nothing more. */
    if (hp_run_setup(&run, &err) != 0) {
        hp_results_dir_release(&out);
        hp_run_release(&run);
        free(run.cases);
        return hp_usage_error(&err);
    }
    print_header(&run, run.case_count);
    int status = 0;
    if (hp_run_execute(&run, &err) != 0) {
        hp_results_dir_release(&out);
        status = hp_usage_error(&err);
    } else if (count_instructions && !run.interrupted &&
               (printf("counting instructions under callgrind (%llu ops per thread per case)\n",
                       (unsigned long long)instructions_ops),
                hp_instructions_measure(&run, argc, original_argv, instructions_ops, &err)) != 0) {
        hp_results_dir_release(&out);
        fprintf(stderr, "hotpath: %s\n", err.message);
        status = 1;
    } else {
        char written[HP_RESULTS_PATH_MAX];
        if (hp_results_write(&run, &out, command, written, sizeof written, &err) != 0) {
            fprintf(stderr, "hotpath: %s\n", err.message);
            status = 1;
        } else {
            print_summary(&run, written);
            /* The tables are rendered from the files just written, as every later view is. */
            if (phases_file && hp_phase_print_tables(stdout, written, &err) != 0) {
                fprintf(stderr, "hotpath: %s\n", err.message);
                status = 1;
            }
            if (run.interrupted)
                status = 130;
        }
    }
    hp_run_release(&run);
    free(run.cases);
    return status;
}
