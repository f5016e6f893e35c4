/* The renderers of documents (doc.h), one file each: render_text.c (terminals), render_md.c
 * (Markdown: report.md, pull-request comments), render_csv.c (the tables as data),
 * render_html.c (a self-contained page: images embedded). The build lists every
 * harness/views/render_*.c in renderer_list.h, so a new format is that one file.
 */
#ifndef HOTPATH_RENDER_H
#define HOTPATH_RENDER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "common/error.h"
#include "doc.h"

struct hp_renderer {
    const char *name;  /* --format NAME */
    const char *alias; /* another accepted name ("markdown"), or NULL */
    /* Whether it shows headings, paragraphs, warnings and notes; a data format (CSV) writes the
     * tables alone, and the caller says the warnings elsewhere (hp_doc_warnings_to). */
    bool prose;
    /* Writes the whole document. 0, or -1 when a file it embeds cannot be read (err set). */
    int (*render)(FILE *f, const struct hp_doc *doc, struct hp_error *err);
};

/* The formats every view knows by name in code. */
extern const struct hp_renderer hp_render_text, hp_render_md;
#define HP_RENDER_TEXT (&hp_render_text)
#define HP_RENDER_MD   (&hp_render_md)

/* The renderer called `name` (or its alias); NULL when none is. */
const struct hp_renderer *hp_renderer_find(const char *name);
/* "csv, html, md, text": every format, for messages and usage lines (like snprintf). */
size_t hp_renderer_names(char *out, size_t size);
/* `--format NAME` for a command: the renderer, or NULL with err saying which are valid. */
const struct hp_renderer *hp_renderer_for_flag(const char *name, struct hp_error *err);

/* Renders doc with r. 0, or -1 with err set (a document that ran out of memory while it was
 * built, a file it embeds unreadable, a write error on f). */
int hp_doc_render(FILE *f, const struct hp_doc *doc, const struct hp_renderer *r,
                  struct hp_error *err);
/* The warnings of doc as text lines ("WARNING: ..."), for a renderer without prose. */
void hp_doc_warnings_to(FILE *f, const struct hp_doc *doc);

/* The first n bytes of s (up to its NUL) with < > & " escaped, for HTML and SVG. */
void hp_markup_escape(FILE *f, const char *s, size_t n);

/* Whether a column shows in a format with prose (for people) or without (data). */
bool hp_column_shown(const struct hp_column *c, bool prose);

#endif
