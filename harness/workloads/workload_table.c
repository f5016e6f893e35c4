/* Every workload `hotpath run` knows, in the order `hotpath list` shows them. */
#include "workload.h"

#include <string.h>

extern const struct hp_workload hp_workload_null;
extern const struct hp_workload hp_workload_pool_get_put;
extern const struct hp_workload hp_workload_pool_hold8;
extern const struct hp_workload hp_workload_pool_remote_free;
extern const struct hp_workload hp_workload_buffer_pool_inflight_1000;

const struct hp_workload *const hp_workload_table[] = {
    &hp_workload_null,
    &hp_workload_pool_get_put,
    &hp_workload_pool_hold8,
    &hp_workload_pool_remote_free,
    &hp_workload_buffer_pool_inflight_1000,
    NULL,
};

const struct hp_workload *hp_workload_find(const char *name)
{
    for (const struct hp_workload *const *it = hp_workload_table; *it; it++)
        if (strcmp((*it)->name, name) == 0)
            return *it;
    return NULL;
}
