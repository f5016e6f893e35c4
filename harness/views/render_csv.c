/* The tables of a document as CSV (RFC 4180), for spreadsheets and scripts: a header of column
 * keys, then a line per row; a measured number at full precision (empty when not measured),
 * text quoted where needed, a cell of several lines on one line ("; " between them). Prose is
 * not data: headings, paragraphs and warnings are left out (the caller says the warnings on
 * stderr), and several tables are separated by a blank line. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "formats.h"
#include "render.h"

static void put_cell(FILE *f, const struct hp_column *column, const struct hp_cell *cell)
{
    if (column->flags & HP_COLUMN_NUMERIC) {
        if (!isnan(cell->value))
            fprintf(f, "%.10g", cell->value);
        return;
    }
    if (!strchr(cell->text, '\n')) {
        hp_csv_field(f, cell->text, false);
        return;
    }
    char *joined = malloc(2 * strlen(cell->text) + 1), *out = joined;
    if (!joined)
        return;
    for (const char *p = cell->text; *p; p++) {
        if (*p == '\n') {
            *out++ = ';';
            *out++ = ' ';
        } else {
            *out++ = *p;
        }
    }
    *out = '\0';
    hp_csv_field(f, joined, false);
    free(joined);
}

static void put_table(FILE *f, const struct hp_table *t)
{
    const char *comma = "";
    for (size_t c = 0; c < t->column_count; c++) {
        if (!hp_column_shown(&t->columns[c], false))
            continue;
        fputs(comma, f);
        hp_csv_field(f, t->columns[c].key, false);
        comma = ",";
    }
    fputc('\n', f);
    for (size_t r = 0; r < t->row_count; r++) {
        comma = "";
        for (size_t c = 0; c < t->column_count; c++) {
            if (!hp_column_shown(&t->columns[c], false))
                continue;
            fputs(comma, f);
            put_cell(f, &t->columns[c], hp_table_cell(t, r, c));
            comma = ",";
        }
        fputc('\n', f);
    }
}

static int render(FILE *f, const struct hp_doc *doc, struct hp_error *err)
{
    (void)err;
    bool first = true;
    for (size_t i = 0; i < doc->count; i++) {
        if (doc->blocks[i].kind != HP_BLOCK_TABLE)
            continue;
        if (!first)
            fputc('\n', f);
        put_table(f, &doc->blocks[i].table);
        first = false;
    }
    return 0;
}

const struct hp_renderer hp_render_csv = {.name = "csv", .prose = false, .render = render};
