/* The part of Criterion's parameterized tests the test files use, for the Tsan build (see
 * criterion.h here): ParameterizedTestParameters, ParameterizedTest, cr_make_param_array,
 * cr_malloc and cr_free. The test is one shim test that runs each parameter in a forked child
 * of its own, so that a skipped or failed parameter does not end the others. */
#ifndef HOTPATH_TSAN_CRITERION_PARAMETERIZED_H
#define HOTPATH_TSAN_CRITERION_PARAMETERIZED_H

#include <stddef.h>
#include <stdlib.h>

#include "criterion.h"

struct criterion_test_params {
    size_t size;
    void *params;
    size_t length;
    void (*cleanup)(struct criterion_test_params *);
};

#define cr_malloc malloc
#define cr_free   free
#define cr_make_param_array(Type, Array, Len, ...)                                                 \
    ((struct criterion_test_params){sizeof(Type), (void *)(Array), (Len), __VA_ARGS__})

/* Runs fn(param) in a forked child; a child that fails or crashes fails the calling test, one
 * that skips (exit 77) does not. */
void shim_run_parameter(void (*fn)(void *), void *param, size_t index);

#define ParameterizedTestParameters(suite_, name_)                                                 \
    static struct criterion_test_params shim_params_##suite_##_##name_(void)

#define ParameterizedTest(param_, suite_, name_, ...)                                              \
    static void shim_pfn_##suite_##_##name_(param_);                                               \
    static void shim_pcall_##suite_##_##name_(void *p)                                             \
    {                                                                                              \
        shim_pfn_##suite_##_##name_(p);                                                            \
    }                                                                                              \
    Test(suite_, name_, __VA_ARGS__)                                                               \
    {                                                                                              \
        struct criterion_test_params ps = shim_params_##suite_##_##name_();                        \
        for (size_t i = 0; i < ps.length; i++)                                                     \
            shim_run_parameter(shim_pcall_##suite_##_##name_, (char *)ps.params + i * ps.size, i); \
        if (ps.cleanup)                                                                            \
            ps.cleanup(&ps);                                                                       \
    }                                                                                              \
    static void shim_pfn_##suite_##_##name_(param_)

#endif
