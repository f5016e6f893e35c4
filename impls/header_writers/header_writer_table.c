/* The header_writer axis: every implementation, in the order `hotpath list` shows them. */
#include "registry.h"
#include "header_writers/header_writer.h"

const struct hp_impl_info *const hp_header_writer_table[] = {
    &hp_header_writer_canonical.info,   &hp_header_writer_canonical_lower.info,
    &hp_header_writer_precomputed.info, &hp_header_writer_preallocated.info,
    &hp_header_writer_prebuilt.info,    NULL,
};
