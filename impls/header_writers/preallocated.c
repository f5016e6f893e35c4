/* preallocated: the route's constant values are holders made once, when the plan is made; the
 * map writes stay.
 *
 * Models: Bolt 1.3's pre-allocated response headers (seed 001, 1.3: var commonHeaders =
 * map[string][]string{"Content-Type": {"application/json"}, ...}, "Setting headers allocates
 * map entries"), which is what Gin does for its content types (render/render.go
 * writeContentType: header["Content-Type"] = jsonContentType, a package-level []string).
 * Claims: C2.
 * Difference from its reference (precomputed): a constant's set takes the plan's holder instead
 * of allocating one; the same table, the same hashed insert per field. A per-request value
 * (Allow) still gets a new holder, as Bolt's variable headers still did.
 * Cheaper than Go: the table lives in caller memory (Go's map and bucket are allocated per
 * response either way), so the gain is the holder allocation alone, at jemalloc's price.
 */
#include "header_writers/header_common.h"

static struct hp_header_plan *preallocated_plan_create(const struct hp_header_field *constants,
                                                       size_t count, struct hp_error *err)
{
    return hp_header_plan_copy(constants, count, false, err);
}

static void preallocated_begin(struct hp_header_state *state, const struct hp_header_plan *plan)
{
    hp_header_table_begin(hp_header_table_of(state), plan, false);
}

static int preallocated_set(struct hp_header_state *state, const struct hp_header_name *name,
                            const char *value, size_t value_length)
{
    return hp_header_table_set_precomputed(hp_header_table_of(state), name, value, value_length);
}

const struct hp_header_writer_ops hp_header_writer_preallocated = {
    .info =
        {
            .name = "preallocated",
            .summary = "precomputed, the constants' value holders made once per route; map "
                       "writes stay (Bolt 1.3)",
            .models = "Bolt 1.3: pre-allocated []string header values assigned into the map "
                      "(seed 001, 1.3; Gin render.writeContentType)",
            .reference = "precomputed",
            .bound = HP_GAIN_LOWER_BOUND,
            .bound_reason = "the holder it no longer allocates costs a jemalloc malloc/free here, "
                            "mallocgc plus GC in Go",
        },
    .plan_create = preallocated_plan_create,
    .plan_destroy = hp_header_plan_free,
    .begin = preallocated_begin,
    .set = preallocated_set,
    .end = hp_header_table_end,
    .block_length = hp_header_table_block_length,
    .write_block = hp_header_table_write,
    .emit_lines = hp_header_table_emit,
};
