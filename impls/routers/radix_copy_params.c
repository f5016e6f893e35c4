/* radix_copy_params: `radix`, but every param value is copied into its own heap string per
 * match, as FasterAPI's router does (`substr` + `push_back`).
 * Technique: shared radix tree; after the walk, malloc + memcpy per value; match_release frees.
 * Claim: C9 (zero-copy slices vs one allocation per param).
 * Difference from its reference (radix): exactly one allocation per param value per lookup. */
#include <stdlib.h>
#include <string.h>

#include "routers/radix_tree.h"
#include "routers/route_set.h"

struct hp_router {
    struct hp_radix_forest forest;
};

static struct hp_router *copy_create(struct hp_error *err)
{
    struct hp_router *r = calloc(1, sizeof *r);
    if (!r)
        hp_error_set(err, "out of memory");
    return r;
}

static int copy_add(struct hp_router *r, const struct hp_route *route, struct hp_error *err)
{
    return hp_radix_forest_insert(&r->forest, route, err);
}

static void copy_release(const struct hp_router *r, struct hp_match *m)
{
    for (uint32_t i = 0; i < m->params.count; i++)
        free((void *)m->params.items[i].value);
    hp_match_release_default(r, m);
}

static void copy_lookup(const struct hp_router *r, enum hp_method method, const char *path,
                        size_t len, struct hp_match *out)
{
    hp_radix_forest_lookup(&r->forest, method, path, len, out);
    if (out->status != HP_MATCH_FOUND)
        return;
    for (uint32_t i = 0; i < out->params.count; i++) {
        struct hp_param *param = &out->params.items[i];
        char *copy = malloc((size_t)param->value_len + 1);
        if (!copy) {
            /* Out of memory: free the copies made so far, report not found. */
            out->params.count = i;
            copy_release(r, out);
            out->status = HP_MATCH_NOT_FOUND;
            return;
        }
        memcpy(copy, param->value, param->value_len);
        copy[param->value_len] = 0;
        param->value = copy;
    }
}

static size_t copy_find_case_insensitive(const struct hp_router *r, enum hp_method method,
                                         const char *path, size_t len, char *out, size_t cap)
{
    return hp_radix_forest_find_case_insensitive(&r->forest, method, path, len, out, cap);
}

static void copy_destroy(struct hp_router *r)
{
    if (!r)
        return;
    hp_radix_forest_destroy(&r->forest);
    free(r);
}

const struct hp_router_ops hp_router_radix_copy_params = {
    .info =
        {
            .name = "radix_copy_params",
            .summary = "radix, but each param value copied to the heap (C9)",
            .models = "FasterAPI's router (seed 003: RouteParams::add, std::string substr + "
                      "push_back per param value)",
            .reference = "radix",
            .bound = HP_GAIN_LIKE_FOR_LIKE,
            .bound_reason = "by count: k allocations for k params, as substr + push_back growth "
                            "for up to 3 params",
        },
    .create = copy_create,
    .add = copy_add,
    .lookup = copy_lookup,
    .find_case_insensitive = copy_find_case_insensitive,
    .match_release = copy_release,
    .destroy = copy_destroy,
};
