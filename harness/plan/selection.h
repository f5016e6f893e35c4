/* From what the user asked for to the list of cases: workloads matching glob patterns, times
 * the implementations chosen on each axis the workload uses (all of them unless narrowed),
 * times the thread counts, times the modes. */
#ifndef HOTPATH_SELECTION_H
#define HOTPATH_SELECTION_H

#include <stdbool.h>
#include <stddef.h>

#include "runner.h"
#include "values.h"

enum { HP_SELECTION_MAX_ITEMS = 64, HP_SELECTION_MAX_PARAMS = HP_WORKLOAD_PARAMS_MAX };

struct hp_selection {
    const char *workload_patterns[HP_SELECTION_MAX_ITEMS]; /* fnmatch; '*' crosses '/' */
    size_t workload_pattern_count;
    /* Per axis: the implementations to run; none listed means all of them. */
    const struct hp_impl_info *impls[HP_AXIS_COUNT][HP_SELECTION_MAX_ITEMS];
    size_t impl_count[HP_AXIS_COUNT];
    /* Per axis: `--AXIS all` given (overrides a workload's axis_default). */
    bool impl_all[HP_AXIS_COUNT];
    unsigned threads[HP_SELECTION_MAX_ITEMS];
    size_t thread_count;
    bool batch;
    bool latency;
    /* --cache: warm (the default, 0), cold or both (cold.h). Cold cases are made only for the
     * workloads flagged HP_WORKLOAD_INSTANCES, in batch mode. */
    enum hp_cache_choice { HP_CACHE_WARM, HP_CACHE_COLD, HP_CACHE_BOTH } cache;
    bool add_overhead_probe; /* the null case, batch, 1 thread: the harness overhead of the run */
    /* --param NAME=LIST: some selected workload must declare NAME; each value is a case of the
     * workloads that do (the others run once); a declared parameter not given runs at its
     * default. */
    struct hp_param_values params[HP_SELECTION_MAX_PARAMS];
    size_t param_count;
};

/* Adds one --param (values.h syntax); refuses a name given twice and too many parameters. */
int hp_selection_add_param(struct hp_selection *sel, const char *text, struct hp_error *err);

/* Parses "radix,linear" or "all" for an axis into sel->impls[axis]. Refuses unknown names, a
 * name listed twice and "all" in a list. */
int hp_selection_set_impls(struct hp_selection *sel, int axis, char *list, struct hp_error *err);

/* Whether workload w matches one of sel's patterns. */
bool hp_selection_matches(const struct hp_selection *sel, const struct hp_workload *w);

/* The main job's workloads (the README's), for a run given none: the overhead probe, the
 * GitHub route set (all, static, param2), pool/get_put, http/parse/line3. */
void hp_selection_main_job(struct hp_selection *sel);

/* Builds the cases (calloc'ed array, names filled). Refuses patterns matching no workload,
 * explicitly named implementations a matched workload cannot run, a --param no matched workload
 * declares or a value outside a workload's range, and two cases of one name. */
int hp_selection_expand(const struct hp_selection *sel, struct hp_case **cases, size_t *count,
                        struct hp_error *err);

/* Refuses (-1, err naming it) a list in which two cases have one name: every reader of results
 * refuses such a file. */
int hp_cases_refuse_duplicate_names(const struct hp_case *cases, size_t count,
                                    struct hp_error *err);

#endif
