/* What every queue's create checks first (queue.h). */
#include "queues/queue.h"

int hp_queue_config_check(const struct hp_queue_ops *ops, const struct hp_queue_config *config,
                          struct hp_error *err)
{
    const char *name = ops->info.name;
    size_t capacity = config->capacity;
    if (capacity < 2 || capacity > HP_QUEUE_MAX_CAPACITY || (capacity & (capacity - 1)) != 0)
        return hp_error_set(err, "queue %s: capacity %zu: must be a power of two, 2 to %u", name,
                            capacity, (unsigned)HP_QUEUE_MAX_CAPACITY);
    if (config->producers == 0 || config->consumers == 0)
        return hp_error_set(err, "queue %s: needs at least one producer and one consumer", name);
    if (config->producers > 1 && !(ops->flags & HP_QUEUE_MULTI_PRODUCER))
        return hp_error_set(err, "queue %s: %u producers: it takes one producer at a time", name,
                            config->producers);
    if (config->consumers > 1 && !(ops->flags & HP_QUEUE_MULTI_CONSUMER))
        return hp_error_set(err, "queue %s: %u consumers: it takes one consumer at a time", name,
                            config->consumers);
    return 0;
}
