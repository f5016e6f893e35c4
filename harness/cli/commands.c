/* The command table (commands.h). */
#include "commands.h"

#include <getopt.h>
#include <stdio.h>
#include <string.h>

static const struct command {
    const char *name;
    int (*run)(int argc, char **argv);
    const char *summary;
} commands[] = {
    {"list", hp_cmd_list,
     "every axis, implementation, workload and phase file; --claims: the claims catalogue"},
    {"run", hp_cmd_run, "measure cases and write a results directory"},
    {"route", hp_cmd_route, "ask routers what a route table answers for requests on stdin"},
    {"gen", hp_cmd_gen, "generate synthetic route sets and Zipf-skewed request streams"},
    {"report", hp_cmd_report, "report.md, report.html and gnuplot charts of a results directory"},
    {"compare", hp_cmd_compare, "compare two results (or two phases of one) case by case"},
    {"gate", hp_cmd_gate, "fail (exit 1) when CURRENT regressed against BASELINE"},
    {"profile", hp_cmd_profile,
     "where a case's instructions go, by function and call stack (callgrind); --diff"},
    {"serve", hp_cmd_serve, "an HTTP/1.1 server of any composition on loopback, until SIGTERM"},
};

static void usage(FILE *f)
{
    fprintf(f, "usage: hotpath COMMAND [options]   (hotpath COMMAND --help for its options)\n");
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        fprintf(f, "  %-8s %s\n", commands[i].name, commands[i].summary);
}

int hp_commands_run(int argc, char **argv)
{
    if (argc < 2) {
        usage(stderr);
        return HP_EXIT_USAGE;
    }
    if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "help") == 0) {
        usage(stdout);
        return 0;
    }
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        if (strcmp(argv[1], commands[i].name) == 0)
            return commands[i].run(argc - 1, argv + 1);
    fprintf(stderr, "hotpath: unknown command '%s' (valid:", argv[1]);
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        fprintf(stderr, " %s", commands[i].name);
    fprintf(stderr, ")\n");
    return HP_EXIT_USAGE;
}

int hp_usage_error(const struct hp_error *err)
{
    fprintf(stderr, "hotpath: %s\n", err->message);
    return HP_EXIT_USAGE;
}

int hp_next_option(int argc, char **argv, const struct option *options, const char *command,
                   struct hp_error *err)
{
    int index = -1;
    int opt = getopt_long(argc, argv, ":", options, &index);
    if (opt == ':')
        hp_error_set(err, "%s needs a value (see `hotpath %s --help`)", argv[optind - 1], command);
    else if (opt == '?')
        hp_error_set(err, "unknown option '%s' (see `hotpath %s --help`)", argv[optind - 1],
                     command);
    else if (opt != -1 && optarg && !*optarg && index >= 0)
        hp_error_set(err, "--%s needs a value, not an empty one (see `hotpath %s --help`)",
                     options[index].name, command);
    else
        return opt;
    return HP_OPTION_REFUSED;
}
