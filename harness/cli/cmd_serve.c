/* `hotpath serve`: the pipeline of one composition behind an HTTP/1.1 server on a TCP socket
 * (harness/serve/server.h), until SIGINT or SIGTERM; then its counters. The composition is
 * chosen as `hotpath run` chooses one: --AXIS flags (one implementation each; the request
 * workloads' default on the axes not named) or one phase of a phase file. */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <getopt.h>
#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include "commands.h"
#include "data_dir.h"
#include "http/pipeline.h"
#include "inputs.h"
#include "phases.h"
#include "selection.h"
#include "server.h"
#include "values.h"
#include "workload_table.h"

/* Defaults (README, `hotpath serve`). */
#define DEFAULT_PORT            8080
#define DEFAULT_MAX_HEAD        16384
#define DEFAULT_MAX_BODY        1048576
#define DEFAULT_MAX_CONNECTIONS 1024
#define DEFAULT_IDLE_MS         60000
#define DEFAULT_HEADER_MS       10000
/* Descriptors beyond the connections: stdio, the listening socket, epoll and eventfd per
 * worker, files read at start. */
#define SPARE_DESCRIPTORS       64

struct serve_options {
    struct hp_selection sel; /* the --AXIS flags, as `run` parses them */
    const char *axis_flag;   /* the last --AXIS given, for the refusal with --phases */
    const char *phases_file, *phase_name, *routes_file, *workloads_dir, *print_response;
    struct hp_server_config server;
};

static void print_serve_usage(FILE *f)
{
    fprintf(f, "usage: hotpath serve [options]\n"
               "  --AXIS NAME               one implementation of an axis (default: the request\n"
               "                            workloads' composition, `hotpath list`); axes:");
    for (int axis = 0; axis < HP_AXIS_COUNT; axis++)
        fprintf(f, " --%s", hp_axis_get(axis)->name);
    fprintf(f,
            "\n"
            "  --phases FILE             take the composition from a phase file (a path or a\n"
            "                            shipped plan's name); with several phases, --phase NAME\n"
            "  --phase NAME              the phase of --phases to serve\n"
            "  --routes FILE             route set (default: workloads/routes/github.routes)\n"
            "  --bind ADDR               IPv4 address to listen on (default 127.0.0.1)\n"
            "  --port N                  TCP port (default %d; 0: a free one, printed)\n"
            "  --threads N               workers (default 1)\n"
            "  --max-head-bytes N        request head limit, 431 beyond (default %d)\n"
            "  --max-headers N           header field limit, 431 beyond (default and max %d)\n"
            "  --max-body-bytes N        Content-Length limit, 413 beyond (default %d)\n"
            "  --max-connections N       open connections; more are closed at once (default %d)\n"
            "  --idle-timeout DURATION   close a connection silent this long (default 60s)\n"
            "  --header-timeout DURATION close one whose head takes longer (default 10s)\n"
            "  --workloads-dir DIR       where --routes and --phases names are found\n"
            "  --print-response 'METHOD PATH'  print the bytes the server would send for that\n"
            "                            request (as the request workloads send it) and exit\n",
            DEFAULT_PORT, DEFAULT_MAX_HEAD, HP_HTTP_MAX_HEADERS, DEFAULT_MAX_BODY,
            DEFAULT_MAX_CONNECTIONS);
}

enum {
    OPT_PHASES = 256,
    OPT_PHASE,
    OPT_ROUTES,
    OPT_BIND,
    OPT_PORT,
    OPT_THREADS,
    OPT_MAX_HEAD,
    OPT_MAX_HEADERS,
    OPT_MAX_BODY,
    OPT_MAX_CONNECTIONS,
    OPT_IDLE,
    OPT_HEADER_TIMEOUT,
    OPT_WORKLOADS_DIR,
    OPT_PRINT_RESPONSE,
    OPT_HELP,
    OPT_AXIS_FIRST = 512 /* + axis id */
};

static int parse_number(struct serve_options *o, int opt, const char *value, struct hp_error *err)
{
    struct hp_server_config *s = &o->server;
    uint64_t v;
    double ns;
    switch (opt) {
    case OPT_PORT:
        if (hp_parse_u64("--port", value, 0, 65535, &v, err) != 0)
            return -1;
        s->port = (uint16_t)v;
        return 0;
    case OPT_THREADS:
        if (hp_parse_u64("--threads", value, 1, 256, &v, err) != 0)
            return -1;
        s->threads = (unsigned)v;
        return 0;
    case OPT_MAX_HEAD:
        if (hp_parse_u64("--max-head-bytes", value, 64, 1 << 20, &v, err) != 0)
            return -1;
        s->limits.max_head_bytes = (size_t)v;
        return 0;
    case OPT_MAX_HEADERS:
        if (hp_parse_u64("--max-headers", value, 0, HP_HTTP_MAX_HEADERS, &v, err) != 0)
            return -1;
        s->limits.max_headers = (size_t)v;
        return 0;
    case OPT_MAX_BODY:
        return hp_parse_u64("--max-body-bytes", value, 0, UINT64_MAX, &s->limits.max_body_bytes,
                            err);
    case OPT_MAX_CONNECTIONS:
        if (hp_parse_u64("--max-connections", value, 1, 1000000, &v, err) != 0)
            return -1;
        s->max_connections = (unsigned)v;
        return 0;
    }
    const char *flag = opt == OPT_IDLE ? "--idle-timeout" : "--header-timeout";
    if (hp_parse_duration_ns(flag, value, 1e6, 86400e9, &ns, err) != 0)
        return -1;
    *(opt == OPT_IDLE ? &s->idle_ms : &s->header_ms) = (unsigned)(ns / 1e6);
    return 0;
}

/* One option of getopt's; 1 for --help (printed), 0, or -1 with err set. */
static int parse_option(struct serve_options *o, int opt, struct hp_error *err)
{
    switch (opt) {
    case OPT_PHASES:
        o->phases_file = optarg;
        return 0;
    case OPT_PHASE:
        o->phase_name = optarg;
        return 0;
    case OPT_ROUTES:
        o->routes_file = optarg;
        return 0;
    case OPT_BIND: {
        struct in_addr address;
        if (inet_pton(AF_INET, optarg, &address) != 1)
            return hp_error_set(err, "--bind '%s': not an IPv4 address", optarg);
        o->server.bind_address = optarg;
        return 0;
    }
    case OPT_WORKLOADS_DIR:
        o->workloads_dir = optarg;
        return 0;
    case OPT_PRINT_RESPONSE:
        o->print_response = optarg;
        return 0;
    case OPT_HELP:
        print_serve_usage(stdout);
        return 1;
    }
    if (opt < OPT_AXIS_FIRST)
        return parse_number(o, opt, optarg, err);
    int axis = opt - OPT_AXIS_FIRST;
    o->axis_flag = hp_axis_get(axis)->name;
    if (hp_selection_set_impls(&o->sel, axis, optarg, err) != 0)
        return -1;
    if (o->sel.impl_all[axis] || o->sel.impl_count[axis] != 1)
        return hp_error_set(err, "--%s: hotpath serve runs one implementation per axis (%s)",
                            o->axis_flag, o->sel.impl_all[axis] ? "'all' given" : "a list given");
    return 0;
}

static int parse_options(int argc, char **argv, struct serve_options *o, struct hp_error *err)
{
    static const struct option fixed[] = {
        {"phases", required_argument, NULL, OPT_PHASES},
        {"phase", required_argument, NULL, OPT_PHASE},
        {"routes", required_argument, NULL, OPT_ROUTES},
        {"bind", required_argument, NULL, OPT_BIND},
        {"port", required_argument, NULL, OPT_PORT},
        {"threads", required_argument, NULL, OPT_THREADS},
        {"max-head-bytes", required_argument, NULL, OPT_MAX_HEAD},
        {"max-headers", required_argument, NULL, OPT_MAX_HEADERS},
        {"max-body-bytes", required_argument, NULL, OPT_MAX_BODY},
        {"max-connections", required_argument, NULL, OPT_MAX_CONNECTIONS},
        {"idle-timeout", required_argument, NULL, OPT_IDLE},
        {"header-timeout", required_argument, NULL, OPT_HEADER_TIMEOUT},
        {"workloads-dir", required_argument, NULL, OPT_WORKLOADS_DIR},
        {"print-response", required_argument, NULL, OPT_PRINT_RESPONSE},
        {"help", no_argument, NULL, OPT_HELP},
    };
    struct option options[sizeof fixed / sizeof fixed[0] + HP_AXIS_COUNT + 1];
    size_t n = sizeof fixed / sizeof fixed[0];
    memcpy(options, fixed, sizeof fixed);
    for (int axis = 0; axis < HP_AXIS_COUNT; axis++)
        options[n++] = (struct option){hp_axis_get(axis)->name, required_argument, NULL,
                                       OPT_AXIS_FIRST + axis};
    options[n] = (struct option){0};
    opterr = 0;
    optind = 1;
    for (int opt; (opt = hp_next_option(argc, argv, options, "serve", err)) != -1;) {
        int rc = opt == HP_OPTION_REFUSED ? -1 : parse_option(o, opt, err);
        if (rc != 0)
            return rc;
    }
    if (optind < argc)
        return hp_error_set(err, "unexpected argument '%s' (see `hotpath serve --help`)",
                            argv[optind]);
    if (o->phase_name && !o->phases_file)
        return hp_error_set(err, "--phase needs --phases FILE");
    return 0;
}

/* The request workloads' axes, from the workload that serves as their model. */
static const struct hp_workload *request_model(void)
{
    return hp_workload_find("request/static");
}

/* The phase --phase names (or the plan's only one) into `composition`. */
static int phase_composition(const struct serve_options *o, const char *workloads_dir,
                             struct hp_composition *composition, struct hp_error *err)
{
    static char path[4200];
    static struct hp_phase_plan plan; /* large */
    if (o->axis_flag)
        return hp_error_set(err,
                            "--%s cannot be combined with --phases: the phase chooses the "
                            "implementations",
                            o->axis_flag);
    if (hp_data_find_phases(o->phases_file, workloads_dir, path, sizeof path, err) != 0 ||
        hp_phases_read(path, &plan, err) != 0)
        return -1;
    const struct hp_phase *phase = o->phase_name     ? hp_phases_find(&plan, o->phase_name)
                                   : plan.count == 1 ? &plan.phases[0]
                                                     : NULL;
    if (!phase) {
        char names[1024];
        size_t used = 0;
        names[0] = '\0';
        for (size_t i = 0; i < plan.count && used < sizeof names; i++)
            used += (size_t)snprintf(names + used, sizeof names - used, "%s%s", i ? ", " : "",
                                     plan.phases[i].name);
        if (o->phase_name)
            return hp_error_set(err, "--phase '%s': %s has no such phase (valid: %s)",
                                o->phase_name, path, names);
        return hp_error_set(err, "%s has %zu phases: choose one with --phase NAME (valid: %s)",
                            path, plan.count, names);
    }
    const struct hp_workload *model = request_model();
    for (int axis = 0; axis < HP_AXIS_COUNT; axis++) {
        if (!(model->axes & HP_AXIS_BIT(axis)))
            continue;
        if (!phase->impl[axis])
            return hp_error_set(err,
                                "%s:%u: phase '%s' names no %s implementation, which hotpath "
                                "serve needs",
                                path, phase->line, phase->name, hp_axis_get(axis)->name);
        composition->impl[axis] = phase->impl[axis];
    }
    return 0;
}

/* The --AXIS flags, the request workloads' default on the other axes. */
static int flag_composition(const struct serve_options *o, struct hp_composition *composition,
                            struct hp_error *err)
{
    const struct hp_workload *model = request_model();
    for (int axis = 0; axis < HP_AXIS_COUNT; axis++) {
        if (!(model->axes & HP_AXIS_BIT(axis)))
            continue;
        composition->impl[axis] = o->sel.impl_count[axis]
                                      ? o->sel.impls[axis][0]
                                      : hp_impl_find(axis, model->axis_default[axis]);
        if (!composition->impl[axis])
            return hp_error_set(err, "no default %s implementation: name one with --%s",
                                hp_axis_get(axis)->name, hp_axis_get(axis)->name);
    }
    return 0;
}

/* "GET /users/octocat": the request the request workloads would send (request_cases.c),
 * answered by a pipeline of the composition, written to stdout as the server sends it (the
 * Date header is this run's time, as the server's is its start time). */
static int print_response(const struct serve_options *o, struct hp_error *err)
{
    const char *space = strchr(o->print_response, ' ');
    if (!space || space == o->print_response || !space[1])
        return hp_error_set(err, "--print-response '%s': give 'METHOD PATH'", o->print_response);
    for (const char *p = o->print_response; *p; p++)
        if (p != space && (*p < 0x21 || *p > 0x7e))
            return hp_error_set(err,
                                "--print-response '%s': only visible ASCII, one space between "
                                "METHOD and PATH",
                                o->print_response);
    char request[8192];
    int len = snprintf(request, sizeof request,
                       "%s HTTP/1.1\r\nHost: api.github.com\r\nUser-Agent: curl/8.5.0\r\n"
                       "Accept: application/json\r\n\r\n",
                       o->print_response);
    if (len < 0 || (size_t)len >= sizeof request)
        return hp_error_set(err, "--print-response: the request is too long");
    struct hp_pipeline_config config = {
        .composition = o->server.composition,
        .routes = o->server.routes,
        .date = o->server.date,
        .max_threads = 1,
    };
    struct hp_pipeline *pipeline = hp_pipeline_create(&config, err);
    if (!pipeline)
        return -1;
    struct hp_pipeline_worker *worker = hp_pipeline_worker_create(pipeline, err);
    int rc = -1;
    struct hp_pipeline_response response;
    if (worker && hp_pipeline_handle(worker, request, (size_t)len, &response) == 0) {
        size_t length = response.length; /* the head alone for HEAD, as the server sends it */
        const char *head_end = memmem(response.buffer.data, length, "\r\n\r\n", 4);
        if (strncmp(request, "HEAD ", 5) == 0 && head_end)
            length = (size_t)(head_end + 4 - (const char *)response.buffer.data);
        rc = fwrite(response.buffer.data, 1, length, stdout) == length && fflush(stdout) == 0
                 ? 0
                 : hp_error_set(err, "--print-response: cannot write to stdout");
        hp_pipeline_response_done(worker, &response);
    } else if (worker) {
        hp_error_set(err, "--print-response: the pipeline gave no response");
    }
    hp_pipeline_worker_destroy(worker);
    hp_pipeline_destroy(pipeline);
    return rc;
}

/* Room for every connection's descriptor: the soft limit raised as far as needed (and the hard
 * limit allows). */
static int raise_descriptor_limit(unsigned max_connections, struct hp_error *err)
{
    struct rlimit limit;
    rlim_t need = (rlim_t)max_connections + SPARE_DESCRIPTORS;
    if (getrlimit(RLIMIT_NOFILE, &limit) != 0 || limit.rlim_cur >= need)
        return 0;
    if (limit.rlim_max != RLIM_INFINITY && limit.rlim_max < need)
        return hp_error_set(err,
                            "--max-connections %u needs %llu open files, and the hard limit is "
                            "%llu: lower --max-connections or raise the limit (ulimit -Hn)",
                            max_connections, (unsigned long long)need,
                            (unsigned long long)limit.rlim_max);
    limit.rlim_cur = need;
    if (setrlimit(RLIMIT_NOFILE, &limit) != 0)
        return hp_error_set(err, "cannot raise the open-file limit to %llu",
                            (unsigned long long)need);
    return 0;
}

/* Everything the command line names, read and checked: 0, or -1 with err set. */
static int resolve(struct serve_options *o, struct hp_route_set **routes, struct hp_error *err)
{
    static char workloads_dir[4096], routes_path[4200];
    static struct hp_composition composition;
    if (!o->workloads_dir) {
        if (hp_data_path("workloads", workloads_dir, sizeof workloads_dir, err) != 0)
            return -1;
        o->workloads_dir = workloads_dir;
    }
    if ((o->phases_file ? phase_composition(o, o->workloads_dir, &composition, err)
                        : flag_composition(o, &composition, err)) != 0)
        return -1;
    o->server.composition = &composition;
    if (!o->routes_file) {
        snprintf(routes_path, sizeof routes_path, "%s/routes/github.routes", o->workloads_dir);
        o->routes_file = routes_path;
    }
    if (hp_route_set_load(o->routes_file, routes, err) != 0)
        return -1;
    o->server.routes = *routes;
    return 0;
}

/* Serves until SIGINT or SIGTERM (waited for on this thread; every thread has them blocked). */
static int serve(struct serve_options *o, struct hp_error *err)
{
    sigset_t stop_signals;
    sigemptyset(&stop_signals);
    sigaddset(&stop_signals, SIGINT);
    sigaddset(&stop_signals, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &stop_signals, NULL);
    signal(SIGPIPE, SIG_IGN); /* a closed stdout must not kill the counters line's writer */
    struct hp_server *server = hp_server_create(&o->server, err);
    if (!server)
        return -1;
    if (hp_server_start(server, err) != 0) {
        hp_server_destroy(server);
        return -1;
    }
    printf("hotpath serve: listening on %s:%u\n", o->server.bind_address,
           (unsigned)hp_server_port(server));
    fflush(stdout);
    int signal_number;
    sigwait(&stop_signals, &signal_number);
    hp_server_stop(server);
    struct hp_server_counters counters;
    hp_server_counters(server, &counters);
    char line[2048];
    hp_server_counters_line(&counters, line, sizeof line);
    printf("%s\n", line);
    fflush(stdout);
    hp_server_destroy(server);
    return 0;
}

int hp_cmd_serve(int argc, char **argv)
{
    static struct serve_options o; /* large */
    memset(&o, 0, sizeof o);
    o.server = (struct hp_server_config){
        .bind_address = "127.0.0.1",
        .port = DEFAULT_PORT,
        .threads = 1,
        .limits = {DEFAULT_MAX_HEAD, HP_HTTP_MAX_HEADERS, DEFAULT_MAX_BODY},
        .max_connections = DEFAULT_MAX_CONNECTIONS,
        .idle_ms = DEFAULT_IDLE_MS,
        .header_ms = DEFAULT_HEADER_MS,
        .date = time(NULL),
    };
    struct hp_error err;
    int rc = parse_options(argc, argv, &o, &err);
    if (rc != 0)
        return rc > 0 ? 0 : hp_usage_error(&err);
    struct hp_route_set *routes = NULL;
    if (resolve(&o, &routes, &err) != 0) {
        hp_route_set_free(routes);
        return hp_usage_error(&err);
    }
    if (o.print_response || raise_descriptor_limit(o.server.max_connections, &err) != 0) {
        rc = o.print_response ? print_response(&o, &err) : -1;
        hp_route_set_free(routes);
        return rc == 0 ? 0 : hp_usage_error(&err);
    }
    rc = serve(&o, &err);
    hp_route_set_free(routes);
    if (rc != 0) {
        fprintf(stderr, "hotpath serve: %s\n", err.message);
        return 1;
    }
    return 0;
}
