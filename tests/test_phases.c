/* Phase files: parsing, inheritance, plan order and every refusal (with its file and line). */
#include <criterion/criterion.h>

#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "phases.h"
#include "run_captured.h"

static struct hp_phase_plan plan;

static void parse_ok(const char *text)
{
    struct hp_error err = {{0}};
    int rc = hp_phases_parse(text, "t.phases", &plan, &err);
    cr_assert_eq(rc, 0, "refused: %s", err.message);
}

/* Refused with a message that starts with "t.phases:LINE:" and contains `needle`. */
static void refused(const char *text, unsigned line, const char *needle)
{
    struct hp_error err = {{0}};
    cr_assert_eq(hp_phases_parse(text, "t.phases", &plan, &err), -1, "accepted:\n%s", text);
    char prefix[64];
    snprintf(prefix, sizeof prefix, "t.phases:%u: ", line);
    cr_assert_eq(strncmp(err.message, prefix, strlen(prefix)), 0, "expected '%s...', got '%s'",
                 prefix, err.message);
    cr_assert_not_null(strstr(err.message, needle), "expected '%s' in '%s'", needle, err.message);
    cr_assert_eq(plan.count, 0, "a refused file left phases behind");
}

static const char *impl(const char *phase, int axis)
{
    const struct hp_phase *p = hp_phases_find(&plan, phase);
    cr_assert_not_null(p, "no phase %s", phase);
    return p->impl[axis] ? p->impl[axis]->name : NULL;
}

Test(phases, order_inheritance_and_overrides)
{
    parse_ok("# a plan\n"
             "[baseline]\n"
             "summary = the seed before phase 1\n"
             "router = radix\n"
             "pool = mutex_freelist\n"
             "\n"
             "[one]\n"
             "base = baseline\n"
             "claims = C3\n"
             "router = radix_static_first\n"
             "[two]\n"
             "base = one ; inline comment\n"
             "group = phase3\n"
             "claims = C7\n"
             "pool = percpu\n");
    cr_assert_eq(plan.count, 3);
    cr_assert_str_eq(plan.phases[0].name, "baseline");
    cr_assert_str_eq(plan.phases[1].name, "one");
    cr_assert_str_eq(plan.phases[2].name, "two");
    cr_assert_eq(plan.phases[0].line, 2);
    cr_assert_eq(plan.phases[2].line, 11);
    cr_assert_str_eq(plan.phases[0].summary, "the seed before phase 1");
    cr_assert_str_eq(impl("baseline", HP_AXIS_ROUTER), "radix");
    cr_assert_null(impl("baseline", HP_AXIS_BUFFER_POOL));
    cr_assert_str_eq(impl("one", HP_AXIS_ROUTER), "radix_static_first");
    cr_assert_str_eq(impl("one", HP_AXIS_POOL), "mutex_freelist");
    cr_assert_str_eq(impl("two", HP_AXIS_ROUTER), "radix_static_first"); /* two levels up */
    cr_assert_str_eq(impl("two", HP_AXIS_POOL), "percpu");
    cr_assert_null(impl("two", HP_AXIS_BUFFER_POOL));
    cr_assert_str_eq(plan.phases[2].group, "phase3");
    cr_assert_eq(plan.phases[1].group[0], '\0', "group is not inherited");
    cr_assert(plan.phases[1].own[HP_AXIS_ROUTER]);
    cr_assert(!plan.phases[1].own[HP_AXIS_POOL], "an inherited axis is not the phase's own");
    cr_assert_str_eq(plan.phases[2].base, "one");
    cr_assert_eq(plan.phases[1].claim_count, 1);
    cr_assert_str_eq(plan.phases[1].claims[0], "C3");
    cr_assert_eq(plan.phases[2].claim_count, 1);
    cr_assert_str_eq(plan.phases[2].claims[0], "C7");
    cr_assert_eq(plan.phases[2].summary[0], '\0', "summary is not inherited");
}

Test(phases, base_defined_later_and_empty_sections)
{
    parse_ok("[first]\nbase = later\npool = treiber\n[empty]\n[later]\nrouter = linear\n");
    cr_assert_eq(plan.count, 3);
    cr_assert_str_eq(plan.phases[1].name, "empty", "an empty section is still a phase");
    cr_assert_str_eq(impl("first", HP_AXIS_ROUTER), "linear");
    cr_assert_str_eq(impl("first", HP_AXIS_POOL), "treiber");
    cr_assert_null(impl("empty", HP_AXIS_ROUTER));
}

Test(phases, reads_a_file)
{
    char path[] = "/tmp/hotpath-phases-XXXXXX";
    int fd = mkstemp(path);
    cr_assert_geq(fd, 0);
    FILE *f = fdopen(fd, "w");
    fputs("[a]\nrouter = radix\n[b]\nbase = a\nrouter = cow_map\n", f);
    fclose(f);
    struct hp_error err = {{0}};
    cr_assert_eq(hp_phases_read(path, &plan, &err), 0, "%s", err.message);
    remove(path);
    cr_assert_eq(plan.count, 2);
    cr_assert_str_eq(impl("b", HP_AXIS_ROUTER), "cow_map");
    cr_assert_eq(hp_phases_read("/nonexistent/x.phases", &plan, &err), -1);
    cr_assert_not_null(strstr(err.message, "/nonexistent/x.phases: cannot open"), "%s",
                       err.message);
    cr_assert_eq(hp_phases_read("/dev/zero", &plan, &err), -1);
    cr_assert_str_eq(err.message, "/dev/zero: longer than 1 MiB, the limit for this file");
    cr_assert_eq(hp_phases_read("/tmp", &plan, &err), -1);
    cr_assert_str_eq(err.message, "/tmp: is a directory, not a file");
}

/* A UTF-8 byte order mark before the first section is not part of its line. */
Test(phases, a_byte_order_mark_is_skipped)
{
    parse_ok("\xEF\xBB\xBF[a]\nrouter = radix\n[b]\nbase = a\nrouter = cow_map\n");
    cr_assert_eq(plan.count, 2);
    cr_assert_str_eq(impl("a", HP_AXIS_ROUTER), "radix");
}

Test(phases, shipped_plans_parse)
{
    /* Checked against whatever axes are registered: every shipped plan must stay valid. */
    static const char *const files[] = {"workloads/bolt.phases", "workloads/fasterapi.phases",
                                        "workloads/shockwave.phases"};
    for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
        struct hp_error err = {{0}};
        int rc = hp_phases_read(files[i], &plan, &err);
        if (rc != 0 && strstr(err.message, "none registered yet"))
            cr_skip_test("an axis of %s has no implementation in this build yet: %s", files[i],
                         err.message);
        cr_assert_eq(rc, 0, "%s", err.message);
        cr_assert_geq(plan.count, 2, "%s: a plan needs a baseline and a phase", files[i]);
        size_t claims = 0;
        for (size_t p = 0; p < plan.count; p++)
            claims += plan.phases[p].claim_count;
        cr_assert_gt(claims, 0, "%s: no step tests a claim", files[i]);
    }
}

/* Bars of issues 14 and 18: every claim C1-C16 is judged by its own step of a shipped plan,
 * and every Bolt step with a claim changes the one axis whose pair the catalogue names. */
Test(phases, shipped_plans_judge_every_judged_claim_once)
{
    static const char *const files[] = {"workloads/bolt.phases", "workloads/fasterapi.phases",
                                        "workloads/shockwave.phases"};
    unsigned steps[32] = {0};
    for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
        struct hp_error err = {{0}};
        cr_assert_eq(hp_phases_read(files[i], &plan, &err), 0, "%s", err.message);
        for (size_t p = 0; p < plan.count; p++)
            for (size_t k = 0; k < plan.phases[p].claim_count; k++)
                steps[atoi(plan.phases[p].claims[k] + 1)]++;
    }
    for (unsigned id = 1; id <= 16; id++) {
        if (id == 14)
            cr_expect_eq(steps[id], 3, "C14: one measuring step per tier");
        else
            cr_expect_eq(steps[id], 1, "C%u: %u steps", id, steps[id]);
    }
}

Test(phases, group_key)
{
    parse_ok("[a]\ngroup = before\nrouter = radix\n[b]\nbase = a\ngroup = phase1\n"
             "router = linear\n");
    cr_assert_str_eq(plan.phases[0].group, "before");
    cr_assert_str_eq(plan.phases[1].group, "phase1");
    refused("[a]\ngroup = x\ngroup = y\n", 3, "group given twice");
    refused("[a]\ngroup = two words\n", 2, "group 'two words'");
}

/* One decision per step: each refusal at the line that makes the step a second decision. */
static const char full[] = "[base]\n"
                           "router = rwlock_map\n"
                           "pool = tls_cache\n"
                           "buffer_pool = malloc\n"
                           "context = inline\n"
                           "header_writer = canonical\n"
                           "response_writer = multi_write\n";

static void refused_after_base(const char *step, unsigned line, const char *needle)
{
    char text[2048];
    snprintf(text, sizeof text, "%s%s", full, step);
    refused(text, line, needle);
}

Test(phases, refuses_a_step_changing_two_axes)
{
    /* Lines 1-7 are the base; the step starts at 8. */
    refused_after_base("[two]\nbase = base\nrouter = rwlock_split\npool = percpu_cache\n", 11,
                       "phase 'two' changes 2 axes against its base 'base' (router and pool)");
    /* Also with a claim, listed first: the refusal names the line of the second axis (in axis
     * order). */
    refused_after_base("[three]\nbase = base\nclaims = C5\nrouter = rwlock_split\n"
                       "context = split\npool = percpu\n",
                       13, "changes 3 axes against its base 'base' (router and pool)");
}

Test(phases, refuses_a_step_naming_two_claims)
{
    refused_after_base("[two]\nbase = base\nclaims = C5, C6\nrouter = rwlock_split\n", 10,
                       "claims: C5 and C6 named in one step");
}

Test(phases, refuses_a_change_claim_on_a_step_that_changes_nothing)
{
    refused_after_base("[same]\nbase = base\nclaims = C5\n", 10,
                       "C5 is a change claim, but phase 'same' changes nothing against its base");
    /* Setting an axis to its base's implementation is no change either. */
    refused_after_base("[same]\nbase = base\nrouter = rwlock_map\nclaims = C5\n", 11,
                       "changes nothing");
}

Test(phases, refuses_a_target_claim_on_a_step_that_changes_an_axis)
{
    refused_after_base("[arena]\nbase = base\nclaims = C14\npool = arena\n", 11,
                       "C14 is a target claim (a level, not a change), but phase 'arena' "
                       "changes pool");
    /* A measuring step whose composition has none of the target's tiers. */
    refused_after_base("[m]\nbase = base\npool = mutex_freelist\n[t]\nbase = m\n"
                       "claims = C14\n",
                       13, "has none of C14's tiers");
    /* A target with no tiers is judged on any measuring step. */
    char text[2048];
    snprintf(text, sizeof text, "%s[parser]\nbase = base\nclaims = C15\n", full);
    parse_ok(text);
}

/* (Every claim of the catalogue is judged now: the refusal of a claim not judged yet has no
 * claim left to be shown with.) */
Test(phases, refuses_claims_without_a_base)
{
    refused("[a]\nrouter = radix\nclaims = C3\n", 3, "C3 on phase 'a', which has no base");
}

/* Each step is its own comparison with its base: on a branching plan (a side step from the
 * base, an ablation from the last step) the inheritance follows base, not file order. */
Test(phases, branching_plan)
{
    char text[2048];
    snprintf(text, sizeof text,
             "%s[main]\nbase = base\nclaims = C5\nrouter = rwlock_split\n"
             "[last]\nbase = main\nclaims = C7\npool = percpu_cache\n"
             "[side]\nbase = base\nclaims = C7\npool = percpu_cache\n"
             "[ablation]\nbase = last\nrouter = rwlock_map\n",
             full);
    parse_ok(text);
    cr_assert_str_eq(impl("side", HP_AXIS_ROUTER), "rwlock_map", "side inherits base");
    cr_assert_str_eq(impl("side", HP_AXIS_POOL), "percpu_cache");
    cr_assert_str_eq(impl("ablation", HP_AXIS_POOL), "percpu_cache");
    cr_assert_str_eq(impl("ablation", HP_AXIS_ROUTER), "rwlock_map");
    int axis = -1;
    cr_assert_eq(hp_phase_changed_axes(&plan, hp_phases_find(&plan, "side"), &axis), 1);
    cr_assert_eq(axis, HP_AXIS_POOL);
    cr_assert_eq(hp_phase_changed_axes(&plan, hp_phases_find(&plan, "ablation"), &axis), 1);
    cr_assert_eq(axis, HP_AXIS_ROUTER);
}

Test(phases, refuses_unknown_axis_or_key)
{
    refused("[a]\nrouter = radix\nrouterr = radix\n", 3, "unknown key or axis 'routerr'");
    refused("[a]\nrouter = radix\nrouterr = radix\n", 3,
            "valid: base, group, claims, summary, router");
}

Test(phases, refuses_unknown_implementation)
{
    refused("[a]\n\npool = magic\n", 3, "unknown pool implementation 'magic'");
    refused("[a]\n\npool = magic\n", 3, "treiber");
}

Test(phases, refuses_cycles)
{
    refused("[a]\nbase = b\n[b]\nbase = a\n", 2, "a cycle of bases: a -> b -> a");
    refused("[a]\nrouter = radix\nbase = a\n", 3, "a cycle of bases: a -> a");
    refused("[x]\n[a]\nbase = c\n[b]\nbase = a\n[c]\nbase = b\n", 3, "a -> c -> b -> a");
}

Test(phases, refuses_unknown_base)
{
    refused("[a]\nrouter = radix\n[b]\nbase = nothere\n", 4,
            "base 'nothere' names no phase of this file (phases: a, b)");
}

Test(phases, refuses_duplicate_phase)
{
    refused("[a]\nrouter = radix\n[b]\n[a]\npool = malloc\n", 4,
            "duplicate phase name 'a' (first at line 1)");
}

Test(phases, refuses_unknown_claim)
{
    refused("[a]\nclaims = C1, C99\n", 2, "unknown claim id 'C99'");
    refused("[a]\nclaims = C1,,C2\n", 2, "empty item");
    refused("[a]\nclaims = C2, C2\n", 2, "C2 listed twice");
}

Test(phases, refuses_keys_given_twice)
{
    refused("[a]\nrouter = radix\npool = malloc\nrouter = linear\n", 4,
            "router given twice in phase 'a' (first at line 2)");
    refused("[a]\nbase = b\nbase = b\n[b]\n", 3, "base given twice");
}

Test(phases, refuses_syntax_and_stray_keys)
{
    refused("router = radix\n[a]\n", 1, "outside a phase");
    refused("[a]\nrouter radix\n", 2, "syntax error");
    refused("[a]\n[b\n", 2, "section header '[b' has no closing ']'");
    /* The unterminated header is reported at its own line, not at the first key after it. */
    refused("[a\nrouter = radix\n", 1, "section header '[a' has no closing ']'");
    refused("[a]\nrouter = radix\n[b\nrouter = linear\n", 3, "has no closing ']'");
    refused("[a] x\nrouter = radix\n", 1, "text after the section header '[a]': 'x'");
    refused("[a]\nrouter = radix\n[b]]\n", 3, "text after the section header '[b]': ']'");
    parse_ok("[a] ; a comment\nrouter = radix\n[b]\t# another\n");
    refused("[a b]\n", 1, "phase name 'a b'");
    refused("[]\n", 1, "phase name ''");
}

Test(phases, refuses_empty_file)
{
    struct hp_error err = {{0}};
    cr_assert_eq(hp_phases_parse("# nothing\n\n", "t.phases", &plan, &err), -1);
    cr_assert_not_null(strstr(err.message, "t.phases: no phases"), "%s", err.message);
}

Test(phases, refuses_long_lines)
{
    char text[400];
    snprintf(text, sizeof text, "[a]\nsummary = %0300d\n", 0);
    refused(text, 2, "longer than");
}

/* ---- hotpath run --phases, as a user meets it ------------------------------------------- */

struct outcome {
    int status;
    char out[65536], err[8192];
    bool results_written;
};

/* Runs `hotpath ARGS` from the repository root with results going to a fresh directory. */
static void run_hotpath(const char *args, struct outcome *o)
{
    char dir[] = "/tmp/hotpath-phases-cli-XXXXXX";
    cr_assert_not_null(mkdtemp(dir));
    char cmd[4096];
    snprintf(cmd, sizeof cmd, "%s %s --out %s/run", HOTPATH_BINARY, args, dir);
    o->status = run_captured(cmd, dir, o->out, sizeof o->out, o->err, sizeof o->err);
    char path[256];
    snprintf(path, sizeof path, "%s/run/results.json", dir);
    struct stat st;
    o->results_written = stat(path, &st) == 0;
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    cr_assert_eq(system(cmd), 0);
}

static void write_text(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    cr_assert_not_null(f);
    fputs(text, f);
    fclose(f);
}

static void expect_cli_refusal(const char *args, const char *needle)
{
    struct outcome o;
    run_hotpath(args, &o);
    cr_assert_eq(o.status, 2, "`hotpath %s`: exit %d, stderr: %s", args, o.status, o.err);
    cr_assert_not_null(strstr(o.err, needle), "`hotpath %s`: expected '%s' in: %s", args, needle,
                       o.err);
    cr_assert(!o.results_written, "`hotpath %s` wrote results", args);
}

Test(run_phases, refusals_before_anything_runs)
{
    write_text("/tmp/hotpath-bad.phases", "[a]\nrouter = radix\nroutr = radix\n");
    expect_cli_refusal("run --phases /tmp/hotpath-bad.phases",
                       "hotpath: /tmp/hotpath-bad.phases:3: unknown key or axis 'routr'");
    expect_cli_refusal("run --phases /nonexistent.phases", "/nonexistent.phases: cannot open");
    write_text("/tmp/hotpath-nopool.phases", "[a]\nrouter = radix\n[b]\nbase = a\n");
    expect_cli_refusal("run --phases /tmp/hotpath-nopool.phases --workload pool/get_put",
                       "/tmp/hotpath-nopool.phases:1: phase 'a' names no pool implementation");
    expect_cli_refusal("run --phases tests/fixtures/report.phases --router radix",
                       "--router cannot be combined with --phases");
    remove("/tmp/hotpath-bad.phases");
    remove("/tmp/hotpath-nopool.phases");
}

/* C16's p99 target is judged on load/open/50pct, a workload measured in latency mode only: its
 * row has a latency case and no batch one, and the claims table gives it a verdict. */
Test(run_phases, a_p99_target_is_judged_on_a_latency_only_workload, .timeout = 120)
{
    struct outcome o;
    run_hotpath("run --phases workloads/shockwave.phases --workload request/static --threads 1 "
                "--mode both --samples 2 --target-time 1ms --quiet",
                &o);
    cr_assert_eq(o.status, 0, "exit %d: %s", o.status, o.err);
    const char *claims = strstr(o.out, "\nC16 ");
    cr_assert_not_null(claims, "no C16 row: %s", o.out);
    const char *row = strstr(claims, "load/open/50pct");
    cr_assert_not_null(row, "no row for load/open/50pct: %s", claims);
    const char *end = strchr(row, '\n');
    size_t len = end ? (size_t)(end - row) : strlen(row);
    char line[2048];
    snprintf(line, sizeof line, "%.*s", (int)(len < sizeof line ? len : sizeof line - 1), row);
    cr_assert_null(strstr(line, "not measured"), "%s", line);
    cr_assert(strstr(line, "meets") || strstr(line, "misses"), "no verdict: %s", line);
    cr_assert_not_null(strstr(line, "p99"), "%s", line);
}

Test(run_phases, runs_every_phase_and_prints_the_tables)
{
    struct outcome o;
    run_hotpath("run --phases tests/fixtures/report.phases --workload router/github/static "
                "--threads 1 --mode batch --samples 3 --target-time 200us --quiet",
                &o);
    cr_assert_eq(o.status, 0, "exit %d: %s", o.status, o.err);
    cr_assert(o.results_written);
    cr_assert_not_null(strstr(o.out, "router/github/static/router=radix/threads=1/phase=base"),
                       "%s", o.out);
    cr_assert_not_null(
        strstr(o.out, "router/github/static/router=radix_static_first/threads=1/phase=fast"));
    cr_assert_not_null(strstr(o.out, "vs its base"), "no phase table: %s", o.out);
    cr_assert_not_null(strstr(o.out, "C3 "), "no claims table: %s", o.out);
    /* C3 is judged on its own workloads, measured for it on the step and its base. */
    cr_assert_not_null(strstr(o.out, "request/static/router=radix/"), "%s", o.out);
    cr_assert_not_null(strstr(o.out, "request/static, 1 thread"), "%s", o.out);
    cr_assert_not_null(strstr(o.out, "fast vs base"), "%s", o.out);
}

/* Ctrl-C during `run --phases`: the phase and claims tables printed from the partial results
 * say that they are partial. */
Test(run_phases, tables_after_ctrl_c_carry_a_warning)
{
    char dir[] = "/tmp/hotpath-phases-int-XXXXXX";
    cr_assert_not_null(mkdtemp(dir));
    char out_dir[300], stdout_path[300];
    snprintf(out_dir, sizeof out_dir, "%s/r", dir);
    snprintf(stdout_path, sizeof stdout_path, "%s/out", dir);
    pid_t pid = fork();
    if (pid == 0) {
        if (!freopen(stdout_path, "w", stdout))
            _exit(126);
        execl(HOTPATH_BINARY, "hotpath", "run", "--phases", "tests/fixtures/report.phases",
              "--workload", "router/static/static", "--threads", "1", "--mode", "batch",
              "--samples", "100000", "--target-time", "1ms", "--quiet", "--out", out_dir,
              (char *)NULL);
        _exit(127);
    }
    static char text[65536];
    text[0] = '\0';
    while (!strstr(text, "hotpath run:")) {
        usleep(10 * 1000);
        slurp(stdout_path, text, sizeof text);
    }
    usleep(300 * 1000);
    kill(pid, SIGINT);
    int status;
    waitpid(pid, &status, 0);
    slurp(stdout_path, text, sizeof text);
    char cmd[400];
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    cr_assert_eq(system(cmd), 0);
    cr_assert(WIFEXITED(status) && WEXITSTATUS(status) == 130, "status %d: %s", status, text);
    cr_assert_not_null(strstr(text, "vs its base"), "no phase table: %s", text);
    cr_assert_not_null(strstr(text, "WARNING: partial results."), "no warning: %s", text);
}
