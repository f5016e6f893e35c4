/* Where hotpath finds the files it ships besides itself: the route sets, request lists and phase
 * files (DATA/workloads/) and the gnuplot chart templates (DATA/gnuplot/).
 *
 * DATA is, first hit wins:
 *   $HOTPATH_DATA_DIR          when set and non-empty; it must hold workloads/ (no fallback, so
 *                              a wrong setting is reported rather than silently ignored)
 *   EXE/../share/hotpath       an installed hotpath: PREFIX/bin/hotpath beside PREFIX/share/hotpath
 *   EXE/share/hotpath          a build tree: the build links BUILD/share/hotpath to the sources
 * where EXE is the directory of the running executable (/proc/self/exe). No path is compiled in,
 * so a copied or installed binary never reads another tree's files: it finds its own data, or
 * says where it looked.
 */
#ifndef HOTPATH_DATA_DIR_H
#define HOTPATH_DATA_DIR_H

#include <stddef.h>

#include "common/error.h"

/* DATA + "/" + relative into out. Returns 0, or -1 with one message naming every place looked
 * in (and how to install the data or set HOTPATH_DATA_DIR). The file itself need not exist. */
int hp_data_path(const char *relative, char *out, size_t size, struct hp_error *err);

/* The phase file that `--phases NAME` means: NAME as given when it names a path (has a '/') or
 * exists in the current directory; otherwise WORKLOADS_DIR/NAME (the shipped plans, as
 * `hotpath list` names them), when that exists. Returns 0, or -1 with a message saying both
 * places looked in. */
int hp_data_find_phases(const char *name, const char *workloads_dir, char *out, size_t size,
                        struct hp_error *err);

#endif
