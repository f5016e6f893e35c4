/* Queue workloads (claim C12): 64-bit items handed from producer threads to consumer threads
 * through the queue chosen on the queue axis (impls/queues/queue.h), in rings of 1024 slots.
 *
 * An op is one item handed over: ns/op is the time per item and ops/s the items per second,
 * over all the case's threads. Threads come in pairs, the even one producing and the odd one
 * consuming, so a case needs an even thread count (1 becomes 2). Each thread moves 2 items per
 * op, so both sides of a pair together count each item once.
 *   queue/spsc/WAIT       each pair its own queue, made for one producer and one consumer.
 *   queue/mpmc/WAIT       one queue for all: T/2 producers and T/2 consumers. Only for queues
 *                         that take many of each (an SPSC ring is refused, not measured).
 *   queue/pingpong/WAIT   one item there and back through two queues, one at a time: a round
 *                         trip is two ops, so ns/op is the one-way handoff; latency mode times
 *                         each round trip (groups of one).
 *   queue/burst8/WAIT, queue/burst64/WAIT   the producer pushes a burst of 8 (64) items, then
 *                         waits for the consumer's acknowledgement (one item back on a second
 *                         queue, not counted) before the next; a burst of 1 is queue/pingpong.
 * WAIT is how a thread waits for room or for an item, part of every case's name: `spin` polls
 * try_push / try_pop (every queue), `block` sleeps in push / pop (queues flagged
 * HP_QUEUE_BLOCKING). Compare like with like: mutex_queue blocking against a ring spinning is a
 * two-decision row (the lock and the wait). A spinning case refuses more threads than the CPUs
 * the process may use: a spinner would hold the CPU its peer needs.
 *
 * Metrics: handoff_p50_ns / handoff_p99_ns / handoff_samples: from the push of an item to its
 * pop, for every 256th item a producer sends (it carries the producer's latency-timer reading
 * instead of a sequence number; the TSC is invariant and shared by all CPUs when the timer uses
 * it). In a saturated stream that is mostly the wait in the ring, up to its capacity times the
 * time per item. The figures cover every sample after calibration, warm-up included.
 * queue_capacity: the items a queue holds. pinned: 1 when every thread of the case is pinned to
 * one CPU (run --pin), and then producer_cpu, consumer_cpu: the first pair's CPUs, and
 * same_core: whether they share a core (one CPU, or SMT siblings) or are two.
 * line_handoff_ns: a cache line passed between the first pair's two threads (half a round trip,
 * as the run's floors.handoff_ns), measured by the pair itself after the case's samples. Every
 * figure here is a multiple of it, and it is the machine's, not the queue's: on a virtual machine
 * the host may place the two CPUs near (one L3) or far, and move them between runs (3x apart
 * on the machine the README's figures come from), so figures of two runs compare only when
 * their line_handoff_ns (and floors.handoff_ns) agree; `hotpath compare` warns when they don't.
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <sched.h>
#include <stdalign.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "queues/queue.h"
#include "runner.h"
#include "alloc_count.h"
#include "workload.h"

enum { QUEUE_SLOTS = 1024, STAMP_EVERY = 256, PROBE_BATCHES = 21, PROBE_ROUNDS = 100 };
#define STAMP_BIT (1ull << 63) /* an item carrying a timer reading, not a sequence number */

enum shape { SHAPE_PAIRS, SHAPE_SHARED, SHAPE_PINGPONG, SHAPE_BURST };
enum wait { WAIT_SPIN, WAIT_BLOCK };

struct queue_kind {
    const char *name;
    enum shape shape;
    enum wait wait;
    unsigned burst; /* SHAPE_BURST: items per burst */
};

struct queue_case;

struct queue_thread {
    alignas(64) const struct hp_queue_ops *ops;
    struct hp_queue *out; /* where this thread pushes, or NULL */
    struct hp_queue *in;  /* where it pops, or NULL */
    unsigned index;       /* the runner's worker index: 0 and 1 are the first pair */
    bool producer;
    unsigned burst;
    uint64_t seq;    /* producer: items sent so far, over every run */
    uint64_t last_n; /* consumer: the n of its previous run (changes while calibrating) */
    const struct hp_timer *timer;
    struct hp_hdr handoff; /* consumer: push-to-pop times of stamped items, in ns */
    struct queue_case *owner;
};

struct queue_case {
    const struct queue_kind *kind;
    const struct hp_queue_ops *ops;
    unsigned threads;
    struct hp_queue **queues;
    size_t queue_count;
    int *cpu; /* [threads]: the one CPU a thread is pinned to, or -1 */
    pthread_mutex_t merge_lock;
    struct hp_hdr handoff;  /* every consumer's, merged at thread teardown */
    uint64_t *probe_turn;   /* its own line: passed between the first pair at thread teardown */
    double line_handoff_ns; /* that probe's result; < 0 until measured */
};

/* The latency timer of the handoff stamps: calibrated once per process. */
static struct hp_timer stamp_timer;
static pthread_once_t stamp_timer_once = PTHREAD_ONCE_INIT;

static void stamp_timer_init(void)
{
    hp_timer_init(&stamp_timer, false);
}

static int cpus_allowed(void)
{
    cpu_set_t set;
    if (sched_getaffinity(0, sizeof set, &set) != 0)
        return 1;
    return CPU_COUNT(&set);
}

static void queue_teardown(void *shared)
{
    struct queue_case *c = shared;
    for (size_t i = 0; i < c->queue_count; i++)
        c->ops->destroy(c->queues[i]);
    free(c->queues);
    free(c->cpu);
    free(c->probe_turn);
    hp_hdr_destroy(&c->handoff);
    pthread_mutex_destroy(&c->merge_lock);
    free(c);
}

static int queue_setup(const struct queue_kind *kind, const struct hp_case_params *params,
                       void **shared, struct hp_error *err)
{
    const struct hp_impl_info *info = params->composition->impl[HP_AXIS_QUEUE];
    if (!info)
        return hp_error_set(err, "%s: no queue implementation chosen (--queue NAME)", kind->name);
    unsigned threads = params->threads < 2 ? 2 : params->threads;
    if (threads % 2)
        return hp_error_set(err,
                            "%s: %u threads: queue workloads run producer/consumer pairs, so "
                            "they need an even thread count",
                            kind->name, threads);
    int cpus = cpus_allowed();
    if (kind->wait == WAIT_SPIN && (int)threads > cpus)
        return hp_error_set(err,
                            "%s: %u spinning threads, but this process may run on %d CPUs: a "
                            "spinner would hold the CPU its peer needs; run the block variant "
                            "or at most %d threads",
                            kind->name, threads, cpus, cpus - cpus % 2);
    struct queue_case *c = calloc(1, sizeof *c);
    if (!c)
        return hp_error_set(err, "%s: out of memory", kind->name);
    c->kind = kind;
    c->ops = hp_queue_ops_of(info);
    c->threads = threads;
    c->line_handoff_ns = -1;
    pthread_mutex_init(&c->merge_lock, NULL);
    unsigned pairs = threads / 2;
    size_t wanted = kind->shape == SHAPE_SHARED  ? 1
                    : kind->shape == SHAPE_PAIRS ? pairs
                                                 : 2 * pairs;
    c->queues = calloc(wanted, sizeof *c->queues);
    c->cpu = calloc(threads, sizeof *c->cpu);
    c->probe_turn = aligned_alloc(64, 64);
    if (c->probe_turn)
        *c->probe_turn = 0;
    if (!c->queues || !c->cpu || !c->probe_turn ||
        hp_hdr_init(&c->handoff, HP_LATENCY_LOWEST_NS, HP_LATENCY_HIGHEST_NS, HP_LATENCY_SIGFIGS,
                    err) != 0) {
        queue_teardown(c);
        return hp_error_set(err, "%s: out of memory", kind->name);
    }
    struct hp_queue_config config = {.capacity = QUEUE_SLOTS, .producers = 1, .consumers = 1};
    if (kind->shape == SHAPE_SHARED)
        config.producers = config.consumers = pairs;
    /* What the queues hold (workload.h): their rings, per queue. */
    bool window = params->metrics && hp_alloc_held_begin() == 0;
    for (; c->queue_count < wanted; c->queue_count++)
        if (!(c->queues[c->queue_count] = c->ops->create(&config, err)))
            break;
    struct hp_alloc_held held;
    if (window)
        hp_alloc_held_end(&held);
    if (c->queue_count < wanted) {
        queue_teardown(c);
        return -1;
    }
    if (window)
        hp_metrics_add_held(params->metrics, &held, "queue", wanted);
    pthread_once(&stamp_timer_once, stamp_timer_init);
    *shared = c;
    return 0;
}

static int queue_thread_setup(void *shared, unsigned index, void **local, struct hp_error *err)
{
    struct queue_case *c = shared;
    struct queue_thread *t = aligned_alloc(64, sizeof *t);
    if (!t)
        return hp_error_set(err, "%s: out of memory", c->kind->name);
    unsigned pair = index / 2;
    bool producer = index % 2 == 0;
    *t = (struct queue_thread){.ops = c->ops,
                               .index = index,
                               .producer = producer,
                               .burst = c->kind->burst,
                               .last_n = UINT64_MAX,
                               .timer = &stamp_timer,
                               .owner = c};
    switch (c->kind->shape) {
    case SHAPE_PAIRS:
    case SHAPE_SHARED: {
        struct hp_queue *q = c->queues[c->kind->shape == SHAPE_PAIRS ? pair : 0];
        if (producer)
            t->out = q;
        else
            t->in = q;
        break;
    }
    case SHAPE_PINGPONG:
    case SHAPE_BURST:
        t->out = c->queues[2 * pair + !producer];
        t->in = c->queues[2 * pair + producer];
        break;
    }
    if (!producer && hp_hdr_init(&t->handoff, HP_LATENCY_LOWEST_NS, HP_LATENCY_HIGHEST_NS,
                                 HP_LATENCY_SIGFIGS, err) != 0) {
        free(t);
        return -1;
    }
    cpu_set_t set;
    c->cpu[index] = -1;
    if (sched_getaffinity(0, sizeof set, &set) == 0 && CPU_COUNT(&set) == 1)
        for (int cpu = 0; cpu < CPU_SETSIZE; cpu++)
            if (CPU_ISSET(cpu, &set))
                c->cpu[index] = cpu;
    *local = t;
    return 0;
}

/* ---- the measured loops ----------------------------------------------------------------- */

static inline void put(const struct queue_thread *t, struct hp_queue *q, uint64_t item,
                       enum wait wait)
{
    if (wait == WAIT_BLOCK)
        t->ops->push(q, item);
    else
        hp_queue_push_spinning(t->ops, q, item);
}

static inline uint64_t get(const struct queue_thread *t, struct hp_queue *q, enum wait wait)
{
    return wait == WAIT_BLOCK ? t->ops->pop(q) : hp_queue_pop_spinning(t->ops, q);
}

/* The producer's next item: its sequence number, or every STAMP_EVERY items a timer reading. */
static inline uint64_t next_item(struct queue_thread *t)
{
    uint64_t seq = t->seq++;
    if (__builtin_expect(seq % STAMP_EVERY != 0, 1))
        return seq;
    return hp_timer_read(t->timer) | STAMP_BIT;
}

/* The consumer's side of an item: a stamped one is timed (and counts as 0). */
static inline uint64_t received(struct queue_thread *t, uint64_t item)
{
    if (__builtin_expect(!(item & STAMP_BIT), 1))
        return item;
    uint64_t now = hp_timer_read(t->timer), sent = item & ~STAMP_BIT;
    hp_hdr_record(&t->handoff,
                  now > sent ? (int64_t)(hp_timer_ticks_to_ns(t->timer, now - sent) + 0.5) : 0);
    return 0;
}

/* Handoff times recorded while calibration still changed n are not kept. */
static inline void consumer_begin(struct queue_thread *t, uint64_t n)
{
    if (t->last_n != n) {
        hp_hdr_reset(&t->handoff);
        t->last_n = n;
    }
}

static inline uint64_t stream(struct queue_thread *t, uint64_t n, enum wait wait)
{
    uint64_t items = 2 * n, sum = 0;
    if (t->producer) {
        for (uint64_t i = 0; i < items; i++)
            put(t, t->out, next_item(t), wait);
        return t->seq;
    }
    consumer_begin(t, n);
    for (uint64_t i = 0; i < items; i++)
        sum += received(t, get(t, t->in, wait));
    return sum;
}

static inline uint64_t pingpong(struct queue_thread *t, uint64_t n, enum wait wait)
{
    uint64_t sum = 0;
    if (t->producer) {
        for (uint64_t i = 0; i < n; i++) {
            put(t, t->out, next_item(t), wait);
            sum += get(t, t->in, wait);
        }
        return sum;
    }
    consumer_begin(t, n);
    for (uint64_t i = 0; i < n; i++) {
        uint64_t item = get(t, t->in, wait);
        sum += received(t, item);
        put(t, t->out, item, wait);
    }
    return sum;
}

static inline uint64_t bursts(struct queue_thread *t, uint64_t n, enum wait wait)
{
    uint64_t items = 2 * n, sum = 0;
    if (t->producer) {
        for (uint64_t sent = 0; sent < items;) {
            uint64_t k = items - sent < t->burst ? items - sent : t->burst;
            for (uint64_t i = 0; i < k; i++)
                put(t, t->out, next_item(t), wait);
            sent += k;
            sum += get(t, t->in, wait); /* the acknowledgement */
        }
        return sum;
    }
    consumer_begin(t, n);
    for (uint64_t got = 0; got < items;) {
        uint64_t k = items - got < t->burst ? items - got : t->burst;
        for (uint64_t i = 0; i < k; i++)
            sum += received(t, get(t, t->in, wait));
        got += k;
        put(t, t->out, got, wait);
    }
    return sum;
}

/* The runner's run calls: each loop with its wait fixed, so the compiler drops the other. */
#define RUN_WITH_EACH_WAIT(loop)                                                                   \
    static uint64_t loop##_spin_run(void *local, uint64_t n)                                       \
    {                                                                                              \
        return loop(local, n, WAIT_SPIN);                                                          \
    }                                                                                              \
    static uint64_t loop##_block_run(void *local, uint64_t n)                                      \
    {                                                                                              \
        return loop(local, n, WAIT_BLOCK);                                                         \
    }

RUN_WITH_EACH_WAIT(stream)
RUN_WITH_EACH_WAIT(pingpong)
RUN_WITH_EACH_WAIT(bursts)

/* ---- after the run ---------------------------------------------------------------------- */

/* One turn on the probe's line: wait until it holds `want`, then write the next value. Waits
 * poll as the spinning cases do (the CPU given up every 64th poll), so two threads on one CPU
 * still take turns. acquire / release: the two workers take turns on the line; nothing else
 * rides on it. */
static void take_turn(uint64_t *turn, uint64_t want)
{
    unsigned polls = 0;
    while (__atomic_load_n(turn, __ATOMIC_ACQUIRE) != want)
        hp_queue_relax(&polls);
    __atomic_store_n(turn, want + 1, __ATOMIC_RELEASE);
}

static int compare_doubles(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* The first pair passes one line back and forth, as the run's floor does but on the case's own
 * CPUs and after its samples: worker 0 writes odd values, worker 1 answers with the next even
 * one, in PROBE_BATCHES batches of PROBE_ROUNDS round trips; the median batch is kept, so a
 * batch that lost its CPU to another process does not count. */
static void probe_line_handoff(struct queue_thread *t)
{
    struct queue_case *c = t->owner;
    double batch_ns[PROBE_BATCHES];
    for (unsigned b = 0; b < PROBE_BATCHES; b++) {
        uint64_t start = hp_monotonic_ns();
        for (uint64_t i = 0; i < PROBE_ROUNDS; i++)
            take_turn(c->probe_turn, 2 * ((uint64_t)b * PROBE_ROUNDS + i) + t->index);
        batch_ns[b] = (double)(hp_monotonic_ns() - start) / (2.0 * PROBE_ROUNDS);
    }
    if (t->index != 0)
        return;
    qsort(batch_ns, PROBE_BATCHES, sizeof batch_ns[0], compare_doubles);
    /* Read by queue_report after the teardown job, which the runner's mutex orders. */
    c->line_handoff_ns = batch_ns[PROBE_BATCHES / 2];
}

/* Runs on every worker at once: the first pair probes its line handoff, the consumers'
 * histograms are merged under the case's lock. */
static void queue_thread_teardown(void *local)
{
    struct queue_thread *t = local;
    if (t->index < 2)
        probe_line_handoff(t);
    if (!t->producer) {
        pthread_mutex_lock(&t->owner->merge_lock);
        hp_hdr_merge(&t->owner->handoff, &t->handoff);
        pthread_mutex_unlock(&t->owner->merge_lock);
        hp_hdr_destroy(&t->handoff);
    }
    free(t);
}

/* The (package, core) of a CPU from sysfs, or -1 when it cannot be read. */
static long core_of(int cpu)
{
    long package = -1, core = -1;
    char path[128];
    snprintf(path, sizeof path, "/sys/devices/system/cpu/cpu%d/topology/physical_package_id", cpu);
    FILE *f = fopen(path, "r");
    if (f) {
        if (fscanf(f, "%ld", &package) != 1)
            package = -1;
        fclose(f);
    }
    snprintf(path, sizeof path, "/sys/devices/system/cpu/cpu%d/topology/core_id", cpu);
    f = fopen(path, "r");
    if (f) {
        if (fscanf(f, "%ld", &core) != 1)
            core = -1;
        fclose(f);
    }
    return package < 0 || core < 0 ? -1 : package * 65536 + core;
}

static void queue_report(void *shared, struct hp_metrics *out)
{
    struct queue_case *c = shared;
    int64_t samples = hp_hdr_total_count(&c->handoff);
    hp_metrics_add(out, "handoff_samples", "count", (double)samples);
    if (samples > 0) {
        hp_metrics_add(out, "handoff_p50_ns", "ns",
                       (double)hp_hdr_value_at_percentile(&c->handoff, 50));
        hp_metrics_add(out, "handoff_p99_ns", "ns",
                       (double)hp_hdr_value_at_percentile(&c->handoff, 99));
    }
    hp_metrics_add(out, "queue_capacity", "items", (double)c->ops->capacity(c->queues[0]));
    bool pinned = true;
    for (unsigned i = 0; i < c->threads; i++)
        pinned &= c->cpu[i] >= 0;
    if (c->line_handoff_ns >= 0)
        hp_metrics_add(out, "line_handoff_ns", "ns", c->line_handoff_ns);
    hp_metrics_add(out, "pinned", "bool", pinned);
    if (!pinned)
        return;
    hp_metrics_add(out, "producer_cpu", "index", c->cpu[0]);
    hp_metrics_add(out, "consumer_cpu", "index", c->cpu[1]);
    long producer_core = core_of(c->cpu[0]), consumer_core = core_of(c->cpu[1]);
    if (c->cpu[0] == c->cpu[1])
        hp_metrics_add(out, "same_core", "bool", 1);
    else if (producer_core >= 0 && consumer_core >= 0)
        hp_metrics_add(out, "same_core", "bool", producer_core == consumer_core);
}

/* ---- the workloads ---------------------------------------------------------------------- */

static bool takes_many(const struct hp_queue_ops *ops)
{
    uint32_t many = HP_QUEUE_MULTI_PRODUCER | HP_QUEUE_MULTI_CONSUMER;
    return (ops->flags & many) == many;
}

static bool supports_many(const struct hp_composition *composition)
{
    return takes_many(hp_queue_ops_of(composition->impl[HP_AXIS_QUEUE]));
}

static bool supports_blocking(const struct hp_composition *composition)
{
    return hp_queue_ops_of(composition->impl[HP_AXIS_QUEUE])->flags & HP_QUEUE_BLOCKING;
}

static bool supports_many_blocking(const struct hp_composition *composition)
{
    return supports_many(composition) && supports_blocking(composition);
}

#define NEEDS_MANY     "a queue that takes many producers and many consumers at once"
#define NEEDS_BLOCKING "a queue whose push and pop can sleep (HP_QUEUE_BLOCKING)"
#define NEEDS_BOTH     "a queue that takes many producers and consumers and can sleep"

#define QUEUE_WORKLOAD(symbol, wname, wshape, wwait, wburst, wrun, wgroup, wsupports, wneeds,      \
                       wsummary)                                                                   \
    static int symbol##_setup(const struct hp_case_params *params, void **shared,                  \
                              struct hp_error *err)                                                \
    {                                                                                              \
        static const struct queue_kind kind = {wname, wshape, wwait, wburst};                      \
        return queue_setup(&kind, params, shared, err);                                            \
    }                                                                                              \
    const struct hp_workload symbol = {                                                            \
        .name = wname,                                                                             \
        .summary = wsummary,                                                                       \
        .axes = HP_AXIS_BIT(HP_AXIS_QUEUE),                                                        \
        .min_threads = 2,                                                                          \
        .latency_group = wgroup,                                                                   \
        .setup = symbol##_setup,                                                                   \
        .thread_setup = queue_thread_setup,                                                        \
        .run = wrun,                                                                               \
        .thread_teardown = queue_thread_teardown,                                                  \
        .report = queue_report,                                                                    \
        .teardown = queue_teardown,                                                                \
        .supports = wsupports,                                                                     \
        .requirement = wneeds,                                                                     \
    }

QUEUE_WORKLOAD(hp_workload_queue_spsc_spin, "queue/spsc/spin", SHAPE_PAIRS, WAIT_SPIN, 0,
               stream_spin_run, 0, NULL, NULL,
               "items from one producer to one consumer (per pair), both spinning");
QUEUE_WORKLOAD(hp_workload_queue_spsc_block, "queue/spsc/block", SHAPE_PAIRS, WAIT_BLOCK, 0,
               stream_block_run, 0, supports_blocking, NEEDS_BLOCKING,
               "items from one producer to one consumer (per pair), both sleeping to wait");
QUEUE_WORKLOAD(hp_workload_queue_mpmc_spin, "queue/mpmc/spin", SHAPE_SHARED, WAIT_SPIN, 0,
               stream_spin_run, 0, supports_many, NEEDS_MANY,
               "items from T/2 producers to T/2 consumers through one queue, spinning");
QUEUE_WORKLOAD(hp_workload_queue_mpmc_block, "queue/mpmc/block", SHAPE_SHARED, WAIT_BLOCK, 0,
               stream_block_run, 0, supports_many_blocking, NEEDS_BOTH,
               "items from T/2 producers to T/2 consumers through one queue, sleeping to wait");
QUEUE_WORKLOAD(hp_workload_queue_pingpong_spin, "queue/pingpong/spin", SHAPE_PINGPONG, WAIT_SPIN, 1,
               pingpong_spin_run, 1, NULL, NULL,
               "one item there and back through two queues (op: one way), spinning");
QUEUE_WORKLOAD(hp_workload_queue_pingpong_block, "queue/pingpong/block", SHAPE_PINGPONG, WAIT_BLOCK,
               1, pingpong_block_run, 1, supports_blocking, NEEDS_BLOCKING,
               "one item there and back through two queues (op: one way), sleeping to wait");
QUEUE_WORKLOAD(hp_workload_queue_burst8_spin, "queue/burst8/spin", SHAPE_BURST, WAIT_SPIN, 8,
               bursts_spin_run, 0, NULL, NULL,
               "bursts of 8 items, each acknowledged before the next, spinning");
QUEUE_WORKLOAD(hp_workload_queue_burst8_block, "queue/burst8/block", SHAPE_BURST, WAIT_BLOCK, 8,
               bursts_block_run, 0, supports_blocking, NEEDS_BLOCKING,
               "bursts of 8 items, each acknowledged before the next, sleeping to wait");
QUEUE_WORKLOAD(hp_workload_queue_burst64_spin, "queue/burst64/spin", SHAPE_BURST, WAIT_SPIN, 64,
               bursts_spin_run, 0, NULL, NULL,
               "bursts of 64 items, each acknowledged before the next, spinning");
QUEUE_WORKLOAD(hp_workload_queue_burst64_block, "queue/burst64/block", SHAPE_BURST, WAIT_BLOCK, 64,
               bursts_block_run, 0, supports_blocking, NEEDS_BLOCKING,
               "bursts of 64 items, each acknowledged before the next, sleeping to wait");
