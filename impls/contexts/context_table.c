/* The context axis: every implementation, in the order `hotpath list` shows them. */
#include "registry.h"
#include "contexts/context.h"

const struct hp_impl_info *const hp_context_table[] = {
    &hp_context_inline.info,
    &hp_context_split.info,
    &hp_context_lazy_reset.info,
    NULL,
};
