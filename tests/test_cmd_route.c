/* `hotpath route`, run in-process (hp_cmd_route) with stdin and stdout redirected to files. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "commands.h"
#include "run_captured.h"

struct run {
    int status;
    char out[8192];
    char err[8192];
};

static void write_file(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    cr_assert(f);
    fputs(text, f);
    fclose(f);
}

/* Runs `hotpath route ARGS` with the file `stdin_path` (NULL: `input`, `input_len` bytes) on
 * stdin; argv is NULL-terminated. */
static void run_route_bytes(const char *const *args, const char *stdin_path, const char *input,
                            size_t input_len, struct run *r)
{
    char dir[] = "/tmp/hp_cmd_route_XXXXXX";
    cr_assert(mkdtemp(dir));
    char in[64], out[64], err[64];
    snprintf(in, sizeof in, "%s/in", dir);
    snprintf(out, sizeof out, "%s/out", dir);
    snprintf(err, sizeof err, "%s/err", dir);
    FILE *f = fopen(in, "w");
    cr_assert(f);
    cr_assert_eq(fwrite(input, 1, input_len, f), input_len);
    fclose(f);
    if (stdin_path)
        snprintf(in, sizeof in, "%s", stdin_path);
    fflush(stdout);
    fflush(stderr);
    int saved[3] = {dup(0), dup(1), dup(2)};
    cr_assert(freopen(in, "r", stdin));
    cr_assert(freopen(out, "w", stdout));
    cr_assert(freopen(err, "w", stderr));
    char *argv[16];
    int argc = 0;
    argv[argc++] = "route";
    for (; args[argc - 1] && argc < 15; argc++)
        argv[argc] = (char *)args[argc - 1];
    argv[argc] = NULL;
    r->status = hp_cmd_route(argc, argv);
    fflush(stdout);
    fflush(stderr);
    dup2(saved[0], 0);
    dup2(saved[1], 1);
    dup2(saved[2], 2);
    clearerr(stdin);
    cr_assert(slurp(out, r->out, sizeof r->out));
    cr_assert(slurp(err, r->err, sizeof r->err));
    snprintf(in, sizeof in, "%s/in", dir);
    unlink(in);
    unlink(out);
    unlink(err);
    rmdir(dir);
}

static void run_route(const char *const *args, const char *input, struct run *r)
{
    run_route_bytes(args, NULL, input, strlen(input), r);
}

static const char *routes_file(void)
{
    static char path[] = "/tmp/hp_cmd_route_routes_XXXXXX";
    int fd = mkstemp(path);
    cr_assert(fd >= 0);
    close(fd);
    write_file(path, "# test routes\nGET /\nGET /users/new\nGET /users/:id\nPOST /users/:id\n"
                     "GET /src/*filepath\nGET /b/\n");
    return path;
}

Test(cmd_route, answers_every_kind)
{
    const char *routes = routes_file();
    const char *args[] = {"--routes", routes, NULL};
    struct run r;
    run_route(args,
              "GET /users/42?x=1\nGET /users/new\n\n# comment\nPUT /users/1\nGET /nope\n"
              "GET /b\nPOST /users/1/\nGET /src/a/b\nGET /\n",
              &r);
    cr_expect_eq(r.status, 0, "%s", r.err);
    cr_expect_str_eq(r.out, "GET /users/:id id=42\nGET /users/new\n405 Allow: GET, POST\n404\n"
                            "301 /b/\n308 /users/1\nGET /src/*filepath filepath=/a/b\nGET /\n");
    cr_expect_str_eq(r.err, "");
    unlink(routes);
}

Test(cmd_route, prints_the_case_insensitive_suggestion)
{
    const char *routes = routes_file();
    const char *args[] = {"--routes", routes, "--router", "all", NULL};
    struct run r;
    run_route(args, "GET /USERS/NEW\nPOST /Users/7\nGET /B/?q\nGET /users/new\nGET /NOPE\n", &r);
    cr_expect_eq(r.status, 0, "%s", r.err);
    cr_expect_str_eq(r.out, "301 /users/new (fixed case)\n308 /users/7 (fixed case)\n"
                            "301 /b/ (fixed case)\nGET /users/new\n404\n");
    cr_expect_str_eq(r.err, "");
    unlink(routes);
}

Test(cmd_route, all_routers_agree)
{
    const char *routes = routes_file();
    const char *args[] = {"--routes", routes, "--router", "all", NULL};
    struct run r;
    run_route(args, "GET /users/42\nGET /users/newer\nGET /src/\nDELETE /users/1\n", &r);
    cr_expect_eq(r.status, 0, "%s", r.err);
    cr_expect_str_eq(r.out, "GET /users/:id id=42\nGET /users/:id id=newer\n"
                            "GET /src/*filepath filepath=/\n405 Allow: GET, POST\n");
    unlink(routes);
}

Test(cmd_route, bad_input_is_one_message_and_exit_2)
{
    const char *routes = routes_file();
    struct run r;
    const char *unknown[] = {"--routes", routes, "--router", "trie", NULL};
    run_route(unknown, "GET /\n", &r);
    cr_expect_eq(r.status, 2);
    cr_expect_str_eq(r.out, "");
    cr_expect(strstr(r.err, "hotpath: route: unknown router 'trie' (valid: linear, radix"), "%s",
              r.err);
    cr_expect(strchr(r.err, '\n') == r.err + strlen(r.err) - 1, "one line: %s", r.err);

    const char *no_routes[] = {"--router", "radix", NULL};
    run_route(no_routes, "", &r);
    cr_expect_eq(r.status, 2);
    cr_expect(strstr(r.err, "--routes FILE is required"), "%s", r.err);

    const char *bad_flag[] = {"--routes", routes, "--fast", NULL};
    run_route(bad_flag, "", &r);
    cr_expect_eq(r.status, 2);
    cr_expect(strstr(r.err, "unknown or incomplete argument '--fast'"), "%s", r.err);

    char bad_routes[] = "/tmp/hp_cmd_route_bad_XXXXXX";
    int fd = mkstemp(bad_routes);
    close(fd);
    write_file(bad_routes, "GET /a\nGET /:x\nGET /*y\n");
    const char *bad_file[] = {"--routes", bad_routes, NULL};
    run_route(bad_file, "GET /a\n", &r);
    cr_expect_eq(r.status, 2);
    cr_expect_str_eq(r.out, "");
    cr_expect(strstr(r.err, ":3: catch-all '*y' of GET /*y is at the same position as param"), "%s",
              r.err);
    unlink(bad_routes);

    const char *ok[] = {"--routes", routes, NULL};
    run_route(ok, "GET /\nFETCH /x\n", &r);
    cr_expect_eq(r.status, 2);
    cr_expect_str_eq(r.out, "", "no partial output");
    cr_expect(strstr(r.err, "stdin:2: unknown method 'FETCH' (valid: GET,"), "%s", r.err);
    unlink(routes);
}

/* Stdin that is not a list of text lines of bounded size: refused with one message (naming the
 * line where there is one), exit 2, nothing printed. */
Test(cmd_route, stdin_is_text_of_bounded_size)
{
    const char *routes = routes_file();
    const char *args[] = {"--routes", routes, NULL};
    struct run r;
    static const char nul[] = "GET /\nGET /a\0b\n";
    run_route_bytes(args, NULL, nul, sizeof nul - 1, &r);
    cr_expect_eq(r.status, 2);
    cr_expect_str_eq(r.out, "", "nothing printed raw");
    cr_expect(strstr(r.err, "hotpath: stdin:2: NUL byte in the line"), "%s", r.err);

    run_route_bytes(args, "/tmp", "", 0, &r);
    cr_expect_eq(r.status, 2, "a directory is no empty input");
    cr_expect(strstr(r.err, "/dev/stdin: is a directory"), "%s", r.err);

    run_route_bytes(args, "/dev/zero", "", 0, &r);
    cr_expect_eq(r.status, 2);
    cr_expect(strstr(r.err, "/dev/stdin: longer than 64 MiB"), "%s", r.err);
    cr_expect(strchr(r.err, '\n') == r.err + strlen(r.err) - 1, "one line: %s", r.err);

    size_t long_len = (1u << 20) + 16;
    char *long_line = malloc(long_len);
    cr_assert_not_null(long_line);
    memcpy(long_line, "GET /\nGET /", 11);
    memset(long_line + 11, 'a', long_len - 12);
    long_line[long_len - 1] = '\n';
    run_route_bytes(args, NULL, long_line, long_len, &r);
    free(long_line);
    cr_expect_eq(r.status, 2);
    cr_expect(strstr(r.err, "stdin:2: a line longer than 1 MiB"), "%s", r.err);

    /* Many short lines: the total is bounded too (64 MiB). */
    size_t big = (64u << 20) + 6;
    char *lines = malloc(big);
    cr_assert_not_null(lines);
    for (size_t i = 0; i + 6 <= big; i += 6)
        memcpy(lines + i, "GET /\n", 6);
    run_route_bytes(args, NULL, lines, big, &r);
    free(lines);
    cr_expect_eq(r.status, 2);
    cr_expect(strstr(r.err, "/dev/stdin: longer than 64 MiB"), "%s", r.err);
    cr_expect_str_eq(r.out, "");
    unlink(routes);
}
