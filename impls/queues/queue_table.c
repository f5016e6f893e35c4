/* The queue axis: no implementation yet. Its interface comes first (impls/queues/queue.h, a
 * struct hp_queue_ops starting with `struct hp_impl_info info`), with queue_list.h and this
 * table made from it as pools/ does; then each implementation is one file and one line. */
#include "registry.h"

const struct hp_impl_info *const hp_queue_table[] = {
    NULL,
};
