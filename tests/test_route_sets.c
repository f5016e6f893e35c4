/* The shipped route sets and request lists, and the synthetic generator (route_gen.h).
 *
 * Everything is read with the project's one route-file parser (routers/route_set.h), which also
 * enforces the routing rules (no duplicates, no conflicting wildcards), and every "does this
 * request match" question is answered by the `linear` router, the oracle the differential tests
 * hold every other router to; so these tests check the data and the generator, not a private
 * second matcher.
 */
#include <criterion/criterion.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>

#include "commands.h"
#include "inputs.h"
#include "registry.h"
#include "route_gen.h"
#include "routers/route_set.h"
#include "routers/router.h"

struct shipped_set {
    const char *name;
    size_t routes;
    const char *request_kinds[4]; /* which NAME-KIND.requests files exist */
};

static const struct shipped_set shipped_sets[] = {
    {"static", 157, {"static", "realistic"}},
    {"github", 203, {"static", "param2", "realistic"}},
    {"gplus", 13, {"static", "param1", "param2", "realistic"}},
    {"parse", 26, {"static", "param1", "param2", "realistic"}},
    {"manyparams", 160, {"realistic"}},
};
enum { SHIPPED_SET_COUNT = sizeof shipped_sets / sizeof shipped_sets[0] };

static struct hp_route_set *load_file(const char *path)
{
    struct hp_error err = {{0}};
    struct hp_route_set *set;
    cr_assert_eq(hp_route_set_load(path, &set, &err), 0, "%s is refused: %s", path, err.message);
    return set;
}

static struct hp_route_set *load_shipped(const char *name)
{
    char path[256];
    snprintf(path, sizeof path, "workloads/routes/%s.routes", name);
    return load_file(path);
}

/* Generated text must pass the full validation: that is the generator's rule check. */
static struct hp_route_set *parse_text(const char *name, const char *text)
{
    struct hp_error err = {{0}};
    struct hp_route_set *set;
    cr_assert_eq(hp_route_set_parse(name, text, strlen(text), &set, &err), 0, "%s is refused: %s",
                 name, err.message);
    return set;
}

/* ---- The oracle: the `linear` router holding one set ------------------------------------- */

struct oracle {
    const struct hp_router_ops *ops;
    struct hp_router *router;
    const struct hp_route_set *set;
    struct hp_match match; /* of the last lookup */
};

static void oracle_open(struct oracle *o, const struct hp_route_set *set)
{
    const struct hp_impl_info *info = hp_impl_find(HP_AXIS_ROUTER, "linear");
    cr_assert_not_null(info, "no 'linear' router in the table");
    o->ops = (const struct hp_router_ops *)info;
    o->set = set;
    struct hp_error err = {{0}};
    o->router = o->ops->create(&err);
    cr_assert_not_null(o->router, "linear: create failed: %s", err.message);
    if (o->ops->thread_attach)
        o->ops->thread_attach(o->router);
    cr_assert_eq(hp_router_add_all(o->ops, o->router, set->routes, set->count, &err), 0,
                 "linear refused a route the set accepted: %s", err.message);
    hp_match_init(&o->match);
}

/* The route `method path` is routed to, or NULL (not found, 405, redirect); o->match keeps the
 * params until the next lookup. */
static const struct hp_route *oracle_route(struct oracle *o, enum hp_method method,
                                           const char *path, size_t len)
{
    o->ops->match_release(o->router, &o->match);
    o->ops->lookup(o->router, method, path, len, &o->match);
    if (o->match.status != HP_MATCH_FOUND)
        return NULL;
    cr_assert_lt(o->match.route_id, o->set->count);
    return &o->set->routes[o->match.route_id];
}

static void oracle_close(struct oracle *o)
{
    o->ops->match_release(o->router, &o->match);
    if (o->ops->thread_detach)
        o->ops->thread_detach(o->router);
    o->ops->destroy(o->router);
}

/* ---- Request lists (`METHOD /path` lines; unlike routes, the same request may repeat) ------ */

/* Read with the project's one request-list reader (route_set.h); the shipped lists also list
 * only paths that start with '/'. */
static void requests_parse(const char *name, const char *text, struct hp_request_list *list)
{
    struct hp_error err = {{0}};
    cr_assert_eq(hp_request_list_parse(name, text, strlen(text), list, &err), 0, "%s", err.message);
    for (size_t i = 0; i < list->count; i++)
        cr_assert_eq(list->items[i].path[0], '/', "%s:%u: path does not start with '/'", name,
                     list->items[i].line);
}

static void requests_load(const char *path, struct hp_request_list *list)
{
    struct hp_error err = {{0}};
    cr_assert_eq(hp_request_list_load(path, list, &err), 0, "%s", err.message);
    for (size_t i = 0; i < list->count; i++)
        cr_assert_eq(list->items[i].path[0], '/', "%s:%u: path does not start with '/'", path,
                     list->items[i].line);
}

static void requests_free(struct hp_request_list *list)
{
    hp_request_list_free(list);
}

static unsigned depth_of(const char *pattern)
{
    unsigned n = 0;
    for (const char *p = pattern; *p; p++)
        n += *p == '/';
    return n;
}

static unsigned wildcard_count(const char *pattern)
{
    unsigned n = 0;
    for (const char *p = pattern; *p; p++)
        n += p[0] == '/' && (p[1] == ':' || p[1] == '*');
    return n;
}

/* ---- Shipped route sets ------------------------------------------------------------------ */

/* Loading is the full validation (syntax, duplicates, conflicts); registering in the oracle
 * applies a router's own checks on top. */
Test(route_sets, shipped_sets_load_with_expected_counts_and_register)
{
    for (size_t s = 0; s < SHIPPED_SET_COUNT; s++) {
        struct hp_route_set *set = load_shipped(shipped_sets[s].name);
        cr_expect_eq(set->count, shipped_sets[s].routes, "%s.routes has %zu routes, expected %zu",
                     shipped_sets[s].name, set->count, shipped_sets[s].routes);
        struct oracle oracle;
        oracle_open(&oracle, set);
        oracle_close(&oracle);
        hp_route_set_free(set);
    }
}

static int compare_strings(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* A route file's list without its order, comments or layout: its "METHOD /pattern" lines,
 * sorted bytewise, each ending in "\n", as one string the caller frees. NULL, with err set,
 * when the file is refused (nothing is left allocated then). */
static char *sorted_route_list(const char *path, size_t *count, struct hp_error *err)
{
    struct hp_route_set *set;
    if (hp_route_set_load(path, &set, err) != 0)
        return NULL;
    char **lines = calloc(set->count ? set->count : 1, sizeof *lines);
    size_t total = 1;
    for (size_t i = 0; lines && i < set->count; i++) {
        const char *method = hp_method_name(set->routes[i].method);
        size_t n = strlen(method) + 1 + set->routes[i].pattern_len + 2;
        if ((lines[i] = malloc(n)))
            snprintf(lines[i], n, "%s %s\n", method, set->routes[i].pattern);
        total += n;
    }
    char *list = lines ? malloc(total) : NULL;
    if (list) {
        qsort(lines, set->count, sizeof *lines, compare_strings);
        size_t used = 0;
        for (size_t i = 0; i < set->count; i++)
            used += (size_t)snprintf(list + used, total - used, "%s", lines[i] ? lines[i] : "");
    }
    for (size_t i = 0; lines && i < set->count; i++)
        free(lines[i]);
    free(lines);
    *count = set->count;
    hp_route_set_free(set);
    if (!list)
        hp_error_set(err, "%s: out of memory", path);
    return list;
}

/* manyparams (C10's set) is exactly what `hotpath gen routes` makes with the flags its first
 * line names, and it has what it is for: routes of 5 to 8 params, about a tenth of the set. */
Test(route_sets, manyparams_is_generated_and_spills)
{
    struct hp_route_gen_params params;
    hp_route_gen_params_default(&params);
    params.routes = 160;
    params.max_depth = 10;
    params.param_share = 0.5;
    params.catchall_share = 0;
    params.prefix_fanout = 8;
    params.seed = 3;
    struct hp_error err = {{0}};
    char *generated = hp_route_gen_routes(&params, &err);
    cr_assert_not_null(generated, "%s", err.message);
    FILE *f = fopen("workloads/routes/manyparams.routes", "r");
    cr_assert_not_null(f);
    static char committed[65536];
    size_t n = fread(committed, 1, sizeof committed - 1, f);
    fclose(f);
    committed[n] = 0;
    cr_assert_str_eq(committed, generated, "regenerate it with the command on its first line");
    free(generated);

    struct hp_route_set *set = load_shipped("manyparams");
    size_t over_inline = 0, most = 0;
    for (size_t i = 0; i < set->count; i++) {
        size_t wildcards = 0;
        for (const char *p = set->routes[i].pattern; (p = strstr(p, "/:")); p++)
            wildcards++;
        over_inline += wildcards > HP_PARAMS_INLINE;
        most = wildcards > most ? wildcards : most;
    }
    cr_expect_eq(most, 8, "the deepest route has %zu params", most);
    cr_expect(over_inline * 20 >= set->count && over_inline * 5 <= set->count,
              "%zu of %zu routes have more than %d params", over_inline, set->count,
              (int)HP_PARAMS_INLINE);
    hp_route_set_free(set);
}

/* Writes into out the lines that only one of two sorted lists has; returns how many. */
static size_t list_differences(const char *ours, const char *reference, char *out, size_t size)
{
    size_t count = 0, used = 0;
    out[0] = '\0';
    while (*ours || *reference) {
        size_t a = strcspn(ours, "\n"), b = strcspn(reference, "\n");
        /* Lines compared with their "\n", as the lists were sorted. */
        int c = !*ours ? 1 : !*reference ? -1 : memcmp(ours, reference, (a < b ? a : b) + 1);
        if (c == 0) {
            ours += a + 1, reference += b + 1;
            continue;
        }
        if (used < size)
            used += (size_t)snprintf(out + used, size - used, "\n  %s %.*s",
                                     c < 0 ? "only in ours:     " : "only in reference:",
                                     (int)(c < 0 ? a : b), c < 0 ? ours : reference);
        if (c < 0)
            ours += a + 1;
        else
            reference += b + 1;
        count++;
    }
    return count;
}

/* The GitHub set is the list of the Go router benchmarks (go-http-routing-benchmark's "Github"
 * routes, PATCH left out): 203 routes whose sorted list (sorted_route_list) has this CRC-32
 * (zlib's), taken from that reference list. Recompute after a deliberate change with
 *   grep -v '^#' workloads/routes/github.routes | grep . | LC_ALL=C sort |
 *     python3 -c 'import sys, zlib; print(hex(zlib.crc32(sys.stdin.buffer.read())))'
 * (the file has one "METHOD /pattern" a line, no trailing blanks). */
enum { GITHUB_ROUTES = 203 };
#define GITHUB_ROUTES_CRC32 0x22dbc0bdu

/* Where a copy of the reference list may be, beside the tree: $HOTPATH_SHARED_DIR, else
 * ../shared (tests run from the source tree). Optional: the check above stands without it. */
static void reference_list_path(char *out, size_t size, bool *named_by_environment)
{
    const char *env = getenv("HOTPATH_SHARED_DIR");
    *named_by_environment = env && *env;
    snprintf(out, size, "%s/reference/github.routes", *named_by_environment ? env : "../shared");
}

Test(route_sets, github_set_is_the_go_benchmarks_list)
{
    struct hp_error err = {{0}};
    size_t count = 0;
    char *ours = sorted_route_list("workloads/routes/github.routes", &count, &err);
    cr_assert_not_null(ours, "%s", err.message);
    unsigned long crc = crc32(0, (const Bytef *)ours, (uInt)strlen(ours));

    char reference_path[1024], differences[4096] = "", reference_error[1100] = "";
    bool named;
    reference_list_path(reference_path, sizeof reference_path, &named);
    bool compared = false;
    size_t different = 0;
    if (named || access(reference_path, F_OK) == 0) {
        size_t reference_count;
        char *reference = sorted_route_list(reference_path, &reference_count, &err);
        if (reference) {
            different = list_differences(ours, reference, differences, sizeof differences);
            compared = true;
        } else {
            snprintf(reference_error, sizeof reference_error, "%s", err.message);
        }
        free(reference);
    }
    free(ours);

    cr_expect_eq(count, GITHUB_ROUTES, "github.routes has %zu routes, expected %d", count,
                 GITHUB_ROUTES);
    cr_expect_eq(crc, GITHUB_ROUTES_CRC32,
                 "github.routes is not the benchmarks' list: its sorted list has CRC-32 %#lx, "
                 "expected %#x",
                 crc, GITHUB_ROUTES_CRC32);
    cr_expect_str_empty(reference_error, "the reference list beside the tree: %s", reference_error);
    cr_expect_eq(different, 0, "github.routes differs from %s in %zu routes:%s", reference_path,
                 different, differences);
    if (compared)
        cr_log_info("github.routes also compared with %s: the same list", reference_path);
    else
        cr_log_info("no reference list at %s (optional): checked against the CRC-32 only",
                    reference_path);
}

/* ---- Shipped request lists ------------------------------------------------------------- */

static void load_requests_of(const struct shipped_set *s, const char *kind,
                             struct hp_request_list *requests, char *path, size_t path_size)
{
    snprintf(path, path_size, "workloads/requests/%s-%s.requests", s->name, kind);
    requests_load(path, requests);
}

Test(route_sets, every_request_matches_a_route_of_its_set)
{
    for (size_t s = 0; s < SHIPPED_SET_COUNT; s++) {
        struct hp_route_set *set = load_shipped(shipped_sets[s].name);
        struct oracle oracle;
        oracle_open(&oracle, set);
        for (size_t k = 0; k < 4 && shipped_sets[s].request_kinds[k]; k++) {
            char path[256];
            struct hp_request_list requests;
            load_requests_of(&shipped_sets[s], shipped_sets[s].request_kinds[k], &requests, path,
                             sizeof path);
            cr_expect_gt(requests.count, 0, "%s is empty", path);
            for (size_t i = 0; i < requests.count; i++) {
                const struct hp_request_line *r = &requests.items[i];
                cr_expect_null(strpbrk(r->path, ":*"), "%s:%u: wildcard left in %s", path, r->line,
                               r->path);
                cr_expect_not_null(oracle_route(&oracle, r->method, r->path, r->len),
                                   "%s:%u: %s %s matches no route of %s.routes", path, r->line,
                                   hp_method_name(r->method), r->path, shipped_sets[s].name);
            }
            requests_free(&requests);
        }
        oracle_close(&oracle);
        hp_route_set_free(set);
    }
}

/* The single-request lists hold exactly one request, and it exercises what the name says:
 * a static route, a route with one parameter, a route with two (counted in the oracle's
 * answer, so static-beats-param is the router's rule, not the test's). */
Test(route_sets, single_request_lists_have_the_named_shape)
{
    for (size_t s = 0; s < SHIPPED_SET_COUNT; s++) {
        struct hp_route_set *set = load_shipped(shipped_sets[s].name);
        struct oracle oracle;
        oracle_open(&oracle, set);
        for (size_t k = 0; k < 4 && shipped_sets[s].request_kinds[k]; k++) {
            const char *kind = shipped_sets[s].request_kinds[k];
            unsigned want = strcmp(kind, "static") == 0   ? 0
                            : strcmp(kind, "param1") == 0 ? 1
                            : strcmp(kind, "param2") == 0 ? 2
                                                          : 99;
            if (want == 99)
                continue;
            char path[256];
            struct hp_request_list requests;
            load_requests_of(&shipped_sets[s], kind, &requests, path, sizeof path);
            cr_expect_eq(requests.count, 1, "%s: %zu requests, expected 1", path, requests.count);
            if (requests.count > 0) {
                const struct hp_request_line *r = &requests.items[0];
                const struct hp_route *route = oracle_route(&oracle, r->method, r->path, r->len);
                cr_expect_not_null(route, "%s: no route matches", path);
                if (route)
                    cr_expect_eq(oracle.match.params.count, want,
                                 "%s: matched %s with %u params, expected %u", path, route->pattern,
                                 oracle.match.params.count, want);
            }
            requests_free(&requests);
        }
        oracle_close(&oracle);
        hp_route_set_free(set);
    }
}

/* Every route is the one some request is routed to (not merely a pattern some request fits:
 * a route always shadowed by a static sibling would not count). */
Test(route_sets, realistic_lists_cover_every_route)
{
    for (size_t s = 0; s < SHIPPED_SET_COUNT; s++) {
        struct hp_route_set *set = load_shipped(shipped_sets[s].name);
        struct oracle oracle;
        oracle_open(&oracle, set);
        char path[256];
        struct hp_request_list requests;
        load_requests_of(&shipped_sets[s], "realistic", &requests, path, sizeof path);
        cr_expect_geq(requests.count, 300, "%s: only %zu requests", path, requests.count);
        bool *covered = calloc(set->count ? set->count : 1, sizeof *covered);
        cr_assert_not_null(covered);
        for (size_t i = 0; i < requests.count; i++) {
            const struct hp_request_line *r = &requests.items[i];
            const struct hp_route *route = oracle_route(&oracle, r->method, r->path, r->len);
            if (route)
                covered[route->id] = true;
        }
        for (size_t i = 0; i < set->count; i++)
            cr_expect(covered[i], "%s: no request is routed to %s %s", path,
                      hp_method_name(set->routes[i].method), set->routes[i].pattern);
        free(covered);
        requests_free(&requests);
        oracle_close(&oracle);
        hp_route_set_free(set);
    }
}

/* ---- Route-set generator ------------------------------------------------------------------ */

static struct hp_route_set *generate_set(const struct hp_route_gen_params *params)
{
    struct hp_error err = {{0}};
    char *text = hp_route_gen_routes(params, &err);
    cr_assert_not_null(text, "generation failed: %s", err.message);
    struct hp_route_set *set = parse_text("generated", text);
    free(text);
    return set;
}

static const struct hp_route_gen_params generator_cases[] = {
    {.routes = 1, .max_depth = 1, .param_share = 0, .catchall_share = 0, .prefix_fanout = 1},
    {.routes = 9, .max_depth = 1, .param_share = 0.5, .catchall_share = 0.5, .prefix_fanout = 1},
    {.routes = 200,
     .max_depth = 5,
     .param_share = 0.3,
     .catchall_share = 0.05,
     .prefix_fanout = 20,
     .seed = 1},
    {.routes = 500,
     .max_depth = 8,
     .param_share = 0.6,
     .catchall_share = 0.3,
     .prefix_fanout = 3,
     .seed = 7},
    {.routes = 400,
     .max_depth = 3,
     .param_share = 0.9,
     .catchall_share = 0.9,
     .prefix_fanout = 60,
     .seed = 99},
    {.routes = 300,
     .max_depth = 20,
     .param_share = 1.0,
     .catchall_share = 0,
     .prefix_fanout = 40,
     .seed = 5},
    {.routes = 800,
     .max_depth = 4,
     .param_share = 0,
     .catchall_share = 0,
     .prefix_fanout = 500,
     .seed = 12345},
};

Test(route_gen, exact_count_valid_and_within_depth)
{
    for (size_t c = 0; c < sizeof generator_cases / sizeof generator_cases[0]; c++) {
        const struct hp_route_gen_params *p = &generator_cases[c];
        struct hp_route_set *set = generate_set(p); /* valid = the shared parser accepts it */
        cr_expect_eq(set->count, p->routes, "case %zu: %zu routes, asked for %u", c, set->count,
                     p->routes);
        for (size_t i = 0; i < set->count; i++)
            cr_expect_leq(depth_of(set->routes[i].pattern), p->max_depth, "case %zu: %s", c,
                          set->routes[i].pattern);
        hp_route_set_free(set);
    }
}

Test(route_gen, shares_shape_the_set)
{
    struct hp_route_gen_params p = {.routes = 600,
                                    .max_depth = 6,
                                    .param_share = 0,
                                    .catchall_share = 0,
                                    .prefix_fanout = 10,
                                    .seed = 3};
    struct hp_route_set *set = generate_set(&p);
    size_t wildcards = 0;
    for (size_t i = 0; i < set->count; i++)
        wildcards += wildcard_count(set->routes[i].pattern);
    cr_expect_eq(wildcards, 0, "shares 0 still gave %zu wildcards", wildcards);
    hp_route_set_free(set);

    p.param_share = 0.5;
    p.catchall_share = 0.5;
    set = generate_set(&p);
    size_t params = 0, catchalls = 0;
    for (size_t i = 0; i < set->count; i++) {
        params += strstr(set->routes[i].pattern, "/:") != NULL;
        catchalls += strstr(set->routes[i].pattern, "/*") != NULL;
    }
    cr_expect_gt(params, set->count / 4, "only %zu of %zu routes have a param", params, set->count);
    cr_expect_gt(catchalls, set->count / 10, "only %zu of %zu routes have a catch-all", catchalls,
                 set->count);
    hp_route_set_free(set);

    /* Fanout bounds the distinct first segments. */
    p.prefix_fanout = 2;
    set = generate_set(&p);
    char firsts[3][64] = {{0}};
    size_t distinct = 0;
    for (size_t i = 0; i < set->count; i++) {
        const char *pattern = set->routes[i].pattern;
        size_t len = strcspn(pattern + 1, "/");
        bool known = false;
        for (size_t k = 0; k < distinct; k++)
            known |= strlen(firsts[k]) == len && memcmp(firsts[k], pattern + 1, len) == 0;
        if (!known && distinct < 3)
            snprintf(firsts[distinct++], sizeof firsts[0], "%.*s", (int)len, pattern + 1);
    }
    cr_expect_leq(distinct, 2, "fanout 2 gave %zu first segments", distinct);
    hp_route_set_free(set);
}

Test(route_gen, deterministic_per_seed)
{
    struct hp_route_gen_params p = generator_cases[3];
    struct hp_error err;
    char *a = hp_route_gen_routes(&p, &err), *b = hp_route_gen_routes(&p, &err);
    p.seed++;
    char *c = hp_route_gen_routes(&p, &err);
    cr_assert(a && b && c);
    cr_expect_str_eq(a, b, "same seed, different route sets");
    cr_expect_str_neq(a, c, "different seeds, same route set");
    free(a);
    free(b);
    free(c);
}

Test(route_gen, refuses_impossible_and_out_of_range_parameters)
{
    struct hp_error err = {{0}};
    struct hp_route_gen_params p = {.routes = 10, .max_depth = 1, .prefix_fanout = 1};
    cr_expect_null(hp_route_gen_routes(&p, &err)); /* depth 1, fanout 1: at most 9 routes */
    cr_expect_not_null(strstr(err.message, "only 9 distinct routes fit"), "%s", err.message);
    p = (struct hp_route_gen_params){.routes = 0, .max_depth = 3, .prefix_fanout = 1};
    cr_expect_null(hp_route_gen_routes(&p, &err));
    p = (struct hp_route_gen_params){.routes = 5, .max_depth = 33, .prefix_fanout = 1};
    cr_expect_null(hp_route_gen_routes(&p, &err));
    p = (struct hp_route_gen_params){
        .routes = 5, .max_depth = 3, .prefix_fanout = 1, .param_share = -0.1};
    cr_expect_null(hp_route_gen_routes(&p, &err));
}

/* ---- Request streams ---------------------------------------------------------------------- */

/* Every request of a stream is routed, by the oracle, to exactly the route it was made from
 * (route_index): a generated value never lands on a static sibling or another method's route. */
static void expect_stream_routes_to_its_own_routes(const char *what, const struct hp_route_set *set,
                                                   size_t count, uint64_t seed)
{
    struct hp_request_stream stream;
    struct hp_error err = {{0}};
    cr_assert_eq(hp_request_stream_generate(set, count, 1.0, seed, &stream, &err), 0, "%s: %s",
                 what, err.message);
    cr_assert_eq(stream.count, count);
    struct oracle oracle;
    oracle_open(&oracle, set);
    for (size_t i = 0; i < stream.count; i++) {
        const struct hp_request *r = &stream.requests[i];
        cr_assert_lt(r->route_index, set->count);
        const struct hp_route *own = &set->routes[r->route_index];
        cr_expect_eq(strlen(r->path), r->path_len);
        cr_expect_eq(r->method, own->method);
        const struct hp_route *got = oracle_route(&oracle, r->method, r->path, r->path_len);
        cr_expect_eq(got, own, "%s: %s %s was made from %s but is routed to %s", what,
                     hp_method_name(r->method), r->path, own->pattern,
                     got ? got->pattern : "nothing");
        const char *star = strstr(own->pattern, "/*");
        if (got == own && star) {
            /* The catch-all is the last param; its value keeps its leading '/' and holds the
             * 1-3 segments the generator promises. */
            const struct hp_param *rest = &oracle.match.params.items[oracle.match.params.count - 1];
            unsigned slashes = 0;
            for (uint32_t k = 0; k < rest->value_len; k++)
                slashes += rest->value[k] == '/';
            cr_expect(rest->value_len > 1 && slashes >= 1 && slashes <= 3,
                      "%s: catch-all value '%.*s' in %s", what, (int)rest->value_len, rest->value,
                      r->path);
        }
    }
    oracle_close(&oracle);
    hp_request_stream_free(&stream);
}

Test(request_gen, every_request_is_routed_to_its_own_route)
{
    for (size_t c = 0; c < sizeof generator_cases / sizeof generator_cases[0]; c++) {
        struct hp_route_set *set = generate_set(&generator_cases[c]);
        char what[64];
        snprintf(what, sizeof what, "generator case %zu", c);
        expect_stream_routes_to_its_own_routes(what, set, c == 3 ? 3000 : 1000, 42 + c);
        hp_route_set_free(set);
    }
    for (size_t s = 0; s < SHIPPED_SET_COUNT; s++) {
        struct hp_route_set *set = load_shipped(shipped_sets[s].name);
        expect_stream_routes_to_its_own_routes(shipped_sets[s].name, set, 1000, 5);
        hp_route_set_free(set);
    }
}

Test(request_gen, deterministic_per_seed)
{
    struct hp_route_set *routes = load_shipped("github");
    struct hp_request_stream a, b, c;
    struct hp_error err = {{0}};
    cr_assert_eq(hp_request_stream_generate(routes, 500, 0.8, 7, &a, &err), 0);
    cr_assert_eq(hp_request_stream_generate(routes, 500, 0.8, 7, &b, &err), 0);
    cr_assert_eq(hp_request_stream_generate(routes, 500, 0.8, 8, &c, &err), 0);
    size_t same_as_other_seed = 0;
    for (size_t i = 0; i < 500; i++) {
        cr_expect_str_eq(a.requests[i].path, b.requests[i].path);
        cr_expect_eq(a.requests[i].route_index, b.requests[i].route_index);
        same_as_other_seed += strcmp(a.requests[i].path, c.requests[i].path) == 0;
    }
    cr_expect_lt(same_as_other_seed, 250, "seeds 7 and 8 agree on %zu of 500 paths",
                 same_as_other_seed);
    hp_request_stream_free(&a);
    hp_request_stream_free(&b);
    hp_request_stream_free(&c);
    hp_route_set_free(routes);
}

static int compare_desc(const void *a, const void *b)
{
    size_t x = *(const size_t *)a, y = *(const size_t *)b;
    return x < y ? 1 : x > y ? -1 : 0;
}

/* Frequencies by route, sorted descending; returns the index of the most frequent route. */
static size_t sorted_frequencies(const struct hp_route_set *routes, double s, uint64_t seed,
                                 size_t n, size_t *freq)
{
    struct hp_request_stream stream;
    struct hp_error err = {{0}};
    cr_assert_eq(hp_request_stream_generate(routes, n, s, seed, &stream, &err), 0, "%s",
                 err.message);
    memset(freq, 0, routes->count * sizeof *freq);
    for (size_t i = 0; i < stream.count; i++)
        freq[stream.requests[i].route_index]++;
    size_t top = 0;
    for (size_t i = 1; i < routes->count; i++)
        if (freq[i] > freq[top])
            top = i;
    hp_request_stream_free(&stream);
    qsort(freq, routes->count, sizeof *freq, compare_desc);
    return top;
}

Test(request_gen, zipf_skew_is_visible_and_ranks_are_shuffled)
{
    struct hp_route_gen_params p = {.routes = 100,
                                    .max_depth = 4,
                                    .param_share = 0.3,
                                    .catchall_share = 0.1,
                                    .prefix_fanout = 10,
                                    .seed = 11};
    struct hp_route_set *routes = generate_set(&p);
    size_t freq[100];

    /* s = 1 over 100 routes: rank 1 expects ~19% of requests, rank 10 ~1.9%. */
    sorted_frequencies(routes, 1.0, 1, 20000, freq);
    cr_expect_gt(freq[0], 2 * freq[9], "rank 1 %zu vs rank 10 %zu", freq[0], freq[9]);
    cr_expect_gt(freq[0], 20000 / 10, "rank 1 got only %zu of 20000", freq[0]);

    /* s = 0 is uniform: no route far above its 1% share. */
    sorted_frequencies(routes, 0.0, 1, 20000, freq);
    cr_expect_lt(freq[0], 3 * 20000 / 100, "uniform stream's top route got %zu", freq[0]);

    /* The most popular route depends on the seed, not on its line in the file. */
    size_t tops[6];
    bool varied = false;
    for (uint64_t seed = 0; seed < 6; seed++) {
        tops[seed] = sorted_frequencies(routes, 1.5, seed, 2000, freq);
        varied |= tops[seed] != tops[0];
    }
    cr_expect(varied, "route %zu is the most popular for every seed", tops[0]);
    hp_route_set_free(routes);
}

Test(request_gen, refuses_bad_arguments)
{
    struct hp_route_set empty = {0};
    struct hp_request_stream stream;
    struct hp_error err = {{0}};
    cr_expect_neq(hp_request_stream_generate(&empty, 10, 1.0, 1, &stream, &err), 0);
    struct hp_route_set *routes = load_shipped("gplus");
    cr_expect_neq(hp_request_stream_generate(routes, 0, 1.0, 1, &stream, &err), 0);
    cr_expect_neq(hp_request_stream_generate(routes, 10, -1.0, 1, &stream, &err), 0);
    cr_expect_neq(hp_request_stream_generate(routes, 10, NAN, 1, &stream, &err), 0);
    cr_expect_not_null(strstr(err.message, "Zipf exponent"), "%s", err.message);
    hp_route_set_free(routes);
}

/* ---- hotpath gen, in process ---------------------------------------------------------------- */

struct captured {
    int rc;
    char out[1 << 16];
    char err[4096];
};

static void slurp(FILE *f, char *buf, size_t size)
{
    rewind(f);
    size_t n = fread(buf, 1, size - 1, f);
    buf[n] = '\0';
    fclose(f);
}

static void run_gen(struct captured *c, int argc, char **argv)
{
    FILE *out = tmpfile(), *err = tmpfile();
    cr_assert(out && err);
    fflush(stdout);
    fflush(stderr);
    int saved_out = dup(1), saved_err = dup(2);
    dup2(fileno(out), 1);
    dup2(fileno(err), 2);
    c->rc = hp_cmd_gen(argc, argv);
    fflush(stdout);
    fflush(stderr);
    dup2(saved_out, 1);
    dup2(saved_err, 2);
    close(saved_out);
    close(saved_err);
    slurp(out, c->out, sizeof c->out);
    slurp(err, c->err, sizeof c->err);
}

#define RUN_GEN(c, ...)                                                                            \
    do {                                                                                           \
        char *argv_[] = {__VA_ARGS__};                                                             \
        run_gen((c), (int)(sizeof argv_ / sizeof argv_[0]), argv_);                                \
    } while (0)

static void expect_refusal(const struct captured *c, const char *fragment)
{
    cr_expect_eq(c->rc, 2, "exit %d for '%s'", c->rc, c->err);
    cr_expect_str_empty(c->out, "stdout not empty: %s", c->out);
    cr_expect_eq(strncmp(c->err, "hotpath gen: ", 13), 0, "stderr: %s", c->err);
    cr_expect_not_null(strstr(c->err, fragment), "stderr '%s' lacks '%s'", c->err, fragment);
    const char *newline = strchr(c->err, '\n');
    cr_expect(newline && newline[1] == '\0', "not exactly one line: %s", c->err);
}

/* Writes `text` to a temporary route file, runs `gen requests` on it, expects a refusal whose
 * message is "FILE" followed by `fragment`. */
static void expect_route_file_refused(struct captured *c, const char *text, const char *fragment)
{
    char file[] = "/tmp/hotpath_test_route_sets_XXXXXX";
    int fd = mkstemp(file);
    cr_assert_geq(fd, 0);
    cr_assert_eq(write(fd, text, strlen(text)), (ssize_t)strlen(text));
    close(fd);
    RUN_GEN(c, "gen", "requests", "--routes", file, "--count", "5");
    unlink(file);
    char where[256];
    snprintf(where, sizeof where, "%s%s", file, fragment);
    expect_refusal(c, where);
}

Test(cmd_gen, refuses_bad_input_with_one_message_and_exit_2)
{
    static struct captured c;
    RUN_GEN(&c, "gen");
    expect_refusal(&c, "valid: routes, requests");
    RUN_GEN(&c, "gen", "paths");
    expect_refusal(&c, "unknown subcommand 'paths' (valid: routes, requests)");
    RUN_GEN(&c, "gen", "routes");
    expect_refusal(&c, "--count is required");
    RUN_GEN(&c, "gen", "routes", "--count", "5", "--colour", "red");
    expect_refusal(&c, "unknown flag '--colour'");
    cr_expect_not_null(strstr(c.err, "--catchall-share"), "valid flags not listed: %s", c.err);
    RUN_GEN(&c, "gen", "routes", "--count", "many");
    expect_refusal(&c, "--count: 'many' is not valid (expected an integer 1..1000000)");
    RUN_GEN(&c, "gen", "routes", "--count", "5", "--depth");
    expect_refusal(&c, "--depth needs a value");
    RUN_GEN(&c, "gen", "routes", "--count", "5", "--param-share", "2");
    expect_refusal(&c, "--param-share: '2' is not valid (expected a number 0..1)");
    RUN_GEN(&c, "gen", "routes", "--count", "5", "--count", "6");
    expect_refusal(&c, "--count given twice");
    RUN_GEN(&c, "gen", "routes", "--count", "50", "--depth", "1", "--fanout", "1");
    expect_refusal(&c, "only 9 distinct routes fit");
    RUN_GEN(&c, "gen", "requests", "--count", "5");
    expect_refusal(&c, "--routes is required");
    RUN_GEN(&c, "gen", "requests", "--routes", "workloads/routes/no-such.routes", "--count", "5");
    expect_refusal(&c, "workloads/routes/no-such.routes: cannot open");
    RUN_GEN(&c, "gen", "requests", "--routes", "workloads/routes/gplus.routes", "--count", "5",
            "--zipf", "-1");
    expect_refusal(&c, "--zipf: '-1' is not valid (expected a number 0..10)");

    /* A route file gets the full validation: syntax and the routing rules, each refusal naming
     * FILE:LINE. */
    expect_route_file_refused(&c, "GET /ok\nGRAB /bad\n", ":2: unknown method 'GRAB'");
    expect_route_file_refused(&c, "GET /a/:id\n# same again\nGET /a/:id\n",
                              ":3: duplicate route GET /a/:id");
    expect_route_file_refused(&c, "GET /a/:id\nGET /a/:name/x\n", ":2: wildcard ':name'");
    expect_route_file_refused(&c, "GET /a/*rest/x\n", ":1: ");
}

Test(cmd_gen, prints_routes_and_requests)
{
    static struct captured c;
    RUN_GEN(&c, "gen", "routes", "--count", "40", "--depth", "4", "--param-share", "0.4",
            "--catchall-share=0.2", "--fanout", "6", "--seed", "9");
    cr_assert_eq(c.rc, 0, "%s", c.err);
    cr_expect_str_empty(c.err);
    struct hp_route_set *set = parse_text("stdout", c.out);
    cr_expect_eq(set->count, 40);
    hp_route_set_free(set);

    RUN_GEN(&c, "gen", "requests", "--routes", "workloads/routes/github.routes", "--count", "25",
            "--zipf", "1.1", "--seed", "3");
    cr_assert_eq(c.rc, 0, "%s", c.err);
    cr_expect_str_empty(c.err);
    struct hp_request_list requests;
    requests_parse("stdout", c.out, &requests);
    cr_expect_eq(requests.count, 25);
    set = load_shipped("github");
    struct oracle oracle;
    oracle_open(&oracle, set);
    for (size_t i = 0; i < requests.count; i++) {
        const struct hp_request_line *r = &requests.items[i];
        cr_expect_not_null(oracle_route(&oracle, r->method, r->path, r->len), "%s %s",
                           hp_method_name(r->method), r->path);
    }
    oracle_close(&oracle);
    hp_route_set_free(set);
    requests_free(&requests);
}
