/* The header_writer axis: every implementation, in the order `hotpath list` shows them.
 * To add one: write impls/header_writers/NAME.c defining `const struct hp_header_writer_ops
 * hp_header_writer_NAME` (header_writers/header_writer.h says what each operation must do), declare
 * it below and list `&hp_header_writer_NAME.info` in the table. tests/test_header_writers.c runs it
 * without being named. */
#include "registry.h"
#include "header_writers/header_writer.h"

extern const struct hp_header_writer_ops hp_header_writer_canonical;
extern const struct hp_header_writer_ops hp_header_writer_canonical_lower;
extern const struct hp_header_writer_ops hp_header_writer_precomputed;
extern const struct hp_header_writer_ops hp_header_writer_preallocated;
extern const struct hp_header_writer_ops hp_header_writer_prebuilt;

const struct hp_impl_info *const hp_header_writer_table[] = {
    &hp_header_writer_canonical.info,   &hp_header_writer_canonical_lower.info,
    &hp_header_writer_precomputed.info, &hp_header_writer_preallocated.info,
    &hp_header_writer_prebuilt.info,    NULL,
};
