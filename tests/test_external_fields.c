/* The key=value fields of the external-case line protocol (harness/measure/external_fields.h):
 * which token a key finds, percent-decoding, every malformed value, and encoding back. Every
 * line is read from an exactly-sized copy without a terminator, so that in the Debug build
 * AddressSanitizer reports a read past its end. */
#include <criterion/criterion.h>

#include <stdlib.h>
#include <string.h>

#include "external_fields.h"

static char value[64];

/* hp_external_field on an exact-size, unterminated copy of line[0, len). */
static enum hp_field_result field_n(const char *line, size_t len, const char *key, size_t size)
{
    char *copy = malloc(len ? len : 1);
    cr_assert_not_null(copy);
    memcpy(copy, line, len);
    enum hp_field_result r = hp_external_field(copy, len, key, value, size);
    free(copy);
    return r;
}

static enum hp_field_result field(const char *line, const char *key)
{
    return field_n(line, strlen(line), key, sizeof value);
}

static void found(const char *line, const char *key, const char *expected)
{
    cr_assert_eq(field(line, key), HP_FIELD_FOUND, "%s in '%s'", key, line);
    cr_assert_str_eq(value, expected, "%s in '%s'", key, line);
}

Test(external_fields, finds_the_first_token_that_starts_with_the_key)
{
    static const char answer[] = "ok ns_per_op=12.5 cpu_ns_per_op=12 ops=1000 wall_ns=12500";
    found(answer, "ns_per_op", "12.5");
    found(answer, "cpu_ns_per_op", "12");
    found(answer, "ops", "1000");
    found(answer, "wall_ns", "12500");
    found("peer=gin name", "peer", "gin");
    found("ok  a=1   b=2 ", "b", "2");
    found("ok a= b=2", "a", "");
    found("ok a=1 a=2", "a", "1");
    found("ok a=x=y", "a", "x=y");
    /* Neither a suffix of another key, nor a prefix, nor a key inside a value. */
    cr_assert_eq(field(answer, "per_op"), HP_FIELD_ABSENT);
    cr_assert_eq(field(answer, "op"), HP_FIELD_ABSENT);
    cr_assert_eq(field("ok x=ops=5", "ops"), HP_FIELD_ABSENT);
    cr_assert_eq(field("ok ops", "ops"), HP_FIELD_ABSENT);
    cr_assert_eq(field("", "ops"), HP_FIELD_ABSENT);
    cr_assert_str_eq(value, "");
}

Test(external_fields, decodes_percent_escapes)
{
    found("ok expected=/tmp/my%20dir/x.responses", "expected", "/tmp/my dir/x.responses");
    found("ok v=100%25", "v", "100%");
    found("ok v=%2f%2F%41", "v", "//A");
    found("ok v=%e2%82%ac", "v", "\xe2\x82\xac");
}

/* A bad escape, a NUL and a value too long for the room are refused, never cut or guessed:
 * the caller then treats the answer as garbage. "k=%a" at the end of a line is what the
 * reader this one replaced decoded by skipping past the line's terminator. */
Test(external_fields, refuses_what_the_protocol_does_not_allow)
{
    static const char *const bad[] = {"ok k=%",   "ok k=%a",   "ok k=%zz", "ok k=%+1 x=1",
                                      "ok k=% a", "ok k=%00x", "ok k=1%2", "ok k=%-1"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        strcpy(value, "stale");
        cr_assert_eq(field(bad[i], "k"), HP_FIELD_MALFORMED, "'%s'", bad[i]);
        cr_assert_str_eq(value, "", "'%s'", bad[i]);
    }
    static const char with_nul[] = "ok k=a\0b";
    cr_assert_eq(field_n(with_nul, sizeof with_nul - 1, "k", sizeof value), HP_FIELD_MALFORMED);
    /* A value of size - 1 bytes fits; one more does not. */
    cr_assert_eq(field_n("ok k=abc", 8, "k", 4), HP_FIELD_FOUND);
    cr_assert_str_eq(value, "abc");
    cr_assert_eq(field_n("ok k=abcd", 9, "k", 4), HP_FIELD_MALFORMED);
    cr_assert_eq(field_n("ok k=%41%41%41%41", 17, "k", 4), HP_FIELD_MALFORMED);
    /* Only the first `k=` counts: a good one after a bad one is not looked for. */
    cr_assert_eq(field("ok k=%zz k=1", "k"), HP_FIELD_MALFORMED);
}

/* len ends the line wherever it falls, also inside a token or an escape. */
Test(external_fields, reads_nothing_at_or_past_len)
{
    static const char line[] = "ok ops=12345 wall_ns=9 v=%41";
    cr_assert_eq(field_n(line, 8, "ops", sizeof value), HP_FIELD_FOUND);
    cr_assert_str_eq(value, "1");
    cr_assert_eq(field_n(line, 15, "wall_ns", sizeof value), HP_FIELD_ABSENT);
    cr_assert_eq(field_n(line, sizeof line - 2, "v", sizeof value), HP_FIELD_MALFORMED);
    cr_assert_eq(field_n(line, 0, "ops", sizeof value), HP_FIELD_ABSENT);
}

Test(external_fields, encoding_round_trips_through_the_reader)
{
    char text[256];
    for (int i = 1; i < 256; i++)
        text[i - 1] = (char)i;
    text[255] = '\0';
    char line[1024] = "ok v=";
    cr_assert(hp_external_encode(line, sizeof line, text));
    cr_assert_null(strchr(line + 3, ' '), "an encoded value holds no space");
    cr_assert_not_null(strstr(line, "%1F%20!\"#$%25&"), "%s", line);
    char decoded[256];
    cr_assert_eq(hp_external_field(line, strlen(line), "v", decoded, sizeof decoded),
                 HP_FIELD_FOUND);
    cr_assert_str_eq(decoded, text);
}

Test(external_fields, encoding_refuses_what_does_not_fit_and_leaves_out_unchanged)
{
    char out[8] = "a=";
    cr_assert(!hp_external_encode(out, sizeof out, "x y z")); /* "x%20y%20z" */
    cr_assert_str_eq(out, "a=");
    cr_assert(hp_external_encode(out, sizeof out, "x%")); /* "a=x%25": 6 bytes and the NUL */
    cr_assert_str_eq(out, "a=x%25");
    cr_assert(!hp_external_encode(out, sizeof out, "yz")); /* 8 bytes and the NUL: one too many */
    cr_assert_str_eq(out, "a=x%25");
    cr_assert(hp_external_encode(out, sizeof out, "y")); /* exactly the room */
    cr_assert_str_eq(out, "a=x%25y");
}
