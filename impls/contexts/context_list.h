/* The context axis's implementations, one line each, in `hotpath list` order: the table
 * (context_table.c) and the declarations (context.h) are made from it. */
HP_IMPL(hp_context_inline)
HP_IMPL(hp_context_split)
HP_IMPL(hp_context_lazy_reset)
