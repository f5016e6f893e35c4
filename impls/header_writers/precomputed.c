/* precomputed: the map write without CanonicalMIMEHeaderKey; names arrive as descriptors
 * canonicalised and checked once (hp_header_name_init).
 *
 * Models: Bolt 1.1's bypass of net/textproto (seed 001, 1.1): w.Header()["Content-Type"] =
 * []string{"application/json"}, a direct map assign with a []string literal per write.
 * Claims: C1.
 * Difference from its reference (canonical): no per-set name check and no canonicalising copy;
 * the same value holder per set and the same table and hashed insert.
 * Cheaper than Go: as canonical (table in caller memory, holder from jemalloc's thread cache),
 * so C1's difference is like-for-like in the work it removes.
 */
#include "header_writers/header_common.h"

static struct hp_header_plan *precomputed_plan_create(const struct hp_header_field *constants,
                                                      size_t count, struct hp_error *err)
{
    return hp_header_plan_copy(constants, count, false, err);
}

static void precomputed_begin(struct hp_header_state *state, const struct hp_header_plan *plan)
{
    hp_header_table_begin(hp_header_table_of(state), plan, true);
}

static int precomputed_set(struct hp_header_state *state, const struct hp_header_name *name,
                           const char *value, size_t value_length)
{
    return hp_header_table_set_precomputed(hp_header_table_of(state), name, value, value_length);
}

const struct hp_header_writer_ops hp_header_writer_precomputed = {
    .info =
        {
            .name = "precomputed",
            .summary = "names canonical once (descriptors); per set a value holder and a hashed "
                       "insert (Bolt 1.1)",
            .models = "Bolt 1.1: w.Header()[\"Content-Type\"] = []string{...}, the map assign "
                      "without CanonicalMIMEHeaderKey (seed 001, 1.1)",
            .reference = "canonical",
            .bound = HP_GAIN_LIKE_FOR_LIKE,
            .bound_reason =
                "the work removed, CanonicalMIMEHeaderKey's quick check, is Go's byte for byte",
        },
    .plan_create = precomputed_plan_create,
    .plan_destroy = hp_header_plan_free,
    .begin = precomputed_begin,
    .set = precomputed_set,
    .end = hp_header_table_end,
    .block_length = hp_header_table_block_length,
    .write_block = hp_header_table_write,
    .emit_lines = hp_header_table_emit,
};
