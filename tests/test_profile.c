/* Profiles: callgrind dumps read into stacks and function tables, folded stacks that parse back,
 * flame graphs that are well-formed SVG with one rectangle per frame, differential profiles
 * that add up (and are empty against themselves), refusals; (Release build, valgrind
 * installed) `hotpath profile` on a case of known structure, against `run --instructions`, and
 * its calls per op; sampled profiles of the same case where perf_event_open may sample, and the
 * refusal where it may not. */
#include "results_fixture.h"

#include "files.h"
#include "flamegraph.h"
#include "instructions.h"
#include "skip_unless_callgrind.h"
#include "profile.h"
#include "profile_json.h"
#include "profile_match.h"
#include "profile_view.h"
#include "results_read.h"
#include "sampler.h"

/* A dump as `hotpath profile` gets it: contexts are call chains, names compressed. */
static const char dump[] =
    "# callgrind format\nversion: 1\npart: 1\n"
    "desc: Trigger: Client Request: demo/x/threads=1\n"
    "positions: line\nevents: Ir\nsummary: 1000\n\n"
    "fn=(1) " HP_PROFILE_ROOT_FRAME "'worker_entry'start_thread\n"
    "12 4\n"
    "cfn=(2) case_run'" HP_PROFILE_ROOT_FRAME "'worker_entry'start_thread\n"
    "calls=1 40\n"
    "13 996\n"
    "fn=(2)\n"
    "40 96\n+1 0\n"
    "cfn=(3) leaf_a'case_run'" HP_PROFILE_ROOT_FRAME "'worker_entry'start_thread\n"
    "calls=10 7\n"
    "* 300\n"
    "cfn=(4) leaf_b'case_run'" HP_PROFILE_ROOT_FRAME "'worker_entry'start_thread\n"
    "calls=10 9\n"
    "* 600\n"
    "fn=(3)\n7 300\n"
    "fn=(4)\n9 500\n-2 100\n"
    "fn=(5) start_thread\n"
    "cfn=(6) worker_entry'start_thread\ncalls=1 3\n3 1000\n"
    "totals: 1000\n";

static struct hp_profile read_dump(double ops)
{
    fx_write_text("callgrind.out.1", dump);
    struct hp_profile p;
    struct hp_error err = {{0}};
    cr_assert_eq(hp_profile_read_callgrind(fx_path("callgrind.out.1"), ops, &p, &err), 0, "%s",
                 err.message);
    return p;
}

static const struct hp_profile_function *function(const struct hp_profile *p, const char *name)
{
    for (size_t i = 0; i < p->function_count; i++)
        if (strcmp(p->functions[i].name, name) == 0)
            return &p->functions[i];
    cr_assert_fail("no function %s", name);
    return NULL;
}

Test(profile, callgrind_dump_gives_stacks_and_functions, .init = fx_setup, .fini = fx_teardown)
{
    struct hp_profile p = read_dump(10);
    cr_assert_str_eq(p.case_name, "demo/x/threads=1");
    cr_assert_float_eq(p.total[0], 100.0, 1e-9);
    cr_assert_eq(p.stack_count, 4);
    double sum = 0;
    for (size_t i = 0; i < p.stack_count; i++)
        sum += p.stacks[i].self[0];
    cr_assert_float_eq(sum, p.total[0], 1e-9, "the stacks add up to the total");
    const struct hp_profile_function *run = function(&p, "case_run"), *a = function(&p, "leaf_a"),
                                     *b = function(&p, "leaf_b"),
                                     *root = function(&p, HP_PROFILE_ROOT_FRAME);
    cr_assert_float_eq(root->inclusive[0], 100.0, 1e-9);
    cr_assert_float_eq(root->self[0], 0.4, 1e-9);
    cr_assert_float_eq(run->self[0], 9.6, 1e-9);
    cr_assert_float_eq(run->inclusive[0], 99.6, 1e-9);
    cr_assert_float_eq(a->self[0], 30.0, 1e-9);
    cr_assert_float_eq(b->self[0], 60.0, 1e-9);
    cr_assert_float_eq(a->calls, 1.0, 1e-9, "10 calls over 10 ops");
    for (size_t i = 0; i < p.function_count; i++)
        cr_assert_str_neq(p.functions[i].name, "start_thread", "not on a stack of the region");
    cr_assert_str_eq(p.functions[0].name, HP_PROFILE_ROOT_FRAME, "sorted by inclusive cost");
    hp_profile_free(&p);
}

Test(profile, malformed_dump_names_file_and_line, .init = fx_setup, .fini = fx_teardown)
{
    fx_write_text("bad.out", "events: Ir\ndesc: Trigger: Client Request: x\nfn=(7)\n1 2\n");
    struct hp_profile p;
    struct hp_error err = {{0}};
    cr_assert_eq(hp_profile_read_callgrind(fx_path("bad.out"), 1, &p, &err), -1);
    cr_assert(strstr(err.message, "bad.out:3:") != NULL, "%s", err.message);
    fx_write_text("exit.out", "events: Ir\ndesc: Trigger: Program termination\ntotals: 5\n");
    cr_assert_eq(hp_profile_read_callgrind(fx_path("exit.out"), 1, &p, &err), 1, "no case");
}

static int write_folded_file(FILE *f, const void *ctx)
{
    return hp_folded_write(f, ctx);
}

Test(profile, folded_stacks_parse_back, .init = fx_setup, .fini = fx_teardown)
{
    struct hp_profile p = read_dump(10);
    struct hp_error err = {{0}};
    cr_assert_eq(hp_file_write(fx_path("x.folded"), write_folded_file, &p, &err), 0);
    FILE *f = fopen(fx_path("x.folded"), "r");
    cr_assert_not_null(f);
    char line[1024];
    size_t lines = 0;
    double total = 0;
    while (fgets(line, sizeof line, f)) {
        char *space = strrchr(line, ' ');
        cr_assert_not_null(space, "%s", line);
        *space = '\0';
        char *end;
        double count = strtod(space + 1, &end);
        cr_assert(*end == '\n', "an integer count ends the line: %s", space + 1);
        bool found = false;
        for (size_t i = 0; i < p.stack_count; i++)
            if (strcmp(p.stacks[i].frames, line) == 0) {
                cr_assert_float_eq(count, p.stacks[i].self[0] * p.ops, 0.5, "%s", line);
                found = true;
            }
        cr_assert(found, "%s is a stack of the profile", line);
        cr_assert_eq(strncmp(line, HP_PROFILE_ROOT_FRAME ";", strlen(HP_PROFILE_ROOT_FRAME) + 1) ==
                             0 ||
                         strcmp(line, HP_PROFILE_ROOT_FRAME) == 0,
                     1, "rooted at the runner's frame: %s", line);
        total += count;
        lines++;
    }
    fclose(f);
    cr_assert_eq(lines, p.stack_count);
    cr_assert_float_eq(total, 1000, 1e-9);
    hp_profile_free(&p);
}

static size_t count_of(const char *text, const char *needle)
{
    size_t n = 0;
    for (const char *at = text; (at = strstr(at, needle)) != NULL; at++)
        n++;
    return n;
}

static void assert_well_formed(const char *name)
{
    if (system("command -v xmllint >/dev/null 2>&1") != 0)
        return; /* the frame count below still checks the structure */
    char command[512];
    snprintf(command, sizeof command, "xmllint --noout '%s'", fx_path(name));
    cr_assert_eq(system(command), 0, "%s is well-formed XML", name);
}

Test(profile, flame_graph_is_svg_with_one_rect_per_frame, .init = fx_setup, .fini = fx_teardown)
{
    struct hp_profile p = read_dump(10);
    struct hp_error err = {{0}};
    cr_assert_eq(hp_flamegraph_write(fx_path("x.svg"), &p, NULL, "a <title> & more", &err), 0);
    assert_well_formed("x.svg");
    const char *svg = fx_read("x.svg");
    /* Frames: all, root, case_run, leaf_a, leaf_b (every distinct call path) */
    cr_assert_eq(count_of(svg, "<rect x="), 5, "%s", svg);
    cr_assert(strstr(svg, "<title>leaf_b: 60.0 Ir/op (60.00%)</title>") != NULL, "%s", svg);
    cr_assert_eq(hp_flamegraph_write(fx_path("d.svg"), &p, &p, "self", &err), 0);
    assert_well_formed("d.svg");
    cr_assert_eq(count_of(fx_read("d.svg"), "<rect x="), 5);
    hp_profile_free(&p);
}

Test(profile, diff_adds_up_and_is_empty_against_itself, .init = fx_setup, .fini = fx_teardown)
{
    struct hp_profile old = read_dump(10), new_ = read_dump(10);
    struct hp_profile_change *changes;
    size_t count;
    cr_assert_eq(hp_profile_diff(&old, &new_, &changes, &count), 0);
    cr_assert_eq(count, 0, "a profile against itself: nothing moved");
    free(changes);
    /* leaf_b loses 20/op, a new leaf_c gains 5/op */
    double minus[HP_PROFILE_MAX_EVENTS] = {-200}, plus[HP_PROFILE_MAX_EVENTS] = {50};
    for (size_t i = 0; i < new_.stack_count; i++)
        if (strstr(new_.stacks[i].frames, "leaf_b"))
            new_.stacks[i].self[0] += minus[0] / new_.ops;
    cr_assert_eq(hp_profile_add_stack(&new_, HP_PROFILE_ROOT_FRAME ";case_run;leaf_c", plus), 0);
    new_.stacks[new_.stack_count - 1].self[0] /= new_.ops;
    new_.total[0] += (minus[0] + plus[0]) / new_.ops;
    cr_assert_eq(hp_profile_finish(&new_), 0);
    cr_assert_eq(hp_profile_diff(&old, &new_, &changes, &count), 0);
    cr_assert_eq(count, 2);
    cr_assert_str_eq(changes[0].name, "leaf_b", "the largest change first");
    double sum = 0;
    for (size_t i = 0; i < count; i++)
        sum += changes[i].new_self[0] - changes[i].old_self[0];
    cr_assert_float_eq(sum, new_.total[0] - old.total[0], 1e-9, "the changes add up");
    cr_assert_float_eq(sum, -15.0, 1e-9);
    free(changes);
    hp_profile_free(&old);
    hp_profile_free(&new_);
}

Test(profile, bad_input_is_refused_with_exit_2, .init = fx_setup, .fini = fx_teardown)
{
    cr_assert_eq(fx_hotpath("profile --workload no/such/case --out p"), 2);
    cr_assert(strstr(fx_read("err"), "no/such/case") != NULL, "%s", fx_read("err"));
    cr_assert_str_eq(fx_read("out"), "");
    cr_assert_eq(
        fx_hotpath_with("PATH=/nonexistent", "profile --workload demo/fnv64 --out p", "out"), 2);
    cr_assert(strstr(fx_read("err"), "valgrind") != NULL, "%s", fx_read("err"));
    cr_assert_eq(access(fx_path("p"), F_OK), -1, "nothing written");
    cr_assert_eq(access(fx_path("p.partial"), F_OK), -1, "nothing written");
    fx_write_text("bad.json", "{\"format\": \"hotpath-profile\", \"version\": 1, \"cases\": [\n"
                              "{\"name\": \"x\"}]}\n");
    cr_assert_eq(fx_hotpath("profile --diff bad.json bad.json"), 2);
    cr_assert(strstr(fx_read("err"), "bad.json") != NULL, "%s", fx_read("err"));
    cr_assert_eq(fx_hotpath("profile --diff missing.json bad.json"), 2);
}

/* A case the callgrind child refuses (a bad route file, found at its setup) is refused as the
 * child said it: exit 2, its message alone, no profile directory. */
Test(profile, a_case_the_child_refuses_is_refused_as_it_said, .init = fx_setup, .fini = fx_teardown)
{
    skip_unless_callgrind();
    cr_assert_eq(mkdir(fx_path("routes"), 0755), 0);
    fx_write_text("routes/gplus.routes", "GET /a\nFROB /b\n");
    char args[512];
    snprintf(args, sizeof args,
             "profile --workload router/gplus/all --router radix --workloads-dir %s --out p",
             fx_dir);
    cr_assert_eq(fx_hotpath(args), 2, "%s", fx_read("err"));
    const char *err = fx_read("err");
    cr_assert(strncmp(err, "hotpath: router/gplus/all/", 26) == 0 &&
                  strstr(err, "routes/gplus.routes:2: unknown method 'FROB'") &&
                  strchr(err, '\n') == err + strlen(err) - 1,
              "%s", err);
    cr_assert_eq(access(fx_path("p"), F_OK), -1, "a profile directory was made");
    cr_assert_eq(access(fx_path("p.partial"), F_OK), -1, "a partial directory was left");
}

Test(profile, missing_phase_is_refused, .init = fx_setup, .fini = fx_teardown)
{
    struct hp_profile p = read_dump(10);
    snprintf(p.case_name, sizeof p.case_name, "demo/x/threads=1/phase=baseline");
    struct hp_profile_set set = {.profiles = &p, .count = 1};
    struct hp_error err = {{0}};
    cr_assert_eq(hp_profile_json_write(fx_dir, &set, &err), 0, "%s", err.message);
    cr_assert_eq(fx_hotpath("profile --diff . baseline baseline"), 0, "%s", fx_read("err"));
    cr_assert(strstr(fx_read("out"), "0 functions changed") != NULL, "%s", fx_read("out"));
    cr_assert_eq(fx_hotpath("profile --diff . baseline phase9"), 2);
    cr_assert(strstr(fx_read("err"), "phase9") != NULL, "%s", fx_read("err"));
    hp_profile_free(&p);
}

/* A profile of demo/work-1x3x (Release build, valgrind installed): the shares of its two
 * functions, and the total against `run --instructions`. */
Test(profile, known_structure_and_total_equal_instructions, .init = fx_setup, .fini = fx_teardown)
{
    skip_unless_callgrind();
    cr_assert_eq(fx_hotpath("profile --workload demo/work-1x3x --instructions-ops 300 --out p"), 0,
                 "%s", fx_read("err"));
    cr_assert_eq(fx_hotpath("run --quiet --workload demo/work-1x3x --samples 1 --target-time 1ms "
                            "--instructions --instructions-ops 300 --out r"),
                 0, "%s", fx_read("err"));
    struct hp_profile_set set;
    struct hp_error err = {{0}};
    cr_assert_eq(hp_profile_json_read(fx_path("p"), &set, &err), 0, "%s", err.message);
    const struct hp_profile *p = NULL;
    for (size_t i = 0; i < set.count; i++)
        if (strcmp(set.profiles[i].case_name, "demo/work-1x3x/threads=1") == 0)
            p = &set.profiles[i];
    cr_assert_not_null(p);
    double once = function(p, "demo_work_once")->inclusive[0];
    double thrice = function(p, "demo_work_thrice")->inclusive[0];
    cr_assert_float_eq(thrice / (once + thrice), 0.75, 0.01, "%.1f and %.1f", once, thrice);
    struct hp_results r;
    cr_assert_eq(hp_results_read(fx_path("r"), &r, &err), 0, "%s", err.message);
    const struct hp_result_case *c = hp_results_find(&r, "demo/work-1x3x/threads=1");
    cr_assert_float_eq(p->total[0], c->instructions, 1e-3, "profile %.3f, --instructions %.3f",
                       p->total[0], c->instructions);
    hp_results_free(&r);
    assert_well_formed("p/demo_work-1x3x_threads-1.svg");
    cr_assert_neq(access(fx_path("p/demo_work-1x3x_threads-1.callgrind.out"), R_OK), -1);
    cr_assert_neq(access(fx_path("p/demo_work-1x3x_threads-1.folded"), R_OK), -1);
    hp_profile_set_free(&set);
}

/* The main job's profiling step in small (Release build, valgrind installed): a flame graph per
 * phase in the report, and per step the functions that moved, in report.md and phases.md. */
Test(profile, report_shows_flame_graphs_and_movers_per_step, .init = fx_setup, .fini = fx_teardown)
{
    skip_unless_callgrind();
    const char *selection = "--phases bolt.phases --workload request/static --threads 1 --mode "
                            "batch";
    char command[512];
    snprintf(command, sizeof command, "run --quiet %s --samples 2 --target-time 1ms --out R",
             selection);
    cr_assert_eq(fx_hotpath(command), 0, "%s", fx_read("err"));
    snprintf(command, sizeof command, "profile %s --instructions-ops 200 --out R/profile",
             selection);
    cr_assert_eq(fx_hotpath(command), 0, "%s", fx_read("err"));
    cr_assert_eq(fx_hotpath("report R"), 0, "%s", fx_read("err"));
    /* the plan's first step, whatever its phases are called */
    struct hp_profile_set set;
    struct hp_error err = {{0}};
    cr_assert_eq(hp_profile_json_read(fx_path("R/profile"), &set, &err), 0, "%s", err.message);
    cr_assert_geq(set.count, 3);
    size_t profiled = set.count;
    char first[128], second[128], step[400];
    hp_profile_case_phase(set.profiles[0].case_name, first, sizeof first);
    hp_profile_case_phase(set.profiles[1].case_name, second, sizeof second);
    hp_profile_set_free(&set);
    snprintf(step, sizeof step, "### request/static/threads=1: %s -> %s", first, second);
    const char *md = fx_read("R/report.md");
    cr_assert(strstr(md, "## What each step bought, by function") != NULL, "%s", md);
    cr_assert(strstr(md, step) != NULL, "%s not in %s", step, md);
    cr_assert(strstr(md, "## Flame graphs") != NULL);
    cr_assert(strstr(fx_read("R/phases.md"), step) != NULL);
    /* one inline graph per profiled case, whatever the plan's phases are */
    char *html;
    size_t length;
    cr_assert_eq(hp_file_read(fx_path("R/report.html"), 64 << 20, &html, &length, &err), 0);
    cr_assert_eq(count_of(html, "<svg xmlns="), profiled, "%zu profiled cases", profiled);
    free(html);
}

Test(profile, two_position_columns_are_not_costs, .init = fx_setup, .fini = fx_teardown)
{
    fx_write_text("instr.out", "positions: instr line\nevents: Ir\n"
                               "desc: Trigger: Client Request: demo/y/threads=1\n"
                               "fn=" HP_PROFILE_ROOT_FRAME "\n0x10 12 5\n+3 * 7\ntotals: 12\n");
    struct hp_profile p;
    struct hp_error err = {{0}};
    cr_assert_eq(hp_profile_read_callgrind(fx_path("instr.out"), 1, &p, &err), 0, "%s",
                 err.message);
    cr_assert_eq(p.stack_count, 1);
    cr_assert_float_eq(p.stacks[0].self[0], 12.0, 1e-9, "5 + 7, not the line numbers");
    hp_profile_free(&p);
}

/* The profile of a case named NAME in a profile set, or NULL. */
static const struct hp_profile *profile_of(const struct hp_profile_set *set, const char *name)
{
    for (size_t i = 0; i < set->count; i++)
        if (strcmp(set->profiles[i].case_name, name) == 0)
            return &set->profiles[i];
    return NULL;
}

/* Calls per op are the measured region's: demo/work-1x3x calls each of its two functions once
 * per op and demo_work_steps twice, demo/allocs-3 malloc three times, on 1 and 2 threads. Before
 * the discarded dump (runner.c) the counts included the warm-ups of every case of the run. */
Test(profile, calls_per_op_are_the_measured_regions, .init = fx_setup, .fini = fx_teardown)
{
    skip_unless_callgrind();
    cr_assert_eq(fx_hotpath("profile --workload demo/work-1x3x,demo/allocs-3 --threads 1,2 "
                            "--instructions-ops 200 --out p"),
                 0, "%s", fx_read("err"));
    cr_assert(strstr(fx_read("out"), "calls/op") != NULL, "%s", fx_read("out"));
    struct hp_profile_set set;
    struct hp_error err = {{0}};
    cr_assert_eq(hp_profile_json_read(fx_path("p"), &set, &err), 0, "%s", err.message);
    for (unsigned threads = 1; threads <= 2; threads++) {
        char name[64];
        snprintf(name, sizeof name, "demo/work-1x3x/threads=%u", threads);
        const struct hp_profile *p = profile_of(&set, name);
        cr_assert_not_null(p, "%s", name);
        cr_assert(p->calls_known);
        cr_assert_float_eq(function(p, "demo_work_once")->calls, 1.0, 1e-9, "%s", name);
        cr_assert_float_eq(function(p, "demo_work_thrice")->calls, 1.0, 1e-9, "%s", name);
        cr_assert_float_eq(function(p, "demo_work_steps")->calls, 2.0, 1e-9, "%s", name);
        snprintf(name, sizeof name, "demo/allocs-3/threads=%u", threads);
        p = profile_of(&set, name);
        cr_assert_not_null(p, "%s", name);
        cr_assert_float_eq(function(p, "__wrap_malloc")->calls, 3.0, 1e-9, "%s", name);
    }
    hp_profile_set_free(&set);
}

/* profile.json version 1 counted calls outside the measured region: read back as unknown. */
Test(profile, version_1_calls_read_as_unknown, .init = fx_setup, .fini = fx_teardown)
{
    fx_write_text("v1.json",
                  "{\"format\": \"hotpath-profile\", \"version\": 1, \"sampling\": \"\", "
                  "\"cases\": [{\"name\": \"demo/x/threads=1\", \"source\": \"callgrind\", "
                  "\"ops\": 10, \"events\": [\"Ir\"], \"total\": [5], \"functions\": [{\"name\": "
                  "\"" HP_PROFILE_ROOT_FRAME
                  "\", \"self\": [5], \"inclusive\": [5], \"calls\": 2}], "
                  "\"stacks\": [{\"frames\": \"" HP_PROFILE_ROOT_FRAME "\", \"self\": [5]}]}]}\n");
    struct hp_profile_set set;
    struct hp_error err = {{0}};
    cr_assert_eq(hp_profile_json_read(fx_path("v1.json"), &set, &err), 0, "%s", err.message);
    cr_assert_not(set.profiles[0].calls_known);
    cr_assert_float_eq(set.profiles[0].total[0], 5.0, 1e-9);
    hp_profile_set_free(&set);
    struct hp_profile p = read_dump(10);
    cr_assert(p.calls_known, "a callgrind dump counts calls");
    struct hp_profile_set written = {.profiles = &p, .count = 1};
    cr_assert_eq(hp_profile_json_write(fx_dir, &written, &err), 0, "%s", err.message);
    cr_assert_eq(hp_profile_json_read(fx_dir, &set, &err), 0, "%s", err.message);
    cr_assert(set.profiles[0].calls_known, "version 2 keeps them");
    cr_assert_float_eq(function(&set.profiles[0], "leaf_a")->calls, 1.0, 1e-9);
    hp_profile_set_free(&set);
    hp_profile_free(&p);
}

/* A cost no profile can have (negative, or more costs than events), in a function's figures
 * or a stack's, is refused with one message naming the file, the case and the figure, exit 2,
 * instead of reading as "0 functions changed". */
Test(profile, impossible_costs_are_refused, .init = fx_setup, .fini = fx_teardown)
{
    static const struct {
        const char *function_self, *stack_self, *message;
    } bad[] = {
        {"[-5]", "[5]",
         "demo/x/threads=1: function " HP_PROFILE_ROOT_FRAME "'s \"self\": a cost is -5; costs are "
         "counts or times per op, never negative"},
        {"[5, 1, 2]", "[5]",
         "demo/x/threads=1: function " HP_PROFILE_ROOT_FRAME
         "'s \"self\" holds 3 costs where the case has 1 events"},
        {"[5]", "[-1]", "demo/x/threads=1: stack 0's \"self\": a cost is -1"},
        {"[5]", "[5, 6]", "demo/x/threads=1: stack 0's \"self\" holds 2 costs"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        char text[1024];
        snprintf(text, sizeof text,
                 "{\"format\": \"hotpath-profile\", \"version\": 2, \"sampling\": \"\", "
                 "\"cases\": [{\"name\": \"demo/x/threads=1\", \"source\": \"callgrind\", "
                 "\"ops\": 10, \"events\": [\"Ir\"], \"total\": [5], \"functions\": "
                 "[{\"name\": \"" HP_PROFILE_ROOT_FRAME "\", \"self\": %s, \"inclusive\": [5], "
                 "\"calls\": 1}], \"stacks\": [{\"frames\": \"" HP_PROFILE_ROOT_FRAME
                 "\", \"self\": %s}]}]}\n",
                 bad[i].function_self, bad[i].stack_self);
        fx_write_text("bad.json", text);
        struct hp_profile_set set;
        struct hp_error err = {{0}};
        cr_assert_eq(hp_profile_json_read(fx_path("bad.json"), &set, &err), -1, "%zu accepted", i);
        cr_assert(strstr(err.message, fx_path("bad.json")) == err.message, "%s", err.message);
        cr_assert(strstr(err.message, bad[i].message) != NULL, "expected \"%s\" in: %s",
                  bad[i].message, err.message);
        cr_assert_eq(fx_hotpath("profile --diff bad.json bad.json"), 2);
        cr_assert_str_eq(fx_read("out"), "");
        cr_assert(strstr(fx_read("err"), bad[i].message) != NULL, "%s", fx_read("err"));
    }
}

/* Sampled: the same case of known structure gives its two functions a quarter and three
 * quarters of the samples, within 0.05 (with the 2000-odd samples of 20 samples of 10 ms, the
 * standard error of a share is about 0.01), with whole call stacks from the runner's frame. */
Test(profile, sampled_shares_of_known_structure, .init = fx_setup, .fini = fx_teardown)
{
    struct hp_sampler_event event;
    char why[512];
    if (!hp_sampler_probe(&event, why, sizeof why))
        cr_skip_test("%s", why);
    cr_assert_eq(fx_hotpath("profile --source sampling --workload demo/work-1x3x --samples 20 "
                            "--target-time 10ms --out s"),
                 0, "%s", fx_read("err"));
    struct hp_profile_set set;
    struct hp_error err = {{0}};
    cr_assert_eq(hp_profile_json_read(fx_path("s"), &set, &err), 0, "%s", err.message);
    const struct hp_profile *p = profile_of(&set, "demo/work-1x3x/threads=1");
    cr_assert_not_null(p);
    cr_assert_str_eq(p->source, "sampling");
    cr_assert_str_eq(p->events[0], event.name);
    cr_assert_not(p->calls_known, "sampling counts no calls");
    cr_assert_geq(p->samples, 500, "%.0f samples", p->samples);
    double once = function(p, "demo_work_once")->inclusive[0];
    double thrice = function(p, "demo_work_thrice")->inclusive[0];
    double share = thrice / (once + thrice);
    cr_assert_float_eq(share, 0.75, 0.05, "thrice's share %.3f (%.1f and %.1f %s/op)", share, once,
                       thrice, p->events[0]);
    cr_assert_geq((once + thrice) / p->total[0], 0.9, "the two functions are the op");
    cr_assert(strstr(fx_read("s/demo_work-1x3x_threads-1.folded"),
                     HP_PROFILE_ROOT_FRAME ";work_run;demo_work_thrice;demo_work_steps ") != NULL,
              "%s", fx_read("s/demo_work-1x3x_threads-1.folded"));
    assert_well_formed("s/demo_work-1x3x_threads-1.svg");
    cr_assert_eq(access(fx_path("s/demo_work-1x3x_threads-1.callgrind.out"), F_OK), -1);
    cr_assert(strstr(set.sampling_note, "perf_event_open") != NULL, "%s", set.sampling_note);
    hp_profile_set_free(&set);
}

/* Where perf_event_open may not sample (forced by the test hook): one message that says why,
 * exit 2, nothing written. */
Test(profile, sampling_refused_says_why_once, .init = fx_setup, .fini = fx_teardown)
{
    cr_assert_eq(fx_hotpath_with("HOTPATH_TEST_REFUSE_SAMPLING=1",
                                 "profile --source sampling --workload demo/fnv64 --out s", "out"),
                 2);
    const char *err = fx_read("err");
    cr_assert(strstr(err, "perf_event_paranoid") != NULL, "%s", err);
    cr_assert(strstr(err, "--source callgrind") != NULL, "the way out is named: %s", err);
    cr_assert_eq(count_of(err, "perf_event_open"), 1, "said once: %s", err);
    cr_assert_str_eq(fx_read("out"), "");
    cr_assert_eq(access(fx_path("s"), F_OK), -1, "nothing written");
    cr_assert_eq(access(fx_path("s.partial"), F_OK), -1, "nothing written");
    cr_assert_eq(fx_hotpath("profile --source perf --workload demo/fnv64 --out s"), 2);
    cr_assert(strstr(fx_read("err"), "callgrind nor sampling") != NULL, "%s", fx_read("err"));
}
