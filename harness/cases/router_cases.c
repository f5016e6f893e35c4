/* Router workloads: one lookup per operation over a prepared request list.
 *
 * Route sets: WORKLOADS/routes/S.routes (route_set.h format). Requests:
 *   router/S/all         every route of the set once, its pattern used as the URL (a `:id`
 *                        segment is matched by the param as the literal text ":id");
 *   router/S/KIND        WORKLOADS/requests/S-KIND.requests for KIND in static, param1,
 *                        param2, realistic (the last one a stream in realistic proportions).
 * Sets: static, github, gplus, parse (the Go router benchmark suite's) and manyparams (a
 * generated API whose routes have 0 to 8 params, 11% of them more than 4: C10's spill path;
 * workloads/README.md has its command), with its `all` and `realistic` cases only.
 * Metric `lookups_without_allocation`: the share of the case's requests (every route once, for
 * `all`) whose lookup allocates nothing, counted in setup's pass (found_share's): C10's "0
 * allocations for 90% of routes".
 * Request file: one request a line, `METHOD /path[?query]` (route_set.h's request-list format,
 * read with its shared reader). Setup refuses a missing or empty file (a set without that kind
 * of route has none).
 *
 * router/github/read_with_writer: readers sweep the GitHub "all" list while a background
 * writer republishes one route (remove + re-add, cycling through the set) 1,000 times a second,
 * during this case's samples only (the runner interleaves every case's samples: a writer left
 * running would load the other cases, the baseline among them);
 * `report` adds the writer's latency figures (republishes, writer_p50/p99/max_ns). Only for the
 * routers that allow registration concurrent with lookups (HP_ROUTER_CONCURRENT_WRITES).
 * router/github/read_without_writer: the same readers with no writer, its baseline; one glob
 * runs both: --workload 'router/github/read_with*' --mode latency.
 *
 * Everything is parsed in setup; run() only indexes the prepared array (method enum, pointer,
 * length). Each thread has its own cursor (spread over the list) and its own match. Setup also
 * looks every request up once, records the share that finds a route (found_share) and refuses
 * a list in which none does (an empty route set, paths without '/'): workload.h.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "alloc_count.h"
#include "inputs.h"
#include "route_gen.h"
#include "routers/route_set.h"
#include "routers/router.h"
#include "workload.h"

enum { WRITER_PERIOD_NS = 1000000, WRITER_LATENCY_CAP = 1 << 20 };

/* The writer workloads' timed group, the same for both: with the automatic choice the slower
 * read_with_writer got groups half the size of its baseline's (the choice is a power of two
 * near a threshold), and percentiles of 4-op groups and 8-op groups differ by the timer's share
 * and by averaging, whatever the writer does. */
enum { WRITER_CASES_LATENCY_GROUP = 8 };

struct router_case {
    const struct hp_router_ops *ops;
    struct hp_router *router;
    struct hp_route_set *routes;
    const struct hp_request_line *requests; /* route_requests or request_list.items */
    size_t request_count;
    struct hp_request_line *route_requests; /* "all": one per route, patterns as paths */
    struct hp_request_list request_list;    /* a request file */
    struct hp_request_stream stream;        /* router/generated: the generated requests */
    unsigned threads;

    /* read_with_writer only */
    pthread_t writer;
    bool writer_running;
    /* writer_gate guards the two flags: the writer republishes only while a sample of this
     * case runs (sample_begin/sample_end), and waits on writer_wake otherwise. */
    pthread_mutex_t writer_gate;
    pthread_cond_t writer_wake;
    bool writer_active, writer_stop;
    uint64_t *writer_latency_ns;  /* one per republish, up to WRITER_LATENCY_CAP */
    uint64_t republishes;         /* written by the writer; read after join */
    struct hp_error writer_error; /* likewise; empty unless the writer failed */
};

struct router_thread {
    struct router_case *c;
    size_t cursor;
    struct hp_match match;
};

static void case_free(struct router_case *c)
{
    if (!c)
        return;
    if (c->router)
        c->ops->destroy(c->router);
    hp_route_set_free(c->routes);
    free(c->route_requests);
    hp_request_list_free(&c->request_list);
    hp_request_stream_free(&c->stream);
    free(c->writer_latency_ns);
    pthread_cond_destroy(&c->writer_wake);
    pthread_mutex_destroy(&c->writer_gate);
    free(c);
}

/* The request file, read with the shared request-list reader (route_set.h). */
static int load_requests(struct router_case *c, const char *path, struct hp_error *err)
{
    if (hp_request_list_load(path, &c->request_list, err) != 0)
        return -1;
    if (c->request_list.count == 0)
        return hp_error_set(err, "%s: no requests", path);
    c->requests = c->request_list.items;
    c->request_count = c->request_list.count;
    return 0;
}

static int requests_from_routes(struct router_case *c, struct hp_error *err)
{
    c->route_requests =
        malloc((c->routes->count ? c->routes->count : 1) * sizeof *c->route_requests);
    if (!c->route_requests)
        return hp_error_set(err, "out of memory");
    for (size_t i = 0; i < c->routes->count; i++) {
        const struct hp_route *r = &c->routes->routes[i];
        c->route_requests[i] =
            (struct hp_request_line){r->method, r->pattern_len, r->pattern, r->line};
    }
    c->requests = c->route_requests;
    c->request_count = c->routes->count;
    if (c->request_count == 0)
        return hp_error_set(err, "%s: no routes", c->routes->name);
    return 0;
}

/* Looks every request up once (outside any measurement) and records the share that finds a
 * route (workload.h) and the share whose lookup allocates nothing (C10); refuses a case in
 * which none finds a route: it would time nothing but misses. */
static int record_found_share(struct router_case *c, const struct hp_case_params *params,
                              const char *requests_name, struct hp_error *err)
{
    if (c->ops->thread_attach)
        c->ops->thread_attach(c->router);
    struct hp_match match;
    hp_match_init(&match);
    size_t found = 0, without_allocation = 0;
    for (size_t i = 0; i < c->request_count; i++) {
        const struct hp_request_line *q = &c->requests[i];
        struct hp_alloc_counts before, after;
        hp_alloc_counts_read(&before);
        c->ops->lookup(c->router, q->method, q->path, q->len, &match);
        hp_alloc_counts_read(&after);
        found += match.status == HP_MATCH_FOUND;
        without_allocation += hp_alloc_counts_delta(&before, &after).allocs == 0;
        c->ops->match_release(c->router, &match);
    }
    if (c->ops->thread_detach)
        c->ops->thread_detach(c->router);
    if (found == 0)
        return hp_error_set(err,
                            "none of the %zu requests of %s finds a route of %s (%zu routes): "
                            "every lookup would be a miss; check both files",
                            c->request_count, requests_name, c->routes->name, c->routes->count);
    hp_metrics_add(params->metrics, HP_METRIC_FOUND_SHARE, "fraction",
                   (double)found / (double)c->request_count);
    hp_metrics_add(params->metrics, "lookups_without_allocation", "fraction",
                   (double)without_allocation / (double)c->request_count);
    return 0;
}

static struct router_case *case_new(const struct hp_case_params *params, struct hp_error *err)
{
    const struct hp_impl_info *info = params->composition->impl[HP_AXIS_ROUTER];
    if (!info) {
        hp_error_set(err, "router workloads need a router implementation");
        return NULL;
    }
    struct router_case *c = calloc(1, sizeof *c);
    if (!c) {
        hp_error_set(err, "out of memory");
        return NULL;
    }
    pthread_mutex_init(&c->writer_gate, NULL);
    pthread_cond_init(&c->writer_wake, NULL);
    /* Every router ops struct starts with its hp_impl_info (registry.h). */
    c->ops = (const struct hp_router_ops *)info;
    c->threads = params->threads ? params->threads : 1;
    return c;
}

/* Creates the router and adds the case's routes, recording what the router then holds
 * (workload.h: held_bytes, per route). */
static int build_router(struct router_case *c, const struct hp_case_params *params,
                        struct hp_error *err)
{
    bool window = params->metrics && hp_alloc_held_begin() == 0;
    int rc = -1;
    if ((c->router = c->ops->create(err)) &&
        hp_router_add_all(c->ops, c->router, c->routes->routes, c->routes->count, err) == 0)
        rc = 0;
    if (window) {
        struct hp_alloc_held held;
        hp_alloc_held_end(&held);
        if (rc == 0)
            hp_metrics_add_held(params->metrics, &held, "route", c->routes->count);
    }
    return rc;
}

/* kind: "all" or a request file kind. */
static int router_setup(const struct hp_case_params *params, const char *set_name, const char *kind,
                        void **shared, struct hp_error *err)
{
    struct router_case *c = case_new(params, err);
    if (!c)
        return -1;
    const char *dir = params->workloads_dir ? params->workloads_dir : "workloads";
    char path[4096];
    snprintf(path, sizeof path, "%s/routes/%s.routes", dir, set_name);
    if (hp_route_set_load(path, &c->routes, err) != 0 || build_router(c, params, err) != 0)
        goto fail;
    if (strcmp(kind, "all") == 0) {
        if (requests_from_routes(c, err) != 0 ||
            record_found_share(c, params, "the route patterns", err) != 0)
            goto fail;
    } else {
        snprintf(path, sizeof path, "%s/requests/%s-%s.requests", dir, set_name, kind);
        if (load_requests(c, path, err) != 0 || record_found_share(c, params, path, err) != 0)
            goto fail;
    }
    *shared = c;
    return 0;
fail:
    case_free(c);
    return -1;
}

static int router_thread_setup(void *shared, unsigned index, void **local, struct hp_error *err)
{
    struct router_case *c = shared;
    /* A cache line (or more) of its own: each thread writes its match on every lookup, and two
     * threads' matches in one line would measure false sharing, not the router. */
    size_t size = (sizeof(struct router_thread) + 63) / 64 * 64;
    struct router_thread *t = aligned_alloc(64, size);
    if (!t)
        return hp_error_set(err, "out of memory");
    memset(t, 0, size);
    t->c = c;
    /* Spread the threads over the list so they do not look up the same route in lockstep. */
    t->cursor = (size_t)((uint64_t)index * c->request_count / c->threads) % c->request_count;
    hp_match_init(&t->match);
    if (c->ops->thread_attach)
        c->ops->thread_attach(c->router);
    *local = t;
    return 0;
}

static uint64_t router_run(void *local, uint64_t n)
{
    struct router_thread *t = local;
    const struct hp_router_ops *ops = t->c->ops;
    const struct hp_router *router = t->c->router;
    const struct hp_request_line *requests = t->c->requests;
    size_t count = t->c->request_count, cursor = t->cursor;
    uint64_t checksum = 0;
    for (uint64_t i = 0; i < n; i++) {
        const struct hp_request_line *q = &requests[cursor];
        ops->lookup(router, q->method, q->path, q->len, &t->match);
        checksum =
            checksum * 31 +
            (t->match.status == HP_MATCH_FOUND ? t->match.route_id : 0x80000000u + t->match.status);
        ops->match_release(router, &t->match);
        if (++cursor == count)
            cursor = 0;
    }
    t->cursor = cursor;
    return checksum;
}

static void router_thread_teardown(void *local)
{
    struct router_thread *t = local;
    t->c->ops->match_release(t->c->router, &t->match);
    if (t->c->ops->thread_detach)
        t->c->ops->thread_detach(t->c->router);
    free(t);
}

static void router_teardown(void *shared);

/* ---- read_with_writer ---- */

static uint64_t now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static void *writer_main(void *arg)
{
    struct router_case *c = arg;
    if (c->ops->thread_attach)
        c->ops->thread_attach(c->router);
    struct timespec next;
    struct hp_error err;
    bool was_active = false;
    for (;;) {
        pthread_mutex_lock(&c->writer_gate);
        while (!c->writer_active && !c->writer_stop) {
            was_active = false;
            pthread_cond_wait(&c->writer_wake, &c->writer_gate);
        }
        bool stop = c->writer_stop;
        pthread_mutex_unlock(&c->writer_gate);
        if (stop)
            break;
        if (!was_active) { /* a sample began: the first republish one period from now */
            clock_gettime(CLOCK_MONOTONIC, &next);
            was_active = true;
        }
        next.tv_nsec += WRITER_PERIOD_NS;
        if (next.tv_nsec >= 1000000000) {
            next.tv_nsec -= 1000000000;
            next.tv_sec++;
        }
        clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &next, NULL);
        pthread_mutex_lock(&c->writer_gate);
        bool still_active = c->writer_active && !c->writer_stop;
        pthread_mutex_unlock(&c->writer_gate);
        if (!still_active) /* the sample ended while the writer slept */
            continue;
        const struct hp_route *route = &c->routes->routes[c->republishes % c->routes->count];
        uint64_t start = now_ns();
        if (c->ops->remove(c->router, route, &err) != 0 ||
            c->ops->add(c->router, route, &err) != 0) {
            c->writer_error = err;
            break;
        }
        uint64_t elapsed = now_ns() - start;
        if (c->republishes < WRITER_LATENCY_CAP)
            c->writer_latency_ns[c->republishes] = elapsed;
        c->republishes++;
    }
    if (c->ops->thread_detach)
        c->ops->thread_detach(c->router);
    return NULL;
}

static void writer_stop_and_join(struct router_case *c)
{
    if (!c->writer_running)
        return;
    pthread_mutex_lock(&c->writer_gate);
    c->writer_stop = true;
    pthread_cond_signal(&c->writer_wake);
    pthread_mutex_unlock(&c->writer_gate);
    pthread_join(c->writer, NULL);
    c->writer_running = false;
}

static bool supports_concurrent_writer(const struct hp_router_ops *ops)
{
    return (ops->flags & HP_ROUTER_CONCURRENT_WRITES) && ops->remove;
}

static bool writer_supports(const struct hp_composition *composition)
{
    const struct hp_impl_info *info = composition->impl[HP_AXIS_ROUTER];
    return info && supports_concurrent_writer((const struct hp_router_ops *)info);
}

/* router/github/read_without_writer: the baseline of read_with_writer, the same routers, the
 * same setup and the same reader loop, no writer thread. */
/* The GitHub sweep for the writer workloads, both of which run only on routers that take
 * registration concurrent with lookups (the baseline too, so the two compare like with like). */
static int writer_router_setup(const char *workload, const struct hp_case_params *params,
                               void **shared, struct hp_error *err)
{
    if (router_setup(params, "github", "all", shared, err) != 0)
        return -1;
    struct router_case *c = *shared;
    if (!supports_concurrent_writer(c->ops)) {
        char valid[512];
        size_t used = 0;
        valid[0] = '\0';
        for (const struct hp_impl_info *const *it = hp_router_table; *it; it++)
            if (supports_concurrent_writer((const struct hp_router_ops *)*it) &&
                used < sizeof valid)
                used += (size_t)snprintf(valid + used, sizeof valid - used, "%s%s",
                                         used ? ", " : "", (*it)->name);
        hp_error_set(err,
                     "%s: router %s cannot accept registrations during lookups (routers that "
                     "can: %s)",
                     workload, c->ops->info.name, used ? valid : "none");
        case_free(c);
        *shared = NULL;
        return -1;
    }
    return 0;
}

static int read_without_writer_setup(const struct hp_case_params *params, void **shared,
                                     struct hp_error *err)
{
    return writer_router_setup("router/github/read_without_writer", params, shared, err);
}

static void writer_sample_begin(void *shared)
{
    struct router_case *c = shared;
    pthread_mutex_lock(&c->writer_gate);
    c->writer_active = true;
    pthread_cond_signal(&c->writer_wake);
    pthread_mutex_unlock(&c->writer_gate);
}

static void writer_sample_end(void *shared)
{
    struct router_case *c = shared;
    pthread_mutex_lock(&c->writer_gate);
    c->writer_active = false;
    pthread_mutex_unlock(&c->writer_gate);
}

static int read_with_writer_setup(const struct hp_case_params *params, void **shared,
                                  struct hp_error *err)
{
    if (writer_router_setup("router/github/read_with_writer", params, shared, err) != 0)
        return -1;
    struct router_case *c = *shared;
    c->writer_latency_ns = malloc(WRITER_LATENCY_CAP * sizeof *c->writer_latency_ns);
    if (!c->writer_latency_ns) {
        hp_error_set(err, "out of memory");
        goto fail;
    }
    if (pthread_create(&c->writer, NULL, writer_main, c) != 0) {
        hp_error_set(err, "cannot start the writer thread");
        goto fail;
    }
    c->writer_running = true;
    return 0;
fail:
    case_free(c);
    *shared = NULL;
    return -1;
}

static int compare_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return (x > y) - (x < y);
}

/* The measurement is over when report runs: stop the writer so its figures are final. */
static void read_with_writer_report(void *shared, struct hp_metrics *out)
{
    struct router_case *c = shared;
    writer_stop_and_join(c);
    size_t n = c->republishes < WRITER_LATENCY_CAP ? c->republishes : WRITER_LATENCY_CAP;
    hp_metrics_add(out, "republishes", "count", (double)c->republishes);
    if (c->writer_error.message[0]) /* a refused remove/add stopped the writer early */
        hp_metrics_add(out, "writer_failed", "count", 1);
    if (n == 0)
        return;
    qsort(c->writer_latency_ns, n, sizeof *c->writer_latency_ns, compare_u64);
    hp_metrics_add(out, "writer_p50_ns", "ns", (double)c->writer_latency_ns[(n - 1) / 2]);
    hp_metrics_add(out, "writer_p99_ns", "ns", (double)c->writer_latency_ns[(n - 1) * 99 / 100]);
    hp_metrics_add(out, "writer_max_ns", "ns", (double)c->writer_latency_ns[n - 1]);
}

static void router_teardown(void *shared)
{
    struct router_case *c = shared;
    if (!c)
        return;
    writer_stop_and_join(c);
    case_free(c);
}

/* ---- the cases ---- */

#define ROUTER_CASE(set, kind, summary_text)                                                       \
    static int setup_##set##_##kind(const struct hp_case_params *params, void **shared,            \
                                    struct hp_error *err)                                          \
    {                                                                                              \
        return router_setup(params, #set, #kind, shared, err);                                     \
    }                                                                                              \
    const struct hp_workload hp_workload_router_##set##_##kind = {                                 \
        .name = "router/" #set "/" #kind,                                                          \
        .summary = summary_text,                                                                   \
        .axes = HP_AXIS_BIT(HP_AXIS_ROUTER),                                                       \
        .flags = HP_WORKLOAD_INSTANCES,                                                            \
        .setup = setup_##set##_##kind,                                                             \
        .thread_setup = router_thread_setup,                                                       \
        .run = router_run,                                                                         \
        .thread_teardown = router_thread_teardown,                                                 \
        .teardown = router_teardown,                                                               \
    };

#define ROUTER_SET_CASES(set)                                                                      \
    ROUTER_CASE(set, all, "every " #set " route once, its pattern as the URL")                     \
    ROUTER_CASE(set, static, #set " static-route requests (requests/" #set "-static)")             \
    ROUTER_CASE(set, param1, #set " one-param requests (requests/" #set "-param1)")                \
    ROUTER_CASE(set, param2, #set " two-param requests (requests/" #set "-param2)")                \
    ROUTER_CASE(set, realistic, #set " realistic request stream (requests/" #set "-realistic)")

ROUTER_SET_CASES(static)
ROUTER_SET_CASES(github)
ROUTER_SET_CASES(gplus)
ROUTER_SET_CASES(parse)
ROUTER_CASE(manyparams, all, "every manyparams route (0-8 params) once, its pattern as the URL")
ROUTER_CASE(manyparams, realistic,
            "manyparams request stream, Zipf over routes of 0-8 params (C10's spill path)")

/* ---- router/generated/realistic: the route-count sweep ---- */

/* A fixed-length stream, whatever the route count: every size times the same number of
 * distinct requests, so the stream's own footprint does not grow with the table. */
enum { GENERATED_REQUESTS = 4096, GENERATED_ROUTE_SEED = 1 };
#define GENERATED_ZIPF 1.0

/* The requests of the generated stream, as the lookup loop reads them. */
static int requests_from_stream(struct router_case *c, struct hp_error *err)
{
    c->route_requests = malloc(c->stream.count * sizeof *c->route_requests);
    if (!c->route_requests)
        return hp_error_set(err, "out of memory");
    for (size_t i = 0; i < c->stream.count; i++) {
        const struct hp_request *q = &c->stream.requests[i];
        c->route_requests[i] =
            (struct hp_request_line){q->method, (uint32_t)q->path_len, q->path, (unsigned)i + 1};
    }
    c->requests = c->route_requests;
    c->request_count = c->stream.count;
    return 0;
}

static int generated_setup(const struct hp_case_params *params, void **shared, struct hp_error *err)
{
    struct router_case *c = case_new(params, err);
    if (!c)
        return -1;
    struct hp_route_gen_params gen;
    hp_route_gen_params_default(&gen);
    gen.routes = (unsigned)params->param[0];
    gen.max_depth = (unsigned)params->param[1];
    gen.seed = GENERATED_ROUTE_SEED;
    char name[96];
    snprintf(name, sizeof name, "generated (routes=%u, depth=%u)", gen.routes, gen.max_depth);
    char *text = hp_route_gen_routes(&gen, err);
    int rc = text ? hp_route_set_parse(name, text, strlen(text), &c->routes, err) : -1;
    free(text);
    if (rc != 0 || build_router(c, params, err) != 0 ||
        hp_request_stream_generate(c->routes, GENERATED_REQUESTS, GENERATED_ZIPF, params->seed,
                                   &c->stream, err) != 0 ||
        requests_from_stream(c, err) != 0 ||
        record_found_share(c, params, "the generated requests", err) != 0) {
        case_free(c);
        return -1;
    }
    *shared = c;
    return 0;
}

const struct hp_workload hp_workload_router_generated_realistic = {
    .name = "router/generated/realistic",
    .summary = "a generated route set (hotpath gen's shape, seed 1) and 4096 Zipf requests over it",
    .axes = HP_AXIS_BIT(HP_AXIS_ROUTER),
    .params =
        {
            {"routes", "routes in the generated set", 1, HP_ROUTE_GEN_MAX_ROUTES, 1000},
            {"depth", "at most this many segments per route", 2, HP_ROUTE_GEN_MAX_DEPTH, 5},
        },
    .setup = generated_setup,
    .thread_setup = router_thread_setup,
    .run = router_run,
    .thread_teardown = router_thread_teardown,
    .teardown = router_teardown,
};

const struct hp_workload hp_workload_router_github_read_with_writer = {
    .name = "router/github/read_with_writer",
    .summary = "GitHub sweep while a writer removes and re-adds one route 1000 times a second",
    .axes = HP_AXIS_BIT(HP_AXIS_ROUTER),
    .latency_group = WRITER_CASES_LATENCY_GROUP,
    .setup = read_with_writer_setup,
    .thread_setup = router_thread_setup,
    .run = router_run,
    .thread_teardown = router_thread_teardown,
    .report = read_with_writer_report,
    .sample_begin = writer_sample_begin,
    .sample_end = writer_sample_end,
    .teardown = router_teardown,
    .supports = writer_supports,
    .requirement = "a router that accepts registrations during lookups",
};

const struct hp_workload hp_workload_router_github_read_without_writer = {
    .name = "router/github/read_without_writer",
    .summary = "read_with_writer's readers alone (its baseline: same routers, same loop)",
    .axes = HP_AXIS_BIT(HP_AXIS_ROUTER),
    .latency_group = WRITER_CASES_LATENCY_GROUP,
    .setup = read_without_writer_setup,
    .thread_setup = router_thread_setup,
    .run = router_run,
    .thread_teardown = router_thread_teardown,
    .teardown = router_teardown,
    .supports = writer_supports,
    .requirement = "a router that accepts registrations during lookups",
};
