/* Pieces shared by the header writers, so that they differ only in the decision each one
 * measures: field syntax (Go's httpguts / textproto rules), the route plan, the value holder,
 * the per-request header table (every writer but prebuilt) and the serialisation of one field.
 *
 * The name checks and the canonicalising copy are out-of-line functions, as their Go
 * counterparts are calls (CanonicalMIMEHeaderKey, canonicalMIMEHeaderKey), and so that the
 * calls-per-request tests can count them under callgrind (tests/test_reference_calls.c).
 */
#ifndef HOTPATH_HEADER_COMMON_H
#define HOTPATH_HEADER_COMMON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "header_writers/header_writer.h"
#include "http/http_format.h"

/* ---- field syntax ---- */

/* 1 for the RFC 7230 token characters (tchar), the bytes Go's validHeaderFieldByte accepts. */
extern const uint8_t hp_header_token_bytes[256];

/* Go's httpguts.ValidHeaderFieldName, plus our length bound (1..HP_HEADER_NAME_MAX). Setup
 * only (descriptors, plans). */
bool hp_header_name_valid(const char *text, size_t length);

/* Go's httpguts.ValidHeaderFieldValue: no control byte except horizontal tab (plus a length
 * bound: the table keeps 32-bit lengths). Setup only: no writer checks values per set. */
bool hp_header_value_valid(const char *value, size_t length);

/* Go's canonicalMIMEHeaderKey on a valid name: upper case at the start and after '-', lower
 * case elsewhere. Writes length bytes at out. */
void hp_header_canonicalise(char *out, const char *text, size_t length);

/* Go's CanonicalMIMEHeaderKey quick check, fused with name validation: one pass that returns
 * -1 when text is not a valid field name, 0 when it is already canonical (Go returns the string
 * itself, no copy) and 1 when it needs hp_header_canonicalise (Go allocates a new string). */
int hp_header_name_check(const char *text, size_t length);

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

/* Four sink writes, as Go's Header.writeSubset does (key, ": ", value, "\r\n"). */
static inline int hp_header_emit_line(struct hp_sink *sink, const char *name, size_t name_length,
                                      const char *value, size_t value_length)
{
    if (sink->write(sink, name, name_length) != 0 || sink->write(sink, ": ", 2) != 0 ||
        sink->write(sink, value, value_length) != 0 || sink->write(sink, "\r\n", 2) != 0)
        return -1;
    return 0;
}

/* ---- the value holder ---- */

/* What a Go header map holds per key: []string{value}, one string. The table writers allocate
 * one per set, as Go does; preallocated's plan holds one per constant, made once. */
struct hp_header_values {
    const char *value;
    size_t length;
};

/* ---- the route plan ---- */

/* One definition for every writer. All of them keep the constants (copied, validated once):
 * their names, and their values as holders (preallocated hands these out; the others copy the
 * value into a new holder per request, as a []string literal does). prebuilt also keeps them
 * serialised into `block`. */
struct hp_header_plan {
    size_t count;
    struct hp_header_name names[HP_HEADER_FIELDS_MAX];    /* text points into storage */
    struct hp_header_values values[HP_HEADER_FIELDS_MAX]; /* into storage */
    size_t block_length;  /* bytes of the constant lines, serialised */
    unsigned char *block; /* prebuilt: those bytes, into storage; NULL for the others */
    char storage[];
};

/* Validates and copies the constants (see plan_create in header_writer.h); with build_block,
 * also serialises them into plan->block. Also refuses a name given twice. */
struct hp_header_plan *hp_header_plan_copy(const struct hp_header_field *constants, size_t count,
                                           bool build_block, struct hp_error *err);
void hp_header_plan_free(struct hp_header_plan *plan);

/* ---- the per-request header table (every writer but prebuilt) ----
 *
 * Go's map[string][]string, reduced to what a response needs: open addressing with linear
 * probing over HP_HEADER_TABLE_SLOTS one-byte slots (entry index + 1, 0 = empty), twice the
 * field limit so probes stay short, keyed by the canonical name hashed with the project's fast
 * hash (hp_route_hash_bytes, the analogue of the runtime's map hash), and an entries array in
 * insertion order (the order the block is written in). A set of a name already present
 * replaces its holder, as Go's Header.Set does. Reset is O(1) apart from clearing the slots.
 * The table is the whole state of the writers that use it. */

enum { HP_HEADER_TABLE_SLOTS = 2 * HP_HEADER_FIELDS_MAX };

struct hp_header_entry {
    const char *name; /* canonical */
    const struct hp_header_values *values;
    uint64_t hash;
    uint32_t name_length;
    bool owned; /* values was allocated for this request: end frees it */
};

struct hp_header_table {
    uint32_t count;
    uint32_t arena_used;
    size_t block_length; /* running total of the serialised lines */
    uint8_t slots[HP_HEADER_TABLE_SLOTS];
    struct hp_header_entry entries[HP_HEADER_FIELDS_MAX];
    /* Canonical names made per request (the canonical writers' stand-in for the string Go
     * allocates when a key needs canonicalising). */
    char arena[HP_HEADER_FIELDS_MAX * HP_HEADER_NAME_MAX];
};

_Static_assert(sizeof(struct hp_header_table) <= HP_HEADER_STATE_SIZE,
               "the header table must fit in struct hp_header_state");
_Static_assert(HP_HEADER_FIELDS_MAX < 255, "slots hold entry index + 1 in one byte");

static inline struct hp_header_table *hp_header_table_of(struct hp_header_state *state)
{
    return (struct hp_header_table *)state->bytes;
}

static inline const struct hp_header_table *
hp_header_table_of_const(const struct hp_header_state *state)
{
    return (const struct hp_header_table *)state->bytes;
}

static inline void hp_header_table_reset(struct hp_header_table *table)
{
    table->count = 0;
    table->arena_used = 0;
    table->block_length = 0;
    memset(table->slots, 0, sizeof table->slots);
}

/* Inserts or replaces name (canonical, valid) -> values. `owned`: values was allocated for this
 * request (freed by hp_header_table_end, or now if it is refused or replaced by a later set).
 * HP_HEADER_OK or HP_HEADER_FULL. */
int hp_header_table_put(struct hp_header_table *table, const char *name, size_t name_length,
                        const struct hp_header_values *values, bool owned);

/* A new holder of value (Go's []string{value}); NULL when memory runs out. */
struct hp_header_values *hp_header_values_new(const char *value, size_t length);

/* Sets the plan's constants: with a new holder each (copy_values), or the plan's own. */
void hp_header_table_begin(struct hp_header_table *table, const struct hp_header_plan *plan,
                           bool copy_values);

/* The set of the writers whose names are precomputed descriptors: a new holder, a put. */
int hp_header_table_set_precomputed(struct hp_header_table *table,
                                    const struct hp_header_name *name, const char *value,
                                    size_t value_length);

/* The set of both canonical writers (Go's Header.Set): `text` is the name as the caller's code
 * spells it; checked (hp_header_name_check), canonicalised into the arena when it is not
 * canonical, a new holder, a put. */
int hp_header_canonical_set_text(struct hp_header_table *table, const char *text, size_t length,
                                 const char *value, size_t value_length);

/* The ops shared by every table writer. */
void hp_header_table_end(struct hp_header_state *state);
size_t hp_header_table_block_length(const struct hp_header_state *state);
unsigned char *hp_header_table_write(const struct hp_header_state *state, unsigned char *out);
int hp_header_table_emit(const struct hp_header_state *state, struct hp_sink *sink);

/* Bytes of names the request's sets copied into the table's arena (canonicalised copies):
 * 0 for a request whose names all arrived canonical. For tests. */
static inline size_t hp_header_table_copied_bytes(const struct hp_header_state *state)
{
    return hp_header_table_of_const(state)->arena_used;
}

#endif
