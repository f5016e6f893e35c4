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

#include "registry.h"

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

/* A change claim names what one decision saves: the step that names it changes exactly one
 * axis against its base. A target claim states a level: the step that names it changes no
 * axis (a measuring step) and is judged meets / misses. */
enum hp_claim_type {
    HP_CLAIM_CHANGE,
    HP_CLAIM_TARGET,
};

/* Whether a claim is about a whole request (the request workloads) or about one operation
 * of a part (a pool op, a parse, a buffer pool's responses in flight). */
enum hp_claim_scope {
    HP_CLAIM_PER_REQUEST,
    HP_CLAIM_PER_OPERATION,
};

/* What a judgment reads from a case of the results. */
enum hp_judged_metric {
    HP_JUDGED_NS_PER_OP,     /* the median ns/op and its confidence interval (batch cases) */
    HP_JUDGED_ALLOCS_PER_OP, /* exact */
    HP_JUDGED_BYTES_PER_OP,  /* exact */
    HP_JUDGED_PEAK_BYTES,    /* the workload's buffer_peak_bytes metric: exact */
    HP_JUDGED_P99_NS,        /* the latency case's p99 */
    HP_JUDGED_REQ_PER_S,     /* the median ops per second */
};

/* How a judgment reads its figure [low, high]. */
enum hp_claim_figure {
    HP_FIGURE_SAVED,          /* change: old - new, in the metric's unit, within low..high */
    HP_FIGURE_SAVED_FRACTION, /* change: 1 - new/old within low..high (0.8: an 80% saving) */
    HP_FIGURE_AT_MOST_AFTER,  /* change: new at most `high` (C10: allocs/op) */
    HP_FIGURE_AT_MOST,        /* target: the value at most `high` */
    HP_FIGURE_AT_LEAST,       /* target: the value at least `low` */
    HP_FIGURE_WITHIN,         /* target: the value within low..high (C14's tiers) */
};

/* One way a claim is judged: which workloads, which metric, the figure. A claim has one row in
 * the claims table per judgment, workload matched and thread count measured. */
struct hp_claim_judgment {
    const char *label;     /* the tier or part judged ("arena"); NULL: the claim as a whole */
    const char *workloads; /* a --workload pattern: "request/static", "http/parse/..." */
    enum hp_judged_metric metric;
    enum hp_claim_figure figure;
    double low, high;
    unsigned min_threads, max_threads; /* judged at these thread counts only (0: no limit) */
    /* Targets: "AXIS=IMPL", judged only on a step whose composition has it (C14's tiers);
     * NULL: on any step. */
    const char *when;
    /* A workload metric shown beside the verdict (results "metrics"), with the figure the
     * documents give for it (C10: lookups_without_allocation, 0.9); NULL: none. */
    const char *shown_metric;
    double shown_claimed;
};

enum { HP_CLAIM_SOURCES_MAX = 2, HP_CLAIM_JUDGMENTS_MAX = 4 };

struct hp_claim_source {
    enum hp_claim_document document;
    const char *section; /* its heading there; NULL: no such source (the unused entries) */
};

struct hp_claim {
    const char *id;        /* "C1" */
    const char *technique; /* short: the claims table's label */
    struct hp_claim_source sources[HP_CLAIM_SOURCES_MAX];
    const char *claimed; /* the figure as the documents state it */
    enum hp_claim_type type;
    enum hp_claim_scope scope;
    /* How the verdict reads the claim, up to the first entry without workloads. None: not
     * judged yet, and a phase file may not name it (`why_not_judged` says why). */
    struct hp_claim_judgment judgments[HP_CLAIM_JUDGMENTS_MAX];
    const char *why_not_judged;
    const char *variants; /* the implementations compared: "AXIS: reference vs technique" */
};

/* NULL when no claim has that id (case-sensitive, "C1".."C16"). */
const struct hp_claim *hp_claim_find(const char *id);

/* The table, in id order, and its size. */
extern const struct hp_claim hp_claims[];
extern const size_t hp_claim_count;

/* The axis of a judgment's `when` ("pool=malloc": HP_AXIS_POOL) and in *impl the name after
 * '='; -1 when it has none or names no axis. */
int hp_judgment_when(const struct hp_claim_judgment *j, const char **impl);

/* How many judgments c has. */
size_t hp_claim_judgment_count(const struct hp_claim *c);

/* "ns/op", "allocs/op", "peak bytes", ...: how tables name a metric. */
const char *hp_judged_metric_name(enum hp_judged_metric metric);
/* The workload metric (results "metrics") a judged metric is read from, NULL for the figures
 * every case has. */
const char *hp_judged_metric_source(enum hp_judged_metric metric);
/* "change" or "target"; "per request" or "per operation". */
const char *hp_claim_type_name(enum hp_claim_type type);
const char *hp_claim_scope_name(enum hp_claim_scope scope);
/* How a judgment reads its figure, in words: "60 to 80 ns/op saved". Like snprintf. */
int hp_judgment_describe(const struct hp_claim_judgment *j, char *out, size_t size);

enum hp_verdict {
    HP_VERDICT_CONFIRMED, /* change: the measured interval overlaps the claimed range */
    HP_VERDICT_SMALLER,   /* change: better, but the interval lies wholly below the range */
    HP_VERDICT_LARGER,    /* change: the interval lies wholly beyond the range */
    HP_VERDICT_NO_EFFECT, /* change: no significant change */
    HP_VERDICT_WORSE,     /* change: significantly worse */
    HP_VERDICT_MEETS,     /* target: the measured interval reaches the level */
    HP_VERDICT_MISSES,    /* target: it does not */
};

/* Which way a measured change went, as the statistics decide (or exact counts). */
enum hp_direction {
    HP_DIRECTION_NONE,
    HP_DIRECTION_BETTER,
    HP_DIRECTION_WORSE,
};

/* The verdict of one judgment on a measured interval [low, high]: for HP_FIGURE_SAVED and
 * HP_FIGURE_SAVED_FRACTION the interval of what the change saved (old - new, 1 - new/old);
 * for HP_FIGURE_AT_MOST_AFTER and every target the interval of the value measured (after the
 * change). `direction` decides no effect and made it worse for change claims (targets ignore
 * it). Exact counts pass low == high. Both edges of a range count as inside it. */
enum hp_verdict hp_judge(const struct hp_claim_judgment *j, enum hp_direction direction, double low,
                         double high);
/* "confirmed", "smaller than claimed", "larger than claimed: check the reference", ... */
const char *hp_verdict_name(enum hp_verdict v);

/* The catalogue as Markdown (docs/claims.md): the documents, then every claim. Returns 0, or
 * -1 when writing failed. */
int hp_claims_write_catalogue(FILE *f);

#endif
