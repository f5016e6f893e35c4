/* Synthetic route sets and Zipf request streams (route_gen.h).
 *
 * Routes are grown in a segment trie. Every structural rule a router enforces is a property of
 * one trie node (one parameter child with one name, parameter and catch-all children mutually
 * exclusive, catch-alls are leaves, a method bitmask per node), so checking the node while
 * growing it is enough to make the whole set valid; no separate validation pass is needed.
 */
#include "route_gen.h"

#include <inttypes.h>
#include <math.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "inputs.h"
#include "rng.h"

/* Rough shares of methods in a REST API, in percent. The order (not enum order) is part of the
 * output: a weighted roll walks it, so reordering would change every generated set for a seed. */
static const struct {
    enum hp_method method;
    unsigned weight;
} method_shares[HP_METHOD_COUNT] = {
    {HP_METHOD_GET, 45},    {HP_METHOD_POST, 20},   {HP_METHOD_PUT, 10},
    {HP_METHOD_DELETE, 10}, {HP_METHOD_PATCH, 8},   {HP_METHOD_HEAD, 3},
    {HP_METHOD_OPTIONS, 2}, {HP_METHOD_CONNECT, 1}, {HP_METHOD_TRACE, 1},
};

/* Static segment names. Disjoint from every parameter value vocabulary below, so a generated
 * request never lands on a static sibling of the route it was made from by accident. */
static const char *const static_words[64] = {
    "api",      "v1",         "v2",        "users",     "orders",   "items",    "products",
    "search",   "settings",   "comments",  "posts",     "admin",    "auth",     "login",
    "logout",   "accounts",   "billing",   "invoices",  "payments", "carts",    "reviews",
    "tags",     "categories", "media",     "images",    "videos",   "files",    "uploads",
    "reports",  "metrics",    "events",    "webhooks",  "teams",    "projects", "issues",
    "releases", "branches",   "commits",   "labels",    "members",  "roles",    "sessions",
    "tokens",   "keys",       "health",    "status",    "config",   "feeds",    "messages",
    "threads",  "channels",   "followers", "following", "starred",  "archive",  "export",
    "import",   "stats",      "history",   "drafts",    "public",   "private",  "shared",
    "favorites"};

static const char *const param_names[16] = {"id",   "user", "owner",   "repo", "org",  "name",
                                            "slug", "sha",  "version", "key",  "item", "lang",
                                            "ref",  "team", "number",  "token"};
static const char *const catchall_names[4] = {"path", "filepath", "rest", "tail"};

static const char *const user_values[16] = {"julienschmidt", "octocat",  "torvalds", "antirez",
                                            "mitchellh",     "bradfitz", "rsc",      "gaearon",
                                            "sindresorhus",  "mattn",    "robpike",  "spf13",
                                            "fatih",         "jessfraz", "mojombo",  "dhh"};
static const char *const org_values[8] = {"golang", "google",    "kubernetes", "rust-lang",
                                          "nodejs", "hashicorp", "mozilla",    "gin-gonic"};
static const char *const repo_values[12] = {"httprouter", "gin",   "linux", "redis",
                                            "terraform",  "react", "curl",  "sqlite",
                                            "ripgrep",    "cobra", "jq",    "nginx"};
static const char *const word_values[12] = {
    "hello-world", "summer-sale", "getting-started", "blue",   "quickstart", "night-mode",
    "alpha",       "draft-7",     "march-update",    "gopher", "ferris",     "notes"};
static const char *const lang_values[6] = {"en", "de", "fr", "ja", "pt-br", "zh-hans"};
static const char *const file_values[12] = {"docs",   "img",      "css",        "js",
                                            "v2",     "assets",   "index.html", "style.css",
                                            "app.js", "logo.png", "README.md",  "main.go"};

/* ---- Growable text buffer ------------------------------------------------------------------ */

struct text {
    char *data;
    size_t len, cap;
    bool failed; /* an allocation failed; everything after is dropped, checked once at the end */
};

static bool text_reserve(struct text *t, size_t extra)
{
    if (t->failed)
        return false;
    if (t->len + extra + 1 <= t->cap)
        return true;
    size_t cap = t->cap ? t->cap : 256;
    while (cap < t->len + extra + 1)
        cap *= 2;
    char *data = realloc(t->data, cap);
    if (!data) {
        t->failed = true;
        return false;
    }
    t->data = data;
    t->cap = cap;
    return true;
}

static void text_append(struct text *t, const char *s, size_t n)
{
    if (!text_reserve(t, n))
        return;
    memcpy(t->data + t->len, s, n);
    t->len += n;
    t->data[t->len] = '\0';
}

static void text_puts(struct text *t, const char *s)
{
    text_append(t, s, strlen(s));
}

__attribute__((format(printf, 2, 3))) static void text_printf(struct text *t, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0 || !text_reserve(t, (size_t)n))
        return;
    va_start(ap, fmt);
    vsnprintf(t->data + t->len, (size_t)n + 1, fmt, ap);
    va_end(ap);
    t->len += (size_t)n;
}

/* ---- Route-set generator --------------------------------------------------------------- */

enum { NO_NODE = 0 }; /* node 0 is the root and never anyone's child */

struct gen_node {
    char *segment; /* "users", ":id" or "*path"; "" for the root */
    uint32_t parent;
    uint32_t param_child, catchall_child;
    uint32_t *static_children;
    uint32_t static_count, static_cap;
    uint64_t words_used; /* bit i: static_words[i] is already a static child here */
    uint16_t methods;    /* bit i: method_shares[i] is registered on this node */
};

struct gen_route {
    uint32_t node;
    uint8_t method; /* index into method_shares */
};

struct generator {
    const struct hp_route_gen_params *params;
    struct hp_rng rng;
    struct gen_node *nodes;
    uint32_t node_count, node_cap;
    uint32_t *first_level; /* prefix_fanout entries: the node of first segment k, or NO_NODE */
    struct gen_route *routes;
    uint32_t route_count;
    bool out_of_memory;
};

static uint32_t gen_new_node(struct generator *g, uint32_t parent, char *segment)
{
    if (!segment) {
        g->out_of_memory = true;
        return NO_NODE;
    }
    if (g->node_count == g->node_cap) {
        uint32_t cap = g->node_cap ? g->node_cap * 2 : 64;
        struct gen_node *nodes = realloc(g->nodes, cap * sizeof *nodes);
        if (!nodes) {
            free(segment);
            g->out_of_memory = true;
            return NO_NODE;
        }
        g->nodes = nodes;
        g->node_cap = cap;
    }
    uint32_t id = g->node_count++;
    g->nodes[id] = (struct gen_node){.segment = segment, .parent = parent};
    return id;
}

static char *format_segment(const char *fmt, const char *word, unsigned number)
{
    int n = snprintf(NULL, 0, fmt, word, number);
    char *s = malloc((size_t)n + 1);
    if (s)
        snprintf(s, (size_t)n + 1, fmt, word, number);
    return s;
}

static uint32_t gen_add_static_child(struct generator *g, uint32_t parent, char *segment)
{
    uint32_t child = gen_new_node(g, parent, segment);
    if (child == NO_NODE)
        return NO_NODE;
    struct gen_node *p = &g->nodes[parent];
    if (p->static_count == p->static_cap) {
        uint32_t cap = p->static_cap ? p->static_cap * 2 : 4;
        uint32_t *children = realloc(p->static_children, cap * sizeof *children);
        if (!children) {
            g->out_of_memory = true;
            return NO_NODE;
        }
        p->static_children = children;
        p->static_cap = cap;
    }
    p->static_children[p->static_count++] = child;
    return child;
}

/* A static segment name no sibling has: an unused word while there are some, then
 * "word-N" with N the sibling count, which only grows, so it cannot repeat. */
static char *fresh_static_name(struct generator *g, uint32_t parent)
{
    struct gen_node *p = &g->nodes[parent];
    unsigned word = (unsigned)hp_rng_below(&g->rng, 64);
    if (p->words_used != UINT64_MAX) {
        while (p->words_used & (1ull << word))
            word = (word + 1) % 64;
        p->words_used |= 1ull << word;
        return format_segment("%s", static_words[word], 0);
    }
    return format_segment("%s-%u", static_words[word], p->static_count);
}

static bool name_used_on_path(const struct generator *g, uint32_t node, const char *name)
{
    for (; node != NO_NODE; node = g->nodes[node].parent) {
        const char *segment = g->nodes[node].segment;
        if ((segment[0] == ':' || segment[0] == '*') && strcmp(segment + 1, name) == 0)
            return true;
    }
    return false;
}

/* A wildcard name not used by any wildcard above `parent`, so one route never binds the same
 * name twice; `depth` makes the fallback name unique along the path. */
static char *fresh_wildcard(struct generator *g, uint32_t parent, char sigil,
                            const char *const *names, unsigned name_count, unsigned depth)
{
    unsigned first = (unsigned)hp_rng_below(&g->rng, name_count);
    for (unsigned i = 0; i < name_count; i++) {
        const char *name = names[(first + i) % name_count];
        if (!name_used_on_path(g, parent, name))
            return format_segment(sigil == ':' ? ":%s" : "*%s", name, 0);
    }
    return format_segment(sigil == ':' ? ":%s%u" : "*%s%u", sigil == ':' ? "p" : "rest", depth);
}

static uint32_t gen_first_segment(struct generator *g)
{
    unsigned k = (unsigned)hp_rng_below(&g->rng, g->params->prefix_fanout);
    if (g->first_level[k] == NO_NODE) {
        char *name = k < 64 ? format_segment("%s", static_words[k], 0)
                            : format_segment("%s-%u", static_words[k % 64], k);
        g->first_level[k] = gen_add_static_child(g, 0, name);
    }
    return g->first_level[k];
}

/* Walks (growing where needed) one random route shape; returns its last node. */
static uint32_t gen_walk(struct generator *g)
{
    const struct hp_route_gen_params *params = g->params;
    unsigned depth = 1 + (unsigned)hp_rng_below(&g->rng, params->max_depth);
    uint32_t node = gen_first_segment(g);
    for (unsigned level = 2; level <= depth && node != NO_NODE; level++) {
        struct gen_node *n = &g->nodes[node];
        if (level == depth && n->param_child == NO_NODE &&
            hp_rng_unit(&g->rng) < params->catchall_share) {
            if (n->catchall_child == NO_NODE) {
                char *name = fresh_wildcard(g, node, '*', catchall_names, 4, level);
                uint32_t child = gen_new_node(g, node, name);
                g->nodes[node].catchall_child = child;
            }
            return g->nodes[node].catchall_child;
        }
        if (n->catchall_child == NO_NODE && hp_rng_unit(&g->rng) < params->param_share) {
            if (n->param_child == NO_NODE) {
                char *name = fresh_wildcard(g, node, ':', param_names, 16, level);
                uint32_t child = gen_new_node(g, node, name);
                g->nodes[node].param_child = child;
            }
            node = g->nodes[node].param_child;
            continue;
        }
        /* Reuse an existing static child half the time, so deeper prefixes are shared too. */
        if (n->static_count > 0 && hp_rng_unit(&g->rng) < 0.5) {
            node = n->static_children[hp_rng_below(&g->rng, n->static_count)];
            continue;
        }
        node = gen_add_static_child(g, node, fresh_static_name(g, node));
    }
    return node;
}

static int gen_pick_method(struct generator *g, uint32_t node)
{
    uint16_t used = g->nodes[node].methods;
    if (used == (1u << HP_METHOD_COUNT) - 1)
        return -1;
    unsigned roll = (unsigned)hp_rng_below(&g->rng, 100), method = 0;
    while (roll >= method_shares[method].weight) {
        roll -= method_shares[method].weight;
        method++;
    }
    while (used & (1u << method))
        method = (method + 1) % HP_METHOD_COUNT;
    return (int)method;
}

static void gen_append_pattern(const struct generator *g, struct text *t, uint32_t node)
{
    const char *segments[HP_ROUTE_GEN_MAX_DEPTH];
    unsigned n = 0;
    for (; node != NO_NODE; node = g->nodes[node].parent)
        segments[n++] = g->nodes[node].segment;
    while (n > 0) {
        text_puts(t, "/");
        text_puts(t, segments[--n]);
    }
}

static void gen_free(struct generator *g)
{
    for (uint32_t i = 0; i < g->node_count; i++) {
        free(g->nodes[i].segment);
        free(g->nodes[i].static_children);
    }
    free(g->nodes);
    free(g->first_level);
    free(g->routes);
}

void hp_route_gen_params_default(struct hp_route_gen_params *params)
{
    *params = (struct hp_route_gen_params){
        .routes = 200,
        .max_depth = 5,
        .param_share = 0.3,
        .catchall_share = 0.05,
        .prefix_fanout = 20,
        .seed = 1,
    };
}

static int check_params(const struct hp_route_gen_params *p, struct hp_error *err)
{
    if (p->routes < 1 || p->routes > HP_ROUTE_GEN_MAX_ROUTES)
        return hp_error_set(err, "route count %u is out of range (valid: 1..%u)", p->routes,
                            (unsigned)HP_ROUTE_GEN_MAX_ROUTES);
    if (p->max_depth < 1 || p->max_depth > HP_ROUTE_GEN_MAX_DEPTH)
        return hp_error_set(err, "depth %u is out of range (valid: 1..%u)", p->max_depth,
                            (unsigned)HP_ROUTE_GEN_MAX_DEPTH);
    if (!(p->param_share >= 0.0 && p->param_share <= 1.0))
        return hp_error_set(err, "param share %g is out of range (valid: 0..1)", p->param_share);
    if (!(p->catchall_share >= 0.0 && p->catchall_share <= 1.0))
        return hp_error_set(err, "catch-all share %g is out of range (valid: 0..1)",
                            p->catchall_share);
    if (p->prefix_fanout < 1 || p->prefix_fanout > HP_ROUTE_GEN_MAX_ROUTES)
        return hp_error_set(err, "fanout %u is out of range (valid: 1..%u)", p->prefix_fanout,
                            (unsigned)HP_ROUTE_GEN_MAX_ROUTES);
    return 0;
}

char *hp_route_gen_routes(const struct hp_route_gen_params *params, struct hp_error *err)
{
    if (check_params(params, err) != 0)
        return NULL;
    struct generator g = {.params = params};
    hp_rng_seed(&g.rng, params->seed);
    g.first_level = calloc(params->prefix_fanout, sizeof *g.first_level);
    g.routes = malloc(params->routes * sizeof *g.routes);
    gen_new_node(&g, NO_NODE, strdup("")); /* the root: node 0 */
    if (!g.first_level || !g.routes || g.out_of_memory) {
        gen_free(&g);
        hp_error_set(err, "out of memory");
        return NULL;
    }

    /* Each attempt either adds a route or finds its node full or its shape blocked; a budget
     * of attempts turns "this many distinct routes do not fit these parameters" into an error
     * instead of a hang. */
    uint64_t attempts = 0, budget = (uint64_t)params->routes * 64 + 4096;
    while (g.route_count < params->routes && attempts++ < budget && !g.out_of_memory) {
        uint32_t node = gen_walk(&g);
        if (node == NO_NODE)
            continue;
        int method = gen_pick_method(&g, node);
        if (method < 0)
            continue;
        g.nodes[node].methods |= (uint16_t)(1u << method);
        g.routes[g.route_count++] = (struct gen_route){.node = node, .method = (uint8_t)method};
    }
    if (g.out_of_memory) {
        gen_free(&g);
        hp_error_set(err, "out of memory");
        return NULL;
    }
    if (g.route_count < params->routes) {
        hp_error_set(err,
                     "only %u distinct routes fit --depth %u --fanout %u --param-share %g "
                     "(asked for %u; depth 1 allows at most fanout x 9 routes): raise --depth "
                     "or --fanout, or lower --param-share",
                     g.route_count, params->max_depth, params->prefix_fanout, params->param_share,
                     params->routes);
        gen_free(&g);
        return NULL;
    }

    struct text t = {0};
    text_printf(&t,
                "# hotpath gen routes --count %u --depth %u --param-share %g --catchall-share %g "
                "--fanout %u --seed %" PRIu64 "\n",
                params->routes, params->max_depth, params->param_share, params->catchall_share,
                params->prefix_fanout, params->seed);
    for (uint32_t i = 0; i < g.route_count; i++) {
        text_puts(&t, hp_method_name(method_shares[g.routes[i].method].method));
        text_puts(&t, " ");
        gen_append_pattern(&g, &t, g.routes[i].node);
        text_puts(&t, "\n");
    }
    gen_free(&g);
    if (t.failed) {
        free(t.data);
        hp_error_set(err, "out of memory");
        return NULL;
    }
    return t.data;
}

/* ---- Request streams ------------------------------------------------------------------- */

static bool name_has(const char *name, size_t len, const char *part)
{
    size_t part_len = strlen(part);
    for (size_t i = 0; i + part_len <= len; i++)
        if (strncasecmp(name + i, part, part_len) == 0)
            return true;
    return false;
}

static void append_hex(struct text *t, struct hp_rng *rng, unsigned digits)
{
    static const char hex[] = "0123456789abcdef";
    char buf[64];
    for (unsigned i = 0; i < digits; i++)
        buf[i] = hex[hp_rng_below(rng, 16)];
    text_append(t, buf, digits);
}

#define PICK(rng, values) (values)[hp_rng_below((rng), sizeof(values) / sizeof((values)[0]))]

/* A value for parameter `name` that looks like what real traffic carries there. Never empty,
 * never contains '/', never one of static_words. */
static void append_param_value(struct text *t, struct hp_rng *rng, const char *name, size_t len)
{
    if (name_has(name, len, "sha") || name_has(name, len, "hash") ||
        name_has(name, len, "commit")) {
        append_hex(t, rng, hp_rng_below(rng, 2) ? 40 : 7);
    } else if (name_has(name, len, "token") || name_has(name, len, "key")) {
        append_hex(t, rng, 32);
    } else if (name_has(name, len, "ref")) {
        if (hp_rng_below(rng, 2))
            text_puts(t, PICK(rng, ((const char *[]){"main", "master", "develop", "v2.1.0"})));
        else
            append_hex(t, rng, 40);
    } else if (name_has(name, len, "version")) {
        text_printf(t, "v%u.%u.%u", (unsigned)hp_rng_below(rng, 4), (unsigned)hp_rng_below(rng, 30),
                    (unsigned)hp_rng_below(rng, 10));
    } else if (name_has(name, len, "user") || name_has(name, len, "owner") ||
               name_has(name, len, "login") || name_has(name, len, "author") ||
               name_has(name, len, "member")) {
        text_puts(t, PICK(rng, user_values));
    } else if (name_has(name, len, "org") || name_has(name, len, "team")) {
        text_puts(t, PICK(rng, org_values));
    } else if (name_has(name, len, "repo") || name_has(name, len, "project")) {
        text_puts(t, PICK(rng, repo_values));
    } else if (name_has(name, len, "lang")) {
        text_puts(t, PICK(rng, lang_values));
    } else if (name_has(name, len, "email")) {
        text_printf(t, "%s@example.com", PICK(rng, user_values));
    } else if (name_has(name, len, "id") || name_has(name, len, "num") ||
               name_has(name, len, "page") || name_has(name, len, "count")) {
        /* Mostly short ids, sometimes long ones: the digit count is skewed towards small. */
        unsigned digits = 1 + (unsigned)(hp_rng_unit(rng) * hp_rng_unit(rng) * 12);
        uint64_t low = 1;
        for (unsigned i = 1; i < digits; i++)
            low *= 10;
        text_printf(t, "%" PRIu64, low + hp_rng_below(rng, low * 9));
    } else {
        text_puts(t, PICK(rng, word_values));
        if (hp_rng_below(rng, 3) == 0)
            text_printf(t, "-%u", (unsigned)hp_rng_below(rng, 1000));
    }
}

/* Fills the wildcards of `pattern` and appends the concrete path. */
static void append_request_path(struct text *t, struct hp_rng *rng, const char *pattern)
{
    const char *p = pattern;
    while (*p) {
        bool segment_start = p > pattern && p[-1] == '/';
        if (segment_start && *p == ':') {
            const char *name = ++p;
            while (*p && *p != '/')
                p++;
            append_param_value(t, rng, name, (size_t)(p - name));
        } else if (segment_start && *p == '*') {
            unsigned segments = 1 + (unsigned)hp_rng_below(rng, 3);
            for (unsigned i = 0; i < segments; i++) {
                if (i > 0)
                    text_puts(t, "/");
                text_puts(t, PICK(rng, file_values));
            }
            break; /* a catch-all ends the pattern */
        } else {
            text_append(t, p, 1);
            p++;
        }
    }
}

void hp_request_stream_free(struct hp_request_stream *stream)
{
    free(stream->requests);
    free(stream->arena);
    *stream = (struct hp_request_stream){0};
}

int hp_request_stream_generate(const struct hp_route_set *routes, size_t count, double zipf_s,
                               uint64_t seed, struct hp_request_stream *out, struct hp_error *err)
{
    *out = (struct hp_request_stream){0};
    if (routes->count == 0)
        return hp_error_set(err, "the route set is empty");
    if (count < 1 || count > HP_REQUEST_GEN_MAX_COUNT)
        return hp_error_set(err, "request count %zu is out of range (valid: 1..%u)", count,
                            (unsigned)HP_REQUEST_GEN_MAX_COUNT);
    if (!(zipf_s >= 0.0 && zipf_s <= 10.0))
        return hp_error_set(err, "Zipf exponent %g is out of range (valid: 0..10)", zipf_s);

    size_t n = routes->count;
    size_t *route_at_rank = malloc(n * sizeof *route_at_rank);
    double *cumulative = malloc(n * sizeof *cumulative);
    size_t *path_offset = malloc(count * sizeof *path_offset);
    struct hp_request *requests = malloc(count * sizeof *requests);
    struct text arena = {0};
    int rc = -1;
    if (!route_at_rank || !cumulative || !path_offset || !requests) {
        hp_error_set(err, "out of memory");
        goto done;
    }

    struct hp_rng rng;
    hp_rng_seed(&rng, seed);
    /* Fisher-Yates: which route holds popularity rank r. */
    for (size_t i = 0; i < n; i++)
        route_at_rank[i] = i;
    for (size_t i = n - 1; i > 0; i--) {
        size_t j = (size_t)hp_rng_below(&rng, i + 1);
        size_t tmp = route_at_rank[i];
        route_at_rank[i] = route_at_rank[j];
        route_at_rank[j] = tmp;
    }
    double total = 0.0;
    for (size_t r = 0; r < n; r++) {
        total += pow((double)(r + 1), -zipf_s);
        cumulative[r] = total;
    }

    for (size_t i = 0; i < count; i++) {
        double u = hp_rng_unit(&rng) * total;
        size_t lo = 0, hi = n - 1; /* first rank whose cumulative weight exceeds u */
        while (lo < hi) {
            size_t mid = lo + (hi - lo) / 2;
            if (cumulative[mid] <= u)
                lo = mid + 1;
            else
                hi = mid;
        }
        size_t route = route_at_rank[lo];
        path_offset[i] = arena.len;
        append_request_path(&arena, &rng, routes->routes[route].pattern);
        requests[i] = (struct hp_request){.method = routes->routes[route].method,
                                          .path_len = arena.len - path_offset[i],
                                          .route_index = route};
        text_append(&arena, "", 1); /* the NUL between paths */
    }
    if (arena.failed) {
        hp_error_set(err, "out of memory");
        goto done;
    }
    /* Pointers only now: the arena moved while it grew. */
    for (size_t i = 0; i < count; i++)
        requests[i].path = arena.data + path_offset[i];
    *out = (struct hp_request_stream){.requests = requests, .count = count, .arena = arena.data};
    requests = NULL;
    arena.data = NULL;
    rc = 0;
done:
    free(route_at_rank);
    free(cumulative);
    free(path_offset);
    free(requests);
    free(arena.data);
    return rc;
}

/* The text of a stream: the header line, then "METHOD PATH\n" per request. */
static char *stream_text(const char *header, const struct hp_request_stream *stream)
{
    size_t len = strlen(header);
    for (size_t i = 0; i < stream->count; i++)
        len += strlen(hp_method_name(stream->requests[i].method)) + 1 +
               stream->requests[i].path_len + 1;
    char *text = malloc(len + 1);
    if (!text)
        return NULL;
    char *p = text;
    p += sprintf(p, "%s", header);
    for (size_t i = 0; i < stream->count; i++) {
        const struct hp_request *r = &stream->requests[i];
        p += sprintf(p, "%s ", hp_method_name(r->method));
        memcpy(p, r->path, r->path_len);
        p += r->path_len;
        *p++ = '\n';
    }
    *p = '\0';
    return text;
}

char *hp_route_gen_requests(const struct hp_request_gen_params *params, struct hp_error *err)
{
    struct hp_route_set *routes;
    if (hp_route_set_load(params->routes, &routes, err) != 0) /* refuses a file without routes */
        return NULL;
    struct hp_request_stream stream;
    int rc = hp_request_stream_generate(routes, params->count, params->zipf_s, params->seed,
                                        &stream, err);
    hp_route_set_free(routes);
    if (rc != 0)
        return NULL;
    char header[512];
    int header_len = snprintf(header, sizeof header,
                              "# hotpath gen requests --routes %s --count %zu --zipf %g --seed "
                              "%" PRIu64 "\n",
                              params->routes, stream.count, params->zipf_s, params->seed);
    if (header_len < 0 || (size_t)header_len >= sizeof header)
        snprintf(header, sizeof header, "# hotpath gen requests\n");
    char *text = stream_text(header, &stream);
    hp_request_stream_free(&stream);
    if (!text)
        hp_error_set(err, "out of memory");
    return text;
}
