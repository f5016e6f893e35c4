/* The claims catalogue (claims.h): the one table; docs/claims.md is printed from it. */
#include "claims.h"

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

const struct hp_claim hp_claims[] = {
    {.id = "C1",
     .technique = "bypass header canonicalisation and validation",
     .sources = {{HP_DOC_GAP_ANALYSIS, "1.1 Bypass net/textproto Header Handling"}},
     .claimed = "60-80 ns per request",
     .kind = HP_CLAIM_NS_SAVED,
     .low = 60,
     .high = 80,
     .variants = "header_writer: canonical (every set runs CanonicalMIMEHeaderKey's check, a value "
                 "holder and a hashed insert, as Go's Header.Set) vs precomputed (names canonical "
                 "once: the map write without the check)",
     .metric = "ns/op: header/set_serialize, and the whole request (request/*)"},
    {.id = "C2",
     .technique = "pre-built response headers",
     .sources = {{HP_DOC_GAP_ANALYSIS, "1.3 Pre-allocate Response Headers"}},
     .claimed = "10-15 ns",
     .kind = HP_CLAIM_NS_SAVED,
     .low = 10,
     .high = 15,
     .variants = "header_writer: precomputed (a value holder made per set) vs preallocated (the "
                 "constants' holders made once per route; the map writes stay)",
     .metric = "ns/op: header/set_serialize, request/*"},
    {.id = "C3",
     .technique = "static-route fast path before the tree",
     .sources = {{HP_DOC_GAP_ANALYSIS, "2.1 Inline Router Lookup"}},
     .claimed = "10-15 ns",
     .kind = HP_CLAIM_NS_SAVED,
     .low = 10,
     .high = 15,
     .variants = "router: radix (the tree walked for every request) vs radix_static_first (an "
                 "exact-match table of static routes asked first)",
     .metric = "ns/op on static and on parameterised requests: router/*/static, router/*/param*, "
               "request/*"},
    {.id = "C4",
     .technique = "small split context instead of 1.3 KB inline buffers",
     .sources = {{HP_DOC_GAP_ANALYSIS, "1.2 Optimize Context Pooling"},
                 {HP_DOC_STRATEGY, "Phase 2.1: Separate Inline Buffer Pools"}},
     .claimed = "30-40 ns",
     .kind = HP_CLAIM_NS_SAVED,
     .low = 30,
     .high = 40,
     .variants = "context: inline (1.3 KB with its param and query slots, zeroed whole on "
                 "release) vs split (a ~200 B hot part, slots attached when needed); lazy_reset "
                 "(inline, clearing only what was used) beside them",
     .metric = "ns/op and bytes/op: context/*, request/*"},
    {.id = "C5",
     .technique = "method-split route maps",
     .sources = {{HP_DOC_GAP_ANALYSIS, "2.2 Method-Specific Routers"},
                 {HP_DOC_STRATEGY, "Phase 2.2: Method-Specific Routers"}},
     .claimed = "5-10 ns, revised to 2-5 ns",
     .kind = HP_CLAIM_NS_SAVED,
     .low = 2,
     .high = 10,
     .variants = "router: rwlock_map (one map keyed \"METHOD:path\", built in a 128-byte stack "
                 "buffer) vs rwlock_split (one map per method, keyed by the path), both under the "
                 "same read-write lock",
     .metric = "ns/op on static requests: router/*/static, request/static"},
    {.id = "C6",
     .technique = "lock-free copy-on-write static route map",
     .sources = {{HP_DOC_GAP_ANALYSIS, "3.2 Lock-Free Static Route Map"},
                 {HP_DOC_STRATEGY, "Phase 3.1: Lock-Free Static Route Map"}},
     .claimed = "15-20 ns",
     .kind = HP_CLAIM_NS_SAVED,
     .low = 15,
     .high = 20,
     .variants = "router: rwlock_split (lookups under a read-write lock) vs cow_split (the same "
                 "maps in an immutable snapshot behind an atomic pointer, copied on registration); "
                 "rwlock_map vs cow_map for the combined key; on 1 and N threads, with and without "
                 "a concurrent writer",
     .metric = "ns/op, p99 and throughput scaling: router/*, router/github/read_with_writer, "
               "request/*"},
    {.id = "C7",
     .technique = "per-CPU context pools",
     .sources = {{HP_DOC_GAP_ANALYSIS, "3.3 Per-CPU Context Pools"},
                 {HP_DOC_STRATEGY, "Phase 3.2: Per-CPU Context Pools"}},
     .claimed = "10-15 ns concurrent",
     .kind = HP_CLAIM_NS_SAVED,
     .low = 10,
     .high = 15,
     .variants = "pool: tls_cache (one sync.Pool analogue) vs percpu_cache (one per CPU, as "
                 "Bolt's array of sync.Pool), and mutex_freelist (one locked pool) vs percpu (one "
                 "per CPU); 1 to N threads",
     .metric = "ns/op and throughput scaling: pool/*, request/concurrent"},
    {.id = "C8",
     .technique = "single-write pre-built response",
     .sources = {{HP_DOC_GAP_ANALYSIS, "3.1 Zero-Copy Response Writing"}},
     .claimed = "20-30 ns",
     .kind = HP_CLAIM_NS_SAVED,
     .low = 20,
     .high = 30,
     .variants = "response_writer: multi_write (status line, each header piece and the body as "
                 "separate writes) vs single_write (sized first, formatted into one region, one "
                 "write); with header_writer prebuilt (a route's constant header lines serialised "
                 "once) for the whole pre-built response",
     .metric = "ns/op: response/write, request/*"},
    {.id = "C9",
     .technique = "zero-copy route parameters",
     .sources = {{HP_DOC_FASTERAPI, "Router Parameter Matching (Hot Path Violation)"}},
     .claimed = "3 allocations per request for 3 params",
     .kind = HP_CLAIM_ALLOCS_SAVED,
     .low = 3,
     .high = 3,
     .variants = "router: radix_copy_params (a heap copy of every parameter value) vs radix "
                 "(parameters as slices of the request path)",
     .metric = "allocs/op and ns/op: router/*/param*, request/dynamic"},
    {.id = "C10",
     .technique = "inline storage for <=4 params",
     .sources = {{HP_DOC_SKILL, "Technique 1: Inline Storage for Small Data"}},
     .claimed = "0 allocs for 90% of routes",
     .kind = HP_CLAIM_ZERO_ALLOCS,
     .variants = "router: radix_heap_params (every match's params in one new heap array, as "
                 "httprouter's make(Params)) vs radix (4 params inline in the match, one array "
                 "beyond)",
     .metric = "allocs/op and ns/op: router/*/param*, router/manyparams/* (routes of 0 to 8 "
               "params)"},
    {.id = "C11",
     .technique = "three-tier buffer pool",
     .sources = {{HP_DOC_SKILL, "Pattern 2: Three-Tier Buffer Pool"},
                 {HP_DOC_SHOCKWAVE, "Buffer Pool Management"}},
     .claimed = "80% memory saving",
     .kind = HP_CLAIM_BYTES_RATIO,
     .low = 0.2,
     .high = 0.2,
     .variants = "buffer_pool: malloc (a buffer per response) vs single_class (one 16 KB class) "
                 "vs tiered (512 B / 4 KB / 16 KB classes with a retain limit)",
     .metric = "bytes/op, peak and retained bytes with 1000 responses in flight, ns/op: "
               "buffer_pool/inflight_1000"},
    {.id = "C12",
     .technique = "lock-free SPSC ring vs mutex queue",
     .sources = {{HP_DOC_FASTERAPI, "Lock-Free SPSC Queue"}},
     .claimed = "50-100 ns vs 500-1000 ns",
     .kind = HP_CLAIM_RATIO,
     .low = 0.1,
     .high = 0.1,
     .variants = "queue: mutex_queue (a bounded ring under a mutex) vs spsc_ring (padded, cached "
                 "indices), through spsc_ring_uncached (the lock removed, no caches); mpmc_ring "
                 "(Vyukov) and ck_ring (Concurrency Kit) beside them",
     .metric = "ns/op (ns per item), items/s, handoff p50/p99: queue/spsc/spin (both sides "
               "spinning), queue/pingpong/spin; the fasterapi.phases step"},
    {.id = "C13",
     .technique = "bounded-probe CAS object pool",
     .sources = {{HP_DOC_FASTERAPI, "PyObject Pool"}},
     .claimed = "~50 ns vs ~500 ns",
     .kind = HP_CLAIM_RATIO,
     .low = 0.1,
     .high = 0.1,
     .variants = "pool: malloc (no pool) vs bounded_cas (round-robin slots claimed by CAS, "
                 "bounded probing, allocation as the fallback)",
     .metric = "ns/op and allocs/op: pool/*, request/*"},
    {.id = "C14",
     .technique = "allocation hierarchy: arena < pool < heap",
     .sources = {{HP_DOC_SHOCKWAVE, "Memory Allocation Hierarchy"}},
     .claimed = "stack 1-2 ns, arena 5-10 ns, pool 20-50 ns, heap 50-500 ns",
     .kind = HP_CLAIM_FASTER,
     .variants = "pool: malloc (heap) vs mutex_freelist or treiber (pool) vs arena (a "
                 "request-lifetime bump allocator), for the same per-request objects",
     .metric = "ns/op and allocs/op: pool/*, request/*"},
    {.id = "C15",
     .technique = "zero-allocation HTTP/1.1 parsing",
     .sources = {{HP_DOC_SHOCKWAVE, "Zero-Allocation Request Parsing"},
                 {HP_DOC_FASTERAPI, "Zero-Copy HTTP Parsing"}},
     .claimed = "0 allocs; <50 ns a request line, <30 ns a header",
     .kind = HP_CLAIM_ZERO_ALLOCS,
     .variants = "no pair: the one request parser every composition shares, measured alone and "
                 "inside the whole request",
     .metric = "allocs/op and ns/op: http/parse/*, request/*"},
    {.id = "C16",
     .technique = "Shockwave end-to-end targets",
     .sources = {{HP_DOC_SHOCKWAVE, "Performance Targets"}},
     .claimed = ">500k req/s single core, p99 <100 us",
     .kind = HP_CLAIM_FASTER,
     .variants = "none yet: needs requests end to end over loopback sockets, not implemented",
     .metric = "req/s on one core, p99 latency excluding the handler"},
};

const size_t hp_claim_count = sizeof hp_claims / sizeof hp_claims[0];

const struct hp_claim *hp_claim_find(const char *id)
{
    for (size_t i = 0; i < hp_claim_count; i++)
        if (strcmp(hp_claims[i].id, id) == 0)
            return &hp_claims[i];
    return NULL;
}

/* How the verdict reads the claimed figure. */
static void write_judged_as(FILE *f, const struct hp_claim *c)
{
    switch (c->kind) {
    case HP_CLAIM_NS_SAVED:
        fprintf(f, "%g to %g ns per op saved", c->low, c->high);
        break;
    case HP_CLAIM_RATIO:
        fprintf(f, "new/old ns per op at most %g", c->high);
        break;
    case HP_CLAIM_ALLOCS_SAVED:
        if (c->low == c->high)
            fprintf(f, "%g allocations per op saved", c->low);
        else
            fprintf(f, "%g to %g allocations per op saved", c->low, c->high);
        break;
    case HP_CLAIM_ZERO_ALLOCS:
        fprintf(f, "0 allocations per op after the change");
        break;
    case HP_CLAIM_BYTES_RATIO:
        fprintf(f, "new/old bytes per op at most %g", c->high);
        break;
    case HP_CLAIM_FASTER:
        fprintf(f, "faster (no single figure to check: only the direction)");
        break;
    }
}

int hp_claims_write_catalogue(FILE *f)
{
    fprintf(f,
            "# The claims hotpath tests\n\n"
            "<!-- Printed by `hotpath list --claims` from harness/plan/claims.c, the one source: "
            "edit that table, then `build/hotpath list --claims > docs/claims.md` "
            "(tests/test_report.c holds the two equal). -->\n\n"
            "Five documents about optimizing the hot paths of web frameworks state the gains "
            "below. Each claim names where it is made, the figure claimed, how a verdict "
            "reads that figure, the implementations whose comparison tests it, and what is "
            "measured. The figures are the documents' own, not measurements: `hotpath run "
            "--phases` measures them and prints each verdict (README, \"an optimization "
            "plan, phase by phase\"); a phase file names the ids in `claims = ...`.\n\n"
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
        fprintf(f, "\n- claimed: %s\n- judged as: ", c->claimed);
        write_judged_as(f, c);
        fprintf(f, "\n- compared: %s\n- metric: %s\n", c->variants, c->metric);
    }
    return ferror(f) ? -1 : 0;
}
