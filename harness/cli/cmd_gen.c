/* `hotpath gen routes|requests`: the command face of route_gen.h.
 *
 * All output is built in memory first and written only once everything succeeded, so a refused
 * flag or file leaves stdout empty (a caller redirecting into a .routes file never gets half a
 * file from a failed run).
 */
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "commands.h"
#include "common/error.h"
#include "route_gen.h"

enum value_kind { VALUE_UINT, VALUE_DOUBLE, VALUE_SEED, VALUE_FILE };

struct flag {
    const char *name; /* "--count" */
    enum value_kind kind;
    double min, max; /* for VALUE_UINT and VALUE_DOUBLE */
    bool required;
    /* filled while parsing */
    bool seen;
    uint64_t u;
    double d;
    const char *s;
};

__attribute__((format(printf, 1, 2))) static int usage_error(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fputs("hotpath gen: ", stderr);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
    return HP_EXIT_USAGE;
}

static void describe_valid(const struct flag *f, char *buf, size_t size)
{
    switch (f->kind) {
    case VALUE_UINT:
        snprintf(buf, size, "an integer %.0f..%.0f", f->min, f->max);
        break;
    case VALUE_DOUBLE:
        snprintf(buf, size, "a number %g..%g", f->min, f->max);
        break;
    case VALUE_SEED:
        snprintf(buf, size, "an integer 0..18446744073709551615");
        break;
    case VALUE_FILE:
        snprintf(buf, size, "a route file");
        break;
    }
}

static bool parse_value(struct flag *f, const char *text)
{
    if (f->kind == VALUE_FILE) {
        f->s = text;
        return text[0] != '\0';
    }
    char *end;
    errno = 0;
    if (f->kind == VALUE_DOUBLE) {
        f->d = strtod(text, &end);
        return errno == 0 && end != text && *end == '\0' && isfinite(f->d) && f->d >= f->min &&
               f->d <= f->max;
    }
    if (text[0] < '0' || text[0] > '9') /* strtoull would accept " -1" */
        return false;
    f->u = strtoull(text, &end, 10);
    if (errno != 0 || *end != '\0')
        return false;
    return f->kind == VALUE_SEED || ((double)f->u >= f->min && (double)f->u <= f->max);
}

/* Parses argv[first..] against `flags`; returns 0 or the exit status of a printed error. */
static int parse_flags(int argc, char **argv, int first, const char *command, struct flag *flags,
                       size_t flag_count)
{
    char valid[256] = "";
    for (size_t i = 0; i < flag_count; i++) {
        strncat(valid, i ? ", " : "", sizeof valid - strlen(valid) - 1);
        strncat(valid, flags[i].name, sizeof valid - strlen(valid) - 1);
    }
    for (int i = first; i < argc; i++) {
        const char *arg = argv[i];
        const char *eq = strchr(arg, '=');
        size_t name_len = eq ? (size_t)(eq - arg) : strlen(arg);
        struct flag *f = NULL;
        for (size_t k = 0; k < flag_count; k++)
            if (strlen(flags[k].name) == name_len && strncmp(flags[k].name, arg, name_len) == 0)
                f = &flags[k];
        if (!f) {
            if (strncmp(arg, "--", 2) != 0)
                return usage_error("unexpected argument '%s' for 'gen %s' (valid flags: %s)", arg,
                                   command, valid);
            return usage_error("unknown flag '%.*s' for 'gen %s' (valid: %s)", (int)name_len, arg,
                               command, valid);
        }
        char expected[96];
        describe_valid(f, expected, sizeof expected);
        if (f->seen)
            return usage_error("%s given twice (expected once: %s)", f->name, expected);
        const char *value = eq ? eq + 1 : (i + 1 < argc ? argv[++i] : NULL);
        if (!value)
            return usage_error("%s needs a value (%s)", f->name, expected);
        if (!parse_value(f, value))
            return usage_error("%s: '%s' is not valid (expected %s)", f->name, value, expected);
        f->seen = true;
    }
    for (size_t k = 0; k < flag_count; k++) {
        if (flags[k].required && !flags[k].seen) {
            char expected[96];
            describe_valid(&flags[k], expected, sizeof expected);
            return usage_error("%s is required for 'gen %s' (%s)", flags[k].name, command,
                               expected);
        }
    }
    return 0;
}

/* A failed write is main's to report: it checks standard output as it closes it. */
static int write_all(const char *text, size_t len)
{
    return fwrite(text, 1, len, stdout) == len && fflush(stdout) == 0 ? 0 : 1;
}

static int cmd_gen_routes(int argc, char **argv)
{
    struct hp_route_gen_params params;
    hp_route_gen_params_default(&params);
    struct flag flags[] = {
        {.name = "--count",
         .kind = VALUE_UINT,
         .min = 1,
         .max = HP_ROUTE_GEN_MAX_ROUTES,
         .required = true},
        {.name = "--depth", .kind = VALUE_UINT, .min = 1, .max = HP_ROUTE_GEN_MAX_DEPTH},
        {.name = "--param-share", .kind = VALUE_DOUBLE, .min = 0, .max = 1},
        {.name = "--catchall-share", .kind = VALUE_DOUBLE, .min = 0, .max = 1},
        {.name = "--fanout", .kind = VALUE_UINT, .min = 1, .max = HP_ROUTE_GEN_MAX_ROUTES},
        {.name = "--seed", .kind = VALUE_SEED},
    };
    int rc = parse_flags(argc, argv, 2, "routes", flags, sizeof flags / sizeof flags[0]);
    if (rc != 0)
        return rc;
    params.routes = (unsigned)flags[0].u;
    if (flags[1].seen)
        params.max_depth = (unsigned)flags[1].u;
    if (flags[2].seen)
        params.param_share = flags[2].d;
    if (flags[3].seen)
        params.catchall_share = flags[3].d;
    if (flags[4].seen)
        params.prefix_fanout = (unsigned)flags[4].u;
    if (flags[5].seen)
        params.seed = flags[5].u;

    struct hp_error err;
    char *text = hp_route_gen_routes(&params, &err);
    if (!text)
        return usage_error("%s", err.message);
    rc = write_all(text, strlen(text));
    free(text);
    return rc;
}

static int cmd_gen_requests(int argc, char **argv)
{
    struct flag flags[] = {
        {.name = "--routes", .kind = VALUE_FILE, .required = true},
        {.name = "--count",
         .kind = VALUE_UINT,
         .min = 1,
         .max = HP_REQUEST_GEN_MAX_COUNT,
         .required = true},
        {.name = "--zipf", .kind = VALUE_DOUBLE, .min = 0, .max = 10},
        {.name = "--seed", .kind = VALUE_SEED},
    };
    int rc = parse_flags(argc, argv, 2, "requests", flags, sizeof flags / sizeof flags[0]);
    if (rc != 0)
        return rc;
    struct hp_request_gen_params params = {
        .routes = flags[0].s,
        .count = (size_t)flags[1].u,
        .zipf_s = flags[2].seen ? flags[2].d : 1.0,
        .seed = flags[3].seen ? flags[3].u : 1,
    };
    struct hp_error err;
    char *text = hp_route_gen_requests(&params, &err);
    if (!text)
        return usage_error("%s", err.message);
    rc = write_all(text, strlen(text));
    free(text);
    return rc;
}

int hp_cmd_gen(int argc, char **argv)
{
    for (int i = 1; i < argc; i++)
        if (strcmp(argv[i], "--help") == 0) {
            printf("usage: hotpath gen routes --count N [--depth N] [--param-share X]\n"
                   "                          [--catchall-share X] [--fanout N] [--seed N]\n"
                   "       hotpath gen requests --routes FILE --count N [--zipf S] [--seed N]\n"
                   "  (README.md, `hotpath gen routes|requests`: what each flag sets, and its "
                   "range)\n");
            return 0;
        }
    if (argc < 2)
        return usage_error("missing what to generate (valid: routes, requests)");
    if (strcmp(argv[1], "routes") == 0)
        return cmd_gen_routes(argc, argv);
    if (strcmp(argv[1], "requests") == 0)
        return cmd_gen_requests(argc, argv);
    return usage_error("unknown subcommand '%s' (valid: routes, requests)", argv[1]);
}
