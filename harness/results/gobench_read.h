/* Reading Go's benchmark format (`go test -bench` output; results.txt and the Go peers'
 * peers.txt, which scripts/peers/run.sh writes into a results directory): one line per sample,
 * "BenchmarkNAME-P  ITERATIONS  X ns/op [Y B/op  Z allocs/op]". Other lines (goos:, pkg:, PASS,
 * blank, a benchmark line without "ns/op") are skipped; a benchmark line whose ns/op is not a
 * positive number (0, nan, inf) or whose B/op or allocs/op is negative is refused with
 * "FILE:LINE: ...". The one reader of such files, beside results_read.h for results.json.
 */
#ifndef HOTPATH_GOBENCH_READ_H
#define HOTPATH_GOBENCH_READ_H

#include <stddef.h>

#include "common/error.h"

enum { HP_GOBENCH_MAX_BENCHMARKS = 64, HP_GOBENCH_MAX_SAMPLES = 256 };

struct hp_gobench_row {
    char name[160];                    /* "BenchmarkGin/static-1" */
    double ns[HP_GOBENCH_MAX_SAMPLES]; /* ns/op of each sample, in file order */
    size_t samples;
    double bytes, allocs; /* per op, from the last sample; NAN when the lines do not say */
};

struct hp_gobench {
    struct hp_gobench_row *rows; /* in order of first appearance */
    size_t count;
};

/* Reads PATH (at most 16 MiB); benchmarks past the first HP_GOBENCH_MAX_BENCHMARKS and samples
 * past HP_GOBENCH_MAX_SAMPLES are left out. 0, or -1 with err naming the file. */
int hp_gobench_read(const char *path, struct hp_gobench *out, struct hp_error *err);
void hp_gobench_free(struct hp_gobench *g);

#endif
