/* The one document model and its renderers (harness/views/doc.h, render.h): the same document
 * rendered as text, Markdown, CSV and HTML, each checked byte for byte, and the renderer lookup
 * every --format goes through. */
#include <criterion/criterion.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "doc.h"
#include "render.h"

/* A heading, a paragraph with every kind of span, a list, a table with a shown-only and a
 * data-only column, a cell of two lines, a missing number, a strong cell; a warning with and
 * one without a title, a note. */
static void sample(struct hp_doc *doc)
{
    hp_doc_init(doc, "a <test>");
    hp_doc_heading(doc, 2, "Results");
    struct hp_text *p = hp_doc_paragraph(doc);
    hp_text_add(p, "plain ");
    hp_text_code(p, "code");
    hp_text_add(p, " ");
    hp_text_strong(p, "strong");
    hp_text_add(p, " ");
    hp_text_em(p, "em");
    hp_text_add(p, " ");
    hp_text_link(p, "x.svg", "link");
    hp_doc_list(doc);
    hp_text_add(hp_doc_item(doc), "one");
    hp_text_add(hp_doc_item(doc), "two");
    struct hp_table *t = hp_doc_table(doc);
    hp_table_column(t, "case", "case", HP_COLUMN_CODE);
    hp_table_column(t, "ns/op", "ns_per_op", HP_COLUMN_RIGHT | HP_COLUMN_NUMERIC);
    hp_table_column(t, "change", "change", HP_COLUMN_SHOWN);
    hp_table_column(t, "ratio", "ratio", HP_COLUMN_NUMERIC | HP_COLUMN_DATA);
    hp_table_column(t, "verdict", "verdict", 0);
    hp_table_row(t);
    hp_table_text(t, "a,b");
    hp_table_number(t, 12.25, "12.2");
    hp_table_text(t, "+1%%\nsecond line");
    hp_table_number(t, 1.0123456789012, "%s", "");
    hp_table_text(t, "slower");
    hp_table_strong(t);
    hp_table_row(t);
    hp_table_text(t, "c");
    hp_table_number(t, NAN, "-");
    hp_table_text(t, "-");
    hp_table_number(t, NAN, "%s", "");
    hp_table_text(t, "none");
    hp_text_add(hp_doc_warning(doc, "partial results"), " in a run.");
    hp_text_add(hp_doc_warning(doc, NULL), "a file is missing.");
    hp_text_add(hp_doc_note(doc), "times not gated");
}

static char *render(const struct hp_renderer *r, const struct hp_doc *doc)
{
    char *text = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);
    cr_assert_not_null(f);
    struct hp_error err = {{0}};
    cr_assert_eq(hp_doc_render(f, doc, r, &err), 0, "%s", err.message);
    fclose(f);
    return text;
}

Test(render, text)
{
    struct hp_doc doc;
    sample(&doc);
    char *out = render(HP_RENDER_TEXT, &doc);
    cr_assert_str_eq(out, "Results\n"
                          "\n"
                          "plain code strong em link (x.svg)\n"
                          "\n"
                          "- one\n"
                          "- two\n"
                          "\n"
                          "case  ns/op  change       verdict\n"
                          "a,b    12.2  +1%          slower\n"
                          "             second line\n"
                          "c         -  -            none\n"
                          "\n"
                          "WARNING: partial results in a run.\n"
                          "\n"
                          "WARNING: a file is missing.\n"
                          "\n"
                          "note: times not gated\n");
    free(out);
    hp_doc_free(&doc);
}

Test(render, markdown)
{
    struct hp_doc doc;
    sample(&doc);
    char *out = render(HP_RENDER_MD, &doc);
    cr_assert_str_eq(out, "## Results\n"
                          "\n"
                          "plain `code` **strong** *em* [link](x.svg)\n"
                          "\n"
                          "- one\n"
                          "- two\n"
                          "\n"
                          "| case | ns/op | change | verdict |\n"
                          "|---|---:|---|---|\n"
                          "| `a,b` | 12.2 | +1%<br>second line | **slower** |\n"
                          "| `c` | - | - | none |\n"
                          "\n"
                          "> **Warning: partial results** in a run.\n"
                          "\n"
                          "> **Warning:** a file is missing.\n"
                          "\n"
                          "> times not gated\n");
    free(out);
    hp_doc_free(&doc);
}

Test(render, csv_has_the_tables_as_data)
{
    struct hp_doc doc;
    sample(&doc);
    const struct hp_renderer *csv = hp_renderer_find("csv");
    cr_assert_not_null(csv);
    cr_assert(!csv->prose, "CSV has no room for prose");
    char *out = render(csv, &doc);
    cr_assert_str_eq(out, "case,ns_per_op,ratio,verdict\n"
                          "\"a,b\",12.25,1.012345679,slower\n"
                          "c,,,none\n");
    free(out);
    hp_doc_free(&doc);
}

Test(render, html_is_one_escaped_page)
{
    struct hp_doc doc;
    sample(&doc);
    const struct hp_renderer *html = hp_renderer_find("html");
    cr_assert_not_null(html);
    char *out = render(html, &doc);
    cr_assert(strstr(out, "<title>a &lt;test&gt;</title>"), "%s", out);
    cr_assert(strstr(out, "<h2>Results</h2>\n"), "%s", out);
    cr_assert(strstr(out, "<p>plain <code>code</code> <b>strong</b> <em>em</em> "
                          "<a href=\"x.svg\">link</a></p>\n"),
              "%s", out);
    cr_assert(strstr(out, "<ul>\n<li>one</li>\n<li>two</li>\n</ul>\n"), "%s", out);
    cr_assert(strstr(out, "<tr><td><code>a,b</code></td><td style=\"text-align:right\">12.2</td>"
                          "<td>+1%<br>second line</td><td><b>slower</b></td></tr>"),
              "%s", out);
    cr_assert_null(strstr(out, "ratio"), "a data-only column is not shown: %s", out);
    cr_assert(strstr(out, "<p><b>Warning: partial results</b> in a run.</p>"), "%s", out);
    cr_assert(strstr(out, "<blockquote>times not gated</blockquote>"), "%s", out);
    cr_assert(strstr(out, "</body></html>\n"), "%s", out);
    free(out);
    hp_doc_free(&doc);
}

Test(render, every_format_renders_the_same_document)
{
    char names[256];
    hp_renderer_names(names, sizeof names);
    cr_assert_str_eq(names, "csv, html, md, text");
    struct hp_doc doc;
    sample(&doc);
    for (char *name = strtok(names, ", "); name; name = strtok(NULL, ", ")) {
        char *out = render(hp_renderer_find(name), &doc);
        cr_assert(strlen(out) > 0, "%s rendered nothing", name);
        cr_assert(strstr(out, "slower"), "%s lost a cell: %s", name, out);
        free(out);
    }
    hp_doc_free(&doc);
}

Test(render, formats_are_found_by_name_and_alias)
{
    struct hp_error err = {{0}};
    cr_assert_eq(hp_renderer_find("markdown"), HP_RENDER_MD);
    cr_assert_eq(hp_renderer_for_flag("text", &err), HP_RENDER_TEXT);
    cr_assert_null(hp_renderer_for_flag("pdf", &err));
    cr_assert_str_eq(err.message, "--format 'pdf': unknown (valid: csv, html, md, text)");
}

Test(render, a_document_that_ran_out_of_memory_is_refused)
{
    struct hp_doc doc;
    sample(&doc);
    doc.failed = true;
    struct hp_error err = {{0}};
    cr_assert_eq(hp_doc_render(stdout, &doc, HP_RENDER_TEXT, &err), -1);
    cr_assert(strstr(err.message, "out of memory"), "%s", err.message);
    hp_doc_free(&doc);
}

Test(render, csv_warnings_go_elsewhere)
{
    struct hp_doc doc;
    sample(&doc);
    char *text = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);
    hp_doc_warnings_to(f, &doc);
    fclose(f);
    cr_assert_str_eq(text, "WARNING: partial results in a run.\nWARNING: a file is missing.\n");
    free(text);
    hp_doc_free(&doc);
}
