/* Small HTTP formatting helpers shared by both writer axes and by their callers, so that the
 * implementations differ only in the decision being measured, never in how a number or a
 * status line is produced. No printf, no allocation, no locale.
 */
#ifndef HOTPATH_HTTP_FORMAT_H
#define HOTPATH_HTTP_FORMAT_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <time.h>

enum {
    HP_DECIMAL_U64_MAX = 20, /* digits of UINT64_MAX */
    HP_HTTP_DATE_LENGTH = 29 /* "Sun, 06 Nov 1994 08:49:37 GMT" */
};

/* Writes value in decimal (no sign, no padding, "0" for zero) at out, which has room for
 * HP_DECIMAL_U64_MAX bytes; returns the number of digits. For Content-Length. Hot-path safe. */
size_t hp_format_decimal_u64(char *out, uint64_t value);

/* Writes the IMF-fixdate of `seconds` (RFC 9110 5.6.7, the Date header's form) at out, exactly
 * HP_HTTP_DATE_LENGTH bytes, no terminator. 0, or -1 when the time cannot be represented
 * (before year 0 or after 9999). Once per run or per second, not per request. */
int hp_format_http_date(char *out, time_t seconds);

/* The status line "HTTP/1.1 <code> <reason>\r\n" for code and its length in *length; NULL (and
 * *length 0) for a code not in the table of response_writer.h. Constant strings. */
const char *hp_status_line(int code, size_t *length);

/* The single copy routine both axes use: returns out + length. bytes may be NULL when length
 * is 0 (memcpy itself must not be given NULL). */
static inline unsigned char *hp_put_bytes(unsigned char *out, const void *bytes, size_t length)
{
    if (length != 0)
        memcpy(out, bytes, length);
    return out + length;
}

#endif
