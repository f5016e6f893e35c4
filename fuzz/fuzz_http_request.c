/* The HTTP request-head parser (impls/http/http_parser.h), on a buffer of exactly the input's
 * size. Properties: it never reads past the buffer (AddressSanitizer); a complete head's length
 * is within the input and every slice of the request lies inside the head; path, query and
 * fragment lie inside the target in that order; a head cut one byte short, or an incomplete
 * input cut in half, is INCOMPLETE (never an error); an error is a known code; the body found
 * after a head lies inside the input. */
#include "fuzz_check.h"

#include "http/http_parser.h"

static void check_slice(const char *head, size_t len, struct hp_http_slice s, const char *what)
{
    FUZZ_CHECK(s.ptr != NULL && fuzz_inside(head, len, s.ptr, s.len), "%s outside the head", what);
}

static void check_request(const char *buf, size_t head_len, const struct hp_http_request *req)
{
    check_slice(buf, head_len, req->method, "method");
    FUZZ_CHECK(req->method.len > 0, "empty method");
    check_slice(buf, head_len, req->target, "target");
    FUZZ_CHECK(req->target.len > 0, "empty target");
    const char *target = req->target.ptr;
    size_t target_len = req->target.len;
    FUZZ_CHECK(req->path.ptr == target, "the path does not start the target");
    check_slice(target, target_len, req->path, "path");
    if (req->query.ptr) {
        check_slice(target, target_len, req->query, "query");
        FUZZ_CHECK(req->query.ptr == req->path.ptr + req->path.len + 1 && req->query.ptr[-1] == '?',
                   "the query does not follow the path's '?'");
    }
    if (req->fragment.ptr) {
        check_slice(target, target_len, req->fragment, "fragment");
        FUZZ_CHECK(req->fragment.ptr[-1] == '#', "the fragment does not follow a '#'");
        FUZZ_CHECK(req->fragment.ptr + req->fragment.len == target + target_len,
                   "the fragment does not end the target");
    }
    FUZZ_CHECK(req->minor_version == 0 || req->minor_version == 1, "version 1.%d",
               req->minor_version);
    FUZZ_CHECK(req->header_count <= HP_HTTP_MAX_HEADERS, "%zu headers", req->header_count);
    for (size_t i = 0; i < req->header_count; i++) {
        check_slice(buf, head_len, req->headers[i].name, "header name");
        FUZZ_CHECK(req->headers[i].name.len > 0, "empty header name");
        check_slice(buf, head_len, req->headers[i].value, "header value");
    }
}

/* Parses the first `len` bytes from a copy of exactly that size. */
static int parse_prefix(const uint8_t *data, size_t len)
{
    char *copy = fuzz_copy(data, len);
    struct hp_http_request req;
    int rc = hp_http_parse_request(copy, len, &req);
    free(copy);
    return rc;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *buf = fuzz_copy(data, size);
    struct hp_http_request req;
    int rc = hp_http_parse_request(buf, size, &req);
    if (rc > 0) {
        size_t head_len = (size_t)rc;
        FUZZ_CHECK(head_len <= size, "head of %zu bytes in %zu", head_len, size);
        check_request(buf, head_len, &req);
        FUZZ_CHECK(parse_prefix(data, head_len) == rc, "the head alone parses differently");
        FUZZ_CHECK(parse_prefix(data, head_len - 1) == HP_HTTP_INCOMPLETE,
                   "a head cut one byte short is not incomplete");
        struct hp_http_slice body;
        if (hp_http_request_body(&req, buf, size, head_len, &body) == 0) {
            FUZZ_CHECK(body.len == 0 || (body.ptr == buf + head_len &&
                                         fuzz_inside(buf, size, body.ptr, body.len)),
                       "body outside the input");
        }
    } else if (rc == HP_HTTP_INCOMPLETE) {
        FUZZ_CHECK(parse_prefix(data, size / 2) == HP_HTTP_INCOMPLETE,
                   "half of an incomplete head is not incomplete");
    } else {
        FUZZ_CHECK(strcmp(hp_http_error_name(rc), "unknown error") != 0, "unknown code %d", rc);
    }
    free(buf);
    return 0;
}
