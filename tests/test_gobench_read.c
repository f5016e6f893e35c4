/* Go's benchmark format (results/gobench_read.h), including the inputs fuzz/fuzz_gobench.c
 * found: a line whose "ns/op" unit is missing was read with the next number as its time. */
#include <criterion/criterion.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "gobench_read.h"

static char path[64];

static void write_file(const char *text)
{
    snprintf(path, sizeof path, "gobench-test-%d.txt", (int)getpid());
    FILE *f = fopen(path, "w");
    cr_assert_not_null(f);
    fputs(text, f);
    fclose(f);
}

static int read_text(const char *text, struct hp_gobench *g, struct hp_error *err)
{
    write_file(text);
    int rc = hp_gobench_read(path, g, err);
    unlink(path);
    return rc;
}

Test(gobench_read, samples_per_benchmark_with_memory_figures)
{
    struct hp_gobench g;
    struct hp_error err = {{0}};
    cr_assert_eq(read_text("goos: linux\n"
                           "BenchmarkGin/static-2  1000000  52.5 ns/op  16 B/op  1 allocs/op\n"
                           "BenchmarkGin/static-2  1000000  51.5 ns/op\n"
                           "BenchmarkHttprouter-2  500000  101 ns/op\nPASS\n",
                           &g, &err),
                 0, "%s", err.message);
    cr_assert_eq(g.count, 2);
    cr_assert_str_eq(g.rows[0].name, "BenchmarkGin/static-2");
    cr_assert_eq(g.rows[0].samples, 2);
    cr_assert_float_eq(g.rows[0].ns[1], 51.5, 1e-9);
    cr_assert(isnan(g.rows[0].bytes), "the last sample did not say B/op");
    cr_assert_float_eq(g.rows[1].ns[0], 101, 1e-9);
    hp_gobench_free(&g);
}

/* fuzz_gobench's first find: "1000000 0 B/op" took 0 as the ns/op. */
Test(gobench_read, a_line_without_ns_per_op_is_not_a_sample)
{
    struct hp_gobench g;
    struct hp_error err = {{0}};
    cr_assert_eq(read_text("BenchmarkGin/static-2  1000000  0 B/op  0 allocs/op\n"
                           "BenchmarkGin/static-2  1000000  51.9 ns/op\n",
                           &g, &err),
                 0, "%s", err.message);
    cr_assert_eq(g.count, 1);
    cr_assert_eq(g.rows[0].samples, 1);
    cr_assert_float_eq(g.rows[0].ns[0], 51.9, 1e-9);
    hp_gobench_free(&g);
}

Test(gobench_read, a_time_that_is_not_positive_is_refused_with_its_line)
{
    static const char *const bad[] = {"0 ns/op", "nan ns/op", "inf ns/op", "-3 ns/op",
                                      "5 ns/op -1 B/op 0 allocs/op"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        char text[128];
        snprintf(text, sizeof text, "goos: linux\nBenchmarkX-1 10 %s\n", bad[i]);
        struct hp_gobench g;
        struct hp_error err = {{0}};
        cr_assert_eq(read_text(text, &g, &err), -1, "%s accepted", bad[i]);
        char where[96];
        snprintf(where, sizeof where, "%s:2: BenchmarkX-1", path);
        cr_assert(strstr(err.message, where), "%s: %s", bad[i], err.message);
        cr_assert_eq(g.count, 0);
    }
}
