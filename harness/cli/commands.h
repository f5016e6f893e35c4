/* The hotpath commands. Each takes the arguments after "hotpath" (argv[0] is the command's own
 * name), parses them into the request of the one library function that does the work, calls it
 * and maps its result to the process exit status: 0 success, 1 a negative answer (a
 * disagreement, a regression, an output that could not be written), 2 refused input (one
 * message on stderr, nothing on stdout), 130 an interrupted run.
 *
 * To add a command: write harness/cli/cmd_NAME.c defining hp_cmd_NAME, declare it below, and
 * add its line (name, function, summary) to the table in commands.c.
 */
#ifndef HOTPATH_COMMANDS_H
#define HOTPATH_COMMANDS_H

#include "common/error.h"

int hp_cmd_list(int argc, char **argv);
int hp_cmd_run(int argc, char **argv);
int hp_cmd_route(int argc, char **argv);
int hp_cmd_gen(int argc, char **argv);
int hp_cmd_report(int argc, char **argv);
int hp_cmd_compare(int argc, char **argv);
int hp_cmd_gate(int argc, char **argv);
int hp_cmd_profile(int argc, char **argv);
int hp_cmd_serve(int argc, char **argv);

struct hp_run_options;
/* `run`'s options (cmd_run.c), which `profile` shares: fills o from argv (permuted by getopt;
 * argv[0], the command's name, is the one refusals point to); 1 for --help (run's usage
 * printed), 0, or -1 with err set. */
int hp_run_options_parse(int argc, char **argv, struct hp_run_options *o, struct hp_error *err);

/* `hotpath ARGS...`: the command argv[1] names, or the usage. Its exit status. */
int hp_commands_run(int argc, char **argv);

struct option;
enum { HP_OPTION_REFUSED = -2 };
/* getopt_long over long options only, with the refusals every command shares: an unknown
 * option, a missing value and an empty one (`--out ''` names no directory) set err, naming the
 * option and `hotpath COMMAND --help`, and give HP_OPTION_REFUSED. Otherwise the option's
 * value, or -1 after the last. The caller sets optind and opterr first. */
int hp_next_option(int argc, char **argv, const struct option *options, const char *command,
                   struct hp_error *err);

/* Prints "hotpath: MESSAGE" to stderr and returns HP_EXIT_USAGE, for commands to return. */
int hp_usage_error(const struct hp_error *err);

#endif
