/* Route-file parsing and the registration checks every router shares (see route_set.h). */
#include "routers/route_set.h"

#include <errno.h>
#include <stdio.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

static const char *const method_names[HP_METHOD_COUNT] = {
    [HP_METHOD_GET] = "GET",         [HP_METHOD_HEAD] = "HEAD",       [HP_METHOD_POST] = "POST",
    [HP_METHOD_PUT] = "PUT",         [HP_METHOD_PATCH] = "PATCH",     [HP_METHOD_DELETE] = "DELETE",
    [HP_METHOD_OPTIONS] = "OPTIONS", [HP_METHOD_CONNECT] = "CONNECT", [HP_METHOD_TRACE] = "TRACE",
};

const char *hp_method_name(enum hp_method m)
{
    return (unsigned)m < HP_METHOD_COUNT ? method_names[m] : "?";
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

static bool is_blank(char c)
{
    return c == ' ' || c == '\t' || c == '\r';
}

static int valid_methods(char *buf, size_t size)
{
    size_t used = 0;
    buf[0] = 0;
    for (int m = 0; m < HP_METHOD_COUNT; m++)
        used += snprintf(buf + used, used < size ? size - used : 0, "%s%s", m ? ", " : "",
                         method_names[m]);
    return 0;
}

int hp_route_set_parse(const char *name, const char *text, size_t len, struct hp_route_set **out,
                       struct hp_error *err)
{
    *out = NULL;
    struct hp_route_set *set = calloc(1, sizeof *set);
    size_t lines = 1;
    for (size_t i = 0; i < len; i++)
        lines += text[i] == '\n';
    if (!set || !(set->name = strdup(name)) || !(set->storage = malloc(len + 1)) ||
        !(set->routes = calloc(lines, sizeof *set->routes))) {
        hp_route_set_free(set);
        return hp_error_set(err, "%s: out of memory", name);
    }

    size_t used = 0;
    unsigned line = 0;
    for (size_t at = 0; at < len;) {
        const char *nl = memchr(text + at, '\n', len - at);
        size_t end = nl ? (size_t)(nl - text) : len;
        line++;
        size_t i = at;
        at = end + 1;
        while (i < end && is_blank(text[i]))
            i++;
        if (i == end || text[i] == '#')
            continue;
        size_t method_start = i;
        while (i < end && !is_blank(text[i]))
            i++;
        size_t method_len = i - method_start;
        while (i < end && is_blank(text[i]))
            i++;
        size_t pattern_start = i;
        while (i < end && !is_blank(text[i]))
            i++;
        size_t pattern_len = i - pattern_start;
        while (i < end && is_blank(text[i]))
            i++;

        int method = hp_method_parse(text + method_start, method_len);
        if (method < 0) {
            char methods[128];
            valid_methods(methods, sizeof methods);
            hp_route_set_free(set);
            return hp_error_set(err, "%s:%u: unknown method '%.*s' (valid: %s)", name, line,
                                (int)(method_len > 40 ? 40 : method_len), text + method_start,
                                methods);
        }
        if (pattern_len == 0) {
            hp_route_set_free(set);
            return hp_error_set(err, "%s:%u: expected 'METHOD /path', got no path", name, line);
        }
        if (i < end && text[i] != '#') {
            hp_route_set_free(set);
            return hp_error_set(err,
                                "%s:%u: unexpected text after the path (expected 'METHOD /path', "
                                "optionally followed by '# comment')",
                                name, line);
        }
        if (memchr(text + method_start, 0, end - method_start)) {
            hp_route_set_free(set);
            return hp_error_set(err, "%s:%u: NUL byte in line", name, line);
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
        if (hp_route_pattern_check(route, err) < 0) {
            hp_route_set_free(set);
            return -1;
        }
        for (size_t k = 0; k < set->count; k++)
            if (hp_route_conflict_check(&set->routes[k], route, err) < 0) {
                hp_route_set_free(set);
                return -1;
            }
        set->count++;
    }
    *out = set;
    return 0;
}

/* The whole file in one malloc'd buffer; NULL with err set ("PATH: ..."). */
static char *read_whole_file(const char *path, size_t *len_out, struct hp_error *err)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        hp_error_set(err, "%s: cannot open: %s", path, strerror(errno));
        return NULL;
    }
    size_t cap = 1 << 16, len = 0;
    char *text = malloc(cap);
    for (;;) {
        if (!text) {
            fclose(f);
            hp_error_set(err, "%s: out of memory", path);
            return NULL;
        }
        len += fread(text + len, 1, cap - len, f);
        if (len < cap)
            break;
        char *bigger = realloc(text, cap *= 2);
        if (!bigger)
            free(text);
        text = bigger;
    }
    bool failed = ferror(f);
    fclose(f);
    if (failed) {
        free(text);
        hp_error_set(err, "%s: read error", path);
        return NULL;
    }
    *len_out = len;
    return text;
}

int hp_route_set_load(const char *path, struct hp_route_set **out, struct hp_error *err)
{
    *out = NULL;
    size_t len;
    char *text = read_whole_file(path, &len, err);
    if (!text)
        return -1;
    int rc = hp_route_set_parse(path, text, len, out, err);
    free(text);
    return rc;
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

/* ---- request lists ---- */

int hp_request_list_parse(const char *name, const char *text, size_t len,
                          struct hp_request_list *out, struct hp_error *err)
{
    *out = (struct hp_request_list){0};
    size_t lines = 1;
    for (size_t i = 0; i < len; i++)
        lines += text[i] == '\n';
    char *copy = malloc(len + 1);
    struct hp_request_line *items = malloc(lines * sizeof *items);
    if (!copy || !items) {
        free(copy);
        free(items);
        return hp_error_set(err, "%s: out of memory", name);
    }
    memcpy(copy, text, len);
    copy[len] = '\0';
    size_t n = 0;
    unsigned line = 0;
    for (size_t at = 0; at < len;) {
        const char *nl = memchr(copy + at, '\n', len - at);
        size_t end = nl ? (size_t)(nl - copy) : len;
        size_t i = at;
        at = end + 1;
        line++;
        if (memchr(copy + i, '\0', end - i)) { /* it would end the path early, or be printed */
            free(copy);
            free(items);
            return hp_error_set(err, "%s:%u: NUL byte in the line (requests are text)", name, line);
        }
        while (i < end && is_blank(copy[i]))
            i++;
        if (i == end || copy[i] == '#')
            continue;
        size_t m0 = i;
        while (i < end && !is_blank(copy[i]))
            i++;
        size_t m1 = i;
        while (i < end && is_blank(copy[i]))
            i++;
        size_t p0 = i;
        while (i < end && !is_blank(copy[i]))
            i++;
        size_t p1 = i;
        while (i < end && is_blank(copy[i]))
            i++;
        int method = hp_method_parse(copy + m0, m1 - m0);
        int rc = 0;
        if (method < 0) {
            char valid[128] = "";
            for (int m = 0; m < HP_METHOD_COUNT; m++)
                snprintf(valid + strlen(valid), sizeof valid - strlen(valid), "%s%s", m ? ", " : "",
                         hp_method_name((enum hp_method)m));
            rc = hp_error_set(err, "%s:%u: unknown method '%.*s' (valid: %s)", name, line,
                              (int)(m1 - m0 > 40 ? 40 : m1 - m0), copy + m0, valid);
        } else if (p0 == p1 || i != end) {
            rc = hp_error_set(err, "%s:%u: expected 'METHOD PATH'", name, line);
        } else if (p1 - p0 > UINT32_MAX) {
            rc = hp_error_set(err, "%s:%u: request path longer than 4 GiB", name, line);
        }
        if (rc < 0) {
            free(copy);
            free(items);
            return rc;
        }
        copy[p1] = '\0'; /* a blank, the newline or the end: the path becomes a C string */
        items[n++] =
            (struct hp_request_line){(enum hp_method)method, (uint32_t)(p1 - p0), copy + p0, line};
    }
    *out = (struct hp_request_list){items, n, copy};
    return 0;
}

int hp_request_list_load(const char *path, struct hp_request_list *out, struct hp_error *err)
{
    *out = (struct hp_request_list){0};
    size_t len;
    char *text = read_whole_file(path, &len, err);
    if (!text)
        return -1;
    int rc = hp_request_list_parse(path, text, len, out, err);
    free(text);
    return rc;
}

void hp_request_list_free(struct hp_request_list *list)
{
    free(list->items);
    free(list->text);
    *list = (struct hp_request_list){0};
}
