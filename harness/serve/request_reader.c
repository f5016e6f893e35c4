/* The server's request reader (request_reader.h). */
#include "request_reader.h"

#include <string.h>

static bool ascii_equal_nocase(const char *a, size_t len, const char *lower)
{
    if (strlen(lower) != len)
        return false;
    for (size_t i = 0; i < len; i++) {
        char c = a[i];
        if (c >= 'A' && c <= 'Z')
            c = (char)(c - 'A' + 'a');
        if (c != lower[i])
            return false;
    }
    return true;
}

/* Whether a Connection field of the request lists `token` (a comma-separated list with
 * optional whitespace, RFC 9110 section 7.6.1; tokens compare case-insensitively). */
static bool connection_lists(const struct hp_http_request *req, const char *token)
{
    for (size_t h = 0; h < req->header_count; h++) {
        const struct hp_http_header *field = &req->headers[h];
        if (!ascii_equal_nocase(field->name.ptr, field->name.len, "connection"))
            continue;
        const char *p = field->value.ptr, *end = p + field->value.len;
        while (p < end) {
            while (p < end && (*p == ' ' || *p == '\t' || *p == ','))
                p++;
            const char *start = p;
            while (p < end && *p != ',' && *p != ' ' && *p != '\t')
                p++;
            if (p > start && ascii_equal_nocase(start, (size_t)(p - start), token))
                return true;
        }
    }
    return false;
}

static void refuse(struct hp_serve_read *out, int status, int parse_error)
{
    out->verdict = HP_SERVE_REFUSE;
    out->status = status;
    out->parse_error = parse_error;
}

void hp_serve_read(const char *buf, size_t len, const struct hp_serve_limits *limits,
                   struct hp_http_request *req, struct hp_serve_read *out)
{
    memset(out, 0, sizeof *out);
    size_t window = len < limits->max_head_bytes ? len : limits->max_head_bytes;
    int rc = hp_http_parse_request(buf, window, req);
    if (rc == HP_HTTP_INCOMPLETE) {
        if (len >= limits->max_head_bytes)
            refuse(out, 431, 0);
        else
            out->verdict = HP_SERVE_NEED_MORE;
        return;
    }
    if (rc < 0) {
        bool too_large = rc == HP_HTTP_ERR_REQUEST_LINE_TOO_LONG ||
                         rc == HP_HTTP_ERR_HEADER_LINE_TOO_LONG ||
                         rc == HP_HTTP_ERR_TOO_MANY_HEADERS;
        refuse(out, too_large ? 431 : 400, rc);
        return;
    }
    if (req->header_count > limits->max_headers) {
        refuse(out, 431, 0);
        return;
    }
    uint64_t content_length;
    int has_length = hp_http_request_content_length(req, &content_length);
    if (has_length < 0) {
        refuse(out, 400, has_length);
        return;
    }
    for (size_t h = 0; h < req->header_count; h++)
        if (ascii_equal_nocase(req->headers[h].name.ptr, req->headers[h].name.len,
                               "transfer-encoding")) {
            refuse(out, 400, HP_HTTP_ERR_TRANSFER_ENCODING);
            return;
        }
    if (content_length > limits->max_body_bytes) {
        refuse(out, 413, 0);
        return;
    }
    out->verdict = HP_SERVE_REQUEST;
    out->head_len = (size_t)rc;
    out->body_len = content_length;
    out->keep_alive = req->minor_version == 1 ? !connection_lists(req, "close")
                                              : connection_lists(req, "keep-alive");
    out->head_method = req->method.len == 4 && memcmp(req->method.ptr, "HEAD", 4) == 0;
}

size_t hp_serve_next(struct hp_serve_stream *stream, const char *buf, size_t len,
                     const struct hp_serve_limits *limits, struct hp_http_request *scratch,
                     struct hp_serve_read *out, size_t *head_offset)
{
    *head_offset = 0;
    if (stream->done) {
        memset(out, 0, sizeof *out);
        out->verdict = HP_SERVE_NEED_MORE;
        return len;
    }
    size_t skip = len < stream->body_skip ? len : (size_t)stream->body_skip;
    stream->body_skip -= skip;
    *head_offset = skip;
    if (stream->body_skip) {
        memset(out, 0, sizeof *out);
        out->verdict = HP_SERVE_NEED_MORE;
        return skip;
    }
    hp_serve_read(buf + skip, len - skip, limits, scratch, out);
    switch (out->verdict) {
    case HP_SERVE_NEED_MORE:
        return skip;
    case HP_SERVE_REFUSE:
        stream->done = true;
        return len;
    case HP_SERVE_REQUEST:
        break;
    }
    stream->body_skip = out->body_len;
    stream->done = !out->keep_alive;
    return skip + out->head_len;
}
