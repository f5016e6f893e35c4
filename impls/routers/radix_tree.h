/* The shared radix tree: one tree holds the routes of ONE method.
 *
 * Used by radix, radix_static_first, radix_copy_params, radix_heap_params, and (for the routes
 * that are not fully static) by the map routers (map_core.h), so that those routers differ from
 * each other only in the decision under test.
 *
 * Shape (after httprouter/gin): static edges are compressed byte strings; a node's static
 * children are found by their first byte and kept ordered by how many routes lie below them
 * (the busiest subtree is tried first); a node whose path ends in `/` may also have one `:param`
 * child and one `*catchall` child.
 *
 * Two forms: registration edits linked nodes; after each insert (or once after a bulk load)
 * they are compiled into one contiguous breadth-first array that lookups read, a node's static
 * children side by side and each edge's first eight bytes in its node (radix_tree.c says why).
 *
 * Lookup: static child first, then the param, then the catch-all, backtracking to the next
 * alternative when a branch dead-ends (`/users/new` and `/users/:id`: `/users/newer` gives
 * id=newer). The walk is iterative (parent pointers, no recursion, no allocation) and visits
 * every node at most once, so a lookup costs at most the size of the tree. Param values are
 * written into the caller's items, as slices of its path, while the walk goes (kept as
 * (offset, length) spans only when they outnumber the items). An edge "/" that is the root's or
 * a param's only static child is passed without a search.
 *
 * Registration refuses exactly what hp_route_pattern_check and hp_route_conflict_check refuse
 * (same messages): conflicts are found structurally, then described by the shared check.
 *
 * Threads: lookups are read-only and safe from many threads at once; insert is single writer
 * and must not run concurrently with lookups (callers provide the exclusion or copy-on-write).
 */
#ifndef HOTPATH_RADIX_TREE_H
#define HOTPATH_RADIX_TREE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/error.h"
#include "routers/router.h"

struct hp_radix_tree;

/* An empty tree, or NULL (err set) when out of memory. */
struct hp_radix_tree *hp_radix_tree_create(struct hp_error *err);
void hp_radix_tree_destroy(struct hp_radix_tree *tree);

/* Registers `route` (its method is not looked at: one tree per method). The route, its
 * pattern and file must outlive the tree. 0, or -1 with err set and the tree unchanged. */
int hp_radix_tree_insert(struct hp_radix_tree *tree, const struct hp_route *route,
                         struct hp_error *err);

/* Bulk registration (a rebuild from a route list whose routes were all accepted before):
 * hp_radix_tree_insert without the pattern check and without compiling the lookup form after
 * each route (compiling is linear in the tree, so n single inserts cost n^2). The tree must not
 * be looked up between a bulk insert and hp_radix_tree_compile. */
int hp_radix_tree_insert_bulk(struct hp_radix_tree *tree, const struct hp_route *route,
                              struct hp_error *err);
void hp_radix_tree_compile(struct hp_radix_tree *tree);

/* Matches `path[0..len)`, which ends at its first `?` or `#` (cut or not: the walk stops
 * there). On a hit sets *route_id and, when params is
 * not NULL, fills params with slices of `path` (names are slices of the route's pattern); more
 * than params->capacity values take one allocation (see hp_params_reserve). No allocation
 * otherwise. Returns false on a miss (params->count = 0). */
bool hp_radix_tree_lookup(const struct hp_radix_tree *tree, const char *path, size_t len,
                          uint32_t *route_id, struct hp_params *params);

/* After a miss: HP_MATCH_REDIRECT_REMOVE_SLASH when `path` ends in `/` (and is not "/") and
 * would match without it, HP_MATCH_REDIRECT_ADD_SLASH when it does not end in `/` and would
 * match with one appended, else HP_MATCH_NOT_FOUND. No allocation, no copy of the path. */
enum hp_match_status hp_radix_tree_slash_suggestion(const struct hp_radix_tree *tree,
                                                    const char *path, size_t len);

/* The case-insensitive search (route_set.h): the route the lookup order prefers among those
 * matching path[0..len) (already cut) ignoring case, its fixed path written to out[0..len);
 * NULL when none. Depth-first over the tree, static children (the two case variants of the
 * next byte, smaller byte first), then the param, then the catch-all; visits each node at most
 * once; recursion depth at most the nodes on one route's path. */
const struct hp_route *hp_radix_tree_find_case_insensitive(const struct hp_radix_tree *tree,
                                                           const char *path, size_t len, char *out);

/* Routes registered. */
size_t hp_radix_tree_count(const struct hp_radix_tree *tree);

/* One tree per method, and the full answer for a request (the rule every router follows):
 *   1. FOUND when the method's tree matches;
 *   2. else a REDIRECT_* suggestion when the method's tree would match the path with its
 *      trailing slash added or removed;
 *   3. else METHOD_NOT_ALLOWED when other methods' trees match (allowed = their bits);
 *   4. else NOT_FOUND. */
struct hp_radix_forest {
    struct hp_radix_tree *trees[HP_METHOD_COUNT]; /* NULL until the method's first route */
};

int hp_radix_forest_insert(struct hp_radix_forest *forest, const struct hp_route *route,
                           struct hp_error *err);
/* The bulk pair, for every tree of the forest (see hp_radix_tree_insert_bulk). */
int hp_radix_forest_insert_bulk(struct hp_radix_forest *forest, const struct hp_route *route,
                                struct hp_error *err);
void hp_radix_forest_compile(struct hp_radix_forest *forest);
/* Loading a table: hp_radix_forest_insert for each route in turn (the same checks and
 * messages), compiling once at the end instead of after each. 0, or -1 with err set by the
 * first route refused; *inserted (may be NULL): the routes registered before it. Compiled
 * either way. */
int hp_radix_forest_insert_all(struct hp_radix_forest *forest, const struct hp_route *routes,
                               size_t count, size_t *inserted, struct hp_error *err);
/* `path` is the request target (cut at `?`/`#` here). Needs out initialised (hp_match_init)
 * and released between lookups that allocated. */
void hp_radix_forest_lookup(const struct hp_radix_forest *forest, enum hp_method method,
                            const char *path, size_t len, struct hp_match *out);
/* The same answer, but a match's params (when it has any) go to one new heap array of exactly
 * their count (released by hp_match_release_default), never to out's inline items. */
void hp_radix_forest_lookup_heap_params(const struct hp_radix_forest *forest, enum hp_method method,
                                        const char *path, size_t len, struct hp_match *out);
/* The find_case_insensitive op over the method's tree (router.h). */
size_t hp_radix_forest_find_case_insensitive(const struct hp_radix_forest *forest,
                                             enum hp_method method, const char *path, size_t len,
                                             char *out, size_t cap);
/* Prefetches the compiled trees (all a lookup reads), at most max_lines cache lines; returns
 * the lines prefetched. */
size_t hp_radix_forest_prefetch(const struct hp_radix_forest *forest, size_t max_lines);
void hp_radix_forest_destroy(struct hp_radix_forest *forest);

#endif
