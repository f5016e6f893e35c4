/* Layering probe (tests/layering.sh), compiled with the include paths of hotpath_views: it
 * includes a header of harness/cli/. It must not compile. */
#include "commands.h"

int hp_layering_probe_views_up(void);
int hp_layering_probe_views_up(void)
{
    return 0;
}
