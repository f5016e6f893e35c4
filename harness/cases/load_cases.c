/* Load workloads: one op = one request answered by a server over loopback TCP, driven by the
 * load generator (measure/loadgen.h) on the case's worker thread. The request is
 * LOAD_REQUEST_TARGET with the three headers the request workloads send; every server under load
 * gives it the same response.
 *
 *   load/closed/CxD     closed loop, C connections x D pipelined requests (the next D once all
 *                       D are answered, as wrk pipelines), D = 1, 16 or 64, batch mode only:
 *                       req/s (ops/s); records server_cpu_busy and generator_cpu_busy (the
 *                       share of the sample's wall time each side was on a CPU, from /proc), the
 *                       figures that say whether the server or the generator limited the rate.
 *                       With --threads T, T generator threads share the C connections, each on
 *                       a CPU of its own where there are enough (a generator thread costs about
 *                       what a server thread does per request at D = 1, so a server is only
 *                       driven to its limit by more than one; at D = 64 the generator's system
 *                       calls, a send and a few reads per 64 requests, weigh least, and one
 *                       generator thread can cost well under one server thread: README)
 *   load/open/Npct      open loop at N% of the server's closed-loop maximum (32 x 1, probed
 *                       for LOAD_PROBE_S at setup), latency mode only: each request's latency
 *                       from its intended send time (wrk2's model) into the histogram and .hlog
 *   load/wrk/32x1, load/wrk/32x64   wrk (Debian) against the same server, the cross-check
 *                       of the generator: its own request count over the sample's time (at 32 x
 *                       64 pipelined by workloads/anchors/wrk-pipeline.lua, as the closed loop
 *                       pipelines)
 *   load/nginx/..., load/h2o/...   the anchors: the same loads on nginx and h2o (configs in
 *                       workloads/anchors/), measured once in a phase run, outside the phases
 *
 * The server under test of the hotpath rows is `hotpath serve` of the case's composition, this
 * executable started again (/proc/self/exe); one server per composition or anchor, started at
 * the first case's setup, shared by the cases that load it, stopped after the last (its
 * counters line and RSS then printed on stderr). Server and generator run on different CPUs
 * when there are two (server_proc.h). An anchor whose program is not installed, or an open loop
 * or wrk asked for more than one thread, is declined: the run goes on, the results say why.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <ftw.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include "files.h"
#include "loadgen.h"
#include "server_proc.h"
#include "timer.h"
#include "workload.h"

#define LOAD_REQUEST_TARGET "/events"
#define LOAD_METHOD_TARGET  "GET " LOAD_REQUEST_TARGET
#define LOAD_PROBE_S        0.5
#define LOAD_START_LIMIT_S  10.0
#define LOAD_STOP_LIMIT_S   5.0
#define LOAD_RESPONSE_MAX   65536

static const char load_request[] = LOAD_METHOD_TARGET " HTTP/1.1\r\n"
                                                      "Host: api.github.com\r\n"
                                                      "User-Agent: curl/8.5.0\r\n"
                                                      "Accept: application/json\r\n"
                                                      "\r\n";

enum server_kind { SERVER_HOTPATH, SERVER_NGINX, SERVER_H2O };
static const char *const server_names[] = {"hotpath serve", "nginx", "h2o"};

struct load_spec {
    enum server_kind server;
    unsigned connections, depth;
    unsigned rate_percent; /* open loop: % of the closed-loop maximum; 0: closed loop */
    bool wrk;
};

/* A running server, shared by the cases that load it. */
struct server {
    char key[512];
    unsigned refs;
    struct hp_server_proc proc;
    char dir[256];    /* its temporary directory */
    double probe_max; /* closed-loop req/s found by the first open-loop case; 0: not yet */
    size_t response_bytes;
    long rss_kb_start;
};

enum { SERVERS_MAX = 48 };
static struct server servers[SERVERS_MAX]; /* setup and teardown run on the main thread */

enum { LOAD_GENERATORS_MAX = 64 };

/* Before and after a sample: the wall clock and the server's CPU time. */
struct load_clock {
    uint64_t wall, server;
};

struct load_case {
    struct load_spec spec;
    struct server *server;
    double rate;
    unsigned generators;     /* generator threads: the case's threads */
    unsigned generator_cpus; /* the CPUs they share */
    int generator_cpu[LOAD_GENERATORS_MAX];
    struct load_clock sample_start; /* sample_begin to sample_end, on the main thread */
    uint64_t wall_ns, server_cpu_ns;
    _Atomic uint64_t generator_cpu_ns, bad_responses;
    /* Over every sample (calibration and warm-up included, as wall_ns and server_cpu_ns):
     * the requests answered, as the generator or wrk counted them, and the generator's system
     * calls. */
    _Atomic uint64_t answered, generator_syscalls;
    _Atomic unsigned errors;
    char wrk_script[300]; /* wrk, pipelined: workloads/anchors/wrk-pipeline.lua */
};

/* A generator thread: its share of the connections, on its CPU. */
struct load_thread {
    struct load_case *c;
    struct hp_loadgen *gen; /* NULL for wrk, which is its own generator */
    int cpu;
};

static long rss_kb(pid_t pid)
{
    char path[64], line[256];
    snprintf(path, sizeof path, "/proc/%d/status", (int)pid);
    FILE *f = fopen(path, "r");
    long kb = -1;
    while (f && fgets(line, sizeof line, f))
        if (strncmp(line, "VmRSS:", 6) == 0)
            kb = atol(line + 6);
    if (f)
        fclose(f);
    return kb;
}

/* The program `name` in PATH or /usr/sbin (where Debian puts nginx), into out. */
static bool find_program(const char *name, char *out, size_t size)
{
    const char *path = getenv("PATH");
    char dirs[4096];
    snprintf(dirs, sizeof dirs, "%s:/usr/sbin:/usr/local/sbin", path ? path : "/usr/bin");
    char *save = NULL;
    for (char *d = strtok_r(dirs, ":", &save); d; d = strtok_r(NULL, ":", &save)) {
        snprintf(out, size, "%s/%s", d, name);
        if (access(out, X_OK) == 0)
            return true;
    }
    return false;
}

/* hotpath's response to the load request, from `hotpath serve --print-response`. */
static int hotpath_response(const char *dir, char **out, size_t *len, struct hp_error *err)
{
    char log[300];
    snprintf(log, sizeof log, "%s/print-response.log", dir);
    char *argv[] = {"/proc/self/exe", "serve", "--print-response", LOAD_METHOD_TARGET, NULL};
    struct hp_error why;
    if (hp_external_run_once(argv, NULL, log, hp_external_limit(10), LOAD_RESPONSE_MAX, out, len,
                             &why) != 0)
        return hp_error_set(err, "hotpath serve --print-response '%s': %s", LOAD_METHOD_TARGET,
                            why.message);
    return 0;
}

/* The header lines of a response head (between the status line and the blank line) that the
 * anchor must send itself: all but Server, Date, Content-Length and Content-Type (which go to
 * their own directives), formatted for the anchor's config. */
static void anchor_headers(enum server_kind kind, const char *response, char *out, size_t size,
                           char *content_type, size_t ct_size)
{
    size_t used = 0;
    out[0] = '\0';
    snprintf(content_type, ct_size, "application/octet-stream");
    const char *line = strstr(response, "\r\n");
    while (line && strncmp(line, "\r\n\r\n", 4) != 0) {
        line += 2;
        const char *eol = strstr(line, "\r\n"), *colon = memchr(line, ':', (size_t)(eol - line));
        if (!eol || !colon)
            break;
        int name_len = (int)(colon - line);
        const char *value = colon + 1;
        while (*value == ' ')
            value++;
        int value_len = (int)(eol - value);
        if (name_len == 12 && strncasecmp(line, "Content-Type", 12) == 0)
            snprintf(content_type, ct_size, "%.*s", value_len, value);
        else if (!(name_len == 6 && strncasecmp(line, "Server", 6) == 0) &&
                 !(name_len == 4 && strncasecmp(line, "Date", 4) == 0) &&
                 !(name_len == 14 && strncasecmp(line, "Content-Length", 14) == 0) && used < size)
            used += (size_t)snprintf(out + used, size - used,
                                     kind == SERVER_NGINX
                                         ? "            add_header %.*s \"%.*s\" always;\n"
                                         : "        header.add: \"%.*s: %.*s\"\n",
                                     name_len, line, value_len, value);
        line = eol;
    }
}

/* Copies template to dest, replacing each @KEY@ of keys[] by values[]. */
static int fill_template(const char *template_path, const char *dest, const char *const keys[],
                         const char *const values[], size_t count, struct hp_error *err)
{
    char *text;
    size_t len;
    if (hp_file_read(template_path, 1 << 20, &text, &len, err) != 0)
        return -1;
    FILE *f = fopen(dest, "w");
    if (!f) {
        free(text);
        return hp_error_set(err, "%s: %s", dest, strerror(errno));
    }
    for (const char *p = text; *p;) {
        size_t k = 0;
        while (k < count && strncmp(p, keys[k], strlen(keys[k])) != 0)
            k++;
        if (k < count) {
            fputs(values[k], f);
            p += strlen(keys[k]);
        } else {
            fputc(*p++, f);
        }
    }
    free(text);
    return fclose(f) == 0 ? 0 : hp_error_set(err, "%s: %s", dest, strerror(errno));
}

static int remove_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    (void)st, (void)flag, (void)ftw;
    remove(path);
    return 0;
}

static void remove_tree(const char *dir)
{
    if (dir[0])
        nftw(dir, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
}

/* Writes the anchor's config (and h2o's body file) into s->dir from its template. */
static int write_anchor_config(enum server_kind kind, struct server *s, int port,
                               const char *workloads_dir, const char *response, size_t len,
                               char *conf, size_t conf_size, struct hp_error *err)
{
    const char *body = strstr(response, "\r\n\r\n");
    if (!body)
        return hp_error_set(err, "hotpath serve --print-response: no end of head");
    body += 4;
    if (kind == SERVER_NGINX && strpbrk(body, "'\\$"))
        return hp_error_set(err, "the response body has a quote, backslash or $ that nginx's "
                                 "return would change");
    char headers[2048], content_type[128], port_text[16], template_path[4200], path[400];
    anchor_headers(kind, response, headers, sizeof headers, content_type, sizeof content_type);
    snprintf(port_text, sizeof port_text, "%d", port);
    const char *name = kind == SERVER_NGINX ? "nginx.conf" : "h2o.conf";
    snprintf(template_path, sizeof template_path, "%s/anchors/%s", workloads_dir, name);
    snprintf(conf, conf_size, "%s/%s", s->dir, name);
    if (kind == SERVER_H2O) {
        snprintf(path, sizeof path, "%s/body.json", s->dir);
        if (hp_file_write_text(path, body, len - (size_t)(body - response), err) != 0)
            return -1;
    }
    const char *keys[] = {"@DIR@", "@PORT@", "@CONTENT_TYPE@", "@HEADERS@", "@BODY@"};
    const char *values[] = {s->dir, port_text, content_type, headers, body};
    return fill_template(template_path, conf, keys, values, 5, err);
}

/* Appends a formatted word to the argv being built in storage. */
__attribute__((format(printf, 3, 4))) static void add_arg(char storage[][512], size_t *argc,
                                                          const char *format, ...)
{
    va_list ap;
    va_start(ap, format);
    vsnprintf(storage[(*argc)++], 512, format, ap);
    va_end(ap);
}

/* The argv that starts the server of `kind` for this case; *port: 0 when the server says it. */
static int server_argv(enum server_kind kind, const struct hp_case_params *params, struct server *s,
                       char storage[][512], char *argv[], int *port, struct hp_error *err)
{
    size_t argc = 0;
    if (kind == SERVER_HOTPATH) {
        const char *fixed[] = {"/proc/self/exe", "serve"};
        for (size_t i = 0; i < 2; i++)
            add_arg(storage, &argc, "%s", fixed[i]);
        for (int axis = 0; axis < HP_AXIS_COUNT; axis++)
            if (params->composition->impl[axis]) {
                add_arg(storage, &argc, "--%s", hp_axis_get(axis)->name);
                add_arg(storage, &argc, "%s", params->composition->impl[axis]->name);
            }
        const char *tail[] = {"--port", "0", "--threads", "1"};
        for (size_t i = 0; i < 4; i++)
            add_arg(storage, &argc, "%s", tail[i]);
        *port = 0;
    } else {
        char program[256], *response, conf[400];
        size_t len;
        if (!find_program(kind == SERVER_NGINX ? "nginx" : "h2o", program, sizeof program)) {
            hp_error_set(err, "%s is not installed (Debian package %s)", server_names[kind],
                         kind == SERVER_NGINX ? "nginx-light" : "h2o");
            return HP_SETUP_DECLINED;
        }
        *port = hp_free_port();
        if (hotpath_response(s->dir, &response, &len, err) != 0)
            return -1;
        int rc = write_anchor_config(kind, s, *port, params->workloads_dir, response, len, conf,
                                     sizeof conf, err);
        free(response);
        if (rc != 0)
            return -1;
        add_arg(storage, &argc, "%s", program);
        if (kind == SERVER_NGINX) {
            add_arg(storage, &argc, "-p");
            add_arg(storage, &argc, "%s/", s->dir);
            add_arg(storage, &argc, "-e");
            add_arg(storage, &argc, "%s/error.log", s->dir);
        }
        add_arg(storage, &argc, "-c");
        add_arg(storage, &argc, "%s", conf);
    }
    for (size_t i = 0; i < argc; i++)
        argv[i] = storage[i];
    argv[argc] = NULL;
    return 0;
}

static void server_key(enum server_kind kind, const struct hp_composition *comp, char *out,
                       size_t size)
{
    size_t used = (size_t)snprintf(out, size, "%s", server_names[kind]);
    for (int axis = 0; kind == SERVER_HOTPATH && axis < HP_AXIS_COUNT && used < size; axis++)
        if (comp->impl[axis])
            used += (size_t)snprintf(out + used, size - used, " %s=%s", hp_axis_get(axis)->name,
                                     comp->impl[axis]->name);
}

/* The running server of this kind and composition, started when it is not. 0, -1 or
 * HP_SETUP_DECLINED, with err set. */
static int server_acquire(enum server_kind kind, const struct hp_case_params *params,
                          struct server **out, struct hp_error *err)
{
    char key[512];
    server_key(kind, params->composition, key, sizeof key);
    struct server *free_slot = NULL;
    for (size_t i = 0; i < SERVERS_MAX; i++) {
        if (servers[i].refs > 0 && strcmp(servers[i].key, key) == 0) {
            servers[i].refs++;
            *out = &servers[i];
            return 0;
        }
        if (!free_slot && servers[i].refs == 0)
            free_slot = &servers[i];
    }
    if (!free_slot)
        return hp_error_set(err, "more than %d servers at once", SERVERS_MAX);
    struct server *s = free_slot;
    *s = (struct server){0};
    snprintf(s->key, sizeof s->key, "%s", key);
    const char *tmp = getenv("TMPDIR");
    snprintf(s->dir, sizeof s->dir, "%s/hotpath-load-XXXXXX", tmp && tmp[0] ? tmp : "/tmp");
    if (!mkdtemp(s->dir))
        return hp_error_set(err, "cannot make a temporary directory: %s", strerror(errno));
    chmod(s->dir, 0755); /* an anchor run as root reads its files as another user */
    char storage[40][512], *argv[41], log[300];
    int port, server_cpu;
    int rc = server_argv(kind, params, s, storage, argv, &port, err);
    snprintf(log, sizeof log, "%s/server.log", s->dir);
    hp_load_cpus(0, &server_cpu, NULL);
    if (rc == 0)
        rc = hp_server_proc_start(&s->proc, argv, log, server_cpu, port,
                                  hp_external_limit(LOAD_START_LIMIT_S), err);
    if (rc != 0) {
        remove_tree(s->dir);
        return rc;
    }
    s->refs = 1;
    s->rss_kb_start = rss_kb(s->proc.proc.pid);
    *out = s;
    return 0;
}

/* Stops the server after its last case; says what it counted (hotpath serve's counters line)
 * and how its RSS moved, for a soak run's check. */
static void server_release(struct server *s)
{
    if (!s || --s->refs > 0)
        return;
    long rss_end = rss_kb(s->proc.proc.pid);
    int status = hp_server_proc_stop(&s->proc, hp_external_limit(LOAD_STOP_LIMIT_S));
    fprintf(stderr, "load: %s stopped (%s); RSS %ld kB at start, %ld kB at the end%s%s\n", s->key,
            status == 0 ? "exit 0" : "did not exit cleanly", s->rss_kb_start, rss_end,
            s->proc.stdout_tail[0] ? "; " : "", s->proc.stdout_tail);
    remove_tree(s->dir);
    s->key[0] = '\0';
}

/* The header names of a response head, lowercased, each followed by '\n'. */
static void header_names(const char *response, char *out, size_t size)
{
    size_t used = 0;
    out[0] = '\0';
    const char *end = strstr(response, "\r\n\r\n");
    for (const char *line = strstr(response, "\r\n"); line && line < end;
         line = strstr(line, "\r\n")) {
        line += 2;
        const char *colon = strchr(line, ':');
        if (!colon || colon > end)
            break;
        for (const char *c = line; c < colon && used + 2 < size; c++)
            out[used++] = (char)(*c >= 'A' && *c <= 'Z' ? *c + 32 : *c);
        out[used++] = '\n';
        out[used] = '\0';
    }
}

/* Names in a that are not in b (both from header_names), but server and date, into out. */
static void names_missing(const char *a, const char *b, char *out, size_t size)
{
    size_t used = 0;
    out[0] = '\0';
    for (const char *n = a; *n;) {
        const char *eol = strchr(n, '\n');
        char name[128];
        snprintf(name, sizeof name, "\n%.*s\n", (int)(eol - n), n);
        char padded[4096];
        snprintf(padded, sizeof padded, "\n%s", b);
        if (!strstr(padded, name) && strcmp(name, "\nserver\n") != 0 &&
            strcmp(name, "\ndate\n") != 0 && used < size)
            used += (size_t)snprintf(out + used, size - used, "%s%.*s", used ? ", " : "",
                                     (int)(eol - n), n);
        n = eol + 1;
    }
}

/* Fetches the server's answer to the load request: refused unless it is 2xx with hotpath's
 * body; header names that differ (but Server and Date) are said on stderr. */
static int check_response(struct server *s, enum server_kind kind, struct hp_error *err)
{
    char *got, *want = NULL;
    size_t got_len, want_len = 0;
    if (hp_loadgen_fetch_one(s->proc.port, load_request, sizeof load_request - 1, 5,
                             LOAD_RESPONSE_MAX, &got, &got_len, err) != 0)
        return -1;
    s->response_bytes = got_len;
    int rc = 0;
    if (strncmp(got + 8, " 2", 2) != 0)
        rc = hp_error_set(err, "%s answers %.12s to %s", server_names[kind], got,
                          LOAD_METHOD_TARGET);
    if (rc == 0 && kind != SERVER_HOTPATH && hotpath_response(s->dir, &want, &want_len, err) != 0)
        rc = -1;
    if (rc == 0 && want) {
        const char *gb = strstr(got, "\r\n\r\n"), *wb = strstr(want, "\r\n\r\n");
        if (!gb || !wb || strcmp(gb, wb) != 0)
            rc = hp_error_set(err, "%s's body differs from hotpath serve's", server_names[kind]);
        char gn[2048], wn[2048], extra[1024], missing[1024];
        header_names(got, gn, sizeof gn);
        header_names(want, wn, sizeof wn);
        names_missing(gn, wn, extra, sizeof extra);
        names_missing(wn, gn, missing, sizeof missing);
        if (rc == 0 && (extra[0] || missing[0]))
            fprintf(stderr,
                    "load: %s's response (%zu bytes; hotpath serve's: %zu) differs in "
                    "headers beyond Server and Date: sends %s, lacks %s\n",
                    server_names[kind], got_len, want_len, extra[0] ? extra : "none",
                    missing[0] ? missing : "none");
    }
    free(got);
    free(want);
    return rc;
}

/* The closed-loop maximum of the server (32 x 1, the open loop's connections), measured once
 * per server for LOAD_PROBE_S after a tenth of that as warm-up. */
static int probe_max(struct load_case *c, struct hp_error *err)
{
    if (c->server->probe_max > 0)
        return 0;
    struct hp_loadgen *g = hp_loadgen_create(c->server->proc.port, load_request,
                                             sizeof load_request - 1, c->spec.connections, 1, err);
    if (!g)
        return -1;
    uint64_t n = 1000, t0 = 0;
    int rc = 0;
    for (double elapsed = 0; rc == 0 && elapsed < LOAD_PROBE_S; n *= 2) {
        t0 = hp_monotonic_ns();
        rc = hp_loadgen_closed(g, n, NULL, err);
        elapsed = (double)(hp_monotonic_ns() - t0) / 1e9;
        if (elapsed >= LOAD_PROBE_S / 10)
            c->server->probe_max = (double)n / elapsed;
    }
    hp_loadgen_destroy(g);
    return rc;
}

static void load_free(struct load_case *c)
{
    if (!c)
        return;
    server_release(c->server);
    free(c);
}

static int load_prepare(const struct hp_case_params *params, struct load_case *c,
                        struct hp_error *err)
{
    int rc = server_acquire(c->spec.server, params, &c->server, err);
    if (rc != 0)
        return rc;
    if (c->server->refs == 1 && check_response(c->server, c->spec.server, err) != 0)
        return -1;
    if ((c->spec.rate_percent > 0 || c->spec.wrk) && probe_max(c, err) != 0)
        return -1;
    c->rate = c->server->probe_max * c->spec.rate_percent / 100.0;
    return 0;
}

/* A hotpath server that fails refuses the run; an anchor that fails is declined (the run goes
 * on and its row says why). */
static int load_setup(const struct hp_case_params *params, const struct load_spec *spec,
                      void **shared, struct hp_error *err)
{
    if (params->threads > 1 && (spec->rate_percent > 0 || spec->wrk)) {
        hp_error_set(err, "the open loop and wrk run one generator thread (--threads 1; more "
                          "threads are for the closed loops)");
        return HP_SETUP_DECLINED;
    }
    if (params->threads > spec->connections || params->threads > LOAD_GENERATORS_MAX) {
        hp_error_set(err,
                     "%u generator threads for %u connections: at most one thread per "
                     "connection, and %d threads",
                     params->threads, spec->connections, LOAD_GENERATORS_MAX);
        return HP_SETUP_DECLINED;
    }
    struct load_case *c = calloc(1, sizeof *c);
    if (!c)
        return hp_error_set(err, "out of memory");
    c->spec = *spec;
    if (spec->wrk && spec->depth > 1) {
        snprintf(c->wrk_script, sizeof c->wrk_script, "%s/anchors/wrk-pipeline.lua",
                 params->workloads_dir);
        if (access(c->wrk_script, R_OK) != 0) {
            hp_error_set(err, "%s: %s", c->wrk_script, strerror(errno));
            load_free(c);
            return -1;
        }
    }
    c->generators = params->threads;
    int server_cpu;
    c->generator_cpus = hp_load_cpus(c->generators, &server_cpu, c->generator_cpu);
    int rc = load_prepare(params, c, err);
    if (rc != 0) {
        load_free(c);
        return spec->server == SERVER_HOTPATH ? rc : HP_SETUP_DECLINED;
    }
    hp_metrics_add(params->metrics, "response_bytes", "bytes", (double)c->server->response_bytes);
    if (spec->rate_percent > 0)
        hp_metrics_add(params->metrics, "rate_req_per_s", "req/s", c->rate);
    *shared = c;
    return 0;
}

static void load_clock_read(const struct load_case *c, struct load_clock *k)
{
    k->wall = hp_monotonic_ns();
    k->server = hp_process_tree_cpu_ns(c->server->proc.proc.pid);
}

static uint64_t rusage_ns(const struct rusage *r)
{
    return (uint64_t)(r->ru_utime.tv_sec + r->ru_stime.tv_sec) * 1000000000u +
           (uint64_t)(r->ru_utime.tv_usec + r->ru_stime.tv_usec) * 1000u;
}

/* The sample's wall time and the server's CPU time, around all generator threads at once. */
static void load_sample_begin(void *shared)
{
    struct load_case *c = shared;
    load_clock_read(c, &c->sample_start);
}

static void load_sample_end(void *shared)
{
    struct load_case *c = shared;
    struct load_clock end;
    load_clock_read(c, &end);
    c->wall_ns += end.wall - c->sample_start.wall;
    c->server_cpu_ns += end.server - c->sample_start.server;
}

static void load_failed(struct load_case *c, const struct hp_error *err)
{
    if (atomic_fetch_add(&c->errors, 1) == 0)
        fprintf(stderr, "load: %s: %s\n", c->server->key, err->message);
}

static int load_thread_setup(void *shared, unsigned index, void **local, struct hp_error *err)
{
    struct load_case *c = shared;
    *local = NULL; /* what thread_teardown sees if this fails */
    struct load_thread *t = calloc(1, sizeof *t);
    if (!t)
        return hp_error_set(err, "out of memory");
    *t = (struct load_thread){.c = c, .cpu = c->generator_cpu[index]};
    if (!c->spec.wrk) {
        unsigned share =
            c->spec.connections / c->generators + (index < c->spec.connections % c->generators);
        t->gen = hp_loadgen_create(c->server->proc.port, load_request, sizeof load_request - 1,
                                   share, c->spec.depth, err);
        if (!t->gen) {
            free(t);
            return -1;
        }
    }
    *local = t;
    return 0;
}

/* Folds the thread's counters into the case's, for load_report. */
static void load_thread_teardown(void *local)
{
    struct load_thread *t = local;
    if (!t)
        return;
    if (t->gen) {
        struct hp_loadgen_totals totals;
        hp_loadgen_totals(t->gen, &totals);
        atomic_fetch_add(&t->c->bad_responses, totals.bad_responses);
        atomic_fetch_add(&t->c->generator_syscalls, totals.syscalls);
        atomic_fetch_add(&t->c->answered, totals.responses);
        hp_loadgen_destroy(t->gen);
    }
    free(t);
}

static uint64_t load_sample(struct load_thread *t, uint64_t n, struct hp_hdr *latency)
{
    struct load_case *c = t->c;
    char saved[1024];
    struct hp_error err;
    hp_thread_pin(t->cpu, saved, sizeof saved);
    uint64_t cpu = hp_thread_cpu_ns();
    int rc = c->spec.rate_percent > 0 ? hp_loadgen_open(t->gen, n, c->rate, latency, &err)
                                      : hp_loadgen_closed(t->gen, n, latency, &err);
    atomic_fetch_add(&c->generator_cpu_ns, hp_thread_cpu_ns() - cpu);
    hp_thread_unpin(saved, sizeof saved);
    if (rc != 0)
        load_failed(c, &err);
    return n;
}

static uint64_t load_run(void *local, uint64_t n)
{
    return load_sample(local, n, NULL);
}

static uint64_t load_run_recorded(void *local, uint64_t n, struct hp_hdr *latency)
{
    return load_sample(local, n, latency);
}

/* wrk for about n requests (whole seconds at the probed rate); the count it reports. */
static uint64_t wrk_run_about(void *local, uint64_t n)
{
    struct load_thread *t = local;
    struct load_case *c = t->c;
    char program[256], threads[] = "-t1", conns[16], duration[32], url[64], log[300], depth[16];
    struct hp_error err = {{0}};
    if (!find_program("wrk", program, sizeof program)) {
        if (atomic_fetch_add(&c->errors, 1) == 0)
            fprintf(stderr, "load: wrk is not installed (Debian package wrk)\n");
        return 0;
    }
    double seconds = (double)n / c->server->probe_max;
    snprintf(conns, sizeof conns, "-c%u", c->spec.connections);
    snprintf(duration, sizeof duration, "-d%.0fs", seconds < 1 ? 1 : seconds + 0.5);
    snprintf(url, sizeof url, "http://127.0.0.1:%d%s", c->server->proc.port, LOAD_REQUEST_TARGET);
    snprintf(log, sizeof log, "%s/wrk.log", c->server->dir);
    char *argv[16] = {program, threads,
                      conns,   duration,
                      "-H",    "Host: api.github.com",
                      "-H",    "User-Agent: curl/8.5.0",
                      "-H",    "Accept: application/json",
                      url};
    size_t argc = 11;
    if (c->spec.depth > 1) {
        /* wrk writes what the script's request() returns, the depth's copies of its request,
         * and the next once all are answered: as the closed loop pipelines. */
        snprintf(depth, sizeof depth, "%u", c->spec.depth);
        char *script_args[] = {"-s", c->wrk_script, "--", depth};
        for (size_t i = 0; i < 4; i++)
            argv[argc++] = script_args[i];
    }
    argv[argc] = NULL;
    char saved[1024], *out = NULL;
    size_t len;
    struct rusage before, after;
    hp_thread_pin(t->cpu, saved, sizeof saved); /* wrk inherits the mask */
    getrusage(RUSAGE_CHILDREN, &before);
    int rc = hp_external_run_once(argv, NULL, log, seconds + hp_external_limit(30), 65536, &out,
                                  &len, &err);
    getrusage(RUSAGE_CHILDREN, &after);
    hp_thread_unpin(saved, sizeof saved);
    unsigned long long requests = 0;
    const char *line = out ? strstr(out, " requests in ") : NULL;
    while (line && line > out && line[-1] >= '0' && line[-1] <= '9')
        line--;
    if (rc == 0 && (!line || sscanf(line, "%llu", &requests) != 1))
        rc = hp_error_set(&err, "wrk printed no request count");
    if (rc == 0 && strstr(out, "Non-2xx"))
        rc = hp_error_set(&err, "wrk saw answers that are not 2xx");
    atomic_fetch_add(&c->generator_cpu_ns, rusage_ns(&after) - rusage_ns(&before));
    atomic_fetch_add(&c->answered, requests);
    if (rc != 0)
        load_failed(c, &err);
    free(out);
    return requests;
}

static void load_report(void *shared, struct hp_metrics *out)
{
    struct load_case *c = shared;
    double wall = c->wall_ns > 0 ? (double)c->wall_ns : 1;
    hp_metrics_add(out, "server_cpu_busy", "fraction", (double)c->server_cpu_ns / wall);
    /* The generators' CPU time over the CPUs they share: one generator's busy fraction when
     * there is one, the mean of their CPUs' when there are more. */
    hp_metrics_add(out, "generator_cpu_busy", "fraction",
                   (double)c->generator_cpu_ns / (wall * c->generator_cpus));
    hp_metrics_add(out, "generator_threads", "threads", c->generators);
    hp_metrics_add(out, "connections", "connections", c->spec.connections);
    hp_metrics_add(out, "pipeline_depth", "requests", c->spec.depth);
    if (c->spec.rate_percent > 0 || c->spec.wrk)
        hp_metrics_add(out, "closed_loop_probe_req_per_s", "req/s", c->server->probe_max);
    hp_metrics_add(out, "load_errors", "samples", c->errors);
    if (!c->spec.wrk)
        hp_metrics_add(out, "bad_responses", "responses", (double)c->bad_responses);
    /* What a request costs the generator at the least: this many system calls, each at the
     * run's floors.syscall_ns. */
    if (c->answered > 0 && !c->spec.wrk)
        hp_metrics_add(out, "generator_syscalls_per_request", "calls",
                       (double)c->generator_syscalls / (double)c->answered);
    /* What a request costs the server, whichever side limited the rate: at that cost a fully
     * busy core answers 1e9 / this many requests a second. /proc counts CPU time in clock ticks
     * (10 ms): none counted over short samples is "not measured", not a free request. */
    if (c->answered > 0 && c->server_cpu_ns > 0)
        hp_metrics_add(out, "server_cpu_ns_per_request", "ns",
                       (double)c->server_cpu_ns / (double)c->answered);
}

static void load_teardown(void *shared)
{
    load_free(shared);
}

/* A load workload; `sampler` (run_recorded or run_about) times the sample its own way. */
#define LOAD_WORKLOAD_SAMPLED(symbol, wname, wflags, waxes, wsummary, sampler, sample, ...)        \
    static int symbol##_setup(const struct hp_case_params *params, void **shared,                  \
                              struct hp_error *err)                                                \
    {                                                                                              \
        static const struct load_spec spec = {__VA_ARGS__};                                        \
        return load_setup(params, &spec, shared, err);                                             \
    }                                                                                              \
    const struct hp_workload symbol = {                                                            \
        .name = wname,                                                                             \
        .summary = wsummary,                                                                       \
        .axes = waxes,                                                                             \
        .flags = wflags,                                                                           \
        .setup = symbol##_setup,                                                                   \
        .thread_setup = load_thread_setup,                                                         \
        .run = load_run,                                                                           \
        .sampler = sample,                                                                         \
        .thread_teardown = load_thread_teardown,                                                   \
        .report = load_report,                                                                     \
        .sample_begin = load_sample_begin,                                                         \
        .sample_end = load_sample_end,                                                             \
        .teardown = load_teardown,                                                                 \
        .axis_default = LOAD_DEFAULTS,                                                             \
    }

#define LOAD_WORKLOAD(symbol, wname, wflags, waxes, wsummary, ...)                                 \
    LOAD_WORKLOAD_SAMPLED(symbol, wname, wflags, waxes, wsummary, run_recorded, load_run_recorded, \
                          __VA_ARGS__)

/* `hotpath serve`'s axes, and the request workloads' default composition. */
#define LOAD_AXES                                                                                  \
    (HP_AXIS_BIT(HP_AXIS_ROUTER) | HP_AXIS_BIT(HP_AXIS_POOL) | HP_AXIS_BIT(HP_AXIS_CONTEXT) |      \
     HP_AXIS_BIT(HP_AXIS_HEADER_WRITER) | HP_AXIS_BIT(HP_AXIS_RESPONSE_WRITER) |                   \
     HP_AXIS_BIT(HP_AXIS_BUFFER_POOL))
#define LOAD_DEFAULTS                                                                              \
    {                                                                                              \
        [HP_AXIS_ROUTER] = "method_split", [HP_AXIS_POOL] = "tls_cache",                           \
        [HP_AXIS_CONTEXT] = "lazy_reset", [HP_AXIS_HEADER_WRITER] = "prebuilt",                    \
        [HP_AXIS_RESPONSE_WRITER] = "single_write", [HP_AXIS_BUFFER_POOL] = "tiered",              \
    }

/* The closed loops and the rate sweep of one server. */
#define LOAD_SERVER(prefix, path, kind, wflags, waxes, who)                                        \
    LOAD_WORKLOAD(prefix##_closed_32x1, path "/closed/32x1", (wflags) | HP_WORKLOAD_BATCH_ONLY,    \
                  waxes, who ": closed loop, 32 connections, 1 request in flight on each (req/s)", \
                  kind, 32, 1, 0, false);                                                          \
    LOAD_WORKLOAD(prefix##_closed_32x16, path "/closed/32x16", (wflags) | HP_WORKLOAD_BATCH_ONLY,  \
                  waxes,                                                                           \
                  who ": closed loop, 32 connections, 16 pipelined requests on each (req/s)",      \
                  kind, 32, 16, 0, false);                                                         \
    LOAD_WORKLOAD(prefix##_closed_32x64, path "/closed/32x64", (wflags) | HP_WORKLOAD_BATCH_ONLY,  \
                  waxes,                                                                           \
                  who ": closed loop, 32 connections, 64 pipelined requests on each (req/s)",      \
                  kind, 32, 64, 0, false);                                                         \
    LOAD_OPEN(prefix, path, kind, wflags, waxes, who, 10);                                         \
    LOAD_OPEN(prefix, path, kind, wflags, waxes, who, 30);                                         \
    LOAD_OPEN(prefix, path, kind, wflags, waxes, who, 50);                                         \
    LOAD_OPEN(prefix, path, kind, wflags, waxes, who, 70);                                         \
    LOAD_OPEN(prefix, path, kind, wflags, waxes, who, 80);                                         \
    LOAD_OPEN(prefix, path, kind, wflags, waxes, who, 90);                                         \
    LOAD_OPEN(prefix, path, kind, wflags, waxes, who, 100);                                        \
    LOAD_OPEN(prefix, path, kind, wflags, waxes, who, 110)

#define LOAD_OPEN(prefix, path, kind, wflags, waxes, who, pct)                                     \
    LOAD_WORKLOAD(prefix##_open_##pct, path "/open/" #pct "pct",                                   \
                  (wflags) | HP_WORKLOAD_LATENCY_ONLY, waxes,                                      \
                  who ": open loop at " #pct "% of its closed-loop maximum (32 x 1), latency "     \
                      "from each request's intended send time",                                    \
                  kind, 32, 1, pct, false)

LOAD_SERVER(hp_workload_load, "load", SERVER_HOTPATH, 0, LOAD_AXES, "hotpath serve");
LOAD_SERVER(hp_workload_load_nginx, "load/nginx", SERVER_NGINX, HP_WORKLOAD_ANCHOR, 0, "nginx");
LOAD_SERVER(hp_workload_load_h2o, "load/h2o", SERVER_H2O, HP_WORKLOAD_ANCHOR, 0, "h2o");

/* wrk against hotpath serve at one of the closed loops' shapes: the generator's cross-check. */
#define LOAD_WRK(depth, summary)                                                                   \
    LOAD_WORKLOAD_SAMPLED(hp_workload_load_wrk_32x##depth, "load/wrk/32x" #depth,                  \
                          HP_WORKLOAD_BATCH_ONLY, LOAD_AXES, summary, run_about, wrk_run_about,    \
                          SERVER_HOTPATH, 32, depth, 0, true)

LOAD_WRK(1, "wrk against hotpath serve, 32 connections, no pipelining: the generator's "
            "cross-check at 32 x 1 (req/s)");
LOAD_WRK(64, "wrk against hotpath serve, 32 connections, 64 pipelined requests on each "
             "(workloads/anchors/wrk-pipeline.lua): the generator's cross-check at 32 x 64 "
             "(req/s)");
