/* Every workload `hotpath run` knows, in the order `hotpath list` shows them. */
#include "workload.h"

#include <string.h>

extern const struct hp_workload hp_workload_null;
extern const struct hp_workload hp_workload_router_static_all;
extern const struct hp_workload hp_workload_router_static_static;
extern const struct hp_workload hp_workload_router_static_param1;
extern const struct hp_workload hp_workload_router_static_param2;
extern const struct hp_workload hp_workload_router_static_realistic;
extern const struct hp_workload hp_workload_router_github_all;
extern const struct hp_workload hp_workload_router_github_static;
extern const struct hp_workload hp_workload_router_github_param1;
extern const struct hp_workload hp_workload_router_github_param2;
extern const struct hp_workload hp_workload_router_github_realistic;
extern const struct hp_workload hp_workload_router_gplus_all;
extern const struct hp_workload hp_workload_router_gplus_static;
extern const struct hp_workload hp_workload_router_gplus_param1;
extern const struct hp_workload hp_workload_router_gplus_param2;
extern const struct hp_workload hp_workload_router_gplus_realistic;
extern const struct hp_workload hp_workload_router_parse_all;
extern const struct hp_workload hp_workload_router_parse_static;
extern const struct hp_workload hp_workload_router_parse_param1;
extern const struct hp_workload hp_workload_router_parse_param2;
extern const struct hp_workload hp_workload_router_parse_realistic;
extern const struct hp_workload hp_workload_router_github_read_with_writer;

const struct hp_workload *const hp_workload_table[] = {
    &hp_workload_null,
    &hp_workload_router_static_all,
    &hp_workload_router_static_static,
    &hp_workload_router_static_param1,
    &hp_workload_router_static_param2,
    &hp_workload_router_static_realistic,
    &hp_workload_router_github_all,
    &hp_workload_router_github_static,
    &hp_workload_router_github_param1,
    &hp_workload_router_github_param2,
    &hp_workload_router_github_realistic,
    &hp_workload_router_gplus_all,
    &hp_workload_router_gplus_static,
    &hp_workload_router_gplus_param1,
    &hp_workload_router_gplus_param2,
    &hp_workload_router_gplus_realistic,
    &hp_workload_router_parse_all,
    &hp_workload_router_parse_static,
    &hp_workload_router_parse_param1,
    &hp_workload_router_parse_param2,
    &hp_workload_router_parse_realistic,
    &hp_workload_router_github_read_with_writer,
    NULL,
};

const struct hp_workload *hp_workload_find(const char *name)
{
    for (const struct hp_workload *const *it = hp_workload_table; *it; it++)
        if (strcmp((*it)->name, name) == 0)
            return *it;
    return NULL;
}
