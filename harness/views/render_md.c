/* Documents as Markdown (report.md, phases.md, pull-request comments): GitHub's tables, a cell of
 * several lines joined with <br>, images as links to their files. */
#include <string.h>

#include "render.h"

static void put_text(FILE *f, const struct hp_text *t)
{
    for (size_t i = 0; i < t->count; i++) {
        const struct hp_span *s = &t->spans[i];
        switch (s->style) {
        case HP_SPAN_PLAIN:
            fputs(s->text, f);
            break;
        case HP_SPAN_CODE:
            fprintf(f, "`%s`", s->text);
            break;
        case HP_SPAN_STRONG:
            fprintf(f, "**%s**", s->text);
            break;
        case HP_SPAN_EM:
            fprintf(f, "*%s*", s->text);
            break;
        case HP_SPAN_LINK:
            fprintf(f, "[%s](%s)", s->text, s->href);
            break;
        }
    }
}

static void put_cell(FILE *f, const struct hp_column *column, const struct hp_cell *cell)
{
    const char *mark = cell->strong ? "**" : "";
    const char *code = (column->flags & HP_COLUMN_CODE) && *cell->text ? "`" : "";
    fprintf(f, " %s%s", mark, code);
    for (const char *p = cell->text; *p; p++) {
        if (*p == '\n')
            fprintf(f, "%s<br>%s", code, code);
        else
            fputc(*p, f);
    }
    fprintf(f, "%s%s |", code, mark);
}

static void put_table(FILE *f, const struct hp_table *t)
{
    fputc('|', f);
    for (size_t c = 0; c < t->column_count; c++)
        if (hp_column_shown(&t->columns[c], true))
            fprintf(f, " %s |", t->columns[c].title);
    fputs("\n|", f);
    for (size_t c = 0; c < t->column_count; c++)
        if (hp_column_shown(&t->columns[c], true))
            fputs(t->columns[c].flags & HP_COLUMN_RIGHT ? "---:|" : "---|", f);
    fputc('\n', f);
    for (size_t r = 0; r < t->row_count; r++) {
        fputc('|', f);
        for (size_t c = 0; c < t->column_count; c++)
            if (hp_column_shown(&t->columns[c], true))
                put_cell(f, &t->columns[c], hp_table_cell(t, r, c));
        fputc('\n', f);
    }
}

static void put_block(FILE *f, const struct hp_block *b)
{
    switch (b->kind) {
    case HP_BLOCK_HEADING:
        fprintf(f, "%.*s ", b->level, "######");
        put_text(f, &b->text);
        break;
    case HP_BLOCK_PARAGRAPH:
        put_text(f, &b->text);
        break;
    case HP_BLOCK_LIST:
        for (size_t k = 0; k < b->item_count; k++) {
            fputs(k ? "\n- " : "- ", f);
            put_text(f, &b->items[k]);
        }
        break;
    case HP_BLOCK_TABLE:
        put_table(f, &b->table);
        return; /* ends with its newline */
    case HP_BLOCK_IMAGE:
        fprintf(f, "![%s](%s)", b->alt, b->href);
        break;
    case HP_BLOCK_WARNING:
        if (b->title)
            fprintf(f, "> **Warning: %s**", b->title);
        else
            fputs("> **Warning:** ", f);
        put_text(f, &b->text);
        break;
    case HP_BLOCK_NOTE:
        fputs("> ", f);
        put_text(f, &b->text);
        break;
    }
    fputc('\n', f);
}

static int render(FILE *f, const struct hp_doc *doc, struct hp_error *err)
{
    (void)err;
    for (size_t i = 0; i < doc->count; i++) {
        if (i > 0)
            fputc('\n', f);
        put_block(f, &doc->blocks[i]);
    }
    return 0;
}

const struct hp_renderer hp_render_md = {
    .name = "md", .alias = "markdown", .prose = true, .render = render};
