#include "format.h"

#include <math.h>
#include <stdio.h>

void hp_format_change(char *out, size_t size, double ratio, double low, double high, int decimals)
{
    if (isnan(ratio))
        snprintf(out, size, "-");
    else if (isnan(low) || isnan(high))
        snprintf(out, size, "%+.*f%%", decimals, 100 * (ratio - 1));
    else
        snprintf(out, size, "%+.*f%% [%+.*f%%, %+.*f%%]", decimals, 100 * (ratio - 1), decimals,
                 100 * (low - 1), decimals, 100 * (high - 1));
}

void hp_format_figure(char *out, size_t size, double v)
{
    if (isnan(v))
        snprintf(out, size, "-");
    else
        snprintf(out, size, "%.4g", v);
}

void hp_format_pair(char *out, size_t size, double a, double b, int digits)
{
    if (isnan(a) && isnan(b))
        snprintf(out, size, "-");
    else if (isnan(a))
        snprintf(out, size, "- -> %.*g", digits, b);
    else if (isnan(b))
        snprintf(out, size, "%.*g -> -", digits, a);
    else
        snprintf(out, size, "%.*g -> %.*g", digits, a, digits, b);
}
