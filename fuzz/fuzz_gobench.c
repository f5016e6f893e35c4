/* The reader of Go's benchmark format (results/gobench_read.h: results.txt, and peers.txt,
 * the Go peers' output). Properties: a refusal is one message naming the file; what loads has
 * at most the documented number of benchmarks and samples, distinct names starting with
 * "Benchmark", and every sample a finite positive ns/op. */
#include "fuzz_check.h"

#include <math.h>

#include "gobench_read.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *path = fuzz_file(0, data, size);
    struct hp_gobench g;
    struct hp_error err = {{0}};
    if (hp_gobench_read(path, &g, &err) != 0) {
        FUZZ_CHECK(strncmp(err.message, path, strlen(path)) == 0, "message: %s", err.message);
        hp_gobench_free(&g);
        return 0;
    }
    FUZZ_CHECK(g.count <= HP_GOBENCH_MAX_BENCHMARKS, "%zu benchmarks", g.count);
    for (size_t i = 0; i < g.count; i++) {
        const struct hp_gobench_row *row = &g.rows[i];
        FUZZ_CHECK(memchr(row->name, '\0', sizeof row->name) &&
                       strncmp(row->name, "Benchmark", 9) == 0,
                   "row %zu: name", i);
        for (size_t j = 0; j < i; j++)
            FUZZ_CHECK(strcmp(g.rows[j].name, row->name) != 0, "%s twice", row->name);
        FUZZ_CHECK(row->samples >= 1 && row->samples <= HP_GOBENCH_MAX_SAMPLES, "%zu samples",
                   row->samples);
        for (size_t s = 0; s < row->samples; s++)
            FUZZ_CHECK(isfinite(row->ns[s]) && row->ns[s] > 0, "%s: sample %zu is %g ns/op",
                       row->name, s, row->ns[s]);
        FUZZ_CHECK(isnan(row->bytes) || (isfinite(row->bytes) && row->bytes >= 0), "%s: %g B/op",
                   row->name, row->bytes);
        FUZZ_CHECK(isnan(row->allocs) || (isfinite(row->allocs) && row->allocs >= 0),
                   "%s: %g allocs/op", row->name, row->allocs);
    }
    hp_gobench_free(&g);
    return 0;
}
