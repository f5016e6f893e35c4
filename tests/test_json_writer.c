/* Tests of the fixed-buffer JSON writer (impls/http/json_writer.h). */
#include <criterion/criterion.h>

#include <stdio.h>
#include <string.h>

#include "alloc_count.h"
#include "http/json_writer.h"

#define GUARD 0x5a

struct sink {
    char buf[1024];
    struct hp_json_writer w;
};

static void sink_init(struct sink *s, size_t capacity)
{
    cr_assert_leq(capacity, sizeof s->buf);
    memset(s->buf, GUARD, sizeof s->buf);
    hp_json_writer_init(&s->w, s->buf, capacity);
}

static void assert_output(const struct sink *s, const char *expected)
{
    size_t len = hp_json_writer_len(&s->w);
    cr_assert(hp_json_writer_ok(&s->w), "overflow flag set");
    cr_assert(len == strlen(expected) && memcmp(s->buf, expected, len) == 0,
              "wrote '%.*s', expected '%s'", (int)len, s->buf, expected);
}

static void string_of(const char *in, size_t len, const char *expected)
{
    struct sink s;
    sink_init(&s, sizeof s.buf);
    hp_json_string(&s.w, in, len);
    assert_output(&s, expected);
}

Test(json_writer, every_control_char_escaped)
{
    static const char *const short_forms[32] = {
        ['\b'] = "\\b", ['\f'] = "\\f", ['\n'] = "\\n", ['\r'] = "\\r", ['\t'] = "\\t",
    };
    for (int c = 0; c < 0x20; c++) {
        char in[3] = {'a', (char)c, 'z'};
        char expected[16];
        if (short_forms[c])
            snprintf(expected, sizeof expected, "\"a%sz\"", short_forms[c]);
        else
            snprintf(expected, sizeof expected, "\"a\\u%04xz\"", c);
        string_of(in, 3, expected);
    }
    string_of("\x1f\x00\x1a", 3, "\"\\u001f\\u0000\\u001a\"");
}

Test(json_writer, quotes_backslash_and_passthrough)
{
    string_of("say \"hi\"", 8, "\"say \\\"hi\\\"\"");
    string_of("C:\\dir\\", 7, "\"C:\\\\dir\\\\\"");
    string_of("a/b", 3, "\"a/b\"");
    string_of("", 0, "\"\"");
    string_of("caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80", 14,
              "\"caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80\"");
    string_of("\x7f\x80\xff", 3, "\"\x7f\x80\xff\"");
}

Test(json_writer, nesting_and_commas)
{
    struct sink s;
    sink_init(&s, sizeof s.buf);
    struct hp_json_writer *w = &s.w;
    hp_json_begin_object(w);
    hp_json_key(w, "id", 2);
    hp_json_int(w, 42);
    hp_json_key(w, "name", 4);
    hp_json_string(w, "x", 1);
    hp_json_key(w, "tags", 4);
    hp_json_begin_array(w);
    hp_json_end_array(w);
    hp_json_key(w, "list", 4);
    hp_json_begin_array(w);
    hp_json_bool(w, true);
    hp_json_bool(w, false);
    hp_json_null(w);
    hp_json_begin_object(w);
    hp_json_end_object(w);
    hp_json_begin_array(w);
    hp_json_uint(w, 7);
    hp_json_begin_object(w);
    hp_json_key(w, "k\"", 2);
    hp_json_int(w, -1);
    hp_json_end_object(w);
    hp_json_end_array(w);
    hp_json_string(w, "end", 3);
    hp_json_end_array(w);
    hp_json_key(w, "o", 1);
    hp_json_begin_object(w);
    hp_json_end_object(w);
    hp_json_end_object(w);
    assert_output(&s, "{\"id\":42,\"name\":\"x\",\"tags\":[],\"list\":[true,false,null,{},[7,{"
                      "\"k\\\"\":-1}],\"end\"],\"o\":{}}");
    cr_assert_eq(hp_json_writer_depth(w), 0);

    sink_init(&s, sizeof s.buf);
    hp_json_int(w, 1);
    hp_json_int(w, 2);
    assert_output(&s, "1,2"); /* top-level sequences are the caller's business */
}

static void int_of(int64_t v, const char *expected)
{
    struct sink s;
    sink_init(&s, sizeof s.buf);
    hp_json_int(&s.w, v);
    assert_output(&s, expected);
}

static void uint_of(uint64_t v, const char *expected)
{
    struct sink s;
    sink_init(&s, sizeof s.buf);
    hp_json_uint(&s.w, v);
    assert_output(&s, expected);
}

Test(json_writer, integer_edges)
{
    int_of(0, "0");
    int_of(-1, "-1");
    int_of(9, "9");
    int_of(10, "10");
    int_of(99, "99");
    int_of(100, "100");
    int_of(-100, "-100");
    int_of(101, "101");
    int_of(1000000, "1000000");
    int_of(INT32_MAX, "2147483647");
    int_of(INT32_MIN, "-2147483648");
    int_of(INT64_MAX, "9223372036854775807");
    int_of(INT64_MIN, "-9223372036854775808");
    int_of(INT64_MIN + 1, "-9223372036854775807");
    uint_of(0, "0");
    uint_of(UINT64_MAX, "18446744073709551615");
    uint_of(10000000000000000000u, "10000000000000000000");

    /* Every power of ten and its neighbours against snprintf. */
    uint64_t p = 1;
    for (int i = 0; i < 20; i++, p *= 10) {
        for (int64_t d = -1; d <= 1; d++) {
            uint64_t v = p + (uint64_t)d;
            char expected[32], got[32];
            snprintf(expected, sizeof expected, "%llu", (unsigned long long)v);
            size_t n = hp_u64_to_decimal(v, got);
            cr_assert(n == strlen(expected) && memcmp(got, expected, n) == 0, "%s", expected);
            snprintf(expected, sizeof expected, "%lld", -(long long)(v & INT64_MAX));
            n = hp_i64_to_decimal(-(int64_t)(v & INT64_MAX), got);
            cr_assert(n == strlen(expected) && memcmp(got, expected, n) == 0, "%s", expected);
        }
    }
}

/* Writes the document used for the capacity tests: {"k":"a\nb","n":[-12,true]} */
static void write_document(struct hp_json_writer *w)
{
    hp_json_begin_object(w);
    hp_json_key(w, "k", 1);
    hp_json_string(w, "a\nb", 3);
    hp_json_key(w, "n", 1);
    hp_json_begin_array(w);
    hp_json_int(w, -12);
    hp_json_bool(w, true);
    hp_json_end_array(w);
    hp_json_end_object(w);
}

static const char document[] = "{\"k\":\"a\\nb\",\"n\":[-12,true]}";

Test(json_writer, overflow_at_capacity_boundaries)
{
    size_t need = strlen(document);
    struct sink s;

    sink_init(&s, need + 1);
    write_document(&s.w);
    assert_output(&s, document);
    cr_assert_eq((unsigned char)s.buf[need], GUARD);

    sink_init(&s, need);
    write_document(&s.w);
    assert_output(&s, document);
    cr_assert_eq((unsigned char)s.buf[need], GUARD, "nothing written at buf + capacity");

    sink_init(&s, need - 1);
    write_document(&s.w);
    cr_assert(!hp_json_writer_ok(&s.w), "overflow not reported");
    /* The closing '}' did not fit: everything before it is intact, nothing past capacity. */
    cr_assert_eq(hp_json_writer_len(&s.w), need - 1);
    cr_assert(memcmp(s.buf, document, need - 1) == 0);
    for (size_t i = need - 1; i < sizeof s.buf; i++)
        cr_assert_eq((unsigned char)s.buf[i], GUARD, "byte %zu touched", i);
}

Test(json_writer, overflow_is_all_or_nothing_and_sticky)
{
    /* Every capacity below the need: never a byte past capacity, and the length always ends
     * on a call boundary that is a prefix of the document. */
    size_t need = strlen(document);
    static const size_t call_ends[] = {1, 5, 11, 16, 17, 20, 25, 26, 27};
    for (size_t cap = 0; cap < need; cap++) {
        struct sink s;
        sink_init(&s, cap);
        write_document(&s.w);
        cr_assert(!hp_json_writer_ok(&s.w), "capacity %zu", cap);
        size_t len = hp_json_writer_len(&s.w);
        cr_assert_leq(len, cap);
        cr_assert(memcmp(s.buf, document, len) == 0);
        size_t expected_len = 0;
        for (size_t i = 0; i < sizeof call_ends / sizeof call_ends[0]; i++)
            if (call_ends[i] <= cap)
                expected_len = call_ends[i];
        cr_assert_eq(len, expected_len, "capacity %zu: length %zu, expected %zu", cap, len,
                     expected_len);
        for (size_t i = cap; i < sizeof s.buf; i++)
            cr_assert_eq((unsigned char)s.buf[i], GUARD, "capacity %zu: byte %zu touched", cap, i);
    }

    /* Sticky: a small value that would fit after a failed large one is still refused. */
    struct sink s;
    sink_init(&s, 8);
    hp_json_string(&s.w, "0123456789", 10);
    cr_assert(!hp_json_writer_ok(&s.w));
    cr_assert_eq(hp_json_writer_len(&s.w), 0);
    hp_json_null(&s.w);
    cr_assert_eq(hp_json_writer_len(&s.w), 0);
    cr_assert(!hp_json_writer_ok(&s.w));
}

Test(json_writer, escaped_string_at_exact_capacity)
{
    /* "\u0001" is 8 bytes with its quotes. */
    for (size_t cap = 7; cap <= 9; cap++) {
        struct sink s;
        sink_init(&s, cap);
        hp_json_string(&s.w, "\x01", 1);
        if (cap >= 8)
            assert_output(&s, "\"\\u0001\"");
        else
            cr_assert(!hp_json_writer_ok(&s.w) && hp_json_writer_len(&s.w) == 0);
        for (size_t i = cap; i < sizeof s.buf; i++)
            cr_assert_eq((unsigned char)s.buf[i], GUARD);
    }
}

Test(json_writer, zero_allocations)
{
    struct sink s;
    sink_init(&s, sizeof s.buf);
    struct hp_alloc_counts before, after;
    hp_alloc_counts_read(&before);
    write_document(&s.w);
    hp_alloc_counts_read(&after);
    struct hp_alloc_counts d = hp_alloc_counts_delta(&before, &after);
    assert_output(&s, document);
    cr_assert_eq(d.allocs, 0);
}

Test(json_writer, pre_encoded_pieces)
{
    char encoded_key[32], encoded_value[32];
    size_t key_len = hp_json_encode_string(encoded_key, sizeof encoded_key, "na\"me", 5);
    size_t value_len = hp_json_encode_string(encoded_value, sizeof encoded_value, "/a/b", 4);
    cr_assert_eq(key_len, 8);
    cr_assert_eq(memcmp(encoded_key, "\"na\\\"me\"", 8), 0);
    cr_assert_eq(hp_json_encode_string(encoded_value, 3, "abc", 3), 0, "does not fit");
    value_len = hp_json_encode_string(encoded_value, sizeof encoded_value, "/a/b", 4);

    char out[64];
    struct hp_json_writer w;
    hp_json_writer_init(&w, out, sizeof out);
    hp_json_begin_object(&w);
    hp_json_key_encoded(&w, encoded_key, key_len);
    hp_json_value_encoded(&w, encoded_value, value_len);
    hp_json_key(&w, "n", 1);
    hp_json_int(&w, 1);
    hp_json_key_encoded(&w, "\"k\"", 3);
    hp_json_string(&w, "v", 1);
    hp_json_end_object(&w);
    cr_assert(hp_json_writer_ok(&w));
    const char expect[] = "{\"na\\\"me\":\"/a/b\",\"n\":1,\"k\":\"v\"}";
    cr_assert_eq(hp_json_writer_len(&w), sizeof expect - 1);
    cr_assert_eq(memcmp(out, expect, sizeof expect - 1), 0, "%.*s", (int)w.len, out);

    /* all or nothing: a pre-encoded value that does not fit writes nothing, not even the comma */
    hp_json_writer_init(&w, out, 10);
    hp_json_begin_array(&w);
    hp_json_value_encoded(&w, "1", 1);
    hp_json_value_encoded(&w, "\"1234567\"", 9);
    cr_assert_not(hp_json_writer_ok(&w));
    cr_assert_eq(hp_json_writer_len(&w), 2);
    cr_assert_eq(memcmp(out, "[1", 2), 0);
}

/* The word-at-a-time paths (short strings as two overlapping words, longer ones word by word)
 * against a byte-by-byte reference: every length up to 40 with one byte to escape at every
 * position, and with none. */
static size_t reference_escape(const char *in, size_t len, char *out)
{
    size_t n = 0;
    out[n++] = '"';
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)in[i];
        if (c == '"' || c == '\\') {
            out[n++] = '\\';
            out[n++] = (char)c;
        } else if (c < 0x20) {
            n += (size_t)sprintf(out + n, "\\u%04x", c);
            /* the short forms */
            const char *shorts = "\b\f\n\r\t", *letters = "bfnrt";
            const char *at = c ? strchr(shorts, c) : NULL;
            if (at) {
                n -= 6;
                out[n++] = '\\';
                out[n++] = letters[at - shorts];
            }
        } else {
            out[n++] = (char)c;
        }
    }
    out[n++] = '"';
    return n;
}

Test(json_writer, every_length_and_escape_position)
{
    static const char specials[] = {'"', '\\', '\n', 0x01, 0x1f, '\t'};
    char in[40] = {0}, expected[512];
    for (size_t len = 0; len <= sizeof in; len++) {
        for (size_t i = 0; i < len; i++)
            in[i] = (char)('a' + i % 26);
        expected[reference_escape(in, len, expected)] = '\0';
        string_of(in, len, expected);
        for (size_t at = 0; at < len; at++)
            for (size_t k = 0; k < sizeof specials; k++) {
                char saved = in[at];
                in[at] = specials[k];
                size_t n = reference_escape(in, len, expected);
                expected[n] = '\0';
                struct sink s;
                sink_init(&s, sizeof s.buf);
                hp_json_string(&s.w, in, len);
                cr_assert_eq(hp_json_writer_len(&s.w), n, "length %zu, escape at %zu", len, at);
                cr_assert_eq(memcmp(s.buf, expected, n), 0, "length %zu, escape at %zu", len, at);
                in[at] = saved;
            }
    }
}

Test(json_writer, raw_runs_set_the_writer_state)
{
    struct sink s;
    sink_init(&s, sizeof s.buf);
    hp_json_raw(&s.w, "{\"route\":\"/x\",\"id\":", 19, 1, false);
    hp_json_string(&s.w, "7", 1);
    hp_json_key(&s.w, "n", 1);
    hp_json_int(&s.w, 2);
    hp_json_raw(&s.w, "}", 1, 0, true);
    assert_output(&s, "{\"route\":\"/x\",\"id\":\"7\",\"n\":2}");
    cr_assert_eq(hp_json_writer_depth(&s.w), 0);

    /* all or nothing: a run that does not fit writes nothing and sets the overflow flag */
    sink_init(&s, 4);
    hp_json_raw(&s.w, "{\"a\":", 5, 1, false);
    cr_assert_not(hp_json_writer_ok(&s.w));
    cr_assert_eq(hp_json_writer_len(&s.w), 0);
    cr_assert_eq((unsigned char)s.buf[0], GUARD);
}
