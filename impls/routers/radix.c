/* radix: the shared radix tree alone, one tree per method.
 * Technique: compressed-edge tree with static > param > catch-all and backtracking; params as
 * slices of the path, up to HP_PARAMS_INLINE (4) in the match, one array beyond (router.h).
 * Models: Gin 1.8.1's tree (tree.go (*node).getValue) and httprouter's.
 * Claims: C3's reference (every lookup walks the tree); C10's improved side (inline storage for
 * up to 4 params, against radix_heap_params); C9's zero-copy side (against radix_copy_params).
 * Difference from its reference (httprouter/gin): static and param siblings at one position
 * are accepted and resolved by backtracking (gin), where httprouter refuses them.
 * Cheaper than Gin: the tree is compiled into one array walked a word at a time. Dearer on the
 * spill path (more than 4 params): the walk that overflows the inline items runs again. */
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
    .info =
        {
            .name = "radix",
            .summary = "radix tree per method, params as slices of the path (C3 reference)",
            .models = "Gin 1.8.1 tree.go (*node).getValue and httprouter's tree: a compressed "
                      "radix tree per method, static > param > catch-all, with backtracking",
            .reference = NULL,
            .bound = HP_GAIN_LOWER_BOUND,
            .bound_reason = "the tree is compiled into one array walked a word at a time: cheaper "
                            "than Gin's pointer-chasing byte compares",
        },
    .create = radix_create,
    .add = radix_add,
    .lookup = radix_lookup,
    .find_case_insensitive = radix_find_case_insensitive,
    .match_release = hp_match_release_default,
    .destroy = radix_destroy,
};
