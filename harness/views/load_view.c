#include "load_view.h"

#include <jansson.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

enum { SERVERS_MAX = 64, POINTS_MAX = 32 };

static bool is_load(const char *workload)
{
    return strncmp(workload, "load/", 5) == 0;
}

bool hp_load_present(const struct hp_results *r)
{
    for (size_t i = 0; i < r->case_count; i++)
        if (is_load(r->cases[i].workload))
            return true;
    return json_array_size(json_object_get((json_t *)r->json, "declined")) > 0;
}

/* The server a load case loads: "nginx", "h2o", "wrk -> hotpath serve: PHASE", "hotpath serve:
 * PHASE" (or without the phase outside a phase run). */
static void server_label(const char *workload, const char *phase, char *out, size_t size)
{
    if (strncmp(workload, "load/nginx/", 11) == 0)
        snprintf(out, size, "nginx");
    else if (strncmp(workload, "load/h2o/", 9) == 0)
        snprintf(out, size, "h2o");
    else
        snprintf(out, size, "hotpath serve%s%s", phase ? ": " : "", phase ? phase : "");
}

/* "closed/32x1", "open/50pct", "wrk/32x1": the load, without the server. */
static const char *load_kind(const char *workload)
{
    const char *p = workload + 5;
    if (strncmp(p, "nginx/", 6) == 0)
        return p + 6;
    if (strncmp(p, "h2o/", 4) == 0)
        return p + 4;
    return p;
}

static double metric(const struct hp_result_case *c, const char *name)
{
    const struct hp_result_metric *m = hp_result_case_metric(c, name);
    return m ? m->value : NAN;
}

void hp_load_limit(double server_busy, double generator_busy, char *out, size_t size)
{
    if (isnan(server_busy) || isnan(generator_busy)) {
        snprintf(out, size, "%s", "");
        return;
    }
    bool server_full = server_busy >= HP_LOAD_SERVER_BUSY;
    bool generator_full = generator_busy >= HP_LOAD_GENERATOR_BUSY;
    const char *why = server_full && !generator_full ? "server"
                      : server_full                  ? "generator-bound: both sides saturated"
                      : generator_full               ? "generator-bound: the generator saturated"
                                                     : "generator-bound: neither side saturated";
    snprintf(out, size, "%s (server %.0f%%, generator %.0f%%)", why, 100 * server_busy,
             100 * generator_busy);
}

/* The p99 of the server's open loop at half its closed-loop maximum, NAN when not measured. */
static double p99_at_half(const struct hp_results *r, const char *label)
{
    for (size_t i = 0; i < r->case_count; i++) {
        const struct hp_result_case *c = &r->cases[i];
        char other[256];
        if (!is_load(c->workload) || !c->has_latency ||
            strcmp(load_kind(c->workload), "open/50pct"))
            continue;
        server_label(c->workload, c->phase, other, sizeof other);
        if (strcmp(other, label) == 0)
            return c->latency.p99_ns;
    }
    return NAN;
}

/* A number, or "not measured" where the run has none (an open loop not run, an older file). */
static void number_cell(struct hp_table *t, double value, const char *fmt, double shown)
{
    if (isnan(value))
        hp_table_text(t, "%s", "not measured");
    else
        hp_table_number(t, value, fmt, shown);
}

static void closed_row(struct hp_table *t, const struct hp_results *r,
                       const struct hp_result_case *c)
{
    char label[256], limit[160];
    server_label(c->workload, c->phase, label, sizeof label);
    double server_busy = metric(c, "server_cpu_busy"),
           generator_busy = metric(c, "generator_cpu_busy");
    hp_load_limit(server_busy, generator_busy, limit, sizeof limit);
    double errors = metric(c, "load_errors");
    if (errors > 0) /* its figure includes samples that did not finish */
        snprintf(limit + strlen(limit), sizeof limit - strlen(limit), "; %.0f samples FAILED",
                 errors);
    double median = c->summary.median > 0 ? 1e9 / c->summary.median : NAN;
    hp_table_row(t);
    hp_table_text(t, "%s", label);
    if (c->threads > 1)
        hp_table_text(t, "%s, %u generator threads", load_kind(c->workload), c->threads);
    else
        hp_table_text(t, "%s", load_kind(c->workload));
    hp_table_number(t, median, "%.4g [%.4g, %.4g]%s", median, 1e9 / c->summary.ci_high,
                    1e9 / c->summary.ci_low, c->noisy ? " noisy" : "");
    hp_table_text(t, "%s", limit);
    double bytes = metric(c, "response_bytes");
    number_cell(t, bytes, "%.0f", bytes);
    double p99 = p99_at_half(r, label);
    number_cell(t, p99, "%.1f", p99 / 1e3);
    double server_cpu = metric(c, "server_cpu_ns_per_request");
    number_cell(t, server_cpu, "%.2f", server_cpu / 1e3);
    double syscalls = metric(c, "generator_syscalls_per_request");
    number_cell(t, syscalls, "%.2f", syscalls);
}

/* wrk's req/s beside the generator's on the same server and load: load/wrk/CxD beside
 * load/closed/CxD. */
static void wrk_check(struct hp_doc *doc, const struct hp_results *r)
{
    for (size_t i = 0; i < r->case_count; i++) {
        const struct hp_result_case *w = &r->cases[i];
        unsigned connections, depth;
        char closed[64], tail;
        if (sscanf(w->workload, "load/wrk/%ux%u%c", &connections, &depth, &tail) != 2)
            continue;
        snprintf(closed, sizeof closed, "load/closed/%ux%u", connections, depth);
        for (size_t k = 0; k < r->case_count; k++) {
            const struct hp_result_case *g = &r->cases[k];
            if (strcmp(g->workload, closed) != 0 || g->has_latency || g->threads != 1 ||
                (g->phase == NULL) != (w->phase == NULL) ||
                (g->phase && strcmp(g->phase, w->phase)))
                continue;
            double errors = metric(w, "load_errors");
            if (errors > 0) { /* wrk refused or failed: its count is no check of anything */
                hp_doc_para(doc,
                            "wrk against hotpath serve%s%s (%u x %u): %.0f samples FAILED (the "
                            "run's stderr says why): no cross-check.",
                            w->phase ? ": " : "", w->phase ? w->phase : "", connections, depth,
                            errors);
                continue;
            }
            double wrk = 1e9 / w->summary.median, gen = 1e9 / g->summary.median;
            double off = fabs(wrk / gen - 1);
            char limit[160];
            hp_load_limit(metric(w, "server_cpu_busy"), metric(w, "generator_cpu_busy"), limit,
                          sizeof limit);
            hp_doc_para(doc,
                        "wrk against hotpath serve%s%s (%u x %u): %.4g req/s, the generator "
                        "%.4g req/s: %s by %.1f%%. wrk's own figure: %s.",
                        w->phase ? ": " : "", w->phase ? w->phase : "", connections, depth, wrk,
                        gen, off <= 0.10 ? "they agree within 10%" : "they DISAGREE", 100 * off,
                        limit[0] ? limit : "busy not recorded");
        }
    }
}

void hp_load_doc(struct hp_doc *doc, const struct hp_results *r)
{
    hp_doc_heading(doc, 2, "Load: requests over loopback");
    hp_doc_para(doc,
                "Closed loop: C connections x D pipelined requests (a connection sends its "
                "next D once all D are answered, as wrk pipelines), as fast as the server "
                "answers (req/s: median [95%% CI] over the samples). A figure is the "
                "server's only when the server was >= %.0f%% busy and the generator < %.0f%% "
                "(CPU time from /proc over the samples' time); otherwise generator-bound. "
                "p99 at 50%%: the open loop at half the server's closed-loop maximum, "
                "latency from each request's intended send time (wrk2's model), in us. Server "
                "CPU/request: the server's CPU time over the requests it answered in the "
                "samples, whichever side limited the rate: at that cost a fully busy core answers "
                "1 / that many requests a second, so it compares servers even where no figure "
                "is server-bound.",
                100 * HP_LOAD_SERVER_BUSY, 100 * HP_LOAD_GENERATOR_BUSY);
    if (r->floors.syscall_ns > 0) {
        char wakeup[256] = "";
        if (r->floors.wakeup_ns > 0)
            snprintf(wakeup, sizeof wakeup,
                     " A side that sleeps between requests is woken for the next, and a wake-up "
                     "across CPUs costs %.1f us here (floors.wakeup_ns): where neither side "
                     "saturated, those waits limited the figure.",
                     r->floors.wakeup_ns / 1e3);
        hp_doc_para(doc,
                    "A system call costs %.0f ns on this machine (floors.syscall_ns: one "
                    "getppid, entry and exit only). The generator's calls per request (the last "
                    "column: its sends, reads and epoll waits over its responses) times that is "
                    "the least a request costs it before any work. hotpath serve makes about as "
                    "many (a read and a write per batch of requests it reads) at the same price: "
                    "where a system call is dear, the two sides cost about the same per request "
                    "and one generator thread saturates with one server thread, unless the "
                    "pipeline is deep enough (32 x 64) for the calls to weigh little beside the "
                    "server's work.%s",
                    r->floors.syscall_ns, wakeup);
    }
    struct hp_table *t = hp_doc_table(doc);
    hp_table_column(t, "server", "server", 0);
    hp_table_column(t, "load", "load", HP_COLUMN_CODE);
    hp_table_column(t, "req/s [95% CI]", "req_per_s", HP_COLUMN_NUMERIC);
    hp_table_column(t, "limited by", "limited_by", 0);
    hp_table_column(t, "response bytes", "response_bytes", HP_COLUMN_NUMERIC);
    hp_table_column(t, "p99 at 50% (us)", "p99_half_us", HP_COLUMN_NUMERIC);
    hp_table_column(t, "server CPU/request (us)", "server_cpu_us_per_request", HP_COLUMN_NUMERIC);
    hp_table_column(t, "generator syscalls/request", "generator_syscalls_per_request",
                    HP_COLUMN_NUMERIC);
    for (size_t i = 0; i < r->case_count; i++) {
        const struct hp_result_case *c = &r->cases[i];
        if (is_load(c->workload) && !c->has_latency && strstr(c->workload, "/closed/"))
            closed_row(t, r, c);
    }
    json_t *declined = json_object_get((json_t *)r->json, "declined");
    size_t i;
    json_t *d;
    json_array_foreach(declined, i, d)
    {
        const char *workload = json_string_value(json_object_get(d, "workload"));
        if (!workload || !is_load(workload) || !strstr(workload, "/closed/"))
            continue;
        char label[256];
        server_label(workload, json_string_value(json_object_get(d, "phase")), label, sizeof label);
        hp_table_row(t);
        hp_table_text(t, "%s", label);
        hp_table_text(t, "%s", load_kind(workload));
        hp_table_text(t, "%s", json_string_value(json_object_get(d, "status")));
        for (int k = 0; k < 5; k++) /* limited by ... generator syscalls/request */
            hp_table_text(t, "%s", "");
    }
    wrk_check(doc, r);
}

struct point {
    double rate, p99, p50;
};

static int by_rate(const void *a, const void *b)
{
    double x = ((const struct point *)a)->rate, y = ((const struct point *)b)->rate;
    return (x > y) - (x < y);
}

size_t hp_load_hockey_data(FILE *f, const struct hp_results *r, char *titles, size_t size)
{
    char labels[SERVERS_MAX][256];
    size_t servers = 0, used = 0;
    titles[0] = '\0';
    for (size_t i = 0; i < r->case_count && servers < SERVERS_MAX; i++) {
        const struct hp_result_case *c = &r->cases[i];
        if (!is_load(c->workload) || !c->has_latency || strncmp(load_kind(c->workload), "open/", 5))
            continue;
        char label[256];
        server_label(c->workload, c->phase, label, sizeof label);
        bool seen = false;
        for (size_t s = 0; s < servers && !seen; s++)
            seen = strcmp(labels[s], label) == 0;
        if (seen)
            continue;
        snprintf(labels[servers], sizeof labels[servers], "%s", label);
        struct point points[POINTS_MAX];
        size_t n = 0;
        for (size_t k = i; k < r->case_count && n < POINTS_MAX; k++) {
            const struct hp_result_case *o = &r->cases[k];
            char other[256];
            if (!is_load(o->workload) || !o->has_latency ||
                strncmp(load_kind(o->workload), "open/", 5))
                continue;
            server_label(o->workload, o->phase, other, sizeof other);
            if (strcmp(other, label) == 0)
                points[n++] = (struct point){1e9 / o->summary.median, o->latency.p99_ns / 1e3,
                                             o->latency.p50_ns / 1e3};
        }
        qsort(points, n, sizeof points[0], by_rate);
        fprintf(f, "%s", servers ? "\n\n" : "");
        for (size_t p = 0; p < n; p++)
            fprintf(f, "%.6g\t%.6g\t%.6g\n", points[p].rate, points[p].p99, points[p].p50);
        if (used < size)
            used += (size_t)snprintf(titles + used, size - used, "%s", servers ? " " : "");
        for (const char *c = label; *c && used + 3 < size; c++) /* spaces as U+00A0 */
            used += (size_t)snprintf(titles + used, size - used, "%s",
                                     *c == ' ' ? "\xc2\xa0" : (char[2]){*c, 0});
        servers++;
    }
    return servers;
}
