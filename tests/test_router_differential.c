/* Differential oracle (conformance item 30): every router in hp_router_table answers exactly
 * what `linear` answers (handler, params, 404/405/redirect), on
 *   - the project's GitHub route set, every route instantiated, byte-flipped and mutated;
 *   - every route set under workloads/routes/ with every request under workloads/requests/
 *     (skipped, with a log line, while those directories do not exist);
 *   - random generated route sets with thousands of requests near their routes.
 * It also checks that lookups allocate nothing (radix_copy_params excepted: one allocation per
 * param, by design). */
#include <dirent.h>
#include <sys/stat.h>
#include <unistd.h>

#include "router_test_util.h"

struct tally {
    size_t requests, found, params;
};

/* The case-insensitive suggestion (item 23) of router i, compared with linear's (asked first),
 * with no allocation. */
static void check_case_fix(const struct fixture *fx, size_t i, bool is_linear,
                           enum hp_method method, const char *path, size_t len)
{
    static char want[ANSWER_MAX], got[ANSWER_MAX];
    static size_t want_len;
    if (len > ANSWER_MAX)
        return;
    cr_assert(fx->ops[i]->find_case_insensitive, "%s: no find_case_insensitive",
              fx->ops[i]->info.name);
    struct hp_alloc_counts before, after;
    hp_alloc_counts_read(&before);
    size_t n = fx->ops[i]->find_case_insensitive(fx->r[i], method, path, len,
                                                 is_linear ? want : got, ANSWER_MAX);
    hp_alloc_counts_read(&after);
    cr_assert_eq(hp_alloc_counts_delta(&before, &after).allocs, 0,
                 "%s: find_case_insensitive allocated", fx->ops[i]->info.name);
    if (is_linear) {
        want_len = n;
        return;
    }
    cr_assert(n == want_len && memcmp(got, want, n) == 0,
              "%s disagrees with linear on the fixed-case path for %s %.*s: '%.*s' vs '%.*s'",
              fx->ops[i]->info.name, hp_method_name(method), (int)(len > 300 ? 300 : len), path,
              (int)(n > 300 ? 300 : n), got, (int)(want_len > 300 ? 300 : want_len), want);
}

/* Asks every router; asserts agreement with linear and zero allocations per lookup (except
 * the copying router, which must allocate exactly once per param). */
static void check_request(const struct fixture *fx, enum hp_method method, const char *request,
                          size_t len, struct tally *tally)
{
    static char want[ANSWER_MAX], got[ANSWER_MAX];
    /* In a block of exactly len bytes, so that the ASan build catches a router that reads past
     * the path (routers may not assume anything after path[len - 1]). */
    char *path = malloc(len ? len : 1);
    cr_assert(path);
    memcpy(path, request, len);
    size_t li = linear_index();
    uint32_t params = 0;
    for (size_t pass = 0; pass < fx->n; pass++) {
        /* linear first, so every other router is compared with it */
        size_t i = pass == 0 ? li : (pass <= li ? pass - 1 : pass);
        struct hp_match m;
        hp_match_init(&m);
        struct hp_alloc_counts before, after;
        hp_alloc_counts_read(&before);
        fx->ops[i]->lookup(fx->r[i], method, path, len, &m);
        hp_alloc_counts_read(&after);
        uint64_t allocs = hp_alloc_counts_delta(&before, &after).allocs;
        char *buf = pass == 0 ? want : got;
        hp_match_format(buf, ANSWER_MAX, fx->set, method, path, len, &m);
        uint32_t count = m.status == HP_MATCH_FOUND ? m.params.count : 0;
        fx->ops[i]->match_release(fx->r[i], &m);
        if (pass == 0) {
            params = count;
            tally->requests++;
            tally->found += m.status == HP_MATCH_FOUND;
            tally->params += count;
        } else {
            cr_assert_str_eq(got, want, "%s disagrees with linear on %s %.*s: '%s' vs '%s'",
                             fx->ops[i]->info.name, hp_method_name(method),
                             (int)(len > 300 ? 300 : len), path, got, want);
        }
        check_case_fix(fx, i, pass == 0, method, path, len);
        bool copies = strcmp(fx->ops[i]->info.name, "radix_copy_params") == 0;
        bool always_heap = strcmp(fx->ops[i]->info.name, "radix_heap_params") == 0;
        uint64_t expected = copies ? params : 0;
        if (always_heap)
            expected = params > 0; /* one array per lookup with params, exactly */
        else if (params > HP_PARAMS_INLINE)
            expected += 1; /* the overflow array, at most */
        if (params > HP_PARAMS_INLINE && !always_heap)
            cr_assert(allocs <= expected, "%s: %llu allocations", fx->ops[i]->info.name,
                      (unsigned long long)allocs);
        else
            cr_assert_eq(allocs, expected, "%s: %llu allocations for %s %.*s (%u params)",
                         fx->ops[i]->info.name, (unsigned long long)allocs, hp_method_name(method),
                         (int)(len > 300 ? 300 : len), path, params);
    }
    free(path);
}

/* A request for `route`: params and catch-alls replaced by values drawn from rng. */
static size_t instantiate(const struct hp_route *route, struct hp_rng *rng, char *out, size_t size)
{
    static const char *const values[] = {"42", "gordon", "new", "x", "a.b", "%2F", "ünì", "-"};
    size_t n = 0;
    const char *p = route->pattern;
    for (size_t i = 0; i < route->pattern_len && n + 64 < size;) {
        bool wildcard = (p[i] == ':' || p[i] == '*') && i > 0 && p[i - 1] == '/';
        if (!wildcard) {
            out[n++] = p[i++];
            continue;
        }
        bool catchall = p[i] == '*';
        while (i < route->pattern_len && p[i] != '/')
            i++;
        const char *v = values[hp_rng_below(rng, sizeof values / sizeof *values)];
        n += (size_t)snprintf(out + n, size - n, "%s", v);
        if (catchall && hp_rng_below(rng, 2))
            n += (size_t)snprintf(out + n, size - n, "/deeper/%s", v);
    }
    return n;
}

/* Mutations of a request: a byte flipped, a byte dropped, a slash added or removed, a query,
 * a prefix cut. */
static size_t mutate(const char *in, size_t len, struct hp_rng *rng, char *out, size_t size)
{
    static const char bytes[] = "/~a:*?#%.\xc3";
    if (len + 8 > size)
        len = size - 8;
    memcpy(out, in, len);
    size_t n = len;
    switch (hp_rng_below(rng, 7)) {
    case 0:
        if (n)
            out[hp_rng_below(rng, n)] = bytes[hp_rng_below(rng, sizeof bytes - 1)];
        break;
    case 1:
        if (n) {
            size_t at = hp_rng_below(rng, n);
            memmove(out + at, out + at + 1, n - at - 1);
            n--;
        }
        break;
    case 2:
        if (n && out[n - 1] == '/')
            n--;
        else
            out[n++] = '/';
        break;
    case 3:
        memcpy(out + n, "?q=/x", 5);
        n += 5;
        break;
    case 4:
        n = n ? hp_rng_below(rng, n + 1) : 0;
        break;
    case 5:
        /* Case flips from a random point on (the case-insensitive suggestion, item 23). */
        for (size_t i = n ? hp_rng_below(rng, n) : 0; i < n; i++)
            if ((out[i] >= 'a' && out[i] <= 'z') || (out[i] >= 'A' && out[i] <= 'Z'))
                out[i] ^= hp_rng_below(rng, 2) ? 0x20 : 0;
        break;
    default:
        out[n++] = 'z';
        break;
    }
    return n;
}

static void check_set_near(const struct fixture *fx, uint64_t seed, int per_route,
                           struct tally *tally)
{
    struct hp_rng rng;
    hp_rng_seed(&rng, seed);
    char path[4096], mutated[4096];
    for (size_t k = 0; k < fx->set->count; k++) {
        const struct hp_route *route = &fx->set->routes[k];
        /* The pattern itself, and each of its bytes flipped. */
        check_request(fx, route->method, route->pattern, route->pattern_len, tally);
        for (size_t at = 0; at < route->pattern_len && route->pattern_len < sizeof path; at++) {
            memcpy(path, route->pattern, route->pattern_len);
            path[at] ^= 0x01;
            check_request(fx, route->method, path, route->pattern_len, tally);
        }
        for (int r = 0; r < per_route; r++) {
            size_t len = instantiate(route, &rng, path, sizeof path);
            enum hp_method method =
                hp_rng_below(&rng, 8) ? route->method : (enum hp_method)hp_rng_below(&rng, 4);
            check_request(fx, method, path, len, tally);
            size_t mlen = mutate(path, len, &rng, mutated, sizeof mutated);
            check_request(fx, method, mutated, mlen, tally);
        }
    }
}

/* The project's own GitHub route set (workloads/routes), loaded or the test fails. */
static struct hp_route_set *project_github_set(void)
{
    struct hp_route_set *set = NULL;
    struct hp_error err = {""};
    cr_assert(hp_route_set_load("workloads/routes/github.routes", &set, &err) == 0, "%s",
              err.message);
    return set;
}

Test(differential, github_route_set)
{
    struct hp_route_set *set = project_github_set();
    cr_assert(set->count > 100, "github.routes has %zu routes", set->count);
    struct fixture fx;
    fixture_from_set(&fx, set);
    struct tally tally = {0};
    check_set_near(&fx, 30, 8, &tally);
    cr_log_info("github.routes: %zu requests, %zu found, %zu params", tally.requests, tally.found,
                tally.params);
    cr_expect(tally.found > set->count, "the instantiated requests should mostly hit");
    fixture_free(&fx);
}

static bool has_suffix(const char *s, const char *suffix)
{
    size_t a = strlen(s), b = strlen(suffix);
    return a >= b && strcmp(s + a - b, suffix) == 0;
}

/* Requests from workloads/requests/, read with the shared request-list reader (a bad line is
 * a failure, with its file and line). */
static void check_request_file(const struct fixture *fx, const char *file, struct tally *tally)
{
    struct hp_request_list list;
    struct hp_error err = {""};
    cr_assert_eq(hp_request_list_load(file, &list, &err), 0, "%s", err.message);
    for (size_t i = 0; i < list.count && i < 20000; i++)
        check_request(fx, list.items[i].method, list.items[i].path, list.items[i].len, tally);
    hp_request_list_free(&list);
}

Test(differential, workload_route_sets)
{
    DIR *routes = opendir("workloads/routes");
    if (!routes) {
        cr_log_info("workloads/routes/ not present: skipped (the GitHub set is tested above)");
        return;
    }
    size_t sets = 0;
    struct dirent *de;
    while ((de = readdir(routes))) {
        if (!has_suffix(de->d_name, ".routes"))
            continue;
        char file[1024];
        snprintf(file, sizeof file, "workloads/routes/%s", de->d_name);
        struct hp_route_set *set = NULL;
        struct hp_error err = {""};
        cr_assert(hp_route_set_load(file, &set, &err) == 0, "%s", err.message);
        struct fixture fx;
        fixture_from_set(&fx, set);
        struct tally tally = {0};
        check_set_near(&fx, 300 + sets, 2, &tally);
        DIR *requests = opendir("workloads/requests");
        struct dirent *re;
        while (requests && (re = readdir(requests))) {
            if (re->d_name[0] == '.')
                continue;
            char rfile[1024];
            snprintf(rfile, sizeof rfile, "workloads/requests/%s", re->d_name);
            struct stat st;
            if (stat(rfile, &st) == 0 && S_ISREG(st.st_mode))
                check_request_file(&fx, rfile, &tally);
        }
        if (requests)
            closedir(requests);
        else
            cr_log_info("workloads/requests/ not present: only generated requests for %s", file);
        cr_log_info("%s: %zu requests, %zu found", file, tally.requests, tally.found);
        fixture_free(&fx);
        sets++;
    }
    closedir(routes);
    cr_log_info("%zu route sets under workloads/routes/", sets);
}

/* A random, API-shaped route set: resources, ids, actions, a few catch-alls. Candidates the
 * set validator refuses are dropped, so every set is valid by construction. */
static struct hp_route_set *random_route_set(struct hp_rng *rng, size_t wanted)
{
    static const char *const words[] = {
        "users",    "repos", "orgs", "v1",  "v2",   "api", "files", "search", "new", "edit",
        "settings", "a",     "ab",   "abc", "user", "us",  "items", "static", "img", "x"};
    static const char *const params[] = {":id", ":name", ":owner", ":repo", ":sha", ":n"};
    static const char *const methods[] = {"GET", "GET", "GET", "POST", "PUT", "DELETE"};
    size_t cap = wanted * 96 + 64, used = 0;
    char *text = malloc(cap);
    struct hp_route_set *set = NULL;
    for (size_t c = 0; c < wanted * 2 && used + 96 < cap; c++) {
        size_t before = used;
        used += (size_t)sprintf(text + used, "%s ", methods[hp_rng_below(rng, 6)]);
        int depth = 1 + (int)hp_rng_below(rng, 5);
        for (int d = 0; d < depth; d++) {
            uint64_t roll = hp_rng_below(rng, 10);
            if (roll < 6)
                used += (size_t)sprintf(text + used, "/%s", words[hp_rng_below(rng, 20)]);
            else if (roll < 9)
                used += (size_t)sprintf(text + used, "/%s", params[hp_rng_below(rng, 6)]);
            else {
                used += (size_t)sprintf(text + used, "/*rest");
                break;
            }
        }
        if (hp_rng_below(rng, 6) == 0 && text[used - 1] != '/')
            text[used++] = '/';
        text[used++] = '\n';
        /* Validate the candidate alone against the accepted ones (cheap enough here). */
        struct hp_route_set *trial = NULL;
        if (hp_route_set_parse("gen.routes", text, used, &trial, NULL) != 0)
            used = before;
        hp_route_set_free(trial);
    }
    struct hp_error err = {""};
    cr_assert(hp_route_set_parse("gen.routes", text, used, &set, &err) == 0, "%s", err.message);
    free(text);
    return set;
}

Test(differential, random_route_sets, .timeout = 300)
{
    struct hp_rng rng;
    hp_rng_seed(&rng, 2024);
    struct tally tally = {0};
    for (int round = 0; round < 12; round++) {
        struct hp_route_set *set = random_route_set(&rng, 20 + (size_t)round * 15);
        struct fixture fx;
        fixture_from_set(&fx, set);
        check_set_near(&fx, 1000 + (uint64_t)round, 6, &tally);
        /* Fully random paths from the same words. */
        char path[512];
        for (int q = 0; q < 300; q++) {
            size_t n = 0;
            int depth = (int)hp_rng_below(&rng, 6);
            for (int d = 0; d < depth; d++)
                n += (size_t)sprintf(path + n, "/%s",
                                     fx.set->routes[hp_rng_below(&rng, fx.set->count)].pattern + 1);
            if (n == 0)
                path[n++] = '/';
            check_request(&fx, (enum hp_method)hp_rng_below(&rng, 6), path, n, &tally);
        }
        fixture_free(&fx);
    }
    cr_log_info("random sets: %zu requests, %zu found, %zu params", tally.requests, tally.found,
                tally.params);
    cr_expect(tally.requests > 5000);
    cr_expect(tally.found > tally.requests / 10, "too few hits (%zu of %zu) to mean much",
              tally.found, tally.requests);
}

/* The radix walk copies short paths into a padded buffer and walks the others in place, with
 * a word load or a 16-byte scan that changes form near the path's end (radix_tree.c,
 * WALK_COPY_MAX): lengths on both sides of each switch, each ending in a static edge, a param,
 * a catch-all, a query or a fragment, must get linear's answers. */
Test(differential, path_lengths_around_the_copy_limit)
{
    struct fixture fx;
    fixture_build(&fx, "GET /s/:a/tail\n"
                       "GET /s/:a/:b\n"
                       "GET /c/*rest\n"
                       "GET /long/segment/that/is/static/and/has/no/params/at/all\n");
    static const char *const prefixes[] = {"/s/", "/c/", "/s/x/"};
    static const char *const endings[] = {"", "/tail", "?q=1", "#f", "/"};
    struct tally tally = {0};
    char path[1200];
    for (size_t p = 0; p < 3; p++)
        for (size_t e = 0; e < 5; e++)
            for (size_t len = 1; len < 1100; len += len < 280 ? 1 : 97) {
                size_t n = (size_t)snprintf(path, sizeof path, "%s", prefixes[p]);
                for (size_t i = 0; i < len && n < sizeof path - 16; i++)
                    path[n++] = (char)('a' + i % 26);
                n += (size_t)snprintf(path + n, sizeof path - n, "%s", endings[e]);
                check_request(&fx, HP_METHOD_GET, path, n, &tally);
            }
    cr_expect(tally.found > tally.requests / 2, "most of these requests should hit");
    fixture_free(&fx);
}

/* The radix walk's two shortcuts, each beside the tree shapes where it must not apply: it starts
 * at the root's child when that edge is exactly "/" (and not when every route shares a longer
 * first edge), and it passes a param's only static child "/" without a search, backtracking
 * through it to a sibling or a catch-all when the rest dead-ends. */
Test(differential, walk_shortcuts_and_their_neighbours)
{
    static const char *const sets[] = {
        /* root edge "/api": no start past the root */
        "GET /api/users\nGET /api/:x\nGET /api/:x/y\nGET /apiv/*rest\n",
        /* root edge "/", a route and a catch-all there; a param whose "/" has a route, a param
         * and a static child */
        "GET /\nGET /*path\nGET /a/:x/\nGET /a/:x/:y\nGET /a/:x/b\n",
        /* dead ends past the fused "/": to the catch-all after it, to a static sibling before */
        "GET /u/:id/x\nGET /u/:id/*rest\nGET /u/new/x/z\nGET /u/:id/x/:k\nPOST /u/:id/\n",
        /* consecutive params, each followed by its "/" alone */
        "GET /r/:o/:r/:n/c\nGET /r/:o/:r/:n\nGET /r/:o/:r/i/:n\n",
    };
    struct tally tally = {0};
    for (size_t i = 0; i < sizeof sets / sizeof *sets; i++) {
        struct fixture fx;
        fixture_build(&fx, sets[i]);
        check_set_near(&fx, 500 + i, 40, &tally);
        static const char *const extra[] = {"",       "/",     "//",    "a",         "/a//b",
                                            "/u/1/",  "/u/1",  "/u//x", "/u/1/x/",   "/r/o/r/n/",
                                            "/r/o//", "/api/", "/api",  "/api/x/y/", "/apiv"};
        for (size_t e = 0; e < sizeof extra / sizeof *extra; e++)
            for (int m = 0; m < 2; m++)
                check_request(&fx, m ? HP_METHOD_POST : HP_METHOD_GET, extra[e], strlen(extra[e]),
                              &tally);
        fixture_free(&fx);
    }
    cr_expect(tally.found > tally.requests / 4, "many of these requests should hit");
}

/* hp_map_core_rebuild_part (cow_map's copy of only the changed part) answers every request
 * exactly as a core built whole from the same route list, for both key shapes, whichever
 * route (static or not, any method) was removed or added back. */
#include "routers/map_core.h"

static void expect_same_cores(const struct hp_map_core *want, const struct hp_map_core *got,
                              const struct hp_route_set *set, const char *what)
{
    for (size_t i = 0; i < set->count; i++) {
        const struct hp_route *q = &set->routes[i];
        for (int m = 0; m < 2; m++) {
            enum hp_method method = m == 0 ? q->method : HP_METHOD_GET;
            struct hp_match a, b;
            hp_match_init(&a);
            hp_match_init(&b);
            void (*lookup)(const struct hp_map_core *, enum hp_method, const char *, size_t,
                           struct hp_match *) = want->shape == HP_MAP_KEY_COMBINED
                                                    ? hp_map_core_lookup_combined
                                                    : hp_map_core_lookup_split;
            lookup(want, method, q->pattern, q->pattern_len, &a);
            lookup(got, method, q->pattern, q->pattern_len, &b);
            static char wa[ANSWER_MAX], wb[ANSWER_MAX];
            hp_match_format(wa, ANSWER_MAX, set, method, q->pattern, q->pattern_len, &a);
            hp_match_format(wb, ANSWER_MAX, set, method, q->pattern, q->pattern_len, &b);
            cr_assert_str_eq(wb, wa, "%s: %s %s", what, hp_method_name(method), q->pattern);
            hp_match_release_default(NULL, &a);
            hp_match_release_default(NULL, &b);
        }
    }
}

Test(differential, rebuilding_one_part_equals_building_the_whole_core)
{
    struct hp_route_set *set = project_github_set();
    struct hp_error err = {""};
    struct hp_route_list all = {0}, fewer = {0};
    for (size_t i = 0; i < set->count; i++)
        cr_assert(hp_route_list_append(&all, &set->routes[i], &err) == 0);
    for (int shape = 0; shape < 2; shape++) {
        struct hp_map_core base;
        cr_assert(hp_map_core_build(&base, (enum hp_map_key_shape)shape, &all, NULL, &err) == 0);
        /* every 7th route: static and dynamic ones, of several methods */
        for (size_t i = 0; i < set->count; i += 7) {
            const struct hp_route *changed = &set->routes[i];
            fewer.count = 0;
            for (size_t j = 0; j < set->count; j++)
                if (j != i)
                    cr_assert(hp_route_list_append(&fewer, &set->routes[j], &err) == 0);
            struct hp_map_core whole, derived;
            cr_assert(hp_map_core_build(&whole, (enum hp_map_key_shape)shape, &fewer, NULL, &err) ==
                      0);
            cr_assert(hp_map_core_rebuild_part(&derived, &base, &fewer, changed, &err) == 0, "%s",
                      err.message);
            expect_same_cores(&whole, &derived, set, "without one route");
            /* only the changed part is new: free it alone (the rest is base's) */
            if (hp_map_core_route_is_mapped(changed)) {
                hp_route_hash_free(shape == HP_MAP_KEY_COMBINED
                                       ? &derived.combined
                                       : &derived.by_method[changed->method]);
            } else {
                cr_assert(derived.dynamic.trees[changed->method] !=
                          base.dynamic.trees[changed->method]);
                hp_radix_tree_destroy(derived.dynamic.trees[changed->method]);
            }
            hp_map_core_destroy(&whole);
        }
        hp_map_core_destroy(&base);
    }
    hp_route_list_free(&all);
    hp_route_list_free(&fewer);
    hp_route_set_free(set);
}

/* The forest's warm-up: some lines for a non-empty forest, never more than the budget, none for
 * an empty one, no allocation. */
Test(differential, forest_prefetch_stays_within_its_budget)
{
    struct hp_route_set *set = project_github_set();
    struct hp_error err = {""};
    struct hp_radix_forest forest = {0};
    cr_assert_eq(hp_radix_forest_prefetch(&forest, 100), 0);
    for (size_t i = 0; i < set->count; i++)
        cr_assert(hp_radix_forest_insert(&forest, &set->routes[i], &err) == 0, "%s", err.message);
    struct hp_alloc_counts before, after;
    hp_alloc_counts_read(&before);
    size_t all = hp_radix_forest_prefetch(&forest, SIZE_MAX);
    cr_assert_gt(all, set->count / 2, "at least a line per two routes' nodes");
    cr_assert_eq(hp_radix_forest_prefetch(&forest, all - 1), all - 1);
    cr_assert_eq(hp_radix_forest_prefetch(&forest, 1), 1);
    hp_alloc_counts_read(&after);
    cr_assert_eq(hp_alloc_counts_delta(&before, &after).allocs, 0);
    hp_radix_forest_destroy(&forest);
    hp_route_set_free(set);
}
