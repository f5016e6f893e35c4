/* Skips the calling test where callgrind cannot count: a sanitizer build (valgrind cannot run
 * it) or a machine without valgrind. */
#ifndef HOTPATH_TESTS_SKIP_UNLESS_CALLGRIND_H
#define HOTPATH_TESTS_SKIP_UNLESS_CALLGRIND_H

#include <criterion/criterion.h>

#include "instructions.h"

static inline void skip_unless_callgrind(void)
{
#if defined(HOTPATH_ASAN) || defined(HOTPATH_TSAN)
    cr_skip_test("valgrind cannot run sanitizer builds");
#else
    if (!hp_instructions_available())
        cr_skip_test("valgrind is not installed");
#endif
}

#endif
