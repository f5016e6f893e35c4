/* The queue axis's table, in the order `hotpath list` shows it (queue_list.h).
 * To add one: write impls/queues/NAME.c defining `const struct hp_queue_ops hp_queue_NAME`
 * (queues/queue.h says what each operation must do and which flags it may claim), and add its
 * line, HP_IMPL(hp_queue_NAME), to queue_list.h. tests/test_queues.c runs it without being
 * named. */
#include "registry.h"
#include "queues/queue.h"

const struct hp_impl_info *const hp_queue_table[] = {
#define HP_IMPL(symbol) &symbol.info,
#include "queues/queue_list.h"
#undef HP_IMPL
    NULL,
};
