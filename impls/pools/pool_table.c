/* The pool axis: every implementation, in the order `hotpath list` shows them.
 * To add one: write impls/pools/NAME.c defining `const struct hp_pool_ops hp_pool_NAME`
 * (pools/pool.h says what each operation must do), declare it below and list `&hp_pool_NAME.info`
 * in the table. tests/test_pools.c runs it without being named. */
#include "registry.h"
#include "pools/pool.h"

extern const struct hp_pool_ops hp_pool_malloc;
extern const struct hp_pool_ops hp_pool_mutex_freelist;
extern const struct hp_pool_ops hp_pool_treiber;
extern const struct hp_pool_ops hp_pool_bounded_cas;
extern const struct hp_pool_ops hp_pool_tls_cache;
extern const struct hp_pool_ops hp_pool_percpu;
extern const struct hp_pool_ops hp_pool_percpu_cache;
extern const struct hp_pool_ops hp_pool_arena;

const struct hp_impl_info *const hp_pool_table[] = {
    &hp_pool_malloc.info,       &hp_pool_mutex_freelist.info, &hp_pool_treiber.info,
    &hp_pool_bounded_cas.info,  &hp_pool_tls_cache.info,      &hp_pool_percpu.info,
    &hp_pool_percpu_cache.info, &hp_pool_arena.info,          NULL,
};
