/* Phase files: an optimization plan, one INI section per phase (read with inih).
 *
 *     # bolt.phases
 *     [baseline]
 *     summary = Bolt before phase 1
 *     router = rwlock_map
 *     pool = mutex_freelist
 *
 *     [phase1]
 *     base = baseline          ; inherit every axis, then override
 *     claims = C1, C2, C3       ; claim ids: `hotpath list --claims`
 *     router = radix_static_first
 *
 * A phase is a named composition: at most one implementation per axis (the axis names of
 * impls/registry.h). The order of the sections is the order of the plan; the first phase is
 * the baseline. Keys: `base`, `claims`, `summary` and the axis names. A phase inherits every
 * axis its base sets and overrides those it names itself; claims and summary are its own.
 *
 * Refused, with "FILE:LINE: reason", before anything runs: a syntax error, a key outside a
 * section, an unknown key or axis, an unknown implementation, a key given twice in a phase, a
 * duplicate phase name, a base naming an unknown phase, a cycle of bases, an unknown claim id,
 * a file without phases.
 */
#ifndef HOTPATH_PHASES_H
#define HOTPATH_PHASES_H

#include <stdbool.h>
#include <stddef.h>

#include "common/error.h"
#include "registry.h"

enum {
    HP_PHASES_MAX = 32,
    HP_PHASE_NAME_MAX = 64,
    HP_PHASE_CLAIMS_MAX = 16,
    HP_PHASE_SUMMARY_MAX = 256,
};

struct hp_phase {
    char name[HP_PHASE_NAME_MAX];
    unsigned line;                /* of the [section] header */
    char base[HP_PHASE_NAME_MAX]; /* "" when the phase has no base */
    unsigned base_line;
    /* After inheritance: the implementation on each axis, NULL where neither the phase nor its
     * bases name one. */
    const struct hp_impl_info *impl[HP_AXIS_COUNT];
    /* Set by this phase itself (not inherited). */
    bool own[HP_AXIS_COUNT];
    unsigned own_line[HP_AXIS_COUNT];
    const char *claims[HP_PHASE_CLAIMS_MAX]; /* ids, pointing into the claims table */
    size_t claim_count;
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

/* The phase called `name`, or NULL. */
const struct hp_phase *hp_phases_find(const struct hp_phase_plan *plan, const char *name);

#endif
