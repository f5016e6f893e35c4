/* canonical: Go's w.Header().Set(name, value), with names spelled canonically.
 *
 * Models: net/http Header.Set -> textproto.MIMEHeader.Set (header.go): h[CanonicalMIMEHeaderKey
 * (key)] = []string{value}. Per set: CanonicalMIMEHeaderKey's quick check (reader.go: one pass,
 * validHeaderFieldByte per byte; a canonical name is returned as it is, no copy), one allocation
 * for the value holder ([]string{value} escapes into the map), a hashed insert. The route's
 * constant headers go through the same set on every request, as a Go handler's Set calls do.
 * Claims: the reference of C1.
 * Difference from its reference: it is the reference.
 * Cheaper than Go: the map is a fixed table in the caller's memory (Go allocates the Header map
 * and its bucket per response); the holder is a jemalloc thread-cache malloc + free, not
 * mallocgc plus a share of GC; a name that is not canonical (never, in this project's callers,
 * but see canonical_lower) is copied into an arena where Go allocates a string.
 * Like Go: no value is checked (Header.Set checks none); a name the check refuses is refused
 * here (Go stores it and drops it at write time).
 */
#include "header_writers/header_common.h"

static struct hp_header_plan *canonical_plan_create(const struct hp_header_field *constants,
                                                    size_t count, struct hp_error *err)
{
    return hp_header_plan_copy(constants, count, false, err);
}

/* Works from the name as the caller spelled it (text); the descriptor's precomputed forms are
 * deliberately ignored. The plan's constants were checked when it was made: cannot fail. */
static void canonical_begin(struct hp_header_state *state, const struct hp_header_plan *plan)
{
    struct hp_header_table *table = hp_header_table_of(state);
    hp_header_table_reset(table);
    for (size_t i = 0; plan && i < plan->count; i++)
        (void)hp_header_canonical_set_text(table, plan->names[i].text, plan->names[i].length,
                                           plan->values[i].value, plan->values[i].length);
}

static int canonical_set(struct hp_header_state *state, const struct hp_header_name *name,
                         const char *value, size_t value_length)
{
    return hp_header_canonical_set_text(hp_header_table_of(state), name->text, name->length, value,
                                        value_length);
}

const struct hp_header_writer_ops hp_header_writer_canonical = {
    .info =
        {
            .name = "canonical",
            .summary = "per set: CanonicalMIMEHeaderKey's check, a value holder, a hashed insert "
                       "(Go net/http Header.Set, canonical spellings)",
            .models = "Go net/http Header.Set: textproto CanonicalMIMEHeaderKey quick check + "
                      "h[key] = []string{value} (net/http/header.go, net/textproto/reader.go)",
            .reference = NULL,
            .bound = HP_GAIN_LIKE_FOR_LIKE,
            .bound_reason = "its own per-set work, the quick check over a canonical name, is Go's "
                            "byte for byte",
        },
    .plan_create = canonical_plan_create,
    .plan_destroy = hp_header_plan_free,
    .begin = canonical_begin,
    .set = canonical_set,
    .end = hp_header_table_end,
    .block_length = hp_header_table_block_length,
    .write_block = hp_header_table_write,
    .emit_lines = hp_header_table_emit,
};
