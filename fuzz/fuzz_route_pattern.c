/* The route-pattern parser (hp_route_pattern_check) against every router's add. The first
 * byte picks the method, the rest is the pattern. Properties: every router refuses what the
 * check refuses, with a message; every router accepts what it accepts and then finds the route
 * by its own pattern. */
#include "fuzz_check.h"

#include "registry.h"
#include "routers/route_set.h"
#include "routers/router.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1 || size - 1 > HP_ROUTE_PATTERN_MAX + 16)
        return 0;
    char *pattern = fuzz_string(data + 1, size - 1);
    struct hp_route route = {.method = (enum hp_method)(data[0] % HP_METHOD_COUNT),
                             .pattern = pattern,
                             .pattern_len = (uint32_t)(size - 1),
                             .id = 7,
                             .file = "fuzz.routes",
                             .line = 1};
    struct hp_error err = {{0}};
    bool accepted = hp_route_pattern_check(&route, &err) == 0;
    FUZZ_CHECK(accepted || err.message[0] != '\0', "a refusal without a message");
    for (const struct hp_impl_info *const *it = hp_router_table; *it; it++) {
        const struct hp_router_ops *ops = (const struct hp_router_ops *)*it;
        struct hp_router *r = ops->create(&err);
        FUZZ_CHECK(r != NULL, "%s: %s", ops->info.name, err.message);
        err.message[0] = '\0';
        int rc = ops->add(r, &route, &err);
        FUZZ_CHECK((rc == 0) == accepted, "%s %s what the check %s: %s", ops->info.name,
                   rc == 0 ? "accepts" : "refuses", accepted ? "accepts" : "refuses", err.message);
        FUZZ_CHECK(rc == 0 || err.message[0] != '\0', "%s: a refusal without a message",
                   ops->info.name);
        if (rc == 0) {
            struct hp_match m;
            hp_match_init(&m);
            ops->lookup(r, route.method, pattern, route.pattern_len, &m);
            FUZZ_CHECK(m.status == HP_MATCH_FOUND && m.route_id == route.id,
                       "%s: the pattern does not find its route (status %d)", ops->info.name,
                       (int)m.status);
            ops->match_release(r, &m);
        }
        ops->destroy(r);
    }
    free(pattern);
    return 0;
}
