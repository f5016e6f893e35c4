/* A reference does no work its modelled Go function does not do: calls per request counted by
 * callgrind on the whole pipeline (request/static: GitHub static routes, 200 responses).
 *
 * Each composition runs in `hotpath run --callgrind-child` under callgrind (the hidden child
 * mode of --instructions: collection on around the measured run() only), one composition per
 * valgrind run (with several cases in one run, call arcs of one case leaked into another's
 * dump); the dump's call arcs (`cfn=` / `calls=` lines, strings uncompressed) are summed per
 * callee and divided by the calls of hp_pipeline_handle (one per request).
 *
 * Bolt's baseline composition is rwlock_map, tls_cache, inline, canonical, multi_write; each
 * variant changes one axis. Release build with valgrind only (sanitizer builds cannot run under
 * valgrind).
 */
#include <criterion/criterion.h>

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "instructions.h"
#include "skip_unless_callgrind.h"

struct expected_calls {
    const char *function; /* callgrind's name, without a @VERSION or 'N suffix */
    double per_request;
    /* For glibc's locks: callgrind counts their internal re-entries as calls (an uncontended
     * pthread_rwlock_rdlock shows as several), so only "every request" (>= per_request) or
     * "never" (0) is asserted. */
    bool at_least;
};

/* Collection starts and stops inside a sample: a call or two on either side of the measured
 * requests may land in the dump (200 requests: 0.005 per call). */
#define TOLERANCE 0.02

enum { FUNCTIONS_MAX = 512, NAME_MAX_LENGTH = 128 };

struct call_counts {
    char names[FUNCTIONS_MAX][NAME_MAX_LENGTH];
    double calls[FUNCTIONS_MAX];
    size_t count;
};

/* glibc picks memset's variant for the CPU (__memset_avx2_unaligned_erms, ...): every variant is
 * counted as "memset", so that an expectation does not depend on the machine. */
static void fold_cpu_variant(char *key)
{
    static const char prefix[] = "__memset_";
    if (strncmp(key, prefix, sizeof prefix - 1) == 0)
        strcpy(key, "memset");
}

static void add_calls(struct call_counts *c, const char *name, double calls)
{
    char key[NAME_MAX_LENGTH];
    snprintf(key, sizeof key, "%s", name);
    key[strcspn(key, "@'\n")] = '\0';
    fold_cpu_variant(key);
    for (size_t i = 0; i < c->count; i++)
        if (strcmp(c->names[i], key) == 0) {
            c->calls[i] += calls;
            return;
        }
    cr_assert_lt(c->count, FUNCTIONS_MAX);
    strcpy(c->names[c->count], key);
    c->calls[c->count++] = calls;
}

static double calls_of(const struct call_counts *c, const char *name)
{
    for (size_t i = 0; i < c->count; i++)
        if (strcmp(c->names[i], name) == 0)
            return c->calls[i];
    return 0;
}

/* Runs request/static with `axes` (--AXIS NAME ...) under callgrind; returns the dump's call
 * counts of the request/static case. */
static void count_calls(const char *axes, struct call_counts *out)
{
    char dir[] = "/tmp/hotpath-calls-XXXXXX";
    cr_assert_not_null(mkdtemp(dir));
    char command[2048];
    snprintf(command, sizeof command,
             "timeout 300 valgrind --tool=callgrind --collect-atstart=no -q "
             "--compress-strings=no --compress-pos=no --callgrind-out-file=%s/callgrind.out "
             "'%s' run --quiet %s%s --callgrind-child %s --instructions-ops 100 "
             ">/dev/null 2>%s/err",
             dir, HOTPATH_BINARY, strstr(axes, "--workload") ? "" : "--workload request/static ",
             axes, dir, dir);
    int raw = system(command);
    cr_assert(WIFEXITED(raw) && WEXITSTATUS(raw) == 0, "callgrind run failed: %s", command);

    memset(out, 0, sizeof *out);
    bool found = false;
    for (int part = 1; part < 16 && !found; part++) {
        char path[256];
        snprintf(path, sizeof path, "%s/callgrind.out.%d", dir, part);
        FILE *f = fopen(path, "r");
        if (!f)
            break;
        char line[4096], callee[NAME_MAX_LENGTH] = "";
        bool ours = false;
        while (fgets(line, sizeof line, f)) {
            if (strncmp(line, "desc: Trigger: Client Request: request/", 39) == 0)
                ours = true;
            else if (strncmp(line, "cfn=", 4) == 0)
                snprintf(callee, sizeof callee, "%.*s", (int)sizeof callee - 1, line + 4);
            else if (ours && strncmp(line, "calls=", 6) == 0)
                add_calls(out, callee, strtod(line + 6, NULL));
        }
        fclose(f);
        found = ours;
    }
    snprintf(command, sizeof command, "rm -rf '%s'", dir);
    cr_assert_eq(system(command), 0);
    cr_assert(found, "no dump of the request case for %s", axes);
    cr_assert_gt(calls_of(out, "hp_pipeline_handle"), 0, "%s: no request counted", axes);
}

static void expect_calls(const char *axes, const struct expected_calls *expected, size_t n)
{
    static struct call_counts counts;
    count_calls(axes, &counts);
    double requests = calls_of(&counts, "hp_pipeline_handle");
    for (size_t i = 0; i < n; i++) {
        double per_request = calls_of(&counts, expected[i].function) / requests;
        double want = expected[i].per_request;
        bool at_least = expected[i].at_least && want > 0;
        bool ok = per_request >= want - TOLERANCE && (at_least || per_request <= want + TOLERANCE);
        cr_expect(ok, "%s: %s called %g times per request, expected %s%g", axes,
                  expected[i].function, per_request, at_least ? "at least " : "", want);
    }
}

#define BOLT_BASELINE "--router rwlock_map --pool tls_cache --context inline --buffer_pool tiered "
#define EXPECT(axes, ...)                                                                          \
    do {                                                                                           \
        const struct expected_calls expected_[] = {__VA_ARGS__};                                   \
        expect_calls(axes, expected_, sizeof expected_ / sizeof expected_[0]);                     \
    } while (0)

/* canonical is Go's Header.Set: per handler Set, CanonicalMIMEHeaderKey's check (4 Sets; Date
 * and Content-Length never pass through it), no canonicalising copy for canonical spellings, no
 * value check, one []string holder, one map insert. multi_write is net/http's write: 25 writes
 * (status line, 4 per field, 3 per Date / Content-Length line, blank line, body). rwlock_map
 * takes the read lock once; tls_cache (sync.Pool) takes no lock. */
Test(reference_calls, bolt_baseline_does_what_net_http_does, .timeout = 600)
{
    skip_unless_callgrind();
    EXPECT(BOLT_BASELINE "--header_writer canonical --response_writer multi_write",
           {"hp_header_name_check", 4, false}, {"hp_header_canonicalise", 0, false},
           {"hp_header_value_valid", 0, false}, {"__wrap_malloc", 4, false},
           {"hp_header_table_put", 4, false}, {"pthread_rwlock_rdlock", 1, true},
           {"pthread_rwlock_unlock", 1, true}, {"pthread_mutex_lock", 0, true},
           {"hp_buffer_sink_write", 25, false}, {"hp_buffer_sink_reserve", 0, false});
}

/* The header writers, each one decision from its reference. */
Test(reference_calls, header_writers_one_decision_apart, .timeout = 600)
{
    skip_unless_callgrind();
    /* Bolt's lower-case spellings: every Set also canonicalises a copy. */
    EXPECT(BOLT_BASELINE "--header_writer canonical_lower --response_writer multi_write",
           {"hp_header_name_check", 4, false}, {"hp_header_canonicalise", 4, false},
           {"hp_header_value_valid", 0, false}, {"__wrap_malloc", 4, false},
           {"hp_header_table_put", 4, false});
    /* C1: no name work, the same holders and inserts. */
    EXPECT(BOLT_BASELINE "--header_writer precomputed --response_writer multi_write",
           {"hp_header_name_check", 0, false}, {"hp_header_canonicalise", 0, false},
           {"hp_header_value_valid", 0, false}, {"__wrap_malloc", 4, false},
           {"hp_header_table_put", 4, false});
    /* C2: no holders, the same inserts. */
    EXPECT(BOLT_BASELINE "--header_writer preallocated --response_writer multi_write",
           {"hp_header_name_check", 0, false}, {"__wrap_malloc", 0, false},
           {"hp_header_table_put", 4, false});
    /* No table at all. */
    EXPECT(BOLT_BASELINE "--header_writer prebuilt --response_writer multi_write",
           {"hp_header_name_check", 0, false}, {"__wrap_malloc", 0, false},
           {"hp_header_table_put", 0, false});
}

/* C5 keeps the lock (rwlock_split), C6 removes it (cow_split); C8 makes one reserve. */
Test(reference_calls, router_and_response_steps, .timeout = 600)
{
    skip_unless_callgrind();
    EXPECT("--router rwlock_split --pool tls_cache --context inline --buffer_pool tiered "
           "--header_writer prebuilt --response_writer multi_write",
           {"pthread_rwlock_rdlock", 1, true}, {"pthread_rwlock_unlock", 1, true});
    EXPECT("--router cow_split --pool tls_cache --context inline --buffer_pool tiered "
           "--header_writer prebuilt --response_writer multi_write",
           {"pthread_rwlock_rdlock", 0, true}, {"pthread_rwlock_unlock", 0, true});
    EXPECT(BOLT_BASELINE "--header_writer prebuilt --response_writer single_write",
           {"hp_buffer_sink_write", 0, false}, {"hp_buffer_sink_reserve", 1, false});
}

/* C7: the shared pool locks on get and on put; sync.Pool and its per-CPU array never do. */
Test(reference_calls, pool_steps, .timeout = 600)
{
    skip_unless_callgrind();
    EXPECT("--router cow_split --pool mutex_freelist --context inline --buffer_pool tiered "
           "--header_writer prebuilt --response_writer single_write",
           {"pthread_mutex_lock", 2, true}, {"pthread_mutex_unlock", 2, true});
    EXPECT("--router cow_split --pool percpu_cache --context inline --buffer_pool tiered "
           "--header_writer prebuilt --response_writer single_write",
           {"pthread_mutex_lock", 0, true}, {"__wrap_malloc", 0, false});
}

/* C10: httprouter's getValue makes one Params slice per lookup with params. */
Test(reference_calls, heap_params_allocate_once_per_lookup, .timeout = 600)
{
    skip_unless_callgrind();
    EXPECT("--workload request/param2 --router radix_heap_params --pool tls_cache --context "
           "inline --buffer_pool tiered --header_writer prebuilt --response_writer single_write",
           {"__wrap_malloc", 1, false}, {"__wrap_free", 1, false});
    EXPECT("--workload request/param2 --router radix --pool tls_cache --context inline "
           "--buffer_pool tiered --header_writer prebuilt --response_writer single_write",
           {"__wrap_malloc", 0, false});
}

/* C3, from a composition shaped like Gin: Gin walks the tree for every request and probes no
 * route table; radix_static_first probes its table and, the requests all being static routes,
 * never walks the tree. The zeros are the decision; the other side is checked as "at least one
 * call per request" (the dump reads 5 for both, which this test does not depend on). */
Test(reference_calls, static_first_side_step, .timeout = 600)
{
    skip_unless_callgrind();
    EXPECT("--router radix --pool tls_cache --context lazy_reset --buffer_pool tiered "
           "--header_writer canonical --response_writer multi_write",
           {"hp_route_hash_lookup", 0, false}, {"hp_radix_forest_lookup", 1, true});
    EXPECT("--router radix_static_first --pool tls_cache --context lazy_reset --buffer_pool "
           "tiered --header_writer canonical --response_writer multi_write",
           {"hp_route_hash_lookup", 1, true}, {"hp_radix_forest_lookup", 0, false});
}

/* C4 (c2_preallocated_values -> c4_split_context): the reference, inline (Bolt's FastReset),
 * zeroes the whole object with one memset and has every slot inline, so it takes nothing from a
 * pool but the context; split zeroes its hot part with one memset and takes a slot block from
 * its pool only when a request fills that kind: none for a static route without a query, one
 * (params) for the 2-param request. Neither allocates. How many bytes each memset clears is not
 * a call count: test_contexts checks the two object sizes. */
#define C4_STEP_AXES                                                                               \
    "--router rwlock_map --pool tls_cache --buffer_pool tiered --header_writer preallocated "      \
    "--response_writer multi_write "
Test(reference_calls, context_step_attaches_slots_only_when_needed, .timeout = 600)
{
    skip_unless_callgrind();
    EXPECT(C4_STEP_AXES "--context inline", {"inline_reset", 1, false}, {"memset", 1, false},
           {"tls_cache_get", 1, false}, {"tls_cache_put", 1, false}, {"__wrap_malloc", 0, false});
    EXPECT(C4_STEP_AXES "--context split", {"split_reset", 1, false}, {"memset", 1, false},
           {"split_attach", 0, false}, {"tls_cache_get", 1, false}, {"tls_cache_put", 1, false},
           {"__wrap_malloc", 0, false});
    EXPECT("--workload request/param2 " C4_STEP_AXES "--context inline", {"inline_reset", 1, false},
           {"memset", 1, false}, {"tls_cache_get", 1, false}, {"tls_cache_put", 1, false},
           {"__wrap_malloc", 0, false});
    EXPECT("--workload request/param2 " C4_STEP_AXES "--context split", {"split_reset", 1, false},
           {"memset", 1, false}, {"split_attach", 1, false}, {"tls_cache_get", 2, false},
           {"tls_cache_put", 2, false}, {"__wrap_malloc", 0, false});
}

/* gin_shape's context, lazy_reset, resets as Gin's (*Context).reset does: the counts go to zero
 * (c.Params = c.Params[:0]) and nothing is cleared, with or without params; in the C4 step's
 * composition no other part calls memset, so any memset here is the reset's. */
Test(reference_calls, gin_context_reset_truncates_only, .timeout = 600)
{
    skip_unless_callgrind();
    EXPECT(C4_STEP_AXES "--context lazy_reset", {"lazy_reset", 1, false}, {"memset", 0, false},
           {"__wrap_malloc", 0, false});
    EXPECT("--workload request/param2 " C4_STEP_AXES "--context lazy_reset",
           {"lazy_reset", 1, false}, {"memset", 0, false}, {"__wrap_malloc", 0, false});
}
