#include "workload.h"

#include <stdio.h>

#include "alloc_count.h"

void hp_metrics_add(struct hp_metrics *m, const char *name, const char *unit, double value)
{
    if (!m || m->count >= HP_METRICS_MAX)
        return;
    struct hp_metric *metric = &m->items[m->count++];
    snprintf(metric->name, sizeof metric->name, "%s", name);
    snprintf(metric->unit, sizeof metric->unit, "%s", unit);
    metric->value = value;
}

size_t hp_workload_param_count(const struct hp_workload *w)
{
    size_t n = 0;
    while (n < HP_WORKLOAD_PARAMS_MAX && w->params[n].name)
        n++;
    return n;
}

void hp_metrics_add_held(struct hp_metrics *m, const struct hp_alloc_held *held, const char *unit,
                         uint64_t units)
{
    hp_metrics_add(m, HP_METRIC_HELD_BYTES, "bytes", (double)held->requested_bytes);
    hp_metrics_add(m, HP_METRIC_HELD_USABLE_BYTES, "bytes", (double)held->usable_bytes);
    hp_metrics_add(m, "held_blocks", "count", (double)held->blocks);
    if (units == 0)
        return;
    char name[48];
    snprintf(name, sizeof name, "%s_per_%s", HP_METRIC_HELD_BYTES, unit);
    hp_metrics_add(m, name, "bytes", (double)held->requested_bytes / (double)units);
    snprintf(name, sizeof name, "%s_per_%s", HP_METRIC_HELD_USABLE_BYTES, unit);
    hp_metrics_add(m, name, "bytes", (double)held->usable_bytes / (double)units);
}
