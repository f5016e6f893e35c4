/* The route-file reader (impls/routers/route_set.h, hp_route_set_parse). Properties: a refusal
 * is one message naming the file; a set that loads has its routes in file order with their
 * lines, every pattern passes the pattern check, and every router in the table loads the whole
 * set and finds each route by its own pattern (a param segment ":x" is a value like any other,
 * a catch-all takes the rest), with the route's own id. */
#include "fuzz_check.h"

#include "registry.h"
#include "routers/route_set.h"
#include "routers/router.h"

static void check_found_by_own_pattern(const struct hp_router_ops *ops,
                                       const struct hp_route_set *set)
{
    struct hp_error err = {{0}};
    struct hp_router *r = ops->create(&err);
    FUZZ_CHECK(r != NULL, "%s: %s", ops->info.name, err.message);
    FUZZ_CHECK(hp_router_add_all(ops, r, set->routes, set->count, &err) == 0,
               "%s refuses a set the reader accepted: %s", ops->info.name, err.message);
    struct hp_match m;
    hp_match_init(&m);
    for (size_t i = 0; i < set->count; i++) {
        const struct hp_route *route = &set->routes[i];
        ops->lookup(r, route->method, route->pattern, route->pattern_len, &m);
        FUZZ_CHECK(m.status == HP_MATCH_FOUND && m.route_id == route->id,
                   "%s: %s %s answers status %d route %u", ops->info.name,
                   hp_method_name(route->method), route->pattern, (int)m.status, m.route_id);
        ops->match_release(r, &m);
    }
    ops->destroy(r);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *text = fuzz_copy(data, size);
    struct hp_route_set *set = NULL;
    struct hp_error err = {{0}};
    if (hp_route_set_parse("fuzz.routes", text, size, &set, &err) != 0) {
        FUZZ_CHECK(strncmp(err.message, "fuzz.routes:", 12) == 0, "message: %s", err.message);
        free(text);
        return 0;
    }
    unsigned last_line = 0;
    for (size_t i = 0; i < set->count; i++) {
        const struct hp_route *route = &set->routes[i];
        FUZZ_CHECK(route->id == i && route->line > last_line, "route %zu: id %u line %u", i,
                   route->id, route->line);
        last_line = route->line;
        FUZZ_CHECK(strlen(route->pattern) == route->pattern_len, "pattern length");
        FUZZ_CHECK(hp_route_pattern_check(route, &err) == 0, "%s", err.message);
    }
    for (const struct hp_impl_info *const *it = hp_router_table; *it; it++)
        check_found_by_own_pattern((const struct hp_router_ops *)*it, set);
    hp_route_set_free(set);
    free(text);
    return 0;
}
