/* lazy_reset: the inline layout; release sets the slot counts to zero and clears nothing.
 *
 * Technique: Gin's c.reset(), which truncates c.Params, Errors and the handler chain to length
 * zero (c.Params = c.Params[:0]) and drops Keys and the query cache (nil): the backing arrays
 * keep their old contents, unreachable through the accessors.
 * Claims: C4 (a reset that does not grow with the context: acquire + release of an unused
 * context costs the same whatever its size).
 * Difference from its reference (inline): reset truncates the counts instead of zeroing the
 * whole object. Cheaper here: Go's truncation also leaves pointers for the GC to trace.
 */
#include "contexts/inline_layout.h"

static void lazy_reset(struct hp_context *ctx, size_t bytes)
{
    (void)bytes;
    hp_context_free_overflow(ctx);
    struct hp_context_slots *s = ctx->slots;
    s[HP_CONTEXT_PARAMS].count = 0;
    s[HP_CONTEXT_QUERY].count = 0;
    s[HP_CONTEXT_LOCALS].count = 0;
    ctx->flags = 0;
    ctx->request = NULL;
    ctx->user = NULL;
}

const struct hp_context_ops hp_context_lazy_reset = {
    .info =
        {
            .name = "lazy_reset",
            .summary = "1.3 KB inline layout; release truncates the counts (Gin)",
            .models = "Gin 1.8.1 context.go (*Context).reset: Params, handlers, Errors truncated "
                      "to length 0, the rest left as it is",
            .reference = "inline",
            .bound = HP_GAIN_LOWER_BOUND,
            .bound_reason = "truncating counts here costs less than Go's truncation, which leaves "
                            "pointers for the GC",
        },
    .object_size = sizeof(struct hp_inline_context),
    .uses_blocks = false,
    .init = hp_inline_init,
    .attach = hp_inline_attach,
    .reset = lazy_reset,
};
