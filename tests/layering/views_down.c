/* Layering probe (tests/layering.sh), compiled with the include paths of hotpath_views: it
 * includes headers of its own layer and of every layer below it. It must compile: a control, so
 * that the other probes fail for their include alone. */
#include "compare.h"
#include "results_read.h"
#include "phases.h"
#include "workload_table.h"
#include "server.h"
#include "runner.h"
#include "registry.h"

int hp_layering_probe_views_down(void);
int hp_layering_probe_views_down(void)
{
    return 0;
}
