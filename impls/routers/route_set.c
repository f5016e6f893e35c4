/* Route-file parsing and the registration checks every router shares (see route_set.h). */
#include "routers/route_set.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/route_hash.h"

static const char *const method_names[HP_METHOD_COUNT] = {
    [HP_METHOD_GET] = "GET",         [HP_METHOD_HEAD] = "HEAD",       [HP_METHOD_POST] = "POST",
    [HP_METHOD_PUT] = "PUT",         [HP_METHOD_PATCH] = "PATCH",     [HP_METHOD_DELETE] = "DELETE",
    [HP_METHOD_OPTIONS] = "OPTIONS", [HP_METHOD_CONNECT] = "CONNECT", [HP_METHOD_TRACE] = "TRACE",
};

const char *hp_method_name(enum hp_method m)
{
    return (unsigned)m < HP_METHOD_COUNT ? method_names[m] : "?";
}

size_t hp_method_list(char *buf, size_t size)
{
    size_t used = 0;
    buf[0] = 0;
    for (int m = 0; m < HP_METHOD_COUNT; m++)
        used += (size_t)snprintf(buf + used, used < size ? size - used : 0, "%s%s", m ? ", " : "",
                                 method_names[m]);
    return used;
}

int hp_method_parse(const char *s, size_t len)
{
    for (int m = 0; m < HP_METHOD_COUNT; m++)
        if (strlen(method_names[m]) == len && memcmp(method_names[m], s, len) == 0)
            return m;
    return -1;
}

void hp_match_init(struct hp_match *m)
{
    m->status = HP_MATCH_NOT_FOUND;
    m->route_id = 0;
    m->allowed = 0;
    m->params.count = 0;
    m->params.capacity = HP_PARAMS_INLINE;
    m->params.items = m->params.inline_items;
}

/* Out of line, so that the usual release (nothing on the heap) needs no stack frame: with the
 * call to free inline, every release saved and restored registers. */
static __attribute__((noinline, cold)) void params_free_heap(struct hp_params *params)
{
    free(params->items);
    params->items = params->inline_items;
    params->capacity = HP_PARAMS_INLINE;
    params->count = 0;
}

void hp_match_release_default(const struct hp_router *r, struct hp_match *m)
{
    (void)r;
    if (m->params.items != m->params.inline_items)
        params_free_heap(&m->params);
    else
        m->params.count = 0;
}

bool hp_params_reserve(struct hp_params *params, uint32_t count)
{
    if (count > params->capacity) {
        bool overflowing = params->items != params->inline_items;
        struct hp_param *items = overflowing ? realloc(params->items, count * sizeof *items)
                                             : malloc(count * sizeof *items);
        if (!items) {
            params->count = 0;
            return false;
        }
        params->items = items;
        params->capacity = count;
    }
    params->count = count;
    return true;
}

bool hp_params_alloc(struct hp_params *params, uint32_t count)
{
    params->capacity = 0; /* no room: reserve allocates, whatever the inline items hold */
    if (hp_params_reserve(params, count))
        return true;
    params->capacity = HP_PARAMS_INLINE;
    return false;
}

int hp_route_where(const struct hp_route *route, char *buf, size_t size)
{
    if (route->file)
        return snprintf(buf, size, "%s:%u", route->file, route->line);
    return snprintf(buf, size, "%s %.*s", hp_method_name(route->method),
                    (int)(route->pattern_len > 200 ? 200 : route->pattern_len), route->pattern);
}

/* A printable pattern for messages (long ones cut). */
#define PATTERN_FMT "%.*s%s"
#define PATTERN_ARGS(r)                                                                            \
    (int)((r)->pattern_len > 200 ? 200 : (r)->pattern_len), (r)->pattern,                          \
        ((r)->pattern_len > 200 ? "..." : "")

static bool byte_allowed_in_pattern(unsigned char c)
{
    return c > 0x20 && c != 0x7f && c != '?' && c != '#';
}

/* "FILE:LINE: " + the message: the place is formatted only when there is an error (every
 * registration checks its pattern, almost always fine). */
static int __attribute__((format(printf, 3, 4)))
route_error(const struct hp_route *route, struct hp_error *err, const char *fmt, ...)
{
    char where[512], message[1024];
    hp_route_where(route, where, sizeof where);
    va_list args;
    va_start(args, fmt);
    vsnprintf(message, sizeof message, fmt, args);
    va_end(args);
    return hp_error_set(err, "%s: %s", where, message);
}

int hp_route_pattern_check(const struct hp_route *route, struct hp_error *err)
{
    const char *p = route->pattern;
    size_t len = route->pattern_len;

    if ((unsigned)route->method >= HP_METHOD_COUNT)
        return route_error(route, err, "unknown method %d", (int)route->method);
    if (len == 0 || p[0] != '/')
        return route_error(route, err, "pattern '" PATTERN_FMT "' must start with '/'",
                           PATTERN_ARGS(route));
    if (len > HP_ROUTE_PATTERN_MAX)
        return route_error(route, err, "pattern is %zu bytes, longer than the limit of %d", len,
                           HP_ROUTE_PATTERN_MAX);
    for (size_t i = 0; i < len; i++)
        if (!byte_allowed_in_pattern((unsigned char)p[i]))
            return route_error(route, err,
                               "pattern '" PATTERN_FMT "' has byte 0x%02x at offset %zu "
                               "(no spaces, control bytes, '?' or '#')",
                               PATTERN_ARGS(route), (unsigned char)p[i], i);

    unsigned wildcards = 0;
    size_t seg = 1; /* start of the current segment */
    while (seg <= len) {
        const char *slash = memchr(p + seg, '/', len - seg);
        size_t end = slash ? (size_t)(slash - p) : len;
        char kind = seg < len ? p[seg] : 0;
        if (kind == ':' || kind == '*') {
            const char *what = kind == ':' ? "param" : "catch-all";
            if (end == seg + 1)
                return route_error(route, err, "pattern '" PATTERN_FMT "': empty %s name",
                                   PATTERN_ARGS(route), what);
            for (size_t i = seg + 1; i < end; i++)
                if (p[i] == ':' || p[i] == '*')
                    return route_error(route, err,
                                       "pattern '" PATTERN_FMT
                                       "': two wildcards in one segment ('%.*s')",
                                       PATTERN_ARGS(route), (int)(end - seg), p + seg);
            if (kind == '*' && end != len)
                return route_error(route, err,
                                   "pattern '" PATTERN_FMT
                                   "': catch-all '%.*s' must be the last segment",
                                   PATTERN_ARGS(route), (int)(end - seg), p + seg);
            if (++wildcards > HP_ROUTE_PARAMS_MAX)
                return route_error(route, err, "pattern has more than %d params, the limit",
                                   HP_ROUTE_PARAMS_MAX);
        }
        seg = end + 1;
    }
    return 0;
}

/* One segment of a pattern: kind is ':' (param), '*' (catch-all) or 0 (static). */
struct segment {
    const char *bytes; /* for wildcards: the name, without ':' or '*' */
    size_t len;
    char kind;
};

static bool next_segment(const struct hp_route *r, size_t *pos, struct segment *out)
{
    size_t seg = *pos;
    if (seg > r->pattern_len)
        return false;
    const char *p = r->pattern;
    const char *slash = memchr(p + seg, '/', r->pattern_len - seg);
    size_t end = slash ? (size_t)(slash - p) : r->pattern_len;
    char kind = seg < end ? p[seg] : 0;
    if (kind == ':' || kind == '*') {
        out->bytes = p + seg + 1;
        out->len = end - seg - 1;
        out->kind = kind;
    } else {
        out->bytes = p + seg;
        out->len = end - seg;
        out->kind = 0;
    }
    *pos = end + 1;
    return true;
}

int hp_route_conflict_check(const struct hp_route *existing, const struct hp_route *route,
                            struct hp_error *err)
{
    if (existing->method != route->method)
        return 0;
    size_t pa = 1, pb = 1;
    struct segment a, b;
    bool has_a, has_b;
    for (;;) {
        has_a = next_segment(existing, &pa, &a);
        has_b = next_segment(route, &pb, &b);
        if (!has_a && !has_b)
            break; /* duplicate */
        if (!has_a || !has_b)
            return 0;
        if (a.kind == 0 || b.kind == 0) {
            if (a.kind == b.kind && a.len == b.len && memcmp(a.bytes, b.bytes, a.len) == 0)
                continue;
            return 0; /* different static bytes, or static next to a wildcard: static wins */
        }
        if (a.kind != b.kind || a.len != b.len || memcmp(a.bytes, b.bytes, a.len) != 0)
            break; /* param vs catch-all, or two names at one position */
    }
    /* A conflict: only now are the messages' places formatted (a registration checks every
     * registered route, and almost none conflicts). */
    char where[512], other[512];
    hp_route_where(route, where, sizeof where);
    hp_route_where(existing, other, sizeof other);
    const char *method = hp_method_name(route->method);
    if (!has_a && !has_b)
        return hp_error_set(err, "%s: duplicate route %s " PATTERN_FMT ", already registered at %s",
                            where, method, PATTERN_ARGS(route), other);
    if (a.kind != b.kind)
        return hp_error_set(err,
                            "%s: %s '%c%.*s' of %s " PATTERN_FMT
                            " is at the same position as %s '%c%.*s' of %s " PATTERN_FMT " (%s)",
                            where, b.kind == ':' ? "param" : "catch-all", b.kind, (int)b.len,
                            b.bytes, method, PATTERN_ARGS(route),
                            a.kind == ':' ? "param" : "catch-all", a.kind, (int)a.len, a.bytes,
                            method, PATTERN_ARGS(existing), other);
    return hp_error_set(err,
                        "%s: wildcard '%c%.*s' of %s " PATTERN_FMT
                        " conflicts with '%c%.*s' of %s " PATTERN_FMT
                        " (%s): one position, one name",
                        where, b.kind, (int)b.len, b.bytes, method, PATTERN_ARGS(route), a.kind,
                        (int)a.len, a.bytes, method, PATTERN_ARGS(existing), other);
}

/* ---- conflicts against a whole table ----
 *
 * A trie per method whose nodes are the pattern prefixes that end at a segment boundary, so
 * that a route meets, segment by segment, exactly the registered routes it could conflict
 * with. Two routes conflict (hp_route_conflict_check) where their segments, equal so far,
 * hold two different wildcards, or where both end: at a node, every registered route with a
 * different wildcard at the next position passes through the node's one wildcard child (a
 * second one would have been refused), and the first of them to be registered created it;
 * an identical pattern ends at the same node. The walk stops at the first such place, which
 * is where the pairwise check would stop for every conflicting route, so the route it names
 * is the earliest registered one the pairwise loop would name, and the message comes from
 * hp_route_conflict_check itself. A route that conflicts creates nothing (a conflict lies on
 * nodes that exist), so the index stays exact after a refusal. */

struct hp_route_conflict_node {
    const struct hp_route *ends_here;      /* the route whose pattern ends here */
    const struct hp_route *wildcard_route; /* the first route through the wildcard child */
    const char *wildcard_name;             /* its name (a slice of that route's pattern) */
    uint32_t wildcard_name_len;
    uint32_t wildcard_child; /* 0: none (0 is a root, nobody's child) */
    char wildcard_kind;      /* ':' or '*' */
    /* A static node: its parent and segment (a slice of the pattern that made it), the key
     * of the edge table, and the key's hash. */
    uint32_t parent;
    uint32_t segment_len;
    const char *segment;
    uint64_t hash;
};

enum { CONFLICT_NODES_MIN = 1024, CONFLICT_SLOTS_MIN = 2048 };

void hp_route_conflicts_init(struct hp_route_conflicts *c)
{
    *c = (struct hp_route_conflicts){0};
}

void hp_route_conflicts_destroy(struct hp_route_conflicts *c)
{
    free(c->nodes);
    free(c->slots);
    hp_route_conflicts_init(c);
}

/* Room for one more node; false when out of memory. */
static bool conflicts_reserve_node(struct hp_route_conflicts *c)
{
    if (!c->nodes) {
        if (!(c->nodes = calloc(CONFLICT_NODES_MIN, sizeof *c->nodes)))
            return false;
        c->capacity = CONFLICT_NODES_MIN;
        c->count = HP_METHOD_COUNT; /* the roots */
    }
    if (c->count < c->capacity)
        return true;
    if (c->capacity >= UINT32_MAX / 2)
        return false;
    struct hp_route_conflict_node *nodes = realloc(c->nodes, 2 * c->capacity * sizeof *nodes);
    if (!nodes)
        return false;
    memset(nodes + c->capacity, 0, c->capacity * sizeof *nodes);
    c->nodes = nodes;
    c->capacity *= 2;
    return true;
}

/* The edge table: node ids (0: empty slot; roots are nobody's child), open addressing with
 * linear probing, at most half full. */
static bool conflicts_reserve_slot(struct hp_route_conflicts *c)
{
    size_t capacity = c->slots ? (size_t)c->slot_mask + 1 : 0;
    if (2 * (c->static_count + 1) <= capacity)
        return true;
    size_t bigger = capacity ? 2 * capacity : CONFLICT_SLOTS_MIN;
    if (bigger > UINT32_MAX)
        return false;
    uint32_t *slots = calloc(bigger, sizeof *slots);
    if (!slots)
        return false;
    for (size_t i = 0; i < capacity; i++) {
        uint32_t id = c->slots[i];
        if (!id)
            continue;
        size_t at = (size_t)c->nodes[id].hash & (bigger - 1);
        while (slots[at])
            at = (at + 1) & (bigger - 1);
        slots[at] = id;
    }
    free(c->slots);
    c->slots = slots;
    c->slot_mask = (uint32_t)(bigger - 1);
    return true;
}

/* The static child of `parent` for segment[0..len), made when missing; 0 when out of memory. */
static uint32_t conflicts_static_child(struct hp_route_conflicts *c, uint32_t parent,
                                       const char *segment, size_t len)
{
    if (!conflicts_reserve_node(c) || !conflicts_reserve_slot(c))
        return 0;
    uint64_t hash = hp_route_hash_bytes(segment, len) ^ (parent * 0x9e3779b97f4a7c15ull);
    size_t at = (size_t)hash & c->slot_mask;
    for (uint32_t id; (id = c->slots[at]) != 0; at = (at + 1) & c->slot_mask) {
        const struct hp_route_conflict_node *n = &c->nodes[id];
        if (n->hash == hash && n->parent == parent && n->segment_len == len &&
            memcmp(n->segment, segment, len) == 0)
            return id;
    }
    uint32_t id = (uint32_t)c->count++;
    c->nodes[id].parent = parent;
    c->nodes[id].segment = segment;
    c->nodes[id].segment_len = (uint32_t)len;
    c->nodes[id].hash = hash;
    c->slots[at] = id;
    c->static_count++;
    return id;
}

static int conflicts_refuse(const struct hp_route *existing, const struct hp_route *route,
                            struct hp_error *err)
{
    if (hp_route_conflict_check(existing, route, err) < 0)
        return -1;
    /* Unreachable while this index and the pairwise check agree; say so plainly. */
    return route_error(route, err, "conflicts with a registered route");
}

int hp_route_conflicts_add(struct hp_route_conflicts *c, const struct hp_route *route,
                           struct hp_error *err)
{
    if ((unsigned)route->method >= HP_METHOD_COUNT)
        return hp_route_pattern_check(route, err);
    if (!conflicts_reserve_node(c))
        return route_error(route, err, "out of memory");
    uint32_t at = (uint32_t)route->method;
    size_t pos = 1;
    struct segment s;
    while (next_segment(route, &pos, &s)) {
        if (s.kind == 0) {
            if (!(at = conflicts_static_child(c, at, s.bytes, s.len)))
                return route_error(route, err, "out of memory");
            continue;
        }
        if (!conflicts_reserve_node(c))
            return route_error(route, err, "out of memory");
        struct hp_route_conflict_node *node = &c->nodes[at];
        if (!node->wildcard_child) {
            node->wildcard_child = (uint32_t)c->count++;
            node->wildcard_route = route;
            node->wildcard_name = s.bytes;
            node->wildcard_name_len = (uint32_t)s.len;
            node->wildcard_kind = s.kind;
        } else if (node->wildcard_kind != s.kind || node->wildcard_name_len != s.len ||
                   memcmp(node->wildcard_name, s.bytes, s.len) != 0) {
            return conflicts_refuse(node->wildcard_route, route, err);
        }
        at = node->wildcard_child;
    }
    if (c->nodes[at].ends_here)
        return conflicts_refuse(c->nodes[at].ends_here, route, err);
    c->nodes[at].ends_here = route;
    return 0;
}

int hp_router_add_all(const struct hp_router_ops *ops, struct hp_router *r,
                      const struct hp_route *routes, size_t count, struct hp_error *err)
{
    if (ops->add_all)
        return ops->add_all(r, routes, count, err);
    for (size_t i = 0; i < count; i++)
        if (ops->add(r, &routes[i], err) != 0)
            return -1;
    return 0;
}

/* ---- answers as text ---- */

struct text {
    char *buf;
    size_t size, len;
};

static void text_put(struct text *t, const char *bytes, size_t n)
{
    if (t->len < t->size) {
        size_t room = t->size - 1 - t->len;
        memcpy(t->buf + t->len, bytes, n < room ? n : room);
    }
    t->len += n;
}

static void text_str(struct text *t, const char *s)
{
    text_put(t, s, strlen(s));
}

size_t hp_match_format(char *buf, size_t size, const struct hp_route_set *set,
                       enum hp_method method, const char *path, size_t len,
                       const struct hp_match *m)
{
    struct text t = {buf, size, 0};
    switch (m->status) {
    case HP_MATCH_FOUND: {
        const struct hp_route *route = &set->routes[m->route_id];
        text_str(&t, hp_method_name(route->method));
        text_put(&t, " ", 1);
        text_put(&t, route->pattern, route->pattern_len);
        for (uint32_t i = 0; i < m->params.count; i++) {
            const struct hp_param *p = &m->params.items[i];
            text_put(&t, " ", 1);
            text_put(&t, p->name, p->name_len);
            text_put(&t, "=", 1);
            text_put(&t, p->value, p->value_len);
        }
        break;
    }
    case HP_MATCH_NOT_FOUND:
        text_str(&t, "404");
        break;
    case HP_MATCH_METHOD_NOT_ALLOWED: {
        text_str(&t, "405 Allow:");
        const char *sep = " ";
        for (int i = 0; i < HP_METHOD_COUNT; i++)
            if (m->allowed & (1u << i)) {
                text_str(&t, sep);
                text_str(&t, hp_method_name((enum hp_method)i));
                sep = ", ";
            }
        break;
    }
    case HP_MATCH_REDIRECT_ADD_SLASH:
    case HP_MATCH_REDIRECT_REMOVE_SLASH: {
        size_t path_len = hp_route_path_len(path, len);
        text_str(&t, method == HP_METHOD_GET ? "301 " : "308 ");
        if (m->status == HP_MATCH_REDIRECT_ADD_SLASH) {
            text_put(&t, path, path_len);
            text_put(&t, "/", 1);
        } else {
            text_put(&t, path, path_len ? path_len - 1 : 0);
        }
        break;
    }
    }
    if (size)
        buf[t.len < size ? t.len : size - 1] = 0;
    return t.len;
}

/* ---- route files ---- */

static int line_too_long(const char *name, unsigned line, struct hp_error *err)
{
    return hp_error_set(err, "%s:%u: line longer than the limit of %d bytes", name, line,
                        HP_ROUTE_LINE_MAX);
}

int hp_route_set_parse(const char *name, const char *text, size_t len, struct hp_route_set **out,
                       struct hp_error *err)
{
    *out = NULL;
    struct hp_route_set *set = calloc(1, sizeof *set);
    struct hp_route_conflicts conflicts;
    hp_route_conflicts_init(&conflicts);
    size_t lines = 1;
    for (size_t i = 0; i < len; i++)
        lines += text[i] == '\n';
    if (!set || !(set->name = strdup(name)) || !(set->storage = malloc(len + 1)) ||
        !(set->routes = calloc(lines, sizeof *set->routes))) {
        hp_error_set(err, "%s: out of memory", name);
        goto fail;
    }

    size_t used = 0;
    unsigned line = 0;
    for (size_t at = 0; at < len;) {
        const char *nl = memchr(text + at, '\n', len - at);
        size_t end = nl ? (size_t)(nl - text) : len;
        line++;
        if (end - at > HP_ROUTE_LINE_MAX) {
            line_too_long(name, line, err);
            goto fail;
        }
        size_t i = at;
        at = end + 1;
        while (i < end && hp_is_blank(text[i]))
            i++;
        if (i == end || text[i] == '#')
            continue;
        size_t method_start = i;
        while (i < end && !hp_is_blank(text[i]))
            i++;
        size_t method_len = i - method_start;
        while (i < end && hp_is_blank(text[i]))
            i++;
        size_t pattern_start = i;
        while (i < end && !hp_is_blank(text[i]))
            i++;
        size_t pattern_len = i - pattern_start;
        while (i < end && hp_is_blank(text[i]))
            i++;

        int method = hp_method_parse(text + method_start, method_len);
        if (method < 0) {
            char methods[128], shown[200];
            hp_method_list(methods, sizeof methods);
            hp_error_set(err, "%s:%u: unknown method '%s' (valid: %s)", name, line,
                         hp_error_quote(shown, sizeof shown, text + method_start, method_len, 40),
                         methods);
            goto fail;
        }
        if (pattern_len == 0) {
            hp_error_set(err, "%s:%u: expected 'METHOD /path', got no path", name, line);
            goto fail;
        }
        if (i < end && text[i] != '#') {
            hp_error_set(err,
                         "%s:%u: unexpected text after the path (expected 'METHOD /path', "
                         "optionally followed by '# comment')",
                         name, line);
            goto fail;
        }
        if (memchr(text + method_start, 0, end - method_start)) {
            hp_error_set(err, "%s:%u: NUL byte in line", name, line);
            goto fail;
        }
        char *pattern = set->storage + used;
        memcpy(pattern, text + pattern_start, pattern_len);
        pattern[pattern_len] = 0;
        used += pattern_len + 1;

        struct hp_route *route = &set->routes[set->count];
        *route = (struct hp_route){
            .method = (enum hp_method)method,
            .pattern = pattern,
            .pattern_len = (uint32_t)(pattern_len > UINT32_MAX ? UINT32_MAX : pattern_len),
            .id = (uint32_t)set->count,
            .file = set->name,
            .line = line,
        };
        if (hp_route_pattern_check(route, err) < 0 ||
            hp_route_conflicts_add(&conflicts, route, err) < 0)
            goto fail;
        set->count++;
    }
    hp_route_conflicts_destroy(&conflicts);
    *out = set;
    return 0;
fail:
    hp_route_set_free(set);
    hp_route_conflicts_destroy(&conflicts);
    return -1;
}

void hp_route_set_free(struct hp_route_set *set)
{
    if (!set)
        return;
    free(set->routes);
    free(set->storage);
    free(set->name);
    free(set);
}

/* ---- case-insensitive suggestions ---- */

size_t hp_utf8_decode(const char *s, size_t avail, uint32_t *cp)
{
    const unsigned char *u = (const unsigned char *)s;
    *cp = 0xFFFFFFFFu;
    if (u[0] < 0x80) {
        *cp = u[0];
        return 1;
    }
    size_t n = u[0] >= 0xC2 && u[0] <= 0xDF   ? 2
               : u[0] >= 0xE0 && u[0] <= 0xEF ? 3
               : u[0] >= 0xF0 && u[0] <= 0xF4 ? 4
                                              : 0;
    if (n == 0 || n > avail)
        return 1;
    uint32_t c = u[0] & (0x7Fu >> n);
    for (size_t i = 1; i < n; i++) {
        if ((u[i] & 0xC0) != 0x80)
            return 1;
        c = (c << 6) | (u[i] & 0x3F);
    }
    /* Overlong forms, surrogates and values past U+10FFFF are not characters. */
    if ((n == 3 && c < 0x800) || (n == 4 && (c < 0x10000 || c > 0x10FFFF)) ||
        (c >= 0xD800 && c <= 0xDFFF))
        return 1;
    *cp = c;
    return n;
}

size_t hp_case_other(uint32_t cp, char out[4])
{
    uint32_t o = cp;
    if (cp >= 'A' && cp <= 'Z')
        o = cp + 32;
    else if (cp >= 'a' && cp <= 'z')
        o = cp - 32;
    else if (cp >= 0xC0 && cp <= 0xDE && cp != 0xD7)
        o = cp + 0x20;
    else if (cp >= 0xE0 && cp <= 0xFE && cp != 0xF7)
        o = cp - 0x20;
    else if ((cp >= 0x100 && cp <= 0x12F) || (cp >= 0x132 && cp <= 0x137) ||
             (cp >= 0x14A && cp <= 0x177))
        o = cp ^ 1; /* pairs: even upper, odd lower */
    else if ((cp >= 0x139 && cp <= 0x148) || (cp >= 0x179 && cp <= 0x17E))
        o = (cp & 1) ? cp + 1 : cp - 1; /* pairs: odd upper, even lower */
    else if (cp >= 0x391 && cp <= 0x3A9 && cp != 0x3A2)
        o = cp + 0x20;
    else if (cp >= 0x3B1 && cp <= 0x3C9 && cp != 0x3C2) /* final sigma has no capital of its own */
        o = cp - 0x20;
    else if (cp >= 0x410 && cp <= 0x42F)
        o = cp + 0x20;
    else if (cp >= 0x430 && cp <= 0x44F)
        o = cp - 0x20;
    else if (cp >= 0x400 && cp <= 0x40F)
        o = cp + 0x50;
    else if (cp >= 0x450 && cp <= 0x45F)
        o = cp - 0x50;
    if (o == cp)
        return 0;
    if (o < 0x80) {
        out[0] = (char)o;
        return 1;
    }
    out[0] = (char)(0xC0 | (o >> 6)); /* every letter above is below U+0800 */
    out[1] = (char)(0x80 | (o & 0x3F));
    return 2;
}

bool hp_case_equal(const char *request, const char *candidate, size_t len)
{
    for (size_t i = 0; i < len;) {
        uint32_t cp;
        size_t n = hp_utf8_decode(request + i, len - i, &cp);
        if (memcmp(request + i, candidate + i, n) != 0) {
            char other[4];
            if (hp_case_other(cp, other) != n || memcmp(other, candidate + i, n) != 0)
                return false;
        }
        i += n;
    }
    return true;
}

/* The segment of `p` starting at `from` (just after a '/'): its end, and its kind (static 0,
 * param 1, catch-all 2). */
static int case_segment(const char *p, size_t len, size_t from, size_t *end)
{
    const char *slash = from < len ? memchr(p + from, '/', len - from) : NULL;
    *end = slash ? (size_t)(slash - p) : len;
    if (from >= len)
        return 0;
    return p[from] == ':' ? 1 : p[from] == '*' ? 2 : 0;
}

int hp_case_candidate_compare(const char *a, size_t a_len, const char *b, size_t b_len)
{
    size_t pa = 1, pb = 1;
    for (;;) {
        size_t ea, eb;
        int ka = case_segment(a, a_len, pa, &ea), kb = case_segment(b, b_len, pb, &eb);
        if (ka != kb)
            return ka - kb;
        if (ka == 2)
            return 0;
        if (ka == 0) {
            size_t na = ea - pa, nb = eb - pb;
            int c = memcmp(a + pa, b + pb, na < nb ? na : nb);
            if (c != 0 || na != nb)
                return c != 0 ? c : (na < nb ? -1 : 1);
        }
        if (ea >= a_len || eb >= b_len)
            return (ea < a_len) - (eb < b_len);
        pa = ea + 1;
        pb = eb + 1;
    }
}

void hp_case_fixed_path(const char *pattern, size_t pattern_len, const char *request, size_t len,
                        char *out)
{
    memcpy(out, request, len);
    size_t pp = 1, sp = 1;
    while (pp <= pattern_len && sp <= len) {
        size_t pe, se;
        int kind = case_segment(pattern, pattern_len, pp, &pe);
        case_segment(request, len, sp, &se);
        if (kind == 2)
            return;
        if (kind == 0 && pe - pp == se - sp)
            memcpy(out + sp, pattern + pp, pe - pp);
        pp = pe + 1;
        sp = se + 1;
    }
}
