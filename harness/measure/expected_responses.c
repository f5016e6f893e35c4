#include "expected_responses.h"

#include <stdio.h>
#include <string.h>

#include "files.h"

struct writer {
    FILE *f;
    size_t records, bytes;
    const char *why; /* the limit exceeded, or NULL */
};

static int put_record(void *ctx, const char *request, size_t request_len, const char *response,
                      size_t response_len)
{
    struct writer *w = ctx;
    if (request_len > HP_EXPECTED_MESSAGE_MAX || response_len > HP_EXPECTED_MESSAGE_MAX)
        w->why = "a request or response longer than 1 MiB";
    else if (w->records == HP_EXPECTED_RECORDS_MAX)
        w->why = "more than 1,000,000 records";
    else if (w->bytes + request_len + response_len + 64 > HP_EXPECTED_FILE_MAX)
        w->why = "more than 64 MiB";
    if (w->why)
        return -1;
    fprintf(w->f, "request %zu\n", request_len);
    fwrite(request, 1, request_len, w->f);
    fprintf(w->f, "\nresponse %zu\n", response_len);
    fwrite(response, 1, response_len, w->f);
    fputc('\n', w->f);
    w->records++;
    w->bytes += request_len + response_len + 64;
    return 0;
}

struct write_ctx {
    const struct hp_case *c;
    struct hp_error *err;
    const char *why;
};

static int write_file(FILE *f, const void *arg)
{
    const struct write_ctx *ctx = arg;
    struct writer w = {.f = f};
    fputs("hotpath-responses 1\n", f);
    if (ctx->c->workload->exchanges(ctx->c->shared, put_record, &w, ctx->err) != 0) {
        ((struct write_ctx *)ctx)->why = w.why;
        return -1;
    }
    fprintf(f, "end %zu\n", w.records);
    return 0;
}

int hp_expected_responses_write(const char *path, const struct hp_case *c, struct hp_error *err)
{
    if (!c->workload->exchanges || !c->shared)
        return hp_error_set(err, "%s: this workload records no responses", c->name);
    struct hp_error inner = {{0}};
    struct write_ctx ctx = {.c = c, .err = &inner};
    if (hp_file_write(path, write_file, &ctx, err) != 0) {
        if (ctx.why)
            return hp_error_set(err, "%s: %s: %s", path, c->name, ctx.why);
        if (inner.message[0])
            return hp_error_set(err, "%s: %s: %s", path, c->name, inner.message);
        return -1;
    }
    return 0;
}

void hp_expected_responses_name(const char *workload, char *out, size_t size)
{
    size_t j = 0;
    for (size_t i = 0; workload[i] && j + 1 < size; i++)
        out[j++] = workload[i] == '/' ? '-' : workload[i];
    out[j] = '\0';
    strncat(out, ".responses", size - strlen(out) - 1);
}
