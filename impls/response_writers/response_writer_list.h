/* The response_writer axis's implementations, one line each, in `hotpath list` order: the table
 * (response_writer_table.c) and the declarations (response_writer.h) are made from it. */
HP_IMPL(hp_response_writer_multi_write)
HP_IMPL(hp_response_writer_single_write)
