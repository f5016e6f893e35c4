#include "selection.h"

#include <fnmatch.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "values.h"
#include "workload_table.h"

int hp_selection_set_impls(struct hp_selection *sel, int axis, char *list, struct hp_error *err)
{
    char flag[64], valid[2048];
    snprintf(flag, sizeof flag, "--%s", hp_axis_get(axis)->name);
    char *items[HP_SELECTION_MAX_ITEMS];
    int n = hp_split_list(flag, list, items, HP_SELECTION_MAX_ITEMS, err);
    if (n < 0)
        return -1;
    sel->impl_count[axis] = 0;
    sel->impl_all[axis] = false;
    for (int i = 0; i < n; i++) {
        if (strcmp(items[i], "all") == 0) {
            if (n > 1)
                return hp_error_set(err,
                                    "%s: 'all' stands alone (it already names every "
                                    "implementation); give it without other names",
                                    flag);
            sel->impl_all[axis] = true; /* impl_count stays 0: all */
            return 0;
        }
        const struct hp_impl_info *impl = hp_impl_find(axis, items[i]);
        if (!impl) {
            hp_axis_impl_names(axis, valid, sizeof valid);
            return hp_error_set(err, "%s: unknown implementation '%s' (valid: %s, all)", flag,
                                items[i], valid);
        }
        /* Two cases of one name would make a results file its own readers refuse. */
        for (size_t k = 0; k < sel->impl_count[axis]; k++)
            if (sel->impls[axis][k] == impl)
                return hp_error_set(err, "%s: '%s' is listed twice", flag, items[i]);
        sel->impls[axis][sel->impl_count[axis]++] = impl;
    }
    return 0;
}

int hp_selection_add_param(struct hp_selection *sel, const char *text, struct hp_error *err)
{
    struct hp_param_values v;
    if (hp_parse_param(text, &v, err) != 0)
        return -1;
    for (size_t i = 0; i < sel->param_count; i++)
        if (strcmp(sel->params[i].name, v.name) == 0)
            return hp_error_set(err,
                                "--param %s is given twice (list every value in one: "
                                "--param %s=A,B,C)",
                                v.name, v.name);
    if (sel->param_count == HP_SELECTION_MAX_PARAMS)
        return hp_error_set(err, "--param: at most %d parameters", HP_SELECTION_MAX_PARAMS);
    sel->params[sel->param_count++] = v;
    return 0;
}

static bool workload_takes(const struct hp_workload *w, const char *param)
{
    for (size_t i = 0; i < hp_workload_param_count(w); i++)
        if (strcmp(w->params[i].name, param) == 0)
            return true;
    return false;
}

/* What the selected workloads take, for a refusal: "W takes a, b; V takes none". */
static void describe_params(const struct hp_selection *sel, char *out, size_t size)
{
    size_t used = 0;
    out[0] = '\0';
    for (const struct hp_workload *const *it = hp_workload_table; *it && used < size; it++) {
        if (!hp_selection_matches(sel, *it))
            continue;
        size_t declared = hp_workload_param_count(*it);
        used += (size_t)snprintf(out + used, size - used, "%s%s takes %s", used ? "; " : "",
                                 (*it)->name, declared ? "" : "none");
        for (size_t i = 0; i < declared && used < size; i++)
            used += (size_t)snprintf(out + used, size - used, "%s%s", i ? ", " : "",
                                     (*it)->params[i].name);
    }
}

/* Refuses a --param that no selected workload declares. */
static int refuse_unknown_params(const struct hp_selection *sel, struct hp_error *err)
{
    for (size_t k = 0; k < sel->param_count; k++) {
        bool taken = false;
        for (const struct hp_workload *const *it = hp_workload_table; *it && !taken; it++)
            taken = hp_selection_matches(sel, *it) && workload_takes(*it, sel->params[k].name);
        if (taken)
            continue;
        char takes[1024];
        describe_params(sel, takes, sizeof takes);
        return hp_error_set(err,
                            "--param %s: no selected workload takes a parameter '%s' (%s; "
                            "`hotpath list` shows every workload's parameters)",
                            sel->params[k].name, sel->params[k].name,
                            takes[0] ? takes : "no workload selected");
    }
    return 0;
}

/* The values of each parameter w declares for this selection (the --param list, or the
 * default), into values[i] / counts[i]; refuses a value out of its range. */
static int workload_param_values(const struct hp_selection *sel, const struct hp_workload *w,
                                 const uint64_t *values[HP_WORKLOAD_PARAMS_MAX],
                                 size_t counts[HP_WORKLOAD_PARAMS_MAX], struct hp_error *err)
{
    size_t declared = hp_workload_param_count(w);
    for (size_t i = 0; i < declared; i++) {
        const struct hp_workload_param *p = &w->params[i];
        values[i] = &p->default_value;
        counts[i] = 1;
        for (size_t k = 0; k < sel->param_count; k++)
            if (strcmp(sel->params[k].name, p->name) == 0) {
                values[i] = sel->params[k].values;
                counts[i] = sel->params[k].count;
            }
        for (size_t v = 0; v < counts[i]; v++)
            if (values[i][v] < p->min || values[i][v] > p->max)
                return hp_error_set(err,
                                    "--param %s: %llu is out of range for workload %s (%s: %llu "
                                    "to %llu)",
                                    p->name, (unsigned long long)values[i][v], w->name, p->summary,
                                    (unsigned long long)p->min, (unsigned long long)p->max);
    }
    return 0;
}

static int compare_case_names(const void *a, const void *b)
{
    return strcmp((*(const struct hp_case *const *)a)->name,
                  (*(const struct hp_case *const *)b)->name);
}

int hp_cases_refuse_duplicate_names(const struct hp_case *cases, size_t count, struct hp_error *err)
{
    const struct hp_case **sorted = malloc((count ? count : 1) * sizeof *sorted);
    if (!sorted)
        return hp_error_set(err, "out of memory checking the case list");
    for (size_t i = 0; i < count; i++)
        sorted[i] = &cases[i];
    qsort(sorted, count, sizeof *sorted, compare_case_names);
    int rc = 0;
    for (size_t i = 1; i < count && rc == 0; i++)
        if (strcmp(sorted[i - 1]->name, sorted[i]->name) == 0)
            rc = hp_error_set(err,
                              "two cases would both be named %s: results need one name per "
                              "case (is a workload, implementation or phase given twice?)",
                              sorted[i]->name);
    free(sorted);
    return rc;
}

bool hp_selection_matches(const struct hp_selection *sel, const struct hp_workload *w)
{
    for (size_t i = 0; i < sel->workload_pattern_count; i++)
        if (fnmatch(sel->workload_patterns[i], w->name, 0) == 0)
            return true;
    return false;
}

struct expansion {
    struct hp_case *cases;
    size_t count, capacity;
};

static int push_case(struct expansion *ex, const struct hp_case *c, struct hp_error *err)
{
    if (ex->count == ex->capacity) {
        size_t capacity = ex->capacity ? 2 * ex->capacity : 16;
        struct hp_case *grown = realloc(ex->cases, capacity * sizeof *grown);
        if (!grown)
            return hp_error_set(err, "out of memory building the case list");
        ex->cases = grown;
        ex->capacity = capacity;
    }
    ex->cases[ex->count] = *c;
    hp_case_name(&ex->cases[ex->count]);
    ex->count++;
    return 0;
}

/* The implementations of one axis for one workload: the user's list, the workload's default
 * when the user named none, or the whole table. */
static size_t axis_choices(const struct hp_selection *sel, const struct hp_workload *w, int axis,
                           const struct hp_impl_info **out)
{
    if (sel->impl_count[axis] > 0) {
        memcpy(out, sel->impls[axis], sel->impl_count[axis] * sizeof *out);
        return sel->impl_count[axis];
    }
    if (!sel->impl_all[axis] && w->axis_default[axis]) {
        const struct hp_impl_info *impl = hp_impl_find(axis, w->axis_default[axis]);
        if (impl) {
            out[0] = impl;
            return 1;
        }
    }
    size_t n = 0;
    for (const struct hp_impl_info *const *it = hp_axis_get(axis)->impls;
         *it && n < HP_SELECTION_MAX_ITEMS; it++)
        out[n++] = *it;
    return n;
}

/* "workload W cannot run router=radix: it needs REQUIREMENT (valid: --router a, b)": the
 * implementations listed are those that, in place of the chosen one, the workload accepts. */
static int refuse_composition(const struct hp_workload *w, const struct hp_composition *chosen,
                              struct hp_error *err)
{
    char what[512], valid[1024];
    size_t used = 0, valid_used = 0;
    what[0] = valid[0] = '\0';
    for (int axis = 0; axis < HP_AXIS_COUNT; axis++) {
        if (!chosen->impl[axis])
            continue;
        const char *axis_name = hp_axis_get(axis)->name;
        if (used < sizeof what)
            used += (size_t)snprintf(what + used, sizeof what - used, "%s%s=%s", used ? ", " : "",
                                     axis_name, chosen->impl[axis]->name);
        struct hp_composition other = *chosen;
        size_t listed = 0;
        for (const struct hp_impl_info *const *it = hp_axis_get(axis)->impls; *it; it++) {
            other.impl[axis] = *it;
            if (!w->supports(&other) || valid_used >= sizeof valid)
                continue;
            if (listed++ == 0) /* "--router a, b; --pool c" */
                valid_used +=
                    (size_t)snprintf(valid + valid_used, sizeof valid - valid_used, "%s--%s %s",
                                     valid_used ? "; " : "", axis_name, (*it)->name);
            else
                valid_used += (size_t)snprintf(valid + valid_used, sizeof valid - valid_used,
                                               ", %s", (*it)->name);
        }
    }
    return hp_error_set(err, "workload %s cannot run %s: it needs %s (valid: %s)", w->name, what,
                        w->requirement ? w->requirement : "another composition",
                        valid_used ? valid : "no implementation registered");
}

/* The warm case, the cold one or both (--cache), as the workload and the mode allow. */
static int push_cache_cases(const struct hp_selection *sel, struct expansion *ex,
                            const struct hp_case *c, struct hp_error *err)
{
    if (sel->cache != HP_CACHE_COLD && push_case(ex, c, err) != 0)
        return -1;
    if (sel->cache == HP_CACHE_WARM || c->mode != HP_MODE_BATCH ||
        !(c->workload->flags & HP_WORKLOAD_INSTANCES))
        return 0;
    struct hp_case cold = *c;
    cold.cold = true;
    return push_case(ex, &cold, err);
}

/* One composition of w at every combination of its parameters' values, modes and thread
 * counts. */
static int expand_composition(const struct hp_selection *sel, struct hp_case *c,
                              const uint64_t *const *values, const size_t *counts,
                              struct expansion *ex, struct hp_error *err)
{
    const struct hp_workload *w = c->workload;
    size_t declared = hp_workload_param_count(w), combinations = 1;
    for (size_t i = 0; i < declared; i++)
        combinations *= counts[i];
    for (size_t combo = 0; combo < combinations; combo++) {
        for (size_t i = 0, rest = combo; i < declared; i++) {
            c->param[i] = values[i][rest % counts[i]];
            rest /= counts[i];
        }
        for (int mode = 0; mode < 2; mode++) {
            if ((mode == HP_MODE_BATCH && (!sel->batch || (w->flags & HP_WORKLOAD_LATENCY_ONLY))) ||
                (mode == HP_MODE_LATENCY && (!sel->latency || (w->flags & HP_WORKLOAD_BATCH_ONLY))))
                continue;
            for (size_t t = 0; t < sel->thread_count; t++) {
                c->threads = sel->threads[t];
                if (c->threads < w->min_threads)
                    c->threads = w->min_threads;
                c->mode = (enum hp_mode)mode;
                bool duplicate = false;
                for (size_t k = 0; k < t; k++) {
                    unsigned earlier = sel->threads[k];
                    if (earlier < w->min_threads)
                        earlier = w->min_threads;
                    duplicate |= earlier == c->threads;
                }
                if (!duplicate && push_cache_cases(sel, ex, c, err) != 0)
                    return -1;
            }
        }
    }
    return 0;
}

static int expand_workload(const struct hp_selection *sel, const struct hp_workload *w,
                           struct expansion *ex, struct hp_error *err)
{
    const uint64_t *values[HP_WORKLOAD_PARAMS_MAX];
    size_t counts[HP_WORKLOAD_PARAMS_MAX];
    if (workload_param_values(sel, w, values, counts, err) != 0)
        return -1;
    const struct hp_impl_info *choices[HP_AXIS_COUNT][HP_SELECTION_MAX_ITEMS];
    size_t choice_count[HP_AXIS_COUNT];
    size_t combinations = 1;
    for (int axis = 0; axis < HP_AXIS_COUNT; axis++) {
        choice_count[axis] = 1;
        if (!(w->axes & HP_AXIS_BIT(axis)))
            continue;
        choice_count[axis] = axis_choices(sel, w, axis, choices[axis]);
        if (choice_count[axis] == 0)
            return hp_error_set(err,
                                "workload %s needs a %s implementation, and none is "
                                "registered",
                                w->name, hp_axis_get(axis)->name);
        combinations *= choice_count[axis];
    }
    for (size_t combo = 0; combo < combinations; combo++) {
        struct hp_case c;
        memset(&c, 0, sizeof c);
        c.workload = w;
        size_t rest = combo;
        bool explicit_choice = false;
        for (int axis = 0; axis < HP_AXIS_COUNT; axis++) {
            if (!(w->axes & HP_AXIS_BIT(axis)))
                continue;
            c.composition.impl[axis] = choices[axis][rest % choice_count[axis]];
            rest /= choice_count[axis];
            explicit_choice |= sel->impl_count[axis] > 0;
        }
        if (w->supports && !w->supports(&c.composition)) {
            if (explicit_choice && combinations == 1)
                return refuse_composition(w, &c.composition, err);
            continue;
        }
        if (expand_composition(sel, &c, values, counts, ex, err) != 0)
            return -1;
    }
    return 0;
}

void hp_selection_main_job(struct hp_selection *sel)
{
    static const char *const main_job[] = {
        "null",         "router/github/all", "router/github/static", "router/github/param2",
        "pool/get_put", "http/parse/line3",
    };
    for (size_t i = 0; i < sizeof main_job / sizeof main_job[0]; i++)
        sel->workload_patterns[sel->workload_pattern_count++] = main_job[i];
}

int hp_selection_expand(const struct hp_selection *sel, struct hp_case **cases, size_t *count,
                        struct hp_error *err)
{
    struct expansion ex = {0};
    for (size_t i = 0; i < sel->workload_pattern_count; i++) {
        bool matched = false;
        for (const struct hp_workload *const *it = hp_workload_table; *it && !matched; it++)
            matched = fnmatch(sel->workload_patterns[i], (*it)->name, 0) == 0;
        if (!matched) {
            free(ex.cases);
            return hp_error_set(err, "--workload '%s' matches no workload (see `hotpath list`)",
                                sel->workload_patterns[i]);
        }
    }
    if (refuse_unknown_params(sel, err) != 0)
        return -1;
    for (const struct hp_workload *const *it = hp_workload_table; *it; it++) {
        if (!hp_selection_matches(sel, *it))
            continue;
        if (expand_workload(sel, *it, &ex, err) != 0) {
            free(ex.cases);
            return -1;
        }
    }
    bool has_overhead_case = false;
    for (size_t i = 0; i < ex.count; i++)
        has_overhead_case |= hp_case_is_overhead_measure(&ex.cases[i]);
    if (sel->add_overhead_probe && !has_overhead_case) {
        struct hp_case c;
        memset(&c, 0, sizeof c);
        c.workload = hp_workload_overhead_probe();
        c.threads = 1;
        c.mode = HP_MODE_BATCH;
        if (c.workload && push_case(&ex, &c, err) != 0) {
            free(ex.cases);
            return -1;
        }
    }
    if (ex.count == 0) {
        free(ex.cases);
        return hp_error_set(err, "the selection gives no case to run");
    }
    bool cold = false;
    for (size_t i = 0; i < ex.count; i++)
        cold |= ex.cases[i].cold;
    if (sel->cache != HP_CACHE_WARM && !cold) {
        free(ex.cases);
        return hp_error_set(err,
                            "--cache %s: none of the selected workloads runs cold (cold "
                            "mode needs independent instances, in batch mode: the router "
                            "workloads but the writer ones, and null)",
                            sel->cache == HP_CACHE_COLD ? "cold" : "both");
    }
    if (hp_cases_refuse_duplicate_names(ex.cases, ex.count, err) != 0) {
        free(ex.cases);
        return -1;
    }
    *cases = ex.cases;
    *count = ex.count;
    return 0;
}
