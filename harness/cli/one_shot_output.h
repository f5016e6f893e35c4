/* The output of a one-shot external source (docs/external-cases.md): Go's benchmark lines
 * (`go test -bench`) or Google Benchmark's JSON (--benchmark_format=json), read into samples.
 * Pure functions over text, so that tests and fuzz/fuzz_one_shot_output.c call them directly.
 *
 * A Go benchmark line is "BenchmarkNAME[-P] ITERATIONS X ns/op [Y B/op] [Z allocs/op] ...";
 * other lines (goos:, pkg:, PASS, a name alone, a Benchmark line without "ns/op") are skipped.
 * A line with "ns/op" whose time is not a positive number (0, -3, nan, inf), or whose B/op or
 * allocs/op is not a non-negative number, refuses the whole output with "line N of the output:
 * NAME: ...": a bad figure is never a sample and never silently dropped. The same holds for a
 * Google Benchmark iteration run whose real_time, cpu_time or iterations are not usable.
 */
#ifndef HOTPATH_ONE_SHOT_OUTPUT_H
#define HOTPATH_ONE_SHOT_OUTPUT_H

#include <stddef.h>

/* At most this many iterations a sample: its counts stay exact in a uint64_t. */
#define HP_ONE_SHOT_ITERATIONS_MAX 1e15

struct hp_one_shot_sample {
    char name[160];               /* Go: without the -P suffix */
    double ns;                    /* wall time per op, finite and positive */
    double cpu_ns, allocs, bytes; /* per op, finite and non-negative; NAN when not said */
    double iterations;            /* an integer in [1, HP_ONE_SHOT_ITERATIONS_MAX] */
    unsigned procs;               /* Go's -P suffix, 0 when none */
};

/* Reads Go benchmark lines of text (NUL-terminated) into out (at most max samples, further
 * ones left out). The number of samples, or -1 with why set. */
long hp_one_shot_parse_go(const char *text, struct hp_one_shot_sample *out, size_t max, char *why,
                          size_t why_size);

/* Reads Google Benchmark's JSON (text of len bytes): every iteration run of `benchmarks` is one
 * sample (aggregates are skipped). The number of samples, or -1 with why set (not JSON, no
 * "benchmarks" array, a run with bad figures). */
long hp_one_shot_parse_google_json(const char *text, size_t len, struct hp_one_shot_sample *out,
                                   size_t max, char *why, size_t why_size);

#endif
