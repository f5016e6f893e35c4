/* The response_writer axis contract (impls/response_writers/response_writer.h) and the shared
 * formatting helpers (http_format.h): every response writer, over every header writer, writes
 * exactly the same bytes, and nothing is allocated per response. */
#include <criterion/criterion.h>
#include <stdint.h>
#include <string.h>

#include "alloc_count.h"
#include "response_writers/http_format.h"
#include "response_writers/response_writer.h"

#define FOR_EACH(table, type, of, ops)                                                             \
    for (const struct hp_impl_info *const *it_##ops = table; *it_##ops; it_##ops++)                \
        for (const type *ops = of(*it_##ops); ops; ops = NULL)
#define FOR_EACH_RESPONSE_WRITER(ops)                                                              \
    FOR_EACH(hp_response_writer_table, struct hp_response_writer_ops, hp_response_writer_ops_of,   \
             ops)
#define FOR_EACH_HEADER_WRITER(ops)                                                                \
    FOR_EACH(hp_header_writer_table, struct hp_header_writer_ops, hp_header_writer_ops_of, ops)

Test(http_format, decimal)
{
    static const struct {
        uint64_t value;
        const char *text;
    } cases[] = {{0, "0"},
                 {7, "7"},
                 {10, "10"},
                 {12345, "12345"},
                 {1000000, "1000000"},
                 {UINT64_MAX, "18446744073709551615"}};
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char out[HP_DECIMAL_U64_MAX + 1];
        memset(out, '#', sizeof out);
        size_t n = hp_format_decimal_u64(out, cases[i].value);
        cr_assert_eq(n, strlen(cases[i].text));
        cr_assert(memcmp(out, cases[i].text, n) == 0, "%.*s != %s", (int)n, out, cases[i].text);
        cr_assert_eq(out[n], '#', "wrote past the digits");
    }
}

Test(http_format, http_date)
{
    char out[HP_HTTP_DATE_LENGTH + 1];
    out[HP_HTTP_DATE_LENGTH] = '#';
    cr_assert_eq(hp_format_http_date(out, 784111777), 0);
    cr_assert(memcmp(out, "Sun, 06 Nov 1994 08:49:37 GMT", HP_HTTP_DATE_LENGTH) == 0, "%.29s", out);
    cr_assert_eq(out[HP_HTTP_DATE_LENGTH], '#');
    cr_assert_eq(hp_format_http_date(out, 0), 0);
    cr_assert(memcmp(out, "Thu, 01 Jan 1970 00:00:00 GMT", HP_HTTP_DATE_LENGTH) == 0, "%.29s", out);
    cr_assert_eq(hp_format_http_date(out, 1709164800), 0); /* a leap day */
    cr_assert(memcmp(out, "Thu, 29 Feb 2024 00:00:00 GMT", HP_HTTP_DATE_LENGTH) == 0, "%.29s", out);
    cr_assert_eq(hp_format_http_date(out, (time_t)253402300800), -1, "year 10000 accepted");
}

Test(http_format, status_lines)
{
    size_t length = 99;
    const char *line = hp_status_line(405, &length);
    cr_assert_str_eq(line, "HTTP/1.1 405 Method Not Allowed\r\n");
    cr_assert_eq(length, strlen(line));
    cr_assert_str_eq(hp_status_line(200, &length), "HTTP/1.1 200 OK\r\n");
    cr_assert_str_eq(hp_status_line(404, &length), "HTTP/1.1 404 Not Found\r\n");
    cr_assert_eq(length, 24);
    cr_assert_null(hp_status_line(299, &length));
    cr_assert_eq(length, 0);
    cr_assert_null(hp_status_line(0, &length));
    cr_assert_null(hp_status_line(-200, &length));
}

Test(sink, buffer_sink_all_or_nothing)
{
    unsigned char data[8];
    struct hp_buffer_sink sink;
    hp_buffer_sink_init(&sink, data, sizeof data);
    cr_assert_eq(sink.sink.write(&sink.sink, "abcde", 5), 0);
    cr_assert_eq(sink.sink.write(&sink.sink, "fghi", 4), -1);
    cr_assert_eq(sink.length, 5);
    cr_assert_null(sink.sink.reserve(&sink.sink, 4));
    unsigned char *space = sink.sink.reserve(&sink.sink, 3);
    cr_assert_eq(space, data + 5);
    cr_assert_eq(sink.length, 8);
    cr_assert_eq(sink.sink.write(&sink.sink, "", 0), 0);
    hp_buffer_sink_reset(&sink);
    cr_assert_eq(sink.length, 0);
}

/* One response case: the header writer fills its state from a plan and per-request fields. */
struct response_case {
    int status;
    const char *allow; /* NULL: no Allow header */
    const char *body;
    const char *expected;
};

static struct hp_header_name content_type, server, date, content_length, request_id, allow;

static void names_init(void)
{
    cr_assert_eq(hp_header_name_init(&content_type, "content-type", 12, NULL), 0);
    cr_assert_eq(hp_header_name_init(&server, "server", 6, NULL), 0);
    cr_assert_eq(hp_header_name_init(&date, "date", 4, NULL), 0);
    cr_assert_eq(hp_header_name_init(&content_length, "content-length", 14, NULL), 0);
    cr_assert_eq(hp_header_name_init(&request_id, "x-request-id", 12, NULL), 0);
    cr_assert_eq(hp_header_name_init(&allow, "allow", 5, NULL), 0);
}

static const char date_value[] = "Sun, 06 Nov 1994 08:49:37 GMT";

/* begin + the handler's sets; digits must outlive the response. */
static void fill_headers(const struct hp_header_writer_ops *headers, struct hp_header_state *state,
                         const struct hp_header_plan *plan, const struct response_case *c,
                         char *digits)
{
    headers->begin(state, plan);
    size_t body_length = strlen(c->body);
    size_t digit_count = hp_format_decimal_u64(digits, body_length);
    cr_assert_eq(headers->set(state, &date, date_value, 29), HP_HEADER_OK);
    cr_assert_eq(headers->set(state, &content_length, digits, digit_count), HP_HEADER_OK);
    cr_assert_eq(headers->set(state, &request_id, "r-42", 4), HP_HEADER_OK);
    if (c->allow)
        cr_assert_eq(headers->set(state, &allow, c->allow, strlen(c->allow)), HP_HEADER_OK);
}

static const struct response_case cases[] = {
    {200, NULL, "{\"ok\":true}",
     "HTTP/1.1 200 OK\r\n"
     "Content-Type: application/json\r\n"
     "Server: hotpath\r\n"
     "Date: Sun, 06 Nov 1994 08:49:37 GMT\r\n"
     "Content-Length: 11\r\n"
     "X-Request-Id: r-42\r\n"
     "\r\n"
     "{\"ok\":true}"},
    {404, NULL, "{\"error\":\"not found\"}",
     "HTTP/1.1 404 Not Found\r\n"
     "Content-Type: application/json\r\n"
     "Server: hotpath\r\n"
     "Date: Sun, 06 Nov 1994 08:49:37 GMT\r\n"
     "Content-Length: 21\r\n"
     "X-Request-Id: r-42\r\n"
     "\r\n"
     "{\"error\":\"not found\"}"},
    {405, "GET, POST", "{\"error\":\"method not allowed\"}",
     "HTTP/1.1 405 Method Not Allowed\r\n"
     "Content-Type: application/json\r\n"
     "Server: hotpath\r\n"
     "Date: Sun, 06 Nov 1994 08:49:37 GMT\r\n"
     "Content-Length: 30\r\n"
     "X-Request-Id: r-42\r\n"
     "Allow: GET, POST\r\n"
     "\r\n"
     "{\"error\":\"method not allowed\"}"},
    {200, NULL, "",
     "HTTP/1.1 200 OK\r\n"
     "Content-Type: application/json\r\n"
     "Server: hotpath\r\n"
     "Date: Sun, 06 Nov 1994 08:49:37 GMT\r\n"
     "Content-Length: 0\r\n"
     "X-Request-Id: r-42\r\n"
     "\r\n"},
};

Test(response_writers, exact_bytes_for_every_pair)
{
    names_init();
    const struct hp_header_field constants[] = {{&content_type, "application/json", 16},
                                                {&server, "hotpath", 7}};
    static unsigned char out[4096];
    FOR_EACH_HEADER_WRITER(headers)
    {
        struct hp_header_plan *plan = headers->plan_create(constants, 2, NULL);
        cr_assert_not_null(plan);
        FOR_EACH_RESPONSE_WRITER(writer)
        {
            for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
                const struct response_case *c = &cases[i];
                struct hp_header_state state;
                char digits[HP_DECIMAL_U64_MAX];
                fill_headers(headers, &state, plan, c, digits);
                struct hp_response response = {c->status, headers, &state, c->body,
                                               strlen(c->body)};
                if (c->body[0] == '\0')
                    response.body = NULL; /* allowed with length 0 */
                struct hp_buffer_sink sink;
                memset(out, 0xAA, sizeof out);
                hp_buffer_sink_init(&sink, out, sizeof out);
                cr_assert_eq(writer->write(&response, &sink.sink), 0, "%s/%s case %zu",
                             writer->info.name, headers->info.name, i);
                size_t expected_length = strlen(c->expected);
                cr_assert_eq(sink.length, expected_length, "%s/%s case %zu: %zu bytes",
                             writer->info.name, headers->info.name, i, sink.length);
                cr_assert(memcmp(out, c->expected, expected_length) == 0, "%s/%s case %zu:\n%.*s",
                          writer->info.name, headers->info.name, i, (int)sink.length,
                          (const char *)out);
                cr_assert_eq(out[expected_length], 0xAA, "wrote past the response");
                cr_assert_eq(hp_response_length(&response), expected_length);
            }
        }
        headers->plan_destroy(plan);
    }
}

/* Two responses on one connection: the second is appended after the first. */
Test(response_writers, responses_append)
{
    names_init();
    static unsigned char out[4096];
    FOR_EACH_RESPONSE_WRITER(writer)
    {
        struct hp_header_state state;
        char digits[2][HP_DECIMAL_U64_MAX];
        struct hp_buffer_sink sink;
        hp_buffer_sink_init(&sink, out, sizeof out);
        const struct hp_header_writer_ops *headers = &hp_header_writer_precomputed;
        struct hp_header_plan *plan = headers->plan_create(
            (const struct hp_header_field[]){{&content_type, "application/json", 16},
                                             {&server, "hotpath", 7}},
            2, NULL);
        for (int i = 0; i < 2; i++) {
            fill_headers(headers, &state, plan, &cases[i], digits[i]);
            struct hp_response response = {cases[i].status, headers, &state, cases[i].body,
                                           strlen(cases[i].body)};
            cr_assert_eq(writer->write(&response, &sink.sink), 0);
        }
        size_t first = strlen(cases[0].expected), second = strlen(cases[1].expected);
        cr_assert_eq(sink.length, first + second, "%s", writer->info.name);
        cr_assert(memcmp(out, cases[0].expected, first) == 0);
        cr_assert(memcmp(out + first, cases[1].expected, second) == 0);
        headers->plan_destroy(plan);
    }
}

Test(response_writers, unknown_status_writes_nothing)
{
    names_init();
    unsigned char out[256];
    FOR_EACH_RESPONSE_WRITER(writer)
    {
        struct hp_header_state state;
        hp_header_writer_prebuilt.begin(&state, NULL);
        struct hp_response response = {299, &hp_header_writer_prebuilt, &state, "x", 1};
        struct hp_buffer_sink sink;
        hp_buffer_sink_init(&sink, out, sizeof out);
        cr_assert_eq(writer->write(&response, &sink.sink), -1, "%s", writer->info.name);
        cr_assert_eq(sink.length, 0, "%s", writer->info.name);
        cr_assert_eq(hp_response_length(&response), 0);
    }
}

Test(response_writers, full_sink_refused)
{
    names_init();
    static unsigned char out[64];
    FOR_EACH_RESPONSE_WRITER(writer)
    {
        struct hp_header_state state;
        char digits[HP_DECIMAL_U64_MAX];
        fill_headers(&hp_header_writer_canonical, &state, NULL, &cases[0], digits);
        struct hp_response response = {200, &hp_header_writer_canonical, &state, cases[0].body,
                                       strlen(cases[0].body)};
        struct hp_buffer_sink sink;
        hp_buffer_sink_init(&sink, out, sizeof out);
        cr_assert_eq(writer->write(&response, &sink.sink), -1, "%s", writer->info.name);
        cr_assert_leq(sink.length, sizeof out);
        if (writer == &hp_response_writer_single_write)
            cr_assert_eq(sink.length, 0, "single_write wrote part of a response");
    }
}

Test(response_writers, no_allocation_per_response)
{
    names_init();
    static unsigned char out[1024];
    const struct hp_header_field constants[] = {{&content_type, "application/json", 16},
                                                {&server, "hotpath", 7}};
    FOR_EACH_HEADER_WRITER(headers)
    {
        struct hp_header_plan *plan = headers->plan_create(constants, 2, NULL);
        FOR_EACH_RESPONSE_WRITER(writer)
        {
            struct hp_header_state state;
            char digits[HP_DECIMAL_U64_MAX];
            struct hp_buffer_sink sink;
            hp_buffer_sink_init(&sink, out, sizeof out);
            size_t written = 0;
            struct hp_alloc_counts before, after;
            hp_alloc_counts_read(&before);
            for (int i = 0; i < 1000; i++) {
                headers->begin(&state, plan);
                size_t n = hp_format_decimal_u64(digits, 11);
                headers->set(&state, &date, date_value, 29);
                headers->set(&state, &content_length, digits, n);
                struct hp_response response = {200, headers, &state, "{\"ok\":true}", 11};
                hp_buffer_sink_reset(&sink);
                writer->write(&response, &sink.sink);
                written += sink.length;
            }
            hp_alloc_counts_read(&after);
            struct hp_alloc_counts delta = hp_alloc_counts_delta(&before, &after);
            cr_assert_eq(delta.allocs, 0, "%s/%s: %llu allocations", writer->info.name,
                         headers->info.name, (unsigned long long)delta.allocs);
            cr_assert_eq(written, 1000 * (size_t)(17 + 32 + 17 + 37 + 20 + 2 + 11));
        }
        headers->plan_destroy(plan);
    }
}
