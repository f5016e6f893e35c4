/* The header_writer axis contract (impls/header_writers/header_writer.h): every implementation
 * writes the same header block, refuses the same names and values, and allocates nothing per
 * request. */
#include <criterion/criterion.h>
#include <string.h>

#include "alloc_count.h"
#include "header_writers/header_writer.h"
#include "response_writers/sink.h"

#define FOR_EACH_HEADER_WRITER(ops)                                                                \
    for (const struct hp_impl_info *const *it_ = hp_header_writer_table; *it_; it_++)              \
        for (const struct hp_header_writer_ops *ops = hp_header_writer_ops_of(*it_); ops;          \
             ops = NULL)

static struct hp_header_name name_of(const char *text)
{
    struct hp_header_name name;
    struct hp_error err = {{0}};
    cr_assert_eq(hp_header_name_init(&name, text, strlen(text), &err), 0, "%s: %s", text,
                 err.message);
    return name;
}

static struct hp_header_plan *plan_of(const struct hp_header_writer_ops *ops,
                                      const struct hp_header_field *constants, size_t count)
{
    struct hp_error err = {{0}};
    struct hp_header_plan *plan = ops->plan_create(constants, count, &err);
    cr_assert_not_null(plan, "%s: %s", ops->info.name, err.message);
    return plan;
}

/* The block through both paths (write_block and emit_lines), checked equal to expected. */
static void assert_block(const struct hp_header_writer_ops *ops,
                         const struct hp_header_state *state, const char *expected,
                         size_t expected_length)
{
    static unsigned char block[8192], lines[8192];
    size_t length = ops->block_length(state);
    cr_assert_eq(length, expected_length, "%s: block_length %zu, expected %zu", ops->info.name,
                 length, expected_length);
    memset(block, 0xAA, sizeof block);
    unsigned char *end = ops->write_block(state, block);
    cr_assert_eq((size_t)(end - block), expected_length, "%s: write_block end", ops->info.name);
    cr_assert_eq(block[expected_length], 0xAA, "%s: wrote past the block", ops->info.name);
    cr_assert(memcmp(block, expected, expected_length) == 0, "%s: block\n%.*s\nexpected\n%s",
              ops->info.name, (int)length, (const char *)block, expected);

    struct hp_buffer_sink sink;
    hp_buffer_sink_init(&sink, lines, sizeof lines);
    cr_assert_eq(ops->emit_lines(state, &sink.sink), 0, "%s: emit_lines", ops->info.name);
    cr_assert_eq(sink.length, expected_length, "%s: emit_lines wrote %zu", ops->info.name,
                 sink.length);
    cr_assert(memcmp(lines, expected, expected_length) == 0, "%s: emit_lines bytes",
              ops->info.name);
}

Test(header_names, canonical_forms_as_go)
{
    static const char *const cases[][2] = {
        {"content-type", "Content-Type"},
        {"x-request-id", "X-Request-Id"},
        {"CONTENT-LENGTH", "Content-Length"},
        {"WWW-AUTHENTICATE", "Www-Authenticate"},
        {"Date", "Date"},
        {"x--y", "X--Y"},
        {"a_b", "A_b"},
        {"1abc-2def", "1abc-2def"},
        {"-leading", "-Leading"},
        {"trailing-", "Trailing-"},
        {"x", "X"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct hp_header_name name = name_of(cases[i][0]);
        cr_assert_eq(name.canonical_length, strlen(cases[i][1]), "%s", cases[i][0]);
        cr_assert(memcmp(name.canonical, cases[i][1], name.canonical_length) == 0,
                  "%s -> %.*s, expected %s", cases[i][0], (int)name.canonical_length,
                  name.canonical, cases[i][1]);
        cr_assert_eq(name.text, cases[i][0], "text is the caller's");
    }
}

static const char *const invalid_names[] = {
    "",
    "Content Type",
    "Bad:Name",
    "na\x01me",
    "caf\xc3\xa9",
    "x(y)",
    "a/b",
    "a\tb",
    "x\"y\"",
    "x@y",
    "[x]",
    "x=y",
    "x,y",
    "x;y",
    "x?y",
    "x{y}",
    /* 65 bytes: one over HP_HEADER_NAME_MAX */
    "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
};

Test(header_names, invalid_names_refused_with_a_message)
{
    for (size_t i = 0; i < sizeof invalid_names / sizeof invalid_names[0]; i++) {
        struct hp_header_name name;
        struct hp_error err = {{0}};
        const char *text = invalid_names[i];
        cr_assert_eq(hp_header_name_init(&name, text, strlen(text), &err), -1, "\"%s\" accepted",
                     text);
        cr_assert_eq(name.canonical_length, 0);
        cr_assert_neq(err.message[0], '\0', "no message for \"%s\"", text);
        cr_assert_not_null(strstr(err.message, "header name"), "%s", err.message);
    }
    /* 64 bytes is the limit, still accepted. */
    char longest[HP_HEADER_NAME_MAX];
    memset(longest, 'k', sizeof longest);
    struct hp_header_name name;
    cr_assert_eq(hp_header_name_init(&name, longest, sizeof longest, NULL), 0);
    cr_assert_eq(name.canonical[0], 'K');
}

/* A typical JSON response: three constants in the plan, three per-request fields. */
Test(header_writers, typical_json_response_identical)
{
    struct hp_header_name content_type = name_of("content-type"), server = name_of("SERVER"),
                          frame = name_of("x-frame-options"), date = name_of("date"),
                          content_length = name_of("Content-Length"),
                          request_id = name_of("x-request-id");
    const struct hp_header_field constants[] = {
        {&content_type, "application/json", 16},
        {&server, "hotpath", 7},
        {&frame, "DENY", 4},
    };
    static const char expected[] = "Content-Type: application/json\r\n"
                                   "Server: hotpath\r\n"
                                   "X-Frame-Options: DENY\r\n"
                                   "Date: Sun, 06 Nov 1994 08:49:37 GMT\r\n"
                                   "Content-Length: 27\r\n"
                                   "X-Request-Id: 7f3a-0001\r\n";
    FOR_EACH_HEADER_WRITER(ops)
    {
        struct hp_header_plan *plan = plan_of(ops, constants, 3);
        struct hp_header_state state;
        for (int round = 0; round < 3; round++) { /* begin forgets the previous request */
            ops->begin(&state, plan);
            cr_assert_eq(ops->set(&state, &date, "Sun, 06 Nov 1994 08:49:37 GMT", 29),
                         HP_HEADER_OK);
            cr_assert_eq(ops->set(&state, &content_length, "27", 2), HP_HEADER_OK);
            cr_assert_eq(ops->set(&state, &request_id, "7f3a-0001", 9), HP_HEADER_OK);
            assert_block(ops, &state, expected, sizeof expected - 1);
        }
        ops->plan_destroy(plan);
    }
}

Test(header_writers, edge_values_identical)
{
    static char long_value[3000];
    memset(long_value, 'v', sizeof long_value);
    long_value[0] = '"';
    long_value[sizeof long_value - 1] = '"';
    struct hp_header_name empty = name_of("x-empty"), longer = name_of("x-long"),
                          tabbed = name_of("x-tab"), high = name_of("x-utf8"),
                          spaces = name_of("x-spaces");
    static char expected[4096];
    size_t expected_length = 0;
#define APPEND(s, n) (memcpy(expected + expected_length, s, n), expected_length += (n))
    APPEND("X-Empty: \r\n", 11);
    APPEND("X-Long: ", 8);
    APPEND(long_value, sizeof long_value);
    APPEND("\r\n", 2);
    APPEND("X-Tab: a\tb\r\n", 12);
    APPEND("X-Utf8: caf\xc3\xa9\r\n", 15);
    APPEND("X-Spaces:   padded  \r\n", 22);
#undef APPEND
    FOR_EACH_HEADER_WRITER(ops)
    {
        struct hp_header_state state;
        ops->begin(&state, NULL); /* no plan: no constants */
        cr_assert_eq(ops->set(&state, &empty, "", 0), HP_HEADER_OK, "%s", ops->info.name);
        cr_assert_eq(ops->set(&state, &longer, long_value, sizeof long_value), HP_HEADER_OK);
        cr_assert_eq(ops->set(&state, &tabbed, "a\tb", 3), HP_HEADER_OK);
        cr_assert_eq(ops->set(&state, &high, "caf\xc3\xa9", 5), HP_HEADER_OK);
        cr_assert_eq(ops->set(&state, &spaces, "  padded  ", 10), HP_HEADER_OK);
        assert_block(ops, &state, expected, expected_length);
    }
}

Test(header_writers, empty_plan_and_nothing_set)
{
    struct hp_header_name only = name_of("x-only");
    FOR_EACH_HEADER_WRITER(ops)
    {
        struct hp_header_plan *plan = plan_of(ops, NULL, 0);
        struct hp_header_state state;
        ops->begin(&state, plan);
        assert_block(ops, &state, "", 0);
        ops->begin(&state, NULL);
        assert_block(ops, &state, "", 0);
        ops->begin(&state, plan);
        cr_assert_eq(ops->set(&state, &only, "1", 1), HP_HEADER_OK);
        assert_block(ops, &state, "X-Only: 1\r\n", 11);
        ops->plan_destroy(plan);
    }
}

Test(header_writers, plan_copies_the_callers_fields)
{
    char name_text[] = "x-constant", canonical_text[] = "X-Canonical";
    char value[] = "before";
    struct hp_header_name name = name_of(name_text), canonical = name_of(canonical_text);
    struct hp_header_field fields[] = {{&name, value, 6}, {&canonical, "c", 1}};
    static const char expected[] = "X-Constant: before\r\nX-Canonical: c\r\n";
    FOR_EACH_HEADER_WRITER(ops)
    {
        struct hp_header_plan *plan = plan_of(ops, fields, 2);
        memcpy(value, "AFTER!", 6);
        memcpy(name_text, "y-garbage!", 10);
        memcpy(canonical_text, "Y-Garbage!!", 11);
        struct hp_header_state state;
        ops->begin(&state, plan);
        assert_block(ops, &state, expected, sizeof expected - 1);
        ops->plan_destroy(plan);
        memcpy(value, "before", 6);
        memcpy(name_text, "x-constant", 10);
        memcpy(canonical_text, "X-Canonical", 11);
    }
}

Test(header_writers, invalid_values_refused_and_not_stored)
{
    static const char *const invalid_values[] = {
        "a\r\nInjected: yes", "nul\0byte", "bell\a", "del\x7f", "lf\n", "cr\r", "\x1f"};
    static const size_t lengths[] = {17, 8, 5, 4, 3, 3, 1};
    struct hp_header_name field = name_of("x-field"), before = name_of("x-before");
    FOR_EACH_HEADER_WRITER(ops)
    {
        struct hp_header_state state;
        ops->begin(&state, NULL);
        cr_assert_eq(ops->set(&state, &before, "ok", 2), HP_HEADER_OK);
        for (size_t i = 0; i < sizeof lengths / sizeof lengths[0]; i++)
            cr_assert_eq(ops->set(&state, &field, invalid_values[i], lengths[i]), HP_HEADER_INVALID,
                         "%s accepted value %zu", ops->info.name, i);
        assert_block(ops, &state, "X-Before: ok\r\n", 14);
    }
}

Test(header_writers, invalid_names_refused_and_not_stored)
{
    FOR_EACH_HEADER_WRITER(ops)
    {
        struct hp_header_state state;
        ops->begin(&state, NULL);
        for (size_t i = 0; i < sizeof invalid_names / sizeof invalid_names[0]; i++) {
            struct hp_header_name name;
            (void)hp_header_name_init(&name, invalid_names[i], strlen(invalid_names[i]), NULL);
            cr_assert_eq(ops->set(&state, &name, "v", 1), HP_HEADER_INVALID,
                         "%s accepted name \"%s\"", ops->info.name, invalid_names[i]);
        }
        assert_block(ops, &state, "", 0);
    }
}

Test(header_writers, plan_refuses_bad_constants)
{
    struct hp_header_name good = name_of("x-good"), same = name_of("X-GOOD"), bad;
    (void)hp_header_name_init(&bad, "bad name", 8, NULL);
    const struct hp_header_field bad_value[] = {{&good, "a\nb", 3}};
    const struct hp_header_field bad_name[] = {{&bad, "v", 1}};
    const struct hp_header_field twice[] = {{&good, "1", 1}, {&same, "2", 1}};
    FOR_EACH_HEADER_WRITER(ops)
    {
        struct hp_error err = {{0}};
        cr_assert_null(ops->plan_create(bad_value, 1, &err), "%s", ops->info.name);
        cr_assert_not_null(strstr(err.message, "control byte"), "%s", err.message);
        err.message[0] = '\0';
        cr_assert_null(ops->plan_create(bad_name, 1, &err), "%s", ops->info.name);
        cr_assert_not_null(strstr(err.message, "not a valid field name"), "%s", err.message);
        err.message[0] = '\0';
        cr_assert_null(ops->plan_create(twice, 2, &err), "%s", ops->info.name);
        cr_assert_not_null(strstr(err.message, "already"), "%s", err.message);
    }
}

Test(header_writers, field_limit)
{
    static struct hp_header_name names[HP_HEADER_FIELDS_MAX + 1];
    static char texts[HP_HEADER_FIELDS_MAX + 1][8];
    struct hp_header_field constants[HP_HEADER_FIELDS_MAX + 1];
    for (int i = 0; i <= HP_HEADER_FIELDS_MAX; i++) {
        texts[i][0] = 'h';
        texts[i][1] = (char)('a' + i / 10);
        texts[i][2] = (char)('a' + i % 10);
        names[i] = name_of(texts[i]);
        constants[i] = (struct hp_header_field){&names[i], "v", 1};
    }
    FOR_EACH_HEADER_WRITER(ops)
    {
        struct hp_error err = {{0}};
        cr_assert_null(ops->plan_create(constants, HP_HEADER_FIELDS_MAX + 1, &err), "%s",
                       ops->info.name);
        cr_assert_neq(err.message[0], '\0');

        /* 10 constants + 6 per-request fields fill the block; the 17th is refused. */
        struct hp_header_plan *plan = plan_of(ops, constants, 10);
        struct hp_header_state state;
        ops->begin(&state, plan);
        for (int i = 10; i < HP_HEADER_FIELDS_MAX; i++)
            cr_assert_eq(ops->set(&state, &names[i], "v", 1), HP_HEADER_OK, "%s field %d",
                         ops->info.name, i);
        size_t full_length = ops->block_length(&state);
        cr_assert_eq(full_length, (size_t)HP_HEADER_FIELDS_MAX * 8); /* "Hxx: v\r\n" */
        cr_assert_eq(ops->set(&state, &names[HP_HEADER_FIELDS_MAX], "v", 1), HP_HEADER_FULL, "%s",
                     ops->info.name);
        cr_assert_eq(ops->block_length(&state), full_length, "%s: a refused set changed the block",
                     ops->info.name);

        /* Without a plan, 16 per-request fields fit. */
        ops->begin(&state, NULL);
        for (int i = 0; i < HP_HEADER_FIELDS_MAX; i++)
            cr_assert_eq(ops->set(&state, &names[i], "v", 1), HP_HEADER_OK);
        cr_assert_eq(ops->set(&state, &names[HP_HEADER_FIELDS_MAX], "v", 1), HP_HEADER_FULL);
        ops->plan_destroy(plan);
    }
}

Test(header_writers, emit_lines_reports_a_full_sink)
{
    struct hp_header_name name = name_of("x-name");
    FOR_EACH_HEADER_WRITER(ops)
    {
        struct hp_header_state state;
        ops->begin(&state, NULL);
        cr_assert_eq(ops->set(&state, &name, "value", 5), HP_HEADER_OK);
        unsigned char small[10];
        struct hp_buffer_sink sink;
        hp_buffer_sink_init(&sink, small, sizeof small);
        cr_assert_eq(ops->emit_lines(&state, &sink.sink), -1, "%s", ops->info.name);
        cr_assert_leq(sink.length, sizeof small);
    }
}

Test(header_writers, no_allocation_per_request)
{
    struct hp_header_name content_type = name_of("content-type"), server = name_of("server"),
                          date = name_of("date"), content_length = name_of("content-length"),
                          request_id = name_of("x-request-id"), cache = name_of("cache-control");
    const struct hp_header_field constants[] = {
        {&content_type, "application/json", 16}, {&server, "hotpath", 7}, {&cache, "no-store", 8}};
    FOR_EACH_HEADER_WRITER(ops)
    {
        struct hp_header_plan *plan = plan_of(ops, constants, 3);
        static struct hp_header_state state;
        static unsigned char block[1024], lines[1024];
        struct hp_buffer_sink sink;
        uint64_t total = 0;
        struct hp_alloc_counts before, after;
        hp_alloc_counts_read(&before);
        for (int i = 0; i < 1000; i++) {
            ops->begin(&state, plan);
            ops->set(&state, &date, "Sun, 06 Nov 1994 08:49:37 GMT", 29);
            ops->set(&state, &content_length, "1234", 4);
            ops->set(&state, &request_id, "abc", 3);
            total += (size_t)(ops->write_block(&state, block) - block);
            hp_buffer_sink_init(&sink, lines, sizeof lines);
            ops->emit_lines(&state, &sink.sink);
            total += sink.length;
        }
        hp_alloc_counts_read(&after);
        struct hp_alloc_counts delta = hp_alloc_counts_delta(&before, &after);
        cr_assert_eq(delta.allocs, 0, "%s: %llu allocations in 1000 requests", ops->info.name,
                     (unsigned long long)delta.allocs);
        cr_assert_eq(delta.frees, 0, "%s", ops->info.name);
        cr_assert_eq(total, 2 * 1000 * (size_t)(32 + 17 + 25 + 37 + 22 + 19), "%s", ops->info.name);
        ops->plan_destroy(plan);
    }
}
