/* The request pipeline every composition of the axes runs: raw HTTP/1.1 request bytes in,
 * complete HTTP/1.1 response bytes out, in memory.
 *
 *   parse (the shared parser) -> context from the pool (context + pool axes) -> route (router
 *   axis), params into the context -> handler (a small JSON body, shared JSON writer) ->
 *   response headers (header_writer axis) -> status line, headers, body into an output buffer
 *   (response_writer axis, buffer from the buffer_pool axis) -> context reset and given back.
 *
 * Responses, the same bytes for every composition (the tests hold every composition to them):
 *
 *   200  body {"route":"<pattern>","<param>":"<value>",...} plus ,"query":{"<name>":"<value>",
 *        ...} when the target has a query string with at least one piece (raw values, JSON
 *        escaped);
 *   404  body {"error":"not found"}  (also for the routers' trailing-slash redirect answers:
 *        the pipeline does not redirect);
 *   405  body {"error":"method not allowed"} and Allow: the path's methods ("GET, POST", in
 *        enum order);
 *   400  body {"error":"bad request"} for a head the parser refuses (or that is incomplete: the
 *        pipeline is given whole requests) and for a method no router knows;
 *   500  body {"error":"internal error"} when the body does not fit its buffer or memory runs
 *        out for params.
 * Headers, in this order: what the handler sets through the header writer (the route's
 * constant plan, built once per route: Content-Type: application/json, Server: hotpath,
 * X-Content-Type-Options: nosniff, X-Frame-Options: DENY, names spelled canonically as Go
 * handlers and Gin spell them; then, for a 405, Allow, set per request), then Date: <fixed per
 * run> and Content-Length: <n>, which the response writer adds from fixed bytes as net/http's
 * extraHeader does (never through the header writer). The date is formatted once per run, where
 * net/http formats time.Now() per response (work every composition would share).
 * A request body, if any, is ignored.
 *
 * Threads: one pipeline (router, route plans, context pools) is shared by every thread; each
 * thread makes its own worker (its buffer pool, header state, scratch) on that thread.
 */
#ifndef HOTPATH_PIPELINE_H
#define HOTPATH_PIPELINE_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "buffer_pools/buffer_pool.h"
#include "common/error.h"
#include "header_writers/header_writer.h"
#include "registry.h"
#include "routers/route_set.h"

/* The headers the handler sets on every response (each route plan's constants), shared with
 * the header/set_serialize workload so that the micro case sets the same headers the same way. */
enum { HP_PIPELINE_HANDLER_HEADERS = 4 };
struct hp_pipeline_header {
    const char *name; /* canonical spelling */
    const char *value;
};
extern const struct hp_pipeline_header hp_pipeline_handler_headers[HP_PIPELINE_HANDLER_HEADERS];

/* Prepares those headers for plan_create: a descriptor each in names[], and the fields (names
 * pointing into names[]). 0, or -1 with err set. Setup only. */
int hp_pipeline_handler_fields(struct hp_header_name names[HP_PIPELINE_HANDLER_HEADERS],
                               struct hp_header_field fields[HP_PIPELINE_HANDLER_HEADERS],
                               struct hp_error *err);

struct hp_pipeline_config {
    /* The router, pool, context, header_writer, response_writer and buffer_pool to use. */
    const struct hp_composition *composition;
    /* The routes (must outlive the pipeline); route ids index it. */
    const struct hp_route_set *routes;
    time_t date;          /* the Date header's time, formatted once */
    unsigned max_threads; /* workers that will exist at once (0: 64) */
};

struct hp_pipeline;
struct hp_pipeline_worker;

struct hp_pipeline_response {
    int status;              /* 200, 400, 404, 405 or 500 */
    struct hp_buffer buffer; /* from the worker's buffer pool; give back with _done */
    size_t length;           /* response bytes at buffer.data[0, length) */
};

/* Builds the router from the route set, one header plan per route, the context pools. */
struct hp_pipeline *hp_pipeline_create(const struct hp_pipeline_config *config,
                                       struct hp_error *err);
void hp_pipeline_destroy(struct hp_pipeline *pipeline);

/* Per thread, created and destroyed on that thread (attaches it to the router and pools). */
struct hp_pipeline_worker *hp_pipeline_worker_create(struct hp_pipeline *pipeline,
                                                     struct hp_error *err);
void hp_pipeline_worker_destroy(struct hp_pipeline_worker *worker);

/* One request: request[0, len) holds a whole request. 0 with *out set, or -1 when no response
 * could be produced at all (the output buffer could not be obtained). */
int hp_pipeline_handle(struct hp_pipeline_worker *worker, const char *request, size_t len,
                       struct hp_pipeline_response *out);
/* The answer of a server in front of the pipeline to a request it refuses before the pipeline
 * sees it (harness/serve/): status 400 (a malformed head, a bad Content-Length, a chunked
 * body), 413 (a body over its limit) or 431 (a head over its limit), with the error headers,
 * Connection: close (set through the header writer, as Allow is) and the body
 * {"error":"bad request"}, {"error":"content too large"} or {"error":"request header fields
 * too large"}. 0 with *out set; -1 for another status or when no buffer could be obtained. */
int hp_pipeline_refuse(struct hp_pipeline_worker *worker, int status,
                       struct hp_pipeline_response *out);
/* Gives the response's buffer back to the worker's buffer pool. */
void hp_pipeline_response_done(struct hp_pipeline_worker *worker,
                               struct hp_pipeline_response *response);

#endif
