#include "workload.h"

#include <stdio.h>

void hp_metrics_add(struct hp_metrics *m, const char *name, const char *unit, double value)
{
    if (!m || m->count >= HP_METRICS_MAX)
        return;
    struct hp_metric *metric = &m->items[m->count++];
    snprintf(metric->name, sizeof metric->name, "%s", name);
    snprintf(metric->unit, sizeof metric->unit, "%s", unit);
    metric->value = value;
}
