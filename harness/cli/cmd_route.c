/* `hotpath route --routes FILE [--router NAME|all]`
 *
 * Reads requests on stdin, one `METHOD PATH` a line (blank lines and `#` lines skipped), and
 * prints one answer a line:
 *   GET /users/:id id=42          found: method, the route's pattern, then name=value per param
 *   404                           no route for the path under any method
 *   405 Allow: GET, POST          the path exists for those methods only
 *   301 /users/                   trailing-slash suggestion (301 for GET, 308 otherwise, as
 *   308 /users                    httprouter does); the path with the slash added or removed
 *   301 /Users/42 (fixed case)    a miss that a route matches ignoring case (the router's
 *                                 find_case_insensitive): the path with the route's casing
 * With `--router all` every router answers every request; the first disagreement is reported on
 * stderr with both answers and the exit status is 1. All input (flags, route file, the request
 * lines) is checked before anything is printed: bad input gives one message on stderr and exit
 * status 2. Requests are text (a NUL byte is refused), at most 1 MiB a line and 64 MiB in all.
 * route_answers.h does the work.
 */
#include <stdio.h>
#include <string.h>

#include "commands.h"
#include "route_answers.h"

#define ROUTE_USAGE_LINE "usage: hotpath route --routes FILE [--router NAME|all] < requests"
#define ROUTE_USAGE      "(" ROUTE_USAGE_LINE ")"

int hp_cmd_route(int argc, char **argv)
{
    struct hp_route_answers_request req = {
        .router = "radix", .requests_name = "stdin", .requests_path = "/dev/stdin"};
    struct hp_error err;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--help") == 0) {
            printf("%s\n", ROUTE_USAGE_LINE);
            return 0;
        } else if (strcmp(argv[i], "--routes") == 0 && i + 1 < argc) {
            req.routes = argv[++i];
        } else if (strcmp(argv[i], "--router") == 0 && i + 1 < argc) {
            req.router = argv[++i];
        } else {
            hp_error_set(&err, "route: unknown or incomplete argument '%s' " ROUTE_USAGE, argv[i]);
            return hp_usage_error(&err);
        }
    }
    if (!req.routes) {
        hp_error_set(&err, "route: --routes FILE is required " ROUTE_USAGE);
        return hp_usage_error(&err);
    }
    switch (hp_route_answers(&req, stdout, &err)) {
    case HP_ROUTE_ANSWERED:
        return fflush(stdout) == 0 ? 0 : 1;
    case HP_ROUTE_DISAGREED:
        return 1;
    case HP_ROUTE_REFUSED:
        break;
    }
    return hp_usage_error(&err);
}
