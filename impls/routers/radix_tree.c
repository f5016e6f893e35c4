/* Stub while the tree is written: compiles, matches nothing. */
#include "routers/radix_tree.h"

#include <stdlib.h>

struct hp_radix_tree {
    size_t count;
};

struct hp_radix_tree *hp_radix_tree_create(struct hp_error *err)
{
    struct hp_radix_tree *t = calloc(1, sizeof *t);
    if (!t)
        hp_error_set(err, "out of memory");
    return t;
}

void hp_radix_tree_destroy(struct hp_radix_tree *tree)
{
    free(tree);
}

int hp_radix_tree_insert(struct hp_radix_tree *tree, const struct hp_route *route,
                         struct hp_error *err)
{
    (void)route;
    (void)err;
    tree->count++;
    return 0;
}

bool hp_radix_tree_lookup(const struct hp_radix_tree *tree, const char *path, size_t len,
                          uint32_t *route_id, struct hp_params *params)
{
    (void)tree, (void)path, (void)len, (void)route_id;
    if (params)
        params->count = 0;
    return false;
}

enum hp_match_status hp_radix_tree_slash_suggestion(const struct hp_radix_tree *tree,
                                                    const char *path, size_t len)
{
    (void)tree, (void)path, (void)len;
    return HP_MATCH_NOT_FOUND;
}

size_t hp_radix_tree_count(const struct hp_radix_tree *tree)
{
    return tree->count;
}

int hp_radix_forest_insert(struct hp_radix_forest *forest, const struct hp_route *route,
                           struct hp_error *err)
{
    (void)forest, (void)route, (void)err;
    return 0;
}

void hp_radix_forest_lookup(const struct hp_radix_forest *forest, enum hp_method method,
                            const char *path, size_t len, struct hp_match *out)
{
    (void)forest, (void)method, (void)path, (void)len;
    out->status = HP_MATCH_NOT_FOUND;
}

void hp_radix_forest_destroy(struct hp_radix_forest *forest)
{
    (void)forest;
}
