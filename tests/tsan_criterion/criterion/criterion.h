/* A stand-in for the subset of Criterion's API that hotpath's tests use, for the ThreadSanitizer
 * build only.
 *
 * Why: Criterion 2.4 cannot start under ThreadSanitizer (its BoxFort arena cannot find address
 * space next to TSan's shadow mappings: "Could not initialize inheritable arena", Criterion
 * issue #274). The Tsan build compiles the same test files against this header instead, so every
 * test also runs under TSan. Semantics kept: each Test runs in its own forked process (a crash or
 * a failed assertion fails that test only), cr_assert* stops the test, cr_expect* records and
 * continues, .init/.fini fixtures, .disabled. Not provided: theories, parameterized tests,
 * report hooks, timeouts.
 */
#ifndef HOTPATH_TSAN_CRITERION_H
#define HOTPATH_TSAN_CRITERION_H

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct shim_test_options {
    void (*init)(void);
    void (*fini)(void);
    bool disabled;
    const char *description;
    double timeout;
    int exit_code;
    int signal;
};

struct shim_test {
    const char *suite;
    const char *name;
    void (*fn)(void);
    struct shim_test_options options;
    struct shim_test *next;
};

void shim_register(struct shim_test *t);
/* No format attribute: an assertion without a message passes "" as its format. */
void shim_fail(bool fatal, const char *file, int line, const char *what, const char *fmt, ...);
void shim_log(const char *level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void shim_skip(const char *fmt, ...);

#define Test(suite_, name_, ...)                                                                \
    static void shim_fn_##suite_##_##name_(void);                                               \
    static struct shim_test shim_test_##suite_##_##name_ = {                                    \
        #suite_, #name_, shim_fn_##suite_##_##name_, {__VA_ARGS__}, NULL};                      \
    __attribute__((constructor)) static void shim_reg_##suite_##_##name_(void)                  \
    {                                                                                           \
        shim_register(&shim_test_##suite_##_##name_);                                           \
    }                                                                                           \
    static void shim_fn_##suite_##_##name_(void)

#define TestSuite(...)

/* The optional message of an assertion: "" when none is given. */
#define SHIM_MSG(...) "" __VA_ARGS__

#define SHIM_CHECK(fatal, cond, what, ...)                                                      \
    do {                                                                                        \
        if (!(cond))                                                                            \
            shim_fail(fatal, __FILE__, __LINE__, what, SHIM_MSG(__VA_ARGS__));                  \
    } while (0)

#define cr_assert(cond, ...)        SHIM_CHECK(true, (cond), #cond, __VA_ARGS__)
#define cr_expect(cond, ...)        SHIM_CHECK(false, (cond), #cond, __VA_ARGS__)
#define cr_assert_not(cond, ...)    SHIM_CHECK(true, !(cond), "!(" #cond ")", __VA_ARGS__)
#define cr_expect_not(cond, ...)    SHIM_CHECK(false, !(cond), "!(" #cond ")", __VA_ARGS__)
#define cr_assert_fail(...)         SHIM_CHECK(true, false, "failure", __VA_ARGS__)
#define cr_expect_fail(...)         SHIM_CHECK(false, false, "failure", __VA_ARGS__)

#define SHIM_CMP(fatal, a, op, b, ...)                                                          \
    SHIM_CHECK(fatal, ((a)op(b)), #a " " #op " " #b, __VA_ARGS__)

#define cr_assert_eq(a, b, ...)     SHIM_CMP(true, a, ==, b, __VA_ARGS__)
#define cr_assert_neq(a, b, ...)    SHIM_CMP(true, a, !=, b, __VA_ARGS__)
#define cr_assert_lt(a, b, ...)     SHIM_CMP(true, a, <, b, __VA_ARGS__)
#define cr_assert_leq(a, b, ...)    SHIM_CMP(true, a, <=, b, __VA_ARGS__)
#define cr_assert_gt(a, b, ...)     SHIM_CMP(true, a, >, b, __VA_ARGS__)
#define cr_assert_geq(a, b, ...)    SHIM_CMP(true, a, >=, b, __VA_ARGS__)
#define cr_expect_eq(a, b, ...)     SHIM_CMP(false, a, ==, b, __VA_ARGS__)
#define cr_expect_neq(a, b, ...)    SHIM_CMP(false, a, !=, b, __VA_ARGS__)
#define cr_expect_lt(a, b, ...)     SHIM_CMP(false, a, <, b, __VA_ARGS__)
#define cr_expect_leq(a, b, ...)    SHIM_CMP(false, a, <=, b, __VA_ARGS__)
#define cr_expect_gt(a, b, ...)     SHIM_CMP(false, a, >, b, __VA_ARGS__)
#define cr_expect_geq(a, b, ...)    SHIM_CMP(false, a, >=, b, __VA_ARGS__)

#define cr_assert_null(p, ...)      SHIM_CHECK(true, (p) == NULL, #p " == NULL", __VA_ARGS__)
#define cr_assert_not_null(p, ...)  SHIM_CHECK(true, (p) != NULL, #p " != NULL", __VA_ARGS__)
#define cr_expect_null(p, ...)      SHIM_CHECK(false, (p) == NULL, #p " == NULL", __VA_ARGS__)
#define cr_expect_not_null(p, ...)  SHIM_CHECK(false, (p) != NULL, #p " != NULL", __VA_ARGS__)

#define SHIM_STR(fatal, a, op, b, ...)                                                          \
    SHIM_CHECK(fatal, strcmp((a), (b)) op 0, #a " " #op " " #b " (as strings)", __VA_ARGS__)
#define cr_assert_str_eq(a, b, ...)  SHIM_STR(true, a, ==, b, __VA_ARGS__)
#define cr_assert_str_neq(a, b, ...) SHIM_STR(true, a, !=, b, __VA_ARGS__)
#define cr_expect_str_eq(a, b, ...)  SHIM_STR(false, a, ==, b, __VA_ARGS__)
#define cr_expect_str_neq(a, b, ...) SHIM_STR(false, a, !=, b, __VA_ARGS__)
#define cr_assert_str_empty(s, ...)  SHIM_CHECK(true, *(s) == '\0', #s " is empty", __VA_ARGS__)
#define cr_expect_str_empty(s, ...)  SHIM_CHECK(false, *(s) == '\0', #s " is empty", __VA_ARGS__)
#define cr_assert_str_not_empty(s, ...)                                                         \
    SHIM_CHECK(true, *(s) != '\0', #s " is not empty", __VA_ARGS__)
#define cr_expect_str_not_empty(s, ...)                                                         \
    SHIM_CHECK(false, *(s) != '\0', #s " is not empty", __VA_ARGS__)

#define SHIM_FLOAT_EQ(fatal, a, b, eps, ...)                                                    \
    SHIM_CHECK(fatal, ((a) - (b) <= (eps)) && ((b) - (a) <= (eps)),                             \
               #a " == " #b " within " #eps, __VA_ARGS__)
#define cr_assert_float_eq(a, b, eps, ...)  SHIM_FLOAT_EQ(true, a, b, eps, __VA_ARGS__)
#define cr_expect_float_eq(a, b, eps, ...)  SHIM_FLOAT_EQ(false, a, b, eps, __VA_ARGS__)
#define cr_assert_float_neq(a, b, eps, ...) SHIM_CHECK(true, !(((a) - (b) <= (eps)) && ((b) - (a) <= (eps))), #a " != " #b, __VA_ARGS__)

#define cr_log_info(...)  shim_log("info", __VA_ARGS__)
#define cr_log_warn(...)  shim_log("warn", __VA_ARGS__)
#define cr_log_error(...) shim_log("error", __VA_ARGS__)
#define cr_skip_test(...) shim_skip(SHIM_MSG(__VA_ARGS__))

#endif
