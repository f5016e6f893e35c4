/* The header_writer axis's implementations, one line each, in `hotpath list` order: the table
 * (header_writer_table.c) and the declarations (header_writer.h) are made from it. */
HP_IMPL(hp_header_writer_canonical)
HP_IMPL(hp_header_writer_canonical_lower)
HP_IMPL(hp_header_writer_precomputed)
HP_IMPL(hp_header_writer_preallocated)
HP_IMPL(hp_header_writer_prebuilt)
