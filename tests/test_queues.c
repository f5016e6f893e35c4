/* The queue axis contract (impls/queues/queue.h), checked on every implementation: full and
 * empty edges, counters crossing 2^64 (2^32 for ck_ring), exactly-once FIFO delivery under
 * stress with one and with many producers and consumers, spinning and blocking; and the queue
 * workloads: refusals of what an implementation or the machine cannot do, and every case run. */
#define _GNU_SOURCE /* pthread_timedjoin_np */
#include <criterion/criterion.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/wait.h>
#include <unistd.h>

#include "soak.h"
#include "queues/queue.h"
#include "runner.h"
#include "selection.h"
#include "workload_table.h"

#define FOR_EACH_QUEUE(ops)                                                                        \
    for (const struct hp_impl_info *const *it_ = hp_queue_table; *it_; it_++)                      \
        for (const struct hp_queue_ops *ops = hp_queue_ops_of(*it_); ops; ops = NULL)

/* Stress sizes: enough laps of a 16-slot ring to cross every edge thousands of times, small
 * enough for a few seconds under ThreadSanitizer on two cores. A tenth of them per producer
 * when the threads outnumber the CPUs: a waiter then often waits out a time slice (ck_ring's
 * producers spin, inside its _mpmc enqueue, for one preempted before publishing; a mutex's
 * sleepers wait for the holder), and a machine loaded by other work made 3:1 take minutes. */
#if defined(HOTPATH_TSAN) || defined(HOTPATH_ASAN)
enum { STRESS_ITEMS = 10000 };
#else
enum { STRESS_ITEMS = 100000 };
#endif
enum { STRESS_SLOTS = 16, MAX_SIDES = 4, STRESS_DEADLINE_S = 60 };

/* Starts just below the wrap of 64-bit counters, and of ck_ring's 32-bit ones at once. */
#define NEAR_THE_WRAP (UINT64_MAX - STRESS_ITEMS / 2)

static struct hp_queue *make_queue(const struct hp_queue_ops *ops, size_t capacity,
                                   unsigned producers, unsigned consumers, uint64_t first)
{
    struct hp_queue_config config = {capacity, producers, consumers, first};
    struct hp_error err = {{0}};
    struct hp_queue *q = ops->create(&config, &err);
    cr_assert_not_null(q, "%s: create failed: %s", ops->info.name, err.message);
    return q;
}

Test(queues, table_lists_all_five_with_their_capabilities)
{
    const char *expected[] = {"mutex_queue", "spsc_ring_uncached", "spsc_ring", "mpmc_ring",
                              "ck_ring"};
    size_t n = 0;
    FOR_EACH_QUEUE(ops)
    {
        cr_assert_lt(n, 5);
        cr_assert_str_eq(ops->info.name, expected[n]);
        cr_assert(ops->create && ops->try_push && ops->try_pop && ops->capacity && ops->destroy,
                  "%s: an op is missing", ops->info.name);
        bool blocking = ops->flags & HP_QUEUE_BLOCKING;
        cr_assert_eq(blocking, ops->push != NULL, "%s: push without the flag, or the reverse",
                     ops->info.name);
        cr_assert_eq(blocking, ops->pop != NULL, "%s: pop without the flag, or the reverse",
                     ops->info.name);
        n++;
    }
    cr_assert_eq(n, 5);
}

Test(queues, create_refuses_what_the_contract_excludes)
{
    static const struct {
        struct hp_queue_config config;
        const char *message;
    } bad[] = {
        {{0, 1, 1, 0}, "capacity 0: must be a power of two"},
        {{1, 1, 1, 0}, "capacity 1: must be a power of two"},
        {{24, 1, 1, 0}, "capacity 24: must be a power of two"},
        {{(size_t)HP_QUEUE_MAX_CAPACITY * 2, 1, 1, 0}, "must be a power of two, 2 to"},
        {{16, 0, 1, 0}, "needs at least one producer and one consumer"},
        {{16, 1, 0, 0}, "needs at least one producer and one consumer"},
    };
    FOR_EACH_QUEUE(ops)
    {
        for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
            struct hp_error err = {{0}};
            cr_assert_null(ops->create(&bad[i].config, &err), "%s: case %zu", ops->info.name, i);
            cr_assert(strstr(err.message, bad[i].message) && strstr(err.message, ops->info.name),
                      "%s: %s", ops->info.name, err.message);
        }
        struct hp_queue_config two_producers = {16, 2, 1, 0}, two_consumers = {16, 1, 2, 0};
        struct hp_error err = {{0}};
        struct hp_queue *q = ops->create(&two_producers, &err);
        cr_assert_eq(q != NULL, (ops->flags & HP_QUEUE_MULTI_PRODUCER) != 0, "%s: %s",
                     ops->info.name, err.message);
        if (q)
            ops->destroy(q);
        else
            cr_assert(strstr(err.message, "2 producers: it takes one producer at a time"), "%s",
                      err.message);
        q = ops->create(&two_consumers, &err);
        cr_assert_eq(q != NULL, (ops->flags & HP_QUEUE_MULTI_CONSUMER) != 0, "%s: %s",
                     ops->info.name, err.message);
        if (q)
            ops->destroy(q);
        else
            cr_assert(strstr(err.message, "2 consumers: it takes one consumer at a time"), "%s",
                      err.message);
    }
}

/* One thread: fill to full, drain to empty, then laps at every fill level, the counters
 * starting at `first`. Every item must come back once, in order. */
static void edges_from(const struct hp_queue_ops *ops, uint64_t first, unsigned producers)
{
    enum { SLOTS = 8 };
    struct hp_queue *q = make_queue(ops, SLOTS, producers, producers, first);
    size_t capacity = ops->capacity(q);
    cr_assert(capacity == SLOTS || capacity == SLOTS - 1, "%s: capacity %zu", ops->info.name,
              capacity);
    uint64_t item, next_in = 1000, next_out = 1000;
    cr_assert_not(ops->try_pop(q, &item), "%s: an item in a new queue", ops->info.name);
    for (size_t i = 0; i < capacity; i++)
        cr_assert(ops->try_push(q, next_in++), "%s: full after %zu of %zu items (first %llu)",
                  ops->info.name, i, capacity, (unsigned long long)first);
    cr_assert_not(ops->try_push(q, next_in), "%s: room beyond capacity %zu", ops->info.name,
                  capacity);
    while (ops->try_pop(q, &item))
        cr_assert_eq(item, next_out++, "%s: out of order (first %llu)", ops->info.name,
                     (unsigned long long)first);
    cr_assert_eq(next_out, next_in, "%s: %llu items lost", ops->info.name,
                 (unsigned long long)(next_in - next_out));
    /* Laps at every fill level from 1 to full: pushes and pops interleaved, the blocking calls
     * too (they never wait here: there is always room or an item). */
    for (size_t level = 1; level <= capacity; level++)
        for (int lap = 0; lap < 3; lap++) {
            for (size_t i = 0; i < level; i++) {
                if (ops->push && i % 2)
                    ops->push(q, next_in++);
                else
                    cr_assert(ops->try_push(q, next_in++), "%s: level %zu", ops->info.name, level);
            }
            for (size_t i = 0; i < level; i++) {
                if (ops->pop && i % 2)
                    item = ops->pop(q);
                else
                    cr_assert(ops->try_pop(q, &item), "%s: level %zu", ops->info.name, level);
                cr_assert_eq(item, next_out++, "%s: level %zu lap %d (first %llu)", ops->info.name,
                             level, lap, (unsigned long long)first);
            }
            cr_assert_not(ops->try_pop(q, &item), "%s: not empty after a lap", ops->info.name);
        }
    ops->destroy(q);
}

Test(queues, full_and_empty_edges_with_counters_crossing_the_wrap)
{
    const uint64_t firsts[] = {0, 5, UINT64_MAX - 3, UINT64_MAX - 100, (1ull << 32) - 3};
    FOR_EACH_QUEUE(ops)
    {
        for (size_t i = 0; i < sizeof firsts / sizeof firsts[0]; i++) {
            edges_from(ops, firsts[i], 1);
            if ((ops->flags & HP_QUEUE_MULTI_PRODUCER) && (ops->flags & HP_QUEUE_MULTI_CONSUMER))
                edges_from(ops, firsts[i], 2); /* ck_ring: its _mpmc calls */
        }
    }
}

/* ---- exactly once, under stress --------------------------------------------------------- */

/* An item: its producer in the top 16 bits, its sequence number below. */
#define ITEM(owner, seq) (((uint64_t)(owner) << 48) | (seq))
#define ITEM_OWNER(item) ((unsigned)((item) >> 48))
#define ITEM_SEQ(item)   ((item) & ((1ull << 48) - 1))

struct stress {
    const struct hp_queue_ops *ops;
    struct hp_queue *q;
    unsigned producers, consumers;
    bool blocking;           /* push / pop instead of polling */
    uint64_t total;          /* items, all producers */
    uint64_t taken;          /* atomic: items popped so far, all consumers */
    unsigned producers_done; /* atomic */
    uint64_t per_producer;   /* items each producer pushes */
    uint8_t *seen;           /* [owner * per_producer + seq]: atomic counts */
    unsigned failures;       /* atomic */
    char failure[256];       /* the first one, written by whoever counted it first */
};

struct side {
    struct stress *s;
    unsigned index;
    pthread_t thread;
};

static void fail(struct stress *s, const char *fmt, uint64_t a, uint64_t b)
{
    if (__atomic_fetch_add(&s->failures, 1, __ATOMIC_RELAXED) == 0)
        snprintf(s->failure, sizeof s->failure, fmt, (unsigned long long)a, (unsigned long long)b);
}

static void *producer_main(void *arg)
{
    struct side *side = arg;
    struct stress *s = side->s;
    for (uint64_t seq = 0; seq < s->per_producer; seq++) {
        uint64_t item = ITEM(side->index, seq);
        if (s->blocking)
            s->ops->push(s->q, item);
        else
            hp_queue_push_spinning(s->ops, s->q, item);
    }
    /* release: every push above happens-before a consumer that sees the count. */
    __atomic_add_fetch(&s->producers_done, 1, __ATOMIC_RELEASE);
    return NULL;
}

/* A polling consumer's next item: false once every producer is done and the queue is empty
 * (not once the total is taken: a queue that repeats an item reaches it early). */
static bool poll_item(struct stress *s, uint64_t *item)
{
    unsigned polls = 0;
    while (!s->ops->try_pop(s->q, item)) {
        if (__atomic_load_n(&s->producers_done, __ATOMIC_ACQUIRE) == s->producers)
            return s->ops->try_pop(s->q, item);
        hp_queue_relax(&polls);
    }
    return true;
}

static void *consumer_main(void *arg)
{
    struct side *side = arg;
    struct stress *s = side->s;
    uint64_t last[MAX_SIDES]; /* per producer: the last sequence number this consumer saw + 1 */
    memset(last, 0, sizeof last);
    /* Blocking consumers take exactly their share (a pop would sleep forever past the end);
     * polling ones until the producers are done and the queue is empty. */
    uint64_t quota = s->total / s->consumers + (side->index < s->total % s->consumers);
    for (uint64_t got = 0;; got++) {
        uint64_t item;
        if (s->blocking) {
            if (got == quota)
                break;
            item = s->ops->pop(s->q);
        } else if (!poll_item(s, &item)) {
            break;
        }
        __atomic_add_fetch(&s->taken, 1, __ATOMIC_RELEASE);
        unsigned owner = ITEM_OWNER(item);
        uint64_t seq = ITEM_SEQ(item);
        if (owner >= s->producers || seq >= s->per_producer) {
            fail(s, "item %#llx is no producer's (sequence %llu)", item, seq);
            continue;
        }
        if (seq < last[owner])
            fail(s, "a producer's items out of order: %llu after %llu", seq, last[owner] - 1);
        last[owner] = seq + 1;
        __atomic_add_fetch(&s->seen[owner * s->per_producer + seq], 1, __ATOMIC_RELAXED);
    }
    return NULL;
}

/* After the threads: every item seen exactly once, and nothing left in the queue. NULL, or
 * what went wrong first (in s->failure). */
static const char *stress_verdict(struct stress *s)
{
    if (s->failures)
        return s->failure;
    for (uint64_t i = 0; i < s->total; i++)
        if (s->seen[i] != 1) {
            snprintf(s->failure, sizeof s->failure,
                     "producer %llu's item %llu popped %u times (%llu of %llu items taken)",
                     (unsigned long long)(i / s->per_producer),
                     (unsigned long long)(i % s->per_producer), s->seen[i],
                     (unsigned long long)s->taken, (unsigned long long)s->total);
            return s->failure;
        }
    uint64_t item;
    if (s->ops->try_pop(s->q, &item)) {
        snprintf(s->failure, sizeof s->failure, "an item left over: %#llx",
                 (unsigned long long)item);
        return s->failure;
    }
    return NULL;
}

/* Producers push STRESS_ITEMS items each (see above) through a STRESS_SLOTS queue whose counters
 * start near the wrap, consumers check them. NULL when every item arrived exactly once and in its
 * producer's order; otherwise what went wrong (a string the caller frees). A
 * stall (an item lost to a blocking consumer) fails the calling test outright. */
static char *stress_run(const struct hp_queue_ops *ops, unsigned producers, unsigned consumers,
                        bool blocking, uint64_t *items)
{
    long cpus = sysconf(_SC_NPROCESSORS_ONLN);
    uint64_t per_producer = producers + consumers > cpus ? STRESS_ITEMS / 10 : STRESS_ITEMS;
    struct stress s = {.ops = ops,
                       .producers = producers,
                       .consumers = consumers,
                       .blocking = blocking,
                       .per_producer = per_producer,
                       .total = producers * per_producer};
    s.q = make_queue(ops, STRESS_SLOTS, producers, consumers, NEAR_THE_WRAP);
    s.seen = calloc(s.total, 1);
    cr_assert_not_null(s.seen);
    struct side sides[2 * MAX_SIDES];
    for (unsigned i = 0; i < producers + consumers; i++) {
        bool producer = i < producers;
        sides[i] = (struct side){.s = &s, .index = producer ? i : i - producers};
        cr_assert_eq(pthread_create(&sides[i].thread, NULL,
                                    producer ? producer_main : consumer_main, &sides[i]),
                     0);
    }
    /* A lost item leaves a blocking consumer waiting for ever: give up, and fail, after a
     * deadline far beyond what the test takes under ThreadSanitizer on a loaded machine. */
    struct timespec deadline;
    clock_gettime(CLOCK_REALTIME, &deadline);
    deadline.tv_sec += STRESS_DEADLINE_S;
    for (unsigned i = 0; i < producers + consumers; i++)
        cr_assert_eq(pthread_timedjoin_np(sides[i].thread, NULL, &deadline), 0,
                     "%s, %u:%u %s: stalled for %d s with %llu of %llu items taken", ops->info.name,
                     producers, consumers, blocking ? "blocking" : "spinning", STRESS_DEADLINE_S,
                     (unsigned long long)__atomic_load_n(&s.taken, __ATOMIC_RELAXED),
                     (unsigned long long)s.total);
    const char *verdict = stress_verdict(&s);
    char *failure = verdict ? strdup(verdict) : NULL;
    *items = s.total;
    free(s.seen);
    ops->destroy(s.q);
    return failure;
}

/* The soak (tests/soak.h) of the queue being stressed: items moved and failed runs so far. */
static struct soak queue_soak;
static uint64_t soak_items, soak_failures;

static void soak_begin(const struct hp_queue_ops *ops)
{
    soak_start(&queue_soak, "queue_exactly_once", ops->info.name);
    soak_items = soak_failures = 0;
}

static void stress(const struct hp_queue_ops *ops, unsigned producers, unsigned consumers,
                   bool blocking)
{
    uint64_t items = 0;
    char *failure = stress_run(ops, producers, consumers, blocking, &items);
    soak_items += items;
    soak_failures += failure != NULL;
    if (failure)
        soak_report(&queue_soak, soak_items, soak_failures);
    cr_assert_null(failure, "%s, %u:%u %s: %s", ops->info.name, producers, consumers,
                   blocking ? "blocking" : "spinning", failure);
}

Test(queues, exactly_once_in_order_one_producer_one_consumer)
{
    FOR_EACH_QUEUE(ops)
    {
        soak_begin(ops);
        do {
            stress(ops, 1, 1, false);
            if (ops->flags & HP_QUEUE_BLOCKING)
                stress(ops, 1, 1, true);
        } while (soak_more(&queue_soak));
        soak_report(&queue_soak, soak_items, soak_failures);
    }
}

Test(queues, exactly_once_in_order_per_producer_with_many_of_each)
{
    static const unsigned shapes[][2] = {{2, 2}, {3, 1}, {1, 3}};
    FOR_EACH_QUEUE(ops)
    {
        soak_begin(ops);
        do
            for (size_t i = 0; i < sizeof shapes / sizeof shapes[0]; i++) {
                unsigned p = shapes[i][0], c = shapes[i][1];
                if ((p > 1 && !(ops->flags & HP_QUEUE_MULTI_PRODUCER)) ||
                    (c > 1 && !(ops->flags & HP_QUEUE_MULTI_CONSUMER)))
                    continue;
                stress(ops, p, c, false);
                if (ops->flags & HP_QUEUE_BLOCKING)
                    stress(ops, p, c, true);
            }
        while (soak_more(&queue_soak));
        soak_report(&queue_soak, soak_items, soak_failures);
    }
}

/* ---- the check itself can fail ---------------------------------------------------------- */

/* Broken queues: spsc_ring with one defect each, for the checker above to catch. Each side's
 * counter is touched by that side only. */
enum defect { DEFECT_LOSE, DEFECT_REPEAT, DEFECT_SWAP };
enum { DEFECT_EVERY = 997 };

struct hp_queue {
    struct hp_queue *inner;
    enum defect defect;
    uint64_t pushes, pops; /* the producer's, the consumer's */
    uint64_t last;         /* DEFECT_REPEAT: the item the last pop returned */
    uint64_t held;         /* DEFECT_SWAP: an item popped and handed out after the next one */
    bool holding, swapped;
};

static enum defect next_defect;

static struct hp_queue *broken_create(const struct hp_queue_config *config, struct hp_error *err)
{
    struct hp_queue *q = calloc(1, sizeof *q);
    cr_assert_not_null(q);
    q->inner = hp_queue_spsc_ring.create(config, err);
    q->defect = next_defect;
    return q;
}

static bool broken_try_push(struct hp_queue *q, uint64_t item)
{
    if (q->defect == DEFECT_LOSE && ++q->pushes % DEFECT_EVERY == 0)
        return true; /* taken, and dropped */
    return hp_queue_spsc_ring.try_push(q->inner, item);
}

static bool broken_try_pop(struct hp_queue *q, uint64_t *item)
{
    if (q->holding) {
        *item = q->held;
        q->holding = false;
        return true;
    }
    if (q->defect == DEFECT_REPEAT && q->pops > 0 && ++q->pops % DEFECT_EVERY == 0) {
        *item = q->last; /* the last item again */
        return true;
    }
    if (!hp_queue_spsc_ring.try_pop(q->inner, item))
        return false;
    q->pops += q->pops == 0;
    q->last = *item;
    /* Until one swap happened, at every pop; then every DEFECT_EVERY-th. */
    if (q->defect == DEFECT_SWAP && (!q->swapped || ++q->pops % DEFECT_EVERY == 0) &&
        hp_queue_spsc_ring.try_pop(q->inner, &q->held)) {
        uint64_t first = *item;
        *item = q->held;
        q->held = first;
        q->holding = q->swapped = true;
    }
    return true;
}

static size_t broken_capacity(const struct hp_queue *q)
{
    return hp_queue_spsc_ring.capacity(q->inner);
}

static void broken_destroy(struct hp_queue *q)
{
    hp_queue_spsc_ring.destroy(q->inner);
    free(q);
}

static const struct hp_queue_ops broken_queue = {
    .info = {.name = "broken"},
    .create = broken_create,
    .try_push = broken_try_push,
    .try_pop = broken_try_pop,
    .capacity = broken_capacity,
    .destroy = broken_destroy,
};

Test(queues, the_exactly_once_check_catches_a_lost_a_repeated_and_a_swapped_item)
{
    static const struct {
        enum defect defect;
        const char *expected;
    } cases[] = {
        {DEFECT_LOSE, "popped 0 times"},
        {DEFECT_REPEAT, "out of order"},
        {DEFECT_SWAP, "out of order"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        next_defect = cases[i].defect;
        uint64_t items;
        char *failure = stress_run(&broken_queue, 1, 1, false, &items);
        cr_assert_not_null(failure, "defect %zu went unnoticed", i);
        cr_assert(strstr(failure, cases[i].expected), "defect %zu: %s", i, failure);
        free(failure);
    }
}

/* ---- the workloads ---------------------------------------------------------------------- */

static int expand(const char *pattern, const char *queue, unsigned threads, struct hp_case **cases,
                  size_t *count, struct hp_error *err)
{
    struct hp_selection sel;
    memset(&sel, 0, sizeof sel);
    sel.workload_patterns[0] = pattern;
    sel.workload_pattern_count = 1;
    sel.threads[0] = threads;
    sel.thread_count = 1;
    sel.batch = true;
    if (queue) {
        char list[64];
        snprintf(list, sizeof list, "%s", queue);
        cr_assert_eq(hp_selection_set_impls(&sel, HP_AXIS_QUEUE, list, err), 0, "%s", err->message);
    }
    return hp_selection_expand(&sel, cases, count, err);
}

/* An SPSC ring asked for many producers and consumers is refused with the reason and the
 * queues that would do, before anything runs; expanded from `all` it is left out. */
Test(queue_workloads, an_implementation_outside_its_contract_is_refused_not_measured)
{
    struct hp_case *cases = NULL;
    size_t count = 0;
    struct hp_error err = {{0}};
    cr_assert_neq(expand("queue/mpmc/spin", "spsc_ring", 2, &cases, &count, &err), 0);
    cr_assert(strstr(err.message, "workload queue/mpmc/spin cannot run queue=spsc_ring: it needs "
                                  "a queue that takes many producers and many consumers at once "
                                  "(valid: --queue mutex_queue, mpmc_ring, ck_ring)"),
              "%s", err.message);
    cr_assert_neq(expand("queue/spsc/block", "spsc_ring", 2, &cases, &count, &err), 0);
    cr_assert(strstr(err.message, "a queue whose push and pop can sleep (HP_QUEUE_BLOCKING) "
                                  "(valid: --queue mutex_queue)"),
              "%s", err.message);

    cr_assert_eq(expand("queue/mpmc/spin", "all", 4, &cases, &count, &err), 0, "%s", err.message);
    size_t many = 0;
    FOR_EACH_QUEUE(ops)
    {
        many += (ops->flags & HP_QUEUE_MULTI_PRODUCER) && (ops->flags & HP_QUEUE_MULTI_CONSUMER);
    }
    cr_assert_eq(count, many);
    for (size_t i = 0; i < count; i++)
        cr_assert_null(strstr(cases[i].name, "spsc"), "%s", cases[i].name);
    free(cases);

    /* The same through the command line: one message, exit 2, no results. */
    char cmd[1024], dir[] = "/tmp/hotpath-queue-XXXXXX";
    cr_assert_not_null(mkdtemp(dir));
    snprintf(cmd, sizeof cmd,
             "cd %s && %s run --workload queue/mpmc/spin --queue spsc_ring_uncached --quiet "
             ">out 2>err",
             dir, HOTPATH_BINARY);
    int raw = system(cmd);
    cr_assert(WIFEXITED(raw) && WEXITSTATUS(raw) == 2, "exit %d", raw);
    char path[512], text[2048] = "";
    snprintf(path, sizeof path, "%s/err", dir);
    FILE *f = fopen(path, "r");
    cr_assert_not_null(f);
    size_t n = fread(text, 1, sizeof text - 1, f);
    text[n] = '\0';
    fclose(f);
    cr_assert(strstr(text, "cannot run queue=spsc_ring_uncached"), "%s", text);
    snprintf(path, sizeof path, "%s/results", dir);
    cr_assert_neq(access(path, F_OK), 0, "a refused run wrote results");
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    cr_assert_eq(system(cmd), 0);
}

static int run_cases(struct hp_case *cases, size_t count, struct hp_run *run, struct hp_error *err)
{
    memset(run, 0, sizeof *run);
    hp_run_config_defaults(&run->config);
    run->config.target_sample_ns = 2e6;
    run->config.samples = 2;
    run->config.quiet = true;
    run->cases = cases;
    run->case_count = count;
    return hp_run_execute(run, err);
}

/* More spinners than CPUs would measure the scheduler; an odd count has no pairs. Both are
 * refused at setup, the block variant runs. */
Test(queue_workloads, spinning_needs_a_cpu_per_thread_and_threads_come_in_pairs)
{
    long cpus = sysconf(_SC_NPROCESSORS_ONLN);
    unsigned too_many = (unsigned)(cpus + 1 + (cpus + 1) % 2);
    if (too_many > HP_MAX_THREADS)
        cr_skip_test("%ld CPUs: no even thread count above them fits the runner", cpus);
    struct hp_case *cases;
    size_t count;
    struct hp_error err = {{0}};
    cr_assert_eq(expand("queue/spsc/spin", "spsc_ring", too_many, &cases, &count, &err), 0, "%s",
                 err.message);
    struct hp_run run;
    cr_assert_neq(run_cases(cases, count, &run, &err), 0);
    cr_assert(strstr(err.message, "spinning threads, but this process may run on"), "%s",
              err.message);
    hp_run_release(&run);
    free(cases);

    cr_assert_eq(expand("queue/spsc/block", "mutex_queue", too_many, &cases, &count, &err), 0, "%s",
                 err.message);
    cr_assert_eq(run_cases(cases, count, &run, &err), 0, "%s", err.message);
    hp_run_release(&run);
    free(cases);

    cr_assert_eq(expand("queue/pingpong/block", "mutex_queue", 3, &cases, &count, &err), 0, "%s",
                 err.message);
    cr_assert_neq(run_cases(cases, count, &run, &err), 0);
    cr_assert(strstr(err.message, "3 threads: queue workloads run producer/consumer pairs"), "%s",
              err.message);
    hp_run_release(&run);
    free(cases);
}

static const struct hp_metric *metric(const struct hp_case *c, const char *name)
{
    for (size_t i = 0; i < c->metrics.count; i++)
        if (strcmp(c->metrics.items[i].name, name) == 0)
            return &c->metrics.items[i];
    return NULL;
}

/* Every queue workload on every implementation it takes, batch and latency: measured, with its
 * handoff times and placement recorded. */
Test(queue_workloads, every_case_runs_and_reports_its_handoff_times)
{
    struct hp_selection sel;
    memset(&sel, 0, sizeof sel);
    sel.workload_patterns[0] = "queue/*";
    sel.workload_pattern_count = 1;
    sel.threads[0] = 2;
    sel.thread_count = 1;
    sel.batch = sel.latency = true;
    struct hp_case *cases;
    size_t count;
    struct hp_error err = {{0}};
    cr_assert_eq(hp_selection_expand(&sel, &cases, &count, &err), 0, "%s", err.message);
    if (sysconf(_SC_NPROCESSORS_ONLN) < 2)
        cr_skip_test("one CPU: the spinning cases refuse to run");
    size_t blocking = 0, all = 0;
    FOR_EACH_QUEUE(ops)
    {
        all++;
        blocking += (ops->flags & HP_QUEUE_BLOCKING) != 0;
    }
    /* spsc, pingpong, burst8, burst64: every queue spinning, the blocking ones blocking; mpmc:
     * the multi ones; two modes. */
    cr_assert_gt(count, 2 * (4 * (all + blocking)));
    struct hp_run run;
    cr_assert_eq(run_cases(cases, count, &run, &err), 0, "%s", err.message);
    for (size_t i = 0; i < count; i++) {
        const struct hp_case *c = &cases[i];
        cr_assert_eq(c->samples_taken, 2, "%s", c->name);
        cr_assert_eq(c->threads, 2, "%s", c->name);
        /* A producer stamps every 256th item: a case measured on fewer (a loaded machine keeps
         * calibration's n small) may have none. */
        const struct hp_metric *samples = metric(c, "handoff_samples");
        cr_assert_not_null(samples, "%s", c->name);
        if (c->measured_ops >= 2 * 256)
            cr_assert_gt(samples->value, 0, "%s: no stamped item", c->name);
        const struct hp_metric *p50 = metric(c, "handoff_p50_ns"),
                               *p99 = metric(c, "handoff_p99_ns");
        if (samples->value > 0)
            cr_assert(p50 && p99 && p50->value <= p99->value, "%s", c->name);
        cr_assert_not_null(metric(c, "pinned"), "%s", c->name);
        const struct hp_metric *line = metric(c, "line_handoff_ns");
        cr_assert(line && line->value > 0, "%s: no line handoff probed", c->name);
        const struct hp_metric *capacity = metric(c, "queue_capacity");
        cr_assert(capacity && capacity->value >= 1023 && capacity->value <= 1024, "%s", c->name);
        cr_assert_eq(c->allocs.allocs, 0, "%s: a queue allocated in the measured region", c->name);
    }
    hp_run_release(&run);
    free(cases);
}

/* Where a case's pair runs is the runner's (worker i on the i-th allowed CPU), never the other
 * cases': in one pinned run of every queue on two workloads (as a ladder plan of phases runs
 * them), every case records the same producer and consumer CPUs, two different ones, and a
 * line handoff probed between them. A placement that followed the case's position in the run
 * would show here. */
Test(queue_workloads, every_case_of_a_pinned_run_puts_its_pair_on_the_same_two_cpus)
{
    if (sysconf(_SC_NPROCESSORS_ONLN) < 2)
        cr_skip_test("one CPU: the spinning cases refuse to run");
    struct hp_case *cases;
    size_t count;
    struct hp_error err = {{0}};
    struct hp_selection sel;
    memset(&sel, 0, sizeof sel);
    sel.workload_patterns[0] = "queue/spsc/spin";
    sel.workload_patterns[1] = "queue/pingpong/spin";
    sel.workload_pattern_count = 2;
    sel.threads[0] = 2;
    sel.thread_count = 1;
    sel.batch = true;
    cr_assert_eq(hp_selection_expand(&sel, &cases, &count, &err), 0, "%s", err.message);
    size_t all = 0;
    FOR_EACH_QUEUE(ops)
    {
        (void)ops;
        all++;
    }
    cr_assert_eq(count, 2 * all, "%zu cases", count);
    struct hp_run run;
    memset(&run, 0, sizeof run);
    hp_run_config_defaults(&run.config);
    run.config.target_sample_ns = 1e6;
    run.config.samples = 2;
    run.config.quiet = true;
    run.config.pin = true;
    run.cases = cases;
    run.case_count = count;
    cr_assert_eq(hp_run_execute(&run, &err), 0, "%s", err.message);
    const struct hp_metric *first_producer = metric(&cases[0], "producer_cpu"),
                           *first_consumer = metric(&cases[0], "consumer_cpu");
    cr_assert(first_producer && first_consumer, "%s: no placement recorded", cases[0].name);
    cr_assert_neq(first_producer->value, first_consumer->value, "one CPU for a pinned pair");
    for (size_t i = 0; i < count; i++) {
        const struct hp_case *c = &cases[i];
        const struct hp_metric *producer = metric(c, "producer_cpu"),
                               *consumer = metric(c, "consumer_cpu"),
                               *same_core = metric(c, "same_core"), *pinned = metric(c, "pinned");
        cr_assert(pinned && pinned->value == 1, "%s", c->name);
        cr_assert(producer && producer->value == first_producer->value, "%s", c->name);
        cr_assert(consumer && consumer->value == first_consumer->value, "%s", c->name);
        cr_assert(!same_core || same_core->value == 0, "%s", c->name);
        const struct hp_metric *line = metric(c, "line_handoff_ns");
        cr_assert(line && line->value > 0, "%s", c->name);
    }
    hp_run_release(&run);
    free(cases);
}
