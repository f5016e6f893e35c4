/* Layering probe (tests/layering.sh), compiled with the include paths of hotpath_results: it
 * includes a header of harness/views/. It must not compile. */
#include "compare.h"

int hp_layering_probe_results_up(void);
int hp_layering_probe_results_up(void)
{
    return 0;
}
