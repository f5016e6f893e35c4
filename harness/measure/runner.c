#define _GNU_SOURCE
#include "runner.h"

#include <errno.h>
#include <math.h>
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <unistd.h>

#include <valgrind/callgrind.h>

#include "profile.h"
#include "progress.h"
#include "rng.h"

volatile sig_atomic_t hp_run_stop_requested;

void hp_run_config_defaults(struct hp_run_config *c)
{
    *c = (struct hp_run_config){
        .target_sample_ns = 10e6,
        .samples = 10,
        .warmup_rounds = 1,
        .latency_group = 0,
        .seed = 1,
    };
}

void hp_case_name(struct hp_case *c)
{
    size_t used = (size_t)snprintf(c->name, sizeof c->name, "%s", c->workload->name);
    for (size_t i = 0; i < hp_workload_param_count(c->workload) && used < sizeof c->name; i++)
        used += (size_t)snprintf(c->name + used, sizeof c->name - used, "/%s=%llu",
                                 c->workload->params[i].name, (unsigned long long)c->param[i]);
    for (int axis = 0; axis < HP_AXIS_COUNT && used < sizeof c->name; axis++)
        if (c->composition.impl[axis])
            used += (size_t)snprintf(c->name + used, sizeof c->name - used, "/%s=%s",
                                     hp_axis_get(axis)->name, c->composition.impl[axis]->name);
    if (used < sizeof c->name)
        used += (size_t)snprintf(c->name + used, sizeof c->name - used, "/threads=%u", c->threads);
    if (c->mode == HP_MODE_LATENCY && used < sizeof c->name)
        used += (size_t)snprintf(c->name + used, sizeof c->name - used, "/latency");
    if (c->cold && used < sizeof c->name)
        used += (size_t)snprintf(c->name + used, sizeof c->name - used, "/cold");
    if (c->phase && used < sizeof c->name)
        snprintf(c->name + used, sizeof c->name - used, "/phase=%s", c->phase);
}

bool hp_case_is_overhead_measure(const struct hp_case *c)
{
    return (c->workload->flags & HP_WORKLOAD_OVERHEAD_PROBE) && c->threads == 1 &&
           c->mode == HP_MODE_BATCH && !c->cold;
}

uint64_t hp_predict_n(uint64_t n, double elapsed_ns, double target_ns)
{
    double next;
    if (elapsed_ns <= 0)
        next = (double)n * 100;
    else
        next = target_ns * 1.2 * (double)n / elapsed_ns;
    if (next > (double)n * 100)
        next = (double)n * 100;
    if (next < (double)n + 1)
        next = (double)n + 1;
    if (next > 1e12)
        next = 1e12;
    uint64_t want = (uint64_t)ceil(next);
    uint64_t base = 1;
    while (base * 10 <= want)
        base *= 10;
    static const uint64_t steps[] = {1, 2, 3, 5, 10};
    for (size_t i = 0; i < sizeof steps / sizeof steps[0]; i++)
        if (base * steps[i] >= want)
            return base * steps[i];
    return base * 10;
}

/* ---- workers ---------------------------------------------------------------------------- */

enum job_kind {
    JOB_THREAD_SETUP,
    JOB_RUN,
    JOB_RUN_COLD,
    JOB_LATENCY,
    JOB_THREAD_TEARDOWN,
    JOB_EXIT
};

struct thread_result {
    uint64_t start_ns, end_ns;
    uint64_t ops; /* done in the sample (run_about's count; else n, or n * group) */
    uint64_t cpu_start_ns, cpu_end_ns; /* this thread's CPU time */
    struct hp_alloc_counts allocs;
    struct hp_perf_values perf;
    int status;
    struct hp_error error;
};

struct worker {
    pthread_t thread;
    unsigned index;
    struct worker_team *team;
    struct hp_perf_group perf;
    struct hp_sampler sampler; /* fd -1 unless the run samples (hp_run_config.sampling) */
    /* Written only by this worker during a job, read by the main thread after the job's
     * completion is signalled under the team mutex (which orders the two). */
    struct thread_result result;
    uint64_t sink;
};

struct worker_team {
    pthread_mutex_t mutex;
    pthread_cond_t wake;
    pthread_cond_t done;
    uint64_t generation; /* bumped for every job; workers wait for it to move */
    enum job_kind kind;
    struct hp_case *job_case;
    uint64_t job_n;
    unsigned participants;
    unsigned pending;
    const struct hp_timer *timer;
    bool count_perf;
    /* hp_run_config.callgrind: the workers switch callgrind's collection on around exactly
     * run(), in every sample (the warm-ups' costs are dumped and discarded before each measured
     * sample, see take_sample). Set before the first job is published under the mutex. */
    bool callgrind;
    /* hp_run_config.sampling, and whether this job is a measured sample to sample (set by the
     * main thread before the job is published under the mutex). */
    const struct hp_sampler_event *sampling;
    bool sample_now;
    /* The start gate: participants spin until all of them arrived, so they start together. On
     * its own line, so spinning on it does not disturb the fields above. */
    _Alignas(64) unsigned arrived;
    _Alignas(64) unsigned worker_count;
    struct worker workers[HP_MAX_THREADS];
};

static void cpu_relax(void)
{
#if defined(__x86_64__) || defined(__i386__)
    __builtin_ia32_pause();
#endif
}

static void start_gate(struct worker_team *team)
{
    unsigned want = team->participants;
    /* acq_rel: the release half publishes this worker's pre-gate reads; the acquire half (and
     * the acquire loads below) orders the timed region after every participant arrived. */
    __atomic_add_fetch(&team->arrived, 1, __ATOMIC_ACQ_REL);
    unsigned spins = 0;
    long cpus = sysconf(_SC_NPROCESSORS_ONLN);
    while (__atomic_load_n(&team->arrived, __ATOMIC_ACQUIRE) < want) {
        /* More participants than CPUs: spinning would keep the missing ones off the CPU. */
        if ((long)want > cpus && ++spins % 64 == 0)
            sched_yield();
        else
            cpu_relax();
    }
}

/* CPU time of the calling thread. A system call (~0.2 us), outside the wall-clock bracket
 * below, once per sample. */
static uint64_t thread_cpu_ns(void)
{
    struct timespec ts;
    if (clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts) != 0)
        return 0;
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* The bracket around every measured region, the same for both modes: all participants start
 * together, then allocation counts, counters and the clock are read as close to the work as
 * possible, in mirror order on the way out. */
static inline void measured_region_begin(struct worker *w, struct hp_alloc_counts *before)
{
    struct thread_result *r = &w->result;
    memset(&r->perf, 0, sizeof r->perf);
    start_gate(w->team);
    hp_alloc_counts_read(before);
    if (w->team->count_perf)
        hp_perf_start(&w->perf);
    r->cpu_start_ns = thread_cpu_ns();
    r->start_ns = hp_monotonic_ns();
}

static inline void measured_region_end(struct worker *w, const struct hp_alloc_counts *before)
{
    struct thread_result *r = &w->result;
    struct hp_alloc_counts after;
    r->end_ns = hp_monotonic_ns();
    r->cpu_end_ns = thread_cpu_ns();
    if (w->team->count_perf)
        hp_perf_stop(&w->perf, &r->perf);
    hp_alloc_counts_read(&after);
    r->allocs = hp_alloc_counts_delta(before, &after);
}

/* Never inlined: profiles cut their call stacks at this frame (profile.h,
 * HP_PROFILE_ROOT_FRAME), whatever calls it. */
__attribute__((noinline)) static void run_batch_job(struct worker *w, struct hp_case *c, uint64_t n)
{
    void *local = c->local[w->index];
    struct hp_alloc_counts before;
    measured_region_begin(w, &before);
    if (w->team->callgrind) {
        /* Collection is per thread in callgrind: each worker counts its own run(). */
        CALLGRIND_TOGGLE_COLLECT;
        w->sink += c->workload->run(local, n);
        CALLGRIND_TOGGLE_COLLECT;
    } else {
        /* A workload that stops early (a load run's time budget) counts its own ops. */
        bool sample = w->team->sample_now;
        if (sample)
            hp_sampler_start(&w->sampler);
        if (c->workload->run_about) {
            w->result.ops = c->workload->run_about(local, n);
            w->sink += w->result.ops;
        } else {
            w->sink += c->workload->run(local, n);
        }
        if (sample)
            hp_sampler_stop(&w->sampler);
    }
    measured_region_end(w, &before);
    if (w->team->sample_now && hp_sampler_drain(&w->sampler, &c->sample_chains[w->index]) != 0)
        c->sample_chains[w->index].lost++; /* out of memory: the sample's chains are lost */
}

/* Cold mode (cold.h): n ops, each one on the next instance of the case's random order, this
 * thread's position carried from sample to sample. */
static void run_cold_job(struct worker *w, struct hp_case *c, uint64_t n)
{
    void **local = c->cold_local + (size_t)w->index * c->cold_instances;
    const uint32_t *visit = c->cold_visit;
    const size_t k = c->cold_instances;
    size_t pos = c->cold_pos[w->index];
    uint64_t (*run)(void *, uint64_t) = c->workload->run;
    struct hp_alloc_counts before;
    measured_region_begin(w, &before);
    for (uint64_t i = 0; i < n; i++) {
        w->sink += run(local[visit[pos]], 1);
        if (++pos == k)
            pos = 0;
    }
    measured_region_end(w, &before);
    c->cold_pos[w->index] = pos;
}

/* Every instance's thread setup (or teardown), on this worker. */
static void cold_thread_job(struct worker *w, struct hp_case *c, bool setup)
{
    struct thread_result *r = &w->result;
    for (size_t k = 0; k < c->cold_instances; k++) {
        void **local = &c->cold_local[(size_t)w->index * c->cold_instances + k];
        if (setup) {
            *local = c->cold_shared[k];
            if (c->workload->thread_setup && r->status == 0)
                r->status =
                    c->workload->thread_setup(c->cold_shared[k], w->index, local, &r->error);
        } else if (c->workload->thread_teardown && *local) {
            c->workload->thread_teardown(*local);
        }
        if (!setup)
            *local = NULL;
    }
    c->local[w->index] = c->cold_local[(size_t)w->index * c->cold_instances];
    if (!setup)
        c->local[w->index] = NULL;
}

static void run_latency_job(struct worker *w, struct hp_case *c, uint64_t groups)
{
    const struct hp_timer *timer = w->team->timer;
    void *local = c->local[w->index];
    struct hp_hdr *hist = &c->thread_latency[w->index];
    uint64_t (*run)(void *, uint64_t) = c->workload->run;
    const unsigned group = c->group;
    const double ns_per_tick_per_op = timer->ns_per_tick / group;
    struct hp_alloc_counts before;
    measured_region_begin(w, &before);
    if (c->workload->run_recorded)
        w->sink += c->workload->run_recorded(local, groups, hist);
    else
        for (uint64_t i = 0; i < groups; i++) {
            uint64_t t0 = hp_timer_read(timer);
            w->sink += run(local, group);
            uint64_t t1 = hp_timer_read(timer);
            hp_hdr_record(hist, (int64_t)((double)(t1 - t0) * ns_per_tick_per_op + 0.5));
        }
    measured_region_end(w, &before);
}

static void do_job(struct worker *w, enum job_kind kind, struct hp_case *c, uint64_t n)
{
    struct thread_result *r = &w->result;
    r->status = 0;
    r->ops = kind == JOB_LATENCY ? n * c->group : n;
    if (c && c->cold_instances > 0 && (kind == JOB_THREAD_SETUP || kind == JOB_THREAD_TEARDOWN)) {
        cold_thread_job(w, c, kind == JOB_THREAD_SETUP);
        return;
    }
    switch (kind) {
    case JOB_THREAD_SETUP:
        c->local[w->index] = c->shared;
        if (c->workload->thread_setup)
            r->status =
                c->workload->thread_setup(c->shared, w->index, &c->local[w->index], &r->error);
        break;
    case JOB_RUN:
        run_batch_job(w, c, n);
        break;
    case JOB_RUN_COLD:
        run_cold_job(w, c, n);
        break;
    case JOB_LATENCY:
        run_latency_job(w, c, n);
        break;
    case JOB_THREAD_TEARDOWN:
        if (c->workload->thread_teardown)
            c->workload->thread_teardown(c->local[w->index]);
        c->local[w->index] = NULL;
        break;
    case JOB_EXIT:
        break;
    }
}

static void pin_worker(unsigned index)
{
    cpu_set_t allowed, one;
    if (sched_getaffinity(0, sizeof allowed, &allowed) != 0)
        return;
    int count = CPU_COUNT(&allowed);
    if (count == 0)
        return;
    int target = (int)(index % (unsigned)count), seen = 0;
    for (int cpu = 0; cpu < CPU_SETSIZE; cpu++) {
        if (!CPU_ISSET(cpu, &allowed))
            continue;
        if (seen++ == target) {
            CPU_ZERO(&one);
            CPU_SET(cpu, &one);
            pthread_setaffinity_np(pthread_self(), sizeof one, &one);
            return;
        }
    }
}

static void *worker_main(void *arg)
{
    struct worker *w = arg;
    struct worker_team *team = w->team;
    uint64_t seen = 0;
    for (;;) {
        pthread_mutex_lock(&team->mutex);
        while (team->generation == seen)
            pthread_cond_wait(&team->wake, &team->mutex);
        seen = team->generation;
        enum job_kind kind = team->kind;
        struct hp_case *c = team->job_case;
        uint64_t n = team->job_n;
        bool participates = w->index < team->participants;
        pthread_mutex_unlock(&team->mutex);

        if (kind == JOB_EXIT)
            return NULL;
        if (participates) {
            do_job(w, kind, c, n);
            pthread_mutex_lock(&team->mutex);
            if (--team->pending == 0)
                pthread_cond_signal(&team->done);
            pthread_mutex_unlock(&team->mutex);
        }
    }
}

/* Runs one job on workers 0..participants-1 and waits for all of them. */
static void team_dispatch(struct worker_team *team, enum job_kind kind, struct hp_case *c,
                          uint64_t n, unsigned participants)
{
    pthread_mutex_lock(&team->mutex);
    team->kind = kind;
    team->job_case = c;
    team->job_n = n;
    team->participants = participants;
    team->pending = participants;
    __atomic_store_n(&team->arrived, 0, __ATOMIC_RELAXED); /* published by the mutex */
    team->generation++;
    pthread_cond_broadcast(&team->wake);
    while (team->pending > 0 && kind != JOB_EXIT)
        pthread_cond_wait(&team->done, &team->mutex);
    pthread_mutex_unlock(&team->mutex);
}

struct pin_request {
    struct worker *w;
    bool pin;
};

static void *worker_entry(void *arg)
{
    struct pin_request req = *(struct pin_request *)arg;
    free(arg);
    if (req.pin)
        pin_worker(req.w->index);
    /* Each worker counts on its own thread: perf groups are per thread. */
    if (req.w->team->count_perf && hp_perf_open(&req.w->perf) != 0)
        req.w->perf.leader_fd = -1;
    /* A worker that cannot open its event samples nothing: its chains stay empty. */
    if (req.w->team->sampling && hp_sampler_open(&req.w->sampler, req.w->team->sampling) != 0)
        req.w->sampler.fd = -1;
    return worker_main(req.w);
}

static int team_start(struct worker_team *team, unsigned count, bool pin,
                      const struct hp_timer *timer, bool count_perf,
                      const struct hp_sampler_event *sampling, struct hp_error *err)
{
    memset(team, 0, sizeof *team);
    pthread_mutex_init(&team->mutex, NULL);
    pthread_cond_init(&team->wake, NULL);
    pthread_cond_init(&team->done, NULL);
    team->timer = timer;
    team->count_perf = count_perf;
    team->sampling = sampling;
    for (unsigned i = 0; i < count; i++) {
        struct worker *w = &team->workers[i];
        w->index = i;
        w->team = team;
        w->perf.leader_fd = -1;
        w->sampler.fd = -1;
        struct pin_request *req = malloc(sizeof *req);
        if (!req)
            return hp_error_set(err, "out of memory starting worker threads");
        *req = (struct pin_request){w, pin};
        int rc = pthread_create(&w->thread, NULL, worker_entry, req);
        if (rc != 0) {
            free(req);
            team->worker_count = i;
            return hp_error_set(err, "cannot start worker thread %u: %s", i, strerror(rc));
        }
        team->worker_count = i + 1;
    }
    return 0;
}

static void team_stop(struct worker_team *team)
{
    team_dispatch(team, JOB_EXIT, NULL, 0, team->worker_count);
    for (unsigned i = 0; i < team->worker_count; i++) {
        pthread_join(team->workers[i].thread, NULL);
        hp_perf_close(&team->workers[i].perf);
        hp_sampler_close(&team->workers[i].sampler);
    }
    pthread_mutex_destroy(&team->mutex);
    pthread_cond_destroy(&team->wake);
    pthread_cond_destroy(&team->done);
}

/* ---- one sample ------------------------------------------------------------------------- */

struct sample {
    double wall_ns;
    double cpu_ns; /* all the case's threads */
    uint64_t ops;  /* all threads */
};

static struct sample take_sample(struct worker_team *team, struct hp_case *c, bool keep)
{
    enum job_kind kind = c->mode == HP_MODE_LATENCY ? JOB_LATENCY
                         : c->cold_instances > 0    ? JOB_RUN_COLD
                                                    : JOB_RUN;
    team->sample_now = keep && team->sampling && kind == JOB_RUN;
    if (c->workload->sample_begin)
        c->workload->sample_begin(c->shared);
    /* Under callgrind, only a dump zeroes a call's count, and only when the call has cost: a dump
     * just before the measured sample (discarded by the readers) takes the warm-ups' costs and
     * calls, which were collected for that reason, so the case's dump holds this sample's. */
    bool dump = keep && team->callgrind;
    if (dump)
        CALLGRIND_DUMP_STATS_AT(HP_PROFILE_DISCARDED_DUMP);
    team_dispatch(team, kind, c, c->n, c->threads);
    if (dump)
        CALLGRIND_DUMP_STATS_AT(c->name); /* this case's count, then zeroed */
    if (c->workload->sample_end)
        c->workload->sample_end(c->shared);
    uint64_t first = UINT64_MAX, last = 0, ops = 0;
    for (unsigned i = 0; i < c->threads; i++) {
        const struct thread_result *r = &team->workers[i].result;
        if (r->start_ns < first)
            first = r->start_ns;
        if (r->end_ns > last)
            last = r->end_ns;
        ops += r->ops;
    }
    struct sample s = {.wall_ns = (double)(last - first), .ops = ops > 0 ? ops : 1};
    if (s.wall_ns <= 0)
        s.wall_ns = 1;
    uint64_t cpu_ns = 0;
    for (unsigned i = 0; i < c->threads; i++) {
        const struct thread_result *r = &team->workers[i].result;
        cpu_ns += r->cpu_end_ns - r->cpu_start_ns;
    }
    /* CPU clocks tick coarser than the wall clock on some kernels: never report zero. */
    s.cpu_ns = cpu_ns > 0 ? (double)cpu_ns : 1.0;
    if (!keep)
        return s;
    unsigned k = c->samples_taken++;
    c->ns_per_op[k] = s.wall_ns / (double)s.ops;
    c->ops_per_sec[k] = (double)s.ops * 1e9 / s.wall_ns;
    c->cpu_ns_per_op[k] = s.cpu_ns / (double)s.ops;
    for (unsigned i = 0; i < c->threads; i++) {
        const struct thread_result *r = &team->workers[i].result;
        double elapsed = (double)(r->end_ns - r->start_ns);
        c->thread_ops_per_sec[k * c->threads + i] =
            elapsed > 0 ? (double)r->ops * 1e9 / elapsed : 0;
        c->allocs.allocs += r->allocs.allocs;
        c->allocs.bytes += r->allocs.bytes;
        c->allocs.frees += r->allocs.frees;
        for (int e = 0; e < HP_PERF_EVENT_COUNT; e++)
            c->perf.value[e] += r->perf.value[e];
    }
    c->measured_ops += s.ops;
    return s;
}

/* One sample of an external case: the program's own figures. A failure drops the case. */
static struct sample take_external_sample(struct hp_case *c, bool keep, unsigned round)
{
    struct sample s = {.wall_ns = 0, .ops = 0};
    if (c->status[0])
        return s;
    struct hp_external_answer a;
    char why[400];
    if (c->external->sample(c->external->ctx, c->n, &a, why, sizeof why) != 0) {
        if (round == 0)
            snprintf(c->status, sizeof c->status, "failed while calibrating: %s", why);
        else
            snprintf(c->status, sizeof c->status, "failed in round %u: %s", round, why);
        c->samples_taken = 0; /* what it measured before is not kept */
        c->measured_ops = 0;
        return s;
    }
    s = (struct sample){.wall_ns = a.wall_ns > 0 ? a.wall_ns : 1, .ops = a.ops};
    if (!keep)
        return s;
    unsigned k = c->samples_taken++;
    c->ns_per_op[k] = a.ns_per_op;
    c->ops_per_sec[k] = 1e9 / a.ns_per_op;
    c->cpu_ns_per_op[k] = a.cpu_ns_per_op > 0 ? a.cpu_ns_per_op : NAN;
    for (unsigned i = 0; i < c->threads; i++)
        c->thread_ops_per_sec[k * c->threads + i] =
            NAN; /* the program reports no per-thread rate */
    if (a.allocs_per_op < 0 || a.bytes_per_op < 0)
        c->allocs_unknown = true;
    else {
        c->allocs.allocs += (uint64_t)llround(a.allocs_per_op * (double)a.ops);
        c->allocs.bytes += (uint64_t)llround(a.bytes_per_op * (double)a.ops);
    }
    c->measured_ops += a.ops;
    return s;
}

/* Latency samples recorded during calibration and warm-up are not results. */
static void reset_latency(struct hp_case *c)
{
    if (c->mode != HP_MODE_LATENCY)
        return;
    for (unsigned i = 0; i < c->threads; i++)
        hp_hdr_reset(&c->thread_latency[i]);
}

static void calibrate(struct worker_team *team, struct hp_case *c, const struct hp_run *run)
{
    const double target = run->config.target_sample_ns;
    enum hp_mode mode = c->mode;
    /* n is found in batch mode for both modes; latency mode then derives its group size and
     * number of groups from the per-op time. */
    if (run->config.fixed_n > 0 && mode == HP_MODE_BATCH) {
        c->n = run->config.fixed_n;
        return;
    }
    c->mode = HP_MODE_BATCH;
    c->n = 1;
    struct sample s;
    for (;;) {
        s = c->external ? take_external_sample(c, false, 0) : take_sample(team, c, false);
        if (s.wall_ns >= target || c->n >= 1000000000000ull || hp_run_stop_requested ||
            c->status[0])
            break;
        c->n = hp_predict_n(c->n, s.wall_ns, target);
    }
    c->mode = mode;
    if (mode != HP_MODE_LATENCY)
        return;
    if (c->workload->run_recorded) {
        c->group = 1; /* the workload times each op itself */
        c->n = c->n > 0 ? c->n : 1;
        return;
    }
    double op_ns = s.wall_ns * c->threads / (double)s.ops;
    double overhead = run->timer.overhead_ns;
    if (run->config.latency_group > 0) {
        c->group = run->config.latency_group;
    } else if (c->workload->latency_group > 0) {
        c->group = c->workload->latency_group;
    } else {
        /* Time enough ops per read pair that the timer's own cost is under a tenth of it. */
        c->group = 1;
        while (c->group < 1024 && (double)c->group * op_ns < 10 * overhead)
            c->group *= 2;
    }
    double group_ns = (double)c->group * op_ns + overhead;
    c->n = (uint64_t)ceil(target / (group_ns > 0 ? group_ns : 1));
    if (c->n < 1)
        c->n = 1;
}

/* ---- the run ---------------------------------------------------------------------------- */

static void on_stop_signal(int sig)
{
    (void)sig;
    hp_run_stop_requested = 1;
}

void hp_run_catch_stop_signals(void)
{
    struct sigaction stop = {.sa_handler = on_stop_signal};
    sigemptyset(&stop.sa_mask);
    hp_run_stop_requested = 0;
    sigaction(SIGINT, &stop, NULL);
    sigaction(SIGTERM, &stop, NULL);
}

/* Cold mode (cold.h): instance 0 is the case's shared state (its setup records the metrics);
 * an instance's size is measured on the second one (so one-time work of the first is not
 * counted); K instances in all, in a random cyclic order. */
static int setup_cold_instances(struct hp_run *run, struct hp_case *c,
                                const struct hp_case_params *params, struct hp_error *err)
{
    if (c->workload->setup(params, &c->shared, err) != 0)
        return -1;
    struct hp_case_params quiet = *params;
    quiet.metrics = NULL;
    void *second = NULL;
    struct hp_alloc_counts before, after;
    uint64_t heap_before = hp_heap_allocated();
    hp_alloc_counts_read(&before);
    if (c->workload->setup(&quiet, &second, err) != 0)
        return -1;
    hp_alloc_counts_read(&after);
    uint64_t heap_after = hp_heap_allocated();
    bool allocated = heap_before > 0 && heap_after > heap_before;
    c->cold_instance_bytes = allocated ? heap_after - heap_before : after.bytes - before.bytes;
    c->cold_bytes_source = allocated ? "allocated" : "requested";
    size_t k = hp_cold_instance_count(run->llc_bytes, c->cold_instance_bytes);
    c->cold_shared = calloc(k, sizeof *c->cold_shared);
    c->cold_local = calloc(k * c->threads, sizeof *c->cold_local);
    c->cold_visit = malloc(k * sizeof *c->cold_visit);
    if (!c->cold_shared || !c->cold_local || !c->cold_visit) {
        if (c->workload->teardown)
            c->workload->teardown(second);
        return hp_error_set(err, "out of memory for %zu instances", k);
    }
    c->cold_shared[0] = c->shared;
    c->cold_shared[1] = second;
    c->cold_instances = 2;
    for (; c->cold_instances < k; c->cold_instances++)
        if (c->workload->setup(&quiet, &c->cold_shared[c->cold_instances], err) != 0)
            return -1;
    struct hp_rng rng;
    hp_rng_seed(&rng, run->config.seed ^ 0x636f6c64u);
    for (size_t i = 0; i < k; i++)
        c->cold_visit[i] = (uint32_t)i;
    for (size_t i = k; i > 1; i--) {
        size_t j = (size_t)hp_rng_below(&rng, i);
        uint32_t t = c->cold_visit[i - 1];
        c->cold_visit[i - 1] = c->cold_visit[j];
        c->cold_visit[j] = t;
    }
    for (unsigned t = 0; t < c->threads; t++) /* the threads spread over the cycle */
        c->cold_pos[t] = k * t / c->threads;
    c->cold_exceeds_llc = (uint64_t)k * c->cold_instance_bytes > run->llc_bytes;
    if (!c->cold_exceeds_llc && c->cold_instance_bytes > 0) /* a probe holds no data */
        hp_validity_add(&run->validity, HP_FINDING_WARNING, "cold", 0, 0,
                        "cold: %s's %zu instances of %llu bytes (%s) hold %llu bytes, not above "
                        "the last-level cache's %llu: its data may stay in cache",
                        c->name, k, (unsigned long long)c->cold_instance_bytes,
                        c->cold_bytes_source, (unsigned long long)(k * c->cold_instance_bytes),
                        (unsigned long long)run->llc_bytes);
    return 0;
}

static int setup_case(struct worker_team *team, struct hp_case *c, struct hp_run *run,
                      struct hp_error *err)
{
    struct hp_case_params params = {
        .composition = &c->composition,
        .threads = c->threads,
        .seed = run->config.seed,
        .workloads_dir = run->config.workloads_dir,
        .metrics = &c->metrics,
    };
    memcpy(params.param, c->param, sizeof params.param);
    if (c->external && !c->external->sample)
        return 0; /* one-shot: measured already */
    c->ns_per_op = calloc(run->config.samples, sizeof(double));
    c->ops_per_sec = calloc(run->config.samples, sizeof(double));
    c->cpu_ns_per_op = calloc(run->config.samples, sizeof(double));
    c->thread_ops_per_sec = calloc((size_t)run->config.samples * c->threads, sizeof(double));
    if (!c->ns_per_op || !c->ops_per_sec || !c->thread_ops_per_sec || !c->cpu_ns_per_op)
        return hp_error_set(err, "%s: out of memory", c->name);
    if (c->mode == HP_MODE_LATENCY) {
        for (unsigned i = 0; i < c->threads; i++) {
            if (hp_hdr_init(&c->thread_latency[i], HP_LATENCY_LOWEST_NS, HP_LATENCY_HIGHEST_NS,
                            HP_LATENCY_SIGFIGS, err) != 0)
                return -1;
        }
        if (hp_hdr_init(&c->latency, HP_LATENCY_LOWEST_NS, HP_LATENCY_HIGHEST_NS,
                        HP_LATENCY_SIGFIGS, err) != 0)
            return -1;
        c->has_latency = true;
    }
    if (c->external)
        return 0; /* set up by its program (the caller) */
    struct hp_error inner;
    inner.message[0] = '\0';
    int rc = c->cold ? setup_cold_instances(run, c, &params, &inner)
                     : c->workload->setup(&params, &c->shared, &inner);
    if (rc == HP_SETUP_DECLINED) {
        snprintf(c->status, sizeof c->status, "not run: %.*s", (int)sizeof c->status - 16,
                 inner.message);
        c->shared = NULL;
        return 0;
    }
    if (rc != 0)
        return hp_error_set(err, "%s: %s", c->name, inner.message);
    team_dispatch(team, JOB_THREAD_SETUP, c, 0, c->threads);
    for (unsigned i = 0; i < c->threads; i++)
        if (team->workers[i].result.status != 0)
            return hp_error_set(err, "%s: thread %u: %s", c->name, i,
                                team->workers[i].result.error.message);
    return 0;
}

static void teardown_case(struct worker_team *team, struct hp_case *c, bool threads_ready)
{
    if (c->external || (c->status[0] && !c->shared))
        return; /* external, or declined at setup: nothing was set up */
    if (threads_ready)
        team_dispatch(team, JOB_THREAD_TEARDOWN, c, 0, c->threads);
    if (c->cold_shared) {
        for (size_t k = 1; k < c->cold_instances; k++) /* [0] is c->shared */
            if (c->workload->teardown && c->cold_shared[k])
                c->workload->teardown(c->cold_shared[k]);
        free(c->cold_shared);
        free(c->cold_local);
        free(c->cold_visit);
        c->cold_shared = c->cold_local = NULL;
        c->cold_visit = NULL;
    }
    if (c->workload->teardown && c->shared)
        c->workload->teardown(c->shared);
    c->shared = NULL;
}

static void shuffle(size_t *order, size_t count, struct hp_rng *rng)
{
    for (size_t i = count; i > 1; i--) {
        size_t j = (size_t)hp_rng_below(rng, i);
        size_t t = order[i - 1];
        order[i - 1] = order[j];
        order[j] = t;
    }
}

static double wall_clock_s(void)
{
    struct timeval tv;
    gettimeofday(&tv, NULL);
    return (double)tv.tv_sec + (double)tv.tv_usec / 1e6;
}

void hp_run_measure_machine(struct hp_run *run)
{
    hp_timer_init(&run->timer, run->config.force_monotonic);
    hp_floors_measure(&run->floors);
    run->perf_available = hp_perf_probe(&run->perf_why);
    run->machine_measured = true;
}

/* The worker threads of the run being set up or measured: one run at a time per process. */
static struct worker_team run_team;

int hp_run_setup(struct hp_run *run, struct hp_error *err)
{
    const struct hp_run_config *cfg = &run->config;
    unsigned max_threads = 1;
    for (size_t i = 0; i < run->case_count; i++) {
        if (run->cases[i].threads > HP_MAX_THREADS)
            return hp_error_set(err, "%s: at most %d threads", run->cases[i].name, HP_MAX_THREADS);
        if (run->cases[i].threads > max_threads)
            max_threads = run->cases[i].threads;
    }

    run->started_epoch_s = wall_clock_s();
    run->started_ns = hp_monotonic_ns();
    run->harness_overhead_ns = -1;
    run->interrupted = false;
    if (!run->machine_measured)
        hp_run_measure_machine(run);
    if (!run->validity.paths.proc[0])
        hp_system_paths_default(&run->validity.paths);
    long cpus = sysconf(_SC_NPROCESSORS_ONLN);
    hp_validity_begin(&run->validity, cfg->build_type, cpus > 0 ? (unsigned)cpus : 1);
    bool cold = false;
    for (size_t i = 0; i < run->case_count; i++)
        cold |= run->cases[i].cold;
    if (cold && hp_llc_detect(&run->validity.paths, cfg->llc_bytes, &run->llc_bytes,
                              run->llc_source, sizeof run->llc_source) != 0)
        return hp_error_set(err,
                            "--cache cold needs the size of the last-level cache: none "
                            "under %s/devices/system/cpu/cpu0/cache/ and the CPU reports "
                            "none; give it with --llc-size",
                            run->validity.paths.sys);

    if (team_start(&run_team, max_threads, cfg->pin, &run->timer, run->perf_available,
                   cfg->sampling, err) != 0) {
        team_stop(&run_team);
        return -1;
    }
    run_team.callgrind = cfg->callgrind;

    for (size_t ready = 0; ready < run->case_count; ready++) {
        if (setup_case(&run_team, &run->cases[ready], run, err) != 0) {
            teardown_case(&run_team, &run->cases[ready], false);
            for (size_t i = 0; i < ready; i++)
                teardown_case(&run_team, &run->cases[i], true);
            team_stop(&run_team);
            return -1;
        }
    }
    run->set_up = true;
    return 0;
}

/* One round: a sample of every case, in `order`. */
static void run_round(struct hp_run *run, const size_t *order, unsigned round, bool keep,
                      struct hp_progress *progress)
{
    for (size_t k = 0; k < run->case_count && !hp_run_stop_requested; k++) {
        struct hp_case *c = &run->cases[order[k]];
        hp_progress_step(progress, c->name, keep ? "measuring" : "warming up");
        if (round == run->config.warmup_rounds)
            reset_latency(c); /* the latency histogram holds measured rounds only */
        if (c->external && !c->external->sample)
            continue; /* one-shot: measured before the rounds */
        if (c->external)
            take_external_sample(c, keep, round + 1);
        else if (!c->status[0])
            take_sample(&run_team, c, keep);
    }
}

static int compare_doubles(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static double median_of(double *v, size_t n)
{
    qsort(v, n, sizeof *v, compare_doubles);
    return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

/* The drift check (validity.h): the first warm batch cases of the first measured round (a cold
 * case's figures vary with where its instances landed), one-thread ones when there are any,
 * measured
 * again HP_DRIFT_SAMPLES times after the last round (not kept as samples), against their first
 * HP_DRIFT_SAMPLES samples; one-thread cases in CPU time, as the gate compares them. */
static void check_drift(struct hp_run *run, const size_t *first_order)
{
    struct hp_validity *v = &run->validity;
    struct hp_case *chosen[HP_DRIFT_MAX_CASES];
    size_t n = 0;
    /* One-thread cases first (CPU time: other tenants barely move it), others only without. */
    for (int pass = 0; pass < 2 && n == 0; pass++)
        for (size_t k = 0; k < run->case_count && n < HP_DRIFT_MAX_CASES; k++) {
            struct hp_case *c = &run->cases[first_order[k]];
            if (!c->external && !c->status[0] && c->mode == HP_MODE_BATCH && !c->cold &&
                c->samples_taken >= HP_DRIFT_SAMPLES && (pass == 1 || c->threads == 1))
                chosen[n++] = c;
        }
    double late[HP_DRIFT_MAX_CASES][HP_DRIFT_SAMPLES];
    for (unsigned s = 0; s < HP_DRIFT_SAMPLES && !hp_run_stop_requested; s++)
        for (size_t i = 0; i < n; i++) {
            struct sample x = take_sample(&run_team, chosen[i], false);
            late[i][s] = (chosen[i]->threads == 1 ? x.cpu_ns : x.wall_ns) / (double)x.ops;
        }
    if (hp_run_stop_requested)
        return;
    v->drift_checked = true;
    for (size_t i = 0; i < n; i++) {
        struct hp_drift_case *d = &v->drift[v->drift_count++];
        const struct hp_case *c = chosen[i];
        double early[HP_DRIFT_SAMPLES];
        d->cpu_clock = c->threads == 1;
        for (unsigned s = 0; s < HP_DRIFT_SAMPLES; s++)
            early[s] = d->cpu_clock ? c->cpu_ns_per_op[s] : c->ns_per_op[s];
        snprintf(d->name, sizeof d->name, "%s", c->name);
        d->early_median_ns = median_of(early, HP_DRIFT_SAMPLES);
        d->late_median_ns = median_of(late[i], HP_DRIFT_SAMPLES);
        d->ratio = d->late_median_ns / d->early_median_ns;
    }
}

/* Labels a latency case whose median the timer cannot resolve (validity.h). */
static void check_resolution(struct hp_run *run, struct hp_case *c)
{
    if (hp_hdr_total_count(&c->latency) == 0)
        return;
    double p50 = (double)hp_hdr_value_at_percentile(&c->latency, 50);
    c->below_resolution = hp_latency_below_resolution(p50, c->group, run->timer.resolution_ns);
    if (c->below_resolution)
        hp_validity_add(&run->validity, HP_FINDING_WARNING, "below_resolution", 0, 0,
                        "below resolution: %s's latency median, %.0f ns per op in groups of %u, "
                        "is under what the timer resolves (%.3g ns per read, 1 ns per recorded "
                        "value): its percentiles are not measurements",
                        c->name, p50, c->group, run->timer.resolution_ns);
}

static unsigned max_case_threads(const struct hp_run *run)
{
    unsigned most = 1;
    for (size_t i = 0; i < run->case_count; i++)
        if (run->cases[i].threads > most)
            most = run->cases[i].threads;
    return most;
}

int hp_run_execute(struct hp_run *run, struct hp_error *err)
{
    if (!run->set_up && hp_run_setup(run, err) != 0)
        return -1;
    run->set_up = false; /* every case is torn down at the end */
    const struct hp_run_config *cfg = &run->config;
    uint64_t started_ns = run->started_ns;

    struct hp_progress progress;
    hp_progress_begin(&progress, cfg->quiet,
                      run->case_count * (1 + (size_t)cfg->warmup_rounds + cfg->samples));

    for (size_t i = 0; i < run->case_count && !hp_run_stop_requested; i++) {
        hp_progress_step(&progress, run->cases[i].name, "calibrating");
        if (!run->cases[i].status[0] &&
            !(run->cases[i].external && !run->cases[i].external->sample))
            calibrate(&run_team, &run->cases[i], run);
    }

    size_t *order = malloc(run->case_count * sizeof *order);
    size_t *first_order = malloc(run->case_count * sizeof *first_order);
    struct hp_rng rng;
    hp_rng_seed(&rng, cfg->seed);
    for (size_t i = 0; i < run->case_count; i++)
        order[i] = first_order[i] = i;
    unsigned rounds = cfg->warmup_rounds + cfg->samples;
    for (unsigned round = 0; round < rounds && !hp_run_stop_requested; round++) {
        bool keep = round >= cfg->warmup_rounds;
        shuffle(order, run->case_count, &rng);
        if (round == cfg->warmup_rounds)
            memcpy(first_order, order, run->case_count * sizeof *order);
        struct hp_cpu_times before, after;
        hp_cpu_times_read(&run->validity.paths, &before);
        run_round(run, order, round, keep, &progress);
        hp_cpu_times_read(&run->validity.paths, &after);
        if (keep && !hp_run_stop_requested) {
            struct hp_validity_window w =
                hp_validity_window_between(&before, &after, (double)sysconf(_SC_CLK_TCK));
            hp_validity_add_window(&run->validity, &w);
        }
    }
    free(order);
    hp_progress_end(&progress);
    run->interrupted = hp_run_stop_requested != 0;
    if (!run->interrupted && !cfg->callgrind)
        check_drift(run, first_order);
    free(first_order);

    for (size_t i = 0; i < run->case_count; i++) {
        struct hp_case *c = &run->cases[i];
        if (c->samples_taken > 0) {
            hp_summarize(c->ns_per_op, c->samples_taken, 0.95, &c->summary);
            c->noisy = hp_summary_is_noisy(&c->summary, HP_NOISE_DEFAULT_RELATIVE_CI_WIDTH);
        }
        c->perf_ok = run->perf_available && !c->external;
        if (c->external)
            continue;
        if (c->mode == HP_MODE_LATENCY)
            for (unsigned t = 0; t < c->threads; t++)
                hp_hdr_merge(&c->latency, &c->thread_latency[t]);
        if (c->mode == HP_MODE_LATENCY)
            check_resolution(run, c);
        if (hp_case_is_overhead_measure(c) && c->samples_taken > 0)
            run->harness_overhead_ns = c->summary.median;
        if (c->status[0] && !c->shared)
            continue; /* declined at setup */
        /* report comes after thread_teardown: per-thread figures are folded in there. */
        team_dispatch(&run_team, JOB_THREAD_TEARDOWN, c, 0, c->threads);
        if (c->workload->report)
            c->workload->report(c->shared, &c->metrics);
        teardown_case(&run_team, c, false);
    }
    team_stop(&run_team);
    run->duration_s = (double)(hp_monotonic_ns() - started_ns) / 1e9;
    if (!cfg->callgrind)
        hp_validity_assess(&run->validity, max_case_threads(run));
    return 0;
}

void hp_run_release(struct hp_run *run)
{
    hp_validity_free(&run->validity);
    for (size_t i = 0; i < run->case_count; i++) {
        struct hp_case *c = &run->cases[i];
        free(c->ns_per_op);
        free(c->ops_per_sec);
        free(c->thread_ops_per_sec);
        free(c->cpu_ns_per_op);
        c->ns_per_op = c->ops_per_sec = c->thread_ops_per_sec = c->cpu_ns_per_op = NULL;
        for (unsigned t = 0; t < c->threads && t < HP_MAX_THREADS; t++)
            hp_sample_chains_free(&c->sample_chains[t]);
        if (c->has_latency) {
            for (unsigned t = 0; t < c->threads; t++)
                hp_hdr_destroy(&c->thread_latency[t]);
            hp_hdr_destroy(&c->latency);
            c->has_latency = false;
        }
    }
}
