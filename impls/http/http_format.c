/* Shared HTTP formatting (http_format.h): the out-of-line parts. */
#include "http/http_format.h"

const char hp_decimal_pairs[200] = {
#define HP_PAIRS(t) t, '0', t, '1', t, '2', t, '3', t, '4', t, '5', t, '6', t, '7', t, '8', t, '9'
    HP_PAIRS('0'), HP_PAIRS('1'), HP_PAIRS('2'), HP_PAIRS('3'), HP_PAIRS('4'),
    HP_PAIRS('5'), HP_PAIRS('6'), HP_PAIRS('7'), HP_PAIRS('8'), HP_PAIRS('9'),
#undef HP_PAIRS
};

size_t hp_format_decimal_u64_any(char *out, uint64_t value)
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
