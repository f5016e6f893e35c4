/* Layering probe (tests/layering.sh), compiled with the include paths of hotpath_plan: it
 * includes a header of harness/results/. It must not compile. */
#include "results_read.h"

int hp_layering_probe_plan_up(void);
int hp_layering_probe_plan_up(void)
{
    return 0;
}
