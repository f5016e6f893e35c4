/* Request workloads (claims C4, C10, C15 and the seeds' headline table): one op = the whole
 * pipeline (impls/http/pipeline.h) for one request: raw request bytes in, the complete response
 * in a pooled buffer out, the buffer given back.
 *
 *   request/static      GET requests of the GitHub set's static routes, in the proportions of
 *                       requests/github-realistic.requests (the Go GithubStatic benchmark's
 *                       kind of request);
 *   request/param2      requests/github-param2.requests: the one 2-param request of Go's
 *                       GithubParam benchmark;
 *   request/dynamic     GET requests of routes with 1 to 3 params, from the realistic stream;
 *   request/concurrent  every GET request of the realistic stream, on T >= 2 threads sharing
 *                       one router, one route-plan set and one context pool (each thread has
 *                       its own buffer pool and worker, pipeline.h).
 * Raw requests are built at setup: the request line and three typical headers (Host,
 * User-Agent, Accept), as curl sends them. Each thread walks the list from its own offset.
 * static and dynamic keep only requests that find a route; param2 and concurrent keep every
 * request of their list, so a list with misses times 404 answers too: every kind records
 * found_share, and setup refuses a list of misses only (workload.h).
 *
 * Axes: router, pool, context, header_writer, response_writer, buffer_pool. An axis not named
 * on the command line gets the workload's default (`hotpath list` shows them), not all of the
 * thousands of compositions; `--AXIS all` expands it.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "contexts/context.h"
#include "http/pipeline.h"
#include "inputs.h"
#include "routers/route_set.h"
#include "routers/router.h"
#include "workload.h"

enum request_kind { KIND_STATIC, KIND_DYNAMIC, KIND_PARAM2, KIND_ALL };

static const char request_headers[] = " HTTP/1.1\r\n"
                                      "Host: api.github.com\r\n"
                                      "User-Agent: curl/8.5.0\r\n"
                                      "Accept: application/json\r\n"
                                      "\r\n";

struct raw_request {
    const char *bytes;
    size_t len;
};

struct request_case {
    struct hp_route_set *routes;
    struct hp_pipeline *pipeline;
    char *raw_text; /* every raw request back to back */
    struct raw_request *requests;
    size_t request_count;
    unsigned threads;
    size_t context_bytes;
};

struct request_thread {
    struct request_case *c;
    struct hp_pipeline_worker *worker;
    size_t cursor;
};

static void case_free(struct request_case *c)
{
    if (!c)
        return;
    hp_pipeline_destroy(c->pipeline);
    hp_route_set_free(c->routes);
    free(c->raw_text);
    free(c->requests);
    free(c);
}

/* Which lines of the list the kind keeps: looked up once in a router of the composition's
 * kind, by param count. */
static int select_lines(const struct hp_case_params *params, const struct hp_route_set *routes,
                        const struct hp_request_list *list, enum request_kind kind, bool *keep,
                        size_t *kept_found, struct hp_error *err)
{
    *kept_found = 0;
    const struct hp_router_ops *ops =
        (const struct hp_router_ops *)params->composition->impl[HP_AXIS_ROUTER];
    struct hp_router *router = ops->create(err);
    if (!router)
        return -1;
    if (hp_router_add_all(ops, router, routes->routes, routes->count, err) != 0) {
        ops->destroy(router);
        return -1;
    }
    if (ops->thread_attach)
        ops->thread_attach(router);
    struct hp_match match;
    hp_match_init(&match);
    for (size_t i = 0; i < list->count; i++) {
        const struct hp_request_line *line = &list->items[i];
        ops->lookup(router, line->method, line->path, line->len, &match);
        uint32_t n = match.params.count;
        bool found = match.status == HP_MATCH_FOUND;
        ops->match_release(router, &match);
        switch (kind) {
        case KIND_STATIC:
            keep[i] = found && line->method == HP_METHOD_GET && n == 0;
            break;
        case KIND_DYNAMIC:
            keep[i] = found && line->method == HP_METHOD_GET && n >= 1 && n <= 3;
            break;
        case KIND_ALL:
            keep[i] = line->method == HP_METHOD_GET;
            break;
        case KIND_PARAM2:
            keep[i] = true;
            break;
        }
        *kept_found += keep[i] && found;
    }
    if (ops->thread_detach)
        ops->thread_detach(router);
    ops->destroy(router);
    return 0;
}

static int build_raw(struct request_case *c, const struct hp_request_list *list, const bool *keep,
                     const char *list_path, struct hp_error *err)
{
    size_t total = 0, count = 0;
    for (size_t i = 0; i < list->count; i++)
        if (keep[i]) {
            total += strlen(hp_method_name(list->items[i].method)) + 1 + list->items[i].len +
                     sizeof request_headers - 1;
            count++;
        }
    if (count == 0)
        return hp_error_set(err, "%s: no request of this workload's kind", list_path);
    c->raw_text = malloc(total);
    c->requests = malloc(count * sizeof *c->requests);
    if (!c->raw_text || !c->requests)
        return hp_error_set(err, "request workload: out of memory");
    char *out = c->raw_text;
    for (size_t i = 0; i < list->count; i++) {
        if (!keep[i])
            continue;
        const char *method = hp_method_name(list->items[i].method);
        char *start = out;
        memcpy(out, method, strlen(method));
        out += strlen(method);
        *out++ = ' ';
        memcpy(out, list->items[i].path, list->items[i].len);
        out += list->items[i].len;
        memcpy(out, request_headers, sizeof request_headers - 1);
        out += sizeof request_headers - 1;
        c->requests[c->request_count++] = (struct raw_request){start, (size_t)(out - start)};
    }
    return 0;
}

static int request_setup(const struct hp_case_params *params, enum request_kind kind, void **shared,
                         struct hp_error *err)
{
    struct request_case *c = calloc(1, sizeof *c);
    if (!c)
        return hp_error_set(err, "request workload: out of memory");
    c->threads = params->threads ? params->threads : 1;
    const char *dir = params->workloads_dir ? params->workloads_dir : "workloads";
    char path[4096];
    struct hp_request_list list = {0};
    bool *keep = NULL;
    snprintf(path, sizeof path, "%s/routes/github.routes", dir);
    if (hp_route_set_load(path, &c->routes, err) != 0)
        goto fail;
    snprintf(path, sizeof path, "%s/requests/github-%s.requests", dir,
             kind == KIND_PARAM2 ? "param2" : "realistic");
    if (hp_request_list_load(path, &list, err) != 0)
        goto fail;
    if (list.count == 0) {
        hp_error_set(err, "%s: no requests", path);
        goto fail;
    }
    keep = calloc(list.count, sizeof *keep);
    if (!keep) {
        hp_error_set(err, "request workload: out of memory");
        goto fail;
    }
    size_t found;
    if (select_lines(params, c->routes, &list, kind, keep, &found, err) != 0 ||
        build_raw(c, &list, keep, path, err) != 0)
        goto fail;
    /* param2 and concurrent keep misses (404s) if the list has them: say how many there are,
     * and refuse a case of nothing else (workload.h). */
    if (found == 0) {
        hp_error_set(err,
                     "none of the %zu requests kept from %s finds a route of %s: every request "
                     "would be answered 404; check both files",
                     c->request_count, path, c->routes->name);
        goto fail;
    }
    hp_metrics_add(params->metrics, HP_METRIC_FOUND_SHARE, "fraction",
                   (double)found / (double)c->request_count);
    free(keep);
    keep = NULL;
    hp_request_list_free(&list);
    struct hp_pipeline_config config = {
        .composition = params->composition,
        .routes = c->routes,
        .date = time(NULL),
        .max_threads = c->threads + 1,
    };
    if (!(c->pipeline = hp_pipeline_create(&config, err)))
        goto fail;
    const struct hp_context_ops *context =
        hp_context_ops_of(params->composition->impl[HP_AXIS_CONTEXT]);
    c->context_bytes = context->object_size;
    *shared = c;
    return 0;
fail:
    free(keep);
    hp_request_list_free(&list);
    case_free(c);
    return -1;
}

static int request_thread_setup(void *shared, unsigned index, void **local, struct hp_error *err)
{
    struct request_case *c = shared;
    struct request_thread *t = calloc(1, sizeof *t);
    if (!t)
        return hp_error_set(err, "request workload: out of memory");
    t->c = c;
    t->cursor = (size_t)((uint64_t)index * c->request_count / c->threads) % c->request_count;
    if (!(t->worker = hp_pipeline_worker_create(c->pipeline, err))) {
        free(t);
        return -1;
    }
    *local = t;
    return 0;
}

static uint64_t request_run(void *local, uint64_t n)
{
    struct request_thread *t = local;
    const struct raw_request *requests = t->c->requests;
    size_t count = t->c->request_count, cursor = t->cursor;
    uint64_t checksum = 0;
    for (uint64_t i = 0; i < n; i++) {
        struct hp_pipeline_response response;
        if (hp_pipeline_handle(t->worker, requests[cursor].bytes, requests[cursor].len,
                               &response) == 0) {
            checksum += response.length + response.buffer.data[response.length - 1];
            hp_pipeline_response_done(t->worker, &response);
        }
        if (++cursor == count)
            cursor = 0;
    }
    t->cursor = cursor;
    return checksum;
}

static void request_thread_teardown(void *local)
{
    struct request_thread *t = local;
    hp_pipeline_worker_destroy(t->worker);
    free(t);
}

static void request_report(void *shared, struct hp_metrics *out)
{
    struct request_case *c = shared;
    size_t bytes = 0;
    for (size_t i = 0; i < c->request_count; i++)
        bytes += c->requests[i].len;
    hp_metrics_add(out, "request_bytes_mean", "bytes", (double)bytes / (double)c->request_count);
    hp_metrics_add(out, "distinct_requests", "count", (double)c->request_count);
    hp_metrics_add(out, "context_bytes", "bytes", (double)c->context_bytes);
}

/* The pipeline's answer to each request, on a worker of the main thread (the pipeline has
 * room for one more worker than the case's threads). */
static int request_exchanges(void *shared,
                             int (*each)(void *ctx, const char *request, size_t request_len,
                                         const char *response, size_t response_len),
                             void *ctx, struct hp_error *err)
{
    struct request_case *c = shared;
    struct hp_pipeline_worker *worker = hp_pipeline_worker_create(c->pipeline, err);
    if (!worker)
        return -1;
    int rc = 0;
    for (size_t i = 0; i < c->request_count && rc == 0; i++) {
        struct hp_pipeline_response response;
        if (hp_pipeline_handle(worker, c->requests[i].bytes, c->requests[i].len, &response) != 0) {
            rc = hp_error_set(err, "request %zu: no response (no output buffer)", i + 1);
            break;
        }
        if (each(ctx, c->requests[i].bytes, c->requests[i].len, (const char *)response.buffer.data,
                 response.length) != 0)
            rc = hp_error_set(err, "request %zu: cannot record its response", i + 1);
        hp_pipeline_response_done(worker, &response);
    }
    hp_pipeline_worker_destroy(worker);
    return rc;
}

static void request_teardown(void *shared)
{
    case_free(shared);
}

#define REQUEST_AXES                                                                               \
    (HP_AXIS_BIT(HP_AXIS_ROUTER) | HP_AXIS_BIT(HP_AXIS_POOL) | HP_AXIS_BIT(HP_AXIS_CONTEXT) |      \
     HP_AXIS_BIT(HP_AXIS_HEADER_WRITER) | HP_AXIS_BIT(HP_AXIS_RESPONSE_WRITER) |                   \
     HP_AXIS_BIT(HP_AXIS_BUFFER_POOL))

/* The default composition: on each axis the implementation the request/ measurements found
 * fastest on this machine (README); name the axis to compare. */
#define REQUEST_DEFAULTS                                                                           \
    {                                                                                              \
        [HP_AXIS_ROUTER] = "method_split", [HP_AXIS_POOL] = "tls_cache",                           \
        [HP_AXIS_CONTEXT] = "lazy_reset", [HP_AXIS_HEADER_WRITER] = "prebuilt",                    \
        [HP_AXIS_RESPONSE_WRITER] = "single_write", [HP_AXIS_BUFFER_POOL] = "tiered",              \
    }

#define REQUEST_WORKLOAD(symbol, wname, kind, wmin_threads, wsummary)                              \
    static int symbol##_setup(const struct hp_case_params *params, void **shared,                  \
                              struct hp_error *err)                                                \
    {                                                                                              \
        return request_setup(params, kind, shared, err);                                           \
    }                                                                                              \
    const struct hp_workload symbol = {                                                            \
        .name = wname,                                                                             \
        .summary = wsummary,                                                                       \
        .axes = REQUEST_AXES,                                                                      \
        .min_threads = wmin_threads,                                                               \
        .setup = symbol##_setup,                                                                   \
        .thread_setup = request_thread_setup,                                                      \
        .run = request_run,                                                                        \
        .thread_teardown = request_thread_teardown,                                                \
        .report = request_report,                                                                  \
        .teardown = request_teardown,                                                              \
        .exchanges = request_exchanges,                                                            \
        .axis_default = REQUEST_DEFAULTS,                                                          \
    }

REQUEST_WORKLOAD(hp_workload_request_static, "request/static", KIND_STATIC, 0,
                 "whole pipeline, GET of GitHub static routes (headline: static)");
REQUEST_WORKLOAD(hp_workload_request_param2, "request/param2", KIND_PARAM2, 0,
                 "whole pipeline, the one 2-param GitHub request of Go's GithubParam");
REQUEST_WORKLOAD(hp_workload_request_dynamic, "request/dynamic", KIND_DYNAMIC, 0,
                 "whole pipeline, GET of GitHub routes with 1-3 params (headline: dynamic)");
REQUEST_WORKLOAD(hp_workload_request_concurrent, "request/concurrent", KIND_ALL, 2,
                 "whole pipeline, the realistic GET mix on >= 2 threads sharing router and pools");
