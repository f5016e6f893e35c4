/* The response_writer axis: how status line, header block and body reach the output buffer.
 *
 * Claim C8 (Bolt 3.1): writing a response as one pre-sized buffer in a single write saves
 * 20-30 ns over writing header and body in several writes. Two implementations:
 *
 *   multi_write   the status line, every header field (four writes each, through the header
 *                 writer's emit_lines: name, ": ", value, "\r\n"), the server's own fields
 *                 (three writes each), the blank line and the body are separate writes to the
 *                 sink, one indirect call and one copy each, as Go's net/http writes through
 *                 its io.Writer / bufio.Writer chain.
 *   single_write  computes the total size first (hp_response_length), takes that much
 *                 contiguous space from the sink with ONE reserve, and formats everything into
 *                 it in place (header block via the header writer's write_block).
 *
 * Both produce exactly these bytes:
 *
 *     "HTTP/1.1 <code> <reason>\r\n" <header block> ["Date: " <date> "\r\n"]
 *     ["Content-Length: " <digits> "\r\n"] "\r\n" <body>
 *
 * The header block holds what the handler set (header writer axis). Date and Content-Length are
 * the server's: written after it from fixed bytes, never through the header writer, as
 * net/http's chunkWriter.writeHeader does (server.go: setHeader.date, setHeader.contentLength,
 * written by extraHeader.Write after Header.writeSubset).
 *
 * Status codes known (hp_status_line in http_format.h): 200 OK, 201 Created, 204 No Content,
 * 400 Bad Request, 404 Not Found, 405 Method Not Allowed, 413 Content Too Large,
 * 431 Request Header Fields Too Large, 500 Internal Server Error, 503 Service Unavailable. A 405
 * must carry an Allow header (RFC 9110 15.5.6) listing the route's methods, e.g. "Allow: GET,
 * POST": the pipeline sets it like any other field (a per-request set, or a constant of the route's
 * 405 plan); the response writer does not check it. A 204 should have an empty body and no
 * Content-Length; again the caller's business.
 *
 * Nothing is allocated. Threads: the writers are stateless; a sink belongs to one thread.
 */
#ifndef HOTPATH_RESPONSE_WRITER_H
#define HOTPATH_RESPONSE_WRITER_H

#include <stddef.h>

#include "header_writers/header_writer.h"
#include "registry.h"
#include "http/http_format.h"
#include "http/sink.h"

struct hp_response {
    int status; /* one of the codes listed above */
    /* The header writer that filled `headers` (begin + set), and its state. */
    const struct hp_header_writer_ops *header_writer;
    const struct hp_header_state *headers;
    /* net/http's extraHeader: HP_HTTP_DATE_LENGTH bytes, or NULL for no Date line; the
     * Content-Length digits (content_length_digits of them), or NULL for no such line. */
    const char *date;
    const char *content_length;
    size_t content_length_digits;
    const void *body; /* may be NULL when body_length is 0 */
    size_t body_length;
};

enum {
    HP_DATE_LINE_EXTRA = sizeof "Date: \r\n" - 1,
    HP_LENGTH_LINE_EXTRA = sizeof "Content-Length: \r\n" - 1
};

/* Bytes of the Date and Content-Length lines. */
static inline size_t hp_response_extra_length(const struct hp_response *response)
{
    return (response->date ? HP_DATE_LINE_EXTRA + HP_HTTP_DATE_LENGTH : 0) +
           (response->content_length ? HP_LENGTH_LINE_EXTRA + response->content_length_digits : 0);
}

/* Bytes the response occupies on the wire (status line + header block + Date and
 * Content-Length lines + 2 + body); 0 when the status code is not one hp_status_line knows.
 * Lets a caller size its output buffer (e.g. get one from the buffer_pool axis) before
 * writing. */
static inline size_t hp_response_length(const struct hp_response *response)
{
    size_t status_length;
    if (!hp_status_line(response->status, &status_length))
        return 0;
    return status_length + response->header_writer->block_length(response->headers) +
           hp_response_extra_length(response) + 2 + response->body_length;
}

struct hp_response_writer_ops {
    struct hp_impl_info info;
    /* Appends the response to the sink. 0; or -1 when the status code is unknown (nothing
     * written) or the sink refused a write (single_write: nothing written; multi_write: the
     * writes before the refused one stay written, as with Go's bufio.Writer; reset the sink). */
    int (*write)(const struct hp_response *response, struct hp_sink *sink);
};

/* The implementations (response_writer_list.h), for the table and for the code that names one. */
#define HP_IMPL(symbol) extern const struct hp_response_writer_ops symbol;
#include "response_writers/response_writer_list.h"
#undef HP_IMPL

static inline const struct hp_response_writer_ops *
hp_response_writer_ops_of(const struct hp_impl_info *info)
{
    return (const struct hp_response_writer_ops *)info;
}

#endif
