/* method_split: one exact-match map per method for static routes (the path as key), the
 * shared radix forest for the rest, read with no synchronisation at all.
 *
 * Models: no step of the seeds. A route table fixed before serving and read without a lock,
 * as Gin and httprouter read their trees (gin.go handleHTTPRequest walks engine.trees with no
 * lock; routes are registered before Run), with Bolt 2.2's per-method maps.
 * Claims: none (it serves no claim pair; it is the request workloads' default router: the
 * cheapest map router for a table that never changes while requests are served).
 * Difference from its reference (rwlock_split): no lock around lookups, so add/remove must not
 * run concurrently with lookups. It differs from rwlock_map in two decisions (the key shape and
 * the lock): for C5 alone compare rwlock_map with rwlock_split, for C6 rwlock_split with
 * cow_split.
 * Lookups may run from many threads at once.
 */
#include <stdlib.h>

#include "routers/map_core.h"

struct hp_router {
    struct hp_map_core core;
    struct hp_route_list routes;
};

static struct hp_router *split_create(struct hp_error *err)
{
    struct hp_router *r = calloc(1, sizeof *r);
    if (!r) {
        hp_error_set(err, "out of memory");
        return NULL;
    }
    hp_map_core_init(&r->core, HP_MAP_KEY_SPLIT);
    return r;
}

static int split_add(struct hp_router *r, const struct hp_route *route, struct hp_error *err)
{
    if (hp_route_list_check(&r->routes, route, err) != 0)
        return -1;
    if (hp_route_list_append(&r->routes, route, err) != 0)
        return -1;
    if (hp_map_core_insert(&r->core, route, err) != 0) {
        hp_route_list_remove(&r->routes, route);
        return -1;
    }
    return 0;
}

static int split_remove(struct hp_router *r, const struct hp_route *route, struct hp_error *err)
{
    const struct hp_route *registered = hp_route_list_find(&r->routes, route);
    if (!registered) {
        char where[512];
        hp_route_where(route, where, sizeof where);
        return hp_error_set(err, "%s: not registered", where);
    }
    hp_route_list_remove(&r->routes, registered);
    if (hp_map_core_remove(&r->core, registered, &r->routes, err) != 0) {
        hp_route_list_append(&r->routes, registered, NULL); /* capacity is there */
        return -1;
    }
    return 0;
}

static void split_lookup(const struct hp_router *r, enum hp_method method, const char *path,
                         size_t len, struct hp_match *out)
{
    hp_map_core_lookup_split(&r->core, method, path, len, out);
}

static size_t split_find_case_insensitive(const struct hp_router *r, enum hp_method method,
                                          const char *path, size_t len, char *out, size_t cap)
{
    return hp_map_core_find_case_insensitive(&r->core, method, path, len, out, cap);
}

static void split_destroy(struct hp_router *r)
{
    if (!r)
        return;
    hp_map_core_destroy(&r->core);
    hp_route_list_free(&r->routes);
    free(r);
}

const struct hp_router_ops hp_router_method_split = {
    .info =
        {
            .name = "method_split",
            .summary = "one static map per method (path as key) + radix tree; no lock (a table "
                       "fixed before serving)",
            .models = "a table fixed before serving, read without a lock as Gin and httprouter "
                      "read theirs (gin.go handleHTTPRequest), with Bolt 2.2's per-method maps",
            .reference = "rwlock_split",
            .bound = HP_GAIN_LIKE_FOR_LIKE,
            .bound_reason = "the lock it drops costs what RWMutex.RLock/RUnlock cost",
        },
    .create = split_create,
    .add = split_add,
    .remove = split_remove,
    .lookup = split_lookup,
    .find_case_insensitive = split_find_case_insensitive,
    .match_release = hp_match_release_default,
    .destroy = split_destroy,
};
