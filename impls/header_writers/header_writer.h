/* The header_writer axis: how the headers a handler sets reach the response.
 *
 * It models the handler's side of Go's net/http: w.Header().Set(name, value) (textproto's
 * CanonicalMIMEHeaderKey, then h[key] = []string{value}) and Header.writeSubset at write time.
 * Date and Content-Length are not the handler's: the response writer adds them from fixed bytes
 * (net/http's extraHeader, response_writer.h), so they never pass through this axis.
 * Claims C1 (bypassing CanonicalMIMEHeaderKey) and C2 (pre-allocated header values):
 *
 *   canonical       Header.Set with names spelled canonically ("Content-Type", as Go handlers
 *                   and Gin spell them): per set, CanonicalMIMEHeaderKey's one-pass check,
 *                   one allocation for the value holder ([]string{value}), a hashed insert.
 *   canonical_lower canonical, with names spelled in lower case, as Bolt's SetHeaderBytes
 *                   passes them: every name is also canonicalised into a copy.
 *   precomputed     Bolt 1.1: h["Content-Type"] = []string{...}: no name work (C1).
 *   preallocated    Bolt 1.3: the route's constant values are holders made once; the map
 *                   writes stay (C2).
 *   prebuilt        no table: the constant lines are bytes made once per route (the header half
 *                   of Bolt 3.1's pre-built response, C8).
 *
 * Usage, per route at setup and per request on the hot path:
 *
 *     struct hp_header_name content_type, allow;                     // once per process
 *     hp_header_name_init(&content_type, "Content-Type", 12, &err);
 *     struct hp_header_field constants[] = {{&content_type, "application/json", 16}, ...};
 *     struct hp_header_plan *plan = ops->plan_create(constants, 4, &err); // once per route
 *
 *     struct hp_header_state state;          // caller memory: per worker or in the context
 *     ops->begin(&state, plan);              // per request: the route's constants are set
 *     ops->set(&state, &allow, "GET, POST", 9);
 *     n = ops->block_length(&state);         // then write_block (one buffer) or emit_lines
 *     ...
 *     if (ops->end) ops->end(&state);        // after the response is written
 *
 * The header block is the header lines only, "Name: value\r\n" each, WITHOUT the blank line
 * that ends the header section. Every implementation produces the same bytes for the same plan
 * and the same sequence of sets, in this order: the plan's constant fields in the order given to
 * plan_create, then the per-request fields in the order of their set calls. Names are written
 * in canonical form, values exactly as given. (Go sorts the keys and sanitises the values at
 * write time, Header.writeSubset; no writer models that, so it costs every writer nothing.)
 *
 * Values are not checked per set, as Go's Header.Set checks none: a caller passes only bytes
 * that Go's httpguts.ValidHeaderFieldValue accepts (no control byte but tab). plan_create
 * checks the constants once.
 *
 * Allocation per request: what the modelled code allocates. The table writers (canonical,
 * canonical_lower, precomputed) allocate one value holder per set, as Go's []string{value};
 * preallocated takes the constants' holders from the plan (per-request sets still allocate);
 * prebuilt allocates nothing. end frees them (Go's GC does, later).
 *
 * Contract, the same for every implementation (what keeps their output byte-identical):
 *   - a request sets each name at most once, and never a name the plan holds as a constant
 *     (names compare case-insensitively). prebuilt cannot overwrite its pre-built bytes, so the
 *     contract forbids the case rather than let the writers differ. Not checked.
 *   - name descriptors and value bytes passed to set stay valid and unchanged until end (set
 *     does not copy values, as a Go string header does not).
 *   - at most HP_HEADER_FIELDS_MAX fields per request, constants included.
 *   - every begin is followed by end (when not NULL) before the state's next begin.
 *
 * Threads: a plan is immutable after plan_create and may be shared by any number of threads
 * (its bytes are published to them by whatever hands them the plan pointer, e.g. thread
 * creation). A state belongs to one thread at a time.
 */
#ifndef HOTPATH_HEADER_WRITER_H
#define HOTPATH_HEADER_WRITER_H

#include <stdalign.h>
#include <stddef.h>

#include "common/error.h"
#include "registry.h"
#include "http/sink.h"

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
    HP_HEADER_INVALID = -1,   /* the name is not a valid field name; nothing stored */
    HP_HEADER_FULL = -2,      /* more than HP_HEADER_FIELDS_MAX fields; nothing stored */
    HP_HEADER_NO_MEMORY = -3, /* the value holder could not be allocated; nothing stored */
};

/* A header field name, prepared once (at startup or route setup, never per request).
 *
 * `text` is the name as the caller spells it ("Content-Type"); the canonical writer works from
 * it on every set, as Go's Header.Set does. `lower` is the same name in lower case, made once:
 * the spelling canonical_lower works from (Bolt's constants). `canonical` is its canonical form,
 * computed once by hp_header_name_init; the other writers use only that. A descriptor whose text
 * is not a valid field name has canonical_length 0: the canonical writers refuse it on set by
 * checking the bytes, the others because it was never prepared, so all refuse the same names. */
struct hp_header_name {
    const char *text; /* not copied: must outlive every use of the descriptor */
    size_t length;
    size_t canonical_length; /* 0: text is not a valid field name */
    char canonical[HP_HEADER_NAME_MAX];
    char lower[HP_HEADER_NAME_MAX]; /* length bytes; filled only for a valid name */
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

    /* Per request: starts this request's fields with the plan's constants, set as the
     * modelled handler sets them (the table writers insert them one by one, prebuilt only
     * remembers the plan). The plan must outlive the state's use. */
    void (*begin)(struct hp_header_state *state, const struct hp_header_plan *plan);

    /* Adds one field. HP_HEADER_OK; HP_HEADER_INVALID when the name is not a valid field name;
     * HP_HEADER_FULL past HP_HEADER_FIELDS_MAX; HP_HEADER_NO_MEMORY. The value is not checked
     * (see above); it may be empty ("X-Empty: \r\n"), and at most UINT32_MAX bytes. */
    int (*set)(struct hp_header_state *state, const struct hp_header_name *name, const char *value,
               size_t value_length);

    /* Optional (NULL: nothing to free): after the request's last block_length / write_block /
     * emit_lines, frees what its begin and sets allocated. */
    void (*end)(struct hp_header_state *state);

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

/* The implementations (header_writer_list.h), for the table and for the code that names one. */
#define HP_IMPL(symbol) extern const struct hp_header_writer_ops symbol;
#include "header_writers/header_writer_list.h"
#undef HP_IMPL

static inline const struct hp_header_writer_ops *
hp_header_writer_ops_of(const struct hp_impl_info *info)
{
    return (const struct hp_header_writer_ops *)info;
}

#endif
