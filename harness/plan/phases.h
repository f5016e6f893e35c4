/* Phase files: an optimization plan, one INI section per phase (read with inih).
 *
 *     # bolt.phases
 *     [baseline]
 *     summary = Bolt before phase 1
 *     router = rwlock_map
 *     pool = mutex_freelist
 *
 *     [c5_method_maps]
 *     base = baseline          ; inherit every axis, then override
 *     group = phase2           ; the seed's phase this step belongs to (optional)
 *     claims = C5              ; one claim id: `hotpath list --claims`
 *     router = rwlock_split
 *
 * A phase (a step) is a named composition: at most one implementation per axis (the axis names
 * of impls/registry.h). The order of the sections is the order of the plan; the first phase is
 * the baseline. Keys: `base`, `group`, `claims`, `summary` and the axis names. A phase inherits
 * every axis its base sets and overrides those it names itself; the other keys are its own.
 * A step is measured against its base (not the section before it), so a plan may branch: side
 * steps and ablations are steps whose base is not the one before them. A phase without a base
 * is a root: a composition of its own, compared with nothing.
 *
 * One decision per step: a step changes at most one axis against its base and names at most
 * one claim; a change claim (claims.h) needs a step that changes exactly one axis, a target
 * claim a step that changes none (a measuring step), judged on the tiers its composition has.
 *
 * Refused, with "FILE:LINE: reason", before anything runs: a syntax error, a key outside a
 * section, an unknown key or axis, an unknown implementation, a key given twice in a phase, a
 * duplicate phase name, a base naming an unknown phase, a cycle of bases, an unknown claim id,
 * a file without phases; a step changing two axes against its base, a step naming two claims,
 * a claim on a root, a claim not judged yet, a change claim on a step that changes nothing, a
 * target claim on a step that changes an axis or whose composition has none of its tiers.
 */
#ifndef HOTPATH_PHASES_H
#define HOTPATH_PHASES_H

#include <stdbool.h>
#include <stddef.h>

#include "common/error.h"
#include "registry.h"

enum {
    HP_PHASES_MAX = 32,
    HP_PHASES_FILE_MAX = 1 << 20, /* bytes: a plan is a page or two of text */
    HP_PHASE_NAME_MAX = 64,
    HP_PHASE_CLAIMS_MAX = 16,
    HP_PHASE_SUMMARY_MAX = 256,
};

struct hp_phase {
    char name[HP_PHASE_NAME_MAX];
    unsigned line;                /* of the [section] header */
    char base[HP_PHASE_NAME_MAX]; /* "" when the phase has no base */
    unsigned base_line;
    char group[HP_PHASE_NAME_MAX]; /* "" when the phase names no group */
    /* After inheritance: the implementation on each axis, NULL where neither the phase nor its
     * bases name one. */
    const struct hp_impl_info *impl[HP_AXIS_COUNT];
    /* Set by this phase itself (not inherited). */
    bool own[HP_AXIS_COUNT];
    unsigned own_line[HP_AXIS_COUNT];
    const char *claims[HP_PHASE_CLAIMS_MAX]; /* ids, pointing into the claims table */
    size_t claim_count;                      /* 0 or 1 after a successful read */
    unsigned claims_line;
    char summary[HP_PHASE_SUMMARY_MAX];
};

struct hp_phase_plan {
    char path[512]; /* the file name as given */
    struct hp_phase phases[HP_PHASES_MAX];
    size_t count; /* >= 1 after a successful read */
};

/* Reads and checks a phase file. Returns 0, or -1 with err set to "FILE:LINE: reason". */
int hp_phases_read(const char *path, struct hp_phase_plan *plan, struct hp_error *err);

/* The same for text in memory; `name` stands for the file in messages. */
int hp_phases_parse(const char *text, const char *name, struct hp_phase_plan *plan,
                    struct hp_error *err);

/* How many axes p changes against its base (0 for a root): the axes whose implementation
 * differs after inheritance. The first such axis in *first (when not NULL and any). */
unsigned hp_phase_changed_axes(const struct hp_phase_plan *plan, const struct hp_phase *p,
                               int *first);

/* Whether p's composition has the tier a target's judgment is for (its `when`; true when it
 * has none). */
struct hp_claim_judgment;
bool hp_phase_has_tier(const struct hp_phase *p, const struct hp_claim_judgment *j);

/* The phase called `name`, or NULL. */
const struct hp_phase *hp_phases_find(const struct hp_phase_plan *plan, const char *name);

#endif
