/* Layering probe (tests/layering.sh), compiled with the include paths of hotpath_cases: it
 * includes a header of harness/plan/. It must not compile. */
#include "selection.h"

int hp_layering_probe_cases_up(void);
int hp_layering_probe_cases_up(void)
{
    return 0;
}
