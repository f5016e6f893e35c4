/* Go's benchmark format (gobench_read.h). */
#include "gobench_read.h"

#include <math.h>
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
    for (char *line = text, *next; *line; line = next) {
        next = line + strcspn(line, "\n");
        if (*next)
            *next++ = '\0';
        char name[160];
        unsigned long long iterations;
        double ns, bytes = NAN, allocs = NAN;
        int got = sscanf(line, "%159s %llu %lf ns/op %lf B/op %lf allocs/op", name, &iterations,
                         &ns, &bytes, &allocs);
        if (got < 3 || strncmp(name, "Benchmark", 9) != 0)
            continue;
        struct hp_gobench_row *row = row_of(out, name);
        if (!row || row->samples == HP_GOBENCH_MAX_SAMPLES)
            continue;
        row->ns[row->samples++] = ns;
        row->bytes = bytes;
        row->allocs = allocs;
    }
    free(text);
    return 0;
}

void hp_gobench_free(struct hp_gobench *g)
{
    free(g->rows);
    memset(g, 0, sizeof *g);
}
