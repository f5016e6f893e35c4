/* Phase files: parsing, inheritance, plan order and every refusal (with its file and line). */
#include <criterion/criterion.h>

#include <stdio.h>
#include <string.h>

#include "phases.h"

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
             "claims = C7, C13\n"
             "pool = percpu\n"
             "buffer_pool = tiered\n");
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
    cr_assert_str_eq(impl("two", HP_AXIS_BUFFER_POOL), "tiered");
    cr_assert(plan.phases[1].own[HP_AXIS_ROUTER]);
    cr_assert(!plan.phases[1].own[HP_AXIS_POOL], "an inherited axis is not the phase's own");
    cr_assert_str_eq(plan.phases[2].base, "one");
    cr_assert_eq(plan.phases[1].claim_count, 1);
    cr_assert_str_eq(plan.phases[1].claims[0], "C3");
    cr_assert_eq(plan.phases[2].claim_count, 2);
    cr_assert_str_eq(plan.phases[2].claims[1], "C13");
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
}

Test(phases, shipped_plans_parse)
{
    /* Checked against whatever axes are registered: every shipped plan must stay valid. */
    static const char *const files[] = {"workloads/bolt.phases", "workloads/fasterapi.phases",
                                        "workloads/shockwave.phases"};
    for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
        struct hp_error err = {{0}};
        cr_assert_eq(hp_phases_read(files[i], &plan, &err), 0, "%s", err.message);
        cr_assert_geq(plan.count, 2, "%s: a plan needs a baseline and a phase", files[i]);
        for (size_t p = 1; p < plan.count; p++)
            cr_assert_gt(plan.phases[p].claim_count, 0, "%s: phase %s tests no claim", files[i],
                         plan.phases[p].name);
    }
}

Test(phases, refuses_unknown_axis_or_key)
{
    refused("[a]\nrouter = radix\nrouterr = radix\n", 3, "unknown key or axis 'routerr'");
    refused("[a]\nrouter = radix\nrouterr = radix\n", 3, "valid: base, claims, summary, router");
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
    refused("[a]\n[b\n", 2, "syntax error");
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
