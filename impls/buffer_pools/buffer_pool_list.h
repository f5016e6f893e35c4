/* The buffer_pool axis's implementations, one line each, in `hotpath list` order: the table
 * (buffer_pool_table.c) and the declarations (buffer_pool.h) are made from it. */
HP_IMPL(hp_buffer_pool_malloc)
HP_IMPL(hp_buffer_pool_single_class)
HP_IMPL(hp_buffer_pool_tiered)
