/* `hotpath list` and `hotpath list --claims`: parses, then listing.h writes. */
#include <stdio.h>
#include <string.h>

#include "commands.h"
#include "listing.h"

int hp_cmd_list(int argc, char **argv)
{
    struct hp_error err;
    if (argc == 2 && strcmp(argv[1], "--help") == 0) {
        printf("usage: hotpath list [--claims]\n"
               "  every axis, implementation, workload and phase file; --claims: the claims\n"
               "  catalogue\n");
        return 0;
    }
    bool claims = argc == 2 && strcmp(argv[1], "--claims") == 0;
    if (argc > 1 && !claims) {
        const char *unexpected = strcmp(argv[1], "--claims") == 0 ? argv[2] : argv[1];
        hp_error_set(&err, "list takes no arguments but --claims (got '%s')", unexpected);
        return hp_usage_error(&err);
    }
    if (hp_list_write(stdout, claims, &err) == 0)
        return 0;
    if (claims) { /* the output failed, not the input */
        fprintf(stderr, "hotpath: %s\n", err.message);
        return 1;
    }
    return hp_usage_error(&err);
}
