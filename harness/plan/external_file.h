/* `.external` files: the sources of external cases a run measures beside its C cases
 * (docs/external-cases.md). One INI section per source:
 *
 *     [go]
 *     protocol = line                 ; line | go-bench | google-benchmark-json
 *     build = {dir}/../scripts/go-peers.sh {out} build -o {out}/hotpath-peers .
 *     command = {out}/hotpath-peers
 *     declined_by = HOTPATH_NO_GO     ; optional
 *
 * One-shot sources also take `peer = LABEL` and `bench.NAME = WORKLOAD [threads=T]` lines.
 * Refused, with "FILE:LINE: reason", before anything runs: a syntax error, a key outside a
 * section, an unknown key, a key given twice, a bad source name, an unknown protocol, a section
 * without command, a line-protocol source with peer or bench keys, a one-shot source without
 * peer or bench keys, a bad thread count.
 */
#ifndef HOTPATH_EXTERNAL_FILE_H
#define HOTPATH_EXTERNAL_FILE_H

#include <stdbool.h>
#include <stddef.h>

#include "common/error.h"

enum {
    HP_EXTERNAL_SOURCES_MAX = 16,
    HP_EXTERNAL_BENCH_MAX = 64,
    HP_EXTERNAL_NAME_MAX = 33,
    HP_EXTERNAL_TEXT_MAX = 1024,
};

enum hp_external_protocol {
    HP_EXTERNAL_LINE,
    HP_EXTERNAL_GO_BENCH,
    HP_EXTERNAL_GOOGLE_BENCHMARK_JSON,
};

struct hp_external_bench {
    char name[160];     /* the benchmark's name in the output, without Go's -P suffix */
    char workload[128]; /* what it stands beside */
    unsigned threads;   /* default 1 */
    unsigned line;
};

struct hp_external_source {
    char name[HP_EXTERNAL_NAME_MAX];
    unsigned line; /* of its section header */
    enum hp_external_protocol protocol;
    char command[HP_EXTERNAL_TEXT_MAX]; /* placeholders not yet replaced */
    char build[HP_EXTERNAL_TEXT_MAX];   /* "" when none */
    char declined_by[64];               /* "" when none */
    char peer[HP_EXTERNAL_NAME_MAX];    /* one-shot only */
    struct hp_external_bench bench[HP_EXTERNAL_BENCH_MAX];
    size_t bench_count;
};

struct hp_external_file {
    char path[4096];
    char dir[4096]; /* absolute: {dir} */
    struct hp_external_source sources[HP_EXTERNAL_SOURCES_MAX];
    size_t count;
};

/* Reads PATH (at most 64 KiB). 0, or -1 with err set ("FILE:LINE: reason"). */
int hp_external_file_read(const char *path, struct hp_external_file *out, struct hp_error *err);

/* The protocol's name as written in the file. */
const char *hp_external_protocol_name(enum hp_external_protocol p);

/* Replaces {dir} and {out} in text. 0, or -1 when the result does not fit. */
int hp_external_expand(const char *text, const char *dir, const char *out_dir, char *result,
                       size_t size);

#endif
