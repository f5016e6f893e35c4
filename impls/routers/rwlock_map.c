/* rwlock_map: one exact-match map keyed "METHOD:path" for the static routes (the key built in
 * a 128-byte stack buffer per lookup; longer keys go to the tree), the shared radix forest for
 * the rest, both behind one writer-preferring rwlock taken shared by every lookup
 * (rwlock_router.h).
 *
 * Models: Bolt's router before phase 1 (seed 000, 2.2 "Current Implementation": keyBuf
 * [128]byte, copy method, ':', path, r.static[key]; then the trees; seed 000, 3.1 and 001, 3.2:
 * sync.RWMutex around them).
 * Claims: the reference of C5 (key shape) and C6 (publication).
 * Difference from its reference: it is the reference.
 * Like Bolt: an uncontended RLock/RUnlock pair is two atomic RMWs in both; the map is
 * route_hash (the project's fast hash, open addressing) where Go's is the runtime's map.
 * Supports add and remove concurrently with lookups.
 */
#include "routers/rwlock_router.h"

static void rwlock_map_lookup(const struct hp_router *r, enum hp_method method, const char *path,
                              size_t len, struct hp_match *out)
{
    hp_rwlock_router_lookup(r, HP_MAP_KEY_COMBINED, method, path, len, out);
}

static struct hp_router *rwlock_map_create(struct hp_error *err)
{
    return hp_rwlock_router_create(HP_MAP_KEY_COMBINED, err);
}

const struct hp_router_ops hp_router_rwlock_map = {
    .info =
        {
            .name = "rwlock_map",
            .summary = "\"METHOD:path\" static map + radix tree behind a writer-preferring "
                       "rwlock; concurrent add/remove (Bolt before phase 1)",
            .models = "Bolt's router before phase 1: r.static[\"METHOD:path\"] built in keyBuf "
                      "[128]byte, then the trees, under sync.RWMutex (seed 000, 2.2 and 3.1)",
            .reference = NULL,
            .bound = HP_GAIN_LIKE_FOR_LIKE,
            .bound_reason = "the rwlock costs what RWMutex.RLock/RUnlock cost (one atomic RMW "
                            "each) and the key is built as Bolt builds it",
        },
    .flags = HP_ROUTER_CONCURRENT_WRITES,
    .create = rwlock_map_create,
    .add = hp_rwlock_router_add,
    .remove = hp_rwlock_router_remove,
    .lookup = rwlock_map_lookup,
    .find_case_insensitive = hp_rwlock_router_find_case_insensitive,
    .match_release = hp_match_release_default,
    .destroy = hp_rwlock_router_destroy,
};
