/* Pieces shared by the three header writers, so that they differ only in the decision each
 * one measures: field syntax (Go's httpguts / textproto rules), the route plan, the per-request
 * header table (canonical and precomputed) and the serialisation of one field.
 */
#ifndef HOTPATH_HEADER_COMMON_H
#define HOTPATH_HEADER_COMMON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "header_writers/header_writer.h"
#include "response_writers/http_format.h"

/* ---- field syntax ---- */

/* 1 for the RFC 7230 token characters (tchar), the bytes Go's validHeaderFieldByte accepts. */
extern const uint8_t hp_header_token_bytes[256];

/* Go's httpguts.ValidHeaderFieldName, plus our length bound (1..HP_HEADER_NAME_MAX). */
static inline bool hp_header_name_valid(const char *text, size_t length)
{
    if (length == 0 || length > HP_HEADER_NAME_MAX)
        return false;
    for (size_t i = 0; i < length; i++)
        if (!hp_header_token_bytes[(unsigned char)text[i]])
            return false;
    return true;
}

/* Go's httpguts.ValidHeaderFieldValue: no control byte except horizontal tab. (Plus a length
 * bound: the table keeps 32-bit lengths.) */
static inline bool hp_header_value_valid(const char *value, size_t length)
{
    if (length > UINT32_MAX)
        return false;
    for (size_t i = 0; i < length; i++) {
        unsigned char c = (unsigned char)value[i];
        if ((c < 0x20 && c != '\t') || c == 0x7f)
            return false;
    }
    return true;
}

/* Go's canonicalMIMEHeaderKey on a valid name: upper case at the start and after '-', lower
 * case elsewhere. Writes length bytes at out. */
static inline void hp_header_canonicalise(char *out, const char *text, size_t length)
{
    bool upper = true;
    for (size_t i = 0; i < length; i++) {
        char c = text[i];
        if (upper && c >= 'a' && c <= 'z')
            c = (char)(c - ('a' - 'A'));
        else if (!upper && c >= 'A' && c <= 'Z')
            c = (char)(c + ('a' - 'A'));
        out[i] = c;
        upper = c == '-';
    }
}

/* Go's CanonicalMIMEHeaderKey quick check, fused with name validation: one pass that returns
 * -1 when text is not a valid field name, 0 when it is already canonical (Go returns the string
 * itself, no copy) and 1 when it needs hp_header_canonicalise (Go allocates a new string). */
static inline int hp_header_name_check(const char *text, size_t length)
{
    if (length == 0 || length > HP_HEADER_NAME_MAX)
        return -1;
    bool upper = true;
    int needs_change = 0;
    for (size_t i = 0; i < length; i++) {
        char c = text[i];
        if (!hp_header_token_bytes[(unsigned char)c])
            return -1;
        if ((upper && c >= 'a' && c <= 'z') || (!upper && c >= 'A' && c <= 'Z'))
            needs_change = 1;
        upper = c == '-';
    }
    return needs_change;
}

/* FNV-1a over the canonical name: what the table hashes on every insert, as a Go map hashes
 * its string key. */
static inline uint32_t hp_header_hash(const char *name, size_t length)
{
    uint32_t hash = 2166136261u;
    for (size_t i = 0; i < length; i++)
        hash = (hash ^ (unsigned char)name[i]) * 16777619u;
    return hash;
}

/* ---- one field on the wire ---- */

static inline size_t hp_header_line_length(size_t name_length, size_t value_length)
{
    return name_length + 2 + value_length + 2;
}

static inline unsigned char *hp_header_put_line(unsigned char *out, const char *name,
                                                size_t name_length, const char *value,
                                                size_t value_length)
{
    out = hp_put_bytes(out, name, name_length);
    out = hp_put_bytes(out, ": ", 2);
    out = hp_put_bytes(out, value, value_length);
    return hp_put_bytes(out, "\r\n", 2);
}

/* Four sink writes, as Go's Header.Write does (key, ": ", value, "\r\n"). */
static inline int hp_header_emit_line(struct hp_sink *sink, const char *name, size_t name_length,
                                      const char *value, size_t value_length)
{
    if (sink->write(sink, name, name_length) != 0 || sink->write(sink, ": ", 2) != 0 ||
        sink->write(sink, value, value_length) != 0 || sink->write(sink, "\r\n", 2) != 0)
        return -1;
    return 0;
}

/* ---- the route plan ---- */

/* One definition for every writer. All of them keep the constants (copied, validated once);
 * prebuilt also keeps them serialised into `block`. */
struct hp_header_plan {
    size_t count;
    struct hp_header_name names[HP_HEADER_FIELDS_MAX]; /* text points into storage */
    const char *values[HP_HEADER_FIELDS_MAX];          /* into storage */
    size_t value_lengths[HP_HEADER_FIELDS_MAX];
    size_t block_length;  /* bytes of the constant lines, serialised */
    unsigned char *block; /* prebuilt: those bytes, into storage; NULL for the others */
    char storage[];
};

/* Validates and copies the constants (see plan_create in header_writer.h); with build_block,
 * also serialises them into plan->block. Also refuses a name given twice. */
struct hp_header_plan *hp_header_plan_copy(const struct hp_header_field *constants, size_t count,
                                           bool build_block, struct hp_error *err);
void hp_header_plan_free(struct hp_header_plan *plan);

/* ---- the per-request header table (canonical and precomputed) ----
 *
 * Go's map[string][]string, reduced to what a response needs: open addressing with linear
 * probing over HP_HEADER_TABLE_SLOTS one-byte slots (entry index + 1, 0 = empty), twice the
 * field limit so probes stay short, and an entries array in insertion order (the order the
 * block is written in). A set of a name already present replaces its value in place, as Go's
 * Header.Set does. Reset is O(1) apart from clearing the 32 slot bytes. */

enum { HP_HEADER_TABLE_SLOTS = 2 * HP_HEADER_FIELDS_MAX };

struct hp_header_entry {
    const char *name; /* canonical */
    const char *value;
    uint32_t name_length;
    uint32_t value_length;
    uint32_t hash;
};

struct hp_header_table {
    uint32_t count;
    uint32_t arena_used;
    size_t block_length; /* running total of the serialised lines */
    uint8_t slots[HP_HEADER_TABLE_SLOTS];
    struct hp_header_entry entries[HP_HEADER_FIELDS_MAX];
    /* Canonical names made per request (the canonical writer's stand-in for the string Go
     * allocates when a key needs canonicalising). */
    char arena[HP_HEADER_FIELDS_MAX * HP_HEADER_NAME_MAX];
};

_Static_assert(sizeof(struct hp_header_table) <= HP_HEADER_STATE_SIZE,
               "the header table must fit in struct hp_header_state");
_Static_assert(HP_HEADER_FIELDS_MAX < 255, "slots hold entry index + 1 in one byte");

static inline void hp_header_table_reset(struct hp_header_table *table)
{
    table->count = 0;
    table->arena_used = 0;
    table->block_length = 0;
    memset(table->slots, 0, sizeof table->slots);
}

/* Inserts or replaces name (canonical, valid) -> value. HP_HEADER_OK or HP_HEADER_FULL. */
int hp_header_table_put(struct hp_header_table *table, const char *name, size_t name_length,
                        const char *value, size_t value_length);

unsigned char *hp_header_table_write(const struct hp_header_table *table, unsigned char *out);
int hp_header_table_emit(const struct hp_header_table *table, struct hp_sink *sink);

#endif
