/* Every workload `hotpath run` knows, in the order `hotpath list` shows them. */
#include "workload.h"

#include <string.h>

extern const struct hp_workload hp_workload_null;
extern const struct hp_workload hp_workload_demo_allocs_0;
extern const struct hp_workload hp_workload_demo_allocs_1;
extern const struct hp_workload hp_workload_demo_allocs_3;
extern const struct hp_workload hp_workload_demo_hash;

const struct hp_workload *const hp_workload_table[] = {
    &hp_workload_null,
    &hp_workload_demo_allocs_0,
    &hp_workload_demo_allocs_1,
    &hp_workload_demo_allocs_3,
    &hp_workload_demo_hash,
    NULL,
};

const struct hp_workload *hp_workload_find(const char *name)
{
    for (const struct hp_workload *const *it = hp_workload_table; *it; it++)
        if (strcmp((*it)->name, name) == 0)
            return *it;
    return NULL;
}
