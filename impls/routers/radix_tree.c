/* The shared radix tree (see radix_tree.h for the shape and the lookup order). */
#include "routers/radix_tree.h"

#include <stdlib.h>
#include <string.h>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "routers/route_set.h"

enum node_kind { NODE_STATIC, NODE_PARAM, NODE_CATCHALL };

/* Two forms of one tree. Registration edits the linked `struct node`s (easy to split edges and
 * reorder children); after every successful insert they are compiled into `struct flat_node`s,
 * one contiguous array in breadth-first order, which is all a lookup reads.
 *
 * Why the copy: a lookup is a chain of dependent loads, one edge after another, and that chain
 * was its cost (the GitHub sweep passes six or seven edges per route). In the linked form each
 * edge costs three dependent loads (node -> its children array -> the child pointer -> the
 * child); in the flat form a node's static children are contiguous and its fields say where,
 * so the next edge is one load away. Its first eight bytes are in the node too, compared as one
 * word. */
struct flat_node {
    uint64_t head;      /* the edge's first min(prefix_len, 8) bytes, zero above */
    uint64_t head_mask; /* ones over those bytes */
    /* static: the edge (a slice of a route's pattern); param / catch-all: the name */
    const char *text;
    uint32_t text_len;
    /* Links to other nodes are byte offsets from the start of the array, so that a link is an
     * address with one add (in the load itself), not a multiply and an add: the walk is a chain
     * of such loads, and the predicted branches leave that chain as its cost. */
    uint32_t first_child;    /* the first static child (busiest first, contiguous) */
    uint32_t param_child;    /* or 0 for none (0 is the root, nobody's child) */
    uint32_t catchall_child; /* likewise */
    uint32_t parent;         /* the root's is 0 */
    /* root or param: its only static child when that child's edge is exactly "/", or 0; read
     * by the compile, for tree->start and param_slash */
    uint32_t slash_child;
    /* The param child's slash_child, or 0: a walk passes the param's "/" from here, without
     * loading the param node first (its name is read for the value, off the walk's chain). */
    uint32_t param_slash;
    /* The id of the route ending here (valid when has_route), here so that a hit's answer is
     * not one more load, from another line; the route itself is in tree->routes. */
    uint32_t route_id;
    /* The first (busiest) static child's first_child: a walk that takes that child has the
     * link to search below it from here, without waiting for a load of the child. */
    uint32_t first_grandchild;
    uint16_t child_count; /* under 256: first bytes differ, and are not control bytes */
    uint8_t kind;         /* enum node_kind */
    uint8_t has_route;
};

_Static_assert(sizeof(struct flat_node) == 64, "a compiled node is one cache line");

/* The link to the node at `index`, and back. */
static inline uint32_t flat_link(size_t index)
{
    return (uint32_t)(index * sizeof(struct flat_node));
}

static inline const struct flat_node *node_at(const struct flat_node *flat, uint32_t link)
{
    return (const struct flat_node *)(const void *)((const char *)flat + link);
}

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
    uint32_t flat_index;         /* where the last compile put it */
};

struct hp_radix_tree {
    /* The compiled form (node_capacity + 1 entries, the first node_count + 1 in use after a
     * compile), NULL until the first node; and where a walk of a path starting with '/' starts:
     * the root's child when its edge is "/" alone (the root's slash_child), else the root. Both
     * first, read together: the start is one load from the tree, not a chain of three. */
    struct flat_node *flat;
    const struct flat_node *start;
    struct node root; /* empty prefix; its only static child starts with '/' */
    size_t route_count;
    /* Every node but the root, for destroy (no recursion over a deep tree). */
    struct node **nodes;
    size_t node_count, node_capacity;
    /* The compile's work queue, and the route ending at each compiled node (by flat index, for
     * the case-insensitive search), both grown with `nodes` (as is flat) so that compiling
     * never allocates. */
    struct node **queue;
    const struct hp_route **routes;
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
    free(tree->flat);
    free(tree->queue);
    free(tree->routes);
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
        if (cap + 1 > UINT32_MAX / sizeof(struct flat_node)) /* links are 32-bit offsets */
            return NULL;
        struct node **nodes = realloc(tree->nodes, cap * sizeof *nodes);
        if (!nodes)
            return NULL;
        tree->nodes = nodes;
        struct node **queue = realloc(tree->queue, (cap + 1) * sizeof *queue);
        if (!queue)
            return NULL;
        tree->queue = queue;
        const struct hp_route **routes = realloc(tree->routes, (cap + 1) * sizeof *routes);
        if (!routes)
            return NULL;
        tree->routes = routes;
        /* A zeroed entry is an empty root, so a tree whose first insert failed still walks. */
        struct flat_node *flat = calloc(cap + 1, sizeof *flat);
        if (!flat)
            return NULL;
        if (tree->flat) /* keep the compiled tree: a failed insert leaves it in use */
            memcpy(flat, tree->flat, (tree->node_capacity + 1) * sizeof *flat);
        free(tree->flat);
        tree->flat = flat;
        tree->start = node_at(flat, flat->slash_child); /* as compiled, or the empty root */
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

/* Rewrites tree->flat from the linked nodes, breadth first: a node's static children get
 * consecutive indices in their (priority) order. No allocation. */
static void tree_compile(struct hp_radix_tree *tree)
{
    struct node **queue = tree->queue;
    size_t head = 0, tail = 0;
    uint32_t next = 1;
    tree->root.flat_index = 0;
    queue[tail++] = &tree->root;
    while (head < tail) {
        struct node *b = queue[head++];
        struct flat_node *f = &tree->flat[b->flat_index];
        uint32_t head_len = b->prefix_len < 8 ? b->prefix_len : 8;
        f->head = 0;
        if (head_len) /* the root has no prefix */
            memcpy(&f->head, b->prefix, head_len);
        f->head_mask = head_len ? ~0ull >> (64 - 8 * head_len) : 0;
        tree->routes[b->flat_index] = b->route;
        f->has_route = b->route != NULL;
        f->route_id = b->route ? b->route->id : 0;
        f->text = b->kind == NODE_STATIC ? b->prefix : b->name;
        f->text_len = b->kind == NODE_STATIC ? b->prefix_len : b->name_len;
        f->kind = (uint8_t)b->kind;
        f->parent = b->parent ? flat_link(b->parent->flat_index) : 0;
        f->first_child = flat_link(next);
        f->child_count = (uint16_t)b->child_count;
        bool root_or_param = !b->parent || b->kind == NODE_PARAM;
        bool one_slash = b->child_count == 1 && b->children[0]->prefix_len == 1;
        f->slash_child = root_or_param && one_slash ? flat_link(next) : 0;
        for (uint32_t i = 0; i < b->child_count; i++) {
            b->children[i]->flat_index = next++;
            queue[tail++] = b->children[i];
        }
        f->param_child = f->catchall_child = 0;
        if (b->param_child) {
            f->param_child = flat_link(b->param_child->flat_index = next++);
            queue[tail++] = b->param_child;
        }
        if (b->catchall_child) {
            f->catchall_child = flat_link(b->catchall_child->flat_index = next++);
            queue[tail++] = b->catchall_child;
        }
    }
    for (uint32_t i = 0; i < next; i++) {
        struct flat_node *f = &tree->flat[i];
        f->param_slash = f->param_child ? node_at(tree->flat, f->param_child)->slash_child : 0;
        f->first_grandchild = f->child_count ? node_at(tree->flat, f->first_child)->first_child : 0;
    }
    tree->start = node_at(tree->flat, tree->flat->slash_child);
}

void hp_radix_tree_compile(struct hp_radix_tree *tree)
{
    if (tree && tree->flat)
        tree_compile(tree);
}

/* bulk: a rebuild from routes accepted before (route list), so the pattern check and the
 * conflict dry run are skipped and the lookup form is compiled once at the end. */
static int tree_insert(struct hp_radix_tree *tree, const struct hp_route *route, bool bulk,
                       struct hp_error *err)
{
    if (!bulk && hp_route_pattern_check(route, err) < 0)
        return -1;
    if (!bulk && !walk_insert(tree, route, false, err))
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
    if (!bulk)
        tree_compile(tree);
    return 0;
}

int hp_radix_tree_insert(struct hp_radix_tree *tree, const struct hp_route *route,
                         struct hp_error *err)
{
    return tree_insert(tree, route, false, err);
}

int hp_radix_tree_insert_bulk(struct hp_radix_tree *tree, const struct hp_route *route,
                              struct hp_error *err)
{
    return tree_insert(tree, route, true, err);
}

/* ---- lookup ---- */

/* a[0..n) == b[0..n), inline: edges are short (a few bytes), and a call to memcmp per edge was
 * a fifth of a lookup. Overlapping word loads, never a byte outside either range. */
static inline bool bytes_equal(const char *a, const char *b, size_t n)
{
    if (n >= 8) {
        for (size_t i = 0; i + 8 < n; i += 8)
            if (hp_load64(a + i) != hp_load64(b + i))
                return false;
        return hp_load64(a + n - 8) == hp_load64(b + n - 8);
    }
    if (n >= 4) {
        uint32_t x0, y0, x1, y1;
        memcpy(&x0, a, 4);
        memcpy(&y0, b, 4);
        memcpy(&x1, a + n - 4, 4);
        memcpy(&y1, b + n - 4, 4);
        return ((x0 ^ y0) | (x1 ^ y1)) == 0;
    }
    if (n == 0)
        return true;
    return a[0] == b[0] && a[n / 2] == b[n / 2] && a[n - 1] == b[n - 1];
}

#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
#define WORD_WALK 1
#else
#define WORD_WALK 0
#endif

/* Among `count` static children from the link `children`, the one whose edge starts with
 * `first`, or NULL. Children are contiguous and busiest first, so the loop usually stops at
 * once, and its loads do not depend on each other. static_child: among all of n's. */
static inline const struct flat_node *static_child_from(const struct flat_node *flat,
                                                        uint32_t children, uint32_t count,
                                                        unsigned char first)
{
    const struct flat_node *c = node_at(flat, children), *end = c + count;
    for (; c < end; c++)
        if ((unsigned char)c->head == first)
            return c;
    return NULL;
}

static inline const struct flat_node *static_child(const struct flat_node *flat,
                                                   const struct flat_node *n, unsigned char first)
{
    return static_child_from(flat, n->first_child, n->child_count, first);
}

/* path[pos, min(pos + 8, len)) as a little-endian word, zero above (0 when pos == len). Near
 * the end it loads the eight bytes that end at len and shifts the ones before pos out, so it
 * never reads past len; it does read up to 8 bytes before pos, which needs the eight bytes
 * before len to be readable: true for the paths walked in place, which are longer than
 * WALK_COPY_MAX (walk_exact walks shorter ones in a padded copy). */
static inline uint64_t path_word(const char *path, size_t pos, size_t len)
{
    size_t back = pos + 8 <= len ? 0 : pos + 8 - len; /* a conditional move, not a branch */
    /* two shifts: back is 8 at the end, and one shift by 64 is undefined */
    return (hp_load64(path + pos - back) >> (back * 4)) >> (back * 4);
}

#if !defined(__SSE2__) /* the scans below, without SSE2 */
/* The end of the param value starting before `from`: the first '/', '?' or '#' in
 * path[from, len), or len. */
static size_t segment_end(const char *path, size_t from, size_t len)
{
    size_t slash = hp_find_either(path, from, len, '/', '/');
    return hp_find_either(path, from, slash, '?', '#');
}
#endif

#if defined(__SSE2__)
/* Bit i set when p[i] (i < 16) is '/', '?' or '#'. */
static inline unsigned stops16(const char *p)
{
    __m128i block = _mm_loadu_si128((const __m128i *)(const void *)p);
    __m128i stops = _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(block, _mm_set1_epi8('/')),
                                              _mm_cmpeq_epi8(block, _mm_set1_epi8('?'))),
                                 _mm_cmpeq_epi8(block, _mm_set1_epi8('#')));
    return (unsigned)_mm_movemask_epi8(stops);
}
#endif

/* segment_end in a padded copy (walk_exact): the bytes after len are zeros, readable up to
 * WALK_PAD of them, so whole blocks are scanned without an end test per block, and no stop
 * byte is found past len. Values are mostly shorter than one block. */
static inline size_t padded_segment_end(const char *path, size_t from, size_t len)
{
#if defined(__SSE2__)
    for (size_t i = from; i < len; i += 16) {
        unsigned mask = stops16(path + i);
        if (mask)
            return i + (size_t)__builtin_ctz(mask);
    }
    return len;
#else
    return segment_end(path, from, len);
#endif
}

/* segment_end for a path walked in place, len >= 16: whole blocks while they fit, then the
 * block that ends at len, its bytes before `from` shifted out; nothing outside the path read. */
static inline size_t in_place_segment_end(const char *path, size_t from, size_t len)
{
#if defined(__SSE2__)
    size_t i = from;
    for (; i + 16 <= len; i += 16) {
        unsigned mask = stops16(path + i);
        if (mask)
            return i + (size_t)__builtin_ctz(mask);
    }
    unsigned mask = stops16(path + len - 16) >> (i - (len - 16));
    return mask ? i + (size_t)__builtin_ctz(mask) : len;
#else
    return segment_end(path, from, len);
#endif
}

/* One param or catch-all value found by the walk: where it lies in the path, and its node
 * (for the name). */
struct span {
    uint32_t offset, len;
    uint32_t wildcard; /* its link. 12 bytes, so that HP_ROUTE_PARAMS_MAX spans stay under a
                        * page of stack (a bigger frame costs a stack-clash probe per lookup) */
};

/* Where the walk records param and catch-all values: straight into the caller's hp_param
 * items while they fit (the lookup's usual case: no second pass over the values), or as spans
 * (the fallback when they do not, and the walks that need no values). */
struct walk_values {
    struct hp_param *items; /* when spans is NULL */
    uint32_t capacity;      /* of items; one more value and the walk stops with `overflow` */
    const char *origin;     /* the caller's path: item values point into it */
    /* Or NULL. Tested rather than items: each caller writes it as a constant, so the inlined
     * walk carries no test of it. */
    struct span *spans;
    bool overflow;
};

/* Records value k (path[offset, offset + len), of wildcard node `wildcard`); false when it does
 * not fit in the items. */
static inline bool record_value(struct walk_values *v, const struct flat_node *flat, uint32_t k,
                                size_t offset, size_t len, uint32_t wildcard)
{
    if (v->spans) {
        v->spans[k] = (struct span){(uint32_t)offset, (uint32_t)len, wildcard};
        return true;
    }
    if (k == v->capacity) {
        v->overflow = true;
        return false;
    }
    const struct flat_node *w = node_at(flat, wildcard);
    v->items[k] = (struct hp_param){w->text, w->text_len, (uint32_t)len, v->origin + offset};
    return true;
}

static inline size_t recorded_offset(const struct walk_values *v, uint32_t k)
{
    return v->spans ? v->spans[k].offset : (size_t)(v->items[k].value - v->origin);
}

/* The walk over path[0..len), followed, when `virtual_slash`, by one '/' that is not in the
 * buffer (to ask "would it match with a slash appended" without copying the path). The
 * ordinary lookup is compiled with virtual_slash false and carries none of its tests.
 *
 * Each state is entered with `n` matched up to `pos`. Static child, then param, then
 * catch-all; on a dead end, climb to the parent and resume at the next alternative. Every
 * node is entered at most once per alternative, so the walk is bounded by the tree's size. */
static inline __attribute__((always_inline)) const struct flat_node *
walk(const struct hp_radix_tree *tree, const char *path, size_t len, bool virtual_slash,
     bool padded, struct walk_values *values, uint32_t *value_count)
{
    const struct flat_node *flat = tree->flat;
    const size_t total = len + virtual_slash;
    const struct flat_node *n = flat;
    size_t pos = 0;
    uint32_t k = 0;
    /* Patterns start with '/', so the root has one static child and no wildcard; when that
     * child's edge is "/" alone, the walk starts past it, at tree->start (a backtrack still
     * climbs to the root). */
    if (tree->start != flat && len && path[0] == '/') {
        n = tree->start;
        pos = 1;
    }
    uint32_t children = n->first_child; /* n's, at each entry of the word walk: see below */
enter:
    if (WORD_WALK && !virtual_slash) {
        /* A padded copy, or a path long enough for path_word (walk_exact). It may still carry its
         * `?query` or `#fragment`: no edge contains those bytes (nor a NUL, which is what the
         * word holds at the end of the path) and params stop at them, so the walk ends at the
         * first one without a separate scan for it, and the test for it is only made when no
         * edge matched. */
        uint64_t word =
            padded || pos + 8 <= len ? hp_load64(path + pos) : path_word(path, pos, len);
        /* The busiest child first, by itself: taking it, the walk already holds the link below
         * it (first_grandchild). */
        const struct flat_node *c = NULL;
        uint32_t below = 0;
        if (n->child_count) {
            c = node_at(flat, children);
            if ((unsigned char)c->head == (unsigned char)word) {
                below = n->first_grandchild;
            } else {
                c = static_child_from(flat, children + (uint32_t)sizeof *c, n->child_count - 1u,
                                      (unsigned char)word);
                if (c)
                    below = c->first_child;
            }
        }
        if (c) {
            size_t edge = c->text_len;
            /* An edge of up to 8 bytes needs no length test: past len the word holds zeros (the
             * copy's, or path_word's), and edges hold no zero byte. */
            bool fits = edge <= 8 ||
                        (edge <= len - pos && bytes_equal(path + pos + 8, c->text + 8, edge - 8));
            if (((word ^ c->head) & c->head_mask) == 0 && fits) {
                pos += edge;
                n = c;
                children = below;
                if (c->child_count)
                    goto enter;
                /* No static child to try (a leaf, or a node with only a wildcard below): the
                 * end test and the wildcards directly, without the next word and search. */
            no_static_child:
                if (pos == len || path[pos] == '?' || path[pos] == '#')
                    goto at_end;
                goto try_param;
            }
        }
        if (pos == len || (unsigned char)word == '?' || (unsigned char)word == '#')
            goto at_end;
    } else {
        if (pos == total)
            goto at_end;
        unsigned char first = (!virtual_slash || pos < len) ? (unsigned char)path[pos] : '/';
        const struct flat_node *c = static_child(flat, n, first);
        if (c) {
            size_t edge = c->text_len;
            bool match;
            if (!virtual_slash || pos + edge <= len)
                match = edge <= len - pos && bytes_equal(path + pos, c->text, edge);
            else /* the edge reaches the virtual slash, which must be its last byte */
                match = pos + edge == total && c->text[edge - 1] == '/' &&
                        bytes_equal(path + pos, c->text, edge - 1);
            if (match) {
                pos += edge;
                n = c;
                goto enter;
            }
        }
    }
try_param:
    if (n->param_child) { /* no value at the end of the path: end > pos below tests it */
        size_t end;
        if (padded) {
            end = padded_segment_end(path, pos, len);
        } else if (WORD_WALK && !virtual_slash) {
            end = in_place_segment_end(path, pos, len);
        } else {
            end = hp_find_either(path, pos, len, '/', '/');
        }
        if (end > pos) {
            if (!record_value(values, flat, k, pos, end - pos, n->param_child))
                return NULL;
            k++;
            pos = end;
            /* A value ends at a '/' or at the end; a param followed by routes has them all
             * behind one "/" child, most often an edge of its own (`:owner/:repo`): passed here
             * without the search at the next entry. Its parent link still leads a backtrack
             * through the param. */
            if (WORD_WALK && !virtual_slash && n->param_slash && (padded || pos < len) &&
                path[pos] == '/') {
                pos++;
                n = node_at(flat, n->param_slash);
                if (!n->child_count)
                    goto no_static_child;
                children = n->first_child;
                goto enter;
            }
            n = node_at(flat, n->param_child);
            children = n->first_child;
            goto enter;
        }
    }
    goto try_catchall;
at_end:
    if (n->has_route)
        goto found;
    /* only a catch-all can match an empty remainder */
try_catchall:
    if (n->catchall_child) {
        /* The node's path ends in '/', matched at pos - 1: the value starts there and runs
         * to the end of the path proper. */
        size_t value_end =
            WORD_WALK && !virtual_slash ? hp_find_either(path, pos, len, '?', '#') : total;
        if (!record_value(values, flat, k, pos - 1, value_end - pos + 1, n->catchall_child))
            return NULL;
        k++;
        n = node_at(flat, n->catchall_child);
        goto found;
    }
    /* backtrack */
    while (n != flat) {
        const struct flat_node *child = n;
        n = node_at(flat, n->parent);
        if (child->kind == NODE_STATIC) {
            pos -= child->text_len;
            goto try_param;
        }
        /* A param: the catch-all at the same position is the only alternative left. */
        k--;
        pos = recorded_offset(values, k);
        goto try_catchall;
    }
    return NULL;
found:
    *value_count = k;
    return n;
}

enum { WALK_COPY_MAX = 15, WALK_PAD = 16 };

/* The ordinary walk. A path of 16 bytes or more is walked in place: a word is one plain load
 * while 8 bytes of path remain (path_word only near the end), and a param value is scanned in
 * blocks of 16 that never leave the path (in_place_segment_end). A shorter path, too short for
 * those, is walked in a copy followed by WALK_PAD zeros. Copying every path (as before) cost
 * more than it saved: a call to memcpy per lookup, and loads that waited on the copy's stores.
 * Spans are offsets, so params point into the caller's path either way. */
static inline __attribute__((always_inline)) const struct flat_node *
walk_exact(const struct hp_radix_tree *tree, const char *path, size_t len,
           struct walk_values *values, uint32_t *value_count)
{
    if (WORD_WALK && len <= WALK_COPY_MAX) {
        char copy[WALK_COPY_MAX + WALK_PAD];
        memcpy(copy, path, len);
        memset(copy + len, 0, WALK_PAD);
        return walk(tree, copy, len, false, true, values, value_count);
    }
    return walk(tree, path, len, false, false, values, value_count);
}

/* hp_radix_tree_lookup, inlined into the forest's lookup (one call less per request).
 * heap_params (a constant at each call): the values of a match with any go to one new heap
 * array of exactly their count (hp_params_alloc), never to the caller's inline items; the walk
 * records spans, as it does when the values outnumber the items. */
static inline __attribute__((always_inline)) bool
tree_lookup(const struct hp_radix_tree *tree, const char *path, size_t len, uint32_t *route_id,
            struct hp_params *params, bool heap_params)
{
    if (params)
        params->count = 0;
    if (!tree || !tree->flat)
        return false;
    uint32_t k = 0;
    const struct flat_node *n;
    if (params && !heap_params) {
        struct walk_values direct = {params->items, params->capacity, path, NULL, false};
        n = walk_exact(tree, path, len, &direct, &k);
        if (!direct.overflow) {
            if (!n)
                return false;
            *route_id = n->route_id;
            params->count = k;
            return true;
        }
    }
    /* No params wanted, or more values than params->items holds: spans, then the items. */
    struct span spans[HP_ROUTE_PARAMS_MAX];
    struct walk_values spanned = {NULL, 0, path, spans, false};
    n = walk_exact(tree, path, len, &spanned, &k);
    if (!n)
        return false;
    *route_id = n->route_id;
    if (!params)
        return true;
    if (heap_params) {
        if (k > 0 && !hp_params_alloc(params, k))
            return false;
    } else if (k > params->capacity) {
        if (!hp_params_reserve(params, k))
            return false;
    } else {
        params->count = k;
    }
    struct hp_param *items = params->items;
    for (uint32_t j = 0; j < k; j++) {
        const struct flat_node *wildcard = node_at(tree->flat, spans[j].wildcard);
        items[j].name = wildcard->text;
        items[j].name_len = wildcard->text_len;
        items[j].value = path + spans[j].offset;
        items[j].value_len = spans[j].len;
    }
    return true;
}

bool hp_radix_tree_lookup(const struct hp_radix_tree *tree, const char *path, size_t len,
                          uint32_t *route_id, struct hp_params *params)
{
    return tree_lookup(tree, path, len, route_id, params, false);
}

enum hp_match_status hp_radix_tree_slash_suggestion(const struct hp_radix_tree *tree,
                                                    const char *path, size_t len)
{
    if (!tree || !tree->flat || len == 0)
        return HP_MATCH_NOT_FOUND;
    struct span spans[HP_ROUTE_PARAMS_MAX];
    struct walk_values spanned = {NULL, 0, path, spans, false};
    uint32_t k;
    if (path[len - 1] == '/')
        return len > 1 && walk_exact(tree, path, len - 1, &spanned, &k)
                   ? HP_MATCH_REDIRECT_REMOVE_SLASH
                   : HP_MATCH_NOT_FOUND;
    return walk(tree, path, len, true, false, &spanned, &k) ? HP_MATCH_REDIRECT_ADD_SLASH
                                                            : HP_MATCH_NOT_FOUND;
}

/* ---- case-insensitive search ---- */

/* The request character being matched byte by byte against tree edges, which may split it
 * (`/α` and `/β` share their first byte): its bytes as sent and in its other case, and which of
 * the two the tree bytes seen so far still agree with. */
struct case_rune {
    size_t start;
    uint8_t len;
    uint8_t alive; /* bit 0: as sent, bit 1: other case */
    char other[4];
};

struct case_search {
    const struct flat_node *flat;
    const char *path;
    size_t len;
    char *out;
};

static void case_rune_begin(const struct case_search *s, size_t pos, struct case_rune *r)
{
    uint32_t cp;
    r->start = pos;
    r->len = (uint8_t)hp_utf8_decode(s->path + pos, s->len - pos, &cp);
    r->alive = 1;
    if (cp != 0xFFFFFFFFu && hp_case_other(cp, r->other) == r->len)
        r->alive |= 2;
}

/* The byte at `pos` may be `b`: narrows r (starting the next character when pos is past it). */
static bool case_byte_accepts(const struct case_search *s, size_t pos, unsigned char b,
                              struct case_rune *r)
{
    if (pos >= r->start + r->len)
        case_rune_begin(s, pos, r);
    size_t i = pos - r->start;
    uint8_t alive = r->alive;
    if ((unsigned char)s->path[pos] != b)
        alive &= (uint8_t)~1u;
    if ((unsigned char)r->other[i] != b)
        alive &= (uint8_t)~2u;
    r->alive = alive;
    return alive != 0;
}

static const struct flat_node *case_visit(const struct case_search *s, const struct flat_node *n,
                                          size_t pos, struct case_rune rune)
{
    if (pos == s->len && n->has_route)
        return n;
    if (pos < s->len) {
        /* The static children that the next byte may start: as sent, or its other case. */
        struct case_rune probe = rune;
        unsigned char firsts[2];
        int count = 0;
        for (int variant = 0; variant < 2; variant++) {
            struct case_rune v = probe;
            unsigned char b = variant == 0 ? (unsigned char)s->path[pos] : 0;
            if (variant == 1) {
                if (pos >= v.start + v.len)
                    case_rune_begin(s, pos, &v);
                if (!(v.alive & 2))
                    break;
                b = (unsigned char)v.other[pos - v.start];
            }
            if (count == 0 || firsts[0] != b)
                firsts[count++] = b;
        }
        if (count == 2 && firsts[1] < firsts[0]) {
            unsigned char t = firsts[0];
            firsts[0] = firsts[1];
            firsts[1] = t;
        }
        for (int i = 0; i < count; i++) {
            const struct flat_node *c = static_child(s->flat, n, firsts[i]);
            if (!c || c->text_len > s->len - pos)
                continue;
            struct case_rune r = rune;
            uint32_t j = 0;
            while (j < c->text_len && case_byte_accepts(s, pos + j, (unsigned char)c->text[j], &r))
                j++;
            if (j < c->text_len)
                continue;
            memcpy(s->out + pos, c->text, c->text_len);
            const struct flat_node *found = case_visit(s, c, pos + c->text_len, r);
            if (found)
                return found;
        }
        if (n->param_child) {
            /* Params start a segment, so at a character boundary: their bytes are the request's. */
            size_t end = hp_find_either(s->path, pos, s->len, '/', '/');
            if (end > pos) {
                memcpy(s->out + pos, s->path + pos, end - pos);
                struct case_rune fresh = {end, 0, 0, {0}};
                const struct flat_node *found =
                    case_visit(s, node_at(s->flat, n->param_child), end, fresh);
                if (found)
                    return found;
            }
        }
    }
    if (n->catchall_child) {
        memcpy(s->out + pos, s->path + pos, s->len - pos);
        return node_at(s->flat, n->catchall_child);
    }
    return NULL;
}

const struct hp_route *hp_radix_tree_find_case_insensitive(const struct hp_radix_tree *tree,
                                                           const char *path, size_t len, char *out)
{
    if (!tree || !tree->flat || len == 0)
        return NULL;
    struct case_search s = {tree->flat, path, len, out};
    struct case_rune none = {0, 0, 0, {0}};
    const struct flat_node *n = case_visit(&s, tree->flat, 0, none);
    return n ? tree->routes[n - tree->flat] : NULL;
}

/* ---- one tree per method ---- */

static int forest_insert(struct hp_radix_forest *forest, const struct hp_route *route, bool bulk,
                         struct hp_error *err)
{
    if ((unsigned)route->method >= HP_METHOD_COUNT)
        return hp_route_pattern_check(route, err);
    struct hp_radix_tree **tree = &forest->trees[route->method];
    if (!*tree && !(*tree = hp_radix_tree_create(err)))
        return -1;
    return tree_insert(*tree, route, bulk, err);
}

int hp_radix_forest_insert(struct hp_radix_forest *forest, const struct hp_route *route,
                           struct hp_error *err)
{
    return forest_insert(forest, route, false, err);
}

int hp_radix_forest_insert_bulk(struct hp_radix_forest *forest, const struct hp_route *route,
                                struct hp_error *err)
{
    return forest_insert(forest, route, true, err);
}

void hp_radix_forest_compile(struct hp_radix_forest *forest)
{
    for (int m = 0; m < HP_METHOD_COUNT; m++)
        hp_radix_tree_compile(forest->trees[m]);
}

/* Everything after a miss, out of line: the lookup's own code stays small. */
static __attribute__((noinline)) void
forest_miss(const struct hp_radix_forest *forest, enum hp_method method,
            const struct hp_radix_tree *tree, const char *path, size_t len, struct hp_match *out)
{
    len = hp_route_path_len(path, len);
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

static inline __attribute__((always_inline)) void
forest_lookup(const struct hp_radix_forest *forest, enum hp_method method, const char *path,
              size_t len, struct hp_match *out, bool heap_params)
{
    out->allowed = 0;
    const struct hp_radix_tree *tree =
        (unsigned)method < HP_METHOD_COUNT ? forest->trees[method] : NULL;
    /* The tree stops at `?`/`#` itself; the cut is only needed for the answers to a miss. */
    if (tree_lookup(tree, path, len, &out->route_id, &out->params, heap_params)) {
        out->status = HP_MATCH_FOUND;
        return;
    }
    forest_miss(forest, method, tree, path, len, out);
}

void hp_radix_forest_lookup(const struct hp_radix_forest *forest, enum hp_method method,
                            const char *path, size_t len, struct hp_match *out)
{
    forest_lookup(forest, method, path, len, out, false);
}

void hp_radix_forest_lookup_heap_params(const struct hp_radix_forest *forest, enum hp_method method,
                                        const char *path, size_t len, struct hp_match *out)
{
    forest_lookup(forest, method, path, len, out, true);
}

size_t hp_radix_forest_find_case_insensitive(const struct hp_radix_forest *forest,
                                             enum hp_method method, const char *path, size_t len,
                                             char *out, size_t cap)
{
    len = hp_route_path_len(path, len);
    if ((unsigned)method >= HP_METHOD_COUNT || cap < len)
        return 0;
    return hp_radix_tree_find_case_insensitive(forest->trees[method], path, len, out) ? len : 0;
}

size_t hp_radix_forest_prefetch(const struct hp_radix_forest *forest, size_t max_lines)
{
    size_t lines = 0;
    for (int m = 0; m < HP_METHOD_COUNT; m++) {
        const struct hp_radix_tree *tree = forest->trees[m];
        if (!tree || !tree->flat)
            continue;
        const char *flat = (const char *)tree->flat;
        size_t bytes = (tree->node_count + 1) * sizeof *tree->flat;
        for (size_t i = 0; i < bytes && lines < max_lines; i += 64, lines++)
            __builtin_prefetch(flat + i);
    }
    return lines;
}

void hp_radix_forest_destroy(struct hp_radix_forest *forest)
{
    for (int m = 0; m < HP_METHOD_COUNT; m++) {
        hp_radix_tree_destroy(forest->trees[m]);
        forest->trees[m] = NULL;
    }
}
