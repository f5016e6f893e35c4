/* `hotpath gate BASELINE CURRENT`: exit 0 when no case regressed, 1 when one did, 2 on bad
 * input. See gate.h for the decision and docs/ci.md for the recipes. */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "values.h"
#include "commands.h"
#include "gate.h"
#include "results_merge.h"

static void print_gate_usage(FILE *f)
{
    fprintf(f, "usage: hotpath gate BASELINE CURRENT [options]\n"
               "  BASELINE, CURRENT   results directories (or results.json); several runs of one\n"
               "                      build separated by commas are pooled (ci-compare.sh)\n"
               "  --config FILE       thresholds and budgets, INI (docs/ci.md)\n"
               "  --format text|md    the table (default text; md for pull-request comments)\n"
               "  --json FILE         write the verdict as JSON\n"
               "  --clock auto|wall|cpu  samples the time rule compares (default auto: CPU time\n"
               "                      for one-thread cases, wall time otherwise; docs/ci.md)\n"
               "  --deterministic     gate allocations, bytes and instructions per op only\n"
               "                      (committed baselines from another run or machine)\n"
               "exit status: 0 no regression, 1 a case regressed, 2 bad input\n");
}

enum { OPT_CONFIG = 256, OPT_FORMAT, OPT_JSON, OPT_DETERMINISTIC, OPT_CLOCK, OPT_HELP };

int hp_cmd_gate(int argc, char **argv)
{
    static const struct option options[] = {
        {"config", required_argument, NULL, OPT_CONFIG},
        {"format", required_argument, NULL, OPT_FORMAT},
        {"json", required_argument, NULL, OPT_JSON},
        {"deterministic", no_argument, NULL, OPT_DETERMINISTIC},
        {"clock", required_argument, NULL, OPT_CLOCK},
        {"help", no_argument, NULL, OPT_HELP},
        {0},
    };
    struct hp_error err;
    const char *config_path = NULL, *json_path = NULL;
    enum hp_gate_format format = HP_GATE_TEXT;
    bool deterministic = false, clock_set = false;
    enum hp_gate_clock clock = HP_GATE_CLOCK_AUTO;
    opterr = 0;
    optind = 1;
    int opt;
    while ((opt = getopt_long(argc, argv, ":", options, NULL)) != -1) {
        switch (opt) {
        case OPT_CONFIG:
            config_path = optarg;
            break;
        case OPT_FORMAT:
            if (strcmp(optarg, "text") == 0) {
                format = HP_GATE_TEXT;
            } else if (strcmp(optarg, "md") == 0 || strcmp(optarg, "markdown") == 0) {
                format = HP_GATE_MARKDOWN;
            } else {
                hp_error_set(&err, "--format '%s': unknown (valid: text, md)", optarg);
                return hp_usage_error(&err);
            }
            break;
        case OPT_JSON:
            json_path = optarg;
            break;
        case OPT_DETERMINISTIC:
            deterministic = true;
            break;
        case OPT_CLOCK:
            if (hp_gate_clock_parse(optarg, &clock) != 0) {
                hp_error_set(&err, "--clock '%s': unknown (valid: auto, wall, cpu)", optarg);
                return hp_usage_error(&err);
            }
            clock_set = true;
            break;
        case OPT_HELP:
            print_gate_usage(stdout);
            return 0;
        case ':':
            hp_error_set(&err, "%s needs a value (see `hotpath gate --help`)", argv[optind - 1]);
            return hp_usage_error(&err);
        default:
            hp_error_set(&err, "unknown option '%s' (see `hotpath gate --help`)", argv[optind - 1]);
            return hp_usage_error(&err);
        }
    }
    if (argc - optind != 2) {
        hp_error_set(&err, "gate needs BASELINE and CURRENT (see `hotpath gate --help`)");
        return hp_usage_error(&err);
    }

    struct hp_gate_config config;
    hp_gate_config_defaults(&config);
    if (config_path && hp_gate_config_read(config_path, &config, &err) != 0)
        return hp_usage_error(&err);
    if (deterministic)
        config.deterministic_only = true;
    if (clock_set)
        config.clock = clock; /* the command line wins over the config */

    struct hp_results baseline, current;
    if (hp_results_read_merged(argv[optind], &baseline, &err) != 0)
        return hp_usage_error(&err);
    if (hp_results_read_merged(argv[optind + 1], &current, &err) != 0) {
        hp_results_free(&baseline);
        return hp_usage_error(&err);
    }
    struct hp_gate_result result;
    int status;
    if (hp_gate_evaluate(&baseline, &current, &config, &result, &err) != 0) {
        status = hp_usage_error(&err);
    } else {
        status = 0;
        if (json_path && hp_gate_write_json(json_path, &result, &err) != 0)
            status = hp_usage_error(&err);
        if (status == 0) {
            hp_gate_print(stdout, &result, format);
            status = result.failed ? 1 : 0;
        }
        hp_gate_result_free(&result);
    }
    hp_results_free(&baseline);
    hp_results_free(&current);
    return status;
}
