/* The header_writer axis's table, in the order `hotpath list` shows it (header_writer_list.h).
 * To add one: write impls/header_writers/NAME.c defining `const struct hp_header_writer_ops
 * hp_header_writer_NAME` (header_writers/header_writer.h says what each operation must do), and add
 * its line, HP_IMPL(hp_header_writer_NAME), to header_writer_list.h. tests/test_header_writers.c
 * runs it without being named. */
#include "registry.h"
#include "header_writers/header_writer.h"

const struct hp_impl_info *const hp_header_writer_table[] = {
#define HP_IMPL(symbol) &symbol.info,
#include "header_writers/header_writer_list.h"
#undef HP_IMPL
    NULL,
};
