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

/* `--param NAME=LIST`: the values of one workload parameter (workload.h), each a case. LIST is
 * comma-separated items, each a number or a range; a number is decimal digits with an optional
 * k (x 1,000) or M (x 1,000,000) suffix; a range `A..B` is A, 10A, 100A, ... up to B, with B
 * itself always included; `A..B*F` multiplies by F instead (F >= 2) and `A..B+S` adds S.
 * Examples: routes=10,100,1k,10k,100k; routes=10..100k; n=1k..64k*2; depth=2..8+2.
 * Refused with one message: no '=', a name that is not a lower-case identifier, an empty or
 * malformed item, a range with A > B, a value listed twice, more than HP_PARAM_VALUES_MAX values,
 * a value above HP_PARAM_VALUE_MAX. Whether the workloads take NAME, and the value range, is
 * checked when the cases are built (selection.h). */
enum { HP_PARAM_VALUES_MAX = 32, HP_PARAM_NAME_MAX = 32 };
#define HP_PARAM_VALUE_MAX 1000000000000ull

struct hp_param_values {
    char name[HP_PARAM_NAME_MAX];
    uint64_t values[HP_PARAM_VALUES_MAX];
    size_t count;
};

int hp_parse_param(const char *text, struct hp_param_values *out, struct hp_error *err);

#endif
