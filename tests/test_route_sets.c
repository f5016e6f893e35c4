/* The shipped route sets and request lists, and the synthetic generator (route_gen.h).
 *
 * The matcher and the rule checker here are deliberately written separately from route_gen.c
 * (segment by segment, quadratic, obvious), so a bug in the generator cannot hide itself.
 */
#include <criterion/criterion.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmd_gen.h"
#include "route_gen.h"

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
};
enum { SHIPPED_SET_COUNT = sizeof shipped_sets / sizeof shipped_sets[0] };

static void read_list(const char *path, struct hp_route_list *list)
{
    struct hp_error err = {{0}};
    int rc = hp_route_list_read_file(path, list, &err);
    cr_assert_eq(rc, 0, "%s does not parse: %s", path, err.message);
}

static void read_set(const char *name, struct hp_route_list *list)
{
    char path[256];
    snprintf(path, sizeof path, "workloads/routes/%s.routes", name);
    read_list(path, list);
}

/* ---- Independent matcher and rule checker ------------------------------------------------ */

static size_t segment_len(const char *s)
{
    size_t n = 0;
    while (s[n] && s[n] != '/')
        n++;
    return n;
}

/* `:name` = one non-empty segment, `*name` = the rest (possibly empty), other = literal. */
static bool pattern_matches(const char *pattern, const char *path)
{
    for (;;) {
        if (*pattern == '\0' || *path == '\0')
            return *pattern == '\0' && *path == '\0';
        if (*pattern != '/' || *path != '/')
            return false;
        pattern++, path++;
        if (*pattern == '*')
            return true;
        size_t pl = segment_len(pattern), ql = segment_len(path);
        if (*pattern == ':') {
            if (ql == 0)
                return false;
        } else if (pl != ql || memcmp(pattern, path, pl) != 0) {
            return false;
        }
        pattern += pl;
        path += ql;
    }
}

static unsigned param_count(const char *pattern)
{
    unsigned n = 0;
    for (const char *p = pattern; *p; p++)
        if (p[0] == '/' && (p[1] == ':' || p[1] == '*'))
            n++;
    return n;
}

static unsigned depth_of(const char *pattern)
{
    unsigned n = 0;
    for (const char *p = pattern; *p; p++)
        n += *p == '/';
    return n;
}

/* Checks one route's own shape and every pair for the set rules; fills why on failure. */
static bool set_follows_rules(const struct hp_route_list *list, char *why, size_t why_size)
{
    for (size_t i = 0; i < list->count; i++) {
        const char *p = list->routes[i].pattern;
        for (const char *s = p; *s; s++) {
            if (s[0] != '/' || (s[1] != ':' && s[1] != '*'))
                continue;
            size_t len = segment_len(s + 1);
            if (len < 2) {
                snprintf(why, why_size, "%s: empty wildcard name", p);
                return false;
            }
            if (s[1] == '*' && s[1 + len] != '\0') {
                snprintf(why, why_size, "%s: catch-all not at the end", p);
                return false;
            }
        }
    }
    for (size_t i = 0; i < list->count; i++) {
        for (size_t j = i + 1; j < list->count; j++) {
            const char *a = list->routes[i].pattern, *b = list->routes[j].pattern;
            if (list->routes[i].method == list->routes[j].method && strcmp(a, b) == 0) {
                snprintf(why, why_size, "duplicate: %s %s", list->routes[i].method, a);
                return false;
            }
            /* Walk the two patterns together while they share a trie path. */
            while (*a == '/' && *b == '/') {
                a++, b++;
                size_t al = segment_len(a), bl = segment_len(b);
                bool aw = *a == ':' || *a == '*', bw = *b == ':' || *b == '*';
                if (aw && bw) {
                    if (*a != *b || al != bl || memcmp(a, b, al) != 0) {
                        snprintf(why, why_size, "conflict at one position: %s vs %s",
                                 list->routes[i].pattern, list->routes[j].pattern);
                        return false;
                    }
                } else if (aw != bw || al != bl || memcmp(a, b, al) != 0) {
                    break; /* different branches (static beside param is allowed) */
                }
                a += al;
                b += bl;
            }
        }
    }
    return true;
}

/* ---- Shipped route sets ------------------------------------------------------------------ */

Test(route_sets, shipped_sets_parse_with_expected_counts)
{
    for (size_t s = 0; s < SHIPPED_SET_COUNT; s++) {
        struct hp_route_list list;
        read_set(shipped_sets[s].name, &list);
        cr_expect_eq(list.count, shipped_sets[s].routes, "%s.routes has %zu routes, expected %zu",
                     shipped_sets[s].name, list.count, shipped_sets[s].routes);
        for (size_t i = 0; i < list.count; i++)
            cr_expect_eq(list.routes[i].pattern[0], '/');
        hp_route_list_free(&list);
    }
}

Test(route_sets, shipped_sets_follow_the_rules)
{
    for (size_t s = 0; s < SHIPPED_SET_COUNT; s++) {
        struct hp_route_list list;
        read_set(shipped_sets[s].name, &list);
        char why[512] = "";
        cr_expect(set_follows_rules(&list, why, sizeof why), "%s.routes: %s", shipped_sets[s].name,
                  why);
        hp_route_list_free(&list);
    }
}

static int compare_strings(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static char **route_keys(const struct hp_route_list *list)
{
    char **keys = calloc(list->count, sizeof *keys);
    cr_assert_not_null(keys);
    for (size_t i = 0; i < list->count; i++) {
        size_t n = strlen(list->routes[i].method) + 1 + strlen(list->routes[i].pattern) + 1;
        keys[i] = malloc(n);
        cr_assert_not_null(keys[i]);
        snprintf(keys[i], n, "%s %s", list->routes[i].method, list->routes[i].pattern);
    }
    qsort(keys, list->count, sizeof *keys, compare_strings);
    return keys;
}

Test(route_sets, github_set_equals_the_reference)
{
    struct hp_route_list ours, reference;
    read_set("github", &ours);
    /* The build points HOTPATH_SHARED_DIR at ../shared beside the source tree; a checkout
     * elsewhere (a git worktree) can name the directory in the environment instead. */
    const char *shared = getenv("HOTPATH_SHARED_DIR");
    char reference_path[1024];
    snprintf(reference_path, sizeof reference_path, "%s/reference/github.routes",
             shared && *shared ? shared : HOTPATH_SHARED_DIR);
    read_list(reference_path, &reference);
    char **a = route_keys(&ours), **b = route_keys(&reference);

    char differences[4096] = "";
    size_t i = 0, j = 0, count = 0;
    while (i < ours.count || j < reference.count) {
        int c = i == ours.count ? 1 : j == reference.count ? -1 : strcmp(a[i], b[j]);
        if (c == 0) {
            i++, j++;
            continue;
        }
        const char *line = c < 0 ? a[i++] : b[j++];
        size_t used = strlen(differences);
        snprintf(differences + used, sizeof differences - used, "\n  %s %s",
                 c < 0 ? "only in ours:     " : "only in reference:", line);
        count++;
    }
    cr_expect_eq(count, 0, "github.routes differs from the reference in %zu routes:%s", count,
                 differences);
    for (size_t k = 0; k < ours.count; k++)
        free(a[k]);
    for (size_t k = 0; k < reference.count; k++)
        free(b[k]);
    free(a);
    free(b);
    hp_route_list_free(&ours);
    hp_route_list_free(&reference);
}

/* ---- Shipped request lists ------------------------------------------------------------- */

static const struct hp_route_line *first_match(const struct hp_route_list *routes,
                                               const char *method, const char *path)
{
    for (size_t i = 0; i < routes->count; i++)
        if (routes->routes[i].method == method && pattern_matches(routes->routes[i].pattern, path))
            return &routes->routes[i];
    return NULL;
}

Test(route_sets, every_request_matches_a_route_of_its_set)
{
    for (size_t s = 0; s < SHIPPED_SET_COUNT; s++) {
        struct hp_route_list routes;
        read_set(shipped_sets[s].name, &routes);
        for (size_t k = 0; k < 4 && shipped_sets[s].request_kinds[k]; k++) {
            const char *kind = shipped_sets[s].request_kinds[k];
            char path[256];
            snprintf(path, sizeof path, "workloads/requests/%s-%s.requests", shipped_sets[s].name,
                     kind);
            struct hp_route_list requests;
            read_list(path, &requests);
            cr_expect_gt(requests.count, 0, "%s is empty", path);
            for (size_t i = 0; i < requests.count; i++) {
                const struct hp_route_line *r = &requests.routes[i];
                cr_expect_null(strpbrk(r->pattern, ":*"), "%s:%u: wildcard left in %s", path,
                               r->line, r->pattern);
                cr_expect_not_null(first_match(&routes, r->method, r->pattern),
                                   "%s:%u: %s %s matches no route of %s.routes", path, r->line,
                                   r->method, r->pattern, shipped_sets[s].name);
            }
            hp_route_list_free(&requests);
        }
        hp_route_list_free(&routes);
    }
}

/* The single-request lists hold exactly one request, and it exercises what the name says:
 * a static route, a route with one parameter, a route with two. */
Test(route_sets, single_request_lists_have_the_named_shape)
{
    for (size_t s = 0; s < SHIPPED_SET_COUNT; s++) {
        struct hp_route_list routes;
        read_set(shipped_sets[s].name, &routes);
        for (size_t k = 0; k < 4 && shipped_sets[s].request_kinds[k]; k++) {
            const char *kind = shipped_sets[s].request_kinds[k];
            unsigned want = strcmp(kind, "static") == 0   ? 0
                            : strcmp(kind, "param1") == 0 ? 1
                            : strcmp(kind, "param2") == 0 ? 2
                                                          : 99;
            if (want == 99)
                continue;
            char path[256];
            snprintf(path, sizeof path, "workloads/requests/%s-%s.requests", shipped_sets[s].name,
                     kind);
            struct hp_route_list requests;
            read_list(path, &requests);
            cr_expect_eq(requests.count, 1, "%s: %zu requests, expected 1", path, requests.count);
            /* Static wins over parameters, so look for a static match first. */
            const struct hp_route_line *best = NULL;
            for (size_t i = 0; i < routes.count; i++) {
                const struct hp_route_line *r = &routes.routes[i];
                if (requests.count && r->method == requests.routes[0].method &&
                    pattern_matches(r->pattern, requests.routes[0].pattern) &&
                    (!best || param_count(r->pattern) < param_count(best->pattern)))
                    best = r;
            }
            cr_expect_not_null(best, "%s: no route matches", path);
            if (best)
                cr_expect_eq(param_count(best->pattern), want,
                             "%s: matched %s with %u params, expected %u", path, best->pattern,
                             param_count(best->pattern), want);
            hp_route_list_free(&requests);
        }
        hp_route_list_free(&routes);
    }
}

Test(route_sets, realistic_lists_cover_every_route)
{
    for (size_t s = 0; s < SHIPPED_SET_COUNT; s++) {
        struct hp_route_list routes, requests;
        read_set(shipped_sets[s].name, &routes);
        char path[256];
        snprintf(path, sizeof path, "workloads/requests/%s-realistic.requests",
                 shipped_sets[s].name);
        read_list(path, &requests);
        cr_expect_geq(requests.count, 300, "%s: only %zu requests", path, requests.count);
        for (size_t i = 0; i < routes.count; i++) {
            bool covered = false;
            for (size_t j = 0; j < requests.count && !covered; j++)
                covered = requests.routes[j].method == routes.routes[i].method &&
                          pattern_matches(routes.routes[i].pattern, requests.routes[j].pattern);
            cr_expect(covered, "%s: no request for %s %s", path, routes.routes[i].method,
                      routes.routes[i].pattern);
        }
        hp_route_list_free(&routes);
        hp_route_list_free(&requests);
    }
}

/* ---- Reader ------------------------------------------------------------------------------ */

static void expect_parse_error(const char *text, const char *fragment)
{
    struct hp_route_list list;
    struct hp_error err = {{0}};
    cr_expect_neq(hp_route_list_parse(text, strlen(text), "t.routes", &list, &err), 0,
                  "accepted: %s", text);
    cr_expect_not_null(strstr(err.message, fragment), "message '%s' lacks '%s'", err.message,
                       fragment);
    cr_expect_eq(list.count, 0);
}

Test(route_reader, refuses_malformed_lines_naming_the_line)
{
    expect_parse_error("GET /a\nFETCH /b\n", "t.routes:2: unknown method 'FETCH'");
    expect_parse_error("# c\n\nGET\n", "t.routes:3: missing path");
    expect_parse_error("GET a/b\n", "t.routes:1: path 'a/b' does not start with '/'");
    expect_parse_error("GET /a /b\n", "t.routes:1: unexpected text");
    expect_parse_error("get /a\n", "unknown method 'get'");
}

Test(route_reader, accepts_comments_blank_lines_and_crlf)
{
    const char *text = "# header\r\n\r\n  GET /a   # trailing\r\nTRACE /b/:c\n\tDELETE /d/*e";
    struct hp_route_list list;
    struct hp_error err = {{0}};
    cr_assert_eq(hp_route_list_parse(text, strlen(text), "t", &list, &err), 0, "%s", err.message);
    cr_assert_eq(list.count, 3);
    cr_expect_str_eq(list.routes[0].pattern, "/a");
    cr_expect_eq(list.routes[0].line, 3);
    cr_expect_str_eq(list.routes[1].method, "TRACE");
    cr_expect_str_eq(list.routes[2].pattern, "/d/*e");
    hp_route_list_free(&list);
}

/* ---- Route-set generator ------------------------------------------------------------------ */

static struct hp_route_list generate_list(const struct hp_route_gen_params *params)
{
    struct hp_error err = {{0}};
    char *text = hp_route_gen_routes(params, &err);
    cr_assert_not_null(text, "generation failed: %s", err.message);
    struct hp_route_list list;
    cr_assert_eq(hp_route_list_parse(text, strlen(text), "generated", &list, &err), 0, "%s",
                 err.message);
    free(text);
    return list;
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
        struct hp_route_list list = generate_list(p);
        cr_expect_eq(list.count, p->routes, "case %zu: %zu routes, asked for %u", c, list.count,
                     p->routes);
        char why[512] = "";
        cr_expect(set_follows_rules(&list, why, sizeof why), "case %zu: %s", c, why);
        for (size_t i = 0; i < list.count; i++)
            cr_expect_leq(depth_of(list.routes[i].pattern), p->max_depth, "case %zu: %s", c,
                          list.routes[i].pattern);
        hp_route_list_free(&list);
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
    struct hp_route_list list = generate_list(&p);
    size_t wildcards = 0;
    for (size_t i = 0; i < list.count; i++)
        wildcards += param_count(list.routes[i].pattern);
    cr_expect_eq(wildcards, 0, "shares 0 still gave %zu wildcards", wildcards);
    hp_route_list_free(&list);

    p.param_share = 0.5;
    p.catchall_share = 0.5;
    list = generate_list(&p);
    size_t params = 0, catchalls = 0;
    for (size_t i = 0; i < list.count; i++) {
        params += strstr(list.routes[i].pattern, "/:") != NULL;
        catchalls += strstr(list.routes[i].pattern, "/*") != NULL;
    }
    cr_expect_gt(params, list.count / 4, "only %zu of %zu routes have a param", params, list.count);
    cr_expect_gt(catchalls, list.count / 10, "only %zu of %zu routes have a catch-all", catchalls,
                 list.count);
    hp_route_list_free(&list);

    /* Fanout bounds the distinct first segments. */
    p.prefix_fanout = 2;
    list = generate_list(&p);
    char firsts[3][64] = {{0}};
    size_t distinct = 0;
    for (size_t i = 0; i < list.count; i++) {
        const char *pattern = list.routes[i].pattern;
        size_t len = segment_len(pattern + 1);
        bool known = false;
        for (size_t k = 0; k < distinct; k++)
            known |= strlen(firsts[k]) == len && memcmp(firsts[k], pattern + 1, len) == 0;
        if (!known && distinct < 3)
            snprintf(firsts[distinct++], sizeof firsts[0], "%.*s", (int)len, pattern + 1);
    }
    cr_expect_leq(distinct, 2, "fanout 2 gave %zu first segments", distinct);
    hp_route_list_free(&list);
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

Test(request_gen, every_request_matches_its_route)
{
    struct hp_route_gen_params p = generator_cases[3];
    struct hp_route_list routes = generate_list(&p);
    struct hp_request_stream stream;
    struct hp_error err = {{0}};
    cr_assert_eq(hp_request_stream_generate(&routes, 3000, 1.0, 42, &stream, &err), 0, "%s",
                 err.message);
    cr_assert_eq(stream.count, 3000);
    for (size_t i = 0; i < stream.count; i++) {
        const struct hp_request *r = &stream.requests[i];
        const struct hp_route_line *route = &routes.routes[r->route_index];
        cr_expect_eq(strlen(r->path), r->path_len);
        cr_expect_eq(r->method, route->method);
        cr_expect(pattern_matches(route->pattern, r->path), "%s does not match %s", r->path,
                  route->pattern);
        const char *star = strstr(route->pattern, "/*");
        if (star) {
            /* Skip as many segments in the path as precede the catch-all in the pattern; what
             * is left is the catch-all value (without its leading '/'): 1-3 segments. */
            unsigned skip = depth_of(route->pattern) - 1;
            const char *value = r->path;
            for (unsigned k = 0; k < skip; k++)
                value = strchr(value + 1, '/');
            value++;
            unsigned slashes = 0;
            for (const char *q = value; *q; q++)
                slashes += *q == '/';
            cr_expect(*value != '\0' && slashes <= 2, "catch-all value '%s' in %s", value, r->path);
        }
    }
    hp_request_stream_free(&stream);
    hp_route_list_free(&routes);
}

Test(request_gen, deterministic_per_seed)
{
    struct hp_route_list routes;
    read_set("github", &routes);
    struct hp_request_stream a, b, c;
    struct hp_error err = {{0}};
    cr_assert_eq(hp_request_stream_generate(&routes, 500, 0.8, 7, &a, &err), 0);
    cr_assert_eq(hp_request_stream_generate(&routes, 500, 0.8, 7, &b, &err), 0);
    cr_assert_eq(hp_request_stream_generate(&routes, 500, 0.8, 8, &c, &err), 0);
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
    hp_route_list_free(&routes);
}

static int compare_desc(const void *a, const void *b)
{
    size_t x = *(const size_t *)a, y = *(const size_t *)b;
    return x < y ? 1 : x > y ? -1 : 0;
}

/* Frequencies by route, sorted descending; returns the index of the most frequent route. */
static size_t sorted_frequencies(const struct hp_route_list *routes, double s, uint64_t seed,
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
    struct hp_route_list routes = generate_list(&p);
    size_t freq[100];

    /* s = 1 over 100 routes: rank 1 expects ~19% of requests, rank 10 ~1.9%. */
    sorted_frequencies(&routes, 1.0, 1, 20000, freq);
    cr_expect_gt(freq[0], 2 * freq[9], "rank 1 %zu vs rank 10 %zu", freq[0], freq[9]);
    cr_expect_gt(freq[0], 20000 / 10, "rank 1 got only %zu of 20000", freq[0]);

    /* s = 0 is uniform: no route far above its 1% share. */
    sorted_frequencies(&routes, 0.0, 1, 20000, freq);
    cr_expect_lt(freq[0], 3 * 20000 / 100, "uniform stream's top route got %zu", freq[0]);

    /* The most popular route depends on the seed, not on its line in the file. */
    size_t tops[6];
    bool varied = false;
    for (uint64_t seed = 0; seed < 6; seed++) {
        tops[seed] = sorted_frequencies(&routes, 1.5, seed, 2000, freq);
        varied |= tops[seed] != tops[0];
    }
    cr_expect(varied, "route %zu is the most popular for every seed", tops[0]);
    hp_route_list_free(&routes);
}

Test(request_gen, refuses_bad_arguments)
{
    struct hp_route_list routes = {0};
    struct hp_request_stream stream;
    struct hp_error err = {{0}};
    cr_expect_neq(hp_request_stream_generate(&routes, 10, 1.0, 1, &stream, &err), 0);
    read_set("gplus", &routes);
    cr_expect_neq(hp_request_stream_generate(&routes, 0, 1.0, 1, &stream, &err), 0);
    cr_expect_neq(hp_request_stream_generate(&routes, 10, -1.0, 1, &stream, &err), 0);
    cr_expect_neq(hp_request_stream_generate(&routes, 10, NAN, 1, &stream, &err), 0);
    cr_expect_not_null(strstr(err.message, "Zipf exponent"), "%s", err.message);
    hp_route_list_free(&routes);
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

    char bad[] = "/tmp/hotpath_test_route_sets_XXXXXX";
    int fd = mkstemp(bad);
    cr_assert_geq(fd, 0);
    const char *text = "GET /ok\nGRAB /bad\n";
    cr_assert_eq(write(fd, text, strlen(text)), (ssize_t)strlen(text));
    close(fd);
    RUN_GEN(&c, "gen", "requests", "--routes", bad, "--count", "5");
    unlink(bad);
    char where[128];
    snprintf(where, sizeof where, "%s:2: unknown method 'GRAB'", bad);
    expect_refusal(&c, where);
}

Test(cmd_gen, prints_routes_and_requests)
{
    static struct captured c;
    RUN_GEN(&c, "gen", "routes", "--count", "40", "--depth", "4", "--param-share", "0.4",
            "--catchall-share=0.2", "--fanout", "6", "--seed", "9");
    cr_assert_eq(c.rc, 0, "%s", c.err);
    cr_expect_str_empty(c.err);
    struct hp_route_list list;
    struct hp_error err = {{0}};
    cr_assert_eq(hp_route_list_parse(c.out, strlen(c.out), "stdout", &list, &err), 0, "%s",
                 err.message);
    cr_expect_eq(list.count, 40);
    hp_route_list_free(&list);

    RUN_GEN(&c, "gen", "requests", "--routes", "workloads/routes/github.routes", "--count", "25",
            "--zipf", "1.1", "--seed", "3");
    cr_assert_eq(c.rc, 0, "%s", c.err);
    struct hp_route_list requests, routes;
    cr_assert_eq(hp_route_list_parse(c.out, strlen(c.out), "stdout", &requests, &err), 0, "%s",
                 err.message);
    cr_expect_eq(requests.count, 25);
    read_set("github", &routes);
    for (size_t i = 0; i < requests.count; i++)
        cr_expect_not_null(
            first_match(&routes, requests.routes[i].method, requests.routes[i].pattern), "%s %s",
            requests.routes[i].method, requests.routes[i].pattern);
    hp_route_list_free(&requests);
    hp_route_list_free(&routes);
}
