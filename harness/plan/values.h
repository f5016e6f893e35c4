/* Small, strict parsers for command-line values. Each refuses the whole value on any stray
 * character and says which flag was wrong and what would have been valid. */
#ifndef HOTPATH_CLI_H
#define HOTPATH_CLI_H

#include <stddef.h>
#include <stdint.h>

#include "common/error.h"

/* Decimal integer in [min, max]. */
int hp_parse_u64(const char *flag, const char *text, uint64_t min, uint64_t max, uint64_t *out,
                 struct hp_error *err);

/* A duration with a unit: "10ms", "500us", "2s", "250ns" (also "1.5ms"). Result in ns. */
int hp_parse_duration_ns(const char *flag, const char *text, double min_ns, double max_ns,
                         double *out, struct hp_error *err);

/* Splits "a,b,c" in place (the text is modified) into at most `max` items. Empty items are
 * refused. Returns the number of items, or -1. */
int hp_split_list(const char *flag, char *text, char **items, size_t max, struct hp_error *err);

#endif
