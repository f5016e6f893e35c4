/* rwlock_split: one exact-match map per method keyed by the path as it is, the shared radix
 * forest for the rest, both behind rwlock_map's rwlock (rwlock_router.h).
 *
 * Models: Bolt 2.2's method-specific routers (seed 001, 2.2: getRoutes map[string]Handler, ...;
 * seed 000, 2.2: "7 separate maps"), under the same sync.RWMutex as before.
 * Claims: C5 (method-split maps vs one "METHOD:path" map: 2-10 ns).
 * Difference from its reference (rwlock_map): the key shape only: the map is chosen by the
 * method and probed with the path, no key is concatenated in a stack buffer; the same lock,
 * the same routes in the maps (map_core.h), the same trees.
 * Like Bolt: the concatenation it removes is the copy Bolt's keyBuf does.
 * Supports add and remove concurrently with lookups.
 */
#include "routers/rwlock_router.h"

static void rwlock_split_lookup(const struct hp_router *r, enum hp_method method, const char *path,
                                size_t len, struct hp_match *out)
{
    hp_rwlock_router_lookup(r, HP_MAP_KEY_SPLIT, method, path, len, out);
}

static struct hp_router *rwlock_split_create(struct hp_error *err)
{
    return hp_rwlock_router_create(HP_MAP_KEY_SPLIT, err);
}

const struct hp_router_ops hp_router_rwlock_split = {
    .info =
        {
            .name = "rwlock_split",
            .summary = "one static map per method (path as key) + radix tree behind rwlock_map's "
                       "rwlock; concurrent add/remove (Bolt 2.2)",
            .models = "Bolt 2.2 method-specific maps (getRoutes map[string]Handler, ...) under "
                      "the router's sync.RWMutex (seed 001, 2.2)",
            .reference = "rwlock_map",
            .bound = HP_GAIN_LIKE_FOR_LIKE,
            .bound_reason = "the work removed is the key concatenation Bolt's keyBuf copy does",
        },
    .flags = HP_ROUTER_CONCURRENT_WRITES,
    .create = rwlock_split_create,
    .add = hp_rwlock_router_add,
    .remove = hp_rwlock_router_remove,
    .lookup = rwlock_split_lookup,
    .find_case_insensitive = hp_rwlock_router_find_case_insensitive,
    .match_release = hp_match_release_default,
    .destroy = hp_rwlock_router_destroy,
};
