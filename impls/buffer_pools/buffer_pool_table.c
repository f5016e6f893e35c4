/* The buffer_pool axis's table, in the order `hotpath list` shows it (buffer_pool_list.h).
 * To add one: write impls/buffer_pools/NAME.c defining `const struct hp_buffer_pool_ops
 * hp_buffer_pool_NAME` (buffer_pools/buffer_pool.h says what each operation must do), and add its
 * line, HP_IMPL(hp_buffer_pool_NAME), to buffer_pool_list.h. tests/test_buffer_pools.c runs it
 * without being named. */
#include "registry.h"
#include "buffer_pools/buffer_pool.h"

const struct hp_impl_info *const hp_buffer_pool_table[] = {
#define HP_IMPL(symbol) &symbol.info,
#include "buffer_pools/buffer_pool_list.h"
#undef HP_IMPL
    NULL,
};
