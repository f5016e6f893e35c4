#include "data_dir.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static int is_dir(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

/* Whether DIR/workloads is a directory: what makes DIR a data directory. */
static int holds_workloads(const char *dir)
{
    char path[4200];
    return snprintf(path, sizeof path, "%s/workloads", dir) < (int)sizeof path && is_dir(path);
}

static int find_data_dir(char *out, size_t size, struct hp_error *err)
{
    const char *env = getenv("HOTPATH_DATA_DIR");
    if (env && *env) {
        if (!holds_workloads(env))
            return hp_error_set(err,
                                "HOTPATH_DATA_DIR=%s holds no workloads/ directory (it must name "
                                "hotpath's data directory, e.g. PREFIX/share/hotpath)",
                                env);
        if (snprintf(out, size, "%s", env) >= (int)size)
            return hp_error_set(err, "HOTPATH_DATA_DIR=%s: path too long", env);
        return 0;
    }
    char exe_dir[4096];
    ssize_t len = readlink("/proc/self/exe", exe_dir, sizeof exe_dir - 1);
    if (len <= 0)
        return hp_error_set(err,
                            "cannot find this executable (/proc/self/exe: %s), so not its data "
                            "directory either; set HOTPATH_DATA_DIR",
                            len < 0 ? strerror(errno) : "empty");
    exe_dir[len] = '\0';
    *strrchr(exe_dir, '/') = '\0'; /* the kernel's path is absolute: it has a '/' */
    char parent[4096];
    snprintf(parent, sizeof parent, "%s", exe_dir);
    char *slash = strrchr(parent, '/');
    if (slash)
        *slash = '\0';
    char installed[4200], build_tree[4200];
    snprintf(installed, sizeof installed, "%s/share/hotpath", parent);
    snprintf(build_tree, sizeof build_tree, "%s/share/hotpath", exe_dir);
    const char *candidates[] = {installed, build_tree};
    for (size_t i = 0; i < sizeof candidates / sizeof candidates[0]; i++)
        if (holds_workloads(candidates[i])) {
            if (snprintf(out, size, "%s", candidates[i]) >= (int)size)
                return hp_error_set(err, "%s: path too long", candidates[i]);
            return 0;
        }
    return hp_error_set(err,
                        "no data directory (route sets, request lists, phase files, chart "
                        "templates): looked in $HOTPATH_DATA_DIR (not set), %s and %s; install "
                        "hotpath with `cmake --install BUILD --prefix PREFIX` and run "
                        "PREFIX/bin/hotpath, or set HOTPATH_DATA_DIR to PREFIX/share/hotpath",
                        installed, build_tree);
}

int hp_data_path(const char *relative, char *out, size_t size, struct hp_error *err)
{
    char dir[4096];
    if (find_data_dir(dir, sizeof dir, err) != 0)
        return -1;
    if (snprintf(out, size, "%s/%s", dir, relative) >= (int)size)
        return hp_error_set(err, "%s/%s: path too long", dir, relative);
    return 0;
}

int hp_data_find_phases(const char *name, const char *workloads_dir, char *out, size_t size,
                        struct hp_error *err)
{
    if (strchr(name, '/') || access(name, F_OK) == 0) {
        if (snprintf(out, size, "%s", name) >= (int)size)
            return hp_error_set(err, "--phases %s: path too long", name);
        return 0;
    }
    if (snprintf(out, size, "%s/%s", workloads_dir, name) >= (int)size)
        return hp_error_set(err, "--phases %s: path too long", name);
    if (access(out, F_OK) != 0)
        return hp_error_set(err,
                            "--phases %s: no such file in the current directory nor in %s/ "
                            "(`hotpath list` shows the shipped phase files)",
                            name, workloads_dir);
    return 0;
}
