/* radix_static_first: an exact-match hash table of the fully static routes, tried before the
 * radix tree (Bolt's inline static-route fast path).
 * Technique: one shared route_hash table per method keyed by the path; on a miss, the shared
 * radix tree (which holds every route, so 405 and redirect answers stay the tree's).
 * Claim: C3 (exact-match table first, tree second, vs always walking the tree).
 * Difference from its reference (radix): the hash probe in front of the tree. A static route
 * that matches the whole path always wins (static beats any wildcard), so the probe never
 * changes an answer.
 * add_all (loading a table, not under test): radix's, the tree compiled once, then the table. */
#include <stdlib.h>

#include "routers/radix_tree.h"
#include "common/route_hash.h"
#include "routers/route_set.h"

struct hp_router {
    struct hp_route_hash statics[HP_METHOD_COUNT];
    struct hp_radix_forest forest;
};

static bool pattern_is_static(const struct hp_route *route)
{
    for (uint32_t i = 1; i < route->pattern_len; i++)
        if ((route->pattern[i] == ':' || route->pattern[i] == '*') && route->pattern[i - 1] == '/')
            return false;
    return true;
}

static struct hp_router *static_first_create(struct hp_error *err)
{
    struct hp_router *r = calloc(1, sizeof *r);
    if (!r)
        hp_error_set(err, "out of memory");
    return r;
}

/* A route the tree has just accepted: into the table too when it is static. */
static int statics_insert(struct hp_router *r, const struct hp_route *route, struct hp_error *err)
{
    if (!pattern_is_static(route))
        return 0;
    /* The tree refused duplicates already, so the key is new. */
    if (hp_route_hash_insert(&r->statics[route->method], route->pattern, route->pattern_len,
                             route->id, NULL) == HP_ROUTE_HASH_NO_MEMORY)
        return hp_error_set(err, "out of memory");
    return 0;
}

static int static_first_add(struct hp_router *r, const struct hp_route *route, struct hp_error *err)
{
    if (hp_radix_forest_insert(&r->forest, route, err) < 0)
        return -1;
    return statics_insert(r, route, err);
}

/* The tree takes the table, compiled once; then the table its static routes, in the same order
 * as add would insert them. */
static int static_first_add_all(struct hp_router *r, const struct hp_route *routes, size_t count,
                                struct hp_error *err)
{
    size_t inserted;
    int rc = hp_radix_forest_insert_all(&r->forest, routes, count, &inserted, err);
    for (size_t i = 0; i < inserted; i++)
        if (statics_insert(r, &routes[i], err) != 0)
            return -1;
    return rc;
}

static void static_first_lookup(const struct hp_router *r, enum hp_method method, const char *path,
                                size_t len, struct hp_match *out)
{
    if ((unsigned)method < HP_METHOD_COUNT) {
        size_t path_len = hp_route_path_len(path, len);
        uint32_t id = hp_route_hash_lookup(&r->statics[method], path, path_len);
        if (id != HP_ROUTE_HASH_MISS) {
            out->status = HP_MATCH_FOUND;
            out->route_id = id;
            out->allowed = 0;
            out->params.count = 0;
            return;
        }
    }
    hp_radix_forest_lookup(&r->forest, method, path, len, out);
}

static size_t static_first_find_case_insensitive(const struct hp_router *r, enum hp_method method,
                                                 const char *path, size_t len, char *out,
                                                 size_t cap)
{
    return hp_radix_forest_find_case_insensitive(&r->forest, method, path, len, out, cap);
}

static void static_first_destroy(struct hp_router *r)
{
    if (!r)
        return;
    for (int m = 0; m < HP_METHOD_COUNT; m++)
        hp_route_hash_free(&r->statics[m]);
    hp_radix_forest_destroy(&r->forest);
    free(r);
}

const struct hp_router_ops hp_router_radix_static_first = {
    .info =
        {
            .name = "radix_static_first",
            .summary = "exact-match table of static routes, then the radix tree (C3)",
            .models = "Bolt 2.1's inline static-route fast path (seed 001, 2.1): the exact-match "
                      "map tried before the tree",
            .reference = "radix",
            .bound = HP_GAIN_LOWER_BOUND,
            .bound_reason = "the tree walk the probe saves is cheaper here than in Gin's tree",
        },
    .create = static_first_create,
    .add = static_first_add,
    .add_all = static_first_add_all,
    .lookup = static_first_lookup,
    .find_case_insensitive = static_first_find_case_insensitive,
    .match_release = hp_match_release_default,
    .destroy = static_first_destroy,
};
