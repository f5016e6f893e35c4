/* `hotpath run`: parses the command line into the options of run_job.h, which chooses the
 * cases, measures them, writes a results directory and prints its summary. */
#include <errno.h>
#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "commands.h"
#include "instructions.h"
#include "phase_cases.h"
#include "run_job.h"
#include "values.h"

static void print_run_usage(FILE *f)
{
    fprintf(f, "usage: hotpath run [options]\n"
               "  --workload PATTERN[,...]  workloads to run (glob; '*' crosses '/'); repeatable\n"
               "                            (default: the quick tour, see README)\n"
               "  --AXIS NAME[,...]|all     implementations of an axis (default: all, or the\n"
               "                            workload's default: see `hotpath list`); axes:");
    for (int axis = 0; axis < HP_AXIS_COUNT; axis++)
        fprintf(f, " --%s", hp_axis_get(axis)->name);
    fprintf(f,
            "\n"
            "  --param NAME=LIST         a workload parameter's values, each a case: 10,100,1k\n"
            "                            or 10..100k (x10 steps), A..B*F, A..B+S; repeatable\n"
            "                            for other parameters (see `hotpath list`)\n"
            "  --threads N[,N...]|scaling  thread counts (default 1; scaling: 1 to twice the\n"
            "                            CPUs, those beyond the CPUs time-sliced)\n"
            "  --mode batch|latency|both (default batch)\n"
            "  --cache warm|cold|both    cold: each op on one of many instances filling twice\n"
            "                            the last-level cache (default warm; batch mode)\n"
            "  --llc-size BYTES          the last-level cache cold mode fills (e.g. 32M;\n"
            "                            default: from /sys, else the CPU's own figure)\n"
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
            "  --external FILE           also measure the external cases of FILE (Go peers:\n"
            "                            peers/go.external; docs/external-cases.md)\n"
            "  --instructions            also count instructions per op under valgrind's\n"
            "                            callgrind (exact, repeatable; see docs/ci.md)\n"
            "  --instructions-ops N      ops per thread counted per case (default %d)\n",
            HP_INSTRUCTIONS_DEFAULT_OPS);
}

enum {
    OPT_WORKLOAD = 256,
    OPT_THREADS,
    OPT_MODE,
    OPT_CACHE,
    OPT_LLC_SIZE,
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
    OPT_EXTERNAL,
    OPT_PARAM,
    OPT_AXIS_FIRST = 512 /* + axis id */
};

static void join_command(int argc, char **argv, char *out, size_t size)
{
    size_t used = (size_t)snprintf(out, size, "hotpath");
    for (int i = 0; i < argc && used < size; i++)
        used += (size_t)snprintf(out + used, size - used, " %s", argv[i]);
}

/* --workload and --threads: comma-separated lists. */
static int parse_list_option(struct hp_run_options *o, int opt, char *value, struct hp_error *err)
{
    char *items[HP_SELECTION_MAX_ITEMS];
    struct hp_selection *sel = &o->sel;
    if (opt == OPT_THREADS && strcmp(value, "scaling") == 0) {
        /* Every count up to twice the CPUs: beyond them the cases are time-sliced (the
         * results and the report say so, and the scalability fit leaves them out). */
        long cpus = sysconf(_SC_NPROCESSORS_ONLN);
        unsigned most = cpus > 0 ? 2 * (unsigned)cpus : 2;
        if (most > HP_MAX_THREADS)
            most = HP_MAX_THREADS;
        for (unsigned t = 1; t <= most; t++)
            sel->threads[t - 1] = t;
        sel->thread_count = most;
        o->given |= HP_GIVEN_THREADS;
        return 0;
    }
    const char *flag = opt == OPT_WORKLOAD ? "--workload" : "--threads";
    int n = hp_split_list(flag, value, items, HP_SELECTION_MAX_ITEMS, err);
    if (n < 0)
        return -1;
    for (int i = 0; i < n; i++) {
        if (opt == OPT_THREADS) {
            uint64_t threads;
            if (hp_parse_u64("--threads", items[i], 1, HP_MAX_THREADS, &threads, err) != 0)
                return -1;
            sel->threads[i] = (unsigned)threads;
        } else if (sel->workload_pattern_count == HP_SELECTION_MAX_ITEMS) {
            return hp_error_set(err, "--workload: too many patterns");
        } else {
            sel->workload_patterns[sel->workload_pattern_count++] = items[i];
        }
    }
    if (opt == OPT_THREADS) {
        sel->thread_count = (size_t)n;
        o->given |= HP_GIVEN_THREADS;
    }
    return 0;
}

static int parse_cache(struct hp_run_options *o, const char *value, struct hp_error *err)
{
    static const char *const names[] = {"warm", "cold", "both"};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        if (strcmp(value, names[i]) == 0) {
            o->sel.cache = (enum hp_cache_choice)i;
            return 0;
        }
    return hp_error_set(err, "--cache '%s': unknown (valid: warm, cold, both)", value);
}

/* "33554432", "32768K", "32M", "1G" (binary multiples). */
static int parse_llc_size(struct hp_run_options *o, const char *value, struct hp_error *err)
{
    char *end;
    errno = 0;
    unsigned long long v = strtoull(value, &end, 10);
    unsigned shift = 0;
    if (*end && end[1] == '\0')
        shift = *end == 'K' ? 10 : *end == 'M' ? 20 : *end == 'G' ? 30 : 99;
    if (end == value || value[0] == '-' || errno || (*end && shift == 99) || (*end && end[1]) ||
        v == 0 || v > (1ull << 40) >> shift)
        return hp_error_set(err,
                            "--llc-size '%s': not a size (bytes, or a whole number with K, M or "
                            "G; at least 1 byte, at most 1024G)",
                            value);
    o->config.llc_bytes = (uint64_t)v << shift;
    return 0;
}

static int parse_mode(struct hp_run_options *o, const char *value, struct hp_error *err)
{
    static const struct {
        const char *name;
        bool batch, latency;
    } modes[] = {{"batch", true, false}, {"latency", false, true}, {"both", true, true}};
    for (size_t i = 0; i < sizeof modes / sizeof modes[0]; i++)
        if (strcmp(value, modes[i].name) == 0) {
            o->sel.batch = modes[i].batch;
            o->sel.latency = modes[i].latency;
            o->given |= HP_GIVEN_MODE;
            return 0;
        }
    return hp_error_set(err, "--mode '%s': unknown (valid: batch, latency, both)", value);
}

/* The options with a number (or a duration) for a value. */
static int parse_number_option(struct hp_run_options *o, int opt, const char *value,
                               struct hp_error *err)
{
    struct hp_run_config *cfg = &o->config;
    if (opt == OPT_TARGET) {
        o->given |= HP_GIVEN_TARGET;
        return hp_parse_duration_ns("--target-time", value, 1e3, 60e9, &cfg->target_sample_ns, err);
    }
    if (opt == OPT_SEED)
        return hp_parse_u64("--seed", value, 0, UINT64_MAX, &cfg->seed, err);
    if (opt == OPT_INSTRUCTIONS_OPS)
        return hp_parse_u64("--instructions-ops", value, 1, 100000000, &o->instructions_ops, err);
    const struct {
        int opt;
        const char *flag;
        uint64_t min, max;
        unsigned *target;
    } counts[] = {
        {OPT_SAMPLES, "--samples", 1, 100000, &cfg->samples},
        {OPT_WARMUP, "--warmup", 0, 1000, &cfg->warmup_rounds},
        {OPT_GROUP, "--latency-group", 1, 1u << 20, &cfg->latency_group},
    };
    for (size_t i = 0; i < sizeof counts / sizeof counts[0]; i++) {
        uint64_t v;
        if (counts[i].opt != opt)
            continue;
        if (hp_parse_u64(counts[i].flag, value, counts[i].min, counts[i].max, &v, err) != 0)
            return -1;
        *counts[i].target = (unsigned)v;
        o->given |= opt == OPT_SAMPLES ? HP_GIVEN_SAMPLES : 0;
        return 0;
    }
    return hp_error_set(err, "unexpected option");
}

/* One option of getopt's; 1 for --help (printed), 0, or -1 with err set. */
static int parse_option(struct hp_run_options *o, int opt, struct hp_error *err)
{
    switch (opt) {
    case OPT_WORKLOAD:
    case OPT_THREADS:
        return parse_list_option(o, opt, optarg, err);
    case OPT_MODE:
        return parse_mode(o, optarg, err);
    case OPT_CACHE:
        return parse_cache(o, optarg, err);
    case OPT_LLC_SIZE:
        return parse_llc_size(o, optarg, err);
    case OPT_SAMPLES:
    case OPT_TARGET:
    case OPT_WARMUP:
    case OPT_GROUP:
    case OPT_SEED:
    case OPT_INSTRUCTIONS_OPS:
        return parse_number_option(o, opt, optarg, err);
    case OPT_TIMER:
        if (strcmp(optarg, "auto") != 0 && strcmp(optarg, "monotonic") != 0)
            return hp_error_set(err, "--timer '%s': unknown (valid: auto, monotonic)", optarg);
        o->config.force_monotonic = strcmp(optarg, "monotonic") == 0;
        return 0;
    case OPT_PIN:
        o->config.pin = true;
        return 0;
    case OPT_OUT:
        o->out_dir = optarg;
        return 0;
    case OPT_WORKLOADS_DIR:
        o->config.workloads_dir = optarg;
        return 0;
    case OPT_QUIET:
        o->config.quiet = true;
        return 0;
    case OPT_INSTRUCTIONS:
        o->count_instructions = true;
        return 0;
    case OPT_CALLGRIND_CHILD:
        o->callgrind_child = optarg;
        return 0;
    case OPT_EXTERNAL:
        o->external_file = optarg;
        return 0;
    case OPT_PHASES:
        o->phases_file = optarg;
        return 0;
    case OPT_PARAM:
        return hp_selection_add_param(&o->sel, optarg, err);
    case OPT_HELP:
        print_run_usage(stdout);
        return 1;
    }
    int axis = opt - OPT_AXIS_FIRST;
    if (axis < 0 || axis >= HP_AXIS_COUNT)
        return hp_error_set(err, "unexpected option");
    o->axis_flag = hp_axis_get(axis)->name;
    return hp_selection_set_impls(&o->sel, axis, optarg, err);
}

/* The options getopt knows: the fixed ones, then one --AXIS per axis of the registry. */
static void long_options(struct option *options)
{
    static const struct option fixed[] = {
        {"workload", required_argument, NULL, OPT_WORKLOAD},
        {"threads", required_argument, NULL, OPT_THREADS},
        {"mode", required_argument, NULL, OPT_MODE},
        {"cache", required_argument, NULL, OPT_CACHE},
        {"llc-size", required_argument, NULL, OPT_LLC_SIZE},
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
        {"external", required_argument, NULL, OPT_EXTERNAL},
        {"param", required_argument, NULL, OPT_PARAM},
    };
    size_t n = sizeof fixed / sizeof fixed[0];
    memcpy(options, fixed, sizeof fixed);
    for (int axis = 0; axis < HP_AXIS_COUNT; axis++)
        options[n++] = (struct option){hp_axis_get(axis)->name, required_argument, NULL,
                                       OPT_AXIS_FIRST + axis};
    options[n] = (struct option){0};
}

int hp_run_options_parse(int argc, char **argv, struct hp_run_options *o, struct hp_error *err)
{
    memset(o, 0, sizeof *o);
    hp_run_config_defaults(&o->config);
    o->sel.threads[0] = 1;
    o->sel.thread_count = 1;
    o->sel.batch = true;
    o->sel.add_overhead_probe = true;
    o->instructions_ops = HP_INSTRUCTIONS_DEFAULT_OPS;
    struct option options[32 + HP_AXIS_COUNT];
    long_options(options);
    opterr = 0;
    optind = 1;
    for (int opt; (opt = hp_next_option(argc, argv, options, argv[0], err)) != -1;) {
        int rc = opt == HP_OPTION_REFUSED ? -1 : parse_option(o, opt, err);
        if (rc != 0)
            return rc;
    }
    if (optind < argc)
        return hp_error_set(err, "unexpected argument '%s' (see `hotpath %s --help`)", argv[optind],
                            argv[0]);
    return 0;
}

int hp_cmd_run(int argc, char **argv)
{
    /* The command line as given: recorded in the results, and handed to the callgrind child
     * (getopt permutes argv and lists are split in place; on the stack: every return frees). */
    char command[4096];
    join_command(argc, argv, command, sizeof command);
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

    static struct hp_run_options o; /* large */
    struct hp_error err;
    int rc = hp_run_options_parse(argc, argv, &o, &err);
    if (rc != 0)
        return rc > 0 ? 0 : hp_usage_error(&err);
    o.command = command;
    o.argc = argc;
    o.argv = original_argv;
    switch (hp_run_job(&o, &err)) {
    case HP_RUN_DONE:
        return 0;
    case HP_RUN_INTERRUPTED:
        return 130;
    case HP_RUN_REFUSED:
        return hp_usage_error(&err);
    case HP_RUN_FAILED:
        break;
    }
    fprintf(stderr, "hotpath: %s\n", err.message);
    return 1;
}
