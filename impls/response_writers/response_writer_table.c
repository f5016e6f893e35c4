/* The response_writer axis's table, in the order `hotpath list` shows it (response_writer_list.h).
 * To add one: write impls/response_writers/NAME.c defining `const struct hp_response_writer_ops
 * hp_response_writer_NAME` (response_writers/response_writer.h says what each operation must do),
 * and add its line, HP_IMPL(hp_response_writer_NAME), to response_writer_list.h.
 * tests/test_response_writers.c runs it without being named. */
#include "registry.h"
#include "response_writers/response_writer.h"

const struct hp_impl_info *const hp_response_writer_table[] = {
#define HP_IMPL(symbol) &symbol.info,
#include "response_writers/response_writer_list.h"
#undef HP_IMPL
    NULL,
};
