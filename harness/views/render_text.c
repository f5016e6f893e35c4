/* Documents as plain text, for terminals: blocks one after another with a blank line between
 * them, tables in columns two spaces apart, each as wide as its widest line (numbers
 * right-aligned), a cell of several lines as several lines of its row. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "render.h"

static void put_text(FILE *f, const struct hp_text *t)
{
    for (size_t i = 0; i < t->count; i++) {
        fputs(t->spans[i].text, f);
        if (t->spans[i].style == HP_SPAN_LINK && strcmp(t->spans[i].text, t->spans[i].href) != 0)
            fprintf(f, " (%s)", t->spans[i].href);
    }
}

/* The length of line `k` of a cell's text (0 past its last line). */
static size_t line_length(const char *text, size_t k, const char **start)
{
    const char *p = text;
    for (; k > 0 && p; k--) {
        p = strchr(p, '\n');
        if (p)
            p++;
    }
    if (!p) {
        *start = "";
        return 0;
    }
    *start = p;
    return strcspn(p, "\n");
}

static size_t line_count(const char *text)
{
    size_t n = 1;
    for (const char *p = text; *p; p++)
        n += *p == '\n';
    return n;
}

/* The text of row `row`'s cell in column c; row SIZE_MAX is the header. */
static const char *cell_text(const struct hp_table *t, size_t row, size_t c)
{
    return row == SIZE_MAX ? t->columns[c].title : hp_table_cell(t, row, c)->text;
}

/* Writes line k of a row (row SIZE_MAX: the header) to f, without trailing blanks. */
static void put_line(FILE *f, const struct hp_table *t, const size_t *width, size_t last,
                     size_t row, size_t k)
{
    char *line = NULL;
    size_t len = 0;
    FILE *out = open_memstream(&line, &len);
    if (!out)
        return;
    const char *gap = "";
    for (size_t c = 0; c <= last; c++) {
        if (!width[c])
            continue;
        const char *start;
        int n = (int)line_length(cell_text(t, row, c), k, &start);
        int pad = (int)width[c] - n;
        if (t->columns[c].flags & HP_COLUMN_RIGHT)
            fprintf(out, "%s%*s%.*s", gap, pad, "", n, start);
        else
            fprintf(out, "%s%.*s%*s", gap, n, start, pad, "");
        gap = "  ";
    }
    fclose(out);
    while (len > 0 && line[len - 1] == ' ')
        len--;
    fprintf(f, "%.*s\n", (int)len, line);
    free(line);
}

static void put_row(FILE *f, const struct hp_table *t, const size_t *width, size_t last, size_t row)
{
    size_t lines = 1;
    for (size_t c = 0; c <= last; c++)
        if (width[c] && line_count(cell_text(t, row, c)) > lines)
            lines = line_count(cell_text(t, row, c));
    for (size_t k = 0; k < lines; k++)
        put_line(f, t, width, last, row, k);
}

static void put_table(FILE *f, const struct hp_table *t)
{
    size_t *width = calloc(t->column_count ? t->column_count : 1, sizeof *width);
    if (!width)
        return;
    size_t last = 0;
    for (size_t c = 0; c < t->column_count; c++) {
        if (!hp_column_shown(&t->columns[c], true))
            continue;
        width[c] = strlen(t->columns[c].title) ? strlen(t->columns[c].title) : 1;
        for (size_t r = 0; r < t->row_count; r++) {
            const char *text = cell_text(t, r, c), *start;
            for (size_t k = 0; k < line_count(text); k++)
                if (line_length(text, k, &start) > width[c])
                    width[c] = line_length(text, k, &start);
        }
        last = c;
    }
    put_row(f, t, width, last, SIZE_MAX);
    for (size_t r = 0; r < t->row_count; r++)
        put_row(f, t, width, last, r);
    free(width);
}

static int render(FILE *f, const struct hp_doc *doc, struct hp_error *err)
{
    (void)err;
    for (size_t i = 0; i < doc->count; i++) {
        const struct hp_block *b = &doc->blocks[i];
        if (i > 0)
            fputc('\n', f);
        switch (b->kind) {
        case HP_BLOCK_HEADING:
        case HP_BLOCK_PARAGRAPH:
            put_text(f, &b->text);
            fputc('\n', f);
            break;
        case HP_BLOCK_LIST:
            for (size_t k = 0; k < b->item_count; k++) {
                fputs("- ", f);
                put_text(f, &b->items[k]);
                fputc('\n', f);
            }
            break;
        case HP_BLOCK_TABLE:
            put_table(f, &b->table);
            break;
        case HP_BLOCK_IMAGE:
            fprintf(f, "chart: %s (%s)\n", b->alt, b->href);
            break;
        case HP_BLOCK_WARNING:
            fprintf(f, "WARNING: %s", b->title ? b->title : "");
            put_text(f, &b->text);
            fputc('\n', f);
            break;
        case HP_BLOCK_NOTE:
            fputs("note: ", f);
            put_text(f, &b->text);
            fputc('\n', f);
            break;
        }
    }
    return 0;
}

const struct hp_renderer hp_render_text = {.name = "text", .prose = true, .render = render};
