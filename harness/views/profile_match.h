/* Which profiles of two profile sets (results/profile_json.h) compare: the same case in two
 * profile directories, or one case in two phases of one directory. A phase's cases differ from
 * another phase's in their implementations, so cases are matched by what stays: the workload,
 * the threads and the mode (the name without its "/AXIS=IMPL" and "/phase=P" parts).
 */
#ifndef HOTPATH_PROFILE_MATCH_H
#define HOTPATH_PROFILE_MATCH_H

#include <stddef.h>

#include "common/error.h"
#include "profile_json.h"

struct hp_profile_pair {
    const struct hp_profile *old, *new_;
};

/* The cases of new_ matched in old (by name, else by workload, threads and mode). *pairs is
 * malloc'ed (free it, NULL on failure). 0, or -1 with err set when no case matches. */
int hp_profile_match(const struct hp_profile_set *old, const struct hp_profile_set *new_,
                     struct hp_profile_pair **pairs, size_t *count, struct hp_error *err);

/* The cases of phase new_phase matched with phase old_phase's in one set. 0, or -1 with err
 * naming a phase no case has. */
int hp_profile_match_phases(const struct hp_profile_set *set, const char *old_phase,
                            const char *new_phase, struct hp_profile_pair **pairs, size_t *count,
                            struct hp_error *err);

/* The name without its "/AXIS=IMPL" and "/phase=P" parts ("/threads=T" kept) into out. */
void hp_profile_case_key(const char *name, char *out, size_t size);

/* The phase of a case name ("" when none) into out. */
void hp_profile_case_phase(const char *case_name, char *out, size_t size);

#endif
