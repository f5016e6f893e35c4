/* The claims catalogue (claims.h): the one table; docs/claims.md is printed from it. */
#include "claims.h"

#include <math.h>
#include <string.h>

const struct hp_document hp_documents[HP_DOC_COUNT] = {
    [HP_DOC_GAP_ANALYSIS] = {.title =
                                 "Performance Gap Analysis - Why Bolt Isn't #1 in All Categories",
                             .cited_as = "seed 001",
                             .about = "Bolt, a Go web framework, profiled against Gin on static, "
                                      "dynamic and concurrent requests (the three benchmarks the "
                                      "request/* workloads mirror), with a plan in three phases "
                                      "and the gain expected from each step."},
    [HP_DOC_STRATEGY] = {.title = "Phase 2 & 3 Strategy Recommendation",
                         .cited_as = "seed 000",
                         .about = "Bolt after the plan's first phase: which remaining steps are "
                                  "worth taking, with their expected gains restated."},
    [HP_DOC_SKILL] = {.title = "Performance Optimization Skill",
                      .cited_as = "seed 002",
                      .about = "A guide to zero-allocation Go for hot paths: pooling patterns, "
                               "inline storage for small data, and what each is said to save."},
    [HP_DOC_FASTERAPI] = {.title = "FasterAPI Performance Optimizations Analysis",
                          .cited_as = "seed 003",
                          .about = "A review of FasterAPI, a C++ HTTP core under a Python API: "
                                   "which of its optimizations (lock-free queues, object pools, "
                                   "zero-copy parsing) are real, their stated costs, and where "
                                   "its hot path still allocates."},
    [HP_DOC_SHOCKWAVE] = {.title = "Go Performance Optimization Guide for Shockwave",
                          .cited_as = "seed 004",
                          .about = "Shockwave, an HTTP/1.1 and HTTP/2 server in Go: the cost of "
                                   "each tier of allocation, zero-allocation request parsing, "
                                   "buffer pools, and the server's performance targets."},
};

/* Per-request claims come from Bolt's single-threaded static and dynamic benchmarks: judged at
 * 1 thread, where ns/op is the request's cost. */
#define PER_REQUEST_NS(pattern, lo, hi)                                                            \
    {                                                                                              \
        .workloads = pattern, .metric = HP_JUDGED_NS_PER_OP, .figure = HP_FIGURE_SAVED, .low = lo, \
        .high = hi, .max_threads = 1                                                               \
    }

const struct hp_claim hp_claims[] = {
    {.id = "C1",
     .technique = "bypass header canonicalisation and validation",
     .sources = {{HP_DOC_GAP_ANALYSIS, "1.1 Bypass net/textproto Header Handling"}},
     .claimed = "60-80 ns per request",
     .type = HP_CLAIM_CHANGE,
     .scope = HP_CLAIM_PER_REQUEST,
     .judgments = {PER_REQUEST_NS("request/static", 60, 80),
                   PER_REQUEST_NS("request/dynamic", 60, 80)},
     .variants = "header_writer: canonical (every set runs CanonicalMIMEHeaderKey's check, a value "
                 "holder and a hashed insert, as Go's Header.Set) vs precomputed (names canonical "
                 "once: the map write without the check)"},
    {.id = "C2",
     .technique = "pre-built response headers",
     .sources = {{HP_DOC_GAP_ANALYSIS, "1.3 Pre-allocate Response Headers"}},
     .claimed = "10-15 ns",
     .type = HP_CLAIM_CHANGE,
     .scope = HP_CLAIM_PER_REQUEST,
     .judgments = {PER_REQUEST_NS("request/static", 10, 15),
                   PER_REQUEST_NS("request/dynamic", 10, 15)},
     .variants = "header_writer: precomputed (a value holder made per set) vs preallocated (the "
                 "constants' holders made once per route; the map writes stay)"},
    {.id = "C3",
     .technique = "static-route fast path before the tree",
     .sources = {{HP_DOC_GAP_ANALYSIS, "2.1 Inline Router Lookup"}},
     .claimed = "10-15 ns",
     .type = HP_CLAIM_CHANGE,
     .scope = HP_CLAIM_PER_REQUEST,
     .judgments = {PER_REQUEST_NS("request/static", 10, 15),
                   PER_REQUEST_NS("request/dynamic", 10, 15)},
     .variants = "router: radix (the tree walked for every request, as Gin's) vs "
                 "radix_static_first (an exact-match table of static routes asked first)"},
    {.id = "C4",
     .technique = "small split context instead of 1.3 KB inline buffers",
     .sources = {{HP_DOC_GAP_ANALYSIS, "1.2 Optimize Context Pooling"},
                 {HP_DOC_STRATEGY, "Phase 2.1: Separate Inline Buffer Pools"}},
     .claimed = "30-40 ns",
     .type = HP_CLAIM_CHANGE,
     .scope = HP_CLAIM_PER_REQUEST,
     .judgments = {PER_REQUEST_NS("request/static", 30, 40),
                   PER_REQUEST_NS("request/dynamic", 30, 40)},
     .variants = "context: inline (1.3 KB with its param and query slots, zeroed whole on "
                 "release) vs split (a ~200 B hot part, slots attached when needed); lazy_reset "
                 "(inline, clearing only what was used) beside them"},
    {.id = "C5",
     .technique = "method-split route maps",
     .sources = {{HP_DOC_GAP_ANALYSIS, "2.2 Method-Specific Routers"},
                 {HP_DOC_STRATEGY, "Phase 2.2: Method-Specific Routers"}},
     .claimed = "5-10 ns, revised to 2-5 ns",
     .type = HP_CLAIM_CHANGE,
     .scope = HP_CLAIM_PER_REQUEST,
     .judgments = {PER_REQUEST_NS("request/static", 2, 10)},
     .variants = "router: rwlock_map (one map keyed \"METHOD:path\", built in a 128-byte stack "
                 "buffer) vs rwlock_split (one map per method, keyed by the path), both under the "
                 "same read-write lock"},
    {.id = "C6",
     .technique = "lock-free copy-on-write static route map",
     .sources = {{HP_DOC_GAP_ANALYSIS, "3.2 Lock-Free Static Route Map"},
                 {HP_DOC_STRATEGY, "Phase 3.1: Lock-Free Static Route Map"}},
     .claimed = "15-20 ns",
     .type = HP_CLAIM_CHANGE,
     .scope = HP_CLAIM_PER_REQUEST,
     .judgments = {PER_REQUEST_NS("request/static", 15, 20),
                   {.workloads = "request/concurrent",
                    .metric = HP_JUDGED_NS_PER_OP,
                    .figure = HP_FIGURE_SAVED,
                    .low = 15,
                    .high = 20,
                    .min_threads = 2}},
     .variants = "router: rwlock_split (lookups under a read-write lock) vs cow_split (the same "
                 "maps in an immutable snapshot behind an atomic pointer, copied on "
                 "registration); rwlock_map vs cow_map for the combined key"},
    {.id = "C7",
     .technique = "per-CPU context pools",
     .sources = {{HP_DOC_GAP_ANALYSIS, "3.3 Per-CPU Context Pools"},
                 {HP_DOC_STRATEGY, "Phase 3.2: Per-CPU Context Pools"}},
     .claimed = "10-15 ns concurrent",
     .type = HP_CLAIM_CHANGE,
     .scope = HP_CLAIM_PER_REQUEST,
     .judgments = {{.workloads = "request/concurrent",
                    .metric = HP_JUDGED_NS_PER_OP,
                    .figure = HP_FIGURE_SAVED,
                    .low = 10,
                    .high = 15,
                    .min_threads = 2}},
     .variants = "pool: tls_cache (one sync.Pool analogue) vs percpu_cache (one per CPU, as "
                 "Bolt's array of sync.Pool), and mutex_freelist (one locked pool) vs percpu (one "
                 "per CPU)"},
    {.id = "C8",
     .technique = "single-write pre-built response",
     .sources = {{HP_DOC_GAP_ANALYSIS, "3.1 Zero-Copy Response Writing"}},
     .claimed = "20-30 ns",
     .type = HP_CLAIM_CHANGE,
     .scope = HP_CLAIM_PER_REQUEST,
     .judgments = {PER_REQUEST_NS("request/static", 20, 30),
                   PER_REQUEST_NS("request/dynamic", 20, 30)},
     .variants = "response_writer: multi_write (status line, each header piece and the body as "
                 "separate writes) vs single_write (sized first, formatted into one region, one "
                 "write); with header_writer prebuilt (a route's constant header lines serialised "
                 "once) for the whole pre-built response"},
    {.id = "C9",
     .technique = "zero-copy route parameters",
     .sources = {{HP_DOC_FASTERAPI, "Router Parameter Matching (Hot Path Violation)"}},
     .claimed = "3 allocations per request for 3 params (one per param value)",
     .type = HP_CLAIM_CHANGE,
     .scope = HP_CLAIM_PER_REQUEST,
     .judgments = {{.label = "a 2-param request: one per param value",
                    .workloads = "request/param2",
                    .metric = HP_JUDGED_ALLOCS_PER_OP,
                    .figure = HP_FIGURE_SAVED,
                    .low = 2,
                    .high = 2,
                    .max_threads = 1}},
     .variants = "router: radix_copy_params (a heap copy of every parameter value) vs radix "
                 "(parameters as slices of the request path)"},
    {.id = "C10",
     .technique = "inline storage for <=4 params",
     .sources = {{HP_DOC_SKILL, "Technique 1: Inline Storage for Small Data"}},
     .claimed = "0 allocs for 90% of routes",
     .type = HP_CLAIM_CHANGE,
     .scope = HP_CLAIM_PER_OPERATION,
     .judgments = {{.label = "routes of 0-8 params",
                    .workloads = "router/manyparams/*",
                    .metric = HP_JUDGED_ALLOCS_PER_OP,
                    .figure = HP_FIGURE_AT_MOST_AFTER,
                    .high = 0.1,
                    .max_threads = 1,
                    .shown_metric = "lookups_without_allocation",
                    .shown_claimed = 0.9}},
     .variants = "router: radix_heap_params (every match's params in one new heap array, as "
                 "httprouter's make(Params)) vs radix (4 params inline in the match, one array "
                 "beyond)"},
    {.id = "C11",
     .technique = "three-tier buffer pool",
     .sources = {{HP_DOC_SKILL, "Pattern 2: Three-Tier Buffer Pool"},
                 {HP_DOC_SHOCKWAVE, "Buffer Pool Management"}},
     .claimed = "80% memory saving",
     .type = HP_CLAIM_CHANGE,
     .scope = HP_CLAIM_PER_OPERATION,
     .judgments = {{.workloads = "buffer_pool/inflight_1000",
                    .metric = HP_JUDGED_PEAK_BYTES,
                    .figure = HP_FIGURE_SAVED_FRACTION,
                    .low = 0.8,
                    .high = 0.8,
                    .max_threads = 1}},
     .variants = "buffer_pool: single_class (one 16 KB class, what the 80% is measured against) "
                 "vs tiered (512 B / 4 KB / 16 KB classes with a retain limit)"},
    {.id = "C12",
     .technique = "lock-free SPSC ring vs mutex queue",
     .sources = {{HP_DOC_FASTERAPI, "Lock-Free SPSC Queue"}},
     .claimed = "50-100 ns vs 500-1000 ns",
     .type = HP_CLAIM_CHANGE,
     .scope = HP_CLAIM_PER_OPERATION,
     .judgments = {{.label = "ns per item, both sides spinning",
                    .workloads = "queue/spsc/spin",
                    .metric = HP_JUDGED_NS_PER_OP,
                    .figure = HP_FIGURE_SAVED_FRACTION,
                    .low = 0.9,
                    .high = 0.9,
                    .min_threads = 2},
                   {.label = "ns per item, one way of a round trip",
                    .workloads = "queue/pingpong/spin",
                    .metric = HP_JUDGED_NS_PER_OP,
                    .figure = HP_FIGURE_SAVED_FRACTION,
                    .low = 0.9,
                    .high = 0.9,
                    .min_threads = 2}},
     .variants = "queue: mutex_queue (a bounded ring under a mutex) vs spsc_ring (padded, cached "
                 "indices), through spsc_ring_uncached (the lock removed, no caches); mpmc_ring "
                 "(Vyukov) and ck_ring (Concurrency Kit) beside them"},
    {.id = "C13",
     .technique = "bounded-probe CAS object pool",
     .sources = {{HP_DOC_FASTERAPI, "PyObject Pool"}},
     .claimed = "~50 ns vs ~500 ns",
     .type = HP_CLAIM_CHANGE,
     .scope = HP_CLAIM_PER_OPERATION,
     .judgments = {{.workloads = "pool/get_put",
                    .metric = HP_JUDGED_NS_PER_OP,
                    .figure = HP_FIGURE_SAVED_FRACTION,
                    .low = 0.9,
                    .high = 0.9,
                    .max_threads = 1}},
     .variants = "pool: malloc (no pool) vs bounded_cas (round-robin slots claimed by CAS, "
                 "bounded probing, allocation as the fallback)"},
    {.id = "C14",
     .technique = "allocation hierarchy: arena < pool < heap",
     .sources = {{HP_DOC_SHOCKWAVE, "Memory Allocation Hierarchy"}},
     .claimed = "stack 1-2 ns, arena 5-10 ns, pool 20-50 ns, heap 50-500 ns (the stack tier has "
                "no C analogue here)",
     .type = HP_CLAIM_TARGET,
     .scope = HP_CLAIM_PER_OPERATION,
     .judgments = {{.label = "heap",
                    .workloads = "pool/get_put",
                    .metric = HP_JUDGED_NS_PER_OP,
                    .figure = HP_FIGURE_WITHIN,
                    .low = 50,
                    .high = 500,
                    .max_threads = 1,
                    .when = "pool=malloc"},
                   {.label = "pool",
                    .workloads = "pool/get_put",
                    .metric = HP_JUDGED_NS_PER_OP,
                    .figure = HP_FIGURE_WITHIN,
                    .low = 20,
                    .high = 50,
                    .max_threads = 1,
                    .when = "pool=tls_cache"},
                   {.label = "arena",
                    .workloads = "pool/get_put",
                    .metric = HP_JUDGED_NS_PER_OP,
                    .figure = HP_FIGURE_WITHIN,
                    .low = 5,
                    .high = 10,
                    .max_threads = 1,
                    .when = "pool=arena"}},
     .variants = "pool, one tier per measuring step: malloc (heap), tls_cache (pool, the "
                 "sync.Pool analogue), arena (a request-lifetime bump allocator)"},
    {.id = "C15",
     .technique = "zero-allocation HTTP/1.1 parsing",
     .sources = {{HP_DOC_SHOCKWAVE, "Zero-Allocation Request Parsing"},
                 {HP_DOC_FASTERAPI, "Zero-Copy HTTP Parsing"}},
     .claimed = "0 allocs; <50 ns a request line, <30 ns a header",
     .type = HP_CLAIM_TARGET,
     .scope = HP_CLAIM_PER_OPERATION,
     .judgments = {{.label = "0 allocs",
                    .workloads = "http/parse/*",
                    .metric = HP_JUDGED_ALLOCS_PER_OP,
                    .figure = HP_FIGURE_AT_MOST,
                    .high = 0,
                    .max_threads = 1},
                   {.label = "< 50 ns a request line (with 3 short headers)",
                    .workloads = "http/parse/line3",
                    .metric = HP_JUDGED_NS_PER_OP,
                    .figure = HP_FIGURE_AT_MOST,
                    .high = 50,
                    .max_threads = 1}},
     .variants = "no pair: the one request parser every composition shares, measured alone"},
    {.id = "C16",
     .technique = "Shockwave end-to-end targets",
     .sources = {{HP_DOC_SHOCKWAVE, "Performance Targets"}},
     .claimed = ">500k req/s single core (HTTP/1.1), p99 <100 us (excluding the handler), header "
                "lookup <10 ns",
     .type = HP_CLAIM_TARGET,
     .scope = HP_CLAIM_PER_REQUEST,
     .judgments = {{.label = "> 500k req/s on one core, 16 requests pipelined on each of 32 "
                             "connections (the load table says whether the server or the "
                             "generator limited it)",
                    .workloads = "load/closed/32x16",
                    .metric = HP_JUDGED_REQ_PER_S,
                    .figure = HP_FIGURE_AT_LEAST,
                    .low = 500000,
                    .high = INFINITY, /* no upper edge */
                    .max_threads = 1},
                   {.label = "> 500k req/s on one core, one request in flight on each of 32 "
                             "connections",
                    .workloads = "load/closed/32x1",
                    .metric = HP_JUDGED_REQ_PER_S,
                    .figure = HP_FIGURE_AT_LEAST,
                    .low = 500000,
                    .high = INFINITY, /* no upper edge */
                    .max_threads = 1},
                   {.label = "p99 < 100 us at half the server's closed-loop maximum (the rate is "
                             "the case's rate_req_per_s; the pipeline's handler is included, so "
                             "an upper bound)",
                    .workloads = "load/open/50pct",
                    .metric = HP_JUDGED_P99_NS,
                    .figure = HP_FIGURE_AT_MOST,
                    .high = 100000,
                    .max_threads = 1},
                   {.label = "header lookup < 10 ns",
                    .workloads = "http/find_header",
                    .metric = HP_JUDGED_NS_PER_OP,
                    .figure = HP_FIGURE_AT_MOST,
                    .high = 10,
                    .max_threads = 1}},
     .variants = "no pair: `hotpath serve` of the step's composition on one core, loaded over "
                 "loopback by the harness's generator (load/*), and the shared request parser's "
                 "header lookup (http/find_header)"},
};

const size_t hp_claim_count = sizeof hp_claims / sizeof hp_claims[0];

const struct hp_claim *hp_claim_find(const char *id)
{
    for (size_t i = 0; i < hp_claim_count; i++)
        if (strcmp(hp_claims[i].id, id) == 0)
            return &hp_claims[i];
    return NULL;
}

int hp_judgment_when(const struct hp_claim_judgment *j, const char **impl)
{
    const char *eq = j->when ? strchr(j->when, '=') : NULL;
    if (!eq)
        return -1;
    char axis[64];
    snprintf(axis, sizeof axis, "%.*s", (int)(eq - j->when), j->when);
    *impl = eq + 1;
    return hp_axis_find(axis);
}

size_t hp_claim_judgment_count(const struct hp_claim *c)
{
    size_t n = 0;
    while (n < HP_CLAIM_JUDGMENTS_MAX && c->judgments[n].workloads)
        n++;
    return n;
}

const char *hp_judged_metric_name(enum hp_judged_metric metric)
{
    switch (metric) {
    case HP_JUDGED_NS_PER_OP:
        return "ns/op";
    case HP_JUDGED_ALLOCS_PER_OP:
        return "allocs/op";
    case HP_JUDGED_BYTES_PER_OP:
        return "bytes/op";
    case HP_JUDGED_PEAK_BYTES:
        return "peak bytes";
    case HP_JUDGED_P99_NS:
        return "p99 ns";
    case HP_JUDGED_REQ_PER_S:
        return "req/s";
    }
    return "?";
}

const char *hp_judged_metric_source(enum hp_judged_metric metric)
{
    return metric == HP_JUDGED_PEAK_BYTES ? "buffer_peak_bytes" : NULL;
}

const char *hp_claim_type_name(enum hp_claim_type type)
{
    return type == HP_CLAIM_TARGET ? "target" : "change";
}

const char *hp_claim_scope_name(enum hp_claim_scope scope)
{
    return scope == HP_CLAIM_PER_OPERATION ? "per operation" : "per request";
}

int hp_judgment_describe(const struct hp_claim_judgment *j, char *out, size_t size)
{
    const char *m = hp_judged_metric_name(j->metric);
    switch (j->figure) {
    case HP_FIGURE_SAVED:
        if (j->low == j->high)
            return snprintf(out, size, "%g %s saved", j->low, m);
        return snprintf(out, size, "%g to %g %s saved", j->low, j->high, m);
    case HP_FIGURE_SAVED_FRACTION:
        if (j->low == j->high)
            return snprintf(out, size, "%g%% of %s saved", 100 * j->low, m);
        return snprintf(out, size, "%g%% to %g%% of %s saved", 100 * j->low, 100 * j->high, m);
    case HP_FIGURE_AT_MOST_AFTER:
        return snprintf(out, size, "at most %g %s after the change", j->high, m);
    case HP_FIGURE_AT_MOST:
        return snprintf(out, size, "at most %g %s", j->high, m);
    case HP_FIGURE_AT_LEAST:
        return snprintf(out, size, "at least %g %s", j->low, m);
    case HP_FIGURE_WITHIN:
        return snprintf(out, size, "%g to %g %s", j->low, j->high, m);
    }
    return snprintf(out, size, "?");
}

enum hp_verdict hp_judge(const struct hp_claim_judgment *j, enum hp_direction direction, double low,
                         double high)
{
    switch (j->figure) {
    case HP_FIGURE_AT_MOST:
        return low <= j->high ? HP_VERDICT_MEETS : HP_VERDICT_MISSES;
    case HP_FIGURE_AT_LEAST:
        return high >= j->low ? HP_VERDICT_MEETS : HP_VERDICT_MISSES;
    case HP_FIGURE_WITHIN:
        return low <= j->high && high >= j->low ? HP_VERDICT_MEETS : HP_VERDICT_MISSES;
    default:
        break;
    }
    if (direction == HP_DIRECTION_NONE)
        return HP_VERDICT_NO_EFFECT;
    if (direction == HP_DIRECTION_WORSE)
        return HP_VERDICT_WORSE;
    if (j->figure == HP_FIGURE_AT_MOST_AFTER)
        return low <= j->high ? HP_VERDICT_CONFIRMED : HP_VERDICT_SMALLER;
    if (high < j->low)
        return HP_VERDICT_SMALLER;
    if (low > j->high)
        return HP_VERDICT_LARGER;
    return HP_VERDICT_CONFIRMED;
}

const char *hp_verdict_name(enum hp_verdict v)
{
    switch (v) {
    case HP_VERDICT_CONFIRMED:
        return "confirmed";
    case HP_VERDICT_SMALLER:
        return "smaller than claimed";
    case HP_VERDICT_LARGER:
        return "larger than claimed: check the reference";
    case HP_VERDICT_NO_EFFECT:
        return "no effect";
    case HP_VERDICT_WORSE:
        return "made it worse";
    case HP_VERDICT_MEETS:
        return "meets";
    case HP_VERDICT_MISSES:
        return "misses";
    }
    return "?";
}

static void write_threads(FILE *f, const struct hp_claim_judgment *j)
{
    if (j->max_threads == 1)
        fprintf(f, ", at 1 thread");
    else if (j->min_threads > 1 && j->max_threads == 0)
        fprintf(f, ", at %u threads or more", j->min_threads);
    else if (j->min_threads > 1)
        fprintf(f, ", at %u to %u threads", j->min_threads, j->max_threads);
}

int hp_claims_write_catalogue(FILE *f)
{
    fprintf(f,
            "# The claims hotpath tests\n\n"
            "<!-- Printed by `hotpath list --claims` from harness/plan/claims.c, the one source: "
            "edit that table, then `build/hotpath list --claims > docs/claims.md` "
            "(tests/test_report.c holds the two equal). -->\n\n"
            "Five documents about optimizing the hot paths of web frameworks state the gains "
            "below. Each claim names where it is made, the figure claimed, its kind, the "
            "workloads and metric that judge it and how the verdict reads the figure there, "
            "and the implementations whose comparison tests it. A *change* claim names what "
            "one decision saves: the step of a phase file that names it changes exactly one "
            "axis against its base, and the verdict is confirmed, smaller than claimed, larger "
            "than claimed, no effect or made it worse. A *target* claim states a level: the "
            "step that names it changes no axis, and the verdict is meets or misses. The "
            "figures are the documents' own, not measurements: `hotpath run --phases` "
            "measures them and prints each verdict; a phase file names the ids in `claims = "
            "...`.\n\n"
            "## The documents\n\n");
    for (int d = 0; d < HP_DOC_COUNT; d++)
        fprintf(f, "- *%s* (%s in `hotpath list`): %s\n", hp_documents[d].title,
                hp_documents[d].cited_as, hp_documents[d].about);
    fprintf(f, "\n## The claims\n");
    for (size_t i = 0; i < hp_claim_count; i++) {
        const struct hp_claim *c = &hp_claims[i];
        fprintf(f, "\n### %s: %s\n\n- source: ", c->id, c->technique);
        for (int s = 0; s < HP_CLAIM_SOURCES_MAX && c->sources[s].section; s++)
            fprintf(f, "%s*%s*, section \"%s\"", s ? "; " : "",
                    hp_documents[c->sources[s].document].title, c->sources[s].section);
        fprintf(f, "\n- claimed: %s\n- kind: %s claim, %s\n- judged on: ", c->claimed,
                hp_claim_type_name(c->type), hp_claim_scope_name(c->scope));
        size_t n = hp_claim_judgment_count(c);
        if (n == 0)
            fprintf(f, "not judged yet: %s\n", c->why_not_judged);
        else
            fputc('\n', f);
        for (size_t k = 0; k < n; k++) {
            const struct hp_claim_judgment *j = &c->judgments[k];
            char figure[128];
            hp_judgment_describe(j, figure, sizeof figure);
            fprintf(f, "  - %s%s`%s`: %s", j->label ? j->label : "", j->label ? ": " : "",
                    j->workloads, figure);
            write_threads(f, j);
            if (j->when)
                fprintf(f, ", on a step whose composition has %s", j->when);
            if (j->shown_metric)
                fprintf(f, "; the row also shows %s (claimed: %g)", j->shown_metric,
                        j->shown_claimed);
            fputc('\n', f);
        }
        fprintf(f, "- compared: %s\n", c->variants);
    }
    return ferror(f) ? -1 : 0;
}
