/* Writer workloads (claims C1, C2, C8): the response side of a request.
 *
 *   header/set_serialize  op = one response's headers through the header writer chosen on the
 *                         header_writer axis, exactly as the pipeline sets them on a 200
 *                         (pipeline.h: hp_pipeline_handler_headers, names spelled canonically):
 *                         begin (the route plan's four constants: Content-Type, Server,
 *                         X-Content-Type-Options, X-Frame-Options), serialise the block into a
 *                         buffer (write_block), end. Date and Content-Length are not the header
 *                         writer's (response_writer.h), so they are not in this case.
 *   response/write        op = one complete small JSON response (200, 27-byte body) written
 *                         through the response writer chosen on the response_writer axis into
 *                         an output buffer that is reset per op: the same four header fields,
 *                         filled once per thread with the `prebuilt` header writer (so the
 *                         header axis is not part of this case; multi_write reads them through
 *                         emit_lines, single_write through write_block), then Date and
 *                         Content-Length from fixed bytes, the blank line and the body.
 *
 * header/set_serialize records what the header writer's route plan holds (held_bytes per plan:
 * the preallocated holders, the prebuilt lines); a response writer holds nothing between
 * responses, so response/write records no held figure.
 *
 * Every thread has its own header state and output buffer; the route plan is shared
 * (immutable after setup, published to the workers by thread creation). Nothing is allocated
 * in run but what the header writer allocates (the table writers' value holders).
 */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "alloc_count.h"
#include "header_writers/header_writer.h"
#include "http/pipeline.h"
#include "http/http_format.h"
#include "response_writers/response_writer.h"
#include "workload.h"

enum { OUTPUT_CAPACITY = 4096 };

static const char json_body[] = "{\"id\":42,\"name\":\"hotpath\"}";

struct writers_case {
    const struct hp_header_writer_ops *headers;
    const struct hp_response_writer_ops *responses; /* response/write only */
    struct hp_header_plan *plan;
    struct hp_header_name names[HP_PIPELINE_HANDLER_HEADERS];
    char date_value[HP_HTTP_DATE_LENGTH]; /* fixed per run, as the pipeline's is */
};

struct writers_thread {
    struct writers_case *shared;
    char length_digits[HP_DECIMAL_U64_MAX];
    size_t length_digit_count;
    struct hp_header_state state;
    struct hp_buffer_sink sink;
    unsigned char out[OUTPUT_CAPACITY];
};

/* metrics: where to record what the route plan holds (header/set_serialize: the header
 * writer's per-route structure, workload.h's held_bytes per plan); NULL: not recorded. */
static int writers_case_create(const struct hp_header_writer_ops *headers,
                               const struct hp_response_writer_ops *responses,
                               struct hp_metrics *metrics, void **shared, struct hp_error *err)
{
    struct writers_case *c = calloc(1, sizeof *c);
    if (!c)
        return hp_error_set(err, "writer workload: out of memory");
    c->headers = headers;
    c->responses = responses;
    struct hp_header_field constants[HP_PIPELINE_HANDLER_HEADERS];
    if (hp_pipeline_handler_fields(c->names, constants, err) != 0) {
        free(c);
        return -1;
    }
    if (hp_format_http_date(c->date_value, 784111777) != 0) {
        free(c);
        return hp_error_set(err, "writer workload: the date cannot be formatted");
    }
    bool window = metrics && hp_alloc_held_begin() == 0;
    c->plan = headers->plan_create(constants, HP_PIPELINE_HANDLER_HEADERS, err);
    if (window) {
        struct hp_alloc_held held;
        hp_alloc_held_end(&held);
        if (c->plan)
            hp_metrics_add_held(metrics, &held, "plan", 1);
    }
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
    return writers_case_create(hp_header_writer_ops_of(info), NULL, params->metrics, shared, err);
}

static int response_write_setup(const struct hp_case_params *params, void **shared,
                                struct hp_error *err)
{
    const struct hp_impl_info *info = params->composition->impl[HP_AXIS_RESPONSE_WRITER];
    if (!info)
        return hp_error_set(err, "response/write: no response writer chosen "
                                 "(--response_writer NAME)");
    return writers_case_create(&hp_header_writer_prebuilt, hp_response_writer_ops_of(info), NULL,
                               shared, err);
}

static int writers_thread_setup(void *shared, unsigned thread_index, void **local,
                                struct hp_error *err)
{
    struct writers_case *c = shared;
    struct writers_thread *t = aligned_alloc(64, (sizeof *t + 63) / 64 * 64);
    if (!t)
        return hp_error_set(err, "writer workload: out of memory");
    memset(t, 0, sizeof *t);
    (void)thread_index;
    t->shared = c;
    hp_buffer_sink_init(&t->sink, t->out, sizeof t->out);
    if (c->responses) { /* response/write: the fixed header block (prebuilt: nothing to end) */
        c->headers->begin(&t->state, c->plan);
        t->length_digit_count = hp_format_decimal_u64(t->length_digits, sizeof json_body - 1);
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
        unsigned char *end = headers->write_block(&t->state, t->out);
        if (headers->end)
            headers->end(&t->state);
        checksum += (uint64_t)(end - t->out) + end[-3];
    }
    return checksum;
}

static uint64_t response_write_run(void *local, uint64_t n)
{
    struct writers_thread *t = local;
    const struct writers_case *c = t->shared;
    const struct hp_response response = {
        .status = 200,
        .header_writer = c->headers,
        .headers = &t->state,
        .date = c->date_value,
        .content_length = t->length_digits,
        .content_length_digits = t->length_digit_count,
        .body = json_body,
        .body_length = sizeof json_body - 1,
    };
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
    .summary = "one response's handler headers as the pipeline sets them: begin with the 4 "
               "route constants, serialise the block, end",
    .axes = HP_AXIS_BIT(HP_AXIS_HEADER_WRITER),
    .setup = set_serialize_setup,
    .thread_setup = writers_thread_setup,
    .run = set_serialize_run,
    .thread_teardown = writers_thread_teardown,
    .teardown = writers_teardown,
};

const struct hp_workload hp_workload_response_write = {
    .name = "response/write",
    .summary = "one small JSON response (status line, 4 fixed header fields, Date, "
               "Content-Length, 27-byte body) into the output buffer",
    .axes = HP_AXIS_BIT(HP_AXIS_RESPONSE_WRITER),
    .setup = response_write_setup,
    .thread_setup = writers_thread_setup,
    .run = response_write_run,
    .thread_teardown = writers_thread_teardown,
    .teardown = writers_teardown,
};
