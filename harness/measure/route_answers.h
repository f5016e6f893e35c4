/* What routers answer for requests: `hotpath route`, the oracle a user (or a peer in another
 * language) checks a router against. Requests come as a request list (inputs.h); each answer
 * is one line, hp_match_format's text (impls/routers/route_set.h), or for a miss that a route
 * matches ignoring case, "301 /Fixed/Path (fixed case)" (308 for methods other than GET), the
 * router's find_case_insensitive answer.
 */
#ifndef HOTPATH_ROUTE_ANSWERS_H
#define HOTPATH_ROUTE_ANSWERS_H

#include <stdio.h>

#include "common/error.h"

struct hp_route_answers_request {
    const char *routes;        /* the route file */
    const char *router;        /* an implementation's name, or "all": every router must agree */
    const char *requests_name; /* for messages ("stdin") */
    const char *requests_path; /* the request list: at most 64 MiB, lines of at most 1 MiB */
};

enum hp_route_answers_outcome {
    HP_ROUTE_ANSWERED,  /* every answer printed */
    HP_ROUTE_DISAGREED, /* two routers answered a request differently: said on stderr */
    HP_ROUTE_REFUSED,   /* bad input (err set); nothing printed */
};

/* Checks all input first (router name, route file, request lines), then prints one answer a
 * line to out. */
enum hp_route_answers_outcome hp_route_answers(const struct hp_route_answers_request *req,
                                               FILE *out, struct hp_error *err);

#endif
