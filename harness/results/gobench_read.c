/* Go's benchmark format (gobench_read.h). */
#include "gobench_read.h"

#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "files.h"

enum { GOBENCH_MAX_BYTES = 16 << 20 };

/* The row of benchmark `name`, added when new; NULL past the limit. */
static struct hp_gobench_row *row_of(struct hp_gobench *g, const char *name)
{
    for (size_t i = 0; i < g->count; i++)
        if (strcmp(g->rows[i].name, name) == 0)
            return &g->rows[i];
    if (g->count == HP_GOBENCH_MAX_BENCHMARKS)
        return NULL;
    struct hp_gobench_row *row = &g->rows[g->count++];
    memset(row, 0, sizeof *row);
    snprintf(row->name, sizeof row->name, "%s", name);
    return row;
}

struct gobench_line {
    char name[160];
    double ns, bytes, allocs; /* bytes and allocs NAN when the line does not say */
};

/* "BenchmarkNAME-P  ITERATIONS  X ns/op [Y B/op  Z allocs/op]": true when the line is one, its
 * units included (sscanf counts conversions, not the literal text between them, so %n marks
 * where each unit was matched). */
static bool parse_line(const char *line, struct gobench_line *b)
{
    unsigned long long iterations;
    int after_ns = 0, after_allocs = 0;
    b->bytes = b->allocs = NAN;
    if (sscanf(line, "%159s %llu %lf ns/op%n", b->name, &iterations, &b->ns, &after_ns) < 3 ||
        after_ns == 0 || strncmp(b->name, "Benchmark", 9) != 0)
        return false;
    double bytes, allocs;
    if (sscanf(line + after_ns, "%lf B/op %lf allocs/op%n", &bytes, &allocs, &after_allocs) == 2 &&
        after_allocs > 0) {
        b->bytes = bytes;
        b->allocs = allocs;
    }
    return true;
}

int hp_gobench_read(const char *path, struct hp_gobench *out, struct hp_error *err)
{
    memset(out, 0, sizeof *out);
    char *text;
    size_t len;
    if (hp_file_read(path, GOBENCH_MAX_BYTES, &text, &len, err) != 0)
        return -1;
    out->rows = calloc(HP_GOBENCH_MAX_BENCHMARKS, sizeof *out->rows);
    if (!out->rows) {
        free(text);
        return hp_error_set(err, "%s: out of memory", path);
    }
    unsigned line_no = 0;
    for (char *line = text, *next; *line; line = next) {
        next = line + strcspn(line, "\n");
        if (*next)
            *next++ = '\0';
        line_no++;
        struct gobench_line b;
        if (!parse_line(line, &b))
            continue;
        if (!isfinite(b.ns) || b.ns <= 0 ||
            !(isnan(b.bytes) || (isfinite(b.bytes) && b.bytes >= 0)) ||
            !(isnan(b.allocs) || (isfinite(b.allocs) && b.allocs >= 0))) {
            free(text);
            hp_gobench_free(out);
            return hp_error_set(err,
                                "%s:%u: %s: ns/op is not a positive number, or B/op or "
                                "allocs/op is negative",
                                path, line_no, b.name);
        }
        struct hp_gobench_row *row = row_of(out, b.name);
        if (!row || row->samples == HP_GOBENCH_MAX_SAMPLES)
            continue;
        row->ns[row->samples++] = b.ns;
        row->bytes = b.bytes;
        row->allocs = b.allocs;
    }
    free(text);
    return 0;
}

void hp_gobench_free(struct hp_gobench *g)
{
    free(g->rows);
    memset(g, 0, sizeof *g);
}
