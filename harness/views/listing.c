/* `hotpath list` (listing.h). */
#include "listing.h"

#include <dirent.h>
#include <stdlib.h>
#include <string.h>

#include "claims.h"
#include "data_dir.h"
#include "workload_table.h"

static void list_axes(FILE *f)
{
    fprintf(f, "Axes and implementations (choose with --AXIS NAME[,NAME...] on `hotpath run`):\n");
    for (int axis = 0; axis < HP_AXIS_COUNT; axis++) {
        const struct hp_axis *a = hp_axis_get(axis);
        fprintf(f, "  %-16s %s\n", a->name, a->summary);
        if (!a->impls[0])
            fprintf(f, "    %-20s %s\n", "(none yet)", "");
        for (const struct hp_impl_info *const *it = a->impls; *it; it++) {
            const struct hp_impl_info *impl = *it;
            fprintf(f, "    %-20s %s\n", impl->name, impl->summary);
            /* The implementation's own fidelity declaration (registry.h). */
            fprintf(f, "    %-20s   models: %s\n", "",
                    impl->models ? impl->models : "(undeclared)");
            if (impl->reference)
                fprintf(f, "    %-20s   gain from %s: %s (%s)\n", "", impl->reference,
                        hp_gain_bound_name(impl->bound), impl->bound_reason);
            else
                fprintf(f, "    %-20s   a reference; gains against it: %s (%s)\n", "",
                        hp_gain_bound_name(impl->bound), impl->bound_reason);
        }
    }
}

static void list_workloads(FILE *f)
{
    fprintf(f, "\nWorkloads (choose with --workload PATTERN):\n");
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
        fprintf(f, "  %-32s %s%s\n", (*it)->name, (*it)->summary, axes);
        for (size_t i = 0; i < hp_workload_param_count(*it); i++) {
            const struct hp_workload_param *p = &(*it)->params[i];
            fprintf(f, "  %-32s   --param %s=LIST: %s (%llu to %llu, default %llu)\n", "", p->name,
                    p->summary, (unsigned long long)p->min, (unsigned long long)p->max,
                    (unsigned long long)p->default_value);
        }
    }
}

static int by_name(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static void list_phase_files(FILE *f, const char *workloads_dir)
{
    fprintf(f, "\nPhase files (run with --phases NAME; in %s/):\n", workloads_dir);
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
        fprintf(f, "  (none yet)\n");
    for (size_t i = 0; i < count; i++) {
        fprintf(f, "  %s\n", names[i]);
        free(names[i]);
    }
}

int hp_list_write(FILE *f, bool claims, struct hp_error *err)
{
    if (claims)
        return hp_claims_write_catalogue(f) != 0 || fflush(f) != 0
                   ? hp_error_set(err, "list --claims: cannot write to stdout")
                   : 0;
    char workloads_dir[4096];
    if (hp_data_path("workloads", workloads_dir, sizeof workloads_dir, err) != 0)
        return -1;
    list_axes(f);
    list_workloads(f);
    list_phase_files(f, workloads_dir);
    return 0;
}
