/* The pool axis's implementations, one line each, in `hotpath list` order: the table
 * (pool_table.c) and the declarations (pool.h) are made from it. */
HP_IMPL(hp_pool_malloc)
HP_IMPL(hp_pool_mutex_freelist)
HP_IMPL(hp_pool_treiber)
HP_IMPL(hp_pool_bounded_cas)
HP_IMPL(hp_pool_tls_cache)
HP_IMPL(hp_pool_percpu)
HP_IMPL(hp_pool_percpu_cache)
HP_IMPL(hp_pool_arena)
