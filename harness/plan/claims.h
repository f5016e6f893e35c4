/* The claims hotpath tests: the one catalogue, compiled in. The ids a phase file may name in
 * `claims = ...`, the gain each claim promises (so the claims table can set the measured change
 * beside it and give a verdict), where it is made, and which comparison tests it.
 * docs/claims.md is this table as `hotpath list --claims` prints it (a test holds the two equal).
 *
 * The figures are the documents' stated numbers, not measurements: they are only ever printed
 * as what was claimed. To add a field, add it to struct hp_claim (the table uses designated
 * initializers, so other entries need not change) and to hp_claims_write_catalogue.
 */
#ifndef HOTPATH_CLAIMS_H
#define HOTPATH_CLAIMS_H

#include <stddef.h>
#include <stdio.h>

/* The documents the claims come from, each by its title. */
enum hp_claim_document {
    HP_DOC_GAP_ANALYSIS,
    HP_DOC_STRATEGY,
    HP_DOC_SKILL,
    HP_DOC_FASTERAPI,
    HP_DOC_SHOCKWAVE,
    HP_DOC_COUNT
};

struct hp_document {
    const char *title;    /* as the document's first heading gives it */
    const char *cited_as; /* the short name implementation declarations use: "seed 001" */
    const char *about;    /* what it is, in a sentence */
};

extern const struct hp_document hp_documents[HP_DOC_COUNT];

enum hp_claim_kind {
    HP_CLAIM_NS_SAVED,     /* ns per op saved: low..high */
    HP_CLAIM_RATIO,        /* new/old ns per op at most `high` (C13: ~50 vs ~500 ns -> 0.1) */
    HP_CLAIM_ALLOCS_SAVED, /* allocations per op saved: low..high */
    HP_CLAIM_ZERO_ALLOCS,  /* 0 allocations per op after the change */
    HP_CLAIM_BYTES_RATIO,  /* new/old bytes per op at most `high` (C11: 80% saving -> 0.2) */
    HP_CLAIM_FASTER,       /* no single figure: only the direction can be checked */
};

enum { HP_CLAIM_SOURCES_MAX = 2 };

struct hp_claim_source {
    enum hp_claim_document document;
    const char *section; /* its heading there; NULL: no such source (the unused entries) */
};

struct hp_claim {
    const char *id;        /* "C1" */
    const char *technique; /* short: the claims table's label */
    struct hp_claim_source sources[HP_CLAIM_SOURCES_MAX];
    const char *claimed; /* the figure as the documents state it */
    enum hp_claim_kind kind;
    double low, high;     /* the figure as the verdict reads it (see kind) */
    const char *variants; /* the implementations compared: "AXIS: reference vs technique" */
    const char *metric;   /* what is measured, and on which workloads */
};

/* NULL when no claim has that id (case-sensitive, "C1".."C16"). */
const struct hp_claim *hp_claim_find(const char *id);

/* The table, in id order, and its size. */
extern const struct hp_claim hp_claims[];
extern const size_t hp_claim_count;

/* The catalogue as Markdown (docs/claims.md): the documents, then every claim. Returns 0, or
 * -1 when writing failed. */
int hp_claims_write_catalogue(FILE *f);

#endif
