/* radix_heap_params: `radix`, but a match's params always go to one new heap array of exactly
 * their count, never to the match's inline items.
 *
 * Models: httprouter's (*node).getValue (tree.go: at the first param of a lookup, `p =
 * make(Params, 0, n.maxParams)`, one allocation per lookup that captures a param, none for a
 * static route): the always-heap params the skill document's inline storage improves on.
 * Claims: the reference of C10 (radix_heap_params -> radix: inline storage for up to 4 params,
 * "0 allocations for 90% of routes"; judged on allocs/op).
 * Difference from its reference (radix): where radix keeps up to HP_PARAMS_INLINE (4) params in
 * the match and spills beyond that to one array, this allocates one array for any number of
 * params. The walk records spans and copies them out afterwards (as radix's walk does when the
 * values outnumber the items). match_release frees the array.
 * By count, like httprouter: one allocation per lookup with params. Cheaper per allocation:
 * jemalloc's thread cache and an immediate free, where Go pays mallocgc and a share of GC.
 */
#include <stdlib.h>

#include "routers/radix_tree.h"
#include "routers/route_set.h"

struct hp_router {
    struct hp_radix_forest forest;
};

static struct hp_router *heap_params_create(struct hp_error *err)
{
    struct hp_router *r = calloc(1, sizeof *r);
    if (!r)
        hp_error_set(err, "out of memory");
    return r;
}

static int heap_params_add(struct hp_router *r, const struct hp_route *route, struct hp_error *err)
{
    return hp_radix_forest_insert(&r->forest, route, err);
}

static void heap_params_lookup(const struct hp_router *r, enum hp_method method, const char *path,
                               size_t len, struct hp_match *out)
{
    hp_radix_forest_lookup_heap_params(&r->forest, method, path, len, out);
}

static size_t heap_params_find_case_insensitive(const struct hp_router *r, enum hp_method method,
                                                const char *path, size_t len, char *out, size_t cap)
{
    return hp_radix_forest_find_case_insensitive(&r->forest, method, path, len, out, cap);
}

static void heap_params_destroy(struct hp_router *r)
{
    if (!r)
        return;
    hp_radix_forest_destroy(&r->forest);
    free(r);
}

const struct hp_router_ops hp_router_radix_heap_params = {
    .info =
        {
            .name = "radix_heap_params",
            .summary = "radix, but every match's params in one new heap array (httprouter's "
                       "make(Params); C10 reference)",
            .models = "httprouter (*node).getValue: p = make(Params, 0, n.maxParams) at the "
                      "first param of every lookup (julienschmidt/httprouter tree.go)",
            .reference = "radix",
            .bound = HP_GAIN_UPPER_BOUND,
            .bound_reason = "by count like-for-like up to 4 params; beyond, radix spills to one "
                            "array where the seed's design spills to a map (2+ allocations)",
        },
    .create = heap_params_create,
    .add = heap_params_add,
    .lookup = heap_params_lookup,
    .find_case_insensitive = heap_params_find_case_insensitive,
    .match_release = hp_match_release_default,
    .destroy = heap_params_destroy,
};
