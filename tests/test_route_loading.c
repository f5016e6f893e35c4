/* Loading route tables: the radix tree's conflict messages, and the route file reader's limits
 * (a size, a line length, no directory; never more read than the limit, whatever the file). */
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "router_test_util.h"

#ifndef HOTPATH_BINARY
#define HOTPATH_BINARY "build/hotpath"
#endif

/* An edge split (`/ab` then `/a`) leaves the shorter route on a node first made for the longer:
 * a duplicate of the shorter one must still be named as such. */
Test(route_loading, duplicate_after_an_edge_split)
{
    struct hp_route routes[] = {mk_route("GET", "/ab", 1), mk_route("GET", "/a", 2),
                                mk_route("GET", "/a", 3)};
    expect_refused(routes, 3, "duplicate route GET /a, already registered at t.routes:2");
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

Test(route_file, dev_zero_is_refused_at_its_first_line)
{
    expect_load_refused("/dev/zero", "/dev/zero:1: line longer than the limit of 32768 bytes");
}

Test(route_file, a_directory_is_refused)
{
    expect_load_refused("/tmp", "/tmp: is a directory, not a route file");
}

Test(route_file, a_file_over_the_size_limit_is_refused_unread)
{
    char path[] = "/tmp/hotpath-routes-XXXXXX";
    int fd = mkstemp(path);
    cr_assert_geq(fd, 0);
    /* Sparse: nothing is written, and the reader must not read it. */
    cr_assert_eq(ftruncate(fd, (off_t)HP_ROUTE_FILE_MAX + 1), 0);
    close(fd);
    char want[128];
    snprintf(want, sizeof want, "larger than the limit of %d bytes for a route file",
             HP_ROUTE_FILE_MAX);
    expect_load_refused(path, want);
    unlink(path);
}

Test(route_file, a_line_over_the_limit_is_refused_with_its_number)
{
    char path[] = "/tmp/hotpath-routes-XXXXXX";
    int fd = mkstemp(path);
    cr_assert_geq(fd, 0);
    FILE *f = fdopen(fd, "w");
    fputs("GET /a\n# a long comment follows\n#", f);
    for (int i = 0; i < HP_ROUTE_LINE_MAX; i++)
        fputc('x', f);
    fputs("\nGET /b\n", f);
    cr_assert_eq(fclose(f), 0);
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
    char path[] = "/tmp/hotpath-routes-XXXXXX";
    int fd = mkstemp(path);
    cr_assert_geq(fd, 0);
    FILE *f = fdopen(fd, "w");
    fputs("GET /a #", f);
    for (int i = 8; i < HP_ROUTE_LINE_MAX; i++)
        fputc('x', f);
    fputs("\nGET /b", f);
    cr_assert_eq(fclose(f), 0);
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
    char want[128];
    snprintf(want, sizeof want, "larger than the limit of %d bytes for a route file",
             HP_ROUTE_FILE_MAX);
    expect_load_refused(path, want);
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
    cr_expect_str_eq(text, "hotpath: /dev/zero:1: line longer than the limit of 32768 bytes\n");
    struct stat st;
    snprintf(path, sizeof path, "%s/out", dir);
    cr_expect(stat(path, &st) == 0 && st.st_size == 0, "something was printed");
    snprintf(command, sizeof command, "rm -rf '%s'", dir);
    cr_assert_eq(system(command), 0);
}
