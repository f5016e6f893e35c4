/* The tables of profiles (measure/profile.h) as documents (doc.h): a case's function table, and
 * the change between two profiles of a case by function.
 *
 * The change is computed from self costs: a function's change is its self cost per op in the
 * new profile minus the old (a function only in one profile counts as 0 in the other), so the
 * changes of all functions add up exactly to the change of the case's total. Sorted by the size
 * of the change of the first event (Ir), largest first; functions that did not change are left
 * out, so a profile compared with itself gives no rows.
 */
#ifndef HOTPATH_PROFILE_VIEW_H
#define HOTPATH_PROFILE_VIEW_H

#include <stddef.h>

#include "doc.h"
#include "profile.h"

struct hp_profile_change {
    const char *name; /* points into one of the two profiles */
    double old_self[HP_PROFILE_MAX_EVENTS], new_self[HP_PROFILE_MAX_EVENTS];
    double old_inclusive, new_inclusive; /* of the first event */
};

/* The changed functions of old -> new, sorted as above (malloc'ed; *count may be 0). Both
 * profiles must have the same events (else -1). 0, or -1 (out of memory, different events). */
int hp_profile_diff(const struct hp_profile *old, const struct hp_profile *new_,
                    struct hp_profile_change **changes, size_t *count);

/* A heading for the case, a paragraph with its totals (and estimated cycles when the profile
 * has cache simulation) and its function table: the `top` functions of largest inclusive cost. */
void hp_profile_doc_case(struct hp_doc *doc, const struct hp_profile *p, size_t top);

/* A heading, the totals old -> new and the table of the `top` largest changes, with a last row
 * adding up every change (the rows not shown included). */
void hp_profile_doc_diff(struct hp_doc *doc, const char *title, const struct hp_profile *old,
                         const struct hp_profile *new_, size_t top);

#endif
