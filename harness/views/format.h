/* How the views write numbers, so every table says a figure the same way. */
#ifndef HOTPATH_FORMAT_H
#define HOTPATH_FORMAT_H

#include <stddef.h>

/* A change new/old - 1 in percent with its interval: "+1.25% [+0.50%, +2.00%]", `decimals`
 * after the point; without the interval when low or high is NAN ("+1.25%"); "-" when the ratio
 * itself is NAN. */
void hp_format_change(char *out, size_t size, double ratio, double low, double high, int decimals);

/* A figure to 4 significant digits ("%.4g"), "-" when not measured (NAN). */
void hp_format_figure(char *out, size_t size, double v);

/* "a -> b" at `digits` significant digits, "-" for a side not measured, "-" for both. */
void hp_format_pair(char *out, size_t size, double a, double b, int digits);

#endif
