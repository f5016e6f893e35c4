/* Every workload `hotpath run` knows, in the order `hotpath list` shows them
 * (workload_list.h holds the list itself, one line per workload). */
#include "workload_table.h"

#include <string.h>

#define HP_WORKLOAD(symbol) extern const struct hp_workload symbol;
#include "workload_list.h"
#undef HP_WORKLOAD

const struct hp_workload *const hp_workload_table[] = {
#define HP_WORKLOAD(symbol) &symbol,
#include "workload_list.h"
#undef HP_WORKLOAD
    NULL,
};

const struct hp_workload *hp_workload_find(const char *name)
{
    for (const struct hp_workload *const *it = hp_workload_table; *it; it++)
        if (strcmp((*it)->name, name) == 0)
            return *it;
    return NULL;
}

const struct hp_workload *hp_workload_overhead_probe(void)
{
    for (const struct hp_workload *const *it = hp_workload_table; *it; it++)
        if ((*it)->flags & HP_WORKLOAD_OVERHEAD_PROBE)
            return *it;
    return NULL;
}
