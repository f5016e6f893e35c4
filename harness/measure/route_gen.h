/* Synthetic route sets and Zipf-skewed request streams.
 *
 * The route sets are text in the route-file format of routers/route_set.h, read back with the
 * project's one parser (hp_route_set_parse, hp_route_set_load of inputs.h), which also checks
 * the rules below.
 *
 * The generator builds its routes in a segment trie, so the rules routers enforce hold by
 * construction: at most one parameter name per position, never a parameter and a catch-all at
 * the same position, a catch-all only as the last segment, no duplicate (method, pattern), and
 * no repeated parameter name within one route. Static and parameter siblings do occur (static
 * wins at match time), because real APIs have them (`/users/:user` beside `/users/search`).
 *
 * Everything is deterministic for a seed: same parameters, same bytes, on every machine.
 */
#ifndef HOTPATH_ROUTE_GEN_H
#define HOTPATH_ROUTE_GEN_H

#include <stddef.h>
#include <stdint.h>

#include "common/error.h"
#include "routers/route_set.h"
#include "routers/router.h"

struct hp_route_gen_params {
    unsigned routes;        /* exact number of routes to produce, >= 1 */
    unsigned max_depth;     /* segments per route, 1..HP_ROUTE_GEN_MAX_DEPTH */
    double param_share;     /* probability that a segment after the first is a `:param` */
    double catchall_share;  /* probability that a route of depth >= 2 ends in a `*catchall` */
    unsigned prefix_fanout; /* how many distinct first segments: small = many shared prefixes */
    uint64_t seed;
};

enum { HP_ROUTE_GEN_MAX_DEPTH = 32, HP_ROUTE_GEN_MAX_ROUTES = 1000000 };

/* Defaults used by `hotpath gen routes` for the flags left out. */
void hp_route_gen_params_default(struct hp_route_gen_params *params);

/* Returns the text of a valid route set (a `#` header line naming the parameters, then one
 * route a line), NUL-terminated, to be freed with free(); NULL with err filled when the
 * parameters are out of range or cannot yield that many distinct routes (e.g. depth 1 allows at
 * most prefix_fanout * 9 routes). */
char *hp_route_gen_routes(const struct hp_route_gen_params *params, struct hp_error *err);

/* ---- Request streams --------------------------------------------------------------------- */

struct hp_request {
    enum hp_method method; /* the method of the route it was made from (hp_method_name prints it) */
    const char *path;      /* NUL-terminated, points into the stream's arena */
    size_t path_len;
    size_t route_index; /* index into the set's routes (== that route's id) */
};

struct hp_request_stream {
    struct hp_request *requests;
    size_t count;
    char *arena; /* every path, back to back, each NUL-terminated */
};

/* `count` requests whose routes are drawn from a Zipf distribution with exponent `zipf_s`
 * (0 = uniform) over a seeded shuffle of the routes, so the most popular route is not simply the
 * first line. Parameters get plausible values chosen by parameter name (ids are numbers, users
 * are user names, sha is hex...); catch-alls get 1-3 segments. Every path matches its route.
 * Returns 0, or -1 with err filled (empty route set, count 0 or too large, bad exponent). */
int hp_request_stream_generate(const struct hp_route_set *routes, size_t count, double zipf_s,
                               uint64_t seed, struct hp_request_stream *out, struct hp_error *err);
void hp_request_stream_free(struct hp_request_stream *stream);

enum { HP_REQUEST_GEN_MAX_COUNT = 10000000 };

/* `hotpath gen requests`: a request list (inputs.h) for a route file, as text: a `#` header
 * line naming the parameters, then one `METHOD PATH` a line, NUL-terminated, malloc'ed; NULL
 * with err set (an unreadable or empty route file, parameters out of range, out of memory). */
struct hp_request_gen_params {
    const char *routes; /* the route file */
    size_t count;
    double zipf_s;
    uint64_t seed;
};
char *hp_route_gen_requests(const struct hp_request_gen_params *params, struct hp_error *err);

#endif
