/* The response_writer axis: how status line, header block and body reach the output buffer.
 *
 * Claim C8 (Bolt 3.1): writing a response as one pre-sized buffer in a single write saves
 * 20-30 ns over writing header and body in several writes. Two implementations:
 *
 *   multi_write   the status line, every header field (four writes each, through the header
 *                 writer's emit_lines: name, ": ", value, "\r\n"), the blank line and the body
 *                 are separate writes to the sink, one indirect call and one copy each, as
 *                 Go's net/http writes through its io.Writer / bufio.Writer chain.
 *   single_write  computes the total size first (hp_response_length), takes that much
 *                 contiguous space from the sink with ONE reserve, and formats everything into
 *                 it in place (header block via the header writer's write_block).
 *
 * Both produce exactly these bytes (nothing else is added; in particular Content-Length, Date
 * and the rest are the handler's business, set through the header writer):
 *
 *     "HTTP/1.1 <code> <reason>\r\n" <header block> "\r\n" <body>
 *
 * Status codes known (hp_status_line in http_format.h): 200 OK, 201 Created, 204 No Content,
 * 400 Bad Request, 404 Not Found, 405 Method Not Allowed, 413 Content Too Large,
 * 500 Internal Server Error, 503 Service Unavailable. A 405 must carry an Allow header
 * (RFC 9110 15.5.6) listing the route's methods, e.g. "Allow: GET, POST": the pipeline sets it
 * like any other field (a per-request set, or a constant of the route's 405 plan); the response
 * writer does not check it. A 204 should have an empty body and no Content-Length; again the
 * caller's business.
 *
 * Nothing is allocated. Threads: the writers are stateless; a sink belongs to one thread.
 */
#ifndef HOTPATH_RESPONSE_WRITER_H
#define HOTPATH_RESPONSE_WRITER_H

#include <stddef.h>

#include "header_writers/header_writer.h"
#include "registry.h"
#include "response_writers/sink.h"

struct hp_response {
    int status; /* one of the codes listed above */
    /* The header writer that filled `headers` (begin + set), and its state. */
    const struct hp_header_writer_ops *header_writer;
    const struct hp_header_state *headers;
    const void *body; /* may be NULL when body_length is 0 */
    size_t body_length;
};

/* Bytes the response occupies on the wire (status line + header block + 2 + body); 0 when the
 * status code is not one hp_status_line knows. Lets a caller size its output buffer (e.g. get
 * one from the buffer_pool axis) before writing. */
size_t hp_response_length(const struct hp_response *response);

struct hp_response_writer_ops {
    struct hp_impl_info info;
    /* Appends the response to the sink. 0; or -1 when the status code is unknown (nothing
     * written) or the sink refused a write (single_write: nothing written; multi_write: the
     * writes before the refused one stay written, as with Go's bufio.Writer; reset the sink). */
    int (*write)(const struct hp_response *response, struct hp_sink *sink);
};

extern const struct hp_response_writer_ops hp_response_writer_multi_write;
extern const struct hp_response_writer_ops hp_response_writer_single_write;

static inline const struct hp_response_writer_ops *
hp_response_writer_ops_of(const struct hp_impl_info *info)
{
    return (const struct hp_response_writer_ops *)info;
}

#endif
