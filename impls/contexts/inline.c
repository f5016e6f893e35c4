/* inline: the ~1.3 KB context with every slot inline, zeroed whole on release.
 *
 * Technique: Bolt's Context (paramsBuf[8], queryParamsBuf[16], a handler store) with its
 * FastReset clearing the whole struct before it goes back to sync.Pool.
 * Claims: C4 (context size: the reset was 27% of Bolt's profile), C10 (inline params).
 * Reference: this is the reference of the context axis.
 */
#include "contexts/inline_layout.h"

#include <string.h>

static void inline_reset(struct hp_context *ctx, size_t bytes)
{
    hp_context_free_overflow(ctx);
    memset(ctx, 0, bytes);
}

const struct hp_context_ops hp_context_inline = {
    .info =
        {
            .name = "inline",
            .summary = "1.3 KB context, 8 param/16 query slots inline, zeroed whole on release",
            .models = "Bolt's Context before 1.2 (seed 001: ~1.3 KB, paramsBuf[8], "
                      "queryParamsBuf[16]) zeroed whole by FastReset before sync.Pool.Put",
            .reference = NULL,
            .bound = HP_GAIN_LOWER_BOUND,
            .bound_reason = "a memset of the object where Bolt's FastReset (duffcopy, 27% of its "
                            "profile) costs more",
        },
    .object_size = sizeof(struct hp_inline_context),
    .uses_blocks = false,
    .init = hp_inline_init,
    .attach = hp_inline_attach,
    .reset = inline_reset,
};
