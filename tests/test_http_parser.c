/* Tests of the shared HTTP/1.1 request-head parser (impls/http/http_parser.h).
 *
 * Every parse of test input goes through parse_exact(), which copies the bytes into a malloc'ed
 * buffer of exactly that size: in the Debug build ASan then reports any read at or past the
 * end, which is how "never reads past len" is checked. */
#include <criterion/criterion.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alloc_count.h"
#include "http_fixtures.h"
#include "http/http_parser.h"
#include "rng.h"

/* Parses a private, exactly-sized copy of input[0, len). The copy is returned in *copy (owned
 * by the caller) so that slices can be checked against it. */
static int parse_exact(const char *input, size_t len, struct hp_http_request *req, char **copy)
{
    char *buf = malloc(len ? len : 1);
    cr_assert_not_null(buf);
    memcpy(buf, input, len);
    int rc = hp_http_parse_request(buf, len, req);
    if (copy)
        *copy = buf;
    else
        free(buf);
    return rc;
}

static int parse_str(const char *input, struct hp_http_request *req)
{
    return parse_exact(input, strlen(input), req, NULL);
}

struct expected_header {
    const char *name;
    const char *value;
};

struct corpus_entry {
    const char *label;
    const char *head; /* the request head, final empty line included */
    const char *body; /* bytes after the head ("" for none) */
    const char *method;
    const char *target;
    const char *path;
    const char *query;    /* NULL: no '?' */
    const char *fragment; /* NULL: no '#' */
    int minor_version;
    size_t header_count;
    struct expected_header headers[HP_HTTP_MAX_HEADERS];
};

static const struct corpus_entry corpus[] = {
    {
        .label = "browser GET",
        .head = HP_FIXTURE_BROWSER_GET,
        .body = "",
        .method = "GET",
        .target = "/api/v1/users/12345/profile?fields=name,email&lang=en",
        .path = "/api/v1/users/12345/profile",
        .query = "fields=name,email&lang=en",
        .fragment = NULL,
        .minor_version = 1,
        .header_count = 13,
        .headers =
            {
                {"Host", "www.example.com"},
                {"Connection", "keep-alive"},
                {"sec-ch-ua",
                 "\"Chromium\";v=\"124\", \"Google Chrome\";v=\"124\", \"Not-A.Brand\";v=\"99\""},
                {"sec-ch-ua-mobile", "?0"},
                {"User-Agent", "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like "
                               "Gecko) Chrome/124.0.0.0 Safari/537.36"},
                {"sec-ch-ua-platform", "\"Linux\""},
                {"Accept", "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,"
                           "image/webp,*/*;q=0.8"},
                {"Sec-Fetch-Site", "same-origin"},
                {"Sec-Fetch-Mode", "navigate"},
                {"Referer", "https://www.example.com/home"},
                {"Accept-Encoding", "gzip, deflate, br, zstd"},
                {"Accept-Language", "en-US,en;q=0.9"},
                {"Cookie", "session=abc123def456; theme=dark"},
            },
    },
    {
        .label = "curl GET",
        .head = "GET / HTTP/1.1\r\n"
                "Host: localhost:8080\r\n"
                "User-Agent: curl/8.5.0\r\n"
                "Accept: */*\r\n"
                "\r\n",
        .body = "",
        .method = "GET",
        .target = "/",
        .path = "/",
        .minor_version = 1,
        .header_count = 3,
        .headers = {{"Host", "localhost:8080"}, {"User-Agent", "curl/8.5.0"}, {"Accept", "*/*"}},
    },
    {
        .label = "JSON POST",
        .head = "POST /api/orders HTTP/1.1\r\n"
                "Host: api.example.com\r\n"
                "Content-Type: application/json\r\n"
                "content-length: 29\r\n"
                "Accept: application/json\r\n"
                "\r\n",
        .body = "{\"item\":\"book\",\"qty\":2,\"x\":1}",
        .method = "POST",
        .target = "/api/orders",
        .path = "/api/orders",
        .minor_version = 1,
        .header_count = 4,
        .headers = {{"Host", "api.example.com"},
                    {"Content-Type", "application/json"},
                    {"content-length", "29"},
                    {"Accept", "application/json"}},
    },
    {
        .label = "HTTP/1.0 without headers",
        .head = "HEAD /index.html HTTP/1.0\r\n\r\n",
        .body = "",
        .method = "HEAD",
        .target = "/index.html",
        .path = "/index.html",
        .minor_version = 0,
        .header_count = 0,
    },
    {
        .label = "query and fragment",
        .head = "GET /search?q=a?b#frag?x#y HTTP/1.1\r\nHost: h\r\n\r\n",
        .body = "",
        .method = "GET",
        .target = "/search?q=a?b#frag?x#y",
        .path = "/search",
        .query = "q=a?b",
        .fragment = "frag?x#y",
        .minor_version = 1,
        .header_count = 1,
        .headers = {{"Host", "h"}},
    },
    {
        .label = "empty query, fragment only",
        .head = "OPTIONS /a?#top HTTP/1.1\r\n\r\n",
        .body = "",
        .method = "OPTIONS",
        .target = "/a?#top",
        .path = "/a",
        .query = "",
        .fragment = "top",
        .minor_version = 1,
    },
    {
        .label = "fragment without query, asterisk and custom method",
        .head = "PURGE /p#f?notquery HTTP/1.1\r\nX: y\r\n\r\n",
        .body = "",
        .method = "PURGE",
        .target = "/p#f?notquery",
        .path = "/p",
        .query = NULL,
        .fragment = "f?notquery",
        .minor_version = 1,
        .header_count = 1,
        .headers = {{"X", "y"}},
    },
    {
        .label = "empty values, OWS trimming, internal spaces, obs-text",
        .head = "GET * HTTP/1.1\r\n"
                "X-Empty:\r\n"
                "X-Blank: \t \r\n"
                "X-Spaced:   a  b \t c \t  \r\n"
                "X-Tab:\tv\r\n"
                "X-Utf8: caf\xc3\xa9\r\n"
                "!#$%&'*+-.^_`|~09azAZ: tchars\r\n"
                "\r\n",
        .body = "",
        .method = "GET",
        .target = "*",
        .path = "*",
        .minor_version = 1,
        .header_count = 6,
        .headers = {{"X-Empty", ""},
                    {"X-Blank", ""},
                    {"X-Spaced", "a  b \t c"},
                    {"X-Tab", "v"},
                    {"X-Utf8", "caf\xc3\xa9"},
                    {"!#$%&'*+-.^_`|~09azAZ", "tchars"}},
    },
};

#define CORPUS_SIZE (sizeof corpus / sizeof corpus[0])

static void assert_slice(struct hp_http_slice s, const char *expected, const char *buf,
                         size_t buf_len, const char *what, const char *label)
{
    if (!expected) {
        cr_assert_null(s.ptr, "%s: %s should be absent", label, what);
        cr_assert_eq(s.len, 0, "%s: absent %s has a length", label, what);
        return;
    }
    cr_assert_not_null(s.ptr, "%s: %s missing", label, what);
    cr_assert(s.ptr >= buf && s.ptr + s.len <= buf + buf_len, "%s: %s points outside the buffer",
              label, what);
    cr_assert(s.len == strlen(expected) && memcmp(s.ptr, expected, s.len) == 0,
              "%s: %s is '%.*s', expected '%s'", label, what, (int)s.len, s.ptr, expected);
}

static void check_entry(const struct corpus_entry *e)
{
    size_t head_len = strlen(e->head), body_len = strlen(e->body);
    char *input = malloc(head_len + body_len + 1);
    memcpy(input, e->head, head_len);
    memcpy(input + head_len, e->body, body_len);

    struct hp_http_request req;
    char *buf;
    size_t len = head_len + body_len;
    int rc = parse_exact(input, len, &req, &buf);
    cr_assert_eq(rc, (int)head_len, "%s: returned %d (%s), expected %zu", e->label, rc,
                 hp_http_error_name(rc), head_len);
    assert_slice(req.method, e->method, buf, len, "method", e->label);
    assert_slice(req.target, e->target, buf, len, "target", e->label);
    assert_slice(req.path, e->path, buf, len, "path", e->label);
    assert_slice(req.query, e->query, buf, len, "query", e->label);
    assert_slice(req.fragment, e->fragment, buf, len, "fragment", e->label);
    cr_assert_eq(req.minor_version, e->minor_version, "%s: minor version", e->label);
    cr_assert_eq(req.header_count, e->header_count, "%s: %zu headers, expected %zu", e->label,
                 req.header_count, e->header_count);
    for (size_t i = 0; i < e->header_count; i++) {
        assert_slice(req.headers[i].name, e->headers[i].name, buf, len, "header name", e->label);
        assert_slice(req.headers[i].value, e->headers[i].value, buf, len, "header value", e->label);
    }
    free(buf);
    free(input);
}

Test(http_parser, corpus_slices)
{
    for (size_t i = 0; i < CORPUS_SIZE; i++)
        check_entry(&corpus[i]);
}

Test(http_parser, every_truncation_is_incomplete)
{
    for (size_t i = 0; i < CORPUS_SIZE; i++) {
        const struct corpus_entry *e = &corpus[i];
        size_t head_len = strlen(e->head);
        for (size_t k = 0; k < head_len; k++) {
            struct hp_http_request req;
            int rc = parse_exact(e->head, k, &req, NULL);
            cr_assert_eq(rc, HP_HTTP_INCOMPLETE, "%s truncated to %zu bytes: %d (%s)", e->label, k,
                         rc, hp_http_error_name(rc));
        }
        struct hp_http_request req;
        cr_assert_eq(parse_exact(e->head, head_len, &req, NULL), (int)head_len, "%s complete",
                     e->label);
    }
}

Test(http_parser, zero_allocations)
{
    const struct corpus_entry *e = &corpus[0];
    size_t len = strlen(e->head);
    struct hp_http_request req;
    struct hp_alloc_counts before, after;
    hp_alloc_counts_read(&before);
    int rc = hp_http_parse_request(e->head, len, &req);
    const struct hp_http_header *h = hp_http_find_header(&req, "cookie", 6);
    uint64_t cl;
    int cl_rc = hp_http_request_content_length(&req, &cl);
    hp_alloc_counts_read(&after);
    struct hp_alloc_counts d = hp_alloc_counts_delta(&before, &after);
    cr_assert_eq(rc, (int)len);
    cr_assert_not_null(h);
    cr_assert_eq(cl_rc, 0);
    cr_assert_eq(d.allocs, 0, "a parse allocated %llu times", (unsigned long long)d.allocs);
    cr_assert_eq(d.frees, 0);
}

struct error_case {
    const char *input;
    int expected;
};

static const struct error_case error_cases[] = {
    /* method */
    {" / HTTP/1.1\r\n\r\n", HP_HTTP_ERR_METHOD},
    {"G(T / HTTP/1.1\r\n\r\n", HP_HTTP_ERR_METHOD},
    {"GET\t/ HTTP/1.1\r\n\r\n", HP_HTTP_ERR_METHOD},
    {"\r\nGET / HTTP/1.1\r\n\r\n", HP_HTTP_ERR_METHOD},
    /* target */
    {"GET  / HTTP/1.1\r\n\r\n", HP_HTTP_ERR_TARGET},
    {"GET /a\x01 HTTP/1.1\r\n\r\n", HP_HTTP_ERR_TARGET},
    {"GET /caf\xc3\xa9 HTTP/1.1\r\n\r\n", HP_HTTP_ERR_TARGET},
    {"GET /a\x7f HTTP/1.1\r\n\r\n", HP_HTTP_ERR_TARGET},
    {"GET /a\tb HTTP/1.1\r\n\r\n", HP_HTTP_ERR_TARGET},
    /* version */
    {"GET / HTTP/1.2\r\n\r\n", HP_HTTP_ERR_VERSION},
    {"GET / HTTP/2.0\r\n\r\n", HP_HTTP_ERR_VERSION},
    {"GET / http/1.1\r\n\r\n", HP_HTTP_ERR_VERSION},
    {"GET / HTTP/1.10\r\n\r\n", HP_HTTP_ERR_VERSION},
    {"GET / HTTP/1.1 \r\n\r\n", HP_HTTP_ERR_VERSION},
    {"GET /\r\n\r\n", HP_HTTP_ERR_VERSION},
    {"GET / \r\n\r\n", HP_HTTP_ERR_VERSION},
    {"GET / HTTP/1", HP_HTTP_INCOMPLETE}, /* a prefix of a valid version: not an error yet */
    {"GET / HTTQ", HP_HTTP_ERR_VERSION},  /* judged as soon as a byte is wrong */
    /* bare CR */
    {"GET / HTTP/1.1\rX", HP_HTTP_ERR_BARE_CR},
    {"GET / HTTP/1.1\r\nHost: a\rb\r\n\r\n", HP_HTTP_ERR_BARE_CR},
    {"GET / HTTP/1.1\r\nHost: a\r\n\rX", HP_HTTP_ERR_BARE_CR},
    {"GET / HTTP/1.1\r\nHost: a\r\r\n\r\n", HP_HTTP_ERR_BARE_CR},
    /* bare LF */
    {"GET / HTTP/1.1\nHost: a\r\n\r\n", HP_HTTP_ERR_BARE_LF},
    {"GET / HTTP/1.1\r\nHost: a\n\r\n", HP_HTTP_ERR_BARE_LF},
    {"GET / HTTP/1.1\r\nHost: a\r\n\n", HP_HTTP_ERR_BARE_LF},
    /* header name bytes */
    {"GET / HTTP/1.1\r\nHo(st: a\r\n\r\n", HP_HTTP_ERR_HEADER_NAME_BYTE},
    {"GET / HTTP/1.1\r\nHo st: a\r\n\r\n", HP_HTTP_ERR_HEADER_NAME_BYTE},
    {"GET / HTTP/1.1\r\n\xc3\xa9: a\r\n\r\n", HP_HTTP_ERR_HEADER_NAME_BYTE},
    {"GET / HTTP/1.1\r\nHost\x01: a\r\n\r\n", HP_HTTP_ERR_HEADER_NAME_BYTE},
    /* header value bytes */
    {"GET / HTTP/1.1\r\nHost: a\x01z\r\n\r\n", HP_HTTP_ERR_HEADER_VALUE_BYTE},
    {"GET / HTTP/1.1\r\nHost: a\x7fz\r\n\r\n", HP_HTTP_ERR_HEADER_VALUE_BYTE},
    {"GET / HTTP/1.1\r\nX: 0123456789abcdef\x1f"
     "0123456789\r\n\r\n",
     HP_HTTP_ERR_HEADER_VALUE_BYTE},
    {"GET / HTTP/1.1\r\nX: 01234567\t89abcdef\x7f\r\n\r\n", HP_HTTP_ERR_HEADER_VALUE_BYTE},
    /* missing colon */
    {"GET / HTTP/1.1\r\nHost\r\n\r\n", HP_HTTP_ERR_MISSING_COLON},
    {"GET / HTTP/1.1\r\nHost \r\n\r\n", HP_HTTP_ERR_MISSING_COLON},
    /* whitespace before colon */
    {"GET / HTTP/1.1\r\nHost : a\r\n\r\n", HP_HTTP_ERR_SPACE_BEFORE_COLON},
    {"GET / HTTP/1.1\r\nHost\t: a\r\n\r\n", HP_HTTP_ERR_SPACE_BEFORE_COLON},
    /* obs-fold */
    {"GET / HTTP/1.1\r\nX: a\r\n b\r\n\r\n", HP_HTTP_ERR_OBS_FOLD},
    {"GET / HTTP/1.1\r\nX: a\r\n\tb\r\n\r\n", HP_HTTP_ERR_OBS_FOLD},
    {"GET / HTTP/1.1\r\n Host: a\r\n\r\n", HP_HTTP_ERR_OBS_FOLD},
    /* empty name */
    {"GET / HTTP/1.1\r\n: a\r\n\r\n", HP_HTTP_ERR_EMPTY_HEADER_NAME},
};

Test(http_parser, error_classes)
{
    for (size_t i = 0; i < sizeof error_cases / sizeof error_cases[0]; i++) {
        const struct error_case *c = &error_cases[i];
        struct hp_http_request req;
        int rc = parse_str(c->input, &req);
        cr_assert_eq(rc, c->expected, "case %zu '%s': got %d (%s), expected %d (%s)", i, c->input,
                     rc, hp_http_error_name(rc), c->expected, hp_http_error_name(c->expected));
    }
}

/* "GET / HTTP/1.1\r\n" then a header line of exactly line_len bytes (CRLF included), then the
 * empty line. */
static char *request_with_header_line(size_t line_len, size_t *out_len)
{
    const char *start = "GET / HTTP/1.1\r\n";
    size_t start_len = strlen(start);
    size_t len = start_len + line_len + 2;
    char *buf = malloc(len);
    memcpy(buf, start, start_len);
    memcpy(buf + start_len, "X-Big: ", 7);
    memset(buf + start_len + 7, 'a', line_len - 7 - 2);
    memcpy(buf + start_len + line_len - 2, "\r\n\r\n", 4);
    *out_len = len;
    return buf;
}

Test(http_parser, header_line_limit)
{
    struct hp_http_request req;
    size_t len;
    char *buf = request_with_header_line(HP_HTTP_MAX_HEADER_LINE, &len);
    cr_assert_eq(parse_exact(buf, len, &req, NULL), (int)len, "a line at the limit is accepted");
    cr_assert_eq(req.headers[0].value.len, HP_HTTP_MAX_HEADER_LINE - 9);
    free(buf);

    buf = request_with_header_line(HP_HTTP_MAX_HEADER_LINE + 1, &len);
    cr_assert_eq(parse_exact(buf, len, &req, NULL), HP_HTTP_ERR_HEADER_LINE_TOO_LONG);
    free(buf);

    /* 64 KiB, complete and truncated past the limit: too long either way. */
    buf = request_with_header_line(64 * 1024, &len);
    cr_assert_eq(parse_exact(buf, len, &req, NULL), HP_HTTP_ERR_HEADER_LINE_TOO_LONG);
    cr_assert_eq(parse_exact(buf, 16 + HP_HTTP_MAX_HEADER_LINE + 1, &req, NULL),
                 HP_HTTP_ERR_HEADER_LINE_TOO_LONG);
    cr_assert_eq(parse_exact(buf, 16 + HP_HTTP_MAX_HEADER_LINE, &req, NULL), HP_HTTP_INCOMPLETE,
                 "exactly the limit's worth of an unfinished line may still be valid");
    free(buf);
}

/* "GET <target> HTTP/1.1\r\n\r\n" with a request line of exactly line_len bytes. */
static char *request_with_line(size_t line_len, size_t *out_len)
{
    size_t len = line_len + 2;
    char *buf = malloc(len);
    memcpy(buf, "GET /", 5);
    memset(buf + 5, 'p', line_len - 5 - 11);
    memcpy(buf + line_len - 11, " HTTP/1.1\r\n\r\n", 13);
    *out_len = len;
    return buf;
}

Test(http_parser, request_line_limit)
{
    struct hp_http_request req;
    size_t len;
    char *buf = request_with_line(HP_HTTP_MAX_REQUEST_LINE, &len);
    cr_assert_eq(parse_exact(buf, len, &req, NULL), (int)len);
    cr_assert_eq(req.target.len, HP_HTTP_MAX_REQUEST_LINE - 15);
    free(buf);

    buf = request_with_line(HP_HTTP_MAX_REQUEST_LINE + 1, &len);
    cr_assert_eq(parse_exact(buf, len, &req, NULL), HP_HTTP_ERR_REQUEST_LINE_TOO_LONG);
    free(buf);

    buf = request_with_line(64 * 1024, &len);
    cr_assert_eq(parse_exact(buf, len, &req, NULL), HP_HTTP_ERR_REQUEST_LINE_TOO_LONG);
    cr_assert_eq(parse_exact(buf, HP_HTTP_MAX_REQUEST_LINE + 1, &req, NULL),
                 HP_HTTP_ERR_REQUEST_LINE_TOO_LONG);
    cr_assert_eq(parse_exact(buf, HP_HTTP_MAX_REQUEST_LINE, &req, NULL), HP_HTTP_INCOMPLETE);
    free(buf);

    /* A method longer than the limit is refused by length too. */
    char *method = malloc(HP_HTTP_MAX_REQUEST_LINE + 100);
    memset(method, 'G', HP_HTTP_MAX_REQUEST_LINE + 100);
    cr_assert_eq(parse_exact(method, HP_HTTP_MAX_REQUEST_LINE + 100, &req, NULL),
                 HP_HTTP_ERR_REQUEST_LINE_TOO_LONG);
    free(method);
}

static size_t request_with_headers(char *buf, size_t count)
{
    size_t len = 0;
    len += (size_t)sprintf(buf + len, "GET / HTTP/1.1\r\n");
    for (size_t i = 0; i < count; i++)
        len += (size_t)sprintf(buf + len, "X-H%zu: v%zu\r\n", i, i);
    len += (size_t)sprintf(buf + len, "\r\n");
    return len;
}

Test(http_parser, header_count_limit)
{
    char text[4096];
    struct hp_http_request req;
    char *copy;
    size_t len = request_with_headers(text, HP_HTTP_MAX_HEADERS);
    cr_assert_eq(parse_exact(text, len, &req, &copy), (int)len);
    cr_assert_eq(req.header_count, HP_HTTP_MAX_HEADERS);
    cr_assert(req.headers[31].value.len == 3 && memcmp(req.headers[31].value.ptr, "v31", 3) == 0);
    free(copy);

    len = request_with_headers(text, HP_HTTP_MAX_HEADERS + 1);
    cr_assert_eq(parse_exact(text, len, &req, NULL), HP_HTTP_ERR_TOO_MANY_HEADERS);
}

Test(http_parser, find_header_ignores_case)
{
    const char *text = corpus[0].head;
    struct hp_http_request req;
    cr_assert_gt(hp_http_parse_request(text, strlen(text), &req), 0);
    const struct hp_http_header *h = hp_http_find_header(&req, "user-AGENT", 10);
    cr_assert_not_null(h);
    cr_assert_eq(h, &req.headers[4]);
    h = hp_http_find_header(&req, "SEC-CH-UA", 9);
    cr_assert_eq(h, &req.headers[2], "the first match, not sec-ch-ua-mobile");
    cr_assert_null(hp_http_find_header(&req, "X-Missing", 9));
    cr_assert_null(hp_http_find_header(&req, "Hos", 3));
    cr_assert_null(hp_http_find_header(&req, "Hosu", 4));
}

Test(http_parser, content_length_values)
{
    uint64_t v = 7;
    cr_assert_eq(hp_http_parse_content_length("0", 1, &v), 0);
    cr_assert_eq(v, 0);
    cr_assert_eq(hp_http_parse_content_length("1234", 4, &v), 0);
    cr_assert_eq(v, 1234);
    cr_assert_eq(hp_http_parse_content_length("18446744073709551615", 20, &v), 0);
    cr_assert_eq(v, UINT64_MAX);
    const char *bad[] = {"",
                         "18446744073709551616",
                         "99999999999999999999999",
                         "-1",
                         "+1",
                         "1 ",
                         " 1",
                         "1,1",
                         "0x10",
                         "1a",
                         "١"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        cr_assert_eq(hp_http_parse_content_length(bad[i], strlen(bad[i]), &v),
                     HP_HTTP_ERR_CONTENT_LENGTH, "'%s' accepted", bad[i]);
}

Test(http_parser, json_post_body)
{
    const struct corpus_entry *e = &corpus[2];
    char text[512];
    size_t head_len = strlen(e->head), body_len = strlen(e->body);
    memcpy(text, e->head, head_len);
    memcpy(text + head_len, e->body, body_len);
    struct hp_http_request req;
    int rc = hp_http_parse_request(text, head_len + body_len, &req);
    cr_assert_eq(rc, (int)head_len);

    uint64_t cl;
    cr_assert_eq(hp_http_request_content_length(&req, &cl), 1);
    cr_assert_eq(cl, body_len);
    struct hp_http_slice body;
    cr_assert_eq(hp_http_request_body(&req, text, head_len + body_len, (size_t)rc, &body), 0);
    cr_assert(body.ptr == text + head_len && body.len == body_len);
    cr_assert_eq(hp_http_request_body(&req, text, head_len + body_len - 1, (size_t)rc, &body),
                 HP_HTTP_INCOMPLETE);

    /* No Content-Length: an empty body. */
    const char *get = corpus[1].head;
    cr_assert_gt(hp_http_parse_request(get, strlen(get), &req), 0);
    cr_assert_eq(hp_http_request_content_length(&req, &cl), 0);
    cr_assert_eq(hp_http_request_body(&req, get, strlen(get), strlen(get), &body), 0);
    cr_assert_eq(body.len, 0);
}

Test(http_parser, content_length_conflicts_and_chunked)
{
    struct hp_http_request req;
    uint64_t cl;
    struct hp_http_slice body;
    const char *same = "POST / HTTP/1.1\r\nContent-Length: 3\r\ncontent-length: 3\r\n\r\nabc";
    int rc = hp_http_parse_request(same, strlen(same), &req);
    cr_assert_gt(rc, 0);
    cr_assert_eq(hp_http_request_content_length(&req, &cl), 1);
    cr_assert_eq(cl, 3);

    const char *differ = "POST / HTTP/1.1\r\nContent-Length: 3\r\nContent-Length: 4\r\n\r\nabcd";
    rc = hp_http_parse_request(differ, strlen(differ), &req);
    cr_assert_gt(rc, 0);
    cr_assert_eq(hp_http_request_content_length(&req, &cl), HP_HTTP_ERR_CONTENT_LENGTH);
    cr_assert_eq(hp_http_request_body(&req, differ, strlen(differ), (size_t)rc, &body),
                 HP_HTTP_ERR_CONTENT_LENGTH);

    const char *overflow = "POST / HTTP/1.1\r\nContent-Length: 18446744073709551616\r\n\r\n";
    rc = hp_http_parse_request(overflow, strlen(overflow), &req);
    cr_assert_gt(rc, 0);
    cr_assert_eq(hp_http_request_body(&req, overflow, strlen(overflow), (size_t)rc, &body),
                 HP_HTTP_ERR_CONTENT_LENGTH);

    const char *chunked = "POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n";
    rc = hp_http_parse_request(chunked, strlen(chunked), &req);
    cr_assert_gt(rc, 0);
    cr_assert_eq(hp_http_request_body(&req, chunked, strlen(chunked), (size_t)rc, &body),
                 HP_HTTP_ERR_TRANSFER_ENCODING);
}

Test(http_parser, method_enum)
{
    static const struct {
        const char *token;
        enum hp_http_method method;
    } cases[] = {
        {"GET", HP_HTTP_METHOD_GET},         {"HEAD", HP_HTTP_METHOD_HEAD},
        {"POST", HP_HTTP_METHOD_POST},       {"PUT", HP_HTTP_METHOD_PUT},
        {"PATCH", HP_HTTP_METHOD_PATCH},     {"DELETE", HP_HTTP_METHOD_DELETE},
        {"OPTIONS", HP_HTTP_METHOD_OPTIONS}, {"CONNECT", HP_HTTP_METHOD_CONNECT},
        {"TRACE", HP_HTTP_METHOD_TRACE},     {"get", HP_HTTP_METHOD_OTHER},
        {"PURGE", HP_HTTP_METHOD_OTHER},     {"GETS", HP_HTTP_METHOD_OTHER},
        {"", HP_HTTP_METHOD_OTHER},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        enum hp_http_method m = hp_http_method_from_token(cases[i].token, strlen(cases[i].token));
        cr_assert_eq(m, cases[i].method, "%s", cases[i].token);
        if (m != HP_HTTP_METHOD_OTHER)
            cr_assert_str_eq(hp_http_method_name(m), cases[i].token);
    }
}

Test(http_parser, error_names_are_distinct)
{
    for (int a = HP_HTTP_ERR_TRANSFER_ENCODING; a <= HP_HTTP_INCOMPLETE; a++) {
        cr_assert_str_neq(hp_http_error_name(a), "unknown error", "code %d unnamed", a);
        for (int b = a + 1; b <= HP_HTTP_INCOMPLETE; b++)
            cr_assert_str_neq(hp_http_error_name(a), hp_http_error_name(b));
    }
    cr_assert_str_eq(hp_http_error_name(1), "success");
    cr_assert_str_eq(hp_http_error_name(-1000), "unknown error");
}

/* Random mutations of the corpus, each parsed in an exactly-sized buffer: whatever the result,
 * no read past the end (ASan) and, on success, every slice inside the buffer. */
Test(http_parser, mutations_stay_in_bounds)
{
    struct hp_rng rng;
    hp_rng_seed(&rng, 0x5eed);
    static const char interesting[] = {'\r', '\n', ' ', '\t', ':', '?', '#', '\0', '\x7f', 'A'};
    for (int iter = 0; iter < 20000; iter++) {
        const struct corpus_entry *e = &corpus[hp_rng_below(&rng, CORPUS_SIZE)];
        size_t len = strlen(e->head);
        char text[1024];
        memcpy(text, e->head, len);
        int mutations = 1 + (int)hp_rng_below(&rng, 3);
        for (int m = 0; m < mutations; m++) {
            size_t at = hp_rng_below(&rng, len);
            text[at] = hp_rng_below(&rng, 2) ? interesting[hp_rng_below(&rng, sizeof interesting)]
                                             : (char)hp_rng_below(&rng, 256);
        }
        size_t cut = hp_rng_below(&rng, 4) == 0 ? hp_rng_below(&rng, len + 1) : len;
        struct hp_http_request req;
        char *buf;
        int rc = parse_exact(text, cut, &req, &buf);
        cr_assert(rc >= HP_HTTP_ERR_EMPTY_HEADER_NAME && rc != 0 && rc <= (int)cut);
        if (rc > 0) {
            cr_assert(req.method.ptr == buf && req.method.len > 0);
            cr_assert(req.path.ptr + req.path.len <= buf + rc);
            cr_assert(req.header_count <= HP_HTTP_MAX_HEADERS);
            for (size_t i = 0; i < req.header_count; i++) {
                const struct hp_http_header *h = &req.headers[i];
                cr_assert(h->name.ptr >= buf && h->name.ptr + h->name.len <= buf + rc);
                cr_assert(h->value.ptr >= buf && h->value.ptr + h->value.len <= buf + rc);
                cr_assert_gt(h->name.len, 0);
            }
        }
        free(buf);
    }
}

/* The other heads the http/parse workloads measure parse as expected (the browser head is in
 * the corpus above). */
Test(http_parser, workload_fixtures)
{
    static const struct {
        const char *text;
        size_t len;
        const char *path;
        size_t headers;
        size_t body;
    } fixtures[] = {
        {HP_FIXTURE_CURL_GET, sizeof HP_FIXTURE_CURL_GET - 1, "/api/v1/status", 3, 0},
        {HP_FIXTURE_JSON_POST, sizeof HP_FIXTURE_JSON_POST - 1, "/api/orders", 7, 29},
        {HP_FIXTURE_LINE3, sizeof HP_FIXTURE_LINE3 - 1, "/index.html", 3, 0},
    };
    for (size_t i = 0; i < sizeof fixtures / sizeof fixtures[0]; i++) {
        struct hp_http_request req;
        int rc = hp_http_parse_request(fixtures[i].text, fixtures[i].len, &req);
        cr_assert_eq((size_t)rc, fixtures[i].len - fixtures[i].body, "fixture %zu: %d", i, rc);
        cr_assert_eq(req.header_count, fixtures[i].headers, "fixture %zu", i);
        cr_assert_eq(req.path.len, strlen(fixtures[i].path));
        cr_assert_eq(memcmp(req.path.ptr, fixtures[i].path, req.path.len), 0);
    }
}
