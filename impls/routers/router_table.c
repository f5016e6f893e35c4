/* The router axis: every implementation, in the order `hotpath list` shows them.
 * To add one: write impls/routers/NAME.c defining `const struct hp_router_ops hp_router_NAME`
 * (routers/router.h says what each operation must do; set HP_ROUTER_CONCURRENT_WRITES in
 * .flags when add and remove are safe during lookups), declare it below and list
 * `&hp_router_NAME.info` in the table. The conformance, differential, concurrency and pipeline
 * tests run it without being named; tests/test_route_loading.c wants one line that counts its
 * table-load work (its guard test names the router until then). */
#include "registry.h"
#include "routers/router.h"

extern const struct hp_router_ops hp_router_linear;
extern const struct hp_router_ops hp_router_radix;
extern const struct hp_router_ops hp_router_radix_static_first;
extern const struct hp_router_ops hp_router_radix_copy_params;
extern const struct hp_router_ops hp_router_radix_heap_params;
extern const struct hp_router_ops hp_router_rwlock_map;
extern const struct hp_router_ops hp_router_rwlock_split;
extern const struct hp_router_ops hp_router_cow_map;
extern const struct hp_router_ops hp_router_cow_split;
extern const struct hp_router_ops hp_router_method_split;

const struct hp_impl_info *const hp_router_table[] = {
    &hp_router_linear.info,
    &hp_router_radix.info,
    &hp_router_radix_static_first.info,
    &hp_router_radix_copy_params.info,
    &hp_router_radix_heap_params.info,
    &hp_router_rwlock_map.info,
    &hp_router_rwlock_split.info,
    &hp_router_cow_map.info,
    &hp_router_cow_split.info,
    &hp_router_method_split.info,
    NULL,
};
