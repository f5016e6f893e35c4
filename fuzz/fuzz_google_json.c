/* The reader of Google Benchmark's JSON (cli/one_shot_output.h: the output of a one-shot source
 * of `hotpath run --external`). Properties: a refusal says why; what loads has at most the room
 * given, every sample a finite positive time, a whole number of iterations in range, and CPU
 * time, allocs and bytes per op absent or finite non-negative. */
#include "fuzz_check.h"

#include <math.h>

#include "one_shot_output.h"

enum { ROOM = 8 };

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *text = fuzz_copy(data, size);
    struct hp_one_shot_sample out[ROOM];
    char why[256] = "";
    long n = hp_one_shot_parse_google_json(text, size, out, ROOM, why, sizeof why);
    free(text);
    if (n < 0) {
        FUZZ_CHECK(why[0] != '\0', "a refusal without a reason");
        return 0;
    }
    FUZZ_CHECK(n <= ROOM, "%ld samples", n);
    for (long i = 0; i < n; i++) {
        const struct hp_one_shot_sample *s = &out[i];
        FUZZ_CHECK(memchr(s->name, '\0', sizeof s->name) != NULL, "sample %ld: name", i);
        FUZZ_CHECK(isfinite(s->ns) && s->ns > 0, "%s: %g ns", s->name, s->ns);
        FUZZ_CHECK(s->iterations >= 1 && s->iterations <= HP_ONE_SHOT_ITERATIONS_MAX &&
                       s->iterations == floor(s->iterations),
                   "%s: %g iterations", s->name, s->iterations);
        FUZZ_CHECK(isnan(s->cpu_ns) || (isfinite(s->cpu_ns) && s->cpu_ns >= 0), "%s: %g cpu ns",
                   s->name, s->cpu_ns);
        FUZZ_CHECK(isnan(s->bytes) || (isfinite(s->bytes) && s->bytes >= 0), "%s: %g bytes",
                   s->name, s->bytes);
        FUZZ_CHECK(isnan(s->allocs) || (isfinite(s->allocs) && s->allocs >= 0), "%s: %g allocs",
                   s->name, s->allocs);
    }
    return 0;
}
