/* Helpers shared by the router tests: build every router in hp_router_table from one route
 * set, ask them all the same request, compare answers as `hotpath route` prints them. */
#ifndef HOTPATH_ROUTER_TEST_UTIL_H
#define HOTPATH_ROUTER_TEST_UTIL_H

#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alloc_count.h"
#include "inputs.h"
#include "registry.h"
#include "rng.h"
#include "routers/route_set.h"
#include "routers/router.h"

#define MAX_ROUTERS 32
#define ANSWER_MAX  (1 << 18)

struct fixture {
    struct hp_route_set *set;
    size_t n;
    const struct hp_router_ops *ops[MAX_ROUTERS];
    struct hp_router *r[MAX_ROUTERS];
};

static inline size_t router_count(void)
{
    size_t n = hp_axis_impl_count(HP_AXIS_ROUTER);
    cr_assert(n > 0 && n <= MAX_ROUTERS, "router table has %zu entries", n);
    return n;
}

static inline const struct hp_router_ops *router_ops(size_t i)
{
    return (const struct hp_router_ops *)hp_router_table[i];
}

static inline size_t linear_index(void)
{
    for (size_t i = 0; i < router_count(); i++)
        if (strcmp(router_ops(i)->info.name, "linear") == 0)
            return i;
    cr_assert_fail("no 'linear' router in the table");
    return 0;
}

static inline struct hp_router *router_new(const struct hp_router_ops *ops)
{
    struct hp_error err = {""};
    struct hp_router *r = ops->create(&err);
    cr_assert(r, "%s: create failed: %s", ops->info.name, err.message);
    if (ops->thread_attach)
        ops->thread_attach(r);
    return r;
}

static inline void router_free(const struct hp_router_ops *ops, struct hp_router *r)
{
    if (ops->thread_detach)
        ops->thread_detach(r);
    ops->destroy(r);
}

/* Builds every router from an already parsed set, loaded as a table (hp_router_add_all). */
static inline void fixture_from_set(struct fixture *fx, struct hp_route_set *set)
{
    fx->set = set;
    fx->n = router_count();
    for (size_t i = 0; i < fx->n; i++) {
        fx->ops[i] = router_ops(i);
        fx->r[i] = router_new(fx->ops[i]);
        struct hp_error err = {""};
        cr_assert(hp_router_add_all(fx->ops[i], fx->r[i], set->routes, set->count, &err) == 0,
                  "%s refused a route the set accepted: %s", fx->ops[i]->info.name, err.message);
    }
}

static inline void fixture_build(struct fixture *fx, const char *text)
{
    struct hp_error err = {""};
    struct hp_route_set *set = NULL;
    cr_assert(hp_route_set_parse("t.routes", text, strlen(text), &set, &err) == 0,
              "route set refused: %s", err.message);
    fixture_from_set(fx, set);
}

static inline void fixture_free(struct fixture *fx)
{
    for (size_t i = 0; i < fx->n; i++)
        router_free(fx->ops[i], fx->r[i]);
    hp_route_set_free(fx->set);
    fx->n = 0;
    fx->set = NULL;
}

/* Router i's answer to (method, path[0..len)) as text, into buf (ANSWER_MAX bytes). */
static inline void answer_of(const struct fixture *fx, size_t i, enum hp_method method,
                             const char *path, size_t len, char *buf)
{
    struct hp_match m;
    hp_match_init(&m);
    fx->ops[i]->lookup(fx->r[i], method, path, len, &m);
    hp_match_format(buf, ANSWER_MAX, fx->set, method, path, len, &m);
    fx->ops[i]->match_release(fx->r[i], &m);
}

static inline enum hp_method method_of(const char *name)
{
    int m = hp_method_parse(name, strlen(name));
    cr_assert(m >= 0, "bad method %s in test", name);
    return (enum hp_method)m;
}

/* Every router answers `want` (the `hotpath route` text) for the request. */
static inline void expect_len(const struct fixture *fx, const char *method, const char *path,
                              size_t len, const char *want)
{
    static char buf[ANSWER_MAX];
    for (size_t i = 0; i < fx->n; i++) {
        answer_of(fx, i, method_of(method), path, len, buf);
        cr_expect_str_eq(buf, want, "%s: %s %.*s: got '%s', want '%s'", fx->ops[i]->info.name,
                         method, (int)(len > 200 ? 200 : len), path, buf, want);
    }
}

static inline void expect(const struct fixture *fx, const char *method, const char *path,
                          const char *want)
{
    expect_len(fx, method, path, strlen(path), want);
}

static inline struct hp_route mk_route(const char *method, const char *pattern, unsigned line)
{
    return (struct hp_route){.method = method_of(method),
                             .pattern = pattern,
                             .pattern_len = (uint32_t)strlen(pattern),
                             .id = line - 1,
                             .file = "t.routes",
                             .line = line};
}

/* Every router accepts routes[0..n-1) and refuses routes[n-1] with the same message, which
 * contains `want`, whether the routes are added one by one or loaded as a table; the
 * route-file parser refuses the same file with the same message. */
static inline void expect_refused(const struct hp_route *routes, size_t n, const char *want)
{
    char first[sizeof((struct hp_error *)0)->message] = "";
    for (size_t i = 0; i < router_count(); i++) {
        const struct hp_router_ops *ops = router_ops(i);
        struct hp_router *r = router_new(ops);
        struct hp_error err = {""};
        for (size_t k = 0; k + 1 < n; k++)
            cr_assert(ops->add(r, &routes[k], &err) == 0, "%s: route %zu refused: %s",
                      ops->info.name, k, err.message);
        cr_expect(ops->add(r, &routes[n - 1], &err) != 0, "%s accepted %s", ops->info.name,
                  routes[n - 1].pattern);
        cr_expect(strstr(err.message, want), "%s: message '%s' lacks '%s'", ops->info.name,
                  err.message, want);
        if (i == 0)
            snprintf(first, sizeof first, "%s", err.message);
        else
            cr_expect_str_eq(err.message, first, "%s says '%s', %s says '%s'", ops->info.name,
                             err.message, router_ops(0)->info.name, first);
        router_free(ops, r);
        r = router_new(ops);
        struct hp_error all_err = {""};
        cr_expect(hp_router_add_all(ops, r, routes, n, &all_err) != 0, "%s loaded a table with %s",
                  ops->info.name, routes[n - 1].pattern);
        cr_expect_str_eq(all_err.message, err.message, "%s: add_all says '%s', add says '%s'",
                         ops->info.name, all_err.message, err.message);
        router_free(ops, r);
    }
    /* The same routes as a file. */
    size_t size = 64;
    for (size_t k = 0; k < n; k++)
        size += routes[k].pattern_len + 16;
    char *text = malloc(size);
    size_t used = 0;
    for (size_t k = 0; k < n; k++)
        used += (size_t)snprintf(text + used, size - used, "%s %s\n",
                                 hp_method_name(routes[k].method), routes[k].pattern);
    struct hp_route_set *set = NULL;
    struct hp_error err = {""};
    bool every_pattern_present = true;
    for (size_t k = 0; k < n; k++)
        every_pattern_present &= routes[k].pattern_len > 0;
    if (every_pattern_present) {
        int rc = hp_route_set_parse("t.routes", text, used, &set, &err);
        cr_expect(rc != 0, "route set accepted %s", routes[n - 1].pattern);
        cr_expect_str_eq(err.message, first, "parser says '%s', routers say '%s'", err.message,
                         first);
    }
    hp_route_set_free(set);
    free(text);
}

#endif
