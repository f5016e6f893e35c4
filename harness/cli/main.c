/* hotpath: a benchmark and profiling lab for the hot paths of web frameworks. */
#include <stdio.h>

#include "commands.h"
#include "files.h"

int main(int argc, char **argv)
{
    int status = hp_commands_run(argc, argv);
    /* A table that did not reach its reader (a full disk, /dev/full, a closed pipe) is a
     * failure, whatever the command decided. */
    struct hp_error err;
    if (hp_file_close(stdout, "standard output", &err) != 0) {
        fprintf(stderr, "hotpath: %s\n", err.message);
        return status ? status : 2;
    }
    return status;
}
