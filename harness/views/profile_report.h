/* The report's profiles: when RESULTS/profile/profile.json exists (written by `hotpath profile
 * --out RESULTS/profile`, as scripts/setup.sh does after the main job), `report` adds, per
 * step of the phase plan, the functions that moved most ("what the step bought, by function"),
 * and per profiled case its flame graph and function table. A profile.json that cannot be read
 * is said as a warning; the rest of the report does not depend on it.
 */
#ifndef HOTPATH_PROFILE_REPORT_H
#define HOTPATH_PROFILE_REPORT_H

#include <stddef.h>

#include "doc.h"
#include "profile_json.h"

enum { HP_PROFILE_REPORT_MOVERS = 5, HP_PROFILE_REPORT_FUNCTIONS = 10 };

/* Reads RESULTS/profile/profile.json into set: 1 when there is none, 0, or -1 with err set. */
int hp_profile_report_read(const char *results_dir, struct hp_profile_set *set,
                           struct hp_error *err);

/* Per step (consecutive phases, in the order of the profiled cases), the top movers. */
void hp_profile_doc_steps(struct hp_doc *doc, const struct hp_profile_set *set);

/* Per case, its flame graph (RESULTS/profile/NAME.svg) and function table. */
void hp_profile_doc_flames(struct hp_doc *doc, const struct hp_profile_set *set,
                           const char *results_dir);

#endif
