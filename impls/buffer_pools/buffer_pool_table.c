/* The buffer_pool axis: every implementation, in the order `hotpath list` shows them. */
#include "registry.h"

const struct hp_impl_info *const hp_buffer_pool_table[] = {
    NULL,
};
