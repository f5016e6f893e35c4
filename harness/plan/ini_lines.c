#include "ini_lines.h"

#include <ini.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

void hp_ini_fail(struct hp_ini_lines *in, unsigned line, const char *fmt, ...)
{
    if (in->failed)
        return; /* the first problem is the one reported */
    in->failed = true;
    char reason[768];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(reason, sizeof reason, fmt, ap);
    va_end(ap);
    hp_error_set(in->err, "%s:%u: %s", in->name, line, reason);
}

/* The one reading of a section header line, for every reader: its name to on_section, or a
 * complaint at its own line (inih would keep the previous section and go on, so the first
 * complaint would come from a later line, or, for text after the ']', never). */
static void section_header(struct hp_ini_lines *in, const char *text)
{
    int shown = (int)strcspn(text, "\r\n");
    const char *close = memchr(text, ']', (size_t)shown);
    if (!close) {
        hp_ini_fail(in, in->line, "section header '%.*s' has no closing ']'", shown, text);
        return;
    }
    const char *after = close + 1 + strspn(close + 1, " \t\r\n");
    if (*after && *after != ';' && *after != '#') {
        hp_ini_fail(in, in->line, "text after the section header '%.*s': '%.*s'",
                    (int)(close + 1 - text), text, (int)strcspn(after, "\r\n"), after);
        return;
    }
    in->on_section(in->ctx, text + 1, (size_t)(close - text - 1));
}

static char *read_line(char *out, int size, void *stream)
{
    struct hp_ini_lines *in = stream;
    if (in->line == 0 && strncmp(in->cursor, "\xEF\xBB\xBF", 3) == 0)
        in->cursor += 3; /* a UTF-8 byte order mark, which some editors write first */
    if (!*in->cursor || in->failed)
        return NULL;
    const char *end = strchr(in->cursor, '\n');
    size_t len = end ? (size_t)(end - in->cursor) + 1 : strlen(in->cursor);
    in->line++;
    if (len > HP_INI_LINE_LIMIT || (int)len >= size) {
        hp_ini_fail(in, in->line, "line longer than %d characters", HP_INI_LINE_LIMIT);
        return NULL;
    }
    memcpy(out, in->cursor, len);
    out[len] = '\0';
    in->cursor += len;
    /* inih reads an indented line after a key as the continuation of its value. */
    if (out[0] == '[')
        section_header(in, out);
    return out;
}

int hp_ini_parse(struct hp_ini_lines *in,
                 int (*handler)(void *, const char *, const char *, const char *), void *user,
                 const char *expected)
{
    int rc = ini_parse_stream(read_line, in, handler, user);
    if (!in->failed && rc > 0)
        hp_ini_fail(in, (unsigned)rc, "syntax error (expected %s)", expected);
    else if (!in->failed && rc < 0)
        hp_ini_fail(in, in->line, "cannot parse (out of memory)");
    return in->failed ? -1 : 0;
}
