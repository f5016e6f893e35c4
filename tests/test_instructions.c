/* Instruction counts: callgrind dump files read back into per-op figures, and (Release build,
 * valgrind installed) `hotpath run --instructions` repeating to the last digit. */
#include "results_fixture.h"

#include "instructions.h"
#include "skip_unless_callgrind.h"
#include "results_read.h"

Test(instructions, dumps_are_matched_to_cases_by_name, .init = fx_setup, .fini = fx_teardown)
{
    fx_write_text("callgrind.out.1", "version: 1\ncreator: callgrind\ncmd: hotpath run\npart: 1\n"
                                     "desc: Trigger: Client Request: demo/x/threads=2\n"
                                     "events: Ir\nsummary: 123456\ntotals: 123456\n");
    fx_write_text("callgrind.out.2", "version: 1\npart: 2\n"
                                     "desc: Trigger: Client Request: null/threads=1\n"
                                     "events: Ir\ntotals: 3022\n");
    fx_write_text("callgrind.out", "version: 1\ndesc: Trigger: Program termination\n"
                                   "events: Ir\ntotals: 0\n");
    fx_write_text("unrelated.txt", "desc: Trigger: Client Request: null/threads=1\ntotals: 9\n");
    struct hp_case cases[3];
    memset(cases, 0, sizeof cases);
    strcpy(cases[0].name, "demo/x/threads=2");
    cases[0].threads = 2;
    strcpy(cases[1].name, "null/threads=1");
    cases[1].threads = 1;
    strcpy(cases[2].name, "demo/never-dumped/threads=1");
    cases[2].threads = 1;
    struct hp_run run = {.cases = cases, .case_count = 3};
    struct hp_error err = {{0}};
    cr_assert_eq(hp_instructions_read_dumps(fx_dir, &run, 1000, &err), 0, "%s", err.message);
    cr_assert_float_eq(cases[0].instructions_per_op, 123456.0 / 2000.0, 1e-12);
    cr_assert_str_eq(cases[0].instructions_source, "callgrind");
    cr_assert_float_eq(cases[1].instructions_per_op, 3.022, 1e-12);
    cr_assert_null(cases[2].instructions_source, "a case without a dump has no count");
    cr_assert_eq(hp_instructions_read_dumps("/nonexistent/dir", &run, 1000, &err), -1);
    cr_assert(strstr(err.message, "/nonexistent/dir") != NULL, "%s", err.message);
}

/* The instruction count of `name` in fx_dir/DIR/results.json. */
static double counted(const char *dir, const char *name, const char **source)
{
    struct hp_results r;
    struct hp_error err = {{0}};
    cr_assert_eq(hp_results_read(fx_path(dir), &r, &err), 0, "%s", err.message);
    const struct hp_result_case *c = hp_results_find(&r, name);
    cr_assert_not_null(c, "%s not in %s", name, dir);
    double v = c->instructions;
    static char src[32];
    snprintf(src, sizeof src, "%s", c->instructions_source ? c->instructions_source : "");
    *source = src;
    hp_results_free(&r);
    return v;
}

Test(instructions, run_counts_repeat_to_the_last_digit, .init = fx_setup, .fini = fx_teardown)
{
    skip_unless_callgrind();
    const char *args = "run --quiet --workload demo/allocs-0,demo/allocs-1,demo/fnv64 --samples 3 "
                       "--target-time 1ms --instructions --instructions-ops 500 --out";
    char command[512];
    for (int i = 1; i <= 2; i++) {
        snprintf(command, sizeof command, "%s run%d", args, i);
        cr_assert_eq(fx_hotpath(command), 0, "%s", fx_read("err"));
    }
    const char *names[] = {"demo/allocs-0/threads=1", "demo/allocs-1/threads=1",
                           "demo/fnv64/threads=1"};
    double first[3];
    for (int k = 0; k < 3; k++) {
        const char *source;
        first[k] = counted("run1", names[k], &source);
        cr_assert_str_eq(source, "callgrind");
        cr_assert_gt(first[k], 0);
        double again = counted("run2", names[k], &source);
        cr_assert_eq(first[k], again, "%s: %.6f then %.6f", names[k], first[k], again);
    }
    /* 64 dependent multiply-xor steps cost more than an empty loop or one malloc/free */
    cr_assert_gt(first[2], 64 * 2);
    cr_assert_gt(first[1], first[0]);
}
