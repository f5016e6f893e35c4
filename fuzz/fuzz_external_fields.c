/* The reader of an external case's answer fields (measure/external_fields.h,
 * hp_external_field). Input: one byte choosing the key, one the room for the value, then the
 * line (an exact-size copy, no terminator: AddressSanitizer sees a read past it).
 * Properties: the result is one of the three; a value is given only when found; the key finds
 * the first token starting with "key=" (found by a separate scan here) or nothing; a value
 * without escapes is that token's bytes, so it lies in the input; a decoded value holds no NUL,
 * is shorter than the room and as long as its token less two bytes an escape; and a found
 * value, encoded (hp_external_encode) into a new line, reads back the same. */
#include "fuzz_check.h"

#include "external_fields.h"

static const char *const keys[] = {
    "ops", "ns_per_op",   "cpu_ns_per_op", "allocs_per_op", "peer",    "workload", "needs",
    "k",   "expected",    "wall_ns",       "threads",       "variant", "protocol", "claim",
    "a",   "bytes_per_op"};

/* The first token of line[0, len) that starts with key=: its value's start and length; NULL
 * when none. Tokens: runs of bytes other than ' '. */
static const char *first_value(const char *line, size_t len, const char *key, size_t *value_len)
{
    size_t key_len = strlen(key);
    const char *end = line + len;
    for (const char *p = line; p < end;) {
        const char *space = memchr(p, ' ', (size_t)(end - p));
        const char *token_end = space ? space : end;
        size_t token_len = (size_t)(token_end - p);
        if (token_len > key_len && strncmp(p, key, key_len) == 0 && p[key_len] == '=') {
            *value_len = token_len - key_len - 1;
            return p + key_len + 1;
        }
        p = token_end + (space != NULL);
    }
    return NULL;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 2)
        return 0;
    const char *key = keys[data[0] % (sizeof keys / sizeof keys[0])];
    size_t room = data[1] < 128 ? (size_t)data[1] % 32 + 1 : 4096;
    size_t len = size - 2;
    char *line = fuzz_copy(data + 2, len);
    char *value = malloc(room);
    FUZZ_CHECK(value != NULL, "out of memory");

    enum hp_field_result r = hp_external_field(line, len, key, value, room);
    FUZZ_CHECK(r == HP_FIELD_FOUND || r == HP_FIELD_ABSENT || r == HP_FIELD_MALFORMED, "%d", r);
    if (r != HP_FIELD_FOUND)
        FUZZ_CHECK(value[0] == '\0', "a value given with result %d", r);
    size_t raw_len = 0;
    const char *raw = first_value(line, len, key, &raw_len);
    FUZZ_CHECK((r == HP_FIELD_ABSENT) == (raw == NULL), "result %d, token %s", r,
               raw ? "present" : "absent");
    if (r == HP_FIELD_FOUND) {
        size_t value_len = strlen(value);
        FUZZ_CHECK(value_len < room, "%zu bytes in a room of %zu", value_len, room);
        size_t escapes = 0;
        for (size_t i = 0; i < raw_len; i++)
            escapes += raw[i] == '%';
        FUZZ_CHECK(value_len + 2 * escapes == raw_len, "%zu bytes from a token of %zu, %zu %%",
                   value_len, raw_len, escapes);
        if (escapes == 0)
            FUZZ_CHECK(fuzz_inside(line, len, raw, raw_len) && memcmp(raw, value, raw_len) == 0,
                       "the value is not the token's bytes");

        size_t cap = strlen(key) + 2 + 3 * value_len + 1;
        char *again = malloc(cap);
        FUZZ_CHECK(again != NULL, "out of memory");
        snprintf(again, cap, "%s=", key);
        FUZZ_CHECK(hp_external_encode(again, cap, value), "encoding does not fit %zu", cap);
        FUZZ_CHECK(strchr(again, ' ') == NULL, "an encoded value holds a space");
        char *back = malloc(value_len + 1);
        FUZZ_CHECK(back != NULL, "out of memory");
        FUZZ_CHECK(hp_external_field(again, strlen(again), key, back, value_len + 1) ==
                           HP_FIELD_FOUND &&
                       strcmp(back, value) == 0,
                   "the value encoded does not read back");
        free(back);
        free(again);
    }
    free(value);
    free(line);
    return 0;
}
