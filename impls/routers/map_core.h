/* The static-map-then-tree structure shared by the map routers: rwlock_map and rwlock_split
 * (rwlock_router.h), cow_map and cow_split (cow_router.h), method_split.
 *
 * Fully static routes whose key fits HP_MAP_KEY_MAX bytes ("METHOD:" + pattern) live in exact-
 * match hash tables (route_hash.h); every other route lives in a per-method radix forest
 * (radix_tree.h). Two key shapes, the decision claim C5 measures:
 *   - combined: one table keyed "METHOD:path", the key built in a 128-byte stack buffer on
 *     every lookup (Bolt);
 *   - split: one table per method keyed by the path itself (no concatenation).
 * Both shapes put exactly the same routes in the maps (the length rule uses the combined key's
 * length), so they differ in nothing but the key.
 *
 * The answer follows the forest's rule (radix_tree.h): FOUND from the method's map or tree;
 * else a trailing-slash suggestion from either; else 405 with every other method whose map or
 * tree matches; else NOT_FOUND. A static exact hit is what the full tree would answer too,
 * because its walk tries static edges first.
 *
 * The core itself has no synchronisation: the rwlock routers wrap it in a rwlock, the
 * copy-on-write routers publish immutable copies of it, method_split uses it bare.
 */
#ifndef HOTPATH_MAP_CORE_H
#define HOTPATH_MAP_CORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "common/error.h"
#include "routers/radix_tree.h"
#include "common/route_hash.h"
#include "routers/route_set.h"
#include "routers/router.h"

enum { HP_MAP_KEY_MAX = 128 }; /* the stack key buffer (Bolt's keyBuf [128]byte) */

enum hp_map_key_shape { HP_MAP_KEY_COMBINED, HP_MAP_KEY_SPLIT };

struct hp_map_core {
    enum hp_map_key_shape shape;
    struct hp_route_hash combined;                   /* HP_MAP_KEY_COMBINED */
    struct hp_route_hash by_method[HP_METHOD_COUNT]; /* HP_MAP_KEY_SPLIT */
    struct hp_radix_forest dynamic;                  /* every route not in a map */
};

/* The registered routes, in registration order: what a rebuild starts from and what
 * registration errors are described with. Owned by the router, not by a core. */
struct hp_route_list {
    const struct hp_route **items;
    size_t count, capacity;
};

extern const char *const hp_map_method_names[HP_METHOD_COUNT];
extern const uint8_t hp_map_method_name_lens[HP_METHOD_COUNT];

void hp_map_core_init(struct hp_map_core *core, enum hp_map_key_shape shape);
void hp_map_core_destroy(struct hp_map_core *core);

/* Does the route go into a map (fully static, key fits)? Same answer for both shapes. */
bool hp_map_core_route_is_mapped(const struct hp_route *route);

/* Adds an already checked route (hp_route_list_check). 0, or -1 with err set (out of memory,
 * or whatever the tree refuses) and the core unchanged for that route. */
int hp_map_core_insert(struct hp_map_core *core, const struct hp_route *route,
                       struct hp_error *err);
/* Loading a table: hp_map_core_insert for each of routes[0..count) (already checked, with
 * hp_route_list_check_all), in the same order, the trees compiled once at the end instead of
 * after each route; the maps come out as single inserts leave them. 0, or -1 with err set (out
 * of memory) and the core holding some of the routes. */
int hp_map_core_insert_all(struct hp_map_core *core, const struct hp_route *routes, size_t count,
                           struct hp_error *err);
/* Builds a core holding exactly `list`'s routes, skipping `except` (may be NULL). */
int hp_map_core_build(struct hp_map_core *core, enum hp_map_key_shape shape,
                      const struct hp_route_list *list, const struct hp_route *except,
                      struct hp_error *err);
/* For copy-on-write: *dst becomes a copy of *base in which only the part that holds `changed`
 * (the map, or for split keys the method's map, when the route is mapped; else its method's
 * tree) is rebuilt from `list`, which already has the change; every other part is base's own
 * memory, shared. The caller tracks which parts each core owns (cow_router.c counts references).
 * 0, or -1 with err set and *dst untouched. */
int hp_map_core_rebuild_part(struct hp_map_core *dst, const struct hp_map_core *base,
                             const struct hp_route_list *list, const struct hp_route *changed,
                             struct hp_error *err);
/* Removes a route present in `list` (which must not contain it any more): a map entry is
 * deleted in place, a tree route by rebuilding that method's tree from `list`. */
int hp_map_core_remove(struct hp_map_core *core, const struct hp_route *route,
                       const struct hp_route_list *list, struct hp_error *err);

/* Lookups: the whole answer (status, id, allowed, params), no allocation unless more than
 * HP_PARAMS_INLINE params. `out` initialised with hp_match_init. */
void hp_map_core_lookup_combined(const struct hp_map_core *core, enum hp_method method,
                                 const char *path, size_t len, struct hp_match *out);
void hp_map_core_lookup_split(const struct hp_map_core *core, enum hp_method method,
                              const char *path, size_t len, struct hp_match *out);

/* Prefetches what lookups read (maps, then trees), at most max_lines cache lines: for a reader
 * that is about to use a core another thread has just built (cow_map). */
void hp_map_core_prefetch(const struct hp_map_core *core, size_t max_lines);

/* The find_case_insensitive op (router.h) over the maps and the trees. */
size_t hp_map_core_find_case_insensitive(const struct hp_map_core *core, enum hp_method method,
                                         const char *path, size_t len, char *out, size_t cap);

/* Route list. check: pattern syntax, method range, duplicates and conflicts with every
 * registered route of the same method (the same checks, and words, as every router). */
int hp_route_list_check(const struct hp_route_list *list, const struct hp_route *route,
                        struct hp_error *err);
/* hp_route_list_check for each of routes[0..count) in turn, each against the list and the
 * routes before it (the same refusals and messages), in time linear in the routes
 * (hp_route_conflicts) instead of in routes x list. */
int hp_route_list_check_all(const struct hp_route_list *list, const struct hp_route *routes,
                            size_t count, struct hp_error *err);
int hp_route_list_append(struct hp_route_list *list, const struct hp_route *route,
                         struct hp_error *err);
/* Appends &routes[0..count); all or, out of memory, none. */
int hp_route_list_append_all(struct hp_route_list *list, const struct hp_route *routes,
                             size_t count, struct hp_error *err);
/* The registered route with route's method and pattern, or NULL. */
const struct hp_route *hp_route_list_find(const struct hp_route_list *list,
                                          const struct hp_route *route);
/* Removes the entry equal (by pointer) to `registered`. */
void hp_route_list_remove(struct hp_route_list *list, const struct hp_route *registered);
void hp_route_list_free(struct hp_route_list *list);

#endif
