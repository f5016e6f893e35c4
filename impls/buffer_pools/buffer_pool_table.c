/* The buffer_pool axis: every implementation, in the order `hotpath list` shows them. */
#include "registry.h"
#include "buffer_pools/buffer_pool.h"

const struct hp_impl_info *const hp_buffer_pool_table[] = {
    &hp_buffer_pool_malloc.info,
    &hp_buffer_pool_single_class.info,
    &hp_buffer_pool_tiered.info,
    NULL,
};
