/* `hotpath gate BASELINE CURRENT`: exit 0 when no case regressed, 1 when one did, 2 on bad
 * input, 3 when the machine drifted (gate.h). Parses the command line; gate.h decides (docs/ci.md
 * gives the recipes). */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "commands.h"
#include "gate.h"

static void print_gate_usage(FILE *f)
{
    fprintf(f,
            "usage: hotpath gate BASELINE CURRENT [options]\n"
            "  BASELINE, CURRENT   results directories (or results.json); several runs of one\n"
            "                      build separated by commas are pooled (ci-compare.sh)\n"
            "  --config FILE       thresholds and budgets, INI (docs/ci.md)\n"
            "  --format text|md    the table (default text; md for pull-request comments)\n"
            "  --json FILE         write the verdict as JSON\n"
            "  --clock auto|wall|cpu  samples the time rule compares (default auto: CPU time\n"
            "                      for one-thread cases, wall time otherwise; docs/ci.md)\n"
            "  --deterministic     gate allocations, bytes and instructions per op only\n"
            "                      (committed baselines from another run or machine)\n"
            "exit status: 0 no regression, 1 a case regressed, 2 bad input, 3 inconclusive:\n"
            "                      the machine drifted (the overhead probe and the floors\n"
            "                      moved with the slower cases; deterministic metrics passed)\n");
}

enum { OPT_CONFIG = 256, OPT_FORMAT, OPT_JSON, OPT_DETERMINISTIC, OPT_CLOCK, OPT_HELP };

/* The verdict is for a terminal (text) or a pull-request comment (md); machines read --json. */
static int set_format(struct hp_gate_request *req, const char *name, struct hp_error *err)
{
    req->format = hp_renderer_find(name);
    if (req->format != HP_RENDER_TEXT && req->format != HP_RENDER_MD)
        return hp_error_set(err, "--format '%s': unknown (valid: text, md)", name);
    return 0;
}

/* Fills req from argv; 0, 1 for --help (printed), or -1 with err set. */
static int parse(int argc, char **argv, struct hp_gate_request *req, struct hp_error *err)
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
    *req = (struct hp_gate_request){.format = HP_RENDER_TEXT, .clock = HP_GATE_CLOCK_AUTO};
    opterr = 0;
    optind = 1;
    for (int opt; (opt = hp_next_option(argc, argv, options, "gate", err)) != -1;) {
        if (opt == HP_OPTION_REFUSED) {
            return -1;
        } else if (opt == OPT_CONFIG) {
            req->config_path = optarg;
        } else if (opt == OPT_FORMAT) {
            if (set_format(req, optarg, err) != 0)
                return -1;
        } else if (opt == OPT_JSON) {
            req->json_path = optarg;
        } else if (opt == OPT_DETERMINISTIC) {
            req->deterministic = true;
        } else if (opt == OPT_CLOCK) {
            if (hp_gate_clock_parse(optarg, &req->clock) != 0)
                return hp_error_set(err, "--clock '%s': unknown (valid: auto, wall, cpu)", optarg);
            req->clock_set = true;
        } else if (opt == OPT_HELP) {
            print_gate_usage(stdout);
            return 1;
        }
    }
    if (argc - optind != 2)
        return hp_error_set(err, "gate needs BASELINE and CURRENT (see `hotpath gate --help`)");
    req->baseline = argv[optind];
    req->current = argv[optind + 1];
    return 0;
}

int hp_cmd_gate(int argc, char **argv)
{
    struct hp_gate_request req;
    struct hp_error err;
    int rc = parse(argc, argv, &req, &err);
    if (rc == 1)
        return 0;
    if (rc == 0)
        rc = hp_gate_view(&req, stdout, &err);
    return rc < 0 ? hp_usage_error(&err) : rc;
}
