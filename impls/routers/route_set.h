/* Route sets: the route-file parser, and the checks every router applies on registration.
 *
 * Route file: one route a line, `METHOD /pattern`; blank lines and lines whose first
 * non-blank byte is `#` are ignored, and a route may be followed by a `# comment`. At most
 * HP_ROUTE_FILE_MAX bytes (the harness reads files: measure/inputs.h), in lines of at most
 * HP_ROUTE_LINE_MAX bytes without the newline.
 *
 * Pattern syntax (router-conformance.md items 3-11, 17, 18):
 *   - starts with `/`; at most HP_ROUTE_PATTERN_MAX bytes; no `?`, `#`, spaces or control
 *     bytes (a request path ends at `?` or `#`, so such a route could never match);
 *   - a segment (the bytes after a `/` up to the next `/`) that starts with `:` is a param
 *     (`:name`, matches one non-empty segment); one that starts with `*` is a catch-all
 *     (`*name`, must be the last segment, matches the rest of the path including its leading
 *     `/`, so `/src/` + `*filepath` matches `/src/` with filepath=`/`);
 *   - `:` and `*` anywhere else are literal bytes (`/user_:name`, `/foo/x*zy` are static);
 *   - wildcard names are non-empty and contain neither `:` nor `*`;
 *   - at most HP_ROUTE_PARAMS_MAX wildcards per pattern.
 *
 * Conflicts between two routes of the same method (hp_route_conflict_check), walking their
 * segments side by side while they are equal (static segments byte-equal, params with the same
 * name): identical patterns are duplicates; two params with different names, or a param and a
 * catch-all, at the same position are refused. A static segment next to a wildcard is fine:
 * static wins at lookup, with backtracking (item 8).
 *
 * Every message starts with the route's "FILE:LINE: " (or "METHOD PATTERN: " when the route has
 * no file), so routers refuse the same routes with the same words.
 */
#ifndef HOTPATH_ROUTE_SET_H
#define HOTPATH_ROUTE_SET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "common/bytes.h"
#include "common/error.h"
#include "routers/router.h"

enum {
    HP_ROUTE_PATTERN_MAX = 16384,        /* bytes in one pattern */
    HP_ROUTE_PARAMS_MAX = 256,           /* params + catch-all in one pattern */
    HP_ROUTE_LINE_MAX = 32768,           /* bytes in one line of a route file */
    HP_ROUTE_FILE_MAX = 64 * 1024 * 1024 /* bytes in a route file (~1.9M generated routes) */
};

struct hp_route_set {
    struct hp_route *routes; /* routes[i].id == i, in file order */
    size_t count;
    char *name;    /* the file name every route's `file` points at */
    char *storage; /* the patterns, NUL-terminated, back to back */
};

/* Reads and validates the text of a route file (syntax, limits and conflicts), in time linear in
 * its size; `name` is used in messages and as each route's file. 0, or -1 with err set. Reading
 * the file itself is the harness's (hp_route_set_load, measure/inputs.h). */
int hp_route_set_parse(const char *name, const char *text, size_t len, struct hp_route_set **out,
                       struct hp_error *err);
void hp_route_set_free(struct hp_route_set *set);

/* The pattern syntax check every router runs in add(). 0, or -1 with err set. */
int hp_route_pattern_check(const struct hp_route *route, struct hp_error *err);

/* Does `route` conflict with the already registered `existing`? 0 when they can coexist
 * (different methods included), -1 with err naming both. */
int hp_route_conflict_check(const struct hp_route *existing, const struct hp_route *route,
                            struct hp_error *err);

/* The same check against a whole table, in time linear in the pattern instead of in the table:
 * add() refuses `route` (which passed hp_route_pattern_check) exactly when
 * hp_route_conflict_check refuses it against one of the routes added before, with that check's
 * message for the first such route in the order they were added; otherwise records it. The
 * routes must outlive the index. For loading a table (the route-file parser, routers' add_all).
 * Fields are the index's own; init allocates nothing, destroy frees everything. */
struct hp_route_conflicts {
    struct hp_route_conflict_node *nodes;
    size_t count, capacity, static_count;
    uint32_t *slots;
    uint32_t slot_mask;
};
void hp_route_conflicts_init(struct hp_route_conflicts *c);
int hp_route_conflicts_add(struct hp_route_conflicts *c, const struct hp_route *route,
                           struct hp_error *err);
void hp_route_conflicts_destroy(struct hp_route_conflicts *c);

/* Releases a params overflow array (items != inline_items) and resets count; leaves the match
 * ready for the next lookup. The match_release of every router that does not copy values. */
void hp_match_release_default(const struct hp_router *r, struct hp_match *m);

/* Makes room for `count` params: the inline array, or one allocation (malloc, or realloc of a
 * previous overflow). Sets params->count. Returns false when out of memory (count = 0). */
bool hp_params_reserve(struct hp_params *params, uint32_t count);

/* One new heap array of exactly `count` params (count > 0), whatever the inline room: the
 * always-heap side of C10 (radix_heap_params). params must hold no previous allocation (a
 * released match). Sets params->count. Returns false when out of memory (count = 0). */
bool hp_params_alloc(struct hp_params *params, uint32_t count);

/* The routable part of a request target: it ends at the first `?` or `#`. */
static inline size_t hp_route_path_len(const char *path, size_t len)
{
    return hp_find_either(path, 0, len, '?', '#');
}

/* ---- case-insensitive suggestions (router-conformance.md item 23) ----
 *
 * Lookups are byte-exact. After a miss a router may be asked (hp_router_ops
 * .find_case_insensitive) for the registered path that equals the request ignoring case, to
 * redirect to it. Case here is simple folding of UTF-8 letters whose two cases have the same
 * encoded length: ASCII, Latin-1 (U+00C0-U+00FE), most of Latin Extended-A (not dotless i,
 * dotted I, kra, long s), Greek (U+0391-U+03A9) and Cyrillic (U+0400-U+042F); every
 * other byte, and bytes that are not valid UTF-8, must be equal. The fixed path therefore has the
 * request's length and its '/' in the same places. */

/* Decodes the UTF-8 character at s[0..avail) (avail >= 1): its length, and *cp. A byte that
 * does not start a valid (shortest-form) sequence is a character of length 1, *cp = 0xFFFFFFFF. */
size_t hp_utf8_decode(const char *s, size_t avail, uint32_t *cp);

/* The other case of a letter, encoded in `out` (same length as the letter); 0 when `cp` has
 * no other case under the folding above. */
size_t hp_case_other(uint32_t cp, char out[4]);

/* request[0..len) and candidate[0..len) are equal ignoring case (character by character of the
 * request: equal bytes, or the request character's other case). */
bool hp_case_equal(const char *request, const char *candidate, size_t len);

/* Orders two routes that both match one request ignoring case, as the lookup would: segment by
 * segment, static before param before catch-all, and between two static segments the smaller
 * bytes. Patterns are route patterns (a static route's path is its own pattern). <0 when `a` is
 * preferred, >0 when `b` is, 0 when they tie. */
int hp_case_candidate_compare(const char *a, size_t a_len, const char *b, size_t b_len);

/* Writes the fixed path of `pattern` for `request` (len bytes, already known to match it
 * ignoring case) into out[0..len): the pattern's bytes in static segments, the request's in
 * params and the catch-all. */
void hp_case_fixed_path(const char *pattern, size_t pattern_len, const char *request, size_t len,
                        char *out);

/* The one-line text of an answer, as `hotpath route` prints it (no newline):
 *   found:      "GET /users/:id id=42" (the route's method and pattern, then name=value)
 *   not found:  "404"
 *   405:        "405 Allow: GET, POST" (methods in enum order)
 *   redirect:   "301 /users/" for GET, "308 /users/" for other methods: the request path (cut
 *               at `?`/`#`) with its trailing slash added or removed.
 * `set` names the routes (route_id indexes set->routes). Returns the full length; writes at
 * most size - 1 bytes and a NUL (like snprintf). */
size_t hp_match_format(char *buf, size_t size, const struct hp_route_set *set,
                       enum hp_method method, const char *path, size_t len,
                       const struct hp_match *m);

/* Where a route came from, for messages: "FILE:LINE" or "METHOD PATTERN". */
int hp_route_where(const struct hp_route *route, char *buf, size_t size);

#endif
