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
 * HP_DECIMAL_U64_MAX bytes; returns the number of digits. For Content-Length. Hot-path safe:
 * inline, and a value below 10,000 (every body here) is written straight into place, without
 * the scratch buffer and copy of the general case. */
size_t hp_format_decimal_u64_any(char *out, uint64_t value);
extern const char hp_decimal_pairs[200]; /* "00" "01" ... "99" */
static inline size_t hp_format_decimal_u64(char *out, uint64_t value)
{
    if (value < 10) {
        out[0] = (char)('0' + value);
        return 1;
    }
    if (value < 100) {
        memcpy(out, hp_decimal_pairs + 2 * value, 2);
        return 2;
    }
    if (value < 1000) {
        out[0] = (char)('0' + value / 100);
        memcpy(out + 1, hp_decimal_pairs + 2 * (value % 100), 2);
        return 3;
    }
    if (value < 10000) {
        memcpy(out, hp_decimal_pairs + 2 * (value / 100), 2);
        memcpy(out + 2, hp_decimal_pairs + 2 * (value % 100), 2);
        return 4;
    }
    return hp_format_decimal_u64_any(out, value);
}

/* Writes the IMF-fixdate of `seconds` (RFC 9110 5.6.7, the Date header's form) at out, exactly
 * HP_HTTP_DATE_LENGTH bytes, no terminator. 0, or -1 when the time cannot be represented
 * (before year 0 or after 9999). Once per run or per second, not per request. */
int hp_format_http_date(char *out, time_t seconds);

/* The status line "HTTP/1.1 <code> <reason>\r\n" for code and its length in *length; NULL (and
 * *length 0) for a code not in the table of response_writer.h. Constant strings. */
#define HP_STATUS_LINE(text)                                                                       \
    do {                                                                                           \
        *length = sizeof(text) - 1;                                                                \
        return text;                                                                               \
    } while (0)

/* Inline: both response writers and hp_response_length ask once per response, and the code
 * is then a constant the switch folds away. */
static inline const char *hp_status_line(int code, size_t *length)
{
    switch (code) {
    case 200:
        HP_STATUS_LINE("HTTP/1.1 200 OK\r\n");
    case 201:
        HP_STATUS_LINE("HTTP/1.1 201 Created\r\n");
    case 204:
        HP_STATUS_LINE("HTTP/1.1 204 No Content\r\n");
    case 400:
        HP_STATUS_LINE("HTTP/1.1 400 Bad Request\r\n");
    case 404:
        HP_STATUS_LINE("HTTP/1.1 404 Not Found\r\n");
    case 405:
        HP_STATUS_LINE("HTTP/1.1 405 Method Not Allowed\r\n");
    case 413:
        HP_STATUS_LINE("HTTP/1.1 413 Content Too Large\r\n");
    case 431:
        HP_STATUS_LINE("HTTP/1.1 431 Request Header Fields Too Large\r\n");
    case 500:
        HP_STATUS_LINE("HTTP/1.1 500 Internal Server Error\r\n");
    case 503:
        HP_STATUS_LINE("HTTP/1.1 503 Service Unavailable\r\n");
    default:
        *length = 0;
        return NULL;
    }
}

#undef HP_STATUS_LINE

/* The single copy routine both axes use: returns out + length. bytes may be NULL when length
 * is 0 (memcpy itself must not be given NULL). Most pieces of a response are short (a header
 * name or value, a status line): up to 16 bytes are copied inline with two overlapping loads
 * and stores, longer runs by memcpy. */
static inline unsigned char *hp_put_bytes(unsigned char *out, const void *bytes, size_t length)
{
    const unsigned char *in = bytes;
    if (length > 16) {
        memcpy(out, in, length);
    } else if (length >= 8) {
        uint64_t head, tail;
        memcpy(&head, in, 8);
        memcpy(&tail, in + length - 8, 8);
        memcpy(out, &head, 8);
        memcpy(out + length - 8, &tail, 8);
    } else if (length >= 4) {
        uint32_t head, tail;
        memcpy(&head, in, 4);
        memcpy(&tail, in + length - 4, 4);
        memcpy(out, &head, 4);
        memcpy(out + length - 4, &tail, 4);
    } else if (length != 0) {
        /* 1 to 3 bytes: first, middle and last cover them all. */
        unsigned char first = in[0], middle = in[length / 2], last = in[length - 1];
        out[0] = first;
        out[length / 2] = middle;
        out[length - 1] = last;
    }
    return out + length;
}

#endif
