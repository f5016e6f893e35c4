/* The one model of everything hotpath prints: a document of blocks (headings, paragraphs, lists,
 * tables, images, warnings and notes), built once as data and rendered by one renderer per
 * format (render_text.c, render_md.c, render_csv.c, render_html.c). Every table of the tool is a
 * struct hp_table in such a document: the run summary, the phase and claims tables, compare, the
 * gate and the report's tables, so a view never formats for a format itself.
 *
 * Text inside a block is a list of spans: plain, code, strong, emphasis, or a link; each renderer
 * says them its own way (`x` in Markdown, <code>x</code> in HTML, x in text). A table cell holds
 * text (lines separated by '\n' are one cell of several lines) and, when the cell shows a
 * measured number, that number, which data formats (CSV) write at full precision instead of the
 * text.
 *
 * Builders never fail: a failed allocation marks the document, and hp_doc_render refuses it.
 *
 * To add an output format: write harness/views/render_NAME.c defining
 * `const struct hp_renderer hp_render_NAME` (render.h); the build lists every render_*.c
 * (CMakeLists.txt generates renderer_list.h), so `--format NAME` works for every document.
 */
#ifndef HOTPATH_DOC_H
#define HOTPATH_DOC_H

#include <stdbool.h>
#include <stddef.h>

enum hp_span_style { HP_SPAN_PLAIN, HP_SPAN_CODE, HP_SPAN_STRONG, HP_SPAN_EM, HP_SPAN_LINK };

struct hp_span {
    enum hp_span_style style;
    char *text;
    char *href; /* HP_SPAN_LINK */
};

struct hp_text {
    struct hp_span *spans;
    size_t count, capacity;
    struct hp_doc *doc; /* where failures are recorded */
};

/* Columns: what a renderer does with them (flags). */
enum {
    HP_COLUMN_RIGHT = 1u << 0,   /* numbers: right-aligned */
    HP_COLUMN_CODE = 1u << 1,    /* names: shown as code (Markdown `x`, HTML <code>) */
    HP_COLUMN_NUMERIC = 1u << 2, /* data formats write the cell's value, empty when it has none */
    HP_COLUMN_SHOWN = 1u << 3,   /* only in the formats for people (text, Markdown, HTML) */
    HP_COLUMN_DATA = 1u << 4,    /* only in the data formats (CSV) */
};

struct hp_column {
    char *title; /* for people */
    char *key;   /* for data formats: a snake_case name */
    unsigned flags;
};

struct hp_cell {
    char *text;   /* "" when empty; '\n' separates the lines of a cell */
    double value; /* the number shown, NAN for none */
    bool strong;
};

struct hp_table {
    struct hp_column *columns;
    size_t column_count;
    struct hp_cell *cells; /* row-major, column_count per row */
    size_t row_count, cell_count, cell_capacity;
    struct hp_doc *doc;
};

enum hp_block_kind {
    HP_BLOCK_HEADING,
    HP_BLOCK_PARAGRAPH,
    HP_BLOCK_LIST,
    HP_BLOCK_TABLE,
    HP_BLOCK_IMAGE,
    HP_BLOCK_WARNING, /* something the reader must know to trust what follows */
    HP_BLOCK_NOTE,    /* a remark on what follows */
};

struct hp_block {
    enum hp_block_kind kind;
    int level;             /* heading: 1 (the document) to 4 */
    char *title;           /* warning: its first words, set apart ("partial results"); or NULL */
    struct hp_text text;   /* heading, paragraph, warning, note */
    struct hp_text *items; /* list */
    size_t item_count;
    struct hp_table table;   /* table */
    char *alt, *href, *file; /* image: its words, its link from the document, the file to embed */
};

struct hp_doc {
    char *title; /* the document's name (HTML <title>) */
    struct hp_block *blocks;
    size_t count, capacity;
    bool failed; /* out of memory while building: not rendered */
};

void hp_doc_init(struct hp_doc *doc, const char *title);
void hp_doc_free(struct hp_doc *doc);

/* Blocks, appended in reading order; each returns what to fill in. */
struct hp_text *hp_doc_heading(struct hp_doc *doc, int level, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
struct hp_text *hp_doc_paragraph(struct hp_doc *doc);
/* A paragraph of plain text. */
void hp_doc_para(struct hp_doc *doc, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
struct hp_text *hp_doc_warning(struct hp_doc *doc, const char *title);
struct hp_text *hp_doc_note(struct hp_doc *doc);
/* A list: call hp_doc_item for each item, right after (it adds to the last block). */
void hp_doc_list(struct hp_doc *doc);
struct hp_text *hp_doc_item(struct hp_doc *doc);
struct hp_table *hp_doc_table(struct hp_doc *doc);
/* An image: alt text, its link from the document (a relative path), the file (read to embed). */
void hp_doc_image(struct hp_doc *doc, const char *alt, const char *href, const char *file);

/* Spans, appended to a block's text. */
void hp_text_add(struct hp_text *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void hp_text_code(struct hp_text *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void hp_text_strong(struct hp_text *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void hp_text_em(struct hp_text *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void hp_text_link(struct hp_text *t, const char *href, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Columns, all of them before the first row; then rows, a cell per column in column order. */
void hp_table_column(struct hp_table *t, const char *title, const char *key, unsigned flags);
void hp_table_row(struct hp_table *t);
/* A cell showing text. */
void hp_table_text(struct hp_table *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* A cell showing a number: value (NAN: not measured) and the text people see. */
void hp_table_number(struct hp_table *t, double value, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* Marks the last cell added as strong (a regression, say). */
void hp_table_strong(struct hp_table *t);
/* The cell of a row and column. */
const struct hp_cell *hp_table_cell(const struct hp_table *t, size_t row, size_t column);

/* The text of spans without markup (malloc'ed; NULL when out of memory). */
char *hp_text_plain(const struct hp_text *t);

#endif
