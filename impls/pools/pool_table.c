/* The pool axis: every implementation, in the order `hotpath list` shows them. */
#include "registry.h"
#include "pools/pool.h"

const struct hp_impl_info *const hp_pool_table[] = {
    &hp_pool_malloc.info,       &hp_pool_mutex_freelist.info, &hp_pool_treiber.info,
    &hp_pool_bounded_cas.info,  &hp_pool_tls_cache.info,      &hp_pool_percpu.info,
    &hp_pool_percpu_cache.info, &hp_pool_arena.info,          NULL,
};
