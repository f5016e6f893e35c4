/* Tests of the http/find_header workload (harness/cases/http_find_header_cases.c): its lookups
 * are the ones it declares (HP_FIXTURE_LOOKUP_NAMES on the four fixture requests), each finds
 * what an independent scan of the request text finds, and it runs in a phase plan's measuring
 * step although it uses no axis. */
#include <criterion/criterion.h>

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "http_fixtures.h"
#include "phase_cases.h"
#include "workload_table.h"

static const char *const texts[] = {HP_FIXTURE_BROWSER_GET, HP_FIXTURE_CURL_GET,
                                    HP_FIXTURE_JSON_POST, HP_FIXTURE_LINE3};
static const char *const names[] = {HP_FIXTURE_LOOKUP_NAMES};
enum { TEXTS = sizeof texts / sizeof texts[0], NAMES = sizeof names / sizeof names[0] };

/* The oracle: the first field line of text's head whose name is `name` (ASCII case ignored),
 * found on the raw text line by line, without the parser; its value's length + 1, or 0. */
static uint64_t oracle_lookup(const char *text, const char *name)
{
    size_t name_len = strlen(name);
    const char *line = strstr(text, "\r\n") + 2; /* past the request line */
    while (strncmp(line, "\r\n", 2) != 0) {
        const char *end = strstr(line, "\r\n");
        const char *colon = memchr(line, ':', (size_t)(end - line));
        if ((size_t)(colon - line) == name_len && strncasecmp(line, name, name_len) == 0) {
            const char *value = colon + 1;
            while (*value == ' ')
                value++;
            return (uint64_t)(end - value) + 1;
        }
        line = end + 2;
    }
    return 0;
}

static uint64_t oracle_sum(uint64_t ops, unsigned *present)
{
    uint64_t sum = 0;
    *present = 0;
    for (uint64_t i = 0; i < ops; i++) {
        uint64_t found = oracle_lookup(texts[(i / NAMES) % TEXTS], names[i % NAMES]);
        sum += found;
        *present += found != 0;
    }
    return sum;
}

Test(http_find_header, looks_up_the_declared_mix_and_finds_what_the_text_holds)
{
    const struct hp_workload *w = hp_workload_find("http/find_header");
    cr_assert_not_null(w);
    cr_assert_eq(w->axes, 0u, "a part measured alone: the same on every composition");

    struct hp_metrics metrics = {0};
    struct hp_case_params params = {.threads = 1, .seed = 1, .metrics = &metrics};
    void *shared = NULL;
    struct hp_error err;
    cr_assert_eq(w->setup(&params, &shared, &err), 0, "%s", err.message);

    unsigned present;
    uint64_t one_cycle = oracle_sum(TEXTS * NAMES, &present);
    cr_assert_eq(present, 15, "the mix the workload's comment and summary state");
    cr_assert_eq(metrics.count, 1);
    cr_assert_str_eq(metrics.items[0].name, "header_present_share");
    cr_assert_float_eq(metrics.items[0].value, 15.0 / 40.0, 1e-12);

    /* One cycle, and two and a half: the run wraps around the 40 lookups in order. */
    cr_assert_eq(w->run(shared, TEXTS * NAMES), one_cycle);
    uint64_t longer = 100;
    cr_assert_eq(w->run(shared, longer), oracle_sum(longer, &present));
    cr_assert_eq(w->run(shared, 0), 0);
    w->teardown(shared);
}

/* A workload of no axis cannot be a plan's workload (every phase would measure the same
 * thing), but a target claim judged on it is measured on the measuring step that names the
 * claim, and there only. C15's judgments (the http/parse workloads, no axis) stand for any such
 * claim. */
Test(http_find_header, an_axis_free_claim_workload_runs_in_a_measuring_step_only)
{
    static const char plan_text[] = "[base]\n"
                                    "router = radix\npool = malloc\nbuffer_pool = malloc\n"
                                    "context = split\nheader_writer = precomputed\n"
                                    "response_writer = single_write\n"
                                    "[measure]\nbase = base\nclaims = C15\n";
    static struct hp_phase_plan plan;
    struct hp_error err = {{0}};
    cr_assert_eq(hp_phases_parse(plan_text, "t.phases", &plan, &err), 0, "%s", err.message);
    struct hp_selection sel;
    struct hp_run_config config;
    memset(&sel, 0, sizeof sel);
    memset(&config, 0, sizeof config);
    hp_phase_defaults(&sel, &config, 0);
    sel.workload_patterns[0] = "request/static";
    sel.workload_pattern_count = 1;
    struct hp_case *cases;
    size_t count;
    cr_assert_eq(hp_phase_expand(&plan, &sel, &cases, &count, &err), 0, "%s", err.message);
    size_t parse_cases = 0;
    for (size_t i = 0; i < count; i++) {
        if (cases[i].workload->axes != 0)
            continue;
        parse_cases++;
        cr_assert_str_eq(cases[i].phase, "measure", "%s", cases[i].name);
        cr_assert_eq(strncmp(cases[i].workload->name, "http/parse/", 11), 0, "%s", cases[i].name);
    }
    cr_assert_eq(parse_cases, 4, "one case per http/parse workload at 1 thread, batch");
    free(cases);
}
