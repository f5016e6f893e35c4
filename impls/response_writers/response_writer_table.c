/* The response_writer axis: every implementation, in the order `hotpath list` shows them.
 * To add one: write impls/response_writers/NAME.c defining `const struct hp_response_writer_ops
 * hp_response_writer_NAME` (response_writers/response_writer.h says what each operation must do),
 * declare it below and list `&hp_response_writer_NAME.info` in the table.
 * tests/test_response_writers.c runs it without being named. */
#include "registry.h"
#include "response_writers/response_writer.h"

extern const struct hp_response_writer_ops hp_response_writer_multi_write;
extern const struct hp_response_writer_ops hp_response_writer_single_write;

const struct hp_impl_info *const hp_response_writer_table[] = {
    &hp_response_writer_multi_write.info,
    &hp_response_writer_single_write.info,
    NULL,
};
