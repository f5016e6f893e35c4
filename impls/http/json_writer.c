/* JSON writer into a fixed buffer: see json_writer.h for the contract.
 *
 * Every public call remembers the length it started at; if any piece of it does not fit, the
 * length goes back there and the overflow flag is set, so a call is all-or-nothing and a
 * comma is never left dangling without its value. One need_comma flag is enough for comma
 * placement without a nesting stack: begin clears it, and end sets it, because closing a
 * container completes a value in the parent.
 */
#include "http/json_writer.h"

#include <string.h>

static inline bool put(struct hp_json_writer *w, const char *s, size_t n)
{
    if (n > w->capacity - w->len)
        return false;
    memcpy(w->buf + w->len, s, n);
    w->len += n;
    return true;
}

static inline bool put_char(struct hp_json_writer *w, char c)
{
    if (w->len == w->capacity)
        return false;
    w->buf[w->len++] = c;
    return true;
}

static inline bool put_separator(struct hp_json_writer *w)
{
    return !w->need_comma || put_char(w, ',');
}

static inline void fail(struct hp_json_writer *w, size_t saved_len)
{
    w->len = saved_len;
    w->overflow = true;
}

/* 1 where the byte can be copied into a JSON string as it is: not a control byte, '"' or
 * '\\'. */
static const uint8_t copy_verbatim[256] = {
    ['\0' ... 0x1f] = 0,
    [0x20 ... 0x21] = 1,
    [0x23 ... 0x5b] = 1,
    [0x5d ... 0xff] = 1, /* range designators: gnu11 */
};

/* Does any of the 8 bytes of x need escaping? Word-at-a-time tests (the "has a byte less than
 * n" and "has a zero byte" bit tricks): a borrow can only flag bytes above a byte that really
 * matches, so the answer for the word as a whole is exact. */
static inline bool word_needs_escape(uint64_t x)
{
    const uint64_t ones = 0x0101010101010101u, highs = 0x8080808080808080u;
    uint64_t control = (x - ones * 0x20) & ~x;
    uint64_t quote = x ^ (ones * '"');
    uint64_t backslash = x ^ (ones * '\\');
    quote = (quote - ones) & ~quote;
    backslash = (backslash - ones) & ~backslash;
    return ((control | quote | backslash) & highs) != 0;
}

static const char hex_digits[] = "0123456789abcdef";

static bool put_escaped(struct hp_json_writer *w, const char *s, size_t len)
{
    const unsigned char *p = (const unsigned char *)s;
    const unsigned char *const end = p + len;
    if (len + 2 <= w->capacity - w->len) {
        /* Fast path, the common case of a string with nothing to escape: copy while scanning,
         * 8 bytes at a time; on the first byte to escape, fall through to the general loop
         * with what was copied so far kept. */
        char *out = w->buf + w->len;
        *out++ = '"';
        uint64_t word;
        if (len >= 4 && len <= 16) {
            /* Short strings (most param values): the first and the last 8 (or 4) bytes,
             * overlapping, cover the whole string; two word tests and two stores. */
            uint64_t head, tail;
            bool clean;
            if (len >= 8) {
                memcpy(&head, p, 8);
                memcpy(&tail, end - 8, 8);
                clean = !word_needs_escape(head) && !word_needs_escape(tail);
                if (clean) {
                    memcpy(out, &head, 8);
                    memcpy(out + len - 8, &tail, 8);
                }
            } else {
                uint32_t head4, tail4;
                memcpy(&head4, p, 4);
                memcpy(&tail4, end - 4, 4);
                clean = !word_needs_escape((uint64_t)head4 | (uint64_t)tail4 << 32);
                if (clean) {
                    memcpy(out, &head4, 4);
                    memcpy(out + len - 4, &tail4, 4);
                }
            }
            if (clean) {
                out += len;
                *out++ = '"';
                w->len = (size_t)(out - w->buf);
                return true;
            }
        }
        while (end - p >= 8 && (memcpy(&word, p, 8), !word_needs_escape(word))) {
            memcpy(out, &word, 8);
            out += 8;
            p += 8;
        }
        /* The last 1-7 bytes of a string of 8 or more: one overlapping word when it is clean
         * (bytes before p were already checked, so rewriting them changes nothing). */
        if (p < end && end - p < 8 && len >= 8 &&
            (memcpy(&word, end - 8, 8), !word_needs_escape(word))) {
            out -= 8 - (end - p);
            memcpy(out, &word, 8);
            out += 8;
            p = end;
        }
        while (p < end && copy_verbatim[*p])
            *out++ = (char)*p++;
        if (p == end)
            *out++ = '"';
        w->len = (size_t)(out - w->buf);
        if (p == end)
            return true;
    } else if (!put_char(w, '"')) {
        return false;
    }
    while (p < end) {
        const unsigned char *run = p;
        uint64_t word;
        while (end - p >= 8 && (memcpy(&word, p, 8), !word_needs_escape(word)))
            p += 8;
        while (p < end && copy_verbatim[*p])
            p++;
        if (!put(w, (const char *)run, (size_t)(p - run)))
            return false;
        if (p == end)
            break;
        char esc[6] = {'\\', 0, 0, 0, 0, 0};
        size_t n = 2;
        switch (*p) {
        case '"':
            esc[1] = '"';
            break;
        case '\\':
            esc[1] = '\\';
            break;
        case '\b':
            esc[1] = 'b';
            break;
        case '\f':
            esc[1] = 'f';
            break;
        case '\n':
            esc[1] = 'n';
            break;
        case '\r':
            esc[1] = 'r';
            break;
        case '\t':
            esc[1] = 't';
            break;
        default:
            esc[1] = 'u';
            esc[2] = '0';
            esc[3] = '0';
            esc[4] = hex_digits[*p >> 4];
            esc[5] = hex_digits[*p & 15];
            n = 6;
            break;
        }
        if (!put(w, esc, n))
            return false;
        p++;
    }
    return put_char(w, '"');
}

static void open_container(struct hp_json_writer *w, char bracket)
{
    if (w->overflow)
        return;
    size_t saved = w->len;
    if (!put_separator(w) || !put_char(w, bracket)) {
        fail(w, saved);
        return;
    }
    w->need_comma = false;
    w->depth++;
}

static void close_container(struct hp_json_writer *w, char bracket)
{
    if (w->overflow)
        return;
    if (!put_char(w, bracket)) {
        fail(w, w->len);
        return;
    }
    w->need_comma = true;
    if (w->depth > 0)
        w->depth--;
}

void hp_json_begin_object(struct hp_json_writer *w)
{
    open_container(w, '{');
}

void hp_json_end_object(struct hp_json_writer *w)
{
    close_container(w, '}');
}

void hp_json_begin_array(struct hp_json_writer *w)
{
    open_container(w, '[');
}

void hp_json_end_array(struct hp_json_writer *w)
{
    close_container(w, ']');
}

void hp_json_key(struct hp_json_writer *w, const char *s, size_t len)
{
    if (w->overflow)
        return;
    size_t saved = w->len;
    if (!put_separator(w) || !put_escaped(w, s, len) || !put_char(w, ':')) {
        fail(w, saved);
        return;
    }
    w->need_comma = false;
}

/* A scalar value: separator and bytes, all or nothing. */
static void put_value(struct hp_json_writer *w, const char *s, size_t n)
{
    if (w->overflow)
        return;
    size_t saved = w->len;
    if (!put_separator(w) || !put(w, s, n)) {
        fail(w, saved);
        return;
    }
    w->need_comma = true;
}

void hp_json_key_encoded(struct hp_json_writer *w, const char *json, size_t len)
{
    if (w->overflow)
        return;
    size_t saved = w->len;
    if (!put_separator(w) || !put(w, json, len) || !put_char(w, ':')) {
        fail(w, saved);
        return;
    }
    w->need_comma = false;
}

void hp_json_value_encoded(struct hp_json_writer *w, const char *json, size_t len)
{
    if (w->overflow)
        return;
    size_t saved = w->len;
    if (!put_separator(w) || !put(w, json, len)) {
        fail(w, saved);
        return;
    }
    w->need_comma = true;
}

size_t hp_json_encode_string(char *out, size_t capacity, const char *s, size_t len)
{
    struct hp_json_writer w;
    hp_json_writer_init(&w, out, capacity);
    hp_json_string(&w, s, len);
    return hp_json_writer_ok(&w) ? hp_json_writer_len(&w) : 0;
}

void hp_json_string(struct hp_json_writer *w, const char *s, size_t len)
{
    if (w->overflow)
        return;
    size_t saved = w->len;
    if (!put_separator(w) || !put_escaped(w, s, len)) {
        fail(w, saved);
        return;
    }
    w->need_comma = true;
}

void hp_json_int(struct hp_json_writer *w, int64_t v)
{
    char digits[21];
    put_value(w, digits, hp_i64_to_decimal(v, digits));
}

void hp_json_uint(struct hp_json_writer *w, uint64_t v)
{
    char digits[20];
    put_value(w, digits, hp_u64_to_decimal(v, digits));
}

void hp_json_bool(struct hp_json_writer *w, bool v)
{
    if (v)
        put_value(w, "true", 4);
    else
        put_value(w, "false", 5);
}

void hp_json_null(struct hp_json_writer *w)
{
    put_value(w, "null", 4);
}

static const char digit_pairs[201] = "00010203040506070809"
                                     "10111213141516171819"
                                     "20212223242526272829"
                                     "30313233343536373839"
                                     "40414243444546474849"
                                     "50515253545556575859"
                                     "60616263646566676869"
                                     "70717273747576777879"
                                     "80818283848586878889"
                                     "90919293949596979899";

size_t hp_u64_to_decimal(uint64_t v, char *out)
{
    /* Two digits per division, written from the end of a scratch buffer, then moved. */
    char tmp[20];
    char *p = tmp + sizeof tmp;
    while (v >= 100) {
        unsigned pair = (unsigned)(v % 100);
        v /= 100;
        p -= 2;
        memcpy(p, digit_pairs + 2 * pair, 2);
    }
    if (v >= 10) {
        p -= 2;
        memcpy(p, digit_pairs + 2 * v, 2);
    } else {
        *--p = (char)('0' + v);
    }
    size_t n = (size_t)(tmp + sizeof tmp - p);
    memcpy(out, p, n);
    return n;
}

size_t hp_i64_to_decimal(int64_t v, char *out)
{
    if (v >= 0)
        return hp_u64_to_decimal((uint64_t)v, out);
    /* Negate in unsigned arithmetic: -INT64_MIN overflows int64_t but not uint64_t. */
    out[0] = '-';
    return 1 + hp_u64_to_decimal(0u - (uint64_t)v, out + 1);
}
