/* cow_map: rwlock_map's "METHOD:path" map and radix trees in an immutable snapshot published
 * through one atomic pointer; readers take no lock, an RCU read-side section (liburcu memb: a
 * thread-local store, no fence) around one acquire load (cow_router.c, cow_router.h).
 *
 * Models: Bolt 3.1's lock-free static route map (seed 000, 3.1: staticRoutes atomic.Value
 * holding *staticRouteMap, lookup = Load + map index; Add copies the map under a mutex and
 * Stores the copy), with Bolt's combined key.
 * Claims: C6 with the combined key (rwlock_map -> cow_map).
 * Difference from its reference (rwlock_map): publication by atomic pointer + RCU instead of a
 * rwlock (with the part copies and the readers' warm-up that publication needs); the same
 * map_core, the same key.
 * Like Bolt, on the reader's side: no atomic RMW (atomic.Value.Load is a plain load on x86);
 * the warm-up adds one thread-local compare per lookup. Dearer for the writer: reclamation by
 * grace periods where Go has its GC.
 * Supports add and remove concurrently with lookups.
 */
#include "routers/cow_router.h"

static void cow_map_lookup(const struct hp_router *r, enum hp_method method, const char *path,
                           size_t len, struct hp_match *out)
{
    hp_cow_router_lookup(r, HP_MAP_KEY_COMBINED, method, path, len, out);
}

static struct hp_router *cow_map_create(struct hp_error *err)
{
    return hp_cow_router_create(HP_MAP_KEY_COMBINED, err);
}

const struct hp_router_ops hp_router_cow_map = {
    .info =
        {
            .name = "cow_map",
            .summary = "\"METHOD:path\" static map + radix tree in an immutable snapshot behind an "
                       "atomic pointer (RCU); concurrent add/remove",
            .models = "Bolt 3.1: staticRoutes atomic.Value -> *staticRouteMap, copy-on-write "
                      "under a mutex (seed 000, 3.1), combined \"METHOD:path\" key",
            .reference = "rwlock_map",
            .bound = HP_GAIN_LIKE_FOR_LIKE,
            .bound_reason = "the reader drops the rwlock's two atomic RMWs as Bolt drops RLock/"
                            "RUnlock; an RCU section is a thread-local store, like Load",
        },
    .flags = HP_ROUTER_CONCURRENT_WRITES,
    .create = cow_map_create,
    .add = hp_cow_router_add,
    .remove = hp_cow_router_remove,
    .lookup = cow_map_lookup,
    .find_case_insensitive = hp_cow_router_find_case_insensitive,
    .match_release = hp_match_release_default,
    .thread_attach = hp_cow_router_thread_attach,
    .thread_detach = hp_cow_router_thread_detach,
    .destroy = hp_cow_router_destroy,
};
