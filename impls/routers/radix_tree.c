/* The shared radix tree (see radix_tree.h for the shape and the lookup order). */
#include "routers/radix_tree.h"

#include <stdlib.h>
#include <string.h>

#include "routers/route_set.h"

enum node_kind { NODE_STATIC, NODE_PARAM, NODE_CATCHALL };

struct node {
    enum node_kind kind;
    uint32_t prefix_len; /* static: bytes of the edge leading here */
    const char *prefix;  /* static: a slice of some route's pattern */
    const char *name;    /* param / catch-all: slice of the pattern, no ':' or '*' */
    uint32_t name_len;
    uint32_t priority;                /* routes registered at or below this node */
    const struct hp_route *route;     /* the route ending here, or NULL */
    const struct hp_route *any_route; /* some route at or below, to describe conflicts */
    struct node *parent;
    /* Static children, busiest first; first_bytes[i] is children[i]->prefix[0]. */
    uint32_t child_count;
    unsigned char *first_bytes;
    struct node **children;
    struct node *param_child;    /* only on nodes whose path ends in '/' */
    struct node *catchall_child; /* likewise */
};

struct hp_radix_tree {
    struct node root; /* empty prefix; its only static child starts with '/' */
    size_t route_count;
    /* Every node but the root, for destroy (no recursion over a deep tree). */
    struct node **nodes;
    size_t node_count, node_capacity;
};

struct hp_radix_tree *hp_radix_tree_create(struct hp_error *err)
{
    struct hp_radix_tree *tree = calloc(1, sizeof *tree);
    if (!tree)
        hp_error_set(err, "out of memory");
    return tree;
}

static void node_free_contents(struct node *n)
{
    free(n->first_bytes);
    free(n->children);
}

void hp_radix_tree_destroy(struct hp_radix_tree *tree)
{
    if (!tree)
        return;
    for (size_t i = 0; i < tree->node_count; i++) {
        node_free_contents(tree->nodes[i]);
        free(tree->nodes[i]);
    }
    node_free_contents(&tree->root);
    free(tree->nodes);
    free(tree);
}

size_t hp_radix_tree_count(const struct hp_radix_tree *tree)
{
    return tree ? tree->route_count : 0;
}

/* ---- registration ---- */

static struct node *node_new(struct hp_radix_tree *tree, enum node_kind kind, struct node *parent)
{
    if (tree->node_count == tree->node_capacity) {
        size_t cap = tree->node_capacity ? tree->node_capacity * 2 : 64;
        struct node **nodes = realloc(tree->nodes, cap * sizeof *nodes);
        if (!nodes)
            return NULL;
        tree->nodes = nodes;
        tree->node_capacity = cap;
    }
    struct node *n = calloc(1, sizeof *n);
    if (!n)
        return NULL;
    n->kind = kind;
    n->parent = parent;
    tree->nodes[tree->node_count++] = n;
    return n;
}

static int child_index(const struct node *n, unsigned char first)
{
    for (uint32_t i = 0; i < n->child_count; i++)
        if (n->first_bytes[i] == first)
            return (int)i;
    return -1;
}

static bool child_append(struct node *n, struct node *child)
{
    uint32_t count = n->child_count + 1;
    unsigned char *first = realloc(n->first_bytes, count);
    if (!first)
        return false;
    n->first_bytes = first;
    struct node **children = realloc(n->children, count * sizeof *children);
    if (!children)
        return false;
    n->children = children;
    n->first_bytes[n->child_count] = (unsigned char)child->prefix[0];
    n->children[n->child_count] = child;
    n->child_count = count;
    return true;
}

/* Keeps a parent's static children ordered by priority after `child`'s went up by one. */
static void child_promote(struct node *parent, struct node *child)
{
    int i = child_index(parent, (unsigned char)child->prefix[0]);
    while (i > 0 && parent->children[i - 1]->priority < child->priority) {
        parent->children[i] = parent->children[i - 1];
        parent->first_bytes[i] = parent->first_bytes[i - 1];
        i--;
    }
    parent->children[i] = child;
    parent->first_bytes[i] = (unsigned char)child->prefix[0];
}

static bool wildcard_at(const char *p, size_t i)
{
    return (p[i] == ':' || p[i] == '*') && i > 0 && p[i - 1] == '/';
}

static int conflict(const struct node *existing, const struct hp_route *route, struct hp_error *err)
{
    if (hp_route_conflict_check(existing->any_route, route, err) < 0)
        return -1;
    /* Unreachable while the structural walk and the shared check agree; say so plainly. */
    char where[512];
    hp_route_where(route, where, sizeof where);
    return hp_error_set(err, "%s: conflicts with a registered route", where);
}

/* Walks (and, when `apply`, builds) the path of `route`. The dry run finds every conflict
 * before anything changes, so a refused route leaves the tree as it was. Returns the node the
 * route ends at (apply) or the root (dry run, no conflict); NULL with err set otherwise. */
static struct node *walk_insert(struct hp_radix_tree *tree, const struct hp_route *route,
                                bool apply, struct hp_error *err)
{
    const char *p = route->pattern;
    size_t len = route->pattern_len;
    struct node *n = &tree->root;
    size_t i = 0;
    for (;;) {
        if (i == len) {
            if (n->route) {
                conflict(n, route, err);
                return NULL;
            }
            return apply ? n : &tree->root;
        }
        if (wildcard_at(p, i)) {
            size_t end = i + 1;
            while (end < len && p[end] != '/')
                end++;
            const char *name = p + i + 1;
            uint32_t name_len = (uint32_t)(end - i - 1);
            if (p[i] == ':') {
                if (n->catchall_child) {
                    conflict(n->catchall_child, route, err);
                    return NULL;
                }
                if (n->param_child) {
                    if (n->param_child->name_len != name_len ||
                        memcmp(n->param_child->name, name, name_len) != 0) {
                        conflict(n->param_child, route, err);
                        return NULL;
                    }
                } else {
                    if (!apply)
                        return &tree->root;
                    struct node *param = node_new(tree, NODE_PARAM, n);
                    if (!param)
                        goto no_memory;
                    param->name = name;
                    param->name_len = name_len;
                    param->any_route = route;
                    n->param_child = param;
                }
                n = n->param_child;
                i = end;
                continue;
            }
            if (n->param_child || n->catchall_child) {
                conflict(n->param_child ? n->param_child : n->catchall_child, route, err);
                return NULL;
            }
            if (!apply)
                return &tree->root;
            struct node *all = node_new(tree, NODE_CATCHALL, n);
            if (!all)
                goto no_memory;
            all->name = name;
            all->name_len = name_len;
            all->any_route = route;
            n->catchall_child = all;
            return all;
        }
        /* A static run: up to just before the next wildcard, or the end. */
        size_t run_end = i + 1;
        while (run_end < len && !wildcard_at(p, run_end))
            run_end++;
        int ci = child_index(n, (unsigned char)p[i]);
        if (ci < 0) {
            if (!apply)
                return &tree->root;
            struct node *child = node_new(tree, NODE_STATIC, n);
            if (!child)
                goto no_memory;
            child->prefix = p + i;
            child->prefix_len = (uint32_t)(run_end - i);
            child->any_route = route;
            if (!child_append(n, child))
                goto no_memory;
            n = child;
            i = run_end;
            continue;
        }
        struct node *child = n->children[ci];
        uint32_t common = 0;
        uint32_t limit = (uint32_t)(run_end - i) < child->prefix_len ? (uint32_t)(run_end - i)
                                                                     : child->prefix_len;
        while (common < limit && child->prefix[common] == p[i + common])
            common++;
        if (common < child->prefix_len) {
            if (!apply)
                return &tree->root;
            /* Split the edge: mid takes the common bytes, child keeps the rest. */
            struct node *mid = node_new(tree, NODE_STATIC, n);
            if (!mid)
                goto no_memory;
            mid->prefix = child->prefix;
            mid->prefix_len = common;
            mid->priority = child->priority;
            mid->any_route = child->any_route;
            struct node **grand = malloc(sizeof *grand);
            unsigned char *grand_first = malloc(1);
            if (!grand || !grand_first) {
                free(grand);
                free(grand_first);
                goto no_memory;
            }
            child->prefix += common;
            child->prefix_len -= common;
            child->parent = mid;
            grand[0] = child;
            grand_first[0] = (unsigned char)child->prefix[0];
            mid->children = grand;
            mid->first_bytes = grand_first;
            mid->child_count = 1;
            n->children[ci] = mid;
            child = mid;
        }
        n = child;
        i += common;
    }
no_memory:
    /* Nodes already linked in stay (empty, harmless to lookups); the route is not added. */
    hp_error_set(err, "out of memory");
    return NULL;
}

int hp_radix_tree_insert(struct hp_radix_tree *tree, const struct hp_route *route,
                         struct hp_error *err)
{
    if (hp_route_pattern_check(route, err) < 0)
        return -1;
    if (!walk_insert(tree, route, false, err))
        return -1;
    struct node *end = walk_insert(tree, route, true, err);
    if (!end)
        return -1;
    end->route = route;
    tree->route_count++;
    for (struct node *n = end; n; n = n->parent) {
        n->priority++;
        if (n->kind == NODE_STATIC && n->parent)
            child_promote(n->parent, n);
    }
    return 0;
}

/* ---- lookup ---- */

/* The path as the walk sees it: `len` real bytes, then one virtual '/' when `slash` (used to ask
 * "would it match with a slash appended" without copying the path). */
struct subject {
    const char *path;
    size_t len;   /* real bytes */
    size_t total; /* len + virtual slash */
};

static bool prefix_matches(const struct subject *s, size_t pos, const char *prefix, size_t n)
{
    if (n > s->total - pos)
        return false;
    if (pos + n <= s->len)
        return memcmp(s->path + pos, prefix, n) == 0;
    /* The edge reaches the virtual slash, which is its last byte. */
    return memcmp(s->path + pos, prefix, n - 1) == 0 && prefix[n - 1] == '/';
}

struct span {
    size_t offset, len;
};

static const struct node *walk(const struct hp_radix_tree *tree, const struct subject *s,
                               struct span *spans, uint32_t *span_count)
{
    const struct node *n = &tree->root;
    size_t pos = 0;
    uint32_t k = 0;
    /* Each state is entered with `n` matched up to `pos`. Static child, then param, then
     * catch-all; on a dead end, climb to the parent and resume at the next alternative. */
enter:
    if (pos == s->total) {
        if (n->route)
            goto found;
        goto try_catchall; /* only a catch-all can match an empty remainder */
    }
    {
        int ci = child_index(n, (unsigned char)(pos < s->len ? s->path[pos] : '/'));
        if (ci >= 0) {
            const struct node *c = n->children[ci];
            if (prefix_matches(s, pos, c->prefix, c->prefix_len)) {
                pos += c->prefix_len;
                n = c;
                goto enter;
            }
        }
    }
try_param:
    if (n->param_child && pos < s->total) {
        const char *slash = memchr(s->path + pos, '/', s->len > pos ? s->len - pos : 0);
        size_t end = slash ? (size_t)(slash - s->path) : s->len;
        if (end > pos) {
            spans[k].offset = pos;
            spans[k].len = end - pos;
            k++;
            pos = end;
            n = n->param_child;
            goto enter;
        }
    }
try_catchall:
    if (n->catchall_child) {
        /* The node's path ends in '/', matched at pos - 1: the value starts there. */
        spans[k].offset = pos - 1;
        spans[k].len = s->total - pos + 1;
        k++;
        n = n->catchall_child;
        goto found;
    }
    /* backtrack */
    while (n != &tree->root) {
        const struct node *child = n;
        n = n->parent;
        if (child->kind == NODE_STATIC) {
            pos -= child->prefix_len;
            goto try_param;
        }
        /* A param: the catch-all at the same position is the only alternative left. */
        k--;
        pos = spans[k].offset;
        goto try_catchall;
    }
    return NULL;
found:
    *span_count = k;
    return n;
}

bool hp_radix_tree_lookup(const struct hp_radix_tree *tree, const char *path, size_t len,
                          uint32_t *route_id, struct hp_params *params)
{
    if (params)
        params->count = 0;
    if (!tree)
        return false;
    struct subject s = {path, len, len};
    struct span spans[HP_ROUTE_PARAMS_MAX];
    uint32_t k = 0;
    const struct node *n = walk(tree, &s, spans, &k);
    if (!n)
        return false;
    const struct hp_route *route = n->route;
    *route_id = route->id;
    if (!params)
        return true;
    if (!hp_params_reserve(params, k))
        return false;
    /* The wildcard nodes on the way up are the spans in reverse. */
    uint32_t j = k;
    for (const struct node *w = n; j > 0; w = w->parent) {
        if (w->kind == NODE_STATIC)
            continue;
        j--;
        struct hp_param *param = &params->items[j];
        param->name = w->name;
        param->name_len = w->name_len;
        param->value = path + spans[j].offset;
        param->value_len = (uint32_t)spans[j].len;
    }
    return true;
}

enum hp_match_status hp_radix_tree_slash_suggestion(const struct hp_radix_tree *tree,
                                                    const char *path, size_t len)
{
    if (!tree || len == 0)
        return HP_MATCH_NOT_FOUND;
    struct span spans[HP_ROUTE_PARAMS_MAX];
    uint32_t k;
    if (path[len - 1] == '/') {
        struct subject s = {path, len - 1, len - 1};
        return len > 1 && walk(tree, &s, spans, &k) ? HP_MATCH_REDIRECT_REMOVE_SLASH
                                                    : HP_MATCH_NOT_FOUND;
    }
    struct subject s = {path, len, len + 1};
    return walk(tree, &s, spans, &k) ? HP_MATCH_REDIRECT_ADD_SLASH : HP_MATCH_NOT_FOUND;
}

/* ---- one tree per method ---- */

int hp_radix_forest_insert(struct hp_radix_forest *forest, const struct hp_route *route,
                           struct hp_error *err)
{
    if ((unsigned)route->method >= HP_METHOD_COUNT)
        return hp_route_pattern_check(route, err);
    struct hp_radix_tree **tree = &forest->trees[route->method];
    if (!*tree && !(*tree = hp_radix_tree_create(err)))
        return -1;
    return hp_radix_tree_insert(*tree, route, err);
}

void hp_radix_forest_lookup(const struct hp_radix_forest *forest, enum hp_method method,
                            const char *path, size_t len, struct hp_match *out)
{
    len = hp_route_path_len(path, len);
    out->allowed = 0;
    const struct hp_radix_tree *tree =
        (unsigned)method < HP_METHOD_COUNT ? forest->trees[method] : NULL;
    if (hp_radix_tree_lookup(tree, path, len, &out->route_id, &out->params)) {
        out->status = HP_MATCH_FOUND;
        return;
    }
    enum hp_match_status suggestion = hp_radix_tree_slash_suggestion(tree, path, len);
    if (suggestion != HP_MATCH_NOT_FOUND) {
        out->status = suggestion;
        return;
    }
    uint32_t ignored;
    for (int m = 0; m < HP_METHOD_COUNT; m++)
        if (m != (int)method && hp_radix_tree_lookup(forest->trees[m], path, len, &ignored, NULL))
            out->allowed |= 1u << m;
    out->status = out->allowed ? HP_MATCH_METHOD_NOT_ALLOWED : HP_MATCH_NOT_FOUND;
}

void hp_radix_forest_destroy(struct hp_radix_forest *forest)
{
    for (int m = 0; m < HP_METHOD_COUNT; m++) {
        hp_radix_tree_destroy(forest->trees[m]);
        forest->trees[m] = NULL;
    }
}
