/* `hotpath compare OLD NEW` and `hotpath compare RESULTS --phases OLD NEW`: parses the command
 * line, then compare_view.h does the work. */
#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "commands.h"
#include "compare_view.h"

static void print_compare_usage(FILE *f)
{
    char formats[256];
    hp_renderer_names(formats, sizeof formats);
    fprintf(f,
            "usage: hotpath compare OLD NEW [options]\n"
            "       hotpath compare RESULTS --phases OLD_PHASE NEW_PHASE [options]\n"
            "  OLD, NEW, RESULTS    results directories (or results.json); several runs of one\n"
            "                       build separated by commas are pooled\n"
            "  --phases OLD NEW     compare two phases of one run: cases matched by workload,\n"
            "                       threads and mode\n"
            "  --format FORMAT      %s (default text)\n"
            "  --chart PREFIX       also write PREFIX.png and PREFIX.svg: the change per case\n"
            "                       with its interval, regressions in red (needs gnuplot)\n",
            formats);
}

enum { OPT_PHASES = 256, OPT_FORMAT, OPT_CHART, OPT_HELP };

/* Fills req from argv; 0, 1 for --help (printed), or -1 with err set. */
static int parse(int argc, char **argv, struct hp_compare_request *req, struct hp_error *err)
{
    static const struct option options[] = {
        {"phases", no_argument, NULL, OPT_PHASES},
        {"format", required_argument, NULL, OPT_FORMAT},
        {"chart", required_argument, NULL, OPT_CHART},
        {"help", no_argument, NULL, OPT_HELP},
        {0},
    };
    bool phases = false;
    *req = (struct hp_compare_request){.format = HP_RENDER_TEXT};
    opterr = 0;
    optind = 1;
    for (int opt; (opt = hp_next_option(argc, argv, options, "compare", err)) != -1;) {
        if (opt == HP_OPTION_REFUSED) {
            return -1;
        } else if (opt == OPT_PHASES) {
            phases = true;
        } else if (opt == OPT_FORMAT) {
            if (!(req->format = hp_renderer_for_flag(optarg, err)))
                return -1;
        } else if (opt == OPT_CHART) {
            if (optarg[strlen(optarg) - 1] == '/') /* hp_next_option refused an empty one */
                return hp_error_set(err,
                                    "--chart '%s': PREFIX must name a file (PREFIX.png and "
                                    "PREFIX.svg are written, e.g. --chart out/change)",
                                    optarg);
            req->chart = optarg;
        } else if (opt == OPT_HELP) {
            print_compare_usage(stdout);
            return 1;
        }
    }
    /* --phases takes two values; getopt permutes them behind the options, so they arrive as
     * the 2nd and 3rd positional arguments: RESULTS OLD NEW. */
    if (argc - optind != (phases ? 3 : 2))
        return hp_error_set(err, phases ? "compare --phases needs RESULTS OLD_PHASE NEW_PHASE"
                                        : "compare needs OLD and NEW results (see `hotpath "
                                          "compare --help`)");
    if (phases) {
        req->results = argv[optind];
        req->old_phase = argv[optind + 1];
        req->new_phase = argv[optind + 2];
    } else {
        req->old = argv[optind];
        req->new_ = argv[optind + 1];
    }
    return 0;
}

int hp_cmd_compare(int argc, char **argv)
{
    struct hp_compare_request req;
    struct hp_error err;
    int rc = parse(argc, argv, &req, &err);
    if (rc == 0)
        rc = hp_compare_view(&req, stdout, &err);
    return rc < 0 ? hp_usage_error(&err) : 0;
}
