/* Shared HTTP formatting (http_format.h) and hp_response_length (response_writer.h). */
#include "response_writers/http_format.h"

#include "response_writers/response_writer.h"

size_t hp_format_decimal_u64(char *out, uint64_t value)
{
    char digits[HP_DECIMAL_U64_MAX];
    size_t start = sizeof digits;
    do {
        digits[--start] = (char)('0' + value % 10);
        value /= 10;
    } while (value != 0);
    size_t count = sizeof digits - start;
    memcpy(out, digits + start, count);
    return count;
}

static char *put_two_digits(char *out, int value)
{
    out[0] = (char)('0' + value / 10);
    out[1] = (char)('0' + value % 10);
    return out + 2;
}

int hp_format_http_date(char *out, time_t seconds)
{
    static const char days[7][4] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
    static const char months[12][4] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                       "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
    struct tm tm;
    if (!gmtime_r(&seconds, &tm))
        return -1;
    long year = (long)tm.tm_year + 1900;
    if (year < 0 || year > 9999)
        return -1;
    char *p = out;
    memcpy(p, days[tm.tm_wday], 3);
    p += 3;
    *p++ = ',';
    *p++ = ' ';
    p = put_two_digits(p, tm.tm_mday);
    *p++ = ' ';
    memcpy(p, months[tm.tm_mon], 3);
    p += 3;
    *p++ = ' ';
    p = put_two_digits(p, (int)(year / 100));
    p = put_two_digits(p, (int)(year % 100));
    *p++ = ' ';
    p = put_two_digits(p, tm.tm_hour);
    *p++ = ':';
    p = put_two_digits(p, tm.tm_min);
    *p++ = ':';
    p = put_two_digits(p, tm.tm_sec);
    memcpy(p, " GMT", 4);
    return 0;
}

#define STATUS_LINE(text)                                                                          \
    do {                                                                                           \
        *length = sizeof(text) - 1;                                                                \
        return text;                                                                               \
    } while (0)

const char *hp_status_line(int code, size_t *length)
{
    switch (code) {
    case 200:
        STATUS_LINE("HTTP/1.1 200 OK\r\n");
    case 201:
        STATUS_LINE("HTTP/1.1 201 Created\r\n");
    case 204:
        STATUS_LINE("HTTP/1.1 204 No Content\r\n");
    case 400:
        STATUS_LINE("HTTP/1.1 400 Bad Request\r\n");
    case 404:
        STATUS_LINE("HTTP/1.1 404 Not Found\r\n");
    case 405:
        STATUS_LINE("HTTP/1.1 405 Method Not Allowed\r\n");
    case 413:
        STATUS_LINE("HTTP/1.1 413 Content Too Large\r\n");
    case 500:
        STATUS_LINE("HTTP/1.1 500 Internal Server Error\r\n");
    case 503:
        STATUS_LINE("HTTP/1.1 503 Service Unavailable\r\n");
    default:
        *length = 0;
        return NULL;
    }
}

#undef STATUS_LINE

size_t hp_response_length(const struct hp_response *response)
{
    size_t status_length;
    if (!hp_status_line(response->status, &status_length))
        return 0;
    return status_length + response->header_writer->block_length(response->headers) + 2 +
           response->body_length;
}
