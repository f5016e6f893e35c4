/* The header_writer axis: how a handler's response headers are stored and serialised.
 *
 * Claims: C1 (bypassing canonicalisation and validation of header names saves 60-80 ns per
 * request) and C2 (a header block pre-built per route saves 10-15 ns). Three implementations,
 * one decision apart each:
 *
 *   canonical    every set validates the name (Go's httpguts.ValidHeaderFieldName: a non-empty
 *                RFC 7230 token), canonicalises it (Go's textproto.CanonicalMIMEHeaderKey:
 *                upper case at the start and after each '-', lower case elsewhere; like Go,
 *                a name found already canonical by the one-pass quick check is used as it is,
 *                any other is copied canonicalised into the state), validates the value, and stores
 * the field in a per-request header table (Go's map[string][]string shape: open addressing, keyed
 * by the canonical name). A route's constant headers go through the same set on every request, as a
 * Go handler calling w.Header().Set("Content-Type", ...) does. precomputed  names arrive as
 * descriptors canonicalised and validated once (hp_header_name_init); constant values were
 * validated once when the plan was made. Per request: the same table, no name work. (C1's bypass.)
 *   prebuilt     the route's constant headers are serialised ONCE into bytes when the plan is
 *                made; per request only the variable fields are stored (an array, no table) and
 *                appended after the constant bytes. (C2.)
 *
 * Usage, per route at setup and per request on the hot path:
 *
 *     struct hp_header_name content_type, date, content_length;   // once per process
 *     hp_header_name_init(&content_type, "content-type", 12, &err);  // canonical: Content-Type
 *     ...
 *     struct hp_header_field constants[] = {{&content_type, "application/json", 16}, ...};
 *     struct hp_header_plan *plan = ops->plan_create(constants, 2, &err); // once per route
 *
 *     struct hp_header_state state;          // caller memory: per worker or in the context
 *     ops->begin(&state, plan);              // per request: the route's constants are in
 *     ops->set(&state, &date, date_text, 29);
 *     ops->set(&state, &content_length, digits, digit_count);
 *     n = ops->block_length(&state);         // then write_block (one buffer) or emit_lines
 *
 * The header block is the header lines only, "Name: value\r\n" each, WITHOUT the blank line
 * that ends the header section (the response writer adds it). Every implementation produces the
 * same bytes for the same plan and the same sequence of sets, in this fixed order: the plan's
 * constant fields in the order they were given to plan_create, then the per-request fields in
 * the order of their set calls. Names are written in canonical form, values exactly as given
 * (no trimming, no rewriting).
 *
 * Per request nothing is allocated: the state is caller memory of fixed size (struct
 * hp_header_state), begin resets it in O(1), and set stores pointers to the caller's bytes.
 *
 * Contract, the same for every implementation (what keeps their output byte-identical):
 *   - a request sets each name at most once, and never a name the plan holds as a constant
 *     (names compare case-insensitively). A Go map would overwrite; prebuilt cannot overwrite
 *     its pre-built bytes, so the contract forbids the case rather than let the writers differ.
 *     The writers do not check it.
 *   - name descriptors and value bytes passed to set stay valid and unchanged until the last
 *     block_length / write_block / emit_lines of that request (set does not copy values, as a
 *     Go string header does not).
 *   - at most HP_HEADER_FIELDS_MAX fields per request, constants included.
 *
 * Threads: a plan is immutable after plan_create and may be shared by any number of threads
 * (its bytes are published to them by whatever hands them the plan pointer, e.g. thread
 * creation). A state belongs to one thread at a time.
 */
#ifndef HOTPATH_HEADER_WRITER_H
#define HOTPATH_HEADER_WRITER_H

#include <stdalign.h>
#include <stddef.h>

#include "error.h"
#include "registry.h"
#include "response_writers/sink.h"

enum {
    /* Longest field name accepted, in bytes (longer names are refused like invalid ones). */
    HP_HEADER_NAME_MAX = 64,
    /* Most fields one request's header block may hold, the plan's constants included. */
    HP_HEADER_FIELDS_MAX = 16,
    /* Size of struct hp_header_state (enough for every implementation; each checks at compile
     * time that its private state fits). */
    HP_HEADER_STATE_SIZE = 2048,
};

/* set's results. */
enum {
    HP_HEADER_OK = 0,
    HP_HEADER_INVALID = -1, /* name or value bytes refused; nothing stored */
    HP_HEADER_FULL = -2,    /* more than HP_HEADER_FIELDS_MAX fields; nothing stored */
};

/* A header field name, prepared once (at startup or route setup, never per request).
 *
 * `text` is the name as the caller spells it ("content-type"); the canonical writer works from
 * it on every set, as Go's Header.Set does. `canonical` is its canonical form, computed once by
 * hp_header_name_init; the precomputed and prebuilt writers use only that. A descriptor whose
 * text is not a valid field name has canonical_length 0: canonical refuses it on set by
 * validating `text`, precomputed and prebuilt refuse it because it was never prepared, so all
 * three refuse the same names. */
struct hp_header_name {
    const char *text; /* not copied: must outlive every use of the descriptor */
    size_t length;
    size_t canonical_length; /* 0: text is not a valid field name */
    char canonical[HP_HEADER_NAME_MAX];
};

/* Fills *name from text[0..length). 0, or -1 with err set when text is not a valid field name
 * (empty, longer than HP_HEADER_NAME_MAX, or a byte that is not an RFC 7230 token character);
 * on -1 the descriptor is still filled (text, length, canonical_length 0) so that a test can
 * hand it to set and see it refused. Not for the hot path. */
int hp_header_name_init(struct hp_header_name *name, const char *text, size_t length,
                        struct hp_error *err);

/* A name with its value, as given to plan_create. */
struct hp_header_field {
    const struct hp_header_name *name;
    const char *value;
    size_t value_length;
};

/* Per-request storage, caller memory (a worker's local, or embedded in a request context).
 * Opaque: only the writer that began it reads it. No destructor: it owns nothing. */
struct hp_header_state {
    alignas(max_align_t) unsigned char bytes[HP_HEADER_STATE_SIZE];
};

/* A route's constant headers, prepared by one implementation for its own use. Pass a plan only
 * to the ops that created it. */
struct hp_header_plan;

struct hp_header_writer_ops {
    struct hp_impl_info info;

    /* Once per route (setup; may allocate). Copies the descriptors, their text and the values,
     * so the caller's arrays may go away. count may be 0 (constants NULL). Every writer
     * refuses, with err set and NULL returned, a constant whose name or value is invalid or
     * more than HP_HEADER_FIELDS_MAX constants; and NULL with err set when memory runs out. */
    struct hp_header_plan *(*plan_create)(const struct hp_header_field *constants, size_t count,
                                          struct hp_error *err);
    void (*plan_destroy)(struct hp_header_plan *plan); /* NULL allowed */

    /* Per request: forgets the previous request's fields and starts this one's with the plan's
     * constants (canonical sets them one by one, precomputed copies them into the table,
     * prebuilt only remembers the plan). The plan must outlive the state's use. */
    void (*begin)(struct hp_header_state *state, const struct hp_header_plan *plan);

    /* Adds one field. HP_HEADER_OK; HP_HEADER_INVALID when the name is not a valid field name
     * or the value holds a byte Go's httpguts.ValidHeaderFieldValue refuses (a control byte
     * other than horizontal tab: 0x00-0x08, 0x0A-0x1F, 0x7F; bytes >= 0x80 are allowed; or is
     * longer than UINT32_MAX);
     * HP_HEADER_FULL past HP_HEADER_FIELDS_MAX. Values may be empty ("X-Empty: \r\n"). Every
     * writer validates per-request values: they come from the request or the handler. */
    int (*set)(struct hp_header_state *state, const struct hp_header_name *name, const char *value,
               size_t value_length);

    /* Bytes of the header block (all "Name: value\r\n" lines, no final blank line). */
    size_t (*block_length)(const struct hp_header_state *state);

    /* Writes exactly block_length bytes at out and returns out + block_length. The caller
     * sized out (one pre-sized buffer: the single_write response writer's path). */
    unsigned char *(*write_block)(const struct hp_header_state *state, unsigned char *out);

    /* Writes the same bytes through the sink, four writes per field as Go's Header.Write does:
     * name, ": ", value, "\r\n" (the multi_write response writer's path). 0, or -1 when the
     * sink refused a write (what was written before stays written). */
    int (*emit_lines)(const struct hp_header_state *state, struct hp_sink *sink);
};

extern const struct hp_header_writer_ops hp_header_writer_canonical;
extern const struct hp_header_writer_ops hp_header_writer_precomputed;
extern const struct hp_header_writer_ops hp_header_writer_prebuilt;

static inline const struct hp_header_writer_ops *
hp_header_writer_ops_of(const struct hp_impl_info *info)
{
    return (const struct hp_header_writer_ops *)info;
}

#endif
