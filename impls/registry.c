#include "registry.h"

#include <stdio.h>
#include <string.h>

static const struct hp_axis axes[HP_AXIS_COUNT] = {
#define HP_AXIS(id, name, summary) [HP_AXIS_##id] = {#name, summary, hp_##name##_table},
#include "axis_list.h"
#undef HP_AXIS
};

const struct hp_axis *hp_axis_get(enum hp_axis_id id)
{
    return &axes[id];
}

size_t hp_axis_impl_count(enum hp_axis_id id)
{
    size_t n = 0;
    while (axes[id].impls[n])
        n++;
    return n;
}

const struct hp_impl_info *hp_impl_find(enum hp_axis_id id, const char *name)
{
    for (const struct hp_impl_info *const *it = axes[id].impls; *it; it++)
        if (strcmp((*it)->name, name) == 0)
            return *it;
    return NULL;
}

int hp_axis_find(const char *name)
{
    for (int id = 0; id < HP_AXIS_COUNT; id++)
        if (strcmp(axes[id].name, name) == 0)
            return id;
    return -1;
}

size_t hp_axis_impl_names(enum hp_axis_id id, char *out, size_t size)
{
    size_t used = 0;
    out[0] = '\0';
    for (const struct hp_impl_info *const *it = axes[id].impls; *it; it++)
        used += (size_t)snprintf(out + used, used < size ? size - used : 0, "%s%s",
                                 used ? ", " : "", (*it)->name);
    if (used == 0)
        used = (size_t)snprintf(out, size, "none registered yet");
    return used;
}

const char *hp_gain_bound_name(enum hp_gain_bound bound)
{
    switch (bound) {
    case HP_GAIN_LIKE_FOR_LIKE:
        return "like-for-like";
    case HP_GAIN_LOWER_BOUND:
        return "lower bound";
    case HP_GAIN_UPPER_BOUND:
        return "upper bound";
    case HP_GAIN_UNBOUNDED:
        return "unbounded";
    case HP_GAIN_UNDECLARED:
        break;
    }
    return "undeclared";
}

static enum hp_gain_bound combine(enum hp_gain_bound a, enum hp_gain_bound b)
{
    if (a == HP_GAIN_UNDECLARED || b == HP_GAIN_UNDECLARED)
        return HP_GAIN_UNDECLARED;
    if (a == HP_GAIN_LIKE_FOR_LIKE)
        return b;
    if (b == HP_GAIN_LIKE_FOR_LIKE || a == b)
        return a;
    return HP_GAIN_UNBOUNDED;
}

/* The chain of references from info up to its axis's reference (at most `max` links). */
static size_t ancestors(enum hp_axis_id axis, const struct hp_impl_info *info,
                        const struct hp_impl_info **out, size_t max)
{
    size_t n = 0;
    while (info && n < max) {
        out[n++] = info;
        info = info->reference ? hp_impl_find(axis, info->reference) : NULL;
    }
    return n;
}

enum hp_gain_bound hp_step_bound(enum hp_axis_id axis, const struct hp_impl_info *from,
                                 const struct hp_impl_info *to)
{
    enum { CHAIN_MAX = 32 };
    const struct hp_impl_info *up_from[CHAIN_MAX], *up_to[CHAIN_MAX];
    size_t n_from = ancestors(axis, from, up_from, CHAIN_MAX);
    size_t n_to = ancestors(axis, to, up_to, CHAIN_MAX);
    /* The first common ancestor; every link below it on either side is one declared step. */
    for (size_t i = 0; i < n_from; i++)
        for (size_t j = 0; j < n_to; j++)
            if (up_from[i] == up_to[j]) {
                enum hp_gain_bound bound = HP_GAIN_LIKE_FOR_LIKE;
                for (size_t k = 0; k < i; k++)
                    bound = combine(bound, up_from[k]->bound);
                for (size_t k = 0; k < j; k++)
                    bound = combine(bound, up_to[k]->bound);
                return bound;
            }
    return HP_GAIN_UNDECLARED;
}
