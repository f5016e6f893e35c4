/* linear: every route of the method tried in turn, segment by segment; the oracle.
 * Technique: plain scan; among the routes that match, the winner is decided by comparing their
 * segment kinds left to right (static beats param beats catch-all at the first position where
 * they differ), which is the priority rule stated directly instead of built into a tree.
 * Claim: none (the floor every claim is measured above, and the differential tests' oracle).
 * Difference from its reference (radix): no tree at all; cost grows with the number of routes.
 * No add_all: loading a table checks each route against every registered one (n^2 / 2 checks),
 * the rule as route_set.h states it, which the other routers' linear-time checks are held to. */
#include <stdlib.h>
#include <string.h>

#include "routers/route_set.h"

struct route_list {
    const struct hp_route **items;
    size_t count, capacity;
};

struct hp_router {
    struct route_list by_method[HP_METHOD_COUNT];
};

/* The request path as matched: `len` real bytes, then a virtual '/' when total == len + 1
 * (to ask whether the path with a slash appended would match, without copying it). */
struct subject {
    const char *path;
    size_t len, total;
    bool ignore_case; /* static segments compared with hp_case_equal (the suggestion search) */
};

struct span {
    size_t offset, len;
};

static size_t subject_segment_end(const struct subject *s, size_t from)
{
    if (from >= s->len)
        return from < s->total ? from : s->total; /* at the virtual slash: empty segment */
    const char *slash = memchr(s->path + from, '/', s->len - from);
    return slash ? (size_t)(slash - s->path) : s->len;
}

/* Does `route` match? Fills spans (at most HP_ROUTE_PARAMS_MAX) when not NULL. */
static bool route_matches(const struct hp_route *route, const struct subject *s, struct span *spans,
                          uint32_t *span_count)
{
    const char *p = route->pattern;
    size_t plen = route->pattern_len;
    if (s->len == 0 || s->path[0] != '/')
        return false;
    size_t pp = 1, sp = 1;
    uint32_t k = 0;
    for (;;) {
        const char *pslash = memchr(p + pp, '/', plen - pp);
        size_t pend = pslash ? (size_t)(pslash - p) : plen;
        char kind = pp < pend ? p[pp] : 0;
        if (kind == '*') {
            if (spans) {
                spans[k].offset = sp - 1;
                spans[k].len = s->total - sp + 1;
            }
            k++;
            break;
        }
        size_t send = subject_segment_end(s, sp);
        if (kind == ':') {
            if (send == sp)
                return false;
            if (spans) {
                spans[k].offset = sp;
                spans[k].len = send - sp;
            }
            k++;
        } else if (send - sp != pend - pp ||
                   (s->ignore_case ? !hp_case_equal(s->path + sp, p + pp, pend - pp)
                                   : memcmp(s->path + sp, p + pp, pend - pp) != 0)) {
            return false;
        }
        if (pend == plen) {
            if (send != s->total)
                return false;
            break;
        }
        if (send == s->total)
            return false; /* the pattern has another segment, the path does not */
        pp = pend + 1;
        sp = send + 1;
    }
    if (span_count)
        *span_count = k;
    return true;
}

static char segment_kind_at(const char *p, size_t plen, size_t *pos)
{
    size_t seg = *pos;
    const char *slash = memchr(p + seg, '/', plen - seg);
    *pos = slash ? (size_t)(slash - p) + 1 : plen + 1;
    char c = seg < plen ? p[seg] : 0;
    return c == ':' ? 1 : c == '*' ? 2 : 0;
}

/* Both match the same path: true when `a` has the more specific segment at the first position
 * where their kinds differ (static 0 < param 1 < catch-all 2). */
static bool more_specific(const struct hp_route *a, const struct hp_route *b)
{
    size_t pa = 1, pb = 1;
    while (pa <= a->pattern_len && pb <= b->pattern_len) {
        char ka = segment_kind_at(a->pattern, a->pattern_len, &pa);
        char kb = segment_kind_at(b->pattern, b->pattern_len, &pb);
        if (ka != kb)
            return ka < kb;
    }
    return false;
}

static const struct hp_route *best_match(const struct route_list *list, const struct subject *s)
{
    const struct hp_route *best = NULL;
    for (size_t i = 0; i < list->count; i++)
        if (route_matches(list->items[i], s, NULL, NULL) &&
            (!best || more_specific(list->items[i], best)))
            best = list->items[i];
    return best;
}

static struct hp_router *linear_create(struct hp_error *err)
{
    struct hp_router *r = calloc(1, sizeof *r);
    if (!r)
        hp_error_set(err, "out of memory");
    return r;
}

static int linear_add(struct hp_router *r, const struct hp_route *route, struct hp_error *err)
{
    if (hp_route_pattern_check(route, err) < 0)
        return -1;
    struct route_list *list = &r->by_method[route->method];
    for (size_t i = 0; i < list->count; i++)
        if (hp_route_conflict_check(list->items[i], route, err) < 0)
            return -1;
    if (list->count == list->capacity) {
        size_t cap = list->capacity ? list->capacity * 2 : 16;
        const struct hp_route **items = realloc(list->items, cap * sizeof *items);
        if (!items)
            return hp_error_set(err, "out of memory");
        list->items = items;
        list->capacity = cap;
    }
    list->items[list->count++] = route;
    return 0;
}

static void linear_lookup(const struct hp_router *r, enum hp_method method, const char *path,
                          size_t len, struct hp_match *out)
{
    len = hp_route_path_len(path, len);
    out->allowed = 0;
    out->params.count = 0;
    struct subject s = {path, len, len, false};
    const struct route_list *list =
        (unsigned)method < HP_METHOD_COUNT ? &r->by_method[method] : NULL;
    const struct hp_route *best = list ? best_match(list, &s) : NULL;
    if (best) {
        struct span spans[HP_ROUTE_PARAMS_MAX];
        uint32_t k = 0;
        route_matches(best, &s, spans, &k);
        if (!hp_params_reserve(&out->params, k)) {
            out->status = HP_MATCH_NOT_FOUND;
            return;
        }
        const char *p = best->pattern;
        size_t pos = 1;
        for (uint32_t j = 0; j < k; pos++) {
            if ((p[pos] == ':' || p[pos] == '*') && p[pos - 1] == '/') {
                size_t end = pos + 1;
                while (end < best->pattern_len && p[end] != '/')
                    end++;
                struct hp_param *param = &out->params.items[j];
                param->name = p + pos + 1;
                param->name_len = (uint32_t)(end - pos - 1);
                param->value = path + spans[j].offset;
                param->value_len = (uint32_t)spans[j].len;
                j++;
                pos = end;
            }
        }
        out->route_id = best->id;
        out->status = HP_MATCH_FOUND;
        return;
    }
    if (list && len > 0) {
        struct subject other = path[len - 1] == '/'
                                   ? (struct subject){path, len - 1, len - 1, false}
                                   : (struct subject){path, len, len + 1, false};
        if ((path[len - 1] != '/' || len > 1) && best_match(list, &other)) {
            out->status =
                path[len - 1] == '/' ? HP_MATCH_REDIRECT_REMOVE_SLASH : HP_MATCH_REDIRECT_ADD_SLASH;
            return;
        }
    }
    for (int m = 0; m < HP_METHOD_COUNT; m++)
        if (m != (int)method && best_match(&r->by_method[m], &s))
            out->allowed |= 1u << m;
    out->status = out->allowed ? HP_MATCH_METHOD_NOT_ALLOWED : HP_MATCH_NOT_FOUND;
}

/* Every route of the method that matches ignoring case; the preferred one by the shared
 * candidate order, compared directly (no tree, so no claim about walk order to trust). */
static size_t linear_find_case_insensitive(const struct hp_router *r, enum hp_method method,
                                           const char *path, size_t len, char *out, size_t cap)
{
    len = hp_route_path_len(path, len);
    if ((unsigned)method >= HP_METHOD_COUNT || cap < len || len == 0)
        return 0;
    const struct route_list *list = &r->by_method[method];
    struct subject s = {path, len, len, true};
    const struct hp_route *best = NULL;
    for (size_t i = 0; i < list->count; i++) {
        const struct hp_route *route = list->items[i];
        if (route_matches(route, &s, NULL, NULL) &&
            (!best || hp_case_candidate_compare(route->pattern, route->pattern_len, best->pattern,
                                                best->pattern_len) < 0))
            best = route;
    }
    if (!best)
        return 0;
    hp_case_fixed_path(best->pattern, best->pattern_len, path, len, out);
    return len;
}

static void linear_destroy(struct hp_router *r)
{
    if (!r)
        return;
    for (int m = 0; m < HP_METHOD_COUNT; m++)
        free(r->by_method[m].items);
    free(r);
}

const struct hp_router_ops hp_router_linear = {
    .info =
        {
            .name = "linear",
            .summary = "scan every route, segment by segment (the oracle)",
            .models = "no system: every route tried in turn, the differential tests' oracle",
            .reference = "radix",
            .bound = HP_GAIN_UNDECLARED,
            .bound_reason = "it models nothing",
        },
    .flags = HP_ROUTER_QUADRATIC_LOADING,
    .create = linear_create,
    .add = linear_add,
    .lookup = linear_lookup,
    .find_case_insensitive = linear_find_case_insensitive,
    .match_release = hp_match_release_default,
    .destroy = linear_destroy,
};
