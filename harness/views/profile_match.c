/* Matching profiles of two sets (profile_match.h). */
#include "profile_match.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void hp_profile_case_key(const char *name, char *out, size_t size)
{
    size_t used = 0;
    for (const char *part = name; *part && used + 1 < size;) {
        size_t length = strcspn(part + 1, "/") + 1;
        bool assignment = memchr(part, '=', length) != NULL && part != name;
        if (!assignment || strncmp(part, "/threads=", 9) == 0) {
            size_t n = length < size - 1 - used ? length : size - 1 - used;
            memcpy(out + used, part, n);
            used += n;
        }
        part += length;
    }
    out[used] = '\0';
}

void hp_profile_case_phase(const char *case_name, char *out, size_t size)
{
    const char *phase = strstr(case_name, "/phase=");
    snprintf(out, size, "%s", phase ? phase + 7 : "");
    out[strcspn(out, "/")] = '\0';
}

static bool same_key(const char *a, const char *b)
{
    char ka[256], kb[256];
    hp_profile_case_key(a, ka, sizeof ka);
    hp_profile_case_key(b, kb, sizeof kb);
    return strcmp(ka, kb) == 0;
}

static bool in_phase(const struct hp_profile *p, const char *phase)
{
    char found[128];
    hp_profile_case_phase(p->case_name, found, sizeof found);
    return strcmp(found, phase) == 0;
}

int hp_profile_match(const struct hp_profile_set *old, const struct hp_profile_set *new_,
                     struct hp_profile_pair **pairs, size_t *count, struct hp_error *err)
{
    *count = 0;
    if (!(*pairs = calloc(new_->count + 1, sizeof **pairs)))
        return hp_error_set(err, "out of memory");
    for (size_t i = 0; i < new_->count; i++) {
        const struct hp_profile *n = &new_->profiles[i], *o = NULL;
        for (size_t j = 0; j < old->count && !o; j++)
            if (strcmp(old->profiles[j].case_name, n->case_name) == 0)
                o = &old->profiles[j];
        for (size_t j = 0; j < old->count && !o; j++)
            if (same_key(old->profiles[j].case_name, n->case_name))
                o = &old->profiles[j];
        if (o)
            (*pairs)[(*count)++] = (struct hp_profile_pair){o, n};
    }
    if (*count)
        return 0;
    free(*pairs);
    *pairs = NULL;
    return hp_error_set(err, "the two profiles have no case in common");
}

int hp_profile_match_phases(const struct hp_profile_set *set, const char *old_phase,
                            const char *new_phase, struct hp_profile_pair **pairs, size_t *count,
                            struct hp_error *err)
{
    *count = 0;
    *pairs = NULL;
    const char *phases[2] = {old_phase, new_phase};
    for (size_t k = 0; k < 2; k++) {
        bool found = false;
        for (size_t i = 0; i < set->count && !found; i++)
            found = in_phase(&set->profiles[i], phases[k]);
        if (!found)
            return hp_error_set(err, "no profiled case is in phase '%s'", phases[k]);
    }
    if (!(*pairs = calloc(set->count + 1, sizeof **pairs)))
        return hp_error_set(err, "out of memory");
    for (size_t i = 0; i < set->count; i++) {
        const struct hp_profile *n = &set->profiles[i];
        if (!in_phase(n, new_phase))
            continue;
        for (size_t j = 0; j < set->count; j++)
            if (in_phase(&set->profiles[j], old_phase) &&
                same_key(set->profiles[j].case_name, n->case_name)) {
                (*pairs)[(*count)++] = (struct hp_profile_pair){&set->profiles[j], n};
                break;
            }
    }
    return 0;
}
