/* http/parse/{browser,curl,json_post,line3}: the shared request-head parser
 * (impls/http/http_parser.c) on realistic requests, claim C15 (zero allocations; the seeds state <
 * 50 ns for a request line and < 30 ns per header). One op = one hp_http_parse_request of the same
 * prepared request, which stays hot in cache: this measures the parser, not memory.
 */
#include "http_fixtures.h"
#include "http/http_parser.h"
#include "workload.h"

#include <stdlib.h>
#include <string.h>

struct http_parse_state {
    const char *text;
    size_t len;
    struct hp_http_request req;
};

static const char browser_request[] = HP_FIXTURE_BROWSER_GET;
static const char curl_request[] = HP_FIXTURE_CURL_GET;
static const char json_post_request[] = HP_FIXTURE_JSON_POST;
static const char line3_request[] = HP_FIXTURE_LINE3;

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
