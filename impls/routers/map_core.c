/* The static-map-then-tree structure (see map_core.h). */
#include "routers/map_core.h"

#include <stdlib.h>

const char *const hp_map_method_names[HP_METHOD_COUNT] = {
    "GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "CONNECT", "TRACE"};
const uint8_t hp_map_method_name_lens[HP_METHOD_COUNT] = {3, 4, 4, 3, 5, 6, 7, 7, 5};

static bool valid_method(enum hp_method m)
{
    return (unsigned)m < HP_METHOD_COUNT;
}

void hp_map_core_init(struct hp_map_core *core, enum hp_map_key_shape shape)
{
    memset(core, 0, sizeof *core);
    core->shape = shape;
}

void hp_map_core_destroy(struct hp_map_core *core)
{
    hp_route_hash_free(&core->combined);
    for (int m = 0; m < HP_METHOD_COUNT; m++)
        hp_route_hash_free(&core->by_method[m]);
    hp_radix_forest_destroy(&core->dynamic);
}

/* Bytes of "METHOD:" + path, the combined key; the same placement rule for both shapes. */
static inline size_t combined_key_len(enum hp_method m, size_t path_len)
{
    return (size_t)hp_map_method_name_lens[m] + 1 + path_len;
}

bool hp_map_core_route_is_mapped(const struct hp_route *route)
{
    if (!valid_method(route->method) ||
        combined_key_len(route->method, route->pattern_len) > HP_MAP_KEY_MAX)
        return false;
    const char *p = route->pattern;
    for (uint32_t i = 1; i < route->pattern_len; i++)
        if ((p[i] == ':' || p[i] == '*') && p[i - 1] == '/')
            return false;
    return true;
}

/* Writes "METHOD:" + path (+ '/' when add_slash) into key; the caller checked the length. */
static inline size_t build_key(char *key, enum hp_method m, const char *path, size_t len,
                               bool add_slash)
{
    size_t n = hp_map_method_name_lens[m];
    memcpy(key, hp_map_method_names[m], n);
    key[n++] = ':';
    memcpy(key + n, path, len);
    n += len;
    if (add_slash)
        key[n++] = '/';
    return n;
}

/* ---- probes: does the method's map hold exactly this path (plus a '/' when add_slash)? ---- */

static inline __attribute__((always_inline)) uint32_t probe_combined(const struct hp_map_core *core,
                                                                     enum hp_method m,
                                                                     const char *path, size_t len,
                                                                     bool add_slash)
{
    if (combined_key_len(m, len + add_slash) > HP_MAP_KEY_MAX)
        return HP_ROUTE_HASH_MISS; /* longer static routes live in the tree */
    char key[HP_MAP_KEY_MAX];
    size_t n = build_key(key, m, path, len, add_slash);
    return hp_route_hash_lookup(&core->combined, key, n);
}

static inline __attribute__((always_inline)) uint32_t probe_split(const struct hp_map_core *core,
                                                                  enum hp_method m,
                                                                  const char *path, size_t len,
                                                                  bool add_slash)
{
    if (combined_key_len(m, len + add_slash) > HP_MAP_KEY_MAX)
        return HP_ROUTE_HASH_MISS;
    if (!add_slash)
        return hp_route_hash_lookup(&core->by_method[m], path, len);
    char key[HP_MAP_KEY_MAX]; /* slow path only: redirect suggestions */
    memcpy(key, path, len);
    key[len] = '/';
    return hp_route_hash_lookup(&core->by_method[m], key, len + 1);
}

typedef uint32_t (*probe_fn)(const struct hp_map_core *, enum hp_method, const char *, size_t,
                             bool);

/* After the method's map and tree both missed: suggestion, then 405, then NOT_FOUND. */
static inline __attribute__((always_inline)) void answer_miss(const struct hp_map_core *core,
                                                              probe_fn probe, enum hp_method method,
                                                              const char *path, size_t len,
                                                              struct hp_match *out)
{
    out->params.count = 0;
    if (valid_method(method)) {
        enum hp_match_status s = HP_MATCH_NOT_FOUND;
        if (len > 0 && path[len - 1] == '/') {
            if (len > 1 && probe(core, method, path, len - 1, false) != HP_ROUTE_HASH_MISS)
                s = HP_MATCH_REDIRECT_REMOVE_SLASH;
        } else if (len > 0 && probe(core, method, path, len, true) != HP_ROUTE_HASH_MISS) {
            s = HP_MATCH_REDIRECT_ADD_SLASH;
        }
        if (s == HP_MATCH_NOT_FOUND)
            s = hp_radix_tree_slash_suggestion(core->dynamic.trees[method], path, len);
        if (s != HP_MATCH_NOT_FOUND) {
            out->status = s;
            return;
        }
    }
    uint32_t ignored;
    for (int m = 0; m < HP_METHOD_COUNT; m++) {
        if (m == (int)method)
            continue;
        if (probe(core, (enum hp_method)m, path, len, false) != HP_ROUTE_HASH_MISS ||
            hp_radix_tree_lookup(core->dynamic.trees[m], path, len, &ignored, NULL))
            out->allowed |= 1u << m;
    }
    out->status = out->allowed ? HP_MATCH_METHOD_NOT_ALLOWED : HP_MATCH_NOT_FOUND;
}

static __attribute__((noinline)) void miss_combined(const struct hp_map_core *core,
                                                    enum hp_method method, const char *path,
                                                    size_t len, struct hp_match *out)
{
    answer_miss(core, probe_combined, method, path, len, out);
}

static __attribute__((noinline)) void miss_split(const struct hp_map_core *core,
                                                 enum hp_method method, const char *path,
                                                 size_t len, struct hp_match *out)
{
    answer_miss(core, probe_split, method, path, len, out);
}

/* The hot path: the map, then the tree; everything else is out of line. */
static inline __attribute__((always_inline)) bool lookup_hit(const struct hp_map_core *core,
                                                             probe_fn probe, enum hp_method method,
                                                             const char *path, size_t len,
                                                             struct hp_match *out)
{
    out->allowed = 0;
    if (!valid_method(method))
        return false;
    uint32_t id = probe(core, method, path, len, false);
    if (id != HP_ROUTE_HASH_MISS) {
        out->params.count = 0;
        out->route_id = id;
        out->status = HP_MATCH_FOUND;
        return true;
    }
    if (hp_radix_tree_lookup(core->dynamic.trees[method], path, len, &out->route_id,
                             &out->params)) {
        out->status = HP_MATCH_FOUND;
        return true;
    }
    return false;
}

void hp_map_core_lookup_combined(const struct hp_map_core *core, enum hp_method method,
                                 const char *path, size_t len, struct hp_match *out)
{
    len = hp_route_path_len(path, len);
    if (!lookup_hit(core, probe_combined, method, path, len, out))
        miss_combined(core, method, path, len, out);
}

void hp_map_core_lookup_split(const struct hp_map_core *core, enum hp_method method,
                              const char *path, size_t len, struct hp_match *out)
{
    len = hp_route_path_len(path, len);
    if (!lookup_hit(core, probe_split, method, path, len, out))
        miss_split(core, method, path, len, out);
}

/* The case-insensitive search: the best static entry (every key of the method's table that
 * equals the path ignoring case; among them the smallest bytes, which is what the candidate
 * order says for two static routes), then the tree's answer, then the better of the two. A
 * scan of the table: this runs after a miss only, never on the lookup path. */
void hp_map_core_prefetch(const struct hp_map_core *core, size_t max_lines)
{
    size_t lines = hp_route_hash_prefetch(&core->combined, max_lines);
    for (int m = 0; m < HP_METHOD_COUNT && lines < max_lines; m++)
        lines += hp_route_hash_prefetch(&core->by_method[m], max_lines - lines);
    if (lines < max_lines)
        hp_radix_forest_prefetch(&core->dynamic, max_lines - lines);
}

size_t hp_map_core_find_case_insensitive(const struct hp_map_core *core, enum hp_method method,
                                         const char *path, size_t len, char *out, size_t cap)
{
    len = hp_route_path_len(path, len);
    if (!valid_method(method) || cap < len || len == 0)
        return 0;
    const struct hp_route_hash *table =
        core->shape == HP_MAP_KEY_COMBINED ? &core->combined : &core->by_method[method];
    size_t skip = core->shape == HP_MAP_KEY_COMBINED ? hp_map_method_name_lens[method] + 1u : 0;
    const char *best_static = NULL;
    for (size_t i = 0; table->slots && i <= table->mask; i++) {
        const struct hp_route_hash_slot *slot = &table->slots[i];
        if (!slot->key || slot->key_len != skip + len)
            continue;
        if (skip && (memcmp(slot->key, hp_map_method_names[method], skip - 1) != 0 ||
                     slot->key[skip - 1] != ':'))
            continue; /* another method's "METHOD:" key */
        const char *key = slot->key + skip;
        if (hp_case_equal(path, key, len) && (!best_static || memcmp(key, best_static, len) < 0))
            best_static = key;
    }
    const struct hp_route *dynamic =
        hp_radix_tree_find_case_insensitive(core->dynamic.trees[method], path, len, out);
    if (best_static && (!dynamic || hp_case_candidate_compare(best_static, len, dynamic->pattern,
                                                              dynamic->pattern_len) < 0)) {
        memcpy(out, best_static, len);
        return len;
    }
    return dynamic ? len : 0;
}

/* ---- registration ---- */

static int map_insert(struct hp_map_core *core, const struct hp_route *route, struct hp_error *err)
{
    enum hp_route_hash_insert_result r;
    if (core->shape == HP_MAP_KEY_COMBINED) {
        char key[HP_MAP_KEY_MAX];
        size_t n = build_key(key, route->method, route->pattern, route->pattern_len, false);
        r = hp_route_hash_insert(&core->combined, key, n, route->id, NULL);
    } else {
        r = hp_route_hash_insert(&core->by_method[route->method], route->pattern,
                                 route->pattern_len, route->id, NULL);
    }
    if (r == HP_ROUTE_HASH_INSERTED)
        return 0;
    char where[512];
    hp_route_where(route, where, sizeof where);
    if (r == HP_ROUTE_HASH_EXISTS) /* hp_route_list_check lets no duplicate through */
        return hp_error_set(err, "%s: duplicate static route", where);
    return hp_error_set(err, "%s: out of memory (or route id %u not storable)", where,
                        (unsigned)route->id);
}

int hp_map_core_insert(struct hp_map_core *core, const struct hp_route *route, struct hp_error *err)
{
    if (hp_map_core_route_is_mapped(route))
        return map_insert(core, route, err);
    return hp_radix_forest_insert(&core->dynamic, route, err);
}

int hp_map_core_insert_all(struct hp_map_core *core, const struct hp_route *routes, size_t count,
                           struct hp_error *err)
{
    int rc = 0;
    for (size_t i = 0; i < count && rc == 0; i++)
        rc = hp_map_core_route_is_mapped(&routes[i])
                 ? map_insert(core, &routes[i], err)
                 : hp_radix_forest_insert_bulk(&core->dynamic, &routes[i], err);
    hp_radix_forest_compile(&core->dynamic);
    return rc;
}

/* Inserts the mapped routes of `list` but `except` (may be NULL) into core's map(s), only
 * those of `only_method` when it is not -1; the combined table is sized once first. */
static int fill_maps(struct hp_map_core *core, const struct hp_route_list *list,
                     const struct hp_route *except, int only_method, struct hp_error *err)
{
    size_t mapped = 0;
    for (size_t i = 0; i < list->count; i++) {
        const struct hp_route *r = list->items[i];
        mapped += r != except && (only_method < 0 || (int)r->method == only_method) &&
                  hp_map_core_route_is_mapped(r);
    }
    /* Per-method tables grow as needed. */
    if (core->shape == HP_MAP_KEY_COMBINED && hp_route_hash_reserve(&core->combined, mapped) != 0)
        return hp_error_set(err, "out of memory");
    for (size_t i = 0; i < list->count; i++) {
        const struct hp_route *r = list->items[i];
        if (r == except || (only_method >= 0 && (int)r->method != only_method) ||
            !hp_map_core_route_is_mapped(r))
            continue;
        if (map_insert(core, r, err) != 0)
            return -1;
    }
    return 0;
}

int hp_map_core_build(struct hp_map_core *core, enum hp_map_key_shape shape,
                      const struct hp_route_list *list, const struct hp_route *except,
                      struct hp_error *err)
{
    hp_map_core_init(core, shape);
    if (fill_maps(core, list, except, -1, err) != 0)
        goto fail;
    for (size_t i = 0; i < list->count; i++) {
        const struct hp_route *route = list->items[i];
        if (route != except && !hp_map_core_route_is_mapped(route) &&
            hp_radix_forest_insert_bulk(&core->dynamic, route, err) != 0)
            goto fail;
    }
    hp_radix_forest_compile(&core->dynamic);
    return 0;
fail:
    hp_map_core_destroy(core);
    return -1;
}

/* A new compiled tree holding the routes of `list` that `method`'s tree holds in a core. */
static struct hp_radix_tree *build_method_tree(const struct hp_route_list *list,
                                               enum hp_method method, struct hp_error *err)
{
    struct hp_radix_tree *tree = hp_radix_tree_create(err);
    if (!tree)
        return NULL;
    for (size_t i = 0; i < list->count; i++) {
        const struct hp_route *r = list->items[i];
        if (r->method != method || hp_map_core_route_is_mapped(r))
            continue;
        if (hp_radix_tree_insert_bulk(tree, r, err) != 0) {
            hp_radix_tree_destroy(tree);
            return NULL;
        }
    }
    hp_radix_tree_compile(tree);
    return tree;
}

int hp_map_core_rebuild_part(struct hp_map_core *dst, const struct hp_map_core *base,
                             const struct hp_route_list *list, const struct hp_route *changed,
                             struct hp_error *err)
{
    if (!hp_map_core_route_is_mapped(changed)) {
        struct hp_radix_tree *tree = build_method_tree(list, changed->method, err);
        if (!tree)
            return -1;
        *dst = *base;
        dst->dynamic.trees[changed->method] = tree;
        return 0;
    }
    /* The map: a fresh table with the list's mapped routes (of the method, for split keys). */
    struct hp_map_core fresh;
    hp_map_core_init(&fresh, base->shape);
    int only_method = base->shape == HP_MAP_KEY_SPLIT ? (int)changed->method : -1;
    if (fill_maps(&fresh, list, NULL, only_method, err) != 0) {
        hp_map_core_destroy(&fresh);
        return -1;
    }
    *dst = *base;
    if (base->shape == HP_MAP_KEY_COMBINED)
        dst->combined = fresh.combined;
    else
        dst->by_method[changed->method] = fresh.by_method[changed->method];
    return 0;
}

int hp_map_core_remove(struct hp_map_core *core, const struct hp_route *route,
                       const struct hp_route_list *list, struct hp_error *err)
{
    if (hp_map_core_route_is_mapped(route)) {
        if (core->shape == HP_MAP_KEY_COMBINED) {
            char key[HP_MAP_KEY_MAX];
            size_t n = build_key(key, route->method, route->pattern, route->pattern_len, false);
            hp_route_hash_remove(&core->combined, key, n);
        } else {
            hp_route_hash_remove(&core->by_method[route->method], route->pattern,
                                 route->pattern_len);
        }
        return 0;
    }
    /* The tree has no removal: rebuild this method's tree from the remaining routes. */
    struct hp_radix_tree *tree = build_method_tree(list, route->method, err);
    if (!tree)
        return -1;
    hp_radix_tree_destroy(core->dynamic.trees[route->method]);
    core->dynamic.trees[route->method] = tree;
    return 0;
}

/* ---- route list ---- */

int hp_route_list_check(const struct hp_route_list *list, const struct hp_route *route,
                        struct hp_error *err)
{
    if (hp_route_pattern_check(route, err) != 0)
        return -1;
    if (!valid_method(route->method)) {
        char where[512];
        hp_route_where(route, where, sizeof where);
        return hp_error_set(err, "%s: unknown method", where);
    }
    for (size_t i = 0; i < list->count; i++)
        if (hp_route_conflict_check(list->items[i], route, err) != 0)
            return -1;
    return 0;
}

int hp_route_list_check_all(const struct hp_route_list *list, const struct hp_route *routes,
                            size_t count, struct hp_error *err)
{
    struct hp_route_conflicts conflicts;
    hp_route_conflicts_init(&conflicts);
    int rc = 0;
    /* The registered routes were accepted, so adding them refuses nothing (but out of memory). */
    for (size_t i = 0; i < list->count && rc == 0; i++)
        rc = hp_route_conflicts_add(&conflicts, list->items[i], err);
    for (size_t i = 0; i < count && rc == 0; i++)
        rc = hp_route_pattern_check(&routes[i], err) != 0
                 ? -1
                 : hp_route_conflicts_add(&conflicts, &routes[i], err);
    hp_route_conflicts_destroy(&conflicts);
    return rc;
}

/* Room for `more` entries. */
static int route_list_reserve(struct hp_route_list *list, size_t more, struct hp_error *err)
{
    if (list->count + more <= list->capacity)
        return 0;
    size_t capacity = list->capacity ? list->capacity : 64;
    while (capacity < list->count + more)
        capacity *= 2;
    const struct hp_route **items = realloc(list->items, capacity * sizeof *items);
    if (!items)
        return hp_error_set(err, "out of memory");
    list->items = items;
    list->capacity = capacity;
    return 0;
}

int hp_route_list_append(struct hp_route_list *list, const struct hp_route *route,
                         struct hp_error *err)
{
    if (route_list_reserve(list, 1, err) != 0)
        return -1;
    list->items[list->count++] = route;
    return 0;
}

int hp_route_list_append_all(struct hp_route_list *list, const struct hp_route *routes,
                             size_t count, struct hp_error *err)
{
    if (route_list_reserve(list, count, err) != 0)
        return -1;
    for (size_t i = 0; i < count; i++)
        list->items[list->count++] = &routes[i];
    return 0;
}

const struct hp_route *hp_route_list_find(const struct hp_route_list *list,
                                          const struct hp_route *route)
{
    for (size_t i = 0; i < list->count; i++) {
        const struct hp_route *r = list->items[i];
        if (r->method == route->method && r->pattern_len == route->pattern_len &&
            memcmp(r->pattern, route->pattern, r->pattern_len) == 0)
            return r;
    }
    return NULL;
}

void hp_route_list_remove(struct hp_route_list *list, const struct hp_route *registered)
{
    for (size_t i = 0; i < list->count; i++)
        if (list->items[i] == registered) {
            memmove(&list->items[i], &list->items[i + 1],
                    (list->count - i - 1) * sizeof list->items[0]);
            list->count--;
            return;
        }
}

void hp_route_list_free(struct hp_route_list *list)
{
    free(list->items);
    memset(list, 0, sizeof *list);
}
