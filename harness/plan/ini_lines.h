/* INI text handed to inih one line at a time, for the phase and .external readers: inih reports
 * a key without its line and a section only through its keys, so the reader counts lines and
 * sees every section header itself; every complaint then names its line.
 */
#ifndef HOTPATH_INI_LINES_H
#define HOTPATH_INI_LINES_H

#include <stdbool.h>

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
    /* Called with every line that starts with '[', before inih sees it. */
    void (*on_section)(void *ctx, const char *text);
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
