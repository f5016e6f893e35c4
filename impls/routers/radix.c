/* radix: the shared radix tree alone, one tree per method.
 * Technique: compressed-edge tree with static > param > catch-all and backtracking.
 * Claim: C3's reference (every lookup walks the tree).
 * Difference from its reference (httprouter/gin): static and param siblings at one position
 * are accepted and resolved by backtracking (gin), where httprouter refuses them.
 * add_all (loading a table, not under test): the same inserts, the lookup form compiled once at
 * the end instead of after each route. */
#include <stdlib.h>

#include "routers/radix_tree.h"
#include "routers/route_set.h"

struct hp_router {
    struct hp_radix_forest forest;
};

static struct hp_router *radix_create(struct hp_error *err)
{
    struct hp_router *r = calloc(1, sizeof *r);
    if (!r)
        hp_error_set(err, "out of memory");
    return r;
}

static int radix_add(struct hp_router *r, const struct hp_route *route, struct hp_error *err)
{
    return hp_radix_forest_insert(&r->forest, route, err);
}

static int radix_add_all(struct hp_router *r, const struct hp_route *routes, size_t count,
                         struct hp_error *err)
{
    return hp_radix_forest_insert_all(&r->forest, routes, count, NULL, err);
}

static void radix_lookup(const struct hp_router *r, enum hp_method method, const char *path,
                         size_t len, struct hp_match *out)
{
    hp_radix_forest_lookup(&r->forest, method, path, len, out);
}

static size_t radix_find_case_insensitive(const struct hp_router *r, enum hp_method method,
                                          const char *path, size_t len, char *out, size_t cap)
{
    return hp_radix_forest_find_case_insensitive(&r->forest, method, path, len, out, cap);
}

static void radix_destroy(struct hp_router *r)
{
    if (!r)
        return;
    hp_radix_forest_destroy(&r->forest);
    free(r);
}

const struct hp_router_ops hp_router_radix = {
    .info = {"radix", "radix tree per method, params as slices of the path (C3 reference)"},
    .create = radix_create,
    .add = radix_add,
    .add_all = radix_add_all,
    .lookup = radix_lookup,
    .find_case_insensitive = radix_find_case_insensitive,
    .match_release = hp_match_release_default,
    .destroy = radix_destroy,
};
