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

static char *read_line(char *out, int size, void *stream)
{
    struct hp_ini_lines *in = stream;
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
        in->on_section(in->ctx, out);
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
