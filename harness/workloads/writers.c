/* Writer workloads (claims C1, C2, C8): the response side of a request.
 *
 *   header/set_serialize  op = one response's headers through the header writer chosen on the
 *                         header_writer axis: begin (the route plan's constants: Content-Type,
 *                         Server, Cache-Control), set the three per-request fields (Date,
 *                         Content-Length formatted from the body length, X-Request-Id formatted
 *                         from a counter), then serialise the block into a buffer (write_block).
 *                         Six fields, as a typical JSON response. Names are spelled the way Go
 *                         handlers spell them ("Content-Type"), so canonical's work is the
 *                         validation and the canonicalising copy, not case changes.
 *   response/write        op = one complete small JSON response (200, 27-byte body) written
 *                         through the response writer chosen on the response_writer axis into
 *                         an output buffer that is reset per op. The header block is fixed: the
 *                         same six fields, filled once per thread with the `prebuilt` header
 *                         writer (so the header axis is not part of this case); multi_write
 *                         reads it through emit_lines, single_write through write_block.
 *
 * Every thread has its own header state and output buffer; the route plan is shared
 * (immutable after setup, published to the workers by thread creation). Nothing is allocated
 * in run.
 */
#include <stdlib.h>
#include <string.h>

#include "header_writers/header_writer.h"
#include "response_writers/http_format.h"
#include "response_writers/response_writer.h"
#include "workload.h"

enum { BODY_LENGTH_COUNT = 8, OUTPUT_CAPACITY = 4096 };

static const char json_body[] = "{\"id\":42,\"name\":\"hotpath\"}";

/* Body lengths cycled through by header/set_serialize, so Content-Length changes per op. */
static const uint64_t body_lengths[BODY_LENGTH_COUNT] = {27, 2, 315, 1024, 88, 4096, 13, 65536};

struct writers_case {
    const struct hp_header_writer_ops *headers;
    const struct hp_response_writer_ops *responses; /* response/write only */
    struct hp_header_plan *plan;
    struct hp_header_name content_type, server, cache_control, date, content_length, request_id;
    char date_value[HP_HTTP_DATE_LENGTH]; /* fixed per run, as the pipeline's is */
};

struct writers_thread {
    struct writers_case *shared;
    uint64_t counter;
    char length_digits[HP_DECIMAL_U64_MAX];
    char id_digits[HP_DECIMAL_U64_MAX];
    struct hp_header_state state;
    struct hp_buffer_sink sink;
    unsigned char out[OUTPUT_CAPACITY];
};

static int writers_case_create(const struct hp_header_writer_ops *headers,
                               const struct hp_response_writer_ops *responses, void **shared,
                               struct hp_error *err)
{
    struct writers_case *c = calloc(1, sizeof *c);
    if (!c)
        return hp_error_set(err, "writer workload: out of memory");
    c->headers = headers;
    c->responses = responses;
    if (hp_header_name_init(&c->content_type, "Content-Type", 12, err) != 0 ||
        hp_header_name_init(&c->server, "Server", 6, err) != 0 ||
        hp_header_name_init(&c->cache_control, "Cache-Control", 13, err) != 0 ||
        hp_header_name_init(&c->date, "Date", 4, err) != 0 ||
        hp_header_name_init(&c->content_length, "Content-Length", 14, err) != 0 ||
        hp_header_name_init(&c->request_id, "X-Request-Id", 12, err) != 0 ||
        hp_format_http_date(c->date_value, 784111777) != 0) {
        free(c);
        return -1;
    }
    const struct hp_header_field constants[] = {
        {&c->content_type, "application/json", 16},
        {&c->server, "hotpath", 7},
        {&c->cache_control, "no-store", 8},
    };
    c->plan = headers->plan_create(constants, 3, err);
    if (!c->plan) {
        free(c);
        return -1;
    }
    *shared = c;
    return 0;
}

static int set_serialize_setup(const struct hp_case_params *params, void **shared,
                               struct hp_error *err)
{
    const struct hp_impl_info *info = params->composition->impl[HP_AXIS_HEADER_WRITER];
    if (!info)
        return hp_error_set(err, "header/set_serialize: no header writer chosen "
                                 "(--header_writer NAME)");
    return writers_case_create(hp_header_writer_ops_of(info), NULL, shared, err);
}

static int response_write_setup(const struct hp_case_params *params, void **shared,
                                struct hp_error *err)
{
    const struct hp_impl_info *info = params->composition->impl[HP_AXIS_RESPONSE_WRITER];
    if (!info)
        return hp_error_set(err, "response/write: no response writer chosen "
                                 "(--response_writer NAME)");
    return writers_case_create(&hp_header_writer_prebuilt, hp_response_writer_ops_of(info), shared,
                               err);
}

/* The three per-request fields of op number `counter`. */
static void set_variable_fields(struct writers_thread *t, uint64_t body_length)
{
    const struct writers_case *c = t->shared;
    size_t length_count = hp_format_decimal_u64(t->length_digits, body_length);
    size_t id_count = hp_format_decimal_u64(t->id_digits, t->counter);
    c->headers->set(&t->state, &c->date, c->date_value, HP_HTTP_DATE_LENGTH);
    c->headers->set(&t->state, &c->content_length, t->length_digits, length_count);
    c->headers->set(&t->state, &c->request_id, t->id_digits, id_count);
}

static int writers_thread_setup(void *shared, unsigned thread_index, void **local,
                                struct hp_error *err)
{
    struct writers_case *c = shared;
    struct writers_thread *t = aligned_alloc(64, (sizeof *t + 63) / 64 * 64);
    if (!t)
        return hp_error_set(err, "writer workload: out of memory");
    memset(t, 0, sizeof *t);
    t->shared = c;
    t->counter = (uint64_t)thread_index << 40;
    hp_buffer_sink_init(&t->sink, t->out, sizeof t->out);
    if (c->responses) { /* response/write: the fixed header block */
        c->headers->begin(&t->state, c->plan);
        set_variable_fields(t, sizeof json_body - 1);
    }
    *local = t;
    return 0;
}

static uint64_t set_serialize_run(void *local, uint64_t n)
{
    struct writers_thread *t = local;
    const struct writers_case *c = t->shared;
    const struct hp_header_writer_ops *headers = c->headers;
    uint64_t checksum = 0;
    for (uint64_t i = 0; i < n; i++) {
        headers->begin(&t->state, c->plan);
        set_variable_fields(t, body_lengths[t->counter % BODY_LENGTH_COUNT]);
        t->counter++;
        unsigned char *end = headers->write_block(&t->state, t->out);
        checksum += (uint64_t)(end - t->out) + end[-3];
    }
    return checksum;
}

static uint64_t response_write_run(void *local, uint64_t n)
{
    struct writers_thread *t = local;
    const struct writers_case *c = t->shared;
    const struct hp_response response = {200, c->headers, &t->state, json_body,
                                         sizeof json_body - 1};
    uint64_t checksum = 0;
    for (uint64_t i = 0; i < n; i++) {
        hp_buffer_sink_reset(&t->sink);
        c->responses->write(&response, &t->sink.sink);
        checksum += t->sink.length + t->out[t->sink.length - 2];
    }
    return checksum;
}

static void writers_thread_teardown(void *local)
{
    free(local);
}

static void writers_teardown(void *shared)
{
    struct writers_case *c = shared;
    c->headers->plan_destroy(c->plan);
    free(c);
}

const struct hp_workload hp_workload_header_set_serialize = {
    .name = "header/set_serialize",
    .summary = "one response's headers: begin with 3 route constants, set Date, Content-Length, "
               "X-Request-Id, serialise the block",
    .axes = HP_AXIS_BIT(HP_AXIS_HEADER_WRITER),
    .setup = set_serialize_setup,
    .thread_setup = writers_thread_setup,
    .run = set_serialize_run,
    .thread_teardown = writers_thread_teardown,
    .teardown = writers_teardown,
};

const struct hp_workload hp_workload_response_write = {
    .name = "response/write",
    .summary = "one small JSON response (status line, 6 fixed header fields, 27-byte body) "
               "into the output buffer",
    .axes = HP_AXIS_BIT(HP_AXIS_RESPONSE_WRITER),
    .setup = response_write_setup,
    .thread_setup = writers_thread_setup,
    .run = response_write_run,
    .thread_teardown = writers_thread_teardown,
    .teardown = writers_teardown,
};
