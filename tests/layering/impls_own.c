/* Layering probe (tests/layering.sh), compiled with the include paths of hotpath_impls: it
 * includes a header of its own layer. It must compile: a control, so that the other probes fail for
 * their include alone. */
#include "routers/router.h"

int hp_layering_probe_impls_own(void);
int hp_layering_probe_impls_own(void)
{
    return 0;
}
