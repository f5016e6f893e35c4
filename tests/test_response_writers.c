/* The response_writer axis contract (impls/response_writers/response_writer.h) and the shared
 * formatting helpers (http_format.h): every response writer, over every header writer, writes
 * exactly the same bytes, and nothing is allocated per response. */
#include <criterion/criterion.h>
#include <stdint.h>
#include <string.h>

#include "alloc_count.h"
#include "http/http_format.h"
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

/* One response case: the header writer fills its state from a plan and per-request fields;
 * Date and Content-Length come from the response itself (net/http's extraHeader). */
struct response_case {
    int status;
    const char *allow; /* NULL: no Allow header */
    const char *body;
    const char *expected;
};

static struct hp_header_name content_type, server, request_id, allow;

static void names_init(void)
{
    cr_assert_eq(hp_header_name_init(&content_type, "Content-Type", 12, NULL), 0);
    cr_assert_eq(hp_header_name_init(&server, "Server", 6, NULL), 0);
    cr_assert_eq(hp_header_name_init(&request_id, "X-Request-Id", 12, NULL), 0);
    cr_assert_eq(hp_header_name_init(&allow, "Allow", 5, NULL), 0);
}

static const char date_value[] = "Sun, 06 Nov 1994 08:49:37 GMT";

/* begin + the handler's sets. */
static void fill_headers(const struct hp_header_writer_ops *headers, struct hp_header_state *state,
                         const struct hp_header_plan *plan, const struct response_case *c)
{
    headers->begin(state, plan);
    cr_assert_eq(headers->set(state, &request_id, "r-42", 4), HP_HEADER_OK);
    if (c->allow)
        cr_assert_eq(headers->set(state, &allow, c->allow, strlen(c->allow)), HP_HEADER_OK);
}

static void end_headers(const struct hp_header_writer_ops *headers, struct hp_header_state *state)
{
    if (headers->end)
        headers->end(state);
}

/* The response for case c, its Content-Length digits formatted into `digits`. */
static struct hp_response response_of(const struct hp_header_writer_ops *headers,
                                      const struct hp_header_state *state,
                                      const struct response_case *c, char *digits)
{
    size_t body_length = strlen(c->body);
    return (struct hp_response){
        .status = c->status,
        .header_writer = headers,
        .headers = state,
        .date = date_value,
        .content_length = digits,
        .content_length_digits = hp_format_decimal_u64(digits, body_length),
        .body = body_length ? c->body : NULL, /* NULL allowed with length 0 */
        .body_length = body_length,
    };
}

static const struct response_case cases[] = {
    {200, NULL, "{\"ok\":true}",
     "HTTP/1.1 200 OK\r\n"
     "Content-Type: application/json\r\n"
     "Server: hotpath\r\n"
     "X-Request-Id: r-42\r\n"
     "Date: Sun, 06 Nov 1994 08:49:37 GMT\r\n"
     "Content-Length: 11\r\n"
     "\r\n"
     "{\"ok\":true}"},
    {404, NULL, "{\"error\":\"not found\"}",
     "HTTP/1.1 404 Not Found\r\n"
     "Content-Type: application/json\r\n"
     "Server: hotpath\r\n"
     "X-Request-Id: r-42\r\n"
     "Date: Sun, 06 Nov 1994 08:49:37 GMT\r\n"
     "Content-Length: 21\r\n"
     "\r\n"
     "{\"error\":\"not found\"}"},
    {405, "GET, POST", "{\"error\":\"method not allowed\"}",
     "HTTP/1.1 405 Method Not Allowed\r\n"
     "Content-Type: application/json\r\n"
     "Server: hotpath\r\n"
     "X-Request-Id: r-42\r\n"
     "Allow: GET, POST\r\n"
     "Date: Sun, 06 Nov 1994 08:49:37 GMT\r\n"
     "Content-Length: 30\r\n"
     "\r\n"
     "{\"error\":\"method not allowed\"}"},
    {200, NULL, "",
     "HTTP/1.1 200 OK\r\n"
     "Content-Type: application/json\r\n"
     "Server: hotpath\r\n"
     "X-Request-Id: r-42\r\n"
     "Date: Sun, 06 Nov 1994 08:49:37 GMT\r\n"
     "Content-Length: 0\r\n"
     "\r\n"},
};

static const struct hp_header_field constants[] = {{&content_type, "application/json", 16},
                                                   {&server, "hotpath", 7}};

Test(response_writers, exact_bytes_for_every_pair)
{
    names_init();
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
                fill_headers(headers, &state, plan, c);
                struct hp_response response = response_of(headers, &state, c, digits);
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
                end_headers(headers, &state);
            }
        }
        headers->plan_destroy(plan);
    }
}

/* Without a date and a length, no Date or Content-Length line: the writer adds nothing else. */
Test(response_writers, date_and_length_lines_only_when_given)
{
    names_init();
    static const char expected[] = "HTTP/1.1 204 No Content\r\nX-Request-Id: r-42\r\n\r\n";
    static unsigned char out[256];
    FOR_EACH_RESPONSE_WRITER(writer)
    {
        struct hp_header_state state;
        hp_header_writer_prebuilt.begin(&state, NULL);
        cr_assert_eq(hp_header_writer_prebuilt.set(&state, &request_id, "r-42", 4), HP_HEADER_OK);
        struct hp_response response = {
            .status = 204, .header_writer = &hp_header_writer_prebuilt, .headers = &state};
        struct hp_buffer_sink sink;
        hp_buffer_sink_init(&sink, out, sizeof out);
        cr_assert_eq(writer->write(&response, &sink.sink), 0, "%s", writer->info.name);
        cr_assert_eq(sink.length, sizeof expected - 1, "%s: %.*s", writer->info.name,
                     (int)sink.length, (const char *)out);
        cr_assert(memcmp(out, expected, sizeof expected - 1) == 0);
        cr_assert_eq(hp_response_length(&response), sizeof expected - 1);
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
        struct hp_header_plan *plan = headers->plan_create(constants, 2, NULL);
        for (int i = 0; i < 2; i++) {
            fill_headers(headers, &state, plan, &cases[i]);
            struct hp_response response = response_of(headers, &state, &cases[i], digits[i]);
            cr_assert_eq(writer->write(&response, &sink.sink), 0);
            end_headers(headers, &state);
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
        struct hp_response response = {.status = 299,
                                       .header_writer = &hp_header_writer_prebuilt,
                                       .headers = &state,
                                       .body = "x",
                                       .body_length = 1};
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
        fill_headers(&hp_header_writer_canonical, &state, NULL, &cases[0]);
        struct hp_response response =
            response_of(&hp_header_writer_canonical, &state, &cases[0], digits);
        struct hp_buffer_sink sink;
        hp_buffer_sink_init(&sink, out, sizeof out);
        cr_assert_eq(writer->write(&response, &sink.sink), -1, "%s", writer->info.name);
        cr_assert_leq(sink.length, sizeof out);
        if (writer == &hp_response_writer_single_write)
            cr_assert_eq(sink.length, 0, "single_write wrote part of a response");
        end_headers(&hp_header_writer_canonical, &state);
    }
}

/* The response writers allocate nothing (what a header writer allocates is its own business:
 * test_header_writers.c counts it). */
Test(response_writers, no_allocation_per_response)
{
    names_init();
    static unsigned char out[1024];
    FOR_EACH_HEADER_WRITER(headers)
    {
        struct hp_header_plan *plan = headers->plan_create(constants, 2, NULL);
        FOR_EACH_RESPONSE_WRITER(writer)
        {
            struct hp_header_state state;
            char digits[HP_DECIMAL_U64_MAX];
            struct hp_buffer_sink sink;
            hp_buffer_sink_init(&sink, out, sizeof out);
            fill_headers(headers, &state, plan, &cases[0]);
            struct hp_response response = response_of(headers, &state, &cases[0], digits);
            size_t written = 0;
            struct hp_alloc_counts before, after;
            hp_alloc_counts_read(&before);
            for (int i = 0; i < 1000; i++) {
                hp_buffer_sink_reset(&sink);
                writer->write(&response, &sink.sink);
                written += sink.length;
            }
            hp_alloc_counts_read(&after);
            end_headers(headers, &state);
            struct hp_alloc_counts delta = hp_alloc_counts_delta(&before, &after);
            cr_assert_eq(delta.allocs, 0, "%s/%s: %llu allocations", writer->info.name,
                         headers->info.name, (unsigned long long)delta.allocs);
            cr_assert_eq(written, 1000 * strlen(cases[0].expected));
        }
        headers->plan_destroy(plan);
    }
}
