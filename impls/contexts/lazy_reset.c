/* lazy_reset: the inline layout; release clears only the slots the request used and the
 * header's counts.
 *
 * Technique: Gin's c.reset(), which truncates c.Params and the handler chain to length zero
 * and leaves the rest of the object as it was.
 * Claims: C4 (a reset that does not grow with the context: acquire + release of an unused
 * context costs the same whatever its size).
 * Difference from its reference (inline): reset clears [0, count) of each slot array instead
 * of the whole object.
 */
#include "contexts/inline_layout.h"

#include <string.h>

static void lazy_reset(struct hp_context *ctx, size_t bytes)
{
    (void)bytes;
    hp_context_free_overflow(ctx);
    for (int k = 0; k < HP_CONTEXT_KINDS; k++) {
        struct hp_context_slots *s = &ctx->slots[k];
        /* After an overflow, items pointed at the freed array; those slots were never
         * written, so there is nothing of this request in the inline ones. */
        void *inline_slots = hp_inline_slots(ctx, (enum hp_context_kind)k);
        if (s->items == inline_slots && s->count)
            memset(inline_slots, 0, (size_t)s->count * hp_context_slot_size[k]);
        s->count = 0;
    }
    ctx->flags = 0;
    ctx->request = NULL;
    ctx->user = NULL;
}

const struct hp_context_ops hp_context_lazy_reset = {
    .info = {"lazy_reset", "1.3 KB inline layout; release clears only what was used (Gin)"},
    .object_size = sizeof(struct hp_inline_context),
    .uses_blocks = false,
    .init = hp_inline_init,
    .attach = hp_inline_attach,
    .reset = lazy_reset,
};
