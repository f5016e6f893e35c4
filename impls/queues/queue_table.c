/* The queue axis: no implementation yet. Its interface comes first (impls/queues/queue.h, a
 * struct hp_queue_ops starting with `struct hp_impl_info info`); then each implementation is
 * impls/queues/NAME.c, declared below and listed as `&hp_queue_NAME.info` in the table. */
#include "registry.h"

const struct hp_impl_info *const hp_queue_table[] = {
    NULL,
};
