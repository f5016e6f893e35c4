/* The router conformance list, 32 items (registration, matching, limits, fuzz, concurrency; each
 * test is named after its item), each run against every router in hp_router_table (routers
 * registered later are covered without touching this file). */
#include <pthread.h>

#include "router_test_util.h"
#include "routers/path_clean.h"

#define R(method, pattern, line) mk_route(method, pattern, line)
#define REFUSED(want, ...)                                                                         \
    do {                                                                                           \
        const struct hp_route routes_[] = {__VA_ARGS__};                                           \
        expect_refused(routes_, sizeof routes_ / sizeof routes_[0], want);                         \
    } while (0)

/* Every router, built from `routes` (route-file text), answers each row's request with its
 * `want` (the `hotpath route` text). */
struct exchange {
    const char *method, *path, *want;
};

static void expect_answers(const char *routes, const struct exchange *rows, size_t count)
{
    struct fixture fx;
    fixture_build(&fx, routes);
    for (size_t i = 0; i < count; i++)
        expect(&fx, rows[i].method, rows[i].path, rows[i].want);
    fixture_free(&fx);
}

#define EXPECT_ANSWERS(routes, ...)                                                                \
    do {                                                                                           \
        const struct exchange rows_[] = {__VA_ARGS__};                                             \
        expect_answers(routes, rows_, sizeof rows_ / sizeof rows_[0]);                             \
    } while (0)

/* ---- registration ---- */

Test(registration, item01_duplicate_names_existing_route)
{
    REFUSED("duplicate route GET /a/:x, already registered at t.routes:1", R("GET", "/a/:x", 1),
            R("GET", "/a/:x", 2));
    REFUSED("already registered at t.routes:2", R("GET", "/x", 1), R("GET", "/y", 2),
            R("POST", "/y", 3), R("GET", "/y", 4));
    REFUSED("already registered at t.routes:1", R("GET", "/src/*f", 1), R("GET", "/src/*f", 2));
}

Test(registration, item02_param_name_conflict)
{
    REFUSED("':bar' of GET /x/:bar/bar conflicts with ':foo' of GET /x/:foo/bar",
            R("GET", "/x/:foo/bar", 1), R("GET", "/x/:bar/bar", 2));
    REFUSED("conflicts with ':name'", R("GET", "/foo/:name", 1), R("GET", "/foo/:names", 2));
    REFUSED("conflicts with ':a'", R("GET", "/p/:a", 1), R("GET", "/p/:b/deeper", 2));
    REFUSED("conflicts with '*a'", R("GET", "/p/*a", 1), R("GET", "/p/*b", 2));
}

Test(registration, item03_catchall_not_last)
{
    REFUSED("t.routes:1: pattern '/src/*filepath/x': catch-all '*filepath' must be the last",
            R("GET", "/src/*filepath/x", 1));
    REFUSED("must be the last segment", R("GET", "/*a/", 1));
}

Test(registration, item04_wildcard_bytes_inside_a_segment_are_literal)
{
    EXPECT_ANSWERS("GET /src2*filepath\nGET /foo/x*zy\nGET /foo/:name\n",
                   {"GET", "/src2*filepath", "GET /src2*filepath"}, {"GET", "/src2/x", "404"},
                   {"GET", "/foo/x*zy", "GET /foo/x*zy"},
                   {"GET", "/foo/xyzzy", "GET /foo/:name name=xyzzy"});
}

Test(registration, item05_empty_wildcard_name)
{
    REFUSED("t.routes:1: pattern '/cmd/:/': empty param name", R("GET", "/cmd/:/", 1));
    REFUSED("empty catch-all name", R("GET", "/src/*", 1));
    REFUSED("empty param name", R("GET", "/:", 1));
    /* `/user:` is static by the decision of item 4: ':' is special only at a segment start. */
    EXPECT_ANSWERS("GET /user:\n", {"GET", "/user:", "GET /user:"});
}

Test(registration, item06_two_wildcards_in_one_segment)
{
    REFUSED("two wildcards in one segment (':foo:bar')", R("GET", "/:foo:bar", 1));
    REFUSED("two wildcards in one segment (':foo*bar')", R("GET", "/:foo*bar", 1));
    REFUSED("two wildcards in one segment ('*foo:bar')", R("GET", "/x/*foo:bar", 1));
}

Test(registration, item07_param_and_catchall_at_one_position)
{
    REFUSED("catch-all '*filepath' of GET /src/*filepath is at the same position as param "
            "':file' of GET /src/:file (t.routes:1)",
            R("GET", "/src/:file", 1), R("GET", "/src/*filepath", 2));
    REFUSED("param ':xxx' of GET /:xxx is at the same position as catch-all '*bar'",
            R("GET", "/*bar", 1), R("GET", "/:xxx", 2));
    REFUSED("at the same position", R("GET", "/a/:x/b", 1), R("GET", "/a/*rest", 2));
    /* Different methods never conflict. */
    EXPECT_ANSWERS("GET /src/:file\nPOST /src/*filepath\n",
                   {"POST", "/src/a/b", "POST /src/*filepath filepath=/a/b"});
}

Test(registration, item08_static_and_param_siblings_accepted)
{
    EXPECT_ANSWERS("GET /cmd/vet\nGET /cmd/:tool/:sub\nGET /cmd/:tool/\n",
                   {"GET", "/cmd/vet", "GET /cmd/vet"},
                   {"GET", "/cmd/vet/x", "GET /cmd/:tool/:sub tool=vet sub=x"},
                   {"GET", "/cmd/vet/", "GET /cmd/:tool/ tool=vet"},
                   {"GET", "/cmd/go/run", "GET /cmd/:tool/:sub tool=go sub=run"});
}

Test(registration, item09_root_and_root_catchall)
{
    EXPECT_ANSWERS("GET /\nGET /*filepath\n", {"GET", "/", "GET /"},
                   {"GET", "/x", "GET /*filepath filepath=/x"},
                   {"GET", "/x/y/", "GET /*filepath filepath=/x/y/"}, {"GET", "", "404"});
}

static void expect_file_refused(const char *text, const char *want)
{
    struct hp_route_set *set = NULL;
    struct hp_error err = {""};
    cr_expect(hp_route_set_parse("bad.routes", text, strlen(text), &set, &err) != 0, "accepted: %s",
              text);
    cr_expect(set == NULL);
    cr_expect(strstr(err.message, want), "message '%s' lacks '%s'", err.message, want);
    hp_route_set_free(set);
}

Test(registration, item10_malformed_files_and_limits)
{
    REFUSED("t.routes:1: pattern 'users' must start with '/'", R("GET", "users", 1));
    REFUSED("must start with '/'", R("GET", "", 1));
    expect_file_refused("# ok\n\nGET /a\nFETCH /b\n",
                        "bad.routes:4: unknown method 'FETCH' (valid: GET, HEAD, POST, PUT, "
                        "PATCH, DELETE, OPTIONS, CONNECT, TRACE)");
    expect_file_refused("GET\n", "bad.routes:1: expected 'METHOD /path', got no path");
    expect_file_refused("GET /a\nGET /b extra\n", "bad.routes:2: unexpected text after the path");
    expect_file_refused("GET a/b\n", "bad.routes:1: pattern 'a/b' must start with '/'");
    expect_file_refused("GET /a?b\n", "bad.routes:1: pattern '/a?b' has byte 0x3f");
    expect_file_refused("get /a\n", "unknown method 'get'");
    /* Comments after a route, CRLF line ends, tabs. */
    struct hp_route_set *set = NULL;
    struct hp_error err = {""};
    const char *ok = "GET /a # the a route\r\n\tPOST\t/b\r\n  # indented comment\n";
    cr_assert(hp_route_set_parse("ok.routes", ok, strlen(ok), &set, &err) == 0, "%s", err.message);
    cr_assert_eq(set->count, 2);
    cr_expect_str_eq(set->routes[1].pattern, "/b");
    cr_expect_eq(set->routes[1].line, 2);
    cr_expect_eq(set->routes[1].id, 1);
    cr_expect_str_eq(set->routes[1].file, "ok.routes");
    hp_route_set_free(set);

    /* Limits: a pattern longer than HP_ROUTE_PATTERN_MAX, more than HP_ROUTE_PARAMS_MAX. */
    char *long_pattern = malloc(HP_ROUTE_PATTERN_MAX + 2);
    long_pattern[0] = '/';
    memset(long_pattern + 1, 'a', HP_ROUTE_PATTERN_MAX);
    long_pattern[HP_ROUTE_PATTERN_MAX + 1] = 0;
    REFUSED("longer than the limit of 16384", R("GET", long_pattern, 1));
    char *many = malloc(4 * (HP_ROUTE_PARAMS_MAX + 1) + 1);
    size_t used = 0;
    for (int i = 0; i <= HP_ROUTE_PARAMS_MAX; i++)
        used += (size_t)sprintf(many + used, "/:%c%c", 'a' + i % 26, 'a' + i / 26);
    REFUSED("more than 256 params", R("GET", many, 1));
    free(long_pattern);
    free(many);
}

Test(registration, item10b_empty_file_is_an_empty_set)
{
    struct hp_route_set *set = NULL;
    struct hp_error err = {""};
    cr_assert(hp_route_set_parse("e.routes", "", 0, &set, &err) == 0);
    cr_expect_eq(set->count, 0);
    hp_route_set_free(set);
    cr_expect(hp_route_set_load("/nonexistent/x.routes", &set, &err) != 0);
    cr_expect(strstr(err.message, "/nonexistent/x.routes: cannot open"), "%s", err.message);
}

Test(registration, item11_no_escape_syntax)
{
    REFUSED("two wildcards in one segment ('::x')", R("GET", "/::x", 1));
    REFUSED("empty catch-all name", R("GET", "/a/*", 1));
    EXPECT_ANSWERS("GET /:x\n", {"GET", "/:x", "GET /:x x=:x"}, {"GET", "/*", "GET /:x x=*"});
}

/* ---- matching ---- */

Test(matching, item12_static_prefixes)
{
    struct fixture fx;
    fixture_build(&fx, "GET /hi\nGET /contact\nGET /co\nGET /c\nGET /a\nGET /ab\nGET /doc/\n"
                       "GET /doc/go_faq.html\nGET /doc/go1.html\nGET /α\nGET /β\n");
    const char *hits[] = {"/a",  "/hi",   "/contact",         "/co",           "/c",
                          "/ab", "/doc/", "/doc/go_faq.html", "/doc/go1.html", "/α",
                          "/β"};
    for (size_t i = 0; i < sizeof hits / sizeof *hits; i++) {
        char want[64];
        snprintf(want, sizeof want, "GET %s", hits[i]);
        expect(&fx, "GET", hits[i], want);
    }
    expect(&fx, "GET", "/", "404");
    expect(&fx, "GET", "/con", "404");
    expect(&fx, "GET", "/cona", "404");
    expect(&fx, "GET", "/no", "404");
    expect(&fx, "GET", "/doc/go", "404");
    expect(&fx, "GET", "/contacts", "404");
    fixture_free(&fx);
}

Test(matching, item13_param_never_empty)
{
    EXPECT_ANSWERS("GET /user/:user\nGET /x/:foo/z\n", {"GET", "/user/", "404"},
                   {"GET", "/x//z", "404"}, {"GET", "/user/gordon", "GET /user/:user user=gordon"});
}

Test(matching, item14_param_never_spans_slash)
{
    EXPECT_ANSWERS("GET /user/:user\n", {"GET", "/user/gordon/profile", "404"},
                   {"GET", "/user/gordon/", "301 /user/gordon"});
}

Test(matching, item15_priority_and_backtracking)
{
    EXPECT_ANSWERS("GET /:object/:id\nGET /secret/:id/path\n",
                   {"GET", "/secret/978", "GET /:object/:id object=secret id=978"},
                   {"GET", "/secret/978/path", "GET /secret/:id/path id=978"});

    EXPECT_ANSWERS("GET /aa/*xx\nGET /ab/*xx\nGET /:cc\n", {"GET", "/all", "GET /:cc cc=all"},
                   {"GET", "/a", "GET /:cc cc=a"}, {"GET", "/aa", "GET /:cc cc=aa"},
                   {"GET", "/aa/", "GET /aa/*xx xx=/"}, {"GET", "/ab/x/y", "GET /ab/*xx xx=/x/y"});

    EXPECT_ANSWERS("GET /users/new\nGET /users/:id\nGET /users/:id/*rest\n",
                   {"GET", "/users/newer", "GET /users/:id id=newer"},
                   {"GET", "/users/new", "GET /users/new"},
                   {"GET", "/users/ne", "GET /users/:id id=ne"},
                   {"GET", "/users/new/x", "GET /users/:id/*rest id=new rest=/x"});
}

Test(matching, item16_catchall_versus_deeper_static)
{
    EXPECT_ANSWERS(
        "GET /path/foo\nGET /path/*rest\n", {"GET", "/path/foo/", "GET /path/*rest rest=/foo/"},
        {"GET", "/path/foo", "GET /path/foo"}, {"GET", "/path/fo", "GET /path/*rest rest=/fo"});
}

Test(matching, item17_catchall_empty_remainder_and_leading_slash)
{
    EXPECT_ANSWERS("GET /src/*filepath\n", {"GET", "/src/", "GET /src/*filepath filepath=/"},
                   {"GET", "/src/a", "GET /src/*filepath filepath=/a"},
                   {"GET", "/src/a/b/", "GET /src/*filepath filepath=/a/b/"},
                   {"GET", "/src", "301 /src/"}, {"POST", "/src/a", "405 Allow: GET"},
                   {"POST", "/src", "404"});
}

Test(matching, item18_param_after_static_prefix_is_static)
{
    EXPECT_ANSWERS("GET /user_:name\n", {"GET", "/user_:name", "GET /user_:name"},
                   {"GET", "/user_bob", "404"});
}

Test(matching, item19_params_are_slices_of_the_request)
{
    struct fixture fx;
    fixture_build(&fx, "GET /u/:user/repos/:repo/*rest\n");
    char path[] = "/u/gordon/repos/hotpath/a/b?x=1";
    for (size_t i = 0; i < fx.n; i++) {
        bool copies = strcmp(fx.ops[i]->info.name, "radix_copy_params") == 0;
        struct hp_match m;
        hp_match_init(&m);
        struct hp_alloc_counts before, after;
        hp_alloc_counts_read(&before);
        fx.ops[i]->lookup(fx.r[i], HP_METHOD_GET, path, strlen(path), &m);
        hp_alloc_counts_read(&after);
        struct hp_alloc_counts d = hp_alloc_counts_delta(&before, &after);
        cr_assert_eq(m.status, HP_MATCH_FOUND, "%s", fx.ops[i]->info.name);
        cr_assert_eq(m.params.count, 3);
        const char *want[] = {"gordon", "hotpath", "/a/b"};
        const size_t offset[] = {3, 16, 23};
        for (int k = 0; k < 3; k++) {
            cr_expect_eq(m.params.items[k].value_len, strlen(want[k]));
            cr_expect(memcmp(m.params.items[k].value, want[k], strlen(want[k])) == 0);
            if (copies)
                cr_expect(m.params.items[k].value < path ||
                              m.params.items[k].value >= path + sizeof path,
                          "radix_copy_params must copy");
            else
                cr_expect_eq(m.params.items[k].value, path + offset[k],
                             "%s: param %d is not a slice of the request", fx.ops[i]->info.name, k);
        }
        /* radix_heap_params: the slices live in one heap array (httprouter's Params). */
        bool always_heap = strcmp(fx.ops[i]->info.name, "radix_heap_params") == 0;
        unsigned expected = copies ? 3u : always_heap ? 1u : 0u;
        cr_expect_eq(d.allocs, expected, "%s: %llu allocations for 3 params", fx.ops[i]->info.name,
                     (unsigned long long)d.allocs);
        hp_alloc_counts_read(&before);
        fx.ops[i]->match_release(fx.r[i], &m);
        hp_alloc_counts_read(&after);
        d = hp_alloc_counts_delta(&before, &after);
        cr_expect_eq(d.frees, expected, "%s", fx.ops[i]->info.name);
    }
    fixture_free(&fx);
}

/* A route with `count` params and a request for it; returns the pattern. */
static char *params_route(int count, char *path, size_t path_size)
{
    char *pattern = malloc((size_t)count * 8 + 2);
    size_t pu = 0, qu = 0;
    for (int i = 0; i < count; i++) {
        pu += (size_t)sprintf(pattern + pu, "/s/:p%d", i);
        qu += (size_t)snprintf(path + qu, path_size - qu, "/s/v%d", i);
    }
    return pattern;
}

Test(matching, item20_inline_params_do_not_allocate)
{
    for (int count = HP_PARAMS_INLINE; count <= HP_PARAMS_INLINE + 1; count++) {
        char path[256], text[256];
        char *pattern = params_route(count, path, sizeof path);
        snprintf(text, sizeof text, "GET %s\n", pattern);
        struct fixture fx;
        fixture_build(&fx, text);
        for (size_t i = 0; i < fx.n; i++) {
            bool copies = strcmp(fx.ops[i]->info.name, "radix_copy_params") == 0;
            bool always_heap = strcmp(fx.ops[i]->info.name, "radix_heap_params") == 0;
            struct hp_match m;
            hp_match_init(&m);
            for (int round = 0; round < 3; round++) {
                struct hp_alloc_counts before, after;
                hp_alloc_counts_read(&before);
                fx.ops[i]->lookup(fx.r[i], HP_METHOD_GET, path, strlen(path), &m);
                hp_alloc_counts_read(&after);
                struct hp_alloc_counts d = hp_alloc_counts_delta(&before, &after);
                cr_assert_eq(m.status, HP_MATCH_FOUND, "%s", fx.ops[i]->info.name);
                cr_assert_eq(m.params.count, (uint32_t)count);
                for (int k = 0; k < count; k++) {
                    char want[16];
                    snprintf(want, sizeof want, "v%d", k);
                    cr_expect_eq(m.params.items[k].value_len, strlen(want));
                    cr_expect(memcmp(m.params.items[k].value, want, strlen(want)) == 0);
                }
                uint64_t limit = count <= HP_PARAMS_INLINE && !always_heap ? 0 : 1;
                if (copies)
                    limit += (uint64_t)count;
                if (always_heap) /* exactly one array per lookup with params (httprouter) */
                    cr_expect_eq(d.allocs, 1, "%s: %d params: %llu allocations",
                                 fx.ops[i]->info.name, count, (unsigned long long)d.allocs);
                else if (copies || count > HP_PARAMS_INLINE)
                    cr_expect(d.allocs <= limit, "%s: %d params: %llu allocations",
                              fx.ops[i]->info.name, count, (unsigned long long)d.allocs);
                else
                    cr_expect_eq(d.allocs, 0, "%s: %d params: %llu allocations",
                                 fx.ops[i]->info.name, count, (unsigned long long)d.allocs);
                fx.ops[i]->match_release(fx.r[i], &m);
                cr_expect_eq(m.params.items, m.params.inline_items,
                             "release leaves the match reusable");
            }
        }
        fixture_free(&fx);
        free(pattern);
    }
}

Test(matching, item21_methods_and_not_allowed)
{
    EXPECT_ANSWERS("GET /path\nPOST /path\nDELETE /path\nPUT /only/:x\nGET /get\n",
                   {"GET", "/path", "GET /path"}, {"POST", "/path", "POST /path"},
                   {"DELETE", "/path", "DELETE /path"},
                   {"PATCH", "/path", "405 Allow: GET, POST, DELETE"},
                   {"GET", "/only/1", "405 Allow: PUT"}, {"PUT", "/only/1", "PUT /only/:x x=1"},
                   {"GET", "/nothing", "404"}, {"HEAD", "/get", "405 Allow: GET"});
}

/* httprouter TestTreeTrailingSlashRedirect's shape: routes, requests whose slash twin hits,
 * requests that must not be redirected. Our own table. */
Test(matching, item22_trailing_slash_suggestions)
{
    struct fixture fx;
    fixture_build(&fx, "GET /hi\nGET /b/\nGET /search/:query\nGET /cmd/:tool/\n"
                       "GET /src/*filepath\nGET /x\nGET /x/y\nGET /y/\nGET /y/z\nGET /0/:id\n"
                       "GET /0/:id/1\nGET /1/:id/\nGET /1/:id/2\nGET /aa\nGET /a/\nGET /admin\n"
                       "GET /admin/:category\nGET /admin/:category/:page\nGET /doc\n"
                       "GET /doc/go_faq.html\nGET /doc/go1.html\nGET /no/a\nGET /no/b\n"
                       "GET /api/hello/:name\nPOST /p/\n");
    const char *yes[][2] = {
        {"/hi/", "301 /hi"},
        {"/b", "301 /b/"},
        {"/search/gopher/", "301 /search/gopher"},
        {"/cmd/vet", "301 /cmd/vet/"},
        {"/src", "301 /src/"},
        {"/x/", "301 /x"},
        {"/y", "301 /y/"},
        {"/0/go/", "301 /0/go"},
        {"/1/go", "301 /1/go/"},
        {"/a", "301 /a/"},
        {"/admin/", "301 /admin"},
        {"/admin/config/", "301 /admin/config"},
        {"/admin/config/permissions/", "301 /admin/config/permissions"},
        {"/doc/", "301 /doc"},
        {"/hi/?q=1", "301 /hi"},
    };
    for (size_t i = 0; i < sizeof yes / sizeof *yes; i++)
        expect(&fx, "GET", yes[i][0], yes[i][1]);
    const char *no[] = {"/", "/no", "/no/", "/_", "/_/", "/api/world/abc", "/x/y/z", ""};
    for (size_t i = 0; i < sizeof no / sizeof *no; i++)
        expect(&fx, "GET", no[i], "404");
    expect(&fx, "POST", "/p", "308 /p/");
    expect(&fx, "GET", "/p/", "405 Allow: POST");
    expect(&fx, "GET", "/p", "404"); /* a suggestion only from the request's own method */
    fixture_free(&fx);

    EXPECT_ANSWERS("GET /:test\n", {"GET", "/", "404"}, {"GET", "/x/", "301 /x"});
}

Test(matching, item23_case_sensitive)
{
    EXPECT_ANSWERS("GET /hello\nGET /Users/:id\n", {"GET", "/HELLO", "404"},
                   {"GET", "/Hello", "404"}, {"GET", "/users/1", "404"},
                   {"GET", "/Users/ABC", "GET /Users/:id id=ABC"});
}

/* Every router's find_case_insensitive answer: the fixed path, or "" for none. */
static void expect_case_fix(const struct fixture *fx, const char *method, const char *path,
                            const char *want)
{
    char out[256];
    for (size_t i = 0; i < fx->n; i++) {
        cr_assert(fx->ops[i]->find_case_insensitive, "%s has no find_case_insensitive",
                  fx->ops[i]->info.name);
        struct hp_alloc_counts before, after;
        hp_alloc_counts_read(&before);
        size_t n = fx->ops[i]->find_case_insensitive(fx->r[i], method_of(method), path,
                                                     strlen(path), out, sizeof out);
        hp_alloc_counts_read(&after);
        cr_expect_eq(after.allocs, before.allocs, "%s: find_case_insensitive allocated",
                     fx->ops[i]->info.name);
        cr_expect(n == strlen(want) && memcmp(out, want, n) == 0,
                  "%s: %s %s: got '%.*s', want '%s'", fx->ops[i]->info.name, method, path, (int)n,
                  out, want);
    }
}

Test(matching, item23b_case_insensitive_suggestion)
{
    struct fixture fx;
    fixture_build(&fx, "GET /hello\n"
                       "GET /Users/:id/Profile\n"
                       "GET /users/new\n"
                       "POST /Users/:id\n"
                       "GET /\xce\x91\xce\x92\xce\x93/:x\n" /* /ΑΒΓ/:x */
                       "GET /\xc3\x9cn\xc3\xaf"
                       "code/Stra\xc3\x9f"
                       "e\n"                                /* /Ünïcode/Straße */
                       "GET /\xce\xb1/x\nGET /\xce\xb2/x\n" /* /α/x, /β/x: one split rune */
                       "GET /src/*filepath\n"
                       "GET /a/Ab\nGET /a/aB\n"
                       "GET /x/:p/Y\nGET /x/Q/:r\n");
    static const struct {
        const char *method, *path, *want;
    } cases[] = {
        {"GET", "/HELLO", "/hello"},
        {"GET", "/HELLO?Q=1#F", "/hello"}, /* the path ends at '?' */
        {"GET", "/users/42/PROFILE", "/Users/42/Profile"},
        {"GET", "/USERS/NEW", "/users/new"}, /* static beats the param route */
        {"POST", "/users/5", "/Users/5"},    /* per method */
        {"PUT", "/users/5", ""},
        {"GET", "/\xce\xb1\xce\xb2\xce\xb3/Ab", "/\xce\x91\xce\x92\xce\x93/Ab"}, /* Greek */
        {"GET",
         "/\xc3\xbcN\xc3\x8f"
         "CODE/STRA\xc3\x9f"
         "E",
         "/\xc3\x9cn\xc3\xaf"
         "code/Stra\xc3\x9f"
         "e"},
        {"GET",
         "/\xc3\xbcN\xc3\x8f"
         "CODE/STRASSE",
         ""},                                  /* no length-changing folds */
        {"GET", "/\xce\x91/X", "/\xce\xb1/x"}, /* /Α/X: across the split rune */
        {"GET", "/\xce\x92/x", "/\xce\xb2/x"},
        {"GET", "/SRC/Some/File", "/src/Some/File"}, /* catch-all keeps the request's bytes */
        {"GET", "/A/AB", "/a/Ab"},                   /* two static candidates: smaller bytes */
        {"GET", "/x/q/y", "/x/Q/y"},                 /* static beats param, segment by segment */
        {"GET", "/X/z/y", "/x/z/Y"},
        {"GET", "/nothing", ""},
        {"GET", "/\xc3/x", ""}, /* invalid UTF-8: bytes must be equal */
        {"GET", "", ""},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
        expect_case_fix(&fx, cases[i].method, cases[i].path, cases[i].want);
    /* Too small a buffer: no answer, nothing written past it. */
    for (size_t i = 0; i < fx.n; i++) {
        char small[4] = {'.', '.', '.', '.'};
        cr_expect_eq(
            fx.ops[i]->find_case_insensitive(fx.r[i], HP_METHOD_GET, "/HELLO", 6, small, 3), 0,
            "%s answered into a too small buffer", fx.ops[i]->info.name);
        cr_expect_eq(small[3], '.');
    }
    /* The lookup itself stays case-sensitive. */
    expect(&fx, "GET", "/HELLO", "404");
    fixture_free(&fx);
}

Test(matching, item24_unicode_bytes)
{
    struct fixture fx;
    fixture_build(&fx, "GET /α\nGET /β\nGET /search/:query\nGET /ü/*rest\n");
    expect(&fx, "GET", "/α", "GET /α");
    expect(&fx, "GET", "/β", "GET /β");
    expect(&fx, "GET", "/γ", "404");
    expect(&fx, "GET", "/search/someth!ng+in+ünìcodé",
           "GET /search/:query query=someth!ng+in+ünìcodé");
    expect(&fx, "GET", "/ü/日本", "GET /ü/*rest rest=/日本");
    /* A prefix of a multi-byte character is just bytes: no match, no crash. */
    expect_len(&fx, "GET", "/α", 2, "404");
    fixture_free(&fx);
}

Test(matching, item25_percent_encoding_is_raw)
{
    EXPECT_ANSWERS("GET /files/:name\nGET /files/:name/meta\nGET /a%2Fb\n",
                   {"GET", "/files/a%2Fb", "GET /files/:name name=a%2Fb"},
                   {"GET", "/files/a%2Fb/meta", "GET /files/:name/meta name=a%2Fb"},
                   {"GET", "/a%2Fb", "GET /a%2Fb"}, {"GET", "/a/b", "404"},
                   {"GET", "/a%2fb", "404"}, {"GET", "/files/%", "GET /files/:name name=%"},
                   {"GET", "/files/%zz", "GET /files/:name name=%zz"},
                   {"GET", "/files/%%%%", "GET /files/:name name=%%%%"});
}

Test(matching, item26_query_and_fragment_end_the_path)
{
    EXPECT_ANSWERS("GET /\nGET /users/:id\nGET /a\n",
                   {"GET", "/users/5?x=1", "GET /users/:id id=5"},
                   {"GET", "/users/5#top", "GET /users/:id id=5"}, {"GET", "/a?", "GET /a"},
                   {"GET", "/?q=/a", "GET /"}, {"GET", "/a#?x", "GET /a"},
                   {"GET", "/users/?id=5", "404"}, {"GET", "?x", "404"});
}

Test(matching, item27_no_normalisation_and_path_clean)
{
    EXPECT_ANSWERS("GET /b\nGET /a/b\n", {"GET", "/a/../b", "404"}, {"GET", "//b", "404"},
                   {"GET", "/./b", "404"}, {"GET", "/a//b", "404"});

    const char *cases[][2] = {
        {"/", "/"},
        {"/abc", "/abc"},
        {"/a/b/c", "/a/b/c"},
        {"/abc/", "/abc/"},
        {"/a/b/c/", "/a/b/c/"},
        {"", "/"},
        {"a/", "/a/"},
        {"abc", "/abc"},
        {"abc/def", "/abc/def"},
        {"a/b/c", "/a/b/c"},
        {"//", "/"},
        {"/abc//", "/abc/"},
        {"/abc/def//", "/abc/def/"},
        {"/a/b/c//", "/a/b/c/"},
        {"/abc//def//ghi", "/abc/def/ghi"},
        {"//abc", "/abc"},
        {"///abc", "/abc"},
        {"//abc//", "/abc/"},
        {".", "/"},
        {"./", "/"},
        {"/abc/./def", "/abc/def"},
        {"/./abc/def", "/abc/def"},
        {"/abc/.", "/abc/"},
        {"..", "/"},
        {"../", "/"},
        {"../../", "/"},
        {"../..", "/"},
        {"../../abc", "/abc"},
        {"/abc/def/ghi/../jkl", "/abc/def/jkl"},
        {"/abc/def/../ghi/../jkl", "/abc/jkl"},
        {"/abc/def/..", "/abc"},
        {"/abc/def/../..", "/"},
        {"/abc/def/../../..", "/"},
        {"/abc/def/../../..", "/"},
        {"/abc/def/../../../ghi/jkl/../../../mno", "/mno"},
        {"abc/./../def", "/def"},
        {"abc//./../def", "/def"},
        {"abc/../../././../def", "/def"},
        {"/..a/.b/", "/..a/.b/"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        const char *in = cases[i][0], *want = cases[i][1];
        char buf[64];
        size_t out_len = 0;
        struct hp_alloc_counts before, after;
        hp_alloc_counts_read(&before);
        const char *out = hp_path_clean(in, strlen(in), buf, strlen(in) + 1, &out_len);
        hp_alloc_counts_read(&after);
        cr_assert(out, "clean(%s) gave NULL", in);
        cr_expect(out_len == strlen(want) && memcmp(out, want, out_len) == 0,
                  "clean(%s) = '%.*s', want '%s'", in, (int)out_len, out, want);
        cr_expect_eq(hp_alloc_counts_delta(&before, &after).allocs, 0);
        if (strcmp(in, want) == 0)
            cr_expect_eq(out, in, "clean(%s) copied an already clean path", in);
        /* Cleaning is idempotent. */
        char again_buf[64];
        size_t again_len = 0;
        const char *again = hp_path_clean(out, out_len, again_buf, sizeof again_buf, &again_len);
        cr_expect_eq(again, out, "clean(clean(%s)) is not a no-op", in);
    }
    char tiny[2];
    size_t n;
    cr_expect_null(hp_path_clean("a/b", 3, tiny, sizeof tiny, &n));
}

Test(limits, item28_long_inputs)
{
    struct fixture fx;
    fixture_build(&fx, "GET /static/path\nGET /p/:id\nGET /files/*rest\nGET /seg/:s/end\n");
    size_t big = 64 * 1024;
    char *path = malloc(big + 1);
    /* 64 KiB path: miss, then a catch-all hit with the whole tail as value. */
    memset(path, 'a', big);
    path[0] = '/';
    expect_len(&fx, "GET", path, big, "404");
    memcpy(path, "/files/", 7);
    for (size_t i = 7; i < big; i += 64)
        path[i] = '/';
    char *want = malloc(big + 64);
    snprintf(want, big + 64, "GET /files/*rest rest=%.*s", (int)(big - 6), path + 6);
    expect_len(&fx, "GET", path, big, want);
    /* A 4 KiB single segment as a param value, and too many segments. */
    size_t seg = 4096;
    memcpy(path, "/p/", 3);
    memset(path + 3, 'x', seg);
    snprintf(want, big + 64, "GET /p/:id id=%.*s", (int)seg, path + 3);
    expect_len(&fx, "GET", path, 3 + seg, want);
    fixture_free(&fx);

    /* 256 params in one route (the limit), matched by every router. */
    char *pattern = malloc(HP_ROUTE_PARAMS_MAX * 8 + 8);
    char *text = malloc(HP_ROUTE_PARAMS_MAX * 8 + 16);
    size_t pu = 0, qu = 0;
    for (int i = 0; i < HP_ROUTE_PARAMS_MAX; i++) {
        pu += (size_t)sprintf(pattern + pu, "/:%c%c", 'a' + i % 26, 'a' + i / 26);
        qu += (size_t)sprintf(path + qu, "/%d", i);
    }
    sprintf(text, "GET %s\n", pattern);
    fixture_build(&fx, text);
    for (size_t i = 0; i < fx.n; i++) {
        struct hp_match m;
        hp_match_init(&m);
        fx.ops[i]->lookup(fx.r[i], HP_METHOD_GET, path, qu, &m);
        cr_assert_eq(m.status, HP_MATCH_FOUND, "%s", fx.ops[i]->info.name);
        cr_assert_eq(m.params.count, HP_ROUTE_PARAMS_MAX);
        char last[8];
        snprintf(last, sizeof last, "%d", HP_ROUTE_PARAMS_MAX - 1);
        cr_expect_eq(m.params.items[HP_ROUTE_PARAMS_MAX - 1].value_len, strlen(last));
        cr_expect(memcmp(m.params.items[HP_ROUTE_PARAMS_MAX - 1].value, last, strlen(last)) == 0);
        fx.ops[i]->match_release(fx.r[i], &m);
    }
    expect_len(&fx, "GET", path, qu - 4, "404");
    fixture_free(&fx);
    free(pattern);
    free(text);
    free(path);
    free(want);
}

Test(limits, item28b_answer_for_long_redirect_is_whole)
{
    /* the "301 " prefix check above only tests the start; check the exact text here */
    struct fixture fx;
    fixture_build(&fx, "GET /p/:id\n");
    char path[5000];
    memcpy(path, "/p/", 3);
    memset(path + 3, 'y', 4000);
    path[4003] = '/';
    char want[5100];
    snprintf(want, sizeof want, "301 %.*s", 4003, path);
    expect_len(&fx, "GET", path, 4004, want);
    fixture_free(&fx);
}

Test(limits, item29_miss_paths)
{
    struct fixture fx;
    EXPECT_ANSWERS("GET /\nGET /api/v1/users/profile/settings\nGET /api/v1/users/:id/x\n"
                   "GET /static/a.css\nGET /static/b.js\nPOST /upload/:name\n",
                   {"GET", "", "404"}, {"GET", "*", "404"}, {"OPTIONS", "*", "404"},
                   {"GET", "/api/v1/users/profile/settingz", "404"},
                   {"GET", "/api/v1/users/profile/setting", "404"},
                   {"GET", "/static/a.csx", "404"});

    /* Every static route with one byte flipped to a byte no route contains must miss. */
    fixture_build(&fx, "GET /\nGET /a\nGET /ab/cd\nGET /contact\nGET /co\nGET /c/d/e/\n"
                       "POST /a/b\nGET /α/β\n");
    static char buf[ANSWER_MAX];
    for (size_t k = 0; k < fx.set->count; k++) {
        const struct hp_route *route = &fx.set->routes[k];
        char path[64];
        for (size_t at = 0; at < route->pattern_len; at++) {
            memcpy(path, route->pattern, route->pattern_len);
            path[at] = '~';
            for (size_t i = 0; i < fx.n; i++) {
                answer_of(&fx, i, route->method, path, route->pattern_len, buf);
                cr_expect(strncmp(buf, "GET ", 4) != 0 && strncmp(buf, "POST ", 5) != 0,
                          "%s: %.*s matched: %s", fx.ops[i]->info.name, (int)route->pattern_len,
                          path, buf);
            }
        }
    }
    fixture_free(&fx);
}

/* ---- fuzz (item 31) ---- */

/* An independent matcher for the fuzz oracle: does `pattern` match `path`, and what are its
 * segment kinds (0 static, 1 param, 2 catch-all)? Written differently from linear.c on
 * purpose (split both into segment arrays first). */
struct segs {
    const char *at[64];
    size_t len[64];
    size_t n;
};

static void split(const char *s, size_t len, struct segs *out)
{
    out->n = 0;
    size_t start = 1;
    for (size_t i = 1; i <= len; i++)
        if (i == len || s[i] == '/') {
            out->at[out->n] = s + start;
            out->len[out->n] = i - start;
            out->n++;
            start = i + 1;
        }
}

static bool oracle_matches(const char *pattern, const char *path, size_t len, int kinds[64],
                           size_t *nkinds)
{
    struct segs ps, qs;
    split(pattern, strlen(pattern), &ps);
    if (len == 0 || path[0] != '/')
        return false;
    split(path, len, &qs);
    for (size_t i = 0; i < ps.n; i++) {
        char c = ps.len[i] ? ps.at[i][0] : 0;
        kinds[i] = c == ':' ? 1 : c == '*' ? 2 : 0;
        *nkinds = i + 1;
        if (kinds[i] == 2)
            return qs.n >= i + 1; /* the rest, from this segment's '/' */
        if (i >= qs.n)
            return false;
        if (kinds[i] == 1 ? qs.len[i] == 0
                          : (qs.len[i] != ps.len[i] || memcmp(qs.at[i], ps.at[i], ps.len[i])))
            return false;
    }
    return qs.n == ps.n;
}

static const char *const fuzz_words[] = {"a",     "b",     "ab", "users", "new", "x", ":id",
                                         ":name", "*rest", "",   "a:b",   "*",   ":"};

static size_t random_pattern(struct hp_rng *rng, char *buf)
{
    size_t n = 0;
    int segments = 1 + (int)hp_rng_below(rng, 4);
    for (int s = 0; s < segments; s++) {
        const char *w = fuzz_words[hp_rng_below(rng, sizeof fuzz_words / sizeof *fuzz_words)];
        n += (size_t)sprintf(buf + n, "/%s", w);
    }
    return n;
}

static size_t random_path(struct hp_rng *rng, char *buf)
{
    static const char *const words[] = {"a", "b", "ab",  "users", "new", "x",  "newer",
                                        "",  "q", ":id", "*rest", "%2F", "abc"};
    size_t n = 0;
    int segments = (int)hp_rng_below(rng, 6);
    for (int s = 0; s < segments; s++)
        n += (size_t)sprintf(buf + n, "/%s", words[hp_rng_below(rng, 13)]);
    if (n == 0 || hp_rng_below(rng, 8) == 0)
        buf[n++] = '/';
    return n;
}

Test(fuzz, item31_random_sets_agree_and_are_unambiguous)
{
    struct hp_rng rng;
    hp_rng_seed(&rng, 31);
    static char buf[ANSWER_MAX], lin[ANSWER_MAX];
    for (int round = 0; round < 200; round++) {
        /* Random candidate routes; the set validator decides which are accepted. */
        char text[8192];
        size_t used = 0;
        struct hp_route_set *accepted = NULL;
        for (int c = 0; c < 12; c++) {
            char pattern[128];
            random_pattern(&rng, pattern);
            size_t before = used;
            used += (size_t)sprintf(text + used, "%s %s\n", hp_rng_below(&rng, 4) ? "GET" : "POST",
                                    pattern);
            struct hp_route_set *set = NULL;
            struct hp_error err;
            if (hp_route_set_parse("f.routes", text, used, &set, &err) != 0) {
                used = before; /* refused: drop it */
                continue;
            }
            hp_route_set_free(set);
        }
        cr_assert(hp_route_set_parse("f.routes", text, used, &accepted, NULL) == 0);
        struct fixture fx;
        fixture_from_set(&fx, accepted);
        size_t li = linear_index();
        for (int q = 0; q < 100; q++) {
            char path[128];
            size_t len = random_path(&rng, path);
            enum hp_method method = hp_rng_below(&rng, 4) ? HP_METHOD_GET : HP_METHOD_POST;
            answer_of(&fx, li, method, path, len, lin);
            for (size_t i = 0; i < fx.n; i++) {
                answer_of(&fx, i, method, path, len, buf);
                cr_assert_str_eq(buf, lin, "%s vs linear on %s %.*s with\n%.*s",
                                 fx.ops[i]->info.name, hp_method_name(method), (int)len, path,
                                 (int)used, text);
            }
            /* Unambiguous: among the matching routes of the method, exactly one has the most
             * specific kinds, and it is the one the routers chose. */
            const struct hp_route *best = NULL;
            int best_kinds[64], kinds[64];
            size_t best_n = 0, nk = 0;
            int ties = 0;
            for (size_t k = 0; k < accepted->count; k++) {
                const struct hp_route *r = &accepted->routes[k];
                if (r->method != method || !oracle_matches(r->pattern, path, len, kinds, &nk))
                    continue;
                int cmp = 0;
                if (best)
                    for (size_t s = 0; s < nk && s < best_n && !cmp; s++)
                        cmp = kinds[s] < best_kinds[s] ? -1 : kinds[s] > best_kinds[s];
                if (!best || cmp < 0) {
                    best = r;
                    memcpy(best_kinds, kinds, sizeof kinds);
                    best_n = nk;
                    ties = 0;
                } else if (cmp == 0) {
                    ties++;
                }
            }
            cr_assert_eq(ties, 0, "%.*s matches two routes equally in\n%.*s", (int)len, path,
                         (int)used, text);
            if (best) {
                char want[256];
                snprintf(want, sizeof want, "%s %s", hp_method_name(method), best->pattern);
                cr_assert(strncmp(lin, want, strlen(want)) == 0 &&
                              (lin[strlen(want)] == 0 || lin[strlen(want)] == ' '),
                          "%.*s: routers say '%s', oracle says '%s'", (int)len, path, lin, want);
            } else {
                cr_assert(strncmp(lin, hp_method_name(method), strlen(hp_method_name(method))) ||
                              lin[strlen(hp_method_name(method))] != ' ',
                          "%.*s: routers found '%s', oracle found nothing", (int)len, path, lin);
            }
        }
        fixture_free(&fx);
    }
}

/* ---- concurrency (item 32) ---- */

struct reader_arg {
    const struct fixture *fx;
    size_t router;
    const char *const *paths;
    size_t path_count;
    char (*want)[128];
    int mismatches;
};

static void *reader(void *p)
{
    struct reader_arg *a = p;
    const struct hp_router_ops *ops = a->fx->ops[a->router];
    struct hp_router *r = a->fx->r[a->router];
    if (ops->thread_attach)
        ops->thread_attach(r);
    char buf[128];
    for (int round = 0; round < 200; round++)
        for (size_t i = 0; i < a->path_count; i++) {
            struct hp_match m;
            hp_match_init(&m);
            ops->lookup(r, HP_METHOD_GET, a->paths[i], strlen(a->paths[i]), &m);
            hp_match_format(buf, sizeof buf, a->fx->set, HP_METHOD_GET, a->paths[i],
                            strlen(a->paths[i]), &m);
            ops->match_release(r, &m);
            a->mismatches += strcmp(buf, a->want[i]) != 0;
        }
    if (ops->thread_detach)
        ops->thread_detach(r);
    return NULL;
}

Test(concurrency, item32_concurrent_readers_see_one_table)
{
    /* Lookups are read-only: several threads at once get the single-threaded answers (TSan
     * checks for races). Readers against a concurrent writer are the COW/RCU router's own
     * test. */
    struct fixture fx;
    fixture_build(&fx, "GET /\nGET /users/new\nGET /users/:id\nGET /files/*rest\nPOST /x\n");
    static const char *const paths[] = {"/",  "/users/new", "/users/newer", "/files/a/b",
                                        "/x", "/users/",    "/nope"};
    size_t np = sizeof paths / sizeof *paths;
    char want[sizeof paths / sizeof *paths][128];
    for (size_t i = 0; i < fx.n; i++) {
        for (size_t k = 0; k < np; k++) {
            static char buf[ANSWER_MAX];
            answer_of(&fx, i, HP_METHOD_GET, paths[k], strlen(paths[k]), buf);
            cr_assert(strlen(buf) < sizeof want[k]);
            memcpy(want[k], buf, strlen(buf) + 1);
        }
        pthread_t threads[3];
        struct reader_arg args[3];
        for (int t = 0; t < 3; t++) {
            args[t] = (struct reader_arg){&fx, i, paths, np, want, 0};
            cr_assert_eq(pthread_create(&threads[t], NULL, reader, &args[t]), 0);
        }
        for (int t = 0; t < 3; t++) {
            pthread_join(threads[t], NULL);
            cr_expect_eq(args[t].mismatches, 0, "%s: thread %d saw %d other answers",
                         fx.ops[i]->info.name, t, args[t].mismatches);
        }
    }
    fixture_free(&fx);
}
