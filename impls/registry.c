#include "registry.h"

#include <string.h>

static const struct hp_axis axes[HP_AXIS_COUNT] = {
    [HP_AXIS_ROUTER] = {"router", "route maps: method + path to handler and params",
                        hp_router_table},
    [HP_AXIS_POOL] = {"pool", "object pools for per-request objects", hp_pool_table},
    [HP_AXIS_BUFFER_POOL] = {"buffer_pool", "response buffer pools", hp_buffer_pool_table},
    [HP_AXIS_CONTEXT] = {"context", "request context layout and reset", hp_context_table},
    [HP_AXIS_HEADER_WRITER] = {"header_writer", "how response headers are set",
                               hp_header_writer_table},
    [HP_AXIS_RESPONSE_WRITER] = {"response_writer", "how the response reaches the output",
                                 hp_response_writer_table},
    [HP_AXIS_QUEUE] = {"queue", "queues between threads", hp_queue_table},
};

const struct hp_axis *hp_axis_get(enum hp_axis_id id)
{
    return &axes[id];
}

size_t hp_axis_impl_count(enum hp_axis_id id)
{
    size_t n = 0;
    while (axes[id].impls[n])
        n++;
    return n;
}

const struct hp_impl_info *hp_impl_find(enum hp_axis_id id, const char *name)
{
    for (const struct hp_impl_info *const *it = axes[id].impls; *it; it++)
        if (strcmp((*it)->name, name) == 0)
            return *it;
    return NULL;
}

int hp_axis_find(const char *name)
{
    for (int id = 0; id < HP_AXIS_COUNT; id++)
        if (strcmp(axes[id].name, name) == 0)
            return id;
    return -1;
}
