/* `hotpath list`: every axis with its implementations and their fidelity declarations
 * (registry.h), every workload with its axes and defaults, every shipped phase file; or the
 * claims catalogue (claims.h, docs/claims.md). */
#ifndef HOTPATH_LISTING_H
#define HOTPATH_LISTING_H

#include <stdbool.h>
#include <stdio.h>

#include "common/error.h"

/* Writes the listing (or with `claims`, the catalogue) to f. 0, or -1 with err set: the data
 * directory not found (data_dir.h), or the catalogue not written. */
int hp_list_write(FILE *f, bool claims, struct hp_error *err);

#endif
