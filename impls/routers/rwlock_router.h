/* The body of the rwlock routers (rwlock_map, rwlock_split): map_core (static maps + radix
 * forest) behind one writer-preferring pthread rwlock, taken shared by every lookup and
 * exclusively by add/remove. The key shape is the one thing the two routers choose (create's
 * parameter, and the lookup each one inlines), so they differ in nothing else.
 *
 * The lock: PTHREAD_RWLOCK_PREFER_WRITER_NONRECURSIVE_NP, as Go's sync.RWMutex prefers writers
 * (a steady stream of readers cannot starve route registration); an uncontended read lock and
 * unlock are one atomic RMW each, as RWMutex.RLock / RUnlock are.
 */
#ifndef HOTPATH_RWLOCK_ROUTER_H
#define HOTPATH_RWLOCK_ROUTER_H

#include <pthread.h>

#include "routers/map_core.h"

struct hp_router {
    pthread_rwlock_t lock; /* shared: every lookup; exclusive: add/remove */
    struct hp_map_core core;
    struct hp_route_list routes;
};

struct hp_router *hp_rwlock_router_create(enum hp_map_key_shape shape, struct hp_error *err);
int hp_rwlock_router_add(struct hp_router *r, const struct hp_route *route, struct hp_error *err);
int hp_rwlock_router_remove(struct hp_router *r, const struct hp_route *route,
                            struct hp_error *err);
size_t hp_rwlock_router_find_case_insensitive(const struct hp_router *r, enum hp_method method,
                                              const char *path, size_t len, char *out, size_t cap);
void hp_rwlock_router_destroy(struct hp_router *r);

/* The lookup, for a constant `shape` (each router inlines its own). */
static inline __attribute__((always_inline)) void
hp_rwlock_router_lookup(const struct hp_router *r, enum hp_map_key_shape shape,
                        enum hp_method method, const char *path, size_t len, struct hp_match *out)
{
    /* The lock is the object under test; lookups never modify the router otherwise. */
    pthread_rwlock_t *lock = (pthread_rwlock_t *)&r->lock;
    pthread_rwlock_rdlock(lock);
    if (shape == HP_MAP_KEY_COMBINED)
        hp_map_core_lookup_combined(&r->core, method, path, len, out);
    else
        hp_map_core_lookup_split(&r->core, method, path, len, out);
    pthread_rwlock_unlock(lock);
}

#endif
