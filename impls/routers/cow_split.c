/* cow_split: rwlock_split's per-method maps (path as key) and radix trees in an immutable
 * snapshot published through one atomic pointer; readers take no lock (cow_router.c,
 * cow_router.h).
 *
 * Models: Bolt after phase 3.1 with the method-split maps of 2.2 (seed 000, 3.1:
 * staticRoutes atomic.Value, copy-on-write registration; seed 001, 2.2: a map per method).
 * Claims: C6 (rwlock_split -> cow_split: 15-20 ns static and dynamic).
 * Difference from its reference (rwlock_split): publication by atomic pointer + RCU instead of
 * a rwlock (with the part copies and the readers' warm-up that publication needs); the same
 * map_core, the same per-method keys.
 * Like Bolt, on the reader's side: no atomic RMW (atomic.Value.Load is a plain load on x86);
 * the warm-up adds one thread-local compare per lookup. Dearer for the writer: reclamation by
 * grace periods where Go has its GC.
 * Supports add and remove concurrently with lookups.
 */
#include "routers/cow_router.h"

static void cow_split_lookup(const struct hp_router *r, enum hp_method method, const char *path,
                             size_t len, struct hp_match *out)
{
    hp_cow_router_lookup(r, HP_MAP_KEY_SPLIT, method, path, len, out);
}

static struct hp_router *cow_split_create(struct hp_error *err)
{
    return hp_cow_router_create(HP_MAP_KEY_SPLIT, err);
}

const struct hp_router_ops hp_router_cow_split = {
    .info =
        {
            .name = "cow_split",
            .summary = "one static map per method + radix tree in an immutable snapshot behind "
                       "an atomic pointer (RCU); concurrent add/remove (Bolt 3.1 after 2.2)",
            .models = "Bolt 3.1 atomic.Value copy-on-write map (seed 000, 3.1) over Bolt 2.2's "
                      "per-method maps (seed 001, 2.2)",
            .reference = "rwlock_split",
            .bound = HP_GAIN_LIKE_FOR_LIKE,
            .bound_reason = "the reader drops the rwlock's two atomic RMWs as Bolt drops RLock/"
                            "RUnlock; an RCU section is a thread-local store, like Load",
        },
    .flags = HP_ROUTER_CONCURRENT_WRITES,
    .create = cow_split_create,
    .add = hp_cow_router_add,
    .remove = hp_cow_router_remove,
    .lookup = cow_split_lookup,
    .find_case_insensitive = hp_cow_router_find_case_insensitive,
    .match_release = hp_match_release_default,
    .thread_attach = hp_cow_router_thread_attach,
    .thread_detach = hp_cow_router_thread_detach,
    .destroy = hp_cow_router_destroy,
};
