/* The report's profiles (profile_report.h). */
#include "profile_report.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "profile_match.h"
#include "profile_view.h"
#include "results_write.h"

int hp_profile_report_read(const char *results_dir, struct hp_profile_set *set,
                           struct hp_error *err)
{
    char path[4300];
    struct stat st;
    snprintf(path, sizeof path, "%s/profile/%s", results_dir, HP_PROFILE_FILE);
    if (stat(path, &st) != 0)
        return 1;
    return hp_profile_json_read(path, set, err);
}

/* The phases of the set's cases, in order of first appearance (at most max). */
static size_t phases_of(const struct hp_profile_set *set, char (*phases)[128], size_t max)
{
    size_t count = 0;
    for (size_t i = 0; i < set->count; i++) {
        char phase[128];
        hp_profile_case_phase(set->profiles[i].case_name, phase, sizeof phase);
        bool known = !phase[0];
        for (size_t k = 0; k < count && !known; k++)
            known = strcmp(phases[k], phase) == 0;
        if (!known && count < max)
            snprintf(phases[count++], 128, "%s", phase);
    }
    return count;
}

void hp_profile_doc_steps(struct hp_doc *doc, const struct hp_profile_set *set)
{
    char phases[32][128];
    size_t count = phases_of(set, phases, 32);
    if (count < 2)
        return;
    hp_doc_heading(doc, 2, "What each step bought, by function");
    hp_doc_para(doc,
                "From the profiles in profile/ (%s, %s per op; `%s`, %s): per step, the %d "
                "functions whose own cost per op changed most; the last row adds up every "
                "function's change, which is the step's whole change.",
                set->profiles[0].source, set->profiles[0].events[0], set->command, set->date,
                HP_PROFILE_REPORT_MOVERS);
    for (size_t k = 1; k < count; k++) {
        struct hp_profile_pair *pairs = NULL;
        size_t n = 0;
        struct hp_error err;
        if (hp_profile_match_phases(set, phases[k - 1], phases[k], &pairs, &n, &err) != 0) {
            hp_text_add(hp_doc_warning(doc, NULL), "%s", err.message);
            continue;
        }
        for (size_t i = 0; i < n; i++) {
            char title[1024], key[256];
            hp_profile_case_key(pairs[i].new_->case_name, key, sizeof key);
            snprintf(title, sizeof title, "%s: %.128s -> %.128s", key, phases[k - 1], phases[k]);
            hp_profile_doc_diff(doc, title, pairs[i].old, pairs[i].new_, HP_PROFILE_REPORT_MOVERS);
        }
        free(pairs);
    }
}

void hp_profile_doc_flames(struct hp_doc *doc, const struct hp_profile_set *set,
                           const char *results_dir)
{
    hp_doc_heading(doc, 2, "Flame graphs");
    bool dumps = set->count && strcmp(set->profiles[0].source, "callgrind") == 0;
    hp_doc_para(doc,
                "Where each profiled case's %s go, by call stack (%s over the measured region, "
                "per op; `%s`, %s). Hover a frame for its function and cost; the folded stacks%s "
                "are beside each graph.",
                dumps ? "instructions" : "samples", set->count ? set->profiles[0].source : "",
                set->command, set->date, dumps ? " and callgrind's own dump" : "");
    for (size_t i = 0; i < set->count; i++) {
        const struct hp_profile *p = &set->profiles[i];
        char name[512], href[600], file[4800], folded[600], dump[600];
        hp_profile_doc_case(doc, p, HP_PROFILE_REPORT_FUNCTIONS);
        hp_results_case_file_name(p->case_name, ".svg", name, sizeof name);
        snprintf(href, sizeof href, "profile/%s", name);
        snprintf(file, sizeof file, "%s/profile/%s", results_dir, name);
        hp_doc_image(doc, p->case_name, href, file);
        hp_results_case_file_name(p->case_name, ".folded", name, sizeof name);
        snprintf(folded, sizeof folded, "profile/%s", name);
        hp_results_case_file_name(p->case_name, ".callgrind.out", name, sizeof name);
        snprintf(dump, sizeof dump, "profile/%s", name);
        struct hp_text *links = hp_doc_paragraph(doc);
        hp_text_link(links, href, "SVG");
        hp_text_add(links, " · ");
        hp_text_link(links, folded, "folded stacks");
        if (strcmp(p->source, "callgrind") != 0)
            continue;
        hp_text_add(links, " · ");
        hp_text_link(links, dump, "callgrind.out");
    }
}
