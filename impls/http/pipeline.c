/* The request pipeline (see pipeline.h for the responses it produces). Every axis is reached
 * through its ops; nothing here depends on which implementation was chosen, so two compositions
 * differ in exactly their implementations. */
#include "http/pipeline.h"

#include <stdalign.h>
#include <stdlib.h>
#include <string.h>

#include "contexts/context.h"
#include "header_writers/header_writer.h"
#include "http/http_parser.h"
#include "http/json_writer.h"
#include "http/http_format.h"
#include "response_writers/response_writer.h"
#include "http/sink.h"
#include "routers/router.h"

/* The handler's body: enough for the GitHub routes' params many times over; a body that does
 * not fit (a very long path) gets a 500. */
enum { BODY_MAX = 4096, ALLOW_MAX = 96 };

const struct hp_pipeline_header hp_pipeline_handler_headers[HP_PIPELINE_HANDLER_HEADERS] = {
    {"Content-Type", "application/json"},
    {"Server", "hotpath"},
    {"X-Content-Type-Options", "nosniff"},
    {"X-Frame-Options", "DENY"},
};

int hp_pipeline_handler_fields(struct hp_header_name names[HP_PIPELINE_HANDLER_HEADERS],
                               struct hp_header_field fields[HP_PIPELINE_HANDLER_HEADERS],
                               struct hp_error *err)
{
    for (int h = 0; h < HP_PIPELINE_HANDLER_HEADERS; h++) {
        const struct hp_pipeline_header *spec = &hp_pipeline_handler_headers[h];
        if (hp_header_name_init(&names[h], spec->name, strlen(spec->name), err) != 0)
            return -1;
        fields[h] = (struct hp_header_field){&names[h], spec->value, strlen(spec->value)};
    }
    return 0;
}

static const char body_not_found[] = "{\"error\":\"not found\"}";
static const char body_not_allowed[] = "{\"error\":\"method not allowed\"}";
static const char body_bad_request[] = "{\"error\":\"bad request\"}";
static const char body_internal[] = "{\"error\":\"internal error\"}";
static const char body_too_large[] = "{\"error\":\"content too large\"}";
static const char body_head_too_large[] = "{\"error\":\"request header fields too large\"}";

/* A route's constant JSON, encoded once, so the handler escapes only what comes from the
 * request (param and query values): the skeleton `{"route":"<pattern>"` followed by one
 * `,"<param>":` per wildcard of the pattern (the first ROUTE_JSON_KEYS), contiguous, so a
 * request with params copies the opening and its first key in one run; and the whole body of
 * a request without params or query, `{"route":"<pattern>"}`, ready to send as it is. */
enum { ROUTE_JSON_KEYS = HP_CONTEXT_PARAM_SLOTS };

struct route_json {
    const char *skeleton;
    uint32_t opening_len; /* `{"route":"<pattern>"` */
    uint32_t key_count;   /* the first ROUTE_JSON_KEYS params; later ones are escaped per request */
    struct {
        uint32_t offset; /* of `,"<param>":` in skeleton */
        uint32_t len;
        uint32_t name_len; /* of the raw name: a cheap check that the router agrees */
    } keys[ROUTE_JSON_KEYS];
    const char *closed; /* `{"route":"<pattern>"}` */
    size_t closed_len;
    char storage[];
};

struct hp_pipeline {
    const struct hp_router_ops *router_ops;
    const struct hp_header_writer_ops *header_ops;
    const struct hp_response_writer_ops *response_ops;
    const struct hp_buffer_pool_ops *buffer_ops;
    const struct hp_route_set *routes;
    struct hp_router *router;
    struct hp_context_env *contexts;
    struct hp_header_plan **route_plans; /* one per route: C2's "pre-built per route" */
    struct route_json **route_json;      /* one per route */
    struct hp_header_plan *error_plan;   /* 400, 404, 405, 500 */
    struct hp_header_name handler_names[HP_PIPELINE_HANDLER_HEADERS];
    struct hp_header_name allow_name;
    struct hp_header_name connection_name; /* for hp_pipeline_refuse's Connection: close */
    char date[HP_HTTP_DATE_LENGTH];
};

struct hp_pipeline_worker {
    struct hp_pipeline *pipeline;
    struct hp_buffer_pool *buffers;
    struct hp_match match;
    struct hp_http_request request;
    struct hp_header_state headers;
    char content_length[HP_DECIMAL_U64_MAX];
    char allow[ALLOW_MAX];
    alignas(64) char body[BODY_MAX];
};

static const struct hp_impl_info *axis_impl(const struct hp_composition *c, enum hp_axis_id axis,
                                            struct hp_error *err)
{
    const struct hp_impl_info *info = c->impl[axis];
    if (!info)
        hp_error_set(err, "the pipeline needs a %s implementation", hp_axis_get(axis)->name);
    return info;
}

/* The pattern's wildcards in order (a segment starting with ':' or '*', route_set.h), each
 * name encoded as a JSON key; the pattern encoded as a string. */
static struct route_json *route_json_create(const struct hp_route *route, struct hp_error *err)
{
    /* Escaping at most doubles a printable byte (a control byte takes 6, never in a pattern
     * the route set accepts; encode_string refuses rather than overflow); quotes, commas,
     * colons and braces: a fixed 32 bytes plus 4 per key. The opening is written twice. */
    size_t room = 2 * (sizeof "{\"route\":" + 2 * route->pattern_len + 2) + 2 * route->pattern_len +
                  ROUTE_JSON_KEYS * 4 + 32;
    struct route_json *json = calloc(1, sizeof *json + room);
    if (!json) {
        hp_error_set(err, "out of memory creating the pipeline");
        return NULL;
    }
    char *out = json->storage, *end = json->storage + room;
    static const char opening[] = "{\"route\":";
    memcpy(out, opening, sizeof opening - 1);
    out += sizeof opening - 1;
    size_t pattern_json =
        hp_json_encode_string(out, (size_t)(end - out), route->pattern, route->pattern_len);
    if (pattern_json == 0)
        goto unencodable;
    out += pattern_json;
    json->skeleton = json->storage;
    json->opening_len = (uint32_t)(out - json->storage);
    const char *p = route->pattern, *pattern_end = route->pattern + route->pattern_len;
    while (p < pattern_end && json->key_count < ROUTE_JSON_KEYS) {
        const char *segment = ++p; /* after a '/' */
        const char *segment_end = memchr(segment, '/', (size_t)(pattern_end - segment));
        if (!segment_end)
            segment_end = pattern_end;
        if (segment < segment_end && (*segment == ':' || *segment == '*')) {
            if (*segment == '*')
                segment_end = pattern_end;
            size_t name_len = (size_t)(segment_end - segment - 1);
            char *key = out;
            *out++ = ',';
            size_t len = hp_json_encode_string(out, (size_t)(end - out - 1), segment + 1, name_len);
            if (len == 0)
                goto unencodable;
            out += len;
            *out++ = ':';
            json->keys[json->key_count].offset = (uint32_t)(key - json->storage);
            json->keys[json->key_count].len = (uint32_t)(out - key);
            json->keys[json->key_count].name_len = (uint32_t)name_len;
            json->key_count++;
        }
        p = segment_end;
    }
    json->closed = out;
    memcpy(out, json->skeleton, json->opening_len);
    out += json->opening_len;
    *out++ = '}';
    json->closed_len = (size_t)(out - json->closed);
    return json;
unencodable:
    free(json);
    hp_error_set(err, "the route pattern %s cannot be encoded as JSON", route->pattern);
    return NULL;
}

struct hp_pipeline *hp_pipeline_create(const struct hp_pipeline_config *config,
                                       struct hp_error *err)
{
    const struct hp_composition *c = config->composition;
    const struct hp_impl_info *router, *pool, *context, *header, *response, *buffer;
    if (!(router = axis_impl(c, HP_AXIS_ROUTER, err)) ||
        !(pool = axis_impl(c, HP_AXIS_POOL, err)) ||
        !(context = axis_impl(c, HP_AXIS_CONTEXT, err)) ||
        !(header = axis_impl(c, HP_AXIS_HEADER_WRITER, err)) ||
        !(response = axis_impl(c, HP_AXIS_RESPONSE_WRITER, err)) ||
        !(buffer = axis_impl(c, HP_AXIS_BUFFER_POOL, err)))
        return NULL;
    struct hp_pipeline *p = calloc(1, sizeof *p);
    if (!p) {
        hp_error_set(err, "out of memory creating the pipeline");
        return NULL;
    }
    /* Every ops struct starts with its hp_impl_info (registry.h). */
    p->router_ops = (const struct hp_router_ops *)router;
    p->header_ops = hp_header_writer_ops_of(header);
    p->response_ops = hp_response_writer_ops_of(response);
    p->buffer_ops = hp_buffer_pool_ops_of(buffer);
    p->routes = config->routes;
    if (hp_format_http_date(p->date, config->date) != 0) {
        hp_error_set(err, "the pipeline's date cannot be formatted");
        goto fail;
    }
    struct hp_header_field constants[HP_PIPELINE_HANDLER_HEADERS];
    if (hp_pipeline_handler_fields(p->handler_names, constants, err) != 0 ||
        hp_header_name_init(&p->allow_name, "Allow", 5, err) != 0 ||
        hp_header_name_init(&p->connection_name, "Connection", 10, err) != 0)
        goto fail;
    if (!(p->error_plan = p->header_ops->plan_create(constants, HP_PIPELINE_HANDLER_HEADERS, err)))
        goto fail;
    size_t route_count = config->routes->count;
    p->route_plans = calloc(route_count ? route_count : 1, sizeof *p->route_plans);
    if (!p->route_plans) {
        hp_error_set(err, "out of memory creating the pipeline");
        goto fail;
    }
    for (size_t i = 0; i < route_count; i++)
        if (!(p->route_plans[i] =
                  p->header_ops->plan_create(constants, HP_PIPELINE_HANDLER_HEADERS, err)))
            goto fail;
    p->route_json = calloc(route_count ? route_count : 1, sizeof *p->route_json);
    if (!p->route_json) {
        hp_error_set(err, "out of memory creating the pipeline");
        goto fail;
    }
    for (size_t i = 0; i < route_count; i++)
        if (!(p->route_json[i] = route_json_create(&config->routes->routes[i], err)))
            goto fail;
    if (!(p->router = p->router_ops->create(err)))
        goto fail;
    if (hp_router_add_all(p->router_ops, p->router, config->routes->routes, route_count, err) != 0)
        goto fail;
    struct hp_context_config context_config = {
        .extra_bytes = 0,
        .capacity = 1024,
        .max_threads = config->max_threads ? config->max_threads : 64,
    };
    if (!(p->contexts = hp_context_env_create(hp_context_ops_of(context), hp_pool_ops_of(pool),
                                              &context_config, err)))
        goto fail;
    return p;
fail:
    hp_pipeline_destroy(p);
    return NULL;
}

void hp_pipeline_destroy(struct hp_pipeline *p)
{
    if (!p)
        return;
    hp_context_env_destroy(p->contexts);
    if (p->router)
        p->router_ops->destroy(p->router);
    if (p->route_plans)
        for (size_t i = 0; i < p->routes->count; i++)
            p->header_ops->plan_destroy(p->route_plans[i]);
    free(p->route_plans);
    if (p->route_json)
        for (size_t i = 0; i < p->routes->count; i++)
            free(p->route_json[i]);
    free(p->route_json);
    p->header_ops->plan_destroy(p->error_plan);
    free(p);
}

struct hp_pipeline_worker *hp_pipeline_worker_create(struct hp_pipeline *p, struct hp_error *err)
{
    struct hp_pipeline_worker *w = aligned_alloc(64, sizeof *w);
    if (!w) {
        hp_error_set(err, "out of memory creating a pipeline worker");
        return NULL;
    }
    memset(w, 0, sizeof *w);
    w->pipeline = p;
    struct hp_buffer_pool_config buffer_config = {0};
    if (!(w->buffers = p->buffer_ops->create(&buffer_config, err))) {
        free(w);
        return NULL;
    }
    hp_match_init(&w->match);
    if (p->router_ops->thread_attach)
        p->router_ops->thread_attach(p->router);
    hp_context_thread_attach(p->contexts);
    return w;
}

void hp_pipeline_worker_destroy(struct hp_pipeline_worker *w)
{
    if (!w)
        return;
    struct hp_pipeline *p = w->pipeline;
    hp_context_thread_detach(p->contexts);
    if (p->router_ops->thread_detach)
        p->router_ops->thread_detach(p->router);
    p->buffer_ops->destroy(w->buffers);
    free(w);
}

/* The handler every route shares: {"route":PATTERN, PARAM:VALUE..., "query":{...}}. Returns the
 * body (the route's constant one, or written into the worker's buffer) and its length in
 * *body_len, or NULL when it did not fit. */
static const char *handle_route(struct hp_pipeline_worker *w, struct hp_context *ctx,
                                size_t *body_len)
{
    const struct route_json *route = w->pipeline->route_json[ctx->route_id];
    uint32_t param_count = hp_context_param_count(ctx);
    /* No query string: no query pieces, the accessors would find none. */
    bool has_query = ctx->query_string.len != 0;
    if (param_count == 0 && !has_query) {
        if (route->closed_len > sizeof w->body)
            return NULL; /* as if written into the body buffer */
        *body_len = route->closed_len;
        return route->closed;
    }
    struct hp_json_writer json;
    hp_json_writer_init(&json, w->body, sizeof w->body);
    uint32_t i = 0;
    const struct hp_param *first = hp_context_param_at(ctx, 0);
    if (param_count && route->key_count && route->keys[0].name_len == first->name_len) {
        hp_json_raw(&json, route->skeleton, route->opening_len + route->keys[0].len, 1, false);
        hp_json_string(&json, first->value, first->value_len);
        i = 1;
    } else {
        hp_json_raw(&json, route->skeleton, route->opening_len, 1, true);
    }
    for (; i < param_count; i++) {
        const struct hp_param *param = hp_context_param_at(ctx, i);
        if (i < route->key_count && route->keys[i].name_len == param->name_len)
            hp_json_raw(&json, route->skeleton + route->keys[i].offset, route->keys[i].len, 1,
                        false);
        else
            hp_json_key(&json, param->name, param->name_len);
        hp_json_string(&json, param->value, param->value_len);
    }
    uint32_t query_count = has_query ? hp_context_query_count(ctx) : 0;
    if (query_count) {
        hp_json_key_encoded(&json, "\"query\"", 7);
        hp_json_begin_object(&json);
        for (uint32_t i = 0; i < query_count; i++) {
            const struct hp_query_param *q = hp_context_query_at(ctx, i);
            hp_json_key(&json, q->name.ptr, q->name.len);
            hp_json_string(&json, q->value.ptr, q->value.len);
        }
        hp_json_end_object(&json);
    }
    hp_json_raw(&json, "}", 1, 0, true);
    if (!hp_json_writer_ok(&json))
        return NULL;
    *body_len = hp_json_writer_len(&json);
    return w->body;
}

/* "GET, POST": the methods of `allowed` in enum order. */
static size_t format_allow(char *out, uint32_t allowed)
{
    size_t n = 0;
    for (int m = 0; m < HP_METHOD_COUNT; m++) {
        if (!(allowed & (1u << m)))
            continue;
        const char *name = hp_method_name((enum hp_method)m);
        size_t len = strlen(name);
        if (n) {
            memcpy(out + n, ", ", 2);
            n += 2;
        }
        memcpy(out + n, name, len);
        n += len;
    }
    return n;
}

/* The handler's headers (the plan's constants, Allow when given) through the header writer;
 * Date and Content-Length from fixed bytes by the response writer; the response into a buffer
 * from the worker's pool. */
static int respond_with(struct hp_pipeline_worker *w, int status, const struct hp_header_plan *plan,
                        const char *body, size_t body_len, const struct hp_header_name *extra_name,
                        const char *extra_value, size_t extra_len, struct hp_pipeline_response *out)
{
    struct hp_pipeline *p = w->pipeline;
    const struct hp_header_writer_ops *headers = p->header_ops;
    headers->begin(&w->headers, plan);
    if (extra_len)
        headers->set(&w->headers, extra_name, extra_value, extra_len);
    struct hp_response response = {
        .status = status,
        .header_writer = headers,
        .headers = &w->headers,
        .date = p->date,
        .content_length = w->content_length,
        .content_length_digits = hp_format_decimal_u64(w->content_length, body_len),
        .body = body,
        .body_length = body_len,
    };
    int rc = -1;
    size_t length = hp_response_length(&response);
    if (p->buffer_ops->get(w->buffers, length, &out->buffer) == 0) {
        struct hp_buffer_sink sink;
        hp_buffer_sink_init(&sink, out->buffer.data, out->buffer.capacity);
        if (p->response_ops->write(&response, &sink.sink) == 0) {
            out->status = status;
            out->length = sink.length;
            rc = 0;
        } else {
            p->buffer_ops->put(w->buffers, out->buffer);
        }
    }
    if (headers->end)
        headers->end(&w->headers);
    return rc;
}

static int respond(struct hp_pipeline_worker *w, int status, const struct hp_header_plan *plan,
                   const char *body, size_t body_len, size_t allow_len,
                   struct hp_pipeline_response *out)
{
    return respond_with(w, status, plan, body, body_len, &w->pipeline->allow_name, w->allow,
                        allow_len, out);
}

int hp_pipeline_refuse(struct hp_pipeline_worker *w, int status, struct hp_pipeline_response *out)
{
    const char *body;
    size_t body_len;
    switch (status) {
    case 400:
        body = body_bad_request, body_len = sizeof body_bad_request - 1;
        break;
    case 413:
        body = body_too_large, body_len = sizeof body_too_large - 1;
        break;
    case 431:
        body = body_head_too_large, body_len = sizeof body_head_too_large - 1;
        break;
    default:
        return -1;
    }
    struct hp_pipeline *p = w->pipeline;
    return respond_with(w, status, p->error_plan, body, body_len, &p->connection_name, "close", 5,
                        out);
}

int hp_pipeline_handle(struct hp_pipeline_worker *w, const char *request, size_t len,
                       struct hp_pipeline_response *out)
{
    struct hp_pipeline *p = w->pipeline;
    if (hp_http_parse_request(request, len, &w->request) <= 0)
        return respond(w, 400, p->error_plan, body_bad_request, sizeof body_bad_request - 1, 0,
                       out);
    /* hp_http_method and hp_method list the methods in the same order, OTHER first. */
    int method = (int)hp_http_method_from_token(w->request.method.ptr, w->request.method.len) - 1;
    if (method < 0)
        return respond(w, 400, p->error_plan, body_bad_request, sizeof body_bad_request - 1, 0,
                       out);

    struct hp_context *ctx = hp_context_acquire(p->contexts);
    if (!ctx)
        return respond(w, 500, p->error_plan, body_internal, sizeof body_internal - 1, 0, out);
    hp_context_bind_request(ctx, &w->request, (enum hp_method)method);
    struct hp_match *match = &w->match;
    p->router_ops->lookup(p->router, (enum hp_method)method, w->request.path.ptr,
                          w->request.path.len, match);
    int rc;
    if (match->status == HP_MATCH_FOUND) {
        ctx->route_id = match->route_id;
        size_t body_len = 0;
        const char *body = NULL;
        if (hp_context_set_params(ctx, &match->params) == 0)
            body = handle_route(w, ctx, &body_len);
        if (body) {
            ctx->status = 200;
            rc = respond(w, 200, p->route_plans[match->route_id], body, body_len, 0, out);
        } else {
            rc = respond(w, 500, p->error_plan, body_internal, sizeof body_internal - 1, 0, out);
        }
    } else if (match->status == HP_MATCH_METHOD_NOT_ALLOWED) {
        size_t allow_len = format_allow(w->allow, match->allowed);
        rc = respond(w, 405, p->error_plan, body_not_allowed, sizeof body_not_allowed - 1,
                     allow_len, out);
    } else {
        rc = respond(w, 404, p->error_plan, body_not_found, sizeof body_not_found - 1, 0, out);
    }
    /* Param values may be copies the router made (radix_copy_params): released only now that
     * the response holds its own bytes. */
    p->router_ops->match_release(p->router, match);
    hp_context_release(ctx);
    hp_context_request_end(p->contexts);
    return rc;
}

void hp_pipeline_response_done(struct hp_pipeline_worker *w, struct hp_pipeline_response *response)
{
    w->pipeline->buffer_ops->put(w->buffers, response->buffer);
    response->buffer = (struct hp_buffer){NULL, 0};
}
