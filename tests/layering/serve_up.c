/* Layering probe (tests/layering.sh), compiled with the include paths of hotpath_serve: it
 * includes a header of harness/cases/. It must not compile. */
#include "workload_table.h"

int hp_layering_probe_serve_up(void);
int hp_layering_probe_serve_up(void)
{
    return 0;
}
