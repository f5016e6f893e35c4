/* Run validity (validity.h). */
#define _GNU_SOURCE
#include "validity.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "timer.h"

void hp_system_paths_default(struct hp_system_paths *p)
{
    const char *proc = getenv("HOTPATH_PROC_DIR"), *sys = getenv("HOTPATH_SYS_DIR");
    snprintf(p->proc, sizeof p->proc, "%s", proc && *proc ? proc : "/proc");
    snprintf(p->sys, sizeof p->sys, "%s", sys && *sys ? sys : "/sys");
}

int hp_system_read(const char *root, const char *sub, char *out, size_t size)
{
    char path[1100];
    snprintf(path, sizeof path, "%s/%s", root, sub);
    FILE *f = fopen(path, "r");
    if (!f)
        return -1;
    size_t n = fread(out, 1, size - 1, f);
    fclose(f);
    out[n] = '\0';
    while (n > 0 && (out[n - 1] == '\n' || out[n - 1] == ' '))
        out[--n] = '\0';
    return n > 0 ? 0 : -1;
}

int hp_cpu_times_read(const struct hp_system_paths *p, struct hp_cpu_times *out)
{
    memset(out, 0, sizeof *out);
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    out->process_cpu_ns = (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
    out->monotonic_ns = (double)hp_monotonic_ns();
    char text[512]; /* the first line is all we need */
    if (hp_system_read(p->proc, "stat", text, sizeof text) != 0 || strncmp(text, "cpu ", 4) != 0)
        return -1;
    unsigned long long f[10] = {0};
    int got = sscanf(text + 4, "%llu %llu %llu %llu %llu %llu %llu %llu %llu %llu", &f[0], &f[1],
                     &f[2], &f[3], &f[4], &f[5], &f[6], &f[7], &f[8], &f[9]);
    if (got < 8)
        return -1;
    /* user nice system idle iowait irq softirq steal [guest guest_nice] */
    out->busy = f[0] + f[1] + f[2] + f[5] + f[6];
    out->steal = f[7];
    out->total = f[0] + f[1] + f[2] + f[3] + f[4] + f[5] + f[6] + f[7];
    out->ok = true;
    return 0;
}

struct hp_validity_window hp_validity_window_between(const struct hp_cpu_times *a,
                                                     const struct hp_cpu_times *b,
                                                     double ticks_per_s)
{
    struct hp_validity_window w = {.known = false};
    w.duration_s = (b->monotonic_ns - a->monotonic_ns) / 1e9;
    if (!a->ok || !b->ok || b->total <= a->total || w.duration_s <= 0 || ticks_per_s <= 0)
        return w;
    double total = (double)(b->total - a->total);
    w.known = true;
    w.steal_share = (double)(b->steal - a->steal) / total;
    double busy_s = (double)(b->busy - a->busy) / ticks_per_s;
    double ours_s = (b->process_cpu_ns - a->process_cpu_ns) / 1e9;
    double others = (busy_s - ours_s) / w.duration_s;
    w.other_load_cpus = others > 0 ? others : 0;
    return w;
}

const char *hp_finding_severity_name(enum hp_finding_severity s)
{
    switch (s) {
    case HP_FINDING_INFO:
        return "info";
    case HP_FINDING_WARNING:
        return "warning";
    case HP_FINDING_UNRELIABLE:
        return "unreliable";
    }
    return "?";
}

void hp_validity_add(struct hp_validity *v, enum hp_finding_severity severity, const char *check,
                     unsigned first_sample, unsigned last_sample, const char *fmt, ...)
{
    if (severity == HP_FINDING_UNRELIABLE)
        v->unreliable = true;
    if (v->finding_count >= HP_VALIDITY_MAX_FINDINGS)
        return;
    struct hp_finding *f = &v->findings[v->finding_count++];
    f->severity = severity;
    snprintf(f->check, sizeof f->check, "%s", check);
    f->first_sample = first_sample;
    f->last_sample = last_sample;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(f->text, sizeof f->text, fmt, ap);
    va_end(ap);
}

static void read_load(const struct hp_system_paths *p, double load[3])
{
    char text[128];
    load[0] = load[1] = load[2] = NAN;
    if (hp_system_read(p->proc, "loadavg", text, sizeof text) == 0 &&
        sscanf(text, "%lf %lf %lf", &load[0], &load[1], &load[2]) != 3)
        load[0] = load[1] = load[2] = NAN;
}

/* cpu0's governor, or "mixed" when another CPU's differs; "" when none is readable. */
static void read_governor(struct hp_validity *v)
{
    v->governor[0] = '\0';
    for (unsigned cpu = 0; cpu < (v->cpus ? v->cpus : 1); cpu++) {
        char sub[96], text[32];
        snprintf(sub, sizeof sub, "devices/system/cpu/cpu%u/cpufreq/scaling_governor", cpu);
        if (hp_system_read(v->paths.sys, sub, text, sizeof text) != 0)
            continue;
        if (!v->governor[0])
            snprintf(v->governor, sizeof v->governor, "%s", text);
        else if (strcmp(v->governor, text) != 0)
            snprintf(v->governor, sizeof v->governor, "mixed");
    }
}

/* The cpufreq boost switch (AMD, acpi-cpufreq), else intel_pstate's no_turbo (inverted). */
static int read_boost(const struct hp_system_paths *p)
{
    char text[16];
    if (hp_system_read(p->sys, "devices/system/cpu/cpufreq/boost", text, sizeof text) == 0)
        return text[0] == '1';
    if (hp_system_read(p->sys, "devices/system/cpu/intel_pstate/no_turbo", text, sizeof text) == 0)
        return text[0] == '0';
    return -1;
}

void hp_validity_begin(struct hp_validity *v, const char *build_type, unsigned cpus)
{
    v->cpus = cpus;
    snprintf(v->build_type, sizeof v->build_type, "%s", build_type ? build_type : "");
    read_governor(v);
    v->boost = read_boost(&v->paths);
    char text[16];
    v->aslr = hp_system_read(v->paths.proc, "sys/kernel/randomize_va_space", text, sizeof text) == 0
                  ? atoi(text)
                  : -1;
    read_load(&v->paths, v->load_start);
    v->load_end[0] = v->load_end[1] = v->load_end[2] = NAN;
}

void hp_validity_add_window(struct hp_validity *v, const struct hp_validity_window *w)
{
    if (v->window_count == v->window_capacity) {
        size_t cap = v->window_capacity ? 2 * v->window_capacity : 64;
        struct hp_validity_window *grown = realloc(v->windows, cap * sizeof *grown);
        if (!grown)
            return;
        v->windows = grown;
        v->window_capacity = cap;
    }
    v->windows[v->window_count++] = *w;
}

static void assess_environment(struct hp_validity *v)
{
    if (v->build_type[0] && strcmp(v->build_type, "Release") != 0)
        hp_validity_add(v, HP_FINDING_UNRELIABLE, "build", 0, 0,
                        "a %s build, not Release: its times measure the build's instrumentation "
                        "and missing optimisation, not the code",
                        v->build_type);
    if (!v->governor[0] && v->boost < 0)
        hp_validity_add(v, HP_FINDING_INFO, "governor", 0, 0,
                        "frequency governor and boost: not readable (no cpufreq under %s; usual "
                        "in a VM, where the host decides)",
                        v->paths.sys);
    else if (v->governor[0] && strcmp(v->governor, "performance") != 0)
        hp_validity_add(v, HP_FINDING_WARNING, "governor", 0, 0,
                        "frequency governor '%s': the clock may change with the load; "
                        "'performance' holds it",
                        v->governor);
    if (v->boost == 1)
        hp_validity_add(v, HP_FINDING_WARNING, "boost", 0, 0,
                        "frequency boost on: one-thread figures depend on temperature and on how "
                        "busy the other cores are");
    if (v->aslr > 0)
        hp_validity_add(v, HP_FINDING_INFO, "aslr", 0, 0,
                        "ASLR on (randomize_va_space %d): the memory layout differs from run to "
                        "run; pooled runs (scripts/ci-compare.sh) average over it",
                        v->aslr);
    else if (v->aslr == 0)
        hp_validity_add(v, HP_FINDING_INFO, "aslr", 0, 0,
                        "ASLR off: every run has one layout, which other machines may not share");
    if (!isnan(v->load_start[0]) && v->load_start[0] > v->cpus)
        hp_validity_add(v, HP_FINDING_WARNING, "load_average", 0, 0,
                        "load average %.2f at the start (%.2f at the end) on %u CPUs: other work "
                        "competed for them",
                        v->load_start[0], v->load_end[0], v->cpus);
}

/* Contiguous runs of windows for which flagged() holds, each reported by report(). */
static void spans(struct hp_validity *v,
                  bool (*flagged)(const struct hp_validity *, const struct hp_validity_window *),
                  void (*report)(struct hp_validity *, size_t first, size_t last))
{
    for (size_t k = 0; k < v->window_count;) {
        if (!v->windows[k].known || !flagged(v, &v->windows[k])) {
            k++;
            continue;
        }
        size_t end = k;
        while (end + 1 < v->window_count && v->windows[end + 1].known &&
               flagged(v, &v->windows[end + 1]))
            end++;
        report(v, k, end);
        k = end + 1;
    }
}

static void sample_range(char *out, size_t size, size_t first, size_t last)
{
    if (first == last)
        snprintf(out, size, "during sample %zu", first + 1);
    else
        snprintf(out, size, "during samples %zu-%zu", first + 1, last + 1);
}

static bool steal_flagged(const struct hp_validity *v, const struct hp_validity_window *w)
{
    (void)v;
    return w->steal_share >= HP_STEAL_WARNING_SHARE;
}

static void steal_report(struct hp_validity *v, size_t first, size_t last)
{
    double stolen = 0, time = 0;
    for (size_t k = first; k <= last; k++) {
        stolen += v->windows[k].steal_share * v->windows[k].duration_s;
        time += v->windows[k].duration_s;
    }
    double share = time > 0 ? stolen / time : 0;
    char range[64];
    sample_range(range, sizeof range, first, last);
    hp_validity_add(
        v, share >= HP_STEAL_UNRELIABLE_SHARE ? HP_FINDING_UNRELIABLE : HP_FINDING_WARNING, "steal",
        (unsigned)first + 1, (unsigned)last + 1,
        "steal %.0f%% %s: the hypervisor ran another guest on our CPUs", 100 * share, range);
}

static bool other_load_flagged(const struct hp_validity *v, const struct hp_validity_window *w)
{
    double free_cpus = (double)v->cpus - v->max_threads;
    return w->other_load_cpus > (free_cpus > 0 ? free_cpus : 0) + 0.5;
}

static void other_load_report(struct hp_validity *v, size_t first, size_t last)
{
    double load = 0, time = 0;
    for (size_t k = first; k <= last; k++) {
        load += v->windows[k].other_load_cpus * v->windows[k].duration_s;
        time += v->windows[k].duration_s;
    }
    char range[64];
    sample_range(range, sizeof range, first, last);
    hp_validity_add(v, HP_FINDING_WARNING, "other_load", (unsigned)first + 1, (unsigned)last + 1,
                    "other processes kept %.1f of %u CPUs busy %s (the cases use up to %u "
                    "thread%s): wall times include waiting for a CPU",
                    time > 0 ? load / time : 0, v->cpus, range, v->max_threads,
                    v->max_threads == 1 ? "" : "s");
}

static void assess_drift(struct hp_validity *v)
{
    for (size_t i = 0; i < v->drift_count; i++) {
        const struct hp_drift_case *d = &v->drift[i];
        if (!(d->ratio > 0))
            continue;
        double away = d->ratio >= 1 ? d->ratio : 1 / d->ratio;
        if (away <= HP_DRIFT_WARNING_RATIO)
            continue;
        hp_validity_add(
            v, away > HP_DRIFT_UNRELIABLE_RATIO ? HP_FINDING_UNRELIABLE : HP_FINDING_WARNING,
            "drift", 0, 0,
            "drift: %s ran x%.3f (%s time, %.4g -> %.4g ns/op) when measured again "
            "after the last round, against its first %d samples: the machine "
            "changed during the run",
            d->name, d->ratio, d->cpu_clock ? "CPU" : "wall", d->early_median_ns, d->late_median_ns,
            HP_DRIFT_SAMPLES);
    }
}

void hp_validity_assess(struct hp_validity *v, unsigned max_threads)
{
    read_load(&v->paths, v->load_end);
    assess_environment(v);
    size_t known = 0;
    for (size_t k = 0; k < v->window_count; k++)
        known += v->windows[k].known;
    if (v->window_count > 0 && known == 0)
        hp_validity_add(v, HP_FINDING_INFO, "steal", 0, 0,
                        "steal and other processes' load: not measured (%s/stat unreadable or "
                        "not ticking)",
                        v->paths.proc);
    v->max_threads = max_threads ? max_threads : 1;
    spans(v, steal_flagged, steal_report);
    spans(v, other_load_flagged, other_load_report);
    assess_drift(v);
}

void hp_validity_free(struct hp_validity *v)
{
    free(v->windows);
    v->windows = NULL;
    v->window_count = v->window_capacity = 0;
}

bool hp_latency_below_resolution(double p50_ns_per_op, unsigned group, double resolution_ns)
{
    if (isnan(p50_ns_per_op))
        return false;
    return p50_ns_per_op < 1 || p50_ns_per_op * (group ? group : 1) < resolution_ns;
}
