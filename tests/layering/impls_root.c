/* Layering probe (tests/layering.sh), compiled with the include paths of hotpath_impls: it
 * includes harness/measure/runner.h by its path from the repository root, which is on no include
 * path. It must not compile. */
#include "harness/measure/runner.h"

int hp_layering_probe_impls_root(void);
int hp_layering_probe_impls_root(void)
{
    return 0;
}
