/* INI text handed to inih one line at a time, for the phase and .external readers: inih reports
 * a key without its line and a section only through its keys, so the reader counts lines and
 * sees every section header itself; every complaint then names its line.
 */
#ifndef HOTPATH_INI_LINES_H
#define HOTPATH_INI_LINES_H

#include <stdbool.h>
#include <stddef.h>

#include "common/error.h"

/* inih's line buffer is INI_MAX_LINE (200) bytes including "\r\n\0"; longer lines would be cut
 * into pieces silently, so the reader refuses them first. */
enum { HP_INI_LINE_LIMIT = 196 };

struct hp_ini_lines {
    const char *name;   /* the file, for messages */
    const char *cursor; /* the text not yet handed out */
    unsigned line;      /* the line inih is processing */
    bool failed;
    struct hp_error *err;
    /* Called with the name of every section header (name[0, len), between '[' and the first
     * ']'), before inih sees the line. A line that starts with '[' but has no ']', or has text
     * after the ']' other than blanks and a comment (';' or '#'), is refused here instead:
     * "NAME:LINE: section header '[a' has no closing ']'", "... text after the section header
     * '[a]': 'x'" (inih would report neither at its line, or not at all). */
    void (*on_section)(void *ctx, const char *name, size_t len);
    void *ctx;
};

/* "NAME:LINE: reason" into err; only the first problem is reported. */
void hp_ini_fail(struct hp_ini_lines *in, unsigned line, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Parses in->cursor with inih, calling handler(user, section, key, value) per key; a syntax
 * error is reported as "NAME:LINE: syntax error (expected ...)". 0, or -1 with err set. */
int hp_ini_parse(struct hp_ini_lines *in,
                 int (*handler)(void *, const char *, const char *, const char *), void *user,
                 const char *expected);

#endif
