/* Concurrent registration for every router that allows it (HP_ROUTER_CONCURRENT_WRITES), and
 * zero allocations per lookup for the map routers.
 *
 * The writer alternates between version A (the base routes) and version B (A plus routes that
 * each affect a known set of requests), one add or remove per published version. Every request
 * is chosen so that its answer depends on at most one of the toggled routes, so every published
 * version answers it either as A does or as B does; readers check each answer against those
 * two (computed up front on single-threaded routers). In the Debug and Tsan builds cow_map
 * poisons every retired snapshot and its readers abort on poison, so a reclamation bug crashes
 * this test instead of passing silently; the sanitizers report races and use-after-free.
 * No timing assertions: iterations are bounded (in the soak mode, tests/soak.h, by a time).
 */
#include <criterion/criterion.h>

#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>

#include "alloc_count.h"
#include "soak.h"
#include "routers/cow_router.h"
#include "routers/route_set.h"
#include "routers/router.h"

extern const struct hp_router_ops hp_router_rwlock_map;
extern const struct hp_router_ops hp_router_rwlock_split;
extern const struct hp_router_ops hp_router_cow_map;
extern const struct hp_router_ops hp_router_cow_split;
extern const struct hp_router_ops hp_router_method_split;

static const char base_routes[] = "GET /users\n"
                                  "GET /users/:id\n"
                                  "POST /users\n"
                                  "GET /repos/:owner/:repo\n"
                                  "GET /static/a\n"
                                  "GET /static/b/\n"
                                  "PUT /items/:id/tags\n";
/* Each toggled route changes the answers of its own requests only. */
static const char toggled_routes[] = "GET /only-b\n"
                                     "GET /users/:id/posts\n"
                                     "DELETE /users/:id\n"
                                     "GET /files/*path\n"
                                     "POST /static/c\n";

static const char *const requests[] = {
    "GET /users",         "GET /users/42",  "POST /users",         "GET /repos/a/b",
    "GET /static/a",      "GET /static/b",  "GET /static/b/",      "PUT /items/7/tags",
    "GET /only-b",        "GET /only-b/",   "GET /users/42/posts", "DELETE /users/42",
    "GET /files/x/y.txt", "GET /files/",    "GET /static/c",       "POST /static/c",
    "GET /nothing",       "GET /users/42/", "DELETE /users",       "GET /repos/a/b?x=1",
};
enum { REQUEST_COUNT = sizeof requests / sizeof requests[0] };

struct request {
    enum hp_method method;
    const char *path;
    size_t len;
};

struct answer {
    enum hp_match_status status;
    uint32_t route_id; /* FOUND */
    uint32_t allowed;  /* METHOD_NOT_ALLOWED */
    uint32_t param_count;
    const char *param_value[4];
    uint32_t param_len[4];
};

static struct request parsed[REQUEST_COUNT];
static struct hp_route_set *set_a, *set_b; /* set_b = base + toggled; ids differ per set */
static struct hp_route toggled[8];         /* the toggled routes with set_b's ids */
static size_t toggled_count;
static struct answer answer_a[REQUEST_COUNT], answer_b[REQUEST_COUNT];

static void parse_requests(void)
{
    for (int i = 0; i < REQUEST_COUNT; i++) {
        const char *space = strchr(requests[i], ' ');
        int m = hp_method_parse(requests[i], (size_t)(space - requests[i]));
        cr_assert(m >= 0);
        parsed[i] = (struct request){(enum hp_method)m, space + 1, strlen(space + 1)};
    }
}

static struct answer capture(const struct hp_match *m)
{
    struct answer a = {.status = m->status};
    if (m->status == HP_MATCH_FOUND) {
        a.route_id = m->route_id;
        a.param_count = m->params.count;
        for (uint32_t i = 0; i < m->params.count && i < 4; i++) {
            a.param_value[i] = m->params.items[i].value;
            a.param_len[i] = m->params.items[i].value_len;
        }
    }
    if (m->status == HP_MATCH_METHOD_NOT_ALLOWED)
        a.allowed = m->allowed;
    return a;
}

static bool same_answer(const struct answer *x, const struct answer *y)
{
    if (x->status != y->status || x->route_id != y->route_id || x->allowed != y->allowed ||
        x->param_count != y->param_count)
        return false;
    for (uint32_t i = 0; i < x->param_count && i < 4; i++)
        if (x->param_value[i] != y->param_value[i] || x->param_len[i] != y->param_len[i])
            return false;
    return true;
}

static struct hp_router *router_with(const struct hp_router_ops *ops, const struct hp_route_set *s)
{
    struct hp_error err = {{0}};
    struct hp_router *r = ops->create(&err);
    cr_assert(r, "%s", err.message);
    cr_assert_eq(hp_router_add_all(ops, r, s->routes, s->count, &err), 0, "%s", err.message);
    return r;
}

static void answers_of(const struct hp_router_ops *ops, const struct hp_route_set *s,
                       struct answer *out)
{
    struct hp_router *r = router_with(ops, s);
    struct hp_match m;
    hp_match_init(&m);
    for (int i = 0; i < REQUEST_COUNT; i++) {
        ops->lookup(r, parsed[i].method, parsed[i].path, parsed[i].len, &m);
        out[i] = capture(&m);
        ops->match_release(r, &m);
    }
    ops->destroy(r);
}

/* Route ids: version B's ids everywhere (A's routes are B's first routes, same order). */
static void setup_versions(const struct hp_router_ops *ops)
{
    parse_requests();
    struct hp_error err = {{0}};
    char text_b[sizeof base_routes + sizeof toggled_routes];
    snprintf(text_b, sizeof text_b, "%s%s", base_routes, toggled_routes);
    cr_assert_eq(hp_route_set_parse("a.routes", base_routes, strlen(base_routes), &set_a, &err), 0,
                 "%s", err.message);
    cr_assert_eq(hp_route_set_parse("b.routes", text_b, strlen(text_b), &set_b, &err), 0, "%s",
                 err.message);
    toggled_count = set_b->count - set_a->count;
    cr_assert(toggled_count > 0 && toggled_count <= 8);
    for (size_t i = 0; i < toggled_count; i++)
        toggled[i] = set_b->routes[set_a->count + i];
    answers_of(ops, set_a, answer_a);
    answers_of(ops, set_b, answer_b);
    /* The test must be able to fail: the toggled routes really change answers. */
    int differing = 0;
    for (int i = 0; i < REQUEST_COUNT; i++)
        differing += !same_answer(&answer_a[i], &answer_b[i]);
    cr_assert_geq(differing, 6, "only %d requests differ between A and B", differing);
}

struct shared_state {
    const struct hp_router_ops *ops;
    struct hp_router *router;
    int writer_done;         /* atomic */
    uint64_t mismatches;     /* atomic */
    int first_bad_request;   /* written once by the first reader that sees a mismatch */
    struct answer first_bad; /* likewise */
    uint64_t lookups;        /* atomic */
    int readers_started;     /* atomic: the writer starts once every reader runs */
    int rounds;
    bool soaking; /* readers run until the writer is done, however long */
};

enum { READERS = 2, READER_MIN_LOOKUPS = 2000, READER_MAX_LOOKUPS = 400000 };

static void *reader_main(void *arg)
{
    struct shared_state *st = arg;
    if (st->ops->thread_attach)
        st->ops->thread_attach(st->router);
    struct hp_match m;
    hp_match_init(&m);
    __atomic_fetch_add(&st->readers_started, 1, __ATOMIC_RELEASE);
    uint64_t done = 0;
    for (int i = 0; done < READER_MAX_LOOKUPS || st->soaking; i = (i + 1) % REQUEST_COUNT, done++) {
        if (i == 0 && done >= READER_MIN_LOOKUPS &&
            __atomic_load_n(&st->writer_done, __ATOMIC_ACQUIRE))
            break;
        st->ops->lookup(st->router, parsed[i].method, parsed[i].path, parsed[i].len, &m);
        struct answer got = capture(&m);
        st->ops->match_release(st->router, &m);
        /* Toggled routes carry set_b ids, base routes the same ids in both versions. */
        if (!same_answer(&got, &answer_a[i]) && !same_answer(&got, &answer_b[i])) {
            if (__atomic_fetch_add(&st->mismatches, 1, __ATOMIC_RELAXED) == 0) {
                st->first_bad_request = i;
                st->first_bad = got;
            }
        }
    }
    __atomic_fetch_add(&st->lookups, done, __ATOMIC_RELAXED);
    if (st->ops->thread_detach)
        st->ops->thread_detach(st->router);
    return NULL;
}

static void run_concurrent(const struct hp_router_ops *ops, int rounds)
{
    setup_versions(ops);
    struct soak soak;
    struct shared_state st = {.ops = ops,
                              .rounds = rounds,
                              .soaking = soak_start(&soak, "router_republish", ops->info.name)};
    st.router = router_with(ops, set_a);
    uint64_t poisoned_before = hp_cow_map_snapshots_poisoned();
    pthread_t readers[READERS];
    for (int i = 0; i < READERS; i++)
        cr_assert_eq(pthread_create(&readers[i], NULL, reader_main, &st), 0);
    while (__atomic_load_n(&st.readers_started, __ATOMIC_ACQUIRE) < READERS)
        sched_yield(); /* make the writer overlap the readers even when it is fast */
    struct hp_error err = {{0}};
    int publishes = 0;
    for (int round = 0; round < rounds || soak_more(&soak); round++) {
        for (size_t t = 0; t < toggled_count; t++, publishes++)
            cr_assert_eq(ops->add(st.router, &toggled[t], &err), 0, "%s", err.message);
        for (size_t t = toggled_count; t-- > 0; publishes++)
            cr_assert_eq(ops->remove(st.router, &toggled[t], &err), 0, "%s", err.message);
    }
    __atomic_store_n(&st.writer_done, 1, __ATOMIC_RELEASE);
    for (int i = 0; i < READERS; i++)
        pthread_join(readers[i], NULL);

    soak_report(&soak, st.lookups + (uint64_t)publishes, st.mismatches);
    cr_assert_geq(st.lookups, (uint64_t)READERS * READER_MIN_LOOKUPS);
    int bad = st.first_bad_request;
    cr_assert_eq(st.mismatches, 0,
                 "%llu answers matched neither version; first: request '%s' status %d id %u",
                 (unsigned long long)st.mismatches, st.mismatches ? requests[bad] : "",
                 (int)st.first_bad.status, st.first_bad.route_id);
    /* Removing an unregistered route is refused. */
    cr_assert_neq(ops->remove(st.router, &toggled[0], &err), 0);
    ops->destroy(st.router);
    /* After destroy: the copy-on-write routers free retired snapshots in batches, the last
     * ones at destroy. */
    bool copy_on_write = ops == &hp_router_cow_map || ops == &hp_router_cow_split;
    if (copy_on_write && hp_cow_map_poisoning_enabled())
        cr_assert_geq(hp_cow_map_snapshots_poisoned() - poisoned_before, (uint64_t)publishes,
                      "every retired snapshot is poisoned before it is freed");
    hp_route_set_free(set_a);
    hp_route_set_free(set_b);
}

/* The routers flagged HP_ROUTER_CONCURRENT_WRITES, found by the flag. */
static size_t concurrent_writers(const struct hp_router_ops **out, size_t max)
{
    size_t n = 0;
    for (const struct hp_impl_info *const *it = hp_router_table; *it && n < max; it++) {
        const struct hp_router_ops *ops = (const struct hp_router_ops *)*it;
        if (ops->flags & HP_ROUTER_CONCURRENT_WRITES)
            out[n++] = ops;
    }
    return n;
}

Test(router_concurrency, every_concurrent_writer_router_keeps_readers_on_one_version)
{
    const struct hp_router_ops *routers[16];
    size_t n = concurrent_writers(routers, 16);
    cr_assert_geq(n, 1, "no router is flagged HP_ROUTER_CONCURRENT_WRITES");
    for (size_t i = 0; i < n; i++) {
        cr_assert_not_null(routers[i]->remove, "%s: the flag needs remove", routers[i]->info.name);
        cr_log_info("concurrent writes: %s", routers[i]->info.name);
        run_concurrent(routers[i], 100);
    }
}

/* A few GitHub-like routes with static, param, catch-all, long static and 405/redirect cases. */
static const char alloc_routes[] =
    "GET /authorizations\nGET /authorizations/:id\nPOST /authorizations\n"
    "GET /repos/:owner/:repo/events\nGET /users/:user/events/orgs/:org\n"
    "GET /feeds\nGET /src/*filepath\nPUT /user/starred/:owner/:repo\n"
    "GET /a/very/long/static/route/that/does/not/fit/in/the/one/hundred/and/twenty/eight/byte/"
    "key/buffer/of/the/combined/map\n"
    "GET /x/:a/:b/:c/:d\n"; /* HP_PARAMS_INLINE params: still inline */

static const char *const alloc_requests[] = {
    "GET /authorizations",
    "GET /authorizations/12",
    "POST /authorizations",
    "GET /repos/o/r/events",
    "GET /users/u/events/orgs/o",
    "GET /feeds",
    "GET /src/a/b.c",
    "PUT /user/starred/o/r",
    "GET /x/1/2/3/4",
    "DELETE /authorizations",
    "GET /feeds/",
    "GET /nothing/here",
    "GET /authorizations/12/?q=1",
    "GET /a/very/long/static/route/that/does/not/fit/in/the/one/hundred/and/twenty/eight/byte/"
    "key/buffer/of/the/combined/map",
};

static void assert_zero_alloc_lookups(const struct hp_router_ops *ops)
{
    struct hp_error err = {{0}};
    struct hp_route_set *s;
    cr_assert_eq(hp_route_set_parse("alloc.routes", alloc_routes, strlen(alloc_routes), &s, &err),
                 0, "%s", err.message);
    struct hp_router *r = router_with(ops, s);
    if (ops->thread_attach)
        ops->thread_attach(r);
    struct hp_match m;
    hp_match_init(&m);
    size_t n = sizeof alloc_requests / sizeof alloc_requests[0];
    int found = 0;
    struct hp_alloc_counts before, after;
    hp_alloc_counts_read(&before);
    for (int rep = 0; rep < 10; rep++)
        for (size_t i = 0; i < n; i++) {
            const char *req = alloc_requests[i];
            const char *space = strchr(req, ' ');
            int method = hp_method_parse(req, (size_t)(space - req));
            ops->lookup(r, (enum hp_method)method, space + 1, strlen(space + 1), &m);
            found += m.status == HP_MATCH_FOUND;
            ops->match_release(r, &m);
        }
    hp_alloc_counts_read(&after);
    struct hp_alloc_counts d = hp_alloc_counts_delta(&before, &after);
    cr_assert_eq(d.allocs, 0, "%s: %llu allocations", ops->info.name, (unsigned long long)d.allocs);
    cr_assert_eq(d.frees, 0);
    cr_assert_eq(found, 10 * 10, "%s: %d found", ops->info.name, found);
    if (ops->thread_detach)
        ops->thread_detach(r);
    ops->destroy(r);
    hp_route_set_free(s);
}

Test(router_allocations, rwlock_map_lookup_allocates_nothing)
{
    assert_zero_alloc_lookups(&hp_router_rwlock_map);
}

Test(router_allocations, rwlock_split_lookup_allocates_nothing)
{
    assert_zero_alloc_lookups(&hp_router_rwlock_split);
}

Test(router_allocations, cow_map_lookup_allocates_nothing)
{
    assert_zero_alloc_lookups(&hp_router_cow_map);
}

Test(router_allocations, cow_split_lookup_allocates_nothing)
{
    assert_zero_alloc_lookups(&hp_router_cow_split);
}

Test(router_allocations, method_split_lookup_allocates_nothing)
{
    assert_zero_alloc_lookups(&hp_router_method_split);
}

/* router/github/read_with_writer's writer republishes only between sample_begin and
 * sample_end: set up and left alone, it must not republish at all (the runner sets every case
 * up at once, and a writer that ran during other cases' samples loaded them). */
#include <time.h>

#include "registry.h"
#include "data_dir.h"
#include "workload_table.h"

Test(router_writer_workload, the_writer_republishes_only_during_its_samples)
{
    const struct hp_workload *w = hp_workload_find("router/github/read_with_writer");
    cr_assert_not_null(w);
    cr_assert_not_null(w->sample_begin);
    cr_assert_not_null(w->sample_end);
    const struct hp_router_ops *router;
    cr_assert_geq(concurrent_writers(&router, 1), 1);
    struct hp_composition composition = {0};
    composition.impl[HP_AXIS_ROUTER] = &router->info;
    /* The workloads directory `hotpath run` would use (data_dir.h), from this test's build. */
    struct hp_error err = {""};
    char workloads_dir[4096];
    cr_assert_eq(hp_data_path("workloads", workloads_dir, sizeof workloads_dir, &err), 0, "%s",
                 err.message);
    struct hp_case_params params = {
        .composition = &composition, .threads = 1, .seed = 1, .workloads_dir = workloads_dir};
    void *shared = NULL;
    cr_assert_eq(w->setup(&params, &shared, &err), 0, "%s", err.message);
    /* Thirty writer periods with no sample running. */
    struct timespec idle = {0, 30 * 1000 * 1000};
    nanosleep(&idle, NULL);
    struct hp_metrics metrics = {0};
    w->report(shared, &metrics); /* stops the writer */
    bool found = false;
    for (size_t i = 0; i < metrics.count; i++) {
        if (strcmp(metrics.items[i].name, "republishes") == 0) {
            found = true;
            cr_assert_eq(metrics.items[i].value, 0, "%g republishes with no sample running",
                         metrics.items[i].value);
        }
        cr_assert_neq(strcmp(metrics.items[i].name, "writer_failed"), 0);
    }
    cr_assert(found, "read_with_writer reports its republishes");
    w->teardown(shared);
}
