/* The response_writer axis: every implementation, in the order `hotpath list` shows them. */
#include "registry.h"

const struct hp_impl_info *const hp_response_writer_table[] = {
    NULL,
};
