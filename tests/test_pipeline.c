/* The pipeline: byte-exact responses (and refusals) for every composition of the six axes it uses,
 * zero allocations per request where the composition promises it, and two threads sharing one
 * pipeline (router, route plans, context pools). */
#define _GNU_SOURCE /* pthread_setaffinity_np, sched_getcpu */
#include <criterion/criterion.h>
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alloc_count.h"
#include "http/pipeline.h"
#include "inputs.h"
#include "registry.h"
#include "routers/route_set.h"

/* "Sun, 06 Nov 1994 08:49:37 GMT", the example date of RFC 9110. */
enum { FIXED_DATE = 784111777 };

struct pipeline_case {
    const char *name;
    const char *request;
    int status;
    const char *response;
};

/* The expected bytes, written out in full: every composition must produce exactly these. */
static const struct pipeline_case pipeline_cases[] = {
    {"static",
     "GET /user/repos HTTP/1.1\r\nHost: api.github.com\r\nUser-Agent: test/1.0\r\nAccept: "
     "*/*\r\n\r\n",
     200,
     "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nServer: "
     "hotpath\r\nX-Content-Type-Options: nosniff\r\nX-Frame-Options: DENY\r\nDate: Sun, 06 Nov "
     "1994 08:49:37 GMT\r\nContent-Length: 23\r\n\r\n{\"route\":\"/user/repos\"}"},
    {"param1",
     "GET /users/octocat HTTP/1.1\r\nHost: api.github.com\r\nUser-Agent: test/1.0\r\nAccept: "
     "*/*\r\n\r\n",
     200,
     "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nServer: "
     "hotpath\r\nX-Content-Type-Options: nosniff\r\nX-Frame-Options: DENY\r\nDate: Sun, 06 Nov "
     "1994 08:49:37 GMT\r\nContent-Length: "
     "41\r\n\r\n{\"route\":\"/users/:user\",\"user\":\"octocat\"}"},
    {"param2",
     "GET /repos/julienschmidt/httprouter/stargazers HTTP/1.1\r\nHost: "
     "api.github.com\r\nUser-Agent: test/1.0\r\nAccept: */*\r\n\r\n",
     200,
     "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nServer: "
     "hotpath\r\nX-Content-Type-Options: nosniff\r\nX-Frame-Options: DENY\r\nDate: Sun, 06 Nov "
     "1994 08:49:37 GMT\r\nContent-Length: "
     "86\r\n\r\n{\"route\":\"/repos/:owner/:repo/"
     "stargazers\",\"owner\":\"julienschmidt\",\"repo\":\"httprouter\"}"},
    {"param3",
     "GET /repos/octocat/hello-world/git/blobs/3a0f86fb HTTP/1.1\r\nHost: "
     "api.github.com\r\nUser-Agent: test/1.0\r\nAccept: */*\r\n\r\n",
     200,
     "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nServer: "
     "hotpath\r\nX-Content-Type-Options: nosniff\r\nX-Frame-Options: DENY\r\nDate: Sun, 06 Nov "
     "1994 08:49:37 GMT\r\nContent-Length: "
     "102\r\n\r\n{\"route\":\"/repos/:owner/:repo/git/blobs/"
     ":sha\",\"owner\":\"octocat\",\"repo\":\"hello-world\",\"sha\":\"3a0f86fb\"}"},
    {"query",
     "GET /user/repos?type=owner&sort=updated&&flag&q=a%20b HTTP/1.1\r\nHost: "
     "api.github.com\r\nUser-Agent: test/1.0\r\nAccept: */*\r\n\r\n",
     200,
     "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nServer: "
     "hotpath\r\nX-Content-Type-Options: nosniff\r\nX-Frame-Options: DENY\r\nDate: Sun, 06 Nov "
     "1994 08:49:37 GMT\r\nContent-Length: "
     "87\r\n\r\n{\"route\":\"/user/"
     "repos\",\"query\":{\"type\":\"owner\",\"sort\":\"updated\",\"flag\":\"\",\"q\":\"a%20b\"}}"},
    {"escaped",
     "GET /users/o\"k?q=\\ HTTP/1.1\r\nHost: api.github.com\r\nUser-Agent: test/1.0\r\nAccept: "
     "*/*\r\n\r\n",
     200,
     "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nServer: "
     "hotpath\r\nX-Content-Type-Options: nosniff\r\nX-Frame-Options: DENY\r\nDate: Sun, 06 Nov "
     "1994 08:49:37 GMT\r\nContent-Length: "
     "57\r\n\r\n{\"route\":\"/users/:user\",\"user\":\"o\\\"k\",\"query\":{\"q\":\"\\\\\"}}"},
    {"not_found",
     "GET /no/such/route HTTP/1.1\r\nHost: api.github.com\r\nUser-Agent: test/1.0\r\nAccept: "
     "*/*\r\n\r\n",
     404,
     "HTTP/1.1 404 Not Found\r\nContent-Type: application/json\r\nServer: "
     "hotpath\r\nX-Content-Type-Options: nosniff\r\nX-Frame-Options: DENY\r\nDate: Sun, 06 Nov "
     "1994 08:49:37 GMT\r\nContent-Length: 21\r\n\r\n{\"error\":\"not found\"}"},
    {"trailing_slash",
     "GET /user/repos/ HTTP/1.1\r\nHost: api.github.com\r\nUser-Agent: test/1.0\r\nAccept: "
     "*/*\r\n\r\n",
     404,
     "HTTP/1.1 404 Not Found\r\nContent-Type: application/json\r\nServer: "
     "hotpath\r\nX-Content-Type-Options: nosniff\r\nX-Frame-Options: DENY\r\nDate: Sun, 06 Nov "
     "1994 08:49:37 GMT\r\nContent-Length: 21\r\n\r\n{\"error\":\"not found\"}"},
    {"not_allowed",
     "DELETE /user/repos HTTP/1.1\r\nHost: api.github.com\r\nUser-Agent: test/1.0\r\nAccept: "
     "*/*\r\n\r\n",
     405,
     "HTTP/1.1 405 Method Not Allowed\r\nContent-Type: application/json\r\nServer: "
     "hotpath\r\nX-Content-Type-Options: nosniff\r\nX-Frame-Options: DENY\r\nAllow: GET, "
     "POST\r\nDate: Sun, 06 Nov "
     "1994 08:49:37 GMT\r\nContent-Length: 30\r\n\r\n{\"error\":\"method not "
     "allowed\"}"},
    {"unknown_method",
     "BREW /coffee HTTP/1.1\r\nHost: api.github.com\r\nUser-Agent: test/1.0\r\nAccept: */*\r\n\r\n",
     400,
     "HTTP/1.1 400 Bad Request\r\nContent-Type: application/json\r\nServer: "
     "hotpath\r\nX-Content-Type-Options: nosniff\r\nX-Frame-Options: DENY\r\nDate: Sun, 06 Nov "
     "1994 08:49:37 GMT\r\nContent-Length: 23\r\n\r\n{\"error\":\"bad request\"}"},
    {"bad_request", "GARBAGE\r\n\r\n", 400,
     "HTTP/1.1 400 Bad Request\r\nContent-Type: application/json\r\nServer: "
     "hotpath\r\nX-Content-Type-Options: nosniff\r\nX-Frame-Options: DENY\r\nDate: Sun, 06 Nov "
     "1994 08:49:37 GMT\r\nContent-Length: 23\r\n\r\n{\"error\":\"bad request\"}"},
};
enum { CASE_COUNT = sizeof pipeline_cases / sizeof pipeline_cases[0] };

static struct hp_route_set *load_github(void)
{
    struct hp_error err = {{0}};
    struct hp_route_set *routes = NULL;
    cr_assert_eq(hp_route_set_load("workloads/routes/github.routes", &routes, &err), 0, "%s",
                 err.message);
    return routes;
}

/* The GitHub routes the cases use and their neighbours in the tree (static and param siblings,
 * the same prefixes, two methods on one path): what every-composition needs, small enough that
 * building thousands of pipelines (a copy-on-write router publishes once per route) stays
 * quick in the sanitizer builds. The full GitHub set serves the other tests. */
static struct hp_route_set *load_case_routes(void)
{
    static const char text[] = "GET /user\n"
                               "GET /user/repos\n"
                               "POST /user/repos\n"
                               "GET /user/starred\n"
                               "GET /users/:user\n"
                               "GET /users/:user/repos\n"
                               "GET /repos/:owner/:repo\n"
                               "GET /repos/:owner/:repo/stargazers\n"
                               "GET /repos/:owner/:repo/git/blobs/:sha\n"
                               "POST /repos/:owner/:repo/git/blobs\n"
                               "GET /authorizations\n";
    struct hp_error err = {{0}};
    struct hp_route_set *routes = NULL;
    cr_assert_eq(hp_route_set_parse("cases.routes", text, sizeof text - 1, &routes, &err), 0, "%s",
                 err.message);
    return routes;
}

static struct hp_pipeline *make_pipeline(const struct hp_composition *composition,
                                         const struct hp_route_set *routes, unsigned threads)
{
    struct hp_error err = {{0}};
    struct hp_pipeline_config config = {composition, routes, (time_t)FIXED_DATE, threads + 1};
    struct hp_pipeline *pipeline = hp_pipeline_create(&config, &err);
    cr_assert_not_null(pipeline, "pipeline_create: %s", err.message);
    return pipeline;
}

static void composition_name(const struct hp_composition *c, char *out, size_t size)
{
    size_t used = 0;
    for (int axis = 0; axis < HP_AXIS_COUNT; axis++)
        if (c->impl[axis])
            used += (size_t)snprintf(out + used, used < size ? size - used : 0, "%s%s=%s",
                                     used ? " " : "", hp_axis_get(axis)->name, c->impl[axis]->name);
}

/* Runs every case once; returns the number of mismatches (each reported). */
static int check_cases(struct hp_pipeline_worker *worker, const char *who, bool report)
{
    int mismatches = 0;
    for (size_t i = 0; i < CASE_COUNT; i++) {
        const struct pipeline_case *pc = &pipeline_cases[i];
        struct hp_pipeline_response response;
        int rc = hp_pipeline_handle(worker, pc->request, strlen(pc->request), &response);
        if (rc != 0) {
            if (report)
                cr_log_error("%s: %s: handle failed", who, pc->name);
            mismatches++;
            continue;
        }
        size_t expected_len = strlen(pc->response);
        if (response.status != pc->status || response.length != expected_len ||
            memcmp(response.buffer.data, pc->response, expected_len) != 0) {
            if (report)
                cr_log_error("%s: %s: got status %d and\n%.*s\nexpected\n%s", who, pc->name,
                             response.status, (int)response.length,
                             (const char *)response.buffer.data, pc->response);
            mismatches++;
        }
        hp_pipeline_response_done(worker, &response);
    }
    return mismatches;
}

/* hp_pipeline_refuse's answers (a server's refusals), the same bytes for every composition. */
static const struct {
    int status;
    const char *response;
} refusals[] = {
    {431, "HTTP/1.1 431 Request Header Fields Too Large\r\nContent-Type: "
          "application/json\r\nServer: hotpath\r\nX-Content-Type-Options: "
          "nosniff\r\nX-Frame-Options: DENY\r\nConnection: close\r\nDate: Sun, 06 Nov 1994 "
          "08:49:37 GMT\r\nContent-Length: 43\r\n\r\n{\"error\":\"request header fields too "
          "large\"}"},
    {413, "HTTP/1.1 413 Content Too Large\r\nContent-Type: application/json\r\nServer: "
          "hotpath\r\nX-Content-Type-Options: nosniff\r\nX-Frame-Options: DENY\r\nConnection: "
          "close\r\nDate: Sun, 06 Nov 1994 08:49:37 GMT\r\nContent-Length: "
          "29\r\n\r\n{\"error\":\"content too large\"}"},
    {400, "HTTP/1.1 400 Bad Request\r\nContent-Type: application/json\r\nServer: "
          "hotpath\r\nX-Content-Type-Options: nosniff\r\nX-Frame-Options: DENY\r\nConnection: "
          "close\r\nDate: Sun, 06 Nov 1994 08:49:37 GMT\r\nContent-Length: "
          "23\r\n\r\n{\"error\":\"bad request\"}"},
};

/* Every refusal once, and a status it does not know; returns the number of mismatches. */
static int check_refusals(struct hp_pipeline_worker *worker, const char *who, bool report)
{
    int mismatches = 0;
    for (size_t i = 0; i < sizeof refusals / sizeof refusals[0]; i++) {
        struct hp_pipeline_response response;
        size_t expected_len = strlen(refusals[i].response);
        if (hp_pipeline_refuse(worker, refusals[i].status, &response) != 0) {
            mismatches++;
            continue;
        }
        if (response.status != refusals[i].status || response.length != expected_len ||
            memcmp(response.buffer.data, refusals[i].response, expected_len) != 0) {
            if (report)
                cr_log_error("%s: refusal %d: got\n%.*s", who, refusals[i].status,
                             (int)response.length, (const char *)response.buffer.data);
            mismatches++;
        }
        hp_pipeline_response_done(worker, &response);
    }
    struct hp_pipeline_response response;
    mismatches += hp_pipeline_refuse(worker, 404, &response) != -1;
    return mismatches;
}

/* Allocation-free per request after warm-up, except where an axis allocates by design; the
 * header writer's allocations are known exactly (header_allocations). */
static bool promises_known_allocations(const struct hp_composition *c)
{
    return strcmp(c->impl[HP_AXIS_POOL]->name, "malloc") != 0 &&
           strcmp(c->impl[HP_AXIS_BUFFER_POOL]->name, "malloc") != 0 &&
           strcmp(c->impl[HP_AXIS_ROUTER]->name, "radix_copy_params") != 0 &&
           strcmp(c->impl[HP_AXIS_ROUTER]->name, "radix_heap_params") != 0;
}

/* What the header writer allocates for the cases: a value holder per set (Go's []string{value})
 * for the four constants of every response and the 405's Allow, except the constants of
 * preallocated (made once) and everything of prebuilt (no holder at all). */
static uint64_t header_allocations(const struct hp_composition *c)
{
    const char *name = c->impl[HP_AXIS_HEADER_WRITER]->name;
    size_t not_allowed = 0;
    for (size_t i = 0; i < CASE_COUNT; i++)
        not_allowed += pipeline_cases[i].status == 405;
    if (strcmp(name, "prebuilt") == 0)
        return 0;
    if (strcmp(name, "preallocated") == 0)
        return not_allowed;
    return 4 * CASE_COUNT + not_allowed;
}

/* The per-CPU pools (percpu, percpu_cache) keep one cache per CPU: a thread that migrates
 * between the warm-up and the counted requests meets a cold cache, which allocates by design.
 * The counted section therefore runs on one CPU, the one the thread is on; `saved` restores
 * the thread's own set afterwards. */
static void pin_to_current_cpu(cpu_set_t *saved)
{
    cr_assert_eq(pthread_getaffinity_np(pthread_self(), sizeof *saved, saved), 0);
    int cpu = sched_getcpu();
    cr_assert_geq(cpu, 0, "sched_getcpu failed");
    cpu_set_t one;
    CPU_ZERO(&one);
    CPU_SET(cpu, &one);
    cr_assert_eq(pthread_setaffinity_np(pthread_self(), sizeof one, &one), 0,
                 "cannot pin the test thread to CPU %d", cpu);
}

static void unpin(const cpu_set_t *saved)
{
    cr_assert_eq(pthread_setaffinity_np(pthread_self(), sizeof *saved, saved), 0);
}

static const enum hp_axis_id pipeline_axes[] = {HP_AXIS_ROUTER,          HP_AXIS_POOL,
                                                HP_AXIS_CONTEXT,         HP_AXIS_HEADER_WRITER,
                                                HP_AXIS_RESPONSE_WRITER, HP_AXIS_BUFFER_POOL};
enum { PIPELINE_AXES = sizeof pipeline_axes / sizeof pipeline_axes[0] };

/* The composition number `index` of the product of every table (mixed radix). */
static size_t composition_count(void)
{
    size_t n = 1;
    for (size_t a = 0; a < PIPELINE_AXES; a++)
        n *= hp_axis_impl_count(pipeline_axes[a]);
    return n;
}

static void composition_at(size_t index, struct hp_composition *c)
{
    memset(c, 0, sizeof *c);
    for (size_t a = 0; a < PIPELINE_AXES; a++) {
        size_t n = hp_axis_impl_count(pipeline_axes[a]);
        c->impl[pipeline_axes[a]] = hp_axis_get(pipeline_axes[a])->impls[index % n];
        index /= n;
    }
}

Test(pipeline, every_composition_gives_the_same_bytes)
{
    struct hp_route_set *routes = load_case_routes();
    size_t count = composition_count();
    cr_assert_geq(count, 7 * 7 * 3 * 5 * 2 * 3, "every axis has its implementations");
    size_t failed = 0, zero_alloc_checked = 0;
    for (size_t index = 0; index < count; index++) {
        struct hp_composition c;
        composition_at(index, &c);
        char who[512];
        composition_name(&c, who, sizeof who);
        struct hp_pipeline *pipeline = make_pipeline(&c, routes, 1);
        struct hp_error err = {{0}};
        struct hp_pipeline_worker *worker = hp_pipeline_worker_create(pipeline, &err);
        cr_assert_not_null(worker, "%s: %s", who, err.message);
        int mismatches = check_cases(worker, who, failed < 5);
        mismatches += check_refusals(worker, who, failed < 5);
        if (mismatches)
            failed++;
        if (promises_known_allocations(&c)) {
            cpu_set_t saved;
            pin_to_current_cpu(&saved);
            check_cases(worker, who, false); /* warm-up: pools and buffers filled */
            struct hp_alloc_counts before, after;
            hp_alloc_counts_read(&before);
            int again = check_cases(worker, who, false);
            hp_alloc_counts_read(&after);
            unpin(&saved);
            struct hp_alloc_counts delta = hp_alloc_counts_delta(&before, &after);
            cr_expect_eq(delta.allocs, header_allocations(&c),
                         "%s: %llu allocations for %d requests", who,
                         (unsigned long long)delta.allocs, (int)CASE_COUNT);
            cr_expect_eq(again, 0, "%s: responses changed after warm-up", who);
            zero_alloc_checked++;
        }
        hp_pipeline_worker_destroy(worker);
        hp_pipeline_destroy(pipeline);
    }
    cr_assert_eq(failed, 0, "%zu of %zu compositions gave other bytes (first ones logged)", failed,
                 count);
    cr_assert_gt(zero_alloc_checked, count / 3,
                 "about half the compositions promise known allocation counts");
    hp_route_set_free(routes);
}

/* The malloc-backed axes do allocate: the test of zero allocations can fail. */
Test(pipeline, malloc_buffer_pool_allocates_per_request)
{
    struct hp_route_set *routes = load_github();
    struct hp_composition c = {0};
    c.impl[HP_AXIS_ROUTER] = hp_impl_find(HP_AXIS_ROUTER, "radix");
    c.impl[HP_AXIS_POOL] = hp_impl_find(HP_AXIS_POOL, "treiber");
    c.impl[HP_AXIS_CONTEXT] = hp_impl_find(HP_AXIS_CONTEXT, "inline");
    c.impl[HP_AXIS_HEADER_WRITER] = hp_impl_find(HP_AXIS_HEADER_WRITER, "prebuilt");
    c.impl[HP_AXIS_RESPONSE_WRITER] = hp_impl_find(HP_AXIS_RESPONSE_WRITER, "single_write");
    c.impl[HP_AXIS_BUFFER_POOL] = hp_impl_find(HP_AXIS_BUFFER_POOL, "malloc");
    struct hp_pipeline *pipeline = make_pipeline(&c, routes, 1);
    struct hp_error err = {{0}};
    struct hp_pipeline_worker *worker = hp_pipeline_worker_create(pipeline, &err);
    cr_assert_not_null(worker);
    check_cases(worker, "warm-up", false);
    struct hp_alloc_counts before, after;
    hp_alloc_counts_read(&before);
    cr_assert_eq(check_cases(worker, "malloc buffer pool", true), 0);
    hp_alloc_counts_read(&after);
    struct hp_alloc_counts delta = hp_alloc_counts_delta(&before, &after);
    cr_assert_eq(delta.allocs, CASE_COUNT, "one response buffer per request");
    hp_pipeline_worker_destroy(worker);
    hp_pipeline_destroy(pipeline);
    hp_route_set_free(routes);
}

struct thread_arg {
    struct hp_pipeline *pipeline;
    const char *who;
    int rounds;
    int mismatches;
};

static void *thread_main(void *p)
{
    struct thread_arg *arg = p;
    struct hp_error err = {{0}};
    struct hp_pipeline_worker *worker = hp_pipeline_worker_create(arg->pipeline, &err);
    if (!worker) {
        arg->mismatches = -1;
        return NULL;
    }
    for (int r = 0; r < arg->rounds; r++)
        arg->mismatches += check_cases(worker, arg->who, arg->mismatches == 0);
    hp_pipeline_worker_destroy(worker);
    return NULL;
}

static void run_two_threads(const struct hp_composition *c, const struct hp_route_set *routes)
{
    char who[512];
    composition_name(c, who, sizeof who);
    struct hp_pipeline *pipeline = make_pipeline(c, routes, 2);
    struct thread_arg args[2] = {{pipeline, who, 50, 0}, {pipeline, who, 50, 0}};
    pthread_t threads[2];
    for (int i = 0; i < 2; i++)
        cr_assert_eq(pthread_create(&threads[i], NULL, thread_main, &args[i]), 0);
    for (int i = 0; i < 2; i++)
        pthread_join(threads[i], NULL);
    for (int i = 0; i < 2; i++)
        cr_assert_eq(args[i].mismatches, 0, "%s: thread %d: %d mismatches", who, i,
                     args[i].mismatches);
    hp_pipeline_destroy(pipeline);
}

/* Two threads share the router, the route plans and the context pools: every pool and every
 * context with every router (header and response writers and buffer pools are per thread or
 * stateless, so one each). */
Test(pipeline, two_threads_share_router_and_pools, .timeout = 600)
{
    struct hp_route_set *routes = load_github();
    struct hp_composition c = {0};
    c.impl[HP_AXIS_HEADER_WRITER] = hp_impl_find(HP_AXIS_HEADER_WRITER, "canonical");
    c.impl[HP_AXIS_RESPONSE_WRITER] = hp_impl_find(HP_AXIS_RESPONSE_WRITER, "multi_write");
    c.impl[HP_AXIS_BUFFER_POOL] = hp_impl_find(HP_AXIS_BUFFER_POOL, "tiered");
    size_t runs = 0;
    for (const struct hp_impl_info *const *pool = hp_pool_table; *pool; pool++)
        for (const struct hp_impl_info *const *context = hp_context_table; *context; context++) {
            c.impl[HP_AXIS_POOL] = *pool;
            c.impl[HP_AXIS_CONTEXT] = *context;
            c.impl[HP_AXIS_ROUTER] = hp_router_table[runs % hp_axis_impl_count(HP_AXIS_ROUTER)];
            run_two_threads(&c, routes);
            runs++;
        }
    cr_assert_eq(runs, hp_axis_impl_count(HP_AXIS_POOL) * hp_axis_impl_count(HP_AXIS_CONTEXT));
    hp_route_set_free(routes);
}

Test(pipeline, refuses_a_composition_without_an_axis)
{
    struct hp_route_set *routes = load_github();
    struct hp_composition c = {0};
    c.impl[HP_AXIS_ROUTER] = hp_impl_find(HP_AXIS_ROUTER, "radix");
    struct hp_error err = {{0}};
    struct hp_pipeline_config config = {&c, routes, (time_t)FIXED_DATE, 2};
    cr_assert_null(hp_pipeline_create(&config, &err));
    cr_assert(strstr(err.message, "pool") != NULL, "message: %s", err.message);
    hp_route_set_free(routes);
}

/* A body that does not fit the handler's buffer is a 500, not a truncated 200. */
Test(pipeline, oversized_body_is_a_500)
{
    struct hp_route_set *routes = load_github();
    struct hp_composition c = {0};
    c.impl[HP_AXIS_ROUTER] = hp_impl_find(HP_AXIS_ROUTER, "radix");
    c.impl[HP_AXIS_POOL] = hp_impl_find(HP_AXIS_POOL, "tls_cache");
    c.impl[HP_AXIS_CONTEXT] = hp_impl_find(HP_AXIS_CONTEXT, "split");
    c.impl[HP_AXIS_HEADER_WRITER] = hp_impl_find(HP_AXIS_HEADER_WRITER, "prebuilt");
    c.impl[HP_AXIS_RESPONSE_WRITER] = hp_impl_find(HP_AXIS_RESPONSE_WRITER, "single_write");
    c.impl[HP_AXIS_BUFFER_POOL] = hp_impl_find(HP_AXIS_BUFFER_POOL, "tiered");
    struct hp_pipeline *pipeline = make_pipeline(&c, routes, 1);
    struct hp_error err = {{0}};
    struct hp_pipeline_worker *worker = hp_pipeline_worker_create(pipeline, &err);
    cr_assert_not_null(worker);
    static char request[6000];
    int n = snprintf(request, sizeof request, "GET /users/");
    memset(request + n, 'a', 5000);
    n += 5000;
    n += snprintf(request + n, sizeof request - (size_t)n, " HTTP/1.1\r\nHost: x\r\n\r\n");
    struct hp_pipeline_response response;
    cr_assert_eq(hp_pipeline_handle(worker, request, (size_t)n, &response), 0);
    static const char expect[] =
        "HTTP/1.1 500 Internal Server Error\r\nContent-Type: application/json\r\nServer: "
        "hotpath\r\nX-Content-Type-Options: nosniff\r\nX-Frame-Options: DENY\r\nDate: Sun, 06 "
        "Nov 1994 08:49:37 GMT\r\nContent-Length: 26\r\n\r\n{\"error\":\"internal error\"}";
    cr_assert_eq(response.status, 500);
    cr_assert_eq(response.length, sizeof expect - 1, "%.*s", (int)response.length,
                 (const char *)response.buffer.data);
    cr_assert_eq(memcmp(response.buffer.data, expect, sizeof expect - 1), 0);
    hp_pipeline_response_done(worker, &response);
    /* the next request is served normally */
    const char *ok = pipeline_cases[0].request;
    cr_assert_eq(hp_pipeline_handle(worker, ok, strlen(ok), &response), 0);
    cr_assert_eq(response.status, 200);
    hp_pipeline_response_done(worker, &response);
    hp_pipeline_worker_destroy(worker);
    hp_pipeline_destroy(pipeline);
    hp_route_set_free(routes);
}
