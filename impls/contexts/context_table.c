/* The context axis: every implementation, in the order `hotpath list` shows them.
 * To add one: write impls/contexts/NAME.c defining `const struct hp_context_ops hp_context_NAME`
 * (contexts/context.h says what each operation must do), declare it below and list
 * `&hp_context_NAME.info` in the table. tests/test_contexts.c runs it without being named. */
#include "registry.h"
#include "contexts/context.h"

extern const struct hp_context_ops hp_context_inline;
extern const struct hp_context_ops hp_context_split;
extern const struct hp_context_ops hp_context_lazy_reset;

const struct hp_impl_info *const hp_context_table[] = {
    &hp_context_inline.info,
    &hp_context_split.info,
    &hp_context_lazy_reset.info,
    NULL,
};
