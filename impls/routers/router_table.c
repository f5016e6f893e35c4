/* The router axis's table, in the order `hotpath list` shows it (router_list.h).
 * To add a router: write impls/routers/NAME.c defining `const struct hp_router_ops
 * hp_router_NAME` (routers/router.h says what each operation must do; set
 * HP_ROUTER_CONCURRENT_WRITES in .flags when add and remove are safe during lookups), and add
 * its line, HP_IMPL(hp_router_NAME), to router_list.h. The conformance, differential,
 * concurrency, loading-work and pipeline tests run it without being named. */
#include "registry.h"
#include "routers/router.h"

const struct hp_impl_info *const hp_router_table[] = {
#define HP_IMPL(symbol) &symbol.info,
#include "routers/router_list.h"
#undef HP_IMPL
    NULL,
};
