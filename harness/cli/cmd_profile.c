/* `hotpath profile`: takes its own options (--cache-sim, --source, --top, --diff) out of the
 * command line, parses the rest as `run`'s selection (cmd_run.c), then profile_job.h does the work.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "commands.h"
#include "instructions.h"
#include "profile_job.h"
#include "values.h"

static void print_profile_usage(FILE *f)
{
    fprintf(f,
            "usage: hotpath profile [run's selection options] [--source callgrind|sampling]\n"
            "                       [--cache-sim] [--top N]\n"
            "       hotpath profile --diff OLD NEW [--out DIR] [--top N]\n"
            "       hotpath profile --diff PROFILE OLD_PHASE NEW_PHASE [--out DIR] [--top N]\n"
            "  Profiles the measured region of the cases `run` selects (--workload, --AXIS,\n"
            "  --phases FILE, --threads) under valgrind's callgrind, per op: a function table,\n"
            "  folded stacks, a flame graph (SVG) and callgrind's dump per case, and\n"
            "  profile.json, in --out DIR (default results/DATE-TIME-MS-profile).\n"
            "  --source S           callgrind (default: instructions, deterministic) or\n"
            "                       sampling (perf_event_open: cycles, else cpu-clock; the\n"
            "                       measured samples of --samples x --target-time)\n"
            "  --cache-sim          also simulate caches and branches: L1 and LL misses,\n"
            "                       mispredicts and estimated cycles per op (docs/profiling.md)\n"
            "  --instructions-ops N ops per thread profiled per case (default %d)\n"
            "  --top N              functions per table (default 15)\n"
            "  --diff               the change per function between two profiles (directories\n"
            "                       or profile.json), or two phases of one; --out DIR writes a\n"
            "                       diff flame graph per case (red grew, blue shrank)\n",
            HP_INSTRUCTIONS_DEFAULT_OPS);
}

/* Takes --cache-sim, --source S, --top N and --diff out of argv (into o); the rest stays in
 * kept[]. */
static int take_own_options(int argc, char **argv, struct hp_profile_options *o, char **kept,
                            int *kept_count, bool *diff, struct hp_error *err)
{
    *kept_count = 0;
    for (int i = 0; i < argc; i++) {
        if (strcmp(argv[i], "--cache-sim") == 0) {
            o->cache_sim = true;
        } else if (strcmp(argv[i], "--source") == 0) {
            if (i + 1 == argc)
                return hp_error_set(err, "--source needs callgrind or sampling");
            const char *source = argv[++i];
            if (strcmp(source, "callgrind") != 0 && strcmp(source, "sampling") != 0)
                return hp_error_set(err, "--source: '%s' is neither callgrind nor sampling",
                                    source);
            o->sampling = strcmp(source, "sampling") == 0;
        } else if (strcmp(argv[i], "--diff") == 0) {
            *diff = true;
        } else if (strcmp(argv[i], "--top") == 0) {
            uint64_t top;
            if (i + 1 == argc)
                return hp_error_set(err, "--top needs a value (see `hotpath profile --help`)");
            if (hp_parse_u64("--top", argv[++i], 1, 100000, &top, err) != 0)
                return -1;
            o->top = (size_t)top;
        } else {
            kept[(*kept_count)++] = argv[i];
        }
    }
    kept[*kept_count] = NULL;
    return 0;
}

/* --diff's arguments: two or three positionals and --out DIR. */
static int parse_diff(int argc, char **argv, struct hp_profile_options *o, struct hp_error *err)
{
    const char *positional[3];
    int count = 0;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--out") == 0 && i + 1 == argc)
            return hp_error_set(err, "--out needs a value (see `hotpath profile --help`)");
        else if (strcmp(argv[i], "--out") == 0)
            o->run.out_dir = argv[++i];
        else if (argv[i][0] == '-' || count == 3)
            return hp_error_set(err,
                                "profile --diff: unexpected '%s' (see `hotpath profile "
                                "--help`)",
                                argv[i]);
        else
            positional[count++] = argv[i];
    }
    if (count == 2) {
        o->diff_old = positional[0];
        o->diff_new = positional[1];
    } else if (count == 3) {
        o->diff_dir = positional[0];
        o->old_phase = positional[1];
        o->new_phase = positional[2];
    } else {
        return hp_error_set(err, "profile --diff needs OLD NEW, or PROFILE OLD_PHASE NEW_PHASE");
    }
    return 0;
}

int hp_cmd_profile(int argc, char **argv)
{
    for (int i = 1; i < argc; i++)
        if (strcmp(argv[i], "--help") == 0) {
            print_profile_usage(stdout);
            return 0;
        }
    static struct hp_profile_options o; /* large */
    memset(&o, 0, sizeof o);
    o.top = 15;
    char *kept[argc + 1], *parsed[argc + 1];
    int kept_count;
    bool diff = false;
    struct hp_error err;
    if (take_own_options(argc, argv, &o, kept, &kept_count, &diff, &err) != 0)
        return hp_usage_error(&err);
    if (diff) {
        if (parse_diff(kept_count, kept, &o, &err) != 0)
            return hp_usage_error(&err);
        int rc = hp_profile_diff_job(&o, &err);
        if (rc != 0)
            fprintf(stderr, "hotpath: %s\n", err.message);
        return rc;
    }
    /* run's parser permutes and splits its argv: it gets a copy; the child gets kept[]. */
    char command[4096];
    size_t used = (size_t)snprintf(command, sizeof command, "hotpath profile");
    for (int i = 1; i < argc && used < sizeof command; i++)
        used += (size_t)snprintf(command + used, sizeof command - used, " %s", argv[i]);
    char *copies[argc + 1];
    for (int i = 0; i < kept_count; i++)
        parsed[i] = copies[i] = strdup(kept[i]);
    parsed[kept_count] = NULL;
    int rc = hp_run_options_parse(kept_count, parsed, &o.run, &err);
    if (rc == 0 && (o.run.count_instructions || o.run.callgrind_child))
        rc = hp_error_set(&err, "profile counts under callgrind itself: --instructions is run's");
    if (rc == 0 && o.sampling && o.cache_sim)
        rc = hp_error_set(&err, "--cache-sim is callgrind's simulation: not with --source "
                                "sampling");
    int status = rc < 0 ? hp_usage_error(&err) : 0;
    if (rc == 0) {
        kept[0] = "run";
        o.run.command = command;
        o.run.argc = kept_count;
        o.run.argv = kept;
        status = hp_profile_job(&o, &err);
        if (status != 0)
            fprintf(stderr, "hotpath: %s\n", err.message);
    }
    for (int i = 0; i < kept_count; i++)
        free(copies[i]);
    return status;
}
