/* The router axis's implementations, one line each, in `hotpath list` order: the table
 * (router_table.c) and the declarations (router.h) are made from it. */
HP_IMPL(hp_router_linear)
HP_IMPL(hp_router_radix)
HP_IMPL(hp_router_radix_static_first)
HP_IMPL(hp_router_radix_copy_params)
HP_IMPL(hp_router_radix_heap_params)
HP_IMPL(hp_router_rwlock_map)
HP_IMPL(hp_router_rwlock_split)
HP_IMPL(hp_router_cow_map)
HP_IMPL(hp_router_cow_split)
HP_IMPL(hp_router_method_split)
