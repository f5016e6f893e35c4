/* The static registry of implementations, one table per axis.
 *
 * An axis is one decision under test (how routes are stored, how objects are pooled, ...).
 * Each axis has one ops interface (a small struct of function pointers, like the kernel's
 * file_operations) declared in impls/<axis>s/<axis>.h; every implementation is one file that
 * defines one const instance of it. Each ops struct starts with `struct hp_impl_info info`, so
 * the registry can list, find and name implementations of any axis without knowing its ops.
 * What an implementation supports is data in its ops (flags such as HP_ROUTER_CONCURRENT_WRITES,
 * optional operations left NULL): callers decide by those, never by a name.
 *
 * To add an implementation (one file and one line):
 *   1. impls/<axis>s/NAME.c: its opening comment (at most 25 lines: technique, claim, what it
 *      models, its one difference from its reference, memory orders), the ops, and `.info`
 *      with its fidelity declaration (below);
 *   2. impls/<axis>s/<axis>_list.h: one line, HP_IMPL(hp_<axis>_NAME); the axis table and
 *      the declaration in <axis>.h are made from it.
 * `hotpath list`, `run --AXIS NAME`, phase files, results and the tests that iterate the table
 * (conformance, differential, loading work, pools, contexts, writers, pipeline) pick it up;
 * nothing else changes.
 *
 * To add an axis (seven files, plus its implementations):
 *   1. impls/axis_list.h: one line, HP_AXIS(ID, name, summary): the enum value, the table's
 *      declaration, the registry's row and the --name flag come from it;
 *   2. impls/<name>s/<name>.h: the ops interface, `struct hp_impl_info info` first, and the
 *      implementations' declarations made from <name>_list.h (as pools/pool.h does);
 *   3. impls/<name>s/<name>_list.h, one HP_IMPL line per implementation, and
 *      impls/<name>s/<name>_table.c, `hp_<name>_table` made from it (copy pools/pool_table.c);
 *   4. harness/cases/<name>_cases.c and one line in harness/cases/workload_list.h: a workload
 *      whose axes include HP_AXIS_BIT(HP_AXIS_<ID>), taking its implementation from
 *      params->composition;
 *   5. tests/test_<name>s.c: the conformance test, iterating the table.
 * Selection, phase files, results, compare, gate and report are axis-generic.
 */
#ifndef HOTPATH_REGISTRY_H
#define HOTPATH_REGISTRY_H

#include <stddef.h>

enum hp_axis_id {
#define HP_AXIS(id, name, summary) HP_AXIS_##id,
#include "axis_list.h"
#undef HP_AXIS
    HP_AXIS_COUNT
};

/* What a gain measured between two implementations is, for the systems they model. */
enum hp_gain_bound {
    HP_GAIN_LIKE_FOR_LIKE, /* the C analogues do the modelled work, no more and no less */
    HP_GAIN_LOWER_BOUND,   /* the modelled systems would gain more (e.g. the work removed is
                            * necessarily cheaper in C: no GC, jemalloc's thread cache) */
    HP_GAIN_UPPER_BOUND,   /* the modelled systems would gain less */
    HP_GAIN_UNBOUNDED,     /* steps bounded in opposite directions */
    HP_GAIN_UNDECLARED,    /* no chain of declared references joins the two */
};

/* An implementation's fidelity is declared here, next to its name, so that a report renders it
 * from the implementations themselves:
 *   - models: the function or system it stands for, and where that is;
 *   - reference: the implementation of the same axis it differs from in exactly one decision
 *     (its header comment names the decision), NULL for a reference;
 *   - bound: what a gain measured from `reference` to it is, for the modelled systems, with a
 *     one-line reason. For a reference: what gains measured against it are, as far as its own
 *     departures from its model go (its variants' bounds already account for them). */
struct hp_impl_info {
    const char *name;    /* short, stable, used on the command line and in results files */
    const char *summary; /* one line for `hotpath list` */
    const char *models;
    const char *reference;
    enum hp_gain_bound bound;
    const char *bound_reason;
};

/* The bound of a step from one implementation of an axis to another: the bounds of the steps
 * along the chain of references that joins them, combined (like-for-like steps add nothing,
 * lower and upper together leave the gain unbounded). HP_GAIN_UNDECLARED when no chain joins
 * them. The same for a step and its reverse (a bound on the size of the change). */
enum hp_gain_bound hp_step_bound(enum hp_axis_id axis, const struct hp_impl_info *from,
                                 const struct hp_impl_info *to);
/* "like-for-like", "lower bound", ...: stable words for reports. */
const char *hp_gain_bound_name(enum hp_gain_bound bound);

struct hp_axis {
    const char *name; /* "router", "pool", ... also the command-line flag: --router NAME */
    const char *summary;
    const struct hp_impl_info *const *impls; /* NULL-terminated */
};

/* A mask of axes (a workload's axes, say): bit HP_AXIS_BIT(id) per axis. */
#define HP_AXIS_BIT(id) (1u << (id))

/* One implementation chosen on each axis: what a case, a phase or the request pipeline runs. */
struct hp_composition {
    /* The implementation chosen on each axis; NULL on the axes not used. */
    const struct hp_impl_info *impl[HP_AXIS_COUNT];
};

const struct hp_axis *hp_axis_get(enum hp_axis_id id);
size_t hp_axis_impl_count(enum hp_axis_id id);
/* NULL when no implementation of that axis has that name. */
const struct hp_impl_info *hp_impl_find(enum hp_axis_id id, const char *name);
/* -1 when no axis has that name. */
int hp_axis_find(const char *name);
/* "linear, radix, ...": the names of an axis's implementations in table order, for messages;
 * "none registered yet" when it has none. Like snprintf: returns the full length. */
size_t hp_axis_impl_names(enum hp_axis_id id, char *out, size_t size);

/* The axis tables, each defined in impls/<axis>/<axis>_table.c (NULL-terminated):
 * hp_router_table, hp_pool_table, ... */
#define HP_AXIS(id, name, summary) extern const struct hp_impl_info *const hp_##name##_table[];
#include "axis_list.h"
#undef HP_AXIS

#endif
