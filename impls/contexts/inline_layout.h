/* The ~1.3 KB layout the inline and lazy_reset contexts share: the hot fields, then every
 * slot inline (Bolt's context: paramsBuf[8], queryParamsBuf[16] and its store). The two
 * differ only in what release clears. */
#ifndef HOTPATH_INLINE_LAYOUT_H
#define HOTPATH_INLINE_LAYOUT_H

#include "contexts/context.h"

struct hp_inline_context {
    struct hp_context hot;
    struct hp_param params[HP_CONTEXT_PARAM_SLOTS];
    struct hp_query_param query[HP_CONTEXT_QUERY_SLOTS];
    struct hp_context_local locals[HP_CONTEXT_LOCAL_SLOTS];
    /* the env's extra_bytes follow */
};

static inline void *hp_inline_slots(struct hp_context *ctx, enum hp_context_kind kind)
{
    struct hp_inline_context *c = (struct hp_inline_context *)ctx;
    switch (kind) {
    case HP_CONTEXT_PARAMS:
        return c->params;
    case HP_CONTEXT_QUERY:
        return c->query;
    default:
        return c->locals;
    }
}

static inline int hp_inline_attach(struct hp_context *ctx, enum hp_context_kind kind)
{
    ctx->slots[kind].items = hp_inline_slots(ctx, kind);
    ctx->slots[kind].capacity = hp_context_slot_count[kind];
    return 0;
}

/* Every per-request field of the header to its empty value, slots pointed inline. */
static inline void hp_inline_init(struct hp_context *ctx)
{
    hp_context_clear_fields(ctx);
    for (int k = 0; k < HP_CONTEXT_KINDS; k++)
        ctx->slots[k] = (struct hp_context_slots){hp_inline_slots(ctx, (enum hp_context_kind)k), 0,
                                                  hp_context_slot_count[k], NULL, NULL};
}

#endif
