/* `hotpath gen`: synthetic route sets and request streams on stdout (see route_gen.h). */
#ifndef HOTPATH_CMD_GEN_H
#define HOTPATH_CMD_GEN_H

/* `hotpath gen routes ...` / `hotpath gen requests ...`; argv[0] is "gen". Prints the result on
 * stdout and returns 0, or prints one `hotpath gen: ...` message on stderr, prints nothing on
 * stdout and returns HP_EXIT_USAGE (2). */
int hp_cmd_gen(int argc, char **argv);

#endif
