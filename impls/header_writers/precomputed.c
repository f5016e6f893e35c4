/* precomputed: field names arrive canonical and validated (hp_header_name_init, once); the
 * route's constant values were validated once, when the plan was made.
 *
 * Technique: Bolt 1.1's bypass, w.Header()["Content-Type"] = []string{...}: the map write
 * without CanonicalMIMEHeaderKey and without name validation.
 * Claim: C1.
 * Difference from its reference (canonical): no per-request name validation, canonicalisation
 * or copy, and no per-request validation of the constant values; the same table and the same
 * hashed insert.
 */
#include "header_writers/header_common.h"

struct precomputed_state {
    struct hp_header_table table;
};

_Static_assert(sizeof(struct precomputed_state) <= HP_HEADER_STATE_SIZE,
               "precomputed_state must fit in struct hp_header_state");

static struct hp_header_plan *precomputed_plan_create(const struct hp_header_field *constants,
                                                      size_t count, struct hp_error *err)
{
    return hp_header_plan_copy(constants, count, false, err);
}

static void precomputed_begin(struct hp_header_state *header_state,
                              const struct hp_header_plan *plan)
{
    struct precomputed_state *state = (struct precomputed_state *)header_state->bytes;
    hp_header_table_reset(&state->table);
    if (!plan)
        return;
    for (size_t i = 0; i < plan->count; i++)
        (void)hp_header_table_put(&state->table, plan->names[i].canonical,
                                  plan->names[i].canonical_length, plan->values[i],
                                  plan->value_lengths[i]);
}

static int precomputed_set(struct hp_header_state *header_state, const struct hp_header_name *name,
                           const char *value, size_t value_length)
{
    /* canonical_length 0: hp_header_name_init refused the name. */
    if (name->canonical_length == 0 || !hp_header_value_valid(value, value_length))
        return HP_HEADER_INVALID;
    return hp_header_table_put(&((struct precomputed_state *)header_state->bytes)->table,
                               name->canonical, name->canonical_length, value, value_length);
}

static size_t precomputed_block_length(const struct hp_header_state *header_state)
{
    return ((const struct precomputed_state *)header_state->bytes)->table.block_length;
}

static unsigned char *precomputed_write_block(const struct hp_header_state *header_state,
                                              unsigned char *out)
{
    return hp_header_table_write(&((const struct precomputed_state *)header_state->bytes)->table,
                                 out);
}

static int precomputed_emit_lines(const struct hp_header_state *header_state, struct hp_sink *sink)
{
    return hp_header_table_emit(&((const struct precomputed_state *)header_state->bytes)->table,
                                sink);
}

const struct hp_header_writer_ops hp_header_writer_precomputed = {
    .info = {"precomputed", "names canonicalised once (descriptors), constants validated once; "
                            "same per-request table (Bolt 1.1)"},
    .plan_create = precomputed_plan_create,
    .plan_destroy = hp_header_plan_free,
    .begin = precomputed_begin,
    .set = precomputed_set,
    .block_length = precomputed_block_length,
    .write_block = precomputed_write_block,
    .emit_lines = precomputed_emit_lines,
};
