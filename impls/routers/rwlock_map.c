/* rwlock_map: exact-match map keyed "METHOD:path" for static routes (key built in a 128-byte
 * stack buffer; longer keys go to the tree), the shared radix tree for the rest, both behind
 * one pthread rwlock taken (shared) by every lookup.
 *
 * Claim C6 baseline (Bolt before 3.1: sync.RWMutex around the route maps); also the combined-
 * key side of claim C5.
 * Reference: Bolt's router (map[string]Handler + trees under one RWMutex). ONE difference:
 * the lock is writer-preferring (glibc PTHREAD_RWLOCK_PREFER_WRITER_NONRECURSIVE_NP), as Go's
 * RWMutex is, so a steady stream of readers cannot starve route registration.
 * Supports add and remove concurrently with lookups (writers take the lock exclusively).
 * add_all (loading a table, not under test) checks the whole table against itself at once and
 * compiles each tree once, under one write lock.
 */
#include <pthread.h>
#include <stdlib.h>

#include "routers/map_core.h"

struct hp_router {
    pthread_rwlock_t lock; /* shared: every lookup; exclusive: add/remove */
    struct hp_map_core core;
    struct hp_route_list routes;
};

static struct hp_router *rwlock_create(struct hp_error *err)
{
    struct hp_router *r = calloc(1, sizeof *r);
    if (!r) {
        hp_error_set(err, "out of memory");
        return NULL;
    }
    pthread_rwlockattr_t attr;
    pthread_rwlockattr_init(&attr);
    pthread_rwlockattr_setkind_np(&attr, PTHREAD_RWLOCK_PREFER_WRITER_NONRECURSIVE_NP);
    int rc = pthread_rwlock_init(&r->lock, &attr);
    pthread_rwlockattr_destroy(&attr);
    if (rc != 0) {
        free(r);
        hp_error_set(err, "pthread_rwlock_init failed (%d)", rc);
        return NULL;
    }
    hp_map_core_init(&r->core, HP_MAP_KEY_COMBINED);
    return r;
}

static int rwlock_add(struct hp_router *r, const struct hp_route *route, struct hp_error *err)
{
    int rc = -1;
    pthread_rwlock_wrlock(&r->lock);
    if (hp_route_list_check(&r->routes, route, err) == 0 &&
        hp_route_list_append(&r->routes, route, err) == 0) {
        rc = hp_map_core_insert(&r->core, route, err);
        if (rc != 0)
            hp_route_list_remove(&r->routes, route);
    }
    pthread_rwlock_unlock(&r->lock);
    return rc;
}

static int rwlock_add_all(struct hp_router *r, const struct hp_route *routes, size_t count,
                          struct hp_error *err)
{
    int rc = -1;
    pthread_rwlock_wrlock(&r->lock);
    if (hp_route_list_check_all(&r->routes, routes, count, err) == 0 &&
        hp_route_list_append_all(&r->routes, routes, count, err) == 0)
        rc = hp_map_core_insert_all(&r->core, routes, count, err);
    pthread_rwlock_unlock(&r->lock);
    return rc;
}

static int rwlock_remove(struct hp_router *r, const struct hp_route *route, struct hp_error *err)
{
    int rc = 0;
    pthread_rwlock_wrlock(&r->lock);
    const struct hp_route *registered = hp_route_list_find(&r->routes, route);
    if (!registered) {
        char where[512];
        hp_route_where(route, where, sizeof where);
        rc = hp_error_set(err, "%s: not registered", where);
    } else {
        hp_route_list_remove(&r->routes, registered);
        rc = hp_map_core_remove(&r->core, registered, &r->routes, err);
        if (rc != 0)
            hp_route_list_append(&r->routes, registered, NULL); /* capacity is there */
    }
    pthread_rwlock_unlock(&r->lock);
    return rc;
}

static void rwlock_lookup(const struct hp_router *r, enum hp_method method, const char *path,
                          size_t len, struct hp_match *out)
{
    /* The lock is the object under test; lookups never modify the router otherwise. */
    pthread_rwlock_t *lock = (pthread_rwlock_t *)&r->lock;
    pthread_rwlock_rdlock(lock);
    hp_map_core_lookup_combined(&r->core, method, path, len, out);
    pthread_rwlock_unlock(lock);
}

static size_t rwlock_find_case_insensitive(const struct hp_router *r, enum hp_method method,
                                           const char *path, size_t len, char *out, size_t cap)
{
    pthread_rwlock_t *lock = (pthread_rwlock_t *)&r->lock;
    pthread_rwlock_rdlock(lock);
    size_t n = hp_map_core_find_case_insensitive(&r->core, method, path, len, out, cap);
    pthread_rwlock_unlock(lock);
    return n;
}

static void rwlock_destroy(struct hp_router *r)
{
    if (!r)
        return;
    hp_map_core_destroy(&r->core);
    hp_route_list_free(&r->routes);
    pthread_rwlock_destroy(&r->lock);
    free(r);
}

const struct hp_router_ops hp_router_rwlock_map = {
    .info = {"rwlock_map", "\"METHOD:path\" static map + radix tree behind a writer-preferring "
                           "rwlock; concurrent add/remove"},
    .flags = HP_ROUTER_CONCURRENT_WRITES,
    .create = rwlock_create,
    .add = rwlock_add,
    .add_all = rwlock_add_all,
    .remove = rwlock_remove,
    .lookup = rwlock_lookup,
    .find_case_insensitive = rwlock_find_case_insensitive,
    .match_release = hp_match_release_default,
    .destroy = rwlock_destroy,
};
