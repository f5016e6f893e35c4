/* An optional request-path cleaner (conformance item 27); routers never call it themselves.
 *
 * The cleaned path (after Go's path.Clean, with httprouter's trailing-slash rule): starts with
 * `/`; `//` collapses to `/`; `.` segments go; `..` removes the segment before it (never past
 * the root); a trailing `/` (or a trailing `.` segment) is kept when the result is not `/`.
 */
#ifndef HOTPATH_PATH_CLEAN_H
#define HOTPATH_PATH_CLEAN_H

#include <stddef.h>

/* Returns `path` itself, without copying, when it is already clean; otherwise writes the
 * cleaned path into buf (a capacity of len + 1 always suffices) and returns buf, or NULL when
 * cap is too small. *out_len gets the cleaned length. Never allocates. */
const char *hp_path_clean(const char *path, size_t len, char *buf, size_t cap, size_t *out_len);

#endif
