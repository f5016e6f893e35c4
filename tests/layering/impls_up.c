/* Layering probe (tests/layering.sh), compiled with the include paths of hotpath_impls: it
 * includes "runner.h", a header of harness/measure/, by the name a harness file uses: impls/
 * includes only impls/. It must not compile. */
#include "runner.h"

int hp_layering_probe_impls_up(void);
int hp_layering_probe_impls_up(void)
{
    return 0;
}
