/* http/parse/{browser,curl,json_post,line3}: the shared request-head parser (harness/http_parser.c)
 * on realistic requests, claim C15 (zero allocations; the seeds state < 50 ns for a request line
 * and < 30 ns per header). One op = one hp_http_parse_request of the same prepared request, which
 * stays hot in cache: this measures the parser, not memory.
 */
#include "http_parser.h"
#include "workload.h"

#include <stdlib.h>
#include <string.h>

struct http_parse_state {
    const char *text;
    size_t len;
    struct hp_http_request req;
};

static const char browser_request[] =
    "GET /api/v1/users/12345/profile?fields=name,email&lang=en HTTP/1.1\r\n"
    "Host: www.example.com\r\n"
    "Connection: keep-alive\r\n"
    "sec-ch-ua: \"Chromium\";v=\"124\", \"Google Chrome\";v=\"124\", \"Not-A.Brand\";v=\"99\"\r\n"
    "sec-ch-ua-mobile: ?0\r\n"
    "User-Agent: Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/124.0.0.0 Safari/537.36\r\n"
    "sec-ch-ua-platform: \"Linux\"\r\n"
    "Accept: text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;"
    "q=0.8\r\n"
    "Sec-Fetch-Site: same-origin\r\n"
    "Sec-Fetch-Mode: navigate\r\n"
    "Referer: https://www.example.com/home\r\n"
    "Accept-Encoding: gzip, deflate, br, zstd\r\n"
    "Accept-Language: en-US,en;q=0.9\r\n"
    "Cookie: session=abc123def456; theme=dark\r\n"
    "\r\n";

static const char curl_request[] = "GET /api/v1/status HTTP/1.1\r\n"
                                   "Host: localhost:8080\r\n"
                                   "User-Agent: curl/8.5.0\r\n"
                                   "Accept: */*\r\n"
                                   "\r\n";

/* Head and body: the parser stops at the head; the body is there as a server would see it. */
static const char json_post_request[] = "POST /api/orders HTTP/1.1\r\n"
                                        "Host: api.example.com\r\n"
                                        "User-Agent: python-requests/2.31.0\r\n"
                                        "Accept-Encoding: gzip, deflate\r\n"
                                        "Accept: application/json\r\n"
                                        "Connection: keep-alive\r\n"
                                        "Content-Type: application/json\r\n"
                                        "Content-Length: 29\r\n"
                                        "\r\n"
                                        "{\"item\":\"book\",\"qty\":2,\"x\":1}";

/* The bar case of C15: a request line and three short headers. */
static const char line3_request[] = "GET /index.html HTTP/1.1\r\n"
                                    "Host: example.com\r\n"
                                    "User-Agent: bench/1.0\r\n"
                                    "Accept: */*\r\n"
                                    "\r\n";

static int setup_text(const char *text, size_t len, void **shared, struct hp_error *err)
{
    struct http_parse_state *s = malloc(sizeof *s);
    if (!s)
        return hp_error_set(err, "http/parse: out of memory");
    s->text = text;
    s->len = len;
    int rc = hp_http_parse_request(text, len, &s->req);
    if (rc <= 0) {
        free(s);
        return hp_error_set(err, "http/parse: built-in request does not parse: %s",
                            hp_http_error_name(rc));
    }
    *shared = s;
    return 0;
}

static int thread_setup(void *shared, unsigned thread_index, void **local, struct hp_error *err)
{
    (void)thread_index;
    const struct http_parse_state *s = shared;
    /* Each thread parses into its own request struct: no shared writes between workers. */
    struct http_parse_state *mine = malloc(sizeof *mine);
    if (!mine)
        return hp_error_set(err, "http/parse: out of memory");
    mine->text = s->text;
    mine->len = s->len;
    *local = mine;
    return 0;
}

static uint64_t run(void *local, uint64_t n)
{
    struct http_parse_state *s = local;
    uint64_t sum = 0;
    for (uint64_t i = 0; i < n; i++) {
        int rc = hp_http_parse_request(s->text, s->len, &s->req);
        /* Depend on the result (length, header count, a value's length) so no part of the
         * parse can be dropped as dead. */
        sum += (uint64_t)rc + s->req.header_count + s->req.headers[0].value.len;
        __asm__ volatile("" ::: "memory"); /* one real parse per iteration, never hoisted */
    }
    return sum;
}

static void thread_teardown(void *local)
{
    free(local);
}

static void teardown(void *shared)
{
    free(shared);
}

#define HTTP_PARSE_CASE(id, text, what)                                                            \
    static int setup_##id(const struct hp_case_params *params, void **shared,                      \
                          struct hp_error *err)                                                    \
    {                                                                                              \
        (void)params;                                                                              \
        return setup_text(text, sizeof text - 1, shared, err);                                     \
    }                                                                                              \
    const struct hp_workload hp_workload_http_parse_##id = {                                       \
        .name = "http/parse/" #id,                                                                 \
        .summary = what,                                                                           \
        .setup = setup_##id,                                                                       \
        .thread_setup = thread_setup,                                                              \
        .run = run,                                                                                \
        .thread_teardown = thread_teardown,                                                        \
        .teardown = teardown,                                                                      \
    }

HTTP_PARSE_CASE(browser, browser_request,
                "parse a browser GET head (request line with query, 13 headers, 667 bytes)");
HTTP_PARSE_CASE(curl, curl_request, "parse a curl GET head (request line, 3 headers)");
HTTP_PARSE_CASE(json_post, json_post_request,
                "parse a JSON POST head (7 headers; the body follows in the buffer)");
HTTP_PARSE_CASE(line3, line3_request,
                "parse a request line and 3 short headers (the C15 < 50 ns bar case)");
