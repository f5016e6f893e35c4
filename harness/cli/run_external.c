#define _GNU_SOURCE
/* External cases in `hotpath run` (run_external.h; the protocol: docs/external-cases.md). */
#include "run_external.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "expected_responses.h"
#include "external_fields.h"
#include "external_file.h"
#include "external_proc.h"
#include "one_shot_output.h"

/* Time limits of docs/external-cases.md, in seconds. */
#define BUILD_LIMIT       300.0
#define HELLO_LIMIT       10.0
#define LIST_LIMIT        10.0
#define CASE_LIMIT        120.0
#define SAMPLE_BASE_LIMIT 10.0
#define FIRST_SAMPLE      30.0
#define DONE_LIMIT        10.0
#define QUIT_LIMIT        5.0
#define ONE_SHOT_LIMIT    600.0
#define ONE_SHOT_OUTPUT   ((size_t)16 << 20)

enum { LIST_CASES_MAX = 256, ANSWER_MAX = HP_EXTERNAL_LINE_MAX + 1 };

struct source {
    const struct hp_external_source *decl;
    struct hp_external_source_status *status;
    struct hp_external_proc proc;
    char stderr_path[4200];
    bool running;
};

/* One external case of the run. */
struct ext_case {
    struct hp_case_external ext; /* first: the runner's view */
    struct source *src;
    char id[16];
    char adapter_name[160];
    char workload[160];
    char params[512]; /* " threads=2 workloads=... expected=..." as sent with `case` */
    bool needs_workloads, needs_expected;
    unsigned threads;
    bool set_up;
    double last_ns_per_op; /* 0 before the first sample */
    struct hp_workload workload_decl;
};

static struct hp_external_file file;
static struct hp_external_summary summary;
static struct source sources[HP_EXTERNAL_SOURCES_MAX];
static size_t source_count;
static struct ext_case *ext_cases[LIST_CASES_MAX * 2];
static size_t ext_case_count;
static char answer[ANSWER_MAX];

int hp_external_load(const char *path, struct hp_error *err)
{
    return hp_external_file_read(path, &file, err);
}

/* src into dst[size], cut to fit (messages and facts: a long one is cut, never refused). */
static void copy_cut(char *dst, size_t size, const char *src)
{
    size_t i = 0;
    for (; i + 1 < size && src[i]; i++)
        dst[i] = src[i];
    dst[i] = '\0';
}

/* The one message of a source that failed, with the last lines of its stderr. */
static void source_failed(struct source *s, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void source_failed(struct source *s, const char *fmt, ...)
{
    char why[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(why, sizeof why, fmt, ap);
    va_end(ap);
    if (s->running)
        hp_external_kill(&s->proc);
    s->running = false;
    copy_cut(s->status->status, sizeof s->status->status, why);
    char tail[1100];
    hp_external_stderr_tail(s->stderr_path, 3, tail, sizeof tail);
    fprintf(stderr, "hotpath run: external source [%s] (%s): %s%s%s; the run goes on without it\n",
            s->decl->name, s->status->file, why, tail[0] ? "; its stderr ends: " : "", tail);
}

/* "key=value" of an answer line, percent-decoded (external_fields.h); false when absent or
 * malformed, which every caller reads as a garbage answer or a line to skip. */
static bool answer_value(const char *line, const char *key, char *out, size_t size)
{
    return hp_external_field(line, strlen(line), key, out, size) == HP_FIELD_FOUND;
}

/* A non-negative decimal number; false for anything else. */
static bool parse_number(const char *text, double *out)
{
    char *end;
    errno = 0;
    double v = strtod(text, &end);
    if (end == text || *end || errno || !isfinite(v) || v < 0)
        return false;
    *out = v;
    return true;
}

/* An optional number of an answer: true with *out unchanged when absent (or "-1" where
 * minus_one_is_absent: the adapter cannot count it), false when malformed or not a number. */
static bool optional_number(const char *line, const char *key, bool minus_one_is_absent,
                            double *out)
{
    char v[64];
    enum hp_field_result r = hp_external_field(line, strlen(line), key, v, sizeof v);
    if (r == HP_FIELD_ABSENT || (r == HP_FIELD_FOUND && minus_one_is_absent && !strcmp(v, "-1")))
        return true;
    return r == HP_FIELD_FOUND && parse_number(v, out);
}

static bool is_ok(const char *line)
{
    return strncmp(line, "ok", 2) == 0 && (line[2] == '\0' || line[2] == ' ');
}

/* ---- sources ---------------------------------------------------------------------------- */

/* {out}: BUILD_DIR/external/NAME beside the running hotpath when writable, else a temporary
 * directory (removed with the results' scratch when the run ends). */
static void out_dir_for(const struct hp_external_source *decl, const char *work_dir, char *out,
                        size_t size)
{
    char exe[4096];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (n > 0) {
        exe[n] = '\0';
        char *slash = strrchr(exe, '/');
        if (slash) {
            *slash = '\0';
            char parent[4200];
            snprintf(parent, sizeof parent, "%.4000s/external", exe);
            mkdir(parent, 0755);
            snprintf(out, size, "%.4100s/%s", parent, decl->name);
            mkdir(out, 0755);
            if (access(out, W_OK) == 0)
                return;
        }
    }
    snprintf(out, size, "%s/external/%s.out", work_dir, decl->name);
    mkdir(out, 0755);
}

static int expand_command(struct source *s, const char *text, const char *out_dir, char *storage,
                          size_t storage_size, char *argv[HP_EXTERNAL_ARGS_MAX])
{
    char expanded[4096];
    struct hp_error err;
    if (hp_external_expand(text, file.dir, out_dir, expanded, sizeof expanded) != 0) {
        source_failed(s, "not run: its command is too long once {dir} and {out} are replaced");
        return -1;
    }
    if (hp_external_split(expanded, storage, storage_size, argv, &err) != 0) {
        source_failed(s, "not run: %s", err.message);
        return -1;
    }
    return 0;
}

static int build_source(struct source *s, const char *out_dir)
{
    char storage[4096], *argv[HP_EXTERNAL_ARGS_MAX];
    if (expand_command(s, s->decl->build, out_dir, storage, sizeof storage, argv) != 0)
        return -1;
    char *output;
    size_t len;
    struct hp_error err;
    double limit = hp_external_limit(BUILD_LIMIT);
    if (hp_external_run_once(argv, file.dir, s->stderr_path, limit, 1 << 20, &output, &len, &err) !=
        0) {
        source_failed(s, "not run: build failed (%s): %s", err.message, s->decl->build);
        return -1;
    }
    free(output);
    return 0;
}

/* hello, then list: the adapter's cases into names[]/lines[]. */
static size_t list_cases(struct source *s, char (*lines)[1024], size_t max)
{
    struct hp_error err;
    if (hp_external_ask(&s->proc, "hello 1", hp_external_limit(HELLO_LIMIT), answer, sizeof answer,
                        &err) != 0) {
        s->running = false;
        source_failed(s, "failed: %s after 'hello 1'", err.message);
        return 0;
    }
    if (!is_ok(answer)) {
        source_failed(s, "failed: %s answer to 'hello 1': \"%.200s\"",
                      strncmp(answer, "error", 5) == 0 ? "an error" : "garbage", answer);
        return 0;
    }
    copy_cut(s->status->facts, sizeof s->status->facts, answer[2] ? answer + 3 : "");
    if (hp_external_ask(&s->proc, "list", hp_external_limit(LIST_LIMIT), answer, sizeof answer,
                        &err) != 0) {
        s->running = false;
        source_failed(s, "failed: %s after 'list'", err.message);
        return 0;
    }
    size_t count = 0;
    while (strncmp(answer, "case ", 5) == 0) {
        if (count < max)
            copy_cut(lines[count++], sizeof lines[0], answer + 5);
        if (hp_external_read_line(&s->proc, hp_external_limit(LIST_LIMIT), answer, sizeof answer,
                                  &err) != 0) {
            s->running = false;
            source_failed(s, "failed: %s during 'list'", err.message);
            return 0;
        }
    }
    if (!is_ok(answer)) {
        source_failed(s, "failed: garbage answer to 'list': \"%.200s\"", answer);
        return 0;
    }
    return count;
}

/* ---- cases ------------------------------------------------------------------------------ */

static int sample_case(void *ctx, uint64_t n, struct hp_external_answer *out, char *why,
                       size_t why_size);

/* The thread counts among the run's C batch cases of `workload` (NULL: of every workload). */
static size_t run_threads(const struct hp_run *run, const char *workload, unsigned *out, size_t max)
{
    size_t count = 0;
    for (size_t i = 0; i < run->case_count; i++) {
        const struct hp_case *c = &run->cases[i];
        if (c->external || c->mode != HP_MODE_BATCH ||
            (workload && strcmp(c->workload->name, workload) != 0))
            continue;
        bool seen = false;
        for (size_t k = 0; k < count; k++)
            seen |= out[k] == c->threads;
        if (!seen && count < max)
            out[count++] = c->threads;
    }
    return count;
}

static bool plan_claims(const struct hp_phase_plan *plan, const char *claim)
{
    if (!plan)
        return false;
    for (size_t p = 0; p < plan->count; p++)
        for (size_t k = 0; k < plan->phases[p].claim_count; k++)
            if (strcmp(plan->phases[p].claims[k], claim) == 0)
                return true;
    return false;
}

static int add_case(struct hp_run *run, struct ext_case *e)
{
    struct hp_case *grown = realloc(run->cases, (run->case_count + 1) * sizeof *grown);
    if (!grown)
        return -1;
    run->cases = grown;
    struct hp_case *c = &run->cases[run->case_count++];
    memset(c, 0, sizeof *c);
    e->workload_decl.name = e->workload;
    c->workload = &e->workload_decl;
    c->threads = e->threads;
    c->mode = HP_MODE_BATCH;
    c->external = &e->ext;
    snprintf(c->name, sizeof c->name, "%s/peer=%s", e->workload, e->ext.peer);
    if (e->threads > 1 || strstr(e->params, "threads="))
        snprintf(c->name + strlen(c->name), sizeof c->name - strlen(c->name), "/threads=%u",
                 e->threads);
    /* Two sources with the same peer beside one workload: the source tells them apart. */
    for (size_t i = 0; i + 1 < run->case_count; i++)
        if (strcmp(run->cases[i].name, c->name) == 0) {
            snprintf(c->name + strlen(c->name), sizeof c->name - strlen(c->name), "/source=%s",
                     e->ext.source);
            break;
        }
    ext_cases[ext_case_count++] = e;
    return 0;
}

/* One `list` line: NAME key=value... -> the cases this run measures of it. */
static int add_listed(struct hp_run *run, const struct hp_phase_plan *plan, struct source *s,
                      const char *line)
{
    char name[160], peer[40] = "", threads[16] = "", workload[128] = "", claim[16] = "",
                    variant[32] = "", needs[64] = "";
    if (sscanf(line, "%159s", name) != 1 || !answer_value(line, "peer", peer, sizeof peer))
        return 0;
    answer_value(line, "threads", threads, sizeof threads);
    answer_value(line, "needs", needs, sizeof needs);
    bool parallel = strcmp(threads, "parallel") == 0;
    unsigned counts[HP_MAX_THREADS];
    size_t count = 0;
    if (answer_value(line, "workload", workload, sizeof workload)) {
        count = run_threads(run, workload, counts, HP_MAX_THREADS);
    } else if (answer_value(line, "claim", claim, sizeof claim) &&
               answer_value(line, "variant", variant, sizeof variant) && plan_claims(plan, claim)) {
        snprintf(workload, sizeof workload, "twin/%s/%s", claim, variant);
        count = run_threads(run, NULL, counts, HP_MAX_THREADS);
    }
    for (size_t k = 0; k < count; k++) {
        if (parallel ? counts[k] < 2 : counts[k] != 1)
            continue;
        if (ext_case_count == sizeof ext_cases / sizeof ext_cases[0])
            return 0;
        struct ext_case *e = calloc(1, sizeof *e);
        if (!e)
            return -1;
        e->src = s;
        snprintf(e->id, sizeof e->id, "c%zu", ext_case_count + 1);
        copy_cut(e->adapter_name, sizeof e->adapter_name, name);
        copy_cut(e->workload, sizeof e->workload, workload);
        e->threads = counts[k];
        e->needs_workloads = strstr(needs, "workloads") != NULL;
        e->needs_expected = strstr(needs, "expected") != NULL;
        if (parallel)
            snprintf(e->params, sizeof e->params, " threads=%u", e->threads);
        e->ext.sample = sample_case;
        e->ext.ctx = e;
        e->ext.source = s->decl->name;
        e->ext.peer = strdup(peer);
        e->ext.claim = claim[0] ? strdup(claim) : NULL;
        e->ext.variant = variant[0] ? strdup(variant) : NULL;
        if (!e->ext.peer || add_case(run, e) != 0)
            return -1;
    }
    return 0;
}

/* `sample ID N`: the answer checked as the protocol says. */
static int sample_case(void *ctx, uint64_t n, struct hp_external_answer *out, char *why,
                       size_t why_size)
{
    struct ext_case *e = ctx;
    struct source *s = e->src;
    if (!s->running) {
        snprintf(why, why_size, "%s", s->status->status);
        return -1;
    }
    char request[96];
    snprintf(request, sizeof request, "sample %s %llu", e->id, (unsigned long long)n);
    double expected_s = (double)n * e->threads * e->last_ns_per_op / 1e9;
    double limit = hp_external_limit(e->last_ns_per_op > 0 ? SAMPLE_BASE_LIMIT + 20 * expected_s
                                                           : FIRST_SAMPLE);
    struct hp_error err;
    if (hp_external_ask(&s->proc, request, limit, answer, sizeof answer, &err) != 0) {
        s->running = false;
        source_failed(s, "failed: %s after '%s'", err.message, request);
        snprintf(why, why_size, "%s", s->status->status);
        return -1;
    }
    if (strncmp(answer, "error ", 6) == 0) {
        snprintf(why, why_size, "%.300s", answer + 6);
        fprintf(stderr,
                "hotpath run: external case %s (source [%s]): '%s' answered: %.300s; the "
                "case is dropped, the run goes on\n",
                e->adapter_name, s->decl->name, request, answer + 6);
        return -1;
    }
    char v[64];
    double ns = 0, cpu = -1, allocs = -1, bytes = -1, ops = 0, wall = 0;
    bool good = is_ok(answer) && answer_value(answer, "ns_per_op", v, sizeof v) &&
                parse_number(v, &ns) && ns > 0 && answer_value(answer, "ops", v, sizeof v) &&
                parse_number(v, &ops) && answer_value(answer, "wall_ns", v, sizeof v) &&
                parse_number(v, &wall) && ops == (double)n * e->threads;
    good = good && optional_number(answer, "cpu_ns_per_op", false, &cpu) &&
           optional_number(answer, "allocs_per_op", true, &allocs) &&
           optional_number(answer, "bytes_per_op", true, &bytes);
    if (!good) {
        source_failed(s, "failed: garbage answer to '%s': \"%.200s\"", request, answer);
        snprintf(why, why_size, "%s", s->status->status);
        return -1;
    }
    e->last_ns_per_op = ns;
    *out = (struct hp_external_answer){
        .ns_per_op = ns,
        .cpu_ns_per_op = cpu,
        .allocs_per_op = allocs,
        .bytes_per_op = bytes,
        .wall_ns = wall,
        .ops = (uint64_t)ops,
    };
    return 0;
}

/* ---- one-shot sources ------------------------------------------------------------------- */

/* The samples of one bench. key into a case with its samples filled. */
static int one_shot_case(struct hp_run *run, struct source *s, const struct hp_external_bench *b,
                         const struct hp_one_shot_sample *samples, size_t count)
{
    struct ext_case *e = calloc(1, sizeof *e);
    if (!e)
        return -1;
    e->src = s;
    copy_cut(e->adapter_name, sizeof e->adapter_name, b->name);
    copy_cut(e->workload, sizeof e->workload, b->workload);
    e->threads = b->threads;
    e->ext.source = s->decl->name;
    e->ext.peer = s->decl->peer;
    if (add_case(run, e) != 0)
        return -1;
    struct hp_case *c = &run->cases[run->case_count - 1];
    size_t n = 0;
    unsigned procs = 0;
    for (size_t i = 0; i < count; i++)
        if (strcmp(samples[i].name, b->name) == 0) {
            if (n > 0 && samples[i].procs != procs) {
                snprintf(c->status, sizeof c->status,
                         "refused: %s ran with two GOMAXPROCS suffixes (-%u, -%u); run it "
                         "with one -cpu value",
                         b->name, procs, samples[i].procs);
                fprintf(stderr, "hotpath run: %s:%u: %s\n", file.path, b->line, c->status);
                return 0;
            }
            procs = samples[i].procs;
            n++;
        }
    if (n == 0) {
        snprintf(c->status, sizeof c->status, "not run: no such benchmark in the output");
        fprintf(stderr, "hotpath run: %s:%u: bench.%s: no such benchmark in the output of [%s]\n",
                file.path, b->line, b->name, s->decl->name);
        return 0;
    }
    if (procs)
        snprintf(e->ext.facts, sizeof e->ext.facts, "gomaxprocs=%u", procs);
    c->ns_per_op = calloc(n, sizeof(double));
    c->ops_per_sec = calloc(n, sizeof(double));
    c->cpu_ns_per_op = calloc(n, sizeof(double));
    c->thread_ops_per_sec = calloc(n * c->threads, sizeof(double));
    if (!c->ns_per_op || !c->ops_per_sec || !c->cpu_ns_per_op || !c->thread_ops_per_sec)
        return -1;
    for (size_t i = 0; i < count; i++) {
        const struct hp_one_shot_sample *x = &samples[i];
        if (strcmp(x->name, b->name) != 0)
            continue;
        unsigned k = c->samples_taken++;
        c->ns_per_op[k] = x->ns;
        c->ops_per_sec[k] = 1e9 / x->ns;
        c->cpu_ns_per_op[k] = x->cpu_ns;
        for (unsigned t = 0; t < c->threads; t++)
            c->thread_ops_per_sec[k * c->threads + t] = NAN;
        if (isnan(x->allocs) || isnan(x->bytes))
            c->allocs_unknown = true;
        else {
            c->allocs.allocs += (uint64_t)llround(x->allocs * x->iterations);
            c->allocs.bytes += (uint64_t)llround(x->bytes * x->iterations);
        }
        c->measured_ops += (uint64_t)x->iterations;
        c->n = (uint64_t)x->iterations;
    }
    return 0;
}

static int run_one_shot(struct hp_run *run, struct source *s, const char *out_dir)
{
    char storage[4096], *argv[HP_EXTERNAL_ARGS_MAX];
    if (expand_command(s, s->decl->command, out_dir, storage, sizeof storage, argv) != 0)
        return 0;
    char *output;
    size_t len;
    struct hp_error err;
    if (hp_external_run_once(argv, file.dir, s->stderr_path, hp_external_limit(ONE_SHOT_LIMIT),
                             ONE_SHOT_OUTPUT, &output, &len, &err) != 0) {
        source_failed(s, "not run: %s failed (%s)", s->decl->command, err.message);
        return 0;
    }
    enum { MAX_SAMPLES = 4096 };
    struct hp_one_shot_sample *samples = calloc(MAX_SAMPLES, sizeof *samples);
    if (!samples) {
        free(output);
        return -1;
    }
    char why[256] = "";
    long count =
        s->decl->protocol == HP_EXTERNAL_GO_BENCH
            ? hp_one_shot_parse_go(output, samples, MAX_SAMPLES, why, sizeof why)
            : hp_one_shot_parse_google_json(output, len, samples, MAX_SAMPLES, why, sizeof why);
    free(output);
    int rc = 0;
    if (count <= 0) {
        source_failed(s, "failed: %s", count < 0 ? why : "no benchmark lines in its output");
    } else {
        snprintf(s->status->status, sizeof s->status->status, "ok");
        for (size_t i = 0; i < s->decl->bench_count && rc == 0; i++)
            rc = one_shot_case(run, s, &s->decl->bench[i], samples, (size_t)count);
    }
    free(samples);
    return rc;
}

/* ---- the run ---------------------------------------------------------------------------- */

static int start_source(struct hp_run *run, const struct hp_phase_plan *plan, struct source *s,
                        const char *work_dir)
{
    const struct hp_external_source *d = s->decl;
    char out_dir[4200];
    if (d->declined_by[0]) {
        const char *value = getenv(d->declined_by);
        if (value && strcmp(value, "1") == 0) {
            snprintf(s->status->status, sizeof s->status->status, "not run: declined (%s=1)",
                     d->declined_by);
            return 0;
        }
    }
    out_dir_for(d, work_dir, out_dir, sizeof out_dir);
    if (d->build[0] && build_source(s, out_dir) != 0)
        return 0;
    if (d->protocol != HP_EXTERNAL_LINE)
        return run_one_shot(run, s, out_dir);
    char storage[4096], *argv[HP_EXTERNAL_ARGS_MAX];
    if (expand_command(s, d->command, out_dir, storage, sizeof storage, argv) != 0)
        return 0;
    struct hp_error err;
    if (hp_external_start(&s->proc, argv, file.dir, s->stderr_path, &err) != 0) {
        source_failed(s, "not run: %s", err.message);
        return 0;
    }
    s->running = true;
    static char lines[LIST_CASES_MAX][1024];
    size_t count = list_cases(s, lines, LIST_CASES_MAX);
    if (!s->running)
        return 0;
    snprintf(s->status->status, sizeof s->status->status, "ok");
    for (size_t i = 0; i < count; i++)
        if (add_listed(run, plan, s, lines[i]) != 0)
            return -1;
    return 0;
}

int hp_external_prepare(struct hp_run *run, const struct hp_phase_plan *plan, const char *work_dir,
                        struct hp_error *err)
{
    char dir[4200];
    snprintf(dir, sizeof dir, "%.4000s/external", work_dir);
    mkdir(dir, 0755);
    run->external = &summary;
    for (size_t i = 0; i < file.count; i++) {
        struct source *s = &sources[source_count++];
        memset(s, 0, sizeof *s);
        s->decl = &file.sources[i];
        s->status = &summary.sources[summary.count++];
        copy_cut(s->status->name, sizeof s->status->name, s->decl->name);
        snprintf(s->status->file, sizeof s->status->file, "%.480s:%u", file.path, s->decl->line);
        snprintf(s->stderr_path, sizeof s->stderr_path, "%.4100s/%s.stderr", dir, s->decl->name);
        printf("external source [%s] (%s): starting\n", s->decl->name, s->status->file);
        fflush(stdout);
        if (start_source(run, plan, s, work_dir) != 0)
            return hp_error_set(err, "external cases: out of memory");
    }
    return 0;
}

/* The expected responses of `workload`, from a set-up C case of it: written once per run. */
static int expected_file(const struct hp_run *run, const char *workload, const char *work_dir,
                         char *path, size_t size, struct hp_error *err)
{
    char name[200];
    hp_expected_responses_name(workload, name, sizeof name);
    snprintf(path, size, "%s/expected/%s", work_dir, name);
    if (access(path, R_OK) == 0)
        return 0;
    for (size_t i = 0; i < run->case_count; i++) {
        const struct hp_case *c = &run->cases[i];
        if (!c->external && strcmp(c->workload->name, workload) == 0 && c->workload->exchanges) {
            char dir[4200];
            snprintf(dir, sizeof dir, "%s/expected", work_dir);
            mkdir(dir, 0755);
            return hp_expected_responses_write(path, c, err);
        }
    }
    return hp_error_set(err, "no case of %s in this run records its responses", workload);
}

/* A `case` request that would not fit its buffer is not sent cut: the case is not run. */
static void not_sent(struct hp_case *c, const char *what)
{
    snprintf(c->status, sizeof c->status, "not run: %s is too long to send", what);
    fprintf(stderr, "hotpath run: external case %s: %s\n", c->name, c->status);
}

static void setup_case(struct hp_run *run, struct hp_case *c, struct ext_case *e,
                       const char *work_dir)
{
    struct source *s = e->src;
    if (!s->running) {
        copy_cut(c->status, sizeof c->status, s->status->status);
        return;
    }
    char request[9000];
    snprintf(request, sizeof request, "case %s %s%s", e->id, e->adapter_name, e->params);
    if (e->needs_workloads) {
        strcat(request, " workloads=");
        if (!hp_external_encode(request, sizeof request, run->config.workloads_dir)) {
            not_sent(c, "the workloads directory's path");
            return;
        }
    }
    if (e->needs_expected) {
        char path[4400];
        struct hp_error err;
        if (expected_file(run, e->workload, work_dir, path, sizeof path, &err) != 0) {
            snprintf(c->status, sizeof c->status, "not run: %.480s", err.message);
            fprintf(stderr, "hotpath run: external case %s: %s\n", c->name, c->status);
            return;
        }
        char absolute[4400];
        if (!realpath(path, absolute))
            copy_cut(absolute, sizeof absolute, path);
        strcat(request, " expected=");
        if (!hp_external_encode(request, sizeof request, absolute)) {
            not_sent(c, "the expected-responses file's path");
            return;
        }
    }
    struct hp_error err;
    if (hp_external_ask(&s->proc, request, hp_external_limit(CASE_LIMIT), answer, sizeof answer,
                        &err) != 0) {
        s->running = false;
        source_failed(s, "failed: %s after 'case %s %s'", err.message, e->id, e->adapter_name);
        copy_cut(c->status, sizeof c->status, s->status->status);
    } else if (strncmp(answer, "error ", 6) == 0) {
        snprintf(c->status, sizeof c->status, "refused: %.400s", answer + 6);
        fprintf(stderr, "hotpath run: external case %s (source [%s]): %s; the run goes on\n",
                c->name, s->decl->name, c->status);
    } else if (!is_ok(answer)) {
        source_failed(s, "failed: garbage answer to 'case %s %s': \"%.200s\"", e->id,
                      e->adapter_name, answer);
        copy_cut(c->status, sizeof c->status, s->status->status);
    } else {
        e->set_up = true;
        copy_cut(e->ext.facts, sizeof e->ext.facts, answer[2] ? answer + 3 : "");
    }
}

void hp_external_setup_cases(struct hp_run *run, const char *work_dir)
{
    for (size_t i = 0; i < run->case_count; i++) {
        struct hp_case *c = &run->cases[i];
        if (c->external && c->external->sample)
            setup_case(run, c, (struct ext_case *)c->external->ctx, work_dir);
    }
}

void hp_external_finish(struct hp_run *run)
{
    for (size_t i = 0; i < run->case_count; i++) {
        struct hp_case *c = &run->cases[i];
        if (!c->external || !c->external->sample)
            continue;
        struct ext_case *e = c->external->ctx;
        /* A case dropped after a failure keeps "failed ..."; a source stopped meanwhile
         * marks the cases it did not finish. */
        if (!c->status[0] && !e->src->running && c->samples_taken < run->config.samples &&
            !run->interrupted)
            copy_cut(c->status, sizeof c->status, e->src->status->status);
        if (!e->set_up || !e->src->running)
            continue;
        char request[64];
        snprintf(request, sizeof request, "done %s", e->id);
        struct hp_error err;
        if (hp_external_ask(&e->src->proc, request, hp_external_limit(DONE_LIMIT), answer,
                            sizeof answer, &err) != 0) {
            e->src->running = false;
            source_failed(e->src, "failed: %s after '%s'", err.message, request);
        }
    }
    for (size_t i = 0; i < source_count; i++)
        if (sources[i].running) {
            int status = hp_external_proc_finish(&sources[i].proc, hp_external_limit(QUIT_LIMIT));
            if (status != 0)
                fprintf(stderr,
                        "hotpath run: external source [%s]: did not exit after 'quit' (stopped; "
                        "its results are kept)\n",
                        sources[i].decl->name);
            sources[i].running = false;
        }
}
