/* `hotpath route`: answer requests read on stdin with one router, or check that all agree. */
#ifndef HOTPATH_CMD_ROUTE_H
#define HOTPATH_CMD_ROUTE_H

/* argv[0] is "route". Returns the process exit status (0, 1 on disagreement, 2 bad input). */
int hp_cmd_route(int argc, char **argv);

#endif
