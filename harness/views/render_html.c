/* Documents as one self-contained HTML page (report.html): every image is embedded as a data
 * URI, read from its file, so the page needs nothing beside it; text is escaped, a cell of
 * several lines gets <br> between them. */
#include <stdlib.h>
#include <stdbool.h>
#include <string.h>

#include "files.h"
#include "hlog.h"
#include "render.h"

enum { IMAGE_MAX_BYTES = 64 << 20 };

void hp_markup_escape(FILE *f, const char *s, size_t n)
{
    for (; n > 0 && *s; s++, n--) {
        switch (*s) {
        case '<':
            fputs("&lt;", f);
            break;
        case '>':
            fputs("&gt;", f);
            break;
        case '&':
            fputs("&amp;", f);
            break;
        case '"':
            fputs("&quot;", f);
            break;
        default:
            fputc(*s, f);
        }
    }
}

static void put_escaped(FILE *f, const char *s)
{
    hp_markup_escape(f, s, (size_t)-1);
}

static void put_text(FILE *f, const struct hp_text *t)
{
    static const char *const open[] = {[HP_SPAN_PLAIN] = "",
                                       [HP_SPAN_CODE] = "<code>",
                                       [HP_SPAN_STRONG] = "<b>",
                                       [HP_SPAN_EM] = "<em>"};
    static const char *const close[] = {[HP_SPAN_PLAIN] = "",
                                        [HP_SPAN_CODE] = "</code>",
                                        [HP_SPAN_STRONG] = "</b>",
                                        [HP_SPAN_EM] = "</em>"};
    for (size_t i = 0; i < t->count; i++) {
        const struct hp_span *s = &t->spans[i];
        if (s->style == HP_SPAN_LINK) {
            fputs("<a href=\"", f);
            put_escaped(f, s->href);
            fputs("\">", f);
            put_escaped(f, s->text);
            fputs("</a>", f);
            continue;
        }
        fputs(open[s->style], f);
        put_escaped(f, s->text);
        fputs(close[s->style], f);
    }
}

static void put_cell(FILE *f, const char *tag, const struct hp_column *column,
                     const struct hp_cell *cell)
{
    bool code = (column->flags & HP_COLUMN_CODE) && *cell->text;
    fprintf(f, "<%s%s>%s%s", tag,
            column->flags & HP_COLUMN_RIGHT ? " style=\"text-align:right\"" : "",
            cell->strong ? "<b>" : "", code ? "<code>" : "");
    for (const char *p = cell->text;;) {
        size_t len = strcspn(p, "\n");
        hp_markup_escape(f, p, len);
        if (!p[len])
            break;
        fputs("<br>", f);
        p += len + 1;
    }
    fprintf(f, "%s%s</%s>", code ? "</code>" : "", cell->strong ? "</b>" : "", tag);
}

static void put_table(FILE *f, const struct hp_table *t)
{
    fputs("<table>\n<tr>", f);
    for (size_t c = 0; c < t->column_count; c++)
        if (hp_column_shown(&t->columns[c], true)) {
            struct hp_cell title = {t->columns[c].title, 0, false};
            struct hp_column plain = {NULL, NULL, t->columns[c].flags & HP_COLUMN_RIGHT};
            put_cell(f, "th", &plain, &title);
        }
    fputs("</tr>\n", f);
    for (size_t r = 0; r < t->row_count; r++) {
        fputs("<tr>", f);
        for (size_t c = 0; c < t->column_count; c++)
            if (hp_column_shown(&t->columns[c], true))
                put_cell(f, "td", &t->columns[c], hp_table_cell(t, r, c));
        fputs("</tr>\n", f);
    }
    fputs("</table>\n", f);
}

/* The image embedded: a PNG as a data URI, an SVG inline (so that its titles show on hover);
 * a file that cannot be read is said, not linked. */
static void put_image(FILE *f, const struct hp_block *b)
{
    char *bytes = NULL, *b64 = NULL;
    size_t len = 0, name_length = b->file ? strlen(b->file) : 0;
    bool svg = name_length > 4 && strcmp(b->file + name_length - 4, ".svg") == 0;
    struct hp_error ignored;
    bool read = b->file && hp_file_read(b->file, IMAGE_MAX_BYTES, &bytes, &len, &ignored) == 0;
    if (read && svg && strstr(bytes, "<svg")) {
        fputs("<p>", f);
        fputs(strstr(bytes, "<svg"), f); /* without its XML declaration */
        fputs("</p>\n", f);
        free(bytes);
        return;
    }
    if (read)
        b64 = malloc(hp_base64_encoded_len(len) + 1);
    if (!b64) {
        fputs("<p><em>chart missing</em></p>\n", f);
        free(bytes);
        return;
    }
    hp_base64_encode((const unsigned char *)bytes, len, b64);
    fputs("<p><img src=\"data:image/png;base64,", f);
    fputs(b64, f);
    fputs("\" alt=\"", f);
    put_escaped(f, b->alt);
    fputs("\"></p>\n", f);
    free(b64);
    free(bytes);
}

static void put_block(FILE *f, const struct hp_block *b)
{
    switch (b->kind) {
    case HP_BLOCK_HEADING:
        fprintf(f, "<h%d>", b->level);
        put_text(f, &b->text);
        fprintf(f, "</h%d>\n", b->level);
        break;
    case HP_BLOCK_PARAGRAPH:
    case HP_BLOCK_WARNING:
        fputs("<p>", f);
        if (b->kind == HP_BLOCK_WARNING) {
            fputs("<b>Warning:", f);
            if (b->title) {
                fputc(' ', f);
                put_escaped(f, b->title);
            }
            fputs(b->title ? "</b>" : "</b> ", f);
        }
        put_text(f, &b->text);
        fputs("</p>\n", f);
        break;
    case HP_BLOCK_LIST:
        fputs("<ul>\n", f);
        for (size_t k = 0; k < b->item_count; k++) {
            fputs("<li>", f);
            put_text(f, &b->items[k]);
            fputs("</li>\n", f);
        }
        fputs("</ul>\n", f);
        break;
    case HP_BLOCK_TABLE:
        put_table(f, &b->table);
        break;
    case HP_BLOCK_IMAGE:
        put_image(f, b);
        break;
    case HP_BLOCK_NOTE:
        fputs("<blockquote>", f);
        put_text(f, &b->text);
        fputs("</blockquote>\n", f);
        break;
    }
}

static int render(FILE *f, const struct hp_doc *doc, struct hp_error *err)
{
    (void)err;
    fputs("<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>", f);
    put_escaped(f, doc->title ? doc->title : "hotpath");
    fputs("</title>\n<style>body{font-family:sans-serif;max-width:1200px;margin:2em auto;"
          "padding:0 1em}table{border-collapse:collapse;font-size:90%}td,th{border:1px solid "
          "#ccc;padding:3px 6px;vertical-align:top}th{background:#f4f4f4}img{max-width:100%}"
          "code{background:#f4f4f4}</style></head><body>\n",
          f);
    for (size_t i = 0; i < doc->count; i++)
        put_block(f, &doc->blocks[i]);
    fputs("</body></html>\n", f);
    return 0;
}

const struct hp_renderer hp_render_html = {.name = "html", .prose = true, .render = render};
