/* Every implementation declares its fidelity (impls/registry.h): what it models, its reference
 * one decision away (an implementation of the same axis, reached without a cycle), and the
 * bound of a gain measured from that reference; hp_step_bound combines the declared steps. */
#include <criterion/criterion.h>
#include <string.h>

#include "registry.h"

Test(registry, every_implementation_declares_its_fidelity)
{
    size_t declared = 0;
    for (int axis = 0; axis < HP_AXIS_COUNT; axis++) {
        const struct hp_axis *a = hp_axis_get(axis);
        for (const struct hp_impl_info *const *it = a->impls; *it; it++) {
            const struct hp_impl_info *impl = *it;
            cr_assert(impl->models && impl->models[0], "%s/%s: no models", a->name, impl->name);
            cr_assert(impl->bound_reason && impl->bound_reason[0], "%s/%s: no bound reason",
                      a->name, impl->name);
            cr_assert_leq(impl->bound, HP_GAIN_UNDECLARED);
            if (impl->reference) {
                const struct hp_impl_info *reference = hp_impl_find(axis, impl->reference);
                cr_assert_not_null(reference, "%s/%s: reference %s is not a %s", a->name,
                                   impl->name, impl->reference, a->name);
                cr_assert_neq(reference, impl, "%s/%s is its own reference", a->name, impl->name);
            }
            /* The chain of references ends at a reference within the axis's size. */
            const struct hp_impl_info *up = impl;
            size_t steps = 0;
            while (up->reference && steps <= hp_axis_impl_count(axis)) {
                up = hp_impl_find(axis, up->reference);
                steps++;
            }
            cr_assert_null(up->reference, "%s/%s: its references form a cycle", a->name,
                           impl->name);
            declared++;
        }
    }
    cr_assert_gt(declared, 30);
}

static enum hp_gain_bound step(enum hp_axis_id axis, const char *from, const char *to)
{
    const struct hp_impl_info *a = hp_impl_find(axis, from), *b = hp_impl_find(axis, to);
    cr_assert(a && b, "%s or %s unknown", from, to);
    return hp_step_bound(axis, a, b);
}

Test(registry, step_bounds_follow_the_declared_chains)
{
    /* One declared step, either direction. */
    cr_assert_eq(step(HP_AXIS_HEADER_WRITER, "canonical", "precomputed"), HP_GAIN_LIKE_FOR_LIKE);
    cr_assert_eq(step(HP_AXIS_HEADER_WRITER, "precomputed", "preallocated"), HP_GAIN_LOWER_BOUND);
    cr_assert_eq(step(HP_AXIS_HEADER_WRITER, "preallocated", "precomputed"), HP_GAIN_LOWER_BOUND);
    /* Two steps through a common reference: lower + like = lower. */
    cr_assert_eq(step(HP_AXIS_HEADER_WRITER, "canonical_lower", "precomputed"),
                 HP_GAIN_LOWER_BOUND);
    /* A chain of like-for-like steps. */
    cr_assert_eq(step(HP_AXIS_ROUTER, "rwlock_map", "cow_split"), HP_GAIN_LIKE_FOR_LIKE);
    cr_assert_eq(step(HP_AXIS_POOL, "tls_cache", "tls_cache"), HP_GAIN_LIKE_FOR_LIKE);
    /* Steps bounded in opposite directions: lower (the static-first probe saves a cheaper walk)
     * then upper (C10's spill is one array where the seed's is a map). */
    cr_assert_eq(step(HP_AXIS_ROUTER, "radix_static_first", "radix_heap_params"),
                 HP_GAIN_UNBOUNDED);
    /* The oracle models nothing. */
    cr_assert_eq(step(HP_AXIS_ROUTER, "linear", "radix"), HP_GAIN_UNDECLARED);
}
