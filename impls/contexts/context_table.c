/* The context axis's table, in the order `hotpath list` shows it (context_list.h).
 * To add one: write impls/contexts/NAME.c defining `const struct hp_context_ops hp_context_NAME`
 * (contexts/context.h says what each operation must do), and add its line,
 * HP_IMPL(hp_context_NAME), to context_list.h. tests/test_contexts.c runs it without being named.
 */
#include "registry.h"
#include "contexts/context.h"

const struct hp_impl_info *const hp_context_table[] = {
#define HP_IMPL(symbol) &symbol.info,
#include "contexts/context_list.h"
#undef HP_IMPL
    NULL,
};
