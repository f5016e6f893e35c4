#define _DEFAULT_SOURCE
/* Phase files: see phases.h for the format. inih does the INI lexing; everything it cannot see
 * (line numbers, empty sections, the order of sections) comes from the line reader below, which
 * hands inih one line at a time and so always knows which line inih is looking at. */
#include "phases.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "claims.h"
#include "files.h"
#include "ini_lines.h"

struct parse_state {
    struct hp_ini_lines in;
    struct hp_phase_plan *plan;
    struct hp_phase *current; /* the section being read, NULL before the first */
    /* Which keys the current phase has set, to refuse a key given twice. */
    bool seen_base, seen_claims, seen_summary, seen_group;
};

#define fail(st, line, ...) hp_ini_fail(&(st)->in, line, __VA_ARGS__)

static bool valid_phase_name(const char *s, size_t len)
{
    if (len == 0 || len >= HP_PHASE_NAME_MAX)
        return false;
    for (size_t i = 0; i < len; i++)
        if (!isalnum((unsigned char)s[i]) && s[i] != '_' && s[i] != '-' && s[i] != '.')
            return false;
    return true;
}

/* A section header seen by the reader: registers the phase in file order (inih reports a
 * section only through its keys, so an empty section or a repeated name would go unseen). */
static void open_section(void *ctx, const char *name, size_t len)
{
    struct parse_state *st = ctx;
    if (!valid_phase_name(name, len)) {
        fail(st, st->in.line,
             "phase name '%.*s': use 1-%d letters, digits, '_', '-' or '.' (no spaces)", (int)len,
             name, HP_PHASE_NAME_MAX - 1);
        return;
    }
    for (size_t i = 0; i < st->plan->count; i++)
        if (strlen(st->plan->phases[i].name) == len &&
            memcmp(st->plan->phases[i].name, name, len) == 0) {
            fail(st, st->in.line, "duplicate phase name '%.*s' (first at line %u)", (int)len, name,
                 st->plan->phases[i].line);
            return;
        }
    if (st->plan->count == HP_PHASES_MAX) {
        fail(st, st->in.line, "too many phases (at most %d)", HP_PHASES_MAX);
        return;
    }
    struct hp_phase *p = &st->plan->phases[st->plan->count++];
    memset(p, 0, sizeof *p);
    memcpy(p->name, name, len);
    p->name[len] = '\0';
    p->line = st->in.line;
    st->current = p;
    st->seen_base = st->seen_claims = st->seen_summary = st->seen_group = false;
}

static void list_axes(char *out, size_t size)
{
    size_t used = (size_t)snprintf(out, size, "base, group, claims, summary");
    for (int axis = 0; axis < HP_AXIS_COUNT && used < size; axis++)
        used += (size_t)snprintf(out + used, size - used, ", %s", hp_axis_get(axis)->name);
}

static char *trim(char *s)
{
    while (isspace((unsigned char)*s))
        s++;
    char *end = s + strlen(s);
    while (end > s && isspace((unsigned char)end[-1]))
        *--end = '\0';
    return s;
}

static void set_claims(struct parse_state *st, struct hp_phase *p, const char *value)
{
    char buf[HP_INI_LINE_LIMIT + 1];
    snprintf(buf, sizeof buf, "%s", value);
    char *rest = buf;
    for (char *item = strsep(&rest, ","); item; item = strsep(&rest, ",")) {
        char *id = trim(item);
        if (!*id) {
            fail(st, st->in.line, "claims: empty item (write `claims = C1`)");
            return;
        }
        const struct hp_claim *c = hp_claim_find(id);
        if (!c) {
            fail(st, st->in.line,
                 "claims: unknown claim id '%s' (valid: C1 to C%zu, see `hotpath list --claims`)",
                 id, hp_claim_count);
            return;
        }
        for (size_t i = 0; i < p->claim_count; i++)
            if (p->claims[i] == c->id) {
                fail(st, st->in.line, "claims: %s listed twice", id);
                return;
            }
        if (p->claim_count == HP_PHASE_CLAIMS_MAX) {
            fail(st, st->in.line, "claims: at most %d per phase", HP_PHASE_CLAIMS_MAX);
            return;
        }
        p->claims[p->claim_count++] = c->id;
    }
    if (p->claim_count == 0)
        fail(st, st->in.line, "claims: empty list (write `claims = C1` or leave the key out)");
    else if (p->claim_count > 1)
        fail(st, st->in.line,
             "claims: %s and %s named in one step: a step names one claim, so that its "
             "measured change is that claim's alone (make one step per claim)",
             p->claims[0], p->claims[1]);
}

static int on_key(void *user, const char *section, const char *key, const char *value)
{
    struct parse_state *st = user;
    if (st->in.failed)
        return 1;
    struct hp_phase *p = st->current;
    if (!p || strcmp(section, p->name) != 0) {
        fail(st, st->in.line, "'%s' outside a phase: start a phase with [name] first", key);
        return 1;
    }
    if (strcmp(key, "base") == 0) {
        if (st->seen_base) {
            fail(st, st->in.line, "base given twice in phase '%s'", p->name);
            return 1;
        }
        st->seen_base = true;
        if (!valid_phase_name(value, strlen(value))) {
            fail(st, st->in.line, "base '%s': not a phase name", value);
            return 1;
        }
        snprintf(p->base, sizeof p->base, "%s", value);
        p->base_line = st->in.line;
        return 1;
    }
    if (strcmp(key, "claims") == 0) {
        if (st->seen_claims) {
            fail(st, st->in.line, "claims given twice in phase '%s'", p->name);
            return 1;
        }
        st->seen_claims = true;
        p->claims_line = st->in.line;
        set_claims(st, p, value);
        return 1;
    }
    if (strcmp(key, "group") == 0) {
        if (st->seen_group) {
            fail(st, st->in.line, "group given twice in phase '%s'", p->name);
            return 1;
        }
        st->seen_group = true;
        if (!valid_phase_name(value, strlen(value))) {
            fail(st, st->in.line, "group '%s': use 1-%d letters, digits, '_', '-' or '.'", value,
                 HP_PHASE_NAME_MAX - 1);
            return 1;
        }
        snprintf(p->group, sizeof p->group, "%s", value);
        return 1;
    }
    if (strcmp(key, "summary") == 0) {
        if (st->seen_summary) {
            fail(st, st->in.line, "summary given twice in phase '%s'", p->name);
            return 1;
        }
        st->seen_summary = true;
        snprintf(p->summary, sizeof p->summary, "%s", value);
        return 1;
    }
    int axis = hp_axis_find(key);
    if (axis < 0) {
        char valid[512];
        list_axes(valid, sizeof valid);
        fail(st, st->in.line, "unknown key or axis '%s' (valid: %s)", key, valid);
        return 1;
    }
    if (p->own[axis]) {
        fail(st, st->in.line, "%s given twice in phase '%s' (first at line %u)", key, p->name,
             p->own_line[axis]);
        return 1;
    }
    const struct hp_impl_info *impl = hp_impl_find((enum hp_axis_id)axis, value);
    if (!impl) {
        char valid[1024];
        hp_axis_impl_names(axis, valid, sizeof valid);
        fail(st, st->in.line, "unknown %s implementation '%s' (valid: %s)", key, value, valid);
        return 1;
    }
    p->impl[axis] = impl;
    p->own[axis] = true;
    p->own_line[axis] = st->in.line;
    return 1;
}

/* Fills p->impl from its chain of bases; `depth` bounds the walk (a cycle is refused before). */
static void inherit(struct hp_phase_plan *plan, struct hp_phase *p, bool *done, size_t depth)
{
    size_t index = (size_t)(p - plan->phases);
    if (done[index] || depth > plan->count)
        return;
    if (p->base[0]) {
        struct hp_phase *base = (struct hp_phase *)hp_phases_find(plan, p->base);
        inherit(plan, base, done, depth + 1);
        for (int axis = 0; axis < HP_AXIS_COUNT; axis++)
            if (!p->own[axis])
                p->impl[axis] = base->impl[axis];
    }
    done[index] = true;
}

static int resolve_bases(struct parse_state *st)
{
    struct hp_phase_plan *plan = st->plan;
    for (size_t i = 0; i < plan->count; i++) {
        struct hp_phase *p = &plan->phases[i];
        if (p->base[0] && !hp_phases_find(plan, p->base)) {
            char names[1024];
            size_t used = 0;
            names[0] = '\0';
            for (size_t k = 0; k < plan->count && used < sizeof names; k++)
                used += (size_t)snprintf(names + used, sizeof names - used, "%s%s", k ? ", " : "",
                                         plan->phases[k].name);
            fail(st, p->base_line, "base '%s' names no phase of this file (phases: %s)", p->base,
                 names);
            return -1;
        }
    }
    for (size_t i = 0; i < plan->count; i++) {
        /* Follow the chain from phase i; more steps than phases means a cycle. */
        const struct hp_phase *p = &plan->phases[i];
        char chain[768];
        size_t used = (size_t)snprintf(chain, sizeof chain, "%s", p->name);
        for (size_t steps = 0; p->base[0]; steps++) {
            p = hp_phases_find(plan, p->base);
            if (used < sizeof chain)
                used += (size_t)snprintf(chain + used, sizeof chain - used, " -> %s", p->name);
            if (p == &plan->phases[i]) {
                fail(st, plan->phases[i].base_line, "a cycle of bases: %s", chain);
                return -1;
            }
            if (steps > plan->count)
                break; /* a cycle not through phase i: reported when its own turn comes */
        }
    }
    bool done[HP_PHASES_MAX] = {false};
    for (size_t i = 0; i < plan->count; i++)
        inherit(plan, &plan->phases[i], done, 0);
    return 0;
}

unsigned hp_phase_changed_axes(const struct hp_phase_plan *plan, const struct hp_phase *p,
                               int *first)
{
    const struct hp_phase *base = p->base[0] ? hp_phases_find(plan, p->base) : NULL;
    unsigned changed = 0;
    if (!base)
        return 0;
    for (int axis = 0; axis < HP_AXIS_COUNT; axis++)
        if (p->impl[axis] != base->impl[axis]) {
            if (changed++ == 0 && first)
                *first = axis;
        }
    return changed;
}

bool hp_phase_has_tier(const struct hp_phase *p, const struct hp_claim_judgment *j)
{
    const char *impl;
    int axis = hp_judgment_when(j, &impl);
    if (!j->when)
        return true;
    return axis >= 0 && p->impl[axis] && strcmp(p->impl[axis]->name, impl) == 0;
}

/* The line naming an axis a step changes: its own key, else (the base changed it) the
 * section header. */
static unsigned axis_line(const struct hp_phase *p, int axis)
{
    return p->own[axis] ? p->own_line[axis] : p->line;
}

/* One decision per step (phases.h). */
static int check_steps(struct parse_state *st)
{
    const struct hp_phase_plan *plan = st->plan;
    for (size_t i = 0; i < plan->count; i++) {
        const struct hp_phase *p = &plan->phases[i];
        int first = -1;
        unsigned changed = hp_phase_changed_axes(plan, p, &first);
        if (changed >= 2) {
            int second = -1;
            for (int axis = first + 1; axis < HP_AXIS_COUNT && second < 0; axis++)
                if (p->impl[axis] != hp_phases_find(plan, p->base)->impl[axis])
                    second = axis;
            fail(st, axis_line(p, second),
                 "phase '%s' changes %u axes against its base '%s' (%s and %s): a step "
                 "changes one axis, so that its measured change is that decision's alone "
                 "(make one step per axis, each based on the one before)",
                 p->name, changed, p->base, hp_axis_get(first)->name, hp_axis_get(second)->name);
            return -1;
        }
        if (p->claim_count == 0)
            continue;
        const struct hp_claim *c = hp_claim_find(p->claims[0]);
        if (hp_claim_judgment_count(c) == 0) {
            fail(st, p->claims_line, "claims: %s cannot be judged yet: %s", c->id,
                 c->why_not_judged);
            return -1;
        }
        if (!p->base[0]) {
            fail(st, p->claims_line,
                 "claims: %s on phase '%s', which has no base: a claim is judged against the "
                 "step's base (add `base = ...`)",
                 c->id, p->name);
            return -1;
        }
        if (c->type == HP_CLAIM_CHANGE && changed == 0) {
            fail(st, p->claims_line,
                 "claims: %s is a change claim, but phase '%s' changes nothing against its "
                 "base '%s': set the one axis whose decision it claims",
                 c->id, p->name, p->base);
            return -1;
        }
        if (c->type == HP_CLAIM_TARGET && changed > 0) {
            fail(st, axis_line(p, first),
                 "claims: %s is a target claim (a level, not a change), but phase '%s' changes "
                 "%s against its base '%s': measure it in a step that changes no axis",
                 c->id, p->name, hp_axis_get(first)->name, p->base);
            return -1;
        }
        bool any = false;
        for (size_t k = 0; k < hp_claim_judgment_count(c); k++)
            any |= hp_phase_has_tier(p, &c->judgments[k]);
        if (!any) {
            char tiers[256];
            size_t used = 0;
            tiers[0] = '\0';
            for (size_t k = 0; k < hp_claim_judgment_count(c) && used < sizeof tiers; k++)
                used +=
                    (size_t)snprintf(tiers + used, sizeof tiers - used, "%s%s (%s)", k ? ", " : "",
                                     c->judgments[k].label, c->judgments[k].when);
            fail(st, p->claims_line,
                 "claims: phase '%s' has none of %s's tiers in its composition (tiers: %s)",
                 p->name, c->id, tiers);
            return -1;
        }
    }
    return 0;
}

int hp_phases_parse(const char *text, const char *name, struct hp_phase_plan *plan,
                    struct hp_error *err)
{
    memset(plan, 0, sizeof *plan);
    snprintf(plan->path, sizeof plan->path, "%s", name);
    struct parse_state st = {.plan = plan};
    st.in = (struct hp_ini_lines){
        .name = name, .cursor = text, .err = err, .on_section = open_section, .ctx = &st};
    hp_ini_parse(&st.in, on_key, &st, "[phase], key = value, or a comment");
    if (!st.in.failed && plan->count == 0) {
        hp_error_set(err,
                     "%s: no phases (a phase is a [name] section of axis = implementation "
                     "lines)",
                     name);
        return -1;
    }
    if (st.in.failed || resolve_bases(&st) != 0 || check_steps(&st) != 0) {
        plan->count = 0;
        return -1;
    }
    return 0;
}

int hp_phases_read(const char *path, struct hp_phase_plan *plan, struct hp_error *err)
{
    memset(plan, 0, sizeof *plan);
    char *text;
    size_t len;
    if (hp_file_read(path, HP_PHASES_FILE_MAX, &text, &len, err) != 0)
        return -1;
    if (memchr(text, '\0', len)) {
        free(text);
        return hp_error_set(err, "%s: not a text file (contains a NUL byte)", path);
    }
    int rc = hp_phases_parse(text, path, plan, err);
    free(text);
    return rc;
}

const struct hp_phase *hp_phases_find(const struct hp_phase_plan *plan, const char *name)
{
    for (size_t i = 0; i < plan->count; i++)
        if (strcmp(plan->phases[i].name, name) == 0)
            return &plan->phases[i];
    return NULL;
}
