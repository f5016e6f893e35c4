/* The static registry of implementations, one table per axis.
 *
 * An axis is one decision under test (how routes are stored, how objects are pooled, ...).
 * Each axis has one ops interface (a small struct of function pointers, like the kernel's
 * file_operations) declared in impls/<axis>/<axis>.h; every implementation is one file that
 * defines one const instance of it. Each ops struct starts with `struct hp_impl_info info`, so
 * the registry can list, find and name implementations of any axis without knowing its ops.
 *
 * To add an implementation: write impls/<axis>/<name>.c defining the ops, and add its `.info`
 * to the axis table in impls/<axis>/<axis>_table.c. Nothing else needs to change.
 */
#ifndef HOTPATH_REGISTRY_H
#define HOTPATH_REGISTRY_H

#include <stddef.h>

enum hp_axis_id {
    HP_AXIS_ROUTER,
    HP_AXIS_POOL,
    HP_AXIS_BUFFER_POOL,
    HP_AXIS_CONTEXT,
    HP_AXIS_HEADER_WRITER,
    HP_AXIS_RESPONSE_WRITER,
    HP_AXIS_QUEUE,
    HP_AXIS_COUNT
};

struct hp_impl_info {
    const char *name;    /* short, stable, used on the command line and in results files */
    const char *summary; /* one line for `hotpath list` */
};

struct hp_axis {
    const char *name; /* "router", "pool", ... also the command-line flag: --router NAME */
    const char *summary;
    const struct hp_impl_info *const *impls; /* NULL-terminated */
};

const struct hp_axis *hp_axis_get(enum hp_axis_id id);
size_t hp_axis_impl_count(enum hp_axis_id id);
/* NULL when no implementation of that axis has that name. */
const struct hp_impl_info *hp_impl_find(enum hp_axis_id id, const char *name);
/* -1 when no axis has that name. */
int hp_axis_find(const char *name);

/* The axis tables, each defined in impls/<axis>/<axis>_table.c (NULL-terminated). */
extern const struct hp_impl_info *const hp_router_table[];
extern const struct hp_impl_info *const hp_pool_table[];
extern const struct hp_impl_info *const hp_buffer_pool_table[];
extern const struct hp_impl_info *const hp_context_table[];
extern const struct hp_impl_info *const hp_header_writer_table[];
extern const struct hp_impl_info *const hp_response_writer_table[];
extern const struct hp_impl_info *const hp_queue_table[];

#endif
