/* The pool axis's table, in the order `hotpath list` shows it (pool_list.h).
 * To add one: write impls/pools/NAME.c defining `const struct hp_pool_ops hp_pool_NAME`
 * (pools/pool.h says what each operation must do), and add its line, HP_IMPL(hp_pool_NAME), to
 * pool_list.h. tests/test_pools.c runs it without being named. */
#include "registry.h"
#include "pools/pool.h"

const struct hp_impl_info *const hp_pool_table[] = {
#define HP_IMPL(symbol) &symbol.info,
#include "pools/pool_list.h"
#undef HP_IMPL
    NULL,
};
