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
 * stderr with both answers and the exit status is 1.
 * All input (flags, route file, the request lines) is checked before anything is printed: bad
 * input gives one message on stderr and exit status 2. Requests are text (a NUL byte is
 * refused), at most 1 MiB a line and 64 MiB in all.
 */
#include "cmd_route.h"
#include "inputs.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/error.h"
#include "files.h"
#include "registry.h"
#include "routers/route_set.h"
#include "routers/router.h"

static int usage_error(const char *message)
{
    fprintf(stderr, "hotpath: %s\n", message);
    return HP_EXIT_USAGE;
}

/* Limits of what stdin may hold: a request line longer than Go's default limit for a whole
 * request header (http.DefaultMaxHeaderBytes, 1 MiB) is no request, and the total bounds the
 * memory a pipe from /dev/zero or `yes` could take. */
enum { STDIN_LINE_MAX = 1 << 20, STDIN_TOTAL_MAX = 64 << 20 };

/* All of stdin within the limits (files.h refuses a directory and anything longer); NULL with
 * err set. */
static char *read_stdin(size_t *len, struct hp_error *err)
{
    char *text;
    if (hp_file_read("/dev/stdin", STDIN_TOTAL_MAX, &text, len, err) != 0)
        return NULL;
    unsigned line = 1;
    for (size_t start = 0; start < *len; line++) {
        const char *nl = memchr(text + start, '\n', *len - start);
        size_t end = nl ? (size_t)(nl - text) : *len;
        if (end - start > STDIN_LINE_MAX) {
            free(text);
            hp_error_set(err, "stdin:%u: a line longer than 1 MiB (no request is)", line);
            return NULL;
        }
        start = end + 1;
    }
    return text;
}

struct active_router {
    const struct hp_router_ops *ops;
    struct hp_router *router;
};

int hp_cmd_route(int argc, char **argv)
{
    const char *routes_path = NULL, *router_name = "radix";
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--routes") == 0 && i + 1 < argc) {
            routes_path = argv[++i];
        } else if (strcmp(argv[i], "--router") == 0 && i + 1 < argc) {
            router_name = argv[++i];
        } else {
            char msg[512];
            snprintf(msg, sizeof msg,
                     "route: unknown or incomplete argument '%s' (usage: hotpath route --routes "
                     "FILE [--router NAME|all] < requests)",
                     argv[i]);
            return usage_error(msg);
        }
    }
    if (!routes_path)
        return usage_error("route: --routes FILE is required (usage: hotpath route --routes "
                           "FILE [--router NAME|all] < requests)");

    bool all = strcmp(router_name, "all") == 0;
    size_t router_count = all ? hp_axis_impl_count(HP_AXIS_ROUTER) : 1;
    if (!all && !hp_impl_find(HP_AXIS_ROUTER, router_name)) {
        char msg[1024];
        int used = snprintf(msg, sizeof msg, "route: unknown router '%s' (valid: ", router_name);
        for (const struct hp_impl_info *const *it = hp_router_table; *it; it++)
            used += snprintf(msg + used, used < (int)sizeof msg ? sizeof msg - used : 0, "%s, ",
                             (*it)->name);
        snprintf(msg + used, used < (int)sizeof msg ? sizeof msg - used : 0, "all)");
        return usage_error(msg);
    }

    struct hp_error err;
    struct hp_route_set *set = NULL;
    if (hp_route_set_load(routes_path, &set, &err) < 0)
        return usage_error(err.message);

    size_t text_len = 0;
    char *text = read_stdin(&text_len, &err);
    struct hp_request_list requests;
    if (!text || hp_request_list_parse("stdin", text, text_len, &requests, &err) < 0) {
        free(text);
        hp_route_set_free(set);
        return usage_error(err.message);
    }
    const struct hp_request_line *reqs = requests.items;
    size_t req_count = requests.count;

    int status = 0;
    struct active_router *routers = calloc(router_count, sizeof *routers);
    size_t created = 0;
    for (size_t i = 0; routers && i < router_count; i++) {
        const struct hp_impl_info *info =
            all ? hp_router_table[i] : hp_impl_find(HP_AXIS_ROUTER, router_name);
        routers[i].ops = (const struct hp_router_ops *)info;
        routers[i].router = routers[i].ops->create(&err);
        if (!routers[i].router) {
            status = HP_EXIT_USAGE;
            break;
        }
        created++;
        if (routers[i].ops->thread_attach)
            routers[i].ops->thread_attach(routers[i].router);
        if (hp_router_add_all(routers[i].ops, routers[i].router, set->routes, set->count, &err) < 0)
            status = HP_EXIT_USAGE;
        if (status)
            break;
    }
    if (!routers)
        status = HP_EXIT_USAGE, snprintf(err.message, sizeof err.message, "out of memory");
    if (status)
        fprintf(stderr, "hotpath: %s\n", err.message);

    /* Answers can be long (a 64 KiB path echoed back): size the buffer for the longest. */
    size_t longest = 0;
    for (size_t i = 0; i < req_count; i++)
        if (reqs[i].len > longest)
            longest = reqs[i].len;
    size_t answer_size = 2 * longest + HP_ROUTE_PATTERN_MAX + 1024;
    char *first = malloc(answer_size), *other = malloc(answer_size);
    char *fixed = malloc(longest + 1);
    struct hp_match match;
    hp_match_init(&match);
    for (size_t i = 0; !status && first && other && i < req_count; i++) {
        const struct hp_request_line *req = &reqs[i];
        size_t first_len = 0;
        for (size_t r = 0; r < router_count; r++) {
            const struct active_router *ar = &routers[r];
            ar->ops->lookup(ar->router, req->method, req->path, req->len, &match);
            char *buf = r == 0 ? first : other;
            size_t n =
                hp_match_format(buf, answer_size, set, req->method, req->path, req->len, &match);
            size_t fixed_len = 0;
            if (match.status == HP_MATCH_NOT_FOUND && ar->ops->find_case_insensitive && fixed)
                fixed_len = ar->ops->find_case_insensitive(ar->router, req->method, req->path,
                                                           req->len, fixed, longest + 1);
            if (fixed_len > 0) /* the same redirect codes as the trailing-slash suggestion */
                n = (size_t)snprintf(buf, answer_size, "%s %.*s (fixed case)",
                                     req->method == HP_METHOD_GET ? "301" : "308", (int)fixed_len,
                                     fixed);
            if (n >= answer_size)
                n = answer_size - 1;
            ar->ops->match_release(ar->router, &match);
            if (r == 0) {
                first_len = n;
            } else if (n != first_len || memcmp(first, other, n) != 0) {
                fflush(stdout);
                fprintf(stderr, "hotpath: stdin:%u: %s %.*s: %s answers '%s', %s answers '%s'\n",
                        req->line, hp_method_name(req->method), (int)req->len, req->path,
                        routers[0].ops->info.name, first, ar->ops->info.name, other);
                status = 1;
                break;
            }
        }
        if (!status) {
            fwrite(first, 1, first_len, stdout);
            fputc('\n', stdout);
        }
    }
    if (!status && (!first || !other || !fixed)) {
        fprintf(stderr, "hotpath: out of memory\n");
        status = HP_EXIT_USAGE;
    }
    free(first);
    free(other);
    free(fixed);
    for (size_t i = 0; i < created; i++) {
        if (routers[i].ops->thread_detach)
            routers[i].ops->thread_detach(routers[i].router);
        routers[i].ops->destroy(routers[i].router);
    }
    free(routers);
    hp_request_list_free(&requests);
    free(text);
    hp_route_set_free(set);
    if (fflush(stdout) != 0 && !status)
        status = 1;
    return status;
}
