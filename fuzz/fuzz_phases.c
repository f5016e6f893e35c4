/* The phase-file reader (plan/phases.h, hp_phases_parse). Properties: a refusal is one
 * "FILE:LINE: reason" message; a plan that loads has 1..HP_PHASES_MAX phases with distinct
 * non-empty names, every base names another phase of the plan, every implementation belongs
 * to its axis, an axis a phase does not set itself is its base's (inheritance), and reading
 * the same text again gives the same plan. */
#include "fuzz_check.h"

#include "phases.h"

static void check_plan(const struct hp_phase_plan *plan)
{
    FUZZ_CHECK(plan->count >= 1 && plan->count <= HP_PHASES_MAX, "%zu phases", plan->count);
    for (size_t i = 0; i < plan->count; i++) {
        const struct hp_phase *p = &plan->phases[i];
        FUZZ_CHECK(p->name[0] != '\0' && memchr(p->name, '\0', sizeof p->name), "phase name");
        FUZZ_CHECK(hp_phases_find(plan, p->name) == p, "phase '%s' is not unique", p->name);
        const struct hp_phase *base = NULL;
        if (p->base[0]) {
            base = hp_phases_find(plan, p->base);
            FUZZ_CHECK(base != NULL && base != p, "phase '%s': base '%s'", p->name, p->base);
        }
        for (int axis = 0; axis < HP_AXIS_COUNT; axis++) {
            if (p->impl[axis])
                FUZZ_CHECK(
                    hp_impl_find((enum hp_axis_id)axis, p->impl[axis]->name) == p->impl[axis],
                    "phase '%s': axis %d holds another axis's implementation", p->name, axis);
            if (!p->own[axis])
                FUZZ_CHECK(p->impl[axis] == (base ? base->impl[axis] : NULL),
                           "phase '%s': axis %d is not inherited from its base", p->name, axis);
        }
        FUZZ_CHECK(p->claim_count <= HP_PHASE_CLAIMS_MAX, "%zu claims", p->claim_count);
        for (size_t c = 0; c < p->claim_count; c++)
            FUZZ_CHECK(p->claims[c] != NULL, "claim %zu", c);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *text = fuzz_string(data, size);
    static struct hp_phase_plan plan, again;
    memset(&plan, 0, sizeof plan);
    memset(&again, 0, sizeof again);
    struct hp_error err = {{0}};
    int rc = hp_phases_parse(text, "fuzz.phases", &plan, &err);
    if (rc != 0) {
        FUZZ_CHECK(strncmp(err.message, "fuzz.phases:", 12) == 0, "message: %s", err.message);
    } else {
        check_plan(&plan);
        FUZZ_CHECK(hp_phases_parse(text, "fuzz.phases", &again, &err) == 0, "second read: %s",
                   err.message);
        FUZZ_CHECK(memcmp(&plan, &again, sizeof plan) == 0, "a second read gives another plan");
    }
    free(text);
    return 0;
}
