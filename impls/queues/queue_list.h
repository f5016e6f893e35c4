/* The queue axis's implementations, one line each, in `hotpath list` order: the table
 * (queue_table.c) and the declarations (queue.h) are made from it. */
HP_IMPL(hp_queue_mutex_queue)
HP_IMPL(hp_queue_spsc_ring_uncached)
HP_IMPL(hp_queue_spsc_ring)
HP_IMPL(hp_queue_mpmc_ring)
HP_IMPL(hp_queue_ck_ring)
