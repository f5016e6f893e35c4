/* The header_writer axis contract (impls/header_writers/header_writer.h): every implementation
 * writes the same header block and refuses the same names; each allocates exactly what the code
 * it models allocates (one value holder per set for the table writers, as Go's []string{value}),
 * and the canonical writer copies nothing for names spelled canonically. */
#include <criterion/criterion.h>
#include <ctype.h>
#include <string.h>

#include "alloc_count.h"
#include "header_writers/header_common.h"
#include "header_writers/header_writer.h"
#include "http/sink.h"

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

static void end_of(const struct hp_header_writer_ops *ops, struct hp_header_state *state)
{
    if (ops->end)
        ops->end(state);
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
        for (size_t k = 0; k < name.length; k++)
            cr_assert_eq(name.lower[k], (char)tolower((unsigned char)cases[i][0][k]), "%s",
                         cases[i][0]);
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
            end_of(ops, &state);
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
        end_of(ops, &state);
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
        end_of(ops, &state);
        ops->begin(&state, NULL);
        assert_block(ops, &state, "", 0);
        end_of(ops, &state);
        ops->begin(&state, plan);
        cr_assert_eq(ops->set(&state, &only, "1", 1), HP_HEADER_OK);
        assert_block(ops, &state, "X-Only: 1\r\n", 11);
        end_of(ops, &state);
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
        end_of(ops, &state);
        ops->plan_destroy(plan);
        memcpy(value, "before", 6);
        memcpy(name_text, "x-constant", 10);
        memcpy(canonical_text, "X-Canonical", 11);
    }
}

/* As Go's Header.Set, no writer checks a value per set: the bytes are stored as given (the
 * caller's contract, header_writer.h). A writer that checked would refuse this one. */
Test(header_writers, values_are_not_checked_per_set)
{
    struct hp_header_name field = name_of("X-Field");
    FOR_EACH_HEADER_WRITER(ops)
    {
        struct hp_header_state state;
        ops->begin(&state, NULL);
        cr_assert_eq(ops->set(&state, &field,
                              "a\x01"
                              "b",
                              3),
                     HP_HEADER_OK, "%s", ops->info.name);
        assert_block(ops, &state,
                     "X-Field: a\x01"
                     "b\r\n",
                     14);
        end_of(ops, &state);
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
        end_of(ops, &state);
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
        end_of(ops, &state);

        /* Without a plan, 16 per-request fields fit. */
        ops->begin(&state, NULL);
        for (int i = 0; i < HP_HEADER_FIELDS_MAX; i++)
            cr_assert_eq(ops->set(&state, &names[i], "v", 1), HP_HEADER_OK);
        cr_assert_eq(ops->set(&state, &names[HP_HEADER_FIELDS_MAX], "v", 1), HP_HEADER_FULL);
        end_of(ops, &state);
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
        end_of(ops, &state);
    }
}

/* Allocations per request, exactly: one value holder per set for the table writers (Go's
 * []string{value}), none for a constant of preallocated (Bolt 1.3's pre-allocated values) or
 * for prebuilt; every one freed by end. */
Test(header_writers, exact_allocations_per_set)
{
    struct hp_header_name content_type = name_of("Content-Type"), server = name_of("Server"),
                          cache = name_of("Cache-Control"), request_id = name_of("X-Request-Id");
    const struct hp_header_field constants[] = {
        {&content_type, "application/json", 16}, {&server, "hotpath", 7}, {&cache, "no-store", 8}};
    static const struct {
        const char *writer;
        unsigned per_constant, per_request_set;
    } expected[] = {{"canonical", 1, 1},
                    {"canonical_lower", 1, 1},
                    {"precomputed", 1, 1},
                    {"preallocated", 0, 1},
                    {"prebuilt", 0, 0}};
    size_t checked = 0;
    FOR_EACH_HEADER_WRITER(ops)
    {
        size_t k = 0;
        while (k < sizeof expected / sizeof expected[0] &&
               strcmp(expected[k].writer, ops->info.name) != 0)
            k++;
        cr_assert_lt(k, sizeof expected / sizeof expected[0], "%s: no expected count",
                     ops->info.name);
        checked++;
        struct hp_header_plan *plan = plan_of(ops, constants, 3);
        static struct hp_header_state state;
        static unsigned char block[1024];
        struct hp_alloc_counts before, after;
        hp_alloc_counts_read(&before);
        for (int i = 0; i < 1000; i++) {
            ops->begin(&state, plan);
            ops->set(&state, &request_id, "abc", 3);
            ops->write_block(&state, block);
            end_of(ops, &state);
        }
        hp_alloc_counts_read(&after);
        struct hp_alloc_counts delta = hp_alloc_counts_delta(&before, &after);
        uint64_t per_request = 3 * expected[k].per_constant + expected[k].per_request_set;
        cr_assert_eq(delta.allocs, 1000 * per_request, "%s: %llu allocations in 1000 requests",
                     ops->info.name, (unsigned long long)delta.allocs);
        cr_assert_eq(delta.frees, delta.allocs, "%s: end frees what the request allocated",
                     ops->info.name);
        ops->plan_destroy(plan);
    }
    cr_assert_eq(checked, hp_axis_impl_count(HP_AXIS_HEADER_WRITER));
}

/* A replaced value's holder is freed at once, the new one at end: nothing leaks. */
Test(header_writers, replacing_a_value_frees_the_old_holder)
{
    struct hp_header_name name = name_of("X-Twice");
    FOR_EACH_HEADER_WRITER(ops)
    {
        if (strcmp(ops->info.name, "prebuilt") == 0)
            continue; /* cannot replace (the contract forbids setting a name twice) */
        struct hp_header_state state;
        struct hp_alloc_counts before, after;
        hp_alloc_counts_read(&before);
        ops->begin(&state, NULL);
        cr_assert_eq(ops->set(&state, &name, "1", 1), HP_HEADER_OK);
        cr_assert_eq(ops->set(&state, &name, "22", 2), HP_HEADER_OK);
        assert_block(ops, &state, "X-Twice: 22\r\n", 13);
        end_of(ops, &state);
        hp_alloc_counts_read(&after);
        struct hp_alloc_counts delta = hp_alloc_counts_delta(&before, &after);
        cr_assert_eq(delta.frees, delta.allocs, "%s", ops->info.name);
    }
}

/* Go's CanonicalMIMEHeaderKey returns a canonical name as it is: the canonical writer copies
 * nothing for canonical spellings (its arena stays unused), and canonical_lower copies every
 * name, which is what it exists to measure. */
Test(header_writers, canonical_copies_only_names_not_canonical)
{
    struct hp_header_name content_type = name_of("Content-Type"), server = name_of("Server"),
                          lower = name_of("x-request-id");
    const struct hp_header_field constants[] = {{&content_type, "application/json", 16},
                                                {&server, "hotpath", 7}};
    struct hp_header_state state;

    const struct hp_header_writer_ops *canonical = &hp_header_writer_canonical;
    struct hp_header_plan *plan = plan_of(canonical, constants, 2);
    canonical->begin(&state, plan);
    cr_assert_eq(hp_header_table_copied_bytes(&state), 0, "the plan's canonical names copied");
    cr_assert_eq(canonical->set(&state, &server, "x", 1), HP_HEADER_OK); /* a replacement */
    cr_assert_eq(hp_header_table_copied_bytes(&state), 0);
    cr_assert_eq(canonical->set(&state, &lower, "1", 1), HP_HEADER_OK);
    cr_assert_eq(hp_header_table_copied_bytes(&state), 12, "a lower-case name is copied");
    canonical->end(&state);
    canonical->plan_destroy(plan);

    const struct hp_header_writer_ops *lowered = &hp_header_writer_canonical_lower;
    plan = plan_of(lowered, constants, 2);
    lowered->begin(&state, plan);
    cr_assert_eq(hp_header_table_copied_bytes(&state), 12 + 6, "every name spelled lower case");
    lowered->end(&state);
    lowered->plan_destroy(plan);
}
