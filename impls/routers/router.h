/* The router axis: method + path in, handler and params out.
 *
 * Every implementation answers lookups identically (the `linear` router is the oracle; the
 * differential tests hold every other one to it) and differs from its reference in exactly one
 * decision: how routes are stored, how the structure is published to readers, whether param
 * values are copied. tests/test_router_conformance.c lists the behaviours.
 *
 * Ownership: a router never owns the path it is asked about; params are slices of it
 * (`radix_copy_params` excepted, by design: its values are heap copies released by
 * match_release). Route patterns and names live in the `struct hp_route` given to add(), which
 * must outlive the router (a route set owns them).
 */
#ifndef HOTPATH_ROUTER_H
#define HOTPATH_ROUTER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/error.h"
#include "registry.h"

enum hp_method {
    HP_METHOD_GET,
    HP_METHOD_HEAD,
    HP_METHOD_POST,
    HP_METHOD_PUT,
    HP_METHOD_PATCH,
    HP_METHOD_DELETE,
    HP_METHOD_OPTIONS,
    HP_METHOD_CONNECT,
    HP_METHOD_TRACE,
    HP_METHOD_COUNT
};

/* "GET", ...; and the reverse (-1 when unknown). */
const char *hp_method_name(enum hp_method m);
int hp_method_parse(const char *s, size_t len);
/* "GET, HEAD, ..., TRACE" into buf (like snprintf: the full length is returned), for messages. */
size_t hp_method_list(char *buf, size_t size);

/* One registered route. Patterns: `/static/:param/` then `*catchall`, see route_set.h. */
struct hp_route {
    enum hp_method method;
    const char *pattern; /* NUL-terminated, owned by the route set */
    uint32_t pattern_len;
    uint32_t id;      /* the handler: index of the route in its set */
    const char *file; /* where it was read, for registration errors; may be NULL */
    unsigned line;
};

/* Params are slices of the looked-up path, up to HP_PARAMS_INLINE of them inline; beyond that
 * one allocation holds them all: the skill document's design (claim C10: inline storage for
 * up to 4 params, "0 allocations for 90% of routes"). radix_heap_params, C10's reference,
 * never uses the inline items. */
enum { HP_PARAMS_INLINE = 4 };

struct hp_param {
    const char *name; /* slice of the route pattern, without the ':' or '*' */
    uint32_t name_len;
    uint32_t value_len;
    const char *value; /* slice of the request path (a heap copy in radix_copy_params) */
};

struct hp_params {
    uint32_t count;
    uint32_t capacity;      /* HP_PARAMS_INLINE, or the overflow array's size */
    struct hp_param *items; /* == inline_items until more than HP_PARAMS_INLINE are needed */
    struct hp_param inline_items[HP_PARAMS_INLINE];
};

enum hp_match_status {
    HP_MATCH_FOUND,
    HP_MATCH_NOT_FOUND,
    HP_MATCH_METHOD_NOT_ALLOWED,   /* `allowed` holds the methods the path exists for */
    HP_MATCH_REDIRECT_ADD_SLASH,   /* the path with '/' appended would match */
    HP_MATCH_REDIRECT_REMOVE_SLASH /* the path without its trailing '/' would match */
};

struct hp_match {
    enum hp_match_status status;
    uint32_t route_id; /* HP_MATCH_FOUND only */
    uint32_t allowed;  /* bit (1u << method) per allowed method, HP_MATCH_METHOD_NOT_ALLOWED */
    struct hp_params params;
};

/* Set a match up before its first lookup (points items at inline_items). Cheap; callers that
 * reuse one match for many lookups call it once. */
void hp_match_init(struct hp_match *m);

struct hp_router;

/* Capabilities (struct hp_router_ops.flags): callers decide by flag, never by a router's name. */
enum {
    /* add and remove may run on one thread while lookups run on others (a writer republishing
     * routes under live traffic); the header comment says how readers are kept safe. */
    HP_ROUTER_CONCURRENT_WRITES = 1u << 0,
    /* loading a table checks each route against every registered one on purpose (the oracle
     * states the rule directly); every other router must load in about linear time, which
     * tests/test_route_loading.c counts. */
    HP_ROUTER_QUADRATIC_LOADING = 1u << 1,
};

struct hp_router_ops {
    struct hp_impl_info info;
    uint32_t flags; /* HP_ROUTER_* */
    struct hp_router *(*create)(struct hp_error *err);
    /* Registration: may allocate and be slow. Refuses (message naming route->file:route->line)
     * what the conformance list refuses. */
    int (*add)(struct hp_router *r, const struct hp_route *route, struct hp_error *err);
    /* Optional: loading a table. Registers routes[0..count) as `count` calls of add would
     * (the same routes accepted, the first refusal with add's message), in time about linear
     * in the table, where a loop of add may be quadratic (a conflict check against every
     * registered route, a rebuild per route). Not the technique under test: add is. After a
     * refusal the router may hold any of the routes before the refused one: destroy it. Callers
     * go through hp_router_add_all, which loops add when this is NULL. */
    int (*add_all)(struct hp_router *r, const struct hp_route *routes, size_t count,
                   struct hp_error *err);
    /* Optional (NULL when the implementation does not support it): unregister a route. */
    int (*remove)(struct hp_router *r, const struct hp_route *route, struct hp_error *err);
    /* path: the request target; the path ends at its first '?' or '#'. Must not allocate
     * (radix_copy_params and radix_heap_params excepted; more than HP_PARAMS_INLINE params: at
     * most one allocation).
     * Safe to call from many threads at once, and concurrently with add/remove for
     * implementations flagged HP_ROUTER_CONCURRENT_WRITES. */
    void (*lookup)(const struct hp_router *r, enum hp_method method, const char *path, size_t len,
                   struct hp_match *out);
    /* The case-insensitive suggestion after a miss (route_set.h, "case-insensitive
     * suggestions"; conformance item 23): when a route of `method` matches the path (cut at
     * `?`/`#`) ignoring case, writes the fixed path (the route's casing in static segments, the
     * request's bytes in params) into out[0..n) and returns n, the cut path's length; 0 when no
     * route does or cap < n. Several candidates: the one the lookup order prefers. A separate
     * call, so lookups pay nothing for it; never allocates; safe wherever lookup is. Every
     * router in the table has it; callers still check for NULL. */
    size_t (*find_case_insensitive)(const struct hp_router *r, enum hp_method method,
                                    const char *path, size_t len, char *out, size_t cap);
    /* Releases what a lookup allocated (param overflow, copies); leaves `m` ready for reuse. */
    void (*match_release)(const struct hp_router *r, struct hp_match *m);
    /* Optional: called by every thread before its first lookup / after its last (RCU
     * registration for cow_map). */
    void (*thread_attach)(struct hp_router *r);
    void (*thread_detach)(struct hp_router *r);
    void (*destroy)(struct hp_router *r);
};

/* The implementations (router_list.h), for the table and for the code that names one. */
#define HP_IMPL(symbol) extern const struct hp_router_ops symbol;
#include "routers/router_list.h"
#undef HP_IMPL

/* Loads a table: ops->add_all, or add for each route in turn when the router has none. 0, or -1
 * with err set by the first route refused. */
int hp_router_add_all(const struct hp_router_ops *ops, struct hp_router *r,
                      const struct hp_route *routes, size_t count, struct hp_error *err);

#endif
