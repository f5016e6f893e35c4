/* The reader of Go's benchmark lines (cli/one_shot_output.h: the output of a one-shot source of
 * `hotpath run --external`). Properties: a refusal says which line; what loads has at most the
 * room given, names without their -P suffix, every sample a finite positive ns/op, a whole
 * number of iterations in range, and B/op and allocs/op absent or finite non-negative. */
#include "fuzz_check.h"

#include <math.h>

#include "one_shot_output.h"

enum { ROOM = 8 };

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *text = fuzz_string(data, size);
    struct hp_one_shot_sample out[ROOM];
    char why[256] = "";
    long n = hp_one_shot_parse_go(text, out, ROOM, why, sizeof why);
    free(text);
    if (n < 0) {
        FUZZ_CHECK(strncmp(why, "line ", 5) == 0, "message: %s", why);
        return 0;
    }
    FUZZ_CHECK(n <= ROOM, "%ld samples", n);
    for (long i = 0; i < n; i++) {
        const struct hp_one_shot_sample *s = &out[i];
        FUZZ_CHECK(memchr(s->name, '\0', sizeof s->name) && strncmp(s->name, "Benchmark", 9) == 0,
                   "sample %ld: name", i);
        FUZZ_CHECK(isfinite(s->ns) && s->ns > 0, "%s: %g ns/op", s->name, s->ns);
        FUZZ_CHECK(s->iterations >= 1 && s->iterations <= HP_ONE_SHOT_ITERATIONS_MAX &&
                       s->iterations == floor(s->iterations),
                   "%s: %g iterations", s->name, s->iterations);
        FUZZ_CHECK(isnan(s->bytes) || (isfinite(s->bytes) && s->bytes >= 0), "%s: %g B/op", s->name,
                   s->bytes);
        FUZZ_CHECK(isnan(s->allocs) || (isfinite(s->allocs) && s->allocs >= 0), "%s: %g allocs/op",
                   s->name, s->allocs);
        FUZZ_CHECK(isnan(s->cpu_ns), "%s: Go lines have no CPU time", s->name);
    }
    return 0;
}
