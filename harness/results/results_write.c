#define _GNU_SOURCE
#include "results_write.h"

#include <ctype.h>
#include <errno.h>
#include <jansson.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <limits.h>
#include <sched.h>
#include <sys/stat.h>
#include <sys/sysinfo.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

#include "build_info.h"
#include "complexity.h"
#include "files.h"
#include "formats.h"
#include "hlog.h"
#include "phases.h"
#include "results_read.h"

#ifdef HOTPATH_JEMALLOC
#include <jemalloc/jemalloc.h>
#endif

/* ---- machine ---------------------------------------------------------------------------- */

static uint64_t fnv1a(uint64_t h, const char *s)
{
    for (; *s; s++) {
        h ^= (unsigned char)*s;
        h *= 0x100000001b3ull;
    }
    return h;
}

void hp_machine_describe(struct hp_machine *m)
{
    memset(m, 0, sizeof *m);
    snprintf(m->cpu_model, sizeof m->cpu_model, "unknown");
    FILE *f = fopen("/proc/cpuinfo", "r");
    if (f) {
        char line[1024];
        while (fgets(line, sizeof line, f)) {
            if (strncmp(line, "model name", 10) != 0)
                continue;
            char *value = strchr(line, ':');
            if (value) {
                value++;
                while (*value == ' ' || *value == '\t')
                    value++;
                value[strcspn(value, "\n")] = '\0';
                snprintf(m->cpu_model, sizeof m->cpu_model, "%s", value);
            }
            break;
        }
        fclose(f);
    }
    long cpus = sysconf(_SC_NPROCESSORS_ONLN);
    m->cpus_online = cpus > 0 ? (unsigned)cpus : 0;
    struct utsname u;
    if (uname(&u) == 0) {
        snprintf(m->kernel, sizeof m->kernel, "%s %s %s", u.sysname, u.release, u.machine);
        snprintf(m->hostname, sizeof m->hostname, "%s", u.nodename);
    }
    struct sysinfo si;
    if (sysinfo(&si) == 0)
        m->memory_bytes = (unsigned long long)si.totalram * si.mem_unit;
    char numbers[64];
    snprintf(numbers, sizeof numbers, "%u/%llu", m->cpus_online, m->memory_bytes);
    uint64_t h = 0xcbf29ce484222325ull;
    h = fnv1a(h, m->cpu_model);
    h = fnv1a(h, numbers);
    h = fnv1a(h, m->kernel);
    h = fnv1a(h, m->hostname);
    snprintf(m->fingerprint, sizeof m->fingerprint, "%016llx", (unsigned long long)h);
}

static void allocator_name(char *out, size_t size)
{
#ifdef HOTPATH_JEMALLOC
    const char *version = NULL;
    size_t len = sizeof version;
    if (mallctl("version", &version, &len, NULL, 0) == 0 && version)
        snprintf(out, size, "jemalloc %s", version);
    else
        snprintf(out, size, "jemalloc");
#elif defined(HOTPATH_ASAN)
    snprintf(out, size, "AddressSanitizer's allocator (Debug build)");
#elif defined(HOTPATH_TSAN)
    snprintf(out, size, "ThreadSanitizer's allocator (Tsan build)");
#else
    snprintf(out, size, "libc malloc");
#endif
}

/* ---- paths ------------------------------------------------------------------------------ */

static bool dir_taken(const char *dir)
{
    struct stat st;
    char partial[4200];
    snprintf(partial, sizeof partial, "%s.partial", dir);
    return lstat(dir, &st) == 0 || lstat(partial, &st) == 0;
}

void hp_results_dir_name_at(const struct timespec *when, char *out, size_t size)
{
    struct tm tm;
    localtime_r(&when->tv_sec, &tm);
    char stamp[32];
    strftime(stamp, sizeof stamp, "%Y%m%d-%H%M%S", &tm);
    int ms = (int)(when->tv_nsec / 1000000);
    snprintf(out, size, "results/%s-%03d", stamp, ms);
    for (unsigned n = 1; n < 100 && dir_taken(out); n++)
        snprintf(out, size, "results/%s-%03d-%02u", stamp, ms, n);
}

void hp_results_default_dir(char *out, size_t size)
{
    struct timespec now;
    clock_gettime(CLOCK_REALTIME, &now);
    hp_results_dir_name_at(&now, out, size);
}

/* A path component longer than this is refused by the kernel (ENAMETOOLONG). */
enum { NAME_LIMIT = NAME_MAX };

static bool is_directory(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

/* Removes the directories between d->path[0..d->kept_prefix) and DIR that reserve created,
 * deepest first; rmdir leaves any a user filled in the meantime. */
static void remove_created_parents(struct hp_results_dir *d)
{
    char buf[HP_RESULTS_PATH_MAX];
    snprintf(buf, sizeof buf, "%s", d->path);
    for (char *slash = strrchr(buf, '/'); slash && (size_t)(slash - buf) > d->kept_prefix;
         slash = strrchr(buf, '/')) {
        *slash = '\0';
        if (rmdir(buf) != 0)
            return;
    }
}

/* Checks the name, refuses an existing DIR or DIR.partial, creates the missing parents and
 * DIR.partial. On failure nothing it created is left. */
int hp_results_dir_reserve(struct hp_results_dir *d, const char *dir, struct hp_error *err)
{
    memset(d, 0, sizeof *d);
    size_t len = strlen(dir);
    while (len > 1 && dir[len - 1] == '/') /* "DIR/" is DIR: its partial is DIR.partial */
        len--;
    if (len == 0)
        return hp_error_set(err, "--out: empty directory name");
    /* Room for ".partial", a '/' and the longest file name the kernel allows inside. */
    size_t longest = HP_RESULTS_PATH_MAX - 1 - (sizeof ".partial" - 1) - 1 - NAME_LIMIT;
    if (len > longest)
        return hp_error_set(err, "--out: a path of %zu characters is too long (at most %zu)", len,
                            longest);
    memcpy(d->path, dir, len);
    d->path[len] = '\0';
    for (const char *p = d->path; *p;) {
        size_t part = strcspn(p, "/");
        bool last = p[part] == '\0';
        if (part + (last ? sizeof ".partial" - 1 : 0) > NAME_LIMIT)
            return hp_error_set(err,
                                "--out %.60s...: the name '%.40s...' is longer than %d bytes%s",
                                d->path, p, NAME_LIMIT, last ? " with .partial added" : "");
        p += part + (last ? 0 : 1);
    }
    memcpy(d->partial, d->path, len);
    memcpy(d->partial + len, ".partial", sizeof ".partial");
    struct stat st;
    if (lstat(d->path, &st) == 0)
        return hp_error_set(err, "--out %s: already exists; choose a new directory", d->path);
    if (lstat(d->partial, &st) == 0) {
        char results[HP_RESULTS_PATH_MAX + 16];
        snprintf(results, sizeof results, "%s/results.json", d->partial);
        if (lstat(results, &st) == 0)
            return hp_error_set(err,
                                "--out %s: %s already exists (an interrupted run); remove it "
                                "or choose a new directory",
                                d->path, d->partial);
        return hp_error_set(err,
                            "--out %s: %s already exists, without results (a run writing "
                            "there now, or one that was killed); remove it or choose a new "
                            "directory",
                            d->path, d->partial);
    }
    /* The parents: each existing one must be a directory; the missing ones are created. */
    char buf[HP_RESULTS_PATH_MAX];
    snprintf(buf, sizeof buf, "%s", d->path);
    d->kept_prefix = len;
    bool creating = false;
    for (char *p = buf + 1; *p; p++) {
        if (*p != '/')
            continue;
        *p = '\0';
        if (mkdir(buf, 0777) == 0) {
            if (!creating) { /* the first one missing: its parent is the deepest kept */
                const char *parent_end = strrchr(buf, '/');
                d->kept_prefix = parent_end ? (size_t)(parent_end - buf) : 0;
            }
            creating = true;
        } else if (errno != EEXIST || !is_directory(buf)) {
            int saved = errno == EEXIST ? ENOTDIR : errno;
            if (creating)
                remove_created_parents(d);
            return hp_error_set(err, "--out %s: cannot create directory %s: %s", d->path, buf,
                                strerror(saved));
        }
        *p = '/';
    }
    if (mkdir(d->partial, 0777) != 0) {
        int saved = errno;
        if (creating)
            remove_created_parents(d);
        return hp_error_set(err, "--out %s: cannot create %s: %s", d->path, d->partial,
                            strerror(saved));
    }
    return 0;
}

void hp_results_dir_release(struct hp_results_dir *d)
{
    if (!d->partial[0])
        return;
    hp_dir_remove(d->partial); /* everything in it is this run's: reserve created it empty */
    struct stat st;
    if (lstat(d->partial, &st) != 0)
        remove_created_parents(d);
    d->partial[0] = '\0';
}

/* Writes `name` inside `dir` (see files.h). */
static int write_in(const char *dir, const char *name, int (*write_fn)(FILE *f, const void *ctx),
                    const void *ctx, struct hp_error *err)
{
    char path[4096];
    if (snprintf(path, sizeof path, "%s/%s", dir, name) >= (int)sizeof path)
        return hp_error_set(err, "%s/%s: path too long", dir, name);
    return hp_file_write(path, write_fn, ctx, err);
}

/* ---- names ------------------------------------------------------------------------------ */

void hp_results_go_name(const struct hp_case *c, char *out, size_t size)
{
    /* Drop "/threads=T": Go puts the parallelism in the -N suffix. */
    char base[256];
    snprintf(base, sizeof base, "%s", c->name);
    char *threads = strstr(base, "/threads=");
    if (threads) {
        char *rest = strchr(threads + 1, '/');
        if (rest)
            memmove(threads, rest, strlen(rest) + 1);
        else
            *threads = '\0';
    }
    base[0] = (char)toupper((unsigned char)base[0]);
    snprintf(out, size, "Benchmark%s-%u", base, c->threads);
}

void hp_results_case_file_name(const char *case_name, const char *suffix, char *out, size_t size)
{
    size_t j = 0;
    for (size_t i = 0; case_name[i] && j + 1 < size; i++) {
        char ch = case_name[i];
        out[j++] = (ch == '/' || ch == '=') ? (ch == '/' ? '_' : '-') : ch;
    }
    out[j] = '\0';
    strncat(out, suffix, size - strlen(out) - 1);
}

static void hlog_file_name(const struct hp_case *c, char *out, size_t size)
{
    hp_results_case_file_name(c->name, ".hlog", out, size);
}

/* ---- results.json ----------------------------------------------------------------------- */

struct json_ctx {
    const struct hp_run *run;
    const struct hp_phase_plan *plan; /* run --phases, else NULL */
    const char *command;
    const char *dir;
};

static json_t *doubles(const double *v, size_t n)
{
    json_t *a = json_array();
    for (size_t i = 0; i < n; i++)
        json_array_append_new(a, hp_json_real_or_null(v[i]));
    return a;
}

static const double reported_percentiles[] = {50, 90, 99, 99.9, 99.99};
static const char *const reported_percentile_keys[] = {"p50_ns", "p90_ns", "p99_ns", "p999_ns",
                                                       "p9999_ns"};

/* What the case is: workload, implementations, threads, mode, ops. */
static void add_case_identity(json_t *o, const struct hp_case *c)
{
    json_object_set_new(o, "name", json_string(c->name));
    json_object_set_new(o, "workload", json_string(c->workload->name));
    json_object_set_new(o, "overhead_probe",
                        json_boolean(c->workload->flags & HP_WORKLOAD_OVERHEAD_PROBE));
    if (c->phase)
        json_object_set_new(o, "phase", json_string(c->phase));
    json_t *impls = json_object();
    for (int axis = 0; axis < HP_AXIS_COUNT; axis++)
        if (c->composition.impl[axis])
            json_object_set_new(impls, hp_axis_get(axis)->name,
                                json_string(c->composition.impl[axis]->name));
    json_object_set_new(o, "implementations", impls);
    size_t declared = hp_workload_param_count(c->workload);
    if (declared) {
        json_t *params = json_object();
        for (size_t i = 0; i < declared; i++)
            json_object_set_new(params, c->workload->params[i].name,
                                json_integer((json_int_t)c->param[i]));
        json_object_set_new(o, "parameters", params);
    }
    json_object_set_new(o, "threads", json_integer(c->threads));
    json_object_set_new(o, "mode", json_string(c->mode == HP_MODE_LATENCY ? "latency" : "batch"));
    json_object_set_new(o, "cache", json_string(c->cold ? "cold" : "warm"));
    json_object_set_new(
        o, "ops_per_thread_per_sample",
        json_integer((json_int_t)(c->mode == HP_MODE_LATENCY ? c->n * c->group : c->n)));
    if (c->mode == HP_MODE_LATENCY)
        json_object_set_new(o, "latency_group", json_integer(c->group));
}

/* The samples, per sample and per thread, and their summary. */
static void add_case_samples(json_t *o, const struct hp_case *c)
{
    json_object_set_new(o, "samples", json_integer(c->samples_taken));
    json_object_set_new(o, "ns_per_op", doubles(c->ns_per_op, c->samples_taken));
    json_object_set_new(o, "ops_per_sec", doubles(c->ops_per_sec, c->samples_taken));
    bool cpu_known = true; /* an external program may not say */
    for (unsigned k = 0; k < c->samples_taken; k++)
        cpu_known &= !isnan(c->cpu_ns_per_op[k]);
    json_object_set_new(o, "cpu_ns_per_op",
                        cpu_known ? doubles(c->cpu_ns_per_op, c->samples_taken) : json_null());
    json_t *per_thread = json_array();
    for (unsigned t = 0; t < c->threads; t++) {
        json_t *a = json_array();
        for (unsigned k = 0; k < c->samples_taken; k++)
            json_array_append_new(a,
                                  hp_json_real_or_null(c->thread_ops_per_sec[k * c->threads + t]));
        json_array_append_new(per_thread, a);
    }
    json_object_set_new(o, "thread_ops_per_sec", per_thread);
    if (c->samples_taken == 0) {
        json_object_set_new(o, "stats", json_null());
        return;
    }
    const struct hp_summary *s = &c->summary;
    json_t *st = json_object();
    json_object_set_new(st, "median", hp_json_real_or_null(s->median));
    json_object_set_new(st, "ci_low", hp_json_real_or_null(s->ci_low));
    json_object_set_new(st, "ci_high", hp_json_real_or_null(s->ci_high));
    json_object_set_new(st, "ci_level", hp_json_real_or_null(s->ci_level));
    json_object_set_new(st, "mean", hp_json_real_or_null(s->mean));
    json_object_set_new(st, "stddev", hp_json_real_or_null(s->stddev));
    json_object_set_new(st, "mad", hp_json_real_or_null(s->mad));
    json_object_set_new(st, "min", hp_json_real_or_null(s->min));
    json_object_set_new(st, "max", hp_json_real_or_null(s->max));
    json_object_set_new(st, "noisy", json_boolean(c->noisy));
    json_object_set_new(o, "stats", st);
}

/* What was counted over the measured ops: allocations, perf events, instructions. */
static void add_case_counts(json_t *o, const struct hp_case *c)
{
    double ops = (double)c->measured_ops;
    json_object_set_new(o, "measured_ops", json_integer((json_int_t)c->measured_ops));
    json_t *alloc = json_object();
    json_object_set_new(alloc, "allocs", json_integer((json_int_t)c->allocs.allocs));
    json_object_set_new(alloc, "bytes", json_integer((json_int_t)c->allocs.bytes));
    json_object_set_new(alloc, "frees", json_integer((json_int_t)c->allocs.frees));
    if (c->allocs_unknown)
        ops = 0; /* an external program that cannot count them: null per op */
    json_object_set_new(alloc, "allocs_per_op",
                        hp_json_real_or_null(ops > 0 ? (double)c->allocs.allocs / ops : NAN));
    json_object_set_new(alloc, "bytes_per_op",
                        hp_json_real_or_null(ops > 0 ? (double)c->allocs.bytes / ops : NAN));
    json_object_set_new(
        alloc, "frees_per_op",
        hp_json_real_or_null(ops > 0 && !c->external ? (double)c->allocs.frees / ops : NAN));
    json_object_set_new(o, "allocations", alloc);
    json_t *perf = json_null();
    if (c->perf_ok && ops > 0) {
        perf = json_object();
        for (int e = 0; e < HP_PERF_EVENT_COUNT; e++) {
            char key[64];
            snprintf(key, sizeof key, "%s_per_op", hp_perf_event_names[e]);
            json_object_set_new(perf, key, hp_json_real_or_null((double)c->perf.value[e] / ops));
        }
    }
    json_object_set_new(o, "perf", perf);
    json_t *ins = json_null();
    if (c->instructions_source) {
        ins = json_object();
        json_object_set_new(ins, "per_op", hp_json_real_or_null(c->instructions_per_op));
        json_object_set_new(ins, "source", json_string(c->instructions_source));
    }
    json_object_set_new(o, "instructions", ins);
}

static json_t *latency_json(const struct hp_run *run, const struct hp_case *c)
{
    if (!c->has_latency || hp_hdr_total_count(&c->latency) == 0)
        return json_null();
    json_t *lat = json_object();
    json_object_set_new(lat, "count", json_integer(hp_hdr_total_count(&c->latency)));
    json_object_set_new(lat, "min_ns", json_integer(hp_hdr_min(&c->latency)));
    json_object_set_new(lat, "mean_ns", hp_json_real_or_null(hp_hdr_mean(&c->latency)));
    for (size_t i = 0; i < sizeof reported_percentiles / sizeof reported_percentiles[0]; i++)
        json_object_set_new(
            lat, reported_percentile_keys[i],
            json_integer(hp_hdr_value_at_percentile(&c->latency, reported_percentiles[i])));
    json_object_set_new(lat, "max_ns", json_integer(hp_hdr_max(&c->latency)));
    json_object_set_new(lat, "timer_overhead_ns_per_op",
                        hp_json_real_or_null(run->timer.overhead_ns / c->group));
    json_object_set_new(lat, "below_resolution", json_boolean(c->below_resolution));
    char hlog[300];
    hlog_file_name(c, hlog, sizeof hlog);
    json_object_set_new(lat, "hlog", json_string(hlog));
    return lat;
}

/* facts "k=v k2=v2" as an object of strings. */
static json_t *facts_json(const char *facts)
{
    json_t *o = json_object();
    char copy[1024];
    snprintf(copy, sizeof copy, "%s", facts);
    char *save = NULL;
    for (char *kv = strtok_r(copy, " ", &save); kv; kv = strtok_r(NULL, " ", &save)) {
        char *eq = strchr(kv, '=');
        if (!eq || eq == kv)
            continue;
        *eq = '\0';
        json_object_set_new(o, kv, json_string(eq + 1));
    }
    return o;
}

/* An external case: its source, peer, claim twin and facts (results v4). */
static json_t *external_case_json(const struct hp_case *c)
{
    const struct hp_case_external *x = c->external;
    json_t *o = json_object();
    json_object_set_new(o, "source", json_string(x->source));
    json_object_set_new(o, "peer", json_string(x->peer));
    if (x->claim && x->variant) {
        json_object_set_new(o, "claim", json_string(x->claim));
        json_object_set_new(o, "variant", json_string(x->variant));
    }
    json_object_set_new(o, "facts", facts_json(x->facts));
    return o;
}

/* The CPUs this process may run on (its affinity), as the runner's workers see them. */
static unsigned usable_cpus(void)
{
    cpu_set_t set;
    if (sched_getaffinity(0, sizeof set, &set) == 0 && CPU_COUNT(&set) > 0)
        return (unsigned)CPU_COUNT(&set);
    long n = sysconf(_SC_NPROCESSORS_ONLN);
    return n > 0 ? (unsigned)n : 1;
}

/* results v6, threads >= 2: each thread's median rate over the samples, and their spread
 * ((max - min) / mean): 0 when every thread got as much done. */
static json_t *fairness_json(const struct hp_case *c)
{
    if (c->threads < 2 || c->samples_taken == 0 || c->external)
        return json_null();
    double lo = INFINITY, hi = 0, sum = 0;
    double *rates = malloc(c->samples_taken * sizeof *rates);
    if (!rates)
        return json_null();
    for (unsigned t = 0; t < c->threads; t++) {
        for (unsigned k = 0; k < c->samples_taken; k++)
            rates[k] = c->thread_ops_per_sec[k * c->threads + t];
        struct hp_summary s;
        double median = hp_summarize(rates, c->samples_taken, 0.95, &s) == 0 ? s.median : NAN;
        lo = fmin(lo, median);
        hi = fmax(hi, median);
        sum += median;
    }
    free(rates);
    json_t *o = json_object();
    json_object_set_new(o, "min_thread_ops_per_sec", hp_json_real_or_null(lo));
    json_object_set_new(o, "max_thread_ops_per_sec", hp_json_real_or_null(hi));
    json_object_set_new(o, "spread", hp_json_real_or_null((hi - lo) / (sum / c->threads)));
    return o;
}

static json_t *case_json(const struct hp_run *run, const struct hp_case *c)
{
    json_t *o = json_object();
    add_case_identity(o, c);
    add_case_samples(o, c);
    add_case_counts(o, c);
    json_object_set_new(o, "latency", latency_json(run, c));
    json_object_set_new(o, "fairness", fairness_json(c));
    json_object_set_new(o, "time_sliced", json_boolean(c->threads > usable_cpus()));
    json_t *metrics = json_object();
    for (size_t i = 0; i < c->metrics.count; i++) {
        json_t *m = json_object();
        json_object_set_new(m, "value", hp_json_real_or_null(c->metrics.items[i].value));
        json_object_set_new(m, "unit", json_string(c->metrics.items[i].unit));
        json_object_set_new(metrics, c->metrics.items[i].name, m);
    }
    json_object_set_new(o, "metrics", metrics);
    if (c->external)
        json_object_set_new(o, "external", external_case_json(c));
    if (c->cold) {
        json_t *cold = json_object();
        json_object_set_new(cold, "instances", json_integer((json_int_t)c->cold_instances));
        json_object_set_new(cold, "instance_bytes",
                            json_integer((json_int_t)c->cold_instance_bytes));
        json_object_set_new(cold, "instance_bytes_source", json_string(c->cold_bytes_source));
        json_object_set_new(cold, "working_set_bytes",
                            json_integer((json_int_t)(c->cold_instances * c->cold_instance_bytes)));
        json_object_set_new(cold, "exceeds_llc", json_boolean(c->cold_exceeds_llc));
        json_object_set_new(o, "cold", cold);
    }
    return o;
}

/* ---- complexity fits (results v7, complexity.h) ---- */

/* Whether cases a and b are the same but for the value of parameter p. */
static bool same_but_param(const struct hp_case *a, const struct hp_case *b, size_t p)
{
    if (a->workload != b->workload || a->threads != b->threads || a->mode != b->mode ||
        a->external || b->external || a->status[0] || b->status[0] ||
        (a->phase != b->phase && (!a->phase || !b->phase || strcmp(a->phase, b->phase) != 0)) ||
        memcmp(&a->composition, &b->composition, sizeof a->composition) != 0)
        return false;
    for (size_t i = 0; i < hp_workload_param_count(a->workload); i++)
        if (i != p && a->param[i] != b->param[i])
            return false;
    return true;
}

static json_t *fit_json(const struct hp_case *first, size_t p, const struct hp_fit *fit,
                        json_t *case_names)
{
    const struct hp_workload *w = first->workload;
    json_t *o = json_object();
    json_object_set_new(o, "workload", json_string(w->name));
    json_object_set_new(o, "parameter", json_string(w->params[p].name));
    json_object_set_new(o, "cases", case_names);
    json_object_set_new(o, "best", json_string(hp_big_o_name(fit->best)));
    json_object_set_new(o, "coefficient", json_real(fit->shapes[fit->best].coefficient));
    json_object_set_new(o, "rms", json_real(fit->shapes[fit->best].rms));
    json_object_set_new(o, "ambiguous", json_boolean(fit->ambiguous));
    json_object_set_new(o, "runner_up", json_string(hp_big_o_name(fit->runner_up)));
    json_t *shapes = json_array();
    for (int s = 0; s < HP_BIG_O_COUNT; s++) {
        json_t *f = json_object();
        json_object_set_new(f, "shape", json_string(hp_big_o_name(fit->shapes[s].shape)));
        json_object_set_new(f, "coefficient", json_real(fit->shapes[s].coefficient));
        json_object_set_new(f, "rms", json_real(fit->shapes[s].rms));
        json_array_append_new(shapes, f);
    }
    json_object_set_new(o, "fits", shapes);
    return o;
}

/* The fit of case i's group over parameter p (the cases that differ from it in p alone), when
 * i is the group's first case and the group has enough points; appended to `fits`. */
static void add_fit(const struct hp_run *run, size_t i, size_t p, json_t *fits)
{
    const struct hp_case *c = &run->cases[i];
    for (size_t k = 0; k < i; k++)
        if (same_but_param(&run->cases[k], c, p))
            return;
    size_t count = 0;
    double *n = malloc(run->case_count * sizeof *n), *t = malloc(run->case_count * sizeof *t);
    json_t *names = json_array();
    for (size_t k = i; n && t && k < run->case_count; k++) {
        const struct hp_case *m = &run->cases[k];
        if (!same_but_param(m, c, p) || m->samples_taken == 0)
            continue;
        n[count] = (double)m->param[p];
        t[count++] = m->summary.median;
        json_array_append_new(names, json_string(m->name));
    }
    struct hp_fit fit;
    if (n && t && hp_fit_complexity(n, t, count, &fit) == 0)
        json_array_append_new(fits, fit_json(c, p, &fit, names));
    else
        json_decref(names);
    free(n);
    free(t);
}

static json_t *complexity_json(const struct hp_run *run)
{
    json_t *fits = json_array();
    for (size_t i = 0; i < run->case_count; i++)
        for (size_t p = 0; p < hp_workload_param_count(run->cases[i].workload); p++)
            if (!run->cases[i].status[0] && !run->cases[i].external)
                add_fit(run, i, p, fits);
    return fits;
}

/* What became of every source and of the external cases that have no samples (results v4). */
static json_t *external_json(const struct hp_run *run)
{
    json_t *o = json_object(), *sources = json_array(), *unmeasured = json_array();
    for (size_t i = 0; i < run->external->count; i++) {
        const struct hp_external_source_status *s = &run->external->sources[i];
        json_t *so = json_object();
        json_object_set_new(so, "name", json_string(s->name));
        json_object_set_new(so, "file", json_string(s->file));
        json_object_set_new(so, "status", json_string(s->status[0] ? s->status : "ok"));
        json_object_set_new(so, "facts", facts_json(s->facts));
        json_array_append_new(sources, so);
    }
    for (size_t i = 0; i < run->case_count; i++) {
        const struct hp_case *c = &run->cases[i];
        if (!c->status[0])
            continue;
        json_t *u = json_object();
        json_object_set_new(u, "name", json_string(c->name));
        json_object_set_new(u, "workload", json_string(c->workload->name));
        json_object_set_new(u, "threads", json_integer(c->threads));
        json_object_set_new(u, "status", json_string(c->status));
        if (c->external)
            json_object_set_new(u, "external", external_case_json(c));
        json_array_append_new(unmeasured, u);
    }
    json_object_set_new(o, "sources", sources);
    json_object_set_new(o, "unmeasured", unmeasured);
    return o;
}

/* The phase plan of a `run --phases`: what the phase and claims tables need besides the cases. */
static json_t *plan_json(const struct hp_phase_plan *plan)
{
    json_t *o = json_object();
    json_object_set_new(o, "file", json_string(plan->path));
    json_t *order = json_array();
    for (size_t i = 0; i < plan->count; i++) {
        const struct hp_phase *p = &plan->phases[i];
        json_t *phase = json_object();
        json_object_set_new(phase, "name", json_string(p->name));
        json_object_set_new(phase, "base", p->base[0] ? json_string(p->base) : json_null());
        json_object_set_new(phase, "group", p->group[0] ? json_string(p->group) : json_null());
        json_object_set_new(phase, "summary", json_string(p->summary));
        json_t *claims = json_array();
        for (size_t k = 0; k < p->claim_count; k++)
            json_array_append_new(claims, json_string(p->claims[k]));
        json_object_set_new(phase, "claims", claims);
        json_t *impls = json_object();
        for (int axis = 0; axis < HP_AXIS_COUNT; axis++)
            if (p->impl[axis])
                json_object_set_new(impls, hp_axis_get(axis)->name,
                                    json_string(p->impl[axis]->name));
        json_object_set_new(phase, "implementations", impls);
        json_array_append_new(order, phase);
    }
    json_object_set_new(o, "order", order);
    return o;
}

json_t *hp_results_machine_json(void)
{
    struct hp_machine m;
    hp_machine_describe(&m);
    json_t *machine = json_object();
    json_object_set_new(machine, "fingerprint", json_string(m.fingerprint));
    json_object_set_new(machine, "cpu_model", json_string(m.cpu_model));
    json_object_set_new(machine, "cpus_online", json_integer(m.cpus_online));
    json_object_set_new(machine, "kernel", json_string(m.kernel));
    json_object_set_new(machine, "hostname", json_string(m.hostname));
    json_object_set_new(machine, "memory_bytes", json_integer((json_int_t)m.memory_bytes));
    return machine;
}

json_t *hp_results_build_json(void)
{
    json_t *build = json_object();
    char allocator[128];
    allocator_name(allocator, sizeof allocator);
    json_object_set_new(build, "type", json_string(HOTPATH_BUILD_TYPE));
    json_object_set_new(build, "compiler", json_string(HOTPATH_COMPILER));
    json_object_set_new(build, "cflags", json_string(HOTPATH_CFLAGS));
    json_object_set_new(build, "git_commit", json_string(HOTPATH_GIT_COMMIT));
    json_object_set_new(build, "git_dirty", json_boolean(HOTPATH_GIT_DIRTY));
    json_object_set_new(build, "allocator", json_string(allocator));
    return build;
}

static json_t *config_json(const struct hp_run_config *cfg)
{
    json_t *config = json_object();
    json_object_set_new(config, "target_sample_ns", json_real(cfg->target_sample_ns));
    json_object_set_new(config, "samples", json_integer(cfg->samples));
    json_object_set_new(config, "warmup_rounds", json_integer(cfg->warmup_rounds));
    json_object_set_new(config, "latency_group", json_integer(cfg->latency_group));
    json_object_set_new(config, "seed", json_integer((json_int_t)cfg->seed));
    json_object_set_new(config, "pin", json_boolean(cfg->pin));
    return config;
}

/* The clocks and floors the run measured, and whether perf counters were there. */
static void add_machine_measures(json_t *root, const struct hp_run *run)
{
    json_t *timer = json_object();
    json_object_set_new(timer, "latency_source",
                        json_string(run->timer.source == HP_TIMER_TSC ? "tsc" : "monotonic"));
    json_object_set_new(timer, "why", json_string(run->timer.why));
    json_object_set_new(timer, "ns_per_tick", json_real(run->timer.ns_per_tick));
    json_object_set_new(timer, "overhead_ns", json_real(run->timer.overhead_ns));
    json_object_set_new(timer, "resolution_ns", json_real(run->timer.resolution_ns));
    json_object_set_new(root, "timer", timer);
    json_t *floors = json_object();
    json_object_set_new(floors, "monotonic_read_ns", json_real(run->floors.monotonic_read_ns));
    json_object_set_new(floors, "tsc_read_ns", json_real(run->floors.tsc_read_ns));
    json_object_set_new(floors, "l1_load_ns", json_real(run->floors.l1_load_ns));
    json_object_set_new(floors, "cas_ns", json_real(run->floors.cas_ns));
    json_object_set_new(floors, "syscall_ns", json_real(run->floors.syscall_ns));
    json_object_set_new(floors, "handoff_ns",
                        run->floors.handoff_ns >= 0 ? json_real(run->floors.handoff_ns)
                                                    : json_null());
    json_object_set_new(floors, "wakeup_ns",
                        run->floors.wakeup_ns >= 0 ? json_real(run->floors.wakeup_ns)
                                                   : json_null());
    json_object_set_new(root, "floors", floors);
    json_t *perf = json_object();
    json_object_set_new(perf, "available", json_boolean(run->perf_available));
    json_object_set_new(perf, "why", json_string(run->perf_why ? run->perf_why : ""));
    json_object_set_new(root, "perf_counters", perf);
}

/* The cases their workload declined at setup (results v5): a program not installed. */
static json_t *declined_json(const struct hp_run *run)
{
    json_t *list = json_array();
    for (size_t i = 0; i < run->case_count; i++) {
        const struct hp_case *c = &run->cases[i];
        if (!c->status[0] || c->external)
            continue;
        json_t *d = json_object();
        json_object_set_new(d, "name", json_string(c->name));
        json_object_set_new(d, "workload", json_string(c->workload->name));
        json_object_set_new(d, "phase", c->phase ? json_string(c->phase) : json_null());
        json_object_set_new(d, "threads", json_integer(c->threads));
        json_object_set_new(d, "mode",
                            json_string(c->mode == HP_MODE_LATENCY ? "latency" : "batch"));
        json_object_set_new(d, "status", json_string(c->status));
        json_array_append_new(list, d);
    }
    return list;
}

static json_t *number_or_null(double v, bool known)
{
    return known ? hp_json_real_or_null(v) : json_null();
}

/* The environment the validity checks read (validity.h); unknown values are null. */
static json_t *environment_json(const struct hp_validity *v)
{
    json_t *o = json_object();
    json_object_set_new(o, "governor", v->governor[0] ? json_string(v->governor) : json_null());
    json_object_set_new(o, "boost", v->boost < 0 ? json_null() : json_boolean(v->boost));
    json_object_set_new(o, "aslr", v->aslr < 0 ? json_null() : json_integer(v->aslr));
    json_t *start = json_array(), *end = json_array();
    for (int i = 0; i < 3; i++) {
        json_array_append_new(start, hp_json_real_or_null(v->load_start[i]));
        json_array_append_new(end, hp_json_real_or_null(v->load_end[i]));
    }
    json_object_set_new(o, "load_average_start", start);
    json_object_set_new(o, "load_average_end", end);
    json_object_set_new(o, "build_type", json_string(v->build_type));
    return o;
}

/* Per sample (round): steal and other processes' load; then the drift check's cases. */
static void add_windows_and_drift(json_t *o, const struct hp_validity *v)
{
    json_t *windows = json_array();
    for (size_t k = 0; k < v->window_count; k++) {
        const struct hp_validity_window *w = &v->windows[k];
        json_t *wo = json_object();
        json_object_set_new(wo, "sample", json_integer((json_int_t)k + 1));
        json_object_set_new(wo, "duration_s", hp_json_real_or_null(w->duration_s));
        json_object_set_new(wo, "steal_share", number_or_null(w->steal_share, w->known));
        json_object_set_new(wo, "other_load_cpus", number_or_null(w->other_load_cpus, w->known));
        json_array_append_new(windows, wo);
    }
    json_object_set_new(o, "samples", windows);
    json_t *drift = json_null();
    if (v->drift_checked) {
        drift = json_array();
        for (size_t i = 0; i < v->drift_count; i++) {
            const struct hp_drift_case *d = &v->drift[i];
            json_t *dc = json_object();
            json_object_set_new(dc, "case", json_string(d->name));
            json_object_set_new(dc, "clock", json_string(d->cpu_clock ? "cpu" : "wall"));
            json_object_set_new(dc, "early_median_ns", hp_json_real_or_null(d->early_median_ns));
            json_object_set_new(dc, "late_median_ns", hp_json_real_or_null(d->late_median_ns));
            json_object_set_new(dc, "ratio", hp_json_real_or_null(d->ratio));
            json_array_append_new(drift, dc);
        }
    }
    json_object_set_new(o, "drift", drift);
}

/* results v6: what can make the run's times wrong, and the verdict (validity.h). */
static json_t *validity_json(const struct hp_validity *v)
{
    json_t *o = json_object();
    json_object_set_new(o, "reliable", json_boolean(!v->unreliable));
    json_t *findings = json_array();
    for (size_t i = 0; i < v->finding_count; i++) {
        const struct hp_finding *f = &v->findings[i];
        json_t *fo = json_object();
        json_object_set_new(fo, "severity", json_string(hp_finding_severity_name(f->severity)));
        json_object_set_new(fo, "check", json_string(f->check));
        json_object_set_new(fo, "text", json_string(f->text));
        json_t *samples = json_null();
        if (f->first_sample > 0) {
            samples = json_array();
            json_array_append_new(samples, json_integer(f->first_sample));
            json_array_append_new(samples, json_integer(f->last_sample));
        }
        json_object_set_new(fo, "samples", samples);
        json_array_append_new(findings, fo);
    }
    json_object_set_new(o, "findings", findings);
    json_object_set_new(o, "environment", environment_json(v));
    add_windows_and_drift(o, v);
    return o;
}

static json_t *run_json(const struct hp_run *run, const struct hp_phase_plan *plan,
                        const char *command)
{
    json_t *root = json_object();
    json_object_set_new(root, "format", json_string(HP_RESULTS_FORMAT));
    json_object_set_new(root, "version", json_integer(HP_RESULTS_VERSION));
    json_object_set_new(root, "complete", json_boolean(!run->interrupted));
    char started[64];
    time_t t = (time_t)run->started_epoch_s;
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(started, sizeof started, "%Y-%m-%dT%H:%M:%SZ", &tm);
    json_object_set_new(root, "started", json_string(started));
    json_object_set_new(root, "started_epoch_s", json_real(run->started_epoch_s));
    json_object_set_new(root, "duration_s", json_real(run->duration_s));
    json_object_set_new(root, "command", json_string(command));
    json_object_set_new(root, "machine", hp_results_machine_json());
    json_object_set_new(root, "build", hp_results_build_json());
    json_object_set_new(root, "config", config_json(&run->config));
    add_machine_measures(root, run);
    json_object_set_new(root, "harness_overhead_ns_per_op",
                        run->harness_overhead_ns >= 0 ? json_real(run->harness_overhead_ns)
                                                      : json_null());
    json_object_set_new(root, "validity", validity_json(&run->validity));
    if (run->llc_bytes > 0) {
        json_t *cache = json_object();
        json_object_set_new(cache, "llc_bytes", json_integer((json_int_t)run->llc_bytes));
        json_object_set_new(cache, "llc_source", json_string(run->llc_source));
        json_object_set_new(root, "cache", cache);
    }
    if (plan)
        json_object_set_new(root, "phases", plan_json(plan));
    json_t *cases = json_array();
    for (size_t i = 0; i < run->case_count; i++)
        if (!run->cases[i].status[0])
            json_array_append_new(cases, case_json(run, &run->cases[i]));
    json_object_set_new(root, "cases", cases);
    json_object_set_new(root, "complexity", complexity_json(run));
    if (run->external)
        json_object_set_new(root, "external", external_json(run));
    json_object_set_new(root, "declined", declined_json(run));
    return root;
}

static int write_json(FILE *f, const void *ctx)
{
    const struct json_ctx *jc = ctx;
    json_t *root = run_json(jc->run, jc->plan, jc->command);
    int rc = json_dumpf(root, f, JSON_INDENT(1) | JSON_REAL_PRECISION(15));
    fputc('\n', f);
    json_decref(root);
    return rc;
}

/* ---- results.txt (Go benchmark format) ---------------------------------------------------- */

static int write_txt(FILE *f, const void *ctx)
{
    const struct hp_run *run = ((const struct json_ctx *)ctx)->run;
    struct hp_machine m;
    hp_machine_describe(&m);
    fprintf(f, "goos: linux\ngoarch: %s\npkg: hotpath\ncpu: %s\n",
#if defined(__x86_64__)
            "amd64",
#elif defined(__aarch64__)
            "arm64",
#else
            "unknown",
#endif
            m.cpu_model);
    fprintf(f, "build: %s\ncommit: %s%s\n", HOTPATH_BUILD_TYPE, HOTPATH_GIT_COMMIT,
            HOTPATH_GIT_DIRTY ? "-dirty" : "");
    for (size_t i = 0; i < run->case_count; i++) {
        const struct hp_case *c = &run->cases[i];
        if (c->status[0])
            continue;
        char name[300];
        hp_results_go_name(c, name, sizeof name);
        double ops = (double)c->measured_ops;
        double bytes_per_op = ops > 0 ? (double)c->allocs.bytes / ops : 0;
        double allocs_per_op = ops > 0 ? (double)c->allocs.allocs / ops : 0;
        uint64_t iterations = (c->mode == HP_MODE_LATENCY ? c->n * c->group : c->n) * c->threads;
        for (unsigned k = 0; k < c->samples_taken; k++)
            fprintf(f, "%s\t%12llu\t%12.2f ns/op\t%8.6g B/op\t%8.6g allocs/op\n", name,
                    (unsigned long long)iterations, c->ns_per_op[k], bytes_per_op, allocs_per_op);
    }
    return 0;
}

/* ---- results.csv ------------------------------------------------------------------------ */

static int write_csv(FILE *f, const void *ctx)
{
    const struct hp_run *run = ((const struct json_ctx *)ctx)->run;
    fputs("case,workload", f);
    for (int axis = 0; axis < HP_AXIS_COUNT; axis++)
        fprintf(f, ",%s", hp_axis_get(axis)->name);
    fputs(",threads,mode,samples,median_ns,ci_low_ns,ci_high_ns,mean_ns,stddev_ns,mad_ns,min_"
          "ns,max_ns,noisy,ops_per_sec,allocs_per_op,bytes_per_op,p50_ns,p90_ns,p99_ns,p999_ns,"
          "p9999_ns,max_latency_ns\n",
          f);
    for (size_t i = 0; i < run->case_count; i++) {
        const struct hp_case *c = &run->cases[i];
        if (c->status[0])
            continue;
        hp_csv_field(f, c->name, true);
        fputc(',', f);
        hp_csv_field(f, c->workload->name, true);
        for (int axis = 0; axis < HP_AXIS_COUNT; axis++) {
            fputc(',', f);
            if (c->composition.impl[axis])
                hp_csv_field(f, c->composition.impl[axis]->name, true);
        }
        fprintf(f, ",%u,%s,%u", c->threads, c->mode == HP_MODE_LATENCY ? "latency" : "batch",
                c->samples_taken);
        const struct hp_summary *s = &c->summary;
        if (c->samples_taken > 0)
            fprintf(f, ",%.4f,%.4f,%.4f,%.4f,%.4f,%.4f,%.4f,%.4f,%s,%.1f", s->median, s->ci_low,
                    s->ci_high, s->mean, s->stddev, s->mad, s->min, s->max, c->noisy ? "yes" : "no",
                    1e9 / s->median);
        else
            fputs(",,,,,,,,,,", f);
        double ops = (double)c->measured_ops;
        if (ops > 0)
            fprintf(f, ",%.6g,%.6g", (double)c->allocs.allocs / ops, (double)c->allocs.bytes / ops);
        else
            fputs(",,", f);
        if (c->has_latency && hp_hdr_total_count(&c->latency) > 0) {
            for (size_t p = 0; p < sizeof reported_percentiles / sizeof reported_percentiles[0];
                 p++)
                fprintf(
                    f, ",%lld",
                    (long long)hp_hdr_value_at_percentile(&c->latency, reported_percentiles[p]));
            fprintf(f, ",%lld", (long long)hp_hdr_max(&c->latency));
        } else {
            fputs(",,,,,,", f);
        }
        fputc('\n', f);
    }
    return 0;
}

/* ---- .hlog ------------------------------------------------------------------------------ */

struct hlog_ctx {
    const struct hp_run *run;
    const struct hp_case *c;
};

static int write_hlog(FILE *f, const void *ctx)
{
    const struct hlog_ctx *hc = ctx;
    char comment[512];
    snprintf(comment, sizeof comment, "hotpath %s: latency in ns per op (groups of %u ops)",
             hc->c->name, hc->c->group);
    if (hp_hlog_write_header(f, hc->run->started_epoch_s, 0.0, comment) != 0)
        return -1;
    return hp_hlog_write_interval(f, &hc->c->latency, 0.0, hc->run->duration_s, 1.0, hc->c->name);
}

/* ---- all files -------------------------------------------------------------------------- */

int hp_results_check_file_names(const struct hp_case *cases, size_t count, struct hp_error *err)
{
    /* Each .hlog is written as ".NAME.tmp" first: that name must fit in a directory entry. */
    enum { TEMPORARY_EXTRA = sizeof "..tmp" - 1 };
    char(*names)[300] = calloc(count ? count : 1, sizeof *names);
    if (!names)
        return hp_error_set(err, "out of memory checking file names");
    size_t n = 0;
    int rc = 0;
    for (size_t i = 0; i < count && rc == 0; i++) {
        if (cases[i].mode != HP_MODE_LATENCY)
            continue;
        hlog_file_name(&cases[i], names[n], sizeof names[n]);
        if (strlen(names[n]) + TEMPORARY_EXTRA > NAME_LIMIT)
            rc = hp_error_set(err, "%s: the case name is too long for its .hlog file name",
                              cases[i].name);
        for (size_t k = 0; k < n && rc == 0; k++)
            if (strcmp(names[k], names[n]) == 0)
                rc = hp_error_set(err, "%s: its .hlog file name %s is another case's too",
                                  cases[i].name, names[n]);
        n++;
    }
    free(names);
    return rc;
}

/* The files into d->partial; then results.json is read back with the one reader every view
 * uses, so that no run is marked complete that a reader would refuse. */
static int write_files(const struct hp_run *run, const struct hp_phase_plan *plan,
                       const struct hp_results_dir *d, const char *command, struct hp_error *err)
{
    struct json_ctx ctx = {.run = run, .plan = plan, .command = command, .dir = d->path};
    for (size_t i = 0; i < run->case_count; i++) {
        const struct hp_case *c = &run->cases[i];
        if (!c->has_latency || hp_hdr_total_count(&c->latency) == 0)
            continue;
        char name[300];
        hlog_file_name(c, name, sizeof name);
        struct hlog_ctx hc = {run, c};
        if (write_in(d->partial, name, write_hlog, &hc, err) != 0)
            return -1;
    }
    if (write_in(d->partial, "results.txt", write_txt, &ctx, err) != 0 ||
        write_in(d->partial, "results.csv", write_csv, &ctx, err) != 0 ||
        /* results.json last: its presence says the other files are complete. */
        write_in(d->partial, "results.json", write_json, &ctx, err) != 0)
        return -1;
    struct hp_results back;
    struct hp_error why;
    if (hp_results_read(d->partial, &back, &why) != 0)
        return hp_error_set(err, "hotpath's own reader refuses the results just written: %s",
                            why.message);
    hp_results_free(&back);
    return 0;
}

int hp_results_write_phases(const struct hp_run *run, const struct hp_phase_plan *plan,
                            struct hp_results_dir *d, const char *command, char *final_dir_out,
                            size_t final_dir_size, struct hp_error *err)
{
    const char *final_dir = d->partial;
    int rc = write_files(run, plan, d, command, err);
    if (rc == 0 && !run->interrupted) {
        if (rename(d->partial, d->path) != 0)
            rc = hp_error_set(err, "cannot rename %s to %s: %s", d->partial, d->path,
                              strerror(errno));
        final_dir = d->path;
    }
    if (rc != 0) {
        /* Nothing half-written stays behind for a later run to take for an interrupted one. */
        char message[sizeof err->message];
        snprintf(message, sizeof message, "%s", err->message);
        hp_results_dir_release(d);
        return hp_error_set(err, "%s; nothing was kept", message);
    }
    if (final_dir_out)
        snprintf(final_dir_out, final_dir_size, "%s", final_dir);
    return 0;
}

int hp_results_write(const struct hp_run *run, struct hp_results_dir *d, const char *command,
                     char *final_dir_out, size_t final_dir_size, struct hp_error *err)
{
    return hp_results_write_phases(run, NULL, d, command, final_dir_out, final_dir_size, err);
}
