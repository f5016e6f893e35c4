/* The soak mode of the concurrency tests (scripts/soak.sh runs it): with HOTPATH_SOAK_SECONDS=S
 * in the environment, each stress test runs every implementation for S seconds instead of its
 * fixed number of iterations, still checking every answer (the oracle, owner tags, exactly
 * once), and prints one line per implementation:
 *     soak SUBJECT IMPL: N ops, E errors
 * then fails as it would have. Without the variable the tests run as always.
 */
#ifndef HOTPATH_TEST_SOAK_H
#define HOTPATH_TEST_SOAK_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

struct soak {
    const char *subject, *impl;
    double end; /* CLOCK_MONOTONIC seconds; 0 when not soaking */
};

static inline double soak_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* Starts soaking one implementation; false (and nothing to report) when not in soak mode. */
static inline bool soak_start(struct soak *s, const char *subject, const char *impl)
{
    const char *text = getenv("HOTPATH_SOAK_SECONDS");
    double seconds = text ? atof(text) : 0;
    *s = (struct soak){subject, impl, seconds > 0 ? soak_now() + seconds : 0};
    return s->end > 0;
}

/* In soak mode: whether there is time left. Outside it: false (the test's own bound rules). */
static inline bool soak_more(const struct soak *s)
{
    return s->end > 0 && soak_now() < s->end;
}

static inline void soak_report(const struct soak *s, uint64_t ops, uint64_t errors)
{
    if (s->end > 0) {
        printf("soak %s %s: %llu ops, %llu errors\n", s->subject, s->impl, (unsigned long long)ops,
               (unsigned long long)errors);
        fflush(stdout);
    }
}

#endif
