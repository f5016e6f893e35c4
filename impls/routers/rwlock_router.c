/* The rwlock routers' shared body (rwlock_router.h). Not an implementation of the axis. */
#include "routers/rwlock_router.h"

#include <stdlib.h>

struct hp_router *hp_rwlock_router_create(enum hp_map_key_shape shape, struct hp_error *err)
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
    hp_map_core_init(&r->core, shape);
    return r;
}

int hp_rwlock_router_add(struct hp_router *r, const struct hp_route *route, struct hp_error *err)
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

int hp_rwlock_router_remove(struct hp_router *r, const struct hp_route *route, struct hp_error *err)
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

size_t hp_rwlock_router_find_case_insensitive(const struct hp_router *r, enum hp_method method,
                                              const char *path, size_t len, char *out, size_t cap)
{
    pthread_rwlock_t *lock = (pthread_rwlock_t *)&r->lock;
    pthread_rwlock_rdlock(lock);
    size_t n = hp_map_core_find_case_insensitive(&r->core, method, path, len, out, cap);
    pthread_rwlock_unlock(lock);
    return n;
}

void hp_rwlock_router_destroy(struct hp_router *r)
{
    if (!r)
        return;
    hp_map_core_destroy(&r->core);
    hp_route_list_free(&r->routes);
    pthread_rwlock_destroy(&r->lock);
    free(r);
}
