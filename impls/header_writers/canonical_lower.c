/* canonical_lower: canonical, with every name spelled in lower case by the framework's setter.
 *
 * Models: Bolt's Context.SetHeaderBytes before phase 1 (seed 001: CanonicalMIMEHeaderKey
 * "canonicalizes content-type -> Content-Type", 13% of the static request's profile, plus
 * validHeaderFieldByte 10%): the framework's own header constants are lower case, so Go's
 * quick check fails on the first byte and canonicalMIMEHeaderKey (net/textproto/reader.go)
 * validates the name again, canonicalises a copy, looks it up in commonHeader and allocates a
 * string for names not there. The spelling is the framework setter's, not the application's,
 * which is why it is a header writer: the pipeline and the workloads always pass canonical
 * names, and this writer sets the descriptor's lower-case form (made once, as Bolt's []byte
 * constants are).
 * Claims: the reference of C1 as Bolt had it (canonical_lower -> precomputed).
 * Difference from its reference (canonical): names spelled in lower case, so every set also
 * canonicalises the name into a copy (the state's arena).
 * Cheaper than Go: the copy goes into an arena, not a new string; no second validation pass and
 * no commonHeader lookup; plus canonical's departures (table in caller memory, jemalloc).
 */
#include "header_writers/header_common.h"

static struct hp_header_plan *lower_plan_create(const struct hp_header_field *constants,
                                                size_t count, struct hp_error *err)
{
    return hp_header_plan_copy(constants, count, false, err);
}

/* A refused descriptor has no lower-case form: its text goes to the check, which refuses it. */
static const char *lower_spelling(const struct hp_header_name *name)
{
    return name->canonical_length ? name->lower : name->text;
}

static void lower_begin(struct hp_header_state *state, const struct hp_header_plan *plan)
{
    struct hp_header_table *table = hp_header_table_of(state);
    hp_header_table_reset(table);
    for (size_t i = 0; plan && i < plan->count; i++)
        (void)hp_header_canonical_set_text(table, plan->names[i].lower, plan->names[i].length,
                                           plan->values[i].value, plan->values[i].length);
}

static int lower_set(struct hp_header_state *state, const struct hp_header_name *name,
                     const char *value, size_t value_length)
{
    return hp_header_canonical_set_text(hp_header_table_of(state), lower_spelling(name),
                                        name->length, value, value_length);
}

const struct hp_header_writer_ops hp_header_writer_canonical_lower = {
    .info =
        {
            .name = "canonical_lower",
            .summary = "canonical with lower-case names: every set also canonicalises a copy "
                       "(Bolt's SetHeaderBytes)",
            .models = "Bolt's Context.SetHeaderBytes before 1.1: lower-case names through "
                      "Header.Set, so canonicalMIMEHeaderKey copies each (seed 001, 1.1)",
            .reference = "canonical",
            .bound = HP_GAIN_LOWER_BOUND,
            .bound_reason = "the copy goes to an arena where Go allocates a string, and Go's "
                            "second validation pass and commonHeader lookup are left out",
        },
    .plan_create = lower_plan_create,
    .plan_destroy = hp_header_plan_free,
    .begin = lower_begin,
    .set = lower_set,
    .end = hp_header_table_end,
    .block_length = hp_header_table_block_length,
    .write_block = hp_header_table_write,
    .emit_lines = hp_header_table_emit,
};
