/* canonical: every set validates and canonicalises the field name, then stores the field in a
 * per-request header table.
 *
 * Technique: Go's net/http path, w.Header().Set(name, value): textproto.CanonicalMIMEHeaderKey
 * with its quick check (one pass validating every byte as a token character and finding
 * whether the name is already canonical; only a name that is not is copied, canonicalised, into
 * per-request storage, where Go allocates a new string), value validation, then a hashed insert
 * into a map-shaped table. The route's constant headers go through the same set on
 * every request.
 * Claims: the reference of C1 and C2.
 * Difference from its reference: it is the reference.
 */
#include "header_writers/header_common.h"

struct canonical_state {
    struct hp_header_table table;
};

_Static_assert(sizeof(struct canonical_state) <= HP_HEADER_STATE_SIZE,
               "canonical_state must fit in struct hp_header_state");

static struct hp_header_plan *canonical_plan_create(const struct hp_header_field *constants,
                                                    size_t count, struct hp_error *err)
{
    return hp_header_plan_copy(constants, count, false, err);
}

/* Works from the name as the caller spelled it (name->text); the precomputed form in the
 * descriptor is deliberately ignored. As Go: a name already canonical is used as it is, one
 * that is not is canonicalised into a copy. */
static int canonical_set_text(struct canonical_state *state, const char *text, size_t length,
                              const char *value, size_t value_length)
{
    int check = hp_header_name_check(text, length);
    if (check < 0 || !hp_header_value_valid(value, value_length))
        return HP_HEADER_INVALID;
    struct hp_header_table *table = &state->table;
    const char *name = text;
    uint32_t copied = 0;
    if (check > 0) {
        if (table->arena_used + length > sizeof table->arena)
            return HP_HEADER_FULL;
        char *canonical = table->arena + table->arena_used;
        hp_header_canonicalise(canonical, text, length);
        name = canonical;
        copied = (uint32_t)length;
    }
    uint32_t count_before = table->count;
    int result = hp_header_table_put(table, name, length, value, value_length);
    if (table->count != count_before) /* a new entry keeps the copy; a replacement does not */
        table->arena_used += copied;
    return result;
}

static void canonical_begin(struct hp_header_state *header_state, const struct hp_header_plan *plan)
{
    struct canonical_state *state = (struct canonical_state *)header_state->bytes;
    hp_header_table_reset(&state->table);
    if (!plan)
        return;
    /* The plan's constants were validated when it was made; they cannot fail here. */
    for (size_t i = 0; i < plan->count; i++)
        (void)canonical_set_text(state, plan->names[i].text, plan->names[i].length, plan->values[i],
                                 plan->value_lengths[i]);
}

static int canonical_set(struct hp_header_state *header_state, const struct hp_header_name *name,
                         const char *value, size_t value_length)
{
    return canonical_set_text((struct canonical_state *)header_state->bytes, name->text,
                              name->length, value, value_length);
}

static size_t canonical_block_length(const struct hp_header_state *header_state)
{
    return ((const struct canonical_state *)header_state->bytes)->table.block_length;
}

static unsigned char *canonical_write_block(const struct hp_header_state *header_state,
                                            unsigned char *out)
{
    return hp_header_table_write(&((const struct canonical_state *)header_state->bytes)->table,
                                 out);
}

static int canonical_emit_lines(const struct hp_header_state *header_state, struct hp_sink *sink)
{
    return hp_header_table_emit(&((const struct canonical_state *)header_state->bytes)->table,
                                sink);
}

const struct hp_header_writer_ops hp_header_writer_canonical = {
    .info = {"canonical", "every set validates + canonicalises the name into a per-request "
                          "table (Go net/http Header.Set)"},
    .plan_create = canonical_plan_create,
    .plan_destroy = hp_header_plan_free,
    .begin = canonical_begin,
    .set = canonical_set,
    .block_length = canonical_block_length,
    .write_block = canonical_write_block,
    .emit_lines = canonical_emit_lines,
};
