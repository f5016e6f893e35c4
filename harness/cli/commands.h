/* The hotpath subcommands. Each takes the arguments after "hotpath" (argv[0] is the
 * subcommand's own name) and returns the process exit status: 0 success, 1 a negative answer
 * (a disagreement, a regression), 2 refused input. */
#ifndef HOTPATH_COMMANDS_H
#define HOTPATH_COMMANDS_H

int hp_cmd_list(int argc, char **argv);
int hp_cmd_run(int argc, char **argv);
int hp_cmd_report(int argc, char **argv);
int hp_cmd_compare(int argc, char **argv);
int hp_cmd_gate(int argc, char **argv);

#endif
