/* Small encoders shared by the results writers and the views, so each is written once. */
#ifndef HOTPATH_FORMATS_H
#define HOTPATH_FORMATS_H

#include <jansson.h>
#include <stdbool.h>
#include <stdio.h>

/* One CSV field (RFC 4180): quoted when `always_quote` or when it holds a comma, a quote or a
 * line break, quotes doubled inside. results.csv quotes every text field; the views' CSV only
 * where needed. */
void hp_csv_field(FILE *f, const char *s, bool always_quote);

/* A JSON number, or null for a number that was not measured (NAN, infinities). */
json_t *hp_json_real_or_null(double v);

#endif
