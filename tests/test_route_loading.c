/* Loading route tables: the conflict index refuses what the pairwise check refuses, with its
 * message; every router's table load (add_all) refuses what its adds refuse; loading costs
 * about linear work (instructions counted by callgrind, 10k against 100k generated routes);
 * and the route file reader's limits. */
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "instructions.h"
#include "route_gen.h"
#include "router_test_util.h"

#include <criterion/parameterized.h>

#ifndef HOTPATH_BINARY
#define HOTPATH_BINARY "build/hotpath"
#endif

/* ---- random tables with many conflicts ---- */

enum { TABLE_MAX = 48, PATTERN_BYTES = 64, MESSAGE_MAX = sizeof((struct hp_error *)0)->message };

struct table {
    struct hp_route routes[TABLE_MAX];
    char patterns[TABLE_MAX][PATTERN_BYTES];
    size_t n;
};

/* Patterns from a handful of segments, so that most routes share prefixes and many collide:
 * duplicates, two names at one position, param against catch-all, static beside wildcards. */
static void table_random(struct table *t, struct hp_rng *rng)
{
    static const char *const segments[] = {"a", "b", "ab", "", ":x", ":y", "*c", "*d", "a:b"};
    static const enum hp_method methods[] = {HP_METHOD_GET, HP_METHOD_GET, HP_METHOD_POST};
    t->n = 2 + hp_rng_below(rng, TABLE_MAX - 1);
    for (size_t i = 0; i < t->n; i++) {
        char *p = t->patterns[i];
        size_t depth = 1 + hp_rng_below(rng, 3), used = 0;
        for (size_t d = 0; d < depth; d++) {
            const char *s = segments[hp_rng_below(rng, sizeof segments / sizeof *segments)];
            if (s[0] == '*' && d + 1 < depth)
                s = "a"; /* a catch-all is last */
            used += (size_t)snprintf(p + used, PATTERN_BYTES - used, "/%s", s);
        }
        t->routes[i] = (struct hp_route){.method = methods[hp_rng_below(rng, 3)],
                                         .pattern = p,
                                         .pattern_len = (uint32_t)used,
                                         .id = (uint32_t)i,
                                         .file = "t.routes",
                                         .line = (unsigned)i + 1};
    }
}

/* The rule as stated: route i against every accepted route before it, in order. Fills
 * accepted[i] and, for a refused route, its message. */
static void pairwise(const struct table *t, bool *accepted, char (*messages)[MESSAGE_MAX])
{
    for (size_t i = 0; i < t->n; i++) {
        struct hp_error err = {""};
        accepted[i] = true;
        for (size_t k = 0; k < i && accepted[i]; k++)
            if (accepted[k] && hp_route_conflict_check(&t->routes[k], &t->routes[i], &err) != 0)
                accepted[i] = false;
        snprintf(messages[i], sizeof messages[i], "%s", accepted[i] ? "" : err.message);
    }
}

Test(route_loading, conflict_index_refuses_what_the_pairwise_check_refuses)
{
    struct hp_rng rng;
    hp_rng_seed(&rng, 12);
    size_t refused = 0;
    for (int trial = 0; trial < 2000; trial++) {
        struct table t;
        table_random(&t, &rng);
        bool accepted[TABLE_MAX];
        char want[TABLE_MAX][MESSAGE_MAX];
        pairwise(&t, accepted, want);
        struct hp_route_conflicts index;
        hp_route_conflicts_init(&index);
        /* Every route, refused ones included: a refusal must leave the index exact. */
        for (size_t i = 0; i < t.n; i++) {
            struct hp_error err = {""};
            int rc = hp_route_conflicts_add(&index, &t.routes[i], &err);
            cr_assert_eq(rc == 0, accepted[i], "trial %d, %s %s: index %s, pairwise %s", trial,
                         hp_method_name(t.routes[i].method), t.routes[i].pattern,
                         rc == 0 ? "accepts" : err.message, accepted[i] ? "accepts" : want[i]);
            if (rc != 0)
                cr_assert_str_eq(err.message, want[i], "trial %d", trial);
            refused += rc != 0;
        }
        hp_route_conflicts_destroy(&index);
    }
    cr_assert_gt(refused, 2000, "the tables conflict too rarely to test anything (%zu)", refused);
}

/* Every router, the table's routes up to its first refusal: the first `split` added one by one,
 * the rest loaded with hp_router_add_all (so a router's add_all also meets a non-empty router). */
Test(route_loading, add_all_refuses_what_add_refuses)
{
    struct hp_rng rng;
    hp_rng_seed(&rng, 34);
    for (int trial = 0; trial < 300; trial++) {
        struct table t;
        table_random(&t, &rng);
        bool accepted[TABLE_MAX];
        char want[TABLE_MAX][MESSAGE_MAX];
        pairwise(&t, accepted, want);
        size_t n = 0;
        while (n < t.n && accepted[n])
            n++;
        const char *want_message = n < t.n ? want[n] : "";
        n += n < t.n; /* the refused route is the table's last */
        size_t split = hp_rng_below(&rng, n);
        for (size_t i = 0; i < router_count(); i++) {
            const struct hp_router_ops *ops = router_ops(i);
            struct hp_router *r = router_new(ops);
            struct hp_error err = {""};
            for (size_t k = 0; k < split; k++)
                cr_assert_eq(ops->add(r, &t.routes[k], &err), 0, "%s: %s", ops->info.name,
                             err.message);
            int rc = hp_router_add_all(ops, r, t.routes + split, n - split, &err);
            cr_assert_eq(rc != 0, *want_message != 0, "trial %d, %s: %s", trial, ops->info.name,
                         rc ? err.message : "accepted");
            if (rc != 0)
                cr_assert_str_eq(err.message, want_message, "trial %d, %s", trial, ops->info.name);
            router_free(ops, r);
        }
    }
}

/* An edge split (`/ab` then `/a`) leaves the shorter route on a node first made for the longer:
 * a duplicate of the shorter one must still be named as such. */
Test(route_loading, duplicate_after_an_edge_split)
{
    struct hp_route routes[] = {mk_route("GET", "/ab", 1), mk_route("GET", "/a", 2),
                                mk_route("GET", "/a", 3)};
    expect_refused(routes, 3, "duplicate route GET /a, already registered at t.routes:2");
}

/* ---- work: instructions of `hotpath route`, 10k against 100k generated routes ---- */

#if !defined(HOTPATH_ASAN) && !defined(HOTPATH_TSAN)
enum { SMALL_TABLE = 10000, LARGE_TABLE = 100000, CHILD_TIMEOUT_S = 300 };

static void write_generated_routes(const char *path, unsigned count)
{
    struct hp_route_gen_params params;
    hp_route_gen_params_default(&params);
    params.routes = count;
    struct hp_error err = {""};
    char *text = hp_route_gen_routes(&params, &err);
    cr_assert_not_null(text, "%s", err.message);
    FILE *f = fopen(path, "w");
    cr_assert_not_null(f, "%s", path);
    fputs(text, f);
    cr_assert_eq(fclose(f), 0);
    free(text);
}

/* Instructions callgrind counts for `hotpath route --routes ROUTES --router ROUTER` with no
 * requests: reading, checking and loading the table, then freeing it. */
static double route_instructions(const char *dir, const char *routes, const char *router)
{
    char out[512], command[2048];
    snprintf(out, sizeof out, "%s/callgrind.%s", dir, router);
    snprintf(command, sizeof command,
             "timeout %d valgrind --tool=callgrind --callgrind-out-file='%s' '%s' route "
             "--routes '%s' --router %s </dev/null >'%s.log' 2>&1",
             CHILD_TIMEOUT_S, out, HOTPATH_BINARY, routes, router, out);
    int status = system(command);
    cr_assert(WIFEXITED(status) && WEXITSTATUS(status) != 124,
              "%s: loading %s did not end within %d s under callgrind", router, routes,
              CHILD_TIMEOUT_S);
    cr_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0, "%s: `%s` failed (see %s.log)", router,
              command, out);
    FILE *f = fopen(out, "r");
    cr_assert_not_null(f, "%s", out);
    char line[512];
    double total = -1;
    while (fgets(line, sizeof line, f))
        if (strncmp(line, "totals:", 7) == 0)
            total = strtod(line + 7, NULL);
    fclose(f);
    unlink(out);
    cr_assert_gt(total, 0, "%s: no totals in callgrind's output", router);
    return total;
}

#endif

/* Ten times the routes may cost at most about twelve times the instructions (n log n and
 * allocator effects leave some room over ten); a loop that checks or rebuilds against every
 * registered route costs a hundred times. */
static void expect_linear_loading(const char *router)
{
#if defined(HOTPATH_ASAN) || defined(HOTPATH_TSAN)
    (void)router;
    cr_skip_test("valgrind cannot run sanitizer builds (the Release build counts)");
#else
    if (!hp_instructions_available())
        cr_skip_test("valgrind is not installed: loading work not counted");
    char dir[] = "/tmp/hotpath-loading-XXXXXX";
    cr_assert_not_null(mkdtemp(dir));
    char small[600], large[600];
    snprintf(small, sizeof small, "%s/small.routes", dir);
    snprintf(large, sizeof large, "%s/large.routes", dir);
    write_generated_routes(small, SMALL_TABLE);
    write_generated_routes(large, LARGE_TABLE);
    double a = route_instructions(dir, small, router);
    double b = route_instructions(dir, large, router);
    cr_log_info("%s: %.0f instructions for %d routes, %.0f for %d: x%.2f", router, a, SMALL_TABLE,
                b, LARGE_TABLE, b / a);
    cr_expect_leq(b / a, 12.0, "%s: %d routes cost %.1f times the instructions of %d", router,
                  LARGE_TABLE, b / a, SMALL_TABLE);
    unlink(small);
    unlink(large);
    rmdir(dir);
#endif
}

/* One test per router of the table, so that they run in parallel and a new router is counted
 * without being named here; a router flagged HP_ROUTER_QUADRATIC_LOADING (the oracle) checks
 * every route against every other on purpose and is left out. */
static void free_router_indices(struct criterion_test_params *params)
{
    cr_free(params->params);
}

static struct criterion_test_params every_router(void)
{
    size_t *index = cr_malloc(router_count() * sizeof *index);
    for (size_t i = 0; i < router_count(); i++)
        index[i] = i;
    return cr_make_param_array(size_t, index, router_count(), free_router_indices);
}

ParameterizedTestParameters(route_loading_work, linear_in_the_routes)
{
    return every_router();
}

ParameterizedTest(size_t *index, route_loading_work, linear_in_the_routes)
{
    const struct hp_router_ops *ops = router_ops(*index);
    if (ops->flags & HP_ROUTER_QUADRATIC_LOADING)
        cr_skip_test("%s: quadratic loading on purpose (the oracle)", ops->info.name);
    expect_linear_loading(ops->info.name);
}

/* The exemption is the oracle's alone: a flag copied onto a real router would hide it. */
Test(route_loading_work, only_the_oracle_loads_in_quadratic_time)
{
    size_t flagged = 0;
    for (size_t i = 0; i < router_count(); i++)
        flagged += (router_ops(i)->flags & HP_ROUTER_QUADRATIC_LOADING) != 0;
    cr_expect_eq(flagged, 1, "%zu routers are exempt from the loading-work count", flagged);
}

/* ---- the route file reader's limits ---- */

static void expect_load_refused(const char *path, const char *want)
{
    struct hp_route_set *set = NULL;
    struct hp_error err = {""};
    cr_assert_neq(hp_route_set_load(path, &set, &err), 0, "%s was accepted", path);
    cr_assert_null(set);
    cr_expect(strstr(err.message, want), "%s: message '%s' lacks '%s'", path, err.message, want);
    cr_expect(strncmp(err.message, path, strlen(path)) == 0, "message '%s' does not start with %s",
              err.message, path);
}

Test(route_file, dev_zero_is_refused_at_the_size_limit)
{
    expect_load_refused("/dev/zero", "/dev/zero: longer than 64 MiB, the limit for this file");
}

Test(route_file, a_directory_is_refused)
{
    expect_load_refused("/tmp", "/tmp: is a directory");
}

/* A new route file under /tmp holding `head`, `count` bytes `fill`, then `tail`; its name goes
 * into path (at least 32 bytes). */
static void write_route_file(char *path, const char *head, char fill, size_t count,
                             const char *tail)
{
    strcpy(path, "/tmp/hotpath-routes-XXXXXX");
    int fd = mkstemp(path);
    cr_assert_geq(fd, 0);
    FILE *f = fdopen(fd, "w");
    cr_assert_not_null(f);
    fputs(head, f);
    for (size_t i = 0; i < count; i++)
        fputc(fill, f);
    fputs(tail, f);
    cr_assert_eq(fclose(f), 0);
}

Test(route_file, a_file_without_routes_is_refused)
{
    char path[64];
    write_route_file(path, "# only a comment\n\n", 0, 0, "");
    expect_load_refused(path, "no routes in the file");
    unlink(path);
}

/* A binary file's bytes are named as \xNN, so the message is text a terminal shows as it is. */
Test(route_file, binary_bytes_are_quoted_in_the_message)
{
    char path[64];
    write_route_file(path, "G\x01T\xb2 /a\n", 0, 0, "");
    char want[128];
    snprintf(want, sizeof want, "%s:1: unknown method 'G\\x01T\\xb2'", path);
    expect_load_refused(path, want);
    unlink(path);
}

Test(route_file, a_file_over_the_size_limit_is_refused_unread)
{
    char path[64];
    write_route_file(path, "", 0, 0, "");
    /* Sparse: nothing is written, and the reader must not read it. */
    cr_assert_eq(truncate(path, (off_t)HP_ROUTE_FILE_MAX + 1), 0);
    expect_load_refused(path, "longer than 64 MiB, the limit for this file");
    unlink(path);
}

Test(route_file, a_line_over_the_limit_is_refused_with_its_number)
{
    char path[64];
    write_route_file(path, "GET /a\n# a long comment follows\n#", 'x', HP_ROUTE_LINE_MAX,
                     "\nGET /b\n");
    char want[600];
    snprintf(want, sizeof want, "%s:3: line longer than the limit of 32768 bytes", path);
    expect_load_refused(path, want);
    unlink(path);

    /* The same text parsed from memory: the same limit and message. */
    size_t len = HP_ROUTE_LINE_MAX + 16;
    char *text = malloc(len);
    memset(text, '#', len);
    struct hp_route_set *set = NULL;
    struct hp_error err = {""};
    cr_assert_neq(hp_route_set_parse("t.routes", text, len, &set, &err), 0);
    cr_expect_str_eq(err.message, "t.routes:1: line longer than the limit of 32768 bytes");
    free(text);
}

Test(route_file, a_line_at_the_limit_is_read)
{
    char path[64];
    write_route_file(path, "GET /a #", 'x', HP_ROUTE_LINE_MAX - 8, "\nGET /b");
    struct hp_route_set *set = NULL;
    struct hp_error err = {""};
    cr_assert_eq(hp_route_set_load(path, &set, &err), 0, "%s", err.message);
    cr_expect_eq(set->count, 2);
    hp_route_set_free(set);
    unlink(path);
}

/* A pipe (no size to look at) that never ends: read up to the limit, then refused. */
static void *write_routes_forever(void *arg)
{
    int fd = *(int *)arg;
    static const char chunk[] = "GET /a\n# a comment line that is a little longer than the route\n";
    while (write(fd, chunk, sizeof chunk - 1) > 0) {
    }
    close(fd);
    return NULL;
}

Test(route_file, an_endless_pipe_is_refused_at_the_size_limit)
{
    signal(SIGPIPE, SIG_IGN);
    int fds[2];
    cr_assert_eq(pipe(fds), 0);
    pthread_t writer;
    cr_assert_eq(pthread_create(&writer, NULL, write_routes_forever, &fds[1]), 0);
    char path[64];
    snprintf(path, sizeof path, "/dev/fd/%d", fds[0]);
    expect_load_refused(path, "longer than 64 MiB, the limit for this file");
    close(fds[0]); /* the writer's next write fails: it ends */
    pthread_join(writer, NULL);
}

/* The command: one line on stderr naming the file, exit 2, nothing on stdout. */
Test(route_file, route_command_refuses_dev_zero_with_exit_2)
{
    char dir[] = "/tmp/hotpath-routes-XXXXXX";
    cr_assert_not_null(mkdtemp(dir));
    char command[1024];
    snprintf(command, sizeof command,
             "echo 'GET /' | timeout 60 '%s' route --routes /dev/zero >'%s/out' 2>'%s/err'",
             HOTPATH_BINARY, dir, dir);
    int status = system(command);
    cr_assert(WIFEXITED(status) && WEXITSTATUS(status) == 2, "status %d", status);
    char path[600], text[4096] = "";
    snprintf(path, sizeof path, "%s/err", dir);
    FILE *f = fopen(path, "r");
    cr_assert_not_null(f);
    size_t n = fread(text, 1, sizeof text - 1, f);
    text[n] = 0;
    fclose(f);
    cr_expect_str_eq(text, "hotpath: /dev/zero: longer than 64 MiB, the limit for this file\n");
    struct stat st;
    snprintf(path, sizeof path, "%s/out", dir);
    cr_expect(stat(path, &st) == 0 && st.st_size == 0, "something was printed");
    snprintf(command, sizeof command, "rm -rf '%s'", dir);
    cr_assert_eq(system(command), 0);
}
