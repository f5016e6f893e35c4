/* The buffer_pool axis: every implementation, in the order `hotpath list` shows them.
 * To add one: write impls/buffer_pools/NAME.c defining `const struct hp_buffer_pool_ops
 * hp_buffer_pool_NAME` (buffer_pools/buffer_pool.h says what each operation must do), declare it
 * below and list `&hp_buffer_pool_NAME.info` in the table. tests/test_buffer_pools.c runs it
 * without being named. */
#include "registry.h"
#include "buffer_pools/buffer_pool.h"

extern const struct hp_buffer_pool_ops hp_buffer_pool_malloc;
extern const struct hp_buffer_pool_ops hp_buffer_pool_single_class;
extern const struct hp_buffer_pool_ops hp_buffer_pool_tiered;

const struct hp_impl_info *const hp_buffer_pool_table[] = {
    &hp_buffer_pool_malloc.info,
    &hp_buffer_pool_single_class.info,
    &hp_buffer_pool_tiered.info,
    NULL,
};
