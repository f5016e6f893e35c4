/* `hotpath report RESULTS_DIR`: report.md, report.html and charts beside the results. */
#include <stdio.h>
#include <string.h>

#include "commands.h"
#include "report.h"

int hp_cmd_report(int argc, char **argv)
{
    if (argc == 2 && (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)) {
        printf("usage: hotpath report RESULTS_DIR\n"
               "  writes RESULTS_DIR/report.md, a self-contained RESULTS_DIR/report.html and\n"
               "  the charts (RESULTS_DIR/charts/*.png, *.svg, with their data) with gnuplot\n"
               "  ($HOTPATH_GNUPLOT overrides the gnuplot program); for a `run --phases` run\n"
               "  also RESULTS_DIR/phases.md (the phase and claims tables)\n");
        return 0;
    }
    if (argc != 2 || argv[1][0] == '-') {
        fprintf(stderr, "hotpath: report takes one results directory (usage: hotpath report "
                        "RESULTS_DIR)\n");
        return 2;
    }
    if (argv[1][0] == '\0') {
        fprintf(stderr, "hotpath: report: the results directory is an empty name\n");
        return 2;
    }
    struct hp_report_outcome outcome;
    struct hp_error err;
    if (hp_report_write(argv[1], &outcome, &err) != 0) {
        fprintf(stderr, "hotpath: %s\n", err.message);
        return 2;
    }
    for (size_t i = 0; i < outcome.warning_count && i < HP_REPORT_MAX_WARNINGS; i++)
        fprintf(stderr, "hotpath: warning: %s\n", outcome.warnings[i]);
    if (outcome.warning_count > HP_REPORT_MAX_WARNINGS)
        fprintf(stderr, "hotpath: %zu more warnings in %s\n",
                outcome.warning_count - HP_REPORT_MAX_WARNINGS, outcome.report_md);
    printf("report: %s\n        %s\n%zu chart%s drawn (PNG and SVG)", outcome.report_md,
           outcome.report_html, outcome.charts_drawn, outcome.charts_drawn == 1 ? "" : "s");
    if (outcome.charts_omitted)
        printf(", %zu left out for lack of data (the report says why)", outcome.charts_omitted);
    printf("\n");
    return 0;
}
