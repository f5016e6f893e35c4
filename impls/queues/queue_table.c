/* The queue axis: every implementation, in the order `hotpath list` shows them. */
#include "registry.h"
#include "queues/queue.h"

const struct hp_impl_info *const hp_queue_table[] = {
    &hp_queue_mutex_queue.info, &hp_queue_spsc_ring_uncached.info,
    &hp_queue_spsc_ring.info,   &hp_queue_mpmc_ring.info,
    &hp_queue_ck_ring.info,     NULL,
};
