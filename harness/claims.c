/* The seeds' claims, transcribed from the table in /work/shared/docs/claims.md. */
#include "claims.h"

#include <string.h>

const struct hp_claim hp_claims[] = {
    {"C1", "bypass header canonicalisation and validation", "60-80 ns per request",
     HP_CLAIM_NS_SAVED, 60, 80},
    {"C2", "pre-built response headers", "10-15 ns", HP_CLAIM_NS_SAVED, 10, 15},
    {"C3", "static-route fast path before the tree", "10-15 ns", HP_CLAIM_NS_SAVED, 10, 15},
    {"C4", "small split context instead of 1.3 KB inline buffers", "30-40 ns", HP_CLAIM_NS_SAVED,
     30, 40},
    {"C5", "method-split route maps", "2-10 ns", HP_CLAIM_NS_SAVED, 2, 10},
    {"C6", "lock-free copy-on-write static route map", "15-20 ns", HP_CLAIM_NS_SAVED, 15, 20},
    {"C7", "per-CPU context pools", "10-15 ns concurrent", HP_CLAIM_NS_SAVED, 10, 15},
    {"C8", "single-write pre-built response", "20-30 ns", HP_CLAIM_NS_SAVED, 20, 30},
    {"C9", "zero-copy route parameters", "3 allocations per request for 3 params",
     HP_CLAIM_ALLOCS_SAVED, 3, 3},
    {"C10", "inline storage for <=4 params", "0 allocs for 90% of routes", HP_CLAIM_ZERO_ALLOCS, 0,
     0},
    {"C11", "three-tier buffer pool", "80% memory saving", HP_CLAIM_BYTES_RATIO, 0.2, 0.2},
    {"C12", "lock-free SPSC ring vs mutex queue", "50-100 ns vs 500-1000 ns", HP_CLAIM_RATIO, 0.1,
     0.1},
    {"C13", "bounded-probe CAS object pool", "~50 ns vs ~500 ns", HP_CLAIM_RATIO, 0.1, 0.1},
    {"C14", "allocation hierarchy: arena < pool < heap",
     "stack 1-2 ns, arena 5-10 ns, pool 20-50 ns, heap 50-500 ns", HP_CLAIM_FASTER, 0, 0},
    {"C15", "zero-allocation HTTP/1.1 parsing", "0 allocs", HP_CLAIM_ZERO_ALLOCS, 0, 0},
    {"C16", "Shockwave end-to-end targets", ">500k req/s single core, p99 <100 us", HP_CLAIM_FASTER,
     0, 0},
};

const size_t hp_claim_count = sizeof hp_claims / sizeof hp_claims[0];

const struct hp_claim *hp_claim_find(const char *id)
{
    for (size_t i = 0; i < hp_claim_count; i++)
        if (strcmp(hp_claims[i].id, id) == 0)
            return &hp_claims[i];
    return NULL;
}
