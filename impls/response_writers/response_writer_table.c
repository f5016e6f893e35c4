/* The response_writer axis: every implementation, in the order `hotpath list` shows them. */
#include "registry.h"
#include "response_writers/response_writer.h"

const struct hp_impl_info *const hp_response_writer_table[] = {
    &hp_response_writer_multi_write.info,
    &hp_response_writer_single_write.info,
    NULL,
};
