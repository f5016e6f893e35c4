/* `hotpath list`: every axis and implementation, every workload, every shipped phase file;
 * `hotpath list --claims`: the claims catalogue (docs/claims.md). */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "claims.h"
#include "values.h"
#include "commands.h"
#include "data_dir.h"
#include "workload_table.h"

static void list_axes(void)
{
    printf("Axes and implementations (choose with --AXIS NAME[,NAME...] on `hotpath run`):\n");
    for (int axis = 0; axis < HP_AXIS_COUNT; axis++) {
        const struct hp_axis *a = hp_axis_get(axis);
        printf("  %-16s %s\n", a->name, a->summary);
        if (!a->impls[0])
            printf("    %-20s %s\n", "(none yet)", "");
        for (const struct hp_impl_info *const *it = a->impls; *it; it++) {
            const struct hp_impl_info *impl = *it;
            printf("    %-20s %s\n", impl->name, impl->summary);
            /* The implementation's own fidelity declaration (registry.h). */
            printf("    %-20s   models: %s\n", "", impl->models ? impl->models : "(undeclared)");
            if (impl->reference)
                printf("    %-20s   gain from %s: %s (%s)\n", "", impl->reference,
                       hp_gain_bound_name(impl->bound), impl->bound_reason);
            else
                printf("    %-20s   a reference; gains against it: %s (%s)\n", "",
                       hp_gain_bound_name(impl->bound), impl->bound_reason);
        }
    }
}

static void list_workloads(void)
{
    printf("\nWorkloads (choose with --workload PATTERN):\n");
    for (const struct hp_workload *const *it = hp_workload_table; *it; it++) {
        char axes[256] = "";
        size_t used = 0;
        for (int axis = 0; axis < HP_AXIS_COUNT; axis++)
            if ((*it)->axes & HP_AXIS_BIT(axis))
                used +=
                    (size_t)snprintf(axes + used, sizeof axes - used, "%s%s%s%s", used ? "," : " [",
                                     hp_axis_get(axis)->name, (*it)->axis_default[axis] ? "=" : "",
                                     (*it)->axis_default[axis] ? (*it)->axis_default[axis] : "");
        if (used)
            snprintf(axes + used, sizeof axes - used, "]");
        printf("  %-32s %s%s\n", (*it)->name, (*it)->summary, axes);
    }
}

static int by_name(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static void list_phase_files(const char *workloads_dir)
{
    printf("\nPhase files (run with --phases NAME; in %s/):\n", workloads_dir);
    DIR *d = opendir(workloads_dir);
    char *names[256];
    size_t count = 0;
    struct dirent *e;
    while (d && (e = readdir(d)) && count < 256) {
        size_t len = strlen(e->d_name);
        if (len > 7 && strcmp(e->d_name + len - 7, ".phases") == 0)
            names[count++] = strdup(e->d_name);
    }
    if (d)
        closedir(d);
    qsort(names, count, sizeof names[0], by_name);
    if (count == 0)
        printf("  (none yet)\n");
    for (size_t i = 0; i < count; i++) {
        printf("  %s\n", names[i]);
        free(names[i]);
    }
}

int hp_cmd_list(int argc, char **argv)
{
    struct hp_error err;
    if (argc == 2 && strcmp(argv[1], "--claims") == 0) {
        if (hp_claims_write_catalogue(stdout) != 0 || fflush(stdout) != 0) {
            fprintf(stderr, "hotpath: list --claims: cannot write to stdout\n");
            return 1;
        }
        return 0;
    }
    if (argc > 1) {
        hp_error_set(&err, "list takes no arguments but --claims (got '%s')", argv[1]);
        return hp_usage_error(&err);
    }
    char workloads_dir[4096];
    if (hp_data_path("workloads", workloads_dir, sizeof workloads_dir, &err) != 0)
        return hp_usage_error(&err);
    list_axes();
    list_workloads();
    list_phase_files(workloads_dir);
    return 0;
}
