/* A JSON writer for handlers: writes into a caller-provided buffer, allocates nothing and never
 * calls printf.
 *
 *     char out[256];
 *     struct hp_json_writer w;
 *     hp_json_writer_init(&w, out, sizeof out);
 *     hp_json_begin_object(&w);
 *     hp_json_key(&w, "id", 2);
 *     hp_json_int(&w, 42);
 *     hp_json_end_object(&w);
 *     if (hp_json_writer_ok(&w)) send(out, hp_json_writer_len(&w));   ->  {"id":42}
 *
 * Commas and colons come from the writer's state: a value or key written after a complete
 * value at the same level gets a comma first. The writer trusts the caller's structure (a key
 * inside an array, or an unbalanced end, is written as asked); hp_json_writer_depth tells a
 * test whether every begin was ended.
 *
 * Overflow: every call either writes all of its bytes or none of them. A call that would go
 * past the capacity writes nothing (no byte at or beyond buf + capacity is ever touched),
 * leaves the length where it was and sets the sticky overflow flag; every later call is then a
 * no-op. The output is not NUL-terminated: use hp_json_writer_len.
 *
 * Strings (keys and values) are escaped: '"' and '\\' with a backslash, \b \f \n \r \t in their
 * short forms, every other byte below 0x20 as \u00XX, DEL and bytes >= 0x80 copied unchanged
 * (UTF-8 passes through; it is not validated). '/' is not escaped.
 */
#ifndef HOTPATH_JSON_WRITER_H
#define HOTPATH_JSON_WRITER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

struct hp_json_writer {
    char *buf;
    size_t capacity;
    size_t len;
    unsigned depth;
    bool need_comma; /* the last thing written at this level was a complete value */
    bool overflow;   /* sticky */
};

static inline void hp_json_writer_init(struct hp_json_writer *w, char *buf, size_t capacity)
{
    w->buf = buf;
    w->capacity = capacity;
    w->len = 0;
    w->depth = 0;
    w->need_comma = false;
    w->overflow = false;
}

void hp_json_begin_object(struct hp_json_writer *w);
void hp_json_end_object(struct hp_json_writer *w);
void hp_json_begin_array(struct hp_json_writer *w);
void hp_json_end_array(struct hp_json_writer *w);

/* An object key (escaped like a string) followed by ':'. */
void hp_json_key(struct hp_json_writer *w, const char *s, size_t len);

void hp_json_string(struct hp_json_writer *w, const char *s, size_t len);

/* Pre-encoded pieces, for constants encoded once at startup (a route's pattern, its param
 * names) so the hot path does not escape them again, like Go's json.RawMessage. `json` must
 * be valid JSON: a quoted, escaped string for a key (the writer adds the ':'), any value for
 * a value. Commas and the all-or-nothing rule are as for the other calls. */
void hp_json_key_encoded(struct hp_json_writer *w, const char *json, size_t len);
void hp_json_value_encoded(struct hp_json_writer *w, const char *json, size_t len);
/* A pre-encoded run of JSON text written as it is (no separator added), for a skeleton built
 * once per route: `{"route":"/x/:id","id":` in one copy instead of five calls. The caller
 * states the writer's state after the run: the nesting depth it leaves open and whether it
 * ends with a complete value (a comma is then due before the next value). All or nothing like
 * the other calls. */
static inline void hp_json_raw(struct hp_json_writer *w, const char *json, size_t len,
                               unsigned depth, bool ends_with_value)
{
    if (w->overflow)
        return;
    if (len > w->capacity - w->len) {
        w->overflow = true;
        return;
    }
    memcpy(w->buf + w->len, json, len);
    w->len += len;
    w->depth = depth;
    w->need_comma = ends_with_value;
}
/* Encodes s as a JSON string (quotes included) into out; its length, or 0 when it does not
 * fit in capacity. Not for the hot path: for preparing the pieces above. */
size_t hp_json_encode_string(char *out, size_t capacity, const char *s, size_t len);
void hp_json_int(struct hp_json_writer *w, int64_t v);
void hp_json_uint(struct hp_json_writer *w, uint64_t v);
void hp_json_bool(struct hp_json_writer *w, bool v);
void hp_json_null(struct hp_json_writer *w);

static inline bool hp_json_writer_ok(const struct hp_json_writer *w)
{
    return !w->overflow;
}

static inline size_t hp_json_writer_len(const struct hp_json_writer *w)
{
    return w->len;
}

static inline unsigned hp_json_writer_depth(const struct hp_json_writer *w)
{
    return w->depth;
}

/* Writes the decimal form of v into out (at least 20 bytes for unsigned, 21 for signed) and
 * returns its length; no NUL. Exposed for the response writers and for tests. */
size_t hp_u64_to_decimal(uint64_t v, char *out);
size_t hp_i64_to_decimal(int64_t v, char *out);

#endif
