/* The `key=value` fields of the external-case line protocol (docs/external-cases.md): reading
 * one from an adapter's answer line, and percent-encoding a value for a request line.
 *
 * Pure functions over bytes: no allocation, no state, no locale. A field is a token of the
 * line (tokens are separated by spaces) that starts with `key=`; its value runs to the next
 * space or the end of the line, and `%XX` (two hex digits) in it stands for that byte. The
 * protocol encodes every byte below 0x21 and `%`, so an encoded value never holds a space.
 */
#ifndef HOTPATH_EXTERNAL_FIELDS_H
#define HOTPATH_EXTERNAL_FIELDS_H

#include <stdbool.h>
#include <stddef.h>

enum hp_field_result {
    HP_FIELD_ABSENT = 0, /* no token starts with `key=` */
    HP_FIELD_FOUND = 1,
    /* the first such token's value is not one the protocol allows: a `%` without two hex
     * digits after it, a NUL byte or `%00` (lines hold no NUL), or a value that does not fit
     * in out */
    HP_FIELD_MALFORMED = -1,
};

/* The value of the first field `key` of line[0, len), decoded into out[0, size) and
 * NUL-terminated (size >= 1; *out is "" unless FOUND). Reads no byte of line at or past len
 * (the line need not be NUL-terminated). key is a non-empty C string without '=' or space. */
enum hp_field_result hp_external_field(const char *line, size_t len, const char *key, char *out,
                                       size_t size);

/* Appends text percent-encoded (each byte below 0x21 and `%` as %XX, upper-case hex) to
 * the C string in out[0, size). false, with out unchanged, when it would not fit. */
bool hp_external_encode(char *out, size_t size, const char *text);

#endif
