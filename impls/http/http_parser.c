/* HTTP/1.1 request-head parser: see http_parser.h for the grammar, limits and return values.
 *
 * Technique: one pass, no state kept between calls (a caller with more bytes parses again from
 * byte 0, as with picohttpparser; a head is small and a re-parse is cheaper than the
 * bookkeeping of resumption). Each line is scanned inside a window that ends at the earlier of
 * the buffer end and the line's length limit, so "ran out of window" means either INCOMPLETE
 * (the buffer ended) or TOO_LONG (the limit did), and no loop needs a second bound check.
 * Byte classes come from one 256-entry table; header values and the request target, the
 * longest runs, are skipped sixteen bytes at a time with SSE2 compares where the compiler
 * targets SSE2 (every x86-64), then eight at a time with portable SWAR tests (values stop on
 * any byte below 0x20 or DEL; the target also on SP, '?', '#' and bytes >= 0x80): in the whole
 * pipeline the parser was the largest share of a request's instructions.
 */
#include "http/http_parser.h"

#include <string.h>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

enum {
    T = 1, /* tchar: method and field-name bytes */
    U = 2, /* request-target byte that needs no attention: %x21-7E except '?' and '#' */
    V = 4, /* field-value byte: HTAB, SP, VCHAR, obs-text */
};

/* clang-format off */
static const uint8_t byte_class[256] = {
    0, 0, 0, 0, 0, 0, 0, 0, 0, V, 0, 0, 0, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    /*  SP    !      "    #     $      %      &      '      (    )    *      +      ,    -      .      /  */
        V, T|U|V, U|V, T|V, T|U|V, T|U|V, T|U|V, T|U|V, U|V, U|V, T|U|V, T|U|V, U|V, T|U|V, T|U|V, U|V,
    /*  0-9, then  :    ;    <    =    >    ? */
    T|U|V, T|U|V, T|U|V, T|U|V, T|U|V, T|U|V, T|U|V, T|U|V, T|U|V, T|U|V, U|V, U|V, U|V, U|V, U|V, V,
    /*  @, then A-O */
    U|V, T|U|V, T|U|V, T|U|V, T|U|V, T|U|V, T|U|V, T|U|V, T|U|V, T|U|V, T|U|V, T|U|V, T|U|V, T|U|V, T|U|V, T|U|V,
    /*  P-Z, then [    \    ]    ^      _ */
    T|U|V, T|U|V, T|U|V, T|U|V, T|U|V, T|U|V, T|U|V, T|U|V, T|U|V, T|U|V, T|U|V, U|V, U|V, U|V, T|U|V, T|U|V,
    /*  `, then a-o */
    T|U|V, T|U|V, T|U|V, T|U|V, T|U|V, T|U|V, T|U|V, T|U|V, T|U|V, T|U|V, T|U|V, T|U|V, T|U|V, T|U|V, T|U|V, T|U|V,
    /*  p-z, then {    |      }    ~      DEL */
    T|U|V, T|U|V, T|U|V, T|U|V, T|U|V, T|U|V, T|U|V, T|U|V, T|U|V, T|U|V, T|U|V, U|V, T|U|V, U|V, T|U|V, 0,
    V, V, V, V, V, V, V, V, V, V, V, V, V, V, V, V,
    V, V, V, V, V, V, V, V, V, V, V, V, V, V, V, V,
    V, V, V, V, V, V, V, V, V, V, V, V, V, V, V, V,
    V, V, V, V, V, V, V, V, V, V, V, V, V, V, V, V,
    V, V, V, V, V, V, V, V, V, V, V, V, V, V, V, V,
    V, V, V, V, V, V, V, V, V, V, V, V, V, V, V, V,
    V, V, V, V, V, V, V, V, V, V, V, V, V, V, V, V,
    V, V, V, V, V, V, V, V, V, V, V, V, V, V, V, V,
};
/* clang-format on */

typedef const unsigned char *bytes;

/* The first byte in [p, end) whose class lacks `cls`, or end. Unrolled by four: the loop-carried
 * work is then one compare against end per four bytes instead of one per byte. */
static inline bytes skip_class(bytes p, bytes end, uint8_t cls)
{
    while (end - p >= 4) {
        if (!(byte_class[p[0]] & cls))
            return p;
        if (!(byte_class[p[1]] & cls))
            return p + 1;
        if (!(byte_class[p[2]] & cls))
            return p + 2;
        if (!(byte_class[p[3]] & cls))
            return p + 3;
        p += 4;
    }
    while (p < end && (byte_class[*p] & cls))
        p++;
    return p;
}

#define BYTES_01 0x0101010101010101ull
#define BYTES_80 0x8080808080808080ull

/* Eight bytes with the first one in memory as the least significant (a byte swap on
 * big-endian machines), so borrows run from earlier bytes to later ones. */
static inline uint64_t load_le64(bytes p)
{
    uint64_t x;
    memcpy(&x, p, sizeof x);
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
    x = __builtin_bswap64(x);
#endif
    return x;
}

/* The index of the first byte whose 0x80 bit is set in a non-zero mask computed from
 * load_le64. A borrow can only set bits above (after) a real hit, so the lowest set bit always
 * marks a byte that really stops the scan. */
static inline unsigned first_hit(uint64_t mask)
{
    return (unsigned)__builtin_ctzll(mask) / 8;
}

/* The first byte in [p, end) that is not a field-value byte (V), or end. Eight bytes at a time:
 * a word holds a byte below 0x20 iff (x - 0x20..) & ~x & 0x80.. is non-zero (borrows can only
 * add false hits above a true one, never invent one), and a DEL iff x ^ 0x7F.. holds a zero.
 * HTAB is below 0x20 but allowed, so a hit is resolved byte by byte before deciding. */
static inline bytes skip_value(bytes p, bytes end)
{
#if defined(__SSE2__)
    /* Sixteen bytes at a time where SSE2 is there (every x86-64): a byte stops the scan when
     * it is below 0x20 unsigned (max(x, 0x20) != x) or DEL; exact per byte, so the lowest
     * mask bit is the first stop. */
    while (end - p >= 16) {
        __m128i x = _mm_loadu_si128((const __m128i *)p);
        __m128i printable = _mm_cmpeq_epi8(_mm_max_epu8(x, _mm_set1_epi8(0x20)), x);
        __m128i del = _mm_cmpeq_epi8(x, _mm_set1_epi8(0x7f));
        unsigned stop =
            (~(unsigned)_mm_movemask_epi8(printable) & 0xffffu) | (unsigned)_mm_movemask_epi8(del);
        if (stop) {
            bytes hit = p + __builtin_ctz(stop);
            if (*hit != '\t')
                return hit;
            p = hit + 1;
            continue;
        }
        p += 16;
    }
#endif
    while (end - p >= 8) {
        uint64_t x = load_le64(p);
        uint64_t del = x ^ (0x7f * BYTES_01);
        uint64_t stop = (((x - 0x20 * BYTES_01) & ~x) | ((del - BYTES_01) & ~del)) & BYTES_80;
        if (stop) {
            /* The lowest hit is a real one: a byte below 0x20 (HTAB is one and is allowed, so
             * it is skipped and the search goes on) or DEL. */
            bytes hit = p + first_hit(stop);
            if (*hit != '\t')
                return hit;
            p = hit + 1;
            continue;
        }
        p += 8;
    }
    while (p < end && (byte_class[*p] & V))
        p++;
    return p;
}

/* The first byte in [p, end) that is not a plain target byte (U: %x21-7E except '?' and '#'),
 * or end. Eight bytes at a time like skip_value: a word is plain unless it holds a byte below
 * 0x21, a byte with the high bit set, DEL, '?' or '#'; a word that is not is resolved with the
 * table. Request paths are the longest runs of a typical head after the values. */
static inline bytes skip_target(bytes p, bytes end)
{
#if defined(__SSE2__)
    /* Sixteen at a time where SSE2 is there: a signed compare below 0x21 catches both the
     * bytes up to SP and those with the high bit set; DEL, '?' and '#' by equality. */
    while (end - p >= 16) {
        __m128i x = _mm_loadu_si128((const __m128i *)p);
        __m128i stop = _mm_or_si128(_mm_or_si128(_mm_cmplt_epi8(x, _mm_set1_epi8(0x21)),
                                                 _mm_cmpeq_epi8(x, _mm_set1_epi8(0x7f))),
                                    _mm_or_si128(_mm_cmpeq_epi8(x, _mm_set1_epi8('?')),
                                                 _mm_cmpeq_epi8(x, _mm_set1_epi8('#'))));
        unsigned mask = (unsigned)_mm_movemask_epi8(stop);
        if (mask)
            return p + __builtin_ctz(mask);
        p += 16;
    }
#endif
    while (end - p >= 8) {
        uint64_t x = load_le64(p);
        uint64_t del = x ^ (0x7f * BYTES_01);
        uint64_t question = x ^ ('?' * BYTES_01);
        uint64_t hash = x ^ ('#' * BYTES_01);
        uint64_t stop = (((x - 0x21 * BYTES_01) & ~x) | x | ((del - BYTES_01) & ~del) |
                         ((question - BYTES_01) & ~question) | ((hash - BYTES_01) & ~hash)) &
                        BYTES_80;
        if (stop)
            return p + first_hit(stop);
        p += 8;
    }
    while (p < end && (byte_class[*p] & U))
        p++;
    return p;
}

static inline int is_ows(unsigned char c)
{
    return c == ' ' || c == '\t';
}

/* Matches "HTTP/1.0" / "HTTP/1.1" at p with everything inside the window. */
static int version_fast(bytes p, int *minor)
{
    uint64_t word;
    memcpy(&word, p, sizeof word);
    uint64_t http10, http11;
    memcpy(&http10, "HTTP/1.0", 8);
    memcpy(&http11, "HTTP/1.1", 8);
    if (word == http10)
        *minor = 0;
    else if (word == http11)
        *minor = 1;
    else
        return 0;
    return 1;
}

int hp_http_parse_request(const char *buf, size_t len, struct hp_http_request *req)
{
    bytes const start = (bytes)buf;
    bytes const buf_end = start + len;
    bytes p = start;
    /* The end of the current line's window and what running into it means. */
    int ran_out;
    bytes end;

    if (len > HP_HTTP_MAX_REQUEST_LINE) {
        end = start + HP_HTTP_MAX_REQUEST_LINE;
        ran_out = HP_HTTP_ERR_REQUEST_LINE_TOO_LONG;
    } else {
        end = buf_end;
        ran_out = HP_HTTP_INCOMPLETE;
    }

    /* method SP */
    p = skip_class(p, end, T);
    if (p == end)
        return ran_out;
    if (*p != ' ' || p == start)
        return HP_HTTP_ERR_METHOD;
    req->method.ptr = (const char *)start;
    req->method.len = (size_t)(p - start);
    p++;

    /* request-target SP */
    bytes const target = p;
    bytes question = NULL, hash = NULL;
    for (;;) {
        p = skip_target(p, end);
        if (p == end)
            return ran_out;
        if (*p == '?') {
            if (!question && !hash)
                question = p;
        } else if (*p == '#') {
            if (!hash)
                hash = p;
        } else {
            break;
        }
        p++;
    }
    if (p == target)
        return HP_HTTP_ERR_TARGET;
    if (*p != ' ')
        return (*p == '\r' || *p == '\n') ? HP_HTTP_ERR_VERSION : HP_HTTP_ERR_TARGET;
    req->target.ptr = (const char *)target;
    req->target.len = (size_t)(p - target);
    bytes const path_end = question ? question : hash ? hash : p;
    req->path.ptr = (const char *)target;
    req->path.len = (size_t)(path_end - target);
    if (question) {
        bytes const query_end = hash ? hash : p;
        req->query.ptr = (const char *)question + 1;
        req->query.len = (size_t)(query_end - question - 1);
    } else {
        req->query.ptr = NULL;
        req->query.len = 0;
    }
    if (hash) {
        req->fragment.ptr = (const char *)hash + 1;
        req->fragment.len = (size_t)(p - hash - 1);
    } else {
        req->fragment.ptr = NULL;
        req->fragment.len = 0;
    }
    p++;

    /* HTTP-version CRLF */
    if (end - p >= 10 && version_fast(p, &req->minor_version)) {
        p += 8;
    } else {
        static const char prefix[] = "HTTP/1.";
        for (int i = 0; i < 7; i++, p++) {
            if (p == end)
                return ran_out;
            if (*p != (unsigned char)prefix[i])
                return HP_HTTP_ERR_VERSION;
        }
        if (p == end)
            return ran_out;
        if (*p != '0' && *p != '1')
            return HP_HTTP_ERR_VERSION;
        req->minor_version = *p - '0';
        p++;
    }
    if (p == end)
        return ran_out;
    if (*p != '\r')
        return *p == '\n' ? HP_HTTP_ERR_BARE_LF : HP_HTTP_ERR_VERSION;
    if (p + 1 == end)
        return ran_out;
    if (p[1] != '\n')
        return HP_HTTP_ERR_BARE_CR;
    p += 2;

    /* field lines, up to and including the empty line */
    size_t count = 0;
    for (;;) {
        if ((size_t)(buf_end - p) > HP_HTTP_MAX_HEADER_LINE) {
            end = p + HP_HTTP_MAX_HEADER_LINE;
            ran_out = HP_HTTP_ERR_HEADER_LINE_TOO_LONG;
        } else {
            end = buf_end;
            ran_out = HP_HTTP_INCOMPLETE;
        }
        if (p == end)
            return ran_out;

        bytes const name = p;
        p = skip_class(p, end, T);
        if (p == end)
            return ran_out;
        if (*p != ':') {
            if (p == name) {
                /* Not a field name at all: the end of the head, or a malformed line start. */
                if (*p == '\r') {
                    if (p + 1 == end)
                        return ran_out;
                    if (p[1] != '\n')
                        return HP_HTTP_ERR_BARE_CR;
                    break;
                }
                if (*p == '\n')
                    return HP_HTTP_ERR_BARE_LF;
                if (is_ows(*p))
                    return HP_HTTP_ERR_OBS_FOLD;
                return HP_HTTP_ERR_HEADER_NAME_BYTE;
            }
            if (*p == '\r' || *p == '\n')
                return HP_HTTP_ERR_MISSING_COLON;
            if (is_ows(*p)) {
                /* "Name : v" is whitespace before the colon; "Na me: v" is a bad name byte. */
                bytes q = p;
                while (q < end && is_ows(*q))
                    q++;
                if (q == end)
                    return ran_out;
                if (*q == ':')
                    return HP_HTTP_ERR_SPACE_BEFORE_COLON;
                if (*q == '\r' || *q == '\n')
                    return HP_HTTP_ERR_MISSING_COLON;
            }
            return HP_HTTP_ERR_HEADER_NAME_BYTE;
        }
        if (p == name)
            return HP_HTTP_ERR_EMPTY_HEADER_NAME;
        if (count == HP_HTTP_MAX_HEADERS)
            return HP_HTTP_ERR_TOO_MANY_HEADERS;
        struct hp_http_header *const header = &req->headers[count];
        header->name.ptr = (const char *)name;
        header->name.len = (size_t)(p - name);
        p++;

        while (p < end && is_ows(*p))
            p++;
        bytes const value = p;
        p = skip_value(p, end);
        if (p == end)
            return ran_out;
        if (*p != '\r')
            return *p == '\n' ? HP_HTTP_ERR_BARE_LF : HP_HTTP_ERR_HEADER_VALUE_BYTE;
        if (p + 1 == end)
            return ran_out;
        if (p[1] != '\n')
            return HP_HTTP_ERR_BARE_CR;
        bytes value_end = p;
        while (value_end > value && is_ows(value_end[-1]))
            value_end--;
        header->value.ptr = (const char *)value;
        header->value.len = (size_t)(value_end - value);
        count++;
        p += 2;
    }
    req->header_count = count;
    return (int)(p + 2 - start);
}

const char *hp_http_error_name(int code)
{
    if (code > 0)
        return "success";
    switch (code) {
    case HP_HTTP_INCOMPLETE:
        return "incomplete";
    case HP_HTTP_ERR_METHOD:
        return "bad method";
    case HP_HTTP_ERR_TARGET:
        return "bad request target";
    case HP_HTTP_ERR_VERSION:
        return "bad HTTP version";
    case HP_HTTP_ERR_BARE_CR:
        return "bare CR";
    case HP_HTTP_ERR_BARE_LF:
        return "bare LF";
    case HP_HTTP_ERR_REQUEST_LINE_TOO_LONG:
        return "request line too long";
    case HP_HTTP_ERR_HEADER_LINE_TOO_LONG:
        return "header line too long";
    case HP_HTTP_ERR_TOO_MANY_HEADERS:
        return "too many headers";
    case HP_HTTP_ERR_HEADER_NAME_BYTE:
        return "invalid byte in header name";
    case HP_HTTP_ERR_HEADER_VALUE_BYTE:
        return "invalid byte in header value";
    case HP_HTTP_ERR_MISSING_COLON:
        return "header line without colon";
    case HP_HTTP_ERR_SPACE_BEFORE_COLON:
        return "whitespace between header name and colon";
    case HP_HTTP_ERR_OBS_FOLD:
        return "obsolete line folding";
    case HP_HTTP_ERR_EMPTY_HEADER_NAME:
        return "empty header name";
    case HP_HTTP_ERR_CONTENT_LENGTH:
        return "invalid Content-Length";
    case HP_HTTP_ERR_TRANSFER_ENCODING:
        return "Transfer-Encoding not supported";
    default:
        return "unknown error";
    }
}

static const char *const method_names[] = {
    [HP_HTTP_METHOD_OTHER] = "OTHER",     [HP_HTTP_METHOD_GET] = "GET",
    [HP_HTTP_METHOD_HEAD] = "HEAD",       [HP_HTTP_METHOD_POST] = "POST",
    [HP_HTTP_METHOD_PUT] = "PUT",         [HP_HTTP_METHOD_PATCH] = "PATCH",
    [HP_HTTP_METHOD_DELETE] = "DELETE",   [HP_HTTP_METHOD_OPTIONS] = "OPTIONS",
    [HP_HTTP_METHOD_CONNECT] = "CONNECT", [HP_HTTP_METHOD_TRACE] = "TRACE",
};

enum hp_http_method hp_http_method_from_token(const char *token, size_t len)
{
    /* Length first: at most two candidates share a length, so one or two memcmp decide. */
    switch (len) {
    case 3:
        if (memcmp(token, "GET", 3) == 0)
            return HP_HTTP_METHOD_GET;
        if (memcmp(token, "PUT", 3) == 0)
            return HP_HTTP_METHOD_PUT;
        break;
    case 4:
        if (memcmp(token, "POST", 4) == 0)
            return HP_HTTP_METHOD_POST;
        if (memcmp(token, "HEAD", 4) == 0)
            return HP_HTTP_METHOD_HEAD;
        break;
    case 5:
        if (memcmp(token, "PATCH", 5) == 0)
            return HP_HTTP_METHOD_PATCH;
        if (memcmp(token, "TRACE", 5) == 0)
            return HP_HTTP_METHOD_TRACE;
        break;
    case 6:
        if (memcmp(token, "DELETE", 6) == 0)
            return HP_HTTP_METHOD_DELETE;
        break;
    case 7:
        if (memcmp(token, "OPTIONS", 7) == 0)
            return HP_HTTP_METHOD_OPTIONS;
        if (memcmp(token, "CONNECT", 7) == 0)
            return HP_HTTP_METHOD_CONNECT;
        break;
    }
    return HP_HTTP_METHOD_OTHER;
}

const char *hp_http_method_name(enum hp_http_method method)
{
    if ((unsigned)method >= sizeof method_names / sizeof method_names[0])
        return "OTHER";
    return method_names[method];
}

static inline unsigned char ascii_lower(unsigned char c)
{
    return (unsigned char)(c | ((unsigned)(c - 'A') < 26u) << 5);
}

static int names_equal(const char *a, const char *b, size_t len)
{
    for (size_t i = 0; i < len; i++)
        if (ascii_lower((unsigned char)a[i]) != ascii_lower((unsigned char)b[i]))
            return 0;
    return 1;
}

const struct hp_http_header *hp_http_find_header(const struct hp_http_request *req,
                                                 const char *name, size_t len)
{
    for (size_t i = 0; i < req->header_count; i++) {
        const struct hp_http_header *h = &req->headers[i];
        if (h->name.len == len && names_equal(h->name.ptr, name, len))
            return h;
    }
    return NULL;
}

int hp_http_parse_content_length(const char *value, size_t len, uint64_t *out)
{
    if (len == 0)
        return HP_HTTP_ERR_CONTENT_LENGTH;
    uint64_t n = 0;
    for (size_t i = 0; i < len; i++) {
        unsigned digit = (unsigned)(unsigned char)value[i] - '0';
        if (digit > 9)
            return HP_HTTP_ERR_CONTENT_LENGTH;
        if (n > (UINT64_MAX - digit) / 10)
            return HP_HTTP_ERR_CONTENT_LENGTH;
        n = n * 10 + digit;
    }
    *out = n;
    return 0;
}

int hp_http_request_content_length(const struct hp_http_request *req, uint64_t *out)
{
    static const char name[] = "content-length";
    int found = 0;
    uint64_t length = 0;
    for (size_t i = 0; i < req->header_count; i++) {
        const struct hp_http_header *h = &req->headers[i];
        if (h->name.len != sizeof name - 1 || !names_equal(h->name.ptr, name, sizeof name - 1))
            continue;
        uint64_t this_length;
        if (hp_http_parse_content_length(h->value.ptr, h->value.len, &this_length) != 0)
            return HP_HTTP_ERR_CONTENT_LENGTH;
        /* RFC 9110 8.6: repeated fields with one value may be accepted; differing ones not. */
        if (found && this_length != length)
            return HP_HTTP_ERR_CONTENT_LENGTH;
        length = this_length;
        found = 1;
    }
    *out = length;
    return found;
}

int hp_http_request_body(const struct hp_http_request *req, const char *buf, size_t len,
                         size_t head_len, struct hp_http_slice *body)
{
    if (hp_http_find_header(req, "transfer-encoding", 17))
        return HP_HTTP_ERR_TRANSFER_ENCODING;
    uint64_t length;
    int status = hp_http_request_content_length(req, &length);
    if (status < 0)
        return status;
    if (head_len > len || length > len - head_len)
        return HP_HTTP_INCOMPLETE;
    body->ptr = buf + head_len;
    body->len = (size_t)length;
    return 0;
}
