/* Small demonstration cases with known answers: they show what a results file looks like and
 * let the tests check the harness against facts (an op that allocates exactly k times must be
 * reported as k allocs/op, on any number of threads). */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "alloc_count.h"
#include "workload.h"

static int demo_setup(const struct hp_case_params *params, void **shared, struct hp_error *err)
{
    (void)params;
    (void)err;
    *shared = NULL;
    return 0;
}

/* k allocations of 64 bytes per op, each freed before the next op. */
#define DEFINE_ALLOC_RUN(k)                                                                        \
    static uint64_t alloc##k##_run(void *local, uint64_t n)                                        \
    {                                                                                              \
        (void)local;                                                                               \
        uint64_t sum = 0;                                                                          \
        for (uint64_t i = 0; i < n; i++) {                                                         \
            void *p[(k) > 0 ? (k) : 1];                                                            \
            for (int j = 0; j < (k); j++) {                                                        \
                p[j] = malloc(64);                                                                 \
                /* the pointer escapes, so the compiler cannot elide the malloc/free pair */       \
                __asm__ volatile("" : : "r"(p[j]) : "memory");                                     \
                sum += (uintptr_t)p[j] & 0xff;                                                     \
            }                                                                                      \
            for (int j = 0; j < (k); j++)                                                          \
                free(p[j]);                                                                        \
            __asm__ volatile("" ::: "memory");                                                     \
        }                                                                                          \
        return sum;                                                                                \
    }

DEFINE_ALLOC_RUN(0)
DEFINE_ALLOC_RUN(1)
DEFINE_ALLOC_RUN(3)

const struct hp_workload hp_workload_demo_allocs_0 = {
    .name = "demo/allocs-0",
    .summary = "a loop iteration that allocates nothing (allocation counter check: 0)",
    .setup = demo_setup,
    .run = alloc0_run,
};

const struct hp_workload hp_workload_demo_allocs_1 = {
    .name = "demo/allocs-1",
    .summary = "malloc(64) + free per op (allocation counter check: exactly 1)",
    .setup = demo_setup,
    .run = alloc1_run,
};

const struct hp_workload hp_workload_demo_allocs_3 = {
    .name = "demo/allocs-3",
    .summary = "three malloc(64) + free per op (allocation counter check: exactly 3)",
    .setup = demo_setup,
    .run = alloc3_run,
};

/* FNV-1a over a 64-byte buffer in L1: a steady, quiet, compute-only op. */
struct hash_state {
    unsigned char buf[64];
};

static int hash_setup(const struct hp_case_params *params, void **shared, struct hp_error *err)
{
    struct hash_state *s = malloc(sizeof *s);
    if (!s)
        return hp_error_set(err, "out of memory");
    for (size_t i = 0; i < sizeof s->buf; i++)
        s->buf[i] = (unsigned char)(i * 7 + params->seed);
    *shared = s;
    return 0;
}

/* Test knobs of the regression gate (scripts/prove-gate.sh, docs/ci.md), never set in a default
 * build: HOTPATH_TEST_SLOWDOWN_PCT=P hashes ceil(64 * P / 100) more bytes per op (the op is a
 * chain of dependent multiplies, so its time grows by at least P%), HOTPATH_TEST_EXTRA_ALLOC=1
 * adds one malloc(64) + free per op. Pass them as C flags:
 * cmake -DCMAKE_C_FLAGS=-DHOTPATH_TEST_SLOWDOWN_PCT=10 (recorded in the results' build.cflags). */
#ifndef HOTPATH_TEST_SLOWDOWN_PCT
#define HOTPATH_TEST_SLOWDOWN_PCT 0
#endif
#ifndef HOTPATH_TEST_EXTRA_ALLOC
#define HOTPATH_TEST_EXTRA_ALLOC 0
#endif
enum { HASH_EXTRA_BYTES = (64 * HOTPATH_TEST_SLOWDOWN_PCT + 99) / 100 };

static uint64_t hash_run(void *local, uint64_t n)
{
    const struct hash_state *s = local;
    uint64_t h = 0xcbf29ce484222325ull;
    for (uint64_t i = 0; i < n; i++) {
        for (size_t j = 0; j < sizeof s->buf; j++) {
            h ^= s->buf[j];
            h *= 0x100000001b3ull;
        }
#if HOTPATH_TEST_SLOWDOWN_PCT > 0
        for (size_t j = 0; j < HASH_EXTRA_BYTES; j++) {
            h ^= s->buf[j % sizeof s->buf];
            h *= 0x100000001b3ull;
        }
#endif
#if HOTPATH_TEST_EXTRA_ALLOC
        void *extra = malloc(64);
        __asm__ volatile("" : : "r"(extra) : "memory"); /* escapes: not elided */
        free(extra);
#endif
    }
    return h;
}

const struct hp_workload hp_workload_demo_hash = {
    .name = "demo/fnv64",
    .summary = "FNV-1a over 64 bytes in L1: a quiet compute-only op",
    .setup = hash_setup,
    .run = hash_run,
    .teardown = free,
};

/* Two functions of known relative cost for the profiler's tests (profile.h): each op calls
 * demo_work_once (a chain of DEMO_WORK_STEPS multiply-xor steps) and demo_work_thrice (three
 * times as many), so a profile must give them a quarter and three quarters of the work. */
enum { DEMO_WORK_STEPS = 200 };

__attribute__((noinline)) static uint64_t demo_work_steps(uint64_t h, unsigned steps)
{
    for (unsigned i = 0; i < steps; i++) {
        h ^= i;
        h *= 0x100000001b3ull;
        __asm__ volatile("" : "+r"(h)); /* one step at a time: not folded or vectorised */
    }
    return h;
}

/* Neither ends in a tail call (the empty asm after the call): a frame-pointer walk of a sampled
 * stack would not see a frame that jumped to demo_work_steps instead of calling it. */
__attribute__((noinline)) static uint64_t demo_work_once(uint64_t h)
{
    h = demo_work_steps(h, DEMO_WORK_STEPS);
    __asm__ volatile("" : "+r"(h));
    return h;
}

__attribute__((noinline)) static uint64_t demo_work_thrice(uint64_t h)
{
    h = demo_work_steps(h, 3 * DEMO_WORK_STEPS);
    __asm__ volatile("" : "+r"(h));
    return h;
}

static uint64_t work_run(void *local, uint64_t n)
{
    (void)local;
    uint64_t h = 0xcbf29ce484222325ull;
    for (uint64_t i = 0; i < n; i++)
        h = demo_work_thrice(demo_work_once(h));
    return h;
}

const struct hp_workload hp_workload_demo_work_1x3x = {
    .name = "demo/work-1x3x",
    .summary = "two functions doing 1x and 3x the same work per op (the profiler's check)",
    .setup = demo_setup,
    .run = work_run,
};

/* demo/steps: n multiply-xor steps per op, n a parameter (--param n=...): work exactly linear in
 * n, the complexity fit's check (it must come out O(n)). */
static int steps_setup(const struct hp_case_params *params, void **shared, struct hp_error *err)
{
    unsigned *steps = malloc(sizeof *steps);
    if (!steps)
        return hp_error_set(err, "out of memory");
    *steps = (unsigned)params->param[0];
    *shared = steps;
    return 0;
}

static uint64_t steps_run(void *local, uint64_t n)
{
    unsigned steps = *(const unsigned *)local;
    uint64_t h = 0xcbf29ce484222325ull;
    for (uint64_t i = 0; i < n; i++)
        h = demo_work_steps(h, steps);
    return h;
}

const struct hp_workload hp_workload_demo_steps = {
    .name = "demo/steps",
    .summary = "n dependent multiply-xor steps per op: work linear in n (the fit's check)",
    .params = {{"n", "steps per op", 1, 10000000, 100}},
    .setup = steps_setup,
    .run = steps_run,
    .teardown = free,
};

/* demo/held: setup builds a known structure, n blocks of 64 bytes and one array of n pointers,
 * and records what it holds (workload.h), so a test can check the held-memory figures against
 * the allocation counter's exact bytes: 64 n + 8 n requested. The op reads one block. */
struct held_demo {
    void **blocks;
    size_t count, cursor;
};

static void held_free(void *shared)
{
    struct held_demo *d = shared;
    for (size_t i = 0; d && i < d->count; i++)
        free(d->blocks[i]);
    if (d)
        free(d->blocks);
    free(d);
}

static int held_setup(const struct hp_case_params *params, void **shared, struct hp_error *err)
{
    struct held_demo *d = calloc(1, sizeof *d);
    if (!d)
        return hp_error_set(err, "out of memory");
    bool window = params->metrics && hp_alloc_held_begin() == 0;
    size_t n = (size_t)params->param[0];
    d->blocks = malloc(n * sizeof *d->blocks);
    for (; d->blocks && d->count < n && (d->blocks[d->count] = malloc(64)); d->count++)
        memset(d->blocks[d->count], (int)d->count, 64);
    struct hp_alloc_held held;
    if (window)
        hp_alloc_held_end(&held);
    if (d->count < n) {
        held_free(d);
        return hp_error_set(err, "out of memory");
    }
    if (window)
        hp_metrics_add_held(params->metrics, &held, "block", n);
    *shared = d;
    return 0;
}

static uint64_t held_run(void *local, uint64_t n)
{
    struct held_demo *d = local;
    uint64_t sum = 0;
    for (uint64_t i = 0; i < n; i++) {
        sum += *(const unsigned char *)d->blocks[d->cursor];
        if (++d->cursor == d->count)
            d->cursor = 0;
    }
    return sum;
}

const struct hp_workload hp_workload_demo_held = {
    .name = "demo/held",
    .summary = "n blocks of 64 bytes built at setup (the held-memory figures' check)",
    .params = {{"n", "blocks of 64 bytes", 1, 1000000, 100}},
    .setup = held_setup,
    .run = held_run,
    .teardown = held_free,
};
