/* The document model (doc.h) and the choice of a renderer (render.h). */
#define _GNU_SOURCE
#include "doc.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "render.h"

/* ---- building --------------------------------------------------------------------------- */

/* Grows an array of `size`-byte items to hold one more; false (and doc failed) when out of
 * memory. */
static bool grow(struct hp_doc *doc, void **items, size_t *capacity, size_t count, size_t size)
{
    if (count < *capacity)
        return true;
    size_t want = *capacity ? 2 * *capacity : 8;
    void *grown = realloc(*items, want * size);
    if (!grown) {
        doc->failed = true;
        return false;
    }
    *items = grown;
    *capacity = want;
    return true;
}

static char *format_text(struct hp_doc *doc, const char *fmt, va_list ap)
{
    char *s = NULL;
    if (vasprintf(&s, fmt, ap) < 0) {
        doc->failed = true;
        return NULL;
    }
    return s;
}

static char *copy(struct hp_doc *doc, const char *s)
{
    char *c = s ? strdup(s) : NULL;
    if (s && !c)
        doc->failed = true;
    return c;
}

void hp_doc_init(struct hp_doc *doc, const char *title)
{
    memset(doc, 0, sizeof *doc);
    doc->title = copy(doc, title);
}

/* A block of `kind` at the end, zeroed; NULL when out of memory. */
static struct hp_block *add_block(struct hp_doc *doc, enum hp_block_kind kind)
{
    if (!grow(doc, (void **)&doc->blocks, &doc->capacity, doc->count, sizeof *doc->blocks))
        return NULL;
    struct hp_block *b = &doc->blocks[doc->count++];
    memset(b, 0, sizeof *b);
    b->kind = kind;
    b->text.doc = doc;
    b->table.doc = doc;
    return b;
}

/* Where the spans of a block that could not be added go: nowhere. */
static struct hp_text *discard(struct hp_doc *doc)
{
    static __thread struct hp_text nowhere;
    nowhere = (struct hp_text){.doc = doc};
    return &nowhere;
}

static void add_span(struct hp_text *t, enum hp_span_style style, const char *href, const char *fmt,
                     va_list ap)
{
    if (t->doc->failed)
        return;
    char *text = format_text(t->doc, fmt, ap);
    char *link = copy(t->doc, href);
    if (!text || !grow(t->doc, (void **)&t->spans, &t->capacity, t->count, sizeof *t->spans)) {
        free(text);
        free(link);
        return;
    }
    t->spans[t->count++] = (struct hp_span){style, text, link};
}

#define SPAN_FUNCTION(name, style)                                                                 \
    void name(struct hp_text *t, const char *fmt, ...)                                             \
    {                                                                                              \
        va_list ap;                                                                                \
        va_start(ap, fmt);                                                                         \
        add_span(t, style, NULL, fmt, ap);                                                         \
        va_end(ap);                                                                                \
    }
SPAN_FUNCTION(hp_text_add, HP_SPAN_PLAIN)
SPAN_FUNCTION(hp_text_code, HP_SPAN_CODE)
SPAN_FUNCTION(hp_text_strong, HP_SPAN_STRONG)
SPAN_FUNCTION(hp_text_em, HP_SPAN_EM)
#undef SPAN_FUNCTION

void hp_text_link(struct hp_text *t, const char *href, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    add_span(t, HP_SPAN_LINK, href, fmt, ap);
    va_end(ap);
}

struct hp_text *hp_doc_heading(struct hp_doc *doc, int level, const char *fmt, ...)
{
    struct hp_block *b = add_block(doc, HP_BLOCK_HEADING);
    if (!b)
        return discard(doc);
    b->level = level;
    va_list ap;
    va_start(ap, fmt);
    add_span(&b->text, HP_SPAN_PLAIN, NULL, fmt, ap);
    va_end(ap);
    return &b->text;
}

struct hp_text *hp_doc_paragraph(struct hp_doc *doc)
{
    struct hp_block *b = add_block(doc, HP_BLOCK_PARAGRAPH);
    return b ? &b->text : discard(doc);
}

void hp_doc_para(struct hp_doc *doc, const char *fmt, ...)
{
    struct hp_text *t = hp_doc_paragraph(doc);
    va_list ap;
    va_start(ap, fmt);
    add_span(t, HP_SPAN_PLAIN, NULL, fmt, ap);
    va_end(ap);
}

struct hp_text *hp_doc_warning(struct hp_doc *doc, const char *title)
{
    struct hp_block *b = add_block(doc, HP_BLOCK_WARNING);
    if (!b)
        return discard(doc);
    b->title = copy(doc, title);
    return &b->text;
}

struct hp_text *hp_doc_note(struct hp_doc *doc)
{
    struct hp_block *b = add_block(doc, HP_BLOCK_NOTE);
    return b ? &b->text : discard(doc);
}

void hp_doc_list(struct hp_doc *doc)
{
    add_block(doc, HP_BLOCK_LIST);
}

struct hp_text *hp_doc_item(struct hp_doc *doc)
{
    struct hp_block *b = doc->count ? &doc->blocks[doc->count - 1] : NULL;
    if (doc->failed || !b || b->kind != HP_BLOCK_LIST)
        return discard(doc);
    size_t capacity = b->item_count; /* grown one at a time: lists are short */
    if (!grow(doc, (void **)&b->items, &capacity, b->item_count, sizeof *b->items))
        return discard(doc);
    struct hp_text *t = &b->items[b->item_count++];
    *t = (struct hp_text){.doc = doc};
    return t;
}

struct hp_table *hp_doc_table(struct hp_doc *doc)
{
    struct hp_block *b = add_block(doc, HP_BLOCK_TABLE);
    if (b)
        return &b->table;
    static __thread struct hp_table nowhere;
    nowhere = (struct hp_table){.doc = doc};
    return &nowhere;
}

void hp_doc_image(struct hp_doc *doc, const char *alt, const char *href, const char *file)
{
    struct hp_block *b = add_block(doc, HP_BLOCK_IMAGE);
    if (!b)
        return;
    b->alt = copy(doc, alt);
    b->href = copy(doc, href);
    b->file = copy(doc, file);
}

void hp_table_column(struct hp_table *t, const char *title, const char *key, unsigned flags)
{
    if (t->doc->failed)
        return;
    size_t capacity = t->column_count;
    if (!grow(t->doc, (void **)&t->columns, &capacity, t->column_count, sizeof *t->columns))
        return;
    t->columns[t->column_count++] =
        (struct hp_column){copy(t->doc, title), copy(t->doc, key ? key : title), flags};
}

void hp_table_row(struct hp_table *t)
{
    /* Rows are counted by their cells; a row started short is padded with empty cells. */
    while (!t->doc->failed && t->cell_count < t->row_count * t->column_count)
        hp_table_text(t, "%s", "");
    t->row_count++;
}

static void add_cell(struct hp_table *t, double value, const char *fmt, va_list ap)
{
    if (t->doc->failed || t->cell_count >= t->row_count * t->column_count)
        return;
    char *text = format_text(t->doc, fmt, ap);
    if (!text ||
        !grow(t->doc, (void **)&t->cells, &t->cell_capacity, t->cell_count, sizeof *t->cells)) {
        free(text);
        return;
    }
    t->cells[t->cell_count++] = (struct hp_cell){text, value, false};
}

void hp_table_text(struct hp_table *t, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    add_cell(t, NAN, fmt, ap);
    va_end(ap);
}

void hp_table_number(struct hp_table *t, double value, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    add_cell(t, value, fmt, ap);
    va_end(ap);
}

void hp_table_strong(struct hp_table *t)
{
    if (t->cell_count > 0)
        t->cells[t->cell_count - 1].strong = true;
}

const struct hp_cell *hp_table_cell(const struct hp_table *t, size_t row, size_t column)
{
    static const struct hp_cell empty = {"", NAN, false};
    size_t i = row * t->column_count + column;
    return i < t->cell_count ? &t->cells[i] : &empty;
}

char *hp_text_plain(const struct hp_text *t)
{
    char *out = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&out, &len);
    if (!f)
        return NULL;
    for (size_t i = 0; i < t->count; i++)
        fputs(t->spans[i].text, f);
    fclose(f);
    return out;
}

/* ---- freeing ---------------------------------------------------------------------------- */

static void free_text(struct hp_text *t)
{
    for (size_t i = 0; i < t->count; i++) {
        free(t->spans[i].text);
        free(t->spans[i].href);
    }
    free(t->spans);
}

static void free_table(struct hp_table *t)
{
    for (size_t i = 0; i < t->column_count; i++) {
        free(t->columns[i].title);
        free(t->columns[i].key);
    }
    for (size_t i = 0; i < t->cell_count; i++)
        free(t->cells[i].text);
    free(t->columns);
    free(t->cells);
}

void hp_doc_free(struct hp_doc *doc)
{
    for (size_t i = 0; i < doc->count; i++) {
        struct hp_block *b = &doc->blocks[i];
        free_text(&b->text);
        for (size_t k = 0; k < b->item_count; k++)
            free_text(&b->items[k]);
        free(b->items);
        free_table(&b->table);
        free(b->title);
        free(b->alt);
        free(b->href);
        free(b->file);
    }
    free(doc->blocks);
    free(doc->title);
    memset(doc, 0, sizeof *doc);
}

/* ---- renderers -------------------------------------------------------------------------- */

#define HP_RENDERER(symbol) extern const struct hp_renderer symbol;
#include "renderer_list.h"
#undef HP_RENDERER

static const struct hp_renderer *const renderers[] = {
#define HP_RENDERER(symbol) &symbol,
#include "renderer_list.h"
#undef HP_RENDERER
};

const struct hp_renderer *hp_renderer_find(const char *name)
{
    for (size_t i = 0; i < sizeof renderers / sizeof renderers[0]; i++)
        if (strcmp(renderers[i]->name, name) == 0 ||
            (renderers[i]->alias && strcmp(renderers[i]->alias, name) == 0))
            return renderers[i];
    return NULL;
}

size_t hp_renderer_names(char *out, size_t size)
{
    size_t used = 0;
    out[0] = '\0';
    for (size_t i = 0; i < sizeof renderers / sizeof renderers[0]; i++)
        used += (size_t)snprintf(out + used, used < size ? size - used : 0, "%s%s", i ? ", " : "",
                                 renderers[i]->name);
    return used;
}

const struct hp_renderer *hp_renderer_for_flag(const char *name, struct hp_error *err)
{
    const struct hp_renderer *r = hp_renderer_find(name);
    if (!r) {
        char valid[256];
        hp_renderer_names(valid, sizeof valid);
        hp_error_set(err, "--format '%s': unknown (valid: %s)", name, valid);
    }
    return r;
}

int hp_doc_render(FILE *f, const struct hp_doc *doc, const struct hp_renderer *r,
                  struct hp_error *err)
{
    if (doc->failed)
        return hp_error_set(err, "out of memory building %s", doc->title ? doc->title : "output");
    return r->render(f, doc, err);
}

void hp_doc_warnings_to(FILE *f, const struct hp_doc *doc)
{
    for (size_t i = 0; i < doc->count; i++) {
        const struct hp_block *b = &doc->blocks[i];
        if (b->kind != HP_BLOCK_WARNING)
            continue;
        char *body = hp_text_plain(&b->text);
        fprintf(f, "WARNING: %s%s\n", b->title ? b->title : "", body ? body : "");
        free(body);
    }
}

bool hp_column_shown(const struct hp_column *c, bool prose)
{
    return !(c->flags & (prose ? HP_COLUMN_DATA : HP_COLUMN_SHOWN));
}
