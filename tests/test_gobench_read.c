/* Go's benchmark lines as a one-shot external source prints them (cli/one_shot_output.h),
 * including what fuzz/fuzz_gobench.c found in the reader this one replaced: a line whose "ns/op"
 * unit is missing was read with the next number as its time. */
#include <criterion/criterion.h>

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "one_shot_output.h"

static struct hp_one_shot_sample out[8];
static char why[256];

static long parse(const char *text)
{
    why[0] = '\0';
    return hp_one_shot_parse_go(text, out, 8, why, sizeof why);
}

Test(gobench_read, samples_with_memory_figures_and_the_procs_suffix)
{
    cr_assert_eq(parse("goos: linux\n"
                       "BenchmarkGin/static-2  1000000  52.5 ns/op  16 B/op  1 allocs/op\n"
                       "BenchmarkGin/static-2  1000000  51.5 ns/op\n"
                       "BenchmarkHttprouter  500000  101 ns/op  3.5 widgets/op\nPASS\n"),
                 3, "%s", why);
    cr_assert_str_eq(out[0].name, "BenchmarkGin/static");
    cr_assert_eq(out[0].procs, 2);
    cr_assert_float_eq(out[0].bytes, 16, 1e-9);
    cr_assert_float_eq(out[0].allocs, 1, 1e-9);
    cr_assert_float_eq(out[1].ns, 51.5, 1e-9);
    cr_assert(isnan(out[1].bytes) && isnan(out[1].allocs), "the line did not say B/op");
    cr_assert_str_eq(out[2].name, "BenchmarkHttprouter");
    cr_assert_eq(out[2].procs, 0);
    cr_assert_float_eq(out[2].ns, 101, 1e-9);
    cr_assert_float_eq(out[2].iterations, 500000, 1e-9);
}

/* fuzz_gobench's first find: "1000000 0 B/op" took 0 as the ns/op. */
Test(gobench_read, a_line_without_ns_per_op_is_not_a_sample)
{
    cr_assert_eq(parse("BenchmarkGin/static-2  1000000  0 B/op  0 allocs/op\n"
                       "BenchmarkGin/static-2\n"
                       "BenchmarkGin/static-2  1000000  51.9 ns/op\n"),
                 1, "%s", why);
    cr_assert_float_eq(out[0].ns, 51.9, 1e-9);
}

Test(gobench_read, a_bad_figure_is_refused_with_its_line)
{
    static const char *const bad[] = {"10 0 ns/op",
                                      "10 nan ns/op",
                                      "10 inf ns/op",
                                      "10 -3 ns/op",
                                      "10 5 ns/op -1 B/op 0 allocs/op",
                                      "0 5 ns/op",
                                      "1e300 5 ns/op",
                                      "2.5 5 ns/op",
                                      "10 ns/op 5 ns/op"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        char text[128];
        snprintf(text, sizeof text, "goos: linux\n\nBenchmarkX-1 %s\nBenchmarkX-1 10 5 ns/op\n",
                 bad[i]);
        cr_assert_eq(parse(text), -1, "%s accepted", bad[i]);
        cr_assert(strstr(why, "line 3 of the output: BenchmarkX-1: "), "%s: %s", bad[i], why);
    }
}

Test(gobench_read, samples_past_the_room_are_left_out)
{
    char text[2048] = "";
    for (int i = 0; i < 12; i++)
        snprintf(text + strlen(text), sizeof text - strlen(text), "BenchmarkX %d 5 ns/op\n", i + 1);
    cr_assert_eq(parse(text), 8, "%s", why);
    cr_assert_float_eq(out[7].iterations, 8, 1e-9);
}

Test(gobench_read, google_benchmark_json_refuses_a_bad_run_by_index)
{
    const char *good = "{\"benchmarks\": [{\"name\": \"BM_a\", \"iterations\": 10, "
                       "\"real_time\": 0.5, \"cpu_time\": 0.4, \"time_unit\": \"us\"}, "
                       "{\"name\": \"BM_a_mean\", \"run_type\": \"aggregate\"}, "
                       "{\"name\": \"BM_b\", \"error_occurred\": true}]}";
    cr_assert_eq(hp_one_shot_parse_google_json(good, strlen(good), out, 8, why, sizeof why), 1,
                 "%s", why);
    cr_assert_float_eq(out[0].ns, 500, 1e-9);
    cr_assert_float_eq(out[0].cpu_ns, 400, 1e-9);
    cr_assert(isnan(out[0].allocs));
    const char *bad = "{\"benchmarks\": [{\"name\": \"BM_a\", \"iterations\": 10, "
                      "\"real_time\": 5, \"time_unit\": \"ns\"}, {\"name\": \"BM_b\", "
                      "\"iterations\": 10, \"real_time\": 0, \"time_unit\": \"ns\"}]}";
    cr_assert_eq(hp_one_shot_parse_google_json(bad, strlen(bad), out, 8, why, sizeof why), -1);
    cr_assert(strstr(why, "benchmarks[1] (BM_b): real_time"), "%s", why);
}
