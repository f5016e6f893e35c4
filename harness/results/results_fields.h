/* Which fields of the results format one run's file has and another's lacks: what compare and
 * gate say when they read two files, perhaps of different format versions (a field a version
 * added is absent from older files and is read there as absent, never as zero).
 *
 * A field is a key of the document, written as a path: "floors", "machine.memory_bytes",
 * "cases[].overhead_probe", "cases[].allocations.frees". Top-level keys and the members of
 * top-level objects count; in cases, the keys of any case, and the members of an object field
 * that every case of the run has as an object (so a field that is null in some cases, such as
 * latency in batch cases, does not list its members). The names inside `implementations`,
 * `metrics` and `phases` are data, not fields, and are not listed.
 */
#ifndef HOTPATH_RESULTS_FIELDS_H
#define HOTPATH_RESULTS_FIELDS_H

#include <stddef.h>

#include "results_read.h"

/* The fields `a` has and `b` lacks, ", "-separated in sorted order, into out (like snprintf:
 * the full length is returned; 0 and "" when there is none). */
size_t hp_results_fields_only_in(const struct hp_results *a, const struct hp_results *b, char *out,
                                 size_t size);

/* One sentence for compare and gate when the two files differ in version or fields:
 * "old is format version 1, new version 2; fields only in new: ...; read as absent
 * where missing, not as zero". Returns its length, 0 (and "") when both have the same version
 * and fields. Names the sides `old_name` and `new_name`. */
size_t hp_results_fields_note(const struct hp_results *old, const struct hp_results *new_,
                              const char *old_name, const char *new_name, char *out, size_t size);

#endif
