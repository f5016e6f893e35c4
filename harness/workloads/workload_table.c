/* Every workload `hotpath run` knows, in the order `hotpath list` shows them. */
#include "workload.h"

#include <string.h>

extern const struct hp_workload hp_workload_null;
extern const struct hp_workload hp_workload_http_parse_browser;
extern const struct hp_workload hp_workload_http_parse_curl;
extern const struct hp_workload hp_workload_http_parse_json_post;
extern const struct hp_workload hp_workload_http_parse_line3;

const struct hp_workload *const hp_workload_table[] = {
    &hp_workload_null,
    &hp_workload_http_parse_browser,
    &hp_workload_http_parse_curl,
    &hp_workload_http_parse_json_post,
    &hp_workload_http_parse_line3,
    NULL,
};

const struct hp_workload *hp_workload_find(const char *name)
{
    for (const struct hp_workload *const *it = hp_workload_table; *it; it++)
        if (strcmp((*it)->name, name) == 0)
            return *it;
    return NULL;
}
