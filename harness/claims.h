/* The seeds' claims (/work/shared/docs/claims.md), as the seeds state them: the ids a phase file
 * may name in `claims = ...`, and the gain each claim promises, so the claims table can set the
 * measured change beside it and give a verdict.
 *
 * These are the seeds' stated numbers, not measurements: they are copied from the table in
 * claims.md and only ever printed in the "claimed" column.
 */
#ifndef HOTPATH_CLAIMS_H
#define HOTPATH_CLAIMS_H

#include <stddef.h>

enum hp_claim_kind {
    HP_CLAIM_NS_SAVED,     /* ns per op saved: low..high */
    HP_CLAIM_RATIO,        /* new/old ns per op at most `high` (C13: ~50 vs ~500 ns -> 0.1) */
    HP_CLAIM_ALLOCS_SAVED, /* allocations per op saved: low..high */
    HP_CLAIM_ZERO_ALLOCS,  /* 0 allocations per op after the change */
    HP_CLAIM_BYTES_RATIO,  /* new/old bytes per op at most `high` (C11: 80% saving -> 0.2) */
    HP_CLAIM_FASTER,       /* no single figure: only the direction can be checked */
};

struct hp_claim {
    const char *id;        /* "C1" */
    const char *technique; /* short */
    const char *claimed;   /* the seed's words, as claims.md quotes them */
    enum hp_claim_kind kind;
    double low, high;
};

/* NULL when no claim has that id (case-sensitive, "C1".."C16"). */
const struct hp_claim *hp_claim_find(const char *id);

/* The table, in id order, and its size. */
extern const struct hp_claim hp_claims[];
extern const size_t hp_claim_count;

#endif
