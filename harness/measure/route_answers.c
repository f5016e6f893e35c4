/* What routers answer for requests (route_answers.h). */
#include "route_answers.h"

#include <stdlib.h>
#include <string.h>

#include "files.h"
#include "inputs.h"
#include "registry.h"
#include "routers/route_set.h"
#include "routers/router.h"

/* Limits of what the requests may hold: a request line longer than Go's default limit for a
 * whole request header (http.DefaultMaxHeaderBytes, 1 MiB) is no request, and the total bounds
 * the memory a pipe from /dev/zero or `yes` could take. */
enum { REQUESTS_LINE_MAX = 1 << 20, REQUESTS_TOTAL_MAX = 64 << 20 };

struct active_router {
    const struct hp_router_ops *ops;
    struct hp_router *router;
};

struct answering {
    const char *requests_name;
    struct hp_route_set *set;
    struct hp_request_list requests;
    struct active_router *routers;
    size_t router_count, created;
    size_t answer_size, longest;
    char *first, *other, *fixed; /* the first router's answer, another's, a fixed-case path */
};

static int read_requests(const struct hp_route_answers_request *req, struct hp_request_list *out,
                         struct hp_error *err)
{
    char *text;
    size_t len;
    if (hp_file_read(req->requests_path, REQUESTS_TOTAL_MAX, &text, &len, err) != 0)
        return -1;
    unsigned line = 1;
    for (size_t start = 0; start < len; line++) {
        const char *nl = memchr(text + start, '\n', len - start);
        size_t end = nl ? (size_t)(nl - text) : len;
        if (end - start > REQUESTS_LINE_MAX) {
            free(text);
            return hp_error_set(err, "%s:%u: a line longer than 1 MiB (no request is)",
                                req->requests_name, line);
        }
        start = end + 1;
    }
    int rc = hp_request_list_parse(req->requests_name, text, len, out, err);
    free(text);
    return rc;
}

/* Every router asked for, created and loaded with the route set. */
static int start_routers(struct answering *a, const char *name, struct hp_error *err)
{
    bool all = strcmp(name, "all") == 0;
    a->router_count = all ? hp_axis_impl_count(HP_AXIS_ROUTER) : 1;
    a->routers = calloc(a->router_count, sizeof *a->routers);
    if (!a->routers)
        return hp_error_set(err, "out of memory");
    for (size_t i = 0; i < a->router_count; i++) {
        struct active_router *ar = &a->routers[i];
        const struct hp_impl_info *info =
            all ? hp_router_table[i] : hp_impl_find(HP_AXIS_ROUTER, name);
        ar->ops = (const struct hp_router_ops *)info;
        ar->router = ar->ops->create(err);
        if (!ar->router)
            return -1;
        a->created++;
        if (ar->ops->thread_attach)
            ar->ops->thread_attach(ar->router);
        if (hp_router_add_all(ar->ops, ar->router, a->set->routes, a->set->count, err) < 0)
            return -1;
    }
    return 0;
}

/* Answers can be long (a 64 KiB path echoed back): buffers sized for the longest request. */
static int size_buffers(struct answering *a, struct hp_error *err)
{
    for (size_t i = 0; i < a->requests.count; i++)
        if (a->requests.items[i].len > a->longest)
            a->longest = a->requests.items[i].len;
    a->answer_size = 2 * a->longest + HP_ROUTE_PATTERN_MAX + 1024;
    a->first = malloc(a->answer_size);
    a->other = malloc(a->answer_size);
    a->fixed = malloc(a->longest + 1);
    return a->first && a->other && a->fixed ? 0 : hp_error_set(err, "out of memory");
}

/* Router ar's answer to req into buf; its length. */
static size_t answer(struct answering *a, const struct active_router *ar,
                     const struct hp_request_line *req, char *buf)
{
    struct hp_match match;
    hp_match_init(&match);
    ar->ops->lookup(ar->router, req->method, req->path, req->len, &match);
    size_t n =
        hp_match_format(buf, a->answer_size, a->set, req->method, req->path, req->len, &match);
    size_t fixed_len = 0;
    if (match.status == HP_MATCH_NOT_FOUND && ar->ops->find_case_insensitive)
        fixed_len = ar->ops->find_case_insensitive(ar->router, req->method, req->path, req->len,
                                                   a->fixed, a->longest + 1);
    if (fixed_len > 0) /* the same redirect codes as the trailing-slash suggestion */
        n = (size_t)snprintf(buf, a->answer_size, "%s %.*s (fixed case)",
                             req->method == HP_METHOD_GET ? "301" : "308", (int)fixed_len,
                             a->fixed);
    ar->ops->match_release(ar->router, &match);
    return n < a->answer_size ? n : a->answer_size - 1;
}

static enum hp_route_answers_outcome answer_all(struct answering *a, FILE *out)
{
    for (size_t i = 0; i < a->requests.count; i++) {
        const struct hp_request_line *req = &a->requests.items[i];
        size_t first_len = answer(a, &a->routers[0], req, a->first);
        for (size_t r = 1; r < a->router_count; r++) {
            size_t n = answer(a, &a->routers[r], req, a->other);
            if (n == first_len && memcmp(a->first, a->other, n) == 0)
                continue;
            fflush(out);
            fprintf(stderr, "hotpath: %s:%u: %s %.*s: %s answers '%s', %s answers '%s'\n",
                    a->requests_name, req->line, hp_method_name(req->method), (int)req->len,
                    req->path, a->routers[0].ops->info.name, a->first, a->routers[r].ops->info.name,
                    a->other);
            return HP_ROUTE_DISAGREED;
        }
        fwrite(a->first, 1, first_len, out);
        fputc('\n', out);
    }
    return HP_ROUTE_ANSWERED;
}

static void finish(struct answering *a)
{
    for (size_t i = 0; i < a->created; i++) {
        if (a->routers[i].ops->thread_detach)
            a->routers[i].ops->thread_detach(a->routers[i].router);
        a->routers[i].ops->destroy(a->routers[i].router);
    }
    free(a->routers);
    free(a->first);
    free(a->other);
    free(a->fixed);
    hp_request_list_free(&a->requests);
    hp_route_set_free(a->set);
}

enum hp_route_answers_outcome hp_route_answers(const struct hp_route_answers_request *req,
                                               FILE *out, struct hp_error *err)
{
    if (strcmp(req->router, "all") != 0 && !hp_impl_find(HP_AXIS_ROUTER, req->router)) {
        char valid[1024];
        hp_axis_impl_names(HP_AXIS_ROUTER, valid, sizeof valid);
        hp_error_set(err, "route: unknown router '%s' (valid: %s, all)", req->router, valid);
        return HP_ROUTE_REFUSED;
    }
    struct answering a = {.requests_name = req->requests_name};
    enum hp_route_answers_outcome outcome = HP_ROUTE_REFUSED;
    if (hp_route_set_load(req->routes, &a.set, err) == 0 &&
        read_requests(req, &a.requests, err) == 0 && start_routers(&a, req->router, err) == 0 &&
        size_buffers(&a, err) == 0)
        outcome = answer_all(&a, out);
    finish(&a);
    return outcome;
}
